/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Validation of parsed BTF before any type walk touches it. */
#ifndef UZ_BTF_CHECK_H
#define UZ_BTF_CHECK_H

#include <bpf/btf.h>

#include "uz_internal.h"

/*
 * Check types [@start_id, type_cnt) of @btf: every referenced type id
 * exists, every name offset points into the strings, integer and enum sizes
 * are valid, and no chain of by-value references (modifiers, typedefs,
 * array elements, struct/union members) loops. After this, libbpf's walkers
 * (skip_mods_and_typedefs, btf__resolve_size) and ours terminate.
 */
int uz_btf_check(const struct btf *btf, uint32_t start_id, const char *what,
		 struct uz_error *err);

/* Parse @data as BTF with libbpf, then check it. */
int uz_btf_parse_checked(const uint8_t *data, size_t len, const char *what,
			 struct btf **out, struct uz_error *err);
/* Parse the raw split BTF file @path on top of @base (libbpf 1.1 can only
 * build split BTF from a file), then check the split part. */
int uz_btf_parse_split_checked(const char *path, struct btf *base, struct btf **out,
			       struct uz_error *err);

#endif
