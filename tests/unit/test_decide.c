/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Decision methods (docs/decisions.md): the charter's decision.<kind>
 * parameters and circle overrides, consensus, majority and supermajority
 * votes, and choice proposals with ranked, approval and score ballots,
 * driven through ac_exec with an injected clock. */
#include <criterion/criterion.h>

#include "base/hash.h"
#include "core/choice.h"
#include "exec_fixture.h"

TestSuite(method, .init = setup, .fini = teardown);
TestSuite(vote, .init = setup, .fini = teardown);
TestSuite(consensus, .init = setup, .fini = teardown);
TestSuite(choice, .init = setup, .fini = teardown);

/* Adopts a charter amendment setting one parameter to a JSON value. */
static void set_charter(const char *param, const char *json)
{
    char data[256];
    snprintf(data, sizeof data, "{\"set\":{\"%s\":%s}}", param, json);
    adopt("alice", "all", "charter.amend", "Change how we decide", data);
}

static void method_is(const char *id, enum ac_method m, int64_t pct)
{
    cr_assert_eq(P(id)->method.method, m, "%s method %d", id,
                 (int)P(id)->method.method);
    cr_assert_eq(P(id)->method.percent, pct);
}

static void outcome_has(const char *id, const char *needle)
{
    cr_assert(has(P(id)->outcome, needle), "%s outcome \"%.*s\" lacks \"%s\"",
              id, (int)P(id)->outcome.len, P(id)->outcome.ptr, needle);
}

static const char *open_kind(const char *circle, const char *kind,
                             const char *data)
{
    O.now += MIN;
    OK(propose("alice", circle, kind, "A proposal", data));
    return newest();
}

static const char *open_adopt_in(const char *circle)
{
    return open_kind(circle, "agreement.adopt", "{\"text\":\"We try it.\"}");
}

/* ==== the charter ==== */

Test(method, every_kind_has_a_decision_parameter)
{
    const struct ac_val *charter;
    OK(found());
    charter = ac_val_get(last(0)->data, "charter");
    for (int k = 0; k < AC_KIND_COUNT; k++) {
        char name[64];
        struct ac_str v;
        if (k == AC_KIND_ROLE_DRAW) {
            /* a draw is decided by lot, by no method */
            cr_assert_eq(ac_kind_decision_param((enum ac_kind)k),
                         AC_PARAM_COUNT);
            continue;
        }
        snprintf(name, sizeof name, "decision.%s",
                 ac_kind_name((enum ac_kind)k));
        cr_assert(ac_val_get_str(charter, name, &v), "%s missing", name);
        cr_assert(ac_str_eq_c(v, k == AC_KIND_CHOICE ? "schulze" : "consent"),
                  "%s is %.*s", name, (int)v.len, v.ptr);
    }
}

Test(method, consent_proposals_carry_no_method_member)
{
    org3();
    open_adopt_in("all");
    cr_assert_null(ac_val_get(last(0)->data, "method"));
    method_is(newest(), AC_M_CONSENT, 0);
}

Test(method, bad_values_are_refused_naming_the_parameter)
{
    static const char *const cases[][2] = {
        {"decision.agreement.adopt", "\"vote\""},
        {"decision.agreement.adopt", "\"supermajority:50\""},
        {"decision.agreement.adopt", "\"supermajority:101\""},
        {"decision.agreement.adopt", "\"supermajority:067\""},
        {"decision.agreement.adopt", "\"supermajority:\""},
        {"decision.agreement.adopt", "\"schulze\""},
        {"decision.agreement.adopt", "3"},
        {"decision.choice", "\"majority\""},
        {"decision.member.remove", "\"majority\""},
        {"decision.member.remove", "\"supermajority:90\""},
        {"decision.agreement.adopt@nowhere", "\"majority\""},
        {"decision.agreement.adopt@", "\"majority\""},
        {"decision.nothing@all", "\"majority\""},
        {"decision.agreement.adopt@all", "\"vote\""},
    };
    org3();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char data[256], where[128];
        snprintf(data, sizeof data, "{\"set\":{\"%s\":%s}}", cases[i][0],
                 cases[i][1]);
        snprintf(where, sizeof where, "/data/set/%s", cases[i][0]);
        FAILS(propose("alice", "all", "charter.amend", "Bad", data), AC_EINVAL,
              where);
    }
    FAILS(propose("alice", "all", "charter.amend", "Bad",
                  "{\"set\":{\"decision.agreement.adopt\":\"vote\"}}"),
          AC_EINVAL, NULL);
    cr_assert(has(ac_str_c(O.err.msg), "supermajority:<51..100>"), "%s",
              O.err.msg);
}

Test(method, the_charter_sets_the_method_of_new_proposals)
{
    const char *id;
    org3();
    set_charter("decision.agreement.adopt", "\"supermajority:67\"");
    cr_assert_eq(O.s.charter.value[AC_P_DECISION_AGREEMENT_ADOPT],
                 AC_M_SUPERMAJORITY * 1000 + 67);
    id = open_adopt_in("all");
    cr_assert(ac_str_eq_c(dstr(last(0), "method"), "supermajority:67"));
    method_is(id, AC_M_SUPERMAJORITY, 67);
    /* other kinds keep consent */
    method_is(
        open_kind("all", "member.admit", "{\"id\":\"dan\",\"name\":\"Dan\"}"),
        AC_M_CONSENT, 0);
}

Test(method, the_method_is_fixed_when_opened)
{
    const char *id;
    org3();
    id = open_adopt_in("all");
    set_charter("decision.agreement.adopt", "\"majority\"");
    method_is(id, AC_M_CONSENT, 0);
    O.now += MIN;
    OK(pos("bob", id, "consent", ""));
    FAILS(pos("carol", id, "yes", ""), AC_EINVAL, "/position");
}

Test(method, a_circle_may_decide_differently)
{
    const char *in_ops, *in_all;
    org3_ops();
    set_charter("decision.agreement.adopt@ops", "\"majority\"");
    cr_assert_eq(O.s.charter.rule_count, 1);
    in_ops = open_adopt_in("ops");
    method_is(in_ops, AC_M_MAJORITY, 0);
    in_all = open_adopt_in("all");
    method_is(in_all, AC_M_CONSENT, 0);
    /* the rule shows in the charter object and can be dropped */
    {
        struct ac_val *o = ac_charter_object(&O.s.charter, &O.ea);
        struct ac_str v;
        cr_assert(ac_val_get_str(o, "decision.agreement.adopt@ops", &v));
        cr_assert(ac_str_eq_c(v, "majority"));
    }
    set_charter("decision.agreement.adopt@ops", "\"consensus\"");
    cr_assert_eq(O.s.charter.rule_count, 1);
    method_is(open_adopt_in("ops"), AC_M_CONSENSUS, 0);
    set_charter("decision.agreement.adopt@ops", "\"default\"");
    cr_assert_eq(O.s.charter.rule_count, 0);
    method_is(open_adopt_in("ops"), AC_M_CONSENT, 0);
    replay_matches();
}

