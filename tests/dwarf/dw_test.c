/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared checks of the DWARF target tests: relocating one object against
 * two targets and comparing record by record and instruction by
 * instruction, and comparing struct layouts of two BTFs with libbpf's
 * btf.h (the independent reader).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "dw_test.h"
#include "target/dwarf/dwarf.h"

const char *dw_vmlinux(const char *release, char *buf, size_t sz)
{
	const char *c = getenv("UZ_CACHE");
	struct stat st;

	assert_non_null(c);
	snprintf(buf, sz, "%s/dbg/vmlinux-%s", c, release);
	if (stat(buf, &st)) {
		fprintf(stderr, "missing %s: run tools/corpus.sh dbg (the dwarf_fetch fixture)\n", buf);
		fail();
	}
	return buf;
}

const char *dw_build_file(const char *rel, char *buf, size_t sz)
{
	const char *b = getenv("UZ_BUILD");
	struct stat st;

	assert_non_null(b);
	snprintf(buf, sz, "%s/%s", b, rel);
	if (stat(buf, &st)) {
		fprintf(stderr, "missing %s (build it first)\n", buf);
		fail();
	}
	return buf;
}

struct uz_target *dw_load(const char *path, unsigned int sources, const char *const *names,
			  size_t cnt)
{
	struct uz_target_opts o = { .sz = sizeof(o), .sources = sources,
				    .type_names = names, .type_name_cnt = cnt };
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;

	if (uz_target_load(path, &o, &t, &err)) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		fail();
	}
	return t;
}

static struct uz_relocation *relocate(struct uz_object *o, struct uz_target *t)
{
	/* both byte orders of every object: the comparison is of sources */
	struct uz_reloc_opts ro = { .sz = sizeof(ro), .allow_errors = true, .allow_cross_endian = true };
	struct uz_error err = { 0 };
	struct uz_relocation *r = NULL;

	if (uz_object_relocate(o, t, &ro, &r, &err)) {
		fprintf(stderr, "relocate against %s: %s\n", uz_target_name(t), err.msg);
		fail();
	}
	return r;
}

static bool rec_same(const struct uz_record *x, const struct uz_record *y)
{
	return x->result == y->result && x->new_value == y->new_value &&
	       x->orig_value == y->orig_value && !strcmp(x->target_spec, y->target_spec) &&
	       !strcmp(x->section, y->section) && x->insn == y->insn;
}

/* Instructions of section @sec: identical, except those of target_type_id
 * records that matched a type (poisoned from DWARF). */
static void compare_insns(const char *obj, struct uz_relocation *ra, struct uz_relocation *rb,
			  const char *sec, struct dw_cmp *c)
{
	size_t na = 0, nb = 0, i, k, n = uz_relocation_record_cnt(ra);
	const uint8_t *a = uz_relocation_insns(ra, sec, &na);
	const uint8_t *b = uz_relocation_insns(rb, sec, &nb);

	if (!a || !b || na != nb) {
		fprintf(stderr, "%s: section %s: %zu vs %zu instructions\n", obj, sec, na, nb);
		c->mismatches++;
		return;
	}
	for (i = 0; i < na; i++) {
		bool k7 = false;

		for (k = 0; k < n; k++) {
			const struct uz_record *r = uz_relocation_record(ra, k);

			if (r->kind == UZ_TYPE_ID_TARGET && r->target_type_id && !strcmp(r->section, sec) &&
			    (r->insn == i || r->insn + 1 == i))
				k7 = true;
		}
		c->insns++;
		if (!k7 && memcmp(a + i * 8, b + i * 8, 8)) {
			fprintf(stderr, "%s: %s insn %zu differs\n", obj, sec, i);
			c->mismatches++;
		}
	}
}

void dw_compare_object(const char *obj, struct uz_target *a, struct uz_target *b,
		       struct dw_cmp *c)
{
	struct uz_error err = { 0 };
	struct uz_object *o = NULL;
	struct uz_relocation *ra, *rb;
	size_t i, n;

