/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor (docs/power.md): the facts the state keeps as events
 * are applied, the per-member values and figures of a report, windows,
 * circles, roles, delegations, and the alerts the charter's thresholds
 * raise and clear; driven through ac_exec with an injected clock. */
#include <criterion/criterion.h>
#include <math.h>

#include "exec_fixture.h"

static struct ac_arena work; /* the reports' memory */

static void power_teardown(void)
{
    ac_arena_release(&work);
    teardown();
}

TestSuite(power, .init = setup, .fini = power_teardown);

static struct ac_power_report report_of(const char *circle, int64_t since)
{
    struct ac_power_report r;
    struct ac_err err = {0};
    ac_arena_release(&work);
    ac_arena_init(&work, 0);
    cr_assert_eq(
        ac_power_report(&O.s, ac_str_c(circle), since, O.now, &work, &r, &err),
        AC_OK, "%s", err.msg);
    return r;
}

/* The value of member id in dimension d. */
static double value(const struct ac_power_report *r, enum ac_dim d,
                    const char *id)
{
    for (size_t i = 0; i < r->n; i++) {
        if (ac_str_eq_c(r->members[i]->id, id)) {
            return r->values[d][i];
        }
    }
    cr_assert_fail("%s is not in the report", id);
    return NAN;
}

static void near(double got, double want, const char *what)
{
    cr_assert(fabs(got - want) < 1e-9, "%s: %.12g, not %.12g", what, got, want);
}

static const char *agree(const char *actor, const char *title)
{
    return adopt(actor, "all", "agreement.adopt", title,
                 "{\"text\":\"We agree.\"}");
}

Test(power, counts_authored_and_adopted_per_member)
{
    struct ac_power_report r;
    org3(); /* alice authored and got adopted the two admissions */
    agree("bob", "Quiet hours");
    O.now += MIN;
    OK(propose("carol", "all", "agreement.adopt", "Pets",
               "{\"text\":\"Cats welcome.\"}"));
    O.now += MIN;
    OK(withdraw("carol", newest()));

    r = report_of("all", 0);
    cr_assert_eq(r.n, 3);
    near(value(&r, AC_DIM_PROPOSALS_AUTHORED, "alice"), 2, "alice authored");
    near(value(&r, AC_DIM_PROPOSALS_AUTHORED, "bob"), 1, "bob authored");
    near(value(&r, AC_DIM_PROPOSALS_AUTHORED, "carol"), 1, "carol authored");
    near(value(&r, AC_DIM_PROPOSALS_ADOPTED, "alice"), 2, "alice adopted");
    near(value(&r, AC_DIM_PROPOSALS_ADOPTED, "carol"), 0, "carol adopted");
    near(r.dist[AC_DIM_PROPOSALS_ADOPTED].total, 3, "adopted total");
    /* values 0, 1, 2: sum |xi - xj| = 8 over 2 * 9 * 1 */
    near(r.dist[AC_DIM_PROPOSALS_ADOPTED].gini, 8.0 / 18.0, "adopted gini");
    cr_assert_eq(r.dist[AC_DIM_PROPOSALS_ADOPTED].nakamoto, 1);
    /* values 2, 1, 1: 4 / (2 * 9 * 4/3) */
    near(r.dist[AC_DIM_PROPOSALS_AUTHORED].gini, 4.0 / 24.0, "authored gini");
}

Test(power, objections_raised_and_integrated_make_ties)
{
    struct ac_power_report r;
    const char *id;
    org3();
    O.now += MIN;
    OK(propose("alice", "all", "agreement.adopt", "Noise",
               "{\"text\":\"Music until midnight.\"}"));
    id = newest();
    O.now += MIN;
    OK(pos("bob", id, "object", "too late for the neighbours"));
    O.now += MIN;
    OK(pos("carol", id, "object", "the children sleep at eight"));
    O.now += MIN;
    OK(pos("carol", id, "object", "the children sleep at eight, really"));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    O.now += MIN;
    OK(amend("alice", id, NULL, "{\"text\":\"Music until ten.\"}"));
    all_consent(id);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);

    r = report_of("all", 0);
    near(value(&r, AC_DIM_OBJECTIONS_RAISED, "bob"), 1, "bob raised");
    near(value(&r, AC_DIM_OBJECTIONS_RAISED, "carol"), 1,
         "carol raised once, reason changed");
    near(value(&r, AC_DIM_OBJECTIONS_INTEGRATED, "bob"), 1, "bob integrated");
    near(value(&r, AC_DIM_OBJECTIONS_INTEGRATED, "carol"), 1,
         "carol integrated");
    near(value(&r, AC_DIM_OBJECTIONS_INTEGRATED, "alice"), 0,
         "alice integrated");
    /* ties: bob and carol answered alice (admissions and this one), alice
     * integrated both objections: bob <-> alice, carol <-> alice */
    cr_assert_eq(r.graph.nodes, 3);
    cr_assert_eq(r.graph.edges, 4);
    near(r.graph.reciprocity, 1, "every tie goes both ways");
    replay_matches();
}

