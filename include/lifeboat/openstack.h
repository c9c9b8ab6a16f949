/*
 * lifeboat OpenStack client: a Keystone v3 password session (token reused for
 * the life of the process, renewed once on 401), endpoint selection from the
 * service catalog by interface and region, JSON requests, and Nova microversion
 * negotiation. Errors carry the HTTP status and the service's own message.
 */
#ifndef LIFEBOAT_OPENSTACK_H
#define LIFEBOAT_OPENSTACK_H

#include <jansson.h>
#include <stdbool.h>

#include "lifeboat/http.h"

/* What it takes to log in; the strings are borrowed. */
struct lb_os_auth {
    const char *auth_url; /* with or without a trailing /v3 */
    const char *username;
    const char *password;
    const char *user_domain;    /* name; default "Default" */
    const char *project;        /* project (v2: tenant) name */
    const char *project_domain; /* name; default "Default" */
    const char *region;         /* NULL: any region */
    const char *interface;      /* public/internal/admin or publicURL/...; default internal */
    struct lb_http_opts http;   /* timeouts, retries, CA bundle, insecure */
};

struct lb_os;

/* The outcome of a call: HTTP status (0 if none) and a one-line message. */
struct lb_os_err {
    long status;
    char msg[512];
};

/** Log in to Keystone. Returns a session, or NULL with @err filled in. */
struct lb_os *lb_os_login(const struct lb_os_auth *auth, struct lb_os_err *err);

/** End a session (NULL is fine). */
void lb_os_free(struct lb_os *s);

/** The catalog URL of @service_type for the session's interface and region, or NULL. */
const char *lb_os_endpoint(struct lb_os *s, const char *service_type);

/**
 * @method @path (relative to @service_type's endpoint, or absolute) with an
 * optional JSON @body (not stolen). On a 2xx reply returns 0 and sets *reply
 * (NULL for an empty body; decref it). Otherwise returns -errno with @err
 * (status and the service's message). @idempotent allows retries.
 */
int lb_os_call(struct lb_os *s, const char *service_type, const char *method, const char *path,
               json_t *body, bool idempotent, json_t **reply, struct lb_os_err *err);

/**
 * Pick the highest compute API microversion that both lifeboat (@max) and Nova
 * support, and use it in later compute calls. Fails if Nova is older than @min.
 */
int lb_os_nova_negotiate(struct lb_os *s, const char *min, const char *max, struct lb_os_err *err);

/** The negotiated compute microversion, e.g. "2.53" ("" before negotiation). */
const char *lb_os_nova_version(const struct lb_os *s);

/** Compare two microversions "X.Y": <0, 0, >0. */
int lb_os_version_cmp(const char *a, const char *b);

#endif
