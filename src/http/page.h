/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The page layer of the web UI: an HTML output buffer, the layout (nav,
 * footer with the log head), form helpers that carry the CSRF field, a
 * Markdown renderer (raw HTML dropped, headings moved one level down so a
 * page keeps one h1), a line diff and an SVG bar chart.
 *
 * Invariant: every piece of text that does not come from a literal in
 * this program goes through ac_page_escape, the one escaping function.
 * ac_page_printf escapes every string argument; only ac_page_raw takes
 * markup as it is, and is called with literals and with cmark's output
 * (rendered without CMARK_OPT_UNSAFE, so raw HTML in the Markdown is
 * dropped and dangerous link schemes are emptied). */
#ifndef ACCORD_HTTP_PAGE_H
#define ACCORD_HTTP_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/str.h"
#include "core/state.h"

#define AC_PAGE_MAX ((size_t)16 << 20) /* bytes of one page */

struct ac_page {
    struct ac_buf out;             /* the HTML; owned */
    char csrf[AC_HEX_LEN + 1];     /* value of every form's csrf field */
    char member[64];               /* signed-in member id, or "" */
    int64_t seq;                   /* log head for the footer */
    char head[AC_HEX_LEN + 1];     /* log head hash in hex */
    const char *err_field;         /* form field the error names, or NULL */
    const char *err_msg;           /* the error shown in forms, or NULL */
    const struct ac_request *from; /* sticky form values, or NULL */
    unsigned charts;               /* charts drawn, for unique ids */
};

/* One bar of a chart: label and value are shown, cls picks its colour
 * from the stylesheet (a literal). */
struct ac_page_bar {
    const char *label; /* literal or escaped on output */
    int64_t value;     /* >= 0 */
    const char *cls;   /* CSS class, a literal */
};

void ac_page_init(struct ac_page *pg);
void ac_page_release(struct ac_page *pg);

/* The one escaping function: & < > " ' become character references, so
 * the result is safe in element text and in quoted attribute values. */
void ac_page_escape(struct ac_buf *b, struct ac_str s);

/* v with exactly decimals (0..4) digits after the point ("0.60"),
 * written with integer arithmetic so that no locale changes it; a value
 * that is not finite as an em dash. */
void ac_page_fixed(struct ac_buf *b, double v, int decimals);

/* Appends fmt, whose literal text is markup. Every %s, %.Ns and %.*s
 * argument is escaped; also %d %u %zu %ld %lld (and PRId64) and %%. */
