/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Target types: the kernel's BTF (plus optional module split BTF), its name index, its provenance. */
#ifndef UZ_TARGET_H
#define UZ_TARGET_H

#include "target/name_index.h"

struct uz_source;

struct uz_target {
	char *name;
	struct btf *base;     /* owned base (vmlinux) when the target is split BTF */
	struct btf *btf;      /* the types relocation resolves against */
	uint32_t module_start; /* first module type id (== type count when not split) */
	struct uz_name_index idx;
	struct uz_target_provenance prov;
	char **prov_strs;     /* owned provenance strings */
	size_t prov_str_cnt;
	const struct uz_source *src;
	void *src_state;      /* the source's own state (lazy sources) */
	struct btf **retired; /* btfs replaced by a lazy source, freed with the target */
	size_t retired_cnt;
};

/* Lazy sources: make the root names @names available before resolving. */
int uz_target_need(const struct uz_target *t, const char *const *names, size_t cnt,
		   struct uz_error *err);

/* Where the source read target type @type_id (member @member, -1: the type)
 * from, "FILE:LINE" or "FILE", for messages; false (and "") when it cannot
 * say. See uz_source.describe. */
bool uz_target_describe(const struct uz_target *t, uint32_t type_id, int member, char *buf,
			size_t sz);

#endif
