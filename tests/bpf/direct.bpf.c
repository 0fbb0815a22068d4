/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * direct.bpf.c: CO-RE relocations on direct loads and stores (LDX, ST, STX)
 * into a map value whose layout is a preserve_access_index struct, so the
 * relocator must rewrite the offset and, when the target's field width
 * differs, the memory size (u32 -> u64 allowed, int -> long poisoned).
 * Also BPF_CORE_READ_BITFIELD (direct form) on the same value.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct uzt_val);
} val_map SEC(".maps");

static __always_inline struct uzt_val *uzt_val(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&val_map, &zero);
}

SEC("socket")
int val_direct(struct __sk_buff *skb)
{
	struct uzt_val *v = uzt_val();
	struct uzt_out *o = uzt_out();
	unsigned long long len = skb->len;

	if (!v || !o)
		return 0;
	if (!bpf_core_field_exists(v->cnt))
		return 0;
	o->v[0] = v->cnt;                       /* LDX W */
	v->cnt = 7;                              /* ST W */
	v->cnt = (unsigned int)len;              /* STX W */
	o->v[1] = v->big;                        /* LDX DW */
	v->big = len + 1;                        /* STX DW */
	o->v[2] = v->h;                          /* LDX H */
	v->h = 3;                                /* ST H */
	o->v[3] = (unsigned long)v->ptr;         /* LDX DW pointer */
	o->v[4] = (unsigned long)v->next;
	return 0;
}

SEC("socket")
int val_signed(struct __sk_buff *skb)
{
	struct uzt_val *v = uzt_val();
	struct uzt_out *o = uzt_out();

	if (!v || !o)
		return 0;
	if (!bpf_core_field_exists(v->scnt))
		return 0;
	o->v[5] = v->scnt;                       /* LDX W, signed */
	v->scnt = -1;                            /* ST W, signed */
	return 0;
}

SEC("raw_tp/sched_switch")
int val_bitfield(void *ctx)
{
	struct uzt_val *v = uzt_val();
	struct uzt_out *o = uzt_out();

	if (!v || !o)
		return 0;
	if (!bpf_core_field_exists(v->bf1))
		return 0;
	o->v[6] = BPF_CORE_READ_BITFIELD(v, bf1);
	o->v[7] = BPF_CORE_READ_BITFIELD(v, bf2);
	o->v[8] = BPF_CORE_READ_BITFIELD(v, bf3);
	return 0;
}
