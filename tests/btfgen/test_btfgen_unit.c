/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tier of btfgen (no kernel): the test objects of every relocation
 * kind against the purpose-built targets (one big-endian, one with
 * ambiguous duplicates), minimized, then compared record by record with the
 * full target; the archive round trip and its bad inputs (corrupt index,
 * truncated or changed payload, two entries for one kernel); the CLI's
 * note for an object without CO-RE relocations, --strict, and nothing
 * written when one kernel fails; relocations through type-tagged pointers
 * (tests/btfgen/tagged against tests/targets/t_tag): the same results from
 * the minimized BTF, every tag chain kept or cut at a pointer, and against
 * bpftool's min_core_btf where it accepts the input.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bg_test.h"

static const char *const objs_rel[] = { "tests/bpf/fields.o", "tests/bpf/direct.o",
					"tests/bpf/types.o", "tests/bpf/ambig.o",
					"tests/bpf/be.o" };
static const char *const tgts_rel[] = { "tests/targets/t_alpha.o", "tests/targets/t_beta.o",
					"tests/targets/t_amb.o", "tests/targets/t_alpha_be.o" };
#define NOBJ (sizeof(objs_rel) / sizeof(objs_rel[0]))
#define NTGT (sizeof(tgts_rel) / sizeof(tgts_rel[0]))

static char *bpath(const char *rel)
{
	static char buf[4][1024];
	static int k;
	const char *b = getenv("UZ_BUILD");

	assert_non_null(b);
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", b, rel);
	return buf[k];
}

static void open_objs(struct uz_object **o)
{
	struct uz_error err = { 0 };
	size_t i;

	for (i = 0; i < NOBJ; i++)
		if (uz_object_open(bpath(objs_rel[i]), NULL, &o[i], &err))
			fail_msg("%s", err.msg);
}

static struct uz_target *load(const char *path)
{
	struct uz_target *t = NULL;
	struct uz_error err = { 0 };

	if (uz_target_load(path, NULL, &t, &err))
		fail_msg("%s", err.msg);
	return t;
}

/* Every kind, every target: same results; smaller; the kernel's byte order. */
static void test_equivalence_purpose_targets(void **state)
{
	struct uz_object *o[NOBJ];
	size_t i, j, kinds_seen = 0, records = 0;
	bool kinds[UZ_KIND_MAX] = { 0 };

	(void)state;
	open_objs(o);
	for (i = 0; i < NTGT; i++) {
		struct uz_target *full = load(bpath(tgts_rel[i])), *min;
		size_t len;
		void *d = bg_minimize(o, NOBJ, full, &len);
		struct btf *indep = btf__new(d, (uint32_t)len);

		/* libbpf reads it, in the target's byte order, with fewer types */
		assert_non_null(indep);
		assert_int_equal(btf__endianness(indep),
				 uz_target_provenance(full)->big_endian ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN);
		assert_true(btf__type_cnt(indep) < uz_target_type_cnt(full));
		btf__free(indep);
		min = bg_load_mem(d, len, "min", NULL);
		for (j = 0; j < NOBJ; j++) {
			struct uz_relocation *rel = bg_relocate(o[j], full);
			size_t k;

			for (k = 0; k < uz_relocation_record_cnt(rel); k++)
				kinds[uz_relocation_record(rel, k)->kind] = true;
			uz_relocation_free(rel);
			records += bg_same(o[j], full, min, false);
		}
		uz_target_free(min);
		uz_target_free(full);
		free(d);
	}
	for (i = 0; i < UZ_KIND_MAX; i++)
		kinds_seen += kinds[i];
	assert_int_equal(kinds_seen, UZ_KIND_MAX); /* all 13 relocation kinds covered */
	assert_true(records > 100);
	for (i = 0; i < NOBJ; i++)
		uz_object_free(o[i]);
}

