/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Two servers on one store (docs/scaling.md): concurrent clients write
 * through both at once. Every acknowledged write has its own seq, the
 * seqs of all of them together are one gapless run, each server shows
 * the other's writes within a second, a session made on one works on
 * the other and a logout on one ends it on both, and the log verifies
 * with exactly the acknowledged events. On PostgreSQL the servers hear
 * of each other's appends through LISTEN/NOTIFY; on SQLite, by asking
 * for the head. */
#include "fixture.h"

#include <pthread.h>
#include <unistd.h>

#define THREADS 6
#define PER_THREAD 15

struct shared {
    const struct t_server *srv[2];
    const char *token[2];
    pthread_mutex_t lock;
    long long seqs[THREADS * PER_THREAD * 2];
    char ids[THREADS * PER_THREAD * 2][16];
    int count;      /* acknowledged writes, under lock */
    int unexpected; /* other answers, under lock */
};

struct worker {
    struct shared *sh;
    int n;
};

static void ack(struct shared *sh, const struct t_resp *r)
{
    pthread_mutex_lock(&sh->lock);
    if ((r->status == 201 || r->status == 200) && r->json) {
        sh->seqs[sh->count] = jint(r->json, "seq");
        snprintf(sh->ids[sh->count], sizeof sh->ids[0], "%s",
                 r->status == 201 ? jstr(r->json, "id") : "");
        sh->count++;
    } else {
        fprintf(stderr, "unexpected HTTP %ld: %s\n", r->status, r->body);
        sh->unexpected++;
    }
    pthread_mutex_unlock(&sh->lock);
}

/* Each thread writes through both servers in turn: a proposal, then a
 * position on it through the other server. */
static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    for (int i = 0; i < PER_THREAD; i++) {
        int a = (w->n + i) % 2, b = 1 - a;
        char *body = t_fmt("{\"circle\":\"all\",\"kind\":\"agreement.adopt\","
                           "\"title\":\"Rule %d.%d\",\"data\":{\"text\":"
                           "\"Text %d.%d\"}}",
                           w->n, i, w->n, i);
        struct t_resp r =
            t_http(sh->srv[a], "POST", "/api/v1/proposals", sh->token[a], body);
        char *id = r.status == 201 ? t_fmt("%s", jstr(r.json, "id")) : NULL;
        ack(sh, &r);
        t_resp_free(&r);
        free(body);
        if (id) {
            /* the other server may not have folded it in yet: it does so
             * before writing, so the position finds the proposal */
            char *path = t_fmt("/api/v1/proposals/%s/positions", id);
            r = t_http(sh->srv[b], "POST", path, sh->token[b],
                       "{\"position\":\"concern\",\"reason\":\"think\"}");
            ack(sh, &r);
            t_resp_free(&r);
            free(path);
            free(id);
        }
    }
    return NULL;
}

static int cmp_ll(const void *x, const void *y)
{
    long long a = *(const long long *)x, b = *(const long long *)y;
    return (a > b) - (a < b);
}

/* How long until srv shows proposal id (ms), polling; -1 if never. */
static long long visible_after(const struct t_server *srv, const char *token,
                               const char *id, int64_t since)
{
    char *path = t_fmt("/api/v1/proposals/%s", id);
    long long ms = -1;
    for (int i = 0; i < 400 && ms < 0; i++) {
        struct t_resp r = t_http(srv, "GET", path, token, NULL);
        if (r.status == 200) {
            ms = wall_ms() - since;
        }
        t_resp_free(&r);
        if (ms < 0) {
            usleep(5 * 1000);
        }
    }
    free(path);
    return ms;
}

