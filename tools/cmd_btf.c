/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize btf extract`: write the BTF found inside a kernel image, vmlinux,
 * compressed stream or Debian package (see reloc/kimage.c) to a file.
 * Exit status: 0 written, 1 the kernel has no BTF, 2 bad input or usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "encode.h"
#include "target/kimage/kimage.h"
#include "common/uz_internal.h"

static const char btf_usage[] =
	"usage: userize btf extract INPUT -o OUT.btf [--quiet] [-j|--json] [-p|--pretty]\n"
	"\n"
	"Extract the kernel's BTF from INPUT and write it to OUT.btf (atomically).\n"
	"INPUT may be raw BTF, an ELF vmlinux, an x86 bzImage (vmlinuz), an arm64\n"
	"Image or Image.gz, a gzip/xz/zstd/lz4 stream, a raw image with BTF embedded,\n"
	"or a Debian kernel package (.deb: boot/vmlinuz-* or\n"
	"usr/lib/debug/boot/vmlinux-*). INPUT '-' is standard input, OUT.btf '-'\n"
	"standard output; a regular OUT.btf is replaced atomically (mode kept), a\n"
	"symbolic link's target is replaced, a device or FIFO is written to.\n"
	"\n"
	"  -o, --output FILE   where to write the BTF (required)\n"
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

static int btf_extract(const struct btf_args *a)
{
	struct uz_error err = { 0 };
	uint8_t *btf = NULL;
	size_t btf_len = 0;
	char what[512];
	int rc;

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
