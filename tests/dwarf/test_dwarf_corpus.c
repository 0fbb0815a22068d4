/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DWARF targets on real Debian debug vmlinux files (label corpus).
 *
 *   test_dwarf_corpus two RELEASE     the vmlinux carries .BTF and DWARF:
 *       every record of every object relocated from DWARF equals the one
 *       from its BTF (values, results, target specs, instructions), except
 *       target_type_id, poisoned from DWARF; the layouts of >= 300
 *       commonly traced structs are the same in both.
 *   test_dwarf_corpus pahole RELEASE  no BTF: the same against the BTF
 *       that pahole -J made of the same file (the dwarf_fetch fixture).
 *   Both also build the name index of the file both ways (section bytes,
 *       libdw) and require the same result.
 *   test_dwarf_corpus matrix RELEASE  one `userize matrix` run over the
 *       samples with the DWARF-only vmlinux, pahole's BTF of it and an amd64
 *       kernel's BTF mixed: the DWARF column equals pahole's.
 *   test_dwarf_corpus stripped RELEASE  the fixture's stripped copy of the
 *       vmlinux (no BTF, no DWARF): the one message naming both.
 *   test_dwarf_corpus running RELEASE  the vmlinux as the running kernel's
 *       debug file in a private mount namespace (root): used when the build
 *       ids agree, refused naming both when they do not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "dw_test.h"

static const char *release, *mode;

/* Every object the project relocates: samples, test objects, benchmark. */
static const char *const objects[] = {
	"samples/dropmon.o", "samples/lo_filter.o", "samples/writesize.o",
	"samples/iolatency.o", "samples/proctop.o",
	"samples/bpfeb/dropmon.o", "samples/bpfeb/lo_filter.o", "samples/bpfeb/writesize.o",
	"samples/bpfeb/iolatency.o", "samples/bpfeb/proctop.o",
	"tests/bpf/ambig.o", "tests/bpf/be.o", "tests/bpf/direct.o", "tests/bpf/fields.o",
	"tests/bpf/types.o", "tests/reloc/reloc_basic.o", "tests/matrix/matrix_prog.o",
	"tests/matrix/matrix_guarded.o", "tests/matrix/matrix_unguarded.o",
	"tests/views/views.o", "tests/checks/fallback.o", "tests/live/unguarded.o",
	"tools/bench/core_bench.o",
};

/* Commonly traced structs; the list is grown from them (see struct_names). */
static const char *const seeds[] = {
	"task_struct", "sk_buff", "sock", "net_device", "file", "inode", "dentry",
	"mm_struct", "request", "bio", "cred", "super_block", "vm_area_struct", "page",
	"socket", "sock_common", "tcp_sock", "inet_sock", "udp_sock", "msghdr", "iov_iter",
	"path", "vfsmount", "mount", "files_struct", "fdtable", "nsproxy", "pid_namespace",
	"pid", "signal_struct", "sighand_struct", "rq", "cfs_rq", "sched_entity",
	"request_queue", "gendisk", "block_device", "bio_vec", "bvec_iter", "blk_mq_hw_ctx",
	"cgroup", "css_set", "cgroup_subsys_state", "kernfs_node", "address_space",
	"linux_binprm", "pt_regs", "trace_event_raw_sys_enter", "qstr", "timespec64",
	"list_head", "hlist_node", "rb_node", "sk_buff_head", "napi_struct", "netdev_queue",
	"nf_conn", "xdp_buff", "bpf_prog", "bpf_map", "perf_event", "kiocb", "seq_file",
	"user_namespace", "net", "ns_common", "uts_namespace", "tty_struct", "irq_desc",
};

#define MAX_NAMES 360

/* Seeds, then breadth-first every named struct or union their members
 * reach (by value, through pointers and arrays) in @b, until MAX_NAMES. */
