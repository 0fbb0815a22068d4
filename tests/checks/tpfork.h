/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tests/checks/tpfork.h: types shared by tpfork.bpf.c and its check. */
#ifndef UZ_CHECK_TPFORK_H
#define UZ_CHECK_TPFORK_H

#include <linux/types.h>

struct tpfork_config {
	__u32 parent;		/* the forking process (tgid) */
	__u32 enabled;
};

struct tpfork_result {
	__u32 hits;
	__u32 parent_pid;	/* from the record */
	__u32 child_pid;
	__u32 pad;
};

#endif
