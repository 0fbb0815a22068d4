/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BTF record layout as the archive writer and reader both walk it
 * (sizes, where type ids and names sit, independent of byte order), the
 * compressions of its streams, and the architecture a kernel release names.
 */
#include <linux/btf.h>
#include <lzma.h>
#include <stdint.h>
#include <zstd.h>

#include "btfgen/archive.h"

size_t uz_ar_type_len(unsigned int kind, unsigned int vlen)
{
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 16;
	case BTF_KIND_ARRAY:
		return 24;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC:
		return 12 + 12 * (size_t)vlen;
	case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
		return 12 + 8 * (size_t)vlen;
	case BTF_KIND_ENUM64:
		return 12 + 12 * (size_t)vlen;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 12;
	default:
		return 0;
	}
}

size_t uz_ar_type_refs(unsigned int kind, unsigned int vlen, uint32_t *offs)
{
	size_t n = 0, i;

	switch (kind) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_TYPE_TAG:
	case BTF_KIND_DECL_TAG:
		offs[n++] = 8;
		break;
	case BTF_KIND_ARRAY:
		offs[n++] = 12;
		offs[n++] = 16;
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (i = 0; i < vlen; i++)
			offs[n++] = (uint32_t)(12 + 12 * i + 4);
		break;
	case BTF_KIND_FUNC_PROTO:
		offs[n++] = 8;
		for (i = 0; i < vlen; i++)
			offs[n++] = (uint32_t)(12 + 8 * i + 4);
		break;
	case BTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++)
			offs[n++] = (uint32_t)(12 + 12 * i);
		break;
	default:
		break;
	}
	return n;
}

size_t uz_ar_type_names(unsigned int kind, unsigned int vlen, uint32_t *offs)
{
	size_t n = 0, i, step = 0;

	offs[n++] = 0;
	switch (kind) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM64:
		step = 12;
		break;
	case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
		step = 8;
		break;
	default:
		return n;
	}
	for (i = 0; i < vlen; i++)
		offs[n++] = (uint32_t)(12 + step * i);
	return n;
}

const char *uz_archive_arch_of_release(const char *release)
{
	static const struct { const char *suffix, *arch; } map[] = {
		{ "-amd64", "x86_64" }, { "-arm64", "aarch64" }, { "-s390x", "s390x" },
		{ "-686-pae", "i686" }, { "-686", "i686" }, { "-ppc64el", "ppc64le" },
		{ "-armmp", "armv7l" }, { "-armmp-lpae", "armv7l" }, { "-riscv64", "riscv64" },
		{ "-loong64", "loongarch64" }, { "-mips64r2el", "mips64" },
	};
	size_t n = strlen(release), i, k;

	for (i = 0; i < UZ_ARRAY_SIZE(map); i++) {
		k = strlen(map[i].suffix);
		if (n > k && !strcmp(release + n - k, map[i].suffix))
			return map[i].arch;
	}
	return "";
}

uint32_t uz_ar_lzma_dict(size_t raw_len)
{
	uint32_t d = LZMA_DICT_SIZE_MIN;

	while (d < raw_len && d < (1u << 30))
		d <<= 1;
	return d;
}

int uz_ar_inflate(unsigned int method, const uint8_t *src, size_t src_len, uint8_t *dst,
		  size_t dst_len)
{
	lzma_options_lzma lo;
	lzma_filter f[2] = { { .id = LZMA_FILTER_LZMA2, .options = &lo },
			     { .id = LZMA_VLI_UNKNOWN } };
	size_t in = 0, out = 0, n;

	switch (method) {
	case UZ_AR_STORED:
		if (src_len != dst_len)
			return -EBADMSG;
		memcpy(dst, src, dst_len);
		return 0;
	case UZ_AR_ZSTD:
		n = ZSTD_decompress(dst, dst_len, src, src_len);
		return !ZSTD_isError(n) && n == dst_len ? 0 : -EBADMSG;
	case UZ_AR_LZMA2:
		if (lzma_lzma_preset(&lo, 9 | LZMA_PRESET_EXTREME))
			return -EBADMSG;
		lo.dict_size = uz_ar_lzma_dict(dst_len);
		if (lzma_raw_buffer_decode(f, NULL, src, &in, src_len, dst, &out, dst_len) != LZMA_OK)
			return -EBADMSG;
		return in == src_len && out == dst_len ? 0 : -EBADMSG;
	default:
		return -EBADMSG;
	}
}
