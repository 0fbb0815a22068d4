// SPDX-License-Identifier: GPL-2.0
/* Matrix test target: task_struct with the pre-5.14 "long state". */
struct task_struct {
	void *stack;
	int pid;
	int tgid;
	long state;
};

struct task_struct uz_matrix_task;
