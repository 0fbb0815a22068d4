/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Test-side builders for kernel image containers (see kimage_build.h). They
 * write the formats from their specifications with the compression
 * libraries directly, so the expected bytes are known exactly.
 */
#include <elf.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "kimage_build.h"

static void kb_die(const char *what)
{
	fprintf(stderr, "kimage_build: %s failed\n", what);
	abort();
}

void kb_free(struct kb_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void kb_reserve(struct kb_buf *b, size_t n)
{
	uint8_t *np;
	size_t cap;

	if (b->len + n <= b->cap)
		return;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	np = realloc(b->p, cap);
	if (!np)
		kb_die("realloc");
	b->p = np;
	b->cap = cap;
}

void kb_put(struct kb_buf *b, const void *p, size_t n)
{
	kb_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void kb_zero(struct kb_buf *b, size_t n)
{
	kb_reserve(b, n);
	memset(b->p + b->len, 0, n);
	b->len += n;
}

void kb_align(struct kb_buf *b, size_t a)
{
	if (b->len % a)
		kb_zero(b, a - b->len % a);
}

static void kb_u16(struct kb_buf *b, uint16_t v, bool be)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	if (be) {
		x[0] = (uint8_t)(v >> 8);
		x[1] = (uint8_t)v;
	}
	kb_put(b, x, 2);
}

static void kb_u32(struct kb_buf *b, uint32_t v, bool be)
{
	kb_u16(b, be ? (uint16_t)(v >> 16) : (uint16_t)v, be);
	kb_u16(b, be ? (uint16_t)v : (uint16_t)(v >> 16), be);
}

static void kb_u64(struct kb_buf *b, uint64_t v, bool be)
{
	kb_u32(b, be ? (uint32_t)(v >> 32) : (uint32_t)v, be);
	kb_u32(b, be ? (uint32_t)v : (uint32_t)(v >> 32), be);
}

static void kb_set32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* ---- BTF ------------------------------------------------------------------ */

void kb_btf(struct kb_buf *out, bool be)
{
	static const char strs[] = "\0int\0task_struct\0pid\0tgid";
	const uint32_t type_len = 16 + 36, str_len = sizeof(strs);

	kb_u16(out, 0xeB9F, be);
	kb_put(out, "\x01\x00", 2);
	kb_u32(out, 24, be);
	kb_u32(out, 0, be);
	kb_u32(out, type_len, be);
	kb_u32(out, type_len, be);
	kb_u32(out, str_len, be);
	/* [1] INT 'int' size 4, signed 32 bits */
	kb_u32(out, 1, be);
	kb_u32(out, 1u << 24, be);
	kb_u32(out, 4, be);
	kb_u32(out, (1u << 24) | 32, be);
	/* [2] STRUCT 'task_struct' size 8: pid at 0, tgid at bit 32 */
	kb_u32(out, 5, be);
	kb_u32(out, (4u << 24) | 2, be);
	kb_u32(out, 8, be);
	kb_u32(out, 17, be);
	kb_u32(out, 1, be);
	kb_u32(out, 0, be);
	kb_u32(out, 21, be);
	kb_u32(out, 1, be);
	kb_u32(out, 32, be);
	kb_put(out, strs, str_len);
}

/* ---- ELF ------------------------------------------------------------------ */

static void kb_shdr(struct kb_buf *b, uint32_t name, uint32_t type, uint64_t off,
		    uint64_t size, uint64_t align, bool be)
{
	kb_u32(b, name, be);
	kb_u32(b, type, be);
	kb_u64(b, 0, be);       /* flags */
	kb_u64(b, 0, be);       /* addr */
	kb_u64(b, off, be);
	kb_u64(b, size, be);
	kb_u32(b, 0, be);       /* link */
	kb_u32(b, 0, be);       /* info */
	kb_u64(b, align, be);
	kb_u64(b, 0, be);       /* entsize */
}

void kb_elf(struct kb_buf *out, const struct kb_buf *btf, const struct kb_elf_opts *o)
{
	static const char shstr[] = "\0.BTF\0.filler\0.shstrtab\0.data";
	uint8_t ident[EI_NIDENT] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64 };
	bool be = o->big_endian;
	size_t btf_off, fill_off, str_off, sh_off, i, base = out->len;
	uint8_t blk[4096];
	uint32_t x = 12345;

	ident[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	ident[EI_VERSION] = EV_CURRENT;
	kb_zero(out, 64);
	btf_off = out->len - base;
	kb_put(out, btf->p, btf->len);
	kb_align(out, 8);
	fill_off = out->len - base;
	for (i = 0; i < sizeof(blk); i++) {
		x = x * 1103515245u + 12345u;
		blk[i] = (uint8_t)(x >> 16) & 0x3f;
	}
	for (i = 0; i < o->filler; i += sizeof(blk))
		kb_put(out, blk, o->filler - i < sizeof(blk) ? o->filler - i : sizeof(blk));
	str_off = out->len - base;
	kb_put(out, shstr, sizeof(shstr));
	kb_align(out, 8);
	sh_off = out->len - base;
	kb_shdr(out, 0, SHT_NULL, 0, 0, 0, be);
	kb_shdr(out, o->no_btf ? 25 : 1, o->btf_type ? o->btf_type : SHT_PROGBITS,
		btf_off + o->btf_off_delta, btf->len, 4, be);
	kb_shdr(out, 6, SHT_PROGBITS, fill_off, o->filler, 8, be);
	kb_shdr(out, 14, SHT_STRTAB, str_off, sizeof(shstr), 1, be);

	/* ELF header, written over the reserved bytes. */
	{
		struct kb_buf h = { 0 };

		kb_put(&h, ident, sizeof(ident));
		kb_u16(&h, ET_EXEC, be);
		kb_u16(&h, be ? EM_S390 : EM_X86_64, be);
		kb_u32(&h, EV_CURRENT, be);
		kb_u64(&h, 0, be);              /* entry */
		kb_u64(&h, 0, be);              /* phoff */
		kb_u64(&h, sh_off, be);
		kb_u32(&h, 0, be);              /* flags */
		kb_u16(&h, 64, be);             /* ehsize */
		kb_u16(&h, 56, be);             /* phentsize */
		kb_u16(&h, 0, be);              /* phnum */
		kb_u16(&h, 64, be);             /* shentsize */
		kb_u16(&h, 4, be);              /* shnum */
		kb_u16(&h, 3, be);              /* shstrndx */
		memcpy(out->p + base, h.p, 64);
		kb_free(&h);
	}
}

/* ---- compression ------------------------------------------------------------ */

static void kb_gzip(struct kb_buf *out, const struct kb_buf *in)
{
	z_stream z = { 0 };
	uLong bound;

	if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		kb_die("deflateInit2");
	bound = deflateBound(&z, in->len) + 64;
	kb_reserve(out, bound);
	z.next_in = in->p;
	z.avail_in = (uInt)in->len;
	z.next_out = out->p + out->len;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		kb_die("deflate");
	out->len += bound - z.avail_out;
	deflateEnd(&z);
}

static void kb_xz(struct kb_buf *out, const struct kb_buf *in)
{
	size_t bound = lzma_stream_buffer_bound(in->len), pos = 0;

	kb_reserve(out, bound);
	if (lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL, in->p, in->len,
				    out->p + out->len, &pos, bound) != LZMA_OK)
		kb_die("lzma_easy_buffer_encode");
	out->len += pos;
}

