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
 *
 * Messages about a target type lead with where the target's source read it
 * from when the source can say (uz_target_describe: a tracefs format file
 * and the field's line), so a poison or failure points at the file.
 *
 * Last, the relocated instructions go through the reachability pass
 * (core/reach.c), which says for every record whether its instruction is
 * dead code on this target (uz_record.dead).
 */
#include <stdio.h>
#include <stdlib.h>

#include "relocation.h"
#include "target/candidates.h"
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
	/* the failing record's message without source locations, when the
	 * message has some (relocation.h: plain_msg) */
	char plain[1024];
	bool has_plain;
};

/* ---- strings and records ----------------------------------------------- */

const char *uz_rel_plain_message(const struct uz_relocation *rel, size_t i)
{
	if (i >= rel->rec_cnt)
		return "";
	return rel->plain_msg[i] ? rel->plain_msg[i] : rel->recs[i].message;
}

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
		const char **pm = realloc(rel->plain_msg, cap * sizeof(*pm));

		if (f)
			rel->cand_first = f;
		if (pm)
			rel->plain_msg = pm;
		if (!n || !f || !pm) {
			if (n)
				rel->recs = n;
			return NULL;
		}
		rel->recs = n;
		rel->rec_cap = cap;
	}
	rel->cand_first[rel->rec_cnt] = rel->cand_cnt;
	rel->plain_msg[rel->rec_cnt] = NULL;
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

/* Target types named @name (modulo flavor) of a kind compatible with @lt. */
static int cand_find(const struct uz_target *tgt, const struct btf_type *lt, const char *name,
		     struct cand_list *l)
{
	l->loaded = true;
	free(l->ids);
	return uz_target_candidates(tgt, lt, name, &l->ids, &l->cnt);
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

/* target_type_id hands out an id of the target's BTF, which the kernel
 * knows only when that BTF is the kernel's own: the BTF source. The ids of
 * a btfgen archive entry (or of types converted from DWARF) are not. */
static bool target_ids_meaningful(const struct uz_target *t)
{
	return t->prov.source == UZ_SOURCE_BTF;
}

static void poison_target_id(const struct uz_target *t, const struct uz_record *r,
			     struct uz_relo_res *res, char *msg, size_t msz)
{
	res->poison = true;
	if (t->prov.source == UZ_SOURCE_DWARF) {
		/* (No match gives 0 from either source: no such type.) */
		snprintf(msg, msz,
			 "target_type_id: %s is read from DWARF, and the value would be a type id in the kernel's own BTF, which DWARF does not have; the instruction is poisoned (bpf_core_type_exists/bpf_core_type_size work on DWARF targets; a kernel BTF target gives the id)",
			 t->name);
		return;
	}
	snprintf(msg, msz, "target_type_id of %s: the types of %s come from the %s source, whose type ids are not the running kernel's, so the id would be wrong; the instruction is poisoned: load against the kernel's own BTF to use bpf_core_type_id_kernel()",
		 *r->target_type ? r->target_type : "the type", t->name,
		 uz_source_kind_name(t->prov.source));
}

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

/* A member of a target type: where a matched spec ends, or a mismatch is. */
struct where {
	uint32_t type;           /* 0: none */
	int member;              /* -1: the type itself */
	const char *name;        /* the member's name (spec_where only) */
};

/* The member the last named accessor of @s found (an element of an array
 * member is in that member's field). */
static struct where spec_where(const struct uz_spec *s)
{
	int k;

