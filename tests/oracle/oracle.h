/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * oracle.h: libbpf as the reference relocator for the equivalence tests.
 *
 * oracle_run() opens a BPF object with libbpf's public API once per main
 * program (only that program autoloaded, so a CO-RE failure in one program
 * does not hide the others), relocates it against a target BTF
 * (opts.btf_custom_path), loads it into the running kernel (root) and keeps
 * libbpf's final instructions, whether or not the verifier accepted them.
 * libbpf's log tells which CO-RE records it processed, poisoned or failed.
 *
 * The final instructions of a program are its main function followed by
 * copies of the .text subprograms it calls; oracle_run() maps every such
 * region back to its ELF section and instruction offset (symbol table and
 * pseudo-call targets) so a test can compare them index by index with the
 * section's instructions. Instructions that libbpf changes for non-CO-RE
 * reasons (map and global-data LD_IMM64, pseudo-call immediates) carry an
 * ELF relocation and are flagged as "linked".
 *
 * Not thread-safe: libbpf's print callback is process-global.
 */
#ifndef UZ_TESTS_ORACLE_H
#define UZ_TESTS_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

/* One contiguous piece of a program's final instructions. */
struct oracle_region {
	uint32_t start;        /* first index in oracle_prog.insns */
	uint32_t cnt;          /* instruction count */
	char *section;         /* ELF section the code comes from */
	uint32_t sec_insn_off; /* first instruction index within that section */
	char *func;            /* function symbol name */
};

enum oracle_relo_state {
	ORACLE_RELO_DONE = 0,  /* patched with a value */
	ORACLE_RELO_POISONED,  /* replaced by call 0xbad2310 */
	ORACLE_RELO_FAILED,    /* libbpf refused: relocation aborted */
};

/* A CO-RE record as libbpf's log reported it. */
struct oracle_relo {
	char *section;         /* .BTF.ext section (ELF section of the insn) */
	uint32_t relo_idx;     /* record index within that section */
	enum oracle_relo_state state;
};

struct oracle_prog {
	char *name;            /* main program function name */
	char *section;         /* its ELF section */
	struct bpf_insn *insns; /* libbpf's final instructions (copy) */
	size_t insn_cnt;
	struct oracle_region *regions; /* regions[0] is the main program */
	size_t region_cnt;
	bool core_failed;      /* a CO-RE record failed: insns are partial */
	bool loaded;           /* the verifier accepted the program */
	int load_err;          /* bpf_object__load() result */
	struct oracle_relo *relos;
	size_t relo_cnt;
	char *log;             /* libbpf's whole log for this program's load */
};

struct oracle_result {
	struct oracle_prog *progs;
	size_t prog_cnt;
};

/*
 * Relocate @obj_path against @target_btf (a BTF or ELF-with-.BTF file;
 * "/sys/kernel/btf/vmlinux" for the running kernel) with libbpf. Returns 0,
 * or a negative errno with a sentence in @err when the object cannot even be
 * opened or mapped (CO-RE and verifier failures are reported per program).
 */
int oracle_run(const char *obj_path, const char *target_btf,
	       struct oracle_result **out, char *err, size_t err_len);
void oracle_free(struct oracle_result *res);

/* The record libbpf reported for (section, relo_idx) in @prog, or NULL. */
const struct oracle_relo *oracle_prog_relo(const struct oracle_prog *prog,
					   const char *section, uint32_t relo_idx);

/* ---- the object's own ELF, as compiled -------------------------------- */

struct oracle_elf;

int oracle_elf_open(const char *path, struct oracle_elf **out, char *err,
		    size_t err_len);
void oracle_elf_free(struct oracle_elf *elf);
/* Unrelocated instructions of section @name, NULL if there is none. */
const struct bpf_insn *oracle_elf_insns(const struct oracle_elf *elf,
					const char *name, size_t *cnt);
/* True when the instruction at @insn_idx of section @name (or the first half
 * of an LD_IMM64 just before it) has an ELF relocation. */
bool oracle_elf_insn_linked(const struct oracle_elf *elf, const char *name,
			    uint32_t insn_idx);

#endif /* UZ_TESTS_ORACLE_H */
