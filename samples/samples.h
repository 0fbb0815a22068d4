/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * samples/samples.h: the samples' user-space entry points: one struct
 * uz_sample per sample (used by samples/main.c) and the typed readers the
 * live tests use to check what each program counted.
 */
#ifndef UZ_SAMPLES_SAMPLES_H
#define UZ_SAMPLES_SAMPLES_H

#include "runner.h"
#include "dropmon.h"
#include "iolatency.h"
#include "lo_filter.h"
#include "proctop.h"
#include "writesize.h"

extern const struct uz_sample dropmon_sample;
extern const struct uz_sample lo_filter_sample;
extern const struct uz_sample writesize_sample;
extern const struct uz_sample iolatency_sample;
extern const struct uz_sample proctop_sample;

/* dropmon: rows sorted by count, largest first; returns the row count. */
struct dropmon_row {
	struct dropmon_key key;
	unsigned long long count;
};
size_t dropmon_collect(struct uz_runner *r, struct dropmon_row *rows, size_t max);

/* iolatency: statistics of disk @disk; 0 or -ENOENT. */
int iolat_lookup(struct uz_runner *r, const char *disk, struct iolat_stats *out);

/* proctop: the entry of task @pid; 0 or -ENOENT. */
int proctop_lookup(struct uz_runner *r, int pid, struct proctop_entry *out);
/* proctop: the letter ps shows for task state @state ('R', 'S', 'D', 'I', ...). */
char proctop_state_char(unsigned int state);

/* writesize: the histogram slot a write of @n bytes lands in. */
unsigned int writesize_slot(unsigned long long n);

#endif /* UZ_SAMPLES_SAMPLES_H */
