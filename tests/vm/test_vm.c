// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/vm/test_vm.c: the vm tier. The same build of the sample objects (one
 * per byte order) runs on this machine's kernel and, under qemu
 * (tools/vm/uzvm), on the kernels of the guest groups below: x86_64 6.1 and
 * 6.12, x86_64 5.10 (bullseye), arm64 6.1 and 6.12, big-endian s390x 6.1 and
 * 32-bit i386 6.1. Inside each guest uz-vmcheck (cross built for that
 * architecture) relocates the objects against the guest's own
 * /sys/kernel/btf/vmlinux, or, on s390x and i386 whose kernels have no BTF,
 * against the running kernel's entry of the btfgen archive embedded in that
 * uz-vmcheck (made at build time by `userize btfgen` from the kernel's -dbg
 * DWARF; tests/vm/CMakeLists.txt), and runs the samples' checks.
 * This test parses each console:
 *   - every check passed on every kernel;
 *   - on s390x and i386 the types came from the embedded archive's entry
 *     whose release is the booted `uname -r` and whose build id is the
 *     booted kernel's and the -dbg vmlinux's (readelf); and the same guest,
 *     given an archive without its kernel, fails with a message naming the
 *     kernel and the archive;
 *   - the offsets the guest applied equal what libuserize computes on the
 *     host from the same kernel's types (BTF extracted out of the same
 *     package, or for the no-BTF kernels pahole's BTF of the same DWARF, an
 *     independent reader), and they differ between kernels (the
 *     point of relocating), also between architectures of one release;
 *   - the guarded fields took their old-kernel branch exactly where the
 *     kernel lacks the new field: inode i_mtime_sec (6.11), task_struct
 *     __state (long state before 5.14), skb drop reasons (5.17),
 *     request.rq_disk (gone in 5.19); 5.10 takes every old branch.
 *   - in one 6.1 guest the tracepoint-only checks pass relocated from the
 *     guest's /sys/kernel/tracing formats alone (--target), with the values
 *     the host computes from that kernel's BTF.
 * Then the harness itself: a guest whose checks fail, a guest that hangs
 * and a kernel that cannot boot must each be reported as such, with the
 * kernel's name and console tail, within a time bound.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <userize/userize.h>

#define MAX_KERNELS 16
#define MAX_ROWS 1024
#define CHECKS "proctop writesize lo_filter dropmon fallback tpfork iolatency"
#define OBJECTS "proctop writesize lo_filter dropmon fallback tpfork iolatency"
/* The checks whose programs read tracepoint records only: in one guest they
 * also run relocated from the guest's tracefs formats alone. */
#define TRACEFS_CHECKS "tpfork writesize"
/* The guest's scratch disk for iolatency: NVMe (built into the cloud
 * kernels) on qemu's null block driver (reads zeros, drops writes). */
#define GUEST_DISK "--qemu-arg -blockdev --qemu-arg driver=null-co,node-name=uzd,size=67108864 " \
	"--qemu-arg -device --qemu-arg nvme,drive=uzd,serial=uzvm"
#define GUEST_BLOCKDEV "/dev/nvme0n1"
/* The other guests' scratch disk: null_blk, a kernel block driver (module
 * on every Debian kernel) that needs no emulated device on any machine. */
#define NULLBLK_BLOCKDEV "/dev/nullb0"
/*
 * Every guest runs under software emulation (--accel tcg), as on the CI
 * machines: this machine has a /dev/kvm that qemu accepts, but x86_64
 * guests stall under it before their first console line.
 */
#define ACCEL "--accel tcg"
/* Per boot attempt. Software emulation: boot ~3 s, the checks ~10-30 s. */
#define GUEST_TIMEOUT 240
#define HANG_TIMEOUT 30

/*
 * One uzvm run: kernels of one architecture with the same guest setup.
 * arch: uzvm --arch and the cross build's name ("" = this machine's build);
 * objdir: "" (bpfel) or "bpfeb/"; foreign: NULL for kernels with BTF, else
 * the kernels have none and the guest relocates against the archive
 * embedded in its uz-vmcheck; it is also given the archive of the cross
 * build of architecture @foreign (which lacks its kernel) once, to fail.
 */
struct guest_group {
	const char *arch;
	const char *list;
	const char *uzvm_opts;
	const char *blockdev;
	const char *objdir;
	const char *foreign;
};
/* The archive a cross build embeds in uz-vmcheck (tests/vm/CMakeLists.txt). */
#define VMCHECK_ARCHIVE "tests/vm/uz-vmcheck.uzar"
/* Where a guest finds the archive that lacks its kernel. */
#define FOREIGN_ARCHIVE "/root/foreign.uzar"
/* Exit status of uz-vmcheck for an archive without this kernel. */
#define NO_ENTRY_EXIT "3"

static const struct guest_group groups[] = {
	{ "x86_64", "kernels.list", "--modules veth " GUEST_DISK, GUEST_BLOCKDEV, "", NULL },
	{ "x86_64", "kernels-bullseye.list", "--modules veth " GUEST_DISK,
	  GUEST_BLOCKDEV, "", NULL },
	{ "arm64", "kernels-arm64.list", "--modules veth,null_blk", NULLBLK_BLOCKDEV, "", NULL },
	{ "s390x", "kernels-s390x.list", "--modules veth,null_blk", NULLBLK_BLOCKDEV, "bpfeb/",
	  "i386" },
	{ "i386", "kernels-i386.list", "--modules veth,null_blk", NULLBLK_BLOCKDEV, "", "s390x" },
};

