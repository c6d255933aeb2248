/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord backup: the whole store (log, credentials, notification
 * settings) copied to a new data folder while the server keeps running,
 * then verified: every hash and link of the copy, and its head against
 * the original's at that moment. */
#include "cli/cli.h"

#include <stdio.h>

#include "base/hash.h"
#include "store/log.h"
#include "store/store.h"

enum ac_status ac_cli_backup(struct ac_cli_args *a, struct ac_err *err)
{
    const char *dir = NULL, *to = ac_cli_get(a, "--to");
    struct ac_store *st = NULL, *copy = NULL;
    int64_t seq = 0, count = 0;
    char head[AC_HEX_LEN + 1] = "";
    enum ac_status rc = ac_cli_location(a, &dir, err);

    if (rc == AC_OK) {
        rc = ac_store_open(dir, false, &st, err);
    }
    if (rc == AC_ENOTFOUND) {
        char where[512];
        ac_store_where(dir, where, sizeof where);
        return ac_err_set(err, AC_ENOTFOUND, "%s holds no organisation", where);
    }
    if (rc != AC_OK) {
        return rc;
    }
    rc = ac_store_backup(st, to, &seq, err);
    ac_store_close(st);
    if (rc == AC_OK) {
        rc = ac_store_open(to, false, &copy, err);
    }
    if (rc == AC_OK) {
        rc = ac_log_verify_store(copy, &count, head, err);
        ac_store_close(copy);
    }
    if (rc == AC_OK && count != seq) {
        rc = ac_err_set(err, AC_ECORRUPT,
                        "the backup holds %lld events, not the %lld of the "
                        "original",
                        (long long)count, (long long)seq);
    }
    if (rc != AC_OK) {
        return rc;
    }
    printf("backed up %lld events to %s, head %s; verified\n", (long long)count,
           to, head);
    return AC_OK;
}
