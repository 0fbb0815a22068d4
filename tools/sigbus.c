/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * An input file that becomes shorter while the CLI reads it through a
 * mapping (a DWARF vmlinux is read in place, not copied: it is hundreds of
 * MB) makes the kernel send SIGBUS on the first access past the new end.
 * This turns that into the message bad input gets, naming the file (found
 * in /proc/self/maps by the faulting address), and exit status 2, instead
 * of a crash. Outputs are written only after all input has been read, so
 * none is left half-written. Any other SIGBUS keeps its default action.
 * Everything in the handler is async-signal-safe (open, read, write).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void say(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(STDERR_FILENO, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static uint64_t hex(const char **p)
{
	uint64_t v = 0;

	for (;; (*p)++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint64_t)(c - 'a' + 10);
		else
			return v;
	}
}

/* One line of /proc/self/maps: the path into @path when @addr is in it. */
static bool line_maps(const char *l, uint64_t addr, char *path, size_t sz)
{
	const char *p = l, *slash;
	uint64_t lo = hex(&p), hi;
	size_t n;

	if (*p++ != '-')
		return false;
	hi = hex(&p);
	if (addr < lo || addr >= hi || !(slash = strchr(p, '/')))
		return false;
	n = strlen(slash);
	if (n >= sz)
		n = sz - 1;
	memcpy(path, slash, n);
	path[n] = 0;
	return true;
}

/* The file mapped at @addr, read from /proc/self/maps line by line. */
static bool mapped_file(uint64_t addr, char *path, size_t sz)
{
	char buf[8192];
	size_t have = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	bool found = false;

	if (fd < 0)
		return false;
	while (!found) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *l = buf, *e;

		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = 0;
		while (!found && (e = strchr(l, '\n'))) {
			*e = 0;
			found = line_maps(l, addr, path, sz);
			l = e + 1;
		}
		have -= (size_t)(l - buf);
		memmove(buf, l, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* a line longer than the buffer: not a path we can name */
	}
	close(fd);
	return found;
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char path[4096];

	(void)uc;
	if (si->si_code == BUS_ADRERR && mapped_file((uint64_t)(uintptr_t)si->si_addr, path,
						     sizeof(path))) {
		say("userize: ");
		say(path);
		say(": the file became shorter while it was being read (truncated or rewritten in place?); stopped before writing any output. Replace such a file by renaming a new one over it.\n");
		_exit(2);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_catch_sigbus(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}
