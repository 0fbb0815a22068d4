// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/check_fallback.c: the guarded-field check. A file gets a
 * known modification time, then this process writes to it; fallback.bpf.c
 * reads the inode's mtime at sys_enter_write through inode_user.i_mtime_sec
 * (6.11+) or, guarded by an existence check, through the older timespec64.
 * The value must be the known time on every kernel, and the path taken must
 * be the one libbpf's own reading of this kernel's BTF predicts: direct when
 * struct inode has i_mtime_sec, fallback otherwise.
 */
#include "checks.h"
#include "fallback.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#define KNOWN_MTIME 1234567890LL
#define PREFIX_LEN 100

/*
 * 1 if the kernel's struct inode has member @name, 0 if not, -1 unknown;
 * read by libbpf from the types the object is relocated against
 * (uzc_btf(): the archive entry in use, c->target, or the kernel's BTF).
 */
static int inode_has_member(const struct uzc *c, const char *name)
{
	struct btf *btf = uzc_btf(c);
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i, ret = -1;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, "inode", BTF_KIND_STRUCT);
	if (id > 0) {
		t = btf__type_by_id(btf, id);
		m = btf_members(t);
		ret = 0;
		for (i = 0; i < btf_vlen(t); i++, m++)
			if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
				ret = 1;
	}
	btf__free(btf);
	return ret;
}

void check_fallback(struct uzc *c)
{
	static const char prefix[PREFIX_LEN];
	struct timespec times[2] = { { .tv_sec = KNOWN_MTIME }, { .tv_sec = KNOWN_MTIME } };
	struct fallback_config cfg = { .enabled = 1 };
	struct fallback_result res = { 0 };
	char path[] = "/tmp/uzcheck-fallback-XXXXXX";
	int direct = inode_has_member(c, "i_mtime_sec"), fd, map;
	struct uz_runner r;
	struct stat st;
	__u32 zero = 0;

	if (direct < 0) {
		uzc_fail(c, "cannot read struct inode from %s", c->types ? "the archive entry's BTF" :
			 c->target ? c->target : "this kernel's BTF");
		return;
	}
	if (!uzc_start(c, &r, "fallback"))
		return;
	fd = mkstemp(path);
	if (fd < 0) {
		uzc_fail(c, "cannot create a file in /tmp");
		goto out;
	}
	unlink(path);
	if (write(fd, prefix, sizeof(prefix)) != (ssize_t)sizeof(prefix) ||
	    futimens(fd, times) || fstat(fd, &st)) {
		uzc_fail(c, "cannot prepare the file");
		goto close_fd;
	}
	cfg.tgid = (__u32)getpid();
	cfg.fd = (__u32)fd;
	if (uz_runner_set_config(&r, "config", &cfg)) {
		uzc_fail(c, "cannot write the config map");
		goto close_fd;
	}
	if (write(fd, "x", 1) != 1) {
		uzc_fail(c, "the monitored write failed");
		goto close_fd;
	}
	map = uz_runner_map_fd(&r, "result");
	if (map < 0 || bpf_map_lookup_elem(map, &zero, &res)) {
		uzc_fail(c, "cannot read the result map");
		goto close_fd;
	}
	uzc_note(c, "kernel BTF: struct inode %s i_mtime_sec; program took the %s path",
		 direct ? "has" : "lacks",
		 res.path == FALLBACK_PATH_DIRECT ? "direct" :
		 res.path == FALLBACK_PATH_OLD ? "fallback" : "no");
	uzc_eq(c, "monitored writes seen", res.hits, 1);
	uzc_eq(c, "path (1 direct i_mtime_sec, 2 guarded fallback)", res.path,
	       direct ? FALLBACK_PATH_DIRECT : FALLBACK_PATH_OLD);
	uzc_eq(c, "inode mtime seconds", res.mtime_sec, KNOWN_MTIME);
	uzc_eq(c, "inode number", (long long)res.ino, (long long)st.st_ino);
	uzc_eq(c, "inode size before the write", res.size, PREFIX_LEN);
	fprintf(c->log, "%s %s %s\n", UZC_TAG_PATH, c->check,
		res.path == FALLBACK_PATH_DIRECT ? "direct" :
		res.path == FALLBACK_PATH_OLD ? "fallback" : "none");
close_fd:
	close(fd);
out:
	uz_runner_close(&r);
}