/* ==== majority and supermajority ==== */

static const char *vote_org(const char *method)
{
    char json[48];
    org3();
    admit("dan", "Dan");
    admit("erin", "Erin");
    snprintf(json, sizeof json, "\"%s\"", method);
    set_charter("decision.agreement.adopt", json);
    O.now += HOUR;
    return open_adopt_in("all");
}

Test(vote, consent_positions_are_refused_and_yes_no_taken)
{
    const char *id = vote_org("majority");
    FAILS(pos("bob", id, "consent", ""), AC_EINVAL, "/position");
    cr_assert(has(ac_str_c(O.err.msg), "yes, no, abstain or object"), "%s",
              O.err.msg);
    FAILS(pos("bob", id, "stand_aside", ""), AC_EINVAL, "/position");
    FAILS(pos("bob", id, "ballot", ""), AC_EINVAL, "/position");
    FAILS(pos("bob", id, "object", ""), AC_EINVAL, "/reason");
    OK(pos("bob", id, "yes", ""));
    OK(pos("bob", id, "no", "changed my mind"));
    cr_assert_eq(P(id)->count, 1);
    cr_assert_eq(P(id)->positions[0].position, AC_POS_NO);
}

Test(vote, more_yes_than_no_adopts)
{
    const char *id = vote_org("majority");
    const struct ac_val *t;
    OK(pos("alice", id, "yes", ""));
    OK(pos("bob", id, "yes", ""));
    OK(pos("carol", id, "no", ""));
    OK(pos("dan", id, "abstain", ""));
    OK(pos("erin", id, "object", "it costs too much"));
    cr_assert_eq(status(id), AC_PROP_REJECTED,
                 "2 yes against 1 no + 1 "
                 "objection is not more");
    outcome_has(id, "2 yes, 1 no, 1 objection(s), 1 abstained");
    t = ac_val_get(last(0)->data, "tally");
    cr_assert_eq(t->count, 5);
    cr_assert_eq(dint(t, "yes"), 2);
    cr_assert_eq(dint(t, "no"), 1);
    cr_assert_eq(dint(t, "abstain"), 1);
    cr_assert_eq(dint(t, "object"), 1);
    cr_assert_eq(dint(t, "eligible"), 5);
    cr_assert_eq(O.s.agreement_count, 0);

    id = open_adopt_in("all");
    OK(pos("alice", id, "yes", ""));
    OK(pos("bob", id, "yes", ""));
    OK(pos("carol", id, "yes", ""));
    OK(pos("erin", id, "object", "it costs too much"));
    O.now = P(id)->deadline;
    tick_at(O.now);
    cr_assert_eq(status(id), AC_PROP_ADOPTED, "%.*s", (int)P(id)->outcome.len,
                 P(id)->outcome.ptr);
    cr_assert(ac_str_eq_c(dstr(last(0), "agreement"), "a1"));
    /* the objection stays on the record beside the result */
    cr_assert_eq(P(id)->tally[AC_POS_OBJECT], 1);
    cr_assert(ac_str_eq_c(P(id)->positions[3].reason, "it costs too much"));
    replay_matches();
}

Test(vote, the_quorum_applies)
{
    const char *id = vote_org("majority");
    OK(pos("alice", id, "yes", ""));
    OK(pos("bob", id, "yes", ""));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_LAPSED, "2 of 5 is below 50%%");
    outcome_has(id, "quorum is 50%");
}

Test(vote, supermajority_needs_its_percentage)
{
    const char *id = vote_org("supermajority:67");
    OK(pos("alice", id, "yes", ""));
    OK(pos("bob", id, "yes", ""));
    OK(pos("carol", id, "no", ""));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_REJECTED, "2 of 3 is 66.7%%");
    outcome_has(id, "67% yes needed");

    id = open_adopt_in("all");
    OK(pos("alice", id, "yes", ""));
    OK(pos("bob", id, "yes", ""));
    OK(pos("dan", id, "abstain", ""));
    OK(pos("carol", id, "yes", ""));
    OK(pos("erin", id, "no", ""));
    cr_assert_eq(status(id), AC_PROP_ADOPTED, "3 of 4 is 75%%");
}

Test(vote, entrenched_articles_still_need_everyone)
{
    const char *id;
    vote_org("majority");
    set_charter("decision.charter.amend", "\"majority\"");
    id = open_kind("all", "charter.amend",
                   "{\"set\":{\"article.open_record\":\"Everything we do is "
                   "on the record.\"}}");
    method_is(id, AC_M_MAJORITY, 0);
    OK(pos("alice", id, "yes", ""));
    OK(pos("bob", id, "yes", ""));
    OK(pos("carol", id, "yes", ""));
    OK(pos("dan", id, "yes", ""));
    OK(pos("erin", id, "abstain", ""));
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    outcome_has(id, "4 of 5");
}

Test(vote, a_member_removal_is_never_outvoted)
{
    org3();
    FAILS(propose("alice", "all", "charter.amend", "Outvote removals",
                  "{\"set\":{\"decision.member.remove@all\":\"majority\"}}"),
          AC_EINVAL, "/data/set/decision.member.remove@all");
}

/* ==== consensus ==== */

Test(consensus, everyone_consents_or_stands_aside)
{
    const char *id;
    org3();
    set_charter("decision.agreement.adopt", "\"consensus\"");
    id = open_adopt_in("all");
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "stand_aside", "not my area"));
    OK(pos("carol", id, "concern", "watch the cost"));
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    outcome_has(id, "consensus: 2 consented, 1 stood aside");
}

Test(consensus, silence_is_not_consensus)
{
    const char *id;
    org3();
    set_charter("decision.agreement.adopt", "\"consensus\"");
    set_charter("consent.quorum_percent", "0");
    id = open_adopt_in("all");
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    outcome_has(id, "2 of 3 answered");
}

Test(consensus, an_objection_blocks_and_needs_integration)
{
    const char *id;
    org3();
    set_charter("decision.agreement.adopt", "\"consensus\"");
    id = open_adopt_in("all");
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    OK(pos("carol", id, "object", "we have no room for it"));
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
}

Test(consensus, everyone_standing_aside_is_no_decision)
{
    const char *id;
    org3();
    set_charter("decision.agreement.adopt", "\"consensus\"");
    id = open_adopt_in("all");
    OK(pos("alice", id, "stand_aside", ""));
    OK(pos("bob", id, "stand_aside", ""));
    OK(pos("carol", id, "stand_aside", ""));
    cr_assert_eq(status(id), AC_PROP_LAPSED);
}

/* ==== choice ==== */

