// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/tracefs/test_tracefs_unit.c: the tracefs source on format files
 * written here: a good one (its record checked member by member with
 * libbpf's btf.h), then bad ones, each of which must fail with a message
 * naming the file and the line: malformed and truncated lines, a file cut
 * before its print fmt, unknown type strings, a missing event, a directory
 * with no formats, truncated and empty-member tars, and two events of one
 * view that disagree on the fields it reads. Views that disagree with a
 * format (a field it lacks, a signed field read at another width, a field
 * of another kind) are poisoned with messages naming the format file and
 * the field's line, through the library and the CLI (reloc, explain), from
 * a directory and from a tar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userize/userize.h"
#include "uzt.h"

#define HDR "name: %s\nID: 1\nformat:\n" \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
#define PRINT "\nprint fmt: \"x=%%d\", REC->x\n"

static char root[256];

static void put(const char *sys, const char *ev, const char *fmt_body, bool with_print)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/events/%s/%s", root, sys, ev);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", p);
		assert_int_equal(system(cmd), 0);
	}
	strcat(p, "/format");
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, HDR, ev);
	fputs(fmt_body, f);
	if (with_print)
		fprintf(f, PRINT);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/uz-tfs-XXXXXX");
	assert_non_null(mkdtemp(root));
	put("t", "good", "\tfield:pid_t x;\toffset:8;\tsize:4;\tsigned:1;\n"
		"\tfield:char comm[16];\toffset:12;\tsize:16;\tsigned:0;\n"
		"\tfield:__data_loc char[] name;\toffset:28;\tsize:4;\tsigned:0;\n"
		"\tfield:const void * p;\toffset:32;\tsize:8;\tsigned:0;\n"
		"\tfield:enum color c;\toffset:40;\tsize:4;\tsigned:0;\n", false);
	{
		char p[512];
		FILE *f;

		snprintf(p, sizeof(p), "%s/events/t/good/format", root);
		f = fopen(p, "a");
		assert_non_null(f);
		fputs("\nprint fmt: \"c=%s\", __print_symbolic(REC->c, { 1, \"RED\" }, { 0x10, \"COLOR_BLUE\" }, { X, \"NOVALUE\" })\n", f);
		fclose(f);
	}
	put("t", "badattr", "\tfield:int x;\toffset:8;\tsize:four;\tsigned:1;\n", true);
	put("t", "cutline", "\tfield:int x;\toffset:8;\tsi\n", true);
	put("t", "noprint", "\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n", false);
	put("t", "badtype", "\tfield:int (*fn)(void) x;\toffset:8;\tsize:8;\tsigned:0;\n", true);
	put("t", "badtype2", "\tfield:unsigned struct foo x;\toffset:8;\tsize:4;\tsigned:0;\n", true);
	put("t", "badsize", "\tfield:unsigned int x;\toffset:8;\tsize:3;\tsigned:1;\n", true);
	put("sched", "sched_process_exit", "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
		"\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
		"\tfield:bool group_dead;\toffset:28;\tsize:1;\tsigned:0;\n", true);
	put("sched", "sched_process_free", "\tfield:__data_loc char[] comm;\toffset:8;\tsize:4;\tsigned:0;\n"
		"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n", true);
	/* as 6.18 has it: prev_pid on line 10, next_comm on line 13 */
	put("sched", "sched_switch", "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
		"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
		"\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
		"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
		"\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
		"\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
		"\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n", true);
	put("t", "overlap", "\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n"
		"\tfield:int y;\toffset:10;\tsize:4;\tsigned:1;\n", true);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? -1 : 0;
}

static struct uz_target *load(const char *path)
{
	UZ_OPTS_INIT(uz_target_opts, o, .sources = UZ_SOURCE_TRACEFS);
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;

	if (uz_target_load(path, &o, &t, &err))
		fail_msg("load %s: %s", path, err.msg);
	return t;
}

/* need() of @name must fail with a message holding @want1 and @want2. */
static void need_fails(const char *name, const char *want1, const char *want2)
{
	struct uz_target *t = load(root);
	struct uz_error err = { 0 };
	const char *names[] = { name };

	assert_int_not_equal(uz_target_need_types(t, names, 1, &err), 0);
	printf("  %s -> %s\n", name, err.msg);
	if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
		fail_msg("'%s' lacks '%s'/'%s'", err.msg, want1, want2 ? want2 : "");
	uz_target_free(t);
}

