/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The hostile input catalogue (unit tier), each case with the exact message
 * it must produce (docs/reloc.md "Hostile input"):
 *  - inputs that are not files: a directory, a FIFO, a socket, /dev/zero,
 *    /dev/null, a symbolic link loop, as object, target, archive and CLI
 *    input; refused at once (each call runs in a child killed after 5 s, a
 *    block is a failure, not a hang);
 *  - files that change size while read: a writer truncating and rewriting
 *    the object, a raw BTF target, an archive, and the mapped ones (an ELF
 *    with .BTF, a DWARF executable; through a held descriptor and by path)
 *    while they are loaded: each load is the whole file's result or a
 *    truncation error, never SIGBUS or a crash;
 *  - a real object (tests/reloc's reloc_basic.o) cut at every section and
 *    section header boundary, and each of its sections moved past the end or
 *    given an absurd size; its target's BTF cut at every type and string
 *    boundary; BTF type loops, self references, names outside the strings,
 *    absurd counts;
 *  - .BTF.ext records past their section, misaligned, in the middle of an
 *    ld_imm64, with negative, huge or 65-deep access strings, string and
 *    type ids out of range, an instruction whose value is not the local
 *    one's; absurd record sizes and counts;
 *  - btfgen archives whose header points outside the file or lies about
 *    its layout.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <gelf.h>
#include <zlib.h>

#include "uzt.h"
#include "btfgen/archive.h"
#include "btfgen/btfgen_ar.h"

static char dir[64], fifo[128], sock[128], loop[128], tbtf[128], arch[128], dwexe[128];
static uint8_t *obj;   /* BASIC_OBJ */
static size_t obj_len;

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void put(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096], l2[128];
	int s;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/uz-hostile-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	snprintf(loop, sizeof(loop), "%s/loop", dir);
	snprintf(l2, sizeof(l2), "%s/loop2", dir);
	snprintf(tbtf, sizeof(tbtf), "%s/t.btf", dir);
	snprintf(arch, sizeof(arch), "%s/a.uzar", dir);
	if (mkfifo(fifo, 0600) || symlink("loop2", loop) || symlink("loop", l2))
		return -1;
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (strlen(sock) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	close(s); /* the socket file stays */
	/* the target's raw BTF and a btfgen archive, by the CLI */
	if (uzt_run(buf, sizeof(buf), "%s btf extract %s -q -o %s", UZ_CLI, TARGET_NEW, tbtf) ||
	    uzt_run(buf, sizeof(buf), "%s btfgen %s --targets %s --archive %s", UZ_CLI, BASIC_OBJ,
		    TARGET_NEW, arch)) {
		fprintf(stderr, "setup: %s\n", buf);
		return -1;
	}
	/* a small executable with DWARF (gcc -g), for the DWARF reader */
	snprintf(dwexe, sizeof(dwexe), "%s/dw", dir);
	snprintf(l2, sizeof(l2), "%s/dw.c", dir);
	{
		FILE *f = fopen(l2, "w");

		if (!f)
			return -1;
		fputs("struct hostile_dw { int a; long b; char c[3]; };\n"
		      "struct hostile_dw g;\nint main(void) { return g.a; }\n", f);
		fclose(f);
	}
	if (uzt_run(buf, sizeof(buf), "gcc -g -O0 -o %s %s", dwexe, l2)) {
		fprintf(stderr, "setup: gcc: %s\n", buf);
		return -1;
	}
	obj = slurp(BASIC_OBJ, &obj_len);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(obj);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- inputs that are not files, within a time bound --------------------- */

typedef int (*open_fn)(const char *path, struct uz_error *err);

static int open_object(const char *path, struct uz_error *err)
{
	struct uz_object *o = NULL;
	int r = uz_object_open(path, NULL, &o, err);

	uz_object_free(o);
	return r;
}

static int load_target(const char *path, struct uz_error *err)
{
	struct uz_target *t = NULL;
	int r = uz_target_load(path, NULL, &t, err);

	uz_target_free(t);
	return r;
}

static int open_archive(const char *path, struct uz_error *err)
{
	struct uz_archive *a = NULL;
	int r = uz_archive_open(path, &a, err);

	uz_archive_free(a);
	return r;
}

/* @fn(@path) in a child with a 5 s alarm: it must fail with exactly @want. */
static void bounded(open_fn fn, const char *what, const char *path, const char *want)
{
	char got[2048] = "";
	ssize_t n, off = 0;
	int p[2], st;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct uz_error err = { 0 };
		int r;

		close(p[0]);
		alarm(5);
		r = fn(path, &err);
		if (write(p[1], err.msg, strlen(err.msg)) < 0)
			_exit(3);
		_exit(r < 0 ? 0 : 1);
	}
	close(p[1]);
	while ((n = read(p[0], got + off, sizeof(got) - 1 - (size_t)off)) > 0)
		off += n;
	got[off] = 0;
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		fail_msg("%s of %s: killed by signal %d (%s)", what, path, WTERMSIG(st),
			 WTERMSIG(st) == SIGALRM ? "it blocked for 5 s" : "a crash");
	if (WEXITSTATUS(st) == 1)
		fail_msg("%s of %s succeeded", what, path);
	if (strcmp(got, want))
		fail_msg("%s of %s:\n  got  '%s'\n  want '%s'", what, path, got, want);
}

static void not_files(open_fn fn, const char *what, const char *dir_msg)
{
	char want[512];

	snprintf(want, sizeof(want), dir_msg, dir, dir);
	bounded(fn, what, dir, want);
	snprintf(want, sizeof(want), "'%s' is a FIFO (named pipe), not a regular file: refused, since reading it could block forever", fifo);
	bounded(fn, what, fifo, want);
	snprintf(want, sizeof(want), "'%s' is a socket, not a regular file", sock);
	bounded(fn, what, sock, want);
	bounded(fn, what, "/dev/zero", "'/dev/zero' is a character device, not a regular file");
	bounded(fn, what, "/dev/null", "'/dev/null' is a character device, not a regular file");
	snprintf(want, sizeof(want), "cannot open '%s': Too many levels of symbolic links", loop);
	bounded(fn, what, loop, want);
}

static void test_not_files(void **state)
{
	(void)state;
	not_files(open_object, "uz_object_open", "'%s' is a directory, not a file");
	not_files(open_archive, "uz_archive_open", "'%s' is a directory, not a file");
	/* a directory may be a tracefs copy, so it is looked into first */
	not_files(load_target, "uz_target_load",
		  "%s: is a directory without events/SYS/EVENT/format files: not a tracefs mount (unmounted? mount -t tracefs nodev /sys/kernel/tracing) or a copy of its events/ tree");
}

/* The CLI, bounded by timeout(1): exit 2 and exactly @want (stdout+stderr). */
static void cli_refuses(const char *args, const char *want)
{
	char buf[4096];
	int rc = uzt_run(buf, sizeof(buf), "timeout 10 %s %s", UZ_CLI, args);

	if (rc == 124)
		fail_msg("userize %s blocked for 10 s", args);
	if (rc != 2 || strcmp(buf, want))
		fail_msg("userize %s: exit %d\n  got  '%s'\n  want '%s'", args, rc, buf, want);
}

static void test_not_files_cli(void **state)
{
	const char *paths[] = { fifo, sock, "/dev/zero", "/dev/null" };
	const char *whats[] = {
		"a FIFO (named pipe), not a regular file: refused, since reading it could block forever",
		"a socket, not a regular file", "a character device, not a regular file",
		"a character device, not a regular file" };
	char args[1024], want[1024];
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(args, sizeof(args), "reloc %s --target %s -o %s/o.o", paths[i], TARGET_NEW, dir);
		snprintf(want, sizeof(want), "userize: '%s' is %s\n", paths[i], whats[i]);
		cli_refuses(args, want);
		snprintf(args, sizeof(args), "reloc %s --target %s -o %s/o.o", BASIC_OBJ, paths[i], dir);
		snprintf(want, sizeof(want), "userize: target: '%s' is %s\n", paths[i], whats[i]);
		cli_refuses(args, want);
		snprintf(args, sizeof(args), "btf extract %s -o %s/o.btf", paths[i], dir);
		snprintf(want, sizeof(want), "userize btf: '%s' is %s\n", paths[i], whats[i]);
		cli_refuses(args, want);
		snprintf(args, sizeof(args), "btf dump %s --list", paths[i]);
		snprintf(want, sizeof(want), "userize btf dump: '%s' is %s\n", paths[i], whats[i]);
		cli_refuses(args, want);
		snprintf(args, sizeof(args), "btfgen %s --targets %s -o %s/min", BASIC_OBJ, paths[i], dir);
		snprintf(want, sizeof(want), "userize btfgen: '%s' is %s\n", paths[i], whats[i]);
		cli_refuses(args, want);
	}
	snprintf(args, sizeof(args), "reloc %s --target %s -o %s/o.o", loop, TARGET_NEW, dir);
	snprintf(want, sizeof(want), "userize: cannot open '%s': Too many levels of symbolic links\n", loop);
	cli_refuses(args, want);
	assert_int_equal(access(fifo, F_OK), 0);
	snprintf(args, sizeof(args), "%s/o.o", dir);
	assert_int_equal(access(args, F_OK), -1); /* nothing written */
}

