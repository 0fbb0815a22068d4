/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize matrix`: the kernel rows (one per target file: directories
 * expanded unless they are tracefs trees, sorted by path, sharded), loading a target with an error text
 * that names the problem, table lines and cells storage, the JSON framing
 * of a kernel, the exit status and freeing the model.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encode.h"
#include "matrix.h"

void *mx_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, MX_PROG ": out of memory\n");
		exit(2);
	}
	return q;
}

char *mx_strdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, MX_PROG ": out of memory\n");
		exit(2);
	}
	return d;
}

/* Last path component without @suffix ("dir/k.btf" -> "k"). */
char *mx_base_strip(const char *path, const char *suffix)
{
	const char *b = strrchr(path, '/');
	size_t n, sl = strlen(suffix);
	char *d;

	b = b ? b + 1 : path;
	if (!*b) /* "dir/" */
		b = path;
	d = mx_strdup(b);
	n = strlen(d);
	if (n > sl && !strcmp(d + n - sl, suffix))
		d[n - sl] = 0;
	return d;
}

struct mx_row *mx_add_row(struct matrix *m, const char *path, const char *name)
{
	struct mx_row *r;

	if (m->nrows == m->caprows) {
		m->caprows = m->caprows ? m->caprows * 2 : 16;
		m->rows = mx_realloc(m->rows, m->caprows * sizeof(*m->rows));
	}
	r = &m->rows[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->path = mx_strdup(path);
	r->name = name ? mx_strdup(name) : mx_base_strip(path, ".btf");
	return r;
}

/* A tracefs mount or a copy of its events/ tree: one target, not a list. */
static bool is_tracefs_dir(const char *path)
{
	char pat[4096];
	glob_t g;
	bool found;

	snprintf(pat, sizeof(pat), "%s/events", path);
	if (!access(pat, F_OK))
		return true;
	snprintf(pat, sizeof(pat), "%s/*/*/format", path);
	found = !glob(pat, GLOB_NOSORT, NULL, &g) && g.gl_pathc > 0;
	globfree(&g);
	return found;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/*
 * Does directory entry @path (named @name) count as a target? Hidden files
 * never; a name ending in .btf or starting with vmlinu always (a damaged
 * one shows as a kernel that failed to load); anything else only if its
 * first bytes are those of something uz_target_load() reads: BTF (either
 * byte order), ELF, an ar archive (.deb), a gzip/xz/zstd/lz4 stream, an
 * x86 bzImage or an arm64 Image. READMEs, notes and subdirectories are
 * skipped. docs/matrix.md states the rule.
 */
static bool looks_like_kernel(const char *path, const char *name)
{
	static const struct { size_t off; const char *magic; size_t n; } m[] = {
		{ 0, "\x9f\xeb", 2 }, { 0, "\xeb\x9f", 2 }, { 0, "\x7f" "ELF", 4 },
		{ 0, "!<arch>\n", 8 }, { 0, "\x1f\x8b", 2 }, { 0, "\xfd" "7zXZ\0", 6 },
		{ 0, "\x28\xb5\x2f\xfd", 4 }, { 0, "\x04\x22\x4d\x18", 4 },
		{ 0, "\x02\x21\x4c\x18", 4 }, { 0x202, "HdrS", 4 }, { 0x38, "ARM\x64", 4 },
	};
	unsigned char head[0x240];
	size_t got, i;
	FILE *f;

	if (name[0] == '.')
		return false;
	if (has_suffix(name, ".btf") || !strncmp(name, "vmlinu", 6))
		return true;
	f = fopen(path, "rb");
	if (!f)
		return false;
	got = fread(head, 1, sizeof(head), f);
	fclose(f);
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (got >= m[i].off + m[i].n && !memcmp(head + m[i].off, m[i].magic, m[i].n))
			return true;
	return false;
}

/*
 * A directory contributes the entries that look like kernels (see
 * looks_like_kernel), unless it is a tracefs tree: then it is one target;
 * a file named directly always counts. A path that does
 * not exist is bad input: -1, said on stderr.
 */
int mx_add_target_arg(struct matrix *m, const char *path)
{
	struct dirent **ents;
	struct stat st;
	size_t skipped = 0;
	int n, i;

	if (stat(path, &st)) {
		fprintf(stderr, MX_PROG ": --targets %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || is_tracefs_dir(path)) {
		mx_add_row(m, path, NULL);
		return 0;
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, MX_PROG ": --targets %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		size_t len = strlen(path) + strlen(e) + 2;
		char *full;

		if (strcmp(e, ".") && strcmp(e, "..")) {
			full = mx_realloc(NULL, len);
			snprintf(full, len, "%s%s%s", path,
				 path[strlen(path) - 1] == '/' ? "" : "/", e);
			if (looks_like_kernel(full, e))
				mx_add_row(m, full, NULL);
			else
				skipped++;
			free(full);
		}
		free(ents[i]);
	}
	free(ents);
	if (skipped)
		fprintf(stderr, MX_PROG ": %s: skipped %zu entr%s that %s not look like a kernel "
			"(hidden, not BTF/ELF/image/.deb)\n", path, skipped, skipped > 1 ? "ies" : "y",
			skipped > 1 ? "do" : "does");
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mx_row *)a)->path, ((const struct mx_row *)b)->path);
}

void mx_sort_rows(struct matrix *m)
{
	qsort(m->rows, m->nrows, sizeof(*m->rows), row_cmp);
}

static void row_free(struct mx_row *r)
{
	size_t i;

	for (i = 0; i < r->ncells; i++)
		free(r->cells[i].path);
	free(r->cells);
	free(r->path);
	free(r->name);
	free(r->disp);
	free(r->error);
}

/* Keep targets I, I+N, ... of the sorted list; 0 or exit status 2. */
int mx_shard_rows(struct matrix *m)
{
	size_t i, kept = 0;

	if (!m->shard_n)
		return 0;
	for (i = 0; i < m->nrows; i++) {
		if (i % m->shard_n == m->shard_i)
			m->rows[kept++] = m->rows[i];
		else
			row_free(&m->rows[i]);
	}
	m->nrows = kept;
	if (!kept) {
		fprintf(stderr, MX_PROG ": shard %u/%u holds no target (only %zu target(s))\n",
			m->shard_i, m->shard_n, i);
		return 2;
	}
	return 0;
}

/* A loaded kernel is named by its release (from the BTF's ELF notes, the
 * image, the package or the file name); the file's name is the fallback. */
static void name_by_release(struct mx_row *row, const struct uz_target *tgt)
{
	const struct uz_target_provenance *p = uz_target_provenance(tgt);

	if (p && p->release && p->release[0]) {
		free(row->name);
		row->name = mx_strdup(p->release);
	}
}

/*
 * Kernels that share a name (one release as a .deb and as extracted BTF)
 * get their file's name, or its path where that is shared too, in
 * parentheses: "6.1.0-56-amd64 (vmlinux-6.1.0-56-amd64)". It depends only
 * on the set of kernels, so a merge of shards names them as one run does.
 */
static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b && b[1] ? b + 1 : path;
}

void mx_unique_names(struct matrix *m)
{
	bool *dup = mx_realloc(NULL, m->nrows * sizeof(*dup));
	size_t i, j;

	for (i = 0; i < m->nrows; i++) {
		dup[i] = false;
		for (j = 0; j < m->nrows && !dup[i]; j++)
			dup[i] = j != i && !strcmp(m->rows[i].name, m->rows[j].name);
	}
	for (i = 0; i < m->nrows; i++) {
		struct mx_row *r = &m->rows[i];
		const char *tag = base_of(r->path);
		size_t len;

		if (!dup[i] || r->disp)
			continue;
		for (j = 0; j < m->nrows; j++)
			if (j != i && !strcmp(m->rows[j].name, r->name) &&
			    !strcmp(base_of(m->rows[j].path), tag))
				tag = r->path;
		len = strlen(r->name) + strlen(tag) + 4;
		r->disp = mx_realloc(NULL, len);
		snprintf(r->disp, len, "%s (%s)", r->name, tag);
	}
	free(dup);
}

/* The name the table shows. */
const char *mx_row_label(const struct mx_row *r)
{
	return r->disp ? r->disp : r->name;
}

/* The row's target, or NULL with row->error set (and said on stderr). */
struct uz_target *mx_load_target(const struct matrix *m, struct mx_row *row)
{
	UZ_OPTS_INIT(uz_target_opts, topts, .sources = m->sources, .kernel_release = m->kernel);
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	struct stat st;

	if (!row->error) {
		/* directories too: tracefs trees are targets; uz_target_load()
		 * says what is wrong with any other directory */
		if (stat(row->path, &st))
			row->error = mx_strdup(strerror(errno));
		else if (uz_target_load(row->path, &topts, &tgt, &err)) {
			size_t pl = strlen(row->path);
			const char *msg = err.msg[0] ? err.msg : strerror(-err.code);

			/* the row names the file already */
			if (!strncmp(msg, row->path, pl) && !strncmp(msg + pl, ": ", 2))
				msg += pl + 2;
			row->error = mx_strdup(msg);
			tgt = NULL;
		}
	}
	if (tgt)
		name_by_release(row, tgt);
	if (row->error)
		fprintf(stderr, "%s" MX_PROG ": %s: %s\n",
			isatty(STDERR_FILENO) ? "\r\033[K" : "", row->path, row->error);
	return tgt;
}

/*
 * Progress on standard error, before target @i is loaded (@i == nrows: the
 * run is over). On a terminal one line, rewritten in place and cleared at
 * the end; otherwise a line per target, only for runs of more than
 * MX_PROGRESS_MIN targets (a log then shows where a long run is).
 */
void mx_progress(const struct matrix *m, size_t i)
{
	bool tty = m->nrows > 1 && isatty(STDERR_FILENO);

	if (tty && i >= m->nrows)
		fputs("\r\033[K", stderr);
	else if (tty)
		fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, m->nrows, base_of(m->rows[i].path));
	else if (m->nrows > MX_PROGRESS_MIN && i < m->nrows)
		fprintf(stderr, "[%zu/%zu] %s\n", i + 1, m->nrows, m->rows[i].path);
	fflush(stderr);
}

struct mx_line *mx_add_line(struct matrix *m)
{
	struct mx_line *l;

	if (m->nlines == m->caplines) {
		m->caplines = m->caplines ? m->caplines * 2 : 64;
		m->lines = mx_realloc(m->lines, m->caplines * sizeof(*m->lines));
	}
	l = &m->lines[m->nlines++];
	memset(l, 0, sizeof(*l));
	return l;
}

/* Grow the row's cells to one per line (new cells MX_UNSET). */
void mx_row_cells(const struct matrix *m, struct mx_row *row)
{
	if (row->ncells >= m->nlines)
		return;
	row->cells = mx_realloc(row->cells, m->nlines * sizeof(*row->cells));
	memset(row->cells + row->ncells, 0, (m->nlines - row->ncells) * sizeof(*row->cells));
	row->ncells = m->nlines;
}

/* `{"kernel": ..., "path": ..., "error": ...[, "shard": "I/N"]` of one kernel's JSON object. */
void mx_json_row_begin(struct matrix *m, const struct mx_row *row)
{
	fputs(m->written++ ? ",\n{\"kernel\": " : "[\n{\"kernel\": ", stdout);
	json_put_str(stdout, row->name);
	fputs(", \"path\": ", stdout);
	json_put_str(stdout, row->path);
	fputs(", \"error\": ", stdout);
	if (row->error)
		json_put_str(stdout, row->error);
	else
		fputs("null", stdout);
	/* a shard says which, so that --merge can tell one is missing */
	if (m->shard_n)
		printf(", \"shard\": \"%u/%u\"", m->shard_i, m->shard_n);
}

/*
 * 0 everything resolved, 1 a target failed to load, a relocation is
 * poisoned (unguarded) or failed, a field failed, or --strict and a guarded
 * dead read was seen.
 */
int mx_exit_status(const struct matrix *m)
{
	size_t i;

	for (i = 0; i < m->nrows; i++) {
		const struct mx_row *r = &m->rows[i];

		if (r->error || r->unresolved || (m->strict && r->guarded))
			return 1;
	}
	return 0;
}

void mx_free(struct matrix *m)
{
	size_t i;

	for (i = 0; i < m->nobj; i++) {
		uz_object_free(m->objs[i].obj);
		free(m->objs[i].name);
		free(m->objs[i].rec2line);
	}
	for (i = 0; i < m->nrows; i++)
		row_free(&m->rows[i]);
	for (i = 0; i < m->nlines; i++) {
		free(m->lines[i].label);
		free(m->lines[i].spec);
	}
	free(m->objs);
	free(m->rows);
	free(m->lines);
	memset(m, 0, sizeof(*m));
}
