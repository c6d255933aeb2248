/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor over HTTP (docs/power.md): GET /api/v1/power with its
 * figures and sentences, bad queries refused, the alert the server's
 * writer raises on its own after writes (a system event in the log), and
 * accord power on an exported log giving the same measures as the
 * server. */
#include "fixture.h"

#include <math.h>
#include <unistd.h>

static void set_charter(struct org *o, const char *set)
{
    char *p = propose(o, o->alice, "all", "charter.amend", "Thresholds", set);
    char *st;
    free(position(o, o->alice, p, "consent", NULL));
    free(position(o, o->bob, p, "consent", NULL));
    st = position(o, o->carol, p, "consent", NULL);
    cr_assert_str_eq(st, "adopted", "%s", set);
    free(st);
    free(p);
}

/* alice proposes an agreement and everyone consents. */
static void agree(struct org *o, const char *title)
{
    char *data = t_fmt("{\"text\":\"%s.\"}", title);
    char *p = propose(o, o->alice, "all", "agreement.adopt", title, data);
    char *st;
    free(position(o, o->alice, p, "consent", NULL));
    free(position(o, o->bob, p, "consent", NULL));
    st = position(o, o->carol, p, "consent", NULL);
    cr_assert_str_eq(st, "adopted");
    free(st);
    free(p);
    free(data);
}

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    cr_assert(json_is_number(v), "%s is not a number", key);
    return json_number_value(v);
}

/* The type of the last event of the log that has type, or -1. */
static long long find_event(const struct org *o, const char *type)
{
    struct t_resp r = req(o, "GET", "/api/v1/events?limit=1000", o->bob, NULL);
    const json_t *list, *ev;
    size_t i;
    long long seq = -1;
    expect_status(r, 200);
    list = json_object_get(r.json, "events");
    json_array_foreach(list, i, ev)
    {
        if (strcmp(jstr(ev, "type"), type) == 0) {
            seq = jint(ev, "seq");
        }
    }
    t_resp_free(&r);
    return seq;
}

Test(power, the_report_and_an_alert_raised_by_the_server, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    const json_t *m, *al;
    long long seq = -1;
    org_up(&o, true);
    /* alice: 2 admissions + the charter change + 1 agreement adopted */
    set_charter(&o, "{\"set\":{\"power.alert.min_total\":4}}");
    agree(&o, "Quiet hours");

    r = req(&o, "GET", "/api/v1/power", o.carol, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "circle"), "all");
    cr_assert(json_is_null(json_object_get(r.json, "days")));
    cr_assert_eq(jint(r.json, "members"), 3);
    m = json_object_get(json_object_get(r.json, "measures"),
                        "proposals_adopted");
    cr_assert_not_null(m);
    cr_assert_eq(num(json_object_get(m, "per_member"), "alice"), 4);
    cr_assert_eq(num(json_object_get(m, "per_member"), "carol"), 0);
    cr_assert(fabs(num(m, "gini") - 2.0 / 3.0) < 1e-9);
    cr_assert(fabs(num(m, "hhi") - 1.0) < 1e-9);
    cr_assert_eq(jint(m, "nakamoto"), 1);
    cr_assert_eq(json_array_size(json_object_get(m, "lorenz")), 4);
    cr_assert(strstr(jstr(json_object_get(m, "explain"), "gini"),
                     "one member has them all"));
    for (const char *const *d =
             (const char *const[]){
                 "proposals_authored", "objections_raised",
                 "objections_integrated", "participation", "role_days",
                 "roles_held", "delegated_weight", "money_controlled", NULL};
         *d; d++) {
        cr_assert_not_null(
            json_object_get(json_object_get(r.json, "measures"), *d), "%s", *d);
    }
    cr_assert(json_is_number(
        json_object_get(json_object_get(r.json, "graph"), "reciprocity")));
    cr_assert_eq(
        jint(json_object_get(r.json, "thresholds"), "power.alert.min_total"),
        4);
    t_resp_free(&r);

    /* the writer checks the thresholds after the writes: an alert */
    for (int i = 0; i < 100 && seq < 0; i++) {
        seq = find_event(&o, "power.alert");
        if (seq < 0) {
            usleep(50 * 1000);
        }
    }
    cr_assert(seq > 0, "no power.alert in the log");
    r = req(&o, "GET", "/api/v1/power?days=30", o.bob, NULL);
    expect_status(r, 200);
    cr_assert_eq(jint(r.json, "days"), 30);
    cr_assert_eq(json_array_size(json_object_get(r.json, "alerts")), 1);
    al = json_array_get(json_object_get(r.json, "alerts"), 0);
    cr_assert_str_eq(jstr(al, "measure"), "proposals_adopted.gini");
    cr_assert_eq(jint(al, "value"), 67);
    cr_assert_eq(jint(al, "threshold"), 60);
    cr_assert_str_eq(jstr(al, "unit"), "percent");
    cr_assert_eq(jint(al, "seq"), seq);
    cr_assert_str_eq(
        json_string_value(json_array_get(json_object_get(al, "members"), 0)),
        "alice");
    t_resp_free(&r);
    org_down(&o);
}

