/* Seed for the DWARF fuzz harness: a second unit with a differing and an identical definition. */
struct list_head { struct list_head *next, *prev; };
struct sock_common { unsigned short skc_family; unsigned int skc_hash; };
struct sock { struct sock_common __sk_common; int sk_rcvbuf; struct list_head node; };
struct task_struct { int pid; struct sock *sk; };   /* differs from dwarf_a.c's */
typedef struct sock sock_t;
struct sock *sock_root;
sock_t *sock_alias;
struct task_struct *other_task;