Test(power, participation_is_answers_per_round_eligible)
{
    struct ac_power_report r;
    const char *id;
    org3();
    O.now += MIN;
    OK(propose("bob", "all", "agreement.adopt", "Bins",
               "{\"text\":\"Sort the bins.\"}"));
    id = newest();
    O.now += MIN;
    OK(pos("bob", id, "consent", ""));
    O.now += MIN;
    OK(pos("alice", id, "concern", "who empties them?"));
    tick_at(P(id)->deadline); /* carol silent */
    cr_assert_eq(status(id), AC_PROP_ADOPTED);

    r = report_of("all", 0);
    /* rounds closed: p1 (alice alone), p2 (alice, bob), p3 (all three) */
    near(value(&r, AC_DIM_PARTICIPATION, "alice"), 3.0 / 3.0, "alice");
    near(value(&r, AC_DIM_PARTICIPATION, "bob"), 2.0 / 2.0, "bob");
    near(value(&r, AC_DIM_PARTICIPATION, "carol"), 0.0 / 1.0, "carol");
}

Test(power, a_window_counts_only_recent_activity)
{
    struct ac_power_report r;
    int64_t since;
    org3();
    O.now += 30 * DAY;
    since = O.now;
    agree("bob", "Quiet hours");
    agree("bob", "Garden");
    r = report_of("all", since);
    near(value(&r, AC_DIM_PROPOSALS_ADOPTED, "alice"), 0, "alice, recent");
    near(value(&r, AC_DIM_PROPOSALS_ADOPTED, "bob"), 2, "bob, recent");
    cr_assert_eq(r.dist[AC_DIM_PROPOSALS_ADOPTED].nakamoto, 1);
    /* eligible rounds in the window: the two, for everyone */
    near(value(&r, AC_DIM_PARTICIPATION, "carol"), 1, "carol consented");
    r = report_of("all", 0);
    near(value(&r, AC_DIM_PROPOSALS_ADOPTED, "alice"), 2, "alice, all time");
}

Test(power, a_circle_report_has_its_members_and_activity_only)
{
    struct ac_power_report r;
    struct ac_err err = {0};
    org3_ops(); /* ops: alice, bob */
    adopt("bob", "ops", "agreement.adopt", "Keys",
          "{\"text\":\"Keys on the hook.\"}");
    r = report_of("ops", 0);
    cr_assert_eq(r.n, 2);
    near(value(&r, AC_DIM_PROPOSALS_ADOPTED, "bob"), 1, "bob in ops");
    near(value(&r, AC_DIM_PROPOSALS_ADOPTED, "alice"), 0, "alice in ops");
    /* one round closed in ops since both were counted in it */
    near(value(&r, AC_DIM_PARTICIPATION, "alice"), 1, "alice in ops");
    ac_arena_release(&work);
    ac_arena_init(&work, 0);
    cr_assert_eq(
        ac_power_report(&O.s, AC_STR("nope"), 0, O.now, &work, &r, &err),
        AC_ENOTFOUND);
    cr_assert_str_eq(err.where, "circle");
}

Test(power, removal_ends_a_members_eligibility)
{
    struct ac_power_report r;
    org3();
    adopt("alice", "all", "member.remove", "Carol left town",
          "{\"member\":\"carol\",\"reason\":\"moved away\"}");
    agree("bob", "Quiet hours");
    r = report_of("all", 0);
    cr_assert_eq(r.n, 2, "carol is no longer counted");
    near(value(&r, AC_DIM_PARTICIPATION, "bob"), 1, "bob answered all");
}

static enum ac_status delegate(const char *from, const char *to)
{
    struct ac_cmd c = {.type = AC_CMD_DELEGATE};
    c.actor = ac_str_c(from);
    c.circle = AC_STR("all");
    c.kind = AC_STR("");
    c.other = ac_str_c(to);
    O.now += MIN;
    return run(&c);
}

