/*
 * lifeboat logging, following Pacemaker's conventions: HA_LOGFACILITY (syslog
 * facility or "none"), HA_LOGFILE, HA_DEBUGLOG, HA_debug, HA_LOGTAG; stderr too
 * when stderr is a terminal.
 */
#ifndef LIFEBOAT_LOG_H
#define LIFEBOAT_LOG_H

#include <stdbool.h>
#include <syslog.h>

/** Set up logging for @tag (agent name) and @instance; reads HA_* variables. */
void lb_log_init(const char *tag, const char *instance);

/** Log at a syslog @prio (LOG_ERR ... LOG_DEBUG). */
void lb_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** True when debug messages are wanted (HA_debug set and not 0/false). */
bool lb_log_debug_enabled(void);

/** Release log resources (closes files and syslog). */
void lb_log_close(void);

#define lb_err(...)   lb_log(LOG_ERR, __VA_ARGS__)
#define lb_warn(...)  lb_log(LOG_WARNING, __VA_ARGS__)
#define lb_info(...)  lb_log(LOG_INFO, __VA_ARGS__)
#define lb_debug(...) lb_log(LOG_DEBUG, __VA_ARGS__)

#endif
