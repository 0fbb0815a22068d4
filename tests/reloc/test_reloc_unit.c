/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tier (no privileges, no kernel): userize tags against purpose-built
 * targets, resolution rules on hand-built BTF through the raw-instruction
 * API, and bad input of every kind (object, BTF, .BTF.ext, records, access
 * strings, instruction values), each an error with a message, no crash and
 * no output file left behind.
 */
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <gelf.h>

#include "uzt.h"

static const char *cli = UZ_CLI;
static const char *basic_obj = BASIC_OBJ;
static const char *t_old = TARGET_OLD;
static const char *t_new = TARGET_NEW;
static const char *t_renamed = TARGET_RENAMED;

static struct uz_relocation *relocate(const char *obj_path, const char *target,
				      struct uz_object **obj, struct uz_target **tgt)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = true);
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };

	assert_int_equal(uz_object_open(obj_path, NULL, obj, &err), 0);
	if (uz_target_load(target, NULL, tgt, &err))
		fail_msg("target %s: %s", target, err.msg);
	assert_int_equal(uz_object_relocate(*obj, *tgt, &opts, &rel, &err), 0);
	return rel;
}

/* state -> __state and the dotted sock alias, on old- and new-layout targets */
static void test_tags_old_new(void **state)
{
	const char *targets[] = { t_old, t_new };
	const char *state_name[] = { "state", "__state" };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct uz_object *obj;
		struct uz_target *tgt;
		struct uz_relocation *rel = relocate(basic_obj, targets[i], &obj, &tgt);
		struct btf *indep = btf__parse(targets[i], NULL);
		const struct uz_record *r;
		char want[64];
		long off;

		assert_non_null(indep);
		r = uzt_find(rel, "task_struct_user.state", UZ_FIELD_BYTE_OFFSET);
		assert_non_null(r);
		assert_int_equal(r->result, UZ_RESULT_OK);
		snprintf(want, sizeof(want), "task_struct.%s", state_name[i]);
		assert_string_equal(r->target_spec, want);
		off = uzt_member_off(indep, "task_struct", state_name[i]);
		assert_true(off >= 0);
		assert_int_equal(r->new_value, (uint64_t)off);
		/* the width-agnostic read: byte size follows the kernel's type */
		r = uzt_find(rel, "task_struct_user.state", UZ_FIELD_BYTE_SIZE);
		assert_non_null(r);
		assert_int_equal(r->new_value, i == 0 ? 8 : 4);
		r = uzt_find(rel, "task_struct_user.state", UZ_FIELD_SIGNED);
		assert_non_null(r);
		assert_int_equal(r->new_value, i == 0 ? 1 : 0);

		r = uzt_find(rel, "task_struct_user.pid", UZ_FIELD_BYTE_OFFSET);
		assert_non_null(r);
		assert_int_equal(r->new_value, (uint64_t)uzt_member_off(indep, "task_struct", "pid"));
		assert_string_equal(r->message, "");

		r = uzt_find(rel, "sock_user.family", UZ_FIELD_BYTE_OFFSET);
		assert_non_null(r);
		assert_int_equal(r->result, UZ_RESULT_OK);
		assert_string_equal(r->target_spec, "sock.__sk_common.skc_family");
		off = uzt_member_off(indep, "sock", "__sk_common") +
		      uzt_member_off(indep, "sock_common", "skc_family");
		assert_int_equal(r->new_value, (uint64_t)off);
		assert_non_null(strstr(r->message, "alias '__sk_common.skc_family'"));

		btf__free(indep);
		uz_relocation_free(rel);
		uz_target_free(tgt);
		uz_object_free(obj);
	}
}

/* Without tags (plain libbpf semantics) the userized names find nothing. */
static void test_no_tags_is_libbpf(void **state)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = true, .no_userize_tags = true);
	struct uz_relocation *rel;
	struct uz_error err = { 0 };
	struct uz_object *obj;
	struct uz_target *tgt;
	size_t i;

	(void)state;
	assert_int_equal(uz_object_open(basic_obj, NULL, &obj, &err), 0);
	assert_int_equal(uz_target_load(t_new, NULL, &tgt, &err), 0);
	assert_int_equal(uz_object_relocate(obj, tgt, &opts, &rel, &err), 0);
	assert_true(uz_relocation_record_cnt(rel) > 5);
	for (i = 0; i < uz_relocation_record_cnt(rel); i++)
		assert_int_not_equal(uz_relocation_record(rel, i)->result, UZ_RESULT_OK);
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);
}

/* A renamed kernel type: poisoned with an explanation naming the nearest type. */
static void test_poison_explained(void **state)
{
	struct uz_object *obj;
	struct uz_target *tgt;
	struct uz_relocation *rel = relocate(basic_obj, t_renamed, &obj, &tgt);
	const struct uz_record *r = uzt_find(rel, "task_struct_user.pid", UZ_FIELD_BYTE_OFFSET);
	char out[16384];
	int rc;

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->result, UZ_RESULT_POISONED);
	assert_non_null(strstr(r->message, "task_struct_v2"));
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);

	rc = uzt_run(out, sizeof(out), "%s explain %s --target %s", cli, basic_obj, t_renamed);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "task_struct_user.pid"));
	assert_non_null(strstr(out, "nearest names: task_struct_v2"));
}

