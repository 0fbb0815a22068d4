/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * CO-RE candidates: the target types a local root type may stand for.
 * Named as the local name with its flavor suffix removed, of a kind CO-RE
 * treats as the same (ENUM and ENUM64 are one), in id order as libbpf's
 * scan finds them; found through the name index where it covers the kind,
 * else by a scan. Of split (module) BTF, vmlinux candidates win: module
 * types are candidates only when vmlinux has none. The relocation driver
 * and btfgen both ask here, so they can never disagree on candidates.
 */
#include <stdlib.h>

#include "target/candidates.h"

static bool cand_ok(const struct btf *tb, uint32_t id, const struct btf_type *lt,
		    const char *name, size_t len)
{
	const struct btf_type *t = btf__type_by_id(tb, id);
	const char *tn;

	if (!uz_kind_core_compat(t, lt))
		return false;
	tn = btf__name_by_offset(tb, t->name_off);
	return *tn && uz_essential_name_len(tn) == len && strncmp(tn, name, len) == 0;
}

static int push(uint32_t **ids, size_t *cnt, size_t *cap, uint32_t id)
{
	if (*cnt == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		uint32_t *n = realloc(*ids, nc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		*ids = n;
		*cap = nc;
	}
	(*ids)[(*cnt)++] = id;
	return 0;
}

int uz_target_candidates(const struct uz_target *tgt, const struct btf_type *lt,
			 const char *name, uint32_t **ids, size_t *cnt)
{
	const struct btf *tb = tgt->btf;
	size_t len = uz_essential_name_len(name), cap = 0, i, keep;
	uint32_t id, n = btf__type_cnt(tb);

	*ids = NULL;
	*cnt = 0;
	if (uz_name_index_covers(btf_kind(lt))) {
		for (id = uz_name_index_first(&tgt->idx, name, len); id;
		     id = uz_name_index_next(&tgt->idx, id))
			if (cand_ok(tb, id, lt, name, len) && push(ids, cnt, &cap, id))
				return -ENOMEM;
	} else {
		for (id = 1; id < n; id++)
			if (cand_ok(tb, id, lt, name, len) && push(ids, cnt, &cap, id))
				return -ENOMEM;
	}
	for (i = 0, keep = 0; i < *cnt; i++)
		if ((*ids)[i] < tgt->module_start)
			(*ids)[keep++] = (*ids)[i];
	if (keep)
		*cnt = keep;
	return 0;
}
