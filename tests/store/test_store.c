/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The store contract (open, append, scan, head, credentials, atomicity,
 * concurrency) and the log above it (replay, commit, verification of a
 * store and of an export, tampering found and named). Each test works on
 * its own temporary data folder; tampering goes through libsqlite3
 * directly, as an operator editing the file by hand would. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/ascii.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/secret.h"
#include "base/time.h"
#include "core/event.h"
#include "core/exec.h"
#include "core/state.h"
#include "store/log.h"
#include "store/store.h"
#include "support/harness.h"

#define MAX_BATCH 16

static char *dir; /* this test's data folder */

static void setup(void)
{
    dir = t_tmpdir();
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    t_rmrf(dir);
    free(dir);
}

/* 2026-11-28T06:00:00.000Z */
static int64_t t0(void)
{
    return INT64_C(1795845600000);
}

/* Opens the store of a test folder: the folder, or its own database when
 * the tests run on PostgreSQL (t_pg). */
static struct ac_store *open_store(const char *path, bool create)
{
    struct ac_store *st = NULL;
    struct ac_err e = {0};
    cr_assert_eq(t_store_open(path, create, &st, &e), AC_OK, "open: %s", e.msg);
    cr_assert_not_null(st);
    return st;
}

static char *db_path(void)
{
    return t_fmt("%s/accord.db", dir);
}

/* Runs SQL on the database behind the store's back. */
static void tamper(const char *sql)
{
    char *path = db_path();
    if (t_pg()) {
        long changed = 0;
        char *out = t_sql(dir, sql, &changed);
        cr_assert_not_null(out, "%s failed", sql);
        cr_assert_gt(changed + (strstr(sql, "TRIGGER") ? 1 : 0), 0,
                     "%s changed nothing", sql);
        free(out);
        free(path);
        return;
    }
    sqlite3 *db = NULL;
    char *msg = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                 SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s",
                 sql, msg ? msg : "");
    cr_assert_gt(sqlite3_changes(db) + (strstr(sql, "TRIGGER") ? 1 : 0), 0,
                 "%s changed nothing", sql);
    sqlite3_close(db);
    free(path);
}

/* ---- test events: sealed, chained, of a type only the store sees ---- */

struct tbatch {
    struct ac_event ev[MAX_BATCH];
    struct ac_str text[MAX_BATCH];
    size_t count;
};

static struct ac_event mk_event(struct ac_arena *a, int64_t seq,
                                const uint8_t prev[AC_HASH_LEN],
                                const char *note)
{
    struct ac_event ev;
    struct ac_val *d = ac_val_obj(a);
    memset(&ev, 0, sizeof ev);
    cr_assert(ac_val_set(a, d, "note", ac_val_str(a, ac_str_c(note))));
    ev.seq = seq;
    ev.time = t0() + seq * 1000;
    ev.actor = AC_STR("operator");
    ev.type = AC_STR("test.note");
    ev.data = d;
    memcpy(ev.prev, prev, AC_HASH_LEN);
    cr_assert_eq(ac_event_seal(&ev, NULL), AC_OK);
    return ev;
}

static struct ac_str mk_text(struct ac_arena *a, const struct ac_event *ev)
{
    struct ac_buf b;
    struct ac_str s;
    ac_buf_init(&b, 0);
    cr_assert_eq(ac_event_encode(ev, true, &b, NULL), AC_OK);
    s = ac_arena_str(a, ac_buf_str(&b));
    ac_buf_release(&b);
    return s;
}

/* n events following (seq, head). */
static void tb_build(struct ac_arena *a, struct tbatch *b, int64_t seq,
                     const uint8_t head[AC_HASH_LEN], size_t n,
                     const char *note)
{
    const uint8_t *prev = head;
    cr_assert_leq(n, MAX_BATCH);
    b->count = n;
    for (size_t i = 0; i < n; i++) {
        b->ev[i] = mk_event(a, seq + 1 + (int64_t)i, prev, note);
        b->text[i] = mk_text(a, &b->ev[i]);
        prev = b->ev[i].hash;
    }
}

static enum ac_status tb_append(struct ac_store *st, const struct tbatch *b,
                                int64_t seq, const uint8_t head[AC_HASH_LEN],
                                const struct ac_store_password *pw,
                                size_t pw_count, const char *invite,
                                struct ac_err *err)
{
    struct ac_store_append w = {0};
    w.events = b->ev;
    w.texts = b->text;
    w.count = b->count;
    w.passwords = pw;
    w.password_count = pw_count;
    w.invite_taken = invite ? ac_str_c(invite) : (struct ac_str){NULL, 0};
    return ac_store_append(st, &w, seq, head, err);
}

/* Appends n events after the current head and checks it moved. */
static void append_n(struct ac_store *st, struct ac_arena *a, size_t n,
                     const char *note)
{
    struct tbatch b;
    struct ac_err e = {0};
    uint8_t head[AC_HASH_LEN], after[AC_HASH_LEN];
    int64_t seq, seq2;
    cr_assert_eq(ac_store_head(st, &seq, head, &e), AC_OK, "%s", e.msg);
    tb_build(a, &b, seq, head, n, note);
    cr_assert_eq(tb_append(st, &b, seq, head, NULL, 0, NULL, &e), AC_OK,
                 "append: %s", e.msg);
    cr_assert_eq(ac_store_head(st, &seq2, after, &e), AC_OK);
    cr_assert_eq(seq2, seq + (int64_t)n);
    cr_assert(memcmp(after, b.ev[n - 1].hash, AC_HASH_LEN) == 0);
}

/* Rows collected by a scan. */
struct rows {
    int64_t seq[256];
    char *text[256];
    size_t count;
    size_t stop_after; /* stop with AC_ECONFLICT after this many; 0 never */
};

static enum ac_status collect(void *ctx, int64_t seq, struct ac_str text)
{
    struct rows *r = ctx;
    cr_assert_lt(r->count, 256);
    r->seq[r->count] = seq;
    r->text[r->count] = strndup(text.ptr, text.len);
    r->count++;
    if (r->stop_after && r->count == r->stop_after) {
        return AC_ECONFLICT;
    }
    return AC_OK;
}

static void rows_free(struct rows *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free(r->text[i]);
    }
    r->count = 0;
}

static size_t count_rows(struct ac_store *st)
{
    struct rows r = {0};
    size_t n;
    cr_assert_eq(ac_store_scan(st, 0, -1, collect, &r, NULL), AC_OK);
    n = r.count;
    rows_free(&r);
    return n;
}

static const uint8_t zero[AC_HASH_LEN];

/* ---- open ---- */

TestSuite(store, .init = setup, .fini = teardown, .timeout = 60);

Test(store, create_opens_an_empty_store_with_private_files)
{
    char *nested = t_fmt("%s/org/data", dir);
    char *file = t_fmt("%s/accord.db", nested);
    char *wal = t_fmt("%s/accord.db-wal", nested);
    struct ac_store *st = open_store(nested, true);
    struct ac_arena a;
    struct stat sb;
    uint8_t head[AC_HASH_LEN];
    int64_t seq = -1;

    cr_assert_eq(ac_store_head(st, &seq, head, NULL), AC_OK);
    cr_assert_eq(seq, 0);
    cr_assert(memcmp(head, zero, AC_HASH_LEN) == 0);
    ac_arena_init(&a, 0);
    append_n(st, &a, 1, "first");

    if (!t_pg()) {
        cr_assert_eq(stat(nested, &sb), 0);
        cr_assert(S_ISDIR(sb.st_mode));
        cr_assert_eq(sb.st_mode & 0777, 0700, "folder mode %o",
                     sb.st_mode & 0777);
        cr_assert_eq(stat(file, &sb), 0);
        cr_assert_eq(sb.st_mode & 0777, 0600, "file mode %o",
                     sb.st_mode & 0777);
        cr_assert_eq(stat(wal, &sb), 0, "the store is in WAL mode");
        cr_assert_eq(sb.st_mode & 0777, 0600, "wal mode %o", sb.st_mode & 0777);
    }
    ac_store_close(st);
    ac_arena_release(&a);

    st = open_store(nested, false);
    cr_assert_eq(count_rows(st), 1);
    ac_store_close(st);
    free(wal);
    free(file);
    free(nested);
}

