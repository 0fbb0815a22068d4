/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* .BTF.ext: validated view of func, line and CO-RE relocation records. */
#ifndef UZ_BTF_EXT_H
#define UZ_BTF_EXT_H

#include "common/uz_internal.h"

#define UZ_BTF_EXT_MAGIC 0xeB9F
#define UZ_CORE_RELO_MIN_SZ 16
#define UZ_FUNC_INFO_MIN_SZ 8
#define UZ_LINE_INFO_MIN_SZ 16
/* Byte offset of core_relo_len in struct btf_ext_header. */
#define UZ_BTF_EXT_CORE_LEN_OFF 28

/* One CO-RE record, decoded to host order (first 16 bytes of the record). */
struct uz_core_rec {
	uint32_t insn_off;
	uint32_t type_id;
	uint32_t access_str_off;
	uint32_t kind;
};

/* All CO-RE records of one program section. */
struct uz_core_sec {
	uint32_t sec_name_off;   /* in the object's BTF strings */
	size_t rec_cnt;
	struct uz_core_rec *recs;
};

struct uz_btf_ext {
	bool swap;               /* file byte order differs from host */
	uint32_t hdr_len;
	uint32_t core_rec_size;  /* 0 when there are no CO-RE records */
	size_t core_sec_cnt;
	struct uz_core_sec *core_secs;
};

/*
 * Parse and validate @data (@len bytes). String offsets are checked against
 * @str_len (the size of the object's BTF string section). The byte order is
 * taken from the magic. Returns 0 or a negative errno with @err filled.
 */
int uz_btf_ext_parse(const uint8_t *data, size_t len, uint32_t str_len,
		     struct uz_btf_ext *ext, struct uz_error *err);
void uz_btf_ext_free(struct uz_btf_ext *ext);

#endif
