/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The notification settings page (docs/notifications.md): which events
 * a member hears about, by email (one by one or a daily digest) or by a
 * signed webhook, and how their deliveries stand. Settings are the
 * member's own, kept beside the log. */
#include <stdio.h>
#include <string.h>

#include "http/http_int.h"
#include "http/page.h"

/* Event types grouped for the form, with a plain label each. */
static const struct {
    const char *type, *label;
} choices[] = {
    {"proposal.opened", "a proposal is opened"},
    {"proposal.amended", "a proposal is amended"},
    {"proposal.closed", "a round closes (adopted, decided, needs "
                        "integration...)"},
    {"proposal.lapsed", "a proposal lapses"},
    {"position.given", "someone gives a position"},
    {"member.joined", "a member joins"},
    {"election.proposed", "an election proposes a candidate"},
    {"role.term_ended", "a role's term ends"},
    {"power.alert", "a power alert is raised"},
    {"agreement.review_due", "an agreement is due for review"},
    {"commitment.made", "a commitment is made"},
    {"bucket.funded", "a bucket is funded"},
    {"budget.round.closed", "a budgeting round closes"},
};

static bool has_type(const json_t *events, const char *type)
{
    size_t i;
    const json_t *v;
    json_array_foreach(events, i, v)
    {
        const char *t = json_string_value(v);
        if (t && (strcmp(t, type) == 0 || strcmp(t, "*") == 0)) {
            return true;
        }
    }
    return false;
}

/* The words for a common type, or NULL. */
static const char *label_of(const char *type)
{
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        if (strcmp(choices[i].type, type) == 0) {
            return choices[i].label;
        }
    }
    return NULL;
}

static void type_box(struct ac_page *pg, const json_t *events, const char *type,
                     const char *label)
{
    ac_page_printf(pg,
                   "<div class=\"field\"><label><input type=\"checkbox\" "
                   "name=\"events\" value=\"%s\"%s> %s</label></div>",
                   type, has_type(events, type) ? " checked" : "", label);
}

static void delivery_line(struct ac_page *pg, const json_t *d, const char *what)
{
    const char *err = json_string_value(json_object_get(d, "last_error"));
    if (!json_is_object(d)) {
        return;
    }
    ac_page_printf(pg, "<li>%s: delivered up to event %lld", what,
                   (long long)json_integer_value(json_object_get(d, "after")));
    if (err) {
        ac_page_printf(
            pg,
            "; the last attempt failed (%s), tried %lld times, "
            "next try at %s",
            err,
            (long long)json_integer_value(json_object_get(d, "failed_tries")),
            json_string_value(json_object_get(d, "next_try"))
                ? json_string_value(json_object_get(d, "next_try"))
                : "soon");
    }
    ac_page_raw(pg, "</li>");
}

