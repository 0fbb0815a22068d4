/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Matching a local spec against one target candidate, producing the target
 * spec (high-level accessors, raw indices, bit offset).
 *
 * Named accessors are looked up by exact member name in the target struct,
 * descending into anonymous struct/union members (the raw spec records the
 * anonymous hops), and the found member must be field-compatible with the
 * local one. Array accessors need a target array with enough elements (or a
 * flexible array); the first accessor is the root pointer used as an array.
 * Enum values match by enumerator name modulo flavor. Type-based kinds use
 * the type compatibility or type matching relation (compat.c).
 *
 * A member name that occurs twice in one target struct through anonymous
 * members (hostile or hand-made BTF; C forbids it), or an enumerator name
 * twice in one enum (flavors ignored) with different values, is an error
 * naming both, not the first one found (libbpf takes the first).
 *
 * userize: when a member of a userized struct is not found under its own
 * name, its aliases are tried in order; a dotted alias walks embedded
 * (non-pointer) members of the target, each hop recorded in the target spec.
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/core.h"

struct saved { int len, raw_len; uint32_t bit_offset; };

static struct saved save(const struct uz_spec *s)
{
	return (struct saved){ s->len, s->raw_len, s->bit_offset };
}

static void restore(struct uz_spec *s, struct saved v)
{
	s->len = v.len;
	s->raw_len = v.raw_len;
	s->bit_offset = v.bit_offset;
}

/*
 * Find member @name in composite @targ_id (through anonymous members). With
 * @lb set, the member must be field-compatible with local type @lid.
 * 1 found, 0 not found, <0 error.
 */
static int find_member(const struct btf *lb, uint32_t lid, const char *name,
		       const struct btf *tb, uint32_t targ_id, struct uz_spec *spec,
		       uint32_t *next_id)
{
	const struct btf_type *tt;
	const struct btf_member *m;
	uint16_t i, n;
	int found;

	tt = uz_skip_mods(tb, targ_id, &targ_id);
	if (!tt)
		return -EINVAL;
	if (!btf_is_composite(tt))
		return 0;
	n = btf_vlen(tt);
	m = btf_members(tt);
	for (i = 0; i < n; i++, m++) {
		uint32_t bit_off = btf_member_bit_offset(tt, i);
		const char *tname;

		if (spec->raw_len == UZ_SPEC_MAX_LEN)
			return -E2BIG;
		spec->bit_offset += bit_off;
		spec->raw_spec[spec->raw_len++] = i;
		tname = btf__name_by_offset(tb, m->name_off);
		if (!*tname) {
			found = find_member(lb, lid, name, tb, m->type, spec, next_id);
			if (found)
				return found;
		} else if (strcmp(name, tname) == 0) {
			struct uz_accessor *acc;

			if (spec->len == UZ_SPEC_MAX_LEN)
				return -E2BIG;
			acc = &spec->spec[spec->len++];
			acc->type_id = targ_id;
			acc->idx = i;
			acc->name = tname;
			*next_id = m->type;
			if (!lb)
				return 1;
			found = uz_fields_compat(lb, lid, tb, m->type);
			if (!found)
				spec->len--;
			return found;
		}
		spec->bit_offset -= bit_off;
		spec->raw_len--;
	}
	return 0;
}

/*
 * Members named @name in composite @id, through anonymous members: their
 * count so far (@n; counting stops at 2), with the bit offset and type of
 * the first two in @off/@type. Bounded like the spec.
 */
static int count_named(const struct btf *tb, uint32_t id, const char *name, uint32_t base,
		       uint32_t off[2], uint32_t type[2], int n, int depth)
{
	const struct btf_type *t = uz_skip_mods(tb, id, &id);
	const struct btf_member *m;
	uint16_t i;

	if (!t || !btf_is_composite(t) || depth >= UZ_SPEC_MAX_LEN)
		return n;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t) && n < 2; i++, m++) {
		uint32_t bit = base + btf_member_bit_offset(t, i);
		const char *mn = btf__name_by_offset(tb, m->name_off);

		if (!mn || !*mn) {
			n = count_named(tb, m->type, name, bit, off, type, n, depth + 1);
		} else if (!strcmp(mn, name)) {
			off[n] = bit;
			type[n++] = m->type;
		}
	}
	return n;
}

