/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BTF from tracefs formats: the record of one event in the shape the
 * kernel's own BTF gives it, so that CO-RE relocations resolve the same:
 *
 *	struct trace_event_raw_<class> {
 *		struct trace_entry ent;          <- the common_* fields
 *		<fields at their offsets>;       __data_loc/__rel_loc: u32 __data_loc_<name>
 *		char __data[];                   right after the last field
 *	};
 *
 * syscalls:sys_enter_* records are struct syscall_trace_enter { ent; int
 * nr; unsigned long args[]; } (the argument fields of the format are the
 * elements of args), sys_exit_* are struct syscall_trace_exit { ent; int
 * nr; long ret; }, as the kernel defines them.
 *
 * Types: C keyword integers get the kernel's BTF names ("short unsigned
 * int"), other names become typedefs of an integer of the field's size
 * and signedness (pid_t, u32), "enum X" an enum of the field's size whose
 * enumerators are the __print_symbolic() pairs of that field (named
 * X-in-capitals_NAME unless NAME already starts so: the kernel's
 * skb_drop_reason strings drop exactly that prefix), pointers point to
 * their C pointee where it is a keyword type, a struct/union (declared,
 * not defined) or a qualified one, else void. Formats carry no byte order:
 * the host's is recorded (relocation computes shifts for the object's).
 *
 * Every record, struct trace_entry and enum remembers the format file and
 * the line of each member's field, so that a relocation which disagrees
 * with a record can say "FILE:LINE: field ..." (uz_tfs_builder_where).
 */
#include <stdio.h>
#include <stdlib.h>

#include "target/tracefs/tracefs.h"

#define TFS_HASH_BITS 12
#define TFS_MAX_TOKENS 16

struct tfs_cache_ent {
	char *key;
	uint32_t id;
	struct tfs_cache_ent *next;
};

/* Where a type built here comes from: the format file and, per member,
 * the line of its field (0: no field of its own, e.g. ent and __data). */
struct tfs_origin {
	uint32_t id;
	char *file;
	unsigned int line;           /* of the type itself (an enum: its field) */
	unsigned int *lines;         /* by member index */
	size_t cnt;
};

struct uz_tfs_builder {
	struct btf *btf;
	struct tfs_origin *orig;     /* by increasing id */
	size_t orig_cnt;
	struct tfs_cache_ent *hash[1u << TFS_HASH_BITS];
	uint32_t entry_id, entry_size, entry_align;
	char entry_from[512];        /* file that defined struct trace_entry */
	char *entry_sig;             /* "name:off:size:signed;..." of the common fields */
	unsigned int ptr_size;
	char ptr_from[512];
};

/* What one record needs while it is built. */
struct tfs_rec {
	struct uz_tfs_builder *b;
	const struct uz_tfs_event *ev;
	struct uz_error *err;
	uint32_t max_align;
};

/* ---- cache -------------------------------------------------------------- */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h >> (32 - TFS_HASH_BITS);
}

static bool cache_get(struct uz_tfs_builder *b, const char *key, uint32_t *id)
{
	struct tfs_cache_ent *e;

	for (e = b->hash[hash_str(key)]; e; e = e->next)
		if (!strcmp(e->key, key)) {
			*id = e->id;
			return true;
		}
	return false;
}

static int cache_put_b(struct uz_tfs_builder *b, const char *key, uint32_t id)
{
	struct tfs_cache_ent *e = calloc(1, sizeof(*e));
	uint32_t h = hash_str(key);

	if (!e || !(e->key = strdup(key))) {
		free(e);
		return -ENOMEM;
	}
	e->id = id;
	e->next = b->hash[h];
	b->hash[h] = e;
	return 0;
}

#define cache_put(b, key, id) \
	(cache_put_b(b, key, id) ? uz_err_set(rc->err, -ENOMEM, "out of memory") : 0)

/* ---- origins --------------------------------------------------------------- */

