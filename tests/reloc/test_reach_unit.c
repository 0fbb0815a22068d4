/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tier: the reachability pass (reloc/core/reach.c) on hand-built
 * instruction sequences. Each case puts a poisoned call (0xbad2310) where
 * the verifier's constant pruning does or does not reach it: constant
 * branches both ways, 32-bit truncation of ALU results and comparisons,
 * JSET, signed comparisons, loops, ld_imm64, calls clobbering r0-r5,
 * subprograms (relative and through ELF relocations), unknown registers
 * and control flow the pass cannot follow. Last, soundness: on random
 * programs, no instruction a concrete interpreter executes is called dead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/reach.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV32_IMM(d, i) INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU64_IMM(op, d, i) INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define ALU64_REG(op, d, s) INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define JMP32_IMM(op, d, i, o) INSN(BPF_JMP32 | (op) | BPF_K, d, 0, o, i)
#define JMP_REG(op, d, s, o) INSN(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define JA(o) INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define LD64(d, lo, hi) INSN(BPF_LD | BPF_IMM | BPF_DW, d, 0, 0, lo), INSN(0, 0, 0, 0, hi)
#define LDX64(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define CALL(i) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, i)
#define PCALL(i) INSN(BPF_JMP | BPF_CALL, 0, 1, 0, i)
#define POISON CALL(0xbad2310)
#define EXIT INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Run the pass over one program (entry 0) and return reached[@at]. */
static int reached_at(const struct bpf_insn *insns, size_t n, size_t at, bool roots,
		      const uint8_t *opaque)
{
	uint8_t reached[64];
	struct uz_reach_sec s = { .insns = insns, .insn_cnt = n, .reached = reached,
				  .opaque = opaque };
	uint32_t entry = 0;

	assert_true(n <= sizeof(reached) && at < n);
	s.entries = &entry;
	s.entry_cnt = 1;
	memset(reached, 0xaa, sizeof(reached));
	assert_int_equal(uz_reach(&s, 1, roots), 0);
	return reached[at];
}

#define DEAD(p, at) assert_int_equal(reached_at(p, N(p), at, false, NULL), 0)
#define LIVE(p, at) assert_int_equal(reached_at(p, N(p), at, false, NULL), 1)

