// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uz-bench-matrix: the cost of a whole offset matrix (every object against
 * every kernel of the corpus), with the anchors side by side in one run:
 *
 *   userize, in process   per kernel: uz_target_load() (read, parse,
 *                         validate, name index) and uz_object_relocate() of
 *                         every object; objects are opened once
 *   userize, whole CLI    `userize matrix OBJ... --targets ...` and
 *                         `userize matrix --fields --targets ...` as child
 *                         processes (output to /dev/null): wall and peak RSS
 *   libbpf 1.1, in process  per kernel: btf__parse() of the BTF, and per
 *                         object bpf_object__open_file(btf_custom_path) +
 *                         bpf_object__load() stopped in the program
 *                         handler's prog_prepare_load_fn, i.e. after CO-RE
 *                         and before any program load. Two windows: CO-RE
 *                         (first "found N CO-RE relocations" message to the
 *                         callback, as uz-bench-core) and the whole load
 *                         call (it re-parses btf_custom_path for every
 *                         object, loads the object BTF, creates maps)
 *   bpftool, pahole       `bpftool btf dump file K format raw` and
 *                         `pahole -F btf -C task_struct K` per kernel, as
 *                         child processes reading the same files
 *
 * libbpf's CO-RE result is compared with userize's at every record (the
 * patched instruction, both halves of ld_imm64); a difference stops the run.
 * Peak RSS of each in-process engine is measured in a fresh child doing one
 * whole pass. libbpf's callbacks take no user pointer, so their state is the
 * one file-scope struct below (a benchmark, not the library).
 *
 * Must run as root for the libbpf part (bpf_object__load() probes the
 * kernel and creates the objects' maps); without root it is skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <userize/userize.h>

#include "bench_util.h"

#ifndef UZ_BENCH_SAMPLES_DIR
#define UZ_BENCH_SAMPLES_DIR "samples"
#endif
#ifndef UZ_BENCH_CLI
#define UZ_BENCH_CLI "userize"
#endif
#define RUNNING_BTF "/sys/kernel/btf/vmlinux"
#define CORE_START_MSG "found %d CO-RE relocations"
#define MAX_ROUNDS 1000

/* ---- libbpf callback state --------------------------------------------- */

static struct {
	struct bpf_object *obj;
	bool armed, verbose;
	uint64_t core_start, prepare;
	struct bench_prog *progs;
	size_t nprogs;
} lb;

/* ---- model ------------------------------------------------------------- */

struct kernel {
	char *path, *name;
	uint32_t types;
	double *uz_load, *uz_reloc, *lb_parse, *lb_core, *lb_load, *bpftool, *pahole;
	long bpftool_rss, pahole_rss;
};

struct object {
	char *path, *name;
	struct uz_object *uo;
	size_t nrec;
};

struct bench {
	struct kernel *k;
	size_t nk;
	struct object *o;
	size_t no;
	int rounds;
	bool libbpf, tools;
	const char *cli;
	double open_ms;
	double *cli_obj, *cli_fields;
	long cli_obj_rss, cli_fields_rss;
	size_t compared;	/* records compared with libbpf, per round */
	size_t by_tags;		/* of those, resolved differently thanks to tags */
};

static double ms(uint64_t a, uint64_t b)
{
	return (double)(b - a) / 1e6;
}

static char *base_name(const char *path, const char *suffix)
{
	const char *b = strrchr(path, '/');
	char *n = bench_xstrdup(b ? b + 1 : path);
	size_t l = strlen(n), sl = strlen(suffix);

	if (l > sl && !strcmp(n + l - sl, suffix))
		n[l - sl] = 0;
	return n;
}

/* ---- libbpf ------------------------------------------------------------ */

static int lb_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (lb.armed && !lb.prepare && !lb.core_start && strstr(fmt, CORE_START_MSG))
		lb.core_start = bench_now_ns();
	if (level == LIBBPF_WARN && (lb.verbose || (lb.armed && !lb.prepare)))
		vfprintf(stderr, fmt, ap);
	return 0;
}

/* Every program is relocated when the first one is about to load. */
static int lb_prepare(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	(void)prog;
	(void)opts;
	(void)cookie;
	if (lb.prepare)
		return -ECANCELED;
	lb.prepare = bench_now_ns();
	bench_progs_capture(lb.obj, &lb.progs, &lb.nprogs);
	return -ECANCELED;
}

