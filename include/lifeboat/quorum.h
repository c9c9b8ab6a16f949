/*
 * lifeboat quorum: whether this node's partition has quorum, from corosync's
 * quorum service (libquorum), with change tracking for a main loop. An agent
 * that acts on other nodes' behalf (evacuating a fenced host's servers) asks
 * before every such action, so a partition without quorum does nothing.
 */
#ifndef LIFEBOAT_QUORUM_H
#define LIFEBOAT_QUORUM_H

#include <stdbool.h>

struct lb_quorum;

/* Called from lb_quorum_dispatch() when the partition gains or loses quorum. */
typedef void (*lb_quorum_fn)(bool quorate, void *data);

/**
 * Connect to corosync's quorum service and track changes (@fn may be NULL).
 * Returns 0 with *@out set, or -errno (-ENOTCONN when corosync does not run).
 */
int lb_quorum_open(lb_quorum_fn fn, void *data, struct lb_quorum **out);

/** Descriptor to poll for changes (readable: call lb_quorum_dispatch()), or -1. */
int lb_quorum_fd(const struct lb_quorum *q);

/** Handle pending notifications. Returns 0, or -errno when the connection is lost. */
int lb_quorum_dispatch(struct lb_quorum *q);

/**
 * Ask corosync now: 1 when the partition has quorum (or no quorum provider is
 * configured), 0 when it has not, -errno when corosync cannot be asked.
 */
int lb_quorum_quorate(struct lb_quorum *q);

/** Disconnect (NULL is fine). */
void lb_quorum_close(struct lb_quorum *q);

/** The negative errno for a corosync cs_error_t value (1 = CS_OK gives 0). */
int lb_quorum_errno(int cs_error);

#endif
