// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/reloc/test_messages_live.c (live: the running kernel's BTF): the
 * exact sentences for an ambiguous struct (`struct workspace` has several
 * definitions in a 6.18 vmlinux: every candidate is listed, with type
 * ids), a missing flavored struct (named as looked up, without the flavor)
 * and a target file that does not exist. Ids and offsets come from libbpf.
 */
#include <unistd.h>

#include "uzt.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

struct ws {
	uint32_t id;
	long buf_bits;		/* -1: no member 'buf' */
};

/* Every STRUCT 'workspace' of the running kernel, by libbpf's reader. */
static size_t workspaces(struct ws *out, size_t max)
{
	struct btf *btf = btf__parse(VMLINUX, NULL);
	uint32_t id, n;
	size_t cnt = 0;
	int i;

	assert_non_null(btf);
	n = btf__type_cnt(btf);
	for (id = 1; id < n && cnt < max; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!btf_is_struct(t) || strcmp(btf__name_by_offset(btf, t->name_off), "workspace"))
			continue;
		out[cnt].id = id;
		out[cnt].buf_bits = -1;
		for (i = 0; i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(btf, btf_members(t)[i].name_off), "buf"))
				out[cnt].buf_bits = btf_member_bit_offset(t, i);
		cnt++;
	}
	btf__free(btf);
	return cnt;
}

static void test_ambiguity(void **state)
{
	char buf[32768], want[512];
	struct ws w[16];
	size_t n, i, first = SIZE_MAX, second = SIZE_MAX;

	(void)state;
	n = workspaces(w, 16);
	for (i = 0; i < n; i++) {
		if (w[i].buf_bits < 0)
			continue;
		if (first == SIZE_MAX)
			first = i;
		else if (second == SIZE_MAX && w[i].buf_bits != w[first].buf_bits)
			second = i;
	}
	if (n < 2 || second == SIZE_MAX)
		fail_msg("this kernel has no two struct workspace with 'buf' at different offsets");

	snprintf(want, sizeof(want),
		 "field offset ambiguity: candidates struct workspace [id %u] and struct workspace [id %u] put the field at bit %ld and bit %ld",
		 w[first].id, w[second].id, w[first].buf_bits, w[second].buf_bits);
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -o /tmp/uz-messages-never.o", UZ_CLI,
				 MESSAGES_OBJ), 1);
	if (!strstr(buf, want))
		fail_msg("reloc said:\n%s\nwanted: %s", buf, want);
	assert_int_not_equal(access("/tmp/uz-messages-never.o", F_OK), 0);

	assert_int_equal(uzt_run(buf, sizeof(buf), "%s explain %s", UZ_CLI, MESSAGES_OBJ), 1);
	if (!strstr(buf, want))
		fail_msg("explain said:\n%s\nwanted: %s", buf, want);
	for (i = 0; i < n; i++) {
		if (w[i].buf_bits >= 0)
			snprintf(want, sizeof(want),
				 "  candidate struct workspace [%u]: matched workspace.buf at bit %ld\n",
				 w[i].id, w[i].buf_bits);
		else
			snprintf(want, sizeof(want),
				 "  candidate struct workspace [%u]: struct workspace has no member 'buf'",
				 w[i].id);
		if (!strstr(buf, want))
			fail_msg("explain lists not every candidate:\n%s\nmissing: %s", buf, want);
	}
	print_message("%zu candidates listed, ambiguity between ids %u and %u\n", n, w[first].id,
		      w[second].id);
}

static void test_missing_flavored(void **state)
{
	char buf[32768];
	const char *want = VMLINUX " has no struct or union named 'uz_no_such_struct' (local type 'uz_no_such_struct___v510')";

	(void)state;
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s explain %s", UZ_CLI, MESSAGES_OBJ), 1);
	if (!strstr(buf, want))
		fail_msg("explain said:\n%s\nwanted: %s", buf, want);
}

static void test_missing_target(void **state)
{
	char buf[8192];

	(void)state;
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t /nonexistent --base %s -o /tmp/uz-messages-never.o",
				 UZ_CLI, BASIC_OBJ, VMLINUX), 2);
	if (!strstr(buf, "userize: target: cannot open '/nonexistent': No such file or directory"))
		fail_msg("reloc said: %s", buf);
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t /nonexistent -o /tmp/uz-messages-never.o",
				 UZ_CLI, BASIC_OBJ), 2);
	if (!strstr(buf, "userize: target: cannot open '/nonexistent': No such file or directory"))
		fail_msg("reloc said: %s", buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ambiguity),
		cmocka_unit_test(test_missing_flavored),
		cmocka_unit_test(test_missing_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
