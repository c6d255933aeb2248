/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The service: one state under a reader-writer lock and the one writer
 * thread that changes it, with group commit (docs/performance.md): all
 * jobs queued while the previous batch was being written run together and
 * are committed in one transaction, one fsync. Invariants: readers only
 * ever see committed events (the writer holds the write lock from the
 * first ac_exec until the commit returned); a job is answered 2xx only
 * after the commit of its events returned AC_OK; a batch whose commit
 * failed is undone by reloading the state from the store. */
#include "http_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/time.h"
#include "base/ascii.h"
#include "store/log.h"

#define BATCH_ARENA_CAP ((size_t)256 << 20) /* bytes of one batch */
#define TICK_MS 1000                        /* the writer's longest sleep */
#define FOLLOW_MS 500 /* the follower's longest wait for other servers */
#define POLL_MS 250   /* head checks of a store without notifications */

int64_t ac_service_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The time commands run at: the wall clock, never going back. */
static int64_t exec_now(struct ac_service *svc)
{
    int64_t now = ac_service_now();
    if (now < svc->last_now) {
        now = svc->last_now;
    }
    if (now < svc->state.time) {
        now = svc->state.time;
    }
    svc->last_now = now;
    return now;
}

/* Replaces the state by a fresh replay of the store. The caller holds the
 * write lock (or is alone). */
static enum ac_status reload(struct ac_service *svc, struct ac_err *err)
{
    struct ac_arena a;
    struct ac_state s;
    enum ac_status st;

    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    st = ac_log_load(svc->store, &s, err);
    if (st != AC_OK) {
        ac_arena_release(&a);
        __atomic_store_n(&svc->broken, true, __ATOMIC_SEQ_CST);
        return st;
    }
    ac_arena_release(&svc->arena);
    svc->arena = a;
    svc->state = s;
    svc->state.arena = &svc->arena;
    __atomic_store_n(&svc->broken, false, __ATOMIC_SEQ_CST);
    return AC_OK;
}

static void log_line(const char *what, const struct ac_err *e)
{
    fprintf(stderr, "accord: %s: %s\n", what, e->msg);
}

/* Folds in what other servers on the same database appended after the
 * state's head; seq and hash are the store's head, read under its write
 * lock (exact) or without it, when more may have come since. The caller
 * holds the state's write lock. A state the store does not lead on from
 * is reloaded; one that could not read everything keeps what it read (a
 * valid state of the log) and tries again next time. */
static enum ac_status catch_up(struct ac_service *svc, int64_t seq,
                               const uint8_t hash[AC_HASH_LEN], bool exact,
                               struct ac_err *err)
{
    int64_t count = 0;
    enum ac_status st = AC_OK;
    bool same = seq == svc->state.seq &&
                memcmp(hash, svc->state.head, AC_HASH_LEN) == 0;

    if (!same && seq <= svc->state.seq) {
        st = ac_err_set(err, AC_ECORRUPT,
                        "the stored log (event %" PRId64
                        ") does not lead on from this server's (event "
                        "%" PRId64 ")",
                        seq, svc->state.seq);
    } else if (!same) {
        st = ac_log_follow(svc->store, &svc->state, &count, err);
    }
    if (st == AC_OK && !same &&
        (exact ? svc->state.seq != seq
               : svc->state.seq < seq ||
                     (svc->state.seq == seq &&
                      memcmp(hash, svc->state.head, AC_HASH_LEN) != 0))) {
        st = ac_err_set(err, AC_ECORRUPT,
                        "the stored log does not lead to its head (event "
                        "%" PRId64 ")",
                        seq);
    }
    if (st == AC_ECORRUPT) {
        log_line("cannot follow the log", err);
        return reload(svc, err);
    }
    if (count > 0 || svc->reseal) {
        /* the kept secret answers of what was folded in */
        enum ac_status rs = ac_log_reseal(svc->store, &svc->state, err);
        svc->reseal = rs != AC_OK;
        st = st == AC_OK ? rs : st;
    }
    if (count > 0 && svc->notify) {
        ac_notify_wake(svc->notify, svc->state.seq);
    }
    return st;
}

