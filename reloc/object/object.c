/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Object reader: a BPF ELF object (as clang emits it, either byte order) is
 * read with libelf from a private copy of the file. Every section header is
 * bounds-checked before its bytes are used; .BTF is parsed by libbpf only
 * after that and then validated (btf_check.c); .BTF.ext by btf_ext.c.
 * Program sections are the executable PROGBITS sections (.text included);
 * for the reachability pass (core/reach.c) each keeps its function
 * symbols and the ELF relocations of its call and ld_imm64 instructions.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>

#include "target/btf_check.h"
#include "object/note.h"
#include "object/object.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

void uz_insn_decode(const uint8_t *raw, bool swap, bool big_endian, struct bpf_insn *insn)
{
	insn->code = raw[0];
	if (big_endian) {
		insn->dst_reg = raw[1] >> 4;
		insn->src_reg = raw[1] & 0xf;
	} else {
		insn->dst_reg = raw[1] & 0xf;
		insn->src_reg = raw[1] >> 4;
	}
	insn->off = (int16_t)uz_get16(raw + 2, swap);
	insn->imm = (int32_t)uz_get32(raw + 4, swap);
}

void uz_insn_encode(const struct bpf_insn *insn, bool swap, bool big_endian, uint8_t *raw)
{
	raw[0] = insn->code;
	if (big_endian)
		raw[1] = (uint8_t)(insn->dst_reg << 4 | insn->src_reg);
	else
		raw[1] = (uint8_t)(insn->src_reg << 4 | insn->dst_reg);
	uz_put16(raw + 2, (uint16_t)insn->off, swap);
	uz_put32(raw + 4, (uint32_t)insn->imm, swap);
}

