/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Validation of parsed BTF before any type walk touches it (and the target name index it fills). */
#ifndef UZ_BTF_CHECK_H
#define UZ_BTF_CHECK_H

#include <bpf/btf.h>

#include "target/name_index.h"
#include "common/uz_internal.h"

/*
 * Check types [@start_id, type_cnt) of @btf: every referenced type id
 * exists, every name offset points into the strings, integer and enum sizes
 * are valid, and no chain of by-value references (modifiers, typedefs,
 * array elements, struct/union members) loops. After this, libbpf's walkers
 * (skip_mods_and_typedefs, btf__resolve_size) and ours terminate.
 */
int uz_btf_check(const struct btf *btf, uint32_t start_id, const char *what,
		 struct uz_error *err);
/*
 * uz_btf_check() that, when @idx is not NULL, also builds @idx over every
 * type of @btf in the same pass (types below @start_id, a split btf's base,
 * must be checked already). @buf (may be NULL) is a malloc'ed buffer of
 * @buf_len bytes whose contents are no longer needed: it is consumed in
 * every case (scratch space for the check when large enough: pages
 * already faulted in, then freed). On error @idx is left empty.
 */
int uz_btf_check_index(const struct btf *btf, uint32_t start_id, const char *what,
		       struct uz_name_index *idx, void *buf, size_t buf_len, struct uz_error *err);

/* Parse @data as BTF with libbpf, then check it. */
int uz_btf_parse_checked(const uint8_t *data, size_t len, const char *what,
			 struct btf **out, struct uz_error *err);
/* The same, building @idx as uz_btf_check_index() does. @reuse is NULL or
 * @data itself, malloc'ed: then it is consumed (reused once libbpf has
 * copied it, or freed). */
int uz_btf_parse_indexed(const uint8_t *data, size_t len, const char *what,
			 struct uz_name_index *idx, void *reuse, struct btf **out,
			 struct uz_error *err);

#endif
