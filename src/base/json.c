/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The one place JSON text is parsed, via jansson. */
#include "json.h"

#include <stdio.h>
#include <string.h>

static enum ac_status conv(const json_t *j, char *where, size_t wlen, int depth,
                           struct ac_arena *a, struct ac_val **out,
                           struct ac_err *err)
{
    struct ac_val *v = NULL;
    size_t base = strlen(where);

    /* depth counts the containers around j: at most AC_JSON_MAX_DEPTH
     * arrays and objects may nest, whatever the innermost holds */
    if ((json_is_array(j) || json_is_object(j)) && depth >= AC_JSON_MAX_DEPTH) {
        return ac_err_at(err, where, AC_EINVAL, "nesting deeper than %d levels",
                         AC_JSON_MAX_DEPTH);
    }
    switch (json_typeof(j)) {
    case JSON_NULL:
        v = ac_val_null(a);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        v = ac_val_bool(a, json_is_true(j));
        break;
    case JSON_INTEGER:
        v = ac_val_int(a, (int64_t)json_integer_value(j));
        break;
    case JSON_REAL:
        return ac_err_at(err, where, AC_EINVAL, "numbers must be integers");
    case JSON_STRING:
        if (memchr(json_string_value(j), '\0', json_string_length(j))) {
            return ac_err_at(err, where, AC_EINVAL,
                             "strings must not contain NUL characters");
        }
        v = ac_val_str(
            a, (struct ac_str){json_string_value(j), json_string_length(j)});
        break;
    case JSON_ARRAY: {
        size_t i;
        json_t *item;
        v = ac_val_arr(a);
        json_array_foreach(j, i, item)
        {
            struct ac_val *c;
            enum ac_status st;
            snprintf(where + base, wlen - base, "/%zu", i);
            st = conv(item, where, wlen, depth + 1, a, &c, err);
            if (st != AC_OK) {
                return st;
            }
            if (!v || !ac_val_push(a, v, c)) {
                v = NULL;
                break;
            }
        }
        where[base] = '\0';
        break;
    }
    case JSON_OBJECT: {
        const char *key;
        json_t *item;
        v = ac_val_obj(a);
        json_object_foreach((json_t *)j, key, item)
        {
            struct ac_val *c;
            enum ac_status st;
            snprintf(where + base, wlen - base, "/%s", key);
            st = conv(item, where, wlen, depth + 1, a, &c, err);
            if (st != AC_OK) {
                return st;
            }
            if (!v || !ac_val_set(a, v, key, c)) {
                v = NULL;
                break;
            }
        }
        where[base] = '\0';
        break;
    }
    }
    if (!v) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    *out = v;
    return AC_OK;
}

enum ac_status ac_json_to_val(const json_t *j, const char *where,
                              struct ac_arena *a, struct ac_val **out,
                              struct ac_err *err)
{
    char path[128];
    snprintf(path, sizeof path, "%s", where ? where : "");
    return conv(j, path, sizeof path, 0, a, out, err);
}

enum ac_status ac_json_parse(struct ac_str text, struct ac_arena *a,
                             struct ac_val **out, struct ac_err *err)
{
    json_error_t je;
    json_t *j = json_loadb(text.ptr ? text.ptr : "", text.len,
                           JSON_REJECT_DUPLICATES, &je);
    enum ac_status st;
    if (!j) {
        return ac_err_set(err, AC_EINVAL, "malformed JSON at line %d: %s",
                          je.line, je.text);
    }
    st = ac_json_to_val(j, "", a, out, err);
    json_decref(j);
    return st;
}

json_t *ac_json_str(struct ac_str s)
{
    return json_stringn(s.ptr ? s.ptr : "", s.len);
}

json_t *ac_json_from_val(const struct ac_val *v)
{
    json_t *j = NULL;
    if (!v) {
        return json_null();
    }
    switch (v->kind) {
    case AC_VAL_NULL:
        return json_null();
    case AC_VAL_BOOL:
        return json_boolean(v->b);
    case AC_VAL_INT:
        return json_integer((json_int_t)v->i);
    case AC_VAL_STR:
        return ac_json_str(v->s);
    case AC_VAL_ARR:
        j = json_array();
        for (size_t i = 0; j && i < v->count; i++) {
            if (json_array_append_new(j, ac_json_from_val(v->items[i])) != 0) {
                json_decref(j);
                return NULL;
            }
        }
        return j;
    case AC_VAL_OBJ:
        j = json_object();
        for (size_t i = 0; j && i < v->count; i++) {
            if (json_object_setn_new(j, v->pairs[i].key.ptr,
                                     v->pairs[i].key.len,
                                     ac_json_from_val(v->pairs[i].val)) != 0) {
                json_decref(j);
                return NULL;
            }
        }
        return j;
    }
    return NULL;
}
