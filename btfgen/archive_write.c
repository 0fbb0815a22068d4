/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Writing a btfgen archive: every type of every entry is stored once.
 * Types are content-addressed by partition refinement: first grouped by
 * their own content (kind, names, sizes, offsets, values), then split by
 * the groups of the types they refer to, until nothing splits any more.
 * What is left are the classes of structurally identical types, cycles
 * (a struct reached through a pointer to itself) included; one record per
 * class goes into the archive, with references rewritten to class ids.
 * Strings are pooled once; each entry's list of types is delta-coded.
 * The payload is one LZMA2 or zstd stream, whichever is smaller (small enough
 * that inflating it is far below a millisecond; see docs/btfgen.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>
#include <lzma.h>
#include <zstd.h>

#include "btfgen/archive.h"
#include <bpf/btf.h>

struct w_entry {
	struct btf *btf;
	char *release, *arch, *build_id, *distro;
	bool big;
	uint32_t first; /* index of its type 1 in the flat type array */
	uint32_t cnt;   /* its types, void excluded */
};

struct uz_archive_writer {
	struct w_entry *ents;
	size_t cnt;
};

/* ---- small hash table: 64-bit key -> u32 ------------------------------- */

struct hmap {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, used;
};

static int hmap_init(struct hmap *h, size_t n)
{
	h->cap = 16;
	while (h->cap < n * 2)
		h->cap *= 2;
	h->used = 0;
	h->keys = calloc(h->cap, sizeof(*h->keys));
	h->vals = malloc(h->cap * sizeof(*h->vals));
	return h->keys && h->vals ? 0 : -ENOMEM;
}

static void hmap_free(struct hmap *h)
{
	free(h->keys);
	free(h->vals);
}

/* Value of @key, inserting @val when absent (key 0 is reserved: never used). */
static uint32_t hmap_get(struct hmap *h, uint64_t key, uint32_t val)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull) & (h->cap - 1);

	key |= 1; /* keep 0 for empty slots */
	while (h->keys[i]) {
		if (h->keys[i] == key)
			return h->vals[i];
		i = (i + 1) & (h->cap - 1);
	}
	h->keys[i] = key;
	h->vals[i] = val;
	h->used++;
	return val;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = mix(h, (unsigned char)*s);
	return mix(h, 0x100);
}

/* ---- entries ----------------------------------------------------------- */

int uz_archive_writer_new(struct uz_archive_writer **out, struct uz_error *err)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : uz_err_set(err, -ENOMEM, "out of memory");
}

static void entry_free(struct w_entry *e)
{
	btf__free(e->btf);
	free(e->release);
	free(e->arch);
	free(e->build_id);
	free(e->distro);
}

void uz_archive_writer_free(struct uz_archive_writer *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->cnt; i++)
		entry_free(&w->ents[i]);
	free(w->ents);
	free(w);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* Same kernel: same release and build id, or same release and one id unknown. */
static bool same_kernel(const struct w_entry *e, const struct uz_archive_entry_info *in)
{
	if (strcmp(e->release, nz(in->release)))
		return false;
	return !*e->build_id || !*nz(in->build_id) || !strcmp(e->build_id, in->build_id);
}

