/*
 * lifeboat promotion: the promotion score of a promotable clone instance,
 * the transient node attribute "master-<resource>" that `crm_attribute
 * --promotion` (crm_master) sets, written through attrd without a fork.
 */
#ifndef LIFEBOAT_PROMOTION_H
#define LIFEBOAT_PROMOTION_H

/** @instance ("galera:2") without its clone suffix ":N", as a new string. */
char *lb_instance_base(const char *instance);

/** Name of the promotion-score attribute of @instance ("master-galera"), as a new string. */
char *lb_promotion_attr(const char *instance);

/** Set the promotion score of @instance on @node (NULL: local node). Returns 0 or -errno. */
int lb_promotion_set(const char *instance, const char *node, long score);

/** Delete the promotion score of @instance on @node (NULL: local node). Returns 0 or -errno. */
int lb_promotion_clear(const char *instance, const char *node);

/** Read the promotion score of @instance on @node (NULL: local); -ENXIO when unset. */
int lb_promotion_get(const char *instance, const char *node, long *score);

#endif
