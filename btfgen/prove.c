/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The proof that a minimized BTF is exact: relocate the object against it
 * and compare every record with the relocation against the full types:
 * result, value, target type and target access path, and the message of a
 * failing record (an ambiguity must stay the same ambiguity). A
 * target_type_id value is an id in whichever BTF was used, so it is
 * compared by the type it names (and its ambiguity error by the types it
 * names, not the ids it quotes); from an archive entry it must be poisoned
 * (the running kernel does not know the entry's ids). The full types'
 * message is taken without the source locations the driver adds (a tracefs
 * format's FILE:LINE), which BTF does not have.
 */
#include <ctype.h>
#include <stdio.h>

#include "btfgen/btfgen_int.h"
#include "relocation.h"

static int differ(struct uz_error *err, const struct uz_object *obj, const struct uz_target *min,
		  const struct uz_record *a, const char *what, const char *full, const char *mini)
{
	return uz_err_set(err, -EPROTO,
			  "%s: the minimized BTF of %s would change section '%s' insn %u (CO-RE record #%u, %s %s): %s %s with the full types, %s with the minimized one; nothing written (please report this as a btfgen bug)",
			  obj->name, uz_target_name(min), a->section, a->insn, a->relo_idx,
			  uz_kind_name(a->kind), *a->spec ? a->spec : a->access, what, full, mini);
}

/* Messages equal up to the type ids they quote ("[id 1234]", and for
 * target_type_id every number): an id is one of whichever BTF was used, and
 * the minimized one renumbers types. Offsets and values still compare. */
static bool same_message(const char *a, const char *b, bool ids_differ)
{
	while (*a && *b) {
		if (!strncmp(a, "[id ", 4) && !strncmp(b, "[id ", 4)) {
			a = strchr(a, ']');
			b = strchr(b, ']');
			if (!a || !b)
				return !a && !b;
			continue;
		}
		if (ids_differ && isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (isdigit((unsigned char)*a))
				a++;
			while (isdigit((unsigned char)*b))
				b++;
			continue;
		}
		if (*a++ != *b++)
			return false;
	}
	return *a == *b;
}

static const char *res_name(enum uz_result r)
{
	return r == UZ_RESULT_OK ? "resolves" : r == UZ_RESULT_POISONED ? "poisoned" : "fails";
}

static int compare(const struct uz_object *obj, const struct uz_target *min,
		   const struct uz_record *a, const char *am, const struct uz_record *b,
		   bool poison_ids, struct uz_error *err)
{
	char va[32], vb[32];
	bool id_kind = a->kind == UZ_TYPE_ID_TARGET;

	if (id_kind && a->result == UZ_RESULT_POISONED && a->target_type_id &&
	    b->result == UZ_RESULT_OK && b->target_type_id) {
		/* the full types had no kernel ids (DWARF: poisoned); the
		 * minimized BTF names the same type, which is what it can do */
	} else if (id_kind && poison_ids && a->result == UZ_RESULT_OK && a->target_type_id) {
		if (b->result != UZ_RESULT_POISONED)
			return differ(err, obj, min, a, "result", "poisoned (archive entry)",
				      res_name(b->result));
	} else if (a->result != b->result) {
		return differ(err, obj, min, a, "result", res_name(a->result), res_name(b->result));
	}
	if (!id_kind && a->new_value != b->new_value) {
		snprintf(va, sizeof(va), "%llu", (unsigned long long)a->new_value);
		snprintf(vb, sizeof(vb), "%llu", (unsigned long long)b->new_value);
		return differ(err, obj, min, a, "value", va, vb);
	}
	if (strcmp(a->target_type, b->target_type))
		return differ(err, obj, min, a, "target type", a->target_type, b->target_type);
	if (strcmp(a->target_spec, b->target_spec))
		return differ(err, obj, min, a, "target access", a->target_spec, b->target_spec);
	if (a->result == UZ_RESULT_ERROR && !same_message(am, b->message, id_kind))
		return differ(err, obj, min, a, "error", am, b->message);
	return 0;
}

int uz_btfgen_prove(const struct uz_object *obj, const struct uz_relocation *full,
		    const struct uz_target *min, bool use_tags, bool poison_ids,
		    struct uz_error *err)
{
	UZ_OPTS_INIT(uz_reloc_opts, ro, .allow_errors = true, .no_userize_tags = !use_tags,
		     .allow_cross_endian = true);
	struct uz_relocation *rel = NULL;
	size_t i, n = uz_relocation_record_cnt(full);
	int r;

	r = uz_object_relocate(obj, min, &ro, &rel, err);
	if (r)
		return uz_err_prefix(err, "proving the minimized BTF of %s", uz_target_name(min));
	if (uz_relocation_record_cnt(rel) != n) {
		r = uz_err_set(err, -EPROTO, "%s: %zu records against the full types, %zu against the minimized BTF of %s",
			       obj->name, n, uz_relocation_record_cnt(rel), uz_target_name(min));
		goto out;
	}
	for (i = 0; i < n && !r; i++)
		/* as they stand: the nearest names of a missing type are never
		 * compared; a failing record's message without source locations */
		r = compare(obj, min, uz_rel_record_peek(full, i), uz_rel_plain_message(full, i),
			    uz_rel_record_peek(rel, i), poison_ids, err);
out:
	uz_relocation_free(rel);
	return r;
}
