// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/tpfork.bpf.c: a tracepoint-only program. On
 * sched:sched_process_fork by the configured parent it records the
 * parent and child pids the record holds. It reads nothing but the
 * tracepoint record, so it relocates against tracefs formats alone.
 */
#include <userize/bpf/tp.h>
#include "tpfork.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tpfork_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tpfork_result);
} result SEC(".maps");

SEC("tracepoint/sched/sched_process_fork")
int tpfork(struct trace_event_raw_sched_process_fork_user *ctx)
{
	struct tpfork_config *cfg;
	struct tpfork_result *res;
	__u32 zero = 0, parent;

	cfg = bpf_map_lookup_elem(&config, &zero);
	res = bpf_map_lookup_elem(&result, &zero);
	if (!cfg || !res || !cfg->enabled)
		return 0;
	parent = (__u32)UZ_READ_INT(ctx, parent_pid);
	if (parent != cfg->parent)
		return 0;
	res->parent_pid = parent;
	res->child_pid = (__u32)UZ_READ_INT(ctx, child_pid);
	__sync_fetch_and_add(&res->hits, 1);
	return 0;
}