static int origin_add(struct tfs_rec *rc, uint32_t id, unsigned int line,
		      const unsigned int *lines, size_t cnt)
{
	struct uz_tfs_builder *b = rc->b;
	struct tfs_origin *n = realloc(b->orig, (b->orig_cnt + 1) * sizeof(*n)), *o;

	if (!n)
		return uz_err_set(rc->err, -ENOMEM, "out of memory");
	b->orig = n;
	o = &n[b->orig_cnt];
	*o = (struct tfs_origin){ .id = id, .line = line, .cnt = cnt };
	o->file = strdup(rc->ev->file);
	o->lines = cnt ? calloc(cnt, sizeof(*o->lines)) : NULL;
	if (!o->file || (cnt && !o->lines)) {
		free(o->file);
		free(o->lines);
		return uz_err_set(rc->err, -ENOMEM, "out of memory");
	}
	if (cnt)
		memcpy(o->lines, lines, cnt * sizeof(*lines));
	b->orig_cnt++;
	return 0;
}

bool uz_tfs_builder_where(const struct uz_tfs_builder *b, uint32_t id, int member, char *buf,
			  size_t sz)
{
	size_t lo = 0, hi = b->orig_cnt, mid;
	const struct tfs_origin *o;
	unsigned int line;

	while (lo < hi) {      /* ids are added in increasing order */
		mid = lo + (hi - lo) / 2;
		if (b->orig[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == b->orig_cnt || b->orig[lo].id != id)
		return false;
	o = &b->orig[lo];
	line = member < 0 ? o->line : (size_t)member < o->cnt ? o->lines[member] : 0;
	if (line)
		snprintf(buf, sz, "%s:%u", o->file, line);
	else
		snprintf(buf, sz, "%s", o->file);
	return true;
}

/* libbpf's btf__add_*() return a type id or a negative error. */
static int added(struct tfs_rec *rc, int id, uint32_t *out)
{
	if (id < 0)
		return uz_err_set(rc->err, id, "%s: cannot add a BTF type (%d)", rc->ev->file, id);
	*out = (uint32_t)id;
	return 0;
}

static int add_member(struct tfs_rec *rc, const char *sname, const char *name, uint32_t type,
		      uint32_t off)
{
	int r = btf__add_field(rc->b->btf, name, (int)type, off * 8, 0);

	if (r)
		return uz_err_set(rc->err, r < 0 ? r : -EINVAL, "%s: struct %s: cannot add member '%s' at offset %u (%d)",
				  rc->ev->file, sname, name, off, r);
	return 0;
}

/* ---- integers ------------------------------------------------------------ */

static int int_type(struct tfs_rec *rc, const char *name, uint32_t size, int enc, uint32_t *id)
{
	char key[160];

	snprintf(key, sizeof(key), "i:%s:%u:%d", name, size, enc);
	int r;

	if (cache_get(rc->b, key, id))
		return 0;
	r = added(rc, btf__add_int(rc->b->btf, name, (size_t)size, enc), id);
	return r ?: cache_put(rc->b, key, *id);
}

/* The kernel BTF's name of an integer of @size bytes. */
static const char *int_name(uint32_t size, bool sgn, unsigned int longs, bool is_char)
{
	switch (size) {
	case 1: return is_char && !sgn ? "char" : sgn ? "signed char" : "unsigned char";
	case 2: return sgn ? "short int" : "short unsigned int";
	case 4: return longs ? (sgn ? "long int" : "long unsigned int") : sgn ? "int" : "unsigned int";
	case 8: return longs == 1 ? (sgn ? "long int" : "long unsigned int") :
			sgn ? "long long int" : "long long unsigned int";
	default: return sgn ? "__int128" : "__int128 unsigned";
	}
}

static bool int_size_ok(uint32_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8 || size == 16;
}

/* ---- type strings -------------------------------------------------------- */

struct tfs_tok {
	char s[96];
};

static bool is_qual(const char *s)
{
	static const char *const q[] = { "const", "volatile", "restrict", "__restrict",
					 "__seg_gs", "__seg_fs", "__user", "__percpu", "__rcu",
					 "__iomem", "__force", "__kernel" };
	size_t i;

	for (i = 0; i < UZ_ARRAY_SIZE(q); i++)
		if (!strcmp(s, q[i]))
			return true;
	return false;
}

static bool is_int_kw(const char *s)
{
	return !strcmp(s, "unsigned") || !strcmp(s, "signed") || !strcmp(s, "char") ||
	       !strcmp(s, "short") || !strcmp(s, "int") || !strcmp(s, "long") ||
	       !strcmp(s, "_Bool") || !strcmp(s, "__int128");
}

static int tokenize(struct tfs_rec *rc, const struct uz_tfs_field *f, const char *s,
		    struct tfs_tok *tok, size_t *cnt)
{
	size_t n = 0, k;

	while (*s) {
		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (n == TFS_MAX_TOKENS)
			goto bad;
		if (*s == '*') {
			strcpy(tok[n++].s, "*");
			s++;
			continue;
		}
		for (k = 0; s[k] && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
				     (s[k] >= '0' && s[k] <= '9') || s[k] == '_'); k++)
			;
		if (!k || k >= sizeof(tok[0].s) || (s[0] >= '0' && s[0] <= '9'))
			goto bad;
		memcpy(tok[n].s, s, k);
		tok[n++].s[k] = 0;
		s += k;
	}
	*cnt = n;
	if (n)
		return 0;
bad:
	return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s': unknown type '%s' (expected a C type: keywords, a typedef name, struct/union/enum NAME, '*')",
			  rc->ev->file, f->line, f->name, f->type);
}

