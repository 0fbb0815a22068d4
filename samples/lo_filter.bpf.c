// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/lo_filter.bpf.c: on net:netif_receive_skb keep only packets whose
 * device is named "lo" (skb->dev->name through the views) and count them;
 * everything else is counted as filtered out.
 */
#include <userize/bpf/net.h>
#include <userize/bpf/tp.h>
#include "lo_filter.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lo_filter_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LO_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void stat_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("tracepoint/net/netif_receive_skb")
int lo_filter(struct trace_event_raw_net_dev_template_user *ctx)
{
	struct sk_buff_user *skb = ctx->skbaddr;
	struct lo_filter_config *cfg;
	char name[UZ_IFNAMSIZ] = {};
	__u32 zero = 0, len;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || !cfg->enabled)
		return 0;
	len = uz_skb_len(skb);
	if (cfg->match_len && len != cfg->match_len)
		return 0;
	uz_skb_dev_name(skb, name);
	if (name[0] == 'l' && name[1] == 'o' && name[2] == 0) {
		stat_add(LO_PACKETS, 1);
		stat_add(LO_BYTES, len);
	} else {
		stat_add(OTHER_PACKETS, 1);
		stat_add(OTHER_BYTES, len);
	}
	return 0;
}
