// SPDX-License-Identifier: GPL-2.0
/* Matrix test target: task_struct with the 5.14+ "unsigned int __state". */
struct task_struct {
	void *stack;
	int pid;
	int tgid;
	unsigned int __state;
};

struct task_struct uz_matrix_task;
