/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Live tier of btfgen (root, running kernel): libbpf 1.1.2 itself relocates
 * a plain CO-RE program with btf_custom_path set to userize's minimized BTF
 * of the running kernel (its debug log must name that file), the program
 * loads, and what it reads (pid, parent pid, comm) is what the kernel says.
 * A sample binary that pretends the kernel has no BTF (UZ_NO_KERNEL_BTF=1)
 * falls back to its embedded archive: the running kernel's entry, the same
 * kernel fields as with /sys/kernel/btf/vmlinux, and it runs.
 * Type tags: tests/btfgen/tagged(_fields) relocated by libbpf against
 * tests/targets/t_tag, against userize's minimized BTF of it and (fields
 * only) bpftool's: the programs load and run (BPF_PROG_TEST_RUN) and store
 * the same values, which are userize's own relocation values; the kernel
 * loads the minimized BTF (its checks of type tags included).
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

/* ---- type tags ------------------------------------------------------------ */

#define TAG_VALS 21

/* libbpf relocates @obj with btf_custom_path @btf, loads it, runs it once
 * (BPF_PROG_TEST_RUN on a zeroed context) and returns what it stored. */
static void libbpf_values(const char *obj, const char *btf, unsigned long long *v)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = btf);
	unsigned long long ctx[8] = { 0 }, out[32] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, ro, .ctx_in = ctx, .ctx_size_in = sizeof(ctx));
	struct bpf_object *bo;
	uint32_t zero = 0;

	loglen = 0;
	libbpf_set_print(capture);
	bo = bpf_object__open_file(obj, &oo);
	assert_non_null(bo);
	if (bpf_object__load(bo))
		fail_msg("libbpf: %s with %s does not load:\n%s", obj, btf, logbuf);
	libbpf_set_print(NULL);
	if (bpf_prog_test_run_opts(bpf_program__fd(bpf_object__find_program_by_name(bo, "tagged")), &ro))
		fail_msg("BPF_PROG_TEST_RUN of %s: %s", obj, strerror(errno));
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(bo, "tag_out")),
					     &zero, out), 0);
	memcpy(v, out, TAG_VALS * sizeof(*v));
	bpf_object__close(bo);
}

/* The kernel takes @path as BTF (BPF_BTF_LOAD): its type tag rules too. */
static void kernel_loads_btf(const char *path)
{
	struct btf *b = btf__parse(path, NULL);

	assert_non_null(b);
	if (btf__load_into_kernel(b))
		fail_msg("the kernel refuses %s as BTF: %s", path, strerror(errno));
	btf__free(b);
}

static void write_file(char *path, const void *d, size_t len)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, d, len), (ssize_t)len);
	close(fd);
}