static size_t struct_names(const struct btf *b, const char **out)
{
	size_t n = 0, i, k;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		if (btf__find_by_name_kind(b, seeds[i], BTF_KIND_STRUCT) > 0)
			out[n++] = seeds[i];
	for (i = 0; i < n && n < MAX_NAMES; i++) {
		int id = btf__find_by_name_kind(b, out[i], BTF_KIND_STRUCT);
		const struct btf_type *t;
		const struct btf_member *m;
		uint16_t j;

		if (id <= 0)
			id = btf__find_by_name_kind(b, out[i], BTF_KIND_UNION);
		t = btf__type_by_id(b, (uint32_t)id);
		m = btf_members(t);
		for (j = 0; j < btf_vlen(t) && n < MAX_NAMES; j++, m++) {
			const struct btf_type *mt = btf__type_by_id(b, m->type);
			const char *nm;
			int steps = 0;

			while (mt && steps++ < 16 && (btf_is_mod(mt) || btf_is_typedef(mt) ||
						     btf_is_ptr(mt) || btf_is_array(mt)))
				mt = btf__type_by_id(b, btf_is_array(mt) ? btf_array(mt)->type : mt->type);
			if (!mt || !btf_is_composite(mt) || !btf_vlen(mt))
				continue;
			nm = btf__name_by_offset(b, mt->name_off);
			if (!*nm)
				continue;
			for (k = 0; k < n && strcmp(out[k], nm); k++)
				;
			if (k == n)
				out[n++] = nm;
		}
	}
	return n;
}

static void test_dwarf(void **state)
{
	char vm[512], ref_path[600], obj[512];
	const char *names[MAX_NAMES];
	struct uz_target *ref, *dw;
	struct dw_cmp c = { 0 };
	struct dw_layout_cmp lc = { 0 };
	size_t i, n;

	(void)state;
	dw_vmlinux(release, vm, sizeof(vm));
	if (!strcmp(mode, "two")) {
		ref = dw_load(vm, UZ_SOURCE_BTF, NULL, 0);
	} else {
		struct stat st;

		snprintf(ref_path, sizeof(ref_path), "%s.pahole.btf", vm);
		if (stat(ref_path, &st)) {
			fprintf(stderr, "missing %s: the dwarf_fetch fixture makes it\n", ref_path);
			fail();
		}
		ref = dw_load(ref_path, UZ_SOURCE_BTF, NULL, 0);
	}
	n = struct_names(uz_target_btf(ref), names);
	assert_true(n >= 300);
	/* Auto must pick DWARF only where there is no BTF. */
	dw = dw_load(vm, !strcmp(mode, "two") ? UZ_SOURCE_DWARF : 0, names, n);
	assert_int_equal(uz_target_provenance(dw)->source, UZ_SOURCE_DWARF);
	assert_string_equal(uz_target_provenance(dw)->release, release);
	assert_int_equal(uz_target_provenance(dw)->pointer_size,
			 strstr(release, "686") ? 4 : 8);
	assert_int_equal(uz_target_provenance(dw)->big_endian, strstr(release, "s390x") != NULL);
	dw_compare_layouts(uz_target_btf(ref), uz_target_btf(dw), names, n, &lc);
	printf("%s: structs %zu, members compared %zu (signedness not encoded by the reference BTF: %zu), mismatches %zu\n",
	       release, lc.structs, lc.members, lc.sign_unknown, lc.mismatches);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		dw_compare_object(dw_build_file(objects[i], obj, sizeof(obj)), ref, dw, &c);
	printf("%s: objects %zu, records %zu (target_type_id poisoned from DWARF: %zu), instructions %zu, mismatches %zu\n",
	       release, sizeof(objects) / sizeof(objects[0]), c.records, c.kind7, c.insns,
	       c.mismatches);
	assert_int_equal(lc.mismatches, 0);
	assert_int_equal(c.mismatches, 0);
	assert_true(c.kind7 > 0);
	uz_target_free(dw);
	uz_target_free(ref);
}

#define MAX_ROWS 4096

struct row {
	char key[512], val[512];
};

/* CSV rows of kernel @kernel: key object,section,insn,kind,spec; value
 * result,value,target_spec. target_type_id rows are left out. */
