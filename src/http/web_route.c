/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The web pages' routes: one table of method, path and handler; cookie
 * sessions (the same login, limits and token store as the API), CSRF
 * checks on every POST, urlencoded form bodies, and the sign-in, sign-out
 * and invite pages. A form's CSRF value is the hex SHA-256 of "csrf:"
 * and the session token, so it is tied to the session; before there is
 * a session (sign-in, invite) a random double-submit cookie is used. */
#include "http_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ascii.h"
#include "http/page.h"

#define SESSION_COOKIE "accord_session"
#define CSRF_COOKIE "accord_csrf"
#define FIELD_MAX 256 /* form fields of one request */

struct field {
    const char *name;  /* decoded, NUL-terminated, in the request arena */
    const char *value; /* decoded, NUL-terminated, in the request arena */
};

/* The page layer's part of a request (r->web). */
struct web {
    struct field *fields; /* the form body's fields */
    size_t count;         /* fields */
    char token[96];       /* the session cookie's token, or "" */
    const char *kind;     /* new proposal: the kind posted */
};

typedef void (*web_fn)(struct ac_request *r);

struct web_route {
    const char *method; /* "GET" or "POST" */
    const char *path;   /* "{id}" matches one segment */
    bool needs_session; /* else open to everyone */
    web_fn fn;
};

/* ---- form bodies ---- */

/* Decodes one application/x-www-form-urlencoded part into the arena;
 * NULL when out of memory or not valid UTF-8 (or holding a NUL). */
static const char *form_decode(struct ac_arena *a, const char *p, size_t len)
{
    char *out = ac_arena_alloc(a, len + 1);
    size_t n = 0;
    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (p[i] == '+') {
            out[n++] = ' ';
        } else if (p[i] == '%' && i + 2 < len &&
                   (hi = ac_hex_digit(p[i + 1])) >= 0 &&
                   (lo = ac_hex_digit(p[i + 2])) >= 0) {
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[n++] = p[i];
        }
    }
    out[n] = '\0';
    if (memchr(out, '\0', n) || !ac_utf8_is_valid((struct ac_str){out, n})) {
        return NULL;
    }
    return out;
}

static bool form_parse(struct ac_request *r, struct web *w)
{
    struct ac_str body = ac_buf_str(&r->body);
    const char *p = body.ptr, *end = body.ptr + body.len;

    w->fields = ac_arena_alloc(&r->arena, FIELD_MAX * sizeof *w->fields);
    if (!w->fields) {
        return false;
    }
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (stop > p) {
            struct field *f;
            if (w->count == FIELD_MAX) {
                return false;
            }
            f = &w->fields[w->count++];
            f->name = form_decode(&r->arena, p, (size_t)((eq ? eq : stop) - p));
            f->value =
                eq ? form_decode(&r->arena, eq + 1, (size_t)(stop - eq - 1))
                   : "";
            if (!f->name || !f->value) {
                return false;
            }
        }
        p = stop + 1;
    }
    return true;
}

const char *ac_web_field(const struct ac_request *r, const char *name)
{
    const struct web *w = r->web;
    for (size_t i = 0; w && i < w->count; i++) {
        if (strcmp(w->fields[i].name, name) == 0) {
            return w->fields[i].value;
        }
    }
    return NULL;
}

void ac_web_fields(const struct ac_request *r, const char *name,
                   void (*fn)(void *ctx, const char *value), void *ctx)
{
    const struct web *w = r->web;
    for (size_t i = 0; w && i < w->count; i++) {
        if (strcmp(w->fields[i].name, name) == 0) {
            fn(ctx, w->fields[i].value);
        }
    }
}

/* ---- answers ---- */

static void csrf_of(const char *token, char out[AC_HEX_LEN + 1])
{
    struct ac_buf b;
    uint8_t h[AC_HASH_LEN];
    ac_buf_init(&b, 0);
    ac_buf_add_c(&b, "csrf:");
    ac_buf_add_c(&b, token);
    ac_sha256(h, b.ptr, b.len);
    ac_buf_release(&b);
    ac_hex_encode(out, h, AC_HASH_LEN);
}

