/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The CLI's conventions, shared by every subcommand (tools/cli_common.c):
 * --version and `version` print the pkg-config version, `help CMD` is
 * `CMD --help`, -j/--json and -p/--pretty (the same JSON, indented),
 * --opt=value, "-" for the input object, one output format at a time.
 */
#include <sys/stat.h>

#include "uzt.h"

static char out1[1 << 17], out2[1 << 17];

/* JSON text without the whitespace between tokens (strings kept whole). */
static void squeeze(char *s)
{
	bool in = false, esc = false;
	char *d = s;

	for (; *s; s++) {
		if (in) {
			esc = !esc && *s == '\\';
			if (!esc && *s == '"')
				in = false;
		} else if (*s == '"') {
			in = true;
		} else if (strchr(" \t\n", *s)) {
			continue;
		}
		*d++ = *s;
	}
	*d = 0;
}

static void test_version(void **state)
{
	char want[128] = "userize ", line[256];
	FILE *pc = fopen(UZ_PC, "r");

	(void)state;
	assert_non_null(pc);
	while (fgets(line, sizeof(line), pc))
		if (!strncmp(line, "Version: ", 9))
			strncat(want, line + 9, sizeof(want) - strlen(want) - 1);
	fclose(pc);
	assert_true(strlen(want) > 9);
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s --version", UZ_CLI), 0);
	assert_string_equal(out1, want);
	assert_int_equal(uzt_run(out2, sizeof(out2), "%s version", UZ_CLI), 0);
	assert_string_equal(out2, want);
	assert_int_equal(uzt_run(NULL, 0, "%s version extra", UZ_CLI), 2);
}

static void test_help(void **state)
{
	static const char *const cmds[] = { "reloc", "explain", "btf", "matrix" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		assert_int_equal(uzt_run(out1, sizeof(out1), "%s help %s", UZ_CLI, cmds[i]), 0);
		assert_int_equal(uzt_run(out2, sizeof(out2), "%s %s --help", UZ_CLI, cmds[i]), 0);
		assert_string_equal(out1, out2);
		assert_non_null(strstr(out1, "usage: userize "));
		assert_non_null(strstr(out1, cmds[i]));
	}
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s help", UZ_CLI), 0);
	assert_non_null(strstr(out1, "help [COMMAND]"));
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s help nosuch", UZ_CLI), 2);
	assert_non_null(strstr(out1, "unknown command 'nosuch'"));
}

static void test_reloc_json(void **state)
{
	(void)state;
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s reloc %s -t %s --report json 2>/dev/null",
				 UZ_CLI, BASIC_OBJ, TARGET_NEW), 0);
	assert_int_equal(uzt_run(out2, sizeof(out2), "%s reloc %s -t %s -j 2>/dev/null", UZ_CLI,
				 BASIC_OBJ, TARGET_NEW), 0);
	assert_string_equal(out1, out2);
	assert_int_equal(uzt_run(out2, sizeof(out2), "%s reloc %s --target=%s --pretty 2>/dev/null",
				 UZ_CLI, BASIC_OBJ, TARGET_NEW), 0);
	assert_non_null(strstr(out2, "\n  {\n    \"section\": "));
	squeeze(out1);
	squeeze(out2);
	assert_string_equal(out1, out2);
	/* one report format */
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s reloc %s -t %s --report text -j", UZ_CLI,
				 BASIC_OBJ, TARGET_NEW), 2);
	assert_non_null(strstr(out1, "conflicting"));
}

static void test_stdin_object(void **state)
{
	char a[128], b[128];

	(void)state;
	snprintf(a, sizeof(a), "/tmp/uz-cli-%d-a.o", (int)getpid());
	snprintf(b, sizeof(b), "/tmp/uz-cli-%d-b.o", (int)getpid());
	assert_int_equal(uzt_run(NULL, 0, "%s reloc %s -t %s -o %s", UZ_CLI, BASIC_OBJ, TARGET_NEW,
				 a), 0);
	assert_int_equal(uzt_run(NULL, 0, "%s reloc - -t %s -o %s < %s", UZ_CLI, TARGET_NEW, b,
				 BASIC_OBJ), 0);
	assert_int_equal(uzt_run(NULL, 0, "cmp %s %s", a, b), 0);
	/* and a pipe: standard input to standard output */
	assert_int_equal(uzt_run(NULL, 0, "cat %s | %s reloc - -t %s -o - | cmp %s -", BASIC_OBJ,
				 UZ_CLI, TARGET_NEW, a), 0);
	unlink(a);
	unlink(b);
}

