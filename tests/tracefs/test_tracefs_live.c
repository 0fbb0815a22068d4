// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/tracefs/test_tracefs_live.c: the tracefs source on the running
 * kernel (root; tracefs is mounted if it is not).
 *
 * - Every event whose record type the kernel's BTF has: the record built
 *   from its format agrees with BTF on every member (name, offset, size,
 *   signedness). Mapping rule, event -> BTF record: syscalls:sys_enter_* ->
 *   syscall_trace_enter, sys_exit_* -> syscall_trace_exit; else
 *   trace_event_raw_EVENT when its member names are the format's (a
 *   TRACE_EVENT: class == event); else the trace_event_raw_* structs with
 *   exactly the format's member names (a DEFINE_EVENT of some class; if
 *   several classes have those names the event agrees when it agrees with
 *   one). Events no struct matches by names are counted apart. Where BTF's
 *   member type is not an integer, enum or array of them (pointer, struct),
 *   signedness is not comparable: listed as an exception with that reason.
 * - tpfork (sched_process_fork) and writesize (sys_enter_write) relocated
 *   against /sys/kernel/tracing, against a tar.gz copy of the format files
 *   and against their `userize btf extract` snapshot give the same
 *   instructions as against /sys/kernel/btf/vmlinux,
 *   load, and read the right values (the shared checks).
 * - skb_drop_reason from kfree_skb's print fmt: the values BTF has.
 * - views whose events disagree, or name a missing event: errors naming them;
 *   a view reading a field at a width no load can adjust: poisoned, the
 *   message naming the format file and the line the kernel has the field on.
 */
#include "live_util.h"

#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "userize/userize.h"

#define TRACEFS "/sys/kernel/tracing"
#define VMLINUX "/sys/kernel/btf/vmlinux"

static struct uz_target *load(const char *path, unsigned int src, const char *need)
{
	UZ_OPTS_INIT(uz_target_opts, o, .sources = src, .type_names = &need,
		     .type_name_cnt = need ? 1 : 0);
	struct uz_error err = { 0 };
	struct uz_target *t = NULL;

	if (uz_target_load(path, &o, &t, &err))
		fail_msg("load %s: %s", path ? path : "(the running kernel)", err.msg);
	return t;
}

/* ---- agreement ------------------------------------------------------------ */

static const struct btf_type *skip_mods(const struct btf *b, uint32_t id, uint32_t *res)
{
	const struct btf_type *t = btf__type_by_id(b, id);

	while (btf_is_typedef(t) || btf_is_mod(t)) {
		id = t->type;
		t = btf__type_by_id(b, id);
	}
	if (res)
		*res = id;
	return t;
}

/* 1 signed, 0 unsigned, -1 not an integer (reason in @why). */
static int sign_of(const struct btf *b, uint32_t id, const char **why)
{
	const struct btf_type *t = skip_mods(b, id, NULL);

	if (btf_is_array(t))
		t = skip_mods(b, btf_array(t)->type, NULL);
	if (btf_is_int(t))
		return !!(btf_int_encoding(t) & BTF_INT_SIGNED);
	if (btf_is_enum(t) || btf_is_enum64(t))
		return btf_kflag(t);
	*why = btf_is_ptr(t) ? "a pointer" : btf_is_composite(t) ? "a struct or union" : "not an integer";
	return -1;
}

static void names_sig(const struct btf *b, const struct btf_type *t, char *buf, size_t sz)
{
	const struct btf_member *m = btf_members(t);
	size_t o = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < btf_vlen(t) && o < sz; i++)
		o += (size_t)snprintf(buf + o, sz - o, "%s,", btf__name_by_offset(b, m[i].name_off));
}

struct stats {
	unsigned int events, agreed, fields, unmapped, exceptions, bad;
};

/* Compare record @tid of @tb with kernel struct @kid; returns disagreements.
 * @print: report each one (and each exception). */
