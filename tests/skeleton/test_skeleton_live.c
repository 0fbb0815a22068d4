// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/skeleton/test_skeleton_live.c (live, root): the bpftool skeleton
 * path. skel_prog.skel.h is generated at build time by `bpftool gen
 * skeleton`; the embedded object is relocated with uz_skeleton_relocate()
 * between __create_skeleton() and bpf_object__open_skeleton(), then the
 * skeleton loads and attaches and the program reads this process's pid
 * and tgid. libbpf is pointed at a kernel BTF path that does not exist, so
 * only userize's relocation can have resolved the view accesses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include <userize/userize.h>

#include "skel_prog.skel.h"

static void test_skeleton(void **state)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = "/nonexistent/vmlinux.btf");
	struct uz_error err = { 0 };
	struct skel_prog *skel;
	void *bytes = NULL;
	int i;

	(void)state;
	if (geteuid() != 0)
		fail_msg("the live tier must run as root (it loads BPF programs)");
	skel = calloc(1, sizeof(*skel));
	assert_non_null(skel);
	assert_int_equal(skel_prog__create_skeleton(skel), 0);
	if (uz_skeleton_relocate(skel->skeleton, NULL, NULL, &bytes, &err))
		fail_msg("uz_skeleton_relocate: %s", err.msg);
	assert_ptr_equal(skel->skeleton->data, bytes);
	assert_int_equal(bpf_object__open_skeleton(skel->skeleton, &oo), 0);
	if (skel_prog__load(skel))
		fail_msg("the relocated skeleton did not load");
	skel->bss->want_tgid = getpid();
	assert_int_equal(skel_prog__attach(skel), 0);
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	skel_prog__detach(skel);
	print_message("hits %llu, pid %d (gettid %ld), tgid %d (getpid %d)\n", skel->bss->hits,
		      skel->bss->seen_pid, syscall(SYS_gettid), skel->bss->seen_tgid, getpid());
	assert_true(skel->bss->hits >= 5);
	assert_int_equal(skel->bss->seen_pid, syscall(SYS_gettid));
	assert_int_equal(skel->bss->seen_tgid, getpid());
	skel_prog__destroy(skel);
	free(bytes);
}

/* Without the relocation, libbpf cannot resolve the view: open or load fails. */
static void test_skeleton_needs_relocation(void **state)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = "/nonexistent/vmlinux.btf");
	struct skel_prog *skel;
	int r;

	(void)state;
	libbpf_set_print(NULL);
	skel = calloc(1, sizeof(*skel));
	assert_non_null(skel);
	assert_int_equal(skel_prog__create_skeleton(skel), 0);
	r = bpf_object__open_skeleton(skel->skeleton, &oo);
	if (!r)
		r = skel_prog__load(skel);
	assert_int_not_equal(r, 0);
	skel_prog__destroy(skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skeleton),
		cmocka_unit_test(test_skeleton_needs_relocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
