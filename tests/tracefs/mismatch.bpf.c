// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/tracefs/mismatch.bpf.c: views of sched/sched_switch that disagree
 * with its format file, one way each: a field the format lacks, a signed
 * field read at another width (which no load can adjust), a field of
 * another kind (an int where the format has char[16]). Every one is a
 * poisoned instruction whose message names the format file and the line
 * of the field.
 */
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

struct tp_switch_gone_user {
	int prev_cpu;                 /* no such field */
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_switch") UZ_TRACEPOINT("sched/sched_switch");

struct tp_switch_wide_user {
	long prev_pid;                /* the format: 4 bytes, signed */
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_switch") UZ_TRACEPOINT("sched/sched_switch");

struct tp_switch_kind_user {
	int next_comm;                /* the format: char next_comm[16] */
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_switch") UZ_TRACEPOINT("sched/sched_switch");

enum color { COLOR_GREEN = 2 };

SEC("tracepoint/sched/sched_switch")
int missing_enumerator(void *ctx)
{
	return (int)bpf_core_enum_value(enum color, COLOR_GREEN);
}

SEC("tracepoint/sched/sched_switch")
int missing_field(struct tp_switch_gone_user *ctx)
{
	return ctx->prev_cpu;
}

SEC("tracepoint/sched/sched_switch")
int size_mismatch(struct tp_switch_wide_user *ctx)
{
	return (int)ctx->prev_pid;
}

SEC("tracepoint/sched/sched_switch")
int type_mismatch(struct tp_switch_kind_user *ctx)
{
	return ctx->next_comm;
}
