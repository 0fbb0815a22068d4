// SPDX-License-Identifier: GPL-2.0
/*
 * A small userized program for the relocation tests: a task view whose
 * `state` member is renamed in newer kernels (alias __state), a sock view
 * whose `family` lives in an embedded struct (dotted alias), read on every
 * system call of one process chosen by the test through the `filter` map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define VIEW __attribute__((preserve_access_index))
#define KERNEL(n) __attribute__((btf_decl_tag("userize:kernel=" #n)))
#define ALIAS(n) __attribute__((btf_decl_tag("userize:alias=" n)))

struct task_struct_user {
	int pid;
	int tgid;
	unsigned int state ALIAS("__state");
	char comm[16];
	struct task_struct_user *real_parent;
} VIEW KERNEL(task_struct);

struct sock_user {
	unsigned short family ALIAS("__sk_common.skc_family");
} VIEW KERNEL(sock);

#include "basic.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, int);
} filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct result);
} out SEC(".maps");

SEC("raw_tracepoint/sys_enter")
int read_task(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct_user *t = (void *)bpf_get_current_task();
	struct sock_user *sk = 0;
	struct result *r;
	int zero = 0, *want;

	want = bpf_map_lookup_elem(&filter, &zero);
	if (!want || (int)(bpf_get_current_pid_tgid() >> 32) != *want)
		return 0;
	r = bpf_map_lookup_elem(&out, &zero);
	if (!r)
		return 0;
	r->pid = BPF_CORE_READ(t, pid);
	r->tgid = BPF_CORE_READ(t, tgid);
	r->ppid = BPF_CORE_READ(t, real_parent, tgid);
	r->state = BPF_CORE_READ_BITFIELD_PROBED(t, state);
	BPF_CORE_READ_STR_INTO(&r->comm, t, comm);
	r->family_off = bpf_core_field_offset(sk->family);
	r->hits++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
