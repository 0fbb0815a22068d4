/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the BPF ELF object reader (reloc/object/: ELF sections,
 * .BTF, .BTF.ext CO-RE records, the .note.userize of relocated objects).
 * Any bytes go to uz_object_open_mem(); an object that opens is queried
 * through every accessor that reads what the reader validated.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UZ_OPTS_INIT(uz_object_opts, opts, .name = "fuzz.o");
	struct uz_error err = { 0 };
	struct uz_relocated_info info;
	struct uz_object *obj = NULL;

	if (uz_object_open_mem(data, size, &opts, &obj, &err))
		return 0;
	(void)uz_object_is_big_endian(obj);
	(void)uz_object_core_relo_cnt(obj);
	(void)uz_object_relocated_for(obj, &info);
	uz_object_free(obj);
	return 0;
}
