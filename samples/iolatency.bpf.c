// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/iolatency.bpf.c: block request latency from issue
 * (raw_tracepoint block_rq_issue) to completion (block_rq_complete), per
 * disk, with the disk name and request fields read through the block views.
 */
#include <userize/bpf/block.h>
#include <userize/bpf/tp.h>
#include "iolatency.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iolat_config);
} config SEC(".maps");

struct start {
	__u64 ts;
	__u32 bytes;
	__u32 op;
	__u32 bio_same;	/* the request's first bio is for the same disk */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct start);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct iolat_key);
	__type(value, struct iolat_stats);
} disks SEC(".maps");

static __always_inline int same_name(const char *a, const char *b)
{
	int i;

	for (i = 0; i < UZ_DISK_NAME_LEN; i++) {
		if (a[i] != b[i])
			return 0;
		if (!a[i])
			return 1;
	}
	return 1;
}

/* The disk as the request names it and as its first bio names it agree. */
static __always_inline __u32 bio_same_disk(struct request_user *rq)
{
	char rq_name[UZ_DISK_NAME_LEN] = {}, bio_name[UZ_DISK_NAME_LEN] = {};
	struct bio_user *bio = UZ_READ_PTR(rq, bio);

	if (!bio)
		return 0;
	uz_rq_disk_name(rq, rq_name);
	uz_disk_name(uz_bio_disk(bio), bio_name);
	return rq_name[0] && same_name(rq_name, bio_name);
}

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

SEC("raw_tracepoint/block_rq_issue")
int iolat_issue(struct bpf_raw_tracepoint_args *ctx)
{
	struct request_user *rq = (struct request_user *)UZ_RAW_ARG(ctx, 0);
	struct iolat_config *cfg;
	struct start st = {};
	__u64 key = (__u64)rq, sector;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || !cfg->enabled)
		return 0;
	st.bytes = uz_rq_bytes(rq);
	if (!st.bytes)
		return 0;	/* flushes and other data-less requests */
	if (cfg->sector_hi) {
		sector = uz_rq_sector(rq);
		if (sector < cfg->sector_lo || sector >= cfg->sector_hi)
			return 0;
	}
	st.op = uz_rq_op(rq);
	st.bio_same = bio_same_disk(rq);
	st.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&inflight, &key, &st, BPF_ANY);
	return 0;
}

SEC("raw_tracepoint/block_rq_complete")
int iolat_complete(struct bpf_raw_tracepoint_args *ctx)
{
	struct request_user *rq = (struct request_user *)UZ_RAW_ARG(ctx, 0);
	struct iolat_stats *s, init = {};
	struct iolat_key dk = {};
	__u64 key = (__u64)rq, lat;
	struct start *st;

	st = bpf_map_lookup_elem(&inflight, &key);
	if (!st)
		return 0;
	lat = bpf_ktime_get_ns() - st->ts;
	uz_rq_disk_name(rq, dk.disk);
	s = bpf_map_lookup_elem(&disks, &dk);
	if (!s) {
		init.lat_min_ns = ~0ULL;
		bpf_map_update_elem(&disks, &dk, &init, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&disks, &dk);
		if (!s)
			goto out;
	}
	__sync_fetch_and_add(&s->count, 1);
	if (st->op == UZ_REQ_OP_READ)
		__sync_fetch_and_add(&s->reads, 1);
	else if (st->op == UZ_REQ_OP_WRITE)
		__sync_fetch_and_add(&s->writes, 1);
	__sync_fetch_and_add(&s->bytes, st->bytes);
	if (st->bio_same)
		__sync_fetch_and_add(&s->bio_disk_same, 1);
	__sync_fetch_and_add(&s->lat_sum_ns, lat);
	if (lat < s->lat_min_ns)
		s->lat_min_ns = lat;
	if (lat > s->lat_max_ns)
		s->lat_max_ns = lat;
	__sync_fetch_and_add(&s->slots[log2_slot(lat / 1000) & (IOLAT_SLOTS - 1)], 1);
out:
	bpf_map_delete_elem(&inflight, &key);
	return 0;
}
