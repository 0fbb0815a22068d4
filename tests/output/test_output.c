/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tests of the output writer (reloc/common/fileio.c), directly and
 * through `userize reloc -o` and `userize btf extract -o`: "-" and
 * /dev/stdout are standard output, a FIFO is written through, a symbolic
 * link's target is replaced (the link stays), the old file's mode is kept,
 * a writer killed mid-write leaves the old file and no temporary file.
 */
#include <signal.h>
#include <sys/resource.h>

#include "common/uz_internal.h"
#include "out_util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	out_mkdtemp(dir, sizeof(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	out_rmrf(dir);
	return 0;
}

/* `-o -` and `-o /dev/stdout` write the same bytes as `-o FILE`, and no file named "-". */
static void test_stdout(void **state)
{
	char file[PATH_MAX], buf[256];
	size_t len;
	char *img;

	(void)state;
	snprintf(file, sizeof(file), "%s/r.o", dir);
	assert_int_equal(uzt_run(NULL, 0, "%s reloc %s -t %s -o %s", UZ_CLI, BASIC_OBJ,
				 TARGET_NEW, file), 0);
	img = out_slurp(file, &len);
	free(img);
	assert_true(len > 0);
	assert_int_equal(uzt_run(NULL, 0, "cd %s && %s reloc %s -t %s -o - > %s/dash.o", dir,
				 UZ_CLI, BASIC_OBJ, TARGET_NEW, dir), 0);
	assert_int_equal(uzt_run(NULL, 0, "cmp %s %s/dash.o", file, dir), 0);
	assert_int_equal(access("-", F_OK), -1);
	snprintf(buf, sizeof(buf), "%s/-", dir);
	assert_int_equal(access(buf, F_OK), -1);
	assert_int_equal(uzt_run(NULL, 0, "%s reloc %s -t %s -o /dev/stdout | cmp %s -", UZ_CLI,
				 BASIC_OBJ, TARGET_NEW, file), 0);
	/* btf extract: the .BTF of an ELF to stdout equals the one to a file */
	assert_int_equal(uzt_run(NULL, 0, "%s btf extract %s -q -o %s/k.btf", UZ_CLI, TARGET_NEW,
				 dir), 0);
	assert_int_equal(uzt_run(NULL, 0, "%s btf extract %s -q -o - | cmp %s/k.btf -", UZ_CLI,
				 TARGET_NEW, dir), 0);
	/* the report and the object cannot both go to standard output */
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t %s -o - --report json", UZ_CLI,
				 BASIC_OBJ, TARGET_NEW), 2);
	assert_non_null(strstr(buf, "standard output"));
}

/* A FIFO is written to (as cat does), not replaced by a regular file. */
static void test_fifo(void **state)
{
	char fifo[PATH_MAX], got[64] = { 0 };
	struct uz_error err = { 0 };
	struct stat st;
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	(void)state;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* the reader: what arrives through the FIFO, back on the pipe;
		 * killed by the alarm if nothing ever opens the FIFO */
		int fd;

		alarm(5);
		fd = open(fifo, O_RDONLY);
		while (fd >= 0 && (n = read(fd, got, sizeof(got))) > 0)
			if (write(pfd[1], got, (size_t)n) != n)
				_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	assert_int_equal(uz_write_file_atomic(fifo, "through the fifo\n", 17, &err), 0);
	assert_int_equal(lstat(fifo, &st), 0);
	if (!S_ISFIFO(st.st_mode))
		kill(pid, SIGKILL);
	assert_true(S_ISFIFO(st.st_mode));
	n = read(pfd[0], got, sizeof(got) - 1);
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(n, 17);
	assert_string_equal(got, "through the fifo\n");
}