static void test_explain_json(void **state)
{
	(void)state;
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s explain %s -t %s -j", UZ_CLI, BASIC_OBJ,
				 TARGET_RENAMED), 1);
	assert_non_null(strstr(out1, "\"spec\": \"task_struct_user.pid\""));
	assert_non_null(strstr(out1, "\"result\": \"poisoned\""));
	assert_non_null(strstr(out1, "nearest names: task_struct_v2\", \"candidates\": []"));
	assert_int_equal(uzt_run(out2, sizeof(out2), "%s explain %s --target=%s -p", UZ_CLI,
				 BASIC_OBJ, TARGET_RENAMED), 1);
	squeeze(out1);
	squeeze(out2);
	assert_string_equal(out1, out2);
}

static void test_btf_json(void **state)
{
	char f[128], want[64];
	struct stat st;

	(void)state;
	snprintf(f, sizeof(f), "/tmp/uz-cli-%d.btf", (int)getpid());
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s btf extract %s --output=%s -j", UZ_CLI,
				 TARGET_NEW, f), 0);
	assert_int_equal(stat(f, &st), 0);
	snprintf(want, sizeof(want), "\"bytes\": %lld}", (long long)st.st_size);
	assert_non_null(strstr(out1, want));
	assert_non_null(strstr(out1, "{\"input\": \""));
	assert_non_null(strstr(out1, "\"found\": \""));
	/* from standard input: the same bytes */
	assert_int_equal(uzt_run(NULL, 0, "%s btf extract - -q -o - < %s | cmp %s -", UZ_CLI,
				 TARGET_NEW, f), 0);
	/* the BTF and the JSON cannot share stdout */
	assert_int_equal(uzt_run(NULL, 0, "%s btf extract %s -o - -j", UZ_CLI, TARGET_NEW), 2);
	unlink(f);
}

static void test_matrix_flags(void **state)
{
	(void)state;
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --targets %s --json --csv",
				 UZ_CLI, BASIC_OBJ, TARGET_NEW), 2);
	assert_non_null(strstr(out1, "--json and --csv"));
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --csv -p --targets %s", UZ_CLI,
				 BASIC_OBJ, TARGET_NEW), 2);
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --targets %s --json 2>/dev/null",
				 UZ_CLI, BASIC_OBJ, TARGET_NEW), 0);
	assert_int_equal(uzt_run(out2, sizeof(out2), "%s matrix %s --targets=%s -j 2>/dev/null",
				 UZ_CLI, BASIC_OBJ, TARGET_NEW), 0);
	assert_string_equal(out1, out2);
	assert_int_equal(uzt_run(out2, sizeof(out2),
				 "%s matrix %s --targets=%s --target-format=btf -p "
				 "2>/dev/null", UZ_CLI, BASIC_OBJ, TARGET_NEW), 0);
	assert_non_null(strstr(out2, "\n  {\n    \"kernel\": "));
	squeeze(out1);
	squeeze(out2);
	assert_string_equal(out1, out2);
	assert_int_equal(uzt_run(NULL, 0, "%s matrix %s --strict=1 --targets %s", UZ_CLI,
				 BASIC_OBJ, TARGET_NEW), 2);
	/* the object from standard input, named "-" */
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix - --targets %s -j < %s "
				 "2>/dev/null", UZ_CLI, TARGET_NEW, BASIC_OBJ), 0);
	assert_non_null(strstr(out1, "\"records\": {\n\"-\": [\n {\"section\": "));
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* --targets: a typo is bad input; a directory's non-kernel files are skipped. */
static void test_matrix_targets(void **state)
{
	char dir[128], p[256];

	(void)state;
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --targets /nonexistent/k.btf",
				 UZ_CLI, BASIC_OBJ), 2);
	assert_non_null(strstr(out1, "--targets /nonexistent/k.btf: No such file or directory"));
	snprintf(dir, sizeof(dir), "/tmp/uz-cli-%d-targets", (int)getpid());
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(p, sizeof(p), "cp %s %s/k.o", TARGET_NEW, dir);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "%s/README", dir);
	put(p, "kernels for the matrix\n");
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	put(p, "notes\n");
	snprintf(p, sizeof(p), "%s/list.md", dir);
	put(p, "# list\n");
	snprintf(p, sizeof(p), "%s/.hidden.btf", dir);
	put(p, "hidden\n");
	snprintf(p, sizeof(p), "%s/sub", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	/* named .btf: counts, and fails to load, whatever it holds */
	snprintf(p, sizeof(p), "%s/broken.btf", dir);
	put(p, "not BTF\n");
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --targets %s", UZ_CLI,
				 BASIC_OBJ, dir), 1);
	assert_non_null(strstr(out1, "2 kernel(s)"));
	assert_non_null(strstr(out1, "skipped 5 entries"));
	assert_null(strstr(out1, "README"));
	assert_null(strstr(out1, "notes"));
	assert_non_null(strstr(out1, "broken"));
	unlink(p);
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --targets %s", UZ_CLI,
				 BASIC_OBJ, dir), 0);
	assert_non_null(strstr(out1, "1 kernel(s)"));
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

