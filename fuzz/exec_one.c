/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The exec target: command sequences against a small organisation
 * (ac_fuzz_org). Each line is "VERB ACTOR PARAM BODY": VERB a route of
 * the API (propose, position, ballot, ...; the body is decoded as the
 * route does), "join" (ACTOR takes their invite), "tick" (PARAM hours
 * pass, then due rounds close) or "power" (the alerts are checked);
 * PARAM "-" stands for none. Each command runs as the server's writer
 * runs it: due rounds close first, and only active members act.
 *
 * ac_exec's promises are checked on every command: a refusal says why
 * and leaves the state as it was; a success emits events extending the
 * chain. At the end the log, exported, must verify and replay (with the
 * kept secret answers, as a restart does) to a state that every encoder
 * renders exactly as the live one. With AC_FUZZ_TRACE set in the
 * environment, each command's outcome goes to standard error. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/json.h"
#include "base/time.h"
#include "core/codec.h"
#include "store/log.h"

#define MAX_LINES 64
#define MAX_HOURS (24 * 400)
#define MINUTE INT64_C(60000)

/* A secret answer as the store keeps it: one per proposal and member. */
struct kept {
    struct ac_str proposal, member;
    int64_t round;
    struct ac_str content; /* canonical JSON */
    bool gone;
};

struct run {
    struct ac_arena a; /* state, events, commands */
    struct ac_state s;
    struct ac_batch b;
    struct ac_chain chain;
    int64_t now;
    struct kept kept[MAX_LINES * 4];
    size_t kept_count;
    bool trace; /* AC_FUZZ_TRACE set: each outcome to standard error */
};

/* The store's side writes of the events since sealed/unseal counts. */
static void keep(struct run *r, size_t sealed, size_t unseal)
{
    for (size_t i = sealed; i < r->b.sealed_count; i++) {
        const struct ac_sealed *x = &r->b.sealed[i];
        struct kept *k = NULL;
        struct ac_buf enc;
        struct ac_err e = {0};
        for (size_t j = 0; j < r->kept_count; j++) {
            if (!r->kept[j].gone &&
                ac_str_eq(r->kept[j].proposal, x->proposal) &&
                ac_str_eq(r->kept[j].member, x->member)) {
                k = &r->kept[j];
            }
        }
        if (!k) {
            AC_FUZZ_CHECK(r->kept_count < MAX_LINES * 4, "too many answers");
            k = &r->kept[r->kept_count++];
        }
        ac_buf_init(&enc, 0);
        AC_FUZZ_CHECK(ac_codec_encode(x->content, &enc, &e) == AC_OK,
                      "a secret answer does not encode: %s", e.msg);
        k->proposal = ac_arena_str(&r->a, x->proposal);
        k->member = ac_arena_str(&r->a, x->member);
        k->content = ac_arena_str(&r->a, ac_buf_str(&enc));
        AC_FUZZ_CHECK(k->proposal.ptr && k->member.ptr && k->content.ptr,
                      "out of memory");
        k->round = x->round;
        k->gone = false;
        ac_buf_release(&enc);
    }
    for (size_t i = unseal; i < r->b.unseal_count; i++) {
        for (size_t j = 0; j < r->kept_count; j++) {
            if (ac_str_eq(r->kept[j].proposal, r->b.unseal[i])) {
                r->kept[j].gone = true;
            }
        }
    }
}

