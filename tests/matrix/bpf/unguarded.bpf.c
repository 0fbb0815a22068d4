// SPDX-License-Identifier: GPL-2.0
/*
 * Object for the guarded-read policy of `userize matrix`: two poisoned
 * reads that are NOT guarded by spec: one with no existence check at all,
 * one whose check tests a different field (nosuch2) than the one it reads
 * (nosuch). Both stay "P" and the matrix exits 1.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int nosuch;
	int nosuch2;
	int nosuch3;
} __attribute__((preserve_access_index));

int seen_pid, seen_nosuch, seen_nosuch3;

SEC("raw_tracepoint/sched_switch")
int unguarded_prog(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_pid = BPF_CORE_READ(t, pid);
	if (bpf_core_field_exists(t->nosuch2))
		seen_nosuch = BPF_CORE_READ(t, nosuch);
	seen_nosuch3 = BPF_CORE_READ(t, nosuch3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
