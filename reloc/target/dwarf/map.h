/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Small open-addressing maps for the DWARF source: u64 key -> u32 value. */
#ifndef UZ_DW_MAP_H
#define UZ_DW_MAP_H

#include <stdint.h>
#include <stdlib.h>

struct uz_dw_map {
	uint64_t *keys;  /* key + 1; 0 = empty */
	uint32_t *vals;
	uint32_t mask, used;
};

static inline uint32_t uz_dw_map_slot(const struct uz_dw_map *m, uint64_t k)
{
	uint64_t h = (k + 1) * 0x9e3779b97f4a7c15ull;
	uint32_t j = (uint32_t)(h >> 32) & m->mask;

	while (m->keys[j] && m->keys[j] != k + 1)
		j = (j + 1) & m->mask;
	return j;
}

/* Value of @k, or false. */
static inline bool uz_dw_map_get(const struct uz_dw_map *m, uint64_t k, uint32_t *v)
{
	uint32_t j;

	if (!m->keys)
		return false;
	j = uz_dw_map_slot(m, k);
	if (!m->keys[j])
		return false;
	*v = m->vals[j];
	return true;
}

static inline int uz_dw_map_put(struct uz_dw_map *m, uint64_t k, uint32_t v)
{
	uint32_t j;

	if (!m->keys || (m->used + 1) * 2 > m->mask + 1) {
		struct uz_dw_map n;
		uint32_t i, sz = m->keys ? (m->mask + 1) * 2 : 1024;

		n.keys = calloc(sz, sizeof(*n.keys));
		n.vals = malloc(sz * sizeof(*n.vals));
		if (!n.keys || !n.vals) {
			free(n.keys);
			free(n.vals);
			return -ENOMEM;
		}
		n.mask = sz - 1;
		n.used = m->used;
		for (i = 0; m->keys && i <= m->mask; i++) {
			if (!m->keys[i])
				continue;
			j = uz_dw_map_slot(&n, m->keys[i] - 1);
			n.keys[j] = m->keys[i];
			n.vals[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		*m = n;
	}
	j = uz_dw_map_slot(m, k);
	if (!m->keys[j]) {
		m->keys[j] = k + 1;
		m->used++;
	}
	m->vals[j] = v;
	return 0;
}

static inline void uz_dw_map_free(struct uz_dw_map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->mask = m->used = 0;
}

#endif