static void render(struct ac_request *r, struct ac_page *pg, const json_t *s,
                   const char *secret, unsigned status)
{
    const json_t *events = json_object_get(s, "events");
    const char *email = json_string_value(json_object_get(s, "email"));
    const char *hook = json_string_value(json_object_get(s, "webhook"));
    bool mail_ok = json_is_true(json_object_get(s, "email_available"));
    const json_t *d = json_object_get(s, "deliveries");

    ac_page_begin(pg, "Notifications", "/notifications");
    ac_page_raw(pg, "<p>Which events of the log you hear about, and how. "
                    "These settings are yours: they are kept beside the "
                    "log, not in it, and nobody else sees them.</p>");
    if (secret) {
        ac_page_printf(pg,
                       "<section class=\"card\" id=\"secret\" "
                       "role=\"status\"><h2>Your webhook key</h2><p>Every "
                       "webhook call carries <code>X-Accord-Signature: "
                       "sha256=HMAC</code> of its body with this key. It is "
                       "shown once: keep it now.</p><p><code "
                       "id=\"secret-key\">%s</code></p>"
                       "</section>",
                       secret);
    }
    ac_page_form_error(pg);
    ac_page_form_begin(pg, "/notifications", "stack");
    if (mail_ok) {
        ac_page_input(pg, "email", "email", "Email address",
                      ac_str_c(email ? email : ""), false, "empty: no email");
        ac_page_printf(pg,
                       "<div class=\"field\"><label><input type=\"checkbox\" "
                       "name=\"digest\" value=\"1\"%s> One email a day (a "
                       "digest) instead of one per event</label></div>",
                       json_is_true(json_object_get(s, "digest")) ? " checked"
                                                                  : "");
    } else {
        ac_page_raw(pg, "<p class=\"meta\">This server has no SMTP server "
                        "set up, so it cannot send email; a webhook "
                        "works.</p>");
    }
    ac_page_input(pg, "url", "webhook", "Webhook URL",
                  ac_str_c(hook ? hook : ""), false,
                  "http:// or https://; empty: no webhook");
    ac_page_raw(pg, "<fieldset><legend>Events to hear about</legend>");
    ac_page_printf(
        pg,
        "<div class=\"field\"><label><input type=\"checkbox\" "
        "name=\"events\" value=\"*\"%s> every event</label></div>",
        has_type(events, "*") && json_array_size(events) == 1 &&
                strcmp(json_string_value(json_array_get(events, 0)), "*") == 0
            ? " checked"
            : "");
    /* every type the settings can hold, so saving the form keeps what
     * was chosen through the API: the common ones in words first */
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        type_box(pg, events, choices[i].type, choices[i].label);
    }
    ac_page_raw(pg, "<details><summary>Other events</summary>");
    for (size_t i = 0; ac_notify_types[i]; i++) {
        if (!label_of(ac_notify_types[i])) {
            type_box(pg, events, ac_notify_types[i], ac_notify_types[i]);
        }
    }
    ac_page_raw(pg, "</details>");
    ac_page_raw(pg, "</fieldset>");
    ac_page_form_end(pg, "Save");
    if (json_is_object(json_object_get(d, "email")) ||
        json_is_object(json_object_get(d, "webhook"))) {
        ac_page_raw(pg, "<h2>Deliveries</h2><ul id=\"deliveries\">");
        delivery_line(pg, json_object_get(d, "email"), "email");
        delivery_line(pg, json_object_get(d, "webhook"), "webhook");
        ac_page_raw(pg, "</ul>");
    }
    ac_page_end(pg);
    ac_web_page_send(r, pg, status);
}

void ac_web_notifications(struct ac_request *r)
{
    struct ac_page pg;
    json_t *s = ac_notify_get(r->svc->notify, r->member);
    ac_web_page_init(r, &pg);
    if (!s) {
        ac_page_release(&pg);
        ac_web_message(r, 503, "Not shown", "out of memory");
        return;
    }
    render(r, &pg, s, NULL, 200);
    json_decref(s);
}

struct pick {
    json_t *events;
};

static void add_event(void *ctx, const char *value)
{
    struct pick *p = ctx;
    json_array_append_new(p->events, json_string(value));
}

void ac_web_post_notifications(struct ac_request *r)
{
    struct ac_page pg;
    struct ac_err e = {0};
    struct pick p = {json_array()};
    const char *email = ac_web_field(r, "email");
    const char *hook = ac_web_field(r, "webhook");
    json_t *body, *out = NULL, *now;
    int64_t head;

    ac_web_fields(r, "events", add_event, &p);
    body = json_pack("{s:s,s:s,s:o,s:b}", "email", email ? email : "",
                     "webhook", hook ? hook : "", "events", p.events, "digest",
                     ac_web_field(r, "digest") != NULL);
    pthread_rwlock_rdlock(&r->svc->lock);
    head = r->svc->state.seq;
    pthread_rwlock_unlock(&r->svc->lock);
    ac_web_page_init(r, &pg);
    if (!body) {
        ac_page_release(&pg);
        ac_web_message(r, 503, "Not saved", "out of memory");
        return;
    }
    if (ac_notify_put(r->svc->notify, r->member, body, head, &out, &e) !=
        AC_OK) {
        pg.err_msg = ac_arena_str(&r->arena, ac_str_c(e.msg)).ptr;
        pg.err_field = e.where[0]
                           ? ac_arena_str(&r->arena, ac_str_c(e.where + 1)).ptr
                           : NULL;
        now = ac_notify_get(r->svc->notify, r->member);
        render(r, &pg, now ? now : body, NULL, 400);
        json_decref(now);
    } else {
        const char *secret = json_string_value(json_object_get(out, "secret"));
        render(r, &pg, out, secret, 200);
    }
    json_decref(out);
    json_decref(body);
}
