// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_oracle.c: tests of the libbpf oracle itself (live: root, running
 * kernel). Every test object must load on the running kernel once libbpf
 * relocated it; relocated instructions must differ from the compiled ones
 * exactly where CO-RE applies (pid offset from bpftool, poisoned flavor
 * read); subprogram copies must be found and mapped to .text; a CO-RE
 * failure in one program (ambiguity) must not hide the others.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "oracle.h"
#include "bpftool.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define POISON_IMM 195896080

static char obj_path[4096], tgt_path[4096];

static const char *obj(const char *name)
{
	const char *dir = getenv("UZ_TEST_OBJ_DIR");

	assert_non_null(dir);
	snprintf(obj_path, sizeof(obj_path), "%s/%s.o", dir, name);
	return obj_path;
}

static const char *tgt(const char *name)
{
	const char *dir = getenv("UZ_TEST_TARGET_DIR");

	assert_non_null(dir);
	snprintf(tgt_path, sizeof(tgt_path), "%s/%s.o", dir, name);
	return tgt_path;
}

static struct oracle_result *run(const char *o, const char *t)
{
	struct oracle_result *res = NULL;
	char err[512] = "";
	int ret;

	ret = oracle_run(o, t, &res, err, sizeof(err));
	if (ret)
		fail_msg("oracle_run(%s, %s): %d %s", o, t, ret, err);
	return res;
}

static const struct oracle_prog *prog(const struct oracle_result *res,
				      const char *name)
{
	size_t i;

	for (i = 0; i < res->prog_cnt; i++)
		if (!strcmp(res->progs[i].name, name))
			return &res->progs[i];
	fail_msg("no program %s", name);
	return NULL;
}

static bool is_poison(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == 0 &&
	       in->imm == POISON_IMM;
}

/* r = imm or r += imm: where clang puts field offsets */
static bool is_imm_op(const struct bpf_insn *in)
{
	return in->code == (BPF_ALU64 | BPF_MOV | BPF_K) ||
	       in->code == (BPF_ALU64 | BPF_ADD | BPF_K);
}

/* Every program of every little-endian object verifies on this kernel. */
static void test_objects_load_live(void **state)
{
	static const char *const names[] = { "fields", "direct", "types", "ambig" };
	size_t i, j, total = 0;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct oracle_result *res = run(obj(names[i]), VMLINUX);

		assert_true(res->prog_cnt >= 3);
		for (j = 0; j < res->prog_cnt; j++) {
			const struct oracle_prog *p = &res->progs[j];

			if (!p->loaded)
				fprintf(stderr, "%s\n", p->log);
			assert_false(p->core_failed);
			assert_true(p->loaded);
			assert_true(p->relo_cnt > 0);
			total++;
		}
		oracle_free(res);
	}
	assert_int_equal(total, 3 + 3 + 3 + 6);
}

/* task_fields: pid offset patched in, flavor read poisoned, subprog mapped. */
static void test_task_fields_relocated(void **state)
{
	struct oracle_result *res = run(obj("fields"), VMLINUX);
	const struct oracle_prog *p = prog(res, "task_fields");
	const struct oracle_region *r = &p->regions[0];
	struct oracle_elf *elf = NULL;
	const struct bpf_insn *orig;
	char err[256];
	size_t cnt, i, ndiff = 0, npoison = 0, npid = 0, npid_orig = 0, k;
	int64_t pid_bits = -1;
	bool has_sub = false;

	(void)state;
	assert_int_equal(bpftool_lookup(VMLINUX, "STRUCT", "task_struct", "pid",
					&pid_bits, NULL), 0);
	assert_true(pid_bits > 0 && pid_bits % 8 == 0);
	assert_int_equal(oracle_elf_open(obj("fields"), &elf, err, sizeof(err)), 0);
	orig = oracle_elf_insns(elf, p->section, &cnt);
	assert_non_null(orig);
	assert_string_equal(p->section, "raw_tp/sched_switch");
	assert_string_equal(r->func, "task_fields");
	assert_int_equal(r->start, 0);
	assert_true(r->sec_insn_off + r->cnt <= cnt);
	for (i = 0; i < r->cnt; i++) {
		const struct bpf_insn *a = &orig[r->sec_insn_off + i];
		const struct bpf_insn *b = &p->insns[i];

		if (oracle_elf_insn_linked(elf, p->section, r->sec_insn_off + i))
			continue;
		if (memcmp(a, b, sizeof(*a)))
			ndiff++;
		if (is_poison(b))
			npoison++;
		assert_false(is_poison(a));
		if (is_imm_op(b) && b->imm == pid_bits / 8)
			npid++;
		if (is_imm_op(a) && a->imm == pid_bits / 8)
			npid_orig++;
	}
	assert_true(ndiff >= 10);
	/* the ___old flavor's state read is dead and poisoned on 6.x */
	assert_true(npoison >= 1);
	assert_true(npid > npid_orig);
	for (k = 1; k < p->region_cnt; k++) {
		if (!strcmp(p->regions[k].func, "parent_pid")) {
			has_sub = true;
			assert_string_equal(p->regions[k].section, ".text");
			assert_true(p->regions[k].start >= r->cnt);
		}
	}
	assert_true(has_sub);
	assert_true(p->insn_cnt > r->cnt);
	oracle_elf_free(elf);
	oracle_free(res);
}

