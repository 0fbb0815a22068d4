/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel images -> BTF. This file owns getting the kernel's BTF out of what
 * distributions ship: format detection, bounded decompression (gzip, xz,
 * zstd, lz4 frame and the kernel's lz4 "legacy" format), Debian .deb walking
 * (ar archive, then a streamed tar), x86 bzImage setup headers, ELF .BTF
 * lookup through libelf, and raw BTF header validation (also used to find
 * BTF embedded in a raw image).
 *
 * Every layer checks its header fields against the bytes it actually holds
 * before using them, and every decompression is capped (UZ_KIMAGE_MAX_OUT by
 * default): hostile input yields an error value with a message, never a
 * crash and never an unbounded allocation. Containers nest (a .deb holds a
 * tar holding a bzImage holding an ELF), so detection recurses with a small
 * depth limit; a description of the path taken is collected for the caller.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* memmem */
#endif
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "kimage.h"
#include "uz_internal.h"

#define KI_MAX_DEPTH 6
/* Bytes a tar stream may decompress to while we skip members (not kept). */
#define KI_TAR_STREAM_MAX ((uint64_t)16 << 30)
#define KI_TAR_META_MAX (64u << 10)     /* GNU long name / pax header data */
#define KI_LZ4_LEGACY_MAGIC 0x184C2102u
#define KI_LZ4_BLOCK_MAX (8u << 20)     /* legacy blocks decode to <= 8 MiB */
#define KI_XZ_MEMLIMIT ((uint64_t)256 << 20)
#define KI_BTF_HDR_MIN 24u
#define KI_BTF_HDR_MAX 4096u
#define KI_SCAN_MIN 64u                 /* smallest embedded BTF we believe */
#define KI_CHUNK (256u << 10)

enum ki_comp {
	KI_NONE, KI_GZIP, KI_XZ, KI_ZSTD, KI_LZ4, KI_LZ4_LEGACY,
	KI_BZIP2, KI_LZMA, KI_LZO,
};

static const char *const ki_comp_names[] = {
	"none", "gzip", "xz", "zstd", "lz4", "lz4-legacy", "bzip2", "lzma", "lzo",
};

/* One extraction: limits, the description being built, the error. */
struct ki_ctx {
	const char *name;
	size_t cap;
	int depth;
	bool kernel;            /* input is known to be a kernel image */
	char what[512];
	size_t what_len;
	char release[128];
	struct uz_error *err;
};

static uint16_t ki_le16(const uint8_t *p)
{
	return uz_get16(p, uz_host_is_big_endian());
}

static uint32_t ki_le32(const uint8_t *p)
{
	return uz_get32(p, uz_host_is_big_endian());
}

__attribute__((format(printf, 2, 3)))
static void ki_what(struct ki_ctx *c, const char *fmt, ...)
{
	size_t room = sizeof(c->what) - c->what_len;
	va_list ap;
	int n;

	if (c->what_len && room > 4) {
		memcpy(c->what + c->what_len, " -> ", 5);
		c->what_len += 4;
		room -= 4;
	}
	va_start(ap, fmt);
	n = vsnprintf(c->what + c->what_len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->what_len += (size_t)n < room ? (size_t)n : room - 1;
}

/* ---- raw BTF ------------------------------------------------------------ */

/*
 * Validate a BTF header at @p (either byte order) against the @len bytes
 * available. On success *@total is the header plus both sections.
 */
static int ki_btf_check(const uint8_t *p, size_t len, size_t *total, char *why,
			size_t why_sz)
{
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint64_t type_end, str_end;
	bool swap;

	if (len < KI_BTF_HDR_MIN) {
		snprintf(why, why_sz, "%zu bytes cannot hold a BTF header", len);
		return -EINVAL;
	}
	if (p[0] == 0x9f && p[1] == 0xeb)
		swap = uz_host_is_big_endian();
	else if (p[0] == 0xeb && p[1] == 0x9f)
		swap = !uz_host_is_big_endian();
	else {
		snprintf(why, why_sz, "no BTF magic 0xeB9F");
		return -EINVAL;
	}
	if (p[2] != 1 || p[3] != 0) {
		snprintf(why, why_sz, "BTF version %u flags %u not supported", p[2], p[3]);
		return -EINVAL;
	}
	hdr_len = uz_get32(p + 4, swap);
	type_off = uz_get32(p + 8, swap);
	type_len = uz_get32(p + 12, swap);
	str_off = uz_get32(p + 16, swap);
	str_len = uz_get32(p + 20, swap);
	if (hdr_len < KI_BTF_HDR_MIN || hdr_len > KI_BTF_HDR_MAX || hdr_len % 4 ||
	    hdr_len > len) {
		snprintf(why, why_sz, "BTF header length %u invalid", hdr_len);
		return -EINVAL;
	}
	type_end = (uint64_t)hdr_len + type_off + type_len;
	str_end = (uint64_t)hdr_len + str_off + str_len;
	if (type_off % 4 || type_len % 4 || (uint64_t)type_off + type_len > str_off) {
		snprintf(why, why_sz, "BTF type section %u+%u misplaced (strings at %u)",
			 type_off, type_len, str_off);
		return -EINVAL;
	}
	if (type_end > len || str_end > len) {
		snprintf(why, why_sz, "BTF sections end at %llu, past the %zu bytes available",
			 (unsigned long long)(str_end > type_end ? str_end : type_end), len);
		return -EINVAL;
	}
	if (!str_len || str_len > 0x7fffffffu || p[(size_t)hdr_len + str_off] ||
	    p[(size_t)hdr_len + str_off + str_len - 1]) {
		snprintf(why, why_sz, "BTF string section (%u bytes) is not NUL-delimited",
			 str_len);
		return -EINVAL;
	}
	*total = (size_t)str_end;
	return 0;
}

static int ki_dup(struct ki_ctx *c, const uint8_t *p, size_t n, uint8_t **out,
		  size_t *out_len)
{
	uint8_t *b = malloc(n ? n : 1);

	if (!b)
		return uz_err_set(c->err, -ENOMEM, "out of memory copying %zu bytes of BTF", n);
	memcpy(b, p, n);
	*out = b;
	*out_len = n;
	return 0;
}

static bool ki_is_btf_magic(const uint8_t *p, size_t len)
{
	return len >= 3 && ((p[0] == 0x9f && p[1] == 0xeb) || (p[0] == 0xeb && p[1] == 0x9f)) &&
	       p[2] == 1;
}

static int ki_raw_btf(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		      size_t *btf_len)
{
	char why[160];
	size_t total;

	if (ki_btf_check(p, len, &total, why, sizeof(why)))
		return uz_err_set(c->err, -EINVAL, "raw BTF: %s", why);
	ki_what(c, "raw BTF (%s-endian, %zu bytes)", p[0] == 0x9f ? "little" : "big", total);
	return ki_dup(c, p, total, btf, btf_len);
}

/* Largest validated BTF blob anywhere in @p (a raw kernel image). */
static bool ki_btf_scan(const uint8_t *p, size_t len, size_t *off, size_t *total)
{
	static const uint8_t magics[2][3] = { { 0x9f, 0xeb, 0x01 }, { 0xeb, 0x9f, 0x01 } };
	size_t best = 0, best_off = 0;
	char why[160];
	int m;

	for (m = 0; m < 2; m++) {
		const uint8_t *q = p, *end = p + len;

		while (q < end) {
			size_t t;

			q = memmem(q, (size_t)(end - q), magics[m], 3);
			if (!q)
				break;
			if (!ki_btf_check(q, (size_t)(end - q), &t, why, sizeof(why)) &&
			    t > best && t >= KI_SCAN_MIN) {
				best = t;
				best_off = (size_t)(q - p);
			}
			q++;
		}
	}
	*off = best_off;
	*total = best;
	return best > 0;
}

/* ---- bounded decompression --------------------------------------------- */

static bool ki_is_pow2_dict(uint32_t v)
{
	return v >= 4096 && !(v & (v - 1));
}

static enum ki_comp ki_comp_detect(const uint8_t *p, size_t len)
{
	if (len >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return KI_GZIP;
	if (len >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return KI_XZ;
	if (len >= 4 && ki_le32(p) == 0xFD2FB528u)
		return KI_ZSTD;
	if (len >= 4 && ki_le32(p) == 0x184D2204u)
		return KI_LZ4;
	if (len >= 4 && ki_le32(p) == KI_LZ4_LEGACY_MAGIC)
		return KI_LZ4_LEGACY;
	if (len >= 10 && !memcmp(p, "BZh", 3) && p[3] >= '1' && p[3] <= '9' &&
	    !memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6))
		return KI_BZIP2;
	if (len >= 9 && !memcmp(p, "\x89LZO\0\r\n\x1a\n", 9))
		return KI_LZO;
	if (len >= 13 && p[0] == 0x5d && ki_is_pow2_dict(ki_le32(p + 1)))
		return KI_LZMA;
	return KI_NONE;
}

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

static void ki_dec_fini(struct ki_dec *d)
{
	if (d->z_live)
		inflateEnd(&d->z);
	lzma_end(&d->x);
	ZSTD_freeDStream(d->zs);
	if (d->lf)
		LZ4F_freeDecompressionContext(d->lf);
	free(d->blk);
	memset(d, 0, sizeof(*d));
}

static int ki_dec_init(struct ki_ctx *c, struct ki_dec *d, enum ki_comp comp,
		       const uint8_t *in, size_t len, uint64_t out_max)
{
	lzma_stream xs = LZMA_STREAM_INIT;

	memset(d, 0, sizeof(*d));
	d->x = xs;
	d->comp = comp;
	d->in = in;
	d->in_len = len;
	d->out_max = out_max;
	switch (comp) {
	case KI_NONE:
		return 0;
	case KI_GZIP:
		if (inflateInit2(&d->z, 16 + MAX_WBITS) != Z_OK)
			break;
		d->z_live = true;
		return 0;
	case KI_XZ:
		if (lzma_stream_decoder(&d->x, KI_XZ_MEMLIMIT, 0) != LZMA_OK)
			break;
		return 0;
	case KI_ZSTD:
		d->zs = ZSTD_createDStream();
		if (!d->zs || ZSTD_isError(ZSTD_initDStream(d->zs)))
			break;
		return 0;
	case KI_LZ4:
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d->lf, LZ4F_VERSION)))
			break;
		return 0;
	case KI_LZ4_LEGACY:
		d->blk = malloc(KI_LZ4_BLOCK_MAX);
		if (!d->blk)
			break;
		d->in_pos = 4;
		return 0;
	default:
		return uz_err_set(c->err, -ENOTSUP, "%s compression is not supported "
				  "(userize reads gzip, xz, zstd and lz4)", ki_comp_names[comp]);
	}
	ki_dec_fini(d);
	return uz_err_set(c->err, -ENOMEM, "cannot set up the %s decoder", ki_comp_names[comp]);
}

