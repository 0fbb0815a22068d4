/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * No silent wrong value (unit tier): deliberately ambiguous targets, built
 * with libbpf's BTF writer, each an error naming both candidates, with the
 * exact text. Two flavors of task_struct that put pid at different offsets;
 * two members named pid through anonymous unions (through the raw API and
 * through `userize reloc` on a real object); two flavors of one enumerator
 * with different values. The DWARF target with two
 * definitions of one struct and the archive with two entries for one kernel
 * are in tests/dwarf (test_dwarf_unit) and tests/btfgen (test_btfgen_unit).
 */
#include <unistd.h>

#include "uzt.h"

/* local: struct task_struct { int pid; }; one record "0:0" (task_struct.pid) */
struct amb_case {
	struct btf *local;
	struct bpf_insn insns[2];
	struct uzt_rec rec;
	uint32_t sec_off;
};

static void amb_local(struct amb_case *c, unsigned int kind)
{
	int i_int;

	memset(c, 0, sizeof(*c));
	c->local = btf__new_empty();
	i_int = btf__add_int(c->local, "int", 4, BTF_INT_SIGNED);
	assert_int_equal(btf__add_struct(c->local, "task_struct", 4), 2);
	assert_int_equal(btf__add_field(c->local, "pid", i_int, 0, 0), 0);
	c->sec_off = (uint32_t)btf__add_str(c->local, "raw_tracepoint/x");
	c->insns[0] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0,
					 kind == UZ_FIELD_EXISTS ? 1 : 0 };
	c->insns[1] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
	c->rec = (struct uzt_rec){ 0, 2, (uint32_t)btf__add_str(c->local, "0:0"), kind };
}

static int amb_run(struct amb_case *c, const struct btf *target, bool allow,
		   struct uz_relocation **rel, struct uz_error *err)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = allow);
	UZ_OPTS_INIT(uz_target_opts, topts, .name = "hostile");
	struct uz_target *tgt = NULL;
	const void *lraw, *traw;
	uint32_t lsz, tsz;
	uint8_t *ext;
	size_t ext_len;
	int r;

	lraw = btf__raw_data(c->local, &lsz);
	traw = btf__raw_data(target, &tsz);
	if (uz_target_load_mem(traw, tsz, &topts, &tgt, err))
		fail_msg("target: %s", err->msg);
	ext = uzt_ext(c->sec_off, &c->rec, 1, 16, &ext_len);
	*rel = NULL;
	r = uz_insns_relocate(c->insns, 2, "raw_tracepoint/x", lraw, lsz, ext, ext_len, tgt,
			      &opts, rel, err);
	free(ext);
	uz_target_free(tgt);
	return r;
}

/* The record fails with exactly @want, both as an error and as an error record. */
static void expect_ambiguous(unsigned int kind, const struct btf *target, const char *want)
{
	struct uz_relocation *rel;
	struct uz_error err = { 0 };
	struct amb_case c;
	char full[1024];

	amb_local(&c, kind);
	assert_true(amb_run(&c, target, false, &rel, &err) < 0);
	assert_null(rel);
	snprintf(full, sizeof(full), "<instructions>: section 'raw_tracepoint/x' insn 0 (CO-RE record #0, %s task_struct.pid): %s",
		 kind == UZ_FIELD_EXISTS ? "field_exists" : "byte_off", want);
	assert_string_equal(err.msg, full);
	assert_int_equal(c.insns[0].imm, kind == UZ_FIELD_EXISTS ? 1 : 0); /* untouched */
	assert_int_equal(amb_run(&c, target, true, &rel, &err), 0);
	assert_int_equal(uz_relocation_record_cnt(rel), 1);
	assert_int_equal(uz_relocation_record(rel, 0)->result, UZ_RESULT_ERROR);
	assert_string_equal(uz_relocation_record(rel, 0)->message, want);
	uz_relocation_free(rel);
	btf__free(c.local);
}

/* task_struct (pid at byte @a) and task_struct___2 (pid at byte @b) */
static struct btf *two_flavors(int a, int b)
{
	struct btf *t = btf__new_empty();
	int i_int = btf__add_int(t, "int", 4, BTF_INT_SIGNED);

