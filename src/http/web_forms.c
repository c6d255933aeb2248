/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The pages that write: new proposal, position, amend and withdraw. A
 * form becomes the same command the API makes and goes through the same
 * job queue and commit (group commit, durability); once committed the
 * answer is a 303 to the proposal (Post/Redirect/Get), and a refusal
 * re-renders the form with the message next to the field it names. Form
 * fields carry the names of the API's JSON members; the kind-specific
 * ones are turned into the API's data object. */
#include "http_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/json.h"
#include "core/draw.h"
#include "core/choice.h"
#include "core/preflib.h"
#include "http/page.h"

/* ---- form fields ---- */

static void select_begin(struct ac_page *pg, const char *name,
                         const char *label, const char *hint)
{
    ac_page_printf(pg, "<div class=\"field\"><label for=\"f-%s\">%s</label>",
                   name, label);
    if (hint) {
        ac_page_printf(pg, "<p class=\"hint\">%s</p>", hint);
    }
    ac_page_field_error(pg, name);
    ac_page_printf(pg, "<select id=\"f-%s\" name=\"%s\">", name, name);
}

static void select_option(struct ac_page *pg, struct ac_str value,
                          struct ac_str label, struct ac_str current)
{
    ac_page_printf(pg, "<option value=\"%.*s\"", (int)value.len, value.ptr);
    ac_page_raw(pg, ac_str_eq(value, current) ? " selected>" : ">");
    ac_page_printf(pg, "%.*s</option>", (int)label.len, label.ptr);
}

static void select_end(struct ac_page *pg)
{
    ac_page_raw(pg, "</select></div>");
}

static struct ac_str data_str(const struct ac_val *data, const char *key)
{
    struct ac_str v = {"", 0};
    if (!data || !ac_val_get_str(data, key, &v)) {
        v = (struct ac_str){"", 0};
    }
    return v;
}

static void select_agreement(struct ac_page *pg, const struct ac_state *s,
                             const struct ac_val *data)
{
    struct ac_str cur =
        ac_page_value(pg, "agreement", data_str(data, "agreement"));
    select_begin(pg, "agreement", "Agreement", NULL);
    for (size_t i = 0; i < s->agreement_count; i++) {
        const struct ac_agreement *ag = &s->agreements[i];
        if (ag->status == AC_AGREEMENT_ACTIVE) {
            select_option(pg, ag->id, ag->title, cur);
        }
    }
    select_end(pg);
}

static void select_role(struct ac_page *pg, const struct ac_state *s,
                        const struct ac_val *data)
{
    struct ac_str cur = ac_page_value(pg, "role", data_str(data, "role"));
    select_begin(pg, "role", "Role", NULL);
    for (size_t i = 0; i < s->role_count; i++) {
        const struct ac_role *r = &s->roles[i];
        if (!r->retired) {
            select_option(pg, r->id, r->name, cur);
        }
    }
    select_end(pg);
}

/* A list of texts (a choice's options, a role's accountabilities) as the
 * lines of a textarea, into b. */
static void lines_text(struct ac_buf *b, const struct ac_val *data,
                       const char *key)
{
    const struct ac_val *opts = data ? ac_val_get(data, key) : NULL;
    for (size_t i = 0; opts && opts->kind == AC_VAL_ARR && i < opts->count;
         i++) {
        if (opts->items[i]->kind == AC_VAL_STR) {
            ac_buf_add_str(b, opts->items[i]->s);
            ac_buf_putc(b, '\n');
        }
    }
}

/* An import's data as PrefLib text, for its amendment form. */
static void preflib_text(struct ac_buf *b, const struct ac_val *data)
{
    const struct ac_val *opts = data ? ac_val_get(data, "options") : NULL;
    const struct ac_val *list = data ? ac_val_get(data, "ballots") : NULL;
    if (!opts || !list || list->kind != AC_VAL_ARR) {
        return;
    }
    ac_buf_printf(b, "# NUMBER ALTERNATIVES: %zu\n", opts->count);
    for (size_t i = 0; i < opts->count; i++) {
        ac_buf_printf(b, "# ALTERNATIVE NAME %zu: %.*s\n", i + 1,
                      (int)opts->items[i]->s.len, opts->items[i]->s.ptr);
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct ac_val *r = ac_val_get(list->items[i], "ranking");
        int64_t n = 0;
        ac_val_get_int(list->items[i], "count", &n);
        ac_buf_printf(b, "%lld: ", (long long)n);
        for (size_t t = 0; r && t < r->count; t++) {
            const struct ac_val *tier = r->items[t];
            bool group = tier->kind == AC_VAL_ARR && tier->count > 1;
            ac_buf_add_c(b, t ? "," : "");
            ac_buf_add_c(b, group ? "{" : "");
            for (size_t k = 0; tier->kind == AC_VAL_ARR && k < tier->count;
                 k++) {
                ac_buf_printf(b, "%s%lld", k ? "," : "",
                              (long long)tier->items[k]->i);
            }
            if (tier->kind == AC_VAL_INT) {
                ac_buf_printf(b, "%lld", (long long)tier->i);
            }
            ac_buf_add_c(b, group ? "}" : "");
        }
        ac_buf_putc(b, '\n');
    }
}

/* A role's fields; optional ones may be left empty to keep them. */
static void role_fields(struct ac_page *pg, const struct ac_val *data,
                        bool amend)
{
    struct ac_buf b;
    const struct ac_val *days = data ? ac_val_get(data, "term_days") : NULL;
    char num[24] = "";
    if (days && days->kind == AC_VAL_INT) {
        snprintf(num, sizeof num, "%" PRId64, days->i);
    }
    ac_page_input(pg, "text", "name", "Name", data_str(data, "name"), !amend,
                  amend ? "leave empty to keep it" : NULL);
    ac_page_textarea(pg, "purpose", "Purpose", data_str(data, "purpose"),
                     !amend, amend ? "leave empty to keep it" : NULL);
    ac_buf_init(&b, 0);
    lines_text(&b, data, "accountabilities");
    ac_page_textarea(
        pg, "accountabilities", "Accountabilities", ac_buf_str(&b), false,
        amend ? "one per line; leave empty to keep them" : "one per line");
    ac_buf_release(&b);
    ac_page_textarea(pg, "domain", "Domain", data_str(data, "domain"), false,
                     "what the role decides alone, as text; never power "
                     "over people");
    ac_page_input(pg, "number", "term_days", "Term (days)", ac_str_c(num),
                  !amend, amend ? "leave empty to keep it" : NULL);
}