/* libbpf's instructions must equal userize's at every CO-RE record. */
static size_t compare(const struct object *o, const struct kernel *k,
		      const struct uz_relocation *rel)
{
	size_t n = uz_relocation_record_cnt(rel), i, j, done = 0;

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);
		const struct bpf_insn *u;
		const struct bench_prog *p = NULL;
		size_t ucnt, slots;

		for (j = 0; j < lb.nprogs && !p; j++)
			if (!strcmp(lb.progs[j].sec, r->section))
				p = &lb.progs[j];
		if (!p || p->nsec != 1)
			continue; /* subprogram section or several programs: not aligned */
		u = uz_relocation_insns(rel, r->section, &ucnt);
		if (!u || r->insn >= ucnt || r->insn >= p->cnt)
			continue;
		slots = u[r->insn].code == (BPF_LD | BPF_IMM | BPF_DW) && r->insn + 1 < p->cnt ? 2 : 1;
		if (memcmp(&u[r->insn], &p->insns[r->insn], slots * sizeof(*u)))
			bench_die("MISMATCH on %s, %s: %s insn %u (%s %s): libbpf imm %d off %d, userize "
			    "imm %d off %d; a benchmark of a wrong result is meaningless", k->name,
			    o->name, r->section, r->insn, uz_kind_name(r->kind), r->spec,
			    p->insns[r->insn].imm, p->insns[r->insn].off, u[r->insn].imm,
			    u[r->insn].off);
		done++;
	}
	return done;
}

/* One object on one kernel; adds to *core and *load (ms). */
static void lb_object(const struct object *o, const struct kernel *k, double *core, double *load,
		      const struct uz_relocation *rel, size_t *compared)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = k->path);
	struct bpf_object *obj = bpf_object__open_file(o->path, &oo);
	uint64_t t0;
	int err;

	if (!obj)
		bench_die("libbpf cannot open %s: %s", o->path, strerror(errno));
	lb.obj = obj;
	lb.core_start = lb.prepare = 0;
	lb.armed = true;
	t0 = bench_now_ns();
	err = bpf_object__load(obj);
	lb.armed = false;
	bpf_object__close(obj);
	lb.obj = NULL;
	if (!lb.prepare)
		bench_die("libbpf: loading %s against %s failed before any program load (%s)%s", o->name,
		    k->name, strerror(err < 0 ? -err : EINVAL),
		    geteuid() ? "; this part must run as root" : "");
	if (!lb.core_start)
		bench_die("libbpf printed no \"%s\" for %s", CORE_START_MSG, o->name);
	*core += ms(lb.core_start, lb.prepare);
	*load += ms(t0, lb.prepare);
	if (rel)
		*compared += compare(o, k, rel);
}

/* ---- one pass ---------------------------------------------------------- */

/*
 * userize on kernel @k (timed). With @plain, also (untimed) every object
 * with the userize tags ignored, libbpf's semantics, for the comparison:
 * libbpf knows no views, so it poisons what userize resolves through tags.
 */
static void uz_kernel(struct bench *b, struct kernel *k, double *load, double *reloc,
		      struct uz_relocation ***plain)
{
	UZ_OPTS_INIT(uz_reloc_opts, nopts, .no_userize_tags = true);
	struct uz_relocation **rels = bench_xcalloc(b->no, sizeof(*rels));
	struct uz_error err = { 0 };
	struct uz_target *tgt = NULL;
	uint64_t t0, t1, t2;

	t0 = bench_now_ns();
	if (uz_target_load(k->path, NULL, &tgt, &err))
		bench_die("userize: %s", err.msg);
	t1 = bench_now_ns();
	for (size_t i = 0; i < b->no; i++)
		if (uz_object_relocate(b->o[i].uo, tgt, NULL, &rels[i], &err))
			bench_die("userize: %s on %s: %s", b->o[i].name, k->name, err.msg);
	t2 = bench_now_ns();
	k->types = uz_target_type_cnt(tgt);
	*load = ms(t0, t1);
	*reloc = ms(t1, t2);
	if (plain) {
		*plain = bench_xcalloc(b->no, sizeof(**plain));
		for (size_t i = 0; i < b->no; i++) {
			const struct uz_relocation *r = rels[i];
			size_t n = uz_relocation_record_cnt(r);

			if (uz_object_relocate(b->o[i].uo, tgt, &nopts, &(*plain)[i], &err))
				bench_die("userize: %s on %s: %s", b->o[i].name, k->name, err.msg);
			/* records the views change: resolved with tags, not without */
			for (size_t j = 0; j < n; j++)
				b->by_tags += uz_relocation_record(r, j)->new_value !=
					      uz_relocation_record((*plain)[i], j)->new_value ||
					      uz_relocation_record(r, j)->result !=
					      uz_relocation_record((*plain)[i], j)->result;
		}
	}
	for (size_t i = 0; i < b->no; i++)
		uz_relocation_free(rels[i]);
	free(rels);
	uz_target_free(tgt);
}

