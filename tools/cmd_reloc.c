/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize reloc` and `userize explain`: open the object, load the target,
 * relocate, then write the relocated object (atomically) and/or a report.
 * The JSON report goes to stdout, diagnostics to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "encode.h"
#include "commands.h"
#include "userize/userize.h"

struct reloc_args {
	const char *obj;
	const char *target;
	const char *base;
	const char *kernel;
	const char *out;
	const char *report;
	unsigned int sources;
	bool no_tags;
	bool cross_endian;
	bool pretty;
};

static void reloc_usage(FILE *f, bool explain)
{
	if (explain)
		fprintf(f,
			"usage: userize explain OBJ [--target PATH] [--target-format F] [--base PATH]\n"
			"                       [--kernel RELEASE] [--no-userize] [--allow-cross-endian]\n"
			"                       [-j|--json] [-p|--pretty]\n"
			"\n"
			"For every CO-RE relocation of OBJ that is poisoned or fails against the\n"
			"target: the source spec, each candidate type tried and why it was rejected,\n"
			"and the nearest names the kernel has instead; for a poisoned one, whether\n"
			"its instruction is dead code (an existence check rules it out on that\n"
			"kernel, so the verifier drops it) or reachable (the kernel refuses it).\n"
			"OBJ '-' is standard input.\n"
			"\n"
			"  -t, --target PATH  as for reloc (default: /sys/kernel/btf/vmlinux)\n"
			"  -b, --base PATH    base BTF when the target is kernel-module split BTF\n"
			"  -j, --json         JSON array on stdout, one object per poisoned or failed\n"
			"                     record: section insn kind spec result dead message\n"
			"                     candidates [{type_id, name, verdict, matched}]\n"
			"  -p, --pretty       the same JSON, indented\n"
			"\n"
			"Exit status: 0 all resolve or every poisoned instruction is dead code,\n"
			"1 some poisoned instruction is reachable or a relocation fails, 2 bad input\n"
			"(an object relocated before, a target of the other byte order).\n");
	else
		fprintf(f,
			"usage: userize reloc OBJ [--target PATH] -o OUT.o [--report json|text]\n"
			"                     [--target-format F] [--base PATH] [--kernel RELEASE]\n"
			"                     [--no-userize] [--allow-cross-endian] [-j|--json] [-p|--pretty]\n"
			"\n"
			"Relocate every CO-RE record of the BPF object OBJ against the target's\n"
			"types and write OUT.o, whose CO-RE records are consumed (plain libbpf loads\n"
			"it, even on a kernel without BTF). OBJ '-' is standard input, OUT.o '-'\n"
			"standard output; a regular OUT.o is replaced atomically (mode kept), a\n"
			"symbolic link's target is replaced, a device or FIFO is written to.\n"
			"\n"
			"  -t, --target PATH  raw BTF, vmlinux ELF, vmlinuz, kernel .deb, a kernel\n"
			"                     module (.ko or raw split BTF, with --base), a btfgen\n"
			"                     archive, tracefs (a mount, a copy of its events/\n"
			"                     tree, a tar of one: tracepoints), or for a kernel\n"
			"                     without BTF its -dbg package's vmlinux\n"
			"                     (/usr/lib/debug/boot/vmlinux-RELEASE), read as DWARF\n"
			"                     (default: /sys/kernel/btf/vmlinux, else the running\n"
			"                     kernel's debug vmlinux by build id or release)\n"
			"      --target-format F  auto (default): BTF where the target has it, else\n"
			"                     its DWARF (only the types OBJ needs are converted;\n"
			"                     target_type_id records are poisoned: DWARF has no\n"
			"                     kernel BTF ids); btf, dwarf, archive or tracefs: only\n"
			"                     that source\n"
			"  -b, --base PATH    base (vmlinux) BTF when the target is a kernel module\n"
			"  -k, --kernel R     which entry of a btfgen archive target: kernel release R\n"
			"                     (default: the running kernel's release, then build id)\n"
			"  -o, --output FILE  relocated object (may be omitted with --report)\n"
			"  -r, --report FMT   json: array of records on stdout; text: a table on stdout\n"
			"  -j, --json         the same as --report json\n"
			"  -p, --pretty       --report json, indented\n"
			"      --no-userize   ignore userize tags (plain libbpf semantics)\n"
			"      --allow-cross-endian  relocate an object of one byte order against a\n"
			"                     kernel of the other (refused by default)\n"
			"\n"
			"OUT.o records the kernel it was relocated for (.note.userize); an object\n"
			"relocated before is refused. An object without CO-RE records is written\n"
			"unchanged.\n"
			"\n"
			"Poisoned instructions that the program reaches are warned about one by one\n"
			"on stderr (the kernel will refuse the program); those in dead code, ruled\n"
			"out by existence checks on that kernel, are summed up in one line.\n"
			"Exit status: 0 relocated (poisoned records are reported on stderr),\n"
			"1 a relocation failed (nothing written), 2 bad input or usage (an object\n"
			"relocated before, a target of the other byte order).\n");
}

static int conflict(bool explain, const char *a, const char *b)
{
	fprintf(stderr, "userize %s: conflicting report formats '%s' and '%s': give one\n",
		explain ? "explain" : "reloc", a, b);
	return 2;
}

static int parse(int argc, char **argv, bool explain, struct reloc_args *a)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "base", required_argument, NULL, 'b' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "report", required_argument, NULL, 'r' },
		{ "no-userize", no_argument, NULL, 'n' },
		{ "target-format", required_argument, NULL, 'F' },
		{ "allow-cross-endian", no_argument, NULL, 'E' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:b:k:o:r:jph", opts, NULL)) != -1) {
		switch (c) {
		case 't': a->target = optarg; break;
		case 'b': a->base = optarg; break;
		case 'k': a->kernel = optarg; break;
		case 'o': a->out = optarg; break;
		case 'r':
			if (a->report && strcmp(a->report, optarg))
				return conflict(explain, a->report, optarg);
			a->report = optarg;
			break;
		case 'p':
			a->pretty = true;
			__attribute__((fallthrough)); /* pretty is JSON */
		case 'j':
			if (a->report && strcmp(a->report, "json"))
				return conflict(explain, a->report, "json");
			a->report = "json";
			break;
		case 'n': a->no_tags = true; break;
		case 'E': a->cross_endian = true; break;
		case 'F':
			if (uz_source_kind_parse(optarg, &a->sources)) {
				fprintf(stderr, "userize: --target-format takes auto, btf, dwarf, archive or tracefs, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h': reloc_usage(stdout, explain); return 1;
		default: reloc_usage(stderr, explain); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "userize %s: expected exactly one object file\n",
			explain ? "explain" : "reloc");
		reloc_usage(stderr, explain);
		return 2;
	}
	a->obj = argv[optind];
	if (!explain && !a->out && !a->report) {
		fprintf(stderr, "userize reloc: give -o OUT.o and/or --report json|text\n");
		return 2;
	}
	if (a->out && a->report && cli_is_stdout(a->out)) {
		fprintf(stderr, "userize reloc: the object (-o %s) and the report cannot both go to standard output\n",
			a->out);
		return 2;
	}
	if (explain && a->report && strcmp(a->report, "json")) {
		fprintf(stderr, "userize explain: prints text, or JSON with -j/--json; "
			"--report %s is reloc's\n", a->report);
		return 2;
	}
	if (a->report && strcmp(a->report, "json") && strcmp(a->report, "text")) {
		fprintf(stderr, "userize reloc: --report takes json or text, not '%s'\n", a->report);
		return 2;
	}
	return 0;
}

static int open_both(const struct reloc_args *a, struct uz_object **obj, struct uz_target **tgt)
{
	UZ_OPTS_INIT(uz_target_opts, topts, .base_path = a->base, .sources = a->sources,
		     .kernel_release = a->kernel);
	struct uz_error err = { 0 };

	*obj = NULL;
	*tgt = NULL;
	if (cli_object_open("userize", a->obj, obj))
		return 2;
	if (uz_target_load(a->target, &topts, tgt, &err)) {
		fprintf(stderr, "userize: target: %s\n", err.msg);
		uz_object_free(*obj);
		*obj = NULL;
		return 2;
	}
	return 0;
}

/* Poisoned records whose instruction is dead code (@dead) or reachable. */
static size_t poison_count(const struct uz_relocation *rel, bool dead)
{
	size_t i, k = 0, n = uz_relocation_record_cnt(rel);

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		k += r->result == UZ_RESULT_POISONED && r->dead == dead;
	}
	return k;
}

/* A warning per reachable poisoned instruction, one line for the dead ones. */
static void warn_poisoned(const struct uz_relocation *rel)
{
	size_t i, n = uz_relocation_record_cnt(rel), dead = poison_count(rel, true);

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (r->result == UZ_RESULT_POISONED && !r->dead)
			fprintf(stderr, "userize: poisoned and reachable (the kernel will refuse the program): section '%s' insn %u: %s %s: %s\n",
				r->section, r->insn, uz_kind_name(r->kind), r->spec, r->message);
	}
	if (dead)
		fprintf(stderr, "userize: %zu poisoned instruction(s) in dead code (ruled out by existence checks on this kernel): fine\n",
			dead);
}

/* Relocation errors that are the input's fault (exit 2), not a record's. */
static bool bad_input(int code)
{
	return code == -ENOMEM || code == -EALREADY || code == -ENOEXEC;
}

int uz_cmd_reloc(int argc, char **argv)
{
	UZ_OPTS_INIT(uz_reloc_opts, ropts);
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct uz_object *obj;
	struct uz_target *tgt;
	struct reloc_args a;
	int rc;

	rc = parse(argc, argv, false, &a);
	if (rc)
		return rc == 1 ? 0 : rc;
	rc = open_both(&a, &obj, &tgt);
	if (rc)
		return rc;
	ropts.no_userize_tags = a.no_tags;
	ropts.allow_cross_endian = a.cross_endian;
	/* with a report requested, show every record, failures included */
	ropts.allow_errors = a.report != NULL;
	if (uz_object_relocate(obj, tgt, &ropts, &rel, &err)) {
		fprintf(stderr, "userize reloc: %s\n", err.msg);
		rc = bad_input(err.code) ? 2 : 1;
		goto out;
	}
	if (!uz_object_core_relo_cnt(obj))
		fprintf(stderr, "userize reloc: note: %s has no CO-RE relocations: %s\n", a.obj,
			a.out ? "written unchanged" : "nothing to relocate");
	if (a.report && !strcmp(a.report, "json")) {
		struct cli_json j;

		uz_relocation_write_json(rel, cli_json_begin(&j, a.pretty));
		cli_json_end(&j);
	} else if (a.report)
		uz_relocation_write_text(rel, stdout);
	if (uz_relocation_count(rel, UZ_RESULT_ERROR)) {
		fprintf(stderr, "userize reloc: %zu relocation(s) failed; %s\n",
			uz_relocation_count(rel, UZ_RESULT_ERROR),
			a.out ? "no output written" : "see the report");
		uz_relocation_write_explain(rel, stderr);
		rc = 1;
		goto out;
	}
	warn_poisoned(rel);
	if (a.out && uz_relocation_write(rel, a.out, &err)) {
		fprintf(stderr, "userize reloc: %s\n", err.msg);
		rc = 2;
		goto out;
	}
	rc = 0;
out:
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);
	return rc;
}

/* `explain --json`: the poisoned and failed records with their candidates. */
static void explain_json(const struct uz_relocation *rel, bool pretty)
{
	size_t i, k, n = uz_relocation_record_cnt(rel), w = 0;
	struct cli_json j;
	FILE *f = cli_json_begin(&j, pretty);

	fputc('[', f);
	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (r->result == UZ_RESULT_OK)
			continue;
		fprintf(f, "%s\n{\"section\": ", w++ ? "," : "");
		json_put_str(f, r->section);
		fprintf(f, ", \"insn\": %u, \"kind\": ", r->insn);
		json_put_str(f, uz_kind_name(r->kind));
		fputs(", \"spec\": ", f);
		json_put_str(f, r->spec);
		fprintf(f, ", \"result\": \"%s\", \"dead\": %s, \"message\": ",
			r->result == UZ_RESULT_POISONED ? "poisoned" : "error",
			r->dead ? "true" : "false");
		json_put_str(f, r->message);
		fputs(", \"candidates\": [", f);
		for (k = 0; k < r->cand_cnt; k++) {
			const struct uz_candidate *c = uz_record_candidate(rel, i, k);

			fprintf(f, "%s{\"type_id\": %u, \"name\": ", k ? ", " : "", c->type_id);
			json_put_str(f, c->name);
			fputs(", \"verdict\": ", f);
			json_put_str(f, c->verdict);
			fprintf(f, ", \"matched\": %s}", c->matched ? "true" : "false");
		}
		fputs("]}", f);
	}
	fputs(w ? "\n]\n" : "]\n", f);
	cli_json_end(&j);
}

int uz_cmd_explain(int argc, char **argv)
{
	UZ_OPTS_INIT(uz_reloc_opts, ropts, .allow_errors = true);
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct uz_object *obj;
	struct uz_target *tgt;
	struct reloc_args a;
	int rc;

	rc = parse(argc, argv, true, &a);
	if (rc)
		return rc == 1 ? 0 : rc;
	rc = open_both(&a, &obj, &tgt);
	if (rc)
		return rc;
	ropts.no_userize_tags = a.no_tags;
	ropts.allow_cross_endian = a.cross_endian;
	if (uz_object_relocate(obj, tgt, &ropts, &rel, &err)) {
		fprintf(stderr, "userize explain: %s\n", err.msg);
		rc = 2;
	} else {
		if (a.report)
			explain_json(rel, a.pretty);
		else
			uz_relocation_write_explain(rel, stdout);
		/* poison in dead code is harmless: the verifier drops it */
		rc = uz_relocation_count(rel, UZ_RESULT_ERROR) || poison_count(rel, false) ? 1 : 0;
	}
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);
	return rc;
}
