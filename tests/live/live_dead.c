// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/live/live_dead.c: the library's dead-code answer against the
 * ground truth, the running kernel's verifier. Every object (the samples,
 * tests/checks/fallback.o, the unguarded read, dead_guards.o with one
 * program per kind of guard, dead_subprog_{dead,live}.o, and
 * tests/reloc/dead_multi.o with two programs in one section) is relocated
 * against the running kernel's BTF and each of its programs is loaded on
 * its own with libbpf. The verifier refuses a program with the poison call
 * ("unknown#195896080") exactly when the library says a poisoned record of
 * that program is reachable (uz_record.dead false); every other program
 * loads.
 */
#include "live_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#define LOG_SIZE (1u << 20)
#define MAX_PROGS 16

struct tally {
	size_t dead_loaded;	/* programs with dead poison that the kernel took */
	size_t refused;		/* programs the kernel refused with the poison call */
	size_t clean;		/* programs with no poison */
};

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * The library's answer for one program: its instructions [@off, @off + @cnt)
 * of its section, and the subprograms (.text: the objects with subprograms
 * have one program).
 */
static void poison_of(const struct uz_relocation *rel, const char *section, size_t off,
		      size_t cnt, size_t *live, size_t *dead)
{
	size_t i, n = uz_relocation_record_cnt(rel);

	*live = *dead = 0;
	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (r->result != UZ_RESULT_POISONED)
			continue;
		if (strcmp(r->section, ".text") &&
		    (strcmp(r->section, section) || r->insn < off || r->insn >= off + cnt))
			continue;
		if (r->dead)
			(*dead)++;
		else
			(*live)++;
	}
}

/* Load only program @name of the relocated bytes; 0 or the libbpf error, log in @log. */
static int load_one(const void *buf, size_t len, const char *name, char *log)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .object_name = "uzt_dead");
	struct bpf_object *o = bpf_object__open_mem(buf, len, &oopts);
	struct bpf_program *p;
	int ret;

	assert_non_null(o);
	log[0] = 0;
	bpf_object__for_each_program(p, o) {
		bool me = !strcmp(bpf_program__name(p), name);

		bpf_program__set_autoload(p, me);
		if (me)
			bpf_program__set_log_buf(p, log, LOG_SIZE);
	}
	ret = bpf_object__load(o);
	bpf_object__close(o);
	return ret;
}

static void check_object(const char *label, const char *path, char *log, struct tally *t)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .object_name = "uzt_dead");
	char names[MAX_PROGS][128], secs[MAX_PROGS][128];
	size_t offs[MAX_PROGS], cnts[MAX_PROGS], j;
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct uz_object *obj = NULL;
	struct uz_target *tgt = NULL;
	struct bpf_object *o;
	struct bpf_program *p;
	size_t len = 0, n = 0, i;
	void *buf = NULL;

	if (uz_object_open(path, NULL, &obj, &err) || uz_target_load(NULL, NULL, &tgt, &err) ||
	    uz_object_relocate(obj, tgt, NULL, &rel, &err) ||
	    uz_relocation_write_mem(rel, &buf, &len, &err))
		fail_msg("%s: %s", path, err.msg);
	o = bpf_object__open_mem(buf, len, &oopts);
	assert_non_null(o);
	bpf_object__for_each_program(p, o) {
		assert_true(n < MAX_PROGS);
		snprintf(names[n], sizeof(names[n]), "%s", bpf_program__name(p));
		snprintf(secs[n], sizeof(secs[n]), "%s", bpf_program__section_name(p));
		/* libbpf keeps a section's programs in instruction order */
		cnts[n] = bpf_program__insn_cnt(p);
		for (j = 0, offs[n] = 0; j < n; j++)
			offs[n] += strcmp(secs[j], secs[n]) ? 0 : cnts[j];
		n++;
	}
	bpf_object__close(o);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		size_t live, dead;
		bool refused;
		int ret;

		poison_of(rel, secs[i], offs[i], cnts[i], &live, &dead);
		ret = load_one(buf, len, names[i], log);
		refused = ret && strstr(log, "unknown#195896080");
		if (ret && !refused)
			fail_msg("%s: %s: the kernel refused it for another reason (%d):\n%s", label,
				 names[i], ret, log);
		print_message("%-18s %-22s %zu reachable, %zu dead poisoned; verifier: %s\n", label,
			      names[i], live, dead, ret ? "refused (poison call)" : "loaded");
		if ((live > 0) != refused)
			fail_msg("%s: %s: the library says %zu poisoned record(s) reachable, but the verifier %s it",
				 label, names[i], live, refused ? "refused" : "loaded");
		t->dead_loaded += !refused && dead;
		t->refused += refused;
		t->clean += !live && !dead;
	}
	free(buf);
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);
}

static void test_dead_matches_verifier(void **state)
{
	static const char *const objs[][2] = {
		{ "dropmon", "samples/dropmon.o" },
		{ "lo_filter", "samples/lo_filter.o" },
		{ "writesize", "samples/writesize.o" },
		{ "iolatency", "samples/iolatency.o" },
		{ "proctop", "samples/proctop.o" },
		{ "fallback", "tests/checks/fallback.o" },
		{ "unguarded", "tests/live/unguarded.o" },
		{ "dead_guards", "tests/live/dead_guards.o" },
		{ "dead_subprog_dead", "tests/live/dead_subprog_dead.o" },
		{ "dead_subprog_live", "tests/live/dead_subprog_live.o" },
		{ "dead_multi", "tests/reloc/dead_multi.o" },
	};
	const char *build = getenv("UZ_BUILD");
	libbpf_print_fn_t old = libbpf_set_print(quiet);
	struct tally t = { 0 };
	char path[4096], *log = malloc(LOG_SIZE);
	size_t i;

	(void)state;
	live_require_root();
	assert_non_null(build);
	assert_non_null(log);
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", build, objs[i][1]);
		check_object(objs[i][0], path, log, &t);
	}
	libbpf_set_print(old);
	free(log);
	print_message("%zu programs loaded with dead poison, %zu refused, %zu without poison\n",
		      t.dead_loaded, t.refused, t.clean);
	/* iolatency, fallback, five dead_guards programs, dead_subprog_dead, dead_multi */
	assert_true(t.dead_loaded >= 9);
	/* unguarded, two dead_guards programs, dead_subprog_live, dead_multi */
	assert_true(t.refused >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dead_matches_verifier),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
