/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The store: where an organisation's log and its credentials live. One
 * interface, one ops table per backend (SQLite now, PostgreSQL later), so
 * nothing backend-specific leaks above this header.
 *
 * Invariants every backend keeps:
 * - the log is append-only; an append names the head it expects (seq and
 *   hash) and fails with AC_ECONFLICT if another writer moved it;
 * - one append is one transaction: all its events and side writes are
 *   durable when it returns AC_OK, or none of them are;
 * - credentials (password hashes, session token hashes, invite codes) are
 *   kept apart from the log, are never exported and never enter an event.
 * Every function is safe to call from several threads at once. */
#ifndef ACCORD_STORE_STORE_H
#define ACCORD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/hash.h"
#include "base/str.h"
#include "core/event.h"

struct ac_store;

/* A password to set in the same transaction as an append. */
struct ac_store_password {
    struct ac_str member; /* member id */
    struct ac_str phc;    /* Argon2id hash string (base/secret.h) */
};

/* A secret answer kept apart from the log until its round closes
 * (docs/decisions.md#secret): never exported, never in an event. */
struct ac_store_sealed {
    struct ac_str proposal;
    int64_t round;
    struct ac_str member;
    struct ac_str content; /* canonical JSON of the answer */
};

/* One atomic write: events (already sealed) with their canonical text,
 * and the side writes that must happen with them. */
struct ac_store_append {
    const struct ac_event *events; /* consecutive, following the head */
    const struct ac_str *texts;    /* canonical JSON with hash, per event */
    size_t count;                  /* events */
    const struct ac_store_password *passwords; /* may be NULL */
    size_t password_count;
    struct ac_str invite_taken; /* invite code to delete, or ptr NULL */
    const struct ac_store_sealed *sealed; /* to keep (replacing the
                                           * member's earlier one) */
    size_t sealed_count;
    const struct ac_str *unseal; /* proposals whose kept answers go */
    size_t unseal_count;
};

/* Called for each kept secret answer; row valid only during the call. */
typedef enum ac_status (*ac_store_sealed_fn)(void *ctx,
                                             const struct ac_store_sealed *row);

/* Called for each stored event in seq order; text is the canonical JSON
 * with hash, valid only during the call. Return non-OK to stop. */
typedef enum ac_status (*ac_store_row_fn)(void *ctx, int64_t seq,
                                          struct ac_str text);

/* Opens a store. location is a data folder (SQLite: DIR/accord.db) or, for
 * later backends, a URL such as postgres://... With create, a missing
 * store is created; without it, a missing one is AC_ENOTFOUND. */
enum ac_status ac_store_open(const char *location, bool create,
                             struct ac_store **out, struct ac_err *err);
void ac_store_close(struct ac_store *st);

/* Whether location names a database (postgres://, postgresql://) rather
 * than a data folder. */
bool ac_store_is_url(const char *location);

/* The location for messages and logs: a folder as it is, a URL without
 * its password and query (which may hold one). */
void ac_store_where(const char *location, char *out, size_t size);

/* The head of the log: seq 0 and zero hash when empty. */
enum ac_status ac_store_head(struct ac_store *st, int64_t *seq,
                             uint8_t hash[AC_HASH_LEN], struct ac_err *err);

/* Appends atomically and durably; AC_ECONFLICT when the stored head is not
 * (expect_seq, expect_hash), AC_EIO when the disk or database fails (the
 * store stays valid: nothing of the append is kept). */
enum ac_status ac_store_append(struct ac_store *st,
                               const struct ac_store_append *w,
                               int64_t expect_seq,
                               const uint8_t expect_hash[AC_HASH_LEN],
                               struct ac_err *err);

/* Takes the log's write lock, which holds off every other writer (in
 * this process, other processes and other servers on the same database),
 * and reads the head under it. The caller may then catch up with the
 * store, decide, and append: the append expects this head, cannot
 * conflict, and releases the lock; ac_store_write_end releases it when
 * nothing is appended. Nothing else may be written meanwhile from the
 * same thread. */