static const char *choice_org(const char *method, const char *options)
{
    char json[48], data[4096];
    org3();
    admit("dan", "Dan");
    admit("erin", "Erin");
    if (method) {
        snprintf(json, sizeof json, "\"%s\"", method);
        set_charter("decision.choice", json);
    }
    snprintf(data, sizeof data, "{\"options\":%s}", options);
    O.now += HOUR;
    return open_kind("all", "choice", data);
}

static void winners_are(const char *id, const char *json)
{
    struct ac_val *want = J(json);
    cr_assert_not_null(P(id)->result, "%s has no result", id);
    cr_assert(ac_val_equal(ac_val_get(P(id)->result, "winners"), want),
              "winners of %s differ from %s", id, json);
}

static void ranking_is(const char *id, const char *json)
{
    cr_assert(ac_val_equal(ac_val_get(P(id)->result, "ranking"), J(json)),
              "ranking of %s differs from %s", id, json);
}

Test(choice, options_are_checked)
{
    static const char *const bad[][2] = {
        {"{}", "/data/options"},
        {"{\"options\":[]}", "/data/options"},
        {"{\"options\":\"oak\"}", "/data/options"},
        {"{\"options\":[\"oak\",3]}", "/data/options/1"},
        {"{\"options\":[\"oak\",\"  \"]}", "/data/options/1"},
        {"{\"options\":[\"oak\",\"elm\",\"oak\"]}", "/data/options/2"},
        {"{\"options\":[\"oak\"],\"x\":1}", "/data/x"},
    };
    org3();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FAILS(propose("alice", "all", "choice", "Which tree", bad[i][0]),
              AC_EINVAL, bad[i][1]);
    }
    OK(propose("alice", "all", "choice", "Which tree",
               "{\"options\":[\"oak\"]}"));
    cr_assert(ac_str_eq_c(dstr(last(0), "method"), "schulze"));
    cr_assert_eq(P(newest())->option_count, 1);
}

Test(choice, positions_and_ballots_do_not_mix)
{
    const char *id = choice_org(NULL, "[\"oak\",\"elm\"]");
    const char *yes;
    FAILS(pos("bob", id, "consent", ""), AC_EINVAL, "/position");
    cr_assert(has(ac_str_c(O.err.msg), "cast a ballot"));
    yes = open_adopt_in("all");
    FAILS(ballot("bob", yes, "{\"ranking\":[1]}"), AC_ECONFLICT, NULL);
}

Test(choice, bad_ballots_name_the_element_and_append_nothing)
{
    static const char *const bad[][2] = {
        {"{}", "/ranking"},
        {"{\"ranking\":3}", "/ranking"},
        {"{\"ranking\":[4]}", "/ranking/0"},
        {"{\"ranking\":[0]}", "/ranking/0"},
        {"{\"ranking\":[1,1]}", "/ranking/1"},
        {"{\"ranking\":[1,[2,1]]}", "/ranking/1/1"},
        {"{\"ranking\":[[]]}", "/ranking/0"},
        {"{\"ranking\":[\"1\"]}", "/ranking/0"},
        {"{\"ranking\":[1,2,3,1]}", "/ranking"},
        {"{\"ranking\":[1],\"note\":\"x\"}", ""},
        {"{\"approve\":[1]}", "/ranking"},
    };
    const char *id = choice_org(NULL, "[\"oak\",\"elm\",\"ash\"]");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FAILS(ballot("bob", id, bad[i][0]), AC_EINVAL, bad[i][1]);
    }
    FAILS(ballot("nobody", id, "{\"ranking\":[1]}"), AC_EDENIED, NULL);
    FAILS(ballot("bob", "p99", "{\"ranking\":[1]}"), AC_ENOTFOUND, NULL);
}

Test(choice, ballots_are_kept_in_tiers_and_replaced)
{
    const char *id = choice_org(NULL, "[\"oak\",\"elm\",\"ash\",\"yew\"]");
    OK(ballot("bob", id, "{\"ranking\":[3,[1,4]]}"));
    is_type(last(0), "ballot.cast");
    cr_assert(
        ac_val_equal(ac_val_get(last(0)->data, "ranking"), J("[[3],[1,4]]")));
    cr_assert_eq(P(id)->positions[0].marks[2], 0);
    cr_assert_eq(P(id)->positions[0].marks[0], 1);
    cr_assert_eq(P(id)->positions[0].marks[3], 1);
    cr_assert_eq(P(id)->positions[0].marks[1], AC_RANK_NONE);
    OK(ballot("bob", id, "{\"ranking\":[]}"));
    cr_assert_eq(P(id)->count, 1, "a second ballot replaces the first");
    cr_assert_eq(P(id)->positions[0].marks[2], AC_RANK_NONE);
}

Test(choice, the_schulze_winner_once_everyone_has_voted)
{
    const char *id = choice_org(NULL, "[\"oak\",\"elm\",\"ash\"]");
    const struct ac_val *t;
    OK(ballot("alice", id, "{\"ranking\":[1,2,3]}"));
    OK(ballot("bob", id, "{\"ranking\":[2,3,1]}"));
    OK(ballot("carol", id, "{\"ranking\":[2,1,3]}"));
    OK(ballot("dan", id, "{\"ranking\":[1,[2,3]]}"));
    cr_assert_eq(status(id), AC_PROP_OPEN);
    OK(ballot("erin", id, "{\"ranking\":[2]}"));
    cr_assert_eq(status(id), AC_PROP_DECIDED);
    is_type(last(0), "proposal.closed");
    t = ac_val_get(last(0)->data, "tally");
    cr_assert_eq(t->count, 2);
    cr_assert_eq(dint(t, "ballots"), 5);
    cr_assert_eq(dint(t, "eligible"), 5);
    /* elm beats oak 3:2 and ash 4:0; oak beats ash 3:1 */
    winners_are(id, "[2]");
    ranking_is(id, "[[2],[1],[3]]");
    cr_assert(ac_val_equal(ac_val_get(P(id)->result, "order"), J("[2,1,3]")));
    outcome_has(id, "option 2 \"elm\" wins (schulze, 5 ballot(s))");
    FAILS(ballot("bob", id, "{\"ranking\":[1]}"), AC_ECONFLICT, NULL);
    replay_matches();
}

Test(choice, the_result_can_be_recounted_from_the_state)
{
    const char *id = choice_org(NULL, "[\"oak\",\"elm\",\"ash\"]");
    struct ac_choice_result r;
    struct ac_err err = {0};
    OK(ballot("alice", id, "{\"ranking\":[3,1]}"));
    OK(ballot("bob", id, "{\"ranking\":[3,2]}"));
    OK(ballot("carol", id, "{\"ranking\":[1]}"));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_DECIDED);
    cr_assert_eq(ac_choice_count(&O.s, P(id), false, NULL, &O.ea, &r, &err),
                 AC_OK, "%s", err.msg);
    cr_assert_eq(r.ballots, 3);
    cr_assert_eq(r.schulze.d[2 * 3 + 0], 2, "ash over oak by 2");
    cr_assert(ac_val_equal(ac_choice_result_val(&r, &O.ea), P(id)->result));
    cr_assert_eq(r.seed, ac_choice_seed(P(id)));
}

