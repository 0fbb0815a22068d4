/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tests/live/live_util.h: helpers shared by the live-kernel tests: the
 * root requirement (fails loudly, never skips), starting a sample from the
 * build tree through the samples' runner, and clocks.
 */
#ifndef UZ_TESTS_LIVE_UTIL_H
#define UZ_TESTS_LIVE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "samples.h"

/* Fail the test unless running as root (the live tier needs it). */
void live_require_root(void);
/* Start sample @name from $UZ_BUILD/samples/<name>.o; fails the test on error. */
void live_start(struct uz_runner *r, const char *name);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t live_now_ns(void);
/* Sleep @ms milliseconds. */
void live_sleep_ms(unsigned int ms);

#endif