struct kernel_run {
	char name[128];		/* release */
	char *console;
	char verdict[32];
	const struct guest_group *grp;	/* NULL: this machine */
	char types[4096];	/* the types the host relocates against to compare */
	double boot_s, total_s;
};

/* One relocation's value per kernel (column), for the printed table. */
struct offset_row {
	char key[256];		/* "object kind spec" */
	char target[128];
	char value[MAX_KERNELS + 1][24];
};

static struct {
	char src[1024], build[1024], cache[1024], work[1024];
	struct kernel_run k[MAX_KERNELS + 1];	/* [0] = running kernel */
	size_t nk;
	struct offset_row *rows;
	size_t nrows;
} g;

/* Where the build puts object @name: the samples', or tests/checks' own. */
static const char *obj_dir(const char *name)
{
	return strcmp(name, "fallback") && strcmp(name, "tpfork") ? "samples" : "tests/checks";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = 0;
	return buf;
}

/* Run @cmd through sh, output to @out_path; returns the exit status. */
static int run(const char *cmd, const char *out_path)
{
	char *full;
	int st;

	assert_true(asprintf(&full, "%s >'%s' 2>&1", cmd, out_path) > 0);
	printf("$ %s\n", cmd);	/* print_message() truncates long text */
	fflush(stdout);
	st = system(full);
	free(full);
	assert_true(st != -1 && WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The line of @text starting with @prefix (NULL if none); copied into @buf. */
static const char *find_line(const char *text, const char *prefix, char *buf, size_t sz)
{
	size_t plen = strlen(prefix);
	const char *p = text;

	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		while (n && p[n - 1] == '\r')
			n--;
		if (n >= plen && !strncmp(p, prefix, plen)) {
			snprintf(buf, sz, "%.*s", (int)n, p);
			return buf;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

/* Record the UZ-OFFSET lines of kernel column @col. */
static void collect_offsets(const char *console, size_t col)
{
	const char *p = console;

	while ((p = strstr(p, "UZ-OFFSET "))) {
		char obj[64], kind[32], spec[160], target[128], value[24], key[256];
		size_t i;

		if (p != console && p[-1] != '\n') {
			p++;
			continue;
		}
		if (sscanf(p, "UZ-OFFSET %63s %31s %159s %127s %23s", obj, kind, spec, target,
			   value) != 5) {
			p++;
			continue;
		}
		p++;
		if (strcmp(value, "-") && value[strspn(value, "0123456789")])
			fail_msg("%s: garbled line 'UZ-OFFSET %s %s %s %s %s' (kernel messages "
				 "mixed into the console?)", g.k[col].name, obj, kind, spec, target,
				 value);
		snprintf(key, sizeof(key), "%s %s %s", obj, kind, spec);
		for (i = 0; i < g.nrows && strcmp(g.rows[i].key, key); i++)
			;
		if (i == g.nrows) {
			assert_true(g.nrows < MAX_ROWS);
			memset(&g.rows[i], 0, sizeof(g.rows[i]));
			snprintf(g.rows[i].key, sizeof(g.rows[i].key), "%s", key);
			g.nrows++;
		}
		snprintf(g.rows[i].target, sizeof(g.rows[i].target), "%s", target);
		snprintf(g.rows[i].value[col], sizeof(g.rows[i].value[col]), "%s", value);
	}
}

/* Every check named in CHECKS passed in @console, and UZ-RESULT says so. */
static void assert_checks_passed(const struct kernel_run *k)
{
	char want[128], line[256], names[] = CHECKS, *save = NULL, *name;
	unsigned int n = 0;

	for (name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		snprintf(want, sizeof(want), "UZ-CHECK %s ", name);
		if (!find_line(k->console, want, line, sizeof(line)))
			fail_msg("%s: check %s did not report", k->name, name);
		if (!strstr(line, " PASS "))
			fail_msg("%s: %s", k->name, line);
		n++;
	}
	snprintf(want, sizeof(want), "UZ-RESULT %u 0", n);
	if (!find_line(k->console, want, line, sizeof(line)))
		fail_msg("%s: no '%s' line", k->name, want);
}

/* The fallback check took the fallback path iff the kernel is older than 6.11. */
static void assert_fallback_path(const struct kernel_run *k)
{
	unsigned int major = 0, minor = 0;
	char line[128];
	bool old;

	assert_int_equal(sscanf(k->name, "%u.%u", &major, &minor), 2);
	old = major < 6 || (major == 6 && minor < 11);
	if (!find_line(k->console, "UZ-PATH fallback ", line, sizeof(line)))
		fail_msg("%s: the fallback check printed no path", k->name);
	print_message("%-32s guarded inode mtime read: %s path\n", k->name, line + 17);
	assert_string_equal(line + 17, old ? "fallback" : "direct");
}

/* The value kernel column @col applied for "object kind spec" @key, or NULL. */
static const char *applied(size_t col, const char *key)
{
	size_t r;

	for (r = 0; r < g.nrows; r++)
		if (!strcmp(g.rows[r].key, key))
			return g.rows[r].value[col][0] ? g.rows[r].value[col] : NULL;
	return NULL;
}

static bool older_than(const char *release, unsigned int maj, unsigned int min)
{
	unsigned int a = 0, b = 0;

	assert_int_equal(sscanf(release, "%u.%u", &a, &b), 2);
	return a < maj || (a == maj && b < min);
}

/* @key applied @want on @k (column @col); says which branch that is. */
static void assert_applied(size_t col, const char *key, const char *want, const char *branch)
{
	const char *v = applied(col, key);

	if (!v || strcmp(v, want))
		fail_msg("%s: %s applied %s, want %s (%s)", g.k[col].name, key, v ? v : "nothing",
			 want, branch);
	print_message("%-32s %-58s = %-3s %s\n", g.k[col].name, key, v, branch);
}

/*
 * The guarded view fields took the branch the kernel's layout calls for, by
 * the relocations the guest applied and the path the checks saw: on 5.10
 * every old-kernel branch (long state, rq_disk, no drop reason, timespec64
 * mtime) runs.
 */
static void assert_guarded_branches(size_t col)
{
	const char *rel = g.k[col].name;
	bool old_state = older_than(rel, 5, 14), old_rq = older_than(rel, 5, 19);
	bool no_reason = older_than(rel, 5, 17), old_bio = older_than(rel, 5, 12);
	char line[128];

	/* task_struct: long state before 5.14 (8 bytes, 4 on i386), unsigned int __state */
	assert_applied(col, "proctop byte_sz task_struct_user.state",
		       !old_state ? "4" : (g.k[col].grp && !strcmp(g.k[col].grp->arch, "i386")) ? "4" : "8",
		       old_state ? "old branch: long task_struct.state" : "unsigned int __state");
	assert_applied(col, "iolatency field_exists request_user.rq_disk", old_rq ? "1" : "0",
		       old_rq ? "old branch: request->rq_disk" : "request->q->disk");
	assert_applied(col, "iolatency field_exists bio_user.bi_disk", old_bio ? "1" : "0",
		       old_bio ? "old branch: bio->bi_disk" : "bio->bi_bdev->bd_disk");
	assert_applied(col, "dropmon field_exists trace_event_raw_kfree_skb_user.reason",
		       no_reason ? "0" : "1", no_reason ? "old branch: no drop reason" : "reason read");
	if (!find_line(g.k[col].console, "UZ-PATH dropmon ", line, sizeof(line)))
		fail_msg("%s: the dropmon check printed no path", rel);
	assert_string_equal(line + 16, no_reason ? "fallback" : "direct");
}

/*
 * The offsets a guest applied equal what libuserize computes on the host
 * against the same kernel's types (g.k[col].types).
 */
static void assert_offsets_match_host(size_t col)
{
	char objs[] = OBJECTS, *save = NULL, *name, path[8192], btf[4096];
	size_t checked = 0;

	snprintf(btf, sizeof(btf), "%s", g.k[col].types);
	if (access(btf, R_OK))
		fail_msg("%s: no types to compare with at %s", g.k[col].name, btf);
	for (name = strtok_r(objs, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		UZ_OPTS_INIT(uz_reloc_opts, ropts, .allow_errors = true);
		struct uz_object *obj = NULL;
		struct uz_target *tgt = NULL;
		struct uz_relocation *rel = NULL;
		struct uz_error err = { 0 };
		size_t i, r;

		snprintf(path, sizeof(path), "%s/%s/%s%s.o", g.build, obj_dir(name),
			 g.k[col].grp ? g.k[col].grp->objdir : "", name);
		assert_int_equal(uz_object_open(path, NULL, &obj, &err), 0);
		assert_int_equal(uz_target_load(btf, NULL, &tgt, &err), 0);
		assert_int_equal(uz_object_relocate(obj, tgt, &ropts, &rel, &err), 0);
		for (i = 0; i < uz_relocation_record_cnt(rel); i++) {
			const struct uz_record *rec = uz_relocation_record(rel, i);
			char key[256], want[24];

			snprintf(key, sizeof(key), "%s %s %s", name, uz_kind_name(rec->kind),
				 rec->spec);
			for (r = 0; r < g.nrows && strcmp(g.rows[r].key, key); r++)
				;
			if (r == g.nrows)
				fail_msg("%s: the guest printed no offset for %s", g.k[col].name, key);
			/* an archive entry's type ids are not the kernel's: poisoned */
			if (rec->result == UZ_RESULT_OK &&
			    !(g.k[col].grp && g.k[col].grp->foreign &&
			      rec->kind == UZ_TYPE_ID_TARGET))
				snprintf(want, sizeof(want), "%llu",
					 (unsigned long long)rec->new_value);
			else
				snprintf(want, sizeof(want), "-");
			if (strcmp(g.rows[r].value[col], want))
				fail_msg("%s: %s applied %s in the guest, %s computed on the host "
					 "from %s", g.k[col].name, key, g.rows[r].value[col], want,
					 btf);
			checked++;
		}
		uz_relocation_free(rel);
		uz_target_free(tgt);
		uz_object_free(obj);
	}
	print_message("%-32s %zu applied values equal the host's relocation of %s\n",
		      g.k[col].name, checked, btf);
}

static void print_table(void)
{
	size_t r, c, differ = 0;

	print_message("\nbyte offsets applied per kernel (relocated in each guest against its "
		      "own /sys/kernel/btf/vmlinux, or on s390x and i386 its entry of the archive "
		      "embedded in uz-vmcheck; '-' = absent, guarded)\n");
	print_message("%-52s", "relocation");
	for (c = 0; c < g.nk; c++)
		print_message(" %10.10s", g.k[c].name);
	print_message("\n");
	for (c = 0; c < g.nk; c++)
		print_message("  column %zu: %s (%s)\n", c + 1, g.k[c].name,
			      g.k[c].grp ? g.k[c].grp->arch : "this machine");
	for (r = 0; r < g.nrows; r++) {
		bool same = true;

		if (!strstr(g.rows[r].key, " byte_off ") && !strstr(g.rows[r].key, " enumval_value "))
			continue;
		for (c = 1; c < g.nk; c++)
			same &= !strcmp(g.rows[r].value[c], g.rows[r].value[0]);
		differ += !same;
		print_message("%-52.52s", g.rows[r].key);
		for (c = 0; c < g.nk; c++)
			print_message(" %10s", g.rows[r].value[c][0] ? g.rows[r].value[c] : "?");
		print_message("%s\n", same ? "" : "  *");
	}
	print_message("(* = differs between kernels: %zu relocations)\n\n", differ);
	assert_true(differ > 0);
}

/* Length of the common "6.1.0-56" part of two releases (up to the flavour). */
static size_t release_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && a[n] == b[n] && (isdigit((unsigned char)a[n]) || strchr(".-+", a[n])))
		n++;
	return n;
}

/*
 * A guest of another architecture applied offsets that differ from those of
 * the x86_64 guest of the closest release (6.1.0-56-cloud-arm64 vs
 * 6.1.0-56-cloud-amd64; same major.minor at least).
 */
static void assert_differs_from_x86(size_t col)
{
	size_t c, r, differ = 0, x = 0, best = 0, n;
	unsigned int a, b, xa, xb;

	if (!g.k[col].grp || !strcmp(g.k[col].grp->arch, "x86_64"))
		return;
	assert_int_equal(sscanf(g.k[col].name, "%u.%u", &a, &b), 2);
	for (c = 1; c < g.nk; c++) {
		if (strcmp(g.k[c].grp->arch, "x86_64") ||
		    sscanf(g.k[c].name, "%u.%u", &xa, &xb) != 2 || xa != a || xb != b)
			continue;
		n = release_prefix(g.k[c].name, g.k[col].name);
		if (n > best) {
			best = n;
			x = c;
		}
	}
	if (!x)
		fail_msg("%s: no x86_64 guest of release %u.%u to compare with", g.k[col].name, a, b);
	for (r = 0; r < g.nrows; r++)
		if (strstr(g.rows[r].key, " byte_off ") &&
		    strcmp(g.rows[r].value[col], g.rows[r].value[x]))
			differ++;
	print_message("%-32s %zu byte offsets differ from x86_64 %s\n", g.k[col].name, differ,
		      g.k[x].name);
	assert_true(differ > 0);
}

/*
 * The types the host compares a guest's offsets with: the corpus' extracted
 * BTF ($UZ_CACHE/btf), else BTF extracted now from the kernel's package;
 * for a kernel without BTF, pahole's BTF of its -dbg DWARF (the dwarf
 * fixture's vmlinux-RELEASE.pahole.btf): another reader of the DWARF the
 * guest's archive entry was made from.
 */
static void host_types(struct kernel_run *k)
{
	char cmd[4096], out[2048];

	if (k->grp->foreign) {
		snprintf(k->types, sizeof(k->types), "%s/dbg/vmlinux-%s.pahole.btf", g.cache,
			 k->name);
		if (access(k->types, R_OK))
			fail_msg("%s: no %s (the dwarf_fetch fixture makes it)", k->name, k->types);
		return;
	}
	snprintf(k->types, sizeof(k->types), "%s/btf/%s.btf", g.cache, k->name);
	if (!access(k->types, R_OK))
		return;
	snprintf(k->types, sizeof(k->types), "%s/%s.btf", g.work, k->name);
	snprintf(cmd, sizeof(cmd), "'%s/userize' btf extract \"$(ls -t '%s/debs/linux-image-%s"
		 "'-unsigned_*.deb '%s/debs/linux-image-%s'_*.deb 2>/dev/null | head -n1)\" -o '%s'",
		 g.build, g.cache, k->name, g.cache, k->name, k->types);
	snprintf(out, sizeof(out), "%s/%s.extract.out", g.work, k->name);
	if (run(cmd, out))
		fail_msg("%s: cannot extract the kernel's BTF from its package (%s)", k->name, out);
}

/* Boot every kernel of group @grp, append them to g.k. */
static void run_group(const struct guest_group *grp)
{
	char cmd[16384], out[8192], list[4096], vmcheck[2048], foreign[2048];
	char objs[] = OBJECTS, *save = NULL, *name, *summary, *p, tag[64];
	bool native = !strcmp(grp->arch, "x86_64");
	double t0;
	size_t n, first = g.nk;
	int rc;

	snprintf(tag, sizeof(tag), "%s-%.*s", grp->arch, (int)strcspn(grp->list, "."), grp->list);
	if (native)
		snprintf(vmcheck, sizeof(vmcheck), "%s/tests/vm/uz-vmcheck", g.build);
	else
		snprintf(vmcheck, sizeof(vmcheck), "%s/cross-%s/tests/vm/uz-vmcheck", g.build,
			 grp->arch);
	if (access(vmcheck, X_OK))
		fail_msg("%s: no guest program %s (the vm_cross fixture builds it)", grp->arch,
			 vmcheck);
	if (grp->foreign) {
		snprintf(foreign, sizeof(foreign), "%s/cross-%s/" VMCHECK_ARCHIVE, g.build,
			 grp->foreign);
		snprintf(list, sizeof(list), "%s/cross-%s/" VMCHECK_ARCHIVE, g.build, grp->arch);
		if (access(foreign, R_OK) || access(list, R_OK))
			fail_msg("%s: no archives %s and %s (the vm_cross fixture makes them)",
				 grp->arch, list, foreign);
	}
	n = (size_t)snprintf(cmd, sizeof(cmd),
		"'%s/tools/vm/uzvm' --arch %s --kernels '%s/tools/vm/%s' --out '%s/%s' "
		"--jobs 2 --timeout %d " ACCEL " %s --add '%s:/root/uz-vmcheck'",
		g.src, grp->arch, g.src, grp->list, g.work, tag, GUEST_TIMEOUT, grp->uzvm_opts,
		vmcheck);
	for (name = strtok_r(objs, " ", &save); name; name = strtok_r(NULL, " ", &save))
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n,
				      " --add '%s/%s/%s%s.o:/root/objs/%s.o'", g.build,
				      obj_dir(name), grp->objdir, name, name);
	/* no BTF: first, an archive that lacks this kernel must be refused */
	if (grp->foreign)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n,
				      " --add '%s:" FOREIGN_ARCHIVE "' --run '/root/uz-vmcheck "
				      "--objs /root/objs --archive " FOREIGN_ARCHIVE " proctop; "
				      "echo UZ-FOREIGN-EXIT $?; "
				      "/root/uz-vmcheck --objs /root/objs --blockdev %s'",
				      foreign, grp->blockdev);
	else
		snprintf(cmd + n, sizeof(cmd) - n,
			 " --run '/root/uz-vmcheck --objs /root/objs --blockdev %s'", grp->blockdev);
	snprintf(out, sizeof(out), "%s/uzvm-%s.out", g.work, tag);
	t0 = now_s();
	rc = run(cmd, out);
	p = slurp(out);
	printf("%s(uzvm exit %d after %.1f s)\n", p ? p : "", rc, now_s() - t0);
	fflush(stdout);
	free(p);

	snprintf(list, sizeof(list), "%s/%s/summary.tsv", g.work, tag);
	summary = slurp(list);
	if (!summary)
		fail_msg("uzvm wrote no %s", list);
	for (p = summary; *p;) {
		char *end = strchr(p, '\n'), kname[128], verdict[32], console[4096], bs[32], ts[32];
		struct kernel_run *k;

		if (end)
			*end = 0;
		if (*p && *p != '#' && sscanf(p, "%127s %31s %*s %31s %31s %4095s", kname, verdict,
					      bs, ts, console) == 5 && strcmp(kname, "kernel")) {
			assert_true(g.nk < MAX_KERNELS);
			k = &g.k[g.nk];
			snprintf(k->name, sizeof(k->name), "%s", kname);
			snprintf(k->verdict, sizeof(k->verdict), "%s", verdict);
			k->grp = grp;
			k->boot_s = atof(bs);
			k->total_s = atof(ts);
			k->console = slurp(console);
			if (!k->console)
				fail_msg("%s: no console log at %s", kname, console);
			g.nk++;
		}
		p = end ? end + 1 : p + strlen(p);
	}
	free(summary);
	if (g.nk == first)
		fail_msg("%s: uzvm reported no kernel", grp->list);
	for (n = first; n < g.nk; n++)
		host_types(&g.k[n]);
	if (rc)
		fail_msg("%s guests (%s): uzvm exit %d (logs in %s/%s)", grp->arch, grp->list, rc,
			 g.work, tag);
}

/* The GNU build id readelf reads from @path's notes ("" if none). */
static void readelf_build_id(const char *path, char *out, size_t sz)
{
	char cmd[4096], file[2048], *text;
	const char *p;

	snprintf(cmd, sizeof(cmd), "readelf -n '%s'", path);
	snprintf(file, sizeof(file), "%s/readelf-n.out", g.work);
	if (run(cmd, file))
		fail_msg("readelf -n %s failed", path);
	text = slurp(file);
	assert_non_null(text);
	out[0] = 0;
	/* "    Build ID: 0123..." */
	p = strstr(text, "Build ID: ");
	if (p)
		snprintf(out, sz, "%.*s", (int)strcspn(p + 10, "\r\n"), p + 10);
	free(text);
}

/*
 * A kernel without BTF: the guest took its types from the archive embedded
 * in uz-vmcheck, from the entry whose release is the booted kernel's and
 * whose build id is the booted kernel's (/sys/kernel/notes) and the -dbg
 * vmlinux's (readelf); every sample the checks started was relocated
 * against it (the runner says so); and before that, the archive of the
 * other no-BTF architecture (no entry for this kernel) was refused with
 * exit 3 and a message naming this kernel and that archive.
 */
static void assert_archive_entry(const struct kernel_run *k)
{
	char line[1024], want[1024], kbid[1024], rbid[256], vmlinux[2048];
	const char *p;
	size_t used = 0, n = strlen(k->name);

	if (!find_line(k->console, "UZ-KERNEL-BUILD-ID ", line, sizeof(line)))
		fail_msg("%s: no UZ-KERNEL-BUILD-ID line", k->name);
	snprintf(kbid, sizeof(kbid), "%s", line + 19);
	snprintf(vmlinux, sizeof(vmlinux), "%s/dbg/vmlinux-%s", g.cache, k->name);
	readelf_build_id(vmlinux, rbid, sizeof(rbid));
	if (!rbid[0])
		fail_msg("%s: readelf finds no build id in %s", k->name, vmlinux);
	if (strcmp(kbid, rbid))
		fail_msg("%s: the booted kernel's build id %s is not the -dbg vmlinux's %s (%s)",
			 k->name, kbid, rbid, vmlinux);
	snprintf(want, sizeof(want), "UZ-ARCHIVE embedded entry 1 of 1: release %s arch %s build-id %s",
		 k->name, !strcmp(k->grp->arch, "i386") ? "i686" : k->grp->arch, rbid);
	if (!find_line(k->console, "UZ-ARCHIVE embedded ", line, sizeof(line)))
		fail_msg("%s: no UZ-ARCHIVE line: the types did not come from the embedded archive",
			 k->name);
	print_message("%-32s %s\n", k->name, line);
	print_message("%-32s booted build id %s = readelf -n %s\n", k->name, kbid, vmlinux);
	assert_string_equal(line, want);
	/* each sample's relocation: "NAME: no kernel BTF: using the embedded archive (...)" */
	for (p = k->console; (p = strstr(p, ": no kernel BTF: using the embedded archive (")); p++) {
		const char *q = p + 45;

		if (strncmp(q, "btfgen archive entry 1 of 1: ", 29) || strncmp(q + 29, k->name, n) ||
		    q[29 + n] != ' ')
			fail_msg("%s: a sample was relocated against another entry: %.120s", k->name, p);
		used++;
	}
	print_message("%-32s %zu sample relocations used that entry\n", k->name, used);
	assert_true(used >= 7);

	snprintf(want, sizeof(want), "uz-vmcheck: archive " FOREIGN_ARCHIVE " has no types for "
		 "this kernel: the archive has no entry for the running kernel %s", k->name);
	if (!find_line(k->console, want, line, sizeof(line)))
		fail_msg("%s: the archive without this kernel (%s from the %s build) was not refused "
			 "with '%s...'", k->name, FOREIGN_ARCHIVE, k->grp->foreign, want);
	print_message("%-32s %s\n", k->name, line);
	if (!find_line(k->console, "UZ-FOREIGN-EXIT ", want, sizeof(want)) ||
	    strcmp(want + 16, NO_ENTRY_EXIT))
		fail_msg("%s: uz-vmcheck with an archive lacking the kernel: '%s', want exit "
			 NO_ENTRY_EXIT, k->name, want);
}

/* What the guest says it relocated against, and whether its kernel has BTF. */
static void assert_target_line(const struct kernel_run *k)
{
	char line[512], want[256];

	if (!find_line(k->console, "UZ-TARGET ", line, sizeof(line)))
		fail_msg("%s: no UZ-TARGET line", k->name);
	if (k->grp->foreign)
		snprintf(want, sizeof(want), "UZ-TARGET embedded-archive:%s kernel-btf=absent",
			 k->name);
	else
		snprintf(want, sizeof(want), "UZ-TARGET /sys/kernel/btf/vmlinux kernel-btf=present");
	print_message("%-32s %s\n", k->name, line + 10);
	assert_string_equal(line, want);
	if (k->grp->foreign)
		assert_archive_entry(k);
}

static void test_kernels(void **state)
{
	char cmd[4096], out[2048], line[512];
	struct utsname uts;
	double t0;
	int rc;
	size_t i;

	(void)state;
	if (geteuid() != 0)
		fail_msg("the vm tier loads BPF programs (host and guests) and needs root");

	/* The running kernel, same binary, same objects. */
	assert_int_equal(uname(&uts), 0);
	snprintf(g.k[0].name, sizeof(g.k[0].name), "%s", uts.release);
	snprintf(out, sizeof(out), "%s/host.console", g.work);
	snprintf(cmd, sizeof(cmd), "'%s/tests/vm/uz-vmcheck' --objs '%s/samples:%s/tests/checks'",
		 g.build, g.build, g.build);
	rc = run(cmd, out);
	g.k[0].console = slurp(out);
	assert_non_null(g.k[0].console);
	if (rc)
		fail_msg("running kernel %s: uz-vmcheck exited %d:\n%s", g.k[0].name, rc,
			 g.k[0].console);
	assert_checks_passed(&g.k[0]);
	assert_fallback_path(&g.k[0]);
	collect_offsets(g.k[0].console, 0);
	g.nk = 1;

	/* Every guest group under qemu. */
	t0 = now_s();
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		run_group(&groups[i]);
	print_message("all guests: %.1f s\n", now_s() - t0);
	assert_true(g.nk >= 9);	/* the running kernel + eight guests */

	for (i = 1; i < g.nk; i++) {
		print_message("%-32s %-7s boot %5.1f s, total %5.1f s\n", g.k[i].name,
			      g.k[i].grp->arch, g.k[i].boot_s, g.k[i].total_s);
		if (strcmp(g.k[i].verdict, "PASS"))
			fail_msg("%s: verdict %s (console: %s)", g.k[i].name, g.k[i].verdict,
				 g.work);
		if (!find_line(g.k[i].console, "UZ-KERNEL ", line, sizeof(line)) ||
		    strcmp(line + 10, g.k[i].name))
			fail_msg("%s: the guest reports another kernel: %s", g.k[i].name, line);
		assert_target_line(&g.k[i]);
		assert_checks_passed(&g.k[i]);
		assert_fallback_path(&g.k[i]);
		collect_offsets(g.k[i].console, i);
	}
	print_table();
	for (i = 0; i < g.nk; i++)
		assert_guarded_branches(i);
	for (i = 1; i < g.nk; i++)
		assert_differs_from_x86(i);
	for (i = 1; i < g.nk; i++)
		assert_offsets_match_host(i);
}

/* uzvm on one kernel with extra options; returns its exit status and output. */
static int uzvm_one(const char *kernel, const char *opts, const char *tag, char **output,
		    double *secs)
{
	char cmd[8192], out[2048];
	double t0 = now_s();
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "'%s/tools/vm/uzvm' " ACCEL " --out '%s/%s' --add '%s/tests/vm/uz-vmcheck:/root/uz-vmcheck' "
		 "--add '%s/samples/dropmon.o:/root/objs/dropmon.o' %s '%s'",
		 g.src, g.work, tag, g.build, g.build, opts, kernel);
	snprintf(out, sizeof(out), "%s/%s.out", g.work, tag);
	rc = run(cmd, out);
	*secs = now_s() - t0;
	*output = slurp(out);
	assert_non_null(*output);
	printf("%s(exit %d after %.1f s)\n", *output, rc, *secs);
	fflush(stdout);
	return rc;
}