static void test_type_tags_libbpf(void **state)
{
	/* stored value -> the record userize resolves for it (v[6], v[7] and
	 * v[10] are reads through the pointers; v[18] a type id) */
	static const struct { int v; unsigned int kind; const char *spec; } map[] = {
		{ 0, UZ_FIELD_BYTE_OFFSET, "uzt_msg.msg_iov" },
		{ 1, UZ_FIELD_BYTE_SIZE, "uzt_msg.msg_name" },
		{ 2, UZ_FIELD_EXISTS, "uzt_msg.next" },
		{ 3, UZ_FIELD_BYTE_OFFSET, "uzt_msg.pp" },
		{ 4, UZ_FIELD_BYTE_OFFSET, "uzt_msg.argv[2]" },
		{ 5, UZ_FIELD_BYTE_SIZE, "uzt_msg.argv[3]" },
		{ 8, UZ_FIELD_BYTE_OFFSET, "uzt_msg___plain.msg_iov" },
		{ 9, UZ_FIELD_BYTE_OFFSET, "uzt_msg___plain.argv[1]" },
		{ 11, UZ_FIELD_BYTE_SIZE, "uzt_msg___plain.pp" },
		{ 12, UZ_TYPE_MATCHES, "struct uzt_msg" },
		{ 13, UZ_TYPE_MATCHES, "struct uzt_msg___plain" },
		{ 14, UZ_TYPE_MATCHES, "struct uzt_iovec" },
		{ 15, UZ_TYPE_EXISTS, "typedef uzt_uptr_t" },
		{ 16, UZ_TYPE_SIZE, "typedef uzt_uptr_t" },
		{ 17, UZ_TYPE_MATCHES, "typedef uzt_uptr_t" },
		{ 19, UZ_TYPE_SIZE, "struct uzt_iovec" },
		{ 20, UZ_TYPE_EXISTS, "struct uzt_iovec___plain" },
	};
	const char *b = getenv("UZ_BUILD");
	char tgt[1024], obj[1024], mine[] = "/tmp/uzbg-tag.XXXXXX", theirs[600], out[4096];
	unsigned long long vf[TAG_VALS], vm[TAG_VALS], vb[TAG_VALS];
	size_t f, i, k, checked = 0;

	(void)state;
	assert_non_null(b);
	snprintf(tgt, sizeof(tgt), "%s/tests/targets/t_tag.o", b);
	for (f = 0; f < 2; f++) {
		struct uz_object *o = NULL;
		struct uz_target *t = NULL;
		struct uz_relocation *rel;
		struct uz_error err = { 0 };
		void *d = NULL;
		size_t len = 0;

		snprintf(obj, sizeof(obj), "%s/tests/btfgen/%s.o", b, f ? "tagged_fields" : "tagged");
		assert_int_equal(uz_object_open(obj, NULL, &o, &err), 0);
		if (uz_target_load(tgt, NULL, &t, &err))
			fail_msg("%s", err.msg);
		if (uz_btfgen_minimize((const struct uz_object *const *)&o, 1, t, NULL, &d, &len, &err))
			fail_msg("%s", err.msg);
		snprintf(mine, sizeof(mine), "/tmp/uzbg-tag.XXXXXX");
		write_file(mine, d, len);
		kernel_loads_btf(mine);
		libbpf_values(obj, tgt, vf);
		libbpf_values(obj, mine, vm);
		/* type ids are the used BTF's; everything else the same */
		for (i = 0; i < TAG_VALS; i++)
			if (i != 18 && vf[i] != vm[i])
				fail_msg("%s v[%zu]: libbpf gives %llu with the full BTF, %llu with userize's minimized one",
					 obj, i, vf[i], vm[i]);
		if (!f) {
			struct btf *mb = btf__new(d, (uint32_t)len);

			assert_int_equal(vf[18], btf__find_by_name_kind(uz_target_btf(t), "uzt_msg",
									BTF_KIND_STRUCT));
			assert_int_equal(vm[18], btf__find_by_name_kind(mb, "uzt_msg", BTF_KIND_STRUCT));
			btf__free(mb);
		}
		/* libbpf's values are userize's (against the full target) */
		rel = bg_relocate(o, t);
		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
			const struct uz_record *r = NULL;

			for (i = 0; i < uz_relocation_record_cnt(rel); i++)
				if (uz_relocation_record(rel, i)->kind == map[k].kind &&
				    !strcmp(uz_relocation_record(rel, i)->spec, map[k].spec))
					r = uz_relocation_record(rel, i);
			if (f && map[k].v >= 12)
				continue; /* fields only */
			if (!r)
				fail_msg("%s: no %s record for %s", obj, uz_kind_name(map[k].kind), map[k].spec);
			assert_int_equal(r->result, UZ_RESULT_OK);
			if (r->new_value != vf[map[k].v])
				fail_msg("%s %s %s: userize %llu, libbpf %llu", obj, uz_kind_name(map[k].kind),
					 map[k].spec, (unsigned long long)r->new_value, vf[map[k].v]);
			checked++;
		}
		uz_relocation_free(rel);
		if (f) {
			/* bpftool takes field relocations through tags: same values */
			snprintf(theirs, sizeof(theirs), "%s.bpftool", mine);
			if (bg_sh(out, sizeof(out), "bpftool gen min_core_btf %s %s %s", tgt, theirs, obj))
				fail_msg("bpftool gen min_core_btf: %s", out);
			kernel_loads_btf(theirs);
			libbpf_values(obj, theirs, vb);
			assert_memory_equal(vb, vm, sizeof(vb));
			unlink(theirs);
		}
		print_message("%s: libbpf loads and runs it with the full and the minimized BTF (%zu bytes), same values; the kernel loads the minimized BTF\n",
			      obj, len);
		unlink(mine);
		free(d);
		uz_target_free(t);
		uz_object_free(o);
	}
	print_message("%zu values compared with userize's relocation\n", checked);
	assert_int_equal(checked, 17 + 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libbpf_custom_btf),
		cmocka_unit_test(test_sample_embedded_archive),
		cmocka_unit_test(test_type_tags_libbpf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
