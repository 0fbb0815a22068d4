/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers shared by the DWARF target tests (dw_test.c). */
#ifndef DW_TEST_H
#define DW_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/btf.h>
#include <userize/userize.h>

/* $UZ_CACHE/dbg/vmlinux-RELEASE, failing the test when missing. */
const char *dw_vmlinux(const char *release, char *buf, size_t sz);
/* $UZ_BUILD/REL, failing the test when missing. */
const char *dw_build_file(const char *rel, char *buf, size_t sz);
/* Load @path allowing only @sources, failing the test on error. */
struct uz_target *dw_load(const char *path, unsigned int sources, const char *const *names,
			  size_t cnt);

struct dw_cmp {
	size_t records, insns, kind7, mismatches;
};
/*
 * Relocate @obj against @a (the reference) and @b (DWARF): every record
 * must agree in result, values and target spec, every instruction must be
 * identical, except target_type_id records that matched a type, which @b
 * must poison with its message (no match is 0 from both). Counts into @c; each mismatch is printed.
 */
void dw_compare_object(const char *obj, struct uz_target *a, struct uz_target *b,
		       struct dw_cmp *c);

struct dw_layout_cmp {
	size_t structs, members, mismatches;
	size_t sign_unknown; /* members whose signedness the reference does not encode */
};
/*
 * Every struct or union named in @names: the member layouts (name, bit
 * offset, bitfield size, type size, signedness) of all its definitions in
 * @ref and in @got must be the same multiset.
 */
void dw_compare_layouts(const struct btf *ref, const struct btf *got, const char *const *names,
			size_t cnt, struct dw_layout_cmp *c);

/*
 * Index @path both ways, straight from the section bytes (scan.c) and
 * through libdw (index.c): the same names, flags, sizes and DIE offsets,
 * in the same order. @fast: the byte reader must handle the whole file
 * itself (no fallback to libdw). Returns the definitions indexed.
 */
size_t dw_compare_index(const char *path, bool fast);

#endif
