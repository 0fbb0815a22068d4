/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Live tier (root): `userize reloc` against the running kernel's BTF, then
 * plain libbpf loads the result and the program, attached to sys_enter,
 * reads this process's task through the userized view. The values must be
 * this process's own: pid, tgid, parent's tgid, comm, state (running).
 * Also: libbpf must not need kernel BTF for CO-RE any more (the records are
 * consumed), shown by pointing btf_custom_path at a file that does not exist.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "uzt.h"

#include "bpf/basic.h"

static void test_live_values(void **state)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = "/nonexistent/vmlinux.btf");
	char out[] = "/tmp/uz-live-XXXXXX", buf[16384], comm[16] = { 0 };
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct result res = { 0 };
	struct btf *kbtf;
	int fd, zero = 0, me = getpid(), rc, i;
	long off;

	(void)state;
	if (geteuid() != 0)
		fail_msg("the live tier must run as root (it loads BPF programs)");
	fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	rc = uzt_run(buf, sizeof(buf), "%s reloc %s -o %s", UZ_CLI, BASIC_OBJ, out);
	if (rc != 0)
		fail_msg("userize reloc failed (%d): %s", rc, buf);

	obj = bpf_object__open_file(out, &oo);
	assert_non_null(obj);
	rc = bpf_object__load(obj);
	if (rc)
		fail_msg("plain libbpf could not load the relocated object: %d", rc);
	fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "filter"));
	assert_int_equal(bpf_map_update_elem(fd, &zero, &me, BPF_ANY), 0);
	prog = bpf_object__find_program_by_name(obj, "read_task");
	link = bpf_program__attach(prog);
	assert_non_null(link);
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	bpf_link__destroy(link);
	fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "out"));
	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &res), 0);

	prctl(PR_GET_NAME, comm);
	assert_true(res.hits >= 5);
	assert_int_equal(res.pid, (int)syscall(SYS_gettid));
	assert_int_equal(res.tgid, getpid());
	assert_int_equal(res.ppid, getppid());
	assert_string_equal(res.comm, comm);
	assert_int_equal(res.state, 0); /* TASK_RUNNING while making the syscall */
	kbtf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	assert_non_null(kbtf);
	off = uzt_member_off(kbtf, "sock", "__sk_common") + uzt_member_off(kbtf, "sock_common", "skc_family");
	assert_int_equal(res.family_off, (unsigned long long)off);
	btf__free(kbtf);
	bpf_object__close(obj);
	unlink(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
