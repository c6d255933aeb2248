/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord ledger: the group's budgets and every movement of money
 * (docs/money.md), from the server. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "core/money.h"

static void print_ledger(const json_t *l)
{
    const char *code = json_string_value(json_object_get(l, "currency"));
    int minor = (int)json_integer_value(json_object_get(l, "minor_units"));
    struct ac_currency cur;
    const json_t *balances = json_object_get(l, "balances");
    const json_t *moves = json_object_get(l, "movements");
    const char *name;
    const json_t *v, *m;
    size_t i;
    char text[48];

    code = code ? code : "?";
    cur = (struct ac_currency){code, minor};
    printf("budgets (%s)\n", code);
    json_object_foreach((json_t *)balances, name, v)
    {
        char shown[64];
        snprintf(shown, sizeof shown, "%s", name);
        ac_client_clean(shown);
        ac_money_text(text, json_integer_value(v), cur);
        printf("  %-20s %24s\n", shown, text);
    }
    if (json_array_size(moves) == 0) {
        puts("no money has moved yet");
        return;
    }
    puts("movements");
    json_array_foreach(moves, i, m)
    {
        char detail[400] = "";
        const char *payee = json_string_value(json_object_get(m, "payee"));
        const char *purpose = json_string_value(json_object_get(m, "purpose"));
        const char *source = json_string_value(json_object_get(m, "source"));
        ac_money_text(text, json_integer_value(json_object_get(m, "amount")),
                      cur);
        if (payee) {
            snprintf(detail, sizeof detail, "to %s: %s", payee,
                     purpose ? purpose : "");
        } else if (source) {
            snprintf(detail, sizeof detail, "from %s", source);
        } else if (purpose) {
            snprintf(detail, sizeof detail, "%s", purpose);
        }
        ac_client_clean(detail);
        printf("  %-6" PRId64 " %.10s  %-10s %-10s -> %-10s %20s  %s "
               "(%s, by %s)\n",
               (int64_t)json_integer_value(json_object_get(m, "seq")),
               ac_client_str(m, "time"), ac_client_str(m, "kind"),
               ac_client_str(m, "from"), ac_client_str(m, "to"), text, detail,
               ac_client_str(m, "proposal"), ac_client_str(m, "author"));
    }
}

enum ac_status ac_cli_ledger(struct ac_cli_args *a, struct ac_err *err)
{
    json_t *l = NULL;
    enum ac_status st;
    if (ac_cli_has(a, "--csv") && ac_cli_has(a, "--json")) {
        return AC_CLI_USAGE(a, err, "give --csv or --json, not both");
    }
    st = ac_client_call(a, "GET",
                        ac_cli_has(a, "--csv") ? "/ledger.csv" : "/ledger",
                        NULL, &l, err);
    if (st == AC_OK && l) {
        print_ledger(l);
    }
    json_decref(l);
    return st;
}
