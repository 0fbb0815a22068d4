/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Corpus tier: the userized task and sock views of tests/reloc/bpf/basic.bpf.c
 * resolve on every Debian kernel of the corpus (state through its alias
 * __state, family through the dotted alias __sk_common.skc_family) to the
 * offsets bpftool reports for the same BTF file.
 */
#include <dirent.h>
#include <limits.h>

#include "uzt.h"

/* bits_offset of member @m of struct @s, from `bpftool btf dump ... format raw`. */
static long bpftool_off(const char *dump, const char *s, const char *m)
{
	char head[128], want[128];
	const char *p, *end;

	snprintf(head, sizeof(head), "] STRUCT '%s' size=", s);
	p = strstr(dump, head);
	if (!p)
		return -1;
	end = strstr(p + 1, "\n[");
	snprintf(want, sizeof(want), "\t'%s' type_id=", m);
	p = strstr(p, want);
	if (!p || (end && p > end))
		return -1;
	p = strstr(p, "bits_offset=");
	return p ? strtol(p + 12, NULL, 10) / 8 : -1;
}

static void test_corpus_tags(void **state)
{
	const char *cache = getenv("UZ_CACHE");
	char dir[PATH_MAX], path[PATH_MAX + 300], cmd[PATH_MAX * 2];
	struct dirent *de;
	struct uz_object *obj;
	struct uz_error err = { 0 };
	size_t kernels = 0;
	DIR *d;

	(void)state;
	assert_non_null(cache);
	snprintf(dir, sizeof(dir), "%s/btf", cache);
	d = opendir(dir);
	if (!d)
		fail_msg("no corpus at %s: the corpus_fetch fixture must run first (tools/corpus.sh fetch)", dir);
	assert_int_equal(uz_object_open(BASIC_OBJ, NULL, &obj, &err), 0);
	while ((de = readdir(d))) {
		UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = true);
		struct uz_relocation *rel;
		struct uz_target *tgt;
		const struct uz_record *r;
		size_t cap = 64 << 20, n;
		char *dump = malloc(cap);
		FILE *p;

		if (!strstr(de->d_name, ".btf")) {
			free(dump);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(cmd, sizeof(cmd), "bpftool btf dump file '%s' format raw", path);
		p = popen(cmd, "r");
		assert_non_null(p);
		n = fread(dump, 1, cap - 1, p);
		dump[n] = 0;
		assert_int_equal(pclose(p), 0);

		if (uz_target_load(path, NULL, &tgt, &err))
			fail_msg("%s: %s", path, err.msg);
		assert_int_equal(uz_object_relocate(obj, tgt, &opts, &rel, &err), 0);

		r = uzt_find(rel, "task_struct_user.state", UZ_FIELD_BYTE_OFFSET);
		assert_non_null(r);
		assert_string_equal(r->target_spec, "task_struct.__state");
		assert_int_equal(r->new_value, bpftool_off(dump, "task_struct", "__state"));
		r = uzt_find(rel, "task_struct_user.pid", UZ_FIELD_BYTE_OFFSET);
		assert_int_equal(r->new_value, bpftool_off(dump, "task_struct", "pid"));
		r = uzt_find(rel, "task_struct_user.real_parent", UZ_FIELD_BYTE_OFFSET);
		assert_int_equal(r->new_value, bpftool_off(dump, "task_struct", "real_parent"));
		r = uzt_find(rel, "sock_user.family", UZ_FIELD_BYTE_OFFSET);
		assert_non_null(r);
		assert_string_equal(r->target_spec, "sock.__sk_common.skc_family");
		assert_int_equal(r->new_value, bpftool_off(dump, "sock", "__sk_common") +
						bpftool_off(dump, "sock_common", "skc_family"));
		assert_int_equal(uz_relocation_count(rel, UZ_RESULT_OK), uz_relocation_record_cnt(rel));
		printf("%-40s task_struct.pid=%llu __state=%llu sock.family=%llu\n", de->d_name,
		       (unsigned long long)uzt_find(rel, "task_struct_user.pid", UZ_FIELD_BYTE_OFFSET)->new_value,
		       (unsigned long long)uzt_find(rel, "task_struct_user.state", UZ_FIELD_BYTE_OFFSET)->new_value,
		       (unsigned long long)r->new_value);
		kernels++;
		uz_relocation_free(rel);
		uz_target_free(tgt);
		free(dump);
	}
	closedir(d);
	uz_object_free(obj);
	if (kernels < 7)
		fail_msg("only %zu kernels in %s; the corpus has 7 (tools/corpus.list)", kernels, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