static int ki_truncated(struct ki_ctx *c, struct ki_dec *d)
{
	return uz_err_set(c->err, -EINVAL, "%s stream is truncated (ends after %zu bytes)",
			  ki_comp_names[d->comp], d->in_len);
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
		if (ki_comp_detect(d->in + d->in_pos, d->in_len - d->in_pos) != KI_ZSTD)
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
		csize = ki_le32(d->in + d->in_pos);
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

/* Read up to @n bytes; *@got < @n only at the end of the stream. */
static int ki_dec_read(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n,
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
					  "%llu bytes; refusing it", ki_comp_names[d->comp],
					  (unsigned long long)d->out_max);
	}
	return 0;
}

/* Read @want bytes (bounded by the cap) into a buffer grown as data arrives. */
static int ki_dec_read_alloc(struct ki_ctx *c, struct ki_dec *d, size_t want, size_t hint,
			     uint8_t **out, size_t *out_len)
{
	size_t alloc, got = 0, k;
	uint8_t *buf = NULL, *nb;
	int rc = 0;

	alloc = hint ? hint + 1 : (4u << 20);
	if (alloc > want)
		alloc = want;
	if (!alloc)
		alloc = 1;
	for (;;) {
		nb = realloc(buf, alloc);
		if (!nb) {
			rc = uz_err_set(c->err, -ENOMEM, "out of memory (%zu bytes)", alloc);
			goto fail;
		}
		buf = nb;
		rc = ki_dec_read(c, d, buf + got, alloc - got, &k);
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

/* Decompress a whole stream, at most c->cap bytes. */
static int ki_decompress(struct ki_ctx *c, enum ki_comp comp, const uint8_t *in, size_t len,
			 size_t hint, uint8_t **out, size_t *out_len)
{
	struct ki_dec d;
	int rc;

	rc = ki_dec_init(c, &d, comp, in, len, c->cap);
	if (rc)
		return rc;
	if (hint > c->cap)
		hint = 0;
	rc = ki_dec_read_alloc(c, &d, c->cap == SIZE_MAX ? SIZE_MAX : c->cap + 1, hint,
			       out, out_len);
	ki_dec_fini(&d);
	return rc;
}

/* ---- containers --------------------------------------------------------- */

static int ki_extract(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		      size_t *btf_len);

static const char *ki_elf_arch(unsigned int machine)
{
	switch (machine) {
	case EM_X86_64: return "x86_64";
	case EM_386: return "i386";
	case EM_AARCH64: return "arm64";
	case EM_ARM: return "arm";
	case EM_S390: return "s390x";
	case EM_PPC64: return "ppc64";
	case EM_PPC: return "ppc";
	case EM_RISCV: return "riscv";
	case EM_MIPS: return "mips";
#ifdef EM_LOONGARCH
	case EM_LOONGARCH: return "loongarch";
#endif
	case EM_BPF: return "bpf";
	default: return "unknown arch";
	}
}

static int ki_elf_btf(struct ki_ctx *c, Elf *e, const uint8_t *p, size_t len,
		      const char *arch, uint8_t **btf, size_t *btf_len)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx, total;
	char why[160];
	GElf_Shdr sh;
	const char *nm;

	if (elf_getshdrstrndx(e, &shstrndx))
		return uz_err_set(c->err, -EINVAL, "ELF: no section name table: %s",
				  elf_errmsg(-1));
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return uz_err_set(c->err, -EINVAL, "ELF: bad section header: %s",
					  elf_errmsg(-1));
		nm = elf_strptr(e, shstrndx, sh.sh_name);
		if (nm && !strcmp(nm, ".BTF"))
			break;
	}
	if (!scn)
		return uz_err_set(c->err, -ENODATA, "the kernel has no BTF: ELF (%s) has no "
				  ".BTF section (built without CONFIG_DEBUG_INFO_BTF)", arch);
	if (sh.sh_type == SHT_NOBITS)
		return uz_err_set(c->err, -EINVAL, "ELF: section .BTF is SHT_NOBITS (no bytes "
				  "in the file; a stripped debug file?)");
	if (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)
		return uz_err_set(c->err, -EINVAL, "ELF: section .BTF (offset %llu, size %llu) "
				  "lies past the end of the %zu-byte file",
				  (unsigned long long)sh.sh_offset,
				  (unsigned long long)sh.sh_size, len);
	if (ki_btf_check(p + sh.sh_offset, (size_t)sh.sh_size, &total, why, sizeof(why)))
		return uz_err_set(c->err, -EINVAL, "ELF section .BTF: %s", why);
	ki_what(c, "ELF (%s) .BTF (%llu bytes)", arch, (unsigned long long)sh.sh_size);
	return ki_dup(c, p + sh.sh_offset, (size_t)sh.sh_size, btf, btf_len);
}

