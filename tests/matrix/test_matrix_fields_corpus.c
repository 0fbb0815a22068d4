/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Corpus tier for `userize matrix --fields`: the seven Debian kernels of the
 * corpus plus the running kernel, --json. Everything is re-derived without
 * userize, with libbpf's btf.h API:
 *   - the field list: every member of every view struct (decl tag
 *     userize:kernel=) of the embedded object's own BTF, nested by-value
 *     members as "a.b", must be exactly the rows printed;
 *   - which kernel field each view field resolves to: the view's kernel
 *     names in order, then at each level the member's own name and its
 *     userize:alias= names in order, the first that the kernel BTF has;
 *     no candidate at all <=> the field is reported missing;
 *   - offset and size of that kernel field, walking the kernel BTF through
 *     anonymous members.
 * Plus values pinned from docs/corpus.md (task_struct.pid per kernel, read
 * by bpftool).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "json_read.h"
#include "mx_test.h"

#define KERNEL_TAG "userize:kernel="
#define ALIAS_TAG "userize:alias="

static const struct { const char *kernel; uint64_t pid; } pinned[] = {
	{ "6.1.0-47-cloud-amd64", 2416 },
	{ "6.1.0-56-amd64", 2416 },
	{ "6.1.0-56-cloud-amd64", 2416 },
	{ "6.1.0-56-rt-amd64", 2480 },
	{ "6.12.111+deb12-amd64", 2432 },
	{ "6.12.111+deb12-cloud-amd64", 2432 },
	{ "6.12.111+deb12-rt-amd64", 2472 },
};

/* decl tags of @id (component @comp, -1 = the type itself) with @prefix, in order */
static size_t tags(const struct btf *vb, uint32_t id, int comp, const char *prefix,
		   const char **out, size_t max)
{
	uint32_t i, n = btf__type_cnt(vb);
	size_t k = 0;

	for (i = 1; i < n && k < max; i++) {
		const struct btf_type *t = btf__type_by_id(vb, i);
		const char *name;

		if (!btf_is_decl_tag(t) || t->type != id || btf_decl_tag(t)->component_idx != comp)
			continue;
		name = btf__name_by_offset(vb, t->name_off);
		if (!strncmp(name, prefix, strlen(prefix)))
			out[k++] = name + strlen(prefix);
	}
	return k;
}

static uint32_t strip(const struct btf *b, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(b, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		id = t->type;
		t = btf__type_by_id(b, id);
	}
	return id;
}

/* ---- the field list, from the view BTF --------------------------------- */

struct names {
	char **v;
	size_t n;
};

static void add_name(struct names *l, const char *s)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	assert_non_null(l->v);
	l->v[l->n] = strdup(s);
	assert_non_null(l->v[l->n]);
	l->n++;
}

static void walk_view(const struct btf *vb, uint32_t id, const char *prefix, struct names *l,
		      int depth)
{
	const struct btf_type *t = btf__type_by_id(vb, strip(vb, id));
	const struct btf_member *m;
	int i;

	assert_true(depth < 8);
	assert_true(btf_is_composite(t));
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(vb, m->name_off);
		const struct btf_type *mt = btf__type_by_id(vb, strip(vb, m->type));
		char path[512];

		if (!*name) {
			if (btf_is_composite(mt))
				walk_view(vb, m->type, prefix, l, depth + 1);
			continue;
		}
		snprintf(path, sizeof(path), "%s%s", prefix, name);
		add_name(l, path);
		if (btf_is_composite(mt)) {
			strcat(path, ".");
			walk_view(vb, m->type, path, l, depth + 1);
		}
	}
}

static void view_fields(const struct btf *vb, struct names *l)
{
	uint32_t i, n = btf__type_cnt(vb);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(vb, i);
		const char *k[4];
		char prefix[256];

		if (!btf_is_composite(t) || !tags(vb, i, -1, KERNEL_TAG, k, 4))
			continue;
		snprintf(prefix, sizeof(prefix), "%s.", btf__name_by_offset(vb, t->name_off));
		walk_view(vb, i, prefix, l, 0);
	}
}

