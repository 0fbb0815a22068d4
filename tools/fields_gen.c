/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uz-fields-gen: build-time generator of the BPF program behind
 * `userize matrix --fields`. Owns the rule "which members are view fields".
 *
 * Input: a BPF object compiled with -g -fno-eliminate-unused-debug-types
 * from a file that includes every uapi/userize/bpf/\*.h header, so its DWARF
 * holds every view even though nothing uses them (BTF would only hold the
 * types a program uses). A view is a struct or union carrying a
 * btf_decl_tag "userize:kernel=..." (UZ_KERNEL); its fields are its named
 * members in declaration order, the members of anonymous struct/union
 * members as if they were its own, and, below a named by-value struct/union
 * member, that member's fields as "member.field" (cred_user.uid.val).
 * Arrays are fields themselves; their elements are not walked.
 *
 * Output: a C file with one program in which every field gets an existence
 * check guarding its byte-offset and byte-size relocations. Views are sorted
 * by name; the file is written atomically.
 *
 * The object is read in place: BPF objects use REL relocations, whose
 * addends sit in the section bytes, so the DWARF offsets are usable as they
 * are for a single-CU object (section-relative, base 0).
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef DW_TAG_LLVM_annotation
#define DW_TAG_LLVM_annotation 0x6000
#endif

#define KERNEL_TAG "userize:kernel="
#define MAX_DEPTH 8	/* nesting of by-value members walked */
#define MAX_TYPE_HOPS 32	/* typedef/qualifier chain */
#define PATH_MAX_LEN 512

struct view {
	char *name;
	const char *keyword;	/* "struct" or "union" */
	Dwarf_Off off;		/* DIE offset */
};

struct gen {
	Dwarf *dw;
	struct view *views;
	size_t nviews;
	size_t nfields;
	FILE *out;
	int err;
};