/* Count of @needle in @hay. */
static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * The nearest names of a missing type are computed when a message is
 * first read: whichever reader comes first (a writer, the record
 * accessor), every one sees them, once, and the message never changes
 * after that.
 */
static void test_poison_nearest_lazy(void **state)
{
	static const char near[] = "nearest names: task_struct_v2";
	struct uz_object *obj;
	struct uz_target *tgt;
	struct uz_relocation *rel;
	const struct uz_record *r;
	char *buf = NULL, first[1024];
	size_t len = 0, k;
	FILE *f;

	(void)state;
	for (k = 0; k < 3; k++) {
		rel = relocate(basic_obj, t_renamed, &obj, &tgt);
		f = open_memstream(&buf, &len);
		assert_non_null(f);
		/* a writer first, before any record was looked at */
		if (k == 0)
			assert_int_equal(uz_relocation_write_json(rel, f), 0);
		else if (k == 1)
			assert_int_equal(uz_relocation_write_text(rel, f), 0);
		else
			assert_int_equal(uz_relocation_write_explain(rel, f), 0);
		fclose(f);
		if (!strstr(buf, near))
			fail_msg("writer %zu printed no '%s':\n%s", k, near, buf);
		r = uzt_find(rel, "task_struct_user.pid", UZ_FIELD_BYTE_OFFSET);
		assert_non_null(r);
		assert_int_equal(count_of(r->message, "nearest names:"), 1);
		assert_non_null(strstr(buf, r->message));
		snprintf(first, sizeof(first), "%s", r->message);
		free(buf);
		buf = NULL;
		/* read again, write again: the same message */
		f = open_memstream(&buf, &len);
		assert_int_equal(uz_relocation_write_json(rel, f), 0);
		fclose(f);
		r = uzt_find(rel, "task_struct_user.pid", UZ_FIELD_BYTE_OFFSET);
		assert_string_equal(r->message, first);
		assert_non_null(strstr(buf, first));
		free(buf);
		buf = NULL;
		uz_relocation_free(rel);
		uz_target_free(tgt);
		uz_object_free(obj);
	}
}

/* ---- hand-built CO-RE inputs through the raw API ------------------------- */

struct raw_case {
	struct btf *local;
	uint32_t sec_off;
	struct bpf_insn insns[4];
	size_t insn_cnt;
	struct uzt_rec recs[4];
	size_t rec_cnt;
	uint32_t rec_size;
};

/* local: struct foo { int a; unsigned int b; long c; }, target built by caller */
static void raw_local(struct raw_case *c)
{
	int i_int, i_uint, i_long, foo;

	memset(c, 0, sizeof(*c));
	c->local = btf__new_empty();
	i_int = btf__add_int(c->local, "int", 4, BTF_INT_SIGNED);
	i_uint = btf__add_int(c->local, "unsigned int", 4, 0);
	i_long = btf__add_int(c->local, "long", 8, BTF_INT_SIGNED);
	foo = btf__add_struct(c->local, "foo", 16);
	btf__add_field(c->local, "a", i_int, 0, 0);
	btf__add_field(c->local, "b", i_uint, 32, 0);
	btf__add_field(c->local, "c", i_long, 64, 0);
	assert_int_equal(foo, 4);
	c->sec_off = (uint32_t)btf__add_str(c->local, "raw_tracepoint/x");
	c->rec_size = 16;
}

static int raw_run(struct raw_case *c, const struct btf *target, struct uz_relocation **rel,
		   struct uz_error *err, bool allow)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = allow);
	UZ_OPTS_INIT(uz_target_opts, topts, .name = "hand-built");
	const void *lraw, *traw;
	uint32_t lsz, tsz;
	struct uz_target *tgt;
	uint8_t *ext;
	size_t ext_len;
	int r;

	lraw = btf__raw_data(c->local, &lsz);
	traw = btf__raw_data(target, &tsz);
	assert_int_equal(uz_target_load_mem(traw, tsz, &topts, &tgt, err), 0);
	ext = uzt_ext(c->sec_off, c->recs, c->rec_cnt, c->rec_size, &ext_len);
	r = uz_insns_relocate(c->insns, c->insn_cnt, "raw_tracepoint/x", lraw, lsz, ext, ext_len,
			      tgt, &opts, rel, err);
	free(ext);
	uz_target_free(tgt);
	return r;
}

static struct btf *target_foo(int b_bytes, bool b_signed, int c_off_bits)
{
	struct btf *t = btf__new_empty();
	int i_int = btf__add_int(t, "int", 4, BTF_INT_SIGNED);
	int i_b = btf__add_int(t, b_bytes == 8 ? "u64" : "u32", b_bytes, b_signed ? BTF_INT_SIGNED : 0);
	int i_long = btf__add_int(t, "long", 8, BTF_INT_SIGNED);

	btf__add_struct(t, "foo", 32);
	btf__add_field(t, "pad", i_int, 0, 0);
	btf__add_field(t, "a", i_int, 32, 0);
	btf__add_field(t, "b", i_b, 64, 0);
	btf__add_field(t, "c", i_long, c_off_bits, 0);
	return t;
}

