/* ocf:lifeboat:VirtualDomain: what the fast front and the full agent share. */
#ifndef LIFEBOAT_AGENT_VIRTUALDOMAIN_H
#define LIFEBOAT_AGENT_VIRTUALDOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "lifeboat/ocf.h"

#define VD_NAME "VirtualDomain"

extern const struct lb_param vd_params[];
extern const char *const vd_shutdown_modes[];

/* $HA_RSCTMP/lifeboat-VirtualDomain-INSTANCE.WHAT: per-instance state files. */
void vd_rsctmp_path(const struct lb_ctx *ctx, const char *what, char *buf, size_t len);

/* The domain name remembered at the last start, or NULL. */
char *vd_cached_name(const struct lb_ctx *ctx);

/* The utilization the CIB should hold, as "cpu=1;host_memory=64;..." ("attr=;": remove). */
void vd_util_want(const struct lb_ctx *ctx, unsigned ncpu, unsigned long long maxmem_kib,
                  char *want, size_t len);

/* How long a monitor trusts the cache before it checks the CIB again. */
#define VD_UTIL_RECHECK_S 600

/* True when @want was written to the CIB less than VD_UTIL_RECHECK_S ago (per the cache file). */
bool vd_util_is_cached(const struct lb_ctx *ctx, const char *want);

/* Drop the cache, so the next monitor checks the CIB (start, stop, migration). */
void vd_util_forget(const struct lb_ctx *ctx);

#endif
