/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Charter parameters: the table, defaults, bounds, and their values. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/charter.h"

static struct ac_arena arena;

static void setup(void)
{
    ac_arena_init(&arena, 0);
}

static void teardown(void)
{
    ac_arena_release(&arena);
}

TestSuite(charter, .init = setup, .fini = teardown);

static enum ac_param find(const char *name)
{
    enum ac_param p = AC_PARAM_COUNT;
    cr_assert(ac_charter_find(ac_str_c(name), &p), "%s unknown", name);
    cr_assert_str_eq(ac_charter_def(p)->name, name);
    return p;
}

static struct ac_val *I(int64_t i)
{
    return ac_val_int(&arena, i);
}

static struct ac_val *S(const char *s)
{
    return ac_val_str(&arena, ac_str_c(s));
}

static void accepts(const char *name, struct ac_val *v)
{
    struct ac_err err = {0};
    cr_assert_eq(ac_charter_check(find(name), v, "/x", &err), AC_OK, "%s: %s",
                 name, err.msg);
}

static void refuses(const char *name, struct ac_val *v)
{
    struct ac_err err = {0};
    cr_assert_eq(ac_charter_check(find(name), v, "/data/set/x", &err),
                 AC_EINVAL, "%s accepted a %s", name,
                 ac_val_kind_name(v->kind));
    cr_assert_str_eq(err.where, "/data/set/x");
    cr_assert(strstr(err.msg, name) != NULL, "message names %s: %s", name,
              err.msg);
}

Test(charter, defaults)
{
    struct ac_charter c;
    ac_charter_defaults(&c);
    cr_assert_eq(c.value[find("consent.round_hours")], 72);
    cr_assert_eq(c.value[find("consent.quorum_percent")], 50);
    cr_assert_eq(c.value[find("consent.max_rounds")], 5);
    cr_assert_eq(c.value[find("consent.fallback")], 0, "none");
    cr_assert_eq(c.value[find("proposal.lapse_days")], 30);
    for (unsigned i = 0; i < AC_PARAM_COUNT; i++) {
        const struct ac_param_def *d = ac_charter_def((enum ac_param)i);
        cr_assert_not_null(d);
        cr_assert_eq(c.set_by[i].len, 0, "%s set by the founding", d->name);
        cr_assert_not_null(d->help);
        if (i == AC_P_OBJECTION_CRITERIA) {
            cr_assert_eq(c.text[i].len, 0, "no criteria by default");
            cr_assert_not(d->entrenched);
        } else if (d->type == AC_PARAM_TEXT) {
            cr_assert_gt(c.text[i].len, 20, "%s has its article", d->name);
            cr_assert(d->entrenched, "%s", d->name);
        } else {
            cr_assert_not(d->entrenched, "%s", d->name);
        }
    }
    cr_assert_null(ac_charter_def(AC_PARAM_COUNT));
}

Test(charter, the_three_entrenched_articles)
{
    enum ac_param p[3] = {find("article.right_to_object"),
                          find("article.open_record"),
                          find("article.no_expulsion")};
    int n = 0;
    for (unsigned i = 0; i < AC_PARAM_COUNT; i++) {
        n += ac_charter_def((enum ac_param)i)->entrenched;
    }
    cr_assert_eq(n, 3);
    for (int i = 0; i < 3; i++) {
        cr_assert(ac_charter_def(p[i])->entrenched);
    }
}

Test(charter, unknown_names)
{
    enum ac_param p = AC_PARAM_COUNT;
    static const char *const names[] = {"consent.nope",
                                        "",
                                        "consent",
                                        "consent.round_hour",
                                        "consent.round_hours ",
                                        "Consent.round_hours",
                                        "round_hours",
                                        "consent.round_hoursx",
                                        "article",
                                        "article.*"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cr_assert_not(ac_charter_find(ac_str_c(names[i]), &p), "%s", names[i]);
    }
    cr_assert_eq(p, AC_PARAM_COUNT, "untouched");
    /* a counted name is compared by its length */
    cr_assert_not(
        ac_charter_find((struct ac_str){"consent.round_hours", 18}, &p));
}

Test(charter, integer_bounds)
{
    refuses("consent.round_hours", I(0));
    accepts("consent.round_hours", I(1));
    accepts("consent.round_hours", I(720));
    refuses("consent.round_hours", I(721));
    refuses("consent.round_hours", I(-1));
    refuses("consent.round_hours", S("72"));
    refuses("consent.round_hours", ac_val_bool(&arena, true));
    refuses("consent.round_hours", ac_val_null(&arena));

    accepts("consent.quorum_percent", I(0));
    accepts("consent.quorum_percent", I(100));
    refuses("consent.quorum_percent", I(101));
    refuses("consent.quorum_percent", I(-1));

    refuses("consent.max_rounds", I(0));
    accepts("consent.max_rounds", I(1));
    accepts("consent.max_rounds", I(50));
    refuses("consent.max_rounds", I(51));

    refuses("proposal.lapse_days", I(0));
    accepts("proposal.lapse_days", I(1));
    accepts("proposal.lapse_days", I(365));
    refuses("proposal.lapse_days", I(366));
    refuses("proposal.lapse_days", I(INT64_MIN));
    refuses("proposal.lapse_days", I(INT64_MAX));
}

