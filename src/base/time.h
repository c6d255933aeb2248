/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Instants as milliseconds since the Unix epoch (UTC), and their RFC 3339
 * text form "2026-11-28T06:00:00.000Z". Pure calendar arithmetic. */
#ifndef ACCORD_BASE_TIME_H
#define ACCORD_BASE_TIME_H

#include <stdint.h>

#include "err.h"
#include "str.h"

#define AC_TIME_LEN 24 /* characters of the text form, without NUL */
#define AC_MS_PER_HOUR INT64_C(3600000)
#define AC_MS_PER_DAY INT64_C(86400000)

/* Writes the RFC 3339 UTC form with milliseconds and a NUL. ms must be in
 * years 0000..9999. */
void ac_time_format(char out[AC_TIME_LEN + 1], int64_t ms);

/* Parses exactly the form ac_time_format writes. */
enum ac_status ac_time_parse(struct ac_str s, int64_t *ms, struct ac_err *err);

/* Parses a calendar date "YYYY-MM-DD" to the ms of its midnight UTC. */
enum ac_status ac_date_parse(struct ac_str s, int64_t *ms, struct ac_err *err);

#endif
