/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BTF source: raw BTF (either byte order), the .BTF section of an ELF
 * vmlinux, kernel images and packages (through kimage/), the running
 * kernel's /sys/kernel/btf, and kernel-module split BTF on top of a base.
 * A complete source: all types are validated and indexed at open.
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "target/btf_check.h"
#include "target/kimage/kimage.h"
#include "target/kinfo.h"
#include "target/source.h"
#include "target/split_btf.h"

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

/*
 * Parse BTF bytes found in @data (raw or any container kimage/ knows);
 * @idx (NULL for a base) gets the name index. @owned is NULL or @data
 * itself, malloc'ed: then it is consumed (the BTF check reuses it as
 * scratch once libbpf has copied it). @info (may be NULL) gets what the
 * containers told about the kernel.
 */
static int parse_any(const char *name, uint8_t *owned, const uint8_t *data, size_t len,
		     struct uz_name_index *idx, struct btf **out, struct uz_kimage_info *info,
		     struct uz_error *err)
{
	const uint8_t *split;
	uint8_t *btf = NULL;
	size_t btf_len = 0;
	int r;

	if (info)
		memset(info, 0, sizeof(*info));
	if (uz_split_btf_find(data, len, &split, &btf_len)) {
		free(owned);
		return uz_err_set(err, -EINVAL, "%s: kernel-module split BTF: give --base (base_path), the BTF of the vmlinux it was built for",
				  name);
	}
	if (is_raw_btf(data, len)) {
		if (info)
			snprintf(info->what, sizeof(info->what), "raw BTF");
		return uz_btf_parse_indexed(data, len, name, idx, owned, out, err);
	}
	r = uz_kimage_extract(data, len, name, UZ_KIMAGE_MAX_OUT, &btf, &btf_len, info, err);
	free(owned);
	if (r)
		return r;
	return uz_btf_parse_indexed(btf, btf_len, name, idx, btf, out, err);
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

/*
 * A regular file that is not raw BTF (a .deb, vmlinuz, vmlinux) is mapped
 * privately rather than read into the heap: the decoders stream through it
 * and stop at the kernel member, so only the pages they touch are read (a
 * matrix of Debian packages peaked at the size of the largest package plus
 * a quarter before; `btf extract` maps its input the same way). Raw BTF is
 * still read, since its buffer is reused as scratch. The mapping is
 * copy-on-write, as `btf extract`'s: never written back. A mapped page past
 * a new end would fault (SIGBUS), so the file is mapped only under a read
 * lease, which holds off truncation until @fd (kept open, closed by the
 * caller after munmap) goes; without one it is read. NULL when not such a
 * file or no lease: the caller reads it.
 */
static void *map_container(const char *path, size_t *len, int *fdp)
{
	uint8_t head[2];
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	/* the lease first: the size read under it stays until it goes */
	if (uz_map_lease(fd) || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 24 ||
	    pread(fd, head, 2, 0) != 2 || is_raw_btf(head, 24)) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	*len = (size_t)st.st_size;
	*fdp = fd;
	return p;
}

/* Load @path's BTF (whatever holds it) into @out, indexing into @idx if set. */
static int load_path(const char *path, struct btf **out, struct uz_name_index *idx,
		     struct uz_kimage_info *info, struct uz_error *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	void *map = map_sysfs_vmlinux(path, &len);
	int r, fd = -1;

	if (map) {
		r = parse_any(path, NULL, map, len, idx, out, info, err);
		munmap(map, len);
		return r;
	}
	map = map_container(path, &len, &fd);
	if (map) {
		r = parse_any(path, NULL, map, len, idx, out, info, err);
		munmap(map, len);
		close(fd);
		return r;
	}
	r = uz_read_file(path, &data, &len, err);
	return r ? r : parse_any(path, data, data, len, idx, out, info, err);
}

static bool btf_probe(const struct uz_source_input *in)
{
	(void)in;
	return true; /* the fallback: kimage/ says what an input is not */
}

static int set_prov_info(struct uz_target *t, const struct uz_kimage_info *info)
{
	int r = 0;

	if (info->what[0])
		r = uz_target_set_prov(t, &t->prov.container, info->what);
	if (!r && info->release[0] && !t->prov.release[0])
		r = uz_target_set_prov(t, &t->prov.release, info->release);
	if (!r && info->build_id[0] && !t->prov.build_id[0])
		r = uz_target_set_prov(t, &t->prov.build_id, info->build_id);
	return r;
}

/*
 * Module split BTF (raw, or a .ko) from @in on top of @base_path: the
 * module is read first, so a missing file is named as such.
 */
static int load_split(struct uz_target *t, const struct uz_source_input *in,
		      const char *base_path, struct uz_kimage_info *info, struct uz_error *err)
{
	uint8_t *data = NULL;
	size_t len = in->len;
	int r = 0;

	if (!in->data)
		r = uz_read_file(in->path, &data, &len, err);
	r = r ?: load_path(base_path, &t->base, NULL, info, err);
	if (r == 0 && !t->base)
		r = -EINVAL;
	r = r ?: uz_split_btf_parse(in->data ? in->data : data, len, t->name, t->base, &t->idx,
				    &t->btf, err);
	free(data);
	r = r ?: uz_target_set_prov(t, &t->prov.base_path, base_path);
	snprintf(info->what, sizeof(info->what), "split BTF on %s", base_path);
	return r;
}

static int btf_open(struct uz_target *t, const struct uz_source_input *in, struct uz_error *err)
{
	const struct uz_target_opts *o = in->opts;
	const char *base_path = UZ_OPTS_GET(o, base_path, NULL);
	struct uz_kimage_info info;
	int r;

	memset(&info, 0, sizeof(info));
	if (base_path || (in->path && is_sysfs_module(in->path))) {
		r = load_split(t, in, base_path ? base_path : UZ_SYSFS_VMLINUX, &info, err);
	} else if (in->data) {
		r = parse_any(t->name, NULL, in->data, in->len, &t->idx, &t->btf, &info, err);
	} else {
		r = load_path(in->path, &t->btf, &t->idx, &info, err);
	}
	if (r)
		return r;
	if (in->path && !strcmp(in->path, UZ_SYSFS_VMLINUX)) {
		uz_kinfo_running(info.release, info.build_id);
		snprintf(info.what, sizeof(info.what), "running kernel (sysfs)");
	} else if (in->path && !info.release[0]) {
		uz_kinfo_from_name(in->path, info.release);
	}
	return set_prov_info(t, &info);
}

const struct uz_source uz_source_btf = {
	.name = "btf",
	.kind = UZ_SOURCE_BTF,
	.probe = btf_probe,
	.open = btf_open,
};
