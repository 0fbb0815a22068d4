// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/vm/uz_vmcheck.c: the program a qemu guest runs (statically linked,
 * so a busybox initramfs is all it needs). It runs the samples' checks of
 * tests/checks against the guest kernel: each unmodified sample object is
 * relocated there, against that kernel's /sys/kernel/btf/vmlinux (or the
 * --target file, for a kernel without BTF), loaded
 * and attached; activity is caused and the counted values compared. Output,
 * on stdout (the serial console), is parsed by the host test:
 *   UZ-KERNEL <release>
 *   UZ-TARGET <types relocated against> kernel-btf=present|absent
 *   UZ-OFFSET <object> <kind> <spec> <target spec> <value>   (per relocation)
 *   UZ-CHECK <name> PASS|FAIL <failed comparisons>
 *   UZ-RESULT <passed> <failed>
 * Exit status: 0 when every check passed, 1 when one failed, 2 on usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "checks.h"

static void usage(FILE *out)
{
	const struct uzc_check *k;

	fprintf(out,
		"usage: uz-vmcheck [--objs DIR[:DIR...]] [--target BTF] [--blockdev DEV]\n"
		"                  [--perturb CHECK] [--no-offsets] [CHECK...]\n"
		"Run the samples' checks on the running kernel (default: all of them).\n"
		"  --objs PATH       directories holding the sample objects (default /root/objs)\n"
		"  --target BTF      relocate against this BTF file (raw BTF or an ELF with .BTF)\n"
		"                    instead of the running kernel's /sys/kernel/btf/vmlinux;\n"
		"                    the checks' expectations are read from it too\n"
		"  --blockdev DEV    scratch disk for iolatency's raw O_DIRECT I/O (its data is\n"
		"                    overwritten at 1 MiB); default: a file on the root fs's disk\n"
		"  --perturb CHECK   make CHECK's expectations wrong on purpose (harness self-test:\n"
		"                    that check must then FAIL)\n"
		"  --no-offsets      do not print the applied offsets\n"
		"checks:\n");
	for (k = uzc_checks; k->name; k++)
		fprintf(out, "  %-10s %s\n", k->name, k->what);
	fprintf(out, "exit status: 0 all passed, 1 a check failed, 2 usage\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "objs", required_argument, NULL, 'o' },
		{ "target", required_argument, NULL, 't' },
		{ "blockdev", required_argument, NULL, 'b' },
		{ "perturb", required_argument, NULL, 'p' },
		{ "no-offsets", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct uzc c = { .log = stdout, .objpath = "/root/objs", .offsets = true };
	const struct uzc_check *k;
	unsigned int passed = 0, failed = 0;
	struct utsname uts;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': c.objpath = optarg; break;
		case 't': c.target = optarg; break;
		case 'b': c.blockdev = optarg; break;
		case 'p': c.perturb = optarg; break;
		case 'n': c.offsets = false; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (c.perturb && !uzc_find(c.perturb)) {
		fprintf(stderr, "uz-vmcheck: no check named '%s' (see --help)\n", c.perturb);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		if (!uzc_find(argv[i])) {
			fprintf(stderr, "uz-vmcheck: no check named '%s' (see --help)\n", argv[i]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (uname(&uts) == 0)
		printf("UZ-KERNEL %s\n", uts.release);
	/* Which types the objects are relocated against, and whether the
	 * kernel has BTF of its own (s390x and i386 Debian kernels do not). */
	printf("UZ-TARGET %s kernel-btf=%s\n", c.target ? c.target : "/sys/kernel/btf/vmlinux",
	       access("/sys/kernel/btf/vmlinux", R_OK) ? "absent" : "present");
	for (k = uzc_checks; k->name; k++) {
		bool wanted = optind == argc;

		for (i = optind; i < argc && !wanted; i++)
			wanted = !strcmp(argv[i], k->name);
		if (!wanted)
			continue;
		if (uzc_run(&c, k))
			failed++;
		else
			passed++;
	}
	printf("UZ-RESULT %u %u\n", passed, failed);
	return failed ? 1 : 0;
}