Test(power, bad_queries_are_refused, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    org_up(&o, false);
    r = req(&o, "GET", "/api/v1/power", NULL, NULL);
    expect_status(r, 401);
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/power?days=0", o.alice, NULL);
    expect_status(r, 400);
    cr_assert(strstr(jstr(r.json, "detail"), "days"));
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/power?days=ten", o.alice, NULL);
    expect_status(r, 400);
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/power?circle=nope", o.alice, NULL);
    expect_status(r, 400);
    cr_assert(strstr(jstr(r.json, "detail"), "circle"));
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/power?member=alice", o.alice, NULL);
    expect_status(r, 400);
    cr_assert(strstr(jstr(r.json, "detail"), "member"));
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/power?circle=all&days=7", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_eq(jint(r.json, "members"), 1);
    t_resp_free(&r);
    org_down(&o);
}

Test(power, an_exported_log_gives_the_servers_measures, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *log, *svg, *out = NULL;
    json_t *offline;
    json_error_t jerr;
    const char *dims[] = {"proposals_authored", "proposals_adopted",
                          "participation", "objections_raised"};
    org_up(&o, true);
    agree(&o, "Quiet hours");
    r = req(&o, "GET", "/api/v1/power", o.alice, NULL);
    expect_status(r, 200);

    log = t_fmt("%s/coop.jsonl", o.root);
    svg = t_fmt("%s/power.svg", o.root);
    {
        const char *args[] = {"export", "--data", o.data, NULL};
        cr_assert_eq(t_run(args, NULL, NULL, &out, NULL), 0);
        FILE *f = fopen(log, "w");
        cr_assert_not_null(f);
        fputs(out, f);
        fclose(f);
        free(out);
    }
    {
        const char *args[] = {"power", log, "--json", NULL};
        cr_assert_eq(t_run(args, NULL, NULL, &out, NULL), 0);
        offline = json_loads(out, 0, &jerr);
        cr_assert_not_null(offline, "%s", jerr.text);
        free(out);
    }
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        const json_t *a = json_object_get(
            json_object_get(json_object_get(r.json, "measures"), dims[i]),
            "per_member");
        const json_t *b = json_object_get(
            json_object_get(json_object_get(offline, "measures"), dims[i]),
            "per_member");
        cr_assert(json_equal(a, b), "%s differs offline", dims[i]);
    }
    json_decref(offline);
    t_resp_free(&r);
    {
        const char *args[] = {"power", log, "--svg", svg, "--explain", NULL};
        cr_assert_eq(t_run(args, NULL, NULL, &out, NULL), 0);
        cr_assert(strstr(out, "proposals_adopted"), "%s", out);
        cr_assert(strstr(out, "one member has them all"), "%s", out);
        free(out);
        FILE *f = fopen(svg, "r");
        char head[512] = "";
        cr_assert_not_null(f, "no SVG written");
        cr_assert(fread(head, 1, sizeof head - 1, f) > 0);
        fclose(f);
        cr_assert(strstr(head, "<svg"), "%s", head);
    }
    {
        const char *args[] = {"power", log, "--days", "0", NULL};
        cr_assert_eq(t_run(args, NULL, NULL, &out, NULL), 2);
        free(out);
    }
    free(log);
    free(svg);
    org_down(&o);
}