static void select_member(struct ac_page *pg, const struct ac_state *s,
                          const char *name, struct ac_str cur)
{
    select_begin(pg, name, "Member", NULL);
    for (size_t i = 0; i < s->member_count; i++) {
        const struct ac_member *m = &s->members[i];
        char label[AC_NAME_MAX * 4 + 16];
        /* an invited member may be removed too: that cancels the invite */
        if (m->status == AC_MEMBER_ACTIVE || m->status == AC_MEMBER_INVITED) {
            snprintf(label, sizeof label, "%.*s%s", (int)m->name.len,
                     m->name.ptr,
                     m->status == AC_MEMBER_INVITED ? " (invited)" : "");
            select_option(pg, m->id, ac_str_c(label), cur);
        }
    }
    select_end(pg);
}

struct checked {
    const struct ac_page *pg;
    struct ac_str id; /* the box */
    bool on;
};

static void is_checked(void *ctx, const char *value)
{
    struct checked *c = ctx;
    c->on = c->on || ac_str_eq_c(c->id, value);
}

/* Checkboxes of active members named name; checked when posted so, or
 * listed in the data's array of that name. */
static void member_boxes(struct ac_page *pg, const struct ac_state *s,
                         const char *name, const char *legend,
                         const struct ac_val *data)
{
    const struct ac_val *arr = data ? ac_val_get(data, name) : NULL;
    ac_page_printf(pg, "<fieldset class=\"field\"><legend>%s</legend>", legend);
    ac_page_field_error(pg, name);
    for (size_t i = 0; i < s->member_count; i++) {
        const struct ac_member *m = &s->members[i];
        struct checked c = {pg, m->id, false};
        if (m->status != AC_MEMBER_ACTIVE) {
            continue;
        }
        if (pg->from && pg->err_msg) {
            ac_web_fields(pg->from, name, is_checked, &c);
        } else {
            for (size_t k = 0; arr && k < arr->count; k++) {
                c.on = c.on || (arr->items[k]->kind == AC_VAL_STR &&
                                ac_str_eq(arr->items[k]->s, m->id));
            }
        }
        ac_page_printf(pg,
                       "<label class=\"choice\"><input type=\"checkbox\" "
                       "name=\"%s\" value=\"%.*s\"",
                       name, (int)m->id.len, m->id.ptr);
        ac_page_raw(pg, c.on ? " checked>" : ">");
        ac_page_printf(pg, " %.*s (%.*s)</label>", (int)m->name.len,
                       m->name.ptr, (int)m->id.len, m->id.ptr);
    }
    ac_page_raw(pg, "</fieldset>");
}

static void param_select(struct ac_page *pg, const struct ac_val *data)
{
    const struct ac_val *set = data ? ac_val_get(data, "set") : NULL;
    struct ac_str cur = {"", 0};
    if (set && set->kind == AC_VAL_OBJ && set->count > 0) {
        const char *at;
        cur = set->pairs[0].key;
        /* a circle's rule: the parameter is the part before the '@' */
        at = memchr(cur.ptr, '@', cur.len);
        cur.len = at ? (size_t)(at - cur.ptr) : cur.len;
    }
    cur = ac_page_value(pg, "param", cur);
    select_begin(pg, "param", "Charter parameter",
                 "its type and bounds are shown; the value must fit them");
    for (int i = 0; i < AC_PARAM_COUNT; i++) {
        const struct ac_param_def *d = ac_charter_def((enum ac_param)i);
        char label[256];
        if (d->type == AC_PARAM_INT) {
            snprintf(label, sizeof label,
                     "%s: integer %" PRId64 " to %" PRId64 " (%s)", d->name,
                     d->min, d->max, d->help);
        } else if (d->type == AC_PARAM_FALLBACK) {
            snprintf(label, sizeof label,
                     "%s: \"none\" or a percentage %" PRId64 " to %" PRId64
                     " (%s)",
                     d->name, d->min, d->max, d->help);
        } else if (d->type == AC_PARAM_METHOD) {
            snprintf(label, sizeof label, "%s: %s (%s)", d->name,
                     d->max == AC_M_SCORE
                         ? "schulze, schulze_margins, approval or score"
                     : d->max == AC_M_CONSENSUS
                         ? "consent or consensus"
                         : "consent, consensus, majority or supermajority:NN",
                     d->help);
        } else {
            snprintf(label, sizeof label,
                     "%s: text of up to %" PRId64 " characters (%s)%s", d->name,
                     d->max, d->help, d->entrenched ? ", entrenched" : "");
        }
        select_option(pg, ac_str_c(d->name), ac_str_c(label), cur);
    }
    select_end(pg);
}

/* For decision.* parameters: the circle the method is for, or every
 * circle (the parameter itself). */
static void rule_circle_select(struct ac_page *pg, const struct ac_state *s,
                               const struct ac_val *data)
{
    const struct ac_val *set = data ? ac_val_get(data, "set") : NULL;
    struct ac_str cur = {"", 0};
    if (set && set->kind == AC_VAL_OBJ && set->count > 0) {
        const char *at =
            memchr(set->pairs[0].key.ptr, '@', set->pairs[0].key.len);
        if (at) {
            cur = (struct ac_str){at + 1,
                                  set->pairs[0].key.len -
                                      (size_t)(at + 1 - set->pairs[0].key.ptr)};
        }
    }
    cur = ac_page_value(pg, "rule_circle", cur);
    select_begin(pg, "rule_circle", "For circle",
                 "decision.* only: a circle's own method (\"default\" as "
                 "the value drops it)");
    select_option(pg, AC_STR(""), AC_STR("every circle"), cur);
    for (size_t i = 0; i < s->circle_count; i++) {
        select_option(pg, s->circles[i].id, s->circles[i].name, cur);
    }
    select_end(pg);
}

static struct ac_str param_value(const struct ac_val *data)
{
    const struct ac_val *set = data ? ac_val_get(data, "set") : NULL;
    static const char none[] = "";
    if (set && set->kind == AC_VAL_OBJ && set->count > 0) {
        const struct ac_val *v = set->pairs[0].val;
        if (v->kind == AC_VAL_STR) {
            return v->s;
        }
    }
    return (struct ac_str){none, 0};
}

