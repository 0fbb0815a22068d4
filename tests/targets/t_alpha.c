/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * t_alpha.c: purpose-built target "alpha". Every type the test objects use
 * exists, with shuffled layouts: moved and widened fields (u32 -> u64,
 * int -> long), a different bitfield packing, longer arrays, changed enum
 * values, an ENUM64 and a real-kernel enumerator that the running kernel
 * also has. Compiled to an object whose .BTF is the target.
 */
struct mm_struct {
	long pad[3];
	unsigned long end_code;
	unsigned long start_code;
	unsigned long task_size;
};

struct task_struct {
	long pad0[5];
	unsigned int flags;
	int prio;
	char pad1[12];
	int tgid;
	int pid;
	char comm[16];
	struct task_struct *group_leader;
	struct task_struct *real_parent;
	unsigned int __state;
	struct mm_struct *mm;
};

struct uzt_inner {
	long pad;
	int b;
	int a;
};

struct uzt_elem {
	long pad;
	int y;
	int x;
};

struct uzt_outer {
	long pad0;
	struct uzt_elem *ep;
	unsigned long cnt;
	long scnt;
	struct {
		short s2;
		short s1;
	};
	int first;
	union {
		long u_long;
		int u_int;
	};
	struct uzt_inner inner;
	int arr[6];
	unsigned short pad1;
	unsigned int bf_v : 7, bf_u : 3;
	unsigned long long pad2 : 20, bf_w : 40;
	int bf_s : 5;
	struct uzt_elem elems[5];
	int gone;
	int flex_n;
	int flex[];
};

struct uzt_val {
	void *ptr;
	unsigned long cnt;
	long scnt;
	unsigned int big;
	unsigned char pad;
	unsigned int bf2 : 12, bf1 : 4;
	int bf3 : 6;
	unsigned short h;
	struct uzt_val *next;
};

enum uzt_e {
	UZT_A = 10,
	UZT_B = 20,
	UZT_C = 30,
	UZT_NEG = -50,
};

enum uzt_e64 {
	UZT_SMALL = 70,
	UZT_BIG = 0xabcdef0123456789ULL,
};

enum bpf_map_type {
	BPF_MAP_TYPE_UNSPEC,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_ARENA = 33,
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

struct uzt_shape {
	int a;
	long b;
	struct uzt_shape *self;
};

struct uzt_alpha_all {
	struct task_struct t;
	struct mm_struct m;
	struct uzt_elem el;
	struct uzt_val v;
	enum uzt_e e;
	enum uzt_e64 e64;
	enum bpf_map_type mt;
	enum pid_type pt;
	uzt_u32_t u;
	uzt_inner_t in;
	struct uzt_shape s;
};

struct uzt_alpha_all uzt_alpha_all;

/* by value: a pointer alone would only emit a FWD */
struct uzt_outer uzt_alpha_outer;
