/*
 * fence_compute - fence agent for instance HA on OpenStack, a drop-in for
 * fence-agents' fence_compute (same options, defaults and meanings).
 *
 * off: force the host's nova-compute service down, disable it, and mark the
 *      node for evacuation (transient node attribute evacuate=yes, which
 *      NovaEvacuate acts upon).
 * on:  wait until the node's evacuations are done (evacuate no longer "yes",
 *      no server on the host still rebuilding), then clear forced-down and
 *      enable the service.
 * status: on unless the service is down and disabled (fence_compute.py's mapping).
 * list: Nova's compute hosts, by their full and short names.
 *
 * Nova is reached through Keystone v3 (lib/openstack.c); the microversion is
 * negotiated up to 2.53 (service UUIDs, one PUT) with the older
 * /os-services/force-down and /os-services/disable calls below it.
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fence_compute.h"
#include "lifeboat/cib.h"
#include "lifeboat/fence.h"
#include "lifeboat/http.h"
#include "lifeboat/ocf.h"
#include "lifeboat/openstack.h"

#define FC_NOVA_MIN     "2.1"
#define FC_NOVA_MAX     "2.53" /* PUT /os-services/{uuid} with status and forced_down */
#define FC_NOVA_FORCE   "2.11" /* first with /os-services/force-down */
#define FC_HTTP_MAX_MS  75000L /* per request: above Nova's own RPC timeout (60 s) */
#define FC_EVAC_POLL_MS 2000L  /* as fence_compute.py */
#define FC_DISABLED_WHY "fenced by Pacemaker (fence_compute)"
#define FC_ATTR         "evacuate"

#define fc_err(...)   lb_fence_log(LOG_ERR, __VA_ARGS__)
#define fc_warn(...)  lb_fence_log(LOG_WARNING, __VA_ARGS__)
#define fc_info(...)  lb_fence_log(LOG_INFO, __VA_ARGS__)
#define fc_debug(...) lb_fence_log(LOG_DEBUG, __VA_ARGS__)

/* The agent's state during one invocation. */
struct fc {
    struct lb_os *os;
    char host[256]; /* Nova's name of the plug, once resolved */
    bool resolved;
};

static struct fc fc_state_storage;

/* ------------------------------------------------------------ options */

/* The dashed spellings (auth-url, tenant-name, record-only...) are listed as
   deprecated parameters, which the Python agent does not do: pcs then takes
   the documented "pcs stonith create ... auth-url=... record-only=1" line
   without --force. */

static const struct lb_fence_opt fc_opts[] = {
    {.name = "auth_url",
     .obsoletes = "auth-url",
     .short_opt = 'k',
     .long_opt = "auth-url",
     .arg = "[url]",
     .dflt = "",
     .shortdesc = "Keystone Admin Auth URL"},
    {.name = "endpoint_type",
     .obsoletes = "endpoint-type",
     .short_opt = 'e',
     .long_opt = "endpoint-type",
     .arg = "[endpoint]",
     .dflt = "internalURL",
     .shortdesc = "Nova Endpoint type"},
    {.name = "region_name",
     .obsoletes = "region-name",
     .long_opt = "region-name",
     .arg = "[region]",
     .dflt = "",
     .shortdesc = "Region Name"},
    {.name = "tenant_name",
     .obsoletes = "tenant-name",
     .short_opt = 't',
     .long_opt = "tenant-name",
     .arg = "[name]",
     .dflt = "",
     .shortdesc = "Keystone Admin Tenant or v3 Project"},
    {.name = "insecure",
     .long_opt = "insecure",
     .type = LB_FOPT_FLAG,
     .shortdesc = "Allow Insecure TLS Requests"},
    {.name = "project_domain",
     .obsoletes = "project-domain",
     .short_opt = 'P',
     .long_opt = "project-domain",
     .arg = "[name]",
     .dflt = "Default",
     .shortdesc = "Keystone v3 Project Domain"},
    {.name = "user_domain",
     .obsoletes = "user-domain",
     .short_opt = 'u',
     .long_opt = "user-domain",
     .arg = "[name]",
     .dflt = "Default",
     .shortdesc = "Keystone v3 User Domain"},
    {.name = "domain",
     .short_opt = 'd',
     .long_opt = "domain",
     .arg = "[string]",
     .shortdesc = "DNS domain in which hosts live"},
    {.name = "instance_filtering",
     .obsoletes = "instance-filtering",
     .long_opt = "instance-filtering",
     .type = LB_FOPT_FLAG,
     .dflt = "True",
     .shortdesc = "Allow instances to be evacuated"},
    {.name = "no_shared_storage",
     .obsoletes = "no-shared-storage",
     .long_opt = "no-shared-storage",
     .type = LB_FOPT_FLAG,
     .dflt = "False",
     .shortdesc = "Disable functionality for dealing with shared storage"},
    {.name = "record_only",
     .obsoletes = "record-only",
     .short_opt = 'r',
     .long_opt = "record-only",
     .arg = "[value]",
     .dflt = "False",
     .shortdesc = "Only record the target as needing evacuation"},
    {.name = "compute_domain",
     .obsoletes = "compute-domain",
     .long_opt = "compute-domain",
     .arg = "[string]",
     .shortdesc = "Replaced by domain"},
    {.name = NULL},
};

