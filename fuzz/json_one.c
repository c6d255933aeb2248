/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The json target: the strict parser into values and the API's body
 * decoders. The first byte picks the route (or the sign-in and invite
 * bodies, which make no command, or a PrefLib file as the web form's
 * ballot import reads it), the rest is the body. Every body also goes
 * through ac_json_parse, whose values must agree with jansson's and
 * survive a trip back to JSON text. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/secret.h"
#include "core/choice.h"
#include "core/preflib.h"
#include "http/http_int.h"

/* Nesting of containers in v (a lone scalar is 0). */
static int depth(const struct ac_val *v)
{
    int most = 0;
    if (v->kind != AC_VAL_ARR && v->kind != AC_VAL_OBJ) {
        return 0;
    }
    for (size_t i = 0; i < v->count; i++) {
        int d = depth(v->kind == AC_VAL_ARR ? v->items[i] : v->pairs[i].val);
        most = d > most ? d : most;
    }
    return most + 1;
}

static void refused(enum ac_status st, const struct ac_err *e, const char *what)
{
    AC_FUZZ_CHECK(e->code == st, "%s: status %s but the error says %s", what,
                  ac_status_name(st), ac_status_name(e->code));
    AC_FUZZ_CHECK(e->msg[0] != '\0', "%s: refused without a message", what);
    AC_FUZZ_CHECK(e->where[0] == '\0' || e->where[0] == '/',
                  "%s: where \"%s\" is not a JSON pointer", what, e->where);
}

