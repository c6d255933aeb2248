/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Event encoding, sealing and chain verification. The member order below
 * is already the byte order the canonical encoding requires. */
#include "event.h"

#include <inttypes.h>
#include <string.h>

#include "base/ascii.h"
#include "base/time.h"
#include "core/codec.h"

enum ac_status ac_event_encode(const struct ac_event *ev, bool with_hash,
                               struct ac_buf *out, struct ac_err *err)
{
    char hex[AC_HEX_LEN + 1];
    char when[AC_TIME_LEN + 1];
    enum ac_status st;

    if (!ev->data || ev->data->kind != AC_VAL_OBJ) {
        return ac_err_set(err, AC_EINVAL, "event data must be an object");
    }
    if (!ac_utf8_is_valid(ev->actor) || !ac_utf8_is_valid(ev->type)) {
        return ac_err_set(err, AC_EINVAL, "event text is not valid UTF-8");
    }
    ac_buf_add_c(out, "{\"actor\":");
    ac_codec_string(ev->actor, out);
    ac_buf_add_c(out, ",\"data\":");
    st = ac_codec_encode(ev->data, out, err);
    if (st != AC_OK) {
        return st;
    }
    if (with_hash) {
        ac_hex_encode(hex, ev->hash, AC_HASH_LEN);
        ac_buf_printf(out, ",\"hash\":\"%s\"", hex);
    }
    ac_hex_encode(hex, ev->prev, AC_HASH_LEN);
    ac_time_format(when, ev->time);
    ac_buf_printf(out, ",\"prev\":\"%s\",\"seq\":%" PRId64 ",\"time\":\"%s\"",
                  hex, ev->seq, when);
    ac_buf_add_c(out, ",\"type\":");
    ac_codec_string(ev->type, out);
    ac_buf_putc(out, '}');
    if (out->status != AC_OK) {
        return ac_err_set(err, out->status, "encoded event is too large");
    }
    return AC_OK;
}

enum ac_status ac_event_seal(struct ac_event *ev, struct ac_err *err)
{
    struct ac_buf b;
    enum ac_status st;
    ac_buf_init(&b, 0);
    st = ac_event_encode(ev, false, &b, err);
    if (st == AC_OK) {
        ac_sha256(ev->hash, b.ptr, b.len);
    }
    ac_buf_release(&b);
    return st;
}

static enum ac_status want_str(const struct ac_val *v, const char *key,
                               struct ac_str *out, struct ac_err *err)
{
    if (!ac_val_get_str(v, key, out)) {
        return ac_err_at(err, key, AC_ECORRUPT,
                         "event member \"%s\" is missing or not a string", key);
    }
    return AC_OK;
}

enum ac_status ac_event_decode(const struct ac_val *v, struct ac_event *ev,
                               struct ac_err *err)
{
    static const char *const keys[] = {"seq",  "time", "actor", "type",
                                       "data", "prev", "hash"};
    struct ac_str time, prev, hash;
    enum ac_status st;

    memset(ev, 0, sizeof *ev);
    if (!v || v->kind != AC_VAL_OBJ) {
        return ac_err_set(err, AC_ECORRUPT, "event is not a JSON object");
    }
    for (size_t i = 0; i < v->count; i++) {
        bool known = false;
        for (size_t k = 0; k < 7; k++) {
            known = known || ac_str_eq_c(v->pairs[i].key, keys[k]);
        }
        if (!known) {
            return ac_err_set(err, AC_ECORRUPT,
                              "event has an unknown member \"%.*s\"",
                              (int)v->pairs[i].key.len, v->pairs[i].key.ptr);
        }
    }
    if (!ac_val_get_int(v, "seq", &ev->seq) || ev->seq < 1) {
        return ac_err_set(err, AC_ECORRUPT,
                          "event member \"seq\" is missing or not positive");
    }
    if ((st = want_str(v, "time", &time, err)) != AC_OK ||
        (st = want_str(v, "actor", &ev->actor, err)) != AC_OK ||
        (st = want_str(v, "type", &ev->type, err)) != AC_OK ||
        (st = want_str(v, "prev", &prev, err)) != AC_OK ||
        (st = want_str(v, "hash", &hash, err)) != AC_OK) {
        return st;
    }
    if (ac_time_parse(time, &ev->time, NULL) != AC_OK) {
        return ac_err_set(err, AC_ECORRUPT,
                          "event %" PRId64 " has a malformed time", ev->seq);
    }
    ev->data = ac_val_get(v, "data");
    if (!ev->data || ev->data->kind != AC_VAL_OBJ) {
        return ac_err_set(err, AC_ECORRUPT,
                          "event %" PRId64 " has no data object", ev->seq);
    }
    if (!ac_hex_decode(ev->prev, AC_HASH_LEN, prev) ||
        !ac_hex_decode(ev->hash, AC_HASH_LEN, hash)) {
        return ac_err_set(err, AC_ECORRUPT,
                          "event %" PRId64 " has a malformed hash", ev->seq);
    }
    return AC_OK;
}

void ac_chain_init(struct ac_chain *c)
{
    memset(c, 0, sizeof *c);
}

enum ac_status ac_chain_check(struct ac_chain *c, const struct ac_event *ev,
                              struct ac_err *err)
{
    struct ac_event copy = *ev;
    struct ac_err why;
    enum ac_status st;

    if (ev->seq != c->seq + 1) {
        return ac_err_set(err, AC_ECORRUPT,
                          "event %" PRId64 ": expected seq %" PRId64, ev->seq,
                          c->seq + 1);
    }
    if (memcmp(ev->prev, c->head, AC_HASH_LEN) != 0) {
        return ac_err_set(err, AC_ECORRUPT,
                          "event %" PRId64
                          ": prev does not match the hash of event %" PRId64,
                          ev->seq, c->seq);
    }
    if (ev->time < c->time) {
        return ac_err_set(err, AC_ECORRUPT,
                          "event %" PRId64 ": time goes backwards", ev->seq);
    }
    st = ac_event_seal(&copy, &why);
    if (st != AC_OK) {
        /* why, not err: the message must not be formatted into itself */
        return ac_err_set(err, AC_ECORRUPT, "event %" PRId64 ": %s", ev->seq,
                          why.msg);
    }
    if (memcmp(copy.hash, ev->hash, AC_HASH_LEN) != 0) {
        return ac_err_set(err, AC_ECORRUPT,
                          "event %" PRId64 ": hash does not match its content",
                          ev->seq);
    }
    c->seq = ev->seq;
    c->time = ev->time;
    memcpy(c->head, ev->hash, AC_HASH_LEN);
    return AC_OK;
}
