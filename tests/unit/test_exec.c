/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The consent process (DESIGN.md section 4) driven through ac_exec with
 * an injected clock: founding, proposals of every kind, positions, closing
 * rounds, amendments, withdrawals, lapses, the charter's fallback,
 * entrenched articles, every kind's effect, and replay determinism.
 *
 * Every command goes through run(), which checks the two promises of
 * ac_exec on every call: a refused command emits nothing and leaves the
 * state as it was; an accepted one emits events that extend the chain. */
#include <criterion/criterion.h>

#include "exec_fixture.h"

TestSuite(found, .init = setup, .fini = teardown);
TestSuite(propose, .init = setup, .fini = teardown);
TestSuite(position, .init = setup, .fini = teardown);
TestSuite(close, .init = setup, .fini = teardown);
TestSuite(amend, .init = setup, .fini = teardown);
TestSuite(withdraw, .init = setup, .fini = teardown);
TestSuite(rounds, .init = setup, .fini = teardown);
TestSuite(effect, .init = setup, .fini = teardown);
TestSuite(entrenched, .init = setup, .fini = teardown);
TestSuite(replay, .init = setup, .fini = teardown);

/* ==== founding ==== */

Test(found, creates_the_organisation)
{
    const struct ac_event *ev;
    const struct ac_val *charter;
    OK(found());
    cr_assert_eq(O.log.count, 1);
    ev = last(0);
    is_type(ev, "org.founded");
    cr_assert(ac_str_eq_c(ev->actor, "operator"));
    cr_assert_eq(ev->seq, 1);
    cr_assert_eq(ev->time, T0);
    for (int i = 0; i < AC_HASH_LEN; i++) {
        cr_assert_eq(ev->prev[i], 0);
    }
    cr_assert(ac_str_eq_c(dstr(ev, "name"), "Example Co-op"));
    cr_assert(ac_str_eq_c(ac_val_get(ac_val_get(ev->data, "founder"), "id")->s,
                          "alice"));
    charter = ac_val_get(ev->data, "charter");
    cr_assert_eq(charter->count, AC_PARAM_COUNT);
    cr_assert_eq(dint(charter, "consent.round_hours"), 72);

    cr_assert(O.s.founded);
    cr_assert(ac_str_eq_c(O.s.name, "Example Co-op"));
    cr_assert_eq(O.s.seq, 1);
    cr_assert_eq(O.s.member_count, 1);
    cr_assert_eq(O.s.active_count, 1);
    cr_assert_eq(M("alice")->status, AC_MEMBER_ACTIVE);
    cr_assert(ac_str_eq_c(M("alice")->name, "Alice"));
    cr_assert_eq(M("alice")->admitted_by.len, 0);
    cr_assert_eq(O.s.circle_count, 1);
    cr_assert(ac_str_eq_c(O.s.circles[0].id, AC_ROOT_CIRCLE));
    cr_assert_eq(O.s.charter.value[AC_P_ROUND_HOURS], 72);
    cr_assert_eq(O.s.charter.value[AC_P_FALLBACK], 0);
    cr_assert_eq(ac_state_next_due(&O.s), INT64_MAX);
    replay_matches();
}

Test(found, only_once)
{
    OK(found());
    FAILS(found(), AC_ECONFLICT, NULL);
}

Test(found, commands_need_a_founded_organisation)
{
    FAILS(propose("alice", "all", "agreement.adopt", "T", "{\"text\":\"x\"}"),
          AC_ECONFLICT, NULL);
    FAILS(join("alice"), AC_ECONFLICT, NULL);
}

Test(found, invalid_founding)
{
    struct snap b = snapshot();
    static const char *const bad_ids[] = {"Alice",
                                          "",
                                          "system",
                                          "operator",
                                          "-alice",
                                          "al ice",
                                          "a23456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        O.err = (struct ac_err){0};
        cr_assert_eq(ac_exec_found(&O.s, AC_STR("Org"), ac_str_c(bad_ids[i]),
                                   AC_STR("Alice"), T0, &O.ea, &O.log, &O.err),
                     AC_EINVAL, "%s", bad_ids[i]);
        cr_assert_str_eq(O.err.where, "founder");
    }
    cr_assert_eq(ac_exec_found(&O.s, AC_STR(""), AC_STR("alice"),
                               AC_STR("Alice"), T0, &O.ea, &O.log, &O.err),
                 AC_EINVAL);
    cr_assert_str_eq(O.err.where, "org");
    cr_assert_eq(ac_exec_found(&O.s, AC_STR("Org"), AC_STR("alice"), AC_STR(""),
                               T0, &O.ea, &O.log, &O.err),
                 AC_EINVAL);
    cr_assert_str_eq(O.err.where, "name");
    unchanged(&b, "founding");
    cr_assert_not(O.s.founded);
}

Test(found, three_members)
{
    org3();
    cr_assert_eq(M("bob")->status, AC_MEMBER_ACTIVE);
    cr_assert(ac_str_eq_c(M("bob")->admitted_by, "p1"));
    cr_assert(ac_str_eq_c(M("carol")->admitted_by, "p2"));
    cr_assert_eq(ac_state_circle_size(&O.s, &O.s.circles[0]), 3);
    replay_matches();
}

/* ==== proposing ==== */

static void opened_ok(const char *kind)
{
    const struct ac_event *ev = last(0);
    struct ac_proposal *p = P(newest());
    is_type(ev, "proposal.opened");
    cr_assert(ac_str_eq_c(dstr(ev, "kind"), kind));
    cr_assert(ac_str_eq_c(dstr(ev, "id"), newest()));
    cr_assert(ac_str_eq_c(
        p->kind == AC_KIND_COUNT ? AC_STR("") : ac_str_c(ac_kind_name(p->kind)),
        kind));
    cr_assert_eq(p->status, AC_PROP_OPEN);
    cr_assert_eq(p->round, 1);
    cr_assert_eq(p->version, 1);
    cr_assert_eq(p->count, 0);
    cr_assert_eq(p->opened, O.now);
    cr_assert_eq(p->deadline, O.now + 72 * HOUR);
    cr_assert_eq(dtime(ev, "deadline"), O.now + 72 * HOUR);
    cr_assert(ac_val_equal(p->data, ac_val_get(ev->data, "data")));
}

Test(propose, every_kind_with_valid_data)
{
    static const char *const cases[][3] = {
        {"all", "agreement.adopt",
         "{\"text\":\"We publish minutes.\",\"review_by\":\"2027-06-01\"}"},
        {"all", "agreement.adopt", "{\"text\":\"No review date.\"}"},
        {"all", "agreement.amend",
         "{\"agreement\":\"a1\",\"text\":\"We meet every two weeks.\"}"},
        {"all", "agreement.retire", "{\"agreement\":\"a1\"}"},
        {"all", "charter.amend", "{\"set\":{\"consent.round_hours\":24}}"},
        {"all", "charter.amend",
         "{\"set\":{\"consent.fallback\":\"none\",\"proposal.lapse_days\":7,"
         "\"article.open_record\":\"Everything is on the record.\"}}"},
        {"all", "member.admit", "{\"id\":\"dave\",\"name\":\"Dave\"}"},
        {"all", "member.remove",
         "{\"member\":\"carol\",\"reason\":\"Asked to leave.\"}"},
        {"all", "circle.create",
         "{\"id\":\"dev\",\"name\":\"Development\",\"purpose\":\"Build it\","
         "\"members\":[\"bob\",\"carol\"]}"},
        {"all", "circle.amend",
         "{\"circle\":\"all\",\"purpose\":\"Everyone together\"}"},
        {"all", "circle.amend",
         "{\"circle\":\"ops\",\"add\":[\"carol\"],\"remove\":[\"bob\"]}"},
        {"ops", "circle.amend",
         "{\"circle\":\"ops\",\"purpose\":\"Keep everything running\"}"},
        {"ops", "agreement.adopt", "{\"text\":\"On call by rota.\"}"},
    };
    org3_ops();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        O.now += MIN;
        OK(propose("alice", cases[i][0], cases[i][1], "A proposal",
                   cases[i][2]));
        opened_ok(cases[i][1]);
        cr_assert(ac_str_eq_c(P(newest())->author, "alice"));
        cr_assert(ac_str_eq_c(P(newest())->circle, cases[i][0]));
        cr_assert(ac_str_eq_c(last(0)->actor, "alice"));
    }
    cr_assert_eq(ac_state_next_due(&O.s), P("p5")->deadline,
                 "the earliest deadline is due first");
    replay_matches();
}

