/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tests for reloc/kimage.c and `userize btf extract`: a hand-written
 * BTF blob is wrapped in every container the extractor reads (ELF, bzImage
 * with each compression, bare streams, arm64 Image, tar, .deb) and must come
 * back byte for byte; hostile inputs (truncations, corrupt bytes, lying
 * sizes, bombs, missing BTF) must give the right error code and a message.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "commands.h"
#include "target/kimage/kimage.h"
#include "kimage_build.h"
#include "common/uz_internal.h"

#define FILLER (9u << 20)       /* > 8 MiB: two lz4-legacy blocks */
#define RELEASE "6.1.0-99-test-amd64"

struct fx {
	struct kb_buf btf;      /* little-endian BTF */
	struct kb_buf elf;      /* ELF vmlinux with .BTF and a 9 MiB filler */
};

static int fx_setup(void **state)
{
	struct kb_elf_opts o = { .filler = FILLER };
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	kb_btf(&f->btf, false);
	kb_elf(&f->elf, &f->btf, &o);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	kb_free(&f->btf);
	kb_free(&f->elf);
	free(f);
	return 0;
}

/* Extract with a cap; on success compare to @want and check the description. */
static int extract(const struct kb_buf *in, size_t cap, const struct kb_buf *want,
		   const char *what_has, struct uz_error *err)
{
	uint8_t *btf = (uint8_t *)"junk";
	size_t len = 7;
	char what[512];
	int rc;

	memset(err, 0, sizeof(*err));
	rc = uz_kimage_extract_btf_cap(in->p, in->len, "test", cap, &btf, &len, what,
				       sizeof(what), err);
	if (rc) {
		assert_null(btf);
		assert_int_equal(len, 0);
		assert_int_equal(err->code, rc);
		assert_true(strlen(err->msg) > 6);
		return rc;
	}
	if (want) {
		assert_int_equal(len, want->len);
		assert_memory_equal(btf, want->p, len);
	}
	if (what_has && !strstr(what, what_has))
		fail_msg("description '%s' lacks '%s'", what, what_has);
	free(btf);
	return 0;
}

static void expect_ok(const struct kb_buf *in, const struct kb_buf *want, const char *what)
{
	struct uz_error err;
	int rc = extract(in, UZ_KIMAGE_MAX_OUT, want, what, &err);

	if (rc)
		fail_msg("extract failed (%d): %s", rc, err.msg);
}

static void expect_err(const struct kb_buf *in, size_t cap, int code, const char *msg_has)
{
	struct uz_error err;
	int rc = extract(in, cap, NULL, NULL, &err);

	if (rc != code)
		fail_msg("want %d, got %d (%s)", code, rc, rc ? err.msg : "success");
	if (msg_has && !strstr(err.msg, msg_has))
		fail_msg("message '%s' lacks '%s'", err.msg, msg_has);
}

static void make_bz(struct kb_buf *out, const struct kb_buf *elf, enum kb_comp comp)
{
	struct kb_buf pay = { 0 };

	kb_compress(&pay, comp, elf, comp != KB_GZIP);
	kb_bzimage(out, &pay, 27, RELEASE " (debian-kernel@lists.debian.org) #1 SMP");
	kb_free(&pay);
}

static void make_deb(struct kb_buf *out, const struct kb_buf *kernel, const char *member,
		     enum kb_comp comp, const char *data_name)
{
	const char *names[3] = { "./", "./boot/config-" RELEASE, member };
	struct kb_buf datas[3] = { { 0 }, { 0 }, *kernel }, tar = { 0 }, z = { 0 };

	kb_put(&datas[1], "CONFIG_DEBUG_INFO_BTF=y\n", 24);
	kb_tar(&tar, names, datas, 3);
	kb_compress(&z, comp, &tar, false);
	kb_deb(out, data_name, &z);
	kb_free(&datas[1]);
	kb_free(&tar);
	kb_free(&z);
}

/* ---- formats that must work ----------------------------------------------- */