/* --merge: every shard of one --shard I/N set, each once. */
static void test_matrix_merge_shards(void **state)
{
	char d[64];

	(void)state;
	snprintf(d, sizeof(d), "/tmp/uz-cli-%d", (int)getpid());
	assert_int_equal(uzt_run(NULL, 0, "mkdir %s && for i in 0 1; do %s matrix %s --targets %s "
				 "%s --shard=$i/2 -j > %s/s$i.json; done; test -s %s/s1.json", d, UZ_CLI,
				 BASIC_OBJ, TARGET_NEW, TARGET_RENAMED, d, d), 0);
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix --merge %s/s0.json", UZ_CLI, d), 2);
	assert_non_null(strstr(out1, "shard 1/2 missing"));
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix --merge %s/s1.json", UZ_CLI, d), 2);
	assert_non_null(strstr(out1, "shard 0/2 missing"));
	/* the same shard of another run over other kernels */
	assert_int_equal(uzt_run(NULL, 0, "cd %s && cp %s other.o && %s matrix %s --targets "
				 "other.o %s --shard 1/2 -j > %s/o1.json", d, TARGET_NEW, UZ_CLI,
				 BASIC_OBJ, TARGET_NEW, d), 0);
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix --merge %s/s0.json %s/s1.json "
				 "%s/o1.json", UZ_CLI, d, d, d), 2);
	assert_non_null(strstr(out1, "shard 1/2 again"));
	/* complete: what the unsharded run prints */
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix --merge %s/s1.json %s/s0.json -j "
				 "2>/dev/null", UZ_CLI, d, d), 1);
	assert_int_equal(uzt_run(out2, sizeof(out2), "%s matrix %s --targets %s %s -j 2>/dev/null",
				 UZ_CLI, BASIC_OBJ, TARGET_NEW, TARGET_RENAMED), 1);
	assert_string_equal(out1, out2);
	assert_null(strstr(out1, "\"shard\""));
	assert_int_equal(uzt_run(NULL, 0, "rm -rf %s", d), 0);
}

/* Kernels are named by release; repeated releases get file name or path, deterministically. */
static void test_matrix_names(void **state)
{
	char d[64];

	(void)state;
	snprintf(d, sizeof(d), "/tmp/uz-cli-%d-names", (int)getpid());
	assert_int_equal(uzt_run(NULL, 0, "mkdir -p %s/a %s/b && cp %s %s/a/vmlinux-9.9.9-test && "
				 "cp %s %s/b/vmlinux-9.9.9-test && cp %s %s/9.9.9-test.btf && "
				 "cp %s %s/vmlinux-1.2.3-x", d, d, TARGET_NEW, d, TARGET_NEW, d,
				 TARGET_NEW, d, TARGET_RENAMED, d), 0);
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --targets %s/a %s/b "
				 "%s/9.9.9-test.btf %s/vmlinux-1.2.3-x 2>/dev/null", UZ_CLI, BASIC_OBJ,
				 d, d, d, d), 1);
	snprintf(out2, sizeof(out2), "  A   9.9.9-test (9.9.9-test.btf), 9.9.9-test "
		 "(%s/a/vmlinux-9.9.9-test), 9.9.9-test (%s/b/vmlinux-9.9.9-test)\n", d, d);
	assert_non_null(strstr(out1, out2));
	assert_non_null(strstr(out1, "  B   1.2.3-x  (11 unresolved)\n"));
	/* --no-group: one kernel a group, each listed under its own letter */
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --no-group --targets %s/a "
				 "%s/vmlinux-1.2.3-x 2>/dev/null", UZ_CLI, BASIC_OBJ, d, d), 1);
	assert_non_null(strstr(out1, "  A   9.9.9-test\n  B   1.2.3-x  (11 unresolved)\n"));
	/* JSON: the release itself (the path is the key) */
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --targets %s/a -j 2>/dev/null",
				 UZ_CLI, BASIC_OBJ, d), 0);
	assert_non_null(strstr(out1, "{\"kernel\": \"9.9.9-test\", \"path\": "));
	/* shards, each seeing one of a pair, merge to the names of one run */
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s --targets %s/a %s/9.9.9-test.btf "
				 "2>/dev/null", UZ_CLI, BASIC_OBJ, d, d), 0);
	assert_int_equal(uzt_run(out2, sizeof(out2), "cd %s && for i in 0 1; do %s matrix %s "
				 "--targets a 9.9.9-test.btf --shard $i/2 -j > s$i.json; done; "
				 "%s matrix --merge s0.json s1.json 2>/dev/null", d, UZ_CLI, BASIC_OBJ,
				 UZ_CLI), 0);
	assert_non_null(strstr(out2, "9.9.9-test (9.9.9-test.btf), 9.9.9-test (vmlinux-9.9.9-test)"));
	assert_int_equal(uzt_run(NULL, 0, "rm -rf %s", d), 0);
}

