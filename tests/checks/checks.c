// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/checks.c: the check framework: running a check, printing
 * and counting comparisons, starting a sample from its object (with the
 * offsets that were applied printed for the host to tabulate).
 */
#include "checks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>

void check_proctop(struct uzc *c);
void check_writesize(struct uzc *c);
void check_lo_filter(struct uzc *c);
void check_dropmon(struct uzc *c);
void check_fallback(struct uzc *c);
void check_tpfork(struct uzc *c);
void check_iolatency(struct uzc *c);

const struct uzc_check uzc_checks[] = {
	{ "proctop", "pid, tgid, ppid, uid, gid, comm, state and start time of a forked child",
	  check_proctop },
	{ "writesize", "exact write() size histogram of a child process", check_writesize },
	{ "lo_filter", "loopback packets counted, veth packets in a private netns filtered out",
	  check_lo_filter },
	{ "dropmon", "drops at a closed UDP port, reason NO_SOCKET as this kernel numbers it",
	  check_dropmon },
	{ "fallback", "inode mtime through the 6.11+ field or the guarded older one",
	  check_fallback },
	{ "tpfork", "parent and child pids of a fork, from the tracepoint record alone",
	  check_tpfork },
	{ "iolatency", "exact O_DIRECT requests on known sectors, on the disk's name",
	  check_iolatency },
	{ NULL, NULL, NULL },
};

const struct uzc_check *uzc_find(const char *name)
{
	const struct uzc_check *k;

	for (k = uzc_checks; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

unsigned int uzc_run(struct uzc *c, const struct uzc_check *chk)
{
	c->check = chk->name;
	c->compared = 0;
	c->failed = 0;
	fprintf(c->log, "== %s: %s\n", chk->name, chk->what);
	fflush(c->log);
	chk->run(c);
	if (!c->compared && !c->failed)
		uzc_fail(c, "the check compared nothing");
	fprintf(c->log, "%s %s %s %u\n", UZC_TAG_CHECK, chk->name, c->failed ? "FAIL" : "PASS",
		c->failed);
	fflush(c->log);
	return c->failed;
}

static void vlog(struct uzc *c, const char *level, const char *fmt, va_list ap)
{
	fprintf(c->log, "  %s: %s", c->check ? c->check : "check", level);
	vfprintf(c->log, fmt, ap);
	fputc('\n', c->log);
	fflush(c->log);
}

void uzc_fail(struct uzc *c, const char *fmt, ...)
{
	va_list ap;

	c->failed++;
	va_start(ap, fmt);
	vlog(c, "FAILED: ", fmt, ap);
	va_end(ap);
}

void uzc_note(struct uzc *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(c, "", fmt, ap);
	va_end(ap);
}

static bool perturbed(const struct uzc *c)
{
	return c->perturb && c->check && !strcmp(c->perturb, c->check);
}

bool uzc_eq(struct uzc *c, const char *what, long long got, long long want)
{
	bool ok;

	if (perturbed(c))
		want += 1;
	ok = got == want;
	c->compared++;
	if (!ok)
		c->failed++;
	fprintf(c->log, "  %s: %s = %lld (want %lld) %s\n", c->check, what, got, want,
		ok ? "ok" : "FAIL");
	fflush(c->log);
	return ok;
}

bool uzc_true(struct uzc *c, const char *what, bool cond)
{
	if (perturbed(c))
		cond = !cond;
	c->compared++;
	if (!cond)
		c->failed++;
	fprintf(c->log, "  %s: %s %s\n", c->check, what, cond ? "ok" : "FAIL");
	fflush(c->log);
	return cond;
}

bool uzc_streq(struct uzc *c, const char *what, const char *got, const char *want)
{
	bool ok = !strcmp(got, want);

	if (perturbed(c))
		ok = !ok;
	c->compared++;
	if (!ok)
		c->failed++;
	fprintf(c->log, "  %s: %s = '%s' (want '%s'%s) %s\n", c->check, what, got, want,
		perturbed(c) ? ", perturbed: must differ" : "", ok ? "ok" : "FAIL");
	fflush(c->log);
	return ok;
}

/* "<dir>/<name>.o" for the first dir of c->objpath that has it. */
static bool find_object(const struct uzc *c, const char *name, char *path, size_t sz)
{
	const char *p = c->objpath;

	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n && snprintf(path, sz, "%.*s/%s.o", (int)n, p, name) < (int)sz &&
		    access(path, R_OK) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/*
 * One UZ-OFFSET line per distinct (kind, spec) of the object: what this
 * kernel's types made of each relocation. Poisoned ones print "-".
 */
static void print_offsets(struct uzc *c, const char *name, const struct uz_relocation *rel)
{
	size_t n = uz_relocation_record_cnt(rel), i, j;

	for (i = 0; i < n; i++) {
		const struct uz_record *rec = uz_relocation_record(rel, i);
		bool dup = false;

		for (j = 0; j < i && !dup; j++) {
			const struct uz_record *o = uz_relocation_record(rel, j);

			dup = o->kind == rec->kind && !strcmp(o->spec, rec->spec);
		}
		if (dup)
			continue;
		if (rec->result == UZ_RESULT_OK)
			fprintf(c->log, "%s %s %s %s %s %llu\n", UZC_TAG_OFFSET, name,
				uz_kind_name(rec->kind), rec->spec,
				rec->target_spec[0] ? rec->target_spec : "-",
				(unsigned long long)rec->new_value);
		else
			fprintf(c->log, "%s %s %s %s - -\n", UZC_TAG_OFFSET, name,
				uz_kind_name(rec->kind), rec->spec);
	}
	fflush(c->log);
}

bool uzc_start(struct uzc *c, struct uz_runner *r, const char *name)
{
	char path[4096];

	memset(r, 0, sizeof(*r));
	if (geteuid() != 0) {
		uzc_fail(c, "loading BPF programs needs root; run as root");
		return false;
	}
	if (!find_object(c, name, path, sizeof(path))) {
		uzc_fail(c, "no %s.o in the object path '%s'", name, c->objpath ? c->objpath : "");
		return false;
	}
	if (uz_runner_mount_tracefs(c->log)) {
		uzc_fail(c, "tracefs is not available at /sys/kernel/tracing");
		return false;
	}
	if (uz_runner_open_file(r, name, path, c->target, c->log)) {
		uzc_fail(c, "%s: relocation or open failed (message above)", name);
		uz_runner_close(r);
		return false;
	}
	if (c->offsets)
		print_offsets(c, name, r->rel);
	if (uz_runner_load(r)) {
		uzc_fail(c, "%s: the kernel refused the program (explanation above)", name);
		uz_runner_close(r);
		return false;
	}
	if (uz_runner_attach(r)) {
		uzc_fail(c, "%s: attaching failed", name);
		uz_runner_close(r);
		return false;
	}
	return true;
}

struct btf *uzc_btf(const struct uzc *c)
{
	if (c->types)
		return btf__new(c->types, (__u32)c->types_len);
	return c->target ? btf__parse(c->target, NULL) : btf__load_vmlinux_btf();
}

uint64_t uzc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void uzc_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
