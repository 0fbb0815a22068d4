/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading a btfgen archive: validate header and index (checksums, every
 * offset in bounds) at open, find the one entry for a kernel, and rebuild
 * that entry's raw BTF from the shared records: its types in its own
 * order, references turned back into its own ids, the shared string table
 * as its strings. Works on any memory (a mapping, an embedded array); no
 * temporary file. Every value read from the archive is checked before use:
 * a corrupt or truncated archive is an error, never a wrong type.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "btfgen/btfgen_ar.h"
#include "target/btf_check.h"
#include "target/kinfo.h"

struct uz_archive {
	const uint8_t *data;
	size_t len;
	uint8_t *copy;            /* the file's bytes, when opened from a file */
	bool swap;
	uint32_t entry_cnt, type_cnt, str_len, types_len, raw_len, payload_len, compression;
	const uint8_t *meta, *payload;
	struct uz_archive_entry_info *infos;
	uint8_t *raw;             /* the payload, inflated on first use */
	uint8_t *meta_buf;        /* the meta, inflated at open */
	uint32_t *offs;           /* per global type: its record in the types */
};

static uint32_t rd(const struct uz_archive *a, const uint8_t *p)
{
	return uz_get32(p, a->swap);
}

static int corrupt(struct uz_error *err, const char *what)
{
	return uz_err_set(err, -EBADMSG, "corrupt btfgen archive: %s", what);
}

static int meta_string(const struct uz_archive *a, const uint8_t *rec, unsigned int field,
		       size_t strs_off, size_t meta_len, const char **out)
{
	uint32_t off = rd(a, rec + field);
	const char *s = (const char *)a->meta + strs_off;

	if (off >= meta_len - strs_off || !memchr(s + off, 0, meta_len - strs_off - off))
		return -EBADMSG;
	*out = s + off;
	return 0;
}

static int read_index(struct uz_archive *a, size_t meta_len, struct uz_error *err)
{
	size_t strs_off = (size_t)a->entry_cnt * UZ_AR_ENT_LEN, e;
	uint64_t list_end;

	if (strs_off > meta_len)
		return corrupt(err, "the entry table is longer than the index");
	a->infos = calloc(a->entry_cnt ? a->entry_cnt : 1, sizeof(*a->infos));
	if (!a->infos)
		return uz_err_set(err, -ENOMEM, "out of memory");
	for (e = 0; e < a->entry_cnt; e++) {
		const uint8_t *rec = a->meta + e * UZ_AR_ENT_LEN;
		struct uz_archive_entry_info *in = &a->infos[e];

		if (meta_string(a, rec, UZ_AR_E_RELEASE, strs_off, meta_len, &in->release) ||
		    meta_string(a, rec, UZ_AR_E_ARCH, strs_off, meta_len, &in->arch) ||
		    meta_string(a, rec, UZ_AR_E_BUILD_ID, strs_off, meta_len, &in->build_id) ||
		    meta_string(a, rec, UZ_AR_E_DISTRO, strs_off, meta_len, &in->distro))
			return corrupt(err, "an entry's name is outside the index");
		in->big_endian = rd(a, rec + UZ_AR_E_FLAGS) & UZ_AR_EF_BIG;
		list_end = (uint64_t)rd(a, rec + UZ_AR_E_LIST_OFF) + rd(a, rec + UZ_AR_E_LIST_LEN);
		if (list_end > a->raw_len)
			return corrupt(err, "an entry's type list is outside the payload");
	}
	return 0;
}

int uz_archive_open_mem(const void *data, size_t len, struct uz_archive **out,
			struct uz_error *err)
{
	const uint8_t *d = data;
	struct uz_archive *a;
	uint32_t meta_len, meta_raw, flags, crc;
	uint64_t layout;
	int r;

