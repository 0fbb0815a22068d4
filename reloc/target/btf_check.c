/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BTF validation. libbpf's btf__new() checks the header and that every type
 * record fits its section, but not that referenced ids exist, that names are
 * valid, or that by-value references are acyclic; its own walkers then crash
 * or spin on hostile input. This file closes that gap: one pass checks
 * every type in place (and collects the names a target's index needs), then
 * a cycle search covers only the types that pass could not clear, then the
 * name index is built.
 */
#include <stdlib.h>

#include "target/btf_check.h"

/*
 * Smallest string offset btf__str_by_offset() rejects. libbpf's valid
 * offsets are [0, base strings + own strings): a prefix, found by bisection,
 * so a name check is then one comparison.
 */
static uint64_t str_limit(const struct btf *btf)
{
	uint64_t lo = 0, hi = 1ull << 32, mid;

	if (!btf__str_by_offset(btf, 0))
		return 0;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (btf__str_by_offset(btf, (uint32_t)mid))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

static int bad(struct uz_error *err, const char *what, uint32_t id, const char *why, uint32_t v)
{
	return uz_err_set(err, -EINVAL, "%s: corrupt BTF: type [%u] %s (%u)", what, id, why, v);
}

/* One check's context. */
struct check {
	const struct btf *btf;
	const char *what;
	uint32_t start, n;
	uint64_t str_lim;
	/*
	 * By id - start + 1 (slot 0 unused): 2 = cannot be on a by-value
	 * cycle, 0 = left to the cycle search (which also uses 1: on its stack).
	 */
	uint8_t *state;
	/* the types the pass left to the cycle search, ids increasing */
	uint32_t *pending;
	size_t pend_cnt, pend_cap;
	/* with an index to build: the types it will hold, ids increasing */
	bool want_refs;
	bool covered[32];
	struct uz_name_ref *refs;
	size_t ref_cnt, ref_cap;
	struct uz_error *err;
};

static __attribute__((noinline)) int grow_refs(struct check *c)
{
	size_t cap = c->ref_cap ? c->ref_cap * 2 : (c->n >> 2) + 64;
	struct uz_name_ref *r = realloc(c->refs, cap * sizeof(*r));

	if (!r)
		return uz_err_set(c->err, -ENOMEM, "out of memory building the name index");
	c->refs = r;
	c->ref_cap = cap;
	return 0;
}

static inline int add_ref(struct check *c, uint32_t id, uint32_t name_off)
{
	int r;

	if (c->ref_cnt == c->ref_cap && (r = grow_refs(c)))
		return r;
	c->refs[c->ref_cnt++] = (struct uz_name_ref){ id, name_off };
	return 0;
}

/* Remember @id for the cycle search (the pass could not clear it). */
static __attribute__((noinline)) int add_pending(struct check *c, uint32_t id)
{
	if (c->pend_cnt == c->pend_cap) {
		size_t cap = c->pend_cap ? c->pend_cap * 2 : 1024;
		uint32_t *p = realloc(c->pending, cap * sizeof(*p));

		if (!p)
			return uz_err_set(c->err, -ENOMEM, "out of memory checking BTF");
		c->pending = p;
		c->pend_cap = cap;
	}
	c->pending[c->pend_cnt++] = id;
	return 0;
}

/*
 * Bytes of the record @t, of a kind check_one() accepts: the same sizes
 * btf__new() walked the type section with, so the records of a parsed btf
 * follow one another at these distances.
 */
static inline size_t rec_size(const struct btf_type *t)
{
	/* by kind: bytes after struct btf_type, fixed and per vlen entry */
	static const uint8_t fixed[32] = {
		[BTF_KIND_INT] = sizeof(uint32_t),
		[BTF_KIND_ARRAY] = sizeof(struct btf_array),
		[BTF_KIND_VAR] = sizeof(struct btf_var),
		[BTF_KIND_DECL_TAG] = sizeof(struct btf_decl_tag),
	};
	static const uint8_t per[32] = {
		[BTF_KIND_STRUCT] = sizeof(struct btf_member),
		[BTF_KIND_UNION] = sizeof(struct btf_member),
		[BTF_KIND_ENUM] = sizeof(struct btf_enum),
		[BTF_KIND_ENUM64] = sizeof(struct btf_enum64),
		[BTF_KIND_FUNC_PROTO] = sizeof(struct btf_param),
		[BTF_KIND_DATASEC] = sizeof(struct btf_var_secinfo),
	};
	uint32_t kind = btf_kind(t);

	return sizeof(*t) + fixed[kind] + (size_t)btf_vlen(t) * per[kind];
}

/*
 * The by-value references of @t (modifiers, typedefs, variables, array
 * elements, struct/union members): *@cnt type ids, *@stride words apart
 * from *@first.
 */
static void value_edges(const struct btf_type *t, const uint32_t **first, uint32_t *stride,
			uint32_t *cnt)
{
	*stride = 1;
	*cnt = 1;
	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
		*first = &t->type;
		return;
	case BTF_KIND_ARRAY:
		*first = &btf_array(t)->type;
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		*first = &btf_members(t)->type;
		*stride = sizeof(struct btf_member) / sizeof(uint32_t);
		*cnt = btf_vlen(t);
		return;
	default:
		*first = NULL;
		*cnt = 0;
		return;
	}
}

/*
 * By-value edge @to of type @id, as far as the pass can tell: outside the
 * checked ids (void, a split btf's base) or an earlier cleared type is
 * fine, an earlier uncleared type or @id itself is not; a later type sets
 * *@later and is settled by later_edges_ok() once @id is checked.
 */
static inline bool edge_ok(const struct check *c, uint32_t id, uint32_t to, bool *later)
{
	if (to < c->start)
		return true;
	if (to < id)
		return c->state[to - c->start + 1] == 2;
	*later |= to > id;
	return to > id;
}

/*
 * The by-value edges of checked type @id (record @t) that lead to later
 * types: fine when each of those is of a kind without by-value edges. Such
 * a type is not checked yet; only its kind is read (libbpf has sized every
 * record). The pass clears every type of such a kind that it accepts, and
 * its verdict only counts if it accepts them all.
 */
static bool later_edges_ok(const struct check *c, uint32_t id, const struct btf_type *t)
{
	uint32_t i, cnt, stride, u_stride, u_cnt;
	const uint32_t *e, *u_first;

	value_edges(t, &e, &stride, &cnt);
	for (i = 0; i < cnt; i++, e += stride) {
		const struct btf_type *u;

		if (*e <= id)
			continue;
		u = btf__type_by_id(c->btf, *e);
		if (!u)
			return false;
		value_edges(u, &u_first, &u_stride, &u_cnt);
		if (u_first)
			return false;
	}
	return true;
}

/*
 * Check type @id (record @t): every check the walks rely on, in order, each
 * with its message. Also collect it for the name index, and clear it for
 * the cycle search when each of its by-value edges leads to a cleared type
 * or to one that cannot have by-value edges: then, by induction over ids,
 * no by-value path from it comes back to it.
 */
static inline __attribute__((always_inline)) int check_one(struct check *c, uint32_t id,
							   const struct btf_type *t)
{
	const char *what = c->what;
	struct uz_error *err = c->err;
	uint32_t n = c->n, kind = btf_kind(t), i, vlen;
	uint64_t lim = c->str_lim;
	bool clear = true, later = false;

	if (t->name_off >= lim)
		return bad(err, what, id, "has a name offset outside the strings", t->name_off);
	vlen = btf_vlen(t);
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t info = *(const uint32_t *)(t + 1);

		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
			return bad(err, what, id, "is an int of invalid size", t->size);
		if (BTF_INT_OFFSET(info) + BTF_INT_BITS(info) > t->size * 8)
			return bad(err, what, id, "is an int whose bits exceed its size", t->size);
		break;
	}
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enum(t);

		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return bad(err, what, id, "is an enum of invalid size", t->size);
		for (i = 0; i < vlen; i++)
			if (e[i].name_off >= lim)
				return bad(err, what, id, "has an enumerator name outside the strings",
					   e[i].name_off);
		break;
	}
	case BTF_KIND_ENUM64: {
		const struct btf_enum64 *e = btf_enum64(t);

		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return bad(err, what, id, "is an enum of invalid size", t->size);
		for (i = 0; i < vlen; i++)
			if (e[i].name_off >= lim)
				return bad(err, what, id, "has an enumerator name outside the strings",
					   e[i].name_off);
		break;
	}
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
		if (t->type >= n)
			return bad(err, what, id, "refers to a type id past the end", t->type);
		clear = edge_ok(c, id, t->type, &later);
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_FUNC:
	case BTF_KIND_DECL_TAG:
		if (t->type >= n)
			return bad(err, what, id, "refers to a type id past the end", t->type);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);

		if (a->type >= n || a->index_type >= n)
			return bad(err, what, id, "is an array of a type id past the end", a->type);
		clear = edge_ok(c, id, a->type, &later);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		for (i = 0; i < vlen; i++) {
			if (m[i].type >= n || m[i].type == 0)
				return bad(err, what, id, "has a member of an invalid type id", m[i].type);
			if (m[i].name_off >= lim)
				return bad(err, what, id, "has a member name outside the strings",
					   m[i].name_off);
			clear &= edge_ok(c, id, m[i].type, &later);
		}
		break;
	}
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = btf_params(t);

		if (t->type >= n)
			return bad(err, what, id, "returns a type id past the end", t->type);
		for (i = 0; i < vlen; i++) {
			if (p[i].type >= n)
				return bad(err, what, id, "has a parameter of a type id past the end",
					   p[i].type);
			if (p[i].name_off >= lim)
				return bad(err, what, id, "has a parameter name outside the strings",
					   p[i].name_off);
		}
		break;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = btf_var_secinfos(t);

		for (i = 0; i < vlen; i++)
			if (v[i].type >= n)
				return bad(err, what, id, "has a variable of a type id past the end",
					   v[i].type);
		break;
	}
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
	case BTF_KIND_UNKN:
		break;
	default:
		return bad(err, what, id, "has an unknown kind", kind);
	}
	if (clear && later)
		clear = later_edges_ok(c, id, t);
	c->state[id - c->start + 1] = clear ? 2 : 0;
	if (!clear) {
		int r = add_pending(c, id);

		if (r)
			return r;
	}
	if (c->want_refs && t->name_off && c->covered[kind])
		return add_ref(c, id, t->name_off);
	return 0;
}

