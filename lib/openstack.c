/*
 * lifeboat OpenStack client: Keystone v3 login, the service catalog, JSON calls
 * and Nova microversions, over lib/http.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/log.h"
#include "lifeboat/openstack.h"

struct lb_os {
    struct lb_os_auth auth;
    char *token;
    json_t *catalog;
    char interface[16];
    char nova_version[16];
};

static void lb_os_seterr(struct lb_os_err *err, long status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
lb_os_seterr(struct lb_os_err *err, long status, const char *fmt, ...)
{
    va_list ap;

    if (!err) {
        return;
    }
    err->status = status;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

/* The service's message from an error body: {"x": {"message": ...}} or {"error": {...}}. */
static void
lb_os_body_message(const char *body, char *out, size_t len)
{
    json_t *root = body ? json_loads(body, JSON_DECODE_ANY, NULL) : NULL;
    const char *msg = NULL, *key;
    json_t *val;

    out[0] = '\0';
    if (json_is_object(root)) {
        json_object_foreach(root, key, val)
        {
            if (json_is_object(val) && json_is_string(json_object_get(val, "message"))) {
                msg = json_string_value(json_object_get(val, "message"));
                break;
            }
            if (!strcmp(key, "message") && json_is_string(val)) {
                msg = json_string_value(val);
                break;
            }
        }
    }
    if (msg) {
        snprintf(out, len, "%s", msg);
    } else if (body && *body && !root) {
        snprintf(out, len, "%.200s", body); /* not JSON: show its start */
    }
    json_decref(root);
}

/* "publicURL" -> "public" (the v2 spellings the Python agents accept). */
static void
lb_os_interface(const char *in, char *out, size_t len)
{
    const char *v = in && *in ? in : "internal";
    size_t n = strlen(v);

    if (n > 3 && !strcmp(v + n - 3, "URL")) {
        n -= 3;
    }
    snprintf(out, len, "%.*s", (int)n, v);
}

static char *
lb_os_tokens_url(const char *auth_url)
{
    size_t n = strlen(auth_url);
    char *url;

    while (n && auth_url[n - 1] == '/') {
        n--;
    }
    url = malloc(n + 16);
    if (url) {
        bool has_v3 = n >= 3 && !strncmp(auth_url + n - 3, "/v3", 3);

        snprintf(url, n + 16, "%.*s%s/auth/tokens", (int)n, auth_url, has_v3 ? "" : "/v3");
    }
    return url;
}

static json_t *
lb_os_auth_body(const struct lb_os_auth *a)
{
    const char *ud = a->user_domain && *a->user_domain ? a->user_domain : "Default";
    const char *pd = a->project_domain && *a->project_domain ? a->project_domain : "Default";
    json_t *identity =
        json_pack("{s:[s], s:{s:{s:s, s:{s:s}, s:s}}}", "methods", "password", "password", "user",
                  "name", a->username, "domain", "name", ud, "password", a->password);
    json_t *auth = json_pack("{s:o}", "identity", identity);

    if (a->project && *a->project) {
        json_object_set_new(
            auth, "scope",
            json_pack("{s:{s:s, s:{s:s}}}", "project", "name", a->project, "domain", "name", pd));
    }
    return json_pack("{s:o}", "auth", auth);
}

/* POST /v3/auth/tokens; keeps the token and the catalog. */
static int
lb_os_authenticate(struct lb_os *s, struct lb_os_err *err)
{
    json_t *body = lb_os_auth_body(&s->auth), *root;
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    char *url = lb_os_tokens_url(s->auth.auth_url);
    struct lb_http_resp r;
    int rc;

    json_decref(body);
    if (!text || !url) {
        free(text);
        free(url);
        lb_os_seterr(err, 0, "out of memory");
        return -ENOMEM;
    }
    /* A login is safe to repeat: it creates nothing but a token. */
    rc = lb_http_request("POST", url, NULL, text, true, &s->auth.http, &r);
    memset(text, 0, strlen(text)); /* the password was in it */
    free(text);
    if (rc < 0) {
        lb_os_seterr(err, 0, "cannot reach Keystone at %s: %s", url, r.error);
    } else if (r.status != 201 && r.status != 200) {
        char msg[300];

        lb_os_body_message(r.body, msg, sizeof(msg));
        lb_os_seterr(err, r.status, "Keystone login as '%s' failed: HTTP %ld%s%s", s->auth.username,
                     r.status, msg[0] ? ": " : "", msg);
        rc = r.status == 401 ? -EACCES : -EIO;
    } else if (!r.subject_token || !(root = json_loads(r.body ? r.body : "", 0, NULL))) {
        lb_os_seterr(err, r.status, "Keystone answered without a token");
        rc = -EPROTO;
    } else {
        free(s->token);
        s->token = r.subject_token;
        r.subject_token = NULL;
        json_decref(s->catalog);
        s->catalog = json_incref(json_object_get(json_object_get(root, "token"), "catalog"));
        json_decref(root);
        rc = 0;
    }
    free(url);
    lb_http_resp_free(&r);
    return rc;
}