static void kb_zstd(struct kb_buf *out, const struct kb_buf *in)
{
	size_t bound = ZSTD_compressBound(in->len), n;

	kb_reserve(out, bound);
	n = ZSTD_compress(out->p + out->len, bound, in->p, in->len, 1);
	if (ZSTD_isError(n))
		kb_die("ZSTD_compress");
	out->len += n;
}

static void kb_lz4f(struct kb_buf *out, const struct kb_buf *in)
{
	size_t bound = LZ4F_compressFrameBound(in->len, NULL), n;

	kb_reserve(out, bound);
	n = LZ4F_compressFrame(out->p + out->len, bound, in->p, in->len, NULL);
	if (LZ4F_isError(n))
		kb_die("LZ4F_compressFrame");
	out->len += n;
}

static void kb_lz4_legacy(struct kb_buf *out, const struct kb_buf *in, bool trailer)
{
	const size_t blk = 8u << 20;
	size_t off, n;
	int bound, c;

	kb_u32(out, 0x184C2102, false);
	for (off = 0; off < in->len; off += n) {
		n = in->len - off < blk ? in->len - off : blk;
		bound = LZ4_compressBound((int)n);
		kb_reserve(out, 4 + (size_t)bound);
		c = LZ4_compress_default((const char *)in->p + off,
					 (char *)out->p + out->len + 4, (int)n, bound);
		if (c <= 0)
			kb_die("LZ4_compress_default");
		kb_set32le(out->p + out->len, (uint32_t)c);
		out->len += 4 + (size_t)c;
	}
	if (trailer)
		kb_u32(out, (uint32_t)in->len, false);
}

