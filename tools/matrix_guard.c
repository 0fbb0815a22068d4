/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize matrix`: the policy for guarded dead reads.
 *
 * Programs read optional fields behind an existence check:
 *
 *	if (bpf_core_field_exists(rq->rq_disk))
 *		disk = BPF_CORE_READ(rq, rq_disk);
 *
 * On a kernel without the field the read's relocation is poisoned, which is
 * harmless: the check answers 0, the branch is dead and the verifier drops
 * it. The matrix cannot see control flow, so the guard is matched by
 * specification: a poisoned field relocation (byte_off, byte_sz, signed,
 * lshift_u64, rshift_u64) is "guarded" when the same object holds a
 * field_exists record with the same local root type and the same access
 * string that answered 0 on that kernel. Enum values follow the same rule
 * (a poisoned enumval_value guarded by an enumval_exists of the same
 * enumerator). A match says nothing about reachability; a read that is in
 * fact reachable is still rejected by the verifier at load time.
 */
#include <string.h>

#include "matrix.h"

bool mx_kind_is_existence(unsigned int kind)
{
	return kind == UZ_FIELD_EXISTS || kind == UZ_TYPE_EXISTS || kind == UZ_ENUMVAL_EXISTS ||
	       kind == UZ_TYPE_MATCHES || kind == UZ_TYPE_ID_TARGET;
}

/* The existence kind that can guard a poisoned @kind, or UZ_KIND_MAX. */
static unsigned int guard_kind(unsigned int kind)
{
	switch (kind) {
	case UZ_FIELD_BYTE_OFFSET:
	case UZ_FIELD_BYTE_SIZE:
	case UZ_FIELD_SIGNED:
	case UZ_FIELD_LSHIFT_U64:
	case UZ_FIELD_RSHIFT_U64:
		return UZ_FIELD_EXISTS;
	case UZ_ENUMVAL_VALUE:
		return UZ_ENUMVAL_EXISTS;
	default:
		return UZ_KIND_MAX;
	}
}

static bool answers_absent(const struct mx_rec *r, unsigned int kind)
{
	return r->kind == kind && r->result == UZ_RESULT_OK && r->new_value == 0;
}

/* Set recs[i].guarded for every poisoned read of one object on one kernel. */
void mx_guard_mark(struct mx_rec *recs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct mx_rec *r = &recs[i];
		unsigned int gk = guard_kind(r->kind);

		r->guarded = false;
		if (r->result != UZ_RESULT_POISONED || gk == UZ_KIND_MAX)
			continue;
		for (j = 0; j < n && !r->guarded; j++)
			r->guarded = answers_absent(&recs[j], gk) &&
				     recs[j].local_type_id == r->local_type_id &&
				     !strcmp(recs[j].access, r->access);
	}
}
