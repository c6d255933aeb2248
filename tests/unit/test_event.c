/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Events: their canonical bytes and hash against hand-written vectors
 * whose SHA-256 was computed outside accord (tests/data/event), decoding
 * as exported, and chain verification. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/json.h"
#include "base/time.h"
#include "core/event.h"
#include "unit.h"

static struct ac_arena arena;

static void setup(void)
{
    ac_arena_init(&arena, 0);
}

static void teardown(void)
{
    ac_arena_release(&arena);
}

TestSuite(event, .init = setup, .fini = teardown);
TestSuite(chain, .init = setup, .fini = teardown);

#define T0 INT64_C(1795845600000) /* 2026-11-28T06:00:00.000Z */

static struct ac_val *J(const char *text)
{
    struct ac_val *v = NULL;
    struct ac_err err = {0};
    cr_assert_eq(ac_json_parse(ac_str_c(text), &arena, &v, &err), AC_OK,
                 "%s: %s", text, err.msg);
    return v;
}

/* The founding event of tests/data/event/founded.canonical, built
 * member by member (not from JSON text). */
static struct ac_event founded(void)
{
    struct ac_event ev;
    struct ac_val *data = ac_val_obj(&arena);
    struct ac_val *founder = ac_val_obj(&arena);
    struct ac_val *charter = ac_val_obj(&arena);
    memset(&ev, 0, sizeof ev);
    cr_assert(
        ac_val_set(&arena, founder, "id", ac_val_str(&arena, AC_STR("alice"))));
    cr_assert(ac_val_set(&arena, founder, "name",
                         ac_val_str(&arena, AC_STR("Alice"))));
    cr_assert(ac_val_set(&arena, charter, "consent.round_hours",
                         ac_val_int(&arena, 72)));
    cr_assert(ac_val_set(&arena, charter, "consent.fallback",
                         ac_val_str(&arena, AC_STR("none"))));
    cr_assert(ac_val_set(&arena, data, "name",
                         ac_val_str(&arena, AC_STR("Example Co-op"))));
    cr_assert(ac_val_set(&arena, data, "founder", founder));
    cr_assert(ac_val_set(&arena, data, "charter", charter));
    ev.seq = 1;
    ev.time = T0;
    ev.actor = AC_STR("operator");
    ev.type = AC_STR("org.founded");
    ev.data = data;
    return ev;
}

static struct ac_event opened(const uint8_t prev[AC_HASH_LEN])
{
    struct ac_event ev;
    memset(&ev, 0, sizeof ev);
    ev.seq = 2;
    ev.time = T0 + 5 * 60000 + 250;
    ev.actor = AC_STR("alice");
    ev.type = AC_STR("proposal.opened");
    ev.data =
        J("{\"id\":\"p1\",\"circle\":\"all\",\"kind\":\"agreement.adopt\","
          "\"title\":\"Caf\\u00e9 rules \\u2713\",\"data\":{\"text\":"
          "\"We meet on Mondays.\\nNotes are shared.\"},"
          "\"deadline\":\"2026-12-01T06:05:00.250Z\"}");
    memcpy(ev.prev, prev, AC_HASH_LEN);
    return ev;
}

static void encodes_as(const struct ac_event *ev, bool with_hash,
                       const char *want, size_t want_len)
{
    struct ac_buf b;
    struct ac_err err = {0};
    ac_buf_init(&b, 0);
    cr_assert_eq(ac_event_encode(ev, with_hash, &b, &err), AC_OK, "%s",
                 err.msg);
    cr_assert_eq(b.len, want_len, "\n got: %s\nwant: %.*s", b.ptr,
                 (int)want_len, want);
    cr_assert_eq(memcmp(b.ptr, want, want_len), 0, "\n got: %s\nwant: %.*s",
                 b.ptr, (int)want_len, want);
    ac_buf_release(&b);
}

static void hash_is(const struct ac_event *ev, const char *want)
{
    char hex[AC_HEX_LEN + 1];
    ac_hex_encode(hex, ev->hash, AC_HASH_LEN);
    cr_assert_str_eq(hex, want);
}

/* Line n (0-based) of chain.jsonl without its newline, malloc'd. */
static char *chain_line(int n)
{
    char *all = u_read("event/chain.jsonl", NULL);
    char *p = all, *nl, *line;
    for (int i = 0; i < n; i++) {
        p = strchr(p, '\n');
        cr_assert_not_null(p);
        p++;
    }
    nl = strchr(p, '\n');
    cr_assert_not_null(nl);
    line = strndup(p, (size_t)(nl - p));
    free(all);
    return line;
}

