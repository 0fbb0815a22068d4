/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tools/bench/bench_util.h: what both benchmarks need besides their own
 * measurements: a monotonic clock, dying on setup errors, and copying the
 * instructions libbpf produced out of an object before its load.
 */
#ifndef UZ_BENCH_UTIL_H
#define UZ_BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_object;
struct bpf_insn;

/* One libbpf program's instructions, captured before the load syscall. */
struct bench_prog {
	char *name;
	char *sec;
	struct bpf_insn *insns;
	size_t cnt;
	size_t nsec;		/* programs of the object sharing this section */
};

/* CLOCK_MONOTONIC, or this thread's CPU time (user + system, page faults
 * included) when UZ_BENCH_CLOCK=cpu: on a shared machine the CPU time of a
 * window does not grow with what other processes run. */
uint64_t bench_now_ns(void);
/* UZ_BENCH_CLOCK=cpu: time child processes by their CPU time (rusage). */
bool bench_clock_is_cpu(void);
/* Print "PROGRAM: message" and exit 1 (setup errors only, never measured). */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void *bench_xcalloc(size_t n, size_t sz);
char *bench_xstrdup(const char *s);

/* Copy every program of @obj (after CO-RE, before load) into *@progs. */
void bench_progs_capture(struct bpf_object *obj, struct bench_prog **progs, size_t *n);
void bench_progs_free(struct bench_prog **progs, size_t *n);

#endif
