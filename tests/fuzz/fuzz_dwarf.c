/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the DWARF reader (reloc/target/dwarf/). The input is an
 * ELF with DWARF (seeds: small C files built by gcc -gdwarf-4/-5, clang,
 * and s390x gcc for big endian). Its top-level names are indexed first
 * (file.c, index.c); then, as relocation would ask for them, up to 24 of
 * those names go to uz_target_load_mem() with only the DWARF source
 * allowed: grouping of definitions (same.c), conversion to BTF
 * (convert.c), dedup, the BTF check and the name index.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "target/dwarf/dwarf.h"

#define MAX_NAMES 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UZ_OPTS_INIT(uz_target_opts, o, .name = "fuzz-dwarf", .sources = UZ_SOURCE_DWARF);
	struct uz_dw_index idx = { 0 };
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	char *names[MAX_NAMES];
	struct uz_dw_file f;
	size_t cnt = 0, i;
	uint8_t *copy;

	if (size < 4 || memcmp(data, "\177ELF", 4))
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (uz_dw_file_open(&f, "fuzz-dwarf", NULL, copy, size, &err)) {
		free(copy);
		return 0;
	}
	if (!uz_dw_index_build(&idx, &f, &err)) {
		for (i = 0; idx.names && i <= idx.mask && cnt < MAX_NAMES; i++)
			if (idx.names[i].name && (names[cnt] = strdup(idx.names[i].name)))
				cnt++;
	}
	uz_dw_index_free(&idx);
	uz_dw_file_close(&f);
	free(copy);

	o.type_names = (const char *const *)names;
	o.type_name_cnt = cnt;
	if (!uz_target_load_mem(data, size, &o, &t, &err)) {
		static const char *const more[] = { "task_struct", "int", "long unsigned int" };

		(void)uz_target_type_cnt(t);
		(void)uz_target_need_types(t, more, 3, &err);
		uz_target_free(t);
	}
	for (i = 0; i < cnt; i++)
		free(names[i]);
	return 0;
}
