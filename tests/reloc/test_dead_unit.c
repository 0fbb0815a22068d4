/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tier: what `userize reloc` and `userize explain` say about poisoned
 * instructions in dead code and reachable ones, on a purpose-built target
 * (the matrix test objects): guarded.o has four reads of absent fields,
 * each in code an existence check rules out (same field, a different field
 * the target has, a type, an enum value); unguarded.o has two that the
 * program reaches. reloc sums the dead ones up in one line and warns about
 * each reachable one; explain exits 0 only when all are dead. dead_multi.o
 * has two programs in one section, one dead read and one reachable.
 */
#include <stdlib.h>
#include <unistd.h>

#include "uzt.h"

static const char *cli = UZ_CLI;

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

static void test_reloc_dead_summary(void **state)
{
	char out[1 << 16], path[] = "/tmp/uz_dead_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(uzt_run(out, sizeof(out), "%s reloc %s --target %s -o %s", cli,
				 GUARDED_OBJ, TARGET_A, path), 0);
	assert_non_null(strstr(out, "userize: 4 poisoned instruction(s) in dead code"));
	assert_null(strstr(out, "reachable"));
	assert_int_equal(count(out, "\n"), 1);

	assert_int_equal(uzt_run(out, sizeof(out), "%s reloc %s --target %s -o %s", cli,
				 UNGUARDED_OBJ, TARGET_A, path), 0);
	assert_int_equal(count(out, "userize: poisoned and reachable"), 2);
	assert_non_null(strstr(out, "byte_off task_struct.nosuch:"));
	assert_non_null(strstr(out, "byte_off task_struct.nosuch3:"));
	assert_null(strstr(out, "dead code"));
	unlink(path);
}

static void test_report_dead_key(void **state)
{
	char out[1 << 16];

	(void)state;
	assert_int_equal(uzt_run(out, sizeof(out), "%s reloc %s --target %s --report json", cli,
				 GUARDED_OBJ, TARGET_A), 0);
	assert_int_equal(count(out, "\"result\": \"poisoned\", \"dead\": true"), 4);
	assert_int_equal(count(out, "\"result\": \"poisoned\", \"dead\": false"), 0);
	assert_int_equal(count(out, "\"result\": \"ok\", \"dead\": false"), 5);
	assert_int_equal(uzt_run(out, sizeof(out), "%s reloc %s --target %s --report json", cli,
				 UNGUARDED_OBJ, TARGET_A), 0);
	assert_int_equal(count(out, "\"result\": \"poisoned\", \"dead\": false"), 2);
	assert_int_equal(count(out, "\"dead\": true"), 0);
}

static void test_explain_exit(void **state)
{
	char out[1 << 16];

	(void)state;
	assert_int_equal(uzt_run(out, sizeof(out), "%s explain %s --target %s", cli, GUARDED_OBJ,
				 TARGET_A), 0);
	assert_int_equal(count(out, "  dead code: "), 4);
	assert_non_null(strstr(out, "4 poisoned on " TARGET_A ": 4 in dead code, 0 reachable"));
	assert_int_equal(uzt_run(out, sizeof(out), "%s explain %s --target %s", cli,
				 UNGUARDED_OBJ, TARGET_A), 1);
	assert_int_equal(count(out, "  reachable: "), 2);
	assert_non_null(strstr(out, ": 0 in dead code, 2 reachable"));
}

/* Two programs in one section: each is an entry point of its own. */
static void test_multi_program_section(void **state)
{
	char out[1 << 16];

	(void)state;
	assert_int_equal(uzt_run(out, sizeof(out), "%s reloc %s --target %s --report json", cli,
				 MULTI_OBJ, TARGET_A), 0);
	assert_int_equal(count(out, "\"result\": \"poisoned\""), 2);
	assert_non_null(strstr(out, "\"result\": \"poisoned\", \"dead\": true"));
	assert_non_null(strstr(out, "\"result\": \"poisoned\", \"dead\": false"));
	/* file order: the first program's read is the dead one */
	assert_true(strstr(out, "\"dead\": true") < strstr(out, "\"poisoned\", \"dead\": false"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reloc_dead_summary),
		cmocka_unit_test(test_report_dead_key),
		cmocka_unit_test(test_explain_exit),
		cmocka_unit_test(test_multi_program_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
