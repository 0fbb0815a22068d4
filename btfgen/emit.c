/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The minimized BTF: the marked types of a target, in their original order
 * (so candidates keep their relative order), composites with the marked
 * members only (BTF member offsets are absolute, so dropping members moves
 * nothing) and their size, pointers to unmarked types turned into pointers
 * to void. Decl tags are dropped (the target's tags play no part in
 * relocation); type tags, forward declarations and split (module) BTF are
 * carried like any other type. The result is standalone and in the byte
 * order of the kernel it describes.
 */
#include <stdlib.h>

#include "btfgen/btfgen_int.h"

static bool member_kept(const struct uz_marks *m, uint32_t id, uint32_t idx)
{
	const uint64_t *b = m->members[id];

	if (m->flags[id] & UZ_MARK_WHOLE)
		return true;
	return b && (b[idx / 64] >> (idx % 64)) & 1;
}

/* Remap one referenced id; pointees may be dropped, nothing else may. */
static int remap(const uint32_t *map, uint32_t *id, bool may_drop)
{
	if (*id == 0)
		return 0;
	if (!map[*id] && !may_drop)
		return -ENOENT;
	*id = map[*id];
	return 0;
}

static int remap_type(struct btf_type *t, const uint32_t *map)
{
	uint16_t i;
	int r = 0;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		return remap(map, &t->type, true);
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
		return remap(map, &t->type, false);
	case BTF_KIND_ARRAY:
		r = remap(map, &btf_array(t)->type, false);
		return r ?: remap(map, &btf_array(t)->index_type, false);
	case BTF_KIND_FUNC_PROTO:
		for (i = 0; i < btf_vlen(t) && !r; i++)
			r = remap(map, &btf_params(t)[i].type, false);
		return r ?: remap(map, &t->type, false);
	default:
		return 0;
	}
}

static int add_composite(struct btf *out, const struct uz_marks *m, uint32_t id,
			 const uint32_t *map)
{
	const struct btf_type *t = btf__type_by_id(m->btf, id);
	const char *name = btf__name_by_offset(m->btf, t->name_off);
	uint16_t i;
	int r;

	r = btf_is_struct(t) ? btf__add_struct(out, name, t->size)
			     : btf__add_union(out, name, t->size);
	if (r < 0)
		return r;
	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *mb = btf_members(t) + i;
		uint32_t off = btf_member_bit_offset(t, i);
		uint32_t bsz = btf_member_bitfield_size(t, i);

		if (!member_kept(m, id, i))
			continue;
		if (mb->type && !map[mb->type])
			return -ENOENT;
		/* old-style bitfields (no kind flag) live in the int's encoding */
		if (!BTF_INFO_KFLAG(t->info) && off % 8)
			return -EOPNOTSUPP;
		r = btf__add_field(out, btf__name_by_offset(m->btf, mb->name_off), map[mb->type],
				   off, bsz);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_one(struct btf *out, const struct uz_marks *m, uint32_t id, const uint32_t *map)
{
	const struct btf_type *t = btf__type_by_id(m->btf, id);
	int r;

	if (btf_is_composite(t))
		return add_composite(out, m, id, map);
	r = btf__add_type(out, m->btf, t);
	if (r < 0)
		return r;
	return remap_type((struct btf_type *)btf__type_by_id(out, (uint32_t)r), map);
}

int uz_btfgen_emit(const struct uz_marks *m, struct btf **out, struct uz_error *err)
{
	uint32_t *map = calloc(m->type_cnt, sizeof(*map));
	uint32_t *kept = NULL; /* kept[k]: the id that becomes k + 1 */
	struct btf *b = btf__new_empty();
	char tstr[160];
	uint32_t id, next = 1, k;
	size_t cap = 0;
	int r = 0, sz;

	*out = NULL;
	if (!map || !b) {
		r = uz_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (id = 1; id < m->type_cnt; id++) {
		if (!(m->flags[id] & UZ_MARK_TYPE) || btf_is_decl_tag(btf__type_by_id(m->btf, id)))
			continue;
		if (next > cap) {
			uint32_t *n;

			cap = cap ? cap * 2 : 256;
			n = realloc(kept, cap * sizeof(*n));
			if (!n) {
				r = uz_err_set(err, -ENOMEM, "out of memory");
				goto out;
			}
			kept = n;
		}
		kept[next - 1] = id;
		map[id] = next++;
	}
	/* the kept ids only: map[] is read where references point, not
	 * all of it (a page fault per 1,024 ids in a fresh process) */
	for (k = 0; k + 1 < next && !r; k++) {
		id = kept[k];
		r = add_one(b, m, id, map);
		if (r > 0)
			r = 0;
		if (r)
			uz_err_set(err, r, "cannot copy %s (type id %u) into the minimized BTF: %s",
				   uz_type_str(m->btf, id, tstr, sizeof(tstr)), id,
				   r == -EOPNOTSUPP ? "old-style bitfield member (no kind flag)"
				   : r == -ENOENT ? "it refers to a type that was not kept"
						  : strerror(-r));
	}
	/* Without a "long" the reader guesses the pointer size from its own
	 * host: carry the kernel's so pointer sizes stay the kernel's. */
	sz = btf__pointer_size(m->btf);
	if (!r && sz && btf__pointer_size(b) != (size_t)sz) {
		r = btf__add_int(b, "long", sz, BTF_INT_SIGNED);
		r = r < 0 ? uz_err_set(err, r, "out of memory") : 0;
	}
	if (!r)
		r = btf__set_endianness(b, btf__endianness(m->btf));
out:
	free(kept);
	free(map);
	if (r) {
		btf__free(b);
		return r;
	}
	*out = b;
	return 0;
}
