/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tracefs source: tracepoint record types built from event format
 * files (a tracefs mount, a copy of its events/ tree, or a tar of one). A
 * lazy source: open() lists the events, need() builds the records asked
 * for and republishes the BTF. Names need() understands:
 *
 *   "tracepoint:SYS/EVENT=NAME"  the record of SYS/EVENT as struct NAME
 *                                (the driver passes one per userize:tracepoint
 *                                tag, NAME the view's first kernel name);
 *                                a missing event is an error;
 *   "tracepoint:SYS/EVENT"       the same under the event's default name;
 *   "tracepoint:*"               every event (btf extract);
 *   "trace_event_raw_EVENT"      the record of EVENT (class == event, as
 *                                TRACE_EVENT() defines it), in any system;
 *   "syscall_trace_enter/exit"   the record of the syscalls events;
 *   any other name               an enum of that name, from the first event
 *                                that has a field of that enum type.
 *
 * Several events recorded under one kernel name are distinct structs
 * NAME___EVENT (the flavor suffix is ignored when matching), so a view
 * whose events disagree on a field it reads gets an ambiguity error naming
 * the events; NAME alone when NAME is trace_event_raw_EVENT.
 *
 * describe() maps a built type and member back to its format file and the
 * line of the field, for the driver's messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/core.h"
#include "target/btf_check.h"
#include "target/kinfo.h"
#include "target/source.h"
#include "target/tracefs/tracefs.h"
#include "target/tracefs/tracefs_tree.h"

#define TP_PREFIX "tracepoint:"

struct tfs_built {
	size_t ev;
	char *sname;
};

struct tfs_state {
	struct uz_tfs_tree tree;
	struct uz_tfs_builder *b;
	struct uz_tfs_event *parsed;  /* by tree index; name NULL until parsed */
	struct tfs_built *built;
	size_t built_cnt;
	bool all_parsed;
};

static const char *const mounts[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

const char *uz_tracefs_running(void)
{
	char p[64];
	struct stat st;
	size_t i;

	for (i = 0; i < UZ_ARRAY_SIZE(mounts); i++) {
		snprintf(p, sizeof(p), "%s/events", mounts[i]);
		if (!stat(p, &st) && S_ISDIR(st.st_mode))
			return mounts[i];
	}
	return NULL;
}

static bool tfs_probe(const struct uz_source_input *in)
{
	return uz_tfs_tree_probe(in->path, in->data, in->len);
}

static struct uz_tfs_event *parsed(struct tfs_state *s, size_t i, struct uz_error *err)
{
	char file[8192], *text = NULL;
	size_t len = 0;
	int r;

	if (s->parsed[i].name)
		return &s->parsed[i];
	uz_tfs_tree_file(&s->tree, i, file, sizeof(file));
	r = uz_tfs_tree_read(&s->tree, i, &text, &len, err);
	if (!r && !len && !s->tree.root)
		r = uz_err_set(err, -EINVAL, "%s: empty file (a tar made of tracefs itself stores every file empty: copy the format files first, see docs/reloc.md)",
			       file);
	r = r ?: uz_tfs_parse(file, s->tree.ev[i].sys, s->tree.ev[i].name, text, len,
			      &s->parsed[i], err);
	free(text);
	return r ? NULL : &s->parsed[i];
}

static bool is_built(const struct tfs_state *s, size_t ev, const char *sname)
{
	size_t i;

	for (i = 0; i < s->built_cnt; i++)
		if (s->built[i].ev == ev && !strcmp(s->built[i].sname, sname))
			return true;
	return false;
}

/* The record of event @i as struct @kname (or its default name). */
static int build(struct tfs_state *s, size_t i, const char *kname, bool *grew,
		 struct uz_error *err)
{
	struct uz_tfs_event *ev = parsed(s, i, err);
	char dflt[256], sname[512], raw[300];
	struct tfs_built *n;
	int r;

	if (!ev)
		return err->code;
	uz_tfs_default_name(ev, dflt, sizeof(dflt));
	snprintf(raw, sizeof(raw), "trace_event_raw_%s", ev->name);
	if (!kname)
		kname = dflt;
	if (!strcmp(kname, raw))
		snprintf(sname, sizeof(sname), "%s", kname);
	else
		snprintf(sname, sizeof(sname), "%s___%s", kname, ev->name);
	if (is_built(s, i, sname))
		return 0;
	r = uz_tfs_build_record(s->b, ev, sname, err);
	if (r)
		return r;
	n = realloc(s->built, (s->built_cnt + 1) * sizeof(*n));
	if (!n || !(sname[0] && (n[s->built_cnt].sname = strdup(sname)))) {
		if (n)
			s->built = n;
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	s->built = n;
	n[s->built_cnt++].ev = i;
	*grew = true;
	return 0;
}

/* "tracepoint:SYS/EVENT[=NAME]" or "tracepoint:*". */
static int need_tracepoint(struct uz_target *t, struct tfs_state *s, const char *spec,
			   bool *grew, struct uz_error *err)
{
	char sys[256], ev[256], file[8192];
	const char *slash = strchr(spec, '/'), *eq = strchr(spec, '=');
	ssize_t i;
	size_t k;
	int r;

	if (!strcmp(spec, "*")) {
		for (k = 0; k < s->tree.cnt; k++) {
			r = build(s, k, NULL, grew, err);
			if (r)
				return r;
		}
		return 0;
	}
	if (!slash || (eq && eq < slash) || (size_t)(slash - spec) >= sizeof(sys) ||
	    (size_t)((eq ? eq : spec + strlen(spec)) - slash - 1) >= sizeof(ev))
		return uz_err_set(err, -EINVAL, "%s: malformed tracepoint name '%s' (expected SYS/EVENT)",
				  t->name, spec);
	snprintf(sys, sizeof(sys), "%.*s", (int)(slash - spec), spec);
	snprintf(ev, sizeof(ev), "%.*s", (int)((eq ? eq : spec + strlen(spec)) - slash - 1), slash + 1);
	i = uz_tfs_tree_find(&s->tree, sys, ev);
	if (i < 0) {
		if (s->tree.root)
			snprintf(file, sizeof(file), "%s/%s/%s/format", s->tree.root, sys, ev);
		else
			snprintf(file, sizeof(file), "%s:%s/%s/format", s->tree.where, sys, ev);
		return uz_err_set(err, -ENOENT, "no event %s/%s (%s does not exist); a userize:tracepoint tag names it",
				  sys, ev, file);
	}
	return build(s, (size_t)i, eq ? eq + 1 : NULL, grew, err);
}

/* An enum named @name: the first event with a field "enum NAME". */
static int need_enum(struct tfs_state *s, const char *name, bool *grew, struct uz_error *err)
{
	char want[300];
	size_t i, k;

	snprintf(want, sizeof(want), "enum %s", name);
	for (i = 0; i < s->tree.cnt; i++) {
		struct uz_error perr = { 0 };
		struct uz_tfs_event *ev = parsed(s, i, &perr);

		/* a search: events that do not parse are not the one asked for */
		if (!ev)
			continue;
		for (k = 0; k < ev->field_cnt; k++)
			if (!strcmp(ev->fields[k].type, want))
				return build(s, i, NULL, grew, err);
	}
	return 0;
}

static bool in_list(const char *name, size_t len, const char *const *names, size_t cnt)
{
	size_t i;

	for (i = 0; i < cnt; i++) {
		const char *eq;

		if (strncmp(names[i], TP_PREFIX, strlen(TP_PREFIX)))
			continue;
		eq = strchr(names[i], '=');
		if (eq && strlen(eq + 1) == len && !strncmp(eq + 1, name, len))
			return true;
	}
	return false;
}

/* A plain (kernel type) name; flavor suffix ignored. */
static int need_plain(struct tfs_state *s, const char *name, const char *const *names, size_t cnt,
		      bool *grew, struct uz_error *err)
{
	size_t len = uz_essential_name_len(name), i;
	char ess[256];
	ssize_t k;

	if (!len || len >= sizeof(ess) || in_list(name, len, names, cnt))
		return 0;
	snprintf(ess, sizeof(ess), "%.*s", (int)len, name);
	if (!strncmp(ess, "trace_event_raw_", 16)) {
		k = uz_tfs_tree_find(&s->tree, NULL, ess + 16);
		return k < 0 ? 0 : build(s, (size_t)k, NULL, grew, err);
	}
	if (!strcmp(ess, "syscall_trace_enter") || !strcmp(ess, "syscall_trace_exit")) {
		for (i = 0; i < s->tree.cnt; i++)
			if (!strcmp(s->tree.ev[i].sys, "syscalls") &&
			    !strncmp(s->tree.ev[i].name, ess[13] == 'n' ? "sys_enter_" : "sys_exit_",
				     ess[13] == 'n' ? 10 : 9))
				return build(s, i, ess, grew, err);
		return 0;
	}
	return need_enum(s, ess, grew, err);
}

/* Hand the types built so far to the target (validated and indexed). */
static int publish(struct uz_target *t, struct tfs_state *s, struct uz_error *err)
{
	struct btf *src = uz_tfs_builder_btf(s->b), *btf = NULL;
	struct uz_name_index idx = { 0 };
	const void *raw;
	uint32_t sz;
	int r;

	raw = btf__raw_data(src, &sz);
	if (!raw)
		return uz_err_set(err, -ENOMEM, "out of memory");
	r = uz_btf_parse_indexed(raw, sz, t->name, &idx, NULL, &btf, err);
	if (r)
		return r;
	r = uz_target_replace_btf(t, btf, &idx, err);
	if (!r)
		t->prov.pointer_size = (unsigned int)btf__pointer_size(btf);
	return r;
}

static int tfs_need(struct uz_target *t, const char *const *names, size_t cnt,
		    struct uz_error *err)
{
	struct tfs_state *s = t->src_state;
	bool grew = false;
	size_t i;
	int r = 0;

	/* Tracepoint names first: they say which events a kernel name stands for. */
	for (i = 0; !r && i < cnt; i++)
		if (!strncmp(names[i], TP_PREFIX, strlen(TP_PREFIX)))
			r = need_tracepoint(t, s, names[i] + strlen(TP_PREFIX), &grew, err);
	for (i = 0; !r && i < cnt; i++)
		if (strncmp(names[i], TP_PREFIX, strlen(TP_PREFIX)))
			r = need_plain(s, names[i], names, cnt, &grew, err);
	if (r)
		return r;
	return grew ? publish(t, s, err) : 0;
}

/* The format file and field line type @id (member @member) was built from. */
static bool tfs_describe(const struct uz_target *t, uint32_t id, int member, char *buf,
			 size_t sz)
{
	const struct tfs_state *s = t->src_state;

	return s && uz_tfs_builder_where(s->b, id, member, buf, sz);
}

static void tfs_release(struct uz_target *t)
{
	struct tfs_state *s = t->src_state;
	size_t i;

	if (!s)
		return;
	for (i = 0; s->parsed && i < s->tree.cnt; i++)
		uz_tfs_event_free(&s->parsed[i]);
	for (i = 0; i < s->built_cnt; i++)
		free(s->built[i].sname);
	free(s->built);
	free(s->parsed);
	uz_tfs_builder_free(s->b);
	uz_tfs_tree_close(&s->tree);
	free(s);
	t->src_state = NULL;
}

static int set_prov(struct uz_target *t, const struct uz_source_input *in, struct tfs_state *s)
{
	char rel[UZ_RELEASE_MAX] = "", bid[UZ_BUILD_ID_MAX] = "", what[256];
	bool live = false;
	size_t i;
	int r;

	for (i = 0; in->path && i < UZ_ARRAY_SIZE(mounts); i++)
		live |= !strcmp(in->path, mounts[i]);
	if (live)
		uz_kinfo_running(rel, bid);
	else if (in->path)
		uz_kinfo_from_name(in->path, rel);
	snprintf(what, sizeof(what), "tracefs %s (%zu events)%s",
		 s->tree.root ? "directory" : "tar", s->tree.cnt, live ? ", running kernel" : "");
	r = uz_target_set_prov(t, &t->prov.container, what);
	if (!r && rel[0])
		r = uz_target_set_prov(t, &t->prov.release, rel);
	if (!r && bid[0])
		r = uz_target_set_prov(t, &t->prov.build_id, bid);
	return r;
}

static int tfs_open(struct uz_target *t, const struct uz_source_input *in, struct uz_error *err)
{
	const char *const *tn = UZ_OPTS_GET(in->opts, type_names, NULL);
	size_t n = UZ_OPTS_GET(in->opts, type_name_cnt, (size_t)0);
	struct tfs_state *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return uz_err_set(err, -ENOMEM, "out of memory");
	t->src_state = s;
	r = uz_tfs_tree_open(&s->tree, in->path, in->data, in->len, err);
	r = r ?: uz_tfs_builder_new(&s->b, err);
	if (r)
		return r;
	s->parsed = calloc(s->tree.cnt, sizeof(*s->parsed));
	if (!s->parsed)
		return uz_err_set(err, -ENOMEM, "out of memory");
	r = set_prov(t, in, s) ? uz_err_set(err, -ENOMEM, "out of memory") : 0;
	r = r ?: publish(t, s, err);
	return r ?: (tn && n ? tfs_need(t, tn, n, err) : 0);
}

const struct uz_source uz_source_tracefs = {
	.name = "tracefs",
	.kind = UZ_SOURCE_TRACEFS,
	.probe = tfs_probe,
	.open = tfs_open,
	.need = tfs_need,
	.describe = tfs_describe,
	.release = tfs_release,
};
