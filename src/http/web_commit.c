/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Joint accountability in the web UI (docs/accountability.md): the
 * commitments page (one's own, with the forms to make and update them,
 * and every circle's check-in list of overdue commitments) and the
 * agreements whose review is due, on everyone's home page. No score,
 * no ranking: lists in the order of the calendar. */
#include <stdio.h>
#include <stdlib.h>

#include "base/time.h"
#include "http/http_int.h"
#include "http/page.h"

/* "2026-12-05", the date a commitment was given for. */
static void due_date(char out[AC_TIME_LEN + 1], const struct ac_commitment *c)
{
    ac_time_format(out, c->due - AC_MS_PER_DAY);
    out[10] = '\0';
}

void ac_web_reviews_due(struct ac_page *pg, const struct ac_state *s)
{
    bool any = false;
    for (size_t i = 0; i < s->agreement_count; i++) {
        const struct ac_agreement *ag = &s->agreements[i];
        char date[AC_TIME_LEN + 1];
        if (!ag->review_due || ag->status != AC_AGREEMENT_ACTIVE) {
            continue;
        }
        if (!any) {
            ac_page_raw(pg, "<h2>Agreements due for review</h2>"
                            "<ul class=\"cards\" id=\"reviews-due\">");
            any = true;
        }
        ac_time_format(date, ag->review_by);
        date[10] = '\0';
        ac_page_printf(pg,
                       "<li><a href=\"/agreements/%.*s\">%.*s</a> "
                       "<span class=\"meta\">circle %.*s, review date %s: "
                       "keep, amend or retire it with an <a href=\"/proposals"
                       "/new?kind=agreement.review\">agreement.review</a> "
                       "proposal</span></li>",
                       (int)ag->id.len, ag->id.ptr, (int)ag->title.len,
                       ag->title.ptr, (int)ag->circle.len, ag->circle.ptr,
                       date);
    }
    if (any) {
        ac_page_raw(pg, "</ul>");
    }
}

/* One commitment as a table row; with its member's update form when
 * mine and still open. */
static void commitment_row(struct ac_page *pg, const struct ac_commitment *c,
                           bool mine, bool late)
{
    char date[AC_TIME_LEN + 1];
    due_date(date, c);
    ac_page_printf(pg,
                   "<tr id=\"%.*s\"><td>%.*s</td><td>%.*s</td><td>%.*s</td>"
                   "<td>%s%s</td><td>%s</td><td>",
                   (int)c->id.len, c->id.ptr, (int)c->what.len, c->what.ptr,
                   (int)c->member.len, c->member.ptr, (int)c->circle.len,
                   c->circle.ptr, date, late ? " (passed)" : "",
                   ac_commitment_status_name(c->status));
    if (c->note_count) {
        const struct ac_commitment_note *n = &c->notes[c->note_count - 1];
        ac_page_printf(pg, "%.*s", (int)n->note.len, n->note.ptr);
    }
    ac_page_raw(pg, "</td></tr>");
    if (mine && c->status == AC_COMMIT_OPEN) {
        char action[64];
        snprintf(action, sizeof action, "/commitments/%.*s/updates",
                 (int)c->id.len, c->id.ptr);
        ac_page_raw(pg, "<tr class=\"update\"><td colspan=\"6\">");
        ac_page_form_begin(pg, action, "filters");
        ac_page_printf(
            pg,
            "<div class=\"field\"><label for=\"status-%.*s\">Update "
            "%.*s</label><select id=\"status-%.*s\" name=\"status\">"
            "<option value=\"progress\">progress</option><option "
            "value=\"done\">done</option><option value=\"released\">"
            "released (let it go)</option></select></div><div "
            "class=\"field\"><label for=\"note-%.*s\">Note</label><input "
            "type=\"text\" id=\"note-%.*s\" name=\"note\"></div>",
            (int)c->id.len, c->id.ptr, (int)c->id.len, c->id.ptr,
            (int)c->id.len, c->id.ptr, (int)c->id.len, c->id.ptr,
            (int)c->id.len, c->id.ptr);
        ac_page_raw(pg, "<button type=\"submit\">Save</button></form>"
                        "</td></tr>");
    }
}

static void table_begin(struct ac_page *pg, const char *id)
{
    ac_page_printf(pg,
                   "<div class=\"scroll\"><table id=\"%s\"><thead><tr><th "
                   "scope=\"col\">What</th><th scope=\"col\">Who</th><th "
                   "scope=\"col\">Circle</th><th scope=\"col\">By</th><th "
                   "scope=\"col\">Status</th><th scope=\"col\">Last "
                   "note</th></tr></thead><tbody>",
                   id);
}

void ac_web_commitments(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_str me = ac_str_c(r->member);
    int64_t now = ac_service_now();
    const struct ac_commitment **late = NULL;
    size_t n = 0;
    bool any = false;
    struct ac_page pg;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(&pg, "Commitments", "/commitments");
    ac_page_raw(&pg, "<p>Commitments members make to their circles: what, "
                     "by when, and what became of it. Releasing one is "
                     "honest, never a failure. Nobody is scored or "
                     "ranked.</p>");

    ac_page_raw(&pg, "<h2>Yours</h2>");
    for (size_t i = 0; i < s->commitment_count; i++) {
        const struct ac_commitment *c = &s->commitments[i];
        if (!ac_str_eq(c->member, me)) {
            continue;
        }
        if (!any) {
            table_begin(&pg, "mine");
            any = true;
        }
        commitment_row(&pg, c, true,
                       c->status == AC_COMMIT_OPEN && c->due <= now);
    }
    ac_page_raw(&pg, any ? "</tbody></table></div>"
                         : "<p class=\"empty\">You have made no commitment "
                           "yet.</p>");

    ac_page_raw(&pg, "<section class=\"card\"><h2>Make a commitment</h2>");
    ac_page_form_begin(&pg, "/commitments", "stack");
    ac_page_raw(&pg, "<div class=\"field\"><label for=\"f-circle\">To the "
                     "circle</label><select id=\"f-circle\" name=\"circle\">");
    for (size_t i = 0; i < s->circle_count; i++) {
        const struct ac_circle *c = &s->circles[i];
        if (ac_state_in_circle(s, c, me)) {
            ac_page_printf(&pg, "<option value=\"%.*s\">%.*s</option>",
                           (int)c->id.len, c->id.ptr, (int)c->name.len,
                           c->name.ptr);
        }
    }
    ac_page_raw(&pg, "</select></div>");
    ac_page_input(&pg, "text", "what", "What you will do", AC_STR(""), true,
                  NULL);
    ac_page_input(&pg, "date", "due", "By", AC_STR(""), true,
                  "a date YYYY-MM-DD");
    ac_page_form_end(&pg, "Commit");
    ac_page_raw(&pg, "</section>");

    /* every circle's check-in list: open commitments whose date passed */
    ac_page_raw(&pg, "<h2>Check-in</h2><p>Open commitments whose date has "
                     "passed, by date, for the circles to talk about at "
                     "their next meeting.</p>");
    late = malloc((s->commitment_count + 1) * sizeof *late);
    n = late ? ac_state_overdue(s, (struct ac_str){NULL, 0}, now, late) : 0;
    if (n == 0) {
        ac_page_raw(&pg, "<p class=\"empty\">Nothing to check in on.</p>");
    } else {
        table_begin(&pg, "checkin");
        for (size_t i = 0; i < n; i++) {
            commitment_row(&pg, late[i], false, true);
        }
        ac_page_raw(&pg, "</tbody></table></div>");
    }
    free(late);
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}
