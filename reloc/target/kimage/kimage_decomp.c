/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel images -> BTF: bounded decompression. Detects a compressed stream
 * by magic and decodes gzip (zlib), xz (liblzma), zstd, lz4 frames and the
 * kernel's lz4 "legacy" format behind one pull interface (struct ki_dec).
 * Every decoder is capped: output past its limit is an -EFBIG error, and a
 * stream that ends early is a "truncated" error, never a short success.
 */
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include "target/kimage/kimage_int.h"

#define KI_LZ4_LEGACY_MAGIC 0x184C2102u
#define KI_LZ4_BLOCK_MAX (8u << 20)     /* legacy blocks decode to <= 8 MiB */
#define KI_XZ_MEMLIMIT ((uint64_t)256 << 20)
#define KI_ALLOC_FIRST (4u << 20)       /* first buffer when the size is unknown */

static const char *const ki_comp_names[] = {
	"none", "gzip", "xz", "zstd", "lz4", "lz4-legacy", "bzip2", "lzma", "lzo",
};

/* A pull decoder over an in-memory compressed stream. */
struct ki_dec {
	enum ki_comp comp;
	const uint8_t *in;
	size_t in_len, in_pos;
	uint64_t out_total, out_max;
	bool eof;
	bool z_live;
	z_stream z;
	lzma_stream x;
	ZSTD_DStream *zs;
	LZ4F_dctx *lf;
	uint8_t *blk;           /* lz4 legacy: one decoded block */
	size_t blk_len, blk_pos, blk_cnt;
};

const char *uz_ki_comp_name(enum ki_comp comp)
{
	return (size_t)comp < UZ_ARRAY_SIZE(ki_comp_names) ? ki_comp_names[comp] : "unknown";
}

static bool ki_is_pow2_dict(uint32_t v)
{
	return v >= 4096 && !(v & (v - 1));
}

enum ki_comp uz_ki_comp_detect(const uint8_t *p, size_t len)
{
	if (len >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return KI_GZIP;
	if (len >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return KI_XZ;
	if (len >= 4 && uz_ki_le32(p) == 0xFD2FB528u)
		return KI_ZSTD;
	if (len >= 4 && uz_ki_le32(p) == 0x184D2204u)
		return KI_LZ4;
	if (len >= 4 && uz_ki_le32(p) == KI_LZ4_LEGACY_MAGIC)
		return KI_LZ4_LEGACY;
	if (len >= 10 && !memcmp(p, "BZh", 3) && p[3] >= '1' && p[3] <= '9' &&
	    !memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6))
		return KI_BZIP2;
	if (len >= 9 && !memcmp(p, "\x89LZO\0\r\n\x1a\n", 9))
		return KI_LZO;
	if (len >= 13 && p[0] == 0x5d && ki_is_pow2_dict(uz_ki_le32(p + 1)))
		return KI_LZMA;
	return KI_NONE;
}

void uz_ki_dec_close(struct ki_dec *d)
{
	if (!d)
		return;
	if (d->z_live)
		inflateEnd(&d->z);
	lzma_end(&d->x);
	ZSTD_freeDStream(d->zs);
	if (d->lf)
		LZ4F_freeDecompressionContext(d->lf);
	free(d->blk);
	free(d);
}

int uz_ki_dec_open(struct ki_ctx *c, struct ki_dec **out, enum ki_comp comp,
		   const uint8_t *in, size_t len, uint64_t out_max)
{
	lzma_stream xs = LZMA_STREAM_INIT;
	struct ki_dec *d;

	*out = NULL;
	switch (comp) {
	case KI_NONE:
	case KI_GZIP:
	case KI_XZ:
	case KI_ZSTD:
	case KI_LZ4:
	case KI_LZ4_LEGACY:
		break;
	default:
		return uz_err_set(c->err, -ENOTSUP, "%s compression is not supported "
				  "(userize reads gzip, xz, zstd and lz4)", uz_ki_comp_name(comp));
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return uz_err_set(c->err, -ENOMEM, "cannot set up the %s decoder",
				  uz_ki_comp_name(comp));
	d->x = xs;
	d->comp = comp;
	d->in = in;
	d->in_len = len;
	d->out_max = out_max;
	switch (comp) {
	case KI_GZIP:
		if (inflateInit2(&d->z, 16 + MAX_WBITS) != Z_OK)
			goto fail;
		d->z_live = true;
		break;
	case KI_XZ:
		if (lzma_stream_decoder(&d->x, KI_XZ_MEMLIMIT, 0) != LZMA_OK)
			goto fail;
		break;
	case KI_ZSTD:
		d->zs = ZSTD_createDStream();
		if (!d->zs || ZSTD_isError(ZSTD_initDStream(d->zs)))
			goto fail;
		break;
	case KI_LZ4:
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d->lf, LZ4F_VERSION)))
			goto fail;
		break;
	case KI_LZ4_LEGACY:
		if (len < 4) {
			uz_ki_dec_close(d);
			return uz_err_set(c->err, -EINVAL, "lz4-legacy stream is truncated "
					  "(ends after %zu bytes)", len);
		}
		d->blk = malloc(KI_LZ4_BLOCK_MAX);
		if (!d->blk)
			goto fail;
		d->in_pos = 4;
		break;
	default:
		break;
	}
	*out = d;
	return 0;
