/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The .note.userize section: which kernel a relocated object was relocated
 * for. One ELF note (SHT_NOTE, not allocated, so loaders ignore it): name
 * "userize", type 1, and as descriptor NUL-terminated "key=value" strings
 * for the keys target, release, build_id, btf_digest and source, in any
 * order; unknown keys are skipped, so the format can grow. The note header
 * words are in the object's byte order, the strings are bytes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "object/note.h"

struct note_key {
	const char *key;
	size_t off;
	size_t size;
};

#define KEY(k) { #k, offsetof(struct uz_relocated_info, k), \
		 sizeof(((struct uz_relocated_info *)0)->k) }
static const struct note_key keys[] = {
	KEY(target), KEY(release), KEY(build_id), KEY(btf_digest), KEY(source),
};

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void parse_pair(const char *s, struct uz_relocated_info *info)
{
	size_t i, kl;

	for (i = 0; i < UZ_ARRAY_SIZE(keys); i++) {
		kl = strlen(keys[i].key);
		if (!strncmp(s, keys[i].key, kl) && s[kl] == '=')
			snprintf((char *)info + keys[i].off, keys[i].size, "%s", s + kl + 1);
	}
}

int uz_note_parse(const uint8_t *p, size_t len, bool swap, struct uz_relocated_info *info,
		  const char *obj_name, struct uz_error *err)
{
	uint32_t namesz, descsz, type;
	const char *desc;
	size_t off, i;

	memset(info, 0, sizeof(*info));
	if (len < 12)
		goto bad;
	namesz = uz_get32(p, swap);
	descsz = uz_get32(p + 4, swap);
	type = uz_get32(p + 8, swap);
	if (namesz != sizeof(UZ_NOTE_NAME) || type != UZ_NOTE_TYPE_TARGET ||
	    len - 12 < pad4(namesz) || memcmp(p + 12, UZ_NOTE_NAME, namesz))
		goto bad;
	off = 12 + pad4(namesz);
	if (descsz > len - off || descsz == 0 || p[off + descsz - 1] != 0)
		goto bad;
	desc = (const char *)p + off;
	for (i = 0; i < descsz; i += strlen(desc + i) + 1)
		parse_pair(desc + i, info);
	return 0;
bad:
	return uz_err_set(err, -EINVAL, "%s: malformed %s section", obj_name, UZ_NOTE_SECTION);
}

int uz_note_build(const struct uz_relocated_info *info, bool swap, uint8_t **out, size_t *len)
{
	size_t i, descsz = 0, off, n;
	uint8_t *p;

	for (i = 0; i < UZ_ARRAY_SIZE(keys); i++)
		descsz += strlen(keys[i].key) + 1 + strlen((const char *)info + keys[i].off) + 1;
	n = 12 + pad4(sizeof(UZ_NOTE_NAME)) + pad4(descsz);
	p = calloc(1, n);
	if (!p)
		return -ENOMEM;
	uz_put32(p, sizeof(UZ_NOTE_NAME), swap);
	uz_put32(p + 4, (uint32_t)descsz, swap);
	uz_put32(p + 8, UZ_NOTE_TYPE_TARGET, swap);
	memcpy(p + 12, UZ_NOTE_NAME, sizeof(UZ_NOTE_NAME));
	off = 12 + pad4(sizeof(UZ_NOTE_NAME));
	for (i = 0; i < UZ_ARRAY_SIZE(keys); i++)
		off += (size_t)sprintf((char *)p + off, "%s=%s", keys[i].key,
				       (const char *)info + keys[i].off) + 1;
	*out = p;
	*len = n;
	return 0;
}
