/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord serve: the HTTP API v1 (docs/openapi.yaml) over one store. */
#ifndef ACCORD_HTTP_SERVER_H
#define ACCORD_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct ac_server_config {
    const char *data;    /* store location: a data folder */
    const char *listen;  /* "ADDR:PORT"; NULL means "127.0.0.1:8080" */
    size_t body_limit;   /* bytes; 0 means 1 MiB */
    int64_t token_hours; /* session lifetime; 0 means 24 */
    unsigned threads;    /* HTTP worker threads; 0 means one per core */
    const char *config;  /* settings file; NULL: DATA/accord.conf if any */
};

/* Loads the organisation, serves until SIGTERM or SIGINT, then finishes
 * the writes under way and returns AC_OK. */
enum ac_status ac_server_run(const struct ac_server_config *cfg,
                             struct ac_err *err);

#endif
