/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared money (docs/money.md): the currency, income into the pool,
 * allocations to circles, spends decided by the circle that pays, the
 * balances that never go below zero, the ledger's movements, bad input
 * refused with nothing appended, and money_controlled in the power
 * monitor; driven through ac_exec with an injected clock. */
#include <criterion/criterion.h>

#include "exec_fixture.h"

TestSuite(money, .init = setup, .fini = teardown);

static int64_t balance(const char *circle)
{
    const struct ac_circle *c = ac_state_circle(&O.s, ac_str_c(circle));
    cr_assert_not_null(c, "circle %s", circle);
    return c->balance;
}

static const struct ac_movement *movement(size_t i)
{
    cr_assert_lt(i, O.s.movement_count);
    return &O.s.movements[i];
}

/* org3_ops with 500.00 in the pool and 200.00 of it in ops's budget. */
static void funded(void)
{
    org3_ops();
    adopt("bob", "all", "income", "Membership fees",
          "{\"amount\":50000,\"source\":\"Fees for 2026\"}");
    adopt("carol", "all", "budget.allocate", "A budget for ops",
          "{\"circle\":\"ops\",\"amount\":20000}");
}

Test(money, currency_table)
{
    const struct ac_currency *c = ac_currency_find(AC_STR("EUR"));
    cr_assert(c && c->minor == 2);
    cr_assert(ac_currency_find(AC_STR("JPY"))->minor == 0);
    cr_assert(ac_currency_find(AC_STR("KWD"))->minor == 3);
    cr_assert(ac_currency_find(AC_STR("CLF"))->minor == 4);
    cr_assert(ac_currency_find(AC_STR("AAA")) == NULL);
    cr_assert(ac_currency_find(AC_STR("eur")) == NULL, "codes are upper case");
    cr_assert(ac_currency_find(AC_STR("EURO")) == NULL);
    cr_assert(ac_currency_find(AC_STR("XAU")) == NULL, "gold is not kept");
    cr_assert(ac_currency_find(AC_STR("")) == NULL);
}

Test(money, amounts_in_minor_units_read_and_written)
{
    char out[32];
    int64_t v;
    ac_money_format(out, 123456, 2);
    cr_assert_str_eq(out, "1234.56");
    ac_money_format(out, -5, 2);
    cr_assert_str_eq(out, "-0.05");
    ac_money_format(out, 1200, 0);
    cr_assert_str_eq(out, "1200");
    ac_money_format(out, 1, 3);
    cr_assert_str_eq(out, "0.001");
    ac_money_format(out, INT64_MIN, 2);
    cr_assert_str_eq(out, "-92233720368547758.08");

    cr_assert(ac_money_parse(AC_STR("12.34"), 2, &v) && v == 1234);
    cr_assert(ac_money_parse(AC_STR(" 12 "), 2, &v) && v == 1200);
    cr_assert(ac_money_parse(AC_STR("0,5"), 2, &v) && v == 50);
    cr_assert(ac_money_parse(AC_STR("7"), 0, &v) && v == 7);
    cr_assert(ac_money_parse(AC_STR("90071992547409.91"), 2, &v) &&
              v == AC_MONEY_MAX);
    cr_assert_not(ac_money_parse(AC_STR("90071992547409.92"), 2, &v));
    cr_assert_not(ac_money_parse(AC_STR("1.234"), 2, &v), "too many decimals");
    cr_assert_not(ac_money_parse(AC_STR("1.5"), 0, &v));
    cr_assert_not(ac_money_parse(AC_STR("-3"), 2, &v), "no negative amounts");
    cr_assert_not(ac_money_parse(AC_STR("1."), 2, &v));
    cr_assert_not(ac_money_parse(AC_STR(".5"), 2, &v));
    cr_assert_not(ac_money_parse(AC_STR("1 000"), 2, &v));
    cr_assert_not(ac_money_parse(AC_STR(""), 2, &v));
    cr_assert_not(ac_money_parse(AC_STR("ten"), 2, &v));
}

