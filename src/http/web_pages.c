/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The pages that read: home, proposals, agreements, charter, members,
 * circles and the log. Each renders from the in-memory state under the
 * read lock, as the API's reads do; the log reads the store. */
#include "http_int.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/json.h"
#include "core/choice.h"
#include "core/codec.h"
#include "core/delegate.h"
#include "core/event.h"
#include "http/page.h"

#define RECENT_MAX 10 /* decisions on the home page */
#define NEEDS_MAX 50  /* open rounds listed on the home page */
#define LOG_PAGE 25   /* events on one log page */

static const char *query(const struct ac_request *r, const char *key)
{
    const char *v =
        MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
    return v && *v ? v : NULL;
}

static void status_badge(struct ac_page *pg, enum ac_proposal_status st)
{
    const char *name = ac_proposal_status_name(st);
    ac_page_printf(pg, "<span class=\"badge st-%s\">%s</span>", name, name);
}

static void proposal_link(struct ac_page *pg, const struct ac_proposal *p)
{
    ac_page_printf(pg, "<a href=\"/proposals/%.*s\">%.*s</a>", (int)p->id.len,
                   p->id.ptr, (int)p->title.len, p->title.ptr);
}

static bool has_position(const struct ac_proposal *p, struct ac_str member)
{
    for (size_t i = 0; i < p->count; i++) {
        if (ac_str_eq(p->positions[i].member, member)) {
            return true;
        }
    }
    return false;
}

/* Keeps the k proposals of best lowest-first (k at most max) while the
 * proposals come one by one: a page shows the first few of thousands
 * without sorting them all. Ties keep the order of arrival. */
static void keep_first(const struct ac_proposal **best, size_t *k, size_t max,
                       const struct ac_proposal *p, int64_t key,
                       int64_t (*key_of)(const struct ac_proposal *))
{
    size_t i = *k;
    if (i == max && key_of(best[max - 1]) <= key) {
        return;
    }
    if (i == max) {
        i--;
    } else {
        (*k)++;
    }
    while (i > 0 && key_of(best[i - 1]) > key) {
        best[i] = best[i - 1];
        i--;
    }
    best[i] = p;
}

static int64_t deadline_of(const struct ac_proposal *p)
{
    return p->deadline;
}

static int64_t closed_desc(const struct ac_proposal *p)
{
    return -p->closed;
}

/* ---- home ---- */

