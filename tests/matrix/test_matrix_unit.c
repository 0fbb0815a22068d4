/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tier for `userize matrix`: purpose-built targets (two identical
 * copies group together, a copy with one field moved splits out), bad target
 * files (non-BTF, truncated, a directory, a dangling symlink) become error
 * rows naming the file while the rest is computed, and the exit codes.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "userize/userize.h"

static char tmpdir[PATH_MAX];
static char out[1 << 16];

/* Run a shell command, stdout into out (stderr merged when @merge), exit status. */
static int run(bool merge, const char *fmt, ...)
{
	char cmd[PATH_MAX * 4];
	size_t n;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (merge)
		strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/uz_matrix_XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

/* The header line of the group holding exactly the listed kernels. */
static void assert_group(const char *label, const char *kernels)
{
	char want[256];

	snprintf(want, sizeof(want), "\n  %-3s %s\n", label, kernels);
	if (!strstr(out, want))
		fail_msg("no group line '%s' in:\n%s", want + 1, out);
}

/* The table line for @what; value cells in order, separated by spaces. */
static void assert_row(const char *what, const char *cells)
{
	const char *p = strstr(out, what);
	char line[512], got[512] = "", *tok, *save;
	const char *eol;
	size_t n;

	if (!p)
		fail_msg("no row '%s' in:\n%s", what, out);
	eol = strchr(p, '\n');
	n = eol ? (size_t)(eol - p) : strlen(p);
	snprintf(line, sizeof(line), "%.*s", (int)(n - strlen(what)), p + strlen(what));
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (*got)
			strcat(got, " ");
		strcat(got, tok);
	}
	assert_string_equal(got, cells);
}

static void test_grouping(void **state)
{
	char dir[PATH_MAX + 8];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/grp", tmpdir);
	assert_int_equal(run(true, "mkdir -p '%s' && cp '%s' '%s/k1.btf' && cp '%s' '%s/k2.btf' && cp '%s' '%s/k3.btf'",
			     dir, TARGET_A, dir, TARGET_A, dir, TARGET_MOVED, dir), 0);

	/* all resolve (the missing field is only checked for existence): 0 */
	assert_int_equal(run(false, "%s matrix %s --targets %s", UZ_CLI, PROG_OBJ, dir), 0);
	assert_non_null(strstr(out, "3 kernel(s), 2 layout(s), 1 object(s), 3 relocation(s)"));
	assert_group("A", "k1, k2");
	assert_group("B", "k3");
	assert_row("byte_off task_struct.pid", "8 12");
	assert_row("byte_off task_struct.tgid", "12 8");
	assert_row("field_exists task_struct.nosuch", "- -");
	assert_non_null(strstr(out, "legend:"));

	/* two identical copies alone: one layout */
	assert_int_equal(run(false, "%s matrix %s --targets %s/k2.btf %s/k1.btf", UZ_CLI, PROG_OBJ,
			     dir, dir), 0);
	assert_non_null(strstr(out, "2 kernel(s), 1 layout(s)"));
	assert_group("A", "k1, k2");

	/* --no-group: one column per kernel */
	assert_int_equal(run(false, "%s matrix %s --targets %s --no-group", UZ_CLI, PROG_OBJ, dir), 0);
	assert_non_null(strstr(out, "3 kernel(s), 3 layout(s)"));
	assert_row("byte_off task_struct.pid", "8 8 12");

	/* CSV: one line per kernel and record */
	assert_int_equal(run(false, "%s matrix %s --targets %s --csv", UZ_CLI, PROG_OBJ, dir), 0);
	assert_non_null(strstr(out, "kernel,object,section,insn,kind,spec,result,value,target_spec\n"));
	assert_non_null(strstr(out, "\nk3,matrix_prog,raw_tracepoint/sched_switch,"));
	assert_non_null(strstr(out, ",byte_off,task_struct.pid,ok,12,task_struct.pid\n"));

	/* sharding: 1/2 of the sorted list is k2 alone */
	assert_int_equal(run(false, "%s matrix %s --targets %s --shard 1/2", UZ_CLI, PROG_OBJ, dir), 0);
	assert_non_null(strstr(out, "1 kernel(s), 1 layout(s)"));
	assert_group("A", "k2");
}