Test(power, delegated_weight_is_capped_and_transitive)
{
    struct ac_power_report r;
    org3();
    admit("dana", "Dana");
    admit("erin", "Erin");
    OK(delegate("bob", "alice"));
    OK(delegate("carol", "bob")); /* carol -> bob -> alice */
    OK(delegate("dana", "alice"));
    r = report_of("all", 0);
    /* cap 3: bob first, then carol; dana's is over the cap */
    near(value(&r, AC_DIM_DELEGATED_WEIGHT, "alice"), 3, "alice carries");
    near(value(&r, AC_DIM_DELEGATED_WEIGHT, "bob"), 1, "bob passes on");
    near(value(&r, AC_DIM_DELEGATED_WEIGHT, "erin"), 1, "erin votes");
}

#define KEEPER                                                                 \
    "{\"id\":\"keeper\",\"name\":\"Tool keeper\",\"purpose\":\"Tools\","       \
    "\"accountabilities\":[\"inventory\"],\"domain\":\"the shed\","            \
    "\"term_days\":30}"

static enum ac_status nominate(const char *actor, const char *id,
                               const char *nominee)
{
    struct ac_cmd c = {.type = AC_CMD_NOMINATE};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.nominee = ac_str_c(nominee);
    c.reason = AC_STR("knows the tools");
    return run(&c);
}

static void elect_keeper(const char *who)
{
    const char *id;
    static const char *const all[] = {"alice", "bob", "carol"};
    O.now += MIN;
    OK(propose("alice", "all", "role.elect", "Elect a keeper",
               "{\"role\":\"keeper\"}"));
    id = newest();
    for (int i = 0; i < 3; i++) {
        O.now += MIN;
        OK(nominate(all[i], id, who));
    }
    tick_at(P(id)->deadline);
    all_consent(id);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
}

Test(power, role_days_and_roles_held_come_from_the_terms)
{
    struct ac_power_report r;
    int64_t start;
    org3();
    adopt("alice", "all", "role.create", "A keeper", KEEPER);
    elect_keeper("bob");
    start = O.now;
    O.now += 10 * DAY;
    r = report_of("all", 0);
    near(value(&r, AC_DIM_ROLES_HELD, "bob"), 1, "bob holds one role");
    near(value(&r, AC_DIM_ROLE_DAYS, "bob"), 10, "ten days so far");
    r = report_of("all", start + 6 * DAY);
    near(value(&r, AC_DIM_ROLE_DAYS, "bob"), 4, "four days in the window");
    /* the term ends by itself after 30 days */
    tick_at(ac_state_role(&O.s, AC_STR("keeper"))->terms[0].end);
    cr_assert_eq(ac_state_role(&O.s, AC_STR("keeper"))->terms[0].end,
                 start + 30 * DAY);
    O.now += 10 * DAY;
    r = report_of("all", 0);
    near(value(&r, AC_DIM_ROLE_DAYS, "bob"), 30, "a whole term");
    near(value(&r, AC_DIM_ROLES_HELD, "bob"), 0, "the role is vacant");
}

/* Runs the power check; returns the events it emitted. */
static size_t check(void)
{
    struct ac_cmd c = {.type = AC_CMD_POWER};
    size_t before = O.log.count;
    c.actor = AC_STR("system");
    OK(run(&c));
    return O.log.count - before;
}

static void set_charter(const char *json)
{
    adopt("alice", "all", "charter.amend", "Thresholds", json);
}

Test(power, an_alert_is_raised_once_and_cleared_when_the_spread_evens)
{
    const struct ac_event *ev;
    const struct ac_val *members;
    org3();
    set_charter("{\"set\":{\"power.alert.min_total\":4}}");
    /* alice: 3 adopted (2 admissions, the charter), bob and carol none */
    cr_assert_eq(check(), 0, "below min_total: nothing to judge");
    agree("alice", "Quiet hours"); /* 4, 0, 0: gini 2/3 */
    cr_assert_eq(check(), 1);
    ev = last(0);
    is_type(ev, "power.alert");
    cr_assert(ac_str_eq_c(ev->actor, "system"));
    cr_assert(ac_str_eq_c(dstr(ev, "measure"), "proposals_adopted.gini"));
    cr_assert(ac_str_eq_c(dstr(ev, "circle"), "all"));
    cr_assert_eq(dint(ev->data, "value"), 67);
    cr_assert_eq(dint(ev->data, "threshold"), 60);
    members = ac_val_get(ev->data, "members");
    cr_assert_eq(members->count, 1);
    cr_assert(ac_str_eq_c(members->items[0]->s, "alice"));
    cr_assert_eq(O.s.power.alert_count, 1);
    cr_assert_eq(check(), 0, "an open alert is not raised again");

    agree("bob", "Garden");
    agree("bob", "Tools");
    agree("carol", "Bikes");
    agree("carol", "Pets"); /* 4, 2, 2: gini 8 / 48 */
    cr_assert_eq(check(), 1);
    is_type(last(0), "power.cleared");
    cr_assert_eq(dint(last(0)->data, "value"), 17);
    cr_assert_eq(O.s.power.alert_count, 0);
    replay_matches();
}

