// SPDX-License-Identifier: GPL-2.0
/*
 * tests/live/dead_guards.bpf.c: one program per section, each reading a
 * field no kernel has (task_struct.uzt_nosuch) under a different guard, for
 * the dead-code test against the verifier (live_dead.c). Dead on every
 * kernel: a check of the same field, of a different field the kernel has
 * (the fallback shape of uz_inode_mtime_sec()), of a type and of an enum
 * value the kernel lacks, a check inverted through arithmetic and a 32-bit
 * compare. Reachable: a check of a field the kernel has, and no check.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___uzt {
	int pid;
	int uzt_nosuch;
} __attribute__((preserve_access_index));

struct uzt_nosuch_type {
	int x;
};

enum bpf_func_id___uzt {
	UZT_NOSUCH_FUNC = 1,
};

int seen;

static __always_inline struct task_struct___uzt *task(void)
{
	return (void *)bpf_get_current_task();
}

SEC("raw_tracepoint/dead_same_field")
int dead_same_field(void *ctx)
{
	struct task_struct___uzt *t = task();

	if (bpf_core_field_exists(t->uzt_nosuch))
		seen = BPF_CORE_READ(t, uzt_nosuch);
	return 0;
}

SEC("raw_tracepoint/dead_other_field")
int dead_other_field(void *ctx)
{
	struct task_struct___uzt *t = task();

	if (bpf_core_field_exists(t->pid))
		seen = BPF_CORE_READ(t, pid);
	else
		seen = BPF_CORE_READ(t, uzt_nosuch);
	return 0;
}

SEC("raw_tracepoint/dead_type_exists")
int dead_type_exists(void *ctx)
{
	if (bpf_core_type_exists(struct uzt_nosuch_type))
		seen = BPF_CORE_READ(task(), uzt_nosuch);
	return 0;
}

SEC("raw_tracepoint/dead_enumval_exists")
int dead_enumval_exists(void *ctx)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id___uzt, UZT_NOSUCH_FUNC))
		seen = BPF_CORE_READ(task(), uzt_nosuch);
	return 0;
}

SEC("raw_tracepoint/dead_arith")
int dead_arith(void *ctx)
{
	/* (exists * 3 + 5) ^ 5 is 0 when the field is absent */
	volatile int k = 0;
	unsigned int v = (bpf_core_field_exists(task()->uzt_nosuch) * 3 + 5) ^ 5;

	(void)k;
	if ((v & 0xff) != 0)
		seen = BPF_CORE_READ(task(), uzt_nosuch);
	return 0;
}

SEC("raw_tracepoint/live_other_field")
int live_other_field(void *ctx)
{
	struct task_struct___uzt *t = task();

	if (bpf_core_field_exists(t->pid))
		seen = BPF_CORE_READ(t, uzt_nosuch);
	return 0;
}

SEC("raw_tracepoint/live_unguarded")
int live_unguarded(void *ctx)
{
	seen = BPF_CORE_READ(task(), uzt_nosuch);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
