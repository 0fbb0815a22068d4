/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Nearest names computed when a message is first read. A record whose root
 * type the kernel lacks says so with the kernel's closest type names, and
 * finding those scans every type of the target (edit distance against each
 * name of the kind): for an object with many missing types that scan was
 * nearly all of a relocation (tests/bpf/fields.o against 6.18: 95 % of
 * `userize btfgen`), although btfgen, its proof and a quiet matrix never
 * print the message. So relocate.c records what the suggestion needs, the
 * record carries the message without it, and the first reader that can
 * see the message (uz_relocation_record(), the report and explanation
 * writers) completes it: the same text, byte for byte, as computing it at
 * once. The types scanned are those the record was resolved against (a
 * lazy source keeps a replaced btf until the target is freed).
 */
#include <stdio.h>
#include <stdlib.h>

#include "relocation.h"

struct uz_near_later {
	size_t rec;               /* index of the record */
	const struct btf *btf;    /* the types it was resolved against */
	unsigned int kind;        /* local root kind */
	size_t msz;               /* the message buffer it was formatted into */
	char *looked, *head, *tail; /* message: head [; nearest names: N] tail */
};

static void entry_free(struct uz_near_later *e)
{
	free(e->looked);
	free(e->head);
	free(e->tail);
	e->looked = e->head = e->tail = NULL;
}

int uz_rel_near_later(struct uz_relocation *rel, const struct uz_record *r, const struct btf *btf,
		      unsigned int kind, const char *looked, const char *head, const char *tail,
		      char *msg, size_t msz)
{
	struct uz_near_later *e;

	snprintf(msg, msz, "%s%s", head, tail);

	if (rel->near_cnt == rel->near_cap) {
		size_t cap = rel->near_cap ? rel->near_cap * 2 : 16;
		struct uz_near_later *n = realloc(rel->near, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		rel->near = n;
		rel->near_cap = cap;
	}
	e = &rel->near[rel->near_cnt];
	e->rec = (size_t)(r - rel->recs);
	e->btf = btf;
	e->kind = kind;
	e->msz = msz;
	e->looked = strdup(looked);
	e->head = strdup(head);
	e->tail = strdup(tail);
	if (!e->looked || !e->head || !e->tail) {
		entry_free(e);
		return -ENOMEM;
	}
	rel->near_cnt++;
	return 0;
}

/* Complete entry @e; its record's message is replaced only if it still is
 * the one formatted without the names. */
static void finish(struct uz_relocation *rel, struct uz_near_later *e)
{
	struct uz_record *r = &rel->recs[e->rec];
	char near[256], *before, *full;
	const char *s;

	if (!e->head)
		return;
	before = malloc(e->msz);
	full = malloc(e->msz);
	if (before && full) {
		snprintf(before, e->msz, "%s%s", e->head, e->tail);
		if (!strcmp(r->message, before)) {
			uz_nearest_types(e->btf, e->kind, e->looked, near, sizeof(near));
			snprintf(full, e->msz, "%s%s%s%s", e->head, *near ? "; nearest names: " : "",
				 near, e->tail);
			s = uz_rel_strdup(rel, full);
			if (s)
				r->message = s;
		}
	}
	free(before);
	free(full);
	entry_free(e);
}

void uz_rel_near_finish(const struct uz_relocation *crel, size_t rec)
{
	/* the names are part of the record, only computed late: the
	 * relocation is a cache here, as a lazy target is */
	struct uz_relocation *rel = (struct uz_relocation *)crel;
	size_t lo = 0, hi = rel->near_cnt, mid;

	/* entries are added in record order */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rel->near[mid].rec < rec)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rel->near_cnt && rel->near[lo].rec == rec)
		finish(rel, &rel->near[lo]);
}

void uz_rel_near_finish_all(const struct uz_relocation *crel)
{
	struct uz_relocation *rel = (struct uz_relocation *)crel;
	size_t i;

	for (i = 0; i < rel->near_cnt; i++)
		finish(rel, &rel->near[i]);
}

void uz_rel_near_free(struct uz_relocation *rel)
{
	size_t i;

	for (i = 0; i < rel->near_cnt; i++)
		entry_free(&rel->near[i]);
	free(rel->near);
	rel->near = NULL;
	rel->near_cnt = rel->near_cap = 0;
}
