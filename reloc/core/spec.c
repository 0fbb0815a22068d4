/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Access specs. A CO-RE record names a root type and an access string
 * "a:b:c": the first index treats the root pointer as an array (a), each
 * next one is a member index (through anonymous members too) or an array
 * index. The parsed spec keeps two views, as libbpf does: the raw one (one
 * entry per index) and the high-level one (only named members and array
 * indices), plus the bit offset the path reaches. Indices are decimal,
 * non-negative, at most 64 of them; anything else is an error, not UB.
 */
#include <limits.h>
#include <stdio.h>

#include "core/core.h"

static int parse_indices(const char *s, struct uz_spec *spec, char *why, size_t why_sz)
{
	const char *p = s;

	if (!*p) {
		snprintf(why, why_sz, "empty access string");
		return -EINVAL;
	}
	for (;;) {
		long long v = 0;
		const char *start = p;

		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p - '0');
			if (v > INT_MAX) {
				snprintf(why, why_sz, "access string '%s': index too large", s);
				return -EINVAL;
			}
			p++;
		}
		if (p == start) {
			snprintf(why, why_sz, "access string '%s': expected a non-negative index at '%s'",
				 s, start);
			return -EINVAL;
		}
		if (spec->raw_len == UZ_SPEC_MAX_LEN) {
			snprintf(why, why_sz, "access string '%s' is deeper than %d levels", s,
				 UZ_SPEC_MAX_LEN);
			return -E2BIG;
		}
		spec->raw_spec[spec->raw_len++] = (int)v;
		if (!*p)
			return 0;
		if (*p != ':') {
			snprintf(why, why_sz, "access string '%s': unexpected character '%c'", s, *p);
			return -EINVAL;
		}
		p++;
	}
}

/* Flexible array: zero elements and the last member of the enclosing struct. */
static bool is_flex_arr(const struct btf *btf, const struct uz_accessor *acc,
			const struct btf_array *arr)
{
	if (!acc->name || arr->nelems > 0)
		return false;
	return acc->idx == (uint32_t)btf_vlen(btf__type_by_id(btf, acc->type_id)) - 1;
}

static int parse_field_path(const struct btf *btf, uint32_t id, const char *access,
			    struct uz_spec *spec, char *why, size_t why_sz)
{
	int64_t sz;
	int i;

	sz = btf__resolve_size(btf, id);
	if (sz < 0) {
		snprintf(why, why_sz, "cannot compute the size of the root type [%u]", id);
		return (int)sz;
	}
	spec->bit_offset = (uint32_t)spec->raw_spec[0] * (uint32_t)sz * 8;
	for (i = 1; i < spec->raw_len; i++) {
		const struct btf_type *t = uz_skip_mods(btf, id, &id);
		uint32_t idx = (uint32_t)spec->raw_spec[i];
		struct uz_accessor *acc = &spec->spec[spec->len];

		if (btf_is_composite(t)) {
			const struct btf_member *m;

			if (idx >= btf_vlen(t)) {
				snprintf(why, why_sz, "access '%s': member index %u out of range (type [%u] has %u members)",
					 access, idx, id, btf_vlen(t));
				return -EINVAL;
			}
			spec->bit_offset += btf_member_bit_offset(t, idx);
			m = btf_members(t) + idx;
			if (m->name_off) {
				const char *name = btf__name_by_offset(btf, m->name_off);

				if (!name || !*name) {
					snprintf(why, why_sz, "access '%s': member %u has an invalid name", access, idx);
					return -EINVAL;
				}
				acc->type_id = id;
				acc->idx = idx;
				acc->name = name;
				spec->len++;
			}
			id = m->type;
		} else if (btf_is_array(t)) {
			const struct btf_array *a = btf_array(t);
			bool flex;

			uz_skip_mods(btf, a->type, &id);
			flex = spec->len > 0 && is_flex_arr(btf, acc - 1, a);
			if (!flex && idx >= a->nelems) {
				snprintf(why, why_sz, "access '%s': array index %u out of range (%u elements)",
					 access, idx, a->nelems);
				return -EINVAL;
			}
			acc->type_id = id;
			acc->idx = idx;
			acc->name = NULL;
			spec->len++;
			sz = btf__resolve_size(btf, id);
			if (sz < 0) {
				snprintf(why, why_sz, "access '%s': cannot size array element [%u]", access, id);
				return (int)sz;
			}
			spec->bit_offset += idx * (uint32_t)sz * 8;
		} else {
			char tb[128];

			snprintf(why, why_sz, "access '%s' (index %d) walks into %s, which has no members or elements",
				 access, i, uz_type_str(btf, id, tb, sizeof(tb)));
			return -EINVAL;
		}
	}
	return 0;
}

