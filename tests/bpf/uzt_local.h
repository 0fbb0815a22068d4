/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uzt_local.h: the *local* (program-side) views of the types that the
 * equivalence test objects relocate. Real kernel types (task_struct, ...)
 * carry only the members the objects touch; the uzt_* types exist only in
 * the purpose-built targets (tests/targets/), so against a real kernel every
 * access to them is poisoned or reads 0 and is kept in dead code behind an
 * existence check.
 */
#ifndef UZT_LOCAL_H
#define UZT_LOCAL_H

#define PAI __attribute__((preserve_access_index))

/* ---- real kernel types ---------------------------------------------- */

struct mm_struct {
	unsigned long task_size;
	unsigned long start_code;
	unsigned long end_code;
} PAI;

struct task_struct {
	unsigned int __state;
	int pid;
	int tgid;
	char comm[16];
	unsigned int flags;
	int prio;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct mm_struct *mm;
} PAI;

/* pre-5.14 name of __state; absent from every kernel the tests use */
struct task_struct___old {
	long state;
} PAI;

/* ---- purpose-built types (tests/targets) ---------------------------- */

struct uzt_inner {
	int a;
	int b;
} PAI;

struct uzt_elem {
	int x;
	int y;
} PAI;

struct uzt_outer {
	int first;
	struct uzt_inner inner;
	union {
		int u_int;
		long u_long;
	};
	struct {
		short s1;
		short s2;
	};
	int arr[4];
	struct uzt_elem elems[3];
	unsigned int bf_u : 3, bf_v : 7;
	int bf_s : 5;
	unsigned long long bf_w : 40;
	unsigned int cnt;
	int scnt;
	int gone;
	struct uzt_elem *ep;
	int flex_n;
	int flex[];
} PAI;

/* flavor: the member renamed in target beta */
struct uzt_outer___v2 {
	int first_renamed;
} PAI;

/* map value whose layout varies: direct LDX/ST/STX size adjustment */
struct uzt_val {
	unsigned int cnt;
	int scnt;
	unsigned long long big;
	unsigned short h;
	void *ptr;
	unsigned int bf1 : 4, bf2 : 12;
	int bf3 : 6;
	struct uzt_val *next;
} PAI;

enum uzt_e {
	UZT_A = 1,
	UZT_B = 2,
	UZT_C = 3,
	UZT_NEG = -5,
};

enum uzt_e64 {
	UZT_SMALL = 7,
	UZT_BIG = 0x1234567890ULL,
};

/* ENUMVAL flavor on a real kernel enumerator that arrived in 6.9 */
enum bpf_map_type___x {
	BPF_MAP_TYPE_ARENA___x = 1,
	BPF_MAP_TYPE_RINGBUF___x = 1,
};

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
	PIDTYPE_PGID,
	PIDTYPE_SID,
	PIDTYPE_MAX,
};

typedef unsigned int uzt_u32_t;
typedef struct uzt_inner uzt_inner_t;

/* type matching (kind 12): a target with the same shape matches */
struct uzt_shape {
	int a;
	long b;
	struct uzt_shape *self;
};

/* two flavors; target "amb" defines both uzt_amb and uzt_amb___two with
 * different layouts, so a local uzt_amb___l sees two disagreeing candidates */
struct uzt_amb___l {
	int a;
	int b;
} PAI;

#endif /* UZT_LOCAL_H */
