/*
 * lifeboat OCF runtime: the environment of one invocation, generic actions and
 * dispatch. Agents only provide their tables and action functions.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lifeboat/log.h"
#include "lifeboat/meta.h"
#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"

static const char *
lb_env(const char *name)
{
    const char *v = getenv(name);

    return (v && *v) ? v : NULL;
}

static long
lb_env_long(const char *name, long fallback)
{
    long v;

    return lb_parse_long(lb_env(name), &v) ? v : fallback;
}

/* "OCF_RESKEY_CRM_meta_" + name, with '-' spelled '_' as Pacemaker does. */
static const char *
lb_meta_env(const char *name)
{
    char key[128];

    snprintf(key, sizeof(key), "OCF_RESKEY_CRM_meta_%s", name);
    for (char *p = key; *p; p++) {
        if (*p == '-') {
            *p = '_';
        }
    }
    return lb_env(key);
}

static long
lb_meta_long(const char *name, long fallback)
{
    long v;

    return lb_parse_long(lb_meta_env(name), &v) ? v : fallback;
}

long long
lb_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
lb_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

void
lb_ctx_init(struct lb_ctx *ctx, const struct lb_agent *agent, const char *action)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->agent = agent;
    ctx->action = action;
    ctx->start_ms = lb_now_ms();
    ctx->instance = lb_env("OCF_RESOURCE_INSTANCE");
    ctx->ocf_root = lb_env("OCF_ROOT") ? lb_env("OCF_ROOT") : LB_OCF_ROOT_DEFAULT;
    ctx->timeout_ms = lb_meta_long("timeout", 0);
    ctx->interval_ms = lb_meta_long("interval", 0);
    ctx->check_level = (int)lb_env_long("OCF_CHECK_LEVEL", 0);
    ctx->is_probe = action && !strcmp(action, "monitor") && ctx->interval_ms == 0;
    ctx->is_clone = lb_meta_env("clone_max") != NULL;
    ctx->clone_max = lb_meta_long("clone_max", 0);
    ctx->clone_node_max = lb_meta_long("clone_node_max", 0);
    ctx->clone = lb_meta_long("clone", 0);
    /* Pacemaker 2.1 passes both the new and the legacy names. */
    ctx->promoted_max = lb_meta_long("promoted_max", lb_meta_long("master_max", 0));
    ctx->promoted_node_max = lb_meta_long("promoted_node_max", lb_meta_long("master_node_max", 0));
    ctx->notify_type = lb_meta_env("notify_type");
    ctx->notify_operation = lb_meta_env("notify_operation");
    ctx->node_name = lb_meta_env("on_node");
    ctx->migrate_source = lb_meta_env("migrate_source");
    ctx->migrate_target = lb_meta_env("migrate_target");
}

long
lb_ctx_time_left_ms(const struct lb_ctx *ctx, long margin_ms)
{
    long left;

    if (ctx->timeout_ms <= 0) {
        return LONG_MAX;
    }
    left = ctx->timeout_ms - (long)(lb_now_ms() - ctx->start_ms) - margin_ms;
    return left > 0 ? left : 0;
}

