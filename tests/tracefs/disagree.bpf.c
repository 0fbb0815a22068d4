// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/tracefs/disagree.bpf.c: views whose events disagree. On 6.18
 * sched_process_exit has its own class (comm[16], pid at 24, group_dead),
 * sched_process_free is of class sched_process_template (__data_loc comm,
 * pid at 12, no group_dead): relocating either read against those events'
 * formats must fail naming both events.
 */
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

struct tp_exit_free_user {
	int pid;
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_process_template")
  UZ_TRACEPOINT("sched/sched_process_exit") UZ_TRACEPOINT("sched/sched_process_free");

struct tp_dead_user {
	_Bool group_dead;
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_process_template")
  UZ_TRACEPOINT("sched/sched_process_exit") UZ_TRACEPOINT("sched/sched_process_free");


SEC("tracepoint/sched/sched_process_exit")
int offsets(struct tp_exit_free_user *ctx)
{
	return (int)UZ_READ_INT(ctx, pid);
}

SEC("tracepoint/sched/sched_process_exit")
int missing_field(struct tp_dead_user *ctx)
{
	return (int)UZ_READ_INT(ctx, group_dead);
}