/* Two objects of one basename: named by their paths, so JSON keys and
 * table labels stay unique; the same object twice is bad input. */
static void test_matrix_object_names(void **state)
{
	char d[64];

	(void)state;
	snprintf(d, sizeof(d), "/tmp/uz-cli-%d-objs", (int)getpid());
	assert_int_equal(uzt_run(NULL, 0, "mkdir -p %s/a %s/b && cp %s %s/a/prog.o && cp %s %s/b/prog.o",
				 d, d, BASIC_OBJ, d, BASIC_OBJ, d), 0);
	uzt_run(out1, sizeof(out1), "%s matrix %s/a/prog.o %s/b/prog.o --targets %s -j 2>/dev/null",
		UZ_CLI, d, d, TARGET_NEW);
	snprintf(out2, sizeof(out2), "\"%s/a/prog\": [", d);
	assert_non_null(strstr(out1, out2));
	snprintf(out2, sizeof(out2), "\"%s/b/prog\": [", d);
	assert_non_null(strstr(out1, out2));
	assert_null(strstr(out1, "\"prog\": ["));
	uzt_run(out1, sizeof(out1), "%s matrix %s/a/prog.o %s/b/prog.o --targets %s 2>/dev/null",
		UZ_CLI, d, d, TARGET_NEW);
	snprintf(out2, sizeof(out2), "\n%s/b/prog:", d);
	assert_non_null(strstr(out1, out2));
	assert_int_equal(uzt_run(out1, sizeof(out1), "%s matrix %s/a/prog.o %s/a/prog.o --targets %s 2>&1",
				 UZ_CLI, d, d, TARGET_NEW), 2);
	assert_non_null(strstr(out1, "is given twice"));
	assert_int_equal(uzt_run(NULL, 0, "rm -rf %s", d), 0);
}

/* Progress: a line per target in a log above 20 targets, one rewritten line on a terminal. */
static void test_matrix_progress(void **state)
{
	char d[64];

	(void)state;
	snprintf(d, sizeof(d), "/tmp/uz-cli-%d-many", (int)getpid());
	assert_int_equal(uzt_run(NULL, 0, "mkdir %s && for i in $(seq 10 30); do cp %s %s/k$i.btf; "
				 "done", d, TARGET_NEW, d), 0);
	assert_int_equal(uzt_run(out1, sizeof(out1), "(%s matrix %s --targets %s 2>&1 >/dev/null)",
				 UZ_CLI, BASIC_OBJ, d), 0);
	assert_non_null(strstr(out1, "[1/21] "));
	assert_non_null(strstr(out1, "[21/21] "));
	assert_int_equal(uzt_run(out1, sizeof(out1), "(%s matrix %s --targets %s/k10.btf %s/k11.btf "
				 "2>&1 >/dev/null)", UZ_CLI, BASIC_OBJ, d, d), 0);
	assert_null(strstr(out1, "[1/2]"));
	assert_int_equal(uzt_run(out1, sizeof(out1), "script -qec \"%s matrix %s --targets %s/k10.btf "
				 "%s/k11.btf 2>&1 >/dev/null\" /dev/null", UZ_CLI, BASIC_OBJ, d, d), 0);
	assert_non_null(strstr(out1, "\r\033[K[1/2] k10.btf\r\033[K[2/2] k11.btf\r\033[K"));
	assert_int_equal(uzt_run(NULL, 0, "rm -rf %s", d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_reloc_json),
		cmocka_unit_test(test_stdin_object),
		cmocka_unit_test(test_explain_json),
		cmocka_unit_test(test_btf_json),
		cmocka_unit_test(test_matrix_flags),
		cmocka_unit_test(test_matrix_targets),
		cmocka_unit_test(test_matrix_merge_shards),
		cmocka_unit_test(test_matrix_object_names),
		cmocka_unit_test(test_matrix_names),
		cmocka_unit_test(test_matrix_progress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
