/*
 * ocf:lifeboat:haproxy: HAProxy in master-worker mode as a Pacemaker resource.
 *
 * No ClusterLabs agent exists for HAProxy; users ran systemd:haproxy. This one:
 *
 * - start runs `haproxy -W -S MASTER,mode,600 -f CONFIG -p PIDFILE -D` and
 *   waits until the worker answers on its stats socket;
 * - stop is graceful: a soft stop (SIGUSR1 to the master: stop listening,
 *   finish the connections), then SIGTERM and SIGKILL only when the
 *   operation's timeout draws near;
 * - monitor talks to the stats socket directly (no fork): the worker answers
 *   `show info`, and every backend in `backends` has its minimum of servers
 *   UP in `show stat`;
 * - reload (and OCF 1.1 reload-agent) checks the configuration with
 *   `haproxy -c`, sends `reload` to the master CLI and confirms with
 *   `show proc` that a new worker took over. The listening sockets pass from
 *   the old worker to the new one, so no connection is refused. A failed
 *   reload keeps the old worker serving and is reported as an error.
 * - validate-all runs `haproxy -c` and reports its first error line.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lifeboat/domxml.h"
#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "lifeboat/process.h"
#include "lifeboat/proc.h"
#include "lifeboat/usock.h"

#define HAP_NAME     "haproxy"
#define HAP_SOCK_MAX sizeof(((struct sockaddr_un *)NULL)->sun_path)

/* ------------------------------------------------------------ parameters */

static const struct lb_param hap_params[] = {
    {.name = "binary",
     .type = LB_PARAM_STRING,
     .dflt = "/usr/sbin/haproxy",
     .shortdesc = "HAProxy binary",
     .longdesc = "Path of the haproxy executable."},
    {.name = "config",
     .type = LB_PARAM_STRING,
     .dflt = "/etc/haproxy/haproxy.cfg",
     .unique = true,
     .shortdesc = "HAProxy configuration",
     .longdesc = "Configuration file, or directory of *.cfg files, given to haproxy with -f. "
                 "Edit it, then reload the resource: the new configuration is checked first, "
                 "and a broken one leaves the running worker untouched."},
    {.name = "pid",
     .type = LB_PARAM_STRING,
     .unique = true,
     .shortdesc = "PID file of the master process",
     .longdesc = "Absolute path of the file haproxy writes the master's PID to (-p). "
                 "Default: $HA_RSCTMP/lifeboat-haproxy-INSTANCE.pid (HA_RSCTMP is normally "
                 "/run/resource-agents)."},
    {.name = "master_socket",
     .type = LB_PARAM_STRING,
     .unique = true,
     .shortdesc = "Master CLI socket",
     .longdesc = "Absolute path of the master CLI's unix socket (-S PATH,mode,600), used to "
                 "reload and to check a reload with 'show proc'. Default: "
                 "$HA_RSCTMP/lifeboat-haproxy-INSTANCE.master."},
    {.name = "stats_socket",
     .type = LB_PARAM_STRING,
     .unique = true,
     .shortdesc = "Stats socket of the worker",
     .longdesc = "Absolute path of the unix socket on which the worker answers 'show info' and "
                 "'show stat' (monitor talks to it directly). Default: the first 'stats socket' "
                 "line of the configuration with a unix path (/path or unix@/path); without "
                 "one, this parameter is required. Any level will do; HAProxy's documentation "
                 "suggests 'stats socket PATH mode 600 level admin expose-fd listeners'."},
    {.name = "extra_options",
     .type = LB_PARAM_STRING,
     .shortdesc = "Extra command-line options",
     .longdesc = "Options added to haproxy's command line at start and in the configuration "
                 "check, split on blanks (no quoting, no shell), e.g. \"-f "
                 "/etc/haproxy/conf.d -L node1\". The agent's own options (-D -W -Ws -S -p -c "
                 "-sf -st -x) are refused."},
    {.name = "backends",
     .type = LB_PARAM_STRING,
     .shortdesc = "Backends and their minimum of servers UP",
     .longdesc = "Blank-separated NAME:MIN pairs, e.g. \"be_app:2 be_db:1\": monitor fails when "
                 "backend NAME has fewer than MIN servers UP in 'show stat' (UP, also while "
                 "going down, or 'no check'; not DOWN, NOLB, DRAIN or MAINT). A backend haproxy "
                 "does not know is a configuration error. Start does not wait for health "
                 "checks; the first recurring monitor applies the minimums."},
    {.name = NULL},
};

/* ------------------------------------------------------------ instance */

/* Where one instance lives. */
struct hap {
    const char *binary;
    const char *config;
    char pidfile[PATH_MAX];
    char master[HAP_SOCK_MAX];
    char stats[HAP_SOCK_MAX]; /* "" until hap_stats_path() */
};

/* What `show proc` on the master CLI says. */
#define HAP_MAX_WORKERS 64
struct hap_procs {
    long reloads, failed; /* of the master; failed is reset by a successful reload */
    pid_t workers[HAP_MAX_WORKERS];
    size_t nworkers; /* current workers, not the old ones finishing their connections */
};

/* The plumbing below the actions. */
static const char *hap_rsctmp(void);
static int hap_load(const struct lb_ctx *ctx, struct hap *h);
static int hap_stats_path(const struct lb_ctx *ctx, struct hap *h);
static bool hap_master(const struct hap *h, pid_t *master);
static int hap_worker(const struct lb_ctx *ctx, const struct hap *h, pid_t master, pid_t *worker,
                      char *why, size_t len);
static int hap_wait_worker(struct lb_ctx *ctx, const struct hap *h, pid_t master, pid_t *worker);
static int hap_backends_parse(const char *s, char (*names)[128], long *mins, size_t max, size_t *n);
static int hap_backends(const struct lb_ctx *ctx, const struct hap *h);
static int hap_check_config(const struct lb_ctx *ctx, const struct hap *h);
static int hap_show_proc(const struct lb_ctx *ctx, const struct hap *h, struct hap_procs *p,
                         char *why, size_t len);
static int hap_master_config_is(pid_t master, const char *config);
static char **hap_argv(const struct lb_ctx *ctx, const struct hap *h, bool check);
static void hap_first_error(const struct lb_proc_result *res, char *buf, size_t len);
static long hap_cli_timeout(const struct lb_ctx *ctx);
static int hap_cfg_filter(const struct dirent *e);
static void hap_remember_config(const struct lb_ctx *ctx, const struct hap *h);
static int hap_follow_config(struct lb_ctx *ctx, const struct hap *h);

