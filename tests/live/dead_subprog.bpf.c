// SPDX-License-Identifier: GPL-2.0
/*
 * tests/live/dead_subprog.bpf.c: the read of a field no kernel has sits in
 * a static subprogram (in .text, called with a bpf-to-bpf call). Built
 * twice: with UZT_CALL_LIVE=0 the only call is behind an existence check of
 * that field (the subprogram is dead code), with 1 behind a check of a
 * field every kernel has (reachable).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___uzt {
	int pid;
	int uzt_nosuch;
} __attribute__((preserve_access_index));

int seen;

static __noinline int read_nosuch(struct task_struct___uzt *t)
{
	return BPF_CORE_READ(t, uzt_nosuch);
}

SEC("raw_tracepoint/subprog")
int subprog(void *ctx)
{
	struct task_struct___uzt *t = (void *)bpf_get_current_task();

#if UZT_CALL_LIVE
	if (bpf_core_field_exists(t->pid))
#else
	if (bpf_core_field_exists(t->uzt_nosuch))
#endif
		seen = read_nosuch(t);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
