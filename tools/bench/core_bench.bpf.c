// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * core_bench.bpf.c: the workload of uz-bench-core.
 *
 * A BPF object that is never meant to run: it gives a CO-RE engine about a
 * hundred relocations (102) over 28 kernel struct types, spread over nine
 * program sections, the shape of a typical tracing tool. The kernel types
 * are declared here with only the fields read, marked preserve_access_index,
 * so every field access through BPF_CORE_READ() becomes a CO-RE record in
 * .BTF.ext.
 *
 * Rules that keep the libbpf comparison index-aligned: one program per
 * section, no subprograms, no maps, no global data (libbpf would otherwise
 * append or rewrite instructions beyond what CO-RE does). Every field read
 * here exists in 6.1 and 6.18 kernels, so the object resolves fully against
 * either.
 *
 * Sections are "uzbench/<name>"; uz-bench-core registers a libbpf program
 * handler for the "uzbench/" prefix.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define __pai __attribute__((preserve_access_index))

typedef struct {
	unsigned int val;
} __pai kuid_t;

typedef struct {
	unsigned int val;
} __pai kgid_t;

struct task_struct;
struct net;

struct user_namespace {
	int level;
} __pai;

struct ns_common {
	unsigned int inum;
} __pai;

struct cred {
	kuid_t uid;
	kgid_t gid;
	kuid_t euid;
	struct user_namespace *user_ns;
} __pai;

struct mm_struct {
	unsigned long start_code;
	unsigned long end_code;
	unsigned long start_brk;
	unsigned long brk;
	unsigned long arg_start;
} __pai;

struct signal_struct {
	int nr_threads;
	unsigned int flags;
	__u64 utime;
	unsigned long maxrss;
} __pai;

struct sigaction {
	unsigned long sa_flags;
} __pai;

struct k_sigaction {
	struct sigaction sa;
} __pai;

struct sighand_struct {
	struct k_sigaction action[64];
} __pai;

struct super_block {
	__u32 s_dev;
	unsigned long s_magic;
} __pai;

struct inode {
	unsigned short i_mode;
	struct super_block *i_sb;
	unsigned long i_ino;
} __pai;

struct qstr {
	__u32 len;
} __pai;

struct dentry {
	unsigned int d_flags;
	struct dentry *d_parent;
	struct qstr d_name;
	struct inode *d_inode;
} __pai;

struct vfsmount {
	struct dentry *mnt_root;
	struct super_block *mnt_sb;
	int mnt_flags;
} __pai;

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
} __pai;

struct file {
	struct inode *f_inode;
	unsigned int f_flags;
	struct path f_path;
} __pai;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __pai;

struct files_struct {
	struct fdtable *fdt;
	unsigned int next_fd;
} __pai;

struct fs_struct {
	int umask;
	struct path root;
	struct path pwd;
} __pai;

struct new_utsname {
	char release[65];
} __pai;

struct uts_namespace {
	struct new_utsname name;
} __pai;

struct pid_namespace {
	struct task_struct *child_reaper;
	unsigned int level;
} __pai;

struct upid {
	int nr;
} __pai;

struct pid {
	unsigned int level;
	struct upid numbers[1];
} __pai;

struct nsproxy {
	struct uts_namespace *uts_ns;
	struct pid_namespace *pid_ns_for_children;
	struct net *net_ns;
} __pai;

struct net_device {
	int ifindex;
	unsigned int mtu;
} __pai;

struct net {
	struct ns_common ns;
	struct net_device *loopback_dev;
} __pai;

typedef struct {
	struct net *net;
} __pai possible_net_t;

struct sock_common {
	__be32 skc_daddr;
	__u16 skc_num;
	unsigned short skc_family;
	unsigned char skc_reuse:4;
	possible_net_t skc_net;
} __pai;

struct sock {
	struct sock_common __sk_common;
	int sk_rcvbuf;
	__u32 sk_mark;
} __pai;

struct sk_buff {
	struct net_device *dev;
	struct sock *sk;
	unsigned int len;
	__be16 protocol;
} __pai;

struct kernfs_node {
	const char *name;
	__u64 id;
} __pai;

struct cgroup;

struct cgroup_subsys_state {
	struct cgroup *cgroup;
	int id;
} __pai;

