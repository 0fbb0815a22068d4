// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/live/live_report.c: the samples' relocation report against the
 * running kernel (/sys/kernel/btf/vmlinux): every view access resolves to
 * the kernel field this kernel really has (renames through aliases, dotted
 * paths, tracepoint records), and only reads in dead code are poisoned
 * (the library's answer, which live_dead.c checks against the verifier).
 */
#include "live_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *samples[] = { "dropmon", "lo_filter", "writesize", "iolatency", "proctop" };

static void open_sample(struct uz_runner *r, const char *name)
{
	const char *build = getenv("UZ_BUILD");
	char path[4096];

	assert_non_null(build);
	snprintf(path, sizeof(path), "%s/samples/%s.o", build, name);
	assert_int_equal(uz_runner_open_file(r, name, path, NULL, stderr), 0);
}

/* Target spec of the first record whose local spec is @spec and kind @kind. */
static const char *target_of(struct uz_runner *r, const char *spec, unsigned int kind)
{
	size_t i, n = uz_relocation_record_cnt(r->rel);

	for (i = 0; i < n; i++) {
		const struct uz_record *rec = uz_relocation_record(r->rel, i);

		if (rec->kind == kind && !strcmp(rec->spec, spec))
			return rec->result == UZ_RESULT_OK ? rec->target_spec : "(not ok)";
	}
	return "(no record)";
}

static void test_all_resolve(void **state)
{
	size_t s, i, n;

	(void)state;
	for (s = 0; s < sizeof(samples) / sizeof(samples[0]); s++) {
		struct uz_runner r;

		open_sample(&r, samples[s]);
		n = uz_relocation_record_cnt(r.rel);
		assert_true(n > 0);
		for (i = 0; i < n; i++) {
			const struct uz_record *rec = uz_relocation_record(r.rel, i);

			if (rec->result == UZ_RESULT_OK)
				continue;
			if (rec->result == UZ_RESULT_POISONED && rec->dead)
				continue;
			fail_msg("%s: %s %s did not resolve: %s", samples[s],
				 uz_kind_name(rec->kind), rec->spec, rec->message);
		}
		uz_runner_close(&r);
	}
}

/* The renames and paths the views exist for, on this 6.x kernel. */
static void test_known_targets(void **state)
{
	struct uz_runner r;

	(void)state;
	open_sample(&r, "proctop");
	assert_string_equal(target_of(&r, "task_struct_user.state", UZ_FIELD_BYTE_OFFSET),
			    "task_struct.__state");
	assert_string_equal(target_of(&r, "task_struct_user.pid", UZ_FIELD_BYTE_OFFSET),
			    "task_struct.pid");
	uz_runner_close(&r);

	open_sample(&r, "iolatency");
	assert_string_equal(target_of(&r, "request_user.sector", UZ_FIELD_BYTE_OFFSET),
			    "request.__sector");
	assert_string_equal(target_of(&r, "request_user.data_len", UZ_FIELD_BYTE_OFFSET),
			    "request.__data_len");
	uz_runner_close(&r);
}

/*
 * An unguarded read of a field this kernel lacks: the runner warns before
 * loading, the kernel refuses the program and the runner's message names the
 * field the library found reachable (not just the verifier's "invalid func
 * unknown#195896080").
 */
static void test_unguarded_explained(void **state)
{
	const char *build = getenv("UZ_BUILD");
	const struct uz_record *rec = NULL;
	char path[4096], *msg = NULL;
	size_t len = 0, i;
	struct uz_runner r;
	FILE *diag;
	int ret;

	(void)state;
	live_require_root();
	assert_non_null(build);
	snprintf(path, sizeof(path), "%s/tests/live/unguarded.o", build);
	diag = open_memstream(&msg, &len);
	assert_non_null(diag);
	assert_int_equal(uz_runner_open_file(&r, "unguarded", path, NULL, diag), 0);
	/* UZ_READ_PTR relocates the read's offset and its width (the kernel's
	 * pointer size): both records of the missing field are poisoned, and
	 * both are reachable (nothing guards them) */
	assert_int_equal(uz_relocation_count(r.rel, UZ_RESULT_POISONED), 2);
	for (i = 0; i < uz_relocation_record_cnt(r.rel); i++)
		if (uz_relocation_record(r.rel, i)->result == UZ_RESULT_POISONED) {
			rec = uz_relocation_record(r.rel, i);
			assert_false(rec->dead);
		}
	assert_non_null(rec);
	ret = uz_runner_load(&r);
	fclose(diag);
	print_message("%s", msg);
	assert_true(ret < 0);
	assert_non_null(strstr(msg, "is poisoned and reachable"));
	assert_non_null(strstr(msg, "the verifier reached an instruction that userize poisoned"));
	assert_non_null(strstr(msg, rec->spec));
	assert_null(strstr(msg, "verifier log of"));	/* explained, not dumped */
	free(msg);
	uz_runner_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_resolve),
		cmocka_unit_test(test_known_targets),
		cmocka_unit_test(test_unguarded_explained),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
