/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The store front: picks a backend by the location's scheme and checks
 * every argument once, so each backend sees only well-formed requests.
 * Strings handed to a backend are non-empty, free of NUL bytes and short
 * enough for the caller buffers the getters fill. */
#include "store/store.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/ascii.h"
#include "store/store_int.h"

#define MEMBER_MAX 63    /* bytes: the getters' member[64] */
#define CODE_MAX 127     /* bytes: ac_store_invite_get's code[128] */
#define NOTIFY_MAX 65536 /* bytes of one member's notification settings */
#define TOKEN_MAX 128    /* bytes of a token hash (64 hex digits today) */
#define PHC_MAX 1023     /* bytes of a password hash string */

/* Backends by location scheme; the first match wins and "" matches a
 * plain path. ops NULL: known but not built. */
static const struct backend {
    const char *scheme;             /* "name://" prefix, or "" */
    const struct ac_store_ops *ops; /* NULL when not built */
} backends[] = {
    {"postgres://", &ac_store_pg_ops},
    {"postgresql://", &ac_store_pg_ops},
    {"", &ac_store_sqlite_ops},
};

/* Length of a "scheme://" prefix (RFC 3986 scheme), 0 when there is none,
 * so that a plain path containing "://" later on stays a path. */
static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t scheme_len(const char *loc)
{
    size_t i = 0;
    if (!is_alpha(loc[0])) {
        return 0;
    }
    while (is_alpha(loc[i]) || ac_ascii_isdigit(loc[i]) || loc[i] == '+' ||
           loc[i] == '-' || loc[i] == '.') {
        i++;
    }
    return strncmp(loc + i, "://", 3) == 0 ? i + 3 : 0;
}

static enum ac_status check_str(struct ac_str s, const char *what, size_t max,
                                struct ac_err *err)
{
    if (s.len == 0 || !s.ptr) {
        return ac_err_at(err, what, AC_EINVAL, "%s is empty", what);
    }
    if (s.len > max) {
        return ac_err_at(err, what, AC_EINVAL, "%s is longer than %zu bytes",
                         what, max);
    }
    if (memchr(s.ptr, '\0', s.len)) {
        return ac_err_at(err, what, AC_EINVAL, "%s contains a NUL byte", what);
    }
    return AC_OK;
}

enum ac_status ac_store_open(const char *location, bool create,
                             struct ac_store **out, struct ac_err *err)
{
    size_t n;

    *out = NULL;
    if (!location || !location[0]) {
        return ac_err_set(err, AC_EINVAL, "store location is empty");
    }
    n = scheme_len(location);
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        const struct backend *b = &backends[i];
        size_t len = strlen(b->scheme);
        if (len != n || strncmp(location, b->scheme, len) != 0) {
            continue;
        }
        if (!b->ops) {
            return ac_err_set(err, AC_EINVAL, "%.*s backend not built yet",
                              (int)(len - 3), b->scheme);
        }
        return b->ops->open(location, create, out, err);
    }
    return ac_err_set(err, AC_EINVAL, "unknown store scheme \"%.*s\"", (int)n,
                      location);
}

bool ac_store_is_url(const char *location)
{
    return location && scheme_len(location) > 0;
}

void ac_store_where(const char *location, char *out, size_t size)
{
    size_t n = scheme_len(location), end, at, colon;
    const char *rest = location + n;

    if (n == 0) {
        snprintf(out, size, "%s", location);
        return;
    }
    /* as libpq reads a URI: the user part ends at the first '@' before
     * the first '/', whatever it holds ('?' included) */
    at = strcspn(rest, "@/");
    if (rest[at] != '@') {
        end = strcspn(rest, "?");
        snprintf(out, size, "%.*s%.*s", (int)n, location, (int)end, rest);
        return;
    }
    colon = strcspn(rest, ":@");
    end = at + strcspn(rest + at, "?");
    snprintf(out, size, "%.*s%.*s%.*s", (int)n, location, (int)colon, rest,
             (int)(end - at), rest + at);
}

void ac_store_close(struct ac_store *st)
{
    if (st) {
        st->ops->close(st);
    }
}

enum ac_status ac_store_head(struct ac_store *st, int64_t *seq,
                             uint8_t hash[AC_HASH_LEN], struct ac_err *err)
{
    return st->ops->head(st, seq, hash, err);
}

/* The append's shape: events consecutive after the expected head, each
 * linked to the one before, with text; side writes well-formed. */
