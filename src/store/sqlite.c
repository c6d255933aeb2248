/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The SQLite backend: DIR/accord.db in WAL mode with synchronous=FULL, so
 * a write is acknowledged only once it is durable (DESIGN.md section 7).
 *
 * Invariants:
 * - every write goes through the one write connection, under write_mu;
 *   an append is one BEGIN IMMEDIATE transaction that checks the head
 *   first, so writers in this process and in others are serialised on
 *   the chain head and a failed append keeps nothing;
 * - reads borrow a connection from a small pool, or an extra one while
 *   all are lent, so a long scan (export, verify) blocks neither the
 *   writer nor other readers and never waits; in WAL mode each read
 *   statement sees one committed snapshot;
 * - a connection is used by one thread at a time (hence NOMUTEX), caches
 *   its prepared statements, and every statement is reset after use so
 *   no connection keeps a read transaction (and an old snapshot) open;
 * - the folder is created 0700 and the database file 0600 before SQLite
 *   opens it, and SQLite gives the -wal and -shm files the same mode. */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DB_FILE "accord.db"
#define SCHEMA_VERSION 1
#define READERS 4    /* read connections, opened on demand */
#define BUSY_MS 5000 /* wait for other processes' locks */

enum query {
    Q_BEGIN,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_HEAD,
    Q_EVENT_INSERT,
    Q_SCAN,
    Q_PASSWORD_SET,
    Q_PASSWORD_GET,
    Q_SESSION_PUT,
    Q_SESSION_GET,
    Q_SESSION_DELETE,
    Q_INVITE_PUT,
    Q_INVITE_GET,
    Q_INVITE_FIND,
    Q_INVITE_TAKE,
    Q_SEALED_PUT,
    Q_SEALED_DROP,
    Q_SEALED_SCAN,
    Q_NOTIFY_PUT,
    Q_NOTIFY_SCAN,
    Q_COUNT
};

static const char *const queries[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_HEAD] = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
    [Q_EVENT_INSERT] = "INSERT INTO events(seq, hash, body) "
                       "VALUES(?1, ?2, ?3)",
    [Q_SCAN] = "SELECT seq, hash, body FROM events WHERE seq > ?1 "
               "ORDER BY seq LIMIT ?2",
    [Q_PASSWORD_SET] = "INSERT INTO passwords(member, phc) VALUES(?1, ?2) "
                       "ON CONFLICT(member) DO UPDATE SET phc = excluded.phc",
    [Q_PASSWORD_GET] = "SELECT phc FROM passwords WHERE member = ?1",
    [Q_SESSION_PUT] = "INSERT INTO sessions(token_hash, member, expires) "
                      "VALUES(?1, ?2, ?3) ON CONFLICT(token_hash) DO UPDATE "
                      "SET member = excluded.member, "
                      "expires = excluded.expires",
    [Q_SESSION_GET] = "SELECT member, expires FROM sessions "
                      "WHERE token_hash = ?1 AND expires > ?2",
    [Q_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
    [Q_INVITE_PUT] = "INSERT INTO invites(member, code) VALUES(?1, ?2) "
                     "ON CONFLICT(member) DO NOTHING",
    [Q_INVITE_GET] = "SELECT code FROM invites WHERE member = ?1",
    [Q_INVITE_FIND] = "SELECT member FROM invites WHERE code = ?1",
    [Q_INVITE_TAKE] = "DELETE FROM invites WHERE code = ?1",
    [Q_SEALED_PUT] = "INSERT INTO sealed(proposal, member, round, content) "
                     "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(proposal, member) "
                     "DO UPDATE SET round = excluded.round, "
                     "content = excluded.content",
    [Q_SEALED_DROP] = "DELETE FROM sealed WHERE proposal = ?1",
    [Q_SEALED_SCAN] = "SELECT proposal, member, round, content FROM sealed "
                      "ORDER BY proposal, member",
    [Q_NOTIFY_PUT] = "INSERT INTO notify(member, settings) VALUES(?1, ?2) "
                     "ON CONFLICT(member) DO UPDATE SET "
                     "settings = excluded.settings",
    [Q_NOTIFY_SCAN] = "SELECT member, settings FROM notify ORDER BY member",
};

/* Secret answers until their round closes; added to stores of schema 1
 * that predate it. */
static const char sealed_table[] =
    "CREATE TABLE IF NOT EXISTS sealed(proposal TEXT NOT NULL, "
    "member TEXT NOT NULL, round INTEGER NOT NULL, content TEXT NOT NULL, "
    "PRIMARY KEY(proposal, member));"
    /* notification settings and delivery state, one JSON per member */
    "CREATE TABLE IF NOT EXISTS notify(member TEXT PRIMARY KEY, "
    "settings TEXT NOT NULL);";

/* The events table is pinned (tests and operators rely on it): body is
 * the event's canonical JSON with its hash, exactly the exported line. */
static const char schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, "
    "body TEXT NOT NULL);"
    "CREATE TABLE passwords(member TEXT PRIMARY KEY, phc TEXT NOT NULL);"
    "CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, "
    "member TEXT NOT NULL, expires INTEGER NOT NULL);"
    "CREATE TABLE invites(member TEXT PRIMARY KEY, "
    "code TEXT NOT NULL UNIQUE);"
    "INSERT INTO meta(key, value) VALUES('schema_version', '1');";

