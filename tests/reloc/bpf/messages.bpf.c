// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * messages.bpf.c: records whose failures have messages a user must be able
 * to act on. `struct workspace` has four unrelated definitions in a 6.18
 * vmlinux (compression workspaces); reading ->buf is ambiguous there. The
 * flavored struct exists in no kernel.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct workspace {
	void *buf;
} __attribute__((preserve_access_index));

struct uz_no_such_struct___v510 {
	int field;
} __attribute__((preserve_access_index));

__u64 out[2];

SEC("raw_tracepoint/sched_switch")
int messages(struct bpf_raw_tracepoint_args *ctx)
{
	struct workspace *w = (void *)ctx->args[0];
	struct uz_no_such_struct___v510 *n = (void *)ctx->args[1];

	out[0] = (__u64)BPF_CORE_READ(w, buf);
	out[1] = BPF_CORE_READ(n, field);
	return 0;
}
