/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A BPF ELF object as the engine sees it: program sections, BTF, CO-RE records. */
#ifndef UZ_OBJECT_H
#define UZ_OBJECT_H

#include <linux/bpf.h>
#include <bpf/btf.h>

#include "core/reach.h"
#include "object/btf_ext.h"

struct uz_prog_sec {
	char *name;               /* ELF section name */
	size_t shndx;
	uint64_t file_off;        /* offset of the section bytes in the image */
	size_t insn_cnt;
	struct bpf_insn *insns;   /* host byte order */
	uint32_t *funcs;          /* instruction index of each function symbol */
	size_t func_cnt;
	struct uz_reach_ref *refs;/* ELF relocations on call / ld_imm64 instructions */
	size_t ref_cnt;
};

struct uz_object {
	char *name;
	uint8_t *image;           /* the file, unchanged */
	size_t image_len;
	bool swap;                /* object byte order differs from host */
	bool big_endian;
	struct uz_prog_sec *secs;
	size_t sec_cnt;
	struct btf *btf;          /* the object's own .BTF */
	uint64_t btf_ext_off;     /* .BTF.ext bytes in the image */
	size_t btf_ext_len;
	struct uz_btf_ext ext;
	/* CO-RE section i applies to secs[core_sec_prog[i]] */
	size_t *core_sec_prog;
	bool owned_by_parts;       /* built by uz_object_from_parts(): no ELF image */
	bool has_btf;              /* the file has .BTF (else btf is empty) */
	bool relocated;            /* has .note.userize: written by uz_relocation_write */
	struct uz_relocated_info relocated_for;
};

/* Decode/encode one instruction between file order and host order. */
void uz_insn_decode(const uint8_t *raw, bool swap, bool big_endian, struct bpf_insn *insn);
void uz_insn_encode(const struct bpf_insn *insn, bool swap, bool big_endian, uint8_t *raw);

/* Build an object from separate pieces (the raw C API). */
int uz_object_from_parts(const void *insns, size_t insn_cnt, const char *section,
			 const void *btf, size_t btf_len, const void *btf_ext,
			 size_t btf_ext_len, struct uz_object **out, struct uz_error *err);

#endif
