/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the kernel-image containers (reloc/target/kimage/): ELF
 * vmlinux, x86 bzImage, arm64 Image, gzip/xz/zstd/lz4 streams, raw images
 * with embedded BTF, Debian .deb (ar -> data.tar.* -> vmlinuz). The
 * decompression cap is small (64 MiB) so a bomb is refused within the
 * fuzzer's memory limit; BTF that comes out is handed to the BTF check.
 */
#include <stdlib.h>

#include "fuzz_common.h"
#include "target/btf_check.h"
#include "target/kimage/kimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uz_kimage_info info;
	struct uz_error err = { 0 };
	uint8_t *btf = NULL;
	size_t btf_len = 0;
	char rel[128];
	struct btf *b = NULL;

	(void)uz_kimage_release(data, size, rel, sizeof(rel));
	if (uz_kimage_extract(data, size, "fuzz-image", (size_t)64 << 20, &btf, &btf_len,
			      &info, &err))
		return 0;
	if (!uz_btf_parse_checked(btf, btf_len, "fuzz-image", &b, &err))
		btf__free(b);
	free(btf);
	return 0;
}
