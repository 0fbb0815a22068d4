/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* userize: command dispatcher. Each subcommand lives in its own cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "userize/userize.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: userize COMMAND [ARGS]\n"
		"\n"
		"Make BPF CO-RE programs portable: relocate their field offsets against a\n"
		"kernel's type information, with userized struct views.\n"
		"\n"
		"commands:\n"
		"  reloc OBJ [--target PATH] -o OUT.o [--report json|text]\n"
		"                 relocate OBJ against PATH (default /sys/kernel/btf/vmlinux);\n"
		"                 OUT.o loads with plain libbpf, even on kernels without BTF\n"
		"  explain OBJ [--target PATH]\n"
		"                 for each relocation that poisons or fails: candidates tried,\n"
		"                 why each was rejected, nearest kernel names\n"
		"  btf extract INPUT -o OUT.btf\n"
		"                 BTF out of a vmlinuz, vmlinux, kernel .deb or raw BTF\n"
		"  matrix OBJ... --targets DIR|FILE... [--json|--csv] [--no-group] [--strict]\n"
		"         [--shard I/N]   what every relocation resolves to on every kernel, grouped\n"
		"  matrix --fields [--targets ...]\n"
		"                 offset of every uapi view field on every kernel (no object)\n"
		"  matrix --merge SHARD.json...\n"
		"                 one table out of the --json outputs of --shard runs\n"
		"  btfgen OBJ... --targets DIR|FILE... (-o OUTDIR | --archive FILE) [--strict]\n"
		"                 per kernel, the smallest BTF resolving every relocation of\n"
		"                 the objects exactly (proven); one file each or one archive\n"
		"\n"
		"  version        the version (also --version); help [COMMAND]: this or COMMAND's help\n"
		"\n"
		"Every command takes -j/--json (JSON on stdout), -p/--pretty (indented JSON),\n"
		"--opt=value as well as --opt value, and '-' for standard input or output.\n"
		"Run 'userize help COMMAND' or 'userize COMMAND --help' for a command's options.\n"
		"Exit status: 0 success, 1 relocation problems, 2 bad input or usage.\n");
}

static int run(int argc, char **argv)
{
	if (!strcmp(argv[0], "reloc"))
		return uz_cmd_reloc(argc, argv);
	if (!strcmp(argv[0], "explain"))
		return uz_cmd_explain(argc, argv);
	if (!strcmp(argv[0], "btf"))
		return uz_cmd_btf(argc, argv);
	if (!strcmp(argv[0], "matrix"))
		return uz_cmd_matrix(argc, argv);
	if (!strcmp(argv[0], "btfgen"))
		return uz_cmd_btfgen(argc, argv);
	fprintf(stderr, "userize: unknown command '%s'\n\n", argv[0]);
	usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	cli_catch_sigbus();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		/* `userize help reloc` is `userize reloc --help` */
		char *hargv[] = { argv[2], "--help", NULL };

		if (argc > 3) {
			fprintf(stderr, "userize help: one command at a time\n");
			return 2;
		}
		return run(2, hargv);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		if (argc > 2) {
			fprintf(stderr, "userize %s: takes no argument\n", argv[1]);
			return 2;
		}
		printf("userize %s\n", cli_version());
		return 0;
	}
	return run(argc - 1, argv + 1);
}
