// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/heatmap.c: a latency heat map in the terminal, as the 2015
 * tracex3 sample drew it: one row per interval, one column per log2
 * latency slot, each cell shaded by how many requests fell there in that
 * interval relative to the row's fullest slot. On a 256-colour terminal
 * the shades are the grey ramp (colours 232..255, light = few, dark =
 * many, on a light cell background so empty cells stay blank); elsewhere
 * ten ASCII densities.
 */
#include "heatmap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char ascii_ramp[] = " .:-=+*#%@";

enum uz_heatmap_mode uz_heatmap_mode_for(FILE *out)
{
	const char *term = getenv("TERM");

	if (!isatty(fileno(out)) || !term || !*term || !strcmp(term, "dumb"))
		return UZ_HEATMAP_ASCII;
	return UZ_HEATMAP_GREY256;
}

void uz_heatmap_header(FILE *out, const char *unit)
{
	/* slot s starts at 2^(s-1) us; a mark every 4 slots (8 characters) */
	static const char *const marks[] = { "1us", "16us", "256us", "4ms", "65ms", "1s" };
	unsigned int c;

	fprintf(out, "%8s   ", unit);
	for (c = 1; c < UZ_HEATMAP_COLS; c += 4)
		fprintf(out, "|%-7s", marks[c / 4]);
	fprintf(out, "\n");
}

/* 0 for an empty slot, else 1 (a few) .. @levels-1 (the row's largest). */
static unsigned int level(unsigned long long v, unsigned long long max, unsigned int levels)
{
	if (!v || !max)
		return 0;
	return 1 + (unsigned int)(v * (levels - 2) / max);
}

void uz_heatmap_row(FILE *out, enum uz_heatmap_mode mode, const char *label,
		    const unsigned long long *slots, unsigned int nslots)
{
	unsigned int n = nslots < UZ_HEATMAP_COLS ? nslots : UZ_HEATMAP_COLS, s, l;
	unsigned long long max = 0, total = 0;

	for (s = 0; s < nslots; s++) {
		total += slots[s];
		if (s < n && slots[s] > max)
			max = slots[s];
	}
	fprintf(out, "%8s ", label);
	for (s = 0; s < n; s++) {
		if (mode == UZ_HEATMAP_ASCII) {
			l = level(slots[s], max, sizeof(ascii_ramp) - 1);
			fprintf(out, "%c%c", ascii_ramp[l], ascii_ramp[l]);
		} else if (!slots[s]) {
			fprintf(out, "  ");
		} else {
			/* 24 greys: 255 (lightest) for a few .. 232 (black) for the most */
			l = level(slots[s], max, 25);
			fprintf(out, "\033[48;5;%um  \033[0m", 256 - l);
		}
	}
	fprintf(out, " %llu\n", total);
}
