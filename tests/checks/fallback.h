/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tests/checks/fallback.h: types shared by fallback.bpf.c and its check. */
#ifndef UZ_CHECK_FALLBACK_H
#define UZ_CHECK_FALLBACK_H

#include <linux/types.h>

enum fallback_path {
	FALLBACK_PATH_NONE = 0,
	FALLBACK_PATH_DIRECT = 1,	/* inode.i_mtime_sec (6.11+) */
	FALLBACK_PATH_OLD = 2,		/* inode.i_mtime / __i_mtime (timespec64) */
};

struct fallback_config {
	__u32 tgid;		/* the writing process */
	__u32 fd;		/* the descriptor it writes to */
	__u32 enabled;
	__u32 pad;
};

struct fallback_result {
	__u32 path;		/* enum fallback_path of the last hit */
	__u32 hits;
	__s64 mtime_sec;
	__u64 ino;
	__s64 size;
};

#endif