static void free_rels(struct bench *b, struct uz_relocation **rels)
{
	for (size_t i = 0; b && rels && i < b->no; i++)
		uz_relocation_free(rels[i]);
	free(rels);
}

/* libbpf on kernel @k (parse once, then every object). */
static void lb_kernel(struct bench *b, struct kernel *k, struct uz_relocation **rels,
		      double *parse, double *core, double *load, size_t *compared)
{
	struct btf *btf;
	uint64_t t0 = bench_now_ns();

	btf = btf__parse(k->path, NULL);
	*parse = ms(t0, bench_now_ns());
	if (!btf)
		bench_die("libbpf: btf__parse(%s): %s", k->path, strerror(errno));
	btf__free(btf);
	*core = *load = 0;
	for (size_t i = 0; i < b->no; i++)
		lb_object(&b->o[i], k, core, load, rels ? rels[i] : NULL, compared);
}

/* Round @r (0 = warm-up, not kept). */
static void round_engines(struct bench *b, int r)
{
	size_t compared = 0;

	for (size_t i = 0; i < b->nk; i++) {
		struct kernel *k = &b->k[i];
		double ul, ur, lp = 0, lc = 0, ll = 0;
		struct uz_relocation **plain = NULL;
		bool check = !(r % 2) && b->libbpf;

		if (r % 2 && b->libbpf)
			lb_kernel(b, k, NULL, &lp, &lc, &ll, &compared);
		if (check && i == 0)
			b->by_tags = 0;
		uz_kernel(b, k, &ul, &ur, check ? &plain : NULL);
		if (check)
			lb_kernel(b, k, plain, &lp, &lc, &ll, &compared);
		free_rels(b, plain);
		if (r) {
			k->uz_load[r - 1] = ul;
			k->uz_reloc[r - 1] = ur;
			k->lb_parse[r - 1] = lp;
			k->lb_core[r - 1] = lc;
			k->lb_load[r - 1] = ll;
		}
	}
	if (!(r % 2) && b->libbpf) {
		if (!compared)
			bench_die("no record could be compared with libbpf");
		b->compared = compared;
	}
}

/* ---- child processes --------------------------------------------------- */

