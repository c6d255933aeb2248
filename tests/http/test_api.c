/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* API v1 against the real server: sessions, the consent process through
 * the API, who may do what, input checking and the events endpoint.
 * Every rejected write is checked to leave the log's head where it was. */
#include "fixture.h"

/* ---- health and sessions ---- */

Test(api, health_needs_no_token, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *nosniff = NULL, *cache = NULL;
    org_up(&o, false);
    r = t_http(&o.srv, "GET", "/api/v1/health", NULL, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(r.content_type, "application/json");
    cr_assert_str_eq(jstr(r.json, "status"), "ok");
    t_resp_free(&r);
    cr_assert_eq(http_header(&o, "GET", "/api/v1/health", NULL, NULL,
                             "X-Content-Type-Options", &nosniff),
                 200);
    cr_assert_str_eq(nosniff ? nosniff : "", "nosniff");
    cr_assert_eq(http_header(&o, "GET", "/api/v1/org", o.alice, NULL,
                             "Cache-Control", &cache),
                 200);
    cr_assert_str_eq(cache ? cache : "", "no-store");
    free(nosniff);
    free(cache);
    org_down(&o);
}

Test(api, login_logout_and_tokens, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *challenge = NULL, *token;
    org_up(&o, false);

    r = req(&o, "POST", "/api/v1/session", NULL,
            "{\"member\":\"alice\",\"password\":\"%s\"}", PW_ALICE);
    expect_status(r, 201);
    cr_assert_str_eq(jstr(r.json, "member"), "alice");
    cr_assert_eq(strlen(jstr(r.json, "token")), 43);
    cr_assert_eq(strlen(jstr(r.json, "expires")), 24);
    t_resp_free(&r);

    r = req(&o, "POST", "/api/v1/session", NULL,
            "{\"member\":\"alice\",\"password\":\"wrong-password\"}");
    expect_status(r, 401);
    cr_assert_str_eq(r.content_type, "application/problem+json");
    cr_assert_str_eq(jstr(r.json, "detail"), "wrong member or password");
    cr_assert_str_eq(jstr(r.json, "title"), "Unauthorized");
    cr_assert_eq(jint(r.json, "status"), 401);
    cr_assert_str_eq(jstr(r.json, "type"), "about:blank");
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/session", NULL,
            "{\"member\":\"nobody\",\"password\":\"%s\"}", PW_ALICE);
    expect_status(r, 401);
    cr_assert_str_eq(jstr(r.json, "detail"), "wrong member or password");
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/session", NULL, "{\"member\":\"alice\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/password");
    t_resp_free(&r);

    /* no token, a bad token, a token after logout */
    r = t_http(&o.srv, "GET", "/api/v1/org", NULL, NULL);
    expect_status(r, 401);
    t_resp_free(&r);
    cr_assert_eq(http_header(&o, "GET", "/api/v1/members", NULL, NULL,
                             "WWW-Authenticate", &challenge),
                 401);
    cr_assert(challenge && strncmp(challenge, "Bearer", 6) == 0);
    free(challenge);
    r = t_http(&o.srv, "GET", "/api/v1/org", "not-a-token", NULL);
    expect_status(r, 401);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/events", "not-a-token", NULL);
    expect_status(r, 401);
    t_resp_free(&r);

    token = t_login(&o.srv, "alice", PW_ALICE);
    cr_assert_not_null(token);
    r = t_http(&o.srv, "GET", "/api/v1/org", token, NULL);
    expect_status(r, 200);
    t_resp_free(&r);
    r = t_http(&o.srv, "DELETE", "/api/v1/session", token, NULL);
    expect_status(r, 204);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/org", token, NULL);
    expect_status(r, 401);
    t_resp_free(&r);
    /* the other session lives on */
    r = t_http(&o.srv, "GET", "/api/v1/org", o.alice, NULL);
    expect_status(r, 200);
    t_resp_free(&r);
    free(token);
    org_down(&o);
}

