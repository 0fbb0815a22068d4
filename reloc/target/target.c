/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Target loading. This is the one interface behind which target types come
 * from: raw BTF, an ELF vmlinux with .BTF, a kernel image or package (via
 * kimage.c), or kernel-module split BTF on top of a vmlinux base. Whatever
 * the source, the result is a validated libbpf struct btf plus a name index,
 * so the resolution code never knows where types came from (DWARF targets
 * will plug in here by producing a struct btf).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "target/btf_check.h"
#include "target/kimage/kimage.h"
#include "target/target.h"

#define UZ_SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"
#define UZ_SYSFS_MAGIC 0x62656572 /* statfs f_type of sysfs */

static bool is_raw_btf(const uint8_t *d, size_t len)
{
	return len >= 24 && ((d[0] == 0x9f && d[1] == 0xeb) || (d[0] == 0xeb && d[1] == 0x9f));
}

static bool is_sysfs_module(const char *path)
{
	const char *p = "/sys/kernel/btf/";

	return strncmp(path, p, strlen(p)) == 0 && strcmp(path, UZ_SYSFS_VMLINUX) != 0;
}

static void target_finish(struct uz_target *t)
{
	t->module_start = t->base ? btf__type_cnt(t->base) : btf__type_cnt(t->btf);
}

/*
 * Parse BTF bytes found in @data (raw or any container kimage.c knows);
 * @idx (NULL for a base) gets the name index. @owned is NULL or @data
 * itself, malloc'ed: then it is consumed (the BTF check reuses it as
 * scratch once libbpf has copied it).
 */
static int target_parse(struct uz_target *t, uint8_t *owned, const uint8_t *data, size_t len,
			struct uz_name_index *idx, struct uz_error *err)
{
	uint8_t *btf = NULL;
	size_t btf_len = 0;
	int r;

	if (is_raw_btf(data, len))
		return uz_btf_parse_indexed(data, len, t->name, idx, owned, &t->btf, err);
	r = uz_kimage_extract_btf(data, len, t->name, &btf, &btf_len, NULL, 0, err);
	free(owned);
	if (r)
		return r;
	return uz_btf_parse_indexed(btf, btf_len, t->name, idx, btf, &t->btf, err);
}

/*
 * The running kernel's BTF, mapped instead of read: sysfs hands it out 4 KiB
 * per read() (over a thousand system calls for 5 MB), while recent kernels
 * let it be mapped read-only (6.18 here). Only that file, and only on
 * sysfs: it is the kernel's own BTF, which can be neither truncated nor
 * removed, so the mapping cannot fault (SIGBUS) as a mapped regular file
 * could. NULL when not possible (older kernels refuse the mmap); the
 * caller then reads the file.
 */
static void *map_sysfs_vmlinux(const char *path, size_t *len)
{
	struct statfs sfs;
	struct stat st;
	void *p;
	int fd;

	if (strcmp(path, UZ_SYSFS_VMLINUX) != 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstatfs(fd, &sfs) || sfs.f_type != UZ_SYSFS_MAGIC || fstat(fd, &st) ||
	    !S_ISREG(st.st_mode) || st.st_size < 24) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
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
	uint8_t *data = NULL;
	size_t len = 0;
	void *map = map_sysfs_vmlinux(path, &len);
	int r;

	if (!map && (r = uz_read_file(path, &data, &len, err)))
		return r;
	r = target_new(path, &tmp, err);
	if (!r) {
		r = target_parse(tmp, data, map ? map : data, len, NULL, err);
		*out = tmp->btf;
		tmp->btf = NULL;
		uz_target_free(tmp);
	} else {
		free(data);
	}
	if (map)
		munmap(map, len);
	return r;
}

int uz_target_load(const char *path, const struct uz_target_opts *opts,
		   struct uz_target **out, struct uz_error *err)
{
	const char *base_path = UZ_OPTS_GET(opts, base_path, NULL);
	const char *name = UZ_OPTS_GET(opts, name, NULL);
	struct uz_target *t;
	uint8_t *data = NULL;
	size_t len = 0;
	void *map;
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
		r = r ?: uz_btf_parse_split_checked(path, t->base, &t->idx, &t->btf, err);
	} else if ((map = map_sysfs_vmlinux(path, &len))) {
		r = target_parse(t, NULL, map, len, &t->idx, err);
		munmap(map, len);
	} else {
		r = uz_read_file(path, &data, &len, err);
		r = r ?: target_parse(t, data, data, len, &t->idx, err);
	}
	if (r) {
		uz_target_free(t);
		return r;
	}
	target_finish(t);
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
	r = r ?: target_parse(t, NULL, data, len, &t->idx, err);
	if (!r)
		target_finish(t);
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