/* An amount at key, in major units of the organisation's currency. */
static void money_input(struct ac_page *pg, const struct ac_state *s,
                        const struct ac_val *data, const char *key,
                        const char *label_text)
{
    struct ac_currency cur = ac_state_currency(s);
    const struct ac_val *v = data ? ac_val_get(data, key) : NULL;
    char label[48], shown[32] = "";
    snprintf(label, sizeof label, "%s (%s)", label_text, cur.code);
    if (v && v->kind == AC_VAL_INT) {
        ac_money_format(shown, v->i, cur.minor);
    } else if (v && v->kind == AC_VAL_STR) {
        snprintf(shown, sizeof shown, "%.*s",
                 (int)(v->s.len > 31 ? 31 : v->s.len), v->s.ptr);
    }
    ac_page_input(pg, "text", key, label, ac_str_c(shown), true,
                  cur.minor == 0   ? "a whole number, e.g. 1200"
                  : cur.minor == 3 ? "e.g. 120.500"
                                   : "e.g. 120.50");
}

static void amount_input(struct ac_page *pg, const struct ac_state *s,
                         const struct ac_val *data)
{
    money_input(pg, s, data, "amount", "Amount");
}

void ac_web_kind_fields(struct ac_page *pg, const struct ac_state *s,
                        enum ac_kind kind, const struct ac_val *data)
{
    switch (kind) {
    case AC_KIND_AGREEMENT_ADOPT:
        ac_page_textarea(pg, "text", "Agreement text", data_str(data, "text"),
                         true, "Markdown: *emphasis*, lists, links");
        ac_page_input(pg, "date", "review_by", "Review by",
                      data_str(data, "review_by"), false,
                      "optional date YYYY-MM-DD to look at it again");
        break;
    case AC_KIND_AGREEMENT_AMEND:
        select_agreement(pg, s, data);
        ac_page_textarea(pg, "text", "New text", data_str(data, "text"), true,
                         "the whole new text, in Markdown");
        break;
    case AC_KIND_AGREEMENT_RETIRE:
        select_agreement(pg, s, data);
        break;
    case AC_KIND_CHARTER_AMEND: {
        struct ac_str v = param_value(data);
        char num[24];
        const struct ac_val *set = data ? ac_val_get(data, "set") : NULL;
        if (set && set->kind == AC_VAL_OBJ && set->count > 0 &&
            set->pairs[0].val->kind == AC_VAL_INT) {
            snprintf(num, sizeof num, "%" PRId64, set->pairs[0].val->i);
            v = ac_str_c(num);
        }
        param_select(pg, data);
        /* a textarea: articles have paragraphs, criteria are lines */
        ac_page_textarea(pg, "value", "New value", v, true,
                         "a whole number, \"none\", a method or text, as "
                         "the parameter says");
        rule_circle_select(pg, s, data);
        break;
    }
    case AC_KIND_MEMBER_ADMIT:
        ac_page_input(pg, "text", "id", "Member id", data_str(data, "id"), true,
                      "lowercase letters, digits, - and _");
        ac_page_input(pg, "text", "name", "Name", data_str(data, "name"), true,
                      NULL);
        break;
    case AC_KIND_MEMBER_REMOVE:
        select_member(pg, s, "member",
                      ac_page_value(pg, "member", data_str(data, "member")));
        ac_page_textarea(pg, "reason", "Reason", data_str(data, "reason"), true,
                         NULL);
        break;
    case AC_KIND_CIRCLE_CREATE:
        ac_page_input(pg, "text", "id", "Circle id", data_str(data, "id"), true,
                      "lowercase letters, digits, - and _");
        ac_page_input(pg, "text", "name", "Name", data_str(data, "name"), true,
                      NULL);
        ac_page_textarea(pg, "purpose", "Purpose", data_str(data, "purpose"),
                         true, NULL);
        member_boxes(pg, s, "members", "Members", data);
        break;
    case AC_KIND_CIRCLE_AMEND: {
        struct ac_str cur =
            ac_page_value(pg, "circle_id", data_str(data, "circle"));
        select_begin(pg, "circle_id", "Circle to change", NULL);
        for (size_t i = 1; i < s->circle_count; i++) {
            select_option(pg, s->circles[i].id, s->circles[i].name, cur);
        }
        select_end(pg);
        ac_page_textarea(pg, "purpose", "New purpose",
                         data_str(data, "purpose"), false,
                         "leave empty to keep the purpose");
        member_boxes(pg, s, "add", "Add members", data);
        member_boxes(pg, s, "remove", "Remove members", data);
        break;
    }
    case AC_KIND_ROLE_CREATE:
        ac_page_input(pg, "text", "id", "Role id", data_str(data, "id"), true,
                      "lowercase letters, digits, - and _");
        role_fields(pg, data, false);
        break;
    case AC_KIND_ROLE_AMEND:
        select_role(pg, s, data);
        role_fields(pg, data, true);
        break;
    case AC_KIND_ROLE_RETIRE:
    case AC_KIND_ROLE_DRAW:
        select_role(pg, s, data);
        break;
    case AC_KIND_ROLE_ELECT:
        /* an amendment's candidate: see the proposal page */
        select_role(pg, s, data);
        break;
    case AC_KIND_CHOICE_IMPORT: {
        struct ac_buf b;
        ac_buf_init(&b, 0);
        preflib_text(&b, data);
        ac_page_textarea(pg, "preflib", "Ballots (PrefLib)", ac_buf_str(&b),
                         true,
                         "a PrefLib .soi/.toi/.soc/.toc file: \"# ALTERNATIVE "
                         "NAME 1: oak\" lines name the options, \"12: "
                         "2,1,{3,4}\" lines give the ballots");
        ac_buf_release(&b);
        ac_page_input(pg, "text", "source", "Where they come from",
                      data_str(data, "source"), true,
                      "who collected the ballots, when and how");
        break;
    }
    case AC_KIND_INCOME:
        amount_input(pg, s, data);
        ac_page_input(pg, "text", "source", "From", data_str(data, "source"),
                      true, "who or what the money comes from");
        break;
    case AC_KIND_BUDGET_ALLOCATE: {
        struct ac_str cur =
            ac_page_value(pg, "circle_id", data_str(data, "circle"));
        select_begin(pg, "circle_id", "To the budget of",
                     "the money goes from the pool to this circle");
        for (size_t i = 1; i < s->circle_count; i++) {
            select_option(pg, s->circles[i].id, s->circles[i].name, cur);
        }
        select_end(pg);
        amount_input(pg, s, data);
        break;
    }
    case AC_KIND_AGREEMENT_REVIEW: {
        struct ac_str cur =
            ac_page_value(pg, "outcome", data_str(data, "outcome"));
        select_agreement(pg, s, data);
        select_begin(pg, "outcome", "Outcome",
                     "keep it as it is, amend its text, or retire it");
        select_option(pg, AC_STR("keep"), AC_STR("keep"), cur);
        select_option(pg, AC_STR("amend"), AC_STR("amend"), cur);
        select_option(pg, AC_STR("retire"), AC_STR("retire"), cur);
        select_end(pg);
        ac_page_textarea(pg, "text", "New text", data_str(data, "text"), false,
                         "for amend only: the whole new text, in Markdown");
        ac_page_input(pg, "date", "review_by", "Next review",
                      data_str(data, "review_by"), false,
                      "optional date YYYY-MM-DD to look at it again");
        break;
    }
    case AC_KIND_BUDGET_ROUND: {
        char days[24] = "14";
        const struct ac_val *v = data ? ac_val_get(data, "days") : NULL;
        if (v && v->kind == AC_VAL_INT) {
            snprintf(days, sizeof days, "%" PRId64, v->i);
        }
        money_input(pg, s, data, "pot", "Pot");
        ac_page_input(pg, "number", "days", "Days open", ac_str_c(days), true,
                      "members fund buckets until then; what is not funded "
                      "goes back to the circle's budget");
        break;
    }
    case AC_KIND_SPEND:
        amount_input(pg, s, data);
        ac_page_input(pg, "text", "payee", "Paid to", data_str(data, "payee"),
                      true, NULL);
        ac_page_textarea(pg, "purpose", "What for", data_str(data, "purpose"),
                         true,
                         "paid from the budget of the circle the proposal "
                         "is in");
        break;
    case AC_KIND_CHOICE: {
        struct ac_buf b;
        ac_buf_init(&b, 0);
        lines_text(&b, data, "options");
        ac_page_textarea(pg, "options", "Options", ac_buf_str(&b), true,
                         "one option per line, at most 1000");
        ac_buf_release(&b);
        break;
    }
    case AC_KIND_COUNT:
        break;
    }
}

