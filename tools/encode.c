/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* JSON string and CSV field encoders for the CLI's output (see encode.h). */
#include <string.h>

#include "encode.h"
#include "output/json.h"

void json_put_str(FILE *f, const char *s)
{
	uz_json_put_str(f, s);
}

void csv_put_str(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
