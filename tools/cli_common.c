/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Command-line conventions shared by the subcommands (see cli.h): version,
 * standard input/output as "-", --opt=value splitting, pretty JSON.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "userize/userize.h"

#ifndef UZ_PROJECT_VERSION
#error "UZ_PROJECT_VERSION comes from tools/CMakeLists.txt (PROJECT_VERSION)"
#endif

const char *cli_version(void)
{
	return UZ_PROJECT_VERSION;
}

bool cli_is_stdout(const char *path)
{
	return path && (!strcmp(path, "-") || !strcmp(path, "/dev/stdout"));
}

void cli_split_opt(const char *arg, char *buf, size_t sz, const char **opt, const char **val)
{
	const char *eq = arg[0] == '-' && arg[1] == '-' ? strchr(arg, '=') : NULL;

	*opt = arg;
	*val = NULL;
	if (!eq || (size_t)(eq - arg) >= sz)
		return;
	memcpy(buf, arg, (size_t)(eq - arg));
	buf[eq - arg] = 0;
	*opt = buf;
	*val = eq + 1;
}

static int read_stdin(const char *prog, uint8_t **data, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap), *nb;
	ssize_t r;

	while (buf) {
		if (n == cap) {
			nb = realloc(buf, cap *= 2);
			if (!nb)
				break;
			buf = nb;
		}
		r = read(STDIN_FILENO, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			fprintf(stderr, "%s: cannot read standard input: %s\n", prog, strerror(-e));
			free(buf);
			return e;
		}
		if (!r) {
			*data = buf;
			*len = n;
			return 0;
		}
		n += (size_t)r;
	}
	free(buf);
	fprintf(stderr, "%s: out of memory reading standard input\n", prog);
	return -ENOMEM;
}

int cli_read_input(const char *prog, const char *path, uint8_t **data, size_t *len)
{
	FILE *f;
	long n;

	*data = NULL;
	*len = 0;
	if (!strcmp(path, "-"))
		return read_stdin(prog, data, len);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0) {
		int e = -errno;

		fprintf(stderr, "%s: cannot open '%s': %s\n", prog, path, strerror(-e));
		if (f)
			fclose(f);
		return e;
	}
	rewind(f);
	*data = malloc((size_t)n + 1);
	if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: cannot read '%s'\n", prog, path);
		free(*data);
		*data = NULL;
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

/*
 * Pretty output is captured whole and re-indented at the end. The writers
 * (the library's reports, matrix's kernel-by-kernel JSON) write to stdout,
 * so stdout itself is pointed at the memory stream meanwhile.
 */
int cli_object_open(const char *prog, const char *path, struct uz_object **obj)
{
	UZ_OPTS_INIT(uz_object_opts, oopts, .name = "<stdin>");
	struct uz_error err = { 0 };
	struct uz_relocated_info rf;
	uint8_t *data;
	size_t len;
	int r;

	if (strcmp(path, "-")) {
		r = uz_object_open(path, NULL, obj, &err);
	} else {
		r = cli_read_input(prog, "-", &data, &len);
		if (r)
			return r;
		r = uz_object_open_mem(data, len, &oopts, obj, &err);
		free(data);
	}
	if (r) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		return r;
	}
	if (uz_object_relocated_for(*obj, &rf) == 1) {
		fprintf(stderr, "%s: %s is a relocated object: it was relocated for kernel %s (%s%s%s) and its CO-RE records are consumed; give the original object\n",
			prog, path, *rf.release ? rf.release : "of unknown release", rf.target,
			*rf.build_id ? ", build id " : "", rf.build_id);
		uz_object_free(*obj);
		*obj = NULL;
		return 2;
	}
	return 0;
}

FILE *cli_json_begin(struct cli_json *j, bool pretty)
{
	FILE *mem;

	memset(j, 0, sizeof(*j));
	if (!pretty)
		return stdout;
	fflush(stdout);
	mem = open_memstream(&j->buf, &j->len);
	if (!mem)
		return stdout;
	j->pretty = true;
	j->f = stdout;
	stdout = mem;
	return stdout;
}

static void indent(int depth)
{
	putchar('\n');
	while (depth-- > 0)
		fputs("  ", stdout);
}

/* Re-indent JSON text: strings copied as they are, whitespace outside them dropped. */
static void pretty_print(const char *s, size_t n)
{
	bool in_str = false, esc = false;
	int depth = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			putchar(c);
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			putchar(c);
			break;
		case '{': case '[': {
			size_t k = i + 1;

			while (k < n && strchr(" \t\r\n", s[k]))
				k++;
			if (k < n && (s[k] == '}' || s[k] == ']')) {
				putchar(c);
				putchar(s[k]);
				i = k;
				break;
			}
			putchar(c);
			indent(++depth);
			break;
		}
		case '}': case ']':
			indent(--depth);
			putchar(c);
			break;
		case ',':
			putchar(c);
			indent(depth);
			break;
		case ':':
			fputs(": ", stdout);
			break;
		case ' ': case '\t': case '\r': case '\n':
			break;
		default:
			putchar(c);
		}
	}
	putchar('\n');
}

int cli_json_end(struct cli_json *j)
{
	FILE *mem = stdout;

	if (!j->pretty)
		return fflush(stdout) ? -EIO : 0;
	stdout = j->f;
	j->pretty = false;
	if (fclose(mem))
		return -EIO;
	pretty_print(j->buf, j->len);
	free(j->buf);
	j->buf = NULL;
	return fflush(stdout) ? -EIO : 0;
}
