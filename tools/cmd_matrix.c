/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize matrix`: command line and dispatch. Three ways in, one model
 * (tools/matrix.h): the object matrix (OBJ... --targets, matrix_records.c),
 * the view fields (--fields, matrix_fields.c) and the merge of sharded
 * --json outputs (--merge, matrix_merge.c). Each target is loaded once,
 * shared by all objects and freed before the next one is loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "matrix.h"

static void matrix_usage(FILE *f)
{
	fprintf(f,
		"usage: userize matrix OBJ... --targets DIR|FILE... [OPTIONS]\n"
		"       userize matrix --fields [--targets DIR|FILE...] [OPTIONS]\n"
		"       userize matrix [--fields] --merge SHARD.json... [OPTIONS]\n"
		"\n"
		"Relocate every BPF object against every target kernel and show what each\n"
		"relocation resolves to on each kernel. Kernels with identical results are\n"
		"grouped. A target is raw BTF, a vmlinux ELF, a kernel image (vmlinuz, arm64\n"
		"Image, compressed), a Debian kernel package (.deb), a btfgen archive, a\n"
		"tracefs tree, or a -dbg vmlinux without BTF, read from its DWARF (BTF and\n"
		"DWARF targets mix in one run). In a directory, hidden files are skipped and\n"
		"an entry counts if it is named *.btf or vmlinu* or its first bytes are BTF,\n"
		"ELF, .deb, gzip/xz/zstd/lz4 or a kernel image; READMEs and notes are\n"
		"skipped. A --targets path that does not exist is exit 2.\n"
		"An OBJ '-' is read from standard input.\n"
		"\n"
		"  --targets PATH...  target files or directories (a tracefs mount or a copy\n"
		"                     of its events/ tree is one target; all following arguments\n"
		"                     up to the next option)\n"
		"  --fields           no object: offset, size and kernel struct.field of every\n"
		"                     field of every uapi view (uapi/userize/bpf/*.h) on each\n"
		"                     kernel; default target /sys/kernel/btf/vmlinux\n"
		"  -j, --json         [{kernel, path, error, records: {OBJ: [record...]}}]\n"
		"                     --fields: [{kernel, path, error, fields: [{field,\n"
		"                     result, offset, size, kernel_field, message}]}]\n"
		"  -p, --pretty       the same JSON, indented\n"
		"  --csv              kernel,object,section,insn,kind,spec,result,value,target_spec\n"
		"                     --fields: kernel,field,result,offset,size,kernel_field,message\n"
		"  --no-group         one column per kernel, even when layouts are identical\n"
		"  --shard I/N        only targets I, I+N, I+2N... (0 <= I < N) of the sorted list;\n"
		"                     its --json entries carry \"shard\": \"I/N\"\n"
		"  --merge FILE...    join the --json outputs of --shard runs into exactly what\n"
		"                     one unsharded run prints (table, --json or --csv); every\n"
		"                     shard I/N must be given, once\n"
		"  --strict           count guarded dead reads (G) as failures\n"
		"  --opt=value        as well as --opt value, for every option above\n"
		"  --target-format F  auto (default: BTF where a target has it, else DWARF),\n"
		"                     btf, dwarf, archive or tracefs: how targets are read\n"
		"  --kernel RELEASE   which entry of btfgen archive targets (default: the\n"
		"                     running kernel's release, then build id)\n"
		"\n"
		"G marks a poisoned read of a field the kernel lacks that is dead code on that\n"
		"kernel: once every existence check is a constant, no path of the relocated\n"
		"program reaches it (the verifier's own pruning), so the program loads. P marks\n"
		"a poisoned instruction that a path reaches: the kernel refuses the program.\n"
		"\n"
		"Exit status: 0 every relocation resolves on every kernel (G included unless\n"
		"--strict), 1 some are poisoned or fail or a target could not be loaded, 2 bad\n"
		"input or usage. --fields: 0 even when kernels lack fields (views keep optional\n"
		"fields), 1 a target could not be loaded or a field did not resolve, 2 bad\n"
		"input or usage.\n");
}

struct args {
	bool fields, merge, had_targets, pretty;
	const char *fmt_flag;		/* the output flag given, for conflicts */
	char **merge_files;
	size_t nmerge;
};

static void add_object(struct matrix *m, const char *path)
{
	m->objs = mx_realloc(m->objs, (m->nobj + 1) * sizeof(*m->objs));
	memset(&m->objs[m->nobj], 0, sizeof(m->objs[0]));
	m->objs[m->nobj].path = path;
	m->objs[m->nobj++].name = mx_base_strip(path, ".o");
}

/*
 * Objects are named by basename without ".o"; where two share one (a/prog.o
 * and b/prog.o) both are named by their path as given, without ".o", so JSON
 * keys and table labels stay unique. The same path twice is bad input.
 */
static int unique_object_names(struct matrix *m)
{
	size_t i, k;
	bool *clash;

	for (i = 0; i < m->nobj; i++)
		for (k = i + 1; k < m->nobj; k++) {
			if (!strcmp(m->objs[i].path, m->objs[k].path)) {
				fprintf(stderr, MX_PROG ": object %s is given twice\n", m->objs[i].path);
				return 2;
			}
		}
	clash = mx_realloc(NULL, (m->nobj ? m->nobj : 1) * sizeof(*clash));

	for (i = 0; i < m->nobj; i++) {
		clash[i] = false;
		for (k = 0; k < m->nobj && !clash[i]; k++)
			clash[i] = k != i && !strcmp(m->objs[i].name, m->objs[k].name);
	}
	for (i = 0; i < m->nobj; i++) {
		size_t n = strlen(m->objs[i].path);

		if (!clash[i])
			continue;
		free(m->objs[i].name);
		m->objs[i].name = mx_strdup(m->objs[i].path);
		if (n > 2 && !strcmp(m->objs[i].name + n - 2, ".o"))
			m->objs[i].name[n - 2] = 0;
	}
	free(clash);
	for (i = 0; i < m->nobj; i++)
		for (k = i + 1; k < m->nobj; k++)
			if (!strcmp(m->objs[i].name, m->objs[k].name)) {
				fprintf(stderr, MX_PROG ": objects %s and %s would have the same name '%s'\n",
					m->objs[i].path, m->objs[k].path, m->objs[i].name);
				return 2;
			}
	return 0;
}

static bool takes_value(const char *opt)
{
	return !strcmp(opt, "--targets") || !strcmp(opt, "--merge") ||
	       !strcmp(opt, "--target-format") || !strcmp(opt, "--shard");
}

/* One output format: --json with --csv is an error, not the last one winning. */
static int set_fmt(struct matrix *m, struct args *a, enum mx_fmt fmt, const char *flag)
{
	if (a->fmt_flag && m->fmt != fmt) {
		fprintf(stderr, MX_PROG ": %s and %s are different output formats: give one\n",
			a->fmt_flag, flag);
		return 2;
	}
	m->fmt = fmt;
	a->fmt_flag = flag;
	return 0;
}

/* 0 parsed, -1 --help printed, else an exit status. */
static int parse(struct matrix *m, struct args *a, int argc, char **argv)
{
	enum { LIST_NONE, LIST_TARGETS, LIST_MERGE } list = LIST_NONE;
	int i;

	for (i = 1; i < argc; i++) {
		const char *s, *val;
		char opt[64];

		cli_split_opt(argv[i], opt, sizeof(opt), &s, &val);
		if (s[0] != '-' || !s[1]) {
			if (list == LIST_TARGETS) {
				if (mx_add_target_arg(m, s))
					return 2;
			} else if (list == LIST_MERGE) {
				a->merge_files = mx_realloc(a->merge_files,
							    (a->nmerge + 1) * sizeof(char *));
				a->merge_files[a->nmerge++] = argv[i];
			} else {
				add_object(m, s);
			}
			continue;
		}
		list = LIST_NONE;
		if (val && !takes_value(s)) {
			fprintf(stderr, MX_PROG ": option '%s' takes no value\n", s);
			return 2;
		}
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			matrix_usage(stdout);
			return -1;
		} else if (!strcmp(s, "--targets") || !strcmp(s, "-t")) {
			list = LIST_TARGETS;
			a->had_targets = true;
			if (val && mx_add_target_arg(m, val))
				return 2;
		} else if (!strcmp(s, "--merge")) {
			list = LIST_MERGE;
			a->merge = true;
			if (val) {
				a->merge_files = mx_realloc(a->merge_files,
							    (a->nmerge + 1) * sizeof(char *));
				a->merge_files[a->nmerge++] = (char *)val;
			}
		} else if (!strcmp(s, "--fields")) {
			a->fields = true;
		} else if (!strcmp(s, "--json") || !strcmp(s, "-j") ||
			   !strcmp(s, "--pretty") || !strcmp(s, "-p")) {
			if (set_fmt(m, a, MX_JSON, s))
				return 2;
			if (!strcmp(s, "-p") || !strcmp(s, "--pretty"))
				a->pretty = true;
		} else if (!strcmp(s, "--csv")) {
			if (set_fmt(m, a, MX_CSV, s))
				return 2;
		} else if (!strcmp(s, "--no-group")) {
			m->no_group = true;
		} else if (!strcmp(s, "--target-format")) {
			const char *v = val ? val : (i + 1 < argc ? argv[++i] : NULL);

			if (!v || uz_source_kind_parse(v, &m->sources)) {
				fprintf(stderr, MX_PROG ": --target-format takes auto, btf, dwarf, archive or tracefs\n");
				return 2;
			}
		} else if (!strcmp(s, "--kernel")) {
			if (i + 1 >= argc) {
				fprintf(stderr, MX_PROG ": --kernel needs a kernel release\n");
				return 2;
			}
			m->kernel = argv[++i];
		} else if (!strcmp(s, "--strict")) {
			m->strict = true;
		} else if (!strcmp(s, "--shard")) {
			const char *v = val ? val : (i + 1 < argc ? argv[++i] : NULL);
			char end;

			if (!v || sscanf(v, "%u/%u%c", &m->shard_i, &m->shard_n, &end) != 2 ||
			    !m->shard_n || m->shard_i >= m->shard_n) {
				fprintf(stderr, MX_PROG ": --shard takes I/N with 0 <= I < N\n");
				return 2;
			}
		} else {
			fprintf(stderr, MX_PROG ": unknown option '%s'\n", s);
			matrix_usage(stderr);
			return 2;
		}
	}
	return 0;
}

/* Option combinations; 0 or exit status 2. */
static int check_args(const struct matrix *m, const struct args *a)
{
	const char *msg = NULL;

	if (a->merge) {
		if (!a->nmerge)
			msg = "--merge needs the --json files of the shards, right after it "
			      "(any option ends the list)";
		else if (m->nobj)
			msg = "--merge takes no object: the shard files name them";
		else if (a->had_targets)
			msg = "--merge takes no --targets: the shard files name them";
		else if (m->shard_n)
			msg = "--merge and --shard do not go together";
	} else if (a->fields) {
		if (m->nobj)
			msg = "--fields takes no object (the view fields program is built in)";
		else if (a->had_targets && !m->nrows)
			msg = "no targets (give --targets DIR|FILE... or leave --targets out for "
			      "the running kernel)";
	} else if (!m->nobj) {
		msg = "no object given (or use --fields for the uapi view fields)";
	} else if (!a->had_targets || !m->nrows) {
		msg = "no targets (give --targets DIR|FILE...)";
	}
	if (!msg)
		return 0;
	fprintf(stderr, MX_PROG ": %s\n", msg);
	fprintf(stderr, "Run 'userize matrix --help' for usage.\n");
	return 2;
}

int uz_cmd_matrix(int argc, char **argv)
{
	struct matrix m = { 0 };
	struct args a = { 0 };
	struct cli_json j;
	int rc;

	rc = parse(&m, &a, argc, argv);
	if (!rc)
		rc = check_args(&m, &a);
	if (!rc)
		rc = unique_object_names(&m);
	if (!rc) {
		cli_json_begin(&j, a.pretty);
		if (a.merge) {
			m.mode = a.fields ? MX_FIELDS : MX_RECORDS;
			rc = mx_run_merge(&m, a.merge_files, a.nmerge);
		} else if (a.fields) {
			m.mode = MX_FIELDS;
			rc = mx_run_fields(&m);
		} else {
			rc = mx_run_objects(&m);
		}
		cli_json_end(&j);
	}
	free(a.merge_files);
	mx_free(&m);
	return rc < 0 ? 0 : rc;
}
