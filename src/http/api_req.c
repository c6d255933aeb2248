/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* JSON in: request bodies are objects with known members only, parsed by
 * jansson with duplicate keys refused. Errors name the member as a JSON
 * pointer in err->where. */
#include "http_int.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"

/* "/" + key as a JSON pointer (RFC 6901 escapes), cut to fit. */
static void pointer(char *out, size_t size, const char *key)
{
    size_t n = 0;
    out[n++] = '/';
    for (const char *p = key; *p && n + 3 < size && n < 64; p++) {
        if (*p == '~' || *p == '/') {
            out[n++] = '~';
            out[n++] = *p == '~' ? '0' : '1';
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

enum ac_status ac_api_body(struct ac_str body, bool empty_ok,
                           const char *const *allowed, json_t **out,
                           struct ac_err *err)
{
    json_error_t je;
    json_t *j;
    const char *key;
    json_t *v;

    *out = NULL;
    if (body.len == 0) {
        if (!empty_ok) {
            return ac_err_at(err, "", AC_EINVAL,
                             "the request body must be a JSON object");
        }
        *out = json_object();
        return *out ? AC_OK : ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    j = json_loadb(body.ptr, body.len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        return ac_err_at(err, "", AC_EINVAL,
                         "the request body is not valid JSON: %s (line %d, "
                         "column %d)",
                         je.text, je.line, je.column);
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return ac_err_at(err, "", AC_EINVAL,
                         "the request body must be a JSON object");
    }
    json_object_foreach(j, key, v)
    {
        bool known = false;
        for (size_t i = 0; allowed && allowed[i]; i++) {
            known = known || strcmp(key, allowed[i]) == 0;
        }
        if (!known) {
            char where[80];
            pointer(where, sizeof where, key);
            json_decref(j);
            return ac_err_at(err, where, AC_EINVAL,
                             "unknown member \"%s\" in the request body",
                             where + 1);
        }
    }
    *out = j;
    return AC_OK;
}

enum ac_status ac_api_get_str(const json_t *obj, const char *key, bool optional,
                              size_t max_len, struct ac_arena *a,
                              struct ac_str *out, struct ac_err *err)
{
    const json_t *v = json_object_get(obj, key);
    char where[80];
    size_t len;

    pointer(where, sizeof where, key);
    out->ptr = NULL;
    out->len = 0;
    if (!v) {
        return optional
                   ? AC_OK
                   : ac_err_at(err, where, AC_EINVAL, "%s is required", where);
    }
    if (!json_is_string(v)) {
        return ac_err_at(err, where, AC_EINVAL, "%s must be a string", where);
    }
    len = json_string_length(v);
    if (max_len && len > max_len) {
        return ac_err_at(err, where, AC_EINVAL, "%s is longer than %zu bytes",
                         where, max_len);
    }
    *out = ac_arena_str(a, (struct ac_str){json_string_value(v), len});
    if (!out->ptr) {
        return ac_err_at(err, where, AC_ELIMIT,
                         "the request is too large to process");
    }
    return AC_OK;
}

enum ac_status ac_api_get_int(const json_t *obj, const char *key, int64_t *out,
                              struct ac_err *err)
{
    const json_t *v = json_object_get(obj, key);
    char where[80];
    pointer(where, sizeof where, key);
    if (!v) {
        return ac_err_at(err, where, AC_EINVAL, "%s is required", where);
    }
    if (!json_is_integer(v)) {
        return ac_err_at(err, where, AC_EINVAL,
                         "%s must be a whole number (of minor units for an "
                         "amount)",
                         where);
    }
    *out = (int64_t)json_integer_value(v);
    return AC_OK;
}

enum ac_status ac_api_get_obj(const json_t *obj, const char *key, bool optional,
                              struct ac_arena *a, struct ac_val **out,
                              struct ac_err *err)
{
    const json_t *v = json_object_get(obj, key);
    char where[80];
    enum ac_status st;

    pointer(where, sizeof where, key);
    *out = NULL;
    if (!v) {
        return optional
                   ? AC_OK
                   : ac_err_at(err, where, AC_EINVAL, "%s is required", where);
    }
    if (!json_is_object(v)) {
        return ac_err_at(err, where, AC_EINVAL, "%s must be an object", where);
    }
    st = ac_json_to_val(v, where, a, out, err);
    if (st == AC_ENOMEM) {
        return ac_err_at(err, where, AC_ELIMIT,
                         "the request is too large to process");
    }
    return st;
}
