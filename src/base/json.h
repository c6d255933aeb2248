/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* JSON text <-> value tree, through jansson. Decoding is strict: duplicate
 * keys, non-integer numbers, NUL characters and nesting deeper than
 * AC_JSON_MAX_DEPTH are refused, with the offending place in err->where. */
#ifndef ACCORD_BASE_JSON_H
#define ACCORD_BASE_JSON_H

#include <jansson.h>

#include "arena.h"
#include "err.h"
#include "val.h"

#define AC_JSON_MAX_DEPTH 32

/* Parses text into a value in arena a. */
enum ac_status ac_json_parse(struct ac_str text, struct ac_arena *a,
                             struct ac_val **out, struct ac_err *err);

/* Converts a jansson value (already parsed by the caller) to a value tree.
 * where is the JSON pointer of j, for messages. */
enum ac_status ac_json_to_val(const json_t *j, const char *where,
                              struct ac_arena *a, struct ac_val **out,
                              struct ac_err *err);

/* A new jansson value (caller owns the reference) or NULL on ENOMEM. */
json_t *ac_json_from_val(const struct ac_val *v);

/* A jansson string from a counted string (caller owns), NULL on ENOMEM. */
json_t *ac_json_str(struct ac_str s);

#endif
