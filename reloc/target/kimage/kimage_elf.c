/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel images -> BTF: ELF vmlinux. Finds the .BTF section through libelf
 * (any class and byte order), checks that its bytes lie inside the file and
 * hold a valid BTF header, and copies it. Names the machine for messages.
 */
#include <gelf.h>
#include <libelf.h>

#include "target/kimage/kimage_int.h"
#include "target/kinfo.h"

static const char *ki_elf_arch(unsigned int machine)
{
	switch (machine) {
	case EM_X86_64: return "x86_64";
	case EM_386: return "i386";
	case EM_AARCH64: return "arm64";
	case EM_ARM: return "arm";
	case EM_S390: return "s390x";
	case EM_PPC64: return "ppc64";
	case EM_PPC: return "ppc";
	case EM_RISCV: return "riscv";
	case EM_MIPS: return "mips";
#ifdef EM_LOONGARCH
	case EM_LOONGARCH: return "loongarch";
#endif
	case EM_BPF: return "bpf";
	default: return "unknown arch";
	}
}

static int ki_elf_btf(struct ki_ctx *c, Elf *e, const uint8_t *p, size_t len,
		      const char *arch, uint8_t **btf, size_t *btf_len)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx, total;
	char why[160];
	GElf_Shdr sh;
	const char *nm;

	if (elf_getshdrstrndx(e, &shstrndx))
		return uz_err_set(c->err, -EINVAL, "ELF: no section name table: %s",
				  elf_errmsg(-1));
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return uz_err_set(c->err, -EINVAL, "ELF: bad section header: %s",
					  elf_errmsg(-1));
		nm = elf_strptr(e, shstrndx, sh.sh_name);
		if (nm && !strcmp(nm, ".BTF"))
			break;
	}
	if (!scn)
		return uz_err_set(c->err, -ENODATA, "the kernel has no BTF: ELF (%s) has no "
				  ".BTF section (built without CONFIG_DEBUG_INFO_BTF)", arch);
	if (sh.sh_type == SHT_NOBITS)
		return uz_err_set(c->err, -EINVAL, "ELF: section .BTF is SHT_NOBITS (no bytes "
				  "in the file; a stripped debug file?)");
	if (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)
		return uz_err_set(c->err, -EINVAL, "ELF: section .BTF (offset %llu, size %llu) "
				  "lies past the end of the %zu-byte file",
				  (unsigned long long)sh.sh_offset,
				  (unsigned long long)sh.sh_size, len);
	if (uz_ki_btf_check(p + sh.sh_offset, (size_t)sh.sh_size, &total, why, sizeof(why)))
		return uz_err_set(c->err, -EINVAL, "ELF section .BTF: %s", why);
	uz_ki_what(c, "ELF (%s) .BTF (%llu bytes)", arch, (unsigned long long)sh.sh_size);
	return uz_ki_dup(c, p + sh.sh_offset, (size_t)sh.sh_size, btf, btf_len);
}

int uz_ki_elf(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
	      size_t *btf_len)
{
	const char *arch;
	GElf_Ehdr eh;
	Elf *e;
	int rc;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return uz_err_set(c->err, -EINVAL, "libelf: %s", elf_errmsg(-1));
	/* a cut header: libelf would only say "no error" */
	if (len < EI_NIDENT || len < (p[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return uz_err_set(c->err, -EINVAL, "ELF: truncated: %zu bytes cannot hold the ELF header",
				  len);
	/* libelf only reads the image here (nothing is updated or written). */
	e = elf_memory((char *)p, len);
	if (!e)
		return uz_err_set(c->err, -EINVAL, "ELF: %s", elf_errmsg(-1));
	if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		int en = elf_errno();

		rc = uz_err_set(c->err, -EINVAL, "ELF: malformed header: %s",
				en ? elf_errmsg(en) : "not a valid ELF header");
		goto out;
	}
	/* libelf sees no sections in a cut table: say truncated, not "no .BTF" */
	if (eh.e_shoff && (eh.e_shoff > len ||
			   (uint64_t)eh.e_shnum * eh.e_shentsize > len - eh.e_shoff)) {
		rc = uz_err_set(c->err, -EINVAL, "ELF: truncated: the section header table ends at byte %llu, the file has %zu",
				(unsigned long long)(eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize),
				len);
		goto out;
	}
	arch = ki_elf_arch(eh.e_machine);
	if (!c->build_id[0]) {
		char rel[UZ_RELEASE_MAX];

		uz_kinfo_elf(e, len, rel, c->build_id);
		if (!c->release[0])
			snprintf(c->release, sizeof(c->release), "%s", rel);
	}
	rc = ki_elf_btf(c, e, p, len, arch, btf, btf_len);
out:
	elf_end(e);
	return rc;
}
