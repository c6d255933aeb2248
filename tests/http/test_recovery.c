/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Another writer on the same store (another server on the same
 * database, or a tool): the server folds its events in, both while idle
 * and before its own next write, so the chain stays one. A write lock
 * held elsewhere past the store's wait is answered 503 and nothing of
 * the write is kept. */
#include "fixture.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include "core/exec.h"
#include "store/log.h"
#include "store/store.h"

/* Appends a proposal by alice to the store directly. */
static void append_behind_its_back(const char *data)
{
    struct ac_store *st = NULL;
    struct ac_arena a;
    struct ac_state s;
    struct ac_batch b = {0};
    struct ac_cmd cmd = {0};
    struct ac_err e = {0};
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    cr_assert_eq(t_store_open(data, false, &st, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_load(st, &s, &e), AC_OK, "%s", e.msg);
    cmd.type = AC_CMD_PROPOSE;
    cmd.actor = AC_STR("alice");
    cmd.circle = AC_STR("all");
    cmd.kind = AC_STR("agreement.adopt");
    cmd.title = AC_STR("From elsewhere");
    cmd.data = ac_val_obj(&a);
    cr_assert(ac_val_set(&a, cmd.data, "text", ac_val_str(&a, AC_STR("x"))));
    cr_assert_eq(ac_exec(&s, &cmd, (int64_t)ts.tv_sec * 1000, &a, &b, &e),
                 AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_commit(st, &b, NULL, &e), AC_OK, "%s", e.msg);
    ac_store_close(st);
    ac_arena_release(&a);
}

Test(recovery, another_writers_events_are_folded_in, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    long long seq;
    char *id;
    bool seen = false;
    org_up(&o, false);
    id = propose(&o, o.alice, "all", "agreement.adopt", "First",
                 "{\"text\":\"one\"}");
    cr_assert_str_eq(id, "p1");
    free(id);
    seq = head_seq(&o);

    /* without any write here, the server shows the other writer's event
     * within a few seconds */
    append_behind_its_back(o.data);
    for (int i = 0; i < 50 && !seen; i++) {
        r = t_http(&o.srv, "GET", "/api/v1/proposals/p2", o.alice, NULL);
        seen = r.status == 200;
        if (seen) {
            cr_assert_str_eq(jstr(r.json, "title"), "From elsewhere");
        }
        t_resp_free(&r);
        if (!seen) {
            usleep(100 * 1000);
        }
    }
    cr_assert(seen, "the other writer's proposal never showed");
    cr_assert_eq(head_seq(&o), seq + 1);

    /* and the next write builds on it */
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
            "\"Second\",\"data\":{\"text\":\"two\"}}");
    expect_status(r, 201);
    cr_assert_str_eq(jstr(r.json, "id"), "p3");
    cr_assert_eq(jint(r.json, "seq"), seq + 2);
    t_resp_free(&r);

    /* a write that races the other writer is folded in just the same */
    append_behind_its_back(o.data);
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
            "\"Third\",\"data\":{\"text\":\"three\"}}");
    expect_status(r, 201);
    cr_assert_str_eq(jstr(r.json, "id"), "p5");
    cr_assert_eq(jint(r.json, "seq"), seq + 4);
    t_resp_free(&r);
    cr_assert_eq(t_server_stop(&o.srv, SIGTERM), 0);
    {
        const char *verify[] = {"verify", "--data", o.data, NULL};
        char *out = NULL, *want = t_fmt("ok: %lld events", seq + 4);
        cr_assert_eq(t_run(verify, NULL, NULL, &out, NULL), 0);
        cr_assert(strstr(out, want), "%s", out);
        free(want);
        free(out);
    }
    org_down(&o);
}

/* Holds the store's write lock from outside the server, as a stuck
 * writer would: SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock of
 * the log (src/store/pg.c). */
struct holder {
    sqlite3 *db;
    PGconn *pg;
};

static void hold_write_lock(struct holder *h, const char *data)
{
    memset(h, 0, sizeof *h);
    if (t_pg()) {
        char *url = t_store(data);
        PGresult *res;
        h->pg = PQconnectdb(url);
        free(url);
        res = PQexec(h->pg, "SELECT pg_advisory_lock(hashtext('accord log ' "
                            "|| current_schema()))");
        cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s",
                     PQerrorMessage(h->pg));
        PQclear(res);
    } else {
        char *path = t_fmt("%s/accord.db", data);
        cr_assert_eq(sqlite3_open(path, &h->db), SQLITE_OK);
        free(path);
        cr_assert_eq(sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
                     SQLITE_OK);
    }
}

static void release_write_lock(struct holder *h)
{
    if (h->pg) {
        PQfinish(h->pg); /* the lock goes with the session */
    }
    if (h->db) {
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(h->db);
    }
    memset(h, 0, sizeof *h);
}

Test(recovery, a_write_lock_held_elsewhere_is_503_and_nothing_is_written,
     .fini = org_cleanup, .timeout = 60)
{
    struct org o;
    struct holder h;
    struct t_resp r;
    long long seq;
    const char *detail;
    org_up(&o, false);
    seq = head_seq(&o);

    hold_write_lock(&h, o.data);
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
            "\"Stuck\",\"data\":{\"text\":\"x\"}}");
    expect_status(r, 503);
    cr_assert_str_eq(r.content_type, "application/problem+json");
    detail = jstr(r.json, "detail");
    cr_assert(strstr(detail, "nothing was written"), "%s", detail);
    cr_assert(strstr(detail, "lock"), "%s", detail);
    t_resp_free(&r);
    release_write_lock(&h);
    cr_assert_eq(head_seq(&o), seq);

    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
            "\"Free\",\"data\":{\"text\":\"x\"}}");
    expect_status(r, 201);
    cr_assert_str_eq(jstr(r.json, "id"), "p1");
    cr_assert_eq(jint(r.json, "seq"), seq + 1);
    t_resp_free(&r);
    org_down(&o);
}