/* Runs c as the writer does and checks ac_exec's promises. */
static void run_cmd(struct run *r, const struct ac_cmd *c)
{
    int64_t seq = r->s.seq;
    uint8_t head[AC_HASH_LEN];
    size_t count = r->b.count, sealed = r->b.sealed_count;
    size_t unseal = r->b.unseal_count;
    struct ac_err e = {0};
    enum ac_status st;

    memcpy(head, r->s.head, AC_HASH_LEN);
    st = ac_exec(&r->s, c, r->now, &r->a, &r->b, &e);
    if (r->trace) {
        fprintf(stderr, "%d %.*s: %s %s%s%s\n", (int)c->type, (int)c->actor.len,
                c->actor.ptr, ac_status_name(st), e.msg,
                e.where[0] ? " at " : "", e.where);
    }
    if (st != AC_OK) {
        AC_FUZZ_CHECK(e.code == st && e.msg[0],
                      "a refusal (%s) does not say why", ac_status_name(st));
        AC_FUZZ_CHECK(st != AC_ENOMEM, "out of memory: %s", e.msg);
        AC_FUZZ_CHECK(r->b.count == count && r->s.seq == seq &&
                          memcmp(r->s.head, head, AC_HASH_LEN) == 0 &&
                          r->b.sealed_count == sealed &&
                          r->b.unseal_count == unseal,
                      "a refused command changed the state: %s", e.msg);
        return;
    }
    AC_FUZZ_CHECK(r->b.count > count || c->type == AC_CMD_TICK ||
                      c->type == AC_CMD_POWER,
                  "a command succeeded without an event");
    for (size_t i = count; i < r->b.count; i++) {
        st = ac_chain_check(&r->chain, &r->b.events[i], &e);
        AC_FUZZ_CHECK(st == AC_OK, "an emitted event breaks the chain: %s",
                      e.msg);
    }
    AC_FUZZ_CHECK(r->s.seq == r->chain.seq &&
                      memcmp(r->s.head, r->chain.head, AC_HASH_LEN) == 0,
                  "the state's head is not its last event");
    keep(r, sealed, unseal);
}

static void tick(struct run *r)
{
    struct ac_cmd t = {.type = AC_CMD_TICK, .actor = AC_STR("system")};
    if (ac_state_next_due(&r->s) <= r->now) {
        run_cmd(r, &t);
    }
}

/* One line; a line that is not a command is passed over. */
static void line(struct run *r, struct ac_str ln)
{
    struct ac_str part[3];
    struct ac_str body;
    struct ac_cmd c;
    struct ac_err e = {0};
    const struct ac_member *m;
    const char *p = ln.ptr, *end = ln.ptr + ln.len;

    for (int i = 0; i < 3; i++) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        const char *stop = sp ? sp : end;
        part[i] = ac_arena_str(&r->a, (struct ac_str){p, (size_t)(stop - p)});
        AC_FUZZ_CHECK(part[i].ptr != NULL, "out of memory");
        p = sp ? sp + 1 : end;
    }
    body = (struct ac_str){p, (size_t)(end - p)};
    memset(&c, 0, sizeof c);
    c.actor = part[1];
    if (!ac_str_eq_c(part[2], "-")) {
        c.proposal = part[2];
    }
    r->now += MINUTE;
    if (ac_str_eq_c(part[0], "tick")) {
        int64_t hours;
        if (ac_parse_i64(part[2], 0, MAX_HOURS, &hours, NULL) == AC_OK) {
            r->now += hours * AC_MS_PER_HOUR;
        }
        tick(r);
        return;
    }
    if (ac_str_eq_c(part[0], "power")) {
        c.type = AC_CMD_POWER;
        c.actor = AC_STR("system");
        tick(r);
        run_cmd(r, &c);
        return;
    }
    if (ac_str_eq_c(part[0], "join")) {
        c.type = AC_CMD_JOIN;
        tick(r);
        run_cmd(r, &c);
        return;
    }
    for (size_t i = 0; i < ac_fuzz_route_count; i++) {
        if (!ac_str_eq_c(part[0], ac_fuzz_routes[i].name)) {
            continue;
        }
        if (ac_fuzz_decode(i, body, &r->a, &c, &e) != AC_OK) {
            if (r->trace) {
                fprintf(stderr, "%s: %s\n", ac_fuzz_routes[i].name, e.msg);
            }
            return;
        }
        tick(r);
        /* the writer runs only an active member's command */
        m = ac_state_member(&r->s, c.actor);
        if (m && m->status == AC_MEMBER_ACTIVE) {
            run_cmd(r, &c);
        }
        return;
    }
}

