// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tests/live/live_util.c: see live_util.h. */
#include "live_util.h"

#include <unistd.h>

void live_require_root(void)
{
	if (geteuid() != 0)
		fail_msg("live tests load BPF programs into the running kernel and need root; "
			 "run ctest as root (tools/dev.sh test does)");
}
