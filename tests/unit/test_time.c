/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Instants and their RFC 3339 UTC text form with milliseconds; dates. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "base/time.h"
#include "unit.h"

/* Seconds below checked with `date -u -d ... +%s`. */
#define T_2026_11_28_06 INT64_C(1795845600000)
#define T_2024_02_29_123456 INT64_C(1709210096000)
#define T_2000_02_29 INT64_C(951782400000)
#define T_9999_12_31_235959 INT64_C(253402300799000)
#define T_0000_01_01 INT64_C(-62167219200000)

static void formats_as(int64_t ms, const char *want)
{
    char out[AC_TIME_LEN + 1];
    ac_time_format(out, ms);
    cr_assert_str_eq(out, want, "%lld", (long long)ms);
}

static void parses_as(const char *s, int64_t want)
{
    int64_t ms = 0;
    struct ac_err err = {0};
    cr_assert_eq(ac_time_parse(ac_str_c(s), &ms, &err), AC_OK, "%s: %s", s,
                 err.msg);
    cr_assert_eq(ms, want, "%s gave %lld", s, (long long)ms);
}

static void round_trips(int64_t ms, const char *text)
{
    formats_as(ms, text);
    parses_as(text, ms);
}

static void time_refused(const char *s)
{
    int64_t ms = 77;
    struct ac_err err = {0};
    cr_assert_eq(ac_time_parse(ac_str_c(s), &ms, &err), AC_EINVAL,
                 "\"%s\" accepted", s);
    cr_assert_eq(ms, 77);
    cr_assert_neq(err.msg[0], '\0');
}

static void date_refused(const char *s)
{
    int64_t ms = 77;
    cr_assert_eq(ac_date_parse(ac_str_c(s), &ms, NULL), AC_EINVAL,
                 "\"%s\" accepted", s);
    cr_assert_eq(ms, 77);
}

Test(time, epoch)
{
    round_trips(0, "1970-01-01T00:00:00.000Z");
    round_trips(1, "1970-01-01T00:00:00.001Z");
    round_trips(-1, "1969-12-31T23:59:59.999Z");
    round_trips(-AC_MS_PER_DAY, "1969-12-31T00:00:00.000Z");
}

Test(time, known_instants)
{
    round_trips(T_2026_11_28_06, "2026-11-28T06:00:00.000Z");
    round_trips(T_2026_11_28_06 + 123, "2026-11-28T06:00:00.123Z");
    round_trips(T_2026_11_28_06 + 72 * AC_MS_PER_HOUR,
                "2026-12-01T06:00:00.000Z");
    round_trips(T_9999_12_31_235959 + 999, "9999-12-31T23:59:59.999Z");
    round_trips(T_0000_01_01, "0000-01-01T00:00:00.000Z");
}

Test(time, leap_days)
{
    round_trips(T_2024_02_29_123456 + 789, "2024-02-29T12:34:56.789Z");
    round_trips(T_2000_02_29, "2000-02-29T00:00:00.000Z");
    round_trips(T_2000_02_29 + AC_MS_PER_DAY, "2000-03-01T00:00:00.000Z");
    round_trips(T_2000_02_29 - 1, "2000-02-28T23:59:59.999Z");
    formats_as(T_2024_02_29_123456 - 12 * AC_MS_PER_HOUR - 34 * 60000 - 56000 +
                   AC_MS_PER_DAY,
               "2024-03-01T00:00:00.000Z");
}

Test(time, invalid_dates_are_refused)
{
    time_refused("2023-02-29T00:00:00.000Z");
    time_refused("1900-02-29T00:00:00.000Z");
    time_refused("2100-02-29T00:00:00.000Z");
    time_refused("2024-02-30T00:00:00.000Z");
    time_refused("2024-04-31T00:00:00.000Z");
    time_refused("2024-06-31T00:00:00.000Z");
    time_refused("2024-13-01T00:00:00.000Z");
    time_refused("2024-00-10T00:00:00.000Z");
    time_refused("2024-01-00T00:00:00.000Z");
    time_refused("2024-01-32T00:00:00.000Z");
    time_refused("2024-01-01T24:00:00.000Z");
    time_refused("2024-01-01T23:60:00.000Z");
    time_refused("2024-01-01T23:59:60.000Z"); /* no leap seconds */
}

