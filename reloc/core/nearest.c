/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Nearest names: when a member, enumerator or type is not found, the up to
 * four names of the target closest to the wanted one (edit distance, with
 * containment such as "state" in "__state" counted as a strong hint). Used
 * by the matcher's failure reasons and by explanations alike.
 */
#include <stdio.h>

#include "core/core.h"

#define NEAR_MAX 4

struct near {
	const char *name[NEAR_MAX];
	unsigned int dist[NEAR_MAX];
	size_t cnt;
};

static unsigned int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int row[128], prev, tmp;

	if (la >= UZ_ARRAY_SIZE(row) || lb >= UZ_ARRAY_SIZE(row))
		return 1000;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned int)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned int)i;
		for (j = 1; j <= lb; j++) {
			unsigned int best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static void near_offer(struct near *n, const char *want, const char *cand)
{
	size_t lw = strlen(want), i, j;
	unsigned int d, limit = lw < 4 ? 2 : (unsigned int)lw / 2 + 1;

	if (!*cand || strcmp(cand, want) == 0)
		return;
	d = edit_distance(want, cand);
	if (strstr(cand, want) || strstr(want, cand))
		d = d > 1 ? d - 1 : d; /* "state" vs "__state": containment is a strong hint */
	if (d > limit)
		return;
	for (i = 0; i < n->cnt; i++)
		if (strcmp(n->name[i], cand) == 0)
			return;
	for (i = 0; i < n->cnt && n->dist[i] <= d; i++)
		;
	if (i >= NEAR_MAX)
		return;
	if (n->cnt < NEAR_MAX)
		n->cnt++;
	for (j = n->cnt - 1; j > i; j--) {
		n->name[j] = n->name[j - 1];
		n->dist[j] = n->dist[j - 1];
	}
	n->name[i] = cand;
	n->dist[i] = d;
}

static void near_format(const struct near *n, char *buf, size_t sz)
{
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < n->cnt && off < sz; i++)
		off += (size_t)snprintf(buf + off, sz - off, "%s%s", i ? ", " : "", n->name[i]);
}

static void collect_members(const struct btf *tb, uint32_t id, const char *want,
			    struct near *n, int depth)
{
	const struct btf_type *t = uz_skip_mods(tb, id, &id);
	uint16_t i;

	if (!t || depth > 8)
		return;
	if (btf_is_any_enum(t)) {
		for (i = 0; i < btf_vlen(t); i++)
			near_offer(n, want, btf__name_by_offset(tb, btf_is_enum(t) ? btf_enum(t)[i].name_off
										 : btf_enum64(t)[i].name_off));
		return;
	}
	if (!btf_is_composite(t))
		return;
	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = btf_members(t) + i;
		const char *mn = btf__name_by_offset(tb, m->name_off);

		if (*mn)
			near_offer(n, want, mn);
		else
			collect_members(tb, m->type, want, n, depth + 1);
	}
}

void uz_nearest_members(const struct btf *tb, uint32_t composite_id, const char *name,
			char *buf, size_t sz)
{
	struct near n = { .cnt = 0 };

	collect_members(tb, composite_id, name ? name : "", &n, 0);
	near_format(&n, buf, sz);
}

void uz_nearest_types(const struct btf *tb, unsigned int kind, const char *name,
		      char *buf, size_t sz)
{
	struct near n = { .cnt = 0 };
	uint32_t id, cnt = btf__type_cnt(tb);
	size_t lw = strlen(name);

	for (id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(tb, id);
		const char *tn;
		size_t lt;

		if (btf_kind(t) != kind &&
		    !((kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) && btf_is_composite(t)) &&
		    !(btf_is_any_enum(t) && (kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64)))
			continue;
		tn = btf__name_by_offset(tb, t->name_off);
		lt = strlen(tn);
		if (!lt || (lt > lw ? lt - lw : lw - lt) > 4)
			continue;
		near_offer(&n, name, tn);
	}
	near_format(&n, buf, sz);
}
