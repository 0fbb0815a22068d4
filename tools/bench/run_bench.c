// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uz-bench-run: one whole-process measurement for tools/bench/bench.sh, at
 * a finer grain than /usr/bin/time (whose CPU times are in 10 ms steps):
 *
 *   uz-bench-run OUT -- CMD [ARG...]
 *
 * runs CMD with stdout on /dev/null (stderr kept for its messages) and
 * appends "elapsed_ms cpu_ms peak_rss_kB" to OUT: wall time from fork to
 * wait, user + system time and ru_maxrss of CMD and the children it waited
 * for (wait4). Exits with CMD's status (1 when it was killed). Not a test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	double cpu, wall;
	int st;
	pid_t pid;
	FILE *f;

	if (argc < 4 || strcmp(argv[2], "--")) {
		fprintf(stderr, "usage: uz-bench-run OUT -- CMD [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("uz-bench-run: fork");
		return 1;
	}
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "uz-bench-run: cannot run %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("uz-bench-run: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	wall = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	f = fopen(argv[1], "a");
	if (!f || fprintf(f, "%.3f %.3f %ld\n", wall, cpu, ru.ru_maxrss) < 0 || fclose(f)) {
		fprintf(stderr, "uz-bench-run: cannot append to %s\n", argv[1]);
		return 1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
