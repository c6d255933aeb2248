/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Decision methods over HTTP: a charter change to majority voting, a vote
 * with an objection beside the result, and a choice with ranked ballots,
 * its bad ballots refused with nothing appended, and its result with the
 * pairwise matrix. */
#include "fixture.h"

/* Adopts a charter change by the consent of all three. */
static void set_charter(struct org *o, const char *set)
{
    char *p =
        propose(o, o->alice, "all", "charter.amend", "How we decide", set);
    char *st;
    free(position(o, o->alice, p, "consent", NULL));
    free(position(o, o->bob, p, "consent", NULL));
    st = position(o, o->carol, p, "consent", NULL);
    cr_assert_str_eq(st, "adopted", "%s", set);
    free(st);
    free(p);
}

Test(methods, a_majority_vote_with_an_objection, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *p, *st;
    json_t *tally;
    org_up(&o, true);
    set_charter(&o, "{\"set\":{\"decision.agreement.adopt\":\"majority\"}}");

    r = req(&o, "GET", "/api/v1/org", o.bob, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(
        jstr(json_object_get(r.json, "charter"), "decision.agreement.adopt"),
        "majority");
    t_resp_free(&r);

    p = propose(&o, o.alice, "all", "agreement.adopt", "Buy a van",
                "{\"text\":\"We buy a van.\"}");
    r = req(&o, "POST", t_fmt("/api/v1/proposals/%s/positions", p), o.bob,
            "{\"position\":\"consent\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/position");
    t_resp_free(&r);
    free(position(&o, o.alice, p, "yes", NULL));
    free(position(&o, o.bob, p, "yes", NULL));
    st = position(&o, o.carol, p, "object", "we cannot afford it");
    cr_assert_str_eq(st, "adopted");
    free(st);

    r = req(&o, "GET", t_fmt("/api/v1/proposals/%s", p), o.carol, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "method"), "majority");
    tally = json_object_get(r.json, "tally");
    cr_assert_eq(json_object_size(tally), 5);
    cr_assert_eq(jint(tally, "yes"), 2);
    cr_assert_eq(jint(tally, "object"), 1);
    cr_assert(strstr(jstr(r.json, "outcome"), "1 objection(s)"));
    cr_assert_str_eq(
        jstr(json_array_get(json_object_get(r.json, "positions"), 2), "reason"),
        "we cannot afford it");
    t_resp_free(&r);
    free(p);
    org_down(&o);
}

Test(methods, ranked_ballots_and_the_result, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *p, *path;
    long long seq;
    json_t *pairwise;
    org_up(&o, true);

    p = propose(&o, o.alice, "all", "choice", "Which tree to plant",
                "{\"options\":[\"oak\",\"elm\",\"ash\"]}");
    path = t_fmt("/api/v1/proposals/%s/ballot", p);
    seq = head_seq(&o);
    {
        static const char *const bad[][2] = {
            {"{\"ranking\":[4]}", "/ranking/0"},
            {"{\"ranking\":[1,1]}", "/ranking/1"},
            {"{\"ranking\":[1],\"note\":1}", "/note"},
            {"{\"approve\":[1]}", "/ranking"},
            {"[1,2]", NULL},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            r = req(&o, "POST", path, o.bob, "%s", bad[i][0]);
            expect_status(r, 400);
            if (bad[i][1]) {
                cr_assert_str_eq(jstr(r.json, "field"), bad[i][1], "%s: %s",
                                 bad[i][0], r.body);
            }
            t_resp_free(&r);
        }
    }
    r = req(&o, "POST", t_fmt("/api/v1/proposals/%s/positions", p), o.bob,
            "{\"position\":\"consent\"}");
    expect_status(r, 400);
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq, "refused ballots append nothing");

    r = req(&o, "POST", path, o.alice, "{\"ranking\":[2,1,3]}");
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "open");
    t_resp_free(&r);
    r = req(&o, "GET", t_fmt("/api/v1/proposals/%s/result", p), o.bob, NULL);
    expect_status(r, 200);
    cr_assert(json_is_false(json_object_get(r.json, "final")));
    cr_assert_eq(jint(r.json, "ballots"), 1);
    t_resp_free(&r);
    r = req(&o, "POST", path, o.bob, "{\"ranking\":[[1,2]]}");
    expect_status(r, 200);
    t_resp_free(&r);
    r = req(&o, "POST", path, o.carol, "{\"ranking\":[2]}");
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "decided");
    cr_assert_str_eq(jstr(json_object_get(r.json, "result"), "method"),
                     "schulze");
    t_resp_free(&r);
    r = req(&o, "POST", path, o.carol, "{\"ranking\":[1]}");
    expect_status(r, 409);
    t_resp_free(&r);

    r = req(&o, "GET", t_fmt("/api/v1/proposals/%s/result", p), o.bob, NULL);
    expect_status(r, 200);
    cr_assert(json_is_true(json_object_get(r.json, "final")));
    cr_assert_eq(jint(r.json, "ballots"), 3);
    cr_assert_eq(json_integer_value(
                     json_array_get(json_object_get(r.json, "winners"), 0)),
                 2);
    pairwise = json_object_get(r.json, "pairwise");
    cr_assert_eq(json_array_size(pairwise), 3);
    /* elm over oak: alice and carol; oak over elm: nobody */
    cr_assert_eq(
        json_integer_value(json_array_get(json_array_get(pairwise, 1), 0)), 2);
    cr_assert_eq(
        json_integer_value(json_array_get(json_array_get(pairwise, 0), 1)), 0);
    cr_assert_eq(json_array_size(json_object_get(r.json, "strongest")), 3);
    t_resp_free(&r);

    r = req(&o, "GET", "/api/v1/proposals/p1/result", o.bob, NULL);
    expect_status(r, 404);
    t_resp_free(&r);
    free(p);
    org_down(&o);
}

