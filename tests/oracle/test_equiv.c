// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_equiv.c: userize against libbpf, record by record. For every test
 * object (tests/bpf) and every target, relocate with userize's public API
 * and with the libbpf oracle, then require:
 *   - every instruction of every region libbpf produced (main program and
 *     subprogram copies) equals userize's relocated section instruction,
 *     except the fields libbpf changes for linking (map/data LD_IMM64,
 *     pseudo-call immediates), which are compared minus imm/src_reg;
 *   - libbpf failed a record  <=> userize reports UZ_RESULT_ERROR for it,
 *     libbpf poisoned it      <=> userize reports UZ_RESULT_POISONED.
 * Plus a few absolute values read independently with bpftool.
 *
 * UZ_EQUIV_MODE=live: targets are the running kernel and the tests/targets objects;
 * UZ_EQUIV_MODE=corpus: the kernel BTFs in ${UZ_CACHE}/btf (*.btf files).
 * A summary line per target gives records compared, poisoned and errors.
 */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <userize/userize.h>
#include "oracle.h"
#include "bpftool.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define MAX_TARGETS 64
#define MAX_PRINTED 60

static const char *const objects[] = { "fields", "direct", "types", "ambig" };

struct equiv_target {
	char name[256];
	char path[4096];
};

struct equiv_stats {
	size_t records;   /* records compared */
	size_t poisoned;
	size_t errors;
	size_t unknown;   /* libbpf stopped before reaching them */
	size_t insns;     /* instructions compared */
	size_t mismatches;
};

static struct equiv_target targets[MAX_TARGETS];
static size_t target_cnt;
static char path_buf[4096];

static const char *env_path(const char *var, const char *name)
{
	const char *dir = getenv(var);

	if (!dir)
		fail_msg("%s is not set (run under ctest)", var);
	snprintf(path_buf, sizeof(path_buf), "%s/%s.o", dir, name);
	return path_buf;
}

