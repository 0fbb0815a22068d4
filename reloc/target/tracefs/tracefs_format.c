/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One tracefs event format file (events/SYS/EVENT/format) parsed:
 *
 *	name: sched_switch
 *	ID: 372
 *	format:
 *		field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *		...
 *		field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 *
 *	print fmt: "prev_comm=%s ...", REC->prev_comm, ...
 *
 * Every field line must carry offset, size and signed (kernels since 3.x
 * print all three); the print fmt line, complete with its newline, ends
 * the file. What the print fmt
 * says about values is kept only for __print_symbolic(REC->FIELD, { V,
 * "NAME" }, ...) pairs whose V is an integer literal (newer kernels print
 * the evaluated enumerator values there). Anything else is an error that
 * names the file and the line: formats come from other machines too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "target/tracefs/tracefs.h"

#define TFS_MAX_FIELDS 1024
#define TFS_MAX_SYMS 4096

struct tfs_parse {
	const char *file;
	struct uz_tfs_event *ev;
	struct uz_error *err;
};

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Unsigned decimal number at *@p up to @end, leaving *@p after it. */
static bool parse_u32(const char **p, const char *end, uint32_t *v)
{
	uint64_t n = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > UINT32_MAX)
			return false;
	}
	*p = s;
	*v = (uint32_t)n;
	return true;
}

/* "KEY:N;" after optional blanks; false when absent or malformed. */
static bool parse_attr(const char **p, const char *end, const char *key, uint32_t *v)
{
	size_t kl = strlen(key);
	const char *s = *p;

	while (s < end && is_space(*s))
		s++;
	if ((size_t)(end - s) < kl || memcmp(s, key, kl))
		return false;
	s += kl;
	if (!parse_u32(&s, end, v) || s >= end || *s != ';')
		return false;
	*p = s + 1;
	return true;
}

static char *dup_range(const char *s, const char *e)
{
	return e > s ? strndup(s, (size_t)(e - s)) : strdup("");
}

/* "TYPE NAME[N]..." into f->type, f->name, f->dims. */
static int parse_decl(struct tfs_parse *ps, const char *s, const char *e, struct uz_tfs_field *f)
{
	uint32_t dims[UZ_TFS_MAX_DIMS];
	unsigned int nd = 0, i;
	const char *n;

	while (e > s && is_space(e[-1]))
		e--;
	while (e > s && e[-1] == ']') {
		const char *open = e - 1, *q;

		while (open > s && *open != '[')
			open--;
		if (*open != '[' || nd == UZ_TFS_MAX_DIMS)
			return uz_err_set(ps->err, -EINVAL, "%s:%u: malformed array declaration in field '%.*s'",
					  ps->file, f->line, (int)(e - s), s);
		q = open + 1;
		if (q == e - 1 && nd == 0) {
			f->flex = true;
		} else if (!parse_u32(&q, e - 1, &dims[nd]) || q != e - 1) {
			return uz_err_set(ps->err, -EINVAL, "%s:%u: array size '%.*s' is not a number",
					  ps->file, f->line, (int)(e - 2 - open), open + 1);
		} else {
			nd++;
		}
		e = open;
	}
	for (n = e; n > s && is_ident_char(n[-1]); n--)
		;
	if (n == e || (*n >= '0' && *n <= '9'))
		return uz_err_set(ps->err, -EINVAL, "%s:%u: field declaration '%.*s' has no name",
				  ps->file, f->line, (int)(e - s), s);
	f->name = dup_range(n, e);
	while (n > s && is_space(n[-1]))
		n--;
	while (s < n && is_space(*s))
		s++;
	if (n == s)
		return uz_err_set(ps->err, -EINVAL, "%s:%u: field '%s' has no type", ps->file,
				  f->line, f->name ? f->name : "");
	f->type = dup_range(s, n);
	if (!f->name || !f->type)
		return uz_err_set(ps->err, -ENOMEM, "out of memory");
	/* Outermost dimension first, as C writes it. */
	for (i = 0; i < nd; i++)
		f->dims[i] = dims[nd - 1 - i];
	f->ndims = nd;
	return 0;
}

