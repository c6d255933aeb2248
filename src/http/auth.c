/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Sessions cached in memory (token hash -> member, expiry) so that
 * authenticated reads do not touch the store; failed logins counted per
 * member and client address and per client address; Argon2id behind one
 * mutex.
 * Invariants: a key's failure times are its newest ones (at most its
 * limit), in order; both tables prune expired entries as they grow; a
 * session is put back into the cache from the store only if no session
 * was revoked since the store was read; a cached session is read from the
 * store again after RECHECK_MS, so a logout through another server on
 * the same database ends it here too within that time (while the store
 * cannot answer, the cached session goes on). */
#include "http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 128     /* "p:ADDR MEMBER" fits */
#define PRUNE_AT 4096   /* entries before a sweep of expired ones */
#define RECHECK_MS 5000 /* a cached session's life before the store again */

struct entry {
    struct entry *next;              /* bucket chain */
    char key[KEY_MAX];               /* token hash, "a:ADDR", "p:ADDR ID" */
    char member[AC_MEMBER_BUF];      /* sessions */
    int64_t expires;                 /* sessions: ms */
    int64_t checked;                 /* sessions: ms, when read or made */
    int64_t times[AC_ADDR_FAILURES]; /* failures: ms, oldest first */
    size_t count;                    /* failures held */
};

struct table {
    struct entry **buckets; /* heap */
    size_t room;            /* buckets, a power of two */
    size_t count;           /* entries */
    size_t prune_at;        /* sweep when count reaches it */
};

