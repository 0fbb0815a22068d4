/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Are two definitions of a name (in different compile units) the same
 * type, as the BTF made of them would be? Deep through everything held
 * by value (members, arrays, typedefs, qualifiers); behind a pointer a
 * struct or union is its kind and name (nothing in CO-RE looks at members
 * behind a pointer), enums, ints and prototypes still compare in full.
 * Stops at the first difference; results are memoised for the lifetime
 * of the comparator (one per conversion), so a nested type shared by
 * many roots of the same unit is compared once. Every walk is bounded.
 */
#include <dwarf.h>
#include <stdlib.h>

#include "target/dwarf/die.h"
#include "target/dwarf/map.h"

struct uz_dw_same {
	struct uz_dw_map memo[2]; /* [ptr mode]: (a << 32 | b) -> 1 same, 2 different */
	const char *fname;
	bool big_endian;
};

struct uz_dw_same *uz_dw_same_new(void)
{
	return calloc(1, sizeof(struct uz_dw_same));
}

void uz_dw_same_free(struct uz_dw_same *s)
{
	if (!s)
		return;
	uz_dw_map_free(&s->memo[0]);
	uz_dw_map_free(&s->memo[1]);
	free(s);
}

static int cmp(struct uz_dw_same *s, Dwarf_Die *a, Dwarf_Die *b, bool ptr, int depth,
	       struct uz_error *err);

static bool names_eq(Dwarf_Die *a, Dwarf_Die *b)
{
	const char *x = dwarf_diename(a), *y = dwarf_diename(b);

	if (!x || !y)
		return !x && !y;
	return x == y || !strcmp(x, y);
}

static bool udata_eq(Dwarf_Die *a, Dwarf_Die *b, unsigned int at)
{
	uint64_t x = 0, y = 0;
	bool hx = uz_dw_udata(a, at, &x), hy = uz_dw_udata(b, at, &y);

	return hx == hy && x == y;
}

/* The DW_AT_type targets of @a and @b (void when absent). */
static int cmp_ref(struct uz_dw_same *s, Dwarf_Die *a, Dwarf_Die *b, bool ptr, int depth,
		   struct uz_error *err)
{
	Dwarf_Die ta, tb;
	bool ha, hb;
	int r;

	r = uz_dw_type_ref(a, &ta, &ha, s->fname, err);
	if (!r)
		r = uz_dw_type_ref(b, &tb, &hb, s->fname, err);
	if (r)
		return r;
	if (ha != hb)
		return 0;
	return ha ? cmp(s, &ta, &tb, ptr, depth + 1, err) : 1;
}

static int cmp_members(struct uz_dw_same *s, Dwarf_Die *a, Dwarf_Die *b, int depth,
		       struct uz_error *err)
{
	Dwarf_Die ma, mb;
	int ra = dwarf_child(a, &ma), rb = dwarf_child(b, &mb), r;

	for (;;) {
		struct uz_dw_member xa, xb;

		while (ra == 0 && dwarf_tag(&ma) != DW_TAG_member)
			ra = dwarf_siblingof(&ma, &ma);
		while (rb == 0 && dwarf_tag(&mb) != DW_TAG_member)
			rb = dwarf_siblingof(&mb, &mb);
		if (ra || rb)
			return ra == rb;
		r = uz_dw_member_read(&ma, s->big_endian, &xa, s->fname, err);
		if (!r)
			r = uz_dw_member_read(&mb, s->big_endian, &xb, s->fname, err);
		if (r)
			return r;
		if (xa.bit_off != xb.bit_off || xa.bit_size != xb.bit_size ||
		    xa.has_type != xb.has_type || !xa.name != !xb.name ||
		    (xa.name && xa.name != xb.name && strcmp(xa.name, xb.name)))
			return 0;
		if (xa.has_type) {
			r = cmp(s, &xa.type, &xb.type, false, depth + 1, err);
			if (r <= 0)
				return r;
		}
		ra = dwarf_siblingof(&ma, &ma);
		rb = dwarf_siblingof(&mb, &mb);
	}
}

static int cmp_enum(struct uz_dw_same *s, Dwarf_Die *a, Dwarf_Die *b, struct uz_error *err)
{
	bool sga = uz_dw_enum_signed(a), sgb = uz_dw_enum_signed(b);
	Dwarf_Die ea, eb;
	int ra, rb, r;

	if (sga != sgb || !udata_eq(a, b, DW_AT_byte_size) ||
	    dwarf_hasattr(a, DW_AT_declaration) != dwarf_hasattr(b, DW_AT_declaration))
		return 0;
	ra = dwarf_child(a, &ea);
	rb = dwarf_child(b, &eb);
	while (ra == 0 && rb == 0) {
		int64_t va, vb;

		if (!names_eq(&ea, &eb))
			return 0;
		r = uz_dw_enum_value(&ea, sga, &va, s->fname, err);
		if (!r)
			r = uz_dw_enum_value(&eb, sgb, &vb, s->fname, err);
		if (r)
			return r;
		if (va != vb)
			return 0;
		ra = dwarf_siblingof(&ea, &ea);
		rb = dwarf_siblingof(&eb, &eb);
	}
	return ra == rb;
}

