/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared money over HTTP (docs/money.md): income, an allocation and a
 * spend decided by proposals, GET /api/v1/ledger and its CSV, and bad
 * money input refused with a problem that names the field and nothing
 * appended. */
#include "fixture.h"

/* pool 500.00 income, 200.00 to ops (alice, bob), 45.50 spent by ops */
static void fund(struct org *o)
{
    const char *const all[] = {o->alice, o->bob, o->carol, NULL};
    const char *const ops[] = {o->alice, o->bob, NULL};
    adopt_by(o, "all", "circle.create", "Operations",
             "{\"id\":\"ops\",\"name\":\"Operations\",\"purpose\":\"Keep the "
             "lights on\",\"members\":[\"alice\",\"bob\"]}",
             all);
    adopt_by(o, "all", "income", "Membership fees",
             "{\"amount\":50000,\"source\":\"Fees, 2026\"}", all);
    adopt_by(o, "all", "budget.allocate", "A budget for ops",
             "{\"circle\":\"ops\",\"amount\":20000}", all);
    adopt_by(
        o, "ops", "spend", "Lamps",
        "{\"circle\":\"ops\",\"amount\":4550,\"payee\":\"Lamp \\\"Bright\\\" "
        "shop, Main St\",\"purpose\":\"=lamps for the hall\"}",
        ops);
}

Test(money, the_ledger_as_json_and_csv, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    const json_t *b, *mv, *m;
    char *line;
    org_up(&o, true);
    fund(&o);

    r = req(&o, "GET", "/api/v1/ledger", o.carol, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "currency"), "EUR");
    cr_assert_eq(jint(r.json, "minor_units"), 2);
    b = json_object_get(r.json, "balances");
    cr_assert_eq(jint(b, "pool"), 30000);
    cr_assert_eq(jint(b, "ops"), 15450);
    cr_assert_eq(json_object_size(b), 2);
    mv = json_object_get(r.json, "movements");
    cr_assert_eq(json_array_size(mv), 3);
    m = json_array_get(mv, 0);
    cr_assert_str_eq(jstr(m, "kind"), "income");
    cr_assert_str_eq(jstr(m, "from"), "outside");
    cr_assert_str_eq(jstr(m, "to"), "pool");
    cr_assert_str_eq(jstr(m, "source"), "Fees, 2026");
    cr_assert_eq(jint(m, "amount"), 50000);
    m = json_array_get(mv, 1);
    cr_assert_str_eq(jstr(m, "kind"), "allocation");
    cr_assert_str_eq(jstr(m, "to"), "ops");
    m = json_array_get(mv, 2);
    cr_assert_str_eq(jstr(m, "kind"), "spend");
    cr_assert_str_eq(jstr(m, "from"), "ops");
    cr_assert_str_eq(jstr(m, "author"), "alice");
    cr_assert_str_eq(jstr(m, "payee"), "Lamp \"Bright\" shop, Main St");
    cr_assert_eq(jint(m, "seq"), head_seq(&o), "the close moved it");
    t_resp_free(&r);

    r = req(&o, "GET", "/api/v1/ledger.csv", o.bob, NULL);
    expect_status(r, 200);
    cr_assert(strncmp(r.content_type, "text/csv", 8) == 0, "%s",
              r.content_type);
    cr_assert(strncmp(r.body,
                      "seq,time,kind,proposal,author,from,to,amount,"
                      "amount_decimal,currency,source,payee,purpose\r\n",
                      91) == 0,
              "%s", r.body);
    line = strstr(r.body, ",income,");
    cr_assert_not_null(line);
    cr_assert(strstr(line, ",50000,500.00,EUR,\"Fees, 2026\",,\r\n"), "%s",
              r.body);
    line = strstr(r.body, ",spend,");
    cr_assert_not_null(line);
    cr_assert(strstr(line, ",alice,ops,outside,4550,45.50,EUR,,\"Lamp "
                           "\"\"Bright\"\" shop, Main St\",\"'=lamps for the "
                           "hall\"\r\n"),
              "%s", r.body);
    {
        size_t rows = 0;
        for (const char *p = r.body; (p = strstr(p, "\r\n")); p += 2) {
            rows++;
        }
        cr_assert_eq(rows, 4, "a header and three movements");
    }
    t_resp_free(&r);

    r = req(&o, "GET", "/api/v1/ledger", NULL, NULL);
    expect_status(r, 401);
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/ledger.csv", NULL, NULL);
    expect_status(r, 401);
    t_resp_free(&r);
    org_down(&o);
}

/* Each refused with 400, a detail naming the problem and the field, and
 * the log left as it was. */
