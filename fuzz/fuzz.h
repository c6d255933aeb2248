/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The bodies of the fuzz targets (docs/testing.md#fuzzing). Each takes
 * one input and returns normally, or reports a broken promise on
 * standard error and aborts, so libFuzzer keeps the input and a test
 * replaying it fails. The same bodies run under libFuzzer
 * (fuzz/fuzz_NAME.c, built by clang) and in the test suite, which
 * replays every committed corpus and regression input through them
 * (tests/unit/test_fuzz_regress.c, tests/http/test_fuzz_http.c). */
#ifndef ACCORD_FUZZ_FUZZ_H
#define ACCORD_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/exec.h"
#include "core/state.h"

/* Inputs longer than this are skipped: they slow every run down and
 * reach nothing shorter ones cannot. */
#define AC_FUZZ_MAX_INPUT ((size_t)64 << 10)

/* ---- the targets ---- */

/* libFuzzer calls this with each input (fuzz/fuzz_NAME.c). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* JSON text into values (base/json.h) and every request body decoder of
 * the API, and PrefLib ballot files: the first byte picks the route, the
 * rest is the body. */
void ac_fuzz_json(const uint8_t *data, size_t size);

/* Canonical JSON (core/codec.h): parse, encode, parse, encode is a fixed
 * point; an accepted event re-encodes to the same bytes; times, dates,
 * integers, amounts and strings round-trip. */
void ac_fuzz_canon(const uint8_t *data, size_t size);

/* Command sequences: lines "VERB ACTOR PARAM BODY" decoded like the API
 * does and run by ac_exec on a small organisation; the log they make
 * must replay to the same state, which every encoder then renders. */
void ac_fuzz_exec(const uint8_t *data, size_t size);

/* An exported log: verified and replayed as `accord verify` and the
 * offline `accord power` do. With a first line "#reseal", every line is
 * first given its seq, prev and hash, so the events reach the fold. */
void ac_fuzz_log(const uint8_t *data, size_t size);

/* HTTP requests: raw bytes sent to a real server over loopback. The
 * server (a demo organisation in a temporary folder, with sessions for
 * its members) starts on the first call; ac_fuzz_http_stop ends it and
 * removes the folder. */
void ac_fuzz_http(const uint8_t *data, size_t size);
void ac_fuzz_http_stop(void);

/* ---- shared by the bodies (fuzz/common.c) ---- */

/* Prints "fuzz: " and the message and aborts. */
void ac_fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#define AC_FUZZ_CHECK(cond, ...)                                               \
    do {                                                                       \
        if (!(cond)) {                                                         \
            ac_fuzz_fail(__VA_ARGS__);                                         \
        }                                                                      \
    } while (0)

/* The API's request body decoders (src/http/routes.c), one per route
 * that reads a body, by index. */
struct ac_fuzz_route {
    const char *name;          /* "propose", "position", ... */
    enum ac_cmd_type type;     /* the command it makes */
    const char *const *fields; /* members allowed in the body */
};

extern const struct ac_fuzz_route ac_fuzz_routes[];
extern const size_t ac_fuzz_route_count;

/* Decodes body for route (an index) into c, strings in a, as the route's
 * handler does. The caller has set c->actor, and c->proposal to the {id}
 * of the path (as ac_route_job_init does), or left it empty. */
enum ac_status ac_fuzz_decode(size_t route, struct ac_str body,
                              struct ac_arena *a, struct ac_cmd *c,
                              struct ac_err *err);

/* The organisation the command sequences start from: founded by alice,
 * with bob, carol and dana admitted and joined, at a fixed time. Events
 * go to b (memory from a) and into s (initialised by the caller). */
#define AC_FUZZ_T0 INT64_C(1795845600000) /* 2026-11-28T06:00:00.000Z */
enum ac_status ac_fuzz_org(struct ac_state *s, struct ac_arena *a,
                           struct ac_batch *b, int64_t *now,
                           struct ac_err *err);

/* Every part of s through the API's encoders and the power monitor
 * (every circle, all time and recent; its SVGs are drawn too), as one
 * object the caller owns; fails when an encoder answers nothing. */
json_t *ac_fuzz_render(const struct ac_state *s);

#endif
