// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/check_iolatency.c: iolatency's check. A known number of
 * synchronous 4 KiB O_DIRECT writes and reads go to known sectors of a
 * disk; the program, limited to those sectors, must count exactly them, on
 * the disk's sysfs name, with non-zero latency. Two ways to get sectors:
 *  - c->blockdev set (a qemu guest's scratch disk): raw I/O on the device
 *    at a fixed offset;
 *  - otherwise (this machine): a file written on the root file system's
 *    disk, its physical sectors found with FIEMAP.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "checks.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define BLK 4096
#define AREA_BLOCKS 16
#define IOS 8			/* of each: O_DIRECT writes, then reads */
#define RAW_OFFSET (1u << 20)	/* where the raw-device I/O goes */

static const char *dirs[] = { "/var/tmp", "/root", "/" };

/*
 * Disk name and partition start (sectors) of block device @dev, from
 * /sys/dev/block/MAJ:MIN. False when @dev is no block device.
 */
static bool disk_of(struct uzc *c, dev_t dev, char *disk, size_t len,
		    unsigned long long *start)
{
	char link[64], real[PATH_MAX], path[PATH_MAX + 32];
	FILE *f;
	bool ok;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (!realpath(link, real)) {
		uzc_fail(c, "%s: not a block device (tmpfs/overlay?); iolatency needs a real "
			 "disk (uz-vmcheck: --blockdev)", link);
		return false;
	}
	*start = 0;
	snprintf(path, sizeof(path), "%s/partition", real);
	if (access(path, F_OK) == 0) {
		snprintf(path, sizeof(path), "%s/start", real);
		f = fopen(path, "r");
		ok = f && fscanf(f, "%llu", start) == 1;
		if (f)
			fclose(f);
		if (!ok) {
			uzc_fail(c, "cannot read %s", path);
			return false;
		}
		*strrchr(real, '/') = 0;	/* the parent is the whole disk */
	}
	snprintf(disk, len, "%s", strrchr(real, '/') + 1);
	return true;
}

/* A synced file of AREA_BLOCKS blocks on a real file system; -1 on error. */
static int make_file(struct uzc *c, char *path, size_t len)
{
	static char buf[AREA_BLOCKS * BLK];
	size_t i;
	int fd = -1;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && fd < 0; i++) {
		snprintf(path, len, "%s/uz-iolat-XXXXXX", dirs[i]);
		fd = mkstemp(path);
	}
	memset(buf, 0x5a, sizeof(buf));
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || fsync(fd)) {
		uzc_fail(c, "cannot write a test file");
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return -1;
	}
	return fd;
}

/* Physical byte offset of the file's single extent; false on error. */
static bool file_physical(struct uzc *c, int fd, unsigned long long *phys)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent ext[4];
	} q;

	memset(&q, 0, sizeof(q));
	q.fm.fm_length = FIEMAP_MAX_OFFSET;
	q.fm.fm_flags = FIEMAP_FLAG_SYNC;
	q.fm.fm_extent_count = 4;
	if (ioctl(fd, FS_IOC_FIEMAP, &q.fm)) {
		uzc_fail(c, "FIEMAP is not supported on the test file's file system");
		return false;
	}
	if (q.fm.fm_mapped_extents != 1 || q.ext[0].fe_length < AREA_BLOCKS * BLK ||
	    (q.ext[0].fe_flags & (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC |
				  FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_INLINE |
				  FIEMAP_EXTENT_UNWRITTEN))) {
		uzc_fail(c, "the test file is not one plain extent (%u extents)",
			 q.fm.fm_mapped_extents);
		return false;
	}
	*phys = q.ext[0].fe_physical;
	return true;
}

/* IOS writes then IOS reads of one block, every other block from @base. */
static bool direct_io(struct uzc *c, int fd, off_t base)
{
	void *buf = NULL;
	bool ok = true;
	int i;

	if (posix_memalign(&buf, BLK, BLK))
		return false;
	memset(buf, 0xa5, BLK);
	/* Every other block, so that no two requests can merge. */
	for (i = 0; i < IOS && ok; i++)
		ok = pwrite(fd, buf, BLK, base + (off_t)i * 2 * BLK) == BLK;
	for (i = 0; i < IOS && ok; i++)
		ok = pread(fd, buf, BLK, base + (off_t)i * 2 * BLK) == BLK;
	free(buf);
	if (!ok)
		uzc_fail(c, "O_DIRECT I/O failed");
	return ok;
}