Test(api, sessions_survive_a_restart, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    org_up(&o, false);
    cr_assert_eq(t_server_stop(&o.srv, SIGTERM), 0);
    cr_assert(t_server_start(&o.srv, o.data));
    r = t_http(&o.srv, "GET", "/api/v1/org", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "name"), "Test Co-op");
    t_resp_free(&r);
    org_down(&o);
}

Test(api, failed_logins_are_limited, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *retry = NULL;
    org_up(&o, false);
    for (int i = 0; i < 5; i++) {
        r = req(&o, "POST", "/api/v1/session", NULL,
                "{\"member\":\"alice\",\"password\":\"guess-%d\"}", i);
        expect_status(r, 401);
        t_resp_free(&r);
    }
    /* now refused even with the right password, until the window ends */
    cr_assert_eq(http_header(&o, "POST", "/api/v1/session", NULL,
                             "{\"member\":\"alice\",\"password\":\"" PW_ALICE
                             "\"}",
                             "Retry-After", &retry),
                 429);
    cr_assert_not_null(retry);
    cr_assert(strtol(retry, NULL, 10) > 0 && strtol(retry, NULL, 10) <= 900,
              "Retry-After %s", retry);
    free(retry);
    r = req(&o, "POST", "/api/v1/session", NULL,
            "{\"member\":\"alice\",\"password\":\"%s\"}", PW_ALICE);
    expect_status(r, 429);
    cr_assert_str_eq(r.content_type, "application/problem+json");
    t_resp_free(&r);
    /* other members from the same address are not refused (the address
     * limit is 20 failures, test_hardening.c) */
    r = req(&o, "POST", "/api/v1/session", NULL,
            "{\"member\":\"bob\",\"password\":\"whatever1\"}");
    expect_status(r, 401);
    t_resp_free(&r);
    /* sessions already made still work */
    r = t_http(&o.srv, "GET", "/api/v1/org", o.alice, NULL);
    expect_status(r, 200);
    t_resp_free(&r);
    org_down(&o);
}

/* ---- the consent process ---- */

