/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Corpus tier for `userize matrix --merge`: over the seven Debian kernels
 * plus the running kernel, the --json outputs of --shard 0/3, 1/3 and 2/3
 * merged give byte for byte what one unsharded run prints, as the human
 * table, --json and --csv, with the same exit status: for the five sample
 * objects and for --fields.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mx_test.h"

static char tmpdir[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	return mx_tmpdir(tmpdir, sizeof(tmpdir), "uz_merge_corpus");
}

static int teardown(void **state)
{
	(void)state;
	return mx_rmtree(tmpdir);
}

static void merge_equals_unsharded(const char *what, const char *tag)
{
	static const char *const fmts[] = { "", "--json", "--csv" };
	const char *cache = getenv("UZ_CACHE");
	char targets[PATH_MAX * 2], files[PATH_MAX * 4] = "";
	struct mx_cmd c, un, mg;
	unsigned int i;
	size_t f;

	assert_non_null(cache);
	snprintf(targets, sizeof(targets), "--targets %s/btf /sys/kernel/btf/vmlinux", cache);
	for (i = 0; i < 3; i++) {
		char path[PATH_MAX + 32];

		snprintf(path, sizeof(path), "%s/%s%u.json", tmpdir, tag, i);
		mx_cmd_run(&c, "%s matrix %s %s --shard %u/3 --json > '%s'", UZ_CLI, what, targets,
			   i, path);
		assert_int_equal(c.status, 0);
		mx_cmd_free(&c);
		strcat(files, " '");
		strcat(files, path);
		strcat(files, "'");
	}
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		mx_cmd_run(&un, "%s matrix %s %s %s", UZ_CLI, what, targets, fmts[f]);
		mx_cmd_run(&mg, "%s matrix --merge %s %s", UZ_CLI, files, fmts[f]);
		assert_int_equal(un.status, 0);
		assert_int_equal(mg.status, un.status);
		assert_true(un.out_len > 1000);
		if (mg.out_len != un.out_len || memcmp(mg.out, un.out, un.out_len))
			fail_msg("%s %s: merged output (%zu bytes) differs from unsharded (%zu bytes); "
				 "stderr: %s", what, fmts[f], mg.out_len, un.out_len, mg.err);
		printf("%-10s %-7s merged 3 shards == unsharded (%zu bytes)\n", tag,
		       *fmts[f] ? fmts[f] : "table", un.out_len);
		mx_cmd_free(&un);
		mx_cmd_free(&mg);
	}
}

static void test_merge_samples(void **state)
{
	(void)state;
	merge_equals_unsharded(SAMPLE_OBJS, "samples");
}

static void test_merge_fields(void **state)
{
	(void)state;
	merge_equals_unsharded("--fields", "fields");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_samples),
		cmocka_unit_test(test_merge_fields),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
