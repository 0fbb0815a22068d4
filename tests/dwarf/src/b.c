/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Unit b of the gcc-compiled test program (tests/dwarf/test_dwarf_unit.c). */
#include "types.h"

struct uzt_dup {            /* differs from a.c's: x at 4 here */
	int y;
	int x;
};

struct uzt_inner {
	int q;
	int p;
};

struct uzt_outer {
	struct uzt_inner in;
	long tail;
};

struct uzt_all g_all_b;
struct uzt_dup g_dup_b;
struct uzt_outer g_outer_b;

int uzt_b(void)
{
	return g_dup_b.x + g_all_b.bits.b;
}
