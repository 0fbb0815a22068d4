/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The DWARF file: an ELF opened through libelf on its file descriptor
 * (mapped under a read lease, so only the sections read are paged in and
 * no truncation meanwhile can fault), its sections checked
 * against the file size (a truncated vmlinux is named as such), and libdw
 * on top. Clean pages of .debug_info can be given back after a pass.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target/dwarf/dwarf.h"

static const char *scn_name(Elf *e, size_t shstrndx, GElf_Shdr *sh)
{
	const char *n = elf_strptr(e, shstrndx, sh->sh_name);

	return n ? n : "";
}

/* Section sizes against the file: a truncated file would fault or read
 * short deep inside libdw; say so here. */
static int check_sections(struct uz_dw_file *f, size_t file_len, struct uz_error *err)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	GElf_Ehdr eh;

	if (!gelf_getehdr(f->elf, &eh))
		return uz_err_set(err, -EINVAL, "%s: ELF header unreadable: %s", f->name, elf_errmsg(-1));
	if (eh.e_shoff &&
	    (eh.e_shoff > file_len ||
	     (uint64_t)eh.e_shnum * eh.e_shentsize > file_len - eh.e_shoff))
		return uz_err_set(err, -EINVAL, "%s: truncated: the ELF section headers end at byte %llu, the file has %zu",
				  f->name, (unsigned long long)(eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize),
				  file_len);
	if (elf_getshdrstrndx(f->elf, &shstrndx))
		return uz_err_set(err, -EINVAL, "%s: ELF section headers unreadable (%s): a truncated file?",
				  f->name, elf_errmsg(-1));
	while ((scn = elf_nextscn(f->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			return uz_err_set(err, -EINVAL, "%s: ELF section header unreadable: %s",
					  f->name, elf_errmsg(-1));
		if (sh.sh_type == SHT_NOBITS)
			continue;
		n = scn_name(f->elf, shstrndx, &sh);
		/* libdw does not apply relocations: in a relocatable object
		 * (a .o, a .ko) every string offset would read as its
		 * unrelocated value, giving every member the same wrong name */
		if (eh.e_type == ET_REL && (sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) &&
		    (!strncmp(n, ".rela.debug_", 12) || !strncmp(n, ".rel.debug_", 11)))
			return uz_err_set(err, -ENOTSUP, "%s: a relocatable object whose DWARF needs relocations (%s): not readable as a DWARF target; use a linked file (a vmlinux, or the BTF of a module)",
					  f->name, n);
		if (!strcmp(n, ".BTF"))
			f->has_btf = true;
		if (sh.sh_offset > file_len || sh.sh_size > file_len - sh.sh_offset)
			return uz_err_set(err, -EINVAL, "%s: truncated: section %s needs bytes up to %llu, the file has %zu",
					  f->name, n, (unsigned long long)(sh.sh_offset + sh.sh_size), file_len);
		if (!strcmp(n, ".debug_info") || !strcmp(n, ".zdebug_info")) {
			Elf_Data *d = elf_rawdata(scn, NULL);
			size_t raw_len = 0;
			char *raw = elf_rawfile(f->elf, &raw_len);

			f->info_size = sh.sh_size;
			f->has_info = sh.sh_size > 0;
			if (!(sh.sh_flags & SHF_COMPRESSED) && n[1] == 'd' && d && raw && f->mapped &&
			    (char *)d->d_buf >= raw && (char *)d->d_buf + d->d_size <= raw + raw_len) {
				long pg = sysconf(_SC_PAGESIZE);
				uintptr_t s = ((uintptr_t)d->d_buf + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);

				f->trim_start = (void *)s;
				f->trim_len = (uintptr_t)d->d_buf + d->d_size > s ?
						      (uintptr_t)d->d_buf + d->d_size - s : 0;
			}
		}
	}
	return 0;
}

/* The address size and version of the first unit. */
static int first_cu(struct uz_dw_file *f, struct uz_error *err)
{
	Dwarf_Off next;
	size_t hsize;
	uint8_t asz = 0, osz = 0;
	Dwarf_Half ver = 0;

	if (dwarf_next_unit(f->dw, 0, &next, &hsize, &ver, NULL, &asz, &osz, NULL, NULL))
		return uz_err_set(err, -EINVAL, "%s: .debug_info has no readable compile unit (%s)",
				  f->name, dwarf_errmsg(-1));
	if (asz != 4 && asz != 8)
		return uz_err_set(err, -EINVAL, "%s: DWARF address size %u is neither 4 nor 8",
				  f->name, asz);
	f->addr_size = asz;
	f->version = ver;
	return 0;
}

int uz_dw_file_open(struct uz_dw_file *f, const char *name, const char *path,
		    const uint8_t *data, size_t len, struct uz_error *err)
{
	struct stat st;
	GElf_Ehdr eh;
	int r;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->name = name;
	elf_version(EV_CURRENT);
	if (path) {
		f->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (f->fd < 0)
			return uz_err_set(err, -errno, "%s: %s", name, strerror(errno));
		/* the lease before the size, which then stays while it is held */
		f->mapped = uz_map_lease(f->fd) != -EAGAIN;
		if (fstat(f->fd, &st)) {
			r = uz_err_set(err, -errno, "%s: %s", name, strerror(errno));
			goto fail;
		}
		len = (size_t)st.st_size;
		/*
		 * Mapped under a read lease (truncation waits for it, so no
		 * mapped page faults with SIGBUS); a file open for writing
		 * right now is read instead (libelf's own copy). Without a
		 * lease (not the owner, no CAP_LEASE) the file is mapped
		 * unguarded: it must not be truncated meanwhile.
		 */
		f->elf = elf_begin(f->fd, f->mapped ? ELF_C_READ_MMAP : ELF_C_READ, NULL);
		/* read: the whole file at once, before any section is read on
		 * its own (libelf leaks those once it reads the rest later) */
		if (f->elf && !f->mapped) {
			size_t n;

			elf_rawfile(f->elf, &n);
		}
	} else {
		f->elf = elf_memory((char *)data, len);
	}
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF || !gelf_getehdr(f->elf, &eh)) {
		r = uz_err_set(err, -EINVAL, "%s: not an ELF file (%s)", name, elf_errmsg(-1));
		goto fail;
	}
	f->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	r = check_sections(f, len, err);
	/* a file read (not mapped) that a writer changes meanwhile: say so,
	 * rather than whatever the short reads made of its headers */
	if (path && (fstat(f->fd, &st) || (size_t)st.st_size != len)) {
		r = uz_err_set(err, -EAGAIN, "%s: changed size while it was read (%zu bytes, then %lld): is it still being written?",
			       name, len, (long long)st.st_size);
		goto fail;
	}
	if (r)
		goto fail;
	if (!f->has_info) {
		if (f->has_btf)
			r = uz_err_set(err, -ENOENT, "%s: has .BTF but no DWARF (.debug_info); read it with --target-format btf (or auto)",
				       name);
		else
			r = uz_err_set(err, -ENOENT, "%s: no BTF and no DWARF: a stripped vmlinux? use the -dbg package's /usr/lib/debug/boot/vmlinux-RELEASE",
				       name);
		goto fail;
	}
	f->dw = dwarf_begin_elf(f->elf, DWARF_C_READ, NULL);
	if (!f->dw) {
		r = uz_err_set(err, -EINVAL, "%s: libdw cannot read its DWARF: %s", name,
			       dwarf_errmsg(-1));
		goto fail;
	}
	r = first_cu(f, err);
	if (r)
		goto fail;
	return 0;
fail:
	uz_dw_file_close(f);
	return r;
}

void uz_dw_file_close(struct uz_dw_file *f)
{
	if (f->dw)
		dwarf_end(f->dw);
	if (f->elf)
		elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	f->dw = NULL;
	f->elf = NULL;
	f->fd = -1;
}

void uz_dw_file_trim(const struct uz_dw_file *f, size_t upto)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t n = upto < f->trim_len ? upto : f->trim_len;

	if (!f->trim_start || pg <= 0)
		return;
	n &= ~((size_t)pg - 1);
	if (n)
		madvise(f->trim_start, n, MADV_DONTNEED);
}