/* ---- files that change size while read ---------------------------------- */

/*
 * A child rewrites @path over and over: truncated to a random length (through
 * its own descriptor), then the whole @data again, in place. Meanwhile @fn
 * loads it @n times: each load is the whole file's result (@check) or fails
 * with one of the truncation messages @ok (prefixes), never a crash. A read
 * racing the rewrite can also see a torn page (bytes the writer has not
 * copied yet read as zeros) that a later check of the parser catches with
 * its own message: that is still an error naming the file, counted apart;
 * a load that succeeds with another result than the whole file's, an error
 * not naming the file, or a crash fails the test.
 */
static void flapping(const char *path, const uint8_t *data, size_t len, open_fn fn,
		     const char *const *ok, size_t nok, int n, bool by_path)
{
	pid_t w = fork();
	int i, good = 0, cut = 0, torn = 0, st;

	assert_true(w >= 0);
	if (!w) {
		int fd = by_path ? -1 : open(path, O_WRONLY);
		unsigned int seed = 7;

		for (;;) {
			/*
			 * Cut for a while, then whole for a while. Through one
			 * descriptor held open, or by path (truncate(), then
			 * open, write, close): a reader that maps the file
			 * holds a lease that makes the truncation wait.
			 */
			if (by_path ? truncate(path, (off_t)(rand_r(&seed) % len)) :
				      ftruncate(fd, (off_t)(rand_r(&seed) % len)))
				_exit(1);
			usleep(rand_r(&seed) % 200);
			if (by_path)
				fd = open(path, O_WRONLY);
			if (pwrite(fd, data, len, 0) != (ssize_t)len)
				_exit(1);
			if (by_path)
				close(fd);
			usleep(rand_r(&seed) % 200);
		}
	}
	for (i = 0; i < n; i++) {
		struct uz_error err = { 0 };
		size_t k;

		if (!fn(path, &err)) {
			good++;
			continue;
		}
		for (k = 0; k < nok && strncmp(err.msg, ok[k], strlen(ok[k])); k++)
			;
		if (k == nok && strstr(err.msg, "changed while it was read ("))
			k = 0; /* fileio.c saw the size or change time move */
		if (getenv("UZ_HOSTILE_SHOW"))
			fprintf(stderr, "  %s\n", err.msg);
		if (k == nok && strstr(err.msg, path) && strncmp(err.msg, "loaded with", 11)) {
			torn++;
			continue;
		}
		if (k == nok) {
			kill(w, SIGKILL);
			fail_msg("load %d of %s while it changes: unexpected '%s'", i, path, err.msg);
		}
		cut++;
	}
	kill(w, SIGKILL);
	assert_int_equal(waitpid(w, &st, 0), w);
	put(path, data, len);
	assert_int_equal(fn(path, &(struct uz_error){ 0 }), 0);
	fprintf(stderr, "%s (%s): %d whole loads, %d truncation errors, %d other errors naming the file (torn reads)\n",
		path, by_path ? "truncated by path" : "through a descriptor", good, cut, torn);
}