void kb_compress(struct kb_buf *out, enum kb_comp comp, const struct kb_buf *in, bool trailer)
{
	switch (comp) {
	case KB_GZIP:
		kb_gzip(out, in);
		return;
	case KB_XZ:
		kb_xz(out, in);
		break;
	case KB_ZSTD:
		kb_zstd(out, in);
		break;
	case KB_LZ4:
		kb_lz4f(out, in);
		break;
	case KB_LZ4_LEGACY:
		kb_lz4_legacy(out, in, trailer);
		return;
	}
	if (trailer)
		kb_u32(out, (uint32_t)in->len, false);
}

/* ---- bzImage ---------------------------------------------------------------- */

void kb_bzimage(struct kb_buf *out, const struct kb_buf *payload, uint8_t setup_sects,
		const char *version)
{
	size_t sects = setup_sects ? setup_sects : 4, base = out->len;
	const uint32_t poff = 0x123;
	uint8_t *h;

	kb_zero(out, (sects + 1) * 512);
	kb_zero(out, poff);
	kb_put(out, payload->p, payload->len);
	h = out->p + base;
	h[0x1f1] = setup_sects;
	h[0x1fe] = 0x55;
	h[0x1ff] = 0xaa;
	memcpy(h + 0x202, "HdrS", 4);
	h[0x206] = 0x0f;
	h[0x207] = 0x02;
	if (version && 0x300 + strlen(version) < (sects + 1) * 512) {
		h[0x20e] = 0x00;
		h[0x20f] = 0x01;        /* string at 0x100 + 0x200 */
		memcpy(h + 0x300, version, strlen(version));
	}
	kb_set32le(h + 0x248, poff);
	kb_set32le(h + 0x24c, (uint32_t)payload->len);
}

/* ---- tar and .deb ------------------------------------------------------------ */

void kb_tar(struct kb_buf *out, const char *const *names, const struct kb_buf *datas,
	    size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		uint8_t h[512] = { 0 };
		unsigned int sum = 0;

		if (strlen(names[i]) > 99)
			kb_die("tar name too long");
		memcpy(h, names[i], strlen(names[i]));
		memcpy(h + 100, "0000644", 7);
		memcpy(h + 108, "0000000", 7);
		memcpy(h + 116, "0000000", 7);
		snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)datas[i].len);
		memcpy(h + 136, "00000000000", 11);
		memset(h + 148, ' ', 8);
		h[156] = '0';
		memcpy(h + 257, "ustar\0" "00", 8);
		memcpy(h + 265, "root", 4);
		memcpy(h + 297, "root", 4);
		for (j = 0; j < 512; j++)
			sum += h[j];
		snprintf((char *)h + 148, 8, "%06o", sum);
		h[155] = ' ';
		kb_put(out, h, 512);
		kb_put(out, datas[i].p, datas[i].len);
		kb_align(out, 512);
	}
	kb_zero(out, 1024);
}

static void kb_ar_member(struct kb_buf *out, const char *name, const struct kb_buf *data)
{
	char h[61];

	snprintf(h, sizeof(h), "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0",
		 "100644", data->len);
	kb_put(out, h, 60);
	kb_put(out, data->p, data->len);
	if (data->len & 1)
		kb_put(out, "\n", 1);
}

void kb_deb(struct kb_buf *out, const char *data_name, const struct kb_buf *data)
{
	struct kb_buf ver = { 0 }, ctl = { 0 }, ctl_tar = { 0 }, ctl_xz = { 0 };
	const char *ctl_name = "./control";

	kb_put(&ver, "2.0\n", 4);
	kb_put(&ctl, "Package: linux-image-test\n", 26);
	kb_tar(&ctl_tar, &ctl_name, &ctl, 1);
	kb_compress(&ctl_xz, KB_XZ, &ctl_tar, false);
	kb_put(out, "!<arch>\n", 8);
	kb_ar_member(out, "debian-binary", &ver);
	kb_ar_member(out, "control.tar.xz", &ctl_xz);
	kb_ar_member(out, data_name, data);
	kb_free(&ver);
	kb_free(&ctl);
	kb_free(&ctl_tar);
	kb_free(&ctl_xz);
}
