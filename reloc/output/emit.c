/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Emitting the relocated object. The output is the input file byte for byte
 * except the program sections, which carry the patched instructions (in the
 * object's byte order), and the .BTF.ext header, whose core_relo_len becomes
 * 0: the CO-RE records are consumed, so libbpf neither needs kernel BTF nor
 * relocates (and double-patches) the code again. func_info and line_info
 * stay, so verifier logs keep their source lines. Files are written
 * atomically (uz_write_file_atomic): never a half-written output.
 */
#include <stdlib.h>

#include "relocation.h"

int uz_relocation_write_mem(const struct uz_relocation *rel, void **data, size_t *len,
			    struct uz_error *err)
{
	const struct uz_object *obj;
	uint8_t *img;
	size_t s, i;

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
	if (obj->btf_ext_len && obj->ext.hdr_len >= 32)
		uz_put32(img + obj->btf_ext_off + UZ_BTF_EXT_CORE_LEN_OFF, 0, obj->ext.swap);
	*data = img;
	*len = obj->image_len;
	return 0;
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
