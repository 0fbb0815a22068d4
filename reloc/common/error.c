/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Error values: formatting messages into struct uz_error. */
#include <stdio.h>

#include "common/uz_internal.h"

int uz_err_set(struct uz_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code >= 0)
		code = -EINVAL;
	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int uz_err_prefix(struct uz_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)], both[sizeof(prefix) + sizeof(old) + 4];
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(both, sizeof(both), "%s: %s", prefix, old);
	memcpy(err->msg, both, sizeof(err->msg) - 1);
	err->msg[sizeof(err->msg) - 1] = 0;
	return err->code ? err->code : -EINVAL;
}
