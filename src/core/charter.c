/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Charter parameters (docs/charter.md). */
#include "charter.h"

#include <inttypes.h>

#include "base/ascii.h"

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
};

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
}

enum ac_status ac_charter_check(enum ac_param p, const struct ac_val *v,
                                const char *where, struct ac_err *err)
{
    const struct ac_param_def *d = &defs[p];
    switch (d->type) {
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
    case AC_PARAM_TEXT: {
        size_t n;
        if (v->kind != AC_VAL_STR) {
            return ac_err_at(err, where, AC_EINVAL, "%s must be text", d->name);
        }
        n = ac_utf8_count(v->s);
        if (n < (size_t)d->min || n > (size_t)d->max) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s must be 1..%" PRId64 " characters", d->name,
                             d->max);
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
    if (defs[p].type == AC_PARAM_TEXT) {
        struct ac_str t = ac_arena_str(a, v->s);
        if (!t.ptr) {
            return ac_err_set(err, AC_ENOMEM, "out of memory");
        }
        c->text[p] = t;
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
        return ac_val_str(a, c->text[p]);
    case AC_PARAM_FALLBACK:
        if (c->value[p] == 0) {
            return ac_val_str(a, AC_STR("none"));
        }
        return ac_val_int(a, c->value[p]);
    case AC_PARAM_INT:
        return ac_val_int(a, c->value[p]);
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
    return o;
}