static void t_raw_btf(void **state)
{
	struct fx *f = *state;
	struct kb_buf be = { 0 }, padded = { 0 };

	expect_ok(&f->btf, &f->btf, "raw BTF (little-endian");
	kb_btf(&be, true);
	expect_ok(&be, &be, "raw BTF (big-endian");
	/* Trailing bytes after the sections are not part of the BTF. */
	kb_put(&padded, f->btf.p, f->btf.len);
	kb_zero(&padded, 100);
	expect_ok(&padded, &f->btf, NULL);
	kb_free(&be);
	kb_free(&padded);
}

static void t_elf(void **state)
{
	struct fx *f = *state;
	struct kb_elf_opts o = { .big_endian = true, .filler = 1000 };
	struct kb_buf be = { 0 }, elf = { 0 };

	expect_ok(&f->elf, &f->btf, "ELF (x86_64) .BTF");
	kb_btf(&be, true);
	kb_elf(&elf, &be, &o);
	expect_ok(&elf, &be, "ELF (s390x) .BTF");
	kb_free(&be);
	kb_free(&elf);
}

static void t_bzimage(void **state)
{
	static const struct { enum kb_comp comp; const char *what; } cases[] = {
		{ KB_GZIP, "bzImage(gzip) " RELEASE " -> ELF" },
		{ KB_XZ, "bzImage(xz) " RELEASE " -> ELF" },
		{ KB_ZSTD, "bzImage(zstd) " RELEASE " -> ELF" },
		{ KB_LZ4_LEGACY, "bzImage(lz4-legacy) " RELEASE " -> ELF" },
		{ KB_LZ4, "bzImage(lz4) " RELEASE " -> ELF" },
	};
	struct fx *f = *state;
	char rel[64];
	size_t i;

	for (i = 0; i < UZ_ARRAY_SIZE(cases); i++) {
		struct kb_buf bz = { 0 };

		make_bz(&bz, &f->elf, cases[i].comp);
		expect_ok(&bz, &f->btf, cases[i].what);
		assert_int_equal(uz_kimage_release(bz.p, bz.len, rel, sizeof(rel)),
				 strlen(RELEASE));
		assert_string_equal(rel, RELEASE);
		kb_free(&bz);
	}
}

static void t_streams(void **state)
{
	static const enum kb_comp comps[] = { KB_GZIP, KB_XZ, KB_ZSTD, KB_LZ4, KB_LZ4_LEGACY };
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < UZ_ARRAY_SIZE(comps); i++) {
		struct kb_buf z = { 0 }, zb = { 0 };

		kb_compress(&z, comps[i], &f->elf, false);
		expect_ok(&z, &f->btf, "-> ELF (x86_64) .BTF");
		kb_compress(&zb, comps[i], &f->btf, false);
		expect_ok(&zb, &f->btf, "-> raw BTF");
		kb_free(&z);
		kb_free(&zb);
	}
}

/* arm64 Image: 64-byte header with "ARM\x64" at 0x38, BTF somewhere inside. */
static void make_arm64(struct kb_buf *out, const struct kb_buf *btf)
{
	size_t i;

	kb_zero(out, 64);
	memcpy(out->p + 0x38, "ARM\x64", 4);
	for (i = 0; i < 50000; i++)
		kb_put(out, &(uint8_t){ (uint8_t)(i * 7 + (i >> 9)) }, 1);
	kb_align(out, 4);
	if (btf)
		kb_put(out, btf->p, btf->len);
	kb_zero(out, 3000);
}

static void t_arm64_and_embedded(void **state)
{
	struct fx *f = *state;
	struct kb_buf img = { 0 }, gz = { 0 }, raw = { 0 };

	make_arm64(&img, &f->btf);
	expect_ok(&img, &f->btf, "arm64 Image -> embedded BTF at offset 50064");
	kb_compress(&gz, KB_GZIP, &img, false);
	expect_ok(&gz, &f->btf, "gzip -> arm64 Image -> embedded BTF");
	/* A raw image with no known header but a valid BTF inside. */
	kb_put(&raw, "\x01\x02\x03garbage", 10);
	kb_put(&raw, f->btf.p, f->btf.len);
	kb_put(&raw, "\x9f\xeb\x01\x00trailing", 12);
	expect_ok(&raw, &f->btf, "embedded BTF at offset 10");
	kb_free(&img);
	kb_free(&gz);
	kb_free(&raw);
}