/* ---- form to data ---- */

struct arr_ctx {
    struct ac_arena *a;
    struct ac_val *arr;
    bool ok;
};

static void push_value(void *ctx, const char *value)
{
    struct arr_ctx *c = ctx;
    c->ok =
        c->ok && ac_val_push(c->a, c->arr, ac_val_str(c->a, ac_str_c(value)));
}

/* The value of field name with its line breaks as "\n": browsers send a
 * textarea's lines ended by CR LF, the API and the log keep LF. NULL
 * when the field is missing or out of memory. */
static const char *form_text(struct ac_request *r, const char *name)
{
    const char *v = ac_web_field(r, name);
    size_t len, n = 0;
    char *out;
    if (!v || !strchr(v, '\r')) {
        return v;
    }
    len = strlen(v);
    out = ac_arena_alloc(&r->arena, len + 1);
    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        if (v[i] == '\r') {
            out[n++] = '\n';
            i += v[i + 1] == '\n';
        } else {
            out[n++] = v[i];
        }
    }
    out[n] = '\0';
    return out;
}

static bool put_field(struct ac_request *r, struct ac_val *obj, const char *key,
                      const char *field, bool optional)
{
    const char *v = form_text(r, field);
    if (!v || (optional && !*v)) {
        return true;
    }
    return ac_val_set(&r->arena, obj, key, ac_val_str(&r->arena, ac_str_c(v)));
}

/* A whole number field; text that is not one goes on as text, so the
 * core names the field in its answer. */
static bool put_number(struct ac_request *r, struct ac_val *obj,
                       const char *key, bool optional)
{
    const char *v = form_text(r, key);
    int64_t n;
    if (!v || (optional && !*v)) {
        return true;
    }
    return ac_val_set(
        &r->arena, obj, key,
        ac_parse_i64(ac_str_c(v), INT64_MIN, INT64_MAX, &n, NULL) == AC_OK
            ? ac_val_int(&r->arena, n)
            : ac_val_str(&r->arena, ac_str_c(v)));
}

/* An amount typed in major units as minor units; false (and the answer
 * is a problem naming field) when it is not one. */
static bool form_money(struct ac_request *r, const char *field,
                       const char *pointer, int64_t *out)
{
    const char *v = form_text(r, field);
    struct ac_currency cur;
    char msg[160];
    pthread_rwlock_rdlock(&r->svc->lock);
    cur = ac_state_currency(&r->svc->state);
    pthread_rwlock_unlock(&r->svc->lock);
    if (v && ac_money_parse(ac_str_c(v), cur.minor, out)) {
        return true;
    }
    snprintf(msg, sizeof msg,
             "%s must be an amount in %s such as %s, with at most %d "
             "decimals",
             field, cur.code, cur.minor ? "12.50" : "1250", cur.minor);
    ac_api_problem(&r->reply, 400, msg, pointer);
    return false;
}

/* The money field key, written in major units, as minor units; false
 * when it is not an amount (the answer says so) or out of memory. */
static bool put_money(struct ac_request *r, struct ac_val *obj, const char *key)
{
    char where[32];
    int64_t n;
    if (!form_text(r, key)) {
        return true;
    }
    snprintf(where, sizeof where, "/data/%s", key);
    return form_money(r, key, where, &n) &&
           ac_val_set(&r->arena, obj, key, ac_val_int(&r->arena, n));
}

static bool put_amount(struct ac_request *r, struct ac_val *obj)
{
    return put_money(r, obj, "amount");
}

static bool put_array(struct ac_request *r, struct ac_val *obj, const char *key,
                      bool optional)
{
    struct arr_ctx c = {&r->arena, ac_val_arr(&r->arena), true};
    if (!c.arr) {
        return false;
    }
    ac_web_fields(r, key, push_value, &c);
    if (optional && c.arr->count == 0) {
        return c.ok;
    }
    return c.ok && ac_val_set(&r->arena, obj, key, c.arr);
}

/* The non-blank lines of a textarea, trimmed, as an array; missing
 * when the field is, so the core names it. */
