// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tests/tracefs/missing.bpf.c: a view naming an event no kernel has. */
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

struct tp_missing_user {
	int pid;
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_process_template")
  UZ_TRACEPOINT("sched/no_such_event");

SEC("tracepoint/sched/sched_process_exit")
int missing_event(struct tp_missing_user *ctx)
{
	return (int)UZ_READ_INT(ctx, pid);
}
