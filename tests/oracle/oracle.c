// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * oracle.c: the libbpf reference relocation used by the equivalence tests
 * (see oracle.h). Two halves: a small libelf reader for the object as
 * compiled (program sections, function symbols, relocation offsets) and the
 * libbpf runner that loads one main program at a time and maps its final
 * instructions back to section offsets.
 */
#define _POSIX_C_SOURCE 200809L
#include "oracle.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#define ORACLE_MAX_PROGS 64

/* ---- ELF reader ------------------------------------------------------- */

struct oracle_sec {
	char *name;
	struct bpf_insn *insns;  /* executable sections only */
	size_t insn_cnt;
	uint32_t *rel_insns;     /* instruction indices with an ELF relocation */
	uint32_t *rel_syms;      /* their symbol indices */
	size_t rel_cnt;
};

struct oracle_sym {
	char *name;
	size_t shndx;
	uint64_t value;
	uint64_t size;
	bool func;
};

struct oracle_elf {
	struct oracle_sec *secs; /* indexed by section index */
	size_t sec_cnt;
	struct oracle_sym *syms; /* indexed by symbol index */
	size_t sym_cnt;
	size_t text_shndx;       /* 0 when there is no .text */
};

static void oracle_set_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

void oracle_elf_free(struct oracle_elf *elf)
{
	size_t i;

	if (!elf)
		return;
	for (i = 0; i < elf->sec_cnt; i++) {
		free(elf->secs[i].name);
		free(elf->secs[i].insns);
		free(elf->secs[i].rel_insns);
		free(elf->secs[i].rel_syms);
	}
	for (i = 0; i < elf->sym_cnt; i++)
		free(elf->syms[i].name);
	free(elf->secs);
	free(elf->syms);
	free(elf);
}

static int oracle_elf_read_syms(struct oracle_elf *elf, Elf *e, Elf_Scn *scn,
				GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n;

	if (!data || !sh->sh_entsize)
		return -EINVAL;
	n = sh->sh_size / sh->sh_entsize;
	elf->syms = calloc(n, sizeof(*elf->syms));
	if (!elf->syms)
		return -ENOMEM;
	elf->sym_cnt = n;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym))
			return -EINVAL;
		name = elf_strptr(e, sh->sh_link, sym.st_name);
		elf->syms[i].name = strdup(name ? name : "");
		if (!elf->syms[i].name)
			return -ENOMEM;
		elf->syms[i].shndx = sym.st_shndx;
		elf->syms[i].value = sym.st_value;
		elf->syms[i].size = sym.st_size;
		elf->syms[i].func = GELF_ST_TYPE(sym.st_info) == STT_FUNC;
	}
	return 0;
}

static int oracle_elf_read_rels(struct oracle_elf *elf, Elf_Scn *scn,
				GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	struct oracle_sec *tgt;
	size_t i, n;

	if (sh->sh_info >= elf->sec_cnt)
		return -EINVAL;
	tgt = &elf->secs[sh->sh_info];
	if (!data || !sh->sh_entsize)
		return -EINVAL;
	n = sh->sh_size / sh->sh_entsize;
	tgt->rel_insns = calloc(n ? n : 1, sizeof(uint32_t));
	tgt->rel_syms = calloc(n ? n : 1, sizeof(uint32_t));
	if (!tgt->rel_insns || !tgt->rel_syms)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		GElf_Rel rel;

		if (!gelf_getrel(data, (int)i, &rel))
			return -EINVAL;
		tgt->rel_insns[i] = (uint32_t)(rel.r_offset / sizeof(struct bpf_insn));
		tgt->rel_syms[i] = (uint32_t)GELF_R_SYM(rel.r_info);
	}
	tgt->rel_cnt = n;
	return 0;
}

