/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The three compatibility relations of CO-RE, with libbpf's exact rules.
 *
 * Field compatibility (a member reached by a field access): modifiers and
 * typedefs are skipped; any two structs/unions are compatible; pointers and
 * floats always are; enums (and enum64, interchangeably) and forward
 * declarations need equal names modulo flavor, or one side anonymous; ints
 * of any size or sign are, unless one is a deprecated bit-offset int; arrays
 * compare their element types; anything else is not.
 *
 * Type compatibility (type-based relocations: exists, size, ids): root
 * names already matched; kinds must match (enum ~ enum64); structs, unions,
 * enums, forwards are compatible regardless of contents; ints as above;
 * pointers and arrays recurse into the pointee/element; function prototypes
 * need the same arity and compatible argument and return types. Depth is
 * bounded (32 steps, @level nested prototypes).
 *
 * Type matching (bpf_core_type_matches): stricter. Names must match at
 * every level after skipping typedefs; ints need equal size and sign;
 * arrays equal length; enums equal size and every local enumerator name
 * present in the target; structs/unions every local member present (by
 * name) with a matching type, except behind a pointer where a struct also
 * matches a forward declaration of the same kind. With userize tags, a
 * userized struct's kernel names and its members' aliases count as names.
 */
#include "core/core.h"

static bool names_equal_essential(const char *a, const char *b)
{
	size_t la = uz_essential_name_len(a), lb = uz_essential_name_len(b);

	return la == lb && strncmp(a, b, la) == 0;
}

int uz_fields_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	const struct btf_type *lt, *tt;
	int steps = 0;

	for (;;) {
		if (++steps > 64)
			return -ELOOP;
		lt = uz_skip_mods(lb, lid, &lid);
		tt = uz_skip_mods(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (btf_is_composite(lt) && btf_is_composite(tt))
			return 1;
		if (!uz_kind_core_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = btf__name_by_offset(lb, lt->name_off);
			const char *tn = btf__name_by_offset(tb, tt->name_off);

			return uz_essential_name_len(ln) == 0 || uz_essential_name_len(tn) == 0 ||
			       names_equal_essential(ln, tn);
		}
		case BTF_KIND_INT:
			return btf_int_offset(lt) == 0 && btf_int_offset(tt) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
}

int uz_types_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		    int level)
{
	const struct btf_type *lt, *tt;
	int depth = 32;

	lt = btf__type_by_id(lb, lid);
	tt = btf__type_by_id(tb, tid);
	if (!lt || !tt)
		return -EINVAL;
	if (!uz_kind_core_compat(lt, tt))
		return 0;
	for (;;) {
		if (--depth < 0)
			return -EINVAL;
		lt = uz_skip_mods(lb, lid, &lid);
		tt = uz_skip_mods(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!uz_kind_core_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM64:
			return 1;
		case BTF_KIND_INT:
			return btf_int_offset(lt) == 0 && btf_int_offset(tt) == 0;
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);
			uint16_t i, n = btf_vlen(lt);
			int r;

			if (n != btf_vlen(tt))
				return 0;
			for (i = 0; i < n; i++, lp++, tp++) {
				uint32_t a, b;

				if (level <= 0)
					return -EINVAL;
				uz_skip_mods(lb, lp->type, &a);
				uz_skip_mods(tb, tp->type, &b);
				r = uz_types_compat(lb, a, tb, b, level - 1);
				if (r <= 0)
					return r;
			}
			uz_skip_mods(lb, lt->type, &lid);
			uz_skip_mods(tb, tt->type, &tid);
			continue;
		}
		default:
			return 0;
		}
	}
}

/* libbpf's name rule for type matching, plus userize tag names. */
static bool type_names_match(const struct btf *lb, uint32_t lid, uint32_t lname,
			     const struct btf *tb, uint32_t tname, const struct uz_tags *tags)
{
	const char *ln = btf__name_by_offset(lb, lname);
	const char *tn = btf__name_by_offset(tb, tname);
	const struct uz_type_tags *tt;
	size_t i;

	if (!*tn)
		return !*ln;
	if (names_equal_essential(ln, tn))
		return true;
	tt = uz_tags_of(tags, lid);
	for (i = 0; tt && i < tt->kernel_cnt; i++)
		if (names_equal_essential(tt->kernel[i], tn))
			return true;
	return false;
}

