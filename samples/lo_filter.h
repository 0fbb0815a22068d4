/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* samples/lo_filter.h: types shared by lo_filter.bpf.c and its runner. */
#ifndef UZ_SAMPLE_LO_FILTER_H
#define UZ_SAMPLE_LO_FILTER_H

#include <linux/types.h>

struct lo_filter_config {
	__u32 match_len;	/* consider only skbs of this length; 0 = all */
	__u32 enabled;		/* nothing is counted until the runner sets 1 */
};

enum lo_filter_stat {
	LO_PACKETS,		/* received on a device named "lo" */
	LO_BYTES,
	OTHER_PACKETS,		/* seen and filtered out */
	OTHER_BYTES,
	LO_STAT_MAX,
};

#endif