int uz_archive_writer_add(struct uz_archive_writer *w, const void *data, size_t len,
			  const struct uz_archive_entry_info *info, struct uz_error *err)
{
	struct w_entry e = { 0 }, *n;
	size_t i;

	if (!w || !data || !info)
		return uz_err_set(err, -EINVAL, "uz_archive_writer_add: NULL argument");
	if (!*nz(info->release) && !*nz(info->build_id))
		return uz_err_set(err, -EINVAL, "an archive entry needs a kernel release or a build id");
	for (i = 0; i < w->cnt; i++)
		if (same_kernel(&w->ents[i], info))
			return uz_err_set(err, -EEXIST, "two archive entries for one kernel: '%s'%s%s and '%s'%s%s",
					  w->ents[i].release, *w->ents[i].build_id ? " build id " : "",
					  w->ents[i].build_id, nz(info->release),
					  *nz(info->build_id) ? " build id " : "", nz(info->build_id));
	e.btf = btf__new(data, (uint32_t)len);
	if (!e.btf || len > UINT32_MAX)
		return uz_err_set(err, -EINVAL, "archive entry '%s': not valid BTF", nz(info->release));
	if (btf__base_btf(e.btf)) {
		btf__free(e.btf);
		return uz_err_set(err, -EINVAL, "archive entry '%s': split BTF", nz(info->release));
	}
	e.release = strdup(nz(info->release));
	e.arch = strdup(*nz(info->arch) ? info->arch : uz_archive_arch_of_release(nz(info->release)));
	e.build_id = strdup(nz(info->build_id));
	e.distro = strdup(nz(info->distro));
	e.big = btf__endianness(e.btf) == BTF_BIG_ENDIAN;
	e.cnt = btf__type_cnt(e.btf) - 1;
	n = realloc(w->ents, (w->cnt + 1) * sizeof(*n));
	if (!n || !e.release || !e.arch || !e.build_id || !e.distro) {
		if (n)
			w->ents = n;
		entry_free(&e);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	w->ents = n;
	w->ents[w->cnt++] = e;
	return 0;
}

/* ---- content addressing ------------------------------------------------ */

struct flat {
	const struct btf **btf;   /* per flat type */
	const struct btf_type **t;
	uint32_t *first;          /* flat index of type 1 of the type's entry */
	uint64_t *shape;
	uint32_t *cls, *ncls;
	uint32_t *refs, *names;   /* scratch: 1 + 65535 offsets each */
	size_t n;
};

/* Content of a type apart from the types it refers to. */
static uint64_t shape_of(const struct flat *f, const struct btf *b, const struct btf_type *t)
{
	unsigned int kind = btf_kind(t), vlen = btf_vlen(t);
	size_t len = uz_ar_type_len(kind, vlen), i;
	uint32_t *refs = f->refs, *names = f->names;
	size_t nr = uz_ar_type_refs(kind, vlen, refs), nn = uz_ar_type_names(kind, vlen, names);
	const uint8_t *p = (const uint8_t *)t;
	uint64_t h = mix(0, len);
	size_t ri = 0, ni = 0;

	for (i = 0; i < len; i += 4) {
		uint32_t v;

		memcpy(&v, p + i, 4);
		if (ri < nr && refs[ri] == i) {
			ri++;
			h = mix(h, 0xfeed); /* a reference: its class is mixed in later */
		} else if (ni < nn && names[ni] == i) {
			ni++;
			h = hash_str(h, btf__name_by_offset(b, v));
		} else {
			h = mix(h, v);
		}
	}
	return h;
}

static uint32_t ref_cls(const struct flat *f, size_t g, uint32_t id)
{
	return id ? f->cls[f->first[g] + id - 1] : UINT32_MAX;
}

/* One refinement round: a class from the own class and the referred ones. */
static int refine(struct flat *f, size_t *classes)
{
	uint32_t *refs = f->refs;
	struct hmap h;
	size_t g, i, nr;

	if (hmap_init(&h, f->n))
		return -ENOMEM;
	for (g = 0; g < f->n; g++) {
		const struct btf_type *t = f->t[g];
		const uint8_t *p = (const uint8_t *)t;
		uint64_t k = mix(f->shape[g], f->cls[g]);

		nr = uz_ar_type_refs(btf_kind(t), btf_vlen(t), refs);
		for (i = 0; i < nr; i++) {
			uint32_t id;

			memcpy(&id, p + refs[i], 4);
			k = mix(k, ref_cls(f, g, id));
		}
		f->ncls[g] = hmap_get(&h, k, (uint32_t)h.used);
	}
	*classes = h.used;
	hmap_free(&h);
	memcpy(f->cls, f->ncls, f->n * sizeof(*f->cls));
	return 0;
}

static int classify(struct uz_archive_writer *w, struct flat *f)
{
	size_t e, id, g = 0, before = 0, after = 0;
	struct hmap h;

	for (e = 0; e < w->cnt; e++) {
		w->ents[e].first = (uint32_t)f->n;
		f->n += w->ents[e].cnt;
	}
	f->btf = calloc(f->n + 1, sizeof(*f->btf));
	f->t = calloc(f->n + 1, sizeof(*f->t));
	f->first = calloc(f->n + 1, sizeof(*f->first));
	f->shape = calloc(f->n + 1, sizeof(*f->shape));
	f->cls = calloc(f->n + 1, sizeof(*f->cls));
	f->ncls = calloc(f->n + 1, sizeof(*f->ncls));
	f->refs = calloc(1 + 65536, sizeof(*f->refs));
	f->names = calloc(1 + 65536, sizeof(*f->names));
	if (!f->refs || !f->names || !f->btf || !f->t || !f->first || !f->shape || !f->cls || !f->ncls ||
	    hmap_init(&h, f->n))
		return -ENOMEM;
	for (e = 0; e < w->cnt; e++)
		for (id = 1; id <= w->ents[e].cnt; id++, g++) {
			f->btf[g] = w->ents[e].btf;
			f->t[g] = btf__type_by_id(w->ents[e].btf, (uint32_t)id);
			f->first[g] = w->ents[e].first;
			f->shape[g] = shape_of(f, f->btf[g], f->t[g]);
			f->cls[g] = hmap_get(&h, f->shape[g], (uint32_t)h.used);
		}
	before = h.used;
	hmap_free(&h);
	for (;;) {
		if (refine(f, &after))
			return -ENOMEM;
		if (after == before)
			return 0;
		before = after;
	}
}

static void flat_free(struct flat *f)
{
	free(f->btf);
	free(f->t);
	free(f->first);
	free(f->shape);
	free(f->cls);
	free(f->ncls);
	free(f->refs);
	free(f->names);
}

/* ---- output ------------------------------------------------------------ */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static int buf_put(struct buf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *np;

		while (cap < b->len + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = cap;
	}
	if (d)
		memcpy(b->p + b->len, d, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
	return 0;
}

static uint64_t zigzag(int64_t v)
{
	return v >= 0 ? (uint64_t)v << 1 : ((uint64_t)-v << 1) - 1;
}

static int buf_varint(struct buf *b, uint64_t v)
{
	uint8_t x[10];
	size_t n = 0;

	do {
		x[n] = v & 0x7f;
		v >>= 7;
		if (v)
			x[n] |= 0x80;
		n++;
	} while (v);
	return buf_put(b, x, n);
}

static int buf_align(struct buf *b)
{
	return b->len % 4 ? buf_put(b, NULL, 4 - b->len % 4) : 0;
}

/* The shared string pool: a string is stored once. */
struct pool {
	struct buf b;
	struct hmap h;
};

static int pool_add(struct pool *p, const char *s, uint32_t *off)
{
	uint64_t k = hash_str(0x5eed, s);
	uint32_t o;

	if (!*s) {
		*off = 0;
		return 0;
	}
	if (p->h.used * 2 >= p->h.cap) {
		struct hmap n;
		size_t i;

		if (hmap_init(&n, p->h.cap))
			return -ENOMEM;
		for (i = 0; i < p->h.cap; i++)
			if (p->h.keys[i])
				hmap_get(&n, p->h.keys[i], p->h.vals[i]);
		hmap_free(&p->h);
		p->h = n;
	}
	o = hmap_get(&p->h, k, (uint32_t)p->b.len);
	if (o == p->b.len && buf_put(&p->b, s, strlen(s) + 1))
		return -ENOMEM;
	*off = o;
	return 0;
}

/* One record per class, in order of first appearance; lists per entry. */
static int build_payload(struct uz_archive_writer *w, struct flat *f, struct buf *pl,
			 uint32_t *type_cnt, uint32_t *str_len, uint32_t *types_len,
			 uint32_t *list_off)
{
	uint32_t *offs = f->refs;
	uint32_t *gid = calloc(f->n + 1, sizeof(*gid)), next = 1;
	size_t *rep = calloc(f->n + 1, sizeof(*rep));
	struct pool pool = { 0 };
	struct buf types = { 0 };
	size_t g, i, e, n;
	int r = -ENOMEM;

	if (!gid || !rep || hmap_init(&pool.h, 1024) || buf_put(&pool.b, "", 1))
		goto out;
	for (g = 0; g < f->n; g++)
		if (!gid[f->cls[g]]) {
			rep[next] = g;
			gid[f->cls[g]] = next++;
		}
	for (i = 1; i < next; i++) {
		const struct btf_type *t = f->t[rep[i]];
		size_t len = uz_ar_type_len(btf_kind(t), btf_vlen(t));
		uint8_t *rec;

		if (buf_put(&types, t, len))
			goto out;
		rec = types.p + types.len - len;
		n = uz_ar_type_refs(btf_kind(t), btf_vlen(t), offs);
		for (e = 0; e < n; e++) {
			uint32_t id;

			memcpy(&id, rec + offs[e], 4);
			id = id ? gid[ref_cls(f, rep[i], id)] : 0;
			memcpy(rec + offs[e], &id, 4);
		}
		n = uz_ar_type_names(btf_kind(t), btf_vlen(t), offs);
		for (e = 0; e < n; e++) {
			uint32_t o;

			memcpy(&o, rec + offs[e], 4);
			if (pool_add(&pool, btf__name_by_offset(f->btf[rep[i]], o), &o))
				goto out;
			memcpy(rec + offs[e], &o, 4);
		}
	}
	*type_cnt = next - 1;
	*str_len = (uint32_t)pool.b.len;
	*types_len = (uint32_t)types.len;
	if (buf_put(pl, pool.b.p, pool.b.len) || buf_align(pl) ||
	    buf_put(pl, types.p, types.len))
		goto out;
	for (e = 0; e < w->cnt; e++) {
		uint32_t prev = 0;

		list_off[2 * e] = (uint32_t)pl->len;
		for (i = 0; i < w->ents[e].cnt; i++) {
			uint32_t id = gid[f->cls[w->ents[e].first + i]];

			if (buf_varint(pl, zigzag((int64_t)id - prev)))
				goto out;
			prev = id;
		}
		list_off[2 * e + 1] = (uint32_t)pl->len - list_off[2 * e];
	}
	r = 0;
out:
	free(gid);
	free(rep);
	free(pool.b.p);
	hmap_free(&pool.h);
	free(types.p);
	return r;
}

static int meta_str(struct pool *strs, const char *s, uint8_t *field)
{
	uint32_t off;

	if (pool_add(strs, s, &off))
		return -ENOMEM;
	memcpy(field, &off, 4);
	return 0;
}

static int build_meta(struct uz_archive_writer *w, const uint32_t *list_off, struct buf *meta)
{
	struct pool strs = { 0 };
	size_t e;
	int r = buf_put(meta, NULL, w->cnt * UZ_AR_ENT_LEN);

	r = r ?: hmap_init(&strs.h, 64);
	r = r ?: buf_put(&strs.b, "", 1);

	for (e = 0; e < w->cnt && !r; e++) {
		const struct w_entry *en = &w->ents[e];
		uint8_t *rec = meta->p + e * UZ_AR_ENT_LEN;
		uint32_t fl = en->big ? UZ_AR_EF_BIG : 0;

		r = meta_str(&strs, en->release, rec + UZ_AR_E_RELEASE);
		r = r ?: meta_str(&strs, en->arch, rec + UZ_AR_E_ARCH);
		r = r ?: meta_str(&strs, en->build_id, rec + UZ_AR_E_BUILD_ID);
		r = r ?: meta_str(&strs, en->distro, rec + UZ_AR_E_DISTRO);
		rec = meta->p + e * UZ_AR_ENT_LEN; /* strs grew, meta did not move */
		memcpy(rec + UZ_AR_E_LIST_OFF, &list_off[2 * e], 4);
		memcpy(rec + UZ_AR_E_LIST_LEN, &list_off[2 * e + 1], 4);
		memcpy(rec + UZ_AR_E_LIST_CNT, &en->cnt, 4);
		memcpy(rec + UZ_AR_E_FLAGS, &fl, 4);
	}
	r = r ?: buf_put(meta, strs.b.p, strs.b.len);
	free(strs.b.p);
	hmap_free(&strs.h);
	return r;
}

/* The smaller of LZMA2 (preset 9e) and zstd at its highest level. */
static int payload_compress(const struct buf *pl, void **out, size_t *len, uint32_t *method,
		    struct uz_error *err)
{
	lzma_options_lzma lo;
	lzma_filter f[2] = { { .id = LZMA_FILTER_LZMA2, .options = &lo },
			     { .id = LZMA_VLI_UNKNOWN } };
	size_t zb = ZSTD_compressBound(pl->len), xb = pl->len + pl->len / 2 + 4096, xlen = 0;
	uint8_t *z = malloc(zb), *x = malloc(xb);
	size_t zlen;

	if (!z || !x || lzma_lzma_preset(&lo, 9 | LZMA_PRESET_EXTREME)) {
		free(z);
		free(x);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	lo.dict_size = uz_ar_lzma_dict(pl->len);
	zlen = ZSTD_compress(z, zb, pl->p, pl->len, ZSTD_maxCLevel());
	if (ZSTD_isError(zlen)) {
		free(z);
		free(x);
		return uz_err_set(err, -EIO, "zstd: %s", ZSTD_getErrorName(zlen));
	}
	if (lzma_raw_buffer_encode(f, NULL, pl->p, pl->len, x, &xlen, xb) == LZMA_OK &&
	    xlen < zlen) {
		free(z);
		*out = x;
		*len = xlen;
		*method = UZ_AR_LZMA2;
		return 0;
	}
	free(x);
	*out = z;
	*len = zlen;
	*method = UZ_AR_ZSTD;
	return 0;
}

static void put_hdr(uint8_t *h, unsigned int off, uint32_t v)
{
	memcpy(h + off, &v, 4);
}

int uz_archive_writer_finish(struct uz_archive_writer *w, void **data, size_t *len,
			     struct uz_error *err)
{
	struct flat f = { 0 };
	struct buf pl = { 0 }, meta = { 0 }, out = { 0 };
	uint32_t type_cnt = 0, str_len = 0, types_len = 0, *list_off = NULL, crc, method = 0;
	uint32_t meta_method = 0;
	size_t zlen = 0, mzlen = 0, meta_raw;
	void *z = NULL, *mz = NULL;
	uint8_t *h;
	int r = -ENOMEM;

	*data = NULL;
	*len = 0;
	if (!w->cnt)
		return uz_err_set(err, -EINVAL, "an archive needs at least one entry");
	list_off = calloc(2 * w->cnt, sizeof(*list_off)); /* offset, length */
	if (!list_off || classify(w, &f) ||
	    build_payload(w, &f, &pl, &type_cnt, &str_len, &types_len, list_off) ||
	    build_meta(w, list_off, &meta))
		goto out;
	r = payload_compress(&pl, &z, &zlen, &method, err);
	r = r ?: payload_compress(&meta, &mz, &mzlen, &meta_method, err);
	if (r)
		goto out;
	r = -ENOMEM;
	if (mzlen >= meta.len) { /* tiny indexes: stored */
		free(mz);
		mz = meta.p;
		mzlen = meta.len;
		meta.p = NULL;
		meta_method = UZ_AR_STORED;
	}
	meta_raw = meta.len;
	if (buf_put(&out, NULL, UZ_AR_HDR_LEN) || buf_put(&out, mz, mzlen) ||
	    buf_put(&out, z, zlen))
		goto out;
	h = out.p;
	memcpy(h, UZ_AR_MAGIC, 8);
	put_hdr(h, UZ_AR_H_VERSION, UZ_AR_VERSION);
	put_hdr(h, UZ_AR_H_FLAGS, uz_host_is_big_endian() ? UZ_AR_F_BIG : 0);
	put_hdr(h, UZ_AR_H_ENTRIES, (uint32_t)w->cnt);
	put_hdr(h, UZ_AR_H_META_LEN, (uint32_t)mzlen);
	put_hdr(h, UZ_AR_H_META_RAW, (uint32_t)meta_raw);
	put_hdr(h, UZ_AR_H_PAYLOAD_LEN, (uint32_t)zlen);
	put_hdr(h, UZ_AR_H_RAW_LEN, (uint32_t)pl.len);
	put_hdr(h, UZ_AR_H_COMPRESSION, method | meta_method << 8);
	put_hdr(h, UZ_AR_H_TYPE_CNT, type_cnt);
	put_hdr(h, UZ_AR_H_STR_LEN, str_len);
	put_hdr(h, UZ_AR_H_TYPES_LEN, types_len);
	put_hdr(h, UZ_AR_H_PAYLOAD_CRC, (uint32_t)crc32(0, z, (uInt)zlen));
	crc = (uint32_t)crc32(0, h, UZ_AR_H_META_CRC);
	crc = (uint32_t)crc32(crc, mz, (uInt)mzlen);
	put_hdr(h, UZ_AR_H_META_CRC, crc);
	*data = out.p;
	*len = out.len;
	out.p = NULL;
	r = 0;
out:
	if (r == -ENOMEM)
		uz_err_set(err, r, "out of memory");
	flat_free(&f);
	free(list_off);
	free(pl.p);
	free(meta.p);
	free(out.p);
	free(z);
	free(mz);
	return r;
}
