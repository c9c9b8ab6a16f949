/*
 * lifeboat Nova compute services and evacuations: find a host's nova-compute
 * service, enable it and clear (or set) forced_down -- by service UUID from
 * microversion 2.53, by host before it -- and count the evacuations from a
 * host that are still running. Built on lifeboat/openstack.h.
 */
#ifndef LIFEBOAT_NOVA_SERVICE_H
#define LIFEBOAT_NOVA_SERVICE_H

#include <jansson.h>
#include <stdbool.h>

#include "lifeboat/openstack.h"

/* One nova-compute service, as GET /os-services reports it. */
struct lb_nova_service {
    char id[64];    /* UUID from 2.53, the integer id before */
    char host[256]; /* Nova's host name */
    bool up;        /* state "up": reporting, and not forced down */
    bool enabled;   /* status "enabled" */
    bool forced_down;
    char disabled_reason[256];
    char updated_at[64];
};

/** Fill @svc from one element of the "services" list. Returns 0, or -EPROTO if it has no host. */
int lb_nova_service_parse(json_t *obj, struct lb_nova_service *svc);

/**
 * The nova-compute service of @host. Returns 0, -ENXIO when Nova has none for
 * @host, or the error of the call (with @err).
 */
int lb_nova_service_get(struct lb_os *s, const char *host, struct lb_nova_service *svc,
                        struct lb_os_err *err);

/** Set the service's status to "enabled" (nothing is sent when it is enabled already). */
int lb_nova_service_enable(struct lb_os *s, const struct lb_nova_service *svc,
                           struct lb_os_err *err);

/**
 * Set or clear forced_down (needs microversion 2.11; -ENOTSUP before). Nova
 * refuses to clear it (HTTP 400, -EINVAL) while evacuations from the host are
 * "done" but not yet cleaned up by the host's restarted nova-compute.
 */
int lb_nova_service_force_down(struct lb_os *s, const struct lb_nova_service *svc, bool down,
                               struct lb_os_err *err);

/** True for a migration status of an evacuation that has not finished yet. */
bool lb_nova_migration_running(const char *status);

/**
 * How many evacuations from @host are still running (accepted, pre-migrating,
 * migrating...: anything but done, completed, failed, error, cancelled).
 * Returns the count, or a negative errno with @err.
 */
int lb_nova_evacuations_running(struct lb_os *s, const char *host, struct lb_os_err *err);

#endif
