/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The ledger page (docs/money.md): every budget's balance, every
 * movement with the proposal that decided it, the CSV for a
 * spreadsheet, and the proposals that move money. */
#include <stdio.h>

#include "http/http_int.h"
#include "http/page.h"

/* An amount with its currency, as the page shows it. */
static void amount_cell(struct ac_page *pg, int64_t amount,
                        struct ac_currency cur)
{
    char num[32];
    ac_money_format(num, amount, cur.minor);
    ac_page_printf(pg, "<td class=\"num\">%s&nbsp;%s</td>", num, cur.code);
}

static void balances(struct ac_page *pg, const struct ac_state *s,
                     struct ac_currency cur)
{
    ac_page_raw(pg, "<section class=\"card\"><h2>Budgets</h2>"
                    "<table class=\"ledger\" id=\"balances\"><thead><tr>"
                    "<th scope=\"col\">Budget</th><th scope=\"col\">Decided "
                    "by</th><th scope=\"col\" class=\"num\">Balance</th>"
                    "</tr></thead><tbody>");
    for (size_t i = 0; i < s->circle_count; i++) {
        const struct ac_circle *c = &s->circles[i];
        struct ac_str name = ac_state_account(c);
        ac_page_printf(pg,
                       "<tr id=\"budget-%.*s\"><th scope=\"row\">%.*s</th>"
                       "<td>the circle %.*s</td>",
                       (int)name.len, name.ptr, (int)name.len, name.ptr,
                       (int)c->name.len, c->name.ptr);
        amount_cell(pg, c->balance, cur);
        ac_page_raw(pg, "</tr>");
    }
    ac_page_raw(pg, "</tbody></table></section>");
}

static void movements(struct ac_page *pg, const struct ac_state *s,
                      struct ac_currency cur)
{
    ac_page_raw(pg, "<section class=\"card\"><h2>Movements</h2>");
    if (s->movement_count == 0) {
        ac_page_raw(pg, "<p class=\"empty\">No money has moved yet.</p>"
                        "</section>");
        return;
    }
    ac_page_raw(pg, "<table class=\"ledger\" id=\"movements\"><thead><tr>"
                    "<th scope=\"col\">When</th><th scope=\"col\">What</th>"
                    "<th scope=\"col\">From</th><th scope=\"col\">To</th>"
                    "<th scope=\"col\" class=\"num\">Amount</th>"
                    "<th scope=\"col\">Details</th><th scope=\"col\">Decided "
                    "by</th></tr></thead><tbody>");
    /* newest first: the latest movements are the ones people look for */
    for (size_t i = s->movement_count; i > 0; i--) {
        const struct ac_movement *m = &s->movements[i - 1];
        ac_page_raw(pg, "<tr><td>");
        ac_page_time(pg, m->time);
        ac_page_printf(pg, "</td><td>%s</td><td>%.*s</td><td>%.*s</td>",
                       ac_move_kind_name(m->kind), (int)m->from.len,
                       m->from.ptr, (int)m->to.len, m->to.ptr);
        amount_cell(pg, m->amount, cur);
        ac_page_raw(pg, "<td>");
        if (m->kind == AC_MOVE_INCOME) {
            ac_page_printf(pg, "from %.*s", (int)m->source.len, m->source.ptr);
        } else if (m->kind == AC_MOVE_SPEND) {
            ac_page_printf(pg, "to %.*s: %.*s", (int)m->payee.len, m->payee.ptr,
                           (int)m->purpose.len, m->purpose.ptr);
        }
        ac_page_printf(pg,
                       "</td><td><a href=\"/proposals/%.*s\">%.*s</a>, "
                       "%s %.*s</td></tr>",
                       (int)m->proposal.len, m->proposal.ptr,
                       (int)m->proposal.len, m->proposal.ptr,
                       m->kind == AC_MOVE_FUNDING  ? "bucket by"
                       : m->kind == AC_MOVE_RETURN ? "closed by"
                                                   : "proposed by",
                       (int)m->author.len, m->author.ptr);
    }
    ac_page_raw(pg, "</tbody></table></section>");
}

