/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers of the btfgen tests: minimize, then compare two relocations record
 * by record with the test's own loop (not the library's proof), run the CLI.
 */
#ifndef BG_TEST_H
#define BG_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "userize/userize.h"

static inline struct uz_relocation *bg_relocate(const struct uz_object *o, const struct uz_target *t)
{
	UZ_OPTS_INIT(uz_reloc_opts, ro, .allow_errors = true, .allow_cross_endian = true);
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };

	if (uz_object_relocate(o, t, &ro, &rel, &err))
		fail_msg("relocate against %s: %s", uz_target_name(t), err.msg);
	return rel;
}

/* Every record of @o against @min as against @full; @archive: kind 7 must
 * be poisoned with a message. Returns the number of records compared. */
/* @s with every "[id N]" (a type id of whichever BTF was used) as "[id]". */
static inline void bg_strip_ids(const char *s, char *out, size_t sz)
{
	size_t n = 0;

	while (*s && n + 1 < sz) {
		if (!strncmp(s, "[id ", 4) && strchr(s, ']')) {
			s = strchr(s, ']');
			if (n + 4 < sz) {
				memcpy(out + n, "[id", 3);
				n += 3;
			}
		}
		out[n++] = *s++;
	}
	out[n] = 0;
}

static inline size_t bg_same(const struct uz_object *o, const struct uz_target *full,
			     const struct uz_target *min, bool archive)
{
	struct uz_relocation *a = bg_relocate(o, full), *b = bg_relocate(o, min);
	size_t i, n = uz_relocation_record_cnt(a);

	assert_int_equal(n, uz_relocation_record_cnt(b));
	for (i = 0; i < n; i++) {
		const struct uz_record *x = uz_relocation_record(a, i), *y = uz_relocation_record(b, i);

		if (x->kind == UZ_TYPE_ID_TARGET && x->target_type_id && archive) {
			assert_int_equal(y->result, UZ_RESULT_POISONED);
			assert_non_null(strstr(y->message, "archive source"));
		} else {
			if (x->result != y->result || (x->kind != UZ_TYPE_ID_TARGET &&
						       x->new_value != y->new_value))
				fail_msg("%s vs %s: record %zu (%s %s): %d/%llu vs %d/%llu",
					 uz_target_name(full), uz_target_name(min), i,
					 uz_kind_name(x->kind), x->spec, x->result,
					 (unsigned long long)x->new_value, y->result,
					 (unsigned long long)y->new_value);
		}
		assert_string_equal(x->target_spec, y->target_spec);
		assert_string_equal(x->target_type, y->target_type);
		if (x->result == UZ_RESULT_ERROR && x->kind != UZ_TYPE_ID_TARGET) {
			char mx[1024], my[1024];

			bg_strip_ids(x->message, mx, sizeof(mx));
			bg_strip_ids(y->message, my, sizeof(my));
			assert_string_equal(mx, my);
		}
		else if (x->result == UZ_RESULT_ERROR) /* ids differ, the ambiguity not */
			assert_non_null(strstr(y->message, "ambiguity"));
	}
	uz_relocation_free(a);
	uz_relocation_free(b);
	return n;
}

/* Minimize @objs for @t; returns the raw bytes (caller frees). */
static inline void *bg_minimize(struct uz_object **objs, size_t n, const struct uz_target *t,
				size_t *len)
{
	struct uz_error err = { 0 };
	void *data = NULL;

	if (uz_btfgen_minimize((const struct uz_object *const *)objs, n, t, NULL, &data, len, &err))
		fail_msg("btfgen of %s: %s", uz_target_name(t), err.msg);
	return data;
}

static inline struct uz_target *bg_load_mem(const void *d, size_t len, const char *name,
					    const char *release)
{
	UZ_OPTS_INIT(uz_target_opts, to, .name = name, .kernel_release = release);
	struct uz_target *t = NULL;
	struct uz_error err = { 0 };

	if (uz_target_load_mem(d, len, &to, &t, &err))
		fail_msg("load %s: %s", name, err.msg);
	return t;
}

/* Run a shell command; exit status, stderr captured into @errbuf. */
static inline int bg_sh(char *errbuf, size_t sz, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	FILE *p;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 16, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(errbuf, 1, sz - 1, p);
	errbuf[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