static void t_deb(void **state)
{
	static const struct { enum kb_comp comp; const char *name; } cases[] = {
		{ KB_XZ, "data.tar.xz" }, { KB_ZSTD, "data.tar.zst" }, { KB_GZIP, "data.tar.gz" },
	};
	struct fx *f = *state;
	struct kb_buf bz = { 0 }, deb = { 0 }, dbg = { 0 };
	char rel[64], what[80];
	size_t i;

	make_bz(&bz, &f->elf, KB_ZSTD);
	for (i = 0; i < UZ_ARRAY_SIZE(cases); i++) {
		make_deb(&deb, &bz, "./boot/vmlinuz-" RELEASE, cases[i].comp, cases[i].name);
		snprintf(what, sizeof(what), "deb %s -> boot/vmlinuz-%s -> bzImage(zstd)",
			 cases[i].name, RELEASE);
		expect_ok(&deb, &f->btf, what);
		assert_int_equal(uz_kimage_release(deb.p, deb.len, rel, sizeof(rel)),
				 strlen(RELEASE));
		assert_string_equal(rel, RELEASE);
		assert_int_equal(uz_kimage_release(deb.p, deb.len, rel, 5), -ENOSPC);
		kb_free(&deb);
	}
	/* A -dbg package: the ELF vmlinux itself. */
	make_deb(&dbg, &f->elf, "./usr/lib/debug/boot/vmlinux-" RELEASE, KB_XZ, "data.tar.xz");
	expect_ok(&dbg, &f->btf, "usr/lib/debug/boot/vmlinux-" RELEASE " -> ELF");
	/* Not a kernel: nothing recoverable. */
	assert_int_equal(uz_kimage_release(f->elf.p, f->elf.len, rel, sizeof(rel)), 0);
	assert_string_equal(rel, "");
	assert_int_equal(uz_kimage_release(f->elf.p, f->elf.len, NULL, 0), -EINVAL);
	kb_free(&bz);
	kb_free(&dbg);
}

static void t_file(void **state)
{
	struct fx *f = *state;
	char path[] = "/tmp/uz_kimage_XXXXXX";
	struct uz_error err = { 0 };
	struct kb_buf deb = { 0 }, bz = { 0 };
	uint8_t *btf;
	size_t len;
	int fd;

	make_bz(&bz, &f->elf, KB_LZ4_LEGACY);
	make_deb(&deb, &bz, "./boot/vmlinuz-" RELEASE, KB_XZ, "data.tar.xz");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, deb.p, deb.len), (ssize_t)deb.len);
	close(fd);
	assert_int_equal(uz_kimage_extract_btf_file(path, &btf, &len, NULL, 0, &err), 0);
	assert_int_equal(len, f->btf.len);
	assert_memory_equal(btf, f->btf.p, len);
	free(btf);
	unlink(path);
	assert_int_equal(uz_kimage_extract_btf_file(path, &btf, &len, NULL, 0, &err), -ENOENT);
	assert_non_null(strstr(err.msg, path));
	kb_free(&deb);
	kb_free(&bz);
}

/* ---- hostile input -------------------------------------------------------- */

/* Every strict prefix must fail cleanly (step through ~200 cut points). */
static void truncations(const struct kb_buf *in)
{
	struct kb_buf cut = { 0 };
	struct uz_error err;
	size_t n, step = in->len / 150 + 1;

	for (n = 0; n < in->len; n += (n < 600 || n + 600 > in->len) ? 1 + n / 64 : step) {
		cut.p = in->p;
		cut.len = n;
		if (extract(&cut, 64u << 20, NULL, NULL, &err) == 0)
			fail_msg("prefix of %zu/%zu bytes was accepted", n, in->len);
	}
}

