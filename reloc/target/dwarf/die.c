/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading the attributes of type DIEs the way BTF needs them, shared by
 * the comparison and the conversion so both see the same layout: type
 * references (a reference out of the unit or section is an error naming
 * both offsets), member bit offsets (DW_AT_data_bit_offset, the legacy
 * DW_AT_bit_offset in either byte order, location expressions), array
 * dimensions, and enum signedness and values.
 */
#include <dwarf.h>

#include "target/dwarf/die.h"

bool uz_dw_udata(Dwarf_Die *die, unsigned int at, uint64_t *v)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!dwarf_attr(die, at, &a) || dwarf_formudata(&a, &w))
		return false;
	*v = w;
	return true;
}

int uz_dw_type_ref(Dwarf_Die *die, Dwarf_Die *out, bool *has, const char *fname,
		   struct uz_error *err)
{
	Dwarf_Attribute a;

	*has = false;
	if (!dwarf_attr(die, DW_AT_type, &a))
		return 0;
	if (!dwarf_formref_die(&a, out))
		return uz_err_set(err, -EINVAL, "%s: the DIE at .debug_info offset 0x%llx references a type that does not exist (outside its unit or the section: %s): corrupt or truncated DWARF",
				  fname, (unsigned long long)dwarf_dieoffset(die), dwarf_errmsg(-1));
	*has = true;
	return 0;
}

/* The attributes of a member DIE, in one pass over them. */
struct member_attrs {
	Dwarf_Attribute loc, bit_off, data_bit_off, bit_size, byte_size, name, type;
	unsigned int have;
};

enum { H_LOC = 1, H_BIT_OFF = 2, H_DATA_BIT_OFF = 4, H_BIT_SIZE = 8, H_BYTE_SIZE = 16,
       H_NAME = 32, H_TYPE = 64 };

static int member_attr(Dwarf_Attribute *a, void *arg)
{
	struct member_attrs *m = arg;

	switch (dwarf_whatattr(a)) {
	case DW_AT_data_member_location: m->loc = *a; m->have |= H_LOC; break;
	case DW_AT_bit_offset: m->bit_off = *a; m->have |= H_BIT_OFF; break;
	case DW_AT_data_bit_offset: m->data_bit_off = *a; m->have |= H_DATA_BIT_OFF; break;
	case DW_AT_bit_size: m->bit_size = *a; m->have |= H_BIT_SIZE; break;
	case DW_AT_byte_size: m->byte_size = *a; m->have |= H_BYTE_SIZE; break;
	case DW_AT_name: m->name = *a; m->have |= H_NAME; break;
	case DW_AT_type: m->type = *a; m->have |= H_TYPE; break;
	default: break;
	}
	return DWARF_CB_OK;
}

static uint64_t udata_of(Dwarf_Attribute *a, bool have)
{
	Dwarf_Word w = 0;

	if (!have || dwarf_formudata(a, &w))
		return 0;
	return w;
}

/* DW_AT_data_member_location: a constant, or (DWARF 2) an expression
 * DW_OP_plus_uconst N. */
static int member_loc(Dwarf_Die *m, struct member_attrs *ma, uint64_t *loc, const char *fname,
		      struct uz_error *err)
{
	Dwarf_Op *ops;
	size_t n;

	*loc = 0;
	if (!(ma->have & H_LOC))
		return 0;
	if (!dwarf_formudata(&ma->loc, loc))
		return 0;
	if (dwarf_getlocation(&ma->loc, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_plus_uconst) {
		*loc = ops[0].number;
		return 0;
	}
	return uz_err_set(err, -EINVAL, "%s: the member DIE at .debug_info offset 0x%llx has a data_member_location that is not a constant",
			  fname, (unsigned long long)dwarf_dieoffset(m));
}

int uz_dw_member_read(Dwarf_Die *m, bool big_endian, struct uz_dw_member *out, const char *fname,
		      struct uz_error *err)
{
	struct member_attrs ma;
	uint64_t loc, bsz, storage;
	Dwarf_Sword legacy;
	int r;

