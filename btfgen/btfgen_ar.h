/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the archive source (reloc/target/source_archive.c) needs from the archive reader. */
#ifndef UZ_BTFGEN_AR_H
#define UZ_BTFGEN_AR_H

#include <bpf/btf.h>

#include "btfgen/archive.h"
#include "target/name_index.h"

/* Rebuild entry @idx as a validated libbpf btf in the entry's byte order,
 * indexing it into @nidx when not NULL. @name names it in messages. */
int uz_archive_entry_load(struct uz_archive *a, size_t idx, const char *name,
			  struct btf **btf, struct uz_name_index *nidx, struct uz_error *err);

/* Does @data start like a btfgen archive? */
static inline bool uz_archive_probe(const uint8_t *data, size_t len)
{
	return len >= UZ_AR_HDR_LEN && !memcmp(data, UZ_AR_MAGIC, 8);
}

#endif
