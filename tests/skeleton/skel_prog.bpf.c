// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * skel_prog.bpf.c: a small CO-RE program shipped the libbpf-tools way, as a
 * `bpftool gen skeleton` header. On every syscall entry of the process
 * whose tgid is want_tgid, it reads pid and tgid through the task view.
 */
#include <userize/bpf/task.h>
#include <userize/bpf/tp.h>

char LICENSE[] SEC("license") = "GPL";

int want_tgid;
int seen_pid;
int seen_tgid;
unsigned long long hits;

SEC("raw_tracepoint/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct_user *t = (void *)bpf_get_current_task();

	(void)ctx;
	if ((int)(bpf_get_current_pid_tgid() >> 32) != want_tgid)
		return 0;
	seen_pid = uz_task_pid(t);
	seen_tgid = uz_task_tgid(t);
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
