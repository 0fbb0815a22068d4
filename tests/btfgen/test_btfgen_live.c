/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Live tier of btfgen (root, running kernel): libbpf 1.1.2 itself relocates
 * a plain CO-RE program with btf_custom_path set to userize's minimized BTF
 * of the running kernel (its debug log must name that file), the program
 * loads, and what it reads (pid, parent pid, comm) is what the kernel says.
 * A sample binary that pretends the kernel has no BTF (UZ_NO_KERNEL_BTF=1)
 * falls back to its embedded archive: the running kernel's entry, the same
 * kernel fields as with /sys/kernel/btf/vmlinux, and it runs.
 */
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bg_test.h"

struct out {
	int pid, tgid, ppid, hits;
	char comm[16];
};

static char logbuf[1 << 16];
static size_t loglen;

static int capture(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	(void)lvl;
	if (loglen < sizeof(logbuf) - 1)
		loglen += (size_t)vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	if (loglen > sizeof(logbuf) - 1)
		loglen = sizeof(logbuf) - 1;
	return 0;
}

static void test_libbpf_custom_btf(void **state)
{
	UZ_OPTS_INIT(uz_btfgen_opts, bo, .no_userize_tags = true);
	char obj_path[1024], btf_path[] = "/tmp/uzbg-live.XXXXXX", comm[17] = { 0 };
	struct uz_object *o = NULL;
	struct uz_target *t = NULL;
	struct uz_error err = { 0 };
	struct bpf_object *bo_obj;
	struct bpf_link *link;
	struct out want = { 0 }, got = { 0 };
	uint32_t k0 = 0, k1 = 1;
	void *d = NULL;
	size_t len = 0;
	int fd, mfd;

	(void)state;
	snprintf(obj_path, sizeof(obj_path), "%s/tests/btfgen/plain.o", getenv("UZ_BUILD"));
	assert_int_equal(uz_object_open(obj_path, NULL, &o, &err), 0);
	assert_int_equal(uz_target_load(NULL, NULL, &t, &err), 0);
	if (uz_btfgen_minimize((const struct uz_object *const *)&o, 1, t, &bo, &d, &len, &err))
		fail_msg("%s", err.msg);
	fd = mkstemp(btf_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, d, len), (ssize_t)len);
	close(fd);

	{
		LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = btf_path);

		libbpf_set_print(capture);
		bo_obj = bpf_object__open_file(obj_path, &oo);
		assert_non_null(bo_obj);
		if (bpf_object__load(bo_obj))
			fail_msg("libbpf load failed:\n%s", logbuf);
		libbpf_set_print(NULL);
	}
	/* libbpf took the custom BTF for CO-RE, not the kernel's: its candidate
	 * ids are the minimized BTF's, not the kernel's */
	{
		struct btf *min = btf__new(d, (uint32_t)len);
		int mid = btf__find_by_name_kind(min, "task_struct", BTF_KIND_STRUCT);
		int kid = btf__find_by_name_kind(uz_target_btf(t), "task_struct", BTF_KIND_STRUCT);
		char line[128];

		assert_true(mid > 0 && kid > 0 && mid != kid);
		snprintf(line, sizeof(line), "target candidate [%d] struct task_struct", mid);
		if (!strstr(logbuf, line))
			fail_msg("libbpf's log does not show '%s':\n%s", line, logbuf);
		btf__free(min);
	}
	mfd = bpf_map__fd(bpf_object__find_map_by_name(bo_obj, "outm"));
	want.tgid = getpid();
	assert_int_equal(bpf_map_update_elem(mfd, &k0, &want, BPF_ANY), 0);
	link = bpf_program__attach(bpf_object__find_program_by_name(bo_obj, "on_enter"));
	assert_non_null(link);
	syscall(SYS_getppid);
	bpf_link__destroy(link);
	assert_int_equal(bpf_map_lookup_elem(mfd, &k1, &got), 0);
	assert_true(got.hits >= 1);
	assert_int_equal(got.tgid, getpid());
	assert_int_equal(got.pid, (int)syscall(SYS_gettid));
	assert_int_equal(got.ppid, getppid());
	assert_int_equal(prctl(PR_GET_NAME, comm), 0);
	assert_string_equal(got.comm, comm);
	print_message("libbpf + minimized BTF (%zu bytes of %u types): pid %d ppid %d comm %s\n",
		      len, uz_target_type_cnt(t), got.pid, got.ppid, got.comm);
	bpf_object__close(bo_obj);
	unlink(btf_path);
	free(d);
	uz_target_free(t);
	uz_object_free(o);
}

/* The report lines "view.field -> kernel.field @offset ..." of a run. */
static void field_lines(const char *out, char *lines, size_t sz)
{
	const char *p = out;

	lines[0] = 0;
	while ((p = strstr(p, "\n  "))) {
		const char *e = strchr(p + 1, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p), have = strlen(lines);

		if (have + n + 1 < sz && memmem(p, n, " -> ", 4))
			strncat(lines, p, n);
		p += n;
	}
}

static void test_sample_embedded_archive(void **state)
{
	static char with[65536], without[65536], fa[32768], fb[32768];
	const char *b = getenv("UZ_BUILD");

	(void)state;
	assert_int_equal(bg_sh(with, sizeof(with), "%s/samples/proctop --duration 1 --report", b), 0);
	assert_int_equal(bg_sh(without, sizeof(without),
			       "UZ_NO_KERNEL_BTF=1 %s/samples/proctop --duration 1 --report", b), 0);
	assert_null(strstr(with, "embedded archive"));
	assert_non_null(strstr(without, "no kernel BTF: using the embedded archive (btfgen archive entry"));
	assert_non_null(strstr(without, "relocations against embedded btfgen archive"));
	field_lines(with, fa, sizeof(fa));
	field_lines(without, fb, sizeof(fb));
	assert_true(strlen(fa) > 100);
	assert_string_equal(fa, fb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libbpf_custom_btf),
		cmocka_unit_test(test_sample_embedded_archive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