/* The base of a parsed type string: tokens before the first '*'. */
struct tfs_base {
	unsigned int longs, shorts;
	bool is_unsigned, is_signed_kw, is_char, is_bool, is_void, is_int128, has_int_kw, is_const;
	const char *tag;     /* "struct", "union", "enum" or NULL */
	const char *name;    /* tag name or typedef name */
};

static int parse_base(struct tfs_rec *rc, const struct uz_tfs_field *f, struct tfs_tok *tok,
		      size_t n, size_t *used, struct tfs_base *bs)
{
	size_t i;

	memset(bs, 0, sizeof(*bs));
	for (i = 0; i < n && strcmp(tok[i].s, "*"); i++) {
		const char *t = tok[i].s;

		if (is_qual(t)) {
			bs->is_const |= !strcmp(t, "const");
		} else if (!strcmp(t, "struct") || !strcmp(t, "union") || !strcmp(t, "enum")) {
			if (bs->tag || bs->name || bs->has_int_kw || i + 1 >= n ||
			    !strcmp(tok[i + 1].s, "*") || is_qual(tok[i + 1].s))
				goto bad;
			bs->tag = t;
			bs->name = tok[++i].s;
		} else if (is_int_kw(t)) {
			if (bs->tag || bs->name || bs->is_void)
				goto bad;
			bs->has_int_kw = true;
			bs->longs += !strcmp(t, "long");
			bs->shorts += !strcmp(t, "short");
			bs->is_unsigned |= !strcmp(t, "unsigned");
			bs->is_signed_kw |= !strcmp(t, "signed");
			bs->is_char |= !strcmp(t, "char");
			bs->is_bool |= !strcmp(t, "_Bool");
			bs->is_int128 |= !strcmp(t, "__int128");
		} else if (!strcmp(t, "void")) {
			if (bs->tag || bs->name || bs->has_int_kw)
				goto bad;
			bs->is_void = true;
		} else {
			if (bs->tag || bs->name || bs->has_int_kw || bs->is_void)
				goto bad;
			bs->name = t;
		}
	}
	if (!bs->tag && !bs->name && !bs->has_int_kw && !bs->is_void)
		goto bad;
	if (bs->longs > 2 || bs->shorts > 1 || (bs->is_unsigned && bs->is_signed_kw))
		goto bad;
	*used = i;
	return 0;
bad:
	return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s': unknown type '%s'", rc->ev->file,
			  f->line, f->name, f->type);
}

/* Natural size of a keyword integer (pointee of a pointer: no size given). */
static uint32_t kw_size(const struct tfs_base *bs, unsigned int ptr_size)
{
	if (bs->is_char || bs->is_bool)
		return 1;
	if (bs->shorts)
		return 2;
	if (bs->is_int128)
		return 16;
	if (bs->longs == 2)
		return 8;
	if (bs->longs == 1)
		return ptr_size ? ptr_size : 8;
	return 4;
}

static int enum_type(struct tfs_rec *rc, const struct uz_tfs_field *f, const char *name,
		     uint32_t size, bool sgn, uint32_t *id);

