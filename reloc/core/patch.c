/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Instruction patching. Which part of an instruction carries the relocated
 * value depends on its class: ALU/ALU64 with an immediate -> imm;
 * LDX/ST/STX -> off (at most 32767), and the access size is rewritten when
 * the field size changed (only where calc.c judged it safe, else poison);
 * LD_IMM64 -> both 32-bit halves. Before patching, the value the compiler
 * put in the instruction is checked against the local spec's value, so a
 * record that does not belong to its instruction is caught. Poison turns
 * the instruction (both slots of LD_IMM64) into "call 0xbad2310", which the
 * verifier removes as dead code or rejects with "unknown#195896080".
 */
#include <limits.h>
#include <stdio.h>

#include "core/core.h"

static void poison_one(struct bpf_insn *insn)
{
	insn->code = BPF_JMP | BPF_CALL;
	insn->dst_reg = 0;
	insn->src_reg = 0;
	insn->off = 0;
	insn->imm = UZ_POISON_IMM;
}

static bool is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static int size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_DW: return 8;
	case BPF_W: return 4;
	case BPF_H: return 2;
	case BPF_B: return 1;
	default: return -1;
	}
}

static int size_code(uint32_t bytes)
{
	switch (bytes) {
	case 8: return BPF_DW;
	case 4: return BPF_W;
	case 2: return BPF_H;
	case 1: return BPF_B;
	default: return -1;
	}
}

static void poison(struct bpf_insn *insn, size_t avail)
{
	if (is_ldimm64(insn) && avail > 1)
		poison_one(insn + 1);
	poison_one(insn);
}

int uz_patch_insn(struct bpf_insn *insn, size_t avail, const struct uz_relo_res *res,
		  char *why, size_t why_sz)
{
	uint64_t orig = res->orig_val, val = res->new_val;

	if (res->poison) {
		poison(insn, avail);
		return 0;
	}
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K) {
			snprintf(why, why_sz, "ALU instruction (code 0x%02x) has no immediate to relocate",
				 insn->code);
			return -EINVAL;
		}
		if (res->validate && (uint64_t)(int64_t)insn->imm != orig) {
			snprintf(why, why_sz, "instruction immediate is %d but the record expects %llu: the record does not belong to this instruction",
				 insn->imm, (unsigned long long)orig);
			return -EINVAL;
		}
		insn->imm = (int32_t)val;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (res->validate && (uint64_t)(int64_t)insn->off != orig) {
			snprintf(why, why_sz, "instruction offset is %d but the record expects %llu: the record does not belong to this instruction",
				 insn->off, (unsigned long long)orig);
			return -EINVAL;
		}
		if (val > SHRT_MAX) {
			snprintf(why, why_sz, "field offset %llu does not fit a load/store offset (max %d)",
				 (unsigned long long)val, SHRT_MAX);
			return -ERANGE;
		}
		if (res->fail_memsz_adjust) {
			/* reading a signed or non-scalar field at another width would be wrong */
			poison(insn, avail);
			return 0;
		}
		insn->off = (int16_t)val;
		if (res->new_sz != res->orig_sz) {
			int code;

			if (size_bytes(insn->code) != (int)res->orig_sz) {
				snprintf(why, why_sz, "load/store of %d bytes, but the local field is %u bytes",
					 size_bytes(insn->code), res->orig_sz);
				return -EINVAL;
			}
			code = size_code(res->new_sz);
			if (code < 0) {
				snprintf(why, why_sz, "target field size %u cannot be loaded by one instruction",
					 res->new_sz);
				return -EINVAL;
			}
			insn->code = (uint8_t)(BPF_MODE(insn->code) | code | BPF_CLASS(insn->code));
		}
		return 0;
	case BPF_LD: {
		uint64_t imm;

		if (!is_ldimm64(insn) || avail < 2 || insn[0].src_reg || insn[0].off ||
		    insn[1].code || insn[1].dst_reg || insn[1].src_reg || insn[1].off) {
			snprintf(why, why_sz, "LD_IMM64 instruction has an unexpected form");
			return -EINVAL;
		}
		imm = (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
		if (res->validate && imm != orig) {
			snprintf(why, why_sz, "LD_IMM64 value is %llu but the record expects %llu: the record does not belong to this instruction",
				 (unsigned long long)imm, (unsigned long long)orig);
			return -EINVAL;
		}
		insn[0].imm = (int32_t)(uint32_t)val;
		insn[1].imm = (int32_t)(uint32_t)(val >> 32);
		return 0;
	}
	default:
		snprintf(why, why_sz, "instruction class 0x%x (code 0x%02x) cannot carry a CO-RE relocation",
			 BPF_CLASS(insn->code), insn->code);
		return -EINVAL;
	}
}
