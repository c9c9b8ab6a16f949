/*
 * lifeboat OpenStack parameters: the Keystone credentials and Nova endpoint
 * parameters that every agent talking to Nova shares with
 * openstack-resource-agents (auth_url, username, password, tenant_name,
 * user_domain, project_domain, domain, endpoint_type, region_name, insecure,
 * cacert), as one fragment of an agent's parameter table, and what they mean
 * for a Keystone login.
 */
#ifndef LIFEBOAT_OS_PARAMS_H
#define LIFEBOAT_OS_PARAMS_H

#include "lifeboat/ocf.h"
#include "lifeboat/openstack.h"

/* The endpoint_type values, both the v2 (internalURL) and v3 (internal) spellings. */
extern const char *const lb_os_endpoint_types[];

/* The shared entries, to put first in an agent's parameter table. */
// clang-format off
#define LB_OS_PARAMS                                                                              \
    {.name = "auth_url",                                                                          \
     .type = LB_PARAM_STRING,                                                                     \
     .required = true,                                                                            \
     .shortdesc = "Authorization URL",                                                            \
     .longdesc = "Keystone URL for connecting in admin context, e.g. "                            \
                 "http://keystone:5000/v3 (Keystone v3; /v3 is added when missing)."},            \
    {.name = "username",                                                                          \
     .type = LB_PARAM_STRING,                                                                     \
     .required = true,                                                                            \
     .shortdesc = "Username",                                                                     \
     .longdesc = "Username for connecting to Keystone in admin context."},                        \
    {.name = "password",                                                                          \
     .type = LB_PARAM_STRING,                                                                     \
     .required = true,                                                                            \
     .secret = true,                                                                              \
     .shortdesc = "Password",                                                                     \
     .longdesc = "Password for connecting to Keystone in admin context. It goes to Keystone "     \
                 "only: never into a command line, a child's environment or a log."},             \
    {.name = "tenant_name",                                                                       \
     .type = LB_PARAM_STRING,                                                                     \
     .required = true,                                                                            \
     .shortdesc = "Tenant name",                                                                  \
     .longdesc = "Tenant (project) name for connecting to Keystone in admin context. With "       \
                 "Keystone v3 project names are only unique within a domain "                     \
                 "(project_domain)."},                                                            \
    {.name = "user_domain",                                                                       \
     .type = LB_PARAM_STRING,                                                                     \
     .dflt = "Default",                                                                           \
     .shortdesc = "Keystone v3 user domain",                                                      \
     .longdesc = "Name of the Keystone domain of username."},                                     \
    {.name = "project_domain",                                                                    \
     .type = LB_PARAM_STRING,                                                                     \
     .dflt = "Default",                                                                           \
     .shortdesc = "Keystone v3 project domain",                                                   \
     .longdesc = "Name of the Keystone domain of tenant_name."},                                  \
    {.name = "domain",                                                                            \
     .type = LB_PARAM_STRING,                                                                     \
     .shortdesc = "DNS domain",                                                                   \
     .longdesc = "DNS domain in which hosts live, useful when the cluster uses short names "      \
                 "and Nova uses FQDNs: a cluster node's name, its short name, or that "           \
                 "short name in this domain is its Nova host name (the same rule as "             \
                 "fence_compute's domain)."},                                                     \
    {.name = "endpoint_type",                                                                     \
     .type = LB_PARAM_ENUM,                                                                       \
     .dflt = "internalURL",                                                                       \
     .values = lb_os_endpoint_types,                                                              \
     .shortdesc = "Nova API location (internal, public or admin URL)",                            \
     .longdesc = "Which catalog endpoint of Nova to use: internalURL, publicURL or adminURL "     \
                 "(internal, public and admin are accepted too)."},                               \
    {.name = "region_name",                                                                       \
     .type = LB_PARAM_STRING,                                                                     \
     .shortdesc = "Region name",                                                                  \
     .longdesc = "Region of the Nova endpoint in the catalog; empty: any region."},               \
    {.name = "insecure",                                                                          \
     .type = LB_PARAM_BOOLEAN,                                                                    \
     .dflt = "false",                                                                             \
     .shortdesc = "Allow insecure TLS requests",                                                  \
     .longdesc = "Explicitly allow insecure TLS (https) requests: the server's certificate "      \
                 "is not verified. Use with caution."},                                           \
    {.name = "cacert",                                                                            \
     .type = LB_PARAM_STRING,                                                                     \
     .shortdesc = "CA bundle",                                                                    \
     .longdesc = "CA certificates (PEM file) to verify Keystone and Nova with; empty: the "       \
                 "system's."}
// clang-format on

/** Check auth_url's scheme and that cacert (if set) can be read; sets the exit reason. */
int lb_os_params_validate(const struct lb_ctx *ctx);

/** Fill the login fields of @a from the LB_OS_PARAMS of @ctx (strings borrowed from @ctx). */
void lb_os_params_auth(const struct lb_ctx *ctx, struct lb_os_auth *a);

#endif
