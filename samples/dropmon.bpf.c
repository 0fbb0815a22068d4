// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/dropmon.bpf.c: count skb drops (skb:kfree_skb) by freeing
 * location and drop reason, written against the tracepoint and sk_buff views.
 */
#include <userize/bpf/net.h>
#include <userize/bpf/tp.h>
#include "dropmon.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dropmon_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct dropmon_key);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DROPMON_TOTAL_MAX);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

static __always_inline void total_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&totals, &idx);

	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("tracepoint/skb/kfree_skb")
int dropmon(struct trace_event_raw_kfree_skb_user *ctx)
{
	struct sk_buff_user *skb = ctx->skbaddr;
	struct dropmon_key key = {};
	struct dropmon_config *cfg;
	__u32 zero = 0, len;
	__u64 one = 1, *cnt;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || !cfg->enabled)
		return 0;
	len = uz_skb_len(skb);
	if (cfg->match_len && len != cfg->match_len)
		return 0;

	key.location = (__u64)ctx->location;
	if (bpf_core_field_exists(ctx->reason))
		key.reason = ctx->reason;
	cnt = bpf_map_lookup_elem(&drops, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&drops, &key, &one, BPF_NOEXIST);

	total_add(DROPMON_DROPS, 1);
	total_add(DROPMON_BYTES, len);
	if (bpf_core_enum_value_exists(enum skb_drop_reason___uz, SKB_DROP_REASON_NO_SOCKET___uz) &&
	    key.reason == bpf_core_enum_value(enum skb_drop_reason___uz, SKB_DROP_REASON_NO_SOCKET___uz))
		total_add(DROPMON_NO_SOCKET, 1);
	return 0;
}
