// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/runner.c: relocate -> open -> load -> attach for the samples, plus
 * the command line, privilege and tracefs checks and the output helpers they
 * share. See runner.h for the contract.
 */
#include "runner.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define TRACEFS "/sys/kernel/tracing"
#define LOG_BUF_SIZE (1024 * 1024)

int uz_runner_parse_args(int argc, char **argv, const char *name,
			 const char *filter_help, struct uz_runner_args *args)
{
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "target", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "report", no_argument, NULL, 'r' },
		{ "filter", required_argument, NULL, 'f' },
		{ "heatmap", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(args, 0, sizeof(*args));
	args->duration = 5;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:t:jrf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			args->duration = (int)strtol(optarg, &end, 10);
			if (*end || args->duration < 0) {
				fprintf(stderr, "%s: --duration wants a number of seconds, not '%s'\n",
					name, optarg);
				return -1;
			}
			break;
		case 't':
			args->target = optarg;
			break;
		case 'j':
			args->json = true;
			break;
		case 'r':
			args->report = true;
			break;
		case 'H':
			args->heatmap = true;
			break;
		case 'f':
			if (!filter_help) {
				fprintf(stderr, "%s: this sample has no --filter\n", name);
				return -1;
			}
			args->filter = strtoul(optarg, &end, 0);
			if (*end) {
				fprintf(stderr, "%s: --filter wants a number, not '%s'\n", name, optarg);
				return -1;
			}
			break;
		case 'h':
			printf("usage: %s [--duration N] [--json] [--report] [--target PATH]%s\n"
			       "  --duration N   run N seconds (0: until Ctrl-C; default 5)\n"
			       "  --json         print the result as JSON\n"
			       "  --report       print the relocation report (JSON with --json) and run\n"
			       "  --target PATH  only print the relocation report against this BTF or\n"
			       "                 vmlinux (a program relocated for another kernel is not loaded)\n"
			       "  --heatmap      (iolatency) a latency heat map, one row per second\n",
			       name, filter_help ? " [--filter N]" : "");
			if (filter_help)
				printf("  --filter N     %s\n", filter_help);
			return 1;
		default:
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", name, argv[optind]);
		return -1;
	}
	return 0;
}

int uz_runner_check_root(const char *name, FILE *diag)
{
	if (geteuid() == 0)
		return 0;
	fprintf(diag, "%s: loading BPF programs needs root (CAP_BPF, CAP_PERFMON and "
		"tracefs access); run it with sudo\n", name);
	return -EPERM;
}

int uz_runner_mount_tracefs(FILE *diag)
{
	struct stat st;

	if (stat(TRACEFS "/events", &st) == 0)
		return 0;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY) {
		int e = errno;

		fprintf(diag, "cannot mount tracefs on " TRACEFS ": %s\n", strerror(e));
		return -e;
	}
	if (stat(TRACEFS "/events", &st)) {
		fprintf(diag, "tracefs mounted but " TRACEFS "/events is missing: "
			"kernel without tracepoints?\n");
		return -ENOENT;
	}
	return 0;
}

/*
 * Poisoned instructions in dead code are harmless (the verifier drops
 * them); one the program reaches makes the load fail: say which, before.
 */
static void warn_reachable_poison(const struct uz_runner *r)
{
	size_t i, n = uz_relocation_record_cnt(r->rel);

	for (i = 0; i < n; i++) {
		const struct uz_record *rec = uz_relocation_record(r->rel, i);

		if (rec->result == UZ_RESULT_POISONED && !rec->dead)
			fprintf(r->diag, "%s: %s %s (section %s, insn %u) is poisoned and reachable on %s: the kernel will refuse the program: %s\n",
				r->name, uz_kind_name(rec->kind), rec->spec, rec->section, rec->insn,
				uz_target_name(r->target), rec->message);
	}
}