/* A scalar (not pointer, not array) of @size bytes. */
static int scalar_type(struct tfs_rec *rc, const struct uz_tfs_field *f, const struct tfs_base *bs,
		       uint32_t size, bool sgn, uint32_t *id)
{
	char key[160];
	uint32_t base;
	int r;

	if (bs->is_void)
		return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s' has type void", rc->ev->file,
				  f->line, f->name);
	if (bs->tag && !strcmp(bs->tag, "enum"))
		return enum_type(rc, f, bs->name, size, sgn, id);
	if (bs->tag) {
		snprintf(key, sizeof(key), "s:%s:%s:%u", bs->tag, bs->name, size);
		if (cache_get(rc->b, key, id))
			return 0;
		r = added(rc, bs->tag[0] == 's' ? btf__add_struct(rc->b->btf, bs->name, size) :
						  btf__add_union(rc->b->btf, bs->name, size), id);
		return r ?: cache_put(rc->b, key, *id);
	}
	if (bs->has_int_kw) {
		if (!int_size_ok(size))
			goto badsize;
		if (bs->is_bool)
			return int_type(rc, "_Bool", size, BTF_INT_BOOL, id);
		return int_type(rc, int_name(size, sgn, bs->longs, bs->is_char && !bs->is_unsigned &&
						!bs->is_signed_kw), size, sgn ? BTF_INT_SIGNED : 0, id);
	}
	/* A typedef name: of an integer of the field's size, or of a
	 * memberless struct where the size is no integer's. */
	snprintf(key, sizeof(key), "t:%s:%u:%d", bs->name, size, sgn);
	if (cache_get(rc->b, key, id))
		return 0;
	if (!strcmp(bs->name, "bool") && size == 1)
		r = int_type(rc, "_Bool", 1, BTF_INT_BOOL, &base);
	else if (int_size_ok(size))
		r = int_type(rc, int_name(size, sgn, size == 8 ? 2 : 0, false), size,
			     sgn ? BTF_INT_SIGNED : 0, &base);
	else if (size)
		r = added(rc, btf__add_struct(rc->b->btf, NULL, size), &base);
	else
		goto badsize;
	r = r ?: added(rc, btf__add_typedef(rc->b->btf, bs->name, (int)base), id);
	return r ?: cache_put(rc->b, key, *id);
badsize:
	return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s' of type '%s' has size %u, which no integer has",
			  rc->ev->file, f->line, f->name, f->type, size);
}

static void upper_prefix(const char *name, char *buf, size_t sz)
{
	size_t i;

	for (i = 0; name[i] && i + 2 < sz; i++)
		buf[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 'a' + 'A') : name[i];
	buf[i++] = '_';
	buf[i] = 0;
}

static bool ident_ok(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* enum @name of @size bytes with the __print_symbolic() values of field @f. */
static int enum_type(struct tfs_rec *rc, const struct uz_tfs_field *f, const char *name,
		     uint32_t size, bool sgn, uint32_t *id)
{
	char key[160], pre[96], en[256];
	struct btf_type *t;
	size_t i, pl;
	int r;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s': enum of size %u", rc->ev->file,
				  f->line, f->name, size);
	snprintf(key, sizeof(key), "e:%s:%u", name, size);
	if (cache_get(rc->b, key, id))
		return 0;
	r = added(rc, btf__add_enum(rc->b->btf, name, size), id);
	if (r)
		return r;
	upper_prefix(name, pre, sizeof(pre));
	pl = strlen(pre);
	for (i = 0; i < rc->ev->sym_cnt; i++) {
		const struct uz_tfs_symbol *s = &rc->ev->syms[i];

		if (strcmp(s->field, f->name) || !ident_ok(s->name))
			continue;
		snprintf(en, sizeof(en), "%s%s", strncmp(s->name, pre, pl) ? pre : "", s->name);
		r = btf__add_enum_value(rc->b->btf, en, s->value);
		if (r)
			return uz_err_set(rc->err, r, "%s: enum %s: cannot add %s = %lld", rc->ev->file,
					  name, en, (long long)s->value);
	}
	if (sgn) {
		t = (struct btf_type *)btf__type_by_id(rc->b->btf, *id);
		t->info |= 1u << 31; /* kflag: signed enum */
	}
	r = origin_add(rc, *id, f->line, NULL, 0);
	return r ?: cache_put(rc->b, key, *id);
}

