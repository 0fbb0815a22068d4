/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Dead code after relocation: which instructions the kernel verifier can
 * reach. After CO-RE relocation every existence relocation (field_exists,
 * type_exists, enumval_exists, type_matches) and every size or offset is a
 * constant in the instruction stream, and the verifier follows only the
 * branch a constant comparison takes. A poisoned instruction (call
 * 0xbad2310) that no path reaches is dropped as dead code; one that a path
 * reaches makes the load fail.
 *
 * The pass is a forward abstract interpretation over the instructions:
 * each register is a known 64-bit constant or unknown. Constants come from
 * mov and ld_imm64 immediates and flow through mov, add, sub, mul, and, or,
 * xor, shifts and neg, in 64- and 32-bit forms (32-bit results are zero
 * extended). A conditional jump whose operands are both known goes one way;
 * otherwise both, and "==" / "!=" against a constant makes the register
 * that constant on the equal side. Calls clobber r0-r5; loads, division,
 * byte swaps and anything else are unknown; the stack is not tracked (a
 * filled spill is unknown). States are kept at block leaders (jump targets,
 * fall-throughs of conditional jumps, entry points) and joined there
 * (same constant, else unknown), so loops converge: a leader's state can
 * only lose constants. Subprograms are analysed from an unknown state.
 *
 * Every approximation errs towards "reached": an instruction this pass
 * calls dead is one the verifier cannot reach either (for privileged
 * loaders; unprivileged ones are also checked along speculative paths).
 * Control flow it cannot follow (a jump out of the section, into the
 * second half of an ld_imm64, an unresolvable call, a bad register) makes
 * every instruction count as reached.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/reach.h"

#define NREGS 11
#define PSEUDO_CALL 1	/* BPF_PSEUDO_CALL */
#define PSEUDO_FUNC 4	/* BPF_PSEUDO_FUNC */

struct rval {
	uint64_t v;
	bool known;
};

struct rstate {
	struct rval r[NREGS];
};

struct wpos {
	size_t sec;
	uint32_t insn;
};

struct sec_work {
	uint8_t *leader;	/* per insn: states are kept and joined here */
	uint8_t *slot2;		/* per insn: second half of an ld_imm64 */
	uint8_t *queued;
	struct rstate **st;	/* per insn, leaders only, NULL until reached */
	struct uz_reach_ref *refs; /* sorted copy */
};

struct reach {
	struct uz_reach_sec *secs;
	struct sec_work *w;
	size_t cnt;
	struct wpos *queue;
	size_t qlen, qcap;
	bool calls_are_roots;
	bool unsure;		/* control flow not understood: all reached */
	bool nomem;
};

/* ---- values ------------------------------------------------------------ */

static uint64_t sext(uint64_t v, unsigned int bits)
{
	uint64_t m = 1ull << (bits - 1);

	v &= bits == 64 ? ~0ull : (1ull << bits) - 1;
	return (v ^ m) - m;
}

/* Value of an ALU operation on constants; false when it is not modelled. */
static bool alu_eval(uint8_t op, bool is64, int16_t off, uint64_t a, uint64_t b, uint64_t *out)
{
	unsigned int w = is64 ? 64 : 32;
	uint64_t r;

	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	if (off && op != BPF_MOV)
		return false;	/* signed division and modulo (cpu v4) */
	switch (op) {
	case BPF_ADD: r = a + b; break;
	case BPF_SUB: r = a - b; break;
	case BPF_MUL: r = a * b; break;
	case BPF_OR: r = a | b; break;
	case BPF_AND: r = a & b; break;
	case BPF_XOR: r = a ^ b; break;
	case BPF_NEG: r = 0 - a; break;
	case BPF_LSH:
		if (b >= w)
			return false;
		r = a << b;
		break;
	case BPF_RSH:
		if (b >= w)
			return false;
		r = a >> b;
		break;
	case BPF_ARSH:
		if (b >= w)
			return false;
		r = sext(a, w);
		r = (uint64_t)((int64_t)r >> b);
		break;
	case BPF_MOV:
		if (off && off != 8 && off != 16 && (off != 32 || !is64))
			return false;
		r = off ? sext(b, (unsigned int)off) : b;
		break;
	default:
		return false;	/* div, mod, byte swaps */
	}
	*out = is64 ? r : (uint32_t)r;
	return true;
}