/*
 * A btfgen archive the binary may carry (userize_embed_archive() in
 * samples/CMakeLists.txt); weak: NULL when the binary has none.
 */
extern const unsigned char uz_embedded_archive[] __attribute__((weak));
extern const unsigned char uz_embedded_archive_end[] __attribute__((weak));

/* The running kernel has no BTF (or UZ_NO_KERNEL_BTF=1 pretends so). */
static bool no_kernel_btf(void)
{
	const char *e = getenv("UZ_NO_KERNEL_BTF");

	if (e && *e && strcmp(e, "0"))
		return true;
	return access("/sys/kernel/btf/vmlinux", R_OK) != 0;
}

/* Without kernel BTF: the running kernel's entry of the embedded archive. */
static int load_embedded(struct uz_runner *r, struct uz_error *err)
{
	UZ_OPTS_INIT(uz_target_opts, topts, .sources = UZ_SOURCE_ARCHIVE,
		     .name = "embedded btfgen archive");
	const struct uz_target_provenance *p;
	int ret;

	ret = uz_target_load_mem(uz_embedded_archive,
				 (size_t)(uz_embedded_archive_end - uz_embedded_archive), &topts,
				 &r->target, err);
	if (ret)
		return ret;
	p = uz_target_provenance(r->target);
	fprintf(r->diag, "%s: no kernel BTF: using the embedded archive (%s)\n", r->name,
		p->container);
	return 0;
}

static int runner_relocate(struct uz_runner *r, const char *target)
{
	UZ_OPTS_INIT(uz_target_opts, topts);
	struct uz_error err = { 0 };
	int ret;

	if (!target && uz_embedded_archive && no_kernel_btf())
		ret = load_embedded(r, &err);
	else
		ret = uz_target_load(target, &topts, &r->target, &err);
	if (ret) {
		fprintf(r->diag, "%s: cannot load kernel types from %s: %s\n", r->name,
			target ? target : "/sys/kernel/btf/vmlinux", err.msg);
		return ret;
	}
	ret = uz_object_relocate(r->obj, r->target, NULL, &r->rel, &err);
	if (ret) {
		fprintf(r->diag, "%s: relocation failed: %s\n", r->name, err.msg);
		return ret;
	}
	warn_reachable_poison(r);
	ret = uz_relocation_write_mem(r->rel, &r->relocated, &r->relocated_len, &err);
	if (ret) {
		fprintf(r->diag, "%s: cannot write the relocated object: %s\n", r->name, err.msg);
		return ret;
	}
	return 0;
}

static int runner_open_bpf(struct uz_runner *r)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .object_name = r->name);
	struct bpf_program *prog;
	size_t i = 0;
	int ret;

	r->bpf = bpf_object__open_mem(r->relocated, r->relocated_len, &oopts);
	if (!r->bpf) {
		ret = -errno;
		fprintf(r->diag, "%s: libbpf cannot open the relocated object: %s\n",
			r->name, strerror(-ret));
		return ret;
	}
	/* A log buffer per program: libbpf fills it only when a load fails. */
	bpf_object__for_each_program(prog, r->bpf) {
		if (i == UZ_RUNNER_MAX_PROGS) {
			fprintf(r->diag, "%s: more than %d programs\n", r->name,
				UZ_RUNNER_MAX_PROGS);
			return -E2BIG;
		}
		r->logs[i] = calloc(1, LOG_BUF_SIZE);
		if (!r->logs[i])
			return -ENOMEM;
		bpf_program__set_log_buf(prog, r->logs[i], LOG_BUF_SIZE);
		i++;
	}
	return 0;
}