static bool member_names_match(const struct btf *lb, uint32_t lid, uint32_t midx,
			       const struct btf *tb, uint32_t tname, const struct uz_tags *tags)
{
	const struct btf_type *lt = btf__type_by_id(lb, lid);
	const char *ln = btf__name_by_offset(lb, btf_members(lt)[midx].name_off);
	const char *tn = btf__name_by_offset(tb, tname);
	const struct uz_type_tags *tt;
	size_t i;

	if (!*tn)
		return !*ln;
	if (names_equal_essential(ln, tn))
		return true;
	tt = uz_tags_of(tags, lid);
	for (i = 0; tt && i < tt->alias_cnt; i++)
		if (tt->alias[i].member == midx && !strchr(tt->alias[i].path, '.') &&
		    strcmp(tt->alias[i].path, tn) == 0)
			return true;
	return false;
}

static int enums_match(const struct btf *lb, const struct btf_type *lt,
		       const struct btf *tb, const struct btf_type *tt)
{
	uint16_t ln = btf_vlen(lt), tn = btf_vlen(tt), i, j;

	if (lt->size != tt->size || ln > tn)
		return 0;
	for (i = 0; i < ln; i++) {
		uint32_t lo = btf_is_enum(lt) ? btf_enum(lt)[i].name_off : btf_enum64(lt)[i].name_off;
		const char *lname = btf__name_by_offset(lb, lo);
		bool found = false;

		for (j = 0; j < tn && !found; j++) {
			uint32_t to = btf_is_enum(tt) ? btf_enum(tt)[j].name_off
						      : btf_enum64(tt)[j].name_off;
			const char *tname = btf__name_by_offset(tb, to);

			found = *tname ? names_equal_essential(lname, tname) : !*lname;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int composites_match(const struct btf *lb, uint32_t lid, const struct btf_type *lt,
			    const struct btf *tb, const struct btf_type *tt, bool behind_ptr,
			    int level, const struct uz_tags *tags)
{
	uint16_t ln = btf_vlen(lt), tn = btf_vlen(tt), i, j;
	int r;

	if (ln > tn)
		return 0;
	for (i = 0; i < ln; i++) {
		const struct btf_member *lm = btf_members(lt) + i;
		bool matched = false;

		for (j = 0; j < tn && !matched; j++) {
			const struct btf_member *tm = btf_members(tt) + j;

			if (!member_names_match(lb, lid, i, tb, tm->name_off, tags))
				continue;
			r = uz_types_match(lb, lm->type, tb, tm->type, behind_ptr, level - 1, tags);
			if (r < 0)
				return r;
			matched = r > 0;
		}
		if (!matched)
			return 0;
	}
	return 1;
}

int uz_types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		   bool behind_ptr, int level, const struct uz_tags *tags)
{
	const struct btf_type *lt, *tt;
	int depth = 32;
	unsigned int lk, tk;

	if (level <= 0)
		return -EINVAL;
	for (;;) {
		if (--depth < 0)
			return -EINVAL;
		lt = uz_skip_mods(lb, lid, &lid);
		tt = uz_skip_mods(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!type_names_match(lb, lid, lt->name_off, tb, tt->name_off, tags))
			return 0;
		lk = btf_kind(lt);
		tk = btf_kind(tt);
		switch (lk) {
		case BTF_KIND_UNKN:
			return lk == tk;
		case BTF_KIND_FWD: {
			bool lf = BTF_INFO_KFLAG(lt->info);

			if (lk == tk)
				return lf == BTF_INFO_KFLAG(tt->info);
			if (!behind_ptr)
				return 0;
			return (tk == BTF_KIND_STRUCT && !lf) || (tk == BTF_KIND_UNION && lf);
		}
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			if (!btf_is_any_enum(tt))
				return 0;
			return enums_match(lb, lt, tb, tt);
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				if (tk != BTF_KIND_FWD)
					return 0;
				return (lk == BTF_KIND_UNION) == !!BTF_INFO_KFLAG(tt->info);
			}
			if (lk != tk)
				return 0;
			return composites_match(lb, lid, lt, tb, tt, behind_ptr, level, tags);
		case BTF_KIND_INT:
			if (lk != tk)
				return 0;
			return lt->size == tt->size &&
			       (btf_int_encoding(lt) & BTF_INT_SIGNED) ==
				       (btf_int_encoding(tt) & BTF_INT_SIGNED);
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk || btf_array(lt)->nelems != btf_array(tt)->nelems)
				return 0;
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);
			uint16_t i, n = btf_vlen(lt);
			int r;

			if (lk != tk || n != btf_vlen(tt))
				return 0;
			for (i = 0; i < n; i++, lp++, tp++) {
				r = uz_types_match(lb, lp->type, tb, tp->type, behind_ptr, level - 1, tags);
				if (r <= 0)
					return r;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
}
