/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel images -> BTF: package containers. Walks a Debian .deb (an ar
 * archive) to its data.tar{,.gz,.xz,.zst,...} member, then streams that tar
 * through a bounded decoder to the first kernel member (boot/vmlinuz-*,
 * boot/vmlinux-*, usr/lib/debug/boot/vmlinux-*), skipping the rest without
 * keeping it. The member name also gives the kernel release.
 */
#include <stdio.h>
#include <stdlib.h>

#include "target/kimage/kimage_int.h"

/* Bytes a tar stream may decompress to while we skip members (not kept). */
#define KI_TAR_STREAM_MAX ((uint64_t)16 << 30)
#define KI_TAR_META_MAX (64u << 10)     /* GNU long name / pax header data */
#define KI_CHUNK (256u << 10)

/* ---- tar (streamed) ----------------------------------------------------- */

/* Octal (NUL/space padded) or GNU base-256 number field. */
static int ki_tar_num(const uint8_t *f, size_t n, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -EINVAL;
		for (i = 1; i < n; i++) {
			if (*v >> 56)
				return -EINVAL;
			*v = (*v << 8) | f[i];
		}
		return 0;
	}
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v >> 60)
			return -EINVAL;
		*v = (*v << 3) | (uint64_t)(f[i] - '0');
	}
	if (i < n && f[i] != ' ' && f[i] != 0)
		return -EINVAL;
	return 0;
}

static bool ki_tar_sum_ok(const uint8_t *h)
{
	uint64_t want, sum = 0;
	int i;

	if (ki_tar_num(h + 148, 8, &want))
		return false;
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

bool uz_ki_is_tar(const uint8_t *p, size_t len)
{
	return len >= 512 && !memcmp(p + 257, "ustar", 5) && ki_tar_sum_ok(p);
}

/* Release part of a kernel member name, or NULL if @name is not one. */
static const char *ki_kernel_member(const char *name)
{
	static const char *const pre[] = {
		"boot/vmlinuz-", "boot/vmlinux-", "usr/lib/debug/boot/vmlinux-",
	};
	size_t i, n;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	for (i = 0; i < UZ_ARRAY_SIZE(pre); i++) {
		n = strlen(pre[i]);
		if (!strncmp(name, pre[i], n) && name[n] && !strchr(name + n, '/'))
			return name + n;
	}
	return NULL;
}

struct ki_tar {
	struct ki_dec *d;
	uint8_t *scratch;
	char name[1024];        /* current member name */
	char longname[1024];    /* from a GNU 'L' or pax 'x' entry */
};

static int ki_tar_skip(struct ki_ctx *c, struct ki_tar *t, uint64_t n)
{
	size_t k, got;
	int rc;

	while (n) {
		k = n > KI_CHUNK ? KI_CHUNK : (size_t)n;
		rc = uz_ki_dec_read(c, t->d, t->scratch, k, &got);
		if (rc)
			return rc;
		if (got < k)
			return uz_err_set(c->err, -EINVAL, "tar: member '%s' is truncated", t->name);
		n -= k;
	}
	return 0;
}

/* GNU 'L' long name or pax 'x' path= record: sets t->longname. */
static int ki_tar_meta(struct ki_ctx *c, struct ki_tar *t, uint8_t type, uint64_t size)
{
	char *s = (char *)t->scratch, *p, *end, *nl;
	size_t got;
	int rc;

	if (size >= KI_TAR_META_MAX)
		return uz_err_set(c->err, -EINVAL, "tar: %llu-byte extended header is too big",
				  (unsigned long long)size);
	rc = uz_ki_dec_read(c, t->d, t->scratch, (size + 511) & ~(uint64_t)511, &got);
	if (rc)
		return rc;
	if (got < ((size + 511) & ~(uint64_t)511))
		return uz_err_set(c->err, -EINVAL, "tar: extended header is truncated");
	s[size] = 0;
	if (type == 'L') {
		snprintf(t->longname, sizeof(t->longname), "%s", s);
		return 0;
	}
	for (p = s, end = s + size; p < end; p = nl + 1) {
		char *rec = strchr(p, ' ');

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || !rec || rec > nl)
			break;
		*nl = 0;
		if (!strncmp(rec + 1, "path=", 5))
			snprintf(t->longname, sizeof(t->longname), "%s", rec + 6);
	}
	return 0;
}

static void ki_tar_name(struct ki_tar *t, const uint8_t *h)
{
	char nm[101], pre[156];

	if (t->longname[0]) {
		memcpy(t->name, t->longname, sizeof(t->name));
		t->longname[0] = 0;
		return;
	}
	memcpy(nm, h, 100);
	nm[100] = 0;
	pre[0] = 0;
	if (!memcmp(h + 257, "ustar", 5) && h[345]) {
		memcpy(pre, h + 345, 155);
		pre[155] = 0;
	}
	snprintf(t->name, sizeof(t->name), "%s%s%s", pre, pre[0] ? "/" : "", nm);
}

/*
 * Walk a tar stream to the first kernel member. With @out NULL only the name
 * is wanted (t->name); otherwise its bytes are read into *@out.
 * -ENOENT when the archive has no kernel member.
 */
