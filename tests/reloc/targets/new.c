// SPDX-License-Identifier: GPL-2.0
/* Purpose-built target: kernel types after 5.14 (`unsigned int __state`). */
struct thread_info {
	unsigned long flags;
	unsigned long syscall_work;
	unsigned int status;
	unsigned int cpu;
};

struct task_struct {
	struct thread_info thread_info;
	unsigned int __state;
	unsigned int saved_state;
	void *stack;
	long pad[3];
	int pid;
	int tgid;
	long pad2;
	struct task_struct *real_parent;
	char comm[16];
};

struct sock_common {
	union {
		unsigned long long skc_addrpair;
		struct {
			unsigned int skc_daddr;
			unsigned int skc_rcv_saddr;
		};
	};
	unsigned int skc_hash;
	unsigned short skc_dport;
	unsigned short skc_num;
	unsigned short skc_family;
};

struct sock {
	struct sock_common __sk_common;
	int sk_rcvbuf;
};

struct task_struct uz_target_task;
struct sock uz_target_sock;