Test(propose, unknown_kind_circle_and_title)
{
    org3_ops();
    FAILS(propose("alice", "all", "agreement.adpot", "T", "{\"text\":\"x\"}"),
          AC_EINVAL, "/kind");
    FAILS(propose("alice", "all", "", "T", "{\"text\":\"x\"}"), AC_EINVAL,
          "/kind");
    FAILS(propose("alice", "nope", "agreement.adopt", "T", "{\"text\":\"x\"}"),
          AC_EINVAL, "/circle");
    FAILS(propose("alice", "all", "agreement.adopt", "", "{\"text\":\"x\"}"),
          AC_EINVAL, "/title");
    FAILS(
        propose("alice", "all", "agreement.adopt", " \t\n", "{\"text\":\"x\"}"),
        AC_EINVAL, "/title");
    {
        char title[AC_TITLE_MAX + 2];
        memset(title, 't', sizeof title);
        title[AC_TITLE_MAX + 1] = '\0';
        FAILS(propose("alice", "all", "agreement.adopt", title,
                      "{\"text\":\"x\"}"),
              AC_EINVAL, "/title");
        title[AC_TITLE_MAX] = '\0';
        OK(propose("alice", "all", "agreement.adopt", title,
                   "{\"text\":\"x\"}"));
    }
    FAILS(propose("alice", "all", "agreement.adopt", "bad \xff title",
                  "{\"text\":\"x\"}"),
          AC_EINVAL, "/title");
    FAILS(propose("alice", "all", "agreement.adopt", "T", NULL), AC_EINVAL,
          "/data");
    FAILS(propose("alice", "all", "agreement.adopt", "T", "[\"x\"]"), AC_EINVAL,
          "/data");
}

Test(propose, only_members_of_the_circle)
{
    org3_ops();
    FAILS(propose("zed", "all", "agreement.adopt", "T", "{\"text\":\"x\"}"),
          AC_EDENIED, NULL);
    FAILS(propose("system", "all", "agreement.adopt", "T", "{\"text\":\"x\"}"),
          AC_EDENIED, NULL);
    FAILS(propose("carol", "ops", "agreement.adopt", "T", "{\"text\":\"x\"}"),
          AC_EDENIED, NULL);
    OK(propose("bob", "ops", "agreement.adopt", "T", "{\"text\":\"x\"}"));
    /* an admitted member who has not joined yet */
    adopt("alice", "all", "member.admit", "Dave",
          "{\"id\":\"dave\",\"name\":\"Dave\"}");
    FAILS(propose("dave", "all", "agreement.adopt", "T", "{\"text\":\"x\"}"),
          AC_EDENIED, NULL);
}

Test(propose, agreement_adopt_data)
{
    org3_ops();
    FAILS(propose("alice", "all", "agreement.adopt", "T", "{}"), AC_EINVAL,
          "/data/text");
    FAILS(propose("alice", "all", "agreement.adopt", "T", "{\"text\":\"\"}"),
          AC_EINVAL, "/data/text");
    FAILS(propose("alice", "all", "agreement.adopt", "T", "{\"text\":5}"),
          AC_EINVAL, "/data/text");
    FAILS(propose("alice", "all", "agreement.adopt", "T",
                  "{\"text\":\"x\",\"review_by\":\"2027-02-30\"}"),
          AC_EINVAL, "/data/review_by");
    FAILS(propose("alice", "all", "agreement.adopt", "T",
                  "{\"text\":\"x\",\"review_by\":\"tomorrow\"}"),
          AC_EINVAL, "/data/review_by");
    cr_assert(has(ac_str_c(O.err.msg), "YYYY-MM-DD"), "%s", O.err.msg);
    FAILS(propose("alice", "all", "agreement.adopt", "T",
                  "{\"text\":\"x\",\"review_by\":\"\"}"),
          AC_EINVAL, "/data/review_by");
    FAILS(
        propose("alice", "all", "agreement.adopt", "T",
                "{\"text\":\"x\",\"review_by\":\"2027-06-01T00:00:00.000Z\"}"),
        AC_EINVAL, "/data/review_by");
    FAILS(propose("alice", "all", "agreement.adopt", "T",
                  "{\"text\":\"x\",\"review_by\":20270601}"),
          AC_EINVAL, "/data/review_by");
    FAILS(propose("alice", "all", "agreement.adopt", "T",
                  "{\"text\":\"x\",\"extra\":1}"),
          AC_EINVAL, "/data/extra");
    FAILS(propose("alice", "all", "agreement.adopt", "T",
                  "{\"text\":\"x\",\"agreement\":\"a1\"}"),
          AC_EINVAL, "/data/agreement");
}

Test(propose, agreement_amend_and_retire_data)
{
    org3_ops();
    FAILS(propose("alice", "all", "agreement.amend", "T", "{\"text\":\"x\"}"),
          AC_EINVAL, "/data/agreement");
    FAILS(propose("alice", "all", "agreement.amend", "T",
                  "{\"agreement\":\"a9\",\"text\":\"x\"}"),
          AC_EINVAL, "/data/agreement");
    FAILS(propose("alice", "all", "agreement.amend", "T",
                  "{\"agreement\":\"p1\",\"text\":\"x\"}"),
          AC_EINVAL, "/data/agreement");
    FAILS(propose("alice", "all", "agreement.amend", "T",
                  "{\"agreement\":\"a01\",\"text\":\"x\"}"),
          AC_EINVAL, "/data/agreement");
    FAILS(propose("alice", "all", "agreement.amend", "T",
                  "{\"agreement\":\"a1\"}"),
          AC_EINVAL, "/data/text");
    FAILS(propose("alice", "all", "agreement.amend", "T",
                  "{\"agreement\":\"a1\",\"text\":\"x\",\"title\":\"y\"}"),
          AC_EINVAL, "/data/title");
    FAILS(propose("alice", "all", "agreement.retire", "T", "{}"), AC_EINVAL,
          "/data/agreement");
    FAILS(propose("alice", "all", "agreement.retire", "T",
                  "{\"agreement\":\"a2\"}"),
          AC_EINVAL, "/data/agreement");
    FAILS(propose("alice", "all", "agreement.retire", "T",
                  "{\"agreement\":\"a1\",\"text\":\"x\"}"),
          AC_EINVAL, "/data/text");
    /* an agreement is changed by its own circle */
    FAILS(propose("alice", "ops", "agreement.retire", "T",
                  "{\"agreement\":\"a1\"}"),
          AC_EINVAL, "/circle");
}

Test(propose, charter_amend_data)
{
    org3_ops();
    FAILS(propose("alice", "all", "charter.amend", "T", "{}"), AC_EINVAL,
          "/data/set");
    FAILS(propose("alice", "all", "charter.amend", "T", "{\"set\":{}}"),
          AC_EINVAL, "/data/set");
    FAILS(propose("alice", "all", "charter.amend", "T", "{\"set\":[]}"),
          AC_EINVAL, "/data/set");
    FAILS(propose("alice", "all", "charter.amend", "T",
                  "{\"set\":{\"consent.nope\":1}}"),
          AC_EINVAL, "/data/set/consent.nope");
    FAILS(propose("alice", "all", "charter.amend", "T",
                  "{\"set\":{\"consent.round_hours\":721}}"),
          AC_EINVAL, "/data/set/consent.round_hours");
    FAILS(propose("alice", "all", "charter.amend", "T",
                  "{\"set\":{\"consent.round_hours\":0}}"),
          AC_EINVAL, "/data/set/consent.round_hours");
    FAILS(propose("alice", "all", "charter.amend", "T",
                  "{\"set\":{\"consent.round_hours\":\"72\"}}"),
          AC_EINVAL, "/data/set/consent.round_hours");
    FAILS(propose("alice", "all", "charter.amend", "T",
                  "{\"set\":{\"consent.quorum_percent\":50,"
                  "\"consent.fallback\":50}}"),
          AC_EINVAL, "/data/set/consent.fallback");
    FAILS(propose("alice", "all", "charter.amend", "T",
                  "{\"set\":{\"article.open_record\":\"\"}}"),
          AC_EINVAL, "/data/set/article.open_record");
    FAILS(propose("alice", "all", "charter.amend", "T",
                  "{\"set\":{\"consent.round_hours\":24},\"why\":\"x\"}"),
          AC_EINVAL, "/data/why");
    /* charter changes are decided by "all" */
    FAILS(propose("alice", "ops", "charter.amend", "T",
                  "{\"set\":{\"consent.round_hours\":24}}"),
          AC_EINVAL, "/circle");
    OK(propose("alice", "all", "charter.amend", "T",
               "{\"set\":{\"consent.round_hours\":720,"
               "\"consent.quorum_percent\":0,\"consent.fallback\":100}}"));
}

