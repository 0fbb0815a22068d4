/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Target types: the kernel's BTF (plus optional module split BTF) and its name index. */
#ifndef UZ_TARGET_H
#define UZ_TARGET_H

#include "target/name_index.h"

struct uz_target {
	char *name;
	struct btf *base;     /* owned base (vmlinux) when the target is split BTF */
	struct btf *btf;      /* the types relocation resolves against */
	uint32_t module_start; /* first module type id (== type count when not split) */
	struct uz_name_index idx;
};

#endif
