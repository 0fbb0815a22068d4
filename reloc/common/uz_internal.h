/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internal declarations shared by the relocation engine's files: error
 * helpers, byte-order helpers and small utilities. Nothing here is public.
 */
#ifndef UZ_INTERNAL_H
#define UZ_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "userize/userize.h"

#define UZ_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Fill @err (if not NULL) with a formatted message; return @code (negative). */
int uz_err_set(struct uz_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the message already in @err with a formatted context; return err->code. */
int uz_err_prefix(struct uz_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Byte order of a buffer relative to the host. */
static inline uint16_t uz_bswap16(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t uz_bswap32(uint32_t v) { return __builtin_bswap32(v); }
static inline uint64_t uz_bswap64(uint64_t v) { return __builtin_bswap64(v); }

static inline uint16_t uz_get16(const void *p, bool swap)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return swap ? uz_bswap16(v) : v;
}
static inline uint32_t uz_get32(const void *p, bool swap)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return swap ? uz_bswap32(v) : v;
}
static inline uint64_t uz_get64(const void *p, bool swap)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return swap ? uz_bswap64(v) : v;
}
static inline void uz_put32(void *p, uint32_t v, bool swap)
{
	if (swap)
		v = uz_bswap32(v);
	memcpy(p, &v, sizeof(v));
}
static inline void uz_put64(void *p, uint64_t v, bool swap)
{
	if (swap)
		v = uz_bswap64(v);
	memcpy(p, &v, sizeof(v));
}
static inline void uz_put16(void *p, uint16_t v, bool swap)
{
	if (swap)
		v = uz_bswap16(v);
	memcpy(p, &v, sizeof(v));
}

static inline bool uz_host_is_big_endian(void)
{
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

/* 64-bit FNV-1a of @len bytes (digest.c). */
uint64_t uz_fnv1a64(const void *data, size_t len);

/* Is @path an input that may be read: a regular file, or a directory when
 * @allow_dir? A FIFO, socket, device or symbolic link loop is an error
 * naming it, before anything opens it (fileio.c). */
int uz_input_check(const char *path, bool allow_dir, struct uz_error *err);
/* Read a whole regular file into a malloc'ed buffer (NUL-terminated, not
 * counted); anything else is refused as uz_input_check() does. */
int uz_read_file(const char *path, uint8_t **data, size_t *len, struct uz_error *err);
/*
 * A read lease on @fd (opened read-only) before the file is mapped: while
 * it is held, another process's truncate() or open for writing waits (up
 * to /proc/sys/fs/lease-break-time, 45 s by default) until the lease goes
 * with the last reference to the file (descriptor and mappings), so the
 * mapping cannot fault (SIGBUS) meanwhile. Keep @fd open while mapped.
 * 0 held; -EAGAIN: the file is open for writing right now (read it
 * instead); another -errno: no lease here (not the file's owner and no
 * CAP_LEASE, or a filesystem without leases).
 */
int uz_map_lease(int fd);
/* Write @len bytes to @path: "-" is stdout, devices and FIFOs are written
 * through, links followed, regular files replaced atomically (fileio.c). */
int uz_write_file_atomic(const char *path, const void *data, size_t len,
			 struct uz_error *err);

/* Does the opts struct of size @sz (as given by the caller) carry @field? */
#define UZ_OPTS_HAS(opts, field) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))
#define UZ_OPTS_GET(opts, field, def) (UZ_OPTS_HAS(opts, field) ? (opts)->field : (def))

/* Validate an options struct (see opts.c): size field sane, and no byte set
 * past the @known_sz bytes this library knows. NULL is valid. */
int uz_opts_check(const void *opts, size_t known_sz, const char *type, struct uz_error *err);
/* The size this library knows is its own sizeof (tail padding included,
 * which callers' initialisers need not zero): a field added later must
 * start at or past the old sizeof, never inside its tail padding. */
#define UZ_OPTS_CHECK(opts, type, err) uz_opts_check((opts), sizeof(struct type), #type, (err))

#endif /* UZ_INTERNAL_H */