Test(propose, member_admit_and_remove_data)
{
    org3_ops();
    FAILS(propose("alice", "all", "member.admit", "T",
                  "{\"id\":\"Dave\",\"name\":\"Dave\"}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "member.admit", "T",
                  "{\"id\":\"a23456789012345678901234567890123\","
                  "\"name\":\"Long\"}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "member.admit", "T",
                  "{\"id\":\"bob\",\"name\":\"Bob again\"}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "member.admit", "T",
                  "{\"id\":\"system\",\"name\":\"S\"}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "member.admit", "T",
                  "{\"id\":\"operator\",\"name\":\"O\"}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "member.admit", "T", "{\"id\":\"dave\"}"),
          AC_EINVAL, "/data/name");
    FAILS(propose("alice", "all", "member.admit", "T",
                  "{\"id\":\"dave\",\"name\":\"\"}"),
          AC_EINVAL, "/data/name");
    FAILS(propose("alice", "all", "member.admit", "T",
                  "{\"id\":\"dave\",\"name\":\"Dave\",\"role\":\"x\"}"),
          AC_EINVAL, "/data/role");
    FAILS(propose("alice", "ops", "member.admit", "T",
                  "{\"id\":\"dave\",\"name\":\"Dave\"}"),
          AC_EINVAL, "/circle");

    FAILS(propose("alice", "all", "member.remove", "T",
                  "{\"member\":\"zed\",\"reason\":\"x\"}"),
          AC_EINVAL, "/data/member");
    FAILS(
        propose("alice", "all", "member.remove", "T", "{\"member\":\"carol\"}"),
        AC_EINVAL, "/data/reason");
    FAILS(propose("alice", "all", "member.remove", "T",
                  "{\"member\":\"carol\",\"reason\":\"  \"}"),
          AC_EINVAL, "/data/reason");
    FAILS(propose("alice", "all", "member.remove", "T", "{\"reason\":\"x\"}"),
          AC_EINVAL, "/data/member");
    FAILS(propose("alice", "ops", "member.remove", "T",
                  "{\"member\":\"carol\",\"reason\":\"x\"}"),
          AC_EINVAL, "/circle");
}

Test(propose, circle_create_and_amend_data)
{
    org3_ops();
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"all\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":[\"alice\"]}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"ops\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":[\"alice\"]}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"Dev\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":[\"alice\"]}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"dev\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":[]}"),
          AC_EINVAL, "/data/members");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"dev\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":\"alice\"}"),
          AC_EINVAL, "/data/members");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"dev\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":[\"alice\",\"zed\"]}"),
          AC_EINVAL, "/data/members/1");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"dev\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":[\"alice\",\"alice\"]}"),
          AC_EINVAL, "/data/members/1");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"dev\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":[7]}"),
          AC_EINVAL, "/data/members/0");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"dev\",\"name\":\"N\",\"members\":[\"alice\"]}"),
          AC_EINVAL, "/data/purpose");
    FAILS(propose("alice", "all", "circle.create", "T",
                  "{\"id\":\"dev\",\"purpose\":\"P\",\"members\":[\"bob\"]}"),
          AC_EINVAL, "/data/name");
    FAILS(propose("alice", "ops", "circle.create", "T",
                  "{\"id\":\"dev\",\"name\":\"N\",\"purpose\":\"P\","
                  "\"members\":[\"alice\"]}"),
          AC_EINVAL, "/circle");

    FAILS(propose("alice", "all", "circle.amend", "T",
                  "{\"circle\":\"zzz\",\"purpose\":\"P\"}"),
          AC_EINVAL, "/data/circle");
    FAILS(propose("alice", "all", "circle.amend", "T", "{\"circle\":\"ops\"}"),
          AC_EINVAL, "/data");
    FAILS(propose("alice", "all", "circle.amend", "T",
                  "{\"circle\":\"all\",\"add\":[\"bob\"]}"),
          AC_EINVAL, "/data/circle");
    FAILS(propose("alice", "all", "circle.amend", "T",
                  "{\"circle\":\"ops\",\"add\":[\"alice\"]}"),
          AC_EINVAL, "/data/add/0");
    FAILS(propose("alice", "all", "circle.amend", "T",
                  "{\"circle\":\"ops\",\"remove\":[\"alice\",\"carol\"]}"),
          AC_EINVAL, "/data/remove/1");
    FAILS(propose("alice", "all", "circle.amend", "T",
                  "{\"circle\":\"ops\",\"add\":[\"zed\"]}"),
          AC_EINVAL, "/data/add/0");
    FAILS(propose("alice", "all", "circle.amend", "T",
                  "{\"circle\":\"ops\",\"purpose\":\"\"}"),
          AC_EINVAL, "/data/purpose");
    FAILS(propose("alice", "all", "circle.amend", "T",
                  "{\"circle\":\"ops\",\"name\":\"Ops\"}"),
          AC_EINVAL, "/data/name");
    /* a circle is amended by itself or by "all", not by another circle */
    adopt("alice", "all", "circle.create", "Dev",
          "{\"id\":\"dev\",\"name\":\"Dev\",\"purpose\":\"Build\","
          "\"members\":[\"alice\"]}");
    FAILS(propose("alice", "dev", "circle.amend", "T",
                  "{\"circle\":\"ops\",\"purpose\":\"P\"}"),
          AC_EINVAL, "/circle");
}

/* ==== positions ==== */

static const char *open_adopt(void)
{
    O.now += MIN;
    OK(propose("alice", "all", "agreement.adopt", "Tea",
               "{\"text\":\"Tea is free.\"}"));
    return newest();
}

Test(position, each_position_is_recorded)
{
    const char *id;
    org3();
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    is_type(last(0), "position.given");
    cr_assert(ac_str_eq_c(last(0)->actor, "alice"));
    cr_assert(ac_str_eq_c(dstr(last(0), "position"), "consent"));
    cr_assert(ac_str_eq_c(dstr(last(0), "proposal"), id));
    cr_assert_eq(dint(last(0)->data, "round"), 1);
    cr_assert_eq(P(id)->count, 1);
    cr_assert_eq(P(id)->positions[0].position, AC_POS_CONSENT);
    OK(pos("bob", id, "concern", "The kettle is old."));
    cr_assert_eq(P(id)->positions[1].position, AC_POS_CONCERN);
    cr_assert(ac_str_eq_c(P(id)->positions[1].reason, "The kettle is old."));
    cr_assert_eq(P(id)->status, AC_PROP_OPEN);

    id = open_adopt();
    OK(pos("carol", id, "stand_aside", ""));
    cr_assert_eq(P(id)->positions[0].position, AC_POS_STAND_ASIDE);
    OK(pos("bob", id, "object", "Tea is not free for us."));
    cr_assert_eq(P(id)->positions[1].position, AC_POS_OBJECT);
}

Test(position, refusals)
{
    const char *id;
    org3_ops();
    id = open_adopt();
    FAILS(pos("alice", "p99", "consent", ""), AC_ENOTFOUND, NULL);
    FAILS(pos("alice", "x", "consent", ""), AC_ENOTFOUND, NULL);
    FAILS(pos("alice", "p0", "consent", ""), AC_ENOTFOUND, NULL);
    FAILS(pos("alice", id, "yes", ""), AC_EINVAL, "/position");
    FAILS(pos("alice", id, "Consent", ""), AC_EINVAL, "/position");
    FAILS(pos("alice", id, "object", ""), AC_EINVAL, "/reason");
    FAILS(pos("alice", id, "object", " \t\n "), AC_EINVAL, "/reason");
    FAILS(pos("alice", id, "consent", "bad \xc3"), AC_EINVAL, "/reason");
    {
        char reason[AC_REASON_MAX + 2];
        memset(reason, 'r', sizeof reason);
        reason[AC_REASON_MAX + 1] = '\0';
        FAILS(pos("alice", id, "object", reason), AC_EINVAL, "/reason");
        reason[AC_REASON_MAX] = '\0';
        OK(pos("alice", id, "object", reason));
    }
    FAILS(pos("zed", id, "consent", ""), AC_EDENIED, NULL);
    FAILS(pos("system", id, "consent", ""), AC_EDENIED, NULL);
    /* not a member of the proposal's circle */
    O.now += MIN;
    OK(propose("bob", "ops", "agreement.adopt", "Rota",
               "{\"text\":\"Weekly rota.\"}"));
    FAILS(pos("carol", newest(), "consent", ""), AC_EDENIED, NULL);
}

Test(position, change_while_open)
{
    const char *id;
    org3();
    id = open_adopt();
    OK(pos("bob", id, "object", "Too expensive."));
    OK(pos("bob", id, "concern", "Still a little expensive."));
    cr_assert_eq(P(id)->count, 1, "one position per member");
    cr_assert_eq(P(id)->positions[0].position, AC_POS_CONCERN);
    cr_assert(
        ac_str_eq_c(P(id)->positions[0].reason, "Still a little expensive."));
    OK(pos("bob", id, "consent", ""));
    cr_assert_eq(P(id)->positions[0].position, AC_POS_CONSENT);
    cr_assert_eq(P(id)->positions[0].reason.len, 0);
    OK(pos("alice", id, "consent", ""));
    cr_assert_eq(P(id)->status, AC_PROP_OPEN);
    /* the objection was withdrawn before the round closed */
    OK(pos("carol", id, "consent", ""));
    cr_assert_eq(P(id)->status, AC_PROP_ADOPTED);
    tally_is(last(0), 3, 0, 0, 0, 3);
}

Test(position, closed_round_and_deadline)
{
    const char *id;
    int64_t deadline;
    org3();
    id = open_adopt();
    deadline = P(id)->deadline;
    O.now = deadline - 1;
    OK(pos("alice", id, "consent", ""));
    O.now = deadline;
    FAILS(pos("bob", id, "consent", ""), AC_ECONFLICT, NULL);
    O.now = deadline + DAY;
    FAILS(pos("alice", id, "object", "Changed my mind."), AC_ECONFLICT, NULL);
    cr_assert_eq(tick_at(deadline + DAY), 1);
    cr_assert_neq(status(id), AC_PROP_OPEN);
    FAILS(pos("bob", id, "consent", ""), AC_ECONFLICT, NULL);

    /* the closed round of an adopted proposal */
    id = open_adopt();
    all_consent(id);
    FAILS(pos("alice", id, "object", "Too late."), AC_ECONFLICT, NULL);
}

/* ==== closing ==== */

