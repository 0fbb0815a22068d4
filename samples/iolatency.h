/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* samples/iolatency.h: types shared by iolatency.bpf.c and its runner. */
#ifndef UZ_SAMPLE_IOLATENCY_H
#define UZ_SAMPLE_IOLATENCY_H

#include <linux/types.h>

/* Slot s counts latencies l (microseconds) with 2^(s-1) <= l < 2^s. */
#define IOLAT_SLOTS 32
#define IOLAT_DISK_LEN 32

struct iolat_config {
	__u64 sector_lo;	/* count only requests starting in [lo, hi) */
	__u64 sector_hi;	/* 0 = no sector filter */
	__u32 enabled;		/* nothing is counted until the runner sets 1 */
	__u32 pad;
};

struct iolat_key {
	char disk[IOLAT_DISK_LEN];
};

struct iolat_stats {
	__u64 count;
	__u64 reads;
	__u64 writes;
	__u64 bytes;
	__u64 lat_sum_ns;
	__u64 lat_min_ns;
	__u64 lat_max_ns;
	__u64 slots[IOLAT_SLOTS];
	/* requests whose first bio names the same disk as the request
	 * (uz_bio_disk(): bio->bi_disk before 5.12, bio->bi_bdev->bd_disk) */
	__u64 bio_disk_same;
};

#endif
