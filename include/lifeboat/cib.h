/*
 * lifeboat CIB and attribute access through Pacemaker's libraries (libcib,
 * attrd IPC): no fork of crm_attribute, attrd_updater or cibadmin.
 * Every function honours CIB_file (offline CIB), like Pacemaker's tools.
 */
#ifndef LIFEBOAT_CIB_H
#define LIFEBOAT_CIB_H

#include <stdbool.h>

/* Return codes are 0 on success, -ENXIO when the item does not exist, and a
   negative errno otherwise. */

/** Value of node attribute @name of @node (transient "status" or permanent "nodes" section). */
int lb_cib_node_attr(const char *node, const char *name, bool transient, char **value);

/** Value of cluster property @name (crm_config), or -ENXIO. */
int lb_cib_property(const char *name, char **value);

/** Role ("Started", "Promoted", "Unpromoted", "Stopped") of resource @rsc on @node from the status
 * section. */
int lb_cib_resource_role(const char *rsc, const char *node, char **role);

/** Nodes where resource @rsc is active (NULL-terminated array; free with lb_strv_free). */
int lb_cib_resource_nodes(const char *rsc, char ***nodes);

/** Meta attribute @name of the clone holding primitive @rsc ("rsc" or "rsc:N"), or -ENXIO. */
int lb_cib_clone_meta(const char *rsc, const char *name, char **value);

/** Set (value != NULL) or delete (value == NULL) utilization attribute @name of primitive @rsc. */
int lb_cib_set_utilization(const char *rsc, const char *name, const char *value);

/** Read utilization attribute @name of primitive @rsc, or -ENXIO. */
int lb_cib_utilization(const char *rsc, const char *name, char **value);

/**
 * Set (value != NULL) or delete (NULL) transient attribute @name of @node
 * (NULL: local) via attrd. A node the CIB knows as a Pacemaker Remote or
 * guest node is flagged as one, so that attrd writes its value to the CIB.
 */
int lb_attrd_update(const char *node, const char *name, const char *value);

/** Query transient attribute @name of @node from attrd (NULL: local node). */
int lb_attrd_query(const char *node, const char *name, char **value);

/**
 * Values of transient attribute @name on every node that has one, from attrd:
 * two NULL-terminated vectors of the same length (free with lb_strv_free).
 * No node with the attribute is an empty answer, not an error.
 */
int lb_attrd_query_all(const char *name, char ***nodes, char ***values);

/* Called from the GLib main loop when a watched attribute may have changed. */
typedef void (*lb_cib_watch_fn)(void *data);

/**
 * Watch the live CIB (one watch per process): call @fn from the GLib main loop
 * whenever a change touches a transient node attribute named in @names
 * (NULL-terminated), and after a lost connection is re-established (every
 * 2 s until it is). Returns 0, -ENOTSUP for an offline CIB (CIB_file), or the
 * error of the first connection attempt (then it keeps retrying).
 */
int lb_cib_watch_start(const char *const names[], lb_cib_watch_fn fn, void *data);

/** True while the watch is connected to the CIB manager. */
bool lb_cib_watch_connected(void);

/**
 * True when a notification waits to be dispatched: a caller in a long step of
 * optional work can return to the main loop first.
 */
bool lb_cib_watch_pending(void);

/** Stop watching and disconnect. */
void lb_cib_watch_stop(void);

/**
 * True when the CIB diff @diff_xml (as in a cib_diff_notify, format 1 or 2)
 * touches a transient attribute named in @names: one is set, changed or
 * deleted, or a node's attributes are deleted as a whole. What is not
 * understood counts as touching.
 */
bool lb_cib_diff_touches(const char *diff_xml, const char *const names[]);

/** Name of the local cluster node (from the environment or the cluster layer). */
int lb_cib_local_node(char **name);

/** Free a NULL-terminated string vector. */
void lb_strv_free(char **v);

/** Disconnect the cached CIB connection (at exit). */
void lb_cib_close(void);

/* For the lib/ modules that walk CIB XML themselves (libxml2's xmlNode). */
struct _xmlNode;

/** True when @x is an element named @name (false for NULL). */
bool lb_cib_xml_is(const struct _xmlNode *x, const char *name);

/** The first child element of @x (which may be NULL) named @name, or NULL. */
struct _xmlNode *lb_cib_xml_child(const struct _xmlNode *x, const char *name);

#endif
