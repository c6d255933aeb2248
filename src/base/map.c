/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* FNV-1a hashed, linearly probed, kept under 50% full. */
#include "map.h"

#include <stdint.h>

static uint64_t fnv(struct ac_str s)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < s.len; i++) {
        h ^= (unsigned char)s.ptr[i];
        h *= 1099511628211u;
    }
    return h;
}

static struct ac_map_slot *find(struct ac_map_slot *slots, size_t room,
                                struct ac_str key)
{
    size_t i = (size_t)fnv(key) & (room - 1);
    while (slots[i].key.ptr && !ac_str_eq(slots[i].key, key)) {
        i = (i + 1) & (room - 1);
    }
    return &slots[i];
}

bool ac_map_put(struct ac_map *m, struct ac_arena *a, struct ac_str key,
                size_t value)
{
    struct ac_map_slot *s;
    if (2 * (m->count + 1) > m->room) {
        size_t room = m->room ? m->room * 2 : 16;
        struct ac_map_slot *slots = ac_arena_alloc(a, room * sizeof *slots);
        if (!slots) {
            return false;
        }
        for (size_t i = 0; i < m->room; i++) {
            if (m->slots[i].key.ptr) {
                *find(slots, room, m->slots[i].key) = m->slots[i];
            }
        }
        m->slots = slots;
        m->room = room;
    }
    s = find(m->slots, m->room, key);
    if (!s->key.ptr) {
        s->key = key;
        m->count++;
    }
    s->value = value;
    return true;
}

bool ac_map_get(const struct ac_map *m, struct ac_str key, size_t *value)
{
    const struct ac_map_slot *s;
    if (!m->room || !key.ptr) {
        return false;
    }
    s = find(m->slots, m->room, key);
    if (!s->key.ptr) {
        return false;
    }
    *value = s->value;
    return true;
}
