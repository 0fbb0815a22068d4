/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uapi/userize/bpf/task.h: process views (task_struct, cred, mm_struct) and the
 * derived helpers: parent pid, uid/gid through cred, state, start time.
 * Fields are only ever added (docs/uapi.md lists the kernels each resolves on).
 */
#ifndef __USERIZE_TASK_H
#define __USERIZE_TASK_H

#include "view.h"

/* kuid_t / kgid_t: a struct wrapping the id since 3.5. */
struct kid_user {
	unsigned int val;
} UZ_VIEW;

struct cred_user {
	struct kid_user uid;
	struct kid_user gid;
	struct kid_user euid;
	struct kid_user egid;
} UZ_VIEW UZ_KERNEL("cred");

struct mm_struct_user {
	unsigned long total_vm;
	unsigned long start_code;
	unsigned long arg_start;
} UZ_VIEW UZ_KERNEL("mm_struct");

struct files_struct_user;	/* uapi/userize/bpf/fs.h */

struct task_struct_user {
	int pid;
	int tgid;
	/* long "state" before 5.14, unsigned int "__state" since. */
	unsigned int state UZ_ALIAS("__state");
	unsigned int flags;
	int prio;
	int static_prio;
	char comm[16];
	struct task_struct_user *real_parent;
	struct task_struct_user *parent;
	struct task_struct_user *group_leader;
	struct mm_struct_user *mm;
	const struct cred_user *cred;
	const struct cred_user *real_cred;
	/* Monotonic ns at fork; "real_start_time" was the boot-based one. */
	unsigned long long start_time;
	unsigned long long start_boottime UZ_ALIAS("real_start_time");
	int exit_code;
	unsigned long nvcsw;
	unsigned long nivcsw;
	struct files_struct_user *files;
} UZ_VIEW UZ_KERNEL("task_struct");

/* Task state bits (stable since 2.6). */
#define UZ_TASK_RUNNING		0x0000
#define UZ_TASK_INTERRUPTIBLE	0x0001
#define UZ_TASK_UNINTERRUPTIBLE	0x0002
#define UZ_TASK_DEAD		0x0080

static __always_inline int uz_task_pid(struct task_struct_user *t)
{
	return (int)UZ_READ_INT(t, pid);
}

static __always_inline int uz_task_tgid(struct task_struct_user *t)
{
	return (int)UZ_READ_INT(t, tgid);
}

/* Scheduler state, whatever the kernel's field is called and sized. */
static __always_inline unsigned int uz_task_state(struct task_struct_user *t)
{
	return (unsigned int)UZ_READ_INT(t, state);
}

/* Process id of the parent (the real parent's thread group id). */
static __always_inline int uz_task_ppid(struct task_struct_user *t)
{
	struct task_struct_user *p = UZ_READ_PTR(t, real_parent);

	if (!p)
		return 0;
	return (int)UZ_READ_INT(p, tgid);
}

static __always_inline const struct cred_user *uz_task_cred(struct task_struct_user *t)
{
	return UZ_READ_PTR(t, cred);
}

/* Real uid / gid from the task's subjective credentials; -1 on fault. */
static __always_inline unsigned int uz_task_uid(struct task_struct_user *t)
{
	const struct cred_user *c = uz_task_cred(t);

	if (!c)
		return (unsigned int)-1;
	return (unsigned int)UZ_READ_INT(c, uid.val);
}

static __always_inline unsigned int uz_task_gid(struct task_struct_user *t)
{
	const struct cred_user *c = uz_task_cred(t);

	if (!c)
		return (unsigned int)-1;
	return (unsigned int)UZ_READ_INT(c, gid.val);
}

/* Process start time in CLOCK_MONOTONIC nanoseconds. */
static __always_inline unsigned long long uz_task_start_time_ns(struct task_struct_user *t)
{
	return UZ_READ_INT(t, start_time);
}

/* Copy comm into @buf (16 bytes); returns the length with NUL or < 0. */
static __always_inline long uz_task_comm(struct task_struct_user *t, char *buf)
{
	return UZ_READ_STR(buf, 16, t, comm);
}

#endif /* __USERIZE_TASK_H */
