// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tools/fields_views.bpf.c: the first stage of `userize matrix --fields`.
 * Includes every uapi/userize/bpf/\*.h view header (fields_views.h is written by
 * tools/CMakeLists.txt from a glob, so a new header is picked up by the next
 * build) and is compiled with -g -fno-eliminate-unused-debug-types, so that
 * its DWARF describes every view; uz-fields-gen reads that DWARF and writes
 * the probe program (fields_probe.bpf.c). Nothing here is ever loaded.
 */
#include "fields_views.h"

char LICENSE[] SEC("license") = "GPL";
