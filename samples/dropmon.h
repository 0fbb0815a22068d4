/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* samples/dropmon.h: types shared by dropmon.bpf.c and its runner. */
#ifndef UZ_SAMPLE_DROPMON_H
#define UZ_SAMPLE_DROPMON_H

#include <linux/types.h>

struct dropmon_config {
	__u32 match_len;	/* count only skbs of this length; 0 = all */
	__u32 enabled;		/* nothing is counted until the runner sets 1 */
};

struct dropmon_key {
	__u64 location;		/* kernel address that freed the skb */
	__u32 reason;		/* enum skb_drop_reason, 0 before 5.17 */
	__u32 pad;
};

enum dropmon_total {
	DROPMON_DROPS,		/* every counted drop */
	DROPMON_NO_SOCKET,	/* reason SKB_DROP_REASON_NO_SOCKET */
	DROPMON_BYTES,		/* sum of skb->len */
	DROPMON_TOTAL_MAX,
};

#endif
