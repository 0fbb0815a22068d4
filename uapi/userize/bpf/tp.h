/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uapi/userize/bpf/tp.h: views of classic tracepoint contexts (the records a
 * "tracepoint/..." program receives) whose layout the samples use, plus the
 * raw tracepoint argument accessor. Tracepoint records change between
 * kernels (kfree_skb gained "reason" in 5.17 and "rx_sk" in 6.12), so they
 * are relocated like any other view. Each view names its events with
 * UZ_TRACEPOINT(): where the kernel has neither BTF nor debug info, the
 * record comes from the events' tracefs format files (all the events a
 * view names must agree on the fields a program reads).
 *
 * Dynamic strings (__string() in the kernel) are "u32 __data_loc_NAME":
 * the low 16 bits are the offset of the bytes in the record, the high 16
 * bits their length (UZ_DATA_LOC_OFF/LEN below).
 */
#ifndef __USERIZE_TP_H
#define __USERIZE_TP_H

#include "view.h"

/*
 * enum skb_drop_reason (since 5.17). The "___uz" flavor suffix is dropped
 * when matching, so this names the kernel's enum; values are relocated with
 * bpf_core_enum_value() and only the ones used are listed here.
 */
enum skb_drop_reason___uz {
	SKB_DROP_REASON_NOT_SPECIFIED___uz = 2,
	SKB_DROP_REASON_NO_SOCKET___uz = 3,
};

/* skb:kfree_skb */
struct trace_event_raw_kfree_skb_user {
	void *skbaddr;
	void *location;
	unsigned short protocol;
	enum skb_drop_reason___uz reason;	/* since 5.17 */
} UZ_VIEW UZ_KERNEL("trace_event_raw_kfree_skb") UZ_TRACEPOINT("skb/kfree_skb");

/* net:netif_receive_skb, net:net_dev_queue, ... */
struct trace_event_raw_net_dev_template_user {
	void *skbaddr;
	unsigned int len;
} UZ_VIEW UZ_KERNEL("trace_event_raw_net_dev_template")
  UZ_TRACEPOINT("net/netif_receive_skb") UZ_TRACEPOINT("net/net_dev_queue");

/*
 * syscalls:sys_enter_* (sys_enter_write: args[0] fd, args[1] buf, args[2]
 * count; sys_enter_openat: dfd, filename, flags, mode). Every per-syscall
 * event's record is the kernel's struct syscall_trace_enter, whatever its
 * format file calls the arguments, so one view serves them all: a tracefs
 * target builds args[] from the format's argument fields (each an
 * unsigned long slot).
 */
struct syscall_trace_enter_user {
	int nr;
	unsigned long args[6];
} UZ_VIEW UZ_KERNEL("syscall_trace_enter")
  UZ_TRACEPOINT("syscalls/sys_enter_write") UZ_TRACEPOINT("syscalls/sys_enter_openat");

/* syscalls:sys_exit_* */
struct syscall_trace_exit_user {
	int nr;
	long ret;
} UZ_VIEW UZ_KERNEL("syscall_trace_exit")
  UZ_TRACEPOINT("syscalls/sys_exit_write") UZ_TRACEPOINT("syscalls/sys_exit_openat");

/* sched:sched_switch */
struct trace_event_raw_sched_switch_user {
	char prev_comm[16];
	int prev_pid;
	int prev_prio;
	long prev_state;
	char next_comm[16];
	int next_pid;
	int next_prio;
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_switch") UZ_TRACEPOINT("sched/sched_switch");

/*
 * sched:sched_process_fork. The comms are char[16] up to 6.x and
 * __data_loc strings on newer kernels (6.18: parent_pid at 12, not 24):
 * check UZ_HAS() before reading either form.
 */
struct trace_event_raw_sched_process_fork_user {
	char parent_comm[16];
	unsigned int __data_loc_parent_comm;
	int parent_pid;
	char child_comm[16];
	unsigned int __data_loc_child_comm;
	int child_pid;
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_process_fork") UZ_TRACEPOINT("sched/sched_process_fork");

/* sched:sched_process_exec (filename is a __data_loc string) */
struct trace_event_raw_sched_process_exec_user {
	unsigned int __data_loc_filename;
	int pid;
	int old_pid;
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_process_exec") UZ_TRACEPOINT("sched/sched_process_exec");

/* sched:sched_process_exit: its own class on newer kernels (6.18 has
 * group_dead), an event of sched_process_template on older ones (6.1). */
struct trace_event_raw_sched_process_exit_user {
	char comm[16];
	int pid;
	int prio;
	_Bool group_dead;			/* newer kernels only */
} UZ_VIEW UZ_KERNEL("trace_event_raw_sched_process_exit")
  UZ_KERNEL("trace_event_raw_sched_process_template") UZ_TRACEPOINT("sched/sched_process_exit");

/* block:block_rq_issue (and the other events of class block_rq) */
struct trace_event_raw_block_rq_user {
	unsigned int dev;
	unsigned long long sector;
	unsigned int nr_sector;
	unsigned int bytes;
} UZ_VIEW UZ_KERNEL("trace_event_raw_block_rq") UZ_TRACEPOINT("block/block_rq_issue");

/* block:block_rq_complete: class block_rq_completion (6.x), its own class on older kernels */
struct trace_event_raw_block_rq_completion_user {
	unsigned int dev;
	unsigned long long sector;
	unsigned int nr_sector;
	int error;
} UZ_VIEW UZ_KERNEL("trace_event_raw_block_rq_completion")
  UZ_KERNEL("trace_event_raw_block_rq_complete") UZ_TRACEPOINT("block/block_rq_complete");

/* Offset and length of a __data_loc value's bytes in the record. */
#define UZ_DATA_LOC_OFF(v) ((v) & 0xffff)
#define UZ_DATA_LOC_LEN(v) ((v) >> 16)

/* Argument @i of a raw tracepoint (the traced kernel function's argument). */
#define UZ_RAW_ARG(ctx, i) (((struct bpf_raw_tracepoint_args *)(ctx))->args[i])

#endif /* __USERIZE_TP_H */
