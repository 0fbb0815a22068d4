/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Values of a relocation, per kind, from a (local or target) spec; then the
 * combined result: the value the compiler expected (from the local spec),
 * the new value (from the target spec, or the "not found" rule when no
 * candidate matched), whether the instruction is poisoned, whether the
 * original value can be validated, and whether a load/store size change is
 * safe. Semantics are libbpf's (relo_core.c), with one deliberate
 * difference: the bitfield shifts use the object's byte order rather than
 * the host's, so big-endian objects relocate correctly on any host.
 */
#include <stdio.h>

#include "core/core.h"

#define UZ_POISON 1 /* internal: "request poisoning" */

static int field_value(unsigned int kind, const struct uz_spec *spec, bool big_endian,
		       uint64_t *val, uint32_t *field_sz, uint32_t *type_id, bool *validate,
		       char *why, size_t why_sz)
{
	const struct uz_accessor *acc;
	const struct btf_type *t, *mt;
	uint32_t byte_off, byte_sz, bit_off, bit_sz, ftype;
	bool bitfield;
	int64_t sz;

	*field_sz = 0;
	if (kind == UZ_FIELD_EXISTS) {
		*val = spec ? 1 : 0;
		return 0;
	}
	if (!spec)
		return UZ_POISON;
	acc = &spec->spec[spec->len - 1];
	t = btf__type_by_id(spec->btf, acc->type_id);

	if (!acc->name) {
		/* array element (or the root used as array) */
		if (kind != UZ_FIELD_BYTE_OFFSET && kind != UZ_FIELD_BYTE_SIZE) {
			snprintf(why, why_sz, "%s relocation cannot be applied to an array element access",
				 uz_kind_name(kind));
			return -EINVAL;
		}
		sz = btf__resolve_size(spec->btf, acc->type_id);
		if (sz < 0) {
			snprintf(why, why_sz, "cannot compute the size of type [%u]", acc->type_id);
			return -EINVAL;
		}
		if (kind == UZ_FIELD_BYTE_OFFSET) {
			*val = spec->bit_offset / 8;
			*field_sz = (uint32_t)sz;
			*type_id = acc->type_id;
		} else {
			*val = (uint64_t)sz;
		}
		if (validate)
			*validate = true;
		return 0;
	}

	mt = uz_skip_mods(spec->btf, btf_members(t)[acc->idx].type, &ftype);
	bit_off = spec->bit_offset;
	bit_sz = btf_member_bitfield_size(t, acc->idx);
	bitfield = bit_sz > 0;
	if (bitfield) {
		byte_sz = mt->size;
		if (byte_sz == 0 || byte_sz > 8) {
			snprintf(why, why_sz, "bitfield of a type of size %u cannot be read", byte_sz);
			return -E2BIG;
		}
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		/* grow the load until it covers the whole bitfield */
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8) {
				snprintf(why, why_sz, "bitfield at bit %u (%u bits) cannot be read with one 64-bit load",
					 bit_off, bit_sz);
				return -E2BIG;
			}
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		sz = btf__resolve_size(spec->btf, ftype);
		if (sz < 0) {
			snprintf(why, why_sz, "cannot compute the size of field type [%u]", ftype);
			return -EINVAL;
		}
		byte_sz = (uint32_t)sz;
		byte_off = spec->bit_offset / 8;
		bit_sz = byte_sz * 8;
	}
	/* bitfield values may legitimately differ from the compiler's guess */
	if (validate)
		*validate = !bitfield;

	switch (kind) {
	case UZ_FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			*field_sz = byte_sz;
			*type_id = ftype;
		}
		break;
	case UZ_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case UZ_FIELD_SIGNED:
		*val = (btf_is_any_enum(mt) && BTF_INFO_KFLAG(mt->info)) ||
		       (btf_is_int(mt) && (btf_int_encoding(mt) & BTF_INT_SIGNED));
		if (validate)
			*validate = true;
		break;
	case UZ_FIELD_LSHIFT_U64:
		if (big_endian)
			*val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
		else
			*val = 64 - (bit_off + bit_sz - byte_off * 8);
		break;
	case UZ_FIELD_RSHIFT_U64:
		*val = 64 - bit_sz;
		if (validate)
			*validate = true;
		break;
	default:
		snprintf(why, why_sz, "unknown field relocation kind %u", kind);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int type_value(unsigned int kind, const struct uz_spec *spec, uint64_t *val,
		      bool *validate, char *why, size_t why_sz)
{
	int64_t sz;

	if (validate)
		*validate = true;
	if (!spec) {
		*val = 0;
		return 0;
	}
	switch (kind) {
	case UZ_TYPE_ID_TARGET:
		*val = spec->root_type_id;
		/* type ids may change when objects are linked: not checked */
		if (validate)
			*validate = false;
		return 0;
	case UZ_TYPE_EXISTS:
	case UZ_TYPE_MATCHES:
		*val = 1;
		return 0;
	case UZ_TYPE_SIZE:
		sz = btf__resolve_size(spec->btf, spec->root_type_id);
		if (sz < 0) {
			snprintf(why, why_sz, "cannot compute the size of type [%u]", spec->root_type_id);
			return -EINVAL;
		}
		*val = (uint64_t)sz;
		return 0;
	default:
		snprintf(why, why_sz, "unknown type relocation kind %u", kind);
		return -EOPNOTSUPP;
	}
}

