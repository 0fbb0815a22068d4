/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The DWARF source on programs gcc compiles here (label unit): tests/dwarf/src
 * as DWARF 4, DWARF 5 and DWARF 5 with zlib-compressed sections. The types
 * converted from DWARF are compared with the BTF pahole -J makes of the
 * same file (structs, unions, bitfields, enums of every size and sign,
 * typedef chains, qualifiers, prototypes with varargs, forwards,
 * duplicates); relocation of tests/dwarf/bpf/dup.bpf.c gives the same
 * records from both, including the ambiguity of a twice-defined struct.
 * Bad input, each with its exact message: stripped, truncated, a type
 * reference to nowhere, a typedef that is its own type, a struct that
 * holds itself by value (the last three patched into gcc's real DWARF);
 * a file cut short while mapped (SIGBUS; the CLI's handler makes it a
 * message); a relocatable object. tests/dwarf/src/bits.c cross-compiled
 * for s390x and i686 as DWARF 2 and 4 (legacy DW_AT_bit_offset, both byte
 * orders) against pahole's BTF of it.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "dw_test.h"

static char dir[256];

static void run(const char *cmd)
{
	int r = system(cmd);

	if (r != 0) {
		fprintf(stderr, "failed (%d): %s\n", r, cmd);
		fail();
	}
}

/* Compile the test program as @variant into dir/prog-VARIANT, and make
 * pahole's BTF of it (uncompressed variants) into dir/prog-VARIANT.btf. */
static void build(const char *variant, const char *flags, bool pahole)
{
	const char *src = getenv("UZ_SRC");
	char cmd[2048];

	assert_non_null(src);
	snprintf(cmd, sizeof(cmd), "gcc -O0 %s -o %s/prog-%s %s/tests/dwarf/src/a.c %s/tests/dwarf/src/b.c",
		 flags, dir, variant, src, src);
	run(cmd);
	if (!pahole)
		return;
	snprintf(cmd, sizeof(cmd), "pahole -J --btf_encode_detached=%s/prog-%s.btf %s/prog-%s >/dev/null 2>&1",
		 dir, variant, dir, variant);
	run(cmd);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/uz-dwarf-unit.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	build("dwarf4", "-g -gdwarf-4", true);
	build("dwarf5", "-g -gdwarf-5", true);
	build("zlib", "-g -gdwarf-5 -gz=zlib", true);
	build("atomic", "-g -DUZT_ATOMIC", false);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const char *const structs[] = {
	"uzt_bits", "uzt_ubits", "uzt_all", "uzt_node", "uzt_dup", "uzt_inner", "uzt_outer",
	"uzt_self", "uzt_local", "uzt_local_u",
};
static const char *const enums[] = {
	"uzt_e1", "uzt_e2", "uzt_e4", "uzt_e4u", "uzt_e8", "uzt_e8s",
};
static const char *const typedefs[] = {
	"uzt_cv_t", "uzt_fn_t", "uzt_opaque_t", "uzt_int2_t",
};

/* A type and what it refers to, as text: kinds, names, sizes, prototypes. */
static void chain(const struct btf *b, uint32_t id, char *out, size_t sz, int depth)
{
	const struct btf_type *t = btf__type_by_id(b, id);
	size_t len = strlen(out);

	assert_non_null(t);
	assert_true(depth < 16);
	if (!id) {
		snprintf(out + len, sz - len, "void");
		return;
	}
	snprintf(out + len, sz - len, "%s'%s'k%d ", btf_kind(t) == BTF_KIND_FWD ? "FWD" :
		 btf_is_ptr(t) ? "PTR" : btf_is_typedef(t) ? "TYPEDEF" : btf_is_const(t) ? "CONST" :
		 btf_is_volatile(t) ? "VOLATILE" : btf_is_restrict(t) ? "RESTRICT" :
		 btf_is_func_proto(t) ? "PROTO" : btf_is_int(t) ? "INT" : btf_is_composite(t) ? "COMP" : "OTHER",
		 btf__name_by_offset(b, t->name_off), btf_kflag(t));
	if (btf_is_int(t) || btf_is_composite(t) || btf_kind(t) == BTF_KIND_FWD)
		return;
	if (btf_is_func_proto(t)) {
		const struct btf_param *p = btf_params(t);
		uint16_t i;

		for (i = 0; i < btf_vlen(t); i++, p++) {
			len = strlen(out);
			snprintf(out + len, sz - len, "(param %u: ", i);
			chain(b, p->type, out, sz, depth + 1);
			len = strlen(out);
			snprintf(out + len, sz - len, ") ");
		}
		len = strlen(out);
		snprintf(out + len, sz - len, "returns ");
	}
	chain(b, t->type, out, sz, depth + 1);
}

static void compare_enum(const struct btf *a, const struct btf *b, const char *name)
{
	int ia = btf__find_by_name(a, name), ib = btf__find_by_name(b, name);
	const struct btf_type *ta, *tb;
	uint16_t i;

	assert_true(ia > 0);
	assert_true(ib > 0);
	ta = btf__type_by_id(a, (uint32_t)ia);
	tb = btf__type_by_id(b, (uint32_t)ib);
	assert_int_equal(btf_kind(ta), btf_kind(tb));
	assert_int_equal(ta->size, tb->size);
	assert_int_equal(btf_kflag(ta), btf_kflag(tb));
	assert_int_equal(btf_vlen(ta), btf_vlen(tb));
	for (i = 0; i < btf_vlen(ta); i++) {
		if (btf_is_enum64(ta)) {
			assert_string_equal(btf__name_by_offset(a, btf_enum64(ta)[i].name_off),
					    btf__name_by_offset(b, btf_enum64(tb)[i].name_off));
			assert_int_equal(btf_enum64_value(btf_enum64(ta) + i),
					 btf_enum64_value(btf_enum64(tb) + i));
		} else {
			assert_string_equal(btf__name_by_offset(a, btf_enum(ta)[i].name_off),
					    btf__name_by_offset(b, btf_enum(tb)[i].name_off));
			assert_int_equal(btf_enum(ta)[i].val, btf_enum(tb)[i].val);
		}
	}
}

static void check_variant(const char *variant)
{
	const char *names[32];
	char prog[300], pbtf[310], obj[512], ca[2048], cb[2048];
	struct uz_target *ref, *dw;
	struct dw_layout_cmp lc = { 0 };
	struct dw_cmp c = { 0 };
	const struct btf *bd, *bp;
	size_t n = 0, i;

	for (i = 0; i < sizeof(structs) / sizeof(*structs); i++)
		names[n++] = structs[i];
	for (i = 0; i < sizeof(enums) / sizeof(*enums); i++)
		names[n++] = enums[i];
	for (i = 0; i < sizeof(typedefs) / sizeof(*typedefs); i++)
		names[n++] = typedefs[i];
	snprintf(prog, sizeof(prog), "%s/prog-%s", dir, variant);
	snprintf(pbtf, sizeof(pbtf), "%s.btf", prog);
	ref = dw_load(pbtf, UZ_SOURCE_BTF, NULL, 0);
	dw = dw_load(prog, 0, names, n);
	assert_int_equal(uz_target_provenance(dw)->source, UZ_SOURCE_DWARF);
	assert_int_equal(uz_target_provenance(dw)->pointer_size, 8);
	bd = uz_target_btf(dw);
	bp = uz_target_btf(ref);
	dw_compare_layouts(bp, bd, structs, sizeof(structs) / sizeof(*structs), &lc);
	printf("%s: structs %zu, members %zu, mismatches %zu\n", variant, lc.structs, lc.members,
	       lc.mismatches);
	assert_int_equal(lc.mismatches, 0);
	for (i = 0; i < sizeof(enums) / sizeof(*enums); i++)
		compare_enum(bp, bd, enums[i]);
	for (i = 0; i < sizeof(typedefs) / sizeof(*typedefs); i++) {
		ca[0] = cb[0] = 0;
		chain(bp, (uint32_t)btf__find_by_name_kind(bp, typedefs[i], BTF_KIND_TYPEDEF), ca,
		      sizeof(ca), 0);
		chain(bd, (uint32_t)btf__find_by_name_kind(bd, typedefs[i], BTF_KIND_TYPEDEF), cb,
		      sizeof(cb), 0);
		assert_string_equal(ca, cb);
	}
	/* The index from the section bytes (compressed ones as libdw decompressed them). */
	assert_true(dw_compare_index(prog, true) > 20);
	/* The same records from DWARF as from pahole's BTF. */
	dw_compare_object(dw_build_file("tests/dwarf/dup.o", obj, sizeof(obj)), ref, dw, &c);
	assert_int_equal(c.mismatches, 0);
	assert_int_equal(c.records, 15);
	uz_target_free(dw);
	uz_target_free(ref);
}

static void test_dwarf4(void **state)
{
	(void)state;
	check_variant("dwarf4");
}

static void test_dwarf5(void **state)
{
	(void)state;
	check_variant("dwarf5");
}

static void test_zlib(void **state)
{
	(void)state;
	check_variant("zlib");
}

/* _Atomic is dropped, as pahole does: at is a plain int, atp a pointer
 * (pahole 1.24 itself cannot read the tag, so libdw is the reference). */
static void test_atomic(void **state)
{
	const char *name = "uzt_atomic";
	char prog[300];
	struct uz_target *dw;
	const struct btf_type *t, *m;
	const struct btf *b;
	int id;

	(void)state;
	snprintf(prog, sizeof(prog), "%s/prog-atomic", dir);
	dw = dw_load(prog, 0, &name, 1);
	b = uz_target_btf(dw);
	id = btf__find_by_name_kind(b, "uzt_atomic", BTF_KIND_STRUCT);
	assert_true(id > 0);
	t = btf__type_by_id(b, (uint32_t)id);
	assert_int_equal(btf_vlen(t), 3);
	m = btf__type_by_id(b, btf_members(t)[0].type);
	assert_true(btf_is_int(m));
	assert_string_equal(btf__name_by_offset(b, m->name_off), "int");
	m = btf__type_by_id(b, btf_members(t)[1].type);
	assert_true(btf_is_ptr(m));
	m = btf__type_by_id(b, m->type);
	assert_true(btf_is_struct(m));
	assert_string_equal(btf__name_by_offset(b, m->name_off), "uzt_node");
	assert_int_equal(btf_member_bit_offset(t, 1), 64);
	assert_int_equal(btf_member_bit_offset(t, 2), 128);
	assert_int_equal(t->size, 24);
	uz_target_free(dw);
}

/* Twice-defined uzt_dup: the ambiguity libbpf reports, naming both. */
static void test_duplicates(void **state)
{
	struct uz_reloc_opts ro = { .sz = sizeof(ro), .allow_errors = true };
	char prog[300], obj[512];
	struct uz_error err = { 0 };
	struct uz_object *o = NULL;
	struct uz_relocation *r = NULL;
	const struct uz_record *rec;
	struct uz_target *dw;
	size_t i, found = 0;

	(void)state;
	snprintf(prog, sizeof(prog), "%s/prog-dwarf5", dir);
	dw = dw_load(prog, UZ_SOURCE_DWARF, NULL, 0);
	assert_int_equal(uz_object_open(dw_build_file("tests/dwarf/dup.o", obj, sizeof(obj)), NULL,
					&o, &err), 0);
	assert_int_equal(uz_object_relocate(o, dw, &ro, &r, &err), 0);
	for (i = 0; i < uz_relocation_record_cnt(r); i++) {
		rec = uz_relocation_record(r, i);
		if (!strcmp(rec->section, "raw_tp/sched_switch") && strstr(rec->local_type, "uzt_dup")) {
			assert_int_equal(rec->result, UZ_RESULT_ERROR);
			assert_string_equal(rec->message,
					    "field offset ambiguity: candidates struct uzt_dup [id 2] and struct uzt_dup [id 3] put the field at bit 0 and bit 32");
			found++;
		}
	}
	assert_int_equal(found, 1);
	/* uzt_outer: the same text in both units, different by value: two types. */
	{
		const struct btf *b = uz_target_btf(dw);
		uint32_t id, k = 0;

		assert_int_equal(uz_target_need_types(dw, (const char *const[]){ "uzt_outer" }, 1, &err), 0);
		b = uz_target_btf(dw);
		for (id = 1; id < btf__type_cnt(b); id++)
			if (btf_is_struct(btf__type_by_id(b, id)) &&
			    !strcmp(btf__name_by_offset(b, btf__type_by_id(b, id)->name_off), "uzt_outer"))
				k++;
		assert_int_equal(k, 2);
	}
	uz_relocation_free(r);
	uz_object_free(o);
	uz_target_free(dw);
}

static uint8_t *slurp(const char *path, size_t *len);

/* auto prefers .BTF; --target-format dwarf reads DWARF even then. */
static void test_auto(void **state)
{
	char prog[300], with[310], cmd[1024];
	struct uz_target *t;

	(void)state;
	snprintf(prog, sizeof(prog), "%s/prog-dwarf5", dir);
	snprintf(with, sizeof(with), "%s.withbtf", prog);
	snprintf(cmd, sizeof(cmd), "objcopy --add-section .BTF=%s.btf %s %s", prog, prog, with);
	run(cmd);
	t = dw_load(with, 0, NULL, 0);
	assert_int_equal(uz_target_provenance(t)->source, UZ_SOURCE_BTF);
	uz_target_free(t);
	t = dw_load(with, UZ_SOURCE_DWARF, NULL, 0);
	assert_int_equal(uz_target_provenance(t)->source, UZ_SOURCE_DWARF);
	uz_target_free(t);
	t = dw_load(prog, 0, NULL, 0);
	assert_int_equal(uz_target_provenance(t)->source, UZ_SOURCE_DWARF);
	uz_target_free(t);
	/* From memory: the bytes may go away after the load, types come later. */
	{
		struct uz_error err = { 0 };
		const char *name = "uzt_node";
		const struct btf *b;
		size_t len;
		uint8_t *d = slurp(prog, &len);
		int id;

		assert_int_equal(uz_target_load_mem(d, len, NULL, &t, &err), 0);
		memset(d, 0, len);
		free(d);
		assert_int_equal(uz_target_provenance(t)->source, UZ_SOURCE_DWARF);
		assert_int_equal(uz_target_need_types(t, &name, 1, &err), 0);
		b = uz_target_btf(t);
		id = btf__find_by_name_kind(b, "uzt_node", BTF_KIND_STRUCT);
		assert_true(id > 0);
		assert_int_equal(btf__type_by_id(b, (uint32_t)id)->size, 16);
		uz_target_free(t);
	}
}

static void expect_load_error(const char *path, const char *name, const char *msg)
{
	struct uz_target_opts o = { .sz = sizeof(o), .type_names = (const char *const[]){ name },
				    .type_name_cnt = name ? 1 : 0 };
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;

	assert_int_not_equal(uz_target_load(path, &o, &t, &err), 0);
	assert_null(t);
	assert_string_equal(err.msg, msg);
}

static void test_stripped(void **state)
{
	char prog[300], out[310], cmd[1024], msg[1024];

	(void)state;
	snprintf(prog, sizeof(prog), "%s/prog-dwarf5", dir);
	snprintf(out, sizeof(out), "%s.stripped", prog);
	snprintf(cmd, sizeof(cmd), "objcopy --strip-debug %s %s", prog, out);
	run(cmd);
	snprintf(msg, sizeof(msg), "%s: no BTF and no DWARF: a stripped vmlinux? use the -dbg package's /usr/lib/debug/boot/vmlinux-RELEASE",
		 out);
	expect_load_error(out, NULL, msg);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *d;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	d = malloc((size_t)st.st_size);
	assert_non_null(d);
	assert_int_equal(read(fd, d, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return d;
}

static void spill(const char *path, const uint8_t *d, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, len, f), len);
	fclose(f);
}

static void test_truncated(void **state)
{
	char prog[300], out[310], msg[1024];
	size_t len;
	uint8_t *d;
	GElf_Ehdr eh;
	Elf *e;

	(void)state;
	snprintf(prog, sizeof(prog), "%s/prog-dwarf5", dir);
	snprintf(out, sizeof(out), "%s.truncated", prog);
	d = slurp(prog, &len);
	elf_version(EV_CURRENT);
	e = elf_memory((char *)d, len);
	assert_non_null(gelf_getehdr(e, &eh));
	elf_end(e);
	spill(out, d, len / 2);
	snprintf(msg, sizeof(msg), "%s: truncated: the ELF section headers end at byte %llu, the file has %zu",
		 out, (unsigned long long)(eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize), len / 2);
	expect_load_error(out, NULL, msg);
	free(d);
}

/*
 * Find the top-level DIE @name (tag @tag) of @d, optionally its member
 * @member, and point its DW_AT_type (a DW_FORM_ref4) at @to: the unit
 * offset of the DIE itself (SELF), of its parent struct (PARENT), or a
 * raw value. Returns the .debug_info offset of the DIE patched.
 */
#define SELF 0xfffffffeu
#define PARENT 0xfffffffdu
static uint64_t patch_ref(uint8_t *d, size_t len, const char *name, int tag, const char *member,
			  uint32_t to, uint64_t *parent_off)
{
	Dwarf_Off off = 0, next;
	size_t hs;
	Elf *e = elf_memory((char *)d, len);
	Dwarf *dw = dwarf_begin_elf(e, DWARF_C_READ, NULL);
	uint64_t res = 0;

	assert_non_null(dw);
	while (!res && dwarf_nextcu(dw, off, &next, &hs, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, ch, m, *p;
		Dwarf_Attribute a;

		assert_non_null(dwarf_offdie(dw, off + hs, &cu));
		if (dwarf_child(&cu, &ch) == 0) {
			do {
				const char *n = dwarf_diename(&ch);
				uint32_t v;

				if (dwarf_tag(&ch) != tag || !n || strcmp(n, name))
					continue;
				p = &ch;
				if (member) {
					assert_int_equal(dwarf_child(&ch, &m), 0);
					p = &m;
				}
				assert_non_null(dwarf_attr(p, DW_AT_type, &a));
				assert_int_equal(dwarf_whatform(&a), DW_FORM_ref4);
				v = to == SELF ? (uint32_t)dwarf_cuoffset(p) :
				    to == PARENT ? (uint32_t)dwarf_cuoffset(&ch) : to;
				memcpy((uint8_t *)a.valp, &v, 4);
				res = dwarf_dieoffset(p);
				*parent_off = dwarf_dieoffset(&ch);
				break;
			} while (dwarf_siblingof(&ch, &ch) == 0);
		}
		off = next;
	}
	dwarf_end(dw);
	elf_end(e);
	assert_true(res != 0);
	return res;
}

static void test_bad_references(void **state)
{
	char prog[300], out[310], msg[1024];
	struct uz_target_opts o = { .sz = sizeof(o) };
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	uint64_t at, parent;
	const char *name;
	size_t len, pl;
	uint8_t *d;

	(void)state;
	snprintf(prog, sizeof(prog), "%s/prog-dwarf5", dir);
	snprintf(out, sizeof(out), "%s.patched", prog);

	/* A type reference past the end of its unit. */
	d = slurp(prog, &len);
	at = patch_ref(d, len, "uzt_missing_t", DW_TAG_typedef, NULL, 0x7ffffff0u, &parent);
	spill(out, d, len);
	name = "uzt_missing_t";
	o.type_names = &name;
	o.type_name_cnt = 1;
	assert_int_not_equal(uz_target_load(out, &o, &t, &err), 0);
	snprintf(msg, sizeof(msg), "%s: the DIE at .debug_info offset 0x%llx references a type that does not exist (outside its unit or the section: ",
		 out, (unsigned long long)at);
	pl = strlen(msg);
	assert_true(strlen(err.msg) > pl);
	assert_memory_equal(err.msg, msg, pl);
	assert_string_equal(err.msg + strlen(err.msg) - strlen("): corrupt or truncated DWARF"),
			    "): corrupt or truncated DWARF");
	free(d);

	/* A typedef whose type is itself. */
	d = slurp(prog, &len);
	at = patch_ref(d, len, "uzt_loop_t", DW_TAG_typedef, NULL, SELF, &parent);
	spill(out, d, len);
	snprintf(msg, sizeof(msg), "%s: type references nest deeper than 64 at .debug_info offset 0x%llx: a DIE reference loop",
		 out, (unsigned long long)at);
	expect_load_error(out, "uzt_loop_t", msg);
	free(d);

	/* A struct whose member is the struct itself, by value. */
	d = slurp(prog, &len);
	patch_ref(d, len, "uzt_self", DW_TAG_structure_type, "x", PARENT, &parent);
	spill(out, d, len);
	snprintf(msg, sizeof(msg), "%s: the type at .debug_info offset 0x%llx (uzt_self) contains itself by value: a DIE reference loop",
		 out, (unsigned long long)parent);
	expect_load_error(out, "uzt_self", msg);
	free(d);
}

/* @d and the DIEs below it with attribute @at. */
static size_t count_tree(Dwarf_Die *d, unsigned int at, int depth)
{
	size_t n = dwarf_hasattr(d, at) != 0;
	Dwarf_Die ch;

	assert_true(depth < 32);
	if (dwarf_child(d, &ch) == 0) {
		do
			n += count_tree(&ch, at, depth + 1);
		while (dwarf_siblingof(&ch, &ch) == 0);
	}
	return n;
}

/* DIEs of @path with attribute @at. */
static size_t count_attr(const char *path, unsigned int at)
{
	Dwarf_Off off = 0, next;
	size_t hs, n = 0;
	int fd = open(path, O_RDONLY);
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);

	assert_non_null(dw);
	while (dwarf_nextcu(dw, off, &next, &hs, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		assert_non_null(dwarf_offdie(dw, off + hs, &cu));
		n += count_tree(&cu, at, 0);
		off = next;
	}
	dwarf_end(dw);
	close(fd);
	return n;
}

/*
 * The legacy DW_AT_bit_offset, big- and little-endian: tests/dwarf/src/bits.c
 * cross-compiled (linked: libdw applies no relocations) as DWARF 2 and 4,
 * where gcc 12 still numbers bits from the most significant end; every
 * member's bit offset, bitfield size, type size and sign from DWARF must
 * equal those in the BTF pahole makes of the same file.
 */
static void test_legacy_bits(void **state)
{
	static const char *const cc[] = { "s390x-linux-gnu-gcc", "i686-linux-gnu-gcc" };
	static const char *const flags[] = { "-gdwarf-4", "-gdwarf-2 -gstrict-dwarf" };
	static const char *const names[] = { "uzt_lbits", "uzt_lubits", "uzt_lnest" };
	const char *src = getenv("UZ_SRC");
	char elf[300], btf[310], cmd[2048];
	size_t i, k;

	(void)state;
	assert_non_null(src);
	for (i = 0; i < 2; i++) {
		for (k = 0; k < 2; k++) {
			struct dw_layout_cmp lc = { 0 };
			struct uz_target *ref, *dw;
			size_t legacy;

			snprintf(elf, sizeof(elf), "%s/bits-%zu-%zu", dir, i, k);
			snprintf(btf, sizeof(btf), "%s.btf", elf);
			snprintf(cmd, sizeof(cmd), "%s -g %s -O0 -nostdlib -shared -o %s %s/tests/dwarf/src/bits.c",
				 cc[i], flags[k], elf, src);
			run(cmd);
			snprintf(cmd, sizeof(cmd), "pahole -J --btf_encode_detached=%s %s >/dev/null 2>&1",
				 btf, elf);
			run(cmd);
			legacy = count_attr(elf, DW_AT_bit_offset);
			assert_true(legacy >= 20); /* the legacy attribute, not data_bit_offset */
			assert_int_equal(count_attr(elf, DW_AT_data_bit_offset), 0);
			ref = dw_load(btf, UZ_SOURCE_BTF, NULL, 0);
			dw = dw_load(elf, UZ_SOURCE_DWARF, names, 3);
			assert_int_equal(uz_target_provenance(dw)->big_endian, i == 0);
			assert_int_equal(uz_target_provenance(dw)->pointer_size, i == 0 ? 8 : 4);
			dw_compare_layouts(uz_target_btf(ref), uz_target_btf(dw), names, 3, &lc);
			printf("%s %s: %zu DW_AT_bit_offset, structs %zu, members %zu, mismatches %zu\n",
			       cc[i], flags[k], legacy, lc.structs, lc.members, lc.mismatches);
			assert_int_equal(lc.structs, 3);
			assert_int_equal(lc.members, 24); /* 15 + 4 + 5 */
			assert_int_equal(lc.mismatches, 0);
			uz_target_free(dw);
			uz_target_free(ref);
		}
	}
}

/* A relocatable object's DWARF is not read unrelocated (names would be wrong). */
static void test_relocatable(void **state)
{
	const char *src = getenv("UZ_SRC");
	char obj[300], cmd[1024], msg[1024];

	(void)state;
	snprintf(obj, sizeof(obj), "%s/a.o", dir);
	snprintf(cmd, sizeof(cmd), "gcc -g -c -o %s %s/tests/dwarf/src/a.c", obj, src);
	run(cmd);
	snprintf(msg, sizeof(msg), "%s: a relocatable object whose DWARF needs relocations (.rela.debug_info): not readable as a DWARF target; use a linked file (a vmlinux, or the BTF of a module)",
		 obj);
	expect_load_error(obj, "uzt_node", msg);
}

/* In a child: load @copy from DWARF, cut it to @keep bytes, ask for a type. */
static void shrink_child(const char *copy, off_t keep, bool handler, int out)
{
	struct uz_target_opts o = { .sz = sizeof(o), .sources = UZ_SOURCE_DWARF };
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	const char *name = "uzt_all";

	dup2(out, STDERR_FILENO);
	signal(SIGBUS, SIG_DFL); /* cmocka's handler, inherited */
	if (handler)
		cli_catch_sigbus();
	if (uz_target_load(copy, &o, &t, &err))
		_exit(10);
	if (truncate(copy, keep))
		_exit(11);
	uz_target_need_types(t, &name, 1, &err);
	_exit(0); /* not reached: the DWARF is past the new end */
}

/* Run shrink_child on a fresh copy of prog-dwarf5; its stderr into @msg. */
static int shrink(bool handler, char *copy, size_t csz, char *msg, size_t msz)
{
	char prog[300];
	size_t len, n = 0;
	uint8_t *d;
	GElf_Shdr sh;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	off_t keep = 0;
	int fd[2], st;
	ssize_t r;
	pid_t pid;
	Elf *e;

	snprintf(prog, sizeof(prog), "%s/prog-dwarf5", dir);
	snprintf(copy, csz, "%s/prog-shrink", dir);
	d = slurp(prog, &len);
	spill(copy, d, len);
	e = elf_memory((char *)d, len);
	assert_int_equal(elf_getshdrstrndx(e, &shstrndx), 0);
	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && !strcmp(elf_strptr(e, shstrndx, sh.sh_name), ".debug_info"))
			keep = (off_t)sh.sh_offset & ~(off_t)4095; /* all of it in pages past the end */
	elf_end(e);
	free(d);
	assert_true(keep > 0);
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fd[0]);
		shrink_child(copy, keep, handler, fd[1]);
	}
	close(fd[1]);
	while (n + 1 < msz && (r = read(fd[0], msg + n, msz - 1 - n)) > 0)
		n += (size_t)r;
	msg[n] = 0;
	close(fd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

/*
 * A DWARF file is read through a mapping as long as its target lives (it
 * is hundreds of MB): cut short meanwhile, the next read past the new end
 * is SIGBUS, as with any mapped reader. The CLI's handler turns it into
 * the bad-input message naming the file and exit status 2.
 */
static void test_shrink(void **state)
{
	char copy[300], real[PATH_MAX], msg[2048], want[PATH_MAX + 300];
	int st;

	(void)state;
	st = shrink(false, copy, sizeof(copy), msg, sizeof(msg));
	if (!WIFSIGNALED(st))
		fprintf(stderr, "child: status 0x%x, stderr: %s\n", st, msg);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGBUS);
	st = shrink(true, copy, sizeof(copy), msg, sizeof(msg));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 2);
	assert_non_null(realpath(copy, real));
	snprintf(want, sizeof(want), "userize: %s: the file became shorter while it was being read (truncated or rewritten in place?); stopped before writing any output. Replace such a file by renaming a new one over it.\n",
		 real);
	assert_string_equal(msg, want);
}

