// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/views/views.bpf.c: touches every field of every uapi view once
 * (existence + byte offset), so that a relocation report of this object says
 * where each view field lands on a given kernel. Never loaded.
 */
#include <userize/bpf/block.h>
#include <userize/bpf/fs.h>
#include <userize/bpf/net.h>
#include <userize/bpf/task.h>
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

/* Absent fields only produce a poisoned offset inside a dead branch. */
#define PROBE(v, f)								\
	do {									\
		if (bpf_core_field_exists((v)->f))				\
			sum += __builtin_preserve_field_info((v)->f,		\
						BPF_FIELD_BYTE_OFFSET) + 1;	\
	} while (0)

SEC("raw_tracepoint/views_probe")
int views_probe(void *ctx)
{
	struct task_struct_user *t = ctx;
	struct cred_user *c = ctx;
	struct mm_struct_user *mm = ctx;
	struct net_device_user *nd = ctx;
	struct sock_user *sk = ctx;
	struct sk_buff_user *skb = ctx;
	struct gendisk_user *gd = ctx;
	struct request_queue_user *q = ctx;
	struct block_device_user *bd = ctx;
	struct bio_user *bio = ctx;
	struct request_user *rq = ctx;
	struct trace_event_raw_kfree_skb_user *kfs = ctx;
	struct trace_event_raw_net_dev_template_user *ndt = ctx;
	struct syscall_trace_enter_user *se = ctx;
	struct syscall_trace_exit_user *sx = ctx;
	struct trace_event_raw_sched_switch_user *sw = ctx;
	struct trace_event_raw_sched_process_fork_user *fk = ctx;
	struct trace_event_raw_sched_process_exec_user *ex = ctx;
	struct trace_event_raw_sched_process_exit_user *pe = ctx;
	struct trace_event_raw_block_rq_user *brq = ctx;
	struct trace_event_raw_block_rq_completion_user *brc = ctx;
	struct inode_user *ino = ctx;
	struct file_user *f = ctx;
	struct fdtable_user *fdt = ctx;
	struct files_struct_user *fs = ctx;
	unsigned long sum = 0;

	PROBE(t, pid); PROBE(t, tgid); PROBE(t, state); PROBE(t, flags);
	PROBE(t, prio); PROBE(t, static_prio); PROBE(t, comm); PROBE(t, real_parent);
	PROBE(t, parent); PROBE(t, group_leader); PROBE(t, mm); PROBE(t, cred);
	PROBE(t, real_cred); PROBE(t, start_time); PROBE(t, start_boottime);
	PROBE(t, exit_code); PROBE(t, nvcsw); PROBE(t, nivcsw);
	PROBE(c, uid.val); PROBE(c, gid.val); PROBE(c, euid.val); PROBE(c, egid.val);
	PROBE(mm, total_vm); PROBE(mm, start_code); PROBE(mm, arg_start);

	PROBE(nd, name); PROBE(nd, ifindex); PROBE(nd, mtu); PROBE(nd, flags);
	PROBE(sk, family); PROBE(sk, num); PROBE(sk, dport); PROBE(sk, rcv_saddr);
	PROBE(sk, daddr); PROBE(sk, protocol); PROBE(sk, type);
	PROBE(skb, len); PROBE(skb, data_len); PROBE(skb, protocol); PROBE(skb, mark);
	PROBE(skb, priority); PROBE(skb, skb_iif); PROBE(skb, dev); PROBE(skb, sk);

	PROBE(gd, major); PROBE(gd, first_minor); PROBE(gd, disk_name);
	PROBE(q, disk);
	PROBE(bd, bd_dev); PROBE(bd, bd_disk);
	PROBE(bio, bi_disk); PROBE(bio, bi_bdev); PROBE(bio, bi_opf);
	PROBE(rq, q); PROBE(rq, rq_disk); PROBE(rq, cmd_flags); PROBE(rq, sector);
	PROBE(rq, data_len); PROBE(rq, start_time_ns); PROBE(rq, io_start_time_ns);
	PROBE(rq, bio);

	PROBE(kfs, skbaddr); PROBE(kfs, location); PROBE(kfs, protocol); PROBE(kfs, reason);
	PROBE(ndt, skbaddr); PROBE(ndt, len);
	PROBE(se, nr); PROBE(se, args[0]);
	PROBE(sx, nr); PROBE(sx, ret);
	PROBE(sw, prev_comm); PROBE(sw, prev_pid); PROBE(sw, prev_prio); PROBE(sw, prev_state);
	PROBE(sw, next_comm); PROBE(sw, next_pid); PROBE(sw, next_prio);
	PROBE(fk, parent_comm); PROBE(fk, __data_loc_parent_comm); PROBE(fk, parent_pid);
	PROBE(fk, child_comm); PROBE(fk, __data_loc_child_comm); PROBE(fk, child_pid);
	PROBE(ex, __data_loc_filename); PROBE(ex, pid); PROBE(ex, old_pid);
	PROBE(pe, comm); PROBE(pe, pid); PROBE(pe, prio); PROBE(pe, group_dead);
	PROBE(brq, dev); PROBE(brq, sector); PROBE(brq, nr_sector); PROBE(brq, bytes);
	PROBE(brc, dev); PROBE(brc, sector); PROBE(brc, nr_sector); PROBE(brc, error);

	PROBE(t, files); PROBE(fs, fdt); PROBE(fdt, max_fds); PROBE(fdt, fd);
	PROBE(f, f_inode); PROBE(f, f_flags); PROBE(f, f_mode); PROBE(f, f_pos);
	PROBE(ino, i_mode); PROBE(ino, i_flags); PROBE(ino, i_ino); PROBE(ino, i_size);
	PROBE(ino, i_mtime_sec); PROBE(ino, i_mtime_nsec); PROBE(ino, i_ctime_sec);
	PROBE(ino, i_ctime_nsec); PROBE(ino, i_mtime_ts.tv_sec); PROBE(ino, i_ctime_ts.tv_sec);

	if (bpf_core_enum_value_exists(enum skb_drop_reason___uz, SKB_DROP_REASON_NO_SOCKET___uz))
		sum += bpf_core_enum_value(enum skb_drop_reason___uz, SKB_DROP_REASON_NO_SOCKET___uz);
	if (bpf_core_enum_value_exists(enum skb_drop_reason___uz, SKB_DROP_REASON_NOT_SPECIFIED___uz))
		sum += bpf_core_enum_value(enum skb_drop_reason___uz, SKB_DROP_REASON_NOT_SPECIFIED___uz);
	return (int)sum;
}