struct ac_auth {
    pthread_mutex_t lock;      /* both tables and revoked */
    struct table sessions;     /* token hash -> member, expiry */
    struct table failures;     /* "a:ADDR" / "p:ADDR ID" -> failure times */
    uint64_t revoked;          /* sessions revoked so far */
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

/* Puts a session into the cache; the caller holds the lock. */
static void session_put(struct ac_auth *au, const char *token_hash,
                        const char *member, int64_t expires)
{
    struct entry *e =
        upsert(&au->sessions, token_hash, session_dead, ac_service_now());
    if (e) {
        snprintf(e->member, sizeof e->member, "%s", member);
        e->expires = expires;
        e->checked = ac_service_now();
    }
}

void ac_auth_session_put(struct ac_auth *au, const char *token_hash,
                         const char *member, int64_t expires)
{
    pthread_mutex_lock(&au->lock);
    session_put(au, token_hash, member, expires);
    pthread_mutex_unlock(&au->lock);
}

uint64_t ac_auth_session_epoch(struct ac_auth *au)
{
    uint64_t n;
    pthread_mutex_lock(&au->lock);
    n = au->revoked;
    pthread_mutex_unlock(&au->lock);
    return n;
}

bool ac_auth_session_refill(struct ac_auth *au, const char *token_hash,
                            const char *member, int64_t expires, uint64_t epoch)
{
    bool ok;
    pthread_mutex_lock(&au->lock);
    /* A revocation since the store was read may be of this token: its
     * row may have been read just before it was deleted. */
    ok = au->revoked == epoch;
    if (ok) {
        session_put(au, token_hash, member, expires);
    }
    pthread_mutex_unlock(&au->lock);
    return ok;
}

bool ac_auth_session_get(struct ac_auth *au, const char *token_hash,
                         int64_t now, char member[AC_MEMBER_BUF], bool *stale)
{
    struct entry **pp;
    bool found = false;
    *stale = false;
    pthread_mutex_lock(&au->lock);
    pp = slot(&au->sessions, token_hash);
    if (*pp && (*pp)->expires <= now) {
        drop(&au->sessions, pp);
    } else if (*pp) {
        memcpy(member, (*pp)->member, sizeof(*pp)->member);
        *stale = (*pp)->checked + RECHECK_MS <= now;
        found = true;
    }
    pthread_mutex_unlock(&au->lock);
    return found;
}

void ac_auth_session_revoke(struct ac_auth *au, const char *token_hash)
{
    struct entry **pp;
    pthread_mutex_lock(&au->lock);
    pp = slot(&au->sessions, token_hash);
    if (*pp) {
        drop(&au->sessions, pp);
    }
    au->revoked++;
    pthread_mutex_unlock(&au->lock);
}

/* ---- failures; the caller holds the lock ---- */

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

/* Seconds until key may try again when it has limit failures in the
 * window, else 0. */
static int64_t blocked(struct ac_auth *au, const char *key, size_t limit,
                       int64_t now)
{
    struct entry **pp = slot(&au->failures, key);
    struct entry *e = *pp;
    int64_t wait = 0;
    if (!e) {
        return 0;
    }
    expire(e, now);
    if (e->count >= limit) {
        int64_t ms = e->times[e->count - limit] + AC_LOGIN_WINDOW_MS - now;
        wait = (ms + 999) / 1000;
        wait = wait < 1 ? 1 : wait;
    } else if (e->count == 0) {
        drop(&au->failures, pp);
    }
    return wait;
}

/* Counts a failure at now, keeping the newest limit. */
static void failed(struct ac_auth *au, const char *key, size_t limit,
                   int64_t now)
{
    struct entry *e = upsert(&au->failures, key, failures_dead, now);
    if (!e) {
        return;
    }
    expire(e, now);
    if (e->count >= limit) {
        size_t k = e->count - limit + 1;
        memmove(e->times, e->times + k, (e->count - k) * sizeof e->times[0]);
        e->count -= k;
    }
    e->times[e->count++] = now;
}

/* Takes back the failure counted at stamp. */
static void unfailed(struct ac_auth *au, const char *key, int64_t stamp)
{
    struct entry *e = *slot(&au->failures, key);
    for (size_t i = e ? e->count : 0; i-- > 0;) {
        if (e->times[i] == stamp) {
            memmove(e->times + i, e->times + i + 1,
                    (e->count - i - 1) * sizeof e->times[0]);
            e->count--;
            break;
        }
    }
}

static void forget(struct ac_auth *au, const char *key)
{
    struct entry **pp = slot(&au->failures, key);
    if (*pp) {
        drop(&au->failures, pp);
    }
}

/* A try from addr (for member, or NULL): AC_ELIMIT with *wait seconds
 * when the address or the pair is at its limit, else the try is counted
 * as a failure at *stamp right away, so that tries made in parallel can
 * never pass the limit; a try that succeeds is taken back. */
static enum ac_status take_try(struct ac_auth *au, const char *akey,
                               const char *pkey, int64_t *wait, int64_t *stamp)
{
    enum ac_status st = AC_OK;
    pthread_mutex_lock(&au->lock);
    *stamp = ac_service_now();
    *wait = blocked(au, akey, AC_ADDR_FAILURES, *stamp);
    if (*wait == 0 && pkey) {
        *wait = blocked(au, pkey, AC_LOGIN_FAILURES, *stamp);
    }
    if (*wait > 0) {
        st = AC_ELIMIT;
    } else {
        failed(au, akey, AC_ADDR_FAILURES, *stamp);
        if (pkey) {
            failed(au, pkey, AC_LOGIN_FAILURES, *stamp);
        }
    }
    pthread_mutex_unlock(&au->lock);
    return st;
}

static void addr_key(char key[KEY_MAX], const char *addr)
{
    snprintf(key, KEY_MAX, "a:%s", addr);
}

enum ac_status ac_auth_login(struct ac_auth *au, const char *addr,
                             const char *member, const char *phc, bool valid,
                             struct ac_str password, int64_t *wait)
{
    char akey[KEY_MAX], pkey[KEY_MAX];
    int64_t stamp;
    bool ok;

    /* Addresses hold no space: the first one ends the address. */
    addr_key(akey, addr);
    snprintf(pkey, sizeof pkey, "p:%s %s", addr, member);
    if (take_try(au, akey, pkey, wait, &stamp) != AC_OK) {
        return AC_ELIMIT;
    }
    pthread_mutex_lock(&au->hash_lock);
    ok = ac_password_verify(phc, password) && valid;
    pthread_mutex_unlock(&au->hash_lock);
    if (!ok) {
        return AC_EDENIED;
    }
    pthread_mutex_lock(&au->lock);
    unfailed(au, akey, stamp);
    forget(au, pkey);
    pthread_mutex_unlock(&au->lock);
    return AC_OK;
}

enum ac_status ac_auth_guess(struct ac_auth *au, const char *addr,
                             int64_t *wait, int64_t *stamp)
{
    char akey[KEY_MAX];
    addr_key(akey, addr);
    return take_try(au, akey, NULL, wait, stamp);
}

void ac_auth_guess_ok(struct ac_auth *au, const char *addr, int64_t stamp)
{
    char akey[KEY_MAX];
    addr_key(akey, addr);
    pthread_mutex_lock(&au->lock);
    unfailed(au, akey, stamp);
    pthread_mutex_unlock(&au->lock);
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
