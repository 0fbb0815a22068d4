// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/vm/uz_vmcheck.c: the program a qemu guest runs (statically linked,
 * so a busybox initramfs is all it needs). It runs the samples' checks of
 * tests/checks against the guest kernel: each unmodified sample object is
 * relocated there, against that kernel's /sys/kernel/btf/vmlinux, or on a
 * kernel without BTF against the entry for the running kernel of the btfgen
 * archive embedded in this binary (the cross builds for the no-BTF guests
 * embed one made from those kernels' DWARF; tests/vm/CMakeLists.txt), or
 * the --archive / --target file; loaded and attached; activity is caused
 * and the counted values compared. Output, on stdout (the serial console),
 * is parsed by the host test:
 *   UZ-KERNEL <release>
 *   UZ-KERNEL-BUILD-ID <hex>|-                  (from /sys/kernel/notes)
 *   UZ-ARCHIVE <embedded|FILE> entry <i> of <n>: release <r> arch <a> build-id <hex>|-
 *   UZ-TARGET <types relocated against> kernel-btf=present|absent
 *   UZ-OFFSET <object> <kind> <spec> <target spec> <value>   (per relocation)
 *   UZ-CHECK <name> PASS|FAIL <failed comparisons>
 *   UZ-RESULT <passed> <failed>
 * Exit status: 0 when every check passed, 1 when one failed, 2 on usage,
 * 3 when the archive has no entry for the running kernel (or is unusable).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "checks.h"

/* The archive the cross build may embed (userize_embed_archive()); weak:
 * NULL in a build without one. The samples' runner reads the same symbols. */
extern const unsigned char uz_embedded_archive[] __attribute__((weak));
extern const unsigned char uz_embedded_archive_end[] __attribute__((weak));

static void usage(FILE *out)
{
	const struct uzc_check *k;

	fprintf(out,
		"usage: uz-vmcheck [--objs DIR[:DIR...]] [--target BTF | --archive FILE]\n"
		"                  [--blockdev DEV] [--perturb CHECK] [--no-offsets] [CHECK...]\n"
		"Run the samples' checks on the running kernel (default: all of them).\n"
		"Types: the kernel's /sys/kernel/btf/vmlinux; without it, the running kernel's\n"
		"entry of the btfgen archive embedded in this binary (%s).\n"
		"  --objs PATH       directories holding the sample objects (default /root/objs)\n"
		"  --target BTF      relocate against this BTF file (raw BTF or an ELF with .BTF)\n"
		"                    instead; the checks' expectations are read from it too\n"
		"  --archive FILE    relocate against the running kernel's entry of this btfgen\n"
		"                    archive instead of the embedded one (also with kernel BTF)\n"
		"  --blockdev DEV    scratch disk for iolatency's raw O_DIRECT I/O (its data is\n"
		"                    overwritten at 1 MiB); default: a file on the root fs's disk\n"
		"  --perturb CHECK   make CHECK's expectations wrong on purpose (harness self-test:\n"
		"                    that check must then FAIL)\n"
		"  --no-offsets      do not print the applied offsets\n"
		"checks:\n", uz_embedded_archive ? "this build has one" : "this build has none");
	for (k = uzc_checks; k->name; k++)
		fprintf(out, "  %-10s %s\n", k->name, k->what);
	fprintf(out, "exit status: 0 all passed, 1 a check failed, 2 usage, 3 the archive has no\n"
		"entry for this kernel (or cannot be read)\n");
}

/* The running kernel's GNU build id (hex) from /sys/kernel/notes, "" if none. */
static void running_build_id(char *out)
{
	unsigned char buf[4096];
	size_t off = 0, n = 0, k;
	ssize_t got;
	int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);

	out[0] = 0;
	if (fd < 0)
		return;
	while (n < sizeof(buf) && (got = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)got;
	close(fd);
	/* ELF notes in the kernel's byte order: namesz, descsz, type, name, desc */
	while (off + 12 <= n) {
		uint32_t nsz, dsz, type;

		memcpy(&nsz, buf + off, 4);
		memcpy(&dsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		off += 12;
		if (nsz > n - off || (size_t)((nsz + 3) & ~3u) + dsz > n - off)
			return;
		if (type == 3 && nsz == 4 && !memcmp(buf + off, "GNU", 4) && dsz <= 64) {
			for (k = 0; k < dsz; k++)
				sprintf(out + 2 * k, "%02x", buf[off + 4 + k]);
			return;
		}
		off += ((nsz + 3) & ~3u) + ((dsz + 3) & ~3u);
	}
}

/*
 * The types of an archive (@file, or the embedded one): the running kernel's
 * entry, found as libuserize finds it (release, narrowed by build id), is
 * named on the console; its rebuilt BTF (*@btf) is what the checks read
 * their expectations from. The relocation itself goes through the archive
 * (the runner: the embedded archive without kernel BTF, else c->target =
 * @file). An archive without an entry for this kernel: a message naming the
 * kernel and the archive, and -1.
 */
static int pick_entry(struct uzc *c, const char *file, void **btf, char *target, size_t tsz)
{
	struct uz_archive *a = NULL;
	struct uz_error err = { 0 };
	const struct uz_archive_entry_info *in;
	char what[600];
	size_t idx, e, len = 0;
	int ret;

	if (file) {
		snprintf(what, sizeof(what), "archive %s", file);
		ret = uz_archive_open(file, &a, &err);
	} else {
		snprintf(what, sizeof(what), "the archive embedded in uz-vmcheck (%zu bytes)",
			 (size_t)(uz_embedded_archive_end - uz_embedded_archive));
		ret = uz_archive_open_mem(uz_embedded_archive,
					  (size_t)(uz_embedded_archive_end - uz_embedded_archive),
					  &a, &err);
	}
	if (ret) {
		fprintf(stderr, "uz-vmcheck: cannot read %s: %s\n", what, err.msg);
		return -1;
	}
	if (uz_archive_find(a, NULL, NULL, &idx, &err)) {
		fprintf(stderr, "uz-vmcheck: %s has no types for this kernel: %s; its entries:", what,
			err.msg);
		for (e = 0; e < uz_archive_entry_cnt(a); e++)
			fprintf(stderr, " %s (%s)", uz_archive_entry(a, e)->release,
				uz_archive_entry(a, e)->arch);
		fprintf(stderr, "; add this kernel with `userize btfgen OBJ... --targets "
			"VMLINUX-WITH-DWARF --archive FILE`\n");
		uz_archive_free(a);
		return -1;
	}
	in = uz_archive_entry(a, idx);
	printf("UZ-ARCHIVE %s entry %zu of %zu: release %s arch %s build-id %s\n",
	       file ? file : "embedded", idx + 1, uz_archive_entry_cnt(a), in->release, in->arch,
	       in->build_id[0] ? in->build_id : "-");
	snprintf(target, tsz, "%s-archive:%s", file ? file : "embedded", in->release);
	ret = uz_archive_entry_btf(a, idx, btf, &len, &err);
	if (ret)
		fprintf(stderr, "uz-vmcheck: %s: entry %s: %s\n", what, in->release, err.msg);
	uz_archive_free(a);
	if (ret)
		return -1;
	c->types = *btf;
	c->types_len = len;
	c->target = file;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "objs", required_argument, NULL, 'o' },
		{ "target", required_argument, NULL, 't' },
		{ "archive", required_argument, NULL, 'a' },
		{ "blockdev", required_argument, NULL, 'b' },
		{ "perturb", required_argument, NULL, 'p' },
		{ "no-offsets", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct uzc c = { .log = stdout, .objpath = "/root/objs", .offsets = true };
	const struct uzc_check *k;
	unsigned int passed = 0, failed = 0;
	const char *archive = NULL;
	char build_id[2 * 64 + 1], target[512];
	void *entry_btf = NULL;
	struct utsname uts;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': c.objpath = optarg; break;
		case 't': c.target = optarg; break;
		case 'a': archive = optarg; break;
		case 'b': c.blockdev = optarg; break;
		case 'p': c.perturb = optarg; break;
		case 'n': c.offsets = false; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (c.target && archive) {
		fprintf(stderr, "uz-vmcheck: --target and --archive exclude each other\n");
		return 2;
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
	running_build_id(build_id);
	printf("UZ-KERNEL-BUILD-ID %s\n", build_id[0] ? build_id : "-");
	snprintf(target, sizeof(target), "%s", c.target ? c.target : "/sys/kernel/btf/vmlinux");
	if (archive || (!c.target && uz_embedded_archive &&
			access("/sys/kernel/btf/vmlinux", R_OK))) {
		if (pick_entry(&c, archive, &entry_btf, target, sizeof(target)))
			return 3;
	}
	/* Which types the objects are relocated against, and whether the
	 * kernel has BTF of its own (s390x and i386 Debian kernels do not). */
	printf("UZ-TARGET %s kernel-btf=%s\n", target,
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
	free(entry_btf);
	return failed ? 1 : 0;
}
