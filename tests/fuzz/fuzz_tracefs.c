/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the tracefs format parser (reloc/target/tracefs/). A format
 * file's text is parsed (event named by its "name:" line, system "syscalls"
 * for sys_enter_/sys_exit_ events as in a real tree) and its record built as
 * BTF, which is then validated as every source's output is. Input that
 * looks like a tar of an events/ tree (plain or compressed) is loaded as a
 * tracefs target instead, every event's record asked for.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "target/btf_check.h"
#include "target/tracefs/tracefs.h"
#include "target/tracefs/tracefs_tree.h"

static void event_name(const char *text, size_t len, char *name, size_t sz)
{
	const char *p = memmem(text, len, "name: ", 6);
	size_t i = 0;

	snprintf(name, sz, "event");
	if (!p)
		return;
	p += 6;
	while (p + i < text + len && i + 1 < sz && (isalnum((unsigned char)p[i]) || p[i] == '_')) {
		name[i] = p[i];
		i++;
	}
	if (i)
		name[i] = 0;
}

static void tree(const uint8_t *data, size_t size)
{
	static const char *const all[] = { "tracepoint:*" };
	UZ_OPTS_INIT(uz_target_opts, o, .name = "fuzz-tracefs.tar", .sources = UZ_SOURCE_TRACEFS,
		     .type_names = all, .type_name_cnt = 1);
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;

	if (!uz_target_load_mem(data, size, &o, &t, &err))
		uz_target_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uz_tfs_event ev;
	struct uz_tfs_builder *b = NULL;
	struct uz_error err = { 0 };
	char name[64], sname[160];
	struct btf *out = NULL;
	const void *raw;
	uint32_t raw_len;
	char *text;

	if (uz_tfs_tree_probe(NULL, data, size)) {
		tree(data, size);
		return 0;
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	event_name(text, size, name, sizeof(name));
	memset(&ev, 0, sizeof(ev));
	if (uz_tfs_parse("fuzz/format", strncmp(name, "sys_e", 5) ? "fuzz" : "syscalls", name,
			 text, size, &ev, &err))
		goto out;
	if (uz_tfs_builder_new(&b, &err))
		goto out;
	uz_tfs_default_name(&ev, sname, sizeof(sname));
	if (!uz_tfs_build_record(b, &ev, sname, &err)) {
		raw = btf__raw_data(uz_tfs_builder_btf(b), &raw_len);
		if (raw && !uz_btf_parse_checked(raw, raw_len, "fuzz record", &out, &err))
			btf__free(out);
	}
	uz_tfs_builder_free(b);
out:
	uz_tfs_event_free(&ev);
	free(text);
	return 0;
}