static bool secure(const struct ac_request *r)
{
    const char *p = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                "X-Forwarded-Proto");
    return p && strcasecmp(p, "https") == 0;
}

/* Adds a Set-Cookie; value "" clears the cookie. */
static void set_cookie(struct ac_request *r, const char *name,
                       const char *value)
{
    for (size_t i = 0; i < 2; i++) {
        char *c = r->reply.cookie[i];
        if (!c[0]) {
            snprintf(c, sizeof r->reply.cookie[i],
                     "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name,
                     value, value[0] ? "" : "; Max-Age=0",
                     secure(r) ? "; Secure" : "");
            return;
        }
    }
}

void ac_web_page_init(struct ac_request *r, struct ac_page *pg)
{
    const struct web *w = r->web;
    ac_page_init(pg);
    if (w && w->token[0] && r->member[0]) {
        csrf_of(w->token, pg->csrf);
    } else {
        const char *c =
            MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CSRF_COOKIE);
        snprintf(pg->csrf, sizeof pg->csrf, "%s", c ? c : "");
    }
    snprintf(pg->member, sizeof pg->member, "%s", r->member);
    pthread_rwlock_rdlock(&r->svc->lock);
    pg->seq = r->svc->state.seq;
    ac_hex_encode(pg->head, r->svc->state.head, AC_HASH_LEN);
    pthread_rwlock_unlock(&r->svc->lock);
    pg->from = r;
}

void ac_web_page_send(struct ac_request *r, struct ac_page *pg, unsigned status)
{
    struct ac_reply *rp = &r->reply;
    if (pg->out.status != AC_OK) {
        ac_page_release(pg);
        ac_api_problem(rp, 503, "the page does not fit in memory", NULL);
        return;
    }
    free(rp->body);
    rp->status = status;
    rp->type = "text/html; charset=utf-8";
    rp->is_page = true;
    rp->body = ac_buf_take(&pg->out, &rp->len);
    ac_page_release(pg);
}

void ac_web_redirect(struct ac_request *r, const char *location)
{
    free(r->reply.body);
    r->reply.body = NULL;
    r->reply.len = 0;
    r->reply.type = NULL;
    r->reply.status = 303;
    r->reply.is_page = true;
    snprintf(r->reply.location, sizeof r->reply.location, "%s", location);
}

void ac_web_message(struct ac_request *r, unsigned status, const char *title,
                    const char *msg)
{
    struct ac_page pg;
    ac_web_page_init(r, &pg);
    ac_page_begin(&pg, title, NULL);
    ac_page_printf(&pg, "<p class=\"error\" role=\"alert\">%s</p>", msg);
    ac_page_raw(&pg, "<p><a href=\"/\">Back to the start page</a></p>");
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, status);
}

/* ---- sign in, sign out ---- */

/* A fresh double-submit value for the sign-in and invite forms, unless
 * the browser has one. */
static void ensure_csrf_cookie(struct ac_request *r, struct ac_page *pg)
{
    if (!pg->csrf[0]) {
        char t[AC_TOKEN_LEN + 1];
        ac_token_new(t);
        snprintf(pg->csrf, sizeof pg->csrf, "%s", t);
        set_cookie(r, CSRF_COOKIE, t);
    }
}

static void login_render(struct ac_request *r, struct ac_page *pg,
                         unsigned status)
{
    ensure_csrf_cookie(r, pg);
    ac_page_begin(pg, "Sign in", "/login");
    ac_page_raw(pg, "<section class=\"card narrow\">");
    ac_page_form_error(pg);
    ac_page_form_begin(pg, "/login", "stack");
    ac_page_input(pg, "text", "member", "Member id", AC_STR(""), true, NULL);
    ac_page_input(pg, "password", "password", "Password", AC_STR(""), true,
                  NULL);
    ac_page_form_end(pg, "Sign in");
    ac_page_raw(pg, "<p>Invited? <a href=\"/invite\">Accept your invite</a>"
                    "</p></section>");
    ac_page_end(pg);
    ac_web_page_send(r, pg, status);
}