/* Pointee of a pointer: keyword integers, tagged types, else void. */
static int pointee_type(struct tfs_rec *rc, const struct tfs_base *bs, uint32_t *id)
{
	char key[160];
	int r;

	*id = 0;
	if (bs->tag) {
		enum btf_fwd_kind k = !strcmp(bs->tag, "union") ? BTF_FWD_UNION :
				      !strcmp(bs->tag, "enum") ? BTF_FWD_ENUM : BTF_FWD_STRUCT;

		snprintf(key, sizeof(key), "f:%s:%s", bs->tag, bs->name);
		if (cache_get(rc->b, key, id))
			return 0;
		r = added(rc, btf__add_fwd(rc->b->btf, bs->name, k), id);
		return r ?: cache_put(rc->b, key, *id);
	}
	if (bs->has_int_kw) {
		uint32_t sz = kw_size(bs, rc->b->ptr_size);
		bool sgn = bs->is_signed_kw || (!bs->is_unsigned && !bs->is_char && !bs->is_bool);

		if (bs->is_bool)
			return int_type(rc, "_Bool", 1, BTF_INT_BOOL, id);
		return int_type(rc, int_name(sz, sgn, bs->longs, bs->is_char && !bs->is_unsigned &&
					     !bs->is_signed_kw), sz, sgn ? BTF_INT_SIGNED : 0, id);
	}
	return 0;
}

static int qualify(struct tfs_rec *rc, bool is_const, uint32_t *id)
{
	char key[64];
	int r;

	if (!is_const)
		return 0;
	snprintf(key, sizeof(key), "c:%u", *id);
	if (cache_get(rc->b, key, id))
		return 0;
	r = added(rc, btf__add_const(rc->b->btf, (int)*id), id);
	return r ?: cache_put(rc->b, key, *id);
}

static int note_ptr_size(struct tfs_rec *rc, const struct uz_tfs_field *f, uint32_t size)
{
	struct uz_tfs_builder *b = rc->b;

	if (size != 4 && size != 8)
		return uz_err_set(rc->err, -EINVAL, "%s:%u: pointer field '%s' has size %u", rc->ev->file,
				  f->line, f->name, size);
	if (!b->ptr_size) {
		b->ptr_size = size;
		snprintf(b->ptr_from, sizeof(b->ptr_from), "%s:%u", rc->ev->file, f->line);
	} else if (b->ptr_size != size) {
		return uz_err_set(rc->err, -EINVAL, "%s:%u: pointer field '%s' has size %u, but %s has %u-byte pointers",
				  rc->ev->file, f->line, f->name, size, b->ptr_from, b->ptr_size);
	}
	return 0;
}

/* The BTF type of one element of @f (type string, @esize bytes). */
static int elem_type(struct tfs_rec *rc, const struct uz_tfs_field *f, uint32_t esize, uint32_t *id)
{
	struct tfs_tok tok[TFS_MAX_TOKENS];
	struct tfs_base bs;
	size_t n, i;
	int r;

	r = tokenize(rc, f, f->type, tok, &n);
	r = r ?: parse_base(rc, f, tok, n, &i, &bs);
	if (r)
		return r;
	if (i == n)
		return scalar_type(rc, f, &bs, esize, f->is_signed, id);
	r = note_ptr_size(rc, f, esize);
	r = r ?: pointee_type(rc, &bs, id);
	r = r ?: qualify(rc, bs.is_const, id);
	while (!r && i < n) {
		bool c = false;

		if (strcmp(tok[i].s, "*"))
			return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s': unknown type '%s'",
					  rc->ev->file, f->line, f->name, f->type);
		for (i++; i < n && is_qual(tok[i].s); i++)
			c |= !strcmp(tok[i].s, "const");
		r = added(rc, btf__add_ptr(rc->b->btf, (int)*id), id);
		r = r ?: qualify(rc, c, id);
	}
	return r;
}

static int index_type(struct tfs_rec *rc, uint32_t *id)
{
	return int_type(rc, "int", 4, BTF_INT_SIGNED, id);
}

