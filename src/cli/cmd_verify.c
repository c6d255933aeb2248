/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord verify: recompute every hash and link of a stored log or of an
 * export, and name the first event that does not match. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/hash.h"
#include "store/log.h"
#include "store/store.h"

static enum ac_status verify_dir(const char *dir, int64_t *count,
                                 char head[AC_HEX_LEN + 1], struct ac_err *err)
{
    struct ac_store *st = NULL;
    char where[512];
    enum ac_status rc = ac_store_open(dir, false, &st, err);
    if (rc == AC_ENOTFOUND) {
        ac_store_where(dir, where, sizeof where);
        return ac_err_set(err, AC_ENOTFOUND, "%s holds no organisation", where);
    }
    if (rc == AC_OK) {
        rc = ac_log_verify_store(st, count, head, err);
        ac_store_close(st);
    }
    return rc;
}

static enum ac_status verify_file(const char *path, int64_t *count,
                                  char head[AC_HEX_LEN + 1], struct ac_err *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    enum ac_status rc;
    if (!f) {
        return ac_err_set(err, errno == ENOENT ? AC_ENOTFOUND : AC_EIO,
                          "cannot open %s: %s", path, strerror(errno));
    }
    rc = ac_log_verify_file(f, count, head, err);
    if (!is_stdin) {
        fclose(f);
    }
    return rc;
}

enum ac_status ac_cli_verify(struct ac_cli_args *a, struct ac_err *err)
{
    const char *dir = ac_cli_get(a, "--data");
    int64_t count = 0;
    char head[AC_HEX_LEN + 1] = "";
    enum ac_status rc;

    if (!dir) {
        dir = ac_cli_get(a, "--store");
    }
    if ((dir != NULL) == (a->pos_count == 1)) {
        return AC_CLI_USAGE(a, err,
                            "give either --data DIR, --store URL or "
                            "FILE");
    }
    if (a->pos_count == 0 && (rc = ac_cli_location(a, &dir, err)) != AC_OK) {
        return rc;
    }
    rc = dir ? verify_dir(dir, &count, head, err)
             : verify_file(a->pos[0], &count, head, err);
    if (rc == AC_ECORRUPT || (rc == AC_EINVAL && !dir)) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return ac_err_set(err, AC_ECORRUPT, "verify failed: %s", why);
    }
    if (rc != AC_OK) {
        return rc;
    }
    printf("ok: %lld events, head %s\n", (long long)count, head);
    return AC_OK;
}
