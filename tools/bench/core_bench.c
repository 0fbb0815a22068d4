// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uz-bench-core: CO-RE resolution time of userize against libbpf's engine,
 * in one process, on the same object and the same target BTF.
 *
 * libbpf has no public "relocate only" entry point, so its CO-RE step is
 * timed inside bpf_object__load():
 *   start  the first "sec '%s': found %d CO-RE relocations" debug message,
 *          which bpf_object__relocate_core() prints right after it has
 *          parsed the custom target BTF (opts.btf_custom_path);
 *   end    the prog_prepare_load_fn callback of a program handler this tool
 *          registers for "uzbench/" sections. libbpf calls it for the first
 *          program, after CO-RE, call and data relocation of all programs and
 *          before the bpf(BPF_PROG_LOAD) syscall; the callback returns an
 *          error, so the verifier never runs.
 * The end of the last CO-RE debug message is also kept, which gives a
 * tighter window (records only, without libbpf's clean-up and the few
 * non-CO-RE passes). libbpf's btf__parse() of the target is timed apart.
 *
 * userize: uz_target_load() (read, parse, validate, name index) and
 * uz_object_relocate() are timed separately; the object is opened once.
 *
 * Rounds interleave the engines (the order alternates) after one warm-up
 * round that fills libbpf's feature-probe cache. Every round checks that
 * both engines produced the same instructions for every program; a
 * difference aborts the run. Peak RSS of each engine is measured in a
 * fresh child process running one round.
 *
 * Must run as root: bpf_object__load() probes the kernel before it relocates.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <userize/userize.h>

#include "bench_util.h"

#ifndef UZ_BENCH_DEFAULT_OBJ
#define UZ_BENCH_DEFAULT_OBJ "core_bench.o"
#endif
#define DEFAULT_TARGET "/sys/kernel/btf/vmlinux"
#define SEC_PREFIX "uzbench/"
#define CORE_START_MSG "found %d CO-RE relocations"

/* State shared with libbpf's callbacks, which take no user pointer. */
static struct {
	struct bpf_object *obj;	/* object being loaded */
	bool armed;		/* inside the timed bpf_object__load() */
	bool verbose;
	uint64_t core_start;	/* ns, first "found N CO-RE relocations" */
	uint64_t core_last;	/* ns, last libbpf message before prepare */
	uint64_t prepare;	/* ns, prog_prepare_load_fn called */
	long relo_cnt;		/* sum of the N in "found N ..." */
	struct bench_prog *progs;
	size_t prog_cnt;
} lb;

/*
 * libbpf's log: only the format string is looked at (no formatting), except
 * the count argument of the CO-RE start message, read with va_arg.
 */
static int lb_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (lb.armed && !lb.prepare) {
		lb.core_last = bench_now_ns();
		if (strstr(fmt, CORE_START_MSG)) {
			va_list aq;

			if (!lb.core_start)
				lb.core_start = lb.core_last;
			va_copy(aq, ap);
			(void)va_arg(aq, const char *);
			lb.relo_cnt += va_arg(aq, int);
			va_end(aq);
		}
	}
	/* After prepare, libbpf reports the load failure we caused. */
	if (level == LIBBPF_WARN && (lb.verbose || (lb.armed && !lb.prepare)))
		vfprintf(stderr, fmt, ap);
	return 0;
}

/* Every program is relocated by now: take a copy, then stop the load. */
static int lb_prepare(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
		      long cookie)
{
	(void)prog;
	(void)opts;
	(void)cookie;
	if (lb.prepare)
		return -ECANCELED;
	lb.prepare = bench_now_ns();
	bench_progs_capture(lb.obj, &lb.progs, &lb.prog_cnt);
	return -ECANCELED;
}

/* ---- one measurement of each engine ------------------------------------ */

struct sample {
	double lb_parse;	/* btf__parse(target) */
	double lb_core;		/* found .. prepare_load */
	double lb_records;	/* found .. last CO-RE message */
	double uz_load;		/* uz_target_load() */
	double uz_reloc;	/* uz_object_relocate() */
};

struct bench {
	const char *obj_path;
	const char *target;
	int rounds;
	struct uz_object *uobj;
	uint32_t target_types;
	size_t relo_cnt;
	size_t prog_cnt;
	size_t insn_cnt;
};

static double ms(uint64_t a, uint64_t b)
{
	return (double)(b - a) / 1e6;
}

static double run_lb_parse(const struct bench *b)
{
	struct btf *btf;
	uint64_t t0, t1;

	t0 = bench_now_ns();
	btf = btf__parse(b->target, NULL);
	t1 = bench_now_ns();
	if (!btf)
		bench_die("libbpf: btf__parse(%s): %s", b->target, strerror(errno));
	btf__free(btf);
	return ms(t0, t1);
}

