/*
 * lifeboat node attributes across nodes, straight from the CIB (libcib, no
 * fork of cibadmin or crm_attribute): every node's value of one attribute in
 * a single query, and writes of permanent attributes (crm_attribute -l
 * forever). Honours CIB_file, where transient attributes can be written too
 * (there is no attrd for an offline CIB).
 */
#ifndef LIFEBOAT_NODEATTRS_H
#define LIFEBOAT_NODEATTRS_H

#include <stdbool.h>
#include <stddef.h>

/* One node's value of a node attribute. */
struct lb_nodeattr {
    char *node;
    char *value;
};

/**
 * Every node's value of node attribute @name, transient (status section) or
 * permanent (nodes section), from one CIB query, into *@out (*@n entries;
 * free with lb_nodeattrs_free). No node with it is an empty answer.
 * Returns 0 or -errno.
 */
int lb_nodeattrs_get(const char *name, bool transient, struct lb_nodeattr **out, size_t *n);

/** The value for @node in @v (@n entries), or NULL. */
const char *lb_nodeattrs_find(const struct lb_nodeattr *v, size_t n, const char *node);

/** Free what lb_nodeattrs_get() returned. */
void lb_nodeattrs_free(struct lb_nodeattr *v, size_t n);

/**
 * Set (@value) or delete (NULL) attribute @name of @node in the CIB:
 * permanent (nodes section, like crm_attribute -l forever), or transient
 * (status section) -- which only an offline CIB (CIB_file) accepts; a live
 * cluster's transient attributes belong to attrd (lb_attrd_update). Deleting
 * what is not there succeeds. Returns 0, -ENXIO (unknown node), -ENOTSUP, or
 * -errno.
 */
int lb_nodeattrs_set(const char *node, const char *name, const char *value, bool transient);

#endif