static struct ac_event decode_line(const char *line)
{
    struct ac_event ev;
    struct ac_err err = {0};
    cr_assert_eq(ac_event_decode(J(line), &ev, &err), AC_OK, "%s", err.msg);
    return ev;
}

Test(event, founding_canonical_bytes_and_hash)
{
    size_t len;
    char *want = u_read("event/founded.canonical", &len);
    char *hex = u_read_line("event/founded.sha256");
    char *line = chain_line(0);
    struct ac_event ev = founded();
    struct ac_err err = {0};
    encodes_as(&ev, false, want, len);
    cr_assert_eq(ac_event_seal(&ev, &err), AC_OK, "%s", err.msg);
    hash_is(&ev, hex);
    cr_assert_str_eq(hex, "fbfe6d641ec3e4558c018da5739c990036bb042c44df0ed2"
                          "d39b2edd2250c411");
    /* the exported line holds the hash between data and prev */
    encodes_as(&ev, true, line, strlen(line));
    free(want);
    free(hex);
    free(line);
}

Test(event, second_event_links_to_the_first)
{
    size_t len;
    char *want = u_read("event/opened.canonical", &len);
    char *hex = u_read_line("event/opened.sha256");
    char *line = chain_line(1);
    struct ac_event first = founded(), ev;
    cr_assert_eq(ac_event_seal(&first, NULL), AC_OK);
    ev = opened(first.hash);
    encodes_as(&ev, false, want, len);
    cr_assert_eq(ac_event_seal(&ev, NULL), AC_OK);
    hash_is(&ev, hex);
    encodes_as(&ev, true, line, strlen(line));
    free(want);
    free(hex);
    free(line);
}

Test(event, seal_depends_on_every_member)
{
    struct ac_event base = founded(), ev;
    uint8_t h0[AC_HASH_LEN];
    cr_assert_eq(ac_event_seal(&base, NULL), AC_OK);
    memcpy(h0, base.hash, AC_HASH_LEN);

    ev = base;
    ev.seq = 2;
    ac_event_seal(&ev, NULL);
    cr_assert_neq(memcmp(ev.hash, h0, AC_HASH_LEN), 0, "seq");
    ev = base;
    ev.time += 1;
    ac_event_seal(&ev, NULL);
    cr_assert_neq(memcmp(ev.hash, h0, AC_HASH_LEN), 0, "time");
    ev = base;
    ev.actor = AC_STR("alice");
    ac_event_seal(&ev, NULL);
    cr_assert_neq(memcmp(ev.hash, h0, AC_HASH_LEN), 0, "actor");
    ev = base;
    ev.type = AC_STR("org.founded2");
    ac_event_seal(&ev, NULL);
    cr_assert_neq(memcmp(ev.hash, h0, AC_HASH_LEN), 0, "type");
    ev = base;
    ev.prev[31] = 1;
    ac_event_seal(&ev, NULL);
    cr_assert_neq(memcmp(ev.hash, h0, AC_HASH_LEN), 0, "prev");
    ev = base;
    ev.data = J("{\"name\":\"Example Co-op\"}");
    ac_event_seal(&ev, NULL);
    cr_assert_neq(memcmp(ev.hash, h0, AC_HASH_LEN), 0, "data");
    /* the stored hash itself is not hashed */
    ev = base;
    memset(ev.hash, 0xee, AC_HASH_LEN);
    ac_event_seal(&ev, NULL);
    cr_assert_eq(memcmp(ev.hash, h0, AC_HASH_LEN), 0, "hash");
}

Test(event, encode_refuses_bad_members)
{
    struct ac_event ev = founded();
    struct ac_buf b;
    ac_buf_init(&b, 0);
    ev.data = J("[1]");
    cr_assert_eq(ac_event_encode(&ev, false, &b, NULL), AC_EINVAL);
    ev.data = NULL;
    cr_assert_eq(ac_event_encode(&ev, false, &b, NULL), AC_EINVAL);
    ev = founded();
    ev.actor = (struct ac_str){"al\xffice", 6};
    cr_assert_eq(ac_event_encode(&ev, false, &b, NULL), AC_EINVAL);
    ev = founded();
    ev.type = (struct ac_str){"a\0b", 3};
    cr_assert_eq(ac_event_encode(&ev, false, &b, NULL), AC_EINVAL);
    ac_buf_release(&b);
}

