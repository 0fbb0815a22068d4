/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where format files come from: a directory (a tracefs mount, whose
 * events/ is used, or an events/ tree copied elsewhere) or a tar of such a
 * tree, plain or gzip/xz/zstd compressed (decompressed with kimage/'s
 * bounded decoders). Owns the list of SYS/EVENT entries, sorted, and
 * reading one entry's format text. Tar members are kept in memory: a whole
 * events/ tree is a few MB.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "target/kimage/kimage_int.h"
#include "target/tracefs/tracefs_tree.h"

#define TFS_TAR_MAX ((size_t)256 << 20)
#define TFS_PROBE_MAX ((size_t)1 << 20)
#define TFS_MAX_EVENTS 200000

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

static int add_node(struct uz_tfs_tree *t, const char *sys, size_t sl, const char *ev, size_t el,
		    size_t off, size_t len, struct uz_error *err)
{
	struct uz_tfs_node *n;

	if (t->cnt == TFS_MAX_EVENTS)
		return uz_err_set(err, -E2BIG, "%s: more than %d events", t->where, TFS_MAX_EVENTS);
	n = realloc(t->ev, (t->cnt + 1) * sizeof(*n));
	if (!n)
		return uz_err_set(err, -ENOMEM, "out of memory");
	t->ev = n;
	n = &n[t->cnt];
	n->sys = strndup(sys, sl);
	n->name = strndup(ev, el);
	n->off = off;
	n->len = len;
	if (!n->sys || !n->name) {
		free(n->sys);
		free(n->name);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	t->cnt++;
	return 0;
}

static int node_cmp(const void *a, const void *b)
{
	const struct uz_tfs_node *x = a, *y = b;
	int c = strcmp(x->sys, y->sys);

	return c ? c : strcmp(x->name, y->name);
}

/* ---- directories ---------------------------------------------------------- */

/* The events/ directory of @path: @path/events, or @path itself. */
static bool events_dir(const char *path, char *out, size_t sz)
{
	DIR *d, *e;
	struct dirent *s, *v;
	char p[4096];
	bool found = false;

	snprintf(out, sz, "%s/events", path);
	if (!is_dir(out))
		snprintf(out, sz, "%s", path);
	d = opendir(out);
	if (!d)
		return false;
	while (!found && (s = readdir(d))) {
		if (s->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", out, s->d_name);
		e = opendir(p);
		if (!e)
			continue;
		while (!found && (v = readdir(e))) {
			char f[4096 + 512];

			if (v->d_name[0] == '.')
				continue;
			snprintf(f, sizeof(f), "%s/%s/format", p, v->d_name);
			found = is_file(f);
		}
		closedir(e);
	}
	closedir(d);
	return found;
}

static int scan_dir(struct uz_tfs_tree *t, struct uz_error *err)
{
	DIR *d, *e;
	struct dirent *s, *v;
	char p[4096], f[4096 + 512];
	int r = 0;

	d = opendir(t->root);
	if (!d)
		return uz_err_set(err, -errno, "cannot open directory '%s': %s", t->root, strerror(errno));
	while (!r && (s = readdir(d))) {
		if (s->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", t->root, s->d_name);
		e = opendir(p);
		if (!e)
			continue;
		while (!r && (v = readdir(e))) {
			if (v->d_name[0] == '.')
				continue;
			snprintf(f, sizeof(f), "%s/%s/format", p, v->d_name);
			if (is_file(f))
				r = add_node(t, s->d_name, strlen(s->d_name), v->d_name,
					     strlen(v->d_name), 0, 0, err);
		}
		closedir(e);
	}
	closedir(d);
	return r;
}

/* ---- tar ------------------------------------------------------------------ */

static bool tar_num(const uint8_t *f, size_t n, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	if (f[0] & 0x80) {
		for (i = 1; i < n; i++) {
			if (*v >> 56)
				return false;
			*v = (*v << 8) | f[i];
		}
		return f[0] == 0x80;
	}
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v >> 60)
			return false;
		*v = (*v << 3) | (uint64_t)(f[i] - '0');
	}
	return i == n || f[i] == ' ' || f[i] == 0;
}

/* A member path ".../SYS/EVENT/format": SYS and EVENT as ranges. */
static bool format_member(const char *name, const char **sys, size_t *sl, const char **ev,
			  size_t *el)
{
	size_t n = strlen(name);
	const char *end, *p;

	if (n < 7 || strcmp(name + n - 7, "/format"))
		return false;
	end = name + n - 7;
	for (p = end; p > name && p[-1] != '/'; p--)
		;
	if (p == end || p == name)
		return false;
	*ev = p;
	*el = (size_t)(end - p);
	end = p - 1;
	for (p = end; p > name && p[-1] != '/'; p--)
		;
	if (p == end)
		return false;
	*sys = p;
	*sl = (size_t)(end - p);
	return (*sys)[0] != '.' && (*ev)[0] != '.';
}

/* Walk the tar in @t->tar; with @probe, stop at the first format member. */
static int scan_tar(struct uz_tfs_tree *t, bool probe, struct uz_error *err)
{
	const uint8_t *p = t->tar;
	size_t pos = 0, len = t->tar_len, sl, el;
	char name[1024], longname[1024] = "";
	const char *sys, *ev;
	uint64_t size;
	int r;

	while (len - pos >= 512) {
		const uint8_t *h = p + pos;
		char nm[101], pre[156];

		if (!h[0] && !memcmp(h, h + 1, 511))
			return 0;
		if (!uz_ki_is_tar(h, 512) || !tar_num(h + 124, 12, &size))
			return uz_err_set(err, -EINVAL, "%s: tar: corrupt header at offset %zu", t->where, pos);
		pos += 512;
		if (size > len - pos)
			return probe ? 0 : uz_err_set(err, -EINVAL, "%s: tar: member at offset %zu claims %llu bytes, only %zu left (truncated archive)",
						      t->where, pos - 512, (unsigned long long)size, len - pos);
		if (h[156] == 'L' || h[156] == 'x') {
			const char *s = (const char *)p + pos, *q;

			if (h[156] == 'L') {
				snprintf(longname, sizeof(longname), "%.*s", (int)size, s);
			} else if ((q = memmem(s, (size_t)size, " path=", 6))) {
				const char *nl = memchr(q, '\n', (size_t)(s + size - q));

				if (nl)
					snprintf(longname, sizeof(longname), "%.*s", (int)(nl - q - 6), q + 6);
			}
		} else {
			memcpy(nm, h, 100);
			nm[100] = 0;
			pre[0] = 0;
			if (h[345]) {
				memcpy(pre, h + 345, 155);
				pre[155] = 0;
			}
			if (longname[0])
				snprintf(name, sizeof(name), "%s", longname);
			else
				snprintf(name, sizeof(name), "%s%s%s", pre, pre[0] ? "/" : "", nm);
			longname[0] = 0;
			if ((h[156] == '0' || h[156] == 0) && format_member(name, &sys, &sl, &ev, &el)) {
				if (probe)
					return 1;
				r = add_node(t, sys, sl, ev, el, pos, (size_t)size, err);
				if (r)
					return r;
			}
		}
		pos += ((size_t)size + 511) & ~(size_t)511;
		if (pos > len)
			pos = len;
	}
	return probe ? 0 : uz_err_set(err, -EINVAL, "%s: tar: archive is truncated (no end-of-archive blocks)", t->where);
}

/* @data as a tar: decompressed (at most @max bytes) into t->tar. */
static int load_tar(struct uz_tfs_tree *t, const uint8_t *data, size_t len, size_t max,
		    struct uz_error *err)
{
	struct ki_ctx c = { .name = t->where, .cap = max, .err = err };
	enum ki_comp comp = uz_ki_comp_detect(data, len);
	struct ki_dec *d = NULL;
	int r;

	if (comp != KI_NONE && comp != KI_GZIP && comp != KI_XZ && comp != KI_ZSTD)
		return uz_err_set(err, -ENOTSUP, "%s: %s-compressed: a tracefs tar must be plain, gzip, xz or zstd",
				  t->where, uz_ki_comp_name(comp));
	r = uz_ki_dec_open(&c, &d, comp, data, len, max);
	r = r ?: uz_ki_dec_read_alloc(&c, d, max, comp == KI_NONE ? len : 0, &t->tar, &t->tar_len);
	uz_ki_dec_close(d);
	if (r == -EFBIG && max == TFS_PROBE_MAX)
		r = 0;
	return r;
}

static bool probe_mem(const char *where, const uint8_t *data, size_t len)
{
	struct uz_tfs_tree t = { .where = (char *)where };
	struct uz_error err = { 0 };
	bool ok = false;

	if (len < 6)
		return false;
	if (uz_ki_comp_detect(data, len) == KI_NONE && !uz_ki_is_tar(data, len))
		return false;
	if (!load_tar(&t, data, len, TFS_PROBE_MAX, &err) && t.tar_len >= 512 &&
	    uz_ki_is_tar(t.tar, t.tar_len))
		ok = scan_tar(&t, true, &err) == 1;
	free(t.tar);
	return ok;
}

bool uz_tfs_tree_probe(const char *path, const uint8_t *data, size_t len)
{
	char root[4096];
	uint8_t head[4096];
	uint8_t *buf = NULL;
	size_t n = 0;
	bool ok;
	FILE *f;

	if (data)
		return probe_mem("<memory>", data, len);
	if (is_dir(path))
		return events_dir(path, root, sizeof(root));
	if (!is_file(path))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n < 6 || (uz_ki_comp_detect(head, n) == KI_NONE && !uz_ki_is_tar(head, n)))
		return false;
	if (uz_read_file(path, &buf, &n, NULL))
		return false;
	ok = probe_mem(path, buf, n);
	free(buf);
	return ok;
}