static int ki_elf(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		  size_t *btf_len)
{
	const char *arch;
	GElf_Ehdr eh;
	Elf *e;
	int rc;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return uz_err_set(c->err, -EINVAL, "libelf: %s", elf_errmsg(-1));
	/* libelf only reads the image here (nothing is updated or written). */
	e = elf_memory((char *)p, len);
	if (!e)
		return uz_err_set(c->err, -EINVAL, "ELF: %s", elf_errmsg(-1));
	if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		rc = uz_err_set(c->err, -EINVAL, "ELF: malformed header: %s", elf_errmsg(-1));
		goto out;
	}
	arch = ki_elf_arch(eh.e_machine);
	rc = ki_elf_btf(c, e, p, len, arch, btf, btf_len);
out:
	elf_end(e);
	return rc;
}

static void ki_bz_release(struct ki_ctx *c, const uint8_t *p, size_t len)
{
	size_t off = (size_t)ki_le16(p + 0x20e) + 0x200, i = 0;

	if (c->release[0] || ki_le16(p + 0x20e) == 0)
		return;
	while (off + i < len && i + 1 < sizeof(c->release) && p[off + i] > ' ' &&
	       p[off + i] < 0x7f) {
		c->release[i] = (char)p[off + i];
		i++;
	}
	c->release[i] = 0;
}

