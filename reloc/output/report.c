/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The per-relocation report: accessors, the JSON form (a stable array of
 * objects with fixed keys that the matrix and scripts consume) and the
 * aligned text form for humans.
 */
#include <inttypes.h>

#include "output/json.h"
#include "relocation.h"

size_t uz_relocation_record_cnt(const struct uz_relocation *rel)
{
	return rel ? rel->rec_cnt : 0;
}

const struct uz_record *uz_relocation_record(const struct uz_relocation *rel, size_t idx)
{
	if (!rel || idx >= rel->rec_cnt)
		return NULL;
	uz_rel_near_finish(rel, idx);
	return &rel->recs[idx];
}

const struct uz_candidate *uz_record_candidate(const struct uz_relocation *rel,
					       size_t rec_idx, size_t cand_idx)
{
	if (!rel || rec_idx >= rel->rec_cnt || cand_idx >= rel->recs[rec_idx].cand_cnt)
		return NULL;
	return &rel->cands[rel->cand_first[rec_idx] + cand_idx];
}

size_t uz_relocation_count(const struct uz_relocation *rel, enum uz_result res)
{
	size_t i, n = 0;

	for (i = 0; rel && i < rel->rec_cnt; i++)
		n += rel->recs[i].result == res;
	return n;
}

const void *uz_relocation_insns(const struct uz_relocation *rel, const char *section,
				size_t *insn_cnt)
{
	size_t i;

	if (insn_cnt)
		*insn_cnt = 0;
	if (!rel || !section)
		return NULL;
	for (i = 0; i < rel->obj->sec_cnt; i++) {
		if (strcmp(rel->obj->secs[i].name, section) == 0) {
			if (insn_cnt)
				*insn_cnt = rel->obj->secs[i].insn_cnt;
			return rel->insns[i];
		}
	}
	if (insn_cnt)
		*insn_cnt = 0;
	return NULL;
}

static const char *result_name(enum uz_result r)
{
	switch (r) {
	case UZ_RESULT_OK: return "ok";
	case UZ_RESULT_POISONED: return "poisoned";
	default: return "error";
	}
}

int uz_relocation_write_json(const struct uz_relocation *rel, FILE *f)
{
	size_t i;

	if (!rel || !f)
		return -EINVAL;
	uz_rel_near_finish_all(rel);
	fputs("[", f);
	for (i = 0; i < rel->rec_cnt; i++) {
		const struct uz_record *r = &rel->recs[i];

		fputs(i ? ",\n {" : "\n {", f);
		fputs("\"section\": ", f);
		uz_json_put_str(f, r->section);
		fprintf(f, ", \"insn\": %u, \"kind\": ", r->insn);
		uz_json_put_str(f, uz_kind_name(r->kind));
		fputs(", \"local_type\": ", f);
		uz_json_put_str(f, r->local_type);
		fputs(", \"access\": ", f);
		uz_json_put_str(f, r->access);
		fputs(", \"spec\": ", f);
		uz_json_put_str(f, r->spec);
		fputs(", \"result\": ", f);
		uz_json_put_str(f, result_name(r->result));
		fprintf(f, ", \"dead\": %s", r->dead ? "true" : "false");
		fprintf(f, ", \"orig_value\": %" PRIu64 ", \"new_value\": %" PRIu64 ", \"target_type\": ",
			r->orig_value, r->new_value);
		uz_json_put_str(f, r->target_type);
		fputs(", \"target_spec\": ", f);
		uz_json_put_str(f, r->target_spec);
		fputs(", \"message\": ", f);
		uz_json_put_str(f, r->message);
		fputs("}", f);
	}
	fputs(rel->rec_cnt ? "\n]\n" : "]\n", f);
	return ferror(f) ? -EIO : 0;
}

int uz_relocation_write_text(const struct uz_relocation *rel, FILE *f)
{
	size_t i, dead;

	if (!rel || !f)
		return -EINVAL;
	uz_rel_near_finish_all(rel);
	fprintf(f, "target: %s\n", rel->target_name);
	fprintf(f, "%-28s %5s %-14s %-36s %-36s %10s  %s\n", "section", "insn", "kind", "spec",
		"target", "value", "result");
	for (i = 0; i < rel->rec_cnt; i++) {
		const struct uz_record *r = &rel->recs[i];
		char val[32];

		if (r->result == UZ_RESULT_OK)
			snprintf(val, sizeof(val), "%" PRIu64, r->new_value);
		else
			snprintf(val, sizeof(val), "-");
		fprintf(f, "%-28s %5u %-14s %-36s %-36s %10s  %s", r->section, r->insn,
			uz_kind_name(r->kind), r->spec, *r->target_spec ? r->target_spec : "-", val,
			r->result == UZ_RESULT_POISONED && r->dead ? "poisoned, dead code" :
								      result_name(r->result));
		if (*r->message)
			fprintf(f, " (%s)", r->message);
		fputc('\n', f);
	}
	for (i = 0, dead = 0; i < rel->rec_cnt; i++)
		dead += rel->recs[i].result == UZ_RESULT_POISONED && rel->recs[i].dead;
	fprintf(f, "%zu relocations: %zu ok, %zu poisoned (%zu in dead code), %zu errors\n",
		rel->rec_cnt, uz_relocation_count(rel, UZ_RESULT_OK),
		uz_relocation_count(rel, UZ_RESULT_POISONED), dead,
		uz_relocation_count(rel, UZ_RESULT_ERROR));
	return ferror(f) ? -EIO : 0;
}