/*
 * The pass over [start, n). The records are walked in place, one after
 * the other (one libbpf call per type cost as much as the checks); the
 * walk must land exactly on libbpf's record of every id, which it checks
 * at the last one, at a record it rejects and wherever it would leave the
 * section. Should libbpf ever lay records out otherwise, the pass starts
 * again looking each record up by id.
 */
static int check_pass(struct check *c)
{
	const struct btf_type *t, *last;
	const uint8_t *end;
	size_t refs0 = c->ref_cnt;
	uint32_t id;
	int r;

	if (c->start >= c->n)
		return 0;
	t = btf__type_by_id(c->btf, c->start);
	last = btf__type_by_id(c->btf, c->n - 1);
	if (!t || !last)
		goto by_id;
	end = (const uint8_t *)last + rec_size(last);
	for (id = c->start;; id++) {
		size_t sz = rec_size(t);

		if ((const uint8_t *)t + sz > end)
			goto by_id;
		r = check_one(c, id, t);
		if (r) {
			/* only an error of libbpf's own record is reported */
			if (t != btf__type_by_id(c->btf, id))
				goto by_id;
			return r;
		}
		if (id + 1 == c->n)
			break;
		t = (const struct btf_type *)((const uint8_t *)t + sz);
	}
	if (t == last)
		return 0;
by_id:
	c->ref_cnt = refs0;
	c->pend_cnt = 0;
	for (id = c->start; id < c->n; id++) {
		t = btf__type_by_id(c->btf, id);
		if (!t)
			return bad(c->err, c->what, id, "cannot be read", id);
		r = check_one(c, id, t);
		if (r)
			return r;
	}
	return 0;
}

