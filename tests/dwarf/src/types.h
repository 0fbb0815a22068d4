/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Types shared by both units of the gcc-compiled test program: identical in
 * both, so each is one type (see a.c and b.c for the ones that differ). */
#ifndef UZT_TYPES_H
#define UZT_TYPES_H

#include <stdint.h>

typedef int uzt_int_t;
typedef uzt_int_t uzt_int2_t;            /* typedef chain */
typedef const volatile uzt_int2_t uzt_cv_t;

enum uzt_e1 { E1_A = 1, E1_B = 200 } __attribute__((packed));  /* 1 byte */
enum uzt_e2 { E2_A = -3, E2_B = 30000 } __attribute__((packed)); /* 2 bytes, signed */
enum uzt_e4 { E4_A = -1, E4_B = 7 };                             /* signed */
enum uzt_e4u { E4U_A = 0, E4U_B = 0x80000000u };                 /* unsigned */
enum uzt_e8 { E8_A = 1, E8_B = 0x100000000ull };                 /* ENUM64 */
enum uzt_e8s { E8S_A = -0x100000000ll, E8S_B = 5 };              /* ENUM64, signed */

struct uzt_node;
typedef int (*uzt_fn_t)(const char *fmt, ...);

struct uzt_bits {
	unsigned int a : 3;
	int b : 5;
	unsigned long long c : 40;
	unsigned char d;
	enum uzt_e4 e : 4;
	_Bool f : 1;
	uint16_t g : 9;
};

union uzt_ubits {
	unsigned int x : 7;
	int y : 13;
	uint64_t z;
};

struct uzt_all {
	struct uzt_bits bits;
	union uzt_ubits ub;
	struct {
		int anon_a;
		union {
			long anon_b;
			char anon_c[3];
		};
	};
	int m2[2][3];
	char m3[2][3][4];
	uzt_cv_t cv;
	const char *restrict rp;
	uzt_fn_t fn;
	void (*cb)(struct uzt_all *self, int, unsigned long);
	struct uzt_node *next;
	enum uzt_e1 e1;
	enum uzt_e2 e2;
	enum uzt_e4u e4u;
	enum uzt_e8 e8;
	enum uzt_e8s e8s;
	double d;
	float f;
	__int128 wide;
	int flex[];
};

#endif