void check_iolatency(struct uzc *c)
{
	unsigned long long start = 0, phys = 0, slots = 0;
	struct iolat_config cfg = { 0 };
	struct iolat_stats st;
	struct uz_runner r;
	char path[PATH_MAX], disk[64];
	struct stat sb;
	off_t base;
	int fd, i;

	if (!uzc_start(c, &r, "iolatency"))
		return;
	path[0] = 0;
	if (c->blockdev) {
		if (stat(c->blockdev, &sb) || !S_ISBLK(sb.st_mode)) {
			uzc_fail(c, "%s is not a block device", c->blockdev);
			goto out;
		}
		if (!disk_of(c, sb.st_rdev, disk, sizeof(disk), &start))
			goto out;
		base = RAW_OFFSET;
		cfg.sector_lo = start + RAW_OFFSET / 512;
		fd = open(c->blockdev, O_RDWR | O_DIRECT);
	} else {
		fd = make_file(c, path, sizeof(path));
		if (fd < 0)
			goto out;
		if (fstat(fd, &sb) || !disk_of(c, sb.st_dev, disk, sizeof(disk), &start) ||
		    !file_physical(c, fd, &phys)) {
			close(fd);
			goto out;
		}
		close(fd);
		base = 0;
		cfg.sector_lo = start + phys / 512;
		fd = open(path, O_RDWR | O_DIRECT);
	}
	if (fd < 0) {
		uzc_fail(c, "cannot open %s with O_DIRECT", c->blockdev ? c->blockdev : path);
		goto out;
	}
	cfg.sector_hi = cfg.sector_lo + AREA_BLOCKS * BLK / 512;
	cfg.enabled = 1;
	uzc_note(c, "%s on disk %s, sectors [%llu, %llu)", c->blockdev ? c->blockdev : path,
		 disk, (unsigned long long)cfg.sector_lo, (unsigned long long)cfg.sector_hi);
	if (uz_runner_set_config(&r, "config", &cfg)) {
		uzc_fail(c, "cannot write the config map");
		close(fd);
		goto out;
	}
	if (!direct_io(c, fd, base)) {
		close(fd);
		goto out;
	}
	close(fd);
	/*
	 * Read the counts before the file goes: once unlinked, its blocks can
	 * be discarded or reused by other files at any moment.
	 */
	if (iolat_lookup(&r, disk, &st)) {
		uzc_fail(c, "no statistics for disk %s", disk);
		goto out;
	}
	cfg.enabled = 0;
	uz_runner_set_config(&r, "config", &cfg);
	for (i = 0; i < IOLAT_SLOTS; i++)
		slots += st.slots[i];
	uzc_note(c, "%s: latency min %llu ns max %llu ns", disk,
		 (unsigned long long)st.lat_min_ns, (unsigned long long)st.lat_max_ns);
	uzc_eq(c, "requests", (long long)st.count, 2 * IOS);
	uzc_eq(c, "writes", (long long)st.writes, IOS);
	uzc_eq(c, "reads", (long long)st.reads, IOS);
	uzc_eq(c, "bytes", (long long)st.bytes, 2 * IOS * BLK);
	uzc_eq(c, "histogram total", (long long)slots, 2 * IOS);
	uzc_eq(c, "requests whose bio names the same disk (uz_bio_disk: bio->bi_disk "
	       "before 5.12, bio->bi_bdev->bd_disk since)", (long long)st.bio_disk_same, 2 * IOS);
	uzc_true(c, "minimum latency > 0", st.lat_min_ns > 0);
	uzc_true(c, "max latency >= min latency", st.lat_max_ns >= st.lat_min_ns);
	uzc_true(c, "latency sum >= requests x min", st.lat_sum_ns >= 2 * IOS * st.lat_min_ns);
out:
	if (path[0])
		unlink(path);
	uz_runner_close(&r);
}
