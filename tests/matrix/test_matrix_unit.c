/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tier for `userize matrix`: purpose-built targets (two identical
 * copies group together, a copy with one field moved splits out), bad target
 * files (non-BTF, truncated, a directory, a dangling symlink) become error
 * rows naming the file while the rest is computed, the exit codes, the
 * guarded reads (G: poisoned but dead code, --strict) and --fields on a purpose-built
 * target, its cells checked against libbpf's own reading of that target.
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

#include "mx_test.h"
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
	return mx_tmpdir(tmpdir, sizeof(tmpdir), "uz_matrix");
}

static int teardown(void **state)
{
	(void)state;
	return mx_rmtree(tmpdir);
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
	p += strlen(what);
	eol = strchr(p, '\n');
	n = eol ? (size_t)(eol - p) : strlen(p);
	snprintf(line, sizeof(line), "%.*s", (int)n, p);
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

/*
 * Poisoned reads in code an existence check makes dead (same field, a
 * different field the target has, a type, an enum value): G, exit 0
 * (1 --strict).
 */
static void test_guarded(void **state)
{
	(void)state;
	assert_int_equal(run(false, "%s matrix %s --targets %s", UZ_CLI, GUARDED_OBJ, TARGET_A), 0);
	assert_non_null(strstr(out, "1 kernel(s), 1 layout(s), 1 object(s), 9 relocation(s)"));
	assert_non_null(strstr(out, "(4 guarded)\n"));
	assert_null(strstr(out, "unresolved"));
	assert_row("byte_off task_struct.pid", "8");
	assert_row("field_exists task_struct.nosuch", "-");
	assert_row("byte_off task_struct.nosuch ", "G");
	assert_row("field_exists task_struct.pid", "1");
	assert_row("byte_off task_struct.nosuch2", "G");
	assert_row("type_exists struct nosuch_type", "-");
	assert_row("byte_off task_struct.nosuch3", "G");
	assert_row("enumval_exists nosuch_enum::NOSUCH_VAL", "-");
	assert_row("byte_off task_struct.nosuch4", "G");
	assert_non_null(strstr(out, "G absent, guarded"));
	assert_non_null(strstr(out, "no path of the program reaches it"));

	assert_int_equal(run(false, "%s matrix %s --targets %s --strict", UZ_CLI, GUARDED_OBJ,
			     TARGET_A), 1);
	assert_row("byte_off task_struct.nosuch2", "G");

	/* JSON keeps the engine's result and says it is dead; CSV says guarded */
	assert_int_equal(run(false, "%s matrix %s --targets %s --json", UZ_CLI, GUARDED_OBJ,
			     TARGET_A), 0);
	assert_non_null(strstr(out, "\"kind\": \"byte_off\", \"local_type\": \"struct task_struct\", "
				    "\"local_type_id\": "));
	assert_non_null(strstr(out, "\"spec\": \"task_struct.nosuch\", \"result\": \"poisoned\", "
				    "\"dead\": true, \"orig_value\": 4, \"new_value\": 0"));
	assert_non_null(strstr(out, "\"spec\": \"task_struct.pid\", \"result\": \"ok\", "
				    "\"dead\": false, \"orig_value\": 0, \"new_value\": 8"));
	assert_int_equal(run(false, "%s matrix %s --targets %s --csv", UZ_CLI, GUARDED_OBJ,
			     TARGET_A), 0);
	assert_non_null(strstr(out, ",field_exists,task_struct.nosuch,ok,0,\n"));
	assert_non_null(strstr(out, ",byte_off,task_struct.nosuch,guarded,0,\n"));
	assert_non_null(strstr(out, ",byte_off,task_struct.nosuch4,guarded,0,\n"));
	assert_non_null(strstr(out, ",byte_off,task_struct.pid,ok,8,task_struct.pid\n"));
}

/* Poisoned reads a path reaches (no check, or a check that answers 1): P, exit 1. */
static void test_unguarded(void **state)
{
	(void)state;
	assert_int_equal(run(false, "%s matrix %s --targets %s", UZ_CLI, UNGUARDED_OBJ,
			     TARGET_A), 1);
	assert_non_null(strstr(out, "(2 unresolved)\n"));
	assert_null(strstr(out, "guarded)"));
	assert_row("field_exists task_struct.pid", "1");
	assert_row("byte_off task_struct.nosuch ", "P");
	assert_row("byte_off task_struct.nosuch3", "P");
	assert_int_equal(run(false, "%s matrix %s --targets %s --json", UZ_CLI, UNGUARDED_OBJ,
			     TARGET_A), 1);
	assert_non_null(strstr(out, "\"spec\": \"task_struct.nosuch\", \"result\": \"poisoned\", "
				    "\"dead\": false"));
	assert_non_null(strstr(out, "\"spec\": \"task_struct.nosuch3\", \"result\": \"poisoned\", "
				    "\"dead\": false"));
	assert_null(strstr(out, "\"dead\": true"));
	/* the guard of one object does not cover another object's read */
	assert_int_equal(run(false, "%s matrix %s %s --targets %s", UZ_CLI, GUARDED_OBJ,
			     UNGUARDED_OBJ, TARGET_A), 1);
	assert_non_null(strstr(out, "(2 unresolved, 4 guarded)\n"));
}

/* Field offsets of the purpose-built targets, read with libbpf's btf.h API. */
static void independent_offsets(const char *target, uint64_t *pid, uint64_t *tgid)
{
	struct btf *btf = btf__parse(target, NULL);
	uint64_t size;

	assert_non_null(btf);
	assert_int_equal(mx_btf_path(btf, "task_struct.pid", pid, &size), 0);
	assert_int_equal(size, 4);
	assert_int_equal(mx_btf_path(btf, "task_struct.tgid", tgid, &size), 0);
	assert_int_equal(size, 4);
	assert_int_equal(mx_btf_path(btf, "task_struct.__state", pid + 1, &size), -1);
	btf__free(btf);
}

static void test_fields(void **state)
{
	char dir[PATH_MAX + 8], want[256];
	uint64_t a[2], moved[2];

	(void)state;
	independent_offsets(TARGET_A, a, a + 1);
	independent_offsets(TARGET_MOVED, moved, moved + 1);
	assert_true(a[0] == 8 && a[1] == 12 && moved[0] == 12 && moved[1] == 8);
	snprintf(dir, sizeof(dir), "%s/fields", tmpdir);
	assert_int_equal(run(true, "mkdir -p '%s' && cp '%s' '%s/ka.btf' && cp '%s' '%s/kmoved.btf'",
			     dir, TARGET_A, dir, TARGET_MOVED, dir), 0);

	/* only task_struct exists in these targets: pid and tgid resolve */
	assert_int_equal(run(false, "%s matrix --fields --targets %s/ka.btf", UZ_CLI, dir), 0);
	assert_non_null(strstr(out, "1 kernel(s), 1 layout(s), "));
	assert_non_null(strstr(out, "view field "));
	assert_non_null(strstr(out, "kernel field"));
	snprintf(want, sizeof(want), "task_struct.pid 4 %llu", (unsigned long long)a[0]);
	assert_row("\ntask_struct_user.pid ", want);
	snprintf(want, sizeof(want), "task_struct.tgid 4 %llu", (unsigned long long)a[1]);
	assert_row("\ntask_struct_user.tgid ", want);
	assert_row("\ntask_struct_user.state ", "- - -");
	assert_row("\ncred_user.uid.val ", "- - -");
	assert_row("\nrequest_user.rq_disk ", "- - -");
	assert_non_null(strstr(out, "the kernel has no such field: not an error"));

	/* two layouts: the cells follow each target */
	assert_int_equal(run(false, "%s matrix --fields --targets %s", UZ_CLI, dir), 0);
	assert_non_null(strstr(out, "2 kernel(s), 2 layout(s), "));
	assert_non_null(strstr(out, "\n  A   ka  ("));
	assert_non_null(strstr(out, "\n  B   kmoved  ("));
	snprintf(want, sizeof(want), "task_struct.pid 4 %llu %llu", (unsigned long long)a[0],
		 (unsigned long long)moved[0]);
	assert_row("\ntask_struct_user.pid ", want);

	/* JSON and CSV carry offset, size, kernel field and why a field is missing */
	assert_int_equal(run(false, "%s matrix --fields --targets %s --json", UZ_CLI, dir), 0);
	assert_non_null(strstr(out, "[\n{\"kernel\": \"ka\", \"path\": "));
	assert_non_null(strstr(out, "\"error\": null, \"fields\": [\n {\"field\": "));
	assert_non_null(strstr(out, "{\"field\": \"task_struct_user.pid\", \"result\": \"ok\", "
				    "\"offset\": 8, \"size\": 4, \"kernel_field\": \"task_struct.pid\", "
				    "\"message\": \"\"}"));
	assert_non_null(strstr(out, "{\"field\": \"task_struct_user.pid\", \"result\": \"ok\", "
				    "\"offset\": 12, \"size\": 4, \"kernel_field\": \"task_struct.pid\""));
	assert_non_null(strstr(out, "{\"field\": \"task_struct_user.state\", \"result\": "
				    "\"missing\", \"offset\": null, \"size\": null, \"kernel_field\": "
				    "null, \"message\": \"struct task_struct has no member 'state'"));
	assert_int_equal(run(false, "%s matrix --fields --targets %s --csv", UZ_CLI, dir), 0);
	assert_non_null(strstr(out, "kernel,field,result,offset,size,kernel_field,message\n"));
	assert_non_null(strstr(out, "\nka,task_struct_user.pid,ok,8,4,task_struct.pid,\n"));
	assert_non_null(strstr(out, "\nkmoved,task_struct_user.tgid,ok,8,4,task_struct.tgid,\n"));
	assert_non_null(strstr(out, "\nka,task_struct_user.state,missing,,,,"));

	/* a target that does not load: exit 1, "!" column, error in JSON */
	assert_int_equal(run(true, "printf junk > '%s/zz.btf' && %s matrix --fields --targets %s",
			     dir, UZ_CLI, dir), 1);
	assert_non_null(strstr(out, "  !    zz: failed to load "));
	assert_int_equal(run(false, "%s matrix --fields --targets %s --json", UZ_CLI, dir), 1);
	assert_non_null(strstr(out, "{\"kernel\": \"zz\", "));
	assert_non_null(strstr(out, ", \"fields\": null}\n]\n"));

	/* a renamed field whose size changed: both names, groups, off:size cells */
	assert_int_equal(run(false, "cp '%s' '%s/s_new.btf' && cp '%s' '%s/s_old.btf' && "
			     "%s matrix --fields --targets %s/s_new.btf %s/s_old.btf", TARGET_STATE_NEW,
			     dir, TARGET_STATE_OLD, dir, UZ_CLI, dir, dir), 0);
	assert_row("\ntask_struct_user.state ",
		   "task_struct.__state (A) | task_struct.state (B) * 16:4 16:8");
	assert_row("\ntask_struct_user.pid ", "task_struct.pid 4 8 8");
	assert_non_null(strstr(out, "N:S offset N and size S"));
	assert_int_equal(run(false, "%s matrix --fields --targets %s/s_new.btf %s/s_old.btf --csv",
			     UZ_CLI, dir, dir), 0);
	assert_non_null(strstr(out, "\ns_new,task_struct_user.state,ok,16,4,task_struct.__state,"
				    "member 'state' resolved through alias '__state'\n"));
	assert_non_null(strstr(out, "\ns_old,task_struct_user.state,ok,16,8,task_struct.state,\n"));

	/* usage */
	assert_int_equal(run(true, "%s matrix --fields %s --targets %s/ka.btf", UZ_CLI, PROG_OBJ,
			     dir), 2);
	assert_non_null(strstr(out, "--fields takes no object"));
	assert_int_equal(run(false, "%s matrix --help", UZ_CLI), 0);
	assert_non_null(strstr(out, "--fields"));
	assert_non_null(strstr(out, "--merge FILE..."));
	assert_non_null(strstr(out, "--strict"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_bad_targets),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_guarded),
		cmocka_unit_test(test_unguarded),
		cmocka_unit_test(test_fields),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
