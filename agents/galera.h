/* ocf:lifeboat:galera: what the front (galera_fast.c) and the full agent (galera.c) share. */
#ifndef LIFEBOAT_AGENT_GALERA_H
#define LIFEBOAT_AGENT_GALERA_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lifeboat/ocf.h"
#include "lifeboat/wsrep.h"

#define GALERA_NAME "galera"

extern const struct lb_param galera_params[];

/* What the server answered. */
struct galera_probe {
    int rc; /* lb_mariadb_rc */
    char err[512];
    struct lb_wsrep_status st;
    char sst_method[32]; /* wsrep_sst_method, read only for a donor */
    bool donor_ok;       /* AVAILABLE_WHEN_DONOR=1 in the clustercheck file */
};

/** PID of the running server (from the pid file), 0 if none; a stale pid file is removed. */
pid_t galera_server_pid(const struct lb_ctx *ctx);

/** Connect (at most @timeout_ms) with the check credentials and read the wsrep status into @p. */
void galera_query(const struct lb_ctx *ctx, struct galera_probe *p, long timeout_ms);

/**
 * What @p says about the running server @pid as an OCF code: promoted (8),
 * degraded (191: a blocking donor, not synced), failed for the monitor's role
 * (9, or 1 for an Unpromoted monitor), or not configured (6: access denied).
 * Anything but 8 comes with a sentence in @why.
 */
int galera_health(const struct lb_ctx *ctx, const struct galera_probe *p, pid_t pid,
                  const char *node, char *why, size_t len);

/** OCF_RESKEY_CRM_meta_role of a recurring monitor ("Promoted", "Unpromoted"), or "". */
const char *galera_meta_role(void);

#endif
