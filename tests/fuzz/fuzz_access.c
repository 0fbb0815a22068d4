/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: access-string parsing and resolution, through the public
 * uz_insns_relocate() so the path is production's (spec parse, candidates,
 * matching with userize tags, value calculation, instruction patching).
 * The local BTF is a sample object's (data/local.btf) plus the fuzzed
 * access string; the target is data/target.btf. Input layout:
 *   [0] kind (mod 16: 13..15 are invalid kinds)   [1] instruction template
 *   [2..3] local type id (le16)   [4..7] value recorded in the instruction
 *   [8..] the access string (up to a NUL or the end)
 */
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/bpf.h>

#include "fuzz_common.h"

#define SEC_NAME "kprobe/fuzz"

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* The instructions around the relocated one; returns the count. */
static size_t insns_for(unsigned int tmpl, uint32_t val, struct bpf_insn *in, uint32_t *off)
{
	size_t n = 0;

	*off = 0;
	memset(in, 0, 4 * sizeof(*in));
	switch (tmpl % 6) {
	case 0: /* r1 = *(u32 *)(r2 + val) */
		in[n++] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 1,
					     .src_reg = 2, .off = (int16_t)val };
		break;
	case 1: /* r1 = val */
		in[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1,
					     .imm = (int32_t)val };
		break;
	case 2: /* r1 = val ll */
	case 5: /* the same, the record pointing at its second half */
		in[n++] = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1,
					     .imm = (int32_t)val };
		in[n++] = (struct bpf_insn){ 0 };
		if (tmpl % 6 == 5)
			*off = sizeof(struct bpf_insn);
		break;
	case 3: /* *(u64 *)(r1 + val) = r2 */
		in[n++] = (struct bpf_insn){ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = 1,
					     .src_reg = 2, .off = (int16_t)val };
		break;
	default: /* r1 += val */
		in[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 1,
					     .imm = (int32_t)val };
		break;
	}
	in[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 };
	in[n++] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UZ_OPTS_INIT(uz_reloc_opts, ro, .allow_errors = (size & 1) != 0);
	static const uint8_t *local;
	static size_t local_len;
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct bpf_insn insns[4];
	uint8_t ext[32 + 12 + 16];
	uint32_t val, tid, insn_off, raw_len;
	int sec_off, acc_off;
	char access[512];
	const void *raw;
	struct btf *btf;
	size_t n, alen;

	if (!local)
		local = uz_fuzz_data("local.btf", &local_len);
	if (size < 8)
		return 0;
	alen = size - 8 < sizeof(access) - 1 ? size - 8 : sizeof(access) - 1;
	memcpy(access, data + 8, alen);
	access[alen] = 0;
	tid = (uint32_t)data[2] | (uint32_t)data[3] << 8;
	memcpy(&val, data + 4, 4);
	n = insns_for(data[1], val, insns, &insn_off);

	btf = btf__new(local, (uint32_t)local_len);
	if (!btf)
		abort(); /* the fixed local BTF must parse */
	sec_off = btf__add_str(btf, SEC_NAME);
	acc_off = btf__add_str(btf, access);
	raw = btf__raw_data(btf, &raw_len);
	if (sec_off < 0 || acc_off < 0 || !raw)
		abort();

	memset(ext, 0, sizeof(ext));
	ext[0] = 0x9f; ext[1] = 0xeb; ext[2] = 1;  /* magic 0xeB9F (little endian), version 1 */
	put32(ext + 4, 32);                          /* hdr_len */
	put32(ext + 28, 12 + 16);                    /* core_relo_len (core_relo_off 0) */
	put32(ext + 32, 16);                         /* record size */
	put32(ext + 36, (uint32_t)sec_off);
	put32(ext + 40, 1);                          /* one record */
	put32(ext + 44, insn_off);
	put32(ext + 48, tid);
	put32(ext + 52, (uint32_t)acc_off);
	put32(ext + 56, data[0] % 16u);

	if (!uz_insns_relocate(insns, n, SEC_NAME, raw, raw_len, ext, sizeof(ext),
			       uz_fuzz_target(), &ro, &rel, &err)) {
		size_t i;

		for (i = 0; i < uz_relocation_record_cnt(rel); i++)
			(void)uz_record_candidate(rel, i, 0);
		uz_relocation_write_json(rel, uz_fuzz_sink());
		uz_relocation_write_explain(rel, uz_fuzz_sink());
		uz_relocation_free(rel);
	}
	btf__free(btf);
	return 0;
}
