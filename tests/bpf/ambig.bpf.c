/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ambig.bpf.c: records libbpf refuses. Against target "amb" the local
 * uzt_amb___l has two candidates (uzt_amb and uzt_amb___two) whose layouts
 * disagree: field offset ambiguity (amb_exists, amb_field) and relocation
 * decision ambiguity (type size in amb_size, target type id in amb_typeid).
 * amb_ok and enum_trunc relocate cleanly everywhere, so a failure in one
 * program must not hide the others.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp/sched_switch")
int amb_exists(void *ctx)
{
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	/* field relocations compare candidates' offsets even for "exists" */
	o->v[0] = bpf_core_field_exists(struct uzt_amb___l, a);
	return 0;
}

SEC("raw_tp/sched_switch")
int amb_field(void *ctx)
{
	struct uzt_amb___l *a = (void *)bpf_get_current_task();
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	/* type existence agrees on both candidates: not ambiguous */
	if (bpf_core_type_exists(struct uzt_amb___l))
		o->v[1] = BPF_CORE_READ(a, b);
	return 0;
}

SEC("raw_tp/sched_switch")
int amb_size(void *ctx)
{
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	o->v[2] = bpf_core_type_exists(struct uzt_amb___l);
	o->v[3] = bpf_core_type_size(struct uzt_amb___l);
	return 0;
}

SEC("raw_tp/sched_switch")
int amb_typeid(void *ctx)
{
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	o->v[4] = bpf_core_type_id_kernel(struct uzt_amb___l);
	return 0;
}

SEC("raw_tp/sched_switch")
int amb_ok(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	o->v[5] = BPF_CORE_READ(t, pid);
	/* only uzt_amb has the local shape: a single match, no ambiguity */
	o->v[7] = bpf_core_type_matches(struct uzt_amb___l);
	return 0;
}

/* target "amb" widens UZT_A past 32 bits (ENUM64): libbpf 1.1.2 patches the
 * 32-bit immediate without a range check */
SEC("raw_tp/sched_switch")
int enum_trunc(void *ctx)
{
	struct uzt_out *o = uzt_out();

	if (!o)
		return 0;
	if (bpf_core_enum_value_exists(enum uzt_e, UZT_A))
		o->v[6] = bpf_core_enum_value(enum uzt_e, UZT_A);
	return 0;
}