/* 1 taken, 0 not taken, -1 not a comparison this pass decides. */
static int jmp_eval(uint8_t op, bool is64, uint64_t a, uint64_t b)
{
	int64_t sa, sb;

	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	sa = (int64_t)sext(a, is64 ? 64 : 32);
	sb = (int64_t)sext(b, is64 ? 64 : 32);
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
	case BPF_JSET: return (a & b) != 0;
	default: return -1;
	}
}

static bool is_cond_jump(uint8_t op)
{
	return jmp_eval(op, true, 0, 0) >= 0;
}

static void clobber_call(struct rstate *s)
{
	int i;

	for (i = 0; i <= 5; i++)
		s->r[i].known = false;
}

static void set_known(struct rstate *s, unsigned int reg, uint64_t v)
{
	if (reg < 10) {
		s->r[reg].known = true;
		s->r[reg].v = v;
	}
}

static void set_unknown(struct rstate *s, unsigned int reg)
{
	if (reg < NREGS)
		s->r[reg].known = false;
}

/* ---- worklist ---------------------------------------------------------- */

static void enqueue(struct reach *rc, size_t sec, uint32_t insn)
{
	if (rc->w[sec].queued[insn])
		return;
	if (rc->qlen == rc->qcap) {
		size_t cap = rc->qcap ? rc->qcap * 2 : 64;
		struct wpos *q = realloc(rc->queue, cap * sizeof(*q));

		if (!q) {
			rc->nomem = true;
			return;
		}
		rc->queue = q;
		rc->qcap = cap;
	}
	rc->w[sec].queued[insn] = 1;
	rc->queue[rc->qlen].sec = sec;
	rc->queue[rc->qlen++].insn = insn;
}

/* Hand state @s to instruction @t of section @sec; 64-bit so a bad
 * target (negative or past the end) is seen as one. */
static void propagate(struct reach *rc, size_t sec, int64_t t, const struct rstate *s)
{
	struct sec_work *w = &rc->w[sec];
	struct rstate *d;
	bool changed = false;
	int i;

	if (t < 0 || (uint64_t)t >= rc->secs[sec].insn_cnt || w->slot2[t]) {
		rc->unsure = true;
		return;
	}
	w->leader[t] = 1;
	d = w->st[t];
	if (!d) {
		d = malloc(sizeof(*d));
		if (!d) {
			rc->nomem = true;
			return;
		}
		*d = *s;
		w->st[t] = d;
		enqueue(rc, sec, (uint32_t)t);
		return;
	}
	for (i = 0; i < NREGS; i++) {
		if (d->r[i].known && (!s->r[i].known || s->r[i].v != d->r[i].v)) {
			d->r[i].known = false;
			changed = true;
		}
	}
	if (changed)
		enqueue(rc, sec, (uint32_t)t);
}

/* ---- subprogram references --------------------------------------------- */