/* The line of @file holding @needle (1-based), read here, independently of
 * the parser; fails the test when there is none. */
static unsigned int line_of(const char *file, const char *needle)
{
	char line[512];
	unsigned int n = 0;
	FILE *f = fopen(file, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, needle)) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	fail_msg("%s has no line with '%s'", file, needle);
	return 0;
}

static void good_record(void **state)
{
	struct uz_target *t = load(root);
	struct uz_error err = { 0 };
	const char *names[] = { "tracepoint:t/good" };
	const struct btf *b;
	const struct btf_type *st, *mt;
	const struct btf_member *m;
	const struct btf_enum *e;
	int id, i;

	(void)state;
	assert_int_equal(uz_target_need_types(t, names, 1, &err), 0);
	b = uz_target_btf(t);
	id = btf__find_by_name_kind(b, "trace_event_raw_good", BTF_KIND_STRUCT);
	assert_true(id > 0);
	st = btf__type_by_id(b, id);
	assert_int_equal(btf_vlen(st), 7);
	m = btf_members(st);
	assert_string_equal(btf__name_by_offset(b, m[0].name_off), "ent");
	assert_string_equal(btf__name_by_offset(b, btf__type_by_id(b, m[0].type)->name_off), "trace_entry");
	assert_int_equal(btf__resolve_size(b, m[0].type), 8);
	assert_string_equal(btf__name_by_offset(b, m[1].name_off), "x");
	assert_int_equal(btf_member_bit_offset(st, 1), 64);
	mt = btf__type_by_id(b, m[1].type);
	assert_true(btf_is_typedef(mt));
	assert_string_equal(btf__name_by_offset(b, mt->name_off), "pid_t");
	assert_true(btf_int_encoding(btf__type_by_id(b, mt->type)) & BTF_INT_SIGNED);
	assert_string_equal(btf__name_by_offset(b, m[2].name_off), "comm");
	assert_int_equal(btf_member_bit_offset(st, 2), 96);
	assert_true(btf_is_array(btf__type_by_id(b, m[2].type)));
	assert_int_equal(btf_array(btf__type_by_id(b, m[2].type))->nelems, 16);
	assert_string_equal(btf__name_by_offset(b, m[3].name_off), "__data_loc_name");
	assert_int_equal(btf_member_bit_offset(st, 3), 28 * 8);
	assert_int_equal(btf__resolve_size(b, m[3].type), 4);
	assert_true(btf_is_ptr(btf__type_by_id(b, m[4].type)));
	assert_int_equal(btf_member_bit_offset(st, 4), 32 * 8);
	mt = btf__type_by_id(b, m[5].type);
	assert_true(btf_is_enum(mt));
	assert_string_equal(btf__name_by_offset(b, mt->name_off), "color");
	assert_int_equal(btf_vlen(mt), 2);
	e = btf_enum(mt);
	assert_string_equal(btf__name_by_offset(b, e[0].name_off), "COLOR_RED");
	assert_int_equal(e[0].val, 1);
	assert_string_equal(btf__name_by_offset(b, e[1].name_off), "COLOR_BLUE");
	assert_int_equal(e[1].val, 16);
	assert_string_equal(btf__name_by_offset(b, m[6].name_off), "__data");
	assert_int_equal(btf_member_bit_offset(st, 6), 44 * 8);
	assert_int_equal(st->size, 48);
	for (i = 0; i < 7; i++)
		assert_true(m[i].type > 0);
	uz_target_free(t);
}

static void malformed_attr(void **state)
{
	(void)state;
	need_fails("tracepoint:t/badattr", "events/t/badattr/format:9:", "expected offset:N; size:N; signed");
}

static void truncated_line(void **state)
{
	(void)state;
	need_fails("tracepoint:t/cutline", "events/t/cutline/format:9:", "truncated or malformed");
}

static void truncated_file(void **state)
{
	(void)state;
	need_fails("tracepoint:t/noprint", "events/t/noprint/format:", "ends before its 'print fmt:' line");
}

static void unknown_types(void **state)
{
	(void)state;
	need_fails("tracepoint:t/badtype", "events/t/badtype/format:9:", "unknown type 'int (*fn)(void)'");
	need_fails("tracepoint:t/badtype2", "events/t/badtype2/format:9:", "unknown type 'unsigned struct foo'");
	need_fails("tracepoint:t/badsize", "events/t/badsize/format:9:", "size 3, which no integer has");
	need_fails("tracepoint:t/overlap", "events/t/overlap/format:10:", "overlaps the previous field");
}

