/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the whole relocation pass with the object fuzzed and the
 * target fixed (data/target.btf, btfgen-minimized kernel BTF for the
 * samples): open, relocate (with and without allow_errors, as the input's
 * first byte says), every report, the emitted object, and the emitted
 * object read back (it must open, and say what it was relocated for).
 */
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UZ_OPTS_INIT(uz_object_opts, oo, .name = "fuzz.o");
	UZ_OPTS_INIT(uz_reloc_opts, ro, .allow_errors = size && (data[size - 1] & 1),
		     .allow_cross_endian = true);
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct uz_relocated_info info;
	struct uz_object *obj = NULL, *back = NULL;
	void *out = NULL;
	size_t out_len = 0, i;

	if (uz_object_open_mem(data, size, &oo, &obj, &err))
		return 0;
	if (uz_object_relocate(obj, uz_fuzz_target(), &ro, &rel, &err)) {
		uz_object_free(obj);
		return 0;
	}
	for (i = 0; i < uz_relocation_record_cnt(rel); i++) {
		const struct uz_record *r = uz_relocation_record(rel, i);
		size_t c;

		for (c = 0; r && c < r->cand_cnt; c++)
			(void)uz_record_candidate(rel, i, c);
	}
	uz_relocation_write_json(rel, uz_fuzz_sink());
	uz_relocation_write_text(rel, uz_fuzz_sink());
	uz_relocation_write_explain(rel, uz_fuzz_sink());
	if (!uz_relocation_write_mem(rel, &out, &out_len, &err)) {
		/* What we emit we must be able to read again. */
		if (uz_object_open_mem(out, out_len, &oo, &back, &err)) {
			fprintf(stderr, "emitted object does not open: %s\n", err.msg);
			abort();
		}
		if (uz_object_core_relo_cnt(obj) && uz_object_relocated_for(back, &info) != 1) {
			fprintf(stderr, "emitted object lost its .note.userize\n");
			abort();
		}
		uz_object_free(back);
		free(out);
	}
	uz_relocation_free(rel);
	uz_object_free(obj);
	return 0;
}
