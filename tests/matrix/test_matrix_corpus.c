/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Corpus tier for `userize matrix`: every sample object against the seven
 * Debian kernels of the corpus plus the running kernel, --json. Every
 * resolved byte_off cell of a named (non-bitfield) field must equal the
 * offset read independently from `bpftool btf dump file X format raw`: the
 * sum of bits_offset along the target spec path, walking through anonymous
 * members. Prints the wall time and peak RSS of the matrix run. The samples
 * keep guarded dead reads only (iolatency's request_user.rq_disk, removed in
 * 5.19): the run exits 0, and iolatency alone exits 1 with --strict.
 * tests/checks/fallback.o (uz_inode_mtime_sec(): the 6.11+ i_mtime_sec read,
 * else the older timespec64, chosen by an existence check of i_mtime_sec)
 * is G on every kernel, and on each the poisoned reads are exactly those of
 * the path that kernel's BTF, read with libbpf, does not have.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/btf.h>

#include "mx_test.h"

/* ---- bpftool raw dump reader ------------------------------------------- */

struct rtype {
	const char *kind, *name;
	long type_id;
	size_t mfirst, mcnt;
};

struct rmember {
	const char *name;
	long type_id, bits, bitfield;
};

struct rbtf {
	char *dump;
	struct rtype *t;
	size_t nt;
	struct rmember *m;
	size_t nm, capm;
};

static long num_after(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtol(p + strlen(key), NULL, 10) : 0;
}

