/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Charter parameters (docs/charter.md). */
#include "charter.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/ascii.h"
#include "core/money.h"

static const struct ac_param_def defs[AC_PARAM_COUNT] = {
    [AC_P_ROUND_HOURS] = {"consent.round_hours", AC_PARAM_INT, 72, 1, 720, NULL,
                          false, "hours a consent round stays open"},
    [AC_P_QUORUM_PERCENT] = {"consent.quorum_percent", AC_PARAM_INT, 50, 0, 100,
                             NULL, false,
                             "percent of the circle that must respond for "
                             "a proposal to be adopted"},
    [AC_P_MAX_ROUNDS] = {"consent.max_rounds", AC_PARAM_INT, 5, 1, 50, NULL,
                         false,
                         "rounds a proposal may take before it lapses or "
                         "the fallback applies"},
    [AC_P_FALLBACK] = {"consent.fallback", AC_PARAM_FALLBACK, 0, 51, 100, NULL,
                       false,
                       "\"none\", or the supermajority percent that adopts "
                       "a proposal still objected to after the last round"},
    [AC_P_LAPSE_DAYS] = {"proposal.lapse_days", AC_PARAM_INT, 30, 1, 365, NULL,
                         false,
                         "days a proposal may wait for integration before "
                         "it lapses"},
    [AC_P_ARTICLE_OBJECT] = {"article.right_to_object", AC_PARAM_TEXT, 0, 1,
                             2000,
                             "Every member of a circle may object to any of "
                             "its proposals; a reasoned objection blocks "
                             "adoption until it is withdrawn or the "
                             "proposal is amended.",
                             true, "entrenched article 1"},
    [AC_P_ARTICLE_RECORD] = {"article.open_record", AC_PARAM_TEXT, 0, 1, 2000,
                             "Every act of the group is on one open, "
                             "hash-chained record that every member can "
                             "read and verify.",
                             true, "entrenched article 2"},
    [AC_P_ARTICLE_LEAVE] = {"article.no_expulsion", AC_PARAM_TEXT, 0, 1, 2000,
                            "No member leaves the group except by their "
                            "own act or by a member.remove proposal they "
                            "can see and answer.",
                            true, "entrenched article 3"},
#define DECIDE(param, kind, last)                                              \
    [param] = {"decision." kind,                                               \
               AC_PARAM_METHOD,                                                \
               AC_M_CONSENT * 1000,                                            \
               AC_M_CONSENT,                                                   \
               last,                                                           \
               NULL,                                                           \
               false,                                                          \
               "how " kind " proposals are decided"}
    DECIDE(AC_P_DECISION_AGREEMENT_ADOPT, "agreement.adopt",
           AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_AGREEMENT_AMEND, "agreement.amend",
           AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_AGREEMENT_RETIRE, "agreement.retire",
           AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_CHARTER_AMEND, "charter.amend", AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_MEMBER_ADMIT, "member.admit", AC_M_SUPERMAJORITY),
    /* a member's place in the group is never outvoted (article 3) */
    DECIDE(AC_P_DECISION_MEMBER_REMOVE, "member.remove", AC_M_CONSENSUS),
    DECIDE(AC_P_DECISION_CIRCLE_CREATE, "circle.create", AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_CIRCLE_AMEND, "circle.amend", AC_M_SUPERMAJORITY),
    [AC_P_DECISION_CHOICE] = {"decision.choice", AC_PARAM_METHOD,
                              AC_M_SCHULZE * 1000, AC_M_SCHULZE, AC_M_SCORE,
                              NULL, false, "how choice proposals are counted"},
    DECIDE(AC_P_DECISION_ROLE_CREATE, "role.create", AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_ROLE_AMEND, "role.amend", AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_ROLE_RETIRE, "role.retire", AC_M_SUPERMAJORITY),
    /* the consent round of a sociocratic election */
    DECIDE(AC_P_DECISION_ROLE_ELECT, "role.elect", AC_M_CONSENSUS),
    /* the circle accepts ballots collected elsewhere */
    DECIDE(AC_P_DECISION_CHOICE_IMPORT, "choice.import", AC_M_SUPERMAJORITY),
    /* shared money (docs/money.md) */
    DECIDE(AC_P_DECISION_INCOME, "income", AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_BUDGET_ALLOCATE, "budget.allocate",
           AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_SPEND, "spend", AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_BUDGET_ROUND, "budget.round", AC_M_SUPERMAJORITY),
    DECIDE(AC_P_DECISION_AGREEMENT_REVIEW, "agreement.review",
           AC_M_SUPERMAJORITY),
#undef DECIDE
    [AC_P_OBJECTION_CRITERIA] = {"objection.criteria", AC_PARAM_TEXT, 0, 0,
                                 2000, "", false,
                                 "the grounds an objection may rest on, one "
                                 "per line; empty: any reasoned objection"},
    [AC_P_ROLE_MAX_TERMS] = {"role.max_consecutive_terms", AC_PARAM_INT, 2, 1,
                             20, NULL, false,
                             "terms in a row one member may hold a role"},
    [AC_P_ROLE_MAX_CONCURRENT] = {"role.max_concurrent", AC_PARAM_INT, 2, 1, 20,
                                  NULL, false,
                                  "roles one member may hold at once"},
    [AC_P_DELEGATION_MAX_WEIGHT] = {"delegation.max_weight", AC_PARAM_INT, 3, 1,
                                    100, NULL, false,
                                    "votes one member may carry, their own "
                                    "included"},
    [AC_P_DELEGATION_EXPIRY_DAYS] = {"delegation.expiry_days", AC_PARAM_INT,
                                     180, 1, 3650, NULL, false,
                                     "days a delegation lasts unless "
                                     "renewed"},
    [AC_P_POWER_WINDOW_DAYS] = {"power.window_days", AC_PARAM_INT, 90, 1, 3650,
                                NULL, false,
                                "days of activity the power alerts look at"},
    [AC_P_POWER_MIN_TOTAL] = {"power.alert.min_total", AC_PARAM_INT, 10, 0,
                              1000000, NULL, false,
                              "least total (proposals, role-days) before a "
                              "spread is judged"},
    [AC_P_POWER_ADOPTED_GINI] = {"power.alert.proposals_adopted.gini",
                                 AC_PARAM_INT, 60, 0, 100, NULL, false,
                                 "alert at this Gini (percent) of adopted "
                                 "proposals; 0 turns it off"},
    [AC_P_POWER_ROLE_DAYS_TOP10] = {"power.alert.role_days.top10", AC_PARAM_INT,
                                    50, 0, 100, NULL, false,
                                    "alert when the top 10% hold this percent "
                                    "of role-days; 0 turns it off"},
    [AC_P_POWER_ROLES_HELD] = {"power.alert.roles_held", AC_PARAM_INT, 2, 0,
                               100, NULL, false,
                               "alert when one member holds this many roles "
                               "at once; 0 turns it off"},
    [AC_P_POWER_DELEGATED_WEIGHT] = {"power.alert.delegated_weight",
                                     AC_PARAM_INT, 3, 0, 100, NULL, false,
                                     "alert when one member carries this many "
                                     "votes; 0 turns it off"},
    [AC_P_MONEY_CURRENCY] = {"money.currency", AC_PARAM_CURRENCY, 0, 3, 3,
                             "EUR", false,
                             "the ISO 4217 currency of every amount; "
                             "fixed once money has moved"},
};

