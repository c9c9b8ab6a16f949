/*
 * ocf:lifeboat:galera, the front that Pacemaker runs.
 *
 * The Promoted monitor runs every few seconds on every node for as long as
 * the cluster lives, so this binary answers the healthy case itself: the
 * server's pid file, then one status query over its socket (libmariadb). It
 * loads no Pacemaker library: those cost more to load than the check.
 * Anything else (another action, a probe, a stopped or failing server, a
 * missing node name, any doubt) is handed over, by exec, to the full agent in
 * libexec, which decides exactly as it would have alone (and keeps the node
 * attributes current).
 */
#include "config.h"

#include <stdlib.h>

#include "galera.h"
#include "lifeboat/log.h"
#include "lifeboat/mariadb.h"
#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"
#include "lifeboat/wsrep.h"

/* This node's Galera name is in wsrep_cluster_address (names from the environment only). */
static bool
fast_member(const struct lb_ctx *ctx)
{
    char *gname = lb_wsrep_host_map(lb_param_str(ctx, "cluster_host_map"), ctx->node_name, true);
    bool yes =
        gname != NULL && lb_wsrep_address_has(lb_param_str(ctx, "wsrep_cluster_address"), gname);

    free(gname);
    return yes;
}

static int
fast_check(const struct lb_ctx *ctx)
{
    long left = lb_ctx_time_left_ms(ctx, lb_ctx_watchdog_margin_ms(ctx) + 1000);
    struct galera_probe p;
    char why[1024];
    pid_t pid;
    int rc;

    /* A probe restores the node's score and attributes: the full agent's job. */
    if (ctx->is_probe || ctx->node_name == NULL || !fast_member(ctx) ||
        (pid = galera_server_pid(ctx)) <= 0) {
        return LB_OCF_HANDOVER;
    }
    galera_query(ctx, &p, left < 10000 ? left : 10000);
    rc = galera_health(ctx, &p, pid, ctx->node_name, why, sizeof(why));
    if (rc == LB_OCF_DEGRADED_PROMOTED) {
        lb_warn("%s", why);
    } else if (rc != LB_OCF_RUNNING_PROMOTED) {
        rc = LB_OCF_HANDOVER; /* the full agent reports it and withdraws the node's attribute */
    }
    return rc;
}

/* The check, then libmariadb's own clean-up (before the runtime closes the log). */
static int
fast_monitor(struct lb_ctx *ctx)
{
    int rc = fast_check(ctx);

    lb_mariadb_library_end();
    return rc;
}

static const struct lb_action fast_actions[] = {
    {.name = "monitor", .fn = fast_monitor},
    {.name = NULL},
};

static const struct lb_agent fast_agent = {
    .name = GALERA_NAME,
    .params = galera_params,
    .actions = fast_actions,
};

int
main(int argc, char **argv)
{
    return lb_ocf_fast_main(&fast_agent, argc, argv);
}
