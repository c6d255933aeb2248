/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord agreements and agreement: the register of what circles agreed. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "cli/client.h"

#define LABEL 11 /* width of a field label */

enum ac_status ac_cli_agreements(struct ac_cli_args *a, struct ac_err *err)
{
    static const struct ac_client_col cols[] = {
        {"ID", "id"},
        {"CIRCLE", "circle"},
        {"VERSION", "version"},
        {"STATUS", "status"},
        {"REVIEW BY", "review_by"},
        {"TITLE", "title"},
    };
    json_t *list;
    enum ac_status st =
        ac_client_call(a, "GET", "/agreements", NULL, &list, err);
    if (st != AC_OK || !list) {
        return st;
    }
    ac_client_table(stdout, list, cols, sizeof cols / sizeof cols[0]);
    json_decref(list);
    return AC_OK;
}

static void field(const json_t *obj, const char *label, const char *key)
{
    char text[1024];
    ac_client_text(json_object_get(obj, key), text, sizeof text);
    ac_client_field(stdout, label, LABEL, text);
}

enum ac_status ac_cli_agreement(struct ac_cli_args *a, struct ac_err *err)
{
    char path[512], esc[256];
    json_t *ag;
    const json_t *versions, *v;
    const char *text;
    size_t i;
    enum ac_status st;

    if (!a->pos[0][0] || !ac_client_escape(a->pos[0], esc, sizeof esc)) {
        return ac_err_set(err, AC_EINVAL, "\"%.40s\" is not a valid id",
                          a->pos[0]);
    }
    snprintf(path, sizeof path, "/agreements/%s", esc);
    st = ac_client_call(a, "GET", path, NULL, &ag, err);
    if (st != AC_OK || !ag) {
        return st;
    }
    text = json_string_value(json_object_get(ag, "text"));
    printf("%s  %s\n\n", json_string_value(json_object_get(ag, "id")),
           json_string_value(json_object_get(ag, "title")));
    field(ag, "circle", "circle");
    field(ag, "status", "status");
    field(ag, "version", "version");
    field(ag, "review by", "review_by");
    versions = json_object_get(ag, "versions");
    if (json_array_size(versions) > 0) {
        puts("\nversions:");
        json_array_foreach(versions, i, v)
        {
            printf("  %lld  %s  by proposal %s\n",
                   (long long)json_integer_value(json_object_get(v, "version")),
                   json_string_value(json_object_get(v, "time")),
                   json_string_value(json_object_get(v, "proposal")));
        }
    }
    printf("\n%s\n", text ? text : "");
    json_decref(ag);
    return AC_OK;
}
