/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The name index of a DWARF file: one pass over the top-level DIEs of
 * every compile unit (subtrees skipped through DW_AT_sibling) recording,
 * by name, the DIE offset of every definition of a struct, union, enum,
 * typedef or base type, and whether a struct or union of that name is
 * defined anywhere (to tell a shell from a forward declaration later).
 * Declarations are not definitions. Types defined in functions (in
 * function bodies and their blocks) are indexed too, as pahole's BTF has
 * them.
 * scan.c reads the same from the section bytes, faster; this walk is
 * for what it leaves (compressed sections, odd forms, malformed data).
 */
#include <dwarf.h>
#include <stdlib.h>
#include <time.h>

#include "target/dwarf/dwarf.h"

uint32_t uz_dw_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h ? h : 1;
}

static int grow_names(struct uz_dw_index *idx)
{
	uint32_t n = idx->mask ? (idx->mask + 1) * 2 : 1u << 16, i;
	struct uz_dw_name *t = calloc(n, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (i = 0; idx->names && i <= idx->mask; i++) {
		struct uz_dw_name *e = &idx->names[i];
		uint32_t j;

		if (!e->hash)
			continue;
		for (j = e->hash & (n - 1); t[j].hash; j = (j + 1) & (n - 1))
			;
		t[j] = *e;
	}
	free(idx->names);
	idx->names = t;
	idx->mask = n - 1;
	return 0;
}

static struct uz_dw_name *slot(const struct uz_dw_index *idx, const char *name, size_t len,
			       uint32_t h)
{
	uint32_t j;

	for (j = h & idx->mask;; j = (j + 1) & idx->mask) {
		struct uz_dw_name *e = &idx->names[j];

		/* Most names are one string of .debug_str: the same pointer. */
		if (!e->hash || (e->hash == h && (e->name == name ||
						  (!strncmp(e->name, name, len) && !e->name[len]))))
			return e;
	}
}

const struct uz_dw_name *uz_dw_index_find(const struct uz_dw_index *idx, const char *name,
					  size_t len)
{
	const struct uz_dw_name *e;

	if (!idx->names)
		return NULL;
	e = slot(idx, name, len, uz_dw_hash(name, len));
	return e->hash ? e : NULL;
}

static struct uz_dw_name *get_name(struct uz_dw_index *idx, const char *name)
{
	size_t len = strlen(name);
	uint32_t h = uz_dw_hash(name, len);
	struct uz_dw_name *e;

	if ((idx->used + 1) * 2 > idx->mask + 1 && grow_names(idx))
		return NULL;
	e = slot(idx, name, len, h);
	if (!e->hash) {
		e->hash = h;
		e->name = name;
		idx->used++;
	}
	return e;
}

static int add_off(struct uz_dw_index *idx, struct uz_dw_name *e, Dwarf_Off off)
{
	struct uz_dw_off *o;

	if (idx->off_cnt == idx->off_cap) {
		uint32_t cap = idx->off_cap ? idx->off_cap * 2 : 1u << 16;
		struct uz_dw_off *n = realloc(idx->offs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		idx->offs = n;
		idx->off_cap = cap;
	}
	o = &idx->offs[idx->off_cnt++];
	o->off = (uint32_t)off;
	o->next = 0;
	if (e->last)
		idx->offs[e->last - 1].next = idx->off_cnt;
	else
		e->first = idx->off_cnt;
	e->last = idx->off_cnt;
	return 0;
}

/* The attributes the index needs, in one pass over them. */
struct top_attrs {
	Dwarf_Attribute name, size;
	bool has_name, has_size, decl, origin;
};

static int top_attr(Dwarf_Attribute *a, void *arg)
{
	struct top_attrs *t = arg;

	switch (dwarf_whatattr(a)) {
	case DW_AT_name:
		if (!t->has_name)
			t->name = *a;
		t->has_name = true;
		break;
	case DW_AT_byte_size:
		if (!t->has_size)
			t->size = *a;
		t->has_size = true;
		break;
	case DW_AT_declaration: t->decl = true; break;
	case DW_AT_abstract_origin:
	case DW_AT_specification: t->origin = true; break;
	default: break;
	}
	return DWARF_CB_OK;
}

int uz_dw_index_add(struct uz_dw_index *idx, int tag, const char *n, bool decl, uint64_t sz,
		    Dwarf_Off off)
{
	bool comp = tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
	struct uz_dw_name *e;

	if (!comp && tag != DW_TAG_enumeration_type && tag != DW_TAG_typedef &&
	    tag != DW_TAG_base_type)
		return 0;
	if (!n || !*n)
		return 0;
	if (tag != DW_TAG_typedef && tag != DW_TAG_base_type && decl)
		return 0;
	e = get_name(idx, n);
	if (!e)
		return -ENOMEM;
	if (tag == DW_TAG_structure_type && !e->has_struct) {
		e->has_struct = true;
		e->struct_size = (uint32_t)sz;
	} else if (tag == DW_TAG_union_type && !e->has_union) {
		e->has_union = true;
		e->union_size = (uint32_t)sz;
	}
	return add_off(idx, e, off);
}

/* One top-level DIE: index it if it is a named type definition. */
static int index_die(struct uz_dw_index *idx, Dwarf_Die *d)
{
	int tag = dwarf_tag(d);
	struct top_attrs ta = { 0 };
	Dwarf_Word sz = 0;
	const char *n;

	if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type &&
	    tag != DW_TAG_enumeration_type && tag != DW_TAG_typedef && tag != DW_TAG_base_type)
		return 0;
	if (dwarf_getattrs(d, top_attr, &ta, 0) != 1)
		return 0; /* unreadable: not indexed, as a DIE without a name */
	/* what dwarf_diename() gives, without its search when there is a name */
	n = ta.has_name ? dwarf_formstring(&ta.name) : ta.origin ? dwarf_diename(d) : NULL;
	if (!ta.has_size || dwarf_formudata(&ta.size, &sz))
		sz = 0;
	return uz_dw_index_add(idx, tag, n, ta.decl, sz, dwarf_dieoffset(d));
}

/* The DIEs of a list of siblings from @ch on: type definitions indexed,
 * function bodies and their blocks entered (types defined in functions). */
static int index_list(struct uz_dw_index *idx, Dwarf_Die *ch, int depth, struct uz_dw_file *f,
		      struct uz_error *err)
{
	int r = 0;

	if (depth > UZ_DW_MAX_DEPTH)
		return uz_err_set(err, -ELOOP, "%s: DIEs nest deeper than %d at .debug_info offset 0x%llx",
				  f->name, UZ_DW_MAX_DEPTH, (unsigned long long)dwarf_dieoffset(ch));
	while (r == 0) {
		int tag = dwarf_tag(ch);
		Dwarf_Die sub;

		if (index_die(idx, ch))
			return uz_err_set(err, -ENOMEM, "out of memory");
		if ((tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block) &&
		    dwarf_child(ch, &sub) == 0) {
			r = index_list(idx, &sub, depth + 1, f, err);
			if (r)
				return r;
		}
		r = dwarf_siblingof(ch, ch);
	}
	return r < 0 ? uz_err_set(err, -EINVAL, "%s: bad DIE after .debug_info offset 0x%llx: %s", f->name,
				  (unsigned long long)dwarf_dieoffset(ch), dwarf_errmsg(-1)) : 0;
}

/* Every unit's top-level DIEs through libdw. */
static int walk_libdw(struct uz_dw_index *idx, struct uz_dw_file *f, struct uz_error *err)
{
	Dwarf_Off off = 0, next;
	size_t hsize, trimmed = 0;
	int r;

	while ((r = dwarf_nextcu(f->dw, off, &next, &hsize, NULL, NULL, NULL)) == 0) {
		Dwarf_Die cu, ch;

		if (!dwarf_offdie(f->dw, off + hsize, &cu))
			return uz_err_set(err, -EINVAL, "%s: compile unit at .debug_info offset %llu unreadable: %s",
					  f->name, (unsigned long long)off, dwarf_errmsg(-1));
		r = dwarf_child(&cu, &ch);
		if (r < 0)
			return uz_err_set(err, -EINVAL, "%s: compile unit at .debug_info offset %llu: %s",
					  f->name, (unsigned long long)off, dwarf_errmsg(-1));
		if (r == 0 && (r = index_list(idx, &ch, 0, f, err)))
			return r;
		off = next;
		if (off - trimmed >= (16u << 20)) {
			uz_dw_file_trim(f, off);
			trimmed = off;
		}
	}
	if (r < 0)
		return uz_err_set(err, -EINVAL, "%s: compile unit header at .debug_info offset %llu unreadable: %s",
				  f->name, (unsigned long long)off, dwarf_errmsg(-1));
	return 0;
}

static int build(struct uz_dw_index *idx, struct uz_dw_file *f, bool fast, struct uz_error *err)
{
	struct timespec t0, t1;
	int r = 1;

	if (idx->built)
		return 0;
	if (f->info_size > UINT32_MAX)
		return uz_err_set(err, -E2BIG, "%s: .debug_info is over 4 GiB", f->name);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (grow_names(idx))
		return uz_err_set(err, -ENOMEM, "out of memory");
	if (fast)
		r = uz_dw_scan(idx, f, err);
	if (r == 1) {
		/* not for the fast path: start again, through libdw */
		uz_dw_index_free(idx);
		if (grow_names(idx))
			return uz_err_set(err, -ENOMEM, "out of memory");
		r = walk_libdw(idx, f, err);
	}
	if (r)
		return r;
	uz_dw_file_trim(f, f->info_size);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	idx->scan_secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	idx->built = true;
	return 0;
}

int uz_dw_index_build(struct uz_dw_index *idx, struct uz_dw_file *f, struct uz_error *err)
{
	return build(idx, f, true, err);
}

int uz_dw_index_build_libdw(struct uz_dw_index *idx, struct uz_dw_file *f, struct uz_error *err)
{
	return build(idx, f, false, err);
}

void uz_dw_index_free(struct uz_dw_index *idx)
{
	free(idx->names);
	free(idx->offs);
	memset(idx, 0, sizeof(*idx));
}
