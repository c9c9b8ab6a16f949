/*
 * ocf:lifeboat:NovaEvacuate: evacuates the servers of fenced compute hosts.
 *
 * A drop-in for openstack-resource-agents' NovaEvacuate (same parameters and
 * meaning), but instead of evacuating from a 10 s monitor through
 * fence_compute, start runs a long-lived engine (this binary, "NovaEvacuate
 * engine"; nova_evacuate_engine.c) that reacts to CIB notifications of the
 * `evacuate` node attribute within a second, evacuates each server exactly
 * once, in parallel up to max_parallel, only with quorum, and shows progress
 * in node attributes. stop sends it SIGTERM; monitor checks that it holds its
 * pidfile lock and keeps its heartbeat.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "lifeboat/os_params.h"
#include "lifeboat/process.h"
#include "nova_evacuate.h"
#include "nova_evacuate_agent.h"

#define NE_NAME "NovaEvacuate"

extern char **environ;

/* ------------------------------------------------------------ parameters */

static const struct lb_param ne_params[] = {
    LB_OS_PARAMS,
    {.name = "no_shared_storage",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Disable shared storage recovery for instances",
     .longdesc = "Instances are not on shared storage: rebuild them from their image. Only "
                 "Nova API microversions before 2.14 take this from the caller; from 2.14 on "
                 "Nova finds out by itself and this parameter has no effect. Use at your own "
                 "risk!"},
    {.name = "verbose",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Verbose logging",
     .longdesc = "Log debug messages of the engine (every request it sends)."},
    {.name = "max_parallel",
     .type = LB_PARAM_INTEGER,
     .dflt = "10",
     .min = 1,
     .max = 1000,
     .shortdesc = "Maximum parallel evacuations",
     .longdesc = "How many servers of a failed host may be evacuating at the same time. "
                 "More are sent as earlier ones finish."},
    {.name = "instance_filtering",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "true",
     .shortdesc = "Evacuate only tagged instances, when some are tagged",
     .longdesc = "As fence_evacuate: when a flavor (extra spec) or an image (property or tag) "
                 "carries evacuable_tag=true, only servers with such a flavor or image are "
                 "evacuated; when none does, every server is. false: every server (the HA "
                 "policy of a server still applies)."},
    {.name = "evacuable_tag",
     .type = LB_PARAM_STRING,
     .dflt = "evacuable",
     .shortdesc = "Name of the evacuable tag",
     .longdesc = "The flavor extra spec, image property or image tag that marks evacuable "
                 "servers (value true)."},
    {.name = "ha_policy_key",
     .type = LB_PARAM_STRING,
     .dflt = "ha_policy",
     .shortdesc = "Server metadata key of the HA policy",
     .longdesc = "A server whose metadata has this key set to 'off' is never evacuated; set to "
                 "'restart-on-host-failure' it is always evacuated, tag or not. Empty: no "
                 "per-server policy."},
    {.name = "evacuate_timeout",
     .type = LB_PARAM_INTEGER,
     .dflt = "600",
     .min = 10,
     .max = 86400,
     .shortdesc = "Seconds a server may take to evacuate",
     .longdesc = "A server still not evacuated this long after its request counts as failed "
                 "(it is never sent again), so that the host can be marked done."},
    {.name = "request_grace",
     .type = LB_PARAM_INTEGER,
     .dflt = "60",
     .min = 5,
     .max = 3600,
     .shortdesc = "Seconds an unanswered request may still reach Nova",
     .longdesc = "When an evacuate request gets no clear answer (timeout, reset, 5xx), the "
                 "engine does not repeat it: it follows Nova's records. Only when Nova shows "
                 "no trace of it this long after it was sent is it sent again."},
    {.name = NULL},
};

/* ------------------------------------------------------------ paths and state */

static const char *
ne_rsctmp(void)
{
    const char *d = getenv("HA_RSCTMP");

    return d && *d ? d : "/run/resource-agents";
}

