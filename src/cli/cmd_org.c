/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord org, members and circles: who the organisation is. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "cli/client.h"

enum ac_status ac_cli_org(struct ac_cli_args *a, struct ac_err *err)
{
    json_t *org;
    const json_t *head, *charter, *v;
    const char *key;
    char text[1024];
    int width = 0;
    enum ac_status st = ac_client_call(a, "GET", "/org", NULL, &org, err);

    if (st != AC_OK || !org) {
        return st;
    }
    head = json_object_get(org, "head");
    charter = json_object_get(org, "charter");
    ac_client_text(json_object_get(org, "name"), text, sizeof text);
    printf("%s\n", text);
    if (json_is_integer(json_object_get(org, "members"))) {
        printf("%lld active members\n",
               (long long)json_integer_value(json_object_get(org, "members")));
    }
    ac_client_text(json_object_get(head, "seq"), text, sizeof text);
    printf("head %s ", text);
    ac_client_text(json_object_get(head, "hash"), text, sizeof text);
    printf("%s\n\ncharter:\n", text);
    json_object_foreach((json_t *)charter, key, v)
    {
        int w = (int)ac_client_width(key);
        width = w > width ? w : width;
    }
    json_object_foreach((json_t *)charter, key, v)
    {
        char label[128];
        snprintf(label, sizeof label, "  %s", key);
        ac_client_text(v, text, sizeof text);
        ac_client_field(stdout, label, width + 4, text);
    }
    json_decref(org);
    return AC_OK;
}

enum ac_status ac_cli_members(struct ac_cli_args *a, struct ac_err *err)
{
    static const struct ac_client_col cols[] = {
        {"ID", "id"},
        {"STATUS", "status"},
        {"SINCE", "since"},
        {"NAME", "name"},
    };
    json_t *list;
    enum ac_status st = ac_client_call(a, "GET", "/members", NULL, &list, err);
    if (st != AC_OK || !list) {
        return st;
    }
    ac_client_table(stdout, list, cols, sizeof cols / sizeof cols[0]);
    json_decref(list);
    return AC_OK;
}

#define LIST_MAX 6 /* members named in a circle's row; more are counted */

enum ac_status ac_cli_circles(struct ac_cli_args *a, struct ac_err *err)
{
    static const struct ac_client_col cols[] = {
        {"ID", "id"},
        {"NAME", "name"},
        {"MEMBERS", "members"},
        {"PURPOSE", "purpose"},
    };
    json_t *list, *rows = NULL, *c;
    size_t i;
    enum ac_status st = ac_client_call(a, "GET", "/circles", NULL, &list, err);
    if (st != AC_OK || !list) {
        return st;
    }
    /* a circle of hundreds shows as a count, not a wall of ids */
    rows = json_deep_copy(list);
    json_array_foreach(rows, i, c)
    {
        json_t *m = json_object_get(c, "members");
        if (json_is_array(m) && json_array_size(m) > LIST_MAX) {
            char n[32];
            snprintf(n, sizeof n, "%zu members", json_array_size(m));
            json_object_set_new(c, "members", json_string(n));
        }
    }
    if (!rows) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
    } else {
        ac_client_table(stdout, rows, cols, sizeof cols / sizeof cols[0]);
    }
    json_decref(rows);
    json_decref(list);
    return st;
}

enum ac_status ac_cli_roles(struct ac_cli_args *a, struct ac_err *err)
{
    static const struct ac_client_col cols[] = {
        {"ID", "id"},         {"CIRCLE", "circle"}, {"NAME", "name"},
        {"STATUS", "status"}, {"HOLDER", "holder"}, {"TERM END", "term_end"},
    };
    json_t *list = NULL;
    enum ac_status st = ac_client_call(a, "GET", "/roles", NULL, &list, err);
    if (st == AC_OK && list) {
        if (json_array_size(list) == 0) {
            puts("no roles yet");
        } else {
            ac_client_table(stdout, list, cols, sizeof cols / sizeof cols[0]);
        }
    }
    json_decref(list);
    return st;
}