static int oracle_elf_read(struct oracle_elf *elf, Elf *e)
{
	size_t shstrndx, i;
	Elf_Scn *scn = NULL;
	int err;

	if (elf_getshdrstrndx(e, &shstrndx) || elf_getshdrnum(e, &elf->sec_cnt))
		return -EINVAL;
	elf->secs = calloc(elf->sec_cnt, sizeof(*elf->secs));
	if (!elf->secs)
		return -ENOMEM;
	/* pass 1: names, code, symbols */
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		struct oracle_sec *s;

		if (!gelf_getshdr(scn, &sh))
			return -EINVAL;
		i = elf_ndxscn(scn);
		s = &elf->secs[i];
		name = elf_strptr(e, shstrndx, sh.sh_name);
		s->name = strdup(name ? name : "");
		if (!s->name)
			return -ENOMEM;
		if (sh.sh_type == SHT_SYMTAB) {
			err = oracle_elf_read_syms(elf, e, scn, &sh);
			if (err)
				return err;
		} else if (sh.sh_type == SHT_PROGBITS &&
			   (sh.sh_flags & SHF_EXECINSTR)) {
			Elf_Data *data = elf_getdata(scn, NULL);

			if (!data || data->d_size % sizeof(struct bpf_insn))
				return -EINVAL;
			s->insn_cnt = data->d_size / sizeof(struct bpf_insn);
			s->insns = malloc(data->d_size ? data->d_size : 1);
			if (!s->insns)
				return -ENOMEM;
			if (data->d_size)
				memcpy(s->insns, data->d_buf, data->d_size);
			if (!strcmp(s->name, ".text"))
				elf->text_shndx = i;
		}
	}
	/* pass 2: relocations, now that every target section exists */
	scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			return -EINVAL;
		if (sh.sh_type == SHT_REL) {
			err = oracle_elf_read_rels(elf, scn, &sh);
			if (err)
				return err;
		}
	}
	return 0;
}

int oracle_elf_open(const char *path, struct oracle_elf **out, char *err,
		    size_t err_len)
{
	struct oracle_elf *elf;
	Elf *e = NULL;
	int fd, ret;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		oracle_set_err(err, err_len, "%s: %s", path, strerror(errno));
		return ret;
	}
	elf = calloc(1, sizeof(*elf));
	if (!elf) {
		close(fd);
		return -ENOMEM;
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		ret = -EINVAL;
		oracle_set_err(err, err_len, "%s: not an ELF file", path);
		goto out;
	}
	ret = oracle_elf_read(elf, e);
	if (ret)
		oracle_set_err(err, err_len, "%s: malformed ELF (%d)", path, ret);
out:
	if (e)
		elf_end(e);
	close(fd);
	if (ret) {
		oracle_elf_free(elf);
		return ret;
	}
	*out = elf;
	return 0;
}

static const struct oracle_sec *oracle_elf_sec(const struct oracle_elf *elf,
					       const char *name)
{
	size_t i;

	for (i = 0; i < elf->sec_cnt; i++)
		if (elf->secs[i].insns && !strcmp(elf->secs[i].name, name))
			return &elf->secs[i];
	return NULL;
}

const struct bpf_insn *oracle_elf_insns(const struct oracle_elf *elf,
					const char *name, size_t *cnt)
{
	const struct oracle_sec *s = oracle_elf_sec(elf, name);

	if (!s)
		return NULL;
	*cnt = s->insn_cnt;
	return s->insns;
}

/* Symbol index of the relocation at @insn_idx, or -1. */
static long oracle_sec_rel_sym(const struct oracle_sec *s, uint32_t insn_idx)
{
	size_t i;

	for (i = 0; i < s->rel_cnt; i++)
		if (s->rel_insns[i] == insn_idx)
			return s->rel_syms[i];
	return -1;
}

bool oracle_elf_insn_linked(const struct oracle_elf *elf, const char *name,
			    uint32_t insn_idx)
{
	const struct oracle_sec *s = oracle_elf_sec(elf, name);
	const struct bpf_insn *prev;

	if (!s || insn_idx >= s->insn_cnt)
		return false;
	if (oracle_sec_rel_sym(s, insn_idx) >= 0)
		return true;
	if (insn_idx == 0)
		return false;
	prev = &s->insns[insn_idx - 1];
	return prev->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       oracle_sec_rel_sym(s, insn_idx - 1) >= 0;
}

/* The function symbol @name, or NULL. */
static const struct oracle_sym *oracle_elf_func(const struct oracle_elf *elf,
						const char *name)
{
	size_t i;

	for (i = 0; i < elf->sym_cnt; i++)
		if (elf->syms[i].func && !strcmp(elf->syms[i].name, name))
			return &elf->syms[i];
	return NULL;
}