/* Type of field @f: elements, wrapped in arrays outermost first. */
static int field_type(struct tfs_rec *rc, const struct uz_tfs_field *f, uint32_t *id,
		      uint32_t *align)
{
	uint64_t cnt = 1;
	uint32_t esize, idx;
	unsigned int i;
	int r;

	for (i = 0; i < f->ndims; i++)
		cnt *= f->dims[i] ? f->dims[i] : 1;
	if (f->flex)
		esize = 0;
	else if (f->ndims && (!cnt || f->size % cnt))
		return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s' has size %u, not a multiple of its %llu elements",
				  rc->ev->file, f->line, f->name, f->size, (unsigned long long)cnt);
	else
		esize = (uint32_t)(f->size / cnt);
	if (f->flex) {
		/* "char buf[]": the element size is the type's natural one. */
		struct tfs_tok tok[TFS_MAX_TOKENS];
		struct tfs_base bs;
		size_t n, used;

		r = tokenize(rc, f, f->type, tok, &n);
		r = r ?: parse_base(rc, f, tok, n, &used, &bs);
		if (r)
			return r;
		esize = used < n ? (rc->b->ptr_size ? rc->b->ptr_size : 8) :
			bs.has_int_kw ? kw_size(&bs, rc->b->ptr_size) : 1;
	}
	r = elem_type(rc, f, esize, id);
	r = r ?: index_type(rc, &idx);
	if (r)
		return r;
	*align = esize >= 8 ? (rc->b->ptr_size == 4 ? 4 : 8) : esize >= 4 ? 4 : esize >= 2 ? 2 : 1;
	if (f->flex)
		return added(rc, btf__add_array(rc->b->btf, (int)idx, (int)*id, 0), id);
	for (i = f->ndims; i > 0; i--) {
		r = added(rc, btf__add_array(rc->b->btf, (int)idx, (int)*id, f->dims[i - 1]), id);
		if (r)
			return r;
	}
	return 0;
}

/* ---- records -------------------------------------------------------------- */

static bool is_common(const struct uz_tfs_field *f)
{
	return !strncmp(f->name, "common_", 7);
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* struct trace_entry from the common_* fields (once; later records must
 * have the same ones). *@ncommon is the number of common fields. */
static int trace_entry(struct tfs_rec *rc, size_t *ncommon)
{
	struct uz_tfs_builder *b = rc->b;
	const struct uz_tfs_event *ev = rc->ev;
	char sig[1024] = "";
	uint32_t ids[32], aligns[32], end = 0, al = 1;
	unsigned int lines[32];
	size_t i, n = 0, o = 0;
	int r;

	for (n = 0; n < ev->field_cnt && is_common(&ev->fields[n]); n++) {
		const struct uz_tfs_field *f = &ev->fields[n];

		o += (size_t)snprintf(sig + o, o < sizeof(sig) ? sizeof(sig) - o : 0, "%s:%u:%u:%d:%s;",
				      f->name, f->offset, f->size, f->is_signed, f->type);
	}
	*ncommon = n;
	if (!n)
		return uz_err_set(rc->err, -EINVAL, "%s: no common_* fields (the struct trace_entry header of every record)",
				  ev->file);
	if (b->entry_sig) {
		if (strcmp(b->entry_sig, sig))
			return uz_err_set(rc->err, -EINVAL, "%s: its common_* fields differ from those of %s (one kernel's tracefs has one struct trace_entry)",
					  ev->file, b->entry_from);
		return 0;
	}
	if (n > UZ_ARRAY_SIZE(ids))
		return uz_err_set(rc->err, -EINVAL, "%s: %zu common fields", ev->file, n);
	for (i = 0; i < n; i++) {
		const struct uz_tfs_field *f = &ev->fields[i];

		if (f->offset < end)
			return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s' at offset %u overlaps the previous field",
					  ev->file, f->line, f->name, f->offset);
		r = field_type(rc, f, &ids[i], &aligns[i]);
		if (r)
			return r;
		end = f->offset + f->size;
		al = aligns[i] > al ? aligns[i] : al;
	}
	b->entry_size = align_up(end, al);
	b->entry_align = al;
	r = added(rc, btf__add_struct(b->btf, "trace_entry", b->entry_size), &b->entry_id);
	for (i = 0; !r && i < n; i++)
		r = add_member(rc, "trace_entry", ev->fields[i].name + 7, ids[i], ev->fields[i].offset);
	for (i = 0; i < n; i++)
		lines[i] = ev->fields[i].line;
	r = r ?: origin_add(rc, b->entry_id, 0, lines, n);
	if (r)
		return r;
	b->entry_sig = strdup(sig);
	snprintf(b->entry_from, sizeof(b->entry_from), "%s", ev->file);
	return b->entry_sig ? 0 : uz_err_set(rc->err, -ENOMEM, "out of memory");
}

/* One member to be added once the struct exists. */
struct tfs_member {
	char name[160];
	uint32_t type, offset;
	unsigned int line;   /* of the field it comes from */
};

