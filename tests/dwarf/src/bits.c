/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Bitfields of every storage size and sign, in structs, unions and nested,
 * for the legacy DW_AT_bit_offset: test_dwarf_unit cross-compiles this for
 * s390x (big-endian) and i686 (little-endian, 32-bit) as DWARF 2 and 4,
 * where gcc numbers bits from the most significant end of the storage unit.
 */
enum uzt_lbe { LBE_A, LBE_B = 5 };

struct uzt_lbits {
	unsigned int a : 3;
	int b : 5;
	unsigned long long c : 40;
	unsigned char d;
	unsigned short e : 9;
	signed char f : 2;
	unsigned int g : 17;
	long long h : 33;
	enum uzt_lbe i : 3;
	_Bool j : 1;
	unsigned char k : 7;
	short l : 11;
	unsigned int m : 32;
	unsigned long n : 1;
	unsigned int : 0;
	unsigned int o : 31;
};

union uzt_lubits {
	unsigned int x : 7;
	int y : 13;
	unsigned char z : 3;
	long long w : 60;
};

struct uzt_lnest {
	char pad;
	struct uzt_lbits in;
	union uzt_lubits u;
	int tail : 4;
	struct {
		unsigned short p : 5, q : 11;
	} anon;
};

struct uzt_lnest uzt_lnest_v;
