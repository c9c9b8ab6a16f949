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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "galera.h"
#include "lifeboat/log.h"
#include "lifeboat/mariadb.h"
#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"
#include "lifeboat/wsrep.h"

#define FAST_HANDOVER (-1)

static const struct lb_action fast_actions[] = {
    {.name = "monitor"},
    {.name = NULL},
};

static const struct lb_agent fast_agent = {
    .name = GALERA_NAME,
    .params = galera_params,
    .actions = fast_actions,
};

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
fast_monitor(const struct lb_ctx *ctx)
{
    long left = lb_ctx_time_left_ms(ctx, lb_ctx_watchdog_margin_ms(ctx) + 1000);
    struct galera_probe p;
    char why[1024];
    pid_t pid;
    int rc;

    /* A probe restores the node's score and attributes: the full agent's job. */
    if (ctx->is_probe || ctx->node_name == NULL || !fast_member(ctx) ||
        (pid = galera_server_pid(ctx)) <= 0) {
        return FAST_HANDOVER;
    }
    galera_query(ctx, &p, left < 10000 ? left : 10000);
    rc = galera_health(ctx, &p, pid, ctx->node_name, why, sizeof(why));
    if (rc == LB_OCF_DEGRADED_PROMOTED) {
        lb_warn("%s", why);
    } else if (rc != LB_OCF_RUNNING_PROMOTED) {
        rc = FAST_HANDOVER; /* the full agent reports it and withdraws the node's attribute */
    }
    return rc;
}

/* Give the full agent what is left of this operation's timeout. */
static void
fast_pass_time_left(const struct lb_ctx *ctx)
{
    char buf[32];
    long left = lb_ctx_time_left_ms(ctx, 0);

    if (ctx->timeout_ms > 0) {
        snprintf(buf, sizeof(buf), "%ld", left > 1 ? left : 1);
        setenv("OCF_RESKEY_CRM_meta_timeout", buf, 1);
    }
}

int
main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "monitor")) {
        struct lb_ctx ctx;
        int rc;

        lb_log_init(GALERA_NAME, getenv("OCF_RESOURCE_INSTANCE"));
        lb_ctx_init(&ctx, &fast_agent, argv[1]);
        rc = fast_monitor(&ctx);
        lb_mariadb_library_end();
        lb_log_close();
        if (rc != FAST_HANDOVER) {
            return rc;
        }
        fast_pass_time_left(&ctx);
    }
    return lb_ocf_exec_full(GALERA_NAME, argv);
}
