/*
 * ocf:lifeboat:rabbitmq-cluster: a RabbitMQ node as an instance of a clone.
 *
 * Drop-in for ocf:heartbeat:rabbitmq-cluster 4.12: the same parameter
 * (set_policy) and node attributes ("rmq-node-attr-<instance>" with the
 * RabbitMQ node name, transient; "rmq-node-attr-last-known-<instance>",
 * permanent), plus what real deployments need (node name, ports, cookie
 * home, data and log directories, management credentials from a file).
 *
 * - start runs rabbitmq-server with its environment, joins the RabbitMQ
 *   nodes that run on the other online Pacemaker nodes (their transient
 *   attribute), and applies set_policy. A node keeps its data: it rejoins
 *   its cluster by itself, and only when its peers disagree with its view of
 *   the cluster ("inconsistent_cluster") is it reset and joined afresh. When
 *   no peer runs, the node that stopped last boots at once; one that did not
 *   waits for the nodes that stopped after it (they hold the newest data).
 *   Only when Pacemaker knows all of them to be gone (offline, or no longer
 *   cluster nodes) does it boot with force_boot. In an ordered clone, where
 *   they would start only after it, it fails its start at once instead, so
 *   that Pacemaker starts the clone elsewhere first. A node with data that
 *   does not know whether it stopped last (no nodes_running_at_shutdown) lets
 *   RabbitMQ decide: it is last only if RabbitMQ does not wait for its
 *   tables. A node reset to join holds no data of its own (a marker says so
 *   until it joined) and never starts a cluster of its own while a member
 *   that holds data may come back.
 * - monitor asks the management HTTP API (GET /api/nodes, in-process with
 *   libcurl): the node runs, and is not on the losing side of a partition or
 *   in a minority. rabbitmqctl is the fallback when rabbitmq_management is
 *   not enabled.
 * - notify (post-stop) forgets the RabbitMQ nodes of stopped instances, as
 *   the shell agent does, unless durable queues live only in their data.
 *   A node reset to join (inconsistent) first names the queues whose home it
 *   is: the reset discards them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lifeboat/cib.h"
#include "lifeboat/daemon.h"
#include "lifeboat/domxml.h"
#include "lifeboat/http.h"
#include "lifeboat/log.h"
#include "lifeboat/nodeattrs.h"
#include "lifeboat/nodes.h"
#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"
#include "lifeboat/process.h"
#include "lifeboat/rabbitmq.h"

#define RMQ_NAME    "rabbitmq-cluster"
#define RMQ_PLUGIN  "rabbitmq_management"
#define RMQ_LOGMAX  (256 * 1024)        /* bytes of a log read back for a reason */
#define RMQ_JOINING "-lifeboat-joining" /* beside the data: reset to join, holds no data */
#define RMQ_WAITED  "Error while waiting for Mnesia tables" /* a wait round timed out */

/* ------------------------------------------------------------ parameters */

static const struct lb_param rmq_params[] = {
    {.name = "set_policy",
     .type = LB_PARAM_STRING,
     .unique = true,
     .shortdesc = "rabbitmqctl set_policy args",
     .longdesc = "Policy string to pass to 'rabbitmqctl set_policy' right after bootstrapping the "
                 "first rabbitmq instance: \"[--vhost V] [--priority N] [--apply-to A] NAME "
                 "PATTERN DEFINITION\", split on blanks as the shell agent does, e.g. "
                 "'ha-all ^(?!amq\\.).* {\"ha-mode\":\"all\"}'. Applied after every start "
                 "(it is idempotent), through the management API when it is enabled."},
    {.name = "nodename",
     .type = LB_PARAM_STRING,
     .shortdesc = "RabbitMQ node name",
     .longdesc = "RABBITMQ_NODENAME. Default: NODENAME from env_file, else rabbit@ and the "
                 "short host name. A name without '@' gets '@' and the short host name."},
    {.name = "node_port",
     .type = LB_PARAM_INTEGER,
     .min = 1,
     .max = 65535,
     .shortdesc = "AMQP port",
     .longdesc = "RABBITMQ_NODE_PORT. Default: RabbitMQ's (env_file, else 5672)."},
    {.name = "dist_port",
     .type = LB_PARAM_INTEGER,
     .min = 1,
     .max = 65535,
     .shortdesc = "Erlang distribution port",
     .longdesc = "RABBITMQ_DIST_PORT, the inter-node port. Default: RabbitMQ's (node_port + "
                 "20000)."},
    {.name = "epmd_port",
     .type = LB_PARAM_INTEGER,
     .min = 1,
     .max = 65535,
     .shortdesc = "epmd port",
     .longdesc = "ERL_EPMD_PORT, the Erlang port mapper's port, the same on every node. "
                 "Default: 4369."},
    {.name = "ctl_dist_port_min",
     .type = LB_PARAM_INTEGER,
     .min = 1,
     .max = 65525,
     .shortdesc = "First distribution port of rabbitmqctl",
     .longdesc = "RABBITMQ_CTL_DIST_PORT_MIN; rabbitmqctl listens on one of this port and the "
                 "next ten. Default: RabbitMQ's (35672)."},
    {.name = "home",
     .type = LB_PARAM_STRING,
     .dflt = "/var/lib/rabbitmq",
     .shortdesc = "HOME of the server: the Erlang cookie",
     .longdesc = "HOME of rabbitmq-server and rabbitmqctl: the directory that holds "
                 ".erlang.cookie, which must be the same on every node."},
    {.name = "mnesia_base",
     .type = LB_PARAM_STRING,
     .dflt = "/var/lib/rabbitmq/mnesia",
     .shortdesc = "Data directory base",
     .longdesc = "RABBITMQ_MNESIA_BASE; the node's data is in MNESIA_BASE/NODENAME. When "
                 "unset: MNESIA_BASE from env_file, else this default."},
    {.name = "log_base",
     .type = LB_PARAM_STRING,
     .dflt = "/var/log/rabbitmq",
     .shortdesc = "Log directory",
     .longdesc = "RABBITMQ_LOG_BASE; the server's start-up output goes to LOG_BASE/startup_log. "
                 "When unset: LOG_BASE from env_file, else this default."},
    {.name = "pid_file",
     .type = LB_PARAM_STRING,
     .dflt = "/var/run/rabbitmq/rmq.pid",
     .unique = true,
     .shortdesc = "PID file",
     .longdesc = "RABBITMQ_PID_FILE, written by the server (the shell agent's path by "
                 "default)."},
    {.name = "config_file",
     .type = LB_PARAM_STRING,
     .shortdesc = "Configuration file",
     .longdesc = "RABBITMQ_CONFIG_FILE (rabbitmq.conf, with or without its extension). "
                 "Default: RabbitMQ's (/etc/rabbitmq/rabbitmq.conf)."},
    {.name = "enabled_plugins_file",
     .type = LB_PARAM_STRING,
     .dflt = "/etc/rabbitmq/enabled_plugins",
     .shortdesc = "Enabled plugins file",
     .longdesc = "RABBITMQ_ENABLED_PLUGINS_FILE. When it lists rabbitmq_management, monitor "
                 "uses the management HTTP API; otherwise rabbitmqctl. When unset: "
                 "ENABLED_PLUGINS_FILE from env_file, else this default."},
    {.name = "env_file",
     .type = LB_PARAM_STRING,
     .dflt = "/etc/rabbitmq/rabbitmq-env.conf",
     .shortdesc = "rabbitmq-env.conf",
     .longdesc = "RABBITMQ_CONF_ENV_FILE, read by rabbitmq-server and rabbitmqctl. The agent "
                 "reads NODENAME, MNESIA_BASE, LOG_BASE and ENABLED_PLUGINS_FILE from it "
                 "(NAME=value or RABBITMQ_NAME=value, no shell expansion) when the parameters are "
                 "unset. Parameters win over its unprefixed assignments."},
    {.name = "erl_args",
     .type = LB_PARAM_STRING,
     .shortdesc = "Additional Erlang arguments",
     .longdesc = "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS, e.g. \"-kernel "
                 "inet_dist_use_interface {127,0,0,1}\"."},
    {.name = "server",
     .type = LB_PARAM_STRING,
     .dflt = "/usr/lib/rabbitmq/bin/rabbitmq-server",
     .shortdesc = "rabbitmq-server",
     .longdesc = "The server's start script, run directly with the environment the parameters "
                 "give (the /usr/sbin wrapper would reset it)."},
    {.name = "ctl",
     .type = LB_PARAM_STRING,
     .dflt = "/usr/lib/rabbitmq/bin/rabbitmqctl",
     .shortdesc = "rabbitmqctl",
     .longdesc = "rabbitmqctl, used to join, to forget nodes, for force_boot, and for monitor "
                 "when the management plugin is not enabled."},
    {.name = "user",
     .type = LB_PARAM_STRING,
     .dflt = "rabbitmq",
     .shortdesc = "User of the server",
     .longdesc = "The server runs as this user; directories the agent creates belong to it."},
    {.name = "mgmt_url",
     .type = LB_PARAM_STRING,
     .dflt = "http://127.0.0.1:15672",
     .shortdesc = "Management API of this node",
     .longdesc = "Base URL of the management HTTP API of the local node (management.tcp.port), "
                 "not of a load balancer."},
    {.name = "mgmt_credentials",
     .type = LB_PARAM_STRING,
     .shortdesc = "Management API credentials file",
     .longdesc = "A file whose first line is USER:PASSWORD, for the management API (any user "
                 "with the 'monitoring' tag, or 'policymaker' too when set_policy is used). Keep "
                 "it mode 600. Default: guest:guest, which RabbitMQ accepts from loopback "
                 "only."},
    {.name = NULL},
};

/* ------------------------------------------------------------ state */

