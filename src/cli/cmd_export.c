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
    const char *dir = ac_cli_get(a, "--data");
    struct ac_store *st = NULL;
    enum ac_status rc = ac_store_open(dir, false, &st, err);
    if (rc == AC_ENOTFOUND) {
        return ac_err_set(err, AC_ENOTFOUND, "%s holds no organisation", dir);
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
