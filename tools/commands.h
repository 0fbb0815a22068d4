/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Subcommands of the userize CLI; each returns the process exit status. */
#ifndef UZ_COMMANDS_H
#define UZ_COMMANDS_H

int uz_cmd_reloc(int argc, char **argv);   /* userize reloc */
int uz_cmd_explain(int argc, char **argv); /* userize explain */
int uz_cmd_btf(int argc, char **argv);     /* userize btf extract */
int uz_cmd_matrix(int argc, char **argv);  /* userize matrix */
int uz_cmd_btfgen(int argc, char **argv);  /* userize btfgen */

#endif
