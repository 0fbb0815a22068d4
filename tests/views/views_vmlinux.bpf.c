// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/views/views_vmlinux.bpf.c: a program that includes a bpftool
 * vmlinux.h first and every view header after it, as libbpf-tools-style
 * programs do. Compiled at test time by test_views_vmlinux_h (the vmlinux.h
 * is generated there from the kernel under test).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <userize/bpf/block.h>
#include <userize/bpf/fs.h>
#include <userize/bpf/net.h>
#include <userize/bpf/task.h>
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out_reason;
__u64 out_pid;

SEC("raw_tracepoint/sched_switch")
int views_vmlinux(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct_user *prev = (void *)UZ_RAW_ARG(ctx, 1);

	if (bpf_core_enum_value_exists(enum skb_drop_reason___uz, SKB_DROP_REASON_NO_SOCKET___uz))
		out_reason = bpf_core_enum_value(enum skb_drop_reason___uz,
						 SKB_DROP_REASON_NO_SOCKET___uz);
	out_pid = uz_task_pid(prev);
	return 0;
}
