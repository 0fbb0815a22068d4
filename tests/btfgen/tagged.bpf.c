/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tagged.bpf.c: plain CO-RE relocations that go through type-tagged
 * pointers of the target tests/targets/t_tag: pointer members (__user,
 * __rcu, a pointer to a tagged pointer), elements of an array of tagged
 * pointers, a read through a tagged pointer, and the type relations that
 * walk past the tags: type_matches of a struct of tagged pointers, type
 * existence, size and matching of a typedef of a tagged pointer. The views
 * come twice: as vmlinux.h spells them (with the tags) and without.
 * With UZT_FIELDS_ONLY (tagged_fields.o) only the field relocations: the
 * input bpftool 7.1's min_core_btf can take (it refuses type relocations
 * that meet a TYPE_TAG: "unsupported kind: type_tag").
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define __user __attribute__((btf_type_tag("user")))
#define __rcu __attribute__((btf_type_tag("rcu")))

char LICENSE[] SEC("license") = "GPL";

/* as bpftool's vmlinux.h of a clang-built kernel has them: tagged */
struct uzt_iovec {
	void __user *iov_base;
	unsigned long iov_len;
} __attribute__((preserve_access_index));

struct uzt_msg {
	int flags;
	struct uzt_iovec __user *msg_iov;
	const char __user *msg_name;
	unsigned long msg_iovlen;
	char __user *argv[4];
	struct uzt_msg __rcu *next;
	int __user *__user *pp;
} __attribute__((preserve_access_index));

typedef const char __user *uzt_uptr_t;

/* the same without tags (a flavor: matched as uzt_msg / uzt_iovec) */
struct uzt_iovec___plain {
	void *iov_base;
	unsigned long iov_len;
} __attribute__((preserve_access_index));

struct uzt_msg___plain {
	int flags;
	struct uzt_iovec___plain *msg_iov;
	const char *msg_name;
	char *argv[4];
	struct uzt_msg___plain *next;
	int **pp;
} __attribute__((preserve_access_index));

struct uzt_tout {
	unsigned long long v[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct uzt_tout);
} tag_out SEC(".maps");

SEC("raw_tp/sys_enter")
int tagged(void *ctx)
{
	struct uzt_msg *m = (struct uzt_msg *)ctx;
	struct uzt_msg___plain *p = (struct uzt_msg___plain *)ctx;
	struct uzt_tout *o;
	__u32 zero = 0;

	o = bpf_map_lookup_elem(&tag_out, &zero);
	if (!o)
		return 0;
	/* field relocations on tagged pointer members */
	o->v[0] = bpf_core_field_offset(m->msg_iov);
	o->v[1] = bpf_core_field_size(m->msg_name);
	o->v[2] = bpf_core_field_exists(m->next);
	o->v[3] = bpf_core_field_offset(m->pp);
	o->v[4] = bpf_core_field_offset(m->argv[2]);
	o->v[5] = bpf_core_field_size(m->argv[3]);
	o->v[6] = (unsigned long)BPF_CORE_READ(m, msg_iov, iov_len);
	o->v[7] = (unsigned long)BPF_CORE_READ(m, next, flags);
	o->v[8] = bpf_core_field_offset(p->msg_iov);
	o->v[9] = bpf_core_field_offset(p->argv[1]);
	o->v[10] = (unsigned long)BPF_CORE_READ(p, msg_iov, iov_base);
	o->v[11] = bpf_core_field_size(p->pp);
#ifndef UZT_FIELDS_ONLY
	/* type relations past the tags */
	o->v[12] = bpf_core_type_matches(struct uzt_msg);
	o->v[13] = bpf_core_type_matches(struct uzt_msg___plain);
	o->v[14] = bpf_core_type_matches(struct uzt_iovec);
	o->v[15] = bpf_core_type_exists(uzt_uptr_t);
	o->v[16] = bpf_core_type_size(uzt_uptr_t);
	o->v[17] = bpf_core_type_matches(uzt_uptr_t);
	o->v[18] = bpf_core_type_id_kernel(struct uzt_msg);
	o->v[19] = bpf_core_type_size(struct uzt_iovec);
	o->v[20] = bpf_core_type_exists(struct uzt_iovec___plain);
#endif
	return 0;
}
