/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Delegations: delegate, undelegate, refuse and the list
 * (docs/decisions.md#delegation). */
#include "cli/cli.h"

#include <stdio.h>

#include "cli/client.h"

static void print_list(const json_t *r)
{
    static const struct ac_client_col cols[] = {
        {"FROM", "from"}, {"TO", "to"},           {"CIRCLE", "circle"},
        {"KIND", "kind"}, {"EXPIRES", "expires"}, {"REFUSED", "refused"},
    };
    const json_t *list = json_object_get(r, "delegations");
    if (json_array_size(list) == 0) {
        puts("no delegations");
        return;
    }
    ac_client_table(stdout, list, cols, sizeof cols / sizeof cols[0]);
}

/* Sends body (with "kind" when --kind is given) and prints the list. */
static enum ac_status send_delegation(struct ac_cli_args *a, const char *method,
                                      const char *path, json_t *body,
                                      struct ac_err *err)
{
    json_t *r = NULL;
    enum ac_status st;
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    if (ac_cli_has(a, "--kind")) {
        json_object_set_new(body, "kind", json_string(ac_cli_get(a, "--kind")));
    }
    st = ac_client_call(a, method, path, body, &r, err);
    if (st == AC_OK && r) {
        print_list(r);
    }
    json_decref(r);
    json_decref(body);
    return st;
}

enum ac_status ac_cli_delegate(struct ac_cli_args *a, struct ac_err *err)
{
    return send_delegation(a, "POST", "/delegations",
                           json_pack("{s:s,s:s}", "circle",
                                     ac_cli_get(a, "--circle"), "to",
                                     ac_cli_get(a, "--to")),
                           err);
}

enum ac_status ac_cli_undelegate(struct ac_cli_args *a, struct ac_err *err)
{
    return send_delegation(
        a, "DELETE", "/delegations",
        json_pack("{s:s}", "circle", ac_cli_get(a, "--circle")), err);
}

enum ac_status ac_cli_refuse(struct ac_cli_args *a, struct ac_err *err)
{
    return send_delegation(a, "POST", "/delegations/refuse",
                           json_pack("{s:s,s:s}", "circle",
                                     ac_cli_get(a, "--circle"), "from",
                                     ac_cli_get(a, "--from")),
                           err);
}

enum ac_status ac_cli_delegations(struct ac_cli_args *a, struct ac_err *err)
{
    json_t *r = NULL;
    enum ac_status st = ac_client_call(a, "GET", "/delegations", NULL, &r, err);
    if (st == AC_OK && r) {
        print_list(r);
    }
    json_decref(r);
    return st;
}
