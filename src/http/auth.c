/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Sessions cached in memory (token hash -> member, expiry) so that
 * authenticated reads do not touch the store; failed-login counting per
 * member id and per client address; Argon2id behind one mutex.
 * Invariants: a key's failure times are the newest AC_LOGIN_FAILURES, in
 * order; both tables prune expired entries as they grow. */
#include "http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 80
#define PRUNE_AT 4096 /* entries before a sweep of expired ones */

struct entry {
    struct entry *next;               /* bucket chain */
    char key[KEY_MAX];                /* token hash, "m:ID" or "i:ADDR" */
    char member[AC_MEMBER_BUF];       /* sessions */
    int64_t expires;                  /* sessions: ms */
    int64_t times[AC_LOGIN_FAILURES]; /* failures: ms, oldest first */
    size_t count;                     /* failures held */
};

struct table {
    struct entry **buckets; /* heap */
    size_t room;            /* buckets, a power of two */
    size_t count;           /* entries */
    size_t prune_at;        /* sweep when count reaches it */
};

struct ac_auth {
    pthread_mutex_t lock;      /* both tables */
    struct table sessions;     /* token hash -> member, expiry */
    struct table failures;     /* "m:ID" / "i:ADDR" -> failure times */
    pthread_mutex_t hash_lock; /* Argon2id, one at a time */
};

static uint64_t key_hash(const char *key)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h = (h ^ *p) * 1099511628211u;
    }
    return h;
}

static bool table_init(struct table *t)
{
    t->room = 256;
    t->count = 0;
    t->prune_at = PRUNE_AT;
    t->buckets = calloc(t->room, sizeof *t->buckets);
    return t->buckets != NULL;
}

static void table_release(struct table *t)
{
    for (size_t i = 0; t->buckets && i < t->room; i++) {
        struct entry *e = t->buckets[i];
        while (e) {
            struct entry *next = e->next;
            free(e);
            e = next;
        }
    }
    free(t->buckets);
    t->buckets = NULL;
}

static struct entry **slot(struct table *t, const char *key)
{
    struct entry **pp = &t->buckets[key_hash(key) & (t->room - 1)];
    while (*pp && strcmp((*pp)->key, key) != 0) {
        pp = &(*pp)->next;
    }
    return pp;
}

static void drop(struct table *t, struct entry **pp)
{
    struct entry *e = *pp;
    *pp = e->next;
    free(e);
    t->count--;
}

typedef bool (*dead_fn)(const struct entry *e, int64_t now);

static bool session_dead(const struct entry *e, int64_t now)
{
    return e->expires <= now;
}

static bool failures_dead(const struct entry *e, int64_t now)
{
    return e->count == 0 || e->times[e->count - 1] + AC_LOGIN_WINDOW_MS <= now;
}

/* Drops dead entries; doubles the buckets when still crowded. */
static void sweep(struct table *t, dead_fn dead, int64_t now)
{
    for (size_t i = 0; i < t->room; i++) {
        struct entry **pp = &t->buckets[i];
        while (*pp) {
            if (dead(*pp, now)) {
                drop(t, pp);
            } else {
                pp = &(*pp)->next;
            }
        }
    }
    if (t->count * 2 >= t->prune_at) {
        size_t room = t->room * 2;
        struct entry **b = calloc(room, sizeof *b);
        if (b) {
            for (size_t i = 0; i < t->room; i++) {
                struct entry *e = t->buckets[i];
                while (e) {
                    struct entry *next = e->next;
                    size_t k = key_hash(e->key) & (room - 1);
                    e->next = b[k];
                    b[k] = e;
                    e = next;
                }
            }
            free(t->buckets);
            t->buckets = b;
            t->room = room;
        }
        t->prune_at *= 2;
    }
}

/* The entry for key, created when missing; NULL when out of memory. */
static struct entry *upsert(struct table *t, const char *key, dead_fn dead,
                            int64_t now)
{
    struct entry **pp;
    struct entry *e;
    if (t->count >= t->prune_at) {
        sweep(t, dead, now);
    }
    pp = slot(t, key);
    if (*pp) {
        return *pp;
    }
    e = calloc(1, sizeof *e);
    if (!e) {
        return NULL;
    }
    snprintf(e->key, sizeof e->key, "%s", key);
    e->next = NULL;
    *pp = e;
    t->count++;
    return e;
}

enum ac_status ac_auth_new(struct ac_auth **out, struct ac_err *err)
{
    struct ac_auth *au = calloc(1, sizeof *au);
    if (!au || !table_init(&au->sessions) || !table_init(&au->failures)) {
        if (au) {
            table_release(&au->sessions);
            table_release(&au->failures);
        }
        free(au);
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&au->lock, NULL);
    pthread_mutex_init(&au->hash_lock, NULL);
    *out = au;
    return AC_OK;
}

