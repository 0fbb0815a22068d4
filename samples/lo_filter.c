// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* samples/lo_filter.c: user side of lo_filter: configuration and output. */
#include "samples.h"

static int lo_filter_configure(struct uz_runner *r, const struct uz_runner_args *args)
{
	struct lo_filter_config cfg = { .match_len = (__u32)args->filter, .enabled = 1 };

	return uz_runner_set_config(r, "config", &cfg);
}

static int lo_filter_print(struct uz_runner *r, FILE *out, bool json)
{
	unsigned long long v[LO_STAT_MAX];
	unsigned int i;

	for (i = 0; i < LO_STAT_MAX; i++)
		v[i] = uz_runner_array_u64(r, "stats", i);
	if (json) {
		fprintf(out, "{\"lo_packets\":%llu,\"lo_bytes\":%llu,"
			"\"other_packets\":%llu,\"other_bytes\":%llu}",
			v[LO_PACKETS], v[LO_BYTES], v[OTHER_PACKETS], v[OTHER_BYTES]);
		return 0;
	}
	fprintf(out, "lo_filter: lo: %llu packets, %llu bytes; filtered out (other devices): "
		"%llu packets, %llu bytes\n", v[LO_PACKETS], v[LO_BYTES], v[OTHER_PACKETS],
		v[OTHER_BYTES]);
	return 0;
}

const struct uz_sample lo_filter_sample = {
	.name = "lo_filter",
	.filter_help = "consider only received skbs of this length (skb->len)",
	.configure = lo_filter_configure,
	.print = lo_filter_print,
};