Test(api, objection_amendment_and_adoption, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *p, *st, *path;
    json_t *ag, *tally;
    org_up(&o, true);

    p = propose(&o, o.alice, "all", "agreement.adopt", "Quiet hours",
                "{\"text\":\"Quiet after 22:00.\",\"review_by\":"
                "\"2027-06-01\"}");
    path = t_fmt("/api/v1/proposals/%s", p);
    st = position(&o, o.bob, p, "object", "too early for night owls");
    cr_assert_str_eq(st, "open");
    free(st);
    st = position(&o, o.carol, p, "consent", NULL);
    cr_assert_str_eq(st, "open");
    free(st);
    /* live counts while open */
    r = t_http(&o.srv, "GET", path, o.carol, NULL);
    expect_status(r, 200);
    tally = json_object_get(r.json, "tally");
    cr_assert_eq(jint(tally, "object"), 1);
    cr_assert_eq(jint(tally, "consent"), 1);
    cr_assert_eq(jint(tally, "eligible"), 3);
    t_resp_free(&r);
    st = position(&o, o.alice, p, "consent", NULL);
    cr_assert_str_eq(st, "needs_integration");
    free(st);

    r = t_http(&o.srv, "GET", path, o.bob, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "needs_integration");
    cr_assert_eq(jint(r.json, "round"), 1);
    cr_assert_eq(json_array_size(json_object_get(r.json, "positions")), 3);
    cr_assert(json_is_string(json_object_get(r.json, "lapse_at")));
    cr_assert(json_is_string(json_object_get(r.json, "closed")));
    cr_assert(json_is_null(json_object_get(r.json, "effect")));
    tally = json_object_get(r.json, "tally");
    cr_assert_eq(jint(tally, "object"), 1);
    cr_assert_eq(jint(tally, "consent"), 2);
    cr_assert_eq(jint(tally, "eligible"), 3);
    t_resp_free(&r);

    /* the author integrates the objection: a new round, positions go */
    free(path);
    path = t_fmt("/api/v1/proposals/%s/amend", p);
    r = req(&o, "POST", path, o.alice,
            "{\"data\":{\"text\":\"Quiet after 23:00.\",\"review_by\":"
            "\"2027-06-01\"}}");
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "open");
    cr_assert_eq(jint(r.json, "round"), 2);
    cr_assert_eq(jint(r.json, "version"), 2);
    cr_assert_eq(json_array_size(json_object_get(r.json, "positions")), 0);
    cr_assert_eq(json_array_size(json_object_get(r.json, "versions")), 2);
    cr_assert_str_eq(jstr(r.json, "title"), "Quiet hours");
    cr_assert_eq(jint(r.json, "seq"), head_seq(&o));
    cr_assert_eq(strlen(jstr(r.json, "hash")), 64);
    t_resp_free(&r);

    st = position(&o, o.bob, p, "consent", NULL);
    free(st);
    st = position(&o, o.carol, p, "concern", "keep it under review");
    free(st);
    st = position(&o, o.alice, p, "stand_aside", NULL);
    cr_assert_str_eq(st, "adopted");
    free(st);

    r = t_http(&o.srv, "GET", "/api/v1/agreements", o.carol, NULL);
    expect_status(r, 200);
    cr_assert(json_is_array(r.json));
    cr_assert_eq(json_array_size(r.json), 1);
    ag = json_array_get(r.json, 0);
    cr_assert_str_eq(jstr(ag, "id"), "a1");
    cr_assert_str_eq(jstr(ag, "circle"), "all");
    cr_assert_str_eq(jstr(ag, "title"), "Quiet hours");
    cr_assert_str_eq(jstr(ag, "status"), "active");
    cr_assert_str_eq(jstr(ag, "text"), "Quiet after 23:00.");
    cr_assert_str_eq(jstr(ag, "review_by"), "2027-06-01");
    cr_assert_eq(jint(ag, "version"), 1);
    cr_assert_str_eq(
        jstr(json_array_get(json_object_get(ag, "versions"), 0), "proposal"),
        p);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/agreements/a1", o.bob, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "text"), "Quiet after 23:00.");
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/agreements?status=retired", o.bob, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 0);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/agreements/a9", o.bob, NULL);
    expect_status(r, 404);
    t_resp_free(&r);

    free(path);
    path = t_fmt("/api/v1/proposals/%s", p);
    r = t_http(&o.srv, "GET", path, o.alice, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "effect"), "a1");
    cr_assert_str_eq(jstr(r.json, "outcome"), "no objection; 3 of 3 responded");
    t_resp_free(&r);

    r = t_http(&o.srv, "GET", "/api/v1/proposals?status=adopted", o.alice,
               NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 3); /* two admissions and p */
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/proposals?status=adopted&circle=all",
               o.alice, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 3);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/proposals?status=open", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 0);
    t_resp_free(&r);
    free(path);
    free(p);
    org_down(&o);
}

Test(api, lists_and_withdrawal, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    json_t *all;
    char *p, *path;
    org_up(&o, true);

    r = t_http(&o.srv, "GET", "/api/v1/members", o.carol, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 3);
    cr_assert_str_eq(jstr(json_array_get(r.json, 1), "id"), "bob");
    cr_assert_str_eq(jstr(json_array_get(r.json, 1), "name"), "Bob");
    cr_assert_str_eq(jstr(json_array_get(r.json, 1), "status"), "active");
    cr_assert_eq(strlen(jstr(json_array_get(r.json, 1), "since")), 24);
    t_resp_free(&r);

    r = t_http(&o.srv, "GET", "/api/v1/circles", o.carol, NULL);
    expect_status(r, 200);
    all = json_array_get(r.json, 0);
    cr_assert_str_eq(jstr(all, "id"), "all");
    cr_assert_eq(json_array_size(json_object_get(all, "members")), 3);
    t_resp_free(&r);

    r = t_http(&o.srv, "GET", "/api/v1/org", o.bob, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "name"), "Test Co-op");
    cr_assert_eq(jint(r.json, "members"), 3);
    cr_assert_eq(
        jint(json_object_get(r.json, "charter"), "consent.round_hours"), 72);
    cr_assert(json_is_null(json_object_get(
        json_object_get(r.json, "charter_set_by"), "consent.round_hours")));
    t_resp_free(&r);

    p = propose(&o, o.bob, "all", "agreement.adopt", "Tea",
                "{\"text\":\"Tea on Fridays.\"}");
    path = t_fmt("/api/v1/proposals/%s/withdraw", p);
    r = t_http(&o.srv, "POST", path, o.bob, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "withdrawn");
    cr_assert_eq(jint(r.json, "seq"), head_seq(&o));
    t_resp_free(&r);
    r = t_http(&o.srv, "POST", path, o.bob, "{}");
    expect_status(r, 409);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/proposals?status=withdrawn", o.carol,
               NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 1);
    t_resp_free(&r);
    free(path);
    free(p);
    org_down(&o);
}

