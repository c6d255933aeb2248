/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Notifications: settings, cursors and the delivery thread
 * (docs/notifications.md). */
#include "notify.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/ascii.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/time.h"
#include "core/state.h"

#define PAGE 128         /* events read from the store at a time */
#define DIGEST_MAX 200   /* events in one digest; the rest in the next */
#define WAIT_MS 1000     /* longest sleep of the delivery thread */
#define EMAIL_MAX 254    /* bytes of an address */
#define WEBHOOK_MAX 2000 /* bytes of a webhook URL */

const char *const ac_notify_types[] = {
    "proposal.opened",       "proposal.amended",
    "proposal.closed",       "proposal.withdrawn",
    "proposal.lapsed",       "position.given",
    "ballot.cast",           "vote.cast",
    "objection.integration", "member.joined",
    "nomination.given",      "election.changing",
    "election.proposed",     "role.term_ended",
    "draw.volunteered",      "draw.passed",
    "draw.revealing",        "draw.revealed",
    "delegation.given",      "delegation.revoked",
    "delegation.refused",    "power.alert",
    "power.cleared",         "agreement.review_due",
    "commitment.made",       "commitment.updated",
    "bucket.proposed",       "bucket.pledged",
    "bucket.funded",         "budget.round.closed",
    "org.founded",           NULL};

/* One way of hearing: its cursor and the state of its retries. */
struct chan {
    int64_t cursor;   /* the last seq delivered or passed over */
    int64_t tries;    /* failed attempts at the next delivery */
    int64_t next_try; /* ms; 0: now */
    char error[256];  /* the last failure, or "" */
};

struct sub {
    char member[AC_ID_MAX + 1];
    char email[EMAIL_MAX + 1];     /* "" for none */
    char webhook[WEBHOOK_MAX + 1]; /* "" for none */
    uint8_t secret[AC_WEBHOOK_SECRET_LEN];
    uint64_t types; /* bit i: ac_notify_types[i] */
    bool all;       /* every type */
    bool digest;    /* email once a day */
    int64_t last_digest;
    struct chan mail, hook;
    uint64_t gen; /* bumped by every change of the settings */
};

struct ac_notify {
    struct ac_store *st;
    struct ac_notify_cfg cfg;
    pthread_mutex_t mu; /* everything below */
    pthread_cond_t cond;
    pthread_t thread;
    bool running, stop;
    struct sub *subs;
    size_t count, room;
    int64_t head; /* the newest seq committed; atomic */
    char org[128];
    ac_notify_active_fn active;
    void *active_ctx;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the config file ---- */

static void cfg_defaults(struct ac_notify_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->retry_min_ms = 5000;
    c->retry_max_ms = 3600000;
    c->digest_hour = 7;
    c->timeout_s = 20;
}

/* Copies v into a field of size bytes; false when it does not fit. */
static bool set_text(char *field, size_t size, const char *v)
{
    size_t n = strlen(v);
    if (n >= size) {
        return false;
    }
    memcpy(field, v, n + 1);
    return true;
}

static enum ac_status cfg_line(struct ac_notify_cfg *c, const char *path,
                               int line, const char *key, const char *v,
                               struct ac_err *err)
{
    int64_t n;
    struct {
        const char *key;
        char *field;
        size_t size;
    } texts[] = {
        {"smtp.url", c->smtp_url, sizeof c->smtp_url},
        {"smtp.from", c->smtp_from, sizeof c->smtp_from},
        {"smtp.username", c->smtp_username, sizeof c->smtp_username},
        {"smtp.password", c->smtp_password, sizeof c->smtp_password},
        {"notify.public_url", c->public_url, sizeof c->public_url},
    };
    struct {
        const char *key;
        int64_t min, max, scale;
    } nums[] = {
        {"notify.retry_min_seconds", 1, 86400, 1000},
        {"notify.retry_max_seconds", 1, 7 * 86400, 1000},
        {"notify.digest_hour", 0, 23, 1},
        {"notify.timeout_seconds", 1, 600, 1},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (strcmp(key, texts[i].key) == 0) {
            if (!set_text(texts[i].field, texts[i].size, v)) {
                return ac_err_set(err, AC_EINVAL, "%s:%d: %s is too long", path,
                                  line, key);
            }
            return AC_OK;
        }
    }
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        if (strcmp(key, nums[i].key) != 0) {
            continue;
        }
        if (ac_parse_i64(ac_str_c(v), nums[i].min, nums[i].max, &n, NULL) !=
            AC_OK) {
            return ac_err_set(err, AC_EINVAL,
                              "%s:%d: %s must be a whole number %" PRId64
                              "..%" PRId64,
                              path, line, key, nums[i].min, nums[i].max);
        }
        if (i == 0) {
            c->retry_min_ms = n * nums[i].scale;
        } else if (i == 1) {
            c->retry_max_ms = n * nums[i].scale;
        } else if (i == 2) {
            c->digest_hour = (int)n;
        } else {
            c->timeout_s = (long)n;
        }
        return AC_OK;
    }
    return ac_err_set(err, AC_EINVAL, "%s:%d: unknown setting \"%.60s\"", path,
                      line, key);
}

