/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fields.bpf.c: field-based CO-RE relocations (kinds 0-5) in several
 * programs plus .text subprograms: real task_struct reads, flavors, nested
 * and anonymous members, arrays, array-of-struct indexing, flexible arrays,
 * pointer-as-array, probed bitfields, existence guards around fields that a
 * target lacks (poisoned dead code).
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

static __noinline int parent_pid(struct task_struct *t)
{
	return BPF_CORE_READ(t, real_parent, pid);
}

static __noinline long outer_inner_b(struct uzt_outer *o)
{
	if (!bpf_core_field_exists(o->inner.b))
		return -1;
	return BPF_CORE_READ(o, inner.b);
}

SEC("raw_tp/sched_switch")
int task_fields(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct uzt_out *o = uzt_out();
	char comm[16];

	if (!o)
		return 0;
	o->v[0] = BPF_CORE_READ(t, pid);
	o->v[1] = BPF_CORE_READ(t, tgid);
	o->v[2] = BPF_CORE_READ(t, group_leader, mm, task_size);
	BPF_CORE_READ_STR_INTO(&comm, t, comm);
	o->v[3] = comm[0];
	o->v[4] = bpf_core_field_size(t->comm);
	o->v[5] = bpf_core_field_offset(t->comm[3]);
	o->v[6] = uzt_field_signed(t->prio);
	o->v[7] = uzt_field_signed(t->flags);
	o->v[8] = parent_pid(t);
	if (bpf_core_field_exists(t->__state)) {
		o->v[9] = BPF_CORE_READ(t, __state);
	} else {
		struct task_struct___old *old = (void *)t;

		o->v[9] = BPF_CORE_READ(old, state);
	}
	o->v[10] = bpf_core_field_exists(struct task_struct___old, state);
	o->v[11] = bpf_core_field_size(t->mm);
	return 0;
}

SEC("raw_tp/sched_switch")
int outer_fields(void *ctx)
{
	struct uzt_outer *u = (void *)bpf_get_current_task();
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	o->v[0] = outer_inner_b(u);
	if (!bpf_core_field_exists(u->first))
		return 0;
	o->v[1] = BPF_CORE_READ(u, first);
	o->v[2] = BPF_CORE_READ(u, inner.a);
	o->v[3] = BPF_CORE_READ(u, u_int);
	o->v[4] = BPF_CORE_READ(u, u_long);
	o->v[5] = BPF_CORE_READ(u, s2);
	o->v[6] = BPF_CORE_READ(u, arr[2]);
	o->v[7] = BPF_CORE_READ(u, elems[1].y);
	o->v[8] = BPF_CORE_READ(u, elems[2].x);
	o->v[9] = bpf_core_field_offset(u->flex[3]);
	o->v[10] = BPF_CORE_READ(u, flex_n);
	o->v[11] = bpf_core_field_size(u->elems);
	o->v[12] = bpf_core_field_size(u->elems[0]);
	o->v[13] = bpf_core_field_offset(u->inner);
	o->v[14] = uzt_field_signed(u->s1);
	o->v[15] = bpf_core_field_exists(u->gone);
	if (bpf_core_field_exists(u->gone))
		o->v[16] = BPF_CORE_READ(u, gone);
	/* pointer-as-array: p[1].x through a pointer member */
	{
		struct uzt_elem *ep = BPF_CORE_READ(u, ep);
		int x = 0;

		bpf_core_read(&x, sizeof(x), &ep[1].x);
		o->v[17] = x;
		o->v[18] = bpf_core_field_offset(ep[2].y);
	}
	o->v[19] = bpf_core_field_size(u->cnt);
	o->v[20] = uzt_field_signed(u->scnt);
	/* renamed member through a flavor */
	{
		struct uzt_outer___v2 *u2 = (void *)u;

		if (bpf_core_field_exists(u2->first_renamed))
			o->v[21] = BPF_CORE_READ(u2, first_renamed);
	}
	o->v[22] = outer_inner_b(u);
	o->v[23] = parent_pid((void *)u);
	return 0;
}

SEC("tracepoint/sched/sched_switch")
int bitfields(void *ctx)
{
	struct uzt_outer *u = (void *)bpf_get_current_task();
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	if (!bpf_core_field_exists(u->bf_u))
		return 0;
	o->v[0] = BPF_CORE_READ_BITFIELD_PROBED(u, bf_u);
	o->v[1] = BPF_CORE_READ_BITFIELD_PROBED(u, bf_v);
	o->v[2] = BPF_CORE_READ_BITFIELD_PROBED(u, bf_s);
	o->v[3] = BPF_CORE_READ_BITFIELD_PROBED(u, bf_w);
	o->v[4] = bpf_core_field_offset(u->bf_v);
	o->v[5] = bpf_core_field_size(u->bf_w);
	o->v[6] = uzt_field_signed(u->bf_s);
	return 0;
}
