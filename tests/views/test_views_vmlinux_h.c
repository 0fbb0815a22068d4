// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/views/test_views_vmlinux_h.c: the views compile after a vmlinux.h
 * and still relocate. For the running kernel and a 6.1 corpus kernel:
 * bpftool writes the kernel's vmlinux.h, clang compiles views_vmlinux.bpf.c
 * (vmlinux.h first, then every view header), userize relocates it against
 * the same kernel, and the enumerator value and task_struct.pid offset equal
 * what libbpf reads from that kernel's BTF.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include <userize/userize.h>

/* libbpf's reading of @btf: value of skb_drop_reason::SKB_DROP_REASON_NO_SOCKET. */
static long long libbpf_no_socket(const struct btf *btf)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, i;

	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id < 0)
		fail_msg("no enum skb_drop_reason");
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, e[i].name_off), "SKB_DROP_REASON_NO_SOCKET"))
			return e[i].val;
	fail_msg("no SKB_DROP_REASON_NO_SOCKET");
	return -1;
}

/* libbpf's reading of @btf: byte offset of task_struct.pid. */
static long long libbpf_pid_off(const struct btf *btf)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i;

	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	if (id < 0)
		fail_msg("no struct task_struct");
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), "pid"))
			return btf_member_bit_offset(t, i) / 8;
	fail_msg("no task_struct.pid");
	return -1;
}

static void run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fail_msg("command failed (status %d): %s", rc, cmd);
}

static void check_kernel(const char *btf_path)
{
	const char *src = getenv("UZ_SRC"), *clang = getenv("UZ_BPF_CLANG");
	struct uz_relocation *rel = NULL;
	struct uz_target *target = NULL;
	struct uz_object *obj = NULL;
	struct uz_error err = { 0 };
	char dir[] = "/tmp/uz-vmlinux-h.XXXXXX", cmd[8192], obj_path[4200];
	long long want_reason, want_pid, got_reason = -1, got_pid = -1;
	struct btf *btf;
	size_t i;

	if (!src || !clang)
		fail_msg("UZ_SRC and UZ_BPF_CLANG must be set (ctest sets them)");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	snprintf(cmd, sizeof(cmd), "bpftool btf dump file '%s' format c > %s/vmlinux.h",
		 btf_path, dir);
	run(cmd);
	snprintf(obj_path, sizeof(obj_path), "%s/views_vmlinux.o", dir);
	snprintf(cmd, sizeof(cmd), "%s -g -O2 -target bpfel -D__TARGET_ARCH_x86 -Wall -Werror "
		 "-I%s -I%s/uapi -c %s/tests/views/views_vmlinux.bpf.c -o %s",
		 clang, dir, src, src, obj_path);
	run(cmd);

	if (uz_object_open(obj_path, NULL, &obj, &err))
		fail_msg("%s: %s", obj_path, err.msg);
	if (uz_target_load(btf_path, NULL, &target, &err))
		fail_msg("%s: %s", btf_path, err.msg);
	if (uz_object_relocate(obj, target, NULL, &rel, &err))
		fail_msg("%s: relocation failed: %s", btf_path, err.msg);
	for (i = 0; i < uz_relocation_record_cnt(rel); i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (r->kind == UZ_ENUMVAL_VALUE && r->result == UZ_RESULT_OK)
			got_reason = (long long)r->new_value;
		if (r->kind == UZ_FIELD_BYTE_OFFSET && !strcmp(r->spec, "task_struct_user.pid") &&
		    r->result == UZ_RESULT_OK)
			got_pid = (long long)r->new_value;
	}
	btf = btf__parse(btf_path, NULL);
	if (!btf)
		fail_msg("libbpf cannot parse %s", btf_path);
	want_reason = libbpf_no_socket(btf);
	want_pid = libbpf_pid_off(btf);
	btf__free(btf);
	print_message("%s: SKB_DROP_REASON_NO_SOCKET___uz = %lld (libbpf: %lld), "
		      "task_struct.pid at %lld (libbpf: %lld)\n", btf_path, got_reason,
		      want_reason, got_pid, want_pid);
	assert_int_equal(got_reason, want_reason);
	assert_int_equal(got_pid, want_pid);

	uz_relocation_free(rel);
	uz_target_free(target);
	uz_object_free(obj);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	run(cmd);
}

static void test_running_kernel(void **state)
{
	(void)state;
	check_kernel("/sys/kernel/btf/vmlinux");
}

static void test_corpus_6_1(void **state)
{
	const char *cache = getenv("UZ_CACHE");
	char path[4096];

	(void)state;
	if (!cache)
		fail_msg("UZ_CACHE must be set (ctest sets it)");
	snprintf(path, sizeof(path), "%s/btf/6.1.0-56-cloud-amd64.btf", cache);
	check_kernel(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_running_kernel),
		cmocka_unit_test(test_corpus_6_1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
