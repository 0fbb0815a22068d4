/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The .note.userize section of a relocated object: note.c. */
#ifndef UZ_OBJECT_NOTE_H
#define UZ_OBJECT_NOTE_H

#include "common/uz_internal.h"

#define UZ_NOTE_SECTION ".note.userize"
#define UZ_NOTE_NAME "userize"
#define UZ_NOTE_TYPE_TARGET 1

/* Decode a .note.userize section (@swap: object byte order differs from
 * the host's); -EINVAL with a message when malformed. */
int uz_note_parse(const uint8_t *p, size_t len, bool swap, struct uz_relocated_info *info,
		  const char *obj_name, struct uz_error *err);
/* Encode @info as section bytes (malloc'ed, a multiple of 4 bytes). */
int uz_note_build(const struct uz_relocated_info *info, bool swap, uint8_t **out,
		  size_t *len);

#endif
