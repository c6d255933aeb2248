/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* PrefLib ordinal files (docs/decisions.md#preflib). Two passes over the
 * text: the first reads the header and counts the preference lines, so
 * that the ballots and their ranks take one allocation each; the second
 * reads the names and the preferences. Every error names its line. */
#include "preflib.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/ascii.h"

#define QUOTE_MAX 24 /* bytes of a bad token quoted in a message */

/* What the header says. */
struct header {
    size_t n;           /* alternatives; 0 until given */
    size_t n_line;      /* line of NUMBER ALTERNATIVES */
    char type[4];       /* "soc", "soi", "toc", "toi" or "" */
    bool strict;        /* soc, soi: no ties */
    bool complete;      /* soc, toc: every alternative listed */
    uint64_t voters;    /* NUMBER VOTERS */
    size_t voters_line; /* its line; 0 when not given */
    uint64_t orders;    /* NUMBER UNIQUE ORDERS */
    size_t orders_line; /* its line; 0 when not given */
    size_t data_lines;  /* preference lines in the file */
};

struct lines {
    const char *p;   /* start of the next line */
    const char *end; /* end of the text */
    size_t no;       /* number of the line last returned, 1-based */
};

static struct lines lines_of(struct ac_str text)
{
    struct lines l = {text.ptr, text.ptr + text.len, 0};
    if (text.len >= 3 && memcmp(text.ptr, "\xEF\xBB\xBF", 3) == 0) {
        l.p += 3; /* a byte order mark some editors write */
    }
    return l;
}

/* The next line without its "\n" or "\r\n"; false at the end. */
static bool next_line(struct lines *l, struct ac_str *line)
{
    const char *nl;
    size_t len;
    if (l->p >= l->end) {
        return false;
    }
    nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
    len = nl ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
    line->ptr = l->p;
    line->len = len > 0 && l->p[len - 1] == '\r' ? len - 1 : len;
    l->p = nl ? nl + 1 : l->end;
    l->no++;
    return true;
}

static bool is_blank(int c)
{
    return c == ' ' || c == '\t';
}

static struct ac_str trim(struct ac_str s)
{
    while (s.len > 0 && ac_ascii_isspace(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && ac_ascii_isspace(s.ptr[s.len - 1])) {
        s.len--;
    }
    return s;
}

static int upper(int c)
{
    return ac_ascii_islower(c) ? c - 'a' + 'A' : c;
}

/* Whether s starts with prefix, ignoring ASCII case. */
static bool has_prefix(struct ac_str s, const char *prefix)
{
    size_t len = strlen(prefix);
    if (s.len < len) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (upper(s.ptr[i]) != upper(prefix[i])) {
            return false;
        }
    }
    return true;
}

static bool key_is(struct ac_str key, const char *want)
{
    return key.len == strlen(want) && has_prefix(key, want);
}

/* Splits the header line "# KEY: VALUE"; false when it has no colon. */
static bool header_pair(struct ac_str line, struct ac_str *key,
                        struct ac_str *value)
{
    const char *colon = memchr(line.ptr, ':', line.len);
    if (!colon) {
        return false;
    }
    *key = trim((struct ac_str){line.ptr + 1, (size_t)(colon - line.ptr) - 1});
    *value = trim(
        (struct ac_str){colon + 1, line.len - (size_t)(colon - line.ptr) - 1});
    return true;
}

static int quote_len(size_t len)
{
    return (int)(len > QUOTE_MAX ? QUOTE_MAX : len);
}

static enum ac_status header_number(struct ac_str value, size_t no,
                                    const char *what, uint64_t *out,
                                    struct ac_err *err)
{
    int64_t v;
    if (ac_parse_i64(value, 0, INT64_MAX, &v, NULL) != AC_OK) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: %s must be a whole number, not \"%.*s\"",
                          no, what, quote_len(value.len), value.ptr);
    }
    *out = (uint64_t)v;
    return AC_OK;
}