struct lb_os *
lb_os_login(const struct lb_os_auth *auth, struct lb_os_err *err)
{
    struct lb_os *s;

    if (!auth->auth_url || !auth->username || !auth->password) {
        lb_os_seterr(err, 0, "auth_url, username and password are required");
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        lb_os_seterr(err, 0, "out of memory");
        return NULL;
    }
    s->auth = *auth;
    lb_os_interface(auth->interface, s->interface, sizeof(s->interface));
    if (lb_os_authenticate(s, err) < 0) {
        lb_os_free(s);
        return NULL;
    }
    return s;
}

void
lb_os_free(struct lb_os *s)
{
    if (!s) {
        return;
    }
    if (s->token) {
        memset(s->token, 0, strlen(s->token));
    }
    free(s->token);
    json_decref(s->catalog);
    free(s);
}

static bool
lb_os_endpoint_matches(const struct lb_os *s, json_t *ep)
{
    const char *iface = json_string_value(json_object_get(ep, "interface"));
    const char *region = json_string_value(json_object_get(ep, "region_id"));

    if (!region) {
        region = json_string_value(json_object_get(ep, "region"));
    }
    return iface && !strcmp(iface, s->interface) &&
           (!s->auth.region || !*s->auth.region || (region && !strcmp(region, s->auth.region)));
}

const char *
lb_os_endpoint(struct lb_os *s, const char *service_type)
{
    size_t i, j;
    json_t *svc, *ep;

    json_array_foreach(s->catalog, i, svc)
    {
        const char *type = json_string_value(json_object_get(svc, "type"));

        if (!type || strcmp(type, service_type)) {
            continue;
        }
        json_array_foreach(json_object_get(svc, "endpoints"), j, ep)
        {
            if (lb_os_endpoint_matches(s, ep)) {
                return json_string_value(json_object_get(ep, "url"));
            }
        }
    }
    return NULL;
}

static char *
lb_os_url(struct lb_os *s, const char *service_type, const char *path, struct lb_os_err *err)
{
    const char *base;
    char *url;
    size_t n;

    if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8)) {
        return strdup(path);
    }
    base = lb_os_endpoint(s, service_type);
    if (!base) {
        lb_os_seterr(err, 0, "no %s endpoint for interface '%s'%s%s in the catalog", service_type,
                     s->interface, s->auth.region ? " in region " : "",
                     s->auth.region ? s->auth.region : "");
        return NULL;
    }
    n = strlen(base);
    while (n && base[n - 1] == '/') {
        n--;
    }
    url = malloc(n + strlen(path) + 2);
    if (url) {
        sprintf(url, "%.*s%s%s", (int)n, base, path[0] == '/' ? "" : "/", path);
    }
    return url;
}

/* The headers of an authenticated call (token, and the microversion for compute). */
static void
lb_os_call_headers(const struct lb_os *s, const char *service_type, char tok[], size_t toklen,
                   char mv[], size_t mvlen, char mv2[], size_t mv2len, const char *hdrs[4])
{
    int n = 0;

    snprintf(tok, toklen, "X-Auth-Token: %s", s->token);
    hdrs[n++] = tok;
    if (!strcmp(service_type, "compute") && s->nova_version[0]) {
        snprintf(mv, mvlen, "OpenStack-API-Version: compute %s", s->nova_version);
        snprintf(mv2, mv2len, "X-OpenStack-Nova-API-Version: %s", s->nova_version);
        hdrs[n++] = mv;
        hdrs[n++] = mv2;
    }
    hdrs[n] = NULL;
}

static int
lb_os_send(struct lb_os *s, const char *service_type, const char *method, const char *url,
           const char *text, bool idempotent, struct lb_http_resp *r)
{
    char tok[8192], mv[64], mv2[64];
    const char *hdrs[4];
    int rc;

    lb_os_call_headers(s, service_type, tok, sizeof(tok), mv, sizeof(mv), mv2, sizeof(mv2), hdrs);
    rc = lb_http_request(method, url, hdrs, text, idempotent, &s->auth.http, r);
    memset(tok, 0, sizeof(tok));
    return rc;
}

