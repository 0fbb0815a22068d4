// SPDX-License-Identifier: GPL-2.0
/* Purpose-built target: kernel types as before 5.14 (`long state`). */
struct task_struct {
	volatile long state;
	void *stack;
	unsigned int flags;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	char comm[16];
};

struct sock_common {
	unsigned int skc_daddr;
	unsigned int skc_rcv_saddr;
	unsigned short skc_family;
};

struct sock {
	struct sock_common __sk_common;
	int sk_rcvbuf;
};

struct task_struct uz_target_task;
struct sock uz_target_sock;