/* Collect the named types of [1, end), already checked (a split btf's base). */
static int refs_checked(struct check *c, uint32_t end)
{
	uint32_t id;
	int r;

	for (id = 1; id < end; id++) {
		const struct btf_type *t = btf__type_by_id(c->btf, id);

		if (!t)
			return bad(c->err, c->what, id, "cannot be read", id);
		if (t->name_off && c->covered[btf_kind(t)] && (r = add_ref(c, id, t->name_off)))
			return r;
	}
	return 0;
}

/*
 * Iterative three-colour DFS over by-value edges among ids >= start, roots
 * in increasing id order, edges in record order. Types the pass cleared
 * start out done (2): a search through them could only mark them done,
 * never find a cycle, so the first cycle found, and the message, are the
 * same as with no type cleared.
 */
struct frame {
	const uint32_t *edge;
	uint32_t id, left, stride;
};

/* Put a frame for type @id at @sp, growing the stack as it deepens. */
static int push(const struct check *c, struct frame **stack, uint32_t *cap, uint32_t sp,
		uint32_t id)
{
	struct frame *f;

	if (sp == *cap) {
		size_t ncap = *cap ? (size_t)*cap * 2 : 64;
		struct frame *ns = ncap <= UINT32_MAX ? realloc(*stack, sizeof(*ns) * ncap) : NULL;

		if (!ns)
			return uz_err_set(c->err, -ENOMEM, "out of memory checking BTF");
		*stack = ns;
		*cap = (uint32_t)ncap;
	}
	f = &(*stack)[sp];
	f->id = id;
	value_edges(btf__type_by_id(c->btf, id), &f->edge, &f->stride, &f->left);
	return 0;
}

