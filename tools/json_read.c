/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Strict JSON reader (see json_read.h for the rules it enforces). Recursive
 * descent over a bounded buffer: the cursor never passes `end`, nesting is
 * limited, strings are decoded into an arena owned by the document, and
 * containers collect their elements in a scratch array before moving them
 * to the arena.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

struct json_doc {
	struct arena_block *blocks;
	struct json_value root;
};

struct parser {
	const char *p, *end, *line_start;
	uint32_t line;
	int depth;
	struct json_doc *doc;
	char *err;
	size_t errlen;
	int rc;
};

static void *arena_alloc(struct json_doc *doc, size_t n)
{
	struct arena_block *b = doc->blocks;
	size_t need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	void *p;

	if (need < n)
		return NULL;
	if (!b || b->cap - b->used < need) {
		size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->used = 0;
		b->next = doc->blocks;
		doc->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

static uint32_t column(const struct parser *ps)
{
	return (uint32_t)(ps->p - ps->line_start) + 1;
}

/* First error wins; returns -1 so callers can `return error(...)`. */
static int error(struct parser *ps, int rc, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->rc)
		return -1;
	ps->rc = rc;
	n = snprintf(ps->err, ps->errlen, "line %u, column %u: ", ps->line, column(ps));
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int truncated(struct parser *ps, const char *inside)
{
	return error(ps, -EINVAL, "unexpected end of input inside %s (truncated file?)", inside);
}

static int nomem(struct parser *ps)
{
	return error(ps, -ENOMEM, "out of memory");
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '\n') {
			ps->line++;
			ps->line_start = ps->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		ps->p++;
	}
}

static int hex4(struct parser *ps, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	if (ps->end - ps->p < 4)
		return truncated(ps, "a \\u escape");
	for (i = 0; i < 4; i++) {
		char c = ps->p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return error(ps, -EINVAL, "\\u must be followed by 4 hex digits");
	}
	ps->p += 4;
	*out = v;
	return 0;
}

static size_t put_utf8(char *dst, uint32_t cp)
{
	if (cp < 0x80) {
		dst[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		dst[0] = (char)(0xc0 | (cp >> 6));
		dst[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		dst[0] = (char)(0xe0 | (cp >> 12));
		dst[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		dst[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	dst[0] = (char)(0xf0 | (cp >> 18));
	dst[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	dst[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	dst[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of the valid UTF-8 sequence at @s (at most @avail bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (avail < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* One escape after the backslash; appends its UTF-8 to @dst. */
static int unescape(struct parser *ps, char *dst, size_t *n)
{
	uint32_t cp, lo;
	char c;

	if (ps->p >= ps->end)
		return truncated(ps, "a string");
	c = *ps->p++;
	switch (c) {
	case '"': case '\\': case '/':
		dst[(*n)++] = c;
		return 0;
	case 'b': dst[(*n)++] = '\b'; return 0;
	case 'f': dst[(*n)++] = '\f'; return 0;
	case 'n': dst[(*n)++] = '\n'; return 0;
	case 'r': dst[(*n)++] = '\r'; return 0;
	case 't': dst[(*n)++] = '\t'; return 0;
	case 'u':
		break;
	default:
		ps->p--;
		return error(ps, -EINVAL, "invalid escape '\\%c' in a string", c);
	}
	if (hex4(ps, &cp))
		return -1;
	if (cp == 0)
		return error(ps, -EINVAL, "\\u0000 is not allowed in a string");
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return error(ps, -EINVAL, "lone low surrogate \\u%04x in a string", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - ps->p < 2)
			return truncated(ps, "a string");
		if (ps->p[0] != '\\' || ps->p[1] != 'u')
			return error(ps, -EINVAL, "high surrogate \\u%04x not followed by a low one", cp);
		ps->p += 2;
		if (hex4(ps, &lo))
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return error(ps, -EINVAL, "high surrogate \\u%04x not followed by a low one", cp);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	*n += put_utf8(dst + *n, cp);
	return 0;
}

/* A string starting at the opening quote; decoded into the arena. */
static int parse_string(struct parser *ps, const char **out, size_t *outlen)
{
	const char *q = ps->p + 1;
	size_t raw, n = 0;
	char *dst;

	/* find the closing quote to size the buffer (decoding only shrinks) */
	while (q < ps->end && *q != '"')
		q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
	if (q >= ps->end) {
		ps->p = ps->end;
		return truncated(ps, "a string");
	}
	raw = (size_t)(q - ps->p);
	dst = arena_alloc(ps->doc, raw + 1);
	if (!dst)
		return nomem(ps);
	ps->p++;
	while (*ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;

		if (c == '\\') {
			ps->p++;
			if (unescape(ps, dst, &n))
				return -1;
		} else if (c < 0x20) {
			return error(ps, -EINVAL, "raw control character 0x%02x in a string "
				     "(must be escaped)", c);
		} else if (c < 0x80) {
			dst[n++] = (char)c;
			ps->p++;
		} else {
			size_t l = utf8_len((const unsigned char *)ps->p, (size_t)(ps->end - ps->p));

			if (!l)
				return error(ps, -EINVAL, "invalid UTF-8 in a string");
			memcpy(dst + n, ps->p, l);
			n += l;
			ps->p += l;
		}
	}
	ps->p++;
	dst[n] = 0;
	*out = dst;
	*outlen = n;
	return 0;
}

static bool is_digit(const struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static int parse_number(struct parser *ps, struct json_value *v)
{
	const char *start = ps->p;
	char *copy;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (!is_digit(ps))
		return ps->p >= ps->end ? truncated(ps, "a number")
					: error(ps, -EINVAL, "a number needs a digit here");
	if (*ps->p == '0') {
		ps->p++;
		if (is_digit(ps))
			return error(ps, -EINVAL, "numbers may not have leading zeros");
	} else {
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!is_digit(ps))
			return error(ps, -EINVAL, "a digit must follow the decimal point");
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!is_digit(ps))
			return error(ps, -EINVAL, "a digit must follow the exponent");
		while (is_digit(ps))
			ps->p++;
	}
	copy = arena_alloc(ps->doc, (size_t)(ps->p - start) + 1);
	if (!copy)
		return nomem(ps);
	memcpy(copy, start, (size_t)(ps->p - start));
	copy[ps->p - start] = 0;
	v->type = JSON_NUMBER;
	v->str = copy;
	v->len = (size_t)(ps->p - start);
	return 0;
}

static int parse_literal(struct parser *ps, const char *word, enum json_type type,
			 struct json_value *v)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n) {
		if (!strncmp(ps->p, word, (size_t)(ps->end - ps->p)))
			return truncated(ps, "a literal");
		return error(ps, -EINVAL, "unexpected character '%c'", *ps->p);
	}
	if (strncmp(ps->p, word, n))
		return error(ps, -EINVAL, "unexpected character '%c'", *ps->p);
	ps->p += n;
	v->type = type;
	return 0;
}

static int parse_value(struct parser *ps, struct json_value *v);

static int key_cmp(const void *a, const void *b)
{
	const struct json_value *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* Reject duplicate keys: sort a copy of the members by key. */
static int check_duplicates(struct parser *ps, const struct json_value *obj)
{
	struct json_value *copy;
	size_t i;
	int rc = 0;

	if (obj->len < 2)
		return 0;
	copy = malloc(obj->len * sizeof(*copy));
	if (!copy)
		return nomem(ps);
	memcpy(copy, obj->kids, obj->len * sizeof(*copy));
	qsort(copy, obj->len, sizeof(*copy), key_cmp);
	for (i = 1; i < obj->len && !rc && !ps->rc; i++) {
		const struct json_value *a = &copy[i - 1], *b = &copy[i];

		if (strcmp(a->key, b->key))
			continue;
		/* report the later of the two */
		if (a->line > b->line || (a->line == b->line && a->col > b->col))
			b = a;
		ps->rc = -EINVAL;
		snprintf(ps->err, ps->errlen, "line %u, column %u: duplicate key \"%s\"",
			 b->line, b->col, b->key);
		rc = -1;
	}
	free(copy);
	return rc;
}

/* '[' or '{' at the cursor: elements into a scratch array, then the arena. */
static int parse_container(struct parser *ps, struct json_value *v, bool object)
{
	const char *what = object ? "an object" : "an array";
	char close = object ? '}' : ']';
	struct json_value *tmp = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	if (++ps->depth > JSON_MAX_DEPTH) {
		error(ps, -EINVAL, "nesting deeper than %d levels", JSON_MAX_DEPTH);
		goto out;
	}
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		rc = 0;
		goto done;
	}
	for (;;) {
		struct json_value kid = { 0 };
		const char *key = NULL;
		size_t keylen;

		skip_ws(ps);
		if (ps->p >= ps->end) {
			truncated(ps, what);
			goto out;
		}
		if (object) {
			if (*ps->p != '"') {
				error(ps, -EINVAL, "expected a member name in double quotes");
				goto out;
			}
			if (parse_string(ps, &key, &keylen))
				goto out;
			skip_ws(ps);
			if (ps->p >= ps->end) {
				truncated(ps, what);
				goto out;
			}
			if (*ps->p != ':') {
				error(ps, -EINVAL, "expected ':' after member name \"%s\"", key);
				goto out;
			}
			ps->p++;
			skip_ws(ps);
		}
		if (parse_value(ps, &kid))
			goto out;
		kid.key = key;
		if (n == cap) {
			struct json_value *t;

			cap = cap ? cap * 2 : 8;
			t = realloc(tmp, cap * sizeof(*tmp));
			if (!t) {
				nomem(ps);
				goto out;
			}
			tmp = t;
		}
		tmp[n++] = kid;
		skip_ws(ps);
		if (ps->p >= ps->end) {
			truncated(ps, what);
			goto out;
		}
		if (*ps->p == close) {
			ps->p++;
			break;
		}
		if (*ps->p != ',') {
			error(ps, -EINVAL, "expected ',' or '%c' in %s", close, what);
			goto out;
		}
		ps->p++;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == close) {
			error(ps, -EINVAL, "trailing comma in %s", what);
			goto out;
		}
	}
	v->kids = arena_alloc(ps->doc, n * sizeof(*tmp));
	if (!v->kids) {
		nomem(ps);
		goto out;
	}
	memcpy(v->kids, tmp, n * sizeof(*tmp));
	rc = 0;
done:
	v->type = object ? JSON_OBJECT : JSON_ARRAY;
	v->len = n;
	if (object && check_duplicates(ps, v))
		rc = -1;
out:
	free(tmp);
	ps->depth--;
	return rc;
}

static int parse_value(struct parser *ps, struct json_value *v)
{
	skip_ws(ps);
	v->line = ps->line;
	v->col = column(ps);
	if (ps->p >= ps->end)
		return truncated(ps, "the document");
	switch (*ps->p) {
	case '{':
		return parse_container(ps, v, true);
	case '[':
		return parse_container(ps, v, false);
	case '"':
		v->type = JSON_STRING;
		return parse_string(ps, &v->str, &v->len);
	case 't':
		return parse_literal(ps, "true", JSON_TRUE, v);
	case 'f':
		return parse_literal(ps, "false", JSON_FALSE, v);
	case 'n':
		return parse_literal(ps, "null", JSON_NULL, v);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, v);
		if ((unsigned char)*ps->p >= 0x20 && (unsigned char)*ps->p < 0x7f)
			return error(ps, -EINVAL, "unexpected character '%c'", *ps->p);
		return error(ps, -EINVAL, "unexpected byte 0x%02x", (unsigned char)*ps->p);
	}
}

void json_free(struct json_doc *doc)
{
	struct arena_block *b, *next;

	if (!doc)
		return;
	for (b = doc->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(doc);
}

int json_parse(const char *text, size_t len, struct json_doc **out, char *err, size_t errlen)
{
	char dummy[1];
	struct parser ps = {
		.p = text, .end = text + len, .line_start = text, .line = 1,
		.err = errlen ? err : dummy, .errlen = errlen ? errlen : sizeof(dummy),
	};

	*out = NULL;
	ps.err[0] = 0;
	ps.doc = calloc(1, sizeof(*ps.doc));
	if (!ps.doc) {
		snprintf(ps.err, ps.errlen, "out of memory");
		return -ENOMEM;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		error(&ps, -EINVAL, "byte order mark at the start (not allowed in JSON here)");
	} else if (!parse_value(&ps, &ps.doc->root)) {
		skip_ws(&ps);
		if (ps.p < ps.end)
			error(&ps, -EINVAL, "unexpected data after the end of the document");
	}
	if (ps.rc) {
		json_free(ps.doc);
		return ps.rc;
	}
	*out = ps.doc;
	return 0;
}

const struct json_value *json_root(const struct json_doc *doc)
{
	return doc ? &doc->root : NULL;
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->len; i++)
		if (!strcmp(obj->kids[i].key, key))
			return &obj->kids[i];
	return NULL;
}

bool json_u64(const struct json_value *v, uint64_t *out)
{
	uint64_t r = 0;
	size_t i;

	if (!v || v->type != JSON_NUMBER || !v->len)
		return false;
	for (i = 0; i < v->len; i++) {
		unsigned int d;

		if (v->str[i] < '0' || v->str[i] > '9')
			return false; /* sign, fraction or exponent */
		d = (unsigned int)(v->str[i] - '0');
		if (r > (UINT64_MAX - d) / 10)
			return false;
		r = r * 10 + d;
	}
	*out = r;
	return true;
}

const char *json_type_name(enum json_type type)
{
	switch (type) {
	case JSON_NULL: return "null";
	case JSON_FALSE: case JSON_TRUE: return "a boolean";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}