/* The ambiguous duplicates of t_amb: the same ambiguity error, minimized. */
static void test_ambiguity_kept(void **state)
{
	struct uz_object *o = NULL;
	struct uz_target *full = load(bpath("tests/targets/t_amb.o")), *min;
	struct uz_error err = { 0 };
	struct uz_relocation *rel;
	size_t len, i, errors = 0;
	void *d;

	(void)state;
	assert_int_equal(uz_object_open(bpath("tests/bpf/ambig.o"), NULL, &o, &err), 0);
	d = bg_minimize(&o, 1, full, &len);
	min = bg_load_mem(d, len, "min", NULL);
	rel = bg_relocate(o, min);
	for (i = 0; i < uz_relocation_record_cnt(rel); i++)
		if (uz_relocation_record(rel, i)->result == UZ_RESULT_ERROR) {
			assert_non_null(strstr(uz_relocation_record(rel, i)->message, "ambiguity"));
			errors++;
		}
	assert_true(errors > 0);
	bg_same(o, full, min, false);
	uz_relocation_free(rel);
	uz_target_free(min);
	uz_target_free(full);
	uz_object_free(o);
	free(d);
}

/* Split (module) BTF: t_alpha's types on top of t_beta as base, plus a
 * forward declaration, a type tag and a decl tag; minimized standalone,
 * without the decl tag. */
static void test_split_btf(void **state)
{
	char path[] = "/tmp/uzbg-split.XXXXXX", base_path[1024];
	struct btf *base = btf__parse(bpath("tests/targets/t_beta.o"), NULL);
	struct btf *alpha = btf__parse(bpath("tests/targets/t_alpha.o"), NULL);
	struct btf *split;
	struct uz_object *o[NOBJ];
	UZ_OPTS_INIT(uz_target_opts, to, .base_path = base_path);
	struct uz_target *full = NULL, *min;
	struct uz_error err = { 0 };
	const void *raw;
	uint32_t raw_len;
	size_t i, len;
	void *d;
	int fd, fwd;

	(void)state;
	snprintf(base_path, sizeof(base_path), "%s", bpath("tests/targets/t_beta.o"));
	assert_non_null(base);
	assert_non_null(alpha);
	split = btf__new_empty_split(base);
	assert_non_null(split);
	assert_true(btf__add_btf(split, alpha) > 0);
	fwd = btf__add_fwd(split, "uzt_only_declared", BTF_FWD_STRUCT);
	assert_true(fwd > 0);
	assert_true(btf__add_type_tag(split, "user", fwd) > 0);
	assert_true(btf__add_decl_tag(split, "userize:test", fwd, -1) > 0);
	raw = btf__raw_data(split, &raw_len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, raw, raw_len), (ssize_t)raw_len);
	close(fd);
	open_objs(o);
	if (uz_target_load(path, &to, &full, &err))
		fail_msg("%s", err.msg);
	d = bg_minimize(o, NOBJ, full, &len);
	{
		struct btf *indep = btf__new(d, (uint32_t)len);

		uint32_t id;

		assert_non_null(indep); /* standalone: no base needed */
		assert_null(btf__base_btf(indep));
		for (id = 1; id < btf__type_cnt(indep); id++)
			assert_false(btf_is_decl_tag(btf__type_by_id(indep, id)));
		btf__free(indep);
	}
	min = bg_load_mem(d, len, "min", NULL);
	for (i = 0; i < NOBJ; i++) {
		bg_same(o[i], full, min, false);
		uz_object_free(o[i]);
	}
	uz_target_free(min);
	uz_target_free(full);
	free(d);
	unlink(path);
	btf__free(split);
	btf__free(alpha);
	btf__free(base);
}

struct ar {
	void *data;
	size_t len;
};

/* An archive of t_alpha (release "alpha") and t_beta ("beta"), for @o. */
static struct ar make_archive(struct uz_object **o, size_t n, const char *bid_a, const char *rel_b)
{
	struct uz_archive_writer *w = NULL;
	struct uz_error err = { 0 };
	struct ar a = { 0 };
	const char *paths[2] = { "tests/targets/t_alpha.o", "tests/targets/t_beta.o" };
	const char *rels[2] = { "alpha", rel_b };
	const char *bids[2] = { bid_a, "bb" };
	size_t i;

	assert_int_equal(uz_archive_writer_new(&w, &err), 0);
	for (i = 0; i < 2; i++) {
		struct uz_target *t = load(bpath(paths[i]));
		struct uz_archive_entry_info in = { .release = rels[i], .build_id = bids[i],
						    .arch = "x86_64", .distro = "test 1" };
		size_t len;
		void *d = bg_minimize(o, n, t, &len);

		if (uz_archive_writer_add(w, d, len, &in, &err))
			fail_msg("%s", err.msg);
		free(d);
		uz_target_free(t);
	}
	assert_int_equal(uz_archive_writer_finish(w, &a.data, &a.len, &err), 0);
	uz_archive_writer_free(w);
	return a;
}

