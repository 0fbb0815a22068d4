/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize matrix`: relocate every object against every target kernel and
 * print what each relocation resolves to, per kernel. Each target is loaded
 * once, shared by all objects, and freed before the next one is loaded, so
 * memory stays at one kernel's types plus the table.
 *
 * Columns of the human table are "layout groups" (kernels whose whole row is
 * identical), rows are relocations (object:section:insn kind spec, identical
 * kind+spec within one object deduplicated). --json and --csv stream one
 * kernel at a time. Exit: 0 all resolve, 1 some poisoned/error or a target
 * failed to load, 2 bad input or usage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "userize/userize.h"

#define TABLE_WIDTH 160
#define LABEL_MAX 90

enum cell_state {
	CELL_UNSET = 0,
	CELL_OK,
	CELL_MISSING,
	CELL_POISONED,
	CELL_ERROR,
};

struct cell {
	uint8_t state;
	uint64_t value;
};

struct column {
	size_t obj;
	char *label;		/* "obj:section:insn kind spec" */
	unsigned int kind;
	char *spec;
	size_t dups;
};

struct mobj {
	const char *path;
	char *name;
	struct uz_object *obj;
	size_t rec_cnt;
	size_t *rec2col;	/* NULL until the first relocation */
};

struct row {
	char *path;
	char *name;
	char *error;		/* target failed to load */
	struct cell *cells;	/* ncols (grown as columns appear) */
	size_t ncells;
	size_t unresolved;
	int group;
};

struct matrix {
	struct mobj *objs;
	size_t nobj;
	struct row *rows;
	size_t nrows, caprows;
	struct column *cols;
	size_t ncols, capcols;
	enum { FMT_TABLE, FMT_JSON, FMT_CSV } fmt;
	bool no_group;
	unsigned int shard_i, shard_n;
};

static void matrix_usage(FILE *f)
{
	fprintf(f,
		"usage: userize matrix OBJ... --targets DIR|FILE... [--json|--csv] [--no-group]\n"
		"                      [--shard I/N]\n"
		"\n"
		"Relocate every BPF object against every target kernel (raw BTF, vmlinux ELF;\n"
		"a directory means every file in it) and show what each relocation resolves\n"
		"to on each kernel. Kernels with identical results are grouped.\n"
		"\n"
		"  --targets PATH...  target files or directories (all following arguments\n"
		"                     up to the next option)\n"
		"  --json             [{kernel, path, error, records: {OBJ: [records]}}]\n"
		"  --csv              kernel,object,section,insn,kind,spec,result,value,target_spec\n"
		"  --no-group         one column per kernel, even when layouts are identical\n"
		"  --shard I/N        only targets I, I+N, I+2N... (0 <= I < N) of the sorted list\n"
		"\n"
		"Exit status: 0 every relocation resolves on every kernel, 1 some are poisoned\n"
		"or fail or a target could not be loaded, 2 bad input or usage.\n");
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "userize matrix: out of memory\n");
		exit(2);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "userize matrix: out of memory\n");
		exit(2);
	}
	return d;
}

static char *base_strip(const char *path, const char *suffix)
{
	const char *b = strrchr(path, '/');
	char *d;
	size_t n, sl = strlen(suffix);

	b = b ? b + 1 : path;
	if (!*b) /* "dir/" */
		b = path;
	d = xstrdup(b);
	n = strlen(d);
	if (n > sl && !strcmp(d + n - sl, suffix))
		d[n - sl] = 0;
	return d;
}

static void add_row(struct matrix *m, const char *path)
{
	struct row *r;

	if (m->nrows == m->caprows) {
		m->caprows = m->caprows ? m->caprows * 2 : 16;
		m->rows = xrealloc(m->rows, m->caprows * sizeof(*m->rows));
	}
	r = &m->rows[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path);
	r->name = base_strip(path, ".btf");
}

/* A directory contributes every entry (a non-BTF file becomes an error row). */
static void add_target_arg(struct matrix *m, const char *path)
{
	struct dirent **ents;
	struct stat st;
	int n, i;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		add_row(m, path);
		return;
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		add_row(m, path);
		m->rows[m->nrows - 1].error = xstrdup(strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		size_t len = strlen(path) + strlen(e) + 2;
		char *full;

		if (strcmp(e, ".") && strcmp(e, "..")) {
			full = xrealloc(NULL, len);
			snprintf(full, len, "%s%s%s", path,
				 path[strlen(path) - 1] == '/' ? "" : "/", e);
			add_row(m, full);
			free(full);
		}
		free(ents[i]);
	}
	free(ents);
}

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->path, ((const struct row *)b)->path);
}

static bool is_existence(unsigned int kind)
{
	return kind == UZ_FIELD_EXISTS || kind == UZ_TYPE_EXISTS || kind == UZ_ENUMVAL_EXISTS ||
	       kind == UZ_TYPE_MATCHES || kind == UZ_TYPE_ID_TARGET;
}

static struct cell rec_cell(const struct uz_record *r)
{
	struct cell c = { CELL_OK, r->new_value };

	if (r->result == UZ_RESULT_ERROR)
		c.state = CELL_ERROR;
	else if (is_existence(r->kind) && (r->result == UZ_RESULT_POISONED || !r->new_value))
		c.state = CELL_MISSING;
	else if (r->result == UZ_RESULT_POISONED)
		c.state = CELL_POISONED;
	return c;
}

/* Not resolved: poisoned or error (existence checks answering 0 are fine). */
static bool rec_unresolved(const struct uz_record *r)
{
	if (r->result == UZ_RESULT_ERROR)
		return true;
	return r->result == UZ_RESULT_POISONED && !is_existence(r->kind);
}

static void build_columns(struct matrix *m, size_t oi, const struct uz_relocation *rel)
{
	struct mobj *o = &m->objs[oi];
	size_t i, j, first = m->ncols;

	o->rec_cnt = uz_relocation_record_cnt(rel);
	o->rec2col = xrealloc(NULL, o->rec_cnt * sizeof(*o->rec2col));
	for (i = 0; i < o->rec_cnt; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);
		struct column *c;
		size_t len;

		for (j = first; j < m->ncols; j++)
			if (m->cols[j].kind == r->kind && !strcmp(m->cols[j].spec, r->spec))
				break;
		if (j < m->ncols) {
			m->cols[j].dups++;
			o->rec2col[i] = j;
			continue;
		}
		if (m->ncols == m->capcols) {
			m->capcols = m->capcols ? m->capcols * 2 : 64;
			m->cols = xrealloc(m->cols, m->capcols * sizeof(*m->cols));
		}
		c = &m->cols[m->ncols];
		c->obj = oi;
		c->kind = r->kind;
		c->spec = xstrdup(r->spec);
		c->dups = 0;
		len = strlen(o->name) + strlen(r->section) + strlen(r->spec) + 48;
		c->label = xrealloc(NULL, len);
		snprintf(c->label, len, "%s:%s:%u %s %s", o->name, r->section, r->insn,
			 uz_kind_name(r->kind), r->spec);
		o->rec2col[i] = m->ncols++;
	}
}

static void fill_cells(struct matrix *m, struct row *row, size_t oi,
		       const struct uz_relocation *rel)
{
	struct mobj *o = &m->objs[oi];
	size_t i;

	if (row->ncells < m->ncols) {
		row->cells = xrealloc(row->cells, m->ncols * sizeof(*row->cells));
		memset(row->cells + row->ncells, 0, (m->ncols - row->ncells) * sizeof(*row->cells));
		row->ncells = m->ncols;
	}
	for (i = 0; i < o->rec_cnt; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);
		struct cell c = rec_cell(r);
		struct cell *dst = &row->cells[o->rec2col[i]];

		/* duplicates normally agree; if not, keep the worse state */
		if (dst->state == CELL_UNSET || c.state > dst->state)
			*dst = c;
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void csv_str(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static const char *result_word(const struct uz_record *r)
{
	switch (r->result) {
	case UZ_RESULT_OK: return "ok";
	case UZ_RESULT_POISONED: return "poisoned";
	default: return "error";
	}
}

static void csv_records(const struct row *row, const struct mobj *o,
			const struct uz_relocation *rel)
{
	size_t i, n = uz_relocation_record_cnt(rel);

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		csv_str(stdout, row->name);
		putchar(',');
		csv_str(stdout, o->name);
		putchar(',');
		csv_str(stdout, r->section);
		printf(",%u,%s,", r->insn, uz_kind_name(r->kind));
		csv_str(stdout, r->spec);
		printf(",%s,%llu,", result_word(r), (unsigned long long)r->new_value);
		csv_str(stdout, r->target_spec);
		putchar('\n');
	}
}

static void json_row_begin(const struct row *row, bool first)
{
	fputs(first ? "[\n{\"kernel\": " : ",\n{\"kernel\": ", stdout);
	json_str(stdout, row->name);
	fputs(", \"path\": ", stdout);
	json_str(stdout, row->path);
	fputs(", \"error\": ", stdout);
	if (row->error)
		json_str(stdout, row->error);
	else
		fputs("null", stdout);
	fputs(", \"records\": {", stdout);
}

/* The engine's JSON array for one object, through a memory stream. */
static void json_records(const struct mobj *o, const struct uz_relocation *rel, bool first)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);

	if (!mf) {
		fprintf(stderr, "userize matrix: out of memory\n");
		exit(2);
	}
	uz_relocation_write_json(rel, mf);
	fclose(mf);
	while (len && buf[len - 1] == '\n')
		len--;
	fputs(first ? "\n" : ",\n", stdout);
	json_str(stdout, o->name);
	fputs(": ", stdout);
	fwrite(buf, 1, len, stdout);
	free(buf);
}

static void process_target(struct matrix *m, struct row *row, bool first)
{
	UZ_OPTS_INIT(uz_reloc_opts, ropts, .allow_errors = true);
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	struct stat st;
	size_t oi;

	if (!row->error) {
		if (stat(row->path, &st))
			row->error = xstrdup(strerror(errno));
		else if (S_ISDIR(st.st_mode))
			row->error = xstrdup("is a directory, not a BTF or vmlinux file");
		else if (uz_target_load(row->path, NULL, &tgt, &err)) {
			size_t pl = strlen(row->path);
			const char *msg = err.msg[0] ? err.msg : strerror(-err.code);

			/* the row names the file already */
			if (!strncmp(msg, row->path, pl) && !strncmp(msg + pl, ": ", 2))
				msg += pl + 2;
			row->error = xstrdup(msg);
		}
	}
	if (row->error)
		fprintf(stderr, "userize matrix: %s: %s\n", row->path, row->error);
	if (m->fmt == FMT_JSON)
		json_row_begin(row, first);
	if (m->fmt == FMT_CSV && row->error) {
		csv_str(stdout, row->name);
		fputs(",,,,,,target_error,,", stdout);
		csv_str(stdout, row->error);
		putchar('\n');
	}
	for (oi = 0; tgt && oi < m->nobj; oi++) {
		struct mobj *o = &m->objs[oi];
		struct uz_relocation *rel = NULL;
		size_t i, n;

		if (uz_object_relocate(o->obj, tgt, &ropts, &rel, &err)) {
			/* allow_errors: only resource failures end up here */
			fprintf(stderr, "userize matrix: %s on %s: %s\n", o->name, row->name, err.msg);
			exit(2);
		}
		n = uz_relocation_record_cnt(rel);
		if (!o->rec2col)
			build_columns(m, oi, rel);
		for (i = 0; i < n; i++)
			row->unresolved += rec_unresolved(uz_relocation_record(rel, i));
		if (m->fmt == FMT_TABLE)
			fill_cells(m, row, oi, rel);
		else if (m->fmt == FMT_CSV)
			csv_records(row, o, rel);
		else
			json_records(o, rel, oi == 0);
		uz_relocation_free(rel);
	}
	if (m->fmt == FMT_JSON)
		fputs(m->nobj && tgt ? "\n}}" : "}}", stdout);
	uz_target_free(tgt);
}

/* ---- human table ------------------------------------------------------- */

static bool rows_equal(const struct matrix *m, const struct row *a, const struct row *b)
{
	size_t i;

	for (i = 0; i < m->ncols; i++) {
		const struct cell *x = i < a->ncells ? &a->cells[i] : NULL;
		const struct cell *y = i < b->ncells ? &b->cells[i] : NULL;
		uint8_t xs = x ? x->state : CELL_UNSET, ys = y ? y->state : CELL_UNSET;

		if (xs != ys || (xs == CELL_OK && x->value != y->value))
			return false;
	}
	return true;
}

static void group_label(int g, char *buf, size_t len)
{
	if (g < 26)
		snprintf(buf, len, "%c", 'A' + g);
	else
		snprintf(buf, len, "%c%c", 'A' + g / 26 - 1, 'A' + g % 26);
}

static void cell_text(const struct row *r, size_t col, char *buf, size_t len)
{
	const struct cell *c;

	if (r->error) {
		snprintf(buf, len, "!");
		return;
	}
	c = col < r->ncells ? &r->cells[col] : NULL;
	switch (c ? c->state : CELL_UNSET) {
	case CELL_OK: snprintf(buf, len, "%llu", (unsigned long long)c->value); break;
	case CELL_MISSING: snprintf(buf, len, "-"); break;
	case CELL_POISONED: snprintf(buf, len, "P"); break;
	case CELL_ERROR: snprintf(buf, len, "E"); break;
	default: snprintf(buf, len, "?"); break;
	}
}

static void print_table(struct matrix *m)
{
	size_t *rep = xrealloc(NULL, (m->nrows + 1) * sizeof(*rep)); /* group -> row */
	size_t *width, ngroups = 0, i, j, g, labw = 10, start;
	bool any_err = false;
	char buf[64];

	for (i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];

		if (r->error) {
			r->group = -1;
			any_err = true;
			continue;
		}
		for (g = 0; !m->no_group && g < ngroups; g++)
			if (rows_equal(m, &m->rows[rep[g]], r))
				break;
		if (m->no_group || g == ngroups)
			rep[ngroups++] = i;
		r->group = (int)g;
	}

	printf("%zu kernel(s), %zu layout(s), %zu object(s), %zu relocation(s)\n",
	       m->nrows, ngroups, m->nobj, m->ncols);
	for (g = 0; g < ngroups; g++) {
		size_t bad = m->rows[rep[g]].unresolved;

		group_label((int)g, buf, sizeof(buf));
		printf("  %-3s", buf);
		for (i = 0, j = 0; i < m->nrows; i++)
			if (m->rows[i].group == (int)g)
				printf("%s%s", j++ ? ", " : " ", m->rows[i].name);
		if (bad)
			printf("  (%zu unresolved)", bad);
		putchar('\n');
	}
	for (i = 0; i < m->nrows; i++)
		if (m->rows[i].error)
			printf("  !    %s: failed to load %s: %s\n", m->rows[i].name,
			       m->rows[i].path, m->rows[i].error);
	putchar('\n');

	/* columns: groups, then one "!" column for the failed targets */
	width = xrealloc(NULL, (ngroups + 1) * sizeof(*width));
	for (i = 0; i < m->ncols; i++)
		if (strlen(m->cols[i].label) + 8 > labw)
			labw = strlen(m->cols[i].label) + 8;
	if (labw > LABEL_MAX)
		labw = LABEL_MAX;
	for (g = 0; g < ngroups; g++) {
		width[g] = 2;
		for (i = 0; i < m->ncols; i++) {
			cell_text(&m->rows[rep[g]], i, buf, sizeof(buf));
			if (strlen(buf) > width[g])
				width[g] = strlen(buf);
		}
	}
	width[ngroups] = 1;

	/* chunks of groups that fit TABLE_WIDTH */
	for (start = 0; start < ngroups + any_err || (start == 0 && m->ncols);) {
		size_t end = start, w = labw;

		while (end < ngroups + any_err && (end == start || w + width[end] + 2 <= TABLE_WIDTH))
			w += width[end++] + 2;
		printf("%-*s", (int)labw, "relocation");
		for (g = start; g < end; g++) {
			if (g < ngroups)
				group_label((int)g, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "!");
			printf("  %*s", (int)width[g], buf);
		}
		putchar('\n');
		for (i = 0; i < m->ncols; i++) {
			const struct column *c = &m->cols[i];
			char lab[LABEL_MAX + 1];

			if (c->dups)
				snprintf(lab, sizeof(lab), "%s (x%zu)", c->label, c->dups + 1);
			else
				snprintf(lab, sizeof(lab), "%s", c->label);
			if (strlen(c->label) + 8 > labw && labw > 3)
				memcpy(lab + labw - 3, "...", 4);
			printf("%-*s", (int)labw, lab);
			for (g = start; g < end; g++) {
				if (g < ngroups)
					cell_text(&m->rows[rep[g]], i, buf, sizeof(buf));
				else
					snprintf(buf, sizeof(buf), "!");
				printf("  %*s", (int)width[g], buf);
			}
			putchar('\n');
		}
		if (end == start)
			break;
		start = end;
		if (start < ngroups + any_err)
			putchar('\n');
	}
	printf("\nlegend: N value after relocation (offset, size, id, 1/0...)   - missing: existence\n"
	       "check answered 0 / type absent (fine when the program checks)   P poisoned: the\n"
	       "field is not in that kernel, the instruction becomes an invalid call (loads only\n"
	       "if unreachable)   E error: ambiguous or bad record (see `userize explain`)\n"
	       "! target failed to load (reason above)   (xN) N identical relocations merged\n");
	free(width);
	free(rep);
}

/* ---- arguments --------------------------------------------------------- */

static int parse(struct matrix *m, int argc, char **argv, bool *had_targets)
{
	bool in_targets = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			matrix_usage(stdout);
			return 1;
		} else if (!strcmp(a, "--targets") || !strcmp(a, "-t")) {
			in_targets = true;
			*had_targets = true;
		} else if (!strcmp(a, "--json")) {
			m->fmt = FMT_JSON;
			in_targets = false;
		} else if (!strcmp(a, "--csv")) {
			m->fmt = FMT_CSV;
			in_targets = false;
		} else if (!strcmp(a, "--no-group")) {
			m->no_group = true;
			in_targets = false;
		} else if (!strcmp(a, "--shard")) {
			char end;

			if (i + 1 >= argc ||
			    sscanf(argv[++i], "%u/%u%c", &m->shard_i, &m->shard_n, &end) != 2 ||
			    !m->shard_n || m->shard_i >= m->shard_n) {
				fprintf(stderr, "userize matrix: --shard takes I/N with 0 <= I < N\n");
				return 2;
			}
			in_targets = false;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "userize matrix: unknown option '%s'\n", a);
			matrix_usage(stderr);
			return 2;
		} else if (in_targets) {
			add_target_arg(m, a);
		} else {
			m->objs = xrealloc(m->objs, (m->nobj + 1) * sizeof(*m->objs));
			memset(&m->objs[m->nobj], 0, sizeof(m->objs[0]));
			m->objs[m->nobj].path = a;
			m->objs[m->nobj++].name = base_strip(a, ".o");
		}
	}
	return 0;
}

static void matrix_free(struct matrix *m)
{
	size_t i;

	for (i = 0; i < m->nobj; i++) {
		uz_object_free(m->objs[i].obj);
		free(m->objs[i].name);
		free(m->objs[i].rec2col);
	}
	for (i = 0; i < m->nrows; i++) {
		free(m->rows[i].path);
		free(m->rows[i].name);
		free(m->rows[i].error);
		free(m->rows[i].cells);
	}
	for (i = 0; i < m->ncols; i++) {
		free(m->cols[i].label);
		free(m->cols[i].spec);
	}
	free(m->objs);
	free(m->rows);
	free(m->cols);
}

int uz_cmd_matrix(int argc, char **argv)
{
	struct matrix m = { 0 };
	bool had_targets = false, failed = false;
	size_t i;
	int rc;

	rc = parse(&m, argc, argv, &had_targets);
	if (rc) {
		matrix_free(&m);
		return rc == 1 ? 0 : rc;
	}
	if (!m.nobj) {
		fprintf(stderr, "userize matrix: no object given\n");
		matrix_usage(stderr);
		rc = 2;
		goto out;
	}
	if (!had_targets || !m.nrows) {
		fprintf(stderr, "userize matrix: no targets (give --targets DIR|FILE...)\n");
		rc = 2;
		goto out;
	}
	for (i = 0; i < m.nobj; i++) {
		struct uz_error err = { 0 };

		if (uz_object_open(m.objs[i].path, NULL, &m.objs[i].obj, &err)) {
			fprintf(stderr, "userize matrix: %s\n", err.msg);
			rc = 2;
			goto out;
		}
	}
	qsort(m.rows, m.nrows, sizeof(*m.rows), row_cmp);
	if (m.shard_n) {
		size_t kept = 0;

		for (i = 0; i < m.nrows; i++) {
			if (i % m.shard_n == m.shard_i) {
				m.rows[kept++] = m.rows[i];
				continue;
			}
			free(m.rows[i].path);
			free(m.rows[i].name);
			free(m.rows[i].error);
		}
		m.nrows = kept;
		if (!kept) {
			fprintf(stderr, "userize matrix: shard %u/%u holds no target\n",
				m.shard_i, m.shard_n);
			rc = 2;
			goto out;
		}
	}
	if (m.fmt == FMT_CSV)
		puts("kernel,object,section,insn,kind,spec,result,value,target_spec");
	for (i = 0; i < m.nrows; i++) {
		if (m.nrows > 20)
			fprintf(stderr, "[%zu/%zu] %s\n", i + 1, m.nrows, m.rows[i].name);
		process_target(&m, &m.rows[i], i == 0);
		if (m.rows[i].error || m.rows[i].unresolved)
			failed = true;
	}
	if (m.fmt == FMT_JSON)
		fputs("\n]\n", stdout);
	else if (m.fmt == FMT_TABLE)
		print_table(&m);
	fflush(stdout);
	rc = failed ? 1 : 0;
out:
	matrix_free(&m);
	return rc;
}