	if (!out)
		return uz_err_set(err, -EINVAL, "uz_archive_open_mem: out is NULL");
	*out = NULL;
	if (!d || len < UZ_AR_HDR_LEN || memcmp(d, UZ_AR_MAGIC, 8))
		return uz_err_set(err, -EINVAL, "not a btfgen archive (no %s header)", UZ_AR_MAGIC);
	a = calloc(1, sizeof(*a));
	if (!a)
		return uz_err_set(err, -ENOMEM, "out of memory");
	a->data = d;
	a->len = len;
	flags = uz_get32(d + UZ_AR_H_FLAGS, false);
	a->swap = ((flags & UZ_AR_F_BIG) != 0) != uz_host_is_big_endian();
	if (a->swap)
		flags = uz_bswap32(flags);
	r = -EBADMSG;
	if (rd(a, d + UZ_AR_H_VERSION) != UZ_AR_VERSION) {
		r = uz_err_set(err, -ENOTSUP, "btfgen archive version %u: this userize reads version %u",
			       rd(a, d + UZ_AR_H_VERSION), UZ_AR_VERSION);
		goto fail;
	}
	a->entry_cnt = rd(a, d + UZ_AR_H_ENTRIES);
	meta_len = rd(a, d + UZ_AR_H_META_LEN);
	meta_raw = rd(a, d + UZ_AR_H_META_RAW);
	a->payload_len = rd(a, d + UZ_AR_H_PAYLOAD_LEN);
	a->raw_len = rd(a, d + UZ_AR_H_RAW_LEN);
	a->compression = rd(a, d + UZ_AR_H_COMPRESSION);
	a->type_cnt = rd(a, d + UZ_AR_H_TYPE_CNT);
	a->str_len = rd(a, d + UZ_AR_H_STR_LEN);
	a->types_len = rd(a, d + UZ_AR_H_TYPES_LEN);
	if ((uint64_t)UZ_AR_HDR_LEN + meta_len + a->payload_len > len) {
		r = uz_err_set(err, -EBADMSG, "truncated btfgen archive: %zu bytes, the header announces %llu",
			       len, (unsigned long long)UZ_AR_HDR_LEN + meta_len + a->payload_len);
		goto fail;
	}
	a->payload = d + UZ_AR_HDR_LEN + meta_len;
	crc = (uint32_t)crc32(0, d, UZ_AR_H_META_CRC);
	crc = (uint32_t)crc32(crc, d + UZ_AR_HDR_LEN, meta_len);
	if (crc != rd(a, d + UZ_AR_H_META_CRC)) {
		r = corrupt(err, "the index checksum does not match (the header or the entry table was changed)");
		goto fail;
	}
	a->meta_buf = meta_raw <= UZ_AR_MAX_META ? malloc(meta_raw ? meta_raw : 1) : NULL;
	if (!a->meta_buf || uz_ar_inflate((a->compression >> 8) & 0xff, d + UZ_AR_HDR_LEN,
					  meta_len, a->meta_buf, meta_raw)) {
		r = corrupt(err, "the index does not inflate to its announced size");
		goto fail;
	}
	a->meta = a->meta_buf;
	layout = ((uint64_t)a->str_len + 3) / 4 * 4 + a->types_len;
	if (layout > a->raw_len || a->raw_len > UZ_AR_MAX_RAW || a->str_len == 0 ||
	    (uint64_t)a->type_cnt * 12 > a->types_len || /* a record has >= 12 bytes */
	    (a->compression & 0xff) > UZ_AR_LZMA2 ||
	    ((a->compression & 0xff) == UZ_AR_STORED && a->payload_len != a->raw_len)) {
		r = corrupt(err, "the payload layout in the header is inconsistent");
		goto fail;
	}
	r = read_index(a, meta_raw, err);
	if (r)
		goto fail;
	*out = a;
	return 0;
fail:
	uz_archive_free(a);
	return r;
}

int uz_archive_open(const char *path, struct uz_archive **out, struct uz_error *err)
{
	uint8_t *p;
	size_t len;
	int r;

	if (!out)
		return uz_err_set(err, -EINVAL, "uz_archive_open: out is NULL");
	*out = NULL;
	/* Read, not mapped: a file truncated while it is open would fault
	 * (SIGBUS) in a mapping; a short read is the "truncated" error. A
	 * FIFO or device is refused before it is opened for reading. */
	r = uz_read_file(path, &p, &len, err);
	if (r)
		return r;
	r = uz_archive_open_mem(p, len, out, err);
	if (r) {
		free(p);
		return uz_err_prefix(err, "%s", path);
	}
	(*out)->copy = p;
	return 0;
}

void uz_archive_free(struct uz_archive *a)
{
	if (!a)
		return;
	free(a->copy);
	free(a->infos);
	free(a->raw);
	free(a->meta_buf);
	free(a->offs);
	free(a);
}