static bool ki_is_bzimage(const uint8_t *p, size_t len)
{
	return len >= 0x250 && p[0x1fe] == 0x55 && p[0x1ff] == 0xaa &&
	       !memcmp(p + 0x202, "HdrS", 4);
}

/*
 * x86 bzImage: setup_sects (0x1f1, 0 means 4) 512-byte sectors follow the
 * boot sector; the protected-mode part holds the compressed payload at
 * payload_offset (0x248), payload_length (0x24c) bytes. The payload ends
 * with the le32 uncompressed size (a hint only).
 */
static int ki_bzimage(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		      size_t *btf_len)
{
	unsigned int sects = p[0x1f1] ? p[0x1f1] : 4;
	uint16_t ver = ki_le16(p + 0x206);
	size_t setup = ((size_t)sects + 1) * 512, hint = 0, out_len;
	uint32_t poff = ki_le32(p + 0x248), plen = ki_le32(p + 0x24c);
	const uint8_t *pay;
	enum ki_comp comp;
	uint8_t *out;
	int rc;

	c->kernel = true;
	ki_bz_release(c, p, len);
	if (ver < 0x208)
		return uz_err_set(c->err, -ENOTSUP, "bzImage boot protocol %u.%02u is too old "
				  "(no payload fields before 2.08)", ver >> 8, ver & 0xff);
	if (setup > len)
		return uz_err_set(c->err, -EINVAL, "bzImage: setup_sects %u puts the kernel at "
				  "offset %zu, past the end of the %zu-byte file", sects, setup, len);
	if (poff > len - setup || plen > len - setup - poff || plen < 8)
		return uz_err_set(c->err, -EINVAL, "bzImage: payload (offset %u, length %u) "
				  "does not fit the %zu bytes after the setup code", poff, plen,
				  len - setup);
	pay = p + setup + poff;
	comp = ki_comp_detect(pay, plen);
	ki_what(c, "bzImage(%s)%s%s", ki_comp_names[comp], c->release[0] ? " " : "",
		c->release);
	if (comp == KI_NONE)
		return ki_extract(c, pay, plen, btf, btf_len);
	if (comp != KI_GZIP)
		hint = ki_le32(pay + plen - 4);
	rc = ki_decompress(c, comp, pay, plen, hint, &out, &out_len);
	if (rc)
		return uz_err_prefix(c->err, "bzImage payload");
	rc = ki_extract(c, out, out_len, btf, btf_len);
	free(out);
	return rc;
}

