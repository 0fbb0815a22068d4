/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The target-source interface. Every place target types come from (BTF in
 * its containers, DWARF, a btfgen archive, tracefs formats) is one struct
 * uz_source. target.c picks the source for an input, the source fills
 * the target: a validated libbpf struct btf, the name index over it, and
 * the provenance. The resolution code only ever sees that result.
 *
 * Complete sources (BTF) produce all types at open. Lazy sources (DWARF)
 * produce the types named so far and grow on need(): the driver asks for
 * the root names of an object's records before resolving them. A lazy
 * source rebuilds t->btf and t->idx on need(); the previous btf is kept
 * until the target is freed, so pointers handed out stay valid.
 *
 * need() names may also be "tracepoint:SYS/EVENT=KERNELNAME": the driver
 * passes one per userize:tracepoint tag of a view (KERNELNAME: the view's
 * first kernel name). Sources other than tracefs find no such type.
 */
#ifndef UZ_TARGET_SOURCE_H
#define UZ_TARGET_SOURCE_H

#include "target/target.h"

/* What a source is given to read. Exactly one of path and data is set
 * (data is borrowed for the duration of open()). */
struct uz_source_input {
	const char *path;              /* file or directory */
	const uint8_t *data;           /* bytes (uz_target_load_mem, or the file mapped) */
	size_t len;
	const struct uz_target_opts *opts; /* validated; never NULL */
};

struct uz_source {
	const char *name;              /* "btf", "dwarf", ... */
	unsigned int kind;             /* one UZ_SOURCE_* bit */
	/* Can this source read @in? Cheap checks only (magic, sections). */
	bool (*probe)(const struct uz_source_input *in);
	/* Fill @t (btf, idx, provenance; state for lazy sources). */
	int (*open)(struct uz_target *t, const struct uz_source_input *in, struct uz_error *err);
	/* Lazy sources: make the types named @names available, with
	 * everything they reach (NULL for complete sources). Names are as
	 * the driver looks them up: flavor suffixes ("___v510") still on,
	 * to be stripped by the source; a name the kernel lacks is not an
	 * error (resolution reports it). */
	int (*need)(struct uz_target *t, const char *const *names, size_t cnt,
		    struct uz_error *err);
	/* Optional: where target type @type_id was read from, for messages:
	 * "FILE:LINE" of member @member of it, or of the type itself when
	 * @member < 0 ("FILE" when there is no line). Writes @buf and returns
	 * true, or false when the source cannot say (NULL: it never can; BTF
	 * has no such positions, DWARF could give the declaring CU's line). */
	bool (*describe)(const struct uz_target *t, uint32_t type_id, int member, char *buf,
			 size_t sz);
	/* Release t->src_state. */
	void (*release)(struct uz_target *t);
};

extern const struct uz_source uz_source_btf;
extern const struct uz_source uz_source_archive;
extern const struct uz_source uz_source_tracefs;

/* The running kernel's tracefs mount (/sys/kernel/tracing, else
 * /sys/kernel/debug/tracing) when its events/ is there, else NULL. */
const char *uz_tracefs_running(void);
extern const struct uz_source uz_source_dwarf;

/* Set a provenance string of @t (copied); -ENOMEM on failure. */
int uz_target_set_prov(struct uz_target *t, const char **field, const char *value);

/* Swap in a new btf + index for a lazy source; the old btf is retired
 * (kept until uz_target_free). Takes ownership of @btf and @idx. */
int uz_target_replace_btf(struct uz_target *t, struct btf *btf, struct uz_name_index *idx,
			  struct uz_error *err);

#endif
