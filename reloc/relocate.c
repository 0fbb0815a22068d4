/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The relocation driver: for every CO-RE record of the object, in .BTF.ext
 * order, parse the local spec, find the target candidates (name index,
 * flavor-less names, vmlinux before modules), match each, check that all
 * matching candidates agree (else: ambiguity error), compute the result,
 * and patch a copy of the instruction. Candidate lists are cached per local
 * root type for the whole object and pruned to the candidates that matched,
 * exactly as libbpf does, so later records see the same candidate set.
 *
 * userize: a root struct tagged userize:kernel=NAME is looked up under its
 * kernel names in order; the first name with a matching candidate wins.
 */
#include <stdio.h>
#include <stdlib.h>

#include "relocation.h"
#include "target/source.h"

struct cand_list {
	uint32_t *ids;
	size_t cnt;
	bool loaded;
};

struct cand_entry {
	struct cand_list *lists; /* one per alternative name */
	size_t cnt;
};

struct reloc_ctx {
	const struct uz_object *obj;
	const struct uz_target *tgt;
	struct uz_relocation *rel;
	struct uz_tags tags;
	bool use_tags;
	struct cand_entry *cache; /* by local type id */
	uint32_t local_cnt;
};

/* ---- strings and records ----------------------------------------------- */

const char *uz_rel_strdup(struct uz_relocation *rel, const char *s)
{
	char *c;

	if (rel->str_cnt == rel->str_cap) {
		size_t cap = rel->str_cap ? rel->str_cap * 2 : 64;
		char **n = realloc(rel->strs, cap * sizeof(*n));

		if (!n)
			return NULL;
		rel->strs = n;
		rel->str_cap = cap;
	}
	c = strdup(s ? s : "");
	if (!c)
		return NULL;
	rel->strs[rel->str_cnt++] = c;
	return c;
}

static struct uz_record *rec_new(struct uz_relocation *rel)
{
	if (rel->rec_cnt == rel->rec_cap) {
		size_t cap = rel->rec_cap ? rel->rec_cap * 2 : 64;
		struct uz_record *n = realloc(rel->recs, cap * sizeof(*n));
		size_t *f = realloc(rel->cand_first, cap * sizeof(*f));

		if (f)
			rel->cand_first = f;
		if (!n || !f) {
			if (n)
				rel->recs = n;
			return NULL;
		}
		rel->recs = n;
		rel->rec_cap = cap;
	}
	rel->cand_first[rel->rec_cnt] = rel->cand_cnt;
	memset(&rel->recs[rel->rec_cnt], 0, sizeof(struct uz_record));
	return &rel->recs[rel->rec_cnt++];
}