static unsigned int compare(const struct btf *tb, uint32_t tid, const struct btf *kb, uint32_t kid,
			    const char *ev, bool print, struct stats *s)
{
	const struct btf_type *tt = btf__type_by_id(tb, tid), *kt = btf__type_by_id(kb, kid);
	const struct btf_member *tm = btf_members(tt), *km = btf_members(kt);
	unsigned int bad = 0;
	int i;

	if (btf_vlen(tt) != btf_vlen(kt))
		return 1;
	for (i = 0; i < btf_vlen(tt); i++) {
		const char *n = btf__name_by_offset(tb, tm[i].name_off), *why = NULL;
		long ts = btf__resolve_size(tb, tm[i].type), ks = btf__resolve_size(kb, km[i].type);
		int tsg = sign_of(tb, tm[i].type, &why), ksg;

		ksg = sign_of(kb, km[i].type, &why);
		if (btf_member_bit_offset(tt, i) != btf_member_bit_offset(kt, i) || ts != ks ||
		    btf_member_bitfield_size(kt, i)) {
			bad++;
			if (print)
				printf("  DISAGREE %s.%s: offset %u/%u size %ld/%ld (tracefs/BTF)\n", ev, n,
				       btf_member_bit_offset(tt, i) / 8, btf_member_bit_offset(kt, i) / 8, ts, ks);
		} else if (ksg < 0 || tsg < 0) {
			if (print && !strcmp(n, "ent"))
				continue;
			if ((tsg < 0) != (ksg < 0) && !btf_is_typedef(btf__type_by_id(tb, tm[i].type))) {
				bad++;
				if (print)
					printf("  DISAGREE %s.%s: integer in one, %s in the other\n", ev, n, why);
			} else if (print && (tsg < 0) != (ksg < 0)) {
				s->exceptions++;
				printf("  exception %s.%s: the format names only typedef %s, which BTF defines as %s: offset and size agree, built as an integer of that size\n",
				       ev, n, btf__name_by_offset(tb, btf__type_by_id(tb, tm[i].type)->name_off), why);
			} else if (print) {
				s->exceptions++;
				printf("  exception %s.%s: BTF type is %s: offset and size agree, signedness not comparable\n",
				       ev, n, why);
			}
		} else if (tsg != ksg) {
			bad++;
			if (print)
				printf("  DISAGREE %s.%s: signed %d/%d\n", ev, n, tsg, ksg);
		}
		if (print)
			s->fields++;
	}
	return bad;
}

static void every_event_agrees(void **state)
{
	struct uz_target *tt, *kt;
	const struct btf *tb, *kb;
	struct stats s = { 0 };
	uint32_t n, kn, id, k;
	char sig[4096], ksig[4096];
	const char *name;

	(void)state;
	live_require_root();
	assert_int_equal(uz_runner_mount_tracefs(stderr), 0);
	tt = load(TRACEFS, UZ_SOURCE_TRACEFS, "tracepoint:*");
	kt = load(VMLINUX, UZ_SOURCE_BTF, NULL);
	tb = uz_target_btf(tt);
	kb = uz_target_btf(kt);
	n = btf__type_cnt(tb);
	kn = btf__type_cnt(kb);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(tb, id);
		const char *ev, *kname;
		char kbuf[256];
		int kid;
		bool ok = false, mapped = false;

		if (!btf_is_struct(t))
			continue;
		name = btf__name_by_offset(tb, t->name_off);
		if (!strncmp(name, "syscall_trace_enter___", 22) || !strncmp(name, "syscall_trace_exit___", 21)) {
			ev = strstr(name, "___") + 3;
			snprintf(kbuf, sizeof(kbuf), "%.*s", (int)(strstr(name, "___") - name), name);
		} else if (!strncmp(name, "trace_event_raw_", 16)) {
			ev = name + 16;
			snprintf(kbuf, sizeof(kbuf), "%s", name);
		} else {
			continue;
		}
		kname = kbuf;
		names_sig(tb, t, sig, sizeof(sig));
		kid = btf__find_by_name_kind(kb, kname, BTF_KIND_STRUCT);
		if (kid > 0) {
			names_sig(kb, btf__type_by_id(kb, (uint32_t)kid), ksig, sizeof(ksig));
			if (!strcmp(sig, ksig) || !strncmp(kname, "syscall_", 8)) {
				mapped = true;
				ok = compare(tb, id, kb, (uint32_t)kid, ev, false, &s) == 0;
				if (!ok)
					compare(tb, id, kb, (uint32_t)kid, ev, true, &s);
				else
					compare(tb, id, kb, (uint32_t)kid, ev, true, &s);
			}
		}
		for (k = 1; !mapped && k < kn; k++) {
			const struct btf_type *c = btf__type_by_id(kb, k);

			if (!btf_is_struct(c) || strncmp(btf__name_by_offset(kb, c->name_off), "trace_event_raw_", 16))
				continue;
			names_sig(kb, c, ksig, sizeof(ksig));
			if (strcmp(sig, ksig))
				continue;
			if (compare(tb, id, kb, k, ev, false, &s) == 0) {
				mapped = ok = true;
				compare(tb, id, kb, k, ev, true, &s);
			}
			kid = (int)k;
		}
		if (!mapped && kid > 0 && !ok && strncmp(kname, "syscall_", 8) &&
		    btf__find_by_name_kind(kb, kname, BTF_KIND_STRUCT) <= 0) {
			/* names matched some class, layout matched none */
			printf("  DISAGREE %s: no class with its member names agrees\n", ev);
			compare(tb, id, kb, (uint32_t)kid, ev, true, &s);
			s.events++;
			s.bad++;
			continue;
		}
		if (!mapped) {
			s.unmapped++;
			printf("  not counted %s: the kernel's BTF has no trace_event_raw_* struct with its member names (ftrace's own events are records of other structs)\n",
			       ev);
			continue;
		}
		s.events++;
		if (ok)
			s.agreed++;
		else
			s.bad++;
	}
	printf("tracefs vs BTF: %u/%u events agree on every member (%u members compared, %u exceptions listed above); %u events have no BTF record by the mapping rule\n",
	       s.agreed, s.events, s.fields, s.exceptions, s.unmapped);
	uz_target_free(tt);
	uz_target_free(kt);
	assert_true(s.events > 1000);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.agreed, s.events);
}