/* "\tfield:DECL;\toffset:O;\tsize:S;\tsigned:G;" */
static int parse_field(struct tfs_parse *ps, const char *s, const char *end, unsigned int line)
{
	struct uz_tfs_event *ev = ps->ev;
	struct uz_tfs_field *f, *nf;
	const char *semi;
	uint32_t sgn;
	int r;

	if (ev->field_cnt == TFS_MAX_FIELDS)
		return uz_err_set(ps->err, -EINVAL, "%s:%u: more than %d fields", ps->file, line,
				  TFS_MAX_FIELDS);
	nf = realloc(ev->fields, (ev->field_cnt + 1) * sizeof(*nf));
	if (!nf)
		return uz_err_set(ps->err, -ENOMEM, "out of memory");
	ev->fields = nf;
	f = &nf[ev->field_cnt++];
	memset(f, 0, sizeof(*f));
	f->line = line;
	semi = memchr(s, ';', (size_t)(end - s));
	if (!semi)
		return uz_err_set(ps->err, -EINVAL, "%s:%u: field line is truncated (no ';' after the declaration)",
				  ps->file, line);
	r = parse_decl(ps, s, semi, f);
	if (r)
		return r;
	s = semi + 1;
	if (!parse_attr(&s, end, "offset:", &f->offset) || !parse_attr(&s, end, "size:", &f->size) ||
	    !parse_attr(&s, end, "signed:", &sgn) || sgn > 1)
		return uz_err_set(ps->err, -EINVAL, "%s:%u: field '%s': expected offset:N; size:N; signed:0|1; after the declaration (truncated or malformed line)",
				  ps->file, line, f->name);
	while (s < end && is_space(*s))
		s++;
	if (s != end)
		return uz_err_set(ps->err, -EINVAL, "%s:%u: field '%s': unexpected text '%.*s' at the end of the line",
				  ps->file, line, f->name, (int)(end - s), s);
	if ((uint64_t)f->offset + f->size > 0xffffu)
		return uz_err_set(ps->err, -EINVAL, "%s:%u: field '%s' ends past 64 KiB (offset %u, size %u): not a tracepoint record",
				  ps->file, line, f->name, f->offset, f->size);
	f->is_signed = sgn;
	return 0;
}

/* ---- print fmt: __print_symbolic() pairs ---------------------------------- */

static const char *skip_ws(const char *s, const char *e)
{
	while (s < e && (is_space(*s) || *s == '\n'))
		s++;
	return s;
}