/* The problem detail of a write the store refused: its reason, and that
 * nothing was written. */
static void store_failed(struct ac_service *svc, struct ac_job *jobs,
                         const struct ac_err *e)
{
    char detail[320];
    if (!svc->store_told) {
        /* once per outage, with the whole reason: clients get less */
        log_line("the store failed", e);
        svc->store_told = true;
    }
    if (strcmp(e->where, "commit") == 0) {
        snprintf(detail, sizeof detail,
                 "the store failed during the commit: the write may have "
                 "been kept; check the log before sending it again");
    } else if (strcmp(e->where, "database") == 0) {
        snprintf(detail, sizeof detail,
                 "the store failed (the database is unreachable or did not "
                 "answer); nothing was written");
    } else {
        snprintf(detail, sizeof detail,
                 "the store failed (%s); nothing was written", e->msg);
    }
    for (struct ac_job *j = jobs; j; j = j->next) {
        if (!j->reply.status) {
            ac_api_problem(&j->reply, 503, detail, NULL);
        }
    }
}

/* ---- one batch ---- */

static void render_ok(struct ac_service *svc, struct ac_job *job, int64_t seq,
                      const uint8_t hash[AC_HASH_LEN])
{
    const struct ac_state *s = &svc->state;
    json_t *j = NULL;

    if (job->is_join) {
        j = json_object();
        if (j && json_object_set_new(j, "member",
                                     json_stringn(job->cmd.actor.ptr,
                                                  job->cmd.actor.len)) != 0) {
            json_decref(j);
            j = NULL;
        }
    } else if (job->cmd.type == AC_CMD_DELEGATE ||
               job->cmd.type == AC_CMD_REVOKE ||
               job->cmd.type == AC_CMD_REFUSE) {
        j = ac_api_delegations(s);
    } else if (job->cmd.type == AC_CMD_COMMIT ||
               job->cmd.type == AC_CMD_UPDATE) {
        const struct ac_commitment *c =
            job->cmd.type == AC_CMD_COMMIT
                ? (s->commitment_count
                       ? &s->commitments[s->commitment_count - 1]
                       : NULL)
                : ac_state_commitment(s, job->cmd.commitment);
        j = c ? ac_api_commitment(c) : NULL;
    } else if (job->cmd.type == AC_CMD_BUCKET ||
               job->cmd.type == AC_CMD_PLEDGE) {
        const struct ac_bucket *b = ac_state_bucket(s, job->cmd.bucket);
        const struct ac_pb_round *r =
            b ? &s->rounds[b->round] : ac_state_pb_round(s, job->cmd.round);
        j = r ? ac_api_pb_round(s, r) : NULL;
    } else {
        const struct ac_proposal *p =
            job->created ? &s->proposals[job->created - 1]
                         : ac_state_proposal(s, job->cmd.proposal);
        j = p ? ac_api_proposal(s, p) : NULL;
    }
    if (j && !ac_api_add_head(j, seq, hash)) {
        json_decref(j);
        j = NULL;
    }
    ac_api_json(&job->reply, job->ok_status, j);
}

/* Runs one job against the state. Returns false when the job failed after
 * emitting events (out of memory half way): the batch is then cut back to
 * before it and the state must be reloaded after the commit. */
static bool run_job(struct ac_service *svc, struct ac_job *job, int64_t now,
                    struct ac_arena *a, struct ac_batch *b, size_t *first,
                    struct ac_err *e)
{
    const struct ac_member *m;
    size_t before = b->count, sealed = b->sealed_count;
    size_t unseal = b->unseal_count;
    enum ac_status st;