/* ---- same instructions ------------------------------------------------------ */

static const char *obj_path(const char *name, char *buf, size_t sz)
{
	const char *b = getenv("UZ_BUILD");

	if (!b)
		fail_msg("UZ_BUILD is not set (ctest sets it)");
	snprintf(buf, sz, "%s/%s", b, name);
	return buf;
}

static struct uz_relocation *relocate(struct uz_object *o, struct uz_target *t, struct uz_error *err)
{
	struct uz_relocation *rel = NULL;

	if (uz_object_relocate(o, t, NULL, &rel, err))
		return NULL;
	return rel;
}

static void same_insns(const char *obj, const char *section, struct uz_target *a, struct uz_target *b)
{
	struct uz_error err = { 0 };
	struct uz_object *o = NULL;
	struct uz_relocation *ra, *rb;
	const void *ia, *ib;
	size_t na = 0, nb = 0;
	char p[512];

	if (uz_object_open(obj_path(obj, p, sizeof(p)), NULL, &o, &err))
		fail_msg("%s", err.msg);
	ra = relocate(o, a, &err);
	if (!ra)
		fail_msg("%s vs %s: %s", obj, uz_target_name(a), err.msg);
	rb = relocate(o, b, &err);
	if (!rb)
		fail_msg("%s vs %s: %s", obj, uz_target_name(b), err.msg);
	assert_int_equal(uz_relocation_count(rb, UZ_RESULT_OK), uz_relocation_record_cnt(rb));
	assert_true(uz_relocation_record_cnt(rb) > 0);
	ia = uz_relocation_insns(ra, section, &na);
	ib = uz_relocation_insns(rb, section, &nb);
	assert_non_null(ia);
	assert_int_equal(na, nb);
	assert_memory_equal(ia, ib, na * 8);
	printf("%s: %zu instructions, %zu relocations: identical from %s and %s\n", obj, na,
	       uz_relocation_record_cnt(rb), uz_target_name(a), uz_target_name(b));
	uz_relocation_free(ra);
	uz_relocation_free(rb);
	uz_object_free(o);
}

static void copy_tar(char *out, size_t sz)
{
	char dir[] = "/tmp/uz-tfs-copy-XXXXXX", cmd[1024];

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd " TRACEFS " && for f in events/*/*/format; do mkdir -p \"%s/${f%%/format}\" && cat \"$f\" > \"%s/$f\" || exit 1; done && "
		 "tar czf %s/events.tar.gz -C %s events", dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(out, sz, "%s/events.tar.gz", dir);
}