fail:
	uz_ki_dec_close(d);
	return uz_err_set(c->err, -ENOMEM, "cannot set up the %s decoder", uz_ki_comp_name(comp));
}

static int ki_truncated(struct ki_ctx *c, struct ki_dec *d)
{
	return uz_err_set(c->err, -EINVAL, "%s stream is truncated (ends after %zu bytes)",
			  uz_ki_comp_name(d->comp), d->in_len);
}

static int ki_step_gzip(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n,
			size_t *got)
{
	size_t in_left = d->in_len - d->in_pos;
	int ret;

	d->z.next_in = (Bytef *)(d->in + d->in_pos);
	d->z.avail_in = in_left > UINT32_MAX ? UINT32_MAX : (uInt)in_left;
	d->z.next_out = out;
	d->z.avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	ret = inflate(&d->z, Z_NO_FLUSH);
	d->in_pos += in_left > UINT32_MAX ? UINT32_MAX - d->z.avail_in : in_left - d->z.avail_in;
	*got = (size_t)(d->z.next_out - out);
	if (ret == Z_STREAM_END) {
		d->eof = true;
		return 0;
	}
	if (ret == Z_BUF_ERROR || (ret == Z_OK && !*got && d->in_pos == d->in_len))
		return ki_truncated(c, d);
	if (ret != Z_OK)
		return uz_err_set(c->err, -EINVAL, "gzip stream is corrupt: %s",
				  d->z.msg ? d->z.msg : "inflate failed");
	return 0;
}

static int ki_step_xz(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n,
		      size_t *got)
{
	lzma_ret ret;

	d->x.next_in = d->in + d->in_pos;
	d->x.avail_in = d->in_len - d->in_pos;
	d->x.next_out = out;
	d->x.avail_out = n;
	ret = lzma_code(&d->x, LZMA_FINISH);
	d->in_pos = d->in_len - d->x.avail_in;
	*got = n - d->x.avail_out;
	switch (ret) {
	case LZMA_STREAM_END:
		d->eof = true;
		return 0;
	case LZMA_OK:
		return 0;
	case LZMA_BUF_ERROR:
		return ki_truncated(c, d);
	case LZMA_MEMLIMIT_ERROR:
	case LZMA_MEM_ERROR:
		return uz_err_set(c->err, -EFBIG, "xz stream needs more than %llu MiB to decode",
				  (unsigned long long)(KI_XZ_MEMLIMIT >> 20));
	default:
		return uz_err_set(c->err, -EINVAL, "xz stream is corrupt (liblzma error %d)",
				  (int)ret);
	}
}

static int ki_step_zstd(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n,
			size_t *got)
{
	ZSTD_inBuffer ib = { d->in, d->in_len, d->in_pos };
	ZSTD_outBuffer ob = { out, n, 0 };
	size_t r;

	r = ZSTD_decompressStream(d->zs, &ob, &ib);
	d->in_pos = ib.pos;
	*got = ob.pos;
	if (ZSTD_isError(r))
		return uz_err_set(c->err, -EINVAL, "zstd stream is corrupt: %s",
				  ZSTD_getErrorName(r));
	if (r == 0) {
		/* Frame done: go on only if another zstd frame follows. */
		if (uz_ki_comp_detect(d->in + d->in_pos, d->in_len - d->in_pos) != KI_ZSTD)
			d->eof = true;
		return 0;
	}
	if (!ob.pos && d->in_pos == d->in_len)
		return ki_truncated(c, d);
	return 0;
}

static int ki_step_lz4(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n,
		       size_t *got)
{
	size_t dst = n, src = d->in_len - d->in_pos, r;

	r = LZ4F_decompress(d->lf, out, &dst, d->in + d->in_pos, &src, NULL);
	d->in_pos += src;
	*got = dst;
	if (LZ4F_isError(r))
		return uz_err_set(c->err, -EINVAL, "lz4 stream is corrupt: %s",
				  LZ4F_getErrorName(r));
	if (r == 0) {
		d->eof = true;
		return 0;
	}
	if (!dst && d->in_pos == d->in_len)
		return ki_truncated(c, d);
	return 0;
}

/*
 * lz4 legacy (kernel "lz4 -l"): magic, then blocks of le32 compressed size +
 * data, each decoding to at most 8 MiB. No end marker: input ends, or (in a
 * bzImage payload) exactly the 4-byte uncompressed size is left; a repeated
 * magic starts another stream.
 */
