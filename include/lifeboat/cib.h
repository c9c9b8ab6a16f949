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

/** Set (value != NULL) or delete (value == NULL) utilization attribute @name of primitive @rsc. */
int lb_cib_set_utilization(const char *rsc, const char *name, const char *value);

/** Read utilization attribute @name of primitive @rsc, or -ENXIO. */
int lb_cib_utilization(const char *rsc, const char *name, char **value);

/** Set (value != NULL) or delete (NULL) transient attribute @name of @node (NULL: local) via attrd.
 */
int lb_attrd_update(const char *node, const char *name, const char *value);

/** Query transient attribute @name of @node from attrd (NULL: local node). */
int lb_attrd_query(const char *node, const char *name, char **value);

/** Name of the local cluster node (from the environment or the cluster layer). */
int lb_cib_local_node(char **name);

/** Free a NULL-terminated string vector. */
void lb_strv_free(char **v);

/** Disconnect the cached CIB connection (at exit). */
void lb_cib_close(void);

#endif