static void same_object_as_btf(void **state)
{
	struct uz_target *k, *t, *t2, *tar;
	char tgz[300], cmd[800], snap[300];

	(void)state;
	live_require_root();
	assert_int_equal(uz_runner_mount_tracefs(stderr), 0);
	k = load(VMLINUX, UZ_SOURCE_BTF, NULL);
	t = load(TRACEFS, 0, NULL);
	assert_int_equal(uz_target_provenance(t)->source, UZ_SOURCE_TRACEFS);
	/* no path, tracefs only: the running kernel's mount */
	t2 = load(NULL, UZ_SOURCE_TRACEFS, NULL);
	assert_string_equal(uz_target_provenance(t2)->path, TRACEFS);
	assert_int_equal(uz_target_provenance(t2)->source, UZ_SOURCE_TRACEFS);
	same_insns("tests/checks/tpfork.o", "tracepoint/sched/sched_process_fork", k, t2);
	uz_target_free(t2);
	copy_tar(tgz, sizeof(tgz));
	tar = load(tgz, 0, NULL);
	assert_int_equal(uz_target_provenance(tar)->source, UZ_SOURCE_TRACEFS);
	same_insns("tests/checks/tpfork.o", "tracepoint/sched/sched_process_fork", k, t);
	same_insns("samples/writesize.o", "tracepoint/syscalls/sys_enter_write", k, t);
	same_insns("tests/checks/tpfork.o", "tracepoint/sched/sched_process_fork", k, tar);
	same_insns("samples/writesize.o", "tracepoint/syscalls/sys_enter_write", k, tar);
	/* userize btf extract: the formats snapshot as BTF, a BTF target */
	snprintf(cmd, sizeof(cmd), "'%s/userize' btf extract -q %s -o \"$(dirname %s)/tp.btf\"",
		 getenv("UZ_BUILD"), TRACEFS, tgz);
	assert_int_equal(system(cmd), 0);
	snprintf(snap, sizeof(snap), "%s", tgz);
	snprintf(strrchr(snap, '/'), sizeof(snap) - (size_t)(strrchr(snap, '/') - snap), "/tp.btf");
	t2 = load(snap, 0, NULL);
	assert_int_equal(uz_target_provenance(t2)->source, UZ_SOURCE_BTF);
	same_insns("tests/checks/tpfork.o", "tracepoint/sched/sched_process_fork", k, t2);
	same_insns("samples/writesize.o", "tracepoint/syscalls/sys_enter_write", k, t2);
	uz_target_free(t2);
	uz_target_free(k);
	uz_target_free(t);
	uz_target_free(tar);
	snprintf(cmd, sizeof(cmd), "rm -rf \"$(dirname %s)\"", tgz);
	assert_int_equal(system(cmd), 0);
}

static void checks_from_tracefs(void **state)
{
	static const char *const names[] = { "tpfork", "writesize" };
	struct uzc c = { .log = stdout, .objpath = getenv("UZ_CHECKS_OBJPATH"), .target = TRACEFS };
	size_t i;

	(void)state;
	live_require_root();
	assert_non_null(c.objpath);
	for (i = 0; i < 2; i++)
		if (uzc_run(&c, uzc_find(names[i])))
			fail_msg("check %s against %s: %u comparison(s) failed", names[i], TRACEFS, c.failed);
}

/* ---- enums, disagreement, missing events ----------------------------------- */

static long long enumval(const struct btf *b, const char *en, const char *val)
{
	int id = btf__find_by_name_kind(b, en, BTF_KIND_ENUM);
	const struct btf_type *t;
	int i;

	assert_true(id > 0);
	t = btf__type_by_id(b, (uint32_t)id);
	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(b, btf_enum(t)[i].name_off), val))
			return btf_enum(t)[i].val;
	fail_msg("enum %s has no %s", en, val);
	return -1;
}

static void drop_reasons(void **state)
{
	struct uz_target *k, *t;

	(void)state;
	live_require_root();
	assert_int_equal(uz_runner_mount_tracefs(stderr), 0);
	k = load(VMLINUX, UZ_SOURCE_BTF, NULL);
	t = load(TRACEFS, UZ_SOURCE_TRACEFS, "skb_drop_reason___uz");
	assert_int_equal(enumval(uz_target_btf(t), "skb_drop_reason", "SKB_DROP_REASON_NO_SOCKET"),
			 enumval(uz_target_btf(k), "skb_drop_reason", "SKB_DROP_REASON_NO_SOCKET"));
	assert_int_equal(enumval(uz_target_btf(t), "skb_drop_reason", "SKB_DROP_REASON_NOT_SPECIFIED"),
			 enumval(uz_target_btf(k), "skb_drop_reason", "SKB_DROP_REASON_NOT_SPECIFIED"));
	uz_target_free(k);
	uz_target_free(t);
}

