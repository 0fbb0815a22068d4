/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reachability of relocated BPF instructions (reach.c): which instructions
 * the kernel verifier can reach once every CO-RE value is a constant, so
 * that a poisoned instruction in a branch an existence check rules out is
 * known to be dead code. Pure: no I/O, no BTF.
 */
#ifndef UZ_CORE_REACH_H
#define UZ_CORE_REACH_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An ELF relocation on a call or ld_imm64 instruction (a subprogram reference). */
struct uz_reach_ref {
	uint32_t insn;		/* instruction index the relocation applies to */
	size_t sec;		/* section of the symbol, SIZE_MAX when not a program section */
	uint64_t sym_value;	/* the symbol's value: byte offset in its section */
	bool global;		/* a global function: its subprogram is loaded whenever named */
};

/* One program section of the object (or the one program of the raw API). */
struct uz_reach_sec {
	const struct bpf_insn *insns;	/* relocated instructions, host order */
	size_t insn_cnt;
	const struct uz_reach_ref *refs;/* any order */
	size_t ref_cnt;
	const uint32_t *entries;	/* program entry points (function symbols) */
	size_t entry_cnt;
	bool all_reached;		/* entry points unknown: count every instruction reached */
	const uint8_t *opaque;		/* NULL, or per insn: its constant is unknown (failed record) */
	uint8_t *reached;		/* out: insn_cnt bytes, 1 = the verifier can reach it */
};

/*
 * Forward constant propagation over @secs from their entry points, the way
 * the verifier prunes branches whose outcome is decided by constants.
 * Subprograms (BPF_PSEUDO_CALL, ld_imm64 BPF_PSEUDO_FUNC) are reached when
 * a reached instruction names them; with @calls_are_roots, or when the
 * reference is to a global function, whenever any instruction names them.
 * Conservative: anything this pass does not model (division, memory,
 * helper results, malformed code) is unknown, and when it is unsure of the
 * control flow itself every instruction counts as reached.
 * Returns 0 or -ENOMEM.
 */
int uz_reach(struct uz_reach_sec *secs, size_t cnt, bool calls_are_roots);

#endif
