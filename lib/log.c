/*
 * lifeboat logging with Pacemaker's conventions:
 *   HA_LOGFACILITY  syslog facility ("none" or empty: no syslog)
 *   HA_LOGFILE      file that receives every message but debug
 *   HA_DEBUGLOG     file that also receives debug messages
 *   HA_debug        debug messages wanted when set and not 0/false
 *   HA_LOGTAG       tag; default "AGENT(INSTANCE)"
 * When stderr is a terminal, messages go there instead (as the shell agents do).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syslog.h>
#include <time.h>
#include <unistd.h>

#include "lifeboat/log.h"

static struct {
    char tag[128];
    bool debug;
    bool to_stderr;
    bool to_syslog;
    const char *logfile;
    const char *debuglog;
} lb_log_cfg;

static const struct {
    const char *name;
    int facility;
} lb_facilities[] = {
    {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"local0", LOG_LOCAL0},
    {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
    {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
    {"local7", LOG_LOCAL7}, {"syslog", LOG_SYSLOG}, {"authpriv", LOG_AUTHPRIV},
};

static const char *
lb_log_env(const char *name)
{
    const char *v = getenv(name);

    return (v && *v) ? v : NULL;
}

/* The syslog facility named by HA_LOGFACILITY, or -1 for none. */
static int
lb_log_facility(const char *name)
{
    if (!name || !strcasecmp(name, "none")) {
        return -1;
    }
    for (size_t i = 0; i < sizeof(lb_facilities) / sizeof(lb_facilities[0]); i++) {
        if (!strcasecmp(name, lb_facilities[i].name)) {
            return lb_facilities[i].facility;
        }
    }
    return LOG_DAEMON;
}

void
lb_log_init(const char *tag, const char *instance)
{
    const char *dbg = lb_log_env("HA_debug");
    const char *logtag = lb_log_env("HA_LOGTAG");
    int facility = lb_log_facility(lb_log_env("HA_LOGFACILITY"));

    if (logtag) {
        snprintf(lb_log_cfg.tag, sizeof(lb_log_cfg.tag), "%s", logtag);
    } else if (instance && *instance) {
        snprintf(lb_log_cfg.tag, sizeof(lb_log_cfg.tag), "%s(%s)", tag, instance);
    } else {
        snprintf(lb_log_cfg.tag, sizeof(lb_log_cfg.tag), "%s", tag);
    }
    lb_log_cfg.debug = dbg && strcmp(dbg, "0") && strcasecmp(dbg, "false") && strcasecmp(dbg, "no");
    lb_log_cfg.to_stderr = isatty(STDERR_FILENO);
    lb_log_cfg.logfile = lb_log_env("HA_LOGFILE");
    lb_log_cfg.debuglog = lb_log_env("HA_DEBUGLOG");
    lb_log_cfg.to_syslog = !lb_log_cfg.to_stderr && facility >= 0;
    if (lb_log_cfg.to_syslog) {
        openlog(lb_log_cfg.tag, LOG_PID | LOG_NDELAY, facility);
    }
}

bool
lb_log_debug_enabled(void)
{
    return lb_log_cfg.debug;
}

static const char *
lb_log_level_name(int prio)
{
    switch (prio) {
    case LOG_EMERG:
    case LOG_ALERT:
    case LOG_CRIT:
    case LOG_ERR:
        return "ERROR";
    case LOG_WARNING:
        return "WARNING";
    case LOG_NOTICE:
        return "notice";
    case LOG_INFO:
        return "INFO";
    default:
        return "DEBUG";
    }
}

static void
lb_log_append(const char *path, int prio, const char *msg)
{
    char stamp[64];
    time_t now = time(NULL);
    struct tm tm;
    FILE *f = fopen(path, "ae");

    if (!f) {
        return;
    }
    strftime(stamp, sizeof(stamp), "%b %d %T", localtime_r(&now, &tm));
    fprintf(f, "%s %s[%d]: %s: %s\n", stamp, lb_log_cfg.tag, (int)getpid(), lb_log_level_name(prio),
            msg);
    fclose(f);
}

void
lb_log(int prio, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    bool is_debug = prio >= LOG_DEBUG;

    if (is_debug && !lb_log_cfg.debug) {
        return;
    }
    if (!lb_log_cfg.tag[0]) {
        lb_log_init("lifeboat", NULL);
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (lb_log_cfg.to_stderr) {
        fprintf(stderr, "%s: %s: %s\n", lb_log_cfg.tag, lb_log_level_name(prio), msg);
        return;
    }
    if (lb_log_cfg.to_syslog) {
        syslog(prio, "%s: %s", lb_log_level_name(prio), msg);
    }
    if (lb_log_cfg.logfile && !is_debug) {
        lb_log_append(lb_log_cfg.logfile, prio, msg);
    }
    /* Once only when both name the same file, as ocf-shellfuncs' ha_log does. */
    if (lb_log_cfg.debuglog &&
        (is_debug || !lb_log_cfg.logfile || strcmp(lb_log_cfg.debuglog, lb_log_cfg.logfile))) {
        lb_log_append(lb_log_cfg.debuglog, prio, msg);
    }
}

void
lb_log_close(void)
{
    if (lb_log_cfg.to_syslog) {
        closelog();
        lb_log_cfg.to_syslog = false;
    }
}