Test(store, missing_store_without_create_is_not_found)
{
    char *missing = t_fmt("%s/nowhere", dir);
    struct ac_store *st = (struct ac_store *)1;
    struct ac_err e = {0};
    struct stat sb;

    if (t_pg()) {
        /* a database that is not there; one without the tables */
        char *url = t_fmt("%s/nowhere_%d", t_pg(), (int)getpid());
        cr_assert_eq(ac_store_open(url, false, &st, &e), AC_EIO);
        cr_assert_null(st);
        cr_assert(strstr(e.msg, "cannot connect to the database"), "%s", e.msg);
        cr_assert(strstr(e.msg, "nowhere"), "%s", e.msg);
        free(url);
        cr_assert_eq(t_store_open(dir, false, &st, &e), AC_ENOTFOUND);
        cr_assert_str_eq(e.msg, "no accord store in the database");
        free(missing);
        return;
    }
    cr_assert_eq(ac_store_open(missing, false, &st, &e), AC_ENOTFOUND);
    cr_assert_null(st);
    cr_assert(strstr(e.msg, "nowhere"), "%s", e.msg);
    cr_assert_neq(stat(missing, &sb), 0, "nothing was created");
    /* An existing folder without a database is no store either. */
    cr_assert_eq(ac_store_open(dir, false, &st, &e), AC_ENOTFOUND);
    free(missing);
}

Test(store, other_schemes_are_refused)
{
    struct ac_store *st = NULL;
    struct ac_err e = {0};
    char where[128];
    /* PostgreSQL is a known scheme: nothing listens on port 1 */
    cr_assert_eq(ac_store_open("postgres://127.0.0.1:1/accord", true, &st, &e),
                 AC_EIO);
    cr_assert(strstr(e.msg, "cannot connect to the database"), "%s", e.msg);
    cr_assert_null(st);
    ac_store_where("postgresql://ann:s3cret@db.example:5432/coop?password=x",
                   where, sizeof where);
    cr_assert_str_eq(where, "postgresql://ann@db.example:5432/coop");
    ac_store_where("postgres://postgres:pa?s3cret@db/coop", where,
                   sizeof where);
    cr_assert_str_eq(where, "postgres://postgres@db/coop");
    ac_store_where("postgresql:///coop?host=/run/pg&password=x", where,
                   sizeof where);
    cr_assert_str_eq(where, "postgresql:///coop");
    ac_store_where("postgres://db:5432/coop", where, sizeof where);
    cr_assert_str_eq(where, "postgres://db:5432/coop");
    ac_store_where("/srv/accord/coop", where, sizeof where);
    cr_assert_str_eq(where, "/srv/accord/coop");
    cr_assert_eq(ac_store_open("ftp://example.org/x", true, &st, &e),
                 AC_EINVAL);
    cr_assert(strstr(e.msg, "ftp://"), "%s", e.msg);
    cr_assert_eq(ac_store_open("", true, &st, &e), AC_EINVAL);
    cr_assert_null(st);
}

Test(store, settings_are_wal_and_schema_is_pinned)
{
    struct ac_store *st = open_store(dir, true);
    char *path = db_path();
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;

    ac_store_close(st);
    if (t_pg()) {
        char *cols = t_sql(dir,
                           "SELECT string_agg(column_name || ' ' || "
                           "data_type, ', ' ORDER BY ordinal_position) "
                           "FROM information_schema.columns WHERE "
                           "table_name = 'events'",
                           NULL);
        char *version = t_sql(
            dir, "SELECT value FROM meta WHERE key = 'schema_version'", NULL);
        cr_assert_str_eq(cols, "seq bigint, hash text, body text");
        cr_assert_str_eq(version, "1");
        free(cols);
        free(version);
        free(path);
        return;
    }
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT seq, hash, body FROM events, "
                                    "(SELECT value FROM meta WHERE key = "
                                    "'schema_version') v WHERE v.value = 1",
                                    -1, &q, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(db);
    free(path);
}

Test(store, a_newer_schema_is_refused)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_err e = {0};
    ac_store_close(st);
    tamper("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    st = NULL;
    cr_assert_eq(t_store_open(dir, false, &st, &e), AC_EINVAL);
    cr_assert(strstr(e.msg, "schema version 2"), "%s", e.msg);
    cr_assert_null(st);
}

Test(store, a_foreign_database_is_refused)
{
    char *path = db_path();
    sqlite3 *db = NULL;
    struct ac_store *st = NULL;
    struct ac_err e = {0};
    if (t_pg()) {
        /* a table of the same name that is not accord's */
        char *none = t_sql(dir, "CREATE TABLE events(x int)", NULL);
        cr_assert_not_null(none);
        free(none);
    } else {
        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL),
                     SQLITE_OK);
        sqlite3_close(db);
    }
    cr_assert_eq(t_store_open(dir, false, &st, &e), AC_ECORRUPT);
    cr_assert(strstr(e.msg, "not an accord store"), "%s", e.msg);
    free(path);
}

/* ---- the log ---- */

Test(store, append_scan_and_head)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_arena a;
    struct tbatch b1, b2;
    struct rows r = {0};
    struct ac_err e = {0};
    uint8_t head[AC_HASH_LEN];
    int64_t seq;

    ac_arena_init(&a, 0);
    tb_build(&a, &b1, 0, zero, 3, "one");
    cr_assert_eq(tb_append(st, &b1, 0, zero, NULL, 0, NULL, &e), AC_OK, "%s",
                 e.msg);
    tb_build(&a, &b2, 3, b1.ev[2].hash, 2, "two");
    cr_assert_eq(tb_append(st, &b2, 3, b1.ev[2].hash, NULL, 0, NULL, &e), AC_OK,
                 "%s", e.msg);
    cr_assert_eq(ac_store_head(st, &seq, head, &e), AC_OK);
    cr_assert_eq(seq, 5);
    cr_assert(memcmp(head, b2.ev[1].hash, AC_HASH_LEN) == 0);

    cr_assert_eq(ac_store_scan(st, 0, -1, collect, &r, &e), AC_OK);
    cr_assert_eq(r.count, 5);
    for (size_t i = 0; i < 5; i++) {
        const struct ac_str *t = i < 3 ? &b1.text[i] : &b2.text[i - 3];
        cr_assert_eq(r.seq[i], (int64_t)i + 1);
        cr_assert_eq(strlen(r.text[i]), t->len);
        cr_assert(memcmp(r.text[i], t->ptr, t->len) == 0);
    }
    rows_free(&r);

    cr_assert_eq(ac_store_scan(st, 2, 2, collect, &r, &e), AC_OK);
    cr_assert_eq(r.count, 2);
    cr_assert_eq(r.seq[0], 3);
    cr_assert_eq(r.seq[1], 4);
    rows_free(&r);

    cr_assert_eq(ac_store_scan(st, 5, -1, collect, &r, &e), AC_OK);
    cr_assert_eq(r.count, 0);

    r.stop_after = 2;
    cr_assert_eq(ac_store_scan(st, 0, -1, collect, &r, &e), AC_ECONFLICT,
                 "the callback's status stops the scan");
    cr_assert_eq(r.count, 2);
    rows_free(&r);

    ac_store_close(st);
    ac_arena_release(&a);
}

Test(store, append_on_a_moved_head_conflicts_and_keeps_nothing)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_arena a;
    struct tbatch b1, b2, stale;
    struct ac_err e = {0};
    struct ac_store_password pw = {AC_STR("ana"), AC_STR("$argon2id$x")};
    char phc[AC_PHC_MAX];
    uint8_t bad[AC_HASH_LEN];
    uint8_t head[AC_HASH_LEN];
    int64_t seq;

    ac_arena_init(&a, 0);
    tb_build(&a, &b1, 0, zero, 1, "one");
    cr_assert_eq(tb_append(st, &b1, 0, zero, NULL, 0, NULL, &e), AC_OK);

    /* A writer that still believes the log is empty. */
    tb_build(&a, &stale, 0, zero, 1, "stale");
    cr_assert_eq(tb_append(st, &stale, 0, zero, &pw, 1, NULL, &e),
                 AC_ECONFLICT);
    cr_assert(strstr(e.msg, "moved"), "%s", e.msg);

    /* The right seq with the wrong hash conflicts too. */
    memcpy(bad, b1.ev[0].hash, AC_HASH_LEN);
    bad[0] ^= 1;
    tb_build(&a, &b2, 1, bad, 1, "two");
    cr_assert_eq(tb_append(st, &b2, 1, bad, &pw, 1, NULL, &e), AC_ECONFLICT);

    cr_assert_eq(ac_store_head(st, &seq, head, &e), AC_OK);
    cr_assert_eq(seq, 1);
    cr_assert(memcmp(head, b1.ev[0].hash, AC_HASH_LEN) == 0);
    cr_assert_eq(count_rows(st), 1);
    cr_assert_eq(ac_store_password_get(st, AC_STR("ana"), phc, sizeof phc, &e),
                 AC_ENOTFOUND, "the password of a refused append is not set");
    ac_store_close(st);
    ac_arena_release(&a);
}