struct cgroup {
	int level;
	struct kernfs_node *kn;
} __pai;

struct css_set {
	struct cgroup_subsys_state *subsys[12];
	struct cgroup *dfl_cgrp;
	int nr_tasks;
} __pai;

struct task_struct {
	unsigned int __state;
	int pid;
	int tgid;
	struct mm_struct *mm;
	struct task_struct *real_parent;
	struct pid *thread_pid;
	__u64 start_time;
	const struct cred *real_cred;
	const struct cred *cred;
	char comm[16];
	struct fs_struct *fs;
	struct files_struct *files;
	struct nsproxy *nsproxy;
	struct signal_struct *signal;
	struct sighand_struct *sighand;
	struct css_set *cgroups;
} __pai;

/* Fold a value into the program's return value so no read is dropped. */
#define MIX(acc, v) ((acc) = ((acc) << 5) ^ ((acc) >> 59) ^ (__u64)(v))

static __always_inline struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

SEC("uzbench/task")
int uzb_task(void *ctx)
{
	struct task_struct *t = current_task();
	char comm[16];
	__u64 acc = 0;

	MIX(acc, BPF_CORE_READ(t, pid));
	MIX(acc, BPF_CORE_READ(t, tgid));
	MIX(acc, BPF_CORE_READ(t, __state));
	MIX(acc, BPF_CORE_READ(t, start_time));
	MIX(acc, BPF_CORE_READ(t, real_parent, tgid));
	BPF_CORE_READ_INTO(&comm, t, comm);
	MIX(acc, comm[0]);
	MIX(acc, bpf_core_field_exists(t->__state));
	MIX(acc, bpf_core_type_size(struct task_struct));
	return (int)acc;
}

SEC("uzbench/mm")
int uzb_mm(void *ctx)
{
	struct mm_struct *mm = BPF_CORE_READ(current_task(), mm);
	__u64 acc = 0;

	MIX(acc, BPF_CORE_READ(mm, start_code));
	MIX(acc, BPF_CORE_READ(mm, end_code));
	MIX(acc, BPF_CORE_READ(mm, start_brk));
	MIX(acc, BPF_CORE_READ(mm, brk));
	MIX(acc, BPF_CORE_READ(mm, arg_start));
	MIX(acc, bpf_core_field_size(mm->start_code));
	return (int)acc;
}

SEC("uzbench/cred")
int uzb_cred(void *ctx)
{
	struct task_struct *t = current_task();
	const struct cred *c = BPF_CORE_READ(t, cred);
	__u64 acc = 0;

	MIX(acc, BPF_CORE_READ(c, uid.val));
	MIX(acc, BPF_CORE_READ(c, gid.val));
	MIX(acc, BPF_CORE_READ(c, euid.val));
	MIX(acc, BPF_CORE_READ(c, user_ns, level));
	MIX(acc, BPF_CORE_READ(t, real_cred, uid.val));
	return (int)acc;
}

SEC("uzbench/signal")
int uzb_signal(void *ctx)
{
	struct task_struct *t = current_task();
	struct signal_struct *s = BPF_CORE_READ(t, signal);
	__u64 acc = 0;

	MIX(acc, BPF_CORE_READ(s, nr_threads));
	MIX(acc, BPF_CORE_READ(s, flags));
	MIX(acc, BPF_CORE_READ(s, utime));
	MIX(acc, BPF_CORE_READ(s, maxrss));
	MIX(acc, BPF_CORE_READ(t, sighand, action[2].sa.sa_flags));
	return (int)acc;
}

