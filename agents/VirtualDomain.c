/*
 * ocf:lifeboat:VirtualDomain: a libvirt domain as a Pacemaker resource.
 *
 * Drop-in for ocf:heartbeat:VirtualDomain 4.12: same parameters, same meaning,
 * but every operation goes through the libvirt API in-process (no virsh fork).
 * Like the peer, start creates a transient domain from `config`.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "VirtualDomain.h"
#include "lifeboat/cib.h"
#include "lifeboat/domxml.h"
#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"
#include "lifeboat/virt.h"
#include "lifeboat/vrpc.h"

/*
 * This is the full agent, installed in libexec: the front
 * (VirtualDomain_fast.c) answers plain monitors itself and hands every other
 * action here. The parameter table is in VirtualDomain_common.c.
 */

/* ------------------------------------------------------------ state */

struct vd {
    virConnectPtr conn;
    char *name;      /* domain name from config (or the cached one) */
    char *xml;       /* contents of config, when readable */
    const char *uri; /* hypervisor parameter, NULL: libvirt default */
};

enum vd_mode { VD_STRICT, VD_LENIENT }; /* lenient: stop/monitor without a readable config */

static struct vd vd_state;

static void
vd_cache_name(const struct lb_ctx *ctx, const char *name)
{
    char path[PATH_MAX];
    FILE *f;

    if (!ctx->instance) {
        return;
    }
    vd_rsctmp_path(ctx, "name", path, sizeof(path));
    f = fopen(path, "we");
    if (f) {
        fprintf(f, "%s\n", name);
        fclose(f);
    }
}

/* Load config and the domain name. Returns an OCF code. */
static int
vd_load_config(struct lb_ctx *ctx, enum vd_mode mode)
{
    const char *config = lb_param_str(ctx, "config");

    if (!config) {
        lb_exit_reason("required parameter 'config' is not set");
        return LB_OCF_ERR_CONFIGURED;
    }
    vd_state.uri = lb_param_str(ctx, "hypervisor");
    if (access(config, R_OK) == 0) {
        vd_state.xml = lb_read_file(config);
        vd_state.name = vd_state.xml ? lb_domxml_name(vd_state.xml) : NULL;
        if (!vd_state.name) {
            lb_exit_reason("cannot read a domain <name> from %s", config);
            return LB_OCF_ERR_INSTALLED;
        }
        return LB_OCF_SUCCESS;
    }
    if (mode == VD_LENIENT && (vd_state.name = vd_cached_name(ctx)) != NULL) {
        lb_info("configuration file %s not readable; using domain %s from the last start", config,
                vd_state.name);
        return LB_OCF_SUCCESS;
    }
    if (mode == VD_STRICT) {
        lb_exit_reason("configuration file %s does not exist or is not readable", config);
    } else {
        lb_info("configuration file %s not readable, resource considered stopped", config);
    }
    return LB_OCF_ERR_INSTALLED;
}

static int
vd_connect(void)
{
    vd_state.conn = lb_virt_connect(vd_state.uri);
    return vd_state.conn ? LB_OCF_SUCCESS : LB_OCF_ERR_GENERIC;
}

static void
vd_cleanup(void)
{
    if (vd_state.conn) {
        virConnectClose(vd_state.conn);
    }
    free(vd_state.name);
    free(vd_state.xml);
    memset(&vd_state, 0, sizeof(vd_state));
    lb_cib_close();
}

/* ------------------------------------------------------------ status */

/*
 * The domain's state as an OCF code: running, paused, idle, in shutdown and
 * pmsuspended are running; shut off, crashed and absent are not running; a
 * broken connection is an error, never "not running".
 */
static int
vd_status_once(virConnectPtr conn, const char *name, int *state_out)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);
    int state = VIR_DOMAIN_NOSTATE, reason;

    if (!dom) {
        if (lb_virt_errcode() == VIR_ERR_NO_DOMAIN) {
            *state_out = VIR_DOMAIN_SHUTOFF;
            return LB_OCF_NOT_RUNNING;
        }
        lb_exit_reason("cannot look up domain %s: %s", name, lb_virt_errmsg());
        return LB_OCF_ERR_GENERIC;
    }
    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        int missing = lb_virt_errcode() == VIR_ERR_NO_DOMAIN;

        if (!missing) {
            lb_exit_reason("cannot read state of domain %s: %s", name, lb_virt_errmsg());
        }
        virDomainFree(dom);
        *state_out = VIR_DOMAIN_SHUTOFF;
        return missing ? LB_OCF_NOT_RUNNING : LB_OCF_ERR_GENERIC;
    }
    virDomainFree(dom);
    *state_out = state;
    return lb_vrpc_state_ocf(state); /* -1: no state (e.g. an incoming migration); ask again */
}

/* vd_status_once(), retried while the domain has no state (at most @max_ms). */
static int
vd_status(struct lb_ctx *ctx, long max_ms, int *state)
{
    long long until = lb_now_ms() + max_ms;
    int rc;

    while ((rc = vd_status_once(vd_state.conn, vd_state.name, state)) < 0) {
        if (lb_now_ms() >= until || lb_ctx_time_left_ms(ctx, 1000) == 0) {
            lb_exit_reason("domain %s has no state", vd_state.name);
            return LB_OCF_ERR_GENERIC;
        }
        lb_info("domain %s has no state yet, retrying", vd_state.name);
        lb_sleep_ms(500);
    }
    return rc;
}

/* ------------------------------------------------------------ monitor */