void
ne_paths(const char *instance, char *pidfile, char *statefile, size_t len)
{
    char name[128];
    size_t n = 0;

    /* the instance name, made a safe file name (no '/', no leading dot) */
    for (const char *p = instance && *instance ? instance : NE_NAME; *p && n < sizeof(name) - 1;
         p++) {
        bool bad = *p == '/' || (*p == '.' && n == 0) || (unsigned char)*p < 0x20;

        name[n++] = bad ? '_' : *p;
    }
    name[n] = '\0';
    snprintf(pidfile, len, "%s/lifeboat-%s-%s.pid", ne_rsctmp(), NE_NAME, name);
    snprintf(statefile, len, "%s/lifeboat-%s-%s.state", ne_rsctmp(), NE_NAME, name);
}

/* What the engine last wrote in its state file. */
struct ne_state {
    pid_t pid;
    char state[16];
    long long heartbeat;
    char reason[512];
};

static bool
ne_read_state(const char *path, struct ne_state *st)
{
    char line[600];
    FILE *f = fopen(path, "re");

    memset(st, 0, sizeof(*st));
    if (!f) {
        return false;
    }
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "pid=", 4)) {
            st->pid = (pid_t)atoi(line + 4);
        } else if (!strncmp(line, "state=", 6)) {
            snprintf(st->state, sizeof(st->state), "%.15s", line + 6);
        } else if (!strncmp(line, "heartbeat=", 10)) {
            st->heartbeat = atoll(line + 10);
        } else if (!strncmp(line, "reason=", 7)) {
            snprintf(st->reason, sizeof(st->reason), "%.511s", line + 7);
        }
    }
    fclose(f);
    return st->pid > 0;
}

/*
 * The running engine's PID, or 0. The engine holds a lock on its pidfile for
 * its whole life, so a stale pidfile or a recycled PID is never mistaken for it.
 */
static pid_t
ne_engine_pid(const char *pidfile)
{
    int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
    pid_t pid = 0;

    if (fd < 0) {
        return 0;
    }
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
        flock(fd, LOCK_UN); /* nobody holds it: no engine */
    } else if (errno == EWOULDBLOCK && lb_process_pidfile(pidfile, &pid) < 0) {
        pid = 0;
    }
    close(fd);
    return pid > 0 && lb_process_alive(pid) ? pid : 0;
}

/* ------------------------------------------------------------ start */

/* The engine's configuration: every parameter, the instance and this node. */
static char *
ne_config_json(const struct lb_ctx *ctx)
{
    json_t *cfg = json_object();
    char *text;

    for (const struct lb_param *p = ne_params; p->name; p++) {
        const char *v = lb_param_str(ctx, p->name);

        if (v) {
            json_object_set_new(cfg, p->name, json_string(v));
        }
    }
    if (ctx->instance) {
        json_object_set_new(cfg, "instance", json_string(ctx->instance));
    }
    if (ctx->node_name) {
        json_object_set_new(cfg, "on_node", json_string(ctx->node_name));
    }
    text = json_dumps(cfg, JSON_COMPACT);
    json_decref(cfg);
    return text;
}

/* Our environment without the OCF_RESKEY_ variables (the password is one). */
static char **
ne_child_env(void)
{
    size_t n = 0, k = 0;
    char **env;

    while (environ[n]) {
        n++;
    }
    env = calloc(n + 1, sizeof(*env));
    for (size_t i = 0; env && i < n; i++) {
        if (strncmp(environ[i], "OCF_RESKEY_", 11)) {
            env[k++] = environ[i];
        }
    }
    return env;
}