static void missing_event(void **state)
{
	(void)state;
	need_fails("tracepoint:t/nope", "no event t/nope", "events/t/nope/format does not exist");
}

static void not_tracefs(void **state)
{
	UZ_OPTS_INIT(uz_target_opts, o, .sources = UZ_SOURCE_TRACEFS);
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	char p[300];

	(void)state;
	snprintf(p, sizeof(p), "%s/events/t", root);
	assert_int_not_equal(uz_target_load(p, &o, &t, &err), 0);
	assert_null(t);
	printf("  %s -> %s\n", p, err.msg);
	assert_non_null(strstr(err.msg, ": is a directory without events/SYS/EVENT/format files"));
}

static void tars(void **state)
{
	UZ_OPTS_INIT(uz_target_opts, o, .sources = UZ_SOURCE_TRACEFS);
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	const char *names[] = { "tracepoint:t/good" };
	char cmd[1200], tgz[300], cut[300], empty[300];

	(void)state;
	snprintf(tgz, sizeof(tgz), "%s/copy.tar.gz", root);
	snprintf(cut, sizeof(cut), "%s/cut.tar", root);
	snprintf(empty, sizeof(empty), "%s/empty.tar", root);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && tar czf copy.tar.gz events && tar cf full.tar events && "
		 "head -c 3000 full.tar > cut.tar && mkdir -p e/events/t/good && "
		 ": > e/events/t/good/format && tar cf empty.tar -C e events", root);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "cd '%s' && xz -k -c full.tar > copy.tar.xz && zstd -q -c full.tar > copy.tar.zst",
		 root);
	assert_int_equal(system(cmd), 0);
	{
		static const char *const kinds[] = { "copy.tar.gz", "copy.tar.xz", "copy.tar.zst", "full.tar" };
		size_t i;

		for (i = 0; i < 4; i++) {
			snprintf(tgz, sizeof(tgz), "%s/%s", root, kinds[i]);
			t = load(tgz);
			assert_int_equal(uz_target_provenance(t)->source, UZ_SOURCE_TRACEFS);
			assert_int_equal(uz_target_need_types(t, names, 1, &err), 0);
			assert_true(btf__find_by_name_kind(uz_target_btf(t), "trace_event_raw_good",
							   BTF_KIND_STRUCT) > 0);
			uz_target_free(t);
		}
	}
	t = NULL;
	assert_int_not_equal(uz_target_load(cut, &o, &t, &err), 0);
	printf("  %s -> %s\n", cut, err.msg);
	assert_non_null(strstr(err.msg, "cut.tar"));
	assert_non_null(strstr(err.msg, "truncated"));
	t = load(empty);
	assert_int_not_equal(uz_target_need_types(t, names, 1, &err), 0);
	printf("  %s -> %s\n", empty, err.msg);
	assert_non_null(strstr(err.msg, "empty.tar:t/good/format: empty file"));
	uz_target_free(t);
}

/* Every proper prefix of a good format file is an error naming the file
 * (the print fmt line must end with its newline); never a crash. */
static void every_truncation(void **state)
{
	char src[512], dst[512], *text;
	size_t len, n, ok = 0;
	FILE *f;

	(void)state;
	snprintf(src, sizeof(src), "%s/events/t/good/format", root);
	f = fopen(src, "rb");
	assert_non_null(f);
	text = malloc(8192);
	assert_non_null(text);
	len = fread(text, 1, 8191, f);
	fclose(f);
	put("t", "trunc", "", false);
	snprintf(dst, sizeof(dst), "%s/events/t/trunc/format", root);
	for (n = 0; n < len; n++) {
		struct uz_target *t;
		struct uz_error err = { 0 };
		const char *names[] = { "tracepoint:t/trunc" };
		char *e = memmem(text, len, "name: good", 10);

		f = fopen(dst, "wb");
		assert_non_null(f);
		/* the event is called trunc here */
		fwrite(text, 1, n < (size_t)(e - text) + 6 ? n : (size_t)(e - text) + 6, f);
		if (n > (size_t)(e - text) + 6) {
			fputs("trunc", f);
			if (n > (size_t)(e - text) + 10)
				fwrite(e + 10, 1, n - (size_t)(e - text) - 10, f);
		}
		fclose(f);
		t = load(root);
		if (uz_target_need_types(t, names, 1, &err)) {
			if (!strstr(err.msg, "t/trunc/format"))
				fail_msg("prefix %zu: '%s' does not name the file", n, err.msg);
		} else {
			ok++;
		}
		uz_target_free(t);
	}
	printf("  %zu proper prefixes: %zu parsed, %zu errors naming the file\n", len, ok, len - ok);
	assert_int_equal(ok, 0);
	free(text);
}

