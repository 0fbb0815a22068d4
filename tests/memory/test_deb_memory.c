/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Peak memory of `userize matrix` over a Debian kernel package (corpus
 * tier): the .deb is mapped and streamed, not read whole, so the run peaks
 * at most at (matrix over the same kernel's raw BTF) + (`btf extract` of the
 * package), plus slack. Reading the package into the heap, as target
 * loading did, costs the package size and a quarter more on top. The two
 * matrix runs also print the same table: the kernel is named by its release
 * whether it comes from the package or from the BTF file.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <cmocka.h>

#define KERNEL "6.12.111+deb12-amd64"
#define SLACK_KB (16 * 1024)

/* Peak RSS (KiB) of `sh -c CMD`, its stdout into @out (may be NULL). */
static long peak_kb(const char *cmd, const char *out)
{
	struct rusage ru;
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		if (out && !freopen(out, "w", stdout))
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(wait4(pid, &st, 0, &ru), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	return ru.ru_maxrss;
}

static void test_deb_streamed(void **state)
{
	const char *cache = getenv("UZ_CACHE");
	char pat[1024], btf[1024], cmd[8192], a[64], b[64];
	long deb_kb, btf_kb, ext_kb;
	glob_t g;

	(void)state;
	assert_non_null(cache);
	snprintf(pat, sizeof(pat), "%s/debs/linux-image-" KERNEL "-unsigned_*.deb", cache);
	snprintf(btf, sizeof(btf), "%s/btf/" KERNEL ".btf", cache);
	if (glob(pat, 0, NULL, &g) || !g.gl_pathc)
		fail_msg("no %s: run tools/corpus.sh fetch (the corpus fixture does)", pat);
	snprintf(a, sizeof(a), "/tmp/uz-mem-%d-a", (int)getpid());
	snprintf(b, sizeof(b), "/tmp/uz-mem-%d-b", (int)getpid());
	/* the exec replaces sh, so the peak is userize's */
	snprintf(cmd, sizeof(cmd), "exec %s matrix %s --targets '%s'", UZ_CLI, SAMPLE_OBJS,
		 g.gl_pathv[0]);
	deb_kb = peak_kb(cmd, a);
	snprintf(cmd, sizeof(cmd), "exec %s matrix %s --targets '%s'", UZ_CLI, SAMPLE_OBJS, btf);
	btf_kb = peak_kb(cmd, b);
	snprintf(cmd, sizeof(cmd), "exec %s btf extract '%s' -q -o /dev/null", UZ_CLI,
		 g.gl_pathv[0]);
	ext_kb = peak_kb(cmd, NULL);
	printf("peak RSS: matrix over the .deb %ld KiB, over its BTF %ld KiB, "
	       "btf extract %ld KiB\n", deb_kb, btf_kb, ext_kb);
	assert_true(deb_kb - btf_kb <= ext_kb + SLACK_KB);
	snprintf(cmd, sizeof(cmd), "cmp %s %s", a, b);
	assert_int_equal(system(cmd), 0);
	unlink(a);
	unlink(b);
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deb_streamed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