/* LDX of foo.b: u32 -> u64 widens the load; signed target poisons it. */
static void test_raw_ldx_size(void **state)
{
	struct uz_relocation *rel;
	struct uz_error err = { 0 };
	struct raw_case c;
	struct btf *t;

	(void)state;
	raw_local(&c);
	c.insns[0] = (struct bpf_insn){ BPF_LDX | BPF_MEM | BPF_W, 1, 2, 4, 0 };
	c.insns[1] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
	c.insn_cnt = 2;
	c.recs[0] = (struct uzt_rec){ 0, 4, (uint32_t)btf__add_str(c.local, "0:1"), UZ_FIELD_BYTE_OFFSET };
	c.rec_cnt = 1;
	t = target_foo(8, false, 128);
	assert_int_equal(raw_run(&c, t, &rel, &err, false), 0);
	assert_int_equal(c.insns[0].off, 8);
	assert_int_equal(c.insns[0].code, BPF_LDX | BPF_MEM | BPF_DW);
	uz_relocation_free(rel);
	btf__free(t);

	c.insns[0] = (struct bpf_insn){ BPF_LDX | BPF_MEM | BPF_W, 1, 2, 4, 0 };
	t = target_foo(8, true, 128);
	assert_int_equal(raw_run(&c, t, &rel, &err, false), 0);
	assert_int_equal(c.insns[0].code, BPF_JMP | BPF_CALL);
	assert_int_equal(c.insns[0].imm, 0xbad2310);
	assert_int_equal(uz_relocation_record(rel, 0)->result, UZ_RESULT_POISONED);
	assert_non_null(strstr(uz_relocation_record(rel, 0)->message, "width-agnostic"));
	uz_relocation_free(rel);
	btf__free(t);
	btf__free(c.local);
}

/*
 * uz_insns_relocate() says which poisoned instructions are dead code: a
 * read of foo.c (absent from the target) behind a check of foo.c is dead,
 * behind a check of foo.a (present) it is reachable.
 */
static void test_raw_dead(void **state)
{
	struct uz_relocation *rel;
	struct uz_error err = { 0 };
	struct raw_case c;
	struct btf *t = btf__new_empty();
	int i_int = btf__add_int(t, "int", 4, BTF_INT_SIGNED), k;
	const char *guard[] = { "0:2", "0:0" };

	(void)state;
	btf__add_struct(t, "foo", 8);
	btf__add_field(t, "a", i_int, 0, 0);
	btf__add_field(t, "b", i_int, 32, 0);
	for (k = 0; k < 2; k++) {
		raw_local(&c);
		c.insns[0] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1 };
		c.insns[1] = (struct bpf_insn){ BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1, 0 };
		c.insns[2] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 8 };
		c.insns[3] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
		c.insn_cnt = 4;
		c.recs[0] = (struct uzt_rec){ 0, 4, (uint32_t)btf__add_str(c.local, guard[k]),
					      UZ_FIELD_EXISTS };
		c.recs[1] = (struct uzt_rec){ 16, 4, (uint32_t)btf__add_str(c.local, "0:2"),
					      UZ_FIELD_BYTE_OFFSET };
		c.rec_cnt = 2;
		assert_int_equal(raw_run(&c, t, &rel, &err, false), 0);
		assert_int_equal(c.insns[0].imm, k == 0 ? 0 : 1);
		assert_int_equal(c.insns[2].imm, 0xbad2310);
		assert_int_equal(uz_relocation_record(rel, 1)->result, UZ_RESULT_POISONED);
		assert_int_equal(uz_relocation_record(rel, 1)->dead, k == 0);
		assert_false(uz_relocation_record(rel, 0)->dead);
		uz_relocation_free(rel);
		btf__free(c.local);
	}
	btf__free(t);
}

/* The instruction must carry the value the record says the compiler put there. */
static void test_raw_insn_mismatch(void **state)
{
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct raw_case c;
	struct btf *t = target_foo(4, false, 128);

	(void)state;
	raw_local(&c);
	c.insns[0] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 99 };
	c.insns[1] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
	c.insn_cnt = 2;
	c.recs[0] = (struct uzt_rec){ 0, 4, (uint32_t)btf__add_str(c.local, "0:1"), UZ_FIELD_BYTE_OFFSET };
	c.rec_cnt = 1;
	assert_int_equal(raw_run(&c, t, &rel, &err, false), -EINVAL);
	assert_null(rel);
	assert_non_null(strstr(err.msg, "does not belong"));
	assert_non_null(strstr(err.msg, "foo.b"));
	assert_int_equal(c.insns[0].imm, 99); /* untouched on failure */
	btf__free(t);
	btf__free(c.local);
}

