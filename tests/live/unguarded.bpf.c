// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/live/unguarded.bpf.c: a deliberately wrong program that reads
 * request_user.rq_disk (absent since 5.19) without a UZ_HAS() guard. The
 * relocation poisons the read; the verifier must reject it and the runner
 * must name the field. Used by live_report.c only.
 */
#include <userize/bpf/block.h>
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tracepoint/block_rq_issue")
int unguarded(struct bpf_raw_tracepoint_args *ctx)
{
	struct request_user *rq = (struct request_user *)UZ_RAW_ARG(ctx, 0);

	return UZ_READ_PTR(rq, rq_disk) != 0;
}