/*
 * tests/tracefs/disagree.o names sched_process_exit and sched_process_free
 * for one view: pid is at 24 in one and 12 in the other, group_dead only in
 * the first. Both reads are errors naming both events.
 */
static void events_disagree(void **state)
{
	UZ_OPTS_INIT(uz_reloc_opts, ro, .allow_errors = true);
	const char *b = getenv("UZ_BUILD");
	struct uz_target *t = load(root);
	struct uz_error err = { 0 };
	struct uz_object *o = NULL;
	struct uz_relocation *rel = NULL;
	bool off = false, missing = false;
	char p[512], exit_f[300], free_f[300], want[800], has[600], hasnt[800];
	size_t i;

	(void)state;
	snprintf(exit_f, sizeof(exit_f), "%s/events/sched/sched_process_exit/format", root);
	snprintf(free_f, sizeof(free_f), "%s/events/sched/sched_process_free/format", root);
	assert_non_null(b);
	snprintf(p, sizeof(p), "%s/tests/tracefs/disagree.o", b);
	if (uz_object_open(p, NULL, &o, &err))
		fail_msg("%s", err.msg);
	assert_int_not_equal(uz_object_relocate(o, t, NULL, &rel, &err), 0);
	printf("  disagree.o -> %s\n", err.msg);
	assert_non_null(strstr(err.msg, "trace_event_raw_sched_process_template___sched_process_exit"));
	assert_non_null(strstr(err.msg, "trace_event_raw_sched_process_template___sched_process_free"));
	/* where each event has the field: pid's line in either format file */
	snprintf(want, sizeof(want), " (%s:%u and %s:%u)", exit_f, line_of(exit_f, " pid;"), free_f,
		 line_of(free_f, " pid;"));
	if (!strstr(err.msg, want))
		fail_msg("'%s' lacks '%s'", err.msg, want);
	snprintf(has, sizeof(has), "___sched_process_exit has tp_dead_user.group_dead (%s:%u), ", exit_f,
		 line_of(exit_f, " group_dead;"));
	snprintf(hasnt, sizeof(hasnt), "___sched_process_free does not (%s) (every event", free_f);
	assert_int_equal(uz_object_relocate(o, t, &ro, &rel, &err), 0);
	for (i = 0; i < uz_relocation_record_cnt(rel); i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		assert_int_equal(r->result, UZ_RESULT_ERROR);
		off |= strstr(r->message, "field offset ambiguity") && strstr(r->spec, ".pid") &&
		       strstr(r->message, want) && strstr(r->spec, ".pid");
		missing |= strstr(r->message, "the events of a userize:tracepoint view disagree") &&
			   strstr(r->message, has) && strstr(r->message, hasnt);
	}
	assert_true(off);
	assert_true(missing);
	uz_relocation_free(rel);
	uz_object_free(o);
	uz_target_free(t);
}

/* The messages tests/tracefs/mismatch.o must get from the format of
 * sched/sched_switch named @file ("DIR/events/..." or "TAR:sched/..."). */
static void mismatch_msgs(const char *file, const char *line_file, char *gone, char *wide,
			  char *kind, size_t sz)
{
	snprintf(gone, sz, "%s: struct trace_event_raw_sched_switch has no member 'prev_cpu'; nearest names: prev_comm, prev_pid, prev_prio, prev_state",
		 file);
	snprintf(wide, sz, "%s:%u: field 'prev_pid' is 4 bytes, the view reads 8 (tp_switch_wide_user.prev_pid), and it is not a pointer or unsigned integer, so a load of the new width would read a wrong value; the instruction is poisoned: read the field with a width-agnostic helper (UZ_READ_INT: byte size + shifts + signed relocations)",
		 file, line_of(line_file, " prev_pid;"));
	snprintf(kind, sz, "%s:%u: member 'next_comm' of struct trace_event_raw_sched_switch is char[16], incompatible with the local int",
		 file, line_of(line_file, " next_comm[16];"));
}

