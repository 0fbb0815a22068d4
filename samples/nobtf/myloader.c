// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// myloader.c: relocate prog.o for the running kernel (its BTF, else the
// btfgen archive embedded in this binary), load it, fork once and check
// that the program saw this process as the child's parent.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <userize/userize.h>

extern const unsigned char uz_embedded_archive[] __attribute__((weak));
extern const unsigned char uz_embedded_archive_end[] __attribute__((weak));

int main(int argc, char **argv)
{
	struct uz_object *obj = NULL;
	struct uz_target *t = NULL;
	struct uz_relocation *rel = NULL;
	struct uz_error err = { 0 };
	struct bpf_object *bo;
	struct bpf_program *prog;
	void *buf;
	size_t len;
	pid_t child;
	int ppid = -1;

	if (argc != 2) {
		fprintf(stderr, "usage: myloader PROG.o\n");
		return 2;
	}
	if (uz_object_open(argv[1], NULL, &obj, &err)) {
		fprintf(stderr, "myloader: %s\n", err.msg);
		return 1;
	}
	if (!access("/sys/kernel/btf/vmlinux", R_OK) || !uz_embedded_archive) {
		if (uz_target_load(NULL, NULL, &t, &err)) {
			fprintf(stderr, "myloader: kernel types: %s\n", err.msg);
			return 1;
		}
	} else {
		UZ_OPTS_INIT(uz_target_opts, o, .sources = UZ_SOURCE_ARCHIVE,
			     .name = "myloader's embedded archive");

		if (uz_target_load_mem(uz_embedded_archive,
				       (size_t)(uz_embedded_archive_end - uz_embedded_archive),
				       &o, &t, &err)) {
			fprintf(stderr, "myloader: %s\n", err.msg);
			return 1;
		}
	}
	printf("myloader: types from %s (kernel %s)\n", uz_target_provenance(t)->container,
	       uz_target_provenance(t)->release);
	if (uz_object_relocate(obj, t, NULL, &rel, &err) ||
	    uz_relocation_write_mem(rel, &buf, &len, &err)) {
		fprintf(stderr, "myloader: %s\n", err.msg);
		return 1;
	}
	bo = bpf_object__open_mem(buf, len, NULL);
	if (!bo || bpf_object__load(bo)) {
		fprintf(stderr, "myloader: libbpf cannot load the relocated object\n");
		return 1;
	}
	prog = bpf_object__next_program(bo, NULL);
	if (!bpf_program__attach(prog)) {
		fprintf(stderr, "myloader: cannot attach %s\n", bpf_program__name(prog));
		return 1;
	}
	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(bo, "parents"), &child, &ppid);
	printf("myloader: child %d, parent read in the kernel %d, want %d: %s\n", (int)child, ppid,
	       (int)getpid(), ppid == getpid() ? "ok" : "WRONG");
	return ppid == getpid() ? 0 : 1;
}