void ac_auth_free(struct ac_auth *au)
{
    if (!au) {
        return;
    }
    table_release(&au->sessions);
    table_release(&au->failures);
    pthread_mutex_destroy(&au->lock);
    pthread_mutex_destroy(&au->hash_lock);
    free(au);
}

void ac_auth_session_put(struct ac_auth *au, const char *token_hash,
                         const char *member, int64_t expires)
{
    struct entry *e;
    pthread_mutex_lock(&au->lock);
    e = upsert(&au->sessions, token_hash, session_dead, ac_service_now());
    if (e) {
        snprintf(e->member, sizeof e->member, "%s", member);
        e->expires = expires;
    }
    pthread_mutex_unlock(&au->lock);
}

bool ac_auth_session_get(struct ac_auth *au, const char *token_hash,
                         int64_t now, char member[AC_MEMBER_BUF])
{
    struct entry **pp;
    bool found = false;
    pthread_mutex_lock(&au->lock);
    pp = slot(&au->sessions, token_hash);
    if (*pp && (*pp)->expires <= now) {
        drop(&au->sessions, pp);
    } else if (*pp) {
        memcpy(member, (*pp)->member, sizeof(*pp)->member);
        found = true;
    }
    pthread_mutex_unlock(&au->lock);
    return found;
}

void ac_auth_session_drop(struct ac_auth *au, const char *token_hash)
{
    struct entry **pp;
    pthread_mutex_lock(&au->lock);
    pp = slot(&au->sessions, token_hash);
    if (*pp) {
        drop(&au->sessions, pp);
    }
    pthread_mutex_unlock(&au->lock);
}

/* Forgets failures that left the window. */
static void expire(struct entry *e, int64_t now)
{
    size_t k = 0;
    while (k < e->count && e->times[k] + AC_LOGIN_WINDOW_MS <= now) {
        k++;
    }
    if (k) {
        memmove(e->times, e->times + k, (e->count - k) * sizeof e->times[0]);
        e->count -= k;
    }
}

int64_t ac_auth_blocked(struct ac_auth *au, const char *key, int64_t now)
{
    struct entry **pp;
    int64_t wait = 0;
    pthread_mutex_lock(&au->lock);
    pp = slot(&au->failures, key);
    if (*pp) {
        struct entry *e = *pp;
        expire(e, now);
        if (e->count >= AC_LOGIN_FAILURES) {
            int64_t ms = e->times[0] + AC_LOGIN_WINDOW_MS - now;
            wait = (ms + 999) / 1000;
            wait = wait < 1 ? 1 : wait;
        } else if (e->count == 0) {
            drop(&au->failures, pp);
        }
    }
    pthread_mutex_unlock(&au->lock);
    return wait;
}

void ac_auth_failed(struct ac_auth *au, const char *key, int64_t now)
{
    struct entry *e;
    pthread_mutex_lock(&au->lock);
    e = upsert(&au->failures, key, failures_dead, now);
    if (e) {
        expire(e, now);
        if (e->count == AC_LOGIN_FAILURES) {
            memmove(e->times, e->times + 1,
                    (e->count - 1) * sizeof e->times[0]);
            e->count--;
        }
        e->times[e->count++] = now;
    }
    pthread_mutex_unlock(&au->lock);
}

void ac_auth_forget(struct ac_auth *au, const char *key)
{
    struct entry **pp;
    pthread_mutex_lock(&au->lock);
    pp = slot(&au->failures, key);
    if (*pp) {
        drop(&au->failures, pp);
    }
    pthread_mutex_unlock(&au->lock);
}

enum ac_status ac_auth_login(struct ac_auth *au, const char *ip_key,
                             const char *member_key, const char *phc,
                             bool valid, struct ac_str password, int64_t *wait)
{
    enum ac_status st = AC_OK;
    int64_t now;

    /* Checking, verifying and counting under the one lock: attempts sent
     * in parallel cannot all pass the limit before any failure counts. */
    pthread_mutex_lock(&au->hash_lock);
    now = ac_service_now();
    *wait = ac_auth_blocked(au, ip_key, now);
    if (*wait == 0) {
        *wait = ac_auth_blocked(au, member_key, now);
    }
    if (*wait > 0) {
        st = AC_ELIMIT;
    } else if (!ac_password_verify(phc, password) || !valid) {
        ac_auth_failed(au, ip_key, now);
        ac_auth_failed(au, member_key, now);
        st = AC_EDENIED;
    } else {
        ac_auth_forget(au, member_key);
    }
    pthread_mutex_unlock(&au->hash_lock);
    return st;
}

enum ac_status ac_auth_hash(struct ac_auth *au, struct ac_str password,
                            char phc[AC_PHC_MAX], struct ac_err *err)
{
    enum ac_status st;
    pthread_mutex_lock(&au->hash_lock);
    st = ac_password_hash(password, phc, err);
    pthread_mutex_unlock(&au->hash_lock);
    return st;
}