static int
vd_run_monitor_scripts(struct lb_ctx *ctx)
{
    char **scripts = lb_argv_split(lb_param_str(ctx, "monitor_scripts"));
    int rc = LB_OCF_SUCCESS;

    for (size_t i = 0; scripts && scripts[i] && rc == LB_OCF_SUCCESS; i++) {
        const char *argv[] = {scripts[i], NULL};
        struct lb_proc_result res;
        long left = lb_ctx_time_left_ms(ctx, 500);

        if (lb_proc_run(argv, NULL, NULL, left == LONG_MAX ? 60000 : left, &res) < 0) {
            lb_exit_reason("cannot run monitor command \"%s\"", scripts[i]);
            rc = LB_OCF_ERR_GENERIC;
            continue;
        }
        if (res.status != 0) {
            lb_exit_reason("Monitor command \"%s\" for domain %s returned %d%s with output: %s%s",
                           scripts[i], vd_state.name, res.status,
                           res.timed_out ? " (timed out)" : "", res.out, res.err);
            rc = LB_OCF_ERR_GENERIC;
        } else {
            lb_debug("monitor command \"%s\" for domain %s succeeded", scripts[i], vd_state.name);
        }
        lb_proc_result_free(&res);
    }
    lb_argv_free(scripts);
    return rc;
}

/* OCF_CHECK_LEVEL >= 10: ping the qemu guest agent when the domain has one. */
static int
vd_check_guest_agent(virDomainPtr dom)
{
    char *xml = virDomainGetXMLDesc(dom, 0);
    char *reply;
    int has_agent = xml && strstr(xml, "org.qemu.guest_agent.0") != NULL;

    free(xml);
    if (!has_agent) {
        return LB_OCF_SUCCESS;
    }
    reply = virDomainQemuAgentCommand(dom, "{\"execute\":\"guest-ping\"}", 5, 0);
    if (!reply) {
        lb_exit_reason("guest agent of domain %s does not answer: %s", vd_state.name,
                       lb_virt_errmsg());
        return LB_OCF_ERR_GENERIC;
    }
    free(reply);
    return LB_OCF_SUCCESS;
}

/* Write cpu/host_memory/hv_memory utilization into the CIB, only when it changed. */
static void
vd_update_utilization(const struct lb_ctx *ctx, virDomainPtr dom)
{
    virDomainInfo info;
    char want[256], path[PATH_MAX];
    FILE *f;

    if (!ctx->instance || virDomainGetInfo(dom, &info) < 0) {
        return;
    }
    vd_util_want(ctx, info.nrVirtCpu, info.maxMem, want, sizeof(want));
    if (vd_util_is_cached(ctx, want)) {
        return;
    }
    for (char *item = want, *next; *item; item = next) {
        char *eq = strchr(item, '=');
        int rc;

        next = strchr(item, ';');
        *eq = *next = '\0';
        rc = lb_cib_set_utilization(ctx->instance, item, eq[1] ? eq + 1 : NULL);
        *eq = '=';
        *next++ = ';';
        if (rc < 0) {
            lb_debug("cannot update utilization of %s (CIB unavailable?)", ctx->instance);
            return; /* try again at the next monitor */
        }
    }
    vd_rsctmp_path(ctx, "util", path, sizeof(path));
    if ((f = fopen(path, "we")) != NULL) {
        fputs(want, f);
        fclose(f);
    }
}

static int
vd_monitor_running(struct lb_ctx *ctx)
{
    virDomainPtr dom = virDomainLookupByName(vd_state.conn, vd_state.name);
    int rc = LB_OCF_SUCCESS;

    if (!dom) {
        return LB_OCF_NOT_RUNNING; /* gone between the two calls */
    }
    rc = vd_run_monitor_scripts(ctx);
    if (rc == LB_OCF_SUCCESS && ctx->check_level >= 10) {
        rc = vd_check_guest_agent(dom);
    }
    vd_update_utilization(ctx, dom);
    virDomainFree(dom);
    return rc;
}

static void vd_save_config(struct lb_ctx *ctx);

static int
vd_monitor_connected(struct lb_ctx *ctx)
{
    int state;
    int rc = vd_status(ctx, ctx->is_probe ? 5000 : 3000, &state);

    if (rc == LB_OCF_SUCCESS) {
        rc = vd_monitor_running(ctx);
        if (lb_param_bool(ctx, "save_config_on_stop") ||
            lb_param_bool(ctx, "sync_config_on_stop")) {
            vd_save_config(ctx);
        }
    } else if (rc == LB_OCF_NOT_RUNNING) {
        lb_debug("domain %s is not running (%s)", vd_state.name, lb_virt_state_str(state));
    }
    return rc;
}

/*
 * libvirtd does not answer. If it is this node's own daemon and no process of
 * the domain runs on this node, the domain is certainly not running here;
 * otherwise nobody can tell, and that is an error, never "not running".
 */
static bool
vd_surely_not_here(void)
{
    const char *uri = vd_state.uri ? vd_state.uri : "qemu:///system";

    /* Only QEMU domains are processes one can look for. */
    if (strncmp(uri, "qemu:", 5) && strncmp(uri, "qemu+", 5)) {
        return false;
    }
    if (!lb_virt_uri_is_local(uri) || lb_virt_domain_has_process(vd_state.name)) {
        return false;
    }
    lb_info("libvirtd at %s does not answer, and no process of domain %s runs on this node",
            vd_state.uri ? vd_state.uri : "(default)", vd_state.name);
    return true;
}

static int
vd_monitor(struct lb_ctx *ctx)
{
    int rc = vd_load_config(ctx, VD_LENIENT);

    if (rc != LB_OCF_SUCCESS) {
        /* Like the peer: without a config, a probe finds nothing running. */
        if (ctx->is_probe && rc == LB_OCF_ERR_INSTALLED) {
            rc = LB_OCF_NOT_RUNNING;
        } else if (rc == LB_OCF_ERR_INSTALLED) {
            lb_exit_reason("configuration file %s is not readable", lb_param_str(ctx, "config"));
            rc = LB_OCF_ERR_GENERIC; /* a recurring monitor: a failure, not a ban */
        }
    } else if ((rc = vd_connect()) == LB_OCF_SUCCESS) {
        rc = vd_monitor_connected(ctx);
    } else if (vd_surely_not_here()) {
        /* A probe: this node cannot run it now (no libvirtd); else it stopped here. */
        rc = ctx->is_probe ? LB_OCF_ERR_INSTALLED : LB_OCF_NOT_RUNNING;
    }
    vd_cleanup();
    return rc;
}

