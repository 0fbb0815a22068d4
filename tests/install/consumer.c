/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A loader embedding libuserize: must build from an installed prefix and
 * report a clear error for a target that does not exist. */
#include <stdio.h>
#include <string.h>
#include <userize/userize.h>

int main(void)
{
	struct uz_target *t = NULL;
	struct uz_error e = { 0 };
	int r = uz_target_load("/nonexistent/vmlinux", NULL, &t, &e);

	if (r == 0 || !strstr(e.msg, "cannot open")) {
		fprintf(stderr, "unexpected: r=%d msg=%s\n", r, e.msg);
		return 1;
	}
	printf("consumer ok: %s (%s)\n", uz_kind_name(UZ_FIELD_BYTE_OFFSET), e.msg);
	return 0;
}