static int ki_stream(struct ki_ctx *c, enum ki_comp comp, const uint8_t *p, size_t len,
		     uint8_t **btf, size_t *btf_len)
{
	uint8_t *out;
	size_t out_len;
	int rc;

	ki_what(c, "%s", ki_comp_names[comp]);
	rc = ki_decompress(c, comp, p, len, 0, &out, &out_len);
	if (rc)
		return rc;
	rc = ki_extract(c, out, out_len, btf, btf_len);
	free(out);
	return rc;
}

/* ---- tar (streamed) ----------------------------------------------------- */

/* Octal (NUL/space padded) or GNU base-256 number field. */
static int ki_tar_num(const uint8_t *f, size_t n, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -EINVAL;
		for (i = 1; i < n; i++) {
			if (*v >> 56)
				return -EINVAL;
			*v = (*v << 8) | f[i];
		}
		return 0;
	}
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v >> 60)
			return -EINVAL;
		*v = (*v << 3) | (uint64_t)(f[i] - '0');
	}
	if (i < n && f[i] != ' ' && f[i] != 0)
		return -EINVAL;
	return 0;
}

static bool ki_tar_sum_ok(const uint8_t *h)
{
	uint64_t want, sum = 0;
	int i;

	if (ki_tar_num(h + 148, 8, &want))
		return false;
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

/* Release part of a kernel member name, or NULL if @name is not one. */
static const char *ki_kernel_member(const char *name)
{
	static const char *const pre[] = {
		"boot/vmlinuz-", "boot/vmlinux-", "usr/lib/debug/boot/vmlinux-",
	};
	size_t i, n;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	for (i = 0; i < UZ_ARRAY_SIZE(pre); i++) {
		n = strlen(pre[i]);
		if (!strncmp(name, pre[i], n) && name[n] && !strchr(name + n, '/'))
			return name + n;
	}
	return NULL;
}

struct ki_tar {
	struct ki_dec *d;
	uint8_t *scratch;
	char name[1024];        /* current member name */
	char longname[1024];    /* from a GNU 'L' or pax 'x' entry */
};

static int ki_tar_skip(struct ki_ctx *c, struct ki_tar *t, uint64_t n)
{
	size_t k, got;
	int rc;

	while (n) {
		k = n > KI_CHUNK ? KI_CHUNK : (size_t)n;
		rc = ki_dec_read(c, t->d, t->scratch, k, &got);
		if (rc)
			return rc;
		if (got < k)
			return uz_err_set(c->err, -EINVAL, "tar: member '%s' is truncated", t->name);
		n -= k;
	}
	return 0;
}

/* GNU 'L' long name or pax 'x' path= record: sets t->longname. */
static int ki_tar_meta(struct ki_ctx *c, struct ki_tar *t, uint8_t type, uint64_t size)
{
	char *s = (char *)t->scratch, *p, *end, *nl;
	size_t got;
	int rc;

	if (size >= KI_TAR_META_MAX)
		return uz_err_set(c->err, -EINVAL, "tar: %llu-byte extended header is too big",
				  (unsigned long long)size);
	rc = ki_dec_read(c, t->d, t->scratch, (size + 511) & ~(uint64_t)511, &got);
	if (rc)
		return rc;
	if (got < ((size + 511) & ~(uint64_t)511))
		return uz_err_set(c->err, -EINVAL, "tar: extended header is truncated");
	s[size] = 0;
	if (type == 'L') {
		snprintf(t->longname, sizeof(t->longname), "%s", s);
		return 0;
	}
	for (p = s, end = s + size; p < end; p = nl + 1) {
		char *rec = strchr(p, ' ');

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || !rec || rec > nl)
			break;
		*nl = 0;
		if (!strncmp(rec + 1, "path=", 5))
			snprintf(t->longname, sizeof(t->longname), "%s", rec + 6);
	}
	return 0;
}