Test(time, forms_other_than_utc_with_milliseconds_are_refused)
{
    time_refused("");
    time_refused("2026-11-28T06:00:00Z");
    time_refused("2026-11-28T06:00:00.00Z");
    time_refused("2026-11-28T06:00:00.0000Z");
    time_refused("2026-11-28T06:00:00.000+00:00");
    time_refused("2026-11-28T07:00:00.000+01:00");
    time_refused("2026-11-28T06:00:00.000");
    time_refused("2026-11-28T06:00:00.000z");
    time_refused("2026-11-28t06:00:00.000Z");
    time_refused("2026-11-28 06:00:00.000Z");
    time_refused("2026-11-28T06:00:00,000Z");
    time_refused("2026-11-28T06:00:00.000Z ");
    time_refused(" 2026-11-28T06:00:00.000Z");
    time_refused("2026-11-28T6:00:00.000Z0");
    time_refused("+026-11-28T06:00:00.000Z");
    time_refused("2026-11-28T06:00:0a.000Z");
    time_refused("2026/11/28T06:00:00.000Z");
    time_refused("2026-11-28");
}

Test(time, length_bounds_the_parse)
{
    int64_t ms;
    const char *s = "2026-11-28T06:00:00.000Zjunk";
    cr_assert_eq(ac_time_parse((struct ac_str){s, AC_TIME_LEN}, &ms, NULL),
                 AC_OK);
    cr_assert_eq(ms, T_2026_11_28_06);
    cr_assert_eq(ac_time_parse((struct ac_str){s, AC_TIME_LEN - 1}, &ms, NULL),
                 AC_EINVAL);
}

Test(time, property_format_then_parse_is_identity)
{
    struct u_rng r = u_rng_seeded(20261128);
    const int64_t span = T_9999_12_31_235959 + 999 - T_0000_01_01 + 1;
    for (int i = 0; i < 20000; i++) {
        int64_t ms = T_0000_01_01 + (int64_t)(u_rng_next(&r) % (uint64_t)span);
        char text[AC_TIME_LEN + 1];
        int64_t back = 0;
        ac_time_format(text, ms);
        cr_assert_eq(ac_time_parse(ac_str_c(text), &back, NULL), AC_OK,
                     "%lld formatted as %s", (long long)ms, text);
        cr_assert_eq(back, ms, "%s", text);
    }
}

Test(time, property_every_day_of_a_cycle_round_trips)
{
    /* 400 years hold every calendar case once */
    int64_t prev = -1;
    for (int64_t d = 0; d < 146097; d++) {
        int64_t ms = T_2000_02_29 + d * AC_MS_PER_DAY + 43200000 + 7;
        char text[AC_TIME_LEN + 1];
        int64_t back, day;
        ac_time_format(text, ms);
        cr_assert_eq(ac_time_parse(ac_str_c(text), &back, NULL), AC_OK, "%s",
                     text);
        cr_assert_eq(back, ms);
        cr_assert_eq(ac_date_parse((struct ac_str){text, 10}, &day, NULL),
                     AC_OK, "%s", text);
        cr_assert_eq(day, ms - 43200000 - 7);
        cr_assert_gt(day, prev);
        prev = day;
    }
}

Test(date, parse)
{
    int64_t ms = 0;
    cr_assert_eq(ac_date_parse(AC_STR("1970-01-01"), &ms, NULL), AC_OK);
    cr_assert_eq(ms, 0);
    cr_assert_eq(ac_date_parse(AC_STR("2000-02-29"), &ms, NULL), AC_OK);
    cr_assert_eq(ms, T_2000_02_29);
    cr_assert_eq(ac_date_parse(AC_STR("2026-11-28"), &ms, NULL), AC_OK);
    cr_assert_eq(ms, T_2026_11_28_06 - 6 * AC_MS_PER_HOUR);
    cr_assert_eq(ac_date_parse(AC_STR("2024-02-29"), &ms, NULL), AC_OK);
    cr_assert_eq(ms, T_2024_02_29_123456 - (12 * 3600 + 34 * 60 + 56) * 1000);
}

Test(date, invalid)
{
    struct ac_err err = {0};
    int64_t ms;
    date_refused("");
    date_refused("2023-02-29");
    date_refused("1900-02-29");
    date_refused("2024-02-30");
    date_refused("2024-11-31");
    date_refused("2024-13-01");
    date_refused("2024-00-01");
    date_refused("2024-01-00");
    date_refused("2024-1-01");
    date_refused("2024-01-1");
    date_refused("24-01-01");
    date_refused("2024/01/01");
    date_refused("2024-01-01T00:00:00.000Z");
    date_refused("2024-01-01 ");
    date_refused("tomorrow!!");
    cr_assert_eq(ac_date_parse(AC_STR("2024-02-30"), &ms, &err), AC_EINVAL);
    cr_assert(strstr(err.msg, "2024-02-30") != NULL, "%s", err.msg);
}
