/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor (docs/power.md): how activity, roles and delegated
 * votes are spread over the members of a circle or of the whole
 * organisation, measured from the log, and the alerts the charter's
 * thresholds raise. The state keeps a tracker that every applied event
 * updates in O(1) amortised (a few compact facts), so a report costs a
 * pass over those facts and the sorting of the figures, never a replay.
 * Pure: memory from arenas, time as an input. */
#ifndef ACCORD_CORE_POWER_H
#define ACCORD_CORE_POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/val.h"
#include "core/event.h"
#include "core/powerstat.h"

struct ac_state;

/* The measured dimensions, in the order of the API's "measures". */
enum ac_dim {
    AC_DIM_PROPOSALS_AUTHORED,    /* proposals opened */
    AC_DIM_PROPOSALS_ADOPTED,     /* adopted, or a choice decided */
    AC_DIM_OBJECTIONS_RAISED,     /* objections given */
    AC_DIM_OBJECTIONS_INTEGRATED, /* objections a new version answered */
    AC_DIM_PARTICIPATION,         /* answers given / rounds eligible */
    AC_DIM_ROLE_DAYS,             /* days of role terms held */
    AC_DIM_ROLES_HELD,            /* roles held now */
    AC_DIM_DELEGATED_WEIGHT,      /* votes carried now, own included */
    AC_DIM_MONEY_CONTROLLED,      /* minor units moved on their proposals */
    AC_DIM_COUNT
};

const char *ac_dim_name(enum ac_dim d);
bool ac_dim_parse(struct ac_str s, enum ac_dim *out);

/* One compact fact the tracker keeps per counted event. */
struct ac_power_fact {
    int64_t time;
    uint32_t member; /* index into the state's members */
    uint32_t other;  /* EDGE: the member responded to */
    uint32_t circle; /* index into the state's circles */
    uint8_t kind;    /* enum in power.c */
};

#define AC_POWER_BLOCK 65536 /* facts per block */

/* An alert the log holds open: raised by power.alert, closed by
 * power.cleared (docs/power.md#alerts). */
struct ac_power_alert {
    struct ac_str measure; /* e.g. "proposals_adopted.gini" */
    struct ac_str circle;  /* AC_ROOT_CIRCLE for the whole organisation */
    int64_t value;         /* in the measure's unit (percent or count) */
    int64_t threshold;
    struct ac_val *members; /* ids concerned, as facts */
    int64_t since;          /* ms raised */
    int64_t seq;            /* event that raised it */
};

struct ac_power {
    struct ac_power_fact **blocks; /* AC_POWER_BLOCK facts each */
    size_t block_count, block_room;
    size_t fact_count;
    /* per proposal index: answers and objections of its current round
     * already seen, so a changed answer is not counted twice */
    uint32_t *seen_answers, *seen_objections;
    size_t seen_room;
    /* per circle index: members counted in it now (sorted member
     * indices), to turn membership changes into JOIN and LEAVE facts */
    uint32_t **circle_members;
    size_t *circle_member_count, *circle_member_room;
    size_t circle_room;
    struct ac_power_alert *alerts; /* open, oldest first */
    size_t alert_count, alert_room;
    size_t join_count;   /* JOIN facts */
    int64_t changed_seq; /* last seq that may have changed a measure */
};

/* Records what ev, just applied to s, changes. Called by ac_state_apply
 * for every event. AC_ENOMEM when the state arena is full. */
enum ac_status ac_power_observe(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err);

/* Applies power.alert and power.cleared (checked: data as documented). */
enum ac_status ac_power_apply_alert(struct ac_state *s,
                                    const struct ac_event *ev,
                                    struct ac_err *err);

/* Rotation limits passed: a holder past role.max_consecutive_terms or
 * past role.max_concurrent (after the charter was tightened). */
struct ac_power_rotation {
    struct ac_str role, member;
    int64_t terms_in_a_row; /* including the current one */
    int64_t roles_held;
};

/* A report: the population (active members of the circle, or of the
 * organisation), every dimension's values per member and its figures,
 * the interaction graph's figures, and the rotation list. */
struct ac_power_report {
    struct ac_str circle; /* AC_ROOT_CIRCLE for the whole organisation */
    int64_t since, until; /* ms; since 0 for all time */
    size_t n;
    const struct ac_member **members; /* n, by member id order of joining */
    double *values[AC_DIM_COUNT];     /* n each */
    struct ac_dist dist[AC_DIM_COUNT];
    double *pagerank; /* n */
    double *indegree; /* n: distinct members who responded */
    struct ac_graph_figures graph;
    struct ac_power_rotation *rotation;
    size_t rotation_count;
};

/* The report of circle (AC_ROOT_CIRCLE: the whole organisation) over
 * [since, now]. AC_ENOTFOUND for an unknown circle. */
enum ac_status ac_power_report(const struct ac_state *s, struct ac_str circle,
                               int64_t since, int64_t now, struct ac_arena *a,
                               struct ac_power_report *out, struct ac_err *err);

/* One alert to raise or clear, from comparing the measures with the
 * charter's thresholds. */
struct ac_power_change {
    bool raise; /* false: clear the open alert */
    const char *measure;
    struct ac_str circle;
    int64_t value, threshold;
    struct ac_str *members; /* raise: the members concerned */
    size_t member_count;
};

/* The alerts that should be raised or cleared at now. Memory from a. */
enum ac_status ac_power_check(const struct ac_state *s, int64_t now,
                              struct ac_arena *a, struct ac_power_change **out,
                              size_t *count, struct ac_err *err);

/* The i-th fact (i < fact_count). */
static inline const struct ac_power_fact *
ac_power_fact_at(const struct ac_power *p, size_t i)
{
    return &p->blocks[i / AC_POWER_BLOCK][i % AC_POWER_BLOCK];
}

#endif
