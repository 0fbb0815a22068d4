/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel-module split BTF, as raw BTF (/sys/kernel/btf/MODULE, a file
 * extracted from one) or the .BTF section of a module ELF (.ko). Its types
 * and strings continue the numbering of the vmlinux BTF it was built on, so
 * it only parses on top of that base. libbpf 1.1.2 exports no in-memory
 * split constructor, only file parsers, and its ELF parser trusts the file
 * (a SHT_NOBITS .BTF crashes it): the section is found and bounds-checked
 * here, and only those bytes reach libbpf, through an anonymous memory file
 * (memfd), never a temporary file on disk. The split types are then checked
 * like any BTF (btf_check.c).
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "target/btf_check.h"
#include "target/split_btf.h"

/* Raw BTF with a sane header whose string section does not start with NUL. */
static bool raw_is_split(const uint8_t *d, size_t len)
{
	uint32_t hdr_len, str_off, str_len;
	bool swap;

	if (len < 24 || !((d[0] == 0x9f && d[1] == 0xeb) || (d[0] == 0xeb && d[1] == 0x9f)))
		return false;
	swap = (d[0] == 0x9f) == uz_host_is_big_endian();
	hdr_len = uz_get32(d + 4, swap);
	str_off = uz_get32(d + 16, swap);
	str_len = uz_get32(d + 20, swap);
	if (hdr_len < 24 || hdr_len > len || str_off > len - hdr_len ||
	    str_len > len - hdr_len - str_off || !str_len)
		return false;
	return d[hdr_len + str_off] != 0;
}

/* The .BTF section of an ELF kernel module, bounds-checked; false if none. */
static bool elf_module_btf(const uint8_t *data, size_t len, const uint8_t **btf,
			   size_t *btf_len)
{
	bool module = false, found = false;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;
	Elf *e;

	if (len < 64 || memcmp(data, ELFMAG, SELFMAG) || elf_version(EV_CURRENT) == EV_NONE)
		return false;
	e = elf_memory((char *)data, len);
	if (!e)
		return false;
	if (elf_getshdrstrndx(e, &shstrndx))
		goto out;
	while ((scn = elf_nextscn(e, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)))
			break;
		if (!strcmp(name, ".gnu.linkonce.this_module") || !strcmp(name, ".modinfo"))
			module = true;
		if (strcmp(name, ".BTF") || sh.sh_type != SHT_PROGBITS ||
		    sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)
			continue;
		*btf = data + sh.sh_offset;
		*btf_len = (size_t)sh.sh_size;
		found = true;
	}
out:
	elf_end(e);
	return module && found;
}

int uz_split_btf_find(const uint8_t *data, size_t len, const uint8_t **btf, size_t *btf_len)
{
	const uint8_t *p = NULL;
	size_t n = 0;

	if (raw_is_split(data, len)) {
		*btf = data;
		*btf_len = len;
		return 1;
	}
	if (elf_module_btf(data, len, &p, &n) && raw_is_split(p, n)) {
		*btf = p;
		*btf_len = n;
		return 1;
	}
	return 0;
}

/* libbpf's raw split parser on @len bytes held in an anonymous memory file. */
static struct btf *parse_via_memfd(const uint8_t *p, size_t len, struct btf *base, int *e)
{
	char path[64];
	struct btf *btf = NULL;
	size_t off = 0;
	ssize_t w;
	int fd;

	fd = memfd_create("userize-split-btf", MFD_CLOEXEC);
	if (fd < 0) {
		*e = -errno;
		return NULL;
	}
	while (off < len) {
		w = write(fd, p + off, len - off);
		if (w <= 0) {
			*e = w < 0 ? -errno : -EIO;
			close(fd);
			return NULL;
		}
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	btf = btf__parse_raw_split(path, base);
	*e = btf ? 0 : (errno ? -errno : -EINVAL);
	close(fd);
	return btf;
}

int uz_split_btf_parse(const uint8_t *data, size_t len, const char *name, struct btf *base,
		       struct uz_name_index *idx, struct btf **out, struct uz_error *err)
{
	const uint8_t *p = NULL;
	struct btf *btf;
	size_t n = 0;
	int r;

	*out = NULL;
	if (!uz_split_btf_find(data, len, &p, &n))
		return uz_err_set(err, -EINVAL, "%s: not kernel-module split BTF (neither raw split BTF such as /sys/kernel/btf/MODULE nor a .ko with a .BTF section)",
				  name);
	btf = parse_via_memfd(p, n, base, &r);
	if (!btf)
		return uz_err_set(err, r, "%s: not valid split BTF on top of the given base (is it the BTF of the kernel this module was built for?): %s",
				  name, strerror(-r));
	r = uz_btf_check_index(btf, btf__type_cnt(base), name, idx, NULL, 0, err);
	if (r) {
		btf__free(btf);
		return r;
	}
	*out = btf;
	return 0;
}
