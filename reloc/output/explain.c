/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Explanations for people: for every relocation that was poisoned or
 * failed, the source spec, each candidate tried and why it was rejected,
 * and the nearest names the kernel has instead (edit distance), and for a
 * poisoned one whether it is dead code (uz_record.dead); plus the
 * translation of a verifier rejection of a poisoned instruction
 * ("call unknown#195896080") back into that explanation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "relocation.h"


static void explain_record(const struct uz_relocation *rel, size_t i, FILE *f)
{
	const struct uz_record *r = &rel->recs[i];
	size_t k;

	uz_rel_near_finish(rel, i);
	fprintf(f, "section '%s' insn %u (record #%u): %s %s [%s, access %s] -> %s\n", r->section,
		r->insn, r->relo_idx, uz_kind_name(r->kind), *r->spec ? r->spec : "?",
		r->local_type, r->access, r->result == UZ_RESULT_POISONED ? "POISONED" : "ERROR");
	fprintf(f, "  target: %s\n", rel->target_name);
	for (k = 0; k < r->cand_cnt; k++) {
		const struct uz_candidate *c = &rel->cands[rel->cand_first[i] + k];

		fprintf(f, "  candidate %s [%u]: %s%s\n", c->name, c->type_id,
			c->matched ? "matched " : "", c->verdict);
	}
	if (!r->cand_cnt && r->result == UZ_RESULT_POISONED)
		fprintf(f, "  no candidate type\n");
	fprintf(f, "  why: %s\n", r->message);
	if (r->result == UZ_RESULT_POISONED && r->dead)
		fprintf(f, "  dead code: the instruction is poisoned, but no path reaches it on this kernel once the existence checks are constants; the verifier drops it and the program loads\n");
	else if (r->result == UZ_RESULT_POISONED)
		fprintf(f, "  reachable: the instruction is poisoned and a path of the program reaches it on this kernel, so the kernel refuses the program (guard the access with bpf_core_field_exists()/bpf_core_type_exists())\n");
}

static size_t dead_poison(const struct uz_relocation *rel, bool dead)
{
	size_t i, n = 0;

	for (i = 0; i < rel->rec_cnt; i++)
		n += rel->recs[i].result == UZ_RESULT_POISONED && rel->recs[i].dead == dead;
	return n;
}

int uz_relocation_write_explain(const struct uz_relocation *rel, FILE *f)
{
	size_t i, n = 0;

	if (!rel || !f)
		return -EINVAL;
	for (i = 0; i < rel->rec_cnt; i++) {
		if (rel->recs[i].result == UZ_RESULT_OK)
			continue;
		if (n++)
			fputc('\n', f);
		explain_record(rel, i, f);
	}
	if (!n)
		fprintf(f, "all %zu relocations resolve on %s\n", rel->rec_cnt, rel->target_name);
	else
		fprintf(f, "\n%zu poisoned on %s: %zu in dead code, %zu reachable; %zu failed\n",
			uz_relocation_count(rel, UZ_RESULT_POISONED), rel->target_name,
			dead_poison(rel, true), dead_poison(rel, false),
			uz_relocation_count(rel, UZ_RESULT_ERROR));
	return ferror(f) ? -EIO : 0;
}

/* Instruction index of the first "call unknown#195896080" line in @log, or -1. */
static long poisoned_insn_in_log(const char *log)
{
	const char *p = strstr(log ? log : "", "unknown#195896080");
	const char *line;

	while (p) {
		line = p;
		while (line > log && line[-1] != '\n')
			line--;
		if (*line >= '0' && *line <= '9') {
			char *end;
			long v = strtol(line, &end, 10);

			if (*end == ':')
				return v;
		}
		p = strstr(p + 1, "unknown#195896080");
	}
	return -1;
}

int uz_relocation_explain_verifier_log(const struct uz_relocation *rel, const char *section,
				       uint32_t prog_insn_off, const char *log, FILE *out)
{
	long idx = poisoned_insn_in_log(log);
	size_t i, hits = 0;

	if (!rel || !section || !out)
		return -EINVAL;
	if (!log || !strstr(log, "unknown#195896080"))
		return 0;
	for (i = 0; i < rel->rec_cnt; i++) {
		const struct uz_record *r = &rel->recs[i];

		if (r->result != UZ_RESULT_POISONED || strcmp(r->section, section) != 0)
			continue;
		if (idx >= 0 && (long)r->insn != idx + (long)prog_insn_off)
			continue;
		if (!hits++)
			fprintf(out, "the verifier reached an instruction that userize poisoned because a kernel field or type is missing on %s:\n",
				rel->target_name);
		explain_record(rel, i, out);
	}
	if (!hits) {
		/* the failing insn may sit in an appended subprogram: list the
		 * reachable poisoned records (all of them if none is) */
		bool any_live = dead_poison(rel, false) > 0;

		for (i = 0; i < rel->rec_cnt; i++) {
			if (rel->recs[i].result != UZ_RESULT_POISONED || (any_live && rel->recs[i].dead))
				continue;
			if (!hits++)
				fprintf(out, "the verifier reached a poisoned instruction; %spoisoned relocations on %s:\n",
					any_live ? "reachable " : "", rel->target_name);
			explain_record(rel, i, out);
		}
	}
	return hits ? 1 : 0;
}
