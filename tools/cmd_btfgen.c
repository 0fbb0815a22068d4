/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize btfgen`: for every kernel, the minimized BTF of a set of
 * objects (uz_btfgen_minimize, proven exact), written as one raw BTF per
 * kernel (-o DIR, named RELEASE.btf) or as one deduplicated archive
 * (--archive FILE, every entry proven again after the archive is built).
 * Everything is computed first and written at the end: any error writes
 * nothing. Per kernel, the relocations that do not resolve are listed on
 * stderr (`--strict` makes them an error).
 * Exit status: 0 written, 1 relocations do not resolve with --strict,
 * 2 bad input or usage (nothing written).
 */
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "commands.h"
#include "btfgen/btfgen_int.h"
#include "common/uz_internal.h"
#include "relocation.h"

static const char btfgen_usage[] =
	"usage: userize btfgen OBJ... --targets DIR|FILE... (-o OUTDIR | --archive FILE)\n"
	"                      [--base PATH] [--target-format F] [--no-userize] [--strict] [--quiet]\n"
	"\n"
	"For each kernel, the smallest BTF that resolves every CO-RE relocation of the\n"
	"objects exactly as the kernel's full types do; each is proven by relocating\n"
	"every object against it and comparing every record before anything is written.\n"
	"\n"
	"  --targets DIR|FILE...  kernels: any target `reloc --target` takes (BTF, vmlinux,\n"
	"                     vmlinuz, .deb, archive, tracefs); a directory means every\n"
	"                     file in it, a tracefs tree one kernel (default: the running kernel)\n"
	"  -o, --output DIR   one raw BTF per kernel: DIR/RELEASE.btf (for libbpf's\n"
	"                     btf_custom_path or `reloc --target`)\n"
	"  -a, --archive FILE one archive holding every kernel, types stored once\n"
	"                     (`reloc --target FILE [--kernel RELEASE]`; docs/btfgen.md)\n"
	"  -b, --base PATH    base BTF when the targets are kernel-module split BTF\n"
	"      --target-format F  auto, btf, dwarf, archive or tracefs\n"
	"      --no-userize   ignore userize tags (plain libbpf semantics, as bpftool)\n"
	"      --strict       relocations that do not resolve on a kernel are an error\n"
	"  -q, --quiet        only errors on stderr\n"
	"\n"
	"Exit status: 0 written, 1 some relocations do not resolve (--strict; nothing\n"
	"written), 2 bad input or usage (nothing written).\n";

struct gen_kernel {
	char *path;
	char *name;          /* output name: the release, else the file name */
	void *btf;
	size_t len;
	struct uz_archive_entry_info info;
	char *strs[4];       /* owned info strings */
};

struct gen {
	const char **objs;
	size_t nobj;
	struct uz_object **o;
	char **tpaths;
	size_t ntp;
	struct gen_kernel *k;
	size_t nk;
	const char *outdir, *archive, *base;
	unsigned int sources;
	bool no_tags, strict, quiet;
	size_t unresolved;
};

static int usage_err(const char *fmt, const char *arg)
{
	fprintf(stderr, "userize btfgen: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", btfgen_usage);
	return 2;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "userize btfgen: out of memory\n");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static void add_tpath(struct gen *g, const char *p)
{
	g->tpaths = xrealloc(g->tpaths, (g->ntp + 1) * sizeof(*g->tpaths));
	g->tpaths[g->ntp++] = xstrdup(p);
}

/* A directory stands for every regular file in it, sorted. */
/* A tracefs mount or a copy of its events/ tree: one kernel, not a list. */
static bool is_tracefs_dir(const char *path)
{
	char p[4096];
	glob_t gl;
	bool found;

	snprintf(p, sizeof(p), "%s/events", path);
	if (!access(p, F_OK))
		return true;
	snprintf(p, sizeof(p), "%s/*/*/format", path);
	found = !glob(p, GLOB_NOSORT, NULL, &gl) && gl.gl_pathc > 0;
	globfree(&gl);
	return found;
}

static void add_target_arg(struct gen *g, const char *path)
{
	struct dirent **ents;
	struct stat st;
	char full[4096];
	size_t before = g->ntp;
	int n, i;

	if (stat(path, &st) || !S_ISDIR(st.st_mode) || is_tracefs_dir(path)) {
		add_tpath(g, path);
		return;
	}
	n = scandir(path, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name);
		if (!stat(full, &st) && S_ISREG(st.st_mode))
			add_tpath(g, full);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	/* unreadable, or no file in it: the load says why (never "no target
	 * given", which would mean the running kernel) */
	if (g->ntp == before)
		add_tpath(g, path);
}

static int parse(int argc, char **argv, struct gen *g)
{
	bool in_targets = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			fputs(btfgen_usage, stdout);
			return -1;
		} else if (!strcmp(s, "--targets")) {
			in_targets = true;
		} else if (!strcmp(s, "-o") || !strcmp(s, "--output") || !strcmp(s, "-a") ||
			   !strcmp(s, "--archive") || !strcmp(s, "-b") || !strcmp(s, "--base") ||
			   !strcmp(s, "--target-format")) {
			if (++i >= argc)
				return usage_err("%s needs an argument", s);
			if (s[1] == 'o' || !strcmp(s, "--output"))
				g->outdir = argv[i];
			else if (s[1] == 'a' || !strcmp(s, "--archive"))
				g->archive = argv[i];
			else if (s[1] == 'b' || !strcmp(s, "--base"))
				g->base = argv[i];
			else if (uz_source_kind_parse(argv[i], &g->sources))
				return usage_err("--target-format takes auto, btf, dwarf, archive or tracefs, not '%s'", argv[i]);
			in_targets = false;
		} else if (!strcmp(s, "--no-userize")) {
			g->no_tags = true;
		} else if (!strcmp(s, "--strict")) {
			g->strict = true;
		} else if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) {
			g->quiet = true;
		} else if (s[0] == '-' && s[1]) {
			return usage_err("unknown option '%s'", s);
		} else if (in_targets) {
			add_target_arg(g, s);
		} else {
			g->objs = xrealloc(g->objs, (g->nobj + 1) * sizeof(*g->objs));
			g->objs[g->nobj++] = s;
		}
	}
	if (!g->nobj)
		return usage_err("%s", "no object given");
	if (!g->outdir == !g->archive)
		return usage_err("%s", "give exactly one of -o OUTDIR and --archive FILE");
	return 0;
}

/* "linux-image-R-unsigned_6.1.192-2_amd64.deb" -> "debian 6.1.192-2". */
static void distro_of(const char *path, char *out, size_t sz)
{
	const char *b = strrchr(path, '/'), *u1, *u2;
	size_t n;

	b = b ? b + 1 : path;
	*out = 0;
	n = strlen(b);
	if (n < 5 || strcmp(b + n - 4, ".deb"))
		return;
	u1 = strchr(b, '_');
	u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	if (u2)
		snprintf(out, sz, "debian %.*s", (int)(u2 - u1 - 1), u1 + 1);
}

static const char *res_class(const struct uz_record *r)
{
	if (r->result == UZ_RESULT_POISONED)
		return "P poisoned";
	if (r->result == UZ_RESULT_ERROR)
		return "E fails";
	return "- missing";
}

/* Per kernel: what does not resolve, and why (the matrix's classes), from
 * the relocations against the full types. */
static void report(struct gen *g, const struct uz_target *t, struct uz_relocation **rels)
{
	size_t i, j, bad = 0, total = 0;

	for (i = 0; i < g->nobj; i++) {
		const struct uz_relocation *rel = rels[i];

		for (j = 0; j < uz_relocation_record_cnt(rel); j++) {
			/* quiet: no message is printed, so none is completed */
			const struct uz_record *r = g->quiet ? uz_rel_record_peek(rel, j) :
							       uz_relocation_record(rel, j);
			bool exists = r->kind == UZ_FIELD_EXISTS || r->kind == UZ_TYPE_EXISTS ||
				      r->kind == UZ_ENUMVAL_EXISTS || r->kind == UZ_TYPE_MATCHES;

			total++;
			if (r->result == UZ_RESULT_OK && !(exists && r->new_value == 0))
				continue;
			bad++;
			if (!g->quiet)
				fprintf(stderr, "  %s: %s %s insn %u %s %s: %s\n", uz_target_name(t),
					res_class(r), r->section, r->insn, uz_kind_name(r->kind),
					*r->spec ? r->spec : r->access, *r->message ? r->message : "not in this kernel");
		}
	}
	g->unresolved += bad;
	if (!g->quiet)
		fprintf(stderr, "%s: %zu relocations, %zu resolve, %zu do not\n", uz_target_name(t),
			total, total - bad, bad);
}

static int kernel_info(struct gen_kernel *k, const struct uz_target *t, const char *path)
{
	const struct uz_target_provenance *p = uz_target_provenance(t);
	const char *b = strrchr(path, '/');
	char distro[128];
	size_t n;

	struct utsname u;

	distro_of(path, distro, sizeof(distro));
	/* the running kernel's architecture is known; others' come from the release */
	if (!uname(&u) && !strcmp(u.release, p->release))
		k->strs[3] = xstrdup(u.machine);
	k->info.arch = k->strs[3];
	k->strs[0] = xstrdup(p->release);
	k->strs[1] = xstrdup(p->build_id);
	k->strs[2] = xstrdup(distro);
	k->info.release = k->strs[0];
	k->info.build_id = k->strs[1];
	k->info.distro = k->strs[2];
	k->info.big_endian = p->big_endian;
	b = b ? b + 1 : path;
	k->name = xstrdup(*p->release ? p->release : b);
	n = strlen(k->name);
	if (!*p->release && n > 4 && !strcmp(k->name + n - 4, ".btf"))
		k->name[n - 4] = 0;
	/* no release known (a bare BTF file): the entry goes by the file's name */
	if (!*p->release)
		k->info.release = k->name;
	return 0;
}

static int one_kernel(struct gen *g, const char *path, struct gen_kernel *k)
{
	UZ_OPTS_INIT(uz_btfgen_opts, bo, .no_userize_tags = g->no_tags);
	UZ_OPTS_INIT(uz_target_opts, to, .base_path = g->base, .sources = g->sources);
	struct uz_relocation **rels = xrealloc(NULL, g->nobj * sizeof(*rels));
	struct uz_target *t = NULL;
	struct uz_error err = { 0 };
	size_t i;
	int rc = 0;

	memset(rels, 0, g->nobj * sizeof(*rels));
	if (uz_target_load(path, &to, &t, &err)) {
		free(rels);
		fprintf(stderr, "userize btfgen: %s\n", err.msg);
		return 2;
	}
	k->path = xstrdup(path ? path : "");
	kernel_info(k, t, path ? path : "running");
	for (i = 0; i < g->nk; i++)
		if (!strcmp(g->k[i].name, k->name)) {
			fprintf(stderr, "userize btfgen: two targets for kernel %s: %s and %s\n",
				k->name, g->k[i].path, k->path);
			uz_target_free(t);
			free(rels);
			return 2;
		}
	if (uz_btfgen_minimize_rels((const struct uz_object *const *)g->o, g->nobj, t, &bo,
				    &k->btf, &k->len, rels, &err)) {
		fprintf(stderr, "userize btfgen: %s\n", err.msg);
		rc = 2;
	} else {
		report(g, t, rels);
	}
	for (i = 0; i < g->nobj; i++)
		uz_relocation_free(rels[i]);
	free(rels);
	if (!rc && !g->quiet)
		fprintf(stderr, "%s: %u types -> minimized BTF of %zu bytes (proven)\n",
			uz_target_name(t), uz_target_type_cnt(t), k->len);
	uz_target_free(t);
	return rc;
}

/*
 * Build the archive, then prove every entry of it. Against the kernel's
 * minimized BTF, already proven equal to its full types: equality is
 * transitive, and the small BTF loads in microseconds where the kernel's
 * takes milliseconds.
 */
static int make_archive(struct gen *g, void **data, size_t *len)
{
	UZ_OPTS_INIT(uz_btfgen_opts, bo, .no_userize_tags = g->no_tags);
	struct uz_archive_writer *w = NULL;
	struct uz_error err = { 0 };
	size_t i;
	int rc = 2;

	if (uz_archive_writer_new(&w, &err))
		goto out;
	for (i = 0; i < g->nk; i++)
		if (uz_archive_writer_add(w, g->k[i].btf, g->k[i].len, &g->k[i].info, &err))
			goto out;
	if (uz_archive_writer_finish(w, data, len, &err))
		goto out;
	for (i = 0; i < g->nk; i++) {
		UZ_OPTS_INIT(uz_target_opts, mo, .sources = UZ_SOURCE_BTF, .name = g->k[i].name);
		UZ_OPTS_INIT(uz_target_opts, eo, .sources = UZ_SOURCE_ARCHIVE,
			     .kernel_release = g->k[i].info.release,
			     .kernel_build_id = g->k[i].info.build_id, .name = g->k[i].name);
		struct uz_target *min = NULL, *ent = NULL;
		int r;

		r = uz_target_load_mem(g->k[i].btf, g->k[i].len, &mo, &min, &err);
		r = r ?: uz_target_load_mem(*data, *len, &eo, &ent, &err);
		r = r ?: uz_btfgen_verify((const struct uz_object *const *)g->o, g->nobj, min, ent,
					  &bo, &err);
		uz_target_free(min);
		uz_target_free(ent);
		if (r)
			goto out;
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "userize btfgen: archive: %s\n", err.msg);
	uz_archive_writer_free(w);
	return rc;
}

static int write_all(struct gen *g)
{
	struct uz_error err = { 0 };
	char path[4096];
	void *data = NULL;
	size_t len = 0, i;
	int rc = 0;
	bool made;

	if (g->archive) {
		rc = make_archive(g, &data, &len);
		if (!rc && uz_write_file_atomic(g->archive, data, len, &err)) {
			fprintf(stderr, "userize btfgen: %s\n", err.msg);
			rc = 2;
		}
		if (!rc && !g->quiet)
			fprintf(stderr, "%s: archive of %zu kernels, %zu bytes (every entry proven)\n",
				g->archive, g->nk, len);
		free(data);
		return rc;
	}
	made = !mkdir(g->outdir, 0755);
	if (!made && errno != EEXIST) {
		fprintf(stderr, "userize btfgen: cannot create the output directory '%s': %s\n",
			g->outdir, strerror(errno));
		return 2;
	}
	for (i = 0; i < g->nk && !rc; i++) {
		snprintf(path, sizeof(path), "%s/%s.btf", g->outdir, g->k[i].name);
		if (uz_write_file_atomic(path, g->k[i].btf, g->k[i].len, &err)) {
			fprintf(stderr, "userize btfgen: %s\n", err.msg);
			rc = 2;
		}
	}
	/* nothing written into a directory this run made: do not leave it */
	if (rc && made && i == 1)
		rmdir(g->outdir);
	return rc;
}

static void gen_free(struct gen *g)
{
	size_t i, j;

	for (i = 0; i < g->nobj && g->o; i++)
		uz_object_free(g->o[i]);
	free(g->o);
	free(g->objs);
	for (i = 0; i < g->ntp; i++)
		free(g->tpaths[i]);
	free(g->tpaths);
	for (i = 0; i < g->nk; i++) {
		free(g->k[i].path);
		free(g->k[i].name);
		free(g->k[i].btf);
		for (j = 0; j < 4; j++)
			free(g->k[i].strs[j]);
	}
	free(g->k);
}

int uz_cmd_btfgen(int argc, char **argv)
{
	struct gen g = { 0 };
	struct uz_error err = { 0 };
	size_t i, n;
	int rc;

	rc = parse(argc, argv, &g);
	if (rc)
		goto out;
	g.o = xrealloc(NULL, g.nobj * sizeof(*g.o));
	memset(g.o, 0, g.nobj * sizeof(*g.o));
	for (i = 0; i < g.nobj; i++) {
		if (uz_object_open(g.objs[i], NULL, &g.o[i], &err)) {
			fprintf(stderr, "userize btfgen: %s\n", err.msg);
			rc = 2;
			goto out;
		}
		if (!uz_object_core_relo_cnt(g.o[i]) && !g.quiet)
			fprintf(stderr, "userize btfgen: note: %s has no CO-RE relocations: it needs no kernel types\n",
				g.objs[i]);
	}
	n = g.ntp ? g.ntp : 1;
	g.k = xrealloc(NULL, n * sizeof(*g.k));
	memset(g.k, 0, n * sizeof(*g.k));
	for (i = 0; i < n && !rc; i++, g.nk++)
		rc = one_kernel(&g, g.ntp ? g.tpaths[i] : NULL, &g.k[i]);
	if (rc)
		goto out;
	if (g.strict && g.unresolved) {
		fprintf(stderr, "userize btfgen: --strict: %zu relocations do not resolve; nothing written\n",
			g.unresolved);
		rc = 1;
		goto out;
	}
	rc = write_all(&g);
out:
	gen_free(&g);
	return rc < 0 ? 0 : rc;
}
