/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Are two definitions of a name (in different compile units) the same
 * type, as the BTF made of them would be? Deep through everything held
 * by value (members, arrays, typedefs, qualifiers); behind a pointer a
 * struct or union is its kind and name (nothing in CO-RE looks at members
 * behind a pointer), enums, ints and prototypes still compare in full.
 *
 * The first side is a group's representative, compared with every other
 * definition of its name (task_struct has over a thousand): it is read
 * from libdw once, into nodes kept for the comparator's lifetime (only the
 * parts a comparison reached), so each comparison reads one side only.
 * The other side is read with one attribute pass per DIE. Stops at the
 * first difference; results are memoised per pair, so a nested type shared
 * by many roots of the same unit is compared once. Every walk is bounded.
 */
#include <dwarf.h>
#include <stdlib.h>

#include "target/dwarf/die.h"
#include "target/dwarf/map.h"

/* The attributes of a type DIE the comparison looks at. */
struct info {
	const char *name;
	uint64_t size, enc;
	Dwarf_Attribute type;
	bool has_size, has_enc, has_type, decl;
};

enum { REF_UNREAD, REF_NONE, REF_SOME };

/* A DIE of the representative side. */
struct node {
	uint32_t off;
	int tag;
	const char *name;
	uint64_t size, enc;
	bool has_size, has_enc, decl, enum_signed, kids_read;
	uint8_t ref;             /* REF_*: DW_AT_type read yet, and present? */
	uint32_t type;           /* node of DW_AT_type (REF_SOME) */
	uint32_t kid0, nkids;    /* in uz_dw_same.kids, once kids_read */
};

/* A child of a representative DIE, as far as its parent's comparison goes:
 * members of a struct or union; every child of an enum, array or prototype. */
struct kid {
	int tag;
	const char *name;
	uint64_t bit_off;        /* member */
	int64_t value;           /* enumerator */
	uint32_t bit_size;       /* member */
	uint32_t count;          /* child of an array */
	uint32_t type;           /* member or parameter type node, when has_type */
	bool has_type;
};

struct uz_dw_same {
	struct uz_dw_map memo[2]; /* [ptr mode]: (a << 32 | b) -> 1 same, 2 different */
	struct uz_dw_map node_of; /* DIE offset -> node */
	struct node *nodes;
	size_t node_cnt, node_cap;
	struct kid *kids;
	size_t kid_cnt, kid_cap;
	Dwarf *dw;
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
	uz_dw_map_free(&s->node_of);
	free(s->nodes);
	free(s->kids);
	free(s);
}

static int oom(struct uz_error *err)
{
	return uz_err_set(err, -ENOMEM, "out of memory");
}

enum { I_NAME = 1, I_SIZE = 2, I_ENC = 4, I_TYPE = 8, I_DECL = 16, I_ORIGIN = 32 };

struct info_raw {
	Dwarf_Attribute name, size, enc, type;
	unsigned int have;
};

/* The first of each attribute, as dwarf_attr() would find it. */
static int info_attr(Dwarf_Attribute *a, void *arg)
{
	struct info_raw *r = arg;
	unsigned int bit;
	Dwarf_Attribute *dst = NULL;

	switch (dwarf_whatattr(a)) {
	case DW_AT_name: bit = I_NAME; dst = &r->name; break;
	case DW_AT_byte_size: bit = I_SIZE; dst = &r->size; break;
	case DW_AT_encoding: bit = I_ENC; dst = &r->enc; break;
	case DW_AT_type: bit = I_TYPE; dst = &r->type; break;
	case DW_AT_declaration: bit = I_DECL; break;
	case DW_AT_abstract_origin:
	case DW_AT_specification: bit = I_ORIGIN; break;
	default: return DWARF_CB_OK;
	}
	if (!(r->have & bit) && dst)
		*dst = *a;
	r->have |= bit;
	return DWARF_CB_OK;
}

/* One pass over the attributes of @d; the same values as dwarf_diename(),
 * uz_dw_udata() and dwarf_hasattr() would give. */
