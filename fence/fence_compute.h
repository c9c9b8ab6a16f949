/*
 * fence_compute: the parts that need no Nova -- the status mapping and the
 * domain handling of fence-agents' fence_compute, as pure functions.
 */
#ifndef LIFEBOAT_FENCE_COMPUTE_H
#define LIFEBOAT_FENCE_COMPUTE_H

#include <stdbool.h>
#include <stddef.h>

/* fence_compute.py's get_power_status() results. */
enum fc_state {
    FC_ON,      /* up, enabled: operational */
    FC_OFF,     /* down, disabled: fenced */
    FC_FAILED,  /* down (enabled): needs fencing */
    FC_RUNNING, /* up (disabled): needs unfencing */
    FC_UNKNOWN, /* anything else */
};

/** Map a nova-compute service's state ("up"/"down") and status ("enabled"/"disabled"). */
enum fc_state fc_service_state(const char *state, const char *status);

/** "on", "off", "failed", "running", "unknown". */
const char *fc_state_name(enum fc_state s);

/** Write the host part of @host (up to the first dot) to @out. */
void fc_short_name(const char *host, char *out, size_t len);

/* The outcome of fc_nova_host(). */
struct fc_host_result {
    char host[256];    /* the name to look up in Nova */
    char domain[256];  /* the domain in use ("" for short names) */
    bool have_domain;  /* a domain was supplied or could be calculated */
    char warning[512]; /* a supplied domain that Nova contradicts, or "" */
};

/**
 * Translate the cluster's name of a node (@plug) to Nova's, given the hosts of
 * every nova-compute service and the supplied @domain (NULL if none), as
 * fence_compute.py's fix_domain()/fix_plug_name() do: the domain is calculated
 * from Nova's host names (a supplied one that disagrees is overridden), then
 * the plug is shortened or completed with it. Besides: a plug that names a
 * Nova host exactly is taken as is, and with hosts in several domains a
 * unique match is used where the Python agent gives up.
 * Returns 0, or -1 (with @res->warning set) when several domains leave the plug ambiguous.
 */
int fc_nova_host(const char *const hosts[], size_t n, const char *plug, const char *domain,
                 struct fc_host_result *res);

#endif