static void test_archive_roundtrip(void **state)
{
	struct uz_object *o[NOBJ];
	struct ar a;
	struct uz_archive *ar = NULL;
	struct uz_error err = { 0 };
	const char *paths[2] = { "tests/targets/t_alpha.o", "tests/targets/t_beta.o" };
	const char *rels[2] = { "alpha", "beta" };
	size_t i, j, idx;

	(void)state;
	open_objs(o);
	a = make_archive(o, NOBJ, "aa", "beta");
	assert_int_equal(uz_archive_open_mem(a.data, a.len, &ar, &err), 0);
	assert_int_equal(uz_archive_entry_cnt(ar), 2);
	assert_string_equal(uz_archive_entry(ar, 1)->release, "beta");
	assert_string_equal(uz_archive_entry(ar, 1)->distro, "test 1");
	assert_int_equal(uz_archive_find(ar, "beta", NULL, &idx, &err), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(uz_archive_find(ar, NULL, "aa", &idx, &err), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(uz_archive_find(ar, "gamma", NULL, &idx, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no entry for kernel gamma"));
	for (i = 0; i < 2; i++) {
		struct uz_target *full = load(bpath(paths[i]));
		struct uz_target *ent = bg_load_mem(a.data, a.len, rels[i], rels[i]);
		void *bytes = NULL;
		size_t blen = 0;
		struct uz_target *ext;

		assert_int_equal(uz_target_provenance(ent)->source, UZ_SOURCE_ARCHIVE);
		assert_string_equal(uz_target_provenance(ent)->release, rels[i]);
		for (j = 0; j < NOBJ; j++)
			bg_same(o[j], full, ent, true);
		/* the bytes for libbpf: plain BTF, same results (kind 7 not poisoned) */
		assert_int_equal(uz_archive_entry_btf(ar, i, &bytes, &blen, &err), 0);
		ext = bg_load_mem(bytes, blen, "extracted", NULL);
		assert_int_equal(uz_target_provenance(ext)->source, UZ_SOURCE_BTF);
		for (j = 0; j < NOBJ; j++)
			bg_same(o[j], full, ext, false);
		uz_target_free(ext);
		free(bytes);
		uz_target_free(ent);
		uz_target_free(full);
	}
	uz_archive_free(ar);
	free(a.data);
	for (i = 0; i < NOBJ; i++)
		uz_object_free(o[i]);
}

/* A big-endian kernel in a little-endian archive: the entry is read in the
 * kernel's byte order, and the bytes for libbpf are big-endian. */
/*
 * The running kernel's release alone does not pick an entry of another
 * build: an archive entry for this release whose build id differs from the
 * running kernel's (read from /sys/kernel/notes) is refused, naming both
 * build ids, not used with offsets that may be another build's.
 */
static void test_archive_other_build(void **state)
{
	struct uz_object *o[NOBJ];
	struct uz_archive *ar = NULL;
	struct uz_error err = { 0 };
	struct utsname u;
	struct ar a;
	size_t idx = 99;

	(void)state;
	assert_int_equal(uname(&u), 0);
	if (access("/sys/kernel/notes", R_OK))
		fail_msg("/sys/kernel/notes is not readable: the running kernel's build id is needed");
	open_objs(o);
	a = make_archive(o, NOBJ, "aa", u.release);
	assert_int_equal(uz_archive_open_mem(a.data, a.len, &ar, &err), 0);
	assert_int_equal(uz_archive_find(ar, NULL, NULL, &idx, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "is of another build (build id bb; the running kernel's is "));
	assert_non_null(strstr(err.msg, u.release));
	assert_int_equal(idx, 99);
	/* named explicitly, the release is the caller's choice */
	assert_int_equal(uz_archive_find(ar, u.release, NULL, &idx, &err), 0);
	assert_int_equal(idx, 1);
	uz_archive_free(ar);
	free(a.data);
	for (idx = 0; idx < NOBJ; idx++)
		uz_object_free(o[idx]);
}

static void test_archive_big_endian(void **state)
{
	struct uz_object *o[NOBJ];
	struct uz_archive_writer *w = NULL;
	struct uz_archive *ar = NULL;
	struct uz_error err = { 0 };
	struct uz_archive_entry_info in = { .release = "alpha-be", .arch = "s390x" };
	struct uz_target *full = load(bpath("tests/targets/t_alpha_be.o")), *ent;
	void *d, *ad = NULL, *bytes = NULL;
	size_t len, alen, blen, idx, i;
	struct btf *b;

	(void)state;
	open_objs(o);
	assert_true(uz_target_provenance(full)->big_endian);
	d = bg_minimize(o, NOBJ, full, &len);
	assert_int_equal(uz_archive_writer_new(&w, &err), 0);
	assert_int_equal(uz_archive_writer_add(w, d, len, &in, &err), 0);
	assert_int_equal(uz_archive_writer_finish(w, &ad, &alen, &err), 0);
	ent = bg_load_mem(ad, alen, "be entry", "alpha-be");
	assert_true(uz_target_provenance(ent)->big_endian);
	for (i = 0; i < NOBJ; i++)
		bg_same(o[i], full, ent, true);
	assert_int_equal(uz_archive_open_mem(ad, alen, &ar, &err), 0);
	assert_true(uz_archive_entry(ar, 0)->big_endian);
	assert_string_equal(uz_archive_entry(ar, 0)->arch, "s390x");
	assert_int_equal(uz_archive_find(ar, "alpha-be", NULL, &idx, &err), 0);
	assert_int_equal(uz_archive_entry_btf(ar, idx, &bytes, &blen, &err), 0);
	assert_int_equal(((uint8_t *)bytes)[0], 0xeb); /* magic 0xeB9F, big-endian */
	b = btf__new(bytes, (uint32_t)blen);
	assert_non_null(b);
	assert_int_equal(btf__endianness(b), BTF_BIG_ENDIAN);
	btf__free(b);
	free(bytes);
	uz_archive_free(ar);
	uz_target_free(ent);
	uz_target_free(full);
	uz_archive_writer_free(w);
	free(ad);
	free(d);
	for (i = 0; i < NOBJ; i++)
		uz_object_free(o[i]);
}

static void expect_load_error(const void *d, size_t len, const char *release, const char *want)
{
	UZ_OPTS_INIT(uz_target_opts, to, .kernel_release = release, .sources = UZ_SOURCE_ARCHIVE);
	struct uz_target *t = NULL;
	struct uz_error err = { 0 };

	assert_true(uz_target_load_mem(d, len, &to, &t, &err) < 0);
	assert_null(t);
	if (!strstr(err.msg, want))
		fail_msg("expected '%s' in: %s", want, err.msg);
}

static void test_archive_bad_input(void **state)
{
	struct uz_object *o[NOBJ];
	struct uz_archive_writer *w = NULL;
	struct uz_error err = { 0 };
	struct uz_archive_entry_info in = { .release = "alpha", .build_id = "aa" };
	struct ar a;
	uint8_t *c;
	size_t i;

	(void)state;
	open_objs(o);
	a = make_archive(o, NOBJ, "aa", "beta");
	c = malloc(a.len);
	/* corrupt index: one byte of the entry table changed */
	memcpy(c, a.data, a.len);
	c[56 + 1] ^= 0x40;
	expect_load_error(c, a.len, "alpha", "index checksum");
	/* truncated */
	expect_load_error(a.data, a.len - 7, "alpha", "truncated btfgen archive");
	/* changed payload (last byte) */
	memcpy(c, a.data, a.len);
	c[a.len - 1] ^= 0x01;
	expect_load_error(c, a.len, "alpha", "payload checksum");
	/* not an archive at all */
	expect_load_error("UZBTFAX", 8, "alpha", "no type source");
	free(c);
	free(a.data);
	/* two entries one kernel: the reader names both, never guesses */
	a = make_archive(o, NOBJ, "aa", "alpha");
	expect_load_error(a.data, a.len, "alpha", "2 entries for kernel alpha: #0 'alpha' build id aa and #1 'alpha' build id bb");
	free(a.data);
	/* and the writer refuses the same release + build id */
	assert_int_equal(uz_archive_writer_new(&w, &err), 0);
	{
		struct uz_target *t = load(bpath("tests/targets/t_alpha.o"));
		size_t len;
		void *d = bg_minimize(o, NOBJ, t, &len);

		assert_int_equal(uz_archive_writer_add(w, d, len, &in, &err), 0);
		assert_int_equal(uz_archive_writer_add(w, d, len, &in, &err), -EEXIST);
		assert_non_null(strstr(err.msg, "two archive entries for one kernel: 'alpha' build id aa and 'alpha' build id aa"));
		free(d);
		uz_target_free(t);
	}
	uz_archive_writer_free(w);
	for (i = 0; i < NOBJ; i++)
		uz_object_free(o[i]);
}

static size_t dir_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_cli(void **state)
{
	char out[16384], dir[] = "/tmp/uzbg.XXXXXX", sub[600];
	const char *cli = getenv("UZ_CLI_PATH");
	int rc;

	(void)state;
	assert_non_null(cli);
	assert_non_null(mkdtemp(dir));
	/* an object without CO-RE relocations: a note and a valid (tiny) BTF */
	snprintf(sub, sizeof(sub), "%s/a", dir);
	rc = bg_sh(out, sizeof(out), "%s btfgen %s --targets %s -o %s", cli,
		   bpath("tests/targets/t_beta.o"), bpath("tests/targets/t_alpha.o"), sub);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "has no CO-RE relocations"));
	assert_int_equal(dir_files(sub), 1);
	/* a kernel missing needed types: listed; --strict: exit 1, nothing written */
	snprintf(sub, sizeof(sub), "%s/b", dir);
	rc = bg_sh(out, sizeof(out), "%s btfgen %s --targets %s -o %s --strict", cli,
		   bpath("tests/bpf/fields.o"), bpath("tests/targets/t_beta.o"), sub);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "do not resolve; nothing written"));
	assert_int_equal(dir_files(sub), 0);
	/* one kernel that does not load: exit 2, nothing written for the others */
	rc = bg_sh(out, sizeof(out), "%s btfgen %s --targets %s /nonexistent.btf -o %s", cli,
		   bpath("tests/bpf/fields.o"), bpath("tests/targets/t_alpha.o"), sub);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "/nonexistent.btf"));
	assert_int_equal(dir_files(sub), 0);
	/* two targets for one kernel */
	rc = bg_sh(out, sizeof(out), "%s btfgen %s --targets %s %s --archive %s/x.uzar", cli,
		   bpath("tests/bpf/fields.o"), bpath("tests/targets/t_alpha.o"),
		   bpath("tests/targets/t_alpha.o"), dir);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "two targets for kernel t_alpha.o"));
	snprintf(sub, sizeof(sub), "%s/x.uzar", dir);
	assert_int_not_equal(access(sub, F_OK), 0);
	bg_sh(out, sizeof(out), "rm -rf %s", dir);
}

