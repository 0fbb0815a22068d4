/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tier for `userize matrix --merge`: on purpose-built targets (two
 * layouts, one file that is not BTF) the --json outputs of --shard runs,
 * merged, equal the unsharded output byte for byte as a table, JSON and
 * CSV, with the same exit status, for the object matrix (including a
 * guarded read and --strict) and for --fields, whatever the shard order.
 * Malformed merge inputs (every truncation, wrong shapes and types, unknown
 * keys, inconsistent or duplicated shards, garbage) exit 2 with a message
 * naming the file and position, and print nothing on standard output.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "mx_test.h"

static char tmpdir[PATH_MAX];
static char kdir[PATH_MAX + 8];

static int setup(void **state)
{
	struct mx_cmd c;

	(void)state;
	if (mx_tmpdir(tmpdir, sizeof(tmpdir), "uz_merge"))
		return -1;
	snprintf(kdir, sizeof(kdir), "%s/k", tmpdir);
	mx_cmd_run(&c, "mkdir '%s' && cp '%s' '%s/k1.btf' && cp '%s' '%s/k2.btf' && "
		   "cp '%s' '%s/k3.btf' && printf 'not btf' > '%s/junk.btf'", kdir, TARGET_A,
		   kdir, TARGET_A, kdir, TARGET_MOVED, kdir, kdir);
	mx_cmd_free(&c);
	return c.status;
}

static int teardown(void **state)
{
	(void)state;
	return mx_rmtree(tmpdir);
}

/*
 * `userize matrix WHAT --targets T FMT` unsharded, then as @n --json shards
 * merged (in reverse order); both outputs and exit statuses must be equal.
 * Returns the exit status.
 */
static int check_merge(const char *what, const char *targets, const char *fmt, unsigned int n)
{
	char files[4096] = "", path[PATH_MAX + 32];
	struct mx_cmd un, sh, mg;
	unsigned int i;
	int status;

	mx_cmd_run(&un, "%s matrix %s --targets %s %s", UZ_CLI, what, targets, fmt);
	assert_true(un.status == 0 || un.status == 1);
	for (i = n; i-- > 0;) {
		snprintf(path, sizeof(path), "%s/shard%u.json", tmpdir, i);
		mx_cmd_run(&sh, "%s matrix %s --targets %s --shard %u/%u --json > '%s'", UZ_CLI,
			   what, targets, i, n, path);
		assert_int_equal(sh.status, un.status == 0 ? 0 : sh.status);
		mx_cmd_free(&sh);
		strcat(files, " '");
		strcat(files, path);
		strcat(files, "'");
	}
	mx_cmd_run(&mg, "%s matrix --merge %s %s %s %s", UZ_CLI, files, fmt,
		   strstr(what, "--fields") ? "--fields" : "", strstr(what, "--strict") ? "--strict" : "");
	if (mg.out_len != un.out_len || memcmp(mg.out, un.out, un.out_len))
		fail_msg("'%s %s' over %u shards: merged output differs from unsharded:\n"
			 "--- unsharded\n%s\n--- merged\n%s\n--- stderr\n%s", what, fmt, n, un.out,
			 mg.out, mg.err);
	assert_int_equal(mg.status, un.status);
	assert_true(un.out_len > 100);
	status = un.status;
	mx_cmd_free(&un);
	mx_cmd_free(&mg);
	return status;
}

static void test_merge_equal(void **state)
{
	static const char *const fmts[] = { "", "--json", "--csv", "--no-group" };
	char objs[PATH_MAX * 3], good[PATH_MAX * 4];
	size_t f;
	unsigned int n;

	(void)state;
	snprintf(objs, sizeof(objs), "%s %s", PROG_OBJ, GUARDED_OBJ);
	snprintf(good, sizeof(good), "%s/k1.btf %s/k2.btf %s/k3.btf", kdir, kdir, kdir);
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (n = 1; n <= 4; n++) {
			/* junk.btf is a target that fails to load: exit 1 */
			assert_int_equal(check_merge(objs, kdir, fmts[f], n), 1);
			assert_int_equal(check_merge("--fields", kdir, fmts[f], n), 1);
		}
		assert_int_equal(check_merge(objs, good, fmts[f], 3), 0);
		assert_int_equal(check_merge("--fields", good, fmts[f], 2), 0);
	}
	/* the guarded read fails only with --strict, merged or not */
	snprintf(objs, sizeof(objs), "%s --strict", GUARDED_OBJ);
	assert_int_equal(check_merge(objs, good, "", 3), 1);
}