static void t_truncated(void **state)
{
	struct fx *f = *state;
	struct kb_elf_opts o = { .filler = 3000 };
	struct kb_buf small = { 0 }, bz = { 0 }, bz4 = { 0 }, deb = { 0 }, gz = { 0 };

	kb_elf(&small, &f->btf, &o);
	make_bz(&bz, &small, KB_ZSTD);
	make_bz(&bz4, &small, KB_LZ4_LEGACY);
	make_deb(&deb, &bz, "./boot/vmlinuz-" RELEASE, KB_XZ, "data.tar.xz");
	kb_compress(&gz, KB_GZIP, &small, false);
	truncations(&f->btf);
	truncations(&small);
	truncations(&bz);
	truncations(&bz4);
	truncations(&deb);
	truncations(&gz);
	kb_free(&small);
	kb_free(&bz);
	kb_free(&bz4);
	kb_free(&deb);
	kb_free(&gz);
}

/* Flipped bytes: any result is fine except a crash or a half-filled output. */
static void t_corrupt(void **state)
{
	static const enum kb_comp comps[] = { KB_GZIP, KB_XZ, KB_ZSTD, KB_LZ4, KB_LZ4_LEGACY };
	struct fx *f = *state;
	struct kb_elf_opts o = { .filler = 2000 };
	struct kb_buf small = { 0 }, deb = { 0 }, bz = { 0 };
	struct uz_error err;
	size_t i, k;

	kb_elf(&small, &f->btf, &o);
	for (i = 0; i < UZ_ARRAY_SIZE(comps); i++) {
		struct kb_buf z = { 0 };

		make_bz(&bz, &small, comps[i]);
		make_deb(&deb, &bz, "./boot/vmlinuz-" RELEASE, comps[i] == KB_LZ4 ? KB_XZ :
			 comps[i], "data.tar.xz");
		kb_put(&z, bz.p, bz.len);
		for (k = 0; k < 300; k++) {
			size_t at = (k * 7919u) % z.len;

			z.p[at] ^= (uint8_t)(0x55 + k);
			extract(&z, 64u << 20, NULL, NULL, &err);
			z.p[at] ^= (uint8_t)(0x55 + k);
			at = (k * 104729u) % deb.len;
			deb.p[at] ^= 0xa5;
			extract(&deb, 64u << 20, NULL, NULL, &err);
			deb.p[at] ^= 0xa5;
		}
		kb_free(&z);
		kb_free(&bz);
		kb_free(&deb);
	}
	for (k = 0; k < small.len; k += 3) {
		small.p[k] ^= 0xff;
		extract(&small, 64u << 20, NULL, NULL, &err);
		small.p[k] ^= 0xff;
	}
	kb_free(&small);
}

static void t_elf_hostile(void **state)
{
	struct fx *f = *state;
	struct kb_elf_opts nobits = { .btf_type = SHT_NOBITS }, past = { .btf_off_delta = 1u << 20 },
			   nobtf = { .no_btf = true, .filler = 100 };
	struct kb_buf elf = { 0 }, bad = { 0 }, bz = { 0 };

	kb_elf(&elf, &f->btf, &nobits);
	expect_err(&elf, UZ_KIMAGE_MAX_OUT, -EINVAL, "SHT_NOBITS");
	kb_free(&elf);
	kb_elf(&elf, &f->btf, &past);
	expect_err(&elf, UZ_KIMAGE_MAX_OUT, -EINVAL, "past the end");
	kb_free(&elf);
	/* .BTF whose string section claims more than the section holds. */
	kb_put(&bad, f->btf.p, f->btf.len);
	bad.p[20] = 0xff;
	kb_elf(&elf, &bad, &(struct kb_elf_opts){ 0 });
	expect_err(&elf, UZ_KIMAGE_MAX_OUT, -EINVAL, ".BTF: BTF sections end at");
	expect_err(&bad, UZ_KIMAGE_MAX_OUT, -EINVAL, "raw BTF");
	kb_free(&elf);
	/* No .BTF at all: the kernel has no BTF (s390x 6.1 style). */
	kb_elf(&elf, &f->btf, &nobtf);
	expect_err(&elf, UZ_KIMAGE_MAX_OUT, -ENODATA, "has no BTF");
	make_bz(&bz, &elf, KB_ZSTD);
	expect_err(&bz, UZ_KIMAGE_MAX_OUT, -ENODATA, "has no BTF");
	kb_free(&elf);
	kb_free(&bad);
	kb_free(&bz);
}