/* `btf dump` against bpftool's own dump of the same file; `btf extract` of
 * an archive entry gives BTF libbpf reads with the same types as the
 * minimized BTF written with -o. */
static void test_cli_dump_extract(void **state)
{
	static char mine[65536], theirs[65536], out[16384];
	char dir[] = "/tmp/uzbg-dump.XXXXXX", a[700], b[700];
	const char *cli = getenv("UZ_CLI_PATH");
	const char *t = bpath("tests/targets/t_alpha.o");
	struct btf *x, *y;
	uint32_t id;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* every "[id] KIND 'name'" of bpftool's dump, in order, is ours */
	assert_int_equal(bg_sh(mine, sizeof(mine), "%s btf dump %s | grep '^\\[' | cut -d' ' -f1-3",
			       cli, t), 0);
	assert_int_equal(bg_sh(theirs, sizeof(theirs),
			       "bpftool btf dump file %s | grep '^\\[' | cut -d' ' -f1-3", t), 0);
	assert_true(strlen(theirs) > 200);
	assert_string_equal(mine, theirs);
	assert_int_equal(bg_sh(mine, sizeof(mine), "%s btf dump %s --format c", cli, t), 0);
	assert_non_null(strstr(mine, "struct uzt_outer {"));
	assert_int_equal(bg_sh(mine, sizeof(mine), "%s btf dump %s --format json", cli, t), 0);
	assert_non_null(strstr(mine, "{\"id\":1,"));
	/* archive entry extracted == the -o output, type by type */
	assert_int_equal(bg_sh(out, sizeof(out), "%s btfgen %s --targets %s -o %s/o --quiet", cli,
			       bpath("tests/bpf/fields.o"), t, dir), 0);
	assert_int_equal(bg_sh(out, sizeof(out), "%s btfgen %s --targets %s --archive %s/a.uzar --quiet",
			       cli, bpath("tests/bpf/fields.o"), t, dir), 0);
	assert_int_equal(bg_sh(out, sizeof(out), "%s btf dump %s/a.uzar --list", cli, dir), 0);
	assert_non_null(strstr(out, "t_alpha.o"));
	assert_int_equal(bg_sh(out, sizeof(out), "%s btf extract %s/a.uzar --kernel t_alpha.o -o %s/x.btf",
			       cli, dir, dir), 0);
	snprintf(a, sizeof(a), "%s/o/t_alpha.o.btf", dir);
	snprintf(b, sizeof(b), "%s/x.btf", dir);
	x = btf__parse(a, NULL);
	y = btf__parse(b, NULL);
	assert_non_null(x);
	assert_non_null(y);
	assert_int_equal(btf__type_cnt(x), btf__type_cnt(y));
	for (id = 1; id < btf__type_cnt(x); id++) {
		const struct btf_type *tx = btf__type_by_id(x, id), *ty = btf__type_by_id(y, id);

		assert_int_equal(tx->info, ty->info);
		assert_string_equal(btf__name_by_offset(x, tx->name_off),
				    btf__name_by_offset(y, ty->name_off));
	}
	btf__free(x);
	btf__free(y);
	/* an unknown kernel: the error lists how to see the entries */
	assert_int_equal(bg_sh(out, sizeof(out), "%s btf extract %s/a.uzar --kernel 9.9 -o %s/y.btf",
			       cli, dir, dir), 2);
	assert_non_null(strstr(out, "no entry for kernel 9.9"));
	assert_non_null(strstr(out, "btf dump ARCHIVE --list"));
	bg_sh(out, sizeof(out), "rm -rf %s", dir);
}

