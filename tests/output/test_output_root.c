/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Output writer cases that need root (live tier): a character device is
 * written through (a private null device node, never the machine's
 * /dev/null), a full filesystem (64 KiB tmpfs) and a read-only mount are
 * clear errors that leave the old file and no temporary file.
 */
#include <sys/mount.h>
#include <sys/sysmacros.h>

#include "common/uz_internal.h"
#include "out_util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "test_output_root: the live tier needs root (mounts, mknod)\n");
		return -1;
	}
	out_mkdtemp(dir, sizeof(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	out_rmrf(dir);
	return 0;
}

static void test_char_device(void **state)
{
	char dev[PATH_MAX], buf[512];
	struct uz_error err = { 0 };
	struct stat st;

	(void)state;
	snprintf(dev, sizeof(dev), "%s/null", dir);
	assert_int_equal(mknod(dev, S_IFCHR | 0666, makedev(1, 3)), 0);
	assert_int_equal(uz_write_file_atomic(dev, "gone", 4, &err), 0);
	assert_int_equal(lstat(dev, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(1, 3));
	/* the CLI writers too */
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s reloc %s -t %s -o %s", UZ_CLI, BASIC_OBJ,
				 TARGET_NEW, dev), 0);
	assert_int_equal(uzt_run(buf, sizeof(buf), "%s btf extract %s -q -o %s", UZ_CLI,
				 TARGET_NEW, dev), 0);
	assert_int_equal(lstat(dev, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(out_count(dir), 1);
}

static void test_disk_full(void **state)
{
	char mnt[128], f[PATH_MAX], buf[1024];
	struct uz_error err = { 0 };
	size_t n = 1u << 20, len;
	char *big = calloc(1, n), *s;
	int rc;

	(void)state;
	snprintf(mnt, sizeof(mnt), "%s/small", dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	assert_int_equal(mount("tmpfs", mnt, "tmpfs", 0, "size=64k"), 0);
	snprintf(f, sizeof(f), "%s/out", mnt);
	out_put(f, "old\n", 0644);
	rc = uz_write_file_atomic(f, big, n, &err);
	assert_int_equal(rc, -ENOSPC);
	assert_non_null(strstr(err.msg, "No space left on device"));
	assert_non_null(strstr(err.msg, f));
	s = out_slurp(f, &len);
	assert_string_equal(s, "old\n");
	free(s);
	assert_int_equal(out_count(mnt), 1);
	/* the CLI: exit 2 and the message, once the filesystem is full */
	snprintf(buf, sizeof(buf), "%s/fill", mnt);
	uzt_run(NULL, 0, "dd if=/dev/zero of=%s bs=4k 2>/dev/null", buf);
	rc = uzt_run(buf, sizeof(buf), "%s reloc %s -t %s -o %s", UZ_CLI, BASIC_OBJ, TARGET_NEW, f);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(buf, "No space left on device"));
	s = out_slurp(f, &len);
	assert_string_equal(s, "old\n");
	free(s);
	assert_int_equal(out_count(mnt), 2);
	assert_int_equal(umount(mnt), 0);
	free(big);
}

static void test_read_only(void **state)
{
	char mnt[128], f[PATH_MAX], buf[1024];
	struct uz_error err = { 0 };
	int rc;

	(void)state;
	snprintf(mnt, sizeof(mnt), "%s/ro", dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	assert_int_equal(mount("tmpfs", mnt, "tmpfs", MS_RDONLY, "size=64k"), 0);
	snprintf(f, sizeof(f), "%s/out", mnt);
	rc = uz_write_file_atomic(f, "x", 1, &err);
	assert_int_equal(rc, -EROFS);
	assert_non_null(strstr(err.msg, "Read-only file system"));
	rc = uzt_run(buf, sizeof(buf), "%s btf extract %s -o %s", UZ_CLI, TARGET_NEW, f);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(buf, "Read-only file system"));
	assert_int_equal(umount(mnt), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_char_device),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_read_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