Test(choice, too_few_ballots_lapse)
{
    const char *id = choice_org(NULL, "[\"oak\",\"elm\"]");
    OK(ballot("alice", id, "{\"ranking\":[1]}"));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert_null(P(id)->result);
    id = open_kind("all", "choice", "{\"options\":[\"oak\"]}");
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    outcome_has(id, "nobody of 5 responded");
}

/* The tie-break key of option c (from 1) under p's seed, recomputed here
 * from its definition in docs/decisions.md. */
static void key_of(const char *id, int c, uint8_t out[AC_HASH_LEN])
{
    uint64_t seed = 0;
    uint8_t in[10];
    for (int i = 0; i < 8; i++) {
        seed = seed << 8 | P(id)->round_hash[i];
        in[i] = P(id)->round_hash[i];
    }
    cr_assert_eq(seed, ac_choice_seed(P(id)));
    in[8] = (uint8_t)((c - 1) >> 8);
    in[9] = (uint8_t)(c - 1);
    ac_sha256(out, in, sizeof in);
}

Test(choice, a_perfect_tie_is_broken_by_the_seed)
{
    const char *id = choice_org(NULL, "[\"oak\",\"elm\",\"ash\"]");
    uint8_t k[3][AC_HASH_LEN];
    const struct ac_val *order;
    char seed[17];
    OK(ballot("alice", id, "{\"ranking\":[1,2,3]}"));
    OK(ballot("bob", id, "{\"ranking\":[2,3,1]}"));
    OK(ballot("carol", id, "{\"ranking\":[3,1,2]}"));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_DECIDED);
    outcome_has(id, "3 options tie for first place");
    cr_assert_eq(ac_val_get(P(id)->result, "ranking")->count, 1);
    cr_assert_eq(ac_val_get(P(id)->result, "winners")->count, 3);
    /* the seed is the round's opening hash; the order its keys' */
    snprintf(seed, sizeof seed, "%016llx",
             (unsigned long long)ac_choice_seed(P(id)));
    cr_assert(ac_str_eq_c(dstr(last(0), "proposal"), id));
    cr_assert(ac_str_eq_c(ac_val_get(P(id)->result, "seed")->s, seed));
    cr_assert_eq(memcmp(P(id)->round_hash, O.log.events[O.log.count - 5].hash,
                        AC_HASH_LEN),
                 0, "seeded by proposal.opened");
    order = ac_val_get(P(id)->result, "order");
    for (int c = 1; c <= 3; c++) {
        key_of(id, c, k[c - 1]);
    }
    for (size_t i = 1; i < order->count; i++) {
        int64_t x = order->items[i - 1]->i, y = order->items[i]->i;
        cr_assert_lt(memcmp(k[x - 1], k[y - 1], AC_HASH_LEN), 0,
                     "option %lld before %lld", (long long)x, (long long)y);
    }
}

Test(choice, approval_counts_approvals)
{
    const char *id = choice_org("approval", "[\"oak\",\"elm\",\"ash\"]");
    method_is(id, AC_M_APPROVAL, 0);
    FAILS(ballot("bob", id, "{\"approve\":[1,1]}"), AC_EINVAL, "/approve/1");
    FAILS(ballot("bob", id, "{\"ranking\":[1]}"), AC_EINVAL, "/approve");
    OK(ballot("alice", id, "{\"approve\":[3,1]}"));
    cr_assert(ac_val_equal(ac_val_get(last(0)->data, "approve"), J("[1,3]")));
    OK(ballot("bob", id, "{\"approve\":[1]}"));
    OK(ballot("carol", id, "{\"approve\":[2,3]}"));
    OK(ballot("dan", id, "{\"approve\":[]}"));
    OK(ballot("erin", id, "{\"approve\":[3]}"));
    cr_assert_eq(status(id), AC_PROP_DECIDED);
    winners_are(id, "[3]");
    ranking_is(id, "[[3],[1],[2]]");
    cr_assert(ac_val_equal(ac_val_get(P(id)->result, "totals"), J("[2,1,3]")));
}

Test(choice, score_sums_scores)
{
    const char *id = choice_org("score", "[\"oak\",\"elm\"]");
    FAILS(ballot("bob", id, "{\"scores\":[1]}"), AC_EINVAL, "/scores");
    FAILS(ballot("bob", id, "{\"scores\":[1,6]}"), AC_EINVAL, "/scores/1");
    FAILS(ballot("bob", id, "{\"scores\":[-1,2]}"), AC_EINVAL, "/scores/0");
    OK(ballot("alice", id, "{\"scores\":[5,0]}"));
    OK(ballot("bob", id, "{\"scores\":[0,3]}"));
    OK(ballot("carol", id, "{\"scores\":[0,3]}"));
    tick_at(P(id)->deadline);
    winners_are(id, "[2]");
    cr_assert(ac_val_equal(ac_val_get(P(id)->result, "totals"), J("[5,6]")));
}

Test(choice, margins_as_the_charter_says)
{
    const char *id = choice_org("schulze_margins", "[\"oak\",\"elm\"]");
    method_is(id, AC_M_SCHULZE_MARGINS, 0);
    OK(ballot("alice", id, "{\"ranking\":[1]}"));
    OK(ballot("bob", id, "{\"ranking\":[1]}"));
    OK(ballot("carol", id, "{\"ranking\":[2]}"));
    tick_at(P(id)->deadline);
    winners_are(id, "[1]");
    outcome_has(id, "schulze_margins");
}

Test(choice, an_amendment_clears_the_ballots)
{
    const char *id = choice_org(NULL, "[\"oak\",\"elm\"]");
    OK(ballot("bob", id, "{\"ranking\":[2]}"));
    O.now += MIN;
    OK(amend("alice", id, NULL, "{\"options\":[\"oak\",\"elm\",\"ash\"]}"));
    cr_assert_eq(P(id)->count, 0);
    cr_assert_eq(P(id)->option_count, 3);
    OK(ballot("bob", id, "{\"ranking\":[3]}"));
    cr_assert_eq(P(id)->round, 2);
    replay_matches();
}

