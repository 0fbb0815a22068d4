// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/live/live_checks.c: every check of tests/checks on the running
 * kernel, one cmocka test each (the same checks uz-vmcheck runs inside the
 * qemu guests). A check passes only if every value it compared was exact.
 */
#include "live_util.h"

#include <stdlib.h>

#include "checks.h"

static void run_check(void **state)
{
	const struct uzc_check *chk = *state;
	struct uzc c = {
		.log = stdout,
		.objpath = getenv("UZ_CHECKS_OBJPATH"),
		.offsets = true,
	};

	live_require_root();
	if (!c.objpath)
		fail_msg("UZ_CHECKS_OBJPATH is not set (ctest sets it)");
	if (uzc_run(&c, chk))
		fail_msg("check %s: %u comparison(s) failed (see above)", chk->name, c.failed);
}

/* The harness reports a wrong value: a perturbed expectation must fail. */
static void perturbed_check_fails(void **state)
{
	struct uzc c = {
		.log = stdout,
		.objpath = getenv("UZ_CHECKS_OBJPATH"),
		.perturb = "writesize",
	};

	(void)state;
	live_require_root();
	assert_non_null(c.objpath);
	assert_true(uzc_run(&c, uzc_find("writesize")) > 0);
}

static void writesize_slots(void **state)
{
	(void)state;
	assert_int_equal(writesize_slot(0), 0);
	assert_int_equal(writesize_slot(1), 1);
	assert_int_equal(writesize_slot(3), 2);
	assert_int_equal(writesize_slot(4096), 13);
	assert_int_equal(writesize_slot(65536), 17);
}

int main(void)
{
	struct CMUnitTest tests[16];
	size_t n = 0, i;

	for (i = 0; uzc_checks[i].name && n < 14; i++) {
		tests[n] = (struct CMUnitTest){ .name = uzc_checks[i].name,
						.test_func = run_check,
						.initial_state = (void *)&uzc_checks[i] };
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(perturbed_check_fails);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(writesize_slots);
	return _cmocka_run_group_tests("live_checks", tests, n, NULL, NULL);
}