static int ref_cmp(const void *a, const void *b)
{
	const struct uz_reach_ref *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

static const struct uz_reach_ref *ref_at(const struct reach *rc, size_t sec, uint32_t insn)
{
	struct uz_reach_ref key = { .insn = insn };

	if (!rc->w[sec].refs)
		return NULL;
	return bsearch(&key, rc->w[sec].refs, rc->secs[sec].ref_cnt, sizeof(key), ref_cmp);
}

/*
 * Where the call or ld_imm64 at @sec:@i leads, as libbpf resolves it:
 * through its ELF relocation (symbol offset plus the immediate), else, for
 * BPF_PSEUDO_CALL and BPF_PSEUDO_FUNC, relative to the instruction.
 * 1 a subprogram at @tsec:@t, 0 not a subprogram reference (helper, kfunc,
 * map or variable address), -1 unresolvable.
 */
static int subprog_target(const struct reach *rc, size_t sec, uint32_t i, size_t *tsec,
			  int64_t *t, bool *global)
{
	const struct bpf_insn *in = &rc->secs[sec].insns[i];
	const struct uz_reach_ref *ref;
	bool ld = in->code == (BPF_LD | BPF_IMM | BPF_DW);
	int64_t bytes;

	*global = false;
	if (!ld && (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != PSEUDO_CALL))
		return 0;
	ref = ref_at(rc, sec, i);
	if (!ref) {
		if (ld && in->src_reg != PSEUDO_FUNC)
			return 0;
		*tsec = sec;
		*t = (int64_t)i + in->imm + 1;
		return 1;
	}
	if (ref->sec == SIZE_MAX)
		return 0;	/* extern: a kfunc, a ksym, a variable */
	if (ref->sec >= rc->cnt || ref->sym_value % 8 || ref->sym_value > INT32_MAX)
		return -1;
	*tsec = ref->sec;
	*global = ref->global;
	if (!ld) {
		*t = (int64_t)(ref->sym_value / 8) + in->imm + 1;
		return 1;
	}
	bytes = (int64_t)ref->sym_value + in->imm;
	if (bytes % 8)
		return -1;
	*t = bytes / 8;
	return 1;
}

/* A reached reference to a subprogram: analyse it from an unknown state. */
static void enter_subprog(struct reach *rc, size_t sec, uint32_t i)
{
	struct rstate top;
	size_t tsec;
	int64_t t;
	bool global;
	int r;

	memset(&top, 0, sizeof(top));
	r = subprog_target(rc, sec, i, &tsec, &t, &global);
	if (r < 0)
		rc->unsure = true;
	else if (r > 0)
		propagate(rc, tsec, t, &top);
}

/* ---- one instruction --------------------------------------------------- */

static void step_alu(struct reach *rc, size_t sec, uint32_t i, struct rstate *s)
{
	const struct bpf_insn *in = &rc->secs[sec].insns[i];
	const uint8_t *opaque = rc->secs[sec].opaque;
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	uint8_t op = BPF_OP(in->code);
	uint64_t a = 0, b, r;
	bool ka = true, kb = true;

	if (in->dst_reg >= 10) {
		if (in->dst_reg > 10)
			rc->unsure = true;	/* r10 is read-only: the verifier refuses */
		return;
	}
	if (op == BPF_END || (opaque && opaque[i])) {
		set_unknown(s, in->dst_reg);
		return;
	}
	if (op != BPF_MOV) {
		a = s->r[in->dst_reg].v;
		ka = s->r[in->dst_reg].known;
	}
	if (op == BPF_NEG) {
		b = 0;
	} else if (BPF_SRC(in->code) == BPF_K) {
		b = is64 ? (uint64_t)(int64_t)in->imm : (uint32_t)in->imm;
	} else if (in->src_reg < NREGS) {
		b = s->r[in->src_reg].v;
		kb = s->r[in->src_reg].known;
	} else {
		rc->unsure = true;
		return;
	}
	if (ka && kb && alu_eval(op, is64, in->off, a, b, &r))
		set_known(s, in->dst_reg, r);
	else
		set_unknown(s, in->dst_reg);
}

/* ld_imm64 and the legacy packet loads; returns the next instruction. */
static int64_t step_ld(struct reach *rc, size_t sec, uint32_t i, struct rstate *s)
{
	const struct uz_reach_sec *rs = &rc->secs[sec];
	const struct bpf_insn *in = &rs->insns[i];

	if (in->code != (BPF_LD | BPF_IMM | BPF_DW)) {
		clobber_call(s);	/* LD_ABS / LD_IND call into the kernel */
		return (int64_t)i + 1;
	}
	if ((size_t)i + 1 >= rs->insn_cnt) {
		rc->unsure = true;
		return -1;
	}
	rs->reached[i + 1] = 1;
	enter_subprog(rc, sec, i);
	if (in->src_reg == 0 && !ref_at(rc, sec, i) && !(rs->opaque && rs->opaque[i]))
		set_known(s, in->dst_reg, (uint32_t)in->imm |
					  (uint64_t)(uint32_t)rs->insns[i + 1].imm << 32);
	else
		set_unknown(s, in->dst_reg);
	return (int64_t)i + 2;
}

/* A conditional jump: each side that can be taken gets the state. */
static void step_cond(struct reach *rc, size_t sec, uint32_t i, const struct rstate *s)
{
	const struct bpf_insn *in = &rc->secs[sec].insns[i];
	bool is64 = BPF_CLASS(in->code) == BPF_JMP, kb = true;
	uint8_t op = BPF_OP(in->code);
	struct rstate eq = *s, ne = *s;
	unsigned int d = in->dst_reg, sr = NREGS;
	uint64_t b;
	int taken = -1;

	if (d >= NREGS) {
		rc->unsure = true;
		return;
	}
	if (BPF_SRC(in->code) == BPF_K) {
		b = is64 ? (uint64_t)(int64_t)in->imm : (uint32_t)in->imm;
	} else if ((sr = in->src_reg) < NREGS) {
		b = s->r[sr].v;
		kb = s->r[sr].known;
	} else {
		rc->unsure = true;
		return;
	}
	if (s->r[d].known && kb)
		taken = jmp_eval(op, is64, s->r[d].v, b);
	if (taken < 0 && is64 && (op == BPF_JEQ || op == BPF_JNE)) {
		/* the equal side learns the constant */
		if (kb && !s->r[d].known)
			set_known(&eq, d, b);
		else if (sr < NREGS && !kb && s->r[d].known)
			set_known(&eq, sr, s->r[d].v);
	}
	if (taken != 0)
		propagate(rc, sec, (int64_t)i + in->off + 1, op == BPF_JNE ? &ne : &eq);
	if (taken != 1)
		propagate(rc, sec, (int64_t)i + 1, op == BPF_JNE ? &eq : &ne);
}

/*
 * Walk from leader @start with its state until the path ends or meets
 * another leader.
 */
static void walk(struct reach *rc, size_t sec, uint32_t start)
{
	const struct uz_reach_sec *rs = &rc->secs[sec];
	struct sec_work *w = &rc->w[sec];
	struct rstate s = *w->st[start];
	int64_t i = start, next;

	for (;;) {
		const struct bpf_insn *in = &rs->insns[i];
		uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

		rs->reached[i] = 1;
		next = i + 1;
		if (cls == BPF_ALU || cls == BPF_ALU64) {
			step_alu(rc, sec, (uint32_t)i, &s);
		} else if (cls == BPF_LD) {
			next = step_ld(rc, sec, (uint32_t)i, &s);
		} else if (cls == BPF_LDX) {
			set_unknown(&s, in->dst_reg);
		} else if (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC) {
			set_unknown(&s, in->src_reg);	/* fetch forms */
			set_unknown(&s, 0);		/* cmpxchg */
		} else if (cls == BPF_JMP || cls == BPF_JMP32) {
			if (op == BPF_EXIT)
				return;
			if (op == BPF_CALL) {
				enter_subprog(rc, sec, (uint32_t)i);
				clobber_call(&s);
			} else if (op == BPF_JA) {
				propagate(rc, sec, i + 1 + (cls == BPF_JMP ? in->off : in->imm), &s);
				return;
			} else if (is_cond_jump(op)) {
				step_cond(rc, sec, (uint32_t)i, &s);
				return;
			} else {
				/* may_goto and what this pass does not know: both ways */
				propagate(rc, sec, i + in->off + 1, &s);
				propagate(rc, sec, i + 1, &s);
				return;
			}
		}
		if (rc->unsure || rc->nomem)
			return;
		if (next < 0 || (uint64_t)next >= rs->insn_cnt) {
			rc->unsure = true;	/* falls off the end */
			return;
		}
		if (w->leader[next]) {
			propagate(rc, sec, next, &s);
			return;
		}
		i = next;
	}
}

/* ---- driver ------------------------------------------------------------ */

/* Leaders known up front: jump targets and conditional fall-throughs. */
static void prescan(struct reach *rc, size_t sec)
{
	const struct uz_reach_sec *rs = &rc->secs[sec];
	struct sec_work *w = &rc->w[sec];
	size_t i;

	for (i = 0; i < rs->insn_cnt; i++) {
		const struct bpf_insn *in = &rs->insns[i];
		uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		int64_t t;

		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 < rs->insn_cnt) {
			w->slot2[++i] = 1;
			continue;
		}
		if ((cls != BPF_JMP && cls != BPF_JMP32) || op == BPF_CALL || op == BPF_EXIT)
			continue;
		t = (int64_t)i + 1 + (cls == BPF_JMP32 && op == BPF_JA ? in->imm : in->off);
		if (t >= 0 && (uint64_t)t < rs->insn_cnt)
			w->leader[t] = 1;
		if (op != BPF_JA && i + 1 < rs->insn_cnt)
			w->leader[i + 1] = 1;
	}
}

