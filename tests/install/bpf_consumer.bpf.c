// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/install/bpf_consumer.bpf.c: a BPF program built against the
 * installed BPF-side headers only (-I from pkg-config's bpf_includedir),
 * every view header included, beside the host C API's header directory.
 */
#include <userize/bpf/block.h>
#include <userize/bpf/fs.h>
#include <userize/bpf/net.h>
#include <userize/bpf/task.h>
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tracepoint/sched_switch")
int consumer(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct_user *prev = (void *)UZ_RAW_ARG(ctx, 1);

	return uz_task_pid(prev) > 0;
}
