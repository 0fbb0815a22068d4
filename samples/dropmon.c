// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/dropmon.c: user side of dropmon: configuration, reading the drop
 * table, and printing it with kernel symbol names from /proc/kallsyms.
 */
#include "samples.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#define TOP_ROWS 15

static int cmp_rows(const void *a, const void *b)
{
	const struct dropmon_row *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

size_t dropmon_collect(struct uz_runner *r, struct dropmon_row *rows, size_t max)
{
	struct dropmon_key key, next;
	int fd = uz_runner_map_fd(r, "drops");
	void *prev = NULL;
	size_t n = 0;

	if (fd < 0)
		return 0;
	while (n < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &rows[n].count) == 0) {
			rows[n].key = next;
			n++;
		}
		key = next;
		prev = &key;
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	return n;
}

/* Resolve each row's location to "symbol+0xoff" in one kallsyms pass. */
static void resolve(const struct dropmon_row *rows, size_t n, char (*names)[96])
{
	unsigned long long best[TOP_ROWS] = { 0 };
	char line[512], sym[256], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(names[i], 96, "0x%llx", (unsigned long long)rows[i].key.location);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3 || !addr)
			continue;
		for (i = 0; i < n; i++) {
			if (addr <= rows[i].key.location && addr > best[i]) {
				best[i] = addr;
				snprintf(names[i], 96, "%.70s+0x%llx", sym,
					 (unsigned long long)(rows[i].key.location - addr));
			}
		}
	}
	fclose(f);
}

static int dropmon_configure(struct uz_runner *r, const struct uz_runner_args *args)
{
	struct dropmon_config cfg = { .match_len = (__u32)args->filter, .enabled = 1 };

	return uz_runner_set_config(r, "config", &cfg);
}

static int dropmon_print(struct uz_runner *r, FILE *out, bool json)
{
	struct dropmon_row rows[TOP_ROWS];
	char names[TOP_ROWS][96];
	size_t n = dropmon_collect(r, rows, TOP_ROWS), i;
	unsigned long long drops = uz_runner_array_u64(r, "totals", DROPMON_DROPS);
	unsigned long long nosock = uz_runner_array_u64(r, "totals", DROPMON_NO_SOCKET);

	resolve(rows, n, names);
	if (json) {
		fprintf(out, "{\"drops\":%llu,\"no_socket\":%llu,\"locations\":[", drops, nosock);
		for (i = 0; i < n; i++)
			fprintf(out, "%s{\"location\":\"%s\",\"reason\":%u,\"count\":%llu}",
				i ? "," : "", names[i], rows[i].key.reason, rows[i].count);
		fprintf(out, "]}");
		return 0;
	}
	fprintf(out, "dropmon: %llu drops (%llu for lack of a socket)\n", drops, nosock);
	fprintf(out, "  %-10s %-7s %s\n", "COUNT", "REASON", "LOCATION");
	for (i = 0; i < n; i++)
		fprintf(out, "  %-10llu %-7u %s\n", rows[i].count, rows[i].key.reason, names[i]);
	return 0;
}

const struct uz_sample dropmon_sample = {
	.name = "dropmon",
	.filter_help = "count only dropped skbs of this length (skb->len)",
	.configure = dropmon_configure,
	.print = dropmon_print,
};