static int enumval_value(unsigned int kind, const struct uz_spec *spec, uint64_t *val,
			 char *why, size_t why_sz)
{
	const struct btf_type *t;

	if (kind == UZ_ENUMVAL_EXISTS) {
		*val = spec ? 1 : 0;
		return 0;
	}
	if (kind != UZ_ENUMVAL_VALUE) {
		snprintf(why, why_sz, "unknown enum relocation kind %u", kind);
		return -EOPNOTSUPP;
	}
	if (!spec)
		return UZ_POISON;
	t = btf__type_by_id(spec->btf, spec->spec[0].type_id);
	if (btf_is_enum(t))
		*val = (uint64_t)(int64_t)btf_enum(t)[spec->spec[0].idx].val;
	else
		*val = btf_enum64_value(btf_enum64(t) + spec->spec[0].idx);
	return 0;
}

int uz_calc_relo(unsigned int kind, const struct uz_spec *local, const struct uz_spec *targ,
		 bool big_endian, struct uz_relo_res *res, char *why, size_t why_sz)
{
	int r = -EOPNOTSUPP;

	memset(res, 0, sizeof(*res));
	res->validate = true;
	if (uz_kind_is_field(kind)) {
		r = field_value(kind, local, big_endian, &res->orig_val, &res->orig_sz,
				&res->orig_type_id, &res->validate, why, why_sz);
		if (!r)
			r = field_value(kind, targ, big_endian, &res->new_val, &res->new_sz,
					&res->new_type_id, NULL, why, why_sz);
		if (!r && res->orig_sz != res->new_sz) {
			const struct btf_type *ot = btf__type_by_id(local->btf, res->orig_type_id);
			const struct btf_type *nt = btf__type_by_id(targ->btf, res->new_type_id);

			/* only pointers and unsigned ints survive a load size change */
			if (!(btf_is_ptr(ot) && btf_is_ptr(nt)) &&
			    !(btf_is_int(ot) && btf_is_int(nt) &&
			      !(btf_int_encoding(ot) & BTF_INT_SIGNED) &&
			      !(btf_int_encoding(nt) & BTF_INT_SIGNED)))
				res->fail_memsz_adjust = true;
		}
	} else if (uz_kind_is_type(kind)) {
		r = type_value(kind, local, &res->orig_val, &res->validate, why, why_sz);
		if (!r)
			r = type_value(kind, targ, &res->new_val, NULL, why, why_sz);
	} else if (uz_kind_is_enumval(kind)) {
		r = enumval_value(kind, local, &res->orig_val, why, why_sz);
		if (!r)
			r = enumval_value(kind, targ, &res->new_val, why, why_sz);
	} else {
		snprintf(why, why_sz, "unknown relocation kind %u", kind);
	}
	if (r == UZ_POISON) {
		res->poison = true;
		r = 0;
	}
	return r;
}
