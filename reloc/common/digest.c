/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The digest that identifies a target's BTF in a relocated object: 64-bit
 * FNV-1a over the raw BTF bytes (offset basis 0xcbf29ce484222325, prime
 * 0x100000001b3), a standard hash anyone can recompute. It tells two BTF
 * blobs apart; it is not meant to resist forgery.
 */
#include "common/uz_internal.h"

uint64_t uz_fnv1a64(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}
