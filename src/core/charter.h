/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The charter: the group's own rules as typed parameters with defaults
 * and bounds (docs/charter.md). Three entrenched articles change only by
 * the unanimous explicit consent of every active member. The table of
 * parameters is the one definition; everything else reads it. */
#ifndef ACCORD_CORE_CHARTER_H
#define ACCORD_CORE_CHARTER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/val.h"

enum ac_param_type {
    AC_PARAM_INT,      /* integer in [min, max] */
    AC_PARAM_FALLBACK, /* "none" (stored 0) or a percentage in [min, max] */
    AC_PARAM_TEXT,     /* text of 1..max code points */
    AC_PARAM_METHOD,   /* a decision method in [min, max] (ac_method) */
    AC_PARAM_CURRENCY  /* an ISO 4217 code (core/money.h), kept as text */
};

/* How a proposal is decided (docs/decisions.md). The first four decide
 * yes-or-no proposals, the last four choose among options. */
enum ac_method {
    AC_M_CONSENT,         /* no reasoned objection stands */
    AC_M_CONSENSUS,       /* every member consents or stands aside */
    AC_M_MAJORITY,        /* more yes than no */
    AC_M_SUPERMAJORITY,   /* yes reach a percentage of yes and no */
    AC_M_SCHULZE,         /* ranked ballots, winning votes */
    AC_M_SCHULZE_MARGINS, /* ranked ballots, margins */
    AC_M_APPROVAL,        /* approve any number of options */
    AC_M_SCORE,           /* score every option 0..AC_SCORE_MAX */
    AC_METHOD_COUNT
};

#define AC_SCORE_MAX 5

/* A method with its parameter: the percent of a supermajority (51..100),
 * 0 for the others, and whether its ballots are secret. Stored in a
 * charter value as method * 1000 + (secret ? 200 : 0) + pct. */
struct ac_method_rule {
    enum ac_method method;
    int64_t percent;
    bool secret; /* "/secret": votes and ballots kept from the log until
                  * the close, then written without names */
};

struct ac_param_def {
    const char *name; /* e.g. "consent.round_hours" */
    enum ac_param_type type;
    int64_t def;          /* default for INT and FALLBACK */
    int64_t min, max;     /* bounds; for TEXT max is the length cap */
    const char *def_text; /* default for TEXT */
    bool entrenched;      /* unanimous consent to change */
    const char *help;     /* one line for forms and docs */
};

enum ac_param {
    AC_P_ROUND_HOURS,
    AC_P_QUORUM_PERCENT,
    AC_P_MAX_ROUNDS,
    AC_P_FALLBACK,
    AC_P_LAPSE_DAYS,
    AC_P_ARTICLE_OBJECT,
    AC_P_ARTICLE_RECORD,
    AC_P_ARTICLE_LEAVE,
    AC_P_OBJECTION_CRITERIA, /* text, one criterion per line; "" for none */
    AC_P_ROLE_MAX_TERMS,     /* role.max_consecutive_terms */
    AC_P_ROLE_MAX_CONCURRENT,
    AC_P_DELEGATION_MAX_WEIGHT, /* votes one member carries, own included */
    AC_P_DELEGATION_EXPIRY_DAYS,
    AC_P_POWER_WINDOW_DAYS,        /* days the alerts look back */
    AC_P_POWER_MIN_TOTAL,          /* least total a spread alert needs */
    AC_P_POWER_ADOPTED_GINI,       /* percent; 0 off */
    AC_P_POWER_ROLE_DAYS_TOP10,    /* percent; 0 off */
    AC_P_POWER_ROLES_HELD,         /* roles at once; 0 off */
    AC_P_POWER_DELEGATED_WEIGHT,   /* votes carried; 0 off */
    AC_P_MONEY_CURRENCY,           /* ISO 4217 code of every amount */
    AC_P_DECISION_AGREEMENT_ADOPT, /* decision.<kind>, in enum ac_kind order */
    AC_P_DECISION_AGREEMENT_AMEND,
    AC_P_DECISION_AGREEMENT_RETIRE,
    AC_P_DECISION_CHARTER_AMEND,
    AC_P_DECISION_MEMBER_ADMIT,
    AC_P_DECISION_MEMBER_REMOVE,
    AC_P_DECISION_CIRCLE_CREATE,
    AC_P_DECISION_CIRCLE_AMEND,
    AC_P_DECISION_CHOICE,
    AC_P_DECISION_ROLE_CREATE,
    AC_P_DECISION_ROLE_AMEND,
    AC_P_DECISION_ROLE_RETIRE,
    AC_P_DECISION_ROLE_ELECT,
    AC_P_DECISION_CHOICE_IMPORT,
    AC_P_DECISION_INCOME, /* the money kinds, in enum ac_kind order */
    AC_P_DECISION_BUDGET_ALLOCATE,
    AC_P_DECISION_SPEND,
    AC_P_DECISION_BUDGET_ROUND,
    AC_P_DECISION_AGREEMENT_REVIEW,
    AC_PARAM_COUNT
};