Test(close, as_soon_as_everyone_has_a_position)
{
    const char *id;
    const struct ac_event *ev;
    int64_t at;
    size_t n;
    org3();
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "concern", "Cups run out."));
    cr_assert_eq(status(id), AC_PROP_OPEN);
    n = O.log.count;
    O.now += HOUR;
    at = O.now;
    OK(pos("carol", id, "stand_aside", ""));
    cr_assert_eq(O.log.count, n + 2, "the position and the close");
    is_type(last(1), "position.given");
    ev = last(0);
    is_type(ev, "proposal.closed");
    cr_assert(ac_str_eq_c(ev->actor, "system"));
    cr_assert_eq(ev->time, at);
    cr_assert(ac_str_eq_c(dstr(ev, "proposal"), id));
    cr_assert(ac_str_eq_c(dstr(ev, "status"), "adopted"));
    cr_assert_eq(dint(ev->data, "round"), 1);
    cr_assert(ac_str_eq_c(dstr(ev, "agreement"), "a1"));
    cr_assert_null(ac_val_get(ev->data, "lapse_at"));
    tally_is(ev, 1, 1, 0, 1, 3);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    cr_assert_eq(P(id)->closed, at);
    cr_assert_eq(P(id)->eligible, 3);
    cr_assert_eq(P(id)->tally[AC_POS_CONCERN], 1);
    cr_assert(ac_str_eq(P(id)->outcome, dstr(ev, "reason")));
    cr_assert(has(P(id)->outcome, "no objection"));
    replay_matches();
}

Test(close, tick_before_the_deadline_does_nothing)
{
    const char *id;
    org3();
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    cr_assert_eq(ac_state_next_due(&O.s), P(id)->deadline);
    cr_assert_eq(tick_at(P(id)->opened), 0);
    cr_assert_eq(tick_at(P(id)->deadline - 1), 0);
    cr_assert_eq(status(id), AC_PROP_OPEN);
}

Test(close, at_the_deadline_quorum_met_adopts)
{
    const char *id;
    org3();
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    /* 2 of 3 responded: 200 >= 50 * 3 */
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    is_type(last(0), "proposal.closed");
    cr_assert_eq(last(0)->time, P(id)->deadline);
    tally_is(last(0), 2, 0, 0, 0, 3);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    cr_assert_not_null(ac_state_agreement(&O.s, AC_STR("a1")));
    cr_assert_eq(ac_state_next_due(&O.s), INT64_MAX);
    cr_assert_eq(tick_at(P(id)->deadline + DAY), 0, "closes only once");
}

Test(close, at_the_deadline_quorum_not_met_lapses)
{
    const char *id, *none;
    org3();
    id = open_adopt();
    none = "p4";
    OK(pos("alice", id, "consent", ""));
    OK(propose("bob", "all", "agreement.adopt", "Coffee",
               "{\"text\":\"Coffee is free.\"}"));
    cr_assert_str_eq(newest(), none);
    /* 1 of 3, and 0 of 3 */
    cr_assert_eq(tick_at(P(none)->deadline), 2);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert(has(P(id)->outcome, "too few responses"), "%.*s",
              (int)P(id)->outcome.len, P(id)->outcome.ptr);
    cr_assert_eq(status(none), AC_PROP_LAPSED);
    tally_is(last(0), 0, 0, 0, 0, 3);
    cr_assert_eq(O.s.agreement_count, 0);
    replay_matches();
}

Test(close, exactly_the_quorum_adopts)
{
    const char *id;
    org3_ops();
    /* 1 of the 2 members of ops is exactly 50% */
    O.now += MIN;
    OK(propose("bob", "ops", "agreement.adopt", "Rota",
               "{\"text\":\"Weekly rota.\"}"));
    id = newest();
    OK(pos("bob", id, "consent", ""));
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    tally_is(last(0), 1, 0, 0, 0, 2);
}

Test(close, quorum_from_the_charter)
{
    const char *id;
    org3();
    adopt("alice", "all", "charter.amend", "Everyone answers",
          "{\"set\":{\"consent.quorum_percent\":100}}");
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    cr_assert_eq(status(id), AC_PROP_LAPSED, "2 of 3 is below 100%%");
}

Test(close, an_objection_needs_integration)
{
    const char *id;
    const struct ac_event *ev;
    int64_t at;
    org3();
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "object", "We cannot afford it."));
    O.now += HOUR;
    at = O.now;
    OK(pos("carol", id, "consent", ""));
    ev = last(0);
    is_type(ev, "proposal.closed");
    cr_assert(ac_str_eq_c(dstr(ev, "status"), "needs_integration"));
    tally_is(ev, 2, 0, 1, 0, 3);
    cr_assert_eq(dtime(ev, "lapse_at"), at + 30 * DAY);
    cr_assert_null(ac_val_get(ev->data, "agreement"));
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    cr_assert_eq(P(id)->lapse_at, at + 30 * DAY);
    cr_assert(has(P(id)->outcome, "objection"));
    cr_assert_eq(O.s.agreement_count, 0, "no effect");
    cr_assert_eq(ac_state_next_due(&O.s), at + 30 * DAY);
}

Test(close, an_objection_at_the_deadline)
{
    const char *id;
    org3();
    id = open_adopt();
    OK(pos("bob", id, "object", "No."));
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    cr_assert_eq(P(id)->lapse_at, P(id)->deadline + 30 * DAY);
}

Test(close, needs_integration_lapses_after_lapse_days)
{
    const char *id;
    int64_t lapse_at;
    org3();
    adopt("alice", "all", "charter.amend", "Shorter wait",
          "{\"set\":{\"proposal.lapse_days\":7}}");
    id = open_adopt();
    OK(pos("bob", id, "object", "No."));
    OK(pos("alice", id, "consent", ""));
    O.now += MIN;
    OK(pos("carol", id, "consent", ""));
    lapse_at = P(id)->lapse_at;
    cr_assert_eq(lapse_at, O.now + 7 * DAY);
    cr_assert_eq(tick_at(lapse_at - 1), 0);
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    cr_assert_eq(tick_at(lapse_at), 1);
    is_type(last(0), "proposal.lapsed");
    cr_assert(ac_str_eq_c(last(0)->actor, "system"));
    cr_assert(ac_str_eq_c(dstr(last(0), "proposal"), id));
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert(has(P(id)->outcome, "7 days"), "%.*s", (int)P(id)->outcome.len,
              P(id)->outcome.ptr);
    cr_assert_eq(P(id)->closed, lapse_at);
    cr_assert_eq(tick_at(lapse_at + DAY), 0);
    FAILS(amend("alice", id, "Again", NULL), AC_ECONFLICT, NULL);
    replay_matches();
}

/* ==== amending ==== */

Test(amend, author_only)
{
    const char *id;
    org3();
    id = open_adopt();
    FAILS(amend("bob", id, "Mine now", NULL), AC_EDENIED, NULL);
    FAILS(amend("zed", id, "Mine now", NULL), AC_EDENIED, NULL);
    FAILS(amend("alice", "p99", "T", NULL), AC_ENOTFOUND, NULL);
    FAILS(amend("alice", id, NULL, NULL), AC_EINVAL, "/data");
    FAILS(amend("alice", id, "", NULL), AC_EINVAL, "/title");
    FAILS(amend("alice", id, NULL, "{\"text\":\"\"}"), AC_EINVAL, "/data/text");
    FAILS(amend("alice", id, NULL, "{\"text\":\"x\",\"y\":1}"), AC_EINVAL,
          "/data/y");
}

Test(amend, clears_positions_and_starts_the_next_round)
{
    const char *id;
    const struct ac_event *ev;
    struct ac_val *old_data;
    org3();
    id = open_adopt();
    old_data = P(id)->data;
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "object", "Say who pays."));
    O.now += HOUR;
    OK(amend("alice", id, "Tea, paid by the pool", NULL));
    ev = last(0);
    is_type(ev, "proposal.amended");
    cr_assert(ac_str_eq_c(ev->actor, "alice"));
    cr_assert_eq(dint(ev->data, "version"), 2);
    cr_assert_eq(dint(ev->data, "round"), 2);
    cr_assert_eq(dtime(ev, "deadline"), O.now + 72 * HOUR);
    cr_assert(ac_str_eq_c(dstr(ev, "title"), "Tea, paid by the pool"));
    cr_assert(ac_val_equal(ac_val_get(ev->data, "data"), old_data),
              "the data is carried over");
    cr_assert_eq(status(id), AC_PROP_OPEN);
    cr_assert_eq(P(id)->round, 2);
    cr_assert_eq(P(id)->version, 2);
    cr_assert_eq(P(id)->count, 0, "positions cleared");
    cr_assert_eq(P(id)->deadline, O.now + 72 * HOUR);
    cr_assert_eq(P(id)->version_count, 2);
    cr_assert(ac_str_eq_c(P(id)->versions[0].title, "Tea"));
    cr_assert(ac_str_eq_c(P(id)->title, "Tea, paid by the pool"));
    /* positions of the new round */
    OK(pos("bob", id, "consent", ""));
    cr_assert_eq(dint(last(0)->data, "round"), 2);
    O.now += MIN;
    OK(amend("alice", id, NULL, "{\"text\":\"Tea is free; the pool pays.\"}"));
    cr_assert_eq(P(id)->round, 3);
    cr_assert_eq(P(id)->version, 3);
    cr_assert_eq(P(id)->count, 0);
    cr_assert(ac_str_eq_c(P(id)->title, "Tea, paid by the pool"));
    all_consent(id);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    cr_assert_eq(dint(last(0)->data, "round"), 3);
    cr_assert(
        ac_str_eq_c(ac_state_agreement(&O.s, AC_STR("a1"))->versions[0].text,
                    "Tea is free; the pool pays."),
        "the adopted version takes effect");
    FAILS(amend("alice", id, "Later", NULL), AC_ECONFLICT, NULL);
    FAILS(amend("bob", id, "Later", NULL), AC_EDENIED, NULL);
    replay_matches();
}