    ac_err_clear(e);
    *first = before;
    m = ac_state_member(&svc->state, job->cmd.actor);
    /* A write's token is checked before it is queued, but whether its
     * member is active is checked here, against the state it runs on. */
    if (!job->is_join && (!m || m->status != AC_MEMBER_ACTIVE)) {
        ac_api_problem(&job->reply, 401,
                       "the token's member is not an active member", NULL);
        job->reply.challenge = true;
        return true;
    }
    st = ac_exec(&svc->state, &job->cmd, now, a, b, e);
    if (st == AC_OK && job->cmd.type == AC_CMD_PROPOSE) {
        job->created = svc->state.proposal_count;
    }
    if (st != AC_OK) {
        ac_api_problem_err(&job->reply, e);
        if (b->count != before) {
            /* the job's kept answers go with its events */
            b->count = before;
            b->sealed_count = sealed;
            b->unseal_count = unseal;
            return false;
        }
    }
    return true;
}

struct slot {
    struct ac_job *job; /* run in this batch */
    size_t first, end;  /* its events in the batch */
};

/* Closes due rounds first. A tick that fails half way has changed the
 * state without keeping its events: reload before anything else. */
static void run_tick(struct ac_service *svc, int64_t now, struct ac_arena *a,
                     struct ac_batch *b)
{
    struct ac_cmd t = {.type = AC_CMD_TICK, .actor = AC_STR("system")};
    struct ac_err e = {0};
    if (ac_state_next_due(&svc->state) > now) {
        return;
    }
    if (ac_exec(&svc->state, &t, now, a, b, &e) != AC_OK) {
        log_line("closing due rounds failed", &e);
        if (b->count != 0) {
            b->count = 0;
            b->sealed_count = 0;
            b->unseal_count = 0;
            reload(svc, &e);
        }
    }
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define POWER_RECHECK_MS INT64_C(3600000) /* time alone moves measures */

/* Whether the power alerts should be checked: a measure may have changed
 * (an event, or time: windows slide, delegations expire, role-days grow)
 * and the last check is long enough ago. Never while the state is broken:
 * the batch would reload the store again at once. */
static bool power_due(const struct ac_service *svc)
{
    int64_t now = mono_ms();
    return !svc->broken && now >= svc->power_next &&
           (svc->state.power.changed_seq != svc->power_seq ||
            now >= svc->power_last + POWER_RECHECK_MS);
}

/* Raises and clears power alerts (docs/power.md#alerts). A check costs a
 * pass over the facts, so the next one waits twenty times as long as
 * this one took: at most a twentieth of the writer's time. Returns false
 * when it failed half way (the state must then be reloaded). */
static bool run_power(struct ac_service *svc, int64_t now, struct ac_arena *a,
                      struct ac_batch *b)
{
    struct ac_cmd c = {.type = AC_CMD_POWER, .actor = AC_STR("system")};
    struct ac_err e = {0};
    size_t before = b->count;
    int64_t start = mono_ms(), cost;
    bool ok = true;

    if (!power_due(svc)) {
        return true;
    }
    if (ac_exec(&svc->state, &c, now, a, b, &e) != AC_OK) {
        log_line("checking the power alerts failed", &e);
        ok = b->count == before; /* nothing applied: nothing to undo */
        b->count = before;
    }
    cost = mono_ms() - start;
    svc->power_seq = svc->state.power.changed_seq;
    svc->power_last = mono_ms();
    svc->power_next = svc->power_last + 20 * cost;
    return ok;
}

/* Runs jobs (after a due tick) as one batch, commits it and answers each
 * job it ran. A job that fails half way ends the batch there: the jobs
 * after it are left in *rest for another batch, since the state holds
 * events of the failed job until it is reloaded. The caller resumes the
 * connections of the jobs that were run. */
static enum ac_status run_batch(struct ac_service *svc, struct ac_job *jobs,
                                struct ac_job **rest, struct ac_err *err)
{
    struct ac_arena a;
    struct ac_batch b = {0};
    struct ac_store_append extra = {0};
    struct slot *slots = NULL;
    size_t n = 0, i;
    bool reload_after = false;
    enum ac_status st = AC_OK;
    struct ac_err e = {0};
    int64_t now, head_seq;
    uint8_t head_hash[AC_HASH_LEN];