static bool put_lines(struct ac_request *r, struct ac_val *obj, const char *key,
                      const char *field)
{
    const char *v = form_text(r, field);
    struct ac_val *arr;
    if (!v) {
        return true;
    }
    arr = ac_val_arr(&r->arena);
    while (arr && *v) {
        const char *end = strchr(v, '\n');
        struct ac_str line = {v, end ? (size_t)(end - v) : strlen(v)};
        while (line.len && (line.ptr[0] == ' ' || line.ptr[0] == '\t')) {
            line.ptr++;
            line.len--;
        }
        while (line.len && (line.ptr[line.len - 1] == ' ' ||
                            line.ptr[line.len - 1] == '\t')) {
            line.len--;
        }
        if (line.len &&
            !ac_val_push(&r->arena, arr, ac_val_str(&r->arena, line))) {
            return false;
        }
        v = end ? end + 1 : v + strlen(v);
    }
    return arr && ac_val_set(&r->arena, obj, key, arr);
}

/* The PrefLib text of the form as an import's options and ballots; a file
 * that does not parse is answered 400 naming its line (false, with the
 * reply set). */
static bool put_import(struct ac_request *r, struct ac_val *d)
{
    struct ac_arena *a = &r->arena;
    const char *text = form_text(r, "preflib");
    struct ac_preflib pl;
    struct ac_err e = {0};
    struct ac_val *opts = ac_val_arr(a), *list = ac_val_arr(a);
    if (!opts || !list) {
        return false;
    }
    if (ac_preflib_parse(ac_str_c(text ? text : ""), a, &pl, &e) != AC_OK) {
        char msg[sizeof e.msg + 32];
        snprintf(msg, sizeof msg, "the ballots: %s", e.msg);
        ac_api_problem(&r->reply, 400, msg, "/data/preflib");
        return false;
    }
    for (size_t c = 0; c < pl.n; c++) {
        char name[32];
        struct ac_str label = pl.names[c];
        if (!label.len) {
            snprintf(name, sizeof name, "option %zu", c + 1);
            label = ac_str_c(name);
        }
        if (!ac_val_push(a, opts, ac_val_str(a, label))) {
            return false;
        }
    }
    for (size_t i = 0; i < pl.count; i++) {
        struct ac_val *b = ac_val_obj(a);
        if (!b ||
            !ac_val_set(a, b, "count", ac_val_int(a, pl.ballots[i].weight)) ||
            !ac_ballot_put(AC_M_SCHULZE, pl.ballots[i].rank, pl.n, a, b) ||
            !ac_val_push(a, list, b)) {
            return false;
        }
    }
    return ac_val_set(a, d, "options", opts) &&
           ac_val_set(a, d, "ballots", list);
}

/* The value of a charter parameter as its type wants it: text that is
 * not a number stays text, so the core names the field in its answer. */
static struct ac_val *charter_value(struct ac_request *r, const char *param,
                                    const char *text)
{
    enum ac_param p;
    int64_t n;
    struct ac_str t = ac_str_c(text);
    if (!ac_charter_find(ac_str_c(param), &p) ||
        ac_charter_def(p)->type == AC_PARAM_TEXT) {
        return ac_val_str(&r->arena, t);
    }
    /* a number or a method: the spaces and line ends around it go */
    while (t.len && strchr(" \t\n", t.ptr[0])) {
        t.ptr++;
        t.len--;
    }
    while (t.len && strchr(" \t\n", t.ptr[t.len - 1])) {
        t.len--;
    }
    if (ac_parse_i64(t, INT64_MIN, INT64_MAX, &n, NULL) == AC_OK) {
        return ac_val_int(&r->arena, n);
    }
    return ac_val_str(&r->arena, t);
}

/* The API's data object for kind from the form; NULL when out of
 * memory. */
static struct ac_val *form_data(struct ac_request *r, enum ac_kind kind)
{
    struct ac_arena *a = &r->arena;
    struct ac_val *d = ac_val_obj(a);
    bool ok = d != NULL;

    switch (kind) {
    case AC_KIND_AGREEMENT_ADOPT:
        ok = ok && put_field(r, d, "text", "text", false) &&
             put_field(r, d, "review_by", "review_by", true);
        break;
    case AC_KIND_AGREEMENT_AMEND:
        ok = ok && put_field(r, d, "agreement", "agreement", false) &&
             put_field(r, d, "text", "text", false);
        break;
    case AC_KIND_AGREEMENT_RETIRE:
        ok = ok && put_field(r, d, "agreement", "agreement", false);
        break;
    case AC_KIND_CHARTER_AMEND: {
        const char *param = ac_web_field(r, "param");
        const char *value = form_text(r, "value");
        struct ac_val *set = ac_val_obj(a);
        ok = ok && set && ac_val_set(a, d, "set", set);
        const char *circle = ac_web_field(r, "rule_circle");
        if (ok && param && value && circle && *circle) {
            char key[128];
            snprintf(key, sizeof key, "%s@%s", param, circle);
            ok = ac_val_set(a, set, key, charter_value(r, param, value));
        } else if (ok && param && value) {
            ok = ac_val_set(a, set, param, charter_value(r, param, value));
        }
        break;
    }
    case AC_KIND_MEMBER_ADMIT:
        ok = ok && put_field(r, d, "id", "id", false) &&
             put_field(r, d, "name", "name", false);
        break;
    case AC_KIND_MEMBER_REMOVE:
        ok = ok && put_field(r, d, "member", "member", false) &&
             put_field(r, d, "reason", "reason", false);
        break;
    case AC_KIND_CIRCLE_CREATE:
        ok = ok && put_field(r, d, "id", "id", false) &&
             put_field(r, d, "name", "name", false) &&
             put_field(r, d, "purpose", "purpose", false) &&
             put_array(r, d, "members", false);
        break;
    case AC_KIND_CIRCLE_AMEND:
        ok = ok && put_field(r, d, "circle", "circle_id", false) &&
             put_field(r, d, "purpose", "purpose", true) &&
             put_array(r, d, "add", true) && put_array(r, d, "remove", true);
        break;
    case AC_KIND_CHOICE:
        ok = ok && put_lines(r, d, "options", "options");
        break;
    case AC_KIND_CHOICE_IMPORT:
        ok = ok && put_import(r, d) &&
             put_field(r, d, "source", "source", false);
        break;
    case AC_KIND_ROLE_CREATE:
    case AC_KIND_ROLE_AMEND: {
        bool amend = kind == AC_KIND_ROLE_AMEND;
        const char *acc = form_text(r, "accountabilities");
        ok = ok &&
             (amend ? put_field(r, d, "role", "role", false)
                    : put_field(r, d, "id", "id", false)) &&
             put_field(r, d, "name", "name", amend) &&
             put_field(r, d, "purpose", "purpose", amend) &&
             put_field(r, d, "domain", "domain", true) &&
             put_number(r, d, "term_days", amend);
        if (ok && (!amend || (acc && *acc))) {
            ok = put_lines(r, d, "accountabilities", "accountabilities");
        }
        break;
    }
    case AC_KIND_ROLE_RETIRE:
    case AC_KIND_ROLE_DRAW:
        ok = ok && put_field(r, d, "role", "role", false);
        break;
    case AC_KIND_ROLE_ELECT:
        ok = ok && put_field(r, d, "role", "role", false) &&
             put_field(r, d, "candidate", "candidate", true);
        break;
    case AC_KIND_INCOME:
        ok = ok && put_amount(r, d) &&
             put_field(r, d, "source", "source", false);
        break;
    case AC_KIND_BUDGET_ALLOCATE:
        ok = ok && put_field(r, d, "circle", "circle_id", false) &&
             put_amount(r, d);
        break;
    case AC_KIND_BUDGET_ROUND:
        ok = ok && put_money(r, d, "pot") && put_number(r, d, "days", false);
        break;
    case AC_KIND_AGREEMENT_REVIEW:
        ok = ok && put_field(r, d, "agreement", "agreement", false) &&
             put_field(r, d, "outcome", "outcome", false) &&
             put_field(r, d, "text", "text", true) &&
             put_field(r, d, "review_by", "review_by", true);
        break;
    case AC_KIND_SPEND:
        /* the circle that pays is the one that decides: the proposal's */
        ok = ok &&
             ac_val_set(a, d, "circle", ac_val_str(a, r->job.cmd.circle)) &&
             put_amount(r, d) && put_field(r, d, "payee", "payee", false) &&
             put_field(r, d, "purpose", "purpose", false);
        break;
    case AC_KIND_COUNT:
        break;
    }
    return ok ? d : NULL;
}