Test(charter, fallback_none_or_51_to_100)
{
    accepts("consent.fallback", S("none"));
    accepts("consent.fallback", I(51));
    accepts("consent.fallback", I(67));
    accepts("consent.fallback", I(100));
    refuses("consent.fallback", I(50));
    refuses("consent.fallback", I(0));
    refuses("consent.fallback", I(101));
    refuses("consent.fallback", I(-51));
    refuses("consent.fallback", S("None"));
    refuses("consent.fallback", S("none "));
    refuses("consent.fallback", S(""));
    refuses("consent.fallback", S("67"));
    refuses("consent.fallback", ac_val_null(&arena));
    refuses("consent.fallback", ac_val_bool(&arena, false));
}

Test(charter, text_parameters)
{
    char *big = ac_arena_alloc(&arena, 2 * 2001 + 1);
    for (int i = 0; i < 2001; i++) {
        big[2 * i] = '\xc3';
        big[2 * i + 1] = '\xa9';
    }
    accepts("article.open_record", S("x"));
    /* the cap counts characters, not bytes */
    accepts("article.open_record",
            ac_val_str(&arena, (struct ac_str){big, 2 * 2000}));
    refuses("article.open_record",
            ac_val_str(&arena, (struct ac_str){big, 2 * 2001}));
    refuses("article.open_record", S(""));
    refuses("article.open_record", I(1));
    refuses("article.right_to_object", ac_val_arr(&arena));
}

Test(charter, set_and_read_back)
{
    struct ac_charter c;
    struct ac_err err = {0};
    char text[] = "Every act is recorded.";
    struct ac_val *v;
    ac_charter_defaults(&c);

    cr_assert_eq(ac_charter_set(&c, find("consent.round_hours"), I(24),
                                AC_STR("p3"), &arena, &err),
                 AC_OK, "%s", err.msg);
    cr_assert_eq(c.value[find("consent.round_hours")], 24);
    cr_assert(ac_str_eq_c(c.set_by[find("consent.round_hours")], "p3"));

    cr_assert_eq(ac_charter_set(&c, find("consent.fallback"), I(67),
                                AC_STR("p4"), &arena, NULL),
                 AC_OK);
    v = ac_charter_value(&c, find("consent.fallback"), &arena);
    cr_assert_eq(v->kind, AC_VAL_INT);
    cr_assert_eq(v->i, 67);
    cr_assert_eq(ac_charter_set(&c, find("consent.fallback"), S("none"),
                                AC_STR("p5"), &arena, NULL),
                 AC_OK);
    cr_assert_eq(c.value[find("consent.fallback")], 0);
    v = ac_charter_value(&c, find("consent.fallback"), &arena);
    cr_assert_eq(v->kind, AC_VAL_STR);
    cr_assert(ac_str_eq_c(v->s, "none"));

    cr_assert_eq(ac_charter_set(&c, find("article.open_record"),
                                ac_val_str(&arena, ac_str_c(text)),
                                AC_STR("p6"), &arena, NULL),
                 AC_OK);
    text[0] = 'X';
    cr_assert(ac_str_eq_c(c.text[find("article.open_record")],
                          "Every act is recorded."),
              "text copied into the arena");

    /* invalid values change nothing */
    err = (struct ac_err){0};
    cr_assert_eq(ac_charter_set(&c, find("consent.max_rounds"), I(0),
                                AC_STR("p7"), &arena, &err),
                 AC_EINVAL);
    cr_assert_eq(c.value[find("consent.max_rounds")], 5);
    cr_assert_eq(c.set_by[find("consent.max_rounds")].len, 0);
    cr_assert_str_eq(err.where, "consent.max_rounds");
}

Test(charter, object_names_every_parameter)
{
    struct ac_charter c;
    struct ac_val *o;
    struct ac_str s;
    int64_t i;
    ac_charter_defaults(&c);
    o = ac_charter_object(&c, &arena);
    cr_assert_not_null(o);
    cr_assert_eq(o->count, AC_PARAM_COUNT);
    cr_assert(ac_val_get_int(o, "consent.round_hours", &i));
    cr_assert_eq(i, 72);
    cr_assert(ac_val_get_int(o, "consent.quorum_percent", &i));
    cr_assert_eq(i, 50);
    cr_assert(ac_val_get_int(o, "consent.max_rounds", &i));
    cr_assert_eq(i, 5);
    cr_assert(ac_val_get_str(o, "consent.fallback", &s));
    cr_assert(ac_str_eq_c(s, "none"));
    cr_assert(ac_val_get_int(o, "proposal.lapse_days", &i));
    cr_assert_eq(i, 30);
    cr_assert(ac_val_get_str(o, "article.right_to_object", &s));
    cr_assert(ac_val_get_str(o, "article.open_record", &s));
    cr_assert(ac_val_get_str(o, "article.no_expulsion", &s));
    /* every value the object holds passes its own check */
    for (size_t k = 0; k < o->count; k++) {
        enum ac_param p;
        cr_assert(ac_charter_find(o->pairs[k].key, &p));
        cr_assert_eq(ac_charter_check(p, o->pairs[k].val, "", NULL), AC_OK);
    }
}

