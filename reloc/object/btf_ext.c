/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * .BTF.ext parsing. The section is untrusted input: every offset, length
 * and record size is checked before use, records are iterated with the
 * file's own record size (which may be larger than the 16 bytes we know),
 * and both byte orders are accepted (the magic tells which).
 *
 * Layout: header { u16 magic; u8 version; u8 flags; u32 hdr_len;
 * u32 func_info_off, func_info_len, line_info_off, line_info_len,
 * [u32 core_relo_off, core_relo_len] }, offsets relative to the end of the
 * header. Each info block is: u32 rec_size, then repeated
 * { u32 sec_name_off; u32 num_info; u8 recs[num_info * rec_size] }.
 */
#include <stdlib.h>

#include "object/btf_ext.h"

struct ext_block {
	const char *what;
	const uint8_t *data;
	uint32_t len;
	uint32_t min_rec;
};

static int block_locate(const uint8_t *base, size_t avail, uint32_t off, uint32_t len,
			struct ext_block *b, struct uz_error *err)
{
	b->data = NULL;
	b->len = 0;
	if (len == 0)
		return 0;
	if (off % 4)
		return uz_err_set(err, -EINVAL, ".BTF.ext: %s offset %u is not 4-byte aligned",
				  b->what, off);
	if ((uint64_t)off + len > avail)
		return uz_err_set(err, -EINVAL,
				  ".BTF.ext: %s [%u, +%u) runs past the section end (%zu bytes of data)",
				  b->what, off, len, avail);
	b->data = base + off;
	b->len = len;
	return 0;
}

/* Walk one info block; when @ext is not NULL, collect CO-RE records. */
static int block_walk(const struct ext_block *b, bool swap, uint32_t str_len,
		      struct uz_btf_ext *ext, struct uz_error *err)
{
	uint32_t rec_size, pos = 4;
	size_t nsec = 0;

	if (!b->len)
		return 0;
	if (b->len < 4)
		return uz_err_set(err, -EINVAL, ".BTF.ext: %s block is %u bytes, too short",
				  b->what, b->len);
	rec_size = uz_get32(b->data, swap);
	if (rec_size < b->min_rec || rec_size % 4 || rec_size > 1024)
		return uz_err_set(err, -EINVAL,
				  ".BTF.ext: %s record size %u is invalid (expected >= %u, multiple of 4)",
				  b->what, rec_size, b->min_rec);
	if (ext)
		ext->core_rec_size = rec_size;
	while (pos < b->len) {
		uint32_t name_off, num;
		uint64_t need;

		if (b->len - pos < 8)
			return uz_err_set(err, -EINVAL,
					  ".BTF.ext: %s section header at byte %u is truncated",
					  b->what, pos);
		name_off = uz_get32(b->data + pos, swap);
		num = uz_get32(b->data + pos + 4, swap);
		if (name_off >= str_len)
			return uz_err_set(err, -EINVAL,
					  ".BTF.ext: %s section name offset %u is outside the BTF strings (%u bytes)",
					  b->what, name_off, str_len);
		if (num == 0)
			return uz_err_set(err, -EINVAL, ".BTF.ext: %s section with zero records",
					  b->what);
		need = (uint64_t)num * rec_size;
		if (need > b->len - pos - 8)
			return uz_err_set(err, -EINVAL,
					  ".BTF.ext: %s section claims %u records of %u bytes, more than the %u bytes left",
					  b->what, num, rec_size, b->len - pos - 8);
		if (ext) {
			struct uz_core_sec *secs, *s;
			uint32_t i;

			secs = realloc(ext->core_secs, (nsec + 1) * sizeof(*secs));
			if (!secs)
				return uz_err_set(err, -ENOMEM, "out of memory");
			ext->core_secs = secs;
			s = &secs[nsec];
			memset(s, 0, sizeof(*s));
			ext->core_sec_cnt = ++nsec;
			s->sec_name_off = name_off;
			s->recs = calloc(num, sizeof(*s->recs));
			if (!s->recs)
				return uz_err_set(err, -ENOMEM, "out of memory");
			s->rec_cnt = num;
			for (i = 0; i < num; i++) {
				const uint8_t *r = b->data + pos + 8 + (size_t)i * rec_size;

				s->recs[i].insn_off = uz_get32(r, swap);
				s->recs[i].type_id = uz_get32(r + 4, swap);
				s->recs[i].access_str_off = uz_get32(r + 8, swap);
				s->recs[i].kind = uz_get32(r + 12, swap);
			}
		}
		pos += 8 + (uint32_t)need;
	}
	return 0;
}

int uz_btf_ext_parse(const uint8_t *data, size_t len, uint32_t str_len,
		     struct uz_btf_ext *ext, struct uz_error *err)
{
	struct ext_block fb = { "func_info", NULL, 0, UZ_FUNC_INFO_MIN_SZ };
	struct ext_block lb = { "line_info", NULL, 0, UZ_LINE_INFO_MIN_SZ };
	struct ext_block cb = { "core_relo", NULL, 0, UZ_CORE_RELO_MIN_SZ };
	uint32_t hdr_len;
	uint16_t magic;
	bool swap;
	int r;

	memset(ext, 0, sizeof(*ext));
	if (len < 24)
		return uz_err_set(err, -EINVAL, ".BTF.ext is %zu bytes, shorter than its header", len);
	memcpy(&magic, data, 2);
	if (magic == UZ_BTF_EXT_MAGIC)
		swap = false;
	else if (uz_bswap16(magic) == UZ_BTF_EXT_MAGIC)
		swap = true;
	else
		return uz_err_set(err, -EINVAL, ".BTF.ext has bad magic 0x%04x", magic);
	if (data[2] != 1)
		return uz_err_set(err, -EOPNOTSUPP, ".BTF.ext version %u is not supported", data[2]);
	if (data[3] != 0)
		return uz_err_set(err, -EOPNOTSUPP, ".BTF.ext flags 0x%x are not supported", data[3]);
	hdr_len = uz_get32(data + 4, swap);
	if (hdr_len < 24 || hdr_len > len || hdr_len % 4)
		return uz_err_set(err, -EINVAL, ".BTF.ext header length %u is invalid (section is %zu bytes)",
				  hdr_len, len);
	ext->swap = swap;
	ext->hdr_len = hdr_len;
	r = block_locate(data + hdr_len, len - hdr_len, uz_get32(data + 8, swap),
			 uz_get32(data + 12, swap), &fb, err);
	r = r ?: block_locate(data + hdr_len, len - hdr_len, uz_get32(data + 16, swap),
			      uz_get32(data + 20, swap), &lb, err);
	if (!r && hdr_len >= 32)
		r = block_locate(data + hdr_len, len - hdr_len, uz_get32(data + 24, swap),
				 uz_get32(data + 28, swap), &cb, err);
	r = r ?: block_walk(&fb, swap, str_len, NULL, err);
	r = r ?: block_walk(&lb, swap, str_len, NULL, err);
	r = r ?: block_walk(&cb, swap, str_len, ext, err);
	if (r)
		uz_btf_ext_free(ext);
	return r;
}

void uz_btf_ext_free(struct uz_btf_ext *ext)
{
	size_t i;

	if (!ext)
		return;
	for (i = 0; i < ext->core_sec_cnt; i++)
		free(ext->core_secs[i].recs);
	free(ext->core_secs);
	memset(ext, 0, sizeof(*ext));
}