static void mismatch(struct equiv_stats *st, const char *fmt, ...)
{
	va_list ap;

	st->mismatches++;
	if (st->mismatches > MAX_PRINTED)
		return;
	va_start(ap, fmt);
	fputs("MISMATCH ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static const char *result_str(enum uz_result r)
{
	return r == UZ_RESULT_OK ? "ok" : r == UZ_RESULT_POISONED ? "poisoned" : "error";
}

static const char *state_str(enum oracle_relo_state s)
{
	return s == ORACLE_RELO_DONE ? "ok" : s == ORACLE_RELO_POISONED ? "poisoned" : "error";
}

/* userize's record patching (section, insn), or the LD_IMM64 before it. */
static const struct uz_record *record_at(const struct uz_relocation *rel,
					 const char *section, uint32_t insn)
{
	const struct uz_record *prev = NULL;
	size_t i, n = uz_relocation_record_cnt(rel);

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (strcmp(r->section, section))
			continue;
		if (r->insn == insn)
			return r;
		if (r->insn + 1 == insn)
			prev = r;
	}
	return prev;
}

static void describe_insn(char *buf, size_t len, const struct bpf_insn *in)
{
	snprintf(buf, len, "{code 0x%02x dst %u src %u off %d imm %d}", in->code,
		 in->dst_reg, in->src_reg, in->off, in->imm);
}

/* The libbpf state of a record across all per-program loads. */
static const struct oracle_relo *oracle_state(const struct oracle_result *res,
					      const char *section, uint32_t idx)
{
	const struct oracle_relo *best = NULL, *r;
	size_t i;

	for (i = 0; i < res->prog_cnt; i++) {
		r = oracle_prog_relo(&res->progs[i], section, idx);
		if (r && (!best || r->state == ORACLE_RELO_FAILED))
			best = r;
	}
	return best;
}

static void compare_insns(const char *oname, const char *tname,
			  const struct uz_relocation *rel,
			  const struct oracle_elf *elf,
			  const struct oracle_prog *p, struct equiv_stats *st)
{
	size_t ri, cnt;
	uint32_t i;

	for (ri = 0; ri < p->region_cnt; ri++) {
		const struct oracle_region *r = &p->regions[ri];
		const struct bpf_insn *ours = uz_relocation_insns(rel, r->section, &cnt);

		if (!ours || r->sec_insn_off + r->cnt > cnt) {
			mismatch(st, "%s @ %s: section %s missing or short in userize (%zu insns)",
				 oname, tname, r->section, cnt);
			continue;
		}
		for (i = 0; i < r->cnt; i++) {
			const struct bpf_insn *a = &p->insns[r->start + i];
			const struct bpf_insn *b = &ours[r->sec_insn_off + i];
			uint32_t sidx = r->sec_insn_off + i;
			bool same;

			st->insns++;
			if (oracle_elf_insn_linked(elf, r->section, sidx))
				same = a->code == b->code && a->dst_reg == b->dst_reg &&
				       a->off == b->off;
			else
				same = !memcmp(a, b, sizeof(*a));
			if (!same) {
				const struct uz_record *rec = record_at(rel, r->section, sidx);
				char sa[96], sb[96];

				describe_insn(sa, sizeof(sa), a);
				describe_insn(sb, sizeof(sb), b);
				mismatch(st, "%s @ %s: prog %s section %s insn %u (%s+%u): libbpf %s userize %s; record %s%u kind %s %s access %s result %s new %" PRIu64 " (%s)",
					 oname, tname, p->name, r->section, sidx, r->func,
					 sidx - r->sec_insn_off, sa, sb, rec ? "#" : "none",
					 rec ? rec->relo_idx : 0,
					 rec ? uz_kind_name(rec->kind) : "-",
					 rec ? rec->local_type : "-", rec ? rec->access : "-",
					 rec ? result_str(rec->result) : "-",
					 rec ? rec->new_value : 0,
					 rec && rec->message ? rec->message : "");
			}
		}
	}
}

static void compare_records(const char *oname, const char *tname,
			    const struct uz_relocation *rel,
			    const struct oracle_result *res, struct equiv_stats *st)
{
	size_t i, j, n = uz_relocation_record_cnt(rel);
	size_t libbpf_seen = 0;

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);
		const struct oracle_relo *o = oracle_state(res, r->section, r->relo_idx);
		bool ok;

		if (r->result == UZ_RESULT_POISONED)
			st->poisoned++;
		if (r->result == UZ_RESULT_ERROR)
			st->errors++;
		if (!o) {
			st->unknown++;
			continue;
		}
		st->records++;
		switch (o->state) {
		case ORACLE_RELO_DONE:
			ok = r->result == UZ_RESULT_OK;
			break;
		case ORACLE_RELO_POISONED:
			ok = r->result == UZ_RESULT_POISONED;
			break;
		default:
			ok = r->result == UZ_RESULT_ERROR;
			break;
		}
		if (!ok)
			mismatch(st, "%s @ %s: section %s record #%u (insn %u) kind %s %s access %s: libbpf %s, userize %s new %" PRIu64 " (%s)",
				 oname, tname, r->section, r->relo_idx, r->insn,
				 uz_kind_name(r->kind), r->local_type, r->access,
				 state_str(o->state), result_str(r->result),
				 r->new_value, r->message ? r->message : "");
	}
	/* every record libbpf reported must exist in userize's report */
	for (i = 0; i < res->prog_cnt; i++) {
		for (j = 0; j < res->progs[i].relo_cnt; j++) {
			const struct oracle_relo *o = &res->progs[i].relos[j];
			size_t k;
			bool found = false;

			libbpf_seen++;
			for (k = 0; k < n && !found; k++) {
				const struct uz_record *r = uz_relocation_record(rel, k);

				found = r->relo_idx == o->relo_idx && !strcmp(r->section, o->section);
			}
			if (!found)
				mismatch(st, "%s @ %s: libbpf record %s #%u absent from userize's report",
					 oname, tname, o->section, o->relo_idx);
		}
	}
	assert_true(libbpf_seen > 0);
}

