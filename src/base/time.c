/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Civil-date conversions after Howard Hinnant's days_from_civil. */
#include "time.h"

#include <stdio.h>
#include <string.h>

#include "ascii.h"

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    *y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y += *m <= 2;
}

void ac_time_format(char out[AC_TIME_LEN + 1], int64_t ms)
{
    int64_t days = ms >= 0 ? ms / AC_MS_PER_DAY
                           : -((-ms + AC_MS_PER_DAY - 1) / AC_MS_PER_DAY);
    int64_t rem = ms - days * AC_MS_PER_DAY;
    int64_t y, m, d;
    char tmp[64];
    civil_from_days(days, &y, &m, &d);
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y,
             (int)m, (int)d, (int)(rem / 3600000), (int)(rem / 60000 % 60),
             (int)(rem / 1000 % 60), (int)(rem % 1000));
    memcpy(out, tmp, AC_TIME_LEN);
    out[AC_TIME_LEN] = '\0';
}

static bool digits(struct ac_str s, size_t at, size_t n, int64_t *out)
{
    int64_t v = 0;
    for (size_t i = at; i < at + n; i++) {
        if (!ac_ascii_isdigit(s.ptr[i])) {
            return false;
        }
        v = v * 10 + (s.ptr[i] - '0');
    }
    *out = v;
    return true;
}

static bool date_part(struct ac_str s, int64_t *days)
{
    int64_t y, m, d;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!digits(s, 0, 4, &y) || s.ptr[4] != '-' || !digits(s, 5, 2, &m) ||
        s.ptr[7] != '-' || !digits(s, 8, 2, &d)) {
        return false;
    }
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) {
        return false;
    }
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
        return false;
    }
    *days = days_from_civil(y, m, d);
    return true;
}

enum ac_status ac_date_parse(struct ac_str s, int64_t *ms, struct ac_err *err)
{
    int64_t days;
    if (s.len != 10 || !date_part(s, &days)) {
        return ac_err_set(err, AC_EINVAL,
                          "\"%.*s\" is not a date of the form YYYY-MM-DD",
                          (int)(s.len > 40 ? 40 : s.len), s.ptr);
    }
    *ms = days * AC_MS_PER_DAY;
    return AC_OK;
}

enum ac_status ac_time_parse(struct ac_str s, int64_t *ms, struct ac_err *err)
{
    int64_t days, h, mi, sec, milli;
    if (s.len != AC_TIME_LEN || !date_part(s, &days) || s.ptr[10] != 'T' ||
        !digits(s, 11, 2, &h) || s.ptr[13] != ':' || !digits(s, 14, 2, &mi) ||
        s.ptr[16] != ':' || !digits(s, 17, 2, &sec) || s.ptr[19] != '.' ||
        !digits(s, 20, 3, &milli) || s.ptr[23] != 'Z' || h > 23 || mi > 59 ||
        sec > 59) {
        return ac_err_set(err, AC_EINVAL,
                          "\"%.*s\" is not an RFC 3339 UTC time with "
                          "milliseconds",
                          (int)(s.len > 40 ? 40 : s.len), s.ptr);
    }
    *ms = days * AC_MS_PER_DAY + h * 3600000 + mi * 60000 + sec * 1000 + milli;
    return AC_OK;
}