void ac_page_printf(struct ac_page *pg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Escaped text. */
void ac_page_text(struct ac_page *pg, struct ac_str s);
/* Markup as it is: only literals and trusted renderers' output. */
void ac_page_raw(struct ac_page *pg, const char *markup);
/* A time as "2026-11-28 06:00 UTC" in a <time> element. */
void ac_page_time(struct ac_page *pg, int64_t ms);

/* Opens the document: head, skip link, header with nav (current marks
 * the nav entry whose path it is) and the start of <main> with an h1. */
void ac_page_begin(struct ac_page *pg, const char *title, const char *current);
/* Closes <main> and writes the footer with the log head. */
void ac_page_end(struct ac_page *pg);

/* <form method="post" action="ACTION"> with the csrf field. */
void ac_page_form_begin(struct ac_page *pg, const char *action,
                        const char *cls);
void ac_page_form_end(struct ac_page *pg, const char *button);
/* The form's error summary (role=alert) when pg->err_msg is set. */
void ac_page_form_error(struct ac_page *pg);
/* The error message for field name when it is the one named. */
void ac_page_field_error(struct ac_page *pg, const char *name);
/* A labelled input (type "text", "password", "date", "number"...). The
 * value is the sticky one from the form being re-rendered, else def. */
void ac_page_input(struct ac_page *pg, const char *type, const char *name,
                   const char *label, struct ac_str def, bool required,
                   const char *hint);
/* A labelled textarea. */
/* A textarea whose id is f-<name>-<n>, for forms repeated on one page
 * (the field's name stays name). */
void ac_page_textarea_n(struct ac_page *pg, const char *name, size_t n,
                        const char *label, bool required, const char *hint);
void ac_page_textarea(struct ac_page *pg, const char *name, const char *label,
                      struct ac_str def, bool required, const char *hint);
/* The sticky value of field name, or def. */
struct ac_str ac_page_value(const struct ac_page *pg, const char *name,
                            struct ac_str def);

/* Markdown rendered safely (raw HTML dropped) inside <div class=md>. */
void ac_page_markdown(struct ac_page *pg, struct ac_str md);
/* A line diff of old_text to new_text as a <pre> of kept, removed and
 * added lines. */
void ac_page_diff(struct ac_page *pg, struct ac_str old_text,
                  struct ac_str new_text);
/* A horizontal stacked bar chart in SVG: bars out of total (a row of the
 * remaining part is drawn as "no position yet" when total is larger). */
void ac_page_bars(struct ac_page *pg, const char *title,
                  const struct ac_page_bar *bars, size_t count, int64_t total);

/* ---- shared by web_*.c ---- */

struct ac_request;

/* A form field of the request being handled (first value), or NULL. */
const char *ac_web_field(const struct ac_request *r, const char *name);
/* Calls fn for every value of field name. */
void ac_web_fields(const struct ac_request *r, const char *name,
                   void (*fn)(void *ctx, const char *value), void *ctx);

/* Starts a page for r: the CSRF value, member and log head filled in. */
void ac_web_page_init(struct ac_request *r, struct ac_page *pg);
/* Answers r with the page (consumed). */
void ac_web_page_send(struct ac_request *r, struct ac_page *pg,
                      unsigned status);
/* Answers 303 See Other to location (a path of this site). */
void ac_web_redirect(struct ac_request *r, const char *location);
/* A short page with a heading and a message (escaped). */
void ac_web_message(struct ac_request *r, unsigned status, const char *title,
                    const char *msg);

/* The power monitor's page and its charts as SVG (web_power.c). */
void ac_web_power(struct ac_request *r);
void ac_web_ledger(struct ac_request *r);
void ac_web_round(struct ac_request *r);
void ac_web_commitments(struct ac_request *r);
void ac_web_notifications(struct ac_request *r);
void ac_web_post_notifications(struct ac_request *r);
void ac_web_post_commitment(struct ac_request *r);
void ac_web_post_update(struct ac_request *r);
/* The agreements whose review is due, for the home page. */
void ac_web_reviews_due(struct ac_page *pg, const struct ac_state *s);
void ac_web_post_bucket(struct ac_request *r);
void ac_web_post_pledge(struct ac_request *r);
void ac_web_power_svg(struct ac_request *r);
/* The open power alerts, in plain words, as a "Balance of power" section
 * linking to /power; nothing when none is open. The caller holds the
 * state's read lock. */
void ac_web_power_alerts(struct ac_page *pg, const struct ac_state *s);

/* Page handlers (web_pages.c, web_forms.c). */
void ac_web_home(struct ac_request *r);
void ac_web_proposals(struct ac_request *r);
void ac_web_proposal(struct ac_request *r);
void ac_web_proposal_new(struct ac_request *r);
void ac_web_agreements(struct ac_request *r);
void ac_web_agreement(struct ac_request *r);
void ac_web_charter(struct ac_request *r);
void ac_web_members(struct ac_request *r);
void ac_web_circles(struct ac_request *r);
void ac_web_roles(struct ac_request *r);
void ac_web_delegations(struct ac_request *r);
void ac_web_post_delegation(struct ac_request *r);
void ac_web_post_revoke(struct ac_request *r);
void ac_web_post_refuse(struct ac_request *r);
void ac_web_log(struct ac_request *r);
void ac_web_post_proposal(struct ac_request *r);
void ac_web_post_position(struct ac_request *r);
void ac_web_post_ballot(struct ac_request *r);
void ac_web_post_integration(struct ac_request *r);
void ac_web_post_nomination(struct ac_request *r);
void ac_web_post_volunteer(struct ac_request *r);
void ac_web_post_pass(struct ac_request *r);
void ac_web_post_reveal(struct ac_request *r);
void ac_web_post_amend(struct ac_request *r);
void ac_web_post_withdraw(struct ac_request *r);
/* The proposal page of r->param; with pg->err_msg, next to its forms. */
void ac_web_proposal_render(struct ac_request *r, struct ac_page *pg,
                            unsigned status);
/* The new proposal form for kind; with pg->err_msg after a refusal. */
void ac_web_new_render(struct ac_request *r, struct ac_page *pg,
                       const char *kind, unsigned status);

/* The kind-specific fields of a proposal form, filled from data (may be
 * NULL) unless the form being re-rendered has values. The caller holds
 * the state's read lock. */
void ac_web_kind_fields(struct ac_page *pg, const struct ac_state *s,
                        enum ac_kind kind, const struct ac_val *data);
/* The text of an agreement kind's data, or "". */
struct ac_str ac_web_data_text(const struct ac_val *data);

/* The stylesheet (web_assets.c), in parts ending with NULL. */
extern const char *const ac_web_css[];

#endif
