/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internal model of CO-RE resolution, shared by spec.c (access strings),
 * compat.c (the three compatibility relations), tags.c (userize decl tags),
 * match.c (local spec -> target spec), calc.c (values per kind) and
 * patch.c (instruction rewriting). Mirrors libbpf's relo_core model so the
 * results can be compared record by record.
 */
#ifndef UZ_CORE_H
#define UZ_CORE_H

#include <linux/bpf.h>
#include <bpf/btf.h>

#include "common/uz_internal.h"

#define UZ_SPEC_MAX_LEN 64
#define UZ_POISON_IMM 195896080 /* 0xbad2310: "bad relo" */

/* One high-level step of a spec: a named member or an array index. */
struct uz_accessor {
	uint32_t type_id;     /* containing struct/union (named) or element type (array) */
	uint32_t idx;
	const char *name;     /* NULL for array accessors */
};

struct uz_spec {
	const struct btf *btf;
	struct uz_accessor spec[UZ_SPEC_MAX_LEN];
	uint32_t root_type_id;
	unsigned int kind;
	int len;
	int raw_spec[UZ_SPEC_MAX_LEN];
	int raw_len;
	uint32_t bit_offset;
};

/* Result of resolving one record, as libbpf's bpf_core_relo_res. */
struct uz_relo_res {
	uint64_t orig_val;
	uint64_t new_val;
	bool poison;
	bool validate;
	bool fail_memsz_adjust;
	uint32_t orig_sz;
	uint32_t orig_type_id;
	uint32_t new_sz;
	uint32_t new_type_id;
};

/* userize decl tags of the object's own BTF. */
struct uz_member_alias {
	uint32_t member;      /* member index */
	char *path;           /* "__state" or "__sk_common.skc_family" */
};

struct uz_type_tags {
	char **kernel;        /* ordered kernel type names */
	size_t kernel_cnt;
	struct uz_member_alias *alias;
	size_t alias_cnt;
	char **tracepoint;    /* "sys/event" of userize:tracepoint= tags, in BTF order */
	size_t tracepoint_cnt;
};

struct uz_tags {
	uint32_t type_cnt;
	struct uz_type_tags **by_type; /* indexed by local type id, NULL if untagged */
};

int uz_tags_build(struct uz_tags *tags, const struct btf *btf, struct uz_error *err);
void uz_tags_free(struct uz_tags *tags);
const struct uz_type_tags *uz_tags_of(const struct uz_tags *tags, uint32_t type_id);

/* Kind classes. */
bool uz_kind_is_field(unsigned int kind);
bool uz_kind_is_type(unsigned int kind);
bool uz_kind_is_enumval(unsigned int kind);

/* names.c: length of @name without its flavor suffix (text from the last
 * "___" whose neighbours are not '_'), as libbpf's
 * bpf_core_essential_name_len(); uz_essential_len() for a counted name. */
size_t uz_essential_name_len(const char *name);
size_t uz_essential_len(const char *name, size_t n);

/* btf_util.c: btf helpers (ids must come from validated BTF). */
const struct btf_type *uz_skip_mods(const struct btf *btf, uint32_t id, uint32_t *res_id);
bool uz_kind_core_compat(const struct btf_type *a, const struct btf_type *b);
/* "struct foo", "enum bar", "int", "<anon> struct" into @buf. */
const char *uz_type_str(const struct btf *btf, uint32_t id, char *buf, size_t sz);
/* The C spelling of a type: "char[16]", "pid_t", "const struct sock *". */
const char *uz_type_decl(const struct btf *btf, uint32_t id, char *buf, size_t sz);

/* spec.c: parse the access string of a record against the local BTF. */
int uz_spec_parse(const struct btf *btf, uint32_t type_id, const char *access,
		  unsigned int kind, struct uz_spec *spec, char *why, size_t why_sz);
/* "task_struct_user.comm[2]", "enum e::VAL", "struct s" */
void uz_spec_format(const struct uz_spec *spec, char *buf, size_t sz);

/* compat.c: libbpf's three relations (1 yes, 0 no, <0 error). */
int uz_fields_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid);
int uz_types_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		    int level);
int uz_types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		   bool behind_ptr, int level, const struct uz_tags *tags);

/* match.c: match a local spec against one candidate root type. */
struct uz_match_ctx {
	const struct uz_tags *tags;   /* NULL: plain libbpf semantics */
	bool explain;                 /* fill why[] when a candidate does not match */
	char note[256];               /* which alias/name was used, for the report */
	char why[512];                /* when no match: why, with nearest names */
	/* With explain, when no match: the target type the mismatch is in and
	 * the member of it (-1: the type itself, e.g. a member it lacks), so
	 * the driver can name where the source read that type from; where_type
	 * 0: not known. */
	uint32_t where_type;
	int where_member;
	char error[512];              /* when the match is an error (<0): why, or "" */
};
/* 1 matched (@targ filled), 0 not (with ctx->explain, ctx->why says why), <0 error. The one
 * matcher serves resolution and explanations alike, so they cannot drift. */
int uz_spec_match(const struct uz_spec *local, const struct btf *tb, uint32_t targ_id,
		  struct uz_spec *targ, struct uz_match_ctx *ctx);

/* nearest.c: up to 4 names closest to @name (edit distance), "a, b, c". */
void uz_nearest_members(const struct btf *tb, uint32_t composite_id, const char *name,
			char *buf, size_t sz);
void uz_nearest_types(const struct btf *tb, unsigned int kind, const char *name,
		      char *buf, size_t sz);

/* calc.c: compute the relocation result for a matched (or NULL) target spec.
 * Returns 0, or a negative errno with @why filled. */
int uz_calc_relo(unsigned int kind, const struct uz_spec *local, const struct uz_spec *targ,
		 bool big_endian, struct uz_relo_res *res, char *why, size_t why_sz);

/* patch.c: rewrite @insn (and @insn[1] for LD_IMM64; @avail = insns left). */
int uz_patch_insn(struct bpf_insn *insn, size_t avail, const struct uz_relo_res *res,
		  char *why, size_t why_sz);

#endif
