/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * be.bpf.c: compiled -target bpfeb. libbpf refuses objects of the other
 * endianness, so this one is checked against hand-computed values: byte
 * offsets and sizes, and the big-endian lshift/rshift of probed bitfields.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp/sched_switch")
int be_fields(void *ctx)
{
	struct uzt_outer *u = (void *)bpf_get_current_task();
	struct task_struct *t = (void *)bpf_get_current_task();
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	o->v[0] = BPF_CORE_READ(t, pid);
	if (!bpf_core_field_exists(u->bf_u))
		return 0;
	o->v[1] = BPF_CORE_READ_BITFIELD_PROBED(u, bf_u);
	o->v[2] = BPF_CORE_READ_BITFIELD_PROBED(u, bf_v);
	o->v[3] = BPF_CORE_READ_BITFIELD_PROBED(u, bf_s);
	o->v[4] = BPF_CORE_READ_BITFIELD_PROBED(u, bf_w);
	o->v[5] = BPF_CORE_READ(u, elems[1].y);
	o->v[6] = bpf_core_enum_value(enum uzt_e64, UZT_BIG);
	return 0;
}
