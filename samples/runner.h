/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * samples/runner.h: the shared user-space side of every sample. A runner
 * relocates a sample's BPF object through libuserize against the running
 * kernel (or --target PATH), opens the relocated bytes with plain libbpf
 * (bpf_object__open_mem), loads it, attaches every program and gives access
 * to its maps. The sample binaries and the live tests both drive the samples
 * through this interface.
 */
#ifndef UZ_SAMPLES_RUNNER_H
#define UZ_SAMPLES_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <userize/userize.h>

struct bpf_object;

#define UZ_RUNNER_MAX_PROGS 8

struct uz_runner {
	const char *name;		/* sample name, for messages */
	FILE *diag;			/* diagnostics (stderr) */
	struct uz_object *obj;
	struct uz_target *target;
	struct uz_relocation *rel;
	void *relocated;		/* relocated ELF bytes */
	size_t relocated_len;
	struct bpf_object *bpf;
	struct bpf_link *links[UZ_RUNNER_MAX_PROGS];
	size_t link_cnt;
	char *logs[UZ_RUNNER_MAX_PROGS];/* verifier log per program */
};

/* Command line shared by the samples. */
struct uz_runner_args {
	const char *target;		/* --target PATH; NULL = running kernel */
	int duration;			/* --duration N seconds */
	bool json;			/* --json */
	bool report;			/* --report: print the relocation report */
	bool heatmap;			/* --heatmap: draw over time (iolatency) */
	unsigned long filter;		/* --filter N: sample-specific filter */
};

/*
 * Parse argv. Returns 0 to run, 1 when --help was printed (exit 0), -1 on
 * a usage error (message printed, exit 2).
 */
int uz_runner_parse_args(int argc, char **argv, const char *name,
			 const char *filter_help, struct uz_runner_args *args);

/* 0 when running as root, else prints a sentence and returns -EPERM. */
int uz_runner_check_root(const char *name, FILE *diag);
/* Mount tracefs on /sys/kernel/tracing when it is not mounted. */
int uz_runner_mount_tracefs(FILE *diag);

/*
 * Relocate the object bytes @obj (@len) against @target (NULL: running
 * kernel) and open the result with libbpf. Does not load. A poisoned
 * instruction the program reaches (uz_record.dead false) is named on @diag
 * before: the kernel will refuse it; poison in dead code is not mentioned.
 */
int uz_runner_open(struct uz_runner *r, const char *name, const void *obj,
		   size_t len, const char *target, FILE *diag);
/* Same from a file (the tests use the build tree's objects). */
int uz_runner_open_file(struct uz_runner *r, const char *name, const char *path,
			const char *target, FILE *diag);
/*
 * Load into the kernel. When the verifier rejects a program, the log is
 * translated into a sentence naming the field that did not resolve.
 */
int uz_runner_load(struct uz_runner *r);
/* Attach every program (section name decides tracepoint/raw tracepoint). */
int uz_runner_attach(struct uz_runner *r);
/* check root + tracefs + open + load + attach, in one call. */
int uz_runner_start(struct uz_runner *r, const char *name, const void *obj,
		    size_t len, const char *target, FILE *diag);
void uz_runner_close(struct uz_runner *r);

/* File descriptor of map @map, or a negative errno (message printed). */
int uz_runner_map_fd(struct uz_runner *r, const char *map);
/* Write @val at index 0 of the array map @map (the samples' config). */
int uz_runner_set_config(struct uz_runner *r, const char *map, const void *val);
/* Read u64 element @idx of an array map; 0 on error. */
unsigned long long uz_runner_array_u64(struct uz_runner *r, const char *map,
				       unsigned int idx);

/* Print the relocation report: which kernel struct/field each access hit. */
int uz_runner_write_report(const struct uz_runner *r, FILE *out, bool json);

/* Sleep @seconds (0: until SIGINT/SIGTERM); returns early, true, on a signal. */
bool uz_runner_wait(int seconds);

/* Print a log2 histogram (slot s: [2^(s-1), 2^s)) with bars. */
void uz_runner_print_log2(FILE *out, const char *unit,
			  const unsigned long long *slots, unsigned int nslots);

/* One sample binary: how main() in samples/main.c drives it. */
struct uz_sample {
	const char *name;
	const char *filter_help;	/* NULL if --filter is not used */
	int (*configure)(struct uz_runner *r, const struct uz_runner_args *args);
	int (*print)(struct uz_runner *r, FILE *out, bool json);
	/* --heatmap (NULL: not offered): draw until args->duration or a signal */
	int (*heatmap)(struct uz_runner *r, const struct uz_runner_args *args, FILE *out);
};

int uz_sample_main(const struct uz_sample *s, int argc, char **argv,
		   const void *obj, size_t len);

#endif /* UZ_SAMPLES_RUNNER_H */
