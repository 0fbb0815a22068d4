/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Conventions shared by every subcommand (tools/cli_common.c), as bpftool
 * has them: -j/--json and -p/--pretty (pretty implies JSON), --opt=value,
 * "-" for standard input and output, one version string.
 */
#ifndef UZ_TOOLS_CLI_H
#define UZ_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A mapped input file that shrinks while being read: exit status 2 with a
 * message naming it, not a crash (tools/sigbus.c). */
void cli_catch_sigbus(void);

/* The version pkg-config reports (CMake's PROJECT_VERSION). */
const char *cli_version(void);

/* "-" or /dev/stdout: the output is standard output. */
bool cli_is_stdout(const char *path);

/*
 * Split "--opt=value" in place: *@opt gets "--opt" (a copy in @buf),
 * *@val "value"; other arguments are left as they are with *@val NULL.
 */
void cli_split_opt(const char *arg, char *buf, size_t sz, const char **opt, const char **val);

struct uz_object;
/* uz_object_open(), or from standard input for "-" (named "<stdin>"); 0, or
 * -errno with the message on stderr prefixed by @prog. */
int cli_object_open(const char *prog, const char *path, struct uz_object **obj);

/* Read @path, or standard input for "-", into a malloc'ed buffer; 0 or -errno
 * with the message printed on stderr, prefixed by @prog. */
int cli_read_input(const char *prog, const char *path, uint8_t **data, size_t *len);

/*
 * JSON on standard output: with @pretty, cli_json_begin() points stdout at a
 * memory buffer until cli_json_end(), which re-indents it onto the real
 * standard output (two spaces a level, one member a line). Both return or
 * keep stdout, so writers need not know.
 */
struct cli_json {
	bool pretty;
	char *buf;
	size_t len;
	FILE *f;
};
FILE *cli_json_begin(struct cli_json *j, bool pretty);
int cli_json_end(struct cli_json *j);

#endif