/* `--merge FILES` must exit 2, print nothing, and say @want on stderr. */
static void merge_fails(const char *files, const char *want)
{
	struct mx_cmd c;

	mx_cmd_run(&c, "%s matrix --merge %s", UZ_CLI, files);
	if (c.status != 2 || c.out_len || !strstr(c.err, want))
		fail_msg("--merge %s: exit %d, stdout %zu bytes, stderr '%s', wanted '%s'", files,
			 c.status, c.out_len, c.err, want);
	mx_cmd_free(&c);
}

/* A copy of @text with the first @from replaced by @to, written to @name. */
static char *variant(const char *text, const char *from, const char *to, const char *name)
{
	static char path[PATH_MAX + 64];
	const char *p = strstr(text, from);
	size_t len = strlen(text) - strlen(from) + strlen(to);
	char *buf;

	if (!p)
		fail_msg("'%s' not in the shard", from);
	buf = malloc(len + 1);
	assert_non_null(buf);
	snprintf(buf, len + 1, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	mx_write_file(path, buf, len);
	free(buf);
	return path;
}

static void test_merge_malformed(void **state)
{
	static const struct { const char *from, *to, *want; } edits[] = {
		{ "\"insn\": 2,", "\"insn\": \"2\",", "\"insn\" must be a number, not a string" },
		{ "\"insn\": 2,", "\"insn\": -2,", "\"insn\" must be an integer from 0 to 4294967295" },
		{ "\"insn\": 2,", "\"insn\": 4294967296,", "must be an integer from 0 to 4294967295" },
		{ "\"insn\": 2,", "\"insn\": 2.0,", "must be an integer" },
		{ "\"new_value\": 8,", "\"new_value\": 18446744073709551616,",
		  "\"new_value\" must be an integer from 0 to 18446744073709551615" },
		{ "\"kind\": \"byte_off\"", "\"kind\": \"byte_offset\"",
		  "unknown relocation kind \"byte_offset\"" },
		{ "\"result\": \"ok\"", "\"result\": \"fine\"", "\"result\" must be \"ok\", \"poisoned\"" },
		{ "\"dead\": false", "\"dead\": 0", "\"dead\" must be a boolean" },
		{ "\"dead\": false,", "", "a record has no \"dead\"" },
		{ "\"dead\": false", "\"dead\": false, \"extra\": 1",
		  "unknown key \"extra\" in a record" },
		{ "\"insn\": 2,", "\"insn\": 2, \"insn\": 3,", "duplicate key \"insn\"" },
		{ "\"error\": null", "\"error\": 7", "\"error\" must be a string or null" },
		{ "\"error\": null", "\"error\": \"boom\"", "a kernel that failed to load must have null" },
		{ "\"kernel\": \"k1\"", "\"kernel\": 5", "\"kernel\" must be a string, not a number" },
		{ "\"records\": {", "\"records\": {}, \"r\": {", "unknown key \"r\" in a kernel entry" },
		{ "\"records\": {\n\"matrix_prog\": [", "\"records\": {\n\"matrix_prog\": {}, \"x\": [",
		  "records of \"matrix_prog\" must be an array, not an object" },
		{ "\"records\": {\n\"matrix_prog\": [", "\"records\": {\n\"other\": [",
		  "the shards were not made from the same objects" },
		{ "\n {\"section\"", "\n 5,\n {\"section\"", "a record must be an object, not a number" },
		{ "\"kernel\": \"k1\"", "\"kernel\": \"\"", "empty kernel name or path" },
		{ "\"section\": \"raw", "\"section\": \"\\ud800raw", "not followed by a low one" },
		{ "\"section\": \"raw", "\"section\": \"\traw", "raw control character 0x09" },
	};
	char *shard, *good, path[PATH_MAX + 64], files[PATH_MAX * 3];
	struct mx_cmd c;
	size_t len, cut, i;

	(void)state;
	snprintf(path, sizeof(path), "%s/good.json", tmpdir);
	mx_cmd_run(&c, "%s matrix %s --targets %s/k1.btf %s/k3.btf --json > '%s'", UZ_CLI,
		   PROG_OBJ, kdir, kdir, path);
	assert_int_equal(c.status, 0);
	mx_cmd_free(&c);
	shard = mx_read_file(path, &len);
	assert_non_null(shard);
	good = strdup(path);

	/* every truncation (stepping 7 bytes; the last byte is a newline) */
	for (cut = 0; cut + 1 < len; cut += cut < 64 ? 1 : 7) {
		snprintf(path, sizeof(path), "%s/cut.json", tmpdir);
		mx_write_file(path, shard, cut);
		merge_fails(path, cut ? "cut.json: line " : "empty file");
	}
	snprintf(path, sizeof(path), "%s/t.json", tmpdir);
	mx_write_file(path, shard, len - 3); /* without the closing "\n]\n" */
	merge_fails(path, "unexpected end of input inside an array (truncated file?)");

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char name[32];

		snprintf(name, sizeof(name), "edit%zu.json", i);
		merge_fails(variant(shard, edits[i].from, edits[i].to, name), edits[i].want);
	}
	/* shapes */
	merge_fails(variant(shard, shard, "[]", "empty.json"), "holds no kernel");
	merge_fails(variant(shard, shard, "{\"a\": 1}", "obj.json"), "must be the JSON array");
	merge_fails(variant(shard, shard, "[{\"kernel\": \"k\"}]", "keys.json"),
		    "a kernel entry has no \"path\"");
	merge_fails(variant(shard, shard, "[1]", "num.json"), "a kernel entry must be an object");
	merge_fails(variant(shard, shard, "[\n{\"kernel\": \"k\", \"path\": \"/k\", \"error\": null, "
			    "\"records\": {}}]", "noobj.json"), "lists no object");

	/* inconsistent or repeated shards */
	snprintf(files, sizeof(files), "'%s' '%s'", good, good);
	merge_fails(files, "is also in");
	mx_cmd_run(&c, "%s matrix %s --targets %s/k2.btf --json > '%s/other.json'", UZ_CLI,
		   GUARDED_OBJ, kdir, tmpdir);
	assert_int_equal(c.status, 0);
	mx_cmd_free(&c);
	snprintf(files, sizeof(files), "'%s' '%s/other.json'", good, tmpdir);
	merge_fails(files, "is \"matrix_guarded\" here but \"matrix_prog\" for another kernel");
	mx_cmd_run(&c, "%s matrix --fields --targets %s/k2.btf --json > '%s/fields.json'", UZ_CLI,
		   kdir, tmpdir);
	mx_cmd_free(&c);
	snprintf(files, sizeof(files), "'%s' '%s/fields.json'", good, tmpdir);
	merge_fails(files, "mixes --fields and object matrix outputs");
	snprintf(files, sizeof(files), "'%s' --fields", good);
	merge_fails(files, "--fields given, but this is an object matrix");
	/* same object name, different records: found before anything is printed */
	mx_cmd_run(&c, "cp '%s' '%s/matrix_prog.o' && %s matrix '%s/matrix_prog.o' --targets "
		   "%s/k2.btf --json > '%s/renamed.json'", GUARDED_OBJ, tmpdir, UZ_CLI, tmpdir, kdir,
		   tmpdir);
	assert_int_equal(c.status, 0);
	mx_cmd_free(&c);
	snprintf(files, sizeof(files), "'%s' '%s/renamed.json'", good, tmpdir);
	merge_fails(files, "the inputs were not made from the same objects");

	/* not JSON at all */
	snprintf(path, sizeof(path), "%s/garbage.json", tmpdir);
	{
		unsigned char junk[4096];

		srand(7);
		for (i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)rand();
		junk[0] = 0x80;
		mx_write_file(path, junk, sizeof(junk));
	}
	merge_fails(path, "garbage.json: line 1, column 1: unexpected byte 0x80");
	snprintf(path, sizeof(path), "%s/deep.json", tmpdir);
	{
		char deep[100001];

		memset(deep, '[', sizeof(deep) - 1);
		deep[sizeof(deep) - 1] = 0;
		mx_write_file(path, deep, sizeof(deep) - 1);
	}
	merge_fails(path, "nesting deeper than 64 levels");
	snprintf(files, sizeof(files), "'%s/nosuch.json'", tmpdir);
	merge_fails(files, "nosuch.json: No such file or directory");
	snprintf(files, sizeof(files), "'%s'", tmpdir);
	merge_fails(files, "cannot read: Is a directory");

	/* usage */
	mx_cmd_run(&c, "%s matrix --merge", UZ_CLI);
	assert_int_equal(c.status, 2);
	assert_non_null(strstr(c.err, "--merge needs the --json files"));
	mx_cmd_free(&c);
	mx_cmd_run(&c, "%s matrix --merge '%s' --shard 0/2", UZ_CLI, good);
	assert_int_equal(c.status, 2);
	mx_cmd_free(&c);
	mx_cmd_run(&c, "%s matrix %s --merge '%s'", UZ_CLI, PROG_OBJ, good);
	assert_int_equal(c.status, 2);
	mx_cmd_free(&c);
	mx_cmd_run(&c, "%s matrix --merge '%s' --targets %s", UZ_CLI, good, kdir);
	assert_int_equal(c.status, 2);
	mx_cmd_free(&c);
	free(good);
	free(shard);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_equal),
		cmocka_unit_test(test_merge_malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
