// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uz-bench-btfmerge: one flat raw BTF holding a vmlinux and the split BTF of
 * kernel modules, the largest target of the scaling series of
 * tools/bench/bench.sh (what a CO-RE engine searches when it looks at the
 * modules too):
 *
 *   uz-bench-btfmerge OUT.btf VMLINUX MODULE...
 *
 * MODULE: raw split BTF or a .ko. Each module's own types are appended
 * after the types already written, their references to module types
 * shifted by the module's new start (references into vmlinux keep their
 * ids). A .ko without a .BTF section is left out and counted. Prints
 * "TYPES MODULES_MERGED MODULES_WITHOUT_BTF". Uses libbpf only. Not a test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "bench_util.h"

static void shift(__u32 *id, __u32 start, __u32 delta)
{
	if (*id >= start)
		*id += delta;
}

/* Remap every type id @t refers to (ids >= @start are the module's own). */
static void remap(struct btf_type *t, __u32 start, __u32 delta)
{
	__u16 vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
		shift(&t->type, start, delta);
		break;
	case BTF_KIND_ARRAY:
		shift(&btf_array(t)->type, start, delta);
		shift(&btf_array(t)->index_type, start, delta);
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (__u16 i = 0; i < vlen; i++)
			shift(&btf_members(t)[i].type, start, delta);
		break;
	case BTF_KIND_FUNC_PROTO:
		shift(&t->type, start, delta);
		for (__u16 i = 0; i < vlen; i++)
			shift(&btf_params(t)[i].type, start, delta);
		break;
	case BTF_KIND_DATASEC:
		for (__u16 i = 0; i < vlen; i++)
			shift(&btf_var_secinfos(t)[i].type, start, delta);
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	struct btf *base, *out;
	int merged = 0, nobtf = 0;
	const void *raw;
	__u32 size;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: uz-bench-btfmerge OUT.btf VMLINUX MODULE...\n");
		return 2;
	}
	base = btf__parse(argv[2], NULL);
	if (!base)
		bench_die("cannot read %s: %s", argv[2], strerror(errno));
	out = btf__new_empty();
	if (!out || btf__add_btf(out, base) < 0)
		bench_die("cannot copy %s", argv[2]);
	for (int m = 3; m < argc; m++) {
		struct btf *mod = btf__parse_split(argv[m], base);
		__u32 start, cnt, first;

		if (!mod && errno == ENOENT) {
			nobtf++;
			continue;
		}
		if (!mod)
			bench_die("cannot read %s as split BTF of %s: %s", argv[m], argv[2],
				  strerror(errno));
		start = btf__type_cnt(base);
		cnt = btf__type_cnt(mod);
		first = btf__type_cnt(out);
		for (__u32 id = start; id < cnt; id++) {
			int nid = btf__add_type(out, mod, btf__type_by_id(mod, id));

			if (nid < 0)
				bench_die("cannot copy type %u of %s", id, argv[m]);
			remap((struct btf_type *)btf__type_by_id(out, (__u32)nid), start,
			      first - start);
		}
		btf__free(mod);
		merged++;
	}
	raw = btf__raw_data(out, &size);
	f = fopen(argv[1], "wb");
	if (!raw || !f || fwrite(raw, 1, size, f) != size || fclose(f))
		bench_die("cannot write %s", argv[1]);
	printf("%u %d %d\n", btf__type_cnt(out), merged, nobtf);
	btf__free(out);
	btf__free(base);
	return 0;
}