/* First kernel of tools/vm/kernels.list. */
static void first_kernel(char *buf, size_t sz)
{
	char path[2048], *text, *p;

	snprintf(path, sizeof(path), "%s/tools/vm/kernels.list", g.src);
	text = slurp(path);
	assert_non_null(text);
	for (p = strtok(text, "\n"); p; p = strtok(NULL, "\n")) {
		p += strspn(p, " \t");
		if (*p && *p != '#') {
			snprintf(buf, sz, "%s", p);
			buf[strcspn(buf, " \t#")] = 0;
			break;
		}
	}
	free(text);
	assert_true(buf[0] != 0);
}

static void assert_reported(const char *kernel, const char *output, const char *verdict,
			    const char *console_text)
{
	char rel[256];
	size_t n;

	if (!strstr(output, verdict))
		fail_msg("uzvm did not report %s:\n%s", verdict, output);
	/* linux-image-RELEASE[-unsigned] -> RELEASE */
	snprintf(rel, sizeof(rel), "%s", strncmp(kernel, "linux-image-", 12) ? kernel : kernel + 12);
	n = strlen(rel);
	if (n > 9 && !strcmp(rel + n - 9, "-unsigned"))
		rel[n - 9] = 0;
	if (!strstr(output, rel))
		fail_msg("uzvm's %s report does not name the kernel %s", verdict, rel);
	if (!strstr(output, console_text))
		fail_msg("uzvm's %s report does not show the console tail (expected '%s')",
			 verdict, console_text);
}