int uz_runner_open(struct uz_runner *r, const char *name, const void *obj,
		   size_t len, const char *target, FILE *diag)
{
	UZ_OPTS_INIT(uz_object_opts, oopts, .name = name);
	struct uz_error err = { 0 };
	int ret;

	memset(r, 0, sizeof(*r));
	r->name = name;
	r->diag = diag ? diag : stderr;
	ret = uz_object_open_mem(obj, len, &oopts, &r->obj, &err);
	if (ret) {
		fprintf(r->diag, "%s: cannot read the BPF object: %s\n", name, err.msg);
		return ret;
	}
	ret = runner_relocate(r, target);
	if (ret)
		return ret;
	return runner_open_bpf(r);
}

int uz_runner_open_file(struct uz_runner *r, const char *name, const char *path,
			const char *target, FILE *diag)
{
	UZ_OPTS_INIT(uz_object_opts, oopts, .name = name);
	struct uz_error err = { 0 };
	int ret;

	memset(r, 0, sizeof(*r));
	r->name = name;
	r->diag = diag ? diag : stderr;
	ret = uz_object_open(path, &oopts, &r->obj, &err);
	if (ret) {
		fprintf(r->diag, "%s: cannot read %s: %s\n", name, path, err.msg);
		return ret;
	}
	ret = runner_relocate(r, target);
	if (ret)
		return ret;
	return runner_open_bpf(r);
}

/* Print the last @max bytes of a verifier log, starting at a line. */
static void print_log_tail(FILE *out, const char *log, size_t max)
{
	size_t len = strlen(log);
	const char *p = log;

	if (len > max) {
		p = log + len - max;
		while (*p && *p != '\n')
			p++;
	}
	fprintf(out, "%s\n", p);
}

int uz_runner_load(struct uz_runner *r)
{
	struct bpf_program *prog;
	size_t i = 0;
	int ret;

	ret = bpf_object__load(r->bpf);
	if (!ret)
		return 0;
	fprintf(r->diag, "%s: the kernel refused the program: %s\n", r->name, strerror(-ret));
	bpf_object__for_each_program(prog, r->bpf) {
		const char *log = r->logs[i++];

		if (!log || !log[0])
			continue;
		/* Each sample program sits alone at offset 0 of its section. */
		if (uz_relocation_explain_verifier_log(r->rel, bpf_program__section_name(prog),
						       0, log, r->diag) == 1)
			continue;
		fprintf(r->diag, "%s: verifier log of %s (tail):\n", r->name,
			bpf_program__name(prog));
		print_log_tail(r->diag, log, 4000);
	}
	return ret;
}

int uz_runner_attach(struct uz_runner *r)
{
	struct bpf_program *prog;
	int ret;

	bpf_object__for_each_program(prog, r->bpf) {
		struct bpf_link *link = bpf_program__attach(prog);

		if (!link) {
			ret = -errno;
			fprintf(r->diag, "%s: cannot attach %s (%s): %s\n", r->name,
				bpf_program__name(prog), bpf_program__section_name(prog),
				strerror(-ret));
			return ret;
		}
		r->links[r->link_cnt++] = link;
	}
	return 0;
}

int uz_runner_start(struct uz_runner *r, const char *name, const void *obj,
		    size_t len, const char *target, FILE *diag)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = uz_runner_check_root(name, diag ? diag : stderr);
	if (!ret)
		ret = uz_runner_mount_tracefs(diag ? diag : stderr);
	if (!ret)
		ret = uz_runner_open(r, name, obj, len, target, diag);
	if (!ret)
		ret = uz_runner_load(r);
	if (!ret)
		ret = uz_runner_attach(r);
	return ret;
}

void uz_runner_close(struct uz_runner *r)
{
	size_t i;

	for (i = 0; i < r->link_cnt; i++)
		bpf_link__destroy(r->links[i]);
	r->link_cnt = 0;
	bpf_object__close(r->bpf);
	r->bpf = NULL;
	for (i = 0; i < UZ_RUNNER_MAX_PROGS; i++) {
		free(r->logs[i]);
		r->logs[i] = NULL;
	}
	free(r->relocated);
	r->relocated = NULL;
	uz_relocation_free(r->rel);
	r->rel = NULL;
	uz_target_free(r->target);
	r->target = NULL;
	uz_object_free(r->obj);
	r->obj = NULL;
}