Test(money, bad_money_input_is_refused, .fini = org_cleanup)
{
    static const struct {
        const char *circle, *kind, *data, *field, *says;
    } bad[] = {
        {"all", "income", "{\"amount\":-500,\"source\":\"x\"}", "/data/amount",
         "whole number of minor units of EUR"},
        {"all", "income", "{\"amount\":12.5,\"source\":\"x\"}", NULL,
         "integers"},
        {"all", "income", "{\"amount\":\"12.50\",\"source\":\"x\"}",
         "/data/amount", "minor units"},
        {"ops", "spend",
         "{\"circle\":\"ops\",\"amount\":20000,\"payee\":\"x\","
         "\"purpose\":\"y\"}",
         "/data/amount", "holds 154.50 EUR"},
        {"all", "spend",
         "{\"circle\":\"ops\",\"amount\":100,\"payee\":\"x\","
         "\"purpose\":\"y\"}",
         "/data/circle", "propose it in the circle \"ops\""},
        {"all", "budget.allocate", "{\"circle\":\"ops\",\"amount\":30001}",
         "/data/amount", "the pool holds 300.00 EUR"},
        {"all", "charter.amend", "{\"set\":{\"money.currency\":\"XYZ\"}}",
         "/data/set/money.currency", "not an ISO 4217 currency code"},
        {"all", "charter.amend", "{\"set\":{\"money.currency\":\"USD\"}}",
         "/data/set/money.currency", "fixed once money has moved"},
    };
    struct org o;
    long long before;
    org_up(&o, true);
    fund(&o);
    before = head_seq(&o);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct t_resp r = req(
            &o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"%s\",\"kind\":\"%s\",\"title\":\"Bad\",\"data\":%s}",
            bad[i].circle, bad[i].kind, bad[i].data);
        expect_status(r, 400);
        cr_assert(strstr(jstr(r.json, "detail"), bad[i].says), "%zu: %s", i,
                  jstr(r.json, "detail"));
        if (bad[i].field) {
            cr_assert_str_eq(jstr(r.json, "field"), bad[i].field, "%zu", i);
        }
        t_resp_free(&r);
    }
    cr_assert_eq(head_seq(&o), before, "nothing appended");
    org_down(&o);
}

/* A budgeting round in ops: buckets proposed, pledges from the equal
 * shares, a bucket funded when it reaches its target. */
Test(money, a_budgeting_round_over_http, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    const json_t *b;
    long long before;
    org_up(&o, true);
    fund(&o);
    {
        const char *const who[] = {o.alice, o.bob, NULL};
        adopt_by(&o, "ops", "budget.round", "Spring round",
                 "{\"pot\":10000,\"days\":14}", who);
    }

    r = req(&o, "GET", "/api/v1/rounds/r1", o.carol, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "open");
    cr_assert_eq(jint(r.json, "pot"), 10000);
    cr_assert_eq(jint(r.json, "share"), 5000);
    cr_assert_eq(json_object_size(json_object_get(r.json, "members")), 2);
    t_resp_free(&r);

    r = req(&o, "POST", "/api/v1/rounds/r1/buckets", o.bob,
            "{\"title\":\"A workbench\",\"description\":\"Oak, two "
            "metres\",\"target\":6000}");
    expect_status(r, 201);
    b = json_array_get(json_object_get(r.json, "buckets"), 0);
    cr_assert_str_eq(jstr(b, "id"), "b1");
    cr_assert_str_eq(jstr(b, "author"), "bob");
    cr_assert_eq(jint(r.json, "seq"), head_seq(&o));
    t_resp_free(&r);

    before = head_seq(&o);
    r = req(&o, "POST", "/api/v1/rounds/r1/buckets", o.carol,
            "{\"title\":\"Not in ops\",\"target\":100}");
    expect_status(r, 403);
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/rounds/r1/buckets", o.bob,
            "{\"title\":\"Too big\",\"target\":10001}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/target");
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/rounds/r1/buckets", o.bob,
            "{\"title\":\"Text\",\"target\":\"60.00\"}");
    expect_status(r, 400);
    cr_assert(strstr(jstr(r.json, "detail"), "whole number"), "%s",
              jstr(r.json, "detail"));
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/buckets/b1/pledge", o.alice,
            "{\"amount\":5001}");
    expect_status(r, 400);
    cr_assert(strstr(jstr(r.json, "detail"), "share of 50.00 EUR"), "%s",
              jstr(r.json, "detail"));
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/buckets/b1/pledge", o.carol, "{\"amount\":1}");
    expect_status(r, 403);
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/buckets/b9/pledge", o.alice, "{\"amount\":1}");
    expect_status(r, 404);
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), before, "nothing appended");

    r = req(&o, "POST", "/api/v1/buckets/b1/pledge", o.alice,
            "{\"amount\":5000}");
    expect_status(r, 200);
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/buckets/b1/pledge", o.bob,
            "{\"amount\":1000}");
    expect_status(r, 200);
    b = json_array_get(json_object_get(r.json, "buckets"), 0);
    cr_assert(json_is_true(json_object_get(b, "funded")));
    cr_assert_eq(jint(json_object_get(b, "pledges"), "alice"), 5000);
    cr_assert_eq(jint(json_object_get(b, "pledges"), "bob"), 1000);
    cr_assert_eq(jint(r.json, "funded"), 6000);
    t_resp_free(&r);

    r = req(&o, "GET", "/api/v1/ledger", o.carol, NULL);
    expect_status(r, 200);
    {
        const json_t *mv = json_object_get(r.json, "movements");
        const json_t *last = json_array_get(mv, json_array_size(mv) - 1);
        cr_assert_str_eq(jstr(last, "kind"), "funding");
        cr_assert_str_eq(jstr(last, "to"), "bucket:b1");
        cr_assert_str_eq(jstr(last, "payee"), "bob");
        cr_assert_eq(jint(json_object_get(r.json, "balances"), "ops"), 5450);
    }
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/rounds", o.carol, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 1);
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/rounds/r2", o.carol, NULL);
    expect_status(r, 404);
    t_resp_free(&r);
    org_down(&o);
}