Test(amend, reopens_a_proposal_that_needs_integration)
{
    const char *id;
    org3();
    id = open_adopt();
    OK(pos("bob", id, "object", "Say who pays."));
    OK(pos("alice", id, "consent", ""));
    OK(pos("carol", id, "consent", ""));
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    cr_assert_neq(P(id)->lapse_at, 0);
    O.now += DAY;
    OK(amend("alice", id, NULL, "{\"text\":\"The pool pays for tea.\"}"));
    cr_assert_eq(status(id), AC_PROP_OPEN);
    cr_assert_eq(P(id)->round, 2);
    cr_assert_eq(P(id)->lapse_at, 0);
    cr_assert_eq(P(id)->outcome.len, 0, "an open proposal has no outcome");
    cr_assert_eq(ac_state_next_due(&O.s), P(id)->deadline);
    all_consent(id);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    cr_assert(has(P(id)->outcome, "no objection"));
}

/* ==== withdrawing ==== */

Test(withdraw, author_only)
{
    const char *id;
    org3();
    id = open_adopt();
    OK(pos("bob", id, "consent", ""));
    FAILS(withdraw("bob", id), AC_EDENIED, NULL);
    FAILS(withdraw("zed", id), AC_EDENIED, NULL);
    FAILS(withdraw("alice", "p42"), AC_ENOTFOUND, NULL);
    O.now += MIN;
    OK(withdraw("alice", id));
    is_type(last(0), "proposal.withdrawn");
    cr_assert(ac_str_eq_c(last(0)->actor, "alice"));
    cr_assert_eq(status(id), AC_PROP_WITHDRAWN);
    cr_assert_eq(P(id)->closed, O.now);
    FAILS(withdraw("alice", id), AC_ECONFLICT, NULL);
    FAILS(pos("carol", id, "consent", ""), AC_ECONFLICT, NULL);
    FAILS(amend("alice", id, "Back", NULL), AC_ECONFLICT, NULL);
    cr_assert_eq(tick_at(P(id)->deadline), 0, "nothing left to close");
    cr_assert_eq(O.s.agreement_count, 0);
    replay_matches();
}

Test(withdraw, a_proposal_that_needs_integration)
{
    const char *id;
    org3();
    id = open_adopt();
    OK(pos("bob", id, "object", "No."));
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    OK(withdraw("alice", id));
    cr_assert_eq(status(id), AC_PROP_WITHDRAWN);
    cr_assert_eq(tick_at(P(id)->lapse_at), 0, "a withdrawn one never lapses");
}

/* ==== rounds, the charter's maximum and its fallback ==== */

Test(rounds, last_round_with_an_objection_lapses)
{
    const char *id;
    org3();
    adopt("alice", "all", "charter.amend", "Two rounds",
          "{\"set\":{\"consent.max_rounds\":2}}");
    cr_assert_eq(O.s.charter.value[AC_P_MAX_ROUNDS], 2);
    id = open_adopt();
    OK(pos("bob", id, "object", "No."));
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    O.now += MIN;
    OK(amend("alice", id, "Tea (round 2)", NULL));
    cr_assert_eq(P(id)->round, 2);
    FAILS(amend("alice", id, "Tea (round 3)", NULL), AC_ECONFLICT, NULL);
    OK(pos("bob", id, "object", "Still no."));
    OK(pos("alice", id, "consent", ""));
    OK(pos("carol", id, "consent", ""));
    is_type(last(0), "proposal.closed");
    cr_assert(ac_str_eq_c(dstr(last(0), "status"), "lapsed"));
    cr_assert_null(ac_val_get(last(0)->data, "lapse_at"));
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert(has(P(id)->outcome, "round 2"), "%.*s", (int)P(id)->outcome.len,
              P(id)->outcome.ptr);
    cr_assert_eq(O.s.agreement_count, 0);
}

Test(rounds, fallback_adopts_by_supermajority)
{
    const char *id, *charter;
    org3();
    charter = adopt("alice", "all", "charter.amend", "One round, fallback",
                    "{\"set\":{\"consent.max_rounds\":1,"
                    "\"consent.fallback\":60}}");
    cr_assert_eq(O.s.charter.value[AC_P_FALLBACK], 60);
    cr_assert(ac_str_eq_c(O.s.charter.set_by[AC_P_FALLBACK], charter));
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "concern", "Fine."));
    OK(pos("carol", id, "object", "No."));
    /* 2 of 3 in favour is 66% >= 60% */
    is_type(last(0), "proposal.closed");
    cr_assert(ac_str_eq_c(dstr(last(0), "status"), "adopted"));
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    cr_assert(has(P(id)->outcome, "fallback"), "%.*s", (int)P(id)->outcome.len,
              P(id)->outcome.ptr);
    cr_assert_not_null(ac_state_agreement(&O.s, AC_STR("a1")));
    tally_is(last(0), 1, 1, 1, 0, 3);
    replay_matches();
}

Test(rounds, fallback_below_its_supermajority_lapses)
{
    const char *id;
    org3();
    adopt("alice", "all", "charter.amend", "One round, fallback",
          "{\"set\":{\"consent.max_rounds\":1,\"consent.fallback\":67}}");
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    OK(pos("carol", id, "object", "No."));
    /* 2 of 3 is 66.7% < 67% */
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert_eq(O.s.agreement_count, 0);

    /* half in favour at the deadline */
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    OK(pos("carol", id, "object", "No."));
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
}

Test(rounds, without_fallback_the_last_round_lapses)
{
    const char *id;
    org3();
    adopt("alice", "all", "charter.amend", "One round",
          "{\"set\":{\"consent.max_rounds\":1}}");
    id = open_adopt();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    OK(pos("carol", id, "object", "No."));
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    FAILS(amend("alice", id, "Again", NULL), AC_ECONFLICT, NULL);
}

/* ==== effects of adoption ==== */

Test(effect, agreement_adopt_amend_retire)
{
    const char *p;
    struct ac_agreement *ag;
    org3();
    p = adopt("bob", "all", "agreement.adopt", "Meetings",
              "{\"text\":\"We meet weekly.\",\"review_by\":\"2027-06-01\"}");
    cr_assert(ac_str_eq_c(dstr(last(0), "agreement"), "a1"));
    ag = ac_state_agreement(&O.s, AC_STR("a1"));
    cr_assert_not_null(ag);
    cr_assert(ac_str_eq_c(P(p)->effect, "a1"));
    cr_assert(ac_str_eq_c(ag->title, "Meetings"));
    cr_assert(ac_str_eq_c(ag->circle, "all"));
    cr_assert_eq(ag->status, AC_AGREEMENT_ACTIVE);
    cr_assert_eq(ag->count, 1);
    cr_assert_eq(ag->versions[0].version, 1);
    cr_assert(ac_str_eq_c(ag->versions[0].text, "We meet weekly."));
    cr_assert(ac_str_eq_c(ag->versions[0].proposal, p));
    {
        int64_t ms;
        cr_assert_eq(ac_date_parse(AC_STR("2027-06-01"), &ms, NULL), AC_OK);
        cr_assert_eq(ag->review_by, ms);
    }
    adopt("bob", "all", "agreement.adopt", "Snacks",
          "{\"text\":\"Bring your own.\"}");
    cr_assert_eq(ac_state_agreement(&O.s, AC_STR("a2"))->review_by, -1);

    p = adopt("carol", "all", "agreement.amend", "Meetings, less often",
              "{\"agreement\":\"a1\",\"text\":\"We meet every two weeks.\"}");
    ag = ac_state_agreement(&O.s, AC_STR("a1"));
    cr_assert_null(ac_val_get(last(0)->data, "agreement"));
    cr_assert(ac_str_eq_c(P(p)->effect, "a1"));
    cr_assert_eq(ag->count, 2);
    cr_assert_eq(ag->versions[1].version, 2);
    cr_assert(ac_str_eq_c(ag->versions[1].text, "We meet every two weeks."));
    cr_assert(ac_str_eq_c(ag->versions[0].text, "We meet weekly."));
    cr_assert(ac_str_eq_c(ag->versions[1].proposal, p));

    p = adopt("alice", "all", "agreement.retire", "No more meetings",
              "{\"agreement\":\"a1\"}");
    ag = ac_state_agreement(&O.s, AC_STR("a1"));
    cr_assert_eq(ag->status, AC_AGREEMENT_RETIRED);
    cr_assert(ac_str_eq_c(P(p)->effect, "a1"));
    cr_assert_eq(O.s.agreement_count, 2);
    FAILS(propose("alice", "all", "agreement.amend", "T",
                  "{\"agreement\":\"a1\",\"text\":\"x\"}"),
          AC_EINVAL, "/data/agreement");
    FAILS(propose("alice", "all", "agreement.retire", "T",
                  "{\"agreement\":\"a1\"}"),
          AC_EINVAL, "/data/agreement");
    replay_matches();
}

