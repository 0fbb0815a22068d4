/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Name index. libbpf finds CO-RE candidates by scanning every target type
 * once per distinct local root type (99 % of its CO-RE time on vmlinux);
 * here one pass hashes every named type by its essential name into an
 * open-addressed table, and each lookup is then one probe sequence plus a
 * walk of the ids sharing that name. Ids are chained in increasing order so
 * candidates come out in the order libbpf's scan finds them.
 */
#include <stdlib.h>

#include "name_index.h"

static bool is_flavor_sep(const char *s)
{
	return s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' && s[4] != '_';
}

size_t uz_essential_name_len(const char *name)
{
	size_t n = strlen(name);
	ssize_t i;

	for (i = (ssize_t)n - 5; i >= 0; i--)
		if (is_flavor_sep(name + i))
			return (size_t)i + 1;
	return n;
}

bool uz_name_index_covers(unsigned int kind)
{
	switch (kind) {
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DATASEC:
	case BTF_KIND_DECL_TAG:
		return false;
	default:
		return true;
	}
}

static uint32_t hash_name(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h | 1; /* never 0 */
}

static bool same_name(const struct btf *btf, uint32_t id, const char *name, size_t len)
{
	const char *n = btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off);

	return n && strncmp(n, name, len) == 0 && uz_essential_name_len(n) == len;
}

int uz_name_index_build(struct uz_name_index *idx, const struct btf *btf, struct uz_error *err)
{
	uint32_t n = btf__type_cnt(btf), id, size = 1024;

	memset(idx, 0, sizeof(*idx));
	while (size < n * 2)
		size <<= 1;
	idx->btf = btf;
	idx->mask = size - 1;
	idx->buckets = calloc(size, sizeof(*idx->buckets));
	idx->next = calloc(n, sizeof(*idx->next));
	if (!idx->buckets || !idx->next) {
		uz_name_index_free(idx);
		return uz_err_set(err, -ENOMEM, "out of memory building the name index");
	}
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		uint32_t h, pos;
		size_t len;

		if (!t->name_off || !uz_name_index_covers(btf_kind(t)))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !*name)
			continue;
		len = uz_essential_name_len(name);
		h = hash_name(name, len);
		for (pos = h & idx->mask;; pos = (pos + 1) & idx->mask) {
			struct uz_name_bucket *b = &idx->buckets[pos];

			if (!b->first) {
				b->hash = h;
				b->first = b->last = id;
				break;
			}
			if (b->hash == h && same_name(btf, b->first, name, len)) {
				idx->next[b->last] = id;
				b->last = id;
				break;
			}
		}
	}
	return 0;
}

uint32_t uz_name_index_first(const struct uz_name_index *idx, const char *name, size_t len)
{
	uint32_t h = hash_name(name, len), pos;

	for (pos = h & idx->mask;; pos = (pos + 1) & idx->mask) {
		const struct uz_name_bucket *b = &idx->buckets[pos];

		if (!b->first)
			return 0;
		if (b->hash == h && same_name(idx->btf, b->first, name, len))
			return b->first;
	}
}

void uz_name_index_free(struct uz_name_index *idx)
{
	free(idx->buckets);
	free(idx->next);
	memset(idx, 0, sizeof(*idx));
}