/* The object loads with all its records, or not at all. */
static int open_object_whole(const char *path, struct uz_error *err)
{
	struct uz_object *o = NULL;
	int r = uz_object_open(path, NULL, &o, err);

	if (!r && uz_object_core_relo_cnt(o) != 11) {
		snprintf(err->msg, sizeof(err->msg), "loaded with %zu records", uz_object_core_relo_cnt(o));
		r = -EIO;
	}
	uz_object_free(o);
	return r;
}

static size_t tbtf_types;

static int load_target_whole(const char *path, struct uz_error *err)
{
	UZ_OPTS_INIT(uz_target_opts, to, .sources = UZ_SOURCE_BTF);
	struct uz_target *t = NULL;
	int r = uz_target_load(path, &to, &t, err);

	if (!r && (size_t)btf__type_cnt(uz_target_btf(t)) != tbtf_types) {
		snprintf(err->msg, sizeof(err->msg), "loaded with %u types", btf__type_cnt(uz_target_btf(t)));
		r = -EIO;
	}
	uz_target_free(t);
	return r;
}

/* A DWARF target converts struct hostile_dw with its three members. */
static int load_dwarf_whole(const char *path, struct uz_error *err)
{
	UZ_OPTS_INIT(uz_target_opts, to, .sources = UZ_SOURCE_DWARF);
	const char *names[] = { "hostile_dw" };
	struct uz_target *t = NULL;
	const struct btf *b;
	int r = uz_target_load(path, &to, &t, err), id;

	r = r ?: uz_target_need_types(t, names, 1, err);
	if (!r) {
		b = uz_target_btf(t);
		id = btf__find_by_name_kind(b, "hostile_dw", BTF_KIND_STRUCT);
		if (id <= 0 || btf_vlen(btf__type_by_id(b, (uint32_t)id)) != 3) {
			snprintf(err->msg, sizeof(err->msg), "converted without struct hostile_dw's 3 members");
			r = -EIO;
		}
	}
	uz_target_free(t);
	return r;
}

static int open_archive_whole(const char *path, struct uz_error *err)
{
	struct uz_archive *a = NULL;
	int r = uz_archive_open(path, &a, err);

	if (!r && uz_archive_entry_cnt(a) != 1) {
		snprintf(err->msg, sizeof(err->msg), "opened with %zu entries", uz_archive_entry_cnt(a));
		r = -EIO;
	}
	uz_archive_free(a);
	return r;
}

static void test_changing_size(void **state)
{
	char path[160], o_ok[3][300], t_ok[7][300], a_ok[2][300];
	const char *ook[3], *tok[7], *aok[2];
	struct btf *b;
	uint8_t *d;
	size_t len;
	int i;

	(void)state;
	snprintf(path, sizeof(path), "%s/flap.o", dir);
	put(path, obj, obj_len);
	snprintf(o_ok[0], sizeof(o_ok[0]), "%s: not an ELF file", path);
	snprintf(o_ok[1], sizeof(o_ok[1]), "%s: the section header table lies past the end of the file (", path);
	snprintf(o_ok[2], sizeof(o_ok[2]), "%s: not a 64-bit ELF object", path);
	for (i = 0; i < 3; i++)
		ook[i] = o_ok[i];
	flapping(path, obj, obj_len, open_object_whole, ook, 3, 300, false);

	b = btf__parse(tbtf, NULL);
	assert_non_null(b);
	tbtf_types = btf__type_cnt(b);
	btf__free(b);
	d = slurp(tbtf, &len);
	snprintf(path, sizeof(path), "%s/flap.btf", dir);
	put(path, d, len);
	snprintf(t_ok[0], sizeof(t_ok[0]), "%s: truncated BTF: its header puts", path);
	snprintf(t_ok[1], sizeof(t_ok[1]), "%s: no type source can read it", path);
	snprintf(t_ok[2], sizeof(t_ok[2]), "%s: raw BTF: ", path); /* "N bytes cannot hold a BTF header" */
	snprintf(t_ok[3], sizeof(t_ok[3]), "%s: not a kernel image, Debian package, ELF or BTF file", path);
	for (i = 0; i < 7; i++)
		tok[i] = t_ok[i];
	flapping(path, d, len, load_target_whole, tok, 4, 300, false);
	free(d);

	d = slurp(arch, &len);
	snprintf(path, sizeof(path), "%s/flap.uzar", dir);
	put(path, d, len);
	snprintf(a_ok[0], sizeof(a_ok[0]), "%s: truncated btfgen archive: ", path);
	snprintf(a_ok[1], sizeof(a_ok[1]), "%s: not a btfgen archive (no UZBTFAR header)", path);
	for (i = 0; i < 2; i++)
		aok[i] = a_ok[i];
	flapping(path, d, len, open_archive_whole, aok, 2, 300, false);
	free(d);

	/* mapped inputs: an ELF with .BTF (a vmlinux), a DWARF executable */
	b = btf__parse(TARGET_NEW, NULL);
	assert_non_null(b);
	tbtf_types = btf__type_cnt(b);
	btf__free(b);
	d = slurp(TARGET_NEW, &len);
	snprintf(path, sizeof(path), "%s/flap.vmlinux", dir);
	put(path, d, len);
	/* "ELF: truncated: the section header table ends at byte N" or
	 * "ELF: truncated: N bytes cannot hold the ELF header" */
	snprintf(t_ok[0], sizeof(t_ok[0]), "%s: ELF: truncated: ", path);
	snprintf(t_ok[1], sizeof(t_ok[1]), "%s: ELF: invalid ELF file data", path);
	snprintf(t_ok[2], sizeof(t_ok[2]), "%s: ELF: malformed header: invalid ELF file data", path);
	snprintf(t_ok[3], sizeof(t_ok[3]), "%s: not a kernel image, Debian package, ELF or BTF file", path);
	flapping(path, d, len, load_target_whole, tok, 4, 300, false);
	flapping(path, d, len, load_target_whole, tok, 4, 300, true);
	free(d);
	d = slurp(dwexe, &len);
	snprintf(path, sizeof(path), "%s/flap.dwarf", dir);
	put(path, d, len);
	snprintf(t_ok[0], sizeof(t_ok[0]), "%s: truncated: the ELF section headers end at byte ", path);
	snprintf(t_ok[1], sizeof(t_ok[1]), "%s: no type source can read it (allowed: dwarf)", path);
	snprintf(t_ok[2], sizeof(t_ok[2]), "%s: changed size while it was read (", path);
	snprintf(t_ok[3], sizeof(t_ok[3]), "%s: truncated: section ", path);
	/* read, not mapped, while a writer holds it open: when the size is
	 * back to whole by the second look, what the short reads made of it */
	snprintf(t_ok[4], sizeof(t_ok[4]), "%s: ELF section header unreadable: ", path);
	snprintf(t_ok[5], sizeof(t_ok[5]), "%s: not an ELF file (", path);
	snprintf(t_ok[6], sizeof(t_ok[6]), "%s: ELF section headers unreadable (", path);
	flapping(path, d, len, load_dwarf_whole, tok, 7, 100, false);
	flapping(path, d, len, load_dwarf_whole, tok, 7, 100, true);
	free(d);
}

