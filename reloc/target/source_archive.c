/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The archive source: one entry of a btfgen archive (btfgen/, format in
 * docs/btfgen.md), chosen by uz_target_opts.kernel_release / kernel_build_id
 * or, by default, the running kernel's release, then its build id. A
 * complete source: the entry's minimized BTF is rebuilt in memory,
 * validated and indexed at open. Its type ids are the entry's own, which no
 * kernel knows, so relocate.c poisons target_type_id records from it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "btfgen/btfgen_ar.h"
#include "target/source.h"

static bool archive_probe(const struct uz_source_input *in)
{
	uint8_t head[UZ_AR_HDR_LEN];
	FILE *f;
	bool ok;

	if (in->data)
		return uz_archive_probe(in->data, in->len);
	f = fopen(in->path, "rb");
	if (!f)
		return false;
	ok = fread(head, 1, sizeof(head), f) == sizeof(head) && uz_archive_probe(head, sizeof(head));
	fclose(f);
	return ok;
}

static int set_prov(struct uz_target *t, const struct uz_archive *a, size_t idx)
{
	const struct uz_archive_entry_info *in = uz_archive_entry(a, idx);
	char what[512];
	int r;

	snprintf(what, sizeof(what), "btfgen archive entry %zu of %zu: %s%s%s%s%s", idx + 1,
		 uz_archive_entry_cnt(a), in->release, *in->arch ? " " : "", in->arch,
		 *in->distro ? ", " : "", in->distro);
	r = uz_target_set_prov(t, &t->prov.container, what);
	r = r ?: uz_target_set_prov(t, &t->prov.release, in->release);
	return r ?: uz_target_set_prov(t, &t->prov.build_id, in->build_id);
}

static int archive_open(struct uz_target *t, const struct uz_source_input *in,
			struct uz_error *err)
{
	const char *rel = UZ_OPTS_GET(in->opts, kernel_release, NULL);
	const char *bid = UZ_OPTS_GET(in->opts, kernel_build_id, NULL);
	struct uz_archive *a = NULL;
	uint8_t *data = NULL;
	size_t idx, len;
	int r;

	if (in->data) {
		r = uz_archive_open_mem(in->data, in->len, &a, err);
	} else {
		r = uz_read_file(in->path, &data, &len, err);
		r = r ?: uz_archive_open_mem(data, len, &a, err);
	}
	r = r ?: uz_archive_find(a, rel, bid, &idx, err);
	r = r ?: uz_archive_entry_load(a, idx, t->name, &t->btf, &t->idx, err);
	r = r ?: set_prov(t, a, idx);
	if (r)
		uz_err_prefix(err, "%s", t->name);
	uz_archive_free(a);
	free(data);
	return r;
}

const struct uz_source uz_source_archive = {
	.name = "archive",
	.kind = UZ_SOURCE_ARCHIVE,
	.probe = archive_probe,
	.open = archive_open,
};