/*
 * tests/tracefs/mismatch.o reads sched_switch through three views that
 * disagree with its format: prev_cpu (no such field), prev_pid as a long
 * (4 signed bytes there: no load can adjust it), next_comm as an int (a
 * char[16] there); and the value of an enumerator t/good's enum lacks.
 * Each record is poisoned with a message that starts with the format file
 * and, where the field exists, its line.
 */
static void view_vs_format(void **state)
{
	const char *b = getenv("UZ_BUILD");
	struct uz_error err = { 0 };
	struct uz_object *o = NULL;
	struct uz_relocation *rel = NULL;
	char p[512], file[300], gone[1024], wide[1024], kind[1024];
	const char *want[3] = { gone, wide, kind };
	const char *specs[3] = { "tp_switch_gone_user.prev_cpu", "tp_switch_wide_user.prev_pid",
				 "tp_switch_kind_user.next_comm" };
	struct uz_target *t = load(root);
	const struct uz_record *r;
	size_t i;

	(void)state;
	assert_non_null(b);
	snprintf(p, sizeof(p), "%s/tests/tracefs/mismatch.o", b);
	snprintf(file, sizeof(file), "%s/events/sched/sched_switch/format", root);
	mismatch_msgs(file, file, gone, wide, kind, sizeof(gone));
	if (uz_object_open(p, NULL, &o, &err))
		fail_msg("%s", err.msg);
	if (uz_object_relocate(o, t, NULL, &rel, &err))
		fail_msg("%s", err.msg);
	/* enum color comes from t/good, whose print fmt lists RED and BLUE */
	snprintf(file, sizeof(file), "%s/events/t/good/format", root);
	snprintf(gone, sizeof(gone), "%s:%u: enum color has no enumerator 'COLOR_GREEN'; nearest names: COLOR_RED, COLOR_BLUE",
		 file, line_of(file, " c;"));
	r = uzt_find(rel, "color::COLOR_GREEN", UZ_ENUMVAL_VALUE);
	assert_non_null(r);
	printf("  color::COLOR_GREEN -> %s\n", r->message);
	assert_int_equal(r->result, UZ_RESULT_POISONED);
	assert_string_equal(r->message, gone);
	snprintf(file, sizeof(file), "%s/events/sched/sched_switch/format", root);
	mismatch_msgs(file, file, gone, wide, kind, sizeof(gone));
	for (i = 0; i < 3; i++) {
		r = uzt_find(rel, specs[i], UZ_FIELD_BYTE_OFFSET);
		assert_non_null(r);
		printf("  %s -> %s\n", specs[i], r->message);
		assert_int_equal(r->result, UZ_RESULT_POISONED);
		assert_false(r->dead);
		assert_string_equal(r->message, want[i]);
	}
	uz_relocation_free(rel);
	uz_object_free(o);
	uz_target_free(t);
}

/* The same through the CLI: reloc (warnings, exit 0, output written),
 * explain (why: lines, exit 1), a tar of the tree (its member named),
 * disagree.o (exit 1, both files and lines), btfgen of the tree. */