/* LD_IMM64 poison covers both slots; enum value via LD_IMM64 when present. */
static void test_raw_ldimm64(void **state)
{
	struct uz_relocation *rel;
	struct uz_error err = { 0 };
	struct raw_case c;
	struct btf *t = target_foo(4, false, 128);
	int e;

	(void)state;
	raw_local(&c);
	e = btf__add_enum(c.local, "color", 4);
	btf__add_enum_value(c.local, "RED", 7);
	c.insns[0] = (struct bpf_insn){ BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 7 };
	c.insns[1] = (struct bpf_insn){ 0, 0, 0, 0, 0 };
	c.insns[2] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
	c.insn_cnt = 3;
	c.recs[0] = (struct uzt_rec){ 0, (uint32_t)e, (uint32_t)btf__add_str(c.local, "0"), UZ_ENUMVAL_VALUE };
	c.rec_cnt = 1;
	assert_int_equal(raw_run(&c, t, &rel, &err, false), 0);
	assert_int_equal(c.insns[0].code, BPF_JMP | BPF_CALL);
	assert_int_equal(c.insns[1].code, BPF_JMP | BPF_CALL);
	assert_int_equal(c.insns[1].imm, 0xbad2310);
	uz_relocation_free(rel);
	btf__free(c.local);

	/* target has the enumerator with another value */
	raw_local(&c);
	e = btf__add_enum(c.local, "color", 4);
	btf__add_enum_value(c.local, "RED", 7);
	{
		int te = btf__add_enum(t, "color", 4);

		assert_true(te > 0);
		btf__add_enum_value(t, "GREEN", 1);
		btf__add_enum_value(t, "RED", 0x12345);
	}
	c.insns[0] = (struct bpf_insn){ BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 7 };
	c.insns[1] = (struct bpf_insn){ 0, 0, 0, 0, 0 };
	c.insns[2] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
	c.insn_cnt = 3;
	c.recs[0] = (struct uzt_rec){ 0, (uint32_t)e, (uint32_t)btf__add_str(c.local, "0"), UZ_ENUMVAL_VALUE };
	c.rec_cnt = 1;
	assert_int_equal(raw_run(&c, t, &rel, &err, false), 0);
	assert_int_equal(c.insns[0].imm, 0x12345);
	assert_int_equal(c.insns[1].imm, 0);
	uz_relocation_free(rel);
	btf__free(t);
	btf__free(c.local);
}

/* Two flavors of foo with different layouts: ambiguity is an error. */
static void test_raw_ambiguity(void **state)
{
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct raw_case c;
	struct btf *t = target_foo(4, false, 128);
	int i_int = 1, f2;

	(void)state;
	f2 = btf__add_struct(t, "foo___v2", 16);
	btf__add_field(t, "b", i_int, 96, 0);
	assert_true(f2 > 0);
	raw_local(&c);
	c.insns[0] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 4 };
	c.insns[1] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
	c.insn_cnt = 2;
	c.recs[0] = (struct uzt_rec){ 0, 4, (uint32_t)btf__add_str(c.local, "0:1"), UZ_FIELD_BYTE_OFFSET };
	c.rec_cnt = 1;
	assert_int_equal(raw_run(&c, t, &rel, &err, false), -EINVAL);
	assert_non_null(strstr(err.msg, "ambiguity"));
	assert_non_null(strstr(err.msg, "foo___v2"));
	btf__free(t);
	btf__free(c.local);
}

/* Malformed records: each an error record with a message, nothing patched. */
static void test_raw_bad_records(void **state)
{
	static const struct { const char *access; unsigned int kind; uint32_t insn_off;
			      uint32_t type_id; const char *want; } cases[] = {
		{ "-1:0", UZ_FIELD_BYTE_OFFSET, 0, 4, "non-negative" },
		{ "0:9", UZ_FIELD_BYTE_OFFSET, 0, 4, "out of range" },
		{ "0::1", UZ_FIELD_BYTE_OFFSET, 0, 4, "non-negative" },
		{ "0:1:", UZ_FIELD_BYTE_OFFSET, 0, 4, "non-negative" },
		{ "0:99999999999", UZ_FIELD_BYTE_OFFSET, 0, 4, "too large" },
		{ "0:1", UZ_FIELD_BYTE_OFFSET, 3, 4, "multiple of 8" },
		{ "0:1", UZ_FIELD_BYTE_OFFSET, 0xfffffff8, 4, "past the end" },
		{ "0:1", UZ_FIELD_BYTE_OFFSET, 0, 777, "does not exist" },
		{ "0:1", 13, 0, 4, "unknown relocation kind" },
		{ "1", UZ_TYPE_SIZE, 0, 4, "must be \"0\"" },
		{ "0:0", UZ_FIELD_BYTE_OFFSET, 0, 1, "walks into" },
	};
	struct btf *t = target_foo(4, false, 128);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct uz_relocation *rel = NULL;
		struct uz_error err = { 0 };
		struct raw_case c;

		raw_local(&c);
		c.insns[0] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 4 };
		c.insns[1] = (struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 };
		c.insn_cnt = 2;
		c.recs[0] = (struct uzt_rec){ cases[i].insn_off, cases[i].type_id,
					      (uint32_t)btf__add_str(c.local, cases[i].access), cases[i].kind };
		c.rec_cnt = 1;
		assert_int_equal(raw_run(&c, t, &rel, &err, true), 0);
		assert_int_equal(uz_relocation_record_cnt(rel), 1);
		assert_int_equal(uz_relocation_record(rel, 0)->result, UZ_RESULT_ERROR);
		if (!strstr(uz_relocation_record(rel, 0)->message, cases[i].want))
			fail_msg("case %zu (%s): message '%s' lacks '%s'", i, cases[i].access,
				 uz_relocation_record(rel, 0)->message, cases[i].want);
		assert_int_equal(c.insns[0].imm, 4);
		uz_relocation_free(rel);
		/* and without allow_errors the call fails with the same message */
		assert_true(raw_run(&c, t, &rel, &err, false) < 0);
		assert_non_null(strstr(err.msg, cases[i].want));
		btf__free(c.local);
	}
	btf__free(t);
}

