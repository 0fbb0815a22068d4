/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel-module split BTF: recognising it and parsing it on a base (split_btf.c). */
#ifndef UZ_TARGET_SPLIT_BTF_H
#define UZ_TARGET_SPLIT_BTF_H

#include <bpf/btf.h>

#include "target/name_index.h"

/*
 * Is @data module split BTF: raw BTF whose string section does not start
 * with the empty string (split strings continue the base's), or an ELF
 * kernel module (.ko) whose .BTF section is that? Then 1 and *@btf,
 * *@btf_len point at the BTF bytes inside @data; else 0.
 */
int uz_split_btf_find(const uint8_t *data, size_t len, const uint8_t **btf, size_t *btf_len);

/*
 * Parse the split BTF of @data (raw or a module ELF, see above) on top of
 * @base, check the split part and, if @idx is not NULL, index base and
 * split types. @name names it in messages.
 */
int uz_split_btf_parse(const uint8_t *data, size_t len, const char *name, struct btf *base,
		       struct uz_name_index *idx, struct btf **out, struct uz_error *err);

#endif
