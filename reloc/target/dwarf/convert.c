/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DIE -> BTF with libbpf's writer, for the root names asked for.
 *
 * Every distinct definition of a root name (grouped by same.c: identical
 * ones are one type, different ones stay separate, as in the kernel's own
 * deduplicated BTF) is converted with everything it holds by value:
 * members (bitfields as pahole encodes them: kflag, size << 24 | offset),
 * arrays (0 elements: flexible; several dimensions flattened into one, as
 * pahole does), typedef chains, const,
 * volatile, restrict (_Atomic dropped, as pahole does), enums (ENUM64
 * above 4 bytes, signedness kept). Pointers are resolved after all roots:
 * behind a pointer a struct or union is the full type when one was
 * converted under that name, else a "shell" (kind, name and size, no
 * members: none of CO-RE's relations looks at members behind a pointer),
 * and a forward declaration only when the kernel defines no struct or
 * union of that name at all. Enums and prototypes (parameters, return,
 * varargs) behind pointers are converted in full. btf__dedup() then
 * merges the identical pieces (ints, typedefs, pointers) of different
 * units, as pahole's output goes through it.
 */
#include <dwarf.h>
#include <stdlib.h>

#include <bpf/btf.h>

#include "target/dwarf/die.h"
#include "target/dwarf/map.h"

#define IN_PROGRESS UINT32_MAX

struct pending {
	uint32_t id;         /* PTR or TYPEDEF whose ->type is resolved later */
	uint32_t off;        /* DIE it refers to, 0 = void */
};

struct uz_dw_conv {
	struct uz_dw_file *f;
	const struct uz_dw_index *idx;
	struct btf *b;
	struct uz_dw_map val;    /* DIE -> id, converted by value */
	struct uz_dw_map ptr;    /* DIE -> id, converted behind a pointer */
	struct uz_dw_map byname; /* (kind << 32 | name hash slot) -> id: full or shell composites */
	struct pending *pend;
	size_t pend_cnt, pend_cap;
	uint32_t index_type;
};

struct uz_dw_conv *uz_dw_conv_new(struct uz_dw_file *f, const struct uz_dw_index *idx)
{
	struct uz_dw_conv *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->f = f;
	c->idx = idx;
	c->b = btf__new_empty();
	if (!c->b) {
		uz_dw_conv_free(c);
		return NULL;
	}
	btf__set_pointer_size(c->b, f->addr_size);
	return c;
}

void uz_dw_conv_free(struct uz_dw_conv *c)
{
	if (!c)
		return;
	btf__free(c->b);
	uz_dw_map_free(&c->val);
	uz_dw_map_free(&c->ptr);
	uz_dw_map_free(&c->byname);
	free(c->pend);
	free(c);
}

static int oom(struct uz_error *err)
{
	return uz_err_set(err, -ENOMEM, "out of memory");
}

static int btf_fail(struct uz_dw_conv *c, Dwarf_Die *d, int r, struct uz_error *err)
{
	return uz_err_set(err, r < 0 ? r : -EINVAL, "%s: the DIE at .debug_info offset 0x%llx (%s) cannot be written as BTF: %s",
			  c->f->name, (unsigned long long)dwarf_dieoffset(d),
			  dwarf_diename(d) ? dwarf_diename(d) : "anonymous", strerror(r < 0 ? -r : EINVAL));
}

static int conv(struct uz_dw_conv *c, Dwarf_Die *d, bool ptr, int depth, uint32_t *id,
		struct uz_error *err);

/* The type a DIE refers to (void: 0), converted in mode @ptr. */
static int conv_ref(struct uz_dw_conv *c, Dwarf_Die *d, bool ptr, int depth, uint32_t *id,
		    struct uz_error *err)
{
	Dwarf_Die t;
	bool has;
	int r = uz_dw_type_ref(d, &t, &has, c->f->name, err);

	*id = 0;
	if (r || !has)
		return r;
	return conv(c, &t, ptr, depth + 1, id, err);
}

/* Defer @id's reference to the DIE @d refers to (resolved behind a pointer). */
static int defer_ref(struct uz_dw_conv *c, Dwarf_Die *d, uint32_t id, struct uz_error *err)
{
	Dwarf_Die t;
	bool has;
	int r = uz_dw_type_ref(d, &t, &has, c->f->name, err);

	if (r)
		return r;
	if (c->pend_cnt == c->pend_cap) {
		size_t cap = c->pend_cap ? c->pend_cap * 2 : 256;
		struct pending *n = realloc(c->pend, cap * sizeof(*n));

		if (!n)
			return oom(err);
		c->pend = n;
		c->pend_cap = cap;
	}
	c->pend[c->pend_cnt].id = id;
	c->pend[c->pend_cnt++].off = has ? (uint32_t)dwarf_dieoffset(&t) : 0;
	return 0;
}

static int conv_base(struct uz_dw_conv *c, Dwarf_Die *d, uint32_t *id, struct uz_error *err)
{
	const char *n = dwarf_diename(d);
	uint64_t sz = 0, enc = 0;
	int e = 0, r;

	uz_dw_udata(d, DW_AT_byte_size, &sz);
	uz_dw_udata(d, DW_AT_encoding, &enc);
	if (enc == DW_ATE_float) {
		r = btf__add_float(c->b, n ? n : "float", (size_t)sz);
	} else {
		if (enc == DW_ATE_boolean)
			e = BTF_INT_BOOL;
		else if (enc == DW_ATE_signed || enc == DW_ATE_signed_char)
			e = BTF_INT_SIGNED;
		r = btf__add_int(c->b, n ? n : "int", (size_t)sz, e);
	}
	if (r < 0)
		return btf_fail(c, d, r, err);
	*id = (uint32_t)r;
	return 0;
}

static uint64_t name_key(unsigned int kind, const char *name)
{
	return (uint64_t)kind << 32 | uz_dw_hash(name, strlen(name));
}

/* A struct or union seen behind a pointer: the full type of that name,
 * else a shell, else (no definition anywhere) a forward declaration. */
static int conv_behind_ptr(struct uz_dw_conv *c, Dwarf_Die *d, uint32_t *id, struct uz_error *err)
{
	bool uni = dwarf_tag(d) == DW_TAG_union_type;
	unsigned int kind = uni ? BTF_KIND_UNION : BTF_KIND_STRUCT;
	const char *n = dwarf_diename(d);
	const struct uz_dw_name *e;
	uint64_t sz = 0;
	int r;

	if (n && *n && uz_dw_map_get(&c->byname, name_key(kind, n), id)) {
		const struct btf_type *t = btf__type_by_id(c->b, *id);

		if (t && !strcmp(btf__name_by_offset(c->b, t->name_off), n))
			return 0;
	}
	e = n && *n ? uz_dw_index_find(c->idx, n, strlen(n)) : NULL;
	if (n && *n && (!e || !(uni ? e->has_union : e->has_struct))) {
		r = btf__add_fwd(c->b, n, uni ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	} else {
		if (e)
			sz = uni ? e->union_size : e->struct_size;
		else
			uz_dw_udata(d, DW_AT_byte_size, &sz);
		r = uni ? btf__add_union(c->b, n, (uint32_t)sz) : btf__add_struct(c->b, n, (uint32_t)sz);
	}
	if (r < 0)
		return btf_fail(c, d, r, err);
	*id = (uint32_t)r;
	if (n && *n && uz_dw_map_put(&c->byname, name_key(kind, n), *id))
		return oom(err);
	return 0;
}

struct member {
	const char *name;
	uint32_t type;
	uint64_t bit_off;
	uint32_t bit_size;
};

static int collect_members(struct uz_dw_conv *c, Dwarf_Die *d, int depth, struct member **out,
			   size_t *cnt, struct uz_error *err)
{
	struct member *m = NULL, *nm;
	struct uz_dw_member um;
	size_t n = 0, cap = 0;
	Dwarf_Die ch;
	int r = dwarf_child(d, &ch);

	*out = NULL;
	*cnt = 0;
	if (r)
		return 0;
	do {
		if (dwarf_tag(&ch) != DW_TAG_member)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nm = realloc(m, cap * sizeof(*m));
			if (!nm) {
				free(m);
				return oom(err);
			}
			m = nm;
		}
		r = uz_dw_member_read(&ch, c->f->big_endian, &um, c->f->name, err);
		m[n].name = um.name;
		m[n].bit_off = um.bit_off;
		m[n].bit_size = um.bit_size;
		m[n].type = 0;
		if (!r && um.has_type)
			r = conv(c, &um.type, false, depth + 1, &m[n].type, err);
		if (r) {
			free(m);
			return r;
		}
		n++;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	*out = m;
	*cnt = n;
	return 0;
}

static int conv_composite(struct uz_dw_conv *c, Dwarf_Die *d, int depth, uint32_t *id,
			  struct uz_error *err)
{
	bool uni = dwarf_tag(d) == DW_TAG_union_type;
	const char *n = dwarf_diename(d);
	struct member *m;
	uint64_t sz = 0;
	size_t cnt, i;
	int r;

	if (uz_dw_map_put(&c->val, dwarf_dieoffset(d), IN_PROGRESS))
		return oom(err);
	r = collect_members(c, d, depth, &m, &cnt, err);
	if (r)
		return r;
	uz_dw_udata(d, DW_AT_byte_size, &sz);
	r = uni ? btf__add_union(c->b, n, (uint32_t)sz) : btf__add_struct(c->b, n, (uint32_t)sz);
	for (i = 0; r >= 0 && i < cnt; i++) {
		int e = btf__add_field(c->b, m[i].name, (int)m[i].type, (uint32_t)m[i].bit_off,
				       m[i].bit_size);

		if (e < 0)
			r = e;
	}
	free(m);
	if (r < 0)
		return btf_fail(c, d, r, err);
	*id = (uint32_t)r;
	if (n && *n) {
		unsigned int kind = uni ? BTF_KIND_UNION : BTF_KIND_STRUCT;
		uint32_t old;

		if (!uz_dw_map_get(&c->byname, name_key(kind, n), &old) &&
		    uz_dw_map_put(&c->byname, name_key(kind, n), *id))
			return oom(err);
	}
	return 0;
}

static int conv_enum(struct uz_dw_conv *c, Dwarf_Die *d, uint32_t *id, struct uz_error *err)
{
	const char *n = dwarf_diename(d);
	bool sg = uz_dw_enum_signed(d);
	uint64_t sz = 4;
	Dwarf_Die ch;
	int r;

	uz_dw_udata(d, DW_AT_byte_size, &sz);
	r = sz > 4 ? btf__add_enum64(c->b, n, (uint32_t)sz, sg) : btf__add_enum(c->b, n, (uint32_t)sz);
	if (r < 0)
		return btf_fail(c, d, r, err);
	*id = (uint32_t)r;
	if (dwarf_child(d, &ch))
		return 0;
	do {
		int64_t v;
		int e;

		if (dwarf_tag(&ch) != DW_TAG_enumerator)
			continue;
		e = uz_dw_enum_value(&ch, sg, &v, c->f->name, err);
		if (e)
			return e;
		e = sz > 4 ? btf__add_enum64_value(c->b, dwarf_diename(&ch), (uint64_t)v)
			   : btf__add_enum_value(c->b, dwarf_diename(&ch), v);
		if (e < 0)
			return btf_fail(c, &ch, e, err);
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return 0;
}

static int conv_array(struct uz_dw_conv *c, Dwarf_Die *d, bool ptr, int depth, uint32_t *id,
		      struct uz_error *err)
{
	uint32_t dims[16], elem, nd = 0, k, total;
	Dwarf_Die ch;
	int r;

	r = conv_ref(c, d, ptr, depth, &elem, err);
	if (r)
		return r;
	if (!c->index_type) {
		r = btf__add_int(c->b, "__ARRAY_SIZE_TYPE__", 4, 0);
		if (r < 0)
			return btf_fail(c, d, r, err);
		c->index_type = (uint32_t)r;
	}
	if (dwarf_child(d, &ch) == 0) {
		do {
			if (dwarf_tag(&ch) != DW_TAG_subrange_type)
				continue;
			if (nd == UZ_ARRAY_SIZE(dims))
				return uz_err_set(err, -E2BIG, "%s: the array DIE at .debug_info offset 0x%llx has over 16 dimensions",
						  c->f->name, (unsigned long long)dwarf_dieoffset(d));
			dims[nd++] = uz_dw_subrange_count(&ch);
		} while (dwarf_siblingof(&ch, &ch) == 0);
	}
	/* One dimension of all elements, as pahole encodes int a[2][3]: the
	 * kernel's BTF has it so, and relocations must see the same. */
	total = 1;
	for (k = 0; k < nd; k++)
		total = dims[k] && total <= UINT32_MAX / dims[k] ? total * dims[k] : 0;
	r = btf__add_array(c->b, (int)c->index_type, (int)elem, nd ? total : 0);
	if (r < 0)
		return btf_fail(c, d, r, err);
	*id = (uint32_t)r;
	return 0;
}

static int conv_proto(struct uz_dw_conv *c, Dwarf_Die *d, int depth, uint32_t *id,
		      struct uz_error *err)
{
	uint32_t ret, types[128];
	size_t n = 0, i;
	bool varargs = false;
	Dwarf_Die ch;
	int r;

	r = conv_ref(c, d, true, depth, &ret, err);
	if (r)
		return r;
	if (dwarf_child(d, &ch) == 0) {
		do {
			int t = dwarf_tag(&ch);

			if (t == DW_TAG_unspecified_parameters) {
				varargs = true;
				continue;
			}
			if (t != DW_TAG_formal_parameter)
				continue;
			if (n == UZ_ARRAY_SIZE(types))
				return uz_err_set(err, -E2BIG, "%s: the prototype DIE at .debug_info offset 0x%llx has over 128 parameters",
						  c->f->name, (unsigned long long)dwarf_dieoffset(d));
			r = conv_ref(c, &ch, true, depth, &types[n++], err);
			if (r)
				return r;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	}
	r = btf__add_func_proto(c->b, (int)ret);
	if (r < 0)
		return btf_fail(c, d, r, err);
	*id = (uint32_t)r;
	for (i = 0; i < n; i++)
		if ((r = btf__add_func_param(c->b, "", (int)types[i])) < 0)
			return btf_fail(c, d, r, err);
	if (varargs && (r = btf__add_func_param(c->b, "", 0)) < 0)
		return btf_fail(c, d, r, err);
	return 0;
}

/* Typedefs and qualifiers: the target first; a prototype reached by value
 * (typedef of a function type) is resolved with the pointers. */
static int conv_chain(struct uz_dw_conv *c, Dwarf_Die *d, int tag, bool ptr, int depth,
		      uint32_t *id, struct uz_error *err)
{
	Dwarf_Die t;
	uint32_t target = 0;
	bool has, later;
	int r;

	r = uz_dw_type_ref(d, &t, &has, c->f->name, err);
	if (r)
		return r;
	later = has && !ptr && dwarf_tag(&t) == DW_TAG_subroutine_type;
	if (has && !later) {
		r = conv(c, &t, ptr, depth + 1, &target, err);
		if (r)
			return r;
	}
	if (tag == DW_TAG_atomic_type) {
		if (later)
			return conv(c, &t, true, depth + 1, id, err);
		*id = target;
		return 0;
	}
	switch (tag) {
	case DW_TAG_typedef:
		r = btf__add_typedef(c->b, dwarf_diename(d) ?: "", (int)target);
		break;
	case DW_TAG_const_type:
		r = btf__add_const(c->b, (int)target);
		break;
	case DW_TAG_volatile_type:
		r = btf__add_volatile(c->b, (int)target);
		break;
	default:
		r = btf__add_restrict(c->b, (int)target);
		break;
	}
	if (r < 0)
		return btf_fail(c, d, r, err);
	*id = (uint32_t)r;
	return later ? defer_ref(c, d, *id, err) : 0;
}

static int conv_tag(struct uz_dw_conv *c, Dwarf_Die *d, int tag, bool ptr, int depth,
		    uint32_t *id, struct uz_error *err)
{
	int r;

	switch (tag) {
	case DW_TAG_base_type:
		return conv_base(c, d, id, err);
	case DW_TAG_pointer_type:
		r = btf__add_ptr(c->b, 0);
		if (r < 0)
			return btf_fail(c, d, r, err);
		*id = (uint32_t)r;
		return defer_ref(c, d, *id, err);
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return conv_chain(c, d, tag, ptr, depth, id, err);
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		if (ptr || dwarf_hasattr(d, DW_AT_declaration))
			return conv_behind_ptr(c, d, id, err);
		return conv_composite(c, d, depth, id, err);
	case DW_TAG_enumeration_type:
		return conv_enum(c, d, id, err);
	case DW_TAG_array_type:
		return conv_array(c, d, ptr, depth, id, err);
	case DW_TAG_subroutine_type:
		return conv_proto(c, d, depth, id, err);
	case DW_TAG_unspecified_type:
		*id = 0;
		return 0;
	default:
		return uz_err_set(err, -EINVAL, "%s: the DIE at .debug_info offset 0x%llx has tag 0x%x, which is not a C type",
				  c->f->name, (unsigned long long)dwarf_dieoffset(d), tag);
	}
}

static int conv(struct uz_dw_conv *c, Dwarf_Die *d, bool ptr, int depth, uint32_t *id,
		struct uz_error *err)
{
	uint64_t off = dwarf_dieoffset(d);
	int tag = dwarf_tag(d), r;

	if (depth > UZ_DW_MAX_DEPTH)
		return uz_err_set(err, -ELOOP, "%s: type references nest deeper than %d at .debug_info offset 0x%llx: a DIE reference loop",
				  c->f->name, UZ_DW_MAX_DEPTH, (unsigned long long)off);
	if (uz_dw_map_get(&c->val, off, id)) {
		if (*id == IN_PROGRESS)
			return uz_err_set(err, -ELOOP, "%s: the type at .debug_info offset 0x%llx (%s) contains itself by value: a DIE reference loop",
					  c->f->name, (unsigned long long)off,
					  dwarf_diename(d) ? dwarf_diename(d) : "anonymous");
		return 0;
	}
	if (ptr && uz_dw_map_get(&c->ptr, off, id))
		return 0;
	r = conv_tag(c, d, tag, ptr, depth, id, err);
	if (r)
		return r;
	/* Types that read the same in both modes go to the by-value map. */
	if (ptr && (tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
		    tag == DW_TAG_typedef || tag == DW_TAG_const_type ||
		    tag == DW_TAG_volatile_type || tag == DW_TAG_restrict_type ||
		    tag == DW_TAG_atomic_type || tag == DW_TAG_array_type))
		r = uz_dw_map_put(&c->ptr, off, *id);
	else
		r = uz_dw_map_put(&c->val, off, *id);
	return r ? oom(err) : 0;
}

int uz_dw_group(struct uz_dw_file *f, const struct uz_dw_index *idx, struct uz_dw_same *same,
		const char *name, uint32_t **out, size_t *cnt, struct uz_error *err)
{
	const struct uz_dw_name *e = uz_dw_index_find(idx, name, strlen(name));
	uint32_t *g = NULL, *ng, i;
	size_t n = 0, k, compares = 0;
	int r;

	*out = NULL;
	*cnt = 0;
	for (i = e ? e->first : 0; i; i = idx->offs[i - 1].next) {
		uint32_t off = idx->offs[i - 1].off;

		for (k = 0; k < n; k++) {
			r = uz_dw_same(same, f->dw, f->name, f->big_endian, g[k], off, err);
			if (r < 0) {
				free(g);
				return r;
			}
			if (r)
				break;
		}
		if (++compares % 64 == 0)
			uz_dw_file_trim(f, f->info_size);
		if (k < n)
			continue;
		ng = realloc(g, (n + 1) * sizeof(*g));
		if (!ng) {
			free(g);
			return oom(err);
		}
		g = ng;
		g[n++] = off;
	}
	uz_dw_file_trim(f, f->info_size);
	*out = g;
	*cnt = n;
	return 0;
}

int uz_dw_conv_defs(struct uz_dw_conv *c, const uint32_t *defs, size_t cnt, struct uz_error *err)
{
	uint32_t id;
	size_t k;
	int r = 0;

	for (k = 0; !r && k < cnt; k++) {
		Dwarf_Die d;

		if (!dwarf_offdie(c->f->dw, defs[k], &d))
			r = uz_err_set(err, -EINVAL, "%s: no DIE at .debug_info offset 0x%x: %s",
				       c->f->name, defs[k], dwarf_errmsg(-1));
		else
			r = conv(c, &d, false, 0, &id, err);
	}
	return r;
}

static int resolve_pending(struct uz_dw_conv *c, struct uz_error *err)
{
	size_t i;

	for (i = 0; i < c->pend_cnt; i++) {
		struct pending p = c->pend[i];
		struct btf_type *t;
		uint32_t id = 0;
		Dwarf_Die d;
		int r;

		if (p.off) {
			if (!dwarf_offdie(c->f->dw, p.off, &d))
				return uz_err_set(err, -EINVAL, "%s: no DIE at .debug_info offset 0x%x: %s",
						  c->f->name, p.off, dwarf_errmsg(-1));
			r = conv(c, &d, true, 0, &id, err);
			if (r)
				return r;
		}
		t = (struct btf_type *)btf__type_by_id(c->b, p.id);
		t->type = id;
	}
	c->pend_cnt = 0;
	return 0;
}

int uz_dw_conv_finish(struct uz_dw_conv *c, struct btf **out, struct uz_error *err)
{
	int r = resolve_pending(c, err);

	if (r)
		return r;
	uz_dw_file_trim(c->f, c->f->info_size);
	r = btf__dedup(c->b, NULL);
	if (r)
		return uz_err_set(err, r, "%s: libbpf could not deduplicate the converted types: %s",
				  c->f->name, strerror(-r));
	btf__set_endianness(c->b, c->f->big_endian ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN);
	*out = c->b;
	c->b = NULL;
	return 0;
}