static void fail(struct gen *g, const char *fmt, const char *arg)
{
	fprintf(stderr, "uz-fields-gen: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	g->err = 1;
}

/* Does @die carry btf_decl_tag("userize:kernel=...")? */
static int has_kernel_tag(Dwarf_Die *die)
{
	Dwarf_Die child;

	if (dwarf_child(die, &child) != 0)
		return 0;
	do {
		Dwarf_Attribute attr;
		const char *name, *val;

		if (dwarf_tag(&child) != DW_TAG_LLVM_annotation)
			continue;
		name = dwarf_diename(&child);
		val = dwarf_formstring(dwarf_attr(&child, DW_AT_const_value, &attr));
		if (name && val && !strcmp(name, "btf_decl_tag") &&
		    !strncmp(val, KERNEL_TAG, strlen(KERNEL_TAG)))
			return 1;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

static int is_composite(int tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

static void add_view(struct gen *g, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	struct view *v;
	size_t i;

	if (!name || dwarf_hasattr(die, DW_AT_declaration) || !has_kernel_tag(die))
		return;
	for (i = 0; i < g->nviews; i++)
		if (!strcmp(g->views[i].name, name))
			return;
	v = realloc(g->views, (g->nviews + 1) * sizeof(*v));
	if (!v) {
		fail(g, "%s", "out of memory");
		return;
	}
	g->views = v;
	v = &g->views[g->nviews];
	v->name = strdup(name);
	if (!v->name) {
		fail(g, "%s", "out of memory");
		return;
	}
	v->keyword = dwarf_tag(die) == DW_TAG_union_type ? "union" : "struct";
	v->off = dwarf_dieoffset(die);
	g->nviews++;
}

static void collect_views(struct gen *g)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dwarf_nextcu(g->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;

		if (dwarf_offdie(g->dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
			do {
				if (is_composite(dwarf_tag(&child)))
					add_view(g, &child);
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
}

/* The type of @die with typedefs and qualifiers removed; 0 on failure. */
static int strip_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die cur = *die;
	int hops;

	for (hops = 0; hops < MAX_TYPE_HOPS; hops++) {
		int tag;

		if (!dwarf_attr(&cur, DW_AT_type, &attr) || !dwarf_formref_die(&attr, out))
			return 0;
		tag = dwarf_tag(out);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type)
			return 1;
		cur = *out;
	}
	return 0;
}

static void walk(struct gen *g, Dwarf_Die *composite, const char *prefix, int depth)
{
	Dwarf_Die member;

	if (depth > MAX_DEPTH) {
		fail(g, "member nesting deeper than the limit below %s", prefix);
		return;
	}
	if (dwarf_child(composite, &member) != 0)
		return;
	do {
		const char *name = dwarf_diename(&member);
		char path[PATH_MAX_LEN];
		Dwarf_Die type;
		int nested;

		if (dwarf_tag(&member) != DW_TAG_member)
			continue;
		nested = strip_type(&member, &type) && is_composite(dwarf_tag(&type)) &&
			 !dwarf_hasattr(&type, DW_AT_declaration);
		if (!name) {
			/* anonymous struct/union: its members are ours */
			if (nested)
				walk(g, &type, prefix, depth + 1);
			continue;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s%s", prefix, name) >= sizeof(path)) {
			fail(g, "member path too long below %s", prefix);
			return;
		}
		fprintf(g->out, "\t\tUZ_FIELD(v, %s);\n", path);
		g->nfields++;
		if (nested) {
			strcat(path, ".");
			walk(g, &type, path, depth + 1);
		}
	} while (dwarf_siblingof(&member, &member) == 0 && !g->err);
}

static int view_cmp(const void *a, const void *b)
{
	return strcmp(((const struct view *)a)->name, ((const struct view *)b)->name);
}

static void emit(struct gen *g, const char *header)
{
	size_t i;

	fprintf(g->out,
		"/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n"
		"/*\n"
		" * Generated by uz-fields-gen (tools/fields_gen.c): do not edit.\n"
		" * Every field of every uapi view: an existence check guarding its\n"
		" * byte-offset and byte-size relocations. Never loaded; embedded in\n"
		" * the userize binary for `userize matrix --fields`.\n"
		" */\n"
		"#include \"%s\"\n"
		"\n"
		"char LICENSE[] SEC(\"license\") = \"GPL\";\n"
		"\n"
		"#define UZ_FIELD(v, f)\t\t\t\t\t\t\t\t\\\n"
		"\tdo {\t\t\t\t\t\t\t\t\t\\\n"
		"\t\tif (bpf_core_field_exists((v)->f))\t\t\t\t\\\n"
		"\t\t\ts += __builtin_preserve_field_info((v)->f, BPF_FIELD_BYTE_OFFSET) + \\\n"
		"\t\t\t     __builtin_preserve_field_info((v)->f, BPF_FIELD_BYTE_SIZE); \\\n"
		"\t} while (0)\n"
		"\n"
		"SEC(\"raw_tracepoint/uz_fields\")\n"
		"int uz_fields(void *ctx)\n"
		"{\n"
		"\tunsigned long s = 0;\n",
		header);
	for (i = 0; i < g->nviews && !g->err; i++) {
		Dwarf_Die die;

		if (!dwarf_offdie(g->dw, g->views[i].off, &die)) {
			fail(g, "cannot re-read the DWARF entry of %s", g->views[i].name);
			return;
		}
		fprintf(g->out, "\n\t{\n\t\t%s %s *v = ctx;\n\n", g->views[i].keyword,
			g->views[i].name);
		walk(g, &die, "", 0);
		fputs("\t}\n", g->out);
	}
	fputs("\treturn (int)s;\n}\n", g->out);
}

int main(int argc, char **argv)
{
	struct gen g = { 0 };
	char tmp[4096];
	size_t i;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: uz-fields-gen VIEWS.o HEADER OUT.bpf.c\n"
			"  VIEWS.o   BPF object with DWARF of every view (-g\n"
			"            -fno-eliminate-unused-debug-types)\n"
			"  HEADER    what the generated file includes to get the views\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "uz-fields-gen: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	g.dw = dwarf_begin(fd, DWARF_C_READ);
	if (!g.dw) {
		fprintf(stderr, "uz-fields-gen: %s: no usable DWARF (%s); compile it with -g\n",
			argv[1], dwarf_errmsg(-1));
		close(fd);
		return 1;
	}
	collect_views(&g);
	if (!g.err && !g.nviews)
		fail(&g, "%s: no struct with a userize:kernel= tag (UZ_KERNEL) in its DWARF",
		     argv[1]);
	if (!g.err) {
		qsort(g.views, g.nviews, sizeof(*g.views), view_cmp);
		snprintf(tmp, sizeof(tmp), "%s.tmp", argv[3]);
		g.out = fopen(tmp, "w");
		if (!g.out) {
			fail(&g, "cannot write %s", tmp);
		} else {
			emit(&g, argv[2]);
			if (fclose(g.out) || g.err || rename(tmp, argv[3])) {
				fail(&g, "cannot write %s", argv[3]);
				unlink(tmp);
			}
		}
	}
	for (i = 0; i < g.nviews; i++)
		free(g.views[i].name);
	free(g.views);
	dwarf_end(g.dw);
	close(fd);
	if (!g.err)
		printf("uz-fields-gen: %zu views, %zu fields -> %s\n", g.nviews, g.nfields, argv[3]);
	return g.err;
}