/* ---- the expected kernel field ----------------------------------------- */

static int member_index(const struct btf *vb, uint32_t id, const char *name, size_t len,
			uint32_t *type)
{
	const struct btf_type *t = btf__type_by_id(vb, strip(vb, id));
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(vb, m->name_off);

		if (strlen(mn) == len && !strncmp(mn, name, len)) {
			*type = m->type;
			return i;
		}
	}
	fail_msg("view member %.*s not found", (int)len, name);
	return -1;
}

/*
 * "kernel_struct.member..." for view field @field ("view.a.b") on kernel
 * @kb, or false when no name of the view exists there.
 */
static bool expected_path(const struct btf *vb, const struct btf *kb, const char *field,
			  char *out, size_t outlen)
{
	const char *dot = strchr(field, '.'), *knames[8];
	char view[256];
	uint32_t vid;
	size_t nk, k;

	snprintf(view, sizeof(view), "%.*s", (int)(dot - field), field);
	vid = mx_btf_composite(vb, view);
	assert_true(vid > 0);
	nk = tags(vb, vid, -1, KERNEL_TAG, knames, 8);
	assert_true(nk > 0);
	for (k = 0; k < nk; k++) {
		uint32_t cur = vid;
		const char *p = dot + 1;
		bool ok = true;

		if (!mx_btf_composite(kb, knames[k]))
			continue;
		snprintf(out, outlen, "%s", knames[k]);
		while (*p && ok) {
			size_t len = strcspn(p, "."), c, nc;
			const char *cands[8];
			char name[128], try[1200];
			uint32_t mtype = 0;
			int idx = member_index(vb, cur, p, len, &mtype);

			snprintf(name, sizeof(name), "%.*s", (int)len, p);
			cands[0] = name;
			nc = 1 + tags(vb, strip(vb, cur), idx, ALIAS_TAG, cands + 1, 7);
			ok = false;
			for (c = 0; c < nc && !ok; c++) {
				uint64_t off, size;
				int rc;

				if ((size_t)snprintf(try, sizeof(try), "%s.%s", out, cands[c]) >= outlen)
					fail_msg("path too long");
				rc = mx_btf_path(kb, try, &off, &size);
				if (rc == 0 || rc == -2) {
					memcpy(out, try, strlen(try) + 1); /* < outlen, checked */
					ok = true;
				}
			}
			cur = mtype;
			p += len + (p[len] == '.');
		}
		if (ok)
			return true;
	}
	return false;
}

/* ---- the test ------------------------------------------------------------ */

static const char *jstr(const struct json_value *o, const char *key)
{
	const struct json_value *v = json_get(o, key);

	assert_non_null(v);
	return v->type == JSON_STRING ? v->str : NULL;
}

static uint64_t jnum(const struct json_value *o, const char *key)
{
	uint64_t u = 0;

	assert_true(json_u64(json_get(o, key), &u));
	return u;
}