static enum ac_status header_line(struct ac_str line, size_t no,
                                  struct header *h, struct ac_err *err)
{
    struct ac_str key, value;
    int64_t v;
    if (!header_pair(line, &key, &value)) {
        return AC_OK;
    }
    if (key_is(key, "NUMBER ALTERNATIVES")) {
        if (h->n_line) {
            return ac_err_set(err, AC_EINVAL,
                              "line %zu: NUMBER ALTERNATIVES given again "
                              "(first on line %zu)",
                              no, h->n_line);
        }
        if (ac_parse_i64(value, 1, INT64_MAX, &v, NULL) != AC_OK) {
            return ac_err_set(err, AC_EINVAL,
                              "line %zu: NUMBER ALTERNATIVES must be a whole "
                              "number from 1, not \"%.*s\"",
                              no, quote_len(value.len), value.ptr);
        }
        if (v > AC_SCHULZE_MAX) {
            return ac_err_set(err, AC_ELIMIT,
                              "line %zu: %lld alternatives, more than the %d "
                              "a tally takes",
                              no, (long long)v, AC_SCHULZE_MAX);
        }
        h->n = (size_t)v;
        h->n_line = no;
    } else if (key_is(key, "DATA TYPE")) {
        static const char *const types[] = {"soc", "soi", "toc", "toi"};
        size_t t = 0;
        while (t < 4 && !key_is(value, types[t])) {
            t++;
        }
        if (t == 4) {
            return ac_err_set(err, AC_EINVAL,
                              "line %zu: data type \"%.*s\" is not soc, soi, "
                              "toc or toi",
                              no, quote_len(value.len), value.ptr);
        }
        memcpy(h->type, types[t], 4);
        h->strict = t < 2;
        h->complete = t % 2 == 0;
    } else if (key_is(key, "NUMBER VOTERS")) {
        h->voters_line = no;
        return header_number(value, no, "NUMBER VOTERS", &h->voters, err);
    } else if (key_is(key, "NUMBER UNIQUE ORDERS")) {
        h->orders_line = no;
        return header_number(value, no, "NUMBER UNIQUE ORDERS", &h->orders,
                             err);
    }
    return AC_OK;
}

/* First pass: the header, which must come before every preference. */
static enum ac_status read_header(struct ac_str text, struct header *h,
                                  struct ac_err *err)
{
    struct lines l = lines_of(text);
    struct ac_str line;
    enum ac_status st;
    while (next_line(&l, &line)) {
        line = trim(line);
        if (line.len == 0) {
            continue;
        }
        if (line.ptr[0] != '#') {
            h->data_lines++;
            continue;
        }
        if (h->data_lines > 0) {
            return ac_err_set(err, AC_EINVAL,
                              "line %zu: header line after the preferences",
                              l.no);
        }
        st = header_line(line, l.no, h, err);
        if (st != AC_OK) {
            return st;
        }
    }
    if (h->n == 0) {
        return ac_err_set(err, AC_EINVAL,
                          "missing header line \"# NUMBER ALTERNATIVES: n\"");
    }
    return AC_OK;
}

/* "# ALTERNATIVE NAME i: name", copied into names[i - 1]. */
static enum ac_status name_line(struct ac_str line, size_t no, size_t n,
                                struct ac_str *names, struct ac_arena *a,
                                struct ac_err *err)
{
    struct ac_str key, value, num;
    int64_t v;
    size_t c;
    if (!header_pair(line, &key, &value) ||
        !has_prefix(key, "ALTERNATIVE NAME")) {
        return AC_OK;
    }
    num = trim((struct ac_str){key.ptr + 16, key.len - 16});
    if (num.len == 0 || num.len == key.len - 16 ||
        ac_parse_i64(num, INT64_MIN, INT64_MAX, &v, NULL) != AC_OK) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: expected \"ALTERNATIVE NAME\" and a "
                          "number, found \"%.*s\"",
                          no, quote_len(key.len), key.ptr);
    }
    if (v < 1 || (uint64_t)v > n) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: alternative %.*s is not in 1..%zu", no,
                          quote_len(num.len), num.ptr, n);
    }
    c = (size_t)v - 1;
    if (names[c].ptr) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: alternative %zu is named twice", no,
                          c + 1);
    }
    if (!ac_utf8_is_valid(value)) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: the name of alternative %zu is not valid "
                          "UTF-8",
                          no, c + 1);
    }
    for (size_t k = 0; k < n; k++) {
        if (value.len > 0 && names[k].ptr && ac_str_eq(names[k], value)) {
            return ac_err_set(err, AC_EINVAL,
                              "line %zu: alternatives %zu and %zu have the "
                              "same name \"%.*s\"",
                              no, k + 1, c + 1, quote_len(value.len),
                              value.ptr);
        }
    }
    names[c] = ac_arena_str(a, value);
    if (!names[c].ptr) {
        return ac_err_set(err, AC_ENOMEM, "preflib names out of memory");
    }
    return AC_OK;
}