/* fence_compute.py raises shell_timeout to 180 s. */
static const char *const fc_defaults[] = {"shell_timeout", "180", NULL};

/* ------------------------------------------------------------ checks */

static bool
fc_empty(const char *s)
{
    return !s || !*s;
}

static bool
fc_endpoint_type_ok(const char *t)
{
    static const char *const ok[] = {"public",      "internal", "admin", "publicURL",
                                     "internalURL", "adminURL", NULL};

    for (int i = 0; ok[i]; i++) {
        if (!strcmp(t, ok[i])) {
            return true;
        }
    }
    return false;
}

static int
fc_validate(struct lb_fence *f)
{
    const char *url = lb_fence_opt(f, "auth_url");
    const char *ep = lb_fence_opt(f, "endpoint_type");
    bool ok = true;

    if (fc_empty(url)) {
        fc_err("Failed: You have to enter the Keystone URL (auth_url)");
        ok = false;
    } else if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
        fc_err("Failed: auth_url must be an http:// or https:// URL");
        ok = false;
    }
    if (fc_empty(lb_fence_opt(f, "username"))) {
        fc_err("Failed: You have to set login name");
        ok = false;
    }
    if (fc_empty(lb_fence_opt(f, "password")) && fc_empty(lb_fence_opt(f, "password_script"))) {
        fc_err("Failed: You have to enter password or password script");
        ok = false;
    }
    if (!fc_empty(ep) && !fc_endpoint_type_ok(ep)) {
        fc_err("Failed: endpoint_type must be publicURL, internalURL or adminURL");
        ok = false;
    }
    return ok ? 0 : LB_FENCE_EC_GENERIC;
}

/* record_only=2/Disabled: do nothing at all; compute_domain: the old name of domain. */
static int
fc_prepare(struct lb_fence *f)
{
    const char *rec = lb_fence_opt(f, "record_only");
    const char *cd = lb_fence_opt(f, "compute_domain");

    if (rec && (!strcmp(rec, "2") || !strcmp(rec, "Disabled") || !strcmp(rec, "disabled"))) {
        fc_info("record_only=%s: nothing to do", rec);
        return LB_FENCE_DONE;
    }
    if (!fc_empty(cd) && !lb_fence_opt_is_set(f, "domain")) {
        lb_fence_opt_set(f, "domain", cd);
    }
    return 0;
}

/* ------------------------------------------------------------ Nova session */

static void
fc_auth(const struct lb_fence *f, struct lb_os_auth *a)
{
    const char *region = lb_fence_opt(f, "region_name");
    long shell = lb_fence_opt_ms(f, "shell_timeout", FC_HTTP_MAX_MS);

    memset(a, 0, sizeof(*a));
    a->auth_url = lb_fence_opt(f, "auth_url");
    a->username = lb_fence_opt(f, "username");
    a->password = lb_fence_opt(f, "password");
    a->user_domain = lb_fence_opt(f, "user_domain");
    a->project = lb_fence_opt(f, "tenant_name");
    a->project_domain = lb_fence_opt(f, "project_domain");
    a->region = fc_empty(region) ? NULL : region;
    a->interface = lb_fence_opt(f, "endpoint_type");
    a->http.connect_timeout_ms = lb_fence_opt_ms(f, "login_timeout", 0);
    a->http.timeout_ms = shell < FC_HTTP_MAX_MS ? shell : FC_HTTP_MAX_MS;
    a->http.deadline_ms = FC_HTTP_MAX_MS;
    a->http.retries = -1;
    a->http.insecure = lb_fence_opt_bool(f, "insecure");
}

