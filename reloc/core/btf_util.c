/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Generic BTF helpers of the CO-RE core: relocation kind classes and names,
 * skipping modifiers and typedefs, kind compatibility (ENUM and ENUM64 are
 * one kind for CO-RE), and a type's printable name ("struct task_struct")
 * or C spelling ("char[16]", "const struct sock *").
 * They read validated BTF only and do no I/O.
 */
#include <stdio.h>

#include "core/core.h"

bool uz_kind_is_field(unsigned int kind)
{
	return kind <= UZ_FIELD_RSHIFT_U64;
}

bool uz_kind_is_type(unsigned int kind)
{
	return kind == UZ_TYPE_ID_LOCAL || kind == UZ_TYPE_ID_TARGET ||
	       kind == UZ_TYPE_EXISTS || kind == UZ_TYPE_MATCHES || kind == UZ_TYPE_SIZE;
}

bool uz_kind_is_enumval(unsigned int kind)
{
	return kind == UZ_ENUMVAL_EXISTS || kind == UZ_ENUMVAL_VALUE;
}

const char *uz_kind_name(unsigned int kind)
{
	static const char *const names[] = {
		"byte_off", "byte_sz", "field_exists", "signed", "lshift_u64", "rshift_u64",
		"local_type_id", "target_type_id", "type_exists", "type_size",
		"enumval_exists", "enumval_value", "type_matches",
	};

	return kind < UZ_ARRAY_SIZE(names) ? names[kind] : "unknown";
}

const struct btf_type *uz_skip_mods(const struct btf *btf, uint32_t id, uint32_t *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (res_id)
		*res_id = id;
	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		if (res_id)
			*res_id = t->type;
		t = btf__type_by_id(btf, t->type);
	}
	return t;
}

bool uz_kind_core_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (btf_is_any_enum(a) && btf_is_any_enum(b));
}

static const char *kind_word(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: return "struct";
	case BTF_KIND_UNION: return "union";
	case BTF_KIND_ENUM: return "enum";
	case BTF_KIND_ENUM64: return "enum64";
	case BTF_KIND_FWD: return BTF_INFO_KFLAG(t->info) ? "union(fwd)" : "struct(fwd)";
	case BTF_KIND_TYPEDEF: return "typedef";
	case BTF_KIND_INT: return "int";
	case BTF_KIND_FLOAT: return "float";
	case BTF_KIND_PTR: return "ptr";
	case BTF_KIND_ARRAY: return "array";
	case BTF_KIND_FUNC_PROTO: return "func_proto";
	case BTF_KIND_FUNC: return "func";
	case BTF_KIND_CONST: return "const";
	case BTF_KIND_VOLATILE: return "volatile";
	case BTF_KIND_RESTRICT: return "restrict";
	case BTF_KIND_TYPE_TAG: return "type_tag";
	case BTF_KIND_VAR: return "var";
	case BTF_KIND_DATASEC: return "datasec";
	case BTF_KIND_DECL_TAG: return "decl_tag";
	default: return "void";
	}
}

const char *uz_type_str(const struct btf *btf, uint32_t id, char *buf, size_t sz)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;

	if (!t) {
		snprintf(buf, sz, "<bad type %u>", id);
		return buf;
	}
	name = btf__name_by_offset(btf, t->name_off);
	if (name && *name)
		snprintf(buf, sz, "%s %s", kind_word(t), name);
	else
		snprintf(buf, sz, "<anon> %s", kind_word(t));
	return buf;
}

/* C spelling of @id, @depth levels at most (a cycle ends as "..."). */
static void decl(const struct btf *btf, uint32_t id, char *buf, size_t sz, int depth)
{
	const struct btf_type *t = id ? btf__type_by_id(btf, id) : NULL;
	const char *name = t ? btf__name_by_offset(btf, t->name_off) : "";
	char in[256];

	if (!sz)
		return;
	if (!id) {
		snprintf(buf, sz, "void");
		return;
	}
	if (!t || depth <= 0) {
		snprintf(buf, sz, "%s", t ? "..." : "<bad type>");
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		decl(btf, t->type, in, sizeof(in), depth - 1);
		snprintf(buf, sz, "%s *", in);
		return;
	case BTF_KIND_ARRAY: {
		/* int[2][3]: the outer dimension first */
		char dims[96] = "";
		size_t n = 0;

		for (; t && btf_is_array(t) && depth > 0 && n < sizeof(dims); depth--) {
			n += (size_t)snprintf(dims + n, sizeof(dims) - n, "[%u]", btf_array(t)->nelems);
			id = btf_array(t)->type;
			t = btf__type_by_id(btf, id);
		}
		decl(btf, id, in, sizeof(in), depth - 1);
		snprintf(buf, sz, "%s%s", in, dims);
		return;
	}
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
		decl(btf, t->type, in, sizeof(in), depth - 1);
		snprintf(buf, sz, "%s %s", kind_word(t), in);
		return;
	case BTF_KIND_TYPE_TAG:
		decl(btf, t->type, in, sizeof(in), depth - 1);
		snprintf(buf, sz, "%s __attribute__((btf_type_tag(\"%s\")))", in, name);
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
		snprintf(buf, sz, "%s %s", btf_kind(t) == BTF_KIND_ENUM64 ? "enum" :
			 btf_kind(t) == BTF_KIND_FWD ? (BTF_INFO_KFLAG(t->info) ? "union" : "struct") :
			 kind_word(t), *name ? name : "<anon>");
		return;
	default:
		snprintf(buf, sz, "%s", *name ? name : kind_word(t));
	}
}

const char *uz_type_decl(const struct btf *btf, uint32_t id, char *buf, size_t sz)
{
	decl(btf, id, buf, sz, 8);
	return buf;
}