int uz_tfs_tree_open(struct uz_tfs_tree *t, const char *path, const uint8_t *data, size_t len,
		     struct uz_error *err)
{
	uint8_t *buf = NULL;
	char root[4096];
	int r;

	memset(t, 0, sizeof(*t));
	t->where = strdup(path ? path : "<memory>");
	if (!t->where)
		return uz_err_set(err, -ENOMEM, "out of memory");
	if (path && !data && is_dir(path)) {
		if (!events_dir(path, root, sizeof(root))) {
			r = uz_err_set(err, -ENOENT, "%s: no events/SYS/EVENT/format files (not a tracefs mount or a copy of its events/ tree)",
				       path);
			goto fail;
		}
		t->root = strdup(root);
		r = t->root ? scan_dir(t, err) : uz_err_set(err, -ENOMEM, "out of memory");
	} else {
		if (!data) {
			r = uz_read_file(path, &buf, &len, err);
			if (r)
				goto fail;
			data = buf;
		}
		r = load_tar(t, data, len, TFS_TAR_MAX, err);
		free(buf);
		r = r ?: scan_tar(t, false, err);
	}
	if (!r && !t->cnt)
		r = uz_err_set(err, -ENOENT, "%s: no SYS/EVENT/format files", t->where);
	if (r)
		goto fail;
	qsort(t->ev, t->cnt, sizeof(*t->ev), node_cmp);
	return 0;
fail:
	uz_tfs_tree_close(t);
	return r;
}

