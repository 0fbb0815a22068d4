/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The DWARF source: a vmlinux (or any ELF) with .debug_info, read lazily.
 * open() maps the file and records provenance; nothing is scanned until a
 * name is needed. The first need() scans the top-level DIEs once (index.c);
 * every need() that brings a new root name rebuilds the converted BTF over
 * all names asked so far (convert.c) and swaps it into the target through
 * the same validation and name index as any BTF.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "target/btf_check.h"
#include "target/dwarf/dwarf.h"
#include "target/kinfo.h"
#include "target/source.h"

struct dw_root {
	char *name;             /* essential root name asked for */
	uint32_t *defs;         /* its distinct definitions (uz_dw_group) */
	size_t def_cnt;
	bool grouped;
};

struct dw_state {
	struct uz_dw_file f;
	struct uz_dw_index idx;
	struct uz_dw_same *same; /* comparison memo, kept across need() calls */
	struct dw_root *roots;
	size_t cnt, cap;
	uint8_t *copy;           /* uz_target_load_mem: the bytes, kept for later need() */
};

/* The sections that decide: .BTF and .debug_info (or .zdebug_info). */
static void elf_sections(Elf *e, bool *btf, bool *dwarf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	*btf = *dwarf = false;
	if (elf_getshdrstrndx(e, &shstrndx))
		return;
	while ((scn = elf_nextscn(e, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(e, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(n, ".BTF"))
			*btf = true;
		else if (!strcmp(n, ".debug_info") || !strcmp(n, ".zdebug_info"))
			*dwarf = sh.sh_type != SHT_NOBITS;
	}
}

/*
 * An ELF file is ours when DWARF is allowed and it has no .BTF or BTF is
 * not allowed. An ELF with neither is ours too: open() then says so (a
 * stripped vmlinux), instead of the BTF source's "no .BTF".
 */
static bool dwarf_probe(const struct uz_source_input *in)
{
	unsigned int mask = UZ_OPTS_GET(in->opts, sources, 0u);
	bool btf, dw;
	Elf *e;
	int fd = -1;

	if (!mask)
		mask = UZ_SOURCE_ALL;
	if (UZ_OPTS_GET(in->opts, base_path, NULL))
		return false;
	elf_version(EV_CURRENT);
	if (in->data) {
		if (in->len < 4 || memcmp(in->data, ELFMAG, SELFMAG))
			return false;
		e = elf_memory((char *)in->data, in->len);
	} else {
		fd = open(in->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return false;
		/* read, not mapped: only the headers are, and a file
		 * truncated meanwhile is a short read, never SIGBUS */
		e = elf_begin(fd, ELF_C_READ, NULL);
	}
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		if (fd >= 0)
			close(fd);
		return false;
	}
	elf_sections(e, &btf, &dw);
	elf_end(e);
	if (fd >= 0)
		close(fd);
	if (btf && (mask & UZ_SOURCE_BTF))
		return false;
	return dw || !(mask & UZ_SOURCE_BTF) || !btf;
}

static int set_provenance(struct uz_target *t, struct dw_state *s, const char *path)
{
	char rel[UZ_RELEASE_MAX] = "", banner[UZ_RELEASE_MAX] = "", bid[UZ_BUILD_ID_MAX] = "";
	char what[96];
	size_t len = 0;
	int r;

	if (elf_rawfile(s->f.elf, &len))
		uz_kinfo_elf(s->f.elf, len, banner, bid);
	if (path)
		uz_kinfo_from_name(path, rel);
	snprintf(what, sizeof(what), "ELF %s DWARF %u (.debug_info, %zu MB)",
		 s->f.big_endian ? "big-endian" : "little-endian", s->f.version,
		 s->f.info_size >> 20);
	r = uz_target_set_prov(t, &t->prov.container, what);
	r = r ?: uz_target_set_prov(t, &t->prov.release, rel[0] ? rel : banner);
	r = r ?: uz_target_set_prov(t, &t->prov.build_id, bid);
	t->prov.big_endian = s->f.big_endian;
	t->prov.pointer_size = s->f.addr_size;
	return r;
}

/* Convert all names asked so far into a new btf, validated and indexed. */
static int rebuild(struct uz_target *t, struct dw_state *s, struct uz_error *err)
{
	struct uz_dw_conv *c = uz_dw_conv_new(&s->f, &s->idx);
	struct uz_name_index idx = { 0 };
	struct btf *b = NULL, *out = NULL;
	const void *raw;
	uint32_t raw_len;
	void *copy;
	size_t i;
	int r = 0;

	if (!c)
		return uz_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; !r && i < s->cnt; i++) {
		struct dw_root *rt = &s->roots[i];

		if (!rt->grouped) {
			r = uz_dw_group(&s->f, &s->idx, s->same, rt->name, &rt->defs, &rt->def_cnt, err);
			rt->grouped = !r;
		}
		r = r ?: uz_dw_conv_defs(c, rt->defs, rt->def_cnt, err);
	}
	r = r ?: uz_dw_conv_finish(c, &b, err);
	uz_dw_conv_free(c);
	if (r)
		return r;
	raw = btf__raw_data(b, &raw_len);
	copy = raw ? malloc(raw_len) : NULL;
	if (!copy) {
		btf__free(b);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	memcpy(copy, raw, raw_len);
	btf__free(b);
	r = uz_btf_parse_indexed(copy, raw_len, t->name, &idx, copy, &out, err);
	if (r)
		return r;
	btf__set_pointer_size(out, s->f.addr_size);
	return uz_target_replace_btf(t, out, &idx, err);
}

static int add_name(struct dw_state *s, const char *name, bool *added)
{
	size_t len = uz_essential_name_len(name), i;
	struct dw_root *n;

	if (!len)
		return 0;
	for (i = 0; i < s->cnt; i++)
		if (!strncmp(s->roots[i].name, name, len) && !s->roots[i].name[len])
			return 0;
	if (s->cnt == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;

		n = realloc(s->roots, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->roots = n;
		s->cap = cap;
	}
	memset(&s->roots[s->cnt], 0, sizeof(s->roots[s->cnt]));
	s->roots[s->cnt].name = strndup(name, len);
	if (!s->roots[s->cnt].name)
		return -ENOMEM;
	s->cnt++;
	*added = true;
	return 0;
}

static int dwarf_need(struct uz_target *t, const char *const *names, size_t cnt,
		      struct uz_error *err)
{
	struct dw_state *s = t->src_state;
	bool added = false;
	size_t i;
	int r;

	for (i = 0; i < cnt; i++)
		if (names[i] && add_name(s, names[i], &added))
			return uz_err_set(err, -ENOMEM, "out of memory");
	if (!added)
		return 0;
	r = uz_dw_index_build(&s->idx, &s->f, err);
	return r ?: rebuild(t, s, err);
}

static int dwarf_open(struct uz_target *t, const struct uz_source_input *in,
		      struct uz_error *err)
{
	const struct uz_target_opts *o = in->opts;
	const char *const *tn = UZ_OPTS_GET(o, type_names, NULL);
	size_t tn_cnt = UZ_OPTS_GET(o, type_name_cnt, (size_t)0);
	struct dw_state *s;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return uz_err_set(err, -ENOMEM, "out of memory");
	t->src_state = s;
	s->same = uz_dw_same_new();
	if (!s->same)
		return uz_err_set(err, -ENOMEM, "out of memory");
	if (in->data) {
		/* The input is only borrowed for open(); libdw reads it later. */
		s->copy = malloc(in->len ? in->len : 1);
		if (!s->copy)
			return uz_err_set(err, -ENOMEM, "out of memory");
		memcpy(s->copy, in->data, in->len);
	}
	r = uz_dw_file_open(&s->f, t->name, in->path, s->copy, in->len, err);
	if (r)
		return r;
	r = set_provenance(t, s, in->path);
	if (r)
		return uz_err_set(err, r, "out of memory");
	if (tn_cnt && !tn)
		return uz_err_set(err, -EINVAL, "uz_target_opts.type_names is NULL with type_name_cnt %zu",
				  tn_cnt);
	if (tn_cnt)
		return dwarf_need(t, tn, tn_cnt, err);
	return rebuild(t, s, err); /* empty until a name is needed */
}

static void dwarf_release(struct uz_target *t)
{
	struct dw_state *s = t->src_state;
	size_t i;

	if (!s)
		return;
	uz_dw_file_close(&s->f);
	uz_dw_index_free(&s->idx);
	for (i = 0; i < s->cnt; i++) {
		free(s->roots[i].name);
		free(s->roots[i].defs);
	}
	free(s->roots);
	uz_dw_same_free(s->same);
	free(s->copy);
	free(s);
	t->src_state = NULL;
}

const struct uz_source uz_source_dwarf = {
	.name = "dwarf",
	.kind = UZ_SOURCE_DWARF,
	.probe = dwarf_probe,
	.open = dwarf_open,
	.need = dwarf_need,
	.release = dwarf_release,
};