/* The rounds, newest first, for the ledger page. */
static void rounds_list(struct ac_page *pg, const struct ac_state *s,
                        struct ac_currency cur)
{
    ac_page_raw(pg, "<section class=\"card\"><h2>Budgeting rounds</h2>");
    if (s->round_count == 0) {
        ac_page_raw(pg, "<p class=\"empty\">No budgeting round yet: a circle "
                        "opens one with a <a href=\"/proposals/new?kind="
                        "budget.round\">budget.round</a> proposal.</p>"
                        "</section>");
        return;
    }
    ac_page_raw(pg, "<ul>");
    for (size_t i = s->round_count; i > 0; i--) {
        const struct ac_pb_round *r = &s->rounds[i - 1];
        char pot[32];
        ac_money_format(pot, r->pot, cur.minor);
        ac_page_printf(pg,
                       "<li><a href=\"/rounds/%.*s\">Round %.*s</a> of the "
                       "circle %.*s: %s&nbsp;%s, %s until ",
                       (int)r->id.len, r->id.ptr, (int)r->id.len, r->id.ptr,
                       (int)r->circle.len, r->circle.ptr, pot, cur.code,
                       r->closed ? "closed" : "open");
        ac_page_time(pg, r->closes);
        ac_page_raw(pg, "</li>");
    }
    ac_page_raw(pg, "</ul></section>");
}

void ac_web_ledger(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_page pg;
    struct ac_currency cur;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    cur = ac_state_currency(s);
    ac_page_begin(&pg, "Ledger", "/ledger");
    ac_page_printf(&pg,
                   "<p>The group's money, in %s. Every movement below was "
                   "decided by a proposal its circle adopted: income into "
                   "the pool and allocations from it by the circle "
                   "\"all\", spends by the circle whose budget pays. No "
                   "budget goes below zero.</p>",
                   cur.code);
    balances(&pg, s, cur);
    rounds_list(&pg, s, cur);
    movements(&pg, s, cur);
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_raw(&pg,
                "<section class=\"card\"><h2>Move money</h2><ul>"
                "<li><a href=\"/proposals/new?kind=income\">"
                "Record income</a> into the pool</li>"
                "<li><a href=\"/proposals/new?kind=budget.allocate\">Allocate "
                "a budget</a> from the pool to a "
                "circle</li>"
                "<li><a href=\"/proposals/new?kind=spend\">Propose a "
                "spend</a> in the circle whose budget pays</li></ul>"
                "<p><a href=\"/ledger.csv\" download=\"ledger.csv\">"
                "Download the movements as CSV</a> (every movement, oldest "
                "first, for a spreadsheet).</p></section>");
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}

/* ---- participatory budgeting rounds ---- */

/* One bucket: what it is, how far it got, who pledged, and the viewer's
 * pledge form while it can take one. */
static void bucket_card(struct ac_page *pg, const struct ac_state *s,
                        const struct ac_bucket *b, struct ac_str me,
                        bool can_pledge, struct ac_currency cur)
{
    char total[32], target[32], mine[32] = "";
    const struct ac_pledge *own = ac_state_pledge(s, b, me);
    ac_money_format(total, b->total, cur.minor);
    ac_money_format(target, b->target, cur.minor);
    ac_page_printf(pg,
                   "<section class=\"card bucket\" id=\"%.*s\"><h3>%.*s "
                   "<small>(%.*s, by %.*s)</small></h3>",
                   (int)b->id.len, b->id.ptr, (int)b->title.len, b->title.ptr,
                   (int)b->id.len, b->id.ptr, (int)b->author.len,
                   b->author.ptr);
    if (b->funded) {
        ac_page_raw(pg, "<p><span class=\"badge st-adopted\">funded</span>"
                        "</p>");
    }
    if (b->description.len) {
        ac_page_printf(pg, "<p class=\"reason\">%.*s</p>",
                       (int)b->description.len, b->description.ptr);
    }
    ac_page_printf(pg,
                   "<p><label for=\"progress-%.*s\">Pledged</label> "
                   "<progress id=\"progress-%.*s\" max=\"%lld\" "
                   "value=\"%lld\">%s of %s</progress> %s of %s&nbsp;%s</p>",
                   (int)b->id.len, b->id.ptr, (int)b->id.len, b->id.ptr,
                   (long long)b->target, (long long)b->total, total, target,
                   total, target, cur.code);
    {
        bool any = false;
        for (size_t i = 0; i < s->pledge_count; i++) {
            const struct ac_pledge *pl = &s->pledges[i];
            char amount[32];
            if (&s->buckets[pl->bucket] != b || pl->amount == 0) {
                continue;
            }
            ac_money_format(amount, pl->amount, cur.minor);
            ac_page_raw(pg, any ? ", " : "<p class=\"meta\">Pledges: ");
            ac_page_printf(pg, "%.*s %s", (int)pl->member.len, pl->member.ptr,
                           amount);
            any = true;
        }
        if (any) {
            ac_page_raw(pg, "</p>");
        }
    }
    if (can_pledge && !b->funded) {
        char action[64];
        if (own) {
            ac_money_format(mine, own->amount, cur.minor);
        }
        snprintf(action, sizeof action, "/buckets/%.*s/pledge", (int)b->id.len,
                 b->id.ptr);
        ac_page_form_begin(pg, action, "filters");
        ac_page_printf(pg,
                       "<div class=\"field\"><label for=\"pledge-%.*s\">Your "
                       "pledge (%s)</label><input type=\"text\" "
                       "inputmode=\"decimal\" id=\"pledge-%.*s\" "
                       "name=\"amount\" value=\"%s\" required></div>",
                       (int)b->id.len, b->id.ptr, cur.code, (int)b->id.len,
                       b->id.ptr, mine);
        ac_page_raw(pg, "<button type=\"submit\">Pledge</button></form>");
    }
    ac_page_raw(pg, "</section>");
}

