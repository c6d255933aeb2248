/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* PostgreSQL restarted under load (docs/operations.md#postgresql):
 * clients keep writing while the database stops and starts again. While
 * it is away, writes are answered 503 and reads go on; afterwards the
 * server reconnects by itself and writes succeed again; every write that
 * was answered 201 is in the log with the seq and hash it was answered
 * with, and the log verifies. Runs on the test cluster of tools/run-tests
 * --pg (ACCORD_TEST_PG and ACCORD_TEST_PG_DIR). */
#include "fixture.h"

#include <pthread.h>
#include <unistd.h>

#define THREADS 4
#define MAX_ACKS 4096

struct ack {
    char id[16];
    long long seq;
    char hash[65];
};

struct shared {
    const struct org *o;
    pthread_mutex_t lock;
    struct ack acks[MAX_ACKS];
    int count;       /* answered 201 */
    int unavailable; /* answered 503 */
    int unexpected;  /* anything else */
    bool stop;       /* under lock */
};

static bool stopping(struct shared *sh)
{
    bool stop;
    pthread_mutex_lock(&sh->lock);
    stop = sh->stop;
    pthread_mutex_unlock(&sh->lock);
    return stop;
}

static void *work(void *arg)
{
    struct shared *sh = arg;
    for (int i = 0; !stopping(sh); i++) {
        struct t_resp r = req(sh->o, "POST", "/api/v1/proposals", sh->o->alice,
                              "{\"circle\":\"all\",\"kind\":\"agreement."
                              "adopt\",\"title\":\"Steady\",\"data\":{"
                              "\"text\":\"Written through a restart.\"}}");
        pthread_mutex_lock(&sh->lock);
        if (r.status == 201 && sh->count < MAX_ACKS) {
            struct ack *a = &sh->acks[sh->count++];
            snprintf(a->id, sizeof a->id, "%s", jstr(r.json, "id"));
            a->seq = jint(r.json, "seq");
            snprintf(a->hash, sizeof a->hash, "%s", jstr(r.json, "hash"));
        } else if (r.status == 503) {
            sh->unavailable++;
        } else {
            fprintf(stderr, "unexpected HTTP %ld: %s\n", r.status, r.body);
            sh->unexpected++;
        }
        pthread_mutex_unlock(&sh->lock);
        t_resp_free(&r);
        usleep(2000);
    }
    return NULL;
}

static int acked(struct shared *sh)
{
    int n;
    pthread_mutex_lock(&sh->lock);
    n = sh->count;
    pthread_mutex_unlock(&sh->lock);
    return n;
}

/* Runs tools/pg-cluster with verb on the test cluster. */
static int cluster(const char *verb)
{
    const char *dir = getenv("ACCORD_TEST_PG_DIR");
    char *cmd = t_fmt("tools/pg-cluster %s '%s'", verb, dir);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

Test(pgrestart, writes_pause_with_503_and_lose_nothing, .fini = org_cleanup,
     .timeout = 120)
{
    static struct org o;
    static struct shared sh;
    pthread_t th[THREADS];
    int before, after;
    long long head;

    cr_assert_not_null(t_pg(),
                       "runs on PostgreSQL only: tools/run-tests --pg sets "
                       "ACCORD_TEST_PG");
    cr_assert_not_null(getenv("ACCORD_TEST_PG_DIR"),
                       "ACCORD_TEST_PG_DIR names the cluster to restart");
    org_up(&o, false);
    sh.o = &o;
    pthread_mutex_init(&sh.lock, NULL);
    for (int i = 0; i < THREADS; i++) {
        cr_assert_eq(pthread_create(&th[i], NULL, work, &sh), 0);
    }
    while (acked(&sh) < 40) {
        usleep(10 * 1000);
    }

    /* stop the database: writes are refused with 503, reads go on */
    cr_assert_eq(cluster("halt"), 0, "the cluster did not stop");
    {
        struct t_resp r;
        before = acked(&sh);
        usleep(500 * 1000);
        r = req(&o, "GET", "/api/v1/proposals/p1", o.alice, NULL);
        expect_status(r, 200);
        t_resp_free(&r);
        r = req(&o, "POST", "/api/v1/proposals", o.alice,
                "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
                "\"While away\",\"data\":{\"text\":\"x\"}}");
        expect_status(r, 503);
        cr_assert(strstr(jstr(r.json, "detail"), "nothing was written"), "%s",
                  r.body);
        t_resp_free(&r);
        cr_assert_leq(acked(&sh) - before, THREADS,
                      "writes were acknowledged while the database was "
                      "down");
    }
    cr_assert_eq(cluster("resume"), 0, "the cluster did not start again");

    /* the server reconnects by itself */
    before = acked(&sh);
    for (int i = 0; i < 300 && acked(&sh) < before + 40; i++) {
        usleep(50 * 1000);
    }
    after = acked(&sh);
    pthread_mutex_lock(&sh.lock);
    sh.stop = true;
    pthread_mutex_unlock(&sh.lock);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
    }
    cr_assert_geq(after, before + 40, "writes did not resume (%d after %d)",
                  after, before);
    cr_assert_gt(sh.unavailable, 0, "no write met the database away");
    cr_assert_eq(sh.unexpected, 0);

    /* every acknowledged write is there, as it was answered */
    head = head_seq(&o);
    fprintf(stderr,
            "pgrestart: %d writes acknowledged, %d answered 503, head %lld\n",
            sh.count, sh.unavailable, head);
    cr_assert_eq(t_server_stop(&o.srv, SIGTERM), 0);
    {
        const char *verify[] = {"verify", "--data", o.data, NULL};
        const char *export[] = {"export", "--data", o.data, NULL};
        char *out = NULL, *log = NULL, *save = NULL;
        char *want = t_fmt("ok: %lld events", head);
        json_t **events = calloc((size_t)head + 1, sizeof *events);
        long long n = 0;
        cr_assert_eq(t_run(verify, NULL, NULL, &out, NULL), 0, "%s", out);
        cr_assert(strstr(out, want), "%s", out);
        cr_assert_eq(t_run(export, NULL, NULL, &log, NULL), 0);
        free(out);
        for (char *line = strtok_r(log, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            cr_assert_lt(n, head);
            events[n++] = json_loads(line, 0, NULL);
        }
        cr_assert_eq(n, head);
        for (int i = 0; i < sh.count; i++) {
            const struct ack *a = &sh.acks[i];
            json_t *ev = events[a->seq - 1];
            cr_assert_not_null(ev, "acknowledged event %lld is missing",
                               a->seq);
            cr_assert_eq(jint(ev, "seq"), a->seq);
            cr_assert_str_eq(jstr(ev, "hash"), a->hash);
            cr_assert_str_eq(jstr(json_object_get(ev, "data"), "id"), a->id);
        }
        for (long long i = 0; i < n; i++) {
            json_decref(events[i]);
        }
        free(events);
        free(log);
        free(want);
    }
    pthread_mutex_destroy(&sh.lock);
    org_down(&o);
}
