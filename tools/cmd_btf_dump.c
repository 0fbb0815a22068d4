/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `userize btf dump` and the archive half of `userize btf extract`: the
 * types of any target (raw BTF, vmlinux, package, an archive entry, DWARF
 * through its lazy source), printed as C (libbpf's btf_dump), one line per
 * type (raw, bpftool-like) or JSON; `--for OBJ` prints the minimized BTF
 * that btfgen makes for OBJ; `--list` lists an archive's entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "commands.h"
#include "common/uz_internal.h"
#include "btfgen/btfgen_ar.h"

static const char dump_usage[] =
	"usage: userize btf dump FILE [--kernel RELEASE] [--format c|raw|json]\n"
	"                        [--types NAME,...] [--for OBJ] [--target-format F]\n"
	"       userize btf dump ARCHIVE --list\n"
	"\n"
	"Print the types of any target: raw BTF, vmlinux, kernel image or package,\n"
	"an entry of a btfgen archive (--kernel, default the running kernel), or a\n"
	"vmlinux with DWARF.\n"
	"\n"
	"  -k, --kernel R     archive entry for kernel release R\n"
	"  -f, --format F     raw (default: one line per type), c (a header), json\n"
	"      --types N,...  only the types with these names (lazy sources read them)\n"
	"      --for OBJ      the minimized BTF btfgen makes for OBJ on this kernel\n"
	"      --list         the entries of an archive: release, arch, build id, distro\n"
	"\n"
	"Exit status: 0 printed, 2 bad input or usage.\n";

struct dump_args {
	const char *file, *kernel, *format, *types, *for_obj;
	unsigned int sources;
	bool list;
};

static int dump_parse(int argc, char **argv, struct dump_args *a)
{
	int i;

	a->format = "raw";
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char **dst = NULL;

		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			fputs(dump_usage, stdout);
			return -1;
		} else if (!strcmp(s, "--list")) {
			a->list = true;
		} else if (!strcmp(s, "-k") || !strcmp(s, "--kernel")) {
			dst = &a->kernel;
		} else if (!strcmp(s, "-f") || !strcmp(s, "--format")) {
			dst = &a->format;
		} else if (!strcmp(s, "--types")) {
			dst = &a->types;
		} else if (!strcmp(s, "--for")) {
			dst = &a->for_obj;
		} else if (!strcmp(s, "--target-format")) {
			if (++i >= argc || uz_source_kind_parse(argv[i], &a->sources))
				goto bad;
		} else if (s[0] == '-' && s[1]) {
			goto bad;
		} else if (!a->file) {
			a->file = s;
		} else {
			goto bad;
		}
		if (dst) {
			if (++i >= argc)
				goto bad;
			*dst = argv[i];
		}
	}
	if (!a->file || (strcmp(a->format, "raw") && strcmp(a->format, "c") &&
			 strcmp(a->format, "json")))
		goto bad;
	return 0;
bad:
	fprintf(stderr, "userize btf dump: bad arguments\n%s", dump_usage);
	return 2;
}

static const char *const kind_names[] = {
	"UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF",
	"VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT",
	"DECL_TAG", "TYPE_TAG", "ENUM64",
};

static const char *kname(const struct btf_type *t)
{
	return btf_kind(t) < UZ_ARRAY_SIZE(kind_names) ? kind_names[btf_kind(t)] : "?";
}

