/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Name index over a target BTF: essential name -> type ids, built once per target. */
#ifndef UZ_NAME_INDEX_H
#define UZ_NAME_INDEX_H

#include <bpf/btf.h>

#include "core/core.h"

struct uz_name_bucket {
	uint32_t hash;
	uint32_t first;   /* first type id with this essential name, 0 = empty */
};

struct uz_name_index {
	const struct btf *btf;
	uint32_t mask;            /* bucket count - 1 */
	uint32_t used;            /* buckets in use (distinct essential names) */
	uint32_t id_cnt;          /* type count of btf: next[] has this many entries */
	struct uz_name_bucket *buckets; /* in next's allocation, after it */
	uint32_t *next;           /* next[id]: next type id with the same name, 0 = end */
};


/* Kinds the index holds; roots of any other kind are looked up by a scan. */
bool uz_name_index_covers(unsigned int kind);

/* A type to index: its id and name offset in the index's btf. */
struct uz_name_ref {
	uint32_t id;
	uint32_t name_off;
};

/*
 * Build @idx over @btf from @refs[0..cnt): the named types of covered kinds,
 * ids increasing, names valid (btf_check.c collects them in its validation
 * pass, see uz_btf_check_index()); empty names are skipped. @refs is used
 * as scratch.
 */
int uz_name_index_build(struct uz_name_index *idx, const struct btf *btf,
			struct uz_name_ref *refs, size_t cnt, struct uz_error *err);
void uz_name_index_free(struct uz_name_index *idx);

/* First type id whose essential name is @name[0..len), 0 if none; iterate
 * with uz_name_index_next(). Ids come in increasing order. */
uint32_t uz_name_index_first(const struct uz_name_index *idx, const char *name, size_t len);
static inline uint32_t uz_name_index_next(const struct uz_name_index *idx, uint32_t id)
{
	return idx->next[id];
}

#endif
