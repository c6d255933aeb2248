/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* PrefLib files of ordinal preferences (.soc, .soi, .toc, .toi), read
 * into ballots for ac_schulze_tally (docs/decisions.md#preflib). Pure: it
 * parses a buffer, and every result lives in the caller's arena.
 *
 * A file is a header of lines starting with "#", "# KEY: VALUE", then one
 * line per kind of ballot, "COUNT: ORDER": COUNT voters ranked the
 * alternatives (numbered 1..n) as ORDER, best first, separated by commas,
 * tied alternatives grouped in braces: "12: 3,1,{2,5},4". Alternatives an
 * order leaves out rank below every one it lists, tied. The header must
 * give "# NUMBER ALTERNATIVES: n"; "# ALTERNATIVE NAME i: name" names
 * alternative i. When given, "# DATA TYPE" (soc, soi, toc or toi: strict
 * or with ties, complete or not), "# NUMBER VOTERS" and "# NUMBER UNIQUE
 * ORDERS" are checked against the lines; other header lines are skipped.
 * Lines may end in CRLF, blank lines are skipped, and spaces and tabs may
 * surround every number, comma, brace and colon. */
#ifndef ACCORD_CORE_PREFLIB_H
#define ACCORD_CORE_PREFLIB_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"
#include "core/schulze.h"

/* A parsed file. Alternative i of the file (1-based) is candidate i - 1 of
 * the ballots. */
struct ac_preflib {
    size_t n;                  /* alternatives, 1..AC_SCHULZE_MAX */
    struct ac_str *names;      /* n: names[c] of alternative c + 1, trimmed
                                * UTF-8, len 0 when the header names none;
                                * copied into the arena */
    struct ac_ballot *ballots; /* count, in file order, ranks over n
                                * candidates (position 0 first, tied in
                                * braces share a position, unlisted
                                * AC_RANK_NONE); arena */
    size_t count;              /* preference lines */
    uint64_t voters;           /* sum of their counts */
};

/* Parses text as a PrefLib file into *out. On failure *out is zeroed, a
 * may hold part of the result until the caller rewinds it, and err->msg
 * names the line: "line 12: alternative 9 is not in 1..8".
 * Errors: AC_EINVAL for a missing or bad header, more than
 * AC_SCHULZE_MAX alternatives, a bad count or order, an alternative out
 * of range or listed twice, an order the data type forbids, or totals
 * that disagree with the header; AC_ENOMEM when a runs out. */
enum ac_status ac_preflib_parse(struct ac_str text, struct ac_arena *a,
                                struct ac_preflib *out, struct ac_err *err);

#endif
