/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers of the `userize matrix` tests (see mx_test.h). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "mx_test.h"

char *mx_read_file(const char *path, size_t *len)
{
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "rb");

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		if (!got)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

void mx_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

int mx_cmd_run(struct mx_cmd *c, const char *fmt, ...)
{
	char out[] = "/tmp/uz_mx_out_XXXXXX", err[] = "/tmp/uz_mx_err_XXXXXX";
	char *cmd, *full;
	va_list ap;
	int fo, fe, st, n;

	memset(c, 0, sizeof(*c));
	va_start(ap, fmt);
	n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	fo = mkstemp(out);
	fe = mkstemp(err);
	assert_true(fo >= 0 && fe >= 0);
	close(fo);
	close(fe);
	assert_true(asprintf(&full, "( %s ) >'%s' 2>'%s'", cmd, out, err) >= 0);
	st = system(full);
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	c->out = mx_read_file(out, &c->out_len);
	c->err = mx_read_file(err, &c->err_len);
	assert_non_null(c->out);
	assert_non_null(c->err);
	unlink(out);
	unlink(err);
	free(cmd);
	free(full);
	return c->status;
}

void mx_cmd_free(struct mx_cmd *c)
{
	free(c->out);
	free(c->err);
	memset(c, 0, sizeof(*c));
}

uint32_t mx_btf_composite(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
	return id > 0 ? (uint32_t)id : 0;
}

static uint32_t skip_mods(const struct btf *btf, uint32_t id)
{
	int hops;

	for (hops = 0; hops < 32; hops++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !(btf_is_typedef(t) || btf_is_mod(t)))
			break;
		id = t->type;
	}
	return id;
}

/* Member @name (length @len) of composite @id, through anonymous members. */
static bool find_member(const struct btf *btf, uint32_t id, const char *name, size_t len,
			int depth, uint64_t *bits, uint32_t *type, uint32_t *bitfield)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_composite(t) || depth > 16)
		return false;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint64_t inner = 0;

		if (mn && *mn) {
			if (strlen(mn) == len && !strncmp(mn, name, len)) {
				*bits += btf_member_bit_offset(t, i);
				*type = m->type;
				*bitfield = btf_member_bitfield_size(t, i);
				return true;
			}
			continue;
		}
		if (find_member(btf, m->type, name, len, depth + 1, &inner, type, bitfield)) {
			*bits += btf_member_bit_offset(t, i) + inner;
			return true;
		}
	}
	return false;
}

int mx_btf_path(const struct btf *btf, const char *path, uint64_t *off, uint64_t *size)
{
	const char *dot = strchr(path, '.'), *p;
	uint32_t id, type = 0, bitfield = 0;
	uint64_t bits = 0;
	char root[256];
	long sz;

	if (!dot || (size_t)(dot - path) >= sizeof(root))
		return -1;
	snprintf(root, sizeof(root), "%.*s", (int)(dot - path), path);
	id = mx_btf_composite(btf, root);
	if (!id)
		return -1;
	for (p = dot + 1; *p;) {
		size_t len = strcspn(p, ".");

		if (!find_member(btf, id, p, len, 0, &bits, &type, &bitfield))
			return -1;
		id = type;
		p += len + (p[len] == '.');
	}
	if (bitfield || bits % 8)
		return -2;
	sz = btf__resolve_size(btf, type);
	if (sz < 0)
		return -1;
	*off = bits / 8;
	*size = (uint64_t)sz;
	return 0;
}

int mx_tmpdir(char *buf, size_t sz, const char *prefix)
{
	if (snprintf(buf, sz, "/tmp/%s_XXXXXX", prefix) >= (int)sz)
		return -1;
	return mkdtemp(buf) ? 0 : -1;
}

int mx_rmtree(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}