/* The highest microversion to ask for; LB_NOVA_MICROVERSION_MAX lowers it (tests). */
static const char *
fc_nova_max(void)
{
    const char *env = getenv("LB_NOVA_MICROVERSION_MAX");

    return env && *env && lb_os_version_cmp(env, FC_NOVA_MAX) < 0 ? env : FC_NOVA_MAX;
}

static int
fc_connect(struct lb_fence *f)
{
    struct fc *fc = &fc_state_storage;
    struct lb_os_auth auth;
    struct lb_os_err err = {0};

    memset(fc, 0, sizeof(*fc));
    lb_fence_set_data(f, fc);
    fc_auth(f, &auth);
    fc->os = lb_os_login(&auth, &err);
    if (!fc->os) {
        fc_err("%s", err.msg);
        return LB_FENCE_EC_LOGIN_DENIED;
    }
    if (lb_os_nova_negotiate(fc->os, FC_NOVA_MIN, fc_nova_max(), &err) < 0) {
        fc_err("Nova: %s%s", err.msg,
               fc_empty(lb_fence_opt(f, "tenant_name")) ? " (tenant_name is not set)" : "");
        return LB_FENCE_EC_LOGIN_DENIED;
    }
    fc_debug("Nova compute API microversion %s", lb_os_nova_version(fc->os));
    return 0;
}

static void
fc_disconnect(struct lb_fence *f)
{
    struct fc *fc = lb_fence_data(f);

    if (fc) {
        lb_os_free(fc->os);
        fc->os = NULL;
    }
}

static struct fc *
fc_of(struct lb_fence *f)
{
    return lb_fence_data(f);
}

static bool
fc_uuid_ids(const struct fc *fc)
{
    return lb_os_version_cmp(lb_os_nova_version(fc->os), FC_NOVA_MAX) >= 0;
}

/* ------------------------------------------------------------ services */

/* Every nova-compute service (a new reference), or NULL after logging why. */
static json_t *
fc_services(struct fc *fc)
{
    struct lb_os_err err = {0};
    json_t *reply = NULL, *list;

    if (lb_os_call(fc->os, "compute", "GET", "/os-services?binary=nova-compute", NULL, true, &reply,
                   &err) < 0) {
        fc_err("Nova: %s", err.msg);
        return NULL;
    }
    list = json_incref(json_object_get(reply, "services"));
    json_decref(reply);
    if (!json_is_array(list)) {
        fc_err("Nova: GET /os-services: no service list in the reply");
        json_decref(list);
        return NULL;
    }
    return list;
}

static const char *
fc_str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s ? s : "";
}

/* Nova's name for @plug (the domain handling of fence_compute.py), once per run. */
static int
fc_resolve(struct lb_fence *f, struct fc *fc, json_t *services, const char *plug)
{
    size_t n = json_array_size(services), i;
    const char **hosts = calloc(n + 1, sizeof(*hosts));
    const char *domain = lb_fence_opt(f, "domain");
    struct fc_host_result res;
    json_t *svc;
    int rc;

    if (fc->resolved) {
        free(hosts);
        return 0;
    }
    if (!hosts) {
        return LB_FENCE_EC_GENERIC;
    }
    json_array_foreach(services, i, svc)
    {
        hosts[i] = fc_str(svc, "host");
    }
    rc = fc_nova_host(hosts, n, plug, fc_empty(domain) ? NULL : domain, &res);
    free(hosts);
    if (res.warning[0]) {
        fc_warn("%s", res.warning);
    }
    if (rc < 0) {
        return LB_FENCE_EC_GENERIC;
    }
    snprintf(fc->host, sizeof(fc->host), "%s", res.host);
    fc->resolved = true;
    if (strcmp(fc->host, plug)) {
        fc_debug("Node %s is %s in Nova", plug, fc->host);
    }
    return 0;
}

/* The host's services (a new array; empty when Nova does not know it). */
static json_t *
fc_host_services(json_t *services, const char *host)
{
    json_t *out = json_array(), *svc;
    size_t i;

    json_array_foreach(services, i, svc)
    {
        if (!strcmp(fc_str(svc, "host"), host)) {
            json_array_append(out, svc);
        }
    }
    return out;
}