Test(choice, a_thousand_options)
{
    char *data = malloc(16 * 1000 + 32);
    size_t n = 0;
    const char *id;
    cr_assert_not_null(data);
    n += (size_t)snprintf(data + n, 32, "{\"options\":[");
    for (int i = 0; i < 1000; i++) {
        n += (size_t)snprintf(data + n, 16, "%s\"o%d\"", i ? "," : "", i);
    }
    snprintf(data + n, 8, "]}");
    org3();
    id = open_kind("all", "choice", data);
    free(data);
    cr_assert_eq(P(id)->option_count, 1000);
    OK(ballot("alice", id, "{\"ranking\":[1000,[7,8]]}"));
    OK(ballot("bob", id, "{\"ranking\":[7]}"));
    OK(ballot("carol", id, "{\"ranking\":[[7,9]]}"));
    cr_assert_eq(status(id), AC_PROP_DECIDED);
    winners_are(id, "[7]");
}

/* Running out of memory anywhere in the ballot that closes a choice (and
 * in the count it triggers) refuses it cleanly, in either arena. */
Test(choice, out_of_memory_at_every_allocation)
{
    for (int event_arena = 0; event_arena < 2; event_arena++) {
        int k;
        for (k = 1; k < 2000; k++) {
            struct ac_cmd c = {.type = AC_CMD_BALLOT};
            struct ac_arena *a;
            enum ac_status st;
            teardown();
            setup();
            org3();
            open_kind("all", "choice", "{\"options\":[\"oak\",\"elm\"]}");
            OK(ballot("alice", "p3", "{\"ranking\":[1]}"));
            OK(ballot("bob", "p3", "{\"ranking\":[2,1]}"));
            c.actor = AC_STR("carol");
            c.proposal = AC_STR("p3");
            c.data = J("{\"ranking\":[[1,2]]}");
            a = event_arena ? &O.ea : &O.sa;
            a->fail_at = a->allocs + (size_t)k;
            O.err = (struct ac_err){0};
            st = ac_exec(&O.s, &c, O.now, &O.ea, &O.log, &O.err);
            a->fail_at = 0;
            if (st == AC_OK) {
                cr_assert_eq(status("p3"), AC_PROP_DECIDED);
                replay_matches();
                break;
            }
            cr_assert_eq(st, AC_ENOMEM, "allocation %d: %s", k, O.err.msg);
        }
        cr_assert_lt(k, 2000, "the ballot never got through");
    }
}

/* ==== objections that are heard ==== */

TestSuite(objection, .init = setup, .fini = teardown);

static enum ac_status object_on(const char *actor, const char *id,
                                const char *reason, const char *criterion)
{
    struct ac_cmd c = {.type = AC_CMD_POSITION};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.position = AC_STR("object");
    c.reason = ac_str_c(reason);
    c.criterion = criterion ? ac_str_c(criterion) : (struct ac_str){NULL, 0};
    return run(&c);
}

static enum ac_status integrate(const char *actor, const char *id,
                                const char *objector, const char *suggestion)
{
    struct ac_cmd c = {.type = AC_CMD_INTEGRATE};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.objector = ac_str_c(objector);
    c.suggestion = ac_str_c(suggestion);
    return run(&c);
}

Test(objection, an_objection_names_one_of_the_charters_criteria)
{
    const char *id;
    struct ac_cmd c = {.type = AC_CMD_POSITION};
    org3();
    id = open_adopt_in("all");
    FAILS(object_on("bob", id, "too loud", "causes harm"), AC_EINVAL,
          "/criterion");
    cr_assert(has(ac_str_c(O.err.msg), "lists no objection criteria"));
    set_charter("objection.criteria",
                "\"causes harm\\nmoves us away from our purpose\\nwe cannot "
                "safely try it\"");
    id = open_adopt_in("all");
    FAILS(object_on("bob", id, "too loud", NULL), AC_EINVAL, "/criterion");
    cr_assert(has(ac_str_c(O.err.msg), "\"we cannot safely try it\""), "%s",
              O.err.msg);
    FAILS(object_on("bob", id, "too loud", "I dislike it"), AC_EINVAL,
          "/criterion");
    c.actor = AC_STR("bob");
    c.proposal = ac_str_c(id);
    c.position = AC_STR("consent");
    c.criterion = AC_STR("causes harm");
    FAILS(run(&c), AC_EINVAL, "/criterion");
    OK(object_on("bob", id, "too loud at night", "causes harm"));
    cr_assert(ac_str_eq_c(dstr(last(0), "criterion"), "causes harm"));
    cr_assert_eq(P(id)->objection_count, 1);
    cr_assert(ac_str_eq_c(P(id)->objections[0].criterion, "causes harm"));
    /* a changed objection is the same objection, with its new grounds */
    OK(object_on("bob", id, "we could not try it safely",
                 "we cannot safely try it"));
    cr_assert_eq(P(id)->objection_count, 1);
    cr_assert(
        ac_str_eq_c(P(id)->objections[0].reason, "we could not try it safely"));
    replay_matches();
}

Test(objection, integration_attempts_and_the_history)
{
    const char *id;
    const struct ac_objection *o;
    org3();
    id = open_adopt_in("all");
    OK(pos("alice", id, "consent", ""));
    OK(pos("carol", id, "object", "the hall is booked on Mondays"));
    OK(pos("bob", id, "object", "it clashes with the market"));
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    O.now += MIN;
    OK(integrate("alice", id, "bob", "meet on Tuesdays instead"));
    is_type(last(0), "objection.integration");
    cr_assert(ac_str_eq_c(dstr(last(0), "objector"), "bob"));
    OK(integrate("bob", id, "bob", "or after the market closes"));
    FAILS(integrate("carol", id, "bob", "my idea"), AC_EDENIED, NULL);
    FAILS(integrate("alice", id, "alice", "x"), AC_EINVAL, "/objector");
    FAILS(integrate("alice", id, "bob", "  "), AC_EINVAL, "/suggestion");
    FAILS(integrate("alice", "p99", "bob", "x"), AC_ENOTFOUND, NULL);
    o = ac_state_objection(P(id), AC_STR("bob"));
    cr_assert_not_null(o);
    cr_assert_eq(o->attempt_count, 2);
    cr_assert(ac_str_eq_c(o->attempts[0].by, "alice"));
    cr_assert(
        ac_str_eq_c(o->attempts[1].suggestion, "or after the market closes"));

    O.now += MIN;
    OK(amend("alice", id, NULL, "{\"text\":\"We meet on Tuesdays.\"}"));
    cr_assert_null(ac_state_objection(P(id), AC_STR("bob")));
    cr_assert_eq(P(id)->objection_count, 2);
    for (size_t i = 0; i < 2; i++) {
        cr_assert_eq(P(id)->objections[i].status, AC_OBJ_AMENDED);
        cr_assert_eq(P(id)->objections[i].answered_by, 2);
        cr_assert_eq(P(id)->objections[i].round, 1);
    }
    /* round 2: bob objects again, then withdraws by consenting */
    OK(pos("bob", id, "object", "Tuesdays are choir"));
    OK(pos("bob", id, "consent", ""));
    cr_assert_eq(P(id)->objection_count, 3);
    cr_assert_eq(P(id)->objections[2].status, AC_OBJ_WITHDRAWN);
    cr_assert_eq(P(id)->objections[2].round, 2);
    FAILS(integrate("alice", id, "bob", "x"), AC_EINVAL, "/objector");
    replay_matches();
}