/* ---- who may do what ---- */

Test(api, forbidden_and_conflicting_writes, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    long long seq;
    char *ops, *p, *admit, *path, *st, *code;
    org_up(&o, true);

    ops = propose(&o, o.alice, "all", "circle.create", "Operations circle",
                  "{\"id\":\"ops\",\"name\":\"Operations\",\"purpose\":"
                  "\"Keep things running\",\"members\":[\"alice\",\"bob\"]}");
    free(position(&o, o.alice, ops, "consent", NULL));
    free(position(&o, o.bob, ops, "consent", NULL));
    st = position(&o, o.carol, ops, "consent", NULL);
    cr_assert_str_eq(st, "adopted");
    free(st);
    r = t_http(&o.srv, "GET", "/api/v1/circles", o.carol, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 2);
    cr_assert_str_eq(jstr(json_array_get(r.json, 1), "id"), "ops");
    t_resp_free(&r);

    p = propose(&o, o.alice, "ops", "agreement.adopt", "Backups",
                "{\"text\":\"Nightly backups.\"}");
    seq = head_seq(&o);

    /* carol is not in the circle ops */
    path = t_fmt("/api/v1/proposals/%s/positions", p);
    r = req(&o, "POST", path, o.carol, "{\"position\":\"consent\"}");
    expect_status(r, 403);
    cr_assert_str_eq(r.content_type, "application/problem+json");
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);
    r = req(&o, "POST", "/api/v1/proposals", o.carol,
            "{\"circle\":\"ops\",\"kind\":\"agreement.adopt\",\"title\":"
            "\"Mine\",\"data\":{\"text\":\"x\"}}");
    expect_status(r, 403);
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);
    free(path);

    /* only the author amends or withdraws */
    path = t_fmt("/api/v1/proposals/%s/amend", p);
    r = req(&o, "POST", path, o.bob, "{\"title\":\"Hijacked\"}");
    expect_status(r, 403);
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);
    free(path);
    path = t_fmt("/api/v1/proposals/%s/withdraw", p);
    r = req(&o, "POST", path, o.bob, "{}");
    expect_status(r, 403);
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);
    free(path);

    /* no position on a closed proposal */
    path = t_fmt("/api/v1/proposals/%s/positions", ops);
    r = req(&o, "POST", path, o.bob,
            "{\"position\":\"object\",\"reason\":"
            "\"too late\"}");
    expect_status(r, 409);
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);
    free(path);
    r = req(&o, "POST", "/api/v1/proposals/p999/positions", o.bob,
            "{\"position\":\"consent\"}");
    expect_status(r, 404);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/proposals/p999", o.bob, NULL);
    expect_status(r, 404);
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);

    /* an invite is for its proposal's author, once adopted, until taken */
    admit = propose(&o, o.bob, "all", "member.admit", "Admit Dave",
                    "{\"id\":\"dave\",\"name\":\"Dave\"}");
    path = t_fmt("/api/v1/proposals/%s/invite", admit);
    r = t_http(&o.srv, "GET", path, o.bob, NULL);
    expect_status(r, 409);
    t_resp_free(&r);
    free(position(&o, o.alice, admit, "consent", NULL));
    free(position(&o, o.bob, admit, "consent", NULL));
    st = position(&o, o.carol, admit, "consent", NULL);
    cr_assert_str_eq(st, "adopted");
    free(st);
    r = t_http(&o.srv, "GET", path, o.alice, NULL);
    expect_status(r, 403);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", path, o.carol, NULL);
    expect_status(r, 403);
    t_resp_free(&r);
    {
        struct t_resp a = t_http(&o.srv, "GET", path, o.bob, NULL);
        struct t_resp b = t_http(&o.srv, "GET", path, o.bob, NULL);
        expect_status(a, 200);
        expect_status(b, 200);
        /* the same code every time */
        cr_assert_str_eq(jstr(a.json, "invite"), jstr(b.json, "invite"));
        t_resp_free(&a);
        t_resp_free(&b);
    }
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/proposals/p1/invite", o.bob, NULL);
    expect_status(r, 403); /* alice's admission of bob */
    t_resp_free(&r);
    free(take_invite(&o, o.bob, admit, "dave", "dave-password", &code));
    r = t_http(&o.srv, "GET", path, o.bob, NULL);
    expect_status(r, 409); /* already joined */
    t_resp_free(&r);
    /* the code was taken with the join */
    r = req(&o, "POST", "/api/v1/invites/accept", NULL,
            "{\"invite\":\"%s\",\"password\":\"another-password\"}", code);
    expect_status(r, 404);
    t_resp_free(&r);
    free(code);
    r = t_http(&o.srv, "GET", "/api/v1/members", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 4);
    cr_assert_str_eq(jstr(json_array_get(r.json, 3), "status"), "active");
    t_resp_free(&r);
    free(path);
    free(admit);
    free(ops);
    free(p);
    org_down(&o);
}