/* Run argv with stdout/stderr to /dev/null; wall ms, *rss KiB; -1 if not runnable. */
static double run_child(char *const argv[], long *rss)
{
	struct rusage ru;
	uint64_t t0;
	int st;
	pid_t pid;

	fflush(NULL);
	t0 = bench_now_ns();
	pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		bench_die("wait4: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 127)
		return -1;
	if (rss && ru.ru_maxrss > *rss)
		*rss = ru.ru_maxrss;
	if (bench_clock_is_cpu())
		return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	return ms(t0, bench_now_ns());
}

static void round_tools(struct bench *b, int r)
{
	for (size_t i = 0; i < b->nk; i++) {
		struct kernel *k = &b->k[i];
		char *bt[] = { "bpftool", "btf", "dump", "file", k->path, "format", "raw", NULL };
		char *ph[] = { "pahole", "-F", "btf", "-C", "task_struct", k->path, NULL };
		double t1 = run_child(bt, &k->bpftool_rss), t2 = run_child(ph, &k->pahole_rss);

		if (r) {
			k->bpftool[r - 1] = t1;
			k->pahole[r - 1] = t2;
		}
	}
}

/* `userize matrix OBJS --targets KERNELS` and the --fields run. */
static void round_cli(struct bench *b, int r)
{
	char **argv = bench_xcalloc(b->no + b->nk + 8, sizeof(*argv));
	size_t n = 0, i;
	double t;

	argv[n++] = (char *)b->cli;
	argv[n++] = "matrix";
	for (i = 0; i < b->no; i++)
		argv[n++] = b->o[i].path;
	argv[n++] = "--targets";
	for (i = 0; i < b->nk; i++)
		argv[n++] = b->k[i].path;
	argv[n] = NULL;
	t = run_child(argv, &b->cli_obj_rss);
	if (t < 0)
		bench_die("cannot run %s", b->cli);
	if (r)
		b->cli_obj[r - 1] = t;
	/* --fields: no objects */
	n = 2;
	argv[n++] = "--fields";
	argv[n++] = "--targets";
	for (i = 0; i < b->nk; i++)
		argv[n++] = b->k[i].path;
	argv[n] = NULL;
	t = run_child(argv, &b->cli_fields_rss);
	if (r)
		b->cli_fields[r - 1] = t;
	free(argv);
}

/* Peak RSS of one whole in-process pass of one engine, in a fresh child. */
static long engine_rss(struct bench *b, bool libbpf)
{
	struct rusage ru;
	int st;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (!pid) {
		for (size_t i = 0; i < b->nk; i++) {
			double x, y, z;
			size_t c = 0;

			if (libbpf)
				lb_kernel(b, &b->k[i], NULL, &x, &y, &z, &c);
			else
				uz_kernel(b, &b->k[i], &x, &y, NULL);
		}
		_exit(0);
	}
	if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		bench_die("the RSS child (%s) failed", libbpf ? "libbpf" : "userize");
	return ru.ru_maxrss;
}

/* ---- statistics and report --------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double *c = bench_xcalloc((size_t)n, sizeof(*c)), m;

	memcpy(c, v, (size_t)n * sizeof(*c));
	qsort(c, (size_t)n, sizeof(*c), cmp_double);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

/* Median over rounds of the per-round sum over kernels of @field. */
static double total(const struct bench *b, size_t field)
{
	double *v = bench_xcalloc((size_t)b->rounds, sizeof(*v)), m;

	for (int r = 0; r < b->rounds; r++)
		for (size_t i = 0; i < b->nk; i++)
			v[r] += (*(double **)((const char *)&b->k[i] + field))[r];
	m = median(v, b->rounds);
	free(v);
	return m;
}

#define KF(f) offsetof(struct kernel, f)

static double kmed(const struct kernel *k, size_t field, int rounds)
{
	return median(*(double **)((const char *)k + field), rounds);
}

static void report(struct bench *b, long rss_uz, long rss_lb)
{
	double uzl = total(b, KF(uz_load)), uzr = total(b, KF(uz_reloc));
	double lbp = total(b, KF(lb_parse)), lbc = total(b, KF(lb_core)), lbl = total(b, KF(lb_load));
	double bt = total(b, KF(bpftool)), ph = total(b, KF(pahole));
	double cli = median(b->cli_obj, b->rounds), clf = median(b->cli_fields, b->rounds);
	long bt_rss = 0, ph_rss = 0;
	size_t nrec = 0;

	for (size_t i = 0; i < b->no; i++)
		nrec += b->o[i].nrec;
	printf("uz-bench-matrix: %zu objects (", b->no);
	for (size_t i = 0; i < b->no; i++)
		printf("%s%s", i ? ", " : "", b->o[i].name);
	printf("; %zu CO-RE records) x %zu kernels\n", nrec, b->nk);
	printf("  %d rounds after 1 warm-up (page cache warm), medians in ms\n", b->rounds);
	if (b->libbpf)
		printf("  libbpf's CO-RE result equals userize's with the userize tags ignored at "
		       "every record\n  (%zu per round); with the tags, userize resolves %zu of them "
		       "differently (the views,\n  which libbpf poisons)\n", b->compared, b->by_tags);
	printf("  objects opened once by userize: %.3f ms for all\n\n", b->open_ms);

	printf("  %-28s %7s | %8s %8s %8s | %8s %8s %8s | %8s %8s\n", "kernel", "types",
	       "uz load", "uz reloc", "uz sum", "lb parse", "lb CO-RE", "lb load", "bpftool",
	       "pahole");
	for (size_t i = 0; i < b->nk; i++) {
		const struct kernel *k = &b->k[i];
		double l = kmed(k, KF(uz_load), b->rounds), r = kmed(k, KF(uz_reloc), b->rounds);

		printf("  %-28s %7u | %8.2f %8.3f %8.2f | %8.2f %8.2f %8.2f | %8.1f %8.1f\n",
		       k->name, k->types, l, r, l + r, kmed(k, KF(lb_parse), b->rounds),
		       kmed(k, KF(lb_core), b->rounds), kmed(k, KF(lb_load), b->rounds),
		       kmed(k, KF(bpftool), b->rounds), kmed(k, KF(pahole), b->rounds));
		if (k->bpftool_rss > bt_rss)
			bt_rss = k->bpftool_rss;
		if (k->pahole_rss > ph_rss)
			ph_rss = k->pahole_rss;
	}
	printf("  %-28s %7s | %8.2f %8.3f %8.2f | %8.2f %8.2f %8.2f | %8.1f %8.1f\n\n",
	       "total (median of sums)", "", uzl, uzr, uzl + uzr, lbp, lbc, lbl, bt, ph);

	printf("  userize in process: %.1f ms for the corpus; loading BTF %.1f %%, resolving "
	       "%.1f %%\n", uzl + uzr, 100 * uzl / (uzl + uzr), 100 * uzr / (uzl + uzr));
	printf("  whole process, wall (peak RSS):\n");
	printf("    %-52s %8.1f ms (%.1f MB)\n", "userize matrix OBJS --targets (all kernels)", cli,
	       b->cli_obj_rss / 1024.0);
	printf("    %-52s %8.1f ms (%.1f MB)\n", "userize matrix --fields --targets (all kernels)",
	       clf, b->cli_fields_rss / 1024.0);
	if (b->tools) {
		printf("    %-52s %8.1f ms (%.1f MB max)\n", "bpftool btf dump raw, one run per kernel",
		       bt, bt_rss / 1024.0);
		printf("    %-52s %8.1f ms (%.1f MB max)\n", "pahole -C task_struct, one run per kernel",
		       ph, ph_rss / 1024.0);
	}
	printf("  peak RSS of one in-process pass in a fresh child: userize %.1f MB",
	       rss_uz / 1024.0);
	if (b->libbpf)
		printf(", libbpf %.1f MB", rss_lb / 1024.0);
	printf("\n\n  ratios (anchor / userize)\n");
	if (b->libbpf) {
		printf("    %-60s %7.1fx\n", "resolve: libbpf CO-RE / uz_object_relocate", lbc / uzr);
		printf("    %-60s %7.1fx\n", "parse: libbpf btf__parse / uz_target_load", lbp / uzl);
		printf("    %-60s %7.1fx\n", "engine: libbpf parse + CO-RE / uz load + relocate", (lbp + lbc) / (uzl + uzr));
		printf("    %-60s %7.1fx\n", "as used: libbpf open+load per object / uz load + relocate", lbl / (uzl + uzr));
	}
	if (b->tools) {
		printf("    %-60s %7.1fx\n", "bpftool dump of every kernel / userize matrix process",
		       bt / cli);
		printf("    %-60s %7.1fx\n", "pahole -C task_struct per kernel / userize matrix process",
		       ph / cli);
	}
	printf("  goal, whole corpus < 1 s (userize matrix, whole process): %s (%.3f s)\n",
	       cli < 1000 ? "met" : "NOT met", cli / 1000);
}

/*
 * --tsv: the medians as tab-separated lines for tools/bench/bench.sh:
 *   kernel NAME TYPES uz_load uz_reloc lb_parse lb_core lb_load   (ms)
 *   total - - (same columns, median of the per-round sums)
 *   cli obj_ms obj_rss_kB fields_ms fields_rss_kB
 *   rss userize_kB libbpf_kB   (one in-process pass in a fresh child)
 */
static void write_tsv(const struct bench *b, const char *path, long rss_uz, long rss_lb)
{
	FILE *f = fopen(path, "a");

	if (!f)
		bench_die("cannot append to %s: %s", path, strerror(errno));
	for (size_t i = 0; i < b->nk; i++) {
		const struct kernel *k = &b->k[i];

		fprintf(f, "kernel\t%s\t%u\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", k->name, k->types,
			kmed(k, KF(uz_load), b->rounds), kmed(k, KF(uz_reloc), b->rounds),
			kmed(k, KF(lb_parse), b->rounds), kmed(k, KF(lb_core), b->rounds),
			kmed(k, KF(lb_load), b->rounds));
	}
	fprintf(f, "total\t-\t-\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", total(b, KF(uz_load)),
		total(b, KF(uz_reloc)), total(b, KF(lb_parse)), total(b, KF(lb_core)),
		total(b, KF(lb_load)));
	fprintf(f, "cli\t%.4f\t%ld\t%.4f\t%ld\n", median(b->cli_obj, b->rounds), b->cli_obj_rss,
		median(b->cli_fields, b->rounds), b->cli_fields_rss);
	fprintf(f, "rss\t%ld\t%ld\n", rss_uz, rss_lb);
	if (fclose(f))
		bench_die("cannot write %s: %s", path, strerror(errno));
}

/* ---- arguments --------------------------------------------------------- */

static void add_kernel(struct bench *b, const char *path)
{
	struct kernel *k;

	b->k = realloc(b->k, (b->nk + 1) * sizeof(*b->k));
	if (!b->k)
		bench_die("out of memory");
	k = &b->k[b->nk++];
	memset(k, 0, sizeof(*k));
	k->path = bench_xstrdup(path);
	k->name = base_name(path, ".btf");
}

static void add_object(struct bench *b, const char *path)
{
	struct object *o;

	b->o = realloc(b->o, (b->no + 1) * sizeof(*b->o));
	if (!b->o)
		bench_die("out of memory");
	o = &b->o[b->no++];
	memset(o, 0, sizeof(*o));
	o->path = bench_xstrdup(path);
	o->name = base_name(path, ".o");
}

/* Every regular file of @dir matching @suffix (sorted), through @add. */
static size_t add_dir(struct bench *b, const char *dir, const char *suffix,
		      void (*add)(struct bench *, const char *))
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	size_t added = 0;

	if (n < 0)
		bench_die("%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		char path[4096];
		size_t l = strlen(ents[i]->d_name), sl = strlen(suffix);
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (l > sl && !strcmp(ents[i]->d_name + l - sl, suffix) && !stat(path, &st) &&
		    S_ISREG(st.st_mode)) {
			add(b, path);
			added++;
		}
		free(ents[i]);
	}
	free(ents);
	return added;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: uz-bench-matrix [--corpus DIR] [--target FILE]... [--no-running]\n"
		"                       [--objects DIR] [--object OBJ]... [--rounds N]\n"
		"                       [--no-libbpf] [--no-tools] [--cli PATH] [--tsv FILE] [-v]\n"
		"  --corpus DIR    every *.btf of DIR (default $UZ_CACHE/btf, else\n"
		"                  ~/.cache/userize/btf)\n"
		"  --target FILE   one more kernel BTF (repeatable)\n"
		"  --no-running    leave out " RUNNING_BTF "\n"
		"  --objects DIR   every *.o of DIR (default " UZ_BENCH_SAMPLES_DIR ")\n"
		"  --object OBJ    one object (repeatable; replaces the default)\n"
		"  --rounds N      measured rounds, default 5 (plus one warm-up)\n"
		"  --no-libbpf     skip libbpf (needs root otherwise)\n"
		"  --no-tools      skip bpftool and pahole\n"
		"  --cli PATH      the userize binary (default " UZ_BENCH_CLI ")\n"
		"  --tsv FILE      also append the medians to FILE, tab-separated\n"
		"                  (for tools/bench/bench.sh)\n"
		"  -v              show libbpf's warnings\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "corpus", required_argument, NULL, 'c' },
		{ "target", required_argument, NULL, 't' },
		{ "no-running", no_argument, NULL, 'R' },
		{ "objects", required_argument, NULL, 'O' },
		{ "object", required_argument, NULL, 'o' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "no-libbpf", no_argument, NULL, 'L' },
		{ "no-tools", no_argument, NULL, 'T' },
		{ "cli", required_argument, NULL, 'x' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "tsv", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bench b = { .rounds = 5, .libbpf = true, .tools = true, .cli = UZ_BENCH_CLI };
	const char *corpus = NULL, *tsv = NULL, *objdir = UZ_BENCH_SAMPLES_DIR;
	bool running = true;
	char defcorpus[4096];
	int c, handlers[2] = { -1, -1 };
	long rss_uz, rss_lb = 0;
	uint64_t t0;

	while ((c = getopt_long(argc, argv, "c:t:RO:o:r:LTx:vhS:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': corpus = optarg; break;
		case 't': add_kernel(&b, optarg); break;
		case 'R': running = false; break;
		case 'O': objdir = optarg; break;
		case 'o': add_object(&b, optarg); break;
		case 'r':
			b.rounds = atoi(optarg);
			if (b.rounds < 1 || b.rounds > MAX_ROUNDS)
				bench_die("--rounds wants 1 to %d", MAX_ROUNDS);
			break;
		case 'L': b.libbpf = false; break;
		case 'T': b.tools = false; break;
		case 'x': b.cli = optarg; break;
		case 'v': lb.verbose = true; break;
		case 'S': tsv = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!corpus) {
		const char *cache = getenv("UZ_CACHE"), *home = getenv("HOME");

		if (cache)
			snprintf(defcorpus, sizeof(defcorpus), "%s/btf", cache);
		else
			snprintf(defcorpus, sizeof(defcorpus), "%s/.cache/userize/btf",
				 home ? home : "");
		corpus = defcorpus;
	}
	if (!add_dir(&b, corpus, ".btf", add_kernel))
		bench_die("no *.btf in %s (tools/corpus.sh fetch)", corpus);
	if (running && !access(RUNNING_BTF, R_OK))
		add_kernel(&b, RUNNING_BTF);
	if (!b.no && !add_dir(&b, objdir, ".o", add_object))
		bench_die("no *.o in %s (build the samples)", objdir);
	if (b.libbpf && geteuid()) {
		fprintf(stderr, "uz-bench-matrix: not root: libbpf part skipped\n");
		b.libbpf = false;
	}

	t0 = bench_now_ns();
	for (size_t i = 0; i < b.no; i++) {
		struct uz_error err = { 0 };

		if (uz_object_open(b.o[i].path, NULL, &b.o[i].uo, &err))
			bench_die("userize: %s", err.msg);
		b.o[i].nrec = uz_object_core_relo_cnt(b.o[i].uo);
	}
	b.open_ms = ms(t0, bench_now_ns());
	for (size_t i = 0; i < b.nk; i++) {
		struct kernel *k = &b.k[i];

		k->uz_load = bench_xcalloc((size_t)b.rounds, sizeof(double));
		k->uz_reloc = bench_xcalloc((size_t)b.rounds, sizeof(double));
		k->lb_parse = bench_xcalloc((size_t)b.rounds, sizeof(double));
		k->lb_core = bench_xcalloc((size_t)b.rounds, sizeof(double));
		k->lb_load = bench_xcalloc((size_t)b.rounds, sizeof(double));
		k->bpftool = bench_xcalloc((size_t)b.rounds, sizeof(double));
		k->pahole = bench_xcalloc((size_t)b.rounds, sizeof(double));
	}
	b.cli_obj = bench_xcalloc((size_t)b.rounds, sizeof(double));
	b.cli_fields = bench_xcalloc((size_t)b.rounds, sizeof(double));

	libbpf_set_print(lb_print);
	if (b.libbpf) {
		LIBBPF_OPTS(libbpf_prog_handler_opts, hopts, .prog_prepare_load_fn = lb_prepare);

		handlers[0] = libbpf_register_prog_handler("tracepoint/", BPF_PROG_TYPE_TRACEPOINT,
							   0, &hopts);
		handlers[1] = libbpf_register_prog_handler("raw_tracepoint/",
							   BPF_PROG_TYPE_RAW_TRACEPOINT, 0, &hopts);
		if (handlers[0] < 0 || handlers[1] < 0)
			bench_die("libbpf_register_prog_handler failed");
	}

	/* fresh children first, while this process is small */
	rss_uz = engine_rss(&b, false);
	if (b.libbpf)
		rss_lb = engine_rss(&b, true);
	for (int r = 0; r <= b.rounds; r++) {
		round_engines(&b, r);
		if (b.tools)
			round_tools(&b, r);
		round_cli(&b, r);
	}
	report(&b, rss_uz, rss_lb);
	if (tsv)
		write_tsv(&b, tsv, rss_uz, rss_lb);

	for (int i = 0; i < 2; i++)
		if (handlers[i] >= 0)
			libbpf_unregister_prog_handler(handlers[i]);
	bench_progs_free(&lb.progs, &lb.nprogs);
	for (size_t i = 0; i < b.no; i++) {
		uz_object_free(b.o[i].uo);
		free(b.o[i].path);
		free(b.o[i].name);
	}
	for (size_t i = 0; i < b.nk; i++) {
		struct kernel *k = &b.k[i];

		free(k->path);
		free(k->name);
		free(k->uz_load);
		free(k->uz_reloc);
		free(k->lb_parse);
		free(k->lb_core);
		free(k->lb_load);
		free(k->bpftool);
		free(k->pahole);
	}
	free(b.k);
	free(b.o);
	free(b.cli_obj);
	free(b.cli_fields);
	return 0;
}
