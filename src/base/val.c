/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Value tree construction and lookup. */
#include "val.h"

#include <string.h>

static struct ac_val *make(struct ac_arena *a, enum ac_val_kind k)
{
    struct ac_val *v = ac_arena_alloc(a, sizeof *v);
    if (v) {
        v->kind = k;
    }
    return v;
}

struct ac_val *ac_val_null(struct ac_arena *a)
{
    return make(a, AC_VAL_NULL);
}

struct ac_val *ac_val_bool(struct ac_arena *a, bool b)
{
    struct ac_val *v = make(a, AC_VAL_BOOL);
    if (v) {
        v->b = b;
    }
    return v;
}

struct ac_val *ac_val_int(struct ac_arena *a, int64_t i)
{
    struct ac_val *v = make(a, AC_VAL_INT);
    if (v) {
        v->i = i;
    }
    return v;
}

struct ac_val *ac_val_str(struct ac_arena *a, struct ac_str s)
{
    struct ac_val *v = make(a, AC_VAL_STR);
    if (v) {
        v->s = ac_arena_str(a, s);
        if (!v->s.ptr) {
            return NULL;
        }
    }
    return v;
}

struct ac_val *ac_val_arr(struct ac_arena *a)
{
    return make(a, AC_VAL_ARR);
}

struct ac_val *ac_val_obj(struct ac_arena *a)
{
    return make(a, AC_VAL_OBJ);
}

static bool grow(struct ac_arena *a, struct ac_val *v, size_t size)
{
    size_t room = v->room ? v->room * 2 : 4;
    void *p = ac_arena_alloc(a, room * size);
    void *old = v->kind == AC_VAL_ARR ? (void *)v->items : (void *)v->pairs;
    if (!p) {
        return false;
    }
    if (v->count) {
        memcpy(p, old, v->count * size);
    }
    if (v->kind == AC_VAL_ARR) {
        v->items = p;
    } else {
        v->pairs = p;
    }
    v->room = room;
    return true;
}

bool ac_val_push(struct ac_arena *a, struct ac_val *arr, struct ac_val *item)
{
    if (!arr || !item || arr->kind != AC_VAL_ARR) {
        return false;
    }
    if (arr->count == arr->room && !grow(a, arr, sizeof *arr->items)) {
        return false;
    }
    arr->items[arr->count++] = item;
    return true;
}

bool ac_val_set(struct ac_arena *a, struct ac_val *obj, const char *key,
                struct ac_val *val)
{
    struct ac_str k;
    if (!obj || !val || obj->kind != AC_VAL_OBJ) {
        return false;
    }
    for (size_t i = 0; i < obj->count; i++) {
        if (ac_str_eq_c(obj->pairs[i].key, key)) {
            obj->pairs[i].val = val;
            return true;
        }
    }
    if (obj->count == obj->room && !grow(a, obj, sizeof *obj->pairs)) {
        return false;
    }
    k = ac_arena_str(a, ac_str_c(key));
    if (!k.ptr) {
        return false;
    }
    obj->pairs[obj->count].key = k;
    obj->pairs[obj->count].val = val;
    obj->count++;
    return true;
}

struct ac_val *ac_val_get(const struct ac_val *obj, const char *key)
{
    if (!obj || obj->kind != AC_VAL_OBJ) {
        return NULL;
    }
    for (size_t i = 0; i < obj->count; i++) {
        if (ac_str_eq_c(obj->pairs[i].key, key)) {
            return obj->pairs[i].val;
        }
    }
    return NULL;
}

bool ac_val_get_str(const struct ac_val *obj, const char *key,
                    struct ac_str *out)
{
    const struct ac_val *v = ac_val_get(obj, key);
    if (!v || v->kind != AC_VAL_STR) {
        return false;
    }
    *out = v->s;
    return true;
}

bool ac_val_get_int(const struct ac_val *obj, const char *key, int64_t *out)
{
    const struct ac_val *v = ac_val_get(obj, key);
    if (!v || v->kind != AC_VAL_INT) {
        return false;
    }
    *out = v->i;
    return true;
}

struct ac_val *ac_val_copy(struct ac_arena *a, const struct ac_val *v)
{
    struct ac_val *c;
    if (!v) {
        return NULL;
    }
    switch (v->kind) {
    case AC_VAL_NULL:
        return ac_val_null(a);
    case AC_VAL_BOOL:
        return ac_val_bool(a, v->b);
    case AC_VAL_INT:
        return ac_val_int(a, v->i);
    case AC_VAL_STR:
        return ac_val_str(a, v->s);
    case AC_VAL_ARR:
        c = ac_val_arr(a);
        for (size_t i = 0; c && i < v->count; i++) {
            if (!ac_val_push(a, c, ac_val_copy(a, v->items[i]))) {
                return NULL;
            }
        }
        return c;
    case AC_VAL_OBJ:
        c = ac_val_obj(a);
        for (size_t i = 0; c && i < v->count; i++) {
            struct ac_val *m = ac_val_copy(a, v->pairs[i].val);
            struct ac_val_pair *p;
            if (!m) {
                return NULL;
            }
            if (c->count == c->room && !grow(a, c, sizeof *c->pairs)) {
                return NULL;
            }
            p = &c->pairs[c->count++];
            p->key = ac_arena_str(a, v->pairs[i].key);
            p->val = m;
            if (!p->key.ptr) {
                return NULL;
            }
        }
        return c;
    }
    return NULL;
}

bool ac_val_equal(const struct ac_val *x, const struct ac_val *y)
{
    if (!x || !y || x->kind != y->kind) {
        return x == y;
    }
    switch (x->kind) {
    case AC_VAL_NULL:
        return true;
    case AC_VAL_BOOL:
        return x->b == y->b;
    case AC_VAL_INT:
        return x->i == y->i;
    case AC_VAL_STR:
        return ac_str_eq(x->s, y->s);
    case AC_VAL_ARR:
        if (x->count != y->count) {
            return false;
        }
        for (size_t i = 0; i < x->count; i++) {
            if (!ac_val_equal(x->items[i], y->items[i])) {
                return false;
            }
        }
        return true;
    case AC_VAL_OBJ:
        if (x->count != y->count) {
            return false;
        }
        for (size_t i = 0; i < x->count; i++) {
            const struct ac_val *o = NULL;
            for (size_t j = 0; j < y->count; j++) {
                if (ac_str_eq(x->pairs[i].key, y->pairs[j].key)) {
                    o = y->pairs[j].val;
                    break;
                }
            }
            if (!o || !ac_val_equal(x->pairs[i].val, o)) {
                return false;
            }
        }
        return true;
    }
    return false;
}

const char *ac_val_kind_name(enum ac_val_kind k)
{
    static const char *const names[] = {"null",   "boolean", "integer",
                                        "string", "array",   "object"};
    return (size_t)k < 6 ? names[k] : "value";
}
