/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bpftool.h: independent ground truth for the equivalence tests. Reads the
 * text of `bpftool btf dump file PATH` (not libbpf's or userize's type
 * walkers) to get a member's bit offset, an enumerator's value or a type's
 * size by name.
 */
#ifndef UZ_TESTS_BPFTOOL_H
#define UZ_TESTS_BPFTOOL_H

#include <stdint.h>

/*
 * First type of kind @kind ("STRUCT", "ENUM", "ENUM64", ...) named @type in
 * the BTF at @path. With @member NULL, *@val gets its size; else the
 * member's bits_offset (STRUCT/UNION) or the enumerator's value (ENUM*);
 * @bitsz (optional) gets a bitfield member's bitfield_size, else 0.
 * Returns 0, -ENOENT when not found, another negative errno on failure.
 */
int bpftool_lookup(const char *path, const char *kind, const char *type,
		   const char *member, int64_t *val, int64_t *bitsz);

#endif /* UZ_TESTS_BPFTOOL_H */
