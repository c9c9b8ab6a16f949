/*
 * ocf:lifeboat:VirtualDomain, the front that Pacemaker runs.
 *
 * A recurring monitor is most of what an agent ever does, so this binary
 * answers the plain one itself: it reads the domain name from `config`, asks
 * the libvirt daemon for the domain's state over its RPC socket (lib/vrpc),
 * and checks that the utilization in the CIB is current. It loads no
 * libvirt.so, no libxml2 and no Pacemaker library. Anything else (another
 * action, monitor scripts, OCF_CHECK_LEVEL 10, a utilization change, a URI or
 * daemon the small client does not speak, any doubt) is handed over, by
 * exec, to the full agent in libexec, which decides exactly as before.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "VirtualDomain.h"
#include "lifeboat/domxml.h"
#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "lifeboat/vrpc.h"

/* Only the plain state check is done here; every extra goes to the full agent. */
static bool
fast_applicable(const struct lb_ctx *ctx)
{
    return lb_param_str(ctx, "config") && lb_param_str(ctx, "hypervisor") &&
           ctx->check_level < 10 && !lb_param_str(ctx, "monitor_scripts") &&
           !lb_param_bool(ctx, "save_config_on_stop") && !lb_param_bool(ctx, "sync_config_on_stop");
}

static char *
fast_domain_name(const struct lb_ctx *ctx)
{
    char *xml = lb_read_file(lb_param_str(ctx, "config"));
    char *name = xml ? lb_domxml_name(xml) : NULL;

    free(xml);
    return name;
}

/* Running: is the CIB's utilization already what the full agent would write? */
static int
fast_running(struct lb_ctx *ctx, struct lb_vrpc *c, const char *name)
{
    unsigned ncpu;
    unsigned long long maxmem;
    char want[256];

    vd_util_want(ctx, 0, 0, want, sizeof(want));
    if (!ctx->instance || !want[0]) {
        return LB_OCF_SUCCESS; /* no utilization to keep current */
    }
    if (lb_vrpc_domain_info(c, name, &ncpu, &maxmem) < 0) {
        return LB_OCF_HANDOVER;
    }
    vd_util_want(ctx, ncpu, maxmem, want, sizeof(want));
    return vd_util_is_cached(ctx, want) ? LB_OCF_SUCCESS : LB_OCF_HANDOVER;
}

static int
fast_query(struct lb_ctx *ctx, struct lb_vrpc *c, const char *name)
{
    int state, rc = lb_vrpc_domain_state(c, name, &state);

    if (rc == -ENOENT) {
        lb_debug("domain %s is not defined: not running", name);
        return LB_OCF_NOT_RUNNING;
    }
    if (rc < 0 || (rc = lb_vrpc_state_ocf(state)) < 0) {
        return LB_OCF_HANDOVER; /* an error or no state: let the full agent retry */
    }
    return rc == LB_OCF_SUCCESS ? fast_running(ctx, c, name) : rc;
}

static int
fast_monitor(struct lb_ctx *ctx)
{
    long left = lb_ctx_time_left_ms(ctx, 1000);
    const char *uri = lb_param_str(ctx, "hypervisor");
    struct lb_vrpc *c = NULL;
    char *name;
    int rc;

    if (!fast_applicable(ctx) || !(name = fast_domain_name(ctx))) {
        return LB_OCF_HANDOVER;
    }
    rc = lb_vrpc_open(uri, left == LONG_MAX ? 30000 : left, &c);
    if (rc == -ETIMEDOUT) {
        /* A hung daemon: the full agent could only wait for the same answer. */
        lb_exit_reason("libvirt daemon at %s did not answer within the monitor timeout", uri);
        rc = LB_OCF_ERR_GENERIC;
    } else if (rc < 0) {
        rc = LB_OCF_HANDOVER;
    } else {
        rc = fast_query(ctx, c, name);
    }
    lb_vrpc_close(c);
    free(name);
    return rc;
}

static const struct lb_action fast_actions[] = {
    {.name = "monitor", .fn = fast_monitor},
    {.name = "status", .fn = fast_monitor},
    {.name = NULL},
};

static const struct lb_agent fast_agent = {
    .name = VD_NAME,
    .params = vd_params,
    .actions = fast_actions,
};

int
main(int argc, char **argv)
{
    return lb_ocf_fast_main(&fast_agent, argc, argv);
}