static size_t rows_of(const char *csv, const char *kernel, struct row *out)
{
	const char *l = csv;
	size_t n = 0, kl = strlen(kernel);

	while (l && *l) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);

		if (len > kl && !strncmp(l, kernel, kl) && l[kl] == ',' && n < MAX_ROWS) {
			char line[1024], *f[9], *p = line;
			int k = 0;

			snprintf(line, sizeof(line), "%.*s", (int)len, l);
			while (k < 9 && (f[k] = strsep(&p, ",")))
				k++;
			assert_int_equal(k, 9);
			if (strcmp(f[4], "target_type_id")) {
				snprintf(out[n].key, sizeof(out[n].key), "%s,%s,%s,%s,%s", f[1], f[2], f[3], f[4], f[5]);
				snprintf(out[n].val, sizeof(out[n].val), "%s,%s,%s", f[6], f[7], f[8]);
				n++;
			}
		}
		l = e ? e + 1 : NULL;
	}
	return n;
}

static void test_matrix(void **state)
{
	static struct row a[MAX_ROWS], b[MAX_ROWS], c[MAX_ROWS];
	char vm[512], amd[512], cmd[4096], obj[512], name_a[600], name_b[600];
	const char *cli = getenv("UZ_CLI");
	size_t len = 0, cap = 1 << 20, na, nb, nc, i, k;
	char *csv = malloc(cap);
	FILE *p;
	int st;

	(void)state;
	assert_non_null(cli);
	assert_non_null(csv);
	dw_vmlinux(release, vm, sizeof(vm));
	dw_vmlinux("6.1.0-56-cloud-amd64", amd, sizeof(amd));
	len = (size_t)snprintf(cmd, sizeof(cmd), "%s matrix --csv --no-group", cli);
	for (i = 0; i < 5; i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " %s",
					dw_build_file(objects[i], obj, sizeof(obj)));
	snprintf(cmd + len, sizeof(cmd) - len, " --targets %s %s.pahole.btf %s", vm, vm, amd);
	p = popen(cmd, "r");
	assert_non_null(p);
	len = 0;
	while ((i = fread(csv + len, 1, cap - len - 1, p)) > 0) {
		len += i;
		if (cap - len < 2) {
			cap *= 2;
			csv = realloc(csv, cap);
			assert_non_null(csv);
		}
	}
	csv[len] = 0;
	st = pclose(p);
	assert_int_equal(WEXITSTATUS(st), 0);
	/* kernels are named by release (the file names here: vmlinux-RELEASE) */
	snprintf(name_a, sizeof(name_a), "%s", release);
	snprintf(name_b, sizeof(name_b), "%s.pahole", release);
	na = rows_of(csv, name_a, a);
	nb = rows_of(csv, name_b, b);
	nc = rows_of(csv, "6.1.0-56-cloud-amd64", c);
	printf("matrix: %zu rows from DWARF, %zu from pahole's BTF, %zu from amd64 BTF\n", na, nb, nc);
	assert_true(na > 100);
	assert_int_equal(na, nb);
	assert_int_equal(na, nc);
	for (i = 0, k = 0; i < na; i++) {
		assert_string_equal(a[i].key, b[i].key);
		if (strcmp(a[i].val, b[i].val)) {
			fprintf(stderr, "%s: DWARF %s, pahole %s\n", a[i].key, a[i].val, b[i].val);
			k++;
		}
	}
	assert_int_equal(k, 0);
	free(csv);
}

static void test_stripped(void **state)
{
	const char *c = getenv("UZ_CACHE");
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	char path[512], msg[1024];
	struct stat st;

	(void)state;
	assert_non_null(c);
	snprintf(path, sizeof(path), "%s/dbg/stripped-vmlinux-%s", c, release);
	if (stat(path, &st)) {
		fprintf(stderr, "missing %s: the dwarf_fetch fixture makes it\n", path);
		fail();
	}
	assert_int_not_equal(uz_target_load(path, NULL, &t, &err), 0);
	snprintf(msg, sizeof(msg), "%s: no BTF and no DWARF: a stripped vmlinux? use the -dbg package's /usr/lib/debug/boot/vmlinux-RELEASE",
		 path);
	assert_string_equal(err.msg, msg);
}