/* A circle's own method for one kind: "decision.<kind>@<circle>". */
struct ac_decision_rule {
    struct ac_str circle; /* in the state arena */
    enum ac_param param;  /* the AC_P_DECISION_* it overrides */
    int64_t value;        /* encoded method */
    struct ac_str set_by; /* proposal id */
};

struct ac_charter {
    int64_t value[AC_PARAM_COUNT];        /* INT and FALLBACK values */
    struct ac_str text[AC_PARAM_COUNT];   /* TEXT values, in state arena */
    struct ac_str set_by[AC_PARAM_COUNT]; /* proposal id; "" = founding */
    struct ac_decision_rule *rules;       /* circle overrides, in order of
                                           * adoption; copied on change */
    size_t rule_count;
};

const struct ac_param_def *ac_charter_def(enum ac_param p);

/* Finds a parameter by name; false when unknown. */
bool ac_charter_find(struct ac_str name, enum ac_param *p);

/* Splits "decision.<kind>@<circle>" into the parameter it overrides and
 * the circle (not checked to exist); false for any other name. */
bool ac_charter_rule_name(struct ac_str name, enum ac_param *p,
                          struct ac_str *circle);

/* Checks the value of a circle override of p: a method p allows, or
 * "default" to drop the override. */
enum ac_status ac_charter_rule_check(enum ac_param p, const struct ac_val *v,
                                     const char *where, struct ac_err *err);

/* Sets (or with "default" drops) the override of p for circle; the rule
 * array is copied into a, so an earlier copy of c stays as it was. */
enum ac_status ac_charter_rule_set(struct ac_charter *c, enum ac_param p,
                                   struct ac_str circle, const struct ac_val *v,
                                   struct ac_str set_by, struct ac_arena *a,
                                   struct ac_err *err);

/* The method the charter gives proposals of the decision parameter p in
 * circle: the circle's override, else p's value. */
struct ac_method_rule ac_charter_method(const struct ac_charter *c,
                                        enum ac_param p, struct ac_str circle);

#define AC_CRITERIA_MAX 20 /* objection criteria */

/* The i-th objection criterion of the charter (lines of
 * objection.criteria, trimmed, blank lines skipped); false past the
 * last. */
bool ac_charter_criterion(const struct ac_charter *c, size_t i,
                          struct ac_str *out);

/* Names: "consent", "supermajority:67", ... */
void ac_method_format(char out[32], struct ac_method_rule m);
bool ac_method_parse(struct ac_str s, struct ac_method_rule *out);

void ac_charter_defaults(struct ac_charter *c);

/* Checks that v is a valid value for p. where names the field. */
enum ac_status ac_charter_check(enum ac_param p, const struct ac_val *v,
                                const char *where, struct ac_err *err);

/* Sets p from an already checked value; text is copied into a. */
enum ac_status ac_charter_set(struct ac_charter *c, enum ac_param p,
                              const struct ac_val *v, struct ac_str set_by,
                              struct ac_arena *a, struct ac_err *err);

/* The value of p as a value tree in a ("none", an integer or text). */
struct ac_val *ac_charter_value(const struct ac_charter *c, enum ac_param p,
                                struct ac_arena *a);

/* All parameters as an object name -> value, in a. */
struct ac_val *ac_charter_object(const struct ac_charter *c,
                                 struct ac_arena *a);

#endif
