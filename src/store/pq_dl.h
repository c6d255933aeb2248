/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libpq, loaded when a PostgreSQL store is first opened. Like libcurl
 * (base/curl_dl.h), libpq maps TLS, Kerberos and LDAP libraries into the
 * process, about 3 MB of a server's memory (docs/performance.md), which a
 * server over a data folder has no use for. The functions keep libpq's
 * names as members, so the backend reads as libpq code. */
#ifndef ACCORD_STORE_PQ_DL_H
#define ACCORD_STORE_PQ_DL_H

#include <libpq-fe.h>

#include "base/err.h"

/* The libpq functions the backend calls. */
#define AC_PQ_FUNCS(X)                                                         \
    X(PQclear)                                                                 \
    X(PQcmdTuples)                                                             \
    X(PQconnectdbParams)                                                       \
    X(PQconsumeInput)                                                          \
    X(PQerrorMessage)                                                          \
    X(PQexec)                                                                  \
    X(PQfinish)                                                                \
    X(PQfreemem)                                                               \
    X(PQgetResult)                                                             \
    X(PQgetlength)                                                             \
    X(PQgetvalue)                                                              \
    X(PQisBusy)                                                                \
    X(PQisthreadsafe)                                                          \
    X(PQnotifies)                                                              \
    X(PQntuples)                                                               \
    X(PQresultErrorField)                                                      \
    X(PQresultErrorMessage)                                                    \
    X(PQresultStatus)                                                          \
    X(PQsendPrepare)                                                           \
    X(PQsendQuery)                                                             \
    X(PQsendQueryPrepared)                                                     \
    X(PQsetNoticeProcessor)                                                    \
    X(PQsetSingleRowMode)                                                      \
    X(PQsocket)                                                                \
    X(PQstatus)                                                                \
    X(PQtransactionStatus)

#define AC_PQ_MEMBER(name) __typeof__(name) *name;
struct ac_pq {
    AC_PQ_FUNCS(AC_PQ_MEMBER)
};
#undef AC_PQ_MEMBER

/* libpq's functions, loaded once for the process (thread-safe); NULL
 * with err set when it cannot be loaded. */
const struct ac_pq *ac_pq_load(struct ac_err *err);

#endif