/* ==== delegation with a cap ==== */

TestSuite(delegation, .init = setup, .fini = teardown);

static enum ac_status delegate(const char *from, const char *to,
                               const char *kind)
{
    struct ac_cmd c = {.type = AC_CMD_DELEGATE};
    c.actor = ac_str_c(from);
    c.circle = AC_STR("all");
    c.kind = ac_str_c(kind ? kind : "");
    c.other = ac_str_c(to);
    O.now += MIN;
    return run(&c);
}

static enum ac_status undelegate(enum ac_cmd_type type, const char *actor,
                                 const char *other)
{
    struct ac_cmd c = {.type = type};
    c.actor = ac_str_c(actor);
    c.circle = AC_STR("all");
    c.kind = AC_STR("");
    c.other = ac_str_c(other);
    return run(&c);
}

static int64_t weight_of(const char *id, const char *member)
{
    const struct ac_val *w = ac_val_get(last(0)->data, "weights");
    int64_t n = 1;
    cr_assert(ac_str_eq_c(dstr(last(0), "proposal"), id));
    if (w) {
        ac_val_get_int(w, member, &n);
    }
    return n;
}

Test(delegation, refusals_name_the_field)
{
    vote_org("majority");
    FAILS(delegate("bob", "bob", NULL), AC_EINVAL, "/to");
    FAILS(delegate("bob", "zed", NULL), AC_EINVAL, "/to");
    FAILS(delegate("bob", "alice", "member.remove"), AC_EINVAL, "/kind");
    FAILS(delegate("bob", "alice", "vote"), AC_EINVAL, "/kind");
    FAILS(undelegate(AC_CMD_REVOKE, "bob", NULL), AC_ENOTFOUND, NULL);
    OK(delegate("bob", "alice", NULL));
    is_type(last(0), "delegation.given");
    FAILS(undelegate(AC_CMD_REFUSE, "carol", "bob"), AC_EDENIED, NULL);
    OK(undelegate(AC_CMD_REFUSE, "alice", "bob"));
    FAILS(undelegate(AC_CMD_REFUSE, "alice", "bob"), AC_ECONFLICT, NULL);
    OK(undelegate(AC_CMD_REVOKE, "bob", NULL));
    cr_assert_eq(O.s.delegation_count, 0);
    replay_matches();
}

Test(delegation, votes_follow_delegations_transitively)
{
    const char *id;
    const struct ac_val *t;
    vote_org("majority");
    OK(delegate("bob", "alice", NULL));
    OK(delegate("carol", "bob", NULL));
    OK(delegate("dan", "erin", "agreement.adopt"));
    id = open_adopt_in("all");
    OK(pos("alice", id, "yes", ""));
    OK(pos("erin", id, "no", ""));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_ADOPTED, "%.*s", (int)P(id)->outcome.len,
                 P(id)->outcome.ptr);
    t = ac_val_get(last(0)->data, "tally");
    cr_assert_eq(dint(t, "yes"), 3, "alice, bob and carol");
    cr_assert_eq(dint(t, "no"), 2, "erin and dan");
    cr_assert_eq(weight_of(id, "alice"), 3);
    cr_assert_eq(weight_of(id, "erin"), 2);
    replay_matches();
}

Test(delegation, a_direct_vote_overrides)
{
    const char *id;
    vote_org("majority");
    OK(delegate("bob", "alice", NULL));
    OK(delegate("carol", "bob", NULL));
    id = open_adopt_in("all");
    OK(pos("alice", id, "yes", ""));
    OK(pos("bob", id, "no", "not this one"));
    tick_at(P(id)->deadline);
    cr_assert_eq(weight_of(id, "alice"), 1);
    cr_assert_eq(weight_of(id, "bob"), 2, "carol's vote stops at bob");
    cr_assert_eq(status(id), AC_PROP_REJECTED);
}

Test(delegation, the_cap_serves_the_first_delegations)
{
    const char *id;
    const struct ac_val *over;
    vote_org("majority");
    set_charter("delegation.max_weight", "2");
    OK(delegate("dan", "alice", NULL));
    OK(delegate("bob", "alice", NULL));
    OK(delegate("carol", "alice", NULL));
    id = open_adopt_in("all");
    OK(pos("alice", id, "yes", ""));
    OK(pos("erin", id, "no", ""));
    tick_at(P(id)->deadline);
    cr_assert_eq(weight_of(id, "alice"), 2, "alice and dan, the first");
    over = ac_val_get(last(0)->data, "over_cap");
    cr_assert_not_null(over);
    cr_assert_eq(over->count, 2);
    cr_assert(ac_str_eq_c(over->items[0]->s, "bob"));
    cr_assert(ac_str_eq_c(over->items[1]->s, "carol"));
    cr_assert_not_null(P(id)->over_cap, "the state keeps who was left out");
    cr_assert_eq(P(id)->over_cap->count, 2);
    cr_assert_eq(status(id), AC_PROP_ADOPTED, "2 votes yes against 1 no");
}

Test(delegation, refused_expired_and_cyclic_delegations_carry_nothing)
{
    const char *id;
    vote_org("majority");
    set_charter("delegation.expiry_days", "1");
    set_charter("consent.round_hours", "1");
    OK(delegate("bob", "alice", NULL));
    OK(undelegate(AC_CMD_REFUSE, "alice", "bob"));
    OK(delegate("carol", "alice", NULL));
    O.now += 2 * DAY; /* carol's has expired */
    OK(delegate("dan", "erin", NULL));
    OK(delegate("erin", "dan", NULL)); /* a cycle, neither votes */
    id = open_adopt_in("all");
    OK(pos("alice", id, "yes", ""));
    tick_at(P(id)->deadline);
    cr_assert_eq(weight_of(id, "alice"), 1);
    cr_assert_null(ac_val_get(last(0)->data, "weights"));
    /* renewing gives it force again */
    OK(delegate("carol", "alice", NULL));
    id = open_adopt_in("all");
    OK(pos("alice", id, "yes", ""));
    tick_at(P(id)->deadline);
    cr_assert_eq(weight_of(id, "alice"), 2);
}

Test(delegation, consent_positions_are_never_delegated)
{
    const char *id;
    org3();
    OK(delegate("bob", "alice", NULL));
    id = open_adopt_in("all");
    OK(pos("alice", id, "consent", ""));
    tick_at(P(id)->deadline);
    cr_assert_null(ac_val_get(last(0)->data, "weights"));
    cr_assert_eq(dint(ac_val_get(last(0)->data, "tally"), "consent"), 1);
}