/* ---- type tags ------------------------------------------------------------ */

#define CHAIN_MAX 16

/* The chain of member type @id: "ptr", "type_tag:user", "const",
 * "typedef:NAME", "array[4]" down to the base ("int:char", "struct:NAME",
 * "void"), one token per type. Returns the token count. */
static size_t chain(const struct btf *b, uint32_t id, char tok[CHAIN_MAX][64])
{
	size_t n = 0;

	while (n < CHAIN_MAX) {
		const struct btf_type *t = id ? btf__type_by_id(b, id) : NULL;
		const char *name = t ? btf__name_by_offset(b, t->name_off) : "";

		if (!t) {
			snprintf(tok[n++], 64, "void");
			return n;
		}
		switch (btf_kind(t)) {
		case BTF_KIND_PTR: snprintf(tok[n++], 64, "ptr"); break;
		case BTF_KIND_CONST: snprintf(tok[n++], 64, "const"); break;
		case BTF_KIND_VOLATILE: snprintf(tok[n++], 64, "volatile"); break;
		case BTF_KIND_RESTRICT: snprintf(tok[n++], 64, "restrict"); break;
		case BTF_KIND_TYPE_TAG: snprintf(tok[n++], 64, "type_tag:%s", name); break;
		case BTF_KIND_TYPEDEF: snprintf(tok[n++], 64, "typedef:%s", name); break;
		case BTF_KIND_ARRAY:
			snprintf(tok[n++], 64, "array[%u]", btf_array(t)->nelems);
			id = btf_array(t)->type;
			continue;
		case BTF_KIND_INT: snprintf(tok[n++], 64, "int:%s", name); return n;
		case BTF_KIND_STRUCT: snprintf(tok[n++], 64, "struct:%s", name); return n;
		case BTF_KIND_UNION: snprintf(tok[n++], 64, "union:%s", name); return n;
		case BTF_KIND_FWD: snprintf(tok[n++], 64, "fwd:%s", name); return n;
		default: snprintf(tok[n++], 64, "kind%u:%s", btf_kind(t), name); return n;
		}
		id = t->type;
	}
	fail_msg("type chain longer than %d", CHAIN_MAX);
	return n;
}

