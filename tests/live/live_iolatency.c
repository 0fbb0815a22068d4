// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/live/live_iolatency.c: iolatency on the running kernel. The test
 * writes a file on the root file system's block device, finds its physical
 * sectors (FIEMAP), limits the program to them and issues a known number of
 * synchronous O_DIRECT reads and writes; exactly those must complete, on the
 * disk sysfs names, with non-zero latency.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "live_util.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define BLK 4096
#define FILE_BLOCKS 16
#define IOS 8			/* of each: O_DIRECT writes, then reads */

static const char *dirs[] = { "/var/tmp", "/root", "/" };

/*
 * Disk name and partition start (sectors) of block device @dev, from
 * /sys/dev/block/MAJ:MIN. Fails the test when @dev is no block device.
 */
static void disk_of(dev_t dev, char *disk, size_t len, unsigned long long *start)
{
	char link[PATH_MAX], real[PATH_MAX], path[PATH_MAX + 32];
	const char *base;
	FILE *f;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (!realpath(link, real))
		fail_msg("%s: the test file is not on a block device (tmpfs/overlay?); "
			 "iolatency needs a real disk", link);
	*start = 0;
	snprintf(path, sizeof(path), "%s/partition", real);
	if (access(path, F_OK) == 0) {
		snprintf(path, sizeof(path), "%s/start", real);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_int_equal(fscanf(f, "%llu", start), 1);
		fclose(f);
		*strrchr(real, '/') = 0;	/* the parent is the whole disk */
	}
	base = strrchr(real, '/') + 1;
	snprintf(disk, len, "%s", base);
}

static int make_file(char *path, size_t len)
{
	static char buf[FILE_BLOCKS * BLK];
	size_t i;
	int fd = -1;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && fd < 0; i++) {
		snprintf(path, len, "%s/uz-iolat-XXXXXX", dirs[i]);
		fd = mkstemp(path);
	}
	assert_true(fd >= 0);
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	assert_int_equal(fsync(fd), 0);
	return fd;
}

/* Physical byte offset of the file's single extent. */
static unsigned long long file_physical(int fd)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent ext[4];
	} q;

	memset(&q, 0, sizeof(q));
	q.fm.fm_length = FIEMAP_MAX_OFFSET;
	q.fm.fm_flags = FIEMAP_FLAG_SYNC;
	q.fm.fm_extent_count = 4;
	assert_int_equal(ioctl(fd, FS_IOC_FIEMAP, &q.fm), 0);
	if (q.fm.fm_mapped_extents != 1)
		fail_msg("test file has %u extents, wanted 1", q.fm.fm_mapped_extents);
	assert_int_equal(q.ext[0].fe_flags & (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC |
					      FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_INLINE |
					      FIEMAP_EXTENT_UNWRITTEN), 0);
	assert_true(q.ext[0].fe_length >= FILE_BLOCKS * BLK);
	return q.ext[0].fe_physical;
}

static void test_iolatency_direct_io(void **state)
{
	unsigned long long start, phys, slots = 0;
	struct iolat_config cfg;
	struct iolat_stats st;
	struct uz_runner r;
	char path[PATH_MAX], disk[64];
	struct stat sb;
	void *buf = NULL;
	int fd, dfd, i;

	(void)state;
	live_start(&r, "iolatency");
	/* The program counts nothing until enabled, after the sectors are known. */
	memset(&cfg, 0, sizeof(cfg));
	fd = make_file(path, sizeof(path));
	assert_int_equal(fstat(fd, &sb), 0);
	disk_of(sb.st_dev, disk, sizeof(disk), &start);
	phys = file_physical(fd);
	close(fd);
	cfg.sector_lo = start + phys / 512;
	cfg.sector_hi = cfg.sector_lo + FILE_BLOCKS * BLK / 512;
	cfg.enabled = 1;
	print_message("file %s on disk %s, sectors [%llu, %llu)\n", path, disk,
		      (unsigned long long)cfg.sector_lo, (unsigned long long)cfg.sector_hi);
	assert_int_equal(uz_runner_set_config(&r, "config", &cfg), 0);

	assert_int_equal(posix_memalign(&buf, BLK, BLK), 0);
	memset(buf, 0xa5, BLK);
	dfd = open(path, O_RDWR | O_DIRECT);
	assert_true(dfd >= 0);
	/* Every other block, so that no two requests can merge. */
	for (i = 0; i < IOS; i++)
		assert_int_equal(pwrite(dfd, buf, BLK, (off_t)i * 2 * BLK), BLK);
	for (i = 0; i < IOS; i++)
		assert_int_equal(pread(dfd, buf, BLK, (off_t)i * 2 * BLK), BLK);
	close(dfd);
	free(buf);

	/*
	 * Read the counts before the file goes: once unlinked, its blocks can
	 * be discarded or reused by other files at any moment.
	 */
	assert_int_equal(iolat_lookup(&r, disk, &st), 0);
	cfg.enabled = 0;	/* count nothing more */
	assert_int_equal(uz_runner_set_config(&r, "config", &cfg), 0);
	unlink(path);
	for (i = 0; i < IOLAT_SLOTS; i++)
		slots += st.slots[i];
	print_message("%s: %llu requests (%llu reads, %llu writes), %llu bytes, latency "
		      "min %llu ns max %llu ns\n", disk, (unsigned long long)st.count,
		      (unsigned long long)st.reads, (unsigned long long)st.writes,
		      (unsigned long long)st.bytes, (unsigned long long)st.lat_min_ns,
		      (unsigned long long)st.lat_max_ns);
	assert_int_equal(st.count, 2 * IOS);
	assert_int_equal(st.writes, IOS);
	assert_int_equal(st.reads, IOS);
	assert_int_equal(st.bytes, 2 * IOS * BLK);
	assert_int_equal(slots, 2 * IOS);
	assert_true(st.lat_min_ns > 0);
	assert_true(st.lat_max_ns >= st.lat_min_ns);
	assert_true(st.lat_sum_ns >= 2 * IOS * st.lat_min_ns);
	uz_runner_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iolatency_direct_io),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
