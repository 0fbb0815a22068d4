// SPDX-License-Identifier: GPL-2.0
/*
 * Object for the guarded-read policy of `userize matrix`: a read of a field
 * no target has, behind an existence check of the same field (same root
 * type, same access spec), as the uapi helpers write it. On every target
 * the read is poisoned and the check answers 0: "G", exit 0 (1 with
 * --strict).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int nosuch;
} __attribute__((preserve_access_index));

int seen_pid, seen_nosuch;

SEC("raw_tracepoint/sched_switch")
int guarded_prog(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_pid = BPF_CORE_READ(t, pid);
	if (bpf_core_field_exists(t->nosuch))
		seen_nosuch = BPF_CORE_READ(t, nosuch);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
