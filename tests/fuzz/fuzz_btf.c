/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the BTF validator. Raw BTF (either byte order) through
 * uz_target_load_mem() with only the BTF source allowed: libbpf's parse,
 * then uz_btf_check (ids, string offsets, sizes, reference loops) and the
 * name index. A target that loads is walked the way relocation walks it:
 * every type resolved through modifiers and sized, every name looked up.
 */
#include <bpf/btf.h>

#include "fuzz_common.h"
#include "target/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UZ_OPTS_INIT(uz_target_opts, o, .name = "fuzz.btf", .sources = UZ_SOURCE_BTF);
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	const struct btf *btf;
	uint32_t id, n;

	if (uz_target_load_mem(data, size, &o, &t, &err))
		return 0;
	btf = uz_target_btf(t);
	n = uz_target_type_cnt(t);
	/* After the check these walks must terminate and stay in bounds. */
	for (id = 1; id < n && id < 4096; id++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		uint32_t res;
		char buf[128];

		(void)btf__resolve_size(btf, id);
		(void)uz_skip_mods(btf, id, &res);
		(void)uz_type_str(btf, id, buf, sizeof(buf));
		if (bt && bt->name_off) {
			const char *name = btf__name_by_offset(btf, bt->name_off);

			if (name)
				(void)uz_name_index_first(&t->idx, name, uz_essential_name_len(name));
		}
	}
	uz_target_free(t);
	return 0;
}
