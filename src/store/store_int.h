/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Private to src/store: the backend ops table and the full row scan the
 * log module needs for verification. A backend embeds struct ac_store as
 * the first member of its own handle and casts back (as SQLite's VFS
 * does with sqlite3_file). store.c checks arguments and the shape of an
 * append before any backend sees them, so backends trust their inputs. */
#ifndef ACCORD_STORE_STORE_INT_H
#define ACCORD_STORE_STORE_INT_H

#include "store/store.h"

/* Called for each stored row in seq order: the seq and hash columns and
 * the body, valid only during the call. Return non-OK to stop. */
typedef enum ac_status (*ac_store_full_row_fn)(void *ctx, int64_t seq,
                                               struct ac_str hash,
                                               struct ac_str text);

struct ac_store_ops {
    const char *name; /* backend name, for messages */
    enum ac_status (*open)(const char *location, bool create,
                           struct ac_store **out, struct ac_err *err);
    void (*close)(struct ac_store *st);
    enum ac_status (*head)(struct ac_store *st, int64_t *seq,
                           uint8_t hash[AC_HASH_LEN], struct ac_err *err);
    /* Takes the chain's write lock and reads the head under it; the
     * next append (or write_end) releases it. */
    enum ac_status (*write_begin)(struct ac_store *st, int64_t *seq,
                                  uint8_t hash[AC_HASH_LEN],
                                  struct ac_err *err);
    void (*write_end)(struct ac_store *st);
    enum ac_status (*append)(struct ac_store *st,
                             const struct ac_store_append *w,
                             int64_t expect_seq,
                             const uint8_t expect_hash[AC_HASH_LEN],
                             struct ac_err *err);
    enum ac_status (*scan)(struct ac_store *st, int64_t after, int64_t limit,
                           ac_store_full_row_fn fn, void *ctx,
                           struct ac_err *err);
    /* NULL when the backend cannot tell of appends by others. */
    enum ac_status (*wait)(struct ac_store *st, int timeout_ms, bool *moved,
                           struct ac_err *err);
    enum ac_status (*password_set)(struct ac_store *st, struct ac_str member,
                                   struct ac_str phc, struct ac_err *err);
    enum ac_status (*password_get)(struct ac_store *st, struct ac_str member,
                                   char *phc, size_t phc_size,
                                   struct ac_err *err);
    enum ac_status (*session_put)(struct ac_store *st, struct ac_str token_hash,
                                  struct ac_str member, int64_t expires,
                                  struct ac_err *err);
    enum ac_status (*session_get)(struct ac_store *st, struct ac_str token_hash,
                                  int64_t now, char member[64],
                                  int64_t *expires, struct ac_err *err);
    enum ac_status (*session_delete)(struct ac_store *st,
                                     struct ac_str token_hash,
                                     struct ac_err *err);
    enum ac_status (*invite_put)(struct ac_store *st, struct ac_str member,
                                 struct ac_str code, struct ac_err *err);
    enum ac_status (*invite_get)(struct ac_store *st, struct ac_str member,
                                 char code[128], struct ac_err *err);
    enum ac_status (*invite_find)(struct ac_store *st, struct ac_str code,
                                  char member[64], struct ac_err *err);
    enum ac_status (*sealed_scan)(struct ac_store *st, ac_store_sealed_fn fn,
                                  void *ctx, struct ac_err *err);
    enum ac_status (*notify_put)(struct ac_store *st, struct ac_str member,
                                 struct ac_str settings, struct ac_err *err);
    enum ac_status (*notify_scan)(struct ac_store *st, ac_store_notify_fn fn,
                                  void *ctx, struct ac_err *err);
    enum ac_status (*backup)(struct ac_store *st, const char *dest,
                             int64_t *seq, struct ac_err *err);
};

/* The common head of every backend's handle. */
struct ac_store {
    const struct ac_store_ops *ops; /* the backend; never NULL */
};

/* SQLite: location is a data folder holding accord.db. */
extern const struct ac_store_ops ac_store_sqlite_ops;
/* PostgreSQL: location is a postgres:// or postgresql:// URL. */
extern const struct ac_store_ops ac_store_pg_ops;

/* As ac_store_scan, also giving each row's stored hash column. */
enum ac_status ac_store_scan_rows(struct ac_store *st, int64_t after,
                                  int64_t limit, ac_store_full_row_fn fn,
                                  void *ctx, struct ac_err *err);

#endif
