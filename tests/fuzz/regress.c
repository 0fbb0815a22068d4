/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fuzz corpora as regression tests: a plain main() that feeds every file
 * of the directories it is given (tests/fuzz/corpus/NAME: the seeds, the
 * inputs fuzzing kept and every crash-* input ever found) to the harness's
 * LLVMFuzzerTestOneInput, linked without libFuzzer so it runs in the plain
 * and the sanitizer builds alike. A missing or empty directory fails: a
 * corpus that vanished must not pass as "nothing crashed".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int run_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	/* An exact-size heap copy, so ASan sees reads past the end. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)st.st_size);
	free(buf);
	return 1;
}

int main(int argc, char **argv)
{
	size_t total = 0;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct dirent **ents;
		size_t n = 0;
		int cnt, j;

		cnt = scandir(argv[i], &ents, NULL, alphasort);
		if (cnt < 0) {
			fprintf(stderr, "FAIL: corpus directory %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		for (j = 0; j < cnt; j++) {
			char path[4096];
			int r = 0;

			if (ents[j]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i], ents[j]->d_name);
				r = run_file(path);
			}
			free(ents[j]);
			if (r < 0)
				return 1;
			n += (size_t)r;
		}
		free(ents);
		if (!n) {
			fprintf(stderr, "FAIL: corpus directory %s has no inputs\n", argv[i]);
			return 1;
		}
		printf("%s: %zu inputs, none crashed\n", argv[i], n);
		total += n;
	}
	printf("%zu inputs in all\n", total);
	return 0;
}
