/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* kernels_ar.c: the btfgen archive kernels.uzar (next to this file when
 * compiling) between the symbols myloader.c reads. */
__asm__(".section .rodata\n.balign 8\n.globl uz_embedded_archive\nuz_embedded_archive:\n"
        ".incbin \"kernels.uzar\"\n.globl uz_embedded_archive_end\n"
        "uz_embedded_archive_end:\n.previous\n");