static int read_info(struct uz_dw_same *s, Dwarf_Die *d, struct info *out, struct uz_error *err)
{
	struct info_raw r;
	Dwarf_Word w;

	r.have = 0;
	if (dwarf_getattrs(d, info_attr, &r, 0) != 1)
		return uz_err_set(err, -EINVAL, "%s: the DIE at .debug_info offset 0x%llx is unreadable: %s",
				  s->fname, (unsigned long long)dwarf_dieoffset(d), dwarf_errmsg(-1));
	if (r.have & I_NAME)
		out->name = dwarf_formstring(&r.name);
	else
		out->name = r.have & I_ORIGIN ? dwarf_diename(d) : NULL;
	out->has_size = (r.have & I_SIZE) && !dwarf_formudata(&r.size, &w);
	out->size = out->has_size ? w : 0;
	out->has_enc = (r.have & I_ENC) && !dwarf_formudata(&r.enc, &w);
	out->enc = out->has_enc ? w : 0;
	out->has_type = r.have & I_TYPE;
	if (out->has_type)
		out->type = r.type;
	out->decl = r.have & I_DECL;
	return 0;
}

static int bad_ref(struct uz_dw_same *s, Dwarf_Die *d, struct uz_error *err)
{
	return uz_err_set(err, -EINVAL, "%s: the DIE at .debug_info offset 0x%llx references a type that does not exist (outside its unit or the section: %s): corrupt or truncated DWARF",
			  s->fname, (unsigned long long)dwarf_dieoffset(d), dwarf_errmsg(-1));
}

static bool str_eq(const char *x, const char *y)
{
	if (!x || !y)
		return !x && !y;
	return x == y || !strcmp(x, y);
}

static int offdie(struct uz_dw_same *s, uint64_t off, Dwarf_Die *d, struct uz_error *err)
{
	if (dwarf_offdie(s->dw, off, d))
		return 0;
	return uz_err_set(err, -EINVAL, "%s: no DIE at .debug_info offset 0x%llx: %s", s->fname,
			  (unsigned long long)off, dwarf_errmsg(-1));
}

/* The representative node of @d, read now if new. */
static int get_node(struct uz_dw_same *s, Dwarf_Die *d, uint32_t *out, struct uz_error *err)
{
	uint64_t off = dwarf_dieoffset(d);
	struct info in;
	struct node *n;
	int r;

	if (uz_dw_map_get(&s->node_of, off, out))
		return 0;
	r = read_info(s, d, &in, err);
	if (r)
		return r;
	if (s->node_cnt == s->node_cap) {
		size_t cap = s->node_cap ? s->node_cap * 2 : 256;
		struct node *nn = realloc(s->nodes, cap * sizeof(*nn));

		if (!nn)
			return oom(err);
		s->nodes = nn;
		s->node_cap = cap;
	}
	n = &s->nodes[s->node_cnt];
	memset(n, 0, sizeof(*n));
	n->off = (uint32_t)off;
	n->tag = dwarf_tag(d);
	n->name = in.name;
	n->size = in.size;
	n->has_size = in.has_size;
	n->enc = in.enc;
	n->has_enc = in.has_enc;
	n->decl = in.decl;
	if (n->tag == DW_TAG_enumeration_type)
		n->enum_signed = uz_dw_enum_signed(d);
	*out = (uint32_t)s->node_cnt++;
	return uz_dw_map_put(&s->node_of, off, *out) ? oom(err) : 0;
}

/* DW_AT_type of node @i: *has, and its node in *t. */
static int node_ref(struct uz_dw_same *s, uint32_t i, bool *has, uint32_t *t, struct uz_error *err)
{
	if (s->nodes[i].ref == REF_UNREAD) {
		Dwarf_Die d, td;
		bool h;
		uint32_t ti = 0;
		int r = offdie(s, s->nodes[i].off, &d, err);

		r = r ?: uz_dw_type_ref(&d, &td, &h, s->fname, err);
		if (!r && h)
			r = get_node(s, &td, &ti, err);
		if (r)
			return r;
		s->nodes[i].ref = h ? REF_SOME : REF_NONE;
		s->nodes[i].type = ti;
	}
	*has = s->nodes[i].ref == REF_SOME;
	*t = s->nodes[i].type;
	return 0;
}