static int cand_add(struct uz_relocation *rel, struct uz_record *r, const struct btf *tb,
		    uint32_t id, const char *verdict, bool matched)
{
	char tstr[160];
	struct uz_candidate *c;

	if (rel->cand_cnt == rel->cand_cap) {
		size_t cap = rel->cand_cap ? rel->cand_cap * 2 : 64;
		struct uz_candidate *n = realloc(rel->cands, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		rel->cands = n;
		rel->cand_cap = cap;
	}
	c = &rel->cands[rel->cand_cnt];
	c->type_id = id;
	c->name = uz_rel_strdup(rel, uz_type_str(tb, id, tstr, sizeof(tstr)));
	c->verdict = uz_rel_strdup(rel, verdict);
	c->matched = matched;
	if (!c->name || !c->verdict)
		return -ENOMEM;
	rel->cand_cnt++;
	r->cand_cnt++;
	return 0;
}

/* ---- candidates -------------------------------------------------------- */

static int cand_push(struct cand_list *l, uint32_t id)
{
	uint32_t *n = realloc(l->ids, (l->cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	l->ids = n;
	l->ids[l->cnt++] = id;
	return 0;
}

static bool cand_ok(const struct btf *tb, uint32_t id, const struct btf_type *lt,
		    const char *name, size_t len)
{
	const struct btf_type *t = btf__type_by_id(tb, id);
	const char *tn;

	if (!uz_kind_core_compat(t, lt))
		return false;
	tn = btf__name_by_offset(tb, t->name_off);
	return *tn && uz_essential_name_len(tn) == len && strncmp(tn, name, len) == 0;
}

/* Target types named @name (modulo flavor) of a kind compatible with @lt. */
static int cand_find(const struct uz_target *tgt, const struct btf_type *lt, const char *name,
		     struct cand_list *l)
{
	const struct btf *tb = tgt->btf;
	size_t len = uz_essential_name_len(name), i, keep;
	uint32_t id, n = btf__type_cnt(tb);

	l->loaded = true;
	if (uz_name_index_covers(btf_kind(lt))) {
		for (id = uz_name_index_first(&tgt->idx, name, len); id;
		     id = uz_name_index_next(&tgt->idx, id))
			if (cand_ok(tb, id, lt, name, len) && cand_push(l, id))
				return -ENOMEM;
	} else {
		for (id = 1; id < n; id++)
			if (cand_ok(tb, id, lt, name, len) && cand_push(l, id))
				return -ENOMEM;
	}
	/* vmlinux candidates win: module types are only used when it has none */
	for (i = 0, keep = 0; i < l->cnt; i++)
		if (l->ids[i] < tgt->module_start)
			l->ids[keep++] = l->ids[i];
	if (keep)
		l->cnt = keep;
	return 0;
}

/* Names a local root type is looked up under: its kernel tags, or its own name. */
static size_t root_names(struct reloc_ctx *c, uint32_t root, const char **names, size_t max)
{
	const struct btf_type *lt = btf__type_by_id(c->obj->btf, root);
	const struct uz_type_tags *tt = c->use_tags ? uz_tags_of(&c->tags, root) : NULL;
	size_t i;

	if (tt && tt->kernel_cnt) {
		for (i = 0; i < tt->kernel_cnt && i < max; i++)
			names[i] = tt->kernel[i];
		return i;
	}
	names[0] = btf__name_by_offset(c->obj->btf, lt->name_off);
	return 1;
}

static struct cand_list *cands_get(struct reloc_ctx *c, uint32_t root, size_t alt,
				   size_t alt_cnt, const char *name)
{
	struct cand_entry *e = &c->cache[root];

	if (!e->lists) {
		e->lists = calloc(alt_cnt, sizeof(*e->lists));
		if (!e->lists)
			return NULL;
		e->cnt = alt_cnt;
	}
	if (!e->lists[alt].loaded &&
	    cand_find(c->tgt, btf__type_by_id(c->obj->btf, root), name, &e->lists[alt]))
		return NULL;
	return &e->lists[alt];
}

/* ---- one record -------------------------------------------------------- */

struct rec_in {
	size_t sec;               /* program section index */
	const struct uz_core_rec *cr;
	uint32_t relo_idx;
};

#define MAX_ALT 16

static int fail(struct uz_record *r, struct uz_relocation *rel, const char *why)
{
	r->result = UZ_RESULT_ERROR;
	r->message = uz_rel_strdup(rel, why);
	return -EINVAL;
}

/* No candidate matched: say why, candidate by candidate, with nearest names. */
static int explain_none(struct reloc_ctx *c, struct uz_record *r, const struct uz_spec *local,
			const char **names, size_t nnames, char *msg, size_t msz)
{
	const struct btf *tb = c->tgt->btf;
	const struct btf_type *lt = btf__type_by_id(c->obj->btf, local->root_type_id);
	struct uz_match_ctx mctx = { .tags = c->use_tags ? &c->tags : NULL, .explain = true };
	struct uz_spec scratch;
	char near[256];
	size_t k, i, tried = 0;

	for (k = 0; k < nnames; k++) {
		struct cand_list *l = cands_get(c, local->root_type_id, k, nnames, names[k]);

		if (!l)
			return -ENOMEM;
		for (i = 0; i < l->cnt; i++, tried++) {
			if (uz_spec_match(local, tb, l->ids[i], &scratch, &mctx) < 0)
				snprintf(mctx.why, sizeof(mctx.why), "error while matching");
			if (cand_add(c->rel, r, tb, l->ids[i], mctx.why, false))
				return -ENOMEM;
			if (tried == 0)
				snprintf(msg, msz, "%s", mctx.why);
		}
	}
	if (!tried) {
		uz_nearest_types(tb, btf_kind(lt), names[0], near, sizeof(near));
		snprintf(msg, msz, "%s has no %s named '%s'%s%s%s", c->tgt->name,
			 btf_is_composite(lt) ? "struct or union" : "type of that kind",
			 names[0], nnames > 1 ? " (nor its alternatives)" : "",
			 *near ? "; nearest names: " : "", near);
	}
	return 0;
}

static int resolve(struct reloc_ctx *c, struct uz_record *r, const struct uz_spec *local,
		   struct uz_relo_res *res, char *msg, size_t msz)
{
	const struct btf *tb = c->tgt->btf;
	const char *names[MAX_ALT];
	struct uz_match_ctx mctx = { .tags = c->use_tags ? &c->tags : NULL };
	struct uz_spec cand, targ;
	struct uz_relo_res cres;
	size_t nnames, k, i, j = 0;
	char note[256] = "", tstr[160], buf[256];
	int e;

	nnames = root_names(c, local->root_type_id, names, MAX_ALT);
	for (k = 0; k < nnames && j == 0; k++) {
		struct cand_list *l = cands_get(c, local->root_type_id, k, nnames, names[k]);

		if (!l)
			return -ENOMEM;
		for (i = 0, j = 0; i < l->cnt; i++) {
			e = uz_spec_match(local, tb, l->ids[i], &cand, &mctx);
			if (e < 0) {
				snprintf(msg, msz, "error %d matching candidate %s", e,
					 uz_type_str(tb, l->ids[i], tstr, sizeof(tstr)));
				return e;
			}
			if (e == 0)
				continue;
			e = uz_calc_relo(local->kind, local, &cand, c->obj->big_endian, &cres, msg, msz);
			if (e)
				return e;
			if (j == 0) {
				*res = cres;
				targ = cand;
				snprintf(note, sizeof(note), "%s", mctx.note);
			} else if (cand.bit_offset != targ.bit_offset) {
				snprintf(msg, msz, "field offset ambiguity: candidates %s and %s put the field at bit %u and bit %u",
					 uz_type_str(tb, targ.root_type_id, tstr, sizeof(tstr)),
					 uz_type_str(tb, l->ids[i], buf, sizeof(buf)),
					 targ.bit_offset, cand.bit_offset);
				return -EINVAL;
			} else if (cres.poison != res->poison || cres.new_val != res->new_val) {
				snprintf(msg, msz, "relocation decision ambiguity: candidates %s and %s give %s %llu and %s %llu",
					 uz_type_str(tb, targ.root_type_id, tstr, sizeof(tstr)),
					 uz_type_str(tb, l->ids[i], buf, sizeof(buf)),
					 res->poison ? "failure" : "success", (unsigned long long)res->new_val,
					 cres.poison ? "failure" : "success", (unsigned long long)cres.new_val);
				return -EINVAL;
			}
			uz_spec_format(&cand, buf, sizeof(buf));
			if (cand_add(c->rel, r, tb, l->ids[i], buf, true))
				return -ENOMEM;
			l->ids[j++] = l->ids[i];
		}
		if (j > 0)
			l->cnt = j;
	}
	if (j == 0) {
		e = uz_calc_relo(local->kind, local, NULL, c->obj->big_endian, res, msg, msz);
		if (e)
			return e;
		if (explain_none(c, r, local, names, nnames, msg, msz))
			return -ENOMEM;
		return 0;
	}
	uz_spec_format(&targ, buf, sizeof(buf));
	r->target_type_id = targ.root_type_id;
	r->target_type = uz_rel_strdup(c->rel, uz_type_str(tb, targ.root_type_id, tstr, sizeof(tstr)));
	r->target_spec = uz_rel_strdup(c->rel, buf);
	if (nnames > 1 && k > 1)
		snprintf(msg, msz, "kernel type '%s' (alternative %zu)%s%s", names[k - 1], k,
			 *note ? "; " : "", note);
	else
		snprintf(msg, msz, "%s", note);
	return 0;
}

static int do_record(struct reloc_ctx *c, const struct rec_in *in)
{
	const struct uz_object *obj = c->obj;
	const struct uz_prog_sec *sec = &obj->secs[in->sec];
	const struct uz_core_rec *cr = in->cr;
	struct uz_relocation *rel = c->rel;
	struct uz_record *r = rec_new(rel);
	struct uz_relo_res res;
	struct uz_spec local;
	char msg[1024] = "", buf[512];
	const char *access;
	uint32_t insn_idx;
	bool memsz_poison;
	uint8_t cls;
	int e;

	if (!r)
		return -ENOMEM;
	r->section = sec->name;
	r->insn = cr->insn_off / 8;
	r->relo_idx = in->relo_idx;
	r->kind = cr->kind;
	r->local_type_id = cr->type_id;
	r->local_type = r->access = r->spec = r->target_type = r->target_spec = r->message = "";

	if (cr->kind >= UZ_KIND_MAX) {
		snprintf(msg, sizeof(msg), "unknown relocation kind %u", cr->kind);
		return fail(r, rel, msg);
	}
	if (cr->insn_off % 8) {
		snprintf(msg, sizeof(msg), "instruction offset %u is not a multiple of 8", cr->insn_off);
		return fail(r, rel, msg);
	}
	insn_idx = cr->insn_off / 8;
	if (insn_idx >= sec->insn_cnt) {
		snprintf(msg, sizeof(msg), "instruction %u is past the end of the section (%zu instructions)",
			 insn_idx, sec->insn_cnt);
		return fail(r, rel, msg);
	}
	if (cr->type_id >= c->local_cnt) {
		snprintf(msg, sizeof(msg), "local type id %u does not exist (the object has %u types)",
			 cr->type_id, c->local_cnt);
		return fail(r, rel, msg);
	}
	r->local_type = uz_rel_strdup(rel, uz_type_str(obj->btf, cr->type_id, buf, sizeof(buf)));
	access = btf__str_by_offset(obj->btf, cr->access_str_off);
	if (!access) {
		snprintf(msg, sizeof(msg), "access string offset %u is outside the BTF strings",
			 cr->access_str_off);
		return fail(r, rel, msg);
	}
	r->access = uz_rel_strdup(rel, access);
	e = uz_spec_parse(obj->btf, cr->type_id, access, cr->kind, &local, msg, sizeof(msg));
	if (e)
		return fail(r, rel, msg);
	uz_spec_format(&local, buf, sizeof(buf));
	r->spec = uz_rel_strdup(rel, buf);

	if (cr->kind == UZ_TYPE_ID_LOCAL) {
		memset(&res, 0, sizeof(res));
		res.orig_val = res.new_val = local.root_type_id;
	} else {
		const char *lname = btf__name_by_offset(obj->btf,
							btf__type_by_id(obj->btf, cr->type_id)->name_off);

		if (!*lname) {
			snprintf(msg, sizeof(msg), "%s relocation on an anonymous type: CO-RE needs a named root type",
				 uz_kind_name(cr->kind));
			return fail(r, rel, msg);
		}
		e = resolve(c, r, &local, &res, msg, sizeof(msg));
		if (e == -ENOMEM)
			return e;
		if (e)
			return fail(r, rel, msg);
	}
	r->orig_value = res.orig_val;
	cls = BPF_CLASS(rel->insns[in->sec][insn_idx].code);
	memsz_poison = !res.poison && res.fail_memsz_adjust &&
		       (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX);
	e = uz_patch_insn(&rel->insns[in->sec][insn_idx], sec->insn_cnt - insn_idx, &res, buf, sizeof(buf));
	if (e)
		return fail(r, rel, buf);
	if (memsz_poison)
		snprintf(msg, sizeof(msg),
			 "%s is %u bytes in %s but %u bytes locally and is not a pointer or unsigned integer, so a load of the new width would read a wrong value; the instruction is poisoned: read the field with a width-agnostic helper (byte size + shifts + signed relocations)",
			 r->target_spec, res.new_sz, c->tgt->name, res.orig_sz);
	if (res.poison || memsz_poison) {
		r->result = UZ_RESULT_POISONED;
		r->new_value = 0;
	} else {
		r->result = UZ_RESULT_OK;
		r->new_value = res.new_val;
	}
	r->message = uz_rel_strdup(rel, msg);
	return 0;
}

/* ---- driver ------------------------------------------------------------ */

/* Lazy target sources convert only what is asked for: ask for every name
 * the records' root types are looked up under, once, before resolving. */
static int need_root_names(struct reloc_ctx *c, struct uz_error *err)
{
	const struct uz_object *obj = c->obj;
	const char **names = NULL, *alt[MAX_ALT];
	size_t cnt = 0, cap = 0, s, i, k, n;
	bool *seen;
	int e;

	if (!c->tgt->src || !c->tgt->src->need)
		return 0;
	seen = calloc(c->local_cnt, sizeof(*seen));
	if (!seen)
		return uz_err_set(err, -ENOMEM, "out of memory");
	for (s = 0; s < obj->ext.core_sec_cnt; s++) {
		const struct uz_core_sec *cs = &obj->ext.core_secs[s];

		for (i = 0; i < cs->rec_cnt; i++) {
			uint32_t root = cs->recs[i].type_id;

			if (root == 0 || root >= c->local_cnt || seen[root])
				continue;
			seen[root] = true;
			n = root_names(c, root, alt, MAX_ALT);
			for (k = 0; k < n; k++) {
				if (!alt[k] || !*alt[k])
					continue;
				if (cnt == cap) {
					const char **nn;

					cap = cap ? cap * 2 : 32;
					nn = realloc(names, cap * sizeof(*nn));
					if (!nn) {
						free(names);
						free(seen);
						return uz_err_set(err, -ENOMEM, "out of memory");
					}
					names = nn;
				}
				names[cnt++] = alt[k];
			}
		}
	}
	e = uz_target_need(c->tgt, names, cnt, err);
	free(names);
	free(seen);
	return e;
}

static void rel_free_cache(struct reloc_ctx *c)
{
	uint32_t i;
	size_t k;

	for (i = 0; c->cache && i < c->local_cnt; i++) {
		for (k = 0; k < c->cache[i].cnt; k++)
			free(c->cache[i].lists[k].ids);
		free(c->cache[i].lists);
	}
	free(c->cache);
	uz_tags_free(&c->tags);
}

void uz_relocation_free(struct uz_relocation *rel)
{
	size_t i;

	if (!rel)
		return;
	for (i = 0; rel->insns && i < rel->obj->sec_cnt; i++)
		free(rel->insns[i]);
	free(rel->insns);
	for (i = 0; i < rel->str_cnt; i++)
		free(rel->strs[i]);
	free(rel->strs);
	free(rel->recs);
	free(rel->cands);
	free(rel->cand_first);
	free(rel->target_name);
	uz_object_free(rel->owned_obj);
	free(rel);
}

static int rel_new(const struct uz_object *obj, const struct uz_target *tgt,
		   struct uz_relocation **out)
{
	struct uz_relocation *rel = calloc(1, sizeof(*rel));
	size_t i;

	*out = rel;
	if (!rel)
		return -ENOMEM;
	rel->obj = obj;
	rel->target_name = strdup(tgt->name);
	rel->insns = calloc(obj->sec_cnt ? obj->sec_cnt : 1, sizeof(*rel->insns));
	if (!rel->target_name || !rel->insns)
		return -ENOMEM;
	for (i = 0; i < obj->sec_cnt; i++) {
		rel->insns[i] = malloc(obj->secs[i].insn_cnt * sizeof(struct bpf_insn) + 1);
		if (!rel->insns[i])
			return -ENOMEM;
		memcpy(rel->insns[i], obj->secs[i].insns, obj->secs[i].insn_cnt * sizeof(struct bpf_insn));
	}
	return 0;
}

int uz_object_relocate(const struct uz_object *obj, const struct uz_target *tgt,
		       const struct uz_reloc_opts *opts, struct uz_relocation **out,
		       struct uz_error *err)
{
	bool allow_errors = UZ_OPTS_GET(opts, allow_errors, false);
	struct reloc_ctx c = { .obj = obj, .tgt = tgt };
	size_t s, i;
	int e = 0;

	if (!out)
		return uz_err_set(err, -EINVAL, "uz_object_relocate: out is NULL");
	*out = NULL;
	if (!obj || !tgt)
		return uz_err_set(err, -EINVAL, "relocation needs an object and a target");
	e = UZ_OPTS_CHECK(opts, uz_reloc_opts, err);
	if (e)
		return e;
	c.use_tags = !UZ_OPTS_GET(opts, no_userize_tags, false);
	c.local_cnt = btf__type_cnt(obj->btf);
	if (rel_new(obj, tgt, &c.rel)) {
		uz_relocation_free(c.rel);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	c.cache = calloc(c.local_cnt, sizeof(*c.cache));
	if (!c.cache) {
		e = uz_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	if (c.use_tags) {
		e = uz_tags_build(&c.tags, obj->btf, err);
		if (e) {
			uz_err_prefix(err, "%s", obj->name);
			goto out;
		}
	}
	e = need_root_names(&c, err);
	if (e) {
		uz_err_prefix(err, "%s: target %s", obj->name, tgt->name);
		goto out;
	}
	for (s = 0; s < obj->ext.core_sec_cnt; s++) {
		const struct uz_core_sec *cs = &obj->ext.core_secs[s];

		for (i = 0; i < cs->rec_cnt; i++) {
			struct rec_in in = { obj->core_sec_prog[s], &cs->recs[i], (uint32_t)i };
			const struct uz_record *r;

			e = do_record(&c, &in);
			if (e == -ENOMEM) {
				uz_err_set(err, e, "out of memory");
				goto out;
			}
			if (e && !allow_errors) {
				r = &c.rel->recs[c.rel->rec_cnt - 1];
				uz_err_set(err, e, "%s: section '%s' insn %u (CO-RE record #%u, %s %s): %s",
					   obj->name, r->section, r->insn, r->relo_idx,
					   uz_kind_name(r->kind), *r->spec ? r->spec : r->access,
					   r->message);
				goto out;
			}
			e = 0;
		}
	}
out:
	rel_free_cache(&c);
	if (e) {
		uz_relocation_free(c.rel);
		return e;
	}
	*out = c.rel;
	return 0;
}

int uz_insns_relocate(void *insns, size_t insn_cnt, const char *section,
		      const void *btf, size_t btf_len, const void *btf_ext, size_t btf_ext_len,
		      const struct uz_target *target, const struct uz_reloc_opts *opts,
		      struct uz_relocation **out, struct uz_error *err)
{
	struct uz_relocation *rel = NULL;
	struct uz_object *obj;
	int e;

	if (out)
		*out = NULL;
	if (!insns || !insn_cnt || !section || !btf || !btf_ext)
		return uz_err_set(err, -EINVAL, "uz_insns_relocate: %s is NULL or empty",
				  !insns || !insn_cnt ? "insns" : !section ? "section" :
				  !btf ? "btf" : "btf_ext");
	if (!target)
		return uz_err_set(err, -EINVAL, "relocation needs an object and a target");
	e = uz_object_from_parts(insns, insn_cnt, section, btf, btf_len, btf_ext, btf_ext_len,
				 &obj, err);
	if (e)
		return e;
	e = uz_object_relocate(obj, target, opts, &rel, err);
	if (e) {
		uz_object_free(obj);
		return e;
	}
	rel->owned_obj = obj;
	memcpy(insns, rel->insns[0], insn_cnt * sizeof(struct bpf_insn));
	if (out)
		*out = rel;
	else
		uz_relocation_free(rel);
	return 0;
}
