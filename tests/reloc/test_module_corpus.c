// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/reloc/test_module_corpus.c (corpus): kernel modules as split BTF
 * targets. xfs.ko is taken from the 6.1.0-56-cloud-amd64 package of the
 * cache; its .BTF continues that kernel's vmlinux BTF. A struct only xfs
 * defines relocates against the module with --base, at the offset libbpf's
 * own split parser reads; without --base the tools say to give one; `btf
 * extract --base` writes raw split BTF that libbpf reads back identically.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "uzt.h"

#define RELEASE "6.1.0-56-cloud-amd64"
#define DEB "linux-image-" RELEASE "-unsigned_6.1.192-2_amd64.deb"
#define KO "lib/modules/" RELEASE "/kernel/fs/xfs/xfs.ko"

static char dir[] = "/tmp/uz-module-XXXXXX";
static char ko[4200], base[4200];

static int setup(void **state)
{
	const char *cache = getenv("UZ_CACHE");
	char cmd[16384];

	(void)state;
	if (!cache || !mkdtemp(dir))
		return -1;
	snprintf(base, sizeof(base), "%s/btf/" RELEASE ".btf", cache);
	snprintf(ko, sizeof(ko), "%s/" KO, dir);
	snprintf(cmd, sizeof(cmd), "dpkg-deb --fsys-tarfile '%s/debs/" DEB "' | tar -x -C %s ./" KO,
		 cache, dir);
	return system(cmd) || access(ko, R_OK) || access(base, R_OK);
}

static int teardown(void **state)
{
	char cmd[4200];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* libbpf's reading: byte offset of xfs_mount.m_super in the module. */
static long libbpf_m_super(void)
{
	struct btf *b = btf__parse(base, NULL), *m;
	long off;

	assert_non_null(b);
	m = btf__parse_split(ko, b);
	assert_non_null(m);
	off = uzt_member_off(m, "xfs_mount", "m_super");
	btf__free(m);
	btf__free(b);
	return off;
}

static void test_relocate_module(void **state)
{
	UZ_OPTS_INIT(uz_target_opts, topts, .base_path = base);
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_object *obj = NULL;
	struct uz_error err = { 0 };
	const struct uz_record *r;
	long want = libbpf_m_super();

	(void)state;
	assert_true(want > 0);
	if (uz_target_load(ko, &topts, &tgt, &err))
		fail_msg("%s: %s", ko, err.msg);
	assert_string_equal(uz_target_provenance(tgt)->base_path, base);
	assert_int_equal(uz_object_open(MODULE_OBJ, NULL, &obj, &err), 0);
	assert_int_equal(uz_object_relocate(obj, tgt, NULL, &rel, &err), 0);
	assert_int_equal(uz_relocation_record_cnt(rel), 1);
	r = uz_relocation_record(rel, 0);
	assert_int_equal(r->result, UZ_RESULT_OK);
	assert_string_equal(r->target_spec, "xfs_mount.m_super");
	assert_int_equal(r->new_value, want);
	print_message("xfs_mount.m_super at %llu in %s on %s (libbpf: %ld)\n",
		      (unsigned long long)r->new_value, KO, RELEASE, want);
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);
}

static void test_cli_module(void **state)
{
	char buf[16384], out[4300];
	struct btf *b, *m1, *m2;

	(void)state;
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t %s --base %s --report text",
				 UZ_CLI, MODULE_OBJ, ko, base), 0);
	assert_non_null(strstr(buf, "1 relocations: 1 ok"));
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t %s --report text", UZ_CLI,
				 MODULE_OBJ, ko), 2);
	if (!strstr(buf, "kernel-module split BTF: give --base"))
		fail_msg("reloc without --base said: %s", buf);
	snprintf(out, sizeof(out), "%s/xfs.btf", dir);
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s btf extract %s -o %s", UZ_CLI, ko, out), 2);
	if (!strstr(buf, "kernel-module split BTF: give --base"))
		fail_msg("btf extract without --base said: %s", buf);
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s btf extract %s --base %s -o %s", UZ_CLI, ko,
				 base, out), 0);

	b = btf__parse(base, NULL);
	assert_non_null(b);
	m1 = btf__parse_split(ko, b);
	m2 = btf__parse_raw_split(out, b);
	assert_non_null(m1);
	assert_non_null(m2);
	assert_int_equal(btf__type_cnt(m1), btf__type_cnt(m2));
	assert_int_equal(uzt_member_off(m2, "xfs_mount", "m_super"),
			 uzt_member_off(m1, "xfs_mount", "m_super"));
	/* the extracted raw split BTF is a target too */
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t %s --base %s --report text",
				 UZ_CLI, MODULE_OBJ, out, base), 0);
	btf__free(m2);
	btf__free(m1);
	btf__free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relocate_module),
		cmocka_unit_test(test_cli_module),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
