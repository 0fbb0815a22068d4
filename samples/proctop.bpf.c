// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/proctop.bpf.c: per-task scheduler events from the sched_switch
 * raw tracepoint, with pid, tgid, ppid, uid, gid, comm, state and start time
 * read through task_struct_user.
 */
#include <userize/bpf/task.h>
#include <userize/bpf/tp.h>
#include "proctop.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __s32);
	__type(value, struct proctop_entry);
} tasks SEC(".maps");

/* Scratch entry: too big to build on the 512-byte stack comfortably. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct proctop_entry);
} scratch SEC(".maps");

static __always_inline struct proctop_entry *entry_of(struct task_struct_user *t)
{
	struct proctop_entry *e, *init;
	__s32 pid = uz_task_pid(t);
	__u32 zero = 0;

	e = bpf_map_lookup_elem(&tasks, &pid);
	if (e)
		return e;
	init = bpf_map_lookup_elem(&scratch, &zero);
	if (!init)
		return 0;
	__builtin_memset(init, 0, sizeof(*init));
	init->pid = pid;
	bpf_map_update_elem(&tasks, &pid, init, BPF_NOEXIST);
	return bpf_map_lookup_elem(&tasks, &pid);
}

/* Identity fields: refreshed on every event (exec and setuid change them). */
static __always_inline void fill(struct proctop_entry *e, struct task_struct_user *t)
{
	e->tgid = uz_task_tgid(t);
	e->ppid = uz_task_ppid(t);
	e->uid = uz_task_uid(t);
	e->gid = uz_task_gid(t);
	e->prio = (__s32)UZ_READ_INT(t, prio);
	e->start_time_ns = uz_task_start_time_ns(t);
	uz_task_comm(t, e->comm);
}

/* sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, ...) */
SEC("raw_tracepoint/sched_switch")
int proctop_switch(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct_user *prev = (struct task_struct_user *)UZ_RAW_ARG(ctx, 1);
	struct task_struct_user *next = (struct task_struct_user *)UZ_RAW_ARG(ctx, 2);
	struct proctop_entry *e;
	__u32 state;

	e = entry_of(prev);
	if (e) {
		state = uz_task_state(prev);
		fill(e, prev);
		e->last_state = state;
		/* A task is switched out on one CPU at a time: no atomics. */
		e->state_mask |= state;
		e->switch_out++;
		if (state & UZ_TASK_INTERRUPTIBLE)
			e->sleeps++;
	}
	e = entry_of(next);
	if (e) {
		fill(e, next);
		e->switch_in++;
	}
	return 0;
}