	if (uz_object_open(obj, NULL, &o, &err)) {
		fprintf(stderr, "%s: %s\n", obj, err.msg);
		fail();
	}
	ra = relocate(o, a);
	rb = relocate(o, b);
	n = uz_relocation_record_cnt(ra);
	assert_int_equal(n, uz_relocation_record_cnt(rb));
	for (i = 0; i < n; i++) {
		const struct uz_record *x = uz_relocation_record(ra, i);
		const struct uz_record *y = uz_relocation_record(rb, i);

		c->records++;
		if (x->kind == UZ_TYPE_ID_TARGET && x->result == UZ_RESULT_OK && x->target_type_id) {
			c->kind7++;
			if (y->result != UZ_RESULT_POISONED ||
			    !strstr(y->message, "a type id in the kernel's own BTF, which DWARF does not have")) {
				fprintf(stderr, "%s: record %zu (target_type_id %s): not poisoned from DWARF: %s\n",
					obj, i, x->spec, y->message);
				c->mismatches++;
			}
			continue;
		}
		if (!rec_same(x, y)) {
			fprintf(stderr, "%s: record %zu (%s %s): %s: %d %llu '%s' vs %d %llu '%s' (%s)\n",
				obj, i, uz_kind_name(x->kind), x->spec, uz_target_name(a), x->result,
				(unsigned long long)x->new_value, x->target_spec, y->result,
				(unsigned long long)y->new_value, y->target_spec, y->message);
			c->mismatches++;
		}
	}
	for (i = 0; i < n; i++) {
		const struct uz_record *x = uz_relocation_record(ra, i);

		if (i == 0 || strcmp(x->section, uz_relocation_record(ra, i - 1)->section))
			compare_insns(obj, ra, rb, x->section, c);
	}
	uz_relocation_free(ra);
	uz_relocation_free(rb);
	uz_object_free(o);
}

/* ---- layouts ------------------------------------------------------------ */

/*
 * What the reference encodes of signedness: BTF made by pahole before 1.24
 * (the 5.10 kernel's) has no signed enums and leaves "signed char"
 * unsigned; there the comparison cannot tell, and says so ('?').
 */
struct sign_mask {
	bool enums, schar;
	size_t unknown;
};

static struct sign_mask ref_mask(const struct btf *b)
{
	struct sign_mask m = { 0 };
	uint32_t id, n = btf__type_cnt(b);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		if (btf_is_any_enum(t) && btf_kflag(t))
			m.enums = true;
		if (btf_is_int(t) && !strcmp(btf__name_by_offset(b, t->name_off), "signed char") &&
		    (btf_int_encoding(t) & BTF_INT_SIGNED))
			m.schar = true;
	}
	return m;
}

static char sign_of(const struct btf *b, uint32_t id, struct sign_mask *sm)
{
	const struct btf_type *t = btf__type_by_id(b, id);
	int n = 0;

	while (t && n++ < 32 && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(b, t->type);
	if (!t)
		return 'u';
	if (btf_is_int(t)) {
		if (!sm->schar && !strcmp(btf__name_by_offset(b, t->name_off), "signed char")) {
			sm->unknown++;
			return '?';
		}
		return btf_int_encoding(t) & BTF_INT_SIGNED ? 's' : 'u';
	}
	if (btf_is_any_enum(t)) {
		if (!sm->enums) {
			sm->unknown++;
			return '?';
		}
		return btf_kflag(t) ? 's' : 'u';
	}
	return 'u';
}

/* One definition as text: size, then every member. */
static char *layout(const struct btf *b, uint32_t id, size_t *members, struct sign_mask *sm)
{
	const struct btf_type *t = btf__type_by_id(b, id);
	const struct btf_member *m = btf_members(t);
	size_t cap = 256 + btf_vlen(t) * 96, len = 0;
	char *s = malloc(cap);
	uint16_t i;

	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len, "%s size %u:", btf_is_union(t) ? "union" : "struct",
				t->size);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		long sz = btf__resolve_size(b, m->type);

		len += (size_t)snprintf(s + len, cap - len, " %s@%u/%u,%ld,%c",
					btf__name_by_offset(b, m->name_off),
					btf_member_bit_offset(t, i), btf_member_bitfield_size(t, i), sz,
					sign_of(b, m->type, sm));
		(*members)++;
	}
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Layouts of every full definition of @name (shells have no members but a
 * size; a struct of size 0 with no members is kept). */