static int dynamic_field(struct tfs_rec *rc, const struct uz_tfs_field *f, struct tfs_member *m)
{
	bool rel = !strncmp(f->type, "__rel_loc", 9);
	struct tfs_base bs = { .name = "u32" };

	if (f->size != 4)
		return uz_err_set(rc->err, -EINVAL, "%s:%u: %s field '%s' has size %u (the kernel stores them as u32)",
				  rc->ev->file, f->line, rel ? "__rel_loc" : "__data_loc", f->name, f->size);
	snprintf(m->name, sizeof(m->name), "%s_%s", rel ? "__rel_loc" : "__data_loc", f->name);
	return scalar_type(rc, f, &bs, 4, false, &m->type);
}

static bool is_dynamic(const struct uz_tfs_field *f)
{
	return !strncmp(f->type, "__data_loc", 10) || !strncmp(f->type, "__rel_loc", 9);
}

/* syscalls:sys_enter_*: nr, then the arguments as unsigned long args[]. */
static int syscall_enter(struct tfs_rec *rc, size_t first, struct tfs_member *m, size_t *mcnt,
			 uint32_t *size)
{
	const struct uz_tfs_event *ev = rc->ev;
	const struct uz_tfs_field *nr = &ev->fields[first], *f;
	struct tfs_base ul = { .has_int_kw = true, .longs = 1, .is_unsigned = true };
	uint32_t args_off, psz, align, idx;
	size_t i;
	int r;

	if (first >= ev->field_cnt || strcmp(nr->name, "__syscall_nr"))
		return uz_err_set(rc->err, -EINVAL, "%s: a syscalls event without a __syscall_nr field", ev->file);
	psz = first + 1 < ev->field_cnt ? ev->fields[first + 1].size :
	      rc->b->ptr_size ? rc->b->ptr_size : 8;
	args_off = first + 1 < ev->field_cnt ? ev->fields[first + 1].offset :
		   align_up(nr->offset + nr->size, psz);
	for (i = first + 1; i < ev->field_cnt; i++) {
		f = &ev->fields[i];
		if (f->size != psz || f->offset != args_off + (uint32_t)(i - first - 1) * psz)
			return uz_err_set(rc->err, -EINVAL, "%s:%u: syscall argument '%s' (offset %u, size %u) is not element %zu of an unsigned long args[] at offset %u",
					  ev->file, f->line, f->name, f->offset, f->size, i - first - 1, args_off);
	}
	snprintf(m[0].name, sizeof(m[0].name), "nr");
	m[0].offset = nr->offset;
	m[0].line = nr->line;
	m[1].line = first + 1 < ev->field_cnt ? ev->fields[first + 1].line : 0;
	r = field_type(rc, nr, &m[0].type, &align);
	r = r ?: scalar_type(rc, nr, &ul, psz, false, &m[1].type);
	r = r ?: index_type(rc, &idx);
	r = r ?: added(rc, btf__add_array(rc->b->btf, (int)idx, (int)m[1].type, 0), &m[1].type);
	snprintf(m[1].name, sizeof(m[1].name), "args");
	m[1].offset = args_off;
	*mcnt = 2;
	*size = args_off;
	return r;
}

