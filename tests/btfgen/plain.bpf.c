/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A plain CO-RE program (no userize tags): on the test process's getppid()
 * it records pid, tgid, the parent's tgid and comm of the current task.
 * test_btfgen_live lets libbpf itself relocate it against userize's
 * minimized BTF of the running kernel (btf_custom_path).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	char comm[16];
} __attribute__((preserve_access_index));

struct out {
	int pid, tgid, ppid, hits;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct out);
} outm SEC(".maps");

SEC("raw_tp/sys_enter")
int on_enter(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 k0 = 0, k1 = 1;
	struct out *want = bpf_map_lookup_elem(&outm, &k0);
	struct out *o = bpf_map_lookup_elem(&outm, &k1);
	int tgid;

	if (!want || !o)
		return 0;
	tgid = BPF_CORE_READ(t, tgid);
	if (tgid != want->tgid)
		return 0;
	o->pid = BPF_CORE_READ(t, pid);
	o->tgid = tgid;
	o->ppid = BPF_CORE_READ(t, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&o->comm, t, comm);
	o->hits++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