static void t_bzimage_hostile(void **state)
{
	struct fx *f = *state;
	struct kb_elf_opts o = { .filler = 100 };
	struct kb_buf small = { 0 }, bz = { 0 }, pay = { 0 };

	kb_elf(&small, &f->btf, &o);
	make_bz(&bz, &small, KB_XZ);
	bz.p[0x1f1] = 0xff;     /* setup past the end */
	expect_err(&bz, UZ_KIMAGE_MAX_OUT, -EINVAL, "setup_sects 255");
	bz.p[0x1f1] = 27;
	bz.p[0x24b] = 0x7f;     /* payload_offset huge */
	expect_err(&bz, UZ_KIMAGE_MAX_OUT, -EINVAL, "payload (offset");
	bz.p[0x24b] = 0;
	bz.p[0x24f] = 0x10;     /* payload_length past the end */
	expect_err(&bz, UZ_KIMAGE_MAX_OUT, -EINVAL, "payload (offset");
	bz.p[0x24f] = 0;
	bz.p[0x207] = 0x01;     /* boot protocol 1.x */
	expect_err(&bz, UZ_KIMAGE_MAX_OUT, -ENOTSUP, "too old");
	kb_free(&bz);
	/* bzip2 payload */
	kb_put(&pay, "BZh91AY&SY0123456789", 20);
	kb_bzimage(&bz, &pay, 4, NULL);
	expect_err(&bz, UZ_KIMAGE_MAX_OUT, -ENOTSUP, "bzip2");
	kb_free(&bz);
	kb_free(&pay);
	/* lz4-legacy block claiming more than a block may hold */
	kb_put(&pay, "\x02\x21\x4c\x18\xff\xff\xff\x7f\x01\x02\x03\x04", 12);
	kb_bzimage(&bz, &pay, 4, NULL);
	expect_err(&bz, UZ_KIMAGE_MAX_OUT, -EINVAL, "lz4-legacy block at offset 4 claims");
	kb_free(&bz);
	kb_free(&pay);
	kb_free(&small);
}

static void t_bombs(void **state)
{
	static const enum kb_comp comps[] = { KB_GZIP, KB_XZ, KB_ZSTD, KB_LZ4, KB_LZ4_LEGACY };
	struct kb_buf zeros = { 0 }, z = { 0 }, bz = { 0 };
	struct uz_error err;
	size_t i;

	(void)state;
	kb_zero(&zeros, 20u << 20);
	for (i = 0; i < UZ_ARRAY_SIZE(comps); i++) {
		kb_compress(&z, comps[i], &zeros, false);
		assert_true(z.len < (1u << 20));
		expect_err(&z, 4u << 20, -EFBIG, "decompresses to more than 4194304 bytes");
		make_bz(&bz, &zeros, comps[i]);
		expect_err(&bz, 4u << 20, -EFBIG, "more than");
		kb_free(&bz);
		kb_free(&z);
	}
	/* Within the cap the same stream is fine (and has no BTF: not a kernel). */
	kb_compress(&z, KB_ZSTD, &zeros, false);
	assert_int_equal(extract(&z, 32u << 20, NULL, NULL, &err), -EINVAL);
	kb_free(&z);
	kb_free(&zeros);
}

