/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dup.bpf.c: relocated against the gcc-compiled test program of
 * test_dwarf_unit.c. uzt_dup has two different definitions there (an
 * ambiguity naming both); uzt_node has one; uzt_all's members cover the
 * layouts the DWARF source converts.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct uzt_dup {
	int x;
} __attribute__((preserve_access_index));

struct uzt_node {
	struct uzt_node *next;
	int v;
} __attribute__((preserve_access_index));

struct uzt_bits {
	unsigned int a : 3;
	int b : 5;
	unsigned long long c : 40;
	unsigned char d;
} __attribute__((preserve_access_index));

struct uzt_all {
	struct uzt_bits bits;
	int m2[2][3];
	long anon_b;
	int flex[];
} __attribute__((preserve_access_index));

int out[16];

SEC("raw_tp/sched_switch")
int dup_field(void *ctx)
{
	struct uzt_dup *d = (void *)bpf_get_current_task();

	out[0] = BPF_CORE_READ(d, x);
	return 0;
}

SEC("raw_tp/sched_switch")
int node_field(void *ctx)
{
	struct uzt_node *n = (void *)bpf_get_current_task();

	out[1] = BPF_CORE_READ(n, v);
	out[2] = bpf_core_type_size(struct uzt_node);
	return 0;
}

SEC("raw_tp/sched_switch")
int all_fields(void *ctx)
{
	struct uzt_all *a = (void *)bpf_get_current_task();

	out[3] = BPF_CORE_READ_BITFIELD_PROBED(&a->bits, b);
	out[4] = bpf_core_field_offset(a->bits.d);
	out[5] = bpf_core_field_offset(a->m2[1][2]);
	out[6] = bpf_core_field_offset(a->anon_b);
	out[7] = bpf_core_field_offset(a->flex);
	out[8] = bpf_core_field_size(a->bits.d);
	return 0;
}
