// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/samples/test_heatmap_unit.c (unit): iolatency's heat map rendering
 * on a known histogram, in both modes, byte for byte; and that output that
 * is not a terminal gets the ASCII shades.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heatmap.h"

/* Slots 1, 2, 3 and 23 filled; slot 24 is past the 24 columns. */
static void known(unsigned long long *slots)
{
	memset(slots, 0, 32 * sizeof(*slots));
	slots[1] = 10;
	slots[2] = 5;
	slots[3] = 1;
	slots[23] = 2;
	slots[24] = 7;
}

static char *render(enum uz_heatmap_mode mode)
{
	unsigned long long slots[32];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	known(slots);
	uz_heatmap_row(f, mode, "3s", slots, 32);
	fclose(f);
	return buf;
}

/* "      3s " + 24 cells of 2 characters + " total" */
static void test_ascii(void **state)
{
	char want[256], *got;

	(void)state;
	/* levels 1 + v * 8 / 10 in " .:-=+*#%@": 10 -> '@', 5 -> '+', 1 -> '.', 2 -> ':' */
	snprintf(want, sizeof(want), "      3s   @@++..%38s:: 25\n", "");
	got = render(UZ_HEATMAP_ASCII);
	assert_string_equal(got, want);
	free(got);
}

static void test_grey256(void **state)
{
	char want[512], *got;

	(void)state;
	/* levels 1 + v * 23 / 10 -> grey 256 - level: 10 -> 232, 5 -> 244, 1 -> 253, 2 -> 251 */
	snprintf(want, sizeof(want),
		 "      3s   \033[48;5;232m  \033[0m\033[48;5;244m  \033[0m\033[48;5;253m  \033[0m"
		 "%38s\033[48;5;251m  \033[0m 25\n", "");
	got = render(UZ_HEATMAP_GREY256);
	assert_string_equal(got, want);
	free(got);
}

static void test_empty_row_and_mode(void **state)
{
	unsigned long long slots[32] = { 0 };
	char *buf = NULL, want[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	uz_heatmap_row(f, UZ_HEATMAP_GREY256, "1s", slots, 32);
	fclose(f);
	snprintf(want, sizeof(want), "      1s %48s 0\n", "");
	assert_string_equal(buf, want);
	free(buf);
	f = tmpfile();
	assert_non_null(f);
	assert_int_equal(uz_heatmap_mode_for(f), UZ_HEATMAP_ASCII);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_grey256),
		cmocka_unit_test(test_empty_row_and_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