/* Fresh list of @plug's nova-compute services; logs and fails when there is none, unless
   @missing_ok (then the list is empty). */
static int
fc_lookup_services(struct lb_fence *f, const char *plug, bool missing_ok, json_t **mine)
{
    struct fc *fc = fc_of(f);
    json_t *all = fc_services(fc);
    int rc;

    *mine = NULL;
    if (!all) {
        return LB_FENCE_EC_CONNECTION_LOST;
    }
    rc = fc_resolve(f, fc, all, plug);
    if (rc == 0) {
        *mine = fc_host_services(all, fc->host);
        if (json_array_size(*mine) == 0 && !missing_ok) {
            fc_err("Nova has no nova-compute service on host '%s'%s%s%s", fc->host,
                   strcmp(fc->host, plug) ? " (node " : "", strcmp(fc->host, plug) ? plug : "",
                   strcmp(fc->host, plug) ? ")" : "");
            json_decref(*mine);
            *mine = NULL;
            rc = LB_FENCE_EC_STATUS;
        }
    }
    json_decref(all);
    return rc;
}

static int
fc_lookup(struct lb_fence *f, const char *plug, json_t **mine)
{
    return fc_lookup_services(f, plug, false, mine);
}

static enum fc_state
fc_svc_state(json_t *svc)
{
    return fc_service_state(fc_str(svc, "state"), fc_str(svc, "status"));
}

/* fence_compute.py's get_power_status(): the first service decides. */
static enum fc_state
fc_host_state(json_t *mine, const char *host)
{
    json_t *svc = json_array_get(mine, 0);
    enum fc_state s = fc_svc_state(svc);

    fc_debug("Status of nova-compute on %s is %s, %s (%s)", host, fc_str(svc, "state"),
             fc_str(svc, "status"), fc_state_name(s));
    if (s == FC_UNKNOWN) {
        fc_warn("Unknown status detected from nova for %s: %s, %s", host, fc_str(svc, "state"),
                fc_str(svc, "status"));
    }
    return s;
}

static int
fc_status(struct lb_fence *f, const char *plug, enum lb_fence_power *power)
{
    json_t *mine;
    int rc = fc_lookup(f, plug, &mine);

    if (rc == 0) {
        *power =
            fc_host_state(mine, fc_of(f)->host) == FC_OFF ? LB_FENCE_POWER_OFF : LB_FENCE_POWER_ON;
        json_decref(mine);
    }
    return rc;
}

/* ------------------------------------------------------------ changing a service */

static int
fc_put(struct fc *fc, const char *path, json_t *body)
{
    struct lb_os_err err = {0};
    json_t *reply = NULL;
    int rc;

    if (!body) {
        return -ENOMEM;
    }
    /* Setting a field to a given value is safe to repeat. */
    rc = lb_os_call(fc->os, "compute", "PUT", path, body, true, &reply, &err);
    json_decref(body);
    json_decref(reply);
    if (rc < 0) {
        fc_err("Nova: %s", err.msg);
    }
    return rc;
}

/* 2.53 and later: one PUT per service, by its UUID. */
static int
fc_update_by_id(struct fc *fc, json_t *svc, bool down)
{
    const char *id = json_string_value(json_object_get(svc, "id"));
    char path[256];
    json_t *body;

    if (!id) {
        fc_err("Nova: service of %s has no UUID id at microversion %s", fc->host,
               lb_os_nova_version(fc->os));
        return -EPROTO;
    }
    snprintf(path, sizeof(path), "/os-services/%s", id);
    if (down) {
        body = json_pack("{s:s, s:s, s:b}", "status", "disabled", "disabled_reason",
                         FC_DISABLED_WHY, "forced_down", 1);
        return fc_put(fc, path, body);
    }
    /* Enabled first, while the service is still forced down: enabling a service that is up
       makes nova-api call the compute host over RPC (the COMPUTE_STATUS_DISABLED trait), and
       that call can hang for rpc_response_timeout. Forced down, Nova defers it. */
    if (strcmp(fc_str(svc, "status"), "enabled") &&
        fc_put(fc, path, json_pack("{s:s}", "status", "enabled")) < 0) {
        return -EIO;
    }
    /* Nova refuses forced_down=false (400) while the host's evacuations are not cleaned up
       by its nova-compute: a warning, as in fence_compute.py. */
    if (json_is_true(json_object_get(svc, "forced_down")) &&
        fc_put(fc, path, json_pack("{s:b}", "forced_down", 0)) < 0) {
        fc_warn("Could not clear forced_down of %s (enabled all the same)", fc->host);
    }
    return 0;
}