static void t_deb_hostile(void **state)
{
	struct fx *f = *state;
	struct kb_buf bz = { 0 }, deb = { 0 }, big = { 0 }, tar = { 0 }, z = { 0 };
	const char *name = "./boot/vmlinuz-" RELEASE;
	size_t i;

	/* No kernel member. */
	make_deb(&deb, &f->btf, "./boot/initrd.img-" RELEASE, KB_XZ, "data.tar.xz");
	expect_err(&deb, UZ_KIMAGE_MAX_OUT, -ENOENT, "not a kernel package");
	kb_free(&deb);
	/* Member bigger than the cap. */
	kb_zero(&big, 2u << 20);
	make_deb(&deb, &big, name, KB_ZSTD, "data.tar.zst");
	expect_err(&deb, 1u << 20, -EFBIG, "over the 1048576-byte limit");
	kb_free(&deb);
	/* Corrupt tar header checksum. */
	kb_tar(&tar, &name, &f->btf, 1);
	tar.p[0] ^= 1;
	kb_compress(&z, KB_XZ, &tar, false);
	kb_deb(&deb, "data.tar.xz", &z);
	expect_err(&deb, UZ_KIMAGE_MAX_OUT, -EINVAL, "bad checksum");
	kb_free(&deb);
	kb_free(&z);
	/* The kernel member is cut short (its size runs past the stream's end). */
	tar.p[0] ^= 1;
	tar.len = 512 + 64;
	kb_compress(&z, KB_GZIP, &tar, false);
	kb_deb(&deb, "data.tar.gz", &z);
	expect_err(&deb, UZ_KIMAGE_MAX_OUT, -EINVAL, "truncated");
	kb_free(&deb);
	/* ar member size past the end, bad size field, unsupported compression. */
	make_bz(&bz, &f->btf, KB_ZSTD);
	make_deb(&deb, &bz, name, KB_XZ, "data.tar.xz");
	for (i = 8; i + 60 <= deb.len; ) {
		if (!memcmp(deb.p + i, "data.tar.xz", 11))
			break;
		i += 60 + (size_t)strtoul((char *)deb.p + i + 48, NULL, 10);
		i += i & 1;
	}
	memcpy(deb.p + i + 48, "9999999999", 10);
	expect_err(&deb, UZ_KIMAGE_MAX_OUT, -EINVAL, "only");
	memcpy(deb.p + i + 48, "12x4      ", 10);
	expect_err(&deb, UZ_KIMAGE_MAX_OUT, -EINVAL, "bad size field");
	kb_free(&deb);
	kb_deb(&deb, "data.tar.bz2", &f->btf);
	expect_err(&deb, UZ_KIMAGE_MAX_OUT, -ENOTSUP, "data.tar.bz2");
	kb_free(&deb);
	/* A zero-byte kernel member (was a double free). */
	{
		struct kb_buf empty = { .p = (uint8_t *)"", .len = 0 };

		make_deb(&deb, &empty, name, KB_XZ, "data.tar.xz");
		expect_err(&deb, UZ_KIMAGE_MAX_OUT, -ENODATA, "0-byte");
		kb_free(&deb);
	}
	/* A base-256 size field near 2^64 must not wrap when rounded to 512. */
	{
		const char *names[] = { "./boot/junk", name };
		struct kb_buf datas[2] = { f->btf, bz }, t2 = { 0 };
		unsigned int sum = 0;
		size_t j;

		kb_tar(&t2, names, datas, 2);
		t2.p[124] = 0x80;		/* base-256: 2^64 - 1 */
		memset(t2.p + 125, 0, 3);
		memset(t2.p + 128, 0xff, 8);
		memset(t2.p + 148, ' ', 8);
		for (j = 0; j < 512; j++)
			sum += t2.p[j];
		snprintf((char *)t2.p + 148, 8, "%06o", sum);
		t2.p[155] = ' ';
		kb_free(&z);
		kb_compress(&z, KB_GZIP, &t2, false);
		kb_deb(&deb, "data.tar.gz", &z);
		expect_err(&deb, UZ_KIMAGE_MAX_OUT, -EINVAL, "corrupt size field");
		kb_free(&deb);
		kb_free(&z);
		kb_free(&t2);
	}
	kb_free(&bz);
	kb_free(&big);
	kb_free(&tar);
	kb_free(&z);
}

static void t_no_btf(void **state)
{
	struct kb_buf img = { 0 }, junk = { 0 }, nest = { 0 }, z = { 0 };
	struct fx *f = *state;
	int i;

	make_arm64(&img, NULL);
	expect_err(&img, UZ_KIMAGE_MAX_OUT, -ENODATA, "the kernel has no BTF");
	kb_put(&junk, "hello, this is not a kernel at all", 34);
	expect_err(&junk, UZ_KIMAGE_MAX_OUT, -EINVAL, "not a kernel image");
	junk.len = 0;
	expect_err(&junk, UZ_KIMAGE_MAX_OUT, -EINVAL, "not a kernel image");
	/* Containers nested too deep. */
	kb_put(&nest, f->btf.p, f->btf.len);
	for (i = 0; i < 8; i++) {
		kb_compress(&z, KB_GZIP, &nest, false);
		kb_free(&nest);
		nest = z;
		memset(&z, 0, sizeof(z));
	}
	expect_err(&nest, UZ_KIMAGE_MAX_OUT, -EINVAL, "nested");
	kb_free(&img);
	kb_free(&junk);
	kb_free(&nest);
}