Test(store, a_batch_with_a_duplicate_seq_keeps_nothing)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_arena a;
    struct tbatch b;
    struct ac_err e = {0};

    ac_arena_init(&a, 0);
    tb_build(&a, &b, 0, zero, 3, "dup");
    b.ev[1] = b.ev[0]; /* the second event repeats seq 1 */
    b.text[1] = b.text[0];
    cr_assert_neq(tb_append(st, &b, 0, zero, NULL, 0, NULL, &e), AC_OK);
    cr_assert(strstr(e.msg, "seq 1"), "%s", e.msg);
    cr_assert_eq(count_rows(st), 0);

    /* A gap and a broken link are refused the same way. */
    tb_build(&a, &b, 0, zero, 3, "gap");
    b.ev[2].seq = 4;
    cr_assert_neq(tb_append(st, &b, 0, zero, NULL, 0, NULL, &e), AC_OK);
    tb_build(&a, &b, 0, zero, 3, "link");
    b.ev[2].prev[5] ^= 1;
    cr_assert_neq(tb_append(st, &b, 0, zero, NULL, 0, NULL, &e), AC_OK);
    cr_assert_eq(count_rows(st), 0);
    ac_store_close(st);
    ac_arena_release(&a);
}

Test(store, a_database_failure_mid_append_rolls_everything_back)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_arena a;
    struct tbatch b;
    struct ac_err e = {0};
    struct ac_store_password pw = {AC_STR("ana"), AC_STR("$argon2id$x")};
    char phc[AC_PHC_MAX];
    int64_t seq;
    uint8_t head[AC_HASH_LEN];

    ac_arena_init(&a, 0);
    cr_assert_eq(ac_store_invite_put(st, AC_STR("ana"), AC_STR("code-1"), &e),
                 AC_OK);
    /* The disk "fills up" on the second event of the batch. */
    if (t_pg()) {
        tamper("CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql "
               "AS "
               "$$BEGIN RAISE EXCEPTION 'database or disk is full'; END$$; "
               "CREATE FUNCTION ioerr() RETURNS trigger LANGUAGE plpgsql AS "
               "$$BEGIN RAISE EXCEPTION 'disk I/O error'; END$$; "
               "CREATE TRIGGER boom BEFORE INSERT ON events FOR EACH ROW "
               "WHEN (NEW.seq = 2) EXECUTE FUNCTION disk_full()");
    } else {
        tamper("CREATE TRIGGER full BEFORE INSERT ON events WHEN NEW.seq = 2 "
               "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    }
    tb_build(&a, &b, 0, zero, 3, "doomed");
    cr_assert_eq(tb_append(st, &b, 0, zero, &pw, 1, "code-1", &e), AC_EIO);
    cr_assert(strstr(e.msg, "event 2"), "%s", e.msg);
    cr_assert(strstr(e.msg, "database or disk is full"), "%s", e.msg);
    cr_assert_eq(ac_store_head(st, &seq, head, &e), AC_OK);
    cr_assert_eq(seq, 0, "event 1 of the failed batch is not kept");
    cr_assert_eq(count_rows(st), 0);
    cr_assert_eq(ac_store_password_get(st, AC_STR("ana"), phc, sizeof phc, &e),
                 AC_ENOTFOUND);
    cr_assert_eq(ac_store_invite_get(st, AC_STR("ana"), phc, &e), AC_OK,
                 "the invite is not taken");

    /* The side writes fail after all the events went in. */
    if (t_pg()) {
        tamper("DROP TRIGGER boom ON events; CREATE TRIGGER boom BEFORE "
               "INSERT ON passwords FOR EACH ROW EXECUTE FUNCTION ioerr()");
    } else {
        tamper("DROP TRIGGER full; CREATE TRIGGER full BEFORE INSERT ON "
               "passwords BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    }
    cr_assert_eq(tb_append(st, &b, 0, zero, &pw, 1, "code-1", &e), AC_EIO);
    cr_assert(strstr(e.msg, "password"), "%s", e.msg);
    cr_assert_eq(count_rows(st), 0);
    cr_assert_eq(ac_store_invite_get(st, AC_STR("ana"), phc, &e), AC_OK);

    /* A taken (unknown) invite refuses the append as a whole. */
    tamper(t_pg() ? "DROP TRIGGER boom ON passwords" : "DROP TRIGGER full");
    cr_assert_eq(tb_append(st, &b, 0, zero, &pw, 1, "code-2", &e),
                 AC_ECONFLICT);
    cr_assert_eq(count_rows(st), 0);

    /* The store is still good for the same append. */
    cr_assert_eq(tb_append(st, &b, 0, zero, &pw, 1, "code-1", &e), AC_OK, "%s",
                 e.msg);
    cr_assert_eq(count_rows(st), 3);
    cr_assert_eq(ac_store_password_get(st, AC_STR("ana"), phc, sizeof phc, &e),
                 AC_OK);
    cr_assert_str_eq(phc, "$argon2id$x");
    cr_assert_eq(ac_store_invite_get(st, AC_STR("ana"), phc, &e), AC_ENOTFOUND,
                 "the invite was taken with the append");
    ac_store_close(st);
    ac_arena_release(&a);
}

/* Each row starts a nested scan, deeper than the pool of readers. */
struct nest {
    struct ac_store *st;
    int depth;
    int max_depth;
    int64_t seen;
};

static enum ac_status nested(void *ctx, int64_t seq, struct ac_str text)
{
    struct nest *n = ctx;
    int64_t head;
    uint8_t hash[AC_HASH_LEN];
    enum ac_status rs = ac_store_head(n->st, &head, hash, NULL);
    (void)text;
    n->seen++;
    if (rs == AC_OK && head != 8) {
        rs = AC_ECORRUPT;
    }
    if (rs == AC_OK && n->depth < n->max_depth) {
        n->depth++;
        rs = ac_store_scan(n->st, seq, 1, nested, n, NULL);
        n->depth--;
    }
    return rs;
}

Test(store, a_scan_callback_may_read_the_store)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_arena a;
    struct nest n = {st, 0, 7, 0};

    ac_arena_init(&a, 0);
    append_n(st, &a, 8, "deep");
    cr_assert_eq(ac_store_scan(st, 0, 1, nested, &n, NULL), AC_OK);
    cr_assert_eq(n.seen, 8, "row 1 and one nested row per level");
    ac_store_close(st);
    ac_arena_release(&a);
}

/* ---- credentials ---- */

Test(store, passwords)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_err e = {0};
    char phc[AC_PHC_MAX], tiny[4];

    cr_assert_eq(ac_store_password_get(st, AC_STR("ana"), phc, sizeof phc, &e),
                 AC_ENOTFOUND);
    cr_assert_eq(ac_store_password_set(st, AC_STR("ana"), AC_STR("$one"), &e),
                 AC_OK);
    cr_assert_eq(ac_store_password_set(st, AC_STR("ben"), AC_STR("$ben"), &e),
                 AC_OK);
    cr_assert_eq(ac_store_password_set(st, AC_STR("ana"), AC_STR("$two"), &e),
                 AC_OK);
    cr_assert_eq(ac_store_password_get(st, AC_STR("ana"), phc, sizeof phc, &e),
                 AC_OK);
    cr_assert_str_eq(phc, "$two");
    cr_assert_eq(ac_store_password_get(st, AC_STR("ben"), phc, sizeof phc, &e),
                 AC_OK);
    cr_assert_str_eq(phc, "$ben");
    cr_assert_eq(
        ac_store_password_get(st, AC_STR("ben"), tiny, sizeof tiny, &e),
        AC_ELIMIT);
    cr_assert_eq(ac_store_password_set(st, AC_STR(""), AC_STR("$x"), &e),
                 AC_EINVAL);
    ac_store_close(st);
}

Test(store, sessions_expire)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_err e = {0};
    char token[AC_TOKEN_LEN + 1], hash[65], member[64];
    int64_t expires = 0, now = t0();

    ac_token_new(token);
    ac_token_hash(hash, ac_str_c(token));
    cr_assert_eq(
        ac_store_session_get(st, ac_str_c(hash), now, member, &expires, &e),
        AC_ENOTFOUND);
    cr_assert_eq(
        ac_store_session_put(st, ac_str_c(hash), AC_STR("ana"), now + 1000, &e),
        AC_OK, "%s", e.msg);
    cr_assert_eq(
        ac_store_session_get(st, ac_str_c(hash), now, member, &expires, &e),
        AC_OK);
    cr_assert_str_eq(member, "ana");
    cr_assert_eq(expires, now + 1000);
    cr_assert_eq(ac_store_session_get(st, ac_str_c(hash), now + 999, member,
                                      &expires, &e),
                 AC_OK);
    cr_assert_eq(ac_store_session_get(st, ac_str_c(hash), now + 1000, member,
                                      &expires, &e),
                 AC_ENOTFOUND, "expired at its expiry time");
    cr_assert_str_eq(member, "");
    /* Putting it again extends it. */
    cr_assert_eq(
        ac_store_session_put(st, ac_str_c(hash), AC_STR("ana"), now + 5000, &e),
        AC_OK);
    cr_assert_eq(ac_store_session_get(st, ac_str_c(hash), now + 1000, member,
                                      &expires, &e),
                 AC_OK);
    cr_assert_eq(ac_store_session_delete(st, ac_str_c(hash), &e), AC_OK);
    cr_assert_eq(
        ac_store_session_get(st, ac_str_c(hash), now, member, &expires, &e),
        AC_ENOTFOUND);
    cr_assert_eq(ac_store_session_delete(st, ac_str_c(hash), &e), AC_OK,
                 "deleting twice is harmless");
    ac_store_close(st);
}