/* ---- a real object cut and lied about ------------------------------------ */

static void expect_obj_error(const uint8_t *d, size_t len, const char *want)
{
	UZ_OPTS_INIT(uz_object_opts, oo, .name = "cut.o");
	struct uz_object *o = NULL;
	struct uz_error err = { 0 };

	if (!uz_object_open_mem(d, len, &oo, &o, &err))
		fail_msg("%zu bytes: opened (wanted '%s')", len, want);
	if (strcmp(err.msg, want))
		fail_msg("%zu bytes:\n  got  '%s'\n  want '%s'", len, err.msg, want);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Every section start and end, every section header, the ELF header. */
static void test_object_cut_everywhere(void **state)
{
	size_t cuts[512], n = 0, i, shnum, cnt = 0;
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	char want[256];

	(void)state;
	elf_version(EV_CURRENT);
	e = elf_memory((char *)obj, obj_len);
	assert_non_null(e);
	assert_non_null(gelf_getehdr(e, &eh));
	assert_int_equal(elf_getshdrnum(e, &shnum), 0);
	cuts[n++] = 0;
	cuts[n++] = 16;
	cuts[n++] = 63;
	cuts[n++] = 64;
	while ((scn = elf_nextscn(e, scn)) && n < 500) {
		assert_non_null(gelf_getshdr(scn, &sh));
		if (sh.sh_type == SHT_NOBITS)
			continue;
		cuts[n++] = sh.sh_offset;
		cuts[n++] = sh.sh_offset + sh.sh_size;
	}
	for (i = 0; i <= shnum && n < 510; i++)
		cuts[n++] = eh.e_shoff + i * eh.e_shentsize;
	elf_end(e);
	/* the section header table is last in a clang object: every cut loses it */
	assert_int_equal(eh.e_shoff + shnum * eh.e_shentsize, obj_len);
	qsort(cuts, n, sizeof(cuts[0]), cmp_size);
	for (i = 0; i < n; i++) {
		if (cuts[i] >= obj_len || (i && cuts[i] == cuts[i - 1]))
			continue;
		if (cuts[i] < 64)
			snprintf(want, sizeof(want), "cut.o: not an ELF file");
		else
			snprintf(want, sizeof(want), "cut.o: the section header table lies past the end of the file (%zu bytes): truncated?",
				 cuts[i]);
		expect_obj_error(obj, cuts[i], want);
		cnt++;
	}
	assert_true(cnt > 20);
	fprintf(stderr, "%zu distinct cuts of %s\n", cnt, BASIC_OBJ);
}

/* Each section in turn: its offset past the end, then an absurd size. */
static void test_object_sections_past_end(void **state)
{
	uint8_t *c = malloc(obj_len);
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	size_t shstrndx, cnt = 0;
	char want[512];

	(void)state;
	e = elf_memory((char *)obj, obj_len);
	assert_non_null(gelf_getehdr(e, &eh));
	assert_int_equal(elf_getshdrstrndx(e, &shstrndx), 0);
	while ((scn = elf_nextscn(e, scn))) {
		size_t ndx = elf_ndxscn(scn), at = eh.e_shoff + ndx * eh.e_shentsize;
		const char *name;
		uint64_t v;

		assert_non_null(gelf_getshdr(scn, &sh));
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_NOBITS || ndx == shstrndx)
			continue;
		memcpy(c, obj, obj_len);
		v = obj_len + 8;
		memcpy(c + at + offsetof(Elf64_Shdr, sh_offset), &v, 8);
		snprintf(want, sizeof(want), "cut.o: section '%s' [%llu, +%llu) lies past the end of the file (%zu bytes): truncated?",
			 name, (unsigned long long)v, (unsigned long long)sh.sh_size, obj_len);
		expect_obj_error(c, obj_len, want);
		memcpy(c, obj, obj_len);
		v = 1ull << 40;
		memcpy(c + at + offsetof(Elf64_Shdr, sh_size), &v, 8);
		snprintf(want, sizeof(want), "cut.o: section '%s' [%llu, +%llu) lies past the end of the file (%zu bytes): truncated?",
			 name, (unsigned long long)sh.sh_offset, (unsigned long long)v, obj_len);
		expect_obj_error(c, obj_len, want);
		cnt++;
	}
	elf_end(e);
	assert_true(cnt >= 8);
	free(c);
}