Test(money, income_allocation_and_spend_move_money)
{
    const char *spend;
    funded();
    cr_assert_eq(balance("all"), 30000, "the pool keeps the rest");
    cr_assert_eq(balance("ops"), 20000);
    spend = adopt("alice", "ops", "spend", "New lamps",
                  "{\"circle\":\"ops\",\"amount\":4550,\"payee\":\"Lamp "
                  "shop\",\"purpose\":\"Lamps for the hall\"}");
    cr_assert_eq(balance("ops"), 15450);
    cr_assert_eq(O.s.movement_count, 3);

    cr_assert_eq(movement(0)->kind, AC_MOVE_INCOME);
    cr_assert(ac_str_eq_c(movement(0)->from, AC_OUTSIDE));
    cr_assert(ac_str_eq_c(movement(0)->to, AC_POOL));
    cr_assert(ac_str_eq_c(movement(0)->source, "Fees for 2026"));
    cr_assert(ac_str_eq_c(movement(0)->author, "bob"));
    cr_assert_eq(movement(1)->kind, AC_MOVE_ALLOCATE);
    cr_assert(ac_str_eq_c(movement(1)->from, AC_POOL));
    cr_assert(ac_str_eq_c(movement(1)->to, "ops"));
    cr_assert_eq(movement(2)->kind, AC_MOVE_SPEND);
    cr_assert(ac_str_eq_c(movement(2)->from, "ops"));
    cr_assert(ac_str_eq_c(movement(2)->to, AC_OUTSIDE));
    cr_assert(ac_str_eq_c(movement(2)->payee, "Lamp shop"));
    cr_assert(ac_str_eq_c(movement(2)->proposal, spend));
    cr_assert_eq(movement(2)->amount, 4550);
    cr_assert_eq(movement(2)->seq, O.s.seq, "the close made it");
    is_type(last(0), "proposal.closed");
    replay_matches();
}

Test(money, the_pool_pays_spends_of_all)
{
    funded();
    adopt("alice", "all", "spend", "Hall rent",
          "{\"circle\":\"all\",\"amount\":30000,\"payee\":\"Town "
          "hall\",\"purpose\":\"Rent for the year\"}");
    cr_assert_eq(balance("all"), 0);
    cr_assert(ac_str_eq_c(movement(2)->from, AC_POOL));
    replay_matches();
}

Test(money, bad_amounts_are_refused_with_nothing_appended)
{
    static const char *const bad[] = {
        "{\"amount\":-5,\"source\":\"x\"}",
        "{\"amount\":0,\"source\":\"x\"}",
        "{\"amount\":\"12.50\",\"source\":\"x\"}",
        "{\"amount\":9007199254740992,\"source\":\"x\"}",
        "{\"source\":\"x\"}",
    };
    org3();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FAILS(propose("alice", "all", "income", "Gift", bad[i]), AC_EINVAL,
              "/data/amount");
        cr_assert(has(ac_str_c(O.err.msg), "minor units of EUR"), "%s",
                  O.err.msg);
    }
    FAILS(propose("alice", "all", "income", "Gift", "{\"amount\":5}"),
          AC_EINVAL, "/data/source");
    FAILS(propose("alice", "all", "income", "Gift",
                  "{\"amount\":5,\"source\":\"x\",\"to\":\"bob\"}"),
          AC_EINVAL, NULL);
    cr_assert_eq(O.s.movement_count, 0);
}

