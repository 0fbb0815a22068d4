/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel images: find the kernel's BTF inside whatever a distribution ships
 * (raw BTF, ELF vmlinux, x86 bzImage, arm64 Image, compressed streams, Debian
 * .deb packages). Internal to libuserize and its CLI; no I/O but the _file
 * variant.
 */
#ifndef UZ_KIMAGE_H
#define UZ_KIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "userize/userize.h"

/* Largest decompressed image or package member we accept (1 GiB). */
#define UZ_KIMAGE_MAX_OUT ((size_t)1 << 30)

/*
 * Find the kernel BTF inside @data: raw BTF (magic 0xeB9F, either byte
 * order), an ELF with a .BTF section (vmlinux), an x86 bzImage (payload
 * lz4-legacy, zstd, xz or gzip; the result is an ELF vmlinux), an arm64
 * Image or Image.gz or any gzip/xz/zstd/lz4 stream, a raw image with BTF
 * embedded (found by magic and validated lengths), or a Debian .deb (ar ->
 * data.tar.{xz,zst,gz} -> boot/vmlinuz-* or usr/lib/debug/boot/vmlinux-*).
 * @name (optional) is used in messages. On success *@btf is malloc'ed.
 * @what (optional) gets a short description of the path taken, e.g.
 * "deb data.tar.xz boot/vmlinuz-... -> bzImage(zstd) -> ELF vmlinux .BTF".
 * Returns 0; -ENODATA when the kernel has no BTF; -EFBIG when something
 * decompresses past UZ_KIMAGE_MAX_OUT; -ENOTSUP for compressions not
 * handled (bzip2, lzma, lzo); -EINVAL for malformed or unrecognised input.
 */
int uz_kimage_extract_btf(const uint8_t *data, size_t len, const char *name,
			  uint8_t **btf, size_t *btf_len,
			  char *what, size_t what_sz, struct uz_error *err);

/* What an extraction learnt about the kernel on the way. */
struct uz_kimage_info {
	char what[512];       /* the path taken, as @what above */
	char release[128];    /* kernel release, "" when not found */
	char build_id[81];    /* GNU build id of the vmlinux, hex, "" when none */
};

/* uz_kimage_extract_btf() that also reports @info (may be NULL). */
int uz_kimage_extract(const uint8_t *data, size_t len, const char *name, size_t cap,
		      uint8_t **btf, size_t *btf_len, struct uz_kimage_info *info,
		      struct uz_error *err);

/* Same with an explicit decompression cap (tests use a small one). */
int uz_kimage_extract_btf_cap(const uint8_t *data, size_t len, const char *name,
			      size_t cap, uint8_t **btf, size_t *btf_len,
			      char *what, size_t what_sz, struct uz_error *err);

/* Same for a file (mapped read-only, or read when it cannot be mapped). */
int uz_kimage_extract_btf_file(const char *path, uint8_t **btf, size_t *btf_len,
			       char *what, size_t what_sz, struct uz_error *err);

/*
 * Kernel release ("6.1.0-56-cloud-amd64") from a .deb member name
 * (boot/vmlinuz-RELEASE) or the bzImage version string. Writes "" when not
 * recoverable. Returns the length written (0 when not recoverable), or
 * -EINVAL for a NULL/zero-size @out.
 */
int uz_kimage_release(const uint8_t *data, size_t len, char *out, size_t out_sz);

#endif /* UZ_KIMAGE_H */