static void equiv_one(const char *oname, const struct equiv_target *t,
		      const struct uz_target *ut, struct equiv_stats *st)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = true);
	struct oracle_result *res = NULL;
	struct oracle_elf *elf = NULL;
	struct uz_relocation *rel = NULL;
	struct uz_object *obj = NULL;
	struct uz_error uerr = { 0 };
	char path[4096], err[512] = "";
	size_t i;

	snprintf(path, sizeof(path), "%s", env_path("UZ_TEST_OBJ_DIR", oname));
	if (uz_object_open(path, NULL, &obj, &uerr))
		fail_msg("uz_object_open(%s): %s", path, uerr.msg);
	if (uz_object_relocate(obj, ut, &opts, &rel, &uerr))
		fail_msg("uz_object_relocate(%s, %s): %s", path, t->name, uerr.msg);
	if (oracle_run(path, t->path, &res, err, sizeof(err)))
		fail_msg("oracle_run(%s, %s): %s", path, t->path, err);
	if (oracle_elf_open(path, &elf, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(uz_relocation_record_cnt(rel) == uz_object_core_relo_cnt(obj));
	assert_true(res->prog_cnt >= 3);

	for (i = 0; i < res->prog_cnt; i++) {
		const struct oracle_prog *p = &res->progs[i];

		/* a CO-RE failure leaves libbpf's instructions half-patched */
		if (!p->core_failed)
			compare_insns(oname, t->name, rel, elf, p, st);
	}
	compare_records(oname, t->name, rel, res, st);

	oracle_elf_free(elf);
	oracle_free(res);
	uz_relocation_free(rel);
	uz_object_free(obj);
}

/* userize's value for the record (local type, access, kind), or fails. */
static const struct uz_record *find_record(const struct uz_relocation *rel,
					   const char *local_type, const char *access,
					   unsigned int kind)
{
	size_t i, n = uz_relocation_record_cnt(rel);

	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (r->kind == kind && !strcmp(r->local_type, local_type) &&
		    !strcmp(r->access, access))
			return r;
	}
	for (i = 0; i < n; i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);

		if (r->kind == kind)
			fprintf(stderr, "  have: %s %s access %s\n", uz_kind_name(kind),
				r->local_type, r->access);
	}
	fail_msg("no %s record for %s access %s", uz_kind_name(kind), local_type, access);
	return NULL;
}

static struct uz_relocation *relocate(const char *oname, const struct uz_target *ut,
				      struct uz_object **objp)
{
	UZ_OPTS_INIT(uz_reloc_opts, opts, .allow_errors = true);
	struct uz_relocation *rel = NULL;
	struct uz_error uerr = { 0 };
	char path[4096];

	snprintf(path, sizeof(path), "%s", env_path("UZ_TEST_OBJ_DIR", oname));
	if (uz_object_open(path, NULL, objp, &uerr))
		fail_msg("uz_object_open(%s): %s", path, uerr.msg);
	if (uz_object_relocate(*objp, ut, &opts, &rel, &uerr))
		fail_msg("uz_object_relocate(%s): %s", path, uerr.msg);
	return rel;
}

/* task_struct.pid (fields.o, record "0:1") against bpftool's offset. */
static void check_pid_offset(const struct equiv_target *t, const struct uz_target *ut)
{
	struct uz_object *obj = NULL;
	struct uz_relocation *rel = relocate("fields", ut, &obj);
	const struct uz_record *r;
	int64_t bits = -1;

	assert_int_equal(bpftool_lookup(t->path, "STRUCT", "task_struct", "pid",
					&bits, NULL), 0);
	r = find_record(rel, "struct task_struct", "0:1", UZ_FIELD_BYTE_OFFSET);
	assert_int_equal(r->result, UZ_RESULT_OK);
	assert_int_equal(r->new_value, (uint64_t)bits / 8);
	fprintf(stderr, "  %s: task_struct.pid at %" PRIu64 " (bpftool %" PRId64 ")\n",
		t->name, r->new_value, bits / 8);
	uz_relocation_free(rel);
	uz_object_free(obj);
}

