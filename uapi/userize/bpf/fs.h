/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uapi/userize/bpf/fs.h: file views (files_struct, fdtable, file, inode) and the
 * helpers that walk from a task's descriptor table to an inode and read its
 * timestamps whatever shape the kernel gives them. Fields are only ever
 * added (docs/uapi.md lists the kernels each resolves on).
 */
#ifndef __USERIZE_FS_H
#define __USERIZE_FS_H

#include "task.h"

/* struct timespec64 (the inode timestamps before 6.11). */
struct timespec64_user {
	long long tv_sec;
	long tv_nsec;
} UZ_VIEW UZ_KERNEL("timespec64");

struct inode_user {
	unsigned short i_mode;
	unsigned int i_flags;
	unsigned long i_ino;
	long long i_size;
	/* 6.11+: seconds and nanoseconds as separate members. */
	long long i_mtime_sec;
	unsigned int i_mtime_nsec;
	long long i_ctime_sec;
	unsigned int i_ctime_nsec;
	/* Before 6.11: a struct timespec64, "i_mtime" up to 6.6, "__i_mtime" 6.7-6.10. */
	struct timespec64_user i_mtime_ts UZ_ALIAS("i_mtime") UZ_ALIAS("__i_mtime");
	/* "i_ctime" up to 6.5, "__i_ctime" 6.6-6.10. */
	struct timespec64_user i_ctime_ts UZ_ALIAS("i_ctime") UZ_ALIAS("__i_ctime");
} UZ_VIEW UZ_KERNEL("inode");

struct file_user {
	struct inode_user *f_inode;
	unsigned int f_flags;
	unsigned int f_mode;
	long long f_pos;
} UZ_VIEW UZ_KERNEL("file");

struct fdtable_user {
	unsigned int max_fds;
	struct file_user **fd;
} UZ_VIEW UZ_KERNEL("fdtable");

struct files_struct_user {
	struct fdtable_user *fdt;
} UZ_VIEW UZ_KERNEL("files_struct");

/* The open file behind descriptor @fd of task @t, NULL if none. */
static __always_inline struct file_user *uz_task_file(struct task_struct_user *t, unsigned int fd)
{
	struct files_struct_user *files = UZ_READ_PTR(t, files);
	struct fdtable_user *fdt;
	struct file_user **arr;

	if (!files)
		return 0;
	fdt = UZ_READ_PTR(files, fdt);
	if (!fdt || fd >= (unsigned int)UZ_READ_INT(fdt, max_fds))
		return 0;
	arr = UZ_READ_PTR(fdt, fd);
	if (!arr)
		return 0;
	/* The array's elements are kernel pointers: 4 bytes on i386, not 8. */
	return (struct file_user *)UZ_READ_PTR_AT(arr, fd, bpf_core_field_size(fdt->fd));
}

/*
 * Modification time of @i in seconds. Kernels from 6.11 keep it in
 * i_mtime_sec (the direct path); older ones in a struct timespec64, read as
 * the fallback. The branch not taken is dead code the verifier drops, so a
 * field the kernel lacks costs nothing.
 */
static __always_inline long long uz_inode_mtime_sec(struct inode_user *i)
{
	if (UZ_HAS(i, i_mtime_sec))
		return (long long)UZ_READ_INT(i, i_mtime_sec);
	return (long long)UZ_READ_INT(i, i_mtime_ts.tv_sec);
}

/* 1 when @i's kernel has the 6.11+ split timestamp members. */
static __always_inline int uz_inode_has_split_times(struct inode_user *i)
{
	return UZ_HAS(i, i_mtime_sec);
}

#endif /* __USERIZE_FS_H */
