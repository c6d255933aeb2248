/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord events: the log as members see it, one line per event. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "base/ascii.h"
#include "cli/client.h"

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
