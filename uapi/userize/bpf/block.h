/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uapi/userize/bpf/block.h: block IO views (request, request_queue, bio,
 * block_device, gendisk) and the disk helpers that follow whichever pointer
 * path the kernel has: request->rq_disk before 5.19 or request->q->disk;
 * bio->bi_disk before 5.12 or bio->bi_bdev->bd_disk.
 * Fields are only ever added (docs/uapi.md lists the kernels each resolves on).
 */
#ifndef __USERIZE_BLOCK_H
#define __USERIZE_BLOCK_H

#include "view.h"

#define UZ_DISK_NAME_LEN 32

struct gendisk_user {
	int major;
	int first_minor;
	char disk_name[UZ_DISK_NAME_LEN];
} UZ_VIEW UZ_KERNEL("gendisk");

struct request_queue_user {
	struct gendisk_user *disk;	/* since 5.15 */
} UZ_VIEW UZ_KERNEL("request_queue");

struct block_device_user {
	unsigned int bd_dev;
	struct gendisk_user *bd_disk;
} UZ_VIEW UZ_KERNEL("block_device");

struct bio_user {
	struct gendisk_user *bi_disk;		/* before 5.12 */
	struct block_device_user *bi_bdev;	/* since 5.12 */
	unsigned int bi_opf;
} UZ_VIEW UZ_KERNEL("bio");

struct request_user {
	struct request_queue_user *q;
	struct gendisk_user *rq_disk;		/* before 5.19 */
	unsigned int cmd_flags;
	unsigned long long sector UZ_ALIAS("__sector");
	unsigned int data_len UZ_ALIAS("__data_len");
	unsigned long long start_time_ns;
	unsigned long long io_start_time_ns;
	struct bio_user *bio;
} UZ_VIEW UZ_KERNEL("request");

/* Request operation: low 8 bits of cmd_flags (REQ_OP_READ 0, WRITE 1, FLUSH 2). */
#define UZ_REQ_OP_MASK	0xff
#define UZ_REQ_OP_READ	0
#define UZ_REQ_OP_WRITE	1

static __always_inline unsigned long long uz_rq_sector(struct request_user *rq)
{
	return UZ_READ_INT(rq, sector);
}

static __always_inline unsigned int uz_rq_bytes(struct request_user *rq)
{
	return (unsigned int)UZ_READ_INT(rq, data_len);
}

static __always_inline unsigned int uz_rq_op(struct request_user *rq)
{
	return (unsigned int)UZ_READ_INT(rq, cmd_flags) & UZ_REQ_OP_MASK;
}

/* The disk a request is for, NULL if the kernel has neither path. */
static __always_inline struct gendisk_user *uz_rq_disk(struct request_user *rq)
{
	struct request_queue_user *q;

	if (UZ_HAS(rq, rq_disk))
		return UZ_READ_PTR(rq, rq_disk);
	q = UZ_READ_PTR(rq, q);
	if (q && UZ_HAS(q, disk))
		return UZ_READ_PTR(q, disk);
	return 0;
}

/* The disk a bio is for, NULL if the kernel has neither path. */
static __always_inline struct gendisk_user *uz_bio_disk(struct bio_user *bio)
{
	struct block_device_user *bdev;

	if (UZ_HAS(bio, bi_disk))
		return UZ_READ_PTR(bio, bi_disk);
	if (!UZ_HAS(bio, bi_bdev))
		return 0;
	bdev = UZ_READ_PTR(bio, bi_bdev);
	return bdev ? UZ_READ_PTR(bdev, bd_disk) : 0;
}

/* Copy a disk's name into @buf (UZ_DISK_NAME_LEN); "" if @disk is NULL. */
static __always_inline long uz_disk_name(struct gendisk_user *disk, char *buf)
{
	if (!disk) {
		buf[0] = 0;
		return 0;
	}
	return UZ_READ_STR(buf, UZ_DISK_NAME_LEN, disk, disk_name);
}

static __always_inline long uz_rq_disk_name(struct request_user *rq, char *buf)
{
	return uz_disk_name(uz_rq_disk(rq), buf);
}

#endif /* __USERIZE_BLOCK_H */