/* A link's target is replaced, with its mode; the link stays a link. */
static void test_symlink(void **state)
{
	char real[PATH_MAX], link[PATH_MAX], sub[PATH_MAX], rel[PATH_MAX], dang[PATH_MAX];
	struct uz_error err = { 0 };
	struct stat st;
	size_t len;
	char *s;

	(void)state;
	snprintf(real, sizeof(real), "%s/real", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	out_put(real, "old\n", 0640);
	assert_int_equal(symlink("real", link), 0);
	assert_int_equal(uz_write_file_atomic(link, "new\n", 4, &err), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(real, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0640);
	s = out_slurp(real, &len);
	assert_string_equal(s, "new\n");
	free(s);
	/* a relative link in another directory, through a second link */
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(rel, sizeof(rel), "%s/sub/l2", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(symlink("../link", rel), 0);
	assert_int_equal(uz_write_file_atomic(rel, "newer\n", 6, &err), 0);
	s = out_slurp(real, &len);
	assert_string_equal(s, "newer\n");
	free(s);
	assert_int_equal(lstat(rel, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* a dangling link: its target is created */
	snprintf(dang, sizeof(dang), "%s/dangling", dir);
	assert_int_equal(symlink("created", dang), 0);
	assert_int_equal(uz_write_file_atomic(dang, "x", 1, &err), 0);
	snprintf(real, sizeof(real), "%s/created", dir);
	assert_int_equal(lstat(real, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* a loop is an error, not a hang */
	snprintf(real, sizeof(real), "%s/loop", dir);
	assert_int_equal(symlink("loop", real), 0);
	assert_true(uz_write_file_atomic(real, "x", 1, &err) < 0);
}

/* Mode: an existing file keeps its permission bits; a new one follows the umask. */
static void test_modes(void **state)
{
	char f[PATH_MAX];
	struct uz_error err = { 0 };
	struct stat st;
	mode_t old = umask(027);

	(void)state;
	snprintf(f, sizeof(f), "%s/new", dir);
	assert_int_equal(uz_write_file_atomic(f, "a", 1, &err), 0);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(chmod(f, 0751), 0);
	assert_int_equal(uz_write_file_atomic(f, "b", 1, &err), 0);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0751);
	umask(old);
	/* a directory, an empty path and NULL are errors with a message */
	assert_int_equal(uz_write_file_atomic(dir, "a", 1, &err), -EISDIR);
	assert_non_null(strstr(err.msg, "directory"));
	assert_int_equal(uz_write_file_atomic("", "a", 1, &err), -EINVAL);
	assert_int_equal(uz_write_file_atomic(NULL, "a", 1, &err), -EINVAL);
}

/* Run the writer in a child killed by @sig; the file is old or wholly new. */
static void killed_writer(const char *f, const char *payload, size_t n, int how)
{
	struct uz_error err = { 0 };
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		if (how == SIGXFSZ) {
			/* the kernel kills the writer at byte 4096 */
			struct rlimit rl = { 4096, 4096 };

			signal(SIGXFSZ, SIG_DFL);
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		uz_write_file_atomic(f, payload, n, &err);
		_exit(0);
	}
	if (how == SIGKILL) {
		usleep(2000);
		kill(pid, SIGKILL);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (how == SIGXFSZ) {
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGXFSZ);
	}
}

static void test_killed_mid_write(void **state)
{
	size_t n = 64u << 20, len;
	char f[PATH_MAX], sub[128];
	char *payload = malloc(n), *s;
	int i;

	(void)state;
	assert_non_null(payload);
	memset(payload, 'N', n);
	snprintf(sub, sizeof(sub), "%s/kill", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(f, sizeof(f), "%s/out", sub);
	out_put(f, "old\n", 0644);
	killed_writer(f, payload, n, SIGXFSZ);
	s = out_slurp(f, &len);
	assert_string_equal(s, "old\n");
	free(s);
	/* nothing but the old file (the temporary file was unnamed) */
	assert_int_equal(out_count(sub), 1);
	/* SIGKILL at some point of the write: old or complete, never partial */
	for (i = 0; i < 5; i++) {
		killed_writer(f, payload, n, SIGKILL);
		s = out_slurp(f, &len);
		assert_true((len == 4 && !strcmp(s, "old\n")) ||
			    (len == n && !memcmp(s, payload, n)));
		free(s);
		assert_int_equal(out_count(sub), 1);
	}
	free(payload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stdout),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_symlink),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_killed_mid_write),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