static int add_prog_sec(struct uz_object *obj, const char *name, size_t shndx,
			uint64_t off, uint64_t size, struct uz_error *err)
{
	struct uz_prog_sec *secs, *s;
	size_t i;

	if (size % 8)
		return uz_err_set(err, -EINVAL, "%s: program section '%s' is %llu bytes, not a multiple of 8",
				  obj->name, name, (unsigned long long)size);
	secs = realloc(obj->secs, (obj->sec_cnt + 1) * sizeof(*secs));
	if (!secs)
		return uz_err_set(err, -ENOMEM, "out of memory");
	obj->secs = secs;
	s = &secs[obj->sec_cnt];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->insns = calloc(size / 8 ? size / 8 : 1, sizeof(*s->insns));
	if (!s->name || !s->insns) {
		free(s->name);
		free(s->insns);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	obj->sec_cnt++;
	s->shndx = shndx;
	s->file_off = off;
	s->insn_cnt = size / 8;
	for (i = 0; i < s->insn_cnt; i++)
		uz_insn_decode(obj->image + off + i * 8, obj->swap, obj->big_endian, &s->insns[i]);
	return 0;
}

/* ---- functions and subprogram references ------------------------------ */

static size_t prog_sec_of(const struct uz_object *obj, size_t shndx)
{
	size_t i;

	for (i = 0; i < obj->sec_cnt; i++)
		if (obj->secs[i].shndx == shndx)
			return i;
	return SIZE_MAX;
}

static int push_func(struct uz_prog_sec *s, uint32_t insn)
{
	uint32_t *n = realloc(s->funcs, (s->func_cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->funcs = n;
	s->funcs[s->func_cnt++] = insn;
	return 0;
}

static int push_ref(struct uz_prog_sec *s, const struct uz_reach_ref *ref)
{
	struct uz_reach_ref *n = realloc(s->refs, (s->ref_cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->refs = n;
	s->refs[s->ref_cnt++] = *ref;
	return 0;
}

/* Every STT_FUNC symbol that starts an instruction of a program section. */
static int read_funcs(struct uz_object *obj, Elf_Data *syms, size_t nsym)
{
	size_t i, k;
	GElf_Sym sym;

	for (i = 1; i < nsym; i++) {
		if (!gelf_getsym(syms, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC)
			continue;
		k = prog_sec_of(obj, sym.st_shndx);
		if (k == SIZE_MAX || sym.st_value % 8 || sym.st_value / 8 >= obj->secs[k].insn_cnt)
			continue;
		if (push_func(&obj->secs[k], (uint32_t)(sym.st_value / 8)))
			return -ENOMEM;
	}
	return 0;
}

/* The relocations of one program section that name a call or ld_imm64. */
static int read_refs(struct uz_object *obj, struct uz_prog_sec *s, Elf_Data *rels,
		     size_t nrel, Elf_Data *syms, size_t nsym)
{
	struct uz_reach_ref ref;
	size_t i, symi;
	GElf_Rel rel;
	GElf_Sym sym;

	for (i = 0; i < nrel; i++) {
		const struct bpf_insn *in;

		if (!gelf_getrel(rels, (int)i, &rel) || rel.r_offset % 8 ||
		    rel.r_offset / 8 >= s->insn_cnt)
			continue;
		in = &s->insns[rel.r_offset / 8];
		if (in->code != (BPF_JMP | BPF_CALL) && in->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		memset(&ref, 0, sizeof(ref));
		ref.insn = (uint32_t)(rel.r_offset / 8);
		ref.sec = SIZE_MAX - 1;	/* unresolvable unless the symbol reads */
		symi = GELF_R_SYM(rel.r_info);
		if (syms && symi < nsym && gelf_getsym(syms, (int)symi, &sym)) {
			ref.sec = prog_sec_of(obj, sym.st_shndx);
			ref.sym_value = sym.st_value;
			ref.global = GELF_ST_TYPE(sym.st_info) == STT_FUNC &&
				     GELF_ST_BIND(sym.st_info) != STB_LOCAL;
		}
		if (push_ref(s, &ref))
			return -ENOMEM;
	}
	return 0;
}

static Elf_Data *table_of(Elf_Scn *scn, const GElf_Shdr *sh, size_t entsize, size_t *n)
{
	Elf_Data *d = elf_getdata(scn, NULL);

	*n = 0;
	if (!d || sh->sh_entsize != entsize)
		return NULL;
	*n = d->d_size / entsize;
	return d;
}

static int read_funcs_refs(struct uz_object *obj, Elf *elf, struct uz_error *err)
{
	Elf_Data *syms = NULL, *rels;
	Elf_Scn *scn = NULL;
	size_t nsym = 0, nrel, k;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB && !syms)
			syms = table_of(scn, &sh, sizeof(Elf64_Sym), &nsym);
	if (syms && read_funcs(obj, syms, nsym))
		return uz_err_set(err, -ENOMEM, "out of memory");
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL)
			continue;
		k = prog_sec_of(obj, sh.sh_info);
		rels = table_of(scn, &sh, sizeof(Elf64_Rel), &nrel);
		if (k != SIZE_MAX && rels && read_refs(obj, &obj->secs[k], rels, nrel, syms, nsym))
			return uz_err_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

/* Map every CO-RE section to its program section by name. */
static int link_core_secs(struct uz_object *obj, struct uz_error *err)
{
	size_t i, j;

	if (!obj->ext.core_sec_cnt)
		return 0;
	obj->core_sec_prog = calloc(obj->ext.core_sec_cnt, sizeof(size_t));
	if (!obj->core_sec_prog)
		return uz_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < obj->ext.core_sec_cnt; i++) {
		const char *name = btf__str_by_offset(obj->btf, obj->ext.core_secs[i].sec_name_off);

		if (!name || !*name)
			return uz_err_set(err, -EINVAL, "%s: .BTF.ext CO-RE section %zu has no name",
					  obj->name, i);
		for (j = 0; j < obj->sec_cnt; j++)
			if (strcmp(obj->secs[j].name, name) == 0)
				break;
		if (j == obj->sec_cnt)
			return uz_err_set(err, -EINVAL,
					  "%s: .BTF.ext has CO-RE records for section '%s', which is not a program section of the object",
					  obj->name, name);
		obj->core_sec_prog[i] = j;
	}
	return 0;
}

static int parse_btf_parts(struct uz_object *obj, const uint8_t *btf, size_t btf_len,
			   const uint8_t *ext, size_t ext_len, struct uz_error *err)
{
	char what[300];
	int r;

	if (!btf && ext)
		return uz_err_set(err, -ENOENT,
				  "%s: .BTF.ext but no .BTF section: compile with clang -g so the object carries BTF",
				  obj->name);
	if (!btf) {
		/* no CO-RE records: nothing to relocate, the object passes through */
		obj->btf = btf__new_empty();
		if (!obj->btf)
			return uz_err_set(err, -ENOMEM, "out of memory");
		return link_core_secs(obj, err);
	}
	obj->has_btf = true;
	snprintf(what, sizeof(what), "%s .BTF", obj->name);
	r = uz_btf_parse_checked(btf, btf_len, what, &obj->btf, err);
	if (r)
		return r;
	/*
	 * BPF is a 64-bit target. libbpf guesses a BTF's pointer size from its
	 * "long" types and, when it has none, takes the host's: 4 on a 32-bit
	 * host, which would make every local pointer field 4 bytes wide.
	 */
	btf__set_pointer_size(obj->btf, 8);
	if (ext) {
		uint32_t str_len;

		/* the .BTF header's str_len bounds .BTF.ext's name offsets */
		str_len = uz_get32(btf + 20, btf__endianness(obj->btf) !=
					     (uz_host_is_big_endian() ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN));
		r = uz_btf_ext_parse(ext, ext_len, str_len, &obj->ext, err);
		if (r)
			return uz_err_prefix(err, "%s", obj->name);
	}
	return link_core_secs(obj, err);
}

/* A file range of the object, for the overlap check below. */
struct file_range {
	uint64_t off, end;
	const char *name;
	bool written;            /* relocation rewrites bytes in it */
	bool section;            /* an ELF section (else the header or the table) */
};

static const char *range_label(const struct file_range *r, char *buf, size_t sz)
{
	if (r->section)
		snprintf(buf, sz, "section '%s' [%llu, %llu)", r->name, (unsigned long long)r->off,
			 (unsigned long long)r->end);
	else
		snprintf(buf, sz, "%s [%llu, %llu)", r->name, (unsigned long long)r->off,
			 (unsigned long long)r->end);
	return buf;
}

static int range_cmp(const void *a, const void *b)
{
	const struct file_range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * The bytes relocation rewrites (program sections, the .BTF.ext header)
 * must belong to their section alone: a program section laid over the ELF
 * header, the section header table or another section would have those
 * rewritten too, and the emitted file would not be the object that was
 * validated (found by fuzzing: a program at offset 0 turned the written
 * object's ELF magic into an instruction).
 */
static int check_written_ranges(struct uz_object *obj, Elf *elf, const GElf_Ehdr *eh,
				size_t nsec, size_t shstrndx, struct uz_error *err)
{
	struct file_range *rg = calloc(nsec + 2, sizeof(*rg)), *any = NULL, *wr = NULL;
	Elf_Scn *scn = NULL;
	size_t n = 0, i;
	int r = 0;

	if (!rg)
		return uz_err_set(err, -ENOMEM, "out of memory");
	rg[n++] = (struct file_range){ 0, 64, "the ELF header", false, false };
	rg[n++] = (struct file_range){ eh->e_shoff, eh->e_shoff + (uint64_t)nsec * eh->e_shentsize,
				       "the section header table", false, false };
	while ((scn = elf_nextscn(elf, scn)) && n < nsec + 2) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL ||
		    !sh.sh_size || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		rg[n++] = (struct file_range){ sh.sh_offset, sh.sh_offset + sh.sh_size, name,
			sh.sh_type == SHT_PROGBITS && ((sh.sh_flags & SHF_EXECINSTR) ||
						       !strcmp(name, ".BTF.ext")), true };
	}
	qsort(rg, n, sizeof(*rg), range_cmp);
	/* Sorted by start: a range overlaps an earlier one iff it starts
	 * before the furthest end so far; track that end over all ranges and
	 * over the rewritten ones. */
	for (i = 0; i < n && !r; i++) {
		struct file_range *hit = wr && rg[i].off < wr->end ? wr :
					 any && rg[i].off < any->end && rg[i].written ? any : NULL;

		if (hit) {
			char a[160], b[160];

			r = uz_err_set(err, -ENOEXEC, "%s: %s and %s share bytes of the file: a malformed object (relocation would rewrite both)",
				       obj->name, range_label(hit, a, sizeof(a)),
				       range_label(&rg[i], b, sizeof(b)));
		}
		if (!any || rg[i].end > any->end)
			any = &rg[i];
		if (rg[i].written && (!wr || rg[i].end > wr->end))
			wr = &rg[i];
	}
	free(rg);
	return r;
}

static int read_elf(struct uz_object *obj, struct uz_error *err)
{
	const uint8_t *btf = NULL, *ext = NULL;
	size_t btf_len = 0, ext_len = 0, shstrndx, nsec = 0;
	Elf_Scn *scn = NULL;
	GElf_Ehdr ehdr;
	Elf *elf;
	int r = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return uz_err_set(err, -EINVAL, "libelf initialisation failed");
	if (obj->image_len < 64 || memcmp(obj->image, ELFMAG, SELFMAG) != 0)
		return uz_err_set(err, -ENOEXEC, "%s: not an ELF file", obj->name);
	elf = elf_memory((char *)obj->image, obj->image_len);
	if (!elf)
		return uz_err_set(err, -ENOEXEC, "%s: cannot read ELF: %s", obj->name, elf_errmsg(-1));
	if (!gelf_getehdr(elf, &ehdr) || ehdr.e_ident[EI_CLASS] != ELFCLASS64) {
		r = uz_err_set(err, -ENOEXEC, "%s: not a 64-bit ELF object", obj->name);
		goto out;
	}
	if (ehdr.e_machine != EM_BPF) {
		r = uz_err_set(err, -ENOEXEC, "%s: ELF machine %u is not BPF (%u)", obj->name,
			       ehdr.e_machine, EM_BPF);
		goto out;
	}
	obj->big_endian = ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
	obj->swap = obj->big_endian != uz_host_is_big_endian();
	if (elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &nsec)) {
		r = uz_err_set(err, -ENOEXEC, "%s: corrupt ELF section headers: %s", obj->name,
			       elf_errmsg(-1));
		goto out;
	}
	if (nsec == 0 || ehdr.e_shoff > obj->image_len ||
	    (uint64_t)nsec * ehdr.e_shentsize > obj->image_len - ehdr.e_shoff) {
		r = uz_err_set(err, -ENOEXEC, "%s: the section header table lies past the end of the file (%zu bytes): truncated?",
			       obj->name, obj->image_len);
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			r = uz_err_set(err, -ENOEXEC, "%s: corrupt section header", obj->name);
			goto out;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name) {
			r = uz_err_set(err, -ENOEXEC, "%s: section %zu has no valid name", obj->name,
				       elf_ndxscn(scn));
			goto out;
		}
		if (sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL)
			continue;
		if (sh.sh_offset > obj->image_len || sh.sh_size > obj->image_len - sh.sh_offset) {
			r = uz_err_set(err, -ENOEXEC, "%s: section '%s' [%llu, +%llu) lies past the end of the file (%zu bytes): truncated?",
				       obj->name, name, (unsigned long long)sh.sh_offset,
				       (unsigned long long)sh.sh_size, obj->image_len);
			goto out;
		}
		if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR) && sh.sh_size) {
			if (sh.sh_offset % 8) {
				r = uz_err_set(err, -ENOEXEC, "%s: program section '%s' is not 8-byte aligned in the file",
					       obj->name, name);
				goto out;
			}
			r = add_prog_sec(obj, name, elf_ndxscn(scn), sh.sh_offset, sh.sh_size, err);
			if (r)
				goto out;
		} else if (strcmp(name, ".BTF") == 0 && sh.sh_type == SHT_PROGBITS) {
			btf = obj->image + sh.sh_offset;
			btf_len = sh.sh_size;
		} else if (strcmp(name, ".BTF.ext") == 0 && sh.sh_type == SHT_PROGBITS) {
			if (sh.sh_offset % 4) {
				r = uz_err_set(err, -ENOEXEC, "%s: .BTF.ext is not 4-byte aligned in the file",
					       obj->name);
				goto out;
			}
			ext = obj->image + sh.sh_offset;
			ext_len = sh.sh_size;
			obj->btf_ext_off = sh.sh_offset;
			obj->btf_ext_len = sh.sh_size;
		} else if (strcmp(name, UZ_NOTE_SECTION) == 0 && sh.sh_type == SHT_NOTE) {
			r = uz_note_parse(obj->image + sh.sh_offset, sh.sh_size, obj->swap,
					  &obj->relocated_for, obj->name, err);
			if (r)
				goto out;
			obj->relocated = true;
		}
	}
	r = check_written_ranges(obj, elf, &ehdr, nsec, shstrndx, err);
	r = r ?: read_funcs_refs(obj, elf, err);
	r = r ?: parse_btf_parts(obj, btf, btf_len, ext, ext_len, err);
out:
	elf_end(elf);
	return r;
}

/* Callers initialise *out to NULL: gcc -O3 cannot see that it is set on success. */
static int object_new(const char *name, struct uz_object **out, struct uz_error *err)
{
	struct uz_object *obj = calloc(1, sizeof(*obj));

	if (!obj || !(obj->name = strdup(name))) {
		free(obj);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	*out = obj;
	return 0;
}

int uz_object_open_mem(const void *data, size_t len, const struct uz_object_opts *opts,
		       struct uz_object **out, struct uz_error *err)
{
	const char *name = UZ_OPTS_GET(opts, name, NULL);
	struct uz_object *obj = NULL;
	int r;

	if (!out)
		return uz_err_set(err, -EINVAL, "uz_object_open_mem: out is NULL");
	*out = NULL;
	r = UZ_OPTS_CHECK(opts, uz_object_opts, err);
	if (r)
		return r;
	if (!data)
		return uz_err_set(err, -EINVAL, "no object data given");
	r = object_new(name ? name : "<memory>", &obj, err);
	if (r)
		return r;
	obj->image = malloc(len ? len : 1);
	if (!obj->image) {
		uz_object_free(obj);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	memcpy(obj->image, data, len);
	obj->image_len = len;
	r = read_elf(obj, err);
	if (r) {
		uz_object_free(obj);
		return r;
	}
	*out = obj;
	return 0;
}

int uz_object_open(const char *path, const struct uz_object_opts *opts,
		   struct uz_object **out, struct uz_error *err)
{
	const char *name = UZ_OPTS_GET(opts, name, NULL);
	struct uz_object *obj = NULL;
	int r;

	if (!out)
		return uz_err_set(err, -EINVAL, "uz_object_open: out is NULL");
	*out = NULL;
	r = UZ_OPTS_CHECK(opts, uz_object_opts, err);
	if (r)
		return r;
	if (!path)
		return uz_err_set(err, -EINVAL, "no object path given");
	r = object_new(name ? name : path, &obj, err);
	if (r)
		return r;
	r = uz_read_file(path, &obj->image, &obj->image_len, err);
	r = r ?: read_elf(obj, err);
	if (r) {
		uz_object_free(obj);
		return r;
	}
	*out = obj;
	return 0;
}

int uz_object_from_parts(const void *insns, size_t insn_cnt, const char *section,
			 const void *btf, size_t btf_len, const void *btf_ext,
			 size_t btf_ext_len, struct uz_object **out, struct uz_error *err)
{
	struct uz_object *obj = NULL;
	int r;

	*out = NULL;
	if (!insns || !section || !btf || !btf_ext)
		return uz_err_set(err, -EINVAL, "instructions, section name, BTF and .BTF.ext are all required");
	r = object_new("<instructions>", &obj, err);
	if (r)
		return r;
	/* keep the pieces in one image so the object owns them */
	obj->image_len = insn_cnt * 8 + btf_ext_len;
	obj->image = malloc(obj->image_len + 1);
	if (!obj->image) {
		uz_object_free(obj);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	memcpy(obj->image, insns, insn_cnt * 8);
	memcpy(obj->image + insn_cnt * 8, btf_ext, btf_ext_len);
	obj->btf_ext_off = insn_cnt * 8;
	obj->btf_ext_len = btf_ext_len;
	obj->big_endian = uz_host_is_big_endian();
	obj->owned_by_parts = true;
	r = add_prog_sec(obj, section, 0, 0, insn_cnt * 8, err);
	r = r ?: parse_btf_parts(obj, btf, btf_len, obj->image + obj->btf_ext_off, btf_ext_len, err);
	if (r) {
		uz_object_free(obj);
		return r;
	}
	*out = obj;
	return 0;
}

void uz_object_free(struct uz_object *obj)
{
	size_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->sec_cnt; i++) {
		free(obj->secs[i].name);
		free(obj->secs[i].insns);
		free(obj->secs[i].funcs);
		free(obj->secs[i].refs);
	}
	free(obj->secs);
	btf__free(obj->btf);
	uz_btf_ext_free(&obj->ext);
	free(obj->core_sec_prog);
	free(obj->image);
	free(obj->name);
	free(obj);
}

bool uz_object_is_big_endian(const struct uz_object *obj)
{
	return obj && obj->big_endian;
}

int uz_object_relocated_for(const struct uz_object *obj, struct uz_relocated_info *info)
{
	if (!obj || !obj->relocated)
		return 0;
	if (info)
		*info = obj->relocated_for;
	return 1;
}

size_t uz_object_core_relo_cnt(const struct uz_object *obj)
{
	size_t i, n = 0;

	for (i = 0; obj && i < obj->ext.core_sec_cnt; i++)
		n += obj->ext.core_secs[i].rec_cnt;
	return n;
}
