/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uz-bench-btfgen: userize btfgen against bpftool gen min_core_btf, side by
 * side (docs/bench.md):
 *   1. per object and kernel: output bytes and whole-process time of both
 *      tools (best of --runs), and whether bpftool's output relocates every
 *      record as the full BTF does (checked with uz_btfgen_verify);
 *   2. one archive of a set of objects over all kernels against an xz -9 tar
 *      of bpftool's per-kernel outputs (what tools ship today) and of
 *      userize's own per-kernel outputs;
 *   3. finding and loading one entry from the archive held in memory,
 *      in-process (clock_gettime over --loads iterations).
 * Not a test: it prints figures.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <glob.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "userize/userize.h"

extern char **environ;

#define MAXK 32
#define MAXO 32

struct set {
	char *p[MAXO];
	size_t n;
};

static void add_glob(struct set *s, const char *pat)
{
	glob_t g;
	size_t i;

	if (glob(pat, 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc && s->n < MAXO; i++)
		s->p[s->n++] = bench_xstrdup(g.gl_pathv[i]);
	globfree(&g);
}

/* Run argv, quiet; wall time in ns (CPU time, user + system, in *@cpu),
 * or 0 when it failed. */
static uint64_t run(char *const *argv, uint64_t *cpu)
{
	posix_spawn_file_actions_t fa;
	uint64_t t0 = bench_now_ns(), t;
	struct rusage ru;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ))
		bench_die("cannot run %s", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	wait4(pid, &st, 0, &ru);
	t = bench_now_ns() - t0;
	*cpu = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? t : 0;
}

/* Best wall time of @runs; *@cpu gets the best CPU time. */
static uint64_t best(char *const *argv, int runs, uint64_t *cpu)
{
	uint64_t b = 0, t, c;
	int i;

	*cpu = 0;
	for (i = 0; i < runs; i++) {
		t = run(argv, &c);
		if (!t)
			return 0;
		if (!b || t < b)
			b = t;
		if (!*cpu || c < *cpu)
			*cpu = c;
	}
	return b;
}

static long fsize(const char *p)
{
	struct stat st;

	return stat(p, &st) ? -1 : (long)st.st_size;
}

static const char *base(const char *p)
{
	const char *b = strrchr(p, '/');

	return b ? b + 1 : p;
}

/* Does the BTF file @min relocate @obj exactly as @full? */
static const char *exact(const char *obj, const char *full, const char *min)
{
	struct uz_object *o = NULL;
	struct uz_target *f = NULL, *m = NULL;
	struct uz_error err = { 0 };
	const char *res = "no";

	if (uz_object_open(obj, NULL, &o, &err) || uz_target_load(full, NULL, &f, &err))
		bench_die("%s", err.msg);
	if (uz_target_load(min, NULL, &m, &err))
		res = "unreadable";
	else if (!uz_btfgen_verify((const struct uz_object *const *)&o, 1, f, m, NULL, &err))
		res = "yes";
	uz_target_free(m);
	uz_target_free(f);
	uz_object_free(o);
	return res;
}

static const char *cli = UZ_BENCH_CLI;

static void per_object(const struct set *objs, const struct set *ks, int runs, const char *tmp)
{
	char out_b[1024], dir_u[1024], out_u[2048];
	size_t i, j;

	printf("1. one object, one kernel: output bytes, whole-process wall and CPU time (best of %d)\n", runs);
	printf("%-14s %-26s %8s %8s %8s %8s %8s %8s %6s %s\n", "object", "kernel", "bpftool", "userize",
	       "bpftool", "userize", "bpftool", "userize", "cpu", "bpftool output exact?");
	printf("%-14s %-26s %8s %8s %8s %8s %8s %8s %6s\n", "", "", "bytes", "bytes", "wall ms",
	       "wall ms", "cpu ms", "cpu ms", "ratio");
	for (i = 0; i < objs->n; i++)
		for (j = 0; j < ks->n; j++) {
			char *bt[] = { "bpftool", "gen", "min_core_btf", ks->p[j], out_b, objs->p[i], NULL };
			char *uz[] = { (char *)cli, "btfgen", objs->p[i], "--quiet", "--targets", ks->p[j],
				       "-o", dir_u, NULL };
			uint64_t tb, tu, cb, cu;
			glob_t g;

			snprintf(out_b, sizeof(out_b), "%s/bpftool.btf", tmp);
			snprintf(dir_u, sizeof(dir_u), "%s/uz", tmp);
			unlink(out_b);
			tb = best(bt, runs, &cb);
			tu = best(uz, runs, &cu);
			snprintf(out_u, sizeof(out_u), "%s/*.btf", dir_u);
			out_u[0] = 0;
			snprintf(out_u, sizeof(out_u), "%s/*.btf", dir_u);
			if (!glob(out_u, 0, NULL, &g) && g.gl_pathc == 1)
				snprintf(out_u, sizeof(out_u), "%s", g.gl_pathv[0]);
			else
				out_u[0] = 0;
			if (!out_u[0] && tu)
				bench_die("userize btfgen left no output for %s", objs->p[i]);
			printf("%-14.14s %-26.26s %8ld %8ld %8.1f %8.1f %8.1f %8.1f %5.1fx %s\n",
			       base(objs->p[i]), base(ks->p[j]), tb ? fsize(out_b) : -1L,
			       tu ? fsize(out_u) : -1L, tb / 1e6, tu / 1e6, cb / 1e6, cu / 1e6,
			       cu && tb ? (double)cb / (double)cu : 0.0,
			       tb ? exact(objs->p[i], ks->p[j], out_b) : "bpftool failed");
			if (out_u[0])
				unlink(out_u);
			globfree(&g);
		}
}