static size_t layouts(const struct btf *b, const char *name, char **out, size_t max,
		      size_t *members, struct sign_mask *sm)
{
	uint32_t id, n = btf__type_cnt(b);
	size_t k = 0;

	for (id = 1; id < n && k < max; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		if (!btf_is_composite(t) || strcmp(btf__name_by_offset(b, t->name_off), name))
			continue;
		if (!btf_vlen(t) && t->size)
			continue;
		out[k++] = layout(b, id, members, sm);
	}
	qsort(out, k, sizeof(*out), cmp_str);
	return k;
}

void dw_compare_layouts(const struct btf *ref, const struct btf *got, const char *const *names,
			size_t cnt, struct dw_layout_cmp *c)
{
	struct sign_mask sa = ref_mask(ref), sb = sa;
	size_t i, k;

	for (i = 0; i < cnt; i++) {
		char *a[16], *b[16];
		size_t ma = 0, mb = 0;
		size_t na = layouts(ref, names[i], a, 16, &ma, &sa);
		size_t nb = layouts(got, names[i], b, 16, &mb, &sb);

		if (!na) {
			fprintf(stderr, "%s: not a struct or union of the reference\n", names[i]);
			c->mismatches++;
		}
		c->structs++;
		c->members += ma;
		if (na != nb) {
			fprintf(stderr, "%s: %zu definitions in the reference, %zu from DWARF\n",
				names[i], na, nb);
			c->mismatches++;
		}
		for (k = 0; k < na && k < nb; k++)
			if (strcmp(a[k], b[k])) {
				fprintf(stderr, "%s:\n  ref   %s\n  dwarf %s\n", names[i], a[k], b[k]);
				c->mismatches++;
			}
		for (k = 0; k < na; k++)
			free(a[k]);
		for (k = 0; k < nb; k++)
			free(b[k]);
	}
	c->sign_unknown = sa.unknown;
}

size_t dw_compare_index(const char *path, bool fast)
{
	struct uz_dw_file f;
	struct uz_dw_index a = { 0 }, b = { 0 };
	struct uz_error err = { 0 };
	size_t bad = 0, n = 0;
	uint32_t i;
	int r;

	if (uz_dw_file_open(&f, path, path, NULL, 0, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		fail();
	}
	r = uz_dw_scan(&a, &f, &err);
	if (r < 0)
		fprintf(stderr, "%s\n", err.msg);
	assert_true(r >= 0);
	assert_int_equal(r, fast ? 0 : 1);
	uz_dw_index_free(&a);
	assert_int_equal(uz_dw_index_build(&a, &f, &err), 0);
	assert_int_equal(uz_dw_index_build_libdw(&b, &f, &err), 0);
	assert_int_equal(a.used, b.used);
	assert_int_equal(a.off_cnt, b.off_cnt);
	for (i = 0; i <= b.mask; i++) {
		const struct uz_dw_name *e = &b.names[i], *x;
		uint32_t p, q;

		if (!e->hash)
			continue;
		n++;
		x = uz_dw_index_find(&a, e->name, strlen(e->name));
		if (!x || x->has_struct != e->has_struct || x->has_union != e->has_union ||
		    x->struct_size != e->struct_size || x->union_size != e->union_size) {
			fprintf(stderr, "%s: %s indexed differently\n", path, e->name);
			bad++;
			continue;
		}
		for (p = e->first, q = x->first; p && q; p = b.offs[p - 1].next, q = a.offs[q - 1].next)
			if (b.offs[p - 1].off != a.offs[q - 1].off)
				break;
		if (p || q) {
			fprintf(stderr, "%s: the definitions of %s differ\n", path, e->name);
			bad++;
		}
	}
	printf("%s: index of %zu names, %u definitions, the same both ways (fast path %s): %zu differences\n",
	       path, n, b.off_cnt, fast ? "used" : "not used", bad);
	assert_int_equal(bad, 0);
	n = b.off_cnt;
	uz_dw_index_free(&a);
	uz_dw_index_free(&b);
	uz_dw_file_close(&f);
	return n;
}
