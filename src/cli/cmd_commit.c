/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord commit, update, commitments and checkin: commitments members
 * make to their circles (docs/accountability.md); accord rounds, round,
 * bucket and pledge: participatory budgeting (docs/money.md#rounds). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/ascii.h"
#include "cli/cli.h"
#include "cli/client.h"

#define PATH_LEN 512

static void print_commitments(const json_t *list)
{
    static const struct ac_client_col cols[] = {
        {"ID", "id"},  {"MEMBER", "member"}, {"CIRCLE", "circle"},
        {"BY", "due"}, {"STATUS", "status"}, {"WHAT", "what"},
    };
    ac_client_table(stdout, list, cols, sizeof cols / sizeof cols[0]);
}

enum ac_status ac_cli_commit(struct ac_cli_args *a, struct ac_err *err)
{
    json_t *body =
        json_pack("{s:s,s:s,s:s}", "circle", ac_cli_get(a, "--circle"), "what",
                  ac_cli_get(a, "--what"), "due", ac_cli_get(a, "--by"));
    json_t *r = NULL;
    enum ac_status st;
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_client_call(a, "POST", "/commitments", body, &r, err);
    if (st == AC_OK && r) {
        printf("you committed to %s: %s, by %s (%s)\n",
               ac_client_str(r, "circle"), ac_client_str(r, "what"),
               ac_client_str(r, "due"), ac_client_str(r, "id"));
    }
    json_decref(r);
    json_decref(body);
    return st;
}

enum ac_status ac_cli_update(struct ac_cli_args *a, struct ac_err *err)
{
    const char *note = ac_cli_get(a, "--note");
    char path[PATH_LEN];
    json_t *body, *r = NULL;
    enum ac_status st = ac_client_id_path(path, sizeof path, "/commitments/",
                                          a->pos[0], "/updates", err);
    if (st != AC_OK) {
        return st;
    }
    body =
        json_pack("{s:s,s:s}", "status", a->pos[1], "note", note ? note : "");
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_client_call(a, "POST", path, body, &r, err);
    if (st == AC_OK && r) {
        printf("%s is %s\n", ac_client_str(r, "id"),
               ac_client_str(r, "status"));
    }
    json_decref(r);
    json_decref(body);
    return st;
}

enum ac_status ac_cli_commitments(struct ac_cli_args *a, struct ac_err *err)
{
    static const char *const keys[] = {"circle", "member", "status"};
    char path[PATH_LEN] = "/commitments";
    size_t n = strlen(path);
    json_t *r = NULL;
    enum ac_status st;
    for (size_t i = 0; i < 3; i++) {
        char opt[16], esc[128];
        const char *v;
        snprintf(opt, sizeof opt, "--%s", keys[i]);
        if (!(v = ac_cli_get(a, opt))) {
            continue;
        }
        if (!ac_client_escape(v, esc, sizeof esc)) {
            return AC_CLI_USAGE(a, err, "%s \"%.40s\" is too long", opt, v);
        }
        n += (size_t)snprintf(path + n, sizeof path - n, "%c%s=%s",
                              strchr(path, '?') ? '&' : '?', keys[i], esc);
    }
    st = ac_client_call(a, "GET", path, NULL, &r, err);
    if (st == AC_OK && r) {
        print_commitments(r);
    }
    json_decref(r);
    return st;
}

enum ac_status ac_cli_checkin(struct ac_cli_args *a, struct ac_err *err)
{
    char path[PATH_LEN];
    json_t *r = NULL;
    enum ac_status st = ac_client_id_path(path, sizeof path, "/circles/",
                                          a->pos[0], "/checkin", err);
    if (st == AC_OK) {
        st = ac_client_call(a, "GET", path, NULL, &r, err);
    }
    if (st == AC_OK && r) {
        const json_t *late = json_object_get(r, "overdue");
        if (json_array_size(late) == 0) {
            printf("nothing to check in on in %s\n", a->pos[0]);
        } else {
            printf("open commitments of %s whose date has passed, by date:\n",
                   a->pos[0]);
            print_commitments(late);
        }
    }
    json_decref(r);
    return st;
}

/* ---- budgeting rounds ---- */

static void print_round(const json_t *r)
{
    const json_t *buckets = json_object_get(r, "buckets"), *b;
    size_t i;
    printf("round %s of circle %s (%s): pot %" PRId64 ", share %" PRId64
           " each, %s until %s\n",
           ac_client_str(r, "id"), ac_client_str(r, "circle"),
           ac_client_str(r, "proposal"),
           (int64_t)json_integer_value(json_object_get(r, "pot")),
           (int64_t)json_integer_value(json_object_get(r, "share")),
           ac_client_str(r, "status"), ac_client_str(r, "closes"));
    if (json_array_size(buckets) == 0) {
        puts("no buckets yet");
        return;
    }
    json_array_foreach(buckets, i, b)
    {
        char title[256];
        snprintf(title, sizeof title, "%s", ac_client_str(b, "title"));
        ac_client_clean(title);
        printf("  %-5s %" PRId64 " of %" PRId64 "%s  %s (by %s)\n",
               ac_client_str(b, "id"),
               (int64_t)json_integer_value(json_object_get(b, "total")),
               (int64_t)json_integer_value(json_object_get(b, "target")),
               json_is_true(json_object_get(b, "funded")) ? " funded" : "",
               title, ac_client_str(b, "author"));
    }
}

enum ac_status ac_cli_rounds(struct ac_cli_args *a, struct ac_err *err)
{
    json_t *r = NULL, *x;
    size_t i;
    enum ac_status st = ac_client_call(a, "GET", "/rounds", NULL, &r, err);
    if (st == AC_OK && r) {
        if (json_array_size(r) == 0) {
            puts("no budgeting rounds yet");
        }
        json_array_foreach(r, i, x)
        {
            print_round(x);
        }
    }
    json_decref(r);
    return st;
}

enum ac_status ac_cli_round(struct ac_cli_args *a, struct ac_err *err)
{
    char path[PATH_LEN];
    json_t *r = NULL;
    enum ac_status st =
        ac_client_id_path(path, sizeof path, "/rounds/", a->pos[0], "", err);
    if (st == AC_OK) {
        st = ac_client_call(a, "GET", path, NULL, &r, err);
    }
    if (st == AC_OK && r) {
        print_round(r);
    }
    json_decref(r);
    return st;
}

/* A whole number of minor units given on the command line. */
static enum ac_status minor_units(struct ac_cli_args *a, const char *what,
                                  const char *text, int64_t *out,
                                  struct ac_err *err)
{
    if (ac_parse_i64(ac_str_c(text), 0, INT64_C(9007199254740991), out, NULL) !=
        AC_OK) {
        return AC_CLI_USAGE(a, err,
                            "%s \"%.40s\" must be a whole number of minor "
                            "units (1250 for 12.50)",
                            what, text);
    }
    return AC_OK;
}

enum ac_status ac_cli_bucket(struct ac_cli_args *a, struct ac_err *err)
{
    const char *description = ac_cli_get(a, "--description");
    char path[PATH_LEN];
    int64_t target;
    json_t *body, *r = NULL;
    enum ac_status st =
        minor_units(a, "--target", ac_cli_get(a, "--target"), &target, err);
    if (st == AC_OK) {
        st = ac_client_id_path(path, sizeof path, "/rounds/", a->pos[0],
                               "/buckets", err);
    }
    if (st != AC_OK) {
        return st;
    }
    body = json_pack("{s:s,s:s,s:I}", "title", ac_cli_get(a, "--title"),
                     "description", description ? description : "", "target",
                     (json_int_t)target);
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_client_call(a, "POST", path, body, &r, err);
    if (st == AC_OK && r) {
        print_round(r);
    }
    json_decref(r);
    json_decref(body);
    return st;
}

enum ac_status ac_cli_pledge(struct ac_cli_args *a, struct ac_err *err)
{
    char path[PATH_LEN];
    int64_t amount;
    json_t *body, *r = NULL;
    enum ac_status st = minor_units(a, "AMOUNT", a->pos[1], &amount, err);
    if (st == AC_OK) {
        st = ac_client_id_path(path, sizeof path, "/buckets/", a->pos[0],
                               "/pledge", err);
    }
    if (st != AC_OK) {
        return st;
    }
    body = json_pack("{s:I}", "amount", (json_int_t)amount);
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_client_call(a, "POST", path, body, &r, err);
    if (st == AC_OK && r) {
        print_round(r);
    }
    json_decref(r);
    json_decref(body);
    return st;
}
