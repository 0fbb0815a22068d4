/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit tier for tools/json_read.c (the strict JSON reader behind
 * `userize matrix --merge`) and tools/encode.c (the JSON string writer):
 * values and positions, every rule the reader enforces with its message,
 * every truncation of a valid document rejected (never a crash: the
 * sanitizer build runs this too), the depth limit, and strings written by
 * json_put_str() read back to what re-encodes to the same bytes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "encode.h"
#include "json_read.h"

static char err[256];

static struct json_doc *parse_ok(const char *text)
{
	struct json_doc *doc = NULL;

	if (json_parse(text, strlen(text), &doc, err, sizeof(err)))
		fail_msg("'%s' was rejected: %s", text, err);
	return doc;
}

/* @text must be rejected with a message containing @want. */
static void parse_bad(const char *text, size_t len, const char *want)
{
	struct json_doc *doc = (void *)1;

	assert_int_equal(json_parse(text, len, &doc, err, sizeof(err)), -EINVAL);
	assert_null(doc);
	if (!strstr(err, want))
		fail_msg("'%.*s': message '%s' lacks '%s'", (int)len, text, err, want);
}

static void test_values(void **state)
{
	struct json_doc *doc;
	const struct json_value *r, *v;
	uint64_t u;

	(void)state;
	doc = parse_ok(" {\"a\": [1, -2, 3.5e+2, true, false, null],\n  \"b\": {\"c\": \"x\\ty\"},"
		       " \"u\": \"\\u00e9\\ud83d\\ude00\\/\", \"big\": 18446744073709551615}\n");
	r = json_root(doc);
	assert_int_equal(r->type, JSON_OBJECT);
	assert_int_equal(r->len, 4);
	assert_string_equal(r->kids[0].key, "a");
	v = json_get(r, "a");
	assert_int_equal(v->type, JSON_ARRAY);
	assert_int_equal(v->len, 6);
	assert_true(json_u64(&v->kids[0], &u));
	assert_int_equal(u, 1);
	assert_false(json_u64(&v->kids[1], &u)); /* negative */
	assert_false(json_u64(&v->kids[2], &u)); /* fraction/exponent */
	assert_string_equal(v->kids[2].str, "3.5e+2");
	assert_int_equal(v->kids[3].type, JSON_TRUE);
	assert_int_equal(v->kids[4].type, JSON_FALSE);
	assert_int_equal(v->kids[5].type, JSON_NULL);
	v = json_get(json_get(r, "b"), "c");
	assert_string_equal(v->str, "x\ty");
	assert_int_equal(v->line, 2);
	assert_int_equal(v->col, 14);
	v = json_get(r, "u");
	assert_string_equal(v->str, "\xc3\xa9\xf0\x9f\x98\x80/");
	assert_int_equal(v->len, 7);
	assert_true(json_u64(json_get(r, "big"), &u));
	assert_true(u == UINT64_MAX);
	assert_null(json_get(r, "nosuch"));
	assert_null(json_get(json_get(r, "a"), "a")); /* not an object */
	json_free(doc);

	/* 2^64 does not fit */
	doc = parse_ok("[18446744073709551616, 0]");
	assert_false(json_u64(&json_root(doc)->kids[0], &u));
	assert_true(json_u64(&json_root(doc)->kids[1], &u));
	assert_int_equal(u, 0);
	json_free(doc);
	doc = parse_ok("[]");
	assert_int_equal(json_root(doc)->len, 0);
	json_free(doc);
}