static void reloc_fails(const char *obj, const char *w1, const char *w2, const char *w3)
{
	struct uz_error err = { 0 };
	struct uz_object *o = NULL;
	struct uz_target *t = load(TRACEFS, UZ_SOURCE_TRACEFS, NULL);
	char p[512];

	if (uz_object_open(obj_path(obj, p, sizeof(p)), NULL, &o, &err))
		fail_msg("%s", err.msg);
	assert_null(relocate(o, t, &err));
	printf("%s -> %s\n", obj, err.msg);
	assert_non_null(strstr(err.msg, w1));
	assert_non_null(strstr(err.msg, w2));
	assert_non_null(strstr(err.msg, w3));
	uz_object_free(o);
	uz_target_free(t);
}

static void events_disagree(void **state)
{
	(void)state;
	live_require_root();
	assert_int_equal(uz_runner_mount_tracefs(stderr), 0);
	reloc_fails("tests/tracefs/disagree.o", "field offset ambiguity",
		    "trace_event_raw_sched_process_template___sched_process_exit",
		    "trace_event_raw_sched_process_template___sched_process_free");
	reloc_fails("tests/tracefs/missing.o", "no event sched/no_such_event",
		    TRACEFS "/events/sched/no_such_event/format", "does not exist");
}

/* The field's line in the running kernel's format file, read here with
 * plain stdio (not the parser); 0 when the file has no such line. */
static unsigned int format_line(const char *file, const char *needle, unsigned int *size)
{
	char line[4096];
	unsigned int n = 0;
	FILE *f = fopen(file, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *sz;

		n++;
		if (strstr(line, needle) && (sz = strstr(line, "size:"))) {
			*size = (unsigned int)strtoul(sz + 5, NULL, 10);
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return 0;
}

/* A view reading sched_switch's prev_pid as a long against the running
 * kernel's tracefs: the poison names the format file and the line the
 * kernel has prev_pid on. */
static void view_vs_format(void **state)
{
	const char *file = TRACEFS "/events/sched/sched_switch/format";
	struct uz_error err = { 0 };
	struct uz_object *o = NULL;
	struct uz_relocation *rel;
	struct uz_target *t;
	const struct uz_record *r = NULL;
	unsigned int line, size = 0;
	char p[512], want[600];
	size_t i;

	(void)state;
	live_require_root();
	assert_int_equal(uz_runner_mount_tracefs(stderr), 0);
	line = format_line(file, " prev_pid;", &size);
	if (!line)
		fail_msg("%s has no prev_pid field", file);
	t = load(TRACEFS, UZ_SOURCE_TRACEFS, NULL);
	if (uz_object_open(obj_path("tests/tracefs/mismatch.o", p, sizeof(p)), NULL, &o, &err))
		fail_msg("%s", err.msg);
	rel = relocate(o, t, &err);
	if (!rel)
		fail_msg("%s", err.msg);
	for (i = 0; i < uz_relocation_record_cnt(rel); i++)
		if (!strcmp(uz_relocation_record(rel, i)->spec, "tp_switch_wide_user.prev_pid"))
			r = uz_relocation_record(rel, i);
	assert_non_null(r);
	printf("  %s\n", r->message);
	assert_int_equal(r->result, UZ_RESULT_POISONED);
	snprintf(want, sizeof(want), "%s:%u: field 'prev_pid' is %u bytes, the view reads 8 (", file, line,
		 size);
	if (strncmp(r->message, want, strlen(want)))
		fail_msg("'%s' does not start with '%s'", r->message, want);
	uz_relocation_free(rel);
	uz_object_free(o);
	uz_target_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_event_agrees),
		cmocka_unit_test(same_object_as_btf),
		cmocka_unit_test(checks_from_tracefs),
		cmocka_unit_test(drop_reasons),
		cmocka_unit_test(events_disagree),
		cmocka_unit_test(view_vs_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
