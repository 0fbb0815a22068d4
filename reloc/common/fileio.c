/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* File I/O shared by the readers and emitters: whole-file reads, atomic writes. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/uz_internal.h"

int uz_read_file(const char *path, uint8_t **data, size_t *len, struct uz_error *err)
{
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;
	struct stat st;
	int fd, e;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		return uz_err_set(err, e, "cannot open '%s': %s", path, strerror(-e));
	}
	if (fstat(fd, &st) != 0) {
		st.st_size = 0;
	} else if (S_ISDIR(st.st_mode)) {
		close(fd);
		return uz_err_set(err, -EISDIR, "'%s' is a directory, not a file", path);
	}
	/*
	 * sysfs files report size 4096 or 0: read until EOF regardless. A
	 * quarter more than the size, never touched, is headroom for glibc's
	 * malloc: it sets its trim threshold to twice the largest block it
	 * has freed back from mmap (this one, for a BTF file), and loading a
	 * target holds this buffer plus libbpf's copy plus the name index at
	 * once. Without the headroom the heap goes back to the kernel after
	 * every load in a long-running process, and the next load faults all
	 * its pages in again (repeated loads of one Debian kernel's BTF here:
	 * about 4.4 against 8.5 ms each).
	 */
	cap = (st.st_size > 0 ? (size_t)st.st_size : 0);
	cap = (cap < SIZE_MAX / 2 ? cap + cap / 4 : cap) + 4096;
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap || !buf) {
			uint8_t *nb;

			if (buf)
				cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				close(fd);
				return uz_err_set(err, -ENOMEM, "out of memory reading '%s'", path);
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = -errno;
			free(buf);
			close(fd);
			return uz_err_set(err, e, "cannot read '%s': %s", path, strerror(-e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

int uz_write_file_atomic(const char *path, const void *data, size_t len,
			 struct uz_error *err)
{
	char tmp[PATH_MAX];
	const uint8_t *p = data;
	size_t left = len;
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return uz_err_set(err, -ENAMETOOLONG, "output path too long: '%s'", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		return uz_err_set(err, e, "cannot create a temporary file next to '%s': %s",
				  path, strerror(-e));
	}
	while (left) {
		ssize_t w = write(fd, p, left);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			e = -errno;
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, 0644) || fsync(fd)) {
		e = -errno;
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		e = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		e = -errno;
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return uz_err_set(err, e, "cannot write '%s': %s", path, strerror(-e));
}
