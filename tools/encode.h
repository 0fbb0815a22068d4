/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * String encoders for machine-readable output of the CLI: JSON strings and
 * CSV fields. JSON output is pure ASCII (every non-ASCII character becomes
 * \uXXXX, bytes that are not UTF-8 become \ufffd), so it is always valid
 * and json_read.c reads back exactly what re-encodes to the same bytes.
 */
#ifndef UZ_TOOLS_ENCODE_H
#define UZ_TOOLS_ENCODE_H

#include <stdio.h>

/* "text" with JSON escapes; NULL is written as "". */
void json_put_str(FILE *f, const char *s);
/* A CSV field, quoted (RFC 4180) when it holds , " CR or LF; NULL is empty. */
void csv_put_str(FILE *f, const char *s);

#endif
