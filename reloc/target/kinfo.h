/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel identity (release, build id) for target provenance: kinfo.c. */
#ifndef UZ_TARGET_KINFO_H
#define UZ_TARGET_KINFO_H

#include <libelf.h>

#include "common/uz_internal.h"

#define UZ_RELEASE_MAX 128
#define UZ_BUILD_ID_MAX 81   /* 40 bytes of id in hex, NUL */

/* GNU build id (hex) from the note blob @p of @len bytes in the byte order
 * given by @swap; "" when none. */
void uz_kinfo_notes(const uint8_t *p, size_t len, bool swap, char *build_id);
/* Build id from the SHT_NOTE sections of @e (bounds-checked against the
 * @len bytes of the image) and the release from the kernel's banner
 * ("Linux version RELEASE ...") in its allocated PROGBITS sections. */
void uz_kinfo_elf(Elf *e, size_t len, char *release, char *build_id);
/* Release from a file name "vmlinux-RELEASE", "vmlinuz-RELEASE" or
 * "RELEASE.btf"; "" otherwise. */
void uz_kinfo_from_name(const char *path, char *release);
/* The running kernel: uname -r and the build id of /sys/kernel/notes. */
void uz_kinfo_running(char *release, char *build_id);

#endif