/* Before 2.53: /os-services/force-down (2.11+) and /os-services/disable|enable by host. */
static int
fc_force_down_by_host(struct fc *fc, bool down)
{
    if (lb_os_version_cmp(lb_os_nova_version(fc->os), FC_NOVA_FORCE) < 0) {
        return 0; /* before 2.11 there is no such call */
    }
    return fc_put(fc, "/os-services/force-down",
                  json_pack("{s:s, s:s, s:b}", "host", fc->host, "binary", "nova-compute",
                            "forced_down", down));
}

/* Before 2.53: /os-services/force-down (2.11+) and /os-services/disable|enable by host, in the
   order that keeps the service forced down whenever its status changes (see above). */
static int
fc_update_by_host(struct fc *fc, bool down)
{
    if (down) {
        if (fc_force_down_by_host(fc, true) < 0) {
            return -EIO;
        }
        return fc_put(fc, "/os-services/disable-log-reason",
                      json_pack("{s:s, s:s, s:s}", "host", fc->host, "binary", "nova-compute",
                                "disabled_reason", FC_DISABLED_WHY));
    }
    if (fc_put(fc, "/os-services/enable",
               json_pack("{s:s, s:s}", "host", fc->host, "binary", "nova-compute")) < 0) {
        return -EIO;
    }
    if (fc_force_down_by_host(fc, false) < 0) {
        fc_warn("Could not clear forced_down of %s (enabled all the same)", fc->host);
    }
    return 0;
}

static bool
fc_is_fenced(json_t *svc)
{
    return json_is_true(json_object_get(svc, "forced_down")) &&
           !strcmp(fc_str(svc, "status"), "disabled");
}

