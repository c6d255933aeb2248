/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared money (docs/money.md): the organisation's currency, amounts in
 * integer minor units, and the movements of the ledger. Every movement
 * is the effect of an adopted proposal, so the ledger is a fold of the
 * log like the rest of the state. Pure. */
#ifndef ACCORD_CORE_MONEY_H
#define ACCORD_CORE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/str.h"

/* The largest amount and the largest balance, in minor units: 2^53 - 1,
 * which every JSON reader holds exactly. */
#define AC_MONEY_MAX INT64_C(9007199254740991)

/* The ledger's name for the root circle's budget. */
#define AC_POOL "pool"
/* The other side of money that comes in or goes out. */
#define AC_OUTSIDE "outside"

/* An ISO 4217 currency and the digits of its minor unit (EUR 2, JPY 0,
 * KWD 3). NULL when code is not an active ISO 4217 currency. */
struct ac_currency {
    const char *code; /* "EUR" */
    int minor;        /* digits of the minor unit: 2 for cents */
};

const struct ac_currency *ac_currency_find(struct ac_str code);

/* amount in minor units as a decimal in major units: 123456 with 2 digits
 * is "1234.56", -5 is "-0.05". out holds at least 32 bytes. */
void ac_money_format(char out[32], int64_t amount, int minor);

/* amount with its currency code: "1234.56 EUR". out holds at least 48
 * bytes. */
void ac_money_text(char out[48], int64_t amount, struct ac_currency cur);

/* Reads an amount written in major units ("12.34", "12", "0.5"; a comma
 * may stand for the point) into minor units. False when text is not such
 * a number, has more decimals than minor, or is over AC_MONEY_MAX. */
bool ac_money_parse(struct ac_str text, int minor, int64_t *out);

/* What moved money (docs/money.md#ledger). */
enum ac_move_kind {
    AC_MOVE_INCOME,   /* from outside into the pool */
    AC_MOVE_ALLOCATE, /* from the pool to a circle's budget */
    AC_MOVE_SPEND,    /* from a circle's budget (or the pool) to a payee */
    AC_MOVE_ROUND,    /* from a circle's budget to a budgeting round's pot */
    AC_MOVE_FUNDING,  /* from a round's pot to a bucket that reached its
                       * target: its author carries it out */
    AC_MOVE_RETURN,   /* what a closed round did not fund, back to the
                       * circle's budget */
    AC_MOVE_COUNT
};

const char *ac_move_kind_name(enum ac_move_kind k);

struct ac_movement {
    int64_t seq;            /* the event that made it: the proposal's close */
    int64_t time;           /* ms */
    enum ac_move_kind kind; /* what moved it */
    struct ac_str proposal; /* the adopted proposal */
    struct ac_str author;   /* who proposed it */
    struct ac_str from, to; /* AC_OUTSIDE, AC_POOL or a circle id */
    int64_t amount;         /* minor units, 1..AC_MONEY_MAX */
    struct ac_str source;   /* income: where it came from; else "" */
    struct ac_str payee;    /* spend: who was paid; else "" */
    struct ac_str purpose;  /* spend: what for; else "" */
};

#endif
