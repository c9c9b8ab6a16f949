/*
 * lifeboat nodes: the cluster's nodes as the CIB shows them to this partition
 * (online, unclean, remote) and whether the partition has quorum; read through
 * libcib without forking crm_mon or crm_node. Honours CIB_file.
 */
#ifndef LIFEBOAT_NODES_H
#define LIFEBOAT_NODES_H

#include <stdbool.h>
#include <stddef.h>

/* One node. */
struct lb_node {
    char *name;
    bool remote;  /* a Pacemaker Remote or guest node, not a cluster member */
    bool online;  /* in this partition's membership, controller up and joined */
    bool unclean; /* lost without a clean shutdown or fencing: it would be fenced */
};

/* Every node the CIB knows (configuration and status), and the quorum flag. */
struct lb_nodes {
    struct lb_node *v;
    size_t n;
    bool quorate; /* this partition has quorum (have-quorum of the CIB) */
};

/** Read the node list and quorum from the CIB into @nodes. Returns 0 or -errno. */
int lb_nodes_read(struct lb_nodes *nodes);

/** The entry of node @name, or NULL. */
const struct lb_node *lb_nodes_find(const struct lb_nodes *nodes, const char *name);

/** Free the contents of @nodes. */
void lb_nodes_free(struct lb_nodes *nodes);

#endif
