/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Target loading. This is the one interface behind which target types come
 * from: raw BTF, an ELF vmlinux with .BTF, a kernel image or package (via
 * kimage.c), or kernel-module split BTF on top of a vmlinux base. Whatever
 * the source, the result is a validated libbpf struct btf plus a name index,
 * so the resolution code never knows where types came from (DWARF targets
 * will plug in here by producing a struct btf).
 */
#include <stdlib.h>

#include "btf_check.h"
#include "kimage.h"
#include "target.h"

#define UZ_SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"

static bool is_raw_btf(const uint8_t *d, size_t len)
{
	return len >= 24 && ((d[0] == 0x9f && d[1] == 0xeb) || (d[0] == 0xeb && d[1] == 0x9f));
}

static bool is_sysfs_module(const char *path)
{
	const char *p = "/sys/kernel/btf/";

	return strncmp(path, p, strlen(p)) == 0 && strcmp(path, UZ_SYSFS_VMLINUX) != 0;
}

static int target_finish(struct uz_target *t, struct uz_error *err)
{
	t->module_start = t->base ? btf__type_cnt(t->base) : btf__type_cnt(t->btf);
	return uz_name_index_build(&t->idx, t->btf, err);
}

/* Parse BTF bytes found in @data (raw or any container kimage.c knows). */
static int target_parse(struct uz_target *t, const uint8_t *data, size_t len,
			struct uz_error *err)
{
	uint8_t *btf = NULL;
	size_t btf_len = 0;
	int r;

	if (is_raw_btf(data, len))
		return uz_btf_parse_checked(data, len, t->name, &t->btf, err);
	r = uz_kimage_extract_btf(data, len, t->name, &btf, &btf_len, NULL, 0, err);
	if (r)
		return r;
	r = uz_btf_parse_checked(btf, btf_len, t->name, &t->btf, err);
	free(btf);
	return r;
}

static int target_new(const char *name, struct uz_target **out, struct uz_error *err)
{
	struct uz_target *t = calloc(1, sizeof(*t));

	if (!t || !(t->name = strdup(name))) {
		free(t);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	*out = t;
	return 0;
}

static int load_base(const char *path, struct btf **out, struct uz_error *err)
{
	struct uz_target *tmp;
	uint8_t *data;
	size_t len;
	int r;

	r = uz_read_file(path, &data, &len, err);
	if (r)
		return r;
	r = target_new(path, &tmp, err);
	if (!r) {
		r = target_parse(tmp, data, len, err);
		*out = tmp->btf;
		tmp->btf = NULL;
		uz_target_free(tmp);
	}
	free(data);
	return r;
}

int uz_target_load(const char *path, const struct uz_target_opts *opts,
		   struct uz_target **out, struct uz_error *err)
{
	const char *base_path = UZ_OPTS_GET(opts, base_path, NULL);
	const char *name = UZ_OPTS_GET(opts, name, NULL);
	struct uz_target *t;
	uint8_t *data = NULL;
	size_t len;
	int r;

	*out = NULL;
	if (!path)
		path = UZ_SYSFS_VMLINUX;
	if (!base_path && is_sysfs_module(path))
		base_path = UZ_SYSFS_VMLINUX;
	r = target_new(name ? name : path, &t, err);
	if (r)
		return r;
	if (base_path) {
		r = load_base(base_path, &t->base, err);
		r = r ?: uz_btf_parse_split_checked(path, t->base, &t->btf, err);
	} else {
		r = uz_read_file(path, &data, &len, err);
		r = r ?: target_parse(t, data, len, err);
	}
	r = r ?: target_finish(t, err);
	free(data);
	if (r) {
		uz_target_free(t);
		return r;
	}
	*out = t;
	return 0;
}

int uz_target_load_mem(const void *data, size_t len, const char *name,
		       struct uz_target **out, struct uz_error *err)
{
	struct uz_target *t = NULL;
	int r;

	*out = NULL;
	if (!data)
		return uz_err_set(err, -EINVAL, "no target data given");
	r = target_new(name ? name : "<memory>", &t, err);
	r = r ?: target_parse(t, data, len, err);
	r = r ?: target_finish(t, err);
	if (r) {
		uz_target_free(t);
		return r;
	}
	*out = t;
	return 0;
}

void uz_target_free(struct uz_target *t)
{
	if (!t)
		return;
	uz_name_index_free(&t->idx);
	btf__free(t->btf);
	btf__free(t->base);
	free(t->name);
	free(t);
}

const char *uz_target_name(const struct uz_target *t)
{
	return t->name;
}

uint32_t uz_target_type_cnt(const struct uz_target *t)
{
	return btf__type_cnt(t->btf);
}

const void *uz_target_btf(const struct uz_target *t)
{
	return t->btf;
}
