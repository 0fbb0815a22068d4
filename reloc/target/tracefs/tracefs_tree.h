/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Private to reloc/target/tracefs/: the SYS/EVENT/format entries of a tracefs tree (tracefs_tree.c). */
#ifndef UZ_TRACEFS_TREE_H
#define UZ_TRACEFS_TREE_H

#include <sys/types.h>

#include "common/uz_internal.h"

struct uz_tfs_node {
	char *sys, *name;
	size_t off, len;      /* tar: the member's bytes in tree->tar */
};

struct uz_tfs_tree {
	char *where;          /* the path given, for messages */
	char *root;           /* directory: its events/ directory */
	uint8_t *tar;         /* tar: the decompressed archive */
	size_t tar_len;
	struct uz_tfs_node *ev; /* sorted by sys, then name */
	size_t cnt;
};

/* A directory with events/SYS/EVENT/format (or SYS/EVENT/format), or a
 * tar (plain, gzip, xz, zstd) with such members? */
bool uz_tfs_tree_probe(const char *path, const uint8_t *data, size_t len);
int uz_tfs_tree_open(struct uz_tfs_tree *t, const char *path, const uint8_t *data, size_t len,
		     struct uz_error *err);
void uz_tfs_tree_close(struct uz_tfs_tree *t);
/* Index of SYS/NAME (@sys NULL: the first event called @name), or -1. */
ssize_t uz_tfs_tree_find(const struct uz_tfs_tree *t, const char *sys, const char *name);
/* The file entry @i stands for, for messages. */
void uz_tfs_tree_file(const struct uz_tfs_tree *t, size_t i, char *buf, size_t sz);
/* Its format text, malloc'ed and NUL-terminated. */
int uz_tfs_tree_read(const struct uz_tfs_tree *t, size_t i, char **text, size_t *len,
		     struct uz_error *err);

#endif