struct rmq {
    struct lb_ctx *ctx;
    bool ready;
    const char *server, *ctl, *user, *policy, *config;
    char node[512]; /* RabbitMQ node name */
    char mnesia_base[PATH_MAX], mnesia_dir[PATH_MAX + 520], log_base[PATH_MAX];
    char pid_file[PATH_MAX], plugins[PATH_MAX], env_file[PATH_MAX], home[PATH_MAX];
    char url[1024];
    char auth[1024]; /* "Authorization: Basic ...": never logged */
    bool mgmt;       /* the management plugin is enabled */
    char attr[320], attr_last[320];
    char *pcmk; /* this Pacemaker node (the attributes' target), or NULL */
    char **env; /* environment of the server and of rabbitmqctl */
};

static struct rmq r;

/* How a boot ended. */
enum boot {
    BOOT_UP,           /* the node runs */
    BOOT_INCONSISTENT, /* its peers disagree with its view of the cluster */
    BOOT_WAITED,       /* it waited for peers past its deadline */
    BOOT_DENIED,       /* up, but the management API refused the credentials */
    BOOT_FAILED,       /* anything else; the exit reason is given */
};

/* What a look at the node found. */
enum look { LOOK_OK, LOOK_DOWN, LOOK_DENIED, LOOK_ERROR };

static int rmq_setup(struct lb_ctx *ctx);
static pid_t server_pid(void);
static int server_stop(long budget_ms);
static enum look look(long timeout_ms, struct lb_rmq_view *view, char *why, size_t len);
static int ctl(const char *target, const char *const args[], long timeout_ms, char *out,
               size_t len);
static char **join_list(void);
static void attr_set(const char *value);
static bool attr_is(const char *value);
static bool attr_cached(pid_t pid);
static void attr_cache(pid_t pid);
static long time_left(long reserve_ms);
static int finish_start(const struct lb_rmq_view *view);
static int start_loop(void);

/* ------------------------------------------------------------ start */

