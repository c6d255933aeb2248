/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Joint accountability (docs/accountability.md): commitments members make
 * to a circle and update themselves, and agreements whose review date
 * comes due and a review proposal keeps, amends or retires; driven
 * through ac_exec with an injected clock. */
#include <criterion/criterion.h>

#include "exec_fixture.h"

TestSuite(accountability, .init = setup, .fini = teardown);

static enum ac_status commit(const char *actor, const char *circle,
                             const char *what, const char *due)
{
    struct ac_cmd c = {.type = AC_CMD_COMMIT};
    c.actor = ac_str_c(actor);
    c.circle = ac_str_c(circle);
    c.title = ac_str_c(what);
    c.due = ac_str_c(due);
    O.now += MIN;
    return run(&c);
}

static enum ac_status update(const char *actor, const char *id,
                             const char *status, const char *note)
{
    struct ac_cmd c = {.type = AC_CMD_UPDATE};
    c.actor = ac_str_c(actor);
    c.commitment = ac_str_c(id);
    c.status = ac_str_c(status);
    c.reason = ac_str_c(note);
    O.now += MIN;
    return run(&c);
}

Test(accountability, a_commitment_is_made_and_updated_by_its_member)
{
    const struct ac_commitment *c;
    org3_ops(); /* T0 is 2026-11-28 */
    OK(commit("bob", "ops", "Fix the fridge door", "2026-12-05"));
    is_type(last(0), "commitment.made");
    c = ac_state_commitment(&O.s, AC_STR("c1"));
    cr_assert_not_null(c);
    cr_assert(ac_str_eq_c(c->member, "bob") && ac_str_eq_c(c->circle, "ops"));
    cr_assert_eq(c->status, AC_COMMIT_OPEN);

    FAILS(update("alice", "c1", "done", ""), AC_EDENIED, NULL);
    cr_assert(has(ac_str_c(O.err.msg), "only they update it"), "%s", O.err.msg);
    FAILS(update("bob", "c1", "progress", " "), AC_EINVAL, "/note");
    FAILS(update("bob", "c1", "failed", "x"), AC_EINVAL, "/status");
    OK(update("bob", "c1", "progress", "Ordered the seal"));
    OK(update("bob", "c1", "released", "The landlord fixes it after all"));
    c = ac_state_commitment(&O.s, AC_STR("c1"));
    cr_assert_eq(c->status, AC_COMMIT_RELEASED);
    cr_assert_eq(c->note_count, 2);
    FAILS(update("bob", "c1", "done", ""), AC_ECONFLICT, NULL);
    FAILS(update("bob", "c9", "done", ""), AC_ENOTFOUND, NULL);
    replay_matches();
}

Test(accountability, bad_commitments_are_refused)
{
    org3_ops();
    FAILS(commit("carol", "ops", "Not my circle", "2026-12-05"), AC_EDENIED,
          NULL);
    FAILS(commit("bob", "nowhere", "x", "2026-12-05"), AC_EINVAL, "/circle");
    FAILS(commit("bob", "ops", "  ", "2026-12-05"), AC_EINVAL, "/what");
    FAILS(commit("bob", "ops", "Late", "2026-11-01"), AC_EINVAL, "/due");
    FAILS(commit("bob", "ops", "Undated", "next week"), AC_EINVAL, "/due");
    cr_assert_eq(O.s.commitment_count, 0);
    /* a date of today is still ahead */
    OK(commit("bob", "ops", "Today", "2026-11-28"));
}

/* The review date comes; a review keeps the agreement with a new date,
 * which comes in turn; then one retires it. */