/* ---- input checking ---- */

struct bad_case {
    const char *method;
    const char *path; /* "%s" is replaced by the open proposal's id */
    const char *body;
    long status;
    const char *field; /* expected "field", NULL for none */
};

Test(api, invalid_input_is_refused_naming_the_field, .fini = org_cleanup)
{
    static const struct bad_case cases[] = {
        {"POST", "/api/v1/proposals", "{", 400, ""},
        {"POST", "/api/v1/proposals", "[]", 400, ""},
        {"POST", "/api/v1/proposals", "", 400, ""},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"circle\":\"all\",\"kind\":\"agreement.adopt\","
         "\"title\":\"T\",\"data\":{\"text\":\"x\"}}",
         400, ""},
        {"POST", "/api/v1/proposals",
         "{\"circle\":1,\"kind\":\"agreement.adopt\",\"title\":\"T\","
         "\"data\":{\"text\":\"x\"}}",
         400, "/circle"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"T\","
         "\"data\":\"text\"}",
         400, "/data"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"T\"}",
         400, "/data"},
        {"POST", "/api/v1/proposals",
         "{\"kind\":\"agreement.adopt\",\"title\":\"T\",\"data\":{}}", 400,
         "/circle"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"T\","
         "\"data\":{\"text\":\"x\"},\"author\":\"bob\"}",
         400, "/author"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"party.throw\",\"title\":\"T\","
         "\"data\":{}}",
         400, "/kind"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"nowhere\",\"kind\":\"agreement.adopt\",\"title\":"
         "\"T\",\"data\":{\"text\":\"x\"}}",
         400, "/circle"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"charter.amend\",\"title\":\"T\","
         "\"data\":{\"set\":{\"consent.speed\":3}}}",
         400, "/data/set/consent.speed"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"charter.amend\",\"title\":\"T\","
         "\"data\":{\"set\":{\"consent.round_hours\":0}}}",
         400, "/data/set/consent.round_hours"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"charter.amend\",\"title\":\"T\","
         "\"data\":{\"set\":{\"consent.quorum_percent\":101}}}",
         400, "/data/set/consent.quorum_percent"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"member.admit\",\"title\":\"T\","
         "\"data\":{\"id\":\"Not An Id\",\"name\":\"X\"}}",
         400, "/data/id"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"member.admit\",\"title\":\"T\","
         "\"data\":{\"id\":\"alice\",\"name\":\"Another Alice\"}}",
         400, "/data/id"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"T\","
         "\"data\":{\"text\":\"x\",\"weight\":1.5}}",
         400, "/data/weight"},
        {"POST", "/api/v1/proposals",
         "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"T\","
         "\"data\":{\"text\":\"x\",\"review_by\":\"next year\"}}",
         400, "/data/review_by"},
        {"POST", "/api/v1/proposals/%s/positions",
         "{\"position\":\"consent\",\"member\":\"bob\"}", 400, "/member"},
        {"POST", "/api/v1/proposals/%s/positions", "{\"position\":\"maybe\"}",
         400, "/position"},
        {"POST", "/api/v1/proposals/%s/positions", "{\"position\":true}", 400,
         "/position"},
        {"POST", "/api/v1/proposals/%s/positions", "{\"position\":\"object\"}",
         400, "/reason"},
        {"POST", "/api/v1/proposals/%s/positions", "{}", 400, "/position"},
        {"POST", "/api/v1/proposals/%s/amend", "{}", 400, "/data"},
        {"POST", "/api/v1/proposals/%s/amend", "{\"title\":7}", 400, "/title"},
        {"POST", "/api/v1/proposals/%s/amend", "{\"title\":\"   \"}", 400,
         "/title"},
        {"POST", "/api/v1/proposals/%s/withdraw", "{\"now\":true}", 400,
         "/now"},
        {"POST", "/api/v1/invites/accept", "{\"invite\":\"abc\"}", 400,
         "/password"},
        {"POST", "/api/v1/invites/accept",
         "{\"invite\":\"no-such-code\",\"password\":\"long-enough\"}", 404,
         "/invite"},
        {"DELETE", "/api/v1/proposals", NULL, 405, NULL},
        {"GET", "/api/v1/nothing-here", NULL, 404, NULL},
    };
    struct org o;
    struct t_resp r;
    long long seq;
    char *open, *title;
    org_up(&o, false);
    open = propose(&o, o.alice, "all", "agreement.adopt", "Open one",
                   "{\"text\":\"x\"}");
    seq = head_seq(&o);

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_case *c = &cases[i];
        char *path = t_fmt(c->path, open);
        r = t_http(&o.srv, c->method, path, o.alice, c->body);
        cr_assert_eq(r.status, c->status, "case %zu (%s %s): %ld %s", i,
                     c->method, path, r.status, r.body);
        cr_assert_str_eq(r.content_type, "application/problem+json", "case %zu",
                         i);
        cr_assert_eq(jint(r.json, "status"), c->status, "case %zu", i);
        cr_assert(json_is_string(json_object_get(r.json, "detail")), "case %zu",
                  i);
        if (c->field) {
            cr_assert_str_eq(jstr(r.json, "field") ? jstr(r.json, "field")
                                                   : "(none)",
                             c->field, "case %zu: %s", i, r.body);
        }
        t_resp_free(&r);
        free(path);
        cr_assert_eq(head_seq(&o), seq, "case %zu appended", i);
    }

    /* over-long title: 201 characters, and many bytes */
    title = calloc(1, 202 * 3);
    for (size_t i = 0; i < 201; i++) {
        memcpy(title + i * 3, "\xe2\x82\xac", 3); /* the euro sign */
    }
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"%s\","
            "\"data\":{\"text\":\"x\"}}",
            title);
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/title");
    t_resp_free(&r);
    title[200 * 3] = '\0'; /* 200 is allowed */
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"%s\","
            "\"data\":{\"text\":\"x\"}}",
            title);
    expect_status(r, 201);
    t_resp_free(&r);
    free(title);
    cr_assert_eq(head_seq(&o), seq + 1);
    seq++;

    /* bad query parameters name the parameter */
    r = t_http(&o.srv, "GET", "/api/v1/proposals?status=pending", o.alice,
               NULL);
    expect_status(r, 400);
    cr_assert(strstr(jstr(r.json, "detail"), "status"));
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/events?limit=0", o.alice, NULL);
    expect_status(r, 400);
    cr_assert(strstr(jstr(r.json, "detail"), "limit"));
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/events?limit=1001", o.alice, NULL);
    expect_status(r, 400);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/events?after=-1", o.alice, NULL);
    expect_status(r, 400);
    cr_assert(strstr(jstr(r.json, "detail"), "after"));
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/events?after=x1", o.alice, NULL);
    expect_status(r, 400);
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);
    free(open);
    org_down(&o);
}