static void get_login(struct ac_request *r)
{
    struct ac_page pg;
    if (r->member[0]) {
        ac_web_redirect(r, "/");
        return;
    }
    ac_web_page_init(r, &pg);
    login_render(r, &pg, 200);
}

static void post_login(struct ac_request *r)
{
    const char *member = ac_web_field(r, "member");
    const char *password = ac_web_field(r, "password");
    char token[AC_TOKEN_LEN + 1], msg[300];
    int64_t expires, wait = 0;
    struct ac_err e = {0};
    struct ac_page pg;
    enum ac_status st;
    unsigned status;

    if (!member || !password || !*member || strlen(member) > 64) {
        st = ac_err_at(&e, "member", AC_EINVAL, "member: give your member id");
    } else {
        st = ac_route_login(r, ac_str_c(member), ac_str_c(password), token,
                            &expires, &wait, &e);
    }
    if (st == AC_OK) {
        set_cookie(r, SESSION_COOKIE, token);
        ac_web_redirect(r, "/");
        return;
    }
    r->member[0] = '\0';
    ac_web_page_init(r, &pg);
    if (st == AC_ELIMIT) {
        snprintf(msg, sizeof msg,
                 "too many failed sign-ins; try again in %" PRId64 " seconds",
                 wait);
        r->reply.retry_after = wait;
        status = 429;
    } else if (st == AC_EDENIED || st == AC_EINVAL) {
        snprintf(msg, sizeof msg, "%s", e.msg);
        status = st == AC_EDENIED ? 401 : 400;
    } else {
        snprintf(msg, sizeof msg, "%s", e.msg);
        status = ac_api_http_status(st);
    }
    pg.err_msg = msg;
    pg.err_field = st == AC_EINVAL ? "member" : "password";
    login_render(r, &pg, status);
}

static void post_logout(struct ac_request *r)
{
    struct ac_err e = {0};
    if (ac_route_logout(r, &e) != AC_OK) {
        ac_web_message(r, ac_api_http_status(e.code), "Not signed out", e.msg);
        return;
    }
    set_cookie(r, SESSION_COOKIE, "");
    ac_web_redirect(r, "/login");
}

/* ---- invites ---- */

static void invite_render(struct ac_request *r, struct ac_page *pg,
                          unsigned status)
{
    ensure_csrf_cookie(r, pg);
    ac_page_begin(pg, "Accept an invite", "/invite");
    ac_page_raw(pg, "<section class=\"card narrow\">");
    ac_page_form_error(pg);
    ac_page_form_begin(pg, "/invite", "stack");
    ac_page_input(pg, "text", "invite", "Invite code", AC_STR(""), true,
                  "the code the member who proposed you gave you");
    ac_page_input(pg, "password", "password", "Choose a password", AC_STR(""),
                  true, "at least 8 characters");
    ac_page_form_end(pg, "Join");
    ac_page_raw(pg, "</section>");
    ac_page_end(pg);
    ac_web_page_send(r, pg, status);
}

static void get_invite(struct ac_request *r)
{
    struct ac_page pg;
    ac_web_page_init(r, &pg);
    invite_render(r, &pg, 200);
}

static void after_join(struct ac_request *r)
{
    struct ac_page pg;
    if (r->reply.status == 200) {
        ac_web_redirect(r, "/login");
        return;
    }
    ac_web_page_init(r, &pg);
    pg.err_msg = "the invite could not be taken; see the message below";
    invite_render(r, &pg, r->reply.status);
}

