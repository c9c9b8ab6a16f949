/*
 * ocf:lifeboat:NovaCompute -- nova-compute on a compute node of an
 * instance-HA cluster, a drop-in for openstack-resource-agents' NovaCompute
 * (same parameters and meanings); and, installed under the second name
 * nova-compute-wait, the wait-only variant of that project's
 * nova-compute-wait, where nova-compute itself belongs to the init system.
 *
 * start: wait while this node's evacuations are pending (transient node
 *        attribute evacuate, set to "yes" by fence_compute and to "no" by
 *        NovaEvacuate), pause while Nova still runs evacuations from this
 *        host (evacuation_delay at most), unfence the host in Nova (service
 *        enabled, forced_down cleared), then start nova-compute detached --
 *        as `user`, with its own configuration files, its output appended to
 *        `log`, a PID file in HA_RSCTMP -- and wait until Nova reports its
 *        service up. Nova refuses to clear forced_down while evacuations from
 *        the host are "done" but not cleaned up, which the restarted
 *        nova-compute does: the agent clears it once Nova accepts.
 * monitor: nova-compute is alive and Nova reports its service up.
 * stop: SIGTERM (nova-compute's graceful shutdown), SIGKILL near the timeout.
 *
 * Wait mode (argv[0] is nova-compute-wait): start waits and unfences the
 * same way, then records the resource as started; if Nova still keeps the
 * host forced down, the monitor clears it once Nova accepts. Monitor and stop
 * only look at that record.
 *
 * The password goes to Keystone only: nova-compute gets the agent's
 * environment without any OCF_*, HA_*, PCMK_* or CIB_* variable.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "NovaCompute.h"
#include "lifeboat/cib.h"
#include "lifeboat/daemon.h"
#include "lifeboat/log.h"
#include "lifeboat/nova_service.h"
#include "lifeboat/ocf.h"
#include "lifeboat/openstack.h"
#include "lifeboat/os_params.h"
#include "lifeboat/proc.h"
#include "lifeboat/process.h"

#define NC_NAME        "NovaCompute"
#define NC_WAIT_NAME   "nova-compute-wait"
#define NC_ATTR        "evacuate"
#define NC_NOVA_MIN    "2.1"
#define NC_NOVA_MAX    "2.53"
#define NC_POLL_MS     2000L
#define NC_RSCTMP      "/run/resource-agents"
#define NC_UNFENCE_TAG "unfence-pending"

/* ------------------------------------------------------------ parameters */

/* The parameters of both modes first; the ones only NovaCompute has are named in nc_full_only. */
static const struct lb_param nc_params[] = {
    LB_OS_PARAMS,
    {.name = "no_shared_storage",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Disable shared storage recovery for instances",
     .longdesc = "Accepted for compatibility with openstack-resource-agents, where it was passed "
                 "on to fence_compute's unfencing, which ignores it. It has no effect here: "
                 "how instances are rebuilt is the business of NovaEvacuate and fence_compute, "
                 "which take the same parameter."},
    {.name = "evacuation_delay",
     .type = LB_PARAM_INTEGER,
     .dflt = "120",
     .min = 0,
     .max = 86400,
     .shortdesc = "Delay to allow evacuations time to complete",
     .longdesc = "How long (seconds) to wait for Nova to finish evacuating instances elsewhere "
                 "before starting nova-compute. Only used when the agent detects evacuations "
                 "might be in progress: after this node was fenced (node attribute evacuate "
                 "set). The wait ends early once Nova lists no evacuation from this host as "
                 "still running. You may need to increase the start timeout when increasing "
                 "this value."},
    {.name = "config",
     .type = LB_PARAM_STRING,
     .dflt = "/etc/nova/nova.conf",
     .shortdesc = "nova-compute's configuration files",
     .longdesc = "Blank-separated list of the configuration files of nova-compute, in order. "
                 "NovaCompute starts nova-compute with one --config-file for each; both modes "
                 "read Nova's name of this host (host in [DEFAULT], the last one winning) from "
                 "them."},
    {.name = "config_dir",
     .type = LB_PARAM_STRING,
     .shortdesc = "Directory of more configuration files",
     .longdesc = "A directory whose *.conf files nova-compute reads after config "
                 "(--config-dir), e.g. /etc/nova/nova.conf.d. Default: none."},
    {.name = "binary",
     .type = LB_PARAM_STRING,
     .dflt = "/usr/bin/nova-compute",
     .shortdesc = "nova-compute executable",
     .longdesc = "Absolute path of the nova-compute executable (NovaCompute only)."},
    {.name = "user",
     .type = LB_PARAM_STRING,
     .dflt = "nova",
     .shortdesc = "User nova-compute runs as",
     .longdesc = "nova-compute runs as this user, with its primary and supplementary groups, "
                 "HOME, USER and LOGNAME (NovaCompute only)."},
    {.name = "log",
     .type = LB_PARAM_STRING,
     .dflt = "/var/log/nova/nova-compute.log",
     .shortdesc = "File for nova-compute's output",
     .longdesc = "nova-compute's standard output and error are appended to this file, created "
                 "by user if missing (NovaCompute only). Its own logging goes where its "
                 "configuration says (log_file, log_dir, use_stderr)."},
    {.name = "pid",
     .type = LB_PARAM_STRING,
     .unique = true,
     .shortdesc = "PID file",
     .longdesc = "Absolute path of the file in which the agent records nova-compute's PID and "
                 "start time (NovaCompute only). Default: "
                 "$HA_RSCTMP/NovaCompute-INSTANCE.pid (HA_RSCTMP is normally "
                 "/run/resource-agents)."},
    {.name = NULL},
};

static const char *const nc_full_only[] = {"binary", "user", "log", "pid", NULL};

