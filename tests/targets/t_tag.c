/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * t_tag.c: purpose-built target "tag": kernel-style structs whose pointers
 * carry BTF type tags (__user, __rcu, as clang emits them for a kernel
 * built with clang: PTR -> TYPE_TAG -> CONST -> base, tags first), a
 * pointer to a tagged pointer, an array of tagged pointers and a typedef of
 * a tagged pointer. The target of tests/btfgen/tagged.
 */
#define __user __attribute__((btf_type_tag("user")))
#define __rcu __attribute__((btf_type_tag("rcu")))

struct uzt_iovec {
	void __user *iov_base;
	unsigned long iov_len;
};

struct uzt_msg {
	long pad;
	int flags;
	struct uzt_iovec __user *msg_iov;
	const char __user *msg_name;
	unsigned long msg_iovlen;
	char __user *argv[4];
	struct uzt_msg __rcu *next;
	int __user *__user *pp;
};

typedef const char __user *uzt_uptr_t;

/* by value: a pointer alone would only emit a FWD */
struct uzt_tag_all {
	struct uzt_msg m;
	struct uzt_iovec iov;
	uzt_uptr_t u;
};

struct uzt_tag_all uzt_tag_all;