int uz_spec_parse(const struct btf *btf, uint32_t type_id, const char *access,
		  unsigned int kind, struct uz_spec *spec, char *why, size_t why_sz)
{
	const struct btf_type *t;
	uint32_t id;
	int r;

	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->root_type_id = type_id;
	spec->kind = kind;
	if (!access || !*access || *access == ':') {
		snprintf(why, why_sz, "empty or malformed access string");
		return -EINVAL;
	}
	if (uz_kind_is_type(kind)) {
		if (strcmp(access, "0") != 0) {
			snprintf(why, why_sz, "type-based relocation with access string '%s' (must be \"0\")",
				 access);
			return -EINVAL;
		}
		return 0;
	}
	r = parse_indices(access, spec, why, why_sz);
	if (r)
		return r;
	t = uz_skip_mods(btf, type_id, &id);
	if (!t) {
		snprintf(why, why_sz, "root type [%u] does not exist", type_id);
		return -EINVAL;
	}
	spec->spec[0].type_id = id;
	spec->spec[0].idx = (uint32_t)spec->raw_spec[0];
	spec->len = 1;
	if (uz_kind_is_enumval(kind)) {
		uint32_t idx = spec->spec[0].idx, off;

		if (!btf_is_any_enum(t) || spec->raw_len > 1 || idx >= btf_vlen(t)) {
			snprintf(why, why_sz, "enum value relocation with access '%s' on a type that is not an enum with that many values",
				 access);
			return -EINVAL;
		}
		off = btf_is_enum(t) ? btf_enum(t)[idx].name_off : btf_enum64(t)[idx].name_off;
		spec->spec[0].name = btf__name_by_offset(btf, off);
		return 0;
	}
	if (!uz_kind_is_field(kind)) {
		snprintf(why, why_sz, "unknown relocation kind %u", kind);
		return -EINVAL;
	}
	return parse_field_path(btf, id, access, spec, why, why_sz);
}

void uz_spec_format(const struct uz_spec *spec, char *buf, size_t sz)
{
	const struct btf_type *t;
	const char *name;
	size_t n;
	int i;

	t = btf__type_by_id(spec->btf, spec->root_type_id);
	name = t ? btf__name_by_offset(spec->btf, t->name_off) : NULL;
	if (uz_kind_is_type(spec->kind) || spec->len == 0) {
		uz_type_str(spec->btf, spec->root_type_id, buf, sz);
		return;
	}
	if (uz_kind_is_enumval(spec->kind)) {
		snprintf(buf, sz, "%s::%s", name && *name ? name : "<anon>",
			 spec->spec[0].name ? spec->spec[0].name : "?");
		return;
	}
	n = (size_t)snprintf(buf, sz, "%s", name && *name ? name : "<anon>");
	if (spec->spec[0].idx && n < sz)
		n += (size_t)snprintf(buf + n, sz - n, "[%u]", spec->spec[0].idx);
	for (i = 1; i < spec->len && n < sz; i++) {
		if (spec->spec[i].name)
			n += (size_t)snprintf(buf + n, sz - n, ".%s", spec->spec[i].name);
		else
			n += (size_t)snprintf(buf + n, sz - n, "[%u]", spec->spec[i].idx);
	}
}
