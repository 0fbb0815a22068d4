/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Attribute readers for type DIEs (die.c), shared by same.c and convert.c. */
#ifndef UZ_DW_DIE_H
#define UZ_DW_DIE_H

#include "target/dwarf/dwarf.h"

/* Bit offset and bitfield size (0: not a bitfield) of a member DIE. */
int uz_dw_member_bits(Dwarf_Die *m, bool big_endian, uint64_t *bit_off, uint32_t *bit_size,
		      const char *fname, struct uz_error *err);
/* Element count of a subrange DIE; 0 for flexible or variable arrays. */
uint32_t uz_dw_subrange_count(Dwarf_Die *sr);
/* Is the enumeration DIE signed (signed underlying type, else a negative value)? */
bool uz_dw_enum_signed(Dwarf_Die *e);
int uz_dw_enum_value(Dwarf_Die *en, bool is_signed, int64_t *v, const char *fname,
		     struct uz_error *err);

#endif