/* if r1 == 0 skip the poison: taken when r1 is 0 (dead), not when 1. */
static void test_branch_both_ways(void **state)
{
	struct bpf_insn absent[] = { MOV64_IMM(1, 0), JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	struct bpf_insn present[] = { MOV64_IMM(1, 1), JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	/* the fallback shape: the read on the other side of the check */
	struct bpf_insn other[] = { MOV64_IMM(1, 1), JMP_IMM(BPF_JNE, 1, 0, 2), POISON, EXIT,
				    MOV64_IMM(0, 0), EXIT };

	(void)state;
	DEAD(absent, 2);
	LIVE(present, 2);
	DEAD(other, 2);
	LIVE(other, 4);
	other[0].imm = 0;
	LIVE(other, 2);
	DEAD(other, 4);
}

/* A register with no known value: both ways, the poison is reachable. */
static void test_unknown_register(void **state)
{
	struct bpf_insn p[] = { JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	struct bpf_insn load[] = { MOV64_IMM(2, 0), LDX64(2, 1, 0), JMP_IMM(BPF_JEQ, 2, 0, 1),
				   POISON, EXIT };

	(void)state;
	LIVE(p, 1);
	LIVE(load, 3);
}

/* JMP32 compares the low 32 bits; ALU32 results are zero-extended. */
static void test_32bit(void **state)
{
	struct bpf_insn cmp32[] = { LD64(1, 0, 1), JMP32_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	struct bpf_insn cmp64[] = { LD64(1, 0, 1), JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	/* w1 = -1 is 0xffffffff; r1 += 1 is 0x100000000, w1 += 1 is 0 */
	struct bpf_insn add64[] = { MOV32_IMM(1, -1), ALU64_IMM(BPF_ADD, 1, 1),
				    JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	struct bpf_insn add32[] = { MOV64_IMM(1, -1), ALU32_IMM(BPF_ADD, 1, 1),
				    JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	/* 64-bit immediates are sign-extended: r1 = -1 equals imm -1 */
	struct bpf_insn sext[] = { MOV64_IMM(1, -1), JMP_IMM(BPF_JEQ, 1, -1, 1), POISON, EXIT };
	struct bpf_insn zext[] = { MOV32_IMM(1, -1), JMP_IMM(BPF_JEQ, 1, -1, 1), POISON, EXIT };

	(void)state;
	DEAD(cmp32, 3);
	LIVE(cmp64, 3);
	LIVE(add64, 3);
	DEAD(add32, 3);
	DEAD(sext, 2);
	LIVE(zext, 2);
}

static void test_jset_signed(void **state)
{
	struct bpf_insn jset[] = { MOV64_IMM(1, 6), JMP_IMM(BPF_JSET, 1, 1, 1), POISON, EXIT };
	struct bpf_insn slt[] = { MOV64_IMM(1, -1), JMP_IMM(BPF_JSLT, 1, 0, 1), POISON, EXIT };
	struct bpf_insn ult[] = { MOV64_IMM(1, -1), JMP_IMM(BPF_JLT, 1, 0, 1), POISON, EXIT };
	struct bpf_insn sgt32[] = { MOV32_IMM(1, -2), JMP32_IMM(BPF_JSGT, 1, -3, 1), POISON, EXIT };
	struct bpf_insn reg[] = { MOV64_IMM(1, 3), MOV64_IMM(2, 4),
				  JMP_REG(BPF_JLT, 1, 2, 1), POISON, EXIT };

	(void)state;
	LIVE(jset, 2);
	jset[0].imm = 5;
	DEAD(jset, 2);
	DEAD(slt, 2);
	LIVE(ult, 2);
	DEAD(sgt32, 2);
	DEAD(reg, 3);
}

/* mul, sub, and, or, xor, neg, shifts and moves keep exact constants. */
static void test_alu_values(void **state)
{
	struct bpf_insn p[] = {
		MOV64_IMM(1, 7), ALU64_IMM(BPF_MUL, 1, 6),	/* 42 */
		ALU64_IMM(BPF_SUB, 1, 2),			/* 40 */
		ALU64_IMM(BPF_OR, 1, 3),			/* 43 */
		ALU64_IMM(BPF_AND, 1, 0x3e),			/* 42 */
		ALU64_IMM(BPF_XOR, 1, 0x0f),			/* 37 */
		INSN(BPF_ALU64 | BPF_NEG, 1, 0, 0, 0),		/* -37 */
		MOV64_REG(2, 1),
		ALU64_IMM(BPF_ARSH, 2, 1),			/* -19 */
		ALU64_IMM(BPF_LSH, 2, 4),			/* -304 */
		ALU64_IMM(BPF_RSH, 2, 60),			/* 15 */
		ALU64_REG(BPF_ADD, 2, 1),			/* -22 */
		JMP_IMM(BPF_JEQ, 2, -22, 1), POISON, EXIT,
	};
	struct bpf_insn div[] = { MOV64_IMM(1, 8), ALU64_IMM(BPF_DIV, 1, 2),
				  JMP_IMM(BPF_JEQ, 1, 4, 1), POISON, EXIT };
	struct bpf_insn wide[] = { MOV64_IMM(1, 1), MOV64_IMM(2, 64), ALU64_REG(BPF_LSH, 1, 2),
				   JMP_IMM(BPF_JEQ, 1, 1, 1), POISON, EXIT };

	(void)state;
	DEAD(p, 13);
	p[12].imm = -21;
	LIVE(p, 13);
	LIVE(div, 3);	/* not modelled: unknown, so reachable */
	LIVE(wide, 4);	/* shift by the width: unknown */
}

/* Loops converge, keep constants not changed in the loop, lose the others. */
static void test_loop(void **state)
{
	struct bpf_insn p[] = {
		MOV64_IMM(6, 5), MOV64_IMM(1, 0),
		ALU64_IMM(BPF_ADD, 1, 1),		/* 2: loop */
		JMP_IMM(BPF_JLT, 1, 10, -2),
		JMP_IMM(BPF_JEQ, 6, 5, 1), POISON,	/* r6 still 5: dead */
		JMP_IMM(BPF_JEQ, 1, 0, 1), POISON,	/* r1 unknown: reachable */
		EXIT,
	};
	struct bpf_insn forever[] = { MOV64_IMM(1, 0), ALU64_IMM(BPF_ADD, 1, 1), JA(-2), POISON, EXIT };

	(void)state;
	DEAD(p, 5);
	LIVE(p, 7);
	DEAD(forever, 3);
	LIVE(forever, 1);
}

/* ld_imm64 is two slots: both reached, the constant is both halves. */
static void test_ld_imm64(void **state)
{
	struct bpf_insn p[] = { LD64(1, 0, 0), JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	struct bpf_insn map[] = { INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 1, 0, 0), INSN(0, 0, 0, 0, 0),
				  JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	uint8_t opaque[5] = { 1 };

	(void)state;
	LIVE(p, 1);
	DEAD(p, 3);
	LIVE(map, 3);	/* a map address: not a known value */
	assert_int_equal(reached_at(p, N(p), 3, false, opaque), 1);	/* failed record */
}

/* Calls clobber r0-r5 and keep r6-r9. */
static void test_call_clobbers(void **state)
{
	struct bpf_insn r1[] = { MOV64_IMM(1, 0), CALL(1), JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };
	struct bpf_insn r6[] = { MOV64_IMM(6, 0), CALL(1), JMP_IMM(BPF_JEQ, 6, 0, 1), POISON, EXIT };

	(void)state;
	LIVE(r1, 3);
	DEAD(r6, 3);
}

/* == / != against a constant: the equal side knows the register. */
static void test_refine(void **state)
{
	struct bpf_insn p[] = { LDX64(1, 1, 0), JMP_IMM(BPF_JNE, 1, 7, 3),
				JMP_IMM(BPF_JEQ, 1, 7, 1), POISON, EXIT,
				JMP_IMM(BPF_JNE, 1, 7, 1), POISON, EXIT };

	(void)state;
	DEAD(p, 3);
	LIVE(p, 6);	/* on the != side r1 may still be anything else */
}

/* Subprograms: reached through a reached call only (unless roots). */
static void test_subprog(void **state)
{
	struct bpf_insn called[] = { PCALL(1), EXIT, POISON, EXIT };
	struct bpf_insn dead_call[] = { MOV64_IMM(1, 0), JMP_IMM(BPF_JEQ, 1, 0, 1), PCALL(1), EXIT,
					POISON, EXIT };

	(void)state;
	LIVE(called, 2);
	DEAD(dead_call, 4);
	assert_int_equal(reached_at(dead_call, N(dead_call), 4, true, NULL), 1);
}

/* Control flow the pass cannot follow: everything counts as reached. */
static void test_unsure(void **state)
{
	struct bpf_insn out[] = { MOV64_IMM(1, 0), JMP_IMM(BPF_JEQ, 1, 0, 1), POISON,
				  JMP_IMM(BPF_JEQ, 2, 0, 100), EXIT };
	struct bpf_insn off_end[] = { MOV64_IMM(1, 0), JMP_IMM(BPF_JEQ, 1, 0, 1), POISON,
				      MOV64_IMM(0, 0) };
	struct bpf_insn mid_ld[] = { JA(1), LD64(1, 0, 0), MOV64_IMM(1, 0),
				     JMP_IMM(BPF_JEQ, 1, 0, 1), POISON, EXIT };

	(void)state;
	LIVE(out, 2);
	LIVE(off_end, 2);
	LIVE(mid_ld, 5);
}

/*
 * Two sections, as in an object: a program calls a .text function through
 * an ELF relocation (global symbol, imm -1); a static function that only
 * dead code calls stays dead, a global one is loaded regardless.
 */
static void test_sections(void **state)
{
	struct bpf_insn prog[] = { PCALL(-1), MOV64_IMM(1, 0), JMP_IMM(BPF_JEQ, 1, 0, 1),
				   PCALL(-1), EXIT };
	struct bpf_insn text[] = { POISON, EXIT, POISON, EXIT };
	struct uz_reach_ref refs[] = {
		{ .insn = 0, .sec = 1, .sym_value = 0, .global = true },
		{ .insn = 3, .sec = 1, .sym_value = 16, .global = false },
	};
	uint8_t r0[N(prog)], r1[N(text)];
	uint32_t entry = 0;
	struct uz_reach_sec s[2] = {
		{ .insns = prog, .insn_cnt = N(prog), .refs = refs, .ref_cnt = 2,
		  .entries = &entry, .entry_cnt = 1, .reached = r0 },
		{ .insns = text, .insn_cnt = N(text), .reached = r1 },
	};

	(void)state;
	assert_int_equal(uz_reach(s, 2, false), 0);
	assert_int_equal(r1[0], 1);
	assert_int_equal(r1[2], 0);
	assert_int_equal(r0[3], 0);
	refs[1].global = true;
	assert_int_equal(uz_reach(s, 2, false), 0);
	assert_int_equal(r1[2], 1);
	/* a symbol outside the program sections is a kfunc, not a subprogram */
	refs[0].sec = SIZE_MAX;
	refs[1].global = false;
	assert_int_equal(uz_reach(s, 2, false), 0);
	assert_int_equal(r1[0], 0);
	/* entry points unknown: all reached */
	s[0].all_reached = true;
	refs[0].sec = 1;
	assert_int_equal(uz_reach(s, 2, false), 0);
	assert_int_equal(r0[3], 1);
}

/* ---- soundness against a concrete interpreter --------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t pick(uint64_t n)
{
	return rnd() % n;
}

/* A random program of straight-line ALU, branches, calls and ld_imm64. */
static size_t gen_prog(struct bpf_insn *p, size_t max)
{
	static const uint8_t alu[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND,
				       BPF_LSH, BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV,
				       BPF_ARSH };
	static const uint8_t jmp[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
				       BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE };
	size_t n = 4 + pick(max - 5), i;

	for (i = 0; i + 1 < n; i++) {
		uint8_t d = (uint8_t)pick(7), s = (uint8_t)pick(7);
		int32_t imm = (int32_t)pick(7) - 3;
		uint64_t k = pick(10);

		if (k < 2) {
			p[i] = MOV64_IMM(d, imm);
		} else if (k < 5) {
			uint8_t op = alu[pick(sizeof(alu))];
			uint8_t cls = pick(2) ? BPF_ALU64 : BPF_ALU;

			if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
				imm = (int32_t)pick(cls == BPF_ALU ? 32 : 64);
			p[i] = pick(2) ? INSN(cls | op | BPF_K, d, 0, 0, imm) :
					 INSN(cls | op | BPF_X, d, s, 0, 0);
		} else if (k < 8) {
			uint8_t cls = pick(2) ? BPF_JMP : BPF_JMP32;
			int16_t off = (int16_t)((int64_t)pick(n - 1) - (int64_t)i - 1);

			p[i] = pick(2) ? INSN(cls | jmp[pick(sizeof(jmp))] | BPF_K, d, 0, off, imm) :
					 INSN(cls | jmp[pick(sizeof(jmp))] | BPF_X, d, s, off, 0);
		} else if (k < 9) {
			p[i] = CALL(1);
		} else if (i + 2 < n) {
			p[i] = INSN(BPF_LD | BPF_IMM | BPF_DW, d, 0, 0, imm);
			p[++i] = INSN(0, 0, 0, 0, (int32_t)pick(2));
		} else {
			p[i] = JA(0);
		}
	}
	p[n - 1] = EXIT;
	return n;
}

static bool cmp(uint8_t op, uint64_t a, uint64_t b, bool w32)
{
	int64_t sa = w32 ? (int32_t)a : (int64_t)a, sb = w32 ? (int32_t)b : (int64_t)b;

	if (w32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JNE: return a != b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	default: return (a & b) != 0;	/* JSET */
	}
}

static uint64_t alu_run(uint8_t op, uint64_t d, uint64_t s, bool w32)
{
	unsigned int w = w32 ? 32 : 64;

	if (w32) {
		d = (uint32_t)d;
		s = (uint32_t)s;
	}
	switch (op) {
	case BPF_ADD: d += s; break;
	case BPF_SUB: d -= s; break;
	case BPF_MUL: d *= s; break;
	case BPF_DIV: d = s ? d / s : 0; break;
	case BPF_MOD: d = s ? d % s : d; break;
	case BPF_OR: d |= s; break;
	case BPF_AND: d &= s; break;
	case BPF_XOR: d ^= s; break;
	case BPF_MOV: d = s; break;
	case BPF_NEG: d = 0 - d; break;
	case BPF_LSH: d <<= s & (w - 1); break;
	case BPF_RSH: d >>= s & (w - 1); break;
	default:	/* ARSH */
		d = w32 ? (uint32_t)((int32_t)d >> (s & 31)) : (uint64_t)((int64_t)d >> (s & 63));
	}
	return w32 ? (uint32_t)d : d;
}

/* Execute from random registers; mark every instruction executed in @ran. */
static void interpret(const struct bpf_insn *p, size_t n, uint8_t *ran)
{
	uint64_t r[11];
	size_t i = 0, steps, k;

	for (k = 0; k < 11; k++)
		r[k] = pick(4) ? pick(7) - 3 : rnd();
	for (steps = 0; steps < 400 && i < n; steps++) {
		const struct bpf_insn *in = &p[i];
		uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		bool w32 = cls == BPF_ALU || cls == BPF_JMP32;
		uint64_t src = BPF_SRC(in->code) == BPF_X ? r[in->src_reg] :
			       w32 ? (uint32_t)in->imm : (uint64_t)(int64_t)in->imm;

		ran[i] = 1;
		if (cls == BPF_ALU || cls == BPF_ALU64) {
			r[in->dst_reg] = alu_run(op, r[in->dst_reg], src, w32);
		} else if (cls == BPF_LD) {
			ran[i + 1] = 1;
			r[in->dst_reg] = (uint32_t)in->imm | (uint64_t)(uint32_t)p[i + 1].imm << 32;
			i += 2;
			continue;
		} else if (op == BPF_EXIT) {
			return;
		} else if (op == BPF_CALL) {
			for (k = 0; k <= 5; k++)
				r[k] = pick(2) ? pick(7) - 3 : rnd();
		} else if (op == BPF_JA || cmp(op, r[in->dst_reg], src, w32)) {
			i += (size_t)((int64_t)in->off + 1);
			continue;
		}
		i++;
	}
}

/*
 * The property the pass exists for: an instruction it calls dead is one no
 * execution reaches. Random programs, each run from many random register
 * files (the pass assumes nothing about them); every executed instruction
 * must be marked reached.
 */
static void test_sound_vs_interpreter(void **state)
{
	struct bpf_insn p[40];
	uint8_t reached[40], ran[40];
	size_t prog, run, i, n, dead = 0;
	uint32_t entry = 0;

	(void)state;
	for (prog = 0; prog < 20000; prog++) {
		struct uz_reach_sec s = { .insns = p, .entries = &entry, .entry_cnt = 1,
					  .reached = reached };

		n = gen_prog(p, sizeof(p) / sizeof(p[0]));
		s.insn_cnt = n;
		assert_int_equal(uz_reach(&s, 1, false), 0);
		memset(ran, 0, sizeof(ran));
		for (run = 0; run < 16; run++)
			interpret(p, n, ran);
		for (i = 0; i < n; i++) {
			if (ran[i] && !reached[i])
				fail_msg("program %zu: insn %zu executed but called dead", prog, i);
			dead += !reached[i];
		}
	}
	print_message("%zu instructions of 20000 random programs proven dead\n", dead);
	assert_true(dead > 1000);	/* the pass does decide branches */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_branch_both_ways),
		cmocka_unit_test(test_unknown_register),
		cmocka_unit_test(test_32bit),
		cmocka_unit_test(test_jset_signed),
		cmocka_unit_test(test_alu_values),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_ld_imm64),
		cmocka_unit_test(test_call_clobbers),
		cmocka_unit_test(test_refine),
		cmocka_unit_test(test_subprog),
		cmocka_unit_test(test_unsure),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_sound_vs_interpreter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