/* The text between leading and trailing blanks, in place. */
static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && strchr(" \t\r\n", e[-1])) {
        *--e = '\0';
    }
    return s;
}

enum ac_status ac_notify_cfg_load(const char *path, bool required,
                                  struct ac_notify_cfg *cfg, struct ac_err *err)
{
    FILE *f;
    char buf[1024];
    int line = 0;
    enum ac_status st = AC_OK;

    cfg_defaults(cfg);
    if (!(f = fopen(path, "r"))) {
        if (errno == ENOENT && !required) {
            return AC_OK;
        }
        return ac_err_set(err, errno == ENOENT ? AC_ENOTFOUND : AC_EIO,
                          "cannot read %s: %s", path, strerror(errno));
    }
    while (st == AC_OK && fgets(buf, sizeof buf, f)) {
        char *s = trim(buf), *eq;
        line++;
        if (*s == '\0' || *s == '#') {
            continue;
        }
        if (!(eq = strchr(s, '='))) {
            st = ac_err_set(err, AC_EINVAL,
                            "%s:%d: a setting is written key = value", path,
                            line);
            break;
        }
        *eq = '\0';
        st = cfg_line(cfg, path, line, trim(s), trim(eq + 1), err);
    }
    fclose(f);
    if (st == AC_OK && cfg->retry_max_ms < cfg->retry_min_ms) {
        st = ac_err_set(err, AC_EINVAL,
                        "%s: notify.retry_max_seconds is less than "
                        "notify.retry_min_seconds",
                        path);
    }
    if (st == AC_OK && cfg->smtp_url[0] &&
        !ac_notify_email_ok(cfg->smtp_from)) {
        st = ac_err_set(err, AC_EINVAL,
                        "%s: smtp.from must be the sender's email address "
                        "when smtp.url is set",
                        path);
    }
    return st;
}

/* ---- settings as JSON ---- */

static int type_index(const char *t)
{
    for (int i = 0; ac_notify_types[i]; i++) {
        if (strcmp(ac_notify_types[i], t) == 0) {
            return i;
        }
    }
    return -1;
}

static bool wants(const struct sub *s, const char *type)
{
    int i = type_index(type);
    return s->all || (i >= 0 && (s->types >> i) & 1u);
}

static json_t *events_json(const struct sub *s)
{
    json_t *a = json_array();
    if (s->all) {
        json_array_append_new(a, json_string("*"));
        return a;
    }
    for (int i = 0; a && ac_notify_types[i]; i++) {
        if ((s->types >> i) & 1u) {
            json_array_append_new(a, json_string(ac_notify_types[i]));
        }
    }
    return a;
}

static json_t *chan_store_json(const struct chan *c)
{
    return json_pack("{s:I,s:I,s:I,s:s}", "cursor", (json_int_t)c->cursor,
                     "tries", (json_int_t)c->tries, "next_try",
                     (json_int_t)c->next_try, "error", c->error);
}

/* The document the store keeps for s. */
static char *sub_store_text(const struct sub *s)
{
    char hex[2 * AC_WEBHOOK_SECRET_LEN + 1];
    json_t *o;
    char *text;
    sodium_bin2hex(hex, sizeof hex, s->secret, sizeof s->secret);
    o = json_pack("{s:s,s:s,s:s,s:o,s:b,s:I,s:o,s:o}", "email", s->email,
                  "webhook", s->webhook, "secret", s->webhook[0] ? hex : "",
                  "events", events_json(s), "digest", s->digest, "last_digest",
                  (json_int_t)s->last_digest, "mail", chan_store_json(&s->mail),
                  "hook", chan_store_json(&s->hook));
    text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    sodium_memzero(hex, sizeof hex);
    return text;
}