static int check_cycles(const struct check *c)
{
	uint32_t start = c->start, root, sp, cap = 0;
	uint8_t *state = c->state; /* 0 new, 1 on stack, 2 done; by id - start + 1 */
	struct frame *stack = NULL, *f;
	size_t k;
	int r = 0;

	/* roots: the uncleared types in increasing id order (the cleared ones
	 * would be skipped as done) */
	for (k = 0; k < c->pend_cnt && !r; k++) {
		root = c->pending[k];
		if (state[root - start + 1])
			continue;
		sp = 0;
		r = push(c, &stack, &cap, sp++, root);
		state[root - start + 1] = 1;
		while (sp && !r) {
			uint32_t to;

			f = &stack[sp - 1];
			if (!f->left) {
				state[f->id - start + 1] = 2;
				sp--;
				continue;
			}
			to = *f->edge;
			f->edge += f->stride;
			f->left--;
			if (to < start || to == 0 || state[to - start + 1] == 2)
				continue;
			if (state[to - start + 1] == 1) {
				r = uz_err_set(c->err, -ELOOP,
					       "%s: corrupt BTF: type [%u] contains itself by value (through type [%u])",
					       c->what, to, f->id);
				break;
			}
			state[to - start + 1] = 1;
			r = push(c, &stack, &cap, sp++, to);
		}
	}
	free(stack);
	return r;
}

int uz_btf_check_index(const struct btf *btf, uint32_t start_id, const char *what,
		       struct uz_name_index *idx, void *buf, size_t buf_len, struct uz_error *err)
{
	struct check c = { .btf = btf, .what = what, .want_refs = idx != NULL, .err = err };
	uint8_t *own_state = NULL;
	size_t state_sz;
	uint32_t k;
	int r = 0;

	if (idx)
		memset(idx, 0, sizeof(*idx));
	c.n = btf__type_cnt(btf);
	c.start = start_id ? start_id : 1;
	if (c.start > c.n)
		c.start = c.n;
	c.str_lim = str_limit(btf);
	for (k = 0; k < UZ_ARRAY_SIZE(c.covered); k++)
		c.covered[k] = uz_name_index_covers(k);
	/* @buf, when large enough, holds the cycle-search state */
	state_sz = (size_t)(c.n - c.start) + 1;
	if (buf && buf_len >= state_sz) {
		c.state = buf;
	} else {
		c.state = own_state = malloc(state_sz);
		if (!c.state) {
			free(buf);
			return uz_err_set(err, -ENOMEM, "out of memory checking BTF");
		}
	}
	if (idx && c.start > 1)
		r = refs_checked(&c, c.start);
	r = r ?: check_pass(&c);
	r = r ?: check_cycles(&c);
	free(c.pending);
	free(own_state);
	/*
	 * Every type checked: now the index. @buf goes first: its memory
	 * (pages already faulted in) can then serve the index's block.
	 */
	free(buf);
	if (!r && idx)
		r = uz_name_index_build(idx, btf, c.refs, c.ref_cnt, err);
	free(c.refs);
	return r;
}

int uz_btf_check(const struct btf *btf, uint32_t start_id, const char *what,
		 struct uz_error *err)
{
	return uz_btf_check_index(btf, start_id, what, NULL, NULL, 0, err);
}

/* Bytes a type of @kind with @vlen entries takes after its 12-byte head;
 * -1 for an unknown kind. */