    *rest = NULL;
    for (struct ac_job *j = jobs; j; j = j->next) {
        n++;
    }
    if (n && !(slots = calloc(n, sizeof *slots))) {
        for (struct ac_job *j = jobs; j; j = j->next) {
            ac_api_problem(&j->reply, 503, "out of memory", NULL);
        }
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    ac_arena_init(&a, BATCH_ARENA_CAP);
    /* The store's write lock first: while this server waits for another
     * to finish its append, reads go on. Under it nobody else appends
     * until this batch is committed, and what others appended before is
     * folded in first. */
    st = ac_store_write_begin(svc->store, &head_seq, head_hash, &e);
    if (st != AC_OK) {
        store_failed(svc, jobs, &e);
        ac_arena_release(&a);
        free(slots);
        return ac_err_set(err, e.code, "%s", e.msg);
    }
    pthread_rwlock_wrlock(&svc->lock);
    __atomic_store_n(&svc->follow, false, __ATOMIC_SEQ_CST);
    if (svc->broken) {
        st = reload(svc, &e);
    }
    if (st == AC_OK) {
        st = catch_up(svc, head_seq, head_hash, true, &e);
    }
    if (st != AC_OK) {
        ac_store_write_end(svc->store);
        store_failed(svc, jobs, &e);
        ac_err_set(err, e.code, "%s", e.msg);
        goto out;
    }
    now = exec_now(svc);
    run_tick(svc, now, &a, &b);
    n = 0;
    for (struct ac_job *j = jobs; j; j = j->next) {
        struct slot *sl = &slots[n++];
        sl->job = j;
        if (!run_job(svc, j, now, &a, &b, &sl->first, &e)) {
            reload_after = true;
            *rest = j->next;
            j->next = NULL;
        }
        sl->end = j->reply.status ? sl->first : b.count;
        if (j->is_join && !j->reply.status) {
            extra.passwords = &j->password;
            extra.password_count = 1;
            extra.invite_taken = j->invite;
        }
    }
    if (!reload_after && !run_power(svc, now, &a, &b)) {
        reload_after = true;
    }
    if (b.count > 0) {
        st = ac_log_commit(svc->store, &b, &extra, &e);
        svc->store_told = svc->store_told && st != AC_OK;
        /* released by the append, unless the commit failed before it */
        ac_store_write_end(svc->store);
        if (st == AC_OK && svc->notify) {
            ac_notify_wake(svc->notify, svc->state.seq);
        }
    } else {
        ac_store_write_end(svc->store);
    }
    if (st != AC_OK) {
        for (i = 0; i < n; i++) {
            slots[i].job->reply.status = 0;
        }
        store_failed(svc, jobs, &e);
        ac_err_set(err, e.code, "%s", e.msg);
        reload_after = true;
    }
    if (reload_after && reload(svc, &e) != AC_OK) {
        log_line("cannot reload the log", &e);
    }
    for (i = 0; st == AC_OK && i < n; i++) {
        struct slot *sl = &slots[i];
        if (sl->job->reply.status) {
            continue;
        }
        if (svc->broken) {
            ac_api_problem(&sl->job->reply, 503,
                           "the state could not be reloaded", NULL);
        } else if (sl->end == sl->first) {
            /* Cannot happen: every command emits when it succeeds. */
            ac_api_problem(&sl->job->reply, 500, "the command emitted nothing",
                           NULL);
        } else {
            const struct ac_event *last = &b.events[sl->end - 1];
            render_ok(svc, sl->job, last->seq, last->hash);
        }
    }
out:
    pthread_rwlock_unlock(&svc->lock);
    ac_arena_release(&a);
    free(slots);
    return st;
}

/* ---- the writer thread ---- */

static void resume_all(struct ac_job *jobs)
{
    while (jobs) {
        /* The request may be gone once resumed: read it first. */
        struct ac_job *next = jobs->next;
        struct MHD_Connection *conn = jobs->conn;
        jobs->next = NULL;
        MHD_resume_connection(conn);
        jobs = next;
    }
}

/* Takes the queue, leaving a second invite acceptance for the next batch
 * (one commit deletes one invite). Called with qlock held. */
static struct ac_job *take(struct ac_service *svc)
{
    struct ac_job *taken = NULL, **tail = &taken;
    struct ac_job *keep = NULL, *keep_last = NULL;
    bool join = false;

