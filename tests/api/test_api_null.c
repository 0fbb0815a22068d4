/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every public entry point of <userize/userize.h> with NULL pointer
 * arguments, one at a time next to valid ones: -EINVAL and a message in
 * @err (functions that take one), NULL/0/false from the accessors, and no
 * crash (the sanitizer build runs this too).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "userize/userize.h"

static struct uz_object *obj;
static struct uz_target *tgt;
static struct uz_relocation *rel;

static int setup(void **state)
{
	struct uz_error err = { 0 };

	(void)state;
	if (uz_object_open(BASIC_OBJ, NULL, &obj, &err) ||
	    uz_target_load(TARGET_NEW, NULL, &tgt, &err) ||
	    uz_object_relocate(obj, tgt, NULL, &rel, &err)) {
		fprintf(stderr, "test_api_null: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);
	return 0;
}

#define EXPECT_EINVAL(call) do {						\
	struct uz_error err = { 0 };						\
	assert_int_equal((call), -EINVAL);					\
	assert_true(err.msg[0] != 0);						\
	assert_int_equal(err.code, -EINVAL);					\
} while (0)

static void test_objects(void **state)
{
	struct uz_object *o = (struct uz_object *)1;
	static const char elf[] = "\x7f" "ELF";

	(void)state;
	EXPECT_EINVAL(uz_object_open(BASIC_OBJ, NULL, NULL, &err));
	EXPECT_EINVAL(uz_object_open(NULL, NULL, &o, &err));
	assert_null(o);
	EXPECT_EINVAL(uz_object_open_mem(elf, 4, NULL, NULL, &err));
	EXPECT_EINVAL(uz_object_open_mem(NULL, 4, NULL, &o, &err));
	/* a NULL @err is allowed everywhere */
	assert_int_equal(uz_object_open(NULL, NULL, &o, NULL), -EINVAL);
	uz_object_free(NULL);
	assert_false(uz_object_is_big_endian(NULL));
	assert_int_equal(uz_object_core_relo_cnt(NULL), 0);
}

static void test_targets(void **state)
{
	struct uz_target *t = (struct uz_target *)1;
	const char *names[] = { "task_struct" };
	unsigned int mask;

	(void)state;
	EXPECT_EINVAL(uz_target_load(TARGET_NEW, NULL, NULL, &err));
	EXPECT_EINVAL(uz_target_load_mem(NULL, 16, NULL, &t, &err));
	assert_null(t);
	EXPECT_EINVAL(uz_target_load_mem("x", 1, NULL, NULL, &err));
	EXPECT_EINVAL(uz_target_need_types(NULL, names, 1, &err));
	EXPECT_EINVAL(uz_target_need_types(tgt, NULL, 1, &err));
	assert_int_equal(uz_source_kind_parse(NULL, &mask), -EINVAL);
	assert_int_equal(uz_source_kind_parse("btf", NULL), -EINVAL);
	uz_target_free(NULL);
	assert_string_equal(uz_target_name(NULL), "");
	assert_null(uz_target_provenance(NULL));
	assert_int_equal(uz_target_type_cnt(NULL), 0);
	assert_null(uz_target_btf(NULL));
	assert_non_null(uz_kind_name(9999));
	assert_non_null(uz_source_kind_name(9999));
}

static void test_relocation(void **state)
{
	struct uz_relocation *r = (struct uz_relocation *)1;
	size_t n = 7;
	void *data = (void *)1;

	(void)state;
	EXPECT_EINVAL(uz_object_relocate(obj, tgt, NULL, NULL, &err));
	EXPECT_EINVAL(uz_object_relocate(NULL, tgt, NULL, &r, &err));
	assert_null(r);
	EXPECT_EINVAL(uz_object_relocate(obj, NULL, NULL, &r, &err));
	uz_relocation_free(NULL);
	assert_int_equal(uz_relocation_record_cnt(NULL), 0);
	assert_null(uz_relocation_record(NULL, 0));
	assert_null(uz_record_candidate(NULL, 0, 0));
	assert_int_equal(uz_relocation_count(NULL, UZ_RESULT_OK), 0);
	assert_null(uz_relocation_insns(NULL, "raw_tracepoint/sys_enter", &n));
	assert_int_equal(n, 0);
	assert_null(uz_relocation_insns(rel, NULL, NULL));
	EXPECT_EINVAL(uz_relocation_write(NULL, "/tmp/never-written.o", &err));
	EXPECT_EINVAL(uz_relocation_write(rel, NULL, &err));
	EXPECT_EINVAL(uz_relocation_write_mem(NULL, &data, &n, &err));
	assert_null(data);
	EXPECT_EINVAL(uz_relocation_write_mem(rel, NULL, &n, &err));
	EXPECT_EINVAL(uz_relocation_write_mem(rel, &data, NULL, &err));
	assert_int_equal(uz_relocation_write_json(NULL, stdout), -EINVAL);
	assert_int_equal(uz_relocation_write_json(rel, NULL), -EINVAL);
	assert_int_equal(uz_relocation_write_text(NULL, stdout), -EINVAL);
	assert_int_equal(uz_relocation_write_text(rel, NULL), -EINVAL);
	assert_int_equal(uz_relocation_write_explain(NULL, stdout), -EINVAL);
	assert_int_equal(uz_relocation_write_explain(rel, NULL), -EINVAL);
	assert_int_equal(uz_relocation_explain_verifier_log(NULL, "s", 0, "unknown#195896080",
							    stdout), -EINVAL);
	assert_int_equal(uz_relocation_explain_verifier_log(rel, NULL, 0, "x", stdout), -EINVAL);
	assert_int_equal(uz_relocation_explain_verifier_log(rel, "s", 0, "x", NULL), -EINVAL);
	assert_int_equal(uz_relocation_explain_verifier_log(rel, "s", 0, NULL, stdout), 0);
}

static void test_insns(void **state)
{
	struct uz_relocation *r = (struct uz_relocation *)1;
	uint64_t insns[2] = { 0 };
	static const char btf[24], ext[32];

	(void)state;
	EXPECT_EINVAL(uz_insns_relocate(NULL, 2, "s", btf, 24, ext, 32, tgt, NULL, &r, &err));
	assert_null(r);
	EXPECT_EINVAL(uz_insns_relocate(insns, 2, NULL, btf, 24, ext, 32, tgt, NULL, &r, &err));
	EXPECT_EINVAL(uz_insns_relocate(insns, 2, "s", NULL, 24, ext, 32, tgt, NULL, &r, &err));
	EXPECT_EINVAL(uz_insns_relocate(insns, 2, "s", btf, 24, NULL, 32, tgt, NULL, &r, &err));
	EXPECT_EINVAL(uz_insns_relocate(insns, 2, "s", btf, 24, ext, 32, NULL, NULL, &r, &err));
	EXPECT_EINVAL(uz_insns_relocate(insns, 2, "s", btf, 24, ext, 32, NULL, NULL, NULL, &err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_relocation),
		cmocka_unit_test(test_insns),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
