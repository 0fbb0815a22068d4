// SPDX-License-Identifier: GPL-2.0
/*
 * Object for the guarded reads of `userize matrix`: reads of fields no
 * target has, each in code that an existence check makes dead on every
 * target: a check of the same field, of a different field the target has
 * (the fallback shape of uz_inode_mtime_sec()), of a type and of an enum
 * value the target lacks. Each read is poisoned, the program's own control
 * flow makes it dead: "G", exit 0 (1 with --strict).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int nosuch;
	int nosuch2;
	int nosuch3;
	int nosuch4;
} __attribute__((preserve_access_index));

struct nosuch_type {
	int x;
};

enum nosuch_enum {
	NOSUCH_VAL = 1,
};

int seen_pid, seen_nosuch, seen2, seen3, seen4;

SEC("raw_tracepoint/sched_switch")
int guarded_prog(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_pid = BPF_CORE_READ(t, pid);
	if (bpf_core_field_exists(t->nosuch))
		seen_nosuch = BPF_CORE_READ(t, nosuch);
	if (bpf_core_field_exists(t->pid))
		seen2 = 1;
	else
		seen2 = BPF_CORE_READ(t, nosuch2);
	if (bpf_core_type_exists(struct nosuch_type))
		seen3 = BPF_CORE_READ(t, nosuch3);
	if (bpf_core_enum_value_exists(enum nosuch_enum, NOSUCH_VAL))
		seen4 = BPF_CORE_READ(t, nosuch4);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