static void view_vs_format_cli(void **state)
{
	static char out[1 << 16];
	const char *b = getenv("UZ_BUILD");
	char obj[512], dobj[512], file[300], tfile[400], tgz[300], o1[300], gone[1024],
	     wide[1024], kind[1024], want[1200];
	struct stat st;

	(void)state;
	assert_non_null(b);
	snprintf(obj, sizeof(obj), "%s/tests/tracefs/mismatch.o", b);
	snprintf(dobj, sizeof(dobj), "%s/tests/tracefs/disagree.o", b);
	snprintf(file, sizeof(file), "%s/events/sched/sched_switch/format", root);
	snprintf(o1, sizeof(o1), "%s/mismatch.reloc.o", root);
	mismatch_msgs(file, file, gone, wide, kind, sizeof(gone));
	unlink(o1);
	assert_int_equal(uzt_run(out, sizeof(out), "%s reloc %s --target %s --target-format tracefs -o %s",
				 UZ_CLI, obj, root, o1), 0);
	printf("%s", out);
	assert_int_equal(stat(o1, &st), 0);
	snprintf(want, sizeof(want), ": byte_off tp_switch_gone_user.prev_cpu: %s\n", gone);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), ": byte_off tp_switch_wide_user.prev_pid: %s\n", wide);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), ": byte_off tp_switch_kind_user.next_comm: %s\n", kind);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), ": enumval_value color::COLOR_GREEN: %s/events/t/good/format:", root);
	assert_non_null(strstr(out, want));

	assert_int_equal(uzt_run(out, sizeof(out), "%s explain %s --target %s --target-format tracefs",
				 UZ_CLI, obj, root), 1);
	snprintf(want, sizeof(want), "  why: %s\n", gone);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "  why: %s\n", wide);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "  why: %s\n", kind);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "]: matched trace_event_raw_sched_switch.prev_pid (%s:%u)\n",
		 file, line_of(file, " prev_pid;"));
	if (!strstr(out, want))
		fail_msg("explain lacks '%s':\n%s", want, out);

	/* a tar: the file is TAR:SYS/EVENT/format */
	snprintf(tgz, sizeof(tgz), "%s/sw.tar.gz", root);
	assert_int_equal(uzt_run(NULL, 0, "cd '%s' && tar czf sw.tar.gz events/sched/sched_switch", root), 0);
	snprintf(tfile, sizeof(tfile), "%s:sched/sched_switch/format", tgz);
	mismatch_msgs(tfile, file, gone, wide, kind, sizeof(gone));
	assert_int_equal(uzt_run(out, sizeof(out), "%s reloc %s --target %s --target-format tracefs -o /dev/null",
				 UZ_CLI, obj, tgz), 0);
	printf("%s", out);
	assert_non_null(strstr(out, gone));
	assert_non_null(strstr(out, wide));
	assert_non_null(strstr(out, kind));

	/* two events of one view: nothing written, both files and lines */
	unlink(o1);
	assert_int_equal(uzt_run(out, sizeof(out), "%s reloc %s --target %s --target-format tracefs -o %s",
				 UZ_CLI, dobj, root, o1), 1);
	printf("%s", out);
	assert_int_not_equal(stat(o1, &st), 0);
	snprintf(file, sizeof(file), "%s/events/sched/sched_process_exit/format", root);
	snprintf(tfile, sizeof(tfile), "%s/events/sched/sched_process_free/format", root);
	snprintf(want, sizeof(want), "put the field at bit 192 and bit 96 (%s:%u and %s:%u)\n", file,
		 line_of(file, " pid;"), tfile, line_of(tfile, " pid;"));
	assert_non_null(strstr(out, want));

	/* btfgen of the tree is one kernel, the tree itself (its report with
	 * the same messages), proven, including the disagreement's error */
	snprintf(file, sizeof(file), "%s/events/sched/sched_switch/format", root);
	mismatch_msgs(file, file, gone, wide, kind, sizeof(gone));
	snprintf(tfile, sizeof(tfile), "%s/min", root);
	assert_int_equal(uzt_run(out, sizeof(out), "rm -rf %s && %s btfgen %s %s --targets %s -o %s", tfile,
				 UZ_CLI, obj, dobj, root, tfile), 0);
	printf("%s", out);
	assert_null(strstr(out, "/sys/kernel"));
	assert_non_null(strstr(out, wide));
	assert_non_null(strstr(out, "minimized BTF of"));
	snprintf(tfile, sizeof(tfile), "%s/min/%s.btf", root, strrchr(root, '/') + 1);
	assert_int_equal(stat(tfile, &st), 0);
	/* a directory with neither kernels nor formats: an error, not the running kernel */
	snprintf(tfile, sizeof(tfile), "%s/nothing", root);
	assert_int_equal(uzt_run(out, sizeof(out), "mkdir -p %s && %s btfgen %s --targets %s -o %s/min2", tfile,
				 UZ_CLI, obj, tfile, root), 2);
	assert_non_null(strstr(out, "is a directory without events/SYS/EVENT/format files"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_record),
		cmocka_unit_test(malformed_attr),
		cmocka_unit_test(truncated_line),
		cmocka_unit_test(truncated_file),
		cmocka_unit_test(unknown_types),
		cmocka_unit_test(missing_event),
		cmocka_unit_test(not_tracefs),
		cmocka_unit_test(tars),
		cmocka_unit_test(events_disagree),
		cmocka_unit_test(view_vs_format),
		cmocka_unit_test(view_vs_format_cli),
		cmocka_unit_test(every_truncation),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
