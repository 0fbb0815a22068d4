/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel identity for provenance and archive selection: which release a
 * vmlinux, a package or the running kernel is, and its GNU build id. Every
 * read is bounds-checked; what cannot be found is left "" (a provenance
 * gap, never an error).
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "target/kinfo.h"

#define NT_GNU_BUILD_ID_TYPE 3

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	if (n > (UZ_BUILD_ID_MAX - 1) / 2)
		n = (UZ_BUILD_ID_MAX - 1) / 2;
	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = 0;
}

void uz_kinfo_notes(const uint8_t *p, size_t len, bool swap, char *build_id)
{
	size_t off = 0;

	build_id[0] = 0;
	while (len - off >= 12) {
		uint32_t nsz = uz_get32(p + off, swap), dsz = uz_get32(p + off + 4, swap);
		uint32_t type = uz_get32(p + off + 8, swap);
		size_t na = ((size_t)nsz + 3) & ~(size_t)3, da = ((size_t)dsz + 3) & ~(size_t)3;

		off += 12;
		if (na > len - off || da > len - off - na)
			return;
		if (type == NT_GNU_BUILD_ID_TYPE && nsz == 4 && !memcmp(p + off, "GNU", 4) && dsz) {
			hex(p + off + na, dsz, build_id);
			return;
		}
		off += na + da;
	}
}

static void banner_release(const uint8_t *p, size_t n, char *release)
{
	static const char pfx[] = "Linux version ";
	const uint8_t *q = memmem(p, n, pfx, sizeof(pfx) - 1);
	size_t i = 0, start;

	if (!q)
		return;
	start = (size_t)(q - p) + sizeof(pfx) - 1;
	while (start + i < n && i + 1 < UZ_RELEASE_MAX && p[start + i] > ' ' && p[start + i] < 0x7f) {
		release[i] = (char)p[start + i];
		i++;
	}
	release[i] = 0;
}

void uz_kinfo_elf(Elf *e, size_t len, char *release, char *build_id)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	size_t img_len;
	const char *img = elf_rawfile(e, &img_len);
	bool swap;

	release[0] = build_id[0] = 0;
	if (!img || img_len < len || !gelf_getehdr(e, &eh))
		return;
	swap = (eh.e_ident[EI_DATA] == ELFDATA2MSB) != uz_host_is_big_endian();
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)
			continue;
		if (sh.sh_type == SHT_NOTE && !build_id[0])
			uz_kinfo_notes((const uint8_t *)img + sh.sh_offset, (size_t)sh.sh_size, swap,
				       build_id);
		else if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_ALLOC) &&
			 !(sh.sh_flags & SHF_EXECINSTR) && !release[0])
			banner_release((const uint8_t *)img + sh.sh_offset, (size_t)sh.sh_size, release);
	}
}

void uz_kinfo_from_name(const char *path, char *release)
{
	const char *b = strrchr(path, '/');
	size_t n;

	release[0] = 0;
	b = b ? b + 1 : path;
	n = strlen(b);
	if (!strncmp(b, "vmlinux-", 8) || !strncmp(b, "vmlinuz-", 8)) {
		/* "vmlinux-RELEASE", also with a ".btf" added by whoever saved it */
		n -= 8;
		if (n > 4 && !strcmp(b + 8 + n - 4, ".btf"))
			n -= 4;
		snprintf(release, UZ_RELEASE_MAX, "%.*s", (int)n, b + 8);
		return;
	}
	if (n > 4 && !strcmp(b + n - 4, ".btf") && n - 4 < UZ_RELEASE_MAX &&
	    b[0] >= '0' && b[0] <= '9') {
		memcpy(release, b, n - 4);
		release[n - 4] = 0;
	}
}

void uz_kinfo_running(char *release, char *build_id)
{
	struct utsname u;
	uint8_t buf[4096];
	ssize_t n;
	int fd;

	release[0] = build_id[0] = 0;
	if (!uname(&u))
		snprintf(release, UZ_RELEASE_MAX, "%s", u.release);
	/* sysfs regular file of the kernel's own notes: never blocks */
	fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0)
		uz_kinfo_notes(buf, (size_t)n, false, build_id);
}