static void chan_from_json(struct chan *c, const json_t *o)
{
    const char *e = json_string_value(json_object_get(o, "error"));
    c->cursor = json_integer_value(json_object_get(o, "cursor"));
    c->tries = json_integer_value(json_object_get(o, "tries"));
    c->next_try = json_integer_value(json_object_get(o, "next_try"));
    set_text(c->error, sizeof c->error, e ? e : "");
}

/* Sets s's event types from an array of names or "*"; false, naming the
 * first unknown one in why, when one is not a type. */
static bool set_types(struct sub *s, const json_t *a, char *why, size_t size)
{
    size_t i;
    const json_t *v;
    s->types = 0;
    s->all = false;
    json_array_foreach(a, i, v)
    {
        const char *t = json_string_value(v);
        int k = t ? type_index(t) : -1;
        if (t && strcmp(t, "*") == 0) {
            s->all = true;
        } else if (k >= 0) {
            s->types |= (uint64_t)1 << k;
        } else {
            snprintf(why, size,
                     "/events/%zu is not an event type (see "
                     "docs/notifications.md; \"*\" means every type)",
                     i);
            return false;
        }
    }
    return true;
}

static struct sub *find_sub(struct ac_notify *n, const char *member)
{
    for (size_t i = 0; i < n->count; i++) {
        if (strcmp(n->subs[i].member, member) == 0) {
            return &n->subs[i];
        }
    }
    return NULL;
}

static struct sub *add_sub(struct ac_notify *n, const char *member)
{
    struct sub *s;
    if (n->count == n->room) {
        size_t room = n->room ? n->room * 2 : 8;
        struct sub *p = realloc(n->subs, room * sizeof *p);
        if (!p) {
            return NULL;
        }
        n->subs = p;
        n->room = room;
    }
    s = &n->subs[n->count++];
    memset(s, 0, sizeof *s);
    set_text(s->member, sizeof s->member, member);
    return s;
}

static enum ac_status load_one(void *ctx, struct ac_str member,
                               struct ac_str text)
{
    struct ac_notify *n = ctx;
    char id[AC_ID_MAX + 1];
    json_t *o = json_loadb(text.ptr, text.len, 0, NULL);
    struct sub *s;
    const char *secret;
    char why[128];
    snprintf(id, sizeof id, "%.*s", (int)member.len, member.ptr);
    if (!o || !(s = add_sub(n, id))) {
        json_decref(o);
        return AC_OK; /* an unreadable row: its member sets it again */
    }
    set_text(s->email, sizeof s->email,
             json_string_value(json_object_get(o, "email"))
                 ? json_string_value(json_object_get(o, "email"))
                 : "");
    set_text(s->webhook, sizeof s->webhook,
             json_string_value(json_object_get(o, "webhook"))
                 ? json_string_value(json_object_get(o, "webhook"))
                 : "");
    secret = json_string_value(json_object_get(o, "secret"));
    if (secret) {
        sodium_hex2bin(s->secret, sizeof s->secret, secret, strlen(secret),
                       NULL, NULL, NULL);
    }
    set_types(s, json_object_get(o, "events"), why, sizeof why);
    s->digest = json_is_true(json_object_get(o, "digest"));
    s->last_digest = json_integer_value(json_object_get(o, "last_digest"));
    chan_from_json(&s->mail, json_object_get(o, "mail"));
    chan_from_json(&s->hook, json_object_get(o, "hook"));
    json_decref(o);
    return AC_OK;
}

/* Writes s to the store; the caller holds n->mu. */
static enum ac_status save(struct ac_notify *n, const struct sub *s,
                           struct ac_err *err)
{
    char *text = sub_store_text(s);
    enum ac_status st;
    if (!text) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_store_notify_put(n->st, ac_str_c(s->member), ac_str_c(text), err);
    sodium_memzero(text, strlen(text));
    free(text);
    return st;
}