struct conn {
    sqlite3 *db;                 /* NULL until opened */
    sqlite3_stmt *stmt[Q_COUNT]; /* prepared on first use; owned */
    bool busy;                   /* readers: lent to a thread (pool_mu) */
    bool extra;                  /* beyond the pool: freed on return */
};

struct sq {
    struct ac_store base;     /* first: the front casts to it */
    char *path;               /* DIR/accord.db; owned */
    pthread_mutex_t write_mu; /* guards writer and begun */
    struct conn writer;
    bool begun;              /* ac_store_write_begin holds the lock */
    pthread_t owner;         /* the thread that began it (holds write_mu) */
    pthread_mutex_t pool_mu; /* guards readers[].busy */
    struct conn readers[READERS];
};

static struct sq *sq_of(struct ac_store *st)
{
    return (struct sq *)st;
}

/* ---- errors ---- */

static enum ac_status status_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return AC_ENOMEM;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return AC_ECORRUPT;
    default:
        return AC_EIO;
    }
}

/* Reports an SQLite failure as "what: why", taking why from the
 * connection while it still describes this failure. A full disk is named
 * as such: SQLite reports ENOSPC on a write as SQLITE_FULL, but as an I/O
 * error when the shared-memory index cannot grow. Other I/O errors carry
 * the system's reason, which SQLite's "disk I/O error" leaves out. */
static enum ac_status fail(sqlite3 *db, int rc, const char *what,
                           struct ac_err *err)
{
    int sys = db ? sqlite3_system_errno(db) : 0;
    const char *why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

    if ((rc & 0xff) == SQLITE_FULL ||
        ((rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT))) {
        return ac_err_set(err, AC_EIO, "%s: the disk is full", what);
    }
    if ((rc & 0xff) == SQLITE_IOERR && sys != 0) {
        return ac_err_set(err, AC_EIO, "%s: %s (%s)", what, why, strerror(sys));
    }
    return ac_err_set(err, status_of(rc), "%s: %s", what, why);
}

/* ---- statements ---- */

static enum ac_status prep(struct conn *c, enum query q, sqlite3_stmt **out,
                           struct ac_err *err)
{
    if (!c->stmt[q]) {
        int rc =
            sqlite3_prepare_v3(c->db, queries[q], -1, SQLITE_PREPARE_PERSISTENT,
                               &c->stmt[q], NULL);
        if (rc != SQLITE_OK) {
            c->stmt[q] = NULL;
            return fail(c->db, rc, "cannot prepare a database query", err);
        }
    }
    *out = c->stmt[q];
    return AC_OK;
}

/* Reset and unbind, so the statement holds no snapshot and no pointer to
 * the caller's (possibly secret) strings. */
static void done(sqlite3_stmt *s)
{
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
}

static int bind_str(sqlite3_stmt *s, int i, struct ac_str v)
{
    return sqlite3_bind_text64(s, i, v.ptr ? v.ptr : "", v.len, SQLITE_STATIC,
                               SQLITE_UTF8);
}

/* Runs a statement without result rows (BEGIN, COMMIT, ...). */
static enum ac_status run(struct conn *c, enum query q, const char *what,
                          struct ac_err *err)
{
    sqlite3_stmt *s = NULL;
    enum ac_status st = prep(c, q, &s, err);
    int rc;
    if (st != AC_OK) {
        return st;
    }
    rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        st = fail(c->db, rc, what, err);
    }
    done(s);
    return st;
}

/* Copies a text column into a caller buffer, NUL-terminated. */
static enum ac_status column_copy(sqlite3_stmt *s, int col, char *out,
                                  size_t size, const char *what,
                                  struct ac_err *err)
{
    const unsigned char *p = sqlite3_column_text(s, col);
    size_t n = (size_t)sqlite3_column_bytes(s, col);
    if (!p) {
        return ac_err_set(err, AC_ENOMEM, "cannot read the %s: out of memory",
                          what);
    }
    if (n >= size) {
        return ac_err_set(err, AC_ELIMIT, "stored %s is longer than %zu bytes",
                          what, size - 1);
    }
    memcpy(out, p, n);
    out[n] = '\0';
    return AC_OK;
}

/* ---- connections ---- */

static void conn_close(struct conn *c)
{
    for (size_t i = 0; i < Q_COUNT; i++) {
        sqlite3_finalize(c->stmt[i]);
        c->stmt[i] = NULL;
    }
    sqlite3_close(c->db);
    c->db = NULL;
}

static enum ac_status conn_exec(struct conn *c, const char *sql,
                                const char *what, struct ac_err *err)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? AC_OK : fail(c->db, rc, what, err);
}

static enum ac_status conn_open(struct conn *c, const char *path,
                                struct ac_err *err)
{
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                                 SQLITE_OPEN_NOFOLLOW,
                             NULL);
    if (rc != SQLITE_OK) {
        enum ac_status st = fail(c->db, rc, "cannot open the database", err);
        conn_close(c);
        return st;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, BUSY_MS);
    return AC_OK;
}

