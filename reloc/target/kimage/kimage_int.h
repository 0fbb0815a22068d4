/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Private to the kimage_*.c files: the extraction context every layer
 * threads through, the compression kinds, and the functions one layer calls
 * in another (dispatch, BTF validation, decompressors, containers, boot
 * images, ELF). Nothing here leaves reloc/; kimage.h is the internal API.
 */
#ifndef UZ_KIMAGE_INT_H
#define UZ_KIMAGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target/kimage/kimage.h"
#include "common/uz_internal.h"

enum ki_comp {
	KI_NONE, KI_GZIP, KI_XZ, KI_ZSTD, KI_LZ4, KI_LZ4_LEGACY,
	KI_BZIP2, KI_LZMA, KI_LZO,
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
	char build_id[81];
	struct uz_error *err;
};

static inline uint16_t uz_ki_le16(const uint8_t *p)
{
	return uz_get16(p, uz_host_is_big_endian());
}

static inline uint32_t uz_ki_le32(const uint8_t *p)
{
	return uz_get32(p, uz_host_is_big_endian());
}

/* ---- kimage.c: context and dispatch ------------------------------------- */

/* Append one step ("bzImage(zstd)") to the path description. */
void uz_ki_what(struct ki_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Find the BTF in @p, whatever it is (recurses through containers). */
int uz_ki_extract(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		  size_t *btf_len);

/* ---- kimage_btf.c: BTF headers ------------------------------------------ */

/*
 * Validate a BTF header at @p (either byte order) against the @len bytes
 * available. On success *@total is the header plus both sections; on
 * failure @why says what is wrong.
 */
int uz_ki_btf_check(const uint8_t *p, size_t len, size_t *total, char *why,
		    size_t why_sz);
/* malloc'ed copy of @n bytes into *@out. */
int uz_ki_dup(struct ki_ctx *c, const uint8_t *p, size_t n, uint8_t **out,
	      size_t *out_len);
/* Does @p start with the BTF magic (either byte order) and version 1? */
bool uz_ki_is_btf_magic(const uint8_t *p, size_t len);
/* @p is a BTF file: validate it and copy header plus sections. */
int uz_ki_raw_btf(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		  size_t *btf_len);

/* ---- kimage_decomp.c: bounded decompression ----------------------------- */

struct ki_dec;

/* Compression of the stream starting at @p, by magic (KI_NONE if none). */
enum ki_comp uz_ki_comp_detect(const uint8_t *p, size_t len);
/* "gzip", "lz4-legacy", ... */
const char *uz_ki_comp_name(enum ki_comp comp);
/*
 * A pull decoder over the @len bytes at @in (which must outlive it) that
 * refuses to produce more than @out_max bytes. KI_NONE copies. -ENOTSUP for
 * compressions not handled.
 */
int uz_ki_dec_open(struct ki_ctx *c, struct ki_dec **out, enum ki_comp comp,
		   const uint8_t *in, size_t len, uint64_t out_max);
void uz_ki_dec_close(struct ki_dec *d);
/* Read up to @n bytes; *@got < @n only at the end of the stream. */
int uz_ki_dec_read(struct ki_ctx *c, struct ki_dec *d, uint8_t *out, size_t n,
		   size_t *got);
/*
 * Read up to @want bytes into a malloc'ed buffer grown as data arrives
 * (@hint, if not 0, is the expected size). *@out_len < @want only at the
 * end of the stream.
 */
int uz_ki_dec_read_alloc(struct ki_ctx *c, struct ki_dec *d, size_t want, size_t hint,
			 uint8_t **out, size_t *out_len);
/* Decompress a whole stream into *@out, at most c->cap bytes. */
int uz_ki_decompress(struct ki_ctx *c, enum ki_comp comp, const uint8_t *in, size_t len,
		     size_t hint, uint8_t **out, size_t *out_len);

/* ---- kimage_archive.c: .deb and tar ------------------------------------- */

/* A ustar header with a good checksum at @p? */
bool uz_ki_is_tar(const uint8_t *p, size_t len);
/*
 * Find the kernel member of a (@comp compressed) tar stream, set the
 * release from its name and, with @btf, extract the BTF from it.
 */
int uz_ki_tar(struct ki_ctx *c, enum ki_comp comp, const uint8_t *p, size_t len,
	      uint8_t **btf, size_t *btf_len);
/* ar archive (.deb): hand its data.tar* member to uz_ki_tar(). */
int uz_ki_deb(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
	      size_t *btf_len);

/* ---- kimage_boot.c: boot images ----------------------------------------- */

/* An x86 bzImage boot sector and setup header at @p? */
bool uz_ki_is_bzimage(const uint8_t *p, size_t len);
/* Kernel version string of a bzImage into c->release (if not set yet). */
void uz_ki_bz_release(struct ki_ctx *c, const uint8_t *p, size_t len);
/* x86 bzImage: decompress the payload and extract from it. */
int uz_ki_bzimage(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		  size_t *btf_len);
/* arm64 Image or unrecognised bytes: the largest validated embedded BTF. */
int uz_ki_scan(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
	       size_t *btf_len);

/* ---- kimage_elf.c: ELF vmlinux ------------------------------------------ */

/* ELF file (vmlinux): copy its .BTF section. */
int uz_ki_elf(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
	      size_t *btf_len);

#endif /* UZ_KIMAGE_INT_H */