/* 65 levels of access: too deep. */
static void test_raw_too_deep(void **state)
{
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	char access[200] = "0";
	struct raw_case c;
	struct btf *t = target_foo(4, false, 128);
	int i;

	(void)state;
	for (i = 0; i < 64; i++)
		strcat(access, ":0");
	raw_local(&c);
	c.insns[0] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 0 };
	c.insn_cnt = 1;
	c.recs[0] = (struct uzt_rec){ 0, 4, (uint32_t)btf__add_str(c.local, access), UZ_FIELD_BYTE_OFFSET };
	c.rec_cnt = 1;
	assert_true(raw_run(&c, t, &rel, &err, false) < 0);
	assert_non_null(strstr(err.msg, "deeper than 64"));
	btf__free(t);
	btf__free(c.local);
}

/* .BTF.ext record sizes: larger ones are iterated with the file's size, smaller
 * or misaligned ones are rejected. */
static void test_raw_ext_record_size(void **state)
{
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct raw_case c;
	struct btf *t = target_foo(4, false, 128);
	uint32_t sizes[] = { 24, 8, 18, 4096 };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		raw_local(&c);
		c.insns[0] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 4 };
		c.insns[1] = (struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 8 };
		c.insn_cnt = 2;
		c.recs[0] = (struct uzt_rec){ 0, 4, (uint32_t)btf__add_str(c.local, "0:1"), UZ_FIELD_BYTE_OFFSET };
		c.recs[1] = (struct uzt_rec){ 8, 4, (uint32_t)btf__add_str(c.local, "0:2"), UZ_FIELD_BYTE_OFFSET };
		c.rec_cnt = 2;
		c.rec_size = sizes[i];
		if (i == 0) {
			assert_int_equal(raw_run(&c, t, &rel, &err, false), 0);
			assert_int_equal(c.insns[0].imm, 8);
			assert_int_equal(c.insns[1].imm, 16);
			uz_relocation_free(rel);
		} else {
			assert_true(raw_run(&c, t, &rel, &err, false) < 0);
			assert_non_null(strstr(err.msg, "record size"));
		}
		btf__free(c.local);
	}
	btf__free(t);
}


static bool uz_host_big_endian(void)
{
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

/* ---- target options and provenance ------------------------------------ */

/* A caller built against a newer header: its struct is larger. */
struct uz_target_opts_future {
	struct uz_target_opts known;
	uint64_t newer_field;
};

static void test_target_opts(void **state)
{
	struct btf *b = btf__new_empty();
	struct uz_target_opts_future fut;
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	const struct uz_target_provenance *p;
	const void *raw;
	uint32_t len;

	(void)state;
	btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	raw = btf__raw_data(b, &len);

	/* larger struct, unknown bytes zero: accepted */
	memset(&fut, 0, sizeof(fut));
	fut.known.sz = sizeof(fut);
	fut.known.name = "future";
	assert_int_equal(uz_target_load_mem(raw, len, &fut.known, &tgt, &err), 0);
	assert_string_equal(uz_target_name(tgt), "future");
	p = uz_target_provenance(tgt);
	assert_non_null(p);
	assert_int_equal(p->source, UZ_SOURCE_BTF);
	assert_string_equal(p->path, "");
	assert_string_equal(p->container, "raw BTF");
	assert_int_equal(p->big_endian, uz_host_big_endian());
	uz_target_free(tgt);
	tgt = NULL;

	/* a field this library does not know is set: refused, named */
	fut.newer_field = 1;
	assert_int_equal(uz_target_load_mem(raw, len, &fut.known, &tgt, &err), -EINVAL);
	assert_null(tgt);
	assert_non_null(strstr(err.msg, "struct uz_target_opts: byte"));

	/* size field never set */
	memset(&fut, 0, sizeof(fut));
	assert_int_equal(uz_target_load_mem(raw, len, &fut.known, &tgt, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "UZ_OPTS_INIT"));

	/* unknown source bits, and a source that cannot read raw BTF */
	{
		UZ_OPTS_INIT(uz_target_opts, o, .sources = 1u << 20);
		UZ_OPTS_INIT(uz_target_opts, o2, .sources = UZ_SOURCE_TRACEFS);
		unsigned int m = 99;

		assert_int_equal(uz_target_load_mem(raw, len, &o, &tgt, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "unknown bits"));
		assert_true(uz_target_load_mem(raw, len, &o2, &tgt, &err) < 0);
		assert_null(tgt);
		assert_int_equal(uz_source_kind_parse("dwarf", &m), 0);
		assert_int_equal(m, UZ_SOURCE_DWARF);
		assert_int_equal(uz_source_kind_parse("auto", &m), 0);
		assert_int_equal(m, 0);
		assert_int_equal(uz_source_kind_parse("pdb", &m), -EINVAL);
	}
	/* NULL out is an error, not a crash */
	assert_int_equal(uz_target_load_mem(raw, len, NULL, NULL, &err), -EINVAL);
	btf__free(b);
}

/* The running kernel's provenance: release and build id as the kernel says. */
static void test_target_provenance_running(void **state)
{
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };
	const struct uz_target_provenance *p;
	struct utsname u;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		fail_msg("this unit test needs /sys/kernel/btf/vmlinux");
	assert_int_equal(uz_target_load(NULL, NULL, &tgt, &err), 0);
	p = uz_target_provenance(tgt);
	assert_int_equal(uname(&u), 0);
	assert_string_equal(p->release, u.release);
	assert_string_equal(p->path, "/sys/kernel/btf/vmlinux");
	assert_int_equal(strlen(p->build_id), 40);
	assert_int_equal(p->pointer_size, sizeof(void *));
	uz_target_free(tgt);
}

