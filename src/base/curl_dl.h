/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libcurl, loaded when first needed. libcurl maps dozens of libraries
 * (TLS, Kerberos, LDAP, ...) into a process: several megabytes of the
 * server's memory (docs/performance.md). So the one accord binary does
 * not link it: member commands load it when they first send a request,
 * the server when it first delivers a notification or checks a webhook
 * URL. */
#ifndef ACCORD_BASE_CURL_DL_H
#define ACCORD_BASE_CURL_DL_H

#include <curl/curl.h>

#include "base/err.h"

struct ac_curl {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    void (*easy_cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *);
    CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
    CURLUcode (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
    void (*free)(void *);
};

/* libcurl's functions, loaded and globally initialised once for the
 * process (thread-safe); NULL with err set when it cannot be loaded. */
const struct ac_curl *ac_curl_load(struct ac_err *err);

#endif