static int64_t type_extra(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return 12;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC: case BTF_KIND_ENUM64:
		return (int64_t)vlen * 12;
	case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
		return (int64_t)vlen * 8;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* The type section's records fit it (counts are not absurd), kinds are
 * known and names are inside the strings; the strings are NUL-delimited. */
static int check_sections(const uint8_t *d, bool swap, uint32_t hdr_len, uint32_t type_off,
			  uint32_t type_len, uint32_t str_off, uint32_t str_len,
			  const char *what, struct uz_error *err)
{
	const uint8_t *p = d + hdr_len + type_off, *str = d + hdr_len + str_off;
	uint32_t pos = 0, id = 1;

	if (!str_len || str[0] || str[str_len - 1])
		return uz_err_set(err, -EINVAL, "%s: corrupt BTF: the %u-byte string section does not start and end with a NUL byte",
				  what, str_len);
	while (pos < type_len) {
		uint32_t name_off, info, kind, vlen;
		int64_t extra;

		if (type_len - pos < 12)
			return uz_err_set(err, -EINVAL, "%s: corrupt BTF: type [%u] at byte %u of the %u-byte type section is cut off",
					  what, id, pos, type_len);
		name_off = uz_get32(p + pos, swap);
		info = uz_get32(p + pos + 4, swap);
		kind = (info >> 24) & 0x1f;
		vlen = info & 0xffff;
		extra = type_extra(kind, vlen);
		if (extra < 0)
			return uz_err_set(err, -EINVAL, "%s: corrupt BTF: type [%u] has an unknown kind (%u)",
					  what, id, kind);
		if ((uint64_t)extra + 12 > type_len - pos)
			return uz_err_set(err, -EINVAL, "%s: corrupt BTF: type [%u] (kind %u, %u entries) needs %llu bytes at byte %u of the %u-byte type section: an absurd count or a cut section",
					  what, id, kind, vlen, (unsigned long long)extra + 12, pos,
					  type_len);
		if (name_off >= str_len)
			return uz_err_set(err, -EINVAL, "%s: corrupt BTF: type [%u] has a name offset outside the strings (%u)",
					  what, id, name_off);
		pos += (uint32_t)extra + 12;
		id++;
	}
	return 0;
}

/*
 * The header, before libbpf sees the bytes: its failures are one errno
 * ("Invalid argument"), so a cut or lying header is named here, with the
 * sizes: magic, version, header length, and both sections inside the data.
 */
static int check_header(const uint8_t *d, size_t len, const char *what, struct uz_error *err)
{
	uint16_t magic;
	bool swap;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint64_t type_end, str_end;

	/* in this host's order: the other byte order reads 0x9feb */
	memcpy(&magic, d, sizeof(magic));
	swap = magic == 0x9feb;
	if (magic != 0xeb9f && !swap)
		return uz_err_set(err, -EINVAL, "%s: not BTF (magic 0x%04x, BTF has 0xeb9f)", what,
				  magic);
	if (d[2] != 1)
		return uz_err_set(err, -EOPNOTSUPP, "%s: BTF version %u is not supported (only 1)",
				  what, d[2]);
	hdr_len = uz_get32(d + 4, swap);
	if (hdr_len < 24 || hdr_len > len)
		return uz_err_set(err, -EINVAL, "%s: BTF header length %u is invalid (%zu bytes of BTF)",
				  what, hdr_len, len);
	type_off = uz_get32(d + 8, swap);
	type_len = uz_get32(d + 12, swap);
	str_off = uz_get32(d + 16, swap);
	str_len = uz_get32(d + 20, swap);
	type_end = (uint64_t)hdr_len + type_off + type_len;
	str_end = (uint64_t)hdr_len + str_off + str_len;
	if (type_end > len || str_end > len)
		return uz_err_set(err, -EINVAL, "%s: truncated BTF: its header puts the types at [%llu, %llu) and the strings at [%llu, %llu), past the %zu bytes there are",
				  what, (unsigned long long)hdr_len + type_off,
				  (unsigned long long)type_end, (unsigned long long)hdr_len + str_off,
				  (unsigned long long)str_end, len);
	return check_sections(d, swap, hdr_len, type_off, type_len, str_off, str_len, what, err);
}

int uz_btf_parse_indexed(const uint8_t *data, size_t len, const char *what,
			 struct uz_name_index *idx, void *reuse, struct btf **out,
			 struct uz_error *err)
{
	struct btf *btf;
	int r;

	*out = NULL;
	if (len < 24 || len > UINT32_MAX) {
		free(reuse);
		return uz_err_set(err, -EINVAL, "%s: BTF of %zu bytes is too short or too long",
				  what, len);
	}
	r = check_header(data, len, what, err);
	if (r) {
		free(reuse);
		return r;
	}
	btf = btf__new(data, (uint32_t)len);
	if (!btf) {
		r = -errno;
		free(reuse);
		return uz_err_set(err, r ? r : -EINVAL,
				  "%s: not valid BTF (header, string or type section corrupt): %s",
				  what, strerror(r < 0 ? -r : EINVAL));
	}
	/* btf__new() copied @data: its buffer is now scratch space */
	r = uz_btf_check_index(btf, 1, what, idx, reuse, reuse ? len : 0, err);
	if (r) {
		btf__free(btf);
		return r;
	}
	*out = btf;
	return 0;
}

int uz_btf_parse_checked(const uint8_t *data, size_t len, const char *what,
			 struct btf **out, struct uz_error *err)
{
	return uz_btf_parse_indexed(data, len, what, NULL, NULL, out, err);
}
