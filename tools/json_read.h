/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small strict JSON reader (RFC 8259) for files userize wrote itself and
 * that a user hands back (`userize matrix --merge`). The whole text is
 * parsed into a tree owned by one struct json_doc; every failure is a
 * message with line and column. Strict: no comments, no trailing commas,
 * no duplicate object keys, no byte order mark, no raw control characters
 * or invalid UTF-8 in strings, no "\u0000" (strings are C strings), nesting
 * at most JSON_MAX_DEPTH. Input is never trusted: every read is bounds
 * checked and truncated input is reported as such.
 */
#ifndef UZ_TOOLS_JSON_READ_H
#define UZ_TOOLS_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	uint32_t line, col;	/* where the value starts (1-based) */
	const char *key;	/* member name, when inside an object */
	const char *str;	/* STRING: decoded text; NUMBER: its literal */
	size_t len;		/* STRING: bytes; ARRAY, OBJECT: element count */
	struct json_value *kids; /* ARRAY, OBJECT: the elements, in order */
};

struct json_doc;

/*
 * Parse @len bytes of @text. On success *@out owns the tree (json_free()).
 * On failure returns -EINVAL (bad or truncated text) or -ENOMEM and writes
 * "line L, column C: what" to @err.
 */
int json_parse(const char *text, size_t len, struct json_doc **out, char *err, size_t errlen);
const struct json_value *json_root(const struct json_doc *doc);
void json_free(struct json_doc *doc);

/* Member @key of an object, NULL when absent or @obj is not an object. */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* A NUMBER that is a non-negative integer fitting 64 bits. */
bool json_u64(const struct json_value *v, uint64_t *out);
/* "null", "string", ... for messages. */
const char *json_type_name(enum json_type type);

#endif