/*
 * In a child, in a private mount namespace: a tmpfs over /usr/lib/debug
 * with @vm bound at boot/vmlinux-$(uname -r), where the lookup of the
 * running kernel's debug file looks; with @notes, that file's own ELF
 * notes bound over /sys/kernel/notes (the running kernel's build id as the
 * lookup reads it). Then the running kernel is loaded from DWARF only:
 * the provenance and task_struct's size go to @out as "PATH BUILDID SIZE",
 * or the error message.
 */
static void running_child(const char *vm, const char *notes, int out)
{
	struct uz_target_opts o = { .sz = sizeof(o), .sources = UZ_SOURCE_DWARF };
	const char *name = "task_struct";
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	char path[512], line[1200];
	struct utsname u;
	int fd, id;

	if (uname(&u) || unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/usr/lib/debug", "tmpfs", 0, NULL) ||
	    mkdir("/usr/lib/debug/boot", 0755))
		_exit(10);
	snprintf(path, sizeof(path), "/usr/lib/debug/boot/vmlinux-%s", u.release);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || close(fd) || mount(vm, path, NULL, MS_BIND, NULL))
		_exit(11);
	if (notes && mount(notes, "/sys/kernel/notes", NULL, MS_BIND, NULL))
		_exit(12);
	if (uz_target_load(NULL, &o, &t, &err)) {
		snprintf(line, sizeof(line), "error: %s", err.msg);
	} else if (uz_target_need_types(t, &name, 1, &err)) {
		snprintf(line, sizeof(line), "need: %s", err.msg);
	} else {
		id = btf__find_by_name_kind(uz_target_btf(t), "task_struct", BTF_KIND_STRUCT);
		snprintf(line, sizeof(line), "%s %s %s %u", uz_target_provenance(t)->path,
			 uz_target_provenance(t)->build_id,
			 uz_source_kind_name(uz_target_provenance(t)->source),
			 id > 0 ? btf__type_by_id(uz_target_btf(t), (uint32_t)id)->size : 0);
	}
	if (write(out, line, strlen(line)) < 0)
		_exit(13);
	_exit(0);
}

