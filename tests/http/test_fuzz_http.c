/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The http fuzz target's committed seeds and kept crashes
 * (docs/testing.md#fuzzing), sent one after the other to one server run
 * in this process as under libFuzzer (fuzz/http_one.c, linked into this
 * test by the Makefile): no answer may be a 500 or 503, the server must
 * not hang, crash or trip a sanitizer. */
#include <criterion/criterion.h>

#include "unit/fuzz_replay.h"

Test(fuzz_http, corpus_and_regressions, .timeout = 600)
{
    fr_replay("http", ac_fuzz_http);
    ac_fuzz_http_stop();
}
