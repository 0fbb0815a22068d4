// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/views/test_views_corpus.c: every field of every uapi view resolves on
 * every x86_64 kernel of the corpus (docs/corpus.md), except the fields the
 * headers document as absent there and guard with UZ_HAS(); those must be
 * reported absent (exists = 0, offset poisoned), so the documentation stays
 * true. Uses the relocation report of views.o (touches every view field).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/utsname.h>

#include <userize/userize.h>

struct kernel {
	const char *file;	/* in $UZ_CACHE/btf, or an absolute path */
	uint64_t pid_off;	/* task_struct.pid (docs/corpus.md); 0: unchecked */
	uint64_t no_socket;	/* SKB_DROP_REASON_NO_SOCKET; 0: unchecked */
	int split_times;	/* inode i_mtime_sec & co (6.11+): 1, 0, -1 from uname */
};

static const struct kernel corpus[] = {
	{ "6.1.0-47-cloud-amd64.btf", 2416, 2, 0 },
	{ "6.1.0-56-amd64.btf", 2416, 2, 0 },
	{ "6.1.0-56-cloud-amd64.btf", 2416, 2, 0 },
	{ "6.1.0-56-rt-amd64.btf", 2480, 2, 0 },
	{ "6.12.111+deb12-amd64.btf", 2432, 3, 1 },
	{ "6.12.111+deb12-cloud-amd64.btf", 2432, 3, 1 },
	{ "6.12.111+deb12-rt-amd64.btf", 2472, 3, 1 },
};

/* docs/uapi.md: removed before every corpus kernel; helpers guard them. */
static const char *absent[] = {
	"request_user.rq_disk",		/* removed in 5.19 */
	"bio_user.bi_disk",		/* removed in 5.12 */
};

/* Tracepoint record fields newer kernels have (6.18: __data_loc comms,
 * sched_process_exit's own class): absent on every corpus kernel. */
static const char *tp_new[] = {
	"trace_event_raw_sched_process_fork_user.__data_loc_parent_comm",
	"trace_event_raw_sched_process_fork_user.__data_loc_child_comm",
	"trace_event_raw_sched_process_exit_user.group_dead",
};
/* ... and the char[16] comms they replaced. */
static const char *tp_old[] = {
	"trace_event_raw_sched_process_fork_user.parent_comm",
	"trace_event_raw_sched_process_fork_user.child_comm",
};

/* Renames and paths the views exist for: local spec -> kernel field. */
static const char *const renames[][2] = {
	{ "task_struct_user.state", "task_struct.__state" },
	{ "request_user.sector", "request.__sector" },
	{ "request_user.data_len", "request.__data_len" },
	{ "sock_user.family", "sock.__sk_common.skc_family" },
	{ "sock_user.num", "sock.__sk_common.skc_num" },
	{ "sock_user.dport", "sock.__sk_common.skc_dport" },
	{ "sock_user.daddr", "sock.__sk_common.skc_daddr" },
	{ "sock_user.rcv_saddr", "sock.__sk_common.skc_rcv_saddr" },
	{ "sock_user.protocol", "sock.sk_protocol" },
	{ "cred_user.uid.val", "cred.uid.val" },
	{ "syscall_trace_enter_user.args[0]", "syscall_trace_enter.args[0]" },
};

/* inode timestamps: split members since 6.11, a timespec64 before. */
static const char *split_members[] = {
	"inode_user.i_mtime_sec", "inode_user.i_mtime_nsec",
	"inode_user.i_ctime_sec", "inode_user.i_ctime_nsec",
};
static const char *timespec_members[] = {
	"inode_user.i_mtime_ts.tv_sec", "inode_user.i_ctime_ts.tv_sec",
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *spec, const char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(spec, list[i]))
			return true;
	return false;
}

static bool is_absent(const char *spec, bool split)
{
	return in_list(spec, absent, NELEM(absent)) ||
	       (split ? in_list(spec, timespec_members, NELEM(timespec_members)) :
			in_list(spec, split_members, NELEM(split_members)));
}

/* A tracepoint field that changed: on the corpus the old form only; on the
 * running kernel (whatever its version) either form, checked in pairs. */
static bool tp_changed(const char *spec)
{
	return in_list(spec, tp_new, NELEM(tp_new)) || in_list(spec, tp_old, NELEM(tp_old));
}

/* 6.11 or newer, from the running kernel's release. */
static bool running_has_split_times(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		fail_msg("cannot read the running kernel's release");
	return major > 6 || (major == 6 && minor >= 11);
}

static const struct uz_record *find(const struct uz_relocation *rel, const char *spec,
				    unsigned int kind)
{
	size_t i, n = uz_relocation_record_cnt(rel);

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (r->kind == kind && !strcmp(r->spec, spec))
			return r;
	}
	return NULL;
}