/* ------------------------------------------------------------ start */

/* Undefine a persistent definition of the domain, keeping the config file. */
static int
vd_verify_undefined(struct lb_ctx *ctx)
{
    virDomainPtr dom = virDomainLookupByName(vd_state.conn, vd_state.name);
    const char *config = lb_param_str(ctx, "config");
    int rc = LB_OCF_SUCCESS;

    if (!dom) {
        return LB_OCF_SUCCESS;
    }
    if (virDomainIsPersistent(dom) == 1) {
        lb_info("undefining domain %s before creating it from %s", vd_state.name, config);
        if (virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                            VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                                            VIR_DOMAIN_UNDEFINE_NVRAM) < 0) {
            lb_exit_reason("cannot undefine domain %s: %s", vd_state.name, lb_virt_errmsg());
            rc = LB_OCF_ERR_GENERIC;
        }
        /* libvirt removes files it manages, which may be our config: put it back. */
        if (access(config, F_OK) != 0) {
            FILE *f = fopen(config, "we");

            if (f) {
                fputs(vd_state.xml, f);
                fclose(f);
            }
        }
    } else if (virDomainIsActive(dom) == 0 || virDomainIsActive(dom) < 0) {
        virDomainDestroy(dom); /* a crashed transient domain blocks the create */
    }
    virDomainFree(dom);
    return rc;
}

static int
vd_start_pool(virConnectPtr conn, const char *name)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, name);
    int rc = LB_OCF_SUCCESS;

    if (!pool) {
        lb_exit_reason("storage pool %s not found: %s", name, lb_virt_errmsg());
        return LB_OCF_ERR_GENERIC;
    }
    if (virStoragePoolIsActive(pool) == 0 && virStoragePoolCreate(pool, 0) < 0) {
        lb_exit_reason("cannot start storage pool %s: %s", name, lb_virt_errmsg());
        rc = LB_OCF_ERR_GENERIC;
    }
    virStoragePoolFree(pool);
    return rc;
}

static int
vd_start_network(virConnectPtr conn, const char *name)
{
    virNetworkPtr net = virNetworkLookupByName(conn, name);
    int rc = LB_OCF_SUCCESS;

    if (!net) {
        lb_exit_reason("network %s not found: %s", name, lb_virt_errmsg());
        return LB_OCF_ERR_GENERIC;
    }
    if (virNetworkIsActive(net) == 0 && virNetworkCreate(net) < 0) {
        lb_exit_reason("cannot start network %s: %s", name, lb_virt_errmsg());
        rc = LB_OCF_ERR_GENERIC;
    }
    virNetworkFree(net);
    return rc;
}

/* Start every pool='X' and network='X' the domain XML names (start_resources). */
static int
vd_start_resources(virConnectPtr conn, const char *xml)
{
    static const char *const keys[] = {"pool=", "network=", NULL};
    int rc = LB_OCF_SUCCESS;

    for (int k = 0; keys[k] && rc == LB_OCF_SUCCESS; k++) {
        for (const char *p = xml; (p = strstr(p, keys[k])) != NULL && rc == LB_OCF_SUCCESS;) {
            char quote, name[256];
            const char *end;

            p += strlen(keys[k]);
            quote = *p;
            if ((quote != '\'' && quote != '"') || !(end = strchr(p + 1, quote)) ||
                (size_t)(end - p - 1) >= sizeof(name)) {
                continue;
            }
            snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
            rc = k == 0 ? vd_start_pool(conn, name) : vd_start_network(conn, name);
            p = end;
        }
    }
    return rc;
}

static int
vd_restore_snapshot(struct lb_ctx *ctx, bool *restored)
{
    const char *dir = lb_param_str(ctx, "snapshot");
    char path[PATH_MAX];

    *restored = false;
    if (!dir) {
        return LB_OCF_SUCCESS;
    }
    snprintf(path, sizeof(path), "%s/%s.state", dir, vd_state.name);
    if (access(path, F_OK) != 0) {
        return LB_OCF_SUCCESS;
    }
    if (virDomainRestore(vd_state.conn, path) < 0) {
        lb_exit_reason("Failed to restore %s from state file in %s: %s", vd_state.name, dir,
                       lb_virt_errmsg());
        return LB_OCF_ERR_GENERIC;
    }
    unlink(path);
    *restored = true;
    return LB_OCF_SUCCESS;
}

/* Wait until the domain runs (and its monitor scripts pass), within the timeout. */
static int
vd_wait_running(struct lb_ctx *ctx)
{
    for (;;) {
        int state, rc = vd_status(ctx, 2000, &state);

        if (rc == LB_OCF_SUCCESS && vd_run_monitor_scripts(ctx) == LB_OCF_SUCCESS) {
            return LB_OCF_SUCCESS;
        }
        if (rc == LB_OCF_ERR_GENERIC && lb_virt_conn_lost()) {
            return rc;
        }
        if (lb_ctx_time_left_ms(ctx, 1000) == 0) {
            lb_exit_reason("domain %s did not reach running within the timeout (%s)", vd_state.name,
                           lb_virt_state_str(state));
            return LB_OCF_ERR_GENERIC;
        }
        lb_sleep_ms(250);
    }
}