/* "int [id 1]", "struct list_head [id 7]": a member's type, short. */
static const char *member_type_str(const struct btf *tb, uint32_t id, char *buf, size_t sz)
{
	const struct btf_type *t = btf__type_by_id(tb, id);
	const char *n = t ? btf__name_by_offset(tb, t->name_off) : NULL;
	char k[128];

	if (t && n && *n && (btf_is_int(t) || btf_is_typedef(t) || btf_is_float(t)))
		snprintf(buf, sz, "%s [id %u]", n, id);
	else
		snprintf(buf, sz, "%s [id %u]", uz_type_str(tb, id, k, sizeof(k)), id);
	return buf;
}

/* Is member @name of composite @targ_id unique? 0, or -ENOTUNIQ with the
 * reason in @ctx->error. */
static int unique_member(const struct btf *tb, uint32_t targ_id, const char *name,
			 struct uz_match_ctx *ctx)
{
	uint32_t off[2], type[2];
	char tstr[128], a[160], b[160];

	if (count_named(tb, targ_id, name, 0, off, type, 0, 0) < 2)
		return 0;
	if (ctx)
		snprintf(ctx->error, sizeof(ctx->error),
			 "%s [id %u] has two members named '%s' (counting those of anonymous members): %s at bit %u and %s at bit %u; refusing to pick one",
			 uz_type_str(tb, targ_id, tstr, sizeof(tstr)), targ_id, name,
			 member_type_str(tb, type[0], a, sizeof(a)), off[0],
			 member_type_str(tb, type[1], b, sizeof(b)), off[1]);
	return -ENOTUNIQ;
}

/* Walk a dotted alias "a.b.c" from composite @targ_id. */
static int find_path(const struct btf *lb, uint32_t lid, const char *path,
		     const struct btf *tb, uint32_t targ_id, struct uz_spec *spec,
		     uint32_t *next_id)
{
	char comp[256];
	const char *p = path, *dot;
	int r;

	while ((dot = strchr(p, '.'))) {
		size_t n = (size_t)(dot - p);
		const struct btf_type *t;

		if (n >= sizeof(comp))
			return 0;
		memcpy(comp, p, n);
		comp[n] = 0;
		r = find_member(NULL, 0, comp, tb, targ_id, spec, &targ_id);
		if (r <= 0)
			return r;
		t = uz_skip_mods(tb, targ_id, &targ_id);
		if (!t || !btf_is_composite(t))
			return 0; /* pointer or scalar hop: not an embedded member */
		p = dot + 1;
	}
	return find_member(lb, lid, p, tb, targ_id, spec, next_id);
}

/* Record why a candidate did not match (the caller's ctx may be NULL). */
static int why(struct uz_match_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int why(struct uz_match_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx && ctx->explain) {
		va_start(ap, fmt);
		vsnprintf(ctx->why, sizeof(ctx->why), fmt, ap);
		va_end(ap);
	}
	return 0;
}

/* Why member @lacc was not found in @targ_id under its name or aliases. */
static int why_member(const struct uz_spec *local, const struct uz_accessor *lacc,
		      const struct btf *tb, uint32_t targ_id, struct uz_match_ctx *ctx)
{
	const struct btf *lb = local->btf;
	const struct btf_type *lt = btf__type_by_id(lb, lacc->type_id);
	uint32_t lid = btf_members(lt)[lacc->idx].type, next = 0;
	const struct uz_type_tags *tt;
	char names[256], tstr[128], lstr[128], near[256];
	struct uz_spec scratch;
	size_t i, n;

	if (!ctx || !ctx->explain)
		return 0;
	uz_skip_mods(tb, targ_id, &targ_id);
	ctx->where_type = targ_id;
	ctx->where_member = -1;
	tt = uz_tags_of(ctx->tags, lacc->type_id);
	n = (size_t)snprintf(names, sizeof(names), "'%s'", lacc->name);
	for (i = 0; tt && i < tt->alias_cnt && n < sizeof(names); i++)
		if (tt->alias[i].member == lacc->idx)
			n += (size_t)snprintf(names + n, sizeof(names) - n, " or alias '%s'",
					      tt->alias[i].path);
	uz_type_str(tb, targ_id, tstr, sizeof(tstr));
	if (!btf_is_composite(uz_skip_mods(tb, targ_id, NULL)))
		return why(ctx, "%s is not a struct or union, so it has no member %s", tstr, names);
	memset(&scratch, 0, sizeof(scratch));
	if (find_member(NULL, 0, lacc->name, tb, targ_id, &scratch, &next) > 0) {
		ctx->where_type = scratch.spec[scratch.len - 1].type_id;
		ctx->where_member = (int)scratch.spec[scratch.len - 1].idx;
		return why(ctx, "member '%s' of %s is %s, incompatible with the local %s",
			   lacc->name, tstr, uz_type_decl(tb, next, near, sizeof(near)),
			   uz_type_decl(lb, lid, lstr, sizeof(lstr)));
	}
	uz_nearest_members(tb, targ_id, lacc->name, near, sizeof(near));
	return why(ctx, "%s has no member %s%s%s", tstr, names,
		   *near ? "; nearest names: " : "", near);
}