/* The single value of a pragma that answers with one row. */
static enum ac_status pragma_text(struct conn *c, const char *sql, char *out,
                                  size_t size, struct ac_err *err)
{
    sqlite3_stmt *s = NULL;
    enum ac_status st = AC_OK;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
    }
    if (rc == SQLITE_ROW) {
        st = column_copy(s, 0, out, size, "journal mode", err);
    } else {
        st = fail(c->db, rc, "cannot configure the database", err);
    }
    sqlite3_finalize(s);
    return st;
}

/* Creates the schema in an empty database, or checks its version. */
static enum ac_status ensure_schema(struct conn *c, const char *path,
                                    struct ac_err *err)
{
    sqlite3_stmt *s = NULL;
    enum ac_status st = run(c, Q_BEGIN, "cannot read the schema", err);
    int rc, tables = 0, has_meta = 0;
    int64_t version = 0;

    if (st != AC_OK) {
        return st;
    }
    rc = sqlite3_prepare_v2(c->db,
                            "SELECT count(*), count(*) FILTER (WHERE name = "
                            "'meta') FROM sqlite_schema WHERE type = 'table'",
                            -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        tables = sqlite3_column_int(s, 0);
        has_meta = sqlite3_column_int(s, 1);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc != SQLITE_OK) {
        st = fail(c->db, rc, "cannot read the schema", err);
        goto out;
    }
    if (tables == 0) {
        st = conn_exec(c, schema, "cannot create the schema", err);
        if (st == AC_OK) {
            st = conn_exec(c, sealed_table, "cannot create the schema", err);
        }
        if (st == AC_OK) {
            st = run(c, Q_COMMIT, "cannot create the schema", err);
        }
        goto out;
    }
    if (!has_meta) {
        st =
            ac_err_set(err, AC_ECORRUPT, "\"%s\" is not an accord store", path);
        goto out;
    }
    rc = sqlite3_prepare_v2(c->db,
                            "SELECT value FROM meta WHERE key = "
                            "'schema_version'",
                            -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        version = sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK) {
        st = fail(c->db, rc, "cannot read the schema version", err);
    } else if (version > SCHEMA_VERSION) {
        st = ac_err_set(err, AC_EINVAL,
                        "store schema version %" PRId64
                        " is newer than this accord's (%d)",
                        version, SCHEMA_VERSION);
    } else if (version != SCHEMA_VERSION) {
        st = ac_err_set(err, AC_ECORRUPT, "store has no valid schema version");
    } else {
        st = conn_exec(c, sealed_table, "cannot add the sealed table", err);
        if (st == AC_OK) {
            st = run(c, Q_COMMIT, "cannot read the schema", err);
        }
    }
out:
    if (!sqlite3_get_autocommit(c->db)) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return st;
}

static enum ac_status writer_open(struct sq *s, struct ac_err *err)
{
    struct conn *c = &s->writer;
    char mode[16];
    enum ac_status st = conn_open(c, s->path, err);

    if (st != AC_OK) {
        return st;
    }
    sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    st = pragma_text(c, "PRAGMA journal_mode=WAL", mode, sizeof mode, err);
    if (st == AC_OK && strcmp(mode, "wal") != 0) {
        st = ac_err_set(err, AC_EIO,
                        "cannot switch the database to WAL mode (it is in "
                        "\"%s\" mode)",
                        mode);
    }
    if (st == AC_OK) {
        st = conn_exec(c, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON",
                       "cannot configure the database", err);
    }
    if (st == AC_OK) {
        st = ensure_schema(c, s->path, err);
    }
    return st;
}

static void reader_give(struct sq *s, struct conn *c)
{
    if (c->extra) {
        conn_close(c);
        free(c);
        return;
    }
    pthread_mutex_lock(&s->pool_mu);
    c->busy = false;
    pthread_mutex_unlock(&s->pool_mu);
}

/* Lends a read connection: an idle pooled one, else a pooled slot not
 * yet opened, else an extra connection closed again on return. Never
 * waiting means a scan callback may read the store too. */
static enum ac_status reader_take(struct sq *s, struct conn **out,
                                  struct ac_err *err)
{
    struct conn *c = NULL, *fresh = NULL;
    enum ac_status st;

    *out = NULL;
    pthread_mutex_lock(&s->pool_mu);
    for (size_t i = 0; i < READERS && !c; i++) {
        struct conn *r = &s->readers[i];
        if (!r->busy && r->db) {
            c = r;
        } else if (!r->busy && !fresh) {
            fresh = r;
        }
    }
    c = c ? c : fresh;
    if (c) {
        c->busy = true;
    }
    pthread_mutex_unlock(&s->pool_mu);
    if (c && c->db) {
        *out = c;
        return AC_OK;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) {
            return ac_err_set(err, AC_ENOMEM, "out of memory");
        }
        c->extra = true;
    }
    /* The slot is reserved (busy), so it is opened outside the lock. */
    st = conn_open(c, s->path, err);
    if (st == AC_OK) {
        st = conn_exec(c, "PRAGMA query_only=ON",
                       "cannot configure the database", err);
    }
    if (st != AC_OK) {
        conn_close(c);
        reader_give(s, c);
        return st;
    }
    *out = c;
    return AC_OK;
}