/* ---- the CLI command -------------------------------------------------------- */

static int run_cli(const char *in, const char *out, bool quiet)
{
	char *argv[] = { "btf", "extract", (char *)in, "-o", (char *)out,
			 quiet ? "--quiet" : NULL, NULL };

	return uz_cmd_btf(quiet ? 6 : 5, argv);
}

static void write_tmp(char *path, const struct kb_buf *b)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->p, b->len), (ssize_t)b->len);
	close(fd);
}

static void t_cli(void **state)
{
	struct fx *f = *state;
	struct kb_elf_opts nobtf = { .no_btf = true };
	char in[] = "/tmp/uz_cli_in_XXXXXX", bad[] = "/tmp/uz_cli_bad_XXXXXX";
	char nob[] = "/tmp/uz_cli_nob_XXXXXX", out[64];
	struct kb_buf bz = { 0 }, elf = { 0 }, junk = { 0 };
	uint8_t *data;
	size_t len;
	struct uz_error err;
	struct stat st;
	char *help[] = { "btf", "--help", NULL }, *usage1[] = { "btf", "extract", in, NULL };
	char *usage2[] = { "btf", "frobnicate", NULL }, *usage3[] = { "btf", NULL };
	char *help2[] = { "btf", "extract", "--help", NULL };

	make_bz(&bz, &f->elf, KB_ZSTD);
	write_tmp(in, &bz);
	kb_elf(&elf, &f->btf, &nobtf);
	write_tmp(nob, &elf);
	kb_put(&junk, "garbage garbage garbage", 23);
	write_tmp(bad, &junk);
	snprintf(out, sizeof(out), "%s.btf", in);

	assert_int_equal(run_cli(in, out, true), 0);
	assert_int_equal(uz_read_file(out, &data, &len, &err), 0);
	assert_int_equal(len, f->btf.len);
	assert_memory_equal(data, f->btf.p, len);
	free(data);
	unlink(out);
	assert_int_equal(run_cli(in, out, false), 0);
	unlink(out);
	/* No BTF -> 1, bad input -> 2; never an output file. */
	assert_int_equal(run_cli(nob, out, true), 1);
	assert_int_equal(stat(out, &st), -1);
	assert_int_equal(run_cli(bad, out, true), 2);
	assert_int_equal(run_cli("/nonexistent/x", out, true), 2);
	assert_int_equal(stat(out, &st), -1);
	assert_int_equal(run_cli(in, "/nonexistent/dir/out.btf", true), 2);
	/* Usage. */
	assert_int_equal(uz_cmd_btf(2, help), 0);
	assert_int_equal(uz_cmd_btf(3, help2), 0);
	assert_int_equal(uz_cmd_btf(3, usage1), 2);
	assert_int_equal(uz_cmd_btf(2, usage2), 2);
	assert_int_equal(uz_cmd_btf(1, usage3), 2);
	unlink(in);
	unlink(nob);
	unlink(bad);
	kb_free(&bz);
	kb_free(&elf);
	kb_free(&junk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_raw_btf),
		cmocka_unit_test(t_elf),
		cmocka_unit_test(t_bzimage),
		cmocka_unit_test(t_streams),
		cmocka_unit_test(t_arm64_and_embedded),
		cmocka_unit_test(t_deb),
		cmocka_unit_test(t_file),
		cmocka_unit_test(t_truncated),
		cmocka_unit_test(t_corrupt),
		cmocka_unit_test(t_elf_hostile),
		cmocka_unit_test(t_bzimage_hostile),
		cmocka_unit_test(t_bombs),
		cmocka_unit_test(t_deb_hostile),
		cmocka_unit_test(t_no_btf),
		cmocka_unit_test(t_cli),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