static enum ac_status check_append(const struct ac_store_append *w,
                                   int64_t expect_seq,
                                   const uint8_t expect_hash[AC_HASH_LEN],
                                   struct ac_err *err)
{
    enum ac_status st = AC_OK;

    if (expect_seq < 0) {
        return ac_err_set(err, AC_EINVAL,
                          "expected head seq %" PRId64 " is negative",
                          expect_seq);
    }
    if (w->count && (!w->events || !w->texts)) {
        return ac_err_set(err, AC_EINVAL, "append has no events or texts");
    }
    for (size_t i = 0; i < w->count; i++) {
        const struct ac_event *ev = &w->events[i];
        const uint8_t *prev = i ? w->events[i - 1].hash : expect_hash;
        int64_t want = expect_seq + 1 + (int64_t)i;
        if (ev->seq != want) {
            return ac_err_set(err, AC_EINVAL,
                              "event %zu of the append has seq %" PRId64
                              ", expected %" PRId64,
                              i + 1, ev->seq, want);
        }
        if (memcmp(ev->prev, prev, AC_HASH_LEN) != 0) {
            return ac_err_set(err, AC_EINVAL,
                              "event %" PRId64
                              " of the append does not link to the one "
                              "before it",
                              ev->seq);
        }
        st = check_str(w->texts[i], "event text", SIZE_MAX, err);
        if (st != AC_OK) {
            return st;
        }
    }
    if (w->password_count && !w->passwords) {
        return ac_err_set(err, AC_EINVAL, "append has no passwords");
    }
    for (size_t i = 0; st == AC_OK && i < w->password_count; i++) {
        st = check_str(w->passwords[i].member, "member", MEMBER_MAX, err);
        if (st == AC_OK) {
            st = check_str(w->passwords[i].phc, "password hash", PHC_MAX, err);
        }
    }
    if (st == AC_OK && w->invite_taken.ptr) {
        st = check_str(w->invite_taken, "invite code", CODE_MAX, err);
    }
    return st;
}

enum ac_status ac_store_append(struct ac_store *st,
                               const struct ac_store_append *w,
                               int64_t expect_seq,
                               const uint8_t expect_hash[AC_HASH_LEN],
                               struct ac_err *err)
{
    enum ac_status s = check_append(w, expect_seq, expect_hash, err);
    if (s != AC_OK) {
        return s;
    }
    return st->ops->append(st, w, expect_seq, expect_hash, err);
}

enum ac_status ac_store_write_begin(struct ac_store *st, int64_t *seq,
                                    uint8_t hash[AC_HASH_LEN],
                                    struct ac_err *err)
{
    return st->ops->write_begin(st, seq, hash, err);
}

void ac_store_write_end(struct ac_store *st)
{
    st->ops->write_end(st);
}

bool ac_store_can_wait(const struct ac_store *st)
{
    return st->ops->wait != NULL;
}

enum ac_status ac_store_wait(struct ac_store *st, int timeout_ms, bool *moved,
                             struct ac_err *err)
{
    *moved = false;
    if (!st->ops->wait) {
        return ac_err_set(err, AC_EINVAL,
                          "the %s store cannot tell of appends by others",
                          st->ops->name);
    }
    return st->ops->wait(st, timeout_ms < 0 ? 0 : timeout_ms, moved, err);
}

/* Adapts a full-row callback to the public one. */
struct scan_ctx {
    ac_store_row_fn fn;
    void *ctx;
};

static enum ac_status scan_row(void *ctx, int64_t seq, struct ac_str hash,
                               struct ac_str text)
{
    struct scan_ctx *c = ctx;
    (void)hash;
    return c->fn(c->ctx, seq, text);
}

enum ac_status ac_store_scan(struct ac_store *st, int64_t after, int64_t limit,
                             ac_store_row_fn fn, void *ctx, struct ac_err *err)
{
    struct scan_ctx c = {fn, ctx};
    return ac_store_scan_rows(st, after, limit, scan_row, &c, err);
}

enum ac_status ac_store_scan_rows(struct ac_store *st, int64_t after,
                                  int64_t limit, ac_store_full_row_fn fn,
                                  void *ctx, struct ac_err *err)
{
    if (limit == 0) {
        return AC_OK;
    }
    return st->ops->scan(st, after < 0 ? 0 : after, limit < 0 ? -1 : limit, fn,
                         ctx, err);
}