/* ---- after the commit ---- */

/* The form field a problem's JSON pointer names. */
static const char *field_of(struct ac_request *r, struct ac_str where)
{
    const char *p = where.ptr;
    size_t n = where.len;
    char name[64];
    if (n >= 6 && strncmp(p, "/data/", 6) == 0) {
        p += 6;
        n -= 6;
    } else if (n >= 1 && p[0] == '/') {
        p++;
        n--;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '/') {
            n = i;
        }
    }
    snprintf(name, sizeof name, "%.*s", (int)n, p);
    if (strcmp(name, "set") == 0) {
        return "value";
    }
    if (strcmp(name, "circle") == 0 && where.len > 6 &&
        strncmp(where.ptr, "/data/", 6) == 0) {
        return "circle_id";
    }
    return ac_arena_str(&r->arena, ac_str_c(name)).ptr;
}

/* Where a command with a page of its own (not a proposal's) shows its
 * result: into to; false for the commands on proposals. */
static bool own_page(const struct ac_request *r, char *to, size_t size)
{
    const struct ac_cmd *c = &r->job.cmd;
    switch (c->type) {
    case AC_CMD_DELEGATE:
    case AC_CMD_REVOKE:
    case AC_CMD_REFUSE:
        snprintf(to, size, "/delegations");
        return true;
    case AC_CMD_COMMIT:
    case AC_CMD_UPDATE:
        snprintf(to, size, "/commitments");
        return true;
    case AC_CMD_BUCKET:
    case AC_CMD_PLEDGE:
        snprintf(to, size, "/rounds/%.*s%s%.*s", (int)c->round.len,
                 c->round.ptr ? c->round.ptr : "",
                 c->type == AC_CMD_PLEDGE ? "#" : "", (int)c->bucket.len,
                 c->bucket.ptr ? c->bucket.ptr : "");
        return true;
    default:
        return false;
    }
}

static void after_write(struct ac_request *r)
{
    struct ac_reply *rp = &r->reply;
    struct ac_page pg;
    char to[128];

    if (own_page(r, to, sizeof to) && rp->status != 401) {
        /* the page shows the change; a refusal's reason on its own page */
        if (rp->status >= 200 && rp->status < 300) {
            ac_web_redirect(r, to);
        } else {
            struct ac_val *v = NULL;
            struct ac_str detail = AC_STR("the change was refused");
            if (rp->body && ac_json_parse((struct ac_str){rp->body, rp->len},
                                          &r->arena, &v, NULL) == AC_OK) {
                ac_val_get_str(v, "detail", &detail);
            }
            ac_web_message(r, rp->status, "Not done",
                           ac_arena_cstr(&r->arena, detail));
        }
        return;
    }
    if (rp->status >= 200 && rp->status < 300) {
        if (r->job.cmd.type == AC_CMD_PROPOSE) {
            snprintf(to, sizeof to, "/proposals/p%zu", r->job.created);
        } else {
            snprintf(to, sizeof to, "/proposals/%.*s", (int)r->param.len,
                     r->param.ptr);
        }
        ac_web_redirect(r, to);
        return;
    }
    if (rp->status == 401) {
        ac_web_redirect(r, "/login");
        return;
    }
    ac_web_page_init(r, &pg);
    {
        struct ac_val *v = NULL;
        struct ac_str detail = AC_STR("the change was refused");
        struct ac_str where = {"", 0};
        if (rp->body && ac_json_parse((struct ac_str){rp->body, rp->len},
                                      &r->arena, &v, NULL) == AC_OK) {
            ac_val_get_str(v, "detail", &detail);
            ac_val_get_str(v, "field", &where);
        }
        pg.err_msg = ac_arena_str(&r->arena, detail).ptr;
        pg.err_field = where.len ? field_of(r, where) : NULL;
        if (!pg.err_msg) {
            pg.err_msg = "the change was refused";
        }
    }
    if (r->job.cmd.type == AC_CMD_PROPOSE) {
        ac_web_new_render(r, &pg, ac_web_field(r, "kind"), rp->status);
    } else {
        ac_web_proposal_render(r, &pg, rp->status);
    }
}

static void job_start(struct ac_request *r, enum ac_cmd_type type,
                      unsigned ok_status)
{
    ac_route_job_init(r, type, ok_status);
    r->done = after_write;
}

static struct ac_str field_str(struct ac_request *r, const char *name)
{
    const char *v = form_text(r, name);
    return ac_str_c(v ? v : "");
}

