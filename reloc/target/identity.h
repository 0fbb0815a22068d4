/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A target's identity as a relocated object records it: identity.c. */
#ifndef UZ_TARGET_IDENTITY_H
#define UZ_TARGET_IDENTITY_H

#include "target/target.h"

/* Fill @info with @t's name, release, build id, BTF digest and source. */
void uz_target_identity(const struct uz_target *t, struct uz_relocated_info *info);

#endif
