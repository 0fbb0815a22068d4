// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/check_writesize.c: writesize's check. A child writes known
 * sizes to /dev/null once the program filters on its pid; the histogram,
 * call count and byte total must hold exactly those writes.
 */
#include "checks.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static const size_t sizes[] = { 0, 1, 3, 100, 4096, 65536, 65536, 1000000 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static char buf[1000000];

static void child_main(int go)
{
	char ch;
	size_t i;
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0 || read(go, &ch, 1) != 1)
		_exit(10);
	for (i = 0; i < NSIZES; i++)
		if (write(fd, buf, sizes[i]) != (ssize_t)sizes[i])
			_exit(11);
	_exit(0);
}

void check_writesize(struct uzc *c)
{
	unsigned long long expect[WRITESIZE_SLOTS] = { 0 }, bytes = 0;
	struct writesize_config cfg = { 0 };
	struct uz_runner r;
	int go[2], status;
	char what[64];
	unsigned int s;
	size_t i;
	pid_t pid;

	if (!uzc_start(c, &r, "writesize"))
		return;
	if (pipe(go)) {
		uzc_fail(c, "pipe failed");
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		uzc_fail(c, "fork failed");
		goto out;
	}
	if (pid == 0) {
		close(go[1]);
		child_main(go[0]);
	}
	close(go[0]);
	cfg.tgid = (__u32)pid;
	cfg.enabled = 1;
	if (uz_runner_set_config(&r, "config", &cfg))
		uzc_fail(c, "cannot write the config map");
	if (write(go[1], "g", 1) != 1)
		uzc_fail(c, "cannot start the child");
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		uzc_fail(c, "child %d did not write cleanly (status 0x%x)", pid, status);
		goto out;
	}
	for (i = 0; i < NSIZES; i++) {
		expect[writesize_slot(sizes[i])]++;
		bytes += sizes[i];
	}
	uzc_eq(c, "write calls", (long long)uz_runner_array_u64(&r, "totals", WRITESIZE_CALLS),
	       NSIZES);
	uzc_eq(c, "bytes written", (long long)uz_runner_array_u64(&r, "totals", WRITESIZE_BYTES),
	       (long long)bytes);
	for (s = 0; s < WRITESIZE_SLOTS; s++) {
		unsigned long long got = uz_runner_array_u64(&r, "hist", s);

		if (!got && !expect[s])
			continue;
		snprintf(what, sizeof(what), "slot %u [%llu, %llu]", s,
			 s ? 1ULL << (s - 1) : 0, s ? (1ULL << s) - 1 : 0);
		uzc_eq(c, what, (long long)got, (long long)expect[s]);
	}
out:
	uz_runner_close(&r);
}
