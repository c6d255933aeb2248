/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord export: the log as JSON Lines on standard output, exactly the
 * stored canonical lines, so an export verifies on its own. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store/log.h"
#include "store/store.h"

enum ac_status ac_cli_export(struct ac_cli_args *a, struct ac_err *err)
{
    const char *dir = NULL;
    struct ac_store *st = NULL;
    char where[512];
    enum ac_status rc = ac_cli_location(a, &dir, err);
    if (rc == AC_OK) {
        rc = ac_store_open(dir, false, &st, err);
    }
    if (rc == AC_ENOTFOUND) {
        ac_store_where(dir, where, sizeof where);
        return ac_err_set(err, AC_ENOTFOUND, "%s holds no organisation", where);
    }
    if (rc != AC_OK) {
        return rc;
    }
    rc = ac_log_export(st, stdout, err);
    if (rc == AC_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        rc = ac_err_set(err, AC_EIO, "cannot write the export: %s",
                        strerror(errno));
    }
    ac_store_close(st);
    return rc;
}
