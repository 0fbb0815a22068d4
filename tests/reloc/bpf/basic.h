/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What basic.bpf.c stores for the test process: shared by the BPF side and
 * the live test that reads it back. */
#ifndef UZ_TEST_BASIC_H
#define UZ_TEST_BASIC_H

struct result {
	int pid;
	int tgid;
	int ppid;
	unsigned int state;
	char comm[16];
	unsigned long long family_off;
	unsigned long long hits;
};

#endif