/* ---- corrupt target BTF ------------------------------------------------- */

static void expect_bad_target(const void *data, uint32_t len, const char *want)
{
	UZ_OPTS_INIT(uz_target_opts, topts, .name = "corrupt");
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };

	assert_true(uz_target_load_mem(data, len, &topts, &tgt, &err) < 0);
	assert_null(tgt);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' lacks '%s'", err.msg, want);
}

static void test_corrupt_btf(void **state)
{
	struct btf *b;
	const void *raw;
	uint8_t *copy;
	uint32_t len, v, off;

	(void)state;
	/* typedef loop a -> b -> a */
	b = btf__new_empty();
	btf__add_typedef(b, "a", 2);
	btf__add_typedef(b, "b", 1);
	raw = btf__raw_data(b, &len);
	expect_bad_target(raw, len, "contains itself");
	btf__free(b);

	/* struct containing itself by value through an array */
	b = btf__new_empty();
	btf__add_int(b, "int", 4, 0);
	btf__add_struct(b, "s", 8);
	btf__add_field(b, "x", 3, 0, 0);
	btf__add_array(b, 1, 2, 1);
	raw = btf__raw_data(b, &len);
	expect_bad_target(raw, len, "contains itself");
	btf__free(b);

	/* member type id out of range */
	b = btf__new_empty();
	btf__add_int(b, "int", 4, 0);
	btf__add_struct(b, "s", 8);
	btf__add_field(b, "x", 1, 0, 0);
	raw = btf__raw_data(b, &len);
	copy = malloc(len);
	memcpy(copy, raw, len);
	/* hdr 24 + int (16) + struct (12) + member name_off(4) -> member type */
	off = 24 + 16 + 12 + 4;
	v = 50000;
	memcpy(copy + off, &v, 4);
	expect_bad_target(copy, len, "invalid type id");
	/* name offset outside the strings */
	memcpy(copy, raw, len);
	v = 1u << 30;
	memcpy(copy + 24, &v, 4);
	expect_bad_target(copy, len, "name offset");
	/* huge type section length */
	memcpy(copy, raw, len);
	v = 0x7fffffff;
	memcpy(copy + 12, &v, 4);
	expect_bad_target(copy, len, "truncated BTF: its header puts the types at [24, 2147483671)");
	/* every truncation */
	for (v = 0; v < len; v++)
		expect_bad_target(copy, v, "");
	free(copy);
	btf__free(b);
}

/* The whole message, not a part of it: the validation pass walks the type
 * section in place and the cycle search starts only from the types the
 * pass could not clear, and neither may change which defect is reported. */
static void expect_bad_exact(const void *data, uint32_t len, const char *want)
{
	UZ_OPTS_INIT(uz_target_opts, topts, .name = "corrupt");
	struct uz_target *tgt = NULL;
	struct uz_error err = { 0 };

	assert_true(uz_target_load_mem(data, len, &topts, &tgt, &err) < 0);
	assert_null(tgt);
	assert_string_equal(err.msg, want);
}

static void test_corrupt_btf_messages(void **state)
{
	struct btf *b;
	const void *raw;
	uint8_t *copy;
	uint32_t len, v;

	(void)state;
	/* a cycle behind cleared types and a forward edge: 3 -> 4 -> 5 -> 3 */
	b = btf__new_empty();
	btf__add_int(b, "int", 4, 0);
	btf__add_typedef(b, "t1", 1);
	btf__add_struct(b, "s", 8);
	btf__add_field(b, "x", 4, 0, 0);
	btf__add_typedef(b, "t4", 5);
	btf__add_const(b, 3);
	raw = btf__raw_data(b, &len);
	expect_bad_exact(raw, len, "corrupt: corrupt BTF: type [3] contains itself by value (through type [5])");
	btf__free(b);
	/* a typedef of itself */
	b = btf__new_empty();
	btf__add_int(b, "int", 4, 0);
	btf__add_typedef(b, "a", 2);
	raw = btf__raw_data(b, &len);
	expect_bad_exact(raw, len, "corrupt: corrupt BTF: type [2] contains itself by value (through type [2])");
	btf__free(b);
	/* two cycles: the one of the lowest id is reported */
	b = btf__new_empty();
	btf__add_typedef(b, "a", 2);
	btf__add_typedef(b, "b", 1);
	btf__add_typedef(b, "c", 4);
	btf__add_typedef(b, "d", 3);
	raw = btf__raw_data(b, &len);
	expect_bad_exact(raw, len, "corrupt: corrupt BTF: type [1] contains itself by value (through type [2])");
	btf__free(b);

	/* [1] int, [2] struct s { int x; }, [3] int[1], [4] enum e { E1 } */
	b = btf__new_empty();
	btf__add_int(b, "int", 4, 0);
	btf__add_struct(b, "s", 8);
	btf__add_field(b, "x", 1, 0, 0);
	btf__add_array(b, 1, 1, 3);
	btf__add_enum(b, "e", 4);
	btf__add_enum_value(b, "E1", 1);
	raw = btf__raw_data(b, &len);
	copy = malloc(len);
	assert_non_null(copy);
#define PUT(off, val) do { memcpy(copy, raw, len); v = (val); memcpy(copy + (off), &v, 4); } while (0)
	/* header 24; int 16; struct 12 + member 12; array 12 + 12; enum 12 + 8 */
	PUT(24 + 16 + 12 + 4, 0);
	expect_bad_exact(copy, len, "corrupt: corrupt BTF: type [2] has a member of an invalid type id (0)");
	PUT(24 + 16 + 12 + 4, 7);
	expect_bad_exact(copy, len, "corrupt: corrupt BTF: type [2] has a member of an invalid type id (7)");
	PUT(24 + 16 + 24 + 12 + 4, 99);
	expect_bad_exact(copy, len, "corrupt: corrupt BTF: type [3] is an array of a type id past the end (1)");
	PUT(24 + 8, 3);
	expect_bad_exact(copy, len, "corrupt: corrupt BTF: type [1] is an int of invalid size (3)");
	PUT(24 + 16 + 24 + 24 + 12, 1u << 28);
	expect_bad_exact(copy, len, "corrupt: corrupt BTF: type [4] has an enumerator name outside the strings (268435456)");
	PUT(24 + 16 + 12, 1u << 28);
	expect_bad_exact(copy, len, "corrupt: corrupt BTF: type [2] has a member name outside the strings (268435456)");
#undef PUT
	free(copy);
	btf__free(b);
}