static int plain_fields(struct tfs_rec *rc, size_t first, bool is_sys_exit, struct tfs_member *m,
			size_t *mcnt, uint32_t *size, uint32_t *data_off)
{
	const struct uz_tfs_event *ev = rc->ev;
	uint32_t end = rc->b->entry_size, align;
	size_t i, k = 0;
	int r;

	for (i = first; i < ev->field_cnt; i++) {
		const struct uz_tfs_field *f = &ev->fields[i];

		if (is_common(f))
			return uz_err_set(rc->err, -EINVAL, "%s:%u: common field '%s' after the event's own fields",
					  ev->file, f->line, f->name);
		if (f->offset < end && !(f->flex && f->offset == end))
			return uz_err_set(rc->err, -EINVAL, "%s:%u: field '%s' at offset %u overlaps the previous field (which ends at %u)",
					  ev->file, f->line, f->name, f->offset, end);
		m[k].offset = f->offset;
		m[k].line = f->line;
		if (is_dynamic(f)) {
			r = dynamic_field(rc, f, &m[k]);
			align = 4;
		} else {
			snprintf(m[k].name, sizeof(m[k].name), "%s",
				 is_sys_exit && !strcmp(f->name, "__syscall_nr") ? "nr" : f->name);
			r = field_type(rc, f, &m[k].type, &align);
		}
		if (r)
			return r;
		rc->max_align = align > rc->max_align ? align : rc->max_align;
		end = f->offset + f->size;
		k++;
	}
	*mcnt = k;
	*data_off = end;
	*size = align_up(end, rc->max_align);
	return 0;
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Lines of the record's members: ent (none), the fields, __data (none). */
static int record_origin(struct tfs_rec *rc, uint32_t sid, const struct tfs_member *m,
			 size_t cnt, bool data)
{
	unsigned int *lines = calloc(cnt + 2, sizeof(*lines));
	size_t i;
	int r;

	if (!lines)
		return uz_err_set(rc->err, -ENOMEM, "out of memory");
	for (i = 0; i < cnt; i++)
		lines[i + 1] = m[i].line;
	r = origin_add(rc, sid, 0, lines, cnt + 1 + data);
	free(lines);
	return r;
}

int uz_tfs_build_record(struct uz_tfs_builder *b, const struct uz_tfs_event *ev,
			const char *struct_name, struct uz_error *err)
{
	struct tfs_rec rc = { b, ev, err, 0 };
	bool sys = !strcmp(ev->sys, "syscalls");
	bool enter = sys && has_prefix(ev->name, "sys_enter_");
	bool exit_ = sys && has_prefix(ev->name, "sys_exit_");
	struct tfs_member *m;
	size_t first, cnt = 0, i;
	uint32_t size = 0, sid = 0, chr = 0, idx = 0, data = 0, data_off = 0;
	int r;

	r = trace_entry(&rc, &first);
	if (r)
		return r;
	rc.max_align = b->entry_align;
	m = calloc(ev->field_cnt + 2, sizeof(*m));
	if (!m)
		return uz_err_set(err, -ENOMEM, "out of memory");
	if (enter)
		r = syscall_enter(&rc, first, m, &cnt, &size);
	else
		r = plain_fields(&rc, first, exit_, m, &cnt, &size, &data_off);
	if (!r && !sys) {
		struct tfs_base c = { .has_int_kw = true, .is_char = true };
		struct uz_tfs_field df = { .name = "__data", .type = "char" };

		r = scalar_type(&rc, &df, &c, 1, false, &chr);
		r = r ?: index_type(&rc, &idx);
		r = r ?: added(&rc, btf__add_array(b->btf, (int)idx, (int)chr, 0), &data);
	}
	r = r ?: added(&rc, btf__add_struct(b->btf, struct_name, size), &sid);
	r = r ?: add_member(&rc, struct_name, "ent", b->entry_id, 0);
	for (i = 0; !r && i < cnt; i++)
		r = add_member(&rc, struct_name, m[i].name, m[i].type, m[i].offset);
	if (!r && !sys)
		r = add_member(&rc, struct_name, "__data", data, data_off);
	r = r ?: record_origin(&rc, sid, m, cnt, !sys);
	free(m);
	return r;
}

void uz_tfs_default_name(const struct uz_tfs_event *ev, char *buf, size_t sz)
{
	bool sys = !strcmp(ev->sys, "syscalls");

	if (sys && has_prefix(ev->name, "sys_enter_"))
		snprintf(buf, sz, "syscall_trace_enter");
	else if (sys && has_prefix(ev->name, "sys_exit_"))
		snprintf(buf, sz, "syscall_trace_exit");
	else
		snprintf(buf, sz, "trace_event_raw_%s", ev->name);
}

int uz_tfs_builder_new(struct uz_tfs_builder **out, struct uz_error *err)
{
	struct uz_tfs_builder *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (!b)
		return uz_err_set(err, -ENOMEM, "out of memory");
	b->btf = btf__new_empty();
	if (!b->btf) {
		free(b);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	*out = b;
	return 0;
}

struct btf *uz_tfs_builder_btf(struct uz_tfs_builder *b)
{
	btf__set_pointer_size(b->btf, b->ptr_size ? b->ptr_size : sizeof(void *));
	return b->btf;
}

void uz_tfs_builder_free(struct uz_tfs_builder *b)
{
	struct tfs_cache_ent *e, *n;
	size_t i;

	if (!b)
		return;
	for (i = 0; i < UZ_ARRAY_SIZE(b->hash); i++)
		for (e = b->hash[i]; e; e = n) {
			n = e->next;
			free(e->key);
			free(e);
		}
	for (i = 0; i < b->orig_cnt; i++) {
		free(b->orig[i].file);
		free(b->orig[i].lines);
	}
	free(b->orig);
	btf__free(b->btf);
	free(b->entry_sig);
	free(b);
}