static int match_member(const struct uz_spec *local, const struct uz_accessor *lacc,
			const struct btf *tb, uint32_t targ_id, struct uz_spec *targ,
			uint32_t *next_id, struct uz_match_ctx *ctx)
{
	const struct btf *lb = local->btf;
	const struct btf_type *lt = btf__type_by_id(lb, lacc->type_id);
	uint32_t lid = btf_members(lt)[lacc->idx].type;
	const struct uz_type_tags *tt;
	struct saved s;
	size_t i;
	int r;

	s = save(targ);
	r = find_member(lb, lid, lacc->name, tb, targ_id, targ, next_id);
	if (r < 0)
		return r;
	if (r > 0 && unique_member(tb, targ_id, lacc->name, ctx))
		return -ENOTUNIQ;
	if (r > 0 || !ctx || !ctx->tags)
		return r ? r : why_member(local, lacc, tb, targ_id, ctx);
	tt = uz_tags_of(ctx->tags, lacc->type_id);
	for (i = 0; tt && i < tt->alias_cnt; i++) {
		if (tt->alias[i].member != lacc->idx)
			continue;
		restore(targ, s);
		r = find_path(lb, lid, tt->alias[i].path, tb, targ_id, targ, next_id);
		if (r < 0)
			return r;
		if (r > 0) {
			snprintf(ctx->note, sizeof(ctx->note), "member '%s' resolved through alias '%s'",
				 lacc->name, tt->alias[i].path);
			return 1;
		}
	}
	restore(targ, s);
	return why_member(local, lacc, tb, targ_id, ctx);
}

/* The mismatch is in the member the last named accessor of @targ found. */
static void where_last(const struct uz_spec *targ, struct uz_match_ctx *ctx)
{
	int k;

	if (!ctx || !ctx->explain)
		return;
	for (k = targ->len - 1; k >= 0 && !targ->spec[k].name; k--)
		;
	if (k >= 0) {
		ctx->where_type = targ->spec[k].type_id;
		ctx->where_member = (int)targ->spec[k].idx;
	}
}

static bool is_flex_arr(const struct btf *btf, const struct uz_accessor *acc,
			const struct btf_array *arr)
{
	if (!acc->name || arr->nelems > 0)
		return false;
	return acc->idx == (uint32_t)btf_vlen(btf__type_by_id(btf, acc->type_id)) - 1;
}

static uint64_t enumval_of(const struct btf_type *t, uint16_t i)
{
	return btf_is_enum(t) ? (uint64_t)(int64_t)btf_enum(t)[i].val : btf_enum64_value(btf_enum64(t) + i);
}

/* Another enumerator of @t after @i with the same essential name and a
 * different value (two flavors of one name: hostile or hand-made BTF;
 * libbpf takes the first)? Then an error naming both in @ctx. */
static bool dup_enumval(const struct btf *tb, const struct btf_type *t, uint32_t targ_id,
			uint16_t i, size_t llen, struct uz_match_ctx *ctx)
{
	const char *a = btf__name_by_offset(tb, btf_is_enum(t) ? btf_enum(t)[i].name_off :
							      btf_enum64(t)[i].name_off);
	char tstr[128];
	uint16_t j;

	for (j = i + 1; j < btf_vlen(t); j++) {
		const char *b = btf__name_by_offset(tb, btf_is_enum(t) ? btf_enum(t)[j].name_off :
								      btf_enum64(t)[j].name_off);

		if (uz_essential_name_len(b) != llen || strncmp(a, b, llen) ||
		    enumval_of(t, i) == enumval_of(t, j))
			continue;
		if (ctx)
			snprintf(ctx->error, sizeof(ctx->error),
				 "%s [id %u] has two enumerators named '%.*s' (flavors ignored): %s = %lld and %s = %lld; refusing to pick one",
				 uz_type_str(tb, targ_id, tstr, sizeof(tstr)), targ_id, (int)llen, a, a,
				 (long long)enumval_of(t, i), b, (long long)enumval_of(t, j));
		return true;
	}
	return false;
}