static void test_rules(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "", "unexpected end of input inside the document" },
		{ "   ", "unexpected end of input" },
		{ "[1,]", "trailing comma" },
		{ "{\"a\":1,}", "trailing comma" },
		{ "{\"a\": 1, \"a\": 2}", "line 1, column 15: duplicate key \"a\"" },
		{ "[01]", "leading zeros" },
		{ "[1.]", "digit must follow the decimal point" },
		{ "[1e]", "digit must follow the exponent" },
		{ "[-]", "needs a digit" },
		{ "[+1]", "unexpected character '+'" },
		{ "[\"a\nb\"]", "raw control character 0x0a" },
		{ "[\"\\x\"]", "invalid escape '\\x'" },
		{ "[\"\\u12g4\"]", "4 hex digits" },
		{ "[\"\\u0000\"]", "\\u0000 is not allowed" },
		{ "[\"\\udc00\"]", "lone low surrogate" },
		{ "[\"\\ud800x\"]", "not followed by a low one" },
		{ "[\"\\ud800\\u0041\"]", "not followed by a low one" },
		{ "[\"\xc3\"]", "invalid UTF-8" },
		{ "[\"\xed\xa0\x80\"]", "invalid UTF-8" },	/* encoded surrogate */
		{ "[\"\xc0\xaf\"]", "invalid UTF-8" },		/* overlong */
		{ "[\"\xf4\x90\x80\x80\"]", "invalid UTF-8" },	/* past U+10FFFF */
		{ "[1] [2]", "unexpected data after the end" },
		{ "\xef\xbb\xbf[]", "byte order mark" },
		{ "{1: 2}", "member name in double quotes" },
		{ "{\"a\" 2}", "expected ':'" },
		{ "[1 2]", "expected ',' or ']'" },
		{ "[tru]", "unexpected character 't'" },
		{ "[nul", "unexpected end of input inside a literal" },
		{ "/* c */ []", "unexpected character '/'" },
		{ "['a']", "unexpected character '''" },
		{ "[\"abc", "unexpected end of input inside a string" },
		{ "{\"a\": [1, {\"b\": ", "unexpected end of input" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		parse_bad(cases[i].text, strlen(cases[i].text), cases[i].want);
	/* a NUL byte inside the buffer is just a bad byte */
	parse_bad("[1,\0 2]", 7, "unexpected byte 0x00");
	parse_bad("[\"a\0b\"]", 7, "raw control character 0x00");
}

static void test_depth(void **state)
{
	char buf[2 * JSON_MAX_DEPTH + 8];
	struct json_doc *doc;
	int i;

	(void)state;
	for (i = 0; i < JSON_MAX_DEPTH; i++) {
		buf[i] = '[';
		buf[JSON_MAX_DEPTH + i] = ']';
	}
	buf[2 * JSON_MAX_DEPTH] = 0;
	doc = parse_ok(buf);
	json_free(doc);
	memmove(buf + 1, buf, 2 * JSON_MAX_DEPTH + 1);
	buf[0] = '[';
	strcat(buf, "]");
	parse_bad(buf, strlen(buf), "nesting deeper than 64 levels");
}

/* Every proper prefix of a valid document is rejected, without a crash. */
static void test_truncations(void **state)
{
	static const char doc_text[] =
		"[\n{\"kernel\": \"k\", \"path\": \"/p/k.btf\", \"error\": null, \"records\": {\n"
		"\"o\": [\n {\"section\": \"s\", \"insn\": 12, \"kind\": \"byte_off\", "
		"\"dead\": false, \"u\": \"\\u00e9\\ud83d\\ude00\", \"n\": -1.5e-3}\n]\n}}\n]\n";
	struct json_doc *doc;
	size_t len = strlen(doc_text), cut;
	char *copy;

	(void)state;
	doc = parse_ok(doc_text);
	json_free(doc);
	for (cut = 0; cut < len - 1; cut++) {
		/* an exact-size heap copy, so reading past it is caught by ASan */
		copy = malloc(cut ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, doc_text, cut);
		doc = (void *)1;
		if (!json_parse(copy, cut, &doc, err, sizeof(err)))
			fail_msg("prefix of %zu bytes accepted", cut);
		assert_null(doc);
		free(copy);
	}
}

/* json_put_str() output reads back to the same text, and re-encodes identically. */
static void test_round_trip(void **state)
{
	static const char *const strs[] = {
		"plain", "", "quote \" backslash \\ slash /", "tab\tnl\ncr\r bell\a del\x7f",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "not utf-8: \xff\xfe \xc3",
		"\xef\xbf\xbd literal replacement char",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		char *a = NULL, *b = NULL;
		size_t alen = 0, blen = 0, k;
		struct json_doc *doc;
		FILE *f = open_memstream(&a, &alen);

		assert_non_null(f);
		json_put_str(f, strs[i]);
		fclose(f);
		for (k = 0; k < alen; k++)
			assert_true((unsigned char)a[k] >= 0x20 && (unsigned char)a[k] < 0x7f);
		doc = parse_ok(a);
		if (i != 5) /* valid UTF-8: read back exactly */
			assert_string_equal(json_root(doc)->str, strs[i]);
		f = open_memstream(&b, &blen);
		assert_non_null(f);
		json_put_str(f, json_root(doc)->str);
		fclose(f);
		assert_string_equal(a, b);
		json_free(doc);
		free(a);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
