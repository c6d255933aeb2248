/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /api/v1/proposals pages with after and limit; without them it is
 * the whole list the contract names. */
#include "fixture.h"

TestSuite(paging, .fini = org_cleanup, .timeout = 60);

/* The ids of a list answer, as one comma-separated string. */
static char *ids_of(const json_t *arr)
{
    size_t i, len = 0;
    json_t *p;
    char *out = calloc(1, 4096);
    cr_assert(json_is_array(arr));
    json_array_foreach(arr, i, p)
    {
        len += (size_t)snprintf(out + len, 4096 - len, "%s%s", i ? "," : "",
                                jstr(p, "id"));
    }
    return out;
}

static char *list(const struct org *o, const char *query, long status)
{
    char *path = t_fmt("/api/v1/proposals%s", query);
    struct t_resp r = t_http(&o->srv, "GET", path, o->alice, NULL);
    char *ids = NULL;
    expect_status(r, status);
    if (status == 200) {
        ids = ids_of(r.json);
    } else {
        cr_assert_str_eq(r.content_type, "application/problem+json");
        ids = strdup(jstr(r.json, "detail"));
    }
    t_resp_free(&r);
    free(path);
    return ids;
}

Test(paging, proposals_page_with_after_and_limit)
{
    struct org o;
    char *ids;
    org_up(&o, false);
    for (int i = 0; i < 5; i++) {
        free(propose(&o, o.alice, "all", "agreement.adopt", "Rule",
                     "{\"text\":\"x\"}"));
    }
    {
        /* query, status, ids (200) or a word of the detail (400) */
        static const struct {
            const char *query;
            long status;
            const char *want;
        } cases[] = {
            {"", 200, "p1,p2,p3,p4,p5"},
            {"?limit=2", 200, "p1,p2"},
            {"?after=p2&limit=2", 200, "p3,p4"},
            {"?after=p4&limit=2", 200, "p5"},
            {"?after=p5", 200, ""},
            {"?after=p9", 400, "after"},
            {"?limit=0", 400, "limit"},
            {"?limit=1001", 400, "limit"},
        };
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            ids = list(&o, cases[k].query, cases[k].status);
            if (cases[k].status == 200) {
                cr_assert_str_eq(ids, cases[k].want, "%s", cases[k].query);
            } else {
                cr_assert(strstr(ids, cases[k].want), "%s: %s", cases[k].query,
                          ids);
            }
            free(ids);
        }
    }
    org_down(&o);
}