/* ---- bad objects through the CLI ---------------------------------------- */

static char tmpdir[] = "/tmp/uz-unit-XXXXXX";

static void write_bytes(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	fclose(f);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *d;
	long sz;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	d = malloc((size_t)sz);
	assert_int_equal(fread(d, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	*n = (size_t)sz;
	return d;
}

/* Run `userize reloc IN -o OUT` and require failure with @want, no OUT left. */
static void expect_cli_fail(const char *in, const char *want)
{
	char out[PATH_MAX], buf[8192];
	struct stat st;
	int rc;

	snprintf(out, sizeof(out), "%s/out.o", tmpdir);
	unlink(out);
	rc = uzt_run(buf, sizeof(buf), "%s reloc %s --target %s -o %s", cli, in, t_new, out);
	if (rc == 0 || !strstr(buf, want))
		fail_msg("input %s: rc %d, output '%s' (wanted failure mentioning '%s')", in, rc, buf, want);
	assert_int_not_equal(stat(out, &st), 0);
}

/* Offset of the section header table entry and data of section @name. */
static bool find_section(const uint8_t *img, size_t n, const char *name, size_t *shdr_off,
			 size_t *data_off, size_t *size)
{
	Elf *elf = elf_memory((char *)img, n);
	Elf_Scn *scn = NULL;
	size_t shstrndx, idx;
	GElf_Ehdr eh;
	bool found = false;

	elf_version(EV_CURRENT);
	if (!elf)
		return false;
	gelf_getehdr(elf, &eh);
	elf_getshdrstrndx(elf, &shstrndx);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		gelf_getshdr(scn, &sh);
		if (!strcmp(elf_strptr(elf, shstrndx, sh.sh_name), name)) {
			idx = elf_ndxscn(scn);
			*shdr_off = eh.e_shoff + idx * eh.e_shentsize;
			*data_off = sh.sh_offset;
			*size = sh.sh_size;
			found = true;
			break;
		}
	}
	elf_end(elf);
	return found;
}

static void test_bad_objects(void **state)
{
	char path[PATH_MAX];
	size_t n, shdr, data, size, cut;
	uint8_t *img, *copy;
	uint32_t v;

	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/bad.o", tmpdir);

	write_bytes(path, "hello world, not an ELF file at all........................................", 72);
	expect_cli_fail(path, "not an ELF file");
	expect_cli_fail("/nonexistent/x.o", "cannot open");
	expect_cli_fail("/proc/self/exe", "not BPF");
	expect_cli_fail(tmpdir, "directory");

	img = slurp(basic_obj, &n);
	copy = malloc(n);
	/* truncations at many points */
	for (cut = 0; cut < n; cut += n / 97 + 1) {
		write_bytes(path, img, cut);
		expect_cli_fail(path, "");
	}
	/* .BTF as SHT_NOBITS */
	assert_true(find_section(img, n, ".BTF", &shdr, &data, &size));
	memcpy(copy, img, n);
	v = 8; /* SHT_NOBITS */
	memcpy(copy + shdr + 4, &v, 4);
	write_bytes(path, copy, n);
	expect_cli_fail(path, "no .BTF section");
	/* .BTF header claiming more types than there are bytes */
	memcpy(copy, img, n);
	v = 0x10000000;
	memcpy(copy + data + 12, &v, 4);
	write_bytes(path, copy, n);
	expect_cli_fail(path, "truncated BTF: its header puts the types at");
	/* .BTF.ext: core record size 12, then a core section past the end */
	assert_true(find_section(img, n, ".BTF.ext", &shdr, &data, &size));
	{
		uint32_t hdr_len, core_off;

		memcpy(&hdr_len, img + data + 4, 4);
		memcpy(&core_off, img + data + 24, 4);
		memcpy(copy, img, n);
		v = 12;
		memcpy(copy + data + hdr_len + core_off, &v, 4);
		write_bytes(path, copy, n);
		expect_cli_fail(path, "record size 12");
		memcpy(copy, img, n);
		v = 0x7ffffff0;
		memcpy(copy + data + 28, &v, 4);
		write_bytes(path, copy, n);
		expect_cli_fail(path, "runs past the section end");
		/* a CO-RE section claiming a huge number of records */
		memcpy(copy, img, n);
		v = 0x10000000;
		memcpy(copy + data + hdr_len + core_off + 8, &v, 4);
		write_bytes(path, copy, n);
		expect_cli_fail(path, "more than the");
	}
	free(copy);
	free(img);
}

/* A good run writes a loadable object whose CO-RE records are consumed. */
static void test_cli_reloc_ok(void **state)
{
	char out[PATH_MAX], buf[65536];
	size_t n, shdr, data, size;
	uint8_t *img;
	uint32_t core_len;
	int rc;

	(void)state;
	snprintf(out, sizeof(out), "%s/good.o", tmpdir);
	rc = uzt_run(buf, sizeof(buf), "%s reloc %s --target %s -o %s --report json", cli,
		     basic_obj, t_new, out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(buf, "\"target_spec\": \"task_struct.__state\""));
	assert_non_null(strstr(buf, "\"kind\": \"byte_off\""));
	img = slurp(out, &n);
	assert_true(find_section(img, n, ".BTF.ext", &shdr, &data, &size));
	memcpy(&core_len, img + data + 28, 4);
	assert_int_equal(core_len, 0);
	free(img);
	/* the output of a relocation is refused by name, never a silent no-op */
	rc = uzt_run(buf, sizeof(buf), "%s reloc %s --target %s --report text", cli, out, t_new);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(buf, "is a relocated object: it was relocated for kernel"));
	/* usage errors */
	assert_int_equal(uzt_run(NULL, 0, "%s reloc", cli), 2);
	assert_int_equal(uzt_run(NULL, 0, "%s reloc %s --report xml", cli, basic_obj), 2);
	assert_int_equal(uzt_run(NULL, 0, "%s frobnicate", cli), 2);
	assert_int_equal(uzt_run(NULL, 0, "%s reloc %s --target /nonexistent -o %s", cli, basic_obj, out), 2);
	assert_int_equal(uzt_run(NULL, 0, "%s --help", cli), 0);
}