void ac_web_post_proposal(struct ac_request *r)
{
    struct ac_cmd *c = &r->job.cmd;
    enum ac_kind kind;

    job_start(r, AC_CMD_PROPOSE, 201);
    c->circle = field_str(r, "circle");
    c->kind = field_str(r, "kind");
    c->title = field_str(r, "title");
    if (!ac_kind_parse(c->kind, &kind)) {
        ac_web_redirect(r, "/proposals/new");
        return;
    }
    c->data = form_data(r, kind);
    if (!c->data && r->reply.status == 400) {
        after_write(r); /* the form again, with what was wrong */
        return;
    }
    if (!c->data) {
        ac_web_message(r, 503, "Not done", "out of memory");
        return;
    }
    ac_route_submit(r);
}

void ac_web_post_position(struct ac_request *r)
{
    job_start(r, AC_CMD_POSITION, 200);
    r->job.cmd.position = field_str(r, "position");
    r->job.cmd.reason = field_str(r, "reason");
    /* the select offers "(not objecting)" to every position */
    if (strcmp(ac_web_field(r, "position") ? ac_web_field(r, "position") : "",
               "object") == 0) {
        r->job.cmd.criterion = field_str(r, "criterion");
    }
    ac_route_submit(r);
}

void ac_web_post_nomination(struct ac_request *r)
{
    job_start(r, AC_CMD_NOMINATE, 200);
    r->job.cmd.nominee = field_str(r, "nominee");
    r->job.cmd.reason = field_str(r, "reason");
    ac_route_submit(r);
}

void ac_web_post_volunteer(struct ac_request *r)
{
    struct ac_str commitment = field_str(r, "commitment");
    struct ac_str phrase = field_str(r, "phrase");
    job_start(r, AC_CMD_VOLUNTEER, 200);
    if (phrase.len && !commitment.len) {
        /* the phrase is hashed here and not kept (the page says so) */
        char *hex = ac_arena_alloc(&r->arena, AC_HEX_LEN + 1);
        if (!hex) {
            ac_web_message(r, 503, "Not done", "out of memory");
            return;
        }
        ac_draw_commit(phrase, hex);
        commitment = ac_str_c(hex);
    } else if (phrase.len && !ac_draw_matches(commitment, phrase)) {
        ac_api_problem(&r->reply, 400,
                       "/commitment is not the SHA-256 of the phrase: give "
                       "one of them",
                       "/commitment");
        after_write(r);
        return;
    }
    r->job.cmd.secret = commitment;
    ac_route_submit(r);
}

void ac_web_post_pass(struct ac_request *r)
{
    job_start(r, AC_CMD_PASS, 200);
    ac_route_submit(r);
}

void ac_web_post_reveal(struct ac_request *r)
{
    job_start(r, AC_CMD_REVEAL, 200);
    r->job.cmd.secret = field_str(r, "secret");
    ac_route_submit(r);
}

static void delegation_form(struct ac_request *r, enum ac_cmd_type type)
{
    job_start(r, type, 200);
    r->job.cmd.circle = field_str(r, "circle");
    r->job.cmd.kind = field_str(r, "kind");
    r->job.cmd.other = field_str(r, type == AC_CMD_DELEGATE ? "to" : "from");
    ac_route_submit(r);
}

void ac_web_post_delegation(struct ac_request *r)
{
    delegation_form(r, AC_CMD_DELEGATE);
}

void ac_web_post_revoke(struct ac_request *r)
{
    delegation_form(r, AC_CMD_REVOKE);
}

void ac_web_post_refuse(struct ac_request *r)
{
    delegation_form(r, AC_CMD_REFUSE);
}

void ac_web_post_commitment(struct ac_request *r)
{
    job_start(r, AC_CMD_COMMIT, 201);
    r->job.cmd.circle = field_str(r, "circle");
    r->job.cmd.title = field_str(r, "what");
    r->job.cmd.due = field_str(r, "due");
    ac_route_submit(r);
}

void ac_web_post_update(struct ac_request *r)
{
    job_start(r, AC_CMD_UPDATE, 200);
    r->job.cmd.commitment = r->param;
    r->job.cmd.status = field_str(r, "status");
    r->job.cmd.reason = field_str(r, "note");
    ac_route_submit(r);
}

void ac_web_post_bucket(struct ac_request *r)
{
    job_start(r, AC_CMD_BUCKET, 201);
    r->job.cmd.round = r->param;
    r->job.cmd.title = field_str(r, "title");
    r->job.cmd.reason = field_str(r, "description");
    if (!form_money(r, "target", "/target", &r->job.cmd.amount)) {
        after_write(r);
        return;
    }
    ac_route_submit(r);
}

void ac_web_post_pledge(struct ac_request *r)
{
    const struct ac_bucket *b;
    job_start(r, AC_CMD_PLEDGE, 200);
    r->job.cmd.bucket = r->param;
    /* the round, for the page to come back to (not read by the command) */
    pthread_rwlock_rdlock(&r->svc->lock);
    b = ac_state_bucket(&r->svc->state, r->param);
    if (b) {
        r->job.cmd.round =
            ac_arena_str(&r->arena, r->svc->state.rounds[b->round].id);
    }
    pthread_rwlock_unlock(&r->svc->lock);
    if (!form_money(r, "amount", "/amount", &r->job.cmd.amount)) {
        after_write(r);
        return;
    }
    ac_route_submit(r);
}

void ac_web_post_integration(struct ac_request *r)
{
    job_start(r, AC_CMD_INTEGRATE, 200);
    r->job.cmd.objector = field_str(r, "objector");
    r->job.cmd.suggestion = field_str(r, "suggestion");
    ac_route_submit(r);
}

/* Ranks typed in a ballot form as the API's ranking: options with the
 * same number share a tier, tiers ascending, empty fields unranked. A
 * field that is not a number from 1 is refused with its option named. */
static bool form_ranking(struct ac_request *r, size_t n, struct ac_val *list)
{
    struct ac_arena *a = &r->arena;
    int64_t *rank = ac_arena_alloc(a, n * sizeof *rank);
    if (!rank) {
        return false;
    }
    for (size_t c = 0; c < n; c++) {
        char name[32];
        const char *v;
        snprintf(name, sizeof name, "opt-%zu", c + 1);
        v = ac_web_field(r, name);
        rank[c] = 0;
        if (v && *v &&
            ac_parse_i64(ac_str_c(v), 1, (int64_t)n, &rank[c], NULL) != AC_OK) {
            char msg[96];
            snprintf(msg, sizeof msg,
                     "option %zu: write a number from 1 to %zu, or leave it "
                     "empty",
                     c + 1, n);
            ac_api_problem(&r->reply, 400, msg, "/ranking");
            return false;
        }
    }
    for (int64_t t = 1; t <= (int64_t)n; t++) {
        struct ac_val *tier = NULL;
        for (size_t c = 0; c < n; c++) {
            if (rank[c] != t) {
                continue;
            }
            if (!tier &&
                (!(tier = ac_val_arr(a)) || !ac_val_push(a, list, tier))) {
                return false;
            }
            if (!ac_val_push(a, tier, ac_val_int(a, (int64_t)c + 1))) {
                return false;
            }
        }
    }
    return true;
}