/* What stands at s[i], for a message: a token, a character or the end. */
static void describe(struct ac_str s, size_t i, char *out, size_t size)
{
    size_t j = i;
    if (i >= s.len) {
        snprintf(out, size, "the end of the line");
        return;
    }
    while (j < s.len && !is_blank(s.ptr[j]) && s.ptr[j] != ',' &&
           s.ptr[j] != '{' && s.ptr[j] != '}') {
        j++;
    }
    if (j == i) {
        j = i + 1;
    }
    snprintf(out, size, "\"%.*s\"", quote_len(j - i), s.ptr + i);
}

static size_t skip_blank(struct ac_str s, size_t i)
{
    while (i < s.len && is_blank(s.ptr[i])) {
        i++;
    }
    return i;
}

/* One alternative number at s[*i], recorded at position pos of rank. */
static enum ac_status read_alternative(struct ac_str s, size_t *i, size_t no,
                                       size_t n, uint16_t pos, uint16_t *rank,
                                       struct ac_err *err)
{
    size_t start = skip_blank(s, *i);
    size_t j = start;
    size_t v = 0;
    char what[QUOTE_MAX + 32];
    while (j < s.len && ac_ascii_isdigit(s.ptr[j])) {
        v = j - start < 7 ? v * 10 + (size_t)(s.ptr[j] - '0') : SIZE_MAX;
        j++;
    }
    if (j == start || (j < s.len && !is_blank(s.ptr[j]) && s.ptr[j] != ',' &&
                       s.ptr[j] != '{' && s.ptr[j] != '}')) {
        describe(s, start, what, sizeof what);
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: expected an alternative number, found %s",
                          no, what);
    }
    if (v < 1 || v > n) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: alternative %.*s is not in 1..%zu", no,
                          quote_len(j - start), s.ptr + start, n);
    }
    if (rank[v - 1] != AC_RANK_NONE) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: alternative %zu appears twice", no, v);
    }
    rank[v - 1] = pos;
    *i = skip_blank(s, j);
    return AC_OK;
}

/* ORDER of a preference line into rank (n entries). */
static enum ac_status read_order(struct ac_str s, size_t no,
                                 const struct header *h, uint16_t *rank,
                                 struct ac_err *err)
{
    size_t i = skip_blank(s, 0);
    size_t listed = 0;
    uint16_t pos = 0;
    bool tie = false;
    char what[QUOTE_MAX + 32];
    for (size_t c = 0; c < h->n; c++) {
        rank[c] = AC_RANK_NONE;
    }
    if (i == s.len) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: the order lists no alternative", no);
    }
    for (;;) {
        if (i == s.len || s.ptr[i] != '{') {
            if (read_alternative(s, &i, no, h->n, pos, rank, err) != AC_OK) {
                return AC_EINVAL;
            }
            listed++;
        } else {
            size_t members = 0;
            i++;
            for (;;) {
                if (read_alternative(s, &i, no, h->n, pos, rank, err) !=
                    AC_OK) {
                    return AC_EINVAL;
                }
                members++;
                if (i < s.len && s.ptr[i] == '}') {
                    i = skip_blank(s, i + 1);
                    break;
                }
                if (i == s.len) {
                    return ac_err_set(err, AC_EINVAL,
                                      "line %zu: \"{\" is not closed", no);
                }
                if (s.ptr[i] != ',') {
                    describe(s, i, what, sizeof what);
                    return ac_err_set(err, AC_EINVAL,
                                      "line %zu: expected \",\" or \"}\", "
                                      "found %s",
                                      no, what);
                }
                i++;
            }
            listed += members;
            tie = tie || members > 1;
        }
        pos++;
        if (i == s.len) {
            break;
        }
        if (s.ptr[i] != ',') {
            describe(s, i, what, sizeof what);
            return ac_err_set(err, AC_EINVAL,
                              "line %zu: expected \",\" or the end of the "
                              "line, found %s",
                              no, what);
        }
        i = skip_blank(s, i + 1);
    }
    if (tie && h->strict) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: a tie in braces, which a %s file does "
                          "not allow",
                          no, h->type);
    }
    if (listed < h->n && h->complete) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: the order lists %zu of the %zu "
                          "alternatives, and a %s file lists them all",
                          no, listed, h->n, h->type);
    }
    return AC_OK;
}