Test(money, overspending_is_refused_when_proposed)
{
    funded();
    FAILS(propose("alice", "ops", "spend", "Too much",
                  "{\"circle\":\"ops\",\"amount\":20001,\"payee\":\"x\","
                  "\"purpose\":\"y\"}"),
          AC_EINVAL, "/data/amount");
    cr_assert(has(ac_str_c(O.err.msg), "holds 200.00 EUR"), "%s", O.err.msg);
    cr_assert(has(ac_str_c(O.err.msg), "200.01 EUR"), "%s", O.err.msg);
    FAILS(propose("bob", "all", "budget.allocate", "Too much",
                  "{\"circle\":\"ops\",\"amount\":30001}"),
          AC_EINVAL, "/data/amount");
    cr_assert(has(ac_str_c(O.err.msg), "the pool holds 300.00 EUR"), "%s",
              O.err.msg);
}

Test(money, a_spend_is_decided_by_the_circle_that_pays)
{
    funded();
    FAILS(propose("alice", "all", "spend", "From ops",
                  "{\"circle\":\"ops\",\"amount\":100,\"payee\":\"x\","
                  "\"purpose\":\"y\"}"),
          AC_EINVAL, "/data/circle");
    cr_assert(has(ac_str_c(O.err.msg), "propose it in the circle \"ops\""),
              "%s", O.err.msg);
    FAILS(propose("carol", "ops", "spend", "Not a member",
                  "{\"circle\":\"ops\",\"amount\":100,\"payee\":\"x\","
                  "\"purpose\":\"y\"}"),
          AC_EDENIED, NULL);
    FAILS(propose("alice", "ops", "income", "Income in ops",
                  "{\"amount\":100,\"source\":\"x\"}"),
          AC_EINVAL, "/circle");
    FAILS(propose("alice", "all", "budget.allocate", "To the pool",
                  "{\"circle\":\"all\",\"amount\":100}"),
          AC_EINVAL, "/data/circle");
    FAILS(propose("alice", "all", "budget.allocate", "Nowhere",
                  "{\"circle\":\"nope\",\"amount\":100}"),
          AC_EINVAL, "/data/circle");
}

/* Two spends each within the budget, together over it: the second to
 * close cannot take effect and says why; no balance goes below zero. */
Test(money, a_spend_the_budget_no_longer_covers_lapses_at_close)
{
    const char *first, *second;
    funded();
    O.now += MIN;
    OK(propose("alice", "ops", "spend", "Chairs",
               "{\"circle\":\"ops\",\"amount\":15000,\"payee\":\"Chair "
               "shop\",\"purpose\":\"Chairs\"}"));
    first = newest();
    O.now += MIN;
    OK(propose("bob", "ops", "spend", "Tables",
               "{\"circle\":\"ops\",\"amount\":10000,\"payee\":\"Table "
               "shop\",\"purpose\":\"Tables\"}"));
    second = newest();
    all_consent(first);
    cr_assert_eq(status(first), AC_PROP_ADOPTED);
    cr_assert_eq(balance("ops"), 5000);
    all_consent(second);
    cr_assert_eq(status(second), AC_PROP_LAPSED);
    cr_assert(has(P(second)->outcome, "cannot take effect"));
    cr_assert(has(P(second)->outcome, "holds 50.00 EUR"), "%.*s",
              (int)P(second)->outcome.len, P(second)->outcome.ptr);
    cr_assert_eq(balance("ops"), 5000);
    cr_assert_eq(O.s.movement_count, 3);
    replay_matches();
}