/* ---- BTF cut and lied about ---------------------------------------------- */

static void expect_btf_error(const void *d, size_t len, const char *want)
{
	UZ_OPTS_INIT(uz_target_opts, to, .name = "t.btf", .sources = UZ_SOURCE_BTF);
	struct uz_target *t = NULL;
	struct uz_error err = { 0 };

	if (!uz_target_load_mem(d, len, &to, &t, &err)) {
		uz_target_free(t);
		fail_msg("%zu bytes: loaded (wanted '%s')", len, want);
	}
	if (strcmp(err.msg, want))
		fail_msg("%zu bytes:\n  got  '%s'\n  want '%s'", len, err.msg, want);
}

/* An ELF target (a vmlinux with .BTF) cut inside its ELF header. */
static void test_elf_target_cut_header(void **state)
{
	size_t len, at;
	uint8_t *d = slurp(TARGET_NEW, &len);
	char want[256];

	(void)state;
	assert_true(len > sizeof(Elf64_Ehdr));
	for (at = 4; at < sizeof(Elf64_Ehdr); at++) {
		snprintf(want, sizeof(want), "t.btf: ELF: truncated: %zu bytes cannot hold the ELF header", at);
		expect_btf_error(d, at, want);
	}
	free(d);
}

/* The target's BTF cut at the header, every type record and every string. */
static void test_btf_cut_everywhere(void **state)
{
	size_t len, at, cnt = 0;
	uint8_t *d = slurp(tbtf, &len);
	struct btf_header h;
	struct btf *b = btf__new(d, (uint32_t)len);
	const uint8_t *first;
	uint32_t id, k;
	char want[512];

	(void)state;
	assert_non_null(b);
	memcpy(&h, d, sizeof(h));
	assert_int_equal(h.hdr_len + h.str_off + h.str_len, len); /* strings last */
	expect_btf_error(d, 0, "t.btf: not a kernel image, Debian package, ELF or BTF file (no known magic, no embedded BTF)");
	for (at = 4; at < 24; at++) {
		snprintf(want, sizeof(want), "t.btf: raw BTF: %zu bytes cannot hold a BTF header", at);
		expect_btf_error(d, at, want);
	}
	/* libbpf's reader gives every type's place in the type section */
	first = (const uint8_t *)btf__type_by_id(b, 1);
	for (id = 1; id <= btf__type_cnt(b); id++) {
		at = id < btf__type_cnt(b) ?
		     h.hdr_len + h.type_off + (size_t)((const uint8_t *)btf__type_by_id(b, id) - first) :
		     h.hdr_len + h.type_off + h.type_len;
		snprintf(want, sizeof(want), "t.btf: truncated BTF: its header puts the types at [%u, %u) and the strings at [%u, %u), past the %zu bytes there are",
			 h.hdr_len + h.type_off, h.hdr_len + h.type_off + h.type_len,
			 h.hdr_len + h.str_off, h.hdr_len + h.str_off + h.str_len, at);
		expect_btf_error(d, at, want);
		cnt++;
	}
	for (k = 0; k < h.str_len; k++) {
		if (d[h.hdr_len + h.str_off + k])
			continue;
		at = h.hdr_len + h.str_off + k + 1;
		if (at >= len)
			break;
		snprintf(want, sizeof(want), "t.btf: truncated BTF: its header puts the types at [%u, %u) and the strings at [%u, %u), past the %zu bytes there are",
			 h.hdr_len + h.type_off, h.hdr_len + h.type_off + h.type_len,
			 h.hdr_len + h.str_off, h.hdr_len + h.str_off + h.str_len, at);
		expect_btf_error(d, at, want);
		cnt++;
	}
	fprintf(stderr, "%zu cuts of %s's BTF at type and string boundaries\n", cnt, TARGET_NEW);
	btf__free(b);
	free(d);
}

static void expect_built_error(struct btf *b, const char *want)
{
	uint32_t len;
	const void *raw = btf__raw_data(b, &len);

	expect_btf_error(raw, len, want);
	btf__free(b);
}