static int
lb_os_reply(const char *method, const char *url, struct lb_http_resp *r, json_t **reply,
            struct lb_os_err *err)
{
    char msg[400];

    if (r->status >= 200 && r->status < 300) {
        *reply = r->len ? json_loads(r->body, JSON_DECODE_ANY, NULL) : NULL;
        if (r->len && !*reply) {
            lb_os_seterr(err, r->status, "%s %s: reply is not JSON", method, url);
            return -EPROTO;
        }
        lb_os_seterr(err, r->status, "ok");
        return 0;
    }
    lb_os_body_message(r->body, msg, sizeof(msg));
    lb_os_seterr(err, r->status, "%s %s: HTTP %ld%s%s", method, url, r->status, msg[0] ? ": " : "",
                 msg);
    switch (r->status) {
    case 401:
    case 403:
        return -EACCES;
    case 404:
        return -ENOENT;
    case 409:
        return -EBUSY;
    case 400:
        return -EINVAL;
    default:
        return -EIO;
    }
}

int
lb_os_call(struct lb_os *s, const char *service_type, const char *method, const char *path,
           json_t *body, bool idempotent, json_t **reply, struct lb_os_err *err)
{
    char *url = lb_os_url(s, service_type, path, err);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct lb_http_resp r;
    int rc;

    *reply = NULL;
    if (!url || (body && !text)) {
        free(url);
        free(text);
        return url ? -ENOMEM : -ENOENT;
    }
    rc = lb_os_send(s, service_type, method, url, text, idempotent, &r);
    if (rc == 0 && r.status == 401 && lb_os_authenticate(s, err) == 0) {
        lb_debug("token refused, logged in again");
        lb_http_resp_free(&r);
        rc = lb_os_send(s, service_type, method, url, text, idempotent, &r);
    }
    if (rc < 0) {
        lb_os_seterr(err, 0, "%s %s: %s", method, url, r.error);
    } else {
        rc = lb_os_reply(method, url, &r, reply, err);
    }
    free(url);
    free(text);
    lb_http_resp_free(&r);
    return rc;
}

int
lb_os_version_cmp(const char *a, const char *b)
{
    int amaj = 0, amin = 0, bmaj = 0, bmin = 0;

    sscanf(a ? a : "", "%d.%d", &amaj, &amin);
    sscanf(b ? b : "", "%d.%d", &bmaj, &bmin);
    return amaj != bmaj ? amaj - bmaj : amin - bmin;
}

/* The compute root document: {"version": {"version": max, "min_version": min}}. */
static int
lb_os_nova_range(struct lb_os *s, char *lo, char *hi, size_t len, struct lb_os_err *err)
{
    json_t *reply = NULL, *v;
    int rc = lb_os_call(s, "compute", "GET", "", NULL, true, &reply, err);

    if (rc < 0) {
        return rc;
    }
    v = json_object_get(reply, "version");
    snprintf(hi, len, "%s", json_string_value(json_object_get(v, "version")) ?: "");
    snprintf(lo, len, "%s", json_string_value(json_object_get(v, "min_version")) ?: "");
    json_decref(reply);
    if (!hi[0]) {
        lb_os_seterr(err, 200, "Nova does not report microversions (legacy v2 endpoint?)");
        return -EPROTO;
    }
    return 0;
}

int
lb_os_nova_negotiate(struct lb_os *s, const char *min, const char *max, struct lb_os_err *err)
{
    char lo[16], hi[16];
    int rc = lb_os_nova_range(s, lo, hi, sizeof(lo), err);

    if (rc < 0) {
        return rc;
    }
    if (lb_os_version_cmp(hi, min) < 0 || (lo[0] && lb_os_version_cmp(lo, max) > 0)) {
        lb_os_seterr(err, 0, "Nova supports microversions %s to %s; lifeboat needs %s to %s",
                     lo[0] ? lo : "?", hi, min, max);
        return -ENOTSUP;
    }
    snprintf(s->nova_version, sizeof(s->nova_version), "%s",
             lb_os_version_cmp(hi, max) < 0 ? hi : max);
    return 0;
}

const char *
lb_os_nova_version(const struct lb_os *s)
{
    return s->nova_version;
}