/* bytes of `tar cf - -C DIR . | xz -9` */
static long tar_xz(const char *dir)
{
	char cmd[2048];
	FILE *p;
	long n = 0;
	int c;

	snprintf(cmd, sizeof(cmd), "tar cf - -C '%s' . | xz -9 -c", dir);
	p = popen(cmd, "r");
	if (!p)
		bench_die("cannot run tar | xz");
	while ((c = fgetc(p)) != EOF)
		n++;
	pclose(p);
	return n;
}

static void archive_vs_tar(const char *what, const struct set *objs, const struct set *ks,
			   const char *tmp, const char *ar)
{
	char dir_b[1024], dir_u[1024], out[2048], cmd[8192];
	size_t i, j, len;
	long raw_b = 0;

	snprintf(dir_b, sizeof(dir_b), "%s/bt-%s", tmp, what);
	snprintf(dir_u, sizeof(dir_u), "%s/uz-%s", tmp, what);
	mkdir(dir_b, 0755);
	for (j = 0; j < ks->n; j++) {
		len = (size_t)snprintf(cmd, sizeof(cmd), "bpftool gen min_core_btf '%s' '%s/%s.btf'",
				       ks->p[j], dir_b, base(ks->p[j]));
		for (i = 0; i < objs->n; i++)
			len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " '%s'", objs->p[i]);
		snprintf(cmd + len, sizeof(cmd) - len, " >/dev/null 2>&1");
		if (system(cmd))
			bench_die("bpftool gen min_core_btf failed on %s", ks->p[j]);
		snprintf(out, sizeof(out), "%s/%s.btf", dir_b, base(ks->p[j]));
		raw_b += fsize(out);
	}
	for (i = 0, len = 0; i < 2; i++) {
		const char *mode = i ? "--archive" : "-o", *dst = i ? ar : dir_u;

		len = (size_t)snprintf(cmd, sizeof(cmd), "'%s' btfgen --quiet", cli);
		for (j = 0; j < objs->n; j++)
			len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " '%s'", objs->p[j]);
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " --targets");
		for (j = 0; j < ks->n; j++)
			len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " '%s'", ks->p[j]);
		snprintf(cmd + len, sizeof(cmd) - len, " %s '%s'", mode, dst);
		if (system(cmd))
			bench_die("userize btfgen failed: %s", cmd);
	}
	printf("%-34s %zu objects x %zu kernels\n", what, objs->n, ks->n);
	printf("  bpftool per-kernel files     %8ld bytes, tar | xz -9: %7ld bytes\n", raw_b,
	       tar_xz(dir_b));
	printf("  userize per-kernel files                      tar | xz -9: %7ld bytes\n",
	       tar_xz(dir_u));
	printf("  userize archive (one file)                                 %7ld bytes\n",
	       fsize(ar));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir_b, dir_u);
	if (system(cmd))
		bench_die("rm failed");
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *d;

	if (!f)
		bench_die("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	d = bench_xcalloc(1, *len + 1);
	if (fread(d, 1, *len, f) != *len)
		bench_die("%s: short read", path);
	fclose(f);
	return d;
}

