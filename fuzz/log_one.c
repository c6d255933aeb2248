/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The log target: an exported log (JSON Lines) as `accord verify` checks
 * it and the offline `accord power` and `accord tally` replay it. Both
 * paths must agree on the outcome, count and head; a log that replays
 * must render through every encoder and the power monitor.
 *
 * Random bytes rarely hash right, so an input whose first line is
 * "#reseal" has every later line that parses as an object made into an
 * event first: its seq, prev and hash set to extend the chain, its time
 * kept when valid and not going backwards, missing members filled. Such
 * inputs reach the fold (ac_state_apply) with arbitrary events. */
#include "fuzz.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/time.h"
#include "store/log.h"

#define RESEAL "#reseal\n"

static void check(const char *text, size_t len)
{
    struct ac_arena a;
    struct ac_state s;
    struct ac_err e1 = {0}, e2 = {0};
    char head1[AC_HEX_LEN + 1], head2[AC_HEX_LEN + 1];
    int64_t count1 = -1, count2 = -2;
    enum ac_status st1, st2;
    FILE *f;

    /* fmemopen of 0 bytes fails: an empty file reads as one NUL-free
     * empty line instead, which is the same for a log */
    f = fmemopen((void *)(len ? text : "\n"), len ? len : 1, "r");
    AC_FUZZ_CHECK(f != NULL, "fmemopen failed");
    st1 = ac_log_verify_file(f, &count1, head1, &e1);
    fclose(f);

    f = fmemopen((void *)(len ? text : "\n"), len ? len : 1, "r");
    AC_FUZZ_CHECK(f != NULL, "fmemopen failed");
    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    st2 = ac_log_replay_file(f, &s, &count2, head2, &e2);
    fclose(f);

    AC_FUZZ_CHECK(st1 == st2 && count1 == count2 && strcmp(head1, head2) == 0,
                  "verify (%s, %lld) and replay (%s, %lld) disagree",
                  ac_status_name(st1), (long long)count1, ac_status_name(st2),
                  (long long)count2);
    if (st1 != AC_OK) {
        AC_FUZZ_CHECK(e1.code == st1 && e1.msg[0], "a refusal says why");
        AC_FUZZ_CHECK(st1 == AC_ECORRUPT || st1 == AC_ELIMIT,
                      "a log failed with %s: %s", ac_status_name(st1), e1.msg);
    } else {
        json_t *j;
        AC_FUZZ_CHECK(count1 >= 1 && s.seq == count1,
                      "a log verified with %lld events", (long long)count1);
        j = ac_fuzz_render(&s);
        json_decref(j);
    }
    ac_arena_release(&a);
}

/* The "#reseal" lines made into a chain, into out. */
static void reseal(const char *p, const char *end, struct ac_buf *out)
{
    struct ac_arena a;
    struct ac_event prev = {0};
    int64_t seq = 0;

    ac_arena_init(&a, 0);
    prev.time = AC_FUZZ_T0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct ac_str ln = {p, (size_t)((nl ? nl : end) - p)};
        struct ac_arena_mark mark = ac_arena_mark(&a);
        struct ac_val *v = NULL, *x;
        struct ac_event ev;
        struct ac_str time;
        int64_t ms;

        p = nl ? nl + 1 : end;
        if (ac_json_parse(ln, &a, &v, NULL) != AC_OK || v->kind != AC_VAL_OBJ) {
            ac_buf_add_str(out, ln);
            ac_buf_putc(out, '\n');
            continue;
        }
        memset(&ev, 0, sizeof ev);
        ev.seq = ++seq;
        memcpy(ev.prev, prev.hash, AC_HASH_LEN);
        ev.time = prev.time;
        if (ac_val_get_str(v, "time", &time) &&
            ac_time_parse(time, &ms, NULL) == AC_OK && ms >= prev.time) {
            ev.time = ms;
        }
        if (!ac_val_get_str(v, "actor", &ev.actor)) {
            ev.actor = AC_STR("system");
        }
        if (!ac_val_get_str(v, "type", &ev.type)) {
            ev.type = AC_STR("");
        }
        x = ac_val_get(v, "data");
        ev.data = x && x->kind == AC_VAL_OBJ ? x : ac_val_obj(&a);
        AC_FUZZ_CHECK(ev.data != NULL, "out of memory");
        if (ac_event_seal(&ev, NULL) == AC_OK &&
            ac_event_encode(&ev, true, out, NULL) == AC_OK) {
            prev = ev;
            prev.data = NULL;
        } else {
            seq--;
        }
        ac_buf_putc(out, '\n');
        ac_arena_rewind(&a, mark);
    }
    ac_arena_release(&a);
}

void ac_fuzz_log(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct ac_buf out;

    if (size > AC_FUZZ_MAX_INPUT) {
        return;
    }
    if (size < strlen(RESEAL) || memcmp(text, RESEAL, strlen(RESEAL)) != 0) {
        check(text, size);
        return;
    }
    ac_buf_init(&out, 0);
    reseal(text + strlen(RESEAL), text + size, &out);
    AC_FUZZ_CHECK(out.status == AC_OK, "out of memory");
    check(out.ptr, out.len);
    ac_buf_release(&out);
}