void ac_web_round(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_str me = ac_str_c(r->member);
    const struct ac_pb_round *round;
    const struct ac_proposal *p;
    struct ac_currency cur;
    struct ac_page pg;
    char title[64], pot[32], share[32], left[32];
    long who;
    bool open, in_circle;

    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    round = ac_state_pb_round(s, r->param);
    if (!round) {
        pthread_rwlock_unlock(&r->svc->lock);
        ac_page_release(&pg);
        ac_web_message(r, 404, "Not found", "there is no such budgeting round");
        return;
    }
    cur = ac_state_currency(s);
    p = ac_state_proposal(s, round->proposal);
    who = ac_pb_member(round, me);
    open = !round->closed;
    in_circle = ac_state_in_circle(s, ac_state_circle(s, round->circle), me);
    snprintf(title, sizeof title, "Budgeting round %.*s", (int)round->id.len,
             round->id.ptr);
    ac_page_begin(&pg, title, NULL);
    ac_money_format(pot, round->pot, cur.minor);
    ac_money_format(share, round->share, cur.minor);
    ac_page_printf(&pg,
                   "<p>%.*s: a pot of %s&nbsp;%s from the budget of %.*s "
                   "(<a href=\"/proposals/%.*s\">%.*s</a>). Each of its %zu "
                   "members at the opening has an equal share of %s&nbsp;%s "
                   "to pledge to the buckets below; a bucket that reaches "
                   "its target is funded. What is not funded when the round "
                   "closes goes back to the circle's budget. %s ",
                   p ? (int)p->title.len : 0, p ? p->title.ptr : "", pot,
                   cur.code, (int)round->circle.len, round->circle.ptr,
                   (int)round->proposal.len, round->proposal.ptr,
                   (int)round->proposal.len, round->proposal.ptr,
                   round->member_count, share, cur.code,
                   open ? "Open until" : "Closed at");
    ac_page_time(&pg, round->closes);
    ac_page_raw(&pg, ".</p>");
    if (who >= 0) {
        ac_money_format(left, round->share - round->spent[who], cur.minor);
        ac_page_printf(&pg,
                       "<p class=\"share\" id=\"my-share\">Your share: "
                       "<strong>%s&nbsp;%s</strong> left of %s&nbsp;%s.</p>",
                       left, cur.code, share, cur.code);
    } else {
        ac_page_printf(&pg,
                       "<p class=\"share\" id=\"my-share\">You have no share "
                       "in this round: the shares went to the members of "
                       "%.*s when it opened.</p>",
                       (int)round->circle.len, round->circle.ptr);
    }
    if (round->closed) {
        char back[32];
        ac_money_format(back, round->returned, cur.minor);
        ac_page_printf(
            &pg, "<p>%s&nbsp;%s went back to the budget of %.*s.</p>", back,
            cur.code, (int)round->circle.len, round->circle.ptr);
    }
    ac_page_raw(&pg, "<h2>Buckets</h2>");
    {
        bool any = false;
        for (size_t i = 0; i < s->bucket_count; i++) {
            if (&s->rounds[s->buckets[i].round] == round) {
                bucket_card(&pg, s, &s->buckets[i], me, open && who >= 0, cur);
                any = true;
            }
        }
        if (!any) {
            ac_page_raw(&pg, "<p class=\"empty\">No buckets yet.</p>");
        }
    }
    if (open && in_circle) {
        char action[64];
        snprintf(action, sizeof action, "/rounds/%.*s/buckets",
                 (int)round->id.len, round->id.ptr);
        ac_page_raw(&pg, "<section class=\"card\"><h2>Propose a bucket</h2>");
        ac_page_form_error(&pg);
        ac_page_form_begin(&pg, action, "stack");
        ac_page_input(&pg, "text", "title", "Title", AC_STR(""), true, NULL);
        ac_page_textarea(&pg, "description", "What it is for", AC_STR(""),
                         false, NULL);
        snprintf(title, sizeof title, "Target (%s)", cur.code);
        ac_page_input(&pg, "text", "target", title, AC_STR(""), true,
                      "what it needs to be funded; at most the pot");
        ac_page_form_end(&pg, "Propose the bucket");
        ac_page_raw(&pg, "</section>");
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
}
