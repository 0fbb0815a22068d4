/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* samples/proctop.h: types shared by proctop.bpf.c and its runner. */
#ifndef UZ_SAMPLE_PROCTOP_H
#define UZ_SAMPLE_PROCTOP_H

#include <linux/types.h>

#define PROCTOP_COMM_LEN 16

/* Kernel task state bits beyond the UZ_TASK_* ones (same since 4.14). */
#define UZ_STATE_NOLOAD		0x0400
#define UZ_STATE_IDLE		(0x0002 | UZ_STATE_NOLOAD)	/* TASK_IDLE */
#define UZ_STATE_RTLOCK_WAIT	0x1000

/* Per task (thread) id, everything read through task_struct_user. */
struct proctop_entry {
	__s32 pid;
	__s32 tgid;
	__s32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 last_state;	/* state when last switched out */
	__u32 state_mask;	/* OR of every state seen at switch-out */
	__s32 prio;
	__u64 start_time_ns;	/* CLOCK_MONOTONIC */
	__u64 switch_in;
	__u64 switch_out;
	__u64 sleeps;		/* switched out with TASK_INTERRUPTIBLE set */
	char comm[PROCTOP_COMM_LEN];
};

#endif