	assert_int_equal(btf__add_struct(t, "task_struct", 16), 2);
	if (a)
		assert_int_equal(btf__add_field(t, "prio", i_int, 0, 0), 0);
	assert_int_equal(btf__add_field(t, "pid", i_int, a * 8, 0), 0);
	assert_int_equal(btf__add_struct(t, "task_struct___2", 16), 3);
	if (b)
		assert_int_equal(btf__add_field(t, "prio", i_int, 0, 0), 0);
	assert_int_equal(btf__add_field(t, "pid", i_int, b * 8, 0), 0);
	return t;
}

static void test_flavors_disagree(void **state)
{
	struct btf *t = two_flavors(4, 0);

	(void)state;
	expect_ambiguous(UZ_FIELD_BYTE_OFFSET, t,
			 "field offset ambiguity: candidates struct task_struct [id 2] and struct task_struct___2 [id 3] put the field at bit 32 and bit 0");
	/* even a plain existence check compares the candidates' offsets */
	expect_ambiguous(UZ_FIELD_EXISTS, t,
			 "field offset ambiguity: candidates struct task_struct [id 2] and struct task_struct___2 [id 3] put the field at bit 32 and bit 0");
	btf__free(t);
}

/* The same two flavors agreeing: one value, no error (the check is not blanket). */
static void test_flavors_agree(void **state)
{
	struct btf *t = two_flavors(4, 4);
	struct uz_relocation *rel;
	struct uz_error err = { 0 };
	struct amb_case c;

	(void)state;
	amb_local(&c, UZ_FIELD_BYTE_OFFSET);
	assert_int_equal(amb_run(&c, t, false, &rel, &err), 0);
	assert_int_equal(c.insns[0].imm, 4);
	assert_int_equal(uz_relocation_record(rel, 0)->cand_cnt, 2);
	uz_relocation_free(rel);
	btf__free(c.local);
	btf__free(t);
}

/*
 * struct task_struct { union { int pid; }; union { long pad; int pid; }; }:
 * pid at bit 0 and at bit 64. C forbids it, BTF does not; libbpf takes the
 * first. @direct: the two pids are plain members instead.
 */
static struct btf *dup_members(bool direct)
{
	struct btf *t = btf__new_empty();
	int i_int = btf__add_int(t, "int", 4, BTF_INT_SIGNED);
	int i_long = btf__add_int(t, "long", 8, BTF_INT_SIGNED);
	int u1, u2;

	if (direct) {
		assert_int_equal(btf__add_struct(t, "task_struct", 16), 3);
		btf__add_field(t, "pid", i_int, 0, 0);
		btf__add_field(t, "pid", i_int, 64, 0);
		return t;
	}
	u1 = btf__add_union(t, NULL, 4);
	btf__add_field(t, "pid", i_int, 0, 0);
	u2 = btf__add_union(t, NULL, 8);
	btf__add_field(t, "pad", i_long, 0, 0);
	btf__add_field(t, "pid", i_int, 0, 0);
	assert_int_equal(btf__add_struct(t, "task_struct", 16), 5);
	btf__add_field(t, "", u1, 0, 0);
	btf__add_field(t, "", u2, 64, 0);
	return t;
}

static void test_duplicate_members(void **state)
{
	struct btf *t = dup_members(false);

	(void)state;
	expect_ambiguous(UZ_FIELD_BYTE_OFFSET, t,
			 "struct task_struct [id 5] has two members named 'pid' (counting those of anonymous members): int [id 1] at bit 0 and int [id 1] at bit 64; refusing to pick one");
	expect_ambiguous(UZ_FIELD_EXISTS, t,
			 "struct task_struct [id 5] has two members named 'pid' (counting those of anonymous members): int [id 1] at bit 0 and int [id 1] at bit 64; refusing to pick one");
	btf__free(t);
	t = dup_members(true);
	expect_ambiguous(UZ_FIELD_BYTE_OFFSET, t,
			 "struct task_struct [id 3] has two members named 'pid' (counting those of anonymous members): int [id 1] at bit 0 and int [id 1] at bit 64; refusing to pick one");
	btf__free(t);
}

