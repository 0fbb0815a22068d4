/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A binary that carries a btfgen archive through the installed
 * userize_embed_archive() CMake function and loads an entry from it. */
#include <stdio.h>
#include <userize/userize.h>

extern const unsigned char uz_embedded_archive[], uz_embedded_archive_end[];

int main(void)
{
	size_t len = (size_t)(uz_embedded_archive_end - uz_embedded_archive);
	struct uz_archive *a = NULL;
	struct uz_target *t = NULL;
	struct uz_error e = { 0 };

	if (uz_archive_open_mem(uz_embedded_archive, len, &a, &e) || !uz_archive_entry_cnt(a)) {
		fprintf(stderr, "embedded archive: %s\n", e.msg);
		return 1;
	}
	{
		UZ_OPTS_INIT(uz_target_opts, o, .sources = UZ_SOURCE_ARCHIVE,
			     .kernel_release = uz_archive_entry(a, 0)->release);

		if (uz_target_load_mem(uz_embedded_archive, len, &o, &t, &e) ||
		    uz_target_provenance(t)->source != UZ_SOURCE_ARCHIVE) {
			fprintf(stderr, "embedded entry: %s\n", e.msg);
			return 1;
		}
	}
	printf("embedder ok: %zu entries, %s: %u types\n", uz_archive_entry_cnt(a),
	       uz_target_provenance(t)->release, uz_target_type_cnt(t));
	uz_target_free(t);
	uz_archive_free(a);
	return 0;
}