/* outer_fields calls two .text subprograms; each copy is mapped once. */
static void test_subprog_regions(void **state)
{
	struct oracle_result *res = run(obj("fields"), VMLINUX);
	const struct oracle_prog *p = prog(res, "outer_fields");
	uint32_t covered = 0;
	size_t k, n_parent = 0, n_inner = 0;

	(void)state;
	for (k = 0; k < p->region_cnt; k++) {
		covered += p->regions[k].cnt;
		n_parent += !strcmp(p->regions[k].func, "parent_pid");
		n_inner += !strcmp(p->regions[k].func, "outer_inner_b");
	}
	assert_int_equal(n_parent, 1);
	assert_int_equal(n_inner, 1);
	/* main + copies make up the whole program */
	assert_int_equal(covered, p->insn_cnt);
	oracle_free(res);
}

/* Against "amb": ambiguity fails four programs, amb_ok still loads. */
static void test_ambiguity_isolated(void **state)
{
	struct oracle_result *res = run(obj("ambig"), tgt("t_amb"));
	const struct oracle_prog *e = prog(res, "amb_exists");
	const struct oracle_prog *f = prog(res, "amb_field");
	const struct oracle_prog *s = prog(res, "amb_size");
	const struct oracle_prog *t = prog(res, "amb_typeid");
	const struct oracle_prog *ok = prog(res, "amb_ok");
	size_t i, nfail = 0;

	(void)state;
	assert_true(e->core_failed);
	assert_non_null(strstr(e->log, "field offset ambiguity"));
	assert_true(f->core_failed);
	assert_false(f->loaded);
	assert_non_null(strstr(f->log, "field offset ambiguity"));
	assert_true(s->core_failed);
	assert_non_null(strstr(s->log, "relocation decision ambiguity"));
	assert_true(t->core_failed);
	assert_non_null(strstr(t->log, "relocation decision ambiguity"));
	for (i = 0; i < f->relo_cnt; i++)
		nfail += f->relos[i].state == ORACLE_RELO_FAILED;
	assert_int_equal(nfail, 1);
	assert_false(ok->core_failed);
	assert_true(ok->loaded);
	oracle_free(res);
}

/* A target whose enum lacks an enumerator: value read poisoned in place. */
static void test_poison_state_recorded(void **state)
{
	struct oracle_result *res = run(obj("types"), tgt("t_beta"));
	const struct oracle_prog *p = prog(res, "enum_rel");
	size_t i, npois = 0, ndone = 0;

	(void)state;
	assert_false(p->core_failed);
	for (i = 0; i < p->relo_cnt; i++) {
		npois += p->relos[i].state == ORACLE_RELO_POISONED;
		ndone += p->relos[i].state == ORACLE_RELO_DONE;
	}
	/* PIDTYPE_SID and BPF_MAP_TYPE_ARENA are gone from beta */
	assert_true(npois >= 2);
	assert_true(ndone >= 8);
	oracle_free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects_load_live),
		cmocka_unit_test(test_task_fields_relocated),
		cmocka_unit_test(test_subprog_regions),
		cmocka_unit_test(test_ambiguity_isolated),
		cmocka_unit_test(test_poison_state_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