/*
 * One 6.1 guest (the first listed kernel) runs the tracepoint-only checks
 * relocated against its tracefs: they pass, and every value applied there
 * equals the host's relocation of the same object against that kernel's
 * BTF (6.1: sched_process_fork's parent_pid at 24, where 6.18 has 12).
 */
static void test_tracefs_guest(void **state)
{
	char kernel[512], opts[4096], rel[512], btf[2048], path[2048], line[512], want[512];
	char names[] = TRACEFS_CHECKS, *save = NULL, *name, *output, *console;
	size_t checked = 0, i;
	double secs;

	(void)state;
	first_kernel(kernel, sizeof(kernel));
	snprintf(opts, sizeof(opts),
		 "--timeout %d --add '%s/tests/checks/tpfork.o:/root/objs/tpfork.o' "
		 "--add '%s/samples/writesize.o:/root/objs/writesize.o' "
		 "--run '/root/uz-vmcheck --objs /root/objs --target /sys/kernel/tracing " TRACEFS_CHECKS "'",
		 GUEST_TIMEOUT, g.build, g.build);
	assert_int_equal(uzvm_one(kernel, opts, "tracefs", &output, &secs), 0);
	free(output);
	/* summary.tsv names the console of the attempt that counted */
	snprintf(path, sizeof(path), "%s/tracefs/summary.tsv", g.work);
	output = slurp(path);
	if (!output || !strchr(output, '\n') ||
	    sscanf(strchr(output, '\n') + 1, "%*s %*s %*s %*s %*s %2047s", btf) != 1)
		fail_msg("uzvm wrote no usable %s", path);
	free(output);
	console = slurp(btf);
	if (!console)
		fail_msg("no guest console at %s", btf);
	if (!find_line(console, "UZ-KERNEL ", line, sizeof(line)))
		fail_msg("the tracefs guest printed no UZ-KERNEL line");
	snprintf(rel, sizeof(rel), "%s", line + 10);
	assert_true(!strncmp(rel, "6.1.", 4));
	if (!find_line(console, "UZ-RESULT 2 0", line, sizeof(line)))
		fail_msg("%s: the tracefs checks did not all pass:\n%s", rel, console);
	/* the records came from tracefs: its per-event struct names */
	if (!strstr(console, " syscall_trace_enter___sys_enter_write.args[2] "))
		fail_msg("%s: writesize was not relocated against tracefs:\n%s", rel, console);
	snprintf(btf, sizeof(btf), "%s/btf/%s.btf", g.cache, rel);
	for (name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		struct uz_object *obj = NULL;
		struct uz_target *tgt = NULL;
		struct uz_relocation *r = NULL;
		struct uz_error err = { 0 };

		snprintf(want, sizeof(want), "UZ-CHECK %s PASS", name);
		if (!find_line(console, want, line, sizeof(line)))
			fail_msg("%s: %s did not pass from tracefs", rel, name);
		snprintf(path, sizeof(path), "%s/%s/%s.o", g.build, obj_dir(name), name);
		assert_int_equal(uz_object_open(path, NULL, &obj, &err), 0);
		if (uz_target_load(btf, NULL, &tgt, &err))
			fail_msg("%s: %s", btf, err.msg);
		assert_int_equal(uz_object_relocate(obj, tgt, NULL, &r, &err), 0);
		for (i = 0; i < uz_relocation_record_cnt(r); i++) {
			const struct uz_record *rec = uz_relocation_record(r, i);
			const char *v;

			snprintf(want, sizeof(want), "UZ-OFFSET %s %s %s ", name, uz_kind_name(rec->kind),
				 rec->spec);
			if (!find_line(console, want, line, sizeof(line)))
				fail_msg("%s: the tracefs guest printed no '%s'", rel, want);
			v = strrchr(line, ' ') + 1;
			if (strtoull(v, NULL, 10) != rec->new_value)
				fail_msg("%s: %s applied %s from tracefs, the host computes %llu from %s",
					 rel, want, v, (unsigned long long)rec->new_value, btf);
			checked++;
		}
		uz_relocation_free(r);
		uz_target_free(tgt);
		uz_object_free(obj);
	}
	print_message("%-32s tracefs only: %s passed, %zu applied values equal the host's relocation of %s (%.1f s)\n",
		      rel, TRACEFS_CHECKS, checked, btf, secs);
	free(console);
}