Test(money, the_currency_is_set_by_the_charter_and_then_fixed)
{
    org3();
    FAILS(propose("alice", "all", "charter.amend", "Gold",
                  "{\"set\":{\"money.currency\":\"XAU\"}}"),
          AC_EINVAL, "/data/set/money.currency");
    cr_assert(has(ac_str_c(O.err.msg), "ISO 4217"), "%s", O.err.msg);
    adopt("alice", "all", "charter.amend", "Yen",
          "{\"set\":{\"money.currency\":\"JPY\"}}");
    cr_assert_eq(ac_state_currency(&O.s).minor, 0);
    FAILS(propose("alice", "all", "income", "Gift",
                  "{\"amount\":-1,\"source\":\"x\"}"),
          AC_EINVAL, "/data/amount");
    cr_assert(has(ac_str_c(O.err.msg), "minor units of JPY"), "%s", O.err.msg);
    adopt("alice", "all", "income", "Gift",
          "{\"amount\":1200,\"source\":\"A friend\"}");
    FAILS(propose("alice", "all", "charter.amend", "Euros",
                  "{\"set\":{\"money.currency\":\"EUR\"}}"),
          AC_EINVAL, "/data/set/money.currency");
    cr_assert(has(ac_str_c(O.err.msg), "fixed once money has moved"), "%s",
              O.err.msg);
    /* the same value again changes nothing and may pass */
    adopt("alice", "all", "charter.amend", "Still yen",
          "{\"set\":{\"money.currency\":\"JPY\"}}");
    replay_matches();
}

Test(money, ledger_names_cannot_be_circles)
{
    org3();
    FAILS(propose("alice", "all", "circle.create", "Pool circle",
                  "{\"id\":\"pool\",\"name\":\"Pool\",\"purpose\":\"x\","
                  "\"members\":[\"alice\"]}"),
          AC_EINVAL, "/data/id");
    FAILS(propose("alice", "all", "circle.create", "Outside circle",
                  "{\"id\":\"outside\",\"name\":\"Out\",\"purpose\":\"x\","
                  "\"members\":[\"alice\"]}"),
          AC_EINVAL, "/data/id");
}

/* A crafted close that would overdraw a budget is refused by the state. */
Test(money, the_state_refuses_a_close_that_overdraws)
{
    struct ac_err err = {0};
    struct ac_val *data;
    const char *id;
    funded();
    O.now += MIN;
    OK(propose("alice", "ops", "spend", "Chairs",
               "{\"circle\":\"ops\",\"amount\":15000,\"payee\":\"x\","
               "\"purpose\":\"y\"}"));
    id = newest();
    /* the budget shrinks behind the proposal's back: a forged balance */
    ac_state_circle(&O.s, AC_STR("ops"))->balance = 100;
    data = J("{\"proposal\":\"p0\",\"round\":1,\"status\":\"adopted\","
             "\"reason\":\"forged\",\"tally\":{\"consent\":2,\"concern\":0,"
             "\"object\":0,\"stand_aside\":0,\"eligible\":2}}");
    ac_val_set(&O.ea, data, "proposal", ac_val_str(&O.ea, ac_str_c(id)));
    cr_assert_eq(apply_forged(O.now, "system", "proposal.closed", data, &err),
                 AC_ECORRUPT);
    cr_assert(strstr(err.msg, "movement of money"), "%s", err.msg);
    cr_assert_eq(ac_state_circle(&O.s, AC_STR("ops"))->balance, 100);
    cr_assert_eq(O.s.movement_count, 2);
}

Test(money, money_controlled_counts_adopted_spends_and_allocations)
{
    struct ac_arena a;
    struct ac_power_report r;
    struct ac_err err = {0};
    double carol = -1, alice = -1, bob = -1;
    funded(); /* bob's income does not count, carol's allocation does */
    adopt("alice", "ops", "spend", "Lamps",
          "{\"circle\":\"ops\",\"amount\":4550,\"payee\":\"x\","
          "\"purpose\":\"y\"}");
    ac_arena_init(&a, 0);
    cr_assert_eq(ac_power_report(&O.s, AC_STR("all"), 0, O.now, &a, &r, &err),
                 AC_OK, "%s", err.msg);
    for (size_t i = 0; i < r.n; i++) {
        double v = r.values[AC_DIM_MONEY_CONTROLLED][i];
        if (ac_str_eq_c(r.members[i]->id, "alice")) {
            alice = v;
        } else if (ac_str_eq_c(r.members[i]->id, "bob")) {
            bob = v;
        } else if (ac_str_eq_c(r.members[i]->id, "carol")) {
            carol = v;
        }
    }
    cr_assert_float_eq(alice, 4550, 1e-9);
    cr_assert_float_eq(bob, 0, 1e-9);
    cr_assert_float_eq(carol, 20000, 1e-9);
    /* in ops, only its own spend */
    cr_assert_eq(ac_power_report(&O.s, AC_STR("ops"), 0, O.now, &a, &r, &err),
                 AC_OK);
    cr_assert_eq(r.n, 2);
    cr_assert_float_eq(r.values[AC_DIM_MONEY_CONTROLLED][0] +
                           r.values[AC_DIM_MONEY_CONTROLLED][1],
                       4550, 1e-9);
    ac_arena_release(&a);
}

