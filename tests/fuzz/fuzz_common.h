/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the fuzz harnesses (tests/fuzz/fuzz_*.c): the libFuzzer entry
 * point's prototype, the fixed inputs some harnesses fuzz against
 * (tests/fuzz/data/, a small target BTF and a sample object), and a sink
 * for reports. A missing data file aborts loudly: a harness that silently
 * ran without its fixed half would fuzz nothing.
 */
#ifndef UZ_FUZZ_COMMON_H
#define UZ_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "userize/userize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes of tests/fuzz/data/@name, malloc'ed (the caller owns them). */
const uint8_t *uz_fuzz_data(const char *name, size_t *len);
/* The fixed target (data/target.btf, a btfgen-minimized kernel BTF). */
const struct uz_target *uz_fuzz_target(void);
/* The fixed object (data/object.o, a sample with CO-RE records). */
const struct uz_object *uz_fuzz_object(void);
/* A FILE that discards what is written (reports are formatted, not kept). */
FILE *uz_fuzz_sink(void);

#endif
