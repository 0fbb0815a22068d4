// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/live/live_proctop.c: proctop on the running kernel. The test forks
 * a child with a known comm, uid and gid that sleeps a known number of
 * times, and checks what the program read through task_struct_user.
 */
#include "live_util.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_COMM "uzlive-child"
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
		live_sleep_ms(20);
	_exit(0);
}

static void test_proctop_child(void **state)
{
	struct proctop_entry e;
	struct uz_runner r;
	uint64_t t0, t1;
	int status;
	pid_t pid;

	(void)state;
	live_start(&r, "proctop");
	t0 = live_now_ns();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_main();
	t1 = live_now_ns();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(proctop_lookup(&r, pid, &e), 0);
	print_message("child %d: tgid %d ppid %d uid %u gid %u comm '%.16s' sleeps %llu "
		      "switches %llu state_mask 0x%x start %llu (fork window %llu..%llu)\n",
		      e.pid, e.tgid, e.ppid, e.uid, e.gid, e.comm,
		      (unsigned long long)e.sleeps, (unsigned long long)e.switch_in,
		      e.state_mask, (unsigned long long)e.start_time_ns,
		      (unsigned long long)t0, (unsigned long long)t1);
	assert_int_equal(e.pid, pid);
	assert_int_equal(e.tgid, pid);
	assert_int_equal(e.ppid, getpid());
	assert_int_equal(e.uid, CHILD_UID);
	assert_int_equal(e.gid, CHILD_GID);
	assert_string_equal(e.comm, CHILD_COMM);
	assert_true(e.sleeps >= CHILD_SLEEPS);
	assert_true(e.switch_in >= CHILD_SLEEPS);
	/* Seen asleep (TASK_INTERRUPTIBLE) and finally dead (TASK_DEAD). */
	assert_true(e.state_mask & 0x1);
	assert_true(e.state_mask & 0x80);
	assert_true(e.start_time_ns >= t0 && e.start_time_ns <= t1);
	uz_runner_close(&r);
}

/* The test process itself: ids that differ from the child's. */
static void test_proctop_self(void **state)
{
	struct proctop_entry e;
	struct uz_runner r;
	char comm[17] = { 0 };

	(void)state;
	live_start(&r, "proctop");
	live_sleep_ms(50);	/* at least one switch out and in */
	assert_int_equal(proctop_lookup(&r, getpid(), &e), 0);
	assert_int_equal(prctl(PR_GET_NAME, comm, 0, 0, 0), 0);
	assert_int_equal(e.tgid, getpid());
	assert_int_equal(e.ppid, getppid());
	assert_int_equal(e.uid, getuid());
	assert_int_equal(e.gid, getgid());
	assert_string_equal(e.comm, comm);
	uz_runner_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proctop_child),
		cmocka_unit_test(test_proctop_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