/* ---- participatory budgeting rounds (docs/money.md#rounds) ---- */

static enum ac_status bucket(const char *actor, const char *round,
                             const char *title, int64_t target)
{
    struct ac_cmd c = {.type = AC_CMD_BUCKET};
    c.actor = ac_str_c(actor);
    c.round = ac_str_c(round);
    c.title = ac_str_c(title);
    c.reason = AC_STR("What it is for");
    c.amount = target;
    O.now += MIN;
    return run(&c);
}

static enum ac_status pledge(const char *actor, const char *b, int64_t amount)
{
    struct ac_cmd c = {.type = AC_CMD_PLEDGE};
    c.actor = ac_str_c(actor);
    c.bucket = ac_str_c(b);
    c.amount = amount;
    O.now += MIN;
    return run(&c);
}

/* funded() and a round of 100.00 in ops for 7 days: 50.00 each */
static const struct ac_pb_round *round_in_ops(void)
{
    const struct ac_pb_round *r;
    funded();
    adopt("alice", "ops", "budget.round", "Spring round",
          "{\"pot\":10000,\"days\":7}");
    cr_assert_eq(O.s.round_count, 1);
    r = &O.s.rounds[0];
    cr_assert(ac_str_eq_c(r->id, "r1"));
    cr_assert_eq(r->pot, 10000);
    cr_assert_eq(r->member_count, 2);
    cr_assert_eq(r->share, 5000);
    cr_assert_eq(balance("ops"), 10000, "the pot left the budget");
    cr_assert_eq(movement(2)->kind, AC_MOVE_ROUND);
    cr_assert(ac_str_eq_c(movement(2)->to, "round:r1"));
    return r;
}

Test(money, a_round_funds_buckets_and_returns_the_rest)
{
    const struct ac_pb_round *r = round_in_ops();
    int64_t closes = r->closes;

    OK(bucket("bob", "r1", "A workbench", 6000));
    cr_assert_eq(O.s.bucket_count, 1);
    is_type(last(0), "bucket.proposed");
    OK(pledge("alice", "b1", 5000));
    FAILS(pledge("bob", "b1", 2000), AC_EINVAL, "/amount");
    cr_assert(has(ac_str_c(O.err.msg), "needs only 10.00 EUR more"), "%s",
              O.err.msg);
    OK(pledge("bob", "b1", 1000));
    is_type(last(1), "bucket.pledged");
    is_type(last(0), "bucket.funded");
    cr_assert(O.s.buckets[0].funded);
    cr_assert_eq(movement(3)->kind, AC_MOVE_FUNDING);
    cr_assert(ac_str_eq_c(movement(3)->from, "round:r1"));
    cr_assert(ac_str_eq_c(movement(3)->to, "bucket:b1"));
    cr_assert(ac_str_eq_c(movement(3)->payee, "bob"));
    cr_assert_eq(movement(3)->amount, 6000);
    FAILS(pledge("bob", "b1", 0), AC_ECONFLICT, NULL);

    /* alice's share is spent; bob has 40.00 left and may change his mind */
    OK(bucket("alice", "r1", "Paint", 3000));
    FAILS(pledge("alice", "b2", 100), AC_EINVAL, "/amount");
    cr_assert(has(ac_str_c(O.err.msg), "you have 0.00 EUR of your share of "
                                       "50.00 EUR"),
              "%s", O.err.msg);
    OK(pledge("bob", "b2", 2500));
    OK(pledge("bob", "b2", 1000));
    cr_assert_eq(O.s.buckets[1].total, 1000, "a pledge is a total, not a sum");
    cr_assert_eq(O.s.rounds[0].spent[1] + O.s.rounds[0].spent[0], 7000);

    /* the close gives back the pot less the funded bucket */
    cr_assert_eq(tick_at(closes - 1), 0);
    FAILS(pledge("bob", "b2", 1500), AC_ECONFLICT, NULL);
    O.now = closes - MIN;
    cr_assert_eq(tick_at(closes), 1);
    is_type(last(0), "budget.round.closed");
    cr_assert_eq(dint(last(0)->data, "returned"), 4000);
    cr_assert(O.s.rounds[0].closed);
    cr_assert_eq(balance("ops"), 14000);
    cr_assert_eq(movement(4)->kind, AC_MOVE_RETURN);
    cr_assert(ac_str_eq_c(movement(4)->to, "ops"));
    FAILS(bucket("bob", "r1", "Too late", 100), AC_ECONFLICT, NULL);
    replay_matches();
}

