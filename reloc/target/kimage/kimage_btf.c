/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel images -> BTF: the BTF header itself. Validates a header (either
 * byte order) against the bytes actually held, for raw BTF files, ELF .BTF
 * sections and BTF found by magic inside raw images, and hands out copies.
 */
#include <stdio.h>
#include <stdlib.h>

#include "target/kimage/kimage_int.h"

#define KI_BTF_HDR_MIN 24u
#define KI_BTF_HDR_MAX 4096u

int uz_ki_btf_check(const uint8_t *p, size_t len, size_t *total, char *why,
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

int uz_ki_dup(struct ki_ctx *c, const uint8_t *p, size_t n, uint8_t **out,
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

bool uz_ki_is_btf_magic(const uint8_t *p, size_t len)
{
	return len >= 3 && ((p[0] == 0x9f && p[1] == 0xeb) || (p[0] == 0xeb && p[1] == 0x9f)) &&
	       p[2] == 1;
}

int uz_ki_raw_btf(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		  size_t *btf_len)
{
	char why[160];
	size_t total;

	if (uz_ki_btf_check(p, len, &total, why, sizeof(why)))
		return uz_err_set(c->err, -EINVAL, "raw BTF: %s", why);
	uz_ki_what(c, "raw BTF (%s-endian, %zu bytes)", p[0] == 0x9f ? "little" : "big", total);
	return uz_ki_dup(c, p, total, btf, btf_len);
}
