/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tests/checks/checks.h: the samples' checks, written once and run in two
 * places: by the live tests on this machine's kernel (cmocka asserts that a
 * check failed nothing) and by uz-vmcheck inside every qemu guest (prints a
 * verdict per check on the serial console). A check starts a sample from its
 * unmodified object (relocated against the running kernel's own BTF),
 * causes activity whose numbers it knows, and compares what the program
 * counted with those numbers. Every comparison is printed, so a console log
 * says exactly which value was wrong.
 */
#ifndef UZ_TESTS_CHECKS_H
#define UZ_TESTS_CHECKS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "samples.h"

/* Prefixes of the lines a guest prints; the host test parses them. */
#define UZC_TAG_CHECK "UZ-CHECK"	/* UZ-CHECK <name> PASS|FAIL <n> */
#define UZC_TAG_OFFSET "UZ-OFFSET"	/* UZ-OFFSET <object> <kind> <spec> <target> <value> */
#define UZC_TAG_PATH "UZ-PATH"		/* UZ-PATH <check> direct|fallback */

struct uzc {
	FILE *log;		/* every comparison and diagnostic */
	const char *objpath;	/* ':'-separated dirs searched for <sample>.o */
	const char *target;	/* BTF to relocate against; NULL: running kernel */
	const void *types;	/* raw BTF the checks read their expectations
				 * from, when the relocation uses an archive
				 * entry (its rebuilt BTF); NULL: c->target or
				 * the running kernel's BTF */
	size_t types_len;
	const char *perturb;	/* check whose expectations are deliberately
				 * wrong (harness self-test), or NULL */
	bool offsets;		/* print UZ-OFFSET lines for each started object */
	const char *blockdev;	/* scratch disk for iolatency's raw I/O, or NULL:
				 * a file on the root file system's disk */
	/* state of the check being run */
	const char *check;
	unsigned int compared;
	unsigned int failed;
};

struct uzc_check {
	const char *name;
	const char *what;	/* one line: what it proves */
	void (*run)(struct uzc *c);
};

/* Every check, NULL-terminated, in the order uz-vmcheck runs them. */
extern const struct uzc_check uzc_checks[];

const struct uzc_check *uzc_find(const char *name);

/*
 * Run one check; returns the number of failed comparisons (0 = pass) and
 * prints "UZ-CHECK name PASS|FAIL n" to c->log.
 */
unsigned int uzc_run(struct uzc *c, const struct uzc_check *chk);

/* ---- for the check implementations ---------------------------------- */

/* Record a failure (setup error or wrong value) with a sentence. */
void uzc_fail(struct uzc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a note (context for the comparisons). */
void uzc_note(struct uzc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Compare @got with @want; prints "what = got (want W) ok|FAIL". When the
 * check is the one being perturbed, @want is offset by one, so the harness
 * can prove a wrong value is reported as a failure.
 */
bool uzc_eq(struct uzc *c, const char *what, long long got, long long want);
bool uzc_true(struct uzc *c, const char *what, bool cond);
bool uzc_streq(struct uzc *c, const char *what, const char *got, const char *want);

/* Start sample @name (relocate, load, attach); false (and a failure) on error. */
bool uzc_start(struct uzc *c, struct uz_runner *r, const char *name);

/*
 * The kernel types the sample is relocated against, for libbpf to read the
 * checks' expectations from: c->types, else c->target, else the running
 * kernel's BTF. NULL when unreadable; btf__free() it.
 */
struct btf *uzc_btf(const struct uzc *c);

/* Helpers shared by checks. */
uint64_t uzc_now_ns(void);
void uzc_sleep_ms(unsigned int ms);

/*
 * In a child process with its own network namespace: create the veth pair
 * @a/@b over rtnetlink and bring both up. 0 or a negative errno (printed).
 */
int uzc_veth_pair(struct uzc *c, const char *a, const char *b);
/* Set interface @name up (SIOCSIFFLAGS); 0 or a negative errno. */
int uzc_link_up(const char *name);

#endif /* UZ_TESTS_CHECKS_H */