/* Entry points, and subprograms loaded whether or not a path calls them. */
static void roots(struct reach *rc, size_t sec)
{
	const struct uz_reach_sec *rs = &rc->secs[sec];
	struct rstate top;
	size_t i, tsec;
	int64_t t;
	bool global;
	int r;

	memset(&top, 0, sizeof(top));
	for (i = 0; i < rs->entry_cnt; i++)
		propagate(rc, sec, rs->entries[i], &top);
	for (i = 0; i < rs->insn_cnt; i++) {
		if (rc->w[sec].slot2[i])
			continue;
		r = subprog_target(rc, sec, (uint32_t)i, &tsec, &t, &global);
		if (r < 0) {
			rc->unsure = true;
			return;
		}
		if (r > 0 && (global || rc->calls_are_roots))
			propagate(rc, tsec, t, &top);
	}
}

static void work_free(struct reach *rc)
{
	size_t k, i;

	for (k = 0; rc->w && k < rc->cnt; k++) {
		struct sec_work *w = &rc->w[k];

		for (i = 0; w->st && i < rc->secs[k].insn_cnt; i++)
			free(w->st[i]);
		free(w->st);
		free(w->leader);
		free(w->slot2);
		free(w->queued);
		free(w->refs);
	}
	free(rc->w);
	free(rc->queue);
}