/* ---- open and close ---- */

/* mkdir -p, each created folder 0700. */
static enum ac_status make_dirs(const char *dir, struct ac_err *err)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    enum ac_status st = AC_OK;

    if (!p) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n && st == AC_OK; i++) {
        if (p[i] != '/' && p[i] != '\0') {
            continue;
        }
        p[i] = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            st = ac_err_set(err, AC_EIO, "cannot create folder \"%s\": %s", p,
                            strerror(errno));
        }
        p[i] = dir[i];
    }
    free(p);
    return st;
}

/* Finds DIR/accord.db, creating the folder and an empty 0600 file when
 * asked to; SQLite takes an empty file as an empty database. */
static enum ac_status locate(const char *dir, const char *path, bool create,
                             struct ac_err *err)
{
    struct stat sb;
    int fd;

    if (stat(path, &sb) == 0) {
        if (!S_ISREG(sb.st_mode)) {
            return ac_err_set(err, AC_EINVAL, "\"%s\" is not a file", path);
        }
        return AC_OK;
    }
    if (errno != ENOENT && errno != ENOTDIR) {
        return ac_err_set(err, AC_EIO, "cannot open \"%s\": %s", path,
                          strerror(errno));
    }
    if (!create) {
        return ac_err_set(err, AC_ENOTFOUND, "no accord store in \"%s\"", dir);
    }
    if (make_dirs(dir, err) != AC_OK) {
        return err ? err->code : AC_EIO;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno != EEXIST) {
        return ac_err_set(err, AC_EIO, "cannot create \"%s\": %s", path,
                          strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    return AC_OK;
}

static void sq_close(struct ac_store *st)
{
    struct sq *s = sq_of(st);
    for (size_t i = 0; i < READERS; i++) {
        conn_close(&s->readers[i]);
    }
    /* The writer closes last: the last connection checkpoints the WAL. */
    conn_close(&s->writer);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_mutex_destroy(&s->write_mu);
    free(s->path);
    free(s);
}

static enum ac_status sq_open(const char *location, bool create,
                              struct ac_store **out, struct ac_err *err)
{
    size_t n = strlen(location);
    struct sq *s;
    enum ac_status st;

    if (!sqlite3_threadsafe()) {
        return ac_err_set(err, AC_EINVAL,
                          "the SQLite library was built without threads");
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    s->base.ops = &ac_store_sqlite_ops;
    pthread_mutex_init(&s->write_mu, NULL);
    pthread_mutex_init(&s->pool_mu, NULL);
    s->path = malloc(n + sizeof "/" DB_FILE);
    if (!s->path) {
        sq_close(&s->base);
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    memcpy(s->path, location, n);
    memcpy(s->path + n, "/" DB_FILE, sizeof "/" DB_FILE);
    st = locate(location, s->path, create, err);
    if (st == AC_OK) {
        st = writer_open(s, err);
    }
    if (st != AC_OK) {
        sq_close(&s->base);
        return st;
    }
    *out = &s->base;
    return AC_OK;
}

/* ---- the log ---- */

/* Reads the head with c's statement (the caller holds c). */
static enum ac_status read_head(struct conn *c, int64_t *seq,
                                uint8_t hash[AC_HASH_LEN], struct ac_err *err)
{
    sqlite3_stmt *s;
    enum ac_status st = prep(c, Q_HEAD, &s, err);
    int rc;

    *seq = 0;
    memset(hash, 0, AC_HASH_LEN);
    if (st != AC_OK) {
        return st;
    }
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *hex = (const char *)sqlite3_column_text(s, 1);
        int len = sqlite3_column_bytes(s, 1);
        *seq = sqlite3_column_int64(s, 0);
        if (!hex || !ac_hex_decode(hash, AC_HASH_LEN,
                                   (struct ac_str){hex, (size_t)len})) {
            st =
                ac_err_set(err, AC_ECORRUPT,
                           "event %" PRId64 ": stored hash is malformed", *seq);
        }
    } else if (rc != SQLITE_DONE) {
        st = fail(c->db, rc, "cannot read the log head", err);
    }
    done(s);
    return st;
}

static enum ac_status sq_head(struct ac_store *st, int64_t *seq,
                              uint8_t hash[AC_HASH_LEN], struct ac_err *err)
{
    struct sq *s = sq_of(st);
    struct conn *c;
    enum ac_status rs = reader_take(s, &c, err);
    if (rs != AC_OK) {
        return rs;
    }
    rs = read_head(c, seq, hash, err);
    reader_give(s, c);
    return rs;
}

static enum ac_status insert_event(struct conn *c, const struct ac_event *ev,
                                   struct ac_str text, struct ac_err *err)
{
    char hex[AC_HEX_LEN + 1];
    char what[64];
    sqlite3_stmt *s;
    enum ac_status st = prep(c, Q_EVENT_INSERT, &s, err);
    int rc;

    if (st != AC_OK) {
        return st;
    }
    ac_hex_encode(hex, ev->hash, AC_HASH_LEN);
    rc = sqlite3_bind_int64(s, 1, ev->seq);
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_text(s, 2, hex, AC_HEX_LEN, SQLITE_STATIC);
    }
    if (rc == SQLITE_OK) {
        rc = bind_str(s, 3, text);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE) {
        snprintf(what, sizeof what, "cannot store event %" PRId64, ev->seq);
        st = fail(c->db, rc, what, err);
    }
    done(s);
    return st;
}

static enum ac_status set_password(struct conn *c, struct ac_str member,
                                   struct ac_str phc, struct ac_err *err)
{
    sqlite3_stmt *s;
    enum ac_status st = prep(c, Q_PASSWORD_SET, &s, err);
    int rc;

    if (st != AC_OK) {
        return st;
    }
    rc = bind_str(s, 1, member);
    if (rc == SQLITE_OK) {
        rc = bind_str(s, 2, phc);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE) {
        char what[128];
        snprintf(what, sizeof what, "cannot store the password of \"%.*s\"",
                 (int)member.len, member.ptr);
        st = fail(c->db, rc, what, err);
    }
    done(s);
    return st;
}

static enum ac_status take_invite(struct conn *c, struct ac_str code,
                                  struct ac_err *err)
{
    sqlite3_stmt *s;
    enum ac_status st = prep(c, Q_INVITE_TAKE, &s, err);
    int rc;

    if (st != AC_OK) {
        return st;
    }
    rc = bind_str(s, 1, code);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE) {
        st = fail(c->db, rc, "cannot take the invite", err);
    } else if (sqlite3_changes(c->db) != 1) {
        /* Taken meanwhile by a concurrent request: nothing to join with. */
        st = ac_err_set(err, AC_ECONFLICT, "the invite code is not valid");
    }
    done(s);
    return st;
}

static enum ac_status
put_sealed(struct conn *c, const struct ac_store_sealed *v, struct ac_err *err)
{
    sqlite3_stmt *s;
    enum ac_status st = prep(c, Q_SEALED_PUT, &s, err);
    int rc;
    if (st != AC_OK) {
        return st;
    }
    rc = bind_str(s, 1, v->proposal);
    if (rc == SQLITE_OK) {
        rc = bind_str(s, 2, v->member);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(s, 3, v->round);
    }
    if (rc == SQLITE_OK) {
        rc = bind_str(s, 4, v->content);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE) {
        st = fail(c->db, rc, "cannot keep a secret answer", err);
    }
    done(s);
    return st;
}

static enum ac_status drop_sealed(struct conn *c, struct ac_str proposal,
                                  struct ac_err *err)
{
    sqlite3_stmt *s;
    enum ac_status st = prep(c, Q_SEALED_DROP, &s, err);
    int rc;
    if (st != AC_OK) {
        return st;
    }
    rc = bind_str(s, 1, proposal);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE) {
        st = fail(c->db, rc, "cannot drop secret answers", err);
    }
    done(s);
    return st;
}