    for (struct ac_job *j = svc->head; j;) {
        struct ac_job *next = j->next;
        j->next = NULL;
        if (j->is_join && join) {
            if (keep_last) {
                keep_last->next = j;
            } else {
                keep = j;
            }
            keep_last = j;
        } else {
            join = join || j->is_join;
            *tail = j;
            tail = &j->next;
        }
        j = next;
    }
    svc->head = keep;
    svc->tail = keep_last;
    return taken;
}

static void deadline_at(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Folds in what other servers appended, outside any batch: when the
 * follower heard of an append, and once per tick in case it could not. */
static void follow_now(struct ac_service *svc)
{
    struct ac_err e = {0};
    uint8_t hash[AC_HASH_LEN];
    int64_t seq;

    __atomic_store_n(&svc->follow, false, __ATOMIC_SEQ_CST);
    if (ac_store_head(svc->store, &seq, hash, &e) != AC_OK) {
        return; /* the next batch says why */
    }
    /* The writer alone changes the state: it may read it unlocked. */
    if (seq == svc->state.seq &&
        memcmp(hash, svc->state.head, AC_HASH_LEN) == 0) {
        return;
    }
    pthread_rwlock_wrlock(&svc->lock);
    if (catch_up(svc, seq, hash, false, &e) != AC_OK && !svc->follow_told) {
        log_line("cannot follow the log", &e);
    }
    svc->follow_told = e.code != AC_OK;
    pthread_rwlock_unlock(&svc->lock);
}

/* Waits for appends by other servers on the same database and wakes the
 * writer to fold them in. */
static void *follower_main(void *arg)
{
    struct ac_service *svc = arg;
    bool told = false;
    while (__atomic_load_n(&svc->following, __ATOMIC_SEQ_CST)) {
        struct ac_err e = {0};
        bool moved = false;
        if (ac_store_wait(svc->store, FOLLOW_MS, &moved, &e) != AC_OK) {
            struct timespec ts = {0, FOLLOW_MS * 1000000L};
            if (!told) {
                log_line("cannot listen for other servers' appends", &e);
            }
            told = true;
            nanosleep(&ts, NULL);
            continue;
        }
        told = false;
        if (moved) {
            __atomic_store_n(&svc->follow, true, __ATOMIC_SEQ_CST);
            pthread_mutex_lock(&svc->qlock);
            pthread_cond_signal(&svc->qcond);
            pthread_mutex_unlock(&svc->qlock);
        }
    }
    return NULL;
}

static void *writer_main(void *arg)
{
    struct ac_service *svc = arg;
    int64_t followed = mono_ms();
    /* A store that cannot tell of others' appends is asked for its head
     * this often instead. */
    int64_t poll_ms = ac_store_can_wait(svc->store) ? TICK_MS : POLL_MS;
    int64_t retry_at = 0; /* monotonic ms: no batch of its own before */
    for (;;) {
        struct ac_job *jobs;
        struct ac_err e = {0};
        bool stop;
        /* The writer is the only one to change the state, so it may read
         * it without the lock. */
        int64_t due = ac_state_next_due(&svc->state);
        int64_t wait = poll_ms;

        if (due != INT64_MAX) {
            int64_t left = due - ac_service_now();
            wait = left < 0 ? 0 : (left < wait ? left : wait);
        }
        if (power_due(svc) ||
            (!svc->broken && svc->state.power.changed_seq != svc->power_seq)) {
            int64_t left = svc->power_next - mono_ms();
            wait = left < 0 ? 0 : (left < wait ? left : wait);
        }
        if (wait == 0 && mono_ms() < retry_at) {
            /* the store failed the last batch: not again at once */
            wait = retry_at - mono_ms();
        }
        pthread_mutex_lock(&svc->qlock);
        if (!svc->head && !svc->stop && wait > 0 &&
            !__atomic_load_n(&svc->follow, __ATOMIC_SEQ_CST)) {
            struct timespec ts;
            deadline_at(&ts, wait);
            pthread_cond_timedwait(&svc->qcond, &svc->qlock, &ts);
        }
        jobs = take(svc);
        stop = svc->stop && !jobs && !svc->head;
        pthread_mutex_unlock(&svc->qlock);
        if (stop) {
            break;
        }
        if (!jobs && (__atomic_load_n(&svc->follow, __ATOMIC_SEQ_CST) ||
                      mono_ms() - followed >= poll_ms)) {
            followed = mono_ms();
            follow_now(svc);
        }
        if (!jobs && mono_ms() >= retry_at &&
            (svc->broken || power_due(svc) ||
             ac_state_next_due(&svc->state) <= ac_service_now())) {
            struct ac_job *rest;
            if (run_batch(svc, NULL, &rest, &e) != AC_OK) {
                if (!retry_at) {
                    log_line("cannot act on what is due", &e);
                }
                retry_at = mono_ms() + TICK_MS;
            } else {
                retry_at = 0;
            }
        }
        while (jobs) {
            struct ac_job *rest;
            run_batch(svc, jobs, &rest, &e);
            resume_all(jobs);
            jobs = rest;
        }
    }
    return NULL;
}

/* ---- life cycle ---- */

/* Whether member may hear of events: an active member. */
static bool member_active(void *ctx, const char *member)
{
    struct ac_service *svc = ctx;
    const struct ac_member *m;
    bool active;
    pthread_rwlock_rdlock(&svc->lock);
    m = ac_state_member(&svc->state, ac_str_c(member));
    active = m && m->status == AC_MEMBER_ACTIVE;
    pthread_rwlock_unlock(&svc->lock);
    return active;
}

/* The notification settings from the config file and the store. */
static enum ac_status open_notify(struct ac_service *svc,
                                  const struct ac_server_config *cfg,
                                  struct ac_err *err)
{
    struct ac_notify_cfg nc;
    char path[4096], org[128];
    enum ac_status st;
    if (cfg->config) {
        snprintf(path, sizeof path, "%s", cfg->config);
    } else if (ac_store_is_url(cfg->data)) {
        /* a database has no folder for a settings file: none is read */
        path[0] = '\0';
    } else {
        snprintf(path, sizeof path, "%s/%s", cfg->data, AC_NOTIFY_CONF);
    }
    st = ac_notify_cfg_load(path, cfg->config != NULL, &nc, err);
    if (st == AC_OK) {
        st = ac_notify_open(svc->store, &nc, &svc->notify, err);
    }
    if (st == AC_OK) {
        snprintf(org, sizeof org, "%.*s", (int)svc->state.name.len,
                 svc->state.name.ptr);
        ac_utf8_cut(org);
        ac_notify_set_source(svc->notify, org, member_active, svc);
    }
    return st;
}

enum ac_status ac_service_open(struct ac_service *svc,
                               const struct ac_server_config *cfg,
                               struct ac_err *err)
{
    pthread_rwlockattr_t ra;
    pthread_condattr_t ca;
    char pw[AC_TOKEN_LEN + 1];
    enum ac_status st;

    memset(svc, 0, sizeof *svc);
    svc->cfg = cfg;
    svc->body_limit = cfg->body_limit ? cfg->body_limit : (size_t)1 << 20;
    svc->token_ms =
        (cfg->token_hours > 0 ? cfg->token_hours : 24) * AC_MS_PER_HOUR;
    ac_arena_init(&svc->arena, 0);
    ac_state_init(&svc->state, &svc->arena);

    pthread_rwlockattr_init(&ra);
    /* Writers must not starve under a stream of reads. */
    pthread_rwlockattr_setkind_np(&ra,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&svc->lock, &ra);
    pthread_rwlockattr_destroy(&ra);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&svc->qcond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&svc->qlock, NULL);
    pthread_mutex_init(&svc->invite_lock, NULL);

    if (!cfg->data || !*cfg->data) {
        return ac_err_at(err, "--data", AC_EINVAL,
                         "no data folder given (--data)");
    }
    if (!ac_secret_init()) {
        return ac_err_set(err, AC_EIO, "cannot initialise libsodium");
    }
    st = ac_auth_new(&svc->auth, err);
    if (st != AC_OK) {
        return st;
    }
    st = ac_store_open(cfg->data, false, &svc->store, err);
    if (st != AC_OK) {
        return st;
    }
    st = ac_log_load(svc->store, &svc->state, err);
    if (st != AC_OK) {
        return st;
    }
    if (!svc->state.founded) {
        char where[512];
        ac_store_where(cfg->data, where, sizeof where);
        return ac_err_set(err, AC_ENOTFOUND,
                          "no organisation in \"%s\": run accord init", where);
    }
    st = open_notify(svc, cfg, err);
    if (st != AC_OK) {
        return st;
    }
    /* Unknown members are checked against this, so that a login takes
     * the same time whether the member exists or not. */
    ac_token_new(pw);
    return ac_auth_hash(svc->auth, ac_str_c(pw), svc->dummy_phc, err);
}

enum ac_status ac_service_tick(struct ac_service *svc, struct ac_err *err)
{
    struct ac_job *rest;
    return run_batch(svc, NULL, &rest, err);
}

enum ac_status ac_service_start(struct ac_service *svc, struct ac_err *err)
{
    int rc;
    if (svc->notify) {
        enum ac_status st = ac_notify_start(svc->notify, err);
        if (st != AC_OK) {
            return st;
        }
        ac_notify_wake(svc->notify, svc->state.seq);
    }
    if (ac_store_can_wait(svc->store)) {
        __atomic_store_n(&svc->following, true, __ATOMIC_SEQ_CST);
        rc = pthread_create(&svc->follower, NULL, follower_main, svc);
        if (rc != 0) {
            return ac_err_set(err, AC_ENOMEM, "cannot start the follower: %s",
                              strerror(rc));
        }
        svc->has_follower = true;
    }
    rc = pthread_create(&svc->writer, NULL, writer_main, svc);
    if (rc != 0) {
        return ac_err_set(err, AC_ENOMEM, "cannot start the writer: %s",
                          strerror(rc));
    }
    svc->has_writer = true;
    return AC_OK;
}

bool ac_service_submit(struct ac_service *svc, struct ac_job *job)
{
    bool ok;
    job->next = NULL;
    pthread_mutex_lock(&svc->qlock);
    ok = !svc->closing;
    if (ok) {
        if (svc->tail) {
            svc->tail->next = job;
        } else {
            svc->head = job;
        }
        svc->tail = job;
        pthread_cond_signal(&svc->qcond);
    }
    pthread_mutex_unlock(&svc->qlock);
    return ok;
}

void ac_service_drain(struct ac_service *svc)
{
    pthread_mutex_lock(&svc->qlock);
    svc->closing = true;
    svc->stop = true;
    pthread_cond_signal(&svc->qcond);
    pthread_mutex_unlock(&svc->qlock);
    if (svc->has_writer) {
        pthread_join(svc->writer, NULL);
        svc->has_writer = false;
    }
    if (svc->has_follower) {
        __atomic_store_n(&svc->following, false, __ATOMIC_SEQ_CST);
        pthread_join(svc->follower, NULL);
        svc->has_follower = false;
    }
}

void ac_service_close(struct ac_service *svc)
{
    ac_service_drain(svc);
    ac_notify_close(svc->notify);
    svc->notify = NULL;
    if (svc->store) {
        ac_store_close(svc->store);
        svc->store = NULL;
    }
    ac_auth_free(svc->auth);
    svc->auth = NULL;
    ac_arena_release(&svc->arena);
    pthread_rwlock_destroy(&svc->lock);
    pthread_cond_destroy(&svc->qcond);
    pthread_mutex_destroy(&svc->qlock);
    pthread_mutex_destroy(&svc->invite_lock);
}
