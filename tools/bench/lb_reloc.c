// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uz-bench-lbreloc: a libbpf loader doing what `userize reloc` does, as a
 * whole process, for tools/bench/bench.sh:
 *
 *   uz-bench-lbreloc OBJ TARGET_BTF
 *
 * opens OBJ with btf_custom_path = TARGET_BTF and runs bpf_object__load()
 * up to the prog_prepare_load_fn of the first program (every program is
 * CO-RE relocated by then, before any BPF_PROG_LOAD), which stops the load.
 * Programs must be in "uzbench/" sections (core_bench.o and the generated
 * scaling objects). Exit 0 when that point was reached. Must run as root:
 * libbpf probes the kernel first. Not a test.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

static bool reached;

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && !reached)
		vfprintf(stderr, fmt, ap);
	return 0;
}

static int stop(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	(void)prog;
	(void)opts;
	(void)cookie;
	reached = true;
	return -ECANCELED;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, hopts, .prog_prepare_load_fn = stop);
	struct bpf_object *obj;

	if (argc != 3) {
		fprintf(stderr, "usage: uz-bench-lbreloc OBJ TARGET_BTF\n");
		return 2;
	}
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .btf_custom_path = argv[2]);
	libbpf_set_print(quiet);
	if (libbpf_register_prog_handler("uzbench/", BPF_PROG_TYPE_KPROBE, 0, &hopts) < 0) {
		fprintf(stderr, "uz-bench-lbreloc: libbpf_register_prog_handler failed\n");
		return 1;
	}
	obj = bpf_object__open_file(argv[1], &oopts);
	if (!obj) {
		fprintf(stderr, "uz-bench-lbreloc: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__load(obj);
	bpf_object__close(obj);
	if (!reached) {
		fprintf(stderr, "uz-bench-lbreloc: libbpf failed before the first program load "
			"(root is needed)\n");
		return 1;
	}
	return 0;
}
