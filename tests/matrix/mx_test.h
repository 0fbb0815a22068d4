/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers shared by the `userize matrix` tests: run a shell command and
 * capture its standard output and error apart, and walk a BTF file with
 * libbpf's btf.h API to compute a field's offset and size independently of
 * userize (through anonymous members, as "struct.member.member" paths).
 */
#ifndef UZ_TESTS_MX_TEST_H
#define UZ_TESTS_MX_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;

struct mx_cmd {
	char *out, *err;	/* NUL-terminated; free with mx_cmd_free() */
	size_t out_len, err_len;
	int status;		/* exit status, -1 if killed */
};

/* Run `sh -c CMD` (printf-style); aborts the test on setup failures. */
int mx_cmd_run(struct mx_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mx_cmd_free(struct mx_cmd *c);

/* Whole file into a NUL-terminated malloc'ed buffer (NULL if unreadable). */
char *mx_read_file(const char *path, size_t *len);
void mx_write_file(const char *path, const void *data, size_t len);

/*
 * Offset and size of "struct.a.b" in @btf, members found by name through
 * anonymous struct/union members. 0 found, -1 no such struct or member,
 * -2 a bitfield (no byte offset/size).
 */
int mx_btf_path(const struct btf *btf, const char *path, uint64_t *off, uint64_t *size);

/* Type id of the struct or union named @name, 0 if none. */
uint32_t mx_btf_composite(const struct btf *btf, const char *name);

/* A new directory /tmp/PREFIX_XXXXXX in @buf; 0 or -1. */
int mx_tmpdir(char *buf, size_t sz, const char *prefix);
/* rm -rf @dir; 0 on success. */
int mx_rmtree(const char *dir);

#endif
