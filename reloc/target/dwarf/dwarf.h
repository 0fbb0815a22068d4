/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The DWARF target source, internal interface: the open file (file.c),
 * the name -> definition index (index.c), the structural comparison that
 * groups a name's definitions (same.c) and the DIE -> BTF conversion
 * (convert.c). source_dwarf.c ties them into a struct uz_source.
 */
#ifndef UZ_DWARF_H
#define UZ_DWARF_H

#include <elfutils/libdw.h>
#include <gelf.h>

#include <bpf/btf.h>

#include "common/uz_internal.h"

/* Bound on every walk through DIE references (typedef chains, nested
 * by-value types, pointer chains): deeper means a reference loop. */
#define UZ_DW_MAX_DEPTH 64

/* One name of the index: every top-level definition carrying it. */
struct uz_dw_name {
	const char *name;        /* in the DWARF string data */
	uint32_t hash;
	uint32_t first;          /* first entry in uz_dw_index.offs (+1), 0 = none */
	uint32_t last;
	uint32_t struct_size;    /* size of the first struct definition, when has_struct */
	uint32_t union_size;
	bool has_struct, has_union;
};

struct uz_dw_off {
	uint32_t off;            /* DIE offset in .debug_info */
	uint32_t next;           /* next entry (+1), 0 = end */
};

struct uz_dw_index {
	struct uz_dw_name *names; /* open addressing, mask + 1 slots */
	uint32_t mask, used;
	struct uz_dw_off *offs;
	uint32_t off_cnt, off_cap;
	bool built;
	double scan_secs;
};

struct uz_dw_file {
	int fd;
	bool mapped;              /* libelf mapped @fd (else it reads into its own memory) */
	Elf *elf;
	Dwarf *dw;
	const char *name;         /* for messages */
	bool big_endian;
	bool has_btf, has_info;   /* .BTF; .debug_info with bytes */
	unsigned int addr_size;   /* from the first CU */
	unsigned int version;     /* DWARF version of the first CU */
	size_t info_size;         /* .debug_info bytes */
	void *trim_start;         /* page-aligned mapped .debug_info, NULL if not mapped */
	size_t trim_len;
};

/* Open @path (or @data, borrowed) for DWARF reading. Errors name the file
 * and what is missing. */
int uz_dw_file_open(struct uz_dw_file *f, const char *name, const char *path,
		    const uint8_t *data, size_t len, struct uz_error *err);
void uz_dw_file_close(struct uz_dw_file *f);
/* Give back the pages of .debug_info read so far (clean file pages). */
void uz_dw_file_trim(const struct uz_dw_file *f, size_t upto);

/* Scan the top-level DIEs of every CU once: definitions of structs,
 * unions, enums, typedefs and base types by name. */
int uz_dw_index_build(struct uz_dw_index *idx, struct uz_dw_file *f, struct uz_error *err);
/* Record one top-level DIE, if it is a named type definition. */
int uz_dw_index_add(struct uz_dw_index *idx, int tag, const char *name, bool decl, uint64_t size,
		    Dwarf_Off off);
/* The fast path of uz_dw_index_build (scan.c): 0 indexed, 1 not handled
 * here (@idx then has part of the names: start again with libdw), negative
 * error. */
int uz_dw_scan(struct uz_dw_index *idx, struct uz_dw_file *f, struct uz_error *err);
/* uz_dw_index_build through libdw only (tests compare the two). */
int uz_dw_index_build_libdw(struct uz_dw_index *idx, struct uz_dw_file *f, struct uz_error *err);
const struct uz_dw_name *uz_dw_index_find(const struct uz_dw_index *idx, const char *name,
					  size_t len);
void uz_dw_index_free(struct uz_dw_index *idx);
uint32_t uz_dw_hash(const char *s, size_t len);

/* Structural identity of two definitions as BTF would see it: by value
 * through members, arrays, typedefs and qualifiers; behind pointers by
 * kind and name only (composites), fully (enums, ints, prototypes).
 * 1 same, 0 different, negative: bad DWARF (message in @err). */
struct uz_dw_same;
struct uz_dw_same *uz_dw_same_new(void);
void uz_dw_same_free(struct uz_dw_same *s);
int uz_dw_same(struct uz_dw_same *s, Dwarf *dw, const char *fname, bool big_endian,
	       Dwarf_Off a, Dwarf_Off b, struct uz_error *err);

/* One conversion of a set of root names into a fresh libbpf btf. */
struct uz_dw_conv;
struct uz_dw_conv *uz_dw_conv_new(struct uz_dw_file *f, const struct uz_dw_index *idx);
void uz_dw_conv_free(struct uz_dw_conv *c);
/* The distinct definitions of @name (essential name): DIE offsets, one per
 * group of identical ones (malloc'ed; none when the file lacks the name). */
int uz_dw_group(struct uz_dw_file *f, const struct uz_dw_index *idx, struct uz_dw_same *same,
		const char *name, uint32_t **out, size_t *cnt, struct uz_error *err);
/* Convert the definitions at @defs with everything they hold by value. */
int uz_dw_conv_defs(struct uz_dw_conv *c, const uint32_t *defs, size_t cnt, struct uz_error *err);
/* Resolve the pointers left pending, dedup, and hand out the btf. */
int uz_dw_conv_finish(struct uz_dw_conv *c, struct btf **out, struct uz_error *err);

/* Small helpers over libdw (convert.c). */
bool uz_dw_udata(Dwarf_Die *die, unsigned int at, uint64_t *v);
int uz_dw_type_ref(Dwarf_Die *die, Dwarf_Die *out, bool *has, const char *fname,
		   struct uz_error *err);

#endif
