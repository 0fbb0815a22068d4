/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The btfgen archive format (docs/btfgen.md has the full description):
 *
 *   header   (UZ_AR_HDR_LEN bytes, fields below)
 *   meta     entry table (UZ_AR_ENT_LEN bytes per entry) + NUL-terminated
 *            identity strings (release, arch, build id, distro), stored or
 *            compressed like the payload (it is inflated at open)
 *   payload  LZMA2 or zstd (whichever is smaller), or stored:
 *              strings  one string table shared by every entry
 *              types    every distinct type once, in BTF wire layout, its
 *                       references being global type ids (1..type_cnt)
 *              lists    per entry: the global id of each of its types, in
 *                       the entry's own id order, as zigzag varints of the
 *                       difference to the previous id
 * All integers are in the byte order the header's flags give (little
 * endian unless UZ_AR_F_BIG). Checksums (crc32) cover header + meta and
 * the stored payload.
 */
#ifndef UZ_BTFGEN_ARCHIVE_H
#define UZ_BTFGEN_ARCHIVE_H

#include "common/uz_internal.h"

#define UZ_AR_MAGIC "UZBTFAR"  /* 8 bytes with the NUL */
#define UZ_AR_VERSION 1u
#define UZ_AR_F_BIG 0x1u       /* integers are big endian */
#define UZ_AR_STORED 0u
#define UZ_AR_ZSTD 1u
#define UZ_AR_LZMA2 2u     /* raw LZMA2 stream, preset 9e, dictionary uz_ar_lzma_dict() */

/* header field offsets (u32 each after the magic) */
enum {
	UZ_AR_H_VERSION = 8,
	UZ_AR_H_FLAGS = 12,
	UZ_AR_H_ENTRIES = 16,
	UZ_AR_H_META_LEN = 20,     /* meta follows the header */
	UZ_AR_H_PAYLOAD_LEN = 24,  /* stored bytes, follow meta */
	UZ_AR_H_RAW_LEN = 28,      /* payload bytes once inflated */
	UZ_AR_H_COMPRESSION = 32,  /* bits 0-7 payload, 8-15 meta: UZ_AR_STORED.. */
	UZ_AR_H_TYPE_CNT = 36,
	UZ_AR_H_STR_LEN = 40,
	UZ_AR_H_TYPES_LEN = 44,
	UZ_AR_H_PAYLOAD_CRC = 48,
	UZ_AR_H_META_RAW = 52,     /* meta bytes once inflated */
	UZ_AR_H_META_CRC = 56,     /* crc32 of header[0..56) + stored meta */
	UZ_AR_HDR_LEN = 60,
};

/* entry table record fields */
enum {
	UZ_AR_E_RELEASE = 0,       /* offsets into the meta strings */
	UZ_AR_E_ARCH = 4,
	UZ_AR_E_BUILD_ID = 8,
	UZ_AR_E_DISTRO = 12,
	UZ_AR_E_LIST_OFF = 16,     /* byte offset of its list in the payload */
	UZ_AR_E_LIST_CNT = 20,     /* its types, void excluded */
	UZ_AR_E_FLAGS = 24,        /* UZ_AR_EF_BIG: the kernel is big endian */
	UZ_AR_E_LIST_LEN = 28,     /* bytes of its list */
	UZ_AR_ENT_LEN = 32,
};
#define UZ_AR_EF_BIG 0x1u

/* Limits a reader enforces before allocating anything. */
#define UZ_AR_MAX_RAW (1u << 30)
#define UZ_AR_MAX_META (1u << 24)

/* LZMA2 dictionary for a stream of @raw_len bytes: the smallest power of two
 * that holds it (writer and reader derive it alike; the preset's 64 MiB
 * would cost the reader more than the whole rebuild). */
uint32_t uz_ar_lzma_dict(size_t raw_len);
/* Inflate @src (method UZ_AR_*) into exactly @dst_len bytes; 0 or -EBADMSG. */
int uz_ar_inflate(unsigned int method, const uint8_t *src, size_t src_len, uint8_t *dst,
		  size_t dst_len);

/* Bytes of a BTF type record of @kind with @vlen entries (0: unknown kind). */
size_t uz_ar_type_len(unsigned int kind, unsigned int vlen);
/* Byte offsets (within the record) of the type ids it refers to: fills
 * @offs (room for 1 + vlen) and returns how many. */
size_t uz_ar_type_refs(unsigned int kind, unsigned int vlen, uint32_t *offs);
/* Byte offsets of its name offsets, likewise. */
size_t uz_ar_type_names(unsigned int kind, unsigned int vlen, uint32_t *offs);

/* The architecture (uname -m) a Debian-style kernel release names, "" if none. */
const char *uz_archive_arch_of_release(const char *release);

#endif