/* Arrays: the dimensions, then the element. Prototypes: the parameter
 * types (behind a pointer), varargs, then the return type. */
static int cmp_children(struct uz_dw_same *s, Dwarf_Die *a, Dwarf_Die *b, int tag, int depth,
			struct uz_error *err)
{
	Dwarf_Die ca, cb;
	int ra = dwarf_child(a, &ca), rb = dwarf_child(b, &cb), r;

	while (ra == 0 && rb == 0) {
		int t = dwarf_tag(&ca);

		if (t != dwarf_tag(&cb))
			return 0;
		if (tag == DW_TAG_array_type) {
			if (uz_dw_subrange_count(&ca) != uz_dw_subrange_count(&cb))
				return 0;
		} else if (t == DW_TAG_formal_parameter) {
			r = cmp_ref(s, &ca, &cb, true, depth, err);
			if (r <= 0)
				return r;
		}
		ra = dwarf_siblingof(&ca, &ca);
		rb = dwarf_siblingof(&cb, &cb);
	}
	if (ra != rb)
		return 0;
	return cmp_ref(s, a, b, tag == DW_TAG_subroutine_type, depth, err);
}

static int cmp_tag(struct uz_dw_same *s, Dwarf_Die *a, Dwarf_Die *b, int tag, bool ptr,
		   int depth, struct uz_error *err)
{
	switch (tag) {
	case DW_TAG_base_type:
		return names_eq(a, b) && udata_eq(a, b, DW_AT_byte_size) &&
		       udata_eq(a, b, DW_AT_encoding);
	case DW_TAG_pointer_type:
		return cmp_ref(s, a, b, true, depth, err);
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return cmp_ref(s, a, b, ptr, depth, err);
	case DW_TAG_typedef:
		return names_eq(a, b) ? cmp_ref(s, a, b, ptr, depth, err) : 0;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		if (!names_eq(a, b))
			return 0;
		if (ptr)
			return 1;
		if (dwarf_hasattr(a, DW_AT_declaration) != dwarf_hasattr(b, DW_AT_declaration) ||
		    !udata_eq(a, b, DW_AT_byte_size))
			return 0;
		return cmp_members(s, a, b, depth, err);
	case DW_TAG_enumeration_type:
		return names_eq(a, b) ? cmp_enum(s, a, b, err) : 0;
	case DW_TAG_array_type:
	case DW_TAG_subroutine_type:
		return cmp_children(s, a, b, tag, depth, err);
	default:
		return names_eq(a, b);
	}
}

static int cmp(struct uz_dw_same *s, Dwarf_Die *a, Dwarf_Die *b, bool ptr, int depth,
	       struct uz_error *err)
{
	Dwarf_Off oa = dwarf_dieoffset(a), ob = dwarf_dieoffset(b);
	uint64_t key = oa << 32 | ob;
	uint32_t v;
	bool memo;
	int tag, r;

	if (oa == ob)
		return 1;
	if (depth > UZ_DW_MAX_DEPTH)
		return uz_err_set(err, -ELOOP, "%s: type references nest deeper than %d at .debug_info offset 0x%llx: a DIE reference loop",
				  s->fname, UZ_DW_MAX_DEPTH, (unsigned long long)oa);
	tag = dwarf_tag(a);
	/* Only types with parts are worth remembering: a base type, pointer
	 * or qualifier is compared again faster than looked up. */
	memo = tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_enumeration_type || tag == DW_TAG_array_type ||
	       tag == DW_TAG_subroutine_type;
	if (memo && uz_dw_map_get(&s->memo[ptr], key, &v))
		return v == 1;
	r = tag == dwarf_tag(b) ? cmp_tag(s, a, b, tag, ptr, depth, err) : 0;
	if (r < 0 || !memo)
		return r;
	if (uz_dw_map_put(&s->memo[ptr], key, r ? 1 : 2))
		return uz_err_set(err, -ENOMEM, "out of memory");
	return r;
}

int uz_dw_same(struct uz_dw_same *s, Dwarf *dw, const char *fname, bool big_endian,
	       Dwarf_Off a, Dwarf_Off b, struct uz_error *err)
{
	Dwarf_Die da, db;

	s->fname = fname;
	s->big_endian = big_endian;
	if (!dwarf_offdie(dw, a, &da) || !dwarf_offdie(dw, b, &db))
		return uz_err_set(err, -EINVAL, "%s: no DIE at .debug_info offset 0x%llx: %s", fname,
				  (unsigned long long)(dwarf_offdie(dw, a, &da) ? b : a),
				  dwarf_errmsg(-1));
	return cmp(s, &da, &db, false, 0, err);
}