size_t uz_archive_entry_cnt(const struct uz_archive *a)
{
	return a ? a->entry_cnt : 0;
}

const struct uz_archive_entry_info *uz_archive_entry(const struct uz_archive *a, size_t idx)
{
	return a && idx < a->entry_cnt ? &a->infos[idx] : NULL;
}

/* ---- finding the entry ------------------------------------------------- */

static size_t collect(const struct uz_archive *a, const char *release, const char *build_id,
		      size_t *hits, size_t max)
{
	size_t e, n = 0;

	for (e = 0; e < a->entry_cnt; e++) {
		const struct uz_archive_entry_info *in = &a->infos[e];

		if (release && *release && strcmp(in->release, release))
			continue;
		if (build_id && *build_id && strcasecmp(in->build_id, build_id))
			continue;
		if (n < max)
			hits[n] = e;
		n++;
	}
	return n;
}

static int found(const struct uz_archive *a, const size_t *hits, size_t n, const char *what,
		 size_t *idx, struct uz_error *err)
{
	const struct uz_archive_entry_info *x, *y;

	if (n == 1) {
		*idx = hits[0];
		return 0;
	}
	x = &a->infos[hits[0]];
	y = &a->infos[hits[1]];
	return uz_err_set(err, -EEXIST, "the archive has %zu entries for %s: #%zu '%s'%s%s and #%zu '%s'%s%s; it must have one (rebuild it without the duplicate)",
			  n, what, hits[0], x->release, *x->build_id ? " build id " : "",
			  x->build_id, hits[1], y->release, *y->build_id ? " build id " : "",
			  y->build_id);
}

int uz_archive_find(const struct uz_archive *a, const char *release, const char *build_id,
		    size_t *idx, struct uz_error *err)
{
	char rel[UZ_RELEASE_MAX], bid[UZ_BUILD_ID_MAX], what[300];
	size_t hits[2], n;

	if (!a || !idx)
		return uz_err_set(err, -EINVAL, "uz_archive_find: NULL argument");
	if ((!release || !*release) && (!build_id || !*build_id)) {
		uz_kinfo_running(rel, bid);
		/* the running kernel: its release, narrowed by its build id */
		n = collect(a, rel, NULL, hits, 2);
		if (n > 1 && *bid && collect(a, rel, bid, hits, 2) > 0)
			n = collect(a, rel, bid, hits, 2);
		if (!n && *bid)
			n = collect(a, NULL, bid, hits, 2);
		snprintf(what, sizeof(what), "the running kernel %s%s%s", rel,
			 *bid ? " build id " : "", bid);
		/* a same-release entry of another build has other offsets */
		if (n == 1 && *bid && *a->infos[hits[0]].build_id &&
		    strcasecmp(a->infos[hits[0]].build_id, bid))
			return uz_err_set(err, -ENOENT, "the archive's entry for %s is of another build (build id %s; the running kernel's is %s): its offsets may differ, so it is not used (rebuild the archive from this kernel's debug info)",
					  rel, a->infos[hits[0]].build_id, bid);
	} else {
		n = collect(a, release, build_id, hits, 2);
		snprintf(what, sizeof(what), "kernel %s%s%s", release ? release : "",
			 build_id && *build_id ? " build id " : "", build_id ? build_id : "");
	}
	if (!n)
		return uz_err_set(err, -ENOENT, "the archive has no entry for %s (it has %u %s; `userize btf dump ARCHIVE --list` lists them)",
				  what, a->entry_cnt, a->entry_cnt == 1 ? "entry" : "entries");
	return found(a, hits, n, what, idx, err);
}

/* ---- rebuilding an entry ----------------------------------------------- */

/* Where each global type's record starts; every record must fit exactly. */
static int index_types(struct uz_archive *a, struct uz_error *err)
{
	const uint8_t *types = a->raw + (a->str_len + 3) / 4 * 4;
	uint64_t pos = 0;
	uint32_t i, info;
	size_t len;

	a->offs = malloc(((size_t)a->type_cnt + 1) * sizeof(*a->offs));
	if (!a->offs)
		return uz_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < a->type_cnt; i++) {
		if (pos + 12 > a->types_len)
			break;
		info = rd(a, types + pos + 4);
		len = uz_ar_type_len(BTF_INFO_KIND(info), BTF_INFO_VLEN(info));
		if (!len || pos + len > a->types_len)
			break;
		a->offs[i] = (uint32_t)pos;
		pos += len;
	}
	if (i < a->type_cnt || pos != a->types_len) {
		free(a->offs);
		a->offs = NULL;
		return corrupt(err, "the type records do not add up to the announced count");
	}
	return 0;
}

