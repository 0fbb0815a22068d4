/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DWARF targets on real Debian debug vmlinux files (label corpus).
 *
 *   test_dwarf_corpus two RELEASE     the vmlinux carries .BTF and DWARF:
 *       every record of every object relocated from DWARF equals the one
 *       from its BTF (values, results, target specs, instructions), except
 *       target_type_id, poisoned from DWARF; the layouts of >= 300
 *       commonly traced structs are the same in both.
 *   test_dwarf_corpus pahole RELEASE  no BTF: the same against the BTF
 *       that pahole -J made of the same file (the dwarf_fetch fixture).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "dw_test.h"

static const char *release, *mode;

/* Every object the project relocates: samples, test objects, benchmark. */
static const char *const objects[] = {
	"samples/dropmon.o", "samples/lo_filter.o", "samples/writesize.o",
	"samples/iolatency.o", "samples/proctop.o",
	"samples/dropmon_eb.o", "samples/lo_filter_eb.o", "samples/writesize_eb.o",
	"samples/iolatency_eb.o", "samples/proctop_eb.o",
	"tests/bpf/ambig.o", "tests/bpf/be.o", "tests/bpf/direct.o", "tests/bpf/fields.o",
	"tests/bpf/types.o", "tests/reloc/reloc_basic.o", "tests/matrix/matrix_prog.o",
	"tests/matrix/matrix_guarded.o", "tests/matrix/matrix_unguarded.o",
	"tests/views/views.o", "tests/checks/fallback.o", "tests/live/unguarded.o",
	"tools/bench/core_bench.o",
};

/* Commonly traced structs; the list is grown from them (see struct_names). */
static const char *const seeds[] = {
	"task_struct", "sk_buff", "sock", "net_device", "file", "inode", "dentry",
	"mm_struct", "request", "bio", "cred", "super_block", "vm_area_struct", "page",
	"socket", "sock_common", "tcp_sock", "inet_sock", "udp_sock", "msghdr", "iov_iter",
	"path", "vfsmount", "mount", "files_struct", "fdtable", "nsproxy", "pid_namespace",
	"pid", "signal_struct", "sighand_struct", "rq", "cfs_rq", "sched_entity",
	"request_queue", "gendisk", "block_device", "bio_vec", "bvec_iter", "blk_mq_hw_ctx",
	"cgroup", "css_set", "cgroup_subsys_state", "kernfs_node", "address_space",
	"linux_binprm", "pt_regs", "trace_event_raw_sys_enter", "qstr", "timespec64",
	"list_head", "hlist_node", "rb_node", "sk_buff_head", "napi_struct", "netdev_queue",
	"nf_conn", "xdp_buff", "bpf_prog", "bpf_map", "perf_event", "kiocb", "seq_file",
	"user_namespace", "net", "ns_common", "uts_namespace", "tty_struct", "irq_desc",
};

#define MAX_NAMES 360

/* Seeds, then breadth-first every named struct or union their members
 * reach (by value, through pointers and arrays) in @b, until MAX_NAMES. */
static size_t struct_names(const struct btf *b, const char **out)
{
	size_t n = 0, i, k;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		if (btf__find_by_name_kind(b, seeds[i], BTF_KIND_STRUCT) > 0)
			out[n++] = seeds[i];
	for (i = 0; i < n && n < MAX_NAMES; i++) {
		int id = btf__find_by_name_kind(b, out[i], BTF_KIND_STRUCT);
		const struct btf_type *t;
		const struct btf_member *m;
		uint16_t j;

		if (id <= 0)
			id = btf__find_by_name_kind(b, out[i], BTF_KIND_UNION);
		t = btf__type_by_id(b, (uint32_t)id);
		m = btf_members(t);
		for (j = 0; j < btf_vlen(t) && n < MAX_NAMES; j++, m++) {
			const struct btf_type *mt = btf__type_by_id(b, m->type);
			const char *nm;
			int steps = 0;

			while (mt && steps++ < 16 && (btf_is_mod(mt) || btf_is_typedef(mt) ||
						     btf_is_ptr(mt) || btf_is_array(mt)))
				mt = btf__type_by_id(b, btf_is_array(mt) ? btf_array(mt)->type : mt->type);
			if (!mt || !btf_is_composite(mt) || !btf_vlen(mt))
				continue;
			nm = btf__name_by_offset(b, mt->name_off);
			if (!*nm)
				continue;
			for (k = 0; k < n && strcmp(out[k], nm); k++)
				;
			if (k == n)
				out[n++] = nm;
		}
	}
	return n;
}

static void test_dwarf(void **state)
{
	char vm[512], ref_path[600], obj[512];
	const char *names[MAX_NAMES];
	struct uz_target *ref, *dw;
	struct dw_cmp c = { 0 };
	struct dw_layout_cmp lc = { 0 };
	size_t i, n;

	(void)state;
	dw_vmlinux(release, vm, sizeof(vm));
	if (!strcmp(mode, "two")) {
		ref = dw_load(vm, UZ_SOURCE_BTF, NULL, 0);
	} else {
		struct stat st;

		snprintf(ref_path, sizeof(ref_path), "%s.pahole.btf", vm);
		if (stat(ref_path, &st)) {
			fprintf(stderr, "missing %s: the dwarf_fetch fixture makes it\n", ref_path);
			fail();
		}
		ref = dw_load(ref_path, UZ_SOURCE_BTF, NULL, 0);
	}
	n = struct_names(uz_target_btf(ref), names);
	assert_true(n >= 300);
	/* Auto must pick DWARF only where there is no BTF. */
	dw = dw_load(vm, !strcmp(mode, "two") ? UZ_SOURCE_DWARF : 0, names, n);
	assert_int_equal(uz_target_provenance(dw)->source, UZ_SOURCE_DWARF);
	assert_string_equal(uz_target_provenance(dw)->release, release);
	assert_int_equal(uz_target_provenance(dw)->pointer_size,
			 strstr(release, "686") ? 4 : 8);
	assert_int_equal(uz_target_provenance(dw)->big_endian, strstr(release, "s390x") != NULL);
	dw_compare_layouts(uz_target_btf(ref), uz_target_btf(dw), names, n, &lc);
	printf("%s: structs %zu, members compared %zu (signedness not encoded by the reference BTF: %zu), mismatches %zu\n",
	       release, lc.structs, lc.members, lc.sign_unknown, lc.mismatches);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		dw_compare_object(dw_build_file(objects[i], obj, sizeof(obj)), ref, dw, &c);
	printf("%s: objects %zu, records %zu (target_type_id poisoned from DWARF: %zu), instructions %zu, mismatches %zu\n",
	       release, sizeof(objects) / sizeof(objects[0]), c.records, c.kind7, c.insns,
	       c.mismatches);
	assert_int_equal(lc.mismatches, 0);
	assert_int_equal(c.mismatches, 0);
	assert_true(c.kind7 > 0);
	uz_target_free(dw);
	uz_target_free(ref);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dwarf),
	};

	if (argc != 3 || (strcmp(argv[1], "two") && strcmp(argv[1], "pahole"))) {
		fprintf(stderr, "usage: %s two|pahole RELEASE\n", argv[0]);
		return 2;
	}
	mode = argv[1];
	release = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
