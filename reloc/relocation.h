/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The result of relocating one object against one target: patched code + report. */
#ifndef UZ_RELOCATION_H
#define UZ_RELOCATION_H

#include "core/core.h"
#include "object/object.h"

struct uz_relocation {
	const struct uz_object *obj;   /* borrowed: must outlive the relocation */
	const struct uz_target *target; /* borrowed too: written into .note.userize */
	char *target_name;
	struct bpf_insn **insns;       /* per program section of obj, patched copies */
	struct uz_record *recs;
	size_t rec_cnt, rec_cap;
	struct uz_candidate *cands;
	size_t cand_cnt, cand_cap;
	size_t *cand_first;            /* per record: index of its first candidate */
	/* per record: its message without the source locations (FILE:LINE of
	 * a tracefs format) the driver put in, or NULL when it has none; what
	 * btfgen's proof compares against BTF that has no such positions */
	const char **plain_msg;
	char **strs;                   /* owned strings the records point to */
	size_t str_cnt, str_cap;
	struct uz_object *owned_obj;   /* set by uz_insns_relocate */
	struct uz_near_later *near;    /* messages still without their nearest names */
	size_t near_cnt, near_cap;
};

/* Keep a copy of @s (or "") in the relocation; NULL on allocation failure. */
const char *uz_rel_strdup(struct uz_relocation *rel, const char *s);

/*
 * output/near_later.c: format "@head@tail" into @msg (@msz bytes), record
 * @r's message for now, to become "@head; nearest names: N@tail" (N: the
 * types of @btf nearest to @looked, of @kind) when first read. Records must
 * be registered in record order. -ENOMEM on allocation failure.
 */
int uz_rel_near_later(struct uz_relocation *rel, const struct uz_record *r, const struct btf *btf,
		      unsigned int kind, const char *looked, const char *head, const char *tail,
		      char *msg, size_t msz);
/* Complete the message of record @rec, or of every record: call before
 * reading a message (the public accessor and the writers do). */
void uz_rel_near_finish(const struct uz_relocation *rel, size_t rec);
void uz_rel_near_finish_all(const struct uz_relocation *rel);
void uz_rel_near_free(struct uz_relocation *rel);
/* Record @idx as it stands: its message may still lack its nearest names
 * (for callers that compare results, not messages of missing types). */
static inline const struct uz_record *uz_rel_record_peek(const struct uz_relocation *rel,
							  size_t idx)
{
	return rel && idx < rel->rec_cnt ? &rel->recs[idx] : NULL;
}
/* The message of record @i without source locations (see plain_msg). */
const char *uz_rel_plain_message(const struct uz_relocation *rel, size_t i);

#endif
