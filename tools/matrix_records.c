/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize matrix OBJ...`: relocate every object against every kernel and
 * record what each relocation resolves to. Owns the object matrix: the
 * conversion of engine records, table lines (one per relocation, identical
 * kind+spec within one object merged), cells, and the JSON and CSV forms.
 *
 * JSON: [{"kernel", "path", "error", "records": {OBJ: [record...] | null}}],
 * one object per kernel in path order; a record has the keys of
 * `userize reloc --report json` plus "local_type_id". CSV: kernel,object,
 * section,insn,kind,spec,result,value,target_spec with result ok, poisoned,
 * guarded (poisoned, but dead code: uz_record.dead), error or target_error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "encode.h"
#include "matrix.h"

bool mx_kind_is_existence(unsigned int kind)
{
	return kind == UZ_FIELD_EXISTS || kind == UZ_TYPE_EXISTS || kind == UZ_ENUMVAL_EXISTS ||
	       kind == UZ_TYPE_MATCHES || kind == UZ_TYPE_ID_TARGET;
}

void mx_rec_from_uz(struct mx_rec *d, const struct uz_record *r)
{
	d->section = r->section;
	d->insn = r->insn;
	d->kind = r->kind;
	d->local_type_id = r->local_type_id;
	d->local_type = r->local_type;
	d->access = r->access;
	d->spec = r->spec;
	d->result = r->result;
	d->orig_value = r->orig_value;
	d->new_value = r->new_value;
	d->target_type = r->target_type;
	d->target_spec = r->target_spec;
	d->message = r->message;
	d->dead = r->dead;
}

static struct mx_cell rec_cell(const struct mx_rec *r)
{
	struct mx_cell c = { MX_OK, r->new_value, 0, NULL };

	if (r->result == UZ_RESULT_ERROR)
		c.state = MX_ERROR;
	else if (mx_kind_is_existence(r->kind) &&
		 (r->result == UZ_RESULT_POISONED || !r->new_value))
		c.state = MX_MISSING;
	else if (r->result == UZ_RESULT_POISONED)
		c.state = r->dead ? MX_GUARDED : MX_POISONED;
	return c;
}

static const char *result_word(const struct mx_rec *r)
{
	switch (r->result) {
	case UZ_RESULT_OK: return "ok";
	case UZ_RESULT_POISONED: return r->dead ? "guarded" : "poisoned";
	default: return "error";
	}
}

/* Table lines for object @oi from its records on the first loaded kernel. */
static void build_lines(struct matrix *m, size_t oi, const struct mx_rec *recs, size_t n)
{
	struct mx_obj *o = &m->objs[oi];
	size_t i, j, first = m->nlines;

	o->nrecs = n;
	o->rec2line = mx_realloc(NULL, n * sizeof(*o->rec2line));
	for (i = 0; i < n; i++) {
		const struct mx_rec *r = &recs[i];
		struct mx_line *l;
		size_t len;

		for (j = first; j < m->nlines; j++)
			if (m->lines[j].kind == r->kind && !strcmp(m->lines[j].spec, r->spec))
				break;
		if (j < m->nlines) {
			m->lines[j].dups++;
			o->rec2line[i] = j;
			continue;
		}
		l = mx_add_line(m);
		l->obj = oi;
		l->kind = r->kind;
		l->spec = mx_strdup(r->spec);
		len = strlen(o->name) + strlen(r->section) + strlen(r->spec) + 48;
		l->label = mx_realloc(NULL, len);
		snprintf(l->label, len, "%s:%s:%u %s %s", o->name, r->section, r->insn,
			 uz_kind_name(r->kind), r->spec);
		o->rec2line[i] = m->nlines - 1;
	}
}

/* A later kernel must show the same records (merged inputs could differ). */
static int check_lines(const struct matrix *m, const struct mx_row *row, size_t oi,
		       const struct mx_rec *recs, size_t n)
{
	const struct mx_obj *o = &m->objs[oi];
	size_t i;

	if (n != o->nrecs) {
		fprintf(stderr, MX_PROG ": object '%s' has %zu relocation(s) on kernel %s but "
			"%zu on an earlier kernel: the inputs were not made from the same objects\n",
			o->name, n, row->name, o->nrecs);
		return 2;
	}
	for (i = 0; i < n; i++) {
		const struct mx_line *l = &m->lines[o->rec2line[i]];

		if (l->kind != recs[i].kind || strcmp(l->spec, recs[i].spec)) {
			fprintf(stderr, MX_PROG ": object '%s', relocation %zu: %s %s on kernel %s "
				"but %s %s on an earlier kernel: the inputs were not made from the "
				"same objects\n", o->name, i, uz_kind_name(recs[i].kind),
				recs[i].spec, row->name, uz_kind_name(l->kind), l->spec);
			return 2;
		}
	}
	return 0;
}

static void fill_cells(const struct matrix *m, struct mx_row *row, size_t oi,
		       const struct mx_rec *recs, size_t n)
{
	const struct mx_obj *o = &m->objs[oi];
	size_t i;

	mx_row_cells(m, row);
	for (i = 0; i < n; i++) {
		struct mx_cell c = rec_cell(&recs[i]);
		struct mx_cell *dst = &row->cells[o->rec2line[i]];

		/* duplicates normally agree; if not, keep the worse state */
		if (dst->state == MX_UNSET || c.state > dst->state)
			*dst = c;
	}
}

static void json_record(const struct mx_rec *r, bool first)
{
	fputs(first ? "\n {\"section\": " : ",\n {\"section\": ", stdout);
	json_put_str(stdout, r->section);
	printf(", \"insn\": %" PRIu32 ", \"kind\": ", r->insn);
	json_put_str(stdout, uz_kind_name(r->kind));
	fputs(", \"local_type\": ", stdout);
	json_put_str(stdout, r->local_type);
	printf(", \"local_type_id\": %" PRIu32 ", \"access\": ", r->local_type_id);
	json_put_str(stdout, r->access);
	fputs(", \"spec\": ", stdout);
	json_put_str(stdout, r->spec);
	fputs(", \"result\": ", stdout);
	json_put_str(stdout, r->result == UZ_RESULT_OK ? "ok" :
			     r->result == UZ_RESULT_POISONED ? "poisoned" : "error");
	printf(", \"dead\": %s, \"orig_value\": %" PRIu64 ", \"new_value\": %" PRIu64
	       ", \"target_type\": ", r->dead ? "true" : "false", r->orig_value, r->new_value);
	json_put_str(stdout, r->target_type);
	fputs(", \"target_spec\": ", stdout);
	json_put_str(stdout, r->target_spec);
	fputs(", \"message\": ", stdout);
	json_put_str(stdout, r->message);
	fputc('}', stdout);
}

static void json_kernel(struct matrix *m, const struct mx_row *row,
			const struct mx_objrecs *objrecs)
{
	size_t oi, i;

	mx_json_row_begin(m, row);
	fputs(", \"records\": {", stdout);
	for (oi = 0; oi < m->nobj; oi++) {
		const struct mx_objrecs *o = &objrecs[oi];

		fputs(oi ? ",\n" : "\n", stdout);
		json_put_str(stdout, m->objs[oi].name);
		if (!o->recs) {
			fputs(": null", stdout);
			continue;
		}
		fputs(": [", stdout);
		for (i = 0; i < o->n; i++)
			json_record(&o->recs[i], i == 0);
		fputs(o->n ? "\n]" : "]", stdout);
	}
	fputs("\n}}", stdout);
}

static void csv_kernel(struct matrix *m, const struct mx_row *row,
		       const struct mx_objrecs *objrecs)
{
	size_t oi, i;

	if (!m->written++)
		puts("kernel,object,section,insn,kind,spec,result,value,target_spec");
	if (row->error) {
		csv_put_str(stdout, row->name);
		fputs(",,,,,,target_error,,", stdout);
		csv_put_str(stdout, row->error);
		putchar('\n');
		return;
	}
	for (oi = 0; oi < m->nobj; oi++) {
		for (i = 0; i < objrecs[oi].n; i++) {
			const struct mx_rec *r = &objrecs[oi].recs[i];

			csv_put_str(stdout, row->name);
			putchar(',');
			csv_put_str(stdout, m->objs[oi].name);
			putchar(',');
			csv_put_str(stdout, r->section);
			printf(",%" PRIu32 ",%s,", r->insn, uz_kind_name(r->kind));
			csv_put_str(stdout, r->spec);
			printf(",%s,%" PRIu64 ",", result_word(r), r->new_value);
			csv_put_str(stdout, r->target_spec);
			putchar('\n');
		}
	}
}

/*
 * One kernel of the object matrix, first step: objrecs has one entry per
 * object in m->objs order (recs NULL when row->error). Counts unresolved
 * and guarded (poisoned but dead) records, builds the table lines on the
 * first loaded kernel and checks later kernels against them. Writes
 * nothing. 0 or exit status 2.
 */
int mx_records_prepare(struct matrix *m, struct mx_row *row, struct mx_objrecs *objrecs)
{
	size_t oi, i;
	int rc;

	for (oi = 0; !row->error && oi < m->nobj; oi++) {
		struct mx_objrecs *o = &objrecs[oi];

		for (i = 0; i < o->n; i++) {
			const struct mx_rec *r = &o->recs[i];

			if (r->result == UZ_RESULT_ERROR ||
			    (r->result == UZ_RESULT_POISONED && !mx_kind_is_existence(r->kind) &&
			     !r->dead))
				row->unresolved++;
			else if (r->result == UZ_RESULT_POISONED && r->dead)
				row->guarded++;
		}
		if (!m->objs[oi].rec2line)
			build_lines(m, oi, o->recs, o->n);
		else if ((rc = check_lines(m, row, oi, o->recs, o->n)))
			return rc;
	}
	return 0;
}

/* Second step: write the kernel's JSON or CSV, or fill its table cells. */
void mx_records_emit(struct matrix *m, struct mx_row *row, const struct mx_objrecs *objrecs)
{
	size_t oi;

	if (m->fmt == MX_JSON)
		json_kernel(m, row, objrecs);
	else if (m->fmt == MX_CSV)
		csv_kernel(m, row, objrecs);
	else
		for (oi = 0; !row->error && oi < m->nobj; oi++)
			fill_cells(m, row, oi, objrecs[oi].recs, objrecs[oi].n);
}

void mx_records_end(struct matrix *m)
{
	if (m->fmt == MX_JSON)
		fputs("\n]\n", stdout);
	else if (m->fmt == MX_TABLE)
		mx_table_print(m);
	fflush(stdout);
}

/* Relocate every object against the row's target; recs point into *rels. */
static void relocate_all(struct matrix *m, struct mx_row *row, struct uz_target *tgt,
			 struct mx_objrecs *objrecs, struct uz_relocation **rels)
{
	UZ_OPTS_INIT(uz_reloc_opts, ropts, .allow_errors = true);
	const struct uz_object **objs = mx_realloc(NULL, (m->nobj + 1) * sizeof(*objs));
	struct uz_error err = { 0 };
	size_t oi, i;

	/* A DWARF target converts the types of all objects at once. */
	for (oi = 0; oi < m->nobj; oi++)
		objs[oi] = m->objs[oi].obj;
	if (tgt && uz_target_need_objects(tgt, objs, m->nobj, &ropts, &err)) {
		fprintf(stderr, MX_PROG ": %s: %s\n", row->name, err.msg);
		exit(2);
	}
	free(objs);
	for (oi = 0; oi < m->nobj; oi++) {
		struct mx_objrecs *o = &objrecs[oi];
		struct uz_error err = { 0 };

		o->name = m->objs[oi].name;
		o->recs = NULL;
		o->n = 0;
		rels[oi] = NULL;
		if (!tgt)
			continue;
		if (uz_object_relocate(m->objs[oi].obj, tgt, &ropts, &rels[oi], &err)) {
			/* allow_errors: only resource failures end up here */
			fprintf(stderr, MX_PROG ": %s on %s: %s\n", o->name, row->name, err.msg);
			exit(2);
		}
		o->n = uz_relocation_record_cnt(rels[oi]);
		o->recs = mx_realloc(NULL, o->n * sizeof(*o->recs));
		for (i = 0; i < o->n; i++)
			mx_rec_from_uz(&o->recs[i], uz_relocation_record(rels[oi], i));
	}
}

int mx_run_objects(struct matrix *m)
{
	struct mx_objrecs *objrecs;
	struct uz_relocation **rels;
	size_t i, oi;
	int rc;

	for (i = 0; i < m->nobj; i++)
		if (cli_object_open(MX_PROG, m->objs[i].path, &m->objs[i].obj))
			return 2;
	mx_sort_rows(m);
	rc = mx_shard_rows(m);
	if (rc)
		return rc;
	objrecs = mx_realloc(NULL, m->nobj * sizeof(*objrecs));
	rels = mx_realloc(NULL, m->nobj * sizeof(*rels));
	for (i = 0; i < m->nrows && !rc; i++) {
		struct mx_row *row = &m->rows[i];
		struct uz_target *tgt;

		mx_progress(m, i);
		tgt = mx_load_target(m, row);
		relocate_all(m, row, tgt, objrecs, rels);
		rc = mx_records_prepare(m, row, objrecs);
		if (!rc)
			mx_records_emit(m, row, objrecs);
		for (oi = 0; oi < m->nobj; oi++) {
			free(objrecs[oi].recs);
			uz_relocation_free(rels[oi]);
		}
		uz_target_free(tgt);
	}
	mx_progress(m, m->nrows);
	free(objrecs);
	free(rels);
	if (rc)
		return rc;
	mx_records_end(m);
	return mx_exit_status(m);
}
