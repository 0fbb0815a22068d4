/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uapi/userize/bpf/view.h: the BPF-side annotation macros and read helpers that every
 * userized view (uapi/userize/bpf/\*.h) and every program written against the
 * views uses. Owns: UZ_VIEW, UZ_KERNEL(), UZ_ALIAS() and the UZ_READ_*()
 * helpers. Nothing here is kernel-version specific.
 *
 * A view is a small C struct that names the kernel struct it stands for:
 *
 *	struct task_struct_user {
 *		int pid;
 *		unsigned int state UZ_ALIAS("__state");
 *	} UZ_VIEW UZ_KERNEL("task_struct");
 *
 * Accesses to a view compile to ordinary CO-RE relocation records against
 * the view type; at load time userize resolves them against the target
 * kernel's types, using the struct tag(s) to find the kernel struct and the
 * member's own name followed by its aliases (in order) to find the field.
 * An alias may be a dotted path through embedded, non-pointer members
 * ("__sk_common.skc_family"). Pointer hops are never implicit: they are
 * spelled out in inline helpers with existence checks.
 *
 * Reading: use UZ_READ_INT() for every scalar whose width or signedness may
 * differ between kernels (it works for bitfields too, on either endian),
 * UZ_READ_PTR() for pointers (both read the kernel's width, so 4-byte
 * pointers and longs of a 32-bit kernel read correctly), UZ_READ_STR() for char arrays and UZ_HAS()
 * before touching a field that some kernels lack. libbpf's
 * <bpf/bpf_core_read.h> macros (BPF_CORE_READ() and friends) keep working
 * on views unchanged.
 *
 * ABI: view members are only ever added, never removed or re-typed; see
 * docs/uapi.md for the promise and the kernels each field resolves on.
 */
#ifndef __USERIZE_H
#define __USERIZE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/bpf.h>
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define USERIZE_UAPI_VERSION 1

/* ---- annotations ------------------------------------------------------- */

/* Marks a struct as a view: its accesses become CO-RE relocations. */
#define UZ_VIEW __attribute__((preserve_access_index))
/* Kernel struct this view stands for; repeat for ordered alternatives. */
#define UZ_KERNEL(name) __attribute__((btf_decl_tag("userize:kernel=" name)))
/* Further kernel names for a member, tried after the member's own name. */
#define UZ_ALIAS(name) __attribute__((btf_decl_tag("userize:alias=" name)))
/* A tracepoint event ("sys/event") whose record a view reads; repeat for
 * several events. On a kernel with neither BTF nor debug info the record
 * is built from that event's tracefs format file. */
#define UZ_TRACEPOINT(event) __attribute__((btf_decl_tag("userize:tracepoint=" event)))

/* ---- existence --------------------------------------------------------- */

/* 1 if the target kernel has the field behind @src->@field, else 0. */
#define UZ_HAS(src, field) __builtin_preserve_field_info((src)->field, BPF_FIELD_EXISTS)

/* ---- scalar read ------------------------------------------------------- */

/*
 * The load unit is copied into the low-order bytes of a 64-bit value: on a
 * big-endian target that means the last bytes of the 8-byte buffer. The
 * relocated LSHIFT/RSHIFT values then isolate the field (whole integer or
 * bitfield) and the SIGNED relocation picks the extension.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define __UZ_LOAD_DST(buf, sz) ((void *)(buf))
#else
#define __UZ_LOAD_DST(buf, sz) ((void *)(buf) + (8 - (sz)))
#endif

/*
 * Read the integer (or bitfield, enum, bool) @src->@field whatever its size
 * and signedness on the target kernel; evaluates to an unsigned long long,
 * sign-extended when the kernel's field is signed. On a read fault the
 * result is 0. @src is evaluated several times: pass a plain variable.
 */
#define UZ_READ_INT(src, field) ({						\
	unsigned long long __uz_v = 0;						\
	unsigned int __uz_sz =							\
		__builtin_preserve_field_info((src)->field, BPF_FIELD_BYTE_SIZE); \
	if (__uz_sz > 8)							\
		__uz_sz = 8;							\
	bpf_probe_read_kernel(__UZ_LOAD_DST(&__uz_v, __uz_sz), __uz_sz,		\
		(const void *)(src) +						\
		__builtin_preserve_field_info((src)->field, BPF_FIELD_BYTE_OFFSET)); \
	__uz_v <<= __builtin_preserve_field_info((src)->field, BPF_FIELD_LSHIFT_U64); \
	if (__builtin_preserve_field_info((src)->field, BPF_FIELD_SIGNED))	\
		__uz_v = (unsigned long long)((long long)__uz_v >>		\
			__builtin_preserve_field_info((src)->field, BPF_FIELD_RSHIFT_U64)); \
	else									\
		__uz_v >>= __builtin_preserve_field_info((src)->field, BPF_FIELD_RSHIFT_U64); \
	__uz_v;									\
})

/* Same, but 0 (no read at all) when the target kernel lacks the field. */
#define UZ_READ_INT_OR0(src, field) \
	(UZ_HAS(src, field) ? UZ_READ_INT(src, field) : 0ULL)

/* ---- pointers and strings ---------------------------------------------- */

/*
 * Read the pointer member @src->@field; NULL on a read fault. The read has
 * the kernel's pointer width, not the BPF side's 8 bytes: the relocated byte
 * size is 4 on a 32-bit kernel (i386), where an 8-byte read would put the
 * next member into the pointer's high half. The value lands in the low-order
 * bytes of a zeroed u64 (see __UZ_LOAD_DST), so it is zero-extended on
 * either byte order. @src is evaluated several times: pass a plain variable.
 */
#define UZ_READ_PTR(src, field) ({						\
	unsigned long long __uz_v = 0;						\
	unsigned int __uz_sz =							\
		__builtin_preserve_field_info((src)->field, BPF_FIELD_BYTE_SIZE); \
	if (__uz_sz > 8)							\
		__uz_sz = 8;							\
	bpf_probe_read_kernel(__UZ_LOAD_DST(&__uz_v, __uz_sz), __uz_sz,		\
		(const void *)(src) +						\
		__builtin_preserve_field_info((src)->field, BPF_FIELD_BYTE_OFFSET)); \
	(__typeof__((src)->field))__uz_v;					\
})

/*
 * Read element @idx of a kernel array of pointers that starts at @base
 * (e.g. fdtable->fd), whose element width is the kernel's pointer size
 * @psz (4 or 8: the relocated BPF_FIELD_BYTE_SIZE of any pointer member,
 * see uz_task_file()). Zero-extended; 0 on a read fault.
 */
#define UZ_READ_PTR_AT(base, idx, psz) ({					\
	unsigned long long __uz_v = 0;						\
	unsigned int __uz_psz = (psz);						\
	if (__uz_psz > 8)							\
		__uz_psz = 8;							\
	bpf_probe_read_kernel(__UZ_LOAD_DST(&__uz_v, __uz_psz), __uz_psz,	\
		(const void *)(base) + (unsigned long long)(idx) * __uz_psz);	\
	__uz_v;									\
})

/*
 * Copy the NUL-terminated char array @src->@field into @dst (@sz bytes,
 * always terminated). Evaluates to the length including the NUL, or a
 * negative error.
 */
#define UZ_READ_STR(dst, sz, src, field) \
	bpf_core_read_str((dst), (sz), &(src)->field)

#endif /* __USERIZE_H */