Test(power, thresholds_set_to_zero_turn_alerts_off)
{
    org3();
    set_charter("{\"set\":{\"power.alert.min_total\":1,"
                "\"power.alert.proposals_adopted.gini\":0}}");
    agree("alice", "Quiet hours");
    cr_assert_eq(check(), 0);
}

Test(power, roles_held_and_delegated_weight_alert_name_the_members)
{
    struct ac_str m;
    org3();
    admit("dana", "Dana");
    OK(delegate("bob", "carol"));
    OK(delegate("dana", "carol"));
    cr_assert_eq(check(), 1);
    is_type(last(0), "power.alert");
    cr_assert(ac_str_eq_c(dstr(last(0), "measure"), "delegated_weight"));
    cr_assert_eq(dint(last(0)->data, "value"), 3);
    m = ac_val_get(last(0)->data, "members")->items[0]->s;
    cr_assert(ac_str_eq_c(m, "carol"));
    O.now += MIN;
    {
        struct ac_cmd c = {.type = AC_CMD_REVOKE};
        c.actor = AC_STR("dana");
        c.circle = AC_STR("all");
        c.kind = AC_STR("");
        OK(run(&c));
    }
    cr_assert_eq(check(), 1);
    is_type(last(0), "power.cleared");
}

Test(power, a_forged_alert_event_is_refused_by_the_fold)
{
    struct ac_event ev;
    struct ac_err err = {0};
    org3();
    ev = (struct ac_event){.seq = O.s.seq + 1,
                           .time = O.now,
                           .actor = AC_STR("alice"),
                           .type = AC_STR("power.alert"),
                           .data = J("{\"measure\":\"roles_held\",\"circle\":"
                                     "\"all\",\"value\":3,\"threshold\":2,"
                                     "\"members\":[\"bob\"]}")};
    memcpy(ev.prev, O.s.head, AC_HASH_LEN);
    cr_assert_eq(ac_state_apply(&O.s, &ev, &err), AC_ECORRUPT);
    cr_assert(strstr(err.msg, "not by system"), "%s", err.msg);
    ev.actor = AC_STR("system");
    ev.type = AC_STR("power.cleared");
    ev.data = J("{\"measure\":\"roles_held\",\"circle\":\"all\",\"value\":1,"
                "\"threshold\":2}");
    cr_assert_eq(ac_state_apply(&O.s, &ev, &err), AC_ECORRUPT);
    cr_assert(strstr(err.msg, "no such alert"), "%s", err.msg);
}

Test(power, an_answer_of_a_member_who_left_the_circle_is_not_counted)
{
    struct ac_power_report r;
    const char *id;
    org3_ops(); /* ops: alice, bob */
    O.now += MIN;
    OK(propose("alice", "ops", "agreement.adopt", "Keys",
               "{\"text\":\"Keys on the hook.\"}"));
    id = newest();
    O.now += MIN;
    OK(pos("bob", id, "consent", ""));
    adopt("alice", "all", "circle.amend", "Bob moves to the garden",
          "{\"circle\":\"ops\",\"remove\":[\"bob\"]}");
    tick_at(P(id)->deadline);
    r = report_of("all", 0);
    for (size_t i = 0; i < r.n; i++) {
        cr_assert_leq(r.values[AC_DIM_PARTICIPATION][i], 1.0, "%.*s",
                      (int)r.members[i]->id.len, r.members[i]->id.ptr);
    }
    /* bob: p1..p5 in all (his admission round excluded), not the keys */
    r = report_of("ops", 0);
    cr_assert_eq(r.n, 1, "only alice is in ops now");
}

Test(power, alerts_judge_the_value_the_log_records)
{
    org3();
    /* alice holds 3 of 3 adopted: gini 2/3, recorded as 67 */
    set_charter("{\"set\":{\"power.alert.min_total\":3,"
                "\"power.alert.proposals_adopted.gini\":67}}");
    cr_assert_eq(check(), 1, "67 reaches 67");
    is_type(last(0), "power.alert");
    cr_assert_eq(dint(last(0)->data, "value"), 67);
    set_charter("{\"set\":{\"power.alert.proposals_adopted.gini\":68}}");
    cr_assert_eq(check(), 1);
    is_type(last(0), "power.cleared");
    cr_assert_lt(dint(last(0)->data, "value"),
                 dint(last(0)->data, "threshold"));
}
