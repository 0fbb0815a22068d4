/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What CO-RE records reach in a target: for every record, every candidate
 * that matches it (found and matched exactly as the relocation driver
 * does: same names, userize kernel-name alternatives in order, vmlinux
 * before modules, the one matcher of core/match.c) gets marked with what
 * that relocation kind reads:
 *   field kinds   the root, each member on the target access path and its
 *                 type chain down to the base type (pointers not followed:
 *                 they become void *), arrays with their bounds;
 *   type kinds    the root and what the compatibility relation walks
 *                 (modifiers, typedefs, pointers, arrays, prototypes);
 *                 structs keep their size, not their members;
 *   enum values   the enum whole;
 *   type_matches  the root with all members, recursively up to pointers,
 *                 and pointee names and kinds (what the relation compares).
 * Marking every matching candidate (not only the first) makes the minimized
 * BTF reproduce agreements of duplicates and ambiguity errors alike.
 */
#include <stdlib.h>

#include "btfgen/btfgen_int.h"
#include "target/candidates.h"

#define MAX_ALT 16

int uz_marks_init(struct uz_marks *m, const struct btf *btf, struct uz_error *err)
{
	memset(m, 0, sizeof(*m));
	m->btf = btf;
	m->type_cnt = btf__type_cnt(btf);
	m->flags = calloc(m->type_cnt, 1);
	m->members = calloc(m->type_cnt, sizeof(*m->members));
	if (!m->flags || !m->members) {
		uz_marks_free(m);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

void uz_marks_free(struct uz_marks *m)
{
	size_t i;

	/* not a loop over every type id: that read the whole pointer array,
	 * a page fault per 512 types in a fresh process */
	for (i = 0; m->members && i < m->member_cnt; i++)
		free(m->members[m->member_ids[i]]);
	free(m->member_ids);
	free(m->members);
	free(m->flags);
	memset(m, 0, sizeof(*m));
}

static int mark_member(struct uz_marks *m, uint32_t id, uint32_t idx)
{
	const struct btf_type *t = btf__type_by_id(m->btf, id);
	uint64_t *b = m->members[id];

	if (!b) {
		if (m->member_cnt == m->member_cap) {
			size_t cap = m->member_cap ? m->member_cap * 2 : 64;
			uint32_t *n = realloc(m->member_ids, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			m->member_ids = n;
			m->member_cap = cap;
		}
		b = calloc((btf_vlen(t) + 63) / 64 + 1, sizeof(*b));
		if (!b)
			return -ENOMEM;
		m->members[id] = b;
		m->member_ids[m->member_cnt++] = id;
	}
	b[idx / 64] |= 1ull << (idx % 64);
	m->flags[id] |= UZ_MARK_TYPE;
	return 0;
}

/*
 * Mark @id and the types it is made of: modifiers, typedefs, type tags,
 * array elements and index types, prototypes; pointees only when
 * @follow_ptr. Composites are marked without members (their size stays).
 */
static int mark_chain(struct uz_marks *m, uint32_t id, bool follow_ptr, int depth)
{
	const uint8_t want = UZ_MARK_TYPE | (follow_ptr ? UZ_MARK_PTRS : 0);
	const struct btf_type *t;
	int r;

	for (; id; id = t->type) {
		if (depth-- <= 0)
			return -ELOOP;
		if ((m->flags[id] & want) == want)
			return 0;
		m->flags[id] |= want;
		t = btf__type_by_id(m->btf, id);
		switch (btf_kind(t)) {
		case BTF_KIND_PTR:
			if (!follow_ptr)
				return 0;
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			break;
		case BTF_KIND_ARRAY:
			r = mark_chain(m, btf_array(t)->index_type, follow_ptr, depth);
			return r ?: mark_chain(m, btf_array(t)->type, follow_ptr, depth);
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *p = btf_params(t);
			uint16_t i;

			for (i = 0; i < btf_vlen(t); i++) {
				r = mark_chain(m, p[i].type, follow_ptr, depth);
				if (r)
					return r;
			}
			break;
		}
		default: /* int, float, enums, composites, fwd: leaves */
			return 0;
		}
	}
	return 0;
}

/* type_matches: the root with every member, recursively up to pointers;
 * behind a pointer a composite is compared by name and kind only. */
static int mark_match(struct uz_marks *m, uint32_t id, bool behind_ptr, int depth)
{
	const struct btf_type *t;
	uint16_t i;
	int r;

	for (; id; id = t->type) {
		if (depth-- <= 0)
			return -ELOOP;
		t = btf__type_by_id(m->btf, id);
		m->flags[id] |= UZ_MARK_TYPE;
		switch (btf_kind(t)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr || (m->flags[id] & UZ_MARK_WHOLE))
				return 0;
			m->flags[id] |= UZ_MARK_WHOLE;
			for (i = 0; i < btf_vlen(t); i++) {
				r = mark_match(m, btf_members(t)[i].type, false, depth);
				if (r)
					return r;
			}
			return 0;
		case BTF_KIND_PTR:
			behind_ptr = true;
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			break;
		case BTF_KIND_ARRAY:
			r = mark_chain(m, btf_array(t)->index_type, false, depth);
			if (r)
				return r;
			return mark_match(m, btf_array(t)->type, behind_ptr, depth);
		case BTF_KIND_FUNC_PROTO:
			for (i = 0; i < btf_vlen(t); i++) {
				r = mark_match(m, btf_params(t)[i].type, behind_ptr, depth);
				if (r)
					return r;
			}
			break;
		default:
			return 0;
		}
	}
	return 0;
}

/* Field kinds: walk the target access path (raw spec) from the root. */
static int mark_field(struct uz_marks *m, const struct uz_spec *targ)
{
	const struct btf *b = m->btf;
	uint32_t id = targ->root_type_id;
	const struct btf_type *t;
	int i, r;

	r = mark_chain(m, id, false, 64);
	if (r)
		return r;
	for (i = 1; i < targ->raw_len; i++) {
		t = uz_skip_mods(b, id, &id);
		if (!t)
			return -EINVAL;
		if (btf_is_composite(t)) {
			uint32_t idx = (uint32_t)targ->raw_spec[i];

			if (idx >= btf_vlen(t))
				return -EINVAL;
			r = mark_member(m, id, idx);
			id = btf_members(t)[idx].type;
			r = r ?: mark_chain(m, id, false, 64);
		} else if (btf_is_array(t)) {
			id = btf_array(t)->type;
			r = mark_chain(m, id, false, 64);
		} else {
			return -EINVAL;
		}
		if (r)
			return r;
	}
	return 0;
}

static int mark_spec(struct uz_marks *m, const struct uz_spec *local, const struct uz_spec *targ)
{
	if (uz_kind_is_field(local->kind))
		return mark_field(m, targ);
	if (uz_kind_is_enumval(local->kind))
		return mark_chain(m, targ->root_type_id, false, 64);
	if (local->kind == UZ_TYPE_MATCHES)
		return mark_match(m, targ->root_type_id, false, 64);
	return mark_chain(m, targ->root_type_id, true, 64);
}

/* ---- candidates, as the relocation driver finds them ------------------ */

struct cands {
	uint32_t *ids;
	size_t cnt;
	bool loaded;
};

/* The candidates relocation uses (reloc/target/candidates.c). */
static int cands_find(const struct uz_target *tgt, const struct btf_type *lt, const char *name,
		      struct cands *c)
{
	c->loaded = true;
	free(c->ids);
	return uz_target_candidates(tgt, lt, name, &c->ids, &c->cnt);
}

static size_t root_names(const struct uz_object *obj, const struct uz_tags *tags, uint32_t root,
			 const char **names)
{
	const struct uz_type_tags *tt = tags ? uz_tags_of(tags, root) : NULL;
	size_t i;

	if (tt && tt->kernel_cnt) {
		for (i = 0; i < tt->kernel_cnt && i < MAX_ALT; i++)
			names[i] = tt->kernel[i];
		return i;
	}
	names[0] = btf__name_by_offset(obj->btf, btf__type_by_id(obj->btf, root)->name_off);
	return 1;
}

/* One record: mark every matching candidate of the first name that has one.
 * @cache: candidate lists per local root type and name (MAX_ALT each),
 * found once per object as the driver does (kinds the name index does not
 * cover are found by a scan of every type). */
static int reach_record(struct uz_marks *m, const struct uz_object *obj,
			const struct uz_target *tgt, const struct uz_tags *tags,
			const struct uz_core_rec *cr, struct cands *cache)
{
	struct cands *c;
	struct uz_match_ctx mctx = { .tags = tags };
	const char *names[MAX_ALT], *access;
	struct uz_spec local, targ;
	const struct btf_type *lt;
	size_t nnames, k, i, hits = 0;
	char why[256];
	int r;

	if (cr->kind >= UZ_KIND_MAX || cr->kind == UZ_TYPE_ID_LOCAL ||
	    cr->type_id >= btf__type_cnt(obj->btf))
		return 0;
	access = btf__str_by_offset(obj->btf, cr->access_str_off);
	if (!access || uz_spec_parse(obj->btf, cr->type_id, access, cr->kind, &local, why,
				     sizeof(why)))
		return 0; /* the relocation reports it; nothing to keep */
	lt = btf__type_by_id(obj->btf, local.root_type_id);
	if (!*btf__name_by_offset(obj->btf, lt->name_off))
		return 0;
	nnames = root_names(obj, tags, local.root_type_id, names);
	for (k = 0; k < nnames && !hits; k++) {
		c = &cache[(size_t)local.root_type_id * MAX_ALT + k];
		if (!c->loaded) {
			r = cands_find(tgt, lt, names[k], c);
			if (r)
				return r;
		}
		for (i = 0; i < c->cnt; i++) {
			r = uz_spec_match(&local, tgt->btf, c->ids[i], &targ, &mctx);
			if (r < 0)
				return 0; /* the relocation fails on it too; nothing to keep */
			if (r == 0)
				continue;
			hits++;
			r = mark_spec(m, &local, &targ);
			if (r)
				return r;
		}
	}
	return 0;
}

int uz_btfgen_reach(struct uz_marks *m, const struct uz_object *obj, const struct uz_target *tgt,
		    bool use_tags, struct uz_error *err)
{
	struct uz_tags tags = { 0 };
	size_t s, i, n = (size_t)btf__type_cnt(obj->btf) * MAX_ALT;
	struct cands *cache = calloc(n, sizeof(*cache));
	int r = 0;

	if (!cache)
		return uz_err_set(err, -ENOMEM, "out of memory");

	if (use_tags) {
		r = uz_tags_build(&tags, obj->btf, err);
		if (r) {
			free(cache);
			return uz_err_prefix(err, "%s", obj->name);
		}
	}
	for (s = 0; s < obj->ext.core_sec_cnt && !r; s++) {
		const struct uz_core_sec *cs = &obj->ext.core_secs[s];

		for (i = 0; i < cs->rec_cnt && !r; i++)
			r = reach_record(m, obj, tgt, use_tags ? &tags : NULL, &cs->recs[i], cache);
	}
	for (i = 0; i < n; i++)
		free(cache[i].ids);
	free(cache);
	uz_tags_free(&tags);
	if (r == -ENOMEM)
		return uz_err_set(err, r, "out of memory");
	if (r)
		return uz_err_set(err, r, "%s: target %s: a relocation reaches a type of a kind btfgen cannot walk (error %d)",
				  obj->name, tgt->name, r);
	return 0;
}
