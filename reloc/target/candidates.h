/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* CO-RE candidates of a local root name in a target (candidates.c). */
#ifndef UZ_TARGET_CANDIDATES_H
#define UZ_TARGET_CANDIDATES_H

#include "target/target.h"

/* Target types @name (modulo flavor) may stand for, of a kind compatible
 * with local type @lt; *@ids is malloc'ed (NULL when none), caller frees.
 * 0 or -ENOMEM (then *@ids may hold a partial list to free). */
int uz_target_candidates(const struct uz_target *tgt, const struct btf_type *lt,
			 const char *name, uint32_t **ids, size_t *cnt);

#endif