/* The same through the CLI on a real object: exit 1, both places named, nothing written. */
static void test_duplicate_members_cli(void **state)
{
	struct btf *t = dup_members(false);
	char dir[] = "/tmp/uz-hostile-ambig-XXXXXX", path[PATH_MAX], out[PATH_MAX], buf[8192];
	const void *raw;
	uint32_t sz;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dup.btf", dir);
	snprintf(out, sizeof(out), "%s/out.o", dir);
	raw = btf__raw_data(t, &sz);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, sz, f), sz);
	fclose(f);
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s --target %s -o %s", UZ_CLI,
				 BASIC_OBJ, path, out), 1);
	/* the record's line: "userize reloc: OBJ: section '...' insn N (CO-RE record #0, ...): ..." */
	if (strncmp(buf, "userize reloc: " BASIC_OBJ ": section 'raw_tracepoint/sys_enter' insn ", strlen("userize reloc: " BASIC_OBJ ": section 'raw_tracepoint/sys_enter' insn ")) ||
	    !strstr(buf, " (CO-RE record #0, byte_off task_struct_user.pid): struct task_struct [id 5] has two members named 'pid' (counting those of anonymous members): int [id 1] at bit 0 and int [id 1] at bit 64; refusing to pick one"))
		fail_msg("reloc said: %s", buf);
	assert_int_equal(access(out, F_OK), -1);
	unlink(path);
	rmdir(dir);
	btf__free(t);
}

/* enum color { RED, RED___v2 } with different values: which RED? An error. */
static void test_duplicate_enumerators(void **state)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = true);
	UZ_OPTS_INIT(uz_target_opts, topts, .name = "hostile");
	struct btf *local = btf__new_empty(), *t = btf__new_empty();
	struct bpf_insn insns[2] = {
		{ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 7 },
		{ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 },
	};
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	const void *lraw, *traw;
	uint32_t lsz, tsz;
	struct uzt_rec rec;
	uint8_t *ext;
	size_t ext_len;
	const char *want = "enum color [id 1] has two enumerators named 'RED' (flavors ignored): RED = 1 and RED___v2 = 2; refusing to pick one";

	(void)state;
	assert_int_equal(btf__add_enum(local, "color", 4), 1);
	btf__add_enum_value(local, "RED", 7);
	rec = (struct uzt_rec){ 0, 1, (uint32_t)btf__add_str(local, "0"), UZ_ENUMVAL_VALUE };
	assert_int_equal(btf__add_enum(t, "color", 4), 1);
	btf__add_enum_value(t, "RED", 1);
	btf__add_enum_value(t, "RED___v2", 2);
	lraw = btf__raw_data(local, &lsz);
	traw = btf__raw_data(t, &tsz);
	assert_int_equal(uz_target_load_mem(traw, tsz, &topts, &tgt, &err), 0);
	ext = uzt_ext((uint32_t)btf__add_str(local, "raw_tracepoint/x"), &rec, 1, 16, &ext_len);
	lraw = btf__raw_data(local, &lsz);
	assert_int_equal(uz_insns_relocate(insns, 2, "raw_tracepoint/x", lraw, lsz, ext, ext_len,
					   tgt, &opts, &rel, &err), 0);
	assert_int_equal(uz_relocation_record(rel, 0)->result, UZ_RESULT_ERROR);
	assert_string_equal(uz_relocation_record(rel, 0)->message, want);
	assert_int_equal(insns[0].imm, 7);
	uz_relocation_free(rel);
	/* one value under both names is no ambiguity */
	btf__free(t);
	t = btf__new_empty();
	btf__add_enum(t, "color", 4);
	btf__add_enum_value(t, "RED", 5);
	btf__add_enum_value(t, "RED___v2", 5);
	uz_target_free(tgt);
	traw = btf__raw_data(t, &tsz);
	assert_int_equal(uz_target_load_mem(traw, tsz, &topts, &tgt, &err), 0);
	assert_int_equal(uz_insns_relocate(insns, 2, "raw_tracepoint/x", lraw, lsz, ext, ext_len,
					   tgt, &opts, &rel, &err), 0);
	assert_int_equal(uz_relocation_record(rel, 0)->result, UZ_RESULT_OK);
	assert_int_equal(insns[0].imm, 5);
	uz_relocation_free(rel);
	uz_target_free(tgt);
	free(ext);
	btf__free(t);
	btf__free(local);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flavors_disagree),
		cmocka_unit_test(test_flavors_agree),
		cmocka_unit_test(test_duplicate_members),
		cmocka_unit_test(test_duplicate_members_cli),
		cmocka_unit_test(test_duplicate_enumerators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