static void test_guest_checks_fail(void **state)
{
	char kernel[512], *output;
	double secs;

	(void)state;
	first_kernel(kernel, sizeof(kernel));
	assert_int_equal(uzvm_one(kernel, "--timeout 240 --run "
				  "'/root/uz-vmcheck --objs /root/objs --perturb dropmon dropmon'",
				  "fail", &output, &secs), 1);
	assert_reported(kernel, output, "FAIL", "UZ-CHECK dropmon FAIL");
	assert_true(secs < 2 * 240 + 30);
	free(output);
}

static void test_guest_hangs(void **state)
{
	char kernel[512], opts[256], *output;
	double secs;

	(void)state;
	first_kernel(kernel, sizeof(kernel));
	snprintf(opts, sizeof(opts), "--timeout %d --run 'echo uz-hang-start; sleep 100000'",
		 HANG_TIMEOUT);
	assert_int_equal(uzvm_one(kernel, opts, "hang", &output, &secs), 1);
	assert_reported(kernel, output, "HANG", "uz-hang-start");
	/* Killed at the bound (plus host-side start-up), not later. */
	assert_true(secs < HANG_TIMEOUT + 30);
	free(output);
}

static void test_boot_fails(void **state)
{
	char kernel[512], *output;
	double secs;

	(void)state;
	first_kernel(kernel, sizeof(kernel));
	/* No init in the initramfs: the kernel panics before the guest runs. */
	assert_int_equal(uzvm_one(kernel, "--timeout 120 --retries 1 --append "
				  "'rdinit=/no-such-init' --run true", "bootfail", &output, &secs), 1);
	assert_reported(kernel, output, "BOOT-FAIL", "Kernel panic");
	assert_true(secs < 2 * 120 + 30);
	free(output);
}

