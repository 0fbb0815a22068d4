// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/live/live_writesize.c: writesize on the running kernel. A child
 * writes known sizes to /dev/null once the program filters on its pid; the
 * histogram must hold exactly those writes.
 */
#include "live_util.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static const size_t sizes[] = { 0, 1, 3, 100, 4096, 65536, 65536, 1000000 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static char buf[1000000];

static void child_main(int go)
{
	char c;
	size_t i;
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0 || read(go, &c, 1) != 1)
		_exit(10);
	for (i = 0; i < NSIZES; i++)
		if (write(fd, buf, sizes[i]) != (ssize_t)sizes[i])
			_exit(11);
	_exit(0);
}

static void test_writesize_histogram(void **state)
{
	unsigned long long expect[WRITESIZE_SLOTS] = { 0 }, got, bytes = 0;
	struct writesize_config cfg = { 0 };
	struct uz_runner r;
	int go[2], status;
	unsigned int s;
	size_t i;
	pid_t pid;

	(void)state;
	live_start(&r, "writesize");
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		child_main(go[0]);
	}
	close(go[0]);
	cfg.tgid = (__u32)pid;
	cfg.enabled = 1;
	assert_int_equal(uz_runner_set_config(&r, "config", &cfg), 0);
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	for (i = 0; i < NSIZES; i++) {
		expect[writesize_slot(sizes[i])]++;
		bytes += sizes[i];
	}
	assert_int_equal(uz_runner_array_u64(&r, "totals", WRITESIZE_CALLS), NSIZES);
	assert_int_equal(uz_runner_array_u64(&r, "totals", WRITESIZE_BYTES), bytes);
	for (s = 0; s < WRITESIZE_SLOTS; s++) {
		got = uz_runner_array_u64(&r, "hist", s);
		if (got || expect[s])
			print_message("slot %2u [%llu, %llu]: %llu (expected %llu)\n", s,
				      s ? 1ULL << (s - 1) : 0, s ? (1ULL << s) - 1 : 0,
				      got, expect[s]);
		assert_int_equal(got, expect[s]);
	}
	uz_runner_close(&r);
}

static void test_writesize_slots(void **state)
{
	(void)state;
	assert_int_equal(writesize_slot(0), 0);
	assert_int_equal(writesize_slot(1), 1);
	assert_int_equal(writesize_slot(3), 2);
	assert_int_equal(writesize_slot(4096), 13);
	assert_int_equal(writesize_slot(65536), 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writesize_slots),
		cmocka_unit_test(test_writesize_histogram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
