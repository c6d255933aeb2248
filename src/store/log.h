/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The log above any backend: replaying it into a state, committing the
 * events of a command, verifying a store or an exported file, exporting.
 * Verification recomputes every hash and link and names the first event
 * that does not match. */
#ifndef ACCORD_STORE_LOG_H
#define ACCORD_STORE_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "core/exec.h"
#include "core/state.h"
#include "store/store.h"

/* Reads the whole log, checking the chain, and folds it into s (which
 * must be freshly initialised). AC_ECORRUPT names the bad seq. */
enum ac_status ac_log_load(struct ac_store *st, struct ac_state *s,
                           struct ac_err *err);

/* Folds into s (holding the log up to s->seq) the events stored after
 * it, checking each as a load does: what other servers on the same
 * database appended. *count is the number of events folded in, also when
 * it stops early; what was folded in is a valid state of the log. The
 * kept secret answers of those events come with ac_log_reseal. */
enum ac_status ac_log_follow(struct ac_store *st, struct ac_state *s,
                             int64_t *count, struct ac_err *err);

/* Reads the kept secret answers into s again (after ac_log_follow). */
enum ac_status ac_log_reseal(struct ac_store *st, struct ac_state *s,
                             struct ac_err *err);

/* Encodes the batch's events and appends them (with the side writes in
 * extra, whose events/texts/count are filled here) in one transaction,
 * expecting the head that precedes the first event. */
enum ac_status ac_log_commit(struct ac_store *st, const struct ac_batch *b,
                             struct ac_store_append *extra, struct ac_err *err);

/* Verifies a store: *count events, head hash hex into head. */
enum ac_status ac_log_verify_store(struct ac_store *st, int64_t *count,
                                   char head[AC_HEX_LEN + 1],
                                   struct ac_err *err);

/* Verifies an exported JSON Lines file the same way. */
enum ac_status ac_log_verify_file(FILE *f, int64_t *count,
                                  char head[AC_HEX_LEN + 1],
                                  struct ac_err *err);

/* The same, folding the events into state (initialised by the caller,
 * empty), which holds the organisation at the file's head afterwards. */
enum ac_status ac_log_replay_file(FILE *f, struct ac_state *state,
                                  int64_t *count, char head[AC_HEX_LEN + 1],
                                  struct ac_err *err);

/* ac_log_replay_file of the file at path, or of standard input for "-";
 * AC_ENOTFOUND when there is no such file. */
enum ac_status ac_log_replay_path(const char *path, struct ac_state *state,
                                  int64_t *count, char head[AC_HEX_LEN + 1],
                                  struct ac_err *err);

/* Reads one line of an exported file without its end into line, byte by
 * byte (a NUL byte cannot hide the rest), capped at the longest event
 * line; seq names the event in errors. *more is false at the end. */
enum ac_status ac_log_read_line(FILE *f, struct ac_buf *line, bool *more,
                                int64_t seq, struct ac_err *err);

/* Writes the log as JSON Lines, one event per line with its hash. */
enum ac_status ac_log_export(struct ac_store *st, FILE *out,
                             struct ac_err *err);

#endif
