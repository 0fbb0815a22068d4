/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* JSON string encoding shared by the report writer and the CLI (json.c). */
#ifndef UZ_OUTPUT_JSON_H
#define UZ_OUTPUT_JSON_H

#include <stdio.h>

/* "text" with JSON escapes, ASCII only; NULL is written as "". */
void uz_json_put_str(FILE *f, const char *s);

#endif
