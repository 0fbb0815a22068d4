// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/fallback.bpf.c: a guarded read of a view field that older
 * kernels lack. On write() by the configured process to the configured
 * descriptor, it walks task -> files -> fdtable -> file -> inode and reads
 * the inode's modification time: inode_user.i_mtime_sec where the kernel has
 * it (6.11+), else the timespec64 the older kernels keep. It records which
 * path ran, so a test can see the fallback taken on old kernels only.
 */
#include <userize/bpf/fs.h>
#include <userize/bpf/tp.h>
#include "fallback.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fallback_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fallback_result);
} result SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_write")
int fallback(struct syscall_trace_enter_user *ctx)
{
	struct task_struct_user *task;
	struct fallback_config *cfg;
	struct fallback_result *res;
	struct inode_user *inode;
	struct file_user *file;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&config, &zero);
	res = bpf_map_lookup_elem(&result, &zero);
	if (!cfg || !res || !cfg->enabled)
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) != cfg->tgid || ctx->args[0] != cfg->fd)
		return 0;
	task = (struct task_struct_user *)bpf_get_current_task();
	file = uz_task_file(task, cfg->fd);
	if (!file)
		return 0;
	inode = UZ_READ_PTR(file, f_inode);
	if (!inode)
		return 0;
	res->path = uz_inode_has_split_times(inode) ? FALLBACK_PATH_DIRECT : FALLBACK_PATH_OLD;
	res->mtime_sec = uz_inode_mtime_sec(inode);
	res->ino = UZ_READ_INT(inode, i_ino);
	res->size = (__s64)UZ_READ_INT(inode, i_size);
	res->hits++;
	return 0;
}
