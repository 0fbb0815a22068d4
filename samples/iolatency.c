// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* samples/iolatency.c: user side of iolatency: per-disk latency histograms. */
#include "samples.h"

#include <errno.h>
#include <string.h>

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

const struct uz_sample iolatency_sample = {
	.name = "iolatency",
	.configure = iolatency_configure,
	.print = iolatency_print,
};