/* Runs query q on a reader and hands each row to row; what names the
 * rows in errors. */
static enum ac_status
read_rows(struct sq *s, enum query q,
          enum ac_status (*row)(sqlite3_stmt *q, void *ctx, struct ac_err *err),
          void *ctx, const char *what, struct ac_err *err)
{
    struct conn *c;
    sqlite3_stmt *stmt = NULL;
    enum ac_status rs = reader_take(s, &c, err);
    int rc = SQLITE_OK;

    if (rs != AC_OK) {
        return rs;
    }
    rs = prep(c, q, &stmt, err);
    while (rs == AC_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rs = row(stmt, ctx, err);
    }
    if (rs == AC_OK && rc != SQLITE_DONE) {
        rs = fail(c->db, rc, what, err);
    }
    done(stmt);
    reader_give(s, c);
    return rs;
}

/* Column i as text; false when SQLite could not make it (memory). */
static bool column(sqlite3_stmt *q, int i, struct ac_str *out)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    *out = (struct ac_str){t, t ? (size_t)sqlite3_column_bytes(q, i) : 0};
    return t != NULL;
}

struct sealed_ctx {
    ac_store_sealed_fn fn;
    void *ctx;
};

static enum ac_status sealed_row(sqlite3_stmt *q, void *ctx, struct ac_err *err)
{
    struct sealed_ctx *x = ctx;
    struct ac_store_sealed row;
    if (!column(q, 0, &row.proposal) || !column(q, 1, &row.member) ||
        !column(q, 3, &row.content)) {
        return ac_err_set(err, AC_ENOMEM,
                          "cannot read a secret answer: out of memory");
    }
    row.round = sqlite3_column_int64(q, 2);
    return x->fn(x->ctx, &row);
}

static enum ac_status sq_sealed_scan(struct ac_store *st, ac_store_sealed_fn fn,
                                     void *ctx, struct ac_err *err)
{
    struct sealed_ctx x = {fn, ctx};
    return read_rows(sq_of(st), Q_SEALED_SCAN, sealed_row, &x,
                     "cannot read the secret answers", err);
}

/* The write transaction: BEGIN IMMEDIATE holds off writers in other
 * processes too. */
static enum ac_status sq_write_begin(struct ac_store *st, int64_t *seq,
                                     uint8_t hash[AC_HASH_LEN],
                                     struct ac_err *err)
{
    struct sq *s = sq_of(st);
    struct conn *c = &s->writer;
    enum ac_status rs;