Test(store, invites)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_err e = {0};
    char code[128], member[64];

    cr_assert_eq(ac_store_invite_get(st, AC_STR("ben"), code, &e),
                 AC_ENOTFOUND);
    cr_assert_eq(ac_store_invite_find(st, AC_STR("abc"), member, &e),
                 AC_ENOTFOUND);
    cr_assert_eq(ac_store_invite_put(st, AC_STR("ben"), AC_STR("abc"), &e),
                 AC_OK);
    cr_assert_eq(ac_store_invite_get(st, AC_STR("ben"), code, &e), AC_OK);
    cr_assert_str_eq(code, "abc");
    cr_assert_eq(ac_store_invite_find(st, AC_STR("abc"), member, &e), AC_OK);
    cr_assert_str_eq(member, "ben");
    cr_assert_eq(ac_store_invite_put(st, AC_STR("cat"), AC_STR("abc"), &e),
                 AC_ECONFLICT, "a code admits one member");
    cr_assert_eq(ac_store_invite_put(st, AC_STR("ben"), AC_STR("def"), &e),
                 AC_OK);
    cr_assert_eq(ac_store_invite_get(st, AC_STR("ben"), code, &e), AC_OK);
    cr_assert_str_eq(code, "abc", "the first code stays");
    cr_assert_eq(ac_store_invite_find(st, AC_STR("def"), member, &e),
                 AC_ENOTFOUND);
    cr_assert_eq(ac_store_invite_find(st, AC_STR("abc"), member, &e), AC_OK);
    cr_assert_str_eq(member, "ben");
    ac_store_close(st);
}

Test(store, reopening_keeps_everything)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_arena a;
    struct ac_err e = {0};
    char buf[128], member[64];
    int64_t seq, expires;
    uint8_t head[AC_HASH_LEN], head2[AC_HASH_LEN];

    ac_arena_init(&a, 0);
    append_n(st, &a, 4, "kept");
    cr_assert_eq(ac_store_head(st, &seq, head, &e), AC_OK);
    cr_assert_eq(ac_store_password_set(st, AC_STR("ana"), AC_STR("$p"), &e),
                 AC_OK);
    cr_assert_eq(
        ac_store_session_put(st, AC_STR("t1"), AC_STR("ana"), t0() + 10, &e),
        AC_OK);
    cr_assert_eq(ac_store_invite_put(st, AC_STR("ben"), AC_STR("c1"), &e),
                 AC_OK);
    ac_store_close(st);

    st = open_store(dir, false);
    cr_assert_eq(ac_store_head(st, &seq, head2, &e), AC_OK);
    cr_assert_eq(seq, 4);
    cr_assert(memcmp(head, head2, AC_HASH_LEN) == 0);
    cr_assert_eq(count_rows(st), 4);
    cr_assert_eq(ac_store_password_get(st, AC_STR("ana"), buf, sizeof buf, &e),
                 AC_OK);
    cr_assert_str_eq(buf, "$p");
    cr_assert_eq(
        ac_store_session_get(st, AC_STR("t1"), t0(), member, &expires, &e),
        AC_OK);
    cr_assert_str_eq(member, "ana");
    cr_assert_eq(ac_store_invite_get(st, AC_STR("ben"), buf, &e), AC_OK);
    cr_assert_str_eq(buf, "c1");
    append_n(st, &a, 1, "after reopening");
    ac_store_close(st);
    ac_arena_release(&a);
}

/* ---- concurrency ---- */

#define THREADS 6
#define PER_THREAD 20

struct worker {
    struct ac_store *st;
    int id;
    int appended;
    int conflicts;
    char failure[300]; /* empty when all went well */
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct ac_arena a;
    char note[32];

    ac_arena_init(&a, 0);
    snprintf(note, sizeof note, "thread %d", w->id);
    while (w->appended < PER_THREAD && !w->failure[0]) {
        struct ac_err e = {0};
        struct ac_store_append ap = {0};
        struct ac_arena_mark m = ac_arena_mark(&a);
        struct ac_event ev;
        struct ac_str text;
        uint8_t head[AC_HASH_LEN];
        int64_t seq;
        enum ac_status rs = ac_store_head(w->st, &seq, head, &e);
        if (rs == AC_OK) {
            ev = mk_event(&a, seq + 1, head, note);
            text = mk_text(&a, &ev);
            ap.events = &ev;
            ap.texts = &text;
            ap.count = 1;
            rs = ac_store_append(w->st, &ap, seq, head, &e);
        }
        if (rs == AC_OK) {
            w->appended++;
        } else if (rs == AC_ECONFLICT) {
            w->conflicts++;
        } else {
            snprintf(w->failure, sizeof w->failure, "%s", e.msg);
        }
        ac_arena_rewind(&a, m);
    }
    ac_arena_release(&a);
    return NULL;
}

struct chain_ctx {
    struct ac_chain chain;
    int per_thread[THREADS];
    char failure[300];
};

static enum ac_status check_row(void *ctx, int64_t seq, struct ac_str text)
{
    struct chain_ctx *c = ctx;
    struct ac_arena a;
    struct ac_val *v = NULL;
    struct ac_event ev;
    struct ac_str note;
    struct ac_err e = {0};
    int id;
    enum ac_status rs;

    ac_arena_init(&a, 0);
    rs = ac_json_parse(text, &a, &v, &e);
    if (rs == AC_OK) {
        rs = ac_event_decode(v, &ev, &e);
    }
    if (rs == AC_OK && ev.seq != seq) {
        rs = ac_err_set(&e, AC_ECORRUPT, "row %ld holds seq %ld", (long)seq,
                        (long)ev.seq);
    }
    if (rs == AC_OK) {
        rs = ac_chain_check(&c->chain, &ev, &e);
    }
    if (rs == AC_OK && ac_val_get_str(ev.data, "note", &note) &&
        sscanf(note.ptr, "thread %d", &id) == 1 && id >= 0 && id < THREADS) {
        c->per_thread[id]++;
    }
    if (rs != AC_OK) {
        snprintf(c->failure, sizeof c->failure, "%s", e.msg);
    }
    ac_arena_release(&a);
    return rs;
}

