/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fuzz harness: the strict JSON reader of `userize matrix --merge`
 * (tools/json_read.c). A document that parses is walked whole: every
 * value's type name, every object member looked up by its own key (the
 * reader refuses duplicates, so the lookup must find that very member),
 * every number read as u64.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "json_read.h"

static void walk(const struct json_value *v, int depth)
{
	uint64_t u;
	size_t i;

	if (depth > JSON_MAX_DEPTH + 1)
		abort(); /* the reader promises to refuse deeper nesting */
	(void)json_type_name(v->type);
	if (v->type == JSON_NUMBER)
		(void)json_u64(v, &u);
	if (v->type == JSON_STRING && strlen(v->str) != v->len)
		abort(); /* "\u0000" is refused: strings are C strings */
	if (v->type != JSON_ARRAY && v->type != JSON_OBJECT)
		return;
	for (i = 0; i < v->len; i++) {
		if (v->type == JSON_OBJECT && json_get(v, v->kids[i].key) != &v->kids[i])
			abort();
		walk(&v->kids[i], depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc *doc = NULL;
	char err[256];

	if (json_parse((const char *)data, size, &doc, err, sizeof(err)))
		return 0;
	walk(json_root(doc), 0);
	json_free(doc);
	return 0;
}
