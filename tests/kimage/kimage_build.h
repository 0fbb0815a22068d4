/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Test-side builders for kernel image containers: a hand-written BTF blob,
 * ELF files holding it, bzImages, compressed streams, tar archives and .deb
 * packages, all assembled in memory so the unit tests need no tools.
 */
#ifndef UZ_KIMAGE_BUILD_H
#define UZ_KIMAGE_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kb_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

enum kb_comp { KB_GZIP, KB_XZ, KB_ZSTD, KB_LZ4, KB_LZ4_LEGACY };

void kb_free(struct kb_buf *b);
void kb_put(struct kb_buf *b, const void *p, size_t n);
void kb_zero(struct kb_buf *b, size_t n);
void kb_align(struct kb_buf *b, size_t a);

/* A small BTF: int, struct task_struct { int pid; int tgid; }. */
void kb_btf(struct kb_buf *out, bool big_endian);

/* ELF64 with .BTF (of @sh_type), a @filler-byte .filler section, .shstrtab. */
struct kb_elf_opts {
	bool big_endian;
	bool no_btf;
	uint32_t btf_type;      /* SHT_PROGBITS by default */
	size_t filler;
	uint64_t btf_off_delta; /* added to .BTF's sh_offset (hostile) */
};
void kb_elf(struct kb_buf *out, const struct kb_buf *btf, const struct kb_elf_opts *o);

/* @in compressed with @comp; lz4-legacy gets the bzImage size trailer if @trailer. */
void kb_compress(struct kb_buf *out, enum kb_comp comp, const struct kb_buf *in, bool trailer);

/* x86 bzImage around @payload (already compressed), with a version string. */
void kb_bzimage(struct kb_buf *out, const struct kb_buf *payload, uint8_t setup_sects,
		const char *version);

/* ustar archive; @names/@datas have @n entries. */
void kb_tar(struct kb_buf *out, const char *const *names, const struct kb_buf *datas,
	    size_t n);

/* .deb: debian-binary, control.tar.xz, data member @data_name holding @data. */
void kb_deb(struct kb_buf *out, const char *data_name, const struct kb_buf *data);

#endif
