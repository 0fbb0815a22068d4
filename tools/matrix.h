/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internal interface of `userize matrix` (tools/matrix_*.c, cmd_matrix.c).
 *
 * One model serves every way in: kernels ("rows", one per target file),
 * and per kernel either each object's relocation records (object matrix)
 * or the view fields (--fields). A live run fills it target by target; a
 * merge (--merge) fills it from --json shard outputs; both then go through
 * the same writers, which is what makes a merged output byte-identical to
 * an unsharded one. JSON and CSV are written kernel by kernel; the human
 * table keeps one cell per kernel and table line and is printed at the end.
 */
#ifndef UZ_TOOLS_MATRIX_H
#define UZ_TOOLS_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "userize/userize.h"

#define MX_PROG "userize matrix"
#define MX_PROGRESS_MIN 20	/* targets above which a log gets progress lines */

enum mx_mode { MX_RECORDS, MX_FIELDS };
enum mx_fmt { MX_TABLE, MX_JSON, MX_CSV };

/* Cell states, by severity: a line that merges duplicates keeps the worst. */
enum mx_state {
	MX_UNSET = 0,
	MX_OK,
	MX_MISSING,	/* existence check answered 0, type or field absent */
	MX_GUARDED,	/* poisoned, but dead code on that kernel (uz_record.dead) */
	MX_POISONED,
	MX_ERROR,
};

/* One relocation record of one object on one kernel. */
struct mx_rec {
	const char *section;
	uint32_t insn;
	unsigned int kind;		/* enum uz_kind */
	uint32_t local_type_id;
	const char *local_type;
	const char *access;
	const char *spec;
	enum uz_result result;
	uint64_t orig_value;
	uint64_t new_value;
	const char *target_type;
	const char *target_spec;
	const char *message;
	bool dead;			/* uz_record.dead */
};

/* One object's records on one kernel; recs is NULL when the target failed. */
struct mx_objrecs {
	const char *name;
	struct mx_rec *recs;
	size_t n;
};

/* One view field on one kernel (--fields). */
struct mx_field {
	const char *name;		/* "task_struct_user.state" */
	enum mx_state state;		/* MX_OK, MX_MISSING or MX_ERROR */
	uint64_t offset, size;		/* MX_OK only */
	const char *kernel_field;	/* "task_struct.__state", MX_OK only */
	const char *message;		/* why missing / error, or "" */
};

struct mx_cell {
	uint8_t state;
	uint64_t value;		/* relocated value, or field offset */
	uint64_t size;		/* fields only */
	char *path;		/* fields only: kernel field */
};

/* One line of the human table: a relocation (deduplicated) or a field. */
struct mx_line {
	char *label;
	size_t obj;		/* records: object index */
	unsigned int kind;	/* records: dedup key with spec */
	char *spec;
	size_t dups;		/* records merged into this line */
};

/* One target kernel. */
struct mx_row {
	char *path;
	char *name;		/* release, else the file's name (JSON, CSV) */
	char *disp;		/* the table's name when names repeat, or NULL */
	char *error;		/* target failed to load */
	struct mx_cell *cells;	/* one per line */
	size_t ncells;
	size_t unresolved;	/* poisoned or failed records, failed fields */
	size_t guarded;		/* poisoned records in dead code */
	size_t missing;		/* fields: absent on this kernel */
	int group;
};

struct mx_obj {
	const char *path;
	char *name;
	struct uz_object *obj;
	size_t nrecs;
	size_t *rec2line;	/* NULL until the first loaded kernel */
};

struct matrix {
	enum mx_mode mode;
	enum mx_fmt fmt;
	bool no_group;
	bool strict;
	unsigned int sources;		/* --target-format: enum uz_source_kind mask, 0 auto */
	const char *kernel;		/* --kernel: archive entry release, NULL default */
	unsigned int shard_i, shard_n;	/* shard_n 0: no sharding */
	struct mx_row *rows;
	size_t nrows, caprows;
	struct mx_line *lines;
	size_t nlines, caplines;
	bool lined;			/* fields: lines built */
	struct mx_obj *objs;
	size_t nobj;
	size_t written;			/* kernels written (JSON separators) */
};

/* matrix_rows.c: memory, kernel rows, targets, exit status */
void *mx_realloc(void *p, size_t n);
char *mx_strdup(const char *s);
char *mx_base_strip(const char *path, const char *suffix);
struct mx_row *mx_add_row(struct matrix *m, const char *path, const char *name);
int mx_add_target_arg(struct matrix *m, const char *path);
void mx_sort_rows(struct matrix *m);
void mx_unique_names(struct matrix *m);
const char *mx_row_label(const struct mx_row *r);
int mx_shard_rows(struct matrix *m);
struct uz_target *mx_load_target(const struct matrix *m, struct mx_row *row);
void mx_progress(const struct matrix *m, size_t i);
struct mx_line *mx_add_line(struct matrix *m);
void mx_row_cells(const struct matrix *m, struct mx_row *row);
void mx_json_row_begin(struct matrix *m, const struct mx_row *row);
int mx_exit_status(const struct matrix *m);
void mx_free(struct matrix *m);

/* matrix_records.c: the object matrix */
bool mx_kind_is_existence(unsigned int kind);
void mx_rec_from_uz(struct mx_rec *dst, const struct uz_record *r);
int mx_records_prepare(struct matrix *m, struct mx_row *row, struct mx_objrecs *objrecs);
void mx_records_emit(struct matrix *m, struct mx_row *row, const struct mx_objrecs *objrecs);
void mx_records_end(struct matrix *m);
int mx_run_objects(struct matrix *m);

/* matrix_fields.c: --fields */
int mx_fields_prepare(struct matrix *m, struct mx_row *row, const struct mx_field *fields,
		      size_t n);
void mx_fields_emit(struct matrix *m, struct mx_row *row, const struct mx_field *fields,
		    size_t n);
void mx_fields_end(struct matrix *m);
int mx_run_fields(struct matrix *m);

/* matrix_table.c: the human table */
void mx_table_print(struct matrix *m);

/* matrix_merge.c: --merge */
int mx_run_merge(struct matrix *m, char **files, size_t nfiles);

#endif