static int work_alloc(struct reach *rc)
{
	size_t k;

	rc->w = calloc(rc->cnt ? rc->cnt : 1, sizeof(*rc->w));
	if (!rc->w)
		return -ENOMEM;
	for (k = 0; k < rc->cnt; k++) {
		struct uz_reach_sec *rs = &rc->secs[k];
		struct sec_work *w = &rc->w[k];
		size_t n = rs->insn_cnt ? rs->insn_cnt : 1;

		memset(rs->reached, 0, rs->insn_cnt);
		w->leader = calloc(n, 1);
		w->slot2 = calloc(n, 1);
		w->queued = calloc(n, 1);
		w->st = calloc(n, sizeof(*w->st));
		if (!w->leader || !w->slot2 || !w->queued || !w->st)
			return -ENOMEM;
		if (rs->ref_cnt) {
			w->refs = malloc(rs->ref_cnt * sizeof(*w->refs));
			if (!w->refs)
				return -ENOMEM;
			memcpy(w->refs, rs->refs, rs->ref_cnt * sizeof(*w->refs));
			qsort(w->refs, rs->ref_cnt, sizeof(*w->refs), ref_cmp);
		}
	}
	return 0;
}

static void run(struct reach *rc)
{
	size_t k, total = 0, walks = 0;

	for (k = 0; k < rc->cnt; k++) {
		prescan(rc, k);
		total += rc->secs[k].insn_cnt;
	}
	for (k = 0; k < rc->cnt && !rc->unsure; k++)
		roots(rc, k);
	/* a leader's state only loses constants: at most NREGS + 1 walks each */
	while (rc->qlen && !rc->unsure && !rc->nomem) {
		struct wpos p = rc->queue[--rc->qlen];

		rc->w[p.sec].queued[p.insn] = 0;
		if (++walks > (NREGS + 1) * total + 16) {
			rc->unsure = true;
			break;
		}
		walk(rc, p.sec, p.insn);
	}
}

int uz_reach(struct uz_reach_sec *secs, size_t cnt, bool calls_are_roots)
{
	struct reach rc = { .secs = secs, .cnt = cnt, .calls_are_roots = calls_are_roots };
	size_t k;
	int e;

	e = work_alloc(&rc);
	if (!e) {
		run(&rc);
		e = rc.nomem ? -ENOMEM : 0;
	}
	for (k = 0; k < cnt; k++)
		if (e || rc.unsure || secs[k].all_reached)
			memset(secs[k].reached, 1, secs[k].insn_cnt);
	work_free(&rc);
	return e;
}