Test(store, concurrent_appends_make_one_gapless_chain)
{
    struct ac_store *st = open_store(dir, true);
    struct worker w[THREADS];
    pthread_t t[THREADS];
    struct chain_ctx c;
    struct ac_err e = {0};
    int conflicts = 0;

    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++) {
        w[i].st = st;
        w[i].id = i;
        cr_assert_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        cr_expect_str_empty(w[i].failure, "thread %d: %s", i, w[i].failure);
        conflicts += w[i].conflicts;
    }
    cr_log_info("%d conflicts retried", conflicts);

    memset(&c, 0, sizeof c);
    ac_chain_init(&c.chain);
    cr_assert_eq(ac_store_scan(st, 0, -1, check_row, &c, &e), AC_OK, "%s",
                 c.failure);
    cr_assert_eq(c.chain.seq, THREADS * PER_THREAD);
    for (int i = 0; i < THREADS; i++) {
        cr_assert_eq(c.per_thread[i], PER_THREAD, "thread %d", i);
    }
    ac_store_close(st);
}

/* ---- the log: a real organisation built with core ---- */

struct org {
    struct ac_arena arena;
    struct ac_state state;
    struct ac_batch batch;
    int64_t now;
    char phc[AC_PHC_MAX]; /* ben's password hash */
};

static void org_run(struct ac_store *st, struct org *o,
                    const struct ac_cmd *cmd, struct ac_store_append *extra)
{
    struct ac_err e = {0};
    o->batch.count = 0;
    o->now += 60 * 1000;
    cr_assert_eq(ac_exec(&o->state, cmd, o->now, &o->arena, &o->batch, &e),
                 AC_OK, "exec: %s", e.msg);
    cr_assert_eq(ac_log_commit(st, &o->batch, extra, &e), AC_OK, "commit: %s",
                 e.msg);
}

static struct ac_val *text_data(struct ac_arena *a, const char *key,
                                const char *value)
{
    struct ac_val *d = ac_val_obj(a);
    cr_assert(ac_val_set(a, d, key, ac_val_str(a, ac_str_c(value))));
    return d;
}

static void propose(struct ac_store *st, struct org *o, const char *actor,
                    const char *kind, const char *title, struct ac_val *data)
{
    struct ac_cmd c = {0};
    c.type = AC_CMD_PROPOSE;
    c.actor = ac_str_c(actor);
    c.circle = AC_STR("all");
    c.kind = ac_str_c(kind);
    c.title = ac_str_c(title);
    c.data = data;
    org_run(st, o, &c, NULL);
}

static void position(struct ac_store *st, struct org *o, const char *actor,
                     const char *proposal, const char *pos)
{
    struct ac_cmd c = {0};
    c.type = AC_CMD_POSITION;
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(proposal);
    c.position = ac_str_c(pos);
    c.reason = AC_STR("as discussed");
    org_run(st, o, &c, NULL);
}

/* Events 1..13: the founding; p1 "Quiet hours" (2); p2 "Admit Ben" (3);
 * both adopted (4-7); ben joins with his invite and password (8); p3 by
 * ben (9), a concern (10), an amendment (11); the deadline passes
 * (12..). */
static void org_build(struct ac_store *st, struct org *o)
{
    struct ac_err e = {0};
    struct ac_val *admit;
    struct ac_store_password pw;
    struct ac_store_append extra = {0};
    struct ac_cmd c = {0};

    memset(o, 0, sizeof *o);
    ac_arena_init(&o->arena, 0);
    ac_state_init(&o->state, &o->arena);
    o->now = t0();
    cr_assert(ac_secret_init());
    cr_assert_eq(ac_exec_found(&o->state, AC_STR("Test Org"), AC_STR("ana"),
                               AC_STR("Ana"), o->now, &o->arena, &o->batch, &e),
                 AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_commit(st, &o->batch, NULL, &e), AC_OK, "%s", e.msg);

    propose(st, o, "ana", "agreement.adopt", "Quiet hours",
            text_data(&o->arena, "text", "No noise after 22:00."));
    admit = text_data(&o->arena, "id", "ben");
    cr_assert(ac_val_set(&o->arena, admit, "name",
                         ac_val_str(&o->arena, AC_STR("Ben"))));
    propose(st, o, "ana", "member.admit", "Admit Ben", admit);
    position(st, o, "ana", "p1", "consent");
    position(st, o, "ana", "p2", "consent");
    cr_assert_eq(o->state.seq, 7);

    cr_assert_eq(
        ac_store_invite_put(st, AC_STR("ben"), AC_STR("invite-code-ben"), &e),
        AC_OK);
    cr_assert_eq(ac_password_hash(AC_STR("correct horse battery"), o->phc, &e),
                 AC_OK);
    pw.member = AC_STR("ben");
    pw.phc = ac_str_c(o->phc);
    extra.passwords = &pw;
    extra.password_count = 1;
    extra.invite_taken = AC_STR("invite-code-ben");
    c.type = AC_CMD_JOIN;
    c.actor = AC_STR("ben");
    org_run(st, o, &c, &extra);
    cr_assert_eq(extra.count, 1, "commit fills the append");
    cr_assert_null(extra.texts);

    propose(st, o, "ben", "agreement.adopt", "Paint the shed",
            text_data(&o->arena, "text", "Paint it green \"soon\" \u00e9."));
    position(st, o, "ana", "p3", "concern");
    memset(&c, 0, sizeof c);
    c.type = AC_CMD_AMEND;
    c.actor = AC_STR("ben");
    c.proposal = AC_STR("p3");
    c.title = AC_STR("Paint the shed green");
    org_run(st, o, &c, NULL);

    memset(&c, 0, sizeof c);
    c.type = AC_CMD_TICK;
    c.actor = AC_STR("system");
    o->now += 30 * AC_MS_PER_DAY;
    org_run(st, o, &c, NULL);
    cr_assert_gt(o->state.seq, 11);
}

static void org_release(struct org *o)
{
    ac_arena_release(&o->arena);
}

static void verify_fails(struct ac_store *st, const char *prefix,
                         const char *why)
{
    struct ac_err e = {0};
    int64_t count = -1;
    char head[AC_HEX_LEN + 1];
    struct ac_arena a;
    struct ac_state s;

    cr_assert_eq(ac_log_verify_store(st, &count, head, &e), AC_ECORRUPT,
                 "verify found nothing (%s)", e.msg);
    cr_assert_eq(strncmp(e.msg, prefix, strlen(prefix)), 0,
                 "\"%s\" does not name %s", e.msg, prefix);
    cr_assert(strstr(e.msg, why), "\"%s\" does not say \"%s\"", e.msg, why);
    /* Loading refuses the same log the same way. */
    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    cr_assert_eq(ac_log_load(st, &s, &e), AC_ECORRUPT);
    cr_assert_eq(strncmp(e.msg, prefix, strlen(prefix)), 0, "%s", e.msg);
    ac_arena_release(&a);
}

TestSuite(log, .init = setup, .fini = teardown, .timeout = 60);