static void check_kernel(struct uz_object *obj, const char *dir, const struct kernel *k)
{
	struct uz_relocation *rel = NULL;
	struct uz_target *target = NULL;
	const struct uz_record *r;
	struct uz_error err = { 0 };
	char path[4096];
	size_t i, n, fields = 0;
	bool split = k->split_times < 0 ? running_has_split_times() : k->split_times;

	if (k->file[0] == '/')
		snprintf(path, sizeof(path), "%s", k->file);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, k->file);
	if (uz_target_load(path, NULL, &target, &err))
		fail_msg("%s: %s (the corpus fixture fetches the kernels)", path, err.msg);
	if (uz_object_relocate(obj, target, NULL, &rel, &err))
		fail_msg("%s: relocation failed: %s", k->file, err.msg);

	n = uz_relocation_record_cnt(rel);
	for (i = 0; i < n; i++) {
		r = uz_relocation_record(rel, i);
		if (tp_changed(r->spec)) {
			bool want = !in_list(r->spec, tp_new, NELEM(tp_new));

			fields += r->kind == UZ_FIELD_EXISTS;
			if (k->split_times >= 0 && r->kind == UZ_FIELD_EXISTS && r->new_value != want)
				fail_msg("%s: %s exists=%llu, expected %d", k->file, r->spec,
					 (unsigned long long)r->new_value, want);
			continue;
		}
		if (r->kind == UZ_FIELD_EXISTS) {
			fields++;
			if (r->result != UZ_RESULT_OK || r->new_value != !is_absent(r->spec, split))
				fail_msg("%s: %s exists=%llu, expected %d (%s)", k->file, r->spec,
					 (unsigned long long)r->new_value, !is_absent(r->spec, split),
					 r->message ? r->message : "");
		} else if (r->kind == UZ_FIELD_BYTE_OFFSET) {
			enum uz_result want = is_absent(r->spec, split) ? UZ_RESULT_POISONED :
								   UZ_RESULT_OK;

			if (r->result != want)
				fail_msg("%s: offset of %s: result %d, expected %d (%s)", k->file,
					 r->spec, r->result, want, r->message ? r->message : "");
		} else if (r->result != UZ_RESULT_OK) {
			fail_msg("%s: %s %s failed: %s", k->file, uz_kind_name(r->kind), r->spec,
				 r->message ? r->message : "");
		}
	}
	/* views.bpf.c probes 117 fields; a lost probe must not pass silently. */
	assert_int_equal(fields, 117);
	/* sched_process_fork has its comms in exactly one of the two forms */
	{
		const struct uz_record *a = find(rel, "trace_event_raw_sched_process_fork_user.parent_comm", UZ_FIELD_EXISTS);
		const struct uz_record *b = find(rel, "trace_event_raw_sched_process_fork_user.__data_loc_parent_comm", UZ_FIELD_EXISTS);

		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(a->new_value + b->new_value, 1);
	}
	/* Before 6.11 the guarded timestamp resolves through the alias. */
	r = find(rel, "inode_user.i_mtime_ts.tv_sec", UZ_FIELD_BYTE_OFFSET);
	assert_non_null(r);
	if (!split && strcmp(r->target_spec, "inode.i_mtime.tv_sec"))
		fail_msg("%s: inode_user.i_mtime_ts.tv_sec resolved to '%s', expected "
			 "'inode.i_mtime.tv_sec'", k->file, r->target_spec);

	for (i = 0; i < sizeof(renames) / sizeof(renames[0]); i++) {
		r = find(rel, renames[i][0], UZ_FIELD_BYTE_OFFSET);
		assert_non_null(r);
		if (strcmp(r->target_spec, renames[i][1]))
			fail_msg("%s: %s resolved to '%s', expected '%s'", k->file,
				 renames[i][0], r->target_spec, renames[i][1]);
	}
	r = find(rel, "task_struct_user.pid", UZ_FIELD_BYTE_OFFSET);
	assert_non_null(r);
	if (k->pid_off)
		assert_int_equal(r->new_value, k->pid_off);
	print_message("%-32s %zu fields: all resolve except %zu documented absent; "
		      "task_struct.pid at %llu\n", k->file, fields,
		      NELEM(absent) + (split ? NELEM(timespec_members) : NELEM(split_members)),
		      (unsigned long long)r->new_value);
	r = find(rel, "skb_drop_reason___uz::SKB_DROP_REASON_NO_SOCKET___uz", UZ_ENUMVAL_VALUE);
	assert_non_null(r);
	assert_int_equal(r->result, UZ_RESULT_OK);
	if (k->no_socket)
		assert_int_equal(r->new_value, k->no_socket);

	uz_relocation_free(rel);
	uz_target_free(target);
}

static void test_views_on_corpus(void **state)
{
	const char *cache = getenv("UZ_CACHE"), *build = getenv("UZ_BUILD");
	struct uz_object *obj = NULL;
	struct uz_error err = { 0 };
	char dir[4096], path[4096];
	size_t i;

	(void)state;
	if (!cache || !build)
		fail_msg("UZ_CACHE and UZ_BUILD must be set (ctest sets them)");
	snprintf(dir, sizeof(dir), "%s/btf", cache);
	snprintf(path, sizeof(path), "%s/tests/views/views.o", build);
	if (uz_object_open(path, NULL, &obj, &err))
		fail_msg("%s: %s", path, err.msg);
	for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++)
		check_kernel(obj, dir, &corpus[i]);
	uz_object_free(obj);
}

/* The machine's own kernel too (docs/uapi.md lists it). */
static void test_views_on_running_kernel(void **state)
{
	static const struct kernel running = { "/sys/kernel/btf/vmlinux", 0, 0, -1 };
	const char *build = getenv("UZ_BUILD");
	struct uz_object *obj = NULL;
	struct uz_error err = { 0 };
	char path[4096];

	(void)state;
	if (!build)
		fail_msg("UZ_BUILD must be set (ctest sets it)");
	snprintf(path, sizeof(path), "%s/tests/views/views.o", build);
	if (uz_object_open(path, NULL, &obj, &err))
		fail_msg("%s: %s", path, err.msg);
	check_kernel(obj, "/", &running);
	uz_object_free(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views_on_corpus),
		cmocka_unit_test(test_views_on_running_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