	ma.have = 0;
	if (dwarf_getattrs(m, member_attr, &ma, 0) != 1)
		return uz_err_set(err, -EINVAL, "%s: the member DIE at .debug_info offset 0x%llx is unreadable: %s",
				  fname, (unsigned long long)dwarf_dieoffset(m), dwarf_errmsg(-1));
	out->name = ma.have & H_NAME ? dwarf_formstring(&ma.name) : NULL;
	out->has_type = false;
	if (ma.have & H_TYPE) {
		if (!dwarf_formref_die(&ma.type, &out->type))
			return uz_err_set(err, -EINVAL, "%s: the DIE at .debug_info offset 0x%llx references a type that does not exist (outside its unit or the section: %s): corrupt or truncated DWARF",
					  fname, (unsigned long long)dwarf_dieoffset(m), dwarf_errmsg(-1));
		out->has_type = true;
	}
	bsz = udata_of(&ma.bit_size, ma.have & H_BIT_SIZE);
	out->bit_size = (uint32_t)bsz;
	if (ma.have & H_DATA_BIT_OFF) {
		out->bit_off = udata_of(&ma.data_bit_off, true);
		return 0;
	}
	r = member_loc(m, &ma, &loc, fname, err);
	if (r)
		return r;
	out->bit_off = loc * 8;
	if (!bsz || !(ma.have & H_BIT_OFF))
		return 0;
	if (dwarf_formsdata(&ma.bit_off, &legacy))
		return uz_err_set(err, -EINVAL, "%s: the member DIE at .debug_info offset 0x%llx has an unreadable bit_offset",
				  fname, (unsigned long long)dwarf_dieoffset(m));
	if (big_endian) {
		out->bit_off = loc * 8 + (uint64_t)legacy;
		return 0;
	}
	/* Little endian: DW_AT_bit_offset counts from the most significant
	 * bit of the storage unit (DW_AT_byte_size, else the type's size). */
	storage = udata_of(&ma.byte_size, ma.have & H_BYTE_SIZE);
	if (!(ma.have & H_BYTE_SIZE) && out->has_type) {
		Dwarf_Word w;

		if (dwarf_aggregate_size(&out->type, &w) == 0)
			storage = w;
	}
	out->bit_off = loc * 8 + storage * 8 - (uint64_t)legacy - bsz;
	return 0;
}

uint32_t uz_dw_subrange_count(Dwarf_Die *sr)
{
	Dwarf_Attribute a;
	Dwarf_Sword s;
	uint64_t v;

	if (uz_dw_udata(sr, DW_AT_count, &v))
		return (uint32_t)v;
	if (!dwarf_attr(sr, DW_AT_upper_bound, &a))
		return 0;
	if (dwarf_whatform(&a) == DW_FORM_sdata && !dwarf_formsdata(&a, &s))
		return s < 0 ? 0 : (uint32_t)(s + 1);
	if (dwarf_formudata(&a, &v))
		return 0; /* not a constant (a VLA): no length */
	if (v == 0xffffffffu || v == UINT64_MAX)
		return 0;
	return (uint32_t)(v + 1);
}

bool uz_dw_enum_signed(Dwarf_Die *e)
{
	Dwarf_Attribute a;
	Dwarf_Die t, ch;
	Dwarf_Word enc;
	Dwarf_Sword s;

	if (dwarf_attr(e, DW_AT_type, &a) && dwarf_formref_die(&a, &t)) {
		int depth = 0;

		while (dwarf_tag(&t) == DW_TAG_typedef && depth++ < UZ_DW_MAX_DEPTH)
			if (!dwarf_attr(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
				return false;
		if (dwarf_tag(&t) == DW_TAG_base_type && uz_dw_udata(&t, DW_AT_encoding, &enc))
			return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	}
	if (dwarf_child(e, &ch))
		return false;
	do {
		if (dwarf_tag(&ch) != DW_TAG_enumerator || !dwarf_attr(&ch, DW_AT_const_value, &a))
			continue;
		if (dwarf_whatform(&a) == DW_FORM_sdata && !dwarf_formsdata(&a, &s) && s < 0)
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

int uz_dw_enum_value(Dwarf_Die *en, bool is_signed, int64_t *v, const char *fname,
		     struct uz_error *err)
{
	Dwarf_Attribute a;
	Dwarf_Sword s;
	Dwarf_Word u;

	if (!dwarf_attr(en, DW_AT_const_value, &a))
		goto bad;
	if (is_signed || dwarf_whatform(&a) == DW_FORM_sdata) {
		if (dwarf_formsdata(&a, &s))
			goto bad;
		*v = s;
		return 0;
	}
	if (dwarf_formudata(&a, &u))
		goto bad;
	*v = (int64_t)u;
	return 0;
bad:
	return uz_err_set(err, -EINVAL, "%s: the enumerator DIE at .debug_info offset 0x%llx has no constant value",
			  fname, (unsigned long long)dwarf_dieoffset(en));
}