static int ki_tar_find(struct ki_ctx *c, struct ki_tar *t, uint8_t **out, size_t *out_len)
{
	uint8_t h[512];
	uint64_t size;
	size_t got;
	int rc;

	for (;;) {
		rc = uz_ki_dec_read(c, t->d, h, sizeof(h), &got);
		if (rc)
			return rc;
		if (!got || (got == sizeof(h) && !h[0] && !memcmp(h, h + 1, sizeof(h) - 1)))
			break;
		if (got < sizeof(h))
			return uz_err_set(c->err, -EINVAL, "tar: archive is truncated");
		if (!ki_tar_sum_ok(h) || ki_tar_num(h + 124, 12, &size))
			return uz_err_set(c->err, -EINVAL, "tar: corrupt header (bad checksum "
					  "or size field)");
		if (h[156] == 'L' || h[156] == 'x') {
			rc = ki_tar_meta(c, t, h[156], size);
			if (rc)
				return rc;
			continue;
		}
		ki_tar_name(t, h);
		if ((h[156] == '0' || h[156] == 0) && ki_kernel_member(t->name)) {
			if (!out)
				return 0;
			if (size > c->cap)
				return uz_err_set(c->err, -EFBIG, "tar: member '%s' is %llu bytes, "
						  "over the %zu-byte limit", t->name,
						  (unsigned long long)size, c->cap);
			rc = uz_ki_dec_read_alloc(c, t->d, (size_t)size, 0, out, out_len);
			if (!rc && *out_len < size) {
				free(*out);
				*out = NULL;
				rc = uz_err_set(c->err, -EINVAL, "tar: member '%s' is truncated",
						t->name);
			}
			return rc;
		}
		/* A base-256 size can be near 2^64: rounding it up would wrap. */
		if (size > UINT64_MAX - 511)
			return uz_err_set(c->err, -EINVAL, "tar: member '%s' claims %llu "
					  "bytes (corrupt size field)", t->name,
					  (unsigned long long)size);
		rc = ki_tar_skip(c, t, (size + 511) & ~(uint64_t)511);
		if (rc)
			return rc;
	}
	return uz_err_set(c->err, -ENOENT, "no boot/vmlinuz-*, boot/vmlinux-* or "
			  "usr/lib/debug/boot/vmlinux-* member: not a kernel package");
}

int uz_ki_tar(struct ki_ctx *c, enum ki_comp comp, const uint8_t *p, size_t len,
	      uint8_t **btf, size_t *btf_len)
{
	struct ki_dec *d = NULL;
	struct ki_tar *t;
	uint8_t *mem = NULL;
	size_t mem_len = 0;
	int rc;

	t = calloc(1, sizeof(*t));
	if (!t)
		return uz_err_set(c->err, -ENOMEM, "out of memory");
	t->scratch = malloc(KI_TAR_META_MAX > KI_CHUNK ? KI_TAR_META_MAX : KI_CHUNK);
	rc = t->scratch ? uz_ki_dec_open(c, &d, comp, p, len, KI_TAR_STREAM_MAX) :
			  uz_err_set(c->err, -ENOMEM, "out of memory");
	if (rc)
		goto out_free;
	t->d = d;
	rc = ki_tar_find(c, t, btf ? &mem : NULL, &mem_len);
	uz_ki_dec_close(d);
	if (rc)
		goto out_free;
	if (!c->release[0])
		snprintf(c->release, sizeof(c->release), "%s", ki_kernel_member(t->name));
	uz_ki_what(c, "%s", t->name[0] == '.' && t->name[1] == '/' ? t->name + 2 : t->name);
	c->kernel = true;
	if (btf)
		rc = uz_ki_extract(c, mem, mem_len, btf, btf_len);
out_free:
	free(mem);
	free(t->scratch);
	free(t);
	return rc;
}

/* ---- ar (.deb) ---------------------------------------------------------- */

/* The data.tar* member goes to uz_ki_tar(); the other members are skipped. */
int uz_ki_deb(struct ki_ctx *c, const uint8_t *p, size_t len, uint8_t **btf,
	      size_t *btf_len)
{
	size_t pos = 8, i;
	uint64_t size;
	enum ki_comp comp;
	char nm[17];

	if (len < 8 || memcmp(p, "!<arch>\n", 8))
		return uz_err_set(c->err, -EINVAL, "not an ar archive (no !<arch> magic)");
	while (len - pos >= 60) {
		const uint8_t *h = p + pos;

		if (h[58] != '`' || h[59] != '\n')
			return uz_err_set(c->err, -EINVAL, "ar: bad member header at offset %zu", pos);
		for (size = 0, i = 48; i < 58 && h[i] >= '0' && h[i] <= '9'; i++)
			size = size * 10 + (uint64_t)(h[i] - '0');
		for (; i < 58 && h[i] == ' '; i++)
			;
		if (i != 58 || h[48] == ' ')
			return uz_err_set(c->err, -EINVAL, "ar: bad size field at offset %zu", pos);
		if (size > len - pos - 60)
			return uz_err_set(c->err, -EINVAL, "ar: member at offset %zu claims %llu "
					  "bytes, only %zu left (truncated package?)", pos,
					  (unsigned long long)size, len - pos - 60);
		memcpy(nm, h, 16);
		nm[16] = 0;
		for (i = 16; i && (nm[i - 1] == ' ' || nm[i - 1] == '/'); i--)
			nm[i - 1] = 0;
		if (!strncmp(nm, "data.tar", 8)) {
			comp = uz_ki_comp_detect(h + 60, (size_t)size);
			if (comp == KI_NONE && strcmp(nm, "data.tar"))
				return uz_err_set(c->err, -ENOTSUP, "deb: member %s has an "
						  "unsupported compression", nm);
			uz_ki_what(c, "deb %s", nm);
			return uz_ki_tar(c, comp, h + 60, (size_t)size, btf, btf_len);
		}
		pos += 60 + (size_t)size + (size & 1);
		if (pos > len)
			break;
	}
	return uz_err_set(c->err, -EINVAL, "ar archive has no data.tar member: not a Debian "
			  "package");
}