static void test_btf_lies(void **state)
{
	struct btf *b;
	const void *raw;
	uint8_t *c;
	uint32_t len, v;
	size_t tl;

	(void)state;
	/* a struct holding itself by value */
	b = btf__new_empty();
	btf__add_struct(b, "s", 8);
	btf__add_field(b, "self", 1, 0, 0);
	expect_built_error(b, "t.btf: corrupt BTF: type [1] contains itself by value (through type [1])");
	/* a typedef loop a -> b -> a */
	b = btf__new_empty();
	btf__add_typedef(b, "a", 2);
	btf__add_typedef(b, "b", 1);
	expect_built_error(b, "t.btf: corrupt BTF: type [1] contains itself by value (through type [2])");
	/* const of itself */
	b = btf__new_empty();
	btf__add_const(b, 1);
	expect_built_error(b, "t.btf: corrupt BTF: type [1] contains itself by value (through type [1])");
	/* behind a pointer a struct may name itself: that is a list, not a loop */
	{
		UZ_OPTS_INIT(uz_target_opts, to, .sources = UZ_SOURCE_BTF);
		struct uz_target *t = NULL;
		struct uz_error err = { 0 };

		b = btf__new_empty();
		btf__add_struct(b, "node", 8);
		btf__add_field(b, "next", 2, 0, 0);
		btf__add_ptr(b, 1);
		raw = btf__raw_data(b, &len);
		assert_int_equal(uz_target_load_mem(raw, len, &to, &t, &err), 0);
		uz_target_free(t);
		btf__free(b);
	}
	/* an int of 3 bytes; a member of a type id past the end */
	b = btf__new_empty();
	btf__add_int(b, "int", 4, 0);
	btf__add_struct(b, "s", 8);
	btf__add_field(b, "x", 1, 0, 0);
	raw = btf__raw_data(b, &len);
	c = malloc(len);
	memcpy(c, raw, len);
	v = 3; /* hdr 24 + int head 12: the int's size is at 24 + 8 */
	memcpy(c + 24 + 8, &v, 4);
	expect_btf_error(c, len, "t.btf: corrupt BTF: type [1] is an int of invalid size (3)");
	memcpy(c, raw, len);
	v = 50000; /* the member's type: 24 + int 16 + struct head 12 + name 4 */
	memcpy(c + 24 + 16 + 12 + 4, &v, 4);
	expect_btf_error(c, len, "t.btf: corrupt BTF: type [2] has a member of an invalid type id (50000)");
	/* a name offset past the strings */
	memcpy(c, raw, len);
	v = 1u << 30;
	memcpy(c + 24, &v, 4);
	expect_btf_error(c, len, "t.btf: corrupt BTF: type [1] has a name offset outside the strings (1073741824)");
	/* an absurd member count: 65535 members in a 44-byte type section */
	memcpy(c, raw, len);
	v = (BTF_KIND_STRUCT << 24) | 0xffff;
	memcpy(c + 24 + 16 + 4, &v, 4);
	tl = 16 + 12 + 12;
	{
		char want[256];

		snprintf(want, sizeof(want), "t.btf: corrupt BTF: type [2] (kind 4, 65535 entries) needs 786432 bytes at byte 16 of the %zu-byte type section: an absurd count or a cut section",
			 tl);
		expect_btf_error(c, len, want);
	}
	/* an unknown kind */
	memcpy(c, raw, len);
	v = 31u << 24;
	memcpy(c + 24 + 16 + 4, &v, 4);
	expect_btf_error(c, len, "t.btf: corrupt BTF: type [2] has an unknown kind (31)");
	/* a type section longer than the data: absurd sizes in the header */
	memcpy(c, raw, len);
	v = 0xfffffff0;
	memcpy(c + 12, &v, 4);
	{
		char want[256];
		struct btf_header h;

		memcpy(&h, raw, sizeof(h));
		snprintf(want, sizeof(want), "t.btf: truncated BTF: its header puts the types at [24, %llu) and the strings at [%u, %u), past the %u bytes there are",
			 24ull + 0xfffffff0u, 24 + h.str_off, 24 + h.str_off + h.str_len, len);
		expect_btf_error(c, len, want);
	}
	/* bad magic, version, header length; strings not NUL-delimited */
	memcpy(c, raw, len);
	c[0] = 0x12;
	expect_btf_error(c, len, "t.btf: not a kernel image, Debian package, ELF or BTF file (no known magic, no embedded BTF)");
	memcpy(c, raw, len);
	c[2] = 2;
	expect_btf_error(c, len, "t.btf: BTF version 2 is not supported (only 1)");
	memcpy(c, raw, len);
	v = 1000;
	memcpy(c + 4, &v, 4);
	{
		char want[256];

		snprintf(want, sizeof(want), "t.btf: BTF header length 1000 is invalid (%u bytes of BTF)", len);
		expect_btf_error(c, len, want);
	}
	memcpy(c, raw, len);
	c[len - 1] = 'x';
	{
		char want[256];
		struct btf_header h;

		memcpy(&h, raw, sizeof(h));
		snprintf(want, sizeof(want), "t.btf: corrupt BTF: the %u-byte string section does not start and end with a NUL byte",
			 h.str_len);
		expect_btf_error(c, len, want);
	}
	free(c);
	btf__free(b);
}

/* ---- .BTF.ext records that lie ------------------------------------------- */

/* local: struct foo { int a; unsigned int b; }; insns: mov, ld_imm64, exit */
struct ext_case {
	struct btf *local;
	struct bpf_insn insns[4];
	struct uzt_rec rec;
	uint32_t sec_off;
};

static void ext_local(struct ext_case *c, uint32_t insn_off, const char *access, unsigned int kind)
{
	int i_int, i_uint;

	memset(c, 0, sizeof(*c));
	c->local = btf__new_empty();
	i_int = btf__add_int(c->local, "int", 4, BTF_INT_SIGNED);
	i_uint = btf__add_int(c->local, "unsigned int", 4, 0);
	assert_int_equal(btf__add_struct(c->local, "foo", 8), 3);
	btf__add_field(c->local, "a", i_int, 0, 0);
	btf__add_field(c->local, "b", i_uint, 32, 0);
	c->sec_off = (uint32_t)btf__add_str(c->local, "raw_tracepoint/x");
	c->insns[0] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 4 };
	c->insns[1] = (struct bpf_insn){ BPF_LD | BPF_IMM | BPF_DW, 2, 0, 0, 4 };
	c->insns[2] = (struct bpf_insn){ 0, 0, 0, 0, 0 };
	c->insns[3] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
	c->rec = (struct uzt_rec){ insn_off, 3, access ? (uint32_t)btf__add_str(c->local, access) : 0,
				   kind };
}

static struct btf *ext_target(void)
{
	struct btf *t = btf__new_empty();
	int i_int = btf__add_int(t, "int", 4, BTF_INT_SIGNED);

	btf__add_struct(t, "foo", 16);
	btf__add_field(t, "x", i_int, 0, 0);
	btf__add_field(t, "a", i_int, 32, 0);
	btf__add_field(t, "b", i_int, 64, 0);
	return t;
}