SEC("uzbench/files")
int uzb_files(void *ctx)
{
	struct files_struct *fs = BPF_CORE_READ(current_task(), files);
	struct fdtable *fdt = BPF_CORE_READ(fs, fdt);
	struct file **fdv = BPF_CORE_READ(fdt, fd);
	struct vfsmount *mnt;
	struct dentry *d;
	struct inode *ino;
	struct file *f;
	__u64 acc = 0;

	MIX(acc, BPF_CORE_READ(fs, next_fd));
	MIX(acc, BPF_CORE_READ(fdt, max_fds));
	bpf_probe_read_kernel(&f, sizeof(f), fdv);
	MIX(acc, BPF_CORE_READ(f, f_flags));
	ino = BPF_CORE_READ(f, f_inode);
	MIX(acc, BPF_CORE_READ(ino, i_mode));
	MIX(acc, BPF_CORE_READ(ino, i_ino));
	MIX(acc, BPF_CORE_READ(ino, i_sb, s_dev));
	d = BPF_CORE_READ(f, f_path.dentry);
	mnt = BPF_CORE_READ(f, f_path.mnt);
	MIX(acc, BPF_CORE_READ(d, d_name.len));
	MIX(acc, BPF_CORE_READ(d, d_parent, d_inode, i_ino));
	MIX(acc, BPF_CORE_READ(mnt, mnt_flags));
	MIX(acc, BPF_CORE_READ(mnt, mnt_sb, s_magic));
	return (int)acc;
}

SEC("uzbench/fs")
int uzb_fs(void *ctx)
{
	struct fs_struct *fs = BPF_CORE_READ(current_task(), fs);
	struct path *p = &fs->pwd;
	__u64 acc = 0;

	MIX(acc, BPF_CORE_READ(fs, umask));
	MIX(acc, BPF_CORE_READ(fs, root.dentry, d_flags));
	MIX(acc, BPF_CORE_READ(p, mnt, mnt_root, d_flags));
	return (int)acc;
}

SEC("uzbench/ns")
int uzb_ns(void *ctx)
{
	struct task_struct *t = current_task();
	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);
	struct pid_namespace *pidns;
	char release[65];
	struct net *net;
	__u64 acc = 0;

	BPF_CORE_READ_INTO(&release, nsp, uts_ns, name.release);
	MIX(acc, release[0]);
	pidns = BPF_CORE_READ(nsp, pid_ns_for_children);
	MIX(acc, BPF_CORE_READ(pidns, level));
	MIX(acc, BPF_CORE_READ(pidns, child_reaper, pid));
	net = BPF_CORE_READ(nsp, net_ns);
	MIX(acc, BPF_CORE_READ(net, ns.inum));
	MIX(acc, BPF_CORE_READ(net, loopback_dev, ifindex));
	MIX(acc, BPF_CORE_READ(t, thread_pid, level));
	MIX(acc, BPF_CORE_READ(t, thread_pid, numbers[0].nr));
	return (int)acc;
}

SEC("uzbench/net")
int uzb_net(void *ctx)
{
	struct sk_buff *skb = ctx;
	struct sock_common *skc;
	struct net_device *dev;
	struct sock *sk;
	__u64 acc = 0;

	MIX(acc, BPF_CORE_READ(skb, len));
	MIX(acc, BPF_CORE_READ(skb, protocol));
	dev = BPF_CORE_READ(skb, dev);
	MIX(acc, BPF_CORE_READ(dev, ifindex));
	MIX(acc, BPF_CORE_READ(dev, mtu));
	sk = BPF_CORE_READ(skb, sk);
	MIX(acc, BPF_CORE_READ(sk, sk_rcvbuf));
	MIX(acc, BPF_CORE_READ(sk, sk_mark));
	MIX(acc, BPF_CORE_READ(sk, __sk_common.skc_family));
	skc = &sk->__sk_common;
	MIX(acc, BPF_CORE_READ(skc, skc_num));
	MIX(acc, BPF_CORE_READ(skc, skc_daddr));
	MIX(acc, BPF_CORE_READ(skc, skc_net.net, ns.inum));
	MIX(acc, BPF_CORE_READ_BITFIELD_PROBED(skc, skc_reuse));
	return (int)acc;
}

SEC("uzbench/cgroup")
int uzb_cgroup(void *ctx)
{
	struct css_set *cs = BPF_CORE_READ(current_task(), cgroups);
	struct kernfs_node *kn;
	__u64 acc = 0;

	MIX(acc, BPF_CORE_READ(cs, nr_tasks));
	MIX(acc, BPF_CORE_READ(cs, subsys[0], id));
	MIX(acc, BPF_CORE_READ(cs, subsys[0], cgroup, level));
	kn = BPF_CORE_READ(cs, dfl_cgrp, kn);
	MIX(acc, BPF_CORE_READ(kn, name));
	MIX(acc, BPF_CORE_READ(kn, id));
	return (int)acc;
}

char LICENSE[] SEC("license") = "GPL";
