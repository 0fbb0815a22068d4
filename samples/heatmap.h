/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* samples/heatmap.h: a log2 histogram over time as shades in a terminal (heatmap.c). */
#ifndef UZ_SAMPLES_HEATMAP_H
#define UZ_SAMPLES_HEATMAP_H

#include <stdio.h>

enum uz_heatmap_mode {
	UZ_HEATMAP_ASCII,	/* " .:-=+*#%@": files, pipes, dumb terminals */
	UZ_HEATMAP_GREY256,	/* 256-colour ANSI grey ramp backgrounds */
};

/* Columns shown: log2 slots 0 .. UZ_HEATMAP_COLS-1 (up to ~8 s in us). */
#define UZ_HEATMAP_COLS 24

/* ASCII on anything but a terminal whose TERM is set and not "dumb". */
enum uz_heatmap_mode uz_heatmap_mode_for(FILE *out);

/* The ruler line naming the columns' lower bounds (@unit "us"). */
void uz_heatmap_header(FILE *out, const char *unit);

/*
 * One row: @label (time), then per slot s < min(nslots, UZ_HEATMAP_COLS)
 * two cells shaded by slots[s] relative to the row's largest slot (0 is
 * blank, the largest is the darkest/densest), then the row's total.
 */
void uz_heatmap_row(FILE *out, enum uz_heatmap_mode mode, const char *label,
		    const unsigned long long *slots, unsigned int nslots);

#endif