static bool wanted(const struct btf *b, const struct btf_type *t, const char *types)
{
	const char *n = btf__name_by_offset(b, t->name_off), *p = types;
	size_t len = strlen(n);

	if (!types)
		return true;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == len && !strncmp(p, n, l))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* One line per type, members indented (bpftool's raw layout). */
static void dump_raw(const struct btf *b, const char *types, FILE *out)
{
	uint32_t id, n = btf__type_cnt(b);
	uint16_t i;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);
		const char *name = btf__name_by_offset(b, t->name_off);

		if (!wanted(b, t, types))
			continue;
		fprintf(out, "[%u] %s '%s'", id, kname(t), *name ? name : "(anon)");
		if (btf_is_composite(t) || btf_is_any_enum(t) || btf_is_int(t) || btf_is_float(t))
			fprintf(out, " size=%u", t->size);
		else if (btf_kind(t) != BTF_KIND_FWD && !btf_is_array(t))
			fprintf(out, " type_id=%u", t->type);
		if (btf_is_array(t))
			fprintf(out, " type_id=%u nr_elems=%u", btf_array(t)->type,
				btf_array(t)->nelems);
		fprintf(out, " vlen=%u\n", btf_vlen(t));
		for (i = 0; btf_is_composite(t) && i < btf_vlen(t); i++)
			fprintf(out, "\t'%s' type_id=%u bits_offset=%u bitfield_size=%u\n",
				btf__name_by_offset(b, btf_members(t)[i].name_off),
				btf_members(t)[i].type, btf_member_bit_offset(t, i),
				btf_member_bitfield_size(t, i));
		for (i = 0; btf_is_enum(t) && i < btf_vlen(t); i++)
			fprintf(out, "\t'%s' val=%d\n", btf__name_by_offset(b, btf_enum(t)[i].name_off),
				btf_enum(t)[i].val);
	}
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	fputc('"', out);
}

static void dump_json(const struct btf *b, const char *types, FILE *out)
{
	uint32_t id, n = btf__type_cnt(b);
	bool first = true;
	uint16_t i;

	fputs("[", out);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		if (!wanted(b, t, types))
			continue;
		fprintf(out, "%s\n{\"id\":%u,\"kind\":\"%s\",\"name\":", first ? "" : ",", id, kname(t));
		first = false;
		json_str(out, btf__name_by_offset(b, t->name_off));
		if (btf_is_composite(t) || btf_is_any_enum(t) || btf_is_int(t) || btf_is_float(t))
			fprintf(out, ",\"size\":%u", t->size);
		else if (btf_is_array(t))
			fprintf(out, ",\"type\":%u,\"nelems\":%u", btf_array(t)->type, btf_array(t)->nelems);
		else if (btf_kind(t) != BTF_KIND_FWD)
			fprintf(out, ",\"type\":%u", t->type);
		if (btf_is_composite(t)) {
			fputs(",\"members\":[", out);
			for (i = 0; i < btf_vlen(t); i++) {
				fprintf(out, "%s{\"name\":", i ? "," : "");
				json_str(out, btf__name_by_offset(b, btf_members(t)[i].name_off));
				fprintf(out, ",\"type\":%u,\"bit_offset\":%u,\"bitfield_size\":%u}",
					btf_members(t)[i].type, btf_member_bit_offset(t, i),
					btf_member_bitfield_size(t, i));
			}
			fputs("]", out);
		}
		fputs("}", out);
	}
	fputs("\n]\n", out);
}

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

static int dump_c(const struct btf *b, const char *types, FILE *out)
{
	struct btf_dump *d = btf_dump__new(b, dump_printf, out, NULL);
	uint32_t id, n = btf__type_cnt(b);
	int r = 0;

	if (!d)
		return -ENOMEM;
	for (id = 1; id < n && !r; id++)
		if (wanted(b, btf__type_by_id(b, id), types))
			r = btf_dump__dump_type(d, id);
	btf_dump__free(d);
	return r;
}

static int list_entries(const char *path)
{
	struct uz_archive *a = NULL;
	struct uz_error err = { 0 };
	size_t i;

	if (uz_archive_open(path, &a, &err)) {
		fprintf(stderr, "userize btf dump: %s\n", err.msg);
		return 2;
	}
	printf("%-36s %-8s %-10s %-40s %s\n", "release", "arch", "byte-order", "build-id", "distro");
	for (i = 0; i < uz_archive_entry_cnt(a); i++) {
		const struct uz_archive_entry_info *in = uz_archive_entry(a, i);

		printf("%-36s %-8s %-10s %-40s %s\n", in->release, *in->arch ? in->arch : "-",
		       in->big_endian ? "big" : "little", *in->build_id ? in->build_id : "-",
		       *in->distro ? in->distro : "-");
	}
	uz_archive_free(a);
	return 0;
}

