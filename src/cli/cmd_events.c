/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord events: the log as members see it, one line per event. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/ascii.h"
#include "base/buf.h"
#include "base/json.h"
#include "cli/client.h"
#include "core/event.h"

#define SUMMARY_MAX 72 /* characters of an event's data shown */

/* data as compact JSON, cut to SUMMARY_MAX characters. */
static json_t *summary(const json_t *data)
{
    char *text = json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY);
    size_t n = 0, chars = 0;
    json_t *s;
    if (!text) {
        return json_string("?");
    }
    while (text[n] && chars < SUMMARY_MAX) {
        n++;
        while (((unsigned char)text[n] & 0xC0) == 0x80) {
            n++;
        }
        chars++;
    }
    if (text[n]) {
        memcpy(text + n, "...", 4);
    }
    s = json_string(text);
    free(text);
    return s;
}

/* Writes one event as its canonical line (the bytes accord export writes),
 * so that a member's copy verifies like the operator's. */
static enum ac_status write_line(const json_t *ev, struct ac_err *err)
{
    struct ac_arena a;
    struct ac_buf b;
    struct ac_val *v;
    struct ac_event e;
    enum ac_status st;

    ac_arena_init(&a, 0);
    ac_buf_init(&b, 0);
    st = ac_json_to_val(ev, "", &a, &v, err);
    if (st == AC_OK) {
        st = ac_event_decode(v, &e, err);
    }
    if (st == AC_OK) {
        st = ac_event_encode(&e, true, &b, err);
    }
    if (st == AC_OK) {
        ac_buf_putc(&b, '\n');
        if (fwrite(b.ptr, 1, b.len, stdout) != b.len) {
            st = ac_err_set(err, AC_EIO, "cannot write the log");
        }
    }
    ac_buf_release(&b);
    ac_arena_release(&a);
    return st;
}

/* Pages through the log from after to the head (or limit events). */
static enum ac_status save_log(struct ac_cli_args *a, int64_t after,
                               int64_t limit, struct ac_err *err)
{
    enum ac_status st = AC_OK;
    int64_t written = 0;
    for (;;) {
        char path[128];
        int64_t page_size =
            limit < 0 || limit - written > 1000 ? 1000 : limit - written;
        json_t *page = NULL, *events, *ev;
        size_t i;
        if (page_size <= 0) {
            break;
        }
        snprintf(path, sizeof path, "/events?after=%lld&limit=%lld",
                 (long long)after, (long long)page_size);
        st = ac_client_call(a, "GET", path, NULL, &page, err);
        if (st != AC_OK || !page) {
            json_decref(page);
            return st;
        }
        events = json_object_get(page, "events");
        json_array_foreach(events, i, ev)
        {
            if (st == AC_OK) {
                st = write_line(ev, err);
                after = json_integer_value(json_object_get(ev, "seq"));
                written++;
            }
        }
        i = json_array_size(events);
        json_decref(page);
        if (st != AC_OK || i == 0) {
            break;
        }
    }
    if (st == AC_OK && fflush(stdout) != 0) {
        st = ac_err_set(err, AC_EIO, "cannot write the log");
    }
    return st;
}

enum ac_status ac_cli_events(struct ac_cli_args *a, struct ac_err *err)
{
    static const struct ac_client_col cols[] = {
        {"SEQ", "seq"},   {"TIME", "time"}, {"ACTOR", "actor"},
        {"TYPE", "type"}, {"DATA", "data"},
    };
    const char *after = ac_cli_get(a, "--after");
    const char *limit = ac_cli_get(a, "--limit");
    char path[128];
    int64_t n_after = 0, n_limit = -1;
    json_t *page, *events, *rows, *ev;
    const json_t *head;
    size_t i;
    enum ac_status st;

    if (after &&
        ac_parse_i64(ac_str_c(after), 0, INT64_MAX, &n_after, NULL) != AC_OK) {
        return AC_CLI_USAGE(a, err, "--after must be a number from 0");
    }
    if (limit &&
        ac_parse_i64(ac_str_c(limit), 1, INT64_MAX, &n_limit, NULL) != AC_OK) {
        return AC_CLI_USAGE(a, err, "--limit must be a number from 1");
    }
    if (ac_cli_has(a, "--jsonl")) {
        return save_log(a, n_after, n_limit, err);
    }
    snprintf(path, sizeof path, "/events?after=%lld", (long long)n_after);
    if (limit) {
        snprintf(path + strlen(path), sizeof path - strlen(path), "&limit=%lld",
                 (long long)n_limit);
    }
    st = ac_client_call(a, "GET", path, NULL, &page, err);
    if (st != AC_OK || !page) {
        return st;
    }
    events = json_object_get(page, "events");
    head = json_object_get(page, "head");
    rows = json_array();
    json_array_foreach(events, i, ev)
    {
        json_t *row = json_copy(ev);
        if (row) {
            json_object_set_new(row, "data",
                                summary(json_object_get(ev, "data")));
            json_array_append_new(rows, row);
        }
    }
    ac_client_table(stdout, rows, cols, sizeof cols / sizeof cols[0]);
    printf("\nhead %lld %s\n",
           (long long)json_integer_value(json_object_get(head, "seq")),
           json_string_value(json_object_get(head, "hash"))
               ? json_string_value(json_object_get(head, "hash"))
               : "-");
    json_decref(rows);
    json_decref(page);
    return AC_OK;
}
