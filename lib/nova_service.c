/*
 * lifeboat Nova compute services and evacuations, over lib/openstack.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lifeboat/nova_service.h"

#define NS_MV_UUID  "2.53" /* services by UUID, one PUT for status and forced_down */
#define NS_MV_FORCE "2.11" /* forced_down exists */

/* Percent-encoding of @in for a query string. */
static void
ns_urlencode(const char *in, char *out, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    for (; *in && o + 4 < len; in++) {
        unsigned char c = (unsigned char)*in;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

static const char *
ns_str(json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));

    return v ? v : "";
}

int
lb_nova_service_parse(json_t *obj, struct lb_nova_service *svc)
{
    json_t *id = json_object_get(obj, "id");

    memset(svc, 0, sizeof(*svc));
    if (!json_is_object(obj) || !*ns_str(obj, "host")) {
        return -EPROTO;
    }
    if (json_is_integer(id)) {
        snprintf(svc->id, sizeof(svc->id), "%lld", (long long)json_integer_value(id));
    } else {
        snprintf(svc->id, sizeof(svc->id), "%s", ns_str(obj, "id"));
    }
    snprintf(svc->host, sizeof(svc->host), "%s", ns_str(obj, "host"));
    svc->up = !strcmp(ns_str(obj, "state"), "up");
    svc->enabled = !strcmp(ns_str(obj, "status"), "enabled");
    svc->forced_down = json_is_true(json_object_get(obj, "forced_down"));
    snprintf(svc->disabled_reason, sizeof(svc->disabled_reason), "%s",
             ns_str(obj, "disabled_reason"));
    snprintf(svc->updated_at, sizeof(svc->updated_at), "%s", ns_str(obj, "updated_at"));
    return 0;
}

int
lb_nova_service_get(struct lb_os *s, const char *host, struct lb_nova_service *svc,
                    struct lb_os_err *err)
{
    char enc[768], path[1024];
    json_t *reply = NULL, *obj;
    size_t i;
    int rc = -ENXIO;

    memset(svc, 0, sizeof(*svc));
    ns_urlencode(host, enc, sizeof(enc));
    snprintf(path, sizeof(path), "/os-services?binary=nova-compute&host=%s", enc);
    if ((rc = lb_os_call(s, "compute", "GET", path, NULL, true, &reply, err)) < 0) {
        return rc;
    }
    rc = -ENXIO;
    json_array_foreach(json_object_get(reply, "services"), i, obj)
    {
        /* The filter is Nova's; check it here too (and the binary, for old Novas). */
        if (!strcmp(ns_str(obj, "host"), host) && !strcmp(ns_str(obj, "binary"), "nova-compute")) {
            rc = lb_nova_service_parse(obj, svc);
            break;
        }
    }
    json_decref(reply);
    return rc;
}

static bool
ns_by_uuid(struct lb_os *s)
{
    return lb_os_version_cmp(lb_os_nova_version(s), NS_MV_UUID) >= 0;
}

/* PUT @body (stolen) to @path: setting fields to given values is safe to repeat. */
static int
ns_put(struct lb_os *s, const char *path, json_t *body, struct lb_os_err *err)
{
    json_t *reply = NULL;
    int rc;

    if (!body) {
        return -ENOMEM;
    }
    rc = lb_os_call(s, "compute", "PUT", path, body, true, &reply, err);
    json_decref(body);
    json_decref(reply);
    return rc;
}

int
lb_nova_service_enable(struct lb_os *s, const struct lb_nova_service *svc, struct lb_os_err *err)
{
    char path[128];

    if (svc->enabled) {
        return 0;
    }
    if (ns_by_uuid(s)) {
        snprintf(path, sizeof(path), "/os-services/%s", svc->id);
        return ns_put(s, path, json_pack("{s:s}", "status", "enabled"), err);
    }
    return ns_put(s, "/os-services/enable",
                  json_pack("{s:s, s:s}", "host", svc->host, "binary", "nova-compute"), err);
}

int
lb_nova_service_force_down(struct lb_os *s, const struct lb_nova_service *svc, bool down,
                           struct lb_os_err *err)
{
    char path[128];

    if (lb_os_version_cmp(lb_os_nova_version(s), NS_MV_FORCE) < 0) {
        if (err) {
            err->status = 0;
            snprintf(err->msg, sizeof(err->msg),
                     "Nova microversion %s cannot force a service down (2.11 needed)",
                     lb_os_nova_version(s)[0] ? lb_os_nova_version(s) : "2.1");
        }
        return -ENOTSUP;
    }
    if (ns_by_uuid(s)) {
        snprintf(path, sizeof(path), "/os-services/%s", svc->id);
        return ns_put(s, path, json_pack("{s:b}", "forced_down", down), err);
    }
    return ns_put(s, "/os-services/force-down",
                  json_pack("{s:s, s:s, s:b}", "host", svc->host, "binary", "nova-compute",
                            "forced_down", down),
                  err);
}

bool
lb_nova_migration_running(const char *status)
{
    static const char *const over[] = {"done",      "completed", "failed",   "error",
                                       "cancelled", "confirmed", "reverted", NULL};

    if (!status || !*status) {
        return false;
    }
    for (int i = 0; over[i]; i++) {
        if (!strcmp(status, over[i])) {
            return false;
        }
    }
    return true;
}

int
lb_nova_evacuations_running(struct lb_os *s, const char *host, struct lb_os_err *err)
{
    char enc[768], path[1024];
    json_t *reply = NULL, *m;
    size_t i;
    int rc, n = 0;

    ns_urlencode(host, enc, sizeof(enc));
    snprintf(path, sizeof(path), "/os-migrations?migration_type=evacuation&source_compute=%s", enc);
    if ((rc = lb_os_call(s, "compute", "GET", path, NULL, true, &reply, err)) < 0) {
        return rc;
    }
    json_array_foreach(json_object_get(reply, "migrations"), i, m)
    {
        const char *type = ns_str(m, "migration_type"); /* 2.23 and later */

        /* Filtered here too: an old Nova may ignore the filters. */
        if (!strcmp(ns_str(m, "source_compute"), host) && (!*type || !strcmp(type, "evacuation")) &&
            lb_nova_migration_running(ns_str(m, "status"))) {
            n++;
        }
    }
    json_decref(reply);
    return n;
}