/* The record (allow_errors) is an error with exactly @want, nothing patched. */
static void expect_record(struct ext_case *c, const char *want)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = true);
	UZ_OPTS_INIT(uz_target_opts, topts, .name = "hostile");
	struct btf *tb = ext_target();
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	struct bpf_insn before[4];
	const void *lraw, *traw;
	uint32_t lsz, tsz;
	uint8_t *ext;
	size_t ext_len;

	memcpy(before, c->insns, sizeof(before));
	lraw = btf__raw_data(c->local, &lsz);
	traw = btf__raw_data(tb, &tsz);
	assert_int_equal(uz_target_load_mem(traw, tsz, &topts, &tgt, &err), 0);
	ext = uzt_ext(c->sec_off, &c->rec, 1, 16, &ext_len);
	if (uz_insns_relocate(c->insns, 4, "raw_tracepoint/x", lraw, lsz, ext, ext_len, tgt, &opts,
			      &rel, &err))
		fail_msg("relocate: %s", err.msg);
	assert_int_equal(uz_relocation_record_cnt(rel), 1);
	assert_int_equal(uz_relocation_record(rel, 0)->result, UZ_RESULT_ERROR);
	if (strcmp(uz_relocation_record(rel, 0)->message, want))
		fail_msg("record:\n  got  '%s'\n  want '%s'", uz_relocation_record(rel, 0)->message, want);
	assert_memory_equal(before, c->insns, sizeof(before));
	uz_relocation_free(rel);
	free(ext);
	uz_target_free(tgt);
	btf__free(tb);
	btf__free(c->local);
}

static void test_records_lie(void **state)
{
	struct ext_case c;
	char deep[256] = "0";
	int i;

	(void)state;
	ext_local(&c, 4 * 8, "0:1", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "instruction 4 is past the end of the section (4 instructions)");
	ext_local(&c, 0xfffffff8, "0:1", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "instruction 536870911 is past the end of the section (4 instructions)");
	ext_local(&c, 3, "0:1", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "instruction offset 3 is not a multiple of 8");
	ext_local(&c, 2 * 8, "0:1", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "instruction 2 is the second half of the ld_imm64 at instruction 1: a record must name the first");
	ext_local(&c, 0, "-1:0", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "access string '-1:0': expected a non-negative index at '-1:0'");
	ext_local(&c, 0, "0:-2", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "access string '0:-2': expected a non-negative index at '-2'");
	ext_local(&c, 0, "0:99999999999", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "access string '0:99999999999': index too large");
	ext_local(&c, 0, "0:4294967295", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "access string '0:4294967295': index too large");
	ext_local(&c, 0, "0:7", UZ_FIELD_BYTE_OFFSET);
	expect_record(&c, "access '0:7': member index 7 out of range (type [3] has 2 members)");
	for (i = 0; i < 64; i++)
		strcat(deep, ":0");
	ext_local(&c, 0, deep, UZ_FIELD_BYTE_OFFSET);
	{
		char want[300];

		snprintf(want, sizeof(want), "access string '%s' is deeper than 64 levels", deep);
		expect_record(&c, want);
	}
	ext_local(&c, 0, NULL, UZ_FIELD_BYTE_OFFSET);
	c.rec.access_off = 1u << 30;
	expect_record(&c, "access string offset 1073741824 is outside the BTF strings");
	ext_local(&c, 0, "0:1", UZ_FIELD_BYTE_OFFSET);
	c.rec.type_id = 777;
	expect_record(&c, "local type id 777 does not exist (the object has 4 types)");
	ext_local(&c, 0, "0:1", 99);
	expect_record(&c, "unknown relocation kind 99");
	/* the instruction holds 5, but the local spec says foo.b is at byte 4 */
	ext_local(&c, 0, "0:1", UZ_FIELD_BYTE_OFFSET);
	c.insns[0].imm = 5;
	expect_record(&c, "instruction immediate is 5 but the record expects 4: the record does not belong to this instruction");
}

/* Structural lies in .BTF.ext: the whole call fails with exactly @want. */
static void expect_ext_error(const uint8_t *ext, size_t ext_len, const char *want)
{
	UZ_OPTS_INIT(uz_target_opts, topts, .name = "hostile");
	struct btf *tb = ext_target();
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	struct ext_case c;
	const void *lraw, *traw;
	uint32_t lsz, tsz;

	ext_local(&c, 0, "0:1", UZ_FIELD_BYTE_OFFSET);
	lraw = btf__raw_data(c.local, &lsz);
	traw = btf__raw_data(tb, &tsz);
	assert_int_equal(uz_target_load_mem(traw, tsz, &topts, &tgt, &err), 0);
	assert_true(uz_insns_relocate(c.insns, 4, "raw_tracepoint/x", lraw, lsz, ext, ext_len, tgt,
				      NULL, &rel, &err) < 0);
	assert_null(rel);
	if (strncmp(err.msg, "<instructions>: ", 16) || strcmp(err.msg + 16, want))
		fail_msg(".BTF.ext:\n  got  '%s'\n  want '%s'", err.msg, want);
	uz_target_free(tgt);
	btf__free(tb);
	btf__free(c.local);
}

