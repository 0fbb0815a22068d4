/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uapi/userize/bpf/tp.h: views of classic tracepoint contexts (the records a
 * "tracepoint/..." program receives) whose layout the samples use, plus the
 * raw tracepoint argument accessor. Tracepoint records change between
 * kernels (kfree_skb gained "reason" in 5.17 and "rx_sk" in 6.12), so they
 * are relocated like any other view.
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
} UZ_VIEW UZ_KERNEL("trace_event_raw_kfree_skb");

/* net:netif_receive_skb, net:net_dev_queue, ... */
struct trace_event_raw_net_dev_template_user {
	void *skbaddr;
	unsigned int len;
} UZ_VIEW UZ_KERNEL("trace_event_raw_net_dev_template");

/* syscalls:sys_enter_* */
struct syscall_trace_enter_user {
	int nr;
	unsigned long args[6];
} UZ_VIEW UZ_KERNEL("syscall_trace_enter");

/* syscalls:sys_exit_* */
struct syscall_trace_exit_user {
	int nr;
	long ret;
} UZ_VIEW UZ_KERNEL("syscall_trace_exit");

/* Argument @i of a raw tracepoint (the traced kernel function's argument). */
#define UZ_RAW_ARG(ctx, i) (((struct bpf_raw_tracepoint_args *)(ctx))->args[i])

#endif /* __USERIZE_TP_H */
