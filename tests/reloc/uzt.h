/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Test helpers for the relocation tests: build local/target BTF with libbpf's
 * writer, .BTF.ext bytes with chosen record sizes, read member offsets with
 * libbpf's reader (independent of the engine), run the CLI.
 */
#ifndef UZT_H
#define UZT_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <bpf/btf.h>

#include "userize/userize.h"

struct uzt_rec {
	uint32_t insn_off, type_id, access_off, kind;
};

/* .BTF.ext with one CO-RE section named by @sec_off holding @n records of
 * @rec_size bytes (>= 16; extra bytes zero). Caller frees. */
static inline uint8_t *uzt_ext(uint32_t sec_off, const struct uzt_rec *r, size_t n,
			       uint32_t rec_size, size_t *len)
{
	size_t core = 4 + 8 + n * rec_size, i;
	uint8_t *b = calloc(1, 32 + 12 + n * (rec_size > 16 ? rec_size : 16));
	uint32_t v;

	*len = 32 + core;
	b[0] = 0x9f; b[1] = 0xeb; b[2] = 1; b[3] = 0;
	v = 32; memcpy(b + 4, &v, 4);            /* hdr_len */
	/* func_info/line_info empty: off 0 len 0 */
	v = 0; memcpy(b + 24, &v, 4);            /* core_relo_off */
	v = (uint32_t)core; memcpy(b + 28, &v, 4);
	memcpy(b + 32, &rec_size, 4);
	memcpy(b + 36, &sec_off, 4);
	v = (uint32_t)n; memcpy(b + 40, &v, 4);
	for (i = 0; i < n; i++)
		memcpy(b + 44 + i * rec_size, &r[i], rec_size < 16 ? rec_size : 16);
	return b;
}

/* Byte offset of member @name of struct @sname in @btf by libbpf's reader
 * (descends into anonymous members), or -1. */
static inline long uzt_member_off(const struct btf *btf, const char *sname, const char *name)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	const struct btf_type *t;
	struct { uint32_t id; long base; } stack[16];
	int sp = 0;

	if (id <= 0)
		return -1;
	stack[sp].id = (uint32_t)id;
	stack[sp++].base = 0;
	while (sp) {
		uint32_t cur = stack[--sp].id;
		long base = stack[sp].base;
		int i;

		t = btf__type_by_id(btf, cur);
		for (i = 0; i < btf_vlen(t); i++) {
			const struct btf_member *m = btf_members(t) + i;
			const char *mn = btf__name_by_offset(btf, m->name_off);
			long off = base + (long)btf_member_bit_offset(t, i) / 8;

			if (!*mn && sp < 16) {
				stack[sp].id = m->type;
				stack[sp++].base = off;
			} else if (!strcmp(mn, name)) {
				return off;
			}
		}
	}
	return -1;
}

static inline const struct uz_record *uzt_find(const struct uz_relocation *rel, const char *spec,
					       unsigned int kind)
{
	size_t i, n = uz_relocation_record_cnt(rel);

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (!strcmp(r->spec, spec) && r->kind == kind)
			return r;
	}
	return NULL;
}

/* Run a shell command, capture stdout+stderr into @buf; return exit status. */
static inline int uzt_run(char *buf, size_t sz, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *p;
	size_t n = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (buf && sz) {
		n = fread(buf, 1, sz - 1, p);
		buf[n] = 0;
	} else {
		char tmp[4096];

		while (fread(tmp, 1, sizeof(tmp), p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