Test(delegation, ballots_carry_their_delegations)
{
    const char *id = choice_org(NULL, "[\"oak\",\"elm\"]");
    OK(delegate("bob", "alice", NULL));
    OK(delegate("carol", "alice", "choice"));
    OK(ballot("alice", id, "{\"ranking\":[1]}"));
    OK(ballot("dan", id, "{\"ranking\":[2]}"));
    OK(ballot("erin", id, "{\"ranking\":[2]}"));
    tick_at(P(id)->deadline);
    winners_are(id, "[1]");
    cr_assert_eq(weight_of(id, "alice"), 3);
    {
        struct ac_choice_result r;
        struct ac_err err = {0};
        cr_assert_eq(ac_choice_count(&O.s, P(id), false, NULL, &O.ea, &r, &err),
                     AC_OK);
        cr_assert_eq(r.schulze.d[0 * 2 + 1], 3, "recounted with weights");
    }
    replay_matches();
}

/* ==== secret ballots ==== */

TestSuite(secret, .init = setup, .fini = teardown);

Test(secret, only_votes_and_ballots_can_be_secret)
{
    org3();
    FAILS(propose("alice", "all", "charter.amend", "Secret consent",
                  "{\"set\":{\"decision.agreement.adopt\":\"consent/"
                  "secret\"}}"),
          AC_EINVAL, "/data/set/decision.agreement.adopt");
    set_charter("decision.agreement.adopt", "\"supermajority:60/secret\"");
    method_is(open_adopt_in("all"), AC_M_SUPERMAJORITY, 60);
    cr_assert(P(newest())->method.secret);
    cr_assert(ac_str_eq_c(dstr(last(0), "method"), "supermajority:60/secret"));
}

Test(secret, the_log_says_who_voted_not_how)
{
    const char *id = vote_org("majority/secret");
    const struct ac_val *t;
    size_t kept;
    FAILS(pos("bob", id, "object", "no"), AC_EINVAL, "/position");
    FAILS(pos("bob", id, "no", "because"), AC_EINVAL, "/reason");
    OK(pos("alice", id, "yes", ""));
    is_type(last(0), "vote.cast");
    cr_assert_eq(last(0)->data->count, 2, "proposal and round only");
    cr_assert_eq(O.log.sealed_count, 1);
    cr_assert(ac_str_eq_c(O.log.sealed[0].member, "alice"));
    cr_assert(
        ac_val_equal(O.log.sealed[0].content, J("{\"position\":\"yes\"}")));
    OK(pos("bob", id, "yes", ""));
    OK(pos("bob", id, "no", "")); /* changes their mind: replaced */
    OK(pos("carol", id, "no", ""));
    OK(pos("dan", id, "abstain", ""));
    kept = O.log.sealed_count;
    cr_assert_eq(kept, 5, "each answer kept as cast");
    /* a state replayed from the log alone knows who voted, not how */
    {
        struct ac_arena sa;
        struct ac_state r;
        struct ac_err err = {0};
        const struct ac_proposal *q;
        ac_arena_init(&sa, 0);
        ac_state_init(&r, &sa);
        for (size_t i = 0; i < O.log.count; i++) {
            cr_assert_eq(ac_state_apply(&r, &O.log.events[i], &err), AC_OK,
                         "%s", err.msg);
        }
        q = ac_state_proposal(&r, ac_str_c(id));
        cr_assert_eq(q->count, 4);
        for (size_t i = 0; i < q->count; i++) {
            cr_assert_eq(q->positions[i].position, AC_POS_SEALED);
        }
        /* the store gives the contents back */
        for (size_t i = 0; i < kept; i++) {
            cr_assert_eq(ac_state_seal(&r, O.log.sealed[i].proposal,
                                       O.log.sealed[i].round,
                                       O.log.sealed[i].member,
                                       O.log.sealed[i].content, &err),
                         AC_OK, "%s", err.msg);
        }
        cr_assert_eq(q->positions[1].position, AC_POS_NO, "bob's last");
        ac_arena_release(&sa);
    }
    OK(pos("erin", id, "yes", ""));
    cr_assert_eq(status(id), AC_PROP_REJECTED);
    t = ac_val_get(last(0)->data, "tally");
    cr_assert_eq(dint(t, "yes"), 2);
    cr_assert_eq(dint(t, "no"), 2);
    cr_assert_eq(dint(t, "abstain"), 1);
    cr_assert_eq(O.log.unseal_count, 1, "the kept answers go at the close");
    for (size_t i = 0; i < P(id)->count; i++) {
        cr_assert_eq(P(id)->positions[i].position, AC_POS_SEALED,
                     "nor does the state keep them after the close");
    }
    replay_matches();
    cr_assert(ac_str_eq_c(O.log.unseal[0], id));
}

Test(secret, a_secret_choice_writes_its_ballots_without_names)
{
    const char *id = choice_org("schulze/secret", "[\"oak\",\"elm\",\"ash\"]");
    const struct ac_val *ballots;
    struct ac_choice_result r;
    struct ac_err err = {0};
    OK(delegate("erin", "dan", NULL));
    OK(ballot("alice", id, "{\"ranking\":[1,2]}"));
    is_type(last(0), "vote.cast");
    cr_assert_null(ac_choice_report(&O.s, P(id), &O.ea, &err),
                   "no live count of a secret ballot");
    OK(ballot("bob", id, "{\"ranking\":[2]}"));
    OK(ballot("carol", id, "{\"ranking\":[2,3]}"));
    OK(ballot("dan", id, "{\"ranking\":[3]}"));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_DECIDED);
    cr_assert_null(ac_val_get(last(0)->data, "weights"), "no names");
    ballots = ac_val_get(P(id)->result, "ballots");
    cr_assert_not_null(ballots);

    cr_assert(ac_val_equal(ballots, J("[{\"ranking\":[[1],[2]],\"count\":1},"
                                      "{\"ranking\":[[2],[3]],\"count\":1},"
                                      "{\"ranking\":[[2]],\"count\":1},"
                                      "{\"ranking\":[[3]],\"count\":2}]")),
              "ordered by each option's rank, dan's carrying erin's vote");
    winners_are(id, "[2]");
    /* anyone recounts from the anonymous ballots */
    cr_assert_eq(ac_choice_count(&O.s, P(id), false, NULL, &O.ea, &r, &err),
                 AC_OK, "%s", err.msg);
    cr_assert_eq(r.ballots, 4);
    cr_assert(
        ac_val_equal(ac_val_get(ac_choice_result_val(&r, &O.ea), "ranking"),
                     ac_val_get(P(id)->result, "ranking")));
    replay_matches();
}

Test(delegation, approval_totals_count_delegated_votes)
{
    const char *id = choice_org("approval", "[\"oak\",\"elm\"]");
    OK(delegate("bob", "alice", NULL));
    OK(ballot("alice", id, "{\"approve\":[1]}"));
    OK(ballot("carol", id, "{\"approve\":[2]}"));
    OK(ballot("dan", id, "{\"approve\":[2]}"));
    tick_at(P(id)->deadline);
    cr_assert(ac_val_equal(ac_val_get(P(id)->result, "totals"), J("[2,2]")),
              "alice carries bob's approval");
}

