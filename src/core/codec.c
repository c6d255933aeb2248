/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Canonical JSON writer (docs/events.md#canonical). Keys are emitted in
 * byte order by repeated selection, so encoding needs no allocation. */
#include "codec.h"

#include <inttypes.h>

#include "base/ascii.h"

void ac_codec_string(struct ac_str s, struct ac_buf *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    ac_buf_putc(out, '"');
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        const char *esc = NULL;
        char u[6];
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        ac_buf_add(out, s.ptr + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            ac_buf_add(out, u, 6);
            continue;
        }
        ac_buf_add_c(out, esc);
    }
    ac_buf_add(out, s.ptr + run, s.len - run);
    ac_buf_putc(out, '"');
}

/* The member with the smallest key greater than after (NULL: the first). */
static const struct ac_val_pair *next_pair(const struct ac_val *obj,
                                           const struct ac_val_pair *after)
{
    const struct ac_val_pair *best = NULL;
    for (size_t i = 0; i < obj->count; i++) {
        const struct ac_val_pair *p = &obj->pairs[i];
        if (after && ac_str_cmp(p->key, after->key) <= 0) {
            continue;
        }
        if (!best || ac_str_cmp(p->key, best->key) < 0) {
            best = p;
        }
    }
    return best;
}

enum ac_status ac_codec_encode(const struct ac_val *v, struct ac_buf *out,
                               struct ac_err *err)
{
    enum ac_status st;
    if (!v) {
        return ac_err_set(err, AC_EINVAL, "missing value");
    }
    switch (v->kind) {
    case AC_VAL_NULL:
        ac_buf_add_c(out, "null");
        break;
    case AC_VAL_BOOL:
        ac_buf_add_c(out, v->b ? "true" : "false");
        break;
    case AC_VAL_INT:
        ac_buf_printf(out, "%" PRId64, v->i);
        break;
    case AC_VAL_STR:
        if (!ac_utf8_is_valid(v->s)) {
            return ac_err_set(err, AC_EINVAL, "string is not valid UTF-8");
        }
        ac_codec_string(v->s, out);
        break;
    case AC_VAL_ARR:
        ac_buf_putc(out, '[');
        for (size_t i = 0; i < v->count; i++) {
            if (i) {
                ac_buf_putc(out, ',');
            }
            st = ac_codec_encode(v->items[i], out, err);
            if (st != AC_OK) {
                return st;
            }
        }
        ac_buf_putc(out, ']');
        break;
    case AC_VAL_OBJ: {
        const struct ac_val_pair *p = NULL;
        ac_buf_putc(out, '{');
        for (size_t i = 0; i < v->count; i++) {
            p = next_pair(v, p);
            if (i) {
                ac_buf_putc(out, ',');
            }
            if (!ac_utf8_is_valid(p->key)) {
                return ac_err_set(err, AC_EINVAL, "key is not valid UTF-8");
            }
            ac_codec_string(p->key, out);
            ac_buf_putc(out, ':');
            st = ac_codec_encode(p->val, out, err);
            if (st != AC_OK) {
                return st;
            }
        }
        ac_buf_putc(out, '}');
        break;
    }
    }
    if (out->status != AC_OK) {
        return ac_err_set(err, out->status, "encoded event is too large");
    }
    return AC_OK;
}
