/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fixed halves of the fuzz harnesses, loaded once per process from
 * tests/fuzz/data/ (UZ_FUZZ_DATA, set by tests/fuzz/CMakeLists.txt): a
 * failure to read or load them aborts, since fuzzing without them would
 * exercise nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "fuzz_common.h"

#ifndef UZ_FUZZ_DATA
#error "UZ_FUZZ_DATA (the tests/fuzz/data directory) must be defined"
#endif

/* libbpf's warnings about each malformed input would drown the fuzzer's output. */
__attribute__((constructor)) static void quiet_libbpf(void)
{
	libbpf_set_print(NULL);
}

__attribute__((noreturn)) static void die(const char *what, const char *name, const char *msg)
{
	fprintf(stderr, "fuzz harness: %s %s/%s: %s\n", what, UZ_FUZZ_DATA, name, msg);
	abort();
}

const uint8_t *uz_fuzz_data(const char *name, size_t *len)
{
	char path[4096];
	uint8_t *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", UZ_FUZZ_DATA, name);
	f = fopen(path, "rb");
	if (!f)
		die("cannot open", name, "missing fixed input");
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
		die("cannot size", name, "empty or unreadable");
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", name, "short read");
	fclose(f);
	*len = (size_t)n;
	return buf;
}

const struct uz_target *uz_fuzz_target(void)
{
	static struct uz_target *t;
	UZ_OPTS_INIT(uz_target_opts, o, .name = "fuzz-target.btf", .sources = UZ_SOURCE_BTF);
	struct uz_error err = { 0 };
	const uint8_t *d;
	size_t len;

	if (t)
		return t;
	d = uz_fuzz_data("target.btf", &len);
	if (uz_target_load_mem(d, len, &o, &t, &err))
		die("cannot load", "target.btf", err.msg);
	free((void *)d); /* the target holds a copy */
	return t;
}

const struct uz_object *uz_fuzz_object(void)
{
	static struct uz_object *o;
	UZ_OPTS_INIT(uz_object_opts, opts, .name = "fuzz-object.o");
	struct uz_error err = { 0 };
	const uint8_t *d;
	size_t len;

	if (o)
		return o;
	d = uz_fuzz_data("object.o", &len);
	if (uz_object_open_mem(d, len, &opts, &o, &err))
		die("cannot open", "object.o", err.msg);
	free((void *)d); /* the object holds a copy */
	if (!uz_object_core_relo_cnt(o))
		die("no CO-RE records in", "object.o", "pick a sample that has some");
	return o;
}

FILE *uz_fuzz_sink(void)
{
	static FILE *f;

	if (!f && !(f = fopen("/dev/null", "w")))
		die("cannot open", "", "/dev/null");
	return f;
}
