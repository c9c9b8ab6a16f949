/*
 * ocf:lifeboat:galera: a MariaDB Galera node as an instance of a promotable
 * clone.
 *
 * Drop-in for ocf:heartbeat:galera 4.12: the same parameters with the same
 * meaning, the same transient node attributes and the same promotion logic,
 * but the server is queried through libmariadb in-process (no client fork,
 * the password never in an argv) and attributes go to attrd over its IPC.
 *
 * Roles, as in the peer:
 *  - Unpromoted: the server is NOT running. The instance has published the
 *    node's last committed position ("<rsc>-last-committed", a seqno) and
 *    grastate.dat's safe_to_bootstrap ("<rsc>-safe-to-bootstrap"), so that
 *    the node that may bootstrap a new Primary Component can be chosen.
 *  - Promoted: the server runs and is part of the Primary Component.
 * Once every reachable node has reported, the node with the highest seqno
 * (or the one grastate.dat marks safe to bootstrap) gets "<rsc>-bootstrap"
 * and a promotion score; its promote bootstraps the cluster (keeping the
 * cluster UUID with --wsrep-start-position), then every other node gets a
 * promotion score and its promote joins.
 *
 * This is the full agent, installed in libexec: the front (galera_fast.c)
 * answers a healthy Promoted monitor itself, because Pacemaker's libraries
 * cost more to load than the whole check, and hands every other action here.
 * The parameter table and the status check are in galera_common.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "galera.h"
#include "lifeboat/cib.h"
#include "lifeboat/daemon.h"
#include "lifeboat/domxml.h"
#include "lifeboat/log.h"
#include "lifeboat/mariadb.h"
#include "lifeboat/nodes.h"
#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"
#include "lifeboat/process.h"
#include "lifeboat/promotion.h"
#include "lifeboat/wsrep.h"

/* Promotion score of a node that may be promoted (the peer's value). */
#define GALERA_SCORE 100

/* ------------------------------------------------------------ state */

struct galera {
    struct lb_ctx *ctx;
    char *node;     /* this node's Pacemaker name: the target of our attributes */
    char *gname;    /* this node's Galera name */
    char *rsc;      /* resource id without the clone suffix: attribute prefix */
    char **members; /* Galera names in wsrep_cluster_address */
    const char *address, *binary, *config, *datadir, *user, *group, *log, *pid, *socket;
    char grastate[PATH_MAX];
    char uuid[LB_WSREP_UUID_LEN + 1]; /* cluster state UUID once the server arrived */
    char recover_error[256];          /* the first [ERROR] of a failed --wsrep-recover */
    struct lb_nodes view;             /* see cluster_view() */
    bool view_read, have_view;
};

static struct galera g;

/* How a promote brings the server up. */
enum galera_mode { GALERA_JOIN, GALERA_BOOTSTRAP };

static int galera_setup(struct lb_ctx *ctx);
static int galera_check(struct lb_ctx *ctx);
static int galera_validate(struct lb_ctx *ctx);
static int galera_find_node(bool report);
static int galera_init(struct lb_ctx *ctx);
static pid_t server_pid(void);
static int monitor_running(pid_t pid, struct galera_probe *out);
static int server_start(enum galera_mode mode, const char *position);
static int server_stop(void);
static int prepare_dirs(void);
static void detect_safe_to_bootstrap(void);
static int detect_last_commit(void);
static bool recover_position(char uuid[LB_WSREP_UUID_LEN + 1], long long *seqno, bool *rollback);
static bool other_promoted(void);
static void elect_bootstrap_node(void);
static void promote_everyone(void);
static char *attr_get(const char *node, const char *what);
static int attr_set(const char *node, const char *what, const char *value);
static void attr_clear(const char *node, const char *what);
static void score_set(const char *node);
static void score_clear(const char *node);
static void clear_unpromoted_attrs(void);
static void clear_all_attrs(void);

/* ------------------------------------------------------------ start */

/*
 * start: the server stays down; the node reports where its data ends. Then
 * either a Primary Component already runs (this node may join it: promotion
 * score) or the bootstrap node is chosen once everyone has reported.
 */