void ac_web_home(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_str me = ac_str_c(r->member);
    const struct ac_proposal *list[NEEDS_MAX], *recent[RECENT_MAX];
    const struct ac_circle *last = NULL; /* circle of the last check */
    bool in_last = false;
    size_t n = 0, shown = 0, done = 0;
    struct ac_page pg;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(&pg, s->founded ? "What needs you" : "accord", "/");
    for (size_t i = 0; i < s->proposal_count; i++) {
        const struct ac_proposal *p = &s->proposals[i];
        if (p->status != AC_PROP_OPEN) {
            if (p->closed > 0) {
                keep_first(recent, &done, RECENT_MAX, p, closed_desc(p),
                           closed_desc);
            }
            continue;
        }
        if (has_position(p, me)) {
            continue;
        }
        if (!last || !ac_str_eq(last->id, p->circle)) {
            last = ac_state_circle(s, p->circle);
            in_last = last && ac_state_in_circle(s, last, me);
        }
        if (in_last) {
            n++;
            keep_first(list, &shown, NEEDS_MAX, p, p->deadline, deadline_of);
        }
    }
    ac_page_printf(&pg,
                   "<p class=\"lead\">%.*s · open rounds where you have "
                   "not given a position yet, soonest deadline first.</p>",
                   (int)s->name.len, s->name.ptr);
    if (n == 0) {
        ac_page_raw(&pg, "<p class=\"empty\">Nothing needs you now.</p>");
    } else {
        ac_page_raw(&pg, "<ul class=\"cards\" id=\"needs-me\">");
        for (size_t i = 0; i < shown; i++) {
            ac_page_raw(&pg, "<li>");
            proposal_link(&pg, list[i]);
            ac_page_printf(&pg,
                           " <span class=\"meta\">%s in %.*s, round "
                           "%lld, deadline ",
                           ac_kind_name(list[i]->kind),
                           (int)list[i]->circle.len, list[i]->circle.ptr,
                           (long long)list[i]->round);
            ac_page_time(&pg, list[i]->deadline);
            ac_page_raw(&pg, "</span></li>");
        }
        ac_page_raw(&pg, "</ul>");
        if (n > shown) {
            ac_page_printf(&pg,
                           "<p class=\"more\">%zu more rounds wait for you: "
                           "<a href=\"/proposals?status=open\">all open "
                           "proposals</a></p>",
                           n - shown);
        }
    }
    ac_web_power_alerts(&pg, s);
    ac_web_reviews_due(&pg, s);
    ac_page_raw(&pg, "<h2>Recent decisions</h2>");
    if (done == 0) {
        ac_page_raw(&pg, "<p class=\"empty\">No decisions yet.</p>");
    } else {
        ac_page_raw(&pg, "<ul class=\"cards\" id=\"recent\">");
        for (size_t i = 0; i < done; i++) {
            ac_page_raw(&pg, "<li>");
            proposal_link(&pg, recent[i]);
            ac_page_raw(&pg, " ");
            status_badge(&pg, recent[i]->status);
            ac_page_raw(&pg, " <span class=\"meta\">");
            ac_page_time(&pg, recent[i]->closed);
            ac_page_raw(&pg, "</span></li>");
        }
        ac_page_raw(&pg, "</ul>");
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

/* ---- proposals ---- */

static void option(struct ac_page *pg, const char *value, const char *label,
                   bool selected)
{
    if (selected) {
        ac_page_printf(pg, "<option value=\"%s\" selected>%s</option>", value,
                       label);
    } else {
        ac_page_printf(pg, "<option value=\"%s\">%s</option>", value, label);
    }
}

#define LIST_PAGE 100 /* proposals on one page of /proposals */

void ac_web_proposals(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    const char *status = query(r, "status"), *circle = query(r, "circle");
    const char *before = query(r, "before");
    const struct ac_proposal *upto;
    enum ac_proposal_status want = AC_PROP_OPEN;
    struct ac_page pg;
    size_t shown = 0, at;

    ac_web_page_init(r, &pg);
    if (status && !ac_proposal_status_parse(ac_str_c(status), &want)) {
        status = NULL;
    }
    pthread_rwlock_rdlock(&r->svc->lock);
    if (circle && !ac_state_circle(s, ac_str_c(circle))) {
        circle = NULL;
    }
    ac_page_begin(&pg, "Proposals", "/proposals");
    ac_page_raw(&pg, "<form method=\"get\" action=\"/proposals\" "
                     "class=\"filters\"><div class=\"field\">"
                     "<label for=\"f-status\">Status</label>"
                     "<select id=\"f-status\" name=\"status\">");
    option(&pg, "", "any", !status);
    for (int i = 0; i < AC_PROP_STATUS_COUNT; i++) {
        const char *n = ac_proposal_status_name((enum ac_proposal_status)i);
        option(&pg, n, n, status && (int)want == i);
    }
    ac_page_raw(&pg, "</select></div><div class=\"field\">"
                     "<label for=\"f-circle\">Circle</label>"
                     "<select id=\"f-circle\" name=\"circle\">");
    option(&pg, "", "any", !circle);
    for (size_t i = 0; i < s->circle_count; i++) {
        const struct ac_circle *c = &s->circles[i];
        char id[AC_ID_MAX + 1];
        snprintf(id, sizeof id, "%.*s", (int)c->id.len, c->id.ptr);
        option(&pg, id, id, circle && strcmp(circle, id) == 0);
    }
    ac_page_raw(&pg, "</select></div><button type=\"submit\">Filter</button>"
                     "</form><p><a class=\"button\" href=\"/proposals/new\">"
                     "New proposal</a></p>");
    ac_page_raw(&pg, "<div class=\"scroll\"><table id=\"proposals\"><thead>"
                     "<tr><th scope=\"col\">Id</th><th scope=\"col\">Title"
                     "</th><th scope=\"col\">Kind</th><th scope=\"col\">Circle"
                     "</th><th scope=\"col\">Status</th><th scope=\"col\">"
                     "Deadline</th></tr></thead><tbody>");
    /* newest first, a page at a time: before=pN continues below pN */
    upto = before ? ac_state_proposal(s, ac_str_c(before)) : NULL;
    at = upto ? (size_t)(upto - s->proposals) : s->proposal_count;
    while (at-- > 0) {
        const struct ac_proposal *p = &s->proposals[at];
        if ((status && p->status != want) ||
            (circle && !ac_str_eq_c(p->circle, circle))) {
            continue;
        }
        if (shown == LIST_PAGE) {
            /* one more matches: offer the next page, from the last shown */
            ac_page_printf(&pg,
                           "<tr><td colspan=\"6\"><a id=\"older\" "
                           "href=\"/proposals?status=%s&amp;circle=%s&amp;"
                           "before=p%zu\">Older proposals</a></td></tr>",
                           status ? status : "", circle ? circle : "", at + 2);
            break;
        }
        shown++;
        ac_page_printf(&pg, "<tr><td>%.*s</td><td>", (int)p->id.len, p->id.ptr);
        proposal_link(&pg, p);
        ac_page_printf(&pg, "</td><td>%s</td><td>%.*s</td><td>",
                       ac_kind_name(p->kind), (int)p->circle.len,
                       p->circle.ptr);
        status_badge(&pg, p->status);
        ac_page_raw(&pg, "</td><td>");
        if (p->status == AC_PROP_OPEN) {
            ac_page_time(&pg, p->deadline);
        }
        ac_page_raw(&pg, "</td></tr>");
    }
    ac_page_raw(&pg, "</tbody></table></div>");
    if (!shown) {
        ac_page_raw(&pg, "<p class=\"empty\">No proposals match.</p>");
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

struct ac_str ac_web_data_text(const struct ac_val *data)
{
    struct ac_str t = {"", 0};
    if (data && !ac_val_get_str(data, "text", &t)) {
        t = (struct ac_str){"", 0};
    }
    return t;
}

static void val_text(struct ac_page *pg, const struct ac_val *v)
{
    if (!v) {
        return;
    }
    switch (v->kind) {
    case AC_VAL_STR:
        ac_page_text(pg, v->s);
        break;
    case AC_VAL_INT:
        ac_page_printf(pg, "%lld", (long long)v->i);
        break;
    case AC_VAL_BOOL:
        ac_page_raw(pg, v->b ? "yes" : "no");
        break;
    case AC_VAL_ARR:
        for (size_t i = 0; i < v->count; i++) {
            ac_page_raw(pg, i ? ", " : "");
            val_text(pg, v->items[i]);
        }
        break;
    case AC_VAL_OBJ:
        for (size_t i = 0; i < v->count; i++) {
            ac_page_raw(pg, i ? "; " : "");
            ac_page_text(pg, v->pairs[i].key);
            ac_page_raw(pg, " = ");
            val_text(pg, v->pairs[i].val);
        }
        break;
    case AC_VAL_NULL:
        break;
    }
}

/* The data of a proposal: its text as Markdown, the rest as a list;
 * with cur (a money proposal), its amount or pot in the currency. */
static void data_view(struct ac_page *pg, const struct ac_val *data,
                      const struct ac_currency *cur)
{
    bool list = false;
    for (size_t i = 0; data && data->kind == AC_VAL_OBJ && i < data->count;
         i++) {
        if (ac_str_eq_c(data->pairs[i].key, "text")) {
            continue;
        }
        if (!list) {
            ac_page_raw(pg, "<dl class=\"data\">");
            list = true;
        }
        ac_page_raw(pg, "<dt>");
        ac_page_text(pg, data->pairs[i].key);
        ac_page_raw(pg, "</dt><dd>");
        if (cur && data->pairs[i].val->kind == AC_VAL_INT &&
            (ac_str_eq_c(data->pairs[i].key, "amount") ||
             ac_str_eq_c(data->pairs[i].key, "pot"))) {
            char num[32];
            ac_money_format(num, data->pairs[i].val->i, cur->minor);
            ac_page_printf(pg,
                           "<span class=\"money\">%s&nbsp;%s</span> "
                           "(%lld minor units)",
                           num, cur->code, (long long)data->pairs[i].val->i);
        } else {
            val_text(pg, data->pairs[i].val);
        }
        ac_page_raw(pg, "</dd>");
    }
    if (list) {
        ac_page_raw(pg, "</dl>");
    }
    if (data && ac_val_get(data, "text")) {
        ac_page_markdown(pg, ac_web_data_text(data));
    }
}

static const char *const position_labels[AC_POS_COUNT] = {
    "consent",    "concern",   "object",  "stand aside",
    "yes",        "no",        "abstain", "ballot",
    "nomination", "volunteer", "pass",    "voted (secret)"};

static const char *const position_bars[AC_POS_COUNT] = {
    "bar-consent", "bar-concern", "bar-object", "bar-aside",
    "bar-consent", "bar-concern", "bar-aside",  "bar-consent",
    "bar-concern", "bar-consent", "bar-aside",  "bar-consent"};

/* A ballot in words: "3 > 1 = 4", "approves 1, 3", "scores 5, 0, 2". */
static void ballot_text(struct ac_page *pg, const struct ac_proposal *p,
                        const struct ac_position_rec *r)
{
    size_t n = p->option_count;
    bool any = false;
    if (!r->marks) {
        return;
    }
    if (p->method.method == AC_M_SCORE) {
        ac_page_raw(pg, "scores ");
        for (size_t c = 0; c < n; c++) {
            ac_page_printf(pg, "%s%u", c ? ", " : "", (unsigned)r->marks[c]);
        }
        return;
    }
    if (p->method.method == AC_M_APPROVAL) {
        ac_page_raw(pg, "approves ");
        for (size_t c = 0; c < n; c++) {
            if (r->marks[c] == 0) {
                ac_page_printf(pg, "%s%zu", any ? ", " : "", c + 1);
                any = true;
            }
        }
        if (!any) {
            ac_page_raw(pg, "nothing");
        }
        return;
    }
    {
        /* options by tier in one pass: first[t] and next[c] chain them */
        size_t *first = malloc((n ? n : 1) * sizeof *first);
        size_t *next = malloc((n ? n : 1) * sizeof *next);
        for (size_t t = 0; first && next && t < n; t++) {
            first[t] = SIZE_MAX;
        }
        for (size_t c = n; first && next && c-- > 0;) {
            if (r->marks[c] < n) {
                next[c] = first[r->marks[c]];
                first[r->marks[c]] = c;
            }
        }
        for (size_t t = 0; first && next && t < n; t++) {
            bool tier = false;
            for (size_t c = first[t]; c != SIZE_MAX; c = next[c]) {
                ac_page_printf(pg, "%s%zu",
                               tier  ? " = "
                               : any ? " > "
                                     : "",
                               c + 1);
                tier = any = true;
            }
        }
        free(first);
        free(next);
    }
    if (!any) {
        ac_page_raw(pg, "(empty)");
    }
}

/* The votes each answer of p carries (docs/decisions.md#delegation), or
 * NULL when p takes no delegation; live while open, as recorded after. */
static const int64_t *answer_weights(const struct ac_state *s,
                                     const struct ac_proposal *p,
                                     struct ac_arena *a)
{
    struct ac_weights w;
    int64_t *out;
    if (!ac_delegate_applies(p)) {
        return NULL;
    }
    if (p->status == AC_PROP_OPEN) {
        return ac_delegate_weights(s, p, s->time, a, &w, NULL) == AC_OK ? w.w
                                                                        : NULL;
    }
    out = ac_arena_alloc(a, (p->count ? p->count : 1) * sizeof *out);
    for (size_t i = 0; out && i < p->count; i++) {
        out[i] = p->positions[i].weight ? p->positions[i].weight : 1;
    }
    return out;
}

static void positions_view(struct ac_page *pg, const struct ac_state *s,
                           const struct ac_proposal *p)
{
    struct ac_arena wa;
    const int64_t *weights;
    struct ac_page_bar bars[4];
    enum ac_position keys[4];
    size_t nkeys = ac_state_tally_keys(p, keys);
    int64_t t[AC_POS_COUNT], eligible, answered = 0;
    char title[96];
    bool choice = ac_method_is_choice(p->method.method);

    if (p->status == AC_PROP_OPEN) {
        ac_state_tally(s, p, t, &eligible);
    } else {
        /* a closed round as its close recorded it */
        memcpy(t, p->tally, sizeof t);
        eligible = p->eligible;
    }
    if (p->method.secret && p->status == AC_PROP_OPEN) {
        /* a secret round shows how many voted, not how */
        for (size_t i = 0; i < AC_POS_COUNT; i++) {
            answered += t[i];
        }
        bars[0] = (struct ac_page_bar){"voted", answered, "bar-consent"};
        nkeys = 1;
    }
    for (size_t i = 0;
         i < nkeys && !(p->method.secret && p->status == AC_PROP_OPEN); i++) {
        bars[i] = (struct ac_page_bar){position_labels[keys[i]], t[keys[i]],
                                       position_bars[keys[i]]};
        answered += t[keys[i]];
    }
    snprintf(title, sizeof title,
             "Participation in round %" PRId64 ": %" PRId64 " of %" PRId64
             " members of the circle",
             p->round, answered, eligible);
    ac_page_bars(pg, title, bars, nkeys, eligible);
    if (p->count == 0) {
        ac_page_printf(pg, "<p class=\"empty\">No %s in this round yet.</p>",
                       choice ? "ballots" : "positions");
        return;
    }
    ac_arena_init(&wa, 0);
    weights = answer_weights(s, p, &wa);
    ac_page_printf(pg,
                   "<div class=\"scroll\"><table id=\"positions\"><thead><tr>"
                   "<th scope=\"col\">Member</th><th scope=\"col\">%s"
                   "</th><th scope=\"col\">%s</th><th scope=\"col\">Given"
                   "</th></tr></thead><tbody>",
                   choice ? "Ballot" : "Position",
                   choice ? "Options by number" : "Reason");
    for (size_t i = 0; i < p->count; i++) {
        const struct ac_position_rec *pr = &p->positions[i];
        enum ac_position shown = pr->sealed ? AC_POS_SEALED : pr->position;
        ac_page_printf(pg,
                       "<tr><td>%.*s</td><td><span class=\"pos pos-%s\">%s"
                       "</span></td><td class=\"reason\">%.*s",
                       (int)pr->member.len, pr->member.ptr,
                       ac_position_name(shown), position_labels[shown],
                       (int)pr->reason.len, pr->reason.ptr);
        if (weights && weights[i] > 1) {
            ac_page_printf(pg,
                           "<span class=\"weight\">carries %lld votes, "
                           "delegated</span> ",
                           (long long)weights[i]);
        }
        if (pr->position == AC_POS_BALLOT && !pr->sealed) {
            ballot_text(pg, p, pr);
        }
        if (pr->position == AC_POS_VOLUNTEER) {
            ac_page_printf(pg, "commitment <code>%.*s</code>%s%.*s",
                           (int)pr->commitment.len, pr->commitment.ptr,
                           pr->secret.len ? ", secret " : "",
                           (int)pr->secret.len, pr->secret.ptr);
        }
        if (pr->position == AC_POS_NOMINATION) {
            ac_page_printf(pg, " (nominates <strong>%.*s</strong>)",
                           (int)pr->nominee.len, pr->nominee.ptr);
        }
        ac_page_raw(pg, "</td><td>");
        ac_page_time(pg, pr->time);
        ac_page_raw(pg, "</td></tr>");
    }
    ac_page_raw(pg, "</tbody></table></div>");
    if (p->over_cap && p->over_cap->count) {
        /* the delegators are told: their vote was not counted */
        ac_page_raw(pg, "<p id=\"over-cap\">Not counted, because their "
                        "delegate already carried the most votes the "
                        "charter allows: ");
        for (size_t i = 0; i < p->over_cap->count; i++) {
            const struct ac_val *m = p->over_cap->items[i];
            if (m->kind == AC_VAL_STR) {
                ac_page_printf(pg, "%s%.*s", i ? ", " : "", (int)m->s.len,
                               m->s.ptr);
            }
        }
        ac_page_raw(pg, ".</p>");
    }
    ac_arena_release(&wa);
}

/* The options of a choice, numbered, with the count once there is one. */
static void options_view(struct ac_page *pg, const struct ac_state *s,
                         const struct ac_proposal *p)
{
    const struct ac_val *opts = ac_val_get(p->data, "options");
    struct ac_arena a;
    struct ac_choice_result r;
    bool counted;

    ac_arena_init(&a, 0);
    counted = p->status != AC_PROP_OPEN && p->result &&
              ac_choice_count(s, p, false, NULL, &a, &r, NULL) == AC_OK;
    ac_page_raw(pg, "<section class=\"card\" id=\"options\"><h2>Options"
                    "</h2><ol>");
    for (size_t c = 0; opts && c < opts->count; c++) {
        ac_page_printf(pg, "<li>%.*s", (int)opts->items[c]->s.len,
                       opts->items[c]->s.ptr);
        if (counted && r.layer[c] == 0) {
            ac_page_raw(pg, " <span class=\"badge st-adopted\">winner</span>");
        }
        ac_page_raw(pg, "</li>");
    }
    ac_page_raw(pg, "</ol>");
    if (counted) {
        ac_page_printf(pg,
                       "<h3>Result</h3><p>Order, first place first (%zu "
                       "ballots):</p><ol id=\"order\">",
                       r.ballots);
        for (size_t i = 0; i < r.n; i++) {
            uint16_t c = r.order[i];
            ac_page_printf(
                pg, "<li>%u. %.*s%s</li>", (unsigned)c + 1,
                (int)opts->items[c]->s.len, opts->items[c]->s.ptr,
                (i > 0 && r.layer[r.order[i - 1]] == r.layer[c]) ||
                        (i + 1 < r.n && r.layer[r.order[i + 1]] == r.layer[c])
                    ? " (tied; placed by the tie-break)"
                    : "");
        }
        ac_page_raw(pg, "</ol>");
        if (r.totals) {
            struct ac_page_bar bars[16];
            size_t nb = r.n < 16 ? r.n : 16;
            char label[16][24];
            uint64_t top = 1;
            for (size_t i = 0; i < nb; i++) {
                snprintf(label[i], sizeof label[i], "option %u",
                         (unsigned)r.order[i] + 1);
                bars[i] = (struct ac_page_bar){
                    label[i], (int64_t)r.totals[r.order[i]], "bar-consent"};
                top += r.totals[r.order[i]];
            }
            ac_page_bars(pg,
                         p->method.method == AC_M_APPROVAL
                             ? "Approvals per option"
                             : "Total score per option",
                         bars, nb, (int64_t)top - 1);
        } else {
            /* the chart: how many other options each one beats head to
             * head, in the order of the result */
            struct ac_page_bar bars[16];
            char label[16][24];
            size_t nb = r.n < 16 ? r.n : 16;
            for (size_t i = 0; i < nb; i++) {
                uint16_t c = r.order[i];
                int64_t wins = 0;
                for (size_t j = 0; j < r.n; j++) {
                    wins += j != c &&
                            r.schulze.d[c * r.n + j] > r.schulze.d[j * r.n + c];
                }
                snprintf(label[i], sizeof label[i], "option %u",
                         (unsigned)c + 1);
                bars[i] = (struct ac_page_bar){label[i], wins, "bar-consent"};
            }
            ac_page_bars(pg, "Options each one beats head to head", bars, nb,
                         (int64_t)(r.n > 1 ? (r.n - 1) * nb : 1));
            ac_page_raw(pg, "<p>Pairwise: the row's option was preferred to "
                            "the column's by this many voters.</p>"
                            "<div class=\"scroll\"><table id=\"pairwise\">"
                            "<thead><tr><th scope=\"col\">over</th>");
            for (size_t j = 0; j < r.n && j < 64; j++) {
                ac_page_printf(pg, "<th scope=\"col\">%zu</th>", j + 1);
            }
            ac_page_raw(pg, "</tr></thead><tbody>");
            for (size_t i = 0; i < r.n && i < 64; i++) {
                ac_page_printf(pg, "<tr><th scope=\"row\">%zu</th>", i + 1);
                for (size_t j = 0; j < r.n && j < 64; j++) {
                    if (i == j) {
                        ac_page_raw(pg, "<td>–</td>");
                    } else {
                        ac_page_printf(pg, "<td>%lld</td>",
                                       (long long)r.schulze.d[i * r.n + j]);
                    }
                }
                ac_page_raw(pg, "</tr>");
            }
            ac_page_raw(pg, "</tbody></table></div>");
        }
    }
    ac_page_raw(pg, "</section>");
    ac_arena_release(&a);
}

/* An election's nomination form: one member, with a reason. */
static void nomination_form(struct ac_page *pg, const struct ac_state *s,
                            const struct ac_proposal *p, struct ac_str me)
{
    const struct ac_circle *c = ac_state_circle(s, p->circle);
    struct ac_str cur = {"", 0}, reason = {"", 0};
    char action[96];
    for (size_t i = 0; i < p->count; i++) {
        if (ac_str_eq(p->positions[i].member, me)) {
            cur = p->positions[i].nominee;
            reason = p->positions[i].reason;
        }
    }
    cur = ac_page_value(pg, "nominee", cur);
    ac_page_printf(pg,
                   "<section class=\"card\" id=\"nominate\"><h2>%s</h2>"
                   "<p>%s</p>",
                   cur.len ? "Change your nomination" : "Nominate someone",
                   p->phase == AC_STAGE_NOMINATE
                       ? "Name the member you think fits the role best, and "
                         "why. Everyone's nominations are visible."
                       : "Change round: having read everyone's reasons, say "
                         "again whom you nominate, the same member or "
                         "another. The round ends when everyone has, or at "
                         "the deadline.");
    snprintf(action, sizeof action, "/proposals/%.*s/nominations",
             (int)p->id.len, p->id.ptr);
    ac_page_form_begin(pg, action, "stack");
    ac_page_raw(pg, "<div class=\"field\"><label for=\"f-nominee\">Member"
                    "</label>");
    ac_page_field_error(pg, "nominee");
    ac_page_raw(pg, "<select id=\"f-nominee\" name=\"nominee\">");
    for (size_t i = 0; c && i < s->member_count; i++) {
        const struct ac_member *m = &s->members[i];
        if (ac_state_in_circle(s, c, m->id)) {
            ac_page_printf(pg, "<option value=\"%.*s\"%s>%.*s (%.*s)</option>",
                           (int)m->id.len, m->id.ptr,
                           ac_str_eq(m->id, cur) ? " selected" : "",
                           (int)m->name.len, m->name.ptr, (int)m->id.len,
                           m->id.ptr);
        }
    }
    ac_page_raw(pg, "</select></div>");
    ac_page_textarea(pg, "reason", "Reason", reason, true,
                     "why this member fits the role");
    ac_page_form_end(pg, "Save nomination");
    ac_page_raw(pg, "</section>");
}

/* A draw's forms: volunteer (a commitment, or a phrase the server turns
 * into one) or pass; then reveal. */
static void draw_forms(struct ac_page *pg, const struct ac_proposal *p,
                       struct ac_str me)
{
    size_t i;
    const struct ac_position_rec *mine =
        ac_map_get(&p->position_index, me, &i) ? &p->positions[i] : NULL;
    char action[96];

    if (p->phase == AC_STAGE_REVEAL) {
        if (!mine || mine->position != AC_POS_VOLUNTEER || mine->secret.len) {
            return;
        }
        ac_page_raw(pg, "<section class=\"card\" id=\"reveal\"><h2>Reveal "
                        "your secret</h2><p>Volunteering has ended. Reveal "
                        "the secret you committed to before the deadline, or "
                        "you are left out of the draw.</p>");
        snprintf(action, sizeof action, "/proposals/%.*s/reveal",
                 (int)p->id.len, p->id.ptr);
        ac_page_form_begin(pg, action, "stack");
        ac_page_input(pg, "text", "secret", "Your secret", AC_STR(""), true,
                      "exactly as you chose it");
        ac_page_form_end(pg, "Reveal");
        ac_page_raw(pg, "</section>");
        return;
    }
    ac_page_printf(pg,
                   "<section class=\"card\" id=\"volunteer\"><h2>%s</h2>"
                   "<p>Volunteers commit to a secret now and reveal it once "
                   "volunteering ends; the lot is drawn from all revealed "
                   "secrets, so nobody can steer it. Give the SHA-256 of a "
                   "secret only you know (<code>accord volunteer</code> "
                   "makes one), or type a secret phrase and the server "
                   "computes it: the server then sees your phrase at this "
                   "moment, though it keeps only the commitment.</p>",
                   mine && mine->position == AC_POS_VOLUNTEER
                       ? "You volunteered"
                       : "Volunteer");
    snprintf(action, sizeof action, "/proposals/%.*s/volunteer", (int)p->id.len,
             p->id.ptr);
    ac_page_form_begin(pg, action, "stack");
    ac_page_input(pg, "text", "commitment", "Commitment", AC_STR(""), false,
                  "64 hex digits: the SHA-256 of your secret");
    ac_page_input(pg, "password", "phrase", "Or a secret phrase", AC_STR(""),
                  false, "remember it exactly: you will reveal it");
    ac_page_form_end(pg, "Volunteer");
    snprintf(action, sizeof action, "/proposals/%.*s/pass", (int)p->id.len,
             p->id.ptr);
    ac_page_form_begin(pg, action, "inline");
    ac_page_form_end(pg, "Pass");
    ac_page_raw(pg, "</section>");
}

static void ballot_form(struct ac_page *pg, const struct ac_proposal *p,
                        struct ac_str me)
{
    const struct ac_val *opts = ac_val_get(p->data, "options");
    const uint16_t *mine = NULL;
    char action[96];
    enum ac_method m = p->method.method;

    for (size_t i = 0; i < p->count; i++) {
        if (ac_str_eq(p->positions[i].member, me)) {
            mine = p->positions[i].sealed ? NULL : p->positions[i].marks;
        }
    }
    ac_page_printf(pg, "<section class=\"card\" id=\"ballot\"><h2>%s</h2>",
                   mine ? "Change your ballot" : "Cast your ballot");
    ac_page_raw(pg, m == AC_M_APPROVAL
                        ? "<p>Tick every option you can live with.</p>"
                    : m == AC_M_SCORE
                        ? "<p>Give every option a score from 0 (worst) to 5 "
                          "(best).</p>"
                        : "<p>Number the options: 1 for your first choice, 2 "
                          "for the next; give options the same number to rank "
                          "them equal, and leave an option empty to put it "
                          "below all you numbered.</p>");
    snprintf(action, sizeof action, "/proposals/%.*s/ballot", (int)p->id.len,
             p->id.ptr);
    ac_page_form_begin(pg, action, "stack");
    ac_page_field_error(pg, m == AC_M_APPROVAL ? "approve"
                            : m == AC_M_SCORE  ? "scores"
                                               : "ranking");
    for (size_t c = 0; opts && c < opts->count; c++) {
        struct ac_str label = opts->items[c]->s;
        uint16_t v = mine ? mine[c] : AC_RANK_NONE;
        if (m == AC_M_APPROVAL) {
            ac_page_printf(pg,
                           "<label class=\"choice\"><input type=\"checkbox\" "
                           "name=\"approve\" value=\"%zu\" id=\"opt-%zu\"%s> "
                           "%zu. %.*s</label>",
                           c + 1, c + 1, v == 0 ? " checked" : "", c + 1,
                           (int)label.len, label.ptr);
        } else {
            char val[8] = "", name[32];
            struct ac_str typed;
            if (v != AC_RANK_NONE) {
                snprintf(val, sizeof val, "%u",
                         (unsigned)v + (m == AC_M_SCORE ? 0 : 1));
            }
            /* after a refusal, what was typed */
            snprintf(name, sizeof name, "opt-%zu", c + 1);
            typed = ac_page_value(pg, name, ac_str_c(val));
            ac_page_printf(pg,
                           "<label for=\"opt-%zu\">%zu. %.*s</label>"
                           "<input type=\"number\" name=\"opt-%zu\" "
                           "id=\"opt-%zu\" min=\"%d\" max=\"%zu\" "
                           "value=\"%.*s\" class=\"rank\">",
                           c + 1, c + 1, (int)label.len, label.ptr, c + 1,
                           c + 1, m == AC_M_SCORE ? 0 : 1,
                           m == AC_M_SCORE ? (size_t)AC_SCORE_MAX : opts->count,
                           (int)(typed.len > 6 ? 6 : typed.len), typed.ptr);
        }
    }
    ac_page_form_end(pg, "Save ballot");
    ac_page_raw(pg, "</section>");
}

/* The charter's objection criteria as a select, when it lists any. */
static void criterion_select(struct ac_page *pg, const struct ac_charter *ch,
                             const struct ac_proposal *p, struct ac_str me)
{
    struct ac_str c, cur = {"", 0};
    const struct ac_objection *o = ac_state_objection(p, me);
    if (!ac_charter_criterion(ch, 0, &c)) {
        return;
    }
    if (o) {
        cur = o->criterion;
    }
    cur = ac_page_value(pg, "criterion", cur);
    ac_page_raw(pg, "<div class=\"field\"><label for=\"f-criterion\">"
                    "Criterion</label><p class=\"hint\">when you object: "
                    "the ground from the charter it rests on</p>");
    ac_page_field_error(pg, "criterion");
    ac_page_raw(pg, "<select id=\"f-criterion\" name=\"criterion\">"
                    "<option value=\"\">(not objecting)</option>");
    for (size_t i = 0; ac_charter_criterion(ch, i, &c); i++) {
        ac_page_printf(pg, "<option value=\"%.*s\"%s>%.*s</option>", (int)c.len,
                       c.ptr, ac_str_eq(c, cur) ? " selected" : "", (int)c.len,
                       c.ptr);
    }
    ac_page_raw(pg, "</select></div>");
}

/* Every objection with its status and integration attempts, and for the
 * author and the objector a form to record a suggested amendment. */
static void objections_view(struct ac_page *pg, const struct ac_proposal *p,
                            struct ac_str me)
{
    bool open =
        p->status == AC_PROP_OPEN || p->status == AC_PROP_NEEDS_INTEGRATION;
    if (p->objection_count == 0) {
        return;
    }
    ac_page_raw(pg, "<h2>Objections</h2><ol id=\"objections\" "
                    "class=\"objections\">");
    for (size_t i = 0; i < p->objection_count; i++) {
        const struct ac_objection *o = &p->objections[i];
        ac_page_printf(pg,
                       "<li class=\"card\"><p><strong>%.*s</strong>, round "
                       "%lld: <span class=\"pos pos-object\">%s</span>",
                       (int)o->member.len, o->member.ptr, (long long)o->round,
                       ac_objection_status_name(o->status));
        if (o->status == AC_OBJ_AMENDED) {
            ac_page_printf(pg, " (answered by version %lld)",
                           (long long)o->answered_by);
        }
        ac_page_raw(pg, "</p>");
        if (o->criterion.len) {
            ac_page_printf(pg, "<p>Criterion: <em>%.*s</em></p>",
                           (int)o->criterion.len, o->criterion.ptr);
        }
        ac_page_printf(pg, "<p class=\"reason\">%.*s</p>", (int)o->reason.len,
                       o->reason.ptr);
        for (size_t k = 0; k < o->attempt_count; k++) {
            const struct ac_attempt *at = &o->attempts[k];
            ac_page_printf(pg,
                           "<p class=\"attempt\">Suggested by %.*s: "
                           "<span class=\"reason\">%.*s</span></p>",
                           (int)at->by.len, at->by.ptr, (int)at->suggestion.len,
                           at->suggestion.ptr);
        }
        if (open && o->status == AC_OBJ_STANDING && o->round == p->round &&
            (ac_str_eq(me, p->author) || ac_str_eq(me, o->member))) {
            char action[96];
            snprintf(action, sizeof action, "/proposals/%.*s/integrations",
                     (int)p->id.len, p->id.ptr);
            ac_page_form_begin(pg, action, "stack");
            ac_page_printf(pg,
                           "<input type=\"hidden\" name=\"objector\" "
                           "value=\"%.*s\">",
                           (int)o->member.len, o->member.ptr);
            ac_page_textarea_n(pg, "suggestion", i + 1, "Suggest an amendment",
                               true, "recorded in this objection's history");
            ac_page_form_end(pg, "Record suggestion");
        }
        ac_page_raw(pg, "</li>");
    }
    ac_page_raw(pg, "</ol>");
}

static void position_form(struct ac_page *pg, const struct ac_charter *ch,
                          const struct ac_proposal *p, struct ac_str me)
{
    struct ac_str cur_reason = {"", 0};
    const char *cur = NULL;
    char action[96];

    bool voted = false;
    for (size_t i = 0; i < p->count; i++) {
        if (ac_str_eq(p->positions[i].member, me)) {
            voted = true;
            /* a secret vote is not sent back, not even to its voter */
            cur = p->positions[i].sealed
                      ? NULL
                      : ac_position_name(p->positions[i].position);
            cur_reason = p->positions[i].reason;
        }
    }
    cur = ac_page_value(pg, "position", ac_str_c(cur)).ptr;
    ac_page_printf(pg, "<section class=\"card\" id=\"position\"><h2>%s</h2>",
                   voted ? "Change your position" : "Give your position");
    if (voted && p->method.secret) {
        ac_page_raw(pg, "<p>You have voted; voting again replaces your vote."
                        "</p>");
    }
    snprintf(action, sizeof action, "/proposals/%.*s/positions", (int)p->id.len,
             p->id.ptr);
    ac_page_form_begin(pg, action, "stack");
    ac_page_raw(pg, "<fieldset><legend>Position</legend>");
    ac_page_field_error(pg, "position");
    /* in the order people answer them: objections last in a vote */
    static const enum ac_position shown[] = {
        AC_POS_CONSENT, AC_POS_CONCERN, AC_POS_OBJECT, AC_POS_STAND_ASIDE,
        AC_POS_YES,     AC_POS_NO,      AC_POS_ABSTAIN};
    for (size_t k = 0; k <= sizeof shown / sizeof shown[0]; k++) {
        /* past the end: a vote's objection */
        enum ac_position i =
            k < sizeof shown / sizeof shown[0] ? shown[k] : AC_POS_OBJECT;
        const char *n = ac_position_name(i);
        bool on = cur && strcmp(cur, n) == 0;
        if (!ac_position_allowed(p->method.method, i) ||
            (i == AC_POS_OBJECT && p->method.secret) ||
            (i == AC_POS_OBJECT && ac_method_is_vote(p->method.method) !=
                                       (k == sizeof shown / sizeof shown[0]))) {
            continue;
        }
        ac_page_printf(pg,
                       "<label class=\"choice\"><input type=\"radio\" "
                       "name=\"position\" value=\"%s\" id=\"pos-%s\"",
                       n, n);
        ac_page_raw(pg, on ? " checked>" : ">");
        ac_page_printf(pg, " %s</label>", position_labels[i]);
    }
    ac_page_raw(pg, "</fieldset>");
    if (!p->method.secret) {
        ac_page_textarea(pg, "reason", "Reason", cur_reason, false,
                         "required when you object; say what would resolve "
                         "it");
        criterion_select(pg, ch, p, me);
    }
    ac_page_form_end(pg, "Save position");
    ac_page_raw(pg, "</section>");
}

/* Another candidate for an election's consent round: the active members
 * of the circle. */
static void candidate_select(struct ac_page *pg, const struct ac_state *s,
                             const struct ac_proposal *p)
{
    const struct ac_circle *c = ac_state_circle(s, p->circle);
    struct ac_str cur = ac_page_value(pg, "candidate", p->candidate);
    ac_page_raw(pg, "<div class=\"field\"><label for=\"f-candidate\">"
                    "Candidate</label><p class=\"hint\" "
                    "id=\"candidate-hint\">another member who can hold the "
                    "role</p>");
    ac_page_field_error(pg, "candidate");
    ac_page_raw(pg, "<select id=\"f-candidate\" name=\"candidate\" "
                    "aria-describedby=\"candidate-hint\">");
    for (size_t i = 0; c && i < s->member_count; i++) {
        const struct ac_member *m = &s->members[i];
        if (ac_state_in_circle(s, c, m->id)) {
            ac_page_printf(pg, "<option value=\"%.*s\"%s>%.*s (%.*s)</option>",
                           (int)m->id.len, m->id.ptr,
                           ac_str_eq(m->id, cur) ? " selected" : "",
                           (int)m->name.len, m->name.ptr, (int)m->id.len,
                           m->id.ptr);
        }
    }
    ac_page_raw(pg, "</select></div>");
}

static void author_forms(struct ac_page *pg, const struct ac_state *s,
                         const struct ac_proposal *p)
{
    char action[96];
    /* a draw is never amended, an election only in its consent round:
     * by naming another candidate */
    bool amendable =
        p->kind != AC_KIND_ROLE_DRAW &&
        (p->kind != AC_KIND_ROLE_ELECT || p->phase == AC_STAGE_CONSENT);
    if (amendable) {
        ac_page_raw(pg, "<section class=\"card\" id=\"amend\"><h2>Amend"
                        "</h2><p>Amending starts a new round: every position "
                        "is given again.</p>");
        snprintf(action, sizeof action, "/proposals/%.*s/amend", (int)p->id.len,
                 p->id.ptr);
        ac_page_form_begin(pg, action, "stack");
        ac_page_input(pg, "text", "title", "Title", p->title, true, NULL);
        ac_web_kind_fields(pg, s, p->kind, p->data);
        if (p->kind == AC_KIND_ROLE_ELECT) {
            candidate_select(pg, s, p);
        }
        ac_page_form_end(pg, "Amend proposal");
        ac_page_raw(pg, "</section>");
    }
    ac_page_raw(pg, "<section class=\"card\" id=\"withdraw\">"
                    "<h2>Withdraw</h2>");
    snprintf(action, sizeof action, "/proposals/%.*s/withdraw", (int)p->id.len,
             p->id.ptr);
    ac_page_form_begin(pg, action, "inline");
    ac_page_form_end(pg, "Withdraw proposal");
    ac_page_raw(pg, "</section>");
}

/* A proposal's data as lines "member: canonical JSON", for a diff. */
static void data_lines(struct ac_buf *b, const struct ac_val *data)
{
    for (size_t i = 0; data && data->kind == AC_VAL_OBJ && i < data->count;
         i++) {
        ac_buf_add_str(b, data->pairs[i].key);
        ac_buf_add_c(b, ": ");
        ac_codec_encode(data->pairs[i].val, b, NULL);
        ac_buf_putc(b, '\n');
    }
}

static void versions_view(struct ac_page *pg, const struct ac_proposal *p)
{
    ac_page_raw(pg, "<h2>Versions</h2><ol class=\"versions\">");
    for (size_t i = 0; i < p->version_count; i++) {
        const struct ac_proposal_version *v = &p->versions[i];
        ac_page_printf(pg, "<li><strong>Version %lld</strong>: %.*s · ",
                       (long long)v->version, (int)v->title.len, v->title.ptr);
        ac_page_time(pg, v->time);
        if (i > 0) {
            const struct ac_proposal_version *prev = &p->versions[i - 1];
            ac_page_printf(pg,
                           "<details><summary>Changes from version %lld"
                           "</summary>",
                           (long long)prev->version);
            if (!ac_str_eq(prev->title, v->title)) {
                ac_page_raw(pg, "<p>Title:</p>");
                ac_page_diff(pg, prev->title, v->title);
            }
            if (ac_val_get(v->data, "text")) {
                ac_page_raw(pg, "<p>Text:</p>");
                ac_page_diff(pg, ac_web_data_text(prev->data),
                             ac_web_data_text(v->data));
            } else {
                /* other kinds: the data, one member a line */
                struct ac_buf x, y;
                ac_buf_init(&x, 0);
                ac_buf_init(&y, 0);
                data_lines(&x, prev->data);
                data_lines(&y, v->data);
                ac_page_raw(pg, "<p>Data:</p>");
                ac_page_diff(pg, ac_buf_str(&x), ac_buf_str(&y));
                ac_buf_release(&x);
                ac_buf_release(&y);
            }
            ac_page_raw(pg, "</details>");
        }
        ac_page_raw(pg, "</li>");
    }
    ac_page_raw(pg, "</ol>");
}

/* The member an adopted member.admit of the reader's still waits for, so
 * that its author can hand them the invite code; "" otherwise. */
static void invited_by_me(const struct ac_state *s, const struct ac_proposal *p,
                          struct ac_str me, char member[AC_MEMBER_BUF])
{
    const struct ac_member *m = ac_state_invitee(s, p);
    member[0] = '\0';
    if (m && ac_str_eq(p->author, me)) {
        snprintf(member, AC_MEMBER_BUF, "%.*s", (int)m->id.len, m->id.ptr);
    }
}

static void invite_view(struct ac_page *pg, const char *member,
                        const char *code)
{
    ac_page_printf(pg,
                   "<section class=\"card\" id=\"invite\"><h2>Invite for "
                   "%s</h2><p>Give %s this code; they enter it with a "
                   "password of their own at <a href=\"/invite\">/invite</a>. "
                   "It works once.</p><p><code id=\"invite-code\">%s</code>"
                   "</p></section>",
                   member, member, code);
}

void ac_web_proposal_render(struct ac_request *r, struct ac_page *pg,
                            unsigned status)
{
    const struct ac_state *s = &r->svc->state;
    const struct ac_proposal *p;
    const struct ac_circle *c;
    struct ac_str me = ac_str_c(r->member);
    char invited[AC_MEMBER_BUF] = "", code[128] = "", method[32];

    /* the invite code lives in the store, read outside the state lock */
    pthread_rwlock_rdlock(&r->svc->lock);
    p = ac_state_proposal(s, r->param);
    if (p) {
        invited_by_me(s, p, me, invited);
    }
    pthread_rwlock_unlock(&r->svc->lock);
    if (invited[0]) {
        struct ac_err e;
        if (ac_route_invite_code(r->svc, invited, code, &e) != AC_OK) {
            code[0] = '\0';
        }
    }

    pthread_rwlock_rdlock(&r->svc->lock);
    p = ac_state_proposal(s, r->param);
    if (!p) {
        pthread_rwlock_unlock(&r->svc->lock);
        ac_page_release(pg);
        ac_web_message(r, 404, "Not found", "there is no such proposal");
        return;
    }
    {
        char title[AC_TITLE_MAX * 4 + 1];
        snprintf(title, sizeof title, "%.*s", (int)p->title.len, p->title.ptr);
        ac_page_begin(pg, title, NULL);
    }
    ac_page_printf(pg,
                   "<p class=\"meta\"><span id=\"status\" class=\"badge "
                   "st-%s\">%s</span> · %.*s · %s in circle "
                   "<strong>%.*s</strong> by <strong>%.*s</strong> · round "
                   "%lld, version %lld",
                   ac_proposal_status_name(p->status),
                   ac_proposal_status_name(p->status), (int)p->id.len,
                   p->id.ptr, ac_kind_name(p->kind), (int)p->circle.len,
                   p->circle.ptr, (int)p->author.len, p->author.ptr,
                   (long long)p->round, (long long)p->version);
    if (p->status == AC_PROP_OPEN) {
        ac_page_raw(pg, " · deadline ");
        ac_page_time(pg, p->deadline);
    }
    ac_page_raw(pg, "</p>");
    if (p->outcome.len) {
        ac_page_printf(pg, "<p class=\"outcome\">Outcome: %.*s</p>",
                       (int)p->outcome.len, p->outcome.ptr);
    }
    if (p->effect.len && p->kind <= AC_KIND_AGREEMENT_RETIRE) {
        ac_page_printf(pg,
                       "<p>Agreement: <a href=\"/agreements/%.*s\">%.*s</a>"
                       "</p>",
                       (int)p->effect.len, p->effect.ptr, (int)p->effect.len,
                       p->effect.ptr);
    }
    ac_page_form_error(pg);
    invited_by_me(s, p, me, invited);
    if (invited[0] && code[0]) {
        invite_view(pg, invited, code);
    }
    if (ac_choice_has_count(p)) {
        options_view(pg, s, p);
        if (p->kind == AC_KIND_CHOICE_IMPORT) {
            struct ac_str src;
            const struct ac_val *b = ac_val_get(p->data, "ballots");
            int64_t voters = 0;
            for (size_t i = 0; b && i < b->count; i++) {
                int64_t n = 0;
                ac_val_get_int(b->items[i], "count", &n);
                voters += n;
            }
            ac_val_get_str(p->data, "source", &src);
            ac_page_printf(pg,
                           "<p id=\"import\">Ballots collected elsewhere: "
                           "%lld voters, %zu kinds of ballot, from: %.*s. "
                           "The circle decides whether to accept them; once "
                           "accepted they are counted as above.</p>",
                           (long long)voters, b ? b->count : 0, (int)src.len,
                           src.ptr);
        }
    } else {
        ac_page_raw(pg, "<section class=\"card\" id=\"text\">");
        struct ac_currency cur = ac_state_currency(s);
        data_view(pg, p->data, ac_kind_moves_money(p->kind) ? &cur : NULL);
        ac_page_raw(pg, "</section>");
    }
    ac_method_format(method, p->method);
    if (p->kind == AC_KIND_ROLE_DRAW) {
        snprintf(method, sizeof method, "lot");
    }
    ac_page_printf(pg,
                   "<h2>Round</h2><p>Decided by <a href=\"/charter\">%s"
                   "</a>.</p>",
                   method);
    if (p->method.secret) {
        ac_page_raw(pg, "<p id=\"secret\">A secret ballot: the record shows "
                        "that you voted; how you voted is kept apart until "
                        "the close, then written without names, in an order "
                        "that does not tell who cast which. The server's "
                        "operator could still see it meanwhile.</p>");
    }
    if (p->phase != AC_STAGE_NONE) {
        ac_page_printf(pg,
                       "<p id=\"phase\">%s phase: <strong>%s"
                       "</strong>",
                       p->kind == AC_KIND_ROLE_DRAW ? "Draw" : "Election",
                       ac_stage_name(p->phase));
        if (p->candidate.len) {
            ac_page_printf(pg, "; proposed candidate: <strong>%.*s</strong>",
                           (int)p->candidate.len, p->candidate.ptr);
        }
        ac_page_raw(pg, "</p>");
        if (p->nominations && p->nominations->count) {
            ac_page_raw(pg, "<p id=\"nominations\">Nominations: ");
            for (size_t i = 0; i < p->nominations->count; i++) {
                const struct ac_val_pair *n = &p->nominations->pairs[i];
                ac_page_printf(
                    pg, "%s%.*s %lld", i ? ", " : "", (int)n->key.len,
                    n->key.ptr,
                    (long long)(n->val->kind == AC_VAL_INT ? n->val->i : 0));
            }
            ac_page_raw(pg, "</p>");
        }
    }
    positions_view(pg, s, p);
    c = ac_state_circle(s, p->circle);
    if (p->status == AC_PROP_OPEN && c && ac_state_in_circle(s, c, me)) {
        if (ac_method_is_choice(p->method.method)) {
            ballot_form(pg, p, me);
        } else if (p->phase == AC_STAGE_NOMINATE ||
                   p->phase == AC_STAGE_CHANGE) {
            nomination_form(pg, s, p, me);
        } else if (p->phase == AC_STAGE_VOLUNTEER ||
                   p->phase == AC_STAGE_REVEAL) {
            draw_forms(pg, p, me);
        } else {
            position_form(pg, &s->charter, p, me);
        }
    }
    objections_view(pg, p, me);
    if ((p->status == AC_PROP_OPEN || p->status == AC_PROP_NEEDS_INTEGRATION) &&
        ac_str_eq(p->author, me)) {
        author_forms(pg, s, p);
    }
    versions_view(pg, p);
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(pg);
    ac_web_page_send(r, pg, status);
}

void ac_web_proposal(struct ac_request *r)
{
    struct ac_page pg;
    ac_web_page_init(r, &pg);
    ac_web_proposal_render(r, &pg, 200);
}

/* ---- agreements, charter, members, circles ---- */

/* Circles' own decision methods. */
static void rules_view(struct ac_page *pg, const struct ac_charter *ch)
{
    ac_page_raw(pg, "<h2>Circles' own methods</h2>");
    if (ch->rule_count == 0) {
        ac_page_raw(pg, "<p class=\"empty\">Every circle decides as the "
                        "decision.* parameters above say.</p>");
        return;
    }
    ac_page_raw(pg, "<div class=\"scroll\"><table id=\"rules\"><thead><tr>"
                    "<th scope=\"col\">Parameter</th><th scope=\"col\">"
                    "Circle</th><th scope=\"col\">Method</th><th "
                    "scope=\"col\">Set by</th></tr></thead><tbody>");
    for (size_t i = 0; i < ch->rule_count; i++) {
        const struct ac_decision_rule *rule = &ch->rules[i];
        char name[32];
        ac_method_format(name,
                         ac_charter_method(ch, rule->param, rule->circle));
        ac_page_printf(pg,
                       "<tr><td><code>%s</code></td><td>%.*s</td><td>%s</td>"
                       "<td><a href=\"/proposals/%.*s\">%.*s</a></td></tr>",
                       ac_charter_def(rule->param)->name, (int)rule->circle.len,
                       rule->circle.ptr, name, (int)rule->set_by.len,
                       rule->set_by.ptr, (int)rule->set_by.len,
                       rule->set_by.ptr);
    }
    ac_page_raw(pg, "</tbody></table></div>");
}

static void agreement_row(struct ac_page *pg, const struct ac_agreement *ag)
{
    const struct ac_agreement_version *v = &ag->versions[ag->count - 1];
    ac_page_printf(pg,
                   "<tr><td>%.*s</td><td><a href=\"/agreements/%.*s\">%.*s"
                   "</a></td><td>%.*s</td><td>%s</td><td>%lld</td><td>",
                   (int)ag->id.len, ag->id.ptr, (int)ag->id.len, ag->id.ptr,
                   (int)ag->title.len, ag->title.ptr, (int)ag->circle.len,
                   ag->circle.ptr,
                   ag->status == AC_AGREEMENT_ACTIVE ? "active" : "retired",
                   (long long)v->version);
    if (ag->review_by >= 0) {
        ac_page_time(pg, ag->review_by);
    } else {
        ac_page_raw(pg, "none");
    }
    ac_page_raw(pg, "</td></tr>");
}

void ac_web_agreements(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_page pg;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(&pg, "Agreements", "/agreements");
    for (int active = 1; active >= 0; active--) {
        bool any = false;
        ac_page_raw(&pg, active ? "<h2>Active</h2>" : "<h2>Retired</h2>");
        for (size_t i = 0; i < s->agreement_count; i++) {
            const struct ac_agreement *ag = &s->agreements[i];
            if ((ag->status == AC_AGREEMENT_ACTIVE) != (active == 1) ||
                ag->count == 0) {
                continue;
            }
            if (!any) {
                ac_page_printf(
                    &pg,
                    "<div class=\"scroll\"><table id=\"agreements-%s\">"
                    "<thead><tr><th scope=\"col\">Id</th><th scope=\"col\">"
                    "Title</th><th scope=\"col\">Circle</th><th scope=\"col\">"
                    "Status</th><th scope=\"col\">Version</th>"
                    "<th scope=\"col\">Review by</th></tr></thead><tbody>",
                    active ? "active" : "retired");
                any = true;
            }
            agreement_row(&pg, ag);
        }
        ac_page_raw(&pg, any ? "</tbody></table></div>"
                             : "<p class=\"empty\">None.</p>");
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

void ac_web_agreement(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    const struct ac_agreement *ag;
    struct ac_page pg;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ag = ac_state_agreement(s, r->param);
    if (!ag || ag->count == 0) {
        pthread_rwlock_unlock(&r->svc->lock);
        ac_page_release(&pg);
        ac_web_message(r, 404, "Not found", "there is no such agreement");
        return;
    }
    {
        char title[AC_TITLE_MAX * 4 + 1];
        snprintf(title, sizeof title, "%.*s", (int)ag->title.len,
                 ag->title.ptr);
        ac_page_begin(&pg, title, NULL);
    }
    ac_page_printf(&pg, "<p class=\"meta\">%.*s · circle %.*s · %s · review ",
                   (int)ag->id.len, ag->id.ptr, (int)ag->circle.len,
                   ag->circle.ptr,
                   ag->status == AC_AGREEMENT_ACTIVE ? "active" : "retired");
    if (ag->review_by >= 0) {
        ac_page_time(&pg, ag->review_by);
    } else {
        ac_page_raw(&pg, "not set");
    }
    ac_page_raw(&pg, "</p><section class=\"card\">");
    ac_page_markdown(&pg, ag->versions[ag->count - 1].text);
    ac_page_raw(&pg, "</section><h2>Versions</h2><ol class=\"versions\">");
    for (size_t i = 0; i < ag->count; i++) {
        const struct ac_agreement_version *v = &ag->versions[i];
        ac_page_printf(&pg,
                       "<li>Version %lld, set by <a href=\"/proposals/%.*s\">"
                       "%.*s</a> · ",
                       (long long)v->version, (int)v->proposal.len,
                       v->proposal.ptr, (int)v->proposal.len, v->proposal.ptr);
        ac_page_time(&pg, v->time);
        if (i > 0) {
            ac_page_raw(&pg, "<details><summary>Changes</summary>");
            ac_page_diff(&pg, ag->versions[i - 1].text, v->text);
            ac_page_raw(&pg, "</details>");
        }
        ac_page_raw(&pg, "</li>");
    }
    ac_page_raw(&pg, "</ol>");
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

void ac_web_charter(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_page pg;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(&pg, "Charter", "/charter");
    ac_page_raw(&pg, "<p>The group's rules. Each changes only by a "
                     "charter.amend proposal; entrenched articles need the "
                     "consent of every active member.</p>"
                     "<div class=\"scroll\"><table id=\"charter\"><thead><tr>"
                     "<th scope=\"col\">Parameter</th><th scope=\"col\">Value"
                     "</th><th scope=\"col\">Set by</th><th scope=\"col\">"
                     "About</th></tr></thead><tbody>");
    for (int i = 0; i < AC_PARAM_COUNT; i++) {
        const struct ac_param_def *d = ac_charter_def((enum ac_param)i);
        struct ac_str by = s->charter.set_by[i];
        /* the row's id is the parameter's name, so other pages link to
         * /charter#power.window_days */
        ac_page_printf(&pg,
                       "<tr id=\"%s\"><td><code>%s</code></td>"
                       "<td class=\"value\">",
                       d->name, d->name);
        if (d->type == AC_PARAM_TEXT || d->type == AC_PARAM_CURRENCY) {
            ac_page_text(&pg, s->charter.text[i]);
        } else if (d->type == AC_PARAM_FALLBACK && s->charter.value[i] == 0) {
            ac_page_raw(&pg, "none");
        } else if (d->type == AC_PARAM_METHOD) {
            char name[32];
            ac_method_format(
                name,
                ac_charter_method(&s->charter, (enum ac_param)i, AC_STR("")));
            ac_page_printf(&pg, "%s", name);
        } else {
            ac_page_printf(&pg, "%lld", (long long)s->charter.value[i]);
        }
        ac_page_raw(&pg, "</td><td>");
        if (by.len) {
            ac_page_printf(&pg, "<a href=\"/proposals/%.*s\">%.*s</a>",
                           (int)by.len, by.ptr, (int)by.len, by.ptr);
        } else {
            ac_page_raw(&pg, "founding");
        }
        ac_page_printf(&pg, "</td><td>%s%s</td></tr>", d->help,
                       d->entrenched ? " (entrenched)" : "");
    }
    ac_page_raw(&pg, "</tbody></table></div>");
    rules_view(&pg, &s->charter);
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

void ac_web_members(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_page pg;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(&pg, "Members", "/members");
    ac_page_raw(&pg, "<div class=\"scroll\"><table id=\"members\"><thead><tr>"
                     "<th scope=\"col\">Id</th><th scope=\"col\">Name</th>"
                     "<th scope=\"col\">Status</th><th scope=\"col\">"
                     "Admitted by</th></tr></thead><tbody>");
    for (size_t i = 0; i < s->member_count; i++) {
        const struct ac_member *m = &s->members[i];
        ac_page_printf(&pg, "<tr><td>%.*s</td><td>%.*s</td><td>%s</td><td>",
                       (int)m->id.len, m->id.ptr, (int)m->name.len, m->name.ptr,
                       ac_member_status_name(m->status));
        if (m->admitted_by.len) {
            ac_page_printf(&pg, "<a href=\"/proposals/%.*s\">%.*s</a>",
                           (int)m->admitted_by.len, m->admitted_by.ptr,
                           (int)m->admitted_by.len, m->admitted_by.ptr);
        } else {
            ac_page_raw(&pg, "founder");
        }
        ac_page_raw(&pg, "</td></tr>");
    }
    ac_page_raw(&pg, "</tbody></table></div>");
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

void ac_web_circles(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_page pg;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(&pg, "Circles", "/circles");
    for (size_t i = 0; i < s->circle_count; i++) {
        const struct ac_circle *c = &s->circles[i];
        ac_page_printf(&pg,
                       "<section class=\"card\"><h2>%.*s <small>(%.*s)"
                       "</small></h2><p>%.*s</p><p class=\"meta\">",
                       (int)c->name.len, c->name.ptr, (int)c->id.len, c->id.ptr,
                       (int)c->purpose.len, c->purpose.ptr);
        if (i == 0) {
            ac_page_printf(&pg, "Every active member (%zu).",
                           ac_state_circle_size(s, c));
        } else {
            ac_page_raw(&pg, "Members: ");
            for (size_t k = 0; k < c->count; k++) {
                ac_page_printf(&pg, "%s%.*s", k ? ", " : "",
                               (int)c->members[k].len, c->members[k].ptr);
            }
        }
        ac_page_raw(&pg, "</p></section>");
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

void ac_web_delegations(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_str me = ac_str_c(r->member);
    struct ac_page pg;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(&pg, "Delegations", "/delegations");
    ac_page_printf(&pg,
                   "<p>A member may entrust their vote in a circle to "
                   "another member, for every kind of proposal or one. It "
                   "counts in majority and supermajority votes and in "
                   "choices, never in consent: the right to say no is "
                   "personal. Your own vote always overrides. Nobody "
                   "carries more than %lld votes, their own included; a "
                   "delegation lasts %lld days unless given again, and the "
                   "delegate may refuse it.</p>",
                   (long long)s->charter.value[AC_P_DELEGATION_MAX_WEIGHT],
                   (long long)s->charter.value[AC_P_DELEGATION_EXPIRY_DAYS]);
    if (s->delegation_count == 0) {
        ac_page_raw(&pg, "<p class=\"empty\">No delegations.</p>");
    } else {
        ac_page_raw(&pg, "<div class=\"scroll\"><table id=\"delegations\">"
                         "<thead><tr><th scope=\"col\">From</th><th "
                         "scope=\"col\">To</th><th scope=\"col\">Circle"
                         "</th><th scope=\"col\">Kind</th><th scope=\"col\">"
                         "Expires</th><th scope=\"col\">Status</th><th "
                         "scope=\"col\">Act</th></tr></thead><tbody>");
        for (size_t i = 0; i < s->delegation_count; i++) {
            const struct ac_delegation *d = &s->delegations[i];
            ac_page_printf(&pg,
                           "<tr><td>%.*s</td><td>%.*s</td><td>%.*s</td>"
                           "<td>%.*s</td><td>",
                           (int)d->from.len, d->from.ptr, (int)d->to.len,
                           d->to.ptr, (int)d->circle.len, d->circle.ptr,
                           (int)(d->kind.len ? d->kind.len : 10),
                           d->kind.len ? d->kind.ptr : "every kind");
            ac_page_time(&pg, d->expires);
            ac_page_printf(&pg, "</td><td>%s</td><td>",
                           d->refused ? "refused" : "given");
            if (ac_str_eq(d->from, me) ||
                (ac_str_eq(d->to, me) && !d->refused)) {
                bool mine = ac_str_eq(d->from, me);
                ac_page_form_begin(
                    &pg, mine ? "/delegations/revoke" : "/delegations/refuse",
                    "inline");
                ac_page_printf(&pg,
                               "<input type=\"hidden\" name=\"circle\" "
                               "value=\"%.*s\"><input type=\"hidden\" "
                               "name=\"kind\" value=\"%.*s\"><input "
                               "type=\"hidden\" name=\"from\" value=\"%.*s\">",
                               (int)d->circle.len, d->circle.ptr,
                               (int)d->kind.len, d->kind.ptr, (int)d->from.len,
                               d->from.ptr);
                ac_page_form_end(&pg, mine ? "Take back" : "Refuse");
            }
            ac_page_raw(&pg, "</td></tr>");
        }
        ac_page_raw(&pg, "</tbody></table></div>");
    }
    ac_page_raw(&pg, "<section class=\"card\" id=\"delegate\"><h2>Entrust "
                     "your vote</h2>");
    ac_page_form_begin(&pg, "/delegations", "stack");
    ac_page_raw(&pg, "<div class=\"field\"><label for=\"f-circle\">Circle"
                     "</label><select id=\"f-circle\" name=\"circle\">");
    for (size_t i = 0; i < s->circle_count; i++) {
        if (ac_state_in_circle(s, &s->circles[i], me)) {
            ac_page_printf(&pg, "<option value=\"%.*s\">%.*s</option>",
                           (int)s->circles[i].id.len, s->circles[i].id.ptr,
                           (int)s->circles[i].name.len, s->circles[i].name.ptr);
        }
    }
    ac_page_raw(&pg, "</select></div><div class=\"field\"><label "
                     "for=\"f-to\">To</label>");
    ac_page_field_error(&pg, "to");
    ac_page_raw(&pg, "<select id=\"f-to\" name=\"to\">");
    for (size_t i = 0; i < s->member_count; i++) {
        const struct ac_member *m = &s->members[i];
        if (m->status == AC_MEMBER_ACTIVE && !ac_str_eq(m->id, me)) {
            ac_page_printf(&pg, "<option value=\"%.*s\">%.*s (%.*s)</option>",
                           (int)m->id.len, m->id.ptr, (int)m->name.len,
                           m->name.ptr, (int)m->id.len, m->id.ptr);
        }
    }
    ac_page_raw(&pg, "</select></div><div class=\"field\"><label "
                     "for=\"f-kind\">Kind</label>");
    ac_page_field_error(&pg, "kind");
    ac_page_raw(&pg, "<select id=\"f-kind\" name=\"kind\"><option "
                     "value=\"\">every kind</option>");
    for (int k = 0; k < AC_KIND_COUNT; k++) {
        if (k != AC_KIND_MEMBER_REMOVE && k != AC_KIND_ROLE_ELECT &&
            k != AC_KIND_ROLE_DRAW) {
            ac_page_printf(&pg, "<option value=\"%s\">%s</option>",
                           ac_kind_name((enum ac_kind)k),
                           ac_kind_name((enum ac_kind)k));
        }
    }
    ac_page_raw(&pg, "</select></div>");
    ac_page_form_end(&pg, "Delegate");
    ac_page_raw(&pg, "</section>");
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

void ac_web_roles(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_page pg;
    bool any = false;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(&pg, "Roles", "/roles");
    ac_page_raw(&pg, "<p>Roles are functions of a circle, never power over "
                     "people. Holders are elected for a term and the role is "
                     "vacant when the term ends; the charter limits terms in "
                     "a row and roles held at once.</p>");
    for (size_t i = 0; i < s->role_count; i++) {
        const struct ac_role *role = &s->roles[i];
        const struct ac_val *acc = role->accountabilities;
        const struct ac_term *cur =
            role->holder.len ? &role->terms[role->term_count - 1] : NULL;
        any = true;
        ac_page_printf(&pg,
                       "<section class=\"card role\" id=\"role-%.*s\"><h2>"
                       "%.*s <small>(%.*s, circle %.*s)</small></h2>",
                       (int)role->id.len, role->id.ptr, (int)role->name.len,
                       role->name.ptr, (int)role->id.len, role->id.ptr,
                       (int)role->circle.len, role->circle.ptr);
        if (role->retired) {
            ac_page_raw(&pg, "<p><span class=\"badge st-lapsed\">retired"
                             "</span></p>");
        } else if (cur) {
            ac_page_printf(&pg,
                           "<p class=\"holder\">Held by <strong>%.*s"
                           "</strong> until ",
                           (int)cur->member.len, cur->member.ptr);
            ac_page_time(&pg, cur->end);
            ac_page_raw(&pg, "</p>");
        } else {
            ac_page_raw(&pg, "<p class=\"holder\"><span class=\"badge "
                             "st-needs_integration\">vacant</span></p>");
        }
        ac_page_printf(&pg, "<p>%.*s</p>", (int)role->purpose.len,
                       role->purpose.ptr);
        if (acc && acc->count) {
            ac_page_raw(&pg, "<p>Accountabilities:</p><ul>");
            for (size_t k = 0; k < acc->count; k++) {
                if (acc->items[k]->kind == AC_VAL_STR) {
                    ac_page_printf(&pg, "<li>%.*s</li>",
                                   (int)acc->items[k]->s.len,
                                   acc->items[k]->s.ptr);
                }
            }
            ac_page_raw(&pg, "</ul>");
        }
        if (role->domain.len) {
            ac_page_printf(&pg, "<p>Decides alone: %.*s</p>",
                           (int)role->domain.len, role->domain.ptr);
        }
        ac_page_printf(&pg,
                       "<p class=\"meta\">Term: %lld days · created by "
                       "<a href=\"/proposals/%.*s\">%.*s</a></p>",
                       (long long)role->term_days, (int)role->created_by.len,
                       role->created_by.ptr, (int)role->created_by.len,
                       role->created_by.ptr);
        if (role->term_count) {
            ac_page_raw(&pg, "<details><summary>Terms</summary><ol>");
            for (size_t k = 0; k < role->term_count; k++) {
                const struct ac_term *t = &role->terms[k];
                ac_page_printf(&pg,
                               "<li>%.*s, elected by <a href=\"/proposals/"
                               "%.*s\">%.*s</a>: ",
                               (int)t->member.len, t->member.ptr,
                               (int)t->proposal.len, t->proposal.ptr,
                               (int)t->proposal.len, t->proposal.ptr);
                ac_page_time(&pg, t->start);
                ac_page_raw(&pg, " to ");
                ac_page_time(&pg, t->end);
                ac_page_raw(&pg, t->ended ? "</li>" : " (current)</li>");
            }
            ac_page_raw(&pg, "</ol></details>");
        }
        ac_page_raw(&pg, "</section>");
    }
    if (!any) {
        ac_page_raw(&pg, "<p class=\"empty\">No roles yet: propose one with "
                         "a role.create proposal.</p>");
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

/* ---- the log ---- */

struct log_page {
    struct ac_arena *arena;
    struct ac_event *events; /* oldest first */
    size_t count;
    enum ac_status bad; /* first decode failure */
};

static enum ac_status log_row(void *ctx, int64_t seq, struct ac_str text)
{
    struct log_page *lp = ctx;
    struct ac_val *v;
    struct ac_err e = {0};
    (void)seq;
    if (ac_json_parse(text, lp->arena, &v, &e) != AC_OK ||
        ac_event_decode(v, &lp->events[lp->count], &e) != AC_OK) {
        lp->bad = AC_ECORRUPT;
        return AC_OK;
    }
    lp->count++;
    return AC_OK;
}

static void event_summary(struct ac_page *pg, const struct ac_val *data)
{
    static const char *const keys[] = {"id",       "proposal", "title",
                                       "position", "status",   "member",
                                       "name",     NULL};
    for (size_t k = 0; keys[k]; k++) {
        struct ac_val *v = ac_val_get(data, keys[k]);
        if (v && (v->kind == AC_VAL_STR || v->kind == AC_VAL_INT)) {
            ac_page_printf(pg, "<span class=\"kv\">%s: ", keys[k]);
            val_text(pg, v);
            ac_page_raw(pg, "</span> ");
        }
    }
}

void ac_web_log(struct ac_request *r)
{
    struct ac_service *svc = r->svc;
    const char *before_s = query(r, "before");
    int64_t head_seq, before = INT64_MAX, hi, lo;
    uint8_t head[AC_HASH_LEN];
    char hex[AC_HEX_LEN + 1], prev[AC_HEX_LEN + 1];
    struct log_page lp = {&r->arena, NULL, 0, AC_OK};
    struct ac_chain chain;
    struct ac_err e = {0};
    struct ac_page pg;
    bool verified = true;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&svc->lock);
    head_seq = svc->state.seq;
    memcpy(head, svc->state.head, AC_HASH_LEN);
    pthread_rwlock_unlock(&svc->lock);
    if (before_s && ac_parse_i64(ac_str_c(before_s), 1, INT64_MAX, &before,
                                 NULL) != AC_OK) {
        before = INT64_MAX;
    }
    hi = before - 1 < head_seq ? before - 1 : head_seq;
    lo = hi - LOG_PAGE + 1 > 1 ? hi - LOG_PAGE + 1 : 1;
    if (hi >= lo) {
        lp.events = ac_arena_alloc(&r->arena,
                                   (size_t)(hi - lo + 1) * sizeof *lp.events);
        if (!lp.events || ac_store_scan(svc->store, lo - 1, hi - lo + 1,
                                        log_row, &lp, &e) != AC_OK) {
            ac_page_release(&pg);
            ac_web_message(r, 503, "Log unavailable",
                           e.msg[0] ? e.msg : "out of memory");
            return;
        }
    }
    ac_page_begin(&pg, "Log", "/log");
    ac_hex_encode(hex, head, AC_HASH_LEN);
    ac_page_printf(&pg,
                   "<section class=\"card head\" id=\"head\"><h2>Head</h2>"
                   "<p>Event <strong>%lld</strong>. Write this hash down: "
                   "anyone can check later that the log up to here was not "
                   "changed.</p><p><code class=\"hash big\" "
                   "id=\"head-hash\">%s</code></p></section>",
                   (long long)head_seq, hex);
    /* The page's own chain: each event's hash is the hash of its content
     * and names the one before it. */
    ac_chain_init(&chain);
    if (lp.count > 0) {
        chain.seq = lp.events[0].seq - 1;
        memcpy(chain.head, lp.events[0].prev, AC_HASH_LEN);
    }
    for (size_t i = 0; i < lp.count && verified; i++) {
        verified = ac_chain_check(&chain, &lp.events[i], &e) == AC_OK;
    }
    verified = verified && lp.bad == AC_OK &&
               lp.count == (size_t)(hi >= lo ? hi - lo + 1 : 0);
    if (verified && lp.count > 0 && hi == head_seq) {
        verified = memcmp(lp.events[lp.count - 1].hash, head, AC_HASH_LEN) == 0;
    }
    ac_page_printf(
        &pg,
        "<p class=\"verify %s\" id=\"verified\" role=\"status\">"
        "%s events %lld to %lld: %s</p>",
        verified ? "ok" : "bad", "Chain of", (long long)lo, (long long)hi,
        verified ? "verified (hashes and links match)" : "NOT verified");
    ac_page_raw(&pg, "<ol class=\"log\" reversed>");
    for (size_t i = lp.count; i-- > 0;) {
        const struct ac_event *ev = &lp.events[i];
        ac_hex_encode(hex, ev->hash, AC_HASH_LEN);
        ac_hex_encode(prev, ev->prev, AC_HASH_LEN);
        ac_page_printf(&pg,
                       "<li value=\"%lld\" id=\"e%lld\"><p><strong>%lld"
                       "</strong> <code>%.*s</code> by %.*s · ",
                       (long long)ev->seq, (long long)ev->seq,
                       (long long)ev->seq, (int)ev->type.len, ev->type.ptr,
                       (int)ev->actor.len, ev->actor.ptr);
        ac_page_time(&pg, ev->time);
        ac_page_raw(&pg, "</p><p>");
        event_summary(&pg, ev->data);
        ac_page_printf(&pg,
                       "</p><p class=\"hashes\">hash <code class=\"hash\">%s"
                       "</code><br>prev <code class=\"hash\">%s</code></p>"
                       "</li>",
                       hex, prev);
    }
    ac_page_raw(&pg, "</ol><nav class=\"pager\" aria-label=\"Log pages\">");
    if (hi < head_seq) {
        ac_page_printf(&pg, "<a href=\"/log?before=%lld\">Newer events</a> ",
                       (long long)(hi + LOG_PAGE + 1));
    }
    if (lo > 1) {
        ac_page_printf(&pg, "<a href=\"/log?before=%lld\">Older events</a>",
                       (long long)lo);
    }
    ac_page_raw(&pg, "</nav>");
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}
