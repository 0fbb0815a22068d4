/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tests/live/live_util.h: what the live-kernel tests share beyond the checks
 * of tests/checks: the root requirement (fails loudly, never skips).
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

#endif