static int
galera_start(struct lb_ctx *ctx)
{
    pid_t pid;
    int rc;

    if ((rc = galera_init(ctx)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (lb_parse_bool(getenv("OCF_RESKEY_CRM_meta_promotable")) != 1 && ctx->promoted_max <= 0) {
        lb_exit_reason("Galera must be configured as a promotable clone (promotable=true)");
        return LB_OCF_ERR_CONFIGURED;
    }
    if ((pid = server_pid()) > 0) {
        lb_exit_reason("the server (pid %ld) is already running outside of the cluster's control",
                       (long)pid);
        return LB_OCF_ERR_GENERIC;
    }
    if ((rc = prepare_dirs()) != LB_OCF_SUCCESS) {
        return rc;
    }
    detect_safe_to_bootstrap();
    if ((rc = detect_last_commit()) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (other_promoted()) {
        lb_info("a Primary Component runs on other nodes: %s may join it", g.node);
        score_set(g.node);
    } else {
        score_clear(g.node);
        elect_bootstrap_node();
    }
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ stop */

static int
galera_stop(struct lb_ctx *ctx)
{
    int rc = galera_setup(ctx);

    if (rc != LB_OCF_SUCCESS) {
        return rc; /* a required parameter missing, or of the wrong type */
    }
    /* Stop whatever runs even when a path or a user is wrong. */
    if (galera_validate(ctx) != LB_OCF_SUCCESS) {
        lb_warn("the configuration is not valid; stopping whatever runs anyway");
    }
    (void)galera_find_node(false);
    rc = server_stop();
    if (g.node != NULL) {
        clear_all_attrs();
        score_clear(g.node);
    }
    return rc;
}

/* ------------------------------------------------------------ monitor */

/* The health of a running server as an OCF code, with its reason (an exit reason for
   failures, a warning when degraded). */
static int
monitor_running(pid_t pid, struct galera_probe *out)
{
    struct galera_probe p;
    char why[1024];
    int rc;

    galera_query(g.ctx, &p, 10000);
    if (out != NULL) {
        *out = p;
    }
    rc = galera_health(g.ctx, &p, pid, g.node, why, sizeof(why));
    if (rc == LB_OCF_DEGRADED_PROMOTED) {
        lb_warn("%s", why);
    } else if (rc != LB_OCF_RUNNING_PROMOTED) {
        lb_exit_reason("%s", why);
    }
    return rc;
}

/* An unpromoted instance: the server is down and the node reported its position. */
static int
monitor_unpromoted(void)
{
    char *last = attr_get(g.node, "last-committed");

    if (last == NULL) {
        attr_clear(g.node, "primary"); /* the server died: nobody may join it */
        return LB_OCF_NOT_RUNNING;
    }
    free(last);
    if (other_promoted()) {
        score_set(g.node); /* a Primary Component runs: join it */
    } else {
        elect_bootstrap_node();
    }
    return LB_OCF_SUCCESS;
}

static int
galera_monitor(struct lb_ctx *ctx)
{
    struct galera_probe p;
    int rc = galera_check(ctx);
    pid_t pid = server_pid();

    if (rc != LB_OCF_SUCCESS && pid <= 0) {
        /* Nothing runs; a probe on a node without Galera finds it stopped. */
        return (ctx->is_probe && rc == LB_OCF_ERR_INSTALLED) ? LB_OCF_NOT_RUNNING : rc;
    }
    if (pid <= 0) {
        rc = galera_find_node(true);
        return rc == LB_OCF_SUCCESS ? monitor_unpromoted() : rc;
    }
    if (rc != LB_OCF_SUCCESS) {
        lb_warn("the configuration is not valid, but the server runs (pid %ld)", (long)pid);
    }
    if (galera_find_node(false) == LB_OCF_ERR_CONFIGURED && g.gname != NULL) {
        lb_exit_reason("local node <%s> (galera node <%s>) is started, but is not a member of the "
                       "wsrep_cluster_address <%s>",
                       g.node, g.gname, g.address);
        return LB_OCF_ERR_GENERIC;
    }
    rc = monitor_running(pid, &p);
    if (rc == LB_OCF_RUNNING_PROMOTED || rc == LB_OCF_DEGRADED_PROMOTED) {
        if (ctx->is_probe && g.node != NULL) {
            /* a promoted instance found by a probe: restore its score and attribute */
            score_set(g.node);
            attr_set(g.node, "primary", p.st.cluster_state_uuid);
        }
    } else if (g.node != NULL) {
        attr_clear(g.node, "primary"); /* nobody may join this node now */
    }
    return rc;
}

static int
galera_status(struct lb_ctx *ctx)
{
    int rc = galera_setup(ctx);

    if (rc != LB_OCF_SUCCESS) {
        return rc;
    }
    return server_pid() > 0 ? LB_OCF_SUCCESS : LB_OCF_NOT_RUNNING;
}

/* ------------------------------------------------------------ promote */

/* Is this node the one to bootstrap? Decided by the election (its attribute). */
static bool
is_bootstrap_node(void)
{
    char *v = attr_get(g.node, "bootstrap");
    bool yes = lb_parse_bool(v) == 1;

    free(v);
    if (!yes) {
        /* The attribute may not have been set yet: hold the election now. */
        elect_bootstrap_node();
        v = attr_get(g.node, "bootstrap");
        yes = lb_parse_bool(v) == 1;
        free(v);
    }
    return yes;
}

/* UUID:SEQNO to start from when grastate.dat has no position of its own, or "". */
static void
start_position(char *out, size_t len)
{
    struct lb_grastate st;
    char uuid[LB_WSREP_UUID_LEN + 1];
    long long seqno;
    bool rollback = false;

    out[0] = '\0';
    if (lb_grastate_read(g.grastate, &st) < 0) {
        return; /* no saved state: the node needs a full state transfer (SST) */
    }
    if (st.seqno >= 0 && !lb_wsrep_uuid_is_nil(st.uuid)) {
        snprintf(out, len, "%s:%lld", st.uuid, st.seqno);
        return;
    }
    if (recover_position(uuid, &seqno, &rollback) && !rollback && !lb_wsrep_uuid_is_nil(uuid)) {
        snprintf(out, len, "%s:%lld", uuid, seqno);
    }
}

static int
galera_promote(struct lb_ctx *ctx)
{
    enum galera_mode mode;
    char position[LB_WSREP_UUID_LEN + 32];
    int rc;

    if ((rc = galera_init(ctx)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (server_pid() > 0) {
        struct galera_probe p;

        rc = monitor_running(server_pid(), &p);
        if (rc == LB_OCF_RUNNING_PROMOTED || rc == LB_OCF_DEGRADED_PROMOTED) {
            lb_info("the server already runs in the Primary Component");
            promote_everyone();
            clear_unpromoted_attrs();
            attr_set(g.node, "primary", p.st.cluster_state_uuid);
            return LB_OCF_SUCCESS;
        }
        lb_exit_reason("the server runs but is not in the Primary Component; stop it first");
        return LB_OCF_ERR_GENERIC;
    }
    if (other_promoted()) {
        mode = GALERA_JOIN;
    } else if (is_bootstrap_node()) {
        mode = GALERA_BOOTSTRAP;
    } else {
        score_clear(g.node);
        lb_exit_reason("there is no Primary Component to join and %s is not the node chosen to "
                       "bootstrap one",
                       g.node);
        return LB_OCF_ERR_GENERIC;
    }
    if (mode == GALERA_BOOTSTRAP) {
        struct lb_grastate st;

        if (lb_grastate_read(g.grastate, &st) == 0 && st.safe_to_bootstrap == 0) {
            int err = lb_grastate_set_safe(g.grastate, 1);

            if (err < 0) {
                lb_exit_reason("cannot set safe_to_bootstrap in %s: %s", g.grastate,
                               strerror(-err));
                return LB_OCF_ERR_PERM;
            }
            lb_info("safe_to_bootstrap in %s set to 1 on node %s", g.grastate, g.node);
        }
        lb_info("Node <%s> is bootstrapping the cluster", g.node);
    }
    start_position(position, sizeof(position));
    /* last commit and safe_to_bootstrap are no longer relevant once promoted */
    attr_clear(g.node, "last-committed");
    attr_clear(g.node, "safe-to-bootstrap");
    if ((rc = prepare_dirs()) != LB_OCF_SUCCESS || (rc = server_start(mode, position)) != 0) {
        return rc;
    }
    attr_set(g.node, "primary", g.uuid[0] ? g.uuid : "true");
    if (mode == GALERA_BOOTSTRAP) {
        promote_everyone();
        attr_clear(g.node, "bootstrap");
        lb_info("Bootstrap complete, promoting the rest of the galera instances.");
    }
    attr_clear(g.node, "no-grastate");
    lb_info("Galera started");
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ demote */

static int
galera_demote(struct lb_ctx *ctx)
{
    int rc;

    if ((rc = galera_init(ctx)) != LB_OCF_SUCCESS) {
        return rc;
    }
    rc = server_stop();
    if (rc != LB_OCF_SUCCESS) {
        lb_exit_reason("Failed to stop the server during demotion");
        return rc;
    }
    clear_all_attrs();
    /* No promotion until a monitor or a notification has looked at every node again. */
    score_clear(g.node);
    detect_safe_to_bootstrap();
    rc = detect_last_commit();
    if (rc == LB_OCF_SUCCESS && !other_promoted()) {
        elect_bootstrap_node();
    }
    return rc;
}

/* ------------------------------------------------------------ notify */

/*
 * notify: after instances started, stopped or were demoted, an unpromoted
 * instance looks again whether it may join a running Primary Component or
 * whether the bootstrap node can be chosen now; after a promotion, whether
 * it may join. Notifications never fail.
 */
static int
galera_notify(struct lb_ctx *ctx)
{
    const char *type = ctx->notify_type ? ctx->notify_type : "";
    const char *op = ctx->notify_operation ? ctx->notify_operation : "";
    char *last;
    int rc = galera_setup(ctx);

    if (rc != LB_OCF_SUCCESS) {
        return rc; /* not configured at all */
    }
    if (galera_validate(ctx) != LB_OCF_SUCCESS || galera_find_node(false) != LB_OCF_SUCCESS ||
        strcmp(type, "post") != 0 || server_pid() > 0) {
        return LB_OCF_SUCCESS;
    }
    last = attr_get(g.node, "last-committed");
    if (last == NULL) {
        return LB_OCF_SUCCESS; /* not an unpromoted instance (stopped, or being promoted) */
    }
    free(last);
    lb_debug("post-%s notification", op);
    if (other_promoted()) {
        score_set(g.node);
    } else if (strcmp(op, "promote") != 0) {
        elect_bootstrap_node();
    }
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ validation */

static int
check_file(const char *what, const char *path, bool dir)
{
    struct stat sb;

    if (path == NULL || stat(path, &sb) < 0 || (dir ? !S_ISDIR(sb.st_mode) : S_ISDIR(sb.st_mode))) {
        lb_exit_reason("%s %s doesn't exist", what, path ? path : "(unset)");
        return LB_OCF_ERR_INSTALLED;
    }
    return LB_OCF_SUCCESS;
}

static int
galera_validate(struct lb_ctx *ctx)
{
    const char *map = lb_param_str(ctx, "cluster_host_map");
    const char *binary = lb_param_str(ctx, "binary");
    char **members = lb_wsrep_address_members(lb_param_str(ctx, "wsrep_cluster_address"));
    bool empty = members == NULL || members[0] == NULL;
    int rc;

    lb_argv_free(members);
    if (empty) {
        lb_exit_reason("wsrep_cluster_address '%s' is not of the form gcomm://node,node,...",
                       lb_param_str(ctx, "wsrep_cluster_address"));
        return LB_OCF_ERR_CONFIGURED;
    }
    if (map != NULL && strchr(map, ':') == NULL) {
        lb_exit_reason("cluster_host_map '%s' is not of the form pcmk1:galera1;pcmk2:galera2", map);
        return LB_OCF_ERR_CONFIGURED;
    }
    if (binary == NULL || access(binary, X_OK) != 0) {
        lb_exit_reason("Setup problem: couldn't find command: %s", binary ? binary : "(unset)");
        return LB_OCF_ERR_INSTALLED;
    }
    if ((rc = check_file("Config", lb_param_str(ctx, "config"), false)) != LB_OCF_SUCCESS ||
        (rc = check_file("Datadir", lb_param_str(ctx, "datadir"), true)) != LB_OCF_SUCCESS) {
        return rc;
    }
    if (getpwnam(lb_param_str(ctx, "user")) == NULL) {
        lb_exit_reason("User %s doesn't exist", lb_param_str(ctx, "user"));
        return LB_OCF_ERR_INSTALLED;
    }
    if (getgrnam(lb_param_str(ctx, "group")) == NULL) {
        lb_exit_reason("Group %s doesn't exist", lb_param_str(ctx, "group"));
        return LB_OCF_ERR_INSTALLED;
    }
    return LB_OCF_SUCCESS;
}

/* ================================================================ plumbing */

/* ------------------------------------------------------------ setup */

/* Fill g from the parameters and check them against the table (types, required). */
static int
galera_setup(struct lb_ctx *ctx)
{
    g.ctx = ctx;
    g.address = lb_param_str(ctx, "wsrep_cluster_address");
    g.binary = lb_param_str(ctx, "binary");
    g.config = lb_param_str(ctx, "config");
    g.datadir = lb_param_str(ctx, "datadir");
    g.user = lb_param_str(ctx, "user");
    g.group = lb_param_str(ctx, "group");
    g.log = lb_param_str(ctx, "log");
    g.pid = lb_param_str(ctx, "pid");
    g.socket = lb_param_str(ctx, "socket");
    snprintf(g.grastate, sizeof(g.grastate), "%s/grastate.dat", g.datadir ? g.datadir : ".");
    free(g.rsc);
    g.rsc = ctx->instance ? lb_instance_base(ctx->instance) : strdup(GALERA_NAME);
    lb_argv_free(g.members);
    g.members = lb_wsrep_address_members(g.address);
    return lb_params_validate(ctx);
}

/* galera_setup() and the agent's own checks (paths, users, address). */
static int
galera_check(struct lb_ctx *ctx)
{
    int rc = galera_setup(ctx);

    return rc == LB_OCF_SUCCESS ? galera_validate(ctx) : rc;
}

/*
 * This node's Pacemaker name (the target of our attributes) and Galera name,
 * which must be in wsrep_cluster_address. With @report, problems are exit
 * reasons, else log messages. Returns an OCF code.
 */
static int
galera_find_node(bool report)
{
    const char *target = getenv("OCF_RESKEY_CRM_meta_container_attribute_target");
    const char *host = getenv("OCF_RESKEY_CRM_meta_physical_host");
    int err;

    if (g.node != NULL) {
        return LB_OCF_SUCCESS;
    }
    /* In a bundle, attributes belong to the host the container runs on. */
    if (target != NULL && strcmp(target, "host") == 0 && host != NULL && *host != '\0') {
        g.node = strdup(host);
    } else if ((err = lb_cib_local_node(&g.node)) < 0) {
        if (report) {
            lb_exit_reason("cannot determine the local cluster node name: %s", strerror(-err));
        } else {
            lb_warn("cannot determine the local cluster node name: %s", strerror(-err));
        }
        return LB_OCF_ERR_GENERIC;
    }
    g.gname = lb_wsrep_host_map(lb_param_str(g.ctx, "cluster_host_map"), g.node, true);
    if (g.gname == NULL) {
        if (report) {
            lb_exit_reason("Could not determine galera name from pacemaker node <%s>.", g.node);
        }
        return LB_OCF_ERR_CONFIGURED;
    }
    if (!lb_wsrep_address_has(g.address, g.gname)) {
        if (report) {
            lb_exit_reason("local node <%s> (galera node <%s>) must be a member of the "
                           "wsrep_cluster_address <%s> to start this galera instance",
                           g.node, g.gname, g.address);
        }
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

/* Both: parameters valid and this node found. */
static int
galera_init(struct lb_ctx *ctx)
{
    int rc = galera_check(ctx);

    return rc == LB_OCF_SUCCESS ? galera_find_node(true) : rc;
}

static pid_t
server_pid(void)
{
    return galera_server_pid(g.ctx);
}

static void
galera_cleanup(void)
{
    free(g.node);
    free(g.gname);
    free(g.rsc);
    lb_argv_free(g.members);
    if (g.have_view) {
        lb_nodes_free(&g.view);
    }
    memset(&g, 0, sizeof(g));
    lb_cib_close();
    lb_mariadb_library_end();
}

/* ------------------------------------------------------------ attributes */

/* "<rsc>-<what>", e.g. "galera-last-committed". */
static void
attr_name(const char *what, char *out, size_t len)
{
    snprintf(out, len, "%s-%s", g.rsc ? g.rsc : GALERA_NAME, what);
}

static char *
attr_get(const char *node, const char *what)
{
    char name[256], *value = NULL;
    int err;

    attr_name(what, name, sizeof(name));
    err = lb_attrd_query(node, name, &value);
    if (err < 0 && err != -ENXIO) {
        lb_warn("cannot read attribute %s of %s: %s", name, node, strerror(-err));
    }
    if (value != NULL && *value == '\0') {
        free(value);
        value = NULL;
    }
    return value;
}

static int
attr_set(const char *node, const char *what, const char *value)
{
    char name[256];
    int err;

    attr_name(what, name, sizeof(name));
    err = lb_attrd_update(node, name, value);
    if (err < 0) {
        lb_err("cannot %s attribute %s of %s: %s", value ? "set" : "delete", name, node,
               strerror(-err));
    }
    return err;
}

static void
attr_clear(const char *node, const char *what)
{
    (void)attr_set(node, what, NULL);
}

/* The attributes of an unpromoted instance. */
static void
clear_unpromoted_attrs(void)
{
    attr_clear(g.node, "bootstrap");
    attr_clear(g.node, "last-committed");
    attr_clear(g.node, "no-grastate");
    attr_clear(g.node, "safe-to-bootstrap");
}

static void
clear_all_attrs(void)
{
    clear_unpromoted_attrs();
    attr_clear(g.node, "primary");
}

static void
score_set(const char *node)
{
    int err = lb_promotion_set(g.rsc, node, GALERA_SCORE);

    if (err < 0) {
        lb_err("cannot set the promotion score of %s: %s", node, strerror(-err));
    }
}

static void
score_clear(const char *node)
{
    int err = lb_promotion_clear(g.rsc, node);

    if (err < 0) {
        lb_err("cannot clear the promotion score of %s: %s", node, strerror(-err));
    }
}

/* ------------------------------------------------------------ cluster view */

/* The cluster's nodes as the CIB shows them, read once per action; NULL if unreadable. */
static const struct lb_nodes *
cluster_view(void)
{
    if (!g.view_read) {
        g.view_read = true;
        g.have_view = lb_nodes_read(&g.view) == 0;
    }
    return g.have_view ? &g.view : NULL;
}

/* Pacemaker name of Galera member @gname (NULL if the map has none). */
static char *
pcmk_name(const char *gname)
{
    const char *map = lb_param_str(g.ctx, "cluster_host_map");
    char *host = lb_wsrep_member_host(gname);
    char *n = NULL;

    /* The map names a member as it is written, or by its host part (no port). */
    if (map == NULL) {
        n = host;
        host = NULL;
    } else if ((n = lb_wsrep_host_map(map, gname, false)) == NULL) {
        n = lb_wsrep_host_map(map, host, false);
    }
    free(host);
    if (n == NULL) {
        lb_err("Could not determine pacemaker node from galera name <%s>.", gname);
    }
    return n;
}

/*
 * True when another member node runs a healthy Promoted instance: its
 * "<rsc>-primary" attribute (set by a successful promote or probe, cleared
 * by a failed monitor, a demote or a stop; attrd drops it when the node
 * leaves the cluster), on a node the cluster does not report offline.
 */
static bool
other_promoted(void)
{
    const struct lb_nodes *view = cluster_view();
    bool found = false;

    for (size_t i = 0; !found && g.members && g.members[i]; i++) {
        char *node = pcmk_name(g.members[i]), *uuid = NULL;
        const struct lb_node *n;

        if (node != NULL && strcmp(node, g.node) != 0 &&
            (uuid = attr_get(node, "primary")) != NULL) {
            n = view ? lb_nodes_find(view, node) : NULL;
            found = n == NULL || n->online;
            if (!found) {
                lb_info("node %s is offline: its Primary Component is gone", node);
            }
        }
        free(uuid);
        free(node);
    }
    return found;
}

/* Give every member node a promotion score: the bootstrap node is up, the others join it. */
static void
promote_everyone(void)
{
    for (size_t i = 0; g.members && g.members[i]; i++) {
        char *node = pcmk_name(g.members[i]);

        if (node == NULL) {
            return;
        }
        score_set(node);
        free(node);
    }
}

/* ------------------------------------------------------------ election */

/* What one member node reported. */
struct candidate {
    char *node;       /* Pacemaker name */
    bool reported;    /* it published its last committed seqno */
    long long seqno;  /* that seqno (-1: nothing committed) */
    bool safe;        /* grastate.dat says safe_to_bootstrap: 1 */
    bool no_grastate; /* recovered without a grastate.dat: bootstrap elsewhere if possible */
    bool reachable;   /* not reported offline by the cluster */
};

/* Fill @c for member node @node. */
static void
candidate_read(struct candidate *c, const struct lb_nodes *view)
{
    char *v = attr_get(c->node, "last-committed");
    const struct lb_node *n = view ? lb_nodes_find(view, c->node) : NULL;

    c->reported = v != NULL && lb_wsrep_parse_seqno(v, &c->seqno);
    free(v);
    v = attr_get(c->node, "safe-to-bootstrap");
    c->safe = v != NULL && strcmp(v, "1") == 0;
    free(v);
    v = attr_get(c->node, "no-grastate");
    c->no_grastate = lb_parse_bool(v) == 1;
    free(v);
    /* A node the cluster does not know at all is waited for, like an online one. */
    c->reachable = n == NULL || n->online;
}

/*
 * Two-node clusters (two_node_mode): when the peer was fenced or left cleanly
 * and this node alone kept quorum, it may bootstrap without the peer.
 */
static bool
survived_two_node_split(const struct lb_nodes *view)
{
    size_t members = 0, online = 0, clean = 0;
    const struct lb_node *self = view ? lb_nodes_find(view, g.node) : NULL;

    if (!lb_param_bool(g.ctx, "two_node_mode") || view == NULL || self == NULL) {
        return false;
    }
    for (size_t i = 0; i < view->n; i++) {
        if (view->v[i].remote) {
            continue;
        }
        members++;
        online += view->v[i].online;
        clean += !view->v[i].unclean;
    }
    return members == 2 && online == 1 && self->online && view->quorate && clean == 2;
}

/* True when @a is a better bootstrap node than @b (the peer's order: later wins ties). */
static bool
better(const struct candidate *a, const struct candidate *b)
{
    if (b == NULL) {
        return true;
    }
    if (a->seqno != b->seqno) {
        return a->seqno > b->seqno;
    }
    return !a->no_grastate || b->no_grastate;
}

/* The chosen node, or NULL while reachable nodes have not reported. */
static const struct candidate *
choose(const struct candidate *c, size_t n, const struct lb_nodes *view)
{
    const struct candidate *best = NULL, *safe = NULL;
    size_t reported = 0;

    for (size_t i = 0; i < n; i++) {
        if (c[i].reported && c[i].safe && better(&c[i], safe)) {
            safe = &c[i];
        }
    }
    if (safe != NULL) {
        lb_info("Node <%s> is marked as safe to bootstrap.", safe->node);
        return safe;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].node, g.node) == 0 && c[i].reported && survived_two_node_split(view)) {
            lb_warn("Survived a split in a 2-node cluster, considering ourselves safe to "
                    "bootstrap");
            return &c[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!c[i].reported && c[i].reachable) {
            lb_info("Waiting on node <%s> to report database status before Master instances "
                    "can start.",
                    c[i].node);
            return NULL;
        }
        if (c[i].reported) {
            reported++;
            best = better(&c[i], best) ? &c[i] : best;
        } else {
            lb_warn("node %s is offline and has not reported its last commit", c[i].node);
        }
    }
    if (reported * 2 <= n) {
        lb_info("only %zu of %zu nodes reported: waiting for a majority", reported, n);
        return NULL;
    }
    return best;
}

/*
 * Choose the node that bootstraps a new Primary Component, once every
 * reachable member has reported: one marked safe to bootstrap, else the
 * highest seqno (preferring nodes that had a grastate.dat). Marks it with
 * "<rsc>-bootstrap" and a promotion score, and takes the score from the others.
 */
static void
elect_bootstrap_node(void)
{
    size_t n = 0;
    struct candidate *c;
    const struct lb_nodes *view = cluster_view();
    const struct candidate *best;
    char *already = NULL;

    while (g.members && g.members[n]) {
        n++;
    }
    c = calloc(n ? n : 1, sizeof(*c));
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if ((c[i].node = pcmk_name(g.members[i])) == NULL) {
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++) {
        candidate_read(&c[i], view);
    }
    best = choose(c, n, view);
    /* Marked by an earlier election (every unpromoted monitor holds one): nothing to do. */
    already = best ? attr_get(best->node, "bootstrap") : NULL;
    if (already != NULL && strcmp(already, "true") == 0) {
        lb_debug("%s is already the bootstrap node", best->node);
        if (strcmp(best->node, g.node) == 0) {
            /* Our own start clears our score before it elects; another node's election
               may have marked us in between: the mark without the score would never be
               promoted. */
            score_set(g.node);
        }
    } else if (best != NULL) {
        char seq[32];

        snprintf(seq, sizeof(seq), "%lld", best->seqno);
        lb_info("Promoting %s to be our bootstrap node (seqno %s)", best->node, seq);
        attr_set(best->node, "bootstrap", "true");
        score_set(best->node);
        /* No Primary Component runs: nobody else may be promoted (a score left
           from a monitor that saw one would make Pacemaker promote a joiner). */
        for (size_t i = 0; i < n; i++) {
            if (&c[i] != best) {
                score_clear(c[i].node);
                attr_clear(c[i].node, "bootstrap");
            }
        }
    }
    free(already);
out:
    for (size_t i = 0; i < n; i++) {
        free(c[i].node);
    }
    free(c);
}

/* ------------------------------------------------------------ server command lines */

/* Our environment without the agent's parameters (check_passwd) for the server
   and its tools; NULL (inherit) only if out of memory. */
static char **
child_env(void)
{
    static const char *const drop[] = {"OCF_RESKEY_", NULL};

    return lb_env_filter(drop, NULL);
}

/* An argv under construction: pointers into @buf or to static/owned strings. */
struct args {
    const char *v[128];
    size_t n;
    char buf[16][PATH_MAX + 64];
    size_t nbuf;
};

static void
args_add(struct args *a, const char *s)
{
    if (a->n < sizeof(a->v) / sizeof(a->v[0]) - 1) {
        a->v[a->n++] = s;
        a->v[a->n] = NULL;
    }
}

__attribute__((format(printf, 2, 3))) static void
args_fmt(struct args *a, const char *fmt, ...)
{
    va_list ap;

    if (a->nbuf >= sizeof(a->buf) / sizeof(a->buf[0])) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(a->buf[a->nbuf], sizeof(a->buf[0]), fmt, ap);
    va_end(ap);
    args_add(a, a->buf[a->nbuf++]);
}

/* The server and the options every run of it gets (the peer's, plus --user). */
static void
server_args(struct args *a)
{
    a->n = a->nbuf = 0;
    args_add(a, g.binary);
    args_fmt(a, "--defaults-file=%s", g.config);
    args_fmt(a, "--pid-file=%s", g.pid);
    args_fmt(a, "--socket=%s", g.socket);
    args_fmt(a, "--datadir=%s", g.datadir);
    args_fmt(a, "--user=%s", g.user);
    args_fmt(a, "--wsrep-cluster-address=%s", g.address);
}

/* ------------------------------------------------------------ saved state */

/* Publish grastate.dat's safe_to_bootstrap flag (or clear it when it means nothing). */
static void
detect_safe_to_bootstrap(void)
{
    struct lb_grastate st;

    lb_info("attempting to read safe_to_bootstrap flag from %s", g.grastate);
    if (lb_grastate_read(g.grastate, &st) < 0 || lb_wsrep_uuid_is_nil(st.uuid) ||
        st.safe_to_bootstrap < 0 || (st.safe_to_bootstrap == 1 && st.seqno < 0)) {
        attr_clear(g.node, "safe-to-bootstrap");
        return;
    }
    attr_set(g.node, "safe-to-bootstrap", st.safe_to_bootstrap ? "1" : "0");
}

/* Read "KEY" from `--wsrep-recover` output: the log names the real log when it is mysqld_safe. */
static char *
recover_log_text(const char *path)
{
    static const char mark[] = "--log_error='";
    char *text = lb_read_file(path), *p, *other;

    if (text == NULL || strstr(text, "Recovered position") != NULL ||
        (p = strstr(text, mark)) == NULL) {
        return text;
    }
    p += sizeof(mark) - 1;
    p[strcspn(p, "'")] = '\0';
    other = lb_read_file(p);
    if (other == NULL) {
        return text;
    }
    free(text);
    return other;
}

/* One `--wsrep-recover` run (with @extra, or NULL); its log text, or NULL. */
static char *
run_recover(const char *extra)
{
    char tmp[] = "/tmp/lb-galera-recover.XXXXXX";
    struct passwd *pw = getpwnam(g.user);
    struct group *gr = getgrnam(g.group);
    struct lb_proc_result res;
    long left = lb_ctx_time_left_ms(g.ctx, lb_ctx_watchdog_margin_ms(g.ctx) + 1000);
    struct args a;
    char *text = NULL, **envp;
    int fd = mkstemp(tmp);

    if (fd < 0) {
        lb_err("cannot create a temporary file: %s", strerror(errno));
        return NULL;
    }
    if (pw != NULL && fchown(fd, pw->pw_uid, gr ? gr->gr_gid : pw->pw_gid) < 0) {
        lb_warn("cannot hand %s to %s: %s", tmp, g.user, strerror(errno));
    }
    close(fd);
    server_args(&a);
    args_add(&a, "--wsrep-recover");
    args_fmt(&a, "--log-error=%s", tmp);
    if (extra != NULL) {
        args_add(&a, extra);
    }
    envp = child_env();
    if (lb_proc_run(a.v, (const char *const *)envp, NULL, left == LONG_MAX ? 120000 : left, &res) ==
        0) {
        if (res.timed_out) {
            lb_err("%s --wsrep-recover timed out", g.binary);
        }
        lb_proc_result_free(&res);
        text = recover_log_text(tmp);
    }
    lb_argv_free(envp);
    unlink(tmp);
    return text;
}

/*
 * The last committed position from InnoDB (`--wsrep-recover`, 0.2 s; never
 * while the server runs). Prepared XA transactions left by a crash are rolled
 * back (--tc-heuristic-recover=rollback; *@rollback is then true).
 */
static bool
recover_position(char uuid[LB_WSREP_UUID_LEN + 1], long long *seqno, bool *rollback)
{
    char *text;
    bool found;

    lb_info("now attempting to detect last commit version using '%s --wsrep-recover'", g.binary);
    text = run_recover(NULL);
    found = text != NULL && lb_wsrep_recovered_position(text, uuid, seqno);
    *rollback = false;
    if (!found && text != NULL && lb_wsrep_has_prepared_xa(text)) {
        lb_warn("local node <%s> was not shutdown properly. Rollback stuck transaction with "
                "--tc-heuristic-recover",
                g.node);
        free(text);
        text = run_recover("--tc-heuristic-recover=rollback");
        found = text != NULL && lb_wsrep_recovered_position(text, uuid, seqno);
        *rollback = found;
    }
    if (!found) {
        char *e = NULL;

        /* the first error says why; the last one is usually "Aborting" */
        e = text ? strstr(text, "[ERROR]") : NULL;
        snprintf(g.recover_error, sizeof(g.recover_error), "%.*s", e ? (int)strcspn(e, "\n") : 0,
                 e ? e : "");
    }
    free(text);
    return found;
}

/* Publish the last committed seqno: grastate.dat after a clean stop, else recovered. */
static int
detect_last_commit(void)
{
    struct lb_grastate st;
    char path[PATH_MAX + 16], uuid[LB_WSREP_UUID_LEN + 1], value[32];
    struct stat sb;
    long long seqno = -1;
    bool found = false, rollback = false;
    int err;

    /* codership/galera#354: an empty gvwstate.dat prevents the node from joining. */
    snprintf(path, sizeof(path), "%s/gvwstate.dat", g.datadir);
    if (stat(path, &sb) == 0 && sb.st_size == 0) {
        lb_warn("empty %s detected, removing it to prevent PC recovery failure at next restart",
                path);
        unlink(path);
    }
    lb_info("attempting to detect last commit version by reading %s", g.grastate);
    err = lb_grastate_read(g.grastate, &st);
    if (err == 0 && st.seqno >= 0) {
        seqno = st.seqno;
        found = true;
    } else {
        if (err == -ENOENT) {
            attr_set(g.node, "no-grastate", "true"); /* bootstrap elsewhere if possible */
        }
        found = recover_position(uuid, &seqno, &rollback);
        if (found && rollback) {
            lb_warn("State recovered. force SST at next restart for full resynchronization");
            unlink(g.grastate);
            attr_set(g.node, "no-grastate", "true");
        }
    }
    if (!found) {
        lb_exit_reason("Unable to detect last known write sequence number%s%s",
                       g.recover_error[0] ? ": " : "", g.recover_error);
        attr_clear(g.node, "last-committed");
        return LB_OCF_ERR_GENERIC;
    }
    lb_info("Last commit version found:  %lld", seqno);
    snprintf(value, sizeof(value), "%lld", seqno);
    if ((err = attr_set(g.node, "last-committed", value)) < 0) {
        lb_exit_reason("cannot publish the last committed seqno through attrd: %s", strerror(-err));
        return LB_OCF_ERR_GENERIC;
    }
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ directories */

/* The directory part of @path into @out. */
static void
parent_dir(const char *path, char *out, size_t len)
{
    char copy[PATH_MAX];

    snprintf(copy, sizeof(copy), "%s", path ? path : ".");
    snprintf(out, len, "%s", dirname(copy));
}

static uid_t chown_uid;
static gid_t chown_gid;

static int
chown_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return lchown(path, chown_uid, chown_gid) < 0 ? -1 : 0;
}

/* mysql_install_db into an empty datadir (enable_creation). */
static int
install_db(uid_t uid, gid_t gid)
{
    char dir[PATH_MAX], tool[PATH_MAX + 32], a[3][PATH_MAX + 32];
    const char *names[] = {"mysql_install_db", "mariadb-install-db", NULL};
    const char *dirs[] = {dir, "/usr/bin", "/usr/sbin", NULL};
    struct lb_proc_result res;
    long left = lb_ctx_time_left_ms(g.ctx, lb_ctx_watchdog_margin_ms(g.ctx) + 1000);
    int rc = -ENOENT;

    parent_dir(g.binary, dir, sizeof(dir));
    tool[0] = '\0';
    for (int d = 0; dirs[d] && !tool[0]; d++) {
        for (int n = 0; names[n] && !tool[0]; n++) {
            snprintf(tool, sizeof(tool), "%s/%s", dirs[d], names[n]);
            if (access(tool, X_OK) != 0) {
                tool[0] = '\0';
            }
        }
    }
    if (!tool[0]) {
        lb_exit_reason("Initialization failed: mysql_install_db not found");
        return LB_OCF_ERR_INSTALLED;
    }
    lb_info("Initializing MySQL database: ");
    snprintf(a[0], sizeof(a[0]), "--defaults-file=%s", g.config);
    snprintf(a[1], sizeof(a[1]), "--user=%s", g.user);
    snprintf(a[2], sizeof(a[2]), "--datadir=%s", g.datadir);
    {
        /* no replication while bootstrapping the system tables (rsync SST would object) */
        const char *argv[] = {tool, a[0], a[1], a[2], "--wsrep-on=OFF", NULL};

        char **envp = child_env();

        rc = lb_proc_run(argv, (const char *const *)envp, NULL, left == LONG_MAX ? 120000 : left,
                         &res);
        lb_argv_free(envp);
    }
    if (rc < 0 || res.status != 0) {
        lb_exit_reason("Initialization failed: %d %s", rc < 0 ? rc : res.status,
                       rc < 0 ? strerror(-rc) : res.err);
        if (rc == 0) {
            lb_proc_result_free(&res);
        }
        return LB_OCF_ERR_GENERIC;
    }
    lb_proc_result_free(&res);
    chown_uid = uid;
    chown_gid = gid;
    if (nftw(g.datadir, chown_one, 16, FTW_PHYS) != 0) {
        lb_exit_reason("cannot hand %s to %s: %s", g.datadir, g.user, strerror(errno));
        return LB_OCF_ERR_PERM;
    }
    return LB_OCF_SUCCESS;
}

/* The log file, the pid and socket directories, and (enable_creation) the database. */
static int
prepare_dirs(void)
{
    struct passwd *pw = getpwnam(g.user);
    struct group *gr = getgrnam(g.group);
    char mysql_dir[PATH_MAX + 8], pid_dir[PATH_MAX], sock_dir[PATH_MAX];
    const char *dirs[] = {pid_dir, sock_dir, g.datadir, NULL};
    struct stat sb;
    int fd, err;

    if (pw == NULL || gr == NULL) {
        lb_exit_reason("%s %s doesn't exist", pw ? "Group" : "User", pw ? g.group : g.user);
        return LB_OCF_ERR_INSTALLED;
    }
    fd = open(g.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
    if (fd < 0 || fchown(fd, pw->pw_uid, gr->gr_gid) < 0 || fchmod(fd, 0640) < 0) {
        err = errno;
        if (fd >= 0) {
            close(fd);
        }
        lb_exit_reason("cannot prepare log file %s: %s", g.log, strerror(err));
        return err == ENOENT ? LB_OCF_ERR_INSTALLED : LB_OCF_ERR_PERM;
    }
    close(fd);
    snprintf(mysql_dir, sizeof(mysql_dir), "%s/mysql", g.datadir);
    if (lb_param_bool(g.ctx, "enable_creation") && stat(mysql_dir, &sb) < 0) {
        int rc = install_db(pw->pw_uid, gr->gr_gid);

        if (rc != LB_OCF_SUCCESS) {
            return rc;
        }
    }
    parent_dir(g.pid, pid_dir, sizeof(pid_dir));
    parent_dir(g.socket, sock_dir, sizeof(sock_dir));
    for (int i = 0; i < 2; i++) {
        if ((err = lb_daemon_mkdirs(dirs[i], pw->pw_uid, gr->gr_gid)) < 0) {
            lb_exit_reason("cannot create directory %s: %s", dirs[i], strerror(-err));
            return LB_OCF_ERR_PERM;
        }
    }
    for (int i = 0; dirs[i]; i++) {
        if (lb_access_as(g.user, dirs[i], W_OK | X_OK) != 0) {
            lb_exit_reason("Directory %s is not writable by %s", dirs[i], g.user);
            return LB_OCF_ERR_PERM;
        }
    }
    return LB_OCF_SUCCESS;
}

/* The last "[ERROR]" line the server logged after offset @from, for exit reasons. */
static void
log_error_since(off_t from, char *out, size_t len)
{
    char *text = lb_read_file(g.log), *best = NULL;

    snprintf(out, len, "see %s", g.log);
    if (text == NULL) {
        return;
    }
    if ((off_t)strlen(text) > from) {
        for (char *p = strstr(text + from, "[ERROR]"); p; p = strstr(p + 1, "[ERROR]")) {
            best = p;
        }
    }
    if (best != NULL) {
        best[strcspn(best, "\n")] = '\0';
        snprintf(out, len, "%s", best);
    }
    free(text);
}

/* Is the server where a promote wants it? Bootstrap: Primary. Join: Primary and synced. */
static bool
server_arrived(const struct galera_probe *p, enum galera_mode mode)
{
    if (p->rc != LB_MARIADB_OK || !p->st.seen || !p->st.ready ||
        strcmp(p->st.cluster_status, "Primary") != 0) {
        return false;
    }
    return mode == GALERA_BOOTSTRAP || p->st.local_state == LB_WSREP_SYNCED ||
           p->st.local_state == LB_WSREP_DONOR;
}

/*
 * Start the server (bootstrap: a new Primary Component from @position, or
 * join) and wait until it arrived. Returns an OCF code.
 */
static int
server_start(enum galera_mode mode, const char *position)
{
    char **extra = lb_argv_split(lb_param_str(g.ctx, "additional_parameters"));
    struct stat sb;
    off_t log_from = stat(g.log, &sb) == 0 ? sb.st_size : 0;
    struct galera_probe p;
    struct args a;
    pid_t pid;
    int err;

    server_args(&a);
    args_fmt(&a, "--log-error=%s", g.log);
    for (size_t i = 0; extra && extra[i]; i++) {
        args_add(&a, extra[i]);
    }
    if (mode == GALERA_BOOTSTRAP) {
        args_add(&a, "--wsrep-new-cluster");
    }
    if (*position) {
        args_fmt(&a, "--wsrep-start-position=%s", position);
    }
    lb_info("starting %s (%s%s%s)", g.binary, mode == GALERA_BOOTSTRAP ? "new cluster" : "join",
            *position ? " from " : "", position);
    {
        char **envp = child_env();
        struct lb_daemon_opts o = {.envp = (const char *const *)envp};

        err = lb_daemon_spawn_opts(a.v, &o, &pid, NULL);
        lb_argv_free(envp);
    }
    lb_argv_free(extra);
    if (err < 0) {
        lb_exit_reason("cannot start %s: %s", g.binary, strerror(-err));
        return LB_OCF_ERR_INSTALLED;
    }
    for (;;) {
        long left = lb_ctx_time_left_ms(g.ctx, lb_ctx_watchdog_margin_ms(g.ctx) + 1500);
        char why[512];

        if (!lb_process_alive(pid)) {
            log_error_since(log_from, why, sizeof(why));
            lb_exit_reason("MySQL server failed to start (pid=%ld): %s", (long)pid, why);
            return LB_OCF_ERR_GENERIC;
        }
        galera_query(g.ctx, &p, left < 5000 ? left : 5000);
        if (server_arrived(&p, mode)) {
            lb_info("the server (pid %ld) is %s, %s", (long)pid, p.st.cluster_status,
                    p.st.local_state_comment);
            memcpy(g.uuid, p.st.cluster_state_uuid, sizeof(g.uuid));
            return LB_OCF_SUCCESS;
        }
        if (p.rc == LB_MARIADB_DENIED) {
            lb_exit_reason("cannot check the server: %s; verify check_user and check_passwd",
                           p.err);
            server_stop();
            return LB_OCF_ERR_CONFIGURED;
        }
        if (p.rc == LB_MARIADB_OK && !p.st.seen) {
            lb_exit_reason("the server reports no wsrep status: is wsrep_on/wsrep_provider set "
                           "in %s?",
                           g.config);
            server_stop();
            return LB_OCF_ERR_CONFIGURED;
        }
        if (left <= 500) {
            lb_exit_reason("the server (pid %ld) did not %s in time (wsrep_cluster_status=%s, "
                           "%s%s%s)",
                           (long)pid, mode == GALERA_BOOTSTRAP ? "bootstrap" : "join and sync",
                           p.st.cluster_status[0] ? p.st.cluster_status : "unknown",
                           p.st.local_state_comment, p.rc ? p.err : "", "");
            return LB_OCF_ERR_GENERIC;
        }
        lb_sleep_ms(left < 500 ? left : 500);
    }
}

/* Stop the server: SIGTERM, wait until the operation's time is nearly up, then SIGKILL. */
static int
server_stop(void)
{
    pid_t pid = server_pid();
    long budget = lb_ctx_time_left_ms(g.ctx, lb_ctx_watchdog_margin_ms(g.ctx) + 5000);
    struct stat sb;

    if (pid <= 0) {
        lb_info("MySQL is not running");
        return LB_OCF_SUCCESS;
    }
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
        lb_exit_reason("MySQL couldn't be stopped: %s", strerror(errno));
        return LB_OCF_ERR_GENERIC;
    }
    if (lb_process_wait_exit(pid, budget < 1000 ? 1000 : budget) < 0) {
        lb_info("MySQL failed to stop using SIGTERM. Trying SIGKILL...");
        if (getpgid(pid) == pid) {
            kill(-pid, SIGKILL); /* also the SST scripts it started */
        }
        kill(pid, SIGKILL);
        if (lb_process_wait_exit(pid, 5000) < 0) {
            lb_exit_reason("MySQL (pid %ld) could not be stopped", (long)pid);
            return LB_OCF_ERR_GENERIC;
        }
        unlink(g.pid);
    }
    if (g.socket != NULL && lstat(g.socket, &sb) == 0 && S_ISSOCK(sb.st_mode)) {
        unlink(g.socket);
    }
    lb_info("MySQL stopped");
    return LB_OCF_SUCCESS;
}

/* ------------------------------------------------------------ agent */

static const struct lb_action galera_actions[] = {
    {.name = "start", .fn = galera_start, .timeout = "120s"},
    {.name = "stop", .fn = galera_stop, .timeout = "120s"},
    {.name = "status", .fn = galera_status, .timeout = "60s"},
    {.name = "monitor", .fn = galera_monitor, .timeout = "30s", .interval = "20s"},
    {.name = "monitor",
     .fn = galera_monitor,
     .timeout = "30s",
     .interval = "10s",
     .role = "Promoted"},
    {.name = "monitor",
     .fn = galera_monitor,
     .timeout = "30s",
     .interval = "30s",
     .role = "Unpromoted"},
    {.name = "promote", .fn = galera_promote, .timeout = "300s"},
    {.name = "demote", .fn = galera_demote, .timeout = "120s"},
    {.name = "notify", .fn = galera_notify, .timeout = "120s"},
    {.name = NULL},
};

static const struct lb_agent galera_agent = {
    .name = GALERA_NAME,
    .version = "1.0",
    .shortdesc = "Manages a galera instance",
    .longdesc = "A MariaDB Galera node as an instance of a promotable clone (promotable=true, "
                "promoted-max = the number of Galera nodes, notify=true). Unpromoted: the "
                "server is stopped and the node has published its last committed position; "
                "Promoted: the server runs in the Primary Component. The node with the highest "
                "position (or the one grastate.dat marks safe to bootstrap) bootstraps the "
                "cluster, keeping its UUID; the others join it. Drop-in replacement for "
                "ocf:heartbeat:galera: same parameters and node attributes, status queried "
                "through libmariadb in-process.",
    .params = galera_params,
    .actions = galera_actions,
    .validate = galera_validate,
};

int
main(int argc, char **argv)
{
    int rc = lb_ocf_main(&galera_agent, argc, argv);

    galera_cleanup();
    return rc;
}
