/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Target loading: the one entry behind which every type source sits (see
 * source.h). It validates the options, picks the source for the input
 * (BTF wherever the input has it, unless opts->sources says otherwise),
 * and owns the target: types, name index, provenance, a lazy source's
 * state. The running kernel (path NULL) is /sys/kernel/btf/vmlinux, or its
 * debug vmlinux where the kernel has no BTF, or its tracefs formats where it
 * has neither (tracepoint records only). Inputs may be directories (a
 * tracefs mount or a copy of its events/ tree).
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target/kinfo.h"
#include "target/source.h"

#define UZ_SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"

/* Sources in the order "auto" tries them. */
static const struct uz_source *const sources[] = {
	&uz_source_dwarf, /* only ELF files without .BTF, or BTF not allowed */
	&uz_source_archive, /* before btf: its probe is a magic, btf's takes anything */
	&uz_source_tracefs,
	&uz_source_btf,
};

const char *uz_source_kind_name(unsigned int kind)
{
	switch (kind) {
	case 0: return "auto";
	case UZ_SOURCE_BTF: return "btf";
	case UZ_SOURCE_DWARF: return "dwarf";
	case UZ_SOURCE_ARCHIVE: return "archive";
	case UZ_SOURCE_TRACEFS: return "tracefs";
	default: return "mixed";
	}
}

int uz_source_kind_parse(const char *s, unsigned int *mask)
{
	static const unsigned int kinds[] = { 0, UZ_SOURCE_BTF, UZ_SOURCE_DWARF,
					      UZ_SOURCE_ARCHIVE, UZ_SOURCE_TRACEFS };
	size_t i;

	if (!s || !mask)
		return -EINVAL;
	for (i = 0; i < UZ_ARRAY_SIZE(kinds); i++)
		if (!strcmp(s, uz_source_kind_name(kinds[i]))) {
			*mask = kinds[i];
			return 0;
		}
	return -EINVAL;
}

int uz_target_set_prov(struct uz_target *t, const char **field, const char *value)
{
	char **n = realloc(t->prov_strs, (t->prov_str_cnt + 1) * sizeof(*n));
	char *s;

	if (!n)
		return -ENOMEM;
	t->prov_strs = n;
	s = strdup(value ? value : "");
	if (!s)
		return -ENOMEM;
	t->prov_strs[t->prov_str_cnt++] = s;
	*field = s;
	return 0;
}

int uz_target_replace_btf(struct uz_target *t, struct btf *btf, struct uz_name_index *idx,
			  struct uz_error *err)
{
	struct btf **n;

	if (t->btf) {
		n = realloc(t->retired, (t->retired_cnt + 1) * sizeof(*n));
		if (!n) {
			btf__free(btf);
			uz_name_index_free(idx);
			return uz_err_set(err, -ENOMEM, "out of memory");
		}
		t->retired = n;
		t->retired[t->retired_cnt++] = t->btf;
	}
	uz_name_index_free(&t->idx);
	t->btf = btf;
	t->idx = *idx;
	t->idx.btf = btf;
	memset(idx, 0, sizeof(*idx));
	t->module_start = btf__type_cnt(btf);
	return 0;
}