static int inflate_payload(struct uz_archive *a, struct uz_error *err)
{
	if (a->raw)
		return 0;
	if ((uint32_t)crc32(0, a->payload, a->payload_len) !=
	    rd(a, a->data + UZ_AR_H_PAYLOAD_CRC))
		return corrupt(err, "the payload checksum does not match (truncated or changed)");
	a->raw = malloc(a->raw_len ? a->raw_len : 1);
	if (!a->raw)
		return uz_err_set(err, -ENOMEM, "out of memory");
	if (uz_ar_inflate(a->compression & 0xff, a->payload, a->payload_len, a->raw, a->raw_len)) {
		free(a->raw);
		a->raw = NULL;
		return corrupt(err, "the payload does not inflate to its announced size");
	}
	if (index_types(a, err)) {
		free(a->raw);
		a->raw = NULL;
		return err ? err->code : -EBADMSG;
	}
	return 0;
}

/* One zigzag varint of [*p, end); false when it runs past the end. */
static bool varint(const uint8_t **p, const uint8_t *end, int64_t *out)
{
	uint64_t v = 0;
	unsigned int shift = 0;

	while (*p < end && shift < 64) {
		uint8_t b = *(*p)++;

		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			*out = (v & 1) ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
			return true;
		}
	}
	return false;
}

/* Global record @gid (1..type_cnt, checked by the caller) and its length. */
static const uint8_t *record(const struct uz_archive *a, uint32_t gid, size_t *len)
{
	const uint8_t *types = a->raw + (a->str_len + 3) / 4 * 4;
	uint32_t off = a->offs[gid - 1];

	*len = (gid < a->type_cnt ? a->offs[gid] : a->types_len) - off;
	return types + off;
}

/* Entry @idx's global ids, decoded and range-checked into @ids. */
static int entry_ids(const struct uz_archive *a, size_t idx, uint32_t *ids, uint32_t cnt)
{
	const uint8_t *rec = a->meta + idx * UZ_AR_ENT_LEN;
	const uint8_t *p = a->raw + rd(a, rec + UZ_AR_E_LIST_OFF);
	const uint8_t *end = p + rd(a, rec + UZ_AR_E_LIST_LEN);
	int64_t prev = 0, d;
	uint32_t i;

	for (i = 0; i < cnt; i++) {
		if (!varint(&p, end, &d))
			return -EBADMSG;
		prev += d;
		if (prev < 1 || prev > a->type_cnt)
			return -EBADMSG;
		ids[i] = (uint32_t)prev;
	}
	return 0;
}

static int remap_refs(const struct uz_archive *a, uint8_t *rec, const uint32_t *map,
		      uint32_t *scratch)
{
	uint32_t info = rd(a, rec + 4);
	size_t n = uz_ar_type_refs(BTF_INFO_KIND(info), BTF_INFO_VLEN(info), scratch), i;

	for (i = 0; i < n; i++) {
		uint32_t id = rd(a, rec + scratch[i]);

		if (id > a->type_cnt || (id && !map[id]))
			return -EBADMSG;
		uz_put32(rec + scratch[i], id ? map[id] : 0, a->swap);
	}
	return 0;
}

/* Build entry @idx's raw BTF (archive byte order, shared strings) into *@out. */
static int entry_raw(struct uz_archive *a, size_t idx, uint8_t **out, size_t *out_len,
		     struct uz_error *err)
{
	const uint8_t *rec = a->meta + idx * UZ_AR_ENT_LEN;
	uint32_t cnt = rd(a, rec + UZ_AR_E_LIST_CNT), i, *map = NULL, *scratch = NULL, *ids = NULL;
	size_t types = 0, len = 0, pos;
	uint8_t *b = NULL;
	int r;

