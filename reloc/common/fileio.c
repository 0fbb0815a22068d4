/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * File I/O shared by the readers and emitters: whole-file reads, and the one
 * output writer. Output rules (docs/reloc.md "Output files"): "-" and
 * /dev/stdout are standard output; a character device or FIFO is written
 * through (a FIFO blocks until it has a reader, as with cat); a symbolic
 * link is followed and its target replaced; a regular file is replaced
 * atomically (temporary file in the same directory, fsync, rename), keeping
 * its permission bits, so a reader sees the old file or the new one, never
 * half of one. A run killed mid-write leaves the old file; the temporary
 * file is unnamed (O_TMPFILE) where the filesystem supports it, so nothing
 * is left behind either, else a ".NAME.uz-XXXXXX" may remain.
 *
 * Inputs are regular files (a directory only where the caller allows one):
 * a FIFO, socket or device is refused before anything opens it for
 * reading, so a named pipe without a writer or /dev/zero never blocks or
 * reads forever; a symbolic link loop is the open error. Files are read,
 * never mapped, so one truncated while it is read gives a short buffer
 * (and the parser's "truncated" error), never SIGBUS. Readers that map a
 * large file take a read lease on it first (uz_map_lease()).
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/uz_internal.h"

/* What is wrong with an input of mode @mode, or NULL for a regular file. */
static const char *not_regular(mode_t mode)
{
	if (S_ISREG(mode))
		return NULL;
	if (S_ISDIR(mode))
		return "a directory, not a file";
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe), not a regular file: refused, since reading it could block forever";
	if (S_ISSOCK(mode))
		return "a socket, not a regular file";
	if (S_ISCHR(mode))
		return "a character device, not a regular file";
	if (S_ISBLK(mode))
		return "a block device, not a regular file";
	return "not a regular file";
}

int uz_input_check(const char *path, bool allow_dir, struct uz_error *err)
{
	const char *why;
	struct stat st;
	int e;

	if (stat(path, &st)) {
		e = -errno;
		return uz_err_set(err, e, "cannot open '%s': %s", path, strerror(-e));
	}
	if (allow_dir && S_ISDIR(st.st_mode))
		return 0;
	why = not_regular(st.st_mode);
	if (why)
		return uz_err_set(err, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, "'%s' is %s", path, why);
	return 0;
}

/* Did @fd's size or change time move since @before was taken? */
static bool changed_since(int fd, const struct stat *before)
{
	struct stat now;

	if (fstat(fd, &now))
		return true;
	return now.st_size != before->st_size || now.st_ctim.tv_sec != before->st_ctim.tv_sec ||
	       now.st_ctim.tv_nsec != before->st_ctim.tv_nsec;
}

int uz_read_file(const char *path, uint8_t **data, size_t *len, struct uz_error *err)
{
	const char *why;
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;
	struct stat st;
	int fd, e;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer before fstat
	 * can refuse it (a path checked earlier may have been replaced). A
	 * socket cannot be opened at all (ENXIO): say what it is instead. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		e = -errno;
		if (!stat(path, &st) && (why = not_regular(st.st_mode)))
			return uz_err_set(err, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, "'%s' is %s",
					  path, why);
		return uz_err_set(err, e, "cannot open '%s': %s", path, strerror(-e));
	}
	if (fstat(fd, &st) != 0) {
		e = -errno;
		close(fd);
		return uz_err_set(err, e, "cannot read '%s': %s", path, strerror(-e));
	}
	why = not_regular(st.st_mode);
	if (why) {
		close(fd);
		return uz_err_set(err, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, "'%s' is %s", path, why);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		/* regular files ignore O_NONBLOCK anyway */
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
	/*
	 * A writer meanwhile (a package still downloading, a file rewritten in
	 * place) can leave a mix of old, new and not yet copied bytes that no
	 * version of the file ever held: refuse it when the size or the change
	 * time moved during the read, rather than parse it.
	 */
	if (changed_since(fd, &st)) {
		free(buf);
		close(fd);
		return uz_err_set(err, -EAGAIN, "'%s' changed while it was read (%lld bytes when opened, %zu read): is it still being written?",
				  path, (long long)st.st_size, n);
	}
	close(fd);
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

int uz_map_lease(int fd)
{
	/* the break notice: SIGURG, whose default is to be ignored (discarded
	 * unseen, no syscall interrupted); the lease goes with the last
	 * reference to the open file (descriptor and mappings) */
	if (fcntl(fd, F_SETSIG, SIGURG) || fcntl(fd, F_SETLEASE, F_RDLCK))
		return -errno;
	return 0;
}

/* Write all of @len bytes to @fd; 0 or -errno. */
static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Standard output/error named by path: written to the descriptor itself
 * (its offset and O_APPEND as the shell set them). -1 for other paths. */
static int std_fd(const char *path)
{
	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(path, "/dev/stderr"))
		return STDERR_FILENO;
	return -1;
}

/*
 * Follow @path's symbolic links (at most 40, as the kernel does) to the
 * name that will be replaced: the final link's target, which may not exist
 * yet (a dangling link is followed too). 0 or -errno.
 */