Test(methods, objection_criteria_and_integration_attempts, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *p, *st;
    json_t *obs, *ob;
    long long seq;
    org_up(&o, true);
    set_charter(&o, "{\"set\":{\"objection.criteria\":\"causes harm\\nwe "
                    "cannot safely try it\"}}");
    p = propose(&o, o.alice, "all", "agreement.adopt", "Open the roof",
                "{\"text\":\"We open the roof garden.\"}");
    seq = head_seq(&o);
    r = req(&o, "POST", t_fmt("/api/v1/proposals/%s/positions", p), o.bob,
            "{\"position\":\"object\",\"reason\":\"the railing is loose\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/criterion");
    cr_assert(strstr(jstr(r.json, "detail"), "\"causes harm\""));
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq);
    r = req(&o, "POST", t_fmt("/api/v1/proposals/%s/positions", p), o.bob,
            "{\"position\":\"object\",\"reason\":\"the railing is loose\","
            "\"criterion\":\"we cannot safely try it\"}");
    expect_status(r, 200);
    t_resp_free(&r);
    free(position(&o, o.alice, p, "consent", NULL));
    st = position(&o, o.carol, p, "consent", NULL);
    cr_assert_str_eq(st, "needs_integration");
    free(st);

    r = req(&o, "POST", t_fmt("/api/v1/proposals/%s/integrations", p), o.carol,
            "{\"objector\":\"bob\",\"suggestion\":\"fix it first\"}");
    expect_status(r, 403);
    t_resp_free(&r);
    r = req(&o, "POST", t_fmt("/api/v1/proposals/%s/integrations", p), o.alice,
            "{\"objector\":\"bob\",\"suggestion\":\"we fix the railing "
            "first\"}");
    expect_status(r, 200);
    obs = json_object_get(r.json, "objections");
    cr_assert_eq(json_array_size(obs), 1);
    ob = json_array_get(obs, 0);
    cr_assert_str_eq(jstr(ob, "member"), "bob");
    cr_assert_str_eq(jstr(ob, "criterion"), "we cannot safely try it");
    cr_assert_str_eq(jstr(ob, "status"), "standing");
    cr_assert_str_eq(
        jstr(json_array_get(json_object_get(ob, "attempts"), 0), "suggestion"),
        "we fix the railing first");
    t_resp_free(&r);

    r = req(&o, "POST", t_fmt("/api/v1/proposals/%s/amend", p), o.alice,
            "{\"data\":{\"text\":\"We fix the railing, then open the roof "
            "garden.\"}}");
    expect_status(r, 200);
    ob = json_array_get(json_object_get(r.json, "objections"), 0);
    cr_assert_str_eq(jstr(ob, "status"), "amended");
    cr_assert_eq(jint(ob, "answered_by_version"), 2);
    t_resp_free(&r);
    free(p);
    org_down(&o);
}

