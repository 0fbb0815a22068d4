/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Corpus tier of btfgen: every sample, the benchmark object and the test
 * objects of every relocation kind, on every kernel of both corpus lists
 * (x86_64 and arm64) and the running kernel: the minimized BTF relocates
 * every record the same as the full BTF (the test's own comparison loop),
 * libbpf parses it in the kernel's byte order, and the archive of all
 * kernels gives the same from memory, with target_type_id poisoned.
 * A missing corpus fails the test; nothing is skipped.
 */
#include <dirent.h>
#include <glob.h>
#include <sys/utsname.h>

#include "bg_test.h"

#define MAXK 32
#define MAXO 32

static size_t glob_into(const char *pat, char **out, size_t n, size_t max)
{
	glob_t g;
	size_t i;

	if (glob(pat, 0, NULL, &g))
		return n;
	for (i = 0; i < g.gl_pathc && n < max; i++)
		out[n++] = strdup(g.gl_pathv[i]);
	globfree(&g);
	return n;
}

static size_t corpus(char **k)
{
	char pat[1024], home[600];
	const char *c = getenv("UZ_CACHE");
	size_t n = 0, x86;

	if (!c || !*c) {
		snprintf(home, sizeof(home), "%s/.cache/userize", getenv("HOME"));
		c = home;
	}
	snprintf(pat, sizeof(pat), "%s/btf/*.btf", c);
	n = glob_into(pat, k, n, MAXK);
	x86 = n;
	snprintf(pat, sizeof(pat), "%s/btf-arm64/*.btf", c);
	n = glob_into(pat, k, n, MAXK);
	if (x86 < 7 || n - x86 < 2)
		fail_msg("corpus incomplete under %s: %zu x86_64 and %zu arm64 kernels (run tools/corpus.sh fetch, and fetch --arch arm64)",
			 c, x86, n - x86);
	k[n++] = strdup("/sys/kernel/btf/vmlinux");
	return n;
}

static size_t objects(struct uz_object **o)
{
	const char *b = getenv("UZ_BUILD");
	char *paths[MAXO], pat[1024];
	struct uz_error err = { 0 };
	size_t n = 0, i;

	assert_non_null(b);
	snprintf(pat, sizeof(pat), "%s/samples/*.o", b);
	n = glob_into(pat, paths, n, MAXO);
	snprintf(pat, sizeof(pat), "%s/tools/bench/*.o", b);
	n = glob_into(pat, paths, n, MAXO);
	snprintf(pat, sizeof(pat), "%s/tests/bpf/*.o", b);
	n = glob_into(pat, paths, n, MAXO);
	assert_true(n >= 5 + 1 + 5);
	for (i = 0; i < n; i++) {
		if (uz_object_open(paths[i], NULL, &o[i], &err))
			fail_msg("%s", err.msg);
		free(paths[i]);
	}
	return n;
}

static void test_corpus_equivalence(void **state)
{
	struct uz_object *o[MAXO];
	struct uz_archive_writer *w = NULL;
	struct uz_error err = { 0 };
	char *k[MAXK];
	size_t nk = corpus(k), no = objects(o), i, j, recs = 0;
	void *ar = NULL;
	size_t ar_len = 0;

	(void)state;
	assert_int_equal(uz_archive_writer_new(&w, &err), 0);
	for (i = 0; i < nk; i++) {
		struct uz_target *full = NULL, *min;
		struct uz_archive_entry_info in = { 0 };
		struct btf *indep;
		size_t len;
		void *d;

		if (uz_target_load(k[i], NULL, &full, &err))
			fail_msg("%s", err.msg);
		d = bg_minimize(o, no, full, &len);
		indep = btf__new(d, (uint32_t)len);
		assert_non_null(indep);
		assert_true(btf__type_cnt(indep) * 20 < uz_target_type_cnt(full));
		btf__free(indep);
		min = bg_load_mem(d, len, "minimized", NULL);
		for (j = 0; j < no; j++)
			recs += bg_same(o[j], full, min, false);
		in.release = uz_target_provenance(full)->release;
		in.build_id = uz_target_provenance(full)->build_id;
		assert_int_equal(uz_archive_writer_add(w, d, len, &in, &err), 0);
		uz_target_free(min);
		uz_target_free(full);
		free(d);
	}
	assert_int_equal(uz_archive_writer_finish(w, &ar, &ar_len, &err), 0);
	uz_archive_writer_free(w);
	for (i = 0; i < nk; i++) {
		struct uz_target *full = NULL, *ent;

		assert_int_equal(uz_target_load(k[i], NULL, &full, &err), 0);
		ent = bg_load_mem(ar, ar_len, "entry", uz_target_provenance(full)->release);
		assert_int_equal(uz_target_provenance(ent)->source, UZ_SOURCE_ARCHIVE);
		assert_int_equal(uz_target_provenance(ent)->big_endian,
				 uz_target_provenance(full)->big_endian);
		for (j = 0; j < no; j++)
			bg_same(o[j], full, ent, true);
		uz_target_free(ent);
		uz_target_free(full);
	}
	/* the running kernel's entry is the default one */
	{
		UZ_OPTS_INIT(uz_target_opts, to, .sources = UZ_SOURCE_ARCHIVE);
		struct uz_target *ent = NULL;
		struct utsname u;

		assert_int_equal(uz_target_load_mem(ar, ar_len, &to, &ent, &err), 0);
		assert_int_equal(uname(&u), 0);
		assert_string_equal(uz_target_provenance(ent)->release, u.release);
		uz_target_free(ent);
	}
	print_message("%zu kernels x %zu objects, %zu records, archive %zu bytes\n", nk, no, recs,
		      ar_len);
	free(ar);
	for (i = 0; i < nk; i++)
		free(k[i]);
	for (j = 0; j < no; j++)
		uz_object_free(o[j]);
}

/*
 * Kernels without BTF: the s390x (big-endian) and i386 (32-bit) 6.1 kernels,
 * read from their -dbg DWARF. Their minimized BTF, as an archive entry,
 * relocates every record of every object (both byte orders) the same as
 * the DWARF itself; target_type_id is poisoned on both sides (DWARF has no
 * kernel BTF ids, an archive entry's ids are not the kernel's).
 */
static void test_dwarf_equivalence(void **state)
{
	static const char *const rel[] = { "6.1.0-50-s390x", "6.1.0-56-686-pae" };
	const char *c = getenv("UZ_CACHE"), *b = getenv("UZ_BUILD");
	struct uz_object *o[MAXO];
	struct uz_error err = { 0 };
	size_t no = objects(o), i, j, recs = 0;
	char path[1024], pat[1024], *eb[MAXO];
	size_t neb;

	(void)state;
	assert_non_null(c);
	assert_non_null(b);
	snprintf(pat, sizeof(pat), "%s/samples/bpfeb/*.o", b);
	neb = glob_into(pat, eb, 0, MAXO - no);
	assert_true(neb >= 5);
	for (i = 0; i < neb; i++) {
		if (uz_object_open(eb[i], NULL, &o[no++], &err))
			fail_msg("%s", err.msg);
		free(eb[i]);
	}
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		struct uz_archive_writer *w = NULL;
		struct uz_archive_entry_info in = { 0 };
		struct uz_target *full = NULL, *ent;
		void *d, *ar = NULL;
		size_t len, ar_len = 0;

		snprintf(path, sizeof(path), "%s/dbg/vmlinux-%s", c, rel[i]);
		if (uz_target_load(path, NULL, &full, &err))
			fail_msg("%s (the dwarf_fetch fixture fetches it)", err.msg);
		assert_int_equal(uz_target_provenance(full)->source, UZ_SOURCE_DWARF);
		d = bg_minimize(o, no, full, &len);
		in.release = rel[i];
		in.big_endian = uz_target_provenance(full)->big_endian;
		assert_int_equal(uz_archive_writer_new(&w, &err), 0);
		assert_int_equal(uz_archive_writer_add(w, d, len, &in, &err), 0);
		assert_int_equal(uz_archive_writer_finish(w, &ar, &ar_len, &err), 0);
		uz_archive_writer_free(w);
		ent = bg_load_mem(ar, ar_len, "entry", rel[i]);
		assert_int_equal(uz_target_provenance(ent)->big_endian,
				 uz_target_provenance(full)->big_endian);
		for (j = 0; j < no; j++)
			recs += bg_same(o[j], full, ent, true);
		print_message("%s (DWARF): minimized BTF %zu bytes, archive %zu bytes\n", rel[i], len,
			      ar_len);
		uz_target_free(ent);
		uz_target_free(full);
		free(ar);
		free(d);
	}
	print_message("DWARF kernels x %zu objects: %zu records equal\n", no, recs);
	for (j = 0; j < no; j++)
		uz_object_free(o[j]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_equivalence),
		cmocka_unit_test(test_dwarf_equivalence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