Test(money, round_input_is_checked)
{
    funded();
    FAILS(propose("alice", "ops", "budget.round", "Too big",
                  "{\"pot\":20001,\"days\":7}"),
          AC_EINVAL, "/data/pot");
    cr_assert(has(ac_str_c(O.err.msg), "holds 200.00 EUR"), "%s", O.err.msg);
    FAILS(propose("alice", "ops", "budget.round", "No days", "{\"pot\":1000}"),
          AC_EINVAL, "/data/days");
    FAILS(propose("alice", "ops", "budget.round", "Negative",
                  "{\"pot\":-1,\"days\":7}"),
          AC_EINVAL, "/data/pot");
    FAILS(propose("alice", "ops", "budget.round", "Crumbs",
                  "{\"pot\":1,\"days\":7}"),
          AC_EINVAL, "/data/pot");
    adopt("alice", "ops", "budget.round", "Round", "{\"pot\":1000,\"days\":3}");
    FAILS(bucket("carol", "r1", "Not my circle", 100), AC_EDENIED, NULL);
    FAILS(bucket("bob", "r1", "Over the pot", 1001), AC_EINVAL, "/target");
    cr_assert(has(ac_str_c(O.err.msg), "pot of 10.00 EUR"), "%s", O.err.msg);
    FAILS(bucket("bob", "r9", "No round", 100), AC_ENOTFOUND, NULL);
    FAILS(bucket("bob", "r1", "", 100), AC_EINVAL, "/title");
    OK(bucket("bob", "r1", "Lamps", 800));
    FAILS(pledge("carol", "b1", 100), AC_EDENIED, NULL);
    cr_assert(has(ac_str_c(O.err.msg), "no share"), "%s", O.err.msg);
    FAILS(pledge("bob", "b1", -1), AC_EINVAL, "/amount");
    FAILS(pledge("bob", "b7", 1), AC_ENOTFOUND, NULL);
    cr_assert_eq(O.s.pledge_count, 0);
}

/* Members who join the circle after the opening have no share: the
 * shares were fixed when it opened. */
Test(money, shares_are_fixed_at_the_opening)
{
    funded();
    adopt("alice", "ops", "budget.round", "Round", "{\"pot\":1001,\"days\":3}");
    cr_assert_eq(O.s.rounds[0].share, 500, "rounded down");
    adopt("alice", "all", "circle.amend", "Carol joins ops",
          "{\"circle\":\"ops\",\"add\":[\"carol\"]}");
    OK(bucket("carol", "r1", "Carol's idea", 500));
    FAILS(pledge("carol", "b1", 100), AC_EDENIED, NULL);
    OK(pledge("alice", "b1", 500));
    cr_assert(O.s.buckets[0].funded);
    tick_at(O.s.rounds[0].closes);
    cr_assert_eq(dint(last(0)->data, "returned"), 501,
                 "the remainder of the division goes back too");
    replay_matches();
}