    pthread_mutex_lock(&s->write_mu);
    rs = run(c, Q_BEGIN, "cannot start the append", err);
    if (rs == AC_OK) {
        rs = read_head(c, seq, hash, err);
    }
    if (rs != AC_OK) {
        if (!sqlite3_get_autocommit(c->db)) {
            run(c, Q_ROLLBACK, "cannot roll back", NULL);
        }
        pthread_mutex_unlock(&s->write_mu);
        return rs;
    }
    s->owner = pthread_self();
    __atomic_store_n(&s->begun, true, __ATOMIC_RELEASE);
    return AC_OK;
}

/* Whether this thread began the write that holds the lock: another
 * thread's append waits for write_mu instead of using its transaction. */
static bool mine(const struct sq *s)
{
    /* begun and owner change only under write_mu, by the owner */
    return __atomic_load_n(&s->begun, __ATOMIC_ACQUIRE) &&
           pthread_equal(s->owner, pthread_self());
}

static void sq_write_end(struct ac_store *st)
{
    struct sq *s = sq_of(st);
    if (!mine(s)) {
        return;
    }
    if (!sqlite3_get_autocommit(s->writer.db)) {
        run(&s->writer, Q_ROLLBACK, "cannot roll back", NULL);
    }
    s->begun = false;
    pthread_mutex_unlock(&s->write_mu);
}

static enum ac_status sq_append(struct ac_store *st,
                                const struct ac_store_append *w,
                                int64_t expect_seq,
                                const uint8_t expect_hash[AC_HASH_LEN],
                                struct ac_err *err)
{
    struct sq *s = sq_of(st);
    struct conn *c = &s->writer;
    uint8_t hash[AC_HASH_LEN];
    int64_t seq;
    enum ac_status rs;

    if (mine(s)) {
        /* the lock is held since ac_store_write_begin */
        s->begun = false;
    } else {
        pthread_mutex_lock(&s->write_mu);
        rs = run(c, Q_BEGIN, "cannot start the append", err);
        if (rs != AC_OK) {
            goto out;
        }
    }
    rs = read_head(c, &seq, hash, err);
    if (rs != AC_OK) {
        goto out;
    }
    if (seq != expect_seq || memcmp(hash, expect_hash, AC_HASH_LEN) != 0) {
        rs = ac_err_set(err, AC_ECONFLICT,
                        "the log moved: its head is event %" PRId64
                        ", not the expected event %" PRId64 " with its hash",
                        seq, expect_seq);
        goto out;
    }
    for (size_t i = 0; i < w->count && rs == AC_OK; i++) {
        rs = insert_event(c, &w->events[i], w->texts[i], err);
    }
    for (size_t i = 0; i < w->password_count && rs == AC_OK; i++) {
        rs = set_password(c, w->passwords[i].member, w->passwords[i].phc, err);
    }
    if (rs == AC_OK && w->invite_taken.ptr) {
        rs = take_invite(c, w->invite_taken, err);
    }
    for (size_t i = 0; i < w->sealed_count && rs == AC_OK; i++) {
        rs = put_sealed(c, &w->sealed[i], err);
    }
    for (size_t i = 0; i < w->unseal_count && rs == AC_OK; i++) {
        rs = drop_sealed(c, w->unseal[i], err);
    }
    if (rs == AC_OK) {
        rs = run(c, Q_COMMIT, "cannot commit the append", err);
    }
out:
    /* SQLite may already have rolled back (disk full, I/O error). */
    if (rs != AC_OK && !sqlite3_get_autocommit(c->db)) {
        run(c, Q_ROLLBACK, "cannot roll back", NULL);
    }
    pthread_mutex_unlock(&s->write_mu);
    return rs;
}

static enum ac_status sq_scan(struct ac_store *st, int64_t after, int64_t limit,
                              ac_store_full_row_fn fn, void *ctx,
                              struct ac_err *err)
{
    struct sq *s = sq_of(st);
    struct conn *c;
    sqlite3_stmt *q = NULL;
    enum ac_status rs = reader_take(s, &c, err);
    int rc;

    if (rs != AC_OK) {
        return rs;
    }
    rs = prep(c, Q_SCAN, &q, err);
    if (rs != AC_OK) {
        goto out;
    }
    rc = sqlite3_bind_int64(q, 1, after);
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(q, 2, limit);
    }
    while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(q, 0);
        const char *hash = (const char *)sqlite3_column_text(q, 1);
        size_t hash_len = (size_t)sqlite3_column_bytes(q, 1);
        const char *body = (const char *)sqlite3_column_text(q, 2);
        size_t body_len = (size_t)sqlite3_column_bytes(q, 2);
        if (!hash || !body) {
            rs =
                ac_err_set(err, AC_ENOMEM,
                           "cannot read event %" PRId64 ": out of memory", seq);
            goto out;
        }
        rs = fn(ctx, seq, (struct ac_str){hash, hash_len},
                (struct ac_str){body, body_len});
        if (rs != AC_OK) {
            goto out;
        }
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        rs = fail(c->db, rc, "cannot read the log", err);
    }
out:
    done(q);
    reader_give(s, c);
    return rs;
}

/* ---- credentials ---- */