static void test_ext_lies(void **state)
{
	struct ext_case c;
	uint8_t *ext, *x;
	size_t len;
	uint32_t v;

	(void)state;
	ext_local(&c, 0, "0:1", UZ_FIELD_BYTE_OFFSET);
	ext = uzt_ext(c.sec_off, &c.rec, 1, 16, &len);
	x = malloc(len + 64);
	/* the CO-RE block reaches past the section */
	memcpy(x, ext, len);
	v = 1u << 20;
	memcpy(x + 28, &v, 4);
	expect_ext_error(x, len, ".BTF.ext: core_relo [0, +1048576) runs past the section end (28 bytes of data)");
	/* an absurd record count */
	memcpy(x, ext, len);
	v = 0x10000000;
	memcpy(x + 40, &v, 4);
	expect_ext_error(x, len, ".BTF.ext: core_relo section claims 268435456 records of 16 bytes, more than the 16 bytes left");
	/* absurd record sizes */
	memcpy(x, ext, len);
	v = 7;
	memcpy(x + 32, &v, 4);
	expect_ext_error(x, len, ".BTF.ext: core_relo record size 7 is invalid (expected >= 16, multiple of 4)");
	memcpy(x, ext, len);
	v = 1u << 30;
	memcpy(x + 32, &v, 4);
	expect_ext_error(x, len, ".BTF.ext: core_relo record size 1073741824 is invalid (expected >= 16, multiple of 4)");
	/* a section name outside the strings */
	memcpy(x, ext, len);
	v = 1u << 30;
	memcpy(x + 36, &v, 4);
	{
		uint32_t lsz;
		char want[256];
		struct btf_header h;

		memcpy(&h, btf__raw_data(c.local, &lsz), sizeof(h));
		snprintf(want, sizeof(want), ".BTF.ext: core_relo section name offset 1073741824 is outside the BTF strings (%u bytes)",
			 h.str_len);
		expect_ext_error(x, len, want);
	}
	free(x);
	free(ext);
	btf__free(c.local);
}

/* ---- btfgen archives that lie --------------------------------------------- */

static void expect_archive_error(const uint8_t *d, size_t len, const char *want)
{
	struct uz_archive *a = NULL;
	struct uz_error err = { 0 };

	if (!uz_archive_open_mem(d, len, &a, &err)) {
		uz_archive_free(a);
		fail_msg("archive opened (wanted '%s')", want);
	}
	if (strcmp(err.msg, want))
		fail_msg("archive:\n  got  '%s'\n  want '%s'", err.msg, want);
}

/* The index checksum again after a header change, so the lie is what is read. */
static void reseal(uint8_t *d)
{
	uint32_t meta_len, crc;

	memcpy(&meta_len, d + UZ_AR_H_META_LEN, 4);
	crc = (uint32_t)crc32(0, d, UZ_AR_H_META_CRC);
	crc = (uint32_t)crc32(crc, d + UZ_AR_HDR_LEN, meta_len);
	memcpy(d + UZ_AR_H_META_CRC, &crc, 4);
}

static void test_archive_lies(void **state)
{
	size_t len, at;
	uint8_t *d = slurp(arch, &len), *c = malloc(len);
	uint32_t meta_len, payload_len, v;
	char want[256];

	(void)state;
	memcpy(&meta_len, d + UZ_AR_H_META_LEN, 4);
	memcpy(&payload_len, d + UZ_AR_H_PAYLOAD_LEN, 4);
	assert_int_equal(UZ_AR_HDR_LEN + meta_len + payload_len, len);
	/* the index and the payload pointing past the end of the file */
	memcpy(c, d, len);
	v = meta_len + 4096;
	memcpy(c + UZ_AR_H_META_LEN, &v, 4);
	snprintf(want, sizeof(want), "truncated btfgen archive: %zu bytes, the header announces %zu", len,
		 len + 4096);
	expect_archive_error(c, len, want);
	memcpy(c, d, len);
	v = 0xffffff00;
	memcpy(c + UZ_AR_H_PAYLOAD_LEN, &v, 4);
	snprintf(want, sizeof(want), "truncated btfgen archive: %zu bytes, the header announces %llu", len,
		 (unsigned long long)UZ_AR_HDR_LEN + meta_len + 0xffffff00u);
	expect_archive_error(c, len, want);
	/* cut at every field of the header, the end of the index and of the payload */
	for (at = 8; at < UZ_AR_HDR_LEN; at += 4)
		expect_archive_error(d, at, "not a btfgen archive (no UZBTFAR header)");
	for (at = UZ_AR_HDR_LEN; at < len; at += at < UZ_AR_HDR_LEN + meta_len ? 1 : 97) {
		snprintf(want, sizeof(want), "truncated btfgen archive: %zu bytes, the header announces %zu",
			 at, len);
		expect_archive_error(d, at, want);
	}
	/* a header resealed with lies: the checksum passes, the layout does not */
	memcpy(c, d, len);
	v = 0xffffffff;
	memcpy(c + UZ_AR_H_TYPE_CNT, &v, 4);
	reseal(c);
	expect_archive_error(c, len, "corrupt btfgen archive: the payload layout in the header is inconsistent");
	memcpy(c, d, len);
	v = 0xfffffff0;
	memcpy(c + UZ_AR_H_RAW_LEN, &v, 4);
	reseal(c);
	expect_archive_error(c, len, "corrupt btfgen archive: the payload layout in the header is inconsistent");
	memcpy(c, d, len);
	v = 0x00ffffff;
	memcpy(c + UZ_AR_H_ENTRIES, &v, 4);
	reseal(c);
	expect_archive_error(c, len, "corrupt btfgen archive: the entry table is longer than the index");
	memcpy(c, d, len);
	v = 0x7fffffff;
	memcpy(c + UZ_AR_H_META_RAW, &v, 4);
	reseal(c);
	expect_archive_error(c, len, "corrupt btfgen archive: the index does not inflate to its announced size");
	/* a changed header without resealing */
	memcpy(c, d, len);
	c[UZ_AR_H_STR_LEN] ^= 1;
	expect_archive_error(c, len, "corrupt btfgen archive: the index checksum does not match (the header or the entry table was changed)");
	free(c);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_files),
		cmocka_unit_test(test_not_files_cli),
		cmocka_unit_test(test_changing_size),
		cmocka_unit_test(test_object_cut_everywhere),
		cmocka_unit_test(test_object_sections_past_end),
		cmocka_unit_test(test_elf_target_cut_header),
		cmocka_unit_test(test_btf_cut_everywhere),
		cmocka_unit_test(test_btf_lies),
		cmocka_unit_test(test_records_lie),
		cmocka_unit_test(test_ext_lies),
		cmocka_unit_test(test_archive_lies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
