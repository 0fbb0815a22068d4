/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Options structs. Each starts with its size (UZ_OPTS_INIT sets it). A
 * caller built against an older header passes a smaller size: the fields
 * it lacks take their defaults. A caller built against a newer header
 * passes a larger one: that is fine as long as every byte past the fields
 * this library knows is zero; a set field we do not know is -EINVAL with
 * a message, never a silently ignored option.
 */
#include "common/uz_internal.h"

int uz_opts_check(const void *opts, size_t known_sz, const char *type, struct uz_error *err)
{
	const uint8_t *p = opts;
	size_t sz, i;

	if (!opts)
		return 0;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(size_t))
		return uz_err_set(err, -EINVAL, "struct %s: size field is %zu; initialise it with UZ_OPTS_INIT()",
				  type, sz);
	if (sz > ((size_t)1 << 20))
		return uz_err_set(err, -EINVAL, "struct %s: size field %zu is not a struct size; initialise it with UZ_OPTS_INIT()",
				  type, sz);
	for (i = known_sz; i < sz; i++)
		if (p[i])
			return uz_err_set(err, -EINVAL, "struct %s: byte %zu is set, past the %zu bytes this version of libuserize (%d.%d) knows; a field from a newer userize.h is not supported here",
					  type, i, known_sz, UZ_VERSION_MAJOR, UZ_VERSION_MINOR);
	return 0;
}
