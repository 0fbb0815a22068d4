// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tests/live/live_util.c: see live_util.h. */
#include "live_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void live_require_root(void)
{
	if (geteuid() != 0)
		fail_msg("live tests load BPF programs into the running kernel and need root; "
			 "run ctest as root (tools/dev.sh test does)");
}

void live_start(struct uz_runner *r, const char *name)
{
	const char *build = getenv("UZ_BUILD");
	char path[4096];
	int ret;

	live_require_root();
	if (!build)
		fail_msg("UZ_BUILD is not set (ctest sets it)");
	snprintf(path, sizeof(path), "%s/samples/%s.o", build, name);
	ret = uz_runner_mount_tracefs(stderr);
	assert_int_equal(ret, 0);
	ret = uz_runner_open_file(r, name, path, NULL, stderr);
	if (ret)
		fail_msg("%s: relocation/open failed (%d)", name, ret);
	ret = uz_runner_load(r);
	if (ret)
		fail_msg("%s: load failed (%d); see the explanation above", name, ret);
	ret = uz_runner_attach(r);
	assert_int_equal(ret, 0);
}

uint64_t live_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void live_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}
