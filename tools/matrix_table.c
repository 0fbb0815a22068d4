/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize matrix`: the human table. Kernels whose cells are all identical
 * form one "layout group" (A, B, ... AA, AB ...) unless --no-group; lines
 * are relocations or view fields; columns are groups, split into chunks
 * that fit TABLE_WIDTH, plus one "!" column when a target failed to load.
 * For --fields two more left columns say which kernel field each view field
 * resolved to and its size, listing the groups per name when they differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"

#define TABLE_WIDTH 160
#define LABEL_MAX 90
#define KFIELD_MAX 70

struct table {
	size_t *rep;		/* group -> representative row */
	size_t ngroups;
	bool any_err;
	char **kfield;		/* fields: per line */
	char **size;		/* fields: per line */
	bool *size_varies;	/* fields: per line */
};

static bool cells_equal(const struct mx_cell *x, const struct mx_cell *y)
{
	if (x->state != y->state)
		return false;
	if (x->state != MX_OK)
		return true;
	if (x->value != y->value || x->size != y->size)
		return false;
	if (!x->path || !y->path)
		return x->path == y->path;
	return !strcmp(x->path, y->path);
}

static bool rows_equal(const struct matrix *m, const struct mx_row *a, const struct mx_row *b)
{
	static const struct mx_cell unset = { 0 };
	size_t i;

	for (i = 0; i < m->nlines; i++) {
		const struct mx_cell *x = i < a->ncells ? &a->cells[i] : &unset;
		const struct mx_cell *y = i < b->ncells ? &b->cells[i] : &unset;

		if (!cells_equal(x, y))
			return false;
	}
	return true;
}

static void group_label(size_t g, char *buf, size_t len)
{
	if (g < 26)
		snprintf(buf, len, "%c", (char)('A' + g));
	else
		snprintf(buf, len, "%c%c", (char)('A' + g / 26 - 1), (char)('A' + g % 26));
}

static void make_groups(struct matrix *m, struct table *t)
{
	size_t i, g;

	t->rep = mx_realloc(NULL, (m->nrows + 1) * sizeof(*t->rep));
	for (i = 0; i < m->nrows; i++) {
		struct mx_row *r = &m->rows[i];

		if (r->error) {
			r->group = -1;
			t->any_err = true;
			continue;
		}
		/* --no-group: every kernel its own group */
		for (g = m->no_group ? t->ngroups : 0; g < t->ngroups; g++)
			if (rows_equal(m, &m->rows[t->rep[g]], r))
				break;
		if (g == t->ngroups)
			t->rep[t->ngroups++] = i;
		r->group = (int)g;
	}
}

static const struct mx_cell *group_cell(const struct matrix *m, const struct table *t,
					size_t g, size_t line)
{
	const struct mx_row *r = &m->rows[t->rep[g]];

	return line < r->ncells ? &r->cells[line] : NULL;
}

static void append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	*buf = mx_realloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* Fields: the kernel field(s) and size(s) a view field has over the groups. */
static void field_columns(const struct matrix *m, struct table *t)
{
	size_t i, g, h;
	char buf[64];

	t->kfield = mx_realloc(NULL, (m->nlines + 1) * sizeof(*t->kfield));
	t->size = mx_realloc(NULL, (m->nlines + 1) * sizeof(*t->size));
	t->size_varies = mx_realloc(NULL, (m->nlines + 1) * sizeof(*t->size_varies));
	for (i = 0; i < m->nlines; i++) {
		const struct mx_cell *first = NULL;
		size_t len = 0, npaths = 0;
		char *kf = NULL;

		t->size_varies[i] = false;
		for (g = 0; g < t->ngroups; g++) {
			const struct mx_cell *c = group_cell(m, t, g, i);

			if (!c || c->state != MX_OK)
				continue;
			if (!first)
				first = c;
			else if (c->size != first->size)
				t->size_varies[i] = true;
			for (h = 0; h < g; h++) {
				const struct mx_cell *d = group_cell(m, t, h, i);

				if (d && d->state == MX_OK && !strcmp(d->path, c->path))
					break;
			}
			npaths += h == g;
		}
		if (first)
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)first->size);
		t->size[i] = mx_strdup(!first ? "-" : t->size_varies[i] ? "*" : buf);
		if (npaths <= 1) {
			t->kfield[i] = mx_strdup(first ? first->path : "-");
			continue;
		}
		/* "a (A,B) | b (C)": each name with the groups using it */
		for (g = 0; g < t->ngroups; g++) {
			const struct mx_cell *c = group_cell(m, t, g, i);
			bool seen = false, one = true;

			if (!c || c->state != MX_OK)
				continue;
			for (h = 0; h < g && !seen; h++) {
				const struct mx_cell *d = group_cell(m, t, h, i);

				seen = d && d->state == MX_OK && !strcmp(d->path, c->path);
			}
			if (seen)
				continue;
			if (len)
				append(&kf, &len, " | ");
			append(&kf, &len, c->path);
			append(&kf, &len, " (");
			for (h = g; h < t->ngroups; h++) {
				const struct mx_cell *d = group_cell(m, t, h, i);

				if (!d || d->state != MX_OK || strcmp(d->path, c->path))
					continue;
				group_label(h, buf, sizeof(buf));
				if (!one)
					append(&kf, &len, ",");
				append(&kf, &len, buf);
				one = false;
			}
			append(&kf, &len, ")");
		}
		t->kfield[i] = kf;
	}
}

static void cell_text(const struct matrix *m, const struct table *t, size_t g, size_t line,
		      char *buf, size_t len)
{
	const struct mx_cell *c;

	if (g >= t->ngroups) {
		snprintf(buf, len, "!");
		return;
	}
	c = group_cell(m, t, g, line);
	switch (c ? c->state : MX_UNSET) {
	case MX_OK:
		if (m->mode == MX_FIELDS && t->size_varies[line])
			snprintf(buf, len, "%llu:%llu", (unsigned long long)c->value,
				 (unsigned long long)c->size);
		else
			snprintf(buf, len, "%llu", (unsigned long long)c->value);
		break;
	case MX_MISSING: snprintf(buf, len, "-"); break;
	case MX_GUARDED: snprintf(buf, len, "G"); break;
	case MX_POISONED: snprintf(buf, len, "P"); break;
	case MX_ERROR: snprintf(buf, len, "E"); break;
	default: snprintf(buf, len, "?"); break;
	}
}

static size_t view_count(const struct matrix *m)
{
	size_t i, j, n = 0;

	for (i = 0; i < m->nlines; i++) {
		size_t li = strcspn(m->lines[i].label, ".");

		for (j = 0; j < i; j++)
			if (strcspn(m->lines[j].label, ".") == li &&
			    !strncmp(m->lines[j].label, m->lines[i].label, li))
				break;
		n += j == i;
	}
	return n;
}

static void print_summary(const struct matrix *m, const struct table *t)
{
	size_t g, i, j;
	char buf[16];

	if (m->mode == MX_FIELDS)
		printf("%zu kernel(s), %zu layout(s), %zu field(s) of %zu view(s)\n", m->nrows,
		       t->ngroups, m->nlines, view_count(m));
	else
		printf("%zu kernel(s), %zu layout(s), %zu object(s), %zu relocation(s)\n",
		       m->nrows, t->ngroups, m->nobj, m->nlines);
	for (g = 0; g < t->ngroups; g++) {
		const struct mx_row *rep = &m->rows[t->rep[g]];
		const char *sep = "  (";

		group_label(g, buf, sizeof(buf));
		printf("  %-3s", buf);
		for (i = 0, j = 0; i < m->nrows; i++)
			if (m->rows[i].group == (int)g)
				printf("%s%s", j++ ? ", " : " ", mx_row_label(&m->rows[i]));
		if (rep->missing) {
			printf("%s%zu missing", sep, rep->missing);
			sep = ", ";
		}
		if (rep->unresolved) {
			printf("%s%zu %s", sep, rep->unresolved,
			       m->mode == MX_FIELDS ? "failed" : "unresolved");
			sep = ", ";
		}
		if (rep->guarded) {
			printf("%s%zu guarded", sep, rep->guarded);
			sep = ", ";
		}
		fputs(sep[0] == ',' ? ")\n" : "\n", stdout);
	}
	for (i = 0; i < m->nrows; i++)
		if (m->rows[i].error)
			printf("  !    %s: failed to load %s: %s\n", mx_row_label(&m->rows[i]),
			       m->rows[i].path, m->rows[i].error);
	putchar('\n');
}

static void print_legend(const struct matrix *m)
{
	if (m->mode == MX_FIELDS) {
		fputs("\nlegend: N byte offset of the field in the kernel struct (bitfield: of its\n"
		      "load unit)   N:S offset N and size S, when the size differs between layouts\n"
		      "(size * above)   - the kernel has no such field: not an error, views keep\n"
		      "optional fields that programs test with UZ_HAS()   E did not resolve (see\n"
		      "the JSON message)   ! target failed to load (reason above)   kernel field:\n"
		      "what the view field resolved to, with the layouts per name when they differ\n",
		      stdout);
		return;
	}
	fputs("\nlegend: N value after relocation (offset, size, id, 1/0...)   - missing: existence\n"
	      "check answered 0 / type absent (fine when the program checks)   P poisoned: the\n"
	      "field is not in that kernel, the instruction becomes an invalid call (loads only\n"
	      "if unreachable)   G absent, guarded: poisoned like P, but dead code on that kernel:\n"
	      "with every existence check a constant, no path of the program reaches it, so the\n"
	      "verifier drops it and the program loads; not a failure unless --strict\n"
	      "E error: ambiguous or bad record (see `userize explain`)   ! target failed to\n"
	      "load (reason above)   (xN) N identical relocations merged\n", stdout);
}

static void print_line_left(const struct matrix *m, const struct table *t, size_t i,
			    size_t labw, size_t kfw, size_t szw)
{
	const struct mx_line *l = &m->lines[i];
	char lab[LABEL_MAX + 16];

	if (l->dups)
		snprintf(lab, sizeof(lab), "%s (x%zu)", l->label, l->dups + 1);
	else
		snprintf(lab, sizeof(lab), "%s", l->label);
	if (strlen(lab) > labw && labw > 3)
		memcpy(lab + labw - 3, "...", 4);
	printf("%-*s", (int)labw, lab);
	if (m->mode == MX_FIELDS) {
		char kf[KFIELD_MAX + 1];

		snprintf(kf, sizeof(kf), "%s", t->kfield[i]);
		if (strlen(t->kfield[i]) > kfw)
			memcpy(kf + kfw - 3, "...", 4);
		printf("  %-*s  %*s", (int)kfw, kf, (int)szw, t->size[i]);
	}
}

void mx_table_print(struct matrix *m)
{
	struct table t = { 0 };
	size_t *width, i, g, labw = 10, kfw = 12, szw = 4, left, start, ncol;
	char buf[64];

	mx_unique_names(m);
	make_groups(m, &t);
	print_summary(m, &t);
	if (m->mode == MX_FIELDS)
		field_columns(m, &t);

	for (i = 0; i < m->nlines; i++) {
		size_t n = strlen(m->lines[i].label) + (m->mode == MX_FIELDS ? 0 : 8);

		if (n > labw)
			labw = n;
		if (m->mode == MX_FIELDS) {
			if (strlen(t.kfield[i]) > kfw)
				kfw = strlen(t.kfield[i]);
			if (strlen(t.size[i]) > szw)
				szw = strlen(t.size[i]);
		}
	}
	if (labw > LABEL_MAX)
		labw = LABEL_MAX;
	if (kfw > KFIELD_MAX)
		kfw = KFIELD_MAX;
	left = labw + (m->mode == MX_FIELDS ? kfw + szw + 4 : 0);

	ncol = t.ngroups + t.any_err;
	width = mx_realloc(NULL, (ncol + 1) * sizeof(*width));
	for (g = 0; g < ncol; g++) {
		width[g] = g < t.ngroups ? 2 : 1;
		for (i = 0; i < m->nlines && g < t.ngroups; i++) {
			cell_text(m, &t, g, i, buf, sizeof(buf));
			if (strlen(buf) > width[g])
				width[g] = strlen(buf);
		}
	}

	/* chunks of groups that fit TABLE_WIDTH */
	for (start = 0; start < ncol || (start == 0 && m->nlines);) {
		size_t end = start, w = left;

		while (end < ncol && (end == start || w + width[end] + 2 <= TABLE_WIDTH))
			w += width[end++] + 2;
		printf("%-*s", (int)labw, m->mode == MX_FIELDS ? "view field" : "relocation");
		if (m->mode == MX_FIELDS)
			printf("  %-*s  %*s", (int)kfw, "kernel field", (int)szw, "size");
		for (g = start; g < end; g++) {
			if (g < t.ngroups)
				group_label(g, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "!");
			printf("  %*s", (int)width[g], buf);
		}
		putchar('\n');
		for (i = 0; i < m->nlines; i++) {
			print_line_left(m, &t, i, labw, kfw, szw);
			for (g = start; g < end; g++) {
				cell_text(m, &t, g, i, buf, sizeof(buf));
				printf("  %*s", (int)width[g], buf);
			}
			putchar('\n');
		}
		if (end == start)
			break;
		start = end;
		if (start < ncol)
			putchar('\n');
	}
	print_legend(m);

	for (i = 0; m->mode == MX_FIELDS && i < m->nlines; i++) {
		free(t.kfield[i]);
		free(t.size[i]);
	}
	free(t.kfield);
	free(t.size);
	free(t.size_varies);
	free(width);
	free(t.rep);
}