Test(api, body_over_the_limit_is_413, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    long long seq;
    size_t n = ((size_t)1 << 20) + 64;
    static const char head[] =
        "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"Big\","
        "\"data\":{\"text\":\"";
    size_t h = sizeof head - 1;
    char *body = malloc(n + 1), *allow = NULL;
    org_up(&o, false);
    seq = head_seq(&o);
    /* a valid shape whose text alone is over 1 MiB */
    memcpy(body, head, h);
    memset(body + h, 'a', n - h - 4);
    memcpy(body + n - 4, "\"}}\n", 4);
    body[n] = '\0';
    r = t_http(&o.srv, "POST", "/api/v1/proposals", o.alice, body);
    expect_status(r, 413);
    cr_assert_str_eq(r.content_type, "application/problem+json");
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);
    /* the server is still fine, and a body under the limit is accepted */
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
            "\"Small\",\"data\":{\"text\":\"%.*s\"}}",
            90000, body + h);
    expect_status(r, 201);
    t_resp_free(&r);
    cr_assert_eq(http_header(&o, "PUT", "/api/v1/proposals", o.alice, NULL,
                             "Allow", &allow),
                 405);
    cr_assert_str_eq(allow ? allow : "", "GET, POST");
    free(allow);
    free(body);
    org_down(&o);
}