static struct kid *new_kid(struct uz_dw_same *s)
{
	if (s->kid_cnt == s->kid_cap) {
		size_t cap = s->kid_cap ? s->kid_cap * 2 : 1024;
		struct kid *nk = realloc(s->kids, cap * sizeof(*nk));

		if (!nk)
			return NULL;
		s->kids = nk;
		s->kid_cap = cap;
	}
	memset(&s->kids[s->kid_cnt], 0, sizeof(struct kid));
	return &s->kids[s->kid_cnt++];
}

/* One child of a node of tag @ptag (enum signedness @sg) into a new kid. */
static int read_kid(struct uz_dw_same *s, int ptag, bool sg, Dwarf_Die *ch, struct uz_error *err)
{
	int tag = dwarf_tag(ch), r = 0;
	struct uz_dw_member m;
	struct kid *k;
	Dwarf_Die t;
	uint32_t ti = 0;
	bool has = false;

	if (ptag == DW_TAG_structure_type || ptag == DW_TAG_union_type) {
		if (tag != DW_TAG_member)
			return 0;
		r = uz_dw_member_read(ch, s->big_endian, &m, s->fname, err);
		if (!r && m.has_type)
			r = get_node(s, &m.type, &ti, err);
		if (r)
			return r;
		if (!(k = new_kid(s)))
			return oom(err);
		k->tag = tag;
		k->name = m.name;
		k->bit_off = m.bit_off;
		k->bit_size = m.bit_size;
		k->has_type = m.has_type;
		k->type = ti;
		return 0;
	}
	if (ptag == DW_TAG_enumeration_type) {
		int64_t v;

		r = uz_dw_enum_value(ch, sg, &v, s->fname, err);
		if (r)
			return r;
		if (!(k = new_kid(s)))
			return oom(err);
		k->tag = tag;
		k->name = dwarf_diename(ch);
		k->value = v;
		return 0;
	}
	if (ptag == DW_TAG_subroutine_type && tag == DW_TAG_formal_parameter) {
		r = uz_dw_type_ref(ch, &t, &has, s->fname, err);
		if (!r && has)
			r = get_node(s, &t, &ti, err);
		if (r)
			return r;
	}
	if (!(k = new_kid(s)))
		return oom(err);
	k->tag = tag;
	k->has_type = has;
	k->type = ti;
	if (ptag == DW_TAG_array_type)
		k->count = uz_dw_subrange_count(ch);
	return 0;
}

