// SPDX-License-Identifier: GPL-2.0
/*
 * Two programs in one section (libbpf loads each on its own): the first
 * reads a field no target has behind a check of it (dead code), the
 * second reads it unguarded (reachable). The reachability pass must start
 * at every function symbol of the section, not only at its first
 * instruction.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int nosuch;
} __attribute__((preserve_access_index));

int seen;

SEC("raw_tracepoint/sched_switch")
int first(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if (bpf_core_field_exists(t->nosuch))
		seen = BPF_CORE_READ(t, nosuch);
	return 0;
}

SEC("raw_tracepoint/sched_switch")
int second(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen = BPF_CORE_READ(t, nosuch);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