Test(methods, delegated_votes_and_their_weights, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *p, *st;
    json_t *list, *pos;
    long long seq;
    org_up(&o, true);
    set_charter(&o, "{\"set\":{\"decision.agreement.adopt\":\"majority\"}}");

    seq = head_seq(&o);
    r = req(&o, "POST", "/api/v1/delegations", o.bob,
            "{\"circle\":\"all\",\"to\":\"bob\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/to");
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/delegations", o.bob,
            "{\"circle\":\"all\",\"kind\":\"member.remove\",\"to\":"
            "\"alice\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/kind");
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), seq, "refusals append nothing");

    r = req(&o, "POST", "/api/v1/delegations", o.bob,
            "{\"circle\":\"all\",\"to\":\"alice\"}");
    expect_status(r, 201);
    list = json_object_get(r.json, "delegations");
    cr_assert_eq(json_array_size(list), 1);
    cr_assert_str_eq(jstr(json_array_get(list, 0), "from"), "bob");
    cr_assert(json_is_null(json_object_get(json_array_get(list, 0), "kind")));
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/delegations", o.carol, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(json_object_get(r.json, "delegations")), 1,
                 "every member sees every delegation");
    t_resp_free(&r);

    p = propose(&o, o.alice, "all", "agreement.adopt", "Buy a van",
                "{\"text\":\"We buy a van.\"}");
    free(position(&o, o.alice, p, "yes", NULL));
    r = req(&o, "GET", t_fmt("/api/v1/proposals/%s", p), o.carol, NULL);
    pos = json_array_get(json_object_get(r.json, "positions"), 0);
    cr_assert_eq(jint(pos, "weight"), 2, "alice carries bob's vote");
    t_resp_free(&r);
    /* bob votes himself: his own vote overrides */
    st = position(&o, o.bob, p, "no", NULL);
    free(st);
    r = req(&o, "GET", t_fmt("/api/v1/proposals/%s", p), o.carol, NULL);
    pos = json_array_get(json_object_get(r.json, "positions"), 0);
    cr_assert_eq(jint(pos, "weight"), 1);
    t_resp_free(&r);

    r = req(&o, "POST", "/api/v1/delegations/refuse", o.carol,
            "{\"circle\":\"all\",\"from\":\"bob\"}");
    expect_status(r, 403);
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/delegations/refuse", o.alice,
            "{\"circle\":\"all\",\"from\":\"bob\"}");
    expect_status(r, 200);
    cr_assert(json_is_true(json_object_get(
        json_array_get(json_object_get(r.json, "delegations"), 0), "refused")));
    t_resp_free(&r);
    r = req(&o, "DELETE", "/api/v1/delegations", o.bob, "{\"circle\":\"all\"}");
    expect_status(r, 200);
    cr_assert_eq(json_array_size(json_object_get(r.json, "delegations")), 0);
    t_resp_free(&r);
    free(p);
    org_down(&o);
}

Test(methods, a_secret_ballot_survives_a_crash_and_names_nobody,
     .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *p, *st;
    json_t *tally;
    org_up(&o, true);
    set_charter(&o, "{\"set\":{\"decision.agreement.adopt\":\"majority/"
                    "secret\"}}");
    p = propose(&o, o.alice, "all", "agreement.adopt", "Raise the fee",
                "{\"text\":\"The fee is 12.\"}");
    free(position(&o, o.alice, p, "no", NULL));
    free(position(&o, o.bob, p, "yes", NULL));

    /* while open: who voted, not how */
    r = req(&o, "GET", t_fmt("/api/v1/proposals/%s", p), o.carol, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(
        jstr(json_array_get(json_object_get(r.json, "positions"), 0),
             "position"),
        "sealed");
    tally = json_object_get(r.json, "tally");
    cr_assert_eq(jint(tally, "voted"), 2);
    cr_assert_null(json_object_get(tally, "yes"));
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/events?after=0&limit=1000", o.carol, NULL);
    expect_status(r, 200);
    cr_assert_null(strstr(r.body, "\"yes\""), "no vote in the log: %s", r.body);
    t_resp_free(&r);

    /* an acknowledged secret vote survives a crash */
    cr_assert_eq(t_server_stop(&o.srv, SIGKILL), 128 + SIGKILL);
    cr_assert(t_server_start(&o.srv, o.data));
    st = position(&o, o.carol, p, "yes", NULL);
    cr_assert_str_eq(st, "adopted", "bob's and carol's yes against alice's no");
    free(st);
    r = req(&o, "GET", t_fmt("/api/v1/proposals/%s", p), o.carol, NULL);
    tally = json_object_get(r.json, "tally");
    cr_assert_eq(jint(tally, "yes"), 2);
    cr_assert_eq(jint(tally, "no"), 1);
    cr_assert_str_eq(
        jstr(json_array_get(json_object_get(r.json, "positions"), 1),
             "position"),
        "sealed", "names stay apart from votes after the close");
    t_resp_free(&r);
    free(p);
    org_down(&o);
}
