/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Private to reloc/target/tracefs/: one event's format file as parsed
 * (tracefs_format.c), the BTF built from formats (tracefs_btf.c), and the
 * source that reads a tracefs mount, a copy of its events/ tree or a tar of
 * it (source_tracefs.c).
 */
#ifndef UZ_TRACEFS_H
#define UZ_TRACEFS_H

#include <bpf/btf.h>

#include "common/uz_internal.h"

#define UZ_TFS_MAX_DIMS 4

/* One "field:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;" line. */
struct uz_tfs_field {
	char *type;           /* "unsigned int", "__data_loc char[]", "const char *" */
	char *name;           /* "prev_comm" (array dimensions removed) */
	uint32_t dims[UZ_TFS_MAX_DIMS];
	unsigned int ndims;   /* array dimensions after the name; 0 = [] only if flex */
	bool flex;            /* "NAME[]" */
	uint32_t offset, size;
	bool is_signed;
	unsigned int line;
};

/* { VALUE, "NAME" } of a __print_symbolic(REC->FIELD, ...) in the print fmt. */
struct uz_tfs_symbol {
	char *field;
	char *name;
	int64_t value;
};

struct uz_tfs_event {
	char *sys, *name;     /* directory names */
	char *file;           /* for messages */
	struct uz_tfs_field *fields; /* common_* fields first, as in the file */
	size_t field_cnt;
	struct uz_tfs_symbol *syms;
	size_t sym_cnt;
};

/* Parse the format file text @text (@len bytes) of @sys/@name; errors name
 * @file and the line. */
int uz_tfs_parse(const char *file, const char *sys, const char *name, const char *text,
		 size_t len, struct uz_tfs_event *ev, struct uz_error *err);
void uz_tfs_event_free(struct uz_tfs_event *ev);

/* ---- tracefs_btf.c ------------------------------------------------------ */

struct uz_tfs_builder;

int uz_tfs_builder_new(struct uz_tfs_builder **out, struct uz_error *err);
void uz_tfs_builder_free(struct uz_tfs_builder *b);
/* The record of @ev as struct @struct_name (and the enums its symbols
 * name); the kernel's shape: struct trace_entry ent, the fields, char
 * __data[] (syscalls events: struct syscall_trace_enter/exit). */
int uz_tfs_build_record(struct uz_tfs_builder *b, const struct uz_tfs_event *ev,
			const char *struct_name, struct uz_error *err);
/* The kernel name a record of @ev has when nothing else names it:
 * trace_event_raw_EVENT, syscall_trace_enter/exit for syscalls. */
void uz_tfs_default_name(const struct uz_tfs_event *ev, char *buf, size_t sz);
/* Where type @id built here comes from: "FILE:LINE" of the field behind
 * member @member (or of the type itself, @member < 0), "FILE" when that has
 * no line (ent, __data, a record as a whole); false: not a type of @b. */
bool uz_tfs_builder_where(const struct uz_tfs_builder *b, uint32_t id, int member, char *buf,
			  size_t sz);
/* Finish: pointer size set; returns the btf (still owned by @b). */
struct btf *uz_tfs_builder_btf(struct uz_tfs_builder *b);

#endif
