/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Subcommands of the userize CLI; each returns the process exit status. */
#ifndef UZ_COMMANDS_H
#define UZ_COMMANDS_H

#include <stdbool.h>

int uz_cmd_reloc(int argc, char **argv);   /* userize reloc */
int uz_cmd_explain(int argc, char **argv); /* userize explain */
int uz_cmd_btf(int argc, char **argv);     /* userize btf extract */
int uz_cmd_matrix(int argc, char **argv);  /* userize matrix */
int uz_cmd_btfgen(int argc, char **argv);  /* userize btfgen */
int uz_cmd_btf_dump(int argc, char **argv); /* userize btf dump */
/* userize btf extract of a btfgen archive entry (cmd_btf_dump.c). */
int uz_cmd_btf_extract_archive(const char *input, const char *kernel, const char *output,
			       bool quiet);
bool uz_cmd_is_archive(const char *path);

#endif
