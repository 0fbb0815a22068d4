/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel images -> BTF: boot images. Parses the x86 bzImage setup header
 * (kernel version string, compressed payload) and, for an arm64 Image or
 * any other raw image, finds embedded BTF by its magic, believing only a
 * header whose lengths validate against the bytes that follow it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* memmem */
#endif
#include <stdlib.h>
#include <string.h>

#include "target/kimage/kimage_int.h"

#define KI_SCAN_MIN 64u                 /* smallest embedded BTF we believe */

/* ---- x86 bzImage -------------------------------------------------------- */

bool uz_ki_is_bzimage(const uint8_t *p, size_t len)
{
	return len >= 0x250 && p[0x1fe] == 0x55 && p[0x1ff] == 0xaa &&
	       !memcmp(p + 0x202, "HdrS", 4);
}

void uz_ki_bz_release(struct ki_ctx *c, const uint8_t *p, size_t len)
{
	size_t off, i = 0;

	if (c->release[0] || !uz_ki_is_bzimage(p, len) || uz_ki_le16(p + 0x20e) == 0)
		return;
	off = (size_t)uz_ki_le16(p + 0x20e) + 0x200;
	while (off + i < len && i + 1 < sizeof(c->release) && p[off + i] > ' ' &&
	       p[off + i] < 0x7f) {
		c->release[i] = (char)p[off + i];
		i++;
	}
	c->release[i] = 0;
}

/*
 * x86 bzImage: setup_sects (0x1f1, 0 means 4) 512-byte sectors follow the
 * boot sector; the protected-mode part holds the compressed payload at
 * payload_offset (0x248), payload_length (0x24c) bytes. The payload ends
 * with the le32 uncompressed size (a hint only).
 */
int uz_ki_bzimage(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
		  size_t *btf_len)
{
	unsigned int sects;
	uint16_t ver;
	size_t setup, hint = 0, out_len;
	uint32_t poff, plen;
	const uint8_t *pay;
	enum ki_comp comp;
	uint8_t *out;
	int rc;

	if (!uz_ki_is_bzimage(p, len))
		return uz_err_set(c->err, -EINVAL, "not a bzImage (no boot sector and HdrS "
				  "setup header)");
	sects = p[0x1f1] ? p[0x1f1] : 4;
	ver = uz_ki_le16(p + 0x206);
	setup = ((size_t)sects + 1) * 512;
	poff = uz_ki_le32(p + 0x248);
	plen = uz_ki_le32(p + 0x24c);
	c->kernel = true;
	uz_ki_bz_release(c, p, len);
	if (ver < 0x208)
		return uz_err_set(c->err, -ENOTSUP, "bzImage boot protocol %u.%02u is too old "
				  "(no payload fields before 2.08)", ver >> 8, ver & 0xff);
	if (setup > len)
		return uz_err_set(c->err, -EINVAL, "bzImage: setup_sects %u puts the kernel at "
				  "offset %zu, past the end of the %zu-byte file", sects, setup, len);
	if (poff > len - setup || plen > len - setup - poff || plen < 8)
		return uz_err_set(c->err, -EINVAL, "bzImage: payload (offset %u, length %u) "
				  "does not fit the %zu bytes after the setup code", poff, plen,
				  len - setup);
	pay = p + setup + poff;
	comp = uz_ki_comp_detect(pay, plen);
	uz_ki_what(c, "bzImage(%s)%s%s", uz_ki_comp_name(comp), c->release[0] ? " " : "",
		   c->release);
	if (comp == KI_NONE)
		return uz_ki_extract(c, pay, plen, btf, btf_len);
	if (comp != KI_GZIP)
		hint = uz_ki_le32(pay + plen - 4);
	rc = uz_ki_decompress(c, comp, pay, plen, hint, &out, &out_len);
	if (rc)
		return uz_err_prefix(c->err, "bzImage payload");
	rc = uz_ki_extract(c, out, out_len, btf, btf_len);
	free(out);
	return rc;
}

/* ---- arm64 Image and raw images: embedded BTF --------------------------- */

/* Largest validated BTF blob anywhere in @p (a raw kernel image). */
static bool ki_btf_scan(const uint8_t *p, size_t len, size_t *off, size_t *total)
{
	static const uint8_t magics[2][3] = { { 0x9f, 0xeb, 0x01 }, { 0xeb, 0x9f, 0x01 } };
	size_t best = 0, best_off = 0;
	char why[160];
	int m;

	for (m = 0; m < 2; m++) {
		const uint8_t *q = p, *end = p + len;

		while (q < end) {
			size_t t;

			q = memmem(q, (size_t)(end - q), magics[m], 3);
			if (!q)
				break;
			if (!uz_ki_btf_check(q, (size_t)(end - q), &t, why, sizeof(why)) &&
			    t > best && t >= KI_SCAN_MIN) {
				best = t;
				best_off = (size_t)(q - p);
			}
			q++;
		}
	}
	*off = best_off;
	*total = best;
	return best > 0;
}

int uz_ki_scan(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
	       size_t *btf_len)
{
	bool arm64 = len >= 64 && !memcmp(p + 0x38, "ARM\x64", 4);
	size_t off, total;

	if (arm64) {
		c->kernel = true;
		uz_ki_what(c, "arm64 Image");
	}
	if (ki_btf_scan(p, len, &off, &total)) {
		uz_ki_what(c, "embedded BTF at offset %zu (%zu bytes)", off, total);
		return uz_ki_dup(c, p + off, total, btf, btf_len);
	}
	if (c->kernel)
		return uz_err_set(c->err, -ENODATA, "the kernel has no BTF: no BTF header found "
				  "in the %zu-byte image (built without CONFIG_DEBUG_INFO_BTF)",
				  len);
	return uz_err_set(c->err, -EINVAL, "not a kernel image, Debian package, ELF or BTF "
			  "file (no known magic, no embedded BTF)");
}