static void post_invite(struct ac_request *r)
{
    const char *invite = ac_web_field(r, "invite");
    const char *password = ac_web_field(r, "password");
    int64_t wait = 0;
    struct ac_err e = {0};
    struct ac_page pg;
    enum ac_status st;
    char msg[300];

    memset(&r->job, 0, sizeof r->job);
    r->job.cmd.type = AC_CMD_JOIN;
    r->job.ok_status = 200;
    if (!invite || !*invite || strlen(invite) > 127) {
        st = ac_err_at(&e, "/invite", AC_EINVAL, "invite: give the code");
    } else {
        st = ac_route_accept(r, ac_str_c(invite),
                             ac_str_c(password ? password : ""), &wait, &e);
    }
    if (st == AC_OK) {
        r->done = after_join;
        ac_route_submit(r);
        return;
    }
    snprintf(msg, sizeof msg, "%s", e.msg);
    ac_web_page_init(r, &pg);
    pg.err_msg = msg;
    pg.err_field = strstr(e.where, "password") ? "password" : "invite";
    invite_render(r, &pg, st == AC_ENOTFOUND ? 404 : ac_api_http_status(st));
}

/* ---- the stylesheet ---- */

static void get_style(struct ac_request *r)
{
    struct ac_buf b;
    ac_buf_init(&b, 0);
    for (size_t i = 0; ac_web_css[i]; i++) {
        ac_buf_add_c(&b, ac_web_css[i]);
    }
    if (b.status != AC_OK) {
        ac_buf_release(&b);
        ac_api_problem(&r->reply, 503, "out of memory", NULL);
        return;
    }
    r->reply.status = 200;
    r->reply.type = "text/css; charset=utf-8";
    r->reply.body = ac_buf_take(&b, &r->reply.len);
    r->reply.cache = "public, max-age=31536000, immutable";
    ac_buf_release(&b);
}

/* ---- the table ---- */

static const struct web_route routes[] = {
    {"GET", "/static/style.css", false, get_style},
    {"GET", "/login", false, get_login},
    {"POST", "/login", false, post_login},
    {"POST", "/logout", true, post_logout},
    {"GET", "/invite", false, get_invite},
    {"POST", "/invite", false, post_invite},
    {"GET", "/", true, ac_web_home},
    {"GET", "/proposals", true, ac_web_proposals},
    {"POST", "/proposals", true, ac_web_post_proposal},
    {"GET", "/proposals/new", true, ac_web_proposal_new},
    {"GET", "/proposals/{id}", true, ac_web_proposal},
    {"POST", "/proposals/{id}/positions", true, ac_web_post_position},
    {"POST", "/proposals/{id}/ballot", true, ac_web_post_ballot},
    {"POST", "/proposals/{id}/integrations", true, ac_web_post_integration},
    {"POST", "/proposals/{id}/nominations", true, ac_web_post_nomination},
    {"POST", "/proposals/{id}/volunteer", true, ac_web_post_volunteer},
    {"POST", "/proposals/{id}/pass", true, ac_web_post_pass},
    {"POST", "/proposals/{id}/reveal", true, ac_web_post_reveal},
    {"POST", "/proposals/{id}/amend", true, ac_web_post_amend},
    {"POST", "/proposals/{id}/withdraw", true, ac_web_post_withdraw},
    {"GET", "/agreements", true, ac_web_agreements},
    {"GET", "/agreements/{id}", true, ac_web_agreement},
    {"GET", "/charter", true, ac_web_charter},
    {"GET", "/members", true, ac_web_members},
    {"GET", "/circles", true, ac_web_circles},
    {"GET", "/roles", true, ac_web_roles},
    {"GET", "/delegations", true, ac_web_delegations},
    {"POST", "/delegations", true, ac_web_post_delegation},
    {"POST", "/delegations/revoke", true, ac_web_post_revoke},
    {"POST", "/delegations/refuse", true, ac_web_post_refuse},
    {"GET", "/power", true, ac_web_power},
    {"GET", "/power.svg", true, ac_web_power_svg},
    {"GET", "/ledger", true, ac_web_ledger},
    {"GET", "/ledger.csv", true, ac_api_ledger_csv_reply},
    {"GET", "/rounds/{id}", true, ac_web_round},
    {"GET", "/commitments", true, ac_web_commitments},
    {"GET", "/notifications", true, ac_web_notifications},
    {"POST", "/notifications", true, ac_web_post_notifications},
    {"POST", "/commitments", true, ac_web_post_commitment},
    {"POST", "/commitments/{id}/updates", true, ac_web_post_update},
    {"POST", "/rounds/{id}/buckets", true, ac_web_post_bucket},
    {"POST", "/buckets/{id}/pledge", true, ac_web_post_pledge},
    {"GET", "/log", true, ac_web_log},
};