/* Runs a write statement with text parameters on the write connection. */
static enum ac_status write_texts(struct sq *s, enum query q,
                                  const struct ac_str *params, size_t count,
                                  const int64_t *num, const char *what,
                                  struct ac_err *err)
{
    struct conn *c = &s->writer;
    sqlite3_stmt *stmt = NULL;
    enum ac_status rs;
    int rc = SQLITE_OK;

    pthread_mutex_lock(&s->write_mu);
    rs = prep(c, q, &stmt, err);
    if (rs != AC_OK) {
        goto out;
    }
    for (size_t i = 0; i < count && rc == SQLITE_OK; i++) {
        rc = bind_str(stmt, (int)i + 1, params[i]);
    }
    if (rc == SQLITE_OK && num) {
        rc = sqlite3_bind_int64(stmt, (int)count + 1, *num);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
    }
    if (rc == SQLITE_CONSTRAINT_UNIQUE && q == Q_INVITE_PUT) {
        rs = ac_err_set(err, AC_ECONFLICT, "the invite code is in use");
    } else if (rc != SQLITE_DONE) {
        rs = fail(c->db, rc, what, err);
    }
out:
    done(stmt);
    pthread_mutex_unlock(&s->write_mu);
    return rs;
}

/* Runs a one-row lookup on a read connection and copies its text columns
 * into outs (sizes in sizes); an integer column may follow them. */
static enum ac_status read_texts(struct sq *s, enum query q, struct ac_str key,
                                 const int64_t *num, char *const *outs,
                                 const size_t *sizes, size_t count,
                                 int64_t *num_out, const char *noun,
                                 const char *missing, struct ac_err *err)
{
    char what[64];
    struct conn *c;
    sqlite3_stmt *stmt = NULL;
    enum ac_status rs = reader_take(s, &c, err);
    int rc;

    if (rs != AC_OK) {
        return rs;
    }
    rs = prep(c, q, &stmt, err);
    if (rs != AC_OK) {
        goto out;
    }
    rc = bind_str(stmt, 1, key);
    if (rc == SQLITE_OK && num) {
        rc = sqlite3_bind_int64(stmt, 2, *num);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
    }
    if (rc == SQLITE_DONE) {
        rs = ac_err_set(err, AC_ENOTFOUND, "%s", missing);
        goto out;
    }
    if (rc != SQLITE_ROW) {
        snprintf(what, sizeof what, "cannot read the %s", noun);
        rs = fail(c->db, rc, what, err);
        goto out;
    }
    for (size_t i = 0; i < count && rs == AC_OK; i++) {
        rs = column_copy(stmt, (int)i, outs[i], sizes[i], noun, err);
    }
    if (rs == AC_OK && num_out) {
        *num_out = sqlite3_column_int64(stmt, (int)count);
    }
out:
    done(stmt);
    reader_give(s, c);
    return rs;
}

static enum ac_status sq_password_set(struct ac_store *st, struct ac_str member,
                                      struct ac_str phc, struct ac_err *err)
{
    const struct ac_str p[] = {member, phc};
    return write_texts(sq_of(st), Q_PASSWORD_SET, p, 2, NULL,
                       "cannot store the password", err);
}

static enum ac_status sq_password_get(struct ac_store *st, struct ac_str member,
                                      char *phc, size_t phc_size,
                                      struct ac_err *err)
{
    char *const outs[] = {phc};
    const size_t sizes[] = {phc_size};
    char missing[96];
    snprintf(missing, sizeof missing, "member \"%.*s\" has no password",
             (int)member.len, member.ptr);
    return read_texts(sq_of(st), Q_PASSWORD_GET, member, NULL, outs, sizes, 1,
                      NULL, "password hash", missing, err);
}

static enum ac_status sq_session_put(struct ac_store *st,
                                     struct ac_str token_hash,
                                     struct ac_str member, int64_t expires,
                                     struct ac_err *err)
{
    const struct ac_str p[] = {token_hash, member};
    return write_texts(sq_of(st), Q_SESSION_PUT, p, 2, &expires,
                       "cannot store the session", err);
}

static enum ac_status sq_session_get(struct ac_store *st,
                                     struct ac_str token_hash, int64_t now,
                                     char member[64], int64_t *expires,
                                     struct ac_err *err)
{
    char *const outs[] = {member};
    const size_t sizes[] = {64};
    return read_texts(sq_of(st), Q_SESSION_GET, token_hash, &now, outs, sizes,
                      1, expires, "session member",
                      "no such session, or it has expired", err);
}

static enum ac_status sq_session_delete(struct ac_store *st,
                                        struct ac_str token_hash,
                                        struct ac_err *err)
{
    return write_texts(sq_of(st), Q_SESSION_DELETE, &token_hash, 1, NULL,
                       "cannot delete the session", err);
}

static enum ac_status sq_invite_put(struct ac_store *st, struct ac_str member,
                                    struct ac_str code, struct ac_err *err)
{
    const struct ac_str p[] = {member, code};
    return write_texts(sq_of(st), Q_INVITE_PUT, p, 2, NULL,
                       "cannot store the invite", err);
}

