/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * t_beta.c: purpose-built target "beta", the hostile one: renamed fields
 * (task_struct.state instead of __state, uzt_outer.first_renamed), missing
 * fields (group_leader, inner.b, gone, ep), shorter arrays so indices fall
 * out of range, narrowed and re-signed integers (u32 -> u8, u64 -> u16,
 * pointer -> int), ENUM where the object has ENUM64, missing enumerators and
 * a struct that no longer matches.
 */
struct mm_struct {
	unsigned long task_size;
	unsigned long start_code;
};

struct task_struct {
	volatile long state;
	int pid;
	int tgid;
	char comm[8];
	int flags;
	unsigned int prio;
	struct task_struct *real_parent;
	struct mm_struct *mm;
};

struct uzt_inner {
	int a;
};

struct uzt_elem {
	short x;
	short y;
};

struct uzt_outer {
	int first_renamed;
	struct uzt_inner inner;
	union {
		int u_int;
	};
	struct {
		unsigned short s1;
		short s2;
	};
	int arr[2];
	struct uzt_elem elems[2];
	unsigned char bf_s : 5, bf_u : 3;
	unsigned int bf_v : 10;
	unsigned long long bf_w : 50;
	unsigned short cnt;
	unsigned int scnt;
	int flex_n;
	int flex[0];
};

struct uzt_val {
	unsigned long ptr;
	unsigned char cnt;
	int scnt;
	unsigned short big;
	unsigned long h;
	unsigned char bf3 : 6;
	unsigned short bf1 : 4, bf2 : 12;
	int next;
};

enum uzt_e {
	UZT_C = 3,
	UZT_A = 5,
	UZT_B = 6,
};

enum uzt_e64 {
	UZT_BIG = 9,
	UZT_SMALL = 8,
};

enum bpf_map_type {
	BPF_MAP_TYPE_UNSPEC,
	BPF_MAP_TYPE_RINGBUF = 27,
};

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
	PIDTYPE_PGID,
	PIDTYPE_MAX,
};

typedef unsigned long uzt_u32_t;
typedef struct uzt_inner uzt_inner_t;

struct uzt_shape {
	int a;
	int b;
	struct uzt_shape *self;
};

struct uzt_beta_all {
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

struct uzt_beta_all uzt_beta_all;

/* by value: a pointer alone would only emit a FWD */
struct uzt_outer uzt_beta_outer;