static int setup(void **state)
{
	const char *src = getenv("UZ_SRC"), *build = getenv("UZ_BUILD"), *cache = getenv("UZ_CACHE");
	char cmd[4096];

	(void)state;
	if (!src || !build || !cache) {
		fprintf(stderr, "UZ_SRC, UZ_BUILD and UZ_CACHE must be set (ctest sets them)\n");
		return -1;
	}
	snprintf(g.src, sizeof(g.src), "%s", src);
	snprintf(g.build, sizeof(g.build), "%s", build);
	snprintf(g.cache, sizeof(g.cache), "%s", cache);
	/* Logs of the last run stay in the build tree for inspection. */
	snprintf(g.work, sizeof(g.work), "%s/tests/vm/last-run", build);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", g.work, g.work);
	if (system(cmd)) {
		fprintf(stderr, "cannot create %s\n", g.work);
		return -1;
	}
	fprintf(stderr, "vm tier: consoles and logs in %s\n", g.work);
	g.rows = calloc(MAX_ROWS, sizeof(*g.rows));
	return g.rows ? 0 : -1;
}

static int teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i <= MAX_KERNELS; i++)
		free(g.k[i].console);
	free(g.rows);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernels),
		cmocka_unit_test(test_tracefs_guest),
		cmocka_unit_test(test_guest_checks_fail),
		cmocka_unit_test(test_guest_hangs),
		cmocka_unit_test(test_boot_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