/* The .text function that contains instruction @idx, or NULL. */
static const struct oracle_sym *oracle_elf_text_func_at(const struct oracle_elf *elf,
							uint64_t idx)
{
	size_t i;

	for (i = 0; i < elf->sym_cnt; i++) {
		const struct oracle_sym *s = &elf->syms[i];

		if (!s->func || s->shndx != elf->text_shndx || !elf->text_shndx)
			continue;
		if (idx >= s->value / 8 && idx < (s->value + s->size) / 8)
			return s;
	}
	return NULL;
}

/* ---- libbpf log capture ------------------------------------------------ */

/* libbpf's print hook is process-global, so its sink is too. */
static char *oracle_log;
static size_t oracle_log_len, oracle_log_cap;

static int oracle_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	va_list ap2;
	int n;

	(void)level;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return 0;
	if (oracle_log_len + (size_t)n + 1 > oracle_log_cap) {
		size_t cap = (oracle_log_cap ? oracle_log_cap : 4096);
		char *p;

		while (cap < oracle_log_len + (size_t)n + 1)
			cap *= 2;
		p = realloc(oracle_log, cap);
		if (!p)
			return 0;
		oracle_log = p;
		oracle_log_cap = cap;
	}
	vsnprintf(oracle_log + oracle_log_len, (size_t)n + 1, fmt, ap);
	oracle_log_len += (size_t)n;
	return n;
}

static void oracle_log_reset(void)
{
	oracle_log_len = 0;
	if (oracle_log)
		oracle_log[0] = '\0';
}

/* ---- per-program results ----------------------------------------------- */

static void oracle_prog_clear(struct oracle_prog *p)
{
	size_t i;

	free(p->name);
	free(p->section);
	free(p->insns);
	for (i = 0; i < p->region_cnt; i++) {
		free(p->regions[i].section);
		free(p->regions[i].func);
	}
	free(p->regions);
	for (i = 0; i < p->relo_cnt; i++)
		free(p->relos[i].section);
	free(p->relos);
	free(p->log);
}

void oracle_free(struct oracle_result *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->prog_cnt; i++)
		oracle_prog_clear(&res->progs[i]);
	free(res->progs);
	free(res);
}

const struct oracle_relo *oracle_prog_relo(const struct oracle_prog *prog,
					   const char *section, uint32_t relo_idx)
{
	size_t i;

	for (i = 0; i < prog->relo_cnt; i++)
		if (prog->relos[i].relo_idx == relo_idx &&
		    !strcmp(prog->relos[i].section, section))
			return &prog->relos[i];
	return NULL;
}

static struct oracle_relo *oracle_relo_get(struct oracle_prog *p,
					   const char *section, uint32_t idx)
{
	struct oracle_relo *r;

	r = (struct oracle_relo *)oracle_prog_relo(p, section, idx);
	if (r)
		return r;
	r = realloc(p->relos, (p->relo_cnt + 1) * sizeof(*r));
	if (!r)
		return NULL;
	p->relos = r;
	r = &p->relos[p->relo_cnt];
	r->section = strdup(section);
	if (!r->section)
		return NULL;
	r->relo_idx = idx;
	r->state = ORACLE_RELO_DONE;
	p->relo_cnt++;
	return r;
}

/*
 * Read one "prog 'NAME': relo #N: ..." line: the record's section is that
 * of function NAME (main program or .text subprogram).
 */
static int oracle_parse_relo_line(struct oracle_prog *p,
				  const struct oracle_elf *elf, const char *line,
				  size_t len)
{
	const struct oracle_sym *sym;
	struct oracle_relo *r;
	char name[256], text[512];
	const char *q, *end;
	unsigned long idx;
	char *num_end;

	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	memcpy(text, line, len);
	text[len] = '\0';
	q = text;
	if (!strncmp(q, "libbpf: ", 8))
		q += 8;
	if (strncmp(q, "prog '", 6))
		return 0;
	q += 6;
	end = strstr(q, "': relo #");
	if (!end || (size_t)(end - q) >= sizeof(name))
		return 0;
	memcpy(name, q, (size_t)(end - q));
	name[end - q] = '\0';
	idx = strtoul(end + 9, &num_end, 10);
	if (num_end == end + 9 || *num_end != ':')
		return 0;
	sym = oracle_elf_func(elf, name);
	if (!sym || sym->shndx >= elf->sec_cnt)
		return -EINVAL;
	r = oracle_relo_get(p, elf->secs[sym->shndx].name, (uint32_t)idx);
	if (!r)
		return -ENOMEM;
	if (strstr(num_end, "failed to relocate") ||
	    strstr(num_end, "failed to patch insn") ||
	    strstr(num_end, "failed to record relocation")) {
		r->state = ORACLE_RELO_FAILED;
		p->core_failed = true;
	} else if (strstr(num_end, "w/ invalid insn") &&
		   r->state != ORACLE_RELO_FAILED) {
		r->state = ORACLE_RELO_POISONED;
	}
	return 0;
}