/* ac_json_parse against jansson, and the value back to text and again. */
static void parse(struct ac_str text)
{
    struct ac_arena a;
    struct ac_val *v = NULL, *back = NULL, *copy;
    struct ac_err e = {0};
    json_error_t je;
    json_t *j = json_loadb(text.ptr, text.len, JSON_REJECT_DUPLICATES, &je);
    json_t *from;
    char *dumped;
    enum ac_status st;

    ac_arena_init(&a, 0);
    st = ac_json_parse(text, &a, &v, &e);
    if (st != AC_OK) {
        refused(st, &e, "ac_json_parse");
        AC_FUZZ_CHECK(st == AC_EINVAL, "ac_json_parse: %s", e.msg);
        goto out;
    }
    AC_FUZZ_CHECK(j != NULL, "ac_json_parse took what jansson refuses: %s",
                  je.text);
    AC_FUZZ_CHECK(depth(v) <= AC_JSON_MAX_DEPTH, "nesting %d accepted",
                  depth(v));
    from = ac_json_from_val(v);
    AC_FUZZ_CHECK(from != NULL, "ac_json_from_val failed");
    AC_FUZZ_CHECK(json_equal(from, j), "the value differs from jansson's");
    dumped = json_dumps(from, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(from);
    AC_FUZZ_CHECK(dumped != NULL, "json_dumps failed");
    st = ac_json_parse(ac_str_c(dumped), &a, &back, &e);
    free(dumped);
    AC_FUZZ_CHECK(st == AC_OK, "the value as text does not parse: %s", e.msg);
    AC_FUZZ_CHECK(ac_val_equal(v, back), "the value changed on a round trip");
    copy = ac_val_copy(&a, v);
    AC_FUZZ_CHECK(copy && ac_val_equal(v, copy), "ac_val_copy differs");
out:
    json_decref(j);
    ac_arena_release(&a);
}

/* The sign-in body {"member","password"} and the invite body
 * {"invite","password"} (routes.c post_session and post_accept). */
static void credentials(struct ac_str body, bool invite)
{
    static const char *const session[] = {"member", "password", NULL};
    static const char *const accept[] = {"invite", "password", NULL};
    const char *key = invite ? "invite" : "member";
    struct ac_arena a;
    struct ac_str who = {NULL, 0}, password = {NULL, 0};
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_arena_init(&a, 0);
    st = ac_api_body(body, false, invite ? accept : session, &j, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, key, false, invite ? 127 : 64, &a, &who, &e);
        if (st == AC_OK && who.len == 0) {
            st = ac_err_at(&e, "/member", AC_EINVAL, "empty");
        }
    }
    if (st == AC_OK) {
        st = ac_api_get_str(j, "password", false, invite ? 0 : AC_PASSWORD_MAX,
                            &a, &password, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        refused(st, &e, key);
    } else {
        AC_FUZZ_CHECK(who.ptr && who.len > 0 && who.len <= 127 &&
                          who.ptr[who.len] == '\0',
                      "%s: decoded badly", key);
        AC_FUZZ_CHECK(password.ptr && password.ptr[password.len] == '\0',
                      "password: decoded badly");
        if (invite) {
            st = ac_password_check(password, &e);
            AC_FUZZ_CHECK(st == AC_OK || e.code == st, "password check");
        }
    }
    ac_arena_release(&a);
}

/* A string member the decoder filled: NUL-terminated in the arena and
 * free of NUL bytes (json_loadb refuses \u0000). */
static void decoded_str(struct ac_str s, const char *what)
{
    if (!s.ptr) {
        return;
    }
    AC_FUZZ_CHECK(s.ptr[s.len] == '\0', "%s is not NUL-terminated", what);
    AC_FUZZ_CHECK(memchr(s.ptr, '\0', s.len) == NULL, "%s holds a NUL", what);
}

static void command(size_t route, struct ac_str body)
{
    const struct ac_fuzz_route *rt = &ac_fuzz_routes[route];
    struct ac_arena a;
    struct ac_cmd c;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_arena_init(&a, 0);
    memset(&c, 0, sizeof c);
    c.actor = AC_STR("alice");
    c.proposal = AC_STR("p1");
    st = ac_fuzz_decode(route, body, &a, &c, &e);
    if (st != AC_OK) {
        refused(st, &e, rt->name);
        AC_FUZZ_CHECK(st == AC_EINVAL || st == AC_EDENIED || st == AC_ELIMIT,
                      "%s: %s", rt->name, e.msg);
        goto out;
    }
    AC_FUZZ_CHECK(c.type == rt->type, "%s: wrong command", rt->name);
    decoded_str(c.circle, "circle");
    decoded_str(c.kind, "kind");
    decoded_str(c.title, "title");
    decoded_str(c.position, "position");
    decoded_str(c.reason, "reason");
    decoded_str(c.criterion, "criterion");
    decoded_str(c.objector, "objector");
    decoded_str(c.suggestion, "suggestion");
    decoded_str(c.nominee, "nominee");
    decoded_str(c.secret, "secret");
    decoded_str(c.other, "other");
    decoded_str(c.due, "due");
    decoded_str(c.status, "status");
    if (rt->type == AC_CMD_PROPOSE) {
        AC_FUZZ_CHECK(c.circle.ptr && c.kind.ptr && c.title.ptr && c.data &&
                          c.data->kind == AC_VAL_OBJ,
                      "propose: a required member is missing");
    }
    /* what was accepted has only the route's members */
    AC_FUZZ_CHECK(
        ac_api_body(body, rt->fields[0] == NULL, rt->fields, &j, &e) == AC_OK,
        "%s: the body passed once and not twice", rt->name);
    json_decref(j);
out:
    ac_arena_release(&a);
}

/* Candidates a tally is run over: the paths are cubic in them. */
#define TALLY_MAX 24

/* A PrefLib file, as the web page's choice.import form reads it
 * (web_forms.c put_import): each ballot written as the API's "ranking"
 * must read back as the same order, and the file must tally. */
static void preflib(struct ac_str text)
{
    struct ac_arena a;
    struct ac_preflib pl;
    struct ac_schulze_result res;
    struct ac_err e = {0};
    uint16_t *marks;
    enum ac_status st;

    ac_arena_init(&a, 0);
    st = ac_preflib_parse(text, &a, &pl, &e);
    if (st != AC_OK) {
        refused(st, &e, "preflib");
        goto out;
    }
    AC_FUZZ_CHECK(pl.n >= 1 && pl.n <= AC_SCHULZE_MAX, "%zu alternatives",
                  pl.n);
    marks = ac_arena_alloc(&a, pl.n * sizeof *marks);
    AC_FUZZ_CHECK(marks != NULL, "out of memory");
    for (size_t i = 0; i < pl.count; i++) {
        const uint16_t *rank = pl.ballots[i].rank;
        struct ac_val *obj = ac_val_obj(&a);
        AC_FUZZ_CHECK(obj && ac_ballot_put(AC_M_SCHULZE, rank, pl.n, &a, obj),
                      "out of memory");
        st = ac_ballot_marks(AC_M_SCHULZE, obj, pl.n, marks, &e);
        AC_FUZZ_CHECK(st == AC_OK, "ballot %zu does not read back: %s", i + 1,
                      e.msg);
        for (size_t x = 0; x < pl.n && pl.n <= TALLY_MAX; x++) {
            for (size_t y = 0; y < pl.n; y++) {
                AC_FUZZ_CHECK((rank[x] < rank[y]) == (marks[x] < marks[y]),
                              "ballot %zu reads back in another order", i + 1);
            }
        }
    }
    if (pl.n <= TALLY_MAX) {
        st = ac_schulze_tally(pl.ballots, pl.count, pl.n,
                              AC_SCHULZE_WINNING_VOTES, 1, &a, &res, &e);
        AC_FUZZ_CHECK(st == AC_OK || st == AC_ELIMIT,
                      "a parsed file does not tally: %s", e.msg);
    }
out:
    ac_arena_release(&a);
}

void ac_fuzz_json(const uint8_t *data, size_t size)
{
    struct ac_str body;
    size_t pick;

    if (size == 0 || size > AC_FUZZ_MAX_INPUT) {
        return;
    }
    pick = data[0] % (ac_fuzz_route_count + 3);
    body = (struct ac_str){(const char *)data + 1, size - 1};
    if (pick == ac_fuzz_route_count + 2) {
        preflib(body);
        return;
    }
    parse(body);
    if (pick < ac_fuzz_route_count) {
        command(pick, body);
    } else {
        credentials(body, pick == ac_fuzz_route_count + 1);
    }
}
