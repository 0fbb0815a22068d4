// SPDX-License-Identifier: GPL-2.0
/* Purpose-built target: the task struct renamed and the state member gone,
 * so userize must poison (and explain) instead of guessing. */
struct task_struct_v2 {
	int pid;
	int tgid;
	unsigned int status;
	struct task_struct_v2 *real_parent;
	char comm[16];
};

struct task_struct_v2 uz_target_task;
