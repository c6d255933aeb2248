/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The lot: commitments, reveals, the seed and the order. */
#include "draw.h"

#include <string.h>

#include "base/hash.h"

void ac_draw_commit(struct ac_str secret, char out[AC_HEX_LEN + 1])
{
    uint8_t h[AC_HASH_LEN];
    ac_sha256(h, secret.ptr, secret.len);
    ac_hex_encode(out, h, AC_HASH_LEN);
}

bool ac_draw_matches(struct ac_str commitment, struct ac_str secret)
{
    char want[AC_HEX_LEN + 1];
    ac_draw_commit(secret, want);
    return commitment.len == AC_HEX_LEN &&
           memcmp(commitment.ptr, want, AC_HEX_LEN) == 0;
}

static int id_cmp(struct ac_str x, struct ac_str y)
{
    size_t n = x.len < y.len ? x.len : y.len;
    int c = memcmp(x.ptr, y.ptr, n);
    return c ? c : (x.len > y.len) - (x.len < y.len);
}

/* SHA-256(seed || id), the key a volunteer is drawn by. */
static void draw_key(const uint8_t seed[AC_HASH_LEN], struct ac_str id,
                     uint8_t out[AC_HASH_LEN])
{
    uint8_t in[AC_HASH_LEN + AC_ID_MAX];
    size_t n = id.len < AC_ID_MAX ? id.len : AC_ID_MAX;
    memcpy(in, seed, AC_HASH_LEN);
    memcpy(in + AC_HASH_LEN, id.ptr, n);
    ac_sha256(out, in, AC_HASH_LEN + n);
}

enum ac_status ac_draw_count(const struct ac_proposal *p, struct ac_arena *a,
                             struct ac_draw *out, struct ac_err *err)
{
    const struct ac_position_rec **rev;
    struct ac_str *order;
    uint8_t *keys, *text;
    size_t n = 0, len = 0, at = 0;

    memset(out, 0, sizeof *out);
    rev = ac_arena_alloc(a, (p->count ? p->count : 1) * sizeof *rev);
    order = ac_arena_alloc(a, (p->count ? p->count : 1) * sizeof *order);
    keys = ac_arena_alloc(a, (p->count ? p->count : 1) * AC_HASH_LEN);
    if (!rev || !order || !keys) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < p->count; i++) {
        const struct ac_position_rec *r = &p->positions[i];
        if (r->position != AC_POS_VOLUNTEER) {
            continue;
        }
        out->volunteers++;
        if (r->secret.len == 0) {
            continue;
        }
        /* insertion by id: volunteers are few */
        size_t k = n++;
        while (k > 0 && id_cmp(rev[k - 1]->member, r->member) > 0) {
            rev[k] = rev[k - 1];
            k--;
        }
        rev[k] = r;
    }
    out->revealed = n;
    for (size_t i = 0; i < n; i++) {
        len += rev[i]->member.len + rev[i]->secret.len + 2;
    }
    text = ac_arena_alloc(a, len ? len : 1);
    if (!text) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(text + at, rev[i]->member.ptr, rev[i]->member.len);
        at += rev[i]->member.len;
        text[at++] = 0;
        memcpy(text + at, rev[i]->secret.ptr, rev[i]->secret.len);
        at += rev[i]->secret.len;
        text[at++] = 0;
    }
    ac_sha256(out->seed, text, len);
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        uint8_t key[AC_HASH_LEN];
        draw_key(out->seed, rev[i]->member, key);
        while (k > 0 &&
               memcmp(keys + (k - 1) * AC_HASH_LEN, key, AC_HASH_LEN) > 0) {
            memcpy(keys + k * AC_HASH_LEN, keys + (k - 1) * AC_HASH_LEN,
                   AC_HASH_LEN);
            order[k] = order[k - 1];
            k--;
        }
        memcpy(keys + k * AC_HASH_LEN, key, AC_HASH_LEN);
        order[k] = rev[i]->member;
    }
    out->order = order;
    return AC_OK;
}

struct ac_val *ac_draw_result_val(const struct ac_draw *d, struct ac_str drawn,
                                  struct ac_arena *a)
{
    struct ac_val *o = ac_val_obj(a), *order = ac_val_arr(a);
    char seed[AC_HEX_LEN + 1];
    bool ok = o && order;
    ac_hex_encode(seed, d->seed, AC_HASH_LEN);
    for (size_t i = 0; ok && i < d->revealed; i++) {
        ok = ac_val_push(a, order, ac_val_str(a, d->order[i]));
    }
    ok = ok && ac_val_set(a, o, "seed", ac_val_str(a, ac_str_c(seed))) &&
         ac_val_set(a, o, "order", order) &&
         ac_val_set(a, o, "drawn", ac_val_str(a, drawn));
    return ok ? o : NULL;
}
