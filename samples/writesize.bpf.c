// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/writesize.bpf.c: log2 histogram of write() sizes from the
 * syscalls:sys_enter_write tracepoint, read through the syscall context view.
 */
#include <userize/bpf/tp.h>
#include "writesize.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct writesize_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WRITESIZE_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WRITESIZE_TOTAL_MAX);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

/* Number of significant bits of @v: 0 for 0, 1 for 1, 2 for 2..3, ... */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 s = 0;

	if (v >> 32) { s += 32; v >>= 32; }
	if (v >> 16) { s += 16; v >>= 16; }
	if (v >> 8) { s += 8; v >>= 8; }
	if (v >> 4) { s += 4; v >>= 4; }
	if (v >> 2) { s += 2; v >>= 2; }
	if (v >> 1) { s += 1; v >>= 1; }
	return s + (__u32)v;
}

static __always_inline void add(void *map, __u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(map, &idx);

	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("tracepoint/syscalls/sys_enter_write")
int writesize(struct syscall_trace_enter_user *ctx)
{
	struct writesize_config *cfg;
	__u32 zero = 0;
	__u64 count;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || !cfg->enabled)
		return 0;
	if (cfg->tgid && (bpf_get_current_pid_tgid() >> 32) != cfg->tgid)
		return 0;
	count = ctx->args[2];
	add(&hist, log2_slot(count) & (WRITESIZE_SLOTS - 1), 1);
	add(&totals, WRITESIZE_CALLS, 1);
	add(&totals, WRITESIZE_BYTES, count);
	return 0;
}
