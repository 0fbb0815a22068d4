/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the btfgen archive reader (btfgen/archive_read.c) and the
 * archive target source. The header's two crc32 fields are recomputed over
 * the fuzzed bytes first (on a copy), or nearly every mutation would stop
 * at the checksum; the checks behind it (lengths, entry table, strings,
 * inflation, type records, per-entry id lists) are what is fuzzed. Every
 * entry is rebuilt as BTF and checked; the first entry is also loaded as a
 * target through uz_target_load_mem().
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "btfgen/archive.h"
#include "fuzz_common.h"
#include "target/btf_check.h"

static void put(uint8_t *p, uint32_t v, bool big)
{
	int i;

	for (i = 0; i < 4; i++)
		p[big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get(const uint8_t *p, bool big)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v |= (uint32_t)p[big ? 3 - i : i] << (8 * i);
	return v;
}

/* Make the checksums match the bytes, as the reader computes them. */
static void fix_crcs(uint8_t *d, size_t len)
{
	bool big;
	uint64_t meta, pay;
	uint32_t crc;

	if (len < UZ_AR_HDR_LEN || memcmp(d, UZ_AR_MAGIC, 8))
		return;
	big = (get(d + UZ_AR_H_FLAGS, false) & UZ_AR_F_BIG) != 0;
	meta = get(d + UZ_AR_H_META_LEN, big);
	pay = get(d + UZ_AR_H_PAYLOAD_LEN, big);
	if (UZ_AR_HDR_LEN + meta + pay > len)
		return;
	put(d + UZ_AR_H_PAYLOAD_CRC, (uint32_t)crc32(0, d + UZ_AR_HDR_LEN + meta, (uInt)pay), big);
	crc = (uint32_t)crc32(0, d, UZ_AR_H_META_CRC);
	crc = (uint32_t)crc32(crc, d + UZ_AR_HDR_LEN, (uInt)meta);
	put(d + UZ_AR_H_META_CRC, crc, big);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UZ_OPTS_INIT(uz_target_opts, o, .name = "fuzz.uzar", .sources = UZ_SOURCE_ARCHIVE);
	struct uz_error err = { 0 };
	struct uz_archive *a = NULL;
	struct uz_target *t = NULL;
	char release[128] = "";
	uint8_t *copy;
	size_t i, idx;

	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	fix_crcs(copy, size);
	if (uz_archive_open_mem(copy, size, &a, &err)) {
		free(copy);
		return 0;
	}
	for (i = 0; i < uz_archive_entry_cnt(a) && i < 8; i++) {
		const struct uz_archive_entry_info *e = uz_archive_entry(a, i);
		void *btf = NULL;
		size_t len = 0;
		struct btf *b = NULL;

		if (!e)
			abort(); /* every index below the count has an entry */
		if (i == 0)
			snprintf(release, sizeof(release), "%s", e->release);
		(void)(strlen(e->arch) + strlen(e->build_id) + strlen(e->distro));
		if (uz_archive_entry_btf(a, i, &btf, &len, &err))
			continue;
		if (!uz_btf_parse_checked(btf, len, "fuzz entry", &b, &err))
			btf__free(b);
		free(btf);
	}
	(void)uz_archive_find(a, release, NULL, &idx, &err);
	(void)uz_archive_find(a, "no-such-release", "00", &idx, &err);
	uz_archive_free(a);
	if (release[0]) {
		o.kernel_release = release;
		if (!uz_target_load_mem(copy, size, &o, &t, &err))
			uz_target_free(t);
	}
	free(copy);
	return 0;
}
