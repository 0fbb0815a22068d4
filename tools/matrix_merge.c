/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize matrix --merge SHARD.json...`: join the --json outputs of
 * `--shard I/N` runs (object matrix or --fields) into the table, JSON or CSV
 * that one unsharded run prints, byte for byte. Kernels from every file are
 * sorted by path (the order an unsharded run uses) and go through the same
 * writers as a live run.
 *
 * The inputs are untrusted: each file is read whole (at most MERGE_MAX_FILE
 * bytes) and parsed by the strict reader (json_read.c); then every kernel
 * entry, object list, record and field is checked for exactly the keys and
 * types the writers produce, all before anything is written. Any problem
 * is one message naming file, line and column, and exit status 2.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "matrix.h"

#define MERGE_MAX_FILE (1024UL * 1024 * 1024)

struct shard {
	const char *file;
	char *text;
	struct json_doc *doc;
	unsigned int i, n;	/* "shard": "I/N" of its kernels; n 0: an unsharded run */
};

/* One kernel entry of some shard, with what it converts to. */
struct entry {
	const struct shard *shard;
	const struct json_value *v;
	const char *name, *path, *error;
	struct mx_objrecs *objrecs;	/* records mode: m->nobj entries */
	struct mx_field *fields;	/* fields mode */
	size_t nfields;
};

struct merge {
	struct shard *shards;
	size_t nshards;
	struct entry *ents;
	size_t nents;
	bool failed;
};

static bool bad(struct merge *mg, const struct shard *s, const struct json_value *v,
		const char *fmt, ...)
{
	va_list ap;

	if (mg->failed)
		return false;
	mg->failed = true;
	if (v)
		fprintf(stderr, MX_PROG ": %s: line %u, column %u: ", s->file, v->line, v->col);
	else
		fprintf(stderr, MX_PROG ": %s: ", s->file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

static bool read_shard(struct merge *mg, struct shard *s)
{
	size_t len = 0, cap = 0;
	char err[256];
	FILE *f = fopen(s->file, "rb");
	int rc;

	if (!f) {
		fprintf(stderr, MX_PROG ": %s: %s\n", s->file, strerror(errno));
		mg->failed = true;
		return false;
	}
	for (;;) {
		size_t got;

		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			s->text = mx_realloc(s->text, cap);
		}
		got = fread(s->text + len, 1, cap - len, f);
		len += got;
		if (len > MERGE_MAX_FILE) {
			fclose(f);
			return bad(mg, s, NULL, "larger than %lu MiB: not a matrix --json output",
				   MERGE_MAX_FILE >> 20);
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		return bad(mg, s, NULL, "cannot read: %s", strerror(e));
	}
	fclose(f);
	if (!len)
		return bad(mg, s, NULL, "empty file: not a matrix --json output");
	rc = json_parse(s->text, len, &s->doc, err, sizeof(err));
	if (rc)
		return bad(mg, s, NULL, "%s", err);
	return true;
}

/* ---- typed member access with messages ---------------------------------- */

static const struct json_value *member(struct merge *mg, const struct shard *s,
				       const struct json_value *obj, const char *key,
				       enum json_type type, bool nullable)
{
	const struct json_value *v = json_get(obj, key);

	if (!v) {
		bad(mg, s, obj, "missing key \"%s\"", key);
		return NULL;
	}
	if (v->type == type || (nullable && v->type == JSON_NULL) ||
	    (type == JSON_TRUE && v->type == JSON_FALSE))
		return v;
	bad(mg, s, v, "\"%s\" must be %s%s, not %s", key, json_type_name(type),
	    nullable ? " or null" : "", json_type_name(v->type));
	return NULL;
}

static const char *str_member(struct merge *mg, const struct shard *s,
			      const struct json_value *obj, const char *key, bool nullable)
{
	const struct json_value *v = member(mg, s, obj, key, JSON_STRING, nullable);

	return v && v->type == JSON_STRING ? v->str : NULL;
}

static bool u64_member(struct merge *mg, const struct shard *s, const struct json_value *obj,
		       const char *key, uint64_t max, uint64_t *out)
{
	const struct json_value *v = member(mg, s, obj, key, JSON_NUMBER, false);

	if (!v)
		return false;
	if (!json_u64(v, out) || *out > max)
		return bad(mg, s, v, "\"%s\" must be an integer from 0 to %llu", key,
			   (unsigned long long)max);
	return true;
}

/* @obj must be an object with exactly the @n keys of @keys (@opt may be absent). */
static bool exact_keys_opt(struct merge *mg, const struct shard *s, const struct json_value *obj,
			   const char *what, const char *const *keys, size_t n, const char *opt)
{
	size_t i, k;

	if (obj->type != JSON_OBJECT)
		return bad(mg, s, obj, "%s must be an object, not %s", what,
			   json_type_name(obj->type));
	for (i = 0; i < obj->len; i++) {
		for (k = 0; k < n; k++)
			if (!strcmp(obj->kids[i].key, keys[k]))
				break;
		if (k == n && !(opt && !strcmp(obj->kids[i].key, opt)))
			return bad(mg, s, &obj->kids[i], "unknown key \"%s\" in %s",
				   obj->kids[i].key, what);
	}
	for (k = 0; k < n; k++)
		if (!json_get(obj, keys[k]))
			return bad(mg, s, obj, "%s has no \"%s\"", what, keys[k]);
	return true;
}

static bool exact_keys(struct merge *mg, const struct shard *s, const struct json_value *obj,
		       const char *what, const char *const *keys, size_t n)
{
	return exact_keys_opt(mg, s, obj, what, keys, n, NULL);
}

/* ---- records ----------------------------------------------------------- */

static bool kind_from_name(const char *name, unsigned int *kind)
{
	unsigned int k;

	for (k = 0; k < UZ_KIND_MAX; k++) {
		if (!strcmp(uz_kind_name(k), name)) {
			*kind = k;
			return true;
		}
	}
	return false;
}

static bool read_record(struct merge *mg, const struct shard *s, const struct json_value *v,
			struct mx_rec *r)
{
	static const char *const keys[] = {
		"section", "insn", "kind", "local_type", "local_type_id", "access", "spec",
		"result", "dead", "orig_value", "new_value", "target_type", "target_spec",
		"message",
	};
	const struct json_value *dead;
	const char *kind, *result;
	uint64_t insn, ltid;

	if (!exact_keys(mg, s, v, "a record", keys, sizeof(keys) / sizeof(keys[0])))
		return false;
	r->section = str_member(mg, s, v, "section", false);
	r->local_type = str_member(mg, s, v, "local_type", false);
	r->access = str_member(mg, s, v, "access", false);
	r->spec = str_member(mg, s, v, "spec", false);
	r->target_type = str_member(mg, s, v, "target_type", false);
	r->target_spec = str_member(mg, s, v, "target_spec", false);
	r->message = str_member(mg, s, v, "message", false);
	kind = str_member(mg, s, v, "kind", false);
	result = str_member(mg, s, v, "result", false);
	dead = member(mg, s, v, "dead", JSON_TRUE, false);
	if (!dead ||
	    !u64_member(mg, s, v, "insn", UINT32_MAX, &insn) ||
	    !u64_member(mg, s, v, "local_type_id", UINT32_MAX, &ltid) ||
	    !u64_member(mg, s, v, "orig_value", UINT64_MAX, &r->orig_value) ||
	    !u64_member(mg, s, v, "new_value", UINT64_MAX, &r->new_value) || mg->failed)
		return false;
	r->insn = (uint32_t)insn;
	r->local_type_id = (uint32_t)ltid;
	r->dead = dead->type == JSON_TRUE; /* the engine's answer, as in a live run */
	if (!kind_from_name(kind, &r->kind))
		return bad(mg, s, json_get(v, "kind"), "unknown relocation kind \"%s\"", kind);
	if (!strcmp(result, "ok"))
		r->result = UZ_RESULT_OK;
	else if (!strcmp(result, "poisoned"))
		r->result = UZ_RESULT_POISONED;
	else if (!strcmp(result, "error"))
		r->result = UZ_RESULT_ERROR;
	else
		return bad(mg, s, json_get(v, "result"),
			   "\"result\" must be \"ok\", \"poisoned\" or \"error\"");
	return true;
}

/* The object list of a kernel entry: same names, same order everywhere. */
static bool read_objects(struct merge *mg, struct matrix *m, struct entry *e,
			 const struct json_value *recs)
{
	size_t oi, i;

	if (!recs->len)
		return bad(mg, e->shard, recs, "\"records\" lists no object");
	if (!m->nobj) {
		m->objs = mx_realloc(NULL, recs->len * sizeof(*m->objs));
		memset(m->objs, 0, recs->len * sizeof(*m->objs));
		for (oi = 0; oi < recs->len; oi++)
			m->objs[oi].name = mx_strdup(recs->kids[oi].key);
		m->nobj = recs->len;
	}
	if (recs->len != m->nobj)
		return bad(mg, e->shard, recs, "kernel %s lists %zu object(s), another kernel %zu: "
			   "the shards were not made from the same objects", e->name, recs->len,
			   m->nobj);
	e->objrecs = mx_realloc(NULL, m->nobj * sizeof(*e->objrecs));
	memset(e->objrecs, 0, m->nobj * sizeof(*e->objrecs));
	for (oi = 0; oi < m->nobj; oi++) {
		const struct json_value *arr = &recs->kids[oi];
		struct mx_objrecs *o = &e->objrecs[oi];

		o->name = m->objs[oi].name;
		if (strcmp(arr->key, m->objs[oi].name))
			return bad(mg, e->shard, arr, "object %zu is \"%s\" here but \"%s\" for "
				   "another kernel: the shards were not made from the same objects",
				   oi + 1, arr->key, m->objs[oi].name);
		if (e->error) {
			if (arr->type != JSON_NULL)
				return bad(mg, e->shard, arr, "a kernel that failed to load must "
					   "have null records");
			continue;
		}
		if (arr->type != JSON_ARRAY)
			return bad(mg, e->shard, arr, "records of \"%s\" must be an array, not %s",
				   arr->key, json_type_name(arr->type));
		o->n = arr->len;
		o->recs = mx_realloc(NULL, arr->len * sizeof(*o->recs));
		for (i = 0; i < arr->len; i++)
			if (!read_record(mg, e->shard, &arr->kids[i], &o->recs[i]))
				return false;
	}
	return true;
}

/* ---- fields ------------------------------------------------------------ */

static bool read_field(struct merge *mg, const struct shard *s, const struct json_value *v,
		       struct mx_field *f)
{
	static const char *const keys[] = {
		"field", "result", "offset", "size", "kernel_field", "message",
	};
	const char *result;
	bool ok;

	if (!exact_keys(mg, s, v, "a field", keys, sizeof(keys) / sizeof(keys[0])))
		return false;
	f->name = str_member(mg, s, v, "field", false);
	f->message = str_member(mg, s, v, "message", false);
	result = str_member(mg, s, v, "result", false);
	if (mg->failed)
		return false;
	if (!strcmp(result, "ok"))
		f->state = MX_OK;
	else if (!strcmp(result, "missing"))
		f->state = MX_MISSING;
	else if (!strcmp(result, "error"))
		f->state = MX_ERROR;
	else
		return bad(mg, s, json_get(v, "result"),
			   "\"result\" must be \"ok\", \"missing\" or \"error\"");
	ok = f->state == MX_OK;
	if (ok) {
		f->kernel_field = str_member(mg, s, v, "kernel_field", false);
		return u64_member(mg, s, v, "offset", UINT64_MAX, &f->offset) &&
		       u64_member(mg, s, v, "size", UINT64_MAX, &f->size) && !mg->failed;
	}
	if (json_get(v, "offset")->type != JSON_NULL || json_get(v, "size")->type != JSON_NULL ||
	    json_get(v, "kernel_field")->type != JSON_NULL)
		return bad(mg, s, v, "a field that is %s has null offset, size and kernel_field",
			   result);
	return true;
}

static bool read_fields(struct merge *mg, struct entry *e, const struct json_value *arr)
{
	size_t i;

	if (e->error) {
		if (arr->type != JSON_NULL)
			return bad(mg, e->shard, arr, "a kernel that failed to load must have "
				   "null fields");
		return true;
	}
	if (arr->type != JSON_ARRAY)
		return bad(mg, e->shard, arr, "\"fields\" must be an array, not %s",
			   json_type_name(arr->type));
	e->nfields = arr->len;
	e->fields = mx_realloc(NULL, arr->len * sizeof(*e->fields));
	memset(e->fields, 0, arr->len * sizeof(*e->fields));
	for (i = 0; i < arr->len; i++)
		if (!read_field(mg, e->shard, &arr->kids[i], &e->fields[i]))
			return false;
	return true;
}

/* ---- kernels ----------------------------------------------------------- */

/* "shard": "I/N" (sharded runs only): the same on every kernel of a file. */
static bool read_shard_tag(struct merge *mg, struct shard *s, const struct json_value *v,
			   bool first_of_file)
{
	const struct json_value *t = json_get(v, "shard");
	unsigned int i = 0, n = 0;
	char end;

	if (t && (t->type != JSON_STRING || sscanf(t->str, "%u/%u%c", &i, &n, &end) != 2 ||
		  !n || i >= n))
		return bad(mg, s, t, "\"shard\" must be a string \"I/N\" with 0 <= I < N");
	if (first_of_file) {
		s->i = i;
		s->n = n;
	} else if (s->i != i || s->n != n) {
		return bad(mg, s, t ? t : v, "kernels of different shards in one file");
	}
	return true;
}

static bool read_entry(struct merge *mg, struct matrix *m, struct entry *e, bool first,
		       bool first_of_file)
{
	static const char *const rkeys[] = { "kernel", "path", "error", "records" };
	static const char *const fkeys[] = { "kernel", "path", "error", "fields" };
	const struct json_value *v = e->v;
	bool fields;

	if (v->type != JSON_OBJECT)
		return bad(mg, e->shard, v, "a kernel entry must be an object, not %s",
			   json_type_name(v->type));
	fields = json_get(v, "fields") != NULL;
	if (first && fields != (m->mode == MX_FIELDS) && m->mode == MX_FIELDS)
		return bad(mg, e->shard, v, "--fields given, but this is an object matrix");
	if (first)
		m->mode = fields ? MX_FIELDS : MX_RECORDS;
	if (fields != (m->mode == MX_FIELDS))
		return bad(mg, e->shard, v, "mixes --fields and object matrix outputs");
	if (!exact_keys_opt(mg, e->shard, v, "a kernel entry", fields ? fkeys : rkeys, 4, "shard") ||
	    !read_shard_tag(mg, (struct shard *)e->shard, v, first_of_file))
		return false;
	e->name = str_member(mg, e->shard, v, "kernel", false);
	e->path = str_member(mg, e->shard, v, "path", false);
	e->error = str_member(mg, e->shard, v, "error", true);
	if (mg->failed)
		return false;
	if (!*e->path || !*e->name)
		return bad(mg, e->shard, v, "empty kernel name or path");
	if (fields)
		return read_fields(mg, e, json_get(v, "fields"));
	if (json_get(v, "records")->type != JSON_OBJECT)
		return bad(mg, e->shard, json_get(v, "records"), "\"records\" must be an object");
	return read_objects(mg, m, e, json_get(v, "records"));
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/*
 * The shard files of one --shard I/N set: the same N, each I once, none
 * missing. Files of unsharded runs (no "shard") are joined as they are.
 */
static bool shards_complete(struct merge *mg)
{
	const struct shard *first = NULL, **seen = NULL;
	unsigned int i, missing = 0;
	size_t k;
	char list[256] = "";

	for (k = 0; k < mg->nshards; k++) {
		const struct shard *s = &mg->shards[k];

		if (!s->n)
			continue;
		if (!first) {
			first = s;
			seen = mx_realloc(NULL, s->n * sizeof(*seen));
			memset(seen, 0, s->n * sizeof(*seen));
		}
		if (s->n != first->n) {
			free(seen);
			return bad(mg, s, NULL, "shard %u/%u, but %s is shard %u/%u: the shards "
				   "come from runs with different N", s->i, s->n, first->file,
				   first->i, first->n);
		}
		if (seen[s->i]) {
			bad(mg, s, NULL, "shard %u/%u again (also %s): give each shard once",
			    s->i, s->n, seen[s->i]->file);
			free(seen);
			return false;
		}
		seen[s->i] = s;
	}
	for (i = 0; first && i < first->n; i++) {
		size_t l = strlen(list);

		if (seen[i])
			continue;
		if (missing++ < 8 && l + 24 < sizeof(list))
			snprintf(list + l, sizeof(list) - l, "%s%u/%u", l ? ", " : "", i, first->n);
	}
	free(seen);
	if (missing) {
		fprintf(stderr, MX_PROG ": shard%s %s%s missing: give the --json output of every "
			"--shard I/%u run\n", missing > 1 ? "s" : "", list, missing > 8 ? ", ..." : "",
			first->n);
		mg->failed = true;
		return false;
	}
	return true;
}

static bool collect(struct merge *mg, struct matrix *m)
{
	size_t i, k, n = 0;

	for (i = 0; i < mg->nshards; i++) {
		const struct json_value *root = json_root(mg->shards[i].doc);

		if (root->type != JSON_ARRAY)
			return bad(mg, &mg->shards[i], root, "must be the JSON array that "
				   "`userize matrix --json` prints, not %s", json_type_name(root->type));
		if (!root->len)
			return bad(mg, &mg->shards[i], root, "holds no kernel");
		n += root->len;
	}
	mg->ents = mx_realloc(NULL, n * sizeof(*mg->ents));
	memset(mg->ents, 0, n * sizeof(*mg->ents));
	for (i = 0; i < mg->nshards; i++) {
		const struct json_value *root = json_root(mg->shards[i].doc);

		for (k = 0; k < root->len; k++) {
			struct entry *e = &mg->ents[mg->nents++];

			e->shard = &mg->shards[i];
			e->v = &root->kids[k];
			if (!read_entry(mg, m, e, mg->nents == 1, k == 0))
				return false;
		}
	}
	qsort(mg->ents, mg->nents, sizeof(*mg->ents), entry_cmp);
	for (i = 1; i < mg->nents; i++) {
		const struct entry *a = &mg->ents[i - 1], *b = &mg->ents[i];

		if (!strcmp(a->path, b->path))
			return bad(mg, b->shard, b->v, "kernel %s (%s) is also in %s: give each shard "
				   "once", b->name, b->path, a->shard->file);
	}
	return shards_complete(mg);
}

static void merge_free(struct merge *mg, const struct matrix *m)
{
	size_t i, oi;

	for (i = 0; i < mg->nents; i++) {
		if (mg->ents[i].objrecs)
			for (oi = 0; oi < m->nobj; oi++)
				free(mg->ents[i].objrecs[oi].recs);
		free(mg->ents[i].objrecs);
		free(mg->ents[i].fields);
	}
	for (i = 0; i < mg->nshards; i++) {
		json_free(mg->shards[i].doc);
		free(mg->shards[i].text);
	}
	free(mg->ents);
	free(mg->shards);
}

int mx_run_merge(struct matrix *m, char **files, size_t nfiles)
{
	struct merge mg = { 0 };
	size_t i;
	int rc = 0;

	mg.shards = mx_realloc(NULL, nfiles * sizeof(*mg.shards));
	memset(mg.shards, 0, nfiles * sizeof(*mg.shards));
	for (i = 0; i < nfiles && !mg.failed; i++) {
		mg.shards[i].file = files[i];
		mg.nshards++;
		read_shard(&mg, &mg.shards[i]);
	}
	if (mg.failed || !collect(&mg, m)) {
		rc = 2;
		goto out;
	}
	/* everything is checked before anything is written */
	for (i = 0; i < mg.nents && !rc; i++) {
		struct entry *e = &mg.ents[i];
		struct mx_row *row = mx_add_row(m, e->path, e->name);

		if (e->error)
			row->error = mx_strdup(e->error);
		rc = m->mode == MX_FIELDS ? mx_fields_prepare(m, row, e->fields, e->nfields)
					  : mx_records_prepare(m, row, e->objrecs);
	}
	if (rc)
		goto out;
	for (i = 0; i < mg.nents; i++) {
		if (m->mode == MX_FIELDS)
			mx_fields_emit(m, &m->rows[i], mg.ents[i].fields, mg.ents[i].nfields);
		else
			mx_records_emit(m, &m->rows[i], mg.ents[i].objrecs);
	}
	if (m->mode == MX_FIELDS)
		mx_fields_end(m);
	else
		mx_records_end(m);
	rc = mx_exit_status(m);
out:
	merge_free(&mg, m);
	return rc;
}