/* ------------------------------------------------------------ instance */

/* What one action works with. */
struct nc {
    const struct lb_ctx *ctx;
    char **files;             /* the configuration files, config_dir's included */
    char host[256];           /* Nova's name of this host */
    char node[256];           /* the cluster's name of this node ("" when unknown) */
    char pidfile[PATH_MAX];   /* NovaCompute */
    char statefile[PATH_MAX]; /* nova-compute-wait */
    struct lb_os *os;
    bool unfence_pending; /* Nova still keeps the host forced down */
};

static bool nc_wait_mode;

static void
nc_free(struct nc *nc)
{
    lb_argv_free(nc->files);
    nc->files = NULL;
    lb_os_free(nc->os);
    nc->os = NULL;
}

static const char *
nc_rsctmp(void)
{
    const char *d = getenv("HA_RSCTMP");

    return d && *d ? d : NC_RSCTMP;
}

static bool
nc_empty(const char *s)
{
    return !s || !*s;
}

/* The PID file (NovaCompute) or the state file (nova-compute-wait). */
static int
nc_paths(const struct lb_ctx *ctx, struct nc *nc)
{
    const char *pid = lb_param_str(ctx, "pid");
    char part[NAME_MAX - 32];
    size_t n;

    nc_file_part(ctx->instance ? ctx->instance : NC_NAME, part, sizeof(part));
    if (nc_wait_mode) {
        /* the peer's name, so that a running resource survives the switch of agents */
        n = (size_t)snprintf(nc->statefile, sizeof(nc->statefile), "%s/%s.active", nc_rsctmp(),
                             part);
        if (n >= sizeof(nc->statefile)) {
            lb_exit_reason("HA_RSCTMP is too long for a state file name");
            return LB_OCF_ERR_CONFIGURED;
        }
        return LB_OCF_SUCCESS;
    }
    if (!nc_empty(pid)) {
        if (pid[0] != '/' || strlen(pid) >= sizeof(nc->pidfile)) {
            lb_exit_reason("pid must be an absolute path (not '%.200s')", pid);
            return LB_OCF_ERR_CONFIGURED;
        }
        snprintf(nc->pidfile, sizeof(nc->pidfile), "%s", pid);
        return LB_OCF_SUCCESS;
    }
    n = (size_t)snprintf(nc->pidfile, sizeof(nc->pidfile), "%s/%s-%s.pid", nc_rsctmp(), NC_NAME,
                         part);
    if (n >= sizeof(nc->pidfile)) {
        lb_exit_reason("HA_RSCTMP is too long for a PID file name");
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

/* Nova's name of this host: host in the configuration, else the system's host name. */
static int
nc_host(const struct lb_ctx *ctx, struct nc *nc)
{
    const char *config = lb_param_str(ctx, "config"), *dir = lb_param_str(ctx, "config_dir");
    const char *bad = NULL;
    struct utsname u;
    char *host = NULL;
    int rc;

    rc = nc_config_files(config, dir, &nc->files);
    if (rc < 0) {
        lb_exit_reason("config_dir %.200s: %s", dir, strerror(-rc));
        return rc == -ENOMEM ? LB_OCF_ERR_GENERIC : LB_OCF_ERR_INSTALLED;
    }
    if (!nc->files[0]) {
        lb_exit_reason("config names no configuration file");
        return LB_OCF_ERR_CONFIGURED;
    }
    rc = nc_configured_host(nc->files, &host, &bad);
    if (rc == 0) {
        snprintf(nc->host, sizeof(nc->host), "%s", host);
        free(host);
    } else if (rc == -ENXIO) {
        if (uname(&u) < 0) {
            lb_exit_reason("uname: %s", strerror(errno));
            return LB_OCF_ERR_GENERIC;
        }
        snprintf(nc->host, sizeof(nc->host), "%s", u.nodename); /* nova-compute's default */
    } else {
        lb_exit_reason("configuration file %.200s: %s", bad, strerror(-rc));
        return rc == -ENOMEM ? LB_OCF_ERR_GENERIC : LB_OCF_ERR_INSTALLED;
    }
    if (!nc->host[0] || strpbrk(nc->host, " \t\n")) {
        lb_exit_reason("Nova host name '%s' from the configuration is not a host name", nc->host);
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

/*
 * The cluster's name of this node, and whether Nova's host name belongs to it.
 * @need: the node name is required (start); otherwise an unknown one skips the check.
 */
static int
nc_node(const struct lb_ctx *ctx, struct nc *nc, bool need)
{
    const char *domain = lb_param_str(ctx, "domain");
    char *node = NULL, why[600];
    int rc = lb_cib_local_node(&node);

    if (rc < 0) {
        if (need) {
            lb_exit_reason("cannot tell the name of this cluster node: %s", strerror(-rc));
            return LB_OCF_ERR_GENERIC;
        }
        lb_debug("cluster node name unknown (%s): host name check skipped", strerror(-rc));
        return LB_OCF_SUCCESS;
    }
    snprintf(nc->node, sizeof(nc->node), "%s", node);
    free(node);
    if (!nc_host_matches(nc->host, nc->node, domain, why, sizeof(why))) {
        lb_exit_reason("%s: fence_compute and NovaEvacuate would not find this host; set host "
                       "in nova.conf or the domain parameter",
                       why);
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ validation */

static int
nc_check_file(const char *what, const char *path, int mode)
{
    if (path[0] != '/') {
        lb_exit_reason("%s must be an absolute path (not '%.200s')", what, path);
        return LB_OCF_ERR_CONFIGURED;
    }
    if (access(path, mode) < 0) {
        lb_exit_reason("%s %.200s: %s", what, path, strerror(errno));
        return LB_OCF_ERR_INSTALLED;
    }
    return LB_OCF_SUCCESS;
}

/* The executable, the user and the log's directory (NovaCompute only). */
static int
nc_validate_full(const struct lb_ctx *ctx)
{
    const char *log = lb_param_str(ctx, "log"), *user = lb_param_str(ctx, "user");
    char dir[PATH_MAX];
    struct stat st;
    int rc;

    if ((rc = nc_check_file("binary", lb_param_str(ctx, "binary"), X_OK)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (nc_empty(user) || !getpwnam(user)) {
        lb_exit_reason("user '%.200s' does not exist", user ? user : "");
        return LB_OCF_ERR_INSTALLED;
    }
    if (nc_empty(log) || log[0] != '/' || strlen(log) >= sizeof(dir)) {
        lb_exit_reason("log must be an absolute path (not '%.200s')", log ? log : "");
        return LB_OCF_ERR_CONFIGURED;
    }
    snprintf(dir, sizeof(dir), "%s", log);
    *strrchr(dir, '/') = '\0';
    if (dir[0] && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))) {
        lb_exit_reason("directory of log %.200s does not exist", log);
        return LB_OCF_ERR_INSTALLED;
    }
    return LB_OCF_SUCCESS;
}

/* Everything that can be checked without Keystone or Nova. */
static int
nc_validate(struct lb_ctx *ctx)
{
    struct nc nc = {.ctx = ctx};
    int rc;

    if ((rc = lb_os_params_validate(ctx)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (!nc_wait_mode && (rc = nc_validate_full(ctx)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if ((rc = nc_paths(ctx, &nc)) == LB_OCF_SUCCESS && (rc = nc_host(ctx, &nc)) == LB_OCF_SUCCESS) {
        for (size_t i = 0; rc == LB_OCF_SUCCESS && nc.files[i]; i++) {
            rc = nc_check_file("configuration file", nc.files[i], R_OK);
        }
        if (rc == LB_OCF_SUCCESS) {
            rc = nc_node(ctx, &nc, false);
        }
    }
    nc_free(&nc);
    return rc;
}

/* ------------------------------------------------------------ Keystone and Nova */

static long
nc_clamp(long v, long lo, long hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* Log in (and, for @negotiate, pick the compute microversion). Returns 0 or -errno with @err. */
static int
nc_connect(struct nc *nc, bool negotiate, struct lb_os_err *err)
{
    const struct lb_ctx *ctx = nc->ctx;
    const char *env, *max = NC_NOVA_MAX;
    struct lb_os_auth a = {0};

    lb_os_params_auth(ctx, &a);

    /* A monitor makes two requests in a row: each may take 2/5 of its timeout. */
    a.http.timeout_ms = nc_clamp(ctx->timeout_ms * 2 / 5, 2000, 30000);
    a.http.connect_timeout_ms = nc_clamp(a.http.timeout_ms, 1000, 5000);
    a.http.deadline_ms = nc_clamp(ctx->timeout_ms * 2 / 5, 3000, 60000);
    a.http.retries = -1;
    nc->os = lb_os_login(&a, err);
    if (!nc->os) {
        return err->status == 401 ? -EACCES : -EIO;
    }
    if (!negotiate) {
        return 0;
    }
    /* LB_NOVA_MICROVERSION_MAX lowers the ceiling, to exercise the older API (tests). */
    env = getenv("LB_NOVA_MICROVERSION_MAX");
    if (env && *env && lb_os_version_cmp(env, NC_NOVA_MAX) < 0) {
        max = env;
    }
    return lb_os_nova_negotiate(nc->os, NC_NOVA_MIN, max, err);
}

/* nc_connect() for start: an OCF code, with the reason given. */
static int
nc_connect_start(struct nc *nc)
{
    struct lb_os_err err = {0};
    int rc = nc_connect(nc, true, &err);

    if (rc == -EACCES) {
        lb_exit_reason("%s", err.msg);
        return LB_OCF_ERR_CONFIGURED; /* wrong credentials are wrong on every node */
    }
    if (rc < 0) {
        lb_exit_reason("%s", err.msg);
        return LB_OCF_ERR_GENERIC;
    }
    lb_debug("Nova compute API microversion %s", lb_os_nova_version(nc->os));
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ evacuations */

/* Milliseconds kept back from waits so that the action ends with its own reason. */
static long
nc_reserve_ms(const struct lb_ctx *ctx)
{
    return lb_ctx_watchdog_margin_ms(ctx) + 1000;
}

/*
 * Wait while the node attribute says evacuations are pending. *@seen: it was
 * set at all (then the evacuation delay applies and it is removed at the end).
 */
static int
nc_wait_evacuations(struct nc *nc, enum nc_evac *seen)
{
    long long t0 = lb_now_ms();
    bool said = false;

    for (;;) {
        char *v = NULL;
        int rc = lb_attrd_query(nc->node, NC_ATTR, &v);
        enum nc_evac st = nc_evac_state(rc == 0 ? v : NULL);

        if (rc < 0 && rc != -ENXIO) {
            lb_exit_reason("cannot read node attribute %s of %s from attrd: %s", NC_ATTR, nc->node,
                           strerror(-rc));
            return LB_OCF_ERR_GENERIC;
        }
        if (st != NC_EVAC_PENDING) {
            free(v);
            *seen = said ? NC_EVAC_PENDING : st;
            if (said) {
                lb_info("evacuations from %s are done after %lld s", nc->host,
                        (lb_now_ms() - t0) / 1000);
            }
            return LB_OCF_SUCCESS;
        }
        if (!said) {
            lb_info("waiting for pending evacuations from %s (node attribute %s=%s)", nc->host,
                    NC_ATTR, v);
            said = true;
        }
        if (lb_ctx_time_left_ms(nc->ctx, nc_reserve_ms(nc->ctx)) < NC_POLL_MS) {
            lb_exit_reason("evacuations from %s still pending after %lld s (node attribute "
                           "%s=%s on %s; NovaEvacuate sets it to \"no\" when they are done)",
                           nc->host, (lb_now_ms() - t0) / 1000, NC_ATTR, v, nc->node);
            free(v);
            return LB_OCF_ERR_GENERIC;
        }
        free(v);
        lb_sleep_ms(NC_POLL_MS);
    }
}

/*
 * After a fencing: pause while Nova still runs evacuations from this host, at
 * most evacuation_delay (the peer always sleeps that long).
 */
static void
nc_settle(struct nc *nc)
{
    long delay = lb_param_int(nc->ctx, "evacuation_delay", 120) * 1000;
    long long until = lb_now_ms() + delay;
    struct lb_os_err err = {0};

    for (;;) {
        long left = lb_ctx_time_left_ms(nc->ctx, nc_reserve_ms(nc->ctx));
        long wait = (long)(until - lb_now_ms());
        int n = lb_nova_evacuations_running(nc->os, nc->host, &err);

        if (n == 0) {
            lb_info("Nova runs no evacuation from %s: no pause", nc->host);
            return;
        }
        wait = wait < left ? wait : left;
        if (n < 0) {
            lb_warn("cannot list evacuations from %s (%s): pausing %ld s (evacuation_delay)",
                    nc->host, err.msg, wait > 0 ? wait / 1000 : 0);
            if (wait > 0) {
                lb_sleep_ms(wait);
            }
            return;
        }
        if (wait <= 0) {
            lb_warn("Nova still runs %d evacuation(s) from %s after evacuation_delay; starting "
                    "all the same",
                    n, nc->host);
            return;
        }
        lb_info("Nova still runs %d evacuation(s) from %s: pausing", n, nc->host);
        lb_sleep_ms(wait < NC_POLL_MS ? wait : NC_POLL_MS);
    }
}

/* Remove evacuate=no once the node is back (as the peer): the next start need not pause. */
static void
nc_forget_evacuation(struct nc *nc)
{
    int rc = lb_attrd_update(nc->node, NC_ATTR, NULL);

    if (rc < 0) {
        lb_warn("could not remove node attribute %s of %s: %s", NC_ATTR, nc->node, strerror(-rc));
    }
}

/* ------------------------------------------------------------ unfencing */

/*
 * Clear forced_down: 0 when done, 1 when Nova refuses for now (evacuations not
 * yet cleaned up by the host's nova-compute), -1 on another error (@err).
 */
static int
nc_clear_forced_down(struct nc *nc, const struct lb_nova_service *svc, struct lb_os_err *err)
{
    int rc = lb_nova_service_force_down(nc->os, svc, false, err);

    if (rc == 0 || rc == -ENOTSUP) {
        if (rc == 0) {
            lb_info("cleared forced_down of nova-compute on %s", nc->host);
        }
        nc->unfence_pending = false;
        return 0;
    }
    return rc == -EINVAL ? 1 : -1;
}

/* Enable the host's service and clear forced_down (or note that Nova refuses it for now). */
static int
nc_unfence(struct nc *nc)
{
    struct lb_nova_service svc;
    struct lb_os_err err = {0};
    int rc = lb_nova_service_get(nc->os, nc->host, &svc, &err);

    if (rc == -ENXIO) {
        lb_info("Nova has no nova-compute service for %s yet: nothing to unfence", nc->host);
        return LB_OCF_SUCCESS;
    }
    if (rc < 0) {
        lb_exit_reason("cannot look up the nova-compute service of %s: %s", nc->host, err.msg);
        return LB_OCF_ERR_GENERIC;
    }
    if (!svc.enabled) {
        if (lb_nova_service_enable(nc->os, &svc, &err) < 0) {
            lb_exit_reason("cannot enable the nova-compute service of %s: %s", nc->host, err.msg);
            return LB_OCF_ERR_GENERIC;
        }
        lb_info("enabled nova-compute on %s (was disabled%s%s)", nc->host,
                svc.disabled_reason[0] ? ": " : "", svc.disabled_reason);
    }
    if (!svc.forced_down) {
        return LB_OCF_SUCCESS;
    }
    nc->unfence_pending = true;
    rc = nc_clear_forced_down(nc, &svc, &err);
    if (rc < 0) {
        lb_exit_reason("cannot clear forced_down of nova-compute on %s: %s", nc->host, err.msg);
        return LB_OCF_ERR_GENERIC;
    }
    if (rc > 0) {
        lb_info("Nova keeps %s forced down until its nova-compute has cleaned up the evacuated "
                "servers (%s): clearing it once Nova accepts",
                nc->host, err.msg);
    }
    return LB_OCF_SUCCESS;
}

/* Start's common part: wait for evacuations, pause, unfence. */
static int
nc_recover(struct nc *nc, enum nc_evac *seen)
{
    int rc;

    if ((rc = nc_connect_start(nc)) != LB_OCF_SUCCESS ||
        (rc = nc_wait_evacuations(nc, seen)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (*seen != NC_EVAC_NONE) {
        nc_settle(nc);
    }
    return nc_unfence(nc);
}

/* ------------------------------------------------------------ the process */

/* The PID file holds "PID\nSTARTTIME\n": a recycled PID is never taken for nova-compute. */
static bool
nc_running(const struct nc *nc, pid_t *pid)
{
    unsigned long long want = 0, got = 0;
    char line[64] = "";
    FILE *f;

    *pid = 0;
    if (lb_process_pidfile(nc->pidfile, pid) < 0 || !lb_process_alive(*pid)) {
        return false;
    }
    f = fopen(nc->pidfile, "re");
    if (f) {
        if (!fgets(line, sizeof(line), f) || !fgets(line, sizeof(line), f)) {
            line[0] = '\0';
        }
        fclose(f);
    }
    if (sscanf(line, "%llu", &want) != 1 || lb_process_starttime(*pid, &got) < 0 || got != want) {
        lb_debug("PID %d of %s is not the nova-compute it recorded", (int)*pid, nc->pidfile);
        return false;
    }
    return true;
}

static int
nc_write_pidfile(const struct nc *nc, pid_t pid)
{
    unsigned long long t = 0;
    char tmp[PATH_MAX + 8];
    FILE *f;

    lb_process_starttime(pid, &t);
    snprintf(tmp, sizeof(tmp), "%s.new", nc->pidfile);
    f = fopen(tmp, "we");
    if (!f) {
        return -errno;
    }
    fprintf(f, "%d\n%llu\n", (int)pid, t);
    if (fclose(f) != 0 || rename(tmp, nc->pidfile) < 0) {
        int err = errno;

        unlink(tmp);
        return -err;
    }
    return 0;
}

/* binary --config-file F... [--config-dir D] */
static char **
nc_argv(const struct lb_ctx *ctx)
{
    char **list = lb_argv_split(lb_param_str(ctx, "config"));
    const char *dir = lb_param_str(ctx, "config_dir");
    size_t n = 0, cap = 4;
    char **v;

    for (size_t i = 0; list && list[i]; i++) {
        cap += 2;
    }
    v = list ? calloc(cap, sizeof(*v)) : NULL;
    if (!v) {
        lb_argv_free(list);
        return NULL;
    }
    v[n++] = strdup(lb_param_str(ctx, "binary"));
    for (size_t i = 0; list[i]; i++) {
        v[n++] = strdup("--config-file");
        v[n++] = strdup(list[i]);
    }
    if (!nc_empty(dir)) {
        v[n++] = strdup("--config-dir");
        v[n++] = strdup(dir);
    }
    lb_argv_free(list);
    for (size_t i = 0; i < n; i++) {
        if (!v[i]) {
            for (size_t j = i + 1; j < n; j++) {
                free(v[j]);
            }
            v[i] = NULL; /* lb_argv_free stops here */
            lb_argv_free(v);
            return NULL;
        }
    }
    return v;
}

/* The agent's environment for nova-compute: no parameter (password), the user's identity. */
static char **
nc_env(const char *user)
{
    static const char *const drop[] = {"OCF_", "HA_", "PCMK_", "CIB_", NULL};
    struct passwd *pw = getpwnam(user);
    char home[PATH_MAX + 8], usr[300], logname[300];
    const char *set[] = {"LIBGUESTFS_ATTACH_METHOD=appliance", home, usr, logname, NULL};

    if (!pw) {
        return NULL;
    }
    snprintf(home, sizeof(home), "HOME=%s", pw->pw_dir);
    snprintf(usr, sizeof(usr), "USER=%s", pw->pw_name);
    snprintf(logname, sizeof(logname), "LOGNAME=%s", pw->pw_name);
    return lb_env_filter(drop, set);
}

static int
nc_spawn(struct nc *nc, pid_t *pid)
{
    const struct lb_ctx *ctx = nc->ctx;
    const char *user = lb_param_str(ctx, "user"), *log = lb_param_str(ctx, "log");
    char **argv = nc_argv(ctx), **envp = nc_env(user);
    struct lb_daemon_opts o = {.envp = (const char *const *)envp, .user = user, .output = log};
    const char *failed = NULL;
    int rc;

    if (!argv || !envp) {
        lb_argv_free(argv);
        lb_argv_free(envp);
        lb_exit_reason("cannot prepare nova-compute's command line or environment");
        return LB_OCF_ERR_GENERIC;
    }
    if (mkdir(nc_rsctmp(), 01755) == 0) {
        lb_info("created %s", nc_rsctmp());
    }
    rc = lb_daemon_spawn_opts((const char *const *)argv, &o, pid, &failed);
    lb_argv_free(argv);
    lb_argv_free(envp);
    if (rc < 0) {
        if (failed && !strcmp(failed, "output")) {
            lb_exit_reason("cannot open log %s as user %s: %s", log, user, strerror(-rc));
        } else {
            lb_exit_reason("cannot start %s as user %s (%s): %s", lb_param_str(ctx, "binary"), user,
                           failed ? failed : "spawn", strerror(-rc));
        }
        return LB_OCF_ERR_INSTALLED;
    }
    if ((rc = nc_write_pidfile(nc, *pid)) < 0) {
        lb_exit_reason("cannot write PID file %s: %s", nc->pidfile, strerror(-rc));
        kill(*pid, SIGTERM);
        return LB_OCF_ERR_GENERIC;
    }
    lb_info("started nova-compute (PID %d) as user %s, output in %s", (int)*pid, user, log);
    return LB_OCF_SUCCESS;
}

/* The last non-empty line of @path (for a reason), at most @len - 1 bytes. */
static void
nc_last_line(const char *path, char *out, size_t len)
{
    char buf[4096];
    FILE *f = fopen(path, "re");
    long size;
    size_t n = 0;

    out[0] = '\0';
    if (!f) {
        return;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0) {
        fseek(f, size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1 : 0, SEEK_SET);
        n = fread(buf, 1, sizeof(buf) - 1, f);
    }
    fclose(f);
    buf[n] = '\0';
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) {
        buf[--n] = '\0';
    }
    snprintf(out, len, "%s", strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf);
}

/* What start waits for, and what Nova said last. */
struct nc_wait {
    char since[64]; /* updated_at before the spawn (or after our last change) */
    int get_rc;     /* last lookup of the service */
    struct lb_nova_service svc;
    struct lb_os_err err;   /* of the last lookup */
    struct lb_os_err force; /* of the last attempt to clear forced_down */
};

/* Why start gives up. */
static void
nc_why_not_up(const struct nc *nc, const struct nc_wait *w, char *why, size_t len)
{
    if (w->get_rc == -ENXIO) {
        snprintf(why, len, "Nova has no nova-compute service for host %s (check host in %s)",
                 nc->host, nc->files[0]);
    } else if (w->get_rc < 0) {
        snprintf(why, len, "Nova could not be asked: %s", w->err.msg);
    } else if (w->svc.forced_down) {
        snprintf(why, len, "Nova keeps %s forced down: %s", nc->host,
                 w->force.msg[0] ? w->force.msg : "forced_down could not be cleared");
    } else if (!strcmp(w->svc.updated_at, w->since)) {
        snprintf(why, len, "it has not reported to Nova yet (last report of %s %s)", nc->host,
                 w->since[0] ? w->since : "never");
    } else {
        snprintf(why, len, "Nova reports the service of %s down (last report %s)", nc->host,
                 w->svc.updated_at[0] ? w->svc.updated_at : "never");
    }
}

/* The service's updated_at now ("" when Nova has no service for the host yet). */
static void
nc_updated_at(struct nc *nc, char *out, size_t len)
{
    struct lb_nova_service svc;
    struct lb_os_err err = {0};

    out[0] = '\0';
    if (lb_nova_service_get(nc->os, nc->host, &svc, &err) == 0) {
        snprintf(out, len, "%s", svc.updated_at);
    }
}

/*
 * After the spawn: wait until the new nova-compute has reported to Nova (the
 * service's updated_at moved) and Nova reports it up, clearing forced_down as
 * soon as Nova accepts. "up" alone is not enough: Nova says up for
 * service_down_time after the last report of the previous nova-compute.
 */
static int
nc_wait_up(struct nc *nc, pid_t pid, const char *since)
{
    const char *log = lb_param_str(nc->ctx, "log");
    long long t0 = lb_now_ms();
    struct nc_wait w;
    char why[1200], last[400];

    memset(&w, 0, sizeof(w));
    snprintf(w.since, sizeof(w.since), "%s", since);
    for (;;) {
        if (!lb_process_alive(pid)) {
            nc_last_line(log, last, sizeof(last));
            lb_exit_reason("nova-compute (PID %d) exited during start%s%s (see %s)", (int)pid,
                           last[0] ? ": " : "", last, log);
            return LB_OCF_ERR_GENERIC;
        }
        w.get_rc = lb_nova_service_get(nc->os, nc->host, &w.svc, &w.err);
        if (w.get_rc == 0 && w.svc.forced_down && nc_clear_forced_down(nc, &w.svc, &w.force) == 0) {
            /* our change moved updated_at too: only a later one is a report */
            nc_updated_at(nc, w.since, sizeof(w.since));
            w.svc.forced_down = false;
        } else if (w.get_rc == 0 && w.svc.up && !w.svc.forced_down &&
                   strcmp(w.svc.updated_at, w.since)) {
            lb_info("nova-compute on %s is up in Nova after %lld ms", nc->host, lb_now_ms() - t0);
            return LB_OCF_SUCCESS;
        }
        if (lb_ctx_time_left_ms(nc->ctx, nc_reserve_ms(nc->ctx)) < NC_POLL_MS) {
            nc_why_not_up(nc, &w, why, sizeof(why));
            lb_exit_reason("nova-compute (PID %d) runs, but after %lld s %s", (int)pid,
                           (lb_now_ms() - t0) / 1000, why);
            return LB_OCF_ERR_GENERIC;
        }
        lb_sleep_ms(NC_POLL_MS);
    }
}

/* ------------------------------------------------------------ NovaCompute actions */

static int
nc_start(struct lb_ctx *ctx)
{
    struct nc nc = {.ctx = ctx};
    enum nc_evac seen = NC_EVAC_NONE;
    char since[64];
    pid_t pid;
    int rc;

    if ((rc = nc_paths(ctx, &nc)) != LB_OCF_SUCCESS || (rc = nc_host(ctx, &nc)) != LB_OCF_SUCCESS ||
        (rc = nc_node(ctx, &nc, true)) != LB_OCF_SUCCESS) {
        goto out;
    }
    if (nc_running(&nc, &pid)) {
        lb_info("nova-compute (PID %d) is already running", (int)pid);
        goto out;
    }
    if ((rc = nc_recover(&nc, &seen)) != LB_OCF_SUCCESS) {
        goto out;
    }
    nc_updated_at(&nc, since, sizeof(since));
    if ((rc = nc_spawn(&nc, &pid)) != LB_OCF_SUCCESS ||
        (rc = nc_wait_up(&nc, pid, since)) != LB_OCF_SUCCESS) {
        goto out;
    }
    if (seen != NC_EVAC_NONE) {
        nc_forget_evacuation(&nc);
    }
out:
    nc_free(&nc);
    return rc;
}

/* A time for the next step of a stop: an eighth of the timeout, 1 to 5 s. */
static long
nc_stop_step_ms(const struct lb_ctx *ctx)
{
    return nc_clamp(ctx->timeout_ms / 8, 1000, 5000);
}

/* Whatever nova-compute left in its process group (helpers): TERM, then KILL. */
static void
nc_stop_group(pid_t pgid)
{
    for (int i = 0; i < 20 && kill(-pgid, 0) == 0; i++) {
        kill(-pgid, i < 10 ? SIGTERM : SIGKILL);
        lb_sleep_ms(100);
    }
}

static int
nc_stop(struct lb_ctx *ctx)
{
    long wd = lb_ctx_watchdog_margin_ms(ctx), step = nc_stop_step_ms(ctx);
    struct nc nc = {.ctx = ctx};
    pid_t pid;
    int rc;

    if ((rc = lb_params_validate(ctx)) != LB_OCF_SUCCESS ||
        (rc = nc_paths(ctx, &nc)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (!nc_running(&nc, &pid)) {
        unlink(nc.pidfile);
        return LB_OCF_SUCCESS;
    }
    lb_info("stopping nova-compute (PID %d)", (int)pid);
    kill(pid, SIGTERM);
    if (lb_process_wait_exit(pid, lb_ctx_time_left_ms(ctx, wd + step)) < 0) {
        lb_warn("nova-compute (PID %d) still running; killing it", (int)pid);
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        if (lb_process_wait_exit(pid, lb_ctx_time_left_ms(ctx, wd)) < 0) {
            lb_exit_reason("nova-compute (PID %d) survived SIGKILL", (int)pid);
            return LB_OCF_ERR_GENERIC;
        }
    }
    nc_stop_group(pid);
    unlink(nc.pidfile);
    lb_info("nova-compute (PID %d) stopped", (int)pid);
    return LB_OCF_SUCCESS;
}

/*
 * Nova's view of a running nova-compute. Keystone or Nova out of reach is a
 * control-plane outage, not this node's fault: restarting every compute
 * service of the cloud would not help, so that is only a warning.
 */
static int
nc_monitor_nova(struct nc *nc, pid_t pid)
{
    struct lb_nova_service svc;
    struct lb_os_err err = {0};
    int rc = nc_connect(nc, false, &err);

    if (rc == -EACCES) {
        lb_exit_reason("cannot check nova-compute in Nova: %s", err.msg);
        return LB_OCF_ERR_GENERIC;
    }
    if (rc == 0) {
        rc = lb_nova_service_get(nc->os, nc->host, &svc, &err);
    }
    if (rc == -ENXIO) {
        lb_exit_reason("nova-compute (PID %d) runs, but Nova has no nova-compute service for "
                       "host %s",
                       (int)pid, nc->host);
        return LB_OCF_ERR_GENERIC;
    }
    if (rc < 0) {
        lb_warn("nova-compute (PID %d) runs; Nova cannot be asked about it: %s", (int)pid, err.msg);
        return LB_OCF_SUCCESS;
    }
    if (!svc.up) {
        /* forced_down is only reported from 2.11: ask again to say why (this is rare) */
        struct lb_nova_service again;

        if (lb_os_nova_negotiate(nc->os, NC_NOVA_MIN, NC_NOVA_MAX, &err) == 0 &&
            lb_nova_service_get(nc->os, nc->host, &again, &err) == 0) {
            svc = again;
        }
        lb_exit_reason("nova-compute (PID %d) runs, but Nova reports the service of %s down%s "
                       "(last report %s)",
                       (int)pid, nc->host, svc.forced_down ? " (forced down)" : "",
                       svc.updated_at[0] ? svc.updated_at : "never");
        return LB_OCF_ERR_GENERIC;
    }
    return LB_OCF_SUCCESS;
}

static int
nc_monitor(struct lb_ctx *ctx)
{
    struct nc nc = {.ctx = ctx};
    pid_t pid;
    int rc;

    if ((rc = lb_params_validate(ctx)) != LB_OCF_SUCCESS ||
        (rc = nc_paths(ctx, &nc)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (!nc_running(&nc, &pid)) {
        if (pid > 0 && !ctx->is_probe) {
            lb_info("nova-compute (PID %d) is gone", (int)pid);
        }
        return LB_OCF_NOT_RUNNING;
    }
    /* From here on nova-compute runs: a failure is an error, never "not running". */
    rc = nc_host(ctx, &nc);
    if (rc == LB_OCF_SUCCESS) {
        rc = nc_monitor_nova(&nc, pid);
    } else {
        rc = LB_OCF_ERR_GENERIC;
    }
    nc_free(&nc);
    return rc;
}

/* ------------------------------------------------------------ nova-compute-wait actions */

static int
nc_write_state(const struct nc *nc)
{
    FILE *f;

    if (mkdir(nc_rsctmp(), 01755) == 0) {
        lb_info("created %s", nc_rsctmp());
    }
    f = fopen(nc->statefile, "we");
    if (!f) {
        return -errno;
    }
    if (nc->unfence_pending) {
        fprintf(f, "%s %s\n", NC_UNFENCE_TAG, nc->host);
    }
    return fclose(f) == 0 ? 0 : -errno;
}

static int
nc_wait_start(struct lb_ctx *ctx)
{
    struct nc nc = {.ctx = ctx};
    enum nc_evac seen = NC_EVAC_NONE;
    int rc;

    if ((rc = nc_paths(ctx, &nc)) != LB_OCF_SUCCESS || (rc = nc_host(ctx, &nc)) != LB_OCF_SUCCESS ||
        (rc = nc_node(ctx, &nc, true)) != LB_OCF_SUCCESS ||
        (rc = nc_recover(&nc, &seen)) != LB_OCF_SUCCESS) {
        goto out;
    }
    if ((rc = nc_write_state(&nc)) < 0) {
        lb_exit_reason("cannot write state file %s: %s", nc.statefile, strerror(-rc));
        rc = LB_OCF_ERR_GENERIC;
        goto out;
    }
    rc = LB_OCF_SUCCESS;
    if (seen != NC_EVAC_NONE) {
        nc_forget_evacuation(&nc);
    }
    lb_info("%s may run nova-compute%s", nc.host,
            nc.unfence_pending ? " (forced_down is cleared by the monitor once Nova accepts)" : "");
out:
    nc_free(&nc);
    return rc;
}

static int
nc_wait_stop(struct lb_ctx *ctx)
{
    struct nc nc = {.ctx = ctx};
    int rc;

    if ((rc = lb_params_validate(ctx)) != LB_OCF_SUCCESS ||
        (rc = nc_paths(ctx, &nc)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (unlink(nc.statefile) < 0 && errno != ENOENT) {
        lb_exit_reason("cannot remove state file %s: %s", nc.statefile, strerror(errno));
        return LB_OCF_ERR_GENERIC;
    }
    return LB_OCF_SUCCESS;
}

/* A start that left forced_down set: try again (the state file says so). */
static void
nc_wait_unfence_later(struct nc *nc)
{
    struct lb_nova_service svc;
    struct lb_os_err err = {0};
    int rc;

    if (nc_host(nc->ctx, nc) != LB_OCF_SUCCESS) {
        return;
    }
    nc->unfence_pending = true;
    rc = nc_connect(nc, true, &err);
    if (rc == 0) {
        rc = lb_nova_service_get(nc->os, nc->host, &svc, &err);
    }
    if (rc == -ENXIO || (rc == 0 && !svc.forced_down)) {
        nc->unfence_pending = false; /* nothing left to clear */
    } else if (rc < 0) {
        lb_warn("forced_down of %s still to be cleared: %s", nc->host, err.msg);
        return;
    } else if (nc_clear_forced_down(nc, &svc, &err) != 0) {
        lb_debug("Nova still keeps %s forced down: %s", nc->host, err.msg);
        return;
    }
    nc_write_state(nc);
}

static int
nc_wait_monitor(struct lb_ctx *ctx)
{
    struct nc nc = {.ctx = ctx};
    char line[64] = "";
    FILE *f;
    int rc;

    if ((rc = lb_params_validate(ctx)) != LB_OCF_SUCCESS ||
        (rc = nc_paths(ctx, &nc)) != LB_OCF_SUCCESS) {
        return rc;
    }
    f = fopen(nc.statefile, "re");
    if (!f) {
        return LB_OCF_NOT_RUNNING;
    }
    if (!fgets(line, sizeof(line), f)) {
        line[0] = '\0';
    }
    fclose(f);
    if (!strncmp(line, NC_UNFENCE_TAG, strlen(NC_UNFENCE_TAG))) {
        nc_wait_unfence_later(&nc);
    }
    nc_free(&nc);
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ tables */

static const struct lb_action nc_actions[] = {
    {.name = "start", .fn = nc_start, .timeout = "600s", .needs_validation = true},
    {.name = "stop", .fn = nc_stop, .timeout = "300s"},
    {.name = "monitor", .fn = nc_monitor, .timeout = "20s", .interval = "10s"},
    {.name = NULL},
};

static const struct lb_action nc_wait_actions[] = {
    {.name = "start", .fn = nc_wait_start, .timeout = "600s", .needs_validation = true},
    {.name = "stop", .fn = nc_wait_stop, .timeout = "300s"},
    {.name = "monitor", .fn = nc_wait_monitor, .timeout = "20s", .interval = "10s"},
    {.name = NULL},
};

static const struct lb_agent nc_agent = {
    .name = NC_NAME,
    .shortdesc = "OpenStack Nova Compute Server",
    .longdesc = "Runs nova-compute on a compute node of an instance-HA cluster, a drop-in for "
                "openstack-resource-agents' NovaCompute. Start waits while this node's "
                "evacuations are pending (node attribute evacuate, set by fence_compute and "
                "NovaEvacuate), unfences the host in Nova (service enabled, not forced down) "
                "and starts nova-compute itself (detached, as user, with its own configuration "
                "files), then waits until Nova reports the service up. Monitor checks that the "
                "process is alive and that Nova reports its service up. Stop is nova-compute's "
                "graceful shutdown (SIGTERM). The same program installed as nova-compute-wait "
                "leaves nova-compute to the init system.",
    .params = nc_params,
    .actions = nc_actions,
    .validate = nc_validate,
};

static struct lb_param nc_wait_params[sizeof(nc_params) / sizeof(nc_params[0])];

static const struct lb_agent nc_wait_agent = {
    .name = NC_WAIT_NAME,
    .shortdesc = "OpenStack Nova Compute Server (wait for evacuations, unfence)",
    .longdesc = "The wait-only variant of NovaCompute, a drop-in for openstack-resource-agents' "
                "nova-compute-wait: nova-compute itself is left to the init system (order it "
                "after this resource). Start waits while this node's evacuations are pending "
                "(node attribute evacuate), pauses while Nova still runs evacuations from this "
                "host, and unfences the host in Nova (service enabled, not forced down; when "
                "Nova refuses the latter until nova-compute has cleaned up evacuated servers, "
                "the monitor clears it later). Monitor and stop only look at the agent's state "
                "file.",
    .params = nc_wait_params,
    .actions = nc_wait_actions,
    .validate = nc_validate,
};

static bool
nc_is_full_only(const char *name)
{
    for (int i = 0; nc_full_only[i]; i++) {
        if (!strcmp(name, nc_full_only[i])) {
            return true;
        }
    }
    return false;
}

int
main(int argc, char **argv)
{
    const char *self = argc > 0 && argv[0] ? argv[0] : NC_NAME;
    const char *base = strrchr(self, '/') ? strrchr(self, '/') + 1 : self;
    size_t n = 0;

    if (strcmp(base, NC_WAIT_NAME)) {
        return lb_ocf_main(&nc_agent, argc, argv);
    }
    nc_wait_mode = true;
    for (const struct lb_param *p = nc_params; p->name; p++) {
        if (!nc_is_full_only(p->name)) {
            nc_wait_params[n++] = *p; /* the rest stays zero: the terminator */
        }
    }
    return lb_ocf_main(&nc_wait_agent, argc, argv);
}
