/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Notifications (docs/notifications.md): each member chooses which
 * events to hear about and how (email, a signed webhook, or both; email
 * one by one or as a daily digest). A delivery thread reads committed
 * events from the store after each member's cursor and delivers them in
 * order, retrying with backoff; it never holds the state's write lock,
 * so a delivery never blocks a write. The settings and cursors live in
 * the store beside the log (ac_store_notify_*), never in it. */
#ifndef ACCORD_HTTP_NOTIFY_H
#define ACCORD_HTTP_NOTIFY_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/str.h"
#include "http/notify_send.h"
#include "store/store.h"

#define AC_NOTIFY_CONF "accord.conf" /* in the data folder */

/* The server's settings for notifications: the [smtp] and [notify]
 * keys of the config file. */
struct ac_notify_cfg {
    char smtp_url[256]; /* "" when no SMTP server: email is not offered */
    char smtp_from[256];
    char smtp_username[128];
    char smtp_password[128];
    char public_url[256]; /* the server's address in messages, or "" */
    int64_t retry_min_ms; /* first wait after a failure [5 s] */
    int64_t retry_max_ms; /* longest wait [1 h] */
    int digest_hour;      /* UTC hour of the daily digest [7] */
    long timeout_s;       /* one delivery attempt [20] */
};

/* Reads path (key = value lines, # comments) into cfg over the defaults;
 * a missing file with required false leaves the defaults. Unknown keys
 * and bad values are refused, naming the line. */
enum ac_status ac_notify_cfg_load(const char *path, bool required,
                                  struct ac_notify_cfg *cfg,
                                  struct ac_err *err);

struct ac_notify;

/* Loads the settings from the store. org is the organisation's name for
 * subjects. */
enum ac_status ac_notify_open(struct ac_store *st,
                              const struct ac_notify_cfg *cfg,
                              struct ac_notify **out, struct ac_err *err);
/* Starts the delivery thread. head is the seq new settings start after. */
enum ac_status ac_notify_start(struct ac_notify *n, struct ac_err *err);
/* Wakes the delivery thread: new events were committed up to head. */
void ac_notify_wake(struct ac_notify *n, int64_t head);
/* Stops the thread (an attempt under way ends first) and frees. */
void ac_notify_close(struct ac_notify *n);

/* Sets the organisation name and whether a member may still hear (an
 * active member): called by the service, which knows the state. */
typedef bool (*ac_notify_active_fn)(void *ctx, const char *member);
void ac_notify_set_source(struct ac_notify *n, const char *org,
                          ac_notify_active_fn active, void *ctx);

/* GET /api/v1/notifications: the member's settings and the state of
 * their deliveries (never the webhook secret). */
json_t *ac_notify_get(struct ac_notify *n, const char *member);

/* PUT /api/v1/notifications: replaces the member's settings with body
 * {"email"?,"webhook"?,"events","digest"?}; a new or changed webhook
 * gets a new secret, returned once as "secret" (hex). Deliveries start
 * after head. AC_EINVAL naming the field for bad input; nothing changes
 * then. */
enum ac_status ac_notify_put(struct ac_notify *n, const char *member,
                             const json_t *body, int64_t head, json_t **out,
                             struct ac_err *err);

/* The event types a member may choose, NULL-ended. */
extern const char *const ac_notify_types[];

#endif