static int
vd_create(struct lb_ctx *ctx)
{
    virDomainPtr dom;
    int rc = vd_verify_undefined(ctx);

    if (rc == LB_OCF_SUCCESS && lb_param_bool(ctx, "start_resources")) {
        rc = vd_start_resources(vd_state.conn, vd_state.xml);
    }
    if (rc != LB_OCF_SUCCESS) {
        return rc;
    }
    dom = virDomainCreateXML(vd_state.conn, vd_state.xml, 0);
    if (!dom) {
        lb_exit_reason("Failed to start virtual domain %s: %s", vd_state.name, lb_virt_errmsg());
        return LB_OCF_ERR_GENERIC;
    }
    virDomainFree(dom);
    return LB_OCF_SUCCESS;
}

static int
vd_start(struct lb_ctx *ctx)
{
    int state, rc;
    bool restored;

    if ((rc = vd_load_config(ctx, VD_STRICT)) != LB_OCF_SUCCESS ||
        (rc = vd_connect()) != LB_OCF_SUCCESS) {
        goto out;
    }
    vd_cache_name(ctx, vd_state.name);
    vd_util_forget(ctx);
    rc = vd_status(ctx, 5000, &state);
    if (rc == LB_OCF_SUCCESS) {
        lb_info("virtual domain %s already running", vd_state.name);
        goto out;
    }
    if (rc != LB_OCF_NOT_RUNNING) {
        goto out;
    }
    rc = vd_restore_snapshot(ctx, &restored);
    if (rc == LB_OCF_SUCCESS && !restored) {
        rc = vd_create(ctx);
    }
    if (rc == LB_OCF_SUCCESS) {
        rc = vd_wait_running(ctx);
    }
    if (rc == LB_OCF_SUCCESS) {
        lb_info("virtual domain %s started", vd_state.name);
    }
out:
    vd_cleanup();
    return rc;
}

/* ------------------------------------------------------------ stop */

static bool
vd_write_file(const char *path, const char *data)
{
    char tmp[PATH_MAX];
    struct stat st;
    int fd;
    size_t len = strlen(data);
    bool ok;

    snprintf(tmp, sizeof(tmp), "%s.lifeboat-XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        return false;
    }
    if (stat(path, &st) == 0) {
        fchmod(fd, st.st_mode & 07777);
    }
    ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return false;
    }
    return true;
}

static void
vd_sync_config(const char *config)
{
    const char *argv[] = {"csync2", "-x", config, NULL};
    struct lb_proc_result res;

    lb_info("syncing %s with csync2 -x", config);
    if (lb_proc_run(argv, NULL, NULL, 60000, &res) < 0 || res.status != 0) {
        lb_warn("syncing %s failed: %s", config, res.err ? res.err : "cannot run csync2");
    }
    lb_proc_result_free(&res);
}

/* save_config_on_stop: write the inactive XML back to config when it changed. */
static void
vd_save_config(struct lb_ctx *ctx)
{
    const char *config = lb_param_str(ctx, "config");
    virDomainPtr dom = virDomainLookupByName(vd_state.conn, vd_state.name);
    char *xml =
        dom ? virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE) : NULL;
    char *old = lb_read_file(config);

    if (!xml || !*xml) {
        lb_warn("domain %s config is empty, skipping config update", vd_state.name);
    } else if (!old || strcmp(old, xml)) {
        if (vd_write_file(config, xml)) {
            lb_info("saved domain %s configuration to %s", vd_state.name, config);
            if (lb_param_bool(ctx, "sync_config_on_stop")) {
                vd_sync_config(config);
            }
        } else {
            lb_warn("cannot write %s: %s", config, strerror(errno));
        }
    }
    free(old);
    free(xml);
    if (dom) {
        virDomainFree(dom);
    }
}

/* Wait until the domain is not running, at most until @deadline_left_ms of timeout remain. */
static int
vd_wait_stopped(struct lb_ctx *ctx, long reserve_ms)
{
    for (;;) {
        int state, rc = vd_status(ctx, 2000, &state);

        if (rc != LB_OCF_SUCCESS) {
            return rc; /* not running, or an error: stop waiting */
        }
        if (lb_ctx_time_left_ms(ctx, reserve_ms) == 0) {
            return LB_OCF_SUCCESS; /* still running */
        }
        lb_sleep_ms(250);
    }
}

static int
vd_destroy(struct lb_ctx *ctx)
{
    virDomainPtr dom = virDomainLookupByName(vd_state.conn, vd_state.name);
    int rc;

    lb_info("issuing forced shutdown (destroy) of domain %s", vd_state.name);
    if (!dom) {
        return lb_virt_errcode() == VIR_ERR_NO_DOMAIN ? LB_OCF_SUCCESS : LB_OCF_ERR_GENERIC;
    }
    rc = virDomainDestroy(dom);
    if (rc < 0 && lb_virt_errcode() != VIR_ERR_OPERATION_INVALID &&
        lb_virt_errcode() != VIR_ERR_NO_DOMAIN) {
        lb_exit_reason("forced stop of domain %s failed: %s", vd_state.name, lb_virt_errmsg());
        virDomainFree(dom);
        return LB_OCF_ERR_GENERIC;
    }
    virDomainFree(dom);
    rc = vd_wait_stopped(ctx, 0);
    return rc == LB_OCF_NOT_RUNNING ? LB_OCF_SUCCESS : LB_OCF_ERR_GENERIC;
}

