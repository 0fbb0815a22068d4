/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Name index. libbpf finds CO-RE candidates by scanning every target type
 * once per distinct local root type (99 % of its CO-RE time on vmlinux);
 * here every named type is hashed by its essential name into an
 * open-addressed table (from the names btf_check.c collects in its
 * validation pass), and each lookup is then one probe sequence plus a walk
 * of the ids sharing that name. Ids are chained in increasing order so
 * candidates come out in the order libbpf's scan finds them.
 */
#include <stdlib.h>

#include "target/name_index.h"


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

/* Eight bytes at a time (the last eight overlapping), then a final mix;
 * only ever compared within the process. */
static uint32_t hash_name(const char *s, size_t len)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = k ^ len, w = 0;
	size_t i;

	if (len <= 8) {
		memcpy(&w, s, len);
		h = (h ^ w) * k;
	} else {
		for (i = 0; i + 8 < len; i += 8) {
			memcpy(&w, s + i, sizeof(w));
			h = (h ^ w) * k;
			h ^= h >> 29;
		}
		memcpy(&w, s + len - 8, sizeof(w));
		h = (h ^ w) * k;
	}
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	h ^= h >> 32;
	return (uint32_t)h | 1; /* never 0 */
}

static bool same_name(const struct btf *btf, uint32_t id, const char *name, size_t len)
{
	const char *n = btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off);

	return n && strncmp(n, name, len) == 0 && uz_essential_name_len(n) == len;
}

/*
 * Where the names of @btf are: its own strings follow one another from
 * offset @own_off (0 unless it is split BTF: then the base's come first and
 * are looked up through libbpf). NULL when it has no strings.
 */
static const char *own_strings(const struct btf *btf, uint32_t *own_off)
{
	const struct btf *base = btf__base_btf(btf);
	uint32_t off = 0, lo, hi, mid;

	if (base) {
		/* the first offset past the base's strings, by bisection */
		lo = 0;
		hi = UINT32_MAX;
		if (!btf__str_by_offset(base, 0))
			return NULL;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (btf__str_by_offset(base, mid))
				lo = mid;
			else
				hi = mid;
		}
		off = hi;
	}
	*own_off = off;
	return btf__str_by_offset(btf, off);
}

static inline const char *ref_name(const struct btf *btf, const char *own, uint32_t own_off,
				   uint32_t off)
{
	return own && off >= own_off ? own + (off - own_off) : btf__name_by_offset(btf, off);
}

int uz_name_index_build(struct uz_name_index *idx, const struct btf *btf,
			struct uz_name_ref *refs, size_t cnt, struct uz_error *err)
{
	uint32_t n = btf__type_cnt(btf), pos, h, id, prev = 0, own_off = 0;
	size_t size = 1024, i, next_sz;
	const char *own = own_strings(btf, &own_off);
	uint8_t *block;

	memset(idx, 0, sizeof(*idx));
	/* load at most two thirds: linear probing stays short */
	while (size < cnt + cnt / 2)
		size <<= 1;
	/*
	 * One block: next[] (an entry per type id, but only those of indexed
	 * ids are ever written or read, so it needs no clearing), then the
	 * buckets.
	 */
	next_sz = (size_t)(n ? n : 1) * sizeof(*idx->next);
	block = malloc(next_sz + size * sizeof(*idx->buckets));
	if (!block)
		return uz_err_set(err, -ENOMEM, "out of memory building the name index");
	idx->btf = btf;
	idx->mask = (uint32_t)(size - 1);
	idx->id_cnt = n;
	idx->next = (uint32_t *)block;
	idx->buckets = (struct uz_name_bucket *)(block + next_sz);
	memset(idx->buckets, 0, size * sizeof(*idx->buckets));
	/*
	 * Two passes, each looking a few entries ahead so that the cache
	 * misses overlap: names to hashes (the name stays in refs[i].name_off,
	 * the hash goes to next[id], id 0 drops an empty name), then hashes
	 * into buckets.
	 */
	for (i = 0; i < cnt; i++) {
		const char *name;

		if (i + 8 < cnt)
			__builtin_prefetch(ref_name(btf, own, own_off, refs[i + 8].name_off));
		id = refs[i].id;
		if (id >= n || id <= prev) {
			uz_name_index_free(idx);
			return uz_err_set(err, -EINVAL, "name index: type id %u out of order", id);
		}
		prev = id;
		name = ref_name(btf, own, own_off, refs[i].name_off);
		if (!name || !*name) {
			refs[i].id = 0;
			continue;
		}
		idx->next[id] = hash_name(name, uz_essential_len(name, strlen(name)));
	}
	/*
	 * Highest id first, each put at the head of its name's chain: the
	 * chains then run in increasing id order, as libbpf's scan finds
	 * candidates. Each next[] entry is read as the hash before it is set.
	 */
	for (i = cnt; i-- > 0;) {
		if (i >= 8 && refs[i - 8].id)
			__builtin_prefetch(&idx->buckets[idx->next[refs[i - 8].id] & idx->mask]);
		id = refs[i].id;
		if (!id)
			continue;
		h = idx->next[id];
		for (pos = h & idx->mask;; pos = (pos + 1) & idx->mask) {
			struct uz_name_bucket *b = &idx->buckets[pos];
			const char *name;

			if (!b->first) {
				b->hash = h;
				b->first = id;
				idx->next[id] = 0;
				idx->used++;
				break;
			}
			if (b->hash != h)
				continue;
			name = ref_name(btf, own, own_off, refs[i].name_off);
			if (same_name(btf, b->first, name, uz_essential_name_len(name))) {
				idx->next[id] = b->first;
				b->first = id;
				break;
			}
		}
	}
	return 0;
}

uint32_t uz_name_index_first(const struct uz_name_index *idx, const char *name, size_t len)
{
	uint32_t h = hash_name(name, len), pos;

	if (!idx->buckets)
		return 0;
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
	free(idx->next); /* the block, buckets included */
	memset(idx, 0, sizeof(*idx));
}
