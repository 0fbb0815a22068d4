// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// prog.bpf.c: on every fork, remember the child's parent (tgid), read
// through the userize views (task_struct_user): one object per byte order.
#include <userize/bpf/task.h>
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __s32);
	__type(value, __s32);
} parents SEC(".maps");

/* sched_process_fork(struct task_struct *parent, struct task_struct *child) */
SEC("raw_tracepoint/sched_process_fork")
int on_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct_user *child = (void *)UZ_RAW_ARG(ctx, 1);
	__s32 pid = uz_task_pid(child), ppid = uz_task_ppid(child);

	bpf_map_update_elem(&parents, &pid, &ppid, BPF_ANY);
	return 0;
}