/* The GNU build id note of a raw notes file (native byte order), as hex. */
static void notes_build_id(const char *path, char *out, size_t sz)
{
	uint8_t buf[4096];
	size_t off = 0, n;
	int fd = open(path, O_RDONLY);
	ssize_t r;

	out[0] = 0;
	assert_true(fd >= 0);
	r = read(fd, buf, sizeof(buf));
	close(fd);
	assert_true(r > 0);
	n = (size_t)r;
	while (off + 12 <= n) {
		uint32_t nsz, dsz, type;
		size_t i, name_off = off + 12, desc_off;

		memcpy(&nsz, buf + off, 4);
		memcpy(&dsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		desc_off = name_off + ((nsz + 3) & ~3u);
		if (desc_off + dsz > n)
			return;
		if (type == 3 && nsz == 4 && !memcmp(buf + name_off, "GNU", 4) && dsz * 2 < sz) {
			for (i = 0; i < dsz; i++)
				snprintf(out + 2 * i, 3, "%02x", buf[desc_off + i]);
			return;
		}
		off = desc_off + ((dsz + 3) & ~3u);
	}
}

static void run_running(const char *vm, const char *notes, char *got, size_t sz)
{
	int fd[2], st;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fd[0]);
		running_child(vm, notes, fd[1]);
	}
	close(fd[1]);
	n = read(fd[0], got, sz - 1);
	got[n > 0 ? n : 0] = 0;
	close(fd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fprintf(stderr, "child: status 0x%x (10-13: namespace setup failed)\n", st);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/*
 * The running kernel's debug vmlinux, found where the lookup looks
 * (/usr/lib/debug/boot/vmlinux-RELEASE) in a private mount namespace: a
 * real debug vmlinux of another release put there is used when the
 * running kernel's build id (its notes, bound over /sys/kernel/notes from
 * the same file) is the file's; with this machine's real notes (another
 * build) it is refused with the message naming both build ids.
 */
static void test_running(void **state)
{
	char vm[512], notes[600], cmd[1400], got[2048], want[2048], path[512];
	char rel[65], bid_run[128] = "", bid_file[128] = "";
	const struct btf *b;
	struct uz_target *ref;
	struct utsname u;
	FILE *f;
	int id;

	(void)state;
	assert_int_equal(geteuid(), 0); /* the corpus tier runs as root here */
	assert_int_equal(uname(&u), 0);
	snprintf(rel, sizeof(rel), "%s", u.release);
	snprintf(path, sizeof(path), "/usr/lib/debug/boot/vmlinux-%s", rel);
	dw_vmlinux(release, vm, sizeof(vm));
	snprintf(notes, sizeof(notes), "/tmp/uz-running-notes.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "objcopy -O binary --only-section=.notes %s %s", vm, notes);
	assert_int_equal(system(cmd), 0);
	/* build ids by readelf, the independent reader */
	snprintf(cmd, sizeof(cmd), "readelf -n %s | awk '/Build ID/ {print $3; exit}'", vm);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(bid_file, sizeof(bid_file), f));
	pclose(f);
	bid_file[strcspn(bid_file, "\n")] = 0;
	notes_build_id("/sys/kernel/notes", bid_run, sizeof(bid_run));
	assert_true(strlen(bid_file) == 40);
	assert_true(strlen(bid_run) == 40);
	assert_string_not_equal(bid_file, bid_run);
	ref = dw_load(vm, UZ_SOURCE_BTF, NULL, 0);
	b = uz_target_btf(ref);
	id = btf__find_by_name_kind(b, "task_struct", BTF_KIND_STRUCT);
	assert_true(id > 0);

	run_running(vm, notes, got, sizeof(got));
	snprintf(want, sizeof(want), "%s %s dwarf %u", path, bid_file,
		 btf__type_by_id(b, (uint32_t)id)->size);
	printf("running kernel, matching build id: %s\n", got);
	assert_string_equal(got, want);

	run_running(vm, NULL, got, sizeof(got));
	snprintf(want, sizeof(want), "error: %s: build id %s, but the running kernel %s has build id %s: the debug vmlinux of another build; install the -dbg package of the running kernel's exact version, or give a target",
		 path, bid_file, rel, bid_run);
	printf("running kernel, another build: %s\n", got);
	assert_string_equal(got, want);
	unlink(notes);
	uz_target_free(ref);
}

/* The fast index reader on the whole file: what libdw's walk gives. */
static void test_index(void **state)
{
	char vm[512];

	(void)state;
	assert_true(dw_compare_index(dw_vmlinux(release, vm, sizeof(vm)), true) > 100000);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest dwarf[] = { cmocka_unit_test(test_dwarf), cmocka_unit_test(test_index) };
	const struct CMUnitTest matrix[] = { cmocka_unit_test(test_matrix) };
	const struct CMUnitTest stripped[] = { cmocka_unit_test(test_stripped) };
	const struct CMUnitTest running[] = { cmocka_unit_test(test_running) };

	if (argc != 3) {
		fprintf(stderr, "usage: %s two|pahole|matrix|stripped|running RELEASE\n", argv[0]);
		return 2;
	}
	mode = argv[1];
	release = argv[2];
	if (!strcmp(mode, "two") || !strcmp(mode, "pahole"))
		return cmocka_run_group_tests(dwarf, NULL, NULL);
	if (!strcmp(mode, "matrix"))
		return cmocka_run_group_tests(matrix, NULL, NULL);
	if (!strcmp(mode, "stripped"))
		return cmocka_run_group_tests(stripped, NULL, NULL);
	if (!strcmp(mode, "running"))
		return cmocka_run_group_tests(running, NULL, NULL);
	fprintf(stderr, "%s: unknown mode '%s'\n", argv[0], mode);
	return 2;
}