enum ac_status ac_notify_open(struct ac_store *st,
                              const struct ac_notify_cfg *cfg,
                              struct ac_notify **out, struct ac_err *err)
{
    struct ac_notify *n = calloc(1, sizeof *n);
    enum ac_status s;
    *out = NULL;
    if (!n) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    n->st = st;
    n->cfg = *cfg;
    pthread_mutex_init(&n->mu, NULL);
    pthread_cond_init(&n->cond, NULL);
    s = ac_store_notify_scan(st, load_one, n, err);
    if (s != AC_OK) {
        ac_notify_close(n);
        return s;
    }
    *out = n;
    return AC_OK;
}

void ac_notify_set_source(struct ac_notify *n, const char *org,
                          ac_notify_active_fn active, void *ctx)
{
    pthread_mutex_lock(&n->mu);
    set_text(n->org, sizeof n->org, org);
    n->active = active;
    n->active_ctx = ctx;
    pthread_mutex_unlock(&n->mu);
}

/* ---- the API ---- */

static json_t *chan_json(const struct chan *c, bool on)
{
    char t[AC_TIME_LEN + 1];
    if (!on) {
        return json_null();
    }
    /* next_try as a time while a retry waits */
    if (c->tries && c->next_try) {
        ac_time_format(t, c->next_try);
    }
    return json_pack("{s:I,s:I,s:o,s:o}", "after", (json_int_t)c->cursor,
                     "failed_tries", (json_int_t)c->tries, "next_try",
                     c->tries && c->next_try ? json_string(t) : json_null(),
                     "last_error",
                     c->error[0] ? json_string(c->error) : json_null());
}

static json_t *sub_json(const struct ac_notify *n, const struct sub *s)
{
    return json_pack(
        "{s:o,s:o,s:b,s:o,s:b,s:b,s:{s:o,s:o}}", "email",
        s && s->email[0] ? json_string(s->email) : json_null(), "webhook",
        s && s->webhook[0] ? json_string(s->webhook) : json_null(),
        "secret_set", s && s->webhook[0], "events",
        s ? events_json(s) : json_array(), "digest", s && s->digest,
        "email_available", n->cfg.smtp_url[0] != '\0', "deliveries", "email",
        chan_json(s ? &s->mail : NULL, s && s->email[0]), "webhook",
        chan_json(s ? &s->hook : NULL, s && s->webhook[0]));
}

json_t *ac_notify_get(struct ac_notify *n, const char *member)
{
    json_t *o;
    pthread_mutex_lock(&n->mu);
    o = sub_json(n, find_sub(n, member));
    pthread_mutex_unlock(&n->mu);
    return o;
}

static enum ac_status bad(struct ac_err *err, const char *where,
                          const char *msg)
{
    return ac_err_at(err, where, AC_EINVAL, "%s", msg);
}

/* A string member that may be absent, null or "" (none). */
static enum ac_status opt_text(const json_t *body, const char *key,
                               const char **out, struct ac_err *err)
{
    const json_t *v = json_object_get(body, key);
    char where[32];
    snprintf(where, sizeof where, "/%s", key);
    *out = "";
    if (!v || json_is_null(v)) {
        return AC_OK;
    }
    if (!json_is_string(v)) {
        return ac_err_at(err, where, AC_EINVAL, "%s must be a string or null",
                         where);
    }
    *out = json_string_value(v);
    return AC_OK;
}

enum ac_status ac_notify_put(struct ac_notify *n, const char *member,
                             const json_t *body, int64_t head, json_t **out,
                             struct ac_err *err)
{
    struct sub next, *s;
    const char *email, *webhook;
    const json_t *events = json_object_get(body, "events");
    const json_t *digest = json_object_get(body, "digest");
    char why[160];
    bool new_secret = false;
    enum ac_status st;