static const char *const method_names[AC_METHOD_COUNT] = {
    "consent", "consensus",       "majority", "supermajority",
    "schulze", "schulze_margins", "approval", "score"};

void ac_method_format(char out[32], struct ac_method_rule m)
{
    const char *secret = m.secret ? "/secret" : "";
    if ((unsigned)m.method >= AC_METHOD_COUNT) {
        snprintf(out, 32, "?");
    } else if (m.method == AC_M_SUPERMAJORITY) {
        snprintf(out, 32, "supermajority:%" PRId64 "%s", m.percent, secret);
    } else {
        snprintf(out, 32, "%s%s", method_names[m.method], secret);
    }
}

static bool parse_open(struct ac_str s, struct ac_method_rule *out);

bool ac_method_parse(struct ac_str s, struct ac_method_rule *out)
{
    static const char sec[] = "/secret";
    size_t n = sizeof sec - 1;
    if (s.len > n && memcmp(s.ptr + s.len - n, sec, n) == 0) {
        struct ac_str base = {s.ptr, s.len - n};
        /* only votes and ballots can be secret: an objection is signed */
        if (!parse_open(base, out) || out->method == AC_M_CONSENT ||
            out->method == AC_M_CONSENSUS) {
            return false;
        }
        out->secret = true;
        return true;
    }
    return parse_open(s, out);
}

