// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpftool.c: parse `bpftool btf dump file` output for single facts (see
 * bpftool.h). Deliberately textual so it shares no code with the relocators
 * under test.
 */
#define _POSIX_C_SOURCE 200809L
#include "bpftool.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "[12] STRUCT 'name' size=8 vlen=2": does the header name @kind @type? */
static int bpftool_header_match(const char *line, const char *kind,
				const char *type, int64_t *size)
{
	char want[320];
	const char *p = strchr(line, ']');
	const char *s;

	if (line[0] != '[' || !p)
		return 0;
	snprintf(want, sizeof(want), " %s '%s' ", kind, type);
	if (strncmp(p + 1, want, strlen(want)))
		return 0;
	s = strstr(p, " size=");
	*size = s ? strtoll(s + 6, NULL, 10) : -1;
	return 1;
}

/* "\t'pid' type_id=3 bits_offset=32" or "\t'UZT_A' val=10" */
static int bpftool_member_match(const char *line, const char *member,
				int64_t *val, int64_t *bitsz)
{
	char want[320];
	const char *s;

	snprintf(want, sizeof(want), "\t'%s' ", member);
	if (strncmp(line, want, strlen(want)))
		return 0;
	s = strstr(line, "bits_offset=");
	if (s) {
		*val = strtoll(s + 12, NULL, 10);
		s = strstr(line, "bitfield_size=");
		if (bitsz)
			*bitsz = s ? strtoll(s + 14, NULL, 10) : 0;
		return 1;
	}
	s = strstr(line, "val=");
	if (s) {
		*val = (int64_t)strtoull(s + 4, NULL, 10);
		return 1;
	}
	return 0;
}

int bpftool_lookup(const char *path, const char *kind, const char *type,
		   const char *member, int64_t *val, int64_t *bitsz)
{
	char cmd[4200], *line = NULL;
	size_t cap = 0;
	int in_type = 0, ret = -ENOENT;
	int64_t size = -1;
	FILE *f;

	if (strchr(path, '\'') || strlen(path) > 4000)
		return -EINVAL;
	snprintf(cmd, sizeof(cmd), "bpftool btf dump file '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		if (line[0] == '[') {
			if (in_type)
				break;
			in_type = bpftool_header_match(line, kind, type, &size);
			if (in_type && !member) {
				*val = size;
				ret = 0;
				break;
			}
			continue;
		}
		if (in_type && bpftool_member_match(line, member, val, bitsz)) {
			ret = 0;
			break;
		}
	}
	free(line);
	/* drain so bpftool does not die of SIGPIPE mid-write into our status */
	while (fgetc(f) != EOF)
		;
	if (pclose(f) != 0 && ret == 0)
		ret = -EIO;
	return ret;
}