static int resolve_links(const char *path, char *out, size_t sz)
{
	char cur[PATH_MAX], lnk[PATH_MAX];
	int depth;

	if (snprintf(cur, sizeof(cur), "%s", path) >= (int)sizeof(cur))
		return -ENAMETOOLONG;
	for (depth = 0; depth < 40; depth++) {
		struct stat st;
		ssize_t n;

		if (lstat(cur, &st) || !S_ISLNK(st.st_mode))
			break;
		n = readlink(cur, lnk, sizeof(lnk) - 1);
		if (n < 0)
			return -errno;
		lnk[n] = 0;
		if (lnk[0] == '/') {
			memcpy(cur, lnk, (size_t)n + 1);
		} else {
			char *slash = strrchr(cur, '/');
			size_t dl = slash ? (size_t)(slash - cur) + 1 : 0;

			if (dl + (size_t)n + 1 > sizeof(cur))
				return -ENAMETOOLONG;
			memmove(cur + dl, lnk, (size_t)n + 1);
		}
	}
	if (depth == 40)
		return -ELOOP;
	if (snprintf(out, sz, "%s", cur) >= (int)sz)
		return -ENAMETOOLONG;
	return 0;
}

/* Character device, FIFO (blocks until a reader opens it, as cat does). */
static int write_through(const char *path, const void *data, size_t len,
			 struct uz_error *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY), e;

	if (fd < 0) {
		e = -errno;
		return uz_err_set(err, e, "cannot open '%s' for writing: %s", path, strerror(-e));
	}
	e = write_all(fd, data, len);
	if (close(fd) && !e && errno != EINTR)
		e = -errno;
	if (e)
		return uz_err_set(err, e, "cannot write '%s': %s", path, strerror(-e));
	return 0;
}

/*
 * The temporary file beside @dst: an unnamed O_TMPFILE (a kill leaves
 * nothing behind) or, where the filesystem lacks it, a named one
 * (@tmp set; a kill leaves ".NAME.uz-XXXXXX").
 */
static int open_temp(const char *dst, char *tmp, size_t sz)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(dst, '/'), *base = slash ? slash + 1 : dst;
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dst)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - dst), dst);
	tmp[0] = 0;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd < 0 ? -errno : fd;
	if (snprintf(tmp, sz, "%s/.%s.uz-XXXXXX", dir, base) >= (int)sz)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		tmp[0] = 0;
		return -errno;
	}
	return fd;
}

/* Give the unnamed temporary file @fd a name beside @dst (in @tmp). */
static int name_temp(int fd, const char *dst, char *tmp, size_t sz)
{
	char proc[64];
	int i;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	for (i = 0; i < 100; i++) {
		if (snprintf(tmp, sz, "%s.uz-%d-%d", dst, (int)getpid(), i) >= (int)sz)
			return -ENAMETOOLONG;
		if (!linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW))
			return 0;
		if (errno != EEXIST)
			break;
	}
	tmp[0] = 0;
	return -errno;
}

/* A regular file (or a new one): temp file, fsync, rename over it. */
static int replace_file(const char *dst, const struct stat *old, const void *data,
			size_t len, struct uz_error *err)
{
	char tmp[PATH_MAX];
	mode_t mask;
	int fd, e;

	fd = open_temp(dst, tmp, sizeof(tmp));
	if (fd < 0)
		return uz_err_set(err, fd, "cannot create a temporary file beside '%s': %s",
				  dst, strerror(-fd));
	e = write_all(fd, data, len);
	if (e)
		goto fail;
	if (old) {
		/* the old file's permission bits (and owner, where allowed) */
		if (fchmod(fd, old->st_mode & 0777))
			goto fail_errno;
		if (fchown(fd, old->st_uid, old->st_gid)) {
			/* not the owner's to give: the file is the caller's now */
		}
	} else {
		mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0666 & ~mask))
			goto fail_errno;
	}
	if (fsync(fd))
		goto fail_errno;
	if (!tmp[0]) {
		e = name_temp(fd, dst, tmp, sizeof(tmp));
		if (e)
			goto fail;
	}
	if (close(fd)) {
		fd = -1;
		goto fail_errno;
	}
	fd = -1;
	if (rename(tmp, dst))
		goto fail_errno;
	return 0;
fail_errno:
	e = -errno;
fail:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	return uz_err_set(err, e, "cannot write '%s': %s", dst, strerror(-e));
}

int uz_write_file_atomic(const char *path, const void *data, size_t len,
			 struct uz_error *err)
{
	char dst[PATH_MAX];
	bool exists = false;
	struct stat st;
	int fd, e;

	if (!path || !path[0])
		return uz_err_set(err, -EINVAL, "no output path given");
	if (!data && len)
		return uz_err_set(err, -EINVAL, "no data to write to '%s'", path);
	fd = std_fd(path);
	if (fd >= 0) {
		e = write_all(fd, data, len);
		if (e)
			return uz_err_set(err, e, "cannot write to standard %s: %s",
					  fd == STDOUT_FILENO ? "output" : "error", strerror(-e));
		return 0;
	}
	if (!stat(path, &st)) {
		exists = true;
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
			return write_through(path, data, len, err);
		if (S_ISDIR(st.st_mode))
			return uz_err_set(err, -EISDIR, "cannot write '%s': it is a directory", path);
		if (!S_ISREG(st.st_mode))
			return uz_err_set(err, -EINVAL,
					  "cannot write '%s': not a regular file, character device or FIFO",
					  path);
	} else if (errno != ENOENT) {
		e = -errno;
		return uz_err_set(err, e, "cannot write '%s': %s", path, strerror(-e));
	}
	e = resolve_links(path, dst, sizeof(dst));
	if (e)
		return uz_err_set(err, e, "cannot write '%s': %s", path, strerror(-e));
	return replace_file(dst, exists ? &st : NULL, data, len, err);
}
