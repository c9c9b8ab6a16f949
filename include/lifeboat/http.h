/*
 * lifeboat HTTP: one request with libcurl, with connect and total timeouts, a
 * CA bundle (or `insecure` on explicit request), and retries with exponential
 * backoff on 5xx, connection resets and timeouts -- only for requests that are
 * safe to repeat. Request bodies and headers are never logged.
 */
#ifndef LIFEBOAT_HTTP_H
#define LIFEBOAT_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct lb_http_opts {
    long connect_timeout_ms; /* 0: 5000 */
    long timeout_ms;         /* whole request, per attempt; 0: 30000 */
    long deadline_ms;        /* all attempts together; 0: no limit beyond retries */
    int retries;             /* extra attempts for safe requests; -1: default 3 */
    long backoff_ms;         /* first backoff; doubles each time; 0: 200 */
    const char *cacert;      /* CA bundle path, or NULL for the system store */
    bool insecure;           /* skip TLS verification (explicit request only) */
};

struct lb_http_resp {
    long status; /* HTTP status, 0 when no response arrived */
    char *body;  /* response body (NUL-terminated), or NULL */
    size_t len;
    char *subject_token; /* X-Subject-Token header (Keystone), or NULL */
    char error[256];     /* transport error when status is 0 */
    int attempts;        /* how many attempts were made */
};

/**
 * Send @method @url with @headers (NULL-terminated "Name: value" list) and
 * @body (may be NULL). @idempotent allows retries after a response-less failure
 * or a 5xx; a request whose connection was refused before anything was sent is
 * retried whatever the method. Returns 0 when a response arrived (any status),
 * or -errno (-ETIMEDOUT, -ECONNREFUSED, -EHOSTUNREACH, -EIO) with r->error set.
 */
int lb_http_request(const char *method, const char *url, const char *const headers[],
                    const char *body, bool idempotent, const struct lb_http_opts *opts,
                    struct lb_http_resp *r);

/** Free what lb_http_request() allocated in @r. */
void lb_http_resp_free(struct lb_http_resp *r);

/**
 * The header "Authorization: Basic BASE64(@user:@password)" into @buf (to
 * pass in lb_http_request's @headers; never log it). Returns 0, or
 * -ENAMETOOLONG when it does not fit in @len.
 */
int lb_http_basic_auth(const char *user, const char *password, char *buf, size_t len);

/** @s percent-encoded for one URL path segment (RFC 3986 unreserved kept); malloc'd, or NULL. */
char *lb_http_escape(const char *s);

#endif