static bool parse_open(struct ac_str s, struct ac_method_rule *out)
{
    static const char sm[] = "supermajority:";
    if (s.len > sizeof sm - 1 && memcmp(s.ptr, sm, sizeof sm - 1) == 0) {
        int64_t pct;
        struct ac_str n = {s.ptr + sizeof sm - 1, s.len - (sizeof sm - 1)};
        if (n.ptr[0] < '1' || n.ptr[0] > '9' ||
            ac_parse_i64(n, 51, 100, &pct, NULL) != AC_OK) {
            return false;
        }
        *out = (struct ac_method_rule){AC_M_SUPERMAJORITY, pct, false};
        return true;
    }
    for (unsigned i = 0; i < AC_METHOD_COUNT; i++) {
        if (i != AC_M_SUPERMAJORITY && ac_str_eq_c(s, method_names[i])) {
            *out = (struct ac_method_rule){(enum ac_method)i, 0, false};
            return true;
        }
    }
    return false;
}

static int64_t method_encode(struct ac_method_rule m)
{
    return (int64_t)m.method * 1000 + (m.secret ? 200 : 0) + m.percent;
}

static struct ac_method_rule method_decode(int64_t v)
{
    int64_t rest = v % 1000;
    return (struct ac_method_rule){(enum ac_method)(v / 1000), rest % 200,
                                   rest >= 200};
}

/* The methods p allows, for messages: "consent, consensus, ...". */
static void method_list(enum ac_param p, char *out, size_t room)
{
    size_t used = 0;
    out[0] = 0;
    for (int64_t m = defs[p].min; m <= defs[p].max && used < room; m++) {
        int n = snprintf(out + used, room - used, "%s%s%s", used ? ", " : "",
                         method_names[m],
                         m == AC_M_SUPERMAJORITY ? ":<51..100>" : "");
        used += n > 0 ? (size_t)n : 0;
    }
    if (defs[p].max >= AC_M_MAJORITY && used < room) {
        snprintf(out + used, room - used,
                 "; a vote or a choice may end in /secret");
    }
}

static enum ac_status check_method(enum ac_param p, const struct ac_val *v,
                                   const char *where, struct ac_err *err)
{
    struct ac_method_rule m;
    if (v->kind == AC_VAL_STR && ac_method_parse(v->s, &m) &&
        m.method >= defs[p].min && m.method <= defs[p].max) {
        return AC_OK;
    }
    char list[256];
    method_list(p, list, sizeof list);
    return ac_err_at(err, where, AC_EINVAL, "%s must be one of %s",
                     defs[p].name, list);
}

const struct ac_param_def *ac_charter_def(enum ac_param p)
{
    return (unsigned)p < AC_PARAM_COUNT ? &defs[p] : NULL;
}

bool ac_charter_find(struct ac_str name, enum ac_param *p)
{
    for (unsigned i = 0; i < AC_PARAM_COUNT; i++) {
        if (ac_str_eq_c(name, defs[i].name)) {
            *p = (enum ac_param)i;
            return true;
        }
    }
    return false;
}

void ac_charter_defaults(struct ac_charter *c)
{
    for (unsigned i = 0; i < AC_PARAM_COUNT; i++) {
        c->value[i] = defs[i].def;
        c->text[i] = defs[i].def_text ? ac_str_c(defs[i].def_text)
                                      : (struct ac_str){"", 0};
        c->set_by[i] = (struct ac_str){"", 0};
    }
    c->rules = NULL;
    c->rule_count = 0;
}