static int
rmq_start(struct lb_ctx *ctx)
{
    struct lb_rmq_view view;
    char why[512];
    pid_t pid;
    int rc;

    if ((rc = rmq_setup(ctx)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (ctx->instance == NULL) {
        lb_exit_reason("OCF_RESOURCE_INSTANCE is not set: it names the node attributes");
        return LB_OCF_ERR_CONFIGURED;
    }
    if ((pid = server_pid()) > 0) {
        enum look l =
            look(time_left(5000) < 10000 ? time_left(5000) : 10000, &view, why, sizeof(why));
        enum lb_rmq_verdict v =
            l == LOOK_OK ? lb_rmq_judge(&view, r.node, why, sizeof(why)) : LB_RMQ_STOPPED;

        if (l == LOOK_DENIED) {
            lb_exit_reason("%s", why);
            return LB_OCF_ERR_CONFIGURED;
        }
        if (v == LB_RMQ_HEALTHY || v == LB_RMQ_MAJORITY) {
            lb_info("node %s already runs (pid %ld)", r.node, (long)pid);
            rc = finish_start(&view);
            lb_rmq_view_free(&view);
            return rc;
        }
        if (l == LOOK_OK) {
            lb_rmq_view_free(&view);
        }
        lb_warn("node %s (pid %ld) runs but is not healthy (%s): restarting it", r.node, (long)pid,
                why);
        if ((rc = server_stop(time_left(30000))) != LB_OCF_SUCCESS) {
            return rc;
        }
    }
    return start_loop();
}

/* ------------------------------------------------------------ stop */

static int
rmq_stop(struct lb_ctx *ctx)
{
    if (rmq_setup(ctx) != LB_OCF_SUCCESS) {
        lb_warn("the configuration is not valid; stopping whatever runs anyway");
    }
    attr_set(NULL); /* nobody joins a node that stops */
    return server_stop(time_left(3000));
}

/* ------------------------------------------------------------ monitor */

/*
 * Members are missing from the node's view (no partition reported): it is in
 * a minority when it sees fewer than half of the nodes Pacemaker runs
 * instances on (the shell agent's rule). Returns an OCF code.
 */
static int
check_quorum(const struct lb_rmq_view *view)
{
    char **peers = join_list();
    size_t expected = 1, running = lb_rmq_view_running(view);

    for (size_t i = 0; peers && peers[i]; i++) {
        expected++;
    }
    lb_argv_free(peers);
    if (running * 2 < expected) {
        lb_exit_reason("node %s is in a minority partition: it sees %zu running node(s), "
                       "Pacemaker runs %zu",
                       r.node, running, expected);
        return LB_OCF_ERR_GENERIC;
    }
    lb_info("node %s sees %zu of %zu members running", r.node, running, view->n);
    return LB_OCF_SUCCESS;
}

static int
rmq_monitor(struct lb_ctx *ctx)
{
    struct lb_rmq_view view;
    char why[768];
    int rc = rmq_setup(ctx);
    pid_t pid = server_pid();
    enum look l;

    if (pid <= 0) {
        if (rc == LB_OCF_SUCCESS) {
            attr_set(NULL);
        }
        return LB_OCF_NOT_RUNNING;
    }
    if (rc != LB_OCF_SUCCESS) {
        return rc;
    }
    l = look(time_left(1000), &view, why, sizeof(why));
    if (l == LOOK_DENIED) {
        lb_exit_reason("%s", why);
        return LB_OCF_ERR_CONFIGURED;
    }
    if (l != LOOK_OK) {
        attr_set(NULL);
        lb_exit_reason("node %s (pid %ld) runs but %s", r.node, (long)pid, why);
        return LB_OCF_ERR_GENERIC;
    }
    switch (lb_rmq_judge(&view, r.node, why, sizeof(why))) {
    case LB_RMQ_HEALTHY:
        rc = view.n > lb_rmq_view_running(&view) ? check_quorum(&view) : LB_OCF_SUCCESS;
        break;
    case LB_RMQ_MAJORITY:
        lb_warn("%s", why);
        rc = LB_OCF_SUCCESS;
        break;
    case LB_RMQ_ABSENT:
        lb_exit_reason("%s (is mgmt_url %s this node's?)", why, r.url);
        rc = LB_OCF_ERR_GENERIC;
        break;
    default:
        lb_exit_reason("%s", why);
        rc = LB_OCF_ERR_GENERIC;
    }
    lb_rmq_view_free(&view);
    if (rc != LB_OCF_SUCCESS) {
        attr_set(NULL);
    } else if (!attr_cached(pid)) {
        if (!attr_is(r.node)) {
            attr_set(r.node); /* lost with attrd, or a probe found it running */
        }
        attr_cache(pid);
    }
    return rc;
}

/* ------------------------------------------------------------ notify */

/* Forget RabbitMQ node @name when @view shows it stopped. */
static void
forget(const struct lb_rmq_view *view, const char *name)
{
    const struct lb_rmq_member *m = lb_rmq_view_find(view, name);
    const char *args[] = {"forget_cluster_node", name, NULL};
    char out[512];

    if (m == NULL || m->running || strcmp(name, r.node) == 0) {
        return;
    }
    lb_info("Forgetting stopped node %s", name);
    if (ctl(r.node, args, time_left(2000), out, sizeof(out)) != 0) {
        lb_warn("Unable to forget offline node %s: %s", name, out);
    }
}

/*
 * True when durable queues of the cluster live only in the data of stopped
 * node @name: their home is there and no running mirror took over (they are
 * "down"). forget_cluster_node would delete them and the reset that follows
 * when it comes back would wipe their messages. When in doubt, true. The
 * offline queues are listed once per run, for all the stopped nodes.
 */
static bool
holds_queues(const char *name)
{
    const char *args[] = {"-q", "list_queues", "--offline", "--no-table-headers", "pid", NULL};
    static char out[65536];
    static bool listed;
    static int rc;
    char home[300];
    long t = time_left(2000);
    bool held;

    if (!listed) {
        rc = ctl(r.node, args, t < 15000 ? t : 15000, out, sizeof(out));
        listed = true;
    }
    if (rc != 0) {
        lb_warn("not forgetting stopped node %s: its queues are unknown (%s)", name, out);
        return true;
    }
    snprintf(home, sizeof(home), "<%s.", name); /* a pid of that node: <rabbit@host.N.N.N> */
    held = strstr(out, home) != NULL || strlen(out) + 1 >= sizeof(out);
    if (held) {
        lb_warn("not forgetting stopped node %s: durable queues live only in its data", name);
    }
    return held;
}

/*
 * post-stop: the RabbitMQ nodes of the stopped instances are forgotten, as
 * the shell agent does (a forgotten node that comes back is reset and joins
 * again), unless the cluster's durable queues live only in their data.
 * Notifications never fail.
 */
static int
rmq_notify(struct lb_ctx *ctx)
{
    struct lb_rmq_view view;
    struct lb_nodeattr *last = NULL;
    size_t nlast = 0;
    char why[512], **stopped;
    enum lb_rmq_verdict v;

    if (rmq_setup(ctx) != LB_OCF_SUCCESS || ctx->notify_type == NULL ||
        ctx->notify_operation == NULL || strcmp(ctx->notify_type, "post") != 0 ||
        strcmp(ctx->notify_operation, "stop") != 0 || server_pid() <= 0) {
        return LB_OCF_SUCCESS;
    }
    if (look(time_left(2000) < 10000 ? time_left(2000) : 10000, &view, why, sizeof(why)) !=
        LOOK_OK) {
        return LB_OCF_SUCCESS;
    }
    v = lb_rmq_judge(&view, r.node, why, sizeof(why));
    stopped = lb_argv_split(getenv("OCF_RESKEY_CRM_meta_notify_stop_uname"));
    if ((v == LB_RMQ_HEALTHY || v == LB_RMQ_MAJORITY) && stopped && stopped[0] &&
        lb_nodeattrs_get(r.attr_last, false, &last, &nlast) == 0) {
        for (size_t i = 0; stopped[i]; i++) {
            const char *name = lb_nodeattrs_find(last, nlast, stopped[i]);
            const struct lb_rmq_member *m;

            if (name == NULL) {
                lb_warn("Unable to map pcmk node %s to a known rmq node.", stopped[i]);
                continue;
            }
            m = lb_rmq_view_find(&view, name);
            if (m != NULL && !m->running && !holds_queues(name)) {
                forget(&view, name);
            }
        }
    }
    lb_nodeattrs_free(last, nlast);
    lb_argv_free(stopped);
    lb_rmq_view_free(&view);
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ validation */

static int
need_file(const char *what, const char *path, int mode)
{
    if (path == NULL || access(path, mode) != 0) {
        lb_exit_reason("%s %s %s", what, path ? path : "(unset)",
                       errno == EACCES ? "is not accessible" : "does not exist");
        return LB_OCF_ERR_INSTALLED;
    }
    return LB_OCF_SUCCESS;
}

static int
validate_paths(struct lb_ctx *ctx)
{
    static const char *const paths[] = {
        "home",        "mnesia_base",          "log_base", "pid_file",
        "config_file", "enabled_plugins_file", "env_file", "server",
        "ctl",         "mgmt_credentials",     NULL};

    for (int i = 0; paths[i]; i++) {
        const char *v = lb_param_str(ctx, paths[i]);

        if (v != NULL && v[0] != '/') {
            lb_exit_reason("%s '%.200s' is not an absolute path", paths[i], v);
            return LB_OCF_ERR_CONFIGURED;
        }
        if (v != NULL && strlen(v) >= PATH_MAX - 64) {
            lb_exit_reason("%s is too long (%zu bytes)", paths[i], strlen(v));
            return LB_OCF_ERR_CONFIGURED;
        }
    }
    return LB_OCF_SUCCESS;
}

/* A configuration file given with or without its ".conf" extension. */
static int
validate_config(const char *config)
{
    char path[PATH_MAX + 8];

    if (config == NULL || access(config, R_OK) == 0) {
        return LB_OCF_SUCCESS;
    }
    snprintf(path, sizeof(path), "%s.conf", config);
    if (access(path, R_OK) == 0) {
        return LB_OCF_SUCCESS;
    }
    lb_exit_reason("config_file %s does not exist", config);
    return LB_OCF_ERR_INSTALLED;
}

static int
rmq_validate(struct lb_ctx *ctx)
{
    const char *url = lb_param_str(ctx, "mgmt_url");
    const char *node = lb_param_str(ctx, "nodename");
    int rc;

    if ((rc = validate_paths(ctx)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        lb_exit_reason("mgmt_url '%.200s' is not an http:// or https:// URL", url);
        return LB_OCF_ERR_CONFIGURED;
    }
    if (node != NULL && (strlen(node) > 255 || strpbrk(node, " \t\n'\"\\") != NULL ||
                         strchr(node, '@') != strrchr(node, '@') || node[0] == '@')) {
        lb_exit_reason("nodename '%.200s' is not a RabbitMQ node name (name@host)", node);
        return LB_OCF_ERR_CONFIGURED;
    }
    if (lb_param_is_set(ctx, "env_file") &&
        (rc = need_file("env_file", lb_param_str(ctx, "env_file"), R_OK)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if ((rc = validate_config(lb_param_str(ctx, "config_file"))) != LB_OCF_SUCCESS) {
        return rc;
    }
    return rmq_setup(ctx);
}

/* ================================================================ plumbing */

/* ------------------------------------------------------------ setup */

static long
time_left(long reserve_ms)
{
    return lb_ctx_time_left_ms(r.ctx, lb_ctx_watchdog_margin_ms(r.ctx) + reserve_ms);
}

/* Resolve @param: its value, else @key from env_file text @envtext, else its default. */
static int
resolve(const char *param, const char *key, const char *envtext, char *buf, size_t len)
{
    const char *v = lb_param_str(r.ctx, param);

    if (!lb_param_is_set(r.ctx, param) && envtext != NULL &&
        lb_rmq_env_value(envtext, key, buf, len) == 0 && buf[0] != '\0') {
        return LB_OCF_SUCCESS;
    }
    if (v == NULL || snprintf(buf, len, "%s", v) >= (int)len) {
        lb_exit_reason("%s is %s", param, v ? "too long" : "not set");
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

/* The RabbitMQ node name: nodename, env_file's NODENAME, or rabbit@SHORTHOST. */
static int
resolve_node(const char *envtext)
{
    char host[256] = "localhost", name[256];

    if (gethostname(host, sizeof(host) - 1) == 0) {
        host[strcspn(host, ".")] = '\0';
    }
    if (lb_param_is_set(r.ctx, "nodename")) {
        snprintf(name, sizeof(name), "%s", lb_param_str(r.ctx, "nodename"));
    } else if (envtext == NULL || lb_rmq_env_value(envtext, "NODENAME", name, sizeof(name)) < 0 ||
               name[0] == '\0') {
        snprintf(name, sizeof(name), "rabbit");
    }
    if (strchr(name, '@') != NULL) {
        snprintf(r.node, sizeof(r.node), "%s", name);
    } else {
        snprintf(r.node, sizeof(r.node), "%s@%s", name, host);
    }
    return LB_OCF_SUCCESS;
}

/* The "Authorization" header from mgmt_credentials (default guest:guest). */
static int
read_credentials(void)
{
    const char *path = lb_param_str(r.ctx, "mgmt_credentials");
    char user[256] = "guest", pass[512] = "guest", *text;
    int rc = 0;

    if (path != NULL) {
        if ((text = lb_read_file(path)) == NULL) {
            lb_exit_reason("mgmt_credentials %s cannot be read: %s", path, strerror(errno));
            return errno == EACCES ? LB_OCF_ERR_PERM : LB_OCF_ERR_INSTALLED;
        }
        rc = lb_rmq_credentials(text, user, sizeof(user), pass, sizeof(pass));
        explicit_bzero(text, strlen(text));
        free(text);
        if (rc < 0) {
            lb_exit_reason("mgmt_credentials %s does not hold USER:PASSWORD on its first line",
                           path);
            return LB_OCF_ERR_CONFIGURED;
        }
    }
    rc = lb_http_basic_auth(user, pass, r.auth, sizeof(r.auth));
    explicit_bzero(pass, sizeof(pass));
    if (rc < 0) {
        lb_exit_reason("the management credentials are too long");
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

/* The environment of the server and of rabbitmqctl. */
static int
build_env(void)
{
    static const char *const drop[] = {"OCF_", "HA_", "RABBITMQ_", "ERL_", "CIB_", NULL};
    char set[16][PATH_MAX + 64];
    const char *setv[17];
    size_t n = 0;
    const char *v;

#define SETF(...) snprintf(set[n++], sizeof(set[0]), __VA_ARGS__)
    SETF("HOME=%s", r.home);
    SETF("RABBITMQ_NODENAME=%s", r.node);
    SETF("RABBITMQ_MNESIA_BASE=%s", r.mnesia_base);
    SETF("RABBITMQ_LOG_BASE=%s", r.log_base);
    SETF("RABBITMQ_PID_FILE=%s", r.pid_file);
    SETF("RABBITMQ_ENABLED_PLUGINS_FILE=%s", r.plugins);
    SETF("RABBITMQ_CONF_ENV_FILE=%s", r.env_file);
    SETF("LC_ALL=C.UTF-8");
    if (getenv("PATH") == NULL) {
        SETF("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    }
    if (r.config != NULL) {
        SETF("RABBITMQ_CONFIG_FILE=%s", r.config);
    }
    if ((v = lb_param_str(r.ctx, "node_port")) != NULL) {
        SETF("RABBITMQ_NODE_PORT=%s", v);
    }
    if ((v = lb_param_str(r.ctx, "dist_port")) != NULL) {
        SETF("RABBITMQ_DIST_PORT=%s", v);
    }
    if ((v = lb_param_str(r.ctx, "epmd_port")) != NULL) {
        SETF("ERL_EPMD_PORT=%s", v);
    }
    if ((v = lb_param_str(r.ctx, "ctl_dist_port_min")) != NULL) {
        SETF("RABBITMQ_CTL_DIST_PORT_MIN=%s", v);
        SETF("RABBITMQ_CTL_DIST_PORT_MAX=%ld", lb_param_int(r.ctx, "ctl_dist_port_min", 0) + 10);
    }
    if ((v = lb_param_str(r.ctx, "erl_args")) != NULL) {
        SETF("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=%.4000s", v);
    }
#undef SETF
    for (size_t i = 0; i < n; i++) {
        setv[i] = set[i];
    }
    setv[n] = NULL;
    r.env = lb_env_filter(drop, setv);
    return r.env ? LB_OCF_SUCCESS : LB_OCF_ERR_GENERIC;
}

/* The Pacemaker node the attributes belong to (ocf_attribute_target), or NULL. */
static char *
attribute_target(void)
{
    const char *target = getenv("OCF_RESKEY_CRM_meta_container_attribute_target");
    const char *host = getenv("OCF_RESKEY_CRM_meta_physical_host");
    char *name = NULL;

    if (target && !strcmp(target, "host") && host && *host) {
        return strdup(host);
    }
    if (r.ctx->node_name && *r.ctx->node_name) {
        return strdup(r.ctx->node_name);
    }
    return lb_cib_local_node(&name) == 0 ? name : NULL;
}

/* Fill r from the parameters (once). Returns an OCF code with a reason. */
static int
rmq_setup(struct lb_ctx *ctx)
{
    static int result = -1;
    char *envtext, *plugins;
    int rc;

    if (result >= 0) {
        return result;
    }
    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.server = lb_param_str(ctx, "server");
    r.ctl = lb_param_str(ctx, "ctl");
    r.user = lb_param_str(ctx, "user");
    r.policy = lb_param_str(ctx, "set_policy");
    r.config = lb_param_str(ctx, "config_file");
    snprintf(r.env_file, sizeof(r.env_file), "%s", lb_param_str(ctx, "env_file"));
    snprintf(r.home, sizeof(r.home), "%s", lb_param_str(ctx, "home"));
    snprintf(r.pid_file, sizeof(r.pid_file), "%s", lb_param_str(ctx, "pid_file"));
    snprintf(r.url, sizeof(r.url), "%.900s", lb_param_str(ctx, "mgmt_url"));
    r.url[strcspn(r.url, "\n")] = '\0';
    if (r.url[0] && r.url[strlen(r.url) - 1] == '/') {
        r.url[strlen(r.url) - 1] = '\0';
    }
    if (ctx->instance) {
        snprintf(r.attr, sizeof(r.attr), "rmq-node-attr-%.290s", ctx->instance);
        snprintf(r.attr_last, sizeof(r.attr_last), "rmq-node-attr-last-known-%.290s",
                 ctx->instance);
    }
    envtext = lb_read_file(r.env_file);
    rc = resolve_node(envtext);
    if (rc == LB_OCF_SUCCESS) {
        rc = resolve("mnesia_base", "MNESIA_BASE", envtext, r.mnesia_base, sizeof(r.mnesia_base));
    }
    if (rc == LB_OCF_SUCCESS) {
        rc = resolve("log_base", "LOG_BASE", envtext, r.log_base, sizeof(r.log_base));
    }
    if (rc == LB_OCF_SUCCESS) {
        rc = resolve("enabled_plugins_file", "ENABLED_PLUGINS_FILE", envtext, r.plugins,
                     sizeof(r.plugins));
    }
    free(envtext);
    snprintf(r.mnesia_dir, sizeof(r.mnesia_dir), "%s/%s", r.mnesia_base, r.node);
    plugins = lb_read_file(r.plugins);
    r.mgmt = lb_rmq_plugin_enabled(plugins, RMQ_PLUGIN);
    free(plugins);
    if (rc == LB_OCF_SUCCESS) {
        rc = build_env();
    }
    if (rc == LB_OCF_SUCCESS) {
        rc = read_credentials();
    }
    if (rc == LB_OCF_SUCCESS && r.policy != NULL) {
        struct lb_rmq_policy p;
        char err[256];

        if (lb_rmq_policy_parse(r.policy, &p, err, sizeof(err)) < 0) {
            lb_exit_reason("set_policy '%.200s': %s", r.policy, err);
            rc = LB_OCF_ERR_CONFIGURED;
        } else {
            lb_rmq_policy_free(&p);
        }
    }
    if (rc == LB_OCF_SUCCESS && getpwnam(r.user) == NULL) {
        lb_exit_reason("user %s does not exist", r.user);
        rc = LB_OCF_ERR_INSTALLED;
    }
    if (rc == LB_OCF_SUCCESS) {
        rc = need_file("server", r.server, X_OK);
    }
    if (rc == LB_OCF_SUCCESS) {
        rc = need_file("ctl", r.ctl, X_OK);
    }
    /* the attribute target is only needed (and asked of the controller) with an instance */
    if (rc == LB_OCF_SUCCESS && ctx->instance != NULL && strcmp(ctx->action, "validate-all")) {
        r.pcmk = attribute_target();
    }
    r.ready = rc == LB_OCF_SUCCESS;
    result = rc;
    return rc;
}

static void
rmq_cleanup(void)
{
    explicit_bzero(r.auth, sizeof(r.auth));
    lb_argv_free(r.env);
    free(r.pcmk);
    lb_cib_close();
}

/* ------------------------------------------------------------ node attributes */

/* The transient attribute through attrd, or into an offline CIB (CIB_file). */
static bool
offline_cib(void)
{
    const char *f = getenv("CIB_file");

    return f != NULL && *f != '\0';
}

/*
 * The monitor's note that the attribute was checked for this very server
 * (PID and start time): a healthy monitor checks it again only once a
 * minute, so most monitors talk to neither attrd nor the CIB.
 */
#define RMQ_ATTR_RECHECK_S 60

static void
attr_cache_path(char *buf, size_t len)
{
    const char *dir = getenv("HA_RSCTMP");

    snprintf(buf, len, "%s/lifeboat-rabbitmq-cluster-%.200s.attr",
             dir && *dir == '/' ? dir : "/run/resource-agents", r.ctx->instance);
    for (char *p = strrchr(buf, '/') + 1; *p; p++) {
        *p = *p == '/' ? '_' : *p;
    }
}

/* The line the note holds for server @pid, or "" when it cannot be made. */
static void
attr_cache_line(pid_t pid, char *buf, size_t len)
{
    unsigned long long start = 0;

    buf[0] = '\0';
    if (pid > 0 && r.pcmk && lb_process_starttime(pid, &start) == 0) {
        snprintf(buf, len, "%ld %llu %.200s %.300s\n", (long)pid, start, r.pcmk, r.node);
    }
}

static bool
attr_cached(pid_t pid)
{
    char path[PATH_MAX], want[640], got[640] = "";
    struct stat sb;
    FILE *f;

    if (r.pcmk == NULL || !r.attr[0]) {
        return true; /* no attribute to keep */
    }
    attr_cache_path(path, sizeof(path));
    attr_cache_line(pid, want, sizeof(want));
    if (!want[0] || stat(path, &sb) < 0 || time(NULL) - sb.st_mtime > RMQ_ATTR_RECHECK_S ||
        (f = fopen(path, "re")) == NULL) {
        return false;
    }
    if (fgets(got, sizeof(got), f) == NULL) {
        got[0] = '\0';
    }
    fclose(f);
    return strcmp(got, want) == 0;
}

/* Note that the attribute is right for server @pid (0: forget the note). */
static void
attr_cache(pid_t pid)
{
    char path[PATH_MAX], line[640], tmp[PATH_MAX + 8];
    FILE *f;

    if (r.ctx->instance == NULL) {
        return;
    }
    attr_cache_path(path, sizeof(path));
    attr_cache_line(pid, line, sizeof(line));
    if (!line[0]) {
        unlink(path);
        return;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((f = fopen(tmp, "we")) == NULL) {
        return;
    }
    fputs(line, f);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
    }
}

/* Set (@value) or delete (NULL) this node's transient attribute. */
static void
attr_set(const char *value)
{
    int err;

    if (r.pcmk == NULL || !r.attr[0]) {
        return;
    }
    if (value == NULL) {
        attr_cache(0);
    }
    err = offline_cib() ? lb_nodeattrs_set(r.pcmk, r.attr, value, true)
                        : lb_attrd_update(r.pcmk, r.attr, value);
    if (err < 0) {
        lb_debug("cannot %s %s of %s: %s", value ? "set" : "delete", r.attr, r.pcmk,
                 strerror(-err));
    }
}

static bool
attr_is(const char *value)
{
    struct lb_nodeattr *a = NULL;
    const char *cur;
    char *v = NULL;
    size_t n = 0;
    bool same;

    if (r.pcmk == NULL || !r.attr[0]) {
        return true;
    }
    if (offline_cib()) {
        (void)lb_nodeattrs_get(r.attr, true, &a, &n);
        cur = lb_nodeattrs_find(a, n, r.pcmk);
    } else {
        (void)lb_attrd_query(r.pcmk, r.attr, &v);
        cur = v;
    }
    same = cur != NULL && strcmp(cur, value) == 0;
    lb_nodeattrs_free(a, n);
    free(v);
    return same;
}

/* The permanent attribute that maps this Pacemaker node to its RabbitMQ node. */
static void
attr_last_set(void)
{
    struct lb_nodeattr *a = NULL;
    const char *cur;
    size_t n = 0;
    int err;

    if (r.pcmk == NULL || !r.attr_last[0]) {
        return;
    }
    (void)lb_nodeattrs_get(r.attr_last, false, &a, &n);
    cur = lb_nodeattrs_find(a, n, r.pcmk);
    if (cur == NULL || strcmp(cur, r.node) != 0) {
        if ((err = lb_nodeattrs_set(r.pcmk, r.attr_last, r.node, false)) < 0) {
            lb_warn("cannot set %s of %s: %s", r.attr_last, r.pcmk, strerror(-err));
        }
    }
    lb_nodeattrs_free(a, n);
}

/*
 * The RabbitMQ nodes to join: the transient attribute of every other online
 * Pacemaker node (NULL-terminated; empty without a cluster).
 */
static char **
join_list(void)
{
    struct lb_nodeattr *a = NULL;
    struct lb_nodes nodes;
    size_t na = 0, n = 0;
    char **list = calloc(1, sizeof(*list));
    int err;

    if (list == NULL || !r.attr[0] || (err = lb_nodeattrs_get(r.attr, true, &a, &na)) < 0) {
        return list;
    }
    if (lb_nodes_read(&nodes) < 0) {
        memset(&nodes, 0, sizeof(nodes));
    }
    for (size_t i = 0; i < na; i++) {
        const struct lb_node *pn = lb_nodes_find(&nodes, a[i].node);
        char **grown;

        if ((r.pcmk && !strcmp(a[i].node, r.pcmk)) || !strcmp(a[i].value, r.node) ||
            (pn != NULL && !pn->online)) {
            continue;
        }
        if ((grown = realloc(list, (n + 2) * sizeof(*list))) == NULL) {
            break;
        }
        list = grown;
        if ((list[n] = strdup(a[i].value)) != NULL) {
            list[++n] = NULL;
        }
    }
    lb_nodes_free(&nodes);
    lb_nodeattrs_free(a, na);
    return list;
}

/* ------------------------------------------------------------ rabbitmqctl */

/* "@prefix: " and @text on one line (blanks squeezed) into @out, at most 300 bytes of @text. */
static void
squeeze(const char *prefix, const char *text, char *out, size_t len)
{
    size_t o = (size_t)snprintf(out, len, "%s%s", prefix, *prefix ? ": " : "");
    bool blank = false;

    for (size_t i = 0; text[i] && i < 300 && o + 2 < len; i++) {
        if (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r') {
            blank = o > 0;
            continue;
        }
        if (blank) {
            out[o++] = ' ';
            blank = false;
        }
        out[o++] = text[i];
    }
    out[o < len ? o : len - 1] = '\0';
}

/*
 * Run `rabbitmqctl -n @target ARGS` (at most @timeout_ms); its first error
 * line (or output) into @out. Returns its exit code, or -errno.
 */
static int
ctl(const char *target, const char *const args[], long timeout_ms, char *out, size_t len)
{
    const char *argv[16] = {r.ctl, "-n", target};
    struct lb_proc_result res;
    size_t n = 3;
    int rc;

    for (size_t i = 0; args[i] && n < 15; i++) {
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    if (timeout_ms <= 0) {
        snprintf(out, len, "no time left");
        return -ETIMEDOUT;
    }
    rc = lb_proc_run(argv, (const char *const *)r.env, NULL, timeout_ms, &res);
    if (rc < 0) {
        snprintf(out, len, "cannot run %s: %s", r.ctl, strerror(-rc));
        return rc;
    }
    rc = res.timed_out ? -ETIMEDOUT : res.status;
    if (rc == 0 && res.out) {
        snprintf(out, len, "%s", res.out);
    } else {
        const char *text = res.err && *res.err ? res.err : res.out ? res.out : "";
        const char *e = strstr(text, "Error");

        squeeze(res.timed_out ? "timed out" : "", e ? e : text, out, len);
    }
    lb_debug("rabbitmqctl -n %s %s: %d", target, args[0], rc);
    lb_proc_result_free(&res);
    return rc;
}

/* ------------------------------------------------------------ looking at the node */

/* The view through the management API. */
static enum look
look_api(long timeout_ms, struct lb_rmq_view *view, char *why, size_t len)
{
    static const char path[] = "/api/nodes?columns=name,running,partitions,os_pid";
    const char *headers[] = {r.auth, NULL};
    struct lb_http_opts o = {.connect_timeout_ms = timeout_ms < 3000 ? timeout_ms : 3000,
                             .timeout_ms = timeout_ms,
                             .deadline_ms = timeout_ms,
                             .retries = 0};
    struct lb_http_resp resp;
    char url[sizeof(r.url) + sizeof(path)];
    enum look l = LOOK_OK;

    snprintf(url, sizeof(url), "%s%s", r.url, path);
    if (lb_http_request("GET", url, headers, NULL, true, &o, &resp) < 0) {
        snprintf(why, len, "the management API at %.300s does not answer: %.200s", r.url,
                 resp.error);
        l = LOOK_DOWN;
    } else if (resp.status == 401 || resp.status == 403) {
        snprintf(why, len,
                 "the management API at %.300s refuses the credentials (HTTP %ld): check "
                 "mgmt_credentials",
                 r.url, resp.status);
        l = LOOK_DENIED;
    } else if (resp.status != 200) {
        snprintf(why, len, "the management API at %.300s answers HTTP %ld", r.url, resp.status);
        l = LOOK_ERROR;
    } else if (lb_rmq_view_from_api(resp.body, view) < 0) {
        snprintf(why, len, "the management API at %.300s answers what is not a node list", r.url);
        l = LOOK_ERROR;
    }
    lb_http_resp_free(&resp);
    return l;
}

/* The view through `rabbitmqctl cluster_status` (no management plugin). */
static enum look
look_ctl(long timeout_ms, struct lb_rmq_view *view, char *why, size_t len)
{
    const char *args[] = {"-q", "cluster_status", "--formatter", "json", NULL};
    char out[64 * 1024];
    int rc = ctl(r.node, args, timeout_ms, out, sizeof(out));

    if (rc != 0) {
        snprintf(why, len, "rabbitmqctl cluster_status fails: %.400s", out);
        return LOOK_DOWN;
    }
    if (lb_rmq_view_from_ctl(out, view) < 0) {
        snprintf(why, len, "rabbitmqctl cluster_status answers what is not a cluster status");
        return LOOK_ERROR;
    }
    return LOOK_OK;
}

/* The node's view of its cluster; *@view is to be freed when LOOK_OK. */
static enum look
look(long timeout_ms, struct lb_rmq_view *view, char *why, size_t len)
{
    memset(view, 0, sizeof(*view));
    why[0] = '\0';
    if (timeout_ms <= 0) {
        snprintf(why, len, "no time is left to ask it");
        return LOOK_DOWN;
    }
    return r.mgmt ? look_api(timeout_ms, view, why, len) : look_ctl(timeout_ms, view, why, len);
}

/* ------------------------------------------------------------ the server process */

/* PID of our server from the PID file (a beam.smp started with that PID file), or 0. */
static pid_t
server_pid(void)
{
    char comm[64], pf[PATH_MAX];
    pid_t pid;
    int rc;

    if (lb_process_pidfile(r.pid_file, &pid) < 0 || !lb_process_alive(pid) ||
        lb_process_comm(pid, comm, sizeof(comm)) < 0 || strcmp(comm, "beam.smp") != 0) {
        return 0;
    }
    rc = lb_process_getenv(pid, "RABBITMQ_PID_FILE", pf, sizeof(pf));
    if (rc == 0 && strcmp(pf, r.pid_file) != 0) {
        return 0; /* another node's server that reuses the PID */
    }
    return pid;
}

/* Stop the server: SIGTERM (a graceful stop), SIGKILL when @budget_ms is spent. */
static int
server_stop(long budget_ms)
{
    pid_t pid = server_pid();

    if (pid <= 0) {
        lb_info("RabbitMQ node %s is not running", r.node);
        unlink(r.pid_file);
        return LB_OCF_SUCCESS;
    }
    lb_info("stopping RabbitMQ node %s (pid %ld)", r.node, (long)pid);
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
        lb_exit_reason("cannot stop pid %ld: %s", (long)pid, strerror(errno));
        return LB_OCF_ERR_GENERIC;
    }
    if (lb_process_wait_exit(pid, budget_ms < 1000 ? 1000 : budget_ms) < 0) {
        pid_t pgid = getpgid(pid);

        lb_warn("node %s did not stop within %ld ms: killing it", r.node, budget_ms);
        if (pgid > 1 && pgid != getpgrp()) {
            kill(-pgid, SIGKILL); /* with its start script and port programs */
        }
        kill(pid, SIGKILL);
        if (lb_process_wait_exit(pid, 5000) < 0) {
            lb_exit_reason("RabbitMQ node %s (pid %ld) could not be stopped", r.node, (long)pid);
            return LB_OCF_ERR_GENERIC;
        }
    }
    unlink(r.pid_file);
    lb_info("RabbitMQ node %s stopped", r.node);
    return LB_OCF_SUCCESS;
}

static int
prepare_dirs(void)
{
    char pid_dir[PATH_MAX];
    const char *dirs[] = {pid_dir, r.log_base, r.mnesia_base, r.home, NULL};
    char cookie[PATH_MAX + 32];
    struct passwd *pw = getpwnam(r.user); /* what it creates belongs to the server's user */
    uid_t uid = pw ? pw->pw_uid : (uid_t)-1;
    gid_t gid = pw ? pw->pw_gid : (gid_t)-1;

    snprintf(pid_dir, sizeof(pid_dir), "%s", r.pid_file);
    *strrchr(pid_dir, '/') = '\0';
    for (int i = 0; dirs[i]; i++) {
        int err = dirs[i][0] ? lb_daemon_mkdirs(dirs[i], uid, gid) : 0;

        if (err < 0) {
            lb_exit_reason("cannot create directory %s: %s", dirs[i], strerror(-err));
            return LB_OCF_ERR_PERM;
        }
    }
    snprintf(cookie, sizeof(cookie), "%s/.erlang.cookie", r.home);
    if (access(cookie, F_OK) != 0) {
        lb_warn("%s does not exist: the node gets a cookie of its own and cannot cluster", cookie);
    }
    return LB_OCF_SUCCESS;
}

/* Size of @path (0 if absent). */
static off_t
file_size(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/* The text of @path from @from on (at most the last RMQ_LOGMAX bytes), or NULL. */
static char *
read_since(const char *path, off_t from)
{
    off_t size = file_size(path);
    char *buf;
    ssize_t n;
    int fd;

    if (size - from > RMQ_LOGMAX) {
        from = size - RMQ_LOGMAX;
    }
    if (size <= from || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        return NULL;
    }
    if ((buf = malloc((size_t)(size - from) + 1)) == NULL) {
        close(fd);
        return NULL;
    }
    n = pread(fd, buf, (size_t)(size - from), from);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

/* Where the server's start-up output and log go. */
struct logs {
    char startup[PATH_MAX + 16];
    char node[PATH_MAX + 600];
};

static void
log_paths(struct logs *l)
{
    snprintf(l->startup, sizeof(l->startup), "%.*s/startup_log", PATH_MAX - 1, r.log_base);
    snprintf(l->node, sizeof(l->node), "%.*s/%.512s.log", PATH_MAX - 1, r.log_base, r.node);
}

/* ------------------------------------------------------------ data */

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

/* Wipe the node's data (a reset), as the shell agent does before joining. */
static int
reset_data(void)
{
    char flags[sizeof(r.mnesia_dir) + 16];

    lb_warn("resetting node %s: removing %s", r.node, r.mnesia_dir);
    if (nftw(r.mnesia_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT) {
        lb_exit_reason("cannot remove %s: %s", r.mnesia_dir, strerror(errno));
        return LB_OCF_ERR_PERM;
    }
    snprintf(flags, sizeof(flags), "%s-feature_flags", r.mnesia_dir);
    unlink(flags);
    return LB_OCF_SUCCESS;
}

/* The RabbitMQ node names listed in file @path (an Erlang list, first one in the file). */
static char **
atoms_of(const char *path)
{
    char *text = lb_read_file(path), **all = lb_rmq_atom_list(text);

    free(text);
    return all;
}

/* @all without this node, in place. */
static char **
without_self(char **all)
{
    size_t n = 0;

    /* drop this node from the list, in place */
    for (size_t i = 0; all && all[i]; i++) {
        if (strcmp(all[i], r.node) == 0) {
            free(all[i]);
        } else {
            all[n++] = all[i];
        }
    }
    if (all) {
        all[n] = NULL;
    }
    return all;
}

/*
 * Put back nodes_running_at_shutdown as it was before an aborted boot
 * (@before: its text, NULL when it was absent): RabbitMQ rewrites it when it
 * boots, and a node that did not know whether it stopped last would then
 * claim that it did.
 */
static void
running_file_restore(const char *before)
{
    char path[sizeof(r.mnesia_dir) + 32];
    FILE *f;

    snprintf(path, sizeof(path), "%s/nodes_running_at_shutdown", r.mnesia_dir);
    if (before == NULL) {
        unlink(path);
    } else if ((f = fopen(path, "we")) != NULL) {
        fputs(before, f);
        fclose(f);
    }
}

/* The marker of a node that was reset to join its cluster (it holds no data of its own). */
static void
joining_path(char *buf, size_t len)
{
    snprintf(buf, len, "%s" RMQ_JOINING, r.mnesia_dir);
}

/*
 * The nodes that may have stopped after this one (without itself), NULL if
 * it holds no data. RabbitMQ's nodes_running_at_shutdown says it; without
 * it (lost, unreadable) a node that has data cannot tell whether it stopped
 * last: every member of its cluster may have (*@unknown is set).
 */
static char **
running_at_shutdown(bool *unknown)
{
    char path[sizeof(r.mnesia_dir) + 32], **all;

    *unknown = false;
    snprintf(path, sizeof(path), "%s/nodes_running_at_shutdown", r.mnesia_dir);
    if ((all = atoms_of(path)) != NULL) {
        return without_self(all);
    }
    snprintf(path, sizeof(path), "%s/schema.DAT", r.mnesia_dir);
    if (access(path, F_OK) != 0) {
        return NULL; /* no data: a new node */
    }
    *unknown = true;
    snprintf(path, sizeof(path), "%s/cluster_nodes.config", r.mnesia_dir);
    all = without_self(atoms_of(path));
    lb_warn("node %s has data but no readable nodes_running_at_shutdown: it may not have stopped "
            "last (%s%s); RabbitMQ decides",
            r.node, all && all[0] ? "members: " : "no members known", all && all[0] ? all[0] : "");
    return all ? all : calloc(1, sizeof(char *));
}

/*
 * The members of the cluster a node was reset to join (without itself), or
 * NULL when it was not reset: it holds data of its own.
 */
static char **
joining_members(void)
{
    char path[sizeof(r.mnesia_dir) + 32], **all;

    joining_path(path, sizeof(path));
    if (access(path, F_OK) != 0) {
        return NULL;
    }
    all = without_self(atoms_of(path));
    return all ? all : calloc(1, sizeof(char *));
}

/* True when Pacemaker knows RabbitMQ node @rmq to be gone: its node is offline or unknown. */
static bool
peer_gone(const char *rmq, const struct lb_nodeattr *last, size_t nlast,
          const struct lb_nodes *nodes)
{
    const struct lb_node *pn = NULL;

    for (size_t i = 0; i < nlast && pn == NULL; i++) {
        if (strcmp(last[i].value, rmq) == 0) {
            pn = lb_nodes_find(nodes, last[i].node);
            if (pn == NULL) {
                return true; /* no longer a cluster node */
            }
        }
    }
    return pn == NULL || !pn->online;
}

/*
 * No peer runs. A node that stopped last boots at once; one that did not
 * waits for the nodes that stopped after it. When Pacemaker knows all of
 * them to be gone, it boots with force_boot now (returns true). The first
 * node that may come back is named in @waiting_for (if not NULL).
 */
static bool
peers_gone(char **others, char *waiting_for, size_t len)
{
    struct lb_nodeattr *last = NULL;
    struct lb_nodes nodes;
    size_t nlast = 0;
    bool gone = true;

    if (waiting_for != NULL && len > 0) {
        snprintf(waiting_for, len, "%s", others[0]);
    }
    if (lb_nodes_read(&nodes) < 0) {
        lb_info("no cluster view: waiting for %s, which stopped after %s", others[0], r.node);
        return false;
    }
    (void)lb_nodeattrs_get(r.attr_last, false, &last, &nlast);
    for (size_t i = 0; others[i]; i++) {
        if (!peer_gone(others[i], last, nlast, &nodes)) {
            lb_info("waiting for %s, which stopped after %s and may come back", others[i], r.node);
            if (gone && waiting_for != NULL && len > 0) {
                snprintf(waiting_for, len, "%s", others[i]);
            }
            gone = false;
        }
    }
    lb_nodeattrs_free(last, nlast);
    lb_nodes_free(&nodes);
    return gone;
}

/*
 * In an ordered clone (ordered=true) the other instances start only after
 * this one: waiting for them would be waiting in vain. Pacemaker does not
 * pass "ordered" to the agent: it is read from the clone in the CIB.
 */
static bool
ordered_clone(void)
{
    const char *env = getenv("OCF_RESKEY_CRM_meta_ordered");
    char *v = NULL;
    bool ordered;

    if (env != NULL) {
        return lb_parse_bool(env) == 1;
    }
    if (r.ctx == NULL || r.ctx->instance == NULL ||
        lb_cib_clone_meta(r.ctx->instance, "ordered", &v) < 0) {
        return false;
    }
    ordered = lb_parse_bool(v) == 1;
    free(v);
    return ordered;
}

/*
 * Not the last node to stop, and @later (which stopped after it) may come
 * back: force_boot would lose what @later holds, so the start fails.
 */
static int
must_wait(const char *later, const char *why)
{
    lb_exit_reason("%s stopped after %s and must start first (%s); force_boot only if it is "
                   "gone for good",
                   later, r.node, why);
    return LB_OCF_ERR_GENERIC;
}

/* Make the next boot skip waiting for the peers (rabbitmqctl force_boot). */
static void
force_boot(void)
{
    const char *args[] = {"force_boot", NULL};
    char out[512], path[sizeof(r.mnesia_dir) + 16];
    int fd;

    lb_warn("node %s boots without waiting for its peers (force_boot)", r.node);
    if (ctl(r.node, args, time_left(20000) < 30000 ? time_left(20000) : 30000, out, sizeof(out)) ==
        0) {
        return;
    }
    /* what force_boot does: an empty force_load in the data directory */
    lb_warn("rabbitmqctl force_boot failed (%s): creating its flag file", out);
    snprintf(path, sizeof(path), "%s/force_load", r.mnesia_dir);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0) {
        close(fd);
    }
}

/* ------------------------------------------------------------ booting */

/* A started node: the peer it says disagrees, out of "... but PEER disagrees". */
static void
disagreeing_peer(const char *text, char *buf, size_t len)
{
    const char *end = text ? strstr(text, " disagrees") : NULL;
    const char *start = end;

    buf[0] = '\0';
    while (start && start > text && start[-1] != ' ') {
        start--;
    }
    if (start && end > start) {
        snprintf(buf, len, "%.*s", (int)(end - start), start);
    }
}

/* The server's start-up output ended: why? */
static enum boot
boot_died(off_t startup_from, char *peer, size_t plen)
{
    struct logs l;
    char why[512];
    char *text;
    enum boot b = BOOT_FAILED;

    log_paths(&l);
    text = read_since(l.startup, startup_from);
    if (lb_rmq_inconsistent(text)) {
        disagreeing_peer(text, peer, plen);
        lb_warn("node %s is not in the cluster its peers know (%s disagrees)", r.node,
                peer[0] ? peer : "a peer");
        b = BOOT_INCONSISTENT;
    } else if (lb_rmq_boot_error(text, why, sizeof(why))) {
        lb_exit_reason("RabbitMQ node %s failed to start: %s", r.node, why);
    } else {
        lb_exit_reason("RabbitMQ node %s failed to start: see %s", r.node, l.startup);
    }
    free(text);
    return b;
}

/*
 * True when the node's log says it waits for peers to load its tables (with
 * @timed_out: a round of that wait timed out).
 */
static bool
waiting_for_tables(off_t from, bool timed_out)
{
    struct logs l;
    char *text;
    bool waiting = false;

    log_paths(&l);
    text = read_since(l.node, from);
    if (text != NULL && timed_out) {
        waiting = strstr(text, RMQ_WAITED) != NULL;
    } else if (text != NULL) {
        /* each wait is logged, then "Successfully synced tables from a peer" when it ends */
        const char *w = NULL, *ok = NULL;

        for (const char *p = text; (p = strstr(p, "Waiting for Mnesia tables")) != NULL; p++) {
            w = p;
        }
        for (const char *p = text; (p = strstr(p, "Successfully synced tables")) != NULL; p++) {
            ok = p;
        }
        waiting = w != NULL && (ok == NULL || ok < w);
    }
    free(text);
    return waiting;
}

/*
 * Start the server and wait until it runs (*@view is then filled). After
 * @wait_until (a monotonic time, 0: never) a node that still waits for its
 * peers gives up (BOOT_WAITED); with @one_round, also as soon as RabbitMQ's
 * first round of waiting for its tables timed out. @peer receives the peer
 * that disagrees.
 */
static enum boot
boot(long long wait_until, bool one_round, struct lb_rmq_view *view, char *peer, size_t plen)
{
    struct logs l;
    char why[768];
    const char *argv[] = {r.server, NULL};
    struct lb_daemon_opts o = {.envp = (const char *const *)r.env, .user = r.user};
    const char *failed = NULL;
    off_t startup_from, log_from;
    long poll = r.mgmt ? 500 : 2000;
    pid_t sh;
    int err;

    memset(view, 0, sizeof(*view));
    log_paths(&l);
    startup_from = file_size(l.startup);
    log_from = file_size(l.node);
    o.output = l.startup;
    o.dir = r.home;
    unlink(r.pid_file);
    lb_info("starting RabbitMQ node %s", r.node);
    if ((err = lb_daemon_spawn_opts(argv, &o, &sh, &failed)) < 0) {
        lb_exit_reason("cannot start %s (%s): %s", r.server, failed ? failed : "spawn",
                       strerror(-err));
        return BOOT_FAILED;
    }
    for (;;) {
        long left = time_left(2000);
        pid_t pid = server_pid();
        enum look seen;

        if (pid <= 0 && !lb_process_alive(sh)) {
            return boot_died(startup_from, peer, plen);
        }
        seen = pid > 0 ? look(left < 3000 ? left : 3000, view, why, sizeof(why)) : LOOK_DOWN;
        if (seen == LOOK_OK) {
            enum lb_rmq_verdict v = lb_rmq_judge(view, r.node, why, sizeof(why));

            if (v == LB_RMQ_HEALTHY || v == LB_RMQ_MAJORITY) {
                lb_info("RabbitMQ node %s runs (pid %ld)", r.node, (long)pid);
                return BOOT_UP;
            }
            lb_rmq_view_free(view);
        }
        if (seen == LOOK_DENIED) {
            lb_exit_reason("%s", why);
            return BOOT_DENIED;
        }
        if (wait_until > 0 && ((lb_now_ms() >= wait_until && waiting_for_tables(log_from, false)) ||
                               (one_round && waiting_for_tables(log_from, true)))) {
            return BOOT_WAITED;
        }
        if (left <= poll) {
            lb_exit_reason("RabbitMQ node %s did not start in time: %s", r.node,
                           why[0] ? why : "no PID file yet");
            return BOOT_FAILED;
        }
        lb_sleep_ms(poll);
    }
}

/* Kill a server that is still booting (nothing to save yet). */
static void
boot_abort(void)
{
    pid_t pid = server_pid();

    if (pid > 0) {
        pid_t pgid = getpgid(pid);

        if (pgid > 1 && pgid != getpgrp()) {
            kill(-pgid, SIGKILL);
        }
        kill(pid, SIGKILL);
        (void)lb_process_wait_exit(pid, 10000);
    }
    unlink(r.pid_file);
}

/* True when @view shows one of @peers running in this node's cluster. */
static bool
clustered(const struct lb_rmq_view *view, char **peers)
{
    for (size_t i = 0; peers && peers[i]; i++) {
        const struct lb_rmq_member *m = lb_rmq_view_find(view, peers[i]);

        if (m != NULL && m->running) {
            return true;
        }
    }
    return false;
}

/* Wait until the node runs again after start_app; refreshes @view. */
static bool
await_app(struct lb_rmq_view *view)
{
    char why[512];

    for (;;) {
        long left = time_left(2000);

        if (look(left < 3000 ? left : 3000, view, why, sizeof(why)) == LOOK_OK) {
            enum lb_rmq_verdict v = lb_rmq_judge(view, r.node, why, sizeof(why));

            if (v == LB_RMQ_HEALTHY || v == LB_RMQ_MAJORITY) {
                return true;
            }
            lb_rmq_view_free(view);
        }
        if (left <= 500) {
            lb_exit_reason("node %s did not come back after joining: %s", r.node, why);
            return false;
        }
        lb_sleep_ms(500);
    }
}

/*
 * The queues whose home is this (running) node, as "name (messages: N), ..."
 * into @out; empty when there are none or they are unknown. They are what a
 * reset of this node discards (the peer that forgets it deletes them).
 */
static void
local_queues(char *out, size_t len)
{
    const char *args[] = {"-q",   "list_queues", "--local", "--no-table-headers",
                          "name", "messages",    NULL};
    static char list[65536];
    char *save = NULL, *line;
    long t = time_left(20000);
    size_t off = 0;

    out[0] = '\0';
    if (ctl(r.node, args, t < 10000 ? t : 10000, list, sizeof(list)) != 0) {
        return;
    }
    for (line = strtok_r(list, "\n", &save); line && off < len;
         line = strtok_r(NULL, "\n", &save)) {
        char *tab = strrchr(line, '\t');

        if (tab) {
            *tab = '\0';
            off += (size_t)snprintf(out + off, len - off, "%s%s (messages: %ld)", off ? ", " : "",
                                    line, strtol(tab + 1, NULL, 10));
        }
    }
}

/*
 * Join the cluster of one of @peers (stop_app, join_cluster, start_app).
 * Returns 0, 1 when a peer found this node inconsistent, or -1.
 */
static int
join(char **peers, struct lb_rmq_view *view)
{
    const char *stop_app[] = {"stop_app", NULL}, *start_app[] = {"start_app", NULL};
    char out[512], held[1024];
    int rc;

    lb_info("Joining existing cluster with [ %s%s ] nodes.", peers[0], peers[1] ? " ..." : "");
    lb_rmq_view_free(view);
    local_queues(held, sizeof(held));
    if ((rc = ctl(r.node, stop_app, time_left(20000), out, sizeof(out))) != 0) {
        lb_exit_reason("rabbitmqctl stop_app failed: %s", out);
        return -1;
    }
    for (size_t i = 0; peers[i]; i++) {
        const char *args[] = {"join_cluster", peers[i], NULL};

        lb_info("Attempting to join cluster with target node %s", peers[i]);
        rc = ctl(r.node, args, time_left(15000), out, sizeof(out));
        if (rc == 0) {
            lb_info("Joined cluster by connecting to node %s, starting app", peers[i]);
            if ((rc = ctl(r.node, start_app, time_left(5000), out, sizeof(out))) != 0) {
                lb_exit_reason("rabbitmqctl start_app failed: %s", out);
                return -1;
            }
            return await_app(view) ? 0 : -1;
        }
        lb_warn("joining %s failed: %s", peers[i], out);
        if (lb_rmq_inconsistent(out)) {
            if (held[0]) {
                lb_warn("the reset that %s needs to join discards the queues whose home it is, "
                        "with their messages: %s",
                        r.node, held);
            }
            return 1;
        }
    }
    lb_exit_reason("could not join the cluster of %s: %s", peers[0], out);
    return -1;
}

/* Add @name to the NULL-terminated *@peers if missing. */
static void
peers_add(char ***peers, const char *name)
{
    size_t n = 0;
    char **grown;

    while (*peers && (*peers)[n]) {
        if (!strcmp((*peers)[n], name)) {
            return;
        }
        n++;
    }
    if ((grown = realloc(*peers, (n + 2) * sizeof(**peers))) == NULL) {
        return;
    }
    *peers = grown;
    if ((grown[n] = strdup(name)) != NULL) {
        grown[n + 1] = NULL;
    }
}

/* Write @names to @path as an Erlang list of atoms (atomically). */
static void
write_atoms(const char *path, char **names)
{
    char tmp[PATH_MAX + 600];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((f = fopen(tmp, "we")) == NULL) {
        lb_warn("cannot write %s: %s", tmp, strerror(errno));
        return;
    }
    fputc('[', f);
    for (size_t i = 0; names && names[i]; i++) {
        fprintf(f, "%s'%s'", i ? "," : "", names[i]);
    }
    fputs("].\n", f);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        lb_warn("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
}

/* Make the running @peers forget this (stopped, reset) node, so that it can join them again. */
static void
forget_remotely(char **peers)
{
    const char *args[] = {"forget_cluster_node", r.node, NULL};
    char out[512];

    for (size_t i = 0; peers && peers[i]; i++) {
        long t = time_left(20000);

        if (ctl(peers[i], args, t < 15000 ? t : 15000, out, sizeof(out)) == 0) {
            lb_info("%s forgot %s before it joins again", peers[i], r.node);
            return;
        }
        lb_info("%s did not forget %s (%s)", peers[i], r.node, out);
    }
}

/*
 * Reset the (stopped) node to join @peers (which, with @forget, still count
 * it as a member and are told to forget it). A marker beside the data names
 * the cluster it belonged to: until it has joined, it holds no data of its
 * own and must not start a cluster of its own (its fresh data directory
 * would claim that it stopped last).
 */
static int
reset_to_join(char **peers, bool forget)
{
    char marker[sizeof(r.mnesia_dir) + 32], path[sizeof(r.mnesia_dir) + 32];
    int rc;

    joining_path(marker, sizeof(marker));
    if (access(marker, F_OK) != 0) {
        char **members;

        snprintf(path, sizeof(path), "%s/cluster_nodes.config", r.mnesia_dir);
        members = without_self(atoms_of(path));
        for (size_t i = 0; peers && peers[i]; i++) {
            peers_add(&members, peers[i]);
        }
        write_atoms(marker, members);
        lb_argv_free(members);
    }
    if ((rc = reset_data()) == LB_OCF_SUCCESS && forget) {
        forget_remotely(peers); /* they still count it as a member */
    }
    return rc;
}

/*
 * No peer runs and the node was reset to join its cluster: it may start
 * (an empty cluster) only when every member is known to be gone.
 */
static int
no_data_of_its_own(char **members)
{
    char later[256] = "";

    if (members[0] == NULL || peers_gone(members, later, sizeof(later))) {
        lb_warn("node %s holds no data (it was reset to join its cluster) and every node that "
                "holds data is gone: it starts an empty cluster",
                r.node);
        return LB_OCF_SUCCESS;
    }
    lb_exit_reason("node %s holds no data (it was reset to join its cluster): %s holds it and "
                   "must start first",
                   r.node, later);
    return LB_OCF_ERR_GENERIC;
}

/*
 * The start proper: boot (with force_boot only when the nodes that stopped
 * after this one are known to be gone), join, reset when inconsistent.
 * @running_before: nodes_running_at_shutdown before the start (NULL: absent).
 */
static int
start_tries(const char *running_before)
{
    struct lb_rmq_view view;
    char peer[512] = "", marker[sizeof(r.mnesia_dir) + 32];
    int rc;

    for (int attempt = 0, forced = 0; attempt < 4; attempt++) {
        char **peers = join_list(), **others = NULL, **members;
        char later[256] = "";
        long long wait_until = 0;
        bool unknown = false, one_round = false, probe = false, joined = false;
        enum boot b;

        if (peer[0]) {
            peers_add(&peers, peer); /* the peer that told us we are inconsistent */
        }
        if ((peers == NULL || peers[0] == NULL) && !forced &&
            (members = joining_members()) != NULL) {
            rc = no_data_of_its_own(members);
            lb_argv_free(members);
            if (rc != LB_OCF_SUCCESS) {
                lb_argv_free(peers);
                return rc;
            }
            forced = 1; /* nothing to wait for */
        }
        if ((peers == NULL || peers[0] == NULL) && !forced) {
            lb_info("no RabbitMQ node runs on the other nodes: %s starts its own cluster", r.node);
            others = running_at_shutdown(&unknown);
            if (others && others[0] && peers_gone(others, later, sizeof(later))) {
                force_boot();
                forced = 1;
            } else if (unknown && ordered_clone()) {
                /* RabbitMQ tells whether it stopped last: then it does not wait a whole round
                 * for its tables (every boot logs that it waits, and then that it synced) */
                wait_until = lb_now_ms() + time_left(35000);
                one_round = probe = true;
            } else if (others && others[0] && ordered_clone()) {
                lb_argv_free(others);
                lb_argv_free(peers);
                return must_wait(later, "an ordered clone starts it only after this node");
            } else if (others && (others[0] || unknown)) {
                /* keep enough time to stop the waiting server cleanly */
                wait_until = lb_now_ms() + time_left(35000);
            }
            lb_argv_free(others);
        } else if (peers && peers[0]) {
            /* peers run: a node that waits a whole round for its tables waits for nodes that
             * are not back */
            wait_until = lb_now_ms() + time_left(35000);
            one_round = true;
        }
        b = boot(wait_until, one_round, &view, peer, sizeof(peer));
        if (b == BOOT_UP && peers && peers[0] && !clustered(&view, peers)) {
            int j = join(peers, &view);

            b = j == 0 ? BOOT_UP : j > 0 ? BOOT_INCONSISTENT : BOOT_FAILED;
            joined = j > 0; /* they count it as a member, it disagrees */
        }
        switch (b) {
        case BOOT_UP:
            lb_argv_free(peers);
            joining_path(marker, sizeof(marker));
            unlink(marker); /* it has data now */
            rc = finish_start(&view);
            lb_rmq_view_free(&view);
            return rc;
        case BOOT_WAITED:
            if (peers && peers[0]) {
                /* the running cluster went on without the nodes this one waits for */
                lb_warn("node %s waits for nodes that are not back while %s runs: its data is "
                        "behind the running cluster",
                        r.node, peers[0]);
                boot_abort();
                if ((rc = reset_to_join(peers, true)) != LB_OCF_SUCCESS) {
                    lb_argv_free(peers);
                    return rc;
                }
                break;
            }
            lb_warn("node %s waited for its peers in vain", r.node);
            boot_abort();
            running_file_restore(running_before);
            others = running_at_shutdown(&unknown);
            if (others == NULL || others[0] == NULL || !peers_gone(others, later, sizeof(later))) {
                lb_argv_free(others);
                lb_argv_free(peers);
                return must_wait(later[0] ? later : "a peer",
                                 probe ? "RabbitMQ waits for its tables: it did not stop last"
                                       : "it did not come back in time");
            }
            lb_argv_free(others);
            force_boot(); /* they went away while this node waited */
            forced = 1;
            break;
        case BOOT_INCONSISTENT:
            (void)server_stop(time_left(30000));
            if (peer[0]) {
                peers_add(&peers, peer);
            }
            if ((rc = reset_to_join(peers, joined)) != LB_OCF_SUCCESS) {
                lb_argv_free(peers);
                return rc;
            }
            break; /* its peers do not know it: it joins them afresh */
        case BOOT_DENIED:
            lb_argv_free(peers);
            (void)server_stop(time_left(5000));
            return LB_OCF_ERR_CONFIGURED;
        default:
            lb_argv_free(peers);
            return LB_OCF_ERR_GENERIC;
        }
        lb_argv_free(peers);
    }
    lb_exit_reason("node %s could not start after resets and retries", r.node);
    return LB_OCF_ERR_GENERIC;
}

/* Prepare the directories, then start (keeping what nodes_running_at_shutdown said). */
static int
start_loop(void)
{
    char path[sizeof(r.mnesia_dir) + 32], *before;
    int rc;

    if ((rc = prepare_dirs()) != LB_OCF_SUCCESS) {
        return rc;
    }
    snprintf(path, sizeof(path), "%s/nodes_running_at_shutdown", r.mnesia_dir);
    before = lb_read_file(path);
    rc = start_tries(before);
    free(before);
    return rc;
}

/* ------------------------------------------------------------ after start */

/* Members whose Pacemaker node left the cluster's configuration are forgotten. */
static void
forget_departed(const struct lb_rmq_view *view)
{
    struct lb_nodeattr *last = NULL;
    struct lb_nodes nodes;
    size_t nlast = 0;

    if (view->n <= lb_rmq_view_running(view) || lb_nodes_read(&nodes) < 0) {
        return;
    }
    if (lb_nodeattrs_get(r.attr_last, false, &last, &nlast) == 0) {
        for (size_t i = 0; i < nlast; i++) {
            if (lb_nodes_find(&nodes, last[i].node) == NULL) {
                lb_info("Pacemaker node %s is gone for good", last[i].node);
                forget(view, last[i].value);
            }
        }
    }
    lb_nodeattrs_free(last, nlast);
    lb_nodes_free(&nodes);
}

/* set_policy through the management API. */
static int
policy_api(const struct lb_rmq_policy *p, char *why, size_t len)
{
    char *vhost = lb_http_escape(p->vhost), *name = lb_http_escape(p->name);
    char *body = lb_rmq_policy_body(p), *url = NULL;
    const char *headers[] = {r.auth, NULL};
    long t = time_left(1000) < 20000 ? time_left(1000) : 20000;
    struct lb_http_opts o = {.timeout_ms = t, .deadline_ms = t, .retries = 1};
    struct lb_http_resp resp;
    int rc = -1;

    if (vhost && name && body && asprintf(&url, "%s/api/policies/%s/%s", r.url, vhost, name) > 0) {
        if (lb_http_request("PUT", url, headers, body, true, &o, &resp) < 0) {
            snprintf(why, len, "%s", resp.error);
        } else if (resp.status == 201 || resp.status == 204) {
            rc = 0;
        } else {
            snprintf(why, len, "HTTP %ld: %.300s", resp.status, resp.body ? resp.body : "");
        }
        lb_http_resp_free(&resp);
    }
    free(url);
    free(body);
    free(vhost);
    free(name);
    return rc;
}

/* set_policy through rabbitmqctl (no management plugin): the words as given. */
static int
policy_ctl(char *why, size_t len)
{
    char **words = lb_argv_split(r.policy);
    const char *args[14] = {"set_policy"};
    size_t n = 1;
    int rc;

    for (size_t i = 0; words && words[i] && n < 13; i++) {
        args[n++] = words[i];
    }
    args[n] = NULL;
    rc = ctl(r.node, args, time_left(2000), why, len);
    lb_argv_free(words);
    return rc;
}

static int
apply_policy(void)
{
    struct lb_rmq_policy p;
    char err[512] = "";
    int rc;

    if (r.policy == NULL) {
        return LB_OCF_SUCCESS;
    }
    if (lb_rmq_policy_parse(r.policy, &p, err, sizeof(err)) < 0) {
        lb_exit_reason("set_policy '%.200s': %s", r.policy, err);
        return LB_OCF_ERR_CONFIGURED;
    }
    rc = r.mgmt ? policy_api(&p, err, sizeof(err)) : policy_ctl(err, sizeof(err));
    lb_rmq_policy_free(&p);
    if (rc != 0) {
        lb_exit_reason("Failed to set policy: %.200s: %s", r.policy, err);
        return LB_OCF_ERR_GENERIC;
    }
    lb_info("Policy set: %s", r.policy);
    return LB_OCF_SUCCESS;
}

/* The node runs: forget departed members, publish the node name, apply the policy. */
static int
finish_start(const struct lb_rmq_view *view)
{
    int rc;

    forget_departed(view);
    attr_set(r.node);
    attr_cache(server_pid());
    attr_last_set();
    if ((rc = apply_policy()) != LB_OCF_SUCCESS) {
        return rc;
    }
    lb_info("RabbitMQ node %s started (%zu of %zu members running)", r.node,
            lb_rmq_view_running(view), view->n);
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ agent */

static const struct lb_action rmq_actions[] = {
    {.name = "start", .fn = rmq_start, .timeout = "100s", .needs_validation = true},
    {.name = "stop", .fn = rmq_stop, .timeout = "90s"},
    {.name = "monitor", .fn = rmq_monitor, .timeout = "40s", .interval = "10s"},
    {.name = "notify", .fn = rmq_notify, .timeout = "20s"},
    {.name = NULL},
};

static const struct lb_agent rmq_agent = {
    .name = RMQ_NAME,
    .version = "1.0",
    .shortdesc = "rabbitmq clustered",
    .longdesc = "Starts cloned rabbitmq cluster instance. NB: note that this RA cannot be "
                "spawned across a mix of pacemaker and pacemaker-remote nodes. Only on "
                "pacemaker *or* pacemaker-remote nodes exclusively.\n\n"
                "Drop-in replacement for ocf:heartbeat:rabbitmq-cluster (same set_policy, same "
                "node attributes). A starting node joins the RabbitMQ nodes running on the other "
                "online nodes; it keeps its data, and is reset only when its peers disagree "
                "with its view of the cluster. After a full-cluster stop, the node that stopped "
                "last starts at once and the others wait for it; force_boot only when Pacemaker "
                "knows it to be gone (offline, or no longer a cluster node); a node that does not "
                "know whether it stopped last lets RabbitMQ decide. In an ordered clone "
                "a node that did not stop last fails its start at once, so that Pacemaker starts "
                "the last one first (set failure-timeout). monitor uses the management HTTP API "
                "(rabbitmqctl without the rabbitmq_management plugin): the node runs, and is "
                "not on the losing side of a partition. Use notify=true so that stopped nodes "
                "are forgotten, as with the shell agent.",
    .params = rmq_params,
    .actions = rmq_actions,
    .validate = rmq_validate,
};

int
main(int argc, char **argv)
{
    int rc = lb_ocf_main(&rmq_agent, argc, argv);

    rmq_cleanup();
    return rc;
}