static int match_enumval(const struct uz_spec *local, const struct btf *tb, uint32_t targ_id,
			 struct uz_spec *targ, struct uz_match_ctx *ctx)
{
	char tstr[128], near[256] = "";
	const struct btf_type *t = uz_skip_mods(tb, targ_id, &targ_id);
	const char *lname = local->spec[0].name;
	size_t llen = uz_essential_name_len(lname);
	uint16_t i;

	if (ctx && ctx->explain)
		ctx->where_type = targ_id;
	if (!t || !btf_is_any_enum(t))
		return why(ctx, "%s is not an enum", uz_type_str(tb, targ_id, tstr, sizeof(tstr)));
	for (i = 0; i < btf_vlen(t); i++) {
		uint32_t off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
		const char *tname = btf__name_by_offset(tb, off);

		if (uz_essential_name_len(tname) != llen || strncmp(lname, tname, llen) != 0)
			continue;
		if (dup_enumval(tb, t, targ_id, i, llen, ctx))
			return -ENOTUNIQ;
		targ->spec[0] = (struct uz_accessor){ targ_id, i, tname };
		targ->len = 1;
		targ->raw_spec[0] = i;
		targ->raw_len = 1;
		return 1;
	}
	if (ctx && ctx->explain)
		uz_nearest_members(tb, targ_id, lname, near, sizeof(near));
	return why(ctx, "%s has no enumerator '%s'%s%s", uz_type_str(tb, targ_id, tstr, sizeof(tstr)),
		   lname, *near ? "; nearest names: " : "", near);
}

int uz_spec_match(const struct uz_spec *local, const struct btf *tb, uint32_t targ_id,
		  struct uz_spec *targ, struct uz_match_ctx *ctx)
{
	char tstr[128];
	int i, r;

	memset(targ, 0, sizeof(*targ));
	targ->btf = tb;
	targ->root_type_id = targ_id;
	targ->kind = local->kind;
	if (ctx)
		ctx->note[0] = ctx->error[0] = 0;
	if (ctx && ctx->explain) {
		snprintf(ctx->why, sizeof(ctx->why), "%s matches",
			 uz_type_str(tb, targ_id, tstr, sizeof(tstr)));
		ctx->where_type = targ_id;
		ctx->where_member = -1;
	}

	if (uz_kind_is_type(local->kind)) {
		const struct uz_tags *tags = ctx ? ctx->tags : NULL;

		if (local->kind == UZ_TYPE_MATCHES)
			r = uz_types_match(local->btf, local->root_type_id, tb, targ_id, false, 32, tags);
		else
			r = uz_types_compat(local->btf, local->root_type_id, tb, targ_id, 32);
		if (r == 0)
			why(ctx, "%s %s", tstr,
			    local->kind == UZ_TYPE_MATCHES ? "does not match the local type (names, sizes, signedness or members differ)"
							   : "is not compatible with the local type");
		return r;
	}
	if (uz_kind_is_enumval(local->kind))
		return match_enumval(local, tb, targ_id, targ, ctx);
	if (!uz_kind_is_field(local->kind))
		return -EINVAL;

	for (i = 0; i < local->len; i++) {
		const struct uz_accessor *lacc = &local->spec[i];
		const struct btf_type *tt = uz_skip_mods(tb, targ_id, &targ_id);
		int64_t sz;

		if (!tt)
			return -EINVAL;
		if (lacc->name) {
			r = match_member(local, lacc, tb, targ_id, targ, &targ_id, ctx);
			if (r <= 0)
				return r;
			continue;
		}
		if (i > 0) {
			const struct btf_array *a;

			where_last(targ, ctx);
			if (!btf_is_array(tt))
				return why(ctx, "%s is not an array",
					   uz_type_str(tb, targ_id, tstr, sizeof(tstr)));
			a = btf_array(tt);
			if (!is_flex_arr(tb, &targ->spec[targ->len - 1], a) && lacc->idx >= a->nelems)
				return why(ctx, "array index %u is out of range: the target array has %u elements",
					   lacc->idx, a->nelems);
			if (!uz_skip_mods(tb, a->type, &targ_id))
				return -EINVAL;
		}
		if (targ->raw_len == UZ_SPEC_MAX_LEN || targ->len == UZ_SPEC_MAX_LEN)
			return -E2BIG;
		targ->spec[targ->len++] = (struct uz_accessor){ targ_id, lacc->idx, NULL };
		targ->raw_spec[targ->raw_len++] = (int)lacc->idx;
		sz = btf__resolve_size(tb, targ_id);
		if (sz < 0)
			return (int)sz;
		targ->bit_offset += lacc->idx * (uint32_t)sz * 8;
	}
	return 1;
}