static void chain_str(char tok[CHAIN_MAX][64], size_t n, char *buf, size_t sz)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < n && o < sz; i++)
		o += (size_t)snprintf(buf + o, sz - o, "%s%s", i ? ">" : "", tok[i]);
}

/*
 * Every member the minimized BTF @min kept, and every typedef, has the type
 * chain it has in @full, or the same chain cut right after a pointer (a
 * pointee nothing reaches is void). Returns the number of TYPE_TAGs that
 * the kept chains hold; @want_chain, when set, is "STRUCT.MEMBER=CHAIN" that
 * must be among them.
 */
static size_t check_chains(const struct btf *full, const struct btf *min, const char *const *want,
			   size_t want_cnt)
{
	char a[CHAIN_MAX][64], b[CHAIN_MAX][64], sa[1024], sb[1024], key[1200];
	size_t tags = 0, found = 0, i, k, na, nb, w;
	uint32_t id;

	for (id = 1; id < btf__type_cnt(min); id++) {
		const struct btf_type *t = btf__type_by_id(min, id);
		const char *name = btf__name_by_offset(min, t->name_off);
		int fid;

		tags += btf_is_type_tag(t);
		if (!btf_is_struct(t) && !btf_is_typedef(t))
			continue;
		fid = btf__find_by_name_kind(full, name, btf_kind(t));
		assert_true(fid > 0);
		for (i = 0; i < (btf_is_struct(t) ? btf_vlen(t) : 1u); i++) {
			const struct btf_type *ft = btf__type_by_id(full, (uint32_t)fid);
			const char *mname = btf_is_struct(t) ?
				btf__name_by_offset(min, btf_members(t)[i].name_off) : "";
			uint32_t mt = btf_is_struct(t) ? btf_members(t)[i].type : t->type, fmt = 0;

			if (btf_is_struct(t)) {
				for (k = 0; k < btf_vlen(ft); k++)
					if (!strcmp(btf__name_by_offset(full, btf_members(ft)[k].name_off), mname))
						fmt = btf_members(ft)[k].type;
				assert_true(fmt > 0);
			} else {
				fmt = ft->type;
			}
			na = chain(full, fmt, a);
			nb = chain(min, mt, b);
			chain_str(a, na, sa, sizeof(sa));
			chain_str(b, nb, sb, sizeof(sb));
			for (k = 0; k < na && k < nb && !strcmp(a[k], b[k]); k++)
				;
			if (!(k == na && k == nb) &&
			    !(k > 0 && k + 1 == nb && !strcmp(b[k], "void") && !strcmp(b[k - 1], "ptr")))
				fail_msg("%s.%s: '%s' in the full BTF, '%s' minimized: neither the same chain nor cut at a pointer",
					 name, mname, sa, sb);
			snprintf(key, sizeof(key), "%s.%s=%s", name, mname, sb);
			for (w = 0; w < want_cnt; w++)
				found += !strcmp(want[w], key);
		}
	}
	assert_int_equal(found, want_cnt);
	return tags;
}

