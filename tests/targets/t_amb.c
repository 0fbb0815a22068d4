/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * t_amb.c: purpose-built target "amb". Two flavors of uzt_amb with
 * different layouts, so a local uzt_amb___l has two candidates that agree on
 * existence but not on offsets or size (libbpf: "ambiguity" errors), and an
 * enum uzt_e whose UZT_A no longer fits 32 bits.
 */
struct task_struct {
	int tgid;
	int pid;
};

struct uzt_amb {
	int a;
	int b;
};

struct uzt_amb___two {
	int b;
	long a;
};

enum uzt_e {
	UZT_A = 0x100000001ULL,
	UZT_B = 2,
};

struct uzt_amb_all {
	struct task_struct t;
	struct uzt_amb a;
	struct uzt_amb___two a2;
	enum uzt_e e;
};

struct uzt_amb_all uzt_amb_all;
