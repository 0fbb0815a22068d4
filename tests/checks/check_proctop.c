// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/check_proctop.c: proctop's check. A forked child with a known
 * comm, uid and gid sleeps a known number of times; what the program read
 * through task_struct_user must be exactly that child, and this process's
 * own entry must carry this process's ids. Kernel threads that ps shows idle
 * ('I', TASK_IDLE) and that the program saw switch out idle read 'I' too.
 */
#include "checks.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_COMM "uzcheck-child"
#define CHILD_UID 4343
#define CHILD_GID 4242
#define CHILD_SLEEPS 5

static void child_main(void)
{
	int i;

	if (prctl(PR_SET_NAME, CHILD_COMM, 0, 0, 0) || setgid(CHILD_GID) ||
	    setuid(CHILD_UID))
		_exit(10);
	for (i = 0; i < CHILD_SLEEPS; i++)
		uzc_sleep_ms(20);
	_exit(0);
}

/* The state letter and parent of /proc/@pid/stat; false if unreadable. */
static bool proc_state(int pid, char *state, int *ppid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && sscanf(p + 1, " %c %d", state, ppid) == 2;
}

/*
 * Every kernel thread (child of kthreadd, pid 2) that /proc shows as 'I'
 * and that the program last saw switch out with the TASK_IDLE bits must
 * read 'I' in proctop's table, as in ps. At least one must exist: idle
 * kworkers and RCU threads switch out idle all the time.
 */
static void check_idle_kthreads(struct uzc *c, struct uz_runner *r)
{
	unsigned int seen = 0, wrong = 0;
	struct proctop_entry e;
	struct dirent *d;
	char st, letter;
	int pid, ppid;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir) {
		uzc_fail(c, "cannot open /proc");
		return;
	}
	while ((d = readdir(dir))) {
		pid = atoi(d->d_name);
		if (pid <= 2 || !proc_state(pid, &st, &ppid) || ppid != 2 || st != 'I')
			continue;
		if (proctop_lookup(r, pid, &e) ||
		    (e.last_state & UZ_STATE_IDLE) != UZ_STATE_IDLE)
			continue;
		letter = proctop_state_char(e.last_state);
		seen++;
		if (letter != 'I') {
			wrong++;
			uzc_note(c, "kernel thread %d (%.16s): ps 'I', proctop '%c' (state 0x%x)",
				 pid, e.comm, letter, e.last_state);
		}
	}
	closedir(dir);
	uzc_true(c, "an idle kernel thread seen switching out idle", seen > 0);
	uzc_eq(c, "idle kernel threads proctop shows other than 'I'", wrong, 0);
}

void check_proctop(struct uzc *c)
{
	struct proctop_entry e;
	struct uz_runner r;
	char comm[17] = { 0 };
	uint64_t t0, t1;
	int status;
	pid_t pid;

	if (!uzc_start(c, &r, "proctop"))
		return;
	t0 = uzc_now_ns();
	pid = fork();
	if (pid < 0) {
		uzc_fail(c, "fork failed");
		goto out;
	}
	if (pid == 0)
		child_main();
	t1 = uzc_now_ns();
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		uzc_fail(c, "child %d did not exit cleanly (status 0x%x)", pid, status);
		goto out;
	}
	uzc_sleep_ms(20);	/* let this process switch out and in at least once */

	if (proctop_lookup(&r, pid, &e)) {
		uzc_fail(c, "no entry for the child %d", pid);
		goto out;
	}
	uzc_note(c, "child %d: sleeps %llu switches %llu state_mask 0x%x start %llu "
		 "(fork window %llu..%llu)", pid, (unsigned long long)e.sleeps,
		 (unsigned long long)e.switch_in, e.state_mask,
		 (unsigned long long)e.start_time_ns, (unsigned long long)t0,
		 (unsigned long long)t1);
	uzc_eq(c, "child pid", e.pid, pid);
	uzc_eq(c, "child tgid", e.tgid, pid);
	uzc_eq(c, "child ppid", e.ppid, getpid());
	uzc_eq(c, "child uid", e.uid, CHILD_UID);
	uzc_eq(c, "child gid", e.gid, CHILD_GID);
	e.comm[PROCTOP_COMM_LEN - 1] = 0;
	uzc_streq(c, "child comm", e.comm, CHILD_COMM);
	uzc_true(c, "child slept at least " "5" " times (TASK_INTERRUPTIBLE at switch-out)",
		 e.sleeps >= CHILD_SLEEPS);
	uzc_true(c, "child seen asleep (state bit 0x1)", e.state_mask & 0x1);
	uzc_true(c, "child seen dead (state bit 0x80)", e.state_mask & 0x80);
	uzc_true(c, "child start time inside the fork window",
		 e.start_time_ns >= t0 && e.start_time_ns <= t1);

	if (proctop_lookup(&r, getpid(), &e)) {
		uzc_fail(c, "no entry for this process %d", getpid());
		goto out;
	}
	prctl(PR_GET_NAME, comm, 0, 0, 0);
	uzc_eq(c, "self tgid", e.tgid, getpid());
	uzc_eq(c, "self ppid", e.ppid, getppid());
	uzc_eq(c, "self uid", e.uid, getuid());
	uzc_eq(c, "self gid", e.gid, getgid());
	e.comm[PROCTOP_COMM_LEN - 1] = 0;
	uzc_streq(c, "self comm", e.comm, comm);
	check_idle_kthreads(c, &r);
out:
	uz_runner_close(&r);
}
