// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* samples/writesize.c: user side of writesize: configuration and histogram. */
#include "samples.h"

unsigned int writesize_slot(unsigned long long n)
{
	unsigned int s = 0;

	while (n) {
		s++;
		n >>= 1;
	}
	return s;
}

static int writesize_configure(struct uz_runner *r, const struct uz_runner_args *args)
{
	struct writesize_config cfg = { .tgid = (__u32)args->filter, .enabled = 1 };

	return uz_runner_set_config(r, "config", &cfg);
}

static int writesize_print(struct uz_runner *r, FILE *out, bool json)
{
	unsigned long long slots[WRITESIZE_SLOTS];
	unsigned long long calls = uz_runner_array_u64(r, "totals", WRITESIZE_CALLS);
	unsigned long long bytes = uz_runner_array_u64(r, "totals", WRITESIZE_BYTES);
	unsigned int s;
	bool first = true;

	for (s = 0; s < WRITESIZE_SLOTS; s++)
		slots[s] = uz_runner_array_u64(r, "hist", s);
	if (json) {
		fprintf(out, "{\"calls\":%llu,\"bytes\":%llu,\"slots\":[", calls, bytes);
		for (s = 0; s < WRITESIZE_SLOTS; s++) {
			if (!slots[s])
				continue;
			fprintf(out, "%s{\"min\":%llu,\"max\":%llu,\"count\":%llu}",
				first ? "" : ",", s ? 1ULL << (s - 1) : 0,
				s ? (1ULL << s) - 1 : 0, slots[s]);
			first = false;
		}
		fprintf(out, "]}");
		return 0;
	}
	fprintf(out, "writesize: %llu write() calls, %llu bytes requested\n", calls, bytes);
	uz_runner_print_log2(out, "bytes", slots, WRITESIZE_SLOTS);
	return 0;
}

const struct uz_sample writesize_sample = {
	.name = "writesize",
	.filter_help = "only count writes of this process id (tgid)",
	.configure = writesize_configure,
	.print = writesize_print,
};