/* libbpf's CO-RE pass; leaves the relocated instructions in lb.progs. */
static void run_lb_core(const struct bench *b, struct sample *s)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .btf_custom_path = b->target);
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_file(b->obj_path, &oopts);
	if (!obj)
		bench_die("libbpf: cannot open %s: %s", b->obj_path, strerror(errno));
	lb.obj = obj;
	lb.core_start = lb.core_last = lb.prepare = 0;
	lb.relo_cnt = 0;
	lb.armed = true;
	err = bpf_object__load(obj);
	lb.armed = false;
	bpf_object__close(obj);
	lb.obj = NULL;
	/* Success means err is the -ECANCELED lb_prepare() returned. */
	if (!lb.prepare)
		bench_die("libbpf: bpf_object__load() failed before any program load (%s)%s; "
		    "see the messages above", strerror(err < 0 ? -err : EINVAL),
		    geteuid() ? " and this tool must run as root" : "");
	if (!lb.core_start)
		bench_die("libbpf: no \"%s\" message seen; is %s a CO-RE object?",
		    CORE_START_MSG, b->obj_path);
	if ((size_t)lb.relo_cnt != b->relo_cnt)
		bench_die("libbpf found %ld CO-RE records, userize %zu", lb.relo_cnt, b->relo_cnt);
	s->lb_core = ms(lb.core_start, lb.prepare);
	s->lb_records = ms(lb.core_start, lb.core_last);
}

static struct uz_relocation *run_uz(struct bench *b, struct sample *s)
{
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	uint64_t t0, t1, t2;

	t0 = bench_now_ns();
	if (uz_target_load(b->target, NULL, &tgt, &err))
		bench_die("userize: %s", err.msg);
	t1 = bench_now_ns();
	if (uz_object_relocate(b->uobj, tgt, NULL, &rel, &err))
		bench_die("userize: %s", err.msg);
	t2 = bench_now_ns();
	b->target_types = uz_target_type_cnt(tgt);
	uz_target_free(tgt);
	s->uz_load = ms(t0, t1);
	s->uz_reloc = ms(t1, t2);
	return rel;
}

static void print_insn(const char *who, const struct bpf_insn *in)
{
	fprintf(stderr, "  %-8s code 0x%02x dst r%u src r%u off %d imm %d (0x%08x)\n",
		who, in->code, in->dst_reg, in->src_reg, in->off, in->imm,
		(unsigned int)in->imm);
}

/*
 * Compare libbpf's programs with userize's sections. With one program per
 * section (checked), the main-program part of libbpf's copy is index-aligned
 * with the section; anything libbpf appended (subprograms) is not compared.
 */
static void compare(struct bench *b, const struct uz_relocation *rel)
{
	size_t total = 0;

	for (size_t i = 0; i < lb.prog_cnt; i++) {
		const struct bench_prog *p = &lb.progs[i];
		const struct bpf_insn *u;
		size_t ucnt, n;

		for (size_t j = 0; j < i; j++)
			if (!strcmp(lb.progs[j].sec, p->sec))
				bench_die("section '%s' holds programs '%s' and '%s'; the comparison "
				    "needs one program per section", p->sec, lb.progs[j].name,
				    p->name);
		u = uz_relocation_insns(rel, p->sec, &ucnt);
		if (!u)
			bench_die("MISMATCH: userize has no program section '%s' (libbpf program '%s')",
			    p->sec, p->name);
		if (ucnt > p->cnt)
			bench_die("section '%s' has %zu insns but libbpf's program '%s' only %zu; "
			    "the comparison needs one program per section", p->sec, ucnt,
			    p->name, p->cnt);
		n = ucnt;
		for (size_t k = 0; k < n; k++) {
			if (!memcmp(&u[k], &p->insns[k], sizeof(*u)))
				continue;
			fprintf(stderr, "uz-bench-core: MISMATCH in section '%s' (program '%s'), "
				"insn %zu:\n", p->sec, p->name, k);
			print_insn("libbpf", &p->insns[k]);
			print_insn("userize", &u[k]);
			for (size_t r = 0; r < uz_relocation_record_cnt(rel); r++) {
				const struct uz_record *rec = uz_relocation_record(rel, r);

				if (strcmp(rec->section, p->sec) || rec->insn != k)
					continue;
				fprintf(stderr, "  userize record #%u %s %s -> %s, value %llu -> %llu%s%s\n",
					rec->relo_idx, uz_kind_name(rec->kind), rec->spec,
					rec->target_spec, (unsigned long long)rec->orig_value,
					(unsigned long long)rec->new_value,
					rec->message && *rec->message ? ": " : "",
					rec->message ? rec->message : "");
			}
			bench_die("a benchmark of a wrong result is meaningless; stopping");
		}
		total += n;
	}
	b->prog_cnt = lb.prog_cnt;
	b->insn_cnt = total;
}