static int kept_order(const void *x, const void *y)
{
    const struct kept *a = x, *b = y;
    int c = ac_str_cmp(a->proposal, b->proposal);
    return c ? c : ac_str_cmp(a->member, b->member);
}

/* The log as `accord export` writes it, replayed as a restart loads it,
 * renders as the live state does. */
static void replay(struct run *r)
{
    struct ac_buf out;
    struct ac_arena a;
    struct ac_state s;
    struct ac_err e = {0};
    char head[AC_HEX_LEN + 1], want[AC_HEX_LEN + 1];
    int64_t count;
    json_t *live, *again;
    FILE *f;
    enum ac_status st;

    ac_buf_init(&out, 0);
    for (size_t i = 0; i < r->b.count; i++) {
        st = ac_event_encode(&r->b.events[i], true, &out, &e);
        AC_FUZZ_CHECK(st == AC_OK, "an event does not encode: %s", e.msg);
        ac_buf_putc(&out, '\n');
    }
    f = fmemopen(out.ptr, out.len, "r");
    AC_FUZZ_CHECK(f != NULL, "fmemopen failed");
    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    st = ac_log_replay_file(f, &s, &count, head, &e);
    fclose(f);
    AC_FUZZ_CHECK(st == AC_OK, "the log does not replay: %s", e.msg);
    ac_hex_encode(want, r->s.head, AC_HASH_LEN);
    AC_FUZZ_CHECK(count == r->s.seq && strcmp(head, want) == 0,
                  "the log replays to another head");
    qsort(r->kept, r->kept_count, sizeof r->kept[0], kept_order);
    for (size_t i = 0; i < r->kept_count; i++) {
        const struct kept *k = &r->kept[i];
        struct ac_val *v = NULL;
        if (k->gone) {
            continue;
        }
        st = ac_json_parse(k->content, &a, &v, &e);
        AC_FUZZ_CHECK(st == AC_OK, "a kept answer does not parse: %s", e.msg);
        st = ac_state_seal(&s, k->proposal, k->round, k->member, v, &e);
        AC_FUZZ_CHECK(st == AC_OK, "a kept answer does not fit: %s", e.msg);
    }
    live = ac_fuzz_render(&r->s);
    again = ac_fuzz_render(&s);
    if (!json_equal(live, again)) {
        char *x = json_dumps(live, JSON_COMPACT | JSON_SORT_KEYS);
        char *y = json_dumps(again, JSON_COMPACT | JSON_SORT_KEYS);
        ac_fuzz_fail("the replayed state differs from the live one:\n%s\n%s",
                     x ? x : "", y ? y : "");
    }
    json_decref(again);
    json_decref(live);
    ac_arena_release(&a);
    ac_buf_release(&out);
}

void ac_fuzz_exec(const uint8_t *data, size_t size)
{
    struct run *r;
    struct ac_err e = {0};
    const char *p = (const char *)data, *end = p + size;
    int lines = 0;
    enum ac_status st;

    if (size > AC_FUZZ_MAX_INPUT) {
        return;
    }
    r = calloc(1, sizeof *r);
    AC_FUZZ_CHECK(r != NULL, "out of memory");
    ac_arena_init(&r->a, 0);
    ac_state_init(&r->s, &r->a);
    r->trace = getenv("AC_FUZZ_TRACE") != NULL;
    st = ac_fuzz_org(&r->s, &r->a, &r->b, &r->now, &e);
    AC_FUZZ_CHECK(st == AC_OK, "the organisation: %s", e.msg);
    for (size_t i = 0; i < r->b.count; i++) {
        st = ac_chain_check(&r->chain, &r->b.events[i], &e);
        AC_FUZZ_CHECK(st == AC_OK, "the organisation's chain: %s", e.msg);
    }
    while (p < end && lines++ < MAX_LINES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        line(r, (struct ac_str){p, (size_t)(stop - p)});
        p = nl ? nl + 1 : end;
    }
    replay(r);
    ac_arena_release(&r->a);
    free(r);
}
