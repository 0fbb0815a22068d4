// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * module.bpf.c: reads a struct that only a kernel module defines (xfs's
 * xfs_mount), so it relocates only against that module's split BTF.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct xfs_mount {
	void *m_super;
} __attribute__((preserve_access_index));

__u64 out;

SEC("raw_tracepoint/sched_switch")
int module_read(struct bpf_raw_tracepoint_args *ctx)
{
	struct xfs_mount *mp = (void *)ctx->args[0];

	out = (__u64)BPF_CORE_READ(mp, m_super);
	return 0;
}