static int add_sym(struct tfs_parse *ps, const char *field, size_t flen, const char *name,
		   size_t nlen, int64_t v)
{
	struct uz_tfs_event *ev = ps->ev;
	struct uz_tfs_symbol *n;

	if (ev->sym_cnt == TFS_MAX_SYMS)
		return 0;
	n = realloc(ev->syms, (ev->sym_cnt + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	ev->syms = n;
	n[ev->sym_cnt].field = dup_range(field, field + flen);
	n[ev->sym_cnt].name = dup_range(name, name + nlen);
	n[ev->sym_cnt].value = v;
	if (!n[ev->sym_cnt].field || !n[ev->sym_cnt].name) {
		free(n[ev->sym_cnt].field);
		free(n[ev->sym_cnt].name);
		return -ENOMEM;
	}
	ev->sym_cnt++;
	return 0;
}

/* One "{ V, "NAME" }"; *@s is past it on return (or at a non-pair). */
static int parse_pair(struct tfs_parse *ps, const char **s, const char *e, const char *field,
		      size_t flen)
{
	const char *p = skip_ws(*s, e), *name, *q;
	char num[32], *nend;
	long long v;
	size_t n;

	if (p >= e || *p != '{')
		return 1;
	p = skip_ws(p + 1, e);
	for (q = p; q < e && *q != ',' && *q != '}'; q++)
		;
	n = (size_t)(q - p);
	while (n && is_space(p[n - 1]))
		n--;
	if (n && n < sizeof(num)) {
		memcpy(num, p, n);
		num[n] = 0;
	} else {
		num[0] = 0;
	}
	errno = 0;
	v = num[0] ? strtoll(num, &nend, 0) : 0;
	p = q < e && *q == ',' ? skip_ws(q + 1, e) : q;
	if (p < e && *p == '"') {
		name = ++p;
		while (p < e && *p != '"')
			p++;
		if (p < e && num[0] && !*nend && !errno &&
		    add_sym(ps, field, flen, name, (size_t)(p - name), v))
			return -ENOMEM;
	}
	while (p < e && *p != '}')
		p++;
	*s = p < e ? p + 1 : e;
	return 0;
}

static int parse_symbols(struct tfs_parse *ps, const char *s, const char *e)
{
	static const char key[] = "__print_symbolic(REC->";
	const char *field;
	size_t flen;
	int r;

	while ((s = memmem(s, (size_t)(e - s), key, sizeof(key) - 1))) {
		s += sizeof(key) - 1;
		for (field = s; s < e && is_ident_char(*s); s++)
			;
		flen = (size_t)(s - field);
		s = skip_ws(s, e);
		if (!flen || s >= e || *s != ',')
			continue;
		s++;
		for (;;) {
			r = parse_pair(ps, &s, e, field, flen);
			if (r < 0)
				return uz_err_set(ps->err, r, "out of memory");
			if (r > 0)
				break;
			s = skip_ws(s, e);
			if (s >= e || *s != ',')
				break;
			s++;
		}
	}
	return 0;
}

/* ---- the file ----------------------------------------------------------- */

static bool starts(const char *s, const char *e, const char *pre)
{
	size_t n = strlen(pre);

	return (size_t)(e - s) >= n && !memcmp(s, pre, n);
}

static int parse_lines(struct tfs_parse *ps, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl, *s;
	unsigned int line = 0;
	bool have_name = false, have_format = false;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		line++;
		for (s = p; s < nl && is_space(*s); s++)
			;
		if (s == nl) {
			/* blank */
		} else if (!have_name) {
			if (!starts(s, nl, "name: "))
				return uz_err_set(ps->err, -EINVAL, "%s:%u: expected 'name: EVENT' (not a tracefs format file?)",
						  ps->file, line);
			if ((size_t)(nl - s - 6) != strlen(ps->ev->name) ||
			    memcmp(s + 6, ps->ev->name, (size_t)(nl - s - 6)))
				return uz_err_set(ps->err, -EINVAL, "%s:%u: the file names event '%.*s', its directory '%s'",
						  ps->file, line, (int)(nl - s - 6), s + 6, ps->ev->name);
			have_name = true;
		} else if (!have_format && starts(s, nl, "ID: ")) {
			/* the event id: not part of the record */
		} else if (!have_format && starts(s, nl, "format:")) {
			have_format = true;
		} else if (have_format && starts(s, nl, "field:")) {
			int r = parse_field(ps, s + 6, nl, line);

			if (r)
				return r;
		} else if (have_format && starts(s, nl, "print fmt: ")) {
			if (nl == end)
				return uz_err_set(ps->err, -EINVAL, "%s:%u: the print fmt line has no end (truncated file)",
						  ps->file, line);
			if (!ps->ev->field_cnt)
				return uz_err_set(ps->err, -EINVAL, "%s:%u: print fmt before any field line",
						  ps->file, line);
			return parse_symbols(ps, s, nl);
		} else {
			return uz_err_set(ps->err, -EINVAL, "%s:%u: unexpected line '%.*s'", ps->file,
					  line, (int)(nl - s > 60 ? 60 : nl - s), s);
		}
		p = nl + 1;
	}
	return uz_err_set(ps->err, -EINVAL, "%s:%u: the file ends before its 'print fmt:' line (truncated)",
			  ps->file, line);
}

int uz_tfs_parse(const char *file, const char *sys, const char *name, const char *text,
		 size_t len, struct uz_tfs_event *ev, struct uz_error *err)
{
	struct tfs_parse ps = { file, ev, err };
	int r;

	memset(ev, 0, sizeof(*ev));
	ev->sys = strdup(sys);
	ev->name = strdup(name);
	ev->file = strdup(file);
	if (!ev->sys || !ev->name || !ev->file) {
		uz_tfs_event_free(ev);
		return uz_err_set(err, -ENOMEM, "out of memory");
	}
	if (memchr(text, 0, len)) {
		uz_tfs_event_free(ev);
		return uz_err_set(err, -EINVAL, "%s: contains a NUL byte: not a format file", file);
	}
	r = parse_lines(&ps, text, len);
	if (r)
		uz_tfs_event_free(ev);
	return r;
}

void uz_tfs_event_free(struct uz_tfs_event *ev)
{
	size_t i;

	if (!ev)
		return;
	for (i = 0; i < ev->field_cnt; i++) {
		free(ev->fields[i].type);
		free(ev->fields[i].name);
	}
	for (i = 0; i < ev->sym_cnt; i++) {
		free(ev->syms[i].field);
		free(ev->syms[i].name);
	}
	free(ev->fields);
	free(ev->syms);
	free(ev->sys);
	free(ev->name);
	free(ev->file);
	memset(ev, 0, sizeof(*ev));
}