/* The types to print: the target's, or btfgen's minimized BTF for --for. */
static int dump_target(const struct dump_args *a, const struct uz_target *t, FILE *out)
{
	struct uz_object *o = NULL;
	struct uz_error err = { 0 };
	struct btf *min = NULL;
	const struct btf *b = uz_target_btf(t);
	void *data = NULL;
	size_t len = 0;
	int r = 0;

	if (a->for_obj) {
		r = uz_object_open(a->for_obj, NULL, &o, &err);
		r = r ?: uz_btfgen_minimize((const struct uz_object *const *)&o, 1, t, NULL, &data,
					    &len, &err);
		if (!r && !(min = btf__new(data, (uint32_t)len)))
			r = uz_err_set(&err, -EINVAL, "the minimized BTF does not parse");
		if (r) {
			fprintf(stderr, "userize btf dump: %s\n", err.msg);
			goto out;
		}
		b = min;
	}
	if (!strcmp(a->format, "c"))
		r = dump_c(b, a->types, out);
	else if (!strcmp(a->format, "json"))
		dump_json(b, a->types, out);
	else
		dump_raw(b, a->types, out);
	if (r)
		fprintf(stderr, "userize btf dump: C dump failed (%d)\n", r);
out:
	btf__free(min);
	free(data);
	uz_object_free(o);
	return r ? 2 : 0;
}

int uz_cmd_btf_dump(int argc, char **argv)
{
	struct dump_args a = { 0 };
	struct uz_target *t = NULL;
	struct uz_error err = { 0 };
	const char *names[64];
	size_t nnames = 0;
	char *copy = NULL, *p, *save = NULL;
	int rc = dump_parse(argc, argv, &a);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.list)
		return list_entries(a.file);
	if (a.types) {
		copy = strdup(a.types);
		for (p = copy ? strtok_r(copy, ",", &save) : NULL; p && nnames < 64;
		     p = strtok_r(NULL, ",", &save))
			names[nnames++] = p;
	}
	{
		UZ_OPTS_INIT(uz_target_opts, to, .sources = a.sources, .kernel_release = a.kernel,
			     .type_names = nnames ? names : NULL, .type_name_cnt = nnames);

		if (uz_target_load(a.file, &to, &t, &err)) {
			fprintf(stderr, "userize btf dump: %s\n", err.msg);
			free(copy);
			return 2;
		}
	}
	rc = dump_target(&a, t, stdout);
	uz_target_free(t);
	free(copy);
	return rc;
}

int uz_cmd_btf_extract_archive(const char *input, const char *kernel, const char *output,
			       bool quiet)
{
	struct uz_archive *a = NULL;
	struct uz_error err = { 0 };
	void *data = NULL;
	size_t idx, len = 0;
	int r;

	r = uz_archive_open(input, &a, &err);
	r = r ?: uz_archive_find(a, kernel, NULL, &idx, &err);
	r = r ?: uz_archive_entry_btf(a, idx, &data, &len, &err);
	r = r ?: uz_write_file_atomic(output, data, len, &err);
	if (r)
		fprintf(stderr, "userize btf: %s\n", err.msg);
	else if (!quiet)
		fprintf(stderr, "%s: archive entry %s -> %s (%zu bytes)\n", input,
			uz_archive_entry(a, idx)->release, output, len);
	free(data);
	uz_archive_free(a);
	return r ? 2 : 0;
}

bool uz_cmd_is_archive(const char *path)
{
	uint8_t head[UZ_AR_HDR_LEN];
	FILE *f = fopen(path, "rb");
	bool ok;

	if (!f)
		return false;
	ok = fread(head, 1, sizeof(head), f) == sizeof(head) && uz_archive_probe(head, sizeof(head));
	fclose(f);
	return ok;
}
