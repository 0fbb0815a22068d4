/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Attribute readers for type DIEs (die.c), shared by same.c and convert.c. */
#ifndef UZ_DW_DIE_H
#define UZ_DW_DIE_H

#include "target/dwarf/dwarf.h"

/* A member DIE, read in one pass over its attributes. */
struct uz_dw_member {
	const char *name;   /* NULL: anonymous */
	Dwarf_Die type;     /* valid when has_type */
	bool has_type;
	uint64_t bit_off;
	uint32_t bit_size;  /* 0: not a bitfield */
};
int uz_dw_member_read(Dwarf_Die *m, bool big_endian, struct uz_dw_member *out, const char *fname,
		      struct uz_error *err);
/* Element count of a subrange DIE; 0 for flexible or variable arrays. */
uint32_t uz_dw_subrange_count(Dwarf_Die *sr);
/* Is the enumeration DIE signed (signed underlying type, else a negative value)? */
bool uz_dw_enum_signed(Dwarf_Die *e);
int uz_dw_enum_value(Dwarf_Die *en, bool is_signed, int64_t *v, const char *fname,
		     struct uz_error *err);

#endif