static int oracle_parse_log(struct oracle_prog *p, const struct oracle_elf *elf,
			    const char *log)
{
	const char *line = log;
	int err;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		err = oracle_parse_relo_line(p, elf, line, len);
		if (err)
			return err;
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int oracle_region_add(struct oracle_prog *p, uint32_t start, uint32_t cnt,
			     const char *section, uint32_t sec_off, const char *func)
{
	struct oracle_region *r;

	r = realloc(p->regions, (p->region_cnt + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	p->regions = r;
	r = &p->regions[p->region_cnt];
	r->start = start;
	r->cnt = cnt;
	r->sec_insn_off = sec_off;
	r->section = strdup(section);
	r->func = strdup(func);
	p->region_cnt++;
	if (!r->section || !r->func)
		return -ENOMEM;
	return 0;
}

/*
 * Follow pseudo calls from region @ri: libbpf's rule for the callee's .text
 * instruction is sym_off/8 + imm + 1 with a call relocation, else the call's
 * own section index + imm + 1; the final call target is the start of the
 * appended copy of the function that contains it.
 */
static int oracle_map_calls(struct oracle_prog *p, const struct oracle_elf *elf,
			    size_t ri, char *err, size_t err_len)
{
	const struct oracle_region reg = p->regions[ri];
	const struct oracle_sec *sec = oracle_elf_sec(elf, reg.section);
	uint32_t j;
	size_t k;
	int ret;

	for (j = 0; j < reg.cnt; j++) {
		const struct bpf_insn *fin = &p->insns[reg.start + j];
		const struct bpf_insn *orig;
		const struct oracle_sym *callee;
		uint32_t sidx = reg.sec_insn_off + j;
		int64_t callee_idx, target;
		long sym;
		bool seen = false;

		if (fin->code != (BPF_JMP | BPF_CALL) ||
		    fin->src_reg != BPF_PSEUDO_CALL)
			continue;
		orig = &sec->insns[sidx];
		sym = oracle_sec_rel_sym(sec, sidx);
		if (sym >= 0 && (size_t)sym < elf->sym_cnt)
			callee_idx = (int64_t)(elf->syms[sym].value / 8) + orig->imm + 1;
		else
			callee_idx = (int64_t)sidx + orig->imm + 1;
		callee = callee_idx >= 0 ? oracle_elf_text_func_at(elf, (uint64_t)callee_idx) : NULL;
		target = (int64_t)reg.start + j + fin->imm + 1;
		if (!callee || target < 0 ||
		    (uint64_t)target + callee->size / 8 > p->insn_cnt) {
			oracle_set_err(err, err_len,
				       "prog '%s': cannot map call at insn %u (%s+%u)",
				       p->name, reg.start + j, reg.section, sidx);
			return -EINVAL;
		}
		for (k = 0; k < p->region_cnt; k++)
			if (p->regions[k].start == (uint32_t)target)
				seen = true;
		if (seen)
			continue;
		ret = oracle_region_add(p, (uint32_t)target,
					(uint32_t)(callee->size / 8),
					elf->secs[elf->text_shndx].name,
					(uint32_t)(callee->value / 8), callee->name);
		if (ret)
			return ret;
	}
	return 0;
}

static int oracle_map_regions(struct oracle_prog *p, const struct oracle_elf *elf,
			      char *err, size_t err_len)
{
	const struct oracle_sym *main_sym = oracle_elf_func(elf, p->name);
	size_t ri;
	int ret;

	if (!main_sym || main_sym->size / 8 > p->insn_cnt) {
		oracle_set_err(err, err_len, "prog '%s': no matching function symbol",
			       p->name);
		return -EINVAL;
	}
	ret = oracle_region_add(p, 0, (uint32_t)(main_sym->size / 8), p->section,
				(uint32_t)(main_sym->value / 8), p->name);
	/* regions grow while being walked: each copy may call further ones */
	for (ri = 0; !ret && ri < p->region_cnt; ri++)
		ret = oracle_map_calls(p, elf, ri, err, err_len);
	return ret;
}

/* Open, relocate and load the object with only program @want autoloaded. */
static int oracle_run_one(const char *obj_path, const char *target_btf,
			  const struct oracle_elf *elf, const char *want,
			  struct oracle_prog *p, char *err, size_t err_len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = target_btf);
	struct bpf_object *obj;
	struct bpf_program *prog, *found = NULL;
	const struct bpf_insn *insns;
	int ret;

	oracle_log_reset();
	obj = bpf_object__open_file(obj_path, &opts);
	if (!obj) {
		ret = -errno;
		oracle_set_err(err, err_len, "libbpf cannot open %s: %d", obj_path, ret);
		return ret;
	}
	bpf_object__for_each_program(prog, obj) {
		bool on = !strcmp(bpf_program__name(prog), want);

		bpf_program__set_autoload(prog, on);
		if (on)
			found = prog;
	}
	if (!found) {
		bpf_object__close(obj);
		oracle_set_err(err, err_len, "program %s vanished", want);
		return -ENOENT;
	}
	p->load_err = bpf_object__load(obj);
	p->loaded = p->load_err == 0;
	p->name = strdup(want);
	p->section = strdup(bpf_program__section_name(found));
	insns = bpf_program__insns(found);
	p->insn_cnt = bpf_program__insn_cnt(found);
	p->insns = malloc((p->insn_cnt ? p->insn_cnt : 1) * sizeof(*insns));
	p->log = strdup(oracle_log ? oracle_log : "");
	if (!p->name || !p->section || !p->insns || !p->log || !insns) {
		bpf_object__close(obj);
		return -ENOMEM;
	}
	memcpy(p->insns, insns, p->insn_cnt * sizeof(*insns));
	bpf_object__close(obj);

	ret = oracle_parse_log(p, elf, p->log);
	if (ret) {
		oracle_set_err(err, err_len, "prog '%s': unreadable libbpf log", want);
		return ret;
	}
	/* with a CO-RE failure libbpf stops before linking subprograms */
	if (p->core_failed)
		return 0;
	return oracle_map_regions(p, elf, err, err_len);
}

int oracle_run(const char *obj_path, const char *target_btf,
	       struct oracle_result **out, char *err, size_t err_len)
{
	char *names[ORACLE_MAX_PROGS];
	struct oracle_result *res = NULL;
	struct oracle_elf *elf = NULL;
	libbpf_print_fn_t old_print;
	struct bpf_object *obj;
	struct bpf_program *prog;
	size_t n = 0, i;
	int ret;

	*out = NULL;
	ret = oracle_elf_open(obj_path, &elf, err, err_len);
	if (ret)
		return ret;
	old_print = libbpf_set_print(oracle_print);
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj) {
		ret = -errno;
		oracle_set_err(err, err_len, "libbpf cannot open %s: %d", obj_path, ret);
		goto out;
	}
	bpf_object__for_each_program(prog, obj) {
		if (n == ORACLE_MAX_PROGS)
			break;
		names[n] = strdup(bpf_program__name(prog));
		if (!names[n])
			break;
		n++;
	}
	bpf_object__close(obj);

	res = calloc(1, sizeof(*res));
	if (res)
		res->progs = calloc(n ? n : 1, sizeof(*res->progs));
	if (!res || !res->progs) {
		ret = -ENOMEM;
		goto out;
	}
	res->prog_cnt = n;
	for (i = 0; i < n && !ret; i++)
		ret = oracle_run_one(obj_path, target_btf, elf, names[i],
				     &res->progs[i], err, err_len);
out:
	libbpf_set_print(old_print);
	for (i = 0; i < n; i++)
		free(names[i]);
	oracle_elf_free(elf);
	if (ret) {
		oracle_free(res);
		return ret;
	}
	*out = res;
	return 0;
}