static void test_bad_targets(void **state)
{
	struct uz_target *tgt;
	struct uz_error err = { 0 };
	const void *raw;
	uint32_t len;
	char dir[PATH_MAX + 8], path[PATH_MAX + 64];
	static const char junk[] = "this is not BTF\n";

	(void)state;
	snprintf(dir, sizeof(dir), "%s/bad", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	/* good.btf: raw BTF of target a, trunc.btf: its first half */
	assert_int_equal(uz_target_load(TARGET_A, NULL, &tgt, &err), 0);
	raw = btf__raw_data(uz_target_btf(tgt), &len);
	assert_non_null(raw);
	snprintf(path, sizeof(path), "%s/good.btf", dir);
	write_file(path, raw, len);
	snprintf(path, sizeof(path), "%s/trunc.btf", dir);
	write_file(path, raw, len / 2);
	uz_target_free(tgt);
	snprintf(path, sizeof(path), "%s/junk.btf", dir);
	write_file(path, junk, sizeof(junk) - 1);
	snprintf(path, sizeof(path), "%s/subdir.btf", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dangling.btf", dir);
	assert_int_equal(symlink("/nonexistent/uz_matrix", path), 0);

	assert_int_equal(run(true, "%s matrix %s --targets %s", UZ_CLI, PROG_OBJ, dir), 1);
	assert_non_null(strstr(out, "5 kernel(s), 1 layout(s)"));
	assert_group("A", "good");
	assert_non_null(strstr(out, "  !    junk: failed to load"));
	assert_non_null(strstr(out, "  !    trunc: failed to load"));
	assert_non_null(strstr(out, "  !    subdir: failed to load"));
	assert_non_null(strstr(out, "  !    dangling: failed to load"));
	/* stderr names each file */
	assert_non_null(strstr(out, "/junk.btf: "));
	assert_non_null(strstr(out, "/trunc.btf: "));
	assert_non_null(strstr(out, "/subdir.btf: is a directory"));
	assert_non_null(strstr(out, "/dangling.btf: No such file"));
	/* the good kernel's cells are computed; failed ones are "!" */
	assert_row("byte_off task_struct.pid", "8 !");

	/* JSON: error rows carry the reason, the good row its records */
	assert_int_equal(run(false, "%s matrix %s --targets %s --json", UZ_CLI, PROG_OBJ, dir), 1);
	assert_non_null(strstr(out, "{\"kernel\": \"good\", \"path\": "));
	assert_non_null(strstr(out, "\"error\": null, \"records\": {\n\"matrix_prog\": [\n {"));
	assert_non_null(strstr(out, "{\"kernel\": \"junk\", \"path\": "));
	assert_null(strstr(strstr(out, "{\"kernel\": \"junk\""), "\"error\": null, \"records\": {}"));
}

static void test_exit_codes(void **state)
{
	char dir[PATH_MAX + 8];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/empty", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(run(true, "%s matrix %s --targets %s", UZ_CLI, PROG_OBJ, dir), 2);
	assert_non_null(strstr(out, "no targets"));
	assert_int_equal(run(true, "%s matrix %s", UZ_CLI, PROG_OBJ), 2);
	assert_int_equal(run(true, "%s matrix --targets %s", UZ_CLI, TARGET_A), 2);
	assert_int_equal(run(true, "%s matrix %s/nosuch.o --targets %s", UZ_CLI, tmpdir, TARGET_A), 2);
	assert_int_equal(run(true, "%s matrix %s --targets %s --shard 2/2", UZ_CLI, PROG_OBJ, TARGET_A), 2);
	assert_int_equal(run(true, "%s matrix %s --targets %s --bogus", UZ_CLI, PROG_OBJ, TARGET_A), 2);
	assert_int_equal(run(false, "%s matrix --help", UZ_CLI), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_bad_targets),
		cmocka_unit_test(test_exit_codes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