/* CPU time of this thread: the figure other processes on the machine do not move. */
static uint64_t cpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void entry_loads(const char *ar_path, int loads)
{
	struct uz_archive *a = NULL;
	struct uz_error err = { 0 };
	size_t len, e, idx;
	uint8_t *d = slurp(ar_path, &len);
	uint64_t t0, c0, worst = 0, sum = 0, csum = 0;
	int i;

	if (uz_archive_open_mem(d, len, &a, &err))
		bench_die("%s", err.msg);
	printf("3. one entry found and loaded from the archive in memory (%zu bytes), %d loads each\n",
	       len, loads);
	printf("   %-30s %18s %9s %20s\n", "kernel", "uz_target_load_mem", "(cpu)", "uz_archive_entry_btf");
	for (e = 0; e < uz_archive_entry_cnt(a); e++) {
		const char *rel = uz_archive_entry(a, e)->release;
		UZ_OPTS_INIT(uz_target_opts, to, .kernel_release = rel);
		uint64_t t_load, t_bytes, c_load;

		c0 = cpu_now_ns();
		t0 = bench_now_ns();
		for (i = 0; i < loads; i++) {
			struct uz_target *t = NULL;

			if (uz_target_load_mem(d, len, &to, &t, &err))
				bench_die("%s", err.msg);
			uz_target_free(t);
		}
		t_load = (bench_now_ns() - t0) / (uint64_t)loads;
		c_load = (cpu_now_ns() - c0) / (uint64_t)loads;
		t0 = bench_now_ns();
		for (i = 0; i < loads; i++) {
			struct uz_archive *b = NULL;
			void *btf = NULL;
			size_t blen;

			if (uz_archive_open_mem(d, len, &b, &err) ||
			    uz_archive_find(b, rel, NULL, &idx, &err) ||
			    uz_archive_entry_btf(b, idx, &btf, &blen, &err))
				bench_die("%s", err.msg);
			free(btf);
			uz_archive_free(b);
		}
		t_bytes = (bench_now_ns() - t0) / (uint64_t)loads;
		printf("   %-30s %15.1f us %6.1f us %17.1f us\n", rel, t_load / 1e3, c_load / 1e3,
		       t_bytes / 1e3);
		sum += t_load;
		csum += c_load;
		if (t_load > worst)
			worst = t_load;
	}
	printf("   mean %.1f us (cpu %.1f us), worst %.1f us per entry (open + find + inflate + rebuild + validate + index)\n",
	       sum / 1e3 / (double)uz_archive_entry_cnt(a), csum / 1e3 / (double)uz_archive_entry_cnt(a),
	       worst / 1e3);
	uz_archive_free(a);
	free(d);
}

int main(int argc, char **argv)
{
	struct set objs = { 0 }, plain = { 0 }, samples = { 0 }, ks = { 0 };
	char tmp[] = "/tmp/uz-bench-btfgen.XXXXXX", ar[1024], pat[1024], cmd[1100];
	const char *cache = getenv("UZ_CACHE"), *home = getenv("HOME");
	int runs = 3, loads = 2000, i;
	bool per_obj = true;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--loads") && i + 1 < argc)
			loads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-per-object"))
			per_obj = false;
		else if (argv[i][0] != '-' && ks.n < MAXK)
			ks.p[ks.n++] = bench_xstrdup(argv[i]);
		else
			bench_die("usage: uz-bench-btfgen [--runs N] [--loads N] [--no-per-object] [KERNEL.btf...]");
	}
	if (!ks.n) {
		snprintf(pat, sizeof(pat), "%s%s/btf/*.btf", cache ? cache : home,
			 cache ? "" : "/.cache/userize");
		add_glob(&ks, pat);
		snprintf(pat, sizeof(pat), "%s%s/btf-arm64/*.btf", cache ? cache : home,
			 cache ? "" : "/.cache/userize");
		add_glob(&ks, pat);
		ks.p[ks.n++] = bench_xstrdup("/sys/kernel/btf/vmlinux");
	}
	add_glob(&plain, UZ_BENCH_BUILD "/tools/bench/core_bench.o");
	add_glob(&plain, UZ_BENCH_BUILD "/tests/btfgen/plain.o");
	add_glob(&samples, UZ_BENCH_BUILD "/samples/*.o");
	add_glob(&objs, UZ_BENCH_BUILD "/tools/bench/core_bench.o");
	add_glob(&objs, UZ_BENCH_BUILD "/tests/btfgen/plain.o");
	add_glob(&objs, UZ_BENCH_BUILD "/samples/*.o");
	add_glob(&objs, UZ_BENCH_BUILD "/tests/bpf/*.o");
	if (!plain.n || !samples.n || !mkdtemp(tmp))
		bench_die("objects missing under %s (build first)", UZ_BENCH_BUILD);
	if (per_obj)
		per_object(&objs, &ks, runs, tmp);
	printf("\n2. one archive over all kernels vs a tar | xz -9 of per-kernel files\n");
	snprintf(ar, sizeof(ar), "%s/plain.uzar", tmp);
	archive_vs_tar("plain CO-RE objects", &plain, &ks, tmp, ar);
	snprintf(ar, sizeof(ar), "%s/samples.uzar", tmp);
	archive_vs_tar("samples (userize tags)", &samples, &ks, tmp, ar);
	printf("\n");
	entry_loads(ar, loads);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) ? 1 : 0;
}
