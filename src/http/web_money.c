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
        struct ac_str name = ac_account_name(c);
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