Test(effect, charter_amend)
{
    const char *p;
    org3();
    p = adopt("bob", "all", "charter.amend", "Faster rounds",
              "{\"set\":{\"consent.round_hours\":24,"
              "\"consent.quorum_percent\":100}}");
    cr_assert_eq(O.s.charter.value[AC_P_ROUND_HOURS], 24);
    cr_assert_eq(O.s.charter.value[AC_P_QUORUM_PERCENT], 100);
    cr_assert(ac_str_eq_c(O.s.charter.set_by[AC_P_ROUND_HOURS], p));
    cr_assert(ac_str_eq_c(O.s.charter.set_by[AC_P_QUORUM_PERCENT], p));
    cr_assert_eq(O.s.charter.set_by[AC_P_MAX_ROUNDS].len, 0);
    cr_assert_eq(O.s.charter.value[AC_P_MAX_ROUNDS], 5);
    /* new rounds follow the new charter */
    O.now += MIN;
    OK(propose("alice", "all", "agreement.adopt", "T", "{\"text\":\"x\"}"));
    cr_assert_eq(P(newest())->deadline, O.now + 24 * HOUR);
    p = adopt("carol", "all", "charter.amend", "No fallback",
              "{\"set\":{\"consent.fallback\":\"none\"}}");
    cr_assert_eq(O.s.charter.value[AC_P_FALLBACK], 0);
    cr_assert(ac_str_eq_c(O.s.charter.set_by[AC_P_FALLBACK], p));
    replay_matches();
}

Test(effect, member_admit_then_join)
{
    const char *p;
    org3();
    p = adopt("bob", "all", "member.admit", "Dave joins",
              "{\"id\":\"dave\",\"name\":\"Dave D.\"}");
    cr_assert_eq(M("dave")->status, AC_MEMBER_INVITED);
    cr_assert(ac_str_eq_c(M("dave")->name, "Dave D."));
    cr_assert(ac_str_eq_c(M("dave")->admitted_by, p));
    cr_assert(ac_str_eq_c(P(p)->effect, "dave"));
    cr_assert_eq(O.s.active_count, 3, "invited is not active");
    /* not a member yet: no positions, and not counted */
    {
        const char *id = open_adopt();
        FAILS(pos("dave", id, "consent", ""), AC_EDENIED, NULL);
        all_consent(id);
        cr_assert_eq(P(id)->eligible, 3);
    }
    FAILS(join("zed"), AC_ENOTFOUND, NULL);
    FAILS(join("bob"), AC_ECONFLICT, NULL);
    O.now += HOUR;
    OK(join("dave"));
    is_type(last(0), "member.joined");
    cr_assert(ac_str_eq_c(last(0)->actor, "dave"));
    cr_assert(ac_str_eq_c(dstr(last(0), "member"), "dave"));
    cr_assert_eq(M("dave")->status, AC_MEMBER_ACTIVE);
    cr_assert_eq(M("dave")->since, O.now);
    cr_assert_eq(O.s.active_count, 4);
    FAILS(join("dave"), AC_ECONFLICT, NULL);
    {
        const char *id = open_adopt();
        OK(pos("dave", id, "consent", ""));
        all_consent(id);
        cr_assert_eq(P(id)->eligible, 4);
    }
    replay_matches();
}

Test(effect, member_remove)
{
    const char *p, *open, *mine;
    org3_ops();
    adopt("alice", "all", "circle.amend", "Carol helps ops",
          "{\"circle\":\"ops\",\"add\":[\"carol\"]}");
    cr_assert_eq(ac_state_circle(&O.s, AC_STR("ops"))->count, 3);
    open = open_adopt();
    OK(pos("carol", open, "object", "Against."));
    O.now += MIN;
    OK(propose("carol", "ops", "agreement.adopt", "Carol's rota",
               "{\"text\":\"Carol keeps the rota.\"}"));
    mine = newest();
    p = adopt("alice", "all", "member.remove", "Carol leaves",
              "{\"member\":\"carol\",\"reason\":\"She asked to.\"}");
    cr_assert_eq(M("carol")->status, AC_MEMBER_REMOVED);
    cr_assert(ac_str_eq_c(P(p)->effect, "carol"));
    cr_assert_eq(O.s.active_count, 2);
    cr_assert_eq(ac_state_circle(&O.s, AC_STR("ops"))->count, 2,
                 "dropped from every circle");
    FAILS(pos("carol", open, "consent", ""), AC_EDENIED, NULL);
    FAILS(propose("carol", "all", "agreement.adopt", "T", "{\"text\":\"x\"}"),
          AC_EDENIED, NULL);
    FAILS(join("carol"), AC_ECONFLICT, NULL);
    /* her own proposal is no longer hers to change */
    FAILS(amend("carol", mine, "Rota", NULL), AC_EDENIED, NULL);
    FAILS(withdraw("carol", mine), AC_EDENIED, NULL);
    FAILS(propose("alice", "all", "member.remove", "T",
                  "{\"member\":\"carol\",\"reason\":\"Again.\"}"),
          AC_EINVAL, "/data/member");
    FAILS(propose("alice", "all", "member.admit", "T",
                  "{\"id\":\"carol\",\"name\":\"Carol\"}"),
          AC_EINVAL, "/data/id");
    /* her standing objection no longer counts: the others close it */
    OK(pos("alice", open, "consent", ""));
    OK(pos("bob", open, "consent", ""));
    cr_assert_eq(status(open), AC_PROP_ADOPTED);
    tally_is(last(0), 2, 0, 0, 0, 2);
    replay_matches();
}

Test(effect, member_remove_of_an_invited_member)
{
    org3();
    adopt("alice", "all", "member.admit", "Dave",
          "{\"id\":\"dave\",\"name\":\"Dave\"}");
    adopt("bob", "all", "member.remove", "Not Dave after all",
          "{\"member\":\"dave\",\"reason\":\"Changed our minds.\"}");
    cr_assert_eq(M("dave")->status, AC_MEMBER_REMOVED);
    cr_assert_eq(O.s.active_count, 3);
    FAILS(join("dave"), AC_ECONFLICT, NULL);
}

Test(effect, circle_create_and_amend)
{
    const char *p, *id;
    struct ac_circle *c;
    org3();
    p = adopt("alice", "all", "circle.create", "Operations",
              "{\"id\":\"ops\",\"name\":\"Operations\",\"purpose\":\"Keep "
              "the lights on\",\"members\":[\"alice\",\"bob\"]}");
    c = ac_state_circle(&O.s, AC_STR("ops"));
    cr_assert_not_null(c);
    cr_assert(ac_str_eq_c(P(p)->effect, "ops"));
    cr_assert(ac_str_eq_c(c->name, "Operations"));
    cr_assert(ac_str_eq_c(c->purpose, "Keep the lights on"));
    cr_assert_eq(c->count, 2);
    cr_assert_eq(ac_state_circle_size(&O.s, c), 2);
    cr_assert(ac_state_in_circle(&O.s, c, AC_STR("bob")));
    cr_assert_not(ac_state_in_circle(&O.s, c, AC_STR("carol")));

    /* a proposal of the circle closes when its two members answer */
    O.now += MIN;
    OK(propose("bob", "ops", "agreement.adopt", "Rota",
               "{\"text\":\"Weekly rota.\"}"));
    id = newest();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    tally_is(last(0), 2, 0, 0, 0, 2);
    cr_assert(
        ac_str_eq_c(ac_state_agreement(&O.s, AC_STR("a1"))->circle, "ops"));

    /* the circle amends itself */
    adopt("bob", "ops", "circle.amend", "Sharper purpose",
          "{\"circle\":\"ops\",\"purpose\":\"Keep everything running\"}");
    c = ac_state_circle(&O.s, AC_STR("ops"));
    cr_assert(ac_str_eq_c(c->purpose, "Keep everything running"));
    /* "all" changes its members */
    adopt("alice", "all", "circle.amend", "Rotate",
          "{\"circle\":\"ops\",\"add\":[\"carol\"],\"remove\":[\"bob\"]}");
    c = ac_state_circle(&O.s, AC_STR("ops"));
    cr_assert_eq(c->count, 2);
    cr_assert(ac_state_in_circle(&O.s, c, AC_STR("carol")));
    cr_assert(ac_state_in_circle(&O.s, c, AC_STR("alice")));
    cr_assert_not(ac_state_in_circle(&O.s, c, AC_STR("bob")));
    cr_assert(ac_str_eq_c(c->purpose, "Keep everything running"));
    adopt("alice", "all", "circle.amend", "Everyone",
          "{\"circle\":\"all\",\"purpose\":\"All of us\"}");
    cr_assert(ac_str_eq_c(O.s.circles[0].purpose, "All of us"));
    replay_matches();
}