/* Relocations through type-tagged pointers: btfgen from the CLI (-o and
 * --archive), the same record by record, chains kept or cut at a pointer,
 * and bpftool's min_core_btf of the same inputs where it takes them. */
static void test_type_tags(void **state)
{
	static const char *const keep[] = {
		"uzt_msg.msg_iov=ptr>type_tag:user>struct:uzt_iovec",
		"uzt_msg.msg_name=ptr>type_tag:user>const>int:char",
		"uzt_msg.argv=array[4]>ptr>type_tag:user>int:char",
		"uzt_msg.next=ptr>type_tag:rcu>struct:uzt_msg",
		"uzt_msg.pp=ptr>type_tag:user>ptr>type_tag:user>int:int",
		"uzt_iovec.iov_base=ptr>type_tag:user>void",
		"uzt_uptr_t.=ptr>type_tag:user>const>int:char",
	};
	static const char *const cut[] = {
		"uzt_msg.msg_iov=ptr>void", "uzt_msg.argv=array[4]>ptr>void", "uzt_msg.pp=ptr>void",
	};
	static char out[16384];
	const char *cli = getenv("UZ_CLI_PATH");
	const char *objs[2] = { "tests/btfgen/tagged.o", "tests/btfgen/tagged_fields.o" };
	const size_t nrec[2] = { 22, 13 };
	char dir[] = "/tmp/uzbg-tag.XXXXXX", p[800], q[800], tgt[1024], obj[1024];
	struct uz_target *full;
	size_t i, tags, full_tags = 0;
	uint32_t id;

	(void)state;
	/* bpath() reuses its buffers: keep copies */
	snprintf(tgt, sizeof(tgt), "%s", bpath("tests/targets/t_tag.o"));
	full = load(tgt);
	assert_non_null(cli);
	assert_non_null(mkdtemp(dir));
	for (id = 1; id < uz_target_type_cnt(full); id++)
		full_tags += btf_is_type_tag(btf__type_by_id(uz_target_btf(full), id));
	assert_int_equal(full_tags, 7); /* as clang-19 emits t_tag.c */
	for (i = 0; i < 2; i++) {
		struct uz_object *o = NULL;
		struct uz_error err = { 0 };
		struct uz_target *min, *ent, *theirs;
		struct btf *mb;
		struct stat st_mine, st_theirs;
		int rc;

		snprintf(obj, sizeof(obj), "%s", bpath(objs[i]));
		assert_int_equal(uz_object_open(obj, NULL, &o, &err), 0);
		assert_int_equal(bg_sh(out, sizeof(out), "rm -rf %s/o && %s btfgen %s --targets %s -o %s/o --strict --quiet && %s btfgen %s --targets %s --archive %s/a.uzar --strict --quiet",
				       dir, cli, obj, tgt, dir, cli, obj, tgt, dir), 0);
		snprintf(p, sizeof(p), "%s/o/t_tag.o.btf", dir);
		min = load(p);
		assert_int_equal(bg_same(o, full, min, false), nrec[i]);
		snprintf(q, sizeof(q), "%s/a.uzar", dir);
		{
			UZ_OPTS_INIT(uz_target_opts, to, .kernel_release = "t_tag.o");

			if (uz_target_load(q, &to, &ent, &err))
				fail_msg("%s", err.msg);
		}
		assert_int_equal(bg_same(o, full, ent, true), nrec[i]);
		mb = btf__parse(p, NULL);
		assert_non_null(mb);
		tags = check_chains(uz_target_btf(full), mb, i ? cut : keep,
				    i ? sizeof(cut) / sizeof(cut[0]) : sizeof(keep) / sizeof(keep[0]));
		print_message("%s: %zu records the same from %s (%u types, %zu type tags kept)\n",
			      objs[i], nrec[i], p, btf__type_cnt(mb) - 1, tags);
		/* with type relations every tag of the target stays (they reach
		 * all its pointers); with field relocations alone every tagged
		 * pointer is a void * */
		assert_int_equal(tags, i ? 0 : full_tags);
		btf__free(mb);

		/* bpftool's minimizer on the same inputs */
		snprintf(q, sizeof(q), "%s/bpftool.btf", dir);
		unlink(q);
		rc = bg_sh(out, sizeof(out), "bpftool gen min_core_btf %s %s %s", tgt, q, obj);
		if (rc) {
			/* bpftool 7.1 refuses what it cannot walk: say so, and it
			 * must be the tag (anything else is a different input) */
			print_message("%s: bpftool gen min_core_btf fails (%d): %s", objs[i], rc, out);
			assert_non_null(strstr(out, "type_tag"));
		} else {
			theirs = load(q);
			assert_int_equal(bg_same(o, full, theirs, false), nrec[i]);
			assert_int_equal(stat(p, &st_mine), 0);
			assert_int_equal(stat(q, &st_theirs), 0);
			print_message("%s: userize %lld bytes, bpftool %lld bytes, same results\n", objs[i],
				      (long long)st_mine.st_size, (long long)st_theirs.st_size);
			assert_true(st_mine.st_size <= st_theirs.st_size);
			uz_target_free(theirs);
		}
		uz_target_free(ent);
		uz_target_free(min);
		uz_object_free(o);
	}
	uz_target_free(full);
	bg_sh(out, sizeof(out), "rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equivalence_purpose_targets),
		cmocka_unit_test(test_ambiguity_kept),
		cmocka_unit_test(test_split_btf),
		cmocka_unit_test(test_archive_roundtrip),
		cmocka_unit_test(test_archive_other_build),
		cmocka_unit_test(test_archive_big_endian),
		cmocka_unit_test(test_archive_bad_input),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_cli_dump_extract),
		cmocka_unit_test(test_type_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