static void push_int(void *ctx, const char *value)
{
    struct arr_ctx *c = ctx;
    int64_t i;
    struct ac_val *v =
        ac_parse_i64(ac_str_c(value), INT64_MIN, INT64_MAX, &i, NULL) == AC_OK
            ? ac_val_int(c->a, i)
            : ac_val_str(c->a, ac_str_c(value));
    c->ok = c->ok && ac_val_push(c->a, c->arr, v);
}

void ac_web_post_ballot(struct ac_request *r)
{
    struct ac_arena *a = &r->arena;
    const struct ac_proposal *p;
    enum ac_method m = AC_M_CONSENT;
    size_t n = 0;
    struct ac_val *list = ac_val_arr(a), *ballot = ac_val_obj(a);
    bool ok = list && ballot;

    job_start(r, AC_CMD_BALLOT, 200);
    pthread_rwlock_rdlock(&r->svc->lock);
    p = ac_state_proposal(&r->svc->state, r->param);
    if (p) {
        m = p->method.method;
        n = p->option_count;
    }
    pthread_rwlock_unlock(&r->svc->lock);
    if (!p || !ac_method_is_choice(m)) {
        ac_web_message(r, 404, "Not found", "there is no such choice");
        return;
    }
    if (m == AC_M_APPROVAL) {
        struct arr_ctx c = {a, list, ok};
        ac_web_fields(r, "approve", push_int, &c);
        ok = c.ok && ac_val_set(a, ballot, "approve", list);
    } else if (m == AC_M_SCORE) {
        for (size_t c = 0; ok && c < n; c++) {
            char name[32];
            const char *v;
            struct arr_ctx x = {a, list, true};
            snprintf(name, sizeof name, "opt-%zu", c + 1);
            v = ac_web_field(r, name);
            push_int(&x, v && *v ? v : "0");
            ok = x.ok;
        }
        ok = ok && ac_val_set(a, ballot, "scores", list);
    } else {
        ok = ok && form_ranking(r, n, list) &&
             ac_val_set(a, ballot, "ranking", list);
        if (!ok && r->reply.status == 400) {
            after_write(r);
            return;
        }
    }
    if (!ok) {
        ac_web_message(r, 503, "Not done", "out of memory");
        return;
    }
    r->job.cmd.data = ballot;
    ac_route_submit(r);
}

void ac_web_post_amend(struct ac_request *r)
{
    const struct ac_proposal *p;
    enum ac_kind kind = AC_KIND_COUNT;

    job_start(r, AC_CMD_AMEND, 200);
    pthread_rwlock_rdlock(&r->svc->lock);
    p = ac_state_proposal(&r->svc->state, r->param);
    if (p) {
        kind = p->kind;
        /* not read by the amendment: a spend's data names it */
        r->job.cmd.circle = ac_arena_str(&r->arena, p->circle);
    }
    pthread_rwlock_unlock(&r->svc->lock);
    if (kind == AC_KIND_COUNT) {
        ac_web_message(r, 404, "Not found", "there is no such proposal");
        return;
    }
    r->job.cmd.title = field_str(r, "title");
    r->job.cmd.data = form_data(r, kind);
    if (!r->job.cmd.data && r->reply.status == 400) {
        after_write(r);
        return;
    }
    if (!r->job.cmd.data) {
        ac_web_message(r, 503, "Not done", "out of memory");
        return;
    }
    ac_route_submit(r);
}

void ac_web_post_withdraw(struct ac_request *r)
{
    job_start(r, AC_CMD_WITHDRAW, 200);
    ac_route_submit(r);
}

/* ---- the new proposal form ---- */

void ac_web_new_render(struct ac_request *r, struct ac_page *pg,
                       const char *kind_name, unsigned status)
{
    const struct ac_state *s = &r->svc->state;
    enum ac_kind kind;
    bool has_kind = kind_name && ac_kind_parse(ac_str_c(kind_name), &kind);

    pthread_rwlock_rdlock(&r->svc->lock);
    ac_page_begin(pg, "New proposal", "/proposals/new");
    ac_page_raw(pg, "<form method=\"get\" action=\"/proposals/new\" "
                    "class=\"filters\"><div class=\"field\">"
                    "<label for=\"f-kind\">Kind of proposal</label>"
                    "<select id=\"f-kind\" name=\"kind\">");
    for (int i = 0; i < AC_KIND_COUNT; i++) {
        const char *n = ac_kind_name((enum ac_kind)i);
        select_option(pg, ac_str_c(n), ac_str_c(n),
                      ac_str_c(has_kind ? ac_kind_name(kind) : ""));
    }
    ac_page_raw(pg, "</select></div><button type=\"submit\">Choose</button>"
                    "</form>");
    if (has_kind) {
        struct ac_str cur = ac_page_value(pg, "circle", AC_STR("all"));
        ac_page_printf(pg, "<section class=\"card\"><h2>%s</h2>",
                       ac_kind_name(kind));
        ac_page_form_error(pg);
        ac_page_form_begin(pg, "/proposals", "stack");
        ac_page_printf(pg, "<input type=\"hidden\" name=\"kind\" value=\"%s\">",
                       ac_kind_name(kind));
        select_begin(pg, "circle", "Circle that decides", NULL);
        for (size_t i = 0; i < s->circle_count; i++) {
            select_option(pg, s->circles[i].id, s->circles[i].name, cur);
        }
        select_end(pg);
        ac_page_input(pg, "text", "title", "Title", AC_STR(""), true, NULL);
        ac_web_kind_fields(pg, s, kind, NULL);
        ac_page_form_end(pg, "Propose");
        ac_page_raw(pg, "</section>");
    } else {
        ac_page_raw(pg, "<p>Choose the kind of proposal first: each kind has "
                        "its own fields.</p>");
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(pg);
    ac_web_page_send(r, pg, status);
}

void ac_web_proposal_new(struct ac_request *r)
{
    struct ac_page pg;
    const char *kind =
        MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "kind");
    ac_web_page_init(r, &pg);
    pg.from = NULL;
    ac_web_new_render(r, &pg, kind, 200);
}