/* No .BTF, no CO-RE records: relocates to nothing, written byte for byte. */
static void test_passthrough(void **state)
{
	char out[PATH_MAX], buf[8192];
	struct uz_relocation *rel = NULL;
	struct uz_target *tgt = NULL;
	struct uz_object *obj = NULL;
	struct uz_error err = { 0 };
	uint8_t *in_img, *out_img;
	size_t n_in, n_out, len;
	void *data;

	(void)state;
	in_img = slurp(PLAIN_OBJ, &n_in);
	assert_false(find_section(in_img, n_in, ".BTF", &(size_t){ 0 }, &(size_t){ 0 }, &(size_t){ 0 }));
	assert_int_equal(uz_object_open(PLAIN_OBJ, NULL, &obj, &err), 0);
	assert_int_equal(uz_object_core_relo_cnt(obj), 0);
	assert_int_equal(uz_object_relocated_for(obj, NULL), 0);
	assert_int_equal(uz_object_check_kernel(obj, NULL, &err), 0);
	assert_int_equal(uz_target_load(t_new, NULL, &tgt, &err), 0);
	assert_int_equal(uz_object_relocate(obj, tgt, NULL, &rel, &err), 0);
	assert_int_equal(uz_relocation_record_cnt(rel), 0);
	assert_int_equal(uz_relocation_write_mem(rel, &data, &len, &err), 0);
	assert_int_equal(len, n_in);
	assert_memory_equal(data, in_img, n_in);
	free(data);
	uz_relocation_free(rel);
	uz_target_free(tgt);
	uz_object_free(obj);

	snprintf(out, sizeof(out), "%s/plain.o", tmpdir);
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s --target %s -o %s", cli, PLAIN_OBJ,
				 t_new, out), 0);
	assert_non_null(strstr(buf, "has no CO-RE relocations: written unchanged"));
	out_img = slurp(out, &n_out);
	assert_int_equal(n_out, n_in);
	assert_memory_equal(out_img, in_img, n_in);
	free(out_img);
	free(in_img);
}

/* Fields added to uz_reloc_opts start at the first version's sizeof (two
 * bools after the size: 2 * sizeof(size_t)), never in its tail padding. */
static void test_reloc_opts_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct uz_reloc_opts, allow_cross_endian), 2 * sizeof(size_t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tags_old_new),
		cmocka_unit_test(test_no_tags_is_libbpf),
		cmocka_unit_test(test_poison_explained),
		cmocka_unit_test(test_poison_nearest_lazy),
		cmocka_unit_test(test_raw_dead),
		cmocka_unit_test(test_raw_ldx_size),
		cmocka_unit_test(test_raw_insn_mismatch),
		cmocka_unit_test(test_raw_ldimm64),
		cmocka_unit_test(test_raw_ambiguity),
		cmocka_unit_test(test_raw_bad_records),
		cmocka_unit_test(test_raw_too_deep),
		cmocka_unit_test(test_raw_ext_record_size),
		cmocka_unit_test(test_corrupt_btf),
		cmocka_unit_test(test_corrupt_btf_messages),
		cmocka_unit_test(test_target_opts),
		cmocka_unit_test(test_target_provenance_running),
		cmocka_unit_test(test_bad_objects),
		cmocka_unit_test(test_cli_reloc_ok),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_reloc_opts_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
