/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Unit a of the gcc-compiled test program (tests/dwarf/test_dwarf_unit.c). */
#include "types.h"

struct uzt_node {
	struct uzt_node *next;
	int v;
};

struct uzt_dup {            /* differs from b.c's: x at 0 here */
	int x;
	int y;
};

struct uzt_inner {          /* same size as b.c's, members swapped */
	int p;
	int q;
};

struct uzt_outer {          /* the same text in both units, different by value */
	struct uzt_inner in;
	long tail;
};

typedef struct uzt_opaque uzt_opaque_t; /* never defined: a forward */
typedef int uzt_missing_t;  /* the test points its type at nowhere */
typedef int uzt_loop_t;     /* the test points its type at itself */
struct uzt_self {           /* the test makes x hold the struct itself */
	int x;
};

#ifdef UZT_ATOMIC
struct uzt_atomic {         /* _Atomic dropped (pahole 1.24 cannot read it) */
	_Atomic int at;
	_Atomic(struct uzt_node *) atp;
	int after;
};
struct uzt_atomic g_atomic;
#endif

struct uzt_all g_all;
struct uzt_dup g_dup_a;
struct uzt_outer g_outer_a;
uzt_opaque_t *g_opaque;
uzt_missing_t g_missing;
uzt_loop_t g_loop;
struct uzt_self g_self;
struct uzt_node g_node;

int uzt_b(void);

/* A type defined only inside a function (and a block of it): indexed as
 * pahole's BTF has it. */
static long uzt_local_use(int n)
{
	struct uzt_local {
		int a;
		long b : 20;
	} l = { n, 3 };

	if (n > 1) {
		union uzt_local_u {
			char c[3];
			short s;
		} u = { { 1, 2, 3 } };

		return l.a + l.b + u.s;
	}
	return l.a + l.b;
}

int main(void)
{
	return g_all.bits.a + g_dup_a.x + uzt_b() + (int)uzt_local_use(2);
}
