/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* samples/writesize.h: types shared by writesize.bpf.c and its runner. */
#ifndef UZ_SAMPLE_WRITESIZE_H
#define UZ_SAMPLE_WRITESIZE_H

#include <linux/types.h>

/* Slot s counts sizes n with 2^(s-1) <= n < 2^s; slot 0 counts n == 0. */
#define WRITESIZE_SLOTS 64

struct writesize_config {
	__u32 tgid;		/* only this process; 0 = all */
	__u32 enabled;		/* nothing is counted until the runner sets 1 */
};

enum writesize_total {
	WRITESIZE_CALLS,
	WRITESIZE_BYTES,
	WRITESIZE_TOTAL_MAX,
};

#endif