/* In the child: a session of its own, the config pipe on stdin, nothing else open. */
static void
ne_child(const char *exe, int cfg_fd, char **env)
{
    char *argv[] = {(char *)NE_NAME, (char *)"engine", NULL};
    int null = open("/dev/null", O_RDWR);
    DIR *d;

    setsid();
    dup2(cfg_fd, STDIN_FILENO);
    if (null >= 0) {
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    d = opendir("/proc/self/fd");
    for (struct dirent *de; d && (de = readdir(d));) {
        int fd = atoi(de->d_name);

        if (fd > STDERR_FILENO && fd != dirfd(d)) {
            close(fd);
        }
    }
    if (d) {
        closedir(d);
    }
    for (int sig = 1; sig < NSIG; sig++) {
        signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(exe, argv, env);
    _exit(LB_OCF_ERR_INSTALLED);
}

/* Start the engine with @cfg on its stdin. Returns its PID or -errno. */
static pid_t
ne_spawn(const char *cfg)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    size_t len = strlen(cfg);
    char **env = ne_child_env();
    int p[2];
    pid_t pid;

    if (n <= 0 || !env) {
        free(env);
        return -ENOENT;
    }
    exe[n] = '\0';
    if (pipe2(p, O_CLOEXEC) < 0) {
        free(env);
        return -errno;
    }
    /* the whole configuration fits in the pipe: no writer left behind */
    if (len >= NE_CONFIG_MAX || write(p[1], cfg, len) != (ssize_t)len) {
        close(p[0]);
        close(p[1]);
        free(env);
        return -E2BIG;
    }
    close(p[1]);
    pid = fork();
    if (pid == 0) {
        ne_child(exe, p[0], env);
    }
    close(p[0]);
    free(env);
    return pid < 0 ? -errno : pid;
}

/* Wait for the engine to say ready (or fatal, or to exit). */
static int
ne_wait_ready(struct lb_ctx *ctx, pid_t pid, const char *statefile)
{
    struct ne_state st;
    int status;

    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        bool have = ne_read_state(statefile, &st) && st.pid == pid;

        if (have && !strcmp(st.state, "ready")) {
            lb_info("engine %d ready: %s", (int)pid, st.reason);
            return LB_OCF_SUCCESS;
        }
        if (w == pid || (have && !strcmp(st.state, "fatal"))) {
            int code = w == pid && WIFEXITED(status) ? WEXITSTATUS(status) : LB_OCF_ERR_GENERIC;

            if (have && !strcmp(st.state, "fatal")) {
                code = LB_OCF_ERR_CONFIGURED;
            }
            lb_exit_reason("the evacuation engine did not start: %s",
                           have && st.reason[0] ? st.reason : "it exited (see the log)");
            return code ? code : LB_OCF_ERR_GENERIC;
        }
        if (have && !strcmp(st.state, "retrying")) {
            /* Keystone or Nova away: the engine keeps trying on its own */
            lb_warn("engine %d started, but not logged in yet (%s): it keeps trying", (int)pid,
                    st.reason);
            return LB_OCF_SUCCESS;
        }
        if (lb_ctx_time_left_ms(ctx, lb_ctx_watchdog_margin_ms(ctx) + 1000) <= 0) {
            /* Keystone or Nova slow or away: the engine keeps trying on its own */
            lb_warn("engine %d not ready yet (%s): started anyway; it keeps trying", (int)pid,
                    have && st.reason[0] ? st.reason : "starting");
            return LB_OCF_SUCCESS;
        }
        lb_sleep_ms(50);
    }
}

static int
ne_start(struct lb_ctx *ctx)
{
    char pidfile[PATH_MAX], statefile[PATH_MAX];
    pid_t pid;
    char *cfg;

    ne_paths(ctx->instance, pidfile, statefile, sizeof(pidfile));
    if ((pid = ne_engine_pid(pidfile)) > 0) {
        lb_info("engine %d is already running", (int)pid);
        return LB_OCF_SUCCESS;
    }
    if (mkdir(ne_rsctmp(), 01755) < 0 && errno != EEXIST) {
        lb_exit_reason("cannot create %s: %s", ne_rsctmp(), strerror(errno));
        return LB_OCF_ERR_PERM;
    }
    unlink(statefile);
    cfg = ne_config_json(ctx);
    if (!cfg) {
        lb_exit_reason("out of memory");
        return LB_OCF_ERR_GENERIC;
    }
    pid = ne_spawn(cfg);
    memset(cfg, 0, strlen(cfg));
    free(cfg);
    if (pid < 0) {
        lb_exit_reason("cannot start the evacuation engine: %s", strerror((int)-pid));
        return LB_OCF_ERR_GENERIC;
    }
    return ne_wait_ready(ctx, pid, statefile);
}

/* ------------------------------------------------------------ stop */