    *out = NULL;
    if ((st = opt_text(body, "email", &email, err)) != AC_OK ||
        (st = opt_text(body, "webhook", &webhook, err)) != AC_OK) {
        return st;
    }
    if (*email && !ac_notify_email_ok(email)) {
        return bad(err, "/email",
                   "/email must be one email address such as "
                   "name@example.org");
    }
    if (*email && !n->cfg.smtp_url[0]) {
        return bad(err, "/email",
                   "/email: this server has no SMTP server configured "
                   "(smtp.url in accord.conf), so it cannot send email");
    }
    if (*webhook && !ac_notify_url_ok(webhook, why, sizeof why)) {
        return ac_err_at(err, "/webhook", AC_EINVAL, "/webhook: %s", why);
    }
    if (!json_is_array(events)) {
        return bad(err, "/events",
                   "/events must be a list of event types, [\"*\"] for "
                   "every type or [] for none");
    }
    if (digest && !json_is_boolean(digest)) {
        return bad(err, "/digest", "/digest must be true or false");
    }
    memset(&next, 0, sizeof next);
    if (!set_types(&next, events, why, sizeof why)) {
        return bad(err, "/events", why);
    }
    set_text(next.email, sizeof next.email, email);
    set_text(next.webhook, sizeof next.webhook, webhook);
    next.digest = json_is_true(digest);

    pthread_mutex_lock(&n->mu);
    s = find_sub(n, member);
    if (!s && !(s = add_sub(n, member))) {
        pthread_mutex_unlock(&n->mu);
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    set_text(next.member, sizeof next.member, member);
    /* an unchanged address keeps its place in the log; a new one starts
     * at the head: nobody is sent the history */
    next.mail = strcmp(s->email, next.email) == 0
                    ? s->mail
                    : (struct chan){head, 0, 0, ""};
    next.hook = strcmp(s->webhook, next.webhook) == 0
                    ? s->hook
                    : (struct chan){head, 0, 0, ""};
    /* a first digest goes out with the first events; then one a day */
    next.last_digest = s->last_digest;
    if (next.webhook[0] && strcmp(s->webhook, next.webhook) == 0) {
        memcpy(next.secret, s->secret, sizeof next.secret);
    } else if (next.webhook[0]) {
        randombytes_buf(next.secret, sizeof next.secret);
        new_secret = true;
    }
    next.gen = s->gen + 1;
    st = save(n, &next, err);
    if (st == AC_OK) {
        *s = next;
        *out = sub_json(n, s);
        if (*out && new_secret) {
            char hex[2 * AC_WEBHOOK_SECRET_LEN + 1];
            sodium_bin2hex(hex, sizeof hex, s->secret, sizeof s->secret);
            json_object_set_new(*out, "secret", json_string(hex));
            sodium_memzero(hex, sizeof hex);
        }
        pthread_cond_signal(&n->cond);
    }
    sodium_memzero(&next, sizeof next);
    pthread_mutex_unlock(&n->mu);
    if (st == AC_OK && !*out) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    return st;
}

/* ---- delivery ---- */

/* An event read from the store. */
struct event {
    int64_t seq;
    char *text; /* the exported line; malloc'd */
    json_t *json;
};

struct page {
    struct event ev[PAGE];
    size_t count;
};

static enum ac_status page_add(void *ctx, int64_t seq, struct ac_str text)
{
    struct page *p = ctx;
    struct event *e = &p->ev[p->count];
    e->seq = seq;
    e->text = malloc(text.len + 1);
    if (!e->text) {
        return AC_ENOMEM;
    }
    memcpy(e->text, text.ptr, text.len);
    e->text[text.len] = '\0';
    e->json = json_loadb(text.ptr, text.len, 0, NULL);
    p->count++;
    return AC_OK;
}

static void page_free(struct page *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->ev[i].text);
        json_decref(p->ev[i].json);
    }
    p->count = 0;
}

static const char *ev_str(const json_t *ev, const char *key)
{
    const char *v = json_string_value(json_object_get(ev, key));
    return v ? v : "";
}

/* What an event is about, in a few words: "p12 Title", "c3", "b2". */
static void about(const json_t *ev, char *out, size_t size)
{
    const json_t *d = json_object_get(ev, "data");
    static const char *const keys[] = {"proposal",   "id",     "agreement",
                                       "commitment", "bucket", "round",
                                       "member",     "measure"};
    const char *title = json_string_value(json_object_get(d, "title"));
    out[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = json_string_value(json_object_get(d, keys[i]));
        if (v) {
            snprintf(out, size, "%s%s%s", v, title ? " " : "",
                     title ? title : "");
            ac_utf8_cut(out);
            return;
        }
    }
}