Test(money, funded_buckets_count_as_money_controlled)
{
    struct ac_arena a;
    struct ac_power_report r;
    struct ac_err err = {0};
    round_in_ops();
    OK(bucket("bob", "r1", "A workbench", 6000));
    OK(pledge("alice", "b1", 5000));
    OK(pledge("bob", "b1", 1000));
    ac_arena_init(&a, 0);
    cr_assert_eq(ac_power_report(&O.s, AC_STR("ops"), 0, O.now, &a, &r, &err),
                 AC_OK, "%s", err.msg);
    for (size_t i = 0; i < r.n; i++) {
        if (ac_str_eq_c(r.members[i]->id, "bob")) {
            cr_assert_float_eq(r.values[AC_DIM_MONEY_CONTROLLED][i], 6000,
                               1e-9);
        }
        if (ac_str_eq_c(r.members[i]->id, "alice")) {
            cr_assert_float_eq(r.values[AC_DIM_MONEY_CONTROLLED][i], 0, 1e-9,
                               "opening a round shares control out");
        }
    }
    ac_arena_release(&a);
}

/* A currency change waits for no money proposal: it is refused while one
 * is open, and one still open when it comes to a close makes it lapse,
 * so no amount is ever read in another currency than it was written. */
Test(money, the_currency_cannot_change_under_an_open_money_proposal)
{
    const char *income, *charter;
    org3();
    O.now += MIN;
    OK(propose("alice", "all", "charter.amend", "Yen",
               "{\"set\":{\"money.currency\":\"JPY\"}}"));
    charter = newest();
    O.now += MIN;
    OK(propose("bob", "all", "income", "Fees",
               "{\"amount\":1000,\"source\":\"Fees\"}"));
    income = newest();
    FAILS(propose("carol", "all", "charter.amend", "Dollars",
                  "{\"set\":{\"money.currency\":\"USD\"}}"),
          AC_EINVAL, "/data/set/money.currency");
    cr_assert(has(ac_str_c(O.err.msg), "a proposal to move some is open"), "%s",
              O.err.msg);
    all_consent(charter);
    cr_assert_eq(status(charter), AC_PROP_LAPSED);
    cr_assert(has(P(charter)->outcome, "cannot take effect"));
    cr_assert_eq(ac_state_currency(&O.s).minor, 2, "still EUR");
    all_consent(income);
    cr_assert_eq(status(income), AC_PROP_ADOPTED);
    cr_assert(ac_str_eq_c(O.s.charter.text[AC_P_MONEY_CURRENCY], "EUR"));
    replay_matches();
}

/* A forged log that changes the currency once money has moved does not
 * replay. */
Test(money, the_state_refuses_a_currency_change_after_money_moved)
{
    struct ac_err err = {0};
    struct ac_val *data;
    const char *charter;
    org3();
    O.now += MIN;
    OK(propose("alice", "all", "charter.amend", "Yen",
               "{\"set\":{\"money.currency\":\"JPY\"}}"));
    charter = newest();
    adopt("bob", "all", "income", "Fees",
          "{\"amount\":1000,\"source\":\"Fees\"}");
    data = J("{\"round\":1,\"status\":\"adopted\",\"reason\":\"forged\","
             "\"tally\":{\"consent\":3,\"concern\":0,\"object\":0,"
             "\"stand_aside\":0,\"eligible\":3}}");
    ac_val_set(&O.ea, data, "proposal", ac_val_str(&O.ea, ac_str_c(charter)));
    cr_assert_eq(
        apply_forged(O.now + MIN, "system", "proposal.closed", data, &err),
        AC_ECORRUPT);
    cr_assert(strstr(err.msg, "currency"), "%s", err.msg);
    cr_assert(ac_str_eq_c(O.s.charter.text[AC_P_MONEY_CURRENCY], "EUR"));
}

