/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel images -> BTF: detection and dispatch. This file owns the entry
 * points of kimage.h, the per-extraction context (limits, the description
 * of the path taken, the error) and the recursive step that recognises what
 * a buffer is and hands it to its reader: raw BTF and BTF header checks
 * (kimage_btf.c), ELF vmlinux (kimage_elf.c), .deb and tar
 * (kimage_archive.c), bzImage, arm64 Image and embedded-BTF scanning
 * (kimage_boot.c), compressed streams (kimage_decomp.c).
 *
 * Every layer checks its header fields against the bytes it actually holds
 * before using them, and every decompression is capped (UZ_KIMAGE_MAX_OUT by
 * default): hostile input yields an error value with a message, never a
 * crash and never an unbounded allocation. Containers nest (a .deb holds a
 * tar holding a bzImage holding an ELF), so detection recurses with a small
 * depth limit.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target/kimage/kimage_int.h"

#define KI_MAX_DEPTH 6

void uz_ki_what(struct ki_ctx *c, const char *fmt, ...)
{
	size_t room = sizeof(c->what) - c->what_len;
	va_list ap;
	int n;

	if (c->what_len && room > 4) {
		memcpy(c->what + c->what_len, " -> ", 5);
		c->what_len += 4;
		room -= 4;
	}
	va_start(ap, fmt);
	n = vsnprintf(c->what + c->what_len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->what_len += (size_t)n < room ? (size_t)n : room - 1;
}

/* A compressed stream on its own (Image.gz, vmlinux.xz, ...). */
static int ki_stream(struct ki_ctx *c, enum ki_comp comp, const uint8_t *p, size_t len,
		     uint8_t **btf, size_t *btf_len)
{
	uint8_t *out;
	size_t out_len;
	int rc;

	uz_ki_what(c, "%s", uz_ki_comp_name(comp));
	rc = uz_ki_decompress(c, comp, p, len, 0, &out, &out_len);
	if (rc)
		return rc;
	rc = uz_ki_extract(c, out, out_len, btf, btf_len);
	free(out);
	return rc;
}

int uz_ki_extract(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		  size_t *btf_len)
{
	enum ki_comp comp;
	int rc;

	if (++c->depth > KI_MAX_DEPTH) {
		c->depth--;
		return uz_err_set(c->err, -EINVAL, "containers nested more than %d deep",
				  KI_MAX_DEPTH);
	}
	if (uz_ki_is_btf_magic(p, len))
		rc = uz_ki_raw_btf(c, p, len, btf, btf_len);
	else if (len >= 4 && !memcmp(p, ELFMAG, SELFMAG))
		rc = uz_ki_elf(c, p, len, btf, btf_len);
	else if (len >= 8 && !memcmp(p, "!<arch>\n", 8))
		rc = uz_ki_deb(c, p, len, btf, btf_len);
	else if (uz_ki_is_bzimage(p, len))
		rc = uz_ki_bzimage(c, p, len, btf, btf_len);
	else if ((comp = uz_ki_comp_detect(p, len)) != KI_NONE)
		rc = ki_stream(c, comp, p, len, btf, btf_len);
	else if (uz_ki_is_tar(p, len))
		rc = uz_ki_tar(c, KI_NONE, p, len, btf, btf_len);
	else
		rc = uz_ki_scan(c, p, len, btf, btf_len);
	c->depth--;
	return rc;
}

int uz_kimage_extract(const uint8_t *data, size_t len, const char *name, size_t cap,
		      uint8_t **btf, size_t *btf_len, struct uz_kimage_info *info,
		      struct uz_error *err)
{
	struct ki_ctx *c;
	struct uz_error lerr = { 0 };
	int rc;

	*btf = NULL;
	*btf_len = 0;
	if (info)
		memset(info, 0, sizeof(*info));
	if (!data && len)
		return uz_err_set(err, -EINVAL, "no input bytes");
	c = calloc(1, sizeof(*c));
	if (!c)
		return uz_err_set(err, -ENOMEM, "out of memory");
	c->name = name ? name : "<memory>";
	c->cap = cap;
	c->err = &lerr;
	rc = uz_ki_extract(c, data ? data : (const uint8_t *)"", len, btf, btf_len);
	if (info) {
		snprintf(info->what, sizeof(info->what), "%s", c->what);
		snprintf(info->release, sizeof(info->release), "%s", c->release);
		snprintf(info->build_id, sizeof(info->build_id), "%s", c->build_id);
	}
	if (rc)
		uz_err_set(err, rc, "%s: %s", c->name, lerr.msg);
	free(c);
	return rc;
}

int uz_kimage_extract_btf_cap(const uint8_t *data, size_t len, const char *name,
			      size_t cap, uint8_t **btf, size_t *btf_len,
			      char *what, size_t what_sz, struct uz_error *err)
{
	struct uz_kimage_info info;
	int rc = uz_kimage_extract(data, len, name, cap, btf, btf_len, &info, err);

	if (what && what_sz)
		snprintf(what, what_sz, "%s", info.what);
	return rc;
}

int uz_kimage_extract_btf(const uint8_t *data, size_t len, const char *name,
			  uint8_t **btf, size_t *btf_len,
			  char *what, size_t what_sz, struct uz_error *err)
{
	return uz_kimage_extract_btf_cap(data, len, name, UZ_KIMAGE_MAX_OUT, btf, btf_len,
					 what, what_sz, err);
}

int uz_kimage_extract_btf_file(const char *path, uint8_t **btf, size_t *btf_len,
			       char *what, size_t what_sz, struct uz_error *err)
{
	uint8_t *data = NULL;
	void *map = MAP_FAILED;
	struct stat st;
	size_t len = 0;
	int fd, rc;

	*btf = NULL;
	*btf_len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return uz_err_set(err, rc, "cannot open '%s': %s", path, strerror(-rc));
	}
	/* Regular files are mapped privately (copy-on-write, never written
	 * back), under a read lease, taken before the size is read, that
	 * holds off truncation (a mapped page past a new end faults with
	 * SIGBUS) until @fd closes; else read. */
	if (!uz_map_lease(fd) && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		len = (size_t)st.st_size;
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	}
	if (map == MAP_FAILED) {
		close(fd);
		fd = -1;
		rc = uz_read_file(path, &data, &len, err);
		if (rc)
			return rc;
	}
	rc = uz_kimage_extract_btf(map != MAP_FAILED ? map : data, len, path, btf, btf_len,
				   what, what_sz, err);
	if (map != MAP_FAILED)
		munmap(map, len);
	if (fd >= 0)
		close(fd);
	free(data);
	return rc;
}

/* Release from a .deb member name or a bzImage header; "" otherwise. */
int uz_kimage_release(const uint8_t *data, size_t len, char *out, size_t out_sz)
{
	struct uz_error lerr = { 0 };
	struct ki_ctx *c;
	int n;

	if (!out || !out_sz)
		return -EINVAL;
	out[0] = 0;
	if (!data)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cap = UZ_KIMAGE_MAX_OUT;
	c->err = &lerr;
	if (len >= 8 && !memcmp(data, "!<arch>\n", 8))
		uz_ki_deb(c, data, len, NULL, NULL);
	else if (uz_ki_is_bzimage(data, len))
		uz_ki_bz_release(c, data, len);
	n = snprintf(out, out_sz, "%s", c->release);
	free(c);
	if (n < 0 || (size_t)n >= out_sz) {
		out[0] = 0;
		return n < 0 ? 0 : -ENOSPC;
	}
	return n;
}
