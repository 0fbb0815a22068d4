// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uz-bench-load: loading one target kernel's types, one engine per process,
 * for the target-loading section of tools/bench/bench.sh.
 *
 *   uz-bench-load userize|libbpf|none TARGET ROUNDS
 *
 * userize: uz_target_load() (read or map, parse, validate, name index);
 * libbpf: btf__parse() (read, parse, its own by-id index, no name index);
 * none: nothing (the floor of the process's peak RSS). Prints one line:
 *   first_ms median_ms peak_rss_kB types
 * first_ms is the first load of the process (what a loader that parses
 * once pays: a cold heap), median_ms the median of the loads after it (a
 * warm heap; equal to first_ms when ROUNDS is 1), peak RSS from
 * getrusage() at the end (every target is freed before the next load, so
 * it is the footprint of one load plus the process). Not a test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <bpf/btf.h>

#include <userize/userize.h>

#include "bench_util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double load_once(const char *engine, const char *target, unsigned int *types)
{
	uint64_t t0, t1;

	if (!strcmp(engine, "userize")) {
		struct uz_error err = { 0 };
		struct uz_target *t = NULL;

		t0 = bench_now_ns();
		if (uz_target_load(target, NULL, &t, &err))
			bench_die("userize: %s", err.msg);
		t1 = bench_now_ns();
		*types = uz_target_type_cnt(t);
		uz_target_free(t);
	} else if (!strcmp(engine, "libbpf")) {
		struct btf *b;

		t0 = bench_now_ns();
		b = btf__parse(target, NULL);
		t1 = bench_now_ns();
		if (!b)
			bench_die("libbpf: btf__parse(%s): %s", target, strerror(errno));
		*types = btf__type_cnt(b);
		btf__free(b);
	} else {
		t0 = t1 = bench_now_ns();
		*types = 0;
	}
	return (double)(t1 - t0) / 1e6;
}

int main(int argc, char **argv)
{
	unsigned int types = 0;
	double first, *v, med;
	struct rusage ru;
	int rounds;

	if (argc != 4 || (strcmp(argv[1], "userize") && strcmp(argv[1], "libbpf") &&
			  strcmp(argv[1], "none")) || (rounds = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: uz-bench-load userize|libbpf|none TARGET ROUNDS\n");
		return 2;
	}
	first = load_once(argv[1], argv[2], &types);
	v = bench_xcalloc((size_t)rounds, sizeof(*v));
	for (int i = 1; i < rounds; i++)
		v[i - 1] = load_once(argv[1], argv[2], &types);
	if (rounds > 1) {
		qsort(v, (size_t)rounds - 1, sizeof(*v), cmp_double);
		med = (rounds - 1) % 2 ? v[(rounds - 1) / 2] :
		      (v[(rounds - 1) / 2 - 1] + v[(rounds - 1) / 2]) / 2;
	} else {
		med = first;
	}
	free(v);
	getrusage(RUSAGE_SELF, &ru);
	printf("%.4f %.4f %ld %u\n", first, med, ru.ru_maxrss, types);
	return 0;
}