static enum ac_status sq_invite_get(struct ac_store *st, struct ac_str member,
                                    char code[128], struct ac_err *err)
{
    char *const outs[] = {code};
    const size_t sizes[] = {128};
    char missing[96];
    snprintf(missing, sizeof missing, "member \"%.*s\" has no invite",
             (int)member.len, member.ptr);
    return read_texts(sq_of(st), Q_INVITE_GET, member, NULL, outs, sizes, 1,
                      NULL, "invite code", missing, err);
}

static enum ac_status sq_invite_find(struct ac_store *st, struct ac_str code,
                                     char member[64], struct ac_err *err)
{
    char *const outs[] = {member};
    const size_t sizes[] = {64};
    return read_texts(sq_of(st), Q_INVITE_FIND, code, NULL, outs, sizes, 1,
                      NULL, "invited member", "unknown invite code", err);
}

static enum ac_status sq_notify_put(struct ac_store *st, struct ac_str member,
                                    struct ac_str settings, struct ac_err *err)
{
    const struct ac_str p[] = {member, settings};
    return write_texts(sq_of(st), Q_NOTIFY_PUT, p, 2, NULL,
                       "cannot store the notification settings", err);
}

struct notify_ctx {
    ac_store_notify_fn fn;
    void *ctx;
};

static enum ac_status notify_row(sqlite3_stmt *q, void *ctx, struct ac_err *err)
{
    struct notify_ctx *x = ctx;
    struct ac_str member, settings;
    if (!column(q, 0, &member) || !column(q, 1, &settings)) {
        return ac_err_set(err, AC_ENOMEM,
                          "cannot read notification settings: out of memory");
    }
    return x->fn(x->ctx, member, settings);
}

static enum ac_status sq_notify_scan(struct ac_store *st, ac_store_notify_fn fn,
                                     void *ctx, struct ac_err *err)
{
    struct notify_ctx x = {fn, ctx};
    return read_rows(sq_of(st), Q_NOTIFY_SCAN, notify_row, &x,
                     "cannot read the notification settings", err);
}

/* The online backup: a reader's snapshot copied page by page into a new
 * 0600 file in a new 0700 folder, synced before it is declared done. */
static enum ac_status sq_backup(struct ac_store *st, const char *dest,
                                int64_t *seq, struct ac_err *err)
{
    struct sq *s = sq_of(st);
    struct conn *c;
    sqlite3 *to = NULL;
    sqlite3_backup *b;
    struct stat sb;
    char *path;
    int rc;
    enum ac_status rs;

    *seq = 0;
    path = malloc(strlen(dest) + sizeof "/" DB_FILE);
    if (!path) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    snprintf(path, strlen(dest) + sizeof "/" DB_FILE, "%s/%s", dest, DB_FILE);
    if (stat(path, &sb) == 0) {
        free(path);
        return ac_err_at(err, "--to", AC_ECONFLICT,
                         "\"%s\" already holds a store: back up into a new "
                         "folder",
                         dest);
    }
    if ((rs = locate(dest, path, true, err)) != AC_OK ||
        (rs = reader_take(s, &c, err)) != AC_OK) {
        free(path);
        return rs;
    }
    rc = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE, NULL);
    /* one read transaction: the copy and the head it reports agree */
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) {
        sqlite3_stmt *q = NULL;
        rc = sqlite3_prepare_v2(
            c->db, "SELECT COALESCE(MAX(seq), 0) FROM events", -1, &q, NULL);
        if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
            *seq = sqlite3_column_int64(q, 0);
        }
        sqlite3_finalize(q);
    }
    if (rc == SQLITE_OK) {
        b = sqlite3_backup_init(to, "main", c->db, "main");
        rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(to);
        if (b) {
            int fin = sqlite3_backup_finish(b);
            rc = rc == SQLITE_DONE ? fin : rc;
        }
    }
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        /* the copy on disk before it is reported as made */
        rc = sqlite3_exec(to,
                          "PRAGMA journal_mode=WAL; PRAGMA wal_checkpoint"
                          "(TRUNCATE);",
                          NULL, NULL, NULL);
    }
    rs = rc == SQLITE_OK
             ? AC_OK
             : ac_err_set(err, AC_EIO, "cannot back up to \"%s\": %s", dest,
                          to ? sqlite3_errmsg(to) : sqlite3_errstr(rc));
    sqlite3_close(to);
    reader_give(s, c);
    if (rs == AC_OK) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0) {
            rs = ac_err_set(err, AC_EIO, "cannot sync \"%s\": %s", path,
                            strerror(errno));
        }
        if (fd >= 0) {
            close(fd);
        }
    }
    free(path);
    return rs;
}

const struct ac_store_ops ac_store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .head = sq_head,
    .write_begin = sq_write_begin,
    .write_end = sq_write_end,
    .append = sq_append,
    .scan = sq_scan,
    .password_set = sq_password_set,
    .password_get = sq_password_get,
    .session_put = sq_session_put,
    .session_get = sq_session_get,
    .session_delete = sq_session_delete,
    .invite_put = sq_invite_put,
    .invite_get = sq_invite_get,
    .invite_find = sq_invite_find,
    .sealed_scan = sq_sealed_scan,
    .notify_put = sq_notify_put,
    .notify_scan = sq_notify_scan,
    .backup = sq_backup,
};