int uz_runner_map_fd(struct uz_runner *r, const char *map)
{
	struct bpf_map *m = r->bpf ? bpf_object__find_map_by_name(r->bpf, map) : NULL;
	int fd;

	if (!m) {
		fprintf(r->diag, "%s: no map '%s'\n", r->name, map);
		return -ENOENT;
	}
	fd = bpf_map__fd(m);
	if (fd < 0)
		fprintf(r->diag, "%s: map '%s' is not loaded\n", r->name, map);
	return fd;
}

int uz_runner_set_config(struct uz_runner *r, const char *map, const void *val)
{
	unsigned int zero = 0;
	int fd = uz_runner_map_fd(r, map);

	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &zero, val, BPF_ANY)) {
		int e = errno;

		fprintf(r->diag, "%s: cannot write map '%s': %s\n", r->name, map, strerror(e));
		return -e;
	}
	return 0;
}

unsigned long long uz_runner_array_u64(struct uz_runner *r, const char *map,
				       unsigned int idx)
{
	unsigned long long v = 0;
	int fd = uz_runner_map_fd(r, map);

	if (fd >= 0 && bpf_map_lookup_elem(fd, &idx, &v))
		v = 0;
	return v;
}

/* Index of the first record with the same local spec as record @i. */
static size_t first_same_spec(const struct uz_relocation *rel, size_t i)
{
	const struct uz_record *rec = uz_relocation_record(rel, i);
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(uz_relocation_record(rel, j)->spec, rec->spec))
			return j;
	return i;
}

/*
 * Text form: one line per accessed view field (records of several kinds on
 * the same field are folded), naming the kernel field it resolved to.
 */
int uz_runner_write_report(const struct uz_runner *r, FILE *out, bool json)
{
	size_t i, j, n;

	if (json)
		return uz_relocation_write_json(r->rel, out);
	n = uz_relocation_record_cnt(r->rel);
	for (i = 0, j = 0; i < n; i++)
		j += uz_relocation_record(r->rel, i)->result == UZ_RESULT_POISONED &&
		     uz_relocation_record(r->rel, i)->dead;
	fprintf(out, "%s: %zu relocations against %s: %zu resolved, %zu absent (poisoned; %zu in dead code)\n",
		r->name, n, uz_target_name(r->target), uz_relocation_count(r->rel, UZ_RESULT_OK),
		uz_relocation_count(r->rel, UZ_RESULT_POISONED), j);
	for (i = 0; i < n; i++) {
		const struct uz_record *rec = uz_relocation_record(r->rel, i);
		const char *to = "";
		unsigned int kinds = 0;
		long long off = -1;
		char where[160];

		if (first_same_spec(r->rel, i) != i)
			continue;
		for (j = i; j < n; j++) {
			const struct uz_record *o = uz_relocation_record(r->rel, j);

			if (strcmp(o->spec, rec->spec))
				continue;
			kinds |= 1u << o->kind;
			if (o->result == UZ_RESULT_OK && o->target_spec[0] && !to[0] &&
			    !(o->kind == UZ_FIELD_EXISTS && !o->new_value))
				to = o->target_spec;
			if (o->result == UZ_RESULT_OK && o->kind == UZ_FIELD_BYTE_OFFSET)
				off = (long long)o->new_value;
		}
		if (!to[0])
			snprintf(where, sizeof(where), "%s", rec->result == UZ_RESULT_ERROR ?
				 "(error)" : "absent here (guarded)");
		else if (off >= 0)
			snprintf(where, sizeof(where), "%s @%lld", to, off);
		else
			snprintf(where, sizeof(where), "%s", to);
		fprintf(out, "  %-42s -> %-42s", rec->spec, where);
		for (j = 0; j < UZ_KIND_MAX; j++)
			if (kinds & (1u << j))
				fprintf(out, " %s", uz_kind_name((unsigned int)j));
		fputc('\n', out);
	}
	return 0;
}

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