/* The children of node @i its comparison needs (read once). */
static int node_kids(struct uz_dw_same *s, uint32_t i, struct uz_error *err)
{
	int tag = s->nodes[i].tag, r;
	bool sg = s->nodes[i].enum_signed;
	size_t first = s->kid_cnt;
	Dwarf_Die d, ch;

	if (s->nodes[i].kids_read)
		return 0;
	r = offdie(s, s->nodes[i].off, &d, err);
	if (r)
		return r;
	if (dwarf_child(&d, &ch) == 0) {
		do {
			/* read_kid adds nodes, never kids of other nodes: contiguous */
			r = read_kid(s, tag, sg, &ch, err);
			if (r)
				return r;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	}
	s->nodes[i].kid0 = (uint32_t)first;
	s->nodes[i].nkids = (uint32_t)(s->kid_cnt - first);
	s->nodes[i].kids_read = true;
	return 0;
}

static int cmp(struct uz_dw_same *s, uint32_t a, Dwarf_Die *b, bool ptr, int depth,
	       struct uz_error *err);

/* The DW_AT_type targets of @a and @b (void when absent). */
static int cmp_ref(struct uz_dw_same *s, uint32_t a, Dwarf_Die *b, const struct info *bi, bool ptr,
		   int depth, struct uz_error *err)
{
	Dwarf_Attribute at = bi->type;
	Dwarf_Die tb;
	uint32_t ta;
	bool ha;
	int r = node_ref(s, a, &ha, &ta, err);

	if (r)
		return r;
	if (bi->has_type && !dwarf_formref_die(&at, &tb))
		return bad_ref(s, b, err);
	if (ha != bi->has_type)
		return 0;
	return ha ? cmp(s, ta, &tb, ptr, depth + 1, err) : 1;
}

static int cmp_members(struct uz_dw_same *s, uint32_t a, Dwarf_Die *b, int depth,
		       struct uz_error *err)
{
	Dwarf_Die mb;
	size_t k, n;
	int rb, r = node_kids(s, a, err);

	if (r)
		return r;
	n = s->nodes[a].nkids;
	rb = dwarf_child(b, &mb);
	for (k = 0;; k++) {
		struct uz_dw_member xb;
		struct kid ka;

		while (rb == 0 && dwarf_tag(&mb) != DW_TAG_member)
			rb = dwarf_siblingof(&mb, &mb);
		if (k == n || rb)
			return k == n && rb == 1;
		ka = s->kids[s->nodes[a].kid0 + k];
		r = uz_dw_member_read(&mb, s->big_endian, &xb, s->fname, err);
		if (r)
			return r;
		if (ka.bit_off != xb.bit_off || ka.bit_size != xb.bit_size ||
		    ka.has_type != xb.has_type || !str_eq(ka.name, xb.name))
			return 0;
		if (ka.has_type) {
			r = cmp(s, ka.type, &xb.type, false, depth + 1, err);
			if (r <= 0)
				return r;
		}
		rb = dwarf_siblingof(&mb, &mb);
	}
}

static int cmp_enum(struct uz_dw_same *s, uint32_t a, Dwarf_Die *b, const struct info *bi,
		    struct uz_error *err)
{
	bool sgb = uz_dw_enum_signed(b);
	Dwarf_Die eb;
	size_t k, n;
	int rb, r;

	if (s->nodes[a].enum_signed != sgb || s->nodes[a].has_size != bi->has_size ||
	    s->nodes[a].size != bi->size || s->nodes[a].decl != bi->decl)
		return 0;
	r = node_kids(s, a, err);
	if (r)
		return r;
	n = s->nodes[a].nkids;
	rb = dwarf_child(b, &eb);
	for (k = 0; k < n && rb == 0; k++) {
		struct kid ka = s->kids[s->nodes[a].kid0 + k];
		int64_t vb;

		if (!str_eq(ka.name, dwarf_diename(&eb)))
			return 0;
		r = uz_dw_enum_value(&eb, sgb, &vb, s->fname, err);
		if (r)
			return r;
		if (ka.value != vb)
			return 0;
		rb = dwarf_siblingof(&eb, &eb);
	}
	return k == n && rb == 1;
}

/* Arrays: the dimensions, then the element. Prototypes: the parameter
 * types (behind a pointer), varargs, then the return type. */
static int cmp_children(struct uz_dw_same *s, uint32_t a, Dwarf_Die *b, const struct info *bi,
			int tag, int depth, struct uz_error *err)
{
	Dwarf_Die cb;
	size_t k, n;
	int rb, r = node_kids(s, a, err);

	if (r)
		return r;
	n = s->nodes[a].nkids;
	rb = dwarf_child(b, &cb);
	for (k = 0; k < n && rb == 0; k++) {
		struct kid ka = s->kids[s->nodes[a].kid0 + k];

		if (ka.tag != dwarf_tag(&cb))
			return 0;
		if (tag == DW_TAG_array_type) {
			if (ka.count != uz_dw_subrange_count(&cb))
				return 0;
		} else if (ka.tag == DW_TAG_formal_parameter) {
			Dwarf_Die tb;
			bool hb;

			r = uz_dw_type_ref(&cb, &tb, &hb, s->fname, err);
			if (r)
				return r;
			if (ka.has_type != hb)
				return 0;
			if (hb && (r = cmp(s, ka.type, &tb, true, depth + 1, err)) <= 0)
				return r;
		}
		rb = dwarf_siblingof(&cb, &cb);
	}
	if (k != n || rb != 1)
		return 0;
	return cmp_ref(s, a, b, bi, tag == DW_TAG_subroutine_type, depth, err);
}

static int cmp_tag(struct uz_dw_same *s, uint32_t a, Dwarf_Die *b, int tag, bool ptr,
		   int depth, struct uz_error *err)
{
	struct info bi;
	const struct node *na;
	int r = read_info(s, b, &bi, err);

	if (r)
		return r;
	na = &s->nodes[a];
	switch (tag) {
	case DW_TAG_base_type:
		return str_eq(na->name, bi.name) && na->has_size == bi.has_size &&
		       na->size == bi.size && na->has_enc == bi.has_enc && na->enc == bi.enc;
	case DW_TAG_pointer_type:
		return cmp_ref(s, a, b, &bi, true, depth, err);
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return cmp_ref(s, a, b, &bi, ptr, depth, err);
	case DW_TAG_typedef:
		return str_eq(na->name, bi.name) ? cmp_ref(s, a, b, &bi, ptr, depth, err) : 0;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		if (!str_eq(na->name, bi.name))
			return 0;
		if (ptr)
			return 1;
		if (na->decl != bi.decl || na->has_size != bi.has_size || na->size != bi.size)
			return 0;
		return cmp_members(s, a, b, depth, err);
	case DW_TAG_enumeration_type:
		return str_eq(na->name, bi.name) ? cmp_enum(s, a, b, &bi, err) : 0;
	case DW_TAG_array_type:
	case DW_TAG_subroutine_type:
		return cmp_children(s, a, b, &bi, tag, depth, err);
	default:
		return str_eq(na->name, bi.name);
	}
}

static int cmp(struct uz_dw_same *s, uint32_t a, Dwarf_Die *b, bool ptr, int depth,
	       struct uz_error *err)
{
	Dwarf_Off oa = s->nodes[a].off, ob = dwarf_dieoffset(b);
	uint64_t key = oa << 32 | ob;
	uint32_t v;
	bool memo;
	int tag, r;

	if (oa == ob)
		return 1;
	if (depth > UZ_DW_MAX_DEPTH)
		return uz_err_set(err, -ELOOP, "%s: type references nest deeper than %d at .debug_info offset 0x%llx: a DIE reference loop",
				  s->fname, UZ_DW_MAX_DEPTH, (unsigned long long)oa);
	tag = s->nodes[a].tag;
	/* Only types with parts are worth remembering: a base type, pointer
	 * or qualifier is compared again faster than looked up. */
	memo = ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type) && !ptr) ||
	       tag == DW_TAG_enumeration_type || tag == DW_TAG_array_type ||
	       tag == DW_TAG_subroutine_type;
	if (memo && uz_dw_map_get(&s->memo[ptr], key, &v))
		return v == 1;
	r = tag == dwarf_tag(b) ? cmp_tag(s, a, b, tag, ptr, depth, err) : 0;
	if (r < 0 || !memo)
		return r;
	if (uz_dw_map_put(&s->memo[ptr], key, r ? 1 : 2))
		return oom(err);
	return r;
}

int uz_dw_same(struct uz_dw_same *s, Dwarf *dw, const char *fname, bool big_endian,
	       Dwarf_Off a, Dwarf_Off b, struct uz_error *err)
{
	Dwarf_Die da, db;
	uint32_t na;
	int r;

	s->dw = dw;
	s->fname = fname;
	s->big_endian = big_endian;
	if (!uz_dw_map_get(&s->node_of, a, &na)) {
		r = offdie(s, a, &da, err);
		r = r ?: get_node(s, &da, &na, err);
		if (r)
			return r;
	}
	r = offdie(s, b, &db, err);
	return r ?: cmp(s, na, &db, false, 0, err);
}