Test(event, decode_as_exported)
{
    char *l1 = chain_line(0), *l2 = chain_line(1);
    struct ac_event a = decode_line(l1), b = decode_line(l2);
    char *h1 = u_read_line("event/founded.sha256");
    cr_assert_eq(a.seq, 1);
    cr_assert_eq(a.time, T0);
    cr_assert(ac_str_eq_c(a.actor, "operator"));
    cr_assert(ac_str_eq_c(a.type, "org.founded"));
    cr_assert_eq(a.data->kind, AC_VAL_OBJ);
    hash_is(&a, h1);
    for (int i = 0; i < AC_HASH_LEN; i++) {
        cr_assert_eq(a.prev[i], 0);
    }
    cr_assert_eq(b.seq, 2);
    cr_assert_eq(b.time, T0 + 300250);
    cr_assert_eq(memcmp(b.prev, a.hash, AC_HASH_LEN), 0);
    /* decoding then encoding gives the exported line back */
    encodes_as(&a, true, l1, strlen(l1));
    encodes_as(&b, true, l2, strlen(l2));
    free(l1);
    free(l2);
    free(h1);
}

static void decode_refused(const char *text)
{
    struct ac_event ev;
    struct ac_err err = {0};
    cr_assert_eq(ac_event_decode(J(text), &ev, &err), AC_ECORRUPT, "%s", text);
    cr_assert_neq(err.msg[0], '\0');
}

#define Z64 "0000000000000000000000000000000000000000000000000000000000000000"

Test(event, decode_refuses_malformed_events)
{
    decode_refused("[]");
    decode_refused("{}");
    /* an unknown member */
    decode_refused("{\"actor\":\"a\",\"data\":{},\"hash\":\"" Z64
                   "\",\"prev\":\"" Z64 "\",\"seq\":1,\"time\":"
                   "\"2026-11-28T06:00:00.000Z\",\"type\":\"t\",\"x\":1}");
    /* a missing member */
    decode_refused("{\"actor\":\"a\",\"data\":{},\"prev\":\"" Z64
                   "\",\"seq\":1,\"time\":\"2026-11-28T06:00:00.000Z\","
                   "\"type\":\"t\"}");
    /* seq not positive, not an integer */
    decode_refused("{\"actor\":\"a\",\"data\":{},\"hash\":\"" Z64
                   "\",\"prev\":\"" Z64 "\",\"seq\":0,\"time\":"
                   "\"2026-11-28T06:00:00.000Z\",\"type\":\"t\"}");
    decode_refused("{\"actor\":\"a\",\"data\":{},\"hash\":\"" Z64
                   "\",\"prev\":\"" Z64 "\",\"seq\":\"1\",\"time\":"
                   "\"2026-11-28T06:00:00.000Z\",\"type\":\"t\"}");
    /* a time in another form */
    decode_refused("{\"actor\":\"a\",\"data\":{},\"hash\":\"" Z64
                   "\",\"prev\":\"" Z64 "\",\"seq\":1,\"time\":"
                   "\"2026-11-28T06:00:00Z\",\"type\":\"t\"}");
    /* data not an object */
    decode_refused("{\"actor\":\"a\",\"data\":[],\"hash\":\"" Z64
                   "\",\"prev\":\"" Z64 "\",\"seq\":1,\"time\":"
                   "\"2026-11-28T06:00:00.000Z\",\"type\":\"t\"}");
    /* short and non-hex hashes */
    decode_refused(
        "{\"actor\":\"a\",\"data\":{},\"hash\":\"00\",\"prev\":\"" Z64
        "\",\"seq\":1,\"time\":\"2026-11-28T06:00:00.000Z\","
        "\"type\":\"t\"}");
    decode_refused("{\"actor\":\"a\",\"data\":{},\"hash\":\"" Z64
                   "\",\"prev\":\"g" Z64 "\",\"seq\":1,\"time\":"
                   "\"2026-11-28T06:00:00.000Z\",\"type\":\"t\"}");
    /* actor not a string */
    decode_refused("{\"actor\":1,\"data\":{},\"hash\":\"" Z64
                   "\",\"prev\":\"" Z64 "\",\"seq\":1,\"time\":"
                   "\"2026-11-28T06:00:00.000Z\",\"type\":\"t\"}");
}

/* ---- chain ---- */

/* Three sealed events: founded, opened, and a third one. */
static void three(struct ac_event ev[3])
{
    ev[0] = founded();
    cr_assert_eq(ac_event_seal(&ev[0], NULL), AC_OK);
    ev[1] = opened(ev[0].hash);
    cr_assert_eq(ac_event_seal(&ev[1], NULL), AC_OK);
    memset(&ev[2], 0, sizeof ev[2]);
    ev[2].seq = 3;
    ev[2].time = ev[1].time + 1000;
    ev[2].actor = AC_STR("alice");
    ev[2].type = AC_STR("position.given");
    ev[2].data = J("{\"proposal\":\"p1\",\"round\":1,\"position\":\"consent\","
                   "\"reason\":\"\"}");
    memcpy(ev[2].prev, ev[1].hash, AC_HASH_LEN);
    cr_assert_eq(ac_event_seal(&ev[2], NULL), AC_OK);
}

