/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The ledger (docs/money.md#ledger): balances and movements as JSON for
 * GET /api/v1/ledger, the movements as CSV (RFC 4180) for GET
 * /api/v1/ledger.csv, and the budgeting rounds. The renderers expect the
 * caller to hold the state's lock; ac_api_ledger_csv_reply takes it. */
#include "http_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/time.h"

/* Bytes the CSV may take: about four million movements. */
#define LEDGER_CSV_MAX ((size_t)1 << 30)

static json_t *movement_json(const struct ac_movement *m)
{
    json_t *o = json_pack(
        "{s:I,s:o,s:s,s:s%,s:s%,s:s%,s:s%,s:I}", "seq", (json_int_t)m->seq,
        "time", ac_api_time(m->time), "kind", ac_move_kind_name(m->kind),
        "proposal", m->proposal.ptr, m->proposal.len, "author", m->author.ptr,
        m->author.len, "from", m->from.ptr, m->from.len, "to", m->to.ptr,
        m->to.len, "amount", (json_int_t)m->amount);
    const struct {
        const char *key;
        struct ac_str v;
    } notes[] = {
        {"source", m->source}, {"payee", m->payee}, {"purpose", m->purpose}};
    for (size_t i = 0; o && i < sizeof notes / sizeof notes[0]; i++) {
        if (notes[i].v.len &&
            json_object_set_new(o, notes[i].key, ac_json_str(notes[i].v))) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

json_t *ac_api_ledger(const struct ac_state *s)
{
    struct ac_currency cur = ac_state_currency(s);
    json_t *balances = json_object(), *moves = json_array(), *o;
    bool ok = balances && moves;
    for (size_t i = 0; ok && i < s->circle_count; i++) {
        struct ac_str name = ac_state_account(&s->circles[i]);
        ok = json_object_setn_new(balances, name.ptr, name.len,
                                  json_integer(s->circles[i].balance)) == 0;
    }
    for (size_t i = 0; ok && i < s->movement_count; i++) {
        ok = json_array_append_new(moves, movement_json(&s->movements[i])) == 0;
    }
    if (!ok) {
        json_decref(balances);
        json_decref(moves);
        return NULL;
    }
    /* "o" steals both references, even when it fails */
    o = json_pack("{s:s,s:i,s:o,s:o}", "currency", cur.code, "minor_units",
                  cur.minor, "balances", balances, "movements", moves);
    return o;
}

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote or a
 * line end, quotes doubled. Text a spreadsheet would take for a formula
 * (starting with = + - @ or a tab) gets a leading apostrophe. */
static void csv_field(struct ac_buf *b, struct ac_str v, bool text, bool last)
{
    bool quote = false, formula = false;
    for (size_t i = 0; i < v.len; i++) {
        quote = quote || strchr(",\"\r\n", v.ptr[i]) != NULL;
    }
    formula = text && v.len > 0 && strchr("=+-@\t\r", v.ptr[0]);
    quote = quote || formula;
    if (quote) {
        ac_buf_add(b, "\"", 1);
    }
    if (formula) {
        ac_buf_add(b, "'", 1);
    }
    for (size_t i = 0; i < v.len; i++) {
        ac_buf_add(b, v.ptr[i] == '"' ? "\"\"" : &v.ptr[i],
                   v.ptr[i] == '"' ? 2 : 1);
    }
    if (quote) {
        ac_buf_add(b, "\"", 1);
    }
    ac_buf_add(b, last ? "\r\n" : ",", last ? 2 : 1);
}

void ac_api_ledger_csv(const struct ac_state *s, struct ac_buf *b)
{
    struct ac_currency cur = ac_state_currency(s);
    static const char header[] =
        "seq,time,kind,proposal,author,from,to,amount,amount_decimal,"
        "currency,source,payee,purpose\r\n";
    ac_buf_add(b, header, sizeof header - 1);
    for (size_t i = 0; i < s->movement_count; i++) {
        const struct ac_movement *m = &s->movements[i];
        char seq[24], t[AC_TIME_LEN + 1], amount[24], decimal[32];
        snprintf(seq, sizeof seq, "%" PRId64, m->seq);
        ac_time_format(t, m->time);
        snprintf(amount, sizeof amount, "%" PRId64, m->amount);
        ac_money_format(decimal, m->amount, cur.minor);
        csv_field(b, ac_str_c(seq), false, false);
        csv_field(b, ac_str_c(t), false, false);
        csv_field(b, ac_str_c(ac_move_kind_name(m->kind)), false, false);
        csv_field(b, m->proposal, false, false);
        csv_field(b, m->author, false, false);
        csv_field(b, m->from, false, false);
        csv_field(b, m->to, false, false);
        csv_field(b, ac_str_c(amount), false, false);
        csv_field(b, ac_str_c(decimal), false, false);
        csv_field(b, ac_str_c(cur.code), false, false);
        csv_field(b, m->source, true, false);
        csv_field(b, m->payee, true, false);
        csv_field(b, m->purpose, true, true);
    }
}

void ac_api_ledger_csv_reply(struct ac_request *r)
{
    struct ac_buf b;
    ac_buf_init(&b, LEDGER_CSV_MAX);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_api_ledger_csv(&r->svc->state, &b);
    pthread_rwlock_unlock(&r->svc->lock);
    if (b.status != AC_OK) {
        ac_buf_release(&b);
        ac_api_problem(&r->reply, 503, "the ledger does not fit in memory",
                       NULL);
        return;
    }
    free(r->reply.body);
    r->reply.status = 200;
    r->reply.type = "text/csv; charset=utf-8; header=present";
    r->reply.body = ac_buf_take(&b, &r->reply.len);
}

/* ---- participatory budgeting rounds ---- */

static json_t *bucket_json(const struct ac_bucket *b)
{
    return json_pack("{s:s%,s:s%,s:s%,s:s%,s:I,s:I,s:b,s:o,s:{}}", "id",
                     b->id.ptr, b->id.len, "author", b->author.ptr,
                     b->author.len, "title", b->title.ptr, b->title.len,
                     "description", b->description.ptr, b->description.len,
                     "target", (json_int_t)b->target, "total",
                     (json_int_t)b->total, "funded", b->funded, "time",
                     ac_api_time(b->time), "pledges");
}

json_t *ac_api_pb_round(const struct ac_state *s, const struct ac_pb_round *r)
{
    size_t idx = (size_t)(r - s->rounds);
    json_t *o = json_pack(
        "{s:s%,s:s%,s:s%,s:I,s:I,s:o,s:o,s:s,s:I,s:I,s:{},s:[]}", "id",
        r->id.ptr, r->id.len, "circle", r->circle.ptr, r->circle.len,
        "proposal", r->proposal.ptr, r->proposal.len, "pot", (json_int_t)r->pot,
        "share", (json_int_t)r->share, "opened", ac_api_time(r->opened),
        "closes", ac_api_time(r->closes), "status",
        r->closed ? "closed" : "open", "funded", (json_int_t)r->funded,
        "returned", (json_int_t)r->returned, "members", "buckets");
    json_t *members = json_object_get(o, "members");
    json_t *buckets = json_object_get(o, "buckets");
    json_t **pledges;
    bool ok = o != NULL;
    for (size_t i = 0; ok && i < r->member_count; i++) {
        ok = json_object_setn_new(members, r->members[i].ptr, r->members[i].len,
                                  json_integer(r->spent[i])) == 0;
    }
    /* each bucket's pledges object, by the bucket's index in the state,
     * so every pledge goes under its bucket in one pass */
    pledges = calloc(s->bucket_count + 1, sizeof *pledges);
    ok = ok && pledges;
    for (size_t i = 0; ok && i < s->bucket_count; i++) {
        json_t *bj;
        if (s->buckets[i].round != idx) {
            continue;
        }
        bj = bucket_json(&s->buckets[i]);
        pledges[i] = json_object_get(bj, "pledges");
        ok = json_array_append_new(buckets, bj) == 0;
    }
    for (size_t i = 0; ok && i < s->pledge_count; i++) {
        const struct ac_pledge *pl = &s->pledges[i];
        if (pledges[pl->bucket] && pl->amount > 0) {
            ok = json_object_setn_new(pledges[pl->bucket], pl->member.ptr,
                                      pl->member.len,
                                      json_integer(pl->amount)) == 0;
        }
    }
    free(pledges);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *ac_api_pb_rounds(const struct ac_state *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->round_count; i++) {
        if (json_array_append_new(arr, ac_api_pb_round(s, &s->rounds[i]))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}
