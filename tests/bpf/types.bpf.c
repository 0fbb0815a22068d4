/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * types.bpf.c: type-based and enum-based CO-RE relocations (kinds 6-12):
 * local/target type ids and type existence, size and matching on structs,
 * typedefs, enums and ints; enumerator existence and values for ENUM and
 * ENUM64 (64-bit values and type ids go through LD_IMM64), enumerator
 * flavors; a .text subprogram.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

static __noinline unsigned long long enum_sum(unsigned long long base)
{
	unsigned long long s = base;

	if (bpf_core_enum_value_exists(enum uzt_e, UZT_B))
		s += bpf_core_enum_value(enum uzt_e, UZT_B);
	if (bpf_core_enum_value_exists(enum uzt_e64, UZT_BIG))
		s += bpf_core_enum_value(enum uzt_e64, UZT_BIG);
	return s;
}

SEC("raw_tp/sched_switch")
int type_rel(void *ctx)
{
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	o->v[0] = bpf_core_type_id_local(struct task_struct);
	o->v[1] = bpf_core_type_id_kernel(struct task_struct);
	o->v[2] = bpf_core_type_exists(struct task_struct);
	o->v[3] = bpf_core_type_size(struct task_struct);
	o->v[4] = bpf_core_type_exists(struct task_struct___old);
	o->v[5] = bpf_core_type_matches(struct task_struct);
	o->v[6] = bpf_core_type_id_kernel(struct uzt_outer);
	o->v[7] = bpf_core_type_exists(struct uzt_outer);
	o->v[8] = bpf_core_type_size(struct uzt_outer);
	o->v[9] = bpf_core_type_size(struct uzt_inner);
	o->v[10] = bpf_core_type_matches(struct uzt_shape);
	o->v[11] = bpf_core_type_exists(uzt_u32_t);
	o->v[12] = bpf_core_type_size(uzt_inner_t);
	o->v[13] = bpf_core_type_matches(uzt_inner_t);
	o->v[14] = bpf_core_type_id_local(uzt_inner_t);
	o->v[15] = bpf_core_type_id_kernel(uzt_u32_t);
	o->v[16] = bpf_core_type_exists(enum uzt_e);
	o->v[17] = bpf_core_type_size(enum uzt_e64);
	o->v[18] = bpf_core_type_matches(enum uzt_e);
	o->v[19] = bpf_core_type_matches(struct uzt_val);
	o->v[20] = bpf_core_type_id_kernel(struct mm_struct);
	o->v[21] = bpf_core_type_size(struct mm_struct);
	o->v[22] = bpf_core_type_matches(enum pid_type);
	o->v[23] = bpf_core_type_id_kernel(enum pid_type);
	o->v[24] = bpf_core_type_matches(struct mm_struct);
	return 0;
}

SEC("tracepoint/sched/sched_switch")
int enum_rel(void *ctx)
{
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	o->v[0] = bpf_core_enum_value_exists(enum uzt_e, UZT_A);
	o->v[1] = bpf_core_enum_value_exists(enum uzt_e, UZT_C);
	o->v[2] = bpf_core_enum_value_exists(enum uzt_e64, UZT_SMALL);
	o->v[3] = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_SID);
	o->v[4] = bpf_core_enum_value(enum pid_type, PIDTYPE_SID);
	o->v[5] = bpf_core_enum_value(enum pid_type, PIDTYPE_MAX);
	o->v[6] = bpf_core_enum_value_exists(enum bpf_map_type___x,
					     BPF_MAP_TYPE_ARENA___x);
	if (bpf_core_enum_value_exists(enum bpf_map_type___x,
				       BPF_MAP_TYPE_ARENA___x))
		o->v[7] = bpf_core_enum_value(enum bpf_map_type___x,
					      BPF_MAP_TYPE_ARENA___x);
	o->v[8] = bpf_core_enum_value(enum bpf_map_type___x,
				      BPF_MAP_TYPE_RINGBUF___x);
	if (bpf_core_enum_value_exists(enum uzt_e, UZT_A)) {
		o->v[9] = bpf_core_enum_value(enum uzt_e, UZT_A);
		o->v[10] = bpf_core_enum_value(enum uzt_e, UZT_NEG);
		o->v[11] = bpf_core_enum_value(enum uzt_e64, UZT_SMALL);
		o->v[12] = bpf_core_enum_value(enum uzt_e64, UZT_BIG);
	}
	o->v[13] = enum_sum(o->v[0]);
	return 0;
}

SEC("socket")
int sock_types(struct __sk_buff *skb)
{
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	o->v[14] = enum_sum(skb->len);
	o->v[15] = bpf_core_type_size(struct uzt_elem);
	return 0;
}
