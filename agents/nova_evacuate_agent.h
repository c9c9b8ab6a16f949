/*
 * ocf:lifeboat:NovaEvacuate: what the agent (NovaEvacuate.c) and its engine
 * (nova_evacuate_engine.c, the same binary run as "NovaEvacuate engine")
 * share: where the engine's pidfile and state file are, and the entry point.
 *
 * The agent hands the engine its configuration, password included, as one
 * JSON object on the engine's stdin (a pipe), never in argv or the
 * environment. The engine reports in its state file (mode 600):
 *   pid=PID  state=starting|retrying|ready|fatal  heartbeat=EPOCH  reason=TEXT
 */
#ifndef LIFEBOAT_NOVA_EVACUATE_AGENT_H
#define LIFEBOAT_NOVA_EVACUATE_AGENT_H

#include <stddef.h>

#define NE_CONFIG_MAX      65536 /* bytes of configuration on the engine's stdin */
#define NE_HEARTBEAT_MAX_S 180   /* monitor fails when the engine is silent this long */

/** The engine's pidfile and state file for resource @instance (buffers of @len bytes). */
void ne_paths(const char *instance, char *pidfile, char *statefile, size_t len);

/** Run the engine (reads its configuration from stdin). Returns an OCF exit code. */
int ne_engine_main(void);

#endif