Test(log, a_committed_log_reloads_into_the_same_state)
{
    struct ac_store *st = open_store(dir, true);
    struct org o;
    struct ac_arena a;
    struct ac_state s;
    struct ac_err e = {0};
    int64_t count = 0, seq;
    char head[AC_HEX_LEN + 1], want[AC_HEX_LEN + 1];
    uint8_t stored[AC_HASH_LEN];

    org_build(st, &o);
    ac_store_close(st);
    st = open_store(dir, false);

    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    cr_assert_eq(ac_log_load(st, &s, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(s.seq, o.state.seq);
    cr_assert(memcmp(s.head, o.state.head, AC_HASH_LEN) == 0);
    cr_assert_eq(s.time, o.state.time);
    cr_assert(ac_str_eq(s.name, o.state.name));
    cr_assert_eq(s.member_count, o.state.member_count);
    for (size_t i = 0; i < s.member_count; i++) {
        cr_assert(ac_str_eq(s.members[i].id, o.state.members[i].id));
        cr_assert_eq(s.members[i].status, o.state.members[i].status);
    }
    cr_assert_eq(ac_state_member(&s, AC_STR("ben"))->status, AC_MEMBER_ACTIVE);
    cr_assert_eq(s.agreement_count, 1);
    cr_assert_eq(s.proposal_count, 3);
    for (size_t i = 0; i < s.proposal_count; i++) {
        const struct ac_proposal *p = &s.proposals[i],
                                 *q = &o.state.proposals[i];
        cr_assert(ac_str_eq(p->id, q->id));
        cr_assert(ac_str_eq(p->title, q->title));
        cr_assert(ac_val_equal(p->data, q->data));
        cr_assert_eq(p->status, q->status);
        cr_assert_eq(p->round, q->round);
        cr_assert_eq(p->version, q->version);
        cr_assert_eq(p->deadline, q->deadline);
        cr_assert(ac_str_eq(p->outcome, q->outcome));
    }
    cr_assert_str_eq(s.proposals[2].title.ptr, "Paint the shed green");

    cr_assert_eq(ac_log_verify_store(st, &count, head, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(count, o.state.seq);
    ac_hex_encode(want, o.state.head, AC_HASH_LEN);
    cr_assert_str_eq(head, want);
    cr_assert_eq(ac_store_head(st, &seq, stored, &e), AC_OK);
    cr_assert_eq(seq, count);
    cr_assert(memcmp(stored, o.state.head, AC_HASH_LEN) == 0);

    ac_arena_release(&a);
    org_release(&o);
    ac_store_close(st);
}

Test(log, commit_of_an_empty_batch_or_a_stale_state)
{
    struct ac_store *st = open_store(dir, true);
    struct org o, stale;
    struct ac_batch empty = {0};
    struct ac_err e = {0};
    struct ac_cmd c = {0};

    cr_assert_eq(ac_log_commit(st, &empty, NULL, &e), AC_OK);
    cr_assert_eq(count_rows(st), 0);

    /* Two servers founding the same empty store: the second loses. */
    org_build(st, &o);
    memset(&stale, 0, sizeof stale);
    ac_arena_init(&stale.arena, 0);
    ac_state_init(&stale.state, &stale.arena);
    cr_assert_eq(ac_exec_found(&stale.state, AC_STR("Other"), AC_STR("zed"),
                               AC_STR("Zed"), t0(), &stale.arena, &stale.batch,
                               &e),
                 AC_OK);
    cr_assert_eq(ac_log_commit(st, &stale.batch, NULL, &e), AC_ECONFLICT);
    cr_assert_eq(count_rows(st), (size_t)o.state.seq);

    /* A command against an old state conflicts as well. */
    ac_arena_release(&stale.arena);
    memset(&stale, 0, sizeof stale);
    ac_arena_init(&stale.arena, 0);
    ac_state_init(&stale.state, &stale.arena);
    cr_assert_eq(ac_log_load(st, &stale.state, &e), AC_OK, "%s", e.msg);
    stale.now = o.now;
    propose(st, &o, "ana", "agreement.adopt", "First",
            text_data(&o.arena, "text", "One."));
    c.type = AC_CMD_PROPOSE;
    c.actor = AC_STR("ana");
    c.circle = AC_STR("all");
    c.kind = AC_STR("agreement.adopt");
    c.title = AC_STR("Second");
    c.data = text_data(&stale.arena, "text", "Two.");
    cr_assert_eq(
        ac_exec(&stale.state, &c, o.now + 1, &stale.arena, &stale.batch, &e),
        AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_commit(st, &stale.batch, NULL, &e), AC_ECONFLICT);
    cr_assert_eq(count_rows(st), (size_t)o.state.seq);
    ac_arena_release(&stale.arena);
    org_release(&o);
    ac_store_close(st);
}

Test(log, an_edited_title_is_named_by_its_event)
{
    struct ac_store *st = open_store(dir, true);
    struct org o;
    org_build(st, &o);
    ac_store_close(st);
    tamper("UPDATE events SET body = replace(body, 'Admit Ben', 'Admit Bob') "
           "WHERE seq = 3");
    st = open_store(dir, false);
    verify_fails(st, "event 3:", "hash does not match its content");
    org_release(&o);
    ac_store_close(st);
}

Test(log, an_edited_hash_column_is_named)
{
    struct ac_store *st = open_store(dir, true);
    struct org o;
    org_build(st, &o);
    ac_store_close(st);
    tamper("UPDATE events SET hash = '0000000000000000000000000000000000000"
           "000000000000000000000000000' WHERE seq = 4");
    st = open_store(dir, false);
    verify_fails(st, "event 4:", "hash column");
    org_release(&o);
    ac_store_close(st);
}

Test(log, a_deleted_event_is_named_as_missing)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_err e = {0};
    struct ac_arena a;
    struct ac_val *v = NULL;
    struct ac_str want;
    struct rows r = {0};
    struct org o;
    int64_t count = -1;
    char head[AC_HEX_LEN + 1];

    org_build(st, &o);
    cr_assert_eq(ac_store_scan(st, 1, 1, collect, &r, NULL), AC_OK);
    ac_store_close(st);
    tamper("DELETE FROM events WHERE seq = 3");
    st = open_store(dir, false);
    verify_fails(st, "event 3 ", "missing");
    /* What did verify is reported: events 1 and 2. */
    cr_assert_eq(ac_log_verify_store(st, &count, head, &e), AC_ECORRUPT);
    cr_assert_eq(count, 2);
    ac_arena_init(&a, 0);
    cr_assert_eq(ac_json_parse(ac_str_c(r.text[0]), &a, &v, NULL), AC_OK);
    cr_assert(ac_val_get_str(v, "hash", &want));
    cr_assert(ac_str_eq(ac_str_c(head), want));
    ac_arena_release(&a);
    rows_free(&r);
    org_release(&o);
    ac_store_close(st);
}

Test(log, a_whole_rewritten_event_breaks_the_next_link)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_arena a;
    struct rows r = {0};
    struct ac_val *v = NULL;
    struct ac_event ev;
    struct org o;
    char *sql;
    char hex[AC_HEX_LEN + 1];
    struct ac_str text;

    org_build(st, &o);
    cr_assert_eq(ac_store_scan(st, 4, 1, collect, &r, NULL), AC_OK);
    cr_assert_eq(r.count, 1);
    /* Re-seal event 5 with another reason, hash and column included. */
    ac_arena_init(&a, 0);
    cr_assert_eq(ac_json_parse(ac_str_c(r.text[0]), &a, &v, NULL), AC_OK);
    cr_assert_eq(ac_event_decode(v, &ev, NULL), AC_OK);
    cr_assert(ac_val_set(&a, ev.data, "reason",
                         ac_val_str(&a, AC_STR("decided elsewhere"))));
    cr_assert_eq(ac_event_seal(&ev, NULL), AC_OK);
    text = mk_text(&a, &ev);
    ac_hex_encode(hex, ev.hash, AC_HASH_LEN);
    ac_store_close(st);
    sql = sqlite3_mprintf("UPDATE events SET body = %Q, hash = %Q "
                          "WHERE seq = 5",
                          text.ptr, hex);
    tamper(sql);
    sqlite3_free(sql);
    st = open_store(dir, false);
    verify_fails(st, "event 6:", "prev does not match the hash of event 5");
    rows_free(&r);
    ac_arena_release(&a);
    org_release(&o);
    ac_store_close(st);
}

Test(log, non_canonical_text_is_named_even_when_the_hash_holds)
{
    struct ac_store *st = open_store(dir, true);
    struct org o;
    org_build(st, &o);
    ac_store_close(st);
    tamper("UPDATE events SET body = replace(body, '{\"actor\"', "
           "'{ \"actor\"') WHERE seq = 2");
    st = open_store(dir, false);
    verify_fails(st, "event 2:", "canonical");
    org_release(&o);
    ac_store_close(st);
}

Test(log, an_impossible_event_is_caught_by_the_replay)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_arena a;
    struct ac_store_append w = {0};
    struct ac_event ev;
    struct ac_str text;
    struct ac_err e = {0};
    struct org o;
    char prefix[32];
    char head[AC_HEX_LEN + 1], want[AC_HEX_LEN + 1];
    int64_t count = -1;

    org_build(st, &o);
    /* Well sealed and linked, but p9 does not exist. */
    ac_arena_init(&a, 0);
    memset(&ev, 0, sizeof ev);
    ev.seq = o.state.seq + 1;
    ev.time = o.now;
    ev.actor = AC_STR("ben");
    ev.type = AC_STR("proposal.withdrawn");
    ev.data = text_data(&a, "proposal", "p9");
    memcpy(ev.prev, o.state.head, AC_HASH_LEN);
    cr_assert_eq(ac_event_seal(&ev, NULL), AC_OK);
    text = mk_text(&a, &ev);
    w.events = &ev;
    w.texts = &text;
    w.count = 1;
    cr_assert_eq(ac_store_append(st, &w, o.state.seq, o.state.head, &e), AC_OK,
                 "%s", e.msg);
    snprintf(prefix, sizeof prefix, "event %ld ", (long)ev.seq);
    verify_fails(st, prefix, "proposal.withdrawn");
    /* Only the events before it count as verified. */
    cr_assert_eq(ac_log_verify_store(st, &count, head, &e), AC_ECORRUPT);
    cr_assert_eq(count, o.state.seq);
    ac_hex_encode(want, o.state.head, AC_HASH_LEN);
    cr_assert_str_eq(head, want);
    ac_arena_release(&a);
    org_release(&o);
    ac_store_close(st);
}

/* ---- export and verification of a file ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void spit(const char *path, const char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(buf, 1, len, f), len);
    fclose(f);
}

static enum ac_status verify_path(const char *path, int64_t *count,
                                  char head[AC_HEX_LEN + 1], struct ac_err *err)
{
    FILE *f = fopen(path, "rb");
    enum ac_status rs;
    cr_assert_not_null(f);
    rs = ac_log_verify_file(f, count, head, err);
    fclose(f);
    return rs;
}

static char *export_to(struct ac_store *st, const char *name)
{
    char *path = t_fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    struct ac_err e = {0};
    cr_assert_not_null(f);
    cr_assert_eq(ac_log_export(st, f, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(fclose(f), 0);
    return path;
}

Test(log, the_export_verifies_and_holds_no_secrets)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_err e = {0};
    struct org o;
    struct rows r = {0};
    char token[AC_TOKEN_LEN + 1], token_hash[65];
    char head[AC_HEX_LEN + 1], want[AC_HEX_LEN + 1];
    char *path, *text, *p;
    size_t len, lines = 0;
    int64_t count = 0;

    org_build(st, &o);
    ac_token_new(token);
    ac_token_hash(token_hash, ac_str_c(token));
    cr_assert_eq(ac_store_session_put(st, ac_str_c(token_hash), AC_STR("ben"),
                                      o.now + AC_MS_PER_DAY, &e),
                 AC_OK);
    cr_assert_eq(
        ac_store_invite_put(st, AC_STR("cat"), AC_STR("invite-code-cat"), &e),
        AC_OK);
    path = export_to(st, "org.jsonl");
    text = slurp(path, &len);

    cr_assert_null(strstr(text, o.phc), "a password hash was exported");
    cr_assert_null(strstr(text, "$argon2id$"));
    cr_assert_null(strstr(text, token_hash), "a token hash was exported");
    cr_assert_null(strstr(text, token));
    cr_assert_null(strstr(text, "invite-code"), "an invite code was exported");

    /* Exactly the stored bodies, one per line. */
    cr_assert_eq(ac_store_scan(st, 0, -1, collect, &r, &e), AC_OK);
    p = text;
    for (size_t i = 0; i < r.count; i++) {
        size_t n = strlen(r.text[i]);
        cr_assert_eq(strncmp(p, r.text[i], n), 0, "line %zu", i + 1);
        cr_assert_eq(p[n], '\n');
        p += n + 1;
        lines++;
    }
    cr_assert_eq(*p, '\0');
    cr_assert_eq(lines, (size_t)o.state.seq);

    cr_assert_eq(verify_path(path, &count, head, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(count, o.state.seq);
    ac_hex_encode(want, o.state.head, AC_HASH_LEN);
    cr_assert_str_eq(head, want);

    rows_free(&r);
    free(text);
    free(path);
    org_release(&o);
    ac_store_close(st);
}

Test(log, one_changed_byte_in_an_export_is_named_by_its_event)
{
    struct ac_store *st = open_store(dir, true);
    struct org o;
    char *path, *bad, *text;
    size_t len;

    org_build(st, &o);
    path = export_to(st, "org.jsonl");
    bad = t_fmt("%s/bad.jsonl", dir);
    text = slurp(path, &len);
    /* Every line, at a few places along it: whatever the byte (a digit,
     * a hash, a key, a quote), verification names that line's event. */
    for (size_t start = 0, line = 1; start < len; line++) {
        size_t end = start;
        while (text[end] != '\n') {
            end++;
        }
        for (int k = 1; k <= 4; k++) {
            size_t at = start + (end - start) * (size_t)k / 5;
            char saved = text[at];
            char head[AC_HEX_LEN + 1], want[16];
            struct ac_err e = {0};
            int64_t count = -1;
            text[at] = saved == 'x' ? 'y' : 'x';
            spit(bad, text, len);
            text[at] = saved;
            cr_assert_eq(verify_path(bad, &count, head, &e), AC_ECORRUPT,
                         "line %zu byte %zu: %s", line, at - start, e.msg);
            snprintf(want, sizeof want, "event %zu", line);
            cr_assert_eq(strncmp(e.msg, want, strlen(want)), 0,
                         "line %zu byte %zu: \"%s\"", line, at - start, e.msg);
            cr_assert(!ac_ascii_isdigit(e.msg[strlen(want)]), "%s", e.msg);
            cr_assert_eq(count, (int64_t)line - 1);
        }
        start = end + 1;
    }
    /* The example from the operators' guide: a title changed. */
    {
        char *at = strstr(text, "Admit Ben");
        struct ac_err e = {0};
        char head[AC_HEX_LEN + 1];
        int64_t count;
        cr_assert_not_null(at);
        at[7] = 'X';
        spit(bad, text, len);
        cr_assert_eq(verify_path(bad, &count, head, &e), AC_ECORRUPT);
        cr_assert_str_eq(e.msg, "event 3: hash does not match its content");
    }
    free(text);
    free(bad);
    free(path);
    org_release(&o);
    ac_store_close(st);
}

Test(log, file_lines_blank_missing_and_reordered)
{
    struct ac_store *st = open_store(dir, true);
    struct org o;
    struct ac_err e = {0};
    char *path, *bad, *text, *edited;
    char head[AC_HEX_LEN + 1];
    size_t len, l1, l2, l3;
    int64_t count;

    org_build(st, &o);
    path = export_to(st, "org.jsonl");
    bad = t_fmt("%s/bad.jsonl", dir);
    text = slurp(path, &len);
    l1 = (size_t)(strchr(text, '\n') - text) + 1;
    l2 = (size_t)(strchr(text + l1, '\n') - text) + 1;
    l3 = (size_t)(strchr(text + l2, '\n') - text) + 1;

    /* Trailing blank lines and a missing final newline are fine. */
    edited = t_fmt("%s\n\n", text);
    spit(bad, edited, strlen(edited));
    cr_assert_eq(verify_path(bad, &count, head, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(count, o.state.seq);
    free(edited);
    spit(bad, text, len - 1);
    cr_assert_eq(verify_path(bad, &count, head, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(count, o.state.seq);

    /* A blank line inside is not. */
    edited = t_fmt("%.*s\n%s", (int)l2, text, text + l2);
    spit(bad, edited, strlen(edited));
    cr_assert_eq(verify_path(bad, &count, head, &e), AC_ECORRUPT);
    cr_assert_str_eq(e.msg, "event 3: line 3 is blank");
    free(edited);

    /* Line 3 left out. */
    edited = t_fmt("%.*s%s", (int)l2, text, text + l3);
    spit(bad, edited, strlen(edited));
    cr_assert_eq(verify_path(bad, &count, head, &e), AC_ECORRUPT);
    cr_assert_eq(strncmp(e.msg, "event 3 is missing", 18), 0, "%s", e.msg);
    cr_assert_eq(count, 2);
    free(edited);

    /* Line 2 repeated. */
    edited = t_fmt("%.*s%.*s%s", (int)l2, text, (int)(l2 - l1), text + l1,
                   text + l2);
    spit(bad, edited, strlen(edited));
    cr_assert_eq(verify_path(bad, &count, head, &e), AC_ECORRUPT);
    cr_assert_eq(strncmp(e.msg, "event 3:", 8), 0, "%s", e.msg);
    free(edited);

    /* An empty file is no log: every log begins with org.founded. */
    spit(bad, "", 0);
    cr_assert_eq(verify_path(bad, &count, head, &e), AC_ECORRUPT);
    cr_assert(strstr(e.msg, "no events"), "%s", e.msg);
    cr_assert_eq(count, 0);
    cr_assert_str_eq(head, "00000000000000000000000000000000"
                           "00000000000000000000000000000000");
    free(text);
    free(bad);
    free(path);
    org_release(&o);
    ac_store_close(st);
}

Test(log, a_line_of_several_megabytes_is_read_whole)
{
    struct ac_arena a;
    struct ac_event ev;
    struct ac_buf b;
    struct ac_err e = {0};
    char *big, *path = t_fmt("%s/big.jsonl", dir);
    char head[AC_HEX_LEN + 1];
    size_t n = (size_t)5 << 20;
    int64_t count;
    FILE *f;

    ac_arena_init(&a, 0);
    big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    memset(&ev, 0, sizeof ev);
    ev.seq = 1;
    ev.time = t0();
    ev.actor = AC_STR("operator");
    ev.type = AC_STR("test.big");
    ev.data = text_data(&a, "blob", big);
    cr_assert_eq(ac_event_seal(&ev, NULL), AC_OK);
    ac_buf_init(&b, 0);
    cr_assert_eq(ac_event_encode(&ev, true, &b, NULL), AC_OK);
    f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(b.ptr, 1, b.len, f);
    fputc('\n', f);
    fclose(f);
    /* Hash and form verify; only the replay refuses the unknown type. */
    cr_assert_eq(verify_path(path, &count, head, &e), AC_ECORRUPT);
    cr_assert_eq(strncmp(e.msg, "event 1 (test.big)", 18), 0, "%s", e.msg);
    ac_buf_release(&b);
    free(big);
    free(path);
    ac_arena_release(&a);
}

/* A store that was created but never founded verifies as no log. */
Test(log, an_empty_store_does_not_verify)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_err e;
    int64_t count = -1;
    char head[AC_HEX_LEN + 1];
    cr_assert_eq(ac_log_verify_store(st, &count, head, &e), AC_ECORRUPT);
    cr_assert(strstr(e.msg, "no events"), "%s", e.msg);
    cr_assert_eq(count, 0);
    ac_store_close(st);
}

struct sealed_rows {
    char text[8][128];
    size_t count;
};

static enum ac_status collect_sealed(void *ctx,
                                     const struct ac_store_sealed *row)
{
    struct sealed_rows *r = ctx;
    cr_assert_lt(r->count, 8);
    snprintf(r->text[r->count++], sizeof r->text[0], "%.*s/%.*s/%lld/%.*s",
             (int)row->proposal.len, row->proposal.ptr, (int)row->member.len,
             row->member.ptr, (long long)row->round, (int)row->content.len,
             row->content.ptr);
    return AC_OK;
}

/* Secret answers are kept with the append that logs their vote.cast,
 * replaced per member, dropped with their proposal, and survive a
 * reopen; a store made before the table existed gains it. */
Test(store, sealed_answers_live_and_die_with_appends)
{
    struct ac_arena a;
    struct ac_store *st;
    struct tbatch b;
    struct ac_err e = {0};
    struct ac_store_append w = {0};
    struct ac_store_sealed rows[2] = {
        {AC_STR("p1"), 1, AC_STR("alice"), AC_STR("{\"position\":\"yes\"}")},
        {AC_STR("p1"), 1, AC_STR("bob"), AC_STR("{\"position\":\"no\"}")},
    };
    struct ac_str gone = AC_STR("p1");
    struct sealed_rows seen = {0};
    uint8_t head[AC_HASH_LEN];
    int64_t seq;

    ac_arena_init(&a, 0);
    st = open_store(dir, true);
    ac_store_close(st);
    {
        /* as a store made before the table existed */
        char *none = t_sql(dir, "DROP TABLE sealed", NULL);
        cr_assert_not_null(none);
        free(none);
    }
    st = open_store(dir, false); /* an older store gains the table */
    cr_assert_eq(ac_store_head(st, &seq, head, &e), AC_OK);
    tb_build(&a, &b, seq, head, 1, "votes");
    w.events = b.ev;
    w.texts = b.text;
    w.count = b.count;
    w.sealed = rows;
    w.sealed_count = 2;
    cr_assert_eq(ac_store_append(st, &w, seq, head, &e), AC_OK, "%s", e.msg);
    ac_store_close(st);
    st = open_store(dir, false);
    cr_assert_eq(ac_store_sealed_scan(st, collect_sealed, &seen, &e), AC_OK);
    cr_assert_eq(seen.count, 2);
    cr_assert_str_eq(seen.text[0], "p1/alice/1/{\"position\":\"yes\"}");
    cr_assert_str_eq(seen.text[1], "p1/bob/1/{\"position\":\"no\"}");

    /* bob changes his vote; then the close drops them all */
    rows[1].content = AC_STR("{\"position\":\"abstain\"}");
    cr_assert_eq(ac_store_head(st, &seq, head, &e), AC_OK);
    tb_build(&a, &b, seq, head, 1, "change");
    w.events = b.ev;
    w.texts = b.text;
    w.sealed = &rows[1];
    w.sealed_count = 1;
    cr_assert_eq(ac_store_append(st, &w, seq, head, &e), AC_OK, "%s", e.msg);
    seen.count = 0;
    cr_assert_eq(ac_store_sealed_scan(st, collect_sealed, &seen, &e), AC_OK);
    cr_assert_eq(seen.count, 2);
    cr_assert_str_eq(seen.text[1], "p1/bob/1/{\"position\":\"abstain\"}");
    cr_assert_eq(ac_store_head(st, &seq, head, &e), AC_OK);
    tb_build(&a, &b, seq, head, 1, "close");
    w.events = b.ev;
    w.texts = b.text;
    w.sealed = NULL;
    w.sealed_count = 0;
    w.unseal = &gone;
    w.unseal_count = 1;
    cr_assert_eq(ac_store_append(st, &w, seq, head, &e), AC_OK, "%s", e.msg);
    seen.count = 0;
    cr_assert_eq(ac_store_sealed_scan(st, collect_sealed, &seen, &e), AC_OK);
    cr_assert_eq(seen.count, 0);
    ac_store_close(st);
    ac_arena_release(&a);
}

struct notify_rows {
    int count;
    char member[4][32];
    char settings[4][128];
};

static enum ac_status collect_notify(void *ctx, struct ac_str member,
                                     struct ac_str settings)
{
    struct notify_rows *r = ctx;
    cr_assert_lt(r->count, 4);
    snprintf(r->member[r->count], 32, "%.*s", (int)member.len, member.ptr);
    snprintf(r->settings[r->count], 128, "%.*s", (int)settings.len,
             settings.ptr);
    r->count++;
    return AC_OK;
}

/* Notification settings: one document per member, replaced by the next
 * put, read back in member order, in older stores too, and refused when
 * over the size limit. */
Test(store, notification_settings_are_kept_per_member)
{
    struct ac_store *st = open_store(dir, true);
    struct ac_err e = {0};
    struct notify_rows seen = {0};
    static char big[65538];
    ac_store_close(st);
    {
        char *none = t_sql(dir, "DROP TABLE notify", NULL);
        cr_assert_not_null(none);
        free(none);
    }
    st = open_store(dir, false); /* an older store gains the table */
    cr_assert_eq(ac_store_notify_put(st, AC_STR("carol"),
                                     AC_STR("{\"digest\":true}"), &e),
                 AC_OK, "%s", e.msg);
    cr_assert_eq(ac_store_notify_put(st, AC_STR("alice"), AC_STR("{}"), &e),
                 AC_OK, "%s", e.msg);
    cr_assert_eq(ac_store_notify_put(st, AC_STR("carol"),
                                     AC_STR("{\"digest\":false}"), &e),
                 AC_OK, "%s", e.msg);
    memset(big, 'x', sizeof big - 1);
    cr_assert_eq(ac_store_notify_put(st, AC_STR("bob"), ac_str_c(big), &e),
                 AC_EINVAL);
    cr_assert(strstr(e.msg, "longer than"), "%s", e.msg);
    cr_assert_eq(ac_store_notify_scan(st, collect_notify, &seen, &e), AC_OK,
                 "%s", e.msg);
    cr_assert_eq(seen.count, 2);
    cr_assert_str_eq(seen.member[0], "alice");
    cr_assert_str_eq(seen.member[1], "carol");
    cr_assert_str_eq(seen.settings[1], "{\"digest\":false}");
    ac_store_close(st);
}
