/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The PostgreSQL backend (libpq): one organisation per database (or per
 * schema, through the URL's search_path option), the same tables as the
 * SQLite store, for organisations that outgrow one machine and for
 * several servers on one database (docs/scaling.md).
 *
 * Invariants:
 * - appends go through the one write connection, under write_mu, and
 *   credentials and settings through another (cred_mu), both with
 *   synchronous_commit on, so an acknowledged write is durable;
 * - an append takes the log's advisory lock (one per schema) and checks
 *   the head under it, so servers sharing the database keep one gapless
 *   chain; ac_store_write_begin takes the lock before the caller decides
 *   what to append, so a server that catches up under it never
 *   conflicts; the lock is the thread's that took it until the append or
 *   ac_store_write_end;
 * - each committed append sends NOTIFY accord_log with the new head seq;
 *   ac_store_wait listens on its own connection;
 * - reads borrow a connection from a pool of READERS, waiting for one
 *   when all are lent, except that a thread that already holds one (a
 *   scan callback reading the store) gets an extra one; a scan streams
 *   row by row in one statement, so it sees one snapshot and never holds
 *   the log in memory;
 * - nothing waits on the database for ever: connecting gives up after
 *   CONNECT_S, a statement after QUERY_MS (the connection is then
 *   dropped), and keepalives find a peer that went away;
 * - a connection that broke (the database restarted) is made again on
 *   its next use, so the server answers 503 while the database is away
 *   and goes on by itself once it is back. */
#include "store/store_int.h"

#include "base/ascii.h"
#include "store/pq_dl.h"

#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* libpq, loaded at the first open (pq_dl.h); set before any connection
 * exists and never changed after. */
static const struct ac_pq *pq;

#define SCHEMA_VERSION 1
#define READERS 4
#define CHANNEL "accord_log"
#define CONNECT_S "5"  /* connect_timeout, unless the URL sets one */
#define QUERY_MS 15000 /* longest wait for a statement's answer */
/* The log's lock: one per schema, so organisations in schemas of one
 * database do not wait on each other. */
#define LOG_LOCK                                                               \
    "SELECT pg_advisory_xact_lock(hashtext('accord log ' || "                  \
    "current_schema()))"
/* Durable before acknowledged, whatever the server's default; a lock
 * held elsewhere is waited for as long as SQLite waits (BUSY_MS), then
 * the write fails rather than hanging. */
#define WRITER_SETTINGS                                                        \
    "SET synchronous_commit = on; SET lock_timeout = '5s'; "                   \
    "SET client_min_messages = warning"

enum query {
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
    Q_NOTIFY_SEND,
    Q_COUNT
};

/* Text comparisons use the "C" collation, so that rows come back in byte
 * order whatever the database's locale, as they do from SQLite. */
static const char *const queries[Q_COUNT] = {
    [Q_HEAD] = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
    [Q_EVENT_INSERT] = "INSERT INTO events(seq, hash, body) "
                       "VALUES($1, $2, $3)",
    [Q_SCAN] = "SELECT seq, hash, body FROM events WHERE seq > $1 "
               "ORDER BY seq LIMIT $2",
    [Q_PASSWORD_SET] = "INSERT INTO passwords(member, phc) VALUES($1, $2) "
                       "ON CONFLICT(member) DO UPDATE SET phc = excluded.phc",
    [Q_PASSWORD_GET] = "SELECT phc FROM passwords WHERE member = $1",
    [Q_SESSION_PUT] = "INSERT INTO sessions(token_hash, member, expires) "
                      "VALUES($1, $2, $3) ON CONFLICT(token_hash) DO UPDATE "
                      "SET member = excluded.member, "
                      "expires = excluded.expires",
    [Q_SESSION_GET] = "SELECT member, expires FROM sessions "
                      "WHERE token_hash = $1 AND expires > $2",
    [Q_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = $1",
    [Q_INVITE_PUT] = "INSERT INTO invites(member, code) VALUES($1, $2) "
                     "ON CONFLICT(member) DO NOTHING",
    [Q_INVITE_GET] = "SELECT code FROM invites WHERE member = $1",
    [Q_INVITE_FIND] = "SELECT member FROM invites WHERE code = $1",
    [Q_INVITE_TAKE] = "DELETE FROM invites WHERE code = $1",
    [Q_SEALED_PUT] = "INSERT INTO sealed(proposal, member, round, content) "
                     "VALUES($1, $2, $3, $4) ON CONFLICT(proposal, member) "
                     "DO UPDATE SET round = excluded.round, "
                     "content = excluded.content",
    [Q_SEALED_DROP] = "DELETE FROM sealed WHERE proposal = $1",
    [Q_SEALED_SCAN] = "SELECT proposal, member, round, content FROM sealed "
                      "ORDER BY proposal COLLATE \"C\", member COLLATE \"C\"",
    [Q_NOTIFY_PUT] = "INSERT INTO notify(member, settings) VALUES($1, $2) "
                     "ON CONFLICT(member) DO UPDATE SET "
                     "settings = excluded.settings",
    [Q_NOTIFY_SCAN] = "SELECT member, settings FROM notify "
                      "ORDER BY member COLLATE \"C\"",
    [Q_NOTIFY_SEND] = "SELECT pg_notify('" CHANNEL "', $1)",
};

/* The events table is the same as SQLite's: body is the event's canonical
 * JSON with its hash, exactly the exported line. The advisory lock keeps
 * two servers starting on an empty database from racing. */
static const char schema[] =
    "SELECT pg_advisory_xact_lock(hashtext('accord schema'));"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, "
    "value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events(seq BIGINT PRIMARY KEY "
    "CHECK (seq > 0), hash TEXT NOT NULL, body TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS passwords(member TEXT PRIMARY KEY, "
    "phc TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions(token_hash TEXT PRIMARY KEY, "
    "member TEXT NOT NULL, expires BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS invites(member TEXT PRIMARY KEY, "
    "code TEXT NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS sealed(proposal TEXT NOT NULL, "
    "member TEXT NOT NULL, round BIGINT NOT NULL, content TEXT NOT NULL, "
    "PRIMARY KEY(proposal, member));"
    "CREATE TABLE IF NOT EXISTS notify(member TEXT PRIMARY KEY, "
    "settings TEXT NOT NULL);"
    "INSERT INTO meta(key, value) VALUES('schema_version', '1') "
    "ON CONFLICT(key) DO NOTHING;";

struct conn {
    PGconn *pg;                  /* NULL until opened */
    const char *conninfo;        /* the store's URL */
    const char *settings;        /* SQL run on each (re)connection, or NULL */
    unsigned long long prepared; /* bit per query prepared on pg */
    bool busy;                   /* readers: lent to a thread (pool_mu) */
    bool extra;                  /* beyond the pool: freed on return */
};

struct pg {
    struct ac_store base;     /* first: the front casts to it */
    char *conninfo;           /* the URL; owned */
    pthread_mutex_t write_mu; /* guards writer, begun and owner */
    struct conn writer;
    bool begun;               /* a write transaction holds the log's lock */
    pthread_t owner;          /* the thread that began it (holds write_mu) */
    pthread_mutex_t cred_mu;  /* guards cred */
    struct conn cred;         /* credentials and settings */
    pthread_mutex_t pool_mu;  /* guards readers[].busy */
    pthread_cond_t pool_cond; /* a reader came back */
    struct conn readers[READERS];
    pthread_mutex_t listen_mu; /* guards listener */
    struct conn listener;      /* LISTEN accord_log */
};

static struct pg *pg_of(struct ac_store *st)
{
    return (struct pg *)st;
}

/* ---- errors ---- */

/* libpq's message without its final newline, into buf. */
static const char *why_of(PGconn *pg, const PGresult *r, char *buf, size_t size)
{
    const char *m = r ? pq->PQresultErrorMessage(r) : NULL;
    size_t n;
    if (!m || !*m) {
        m = pg ? pq->PQerrorMessage(pg) : "out of memory";
    }
    snprintf(buf, size, "%s", m);
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) {
        buf[--n] = '\0';
    }
    /* one line: libpq's messages may run over several */
    for (char *p = buf; *p; p++) {
        if (*p == '\n' || *p == '\t') {
            *p = ' ';
        }
    }
    return buf;
}

/* Reports a failed statement as "what: why". A unique violation is a
 * conflict (another writer got there first); a full disk and a lost
 * connection say so, since they end once the operator acts. */
static enum ac_status fail(PGconn *pg, const PGresult *r, const char *what,
                           struct ac_err *err)
{
    char why[200];
    const char *state = r ? pq->PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    why_of(pg, r, why, sizeof why);
    if (state && strcmp(state, "23505") == 0) {
        return ac_err_set(err, AC_ECONFLICT, "%s: %s", what, why);
    }
    if (state && strcmp(state, "53100") == 0) {
        return ac_err_set(err, AC_EIO, "%s: the database's disk is full", what);
    }
    if (!pg || pq->PQstatus(pg) != CONNECTION_OK) {
        return ac_err_set(err, AC_EIO, "%s: the database is unreachable: %s",
                          what, why);
    }
    if (state && strcmp(state, "XX001") == 0) {
        return ac_err_set(err, AC_ECORRUPT, "%s: %s", what, why);
    }
    return ac_err_set(err, AC_EIO, "%s: %s", what, why);
}

/* ---- connections ---- */

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void conn_close(struct conn *c)
{
    pq->PQfinish(c->pg);
    c->pg = NULL;
    c->prepared = 0;
}

/* Connects, or connects again a connection that broke, with its
 * settings; prepared statements are gone after that. *fresh (when not
 * NULL) tells whether it (re)connected. The URL's own parameters win
 * over the defaults here (expand_dbname: later values override). */
static enum ac_status conn_ready(struct conn *c, bool *fresh,
                                 struct ac_err *err)
{
    static const char *const keys[] = {
        "connect_timeout",     "keepalives",       "keepalives_idle",
        "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "application_name",    "dbname",           NULL};
    const char *values[] = {CONNECT_S, "1",      "10",        "5", "3",
                            "15000",   "accord", c->conninfo, NULL};
    char why[200];
    if (fresh) {
        *fresh = false;
    }
    if (c->pg && pq->PQstatus(c->pg) == CONNECTION_OK) {
        return AC_OK;
    }
    pq->PQfinish(c->pg);
    c->prepared = 0;
    c->pg = pq->PQconnectdbParams(keys, values, 1);
    if (!c->pg) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    pq->PQsetNoticeProcessor(c->pg, quiet, NULL);
    if (pq->PQstatus(c->pg) != CONNECTION_OK) {
        return ac_err_at(err, "database", AC_EIO,
                         "cannot connect to the database: %s",
                         why_of(c->pg, NULL, why, sizeof why));
    }
    if (c->settings) {
        /* plain PQexec: the connection is fresh and the settings short */
        PGresult *r = pq->PQexec(c->pg, c->settings);
        enum ac_status st =
            pq->PQresultStatus(r) == PGRES_COMMAND_OK
                ? AC_OK
                : fail(c->pg, r, "cannot configure the database connection",
                       err);
        pq->PQclear(r);
        if (st != AC_OK) {
            return st;
        }
    }
    if (fresh) {
        *fresh = true;
    }
    return AC_OK;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next result of what was sent on c, waiting at most until deadline
 * (monotonic ms); NULL when there is none left, or, with *late set, when
 * the database did not answer in time (c is then dropped: nobody can
 * tell what it would still say). */
static PGresult *next_result(struct conn *c, int64_t deadline, bool *late)
{
    while (pq->PQisBusy(c->pg)) {
        struct pollfd pfd = {.fd = pq->PQsocket(c->pg), .events = POLLIN};
        int64_t left = deadline - mono_ms();
        if (pfd.fd < 0) {
            break; /* PQgetResult reports the broken connection */
        }
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
            *late = true;
            conn_close(c);
            return NULL;
        }
        if (!pq->PQconsumeInput(c->pg)) {
            break;
        }
    }
    return pq->PQgetResult(c->pg);
}

/* Waits for every result of what was sent on c: the first failed one,
 * else the last; NULL (with err set) when none came in time. */
static PGresult *await(struct conn *c, const char *what, struct ac_err *err)
{
    int64_t deadline = mono_ms() + QUERY_MS;
    PGresult *keep = NULL, *r;
    bool late = false;
    while ((r = next_result(c, deadline, &late))) {
        ExecStatusType t = pq->PQresultStatus(r);
        bool bad = t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK &&
                   t != PGRES_SINGLE_TUPLE;
        ExecStatusType k = keep ? pq->PQresultStatus(keep) : PGRES_COMMAND_OK;
        if (!keep || (bad && (k == PGRES_COMMAND_OK || k == PGRES_TUPLES_OK))) {
            pq->PQclear(keep);
            keep = r;
        } else {
            pq->PQclear(r);
        }
    }
    if (late) {
        pq->PQclear(keep);
        ac_err_at(err, "database", AC_EIO,
                  "%s: the database did not answer within %d s", what,
                  QUERY_MS / 1000);
        return NULL;
    }
    if (!keep) {
        fail(c->pg, NULL, what, err);
    }
    return keep;
}

/* Whether a statement that failed on c may be sent again once c is
 * connected again: the connection was lost (not given up on for being
 * slow) while no transaction was open. Such a statement may still have
 * been carried out, so only statements that do the same when run twice
 * go through here: reads, and the credential and settings upserts and
 * deletes. */
static bool retry(struct conn *c, bool idle)
{
    return idle && c->pg && pq->PQstatus(c->pg) == CONNECTION_BAD &&
           conn_ready(c, NULL, NULL) == AC_OK;
}

static bool ok_result(PGresult *r)
{
    ExecStatusType t = r ? pq->PQresultStatus(r) : PGRES_FATAL_ERROR;
    return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

/* The answer to what sent() sent on c: the result, or NULL with err set
 * (sent false: libpq could not send it). */
static PGresult *answer(struct conn *c, bool sent, const char *what,
                        struct ac_err *err)
{
    PGresult *r;
    if (!sent) {
        fail(c->pg, NULL, what, err);
        return NULL;
    }
    r = await(c, what, err);
    if (r && !ok_result(r)) {
        fail(c->pg, r, what, err);
        pq->PQclear(r);
        r = NULL;
    }
    return r;
}

/* Whether c was dropped (a statement timed out): then err says so. */
static bool gone(const struct conn *c, const char *what, struct ac_err *err)
{
    if (c->pg) {
        return false;
    }
    ac_err_at(err, "database", AC_EIO, "%s: the database went away", what);
    return true;
}

/* Runs SQL without parameters; the result (cleared by the caller), or
 * NULL with err set. */
static PGresult *exec_sql(struct conn *c, const char *sql, const char *what,
                          struct ac_err *err)
{
    bool idle;
    PGresult *r;
    if (gone(c, what, err)) {
        return NULL;
    }
    idle = pq->PQtransactionStatus(c->pg) == PQTRANS_IDLE;
    r = answer(c, pq->PQsendQuery(c->pg, sql), what, err);
    if (!r && retry(c, idle)) {
        r = answer(c, pq->PQsendQuery(c->pg, sql), what, err);
    }
    return r;
}

/* Runs SQL that answers no rows worth reading. */
static enum ac_status conn_exec(struct conn *c, const char *sql,
                                const char *what, struct ac_err *err)
{
    PGresult *r = exec_sql(c, sql, what, err);
    if (!r) {
        return err && err->code ? err->code : AC_EIO;
    }
    pq->PQclear(r);
    return AC_OK;
}

/* Sends query q (prepared on c first when it is not yet). */
static PGresult *send_prepared(struct conn *c, enum query q,
                               const char *const *params, const int *lens,
                               int count, const char *what, struct ac_err *err)
{
    char name[16];
    snprintf(name, sizeof name, "q%d", (int)q);
    if (!(c->prepared & (1ULL << q))) {
        PGresult *r = answer(
            c, pq->PQsendPrepare(c->pg, name, queries[q], 0, NULL), what, err);
        if (!r) {
            return NULL;
        }
        pq->PQclear(r);
        c->prepared |= 1ULL << q;
    }
    return answer(
        c, pq->PQsendQueryPrepared(c->pg, name, count, params, lens, NULL, 0),
        what, err);
}

/* Runs query q with text parameters (NULL for SQL NULL); the result
 * (cleared by the caller), or NULL with err set. */
static PGresult *run(struct conn *c, enum query q, const char *const *params,
                     const int *lens, int count, const char *what,
                     struct ac_err *err)
{
    bool idle;
    PGresult *r;
    if (gone(c, what, err)) {
        return NULL;
    }
    idle = pq->PQtransactionStatus(c->pg) == PQTRANS_IDLE;
    r = send_prepared(c, q, params, lens, count, what, err);
    if (!r && retry(c, idle)) {
        r = send_prepared(c, q, params, lens, count, what, err);
    }
    return r;
}

/* Sends query q for row-by-row reading; the rows come from
 * next_result. */
static enum ac_status send_rows(struct conn *c, enum query q,
                                const char *const *params, int count,
                                const char *what, struct ac_err *err)
{
    char name[16];
    snprintf(name, sizeof name, "q%d", (int)q);
    if (!(c->prepared & (1ULL << q))) {
        PGresult *r = answer(
            c, pq->PQsendPrepare(c->pg, name, queries[q], 0, NULL), what, err);
        if (!r) {
            return err && err->code ? err->code : AC_EIO;
        }
        pq->PQclear(r);
        c->prepared |= 1ULL << q;
    }
    if (!pq->PQsendQueryPrepared(c->pg, name, count, params, NULL, NULL, 0) ||
        !pq->PQsetSingleRowMode(c->pg)) {
        return fail(c->pg, NULL, what, err);
    }
    return AC_OK;
}

static struct ac_str value(const PGresult *r, int row, int col)
{
    return (struct ac_str){pq->PQgetvalue(r, row, col),
                           (size_t)pq->PQgetlength(r, row, col)};
}

static enum ac_status value_i64(const PGresult *r, int row, int col,
                                int64_t *out, struct ac_err *err)
{
    if (ac_parse_i64(value(r, row, col), INT64_MIN, INT64_MAX, out, NULL) !=
        AC_OK) {
        return ac_err_set(err, AC_ECORRUPT,
                          "the database answered \"%.32s\" where a number "
                          "belongs",
                          pq->PQgetvalue(r, row, col));
    }
    return AC_OK;
}

/* Readers this thread holds, of any store: a thread that holds one may
 * get an extra one rather than wait (a scan callback reading the store
 * again), so it cannot wait on itself. */
static _Thread_local int readers_held;

static void reader_give(struct pg *s, struct conn *c)
{
    readers_held--;
    if (c->extra) {
        conn_close(c);
        free(c);
        return;
    }
    pthread_mutex_lock(&s->pool_mu);
    c->busy = false;
    pthread_cond_signal(&s->pool_cond);
    pthread_mutex_unlock(&s->pool_mu);
}

/* Lends a read connection: an idle pooled one, waiting for one when all
 * are lent, or an extra one (closed again on return) for a thread that
 * holds one already. */
static enum ac_status reader_take(struct pg *s, struct conn **out,
                                  struct ac_err *err)
{
    struct conn *c = NULL;
    enum ac_status st;

    *out = NULL;
    pthread_mutex_lock(&s->pool_mu);
    for (;;) {
        for (size_t i = 0; i < READERS && !c; i++) {
            if (!s->readers[i].busy) {
                c = &s->readers[i];
                c->busy = true;
            }
        }
        if (c || readers_held > 0) {
            break;
        }
        pthread_cond_wait(&s->pool_cond, &s->pool_mu);
    }
    pthread_mutex_unlock(&s->pool_mu);
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) {
            return ac_err_set(err, AC_ENOMEM, "out of memory");
        }
        c->extra = true;
    }
    readers_held++;
    c->conninfo = s->conninfo;
    st = conn_ready(c, NULL, err);
    if (st != AC_OK) {
        reader_give(s, c);
        return st;
    }
    *out = c;
    return AC_OK;
}

/* ---- open and close ---- */

/* Creates the tables that are missing, in one transaction. */
static enum ac_status create_tables(struct conn *c, struct ac_err *err)
{
    enum ac_status st = conn_exec(c, "BEGIN", "cannot create the schema", err);
    if (st == AC_OK) {
        st = conn_exec(c, schema, "cannot create the schema", err);
    }
    if (st == AC_OK) {
        return conn_exec(c, "COMMIT", "cannot create the schema", err);
    }
    if (c->pg) {
        pq->PQclear(exec_sql(c, "ROLLBACK", "cannot roll back", NULL));
    }
    return st;
}

/* Creates the tables in an empty database, or checks that it holds an
 * accord store of a version this accord reads. */
static enum ac_status ensure_schema(struct pg *s, bool create,
                                    struct ac_err *err)
{
    struct conn *c = &s->writer;
    PGresult *r;
    enum ac_status st;
    int64_t version = 0;

    r = exec_sql(c,
                 "SELECT to_regclass('meta') IS NOT NULL, "
                 "to_regclass('events') IS NOT NULL",
                 "cannot read the schema", err);
    if (!r) {
        return err && err->code ? err->code : AC_EIO;
    }
    if (pq->PQgetvalue(r, 0, 0)[0] != 't') {
        bool other = pq->PQgetvalue(r, 0, 1)[0] == 't';
        pq->PQclear(r);
        if (other) {
            return ac_err_set(err, AC_ECORRUPT,
                              "the database is not an accord store");
        }
        if (!create) {
            return ac_err_set(err, AC_ENOTFOUND,
                              "no accord store in the database");
        }
        return create_tables(c, err);
    }
    pq->PQclear(r);
    r = exec_sql(c, "SELECT value FROM meta WHERE key = 'schema_version'",
                 "cannot read the schema version", err);
    if (!r) {
        st = err && err->code ? err->code : AC_EIO;
    } else if (pq->PQntuples(r) != 1 ||
               ac_parse_i64(value(r, 0, 0), 0, INT64_MAX, &version, NULL) !=
                   AC_OK ||
               version < SCHEMA_VERSION) {
        st = ac_err_set(err, AC_ECORRUPT, "store has no valid schema version");
    } else if (version > SCHEMA_VERSION) {
        st = ac_err_set(err, AC_EINVAL,
                        "store schema version %" PRId64
                        " is newer than this accord's (%d)",
                        version, SCHEMA_VERSION);
    } else {
        st = AC_OK;
    }
    pq->PQclear(r);
    if (st != AC_OK) {
        return st;
    }
    /* tables added since the store was made, created only when missing:
     * the server's role may hold no right to create */
    r = exec_sql(c,
                 "SELECT to_regclass('sealed') IS NULL OR "
                 "to_regclass('notify') IS NULL",
                 "cannot read the schema", err);
    if (!r) {
        st = err && err->code ? err->code : AC_EIO;
    } else if (pq->PQgetvalue(r, 0, 0)[0] == 't') {
        st = create_tables(c, err);
    }
    pq->PQclear(r);
    return st;
}

static void pg_close(struct ac_store *st)
{
    struct pg *s = pg_of(st);
    for (size_t i = 0; i < READERS; i++) {
        conn_close(&s->readers[i]);
    }
    conn_close(&s->listener);
    conn_close(&s->cred);
    conn_close(&s->writer);
    pthread_mutex_destroy(&s->listen_mu);
    pthread_cond_destroy(&s->pool_cond);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_mutex_destroy(&s->cred_mu);
    pthread_mutex_destroy(&s->write_mu);
    free(s->conninfo);
    free(s);
}

static enum ac_status pg_open(const char *location, bool create,
                              struct ac_store **out, struct ac_err *err)
{
    const struct ac_pq *api = ac_pq_load(err);
    struct pg *s;
    enum ac_status st;

    if (!api) {
        return err ? err->code : AC_EIO;
    }
    __atomic_store_n(&pq, api, __ATOMIC_RELEASE);
    if (!pq->PQisthreadsafe()) {
        return ac_err_set(err, AC_EINVAL,
                          "the libpq library was built without threads");
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    s->base.ops = &ac_store_pg_ops;
    pthread_mutex_init(&s->write_mu, NULL);
    pthread_mutex_init(&s->cred_mu, NULL);
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cond, NULL);
    pthread_mutex_init(&s->listen_mu, NULL);
    s->conninfo = strdup(location);
    if (!s->conninfo) {
        pg_close(&s->base);
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    s->writer.conninfo = s->conninfo;
    s->writer.settings = WRITER_SETTINGS;
    s->cred.conninfo = s->conninfo;
    s->cred.settings = WRITER_SETTINGS;
    s->listener.conninfo = s->conninfo;
    st = conn_ready(&s->writer, NULL, err);
    if (st == AC_OK) {
        st = ensure_schema(s, create, err);
    }
    if (st != AC_OK) {
        pg_close(&s->base);
        return st;
    }
    *out = &s->base;
    return AC_OK;
}

/* The writer, reconnected if it broke, with its settings again. */
static enum ac_status writer_ready(struct pg *s, struct ac_err *err)
{
    return conn_ready(&s->writer, NULL, err);
}

/* ---- the log ---- */

static enum ac_status read_head(struct conn *c, int64_t *seq,
                                uint8_t hash[AC_HASH_LEN], struct ac_err *err)
{
    PGresult *r =
        run(c, Q_HEAD, NULL, NULL, 0, "cannot read the log head", err);
    enum ac_status st = AC_OK;

    *seq = 0;
    memset(hash, 0, AC_HASH_LEN);
    if (!r) {
        return err ? err->code : AC_EIO;
    }
    if (pq->PQntuples(r) == 1) {
        st = value_i64(r, 0, 0, seq, err);
        if (st == AC_OK && !ac_hex_decode(hash, AC_HASH_LEN, value(r, 0, 1))) {
            st =
                ac_err_set(err, AC_ECORRUPT,
                           "event %" PRId64 ": stored hash is malformed", *seq);
        }
    }
    pq->PQclear(r);
    return st;
}

static enum ac_status pg_head(struct ac_store *st, int64_t *seq,
                              uint8_t hash[AC_HASH_LEN], struct ac_err *err)
{
    struct pg *s = pg_of(st);
    struct conn *c;
    enum ac_status rs = reader_take(s, &c, err);
    if (rs != AC_OK) {
        return rs;
    }
    rs = read_head(c, seq, hash, err);
    reader_give(s, c);
    return rs;
}

/* Runs a write statement on c and drops its result. */
static enum ac_status write_one(struct conn *c, enum query q,
                                const char *const *params, int count,
                                const char *what, struct ac_err *err,
                                int64_t *changed)
{
    PGresult *r = run(c, q, params, NULL, count, what, err);
    if (!r) {
        return err ? err->code : AC_EIO;
    }
    if (changed) {
        *changed = 0;
        ac_parse_i64(ac_str_c(pq->PQcmdTuples(r)), 0, INT64_MAX, changed, NULL);
    }
    pq->PQclear(r);
    return AC_OK;
}

static void roll_back(struct conn *c);

/* Takes write_mu and, unless a write was begun, opens the append's
 * transaction and locks the chain: the head read after the lock is the
 * head every other writer sees. */
static enum ac_status lock_chain(struct pg *s, int64_t *seq,
                                 uint8_t hash[AC_HASH_LEN], struct ac_err *err)
{
    struct conn *c = &s->writer;
    enum ac_status st = writer_ready(s, err);
    if (st == AC_OK) {
        st = conn_exec(c, "BEGIN; " LOG_LOCK, "cannot start the append", err);
    }
    if (st == AC_OK) {
        st = read_head(c, seq, hash, err);
    }
    if (st != AC_OK) {
        roll_back(c);
    }
    return st;
}

/* Ends the writer's transaction, if one is open, keeping nothing. */
static void roll_back(struct conn *c)
{
    if (c->pg && pq->PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        pq->PQclear(exec_sql(c, "ROLLBACK", "cannot roll back", NULL));
    }
}

static void unlock_chain(struct pg *s)
{
    roll_back(&s->writer);
    s->begun = false;
}

/* Whether this thread began the write that holds the lock. */
static bool mine(const struct pg *s)
{
    /* begun and owner change only under write_mu, by the owner */
    return __atomic_load_n(&s->begun, __ATOMIC_ACQUIRE) &&
           pthread_equal(s->owner, pthread_self());
}

static enum ac_status pg_write_begin(struct ac_store *st, int64_t *seq,
                                     uint8_t hash[AC_HASH_LEN],
                                     struct ac_err *err)
{
    struct pg *s = pg_of(st);
    enum ac_status rs;
    pthread_mutex_lock(&s->write_mu);
    rs = lock_chain(s, seq, hash, err);
    if (rs != AC_OK) {
        pthread_mutex_unlock(&s->write_mu);
        return rs;
    }
    s->owner = pthread_self();
    __atomic_store_n(&s->begun, true, __ATOMIC_RELEASE);
    return AC_OK;
}

static void pg_write_end(struct ac_store *st)
{
    struct pg *s = pg_of(st);
    if (mine(s)) {
        unlock_chain(s);
        pthread_mutex_unlock(&s->write_mu);
    }
}

static enum ac_status insert_event(struct conn *c, const struct ac_event *ev,
                                   struct ac_str text, struct ac_err *err)
{
    char hex[AC_HEX_LEN + 1], num[24], what[64];
    char *body = strndup(text.ptr, text.len);
    const char *p[3] = {num, hex, body};
    enum ac_status st;

    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    ac_hex_encode(hex, ev->hash, AC_HASH_LEN);
    snprintf(num, sizeof num, "%" PRId64, ev->seq);
    snprintf(what, sizeof what, "cannot store event %" PRId64, ev->seq);
    st = write_one(c, Q_EVENT_INSERT, p, 3, what, err, NULL);
    free(body);
    return st;
}

/* NUL-terminated copies of up to four strings, for libpq's parameters;
 * one allocation, freed by the caller. */
static char *cstrs(const struct ac_str *in, size_t count, const char **out)
{
    size_t total = 0;
    char *buf, *p;
    for (size_t i = 0; i < count; i++) {
        total += in[i].len + 1;
    }
    buf = malloc(total ? total : 1);
    if (!buf) {
        return NULL;
    }
    p = buf;
    for (size_t i = 0; i < count; i++) {
        memcpy(p, in[i].ptr, in[i].len);
        p[in[i].len] = '\0';
        out[i] = p;
        p += in[i].len + 1;
    }
    return buf;
}

/* Runs q with text parameters on c; changed gets the rows it touched. */
static enum ac_status write_strs(struct conn *c, enum query q,
                                 const struct ac_str *params, size_t count,
                                 const int64_t *num, const char *what,
                                 struct ac_err *err, int64_t *changed)
{
    const char *p[5] = {0};
    char n[24];
    char *buf = cstrs(params, count, p);
    enum ac_status st;
    if (!buf) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    if (num) {
        snprintf(n, sizeof n, "%" PRId64, *num);
        p[count++] = n;
    }
    st = write_one(c, q, p, (int)count, what, err, changed);
    free(buf);
    return st;
}

/* The connection went away with the COMMIT: the database may have kept
 * the append or not. A new connection's head tells: the append's last
 * event (kept: success after all), the expected head (nothing kept), or
 * neither, or no answer (unknown: err's where is "commit"). */
static enum ac_status commit_outcome(struct pg *s,
                                     const struct ac_store_append *w,
                                     int64_t expect_seq,
                                     const uint8_t expect_hash[AC_HASH_LEN],
                                     struct ac_err *err)
{
    const struct ac_event *last = w->count ? &w->events[w->count - 1] : NULL;
    char why[sizeof err->msg];
    uint8_t hash[AC_HASH_LEN];
    int64_t seq;
    struct ac_err e = {0};

    snprintf(why, sizeof why, "%s", err ? err->msg : "");
    if (writer_ready(s, &e) != AC_OK ||
        read_head(&s->writer, &seq, hash, &e) != AC_OK) {
        return ac_err_at(err, "commit", AC_EIO,
                         "%s; whether it was kept is unknown until the "
                         "database answers",
                         why);
    }
    if (last && seq == last->seq &&
        memcmp(hash, last->hash, AC_HASH_LEN) == 0) {
        ac_err_clear(err);
        return AC_OK;
    }
    if (seq == expect_seq && memcmp(hash, expect_hash, AC_HASH_LEN) == 0) {
        return ac_err_set(err, AC_EIO, "%s", why);
    }
    return ac_err_at(err, "commit", AC_EIO,
                     "%s; the log's head is now event %" PRId64
                     ", so whether it was kept is unknown",
                     why, seq);
}

static enum ac_status pg_append(struct ac_store *st,
                                const struct ac_store_append *w,
                                int64_t expect_seq,
                                const uint8_t expect_hash[AC_HASH_LEN],
                                struct ac_err *err)
{
    struct pg *s = pg_of(st);
    struct conn *c = &s->writer;
    uint8_t hash[AC_HASH_LEN];
    int64_t seq, changed = 0;
    char num[24];
    enum ac_status rs = AC_OK;

    if (!mine(s)) {
        pthread_mutex_lock(&s->write_mu);
        rs = lock_chain(s, &seq, hash, err);
        if (rs != AC_OK) {
            pthread_mutex_unlock(&s->write_mu);
            return rs;
        }
    } else {
        rs = read_head(c, &seq, hash, err);
    }
    if (rs == AC_OK &&
        (seq != expect_seq || memcmp(hash, expect_hash, AC_HASH_LEN) != 0)) {
        rs = ac_err_set(err, AC_ECONFLICT,
                        "the log moved: its head is event %" PRId64
                        ", not the expected event %" PRId64 " with its hash",
                        seq, expect_seq);
    }
    for (size_t i = 0; i < w->count && rs == AC_OK; i++) {
        rs = insert_event(c, &w->events[i], w->texts[i], err);
    }
    for (size_t i = 0; i < w->password_count && rs == AC_OK; i++) {
        const struct ac_str p[] = {w->passwords[i].member, w->passwords[i].phc};
        rs = write_strs(c, Q_PASSWORD_SET, p, 2, NULL,
                        "cannot store a password", err, NULL);
    }
    if (rs == AC_OK && w->invite_taken.ptr) {
        rs = write_strs(c, Q_INVITE_TAKE, &w->invite_taken, 1, NULL,
                        "cannot take the invite", err, &changed);
        if (rs == AC_OK && changed != 1) {
            /* Taken meanwhile by a concurrent request. */
            rs = ac_err_set(err, AC_ECONFLICT, "the invite code is not valid");
        }
    }
    for (size_t i = 0; i < w->sealed_count && rs == AC_OK; i++) {
        const struct ac_store_sealed *v = &w->sealed[i];
        const struct ac_str p[] = {v->proposal, v->member};
        const char *q[4] = {0};
        char *buf = cstrs(p, 2, q);
        char *content = strndup(v->content.ptr, v->content.len);
        char round[24];
        if (!buf || !content) {
            rs = ac_err_set(err, AC_ENOMEM, "out of memory");
        } else {
            snprintf(round, sizeof round, "%" PRId64, v->round);
            q[2] = round;
            q[3] = content;
            rs = write_one(c, Q_SEALED_PUT, q, 4, "cannot keep a secret answer",
                           err, NULL);
        }
        free(buf);
        free(content);
    }
    for (size_t i = 0; i < w->unseal_count && rs == AC_OK; i++) {
        rs = write_strs(c, Q_SEALED_DROP, &w->unseal[i], 1, NULL,
                        "cannot drop secret answers", err, NULL);
    }
    if (rs == AC_OK && w->count) {
        const char *p[] = {num};
        snprintf(num, sizeof num, "%" PRId64, w->events[w->count - 1].seq);
        rs = write_one(c, Q_NOTIFY_SEND, p, 1, "cannot announce the append",
                       err, NULL);
    }
    if (rs == AC_OK) {
        rs = conn_exec(c, "COMMIT", "cannot commit the append", err);
        if (rs != AC_OK && (!c->pg || pq->PQstatus(c->pg) != CONNECTION_OK)) {
            rs = commit_outcome(s, w, expect_seq, expect_hash, err);
        }
    }
    unlock_chain(s);
    pthread_mutex_unlock(&s->write_mu);
    return rs;
}

static enum ac_status pg_scan(struct ac_store *st, int64_t after, int64_t limit,
                              ac_store_full_row_fn fn, void *ctx,
                              struct ac_err *err)
{
    struct pg *s = pg_of(st);
    struct conn *c;
    char a[24], l[24];
    const char *p[2] = {a, limit < 0 ? NULL : l};
    PGresult *r;
    bool late = false;
    enum ac_status rs = reader_take(s, &c, err);

    if (rs != AC_OK) {
        return rs;
    }
    snprintf(a, sizeof a, "%" PRId64, after);
    snprintf(l, sizeof l, "%" PRId64, limit);
    rs = send_rows(c, Q_SCAN, p, 2, "cannot read the log", err);
    while (rs == AC_OK &&
           (r = next_result(c, mono_ms() + QUERY_MS, &late)) != NULL) {
        ExecStatusType t = pq->PQresultStatus(r);
        if (t == PGRES_SINGLE_TUPLE) {
            int64_t seq = 0;
            rs = value_i64(r, 0, 0, &seq, err);
            if (rs == AC_OK) {
                rs = fn(ctx, seq, value(r, 0, 1), value(r, 0, 2));
            }
        } else if (t != PGRES_TUPLES_OK) {
            rs = fail(c->pg, r, "cannot read the log", err);
        }
        pq->PQclear(r);
    }
    if (rs == AC_OK && late) {
        rs = ac_err_at(err, "database", AC_EIO,
                       "cannot read the log: the database did not answer "
                       "within %d s",
                       QUERY_MS / 1000);
    }
    if (rs != AC_OK && c->pg &&
        pq->PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        /* stopped early: the rest of the rows are on their way; a new
         * connection is quicker and surer than reading or cancelling
         * them */
        conn_close(c);
    }
    reader_give(s, c);
    return rs;
}

/* ---- credentials and settings ---- */

static enum ac_status write_texts(struct pg *s, enum query q,
                                  const struct ac_str *params, size_t count,
                                  const int64_t *num, const char *what,
                                  struct ac_err *err)
{
    enum ac_status st;
    /* its own connection: a login does not wait for a batch */
    pthread_mutex_lock(&s->cred_mu);
    st = conn_ready(&s->cred, NULL, err);
    if (st == AC_OK) {
        st = write_strs(&s->cred, q, params, count, num, what, err, NULL);
    }
    pthread_mutex_unlock(&s->cred_mu);
    if (st == AC_ECONFLICT && q == Q_INVITE_PUT) {
        st = ac_err_set(err, AC_ECONFLICT, "the invite code is in use");
    }
    return st;
}

/* A one-row lookup by key (and an optional number) on a reader, copying
 * its first text column into out and its second column, a number, into
 * num_out when asked. */
static enum ac_status read_text(struct pg *s, enum query q, struct ac_str key,
                                const int64_t *num, char *out, size_t size,
                                int64_t *num_out, const char *noun,
                                const char *missing, struct ac_err *err)
{
    char what[64], n[24];
    const char *p[2] = {0};
    char *buf = cstrs(&key, 1, p);
    struct conn *c = NULL;
    PGresult *r = NULL;
    enum ac_status rs;

    if (!buf) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    if (num) {
        snprintf(n, sizeof n, "%" PRId64, *num);
        p[1] = n;
    }
    rs = reader_take(s, &c, err);
    if (rs != AC_OK) {
        goto out;
    }
    snprintf(what, sizeof what, "cannot read the %s", noun);
    r = run(c, q, p, NULL, num ? 2 : 1, what, err);
    if (!r) {
        rs = err ? err->code : AC_EIO;
    } else if (pq->PQntuples(r) == 0) {
        rs = ac_err_set(err, AC_ENOTFOUND, "%s", missing);
    } else if ((size_t)pq->PQgetlength(r, 0, 0) >= size) {
        rs = ac_err_set(err, AC_ELIMIT, "stored %s is longer than %zu bytes",
                        noun, size - 1);
    } else {
        memcpy(out, pq->PQgetvalue(r, 0, 0),
               (size_t)pq->PQgetlength(r, 0, 0) + 1);
        if (num_out) {
            rs = value_i64(r, 0, 1, num_out, err);
        }
    }
    pq->PQclear(r);
    reader_give(s, c);
out:
    free(buf);
    return rs;
}

static enum ac_status pg_password_set(struct ac_store *st, struct ac_str member,
                                      struct ac_str phc, struct ac_err *err)
{
    const struct ac_str p[] = {member, phc};
    return write_texts(pg_of(st), Q_PASSWORD_SET, p, 2, NULL,
                       "cannot store the password", err);
}

static enum ac_status pg_password_get(struct ac_store *st, struct ac_str member,
                                      char *phc, size_t phc_size,
                                      struct ac_err *err)
{
    char missing[96];
    snprintf(missing, sizeof missing, "member \"%.*s\" has no password",
             (int)member.len, member.ptr);
    return read_text(pg_of(st), Q_PASSWORD_GET, member, NULL, phc, phc_size,
                     NULL, "password hash", missing, err);
}

static enum ac_status pg_session_put(struct ac_store *st,
                                     struct ac_str token_hash,
                                     struct ac_str member, int64_t expires,
                                     struct ac_err *err)
{
    const struct ac_str p[] = {token_hash, member};
    return write_texts(pg_of(st), Q_SESSION_PUT, p, 2, &expires,
                       "cannot store the session", err);
}

static enum ac_status pg_session_get(struct ac_store *st,
                                     struct ac_str token_hash, int64_t now,
                                     char member[64], int64_t *expires,
                                     struct ac_err *err)
{
    return read_text(pg_of(st), Q_SESSION_GET, token_hash, &now, member, 64,
                     expires, "session member",
                     "no such session, or it has expired", err);
}

static enum ac_status pg_session_delete(struct ac_store *st,
                                        struct ac_str token_hash,
                                        struct ac_err *err)
{
    return write_texts(pg_of(st), Q_SESSION_DELETE, &token_hash, 1, NULL,
                       "cannot delete the session", err);
}

static enum ac_status pg_invite_put(struct ac_store *st, struct ac_str member,
                                    struct ac_str code, struct ac_err *err)
{
    const struct ac_str p[] = {member, code};
    return write_texts(pg_of(st), Q_INVITE_PUT, p, 2, NULL,
                       "cannot store the invite", err);
}

static enum ac_status pg_invite_get(struct ac_store *st, struct ac_str member,
                                    char code[128], struct ac_err *err)
{
    char missing[96];
    snprintf(missing, sizeof missing, "member \"%.*s\" has no invite",
             (int)member.len, member.ptr);
    return read_text(pg_of(st), Q_INVITE_GET, member, NULL, code, 128, NULL,
                     "invite code", missing, err);
}

static enum ac_status pg_invite_find(struct ac_store *st, struct ac_str code,
                                     char member[64], struct ac_err *err)
{
    return read_text(pg_of(st), Q_INVITE_FIND, code, NULL, member, 64, NULL,
                     "invited member", "unknown invite code", err);
}

static enum ac_status pg_notify_put(struct ac_store *st, struct ac_str member,
                                    struct ac_str settings, struct ac_err *err)
{
    const struct ac_str p[] = {member, settings};
    return write_texts(pg_of(st), Q_NOTIFY_PUT, p, 2, NULL,
                       "cannot store the notification settings", err);
}

/* Runs a query without parameters on a reader and hands its rows to
 * row, one by one. */
static enum ac_status read_rows(struct pg *s, enum query q,
                                enum ac_status (*row)(const PGresult *r, int i,
                                                      void *ctx,
                                                      struct ac_err *err),
                                void *ctx, const char *what, struct ac_err *err)
{
    struct conn *c;
    PGresult *r;
    enum ac_status rs = reader_take(s, &c, err);
    if (rs != AC_OK) {
        return rs;
    }
    r = run(c, q, NULL, NULL, 0, what, err);
    if (!r) {
        rs = err ? err->code : AC_EIO;
    }
    for (int i = 0; r && rs == AC_OK && i < pq->PQntuples(r); i++) {
        rs = row(r, i, ctx, err);
    }
    pq->PQclear(r);
    reader_give(s, c);
    return rs;
}

struct sealed_ctx {
    ac_store_sealed_fn fn;
    void *ctx;
};

static enum ac_status sealed_row(const PGresult *r, int i, void *ctx,
                                 struct ac_err *err)
{
    struct sealed_ctx *x = ctx;
    struct ac_store_sealed row = {.proposal = value(r, i, 0),
                                  .member = value(r, i, 1),
                                  .content = value(r, i, 3)};
    enum ac_status st = value_i64(r, i, 2, &row.round, err);
    return st == AC_OK ? x->fn(x->ctx, &row) : st;
}

static enum ac_status pg_sealed_scan(struct ac_store *st, ac_store_sealed_fn fn,
                                     void *ctx, struct ac_err *err)
{
    struct sealed_ctx x = {fn, ctx};
    return read_rows(pg_of(st), Q_SEALED_SCAN, sealed_row, &x,
                     "cannot read the secret answers", err);
}

struct notify_ctx {
    ac_store_notify_fn fn;
    void *ctx;
};

static enum ac_status notify_row(const PGresult *r, int i, void *ctx,
                                 struct ac_err *err)
{
    struct notify_ctx *x = ctx;
    (void)err;
    return x->fn(x->ctx, value(r, i, 0), value(r, i, 1));
}

static enum ac_status pg_notify_scan(struct ac_store *st, ac_store_notify_fn fn,
                                     void *ctx, struct ac_err *err)
{
    struct notify_ctx x = {fn, ctx};
    return read_rows(pg_of(st), Q_NOTIFY_SCAN, notify_row, &x,
                     "cannot read the notification settings", err);
}

static enum ac_status pg_backup(struct ac_store *st, const char *dest,
                                int64_t *seq, struct ac_err *err)
{
    (void)st;
    (void)dest;
    *seq = 0;
    return ac_err_set(err, AC_EINVAL,
                      "a PostgreSQL store is backed up with pg_dump "
                      "(docs/operations.md#postgresql)");
}

/* ---- waiting for other servers ---- */

/* Waits up to timeout_ms for an append by anyone (this server or
 * another); *moved is true when one came, or when the listener had to
 * (re)connect and may have missed some. */
static enum ac_status pg_wait(struct ac_store *st, int timeout_ms, bool *moved,
                              struct ac_err *err)
{
    struct pg *s = pg_of(st);
    struct conn *c = &s->listener;
    struct pollfd pfd;
    PGnotify *n;
    bool fresh = false;
    enum ac_status rs;

    *moved = false;
    pthread_mutex_lock(&s->listen_mu);
    rs = conn_ready(c, &fresh, err);
    if (rs == AC_OK && fresh) {
        rs = conn_exec(c, "LISTEN " CHANNEL, "cannot listen for appends", err);
        if (rs != AC_OK) {
            conn_close(c);
        }
        *moved = rs == AC_OK;
    }
    if (rs != AC_OK || *moved) {
        pthread_mutex_unlock(&s->listen_mu);
        return rs;
    }
    /* what already came in first, then wait for more */
    for (int round = 0; rs == AC_OK && round < 2 && !*moved; round++) {
        pfd = (struct pollfd){.fd = pq->PQsocket(c->pg), .events = POLLIN};
        if (round == 1 && (pfd.fd < 0 || poll(&pfd, 1, timeout_ms) <= 0)) {
            break;
        }
        if (!pq->PQconsumeInput(c->pg)) {
            rs = fail(c->pg, NULL, "cannot listen for appends", err);
        }
        while (rs == AC_OK && (n = pq->PQnotifies(c->pg))) {
            *moved = true;
            pq->PQfreemem(n);
        }
    }
    pthread_mutex_unlock(&s->listen_mu);
    return rs;
}

const struct ac_store_ops ac_store_pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .head = pg_head,
    .write_begin = pg_write_begin,
    .write_end = pg_write_end,
    .append = pg_append,
    .scan = pg_scan,
    .wait = pg_wait,
    .password_set = pg_password_set,
    .password_get = pg_password_get,
    .session_put = pg_session_put,
    .session_get = pg_session_get,
    .session_delete = pg_session_delete,
    .invite_put = pg_invite_put,
    .invite_get = pg_invite_get,
    .invite_find = pg_invite_find,
    .sealed_scan = pg_sealed_scan,
    .notify_put = pg_notify_put,
    .notify_scan = pg_notify_scan,
    .backup = pg_backup,
};