Test(accountability, a_review_comes_due_and_is_answered)
{
    const struct ac_agreement *ag;
    const char *id;
    int64_t due;
    org3();
    adopt("alice", "all", "agreement.adopt", "Quiet hours",
          "{\"text\":\"Quiet after ten.\",\"review_by\":\"2027-01-10\"}");
    ag = ac_state_agreement(&O.s, AC_STR("a1"));
    due = ag->review_by;
    cr_assert_eq(tick_at(due - 1), 0);
    cr_assert_eq(tick_at(due), 1);
    is_type(last(0), "agreement.review_due");
    cr_assert(ac_str_eq_c(dstr(last(0), "review_by"), "2027-01-10"));
    cr_assert(ac_state_agreement(&O.s, AC_STR("a1"))->review_due);
    cr_assert_eq(tick_at(due + DAY), 0, "once");

    FAILS(propose("bob", "all", "agreement.review", "Maybe",
                  "{\"agreement\":\"a1\",\"outcome\":\"maybe\"}"),
          AC_EINVAL, "/data/outcome");
    FAILS(propose("bob", "all", "agreement.review", "Keep with text",
                  "{\"agreement\":\"a1\",\"outcome\":\"keep\",\"text\":\"x\"}"),
          AC_EINVAL, "/data/text");
    FAILS(propose("bob", "all", "agreement.review", "Amend without text",
                  "{\"agreement\":\"a1\",\"outcome\":\"amend\"}"),
          AC_EINVAL, "/data/text");
    FAILS(propose("bob", "all", "agreement.review", "Past",
                  "{\"agreement\":\"a1\",\"outcome\":\"keep\","
                  "\"review_by\":\"2027-01-01\"}"),
          AC_EINVAL, "/data/review_by");

    id = adopt("bob", "all", "agreement.review", "Keep it a year",
               "{\"agreement\":\"a1\",\"outcome\":\"keep\","
               "\"review_by\":\"2028-01-10\"}");
    ag = ac_state_agreement(&O.s, AC_STR("a1"));
    cr_assert_not(ag->review_due);
    cr_assert_eq(ag->count, 1, "kept as it is");
    cr_assert(ac_str_eq_c(P(id)->effect, "a1"));
    due = ag->review_by;
    cr_assert_eq(tick_at(due), 1, "the next date comes too");

    adopt("carol", "all", "agreement.review", "Softer",
          "{\"agreement\":\"a1\",\"outcome\":\"amend\",\"text\":\"Quiet "
          "after eleven.\"}");
    ag = ac_state_agreement(&O.s, AC_STR("a1"));
    cr_assert_eq(ag->count, 2);
    cr_assert_eq(ag->review_by, -1, "no next review given");
    cr_assert_not(ag->review_due);
    adopt("carol", "all", "agreement.review", "Retire",
          "{\"agreement\":\"a1\",\"outcome\":\"retire\"}");
    cr_assert_eq(ac_state_agreement(&O.s, AC_STR("a1"))->status,
                 AC_AGREEMENT_RETIRED);
    replay_matches();
}

/* A crafted review_due before its date does not apply. */
Test(accountability, the_state_refuses_an_early_review)
{
    struct ac_err err = {0};
    org3();
    adopt("alice", "all", "agreement.adopt", "Quiet hours",
          "{\"text\":\"Quiet after ten.\",\"review_by\":\"2027-01-10\"}");
    cr_assert_eq(apply_forged(O.now, "system", "agreement.review_due",
                              J("{\"agreement\":\"a1\",\"review_by\":"
                                "\"2027-01-10\"}"),
                              &err),
                 AC_ECORRUPT);
    cr_assert_not(ac_state_agreement(&O.s, AC_STR("a1"))->review_due);
}

/* A review_due naming another date, or a commitment dated in the past,
 * does not apply. */
Test(accountability, the_state_refuses_forged_dates)
{
    struct ac_err err = {0};
    org3_ops();
    adopt("alice", "all", "agreement.adopt", "Quiet hours",
          "{\"text\":\"Quiet after ten.\",\"review_by\":\"2027-01-10\"}");
    cr_assert_eq(apply_forged(INT64_C(1799539200000) + HOUR, "system",
                              "agreement.review_due",
                              J("{\"agreement\":\"a2\",\"review_by\":"
                                "\"1999-01-01\"}"),
                              &err),
                 AC_ECORRUPT);
    /* the same at the right date applies: only the date was wrong */
    cr_assert_eq(apply_forged(INT64_C(1799539200000) + HOUR, "system",
                              "agreement.review_due",
                              J("{\"agreement\":\"a2\",\"review_by\":"
                                "\"2027-01-10\"}"),
                              &err),
                 AC_OK, "%s", err.msg);
    cr_assert_eq(apply_forged(INT64_C(1799539200000) + 2 * HOUR, "bob",
                              "commitment.made",
                              J("{\"commitment\":\"c1\",\"circle\":"
                                "\"ops\",\"what\":\"Late\",\"due\":"
                                "\"2001-01-01\"}"),
                              &err),
                 AC_ECORRUPT);
    cr_assert_eq(O.s.commitment_count, 0);
}

/* The check-in list: open commitments whose date passed, by date, per
 * circle or for all; done ones and those still ahead are not in it. */
Test(accountability, the_checkin_list_is_in_date_order)
{
    const struct ac_commitment *out[8];
    org3_ops(); /* 2026-11-28 */
    OK(commit("bob", "ops", "Later", "2026-12-10"));
    OK(commit("alice", "ops", "Sooner", "2026-12-01"));
    OK(commit("carol", "all", "Elsewhere", "2026-12-02"));
    OK(commit("alice", "ops", "Ahead", "2027-06-01"));
    OK(commit("bob", "ops", "Done", "2026-12-01"));
    OK(update("bob", "c5", "done", ""));
    cr_assert_eq(ac_state_overdue(&O.s, AC_STR("ops"), O.now, out), 0);
    O.now = T0 + 30 * DAY;
    cr_assert_eq(ac_state_overdue(&O.s, AC_STR("ops"), O.now, out), 2);
    cr_assert(ac_str_eq_c(out[0]->what, "Sooner"));
    cr_assert(ac_str_eq_c(out[1]->what, "Later"));
    cr_assert_eq(ac_state_overdue(&O.s, (struct ac_str){NULL, 0}, O.now, out),
                 3);
    cr_assert(ac_str_eq_c(out[1]->what, "Elsewhere"));
}