enum ac_status ac_charter_check(enum ac_param p, const struct ac_val *v,
                                const char *where, struct ac_err *err)
{
    const struct ac_param_def *d = &defs[p];
    switch (d->type) {
    case AC_PARAM_METHOD:
        return check_method(p, v, where, err);
    case AC_PARAM_FALLBACK:
        if (v->kind == AC_VAL_STR && ac_str_eq_c(v->s, "none")) {
            return AC_OK;
        }
        if (v->kind != AC_VAL_INT) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s must be \"none\" or a percentage %" PRId64
                             "..%" PRId64,
                             d->name, d->min, d->max);
        }
        /* fall through */
    case AC_PARAM_INT:
        if (v->kind != AC_VAL_INT) {
            return ac_err_at(err, where, AC_EINVAL, "%s must be an integer",
                             d->name);
        }
        if (v->i < d->min || v->i > d->max) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s must be in %" PRId64 "..%" PRId64
                             ", not %" PRId64,
                             d->name, d->min, d->max, v->i);
        }
        return AC_OK;
    case AC_PARAM_CURRENCY:
        if (v->kind != AC_VAL_STR) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s must be an ISO 4217 currency code such as "
                             "\"EUR\", \"USD\" or \"JPY\"",
                             d->name);
        }
        if (!ac_currency_find(v->s)) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s: \"%.*s\" is not an ISO 4217 currency code "
                             "(such as \"EUR\", \"USD\" or \"JPY\")",
                             d->name, (int)(v->s.len > 16 ? 16 : v->s.len),
                             v->s.ptr);
        }
        return AC_OK;
    case AC_PARAM_TEXT: {
        size_t n;
        if (v->kind != AC_VAL_STR) {
            return ac_err_at(err, where, AC_EINVAL, "%s must be text", d->name);
        }
        n = ac_utf8_count(v->s);
        if (!ac_utf8_is_valid(v->s) || n < (size_t)d->min ||
            n > (size_t)d->max) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s must be %" PRId64 "..%" PRId64 " characters",
                             d->name, d->min, d->max);
        }
        if (p == AC_P_OBJECTION_CRITERIA) {
            struct ac_charter one;
            struct ac_str c;
            size_t k = 0;
            one.text[p] = v->s;
            while (ac_charter_criterion(&one, k, &c)) {
                k++;
            }
            if (k > AC_CRITERIA_MAX) {
                return ac_err_at(err, where, AC_EINVAL,
                                 "%s lists %zu criteria, at most %d", d->name,
                                 k, AC_CRITERIA_MAX);
            }
        }
        return AC_OK;
    }
    }
    return ac_err_at(err, where, AC_EINVAL, "unknown parameter type");
}

enum ac_status ac_charter_set(struct ac_charter *c, enum ac_param p,
                              const struct ac_val *v, struct ac_str set_by,
                              struct ac_arena *a, struct ac_err *err)
{
    enum ac_status st = ac_charter_check(p, v, defs[p].name, err);
    struct ac_str by;
    if (st != AC_OK) {
        return st;
    }
    by = ac_arena_str(a, set_by);
    if (!by.ptr) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    if (defs[p].type == AC_PARAM_TEXT || defs[p].type == AC_PARAM_CURRENCY) {
        struct ac_str t = ac_arena_str(a, v->s);
        if (!t.ptr) {
            return ac_err_set(err, AC_ENOMEM, "out of memory");
        }
        c->text[p] = t;
    } else if (defs[p].type == AC_PARAM_METHOD) {
        struct ac_method_rule m;
        ac_method_parse(v->s, &m);
        c->value[p] = method_encode(m);
    } else {
        c->value[p] = v->kind == AC_VAL_INT ? v->i : 0;
    }
    c->set_by[p] = by;
    return AC_OK;
}

struct ac_val *ac_charter_value(const struct ac_charter *c, enum ac_param p,
                                struct ac_arena *a)
{
    switch (defs[p].type) {
    case AC_PARAM_TEXT:
    case AC_PARAM_CURRENCY:
        return ac_val_str(a, c->text[p]);
    case AC_PARAM_FALLBACK:
        if (c->value[p] == 0) {
            return ac_val_str(a, AC_STR("none"));
        }
        return ac_val_int(a, c->value[p]);
    case AC_PARAM_INT:
        return ac_val_int(a, c->value[p]);
    case AC_PARAM_METHOD: {
        char name[32];
        ac_method_format(name, method_decode(c->value[p]));
        return ac_val_str(a, ac_str_c(name));
    }
    }
    return NULL;
}

