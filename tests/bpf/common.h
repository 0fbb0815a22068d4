/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * common.h: maps and sinks shared by the equivalence test objects. Every
 * relocated value is stored into out_map so the compiler keeps it.
 */
#ifndef UZT_COMMON_H
#define UZT_COMMON_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "uzt_local.h"

/* libbpf 1.1.2 has no bpf_core_field_signed(); same builtin, kind 3 */
#define uzt_field_signed(field...) \
	__builtin_preserve_field_info(___bpf_field_ref(field), BPF_FIELD_SIGNED)

struct uzt_out {
	unsigned long long v[48];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct uzt_out);
} out_map SEC(".maps");

static __always_inline struct uzt_out *uzt_out(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&out_map, &zero);
}

#endif /* UZT_COMMON_H */
