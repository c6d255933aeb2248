/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The canon target: canonical JSON (core/codec.h) and the event encoding
 * (core/event.h), whose bytes are hashed, so any wobble would split
 * chains. Parse, encode, parse, encode must be a fixed point that
 * jansson reads back to the same value; an event that decodes must
 * re-encode to bytes that decode to the same event, and sealed as the
 * first event of a log it must verify exactly when its fold accepts it.
 * The text forms of times, dates, integers, amounts and strings
 * round-trip too. */
#include "fuzz.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/json.h"
#include "base/time.h"
#include "core/codec.h"
#include "core/event.h"
#include "core/money.h"
#include "store/log.h"

static void same_event(const struct ac_event *x, const struct ac_event *y)
{
    AC_FUZZ_CHECK(x->seq == y->seq && x->time == y->time &&
                      ac_str_eq(x->actor, y->actor) &&
                      ac_str_eq(x->type, y->type) &&
                      ac_val_equal(x->data, y->data) &&
                      memcmp(x->prev, y->prev, AC_HASH_LEN) == 0 &&
                      memcmp(x->hash, y->hash, AC_HASH_LEN) == 0,
                  "an event changed on its way through its encoding");
}

/* ev as the first event of a log: sealed, encoded, verified. */
static void first_event(struct ac_event ev)
{
    struct ac_buf line;
    struct ac_err e = {0};
    struct ac_arena a;
    struct ac_state s;
    int64_t count = -1;
    char head[AC_HEX_LEN + 1];
    FILE *f;
    enum ac_status st;

    ev.seq = 1;
    memset(ev.prev, 0, AC_HASH_LEN);
    if (ac_event_seal(&ev, &e) != AC_OK) {
        return;
    }
    ac_buf_init(&line, 0);
    st = ac_event_encode(&ev, true, &line, &e);
    AC_FUZZ_CHECK(st == AC_OK, "a sealed event does not encode: %s", e.msg);
    ac_buf_putc(&line, '\n');
    f = fmemopen(line.ptr, line.len, "r");
    AC_FUZZ_CHECK(f != NULL, "fmemopen failed");
    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    st = ac_log_replay_file(f, &s, &count, head, &e);
    fclose(f);
    if (st == AC_OK) {
        char want[AC_HEX_LEN + 1];
        ac_hex_encode(want, ev.hash, AC_HASH_LEN);
        AC_FUZZ_CHECK(count == 1 && strcmp(head, want) == 0 && s.seq == 1,
                      "a one-event log verified to another head");
        json_decref(ac_fuzz_render(&s));
    } else {
        AC_FUZZ_CHECK(st == AC_ECORRUPT && count == 0,
                      "a one-event log failed with %s: %s", ac_status_name(st),
                      e.msg);
    }
    ac_arena_release(&a);
    ac_buf_release(&line);
}

static void event(const struct ac_val *v, struct ac_arena *a)
{
    struct ac_event ev, back;
    struct ac_buf out;
    struct ac_val *v2 = NULL;
    struct ac_err e = {0};
    enum ac_status st;

    if (ac_event_decode(v, &ev, &e) != AC_OK) {
        AC_FUZZ_CHECK(e.code == AC_ECORRUPT, "decode: %s", e.msg);
        return;
    }
    ac_buf_init(&out, 0);
    st = ac_event_encode(&ev, true, &out, &e);
    AC_FUZZ_CHECK(st == AC_OK, "a decoded event does not encode: %s", e.msg);
    st = ac_json_parse(ac_buf_str(&out), a, &v2, &e);
    AC_FUZZ_CHECK(st == AC_OK, "an encoded event does not parse: %s", e.msg);
    st = ac_event_decode(v2, &back, &e);
    AC_FUZZ_CHECK(st == AC_OK, "an encoded event does not decode: %s", e.msg);
    same_event(&ev, &back);
    ac_buf_release(&out);
    first_event(ev);
}