/* Constant-time comparison of two NUL-terminated values. */
static bool same_secret(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n > 0 && n == strlen(b) &&
           ac_bytes_equal((const uint8_t *)a, (const uint8_t *)b, n);
}

static bool csrf_ok(struct ac_request *r, const struct web *w)
{
    const char *sent = ac_web_field(r, "csrf");
    const char *site =
        MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
    char want[AC_HEX_LEN + 1];
    /* A browser says where a request comes from; a form posted from
     * another site, even a sibling subdomain that could plant the
     * double-submit cookie, is refused before any token is compared.
     * Clients that send no such header are judged by the token alone. */
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
        return false;
    }
    if (!sent) {
        return false;
    }
    if (r->member[0]) {
        csrf_of(w->token, want);
        return same_secret(sent, want);
    }
    {
        const char *c =
            MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CSRF_COOKIE);
        return c && same_secret(sent, c);
    }
}

bool ac_web_dispatch(struct ac_request *r)
{
    const struct web_route *rt = NULL;
    struct ac_str param = {NULL, 0};
    bool path_known = false;
    const char *cookie;
    struct web *w;

    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        struct ac_str at = {NULL, 0};
        if (ac_route_match(routes[i].path, r->url, &at)) {
            path_known = true;
            /* the first route wins: /proposals/new before {id} */
            if (!rt && strcmp(routes[i].method, r->method) == 0) {
                rt = &routes[i];
                param = at;
            }
        }
    }
    if (!path_known) {
        return false;
    }
    w = ac_arena_alloc(&r->arena, sizeof *w);
    if (!w) {
        ac_api_problem(&r->reply, 503, "out of memory", NULL);
        return true;
    }
    memset(w, 0, sizeof *w);
    r->web = w;
    if (!rt) {
        snprintf(r->reply.allow, sizeof r->reply.allow, "GET, POST");
        ac_web_message(r, 405, "Not allowed",
                       "this page cannot be used with that method");
        return true;
    }
    if (rt->fn == get_style) {
        get_style(r);
        return true;
    }
    if (__atomic_load_n(&r->svc->broken, __ATOMIC_SEQ_CST)) {
        ac_web_message(r, 503, "Recovering",
                       "the store failed; the server is recovering");
        return true;
    }
    r->param = ac_arena_str(&r->arena, param);
    if (param.ptr && !r->param.ptr) {
        ac_api_problem(&r->reply, 503, "out of memory", NULL);
        return true;
    }
    cookie =
        MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    if (cookie && strlen(cookie) < sizeof w->token) {
        struct ac_err e = {0};
        snprintf(w->token, sizeof w->token, "%s", cookie);
        if (ac_route_session(r, w->token, true, &e) != AC_OK) {
            r->member[0] = '\0';
            w->token[0] = '\0';
        }
    }
    if (strcmp(r->method, "POST") == 0) {
        if (!form_parse(r, w)) {
            ac_web_message(r, 400, "Unreadable form",
                           "the form could not be read: it must be "
                           "url-encoded UTF-8");
            return true;
        }
        if (!csrf_ok(r, w)) {
            ac_web_message(r, 403, "Form refused",
                           "this form has no valid csrf field: reload the "
                           "page and send it again");
            return true;
        }
    }
    if (rt->needs_session && !r->member[0]) {
        if (cookie) {
            set_cookie(r, SESSION_COOKIE, "");
        }
        ac_web_redirect(r, "/login");
        return true;
    }
    rt->fn(r);
    return true;
}
