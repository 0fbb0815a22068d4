/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize btf extract`: write the BTF found inside a kernel image, vmlinux,
 * compressed stream or Debian package (see reloc/kimage.c) to a file, or
 * snapshot tracefs event formats (a mount, a copy of events/, a tar of it)
 * as BTF: every event's record type (reloc/target/tracefs/).
 * Exit status: 0 written, 1 the kernel has no BTF, 2 bad input or usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "cli.h"
#include "commands.h"
#include "encode.h"
#include "target/kimage/kimage.h"
#include "target/split_btf.h"
#include "common/uz_internal.h"

#include <bpf/btf.h>

static const char btf_usage[] =
	"usage: userize btf extract INPUT -o OUT.btf [--base VMLINUX] [--kernel RELEASE] [--quiet]\n"
	"                           [-j|--json] [-p|--pretty]\n"
	"       userize btf dump FILE [--kernel RELEASE] [--format c|raw|json] (see dump --help)\n"
	"\n"
	"Extract the kernel's BTF from INPUT and write it to OUT.btf (atomically).\n"
	"INPUT may be raw BTF, an ELF vmlinux, an x86 bzImage (vmlinuz), an arm64\n"
	"Image or Image.gz, a gzip/xz/zstd/lz4 stream, a raw image with BTF embedded,\n"
	"or a Debian kernel package (.deb: boot/vmlinuz-* or\n"
	"usr/lib/debug/boot/vmlinux-*), or a btfgen archive (the entry of --kernel,\n"
	"default the running kernel's, in its kernel's byte order). A kernel module\n"
	"(.ko, or raw split BTF) needs --base: its BTF continues the vmlinux BTF it\n"
	"was built on; OUT.btf is then raw split BTF, as /sys/kernel/btf/MODULE.\n"
	"INPUT may also be tracefs (/sys/kernel/tracing), a copy of its events/\n"
	"tree or a tar (plain, .gz, .xz, .zst) of one: OUT.btf then holds the record\n"
	"type of every event, built from the format files (struct\n"
	"trace_event_raw_EVENT; syscalls: syscall_trace_enter/exit___EVENT).\n"
	"INPUT '-' is standard input, OUT.btf '-' standard output; a regular OUT.btf\n"
	"is replaced atomically (mode kept), a symbolic link's target is replaced, a\n"
	"device or FIFO is written to.\n"
	"\n"
	"  -o, --output FILE   where to write the BTF (required)\n"
	"  -b, --base PATH     base (vmlinux) BTF for a kernel module\n"
	"  -k, --kernel R      archive entry for kernel release R\n"
	"  -q, --quiet         do not describe what was found on standard error\n"
	"  -j, --json          describe it on stdout instead: {input, output, found,\n"
	"                      bytes} (found: the path taken to the BTF)\n"
	"  -p, --pretty        the same JSON, indented\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0 written, 1 the kernel has no BTF, 2 bad input or usage.\n";

struct btf_args {
	const char *input;
	const char *output;
	const char *base;
	const char *kernel;
	bool quiet;
	bool help;
	bool json, pretty;
};

static int btf_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "userize btf: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", btf_usage);
	return 2;
}

/* argv[0] is "extract". Returns 0 or an exit status. */
static int btf_parse(int argc, char **argv, struct btf_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *s, *val;
		char opt[64];

		cli_split_opt(argv[i], opt, sizeof(opt), &s, &val);
		if (val && strcmp(s, "--output"))
			return btf_usage_error("option '%s' takes no value", s);
		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			a->help = true;
		} else if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) {
			a->quiet = true;
		} else if (!strcmp(s, "-j") || !strcmp(s, "--json")) {
			a->json = true;
		} else if (!strcmp(s, "-p") || !strcmp(s, "--pretty")) {
			a->json = a->pretty = true;
		} else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
			if (!val && ++i >= argc)
				return btf_usage_error("%s needs a file name", s);
			a->output = val ? val : argv[i];
		} else if (!strcmp(s, "-k") || !strcmp(s, "--kernel")) {
			if (!val && ++i >= argc)
				return btf_usage_error("%s needs a kernel release", s);
			a->kernel = val ? val : argv[i];
		} else if (!strcmp(s, "-b") || !strcmp(s, "--base")) {
			if (!val && ++i >= argc)
				return btf_usage_error("%s needs a file name", s);
			a->base = val ? val : argv[i];
		} else if (s[0] == '-' && s[1]) {
			return btf_usage_error("unknown option '%s'", s);
		} else if (!a->input) {
			a->input = s;
		} else {
			return btf_usage_error("unexpected argument '%s'", s);
		}
	}
	if (a->help)
		return 0;
	if (!a->input)
		return btf_usage_error("%s", "missing INPUT");
	if (!a->output || !a->output[0])
		return btf_usage_error("%s", "missing -o OUT.btf");
	if (a->json && cli_is_stdout(a->output))
		return btf_usage_error("%s", "the BTF (-o -) and the JSON cannot both go to standard output");
	return 0;
}

/* Is @path kernel-module split BTF (a .ko or raw split BTF)? */
static bool is_split_file(const char *path)
{
	const uint8_t *p;
	uint8_t *data;
	size_t len, n;
	bool split;

	if (uz_read_file(path, &data, &len, NULL))
		return false;
	split = uz_split_btf_find(data, len, &p, &n) == 1;
	free(data);
	return split;
}

/* Write @t's BTF (raw, its byte order) to @a->output; frees @t. */
static int write_target_btf(const struct btf_args *a, struct uz_target *t, const char *what)
{
	struct uz_error err = { 0 };
	const void *raw;
	uint32_t len = 0;
	int rc;

	raw = btf__raw_data((struct btf *)uz_target_btf(t), &len);
	rc = raw ? uz_write_file_atomic(a->output, raw, len, &err) :
		   uz_err_set(&err, -ENOMEM, "out of memory");
	if (rc)
		fprintf(stderr, "userize btf: %s\n", err.msg);
	else if (!a->quiet)
		fprintf(stderr, "%s: %s -> %s (%u types, %u bytes)\n", a->input, what, a->output,
			uz_target_type_cnt(t) - 1, len);
	uz_target_free(t);
	return rc ? 2 : 0;
}

/* A module's split BTF on @a->base, validated, written as raw split BTF. */
static int btf_extract_split(const struct btf_args *a)
{
	UZ_OPTS_INIT(uz_target_opts, topts, .base_path = a->base, .sources = UZ_SOURCE_BTF);
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	int rc;

	rc = uz_target_load(a->input, &topts, &t, &err);
	if (rc) {
		fprintf(stderr, "userize btf: %s\n", err.msg);
		return 2;
	}
	return write_target_btf(a, t, "split BTF");
}

/* tracefs formats as BTF; -ENOTSUP when @a->input is not tracefs. */
static int btf_tracefs(const struct btf_args *a)
{
	static const char *const all[] = { "tracepoint:*" };
	UZ_OPTS_INIT(uz_target_opts, o, .sources = UZ_SOURCE_TRACEFS, .type_names = all,
		     .type_name_cnt = 1);
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	int rc;

	rc = uz_target_load(a->input, &o, &t, &err);
	if (rc == -ENOTSUP)
		return rc;
	if (rc) {
		fprintf(stderr, "userize btf: %s\n", err.msg);
		return 2;
	}
	return write_target_btf(a, t, uz_target_provenance(t)->container);
}

static int btf_extract(const struct btf_args *a)
{
	struct uz_error err = { 0 };
	uint8_t *btf = NULL;
	size_t btf_len = 0;
	char what[512];
	int rc;

	/* a FIFO, socket or device is refused before anything reads it */
	if (strcmp(a->input, "-") && uz_input_check(a->input, true, &err)) {
		fprintf(stderr, "userize btf: %s\n", err.msg);
		return 2;
	}
	if (strcmp(a->input, "-") && uz_cmd_is_archive(a->input))
		return uz_cmd_btf_extract_archive(a->input, a->kernel, a->output, a->quiet);
	if (a->base)
		return btf_extract_split(a);
	if (strcmp(a->input, "-")) {
		rc = btf_tracefs(a);
		if (rc != -ENOTSUP)
			return rc;
	}
	if (!strcmp(a->input, "-")) {
		uint8_t *in;
		size_t in_len;

		if (cli_read_input("userize btf", "-", &in, &in_len))
			return 2;
		rc = uz_kimage_extract_btf(in, in_len, "<stdin>", &btf, &btf_len, what,
					   sizeof(what), &err);
		free(in);
	} else {
		rc = uz_kimage_extract_btf_file(a->input, &btf, &btf_len, what, sizeof(what),
						&err);
		if (rc == -EINVAL && is_split_file(a->input)) {
			fprintf(stderr, "userize btf: %s: kernel-module split BTF: give --base, the BTF of the vmlinux it was built for\n",
				a->input);
			return 2;
		}
	}
	if (rc) {
		fprintf(stderr, "userize btf: %s\n", err.msg);
		return rc == -ENODATA ? 1 : 2;
	}
	rc = uz_write_file_atomic(a->output, btf, btf_len, &err);
	free(btf);
	if (rc) {
		fprintf(stderr, "userize btf: %s\n", err.msg);
		return 2;
	}
	if (a->json) {
		struct cli_json j;
		FILE *f = cli_json_begin(&j, a->pretty);

		fputs("{\"input\": ", f);
		json_put_str(f, a->input);
		fputs(", \"output\": ", f);
		json_put_str(f, a->output);
		fputs(", \"found\": ", f);
		json_put_str(f, what);
		fprintf(f, ", \"bytes\": %zu}\n", btf_len);
		cli_json_end(&j);
	} else if (!a->quiet) {
		fprintf(stderr, "%s: %s -> %s (%zu bytes)\n", a->input, what, a->output, btf_len);
	}
	return 0;
}

int uz_cmd_btf(int argc, char **argv)
{
	struct btf_args a = { 0 };
	int rc;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		fputs(btf_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "dump"))
		return uz_cmd_btf_dump(argc - 1, argv + 1);
	if (strcmp(argv[1], "extract"))
		return btf_usage_error("unknown subcommand '%s'", argv[1]);
	rc = btf_parse(argc - 1, argv + 1, &a);
	if (rc)
		return rc;
	if (a.help) {
		fputs(btf_usage, stdout);
		return 0;
	}
	return btf_extract(&a);
}
