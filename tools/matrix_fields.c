/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize matrix --fields`: where every field of every uapi view lands on
 * every kernel (offset, size, the kernel struct.field it resolved to), or
 * that the kernel lacks it. No object is needed: the program that touches
 * every view field (generated at build time by uz-fields-gen from all
 * uapi/userize/bpf/\*.h headers, see tools/CMakeLists.txt) is embedded in this
 * binary. Per field it holds a field_exists, a byte_off and a byte_sz
 * relocation; this file turns their results into one answer per field.
 *
 * JSON: [{"kernel", "path", "error", "fields": [{"field", "result",
 * "offset", "size", "kernel_field", "message"}] | null}]; result is ok,
 * missing or error, offset/size/kernel_field are null unless ok.
 * CSV: kernel,field,result,offset,size,kernel_field,message.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "matrix.h"

#ifndef UZ_FIELDS_OBJ
#error "UZ_FIELDS_OBJ must name the generated fields object"
#endif

__asm__(".section .rodata\n"
	".balign 8\n"
	"uz_fields_obj_start:\n"
	".incbin \"" UZ_FIELDS_OBJ "\"\n"
	"uz_fields_obj_end:\n"
	".previous\n");

extern const char uz_fields_obj_start[] __asm__("uz_fields_obj_start");
extern const char uz_fields_obj_end[] __asm__("uz_fields_obj_end");

/* What the three records of one field said. */
struct field_acc {
	bool has_exists, exists, has_off, has_size;
};

static const char *state_word(enum mx_state s)
{
	return s == MX_OK ? "ok" : s == MX_MISSING ? "missing" : "error";
}

static size_t find_field(struct mx_field *f, size_t n, size_t hint, const char *name)
{
	size_t i;

	if (hint < n && !strcmp(f[hint].name, name))
		return hint;
	for (i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return i;
	return n;
}

/*
 * One answer per field from the records of the fields object, in the order
 * the fields first appear. Strings point into @rel. *@out is malloc'ed.
 */
static size_t derive_fields(const struct uz_relocation *rel, struct mx_field **out)
{
	size_t nrec = uz_relocation_record_cnt(rel), n = 0, i, k = 0;
	struct mx_field *f = mx_realloc(NULL, nrec * sizeof(*f));
	struct field_acc *acc = mx_realloc(NULL, nrec * sizeof(*acc));

	for (i = 0; i < nrec; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);
		struct field_acc *a;

		k = find_field(f, n, k, r->spec);
		if (k == n) {
			memset(&f[n], 0, sizeof(f[n]));
			memset(&acc[n], 0, sizeof(acc[n]));
			f[n].name = r->spec;
			f[n].state = MX_OK;
			f[n].message = "";
			n++;
		}
		a = &acc[k];
		if (r->result == UZ_RESULT_ERROR) {
			if (f[k].state != MX_ERROR)
				f[k].message = r->message;
			f[k].state = MX_ERROR;
			continue;
		}
		switch (r->kind) {
		case UZ_FIELD_EXISTS:
			a->has_exists = true;
			a->exists = r->result == UZ_RESULT_OK && r->new_value;
			if (!a->exists && f[k].state != MX_ERROR)
				f[k].message = r->message;
			break;
		case UZ_FIELD_BYTE_OFFSET:
			if (r->result != UZ_RESULT_OK)
				break;
			a->has_off = true;
			f[k].offset = r->new_value;
			f[k].kernel_field = r->target_spec;
			if (f[k].state != MX_ERROR && a->exists)
				f[k].message = r->message;
			break;
		case UZ_FIELD_BYTE_SIZE:
			if (r->result != UZ_RESULT_OK)
				break;
			a->has_size = true;
			f[k].size = r->new_value;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < n; i++) {
		if (f[i].state == MX_ERROR)
			continue;
		if (acc[i].has_exists && !acc[i].exists) {
			f[i].state = MX_MISSING;
		} else if (!acc[i].has_exists || !acc[i].has_off || !acc[i].has_size) {
			f[i].state = MX_ERROR;
			f[i].message = "the field exists but its offset or size did not resolve";
		}
		if (f[i].state != MX_OK) {
			f[i].offset = f[i].size = 0;
			f[i].kernel_field = NULL;
		}
	}
	free(acc);
	*out = f;
	return n;
}

/* First step of one kernel: counts, table lines, consistency. 0 or 2. */
int mx_fields_prepare(struct matrix *m, struct mx_row *row, const struct mx_field *fields,
		      size_t n)
{
	size_t i;

	if (row->error)
		return 0;
	for (i = 0; i < n; i++) {
		row->missing += fields[i].state == MX_MISSING;
		row->unresolved += fields[i].state == MX_ERROR;
	}
	if (!m->lined) {
		for (i = 0; i < n; i++)
			mx_add_line(m)->label = mx_strdup(fields[i].name);
		m->lined = true;
		return 0;
	}
	if (n != m->nlines) {
		fprintf(stderr, MX_PROG ": kernel %s lists %zu field(s), an earlier kernel %zu: "
			"the inputs were not made by the same userize\n", row->name, n, m->nlines);
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(fields[i].name, m->lines[i].label)) {
			fprintf(stderr, MX_PROG ": kernel %s: field %zu is %s, on an earlier kernel "
				"%s: the inputs were not made by the same userize\n", row->name, i,
				fields[i].name, m->lines[i].label);
			return 2;
		}
	}
	return 0;
}

static void json_kernel(struct matrix *m, const struct mx_row *row,
			const struct mx_field *fields, size_t n)
{
	size_t i;

	mx_json_row_begin(m, row);
	if (row->error) {
		fputs(", \"fields\": null}", stdout);
		return;
	}
	fputs(", \"fields\": [", stdout);
	for (i = 0; i < n; i++) {
		const struct mx_field *f = &fields[i];

		fputs(i ? ",\n {\"field\": " : "\n {\"field\": ", stdout);
		json_put_str(stdout, f->name);
		fputs(", \"result\": ", stdout);
		json_put_str(stdout, state_word(f->state));
		if (f->state == MX_OK) {
			printf(", \"offset\": %" PRIu64 ", \"size\": %" PRIu64 ", \"kernel_field\": ",
			       f->offset, f->size);
			json_put_str(stdout, f->kernel_field);
		} else {
			fputs(", \"offset\": null, \"size\": null, \"kernel_field\": null", stdout);
		}
		fputs(", \"message\": ", stdout);
		json_put_str(stdout, f->message);
		fputc('}', stdout);
	}
	fputs(n ? "\n]}" : "]}", stdout);
}

static void csv_kernel(struct matrix *m, const struct mx_row *row,
		       const struct mx_field *fields, size_t n)
{
	size_t i;

	if (!m->written++)
		puts("kernel,field,result,offset,size,kernel_field,message");
	if (row->error) {
		csv_put_str(stdout, row->name);
		fputs(",,target_error,,,,", stdout);
		csv_put_str(stdout, row->error);
		putchar('\n');
		return;
	}
	for (i = 0; i < n; i++) {
		const struct mx_field *f = &fields[i];

		csv_put_str(stdout, row->name);
		putchar(',');
		csv_put_str(stdout, f->name);
		printf(",%s,", state_word(f->state));
		if (f->state == MX_OK)
			printf("%" PRIu64 ",%" PRIu64 ",", f->offset, f->size);
		else
			fputs(",,", stdout);
		csv_put_str(stdout, f->kernel_field);
		putchar(',');
		csv_put_str(stdout, f->message);
		putchar('\n');
	}
}

/* Second step: JSON, CSV or table cells. */
void mx_fields_emit(struct matrix *m, struct mx_row *row, const struct mx_field *fields,
		    size_t n)
{
	size_t i;

	if (m->fmt == MX_JSON) {
		json_kernel(m, row, fields, n);
		return;
	}
	if (m->fmt == MX_CSV) {
		csv_kernel(m, row, fields, n);
		return;
	}
	if (row->error)
		return;
	mx_row_cells(m, row);
	for (i = 0; i < n && i < row->ncells; i++) {
		struct mx_cell *c = &row->cells[i];

		c->state = (uint8_t)fields[i].state;
		c->value = fields[i].offset;
		c->size = fields[i].size;
		c->path = fields[i].kernel_field ? mx_strdup(fields[i].kernel_field) : NULL;
	}
}

void mx_fields_end(struct matrix *m)
{
	if (m->fmt == MX_JSON)
		fputs("\n]\n", stdout);
	else if (m->fmt == MX_TABLE)
		mx_table_print(m);
	fflush(stdout);
}

int mx_run_fields(struct matrix *m)
{
	UZ_OPTS_INIT(uz_object_opts, oopts, .name = "userize-fields");
	UZ_OPTS_INIT(uz_reloc_opts, ropts, .allow_errors = true);
	struct uz_object *obj = NULL;
	struct uz_error err = { 0 };
	size_t i;
	int rc;

	if (!m->nrows)
		mx_add_row(m, "/sys/kernel/btf/vmlinux", NULL);
	if (uz_object_open_mem(uz_fields_obj_start,
			       (size_t)(uz_fields_obj_end - uz_fields_obj_start), &oopts, &obj,
			       &err)) {
		fprintf(stderr, MX_PROG ": the embedded fields program: %s\n", err.msg);
		return 2;
	}
	mx_sort_rows(m);
	rc = mx_shard_rows(m);
	for (i = 0; i < m->nrows && !rc; i++) {
		struct mx_row *row = &m->rows[i];
		struct uz_relocation *rel = NULL;
		struct mx_field *fields = NULL;
		struct uz_target *tgt;
		size_t n = 0;

		mx_progress(m, i);
		tgt = mx_load_target(m, row);
		if (tgt && uz_object_relocate(obj, tgt, &ropts, &rel, &err)) {
			fprintf(stderr, MX_PROG ": fields on %s: %s\n", row->name, err.msg);
			exit(2);
		}
		if (rel)
			n = derive_fields(rel, &fields);
		rc = mx_fields_prepare(m, row, fields, n);
		if (!rc)
			mx_fields_emit(m, row, fields, n);
		free(fields);
		uz_relocation_free(rel);
		uz_target_free(tgt);
	}
	mx_progress(m, m->nrows);
	uz_object_free(obj);
	if (rc)
		return rc;
	mx_fields_end(m);
	return mx_exit_status(m);
}