/* ------------------------------------------------------------ start */

static int
hap_start(struct lb_ctx *ctx)
{
    struct lb_proc_result res;
    struct hap h;
    char **argv, err[512];
    pid_t master, worker;
    int rc;

    if ((rc = hap_load(ctx, &h)) != LB_OCF_SUCCESS ||
        (rc = hap_stats_path(ctx, &h)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (hap_master(&h, &master)) {
        lb_info("haproxy master %d is already running", (int)master);
        return hap_wait_worker(ctx, &h, master, &worker);
    }
    unlink(h.pidfile); /* stale: the next PID read must be the new master's */
    if (mkdir(hap_rsctmp(), 01755) == 0) {
        lb_info("created %s", hap_rsctmp()); /* a fresh /run after a reboot */
    }
    argv = hap_argv(ctx, &h, false);
    if (!argv) {
        lb_exit_reason("out of memory");
        return LB_OCF_ERR_GENERIC;
    }
    rc = lb_proc_run((const char *const *)argv, NULL, NULL, hap_cli_timeout(ctx), &res);
    lb_argv_free(argv);
    if (rc < 0) {
        lb_exit_reason("cannot run %s: %s", h.binary, strerror(-rc));
        return LB_OCF_ERR_INSTALLED;
    }
    hap_first_error(&res, err, sizeof(err));
    rc = res.timed_out ? -1 : res.status;
    lb_proc_result_free(&res);
    if (rc < 0) {
        lb_exit_reason("haproxy did not daemonize within the start timeout: %s", err);
        return LB_OCF_ERR_GENERIC;
    }
    if (rc != 0) {
        lb_exit_reason("haproxy failed to start (exit code %d): %s", rc, err);
        return LB_OCF_ERR_GENERIC;
    }
    rc = hap_wait_worker(ctx, &h, 0, &worker);
    if (rc == LB_OCF_SUCCESS && hap_master(&h, &master)) {
        lb_info("haproxy started: master %d, worker %d", (int)master, (int)worker);
        hap_remember_config(ctx, &h);
    }
    return rc;
}

/* ------------------------------------------------------------ stop */

/*
 * Time kept back for the next step of a stop: an eighth of the timeout,
 * between 1 and 5 s, on top of the runtime watchdog's margin.
 */
static long
hap_stop_step_ms(const struct lb_ctx *ctx)
{
    long step = ctx->timeout_ms / 8;

    return step < 1000 ? 1000 : (step > 5000 ? 5000 : step);
}

/*
 * Soft stop: SIGUSR1 to the master, which passes it to the workers; they stop
 * listening and exit once their connections are done, then the master exits.
 * Sent again every second, because a master that is still starting (or
 * re-executing for a reload) may drop it. True when the master is gone before
 * the time left drops to @keep_ms.
 */
static bool
hap_soft_stop(const struct lb_ctx *ctx, pid_t master, long keep_ms)
{
    long left;

    do {
        kill(master, SIGUSR1);
        left = lb_ctx_time_left_ms(ctx, keep_ms);
        if (lb_process_wait_exit(master, left < 1000 ? left : 1000) == 0) {
            return true;
        }
    } while (left > 1000);
    return false;
}

/* SIGKILL the master and the workers it has left; wait for them. */
static bool
hap_kill(const struct lb_ctx *ctx, pid_t master)
{
    pid_t workers[HAP_MAX_WORKERS];
    int n = lb_process_children(master, workers, HAP_MAX_WORKERS);
    long left;

    kill(master, SIGKILL);
    for (int i = 0; i < n && i < HAP_MAX_WORKERS; i++) {
        kill(workers[i], SIGKILL);
    }
    left = lb_ctx_time_left_ms(ctx, lb_ctx_watchdog_margin_ms(ctx));
    for (int i = 0; i < n && i < HAP_MAX_WORKERS; i++) {
        lb_process_wait_exit(workers[i], left);
    }
    return lb_process_wait_exit(master, left) == 0;
}

static int
hap_stop(struct lb_ctx *ctx)
{
    long step = hap_stop_step_ms(ctx), wd = lb_ctx_watchdog_margin_ms(ctx);
    struct hap h;
    pid_t master;
    int rc;

    if ((rc = hap_load(ctx, &h)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (!hap_master(&h, &master)) {
        unlink(h.pidfile);
        return LB_OCF_SUCCESS;
    }
    lb_info("soft-stopping haproxy master %d", (int)master);
    if (!hap_soft_stop(ctx, master, wd + 2 * step)) {
        lb_warn("haproxy master %d still finishing connections; hard stop (SIGTERM)", (int)master);
        kill(master, SIGTERM);
        if (lb_process_wait_exit(master, lb_ctx_time_left_ms(ctx, wd + step)) < 0) {
            lb_warn("haproxy master %d ignores SIGTERM; killing it", (int)master);
            if (!hap_kill(ctx, master)) {
                lb_exit_reason("haproxy master %d survived SIGKILL", (int)master);
                return LB_OCF_ERR_GENERIC;
            }
        }
    }
    unlink(h.pidfile);
    unlink(h.master); /* the -S socket is the agent's; haproxy leaves it behind */
    lb_info("haproxy master %d stopped", (int)master);
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ monitor */

static int
hap_monitor(struct lb_ctx *ctx)
{
    struct hap h;
    char why[512];
    pid_t master, worker;
    int rc;

    if ((rc = hap_load(ctx, &h)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (!hap_master(&h, &master)) {
        return LB_OCF_NOT_RUNNING;
    }
    /* From here on, haproxy runs: a failure is an error, never "not running". */
    if ((rc = hap_stats_path(ctx, &h)) != LB_OCF_SUCCESS) {
        return rc == LB_OCF_ERR_INSTALLED ? LB_OCF_ERR_GENERIC : rc;
    }
    if (hap_worker(ctx, &h, master, &worker, why, sizeof(why)) < 0) {
        lb_exit_reason("%s", why);
        return LB_OCF_ERR_GENERIC;
    }
    /* An edited configuration is loaded here: Pacemaker reloads only on parameter changes. */
    rc = hap_follow_config(ctx, &h);
    if (rc == LB_OCF_SUCCESS || rc == LB_OCF_DEGRADED) {
        int brc = hap_backends(ctx, &h);

        rc = brc == LB_OCF_SUCCESS ? rc : brc;
    }
    return rc;
}

/* ------------------------------------------------------------ reload */

/* Wait until the master has re-executed: its reload count went past @before. */
static int
hap_wait_reloaded(struct lb_ctx *ctx, const struct hap *h, const struct hap_procs *before,
                  struct hap_procs *after)
{
    long long until = lb_now_ms() + hap_cli_timeout(ctx);
    char why[512];

    for (;;) {
        /* While the master re-executes, its socket may refuse or answer nothing. */
        if (hap_show_proc(ctx, h, after, why, sizeof(why)) == 0 &&
            after->reloads > before->reloads) {
            return 0;
        }
        if (lb_now_ms() >= until) {
            lb_exit_reason("haproxy master did not finish the reload in time: %s",
                           why[0] ? why : "no new reload in 'show proc'");
            return -ETIMEDOUT;
        }
        lb_sleep_ms(50);
    }
}

static bool
hap_is_new_worker(const struct hap_procs *before, pid_t pid)
{
    for (size_t i = 0; i < before->nworkers; i++) {
        if (before->workers[i] == pid) {
            return false;
        }
    }
    return true;
}

/* A reload the master took: report the new worker, wait until it answers. */
static int
hap_reload_done(struct lb_ctx *ctx, const struct hap *h, pid_t master,
                const struct hap_procs *before, const struct hap_procs *after)
{
    pid_t worker = 0, answering;
    int rc;

    for (size_t i = 0; i < after->nworkers; i++) {
        if (hap_is_new_worker(before, after->workers[i])) {
            worker = after->workers[i];
        }
    }
    if (!worker) {
        lb_exit_reason("haproxy master %d reloaded but 'show proc' lists no new worker",
                       (int)master);
        return LB_OCF_ERR_GENERIC;
    }
    rc = hap_wait_worker(ctx, h, master, &answering);
    if (rc == LB_OCF_SUCCESS) {
        lb_info("haproxy reloaded: new worker %d (master %d, reload %ld)", (int)worker, (int)master,
                after->reloads);
    }
    return rc;
}

static int
hap_reload(struct lb_ctx *ctx)
{
    struct hap_procs before, after;
    struct hap h;
    char why[512], *reply = NULL;
    pid_t master;
    int rc;

    if ((rc = hap_load(ctx, &h)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (!hap_master(&h, &master)) {
        lb_exit_reason("haproxy is not running (no live master in %s): nothing to reload",
                       h.pidfile);
        return LB_OCF_ERR_GENERIC;
    }
    if ((rc = hap_stats_path(ctx, &h)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if ((rc = hap_master_config_is(master, h.config)) != LB_OCF_SUCCESS) {
        return rc;
    }
    /* A broken configuration never reaches the master: the worker keeps serving. */
    if (hap_check_config(ctx, &h) != LB_OCF_SUCCESS) {
        lb_err("reload refused; haproxy master %d keeps its running configuration", (int)master);
        return LB_OCF_ERR_GENERIC;
    }
    if (hap_show_proc(ctx, &h, &before, why, sizeof(why)) < 0) {
        lb_exit_reason("cannot reload: %s", why);
        return LB_OCF_ERR_GENERIC;
    }
    /* The master re-executes itself and drops this connection: no answer to wait for. */
    rc = lb_usock_request(h.master, "reload\n", hap_cli_timeout(ctx), &reply);
    free(reply);
    if (rc < 0 && rc != -ECONNRESET) {
        lb_exit_reason("cannot send reload to master socket %s: %s", h.master, strerror(-rc));
        return LB_OCF_ERR_GENERIC;
    }
    if (hap_wait_reloaded(ctx, &h, &before, &after) < 0) {
        return LB_OCF_ERR_GENERIC;
    }
    if (after.failed > 0) {
        /* haproxy -c passed, so it failed at run time, e.g. on an address in use. */
        lb_exit_reason("haproxy master %d failed to load the new configuration although "
                       "'haproxy -c' accepts it (a run-time failure, e.g. an address already "
                       "in use); %ld reload(s) failed in a row; worker %d keeps serving the old "
                       "configuration",
                       (int)master, after.failed, after.nworkers ? (int)after.workers[0] : 0);
        return LB_OCF_ERR_GENERIC;
    }
    rc = hap_reload_done(ctx, &h, master, &before, &after);
    if (rc == LB_OCF_SUCCESS) {
        hap_remember_config(ctx, &h);
    }
    return rc;
}

/* ------------------------------------------------------------ config changes */

/* FNV-1a over @data, continuing from @hash. */
static unsigned long long
hap_fnv(unsigned long long hash, const char *data)
{
    for (const unsigned char *p = (const unsigned char *)data; *p; p++) {
        hash = (hash ^ *p) * 1099511628211ULL;
    }
    return hash;
}

/* A digest of what haproxy reads for -f @config: the file, or a directory's *.cfg. */
static bool
hap_config_digest(const char *config, unsigned long long *digest)
{
    struct dirent **list;
    struct stat st;
    char path[PATH_MAX];
    char *text;
    int n;

    *digest = 14695981039346656037ULL;
    if (stat(config, &st) < 0) {
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (!(text = lb_read_file(config))) {
            return false;
        }
        *digest = hap_fnv(*digest, text);
        free(text);
        return true;
    }
    if ((n = scandir(config, &list, hap_cfg_filter, alphasort)) < 0) {
        return false;
    }
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", config, list[i]->d_name);
        if ((text = lb_read_file(path)) != NULL) {
            *digest = hap_fnv(hap_fnv(*digest, list[i]->d_name), text);
            free(text);
        }
        free(list[i]);
    }
    free(list);
    return true;
}

/* $HA_RSCTMP/lifeboat-haproxy-INSTANCE.@what, where the loaded and the refused digests live. */
static bool
hap_digest_file(const struct lb_ctx *ctx, const char *what, char *buf, size_t len)
{
    if (!ctx->instance || strchr(ctx->instance, '/')) {
        return false;
    }
    return (size_t)snprintf(buf, len, "%s/lifeboat-haproxy-%s.%s", hap_rsctmp(), ctx->instance,
                            what) < len;
}

static bool
hap_digest_read(const char *path, unsigned long long *digest)
{
    char *text = lb_read_file(path);
    bool ok = text && sscanf(text, "%llx", digest) == 1;

    free(text);
    return ok;
}

static void
hap_digest_write(const char *path, unsigned long long digest)
{
    FILE *f = fopen(path, "we");

    if (f) {
        fprintf(f, "%016llx\n", digest);
        fclose(f);
    }
}

/* After a start or reload: the configuration haproxy runs is the one on disk now. */
static void
hap_remember_config(const struct lb_ctx *ctx, const struct hap *h)
{
    char loaded[PATH_MAX], refused[PATH_MAX];
    unsigned long long digest;

    if (hap_digest_file(ctx, "loaded", loaded, sizeof(loaded)) &&
        hap_digest_file(ctx, "refused", refused, sizeof(refused)) &&
        hap_config_digest(h->config, &digest)) {
        hap_digest_write(loaded, digest);
        unlink(refused);
    }
}

/*
 * In a monitor: when the configuration on disk differs from the one loaded,
 * reload (seamlessly). A configuration haproxy refuses is tried once; while
 * it stays on disk the monitor reports "degraded" (the old one keeps serving).
 */
static int
hap_follow_config(struct lb_ctx *ctx, const struct hap *h)
{
    char loaded[PATH_MAX], refused[PATH_MAX];
    unsigned long long now, was, bad;

    if (!hap_digest_file(ctx, "loaded", loaded, sizeof(loaded)) ||
        !hap_digest_file(ctx, "refused", refused, sizeof(refused)) ||
        !hap_config_digest(h->config, &now)) {
        return LB_OCF_SUCCESS;
    }
    if (!hap_digest_read(loaded, &was)) {
        hap_digest_write(loaded, now); /* nothing known (a new /run): take it as loaded */
        return LB_OCF_SUCCESS;
    }
    if (now == was) {
        return LB_OCF_SUCCESS;
    }
    if (hap_digest_read(refused, &bad) && bad == now) {
        lb_exit_reason("the configuration in %s was refused at its reload; haproxy keeps "
                       "serving the previous one",
                       h->config);
        return LB_OCF_DEGRADED;
    }
    lb_info("configuration %s changed: reloading haproxy", h->config);
    if (hap_reload(ctx) == LB_OCF_SUCCESS) {
        return LB_OCF_SUCCESS;
    }
    hap_digest_write(refused, now);
    return LB_OCF_DEGRADED;
}

/* ------------------------------------------------------------ validation */

/* Options the agent sets itself, which extra_options must not override. */
static const char *const hap_own_options[] = {"-D", "-W",  "-Ws", "-S", "-p",
                                              "-c", "-sf", "-st", "-x", NULL};

static int
hap_validate_extra(const struct lb_ctx *ctx)
{
    char **opts = lb_argv_split(lb_param_str(ctx, "extra_options"));
    int rc = opts ? LB_OCF_SUCCESS : LB_OCF_ERR_GENERIC;

    for (size_t i = 0; opts && opts[i] && rc == LB_OCF_SUCCESS; i++) {
        for (size_t j = 0; hap_own_options[j]; j++) {
            if (!strcmp(opts[i], hap_own_options[j])) {
                lb_exit_reason("parameter 'extra_options': %s is set by the agent itself", opts[i]);
                rc = LB_OCF_ERR_CONFIGURED;
                break;
            }
        }
    }
    lb_argv_free(opts);
    return rc;
}

static int
hap_validate(struct lb_ctx *ctx)
{
    char names[1][128];
    long mins[1];
    size_t n;
    struct hap h;
    int rc;

    if ((rc = hap_load(ctx, &h)) != LB_OCF_SUCCESS || (rc = hap_validate_extra(ctx)) != 0 ||
        (rc = hap_backends_parse(lb_param_str(ctx, "backends"), names, mins, 0, &n)) != 0) {
        return rc;
    }
    if (access(h.binary, X_OK) != 0) {
        lb_exit_reason("haproxy binary %s is not installed or not executable: %s", h.binary,
                       strerror(errno));
        return LB_OCF_ERR_INSTALLED;
    }
    if (access(h.config, R_OK) != 0) {
        lb_exit_reason("configuration %s does not exist or is not readable: %s", h.config,
                       strerror(errno));
        return LB_OCF_ERR_INSTALLED;
    }
    if ((rc = hap_stats_path(ctx, &h)) != LB_OCF_SUCCESS) {
        return rc;
    }
    return hap_check_config(ctx, &h);
}

/* ------------------------------------------------------------ plumbing: paths */

/* $HA_RSCTMP, where the default PID file and master socket live. */
static const char *
hap_rsctmp(void)
{
    const char *dir = getenv("HA_RSCTMP");

    return (dir && *dir) ? dir : "/run/resource-agents";
}

/* Parameter @param, or $HA_RSCTMP/lifeboat-haproxy-INSTANCE.@suffix. */
static int
hap_path(const struct lb_ctx *ctx, const char *param, const char *suffix, char *buf, size_t len)
{
    const char *v = lb_param_str(ctx, param);
    int n;

    if (v && v[0] != '/') {
        lb_exit_reason("parameter '%s' must be an absolute path, not '%s'", param, v);
        return LB_OCF_ERR_CONFIGURED;
    }
    if (!v && !ctx->instance) {
        /* Not run by Pacemaker: no name to keep this haproxy apart from others. */
        lb_exit_reason("parameter '%s' is not set, and there is no OCF_RESOURCE_INSTANCE to "
                       "derive it from",
                       param);
        return LB_OCF_ERR_CONFIGURED;
    }
    if (v) {
        n = snprintf(buf, len, "%s", v);
    } else {
        n = snprintf(buf, len, "%s/lifeboat-haproxy-%s.%s", hap_rsctmp(), ctx->instance, suffix);
        /* An instance name is a file name here: no directories. */
        for (char *p = buf + strlen(hap_rsctmp()) + 1; n > 0 && (size_t)n < len && *p; p++) {
            *p = *p == '/' ? '_' : *p;
        }
    }
    if (n < 0 || (size_t)n >= len) {
        lb_exit_reason("parameter '%s': path %s%s is too long (at most %zu characters)", param,
                       v ? "" : "derived from HA_RSCTMP and the instance name ", v ? v : "",
                       len - 1);
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

static int
hap_load(const struct lb_ctx *ctx, struct hap *h)
{
    int rc;

    memset(h, 0, sizeof(*h));
    h->binary = lb_param_str(ctx, "binary");
    h->config = lb_param_str(ctx, "config");
    if (!h->binary || !h->config) {
        lb_exit_reason("parameter '%s' must not be empty", h->binary ? "config" : "binary");
        return LB_OCF_ERR_CONFIGURED;
    }
    if ((rc = hap_path(ctx, "pid", "pid", h->pidfile, sizeof(h->pidfile))) != 0) {
        return rc;
    }
    return hap_path(ctx, "master_socket", "master", h->master, sizeof(h->master));
}

/* The unix path of a "stats socket" address (/path or unix@/path), or NULL. */
static const char *
hap_unix_addr(char *addr)
{
    size_t n = strlen(addr);

    if (n >= 2 && (addr[0] == '"' || addr[0] == '\'') && addr[n - 1] == addr[0]) {
        addr[n - 1] = '\0';
        addr++;
    }
    if (!strncmp(addr, "unix@", 5)) {
        addr += 5;
    }
    return (addr[0] == '/' && !strchr(addr, '$')) ? addr : NULL;
}

/* The first "stats socket" unix path of one configuration file, into @buf. */
static bool
hap_stats_in_file(const char *file, char *buf, size_t len)
{
    FILE *f = fopen(file, "re");
    char line[4096];
    bool found = false;

    while (f && !found && fgets(line, sizeof(line), f)) {
        char *w[3] = {NULL, NULL, NULL}, *save = NULL;
        const char *path;

        line[strcspn(line, "#\r\n")] = '\0';
        w[0] = strtok_r(line, " \t", &save);
        w[1] = w[0] ? strtok_r(NULL, " \t", &save) : NULL;
        w[2] = w[1] ? strtok_r(NULL, " \t", &save) : NULL;
        if (w[2] && !strcmp(w[0], "stats") && !strcmp(w[1], "socket") &&
            (path = hap_unix_addr(w[2])) != NULL && strlen(path) < len) {
            snprintf(buf, len, "%s", path);
            found = true;
        }
    }
    if (f) {
        fclose(f);
    }
    return found;
}

static int
hap_cfg_filter(const struct dirent *e)
{
    size_t n = strlen(e->d_name);

    return e->d_name[0] != '.' && n > 4 && !strcmp(e->d_name + n - 4, ".cfg");
}

/* As haproxy reads a directory given to -f: its *.cfg files in name order. */
static bool
hap_stats_in_config(const char *config, char *buf, size_t len)
{
    struct dirent **list;
    struct stat st;
    bool found = false;
    int n;

    if (stat(config, &st) < 0 || !S_ISDIR(st.st_mode)) {
        return hap_stats_in_file(config, buf, len);
    }
    n = scandir(config, &list, hap_cfg_filter, alphasort);
    for (int i = 0; i < n; i++) {
        char file[PATH_MAX];

        snprintf(file, sizeof(file), "%s/%s", config, list[i]->d_name);
        found = found || hap_stats_in_file(file, buf, len);
        free(list[i]);
    }
    if (n >= 0) {
        free(list);
    }
    return found;
}

/* stats_socket, or the configuration's first unix "stats socket". */
static int
hap_stats_path(const struct lb_ctx *ctx, struct hap *h)
{
    const char *v = lb_param_str(ctx, "stats_socket");

    if (v) {
        if (v[0] != '/' || strlen(v) >= sizeof(h->stats)) {
            lb_exit_reason("parameter 'stats_socket' must be an absolute path of at most %zu "
                           "characters, not '%s'",
                           sizeof(h->stats) - 1, v);
            return LB_OCF_ERR_CONFIGURED;
        }
        snprintf(h->stats, sizeof(h->stats), "%s", v);
        return LB_OCF_SUCCESS;
    }
    if (access(h->config, R_OK) != 0) {
        lb_exit_reason("cannot read configuration %s to find its stats socket: %s", h->config,
                       strerror(errno));
        return LB_OCF_ERR_INSTALLED;
    }
    if (!hap_stats_in_config(h->config, h->stats, sizeof(h->stats))) {
        lb_exit_reason("%s has no 'stats socket /PATH' line: add one to its global section "
                       "(e.g. 'stats socket /run/haproxy/admin.sock mode 600 level admin "
                       "expose-fd listeners') or set the stats_socket parameter",
                       h->config);
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ plumbing: processes */

/* Does @pid run our binary? (A PID file can outlive its process; PIDs are reused.) */
static bool
hap_runs_binary(pid_t pid, const char *binary)
{
    char exe[PATH_MAX], want[PATH_MAX];
    const char *a, *b;

    if (lb_process_exe(pid, exe, sizeof(exe)) < 0) {
        return false;
    }
    if (realpath(binary, want) && !strcmp(exe, want)) {
        return true;
    }
    /* Replaced by an upgrade, or reached through a link: compare names. */
    a = strrchr(exe, '/');
    b = strrchr(binary, '/');
    return !strcmp(a ? a + 1 : exe, b ? b + 1 : binary);
}

/* True when the PID file names a live haproxy master (stored in @master). */
static bool
hap_master(const struct hap *h, pid_t *master)
{
    int rc = lb_process_pidfile(h->pidfile, master);

    if (rc < 0) {
        if (rc != -ENOENT) {
            lb_info("PID file %s: %s", h->pidfile, strerror(-rc));
        }
        return false;
    }
    if (!lb_process_alive(*master)) {
        lb_debug("PID file %s names %d, which is not running", h->pidfile, (int)*master);
        return false;
    }
    if (!hap_runs_binary(*master, h->binary)) {
        lb_info("PID file %s names %d, which is not %s: stale", h->pidfile, (int)*master,
                h->binary);
        return false;
    }
    return true;
}

/* Does the master run with -f @config? A changed path needs a restart, not a reload. */
static int
hap_master_config_is(pid_t master, const char *config)
{
    char path[64], *cmd, *end;
    FILE *f;
    size_t n;
    int rc = LB_OCF_SUCCESS;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)master);
    if (!(f = fopen(path, "re")) || !(cmd = calloc(1, 65537))) {
        if (f) {
            fclose(f);
        }
        return LB_OCF_SUCCESS; /* cannot tell: let the reload go ahead */
    }
    n = fread(cmd, 1, 65536, f);
    fclose(f);
    end = cmd + n;
    for (char *a = cmd; a < end; a += strlen(a) + 1) {
        char *next = a + strlen(a) + 1;

        if (!strcmp(a, "-f") && next < end) {
            if (strcmp(next, config) != 0) {
                lb_exit_reason("haproxy master %d runs with -f %s, but config is now %s: a "
                               "changed config path needs a restart, not a reload",
                               (int)master, next, config);
                rc = LB_OCF_ERR_GENERIC;
            }
            break;
        }
    }
    free(cmd);
    return rc;
}

/* Time for one request to a haproxy socket, or one haproxy command. */
static long
hap_cli_timeout(const struct lb_ctx *ctx)
{
    long left = lb_ctx_time_left_ms(ctx, lb_ctx_watchdog_margin_ms(ctx) + 200);

    if (left == LONG_MAX) {
        return 20000; /* validate-all has no timeout of its own */
    }
    return left > 0 ? left : 1;
}

/* ------------------------------------------------------------ plumbing: the worker */

/* Value of "Name: value" in a `show info` reply, or NULL. */
static const char *
hap_info_field(const char *info, const char *name, char *buf, size_t len)
{
    size_t n = strlen(name);

    for (const char *p = info; p && *p;) {
        if (!strncmp(p, name, n) && p[n] == ':') {
            const char *v = p + n + 1;

            v += strspn(v, " ");
            snprintf(buf, len, "%.*s", (int)strcspn(v, "\r\n"), v);
            return buf;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return NULL;
}

/*
 * Ask the stats socket `show info`: 0 and the worker's PID when it answers,
 * or -1 with the reason in @why. When @master is set, the worker must be its
 * child (another haproxy on the same socket path is not ours).
 */
static int
hap_worker(const struct lb_ctx *ctx, const struct hap *h, pid_t master, pid_t *worker, char *why,
           size_t len)
{
    char *reply = NULL, val[32];
    long pid;
    int rc = lb_usock_request(h->stats, "show info\n", hap_cli_timeout(ctx), &reply);

    if (rc < 0) {
        snprintf(why, len, "haproxy master %d runs, but its stats socket %s does not answer: %s",
                 (int)master, h->stats, strerror(-rc));
        return -1;
    }
    if (!hap_info_field(reply, "Pid", val, sizeof(val)) || !lb_parse_long(val, &pid) || pid < 1) {
        snprintf(why, len, "stats socket %s answers 'show info' without a Pid: \"%.80s\"", h->stats,
                 reply);
        free(reply);
        return -1;
    }
    free(reply);
    if (master && lb_process_parent((pid_t)pid) != master) {
        snprintf(why, len,
                 "stats socket %s is served by PID %ld, not by a worker of master %d "
                 "(another haproxy on the same path?)",
                 h->stats, pid, (int)master);
        return -1;
    }
    *worker = (pid_t)pid;
    return 0;
}

/*
 * Ready: the worker answers on the stats socket, and the master answers on
 * its CLI. The master CLI runs in the master's main loop, which it enters
 * only after forking the worker; a SIGUSR1 that arrives before that loop
 * re-registers its signal handlers is lost (HAProxy 2.6), so a stop right
 * after a start would hang without the second check.
 */
static int
hap_ready(const struct lb_ctx *ctx, const struct hap *h, pid_t master, pid_t *worker, char *why,
          size_t len)
{
    struct hap_procs procs;

    if (hap_worker(ctx, h, master, worker, why, len) < 0 ||
        hap_show_proc(ctx, h, &procs, why, len) < 0) {
        return -1;
    }
    if (procs.nworkers == 0) {
        snprintf(why, len, "master %d lists no worker in 'show proc'", (int)master);
        return -1;
    }
    return 0;
}

/*
 * Wait, within the operation's timeout, for a live master (from the PID file;
 * @master 0: whichever it names) that is ready (hap_ready).
 */
static int
hap_wait_worker(struct lb_ctx *ctx, const struct hap *h, pid_t master, pid_t *worker)
{
    long long until = lb_now_ms() + hap_cli_timeout(ctx);
    char why[512];
    pid_t now;

    snprintf(why, sizeof(why), "no live master in %.400s", h->pidfile);
    for (;;) {
        if (hap_master(h, &now)) {
            if (master && now != master) {
                lb_exit_reason("haproxy master changed from %d to %d", (int)master, (int)now);
                return LB_OCF_ERR_GENERIC;
            }
            if (hap_ready(ctx, h, now, worker, why, sizeof(why)) == 0) {
                return LB_OCF_SUCCESS;
            }
        } else if (lb_process_pidfile(h->pidfile, &now) == 0) {
            lb_exit_reason("haproxy master %d exited (see its log)", (int)now);
            return LB_OCF_ERR_GENERIC;
        }
        if (lb_now_ms() >= until) {
            lb_exit_reason("haproxy did not become ready in time: %s", why);
            return LB_OCF_ERR_GENERIC;
        }
        lb_sleep_ms(50);
    }
}

/* ------------------------------------------------------------ plumbing: backends */

#define HAP_MAX_BACKENDS 64

/*
 * Parse "NAME:MIN NAME:MIN ..." into @names/@mins (up to @max; all of them are
 * checked). Returns an OCF code, with a reason on error.
 */
static int
hap_backends_parse(const char *s, char (*names)[128], long *mins, size_t max, size_t *n)
{
    char **items = lb_argv_split(s);
    int rc = items ? LB_OCF_SUCCESS : LB_OCF_ERR_GENERIC;

    *n = 0;
    for (size_t i = 0; items && items[i] && rc == LB_OCF_SUCCESS; i++) {
        char *colon = strrchr(items[i], ':');
        long min;

        if (!colon || colon == items[i] || !lb_parse_long(colon + 1, &min) || min < 0 ||
            (size_t)(colon - items[i]) >= sizeof(names[0])) {
            lb_exit_reason("parameter 'backends': '%s' is not NAME:MIN (e.g. be_app:2)", items[i]);
            rc = LB_OCF_ERR_CONFIGURED;
        } else if (*n >= HAP_MAX_BACKENDS) {
            lb_exit_reason("parameter 'backends': more than %d backends", HAP_MAX_BACKENDS);
            rc = LB_OCF_ERR_CONFIGURED;
        } else {
            if (*n < max) {
                snprintf(names[*n], sizeof(names[0]), "%.*s", (int)(colon - items[i]), items[i]);
                mins[*n] = min;
            }
            (*n)++;
        }
    }
    lb_argv_free(items);
    return rc;
}

/* Column numbers of the fields we need, from the "# pxname,svname,..." header. */
struct hap_cols {
    int px, sv, status, max;
};

static bool
hap_stat_header(const char *line, struct hap_cols *c)
{
    int i = 0;

    *c = (struct hap_cols){-1, -1, -1, 0};
    for (const char *p = line + 2; *p && *p != '\n'; i++) {
        size_t n = strcspn(p, ",\n");

        if (n == 6 && !strncmp(p, "pxname", n)) {
            c->px = i;
        } else if (n == 6 && !strncmp(p, "svname", n)) {
            c->sv = i;
        } else if (n == 6 && !strncmp(p, "status", n)) {
            c->status = i;
        }
        p += n + (p[n] == ',');
    }
    c->max = c->px > c->sv ? c->px : c->sv;
    c->max = c->status > c->max ? c->status : c->max;
    return c->px >= 0 && c->sv >= 0 && c->status >= 0;
}

/* Field @col of a CSV row (names and states hold no commas), into @buf. */
static void
hap_csv_field(const char *row, int col, char *buf, size_t len)
{
    const char *p = row;

    for (int i = 0; i < col && p; i++) {
        p = strpbrk(p, ",\n");
        p = (p && *p == ',') ? p + 1 : NULL;
    }
    snprintf(buf, len, "%.*s", p ? (int)strcspn(p, ",\n") : 0, p ? p : "");
}

/* A server that takes traffic: UP (also "UP 1/3", going down) or without checks. */
static bool
hap_server_up(const char *status)
{
    return !strncmp(status, "UP", 2) || !strcmp(status, "no check");
}

/* Count the servers of backend @name that are UP; false if haproxy has no such backend. */
static bool
hap_count_up(const char *csv, const struct hap_cols *c, const char *name, long *up, long *all)
{
    bool found = false;

    *up = *all = 0;
    for (const char *row = csv; row && *row;) {
        char px[128], sv[128], st[64];

        if (*row != '#') {
            hap_csv_field(row, c->px, px, sizeof(px));
            if (!strcmp(px, name)) {
                found = true;
                hap_csv_field(row, c->sv, sv, sizeof(sv));
                hap_csv_field(row, c->status, st, sizeof(st));
                if (strcmp(sv, "BACKEND") && strcmp(sv, "FRONTEND")) {
                    (*all)++;
                    *up += hap_server_up(st);
                }
            }
        }
        row = strchr(row, '\n');
        row = row ? row + 1 : NULL;
    }
    return found;
}

/* Check every backend minimum against one `show stat`; all shortfalls in one reason. */
static int
hap_backends_judge(const char *csv, char (*names)[128], const long *mins, size_t n)
{
    struct hap_cols c;
    char why[1024] = "";
    int rc = LB_OCF_SUCCESS;

    if (strncmp(csv, "# ", 2) || !hap_stat_header(csv, &c)) {
        lb_exit_reason("unexpected answer to 'show stat': \"%.80s\"", csv);
        return LB_OCF_ERR_GENERIC;
    }
    for (size_t i = 0; i < n; i++) {
        long up, all;
        size_t used = strlen(why);

        if (!hap_count_up(csv, &c, names[i], &up, &all)) {
            lb_exit_reason("backend '%s' (parameter 'backends') is not in haproxy's "
                           "configuration",
                           names[i]);
            return LB_OCF_ERR_CONFIGURED;
        }
        if (up < mins[i]) {
            snprintf(why + used, sizeof(why) - used,
                     "%sbackend %.127s has %ld of %ld servers UP, "
                     "fewer than its minimum of %ld",
                     used ? "; " : "", names[i], up, all, mins[i]);
            rc = LB_OCF_ERR_GENERIC;
        } else {
            lb_debug("backend %s: %ld of %ld servers UP (minimum %ld)", names[i], up, all, mins[i]);
        }
    }
    if (rc != LB_OCF_SUCCESS) {
        lb_exit_reason("%s", why);
    }
    return rc;
}

static int
hap_backends(const struct lb_ctx *ctx, const struct hap *h)
{
    char names[HAP_MAX_BACKENDS][128], *csv = NULL;
    long mins[HAP_MAX_BACKENDS];
    size_t n;
    int rc = hap_backends_parse(lb_param_str(ctx, "backends"), names, mins, HAP_MAX_BACKENDS, &n);

    if (rc != LB_OCF_SUCCESS || n == 0) {
        return rc;
    }
    /* Servers only (type 4), of every proxy. */
    rc = lb_usock_request(h->stats, "show stat -1 4 -1\n", hap_cli_timeout(ctx), &csv);
    if (rc < 0) {
        lb_exit_reason("stats socket %s does not answer 'show stat': %s", h->stats, strerror(-rc));
        return LB_OCF_ERR_GENERIC;
    }
    rc = hap_backends_judge(csv, names, mins, n);
    free(csv);
    return rc;
}

/* ------------------------------------------------------------ plumbing: haproxy itself */

/* argv for starting haproxy, or for checking its configuration (@check). */
static char **
hap_argv(const struct lb_ctx *ctx, const struct hap *h, bool check)
{
    char **extra = lb_argv_split(lb_param_str(ctx, "extra_options"));
    char master[HAP_SOCK_MAX + 16];
    const char *own[12];
    size_t n = 0, m = 0;
    char **argv;

    snprintf(master, sizeof(master), "%s,mode,600", h->master);
    own[n++] = h->binary;
    if (check) {
        own[n++] = "-c";
    } else {
        own[n++] = "-W";
        own[n++] = "-S";
        own[n++] = master;
    }
    own[n++] = "-f";
    own[n++] = h->config;
    if (!check) {
        own[n++] = "-p";
        own[n++] = h->pidfile;
        own[n++] = "-D";
    }
    while (extra && extra[m]) {
        m++;
    }
    argv = extra ? calloc(n + m + 1, sizeof(*argv)) : NULL;
    for (size_t i = 0; argv && i < n + m; i++) {
        argv[i] = i < n ? strdup(own[i]) : extra[i - n];
        if (!argv[i]) {
            lb_argv_free(argv);
            argv = NULL;
            break;
        }
    }
    if (argv) {
        free(extra); /* its strings now belong to argv */
    } else {
        lb_argv_free(extra);
    }
    return argv;
}

/*
 * haproxy's first error, without its "[ALERT]    (PID) : " prefix: the first
 * [ALERT] line of stderr, else its first line, else stdout's.
 */
static void
hap_first_error(const struct lb_proc_result *res, char *buf, size_t len)
{
    const char *p = strstr(res->err, "[ALERT]");

    if (p) {
        const char *colon = strstr(p, ") : ");

        if (colon && colon < p + strcspn(p, "\n")) {
            p = colon + 4;
        }
    } else {
        p = res->err[0] ? res->err : res->out;
        p += strspn(p, " \n");
    }
    snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p[0] ? p : "(no output)");
}

/* `haproxy -c`: the configuration check, with the first error as the reason. */
static int
hap_check_config(const struct lb_ctx *ctx, const struct hap *h)
{
    struct lb_proc_result res;
    char **argv = hap_argv(ctx, h, true), err[512];
    int rc;

    if (!argv) {
        lb_exit_reason("out of memory");
        return LB_OCF_ERR_GENERIC;
    }
    rc = lb_proc_run((const char *const *)argv, NULL, NULL, hap_cli_timeout(ctx), &res);
    lb_argv_free(argv);
    if (rc < 0) {
        lb_exit_reason("cannot run %s: %s", h->binary, strerror(-rc));
        return LB_OCF_ERR_INSTALLED;
    }
    hap_first_error(&res, err, sizeof(err));
    if (res.timed_out) {
        lb_exit_reason("haproxy -c -f %s did not finish in time", h->config);
        rc = LB_OCF_ERR_GENERIC;
    } else if (res.status != 0) {
        lb_exit_reason("haproxy rejects %s: %s", h->config, err);
        rc = LB_OCF_ERR_CONFIGURED;
    }
    lb_proc_result_free(&res);
    return rc;
}

/* ------------------------------------------------------------ plumbing: the master CLI */

/*
 * Parse `show proc` (HAProxy 2.6):
 *   #<PID>  <type>  <reloads>  <uptime>  <version>
 *   1234    master  2 [failed: 1]  ...
 *   # workers
 *   1240    worker  1  ...
 *   # old workers
 *   1236    worker  2  ...
 *   # programs
 */
static bool
hap_parse_procs(const char *text, struct hap_procs *p)
{
    bool master = false, current = false;

    memset(p, 0, sizeof(*p));
    for (const char *line = text; line && *line;) {
        char type[32];
        int pid;
        long reloads;

        if (line[0] == '#') {
            current = !strncmp(line, "# workers", 9);
        } else if (sscanf(line, "%d %31s %ld", &pid, type, &reloads) == 3) {
            const char *failed = strstr(line, "[failed: ");

            if (!strcmp(type, "master")) {
                master = true;
                p->reloads = reloads;
                p->failed = failed ? strtol(failed + 9, NULL, 10) : 0;
            } else if (!strcmp(type, "worker") && current && p->nworkers < HAP_MAX_WORKERS) {
                p->workers[p->nworkers++] = (pid_t)pid;
            }
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return master;
}

static int
hap_show_proc(const struct lb_ctx *ctx, const struct hap *h, struct hap_procs *p, char *why,
              size_t len)
{
    char *reply = NULL;
    int rc = lb_usock_request(h->master, "show proc\n", hap_cli_timeout(ctx), &reply);

    if (rc < 0) {
        snprintf(why, len, "master socket %s does not answer: %s", h->master, strerror(-rc));
        return -1;
    }
    if (!hap_parse_procs(reply, p)) {
        snprintf(why, len, "master socket %s answers 'show proc' without a master: \"%.80s\"",
                 h->master, reply);
        free(reply);
        return -1;
    }
    free(reply);
    why[0] = '\0';
    return 0;
}

/* ------------------------------------------------------------ agent */

/*
 * Reload, and the DTD. ra-api-1.dtd (which ocf-tester and the conformance
 * suite validate against) allows an action named "reload" but not
 * "reload-agent", and has no "reloadable" attribute. So the metadata offers
 * "reload" only, and marks no parameter reloadable; "reload-agent" is still
 * dispatched (main() maps it to reload) for callers that speak OCF 1.1.
 * Consequence: since the runtime declares OCF 1.1, Pacemaker 2.1 ignores the
 * legacy "reload" for parameter changes and restarts the resource when a
 * parameter changes. A changed haproxy *configuration file* is not a
 * parameter change anyway: the reload is asked for explicitly (see
 * docs/haproxy.md).
 */
static const struct lb_action hap_actions[] = {
    {.name = "start", .fn = hap_start, .timeout = "20s", .needs_validation = true},
    {.name = "stop", .fn = hap_stop, .timeout = "60s"},
    {.name = "monitor", .fn = hap_monitor, .timeout = "20s", .interval = "10s"},
    {.name = "reload", .fn = hap_reload, .timeout = "30s"},
    {.name = NULL},
};

static const struct lb_agent hap_agent = {
    .name = HAP_NAME,
    .shortdesc = "Manages HAProxy in master-worker mode, with seamless reloads",
    .longdesc = "HAProxy in master-worker mode (-W -D) with a master CLI socket. Monitor asks "
                "the worker's stats socket directly and can require a minimum of servers UP "
                "per backend. Reload checks the configuration with 'haproxy -c' and reloads "
                "through the master CLI without refusing a connection; a failed reload keeps "
                "the old worker serving and is reported. Stop is a soft stop that lets "
                "connections finish within the stop timeout.",
    .params = hap_params,
    .actions = hap_actions,
    .validate = hap_validate,
};

int
main(int argc, char **argv)
{
    static char reload[] = "reload";

    if (argc == 2 && !strcmp(argv[1], "reload-agent")) {
        argv[1] = reload; /* OCF 1.1's name; see hap_actions */
    }
    return lb_ocf_main(&hap_agent, argc, argv);
}