static void ki_tar_name(struct ki_tar *t, const uint8_t *h)
{
	char nm[101], pre[156];

	if (t->longname[0]) {
		memcpy(t->name, t->longname, sizeof(t->name));
		t->longname[0] = 0;
		return;
	}
	memcpy(nm, h, 100);
	nm[100] = 0;
	pre[0] = 0;
	if (!memcmp(h + 257, "ustar", 5) && h[345]) {
		memcpy(pre, h + 345, 155);
		pre[155] = 0;
	}
	snprintf(t->name, sizeof(t->name), "%s%s%s", pre, pre[0] ? "/" : "", nm);
}

/*
 * Walk a tar stream to the first kernel member. With @out NULL only the name
 * is wanted (t->name); otherwise its bytes are read into *@out.
 * -ENOENT when the archive has no kernel member.
 */
static int ki_tar_find(struct ki_ctx *c, struct ki_tar *t, uint8_t **out, size_t *out_len)
{
	uint8_t h[512];
	uint64_t size;
	size_t got;
	int rc;

	for (;;) {
		rc = ki_dec_read(c, t->d, h, sizeof(h), &got);
		if (rc)
			return rc;
		if (!got || (got == sizeof(h) && !h[0] && !memcmp(h, h + 1, sizeof(h) - 1)))
			break;
		if (got < sizeof(h))
			return uz_err_set(c->err, -EINVAL, "tar: archive is truncated");
		if (!ki_tar_sum_ok(h) || ki_tar_num(h + 124, 12, &size))
			return uz_err_set(c->err, -EINVAL, "tar: corrupt header (bad checksum "
					  "or size field)");
		if (h[156] == 'L' || h[156] == 'x') {
			rc = ki_tar_meta(c, t, h[156], size);
			if (rc)
				return rc;
			continue;
		}
		ki_tar_name(t, h);
		if ((h[156] == '0' || h[156] == 0) && ki_kernel_member(t->name)) {
			if (!out)
				return 0;
			if (size > c->cap)
				return uz_err_set(c->err, -EFBIG, "tar: member '%s' is %llu bytes, "
						  "over the %zu-byte limit", t->name,
						  (unsigned long long)size, c->cap);
			rc = ki_dec_read_alloc(c, t->d, (size_t)size, 0, out, out_len);
			if (!rc && *out_len < size) {
				free(*out);
				*out = NULL;
				rc = uz_err_set(c->err, -EINVAL, "tar: member '%s' is truncated",
						t->name);
			}
			return rc;
		}
		rc = ki_tar_skip(c, t, (size + 511) & ~(uint64_t)511);
		if (rc)
			return rc;
	}
	return uz_err_set(c->err, -ENOENT, "no boot/vmlinuz-*, boot/vmlinux-* or "
			  "usr/lib/debug/boot/vmlinux-* member: not a kernel package");
}

