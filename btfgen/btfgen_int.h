/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * btfgen internals: which target types and members the relocations of a
 * set of objects reach (reach.c), the minimized BTF built from those marks
 * (emit.c), and the proof that it relocates every record exactly as the
 * full types do (prove.c). btfgen.c drives the three for one kernel.
 */
#ifndef UZ_BTFGEN_INT_H
#define UZ_BTFGEN_INT_H

#include <bpf/btf.h>

#include "core/core.h"
#include "object/object.h"
#include "target/target.h"

#define UZ_MARK_TYPE  0x1u  /* the type is kept */
#define UZ_MARK_WHOLE 0x2u  /* composite: every member is kept */
#define UZ_MARK_PTRS  0x4u  /* marked with pointees followed */

/* What the relocations reach in one target's BTF. */
struct uz_marks {
	const struct btf *btf;  /* the full target btf (split included) */
	uint32_t type_cnt;
	uint8_t *flags;         /* per type id, UZ_MARK_* */
	uint64_t **members;     /* per composite type id: bitmap of kept members, or NULL */
	uint32_t *member_ids;   /* the ids whose bitmap is set, to free just those */
	size_t member_cnt, member_cap;
};

int uz_marks_init(struct uz_marks *m, const struct btf *btf, struct uz_error *err);
void uz_marks_free(struct uz_marks *m);

/* reach.c: mark everything the CO-RE records of @obj reach in @tgt. Every
 * candidate that matches a record is marked, not just the first: the
 * minimized BTF then reproduces the same candidate sets, agreements and
 * ambiguities. @use_tags: honour userize decl tags (as uz_object_relocate). */
int uz_btfgen_reach(struct uz_marks *m, const struct uz_object *obj, const struct uz_target *tgt,
		    bool use_tags, struct uz_error *err);

/* emit.c: a standalone BTF holding the marked types (ids in the original
 * order), in the byte order of @m->btf. Pointers to unmarked types point to
 * void. *@out is a new libbpf btf. */
int uz_btfgen_emit(const struct uz_marks *m, struct btf **out, struct uz_error *err);

/* prove.c: relocate @obj against @min and compare every record with
 * @full (the relocation against the full types). @poison_target_ids: @min
 * is an archive entry, so target_type_id records must be poisoned there.
 * A difference is an error naming the record. */
int uz_btfgen_prove(const struct uz_object *obj, const struct uz_relocation *full,
		    const struct uz_target *min, bool use_tags, bool poison_target_ids,
		    struct uz_error *err);

/* btfgen.c: uz_btfgen_minimize() that also hands out the relocations
 * against the full target (@rels: room for @cnt, the caller frees each),
 * for reports that would otherwise relocate again. */
int uz_btfgen_minimize_rels(const struct uz_object *const *objs, size_t cnt,
			    const struct uz_target *target, const struct uz_btfgen_opts *opts,
			    void **data, size_t *len, struct uz_relocation **rels,
			    struct uz_error *err);

#endif