static void mail_one(const struct ac_notify *n, const struct event *e,
                     char *subject, size_t ssize, char **body)
{
    char what[256], *pretty;
    const json_t *d = json_object_get(e->json, "data");
    about(e->json, what, sizeof what);
    snprintf(subject, ssize, "[%s] %s%s%s", n->org, ev_str(e->json, "type"),
             what[0] ? ": " : "", what);
    ac_utf8_cut(subject);
    pretty = json_dumps(d, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (asprintf(body,
                 "%s in %s\n"
                 "event %" PRId64 " of the log, %s, by %s\n\n%s\n\n"
                 "%s%s%s"
                 "This is the event as the log holds it; accord verify "
                 "checks it with the whole record.\n"
                 "Change what you hear about on the notification "
                 "settings page.\n",
                 ev_str(e->json, "type"), n->org, e->seq,
                 ev_str(e->json, "time"), ev_str(e->json, "actor"),
                 pretty ? pretty : "{}",
                 n->cfg.public_url[0] ? "The log: " : "", n->cfg.public_url,
                 n->cfg.public_url[0] ? "/log\n\n" : "") < 0) {
        *body = NULL;
    }
    free(pretty);
}

/* Backoff after a failure: retry_min doubled per failed try, at most
 * retry_max. */
static int64_t backoff(const struct ac_notify_cfg *c, int64_t tries)
{
    int64_t wait = c->retry_min_ms;
    for (int64_t i = 1; i < tries && wait < c->retry_max_ms; i++) {
        wait *= 2;
    }
    return wait < c->retry_max_ms ? wait : c->retry_max_ms;
}

/* The time of the next daily digest after last. */
static int64_t next_digest(const struct ac_notify_cfg *c, int64_t last)
{
    int64_t day = last - last % AC_MS_PER_DAY;
    int64_t at = day + (int64_t)c->digest_hour * AC_MS_PER_HOUR;
    return at > last ? at : at + AC_MS_PER_DAY;
}

/* One channel's next step for a copy of a member's settings: reads the
 * events after its cursor, skips those the member does not want, and
 * delivers the next (or, for a digest that is due, all of them up to
 * DIGEST_MAX). Sets *cursor to the last seq dealt with and returns what
 * became of it: AC_OK delivered or nothing to deliver, else the failure.
 * *delivered tells whether anything was sent. */
static enum ac_status step(struct ac_notify *n, const struct sub *s, bool mail,
                           int64_t head, int64_t *cursor, bool *delivered,
                           bool *digest_due, struct ac_err *err)
{
    struct page p = {0};
    int64_t after = *cursor;
    bool digest = mail && s->digest;
    struct ac_buf lines;
    size_t in_digest = 0;
    enum ac_status st = AC_OK;

    *delivered = false;
    *digest_due = false;
    ac_buf_init(&lines, 0);
    if (digest && now_ms() < next_digest(&n->cfg, s->last_digest)) {
        return AC_OK;
    }
    *digest_due = digest;
    while (after < head && st == AC_OK) {
        size_t i;
        st = ac_store_scan(n->st, after, PAGE, page_add, &p, err);
        if (st != AC_OK || p.count == 0) {
            break;
        }
        for (i = 0; i < p.count; i++) {
            const struct event *e = &p.ev[i];
            if (e->seq > head) {
                /* past what this pass was told of: a member removed since
                 * is checked again before the next */
                break;
            }
            if (!e->json || !wants(s, ev_str(e->json, "type"))) {
                after = e->seq;
                continue;
            }
            if (digest) {
                char what[256];
                about(e->json, what, sizeof what);
                ac_buf_printf(&lines, "%" PRId64 "  %s  %s  %s  %s\n", e->seq,
                              ev_str(e->json, "time"), ev_str(e->json, "type"),
                              ev_str(e->json, "actor"), what);
                after = e->seq;
                if (++in_digest == DIGEST_MAX) {
                    break;
                }
                continue;
            }
            if (mail) {
                char subject[400], id[128];
                char *body = NULL;
                struct ac_mail m;
                struct ac_mail_cfg mc = {
                    n->cfg.smtp_url, n->cfg.smtp_from,
                    n->cfg.smtp_username[0] ? n->cfg.smtp_username : NULL,
                    n->cfg.smtp_password, n->cfg.timeout_s};
                mail_one(n, e, subject, sizeof subject, &body);
                snprintf(id, sizeof id, "%" PRId64 ".%s.%.12s@accord.invalid",
                         e->seq, s->member, ev_str(e->json, "hash"));
                m = (struct ac_mail){s->email, subject, body ? body : "", id,
                                     now_ms()};
                st = ac_notify_mail(&mc, &m, err);
                free(body);
            } else {
                char delivery[96];
                snprintf(delivery, sizeof delivery, "%s-%" PRId64, s->member,
                         e->seq);
                st = ac_notify_webhook(s->webhook, s->secret, ac_str_c(e->text),
                                       delivery, n->cfg.timeout_s, err);
            }
            if (st == AC_OK) {
                after = e->seq;
                *delivered = true;
            } else if (st == AC_EINVAL) {
                /* the event cannot be written as a message: retrying
                 * would stop every later one; say so and go on */
                after = e->seq;
            }
            page_free(&p);
            *cursor = after;
            ac_buf_release(&lines);
            return st;
        }
        if (i < p.count) {
            break; /* reached head, or a full digest */
        }
        page_free(&p);
    }
    page_free(&p);
    if (st == AC_OK && digest && in_digest > 0) {
        char subject[300], id[128];
        char *body = NULL;
        struct ac_mail m;
        struct ac_mail_cfg mc = {n->cfg.smtp_url, n->cfg.smtp_from,
                                 n->cfg.smtp_username[0] ? n->cfg.smtp_username
                                                         : NULL,
                                 n->cfg.smtp_password, n->cfg.timeout_s};
        snprintf(subject, sizeof subject, "[%s] %zu event%s of the day", n->org,
                 in_digest, in_digest == 1 ? "" : "s");
        snprintf(id, sizeof id, "digest.%" PRId64 ".%s@accord.invalid", after,
                 s->member);
        if (lines.status != AC_OK ||
            asprintf(&body,
                     "What happened in %s since the last digest (seq, time, "
                     "event, by, about):\n\n%.*s\nEvery event is in the log; "
                     "accord verify checks the whole record.\n",
                     n->org, (int)lines.len, lines.ptr) < 0) {
            body = NULL;
        }
        m = (struct ac_mail){s->email, subject, body ? body : "", id, now_ms()};
        st = body ? ac_notify_mail(&mc, &m, err)
                  : ac_err_set(err, AC_ENOMEM, "out of memory");
        free(body);
        *delivered = st == AC_OK;
    }
    if (st == AC_OK) {
        *cursor = after;
    }
    ac_buf_release(&lines);
    return st;
}

/* Applies the outcome of a step to member's channel when the settings
 * did not change meanwhile, and keeps it in the store. */
static void settle(struct ac_notify *n, const struct sub *copy, bool mail,
                   int64_t cursor, bool delivered, bool digest_due,
                   enum ac_status st, const struct ac_err *e)
{
    struct sub *s;
    struct chan *c;
    struct ac_err ignored = {0};
    bool changed;
    pthread_mutex_lock(&n->mu);
    s = find_sub(n, copy->member);
    if (!s) {
        pthread_mutex_unlock(&n->mu);
        return;
    }
    c = mail ? &s->mail : &s->hook;
    if (s->gen != copy->gen) {
        /* the settings changed during the attempt: what went to an
         * address still chosen stays sent (no repeat); the rest is for
         * the new settings */
        if (strcmp(mail ? s->email : s->webhook,
                   mail ? copy->email : copy->webhook) == 0 &&
            cursor > c->cursor && (st == AC_OK || st == AC_EINVAL)) {
            c->cursor = cursor;
            if (save(n, s, &ignored) != AC_OK) {
                fprintf(stderr, "accord: notifications: %s\n", ignored.msg);
            }
        }
        pthread_mutex_unlock(&n->mu);
        return;
    }
    changed = c->cursor != cursor || st != AC_OK || c->tries != 0;
    c->cursor = cursor;
    if (st == AC_EINVAL) {
        /* moved past an event that cannot be sent: said, not retried */
        c->tries = 0;
        c->next_try = 0;
        snprintf(c->error, sizeof c->error,
                 "event %" PRId64 " not sent: %.200s", cursor, e->msg);
        ac_utf8_cut(c->error);
    } else if (st == AC_OK) {
        c->tries = 0;
        c->next_try = 0;
        c->error[0] = '\0';
        if (mail && digest_due) {
            /* sent, or nothing to send: the next digest is tomorrow's */
            s->last_digest = now_ms();
        }
    } else {
        c->tries++;
        c->next_try = now_ms() + backoff(&n->cfg, c->tries);
        set_text(c->error, sizeof c->error, e->msg);
        ac_utf8_cut(c->error);
    }
    if (changed || delivered || digest_due) {
        if (save(n, s, &ignored) != AC_OK) {
            fprintf(stderr, "accord: notifications: %s\n", ignored.msg);
        }
    }
    pthread_mutex_unlock(&n->mu);
}

/* One pass over every member's channels; true when anything was done. */
static bool pass(struct ac_notify *n)
{
    bool busy = false;
    size_t i = 0;
    for (;;) {
        struct sub copy;
        int64_t head, now = now_ms();
        ac_notify_active_fn active;
        void *ctx;
        pthread_mutex_lock(&n->mu);
        if (n->stop || i >= n->count) {
            pthread_mutex_unlock(&n->mu);
            break;
        }
        copy = n->subs[i++];
        head = __atomic_load_n(&n->head, __ATOMIC_ACQUIRE);
        active = n->active;
        ctx = n->active_ctx;
        pthread_mutex_unlock(&n->mu);
        /* outside n->mu: it reads the state under the state's lock,
         * which the writer holds while it wakes this thread */
        if (active && !active(ctx, copy.member)) {
            copy.email[0] = copy.webhook[0] = '\0';
        }
        for (int k = 0; k < 2; k++) {
            bool mail = k == 0, delivered = false;
            const struct chan *c = mail ? &copy.mail : &copy.hook;
            int64_t cursor = c->cursor;
            struct ac_err e = {0};
            enum ac_status st;
            if ((mail ? !copy.email[0] || !n->cfg.smtp_url[0]
                      : !copy.webhook[0]) ||
                c->cursor >= head || now < c->next_try) {
                continue;
            }
            bool digest_due = false;
            st = step(n, &copy, mail, head, &cursor, &delivered, &digest_due,
                      &e);
            settle(n, &copy, mail, cursor, delivered, digest_due, st, &e);
            busy = busy || delivered;
        }
        sodium_memzero(&copy, sizeof copy);
    }
    return busy;
}

static void *run(void *arg)
{
    struct ac_notify *n = arg;
    for (;;) {
        bool busy;
        pthread_mutex_lock(&n->mu);
        if (n->stop) {
            pthread_mutex_unlock(&n->mu);
            break;
        }
        pthread_mutex_unlock(&n->mu);
        busy = pass(n);
        pthread_mutex_lock(&n->mu);
        if (!busy && !n->stop) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += WAIT_MS / 1000;
            pthread_cond_timedwait(&n->cond, &n->mu, &until);
        }
        pthread_mutex_unlock(&n->mu);
    }
    return NULL;
}

