// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* samples/proctop.c: user side of proctop: the busiest tasks by switches. */
#include "samples.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#define TOP_TASKS 15

int proctop_lookup(struct uz_runner *r, int pid, struct proctop_entry *out)
{
	int fd = uz_runner_map_fd(r, "tasks");

	if (fd < 0)
		return fd;
	return bpf_map_lookup_elem(fd, &pid, out) ? -ENOENT : 0;
}

static int cmp_entries(const void *a, const void *b)
{
	const struct proctop_entry *x = a, *y = b;

	return x->switch_in < y->switch_in ? 1 : x->switch_in > y->switch_in ? -1 : 0;
}

/*
 * The letter ps shows for a task state, as the kernel's task_state_index()
 * and procps compute it: TASK_IDLE (uninterruptible and no-load) is 'I',
 * an RT lock wait counts as 'D', otherwise the highest reported bit wins
 * in "RSDTtXZP". TASK_DEAD (0x80, only seen at the final switch-out) is 'X'.
 */
char proctop_state_char(unsigned int state)
{
	static const char letters[] = "RSDTtXZP";
	unsigned int report = state & 0x7f, idx = 0;

	if ((state & UZ_STATE_IDLE) == UZ_STATE_IDLE)
		return 'I';
	if (state & UZ_STATE_RTLOCK_WAIT)
		return 'D';
	if (!report)
		return (state & 0x80) ? 'X' : 'R';
	while (report >> (idx + 1))
		idx++;
	return letters[idx + 1];
}

static void json_str(FILE *out, const char *s, size_t max)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static int proctop_print(struct uz_runner *r, FILE *out, bool json)
{
	int fd = uz_runner_map_fd(r, "tasks");
	struct proctop_entry *all;
	size_t n = 0, cap = 16384, i;
	int key, next;
	void *prev = NULL;

	if (fd < 0)
		return fd;
	all = calloc(cap, sizeof(*all));
	if (!all)
		return -ENOMEM;
	while (n < cap && bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &all[n]) == 0)
			n++;
	}
	qsort(all, n, sizeof(*all), cmp_entries);
	if (n > TOP_TASKS)
		n = TOP_TASKS;
	if (json)
		fprintf(out, "{\"tasks\":[");
	else
		fprintf(out, "%7s %7s %7s %6s %6s %4s %-16s %9s %9s %s\n", "PID", "TGID", "PPID",
			"UID", "GID", "PRIO", "COMM", "SWITCHES", "SLEEPS", "STATE");
	for (i = 0; i < n; i++) {
		const struct proctop_entry *e = &all[i];

		if (json) {
			fprintf(out, "%s{\"pid\":%d,\"tgid\":%d,\"ppid\":%d,\"uid\":%u,\"gid\":%u,"
				"\"prio\":%d,\"comm\":", i ? "," : "", e->pid, e->tgid, e->ppid,
				e->uid, e->gid, e->prio);
			json_str(out, e->comm, sizeof(e->comm));
			fprintf(out, ",\"switches\":%llu,\"sleeps\":%llu,\"state\":%u,"
				"\"start_time_ns\":%llu}", (unsigned long long)e->switch_in,
				(unsigned long long)e->sleeps, e->last_state,
				(unsigned long long)e->start_time_ns);
		} else {
			fprintf(out, "%7d %7d %7d %6u %6u %4d %-16.16s %9llu %9llu %c\n", e->pid,
				e->tgid, e->ppid, e->uid, e->gid, e->prio, e->comm,
				(unsigned long long)e->switch_in, (unsigned long long)e->sleeps,
				proctop_state_char(e->last_state));
		}
	}
	if (json)
		fprintf(out, "]}");
	free(all);
	return 0;
}

const struct uz_sample proctop_sample = {
	.name = "proctop",
	.print = proctop_print,
};