Test(charter, methods_by_name)
{
    static const char *const good[] = {
        "consent",          "consensus",         "majority",
        "supermajority:51", "supermajority:100", "schulze",
        "schulze_margins",  "approval",          "score"};
    static const char *const bad[] = {"",
                                      "Consent",
                                      "supermajority",
                                      "supermajority:",
                                      "supermajority:50",
                                      "supermajority:101",
                                      "supermajority:067",
                                      "supermajority:6x",
                                      "majority ",
                                      "supermajority:+60"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct ac_method_rule m;
        char back[32];
        cr_assert(ac_method_parse(ac_str_c(good[i]), &m), "%s", good[i]);
        ac_method_format(back, m);
        cr_assert_str_eq(back, good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ac_method_rule m;
        cr_assert_not(ac_method_parse(ac_str_c(bad[i]), &m), "%s", bad[i]);
    }
}

Test(charter, circle_rules_override_and_drop)
{
    struct ac_charter c, before;
    enum ac_param p;
    struct ac_str circle;
    struct ac_err err = {0};
    ac_charter_defaults(&c);
    cr_assert(
        ac_charter_rule_name(AC_STR("decision.choice@kitchen"), &p, &circle));
    cr_assert_eq(p, AC_P_DECISION_CHOICE);
    cr_assert(ac_str_eq_c(circle, "kitchen"));
    cr_assert_not(ac_charter_rule_name(AC_STR("consent.round_hours@kitchen"),
                                       &p, &circle));
    cr_assert_not(ac_charter_rule_name(AC_STR("decision.choice"), &p, &circle));
    cr_assert_not(
        ac_charter_rule_name(AC_STR("decision.choice@"), &p, &circle));
    cr_assert_eq(ac_charter_rule_set(&c, AC_P_DECISION_CHOICE,
                                     AC_STR("kitchen"), S("approval"),
                                     AC_STR("p1"), &arena, &err),
                 AC_OK, "%s", err.msg);
    before = c;
    cr_assert_eq(
        ac_charter_method(&c, AC_P_DECISION_CHOICE, AC_STR("kitchen")).method,
        AC_M_APPROVAL);
    cr_assert_eq(
        ac_charter_method(&c, AC_P_DECISION_CHOICE, AC_STR("all")).method,
        AC_M_SCHULZE);
    cr_assert_eq(ac_charter_rule_set(&c, AC_P_DECISION_CHOICE,
                                     AC_STR("kitchen"), S("default"),
                                     AC_STR("p2"), &arena, &err),
                 AC_OK);
    cr_assert_eq(c.rule_count, 0);
    cr_assert_eq(before.rule_count, 1, "the earlier copy stays as it was");
    cr_assert_eq(ac_charter_rule_set(&c, AC_P_DECISION_CHOICE,
                                     AC_STR("kitchen"), S("majority"),
                                     AC_STR("p3"), &arena, &err),
                 AC_EINVAL);
    cr_assert(strstr(err.msg, "schulze, schulze_margins, approval, score"),
              "%s", err.msg);
}

Test(charter, objection_criteria_are_lines)
{
    struct ac_charter c;
    struct ac_str k;
    struct ac_err err = {0};
    ac_charter_defaults(&c);
    cr_assert_not(ac_charter_criterion(&c, 0, &k));
    cr_assert_eq(ac_charter_set(&c, AC_P_OBJECTION_CRITERIA,
                                S("  causes harm \n\nmoves us away from our "
                                  "purpose\r\n"),
                                AC_STR("p1"), &arena, &err),
                 AC_OK, "%s", err.msg);
    cr_assert(ac_charter_criterion(&c, 0, &k));
    cr_assert(ac_str_eq_c(k, "causes harm"));
    cr_assert(ac_charter_criterion(&c, 1, &k));
    cr_assert(ac_str_eq_c(k, "moves us away from our purpose"));
    cr_assert_not(ac_charter_criterion(&c, 2, &k));
    {
        char many[64];
        for (int i = 0; i < 21; i++) {
            many[2 * i] = 'x';
            many[2 * i + 1] = '\n';
        }
        many[42] = '\0';
        refuses("objection.criteria", S(many));
        many[40] = '\0';
        accepts("objection.criteria", S(many));
    }
    accepts("objection.criteria", S(""));
}
