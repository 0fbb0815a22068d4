// SPDX-License-Identifier: GPL-2.0
/* Matrix test target: as a.c but pid moved after tgid (pid at 12, tgid at 8). */
struct task_struct {
	void *stack;
	int tgid;
	int pid;
};

struct task_struct uz_matrix_task;