static int
ne_stop_engine(struct lb_ctx *ctx)
{
    char pidfile[PATH_MAX], statefile[PATH_MAX];
    long wait_ms;
    pid_t pid;
    int rc;

    ne_paths(ctx->instance, pidfile, statefile, sizeof(pidfile));
    pid = ne_engine_pid(pidfile);
    if (pid == 0 && (rc = lb_params_validate(ctx)) != LB_OCF_SUCCESS) {
        return rc; /* nothing to stop, and nothing that could have been started */
    }
    if (pid > 0) {
        kill(pid, SIGTERM);
        wait_ms = lb_ctx_time_left_ms(ctx, lb_ctx_watchdog_margin_ms(ctx) + 2000);
        if (lb_process_wait_exit(pid, wait_ms > 0 ? wait_ms : 0) < 0) {
            lb_warn("engine %d did not stop on SIGTERM: SIGKILL", (int)pid);
            kill(pid, SIGKILL);
            if (lb_process_wait_exit(pid, 2000) < 0) {
                lb_exit_reason("engine %d does not die", (int)pid);
                return LB_OCF_ERR_GENERIC;
            }
        }
        lb_info("engine %d stopped", (int)pid);
    }
    unlink(pidfile);
    unlink(statefile);
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ monitor */

static int
ne_monitor(struct lb_ctx *ctx)
{
    char pidfile[PATH_MAX], statefile[PATH_MAX];
    struct ne_state st;
    bool have;
    pid_t pid;
    int rc = lb_params_validate(ctx);

    if (rc != LB_OCF_SUCCESS) {
        return rc;
    }
    ne_paths(ctx->instance, pidfile, statefile, sizeof(pidfile));
    pid = ne_engine_pid(pidfile);
    have = ne_read_state(statefile, &st);
    if (pid == 0) {
        if (access(pidfile, F_OK) < 0 || ctx->is_probe) {
            return LB_OCF_NOT_RUNNING;
        }
        if (have && !strcmp(st.state, "fatal")) {
            lb_exit_reason("the evacuation engine stopped: %s", st.reason);
            return LB_OCF_ERR_CONFIGURED;
        }
        lb_exit_reason("the evacuation engine%s is gone", have ? "" : " (no state file)");
        return LB_OCF_ERR_GENERIC;
    }
    if (!have || st.pid != pid) {
        lb_exit_reason("engine %d has no state file", (int)pid);
        return LB_OCF_ERR_GENERIC;
    }
    if (!strcmp(st.state, "fatal")) {
        lb_exit_reason("the evacuation engine gave up: %s", st.reason);
        return LB_OCF_ERR_CONFIGURED;
    }
    if ((long long)time(NULL) - st.heartbeat > NE_HEARTBEAT_MAX_S) {
        lb_exit_reason("engine %d has not reported for %lld s", (int)pid,
                       (long long)time(NULL) - st.heartbeat);
        return LB_OCF_ERR_GENERIC;
    }
    if (strcmp(st.state, "ready")) {
        lb_debug("engine %d is %s: %s", (int)pid, st.state, st.reason);
    }
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ validation */

static int
ne_validate(struct lb_ctx *ctx)
{
    return lb_os_params_validate(ctx);
}

/* ------------------------------------------------------------ agent */

static const struct lb_action ne_actions[] = {
    {.name = "start", .fn = ne_start, .timeout = "30s", .needs_validation = true},
    {.name = "stop", .fn = ne_stop_engine, .timeout = "30s"},
    {.name = "monitor", .fn = ne_monitor, .timeout = "20s", .interval = "10s"},
    {.name = NULL},
};

static const struct lb_agent ne_agent = {
    .name = NE_NAME,
    .shortdesc = "Evacuator for OpenStack Nova Compute Server",
    .longdesc = "Evacuates the servers of compute hosts that fence_compute has fenced and "
                "marked (node attribute evacuate=yes). A long-running engine reacts to the "
                "mark within a second, sends exactly one evacuate per server (in parallel up "
                "to max_parallel, never without quorum), follows each server to ACTIVE or "
                "SHUTOFF on another host or to ERROR, and sets evacuate=no when the host is "
                "done. Progress: the node attribute nova-evacuations of the node running this "
                "resource (crm_mon -A), evacuate-progress of the failed node, and the log. "
                "An engine that takes over after a failure never evacuates a server twice.",
    .params = ne_params,
    .actions = ne_actions,
    .validate = ne_validate,
};

int
main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "engine")) {
        return ne_engine_main();
    }
    return lb_ocf_main(&ne_agent, argc, argv);
}
