// SPDX-License-Identifier: GPL-2.0
/*
 * Object for the matrix unit tests: plain CO-RE reads of task_struct pid and
 * tgid, plus an existence check of a field no target has (a "-" cell that
 * still counts as resolved).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	int nosuch;
} __attribute__((preserve_access_index));

int seen_pid, seen_tgid, has_nosuch;

SEC("raw_tracepoint/sched_switch")
int matrix_prog(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_pid = BPF_CORE_READ(t, pid);
	seen_tgid = BPF_CORE_READ(t, tgid);
	has_nosuch = bpf_core_field_exists(t->nosuch);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