static void corrupt_at(struct ac_event ev[3], int bad, const char *name)
{
    struct ac_chain c;
    struct ac_err err = {0};
    char want[32];
    ac_chain_init(&c);
    for (int i = 0; i < bad; i++) {
        cr_assert_eq(ac_chain_check(&c, &ev[i], &err), AC_OK, "%s", err.msg);
    }
    cr_assert_eq(ac_chain_check(&c, &ev[bad], &err), AC_ECORRUPT, "%s", name);
    snprintf(want, sizeof want, "event %lld", (long long)ev[bad].seq);
    cr_assert(strstr(err.msg, want) != NULL, "%s: \"%s\" does not name %s",
              name, err.msg, want);
    /* the chain did not advance */
    cr_assert_eq(c.seq, bad);
}

Test(chain, a_good_chain_verifies)
{
    struct ac_event ev[3];
    struct ac_chain c;
    struct ac_err err = {0};
    three(ev);
    ac_chain_init(&c);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(ac_chain_check(&c, &ev[i], &err), AC_OK, "%s", err.msg);
    }
    cr_assert_eq(c.seq, 3);
    cr_assert_eq(c.time, ev[2].time);
    cr_assert_eq(memcmp(c.head, ev[2].hash, AC_HASH_LEN), 0);
}

Test(chain, the_exported_vectors_verify)
{
    char *l1 = chain_line(0), *l2 = chain_line(1);
    struct ac_event a = decode_line(l1), b = decode_line(l2);
    struct ac_chain c;
    struct ac_err err = {0};
    ac_chain_init(&c);
    cr_assert_eq(ac_chain_check(&c, &a, &err), AC_OK, "%s", err.msg);
    cr_assert_eq(ac_chain_check(&c, &b, &err), AC_OK, "%s", err.msg);
    free(l1);
    free(l2);
}

Test(chain, equal_times_are_fine)
{
    struct ac_event ev[3];
    struct ac_chain c;
    three(ev);
    ev[2].time = ev[1].time;
    ac_event_seal(&ev[2], NULL);
    ac_chain_init(&c);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(ac_chain_check(&c, &ev[i], NULL), AC_OK);
    }
}

Test(chain, wrong_seq)
{
    struct ac_event ev[3];
    three(ev);
    ev[2].seq = 4;
    ac_event_seal(&ev[2], NULL);
    corrupt_at(ev, 2, "gap");
    three(ev);
    ev[0].seq = 2;
    ac_event_seal(&ev[0], NULL);
    corrupt_at(ev, 0, "first is not 1");
    three(ev);
    ev[1].seq = 1;
    ac_event_seal(&ev[1], NULL);
    corrupt_at(ev, 1, "repeated seq");
}

Test(chain, wrong_prev)
{
    struct ac_event ev[3];
    three(ev);
    ev[2].prev[0] ^= 1;
    ac_event_seal(&ev[2], NULL);
    corrupt_at(ev, 2, "prev");
    three(ev);
    ev[0].prev[5] = 9;
    ac_event_seal(&ev[0], NULL);
    corrupt_at(ev, 0, "first prev not zero");
}

Test(chain, time_going_backwards)
{
    struct ac_event ev[3];
    three(ev);
    ev[2].time = ev[1].time - 1;
    ac_event_seal(&ev[2], NULL);
    corrupt_at(ev, 2, "time");
}

Test(chain, changed_content)
{
    struct ac_event ev[3];
    three(ev);
    ev[1].data = J("{\"id\":\"p1\"}");
    corrupt_at(ev, 1, "data");
    three(ev);
    ev[2].actor = AC_STR("bob");
    corrupt_at(ev, 2, "actor");
    three(ev);
    ev[2].time += 1;
    corrupt_at(ev, 2, "time");
    three(ev);
    ev[0].hash[0] ^= 0x80;
    corrupt_at(ev, 0, "hash");
}

Test(chain, content_that_cannot_be_encoded)
{
    struct ac_event ev[3];
    three(ev);
    ev[2].actor = (struct ac_str){"ali\xc3", 4};
    corrupt_at(ev, 2, "invalid UTF-8");
    {
        struct ac_chain c;
        struct ac_err err = {0};
        ac_chain_init(&c);
        ac_chain_check(&c, &ev[0], NULL);
        ac_chain_check(&c, &ev[1], NULL);
        cr_assert_eq(ac_chain_check(&c, &ev[2], &err), AC_ECORRUPT);
        cr_assert_str_eq(err.msg, "event 3: event text is not valid UTF-8");
    }
    three(ev);
    ev[1].data = J("[]");
    corrupt_at(ev, 1, "data not an object");
}