	for (k = s->len - 1; k >= 0 && !s->spec[k].name; k--)
		;
	if (k < 0)
		return (struct where){ s->root_type_id, -1, NULL };
	return (struct where){ s->spec[k].type_id, (int)s->spec[k].idx, s->spec[k].name };
}

/*
 * Where the target's source read @w from ("FILE:LINE" of a tracefs format
 * field), into @buf; "" when the source cannot say (BTF). Messages about a
 * target type lead with it, so a tracefs user sees the file and line.
 */
static const char *where_str(const struct reloc_ctx *c, struct where w, char *buf, size_t sz)
{
	uz_target_describe(c->tgt, w.type, w.member, buf, sz);
	return buf;
}

/* "LOC: @why" when the source can say where the mismatch is, else @why. */
static void located(const struct reloc_ctx *c, struct where w, const char *why, char *out,
		    size_t sz)
{
	char loc[512];
	int n = 0;

	/* in two steps: a long why is cut at @sz, which is fine for a message */
	if (*where_str(c, w, loc, sizeof(loc)))
		n = snprintf(out, sz, "%s: ", loc);
	if (n >= 0 && (size_t)n < sz)
		snprintf(out + n, sz - (size_t)n, "%s", why);
}

static struct where mctx_where(const struct uz_match_ctx *m)
{
	return (struct where){ m->where_type, m->where_member, NULL };
}

/* No candidate matched: say why, candidate by candidate, with nearest names. */
static int explain_none(struct reloc_ctx *c, struct uz_record *r, const struct uz_spec *local,
			const char **names, size_t nnames, char *msg, size_t msz)
{
	const struct btf *tb = c->tgt->btf;
	const struct btf_type *lt = btf__type_by_id(c->obj->btf, local->root_type_id);
	struct uz_match_ctx mctx = { .tags = c->use_tags ? &c->tags : NULL, .explain = true };
	struct uz_spec scratch;
	char head[2048], why[1024];
	const char *tail;
	size_t k, i, tried = 0;

	for (k = 0; k < nnames; k++) {
		struct cand_list *l = cands_get(c, local->root_type_id, k, nnames, names[k]);

		if (!l)
			return -ENOMEM;
		for (i = 0; i < l->cnt; i++, tried++) {
			if (uz_spec_match(local, tb, l->ids[i], &scratch, &mctx) < 0) {
				snprintf(mctx.why, sizeof(mctx.why), "%s",
					 *mctx.error ? mctx.error : "error while matching");
				mctx.where_type = 0;
			}
			located(c, mctx_where(&mctx), mctx.why, why, sizeof(why));
			if (cand_add(c->rel, r, tb, l->ids[i], why, false))
				return -ENOMEM;
			if (tried == 0)
				snprintf(msg, msz, "%s", why);
		}
	}
	if (!tried) {
		const char *lname = btf__name_by_offset(c->obj->btf, lt->name_off);
		char looked[256], local_note[300] = "";

		/* the essential name is what was looked up; say the local one too */
		snprintf(looked, sizeof(looked), "%.*s", (int)uz_essential_name_len(names[0]), names[0]);
		if (strcmp(looked, lname))
			snprintf(local_note, sizeof(local_note), " (local type '%s')", lname);
		/* the nearest names are added when the message is read */
		snprintf(head, sizeof(head), "%s has no %s named '%s'%s%s", c->tgt->name,
			 btf_is_composite(lt) ? "struct or union" : "type of that kind",
			 looked, local_note, nnames > 1 ? " (nor its alternatives)" : "");
		tail = c->tgt->prov.source == UZ_SOURCE_TRACEFS ?
		       " (a tracefs target has tracepoint records and the enums their formats name, nothing else)" : "";
		return uz_rel_near_later(c->rel, r, tb, btf_kind(lt), looked, head, tail, msg, msz);
	}
	return 0;
}

/*
 * An ambiguity: the record's candidate list becomes every candidate named
 * @name (looked up afresh: the cached list is compacted while matching),
 * each with its verdict (what it matched, or why not), not only the ones
 * seen before the disagreement. Returns -EINVAL (the record fails).
 */
static int list_all(struct reloc_ctx *c, struct uz_record *r, const struct uz_spec *local,
		    const char *name)
{
	const struct btf *tb = c->tgt->btf;
	struct uz_match_ctx mctx = { .tags = c->use_tags ? &c->tags : NULL, .explain = true };
	struct cand_list all = { 0 };
	char verdict[1024], spec[256], loc[512];
	struct uz_spec cand;
	int m, e = -EINVAL;
	size_t i;

	if (cand_find(c->tgt, btf__type_by_id(c->obj->btf, local->root_type_id), name, &all)) {
		free(all.ids);
		return -ENOMEM;
	}
	c->rel->cand_cnt -= r->cand_cnt;
	r->cand_cnt = 0;
	for (i = 0; i < all.cnt && e == -EINVAL; i++) {
		m = uz_spec_match(local, tb, all.ids[i], &cand, &mctx);
		if (m > 0) {
			uz_spec_format(&cand, spec, sizeof(spec));
			where_str(c, spec_where(&cand), loc, sizeof(loc));
			snprintf(verdict, sizeof(verdict), "%s at bit %u%s%s%s", spec, cand.bit_offset,
				 *loc ? " (" : "", loc, *loc ? ")" : "");
		} else if (m < 0) {
			snprintf(verdict, sizeof(verdict), "%s",
				 *mctx.error ? mctx.error : "error while matching");
		} else {
			located(c, mctx_where(&mctx), mctx.why, verdict, sizeof(verdict));
		}
		if (cand_add(c->rel, r, tb, all.ids[i], verdict, m > 0))
			e = -ENOMEM;
	}
	free(all.ids);
	return e;
}

/* Does @root name tracepoint events (whose records must all match)? */
static bool tracepoint_view(struct reloc_ctx *c, uint32_t root)
{
	const struct uz_type_tags *tt = c->use_tags ? uz_tags_of(&c->tags, root) : NULL;

	return tt && tt->tracepoint_cnt > 0;
}

/*
 * Two events of one userize:tracepoint view: candidate @has matched @spec,
 * @miss did not. Says where each event's record comes from when the source
 * can (the line of @has's field, @miss's file); c->plain without that.
 */
static void disagree_msg(struct reloc_ctx *c, const struct uz_spec *has, uint32_t miss,
			 const char *spec, char *msg, size_t msz)
{
	const struct btf *tb = c->tgt->btf;
	char a[160], b[160], la[240], lb[240];

	where_str(c, spec_where(has), la, sizeof(la));
	where_str(c, (struct where){ miss, -1, NULL }, lb, sizeof(lb));
	uz_type_str(tb, has->root_type_id, a, sizeof(a));
	uz_type_str(tb, miss, b, sizeof(b));
	snprintf(c->plain, sizeof(c->plain), "the events of a userize:tracepoint view disagree: %s has %s, %s does not (every event a view names must have the fields it reads)",
		 a, spec, b);
	if (!*la || !*lb) {
		snprintf(msg, msz, "%s", c->plain);
		return;
	}
	/* where either event's record comes from: the field's line, the file */
	snprintf(msg, msz, "the events of a userize:tracepoint view disagree: %s has %s (%s), %s does not (%s) (every event a view names must have the fields it reads)",
		 a, spec, la, b, lb);
	c->has_plain = true;
}

static int resolve(struct reloc_ctx *c, struct uz_record *r, const struct uz_spec *local,
		   struct uz_relo_res *res, struct where *found, char *msg, size_t msz)
{
	const struct btf *tb = c->tgt->btf;
	const char *names[MAX_ALT];
	struct uz_match_ctx mctx = { .tags = c->use_tags ? &c->tags : NULL };
	struct uz_spec cand, targ;
	struct uz_relo_res cres;
	size_t nnames, k, i, j = 0;
	char note[256] = "", tstr[160], buf[512], loc[240];
	uint32_t miss;
	int e;