Test(effect, impossible_by_close_time_lapses_with_a_reason)
{
    const char *first, *second;
    org3_ops();
    O.now += MIN;
    OK(propose("alice", "all", "agreement.retire", "Retire meetings",
               "{\"agreement\":\"a1\"}"));
    first = "p5";
    OK(propose("bob", "all", "agreement.retire", "Retire meetings too",
               "{\"agreement\":\"a1\"}"));
    second = "p6";
    cr_assert_str_eq(newest(), second);
    all_consent(first);
    cr_assert_eq(status(first), AC_PROP_ADOPTED);
    all_consent(second);
    is_type(last(0), "proposal.closed");
    cr_assert(ac_str_eq_c(dstr(last(0), "status"), "lapsed"));
    cr_assert_eq(status(second), AC_PROP_LAPSED);
    cr_assert(has(P(second)->outcome, "cannot take effect"), "%.*s",
              (int)P(second)->outcome.len, P(second)->outcome.ptr);
    cr_assert(has(P(second)->outcome, "retired"));
    cr_assert_eq(P(second)->effect.len, 0);
    replay_matches();
}

Test(effect, two_admissions_of_the_same_id)
{
    org3();
    O.now += MIN;
    OK(propose("alice", "all", "member.admit", "Dave",
               "{\"id\":\"dave\",\"name\":\"Dave\"}"));
    OK(propose("bob", "all", "member.admit", "Dave too",
               "{\"id\":\"dave\",\"name\":\"Dave B.\"}"));
    all_consent("p3");
    all_consent("p4");
    cr_assert_eq(status("p3"), AC_PROP_ADOPTED);
    cr_assert_eq(status("p4"), AC_PROP_LAPSED);
    cr_assert(has(P("p4")->outcome, "taken"));
    cr_assert(ac_str_eq_c(M("dave")->name, "Dave"));
    replay_matches();
}

/* ==== entrenched articles ==== */

#define ARTICLE "{\"set\":{\"article.open_record\":\"Our record is open.\"}}"

Test(entrenched, one_stand_aside_is_not_enough)
{
    const char *id;
    struct ac_str before;
    org3();
    before = O.s.charter.text[AC_P_ARTICLE_RECORD];
    O.now += MIN;
    OK(propose("alice", "all", "charter.amend", "Reword", ARTICLE));
    id = newest();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    OK(pos("carol", id, "stand_aside", ""));
    is_type(last(0), "proposal.closed");
    cr_assert_neq(status(id), AC_PROP_ADOPTED);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert(has(P(id)->outcome, "entrenched"), "%.*s",
              (int)P(id)->outcome.len, P(id)->outcome.ptr);
    cr_assert(ac_str_eq(O.s.charter.text[AC_P_ARTICLE_RECORD], before));
}

Test(entrenched, silence_is_not_consent)
{
    const char *id;
    org3();
    O.now += MIN;
    OK(propose("alice", "all", "charter.amend", "Reword", ARTICLE));
    id = newest();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    cr_assert_eq(status(id), AC_PROP_LAPSED, "quorum is not unanimity");
    cr_assert_eq(O.s.charter.set_by[AC_P_ARTICLE_RECORD].len, 0);
}

Test(entrenched, an_objection_needs_integration)
{
    const char *id;
    org3();
    O.now += MIN;
    OK(propose("alice", "all", "charter.amend", "Reword", ARTICLE));
    id = newest();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "object", "Keep the old words."));
    OK(pos("carol", id, "consent", ""));
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
}

Test(entrenched, unanimity_adopts)
{
    const char *id;
    org3();
    O.now += MIN;
    OK(propose("alice", "all", "charter.amend", "Reword",
               "{\"set\":{\"article.open_record\":\"Our record is open.\","
               "\"consent.round_hours\":48}}"));
    id = newest();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    OK(pos("carol", id, "consent", ""));
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    tally_is(last(0), 3, 0, 0, 0, 3);
    cr_assert(ac_str_eq_c(O.s.charter.text[AC_P_ARTICLE_RECORD],
                          "Our record is open."));
    cr_assert(ac_str_eq_c(O.s.charter.set_by[AC_P_ARTICLE_RECORD], id));
    cr_assert_eq(O.s.charter.value[AC_P_ROUND_HOURS], 48);
    replay_matches();
}

Test(entrenched, the_fallback_does_not_reach_articles)
{
    const char *id;
    org3();
    adopt("alice", "all", "charter.amend", "One round, fallback",
          "{\"set\":{\"consent.max_rounds\":1,\"consent.fallback\":51}}");
    O.now += MIN;
    OK(propose("alice", "all", "charter.amend", "Reword", ARTICLE));
    id = newest();
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    OK(pos("carol", id, "object", "No."));
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert_eq(O.s.charter.set_by[AC_P_ARTICLE_RECORD].len, 0);
}

/* ==== replay ==== */

Test(replay, the_same_log_gives_the_same_state)
{
    const char *id;
    org3_ops();
    adopt("bob", "all", "charter.amend", "Rules",
          "{\"set\":{\"consent.round_hours\":48,\"consent.fallback\":75,"
          "\"proposal.lapse_days\":10}}");
    adopt("alice", "all", "member.admit", "Dave",
          "{\"id\":\"dave\",\"name\":\"D\\u00e9j\\u00e0 \\ud83d\\ude00\"}");
    O.now += MIN;
    OK(join("dave"));
    adopt("carol", "all", "agreement.amend", "Meetings v2",
          "{\"agreement\":\"a1\",\"text\":\"Line one\\nLine \\\"two\\\"\\t"
          "\\u0001\"}");
    id = open_adopt();
    OK(pos("bob", id, "object", "Cost."));
    cr_assert_eq(tick_at(P(id)->deadline), 1);
    O.now += MIN;
    OK(amend("alice", id, "Tea v2", "{\"text\":\"Cheap tea.\"}"));
    OK(pos("bob", id, "concern", "Fine."));
    id = open_adopt();
    OK(withdraw("alice", id));
    id = open_adopt();
    OK(pos("dave", id, "object", "No."));
    cr_assert_eq(tick_at(P(id)->deadline), 2, "two rounds close");
    cr_assert_eq(tick_at(P(id)->lapse_at), 1);
    adopt("alice", "all", "member.remove", "Bye",
          "{\"member\":\"carol\",\"reason\":\"Moved away.\"}");
    adopt("alice", "all", "circle.amend", "Ops grows",
          "{\"circle\":\"ops\",\"add\":[\"dave\"],\"remove\":[\"bob\"],"
          "\"purpose\":\"Run things\"}");
    adopt("alice", "all", "agreement.retire", "Done", "{\"agreement\":\"a1\"}");
    cr_assert_gt(O.log.count, 50);
    replay_matches();
}

Test(replay, apply_refuses_events_that_do_not_fit)
{
    struct ac_arena sa;
    struct ac_state r;
    struct ac_event ev;
    struct ac_err err = {0};
    org3();
    ac_arena_init(&sa, 0);
    ac_state_init(&r, &sa);
    /* the log must begin with org.founded */
    cr_assert_eq(ac_state_apply(&r, &O.log.events[1], &err), AC_ECORRUPT);
    ev = O.log.events[1];
    ev.seq = 1;
    cr_assert_eq(ac_state_apply(&r, &ev, &err), AC_ECORRUPT);
    cr_assert_eq(ac_state_apply(&r, &O.log.events[0], &err), AC_OK);
    /* out of sequence, repeated, unknown type */
    cr_assert_eq(ac_state_apply(&r, &O.log.events[2], &err), AC_ECORRUPT);
    cr_assert_eq(ac_state_apply(&r, &O.log.events[0], &err), AC_ECORRUPT);
    ev = O.log.events[1];
    ev.type = AC_STR("proposal.invented");
    cr_assert_eq(ac_state_apply(&r, &ev, &err), AC_ECORRUPT);
    cr_assert(has(ac_str_c(err.msg), "event 2"), "%s", err.msg);
    /* a position for a proposal that does not exist yet */
    ev = O.log.events[2];
    ev.seq = 2;
    cr_assert_eq(ac_state_apply(&r, &ev, &err), AC_ECORRUPT);
    cr_assert_eq(r.seq, 1);
    cr_assert_eq(r.proposal_count, 0);
    ac_arena_release(&sa);
}

/* ==== running out of memory ==== */

TestSuite(nomem, .init = setup, .fini = teardown);

/* The closing position of a proposal of each kind, with the k-th
 * allocation of one arena failing, for every k: each run succeeds or
 * refuses with AC_ENOMEM, without crashing or leaking (ASan). After
 * AC_ENOMEM the state is not promised to be as it was (state.c changes
 * the state "once nothing can fail but memory"): callers reload it. */