static unsigned int
vd_shutdown_flags(const char *modes)
{
    static const unsigned int flag[] = {
        VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN, VIR_DOMAIN_SHUTDOWN_GUEST_AGENT,
        VIR_DOMAIN_SHUTDOWN_INITCTL, VIR_DOMAIN_SHUTDOWN_SIGNAL, VIR_DOMAIN_SHUTDOWN_PARAVIRT};
    unsigned int flags = 0;

    for (int i = 0; modes && vd_shutdown_modes[i]; i++) {
        size_t n = strlen(vd_shutdown_modes[i]);

        for (const char *p = modes; (p = strstr(p, vd_shutdown_modes[i])) != NULL; p += n) {
            if ((p == modes || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
                flags |= flag[i];
            }
        }
    }
    return flags;
}

/* Save RAM state to the snapshot dir; true when the domain is stopped by it. */
static bool
vd_save_snapshot(struct lb_ctx *ctx, virDomainPtr dom)
{
    const char *dir = lb_param_str(ctx, "snapshot");
    char path[PATH_MAX];

    if (!dir) {
        return false;
    }
    snprintf(path, sizeof(path), "%s/%s.state", dir, vd_state.name);
    if (virDomainSave(dom, path) < 0) {
        lb_err("failed to save snapshot state of %s on stop: %s", vd_state.name, lb_virt_errmsg());
        return false;
    }
    return true;
}

/*
 * When the graceful shutdown gives way to destroy: 5 s before the end like the
 * peer for timeouts of 20 s and more, else 40% of the timeout; either way
 * before the runtime's watchdog, so destroy (about 2 s) still fits.
 */
static long
vd_destroy_reserve_ms(const struct lb_ctx *ctx)
{
    long margin = lb_ctx_watchdog_margin_ms(ctx);

    return ctx->timeout_ms >= 20000 ? 5000 : margin + ctx->timeout_ms * 2 / 5;
}

static int
vd_graceful_stop(struct lb_ctx *ctx)
{
    virDomainPtr dom = virDomainLookupByName(vd_state.conn, vd_state.name);
    unsigned int flags = vd_shutdown_flags(lb_param_str(ctx, "shutdown_mode"));
    int rc;

    if (!dom) {
        return lb_virt_errcode() == VIR_ERR_NO_DOMAIN ? LB_OCF_NOT_RUNNING : LB_OCF_ERR_GENERIC;
    }
    if (lb_param_bool(ctx, "save_config_on_stop") || lb_param_bool(ctx, "sync_config_on_stop")) {
        vd_save_config(ctx);
    }
    if (!vd_save_snapshot(ctx, dom)) {
        lb_info("issuing graceful shutdown request for domain %s", vd_state.name);
        if (virDomainShutdownFlags(dom, flags) < 0) {
            lb_warn("graceful shutdown of %s refused: %s", vd_state.name, lb_virt_errmsg());
        }
    }
    virDomainFree(dom);
    rc = vd_wait_stopped(ctx, vd_destroy_reserve_ms(ctx));
    return rc;
}

static int
vd_stop(struct lb_ctx *ctx)
{
    int state, rc = vd_load_config(ctx, VD_LENIENT);

    vd_util_forget(ctx);
    if (rc != LB_OCF_SUCCESS) {
        /* Like the peer: no config and no remembered domain, nothing we could stop. */
        rc = rc == LB_OCF_ERR_INSTALLED ? LB_OCF_SUCCESS : rc;
        goto out;
    }
    if ((rc = vd_connect()) != LB_OCF_SUCCESS) {
        rc = vd_surely_not_here() ? LB_OCF_SUCCESS : rc;
        goto out;
    }
    rc = vd_status(ctx, 3000, &state);
    if (rc == LB_OCF_NOT_RUNNING) {
        if (state == VIR_DOMAIN_CRASHED) {
            rc = vd_destroy(ctx);
        } else {
            lb_info("domain %s already stopped", vd_state.name);
            rc = LB_OCF_SUCCESS;
        }
        goto out;
    }
    if (rc == LB_OCF_SUCCESS && !lb_param_bool(ctx, "force_stop")) {
        rc = vd_graceful_stop(ctx);
        if (rc == LB_OCF_NOT_RUNNING) {
            lb_info("domain %s shut down gracefully", vd_state.name);
            rc = LB_OCF_SUCCESS;
            goto out;
        }
    }
    if (rc == LB_OCF_ERR_GENERIC && lb_virt_conn_lost()) {
        goto out; /* cannot reach libvirtd: let Pacemaker escalate */
    }
    rc = vd_destroy(ctx);
out:
    vd_cleanup();
    return rc;
}

/* ------------------------------------------------------------ migration */

/* migrate_options, parsed into libvirt flags and typed parameters. */
struct vd_migopts {
    unsigned long flags;
    char *migrateuri;     /* --migrateuri= */
    char *listen_address; /* --listen-address */
    long parallel;        /* --parallel-connections */
    long bandwidth;       /* --bandwidth */
};

static const struct {
    const char *opt;
    unsigned long flag;
} vd_migflags[] = {
    {"--live", VIR_MIGRATE_LIVE},
    {"--p2p", VIR_MIGRATE_PEER2PEER},
    {"--direct", 0},
    {"--tunnelled", VIR_MIGRATE_TUNNELLED},
    {"--tunneled", VIR_MIGRATE_TUNNELLED},
    {"--persistent", VIR_MIGRATE_PERSIST_DEST},
    {"--undefinesource", VIR_MIGRATE_UNDEFINE_SOURCE},
    {"--suspend", VIR_MIGRATE_PAUSED},
    {"--copy-storage-all", VIR_MIGRATE_NON_SHARED_DISK},
    {"--copy-storage-inc", VIR_MIGRATE_NON_SHARED_INC},
    {"--change-protection", VIR_MIGRATE_CHANGE_PROTECTION},
    {"--unsafe", VIR_MIGRATE_UNSAFE},
    {"--compressed", VIR_MIGRATE_COMPRESSED},
    {"--auto-converge", VIR_MIGRATE_AUTO_CONVERGE},
    {"--rdma-pin-all", VIR_MIGRATE_RDMA_PIN_ALL},
    {"--abort-on-error", VIR_MIGRATE_ABORT_ON_ERROR},
    {"--postcopy", VIR_MIGRATE_POSTCOPY},
    {"--parallel", VIR_MIGRATE_PARALLEL},
    {"--tls", VIR_MIGRATE_TLS},
    {"--verbose", 0},
};

static void
vd_migopts_free(struct vd_migopts *o)
{
    free(o->migrateuri);
    free(o->listen_address);
    memset(o, 0, sizeof(*o));
}

/* Value of "--opt=value" or "--opt value"; advances *i past a separate value. */
static const char *
vd_opt_value(char **argv, size_t *i, const char *opt)
{
    size_t n = strlen(opt);

    if (!strncmp(argv[*i], opt, n) && argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    if (!strcmp(argv[*i], opt) && argv[*i + 1]) {
        return argv[++*i];
    }
    return NULL;
}

static bool
vd_migopt_flag(const char *arg, unsigned long *flags)
{
    for (size_t k = 0; k < sizeof(vd_migflags) / sizeof(vd_migflags[0]); k++) {
        if (!strcmp(arg, vd_migflags[k].opt)) {
            *flags |= vd_migflags[k].flag;
            return true;
        }
    }
    return false;
}

static int
vd_migopt_value(char **argv, size_t *i, struct vd_migopts *o)
{
    const char *v;

    if ((v = vd_opt_value(argv, i, "--migrateuri"))) {
        free(o->migrateuri);
        o->migrateuri = strdup(v);
    } else if ((v = vd_opt_value(argv, i, "--listen-address"))) {
        free(o->listen_address);
        o->listen_address = strdup(v);
    } else if ((v = vd_opt_value(argv, i, "--parallel-connections"))) {
        if (!lb_parse_long(v, &o->parallel) || o->parallel < 1) {
            lb_exit_reason("migrate_options: bad --parallel-connections '%s'", v);
            return LB_OCF_ERR_CONFIGURED;
        }
    } else if ((v = vd_opt_value(argv, i, "--bandwidth"))) {
        if (!lb_parse_long(v, &o->bandwidth) || o->bandwidth < 0) {
            lb_exit_reason("migrate_options: bad --bandwidth '%s'", v);
            return LB_OCF_ERR_CONFIGURED;
        }
    } else {
        lb_exit_reason("migrate_options: option '%s' is not supported by lifeboat", argv[*i]);
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

static int
vd_parse_migrate_options(const char *s, struct vd_migopts *o)
{
    char **argv = lb_argv_split(s);
    int rc = LB_OCF_SUCCESS;

    memset(o, 0, sizeof(*o));
    for (size_t i = 0; argv && argv[i] && rc == LB_OCF_SUCCESS; i++) {
        if (!vd_migopt_flag(argv[i], &o->flags)) {
            rc = vd_migopt_value(argv, &i, o);
        }
    }
    lb_argv_free(argv);
    if (rc != LB_OCF_SUCCESS) {
        vd_migopts_free(o);
    }
    return rc;
}

/* Replace every "%n" in @tmpl by @node. */
static char *
vd_subst_node(const char *tmpl, const char *node)
{
    size_t cap = strlen(tmpl) + 1, len = 0;
    char *out;

    for (const char *p = tmpl; (p = strstr(p, "%n")); p += 2) {
        cap += strlen(node);
    }
    out = malloc(cap);
    for (const char *p = tmpl; out && *p;) {
        if (p[0] == '%' && p[1] == 'n') {
            len += (size_t)sprintf(out + len, "%s", node);
            p += 2;
        } else {
            out[len++] = *p++;
        }
    }
    if (out) {
        out[len] = '\0';
    }
    return out;
}

/* node1.example.com + "-mig" -> node1-mig.example.com */
static void
vd_suffix_node(const char *node, const char *suffix, char *buf, size_t len)
{
    size_t host = strcspn(node, ".");

    snprintf(buf, len, "%.*s%s%s", (int)host, node, suffix ? suffix : "", node + host);
}

/*
 * The target hypervisor URI: remoteuri with %n, or the hypervisor URI with its
 * host replaced by [user@]target[suffix] and "+transport" added to the scheme.
 */
static char *
vd_remote_uri(struct lb_ctx *ctx, const char *target)
{
    const char *remote = lb_param_str(ctx, "remoteuri");
    const char *transport = lb_param_str(ctx, "migration_transport");
    const char *user = lb_param_str(ctx, "migration_user");
    char host[512], scheme[128], buf[1024];
    char *own = NULL;
    const char *uri = vd_state.uri, *sep, *hostpart, *rest;

    if (remote) {
        return vd_subst_node(remote, target);
    }
    if (!uri) {
        uri = own = virConnectGetURI(vd_state.conn);
    }
    if (!uri || !(sep = strstr(uri, "://"))) {
        free(own);
        lb_exit_reason("cannot derive the target URI from hypervisor '%s'", uri ? uri : "");
        return NULL;
    }
    vd_suffix_node(target, lb_param_str(ctx, "migration_network_suffix"), host, sizeof(host));
    snprintf(scheme, sizeof(scheme), "%.*s%s%s", (int)(sep - uri), uri, transport ? "+" : "",
             transport ? transport : "");
    if (transport && strchr(scheme, '+') != strrchr(scheme, '+')) {
        /* already had a transport: replace it */
        snprintf(scheme, sizeof(scheme), "%.*s+%s", (int)strcspn(uri, "+:"), uri, transport);
    }
    hostpart = sep + 3;
    rest = hostpart + strcspn(hostpart, ":/");
    snprintf(buf, sizeof(buf), "%s://%s%s%s%s", scheme, user ? user : "", user ? "@" : "", host,
             rest);
    free(own);
    return strdup(buf);
}

/* The migration URI: migrateuri, --migrateuri=, or computed from the suffix. */
static char *
vd_migrate_uri(struct lb_ctx *ctx, const char *target, const struct vd_migopts *o)
{
    const char *explicit = lb_param_str(ctx, "migrateuri");
    const char *suffix = lb_param_str(ctx, "migration_network_suffix");
    char host[512], buf[600];

    if (explicit) {
        return vd_subst_node(explicit, target);
    }
    if (o->migrateuri) {
        return vd_subst_node(o->migrateuri, target);
    }
    if (!suffix) {
        return NULL; /* libvirt's default */
    }
    vd_suffix_node(target, suffix, host, sizeof(host));
    if (lb_param_is_set(ctx, "migrateport")) {
        snprintf(buf, sizeof(buf), "tcp://%s:%ld", host, lb_param_int(ctx, "migrateport", 0));
    } else {
        snprintf(buf, sizeof(buf), "tcp://%s", host);
    }
    return strdup(buf);
}

/* Sets max downtime once the migration job runs, and aborts it at the timeout. */
struct vd_watch {
    virDomainPtr dom;
    struct lb_ctx *ctx;
    long downtime;
    volatile int done;
};

static void *
vd_watch_migration(void *arg)
{
    struct vd_watch *w = arg;
    bool downtime_set = w->downtime <= 0;

    while (!w->done) {
        virDomainJobInfo info;

        if (!downtime_set && virDomainGetJobInfo(w->dom, &info) == 0 &&
            info.type != VIR_DOMAIN_JOB_NONE) {
            if (virDomainMigrateSetMaxDowntime(w->dom, (unsigned long long)w->downtime, 0) == 0) {
                lb_info("live migration downtime of %s set to %ld ms", vd_state.name, w->downtime);
            }
            downtime_set = true;
        }
        if (lb_ctx_time_left_ms(w->ctx, 2000) == 0) {
            lb_warn("migration of %s is running out of time: aborting it", vd_state.name);
            virDomainAbortJob(w->dom);
            break;
        }
        lb_sleep_ms(100);
    }
    return NULL;
}

static int
vd_migrate_params(struct lb_ctx *ctx, const char *miguri, const struct vd_migopts *o,
                  virTypedParameterPtr *params, int *n)
{
    int max = 0;
    long speed = lb_param_int(ctx, "migration_speed", 0);

    if (o->bandwidth > 0) {
        speed = o->bandwidth;
    }
    if ((miguri && virTypedParamsAddString(params, n, &max, VIR_MIGRATE_PARAM_URI, miguri) < 0) ||
        (speed > 0 && virTypedParamsAddULLong(params, n, &max, VIR_MIGRATE_PARAM_BANDWIDTH,
                                              (unsigned long long)speed) < 0) ||
        (o->listen_address &&
         virTypedParamsAddString(params, n, &max, VIR_MIGRATE_PARAM_LISTEN_ADDRESS,
                                 o->listen_address) < 0) ||
        (o->parallel > 0 &&
         virTypedParamsAddInt(params, n, &max, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS,
                              (int)o->parallel) < 0)) {
        lb_exit_reason("cannot build migration parameters: %s", lb_virt_errmsg());
        return LB_OCF_ERR_GENERIC;
    }
    return LB_OCF_SUCCESS;
}

/* The migration itself: peer-to-peer through libvirtd, or client-driven like virsh. */
static int
vd_do_migrate(virDomainPtr dom, const char *remote, virTypedParameterPtr params, int n,
              unsigned long flags)
{
    virConnectPtr dconn;
    virDomainPtr moved;

    if (flags & VIR_MIGRATE_PEER2PEER) {
        return virDomainMigrateToURI3(dom, remote, params, (unsigned int)n, (unsigned int)flags);
    }
    dconn = virConnectOpen(remote);
    if (!dconn) {
        return -1;
    }
    moved = virDomainMigrate3(dom, dconn, params, (unsigned int)n, (unsigned int)flags);
    if (moved) {
        virDomainFree(moved);
    }
    virConnectClose(dconn);
    return moved ? 0 : -1;
}

static int
vd_migrate_with(struct lb_ctx *ctx, const char *target, const char *remote, const char *miguri,
                const struct vd_migopts *o)
{
    virDomainPtr dom = virDomainLookupByName(vd_state.conn, vd_state.name);
    virTypedParameterPtr params = NULL;
    struct vd_watch watch = {.dom = dom, .ctx = ctx};
    pthread_t tid;
    int n = 0, rc, mig;

    if (!dom) {
        lb_exit_reason("%s: migrate_to: Not active locally!", vd_state.name);
        return LB_OCF_ERR_GENERIC;
    }
    rc = vd_migrate_params(ctx, miguri, o, &params, &n);
    if (rc == LB_OCF_SUCCESS) {
        lb_info("%s: starting live migration to %s (%s%s%s)", vd_state.name, target, remote,
                miguri ? ", " : "", miguri ? miguri : "");
        watch.downtime = lb_param_int(ctx, "migration_downtime", 0);
        pthread_create(&tid, NULL, vd_watch_migration, &watch);
        mig = vd_do_migrate(dom, remote, params, n, o->flags | VIR_MIGRATE_LIVE);
        watch.done = 1;
        pthread_join(tid, NULL);
        if (mig < 0) {
            lb_exit_reason("%s: live migration to %s failed: %s", vd_state.name, target,
                           lb_virt_errmsg());
            rc = LB_OCF_ERR_GENERIC;
        } else {
            lb_info("%s: live migration to %s succeeded", vd_state.name, target);
        }
    }
    virTypedParamsFree(params, n);
    virDomainFree(dom);
    return rc;
}

static int
vd_migrate_prepare(struct lb_ctx *ctx, const char *target, const char *remote)
{
    virConnectPtr dconn;
    int rc;

    if (lb_param_bool(ctx, "save_config_on_stop") || lb_param_bool(ctx, "sync_config_on_stop")) {
        vd_save_config(ctx);
    }
    if (!lb_param_bool(ctx, "start_resources")) {
        return LB_OCF_SUCCESS;
    }
    dconn = virConnectOpen(remote);
    if (!dconn) {
        lb_exit_reason("cannot connect to %s on %s: %s", remote, target, lb_virt_errmsg());
        return LB_OCF_ERR_GENERIC;
    }
    rc = vd_start_resources(dconn, vd_state.xml);
    virConnectClose(dconn);
    return rc;
}

static int
vd_migrate_to(struct lb_ctx *ctx)
{
    const char *target = ctx->migrate_target;
    struct vd_migopts o = {0};
    char *remote = NULL, *miguri = NULL;
    int state, rc;

    if (!target) {
        lb_exit_reason("migrate_to needs OCF_RESKEY_CRM_meta_migrate_target");
        return LB_OCF_ERR_ARGS;
    }
    if ((rc = vd_load_config(ctx, VD_STRICT)) != LB_OCF_SUCCESS ||
        (rc = vd_connect()) != LB_OCF_SUCCESS ||
        (rc = vd_parse_migrate_options(lb_param_str(ctx, "migrate_options"), &o)) !=
            LB_OCF_SUCCESS) {
        goto out;
    }
    if (vd_status(ctx, 3000, &state) != LB_OCF_SUCCESS) {
        lb_exit_reason("%s: migrate_to: Not active locally!", vd_state.name);
        rc = LB_OCF_ERR_GENERIC;
        goto out;
    }
    remote = vd_remote_uri(ctx, target);
    miguri = vd_migrate_uri(ctx, target, &o);
    rc = remote ? vd_migrate_prepare(ctx, target, remote) : LB_OCF_ERR_CONFIGURED;
    if (rc == LB_OCF_SUCCESS) {
        rc = vd_migrate_with(ctx, target, remote, miguri, &o);
    }
out:
    free(remote);
    free(miguri);
    vd_migopts_free(&o);
    vd_cleanup();
    return rc;
}

static int
vd_migrate_from(struct lb_ctx *ctx)
{
    int rc;

    if ((rc = vd_load_config(ctx, VD_STRICT)) != LB_OCF_SUCCESS ||
        (rc = vd_connect()) != LB_OCF_SUCCESS) {
        goto out;
    }
    vd_cache_name(ctx, vd_state.name);
    vd_util_forget(ctx);
    rc = vd_wait_running(ctx);
    if (rc == LB_OCF_SUCCESS) {
        lb_info("%s: live migration from %s succeeded", vd_state.name,
                ctx->migrate_source ? ctx->migrate_source : "?");
        if (lb_param_bool(ctx, "save_config_on_stop") ||
            lb_param_bool(ctx, "sync_config_on_stop")) {
            vd_save_config(ctx);
        }
    }
out:
    vd_cleanup();
    return rc;
}

/* ------------------------------------------------------------ validation */

static bool
vd_in_path(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];

    for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
        size_t n = strcspn(p, ":");

        snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, prog);
        if (access(buf, X_OK) == 0) {
            return true;
        }
        p += n + (p[n] == ':');
    }
    return false;
}

static int
vd_validate_modes(const char *modes)
{
    char **list;
    int rc = LB_OCF_SUCCESS;

    if (!modes) {
        return rc;
    }
    list = lb_argv_split(modes);
    for (size_t i = 0; list && list[i]; i++) {
        for (char *tok = strtok(list[i], ","); tok; tok = strtok(NULL, ",")) {
            if (!(vd_shutdown_flags(tok) && strchr(tok, ',') == NULL)) {
                lb_exit_reason("parameter 'shutdown_mode': unknown mode '%s' (acpi, agent, "
                               "initctl, signal, paravirt)",
                               tok);
                rc = LB_OCF_ERR_CONFIGURED;
                break;
            }
        }
    }
    lb_argv_free(list);
    return rc;
}

static int
vd_validate(struct lb_ctx *ctx)
{
    struct vd_migopts o;
    int rc;

    if (lb_param_bool(ctx, "force_stop") && lb_param_str(ctx, "snapshot")) {
        lb_exit_reason("The 'force_stop' and 'snapshot' options can not be used together.");
        return LB_OCF_ERR_CONFIGURED;
    }
    if ((rc = vd_validate_modes(lb_param_str(ctx, "shutdown_mode"))) != LB_OCF_SUCCESS ||
        (rc = vd_parse_migrate_options(lb_param_str(ctx, "migrate_options"), &o)) !=
            LB_OCF_SUCCESS) {
        return rc;
    }
    vd_migopts_free(&o);
    if (lb_param_bool(ctx, "sync_config_on_stop") && !vd_in_path("csync2")) {
        lb_exit_reason("sync_config_on_stop needs csync2, which is not installed");
        return LB_OCF_ERR_INSTALLED;
    }
    rc = vd_load_config(ctx, VD_STRICT);
    vd_cleanup();
    return rc;
}

/* ------------------------------------------------------------ agent */

static const struct lb_action vd_actions[] = {
    {.name = "start", .fn = vd_start, .timeout = "90s", .needs_validation = true},
    {.name = "stop", .fn = vd_stop, .timeout = "90s"},
    {.name = "status", .fn = vd_monitor, .timeout = "30s", .interval = "10s"},
    {.name = "monitor", .fn = vd_monitor, .timeout = "30s", .interval = "10s"},
    {.name = "migrate_from", .fn = vd_migrate_from, .timeout = "60s", .needs_validation = true},
    {.name = "migrate_to", .fn = vd_migrate_to, .timeout = "120s", .needs_validation = true},
    {.name = NULL},
};

static const struct lb_agent vd_agent = {
    .name = VD_NAME,
    .shortdesc = "Manages virtual domains through the libvirt API",
    .longdesc = "Resource agent for a virtual domain (a.k.a. domU, virtual machine, virtual "
                "environment etc., depending on context) managed by libvirtd. It speaks the "
                "libvirt API in-process and is a drop-in replacement for "
                "ocf:heartbeat:VirtualDomain.",
    .params = vd_params,
    .actions = vd_actions,
    .validate = vd_validate,
};

int
main(int argc, char **argv)
{
    lb_virt_init();
    return lb_ocf_main(&vd_agent, argc, argv);
}