	r = inflate_payload(a, err);
	if (r)
		return r;
	r = -EBADMSG;
	if (cnt > rd(a, rec + UZ_AR_E_LIST_LEN)) /* at least one byte per type */
		goto out;
	r = -ENOMEM;
	map = calloc((size_t)a->type_cnt + 1, sizeof(*map));
	ids = malloc(((size_t)cnt + 1) * sizeof(*ids));
	scratch = malloc((1 + 65536) * sizeof(*scratch));
	if (!map || !ids || !scratch)
		goto out;
	r = entry_ids(a, idx, ids, cnt);
	if (r)
		goto out;
	for (i = 0; i < cnt; i++) {
		if (!map[ids[i]])
			map[ids[i]] = i + 1;
		record(a, ids[i], &len);
		types += len;
	}
	r = -ENOMEM;
	b = malloc(24 + types + a->str_len);
	if (!b)
		goto out;
	uz_put16(b, 0xeB9F, a->swap);
	b[2] = 1;
	b[3] = 0;
	uz_put32(b + 4, 24, a->swap);
	uz_put32(b + 8, 0, a->swap);
	uz_put32(b + 12, (uint32_t)types, a->swap);
	uz_put32(b + 16, (uint32_t)types, a->swap);
	uz_put32(b + 20, a->str_len, a->swap);
	for (i = 0, pos = 24; i < cnt; i++, pos += len) {
		const uint8_t *src = record(a, ids[i], &len);

		memcpy(b + pos, src, len);
		r = remap_refs(a, b + pos, map, scratch);
		if (r)
			goto out;
	}
	memcpy(b + pos, a->raw, a->str_len);
	*out = b;
	*out_len = pos + a->str_len;
	b = NULL;
	r = 0;
out:
	if (r == -EBADMSG)
		corrupt(err, "an entry's type list or a type's references point outside the archive");
	else if (r == -ENOMEM)
		uz_err_set(err, r, "out of memory");
	free(b);
	free(map);
	free(ids);
	free(scratch);
	return r;
}

int uz_archive_entry_load(struct uz_archive *a, size_t idx, const char *name,
			  struct btf **btf, struct uz_name_index *nidx, struct uz_error *err)
{
	uint8_t *raw = NULL;
	size_t len = 0;
	int r;

	if (idx >= a->entry_cnt)
		return uz_err_set(err, -EINVAL, "archive entry %zu does not exist", idx);
	r = entry_raw(a, idx, &raw, &len, err);
	if (r)
		return r;
	r = nidx ? uz_btf_parse_indexed(raw, len, name, nidx, raw, btf, err)
		 : uz_btf_parse_checked(raw, len, name, btf, err);
	if (!nidx)
		free(raw);
	if (r)
		return r;
	return btf__set_endianness(*btf, a->infos[idx].big_endian ? BTF_BIG_ENDIAN
								 : BTF_LITTLE_ENDIAN);
}

int uz_archive_entry_btf(const struct uz_archive *ca, size_t idx, void **data, size_t *len,
			 struct uz_error *err)
{
	struct uz_archive *a = (struct uz_archive *)ca; /* inflating is a cache */
	struct btf *full = NULL, *out = NULL;
	const void *raw;
	uint32_t raw_len, id, n;
	int r;

	if (!a || !data || !len)
		return uz_err_set(err, -EINVAL, "uz_archive_entry_btf: NULL argument");
	*data = NULL;
	*len = 0;
	r = uz_archive_entry_load(a, idx, a->infos[idx < a->entry_cnt ? idx : 0].release, &full,
				  NULL, err);
	if (r)
		return r;
	/* copy type by type: the strings shrink to the ones this entry uses */
	out = btf__new_empty();
	r = out ? 0 : -ENOMEM;
	n = btf__type_cnt(full);
	for (id = 1; id < n && !r; id++) {
		int k = btf__add_type(out, full, btf__type_by_id(full, id));

		r = k < 0 ? k : 0;
	}
	r = r ?: btf__set_endianness(out, btf__endianness(full));
	raw = r ? NULL : btf__raw_data(out, &raw_len);
	if (!raw) {
		r = uz_err_set(err, -ENOMEM, "out of memory");
	} else if (!(*data = malloc(raw_len))) {
		r = uz_err_set(err, -ENOMEM, "out of memory");
	} else {
		memcpy(*data, raw, raw_len);
		*len = raw_len;
	}
	btf__free(out);
	btf__free(full);
	return r;
}