ssize_t uz_tfs_tree_find(const struct uz_tfs_tree *t, const char *sys, const char *name)
{
	size_t i;

	for (i = 0; i < t->cnt; i++)
		if ((!sys || !strcmp(t->ev[i].sys, sys)) && !strcmp(t->ev[i].name, name))
			return (ssize_t)i;
	return -1;
}

void uz_tfs_tree_file(const struct uz_tfs_tree *t, size_t i, char *buf, size_t sz)
{
	if (t->root)
		snprintf(buf, sz, "%s/%s/%s/format", t->root, t->ev[i].sys, t->ev[i].name);
	else
		snprintf(buf, sz, "%s:%s/%s/format", t->where, t->ev[i].sys, t->ev[i].name);
}

int uz_tfs_tree_read(const struct uz_tfs_tree *t, size_t i, char **text, size_t *len,
		     struct uz_error *err)
{
	char file[8192];
	uint8_t *d;

	if (t->root) {
		uz_tfs_tree_file(t, i, file, sizeof(file));
		return uz_read_file(file, (uint8_t **)text, len, err);
	}
	d = malloc(t->ev[i].len + 1);
	if (!d)
		return uz_err_set(err, -ENOMEM, "out of memory");
	memcpy(d, t->tar + t->ev[i].off, t->ev[i].len);
	d[t->ev[i].len] = 0;
	*text = (char *)d;
	*len = t->ev[i].len;
	return 0;
}

void uz_tfs_tree_close(struct uz_tfs_tree *t)
{
	size_t i;

	for (i = 0; i < t->cnt; i++) {
		free(t->ev[i].sys);
		free(t->ev[i].name);
	}
	free(t->ev);
	free(t->tar);
	free(t->root);
	free(t->where);
	memset(t, 0, sizeof(*t));
}