static int target_new(const char *name, struct uz_target **out, struct uz_error *err)
{
	struct uz_target *t = calloc(1, sizeof(*t));

	if (!t || !(t->name = strdup(name))) {
		free(t);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	t->prov.path = t->prov.container = t->prov.release = t->prov.build_id =
		t->prov.base_path = "";
	*out = t;
	return 0;
}

/* The debug vmlinux of the running kernel: by build id, then by release. */
static int running_debug_file(char *path, size_t sz)
{
	char rel[UZ_RELEASE_MAX], bid[UZ_BUILD_ID_MAX];
	struct stat st;

	uz_kinfo_running(rel, bid);
	if (strlen(bid) > 2) {
		snprintf(path, sz, "/usr/lib/debug/.build-id/%.2s/%s.debug", bid, bid + 2);
		if (!stat(path, &st) && S_ISREG(st.st_mode))
			return 0;
	}
	snprintf(path, sz, "/usr/lib/debug/boot/vmlinux-%s", rel);
	if (!stat(path, &st) && S_ISREG(st.st_mode))
		return 0;
	return -ENOENT;
}

/* The debug file found for the running kernel must be of its build: the
 * same release string is no proof (a rebuilt package, another vendor). */
static int check_running_build(const struct uz_target *t, struct uz_error *err)
{
	char rel[UZ_RELEASE_MAX], bid[UZ_BUILD_ID_MAX];

	uz_kinfo_running(rel, bid);
	if (!bid[0] || !t->prov.build_id[0] || !strcmp(bid, t->prov.build_id))
		return 0;
	return uz_err_set(err, -ESTALE, "%s: build id %s, but the running kernel %s has build id %s: the debug vmlinux of another build; install the -dbg package of the running kernel's exact version, or give a target",
			  t->prov.path, t->prov.build_id, rel, bid);
}

static int pick_and_open(struct uz_target *t, const struct uz_source_input *in,
			 unsigned int mask, struct uz_error *err)
{
	struct stat st;
	size_t i;
	int r;

	for (i = 0; i < UZ_ARRAY_SIZE(sources); i++) {
		const struct uz_source *s = sources[i];

		if (!(s->kind & mask) || !s->probe(in))
			continue;
		if (in->path && s != &uz_source_tracefs && !stat(in->path, &st) && S_ISDIR(st.st_mode))
			break;
		t->src = s;
		t->prov.source = s->kind;
		r = s->open(t, in, err);
		if (r)
			return r;
		if (t->btf && !t->prov.pointer_size) {
			t->prov.big_endian = btf__endianness(t->btf) == BTF_BIG_ENDIAN;
			t->prov.pointer_size = (unsigned int)btf__pointer_size(t->btf);
		}
		t->module_start = t->base ? btf__type_cnt(t->base) : btf__type_cnt(t->btf);
		return 0;
	}
	if (in->path && !stat(in->path, &st) && S_ISDIR(st.st_mode))
		return uz_err_set(err, -ENOENT, "%s: is a directory without events/SYS/EVENT/format files: not a tracefs mount (unmounted? mount -t tracefs nodev /sys/kernel/tracing) or a copy of its events/ tree%s",
				  t->name, (mask & UZ_SOURCE_TRACEFS) ? "" : " (and tracefs is not an allowed source)");
	return uz_err_set(err, -ENOTSUP, "%s: no type source can read it (allowed: %s)", t->name,
			  mask == UZ_SOURCE_ALL ? "any" : uz_source_kind_name(mask));
}

static int load(const char *path, const void *data, size_t len,
		const struct uz_target_opts *opts, struct uz_target **out, struct uz_error *err)
{
	UZ_OPTS_INIT(uz_target_opts, dflt);
	const char *name = UZ_OPTS_GET(opts, name, NULL);
	unsigned int mask = UZ_OPTS_GET(opts, sources, 0u);
	struct uz_source_input in = { 0 };
	char dbg[512];
	struct uz_target *t = NULL;
	int r;

	if (!out)
		return uz_err_set(err, -EINVAL, "uz_target_load: out is NULL");
	*out = NULL;
	r = UZ_OPTS_CHECK(opts, uz_target_opts, err);
	if (r)
		return r;
	if (mask & ~UZ_SOURCE_ALL)
		return uz_err_set(err, -EINVAL, "uz_target_opts.sources: unknown bits 0x%x",
				  mask & ~UZ_SOURCE_ALL);
	if (!mask)
		mask = UZ_SOURCE_ALL;
	in.opts = opts ? opts : &dflt;
	if (data) {
		in.data = data;
		in.len = len;
	} else if (path) {
		in.path = path;
	} else if ((mask & UZ_SOURCE_BTF) && !access(UZ_SYSFS_VMLINUX, R_OK)) {
		in.path = UZ_SYSFS_VMLINUX;
	} else if ((mask & UZ_SOURCE_DWARF) && !running_debug_file(dbg, sizeof(dbg))) {
		in.path = dbg;
	} else if ((mask & UZ_SOURCE_TRACEFS) && uz_tracefs_running()) {
		in.path = uz_tracefs_running();
	} else if (mask == UZ_SOURCE_TRACEFS) {
		return uz_err_set(err, -ENOENT, "the running kernel's tracefs is not mounted (no /sys/kernel/tracing/events): mount -t tracefs nodev /sys/kernel/tracing");
	} else {
		char rel[UZ_RELEASE_MAX], bid[UZ_BUILD_ID_MAX];

		uz_kinfo_running(rel, bid);
		if (!(mask & UZ_SOURCE_BTF) && !access(UZ_SYSFS_VMLINUX, R_OK))
			return uz_err_set(err, -ENOENT, "the running kernel %s: the allowed sources (%s) have nothing for it: no debug vmlinux at /usr/lib/debug/boot/vmlinux-%s or under /usr/lib/debug/.build-id (install linux-image-%s-dbg), and its BTF at %s is not allowed",
					  rel, uz_source_kind_name(mask), rel, rel, UZ_SYSFS_VMLINUX);
		return uz_err_set(err, -ENOENT, "the running kernel %s has no BTF (%s is missing) and no debug vmlinux at /usr/lib/debug/boot/vmlinux-%s or under /usr/lib/debug/.build-id; install linux-image-%s-dbg or give a target",
				  rel, UZ_SYSFS_VMLINUX, rel, rel);
	}
	/* a FIFO, socket or device is refused before any probe opens it */
	if (in.path && (r = uz_input_check(in.path, true, err)))
		return r;
	r = target_new(name ? name : in.path ? in.path : "<memory>", &t, err);
	if (r)
		return r;
	if (in.path)
		r = uz_target_set_prov(t, &t->prov.path, in.path);
	r = r ?: pick_and_open(t, &in, mask, err);
	if (!r && in.path == dbg)
		r = check_running_build(t, err);
	if (r) {
		uz_target_free(t);
		return r;
	}
	*out = t;
	return 0;
}

int uz_target_load(const char *path, const struct uz_target_opts *opts,
		   struct uz_target **out, struct uz_error *err)
{
	return load(path, NULL, 0, opts, out, err);
}

int uz_target_load_mem(const void *data, size_t len, const struct uz_target_opts *opts,
		       struct uz_target **out, struct uz_error *err)
{
	if (out)
		*out = NULL;
	if (!data)
		return uz_err_set(err, -EINVAL, "no target data given");
	return load(NULL, data, len, opts, out, err);
}

int uz_target_need(const struct uz_target *t, const char *const *names, size_t cnt,
		   struct uz_error *err)
{
	/* A lazy source grows the target it belongs to: the types are a cache
	 * of the file, so a const target may still gain entries. */
	if (!t->src || !t->src->need)
		return 0;
	return t->src->need((struct uz_target *)t, names, cnt, err);
}

bool uz_target_describe(const struct uz_target *t, uint32_t type_id, int member, char *buf,
			size_t sz)
{
	if (sz)
		buf[0] = 0;
	if (!t || !t->src || !t->src->describe || !type_id || !sz)
		return false;
	if (t->src->describe(t, type_id, member, buf, sz) && buf[0])
		return true;
	buf[0] = 0;
	return false;
}

int uz_target_need_types(struct uz_target *t, const char *const *names, size_t cnt,
			 struct uz_error *err)
{
	if (!t || (cnt && !names))
		return uz_err_set(err, -EINVAL, "uz_target_need_types: NULL argument");
	return uz_target_need(t, names, cnt, err);
}

void uz_target_free(struct uz_target *t)
{
	size_t i;

	if (!t)
		return;
	if (t->src && t->src->release)
		t->src->release(t);
	uz_name_index_free(&t->idx);
	btf__free(t->btf);
	btf__free(t->base);
	for (i = 0; i < t->retired_cnt; i++)
		btf__free(t->retired[i]);
	free(t->retired);
	for (i = 0; i < t->prov_str_cnt; i++)
		free(t->prov_strs[i]);
	free(t->prov_strs);
	free(t->name);
	free(t);
}

const char *uz_target_name(const struct uz_target *t)
{
	return t ? t->name : "";
}

const struct uz_target_provenance *uz_target_provenance(const struct uz_target *t)
{
	return t ? &t->prov : NULL;
}

uint32_t uz_target_type_cnt(const struct uz_target *t)
{
	return t && t->btf ? btf__type_cnt(t->btf) : 0;
}

const void *uz_target_btf(const struct uz_target *t)
{
	return t ? t->btf : NULL;
}
