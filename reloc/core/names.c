/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The essential-name rule of CO-RE: a local type or enumerator name
 * "task_struct___v510" stands for the kernel name "task_struct". The flavor
 * suffix starts at the last "___" whose neighbours are not '_' (libbpf's
 * bpf_core_essential_name_len()). Candidate lookup, the name index and the
 * compatibility relations all use this one definition.
 */
#include "core/core.h"

static bool is_flavor_sep(const char *s)
{
	return s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' && s[4] != '_';
}

/*
 * Does @s[0..n) hold three '_' in a row? Eight bytes at a time, windows six
 * apart so that any three adjacent bytes share one; a byte is '_' when it
 * is 0 after xor with '_' (exact zero-byte test, no carries across bytes).
 */
static bool has_underscore_run(const char *s, size_t n)
{
	const uint64_t us = 0x5f5f5f5f5f5f5f5full, lo7 = 0x7f7f7f7f7f7f7f7full;
	uint64_t w, x, z;
	size_t i;

	if (n < 8) {
		w = 0;
		memcpy(&w, s, n);
		x = w ^ us;
		z = ~(((x & lo7) + lo7) | x | lo7);
		return (z & (z >> 8) & (z >> 16)) != 0;
	}
	for (i = 0;; i += 6) {
		if (i + 8 > n)
			i = n - 8;
		memcpy(&w, s + i, sizeof(w));
		x = w ^ us;
		z = ~(((x & lo7) + lo7) | x | lo7);
		if (z & (z >> 8) & (z >> 16))
			return true;
		if (i + 8 >= n)
			return false;
	}
}

/* The flavor separator is "___" between two other characters, so names
 * without three '_' in a row (nearly all) are looked at in words. */
size_t uz_essential_len(const char *name, size_t n)
{
	size_t i;

	if (n < 5 || !has_underscore_run(name, n))
		return n;
	for (i = n - 4; i-- > 0;) /* i = n-5 down to 0 */
		if (is_flavor_sep(name + i))
			return i + 1;
	return n;
}

size_t uz_essential_name_len(const char *name)
{
	return uz_essential_len(name, strlen(name));
}
