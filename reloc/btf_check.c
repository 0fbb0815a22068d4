/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BTF validation. libbpf's btf__new() checks the header and that every type
 * record fits its section, but not that referenced ids exist, that names are
 * valid, or that by-value references are acyclic; its own walkers then crash
 * or spin on hostile input (BRIEF section 8). This file closes that gap.
 */
#include <stdlib.h>

#include "btf_check.h"

static bool name_ok(const struct btf *btf, uint32_t off)
{
	return btf__str_by_offset(btf, off) != NULL;
}

static int bad(struct uz_error *err, const char *what, uint32_t id, const char *why, uint32_t v)
{
	return uz_err_set(err, -EINVAL, "%s: corrupt BTF: type [%u] %s (%u)", what, id, why, v);
}

static int check_type(const struct btf *btf, uint32_t id, uint32_t n, const char *what,
		      struct uz_error *err)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	uint16_t i, vlen;

	if (!t)
		return bad(err, what, id, "cannot be read", id);
	if (!name_ok(btf, t->name_off))
		return bad(err, what, id, "has a name offset outside the strings", t->name_off);
	vlen = btf_vlen(t);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
			return bad(err, what, id, "is an int of invalid size", t->size);
		if (BTF_INT_OFFSET(*(const uint32_t *)(t + 1)) + BTF_INT_BITS(*(const uint32_t *)(t + 1)) >
		    t->size * 8)
			return bad(err, what, id, "is an int whose bits exceed its size", t->size);
		return 0;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return bad(err, what, id, "is an enum of invalid size", t->size);
		for (i = 0; i < vlen; i++) {
			uint32_t off = btf_is_enum(t) ? btf_enum(t)[i].name_off
						      : btf_enum64(t)[i].name_off;
			if (!name_ok(btf, off))
				return bad(err, what, id, "has an enumerator name outside the strings", off);
		}
		return 0;
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		if (t->type >= n)
			return bad(err, what, id, "refers to a type id past the end", t->type);
		return 0;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);

		if (a->type >= n || a->index_type >= n)
			return bad(err, what, id, "is an array of a type id past the end", a->type);
		return 0;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < vlen; i++) {
			const struct btf_member *m = btf_members(t) + i;

			if (m->type >= n || m->type == 0)
				return bad(err, what, id, "has a member of an invalid type id", m->type);
			if (!name_ok(btf, m->name_off))
				return bad(err, what, id, "has a member name outside the strings", m->name_off);
		}
		return 0;
	case BTF_KIND_FUNC_PROTO:
		if (t->type >= n)
			return bad(err, what, id, "returns a type id past the end", t->type);
		for (i = 0; i < vlen; i++) {
			const struct btf_param *p = btf_params(t) + i;

			if (p->type >= n)
				return bad(err, what, id, "has a parameter of a type id past the end", p->type);
			if (!name_ok(btf, p->name_off))
				return bad(err, what, id, "has a parameter name outside the strings", p->name_off);
		}
		return 0;
	case BTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++) {
			const struct btf_var_secinfo *v = btf_var_secinfos(t) + i;

			if (v->type >= n)
				return bad(err, what, id, "has a variable of a type id past the end", v->type);
		}
		return 0;
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
	case BTF_KIND_UNKN:
		return 0;
	default:
		return bad(err, what, id, "has an unknown kind", btf_kind(t));
	}
}

/* The @i-th by-value reference of @t, or 0 when there is none. */
static uint32_t value_edge(const struct btf_type *t, uint32_t i)
{
	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
		return i == 0 ? t->type : 0;
	case BTF_KIND_ARRAY:
		return i == 0 ? btf_array(t)->type : 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return i < btf_vlen(t) ? btf_members(t)[i].type : 0;
	default:
		return 0;
	}
}

static uint32_t value_edge_cnt(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return btf_vlen(t);
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
	case BTF_KIND_ARRAY:
		return 1;
	default:
		return 0;
	}
}

/* Iterative three-colour DFS over by-value edges among ids >= @start. */
static int check_cycles(const struct btf *btf, uint32_t start, uint32_t n, const char *what,
			struct uz_error *err)
{
	struct frame { uint32_t id, next; } *stack;
	uint8_t *state; /* 0 new, 1 on stack, 2 done */
	uint32_t root, sp;
	int r = 0;

	state = calloc(n, 1);
	stack = malloc(sizeof(*stack) * (n + 1));
	if (!state || !stack) {
		free(state);
		free(stack);
		return uz_err_set(err, -ENOMEM, "out of memory checking BTF");
	}
	for (root = start; root < n && !r; root++) {
		if (state[root])
			continue;
		sp = 0;
		stack[sp++] = (struct frame){ root, 0 };
		state[root] = 1;
		while (sp) {
			struct frame *f = &stack[sp - 1];
			const struct btf_type *t = btf__type_by_id(btf, f->id);
			uint32_t to;

			if (f->next >= value_edge_cnt(t)) {
				state[f->id] = 2;
				sp--;
				continue;
			}
			to = value_edge(t, f->next++);
			if (to < start || to == 0 || state[to] == 2)
				continue;
			if (state[to] == 1) {
				r = uz_err_set(err, -ELOOP,
					       "%s: corrupt BTF: type [%u] contains itself by value (through type [%u])",
					       what, to, f->id);
				break;
			}
			state[to] = 1;
			stack[sp++] = (struct frame){ to, 0 };
		}
	}
	free(state);
	free(stack);
	return r;
}

int uz_btf_check(const struct btf *btf, uint32_t start_id, const char *what,
		 struct uz_error *err)
{
	uint32_t n = btf__type_cnt(btf), id;
	int r;

	if (start_id == 0)
		start_id = 1;
	for (id = start_id; id < n; id++) {
		r = check_type(btf, id, n, what, err);
		if (r)
			return r;
	}
	return check_cycles(btf, start_id, n, what, err);
}

int uz_btf_parse_checked(const uint8_t *data, size_t len, const char *what,
			 struct btf **out, struct uz_error *err)
{
	struct btf *btf;
	int r;

	*out = NULL;
	if (len < 24 || len > UINT32_MAX)
		return uz_err_set(err, -EINVAL, "%s: BTF of %zu bytes is too short or too long",
				  what, len);
	btf = btf__new(data, (uint32_t)len);
	if (!btf) {
		r = -errno;
		return uz_err_set(err, r ? r : -EINVAL,
				  "%s: not valid BTF (header, string or type section corrupt): %s",
				  what, strerror(r < 0 ? -r : EINVAL));
	}
	r = uz_btf_check(btf, 1, what, err);
	if (r) {
		btf__free(btf);
		return r;
	}
	*out = btf;
	return 0;
}

int uz_btf_parse_split_checked(const char *path, struct btf *base, struct btf **out,
			       struct uz_error *err)
{
	struct btf *btf;
	int r;

	*out = NULL;
	btf = btf__parse_raw_split(path, base);
	if (!btf) {
		r = -errno;
		return uz_err_set(err, r ? r : -EINVAL,
				  "%s: not valid split BTF on top of the base (kernel module BTF must be a raw BTF file such as /sys/kernel/btf/MODULE): %s",
				  path, strerror(r < 0 ? -r : EINVAL));
	}
	r = uz_btf_check(btf, btf__type_cnt(base), path, err);
	if (r) {
		btf__free(btf);
		return r;
	}
	*out = btf;
	return 0;
}
