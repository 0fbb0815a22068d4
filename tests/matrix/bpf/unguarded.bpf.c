// SPDX-License-Identifier: GPL-2.0
/*
 * Object for the guarded reads of `userize matrix`: two poisoned reads that
 * the program reaches: one with no existence check at all, one behind a
 * check of a field the target has (pid), so the check answers 1 and the
 * read of nosuch runs. Both stay "P" and the matrix exits 1.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int nosuch;
	int nosuch3;
} __attribute__((preserve_access_index));

int seen_pid, seen_nosuch, seen_nosuch3;

SEC("raw_tracepoint/sched_switch")
int unguarded_prog(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_pid = BPF_CORE_READ(t, pid);
	if (bpf_core_field_exists(t->pid))
		seen_nosuch = BPF_CORE_READ(t, nosuch);
	seen_nosuch3 = BPF_CORE_READ(t, nosuch3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