static int ki_lz4_legacy_block(struct ki_ctx *c, struct ki_dec *d)
{
	size_t left = d->in_len - d->in_pos;
	uint32_t csize;
	int r;

	for (;;) {
		left = d->in_len - d->in_pos;
		if (left < 4 || (left == 4 && d->blk_cnt)) {
			if (!d->blk_cnt)
				return ki_truncated(c, d);
			d->eof = true;
			return 0;
		}
		csize = uz_ki_le32(d->in + d->in_pos);
		if (csize != KI_LZ4_LEGACY_MAGIC)
			break;
		d->in_pos += 4;
	}
	if (!csize || csize > (uint32_t)LZ4_compressBound(KI_LZ4_BLOCK_MAX) || csize > left - 4)
		return uz_err_set(c->err, -EINVAL, "lz4-legacy block at offset %zu claims %u "
				  "bytes (%zu left, at most %d allowed)", d->in_pos, csize,
				  left - 4, LZ4_compressBound(KI_LZ4_BLOCK_MAX));
	r = LZ4_decompress_safe((const char *)d->in + d->in_pos + 4, (char *)d->blk,
				(int)csize, KI_LZ4_BLOCK_MAX);
	if (r < 0)
		return uz_err_set(c->err, -EINVAL, "lz4-legacy block at offset %zu is corrupt",
				  d->in_pos);
	d->in_pos += 4 + (size_t)csize;
	d->blk_len = (size_t)r;
	d->blk_pos = 0;
	d->blk_cnt++;
	return 0;
}

static int ki_step_lz4_legacy(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n,
			      size_t *got)
{
	size_t k;
	int rc;

	if (d->blk_pos == d->blk_len) {
		rc = ki_lz4_legacy_block(c, d);
		if (rc || d->eof) {
			*got = 0;
			return rc;
		}
	}
	k = d->blk_len - d->blk_pos;
	if (k > n)
		k = n;
	memcpy(out, d->blk + d->blk_pos, k);
	d->blk_pos += k;
	*got = k;
	return 0;
}

static int ki_step(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n, size_t *got)
{
	size_t k;

	switch (d->comp) {
	case KI_GZIP:
		return ki_step_gzip(c, d, out, n, got);
	case KI_XZ:
		return ki_step_xz(c, d, out, n, got);
	case KI_ZSTD:
		return ki_step_zstd(c, d, out, n, got);
	case KI_LZ4:
		return ki_step_lz4(c, d, out, n, got);
	case KI_LZ4_LEGACY:
		return ki_step_lz4_legacy(c, d, out, n, got);
	default:
		k = d->in_len - d->in_pos;
		if (k > n)
			k = n;
		memcpy(out, d->in + d->in_pos, k);
		d->in_pos += k;
		*got = k;
		d->eof = d->in_pos == d->in_len;
		return 0;
	}
}

int uz_ki_dec_read(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n,
		   size_t *got)
{
	size_t k;
	int rc;

	*got = 0;
	while (*got < n && !d->eof) {
		rc = ki_step(c, d, out + *got, n - *got, &k);
		if (rc)
			return rc;
		*got += k;
		d->out_total += k;
		if (d->out_total > d->out_max)
			return uz_err_set(c->err, -EFBIG, "%s stream decompresses to more than "
					  "%llu bytes; refusing it", uz_ki_comp_name(d->comp),
					  (unsigned long long)d->out_max);
	}
	return 0;
}

int uz_ki_dec_read_alloc(struct ki_ctx *c, struct ki_dec *d, size_t want, size_t hint,
			 uint8_t **out, size_t *out_len)
{
	size_t alloc, got = 0, k;
	uint8_t *buf = NULL, *nb;
	int rc = 0;

	/*
	 * Nothing wanted: read nothing (the next bytes belong to someone else,
	 * e.g. the next tar header) and hand back an empty buffer.
	 */
	if (!want) {
		buf = malloc(1);
		if (!buf)
			return uz_err_set(c->err, -ENOMEM, "out of memory (1 byte)");
		*out = buf;
		*out_len = 0;
		return 0;
	}
	alloc = hint ? hint : KI_ALLOC_FIRST;
	if (alloc >= want)
		alloc = want;
	else if (hint)
		alloc = hint + 1;       /* room to see the stream end at the hint */
	for (;;) {
		nb = realloc(buf, alloc);
		if (!nb) {
			rc = uz_err_set(c->err, -ENOMEM, "out of memory (%zu bytes)", alloc);
			goto fail;
		}
		buf = nb;
		rc = uz_ki_dec_read(c, d, buf + got, alloc - got, &k);
		if (rc)
			goto fail;
		got += k;
		if (got < alloc || got == want)
			break;
		alloc = alloc > want / 2 ? want : alloc * 2;
	}
	*out = buf;
	*out_len = got;
	return 0;
fail:
	free(buf);
	return rc;
}

int uz_ki_decompress(struct ki_ctx *c, enum ki_comp comp, const uint8_t *in, size_t len,
		     size_t hint, uint8_t **out, size_t *out_len)
{
	struct ki_dec *d;
	int rc;

	rc = uz_ki_dec_open(c, &d, comp, in, len, c->cap);
	if (rc)
		return rc;
	if (hint > c->cap)
		hint = 0;
	rc = uz_ki_dec_read_alloc(c, d, c->cap == SIZE_MAX ? SIZE_MAX : c->cap + 1, hint,
				  out, out_len);
	uz_ki_dec_close(d);
	return rc;
}
