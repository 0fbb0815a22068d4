/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * btfgen, the public entry: relocate the objects against the full target
 * (so lazy sources convert what they need), mark what the records reach
 * (reach.c), emit the minimized BTF (emit.c), load it back as a target and
 * prove it (prove.c). Only a proven BTF is handed out.
 */
#include <stdio.h>
#include <stdlib.h>

#include "btfgen/btfgen_int.h"
#include "relocation.h"

static int relocate_all(const struct uz_object *const *objs, size_t cnt,
			const struct uz_target *t, bool use_tags, struct uz_relocation **rels,
			struct uz_error *err)
{
	/* either byte order: the types an object needs do not depend on it */
	UZ_OPTS_INIT(uz_reloc_opts, ro, .allow_errors = true, .no_userize_tags = !use_tags,
		     .allow_cross_endian = true);
	size_t i;
	int r;

	for (i = 0; i < cnt; i++) {
		r = uz_object_relocate(objs[i], t, &ro, &rels[i], err);
		if (r)
			return r;
	}
	return 0;
}

/* Compare the relocations of @objs against @full and @cand record by record. */
static int verify(const struct uz_object *const *objs, size_t cnt,
		  struct uz_relocation **full_rels, const struct uz_target *cand, bool use_tags,
		  struct uz_error *err)
{
	bool poison_ids = cand->prov.source == UZ_SOURCE_ARCHIVE;
	size_t i;
	int r;

	for (i = 0; i < cnt; i++) {
		r = uz_btfgen_prove(objs[i], full_rels[i], cand, use_tags, poison_ids, err);
		if (r)
			return r;
	}
	return 0;
}

static void free_rels(struct uz_relocation **rels, size_t cnt)
{
	size_t i;

	for (i = 0; rels && i < cnt; i++)
		uz_relocation_free(rels[i]);
	free(rels);
}

static int check_args(const struct uz_object *const *objs, size_t cnt, const void *t,
		      const struct uz_btfgen_opts *opts, struct uz_error *err)
{
	size_t i;

	if (!t || (cnt && !objs))
		return uz_err_set(err, -EINVAL, "btfgen needs objects and a target");
	for (i = 0; i < cnt; i++)
		if (!objs[i])
			return uz_err_set(err, -EINVAL, "btfgen: object %zu is NULL", i);
	return UZ_OPTS_CHECK(opts, uz_btfgen_opts, err);
}

int uz_btfgen_verify(const struct uz_object *const *objs, size_t cnt,
		     const struct uz_target *full, const struct uz_target *cand,
		     const struct uz_btfgen_opts *opts, struct uz_error *err)
{
	bool use_tags = !UZ_OPTS_GET(opts, no_userize_tags, false);
	struct uz_relocation **rels;
	int r = check_args(objs, cnt, full, opts, err);

	if (r)
		return r;
	if (!cand)
		return uz_err_set(err, -EINVAL, "uz_btfgen_verify: no target to check");
	rels = calloc(cnt ? cnt : 1, sizeof(*rels));
	if (!rels)
		return uz_err_set(err, -ENOMEM, "out of memory");
	r = relocate_all(objs, cnt, full, use_tags, rels, err);
	r = r ?: verify(objs, cnt, rels, cand, use_tags, err);
	free_rels(rels, cnt);
	return r;
}

/* Load the minimized bytes back as a target, named after the full one. */
static int load_min(const void *data, size_t len, const struct uz_target *full,
		    struct uz_target **out, struct uz_error *err)
{
	char name[600];
	UZ_OPTS_INIT(uz_target_opts, to, .name = name, .sources = UZ_SOURCE_BTF);

	snprintf(name, sizeof(name), "minimized %s", uz_target_name(full));
	return uz_target_load_mem(data, len, &to, out, err);
}

int uz_btfgen_minimize(const struct uz_object *const *objs, size_t cnt,
		       const struct uz_target *target, const struct uz_btfgen_opts *opts,
		       void **data, size_t *len, struct uz_error *err)
{
	return uz_btfgen_minimize_rels(objs, cnt, target, opts, data, len, NULL, err);
}

int uz_btfgen_minimize_rels(const struct uz_object *const *objs, size_t cnt,
			    const struct uz_target *target, const struct uz_btfgen_opts *opts,
			    void **data, size_t *len, struct uz_relocation **rels_out,
			    struct uz_error *err)
{
	bool use_tags = !UZ_OPTS_GET(opts, no_userize_tags, false);
	struct uz_relocation **rels = NULL;
	struct uz_target *min = NULL;
	struct uz_marks m = { 0 };
	struct btf *out = NULL;
	const void *raw;
	uint32_t raw_len;
	size_t i;
	int r;

	if (!data || !len)
		return uz_err_set(err, -EINVAL, "uz_btfgen_minimize: NULL output");
	*data = NULL;
	*len = 0;
	r = check_args(objs, cnt, target, opts, err);
	if (r)
		return r;
	rels = calloc(cnt ? cnt : 1, sizeof(*rels));
	if (!rels)
		return uz_err_set(err, -ENOMEM, "out of memory");
	r = relocate_all(objs, cnt, target, use_tags, rels, err);
	r = r ?: uz_marks_init(&m, target->btf, err);
	for (i = 0; i < cnt && !r; i++)
		r = uz_btfgen_reach(&m, objs[i], target, use_tags, err);
	r = r ?: uz_btfgen_emit(&m, &out, err);
	if (r)
		goto out;
	raw = btf__raw_data(out, &raw_len);
	if (!raw) {
		r = uz_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	r = load_min(raw, raw_len, target, &min, err);
	if (r) {
		uz_err_prefix(err, "btfgen produced BTF that does not load (a btfgen bug)");
		goto out;
	}
	r = verify(objs, cnt, rels, min, use_tags, err);
	if (r)
		goto out;
	*data = malloc(raw_len ? raw_len : 1);
	if (!*data) {
		r = uz_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	memcpy(*data, raw, raw_len);
	*len = raw_len;
	if (rels_out) {
		memcpy(rels_out, rels, cnt * sizeof(*rels));
		memset(rels, 0, cnt * sizeof(*rels));
	}
out:
	uz_target_free(min);
	btf__free(out);
	uz_marks_free(&m);
	free_rels(rels, cnt);
	return r;
}