struct ac_val *ac_charter_object(const struct ac_charter *c, struct ac_arena *a)
{
    struct ac_val *o = ac_val_obj(a);
    for (unsigned i = 0; o && i < AC_PARAM_COUNT; i++) {
        if (!ac_val_set(a, o, defs[i].name,
                        ac_charter_value(c, (enum ac_param)i, a))) {
            return NULL;
        }
    }
    for (size_t i = 0; o && i < c->rule_count; i++) {
        const struct ac_decision_rule *r = &c->rules[i];
        char key[96], name[32];
        snprintf(key, sizeof key, "%s@%.*s", defs[r->param].name,
                 (int)r->circle.len, r->circle.ptr);
        ac_method_format(name, method_decode(r->value));
        if (!ac_val_set(a, o, key, ac_val_str(a, ac_str_c(name)))) {
            return NULL;
        }
    }
    return o;
}

bool ac_charter_rule_name(struct ac_str name, enum ac_param *p,
                          struct ac_str *circle)
{
    const char *at = memchr(name.ptr, '@', name.len);
    struct ac_str param;
    if (!at) {
        return false;
    }
    param = (struct ac_str){name.ptr, (size_t)(at - name.ptr)};
    *circle = (struct ac_str){at + 1, name.len - param.len - 1};
    return ac_charter_find(param, p) && defs[*p].type == AC_PARAM_METHOD &&
           circle->len > 0;
}

enum ac_status ac_charter_rule_check(enum ac_param p, const struct ac_val *v,
                                     const char *where, struct ac_err *err)
{
    if (v->kind == AC_VAL_STR && ac_str_eq_c(v->s, "default")) {
        return AC_OK;
    }
    return check_method(p, v, where, err);
}

enum ac_status ac_charter_rule_set(struct ac_charter *c, enum ac_param p,
                                   struct ac_str circle, const struct ac_val *v,
                                   struct ac_str set_by, struct ac_arena *a,
                                   struct ac_err *err)
{
    struct ac_decision_rule *rules;
    struct ac_method_rule m;
    size_t n = 0;
    bool drop = ac_str_eq_c(v->s, "default");
    enum ac_status st = ac_charter_rule_check(p, v, defs[p].name, err);
    if (st != AC_OK) {
        return st;
    }
    rules = ac_arena_alloc(a, (c->rule_count + 1) * sizeof *rules);
    if (!rules) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < c->rule_count; i++) {
        if (c->rules[i].param != p || !ac_str_eq(c->rules[i].circle, circle)) {
            rules[n++] = c->rules[i];
        }
    }
    if (!drop) {
        struct ac_decision_rule *r = &rules[n++];
        ac_method_parse(v->s, &m);
        r->param = p;
        r->value = method_encode(m);
        r->circle = ac_arena_str(a, circle);
        r->set_by = ac_arena_str(a, set_by);
        if (!r->circle.ptr || !r->set_by.ptr) {
            return ac_err_set(err, AC_ENOMEM, "out of memory");
        }
    }
    c->rules = rules;
    c->rule_count = n;
    return AC_OK;
}

struct ac_method_rule ac_charter_method(const struct ac_charter *c,
                                        enum ac_param p, struct ac_str circle)
{
    for (size_t i = 0; i < c->rule_count; i++) {
        if (c->rules[i].param == p && ac_str_eq(c->rules[i].circle, circle)) {
            return method_decode(c->rules[i].value);
        }
    }
    return method_decode(c->value[p]);
}

bool ac_charter_criterion(const struct ac_charter *c, size_t i,
                          struct ac_str *out)
{
    struct ac_str t = c->text[AC_P_OBJECTION_CRITERIA];
    size_t pos = 0, k = 0;
    while (pos < t.len) {
        const char *nl = memchr(t.ptr + pos, '\n', t.len - pos);
        size_t end = nl ? (size_t)(nl - t.ptr) : t.len;
        struct ac_str line = {t.ptr + pos, end - pos};
        while (line.len && (line.ptr[0] == ' ' || line.ptr[0] == '\t')) {
            line.ptr++;
            line.len--;
        }
        while (line.len && (line.ptr[line.len - 1] == ' ' ||
                            line.ptr[line.len - 1] == '\t' ||
                            line.ptr[line.len - 1] == '\r')) {
            line.len--;
        }
        pos = end + 1;
        if (line.len == 0) {
            continue;
        }
        if (k++ == i) {
            *out = line;
            return true;
        }
    }
    return false;
}
