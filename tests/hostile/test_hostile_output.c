/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Output safety of the CLI writers under faults (live tier: root, for
 * mounts). Every case runs in a child with a private mount namespace
 * (unshare(CLONE_NEWNS), mounts private), on its own tmpfs, so nothing is
 * left mounted whatever happens:
 *  - `userize btf extract` (the running kernel's BTF, megabytes), `reloc`
 *    and `btfgen --archive` killed with SIGKILL at random points of their
 *    run (half of them near its end, where the output is written), many
 *    times: the output is the old file or the complete
 *    new one (the bytes of an uninterrupted run), never partial, and the
 *    only other name that may remain is the writer's temporary
 *    (NAME.uz-PID-N, linked just before the rename), complete too;
 *  - a full filesystem (64 KiB tmpfs): exit 2, "No space left on device"
 *    naming the file, the old file intact, no temporary left;
 *  - a read-only mount (root ignores permission bits): exit 2, "Read-only
 *    file system" naming the file or directory, the old file intact.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "uzt.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "test_hostile_output: the live tier needs root (mount namespaces)\n");
		return -1;
	}
	snprintf(dir, sizeof(dir), "/tmp/uz-hostile-out-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* In a child: a private mount namespace with a tmpfs of @opts at @mnt.
 * Returns the child's pid in the parent, 0 in the child. */
static pid_t ns_child(const char *mnt, const char *opts)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid)
		return pid;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", mnt, "tmpfs", 0, opts)) {
		fprintf(stderr, "mount namespace / tmpfs at %s: %s\n", mnt, strerror(errno));
		_exit(99);
	}
	return 0;
}

static void ns_wait(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail_msg("the namespace child failed (status 0x%x; its reason is above)", st);
}

#define CHILD_CHECK(cond, ...)                                                        \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);               \
			fprintf(stderr, __VA_ARGS__);                                 \
			fprintf(stderr, "\n");                                        \
			_exit(1);                                                     \
		}                                                                     \
	} while (0)

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		n = -1;
	fclose(f);
	if (n < 0) {
		free(b);
		return NULL;
	}
	b[n] = 0;
	*len = (size_t)n;
	return b;
}

static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(s, f) < 0 || fclose(f))
		_exit(98);
}

/* Is @path exactly "old\n" or exactly @want? */
static bool old_or_whole(const char *path, const uint8_t *want, size_t want_len)
{
	size_t len;
	uint8_t *got = slurp(path, &len);
	bool ok = got && ((len == 4 && !memcmp(got, "old\n", 4)) ||
			  (len == want_len && !memcmp(got, want, len)));

	free(got);
	return ok;
}

/* Names in @d other than @keep (NULL: any): how many; temporaries of @base
 * (BASE.uz-...) are checked to be complete copies of @want and removed. */
static int others(const char *d, const char *keep, const char *base, const uint8_t *want,
		  size_t want_len, int *temps)
{
	DIR *dh = opendir(d);
	struct dirent *de;
	char pfx[256], p[512];
	int n = 0;

	snprintf(pfx, sizeof(pfx), "%s.uz-", base);
	while (dh && (de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (keep && !strcmp(de->d_name, keep)))
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, de->d_name);
		if (want && !strncmp(de->d_name, pfx, strlen(pfx)) && old_or_whole(p, want, want_len)) {
			unlink(p);
			(*temps)++;
			continue;
		}
		n++;
	}
	if (dh)
		closedir(dh);
	return n;
}

/* ---- killed mid-write ---------------------------------------------------- */

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Run @cmd (words split at spaces, executed directly, so the kill reaches
 * userize itself, not a shell), quietly; with @kill_after_us >= 0 SIGKILL
 * it then. */