/* ---- peak RSS of one engine in a fresh process ------------------------- */

enum engine { ENGINE_NONE, ENGINE_LIBBPF, ENGINE_USERIZE };

static long child_rss_kb(struct bench *b, enum engine e)
{
	struct rusage ru;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (pid == 0) {
		struct sample s;

		if (e == ENGINE_LIBBPF) {
			run_lb_parse(b);
			run_lb_core(b, &s);
		} else if (e == ENGINE_USERIZE) {
			uz_relocation_free(run_uz(b, &s));
		}
		_exit(0);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		bench_die("wait4: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		bench_die("the RSS child for engine %d failed", e);
	return ru.ru_maxrss;
}

/* ---- statistics and report --------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stat2 {
	double median;
	double min;
};

static struct stat2 stats(const struct sample *s, int n, size_t field_off,
			  size_t field2_off)
{
	double *v = bench_xcalloc(n, sizeof(*v));
	struct stat2 r;

	for (int i = 0; i < n; i++) {
		const char *base = (const char *)&s[i];

		v[i] = *(const double *)(base + field_off);
		if (field2_off != (size_t)-1)
			v[i] += *(const double *)(base + field2_off);
	}
	qsort(v, n, sizeof(*v), cmp_double);
	r.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	r.min = v[0];
	free(v);
	return r;
}

#define FIELD(f) offsetof(struct sample, f)
#define NOFIELD ((size_t)-1)

static void row(const char *what, struct stat2 st)
{
	printf("  %-44s %10.3f %10.3f\n", what, st.median, st.min);
}

static size_t local_type_cnt(const struct uz_relocation *rel)
{
	size_t n = uz_relocation_record_cnt(rel), cnt = 0;

	for (size_t i = 0; i < n; i++) {
		const char *t = uz_relocation_record(rel, i)->local_type;
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(uz_relocation_record(rel, j)->local_type, t))
				break;
		cnt += j == i;
	}
	return cnt;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: uz-bench-core [--rounds N] [--target BTF] [--object OBJ] [--tsv FILE] [-v]\n"
		"  --rounds N    measured rounds, default 20 (plus one warm-up)\n"
		"  --target BTF  target types, default " DEFAULT_TARGET "\n"
		"  --object OBJ  BPF object with " SEC_PREFIX "* sections, default\n"
		"                " UZ_BENCH_DEFAULT_OBJ "\n"
		"  --tsv FILE    also append one tab-separated line of the medians to FILE\n"
		"                (tools/bench/bench.sh): target types records lb_parse lb_core\n"
		"                uz_load uz_reloc (ms) rss_libbpf rss_userize rss_empty (kB)\n"
		"                local_types\n"
		"  -v            show libbpf warnings\n"
		"Must run as root (libbpf probes the kernel before relocating).\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "target", required_argument, NULL, 't' },
		{ "object", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "tsv", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *tsv = NULL;
	LIBBPF_OPTS(libbpf_prog_handler_opts, hopts, .prog_prepare_load_fn = lb_prepare);
	struct bench b = {
		.obj_path = UZ_BENCH_DEFAULT_OBJ,
		.target = DEFAULT_TARGET,
		.rounds = 20,
	};
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct stat2 lbc, lbp, uzr, uzl, lbe, uze;
	long rss_base, rss_lb, rss_uz;
	size_t types, poisoned, failed;
	struct sample *s, warm;
	struct rusage ru;
	int c, handler;

	while ((c = getopt_long(argc, argv, "r:t:o:vhT:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			b.rounds = atoi(optarg);
			if (b.rounds < 1)
				bench_die("--rounds wants a positive number");
			break;
		case 't':
			b.target = optarg;
			break;
		case 'o':
			b.obj_path = optarg;
			break;
		case 'v':
			lb.verbose = true;
			break;
		case 'T':
			tsv = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (geteuid())
		fprintf(stderr, "uz-bench-core: warning: not root; libbpf's load will fail\n");

	libbpf_set_print(lb_print);
	handler = libbpf_register_prog_handler(SEC_PREFIX, BPF_PROG_TYPE_KPROBE, 0, &hopts);
	if (handler < 0)
		bench_die("libbpf_register_prog_handler: %s", strerror(-handler));
	if (uz_object_open(b.obj_path, NULL, &b.uobj, &err))
		bench_die("userize: %s", err.msg);
	b.relo_cnt = uz_object_core_relo_cnt(b.uobj);
	if (!b.relo_cnt)
		bench_die("%s has no CO-RE relocations", b.obj_path);

	/* Fresh children first, while this process is still small. */
	rss_base = child_rss_kb(&b, ENGINE_NONE);
	rss_lb = child_rss_kb(&b, ENGINE_LIBBPF);
	rss_uz = child_rss_kb(&b, ENGINE_USERIZE);

	/* Warm-up: feature probes, page cache; also the first comparison. */
	run_lb_parse(&b);
	run_lb_core(&b, &warm);
	rel = run_uz(&b, &warm);
	compare(&b, rel);
	poisoned = uz_relocation_count(rel, UZ_RESULT_POISONED);
	failed = uz_relocation_count(rel, UZ_RESULT_ERROR);
	types = local_type_cnt(rel);
	uz_relocation_free(rel);

	s = bench_xcalloc(b.rounds, sizeof(*s));
	for (int i = 0; i < b.rounds; i++) {
		if (i % 2) {
			rel = run_uz(&b, &s[i]);
			s[i].lb_parse = run_lb_parse(&b);
			run_lb_core(&b, &s[i]);
		} else {
			s[i].lb_parse = run_lb_parse(&b);
			run_lb_core(&b, &s[i]);
			rel = run_uz(&b, &s[i]);
		}
		compare(&b, rel);
		uz_relocation_free(rel);
	}
	getrusage(RUSAGE_SELF, &ru);

	lbp = stats(s, b.rounds, FIELD(lb_parse), NOFIELD);
	lbc = stats(s, b.rounds, FIELD(lb_core), NOFIELD);
	uzl = stats(s, b.rounds, FIELD(uz_load), NOFIELD);
	uzr = stats(s, b.rounds, FIELD(uz_reloc), NOFIELD);
	lbe = stats(s, b.rounds, FIELD(lb_parse), FIELD(lb_core));
	uze = stats(s, b.rounds, FIELD(uz_load), FIELD(uz_reloc));

	printf("uz-bench-core: %s against %s (%u types)\n", b.obj_path, b.target,
	       b.target_types);
	printf("  %zu CO-RE relocations (%zu poisoned, %zu failed) over %zu local types, "
	       "%zu programs\n", b.relo_cnt, poisoned, failed, types, b.prog_cnt);
	printf("  instructions identical to libbpf's in every round (%zu insns per round)\n",
	       b.insn_cnt);
	printf("  %d rounds after 1 warm-up, engines interleaved\n\n", b.rounds);
	printf("  %-44s %10s %10s\n", "step (ms)", "median", "min");
	row("libbpf  btf__parse(target)", lbp);
	row("libbpf  CO-RE (found .. prepare_load)", lbc);
	row("  records only (found .. last message)",
	    stats(s, b.rounds, FIELD(lb_records), NOFIELD));
	row("userize uz_target_load", uzl);
	row("userize uz_object_relocate", uzr);
	row("libbpf  end to end (btf__parse + CO-RE)", lbe);
	row("userize end to end (load + relocate)", uze);
	printf("\n  %-44s %10s %10s\n", "ratio (libbpf / userize)", "median", "min");
	printf("  %-44s %9.1fx %9.1fx\n", "resolution (CO-RE / uz_object_relocate)",
	       lbc.median / uzr.median, lbc.min / uzr.min);
	printf("  %-44s %9.1fx %9.1fx\n", "end to end", lbe.median / uze.median,
	       lbe.min / uze.min);
	printf("  goal, resolution >= 10x: %s\n\n",
	       lbc.median / uzr.median >= 10 ? "met" : "NOT met");
	printf("  peak RSS, one round in a fresh child: libbpf %.1f MB, userize %.1f MB "
	       "(empty child %.1f MB)\n", rss_lb / 1024.0, rss_uz / 1024.0,
	       rss_base / 1024.0);
	printf("  peak RSS of this process (all rounds): %.1f MB\n", ru.ru_maxrss / 1024.0);

	if (tsv) {
		FILE *f = fopen(tsv, "a");

		if (!f)
			bench_die("cannot append to %s: %s", tsv, strerror(errno));
		fprintf(f, "%s\t%u\t%zu\t%.4f\t%.4f\t%.4f\t%.4f\t%ld\t%ld\t%ld\t%zu\n", b.target,
			b.target_types, b.relo_cnt, lbp.median, lbc.median, uzl.median, uzr.median,
			rss_lb, rss_uz, rss_base, types);
		if (fclose(f))
			bench_die("cannot write %s: %s", tsv, strerror(errno));
	}
	free(s);
	bench_progs_free(&lb.progs, &lb.prog_cnt);
	uz_object_free(b.uobj);
	libbpf_unregister_prog_handler(handler);
	return 0;
}