/* Values in t_alpha read with bpftool: nested array element, ENUM64. */
static void check_alpha_values(const struct equiv_target *t, const struct uz_target *ut)
{
	struct uz_object *obj = NULL;
	struct uz_relocation *rel = relocate("fields", ut, &obj);
	const struct uz_record *r;
	int64_t elems = -1, esz = -1, y = -1, big = 0;

	assert_int_equal(bpftool_lookup(t->path, "STRUCT", "uzt_outer", "elems", &elems, NULL), 0);
	assert_int_equal(bpftool_lookup(t->path, "STRUCT", "uzt_elem", NULL, &esz, NULL), 0);
	assert_int_equal(bpftool_lookup(t->path, "STRUCT", "uzt_elem", "y", &y, NULL), 0);
	/* uzt_outer.elems is member 5 (anonymous union and struct included) */
	r = find_record(rel, "struct uzt_outer", "0:5:1:1", UZ_FIELD_BYTE_OFFSET);
	assert_int_equal(r->result, UZ_RESULT_OK);
	assert_int_equal(r->new_value, (uint64_t)(elems / 8 + esz + y / 8));
	uz_relocation_free(rel);
	uz_object_free(obj);

	rel = relocate("types", ut, &obj);
	assert_int_equal(bpftool_lookup(t->path, "ENUM64", "uzt_e64", "UZT_BIG", &big, NULL), 0);
	r = find_record(rel, "enum64 uzt_e64", "1", UZ_ENUMVAL_VALUE);
	assert_int_equal(r->result, UZ_RESULT_OK);
	assert_int_equal(r->new_value, (uint64_t)big);
	assert_int_equal(r->new_value, 0xabcdef0123456789ULL);
	uz_relocation_free(rel);
	uz_object_free(obj);
}

static void test_target(void **state)
{
	const struct equiv_target *t = *state;
	struct equiv_stats st = { 0 };
	struct uz_target *ut = NULL;
	struct uz_error uerr = { 0 };
	UZ_OPTS_INIT(uz_target_opts, topts, .name = t->name);
	size_t i;

	if (uz_target_load(t->path, &topts, &ut, &uerr))
		fail_msg("uz_target_load(%s): %s", t->path, uerr.msg);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		equiv_one(objects[i], t, ut, &st);
	fprintf(stderr, "equiv %s: %zu objects, %zu records compared, %zu poisoned, %zu errors, %zu not reached by libbpf, %zu insns compared, %zu mismatches\n",
		t->name, sizeof(objects) / sizeof(objects[0]), st.records,
		st.poisoned, st.errors, st.unknown, st.insns, st.mismatches);
	assert_true(st.records > 0);
	assert_true(st.insns > 0);
	if (strstr(t->path, "vmlinux") || strstr(t->path, ".btf"))
		check_pid_offset(t, ut);
	if (strstr(t->name, "t_alpha"))
		check_alpha_values(t, ut);
	uz_target_free(ut);
	assert_int_equal(st.mismatches, 0);
}

/*
 * be.o (bpfeb) against t_alpha_be: libbpf refuses foreign-endian objects,
 * so check big-endian bitfield shifts computed from bpftool's layout.
 */