enum ac_status ac_store_write_begin(struct ac_store *st, int64_t *seq,
                                    uint8_t hash[AC_HASH_LEN],
                                    struct ac_err *err);
/* Releases a write lock taken by ac_store_write_begin and not yet
 * released by an append; does nothing otherwise. */
void ac_store_write_end(struct ac_store *st);

/* Whether ac_store_wait can tell of appends by other servers. */
bool ac_store_can_wait(const struct ac_store *st);
/* Waits up to timeout_ms for an append to the log by any server on the
 * same database. *moved is true when one may have come (after a
 * reconnection too); the caller reads the head to know. */
enum ac_status ac_store_wait(struct ac_store *st, int timeout_ms, bool *moved,
                             struct ac_err *err);

/* Calls fn for events with seq > after, at most limit of them (limit < 0:
 * all), in order. */
enum ac_status ac_store_scan(struct ac_store *st, int64_t after, int64_t limit,
                             ac_store_row_fn fn, void *ctx, struct ac_err *err);

/* Calls fn for every kept secret answer. */
enum ac_status ac_store_sealed_scan(struct ac_store *st, ac_store_sealed_fn fn,
                                    void *ctx, struct ac_err *err);

/* Credentials. Strings written to caller buffers are NUL-terminated. */
enum ac_status ac_store_password_set(struct ac_store *st, struct ac_str member,
                                     struct ac_str phc, struct ac_err *err);
/* AC_ENOTFOUND when the member has no password. */
enum ac_status ac_store_password_get(struct ac_store *st, struct ac_str member,
                                     char *phc, size_t phc_size,
                                     struct ac_err *err);

/* Sessions: token_hash is the hex SHA-256 of the bearer token. */
enum ac_status ac_store_session_put(struct ac_store *st,
                                    struct ac_str token_hash,
                                    struct ac_str member, int64_t expires,
                                    struct ac_err *err);
/* AC_ENOTFOUND when unknown or expired at now. */
enum ac_status ac_store_session_get(struct ac_store *st,
                                    struct ac_str token_hash, int64_t now,
                                    char member[64], int64_t *expires,
                                    struct ac_err *err);
enum ac_status ac_store_session_delete(struct ac_store *st,
                                       struct ac_str token_hash,
                                       struct ac_err *err);

/* A member's notification settings and delivery state
 * (docs/notifications.md), kept beside the log and never exported: one
 * JSON document per member, which the server reads at start and writes
 * after each change. */
typedef enum ac_status (*ac_store_notify_fn)(void *ctx, struct ac_str member,
                                             struct ac_str settings);
enum ac_status ac_store_notify_put(struct ac_store *st, struct ac_str member,
                                   struct ac_str settings, struct ac_err *err);
enum ac_status ac_store_notify_scan(struct ac_store *st, ac_store_notify_fn fn,
                                    void *ctx, struct ac_err *err);

/* Copies the whole store (log, credentials, settings) to a new store at
 * dest, consistent at one moment, while others keep writing: SQLite's
 * online backup. dest must not hold a store yet. *seq is the head the
 * copy holds. */
enum ac_status ac_store_backup(struct ac_store *st, const char *dest,
                               int64_t *seq, struct ac_err *err);

/* Invites: one code per invited member, until taken. A put for a member
 * who has a code already keeps that code (two servers making one at the
 * same moment agree on the first): read it back with invite_get. */
enum ac_status ac_store_invite_put(struct ac_store *st, struct ac_str member,
                                   struct ac_str code, struct ac_err *err);
/* The code for a member; AC_ENOTFOUND when none. */
enum ac_status ac_store_invite_get(struct ac_store *st, struct ac_str member,
                                   char code[128], struct ac_err *err);
/* The member a code admits; AC_ENOTFOUND when the code is unknown. */
enum ac_status ac_store_invite_find(struct ac_store *st, struct ac_str code,
                                    char member[64], struct ac_err *err);

#endif