/* ==== ballots collected elsewhere ==== */

TestSuite(import, .init = setup, .fini = teardown);

#define IMPORT_DATA                                                            \
    "{\"options\":[\"oak\",\"elm\",\"ash\"],\"source\":\"paper ballots of "    \
    "the spring meeting\",\"ballots\":[{\"count\":5,\"ranking\":[[1],[2],"     \
    "[3]]},{\"count\":4,\"ranking\":[[2],[3],[1]]},{\"count\":2,"              \
    "\"ranking\":[[3],[1],[2]]}]}"

Test(import, the_data_is_checked)
{
    static const char *const bad[][2] = {
        {"{\"options\":[\"oak\"],\"ballots\":[{\"count\":1,\"ranking\":[1]}]}",
         "/data/source"},
        {"{\"options\":[\"oak\"],\"source\":\"x\",\"ballots\":[]}",
         "/data/ballots"},
        {"{\"options\":[\"oak\"],\"source\":\"x\",\"ballots\":[{\"count\":0,"
         "\"ranking\":[1]}]}",
         "/data/ballots/0"},
        {"{\"options\":[\"oak\"],\"source\":\"x\",\"ballots\":[{\"count\":1,"
         "\"ranking\":[2]}]}",
         "/data/ballots/0/ranking/0"},
        {"{\"options\":[\"oak\"],\"source\":\"x\",\"count\":\"approval\","
         "\"ballots\":[{\"count\":1,\"ranking\":[1]}]}",
         "/data/count"},
    };
    org3();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FAILS(propose("alice", "all", "choice.import", "Spring meeting",
                      bad[i][0]),
              AC_EINVAL, bad[i][1]);
    }
}

Test(import, the_circle_accepts_the_ballots_then_they_count)
{
    const char *id;
    struct ac_choice_result r;
    struct ac_err err = {0};
    org3();
    id = open_kind("all", "choice.import", IMPORT_DATA);
    method_is(id, AC_M_CONSENT, 0);
    FAILS(ballot("bob", id, "{\"ranking\":[1]}"), AC_ECONFLICT, NULL);
    /* an objection is heard as everywhere: the circle may refuse them */
    OK(pos("bob", id, "object", "two of these ballots were not ours"));
    OK(pos("alice", id, "consent", ""));
    OK(pos("carol", id, "consent", ""));
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    cr_assert_null(P(id)->result);
    O.now += MIN;
    OK(amend("alice", id, "Spring meeting, checked", IMPORT_DATA));
    OK(pos("bob", id, "consent", ""));
    OK(pos("alice", id, "consent", ""));
    OK(pos("carol", id, "consent", ""));
    cr_assert_eq(status(id), AC_PROP_ADOPTED, "%.*s", (int)P(id)->outcome.len,
                 P(id)->outcome.ptr);
    /* 1 beats 2 (7:4) and 2 beats 3 (9:2); 3 beats 1 (6:5) only directly */
    winners_are(id, "[1]");
    outcome_has(id, "option 1 \"oak\" wins (schulze)");
    cr_assert_eq(ac_choice_count(&O.s, P(id), false, NULL, &O.ea, &r, &err),
                 AC_OK, "%s", err.msg);
    cr_assert_eq(r.ballots, 11, "the voters of the imported ballots");
    cr_assert_eq(r.schulze.d[0 * 3 + 1], 7);
    cr_assert_eq(r.schulze.d[2 * 3 + 0], 6);
    replay_matches();
}

/* ==== a crafted log ==== */

TestSuite(crafted, .init = setup, .fini = teardown);

static enum ac_status nominate_for(const char *actor, const char *id,
                                   const char *nominee)
{
    struct ac_cmd c = {.type = AC_CMD_NOMINATE};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.nominee = ac_str_c(nominee);
    c.reason = AC_STR("fits");
    return run(&c);
}

/* An event no command would emit, applied after the head: refused. */
static void refused_event(const char *actor, const char *type, const char *data,
                          int64_t at)
{
    struct ac_event ev = {0};
    struct ac_err err = {0};
    int64_t seq = O.s.seq;
    ev.seq = seq + 1;
    ev.time = at;
    ev.actor = ac_str_c(actor);
    ev.type = ac_str_c(type);
    ev.data = J(data);
    cr_assert_eq(ac_state_apply(&O.s, &ev, &err), AC_ECORRUPT,
                 "%s %s was taken", type, data);
    cr_assert_eq(O.s.seq, seq);
}

Test(crafted, events_exec_never_emits_are_refused)
{
    const char *id = vote_org("majority/secret");
    char data[256];
    /* an open answer on a secret ballot */
    snprintf(data, sizeof data,
             "{\"proposal\":\"%s\",\"round\":1,\"position\":\"yes\","
             "\"reason\":\"\"}",
             id);
    refused_event("bob", "position.given", data, O.now);
    /* a delegation to oneself */
    refused_event("bob", "delegation.given",
                  "{\"circle\":\"all\",\"kind\":\"\",\"to\":\"bob\","
                  "\"expires\":\"2027-06-01T00:00:00.000Z\"}",
                  O.now);
    /* a removal put to a vote the charter cannot allow */
    snprintf(data, sizeof data,
             "{\"id\":\"p%zu\",\"circle\":\"all\",\"kind\":\"member.remove\","
             "\"title\":\"Out\",\"data\":{\"member\":\"bob\",\"reason\":\"x\"},"
             "\"deadline\":\"2027-06-01T00:00:00.000Z\",\"method\":"
             "\"majority\"}",
             O.s.proposal_count + 1);
    refused_event("alice", "proposal.opened", data, O.now);
}

Test(crafted, a_term_does_not_end_early_nor_by_a_member)
{
    org3();
    adopt("alice", "all", "role.create", "A keeper",
          "{\"id\":\"keeper\",\"name\":\"Keeper\",\"purpose\":\"Keys\","
          "\"accountabilities\":[],\"term_days\":30}");
    O.now += MIN;
    OK(propose("alice", "all", "role.elect", "Elect", "{\"role\":\"keeper\"}"));
    OK(nominate_for("alice", newest(), "bob"));
    OK(nominate_for("bob", newest(), "bob"));
    OK(nominate_for("carol", newest(), "bob"));
    tick_at(P(newest())->deadline);
    all_consent(newest());
    refused_event("system", "role.term_ended",
                  "{\"role\":\"keeper\",\"member\":\"bob\"}", O.now);
    refused_event("bob", "role.term_ended",
                  "{\"role\":\"keeper\",\"member\":\"bob\"}", O.now + 31 * DAY);
}