/* Find (and with @btf, extract from) the kernel member of a tar stream. */
static int ki_tar(struct ki_ctx *c, enum ki_comp comp, const uint8_t *p, size_t len,
		  uint8_t **btf, size_t *btf_len)
{
	struct ki_tar *t;
	struct ki_dec d;
	uint8_t *mem = NULL;
	size_t mem_len = 0;
	int rc;

	t = calloc(1, sizeof(*t));
	if (!t)
		return uz_err_set(c->err, -ENOMEM, "out of memory");
	t->scratch = malloc(KI_TAR_META_MAX > KI_CHUNK ? KI_TAR_META_MAX : KI_CHUNK);
	rc = t->scratch ? ki_dec_init(c, &d, comp, p, len, KI_TAR_STREAM_MAX) :
			  uz_err_set(c->err, -ENOMEM, "out of memory");
	if (rc)
		goto out_free;
	t->d = &d;
	rc = ki_tar_find(c, t, btf ? &mem : NULL, &mem_len);
	ki_dec_fini(&d);
	if (rc)
		goto out_free;
	if (!c->release[0])
		snprintf(c->release, sizeof(c->release), "%s", ki_kernel_member(t->name));
	ki_what(c, "%s", t->name[0] == '.' && t->name[1] == '/' ? t->name + 2 : t->name);
	c->kernel = true;
	if (btf)
		rc = ki_extract(c, mem, mem_len, btf, btf_len);
out_free:
	free(mem);
	free(t->scratch);
	free(t);
	return rc;
}

/* ar archive (.deb): the data.tar* member holds the files. */
static int ki_deb(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		  size_t *btf_len)
{
	size_t pos = 8, i;
	uint64_t size;
	enum ki_comp comp;
	char nm[17];

	while (len - pos >= 60) {
		const uint8_t *h = p + pos;

		if (h[58] != '`' || h[59] != '\n')
			return uz_err_set(c->err, -EINVAL, "ar: bad member header at offset %zu", pos);
		for (size = 0, i = 48; i < 58 && h[i] >= '0' && h[i] <= '9'; i++)
			size = size * 10 + (uint64_t)(h[i] - '0');
		for (; i < 58 && h[i] == ' '; i++)
			;
		if (i != 58 || h[48] == ' ')
			return uz_err_set(c->err, -EINVAL, "ar: bad size field at offset %zu", pos);
		if (size > len - pos - 60)
			return uz_err_set(c->err, -EINVAL, "ar: member at offset %zu claims %llu "
					  "bytes, only %zu left (truncated package?)", pos,
					  (unsigned long long)size, len - pos - 60);
		memcpy(nm, h, 16);
		nm[16] = 0;
		for (i = 16; i && (nm[i - 1] == ' ' || nm[i - 1] == '/'); i--)
			nm[i - 1] = 0;
		if (!strncmp(nm, "data.tar", 8)) {
			comp = ki_comp_detect(h + 60, (size_t)size);
			if (comp == KI_NONE && strcmp(nm, "data.tar"))
				return uz_err_set(c->err, -ENOTSUP, "deb: member %s has an "
						  "unsupported compression", nm);
			ki_what(c, "deb %s", nm);
			return ki_tar(c, comp, h + 60, (size_t)size, btf, btf_len);
		}
		pos += 60 + (size_t)size + (size & 1);
		if (pos > len)
			break;
	}
	return uz_err_set(c->err, -EINVAL, "ar archive has no data.tar member: not a Debian "
			  "package");
}

/* ---- dispatch ----------------------------------------------------------- */

static bool ki_is_tar(const uint8_t *p, size_t len)
{
	return len >= 512 && !memcmp(p + 257, "ustar", 5) && ki_tar_sum_ok(p);
}

static int ki_scan(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		   size_t *btf_len)
{
	bool arm64 = len >= 64 && !memcmp(p + 0x38, "ARM\x64", 4);
	size_t off, total;

	if (arm64) {
		c->kernel = true;
		ki_what(c, "arm64 Image");
	}
	if (ki_btf_scan(p, len, &off, &total)) {
		ki_what(c, "embedded BTF at offset %zu (%zu bytes)", off, total);
		return ki_dup(c, p + off, total, btf, btf_len);
	}
	if (c->kernel)
		return uz_err_set(c->err, -ENODATA, "the kernel has no BTF: no BTF header found "
				  "in the %zu-byte image (built without CONFIG_DEBUG_INFO_BTF)",
				  len);
	return uz_err_set(c->err, -EINVAL, "not a kernel image, Debian package, ELF or BTF "
			  "file (no known magic, no embedded BTF)");
}