static void test_fields_corpus(void **state)
{
	const char *cache = getenv("UZ_CACHE");
	struct names want = { 0 };
	struct json_doc *doc;
	const struct json_value *root;
	struct btf *vb;
	struct utsname un;
	struct mx_cmd c;
	char err[256];
	size_t i, j, checked = 0, missing = 0;

	(void)state;
	assert_non_null(cache);
	vb = btf__parse(UZ_FIELDS_OBJ, NULL);
	assert_non_null(vb);
	view_fields(vb, &want);
	assert_true(want.n >= 70);
	assert_int_equal(uname(&un), 0);

	mx_cmd_run(&c, "%s matrix --fields --targets %s/btf /sys/kernel/btf/vmlinux --json",
		   UZ_CLI, cache);
	assert_int_equal(c.status, 0);
	if (json_parse(c.out, c.out_len, &doc, err, sizeof(err)))
		fail_msg("--fields --json is not valid JSON: %s", err);
	root = json_root(doc);
	assert_int_equal(root->type, JSON_ARRAY);
	assert_int_equal(root->len, 8);

	for (i = 0; i < root->len; i++) {
		const struct json_value *k = &root->kids[i], *fields = json_get(k, "fields");
		const char *name = jstr(k, "kernel");
		struct btf *kb = btf__parse(jstr(k, "path"), NULL);
		bool pid_seen = false;
		size_t here = 0;

		assert_non_null(kb);
		assert_int_equal(json_get(k, "error")->type, JSON_NULL);
		assert_int_equal(fields->type, JSON_ARRAY);
		/* exactly the view members, in the generator's order (views by name) */
		assert_int_equal(fields->len, want.n);
		for (j = 0; j < fields->len; j++) {
			const struct json_value *f = &fields->kids[j];
			const char *field = jstr(f, "field"), *result = jstr(f, "result");
			char path[1024];
			bool exists = expected_path(vb, kb, field, path, sizeof(path));
			size_t w;

			for (w = 0; w < want.n && strcmp(want.v[w], field); w++)
				;
			if (w == want.n)
				fail_msg("%s: field %s is not a view member", name, field);
			if (!exists) {
				if (strcmp(result, "missing"))
					fail_msg("%s: %s: no kernel field has any of its names, but the "
						 "matrix says %s", name, field, result);
				assert_int_equal(json_get(f, "offset")->type, JSON_NULL);
				missing++;
				continue;
			}
			if (strcmp(result, "ok"))
				fail_msg("%s: %s should resolve to %s, the matrix says %s (%s)", name,
					 field, path, result, jstr(f, "message"));
			if (strcmp(jstr(f, "kernel_field"), path))
				fail_msg("%s: %s resolved to %s, expected %s", name, field,
					 jstr(f, "kernel_field"), path);
			{
				uint64_t off = 0, size = 0;
				int rc = mx_btf_path(kb, path, &off, &size);

				assert_int_equal(rc, 0); /* no bitfields in these views and kernels */
				if (jnum(f, "offset") != off || jnum(f, "size") != size)
					fail_msg("%s: %s (%s): matrix %llu/%llu, libbpf %llu/%llu", name,
						 field, path, (unsigned long long)jnum(f, "offset"),
						 (unsigned long long)jnum(f, "size"),
						 (unsigned long long)off, (unsigned long long)size);
			}
			here++;
			if (!strcmp(field, "task_struct_user.pid")) {
				size_t p;

				pid_seen = true;
				for (p = 0; p < sizeof(pinned) / sizeof(pinned[0]); p++)
					if (!strcmp(pinned[p].kernel, name))
						assert_int_equal(jnum(f, "offset"), pinned[p].pid);
				if (!strcmp(name, un.release) && !strncmp(un.release, "6.18.", 5))
					assert_int_equal(jnum(f, "offset"), 1264);
			}
			if (!strcmp(field, "task_struct_user.state"))
				assert_string_equal(path, "task_struct.__state");
			if (!strcmp(field, "sock_user.family"))
				assert_string_equal(path, "sock.__sk_common.skc_family");
			if (!strcmp(field, "request_user.data_len"))
				assert_string_equal(path, "request.__data_len");
		}
		assert_true(pid_seen);
		printf("%-28s %zu fields equal libbpf's offsets and sizes, %zu missing\n", name,
		       here, fields->len - here);
		checked += here;
		btf__free(kb);
	}
	/* documented absences (docs/uapi.md) on every kernel of the corpus */
	assert_non_null(strstr(c.out, "{\"field\": \"request_user.rq_disk\", \"result\": \"missing\""));
	assert_non_null(strstr(c.out, "{\"field\": \"bio_user.bi_disk\", \"result\": \"missing\""));
	printf("%zu cells checked, %zu missing fields confirmed absent\n", checked, missing);
	assert_true(checked >= 8 * 60);
	json_free(doc);
	mx_cmd_free(&c);
	for (i = 0; i < want.n; i++)
		free(want.v[i]);
	free(want.v);
	btf__free(vb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
