/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * userize decl tags, read from the object's own BTF:
 *   struct tag  "userize:kernel=NAME"  kernel type(s) the userized struct
 *               views, ordered alternatives in BTF order;
 *   member tag  "userize:alias=NAME"   further names for a member, tried in
 *               order after its own name; NAME may be a dotted path through
 *               embedded (non-pointer) members, "__sk_common.skc_family";
 *   struct tag  "userize:tracepoint=SYS/EVENT"  a tracepoint event whose
 *               record the struct views (several allowed): a tracefs target
 *               builds the record from that event's format file.
 * Malformed tags are errors naming the type and the tag.
 */
#include <stdlib.h>

#include "core/core.h"

#define TAG_KERNEL "userize:kernel="
#define TAG_ALIAS "userize:alias="
#define TAG_TRACEPOINT "userize:tracepoint="

static bool valid_ident(const char *s, size_t n)
{
	size_t i;

	if (!n || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static bool valid_path(const char *s)
{
	const char *dot;

	for (;;) {
		dot = strchr(s, '.');
		if (!valid_ident(s, dot ? (size_t)(dot - s) : strlen(s)))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

/* "sys/event": two identifiers (tracefs directory names) joined by '/'. */
static bool valid_event(const char *s)
{
	const char *slash = strchr(s, '/');

	return slash && valid_ident(s, (size_t)(slash - s)) && valid_ident(slash + 1, strlen(slash + 1));
}

static int push_str(char ***arr, size_t *cnt, char *s)
{
	char **n = realloc(*arr, (*cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	*arr = n;
	n[(*cnt)++] = s;
	return 0;
}

static struct uz_type_tags *tags_for(struct uz_tags *tags, uint32_t id)
{
	if (!tags->by_type[id])
		tags->by_type[id] = calloc(1, sizeof(struct uz_type_tags));
	return tags->by_type[id];
}

enum tag_kind { TAG_K_KERNEL, TAG_K_ALIAS, TAG_K_TRACEPOINT };

static bool tag_is(const char *text, const char *prefix)
{
	return strncmp(text, prefix, strlen(prefix)) == 0;
}

static bool tag_valid(enum tag_kind k, const char *val, int comp, const struct btf_type *t)
{
	switch (k) {
	case TAG_K_KERNEL:
		return comp == -1 && valid_ident(val, strlen(val));
	case TAG_K_TRACEPOINT:
		return comp == -1 && valid_event(val);
	default:
		return comp >= 0 && comp < btf_vlen(t) && valid_path(val);
	}
}

static int add_tag(struct uz_tags *tags, const struct btf *btf, uint32_t tag_id,
		   struct uz_error *err)
{
	const struct btf_type *tag = btf__type_by_id(btf, tag_id);
	const char *text = btf__name_by_offset(btf, tag->name_off);
	int comp = btf_decl_tag(tag)->component_idx;
	const struct btf_type *t = btf__type_by_id(btf, tag->type);
	const char *tname = btf__name_by_offset(btf, t->name_off);
	enum tag_kind k = tag_is(text, TAG_KERNEL) ? TAG_K_KERNEL :
			  tag_is(text, TAG_TRACEPOINT) ? TAG_K_TRACEPOINT : TAG_K_ALIAS;
	const char *val = strchr(text, '=') + 1;
	struct uz_type_tags *tt;
	char *copy;

	if (!btf_is_composite(t))
		return uz_err_set(err, -EINVAL, "tag '%s' is on type [%u] '%s', which is not a struct or union",
				  text, tag->type, tname);
	if (!tag_valid(k, val, comp, t))
		return uz_err_set(err, -EINVAL,
				  "malformed tag '%s' on '%s': expected userize:kernel=IDENT or userize:tracepoint=SYS/EVENT on a struct, or userize:alias=IDENT[.IDENT...] on a member",
				  text, tname);
	tt = tags_for(tags, tag->type);
	copy = strdup(val);
	if (!tt || !copy)
		goto nomem;
	if (k == TAG_K_KERNEL) {
		if (push_str(&tt->kernel, &tt->kernel_cnt, copy))
			goto nomem;
	} else if (k == TAG_K_TRACEPOINT) {
		if (push_str(&tt->tracepoint, &tt->tracepoint_cnt, copy))
			goto nomem;
	} else {
		struct uz_member_alias *a = realloc(tt->alias, (tt->alias_cnt + 1) * sizeof(*a));

		if (!a)
			goto nomem;
		tt->alias = a;
		a[tt->alias_cnt].member = (uint32_t)comp;
		a[tt->alias_cnt++].path = copy;
	}
	return 0;
nomem:
	free(copy);
	return uz_err_set(err, -ENOMEM, "out of memory");
}

int uz_tags_build(struct uz_tags *tags, const struct btf *btf, struct uz_error *err)
{
	uint32_t n = btf__type_cnt(btf), id;
	int r;

	memset(tags, 0, sizeof(*tags));
	tags->type_cnt = n;
	tags->by_type = calloc(n, sizeof(*tags->by_type));
	if (!tags->by_type)
		return uz_err_set(err, -ENOMEM, "out of memory");
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *text;

		if (!btf_is_decl_tag(t))
			continue;
		text = btf__name_by_offset(btf, t->name_off);
		if (strncmp(text, "userize:", 8) != 0)
			continue;
		if (!tag_is(text, TAG_KERNEL) && !tag_is(text, TAG_ALIAS) &&
		    !tag_is(text, TAG_TRACEPOINT)) {
			uz_tags_free(tags);
			return uz_err_set(err, -EINVAL, "unknown userize tag '%s' (known: userize:kernel=, userize:alias=, userize:tracepoint=)",
					  text);
		}
		r = add_tag(tags, btf, id, err);
		if (r) {
			uz_tags_free(tags);
			return r;
		}
	}
	return 0;
}

void uz_tags_free(struct uz_tags *tags)
{
	uint32_t i;
	size_t j;

	if (!tags->by_type)
		return;
	for (i = 0; i < tags->type_cnt; i++) {
		struct uz_type_tags *tt = tags->by_type[i];

		if (!tt)
			continue;
		for (j = 0; j < tt->kernel_cnt; j++)
			free(tt->kernel[j]);
		for (j = 0; j < tt->alias_cnt; j++)
			free(tt->alias[j].path);
		for (j = 0; j < tt->tracepoint_cnt; j++)
			free(tt->tracepoint[j]);
		free(tt->tracepoint);
		free(tt->kernel);
		free(tt->alias);
		free(tt);
	}
	free(tags->by_type);
	memset(tags, 0, sizeof(*tags));
}

const struct uz_type_tags *uz_tags_of(const struct uz_tags *tags, uint32_t type_id)
{
	if (!tags || type_id >= tags->type_cnt)
		return NULL;
	return tags->by_type[type_id];
}