/* "COUNT: ORDER" into b. */
static enum ac_status read_preference(struct ac_str line, size_t no,
                                      const struct header *h, uint16_t *rank,
                                      struct ac_ballot *b, struct ac_err *err)
{
    const char *colon = memchr(line.ptr, ':', line.len);
    struct ac_str count, order;
    int64_t v;
    if (!colon) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: expected COUNT: ORDER, as in "
                          "\"3: 1,{2,4},5\"",
                          no);
    }
    count = trim((struct ac_str){line.ptr, (size_t)(colon - line.ptr)});
    if (ac_parse_i64(count, 1, UINT32_MAX, &v, NULL) != AC_OK ||
        !ac_ascii_isdigit(count.ptr[0])) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: count must be a whole number from 1 to "
                          "%lu, not \"%.*s\"",
                          no, (unsigned long)UINT32_MAX, quote_len(count.len),
                          count.ptr);
    }
    b->rank = rank;
    b->weight = (uint32_t)v;
    order.ptr = colon + 1;
    order.len = line.len - (size_t)(colon - line.ptr) - 1;
    return read_order(order, no, h, rank, err);
}

static enum ac_status check_totals(const struct header *h,
                                   const struct ac_preflib *r,
                                   struct ac_err *err)
{
    if (h->voters_line && h->voters != r->voters) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: NUMBER VOTERS is %llu, but the counts "
                          "add up to %llu",
                          h->voters_line, (unsigned long long)h->voters,
                          (unsigned long long)r->voters);
    }
    if (h->orders_line && h->orders != r->count) {
        return ac_err_set(err, AC_EINVAL,
                          "line %zu: NUMBER UNIQUE ORDERS is %llu, but %zu "
                          "lines follow",
                          h->orders_line, (unsigned long long)h->orders,
                          r->count);
    }
    return AC_OK;
}

enum ac_status ac_preflib_parse(struct ac_str text, struct ac_arena *a,
                                struct ac_preflib *out, struct ac_err *err)
{
    struct ac_arena_mark start = ac_arena_mark(a);
    struct header h = {0};
    struct ac_preflib r = {0};
    struct lines l;
    struct ac_str line;
    uint16_t *ranks;
    enum ac_status st;

    memset(out, 0, sizeof *out);
    if (text.len > 0 && !text.ptr) {
        return ac_err_set(err, AC_EINVAL, "preflib text missing");
    }
    st = read_header(text, &h, err);
    if (st != AC_OK) {
        return st;
    }
    r.n = h.n;
    r.names = ac_arena_alloc(a, h.n * sizeof *r.names);
    r.ballots = ac_arena_alloc(a, h.data_lines * sizeof *r.ballots);
    ranks = ac_arena_alloc(a, h.data_lines * h.n * sizeof *ranks);
    if (!r.names || !r.ballots || !ranks) {
        st = ac_err_set(err, AC_ENOMEM, "preflib ballots out of memory");
        goto out;
    }
    l = lines_of(text);
    while (st == AC_OK && next_line(&l, &line)) {
        line = trim(line);
        if (line.len == 0) {
            continue;
        }
        if (line.ptr[0] == '#') {
            st = name_line(line, l.no, h.n, r.names, a, err);
            continue;
        }
        st = read_preference(line, l.no, &h, ranks + r.count * h.n,
                             &r.ballots[r.count], err);
        if (st == AC_OK && r.voters + r.ballots[r.count].weight < r.voters) {
            st = ac_err_set(err, AC_EINVAL,
                            "line %zu: the counts add up to more than 64 bits",
                            l.no);
        }
        if (st == AC_OK) {
            r.voters += r.ballots[r.count].weight;
            r.count++;
        }
    }
    if (st == AC_OK) {
        st = check_totals(&h, &r, err);
    }
out:
    if (st != AC_OK) {
        ac_arena_rewind(a, start);
        return st;
    }
    *out = r;
    return AC_OK;
}
