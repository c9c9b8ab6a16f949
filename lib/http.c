/*
 * lifeboat HTTP over libcurl: timeouts, TLS settings, and bounded retries with
 * backoff for requests that are safe to repeat.
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lifeboat/http.h"
#include "lifeboat/log.h"
#include "lifeboat/ocf.h"

#define LB_HTTP_BODY_MAX (64L * 1024 * 1024)

struct lb_http_sink {
    struct lb_http_resp *r;
    size_t cap;
    bool overflow;
};

static size_t
lb_http_write(char *data, size_t size, size_t n, void *opaque)
{
    struct lb_http_sink *s = opaque;
    size_t len = size * n;

    if (s->r->len + len + 1 > (size_t)LB_HTTP_BODY_MAX) {
        s->overflow = true;
        return 0;
    }
    if (s->r->len + len + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        char *p;

        while (cap < s->r->len + len + 1) {
            cap *= 2;
        }
        if (!(p = realloc(s->r->body, cap))) {
            return 0;
        }
        s->r->body = p;
        s->cap = cap;
    }
    memcpy(s->r->body + s->r->len, data, len);
    s->r->len += len;
    s->r->body[s->r->len] = '\0';
    return len;
}

static size_t
lb_http_header(char *data, size_t size, size_t n, void *opaque)
{
    struct lb_http_resp *r = opaque;
    size_t len = size * n;
    static const char key[] = "X-Subject-Token:";

    if (len > sizeof(key) && !strncasecmp(data, key, sizeof(key) - 1)) {
        const char *v = data + sizeof(key) - 1;
        size_t vlen = len - (sizeof(key) - 1);

        while (vlen && (*v == ' ' || *v == '\t')) {
            v++;
            vlen--;
        }
        while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' ')) {
            vlen--;
        }
        free(r->subject_token);
        r->subject_token = strndup(v, vlen);
    }
    return len;
}

static void
lb_http_reset(struct lb_http_resp *r)
{
    free(r->body);
    free(r->subject_token);
    r->body = r->subject_token = NULL;
    r->len = 0;
    r->status = 0;
    r->error[0] = '\0';
}

static struct curl_slist *
lb_http_headers(const char *const headers[], const char *body)
{
    struct curl_slist *list = NULL;

    for (size_t i = 0; headers && headers[i]; i++) {
        list = curl_slist_append(list, headers[i]);
    }
    if (body) {
        list = curl_slist_append(list, "Content-Type: application/json");
    }
    list = curl_slist_append(list, "Accept: application/json");
    return curl_slist_append(list, "Expect:"); /* no 100-continue round trip */
}

static void
lb_http_setup(CURL *h, const char *method, const char *url, const char *body,
              struct curl_slist *hdrs, const struct lb_http_opts *o, struct lb_http_sink *sink)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     o && o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 5000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o && o->timeout_ms > 0 ? o->timeout_ms : 30000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, lb_http_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, lb_http_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, sink->r);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "lifeboat/" PACKAGE_VERSION);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (!strcmp(method, "HEAD")) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    }
    if (o && o->cacert) {
        curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert);
    }
    if (o && o->insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

/* Map a transport failure to an errno and say whether nothing was sent. */
static int
lb_http_errno(CURLcode c, bool *unsent)
{
    *unsent = false;
    switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
        return -ETIMEDOUT;
    case CURLE_COULDNT_CONNECT:
        *unsent = true;
        return -ECONNREFUSED;
    case CURLE_COULDNT_RESOLVE_HOST:
        *unsent = true;
        return -EHOSTUNREACH;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return -EINVAL;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        return -EPROTO;
    default:
        return -EIO;
    }
}

/* One attempt. Returns 0 with a status, or -errno; *retry says whether it is worth another. */
static int
lb_http_once(CURL *h, const char *method, const char *url, const char *const headers[],
             const char *body, bool idempotent, const struct lb_http_opts *o,
             struct lb_http_resp *r, bool *retry)
{
    struct lb_http_sink sink = {.r = r};
    struct curl_slist *hdrs = lb_http_headers(headers, body);
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode c;
    bool unsent;
    int rc = 0;

    curl_easy_reset(h);
    lb_http_setup(h, method, url, body, hdrs, o, &sink);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    c = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    if (c == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
        *retry = idempotent && r->status >= 500 && r->status != 501;
        return 0;
    }
    rc = sink.overflow ? -EFBIG : lb_http_errno(c, &unsent);
    snprintf(r->error, sizeof(r->error), "%s", errbuf[0] ? errbuf : curl_easy_strerror(c));
    *retry = rc != -EINVAL && rc != -EPROTO && rc != -EFBIG && (idempotent || unsent);
    return rc;
}

int
lb_http_request(const char *method, const char *url, const char *const headers[], const char *body,
                bool idempotent, const struct lb_http_opts *opts, struct lb_http_resp *r)
{
    int retries = opts && opts->retries >= 0 ? opts->retries : 3;
    long backoff = opts && opts->backoff_ms > 0 ? opts->backoff_ms : 200;
    long long deadline = opts && opts->deadline_ms > 0 ? lb_now_ms() + opts->deadline_ms : 0;
    CURL *h;
    int rc = -EIO;

    memset(r, 0, sizeof(*r));
    if (!(h = curl_easy_init())) {
        snprintf(r->error, sizeof(r->error), "cannot initialise libcurl");
        return -ENOMEM;
    }
    for (int attempt = 0; attempt <= retries; attempt++) {
        bool retry = false;

        lb_http_reset(r);
        r->attempts = attempt + 1;
        rc = lb_http_once(h, method, url, headers, body, idempotent, opts, r, &retry);
        if (!retry || attempt == retries) {
            break;
        }
        if (deadline && lb_now_ms() + backoff >= deadline) {
            break;
        }
        lb_debug("%s %s: %s, retrying in %ld ms", method, url, rc < 0 ? r->error : "server error",
                 backoff);
        lb_sleep_ms(backoff + rand() % (backoff / 2 + 1));
        backoff *= 2;
    }
    curl_easy_cleanup(h);
    return rc;
}

void
lb_http_resp_free(struct lb_http_resp *r)
{
    lb_http_reset(r);
}

int
lb_http_basic_auth(const char *user, const char *password, char *buf, size_t len)
{
    static const char prefix[] = "Authorization: Basic ";
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t ul = strlen(user), pl = strlen(password), n = ul + 1 + pl, o = sizeof(prefix) - 1;

    if (len < o + 4 * ((n + 2) / 3) + 1) {
        return -ENAMETOOLONG;
    }
    memcpy(buf, prefix, o);
    for (size_t i = 0; i < n; i += 3) {
        unsigned char in[3] = {0, 0, 0};
        size_t k = n - i < 3 ? n - i : 3;

        for (size_t j = 0; j < k; j++) {
            size_t at = i + j;

            in[j] = (unsigned char)(at < ul ? user[at] : at == ul ? ':' : password[at - ul - 1]);
        }
        buf[o++] = b64[in[0] >> 2];
        buf[o++] = b64[((in[0] & 3) << 4) | (in[1] >> 4)];
        buf[o++] = k > 1 ? b64[((in[1] & 15) << 2) | (in[2] >> 6)] : '=';
        buf[o++] = k > 2 ? b64[in[2] & 63] : '=';
    }
    buf[o] = '\0';
    return 0;
}

char *
lb_http_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(3 * strlen(s) + 1), *o = out;

    if (out == NULL) {
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p) != NULL) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}