/* An allocation the pool no longer covers at its close lapses. */
Test(money, an_allocation_the_pool_no_longer_covers_lapses)
{
    const char *first, *second;
    org3_ops();
    adopt("bob", "all", "income", "Fees",
          "{\"amount\":10000,\"source\":\"Fees\"}");
    O.now += MIN;
    OK(propose("alice", "all", "budget.allocate", "Most of it",
               "{\"circle\":\"ops\",\"amount\":8000}"));
    first = newest();
    O.now += MIN;
    OK(propose("bob", "all", "budget.allocate", "Half of it",
               "{\"circle\":\"ops\",\"amount\":5000}"));
    second = newest();
    all_consent(first);
    all_consent(second);
    cr_assert_eq(status(first), AC_PROP_ADOPTED);
    cr_assert_eq(status(second), AC_PROP_LAPSED);
    cr_assert(has(P(second)->outcome, "the pool holds 20.00 EUR"));
    cr_assert_eq(balance("all"), 2000);
    cr_assert_eq(balance("ops"), 8000);
    replay_matches();
}

/* An amendment is checked like a proposal: within the budget, in the
 * circle that pays. */
Test(money, amendments_of_money_proposals_are_checked)
{
    const char *id;
    funded();
    O.now += MIN;
    OK(propose("alice", "ops", "spend", "Lamps",
               "{\"circle\":\"ops\",\"amount\":1000,\"payee\":\"x\","
               "\"purpose\":\"y\"}"));
    id = newest();
    FAILS(amend("alice", id, NULL,
                "{\"circle\":\"ops\",\"amount\":20001,\"payee\":\"x\","
                "\"purpose\":\"y\"}"),
          AC_EINVAL, "/data/amount");
    FAILS(amend("alice", id, NULL,
                "{\"circle\":\"all\",\"amount\":100,\"payee\":\"x\","
                "\"purpose\":\"y\"}"),
          AC_EINVAL, "/data/circle");
    OK(amend("alice", id, NULL,
             "{\"circle\":\"ops\",\"amount\":20000,\"payee\":\"x\","
             "\"purpose\":\"y\"}"));
    all_consent(id);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    cr_assert_eq(balance("ops"), 0);
}

/* Forged round events the state must refuse: a pledge past any share
 * (which would wrap the totals), and a pledge that reaches its target
 * without bucket.funded right after it. */
Test(money, the_state_refuses_forged_pledges)
{
    struct ac_err err = {0};
    struct ac_val *data;
    round_in_ops();
    OK(bucket("bob", "r1", "A workbench", 6000));
    data = J("{\"round\":\"r1\",\"bucket\":\"b1\",\"amount\":"
             "9223372036854775807}");
    cr_assert_eq(apply_forged(O.now + MIN, "bob", "bucket.pledged", data, &err),
                 AC_ECORRUPT);
    cr_assert_eq(O.s.buckets[0].total, 0);

    OK(pledge("alice", "b1", 5000));
    /* bob's 10.00 reaches the target: only bucket.funded may follow */
    data = J("{\"round\":\"r1\",\"bucket\":\"b1\",\"amount\":1000}");
    cr_assert_eq(apply_forged(O.now + MIN, "bob", "bucket.pledged", data, &err),
                 AC_OK, "%s", err.msg);
    data = J("{\"round\":\"r1\",\"bucket\":\"b1\",\"amount\":0}");
    cr_assert_eq(
        apply_forged(O.now + 2 * MIN, "bob", "bucket.pledged", data, &err),
        AC_ECORRUPT);
    cr_assert(strstr(err.msg, "was not funded next"), "%s", err.msg);
}
