/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Strict integer parsing and UTF-8 validation (RFC 3629). */
#include "ascii.h"

enum ac_status ac_parse_i64(struct ac_str s, int64_t min, int64_t max,
                            int64_t *out, struct ac_err *err)
{
    size_t i = 0;
    bool neg = false;
    uint64_t v = 0;
    uint64_t limit;

    if (s.len > 0 && (s.ptr[0] == '-' || s.ptr[0] == '+')) {
        neg = s.ptr[0] == '-';
        i = 1;
    }
    if (i == s.len) {
        return ac_err_set(err, AC_EINVAL, "\"%.*s\" is not a number",
                          (int)s.len, s.ptr ? s.ptr : "");
    }
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < s.len; i++) {
        unsigned d;
        if (!ac_ascii_isdigit(s.ptr[i])) {
            return ac_err_set(err, AC_EINVAL, "\"%.*s\" is not a number",
                              (int)s.len, s.ptr);
        }
        d = (unsigned)(s.ptr[i] - '0');
        if (v > (limit - d) / 10) {
            return ac_err_set(err, AC_EINVAL, "\"%.*s\" is out of range",
                              (int)s.len, s.ptr);
        }
        v = v * 10 + d;
    }
    {
        int64_t r = neg ? (int64_t)(0 - v) : (int64_t)v;
        if (r < min || r > max) {
            return ac_err_set(err, AC_EINVAL,
                              "\"%.*s\" is out of range %lld..%lld", (int)s.len,
                              s.ptr, (long long)min, (long long)max);
        }
        *out = r;
    }
    return AC_OK;
}

int ac_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool ac_str_is_blank(struct ac_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (!ac_ascii_isspace((unsigned char)s.ptr[i])) {
            return false;
        }
    }
    return true;
}

bool ac_utf8_is_valid(struct ac_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t i = 0;
    while (i < s.len) {
        unsigned c = p[i];
        size_t n;
        uint32_t cp;
        if (c == 0) {
            return false;
        }
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.len) {
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        /* overlong forms, surrogates and beyond U+10FFFF are invalid */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
            (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

size_t ac_utf8_count(struct ac_str s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (((unsigned char)s.ptr[i] & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

void ac_utf8_cut(char *s)
{
    size_t n = strlen(s), k = n;
    while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80) {
        k--;
    }
    if (k > 0 && (unsigned char)s[k - 1] >= 0xc0) {
        unsigned char lead = (unsigned char)s[k - 1];
        size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
        if (n - (k - 1) < need) {
            s[k - 1] = '\0';
        }
    }
}
