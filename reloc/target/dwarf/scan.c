/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fast path of the name index: the top-level DIEs of every unit read
 * straight from the section bytes with each unit's abbreviations decoded
 * once (a DIE whose forms all have fixed sizes is skipped in one step,
 * subtrees through DW_AT_sibling). It yields exactly what the libdw walk
 * of index.c yields and leaves to it whatever it does not handle:
 * sections still compressed (libdw decompresses them in place when it
 * opens the file), relocatable objects, unknown forms, string forms
 * other than inline, .debug_str and .debug_line_str (those DIEs are read
 * through libdw), and anything malformed (libdw then names the problem).
 */
#include <dwarf.h>
#include <stdlib.h>

#include "target/dwarf/dwarf.h"

/* Not handled here: the caller walks the file with libdw instead. */
#define NOT_HERE 1

struct sec {
	const uint8_t *p;
	size_t len;
};

struct spec {
	uint32_t at, form;
	int64_t implicit;
	int size;                /* form_size() */
};

struct abbrev {
	uint32_t tag;
	uint32_t spec0, nspec;  /* in scan.specs */
	int32_t fixed;          /* bytes of all attributes when every form has a fixed size, else -1 */
	int32_t sib_pos;        /* bytes before a DW_AT_sibling ref1/2/4/8 of fixed-size forms, else -1 */
	uint32_t sib_size;
	bool children, used;
};

struct scan {
	struct sec info, abbr, str, line_str;
	bool be;
	unsigned int addr_size, off_size, version;
	struct abbrev *abbrevs;  /* by code */
	uint32_t abbrev_cap;
	struct spec *specs;
	uint32_t spec_cnt, spec_cap;
	uint64_t abbrev_off;     /* of the table decoded, UINT64_MAX: none */
	unsigned int tab_addr, tab_off, tab_version; /* the unit it was decoded for */
};

struct rd {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t uleb(struct rd *r)
{
	uint64_t v = 0;
	unsigned int sh = 0;

