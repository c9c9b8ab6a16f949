/*
 * lifeboat vrpc: a minimal client of libvirt's remote RPC protocol, for the
 * monitor hot path. It answers "what state is domain X in" over the daemon's
 * unix or TCP socket without loading libvirt.so (whose 60 bind-now libraries
 * cost more CPU than the whole query). It speaks only what it needs: auth
 * "none", connect, lookup by name, get state, get info. Anything else (TLS,
 * SSH, SASL, polkit, an unexpected reply) is reported as unsupported so the
 * caller falls back to the real libvirt client.
 */
#ifndef LIFEBOAT_VRPC_H
#define LIFEBOAT_VRPC_H

struct lb_vrpc;

/* Domain states, as libvirt's virDomainState. */
enum lb_vrpc_state {
    LB_VRPC_NOSTATE = 0,
    LB_VRPC_RUNNING = 1,
    LB_VRPC_BLOCKED = 2,
    LB_VRPC_PAUSED = 3,
    LB_VRPC_SHUTDOWN = 4,
    LB_VRPC_SHUTOFF = 5,
    LB_VRPC_CRASHED = 6,
    LB_VRPC_PMSUSPENDED = 7,
};

/**
 * Connect to the daemon behind @uri within @timeout_ms. Returns 0 and sets *out,
 * -EPROTONOSUPPORT when the URI, transport or authentication is one this client
 * does not speak, or another negative errno.
 */
int lb_vrpc_open(const char *uri, long timeout_ms, struct lb_vrpc **out);

/** State of domain @name: 0, -ENOENT when there is no such domain, or -errno. */
int lb_vrpc_domain_state(struct lb_vrpc *c, const char *name, int *state);

/** vCPU count and maximum memory (KiB) of domain @name: 0, -ENOENT, or -errno. */
int lb_vrpc_domain_info(struct lb_vrpc *c, const char *name, unsigned *nvcpu,
                        unsigned long long *maxmem_kib);

/** The daemon's message for the last error, or a description of the failure. */
const char *lb_vrpc_errmsg(const struct lb_vrpc *c);

/** Close the connection and free @c (NULL is fine). */
void lb_vrpc_close(struct lb_vrpc *c);

/** OCF view of a domain state: 0 running, 7 not running, -1 no state (ask again). */
int lb_vrpc_state_ocf(int state);

#endif
