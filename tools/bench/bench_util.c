// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tools/bench/bench_util.c: see bench_util.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "bench_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

bool bench_clock_is_cpu(void)
{
	/* Read once: the environment is fixed for the run, and libbpf's log
	 * callback takes a timestamp for every message. */
	static int cpu = -1;

	if (cpu < 0) {
		const char *c = getenv("UZ_BENCH_CLOCK");

		cpu = c && !strcmp(c, "cpu");
	}
	return cpu;
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(bench_clock_is_cpu() ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void bench_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *bench_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		bench_die("out of memory");
	return p;
}

char *bench_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		bench_die("out of memory");
	return p;
}

void bench_progs_capture(struct bpf_object *obj, struct bench_prog **progs, size_t *n)
{
	struct bpf_program *p;
	size_t cnt = 0, i, j;

	bench_progs_free(progs, n);
	bpf_object__for_each_program(p, obj)
		cnt++;
	*progs = bench_xcalloc(cnt, sizeof(**progs));
	bpf_object__for_each_program(p, obj) {
		struct bench_prog *c = &(*progs)[(*n)++];

		c->name = bench_xstrdup(bpf_program__name(p));
		c->sec = bench_xstrdup(bpf_program__section_name(p));
		c->cnt = bpf_program__insn_cnt(p);
		c->insns = bench_xcalloc(c->cnt, sizeof(*c->insns));
		memcpy(c->insns, bpf_program__insns(p), c->cnt * sizeof(*c->insns));
	}
	for (i = 0; i < *n; i++)
		for (j = 0; j < *n; j++)
			(*progs)[i].nsec += !strcmp((*progs)[i].sec, (*progs)[j].sec);
}

void bench_progs_free(struct bench_prog **progs, size_t *n)
{
	size_t i;

	for (i = 0; *progs && i < *n; i++) {
		free((*progs)[i].name);
		free((*progs)[i].sec);
		free((*progs)[i].insns);
	}
	free(*progs);
	*progs = NULL;
	*n = 0;
}