static void fault_loop(const char *kind, const char *data, int event_arena)
{
    int k;
    for (k = 1; k < 1000; k++) {
        struct ac_cmd c = {.type = AC_CMD_POSITION};
        enum ac_status st;
        struct ac_arena *a;
        teardown();
        setup();
        org3();
        O.now += MIN;
        OK(propose("alice", "all", kind, "T", data));
        OK(pos("alice", "p3", "consent", ""));
        OK(pos("bob", "p3", "consent", ""));
        c.actor = AC_STR("carol");
        c.proposal = AC_STR("p3");
        c.position = AC_STR("consent");
        a = event_arena ? &O.ea : &O.sa;
        a->fail_at = a->allocs + (size_t)k;
        O.err = (struct ac_err){0};
        st = ac_exec(&O.s, &c, O.now, &O.ea, &O.log, &O.err);
        a->fail_at = 0;
        if (st == AC_OK) {
            cr_assert_eq(status("p3"), AC_PROP_ADOPTED);
            replay_matches();
            break;
        }
        cr_assert_eq(st, AC_ENOMEM, "%s: allocation %d: %s", kind, k,
                     O.err.msg);
        cr_assert_str_eq(O.err.msg, "out of memory");
    }
    cr_assert_gt(k, 1, "%s: the command allocates", kind);
    cr_assert_lt(k, 1000);
}

static const char *const fault_cases[][2] = {
    {"agreement.adopt", "{\"text\":\"Tea is free.\"}"},
    {"charter.amend", "{\"set\":{\"consent.round_hours\":24,"
                      "\"article.open_record\":\"Open.\"}}"},
    {"member.admit", "{\"id\":\"dave\",\"name\":\"Dave\"}"},
    {"member.remove", "{\"member\":\"bob\",\"reason\":\"Gone.\"}"},
    {"circle.create", "{\"id\":\"ops\",\"name\":\"Ops\",\"purpose\":"
                      "\"Run\",\"members\":[\"alice\",\"bob\"]}"},
    {"circle.amend", "{\"circle\":\"all\",\"purpose\":\"Us\"}"},
};

Test(nomem, event_arena)
{
    for (size_t i = 0; i < sizeof fault_cases / sizeof fault_cases[0]; i++) {
        fault_loop(fault_cases[i][0], fault_cases[i][1], 1);
    }
}

Test(nomem, state_arena)
{
    for (size_t i = 0; i < sizeof fault_cases / sizeof fault_cases[0]; i++) {
        fault_loop(fault_cases[i][0], fault_cases[i][1], 0);
    }
}

/* The deadline index: next_due is always the earliest pending deadline,
 * and a tick closes exactly the rounds that are due, however they were
 * opened, amended and closed in between. */
Test(rounds, next_due_follows_opens_amends_and_closes)
{
    char ids[6][16];
    org3();
    cr_assert_eq(ac_state_next_due(&O.s), INT64_MAX);
    /* six proposals opened an hour apart */
    for (int i = 0; i < 6; i++) {
        OK(propose("alice", "all", "agreement.adopt", "Rule",
                   "{\"text\":\"x\"}"));
        snprintf(ids[i], sizeof ids[i], "%s", newest());
        O.now += HOUR;
    }
    cr_assert_eq(ac_state_next_due(&O.s), P(ids[0])->deadline);
    /* withdrawing the first makes the second the next due */
    OK(withdraw("alice", ids[0]));
    cr_assert_eq(ac_state_next_due(&O.s), P(ids[1])->deadline);
    /* amending p2 moves its deadline past p3's */
    OK(amend("alice", ids[1], "Rule, amended", NULL));
    cr_assert_eq(ac_state_next_due(&O.s), P(ids[2])->deadline);
    /* everyone answers p3: it closes early and is no longer due */
    all_consent(ids[2]);
    cr_assert_eq(status(ids[2]), AC_PROP_ADOPTED);
    cr_assert_eq(ac_state_next_due(&O.s), P(ids[3])->deadline);
    /* a tick at p5's deadline closes p4 and p5 and nothing else */
    cr_assert_eq(tick_at(P(ids[4])->deadline), 2);
    cr_assert_eq(status(ids[3]), AC_PROP_LAPSED);
    cr_assert_eq(status(ids[4]), AC_PROP_LAPSED);
    cr_assert_eq(status(ids[5]), AC_PROP_OPEN);
    cr_assert_eq(status(ids[1]), AC_PROP_OPEN);
    cr_assert_eq(ac_state_next_due(&O.s), P(ids[5])->deadline);
    /* an objection leaves p6 waiting: its lapse time becomes due */
    OK(pos("bob", ids[5], "object", "not yet"));
    OK(pos("alice", ids[5], "consent", ""));
    OK(pos("carol", ids[5], "consent", ""));
    cr_assert_eq(status(ids[5]), AC_PROP_NEEDS_INTEGRATION);
    cr_assert_eq(ac_state_next_due(&O.s), P(ids[1])->deadline);
    cr_assert_eq(tick_at(P(ids[1])->deadline), 1);
    cr_assert_eq(ac_state_next_due(&O.s), P(ids[5])->lapse_at);
    cr_assert_eq(tick_at(P(ids[5])->lapse_at), 1);
    cr_assert_eq(status(ids[5]), AC_PROP_LAPSED);
    cr_assert_eq(ac_state_next_due(&O.s), INT64_MAX);
    replay_matches();
}

/* An amendment clears every position, so one that changes nothing would
 * erase an objection without integrating it: refused. */
Test(amend, that_changes_nothing_is_refused)
{
    const char *id;
    org3();
    OK(propose("alice", "all", "agreement.adopt", "Quiet hours",
               "{\"text\":\"After 22:00.\"}"));
    id = newest();
    OK(pos("bob", id, "object", "too early for the night shift"));
    FAILS(amend("alice", id, "Quiet hours", NULL), AC_EINVAL, "/title");
    FAILS(amend("alice", id, NULL, "{\"text\":\"After 22:00.\"}"), AC_EINVAL,
          "/data");
    FAILS(amend("alice", id, "Quiet hours", "{\"text\":\"After 22:00.\"}"),
          AC_EINVAL, "/data");
    cr_assert_eq(P(id)->count, 1, "the objection still stands");
    OK(amend("alice", id, NULL, "{\"text\":\"After 23:00.\"}"));
    cr_assert_eq(P(id)->round, 2);
    cr_assert_eq(P(id)->count, 0);
}

/* DESIGN section 4: a round closes as soon as every member of the circle
 * has a position, also when the circle shrinks to those who answered. */
Test(close, when_the_circle_shrinks_to_those_who_answered)
{
    const char *rule, *removal;
    org3();
    OK(propose("alice", "all", "agreement.adopt", "Rule", "{\"text\":\"x\"}"));
    rule = newest();
    OK(pos("alice", rule, "consent", ""));
    OK(pos("bob", rule, "consent", ""));
    cr_assert_eq(status(rule), AC_PROP_OPEN);
    removal = adopt("bob", "all", "member.remove", "Carol leaves",
                    "{\"member\":\"carol\",\"reason\":\"she asked to\"}");
    cr_assert_eq(M("carol")->status, AC_MEMBER_REMOVED);
    cr_assert_eq(status(rule), AC_PROP_ADOPTED, "%.*s",
                 (int)P(rule)->outcome.len, P(rule)->outcome.ptr);
    cr_assert_eq(P(rule)->eligible, 2);
    is_type(last(0), "proposal.closed");
    cr_assert(ac_str_eq_c(dstr(last(0), "proposal"), rule));
    cr_assert(ac_str_eq_c(dstr(last(1), "proposal"), removal));
    replay_matches();
}

Test(effect, the_last_active_member_cannot_be_removed)
{
    OK(found());
    FAILS(propose("alice", "all", "member.remove", "I go",
                  "{\"member\":\"alice\",\"reason\":\"moving away\"}"),
          AC_EINVAL, "/data/member");
    cr_assert(has(ac_str_c(O.err.msg), "last active member"), "%s", O.err.msg);
}

Test(propose, review_date_in_the_past_and_blank_names_are_refused)
{
    org3();
    FAILS(propose("alice", "all", "agreement.adopt", "Rule",
                  "{\"text\":\"x\",\"review_by\":\"1969-12-31\"}"),
          AC_EINVAL, "/data/review_by");
    cr_assert(has(ac_str_c(O.err.msg), "in the past"), "%s", O.err.msg);
    FAILS(propose("alice", "all", "member.admit", "Welcome",
                  "{\"id\":\"dan\",\"name\":\"   \"}"),
          AC_EINVAL, "/data/name");
    FAILS(propose("alice", "all", "agreement.adopt", "Rule",
                  "{\"text\":\" \\n \"}"),
          AC_EINVAL, "/data/text");
}

/* A quorum of 0 is lazy consensus, the group's own choice: silence until
 * the deadline adopts; with the default quorum it lapses and says why. */
Test(close, quorum_zero_lets_silence_consent)
{
    const char *quiet, *lazy;
    org3();
    OK(propose("alice", "all", "agreement.adopt", "Quiet", "{\"text\":\"x\"}"));
    quiet = newest();
    cr_assert_eq(tick_at(P(quiet)->deadline), 1);
    cr_assert_eq(status(quiet), AC_PROP_LAPSED);
    cr_assert(has(P(quiet)->outcome, "nobody of 3 responded"), "%.*s",
              (int)P(quiet)->outcome.len, P(quiet)->outcome.ptr);
    adopt("alice", "all", "charter.amend", "Lazy consensus",
          "{\"set\":{\"consent.quorum_percent\":0}}");
    OK(propose("alice", "all", "agreement.adopt", "Lazy", "{\"text\":\"y\"}"));
    lazy = newest();
    cr_assert_eq(tick_at(P(lazy)->deadline), 1);
    cr_assert_eq(status(lazy), AC_PROP_ADOPTED);
}
