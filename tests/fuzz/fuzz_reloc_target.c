/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the whole relocation pass with the target fuzzed and the
 * object fixed (data/object.o, a sample with CO-RE records and userize
 * tags). The target bytes may be read by any source (raw BTF and its
 * containers, DWARF, a btfgen archive entry for release "fuzz", a tracefs
 * tar); relocation runs with allow_errors so every record is resolved and
 * reported, then the object is emitted.
 */
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UZ_OPTS_INIT(uz_target_opts, to, .name = "fuzz-target", .kernel_release = "fuzz");
	UZ_OPTS_INIT(uz_reloc_opts, ro, .allow_errors = true, .allow_cross_endian = true);
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	void *out = NULL;
	size_t out_len = 0;

	if (uz_target_load_mem(data, size, &to, &t, &err))
		return 0;
	if (!uz_object_relocate(uz_fuzz_object(), t, &ro, &rel, &err)) {
		uz_relocation_write_json(rel, uz_fuzz_sink());
		uz_relocation_write_explain(rel, uz_fuzz_sink());
		if (!uz_relocation_write_mem(rel, &out, &out_len, &err))
			free(out);
		uz_relocation_free(rel);
	}
	uz_target_free(t);
	return 0;
}