enum ac_status ac_notify_start(struct ac_notify *n, struct ac_err *err)
{
    /* libcurl (and its TLS library) start with the first delivery, so a
     * server nobody asked for notifications never loads them */
    if (pthread_create(&n->thread, NULL, run, n) != 0) {
        return ac_err_set(err, AC_EIO, "cannot start the notification thread");
    }
    n->running = true;
    return AC_OK;
}

void ac_notify_wake(struct ac_notify *n, int64_t head)
{
    /* called by the writer under the state's lock: no mutex here, so a
     * delivery thread saving a cursor never holds up a write (a wake lost
     * between its check and its wait costs at most WAIT_MS) */
    int64_t was = __atomic_load_n(&n->head, __ATOMIC_ACQUIRE);
    while (head > was &&
           !__atomic_compare_exchange_n(&n->head, &was, head, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    }
    pthread_cond_signal(&n->cond);
}

void ac_notify_close(struct ac_notify *n)
{
    if (!n) {
        return;
    }
    pthread_mutex_lock(&n->mu);
    n->stop = true;
    pthread_cond_signal(&n->cond);
    pthread_mutex_unlock(&n->mu);
    if (n->running) {
        pthread_join(n->thread, NULL);
    }
    if (n->subs) {
        sodium_memzero(n->subs, n->room * sizeof *n->subs);
    }
    free(n->subs);
    pthread_cond_destroy(&n->cond);
    pthread_mutex_destroy(&n->mu);
    free(n);
}