static long run_cmd(const char *cmd, long kill_after_us, int *status)
{
	long t0 = now_us();
	pid_t pid = fork();

	if (pid < 0)
		_exit(97);
	if (!pid) {
		char *copy = strdup(cmd), *argv[32], *save = NULL;
		int null = open("/dev/null", O_WRONLY), n = 0;

		for (argv[n] = strtok_r(copy, " ", &save); argv[n] && n < 31;
		     argv[++n] = strtok_r(NULL, " ", &save))
			;
		argv[n] = NULL;
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (kill_after_us >= 0) {
		usleep((useconds_t)kill_after_us);
		kill(pid, SIGKILL);
	}
	waitpid(pid, status, 0);
	return now_us() - t0;
}

/*
 * @fmt (with %s for the output path) writes @base in @mnt: once whole for
 * the reference bytes, then @rounds times killed at random points of its
 * run time; after each, the output is old or whole.
 */
static void killed_runs(const char *mnt, const char *fmt, const char *base, int rounds,
			unsigned int *seed)
{
	char out[256], ref[256], cmd[2048];
	uint8_t *want;
	size_t want_len;
	int st, i, killed = 0, late = 0, temps = 0, olds = 0;
	long dur;

	snprintf(ref, sizeof(ref), "%s/reference", mnt);
	snprintf(cmd, sizeof(cmd), fmt, ref);
	/* the shortest of three whole runs: kills land inside a run */
	for (i = 0, dur = LONG_MAX; i < 3; i++) {
		long d = run_cmd(cmd, -1, &st);

		CHILD_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reference run failed: %s", cmd);
		dur = d < dur ? d : dur;
	}
	want = slurp(ref, &want_len);
	CHILD_CHECK(want && want_len > 4, "no reference output from %s", cmd);
	unlink(ref);
	snprintf(out, sizeof(out), "%s/%s", mnt, base);
	snprintf(cmd, sizeof(cmd), fmt, out);
	for (i = 0; i < rounds; i++) {
		put(out, "old\n");
		/* even rounds anywhere in the run, odd ones near its end, where
		 * the output is written */
		if (i % 2 == 0)
			run_cmd(cmd, (long)(rand_r(seed) % (unsigned int)(dur * 9 / 10 + 1)), &st);
		else
			run_cmd(cmd, dur * 7 / 10 + (long)(rand_r(seed) % (unsigned int)(dur * 4 / 10 + 1)),
				&st);
		killed += WIFSIGNALED(st) && i % 2 == 0;
		late += WIFSIGNALED(st) && i % 2;
		CHILD_CHECK(old_or_whole(out, want, want_len),
			    "round %d: %s is neither the old file nor the complete output", i, out);
		{
			size_t l;
			uint8_t *b = slurp(out, &l);

			olds += b && l == 4 && !memcmp(b, "old\n", 4);
			free(b);
		}
		CHILD_CHECK(others(mnt, base, base, want, want_len, &temps) == 0,
			    "round %d: a partial file is left beside %s", i, out);
		unlink(out);
	}
	fprintf(stderr, "%s: %d runs (%ld us whole), %d killed anywhere, %d near the end; %d left the old file, %d the new one; %d complete temporaries left\n",
		base, rounds, dur, killed, late, olds, rounds - olds, temps);
	CHILD_CHECK(killed >= rounds / 4, "only %d of %d runs were killed before they ended", killed,
		    rounds / 2);
	free(want);
}

static void test_killed_mid_write(void **state)
{
	char mnt[128], fmt[1024];
	unsigned int seed = (unsigned int)getpid();
	pid_t pid;

	(void)state;
	snprintf(mnt, sizeof(mnt), "%s/kill", dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	pid = ns_child(mnt, "size=64m");
	if (!pid) {
		snprintf(fmt, sizeof(fmt), "%s btf extract /sys/kernel/btf/vmlinux -q -o %%s", UZ_CLI);
		killed_runs(mnt, fmt, "vmlinux.btf", 30, &seed);
		snprintf(fmt, sizeof(fmt), "%s reloc %s --target /sys/kernel/btf/vmlinux -o %%s", UZ_CLI,
			 BASIC_OBJ);
		killed_runs(mnt, fmt, "prog.reloc.o", 30, &seed);
		snprintf(fmt, sizeof(fmt), "%s btfgen %s --targets %s /sys/kernel/btf/vmlinux --archive %%s",
			 UZ_CLI, BASIC_OBJ, TARGET_NEW);
		killed_runs(mnt, fmt, "all.uzar", 20, &seed);
		_exit(0);
	}
	ns_wait(pid);
}

/* ---- a full filesystem, a read-only one --------------------------------- */

/* `@args` must exit 2 with @want among its lines, and @old keep "old\n". */
static void refused(const char *args, const char *want, const char *old)
{
	char buf[8192];
	int rc = uzt_run(buf, sizeof(buf), "%s %s", UZ_CLI, args);

	CHILD_CHECK(rc == 2, "userize %s: exit %d, wanted 2: %s", args, rc, buf);
	CHILD_CHECK(strstr(buf, want) && (strstr(buf, want) == buf || strstr(buf, want)[-1] == '\n'),
		    "userize %s said '%s', wanted the line '%s'", args, buf, want);
	if (old) {
		size_t len;
		uint8_t *got = slurp(old, &len);

		CHILD_CHECK(got && len == 4 && !memcmp(got, "old\n", 4), "%s was changed", old);
		free(got);
	}
}

static void test_disk_full(void **state)
{
	char mnt[128], out[256], args[1024], want[512], fill[256];
	int temps = 0;
	pid_t pid;

	(void)state;
	snprintf(mnt, sizeof(mnt), "%s/full", dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	pid = ns_child(mnt, "size=64k");
	if (!pid) {
		int fd;

		snprintf(out, sizeof(out), "%s/out", mnt);
		put(out, "old\n");
		/* megabytes into 64 KiB */
		snprintf(args, sizeof(args), "btf extract /sys/kernel/btf/vmlinux -q -o %s", out);
		snprintf(want, sizeof(want), "userize btf: cannot write '%s': No space left on device\n", out);
		refused(args, want, out);
		CHILD_CHECK(others(mnt, "out", "out", NULL, 0, &temps) == 0, "a temporary file is left");
		/* then full to the last block: even a small object does not fit */
		snprintf(fill, sizeof(fill), "%s/fill", mnt);
		fd = open(fill, O_WRONLY | O_CREAT, 0600);
		CHILD_CHECK(fd >= 0, "fill: %s", strerror(errno));
		{
			char blk[4096] = { 0 };

			while (write(fd, blk, sizeof(blk)) > 0)
				;
			while (write(fd, blk, 1) > 0)
				;
		}
		close(fd);
		snprintf(args, sizeof(args), "reloc %s --target %s -o %s", BASIC_OBJ, TARGET_NEW, out);
		snprintf(want, sizeof(want), "userize reloc: cannot write '%s': No space left on device\n", out);
		refused(args, want, out);
		snprintf(args, sizeof(args), "btfgen %s --targets %s --archive %s", BASIC_OBJ, TARGET_NEW, out);
		snprintf(want, sizeof(want), "userize btfgen: cannot write '%s': No space left on device\n", out);
		refused(args, want, out);
		snprintf(args, sizeof(args), "btfgen %s --targets %s -o %s/min", BASIC_OBJ, TARGET_NEW, mnt);
		snprintf(want, sizeof(want), "userize btfgen: cannot write '%s/min/target_new.o.btf': No space left on device\n",
			 mnt);
		refused(args, want, NULL);
		/* nothing but the old file and the filler: no temporary, no empty directory */
		CHILD_CHECK(others(mnt, "out", "out", NULL, 0, &temps) == 1, "more than the filler is left");
		_exit(0);
	}
	ns_wait(pid);
}

static void test_read_only(void **state)
{
	char mnt[128], out[256], args[1024], want[512];
	pid_t pid;

	(void)state;
	snprintf(mnt, sizeof(mnt), "%s/ro", dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	pid = ns_child(mnt, "size=1m");
	if (!pid) {
		snprintf(out, sizeof(out), "%s/out", mnt);
		put(out, "old\n");
		CHILD_CHECK(!mount(NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL), "remount ro: %s",
			    strerror(errno));
		snprintf(args, sizeof(args), "reloc %s --target %s -o %s", BASIC_OBJ, TARGET_NEW, out);
		snprintf(want, sizeof(want), "userize reloc: cannot create a temporary file beside '%s': Read-only file system\n",
			 out);
		refused(args, want, out);
		snprintf(args, sizeof(args), "btf extract %s -q -o %s", TARGET_NEW, out);
		snprintf(want, sizeof(want), "userize btf: cannot create a temporary file beside '%s': Read-only file system\n",
			 out);
		refused(args, want, out);
		snprintf(args, sizeof(args), "btfgen %s --targets %s --archive %s", BASIC_OBJ, TARGET_NEW, out);
		snprintf(want, sizeof(want), "userize btfgen: cannot create a temporary file beside '%s': Read-only file system\n",
			 out);
		refused(args, want, out);
		snprintf(args, sizeof(args), "btfgen %s --targets %s -o %s/min", BASIC_OBJ, TARGET_NEW, mnt);
		snprintf(want, sizeof(want), "userize btfgen: cannot create the output directory '%s/min': Read-only file system\n",
			 mnt);
		refused(args, want, NULL);
		_exit(0);
	}
	ns_wait(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_killed_mid_write),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_read_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