enum ac_status ac_store_password_set(struct ac_store *st, struct ac_str member,
                                     struct ac_str phc, struct ac_err *err)
{
    enum ac_status s = check_str(member, "member", MEMBER_MAX, err);
    if (s == AC_OK) {
        s = check_str(phc, "password hash", PHC_MAX, err);
    }
    return s == AC_OK ? st->ops->password_set(st, member, phc, err) : s;
}

enum ac_status ac_store_password_get(struct ac_store *st, struct ac_str member,
                                     char *phc, size_t phc_size,
                                     struct ac_err *err)
{
    enum ac_status s;
    assert(phc && phc_size > 0);
    phc[0] = '\0';
    s = check_str(member, "member", MEMBER_MAX, err);
    return s == AC_OK ? st->ops->password_get(st, member, phc, phc_size, err)
                      : s;
}

enum ac_status ac_store_session_put(struct ac_store *st,
                                    struct ac_str token_hash,
                                    struct ac_str member, int64_t expires,
                                    struct ac_err *err)
{
    enum ac_status s = check_str(token_hash, "token hash", TOKEN_MAX, err);
    if (s == AC_OK) {
        s = check_str(member, "member", MEMBER_MAX, err);
    }
    return s == AC_OK
               ? st->ops->session_put(st, token_hash, member, expires, err)
               : s;
}

enum ac_status ac_store_session_get(struct ac_store *st,
                                    struct ac_str token_hash, int64_t now,
                                    char member[64], int64_t *expires,
                                    struct ac_err *err)
{
    enum ac_status s;
    member[0] = '\0';
    *expires = 0;
    s = check_str(token_hash, "token hash", TOKEN_MAX, err);
    return s == AC_OK
               ? st->ops->session_get(st, token_hash, now, member, expires, err)
               : s;
}

enum ac_status ac_store_session_delete(struct ac_store *st,
                                       struct ac_str token_hash,
                                       struct ac_err *err)
{
    enum ac_status s = check_str(token_hash, "token hash", TOKEN_MAX, err);
    return s == AC_OK ? st->ops->session_delete(st, token_hash, err) : s;
}

enum ac_status ac_store_invite_put(struct ac_store *st, struct ac_str member,
                                   struct ac_str code, struct ac_err *err)
{
    enum ac_status s = check_str(member, "member", MEMBER_MAX, err);
    if (s == AC_OK) {
        s = check_str(code, "invite code", CODE_MAX, err);
    }
    return s == AC_OK ? st->ops->invite_put(st, member, code, err) : s;
}

enum ac_status ac_store_invite_get(struct ac_store *st, struct ac_str member,
                                   char code[128], struct ac_err *err)
{
    enum ac_status s;
    code[0] = '\0';
    s = check_str(member, "member", MEMBER_MAX, err);
    return s == AC_OK ? st->ops->invite_get(st, member, code, err) : s;
}

enum ac_status ac_store_sealed_scan(struct ac_store *st, ac_store_sealed_fn fn,
                                    void *ctx, struct ac_err *err)
{
    return st->ops->sealed_scan(st, fn, ctx, err);
}

enum ac_status ac_store_notify_put(struct ac_store *st, struct ac_str member,
                                   struct ac_str settings, struct ac_err *err)
{
    enum ac_status s = check_str(member, "member", MEMBER_MAX, err);
    if (s == AC_OK) {
        s = check_str(settings, "notification settings", NOTIFY_MAX, err);
    }
    return s == AC_OK ? st->ops->notify_put(st, member, settings, err) : s;
}

enum ac_status ac_store_notify_scan(struct ac_store *st, ac_store_notify_fn fn,
                                    void *ctx, struct ac_err *err)
{
    return st->ops->notify_scan(st, fn, ctx, err);
}

enum ac_status ac_store_backup(struct ac_store *st, const char *dest,
                               int64_t *seq, struct ac_err *err)
{
    if (!dest || !*dest) {
        return ac_err_at(err, "--to", AC_EINVAL, "no backup folder given");
    }
    return st->ops->backup(st, dest, seq, err);
}

enum ac_status ac_store_invite_find(struct ac_store *st, struct ac_str code,
                                    char member[64], struct ac_err *err)
{
    enum ac_status s;
    member[0] = '\0';
    s = check_str(code, "invite code", CODE_MAX, err);
    return s == AC_OK ? st->ops->invite_find(st, code, member, err) : s;
}