	nnames = root_names(c, local->root_type_id, names, MAX_ALT);
	for (k = 0; k < nnames && j == 0; k++) {
		struct cand_list *l = cands_get(c, local->root_type_id, k, nnames, names[k]);

		if (!l)
			return -ENOMEM;
		for (i = 0, j = 0, miss = 0; i < l->cnt; i++) {
			e = uz_spec_match(local, tb, l->ids[i], &cand, &mctx);
			if (e < 0) {
				if (*mctx.error)
					snprintf(msg, msz, "%s", mctx.error);
				else
					snprintf(msg, msz, "error %d matching candidate %s", e,
						 uz_type_str(tb, l->ids[i], tstr, sizeof(tstr)));
				return e;
			}
			if (e == 0) {
				miss = miss ? miss : l->ids[i];
				continue;
			}
			e = uz_calc_relo(local->kind, local, &cand, c->obj->big_endian, &cres, buf, sizeof(buf));
			if (e) {
				located(c, spec_where(&cand), buf, msg, msz);
				snprintf(c->plain, sizeof(c->plain), "%s", buf);
				c->has_plain = strcmp(msg, buf) != 0;
				return e;
			}
			if (j == 0) {
				*res = cres;
				targ = cand;
				snprintf(note, sizeof(note), "%s", mctx.note);
			} else if (cand.bit_offset != targ.bit_offset) {
				char la[240], lb[240];
				int n;

				n = snprintf(msg, msz, "field offset ambiguity: candidates %s [id %u] and %s [id %u] put the field at bit %u and bit %u",
					     uz_type_str(tb, targ.root_type_id, tstr, sizeof(tstr)),
					     targ.root_type_id, uz_type_str(tb, l->ids[i], buf, sizeof(buf)),
					     l->ids[i], targ.bit_offset, cand.bit_offset);
				if (*where_str(c, spec_where(&targ), la, sizeof(la)) &&
				    *where_str(c, spec_where(&cand), lb, sizeof(lb)) && n > 0 &&
				    (size_t)n < msz) {
					snprintf(c->plain, sizeof(c->plain), "%s", msg);
					c->has_plain = true;
					snprintf(msg + n, msz - (size_t)n, " (%s and %s)", la, lb);
				}
				return list_all(c, r, local, names[k]);
			} else if (cres.poison != res->poison || cres.new_val != res->new_val) {
				snprintf(msg, msz, "relocation decision ambiguity: candidates %s [id %u] and %s [id %u] give %s %llu and %s %llu",
					 uz_type_str(tb, targ.root_type_id, tstr, sizeof(tstr)),
					 targ.root_type_id, uz_type_str(tb, l->ids[i], buf, sizeof(buf)),
					 l->ids[i],
					 res->poison ? "failure" : "success", (unsigned long long)res->new_val,
					 cres.poison ? "failure" : "success", (unsigned long long)cres.new_val);
				return list_all(c, r, local, names[k]);
			}
			uz_spec_format(&cand, buf, sizeof(buf));
			if (*where_str(c, spec_where(&cand), loc, sizeof(loc)))
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " (%s)", loc);
			if (cand_add(c->rel, r, tb, l->ids[i], buf, true))
				return -ENOMEM;
			l->ids[j++] = l->ids[i];
		}
		if (j > 0 && miss && tracepoint_view(c, local->root_type_id)) {
			disagree_msg(c, &targ, miss, r->spec, msg, msz);
			return -EINVAL;
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
	*found = spec_where(&targ);
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

/* Is instruction @idx the second slot of an ld_imm64? Walked from the
 * section start over the original instructions (a lone 0 opcode after an
 * ld_imm64 is its second half only if that ld_imm64 is an instruction). */
static bool insn_in_ldimm64(const struct bpf_insn *insns, uint32_t idx)
{
	uint32_t i = 0;

	while (i < idx)
		i += insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) ? 2 : 1;
	return i > idx;
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
	struct where found = { 0 };
	char msg[1024] = "", buf[512], loc[512];
	const char *access;
	uint32_t insn_idx;
	bool memsz_poison;
	uint8_t cls;
	int e;

	if (!r)
		return -ENOMEM;
	c->has_plain = false;
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
	if (insn_in_ldimm64(sec->insns, insn_idx)) {
		snprintf(msg, sizeof(msg), "instruction %u is the second half of the ld_imm64 at instruction %u: a record must name the first",
			 insn_idx, insn_idx - 1);
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
		e = resolve(c, r, &local, &res, &found, msg, sizeof(msg));
		if (e == -ENOMEM)
			return e;
		if (e && c->has_plain &&
		    !(rel->plain_msg[rel->rec_cnt - 1] = uz_rel_strdup(rel, c->plain)))
			return -ENOMEM;
		if (e)
			return fail(r, rel, msg);
		if (cr->kind == UZ_TYPE_ID_TARGET && !res.poison && r->target_type_id &&
		    !target_ids_meaningful(c->tgt))
			poison_target_id(c->tgt, r, &res, msg, sizeof(msg));
	}
	r->orig_value = res.orig_val;
	cls = BPF_CLASS(rel->insns[in->sec][insn_idx].code);
	memsz_poison = !res.poison && res.fail_memsz_adjust &&
		       (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX);
	e = uz_patch_insn(&rel->insns[in->sec][insn_idx], sec->insn_cnt - insn_idx, &res, buf, sizeof(buf));
	if (e)
		return fail(r, rel, buf);
	if (memsz_poison && *where_str(c, found, loc, sizeof(loc)) && found.name)
		/* the source knows the field: say it in its terms first */
		snprintf(msg, sizeof(msg),
			 "%s: field '%s' is %u bytes, the view reads %u (%s), and it is not a pointer or unsigned integer, so a load of the new width would read a wrong value; the instruction is poisoned: read the field with a width-agnostic helper (UZ_READ_INT: byte size + shifts + signed relocations)",
			 loc, found.name, res.new_sz, res.orig_sz, r->spec);
	else if (memsz_poison)
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

/* ---- dead code --------------------------------------------------------- */

static size_t sec_index(const struct uz_object *obj, const char *name)
{
	size_t k;

	for (k = 0; k < obj->sec_cnt; k++)
		if (obj->secs[k].name == name)
			return k;
	return SIZE_MAX;
}

/*
 * Instructions whose constant the pass must not trust: those of failed
 * records (not patched) and, for raw instructions (no ELF relocations to
 * tell map and variable addresses apart), every ld_imm64 without a CO-RE
 * record.
 */
static void mark_opaque(const struct uz_relocation *rel, uint8_t **opaque, bool raw)
{
	const struct uz_object *obj = rel->obj;
	size_t i, k;

	for (i = 0; i < rel->rec_cnt; i++) {
		const struct uz_record *r = &rel->recs[i];

		k = sec_index(obj, r->section);
		if (k != SIZE_MAX && r->insn < obj->secs[k].insn_cnt)
			opaque[k][r->insn] = r->result == UZ_RESULT_ERROR ? 1 : 2;
	}
	for (k = 0; raw && k < obj->sec_cnt; k++) {
		for (i = 0; i < obj->secs[k].insn_cnt; i++) {
			if (rel->insns[k][i].code != (BPF_LD | BPF_IMM | BPF_DW))
				continue;
			if (opaque[k][i] != 2)
				opaque[k][i] = 1;
			i++;
		}
	}
	for (k = 0; k < obj->sec_cnt; k++)
		for (i = 0; i < obj->secs[k].insn_cnt; i++)
			opaque[k][i] = opaque[k][i] == 1;
}

/* uz_record.dead for every record; @raw: one program, entry at insn 0. */
static int mark_dead(struct uz_relocation *rel, bool raw)
{
	static const uint32_t first = 0;
	const struct uz_object *obj = rel->obj;
	size_t n = obj->sec_cnt ? obj->sec_cnt : 1, k, i;
	struct uz_reach_sec *rs = calloc(n, sizeof(*rs));
	uint8_t **opaque = calloc(n, sizeof(*opaque));
	int e = -ENOMEM;

	for (k = 0; rs && opaque && k < obj->sec_cnt; k++) {
		const struct uz_prog_sec *s = &obj->secs[k];

		rs[k].insns = rel->insns[k];
		rs[k].insn_cnt = s->insn_cnt;
		rs[k].refs = s->refs;
		rs[k].ref_cnt = s->ref_cnt;
		if (raw) {
			rs[k].entries = &first;
			rs[k].entry_cnt = 1;
		} else if (strcmp(s->name, ".text") != 0) {
			/* no function symbol: entry points unknown */
			rs[k].entries = s->funcs;
			rs[k].entry_cnt = s->func_cnt;
			rs[k].all_reached = !s->func_cnt;
		}
		rs[k].reached = malloc(s->insn_cnt + 1);
		opaque[k] = calloc(s->insn_cnt + 1, 1);
		rs[k].opaque = opaque[k];
		if (!rs[k].reached || !opaque[k])
			goto out;
	}
	if (!rs || !opaque)
		goto out;
	mark_opaque(rel, opaque, raw);
	e = uz_reach(rs, obj->sec_cnt, raw);
	if (e)
		goto out;
	for (i = 0; i < rel->rec_cnt; i++) {
		struct uz_record *r = &rel->recs[i];

		k = sec_index(obj, r->section);
		r->dead = r->result != UZ_RESULT_ERROR && k != SIZE_MAX &&
			  r->insn < obj->secs[k].insn_cnt && !rs[k].reached[r->insn];
	}
out:
	for (k = 0; k < obj->sec_cnt; k++) {
		if (rs)
			free(rs[k].reached);
		if (opaque)
			free(opaque[k]);
	}
	free(rs);
	free(opaque);
	return e;
}

/* ---- driver ------------------------------------------------------------ */

/* Lazy target sources convert only what is asked for: the names every
 * record's root type is looked up under, plus "tracepoint:SYS/EVENT=NAME"
 * for each userize:tracepoint tag (owned here). */
struct name_list {
	const char **names;
	size_t cnt, cap;
	char **owned;
	size_t owned_cnt;
};

static void name_list_free(struct name_list *l)
{
	size_t i;

	for (i = 0; i < l->owned_cnt; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->names);
}

static int name_push(struct name_list *l, const char *s)
{
	if (l->cnt == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		const char **nn = realloc(l->names, cap * sizeof(*nn));

		if (!nn)
			return -ENOMEM;
		l->names = nn;
		l->cap = cap;
	}
	l->names[l->cnt++] = s;
	return 0;
}

static int tracepoint_names(struct reloc_ctx *c, uint32_t root, struct name_list *l)
{
	const struct uz_type_tags *tt = c->use_tags ? uz_tags_of(&c->tags, root) : NULL;
	size_t i, len;
	char *s, **no;

	for (i = 0; tt && tt->kernel_cnt && i < tt->tracepoint_cnt; i++) {
		len = strlen("tracepoint:") + strlen(tt->tracepoint[i]) + strlen(tt->kernel[0]) + 2;
		s = malloc(len);
		no = realloc(l->owned, (l->owned_cnt + 1) * sizeof(*no));
		if (no)
			l->owned = no;
		if (!s || !no) {
			free(s);
			return -ENOMEM;
		}
		snprintf(s, len, "tracepoint:%s=%s", tt->tracepoint[i], tt->kernel[0]);
		l->owned[l->owned_cnt++] = s;
		if (name_push(l, s))
			return -ENOMEM;
	}
	return 0;
}

static int collect_root_names(struct reloc_ctx *c, struct name_list *l)
{
	const struct uz_object *obj = c->obj;
	const char *alt[MAX_ALT];
	size_t s, i, k, n;
	bool *seen = calloc(c->local_cnt, sizeof(*seen));
	int e = 0;

	if (!seen)
		return -ENOMEM;
	for (s = 0; !e && s < obj->ext.core_sec_cnt; s++) {
		const struct uz_core_sec *cs = &obj->ext.core_secs[s];

		for (i = 0; !e && i < cs->rec_cnt; i++) {
			uint32_t root = cs->recs[i].type_id;

			if (root == 0 || root >= c->local_cnt || seen[root])
				continue;
			seen[root] = true;
			e = tracepoint_names(c, root, l);
			n = e ? 0 : root_names(c, root, alt, MAX_ALT);
			for (k = 0; !e && k < n; k++)
				if (alt[k] && *alt[k])
					e = name_push(l, alt[k]);
		}
	}
	free(seen);
	return e;
}

static int need_root_names(struct reloc_ctx *c, struct uz_error *err)
{
	struct name_list l = { 0 };
	int e;

	if (!c->tgt->src || !c->tgt->src->need)
		return 0;
	if (collect_root_names(c, &l)) {
		name_list_free(&l);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	e = uz_target_need(c->tgt, l.names, l.cnt, err);
	name_list_free(&l);
	return e;
}

int uz_target_need_objects(struct uz_target *tgt, const struct uz_object *const *objs,
			   size_t cnt, const struct uz_reloc_opts *opts, struct uz_error *err)
{
	struct name_list l = { 0 };
	struct reloc_ctx *cs;
	size_t i;
	int e = 0;

	if (!tgt || (cnt && !objs))
		return uz_err_set(err, -EINVAL, "uz_target_need_objects: NULL argument");
	e = UZ_OPTS_CHECK(opts, uz_reloc_opts, err);
	if (e || !tgt->src || !tgt->src->need)
		return e;
	/* The names point into each object's BTF and tags: keep all until
	 * the target has them. */
	cs = calloc(cnt ? cnt : 1, sizeof(*cs));
	if (!cs)
		return uz_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; !e && i < cnt; i++) {
		struct reloc_ctx *c = &cs[i];

		c->obj = objs[i];
		c->tgt = tgt;
		c->use_tags = !UZ_OPTS_GET(opts, no_userize_tags, false);
		c->local_cnt = btf__type_cnt(objs[i]->btf);
		if (c->use_tags && uz_tags_build(&c->tags, objs[i]->btf, err)) {
			e = uz_err_prefix(err, "%s", objs[i]->name);
			c->use_tags = false;
			break;
		}
		if (collect_root_names(c, &l))
			e = uz_err_set(err, -ENOMEM, "out of memory");
	}
	if (!e)
		e = uz_target_need(tgt, l.names, l.cnt, err);
	for (i = 0; i < cnt; i++)
		uz_tags_free(&cs[i].tags);
	free(cs);
	name_list_free(&l);
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
	uz_rel_near_free(rel);
	free(rel->plain_msg);
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
	rel->target = tgt;
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

/* Refuse what cannot give a loadable program: an object relocated before
 * (its records are consumed) and, unless allowed, the other byte order. */
static int check_inputs(const struct uz_object *obj, const struct uz_target *tgt,
			bool allow_cross_endian, struct uz_error *err)
{
	const struct uz_relocated_info *rf = &obj->relocated_for;

	if (obj->relocated)
		return uz_err_set(err, -EALREADY, "%s was already relocated, for kernel %s (%s%s%s): its CO-RE records are consumed, so relocating it again would change nothing; relocate the original object instead",
				  obj->name, *rf->release ? rf->release : "of unknown release",
				  rf->target, *rf->build_id ? ", build id " : "", rf->build_id);
	if (tgt->prov.big_endian != obj->big_endian && !allow_cross_endian && tgt->btf)
		return uz_err_set(err, -ENOEXEC, "%s is a %s-endian object, but target %s describes a %s-endian kernel: the program cannot run there; build it with -target %s (or allow it explicitly: allow_cross_endian, --allow-cross-endian)",
				  obj->name, obj->big_endian ? "big" : "little", tgt->name,
				  tgt->prov.big_endian ? "big" : "little",
				  tgt->prov.big_endian ? "bpfeb" : "bpfel");
	return 0;
}

static int relocate(const struct uz_object *obj, const struct uz_target *tgt,
		    const struct uz_reloc_opts *opts, bool raw, struct uz_relocation **out,
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
	e = check_inputs(obj, tgt, UZ_OPTS_GET(opts, allow_cross_endian, false), err);
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
	if (mark_dead(c.rel, raw))
		e = uz_err_set(err, -ENOMEM, "out of memory");
out:
	rel_free_cache(&c);
	if (e) {
		uz_relocation_free(c.rel);
		return e;
	}
	*out = c.rel;
	return 0;
}

int uz_object_relocate(const struct uz_object *obj, const struct uz_target *tgt,
		       const struct uz_reloc_opts *opts, struct uz_relocation **out,
		       struct uz_error *err)
{
	return relocate(obj, tgt, opts, false, out, err);
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
	e = relocate(obj, target, opts, true, &rel, err);
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
