/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A small value tree (null, bool, integer, string, array, object) in an
 * arena: the data model of event payloads. It knows nothing of JSON text.
 * Object members keep insertion order; duplicate keys are the builder's
 * bug, the JSON decoder refuses them. */
#ifndef ACCORD_BASE_VAL_H
#define ACCORD_BASE_VAL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "str.h"

enum ac_val_kind {
    AC_VAL_NULL,
    AC_VAL_BOOL,
    AC_VAL_INT,
    AC_VAL_STR,
    AC_VAL_ARR,
    AC_VAL_OBJ
};

struct ac_val;

struct ac_val_pair {
    struct ac_str key;  /* in the arena */
    struct ac_val *val; /* in the arena */
};

struct ac_val {
    enum ac_val_kind kind;
    bool b;                    /* AC_VAL_BOOL */
    int64_t i;                 /* AC_VAL_INT */
    struct ac_str s;           /* AC_VAL_STR, in the arena */
    struct ac_val **items;     /* AC_VAL_ARR elements */
    struct ac_val_pair *pairs; /* AC_VAL_OBJ members */
    size_t count;              /* elements or members */
    size_t room;               /* allocated slots */
};

/* Constructors: NULL when the arena is exhausted. Strings are copied. */
struct ac_val *ac_val_null(struct ac_arena *a);
struct ac_val *ac_val_bool(struct ac_arena *a, bool b);
struct ac_val *ac_val_int(struct ac_arena *a, int64_t i);
struct ac_val *ac_val_str(struct ac_arena *a, struct ac_str s);
struct ac_val *ac_val_arr(struct ac_arena *a);
struct ac_val *ac_val_obj(struct ac_arena *a);

/* Append to an array / add a member to an object. False on ENOMEM or when
 * item is NULL (so builder chains can check once at the end). */
bool ac_val_push(struct ac_arena *a, struct ac_val *arr, struct ac_val *item);
bool ac_val_set(struct ac_arena *a, struct ac_val *obj, const char *key,
                struct ac_val *val);

/* Member lookup; NULL when absent or obj is not an object. */
struct ac_val *ac_val_get(const struct ac_val *obj, const char *key);

/* Typed lookups that report whether the member exists with that type. */
bool ac_val_get_str(const struct ac_val *obj, const char *key,
                    struct ac_str *out);
bool ac_val_get_int(const struct ac_val *obj, const char *key, int64_t *out);

/* Deep copy into arena a. */
struct ac_val *ac_val_copy(struct ac_arena *a, const struct ac_val *v);

/* Structural equality (object member order ignored). */
bool ac_val_equal(const struct ac_val *x, const struct ac_val *y);

const char *ac_val_kind_name(enum ac_val_kind k);

#endif
