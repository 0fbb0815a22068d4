/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Corpus tests for reloc/kimage.c: extract the BTF of each real Debian
 * kernel package straight from its .deb and check it against the brief's
 * figures and against bpftool (the independent reader): the 6.12.111 cloud
 * BTF size, task_struct.pid per layout, and that it matches the file the
 * corpus_fetch fixture wrote through `userize btf extract`.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "target/kimage/kimage.h"
#include "common/uz_internal.h"

struct kernel {
	const char *pkg;
	const char *release;
	uint32_t pid_off;       /* task_struct.pid, bytes (docs/corpus.md) */
	size_t btf_size;        /* 0: not pinned */
};

static const struct kernel kernels[] = {
	{ "linux-image-6.1.0-47-cloud-amd64-unsigned", "6.1.0-47-cloud-amd64", 2416, 0 },
	{ "linux-image-6.1.0-56-amd64-unsigned", "6.1.0-56-amd64", 2416, 0 },
	{ "linux-image-6.1.0-56-cloud-amd64-unsigned", "6.1.0-56-cloud-amd64", 2416, 0 },
	{ "linux-image-6.1.0-56-rt-amd64-unsigned", "6.1.0-56-rt-amd64", 2480, 0 },
	{ "linux-image-6.12.111+deb12-amd64-unsigned", "6.12.111+deb12-amd64", 2432, 0 },
	{ "linux-image-6.12.111+deb12-cloud-amd64-unsigned", "6.12.111+deb12-cloud-amd64",
	  2432, 4697523 },
	{ "linux-image-6.12.111+deb12-rt-amd64-unsigned", "6.12.111+deb12-rt-amd64", 2472, 0 },
};

static const char *cache_dir(void)
{
	const char *c = getenv("UZ_CACHE");

	if (!c || !c[0])
		fail_msg("UZ_CACHE is not set (run through ctest)");
	return c;
}

static void find_deb(const struct kernel *k, char *out, size_t out_sz)
{
	char pat[1024];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/debs/%s_*.deb", cache_dir(), k->pkg);
	if (glob(pat, 0, NULL, &g) || !g.gl_pathc)
		fail_msg("%s: no cached .deb matching %s (corpus_fetch failed?)", k->pkg, pat);
	snprintf(out, out_sz, "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
}

/* task_struct.pid in bits as bpftool prints it, -1 if not found. */
static long bpftool_pid_bits(const char *btf_path)
{
	char cmd[1200], line[4096];
	bool in_task = false;
	long bits = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "bpftool btf dump file '%s' format raw", btf_path);
	p = popen(cmd, "r");
	if (!p)
		fail_msg("cannot run bpftool");
	while (fgets(line, sizeof(line), p)) {
		const char *b;

		if (line[0] == '[') {
			in_task = strstr(line, "] STRUCT 'task_struct' ") != NULL;
			continue;
		}
		if (in_task && bits < 0 && strstr(line, "'pid' type_id=") &&
		    (b = strstr(line, "bits_offset=")))
			bits = strtol(b + 12, NULL, 10);
	}
	if (pclose(p))
		fail_msg("bpftool failed on %s", btf_path);
	return bits;
}

/* The same through libbpf over our bytes. */
static long libbpf_pid_bits(const uint8_t *data, size_t len)
{
	struct btf *btf = btf__new(data, (uint32_t)len);
	const struct btf_member *m;
	const struct btf_type *t;
	long bits = -1;
	int id, i;

	assert_non_null(btf);
	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	assert_true(id > 0);
	t = btf__type_by_id(btf, (uint32_t)id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "pid"))
			bits = (long)btf_member_bit_offset(t, (uint32_t)i);
	btf__free(btf);
	return bits;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void check_kernel(const struct kernel *k)
{
	char deb[1024], tmp[] = "/tmp/uz_corpus_XXXXXX", what[512], rel[128], cached[1024];
	struct uz_error err = { 0 };
	uint8_t *btf, *data, *fetched;
	size_t len, dlen, flen;
	double t0, ms;
	int fd, rc;

	find_deb(k, deb, sizeof(deb));
	t0 = now_ms();
	rc = uz_kimage_extract_btf_file(deb, &btf, &len, what, sizeof(what), &err);
	ms = now_ms() - t0;
	if (rc)
		fail_msg("%s: %s", k->pkg, err.msg);
	print_message("%-28s %8zu bytes BTF in %6.0f ms  %s\n", k->release, len, ms, what);
	if (k->btf_size)
		assert_int_equal(len, k->btf_size);

	/* Release from the package. */
	assert_int_equal(uz_read_file(deb, &data, &dlen, &err), 0);
	assert_true(uz_kimage_release(data, dlen, rel, sizeof(rel)) > 0);
	assert_string_equal(rel, k->release);
	free(data);

	/* task_struct.pid: brief figure == bpftool on our bytes == libbpf. */
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, btf, len), (ssize_t)len);
	close(fd);
	assert_int_equal(bpftool_pid_bits(tmp), (long)k->pid_off * 8);
	assert_int_equal(libbpf_pid_bits(btf, len), (long)k->pid_off * 8);
	unlink(tmp);

	/* The fixture's file (written by the CLI) holds the same bytes. */
	snprintf(cached, sizeof(cached), "%s/btf/%s.btf", cache_dir(), k->release);
	if (uz_read_file(cached, &fetched, &flen, &err))
		fail_msg("%s: %s (corpus_fetch did not extract it)", k->pkg, err.msg);
	assert_int_equal(flen, len);
	assert_memory_equal(fetched, btf, len);
	free(fetched);
	free(btf);
}

static void t_corpus(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < UZ_ARRAY_SIZE(kernels); i++)
		check_kernel(&kernels[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