/* The running kernel from DWARF: its debug vmlinux by release (or build
 * id), else one message saying where it was looked for. */
static void test_running(void **state)
{
	struct uz_target_opts o = { .sz = sizeof(o), .sources = UZ_SOURCE_DWARF };
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;
	char path[512], msg[1024];
	struct utsname u;
	struct stat st;
	int r;

	(void)state;
	assert_int_equal(uname(&u), 0);
	snprintf(path, sizeof(path), "/usr/lib/debug/boot/vmlinux-%s", u.release);
	r = uz_target_load(NULL, &o, &t, &err);
	if (!stat(path, &st)) {
		assert_int_equal(r, 0);
		assert_int_equal(uz_target_provenance(t)->source, UZ_SOURCE_DWARF);
		assert_string_equal(uz_target_provenance(t)->release, u.release);
		uz_target_free(t);
		return;
	}
	assert_int_not_equal(r, 0);
	assert_true(access("/sys/kernel/btf/vmlinux", R_OK) == 0); /* this machine's case */
	snprintf(msg, sizeof(msg), "the running kernel %s: the allowed sources (dwarf) have nothing for it: no debug vmlinux at /usr/lib/debug/boot/vmlinux-%s or under /usr/lib/debug/.build-id (install linux-image-%s-dbg), and its BTF at /sys/kernel/btf/vmlinux is not allowed",
		 u.release, u.release, u.release);
	assert_string_equal(err.msg, msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dwarf4),
		cmocka_unit_test(test_dwarf5),
		cmocka_unit_test(test_zlib),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_references),
		cmocka_unit_test(test_running),
		cmocka_unit_test(test_shrink),
		cmocka_unit_test(test_legacy_bits),
		cmocka_unit_test(test_relocatable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
