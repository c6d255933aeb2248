/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* String -> index map with open addressing, in an arena. Keys are not
 * copied: they must outlive the map (they live in the same arena). */
#ifndef ACCORD_BASE_MAP_H
#define ACCORD_BASE_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "str.h"

struct ac_map_slot {
    struct ac_str key; /* ptr NULL when empty */
    size_t value;      /* caller's index */
};

struct ac_map {
    struct ac_map_slot *slots; /* in the arena */
    size_t room;               /* slots, a power of two */
    size_t count;              /* keys held */
};

/* Inserts or replaces; false on ENOMEM. */
bool ac_map_put(struct ac_map *m, struct ac_arena *a, struct ac_str key,
                size_t value);

/* True and *value when key is present. */
bool ac_map_get(const struct ac_map *m, struct ac_str key, size_t *value);

#endif