static void value(struct ac_str text)
{
    struct ac_arena a;
    struct ac_val *v = NULL, *v2 = NULL;
    struct ac_buf enc1, enc2;
    struct ac_err e = {0};
    json_error_t je;
    json_t *j;
    enum ac_status st;

    ac_arena_init(&a, 0);
    ac_buf_init(&enc1, 0);
    ac_buf_init(&enc2, 0);
    if (ac_json_parse(text, &a, &v, &e) != AC_OK) {
        goto out;
    }
    st = ac_codec_encode(v, &enc1, &e);
    AC_FUZZ_CHECK(st == AC_OK, "a parsed value does not encode: %s", e.msg);
    j = json_loadb(enc1.ptr, enc1.len, JSON_DECODE_ANY, &je);
    AC_FUZZ_CHECK(j != NULL, "jansson refuses canonical JSON: %s", je.text);
    json_decref(j);
    st = ac_json_parse(ac_buf_str(&enc1), &a, &v2, &e);
    AC_FUZZ_CHECK(st == AC_OK, "canonical JSON does not parse: %s", e.msg);
    AC_FUZZ_CHECK(ac_val_equal(v, v2), "canonical JSON holds another value");
    st = ac_codec_encode(v2, &enc2, &e);
    AC_FUZZ_CHECK(st == AC_OK &&
                      ac_str_eq(ac_buf_str(&enc1), ac_buf_str(&enc2)),
                  "canonical JSON is not a fixed point");
    event(v, &a);
out:
    ac_buf_release(&enc2);
    ac_buf_release(&enc1);
    ac_arena_release(&a);
}

/* A string's canonical form reads back as the same bytes. */
static void string(struct ac_str s)
{
    struct ac_buf b;
    json_error_t je;
    json_t *j;

    if (!ac_utf8_is_valid(s)) {
        return;
    }
    ac_buf_init(&b, 0);
    ac_codec_string(s, &b);
    AC_FUZZ_CHECK(b.status == AC_OK, "a string does not encode");
    j = json_loadb(b.ptr, b.len, JSON_DECODE_ANY, &je);
    AC_FUZZ_CHECK(j && json_is_string(j) && json_string_length(j) == s.len &&
                      memcmp(json_string_value(j), s.ptr, s.len) == 0,
                  "an encoded string reads back differently");
    json_decref(j);
    ac_buf_release(&b);
}

static void texts(struct ac_str s)
{
    int64_t ms, n;
    char back[AC_TIME_LEN + 1], num[32];
    struct ac_str time = {s.ptr, s.len < AC_TIME_LEN ? s.len : AC_TIME_LEN};
    struct ac_str date = {s.ptr, s.len < 10 ? s.len : 10};

    if (ac_time_parse(time, &ms, NULL) == AC_OK) {
        ac_time_format(back, ms);
        AC_FUZZ_CHECK(memcmp(back, time.ptr, AC_TIME_LEN) == 0,
                      "time \"%.24s\" formats as \"%s\"", time.ptr, back);
    }
    if (ac_date_parse(date, &ms, NULL) == AC_OK) {
        ac_time_format(back, ms);
        AC_FUZZ_CHECK(memcmp(back, date.ptr, 10) == 0 &&
                          strcmp(back + 10, "T00:00:00.000Z") == 0,
                      "date \"%.10s\" formats as \"%s\"", date.ptr, back);
    }
    if (ac_parse_i64(s, INT64_MIN, INT64_MAX, &n, NULL) == AC_OK) {
        int64_t again;
        snprintf(num, sizeof num, "%" PRId64, n);
        AC_FUZZ_CHECK(ac_parse_i64(ac_str_c(num), INT64_MIN, INT64_MAX, &again,
                                   NULL) == AC_OK &&
                          again == n,
                      "%s does not parse back", num);
    }
    /* amounts typed in the web forms, in currencies of 0 to 3 decimals */
    for (int minor = 0; minor <= 3; minor++) {
        int64_t again;
        if (ac_money_parse(s, minor, &n)) {
            AC_FUZZ_CHECK(n >= 0 && n <= AC_MONEY_MAX, "amount %" PRId64, n);
            ac_money_format(num, n, minor);
            AC_FUZZ_CHECK(ac_money_parse(ac_str_c(num), minor, &again) &&
                              again == n,
                          "amount %s does not parse back", num);
        }
    }
}

void ac_fuzz_canon(const uint8_t *data, size_t size)
{
    struct ac_str s = {(const char *)data, size};
    if (size > AC_FUZZ_MAX_INPUT) {
        return;
    }
    value(s);
    string(s);
    texts(s);
}
