/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A backup while the server runs (docs/operations.md#backups): accord
 * backup for a data folder, pg_dump and pg_restore for a PostgreSQL
 * store. The copy verifies, holds the log up to the moment it was made
 * with the same hashes, carries the credentials (a member logs in to a
 * server on the copy), and accord backup refuses a folder that already
 * holds a store, and a PostgreSQL store (pg_dump's job). */
#include "fixture.h"

/* pg_dump of the organisation's database, restored into copy's own. */
static void pg_copy(const struct org *o, const char *copy)
{
    char *from = t_store(o->data), *to = t_store(copy);
    char *dump = t_fmt("%s/dump", o->root);
    char *cmd = t_fmt("bin=$(pg_config --bindir) && "
                      "\"$bin/pg_dump\" --format=custom --file='%s' '%s' && "
                      "\"$bin/pg_restore\" --no-owner --dbname='%s' '%s'",
                      dump, from, to, dump);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    free(cmd);
    free(dump);
    free(to);
    free(from);
}

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
    if (t_pg()) {
        pg_copy(&o, copy);
    } else {
        cr_assert_eq(t_run(args, NULL, NULL, &out, &err), 0, "%s", err);
        cr_assert(strstr(out, "verified"), "%s", out);
        free(out);
        free(err);
    }
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

    /* never over an existing store; PostgreSQL has its own tools */
    if (t_pg()) {
        cr_assert_neq(t_run(args, NULL, NULL, &out, &err), 0, "%s", err);
        cr_assert(strstr(err, "pg_dump"), "%s", err);
    } else {
        cr_assert_eq(t_run(args, NULL, NULL, &out, &err), 4, "%s", err);
        cr_assert(strstr(err, "already holds a store"), "%s", err);
    }
    free(out);
    free(err);
    free(copy);
    org_down(&o);
}
