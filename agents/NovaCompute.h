/*
 * ocf:lifeboat:NovaCompute -- the parts that need neither Nova nor the
 * cluster: host names, the evacuate attribute, nova.conf and file names.
 */
#ifndef LIFEBOAT_NOVACOMPUTE_H
#define LIFEBOAT_NOVACOMPUTE_H

#include <stdbool.h>
#include <stddef.h>

/* What the transient node attribute "evacuate" says about this node. */
enum nc_evac {
    NC_EVAC_NONE,    /* unset: never fenced, or already recovered */
    NC_EVAC_DONE,    /* "no": NovaEvacuate has evacuated the node */
    NC_EVAC_PENDING, /* "yes" (or anything else): evacuations pending */
};

/** Map the attribute's value (NULL when unset). */
enum nc_evac nc_evac_state(const char *value);

/** Write the host part of @host (up to the first dot) to @out. */
void nc_short_name(const char *host, char *out, size_t len);

/**
 * Whether Nova's host name @host is cluster node @node, as fence_compute and
 * NovaEvacuate map one to the other: the same short name (case aside) and,
 * with a @domain (NULL or "" for none), a Nova name in that domain when it
 * has one. On false, @why says what differs.
 */
bool nc_host_matches(const char *host, const char *node, const char *domain, char *why, size_t len);

/**
 * The files nova-compute reads, in its order: the blank-separated @config
 * list, then the *.conf files of @config_dir (may be NULL or "") in byte
 * order, as oslo.config's --config-dir. Returns 0 with a NULL-terminated
 * *@files (free with lb_argv_free), or -errno of the directory.
 */
int nc_config_files(const char *config, const char *config_dir, char ***files);

/**
 * The "host" option of [DEFAULT] in @files, the last one winning. Returns 0
 * with *@host set (free it), -ENXIO when none sets it, or -errno of an
 * unreadable file (its path in *@bad).
 */
int nc_configured_host(char *const files[], char **host, const char **bad);

/** @s as one file-name component: '/' and control characters become '_'. */
void nc_file_part(const char *s, char *out, size_t len);

#endif
