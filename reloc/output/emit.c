/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Emitting the relocated object. The output is the input file byte for byte
 * except the program sections, which carry the patched instructions (in the
 * object's byte order), and the .BTF.ext header, whose core_relo_len becomes
 * 0: the CO-RE records are consumed, so libbpf neither needs kernel BTF nor
 * relocates (and double-patches) the code again. func_info and line_info
 * stay, so verifier logs keep their source lines. A .note.userize section
 * (object/note.c) is appended, recording the target: the new section's
 * bytes, a copy of the section name table with its name added, and a new
 * section header table go after the original bytes, which stay in place
 * (the old name table and header table become unreferenced). An object
 * without CO-RE records is emitted byte for byte unchanged. Files are
 * written atomically (uz_write_file_atomic): never a half-written output.
 */
#include <elf.h>
#include <stdlib.h>

#include "object/note.h"
#include "relocation.h"
#include "target/identity.h"

/* ELF64 header and section header fields used here (byte offsets). */
#define EH_SHOFF 0x28
#define EH_SHENTSIZE 0x3a
#define EH_SHNUM 0x3c
#define EH_SHSTRNDX 0x3e
#define SH_NAME 0x00
#define SH_TYPE 0x04
#define SH_OFFSET 0x18
#define SH_SIZE 0x20
#define SH_ADDRALIGN 0x30

static size_t align_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

/*
 * @img (@len bytes, a checked ELF64 BPF object) plus section @name with
 * @data: a new malloc'ed image in *@out. -ENOTSUP for layouts this does
 * not handle (extended section numbering).
 */
static int elf_append_section(const uint8_t *img, size_t len, bool swap, const char *name,
			      uint32_t type, const uint8_t *data, size_t data_len,
			      uint8_t **out, size_t *out_len)
{
	uint64_t shoff = uz_get64(img + EH_SHOFF, swap);
	uint16_t shnum = uz_get16(img + EH_SHNUM, swap), shstrndx = uz_get16(img + EH_SHSTRNDX, swap);
	uint64_t str_off, str_size;
	size_t data_at, str_at, sh_at, total, name_len = strlen(name) + 1;
	const uint8_t *strsh;
	uint8_t *p, *sh;

	if (uz_get16(img + EH_SHENTSIZE, swap) != 64 || shnum == 0 || shnum >= SHN_LORESERVE - 1 ||
	    shstrndx == 0 || shstrndx >= shnum || shoff > len || (size_t)shnum * 64 > len - shoff)
		return -ENOTSUP;
	strsh = img + shoff + (size_t)shstrndx * 64;
	str_off = uz_get64(strsh + SH_OFFSET, swap);
	str_size = uz_get64(strsh + SH_SIZE, swap);
	if (str_off > len || str_size > len - str_off || str_size > UINT32_MAX)
		return -ENOTSUP;
	data_at = align_up(len, 8);
	str_at = data_at + data_len;
	sh_at = align_up(str_at + str_size + name_len, 8);
	total = sh_at + ((size_t)shnum + 1) * 64;
	p = calloc(1, total);
	if (!p)
		return -ENOMEM;
	memcpy(p, img, len);
	memcpy(p + data_at, data, data_len);
	memcpy(p + str_at, img + str_off, str_size);
	memcpy(p + str_at + str_size, name, name_len);
	memcpy(p + sh_at, img + shoff, (size_t)shnum * 64);
	sh = p + sh_at + (size_t)shstrndx * 64;
	uz_put64(sh + SH_OFFSET, str_at, swap);
	uz_put64(sh + SH_SIZE, str_size + name_len, swap);
	sh = p + sh_at + (size_t)shnum * 64;
	uz_put32(sh + SH_NAME, (uint32_t)str_size, swap);
	uz_put32(sh + SH_TYPE, type, swap);
	uz_put64(sh + SH_OFFSET, data_at, swap);
	uz_put64(sh + SH_SIZE, data_len, swap);
	uz_put64(sh + SH_ADDRALIGN, 4, swap);
	uz_put64(p + EH_SHOFF, sh_at, swap);
	uz_put16(p + EH_SHNUM, (uint16_t)(shnum + 1), swap);
	*out = p;
	*out_len = total;
	return 0;
}

/* The patched image plus the .note.userize naming the target. */
static int add_target_note(const struct uz_relocation *rel, uint8_t *img, void **data,
			   size_t *len, struct uz_error *err)
{
	const struct uz_object *obj = rel->obj;
	struct uz_relocated_info info;
	uint8_t *note, *out;
	size_t note_len, out_len;
	int r;

	uz_target_identity(rel->target, &info);
	if (uz_note_build(&info, obj->swap, &note, &note_len))
		return uz_err_set(err, -ENOMEM, "out of memory");
	r = elf_append_section(img, obj->image_len, obj->swap, UZ_NOTE_SECTION, SHT_NOTE, note,
			       note_len, &out, &out_len);
	free(note);
	if (r == -ENOMEM)
		return uz_err_set(err, r, "out of memory");
	if (r)
		return uz_err_set(err, r, "%s: cannot add the %s section (unusual ELF section layout)",
				  obj->name, UZ_NOTE_SECTION);
	*data = out;
	*len = out_len;
	return 0;
}

int uz_relocation_write_mem(const struct uz_relocation *rel, void **data, size_t *len,
			    struct uz_error *err)
{
	const struct uz_object *obj;
	uint8_t *img;
	size_t s, i;
	int r;

	if (!data || !len)
		return uz_err_set(err, -EINVAL, "uz_relocation_write_mem: data or len is NULL");
	*data = NULL;
	*len = 0;
	if (!rel)
		return uz_err_set(err, -EINVAL, "uz_relocation_write_mem: no relocation given");
	obj = rel->obj;
	if (obj->owned_by_parts)
		return uz_err_set(err, -EINVAL, "relocations of raw instruction arrays have no object file to write");
	img = malloc(obj->image_len ? obj->image_len : 1);
	if (!img)
		return uz_err_set(err, -ENOMEM, "out of memory");
	memcpy(img, obj->image, obj->image_len);
	for (s = 0; s < obj->sec_cnt; s++)
		for (i = 0; i < obj->secs[s].insn_cnt; i++)
			uz_insn_encode(&rel->insns[s][i], obj->swap, obj->big_endian,
				       img + obj->secs[s].file_off + i * 8);
	if (!uz_object_core_relo_cnt(obj)) {
		*data = img;	/* nothing was relocated: the original bytes */
		*len = obj->image_len;
		return 0;
	}
	if (obj->btf_ext_len && obj->ext.hdr_len >= 32)
		uz_put32(img + obj->btf_ext_off + UZ_BTF_EXT_CORE_LEN_OFF, 0, obj->ext.swap);
	r = add_target_note(rel, img, data, len, err);
	free(img);
	return r;
}

int uz_relocation_write(const struct uz_relocation *rel, const char *path, struct uz_error *err)
{
	void *data;
	size_t len;
	int r;

	if (!rel)
		return uz_err_set(err, -EINVAL, "uz_relocation_write: no relocation given");
	if (!path || !*path)
		return uz_err_set(err, -EINVAL, "no output path given");
	r = uz_relocation_write_mem(rel, &data, &len, err);
	if (r)
		return r;
	r = uz_write_file_atomic(path, data, len, err);
	free(data);
	return r;
}