static void rbtf_load(struct rbtf *b, const char *path)
{
	char cmd[PATH_MAX + 64], *line, *save;
	size_t cap = 256 << 20, n, capt = 1 << 16;
	FILE *p;

	memset(b, 0, sizeof(*b));
	b->dump = malloc(cap);
	b->t = calloc(capt, sizeof(*b->t));
	assert_non_null(b->dump);
	snprintf(cmd, sizeof(cmd), "bpftool btf dump file '%s' format raw", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(b->dump, 1, cap - 1, p);
	b->dump[n] = 0;
	assert_int_equal(pclose(p), 0);
	b->nt = 1; /* id 0: void */
	for (line = strtok_r(b->dump, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *q1 = strchr(line, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

		if (!q1 || !q2)
			continue;
		*q2 = 0;
		if (line[0] == '[') {
			struct rtype *t;
			long id = strtol(line + 1, NULL, 10);
			char *k = strchr(line, ' ') + 1;

			assert_int_equal(id, (long)b->nt);
			if (b->nt == capt) {
				capt *= 2;
				b->t = realloc(b->t, capt * sizeof(*b->t));
			}
			t = &b->t[b->nt++];
			k[strcspn(k, " ")] = 0;
			t->kind = k;
			t->name = q1 + 1;
			t->type_id = num_after(q2 + 1, "type_id=");
			t->mfirst = b->nm;
			t->mcnt = 0;
		} else if (line[0] == '\t' && b->nt > 1) {
			struct rmember *m;

			if (b->nm == b->capm) {
				b->capm = b->capm ? b->capm * 2 : 1 << 16;
				b->m = realloc(b->m, b->capm * sizeof(*b->m));
			}
			m = &b->m[b->nm++];
			m->name = q1 + 1;
			m->type_id = num_after(q2 + 1, "type_id=");
			m->bits = num_after(q2 + 1, "bits_offset=");
			m->bitfield = num_after(q2 + 1, "bitfield_size=");
			b->t[b->nt - 1].mcnt++;
		}
	}
}

static void rbtf_free(struct rbtf *b)
{
	free(b->dump);
	free(b->t);
	free(b->m);
}

static bool is_composite(const struct rtype *t)
{
	return !strcmp(t->kind, "STRUCT") || !strcmp(t->kind, "UNION");
}

static long skip_mods(const struct rbtf *b, long id)
{
	while (id > 0 && (size_t)id < b->nt &&
	       (!strcmp(b->t[id].kind, "TYPEDEF") || !strcmp(b->t[id].kind, "CONST") ||
		!strcmp(b->t[id].kind, "VOLATILE") || !strcmp(b->t[id].kind, "RESTRICT") ||
		!strcmp(b->t[id].kind, "TYPE_TAG")))
		id = b->t[id].type_id;
	return id;
}

/* Member @name of composite @id, through anonymous members: bit offset,
 * member type and bitfield size. */
static bool find_member(const struct rbtf *b, long id, const char *name, size_t nlen,
			long *bits, long *type, long *bitfield)
{
	const struct rtype *t = &b->t[id];
	size_t i;

	for (i = 0; i < t->mcnt; i++) {
		const struct rmember *m = &b->m[t->mfirst + i];
		long sub;

		if (strlen(m->name) == nlen && !strncmp(m->name, name, nlen)) {
			*bits += m->bits;
			*type = m->type_id;
			*bitfield = m->bitfield;
			return true;
		}
		sub = skip_mods(b, m->type_id);
		if (!strcmp(m->name, "(anon)") && is_composite(&b->t[sub])) {
			long inner = 0;

			if (find_member(b, sub, name, nlen, &inner, type, bitfield)) {
				*bits += m->bits + inner;
				return true;
			}
		}
	}
	return false;
}

/* Byte offset of "type.a.b.c", -1 unknown path, -2 bitfield or array index. */
static long spec_offset(const struct rbtf *b, const char *spec)
{
	const char *dot = strchr(spec, '.'), *p;
	long bits = 0, id = 0, bitfield = 0;
	size_t i, nlen;

	if (!dot)
		return -1;
	if (strchr(spec, '['))
		return -2; /* array element: not a plain field path */
	for (i = 1; i < b->nt; i++)
		if (is_composite(&b->t[i]) && strlen(b->t[i].name) == (size_t)(dot - spec) &&
		    !strncmp(b->t[i].name, spec, (size_t)(dot - spec)))
			break;
	if (i == b->nt)
		return -1;
	id = (long)i;
	for (p = dot + 1; *p; p += nlen + (p[nlen] == '.')) {
		long type;

		nlen = strcspn(p, ".");
		id = skip_mods(b, id);
		if (!is_composite(&b->t[id]) || !find_member(b, id, p, nlen, &bits, &type, &bitfield))
			return -1;
		id = type;
	}
	return bitfield ? -2 : bits / 8;
}

/* ---- the test ------------------------------------------------------------ */

static char *json_field(const char *rec, const char *key, char *buf, size_t len)
{
	char want[64];
	const char *p;
	size_t n;

	snprintf(want, sizeof(want), "\"%s\": \"", key);
	p = strstr(rec, want);
	if (!p)
		return NULL;
	p += strlen(want);
	n = strcspn(p, "\"");
	snprintf(buf, len, "%.*s", (int)n, p);
	return buf;
}

static void test_matrix_corpus(void **state)
{
	const char *cache = getenv("UZ_CACHE");
	char dir[PATH_MAX], cmd[PATH_MAX * 4], outpath[] = "/tmp/uz_matrix_corpus_XXXXXX";
	struct timespec t0, t1;
	struct rusage ru;
	size_t kernels = 0, checked = 0, n, cap = 64 << 20;
	char *json = malloc(cap), *kp;
	int fd, st;
	pid_t pid;
	FILE *f;

	(void)state;
	assert_non_null(cache);
	assert_non_null(json);
	snprintf(dir, sizeof(dir), "%s/btf", cache);
	if (access(dir, R_OK))
		fail_msg("no corpus at %s: the corpus_fetch fixture must run first (tools/corpus.sh fetch)", dir);
	fd = mkstemp(outpath);
	assert_true(fd >= 0);
	snprintf(cmd, sizeof(cmd), "exec %s matrix %s --targets %s /sys/kernel/btf/vmlinux --json",
		 UZ_CLI, SAMPLE_OBJS, dir);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(fd, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(wait4(pid, &st, 0, &ru), pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	printf("matrix: 5 samples x 8 kernels: wall %.3f s, peak RSS %ld KiB\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       ru.ru_maxrss);
	/* poisoned reads of the samples are all guarded by an exists-check */
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	f = fopen(outpath, "r");
	assert_non_null(f);
	n = fread(json, 1, cap - 1, f);
	json[n] = 0;
	fclose(f);
	unlink(outpath);
	assert_true(json[0] == '[');

	for (kp = strstr(json, "{\"kernel\": "); kp; ) {
		char *next = strstr(kp + 1, "{\"kernel\": "), path[PATH_MAX], name[256];
		size_t here = 0;
		struct rbtf b;
		char *rec;

		if (next)
			next[-1] = 0; /* the ',' or '\n' before the next kernel */
		assert_non_null(json_field(kp, "kernel", name, sizeof(name)));
		assert_non_null(json_field(kp, "path", path, sizeof(path)));
		if (!strstr(kp, "\"error\": null"))
			fail_msg("kernel %s failed to load", name);
		rbtf_load(&b, path);
		for (rec = strstr(kp, "\n {\"section\""); rec; rec = strstr(rec + 1, "\n {\"section\"")) {
			char kind[32], res[32], tspec[512], *end = strchr(rec + 1, '\n');
			long want;
			unsigned long long got;

			if (end)
				*end = 0;
			if (json_field(rec, "kind", kind, sizeof(kind)) && !strcmp(kind, "byte_off") &&
			    json_field(rec, "result", res, sizeof(res)) && !strcmp(res, "ok") &&
			    json_field(rec, "target_spec", tspec, sizeof(tspec))) {
				got = strtoull(strstr(rec, "\"new_value\": ") + 13, NULL, 10);
				want = spec_offset(&b, tspec);
				if (want == -1)
					fail_msg("%s: bpftool has no field path %s", name, tspec);
				if (want >= 0) {
					if ((long long)got != want)
						fail_msg("%s: %s: matrix %llu, bpftool %ld", name, tspec, got, want);
					here++;
				}
			}
			if (end)
				*end = '\n';
		}
		printf("%-32s %zu byte_off cells equal bpftool's offsets\n", name, here);
		assert_true(here >= 30);
		checked += here;
		kernels++;
		rbtf_free(&b);
		kp = next;
	}
	assert_int_equal(kernels, 8);
	printf("%zu cells checked on %zu kernels\n", checked, kernels);
	free(json);
}

/* The matrix row for @label ("kind spec ", then maybe "(xN)") is G everywhere. */
static void assert_row_guarded(const char *out, const char *label)
{
	const char *p = strstr(out, label);

	assert_non_null(p);
	p += strlen(label);
	p += strspn(p, " ");
	if (p[0] == '(' && p[1] == 'x')
		p += strcspn(p, ")") + 1;
	assert_true(strspn(p, " G") == strcspn(p, "\n"));
	assert_non_null(strchr(p, 'G'));
}

/*
 * iolatency reads request_user.rq_disk and bio_user.bi_disk (both gone
 * before 5.19 / 5.12) behind UZ_HAS(): G on every kernel of the corpus.
 */
static void test_samples_guarded(void **state)
{
	const char *cache = getenv("UZ_CACHE");
	struct mx_cmd c;
	const char *p;
	size_t n = 0;

	(void)state;
	assert_non_null(cache);
	mx_cmd_run(&c, "%s matrix %s/iolatency.o --targets %s/btf /sys/kernel/btf/vmlinux",
		   UZ_CLI, SAMPLES_DIR, cache);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "8 kernel(s), "));
	assert_null(strstr(c.out, "unresolved"));
	for (p = strstr(c.out, "(6 guarded)\n"); p; p = strstr(p + 1, "(6 guarded)\n"))
		n++;
	assert_true(n >= 1);
	assert_row_guarded(c.out, "byte_off request_user.rq_disk ");
	assert_row_guarded(c.out, "byte_off bio_user.bi_disk ");
	mx_cmd_free(&c);

	mx_cmd_run(&c, "%s matrix %s/iolatency.o --targets %s/btf /sys/kernel/btf/vmlinux "
		   "--strict", UZ_CLI, SAMPLES_DIR, cache);
	assert_int_equal(c.status, 1);
	mx_cmd_free(&c);

	/*
	 * JSON: the reads (offset and width, each place the helper is inlined)
	 * are poisoned and guarded on each of the 8 kernels, as many on each.
	 */
	mx_cmd_run(&c, "%s matrix %s/iolatency.o --targets %s/btf /sys/kernel/btf/vmlinux --json",
		   UZ_CLI, SAMPLES_DIR, cache);
	assert_int_equal(c.status, 0);
	for (n = 0, p = c.out; (p = strstr(p, "\"spec\": \"request_user.rq_disk\", \"result\": "
				       "\"poisoned\", \"dead\": true")); p++)
		n++;
	assert_true(n >= 8 && n % 8 == 0);
	for (n = 0, p = c.out; (p = strstr(p, "\"kind\": \"field_exists\", \"local_type\": \"struct "
				       "request_user\"")); p++)
		n++;
	assert_true(n >= 8 && n % 8 == 0);
	assert_null(strstr(c.out, "\"result\": \"poisoned\", \"dead\": false"));
	mx_cmd_free(&c);
}

/* Does struct @st of the BTF at @path have a member @m (libbpf's reading)? */
static bool btf_has_member(const char *path, const char *st, const char *m)
{
	struct btf *b = btf__parse(path, NULL);
	const struct btf_type *t;
	const struct btf_member *mem;
	bool found = false;
	int id, i;

	assert_non_null(b);
	id = btf__find_by_name_kind(b, st, BTF_KIND_STRUCT);
	assert_true(id > 0);
	t = btf__type_by_id(b, id);
	mem = btf_members(t);
	for (i = 0; i < btf_vlen(t) && !found; i++)
		found = !strcmp(btf__name_by_offset(b, mem[i].name_off), m);
	btf__free(b);
	return found;
}

/*
 * fallback.o reads i_mtime_sec where the kernel has it, else i_mtime_ts,
 * chosen by a check of i_mtime_sec: a check of a different field than the
 * fallback reads. Every kernel: exit 0, every poisoned read dead, and the
 * poisoned reads are those of the path the kernel lacks.
 */
static void test_fallback_guarded(void **state)
{
	const char *cache = getenv("UZ_CACHE");
	size_t kernels = 0;
	struct mx_cmd c;
	char *kp;

	(void)state;
	assert_non_null(cache);
	mx_cmd_run(&c, "%s matrix %s --targets %s/btf /sys/kernel/btf/vmlinux", UZ_CLI,
		   FALLBACK_OBJ, cache);
	if (c.status != 0 || strstr(c.out, "unresolved") || !strstr(c.out, "(6 guarded)"))
		fail_msg("matrix fallback.o: exit %d\n%s%s", c.status, c.out, c.err);
	mx_cmd_free(&c);
	mx_cmd_run(&c, "%s matrix %s --targets %s/btf /sys/kernel/btf/vmlinux --json", UZ_CLI,
		   FALLBACK_OBJ, cache);
	assert_int_equal(c.status, 0);
	for (kp = strstr(c.out, "{\"kernel\": "); kp; ) {
		char *next = strstr(kp + 1, "{\"kernel\": "), path[PATH_MAX], name[256], *rec;
		const char *lacks;
		size_t poisoned = 0;

		if (next)
			next[-1] = 0;
		assert_non_null(json_field(kp, "kernel", name, sizeof(name)));
		assert_non_null(json_field(kp, "path", path, sizeof(path)));
		lacks = btf_has_member(path, "inode", "i_mtime_sec") ? "inode_user.i_mtime_ts"
								      : "inode_user.i_mtime_sec";
		for (rec = strstr(kp, "\n {\"section\""); rec; rec = strstr(rec + 1, "\n {\"section\"")) {
			char res[32], spec[256];

			assert_non_null(json_field(rec, "result", res, sizeof(res)));
			assert_non_null(json_field(rec, "spec", spec, sizeof(spec)));
			if (strcmp(res, "poisoned"))
				continue;
			poisoned++;
			if (strncmp(spec, lacks, strlen(lacks)))
				fail_msg("%s: %s poisoned, but the kernel lacks %s", name, spec, lacks);
			if (!strstr(rec, "\"dead\": true"))
				fail_msg("%s: poisoned %s is not dead code", name, spec);
		}
		printf("%-32s %zu poisoned reads of %s, all dead code\n", name, poisoned, lacks);
		assert_true(poisoned >= 1);
		kernels++;
		kp = next;
	}
	assert_int_equal(kernels, 8);
	mx_cmd_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_corpus),
		cmocka_unit_test(test_samples_guarded),
		cmocka_unit_test(test_fallback_guarded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
