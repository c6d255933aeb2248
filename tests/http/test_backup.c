/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord backup while the server runs (docs/operations.md#backups): the
 * copy verifies, holds the log up to the moment it was made with the
 * same hashes, carries the credentials (a member logs in to a server on
 * the copy), and a folder that already holds a store is refused. */
#include "fixture.h"

Test(backup, an_online_backup_serves_and_verifies, .fini = org_cleanup)
{
    struct org o;
    struct t_server copy_srv = {0};
    char *copy, *out = NULL, *err = NULL, *token;
    const char *args[] = {"backup", "--data", NULL, "--to", NULL, NULL};
    const char *verify[] = {"verify", "--data", NULL, NULL};
    long long at;
    struct t_resp a, b;

    org_up(&o, true);
    free(propose(&o, o.alice, "all", "agreement.adopt", "Before",
                 "{\"text\":\"Made before the backup.\"}"));
    at = head_seq(&o);
    copy = t_fmt("%s/copy", o.root);
    args[2] = o.data;
    args[4] = copy;
    cr_assert_eq(t_run(args, NULL, NULL, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "verified"), "%s", out);
    free(out);
    free(err);
    /* the original goes on */
    free(propose(&o, o.alice, "all", "agreement.adopt", "After",
                 "{\"text\":\"Made after the backup.\"}"));
    cr_assert_gt(head_seq(&o), at);

    verify[2] = copy;
    cr_assert_eq(t_run(verify, NULL, NULL, &out, &err), 0, "%s", err);
    free(out);
    free(err);

    /* a server on the copy: same log up to the backup, same members */
    cr_assert(t_server_start(&copy_srv, copy), "no server on the copy");
    token = t_login(&copy_srv, "bob", PW_BOB);
    cr_assert_not_null(token, "credentials were copied");
    a = t_http(&o.srv, "GET", "/api/v1/events?limit=1000", o.alice, NULL);
    b = t_http(&copy_srv, "GET", "/api/v1/events?limit=1000", token, NULL);
    expect_status(a, 200);
    expect_status(b, 200);
    cr_assert_eq((long long)json_array_size(json_object_get(b.json, "events")),
                 at);
    for (size_t i = 0; i < (size_t)at; i++) {
        cr_assert_str_eq(
            jstr(json_array_get(json_object_get(a.json, "events"), i), "hash"),
            jstr(json_array_get(json_object_get(b.json, "events"), i), "hash"));
    }
    t_resp_free(&a);
    t_resp_free(&b);
    free(token);
    t_server_stop(&copy_srv, SIGTERM);

    /* never over an existing store */
    cr_assert_eq(t_run(args, NULL, NULL, &out, &err), 4, "%s", err);
    cr_assert(strstr(err, "already holds a store"), "%s", err);
    free(out);
    free(err);
    free(copy);
    org_down(&o);
}