static void test_big_endian(void **state)
{
	static const char *const bfs[] = { "bf_u", "bf_v", "bf_s", "bf_w" };
	static const int64_t base_sz[] = { 4, 4, 4, 8 };
	static const char *const acc[] = { "0:6", "0:7", "0:8", "0:9" };
	char tpath[4096];
	struct uz_target *ut = NULL;
	struct uz_object *obj = NULL;
	struct uz_relocation *rel;
	struct uz_error uerr = { 0 };
	size_t i;

	(void)state;
	snprintf(tpath, sizeof(tpath), "%s", env_path("UZ_TEST_TARGET_DIR", "t_alpha_be"));
	if (uz_target_load(tpath, NULL, &ut, &uerr))
		fail_msg("uz_target_load(%s): %s", tpath, uerr.msg);
	rel = relocate("be", ut, &obj);
	assert_true(uz_object_is_big_endian(obj));
	for (i = 0; i < 4; i++) {
		int64_t bit_off = -1, bit_sz = 0, byte_sz = base_sz[i], byte_off;
		const struct uz_record *r;

		assert_int_equal(bpftool_lookup(tpath, "STRUCT", "uzt_outer", bfs[i],
						&bit_off, &bit_sz), 0);
		assert_true(bit_sz > 0);
		/* libbpf's load unit: the member's int size, doubled until it fits */
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
		r = find_record(rel, "struct uzt_outer", acc[i], UZ_FIELD_BYTE_OFFSET);
		assert_int_equal(r->new_value, (uint64_t)byte_off);
		r = find_record(rel, "struct uzt_outer", acc[i], UZ_FIELD_BYTE_SIZE);
		assert_int_equal(r->new_value, (uint64_t)byte_sz);
		r = find_record(rel, "struct uzt_outer", acc[i], UZ_FIELD_LSHIFT_U64);
		assert_int_equal(r->new_value, (uint64_t)((8 - byte_sz) * 8 + (bit_off - byte_off * 8)));
		r = find_record(rel, "struct uzt_outer", acc[i], UZ_FIELD_RSHIFT_U64);
		assert_int_equal(r->new_value, (uint64_t)(64 - bit_sz));
	}
	uz_relocation_free(rel);
	uz_object_free(obj);
	uz_target_free(ut);
}

static void add_target(const char *name, const char *path)
{
	if (target_cnt == MAX_TARGETS)
		return;
	snprintf(targets[target_cnt].name, sizeof(targets[0].name), "%s", name);
	snprintf(targets[target_cnt].path, sizeof(targets[0].path), "%s", path);
	target_cnt++;
}

static int collect_corpus(void)
{
	const char *cache = getenv("UZ_CACHE");
	char pat[4096];
	glob_t g;
	size_t i;

	if (!cache) {
		fprintf(stderr, "UZ_CACHE is not set\n");
		return -1;
	}
	snprintf(pat, sizeof(pat), "%s/btf/*.btf", cache);
	if (glob(pat, 0, NULL, &g) || !g.gl_pathc) {
		fprintf(stderr, "no kernel BTF in %s: run the corpus_fetch fixture (tools/corpus.sh)\n", pat);
		return -1;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/');

		add_target(base ? base + 1 : g.gl_pathv[i], g.gl_pathv[i]);
	}
	globfree(&g);
	return 0;
}

int main(void)
{
	static const char *const purpose[] = { "t_alpha", "t_beta", "t_amb" };
	const char *mode = getenv("UZ_EQUIV_MODE");
	struct CMUnitTest tests[MAX_TARGETS + 1];
	size_t i, n = 0;

	if (mode && !strcmp(mode, "corpus")) {
		if (collect_corpus())
			return 1;
	} else {
		add_target("vmlinux(running)", VMLINUX);
		for (i = 0; i < 3; i++)
			add_target(purpose[i], env_path("UZ_TEST_TARGET_DIR", purpose[i]));
	}
	for (i = 0; i < target_cnt; i++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = targets[i].name;
		tests[n].test_func = test_target;
		tests[n].initial_state = &targets[i];
		n++;
	}
	if (!mode || strcmp(mode, "corpus")) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = "big_endian";
		tests[n].test_func = test_big_endian;
		n++;
	}
	return _cmocka_run_group_tests("equiv", tests, n, NULL, NULL);
}
