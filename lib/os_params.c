/*
 * lifeboat OpenStack parameters: see include/lifeboat/os_params.h.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lifeboat/os_params.h"

const char *const lb_os_endpoint_types[] = {"internalURL", "publicURL", "adminURL", "internal",
                                            "public",      "admin",     NULL};

static const char *
lb_os_nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

int
lb_os_params_validate(const struct lb_ctx *ctx)
{
    const char *url = lb_param_str(ctx, "auth_url");
    const char *cacert = lb_os_nonempty(lb_param_str(ctx, "cacert"));

    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
        lb_exit_reason("auth_url must be an http:// or https:// URL (not '%.200s')",
                       url ? url : "");
        return LB_OCF_ERR_CONFIGURED;
    }
    if (cacert && access(cacert, R_OK) < 0) {
        lb_exit_reason("cacert %.200s cannot be read: %s", cacert, strerror(errno));
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

void
lb_os_params_auth(const struct lb_ctx *ctx, struct lb_os_auth *a)
{
    a->auth_url = lb_param_str(ctx, "auth_url");
    a->username = lb_param_str(ctx, "username");
    a->password = lb_param_str(ctx, "password");
    a->user_domain = lb_param_str(ctx, "user_domain");
    a->project = lb_param_str(ctx, "tenant_name");
    a->project_domain = lb_param_str(ctx, "project_domain");
    a->region = lb_os_nonempty(lb_param_str(ctx, "region_name"));
    a->interface = lb_param_str(ctx, "endpoint_type");
    a->http.cacert = lb_os_nonempty(lb_param_str(ctx, "cacert"));
    a->http.insecure = lb_param_bool(ctx, "insecure");
}
