/* Seed for the DWARF fuzz harness: kernel-like types (tests/fuzz/make_seeds.sh). */
typedef unsigned int u32;
typedef unsigned long long u64;
typedef struct { int counter; } atomic_t;
enum state { S_RUNNING = 0, S_SLEEPING = 1, S_DEAD = 64 };
enum big { B_LOW = -1, B_HIGH = 0x7fffffffffffLL };
struct list_head { struct list_head *next, *prev; };
union key { u32 k32; u64 k64; char bytes[8]; };
struct task_struct {
	volatile long __state;
	const unsigned int flags;
	atomic_t usage;
	int pid, tgid;
	char comm[16];
	struct list_head tasks;
	struct task_struct *parent;
	unsigned int bits : 3, more : 5;
	union { int a; struct { short b, c; }; };
	union key key;
	enum state st;
	void (*fn)(struct task_struct *, int);
	int matrix[2][3];
	char tail[];
};
struct task_struct *tasks_root;
union key key_root;
enum big big_root;
