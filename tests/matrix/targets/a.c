// SPDX-License-Identifier: GPL-2.0
/* Matrix test target: the reference task_struct layout (pid at 8, tgid at 12). */
struct task_struct {
	void *stack;
	int pid;
	int tgid;
};

struct task_struct uz_matrix_task;
