// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/reloc/test_relocated.c (live, root; corpus BTF): a relocated object
 * says which kernel it was relocated for (.note.userize), is refused when
 * given again, and a loader can check the running kernel against it. Also:
 * byte-order mismatches are refused unless allowed, objects without CO-RE
 * records pass through byte for byte, and plain libbpf 1.1.2 still loads
 * an object carrying the note.
 */
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "uzt.h"

#define CORPUS_61 "6.1.0-56-cloud-amd64"

static char corpus_btf[4096];

/* 64-bit FNV-1a, written here from its definition, over a whole file. */
static uint64_t file_fnv1a64(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ull;
	FILE *f = fopen(path, "rb");
	int c;

	assert_non_null(f);
	while ((c = fgetc(f)) != EOF)
		h = (h ^ (uint8_t)c) * 0x100000001b3ull;
	fclose(f);
	return h;
}

/* Relocate @obj_path for @target (NULL: running kernel) and reopen the result. */
static struct uz_object *relocated(const char *obj_path, const char *target, void **bytes,
				   size_t *len)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = true);
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_object *obj = NULL, *out = NULL;
	struct uz_error err = { 0 };

	if (uz_object_open(obj_path, NULL, &obj, &err) || uz_target_load(target, NULL, &tgt, &err) ||
	    uz_object_relocate(obj, tgt, &opts, &rel, &err) ||
	    uz_relocation_write_mem(rel, bytes, len, &err) ||
	    uz_object_open_mem(*bytes, *len, NULL, &out, &err))
		fail_msg("relocating %s for %s: %s", obj_path, target ? target : "running", err.msg);
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);
	return out;
}

static int setup(void **state)
{
	const char *cache = getenv("UZ_CACHE");

	(void)state;
	if (!cache || geteuid() != 0)
		return -1;
	snprintf(corpus_btf, sizeof(corpus_btf), "%s/btf/" CORPUS_61 ".btf", cache);
	return access(corpus_btf, R_OK);
}

/* Relocated for 6.1, checked here: a mismatch naming both releases. */
static void test_mismatch_running(void **state)
{
	struct uz_relocated_info info;
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	struct uz_object *obj;
	struct utsname u;
	char digest[40];
	void *bytes;
	size_t len;

	(void)state;
	obj = relocated(BASIC_OBJ, corpus_btf, &bytes, &len);
	assert_int_equal(uz_object_relocated_for(obj, &info), 1);
	assert_string_equal(info.release, CORPUS_61);
	assert_string_equal(info.source, "btf");
	assert_string_equal(info.target, corpus_btf);
	snprintf(digest, sizeof(digest), "fnv1a64:%016llx",
		 (unsigned long long)file_fnv1a64(corpus_btf));
	assert_string_equal(info.btf_digest, digest);
	assert_int_equal(uz_object_core_relo_cnt(obj), 0);

	assert_int_equal(uname(&u), 0);
	assert_int_equal(uz_object_check_kernel(obj, NULL, &err), -EXDEV);
	print_message("check against the running kernel: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "relocated for kernel " CORPUS_61));
	assert_non_null(strstr(err.msg, u.release));

	/* against the same kernel it was relocated for: fine */
	assert_int_equal(uz_target_load(corpus_btf, NULL, &tgt, &err), 0);
	assert_int_equal(uz_object_check_kernel(obj, tgt, &err), 0);
	/* relocating it again is refused, naming the kernel */
	assert_int_equal(uz_object_relocate(obj, tgt, NULL, &rel, &err), -EALREADY);
	assert_non_null(strstr(err.msg, "already relocated, for kernel " CORPUS_61));
	assert_null(rel);
	uz_target_free(tgt);
	uz_object_free(obj);
	free(bytes);
}

/* Relocated for the running kernel: the check passes, plain libbpf loads it. */
static void test_running_ok(void **state)
{
	struct uz_relocated_info info;
	struct uz_error err = { 0 };
	struct bpf_object *bo;
	struct uz_object *obj;
	struct utsname u;
	void *bytes;
	size_t len;

	(void)state;
	obj = relocated(BASIC_OBJ, NULL, &bytes, &len);
	assert_int_equal(uz_object_relocated_for(obj, &info), 1);
	assert_int_equal(uname(&u), 0);
	assert_string_equal(info.release, u.release);
	assert_true(strlen(info.build_id) >= 40);
	if (uz_object_check_kernel(obj, NULL, &err))
		fail_msg("check against the running kernel failed: %s", err.msg);
	bo = bpf_object__open_mem(bytes, len, NULL);
	assert_non_null(bo);
	if (bpf_object__load(bo))
		fail_msg("plain libbpf did not load an object carrying .note.userize");
	bpf_object__close(bo);
	uz_object_free(obj);
	free(bytes);
}

/* A bpfeb object against little-endian kernel BTF: refused unless allowed. */
static void test_cross_endian(void **state)
{
	UZ_OPTS_INIT(uz_reloc_opts, allow, .allow_errors = true, .allow_cross_endian = true);
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_object *obj = NULL;
	struct uz_error err = { 0 };
	char buf[16384];

	(void)state;
	assert_int_equal(uz_object_open(BE_OBJ, NULL, &obj, &err), 0);
	assert_true(uz_object_is_big_endian(obj));
	assert_int_equal(uz_target_load(corpus_btf, NULL, &tgt, &err), 0);
	assert_false(uz_target_provenance(tgt)->big_endian);
	assert_int_equal(uz_object_relocate(obj, tgt, NULL, &rel, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "is a big-endian object, but target"));
	assert_non_null(strstr(err.msg, "describes a little-endian kernel"));
	assert_int_equal(uz_object_relocate(obj, tgt, &allow, &rel, &err), 0);
	assert_true(uz_relocation_record_cnt(rel) > 0);
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);

	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t %s --report json", UZ_CLI,
				 BE_OBJ, corpus_btf), 2);
	assert_non_null(strstr(buf, "--allow-cross-endian"));
	assert_int_equal(uzt_run(NULL, 0, "%s reloc %s -t %s --report json --allow-cross-endian",
				 UZ_CLI, BE_OBJ, corpus_btf), 0);
}

/* The CLI on a relocated object: reloc, explain and matrix all refuse it. */
static void test_cli_relocated(void **state)
{
	char dir[] = "/tmp/uz-relocated-XXXXXX", out[4200], buf[16384];
	static const char *const cmds[] = { "reloc %s -o %s.2", "explain %s", "matrix %s --targets /sys/kernel/btf/vmlinux" };
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/p.o", dir);
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t %s -o %s", UZ_CLI, BASIC_OBJ,
				 corpus_btf, out), 0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char cmd[8192], args[4300];

		snprintf(args, sizeof(args), cmds[i], out, out);
		snprintf(cmd, sizeof(cmd), "%s %s", UZ_CLI, args);
		assert_int_equal(uzt_run(buf, sizeof(buf), "%s", cmd), 2);
		if (!strstr(buf, "is a relocated object") || !strstr(buf, CORPUS_61))
			fail_msg("'%s' said: %s", cmd, buf);
	}
	snprintf(buf, sizeof(buf), "rm -rf %s", dir);
	assert_int_equal(system(buf), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mismatch_running),
		cmocka_unit_test(test_running_ok),
		cmocka_unit_test(test_cross_endian),
		cmocka_unit_test(test_cli_relocated),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