	while (r->p < r->end) {
		uint8_t b = *r->p++;

		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static int64_t sleb(struct rd *r)
{
	uint64_t v = 0;
	unsigned int sh = 0;

	while (r->p < r->end) {
		uint8_t b = *r->p++;

		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80)) {
			if (sh < 64 && (b & 0x40))
				v |= ~0ull << sh;
			return (int64_t)v;
		}
	}
	r->bad = true;
	return 0;
}

static uint64_t fixed(struct rd *r, unsigned int n, bool be)
{
	uint64_t v = 0;
	unsigned int i;

	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		return 0;
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (be ? 8 * (n - 1 - i) : 8 * i);
	r->p += n;
	return v;
}

static void skip(struct rd *r, uint64_t n)
{
	if ((uint64_t)(r->end - r->p) < n)
		r->bad = true;
	else
		r->p += n;
}

/* Size of a form whose size does not depend on the data; -1 otherwise,
 * -2 for a form not known here. */
static int form_size(const struct scan *s, uint32_t form)
{
	switch (form) {
	case DW_FORM_flag_present: case DW_FORM_implicit_const:
		return 0;
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1:
	case DW_FORM_addrx1:
		return 1;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2:
		return 2;
	case DW_FORM_strx3: case DW_FORM_addrx3:
		return 3;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_ref_sup4: case DW_FORM_strx4:
	case DW_FORM_addrx4:
		return 4;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8:
		return 8;
	case DW_FORM_data16:
		return 16;
	case DW_FORM_addr:
		return (int)s->addr_size;
	case DW_FORM_ref_addr:
		return s->version <= 2 ? (int)s->addr_size : (int)s->off_size;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset: case DW_FORM_strp_sup:
	case DW_FORM_GNU_ref_alt: case DW_FORM_GNU_strp_alt:
		return (int)s->off_size;
	case DW_FORM_block1: case DW_FORM_block2: case DW_FORM_block4: case DW_FORM_block:
	case DW_FORM_exprloc: case DW_FORM_string: case DW_FORM_sdata: case DW_FORM_udata:
	case DW_FORM_ref_udata: case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx:
	case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
		return -1;
	default:
		return -2;
	}
}

/* Past one attribute value of @form (its form_size() @n). */
static void skip_form(const struct scan *s, struct rd *r, uint32_t form, int n)
{
	if (n >= 0) {
		skip(r, (uint64_t)n);
		return;
	}
	switch (form) {
	case DW_FORM_block1: skip(r, fixed(r, 1, s->be)); break;
	case DW_FORM_block2: skip(r, fixed(r, 2, s->be)); break;
	case DW_FORM_block4: skip(r, fixed(r, 4, s->be)); break;
	case DW_FORM_block: case DW_FORM_exprloc: skip(r, uleb(r)); break;
	case DW_FORM_sdata: sleb(r); break;
	case DW_FORM_string: {
		const uint8_t *z = memchr(r->p, 0, (size_t)(r->end - r->p));

		if (!z)
			r->bad = true;
		else
			r->p = z + 1;
		break;
	}
	case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx: case DW_FORM_addrx:
	case DW_FORM_loclistx: case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index:
		uleb(r);
		break;
	default:
		r->bad = true; /* DW_FORM_indirect and unknown forms: never in a table here */
		break;
	}
}

/* Decode the abbreviation table at @off (once per distinct table). */
static int read_abbrevs(struct scan *s, uint64_t off)
{
	struct rd r;
	uint32_t code, i;

	if (s->abbrev_off == off)
		return 0;
	for (i = 0; i < s->abbrev_cap; i++)
		s->abbrevs[i].used = false;
	s->spec_cnt = 0;
	s->abbrev_off = UINT64_MAX;
	if (off >= s->abbr.len)
		return NOT_HERE;
	r.p = s->abbr.p + off;
	r.end = s->abbr.p + s->abbr.len;
	r.bad = false;
	while ((code = (uint32_t)uleb(&r)) != 0 && !r.bad) {
		struct abbrev *a;

		if (code > (1u << 20))
			return NOT_HERE;
		if (code >= s->abbrev_cap) {
			uint32_t cap = s->abbrev_cap ? s->abbrev_cap : 256;
			struct abbrev *n;

			while (cap <= code)
				cap *= 2;
			n = realloc(s->abbrevs, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			for (i = s->abbrev_cap; i < cap; i++)
				n[i].used = false;
			s->abbrevs = n;
			s->abbrev_cap = cap;
		}
		a = &s->abbrevs[code];
		if (a->used)
			return NOT_HERE; /* the same code twice */
		a->used = true;
		a->tag = (uint32_t)uleb(&r);
		a->children = fixed(&r, 1, false) != 0;
		a->spec0 = s->spec_cnt;
		a->fixed = 0;
		a->sib_pos = -1;
		for (;;) {
			uint32_t at = (uint32_t)uleb(&r), form = (uint32_t)uleb(&r);
			struct spec *sp;
			int sz;

			if (r.bad)
				return NOT_HERE;
			if (!at && !form)
				break;
			sz = form_size(s, form);
			if (sz == -2)
				return NOT_HERE;
			if (s->spec_cnt == s->spec_cap) {
				uint32_t cap = s->spec_cap ? s->spec_cap * 2 : 1024;
				struct spec *n = realloc(s->specs, cap * sizeof(*n));

				if (!n)
					return -ENOMEM;
				s->specs = n;
				s->spec_cap = cap;
			}
			sp = &s->specs[s->spec_cnt++];
			sp->at = at;
			sp->form = form;
			sp->implicit = form == DW_FORM_implicit_const ? sleb(&r) : 0;
			sp->size = sz;
			if (at == DW_AT_sibling && a->fixed >= 0 && a->sib_pos < 0 &&
			    (form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref4 ||
			     form == DW_FORM_ref8)) {
				a->sib_pos = a->fixed;
				a->sib_size = (uint32_t)sz;
			}
			if (sz < 0 || a->fixed < 0)
				a->fixed = -1;
			else
				a->fixed += sz;
		}
		a->nspec = s->spec_cnt - a->spec0;
	}
	if (r.bad)
		return NOT_HERE;
	s->abbrev_off = off;
	return 0;
}

static bool indexed_tag(uint32_t tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_enumeration_type || tag == DW_TAG_typedef ||
	       tag == DW_TAG_base_type;
}

/* A string of a string section (find_sections checked it ends in NUL). */
static const char *sec_str(const struct sec *sc, uint64_t off)
{
	if (!sc->p || off >= sc->len)
		return NULL;
	return (const char *)sc->p + off;
}

/* What one top-level DIE gives the index. */
struct top {
	const char *name;
	uint64_t size, sibling;
	bool has_name, slow_name, has_size, has_sibling, decl;
};

/* The attributes of a DIE of abbreviation @a at @r: skipped, or (indexed
 * tags) read. DW_AT_sibling is read whenever the DIE has children. */
static int read_attrs(struct scan *s, const struct abbrev *a, struct rd *r, uint64_t unit_off,
		      struct top *t)
{
	bool want = indexed_tag(a->tag);
	uint32_t i;

	memset(t, 0, sizeof(*t));
	if (a->fixed >= 0 && !want && !a->children) {
		skip(r, (uint64_t)a->fixed);
		return r->bad ? NOT_HERE : 0;
	}
	for (i = 0; i < a->nspec && !r->bad; i++) {
		const struct spec *sp = &s->specs[a->spec0 + i];
		const uint8_t *at = r->p;
		int n = sp->size;

		if (sp->at == DW_AT_sibling && !t->has_sibling) {
			t->has_sibling = true;
			if (sp->form == DW_FORM_ref_udata)
				t->sibling = unit_off + uleb(r);
			else if (sp->form == DW_FORM_ref1 || sp->form == DW_FORM_ref2 ||
				 sp->form == DW_FORM_ref4 || sp->form == DW_FORM_ref8)
				t->sibling = unit_off + fixed(r, (unsigned int)n, s->be);
			else
				return NOT_HERE;
			continue;
		}
		if (!want) {
			skip_form(s, r, sp->form, n);
			continue;
		}
		switch (sp->at) {
		case DW_AT_name:
			if (t->has_name)
				break;
			t->has_name = true;
			if (sp->form == DW_FORM_strp)
				t->name = sec_str(&s->str, fixed(r, s->off_size, s->be));
			else if (sp->form == DW_FORM_line_strp)
				t->name = sec_str(&s->line_str, fixed(r, s->off_size, s->be));
			else if (sp->form == DW_FORM_string)
				t->name = memchr(at, 0, (size_t)(r->end - at)) ? (const char *)at : NULL;
			else
				t->slow_name = true;
			if (!t->name)
				t->slow_name = true;
			r->p = at;
			break;
		case DW_AT_byte_size:
			if (t->has_size)
				break;
			t->has_size = true;
			if (sp->form == DW_FORM_data1 || sp->form == DW_FORM_data2 ||
			    sp->form == DW_FORM_data4 || sp->form == DW_FORM_data8) {
				t->size = fixed(r, (unsigned int)n, s->be);
				r->p = at;
			} else if (sp->form == DW_FORM_udata) {
				t->size = uleb(r);
				r->p = at;
			} else if (sp->form == DW_FORM_implicit_const) {
				t->size = (uint64_t)sp->implicit;
			} else {
				t->slow_name = true; /* let libdw say what it is */
			}
			break;
		case DW_AT_declaration:
			t->decl = true;
			break;
		case DW_AT_abstract_origin:
		case DW_AT_specification:
			if (!t->has_name)
				t->slow_name = true;
			break;
		default:
			break;
		}
		skip_form(s, r, sp->form, n);
	}
	return r->bad ? NOT_HERE : 0;
}

/* Past the children of a DIE without DW_AT_sibling. */
static int skip_children(struct scan *s, struct rd *r, uint64_t unit_off)
{
	unsigned int level = 1;
	struct top t;

	while (level) {
		uint32_t code = (uint32_t)uleb(r);
		const struct abbrev *a;

		if (r->bad)
			return NOT_HERE;
		if (!code) {
			level--;
			continue;
		}
		if (code >= s->abbrev_cap || !s->abbrevs[code].used)
			return NOT_HERE;
		a = &s->abbrevs[code];
		if (a->fixed >= 0 && !a->children) {
			skip(r, (uint64_t)a->fixed);
			continue;
		}
		/* a subtree: only its end matters, DW_AT_sibling or not */
		if (read_attrs(s, &(struct abbrev){ .tag = 0, .spec0 = a->spec0, .nspec = a->nspec,
						    .fixed = -1, .children = a->children, .used = true },
			       r, unit_off, &t))
			return NOT_HERE;
		if (!a->children)
			continue;
		if (t.has_sibling) {
			if (t.sibling <= (uint64_t)(r->p - s->info.p) ||
			    t.sibling > (uint64_t)(r->end - s->info.p))
				return NOT_HERE;
			r->p = s->info.p + t.sibling;
		} else {
			level++;
		}
	}
	return 0;
}

/* Function bodies hold the types defined in functions (pahole's BTF has
 * them too); every other subtree is skipped whole. */
static bool has_local_types(uint32_t tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block;
}

static int add_def(struct uz_dw_index *idx, struct uz_dw_file *f, const struct abbrev *a,
		   struct top *t, uint64_t off, struct uz_error *err)
{
	int rc;

	if (t->slow_name) {
		Dwarf_Die d;
		Dwarf_Attribute at;
		Dwarf_Word w = 0;

		if (!dwarf_offdie(f->dw, off, &d))
			return NOT_HERE;
		t->name = dwarf_diename(&d);
		t->size = dwarf_attr(&d, DW_AT_byte_size, &at) && !dwarf_formudata(&at, &w) ? w : 0;
	} else if (!t->has_name) {
		t->name = NULL;
	}
	rc = uz_dw_index_add(idx, (int)a->tag, t->name, t->decl, t->size, off);
	return rc ? uz_err_set(err, rc, "out of memory") : 0;
}

/* One list of sibling DIEs (the unit's children at @depth 0, else a
 * function's or block's), up to its terminating 0 or the unit's end. */
static int scan_list(struct scan *s, struct uz_dw_index *idx, struct uz_dw_file *f,
		     struct rd *r, uint64_t unit_off, uint64_t end, int depth, struct uz_error *err)
{
	const struct abbrev *a;
	uint32_t code;
	struct top t;
	int rc;

	if (depth > UZ_DW_MAX_DEPTH)
		return NOT_HERE;
	while (r->p < r->end) {
		uint64_t off = (uint64_t)(r->p - s->info.p);

		code = (uint32_t)uleb(r);
		if (r->bad)
			return NOT_HERE;
		if (!code)
			return 0;
		if (code >= s->abbrev_cap || !s->abbrevs[code].used)
			return NOT_HERE;
		a = &s->abbrevs[code];
		if (a->children && has_local_types(a->tag)) {
			/* into the body: its list ends with its own 0 */
			rc = read_attrs(s, &(struct abbrev){ .tag = 0, .spec0 = a->spec0,
							     .nspec = a->nspec, .fixed = -1,
							     .children = true, .used = true },
					r, unit_off, &t);
			rc = rc ?: scan_list(s, idx, f, r, unit_off, end, depth + 1, err);
			if (rc)
				return rc;
			continue;
		}
		if (a->children && a->sib_pos >= 0 && !indexed_tag(a->tag)) {
			/* a variable or call with children: straight to its sibling */
			uint64_t sib;

			skip(r, (uint64_t)a->sib_pos);
			sib = unit_off + fixed(r, a->sib_size, s->be);
			if (r->bad || sib <= off || sib > end)
				return NOT_HERE;
			r->p = s->info.p + sib;
			continue;
		}
		rc = read_attrs(s, a, r, unit_off, &t);
		if (rc)
			return rc;
		if (a->children) {
			if (t.has_sibling) {
				if (t.sibling <= off || t.sibling > end)
					return NOT_HERE;
				r->p = s->info.p + t.sibling;
			} else if (skip_children(s, r, unit_off)) {
				return NOT_HERE;
			}
		}
		if (indexed_tag(a->tag) && (rc = add_def(idx, f, a, &t, off, err)))
			return rc;
	}
	return 0;
}

static int scan_unit(struct scan *s, struct uz_dw_index *idx, struct uz_dw_file *f,
		     uint64_t unit_off, uint64_t die_off, uint64_t end, struct uz_error *err)
{
	struct rd r = { s->info.p + die_off, s->info.p + end, false };
	const struct abbrev *a;
	uint32_t code;
	struct top t;

	code = (uint32_t)uleb(&r);
	if (r.bad)
		return NOT_HERE;
	if (!code)
		return 0;
	if (code >= s->abbrev_cap || !s->abbrevs[code].used)
		return NOT_HERE;
	a = &s->abbrevs[code];
	if (read_attrs(s, &(struct abbrev){ .tag = 0, .spec0 = a->spec0, .nspec = a->nspec,
					    .fixed = -1, .children = a->children, .used = true },
		       &r, unit_off, &t))
		return NOT_HERE;
	if (!a->children)
		return 0;
	return scan_list(s, idx, f, &r, unit_off, end, 0, err);
}

static bool get_sec(Elf *e, size_t shstrndx, Elf_Scn *scn, const GElf_Shdr *sh, const char *want,
		    struct sec *out, bool *compressed)
{
	const char *n = elf_strptr(e, shstrndx, sh->sh_name);
	Elf_Data *d;

	if (!n)
		return false;
	if (!strncmp(n, ".zdebug", 7) && !strcmp(n + 7, want + 6))
		*compressed = true;
	if (strcmp(n, want))
		return false;
	if (sh->sh_flags & SHF_COMPRESSED)
		*compressed = true;
	d = elf_rawdata(scn, NULL);
	if (!d || sh->sh_type == SHT_NOBITS)
		return false;
	out->p = d->d_buf;
	out->len = d->d_size;
	return true;
}

static int find_sections(struct scan *s, Elf *e)
{
	bool compressed = false;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;

	if (!gelf_getehdr(e, &eh) || eh.e_type == ET_REL || elf_getshdrstrndx(e, &shstrndx))
		return NOT_HERE;
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return NOT_HERE;
		get_sec(e, shstrndx, scn, &sh, ".debug_info", &s->info, &compressed);
		get_sec(e, shstrndx, scn, &sh, ".debug_abbrev", &s->abbr, &compressed);
		get_sec(e, shstrndx, scn, &sh, ".debug_str", &s->str, &compressed);
		get_sec(e, shstrndx, scn, &sh, ".debug_line_str", &s->line_str, &compressed);
	}
	/* A string section that does not end in NUL: libdw says what is wrong. */
	if ((s->str.p && (!s->str.len || s->str.p[s->str.len - 1])) ||
	    (s->line_str.p && (!s->line_str.len || s->line_str.p[s->line_str.len - 1])))
		return NOT_HERE;
	return compressed || !s->info.p || !s->abbr.p ? NOT_HERE : 0;
}

int uz_dw_scan(struct uz_dw_index *idx, struct uz_dw_file *f, struct uz_error *err)
{
	struct scan s;
	Dwarf_Off off = 0, next, abbr_off;
	Dwarf_Half ver;
	uint8_t asz, osz;
	size_t hsize, trimmed = 0;
	int r;

	memset(&s, 0, sizeof(s));
	s.be = f->big_endian;
	s.abbrev_off = UINT64_MAX;
	r = find_sections(&s, f->elf);
	while (!r) {
		Dwarf_Die cu;
		int u = dwarf_next_unit(f->dw, off, &next, &hsize, &ver, &abbr_off, &asz, &osz,
					NULL, NULL);

		if (u) {
			r = u > 0 ? 0 : NOT_HERE; /* 1: past the last unit */
			break;
		}
		if (next > s.info.len || off + hsize > next || (osz != 4 && osz != 8)) {
			r = NOT_HERE;
			break;
		}
		s.addr_size = asz;
		s.off_size = osz;
		s.version = ver;
		/* form sizes depend on these: decode the table again if they differ */
		if (s.tab_addr != asz || s.tab_off != osz || s.tab_version != ver)
			s.abbrev_off = UINT64_MAX;
		s.tab_addr = asz;
		s.tab_off = osz;
		s.tab_version = ver;
		/* libdw learns the unit now, while its pages are being read anyway:
		 * later, the first DIE looked up past it would make libdw visit
		 * every unit before it at once, between two trims */
		if (!dwarf_offdie(f->dw, off + hsize, &cu)) {
			r = NOT_HERE;
			break;
		}
		r = read_abbrevs(&s, abbr_off);
		r = r ?: scan_unit(&s, idx, f, off, off + hsize, next, err);
		if (r)
			break;
		off = next;
		if (off - trimmed >= (16u << 20)) {
			uz_dw_file_trim(f, off);
			trimmed = off;
		}
	}
	free(s.abbrevs);
	free(s.specs);
	return r == -ENOMEM ? uz_err_set(err, r, "out of memory") : r;
}
