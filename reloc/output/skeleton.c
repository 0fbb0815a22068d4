/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bpftool skeletons: relocate the object a generated skeleton embeds and
 * point the skeleton at the relocated bytes, so that libbpf opens an object
 * whose CO-RE records are already resolved for the target kernel.
 */
#include <stdlib.h>

#include <bpf/libbpf.h>

#include "common/uz_internal.h"

int uz_skeleton_relocate(struct bpf_object_skeleton *s, const struct uz_target *target,
			 const struct uz_reloc_opts *opts, void **relocated,
			 struct uz_error *err)
{
	UZ_OPTS_INIT(uz_object_opts, oopts);
	struct uz_relocation *rel = NULL;
	struct uz_target *own = NULL;
	struct uz_object *obj = NULL;
	void *data = NULL;
	size_t len = 0;
	int r;

	if (!s || !relocated)
		return uz_err_set(err, -EINVAL, "uz_skeleton_relocate: skeleton and relocated are required");
	*relocated = NULL;
	if (!s->data || !s->data_sz)
		return uz_err_set(err, -EINVAL, "skeleton %s embeds no object: call its __create_skeleton() first",
				  s->name ? s->name : "?");
	oopts.name = s->name;
	r = uz_object_open_mem(s->data, s->data_sz, &oopts, &obj, err);
	if (!r && !target) {
		r = uz_target_load(NULL, NULL, &own, err);
		target = own;
	}
	r = r ?: uz_object_relocate(obj, target, opts, &rel, err);
	r = r ?: uz_relocation_write_mem(rel, &data, &len, err);
	uz_relocation_free(rel);
	uz_target_free(own);
	uz_object_free(obj);
	if (r)
		return r;
	s->data = data;
	s->data_sz = len;
	*relocated = data;
	return 0;
}
