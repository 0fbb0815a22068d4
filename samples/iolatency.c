// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* samples/iolatency.c: user side of iolatency: per-disk latency histograms. */
#include "samples.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "heatmap.h"

#include <bpf/bpf.h>

int iolat_lookup(struct uz_runner *r, const char *disk, struct iolat_stats *out)
{
	struct iolat_key key;
	int fd = uz_runner_map_fd(r, "disks");

	if (fd < 0)
		return fd;
	memset(&key, 0, sizeof(key));
	strncpy(key.disk, disk, sizeof(key.disk) - 1);
	return bpf_map_lookup_elem(fd, &key, out) ? -ENOENT : 0;
}

static int iolatency_configure(struct uz_runner *r, const struct uz_runner_args *args)
{
	struct iolat_config cfg = { .enabled = 1 };

	(void)args;
	return uz_runner_set_config(r, "config", &cfg);
}

static int iolatency_print(struct uz_runner *r, FILE *out, bool json)
{
	struct iolat_key key, next;
	struct iolat_stats st;
	int fd = uz_runner_map_fd(r, "disks");
	void *prev = NULL;
	bool first = true;
	unsigned int s;

	if (fd < 0)
		return fd;
	if (json)
		fprintf(out, "{\"disks\":[");
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &st))
			continue;
		if (json) {
			fprintf(out, "%s{\"disk\":\"%.32s\",\"count\":%llu,\"reads\":%llu,"
				"\"writes\":%llu,\"bytes\":%llu,\"lat_min_ns\":%llu,"
				"\"lat_avg_ns\":%llu,\"lat_max_ns\":%llu,\"slots_us\":[",
				first ? "" : ",", key.disk, st.count, st.reads, st.writes,
				st.bytes, st.lat_min_ns, st.count ? st.lat_sum_ns / st.count : 0,
				st.lat_max_ns);
			for (s = 0; s < IOLAT_SLOTS; s++)
				fprintf(out, "%s%llu", s ? "," : "", st.slots[s]);
			fprintf(out, "]}");
		} else {
			fprintf(out, "disk %.32s: %llu requests (%llu reads, %llu writes), %llu bytes, "
				"latency min %.1f us avg %.1f us max %.1f us\n", key.disk,
				st.count, st.reads, st.writes, st.bytes, st.lat_min_ns / 1e3,
				st.count ? st.lat_sum_ns / 1e3 / st.count : 0, st.lat_max_ns / 1e3);
			uz_runner_print_log2(out, "usecs", st.slots, IOLAT_SLOTS);
		}
		first = false;
	}
	if (json)
		fprintf(out, "]}");
	else if (first)
		fprintf(out, "iolatency: no block requests completed\n");
	return 0;
}

/* Sum of every disk's latency slots so far. */
static int iolatency_sum(struct uz_runner *r, unsigned long long *slots)
{
	struct iolat_key key, next;
	struct iolat_stats st;
	int fd = uz_runner_map_fd(r, "disks");
	void *prev = NULL;
	unsigned int s;

	if (fd < 0)
		return fd;
	memset(slots, 0, IOLAT_SLOTS * sizeof(*slots));
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &st))
			continue;
		for (s = 0; s < IOLAT_SLOTS; s++)
			slots[s] += st.slots[s];
	}
	return 0;
}

/* --heatmap: every second, the latencies completed in it, one row each. */
static int iolatency_heatmap(struct uz_runner *r, const struct uz_runner_args *args, FILE *out)
{
	enum uz_heatmap_mode mode = uz_heatmap_mode_for(out);
	unsigned long long prev[IOLAT_SLOTS] = { 0 }, now[IOLAT_SLOTS], delta[IOLAT_SLOTS];
	char label[32];
	unsigned int s;
	int t, ret;

	fprintf(stderr, "iolatency: latency heat map, one row per second%s (Ctrl-C to stop)\n",
		mode == UZ_HEATMAP_ASCII ? ", ASCII shades" : "");
	uz_heatmap_header(out, "usecs");
	for (t = 1; args->duration == 0 || t <= args->duration; t++) {
		bool stop = uz_runner_wait(1);

		ret = iolatency_sum(r, now);
		if (ret)
			return ret;
		for (s = 0; s < IOLAT_SLOTS; s++)
			delta[s] = now[s] - prev[s];
		memcpy(prev, now, sizeof(prev));
		snprintf(label, sizeof(label), "%ds", t);
		uz_heatmap_row(out, mode, label, delta, IOLAT_SLOTS);
		fflush(out);
		if (stop)
			break;
	}
	return 0;
}

const struct uz_sample iolatency_sample = {
	.name = "iolatency",
	.configure = iolatency_configure,
	.print = iolatency_print,
	.heatmap = iolatency_heatmap,
};
