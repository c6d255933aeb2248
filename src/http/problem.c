/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Answers: JSON bodies and RFC 9457 problem details, and the one table
 * that maps status codes to HTTP statuses. */
#include "http_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"

/* AC_ELIMIT is 413 here; the failed-login limit answers 429 itself. */
static const unsigned http_of[] = {
    [AC_OK] = 200,        [AC_EINVAL] = 400,   [AC_ENOTFOUND] = 404,
    [AC_ECONFLICT] = 409, [AC_EDENIED] = 403,  [AC_ELIMIT] = 413,
    [AC_ENOMEM] = 503,    [AC_ECORRUPT] = 500, [AC_EIO] = 503,
};

unsigned ac_api_http_status(enum ac_status st)
{
    if ((size_t)st < sizeof http_of / sizeof http_of[0] && http_of[st]) {
        return http_of[st];
    }
    return 500;
}

void ac_reply_release(struct ac_reply *rp)
{
    free(rp->body);
    memset(rp, 0, sizeof *rp);
}

/* The last resort when even the problem cannot be built. */
static void out_of_memory(struct ac_reply *rp)
{
    static const char text[] =
        "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\","
        "\"status\":503,\"detail\":\"out of memory\"}";
    free(rp->body);
    rp->status = 503;
    rp->type = "application/problem+json";
    rp->body = strdup(text);
    rp->len = rp->body ? sizeof text - 1 : 0;
}

static void set_body(struct ac_reply *rp, unsigned status, const char *type,
                     json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text) {
        out_of_memory(rp);
        return;
    }
    free(rp->body);
    rp->status = status;
    rp->type = type;
    rp->body = text;
    rp->len = strlen(text);
}

void ac_api_json(struct ac_reply *rp, unsigned status, json_t *j)
{
    set_body(rp, status, "application/json", j);
}

/* Messages quote user values cut to a few bytes, which may split a
 * character: such bytes become '?' so the text stays valid UTF-8. */
static json_t *text_json(const char *s)
{
    struct ac_str in = ac_str_c(s);
    char *copy;
    json_t *j;
    size_t i = 0;

    if (ac_utf8_is_valid(in)) {
        return json_string(s);
    }
    copy = malloc(in.len + 1);
    if (!copy) {
        return NULL;
    }
    while (i < in.len) {
        unsigned c = (unsigned char)in.ptr[i];
        size_t n = c < 0x80             ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (n && i + n <= in.len &&
            ac_utf8_is_valid((struct ac_str){in.ptr + i, n})) {
            memcpy(copy + i, in.ptr + i, n);
            i += n;
        } else {
            copy[i++] = '?';
        }
    }
    copy[in.len] = '\0';
    j = json_string(copy);
    free(copy);
    return j;
}

void ac_api_problem(struct ac_reply *rp, unsigned status, const char *detail,
                    const char *field)
{
    const char *title = MHD_get_reason_phrase_for(status);
    json_t *j = json_object();
    bool ok = j != NULL;
    ok = ok && json_object_set_new(j, "type", json_string("about:blank")) == 0;
    ok = ok &&
         json_object_set_new(
             j, "title", json_string(title && *title ? title : "Error")) == 0;
    ok = ok && json_object_set_new(j, "status", json_integer(status)) == 0;
    ok = ok && json_object_set_new(j, "detail", text_json(detail)) == 0;
    if (field) {
        ok = ok && json_object_set_new(j, "field", text_json(field)) == 0;
    }
    if (!ok) {
        json_decref(j);
        j = NULL;
    }
    set_body(rp, status, "application/problem+json", j);
}

void ac_api_problem_err(struct ac_reply *rp, const struct ac_err *err)
{
    const char *msg = err->msg[0] ? err->msg : ac_status_name(err->code);
    if (err->code == AC_EIO && (strcmp(err->where, "database") == 0 ||
                                strcmp(err->where, "commit") == 0)) {
        /* the database's own words name its host: not for clients */
        ac_api_problem(rp, 503, "the database is unreachable or did not answer",
                       NULL);
        return;
    }
    ac_api_problem(rp, ac_api_http_status(err->code), msg,
                   err->where[0] ? err->where : NULL);
}