/* Force down and disable (@down) or bring back every service of the host that needs it. */
static int
fc_update(struct fc *fc, json_t *mine, bool down)
{
    json_t *svc;
    size_t i;

    if (!fc_uuid_ids(fc)) {
        return fc_update_by_host(fc, down);
    }
    json_array_foreach(mine, i, svc)
    {
        bool done = down ? fc_is_fenced(svc) : fc_svc_state(svc) == FC_ON;
        int rc = done ? 0 : fc_update_by_id(fc, svc, down);

        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ off */

/* Before 2.11 nothing forces a service down: wait for Nova to notice (as the Python agent). */
static int
fc_wait_nova_down(struct lb_fence *f, const char *plug)
{
    long timeout = lb_fence_opt_ms(f, "power_timeout", 0);
    long long deadline = timeout ? lb_now_ms() + timeout : 0;
    enum lb_fence_power p = LB_FENCE_POWER_ON;

    fc_info("Nova %s cannot force a service down: waiting for it to see %s down",
            lb_os_nova_version(fc_of(f)->os), fc_of(f)->host);
    while (fc_status(f, plug, &p) == 0 && p != LB_FENCE_POWER_OFF) {
        if (deadline && lb_now_ms() >= deadline) {
            return LB_FENCE_EC_WAITING_OFF;
        }
        lb_sleep_ms(1000);
    }
    return p == LB_FENCE_POWER_OFF ? 0 : LB_FENCE_EC_STATUS;
}

/* Transient node attribute evacuate=yes on the cluster's node (the plug as given). */
static int
fc_mark_evacuation(const char *plug, const char *host)
{
    int rc = lb_attrd_update(plug, FC_ATTR, "yes");

    if (rc < 0) {
        fc_err("nova-compute on %s is forced down and disabled, but marking node %s for "
               "evacuation failed: attrd: %s",
               host, plug, strerror(-rc));
        return LB_FENCE_EC_GENERIC;
    }
    fc_info("Marked node %s for evacuation (%s=yes)", plug, FC_ATTR);
    return 0;
}

static int
fc_off(struct lb_fence *f, const char *plug)
{
    struct fc *fc = fc_of(f);
    json_t *mine;
    int rc = fc_lookup(f, plug, &mine);

    if (rc != 0) {
        return rc;
    }
    fc_host_state(mine, fc->host);
    if (fc_update(fc, mine, true) < 0) {
        json_decref(mine);
        return LB_FENCE_EC_GENERIC;
    }
    json_decref(mine);
    fc_info("Forced nova-compute down and disabled it on %s", fc->host);
    if (lb_os_version_cmp(lb_os_nova_version(fc->os), FC_NOVA_FORCE) < 0) {
        rc = fc_wait_nova_down(f, plug);
        if (rc != 0) {
            return rc;
        }
    }
    rc = fc_mark_evacuation(plug, fc->host);
    /* From 2.53 one PUT per service sets both fields, and Nova's 200 says they are saved: no
       second service list to confirm it (one Nova round trip less; fence_compute.py does not
       re-read either). Before, the runtime checks the status as usual. */
    return rc == 0 && fc_uuid_ids(fc) ? LB_FENCE_DONE : rc;
}

/* ------------------------------------------------------------ on */

/* Servers on the host that are being evacuated (task_state rebuilding...), or -1. */
static int
fc_rebuilding(struct fc *fc)
{
    struct lb_os_err err = {0};
    char *enc = lb_http_escape(fc->host), path[1024];
    json_t *reply = NULL, *srv;
    size_t i;
    int n = 0;

    if (!enc) {
        return -1;
    }
    snprintf(path, sizeof(path), "/servers/detail?all_tenants=1&host=%s", enc);
    free(enc);
    if (lb_os_call(fc->os, "compute", "GET", path, NULL, true, &reply, &err) < 0) {
        fc_err("Nova: %s", err.msg);
        return -1;
    }
    json_array_foreach(json_object_get(reply, "servers"), i, srv)
    {
        n += !strncmp(fc_str(srv, "OS-EXT-STS:task_state"), "rebuild", 7);
    }
    json_decref(reply);
    return n;
}

/* The node's evacuate attribute: 1 while it is pending ("yes", not "no" or unset), 0, or -1. */
static int
fc_attr_pending(const char *plug, bool *warned)
{
    char *value = NULL;
    int rc = lb_attrd_query(plug, FC_ATTR, &value), pending;

    if (rc == -ENXIO || rc == -ENODATA || rc == -ENOENT) {
        return 0;
    }
    if (rc < 0) {
        if (!*warned) {
            fc_warn("Cannot read the %s attribute of %s from attrd (%s): not waiting for it",
                    FC_ATTR, plug, strerror(-rc));
            *warned = true;
        }
        return -1;
    }
    pending = value && *value && strcmp(value, "no");
    if (pending) {
        fc_debug("%s of %s is '%s'", FC_ATTR, plug, value);
    }
    free(value);
    return pending;
}

/* Wait until the node's evacuations are done; shell_timeout bounds it (0: the fencer does). */
static int
fc_wait_evacuations(struct lb_fence *f, const char *plug)
{
    struct fc *fc = fc_of(f);
    long timeout = lb_fence_opt_ms(f, "shell_timeout", 0);
    long long deadline = timeout ? lb_now_ms() + timeout : 0;
    bool warned = false, said = false;

    for (;;) {
        int attr = fc_attr_pending(plug, &warned);
        int busy = attr == 1 ? 0 : fc_rebuilding(fc);

        if (busy < 0) {
            return LB_FENCE_EC_GENERIC;
        }
        if (attr != 1 && busy == 0) {
            fc_info("Evacuation complete for: %s", plug);
            return 0;
        }
        if (!said) {
            fc_info("Waiting for %s to complete evacuations: %s", plug,
                    attr == 1 ? "evacuate=yes" : "servers still rebuilding");
            said = true;
        }
        if (deadline && lb_now_ms() + FC_EVAC_POLL_MS > deadline) {
            fc_err("Evacuations from %s did not complete within %ld s", plug, timeout / 1000);
            return LB_FENCE_EC_WAITING_ON;
        }
        lb_sleep_ms(FC_EVAC_POLL_MS);
    }
}

/* A host Nova does not know (yet) has nothing to bring back: its first nova-compute (which
   NovaCompute starts only once the node is unfenced) registers it enabled and up. Failing
   would keep a new compute node out of the cluster for good; fence_compute.py succeeds too. */
static bool
fc_unknown_to_nova(json_t *mine, const char *host)
{
    if (json_array_size(mine) > 0) {
        return false;
    }
    fc_info("Nova has no nova-compute service on host '%s' (yet): nothing to unfence", host);
    json_decref(mine);
    return true;
}

static int
fc_on(struct lb_fence *f, const char *plug)
{
    struct fc *fc = fc_of(f);
    json_t *mine;
    int rc = fc_lookup_services(f, plug, true, &mine);

    if (rc != 0) {
        return rc;
    }
    if (fc_unknown_to_nova(mine, fc->host)) {
        return LB_FENCE_DONE; /* no status to wait for */
    }
    json_decref(mine);
    rc = fc_wait_evacuations(f, plug);
    if (rc != 0) {
        return rc;
    }
    rc = fc_lookup_services(f, plug, true, &mine); /* again: the wait may have been long */
    if (rc != 0) {
        return rc;
    }
    if (fc_unknown_to_nova(mine, fc->host)) {
        return LB_FENCE_DONE; /* no status to wait for */
    }
    if (fc_host_state(mine, fc->host) != FC_ON) {
        fc_info("Forcing nova-compute back up and enabling it on %s", fc->host);
        if (fc_update(fc, mine, false) < 0) {
            json_decref(mine);
            return LB_FENCE_EC_GENERIC;
        }
    }
    json_decref(mine);
    return 0;
}

/* ------------------------------------------------------------ list, monitor */

static bool
fc_listed(json_t *seen, const char *name)
{
    json_t *v;
    size_t i;

    json_array_foreach(seen, i, v)
    {
        if (!strcmp(json_string_value(v), name)) {
            return true;
        }
    }
    json_array_append_new(seen, json_string(name));
    return false;
}

/* Each compute host by its full name and its short name (fence_compute.py's plug list). */
static int
fc_list(struct lb_fence *f, bool with_status)
{
    json_t *all = fc_services(fc_of(f)), *seen = json_array(), *svc;
    size_t i;

    if (!all) {
        json_decref(seen);
        return LB_FENCE_EC_CONNECTION_LOST;
    }
    json_array_foreach(all, i, svc)
    {
        const char *host = fc_str(svc, "host");
        enum lb_fence_power p = !with_status                  ? LB_FENCE_POWER_UNKNOWN
                                : fc_svc_state(svc) == FC_OFF ? LB_FENCE_POWER_OFF
                                                              : LB_FENCE_POWER_ON;
        char s[256];

        fc_short_name(host, s, sizeof(s));
        if (*host && !fc_listed(seen, host)) {
            lb_fence_list_print(f, host, "", p);
        }
        if (*s && !fc_listed(seen, s)) {
            lb_fence_list_print(f, s, "", p);
        }
    }
    json_decref(seen);
    json_decref(all);
    return 0;
}

/* Keystone and Nova answer, and the credentials may list compute services (admin). */
static int
fc_monitor(struct lb_fence *f)
{
    json_t *all = fc_services(fc_of(f));

    if (!all) {
        return LB_FENCE_EC_CONNECTION_LOST;
    }
    fc_debug("Nova lists %zu nova-compute services", json_array_size(all));
    json_decref(all);
    return 0;
}

/* ------------------------------------------------------------ the agent */

static const struct lb_fence_agent fc_agent = {
    .name = "fence_compute",
    .shortdesc = "Fence agent for the automatic resurrection of OpenStack compute instances",
    .longdesc = "Used to tell Nova that compute nodes are down and to reschedule flagged "
                "instances",
    .vendor_url = "",
    .flags = LB_FENCE_PLUG | LB_FENCE_LOGIN | LB_FENCE_FABRIC | LB_FENCE_SET_ALWAYS,
    .opts = fc_opts,
    .defaults = fc_defaults,
    .validate = fc_validate,
    .prepare = fc_prepare,
    .connect = fc_connect,
    .disconnect = fc_disconnect,
    .status = fc_status,
    .off = fc_off,
    .on = fc_on,
    .list = fc_list,
    .monitor = fc_monitor,
};

int
main(int argc, char **argv)
{
    int rc = lb_fence_main(&fc_agent, argc, argv);

    lb_cib_close();
    return rc;
}
