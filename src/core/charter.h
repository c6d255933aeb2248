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
    AC_PARAM_TEXT      /* text of 1..max code points */
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
    AC_PARAM_COUNT
};

struct ac_charter {
    int64_t value[AC_PARAM_COUNT];        /* INT and FALLBACK values */
    struct ac_str text[AC_PARAM_COUNT];   /* TEXT values, in state arena */
    struct ac_str set_by[AC_PARAM_COUNT]; /* proposal id; "" = founding */
};

const struct ac_param_def *ac_charter_def(enum ac_param p);

/* Finds a parameter by name; false when unknown. */
bool ac_charter_find(struct ac_str name, enum ac_param *p);

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
