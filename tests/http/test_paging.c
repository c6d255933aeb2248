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
    ids = list(&o, "", 200);
    cr_assert_str_eq(ids, "p1,p2,p3,p4,p5");
    free(ids);
    ids = list(&o, "?limit=2", 200);
    cr_assert_str_eq(ids, "p1,p2");
    free(ids);
    ids = list(&o, "?after=p2&limit=2", 200);
    cr_assert_str_eq(ids, "p3,p4");
    free(ids);
    ids = list(&o, "?after=p4&limit=2", 200);
    cr_assert_str_eq(ids, "p5");
    free(ids);
    ids = list(&o, "?after=p5", 200);
    cr_assert_str_eq(ids, "");
    free(ids);
    ids = list(&o, "?after=p9", 400);
    cr_assert(strstr(ids, "after"), "%s", ids);
    free(ids);
    ids = list(&o, "?limit=0", 400);
    cr_assert(strstr(ids, "limit"), "%s", ids);
    free(ids);
    ids = list(&o, "?limit=1001", 400);
    cr_assert(strstr(ids, "limit"), "%s", ids);
    free(ids);
    org_down(&o);
}