/* ---- the events endpoint ---- */

Test(api, events_are_exactly_the_export, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r, page;
    char *out = NULL, *expect, *cursor;
    const char *verify[] = {"verify", "--data", NULL, NULL};
    const char *export[] = {"export", "--data", NULL, NULL};
    size_t len;
    long long head;
    json_t *events;
    org_up(&o, true);

    head = head_seq(&o);
    r = t_http(&o.srv, "GET", "/api/v1/events?limit=1000", o.bob, NULL);
    expect_status(r, 200);
    events = json_object_get(r.json, "events");
    cr_assert_eq((long long)json_array_size(events), head);
    cr_assert_eq(jint(json_object_get(r.json, "head"), "seq"), head);
    cr_assert_str_eq(jstr(json_array_get(events, 0), "type"), "org.founded");

    page = t_http(&o.srv, "GET", "/api/v1/events?after=2&limit=3", o.bob, NULL);
    expect_status(page, 200);
    events = json_object_get(page.json, "events");
    cr_assert_eq(json_array_size(events), 3);
    cr_assert_eq(jint(json_array_get(events, 0), "seq"), 3);
    cr_assert_eq(jint(json_array_get(events, 2), "seq"), 5);
    cr_assert_eq(jint(json_object_get(page.json, "head"), "seq"), head);
    t_resp_free(&page);
    page = t_http(&o.srv, "GET", "/api/v1/events?after=9999", o.bob, NULL);
    expect_status(page, 200);
    cr_assert_eq(json_array_size(json_object_get(page.json, "events")), 0);
    t_resp_free(&page);

    cr_assert_eq(t_server_stop(&o.srv, SIGTERM), 0);
    export[2] = o.data;
    cr_assert_eq(t_run(export, NULL, NULL, &out, NULL), 0);
    /* "{"events":[" + the exported lines joined by "," + "]," */
    len = strlen(out);
    expect = calloc(1, len + 32);
    memcpy(expect, "{\"events\":[", 11);
    cursor = expect + 11;
    for (size_t i = 0; i < len; i++) {
        bool last = i + 1 == len;
        if (out[i] == '\n') {
            if (!last) {
                *cursor++ = ',';
            }
        } else {
            *cursor++ = out[i];
        }
    }
    memcpy(cursor, "],", 3);
    cr_assert(strncmp(r.body, expect, strlen(expect)) == 0,
              "events differ from the export:\n%s\n%s", r.body, expect);
    verify[2] = o.data;
    cr_assert_eq(t_run(verify, NULL, NULL, NULL, NULL), 0);
    free(expect);
    free(out);
    t_resp_free(&r);
    org_down(&o);
}