Test(multi, two_servers_keep_one_chain, .fini = org_cleanup, .timeout = 120)
{
    static struct org o;
    struct t_server other = {0};
    struct shared sh = {0};
    struct worker w[THREADS];
    pthread_t th[THREADS];
    long long start, worst = 0;
    char *bob;

    org_up(&o, true);
    start = head_seq(&o);
    cr_assert(t_server_start(&other, o.data), "no second server");
    /* a session made on the first server works on the second */
    bob = t_login(&o.srv, "bob", PW_BOB);
    cr_assert_not_null(bob);

    /* each sees the other's writes within a second, both ways */
    for (int i = 0; i < 6; i++) {
        const struct t_server *from = i % 2 ? &other : &o.srv;
        const struct t_server *to = i % 2 ? &o.srv : &other;
        char *title = t_fmt("Seen %d", i);
        char *body =
            t_fmt("{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
                  "\"%s\",\"data\":{\"text\":\"x\"}}",
                  title);
        struct t_resp r = t_http(from, "POST", "/api/v1/proposals", bob, body);
        int64_t at = wall_ms();
        long long ms;
        expect_status(r, 201);
        ms = visible_after(to, o.alice, jstr(r.json, "id"), at);
        cr_assert(ms >= 0 && ms < 1000, "%s showed after %lld ms", title, ms);
        worst = ms > worst ? ms : worst;
        t_resp_free(&r);
        free(body);
        free(title);
    }
    fprintf(stderr, "multi: slowest sighting across servers %lld ms\n", worst);
    start = head_seq(&o);

    sh.srv[0] = &o.srv;
    sh.srv[1] = &other;
    sh.token[0] = o.alice;
    sh.token[1] = bob;
    pthread_mutex_init(&sh.lock, NULL);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){&sh, i};
        cr_assert_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
    }
    cr_assert_eq(sh.unexpected, 0, "%d writes were refused", sh.unexpected);
    cr_assert_eq(sh.count, THREADS * PER_THREAD * 2);

    /* one gapless run of seqs right after the start, one per write */
    qsort(sh.seqs, (size_t)sh.count, sizeof sh.seqs[0], cmp_ll);
    for (int i = 0; i < sh.count; i++) {
        cr_assert_eq(sh.seqs[i], start + 1 + i, "seq %d is %lld, not %lld", i,
                     sh.seqs[i], start + 1 + i);
    }
    /* proposal ids are unique too */
    for (int i = 0; i < sh.count; i++) {
        for (int j = i + 1; sh.ids[i][0] && j < sh.count; j++) {
            cr_assert_str_neq(sh.ids[i], sh.ids[j]);
        }
    }

    /* a logout through one server ends the session on the other too, once
     * its cache asks the store again */
    {
        struct t_resp r = t_http(&other, "GET", "/api/v1/org", bob, NULL);
        bool ended = false;
        expect_status(r, 200);
        t_resp_free(&r);
        r = t_http(&o.srv, "DELETE", "/api/v1/session", bob, NULL);
        cr_assert(r.status == 204 || r.status == 200, "logout: %ld", r.status);
        t_resp_free(&r);
        for (int i = 0; i < 80 && !ended; i++) {
            r = t_http(&other, "GET", "/api/v1/org", bob, NULL);
            ended = r.status == 401;
            t_resp_free(&r);
            if (!ended) {
                usleep(100 * 1000);
            }
        }
        cr_assert(ended, "the other server still takes the token");
    }

    cr_assert_eq(t_server_stop(&other, SIGTERM), 0);
    cr_assert_eq(head_seq(&o), start + sh.count);
    cr_assert_eq(t_server_stop(&o.srv, SIGTERM), 0);
    {
        const char *verify[] = {"verify", "--data", o.data, NULL};
        char *out = NULL;
        char *want = t_fmt("ok: %lld events", start + sh.count);
        cr_assert_eq(t_run(verify, NULL, NULL, &out, NULL), 0, "%s", out);
        cr_assert(strstr(out, want), "%s", out);
        free(want);
        free(out);
    }
    free(bob);
    pthread_mutex_destroy(&sh.lock);
    org_down(&o);
}