bool uz_runner_wait(int seconds)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };
	long ticks = (long)seconds * 10;

	stop_requested = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_requested && (seconds == 0 || ticks-- > 0))
		nanosleep(&ts, NULL);
	return stop_requested;
}

void uz_runner_print_log2(FILE *out, const char *unit,
			  const unsigned long long *slots, unsigned int nslots)
{
	unsigned long long max = 0;
	unsigned int s, first = nslots, last = 0;

	for (s = 0; s < nslots; s++) {
		if (!slots[s])
			continue;
		if (first == nslots)
			first = s;
		last = s;
		if (slots[s] > max)
			max = slots[s];
	}
	if (first == nslots) {
		fprintf(out, "  (no events)\n");
		return;
	}
	fprintf(out, "  %21s %-6s : %-10s distribution\n", unit, "", "count");
	for (s = first; s <= last; s++) {
		unsigned long long lo = s ? 1ULL << (s - 1) : 0;
		unsigned long long hi = s ? (1ULL << s) - 1 : 0;
		unsigned int bar = (unsigned int)(slots[s] * 40 / max);
		char bars[41];

		memset(bars, '*', bar);
		bars[bar] = 0;
		fprintf(out, "  %12llu -> %-12llu : %-10llu |%-40s|\n", lo, hi, slots[s], bars);
	}
}

/*
 * libbpf's messages for the sample binaries: warnings as libbpf prints
 * them, minus its info line about skipping the relocated object's
 * .note.userize (expected, and noise on every run), and no debug output.
 */
static int sample_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || (level == LIBBPF_INFO && strstr(fmt, "skipping section")))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int uz_sample_main(const struct uz_sample *s, int argc, char **argv,
		   const void *obj, size_t len)
{
	struct uz_runner_args args;
	struct uz_runner r;
	int ret;

	ret = uz_runner_parse_args(argc, argv, s->name, s->filter_help, &args);
	if (ret)
		return ret > 0 ? 0 : 2;
	libbpf_set_print(sample_libbpf_print);
	if (args.heatmap && (!s->heatmap || args.json)) {
		fprintf(stderr, "%s: --heatmap %s\n", s->name,
			s->heatmap ? "draws for a terminal and has no JSON form" :
				     "is only offered by iolatency");
		return 2;
	}
	if (args.target) {
		/* Relocated for another kernel: report only, never load it here. */
		ret = uz_runner_open(&r, s->name, obj, len, args.target, stderr);
		if (!ret)
			ret = uz_runner_write_report(&r, stdout, args.json);
		if (!ret && args.json)
			printf("\n");
		uz_runner_close(&r);
		return ret ? 1 : 0;
	}
	ret = uz_runner_start(&r, s->name, obj, len, args.target, stderr);
	if (ret) {
		uz_runner_close(&r);
		return 1;
	}
	/* JSON: one document, {"sample", ["relocations",] "result"}. */
	if (args.json)
		printf("{\"sample\":\"%s\",", s->name);
	if (args.report) {
		if (args.json)
			printf("\"relocations\":");
		uz_runner_write_report(&r, stdout, args.json);
		if (args.json)
			printf(",");
	}
	if (s->configure)
		ret = s->configure(&r, &args);
	if (!ret && args.heatmap) {
		ret = s->heatmap(&r, &args, stdout);
	} else if (!ret) {
		fprintf(stderr, "%s: tracing for %d s (Ctrl-C to stop)\n", s->name,
			args.duration);
		fflush(stdout);
		uz_runner_wait(args.duration);
		if (args.json)
			printf("\"result\":");
		ret = s->print(&r, stdout, args.json);
		if (args.json)
			printf("}\n");
	}
	uz_runner_close(&r);
	return ret ? 1 : 0;
}