static int ki_extract(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		      size_t *btf_len)
{
	enum ki_comp comp;
	int rc;

	if (++c->depth > KI_MAX_DEPTH)
		return uz_err_set(c->err, -EINVAL, "containers nested more than %d deep",
				  KI_MAX_DEPTH);
	if (ki_is_btf_magic(p, len))
		rc = ki_raw_btf(c, p, len, btf, btf_len);
	else if (len >= 4 && !memcmp(p, ELFMAG, SELFMAG))
		rc = ki_elf(c, p, len, btf, btf_len);
	else if (len >= 8 && !memcmp(p, "!<arch>\n", 8))
		rc = ki_deb(c, p, len, btf, btf_len);
	else if (ki_is_bzimage(p, len))
		rc = ki_bzimage(c, p, len, btf, btf_len);
	else if ((comp = ki_comp_detect(p, len)) != KI_NONE)
		rc = ki_stream(c, comp, p, len, btf, btf_len);
	else if (ki_is_tar(p, len))
		rc = ki_tar(c, KI_NONE, p, len, btf, btf_len);
	else
		rc = ki_scan(c, p, len, btf, btf_len);
	c->depth--;
	return rc;
}

int uz_kimage_extract_btf_cap(const uint8_t *data, size_t len, const char *name,
			      size_t cap, uint8_t **btf, size_t *btf_len,
			      char *what, size_t what_sz, struct uz_error *err)
{
	struct ki_ctx *c;
	struct uz_error lerr = { 0 };
	int rc;

	*btf = NULL;
	*btf_len = 0;
	if (what && what_sz)
		what[0] = 0;
	if (!data && len)
		return uz_err_set(err, -EINVAL, "no input bytes");
	c = calloc(1, sizeof(*c));
	if (!c)
		return uz_err_set(err, -ENOMEM, "out of memory");
	c->name = name ? name : "<memory>";
	c->cap = cap;
	c->err = &lerr;
	rc = ki_extract(c, data ? data : (const uint8_t *)"", len, btf, btf_len);
	if (what && what_sz)
		snprintf(what, what_sz, "%s", c->what);
	if (rc)
		uz_err_set(err, rc, "%s: %s", c->name, lerr.msg);
	free(c);
	return rc;
}

int uz_kimage_extract_btf(const uint8_t *data, size_t len, const char *name,
			  uint8_t **btf, size_t *btf_len,
			  char *what, size_t what_sz, struct uz_error *err)
{
	return uz_kimage_extract_btf_cap(data, len, name, UZ_KIMAGE_MAX_OUT, btf, btf_len,
					 what, what_sz, err);
}

int uz_kimage_extract_btf_file(const char *path, uint8_t **btf, size_t *btf_len,
			       char *what, size_t what_sz, struct uz_error *err)
{
	uint8_t *data = NULL;
	void *map = MAP_FAILED;
	struct stat st;
	size_t len = 0;
	int fd, rc;

	*btf = NULL;
	*btf_len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return uz_err_set(err, rc, "cannot open '%s': %s", path, strerror(-rc));
	}
	/* Regular files are mapped privately (copy-on-write, never written back). */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		len = (size_t)st.st_size;
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	}
	close(fd);
	if (map == MAP_FAILED) {
		rc = uz_read_file(path, &data, &len, err);
		if (rc)
			return rc;
	}
	rc = uz_kimage_extract_btf(map != MAP_FAILED ? map : data, len, path, btf, btf_len,
				   what, what_sz, err);
	if (map != MAP_FAILED)
		munmap(map, len);
	free(data);
	return rc;
}

/* Release from a .deb member name or a bzImage header; "" otherwise. */
int uz_kimage_release(const uint8_t *data, size_t len, char *out, size_t out_sz)
{
	struct uz_error lerr = { 0 };
	struct ki_ctx *c;
	int n;

	if (!out || !out_sz)
		return -EINVAL;
	out[0] = 0;
	if (!data)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cap = UZ_KIMAGE_MAX_OUT;
	c->err = &lerr;
	if (len >= 8 && !memcmp(data, "!<arch>\n", 8))
		ki_deb(c, data, len, NULL, NULL);
	else if (ki_is_bzimage(data, len))
		ki_bz_release(c, data, len);
	n = snprintf(out, out_sz, "%s", c->release);
	free(c);
	if (n < 0 || (size_t)n >= out_sz) {
		out[0] = 0;
		return n < 0 ? 0 : -ENOSPC;
	}
	return n;
}
