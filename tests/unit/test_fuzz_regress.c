/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The fuzz targets that need no server (docs/testing.md#fuzzing): every
 * committed seed and every kept crash of json, canon, exec and log, run
 * through the same bodies as under libFuzzer (fuzz/NAME_one.c, linked
 * into this test by the Makefile). The http inputs are replayed by
 * tests/http/test_fuzz_http.c. */
#include <criterion/criterion.h>

#include "fuzz_replay.h"

Test(fuzz_regress, json)
{
    fr_replay("json", ac_fuzz_json);
}

Test(fuzz_regress, canon)
{
    fr_replay("canon", ac_fuzz_canon);
}

Test(fuzz_regress, exec)
{
    fr_replay("exec", ac_fuzz_exec);
}

Test(fuzz_regress, log)
{
    fr_replay("log", ac_fuzz_log);
}