void
lb_exit_reason(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* One line only: the executor takes the first line as the reason. */
    for (char *p = msg; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    fprintf(stderr, "ocf-exit-reason:%s\n", msg);
    fflush(stderr);
    lb_err("%s", msg);
}

const char *
lb_rc_str(int rc)
{
    switch (rc) {
    case LB_OCF_SUCCESS:
        return "ok";
    case LB_OCF_ERR_GENERIC:
        return "error";
    case LB_OCF_ERR_ARGS:
        return "invalid parameter";
    case LB_OCF_ERR_UNIMPLEMENTED:
        return "unimplemented feature";
    case LB_OCF_ERR_PERM:
        return "insufficient privileges";
    case LB_OCF_ERR_INSTALLED:
        return "not installed";
    case LB_OCF_ERR_CONFIGURED:
        return "not configured";
    case LB_OCF_NOT_RUNNING:
        return "not running";
    case LB_OCF_RUNNING_PROMOTED:
        return "promoted";
    case LB_OCF_FAILED_PROMOTED:
        return "promoted (failed)";
    case LB_OCF_DEGRADED:
        return "degraded";
    case LB_OCF_DEGRADED_PROMOTED:
        return "promoted (degraded)";
    default:
        return "unknown";
    }
}

static const struct lb_action *
lb_find_action(const struct lb_agent *agent, const char *name)
{
    for (const struct lb_action *a = agent->actions; a->name; a++) {
        if (!strcmp(a->name, name) && a->fn) {
            return a;
        }
    }
    return NULL;
}

/* Table checks plus the agent's own; used by validate-all and before actions. */
static int
lb_validate(struct lb_ctx *ctx)
{
    int rc = lb_params_validate(ctx);

    if (rc == LB_OCF_SUCCESS && ctx->agent->validate) {
        rc = ctx->agent->validate(ctx);
    }
    return rc;
}

long
lb_parse_duration_ms(const char *s)
{
    static const struct {
        const char *unit;
        long ms;
    } units[] = {{"", 1000},   {"s", 1000},    {"sec", 1000},  {"ms", 1},      {"msec", 1},
                 {"m", 60000}, {"min", 60000}, {"h", 3600000}, {"hr", 3600000}};
    char *end;
    long v;

    if (!s || *s < '0' || *s > '9') {
        return -1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno) {
        return -1;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (!strcmp(end, units[i].unit)) {
            return v > LONG_MAX / units[i].ms ? -1 : v * units[i].ms;
        }
    }
    return -1;
}

/* The watchdog: if an action outlives its timeout (a hung daemon, say), it
   ends with a reason and OCF_ERR_GENERIC instead of being killed by the executor. */
static char lb_watchdog_msg[512];

static void
lb_watchdog_fire(int sig)
{
    ssize_t ignored;

    (void)sig;
    if (lb_proc_active_pgid > 0) {
        kill(-(pid_t)lb_proc_active_pgid, SIGKILL);
    }
    ignored = write(STDERR_FILENO, lb_watchdog_msg, strlen(lb_watchdog_msg));
    (void)ignored;
    _exit(LB_OCF_ERR_GENERIC);
}

long
lb_ctx_watchdog_margin_ms(const struct lb_ctx *ctx)
{
    return ctx->timeout_ms / 10 < 2000 ? ctx->timeout_ms / 10 : 2000;
}

static void
lb_watchdog_arm(const struct lb_ctx *ctx)
{
    long at = ctx->timeout_ms - lb_ctx_watchdog_margin_ms(ctx);
    struct itimerval it = {.it_value = {.tv_sec = at / 1000, .tv_usec = (at % 1000) * 1000}};
    struct sigaction sa = {.sa_handler = lb_watchdog_fire};

    if (at <= 0) {
        return;
    }
    snprintf(lb_watchdog_msg, sizeof(lb_watchdog_msg) - 1,
             "ocf-exit-reason:%s of %.200s did not complete within its timeout of %ld ms "
             "(a service it depends on does not answer)",
             ctx->action, ctx->instance ? ctx->instance : ctx->agent->name, ctx->timeout_ms);
    strcat(lb_watchdog_msg, "\n");
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
}

static int
lb_run_action(struct lb_ctx *ctx, const struct lb_action *act)
{
    int rc;

    if (ctx->timeout_ms <= 0) {
        /* Run by hand: use the action's advertised default timeout. */
        long dflt = lb_parse_duration_ms(act->timeout);

        ctx->timeout_ms = dflt > 0 ? dflt : 20000;
    }
    lb_watchdog_arm(ctx);

    if (act->needs_validation) {
        rc = lb_validate(ctx);
        if (rc != LB_OCF_SUCCESS) {
            return rc;
        }
    }
    lb_debug("%s %s (interval %ldms, timeout %ldms, depth %d)", ctx->action,
             ctx->instance ? ctx->instance : "-", ctx->interval_ms, ctx->timeout_ms,
             ctx->check_level);
    rc = act->fn(ctx);
    lb_debug("%s %s: %s (%d)", ctx->action, ctx->instance ? ctx->instance : "-", lb_rc_str(rc), rc);
    return rc;
}

int
lb_ocf_main(const struct lb_agent *agent, int argc, char **argv)
{
    struct lb_ctx ctx;
    const struct lb_action *act;
    const char *action = argc > 1 ? argv[1] : NULL;
    int rc;

    lb_log_init(agent->name, getenv("OCF_RESOURCE_INSTANCE"));
    if (argc != 2 || !action || !*action) {
        lb_exit_reason("%s: expected one non-empty action argument, got %d", agent->name, argc - 1);
        lb_usage_print(agent, stderr);
        lb_log_close();
        return LB_OCF_ERR_ARGS;
    }
    if (!strcmp(action, "meta-data")) {
        rc = lb_meta_print(agent, stdout) == 0 ? LB_OCF_SUCCESS : LB_OCF_ERR_GENERIC;
        lb_log_close();
        return rc;
    }
    if (!strcmp(action, "usage") || !strcmp(action, "help") || !strcmp(action, "--help")) {
        lb_usage_print(agent, stdout);
        lb_log_close();
        return LB_OCF_SUCCESS;
    }
    lb_ctx_init(&ctx, agent, action);
    if (!strcmp(action, "validate-all")) {
        rc = lb_validate(&ctx);
    } else if ((act = lb_find_action(agent, action)) != NULL) {
        rc = lb_run_action(&ctx, act);
    } else {
        lb_exit_reason("%s: action '%s' is not implemented", agent->name, action);
        lb_usage_print(agent, stderr);
        rc = LB_OCF_ERR_UNIMPLEMENTED;
    }
    setitimer(ITIMER_REAL, &(struct itimerval){0}, NULL); /* the action is over: disarm */
    lb_log_close();
    return rc;
}

int
lb_ocf_exec_full(const char *name, char **argv)
{
    char self[PATH_MAX], path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

    if (n > 0) {
        char *slash;

        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(path, sizeof(path), "%s/libexec/%s", self, name);
            execv(path, argv);
        }
    }
    snprintf(path, sizeof(path), "%s/%s", LB_PKGLIBEXECDIR, name);
    execv(path, argv);
    lb_exit_reason("cannot run %s: %s", path, strerror(errno));
    return LB_OCF_ERR_INSTALLED;
}

/* Give the full agent what is left of this operation's timeout. */
static void
lb_pass_time_left(const struct lb_ctx *ctx)
{
    char buf[32];
    long left = lb_ctx_time_left_ms(ctx, 0);

    if (ctx->timeout_ms > 0) {
        snprintf(buf, sizeof(buf), "%ld", left > 1 ? left : 1);
        setenv("OCF_RESKEY_CRM_meta_timeout", buf, 1);
    }
}

int
lb_ocf_fast_main(const struct lb_agent *agent, int argc, char **argv)
{
    const struct lb_action *act = argc == 2 ? lb_find_action(agent, argv[1]) : NULL;

    if (act != NULL) {
        struct lb_ctx ctx;
        int rc;

        lb_log_init(agent->name, getenv("OCF_RESOURCE_INSTANCE"));
        lb_ctx_init(&ctx, agent, argv[1]);
        rc = act->fn(&ctx);
        lb_log_close();
        if (rc != LB_OCF_HANDOVER) {
            return rc;
        }
        lb_pass_time_left(&ctx);
    }
    return lb_ocf_exec_full(agent->name, argv);
}
