/*
 * lifeboat fence-agent runtime: options, metadata, logging and dispatch with
 * the rules of fence-agents' fencing.py, so that a C agent is a drop-in for a
 * Python one (same option spellings, defaults, messages and exit codes).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lifeboat/fence.h"
#include "lifeboat/meta.h"
#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"

#define LB_FENCE_STDIN_MAX   (1024 * 1024) /* more than any device configuration */
#define LB_FENCE_MAX_OPTS    96
#define LB_FENCE_SCRIPT_MS   30000L /* password script time limit */
#define LB_FENCE_MIN_POLL_MS 200L
#define LB_FENCE_MAX_SECONDS (366L * 24 * 3600) /* longer is no limit at all */

/* ------------------------------------------------------------ option tables */

/* The options fencing.py adds to every agent ("default"), in metadata order. */
static const struct lb_fence_opt lb_fence_std_head[] = {
    {.name = "action",
     .short_opt = 'o',
     .long_opt = "action",
     .arg = "[action]",
     .dflt = "reboot",
     .required = true,
     .shortdesc = "Fencing action"},
    {.name = NULL},
};

static const struct lb_fence_opt lb_fence_std_login[] = {
    {.name = "username",
     .obsoletes = "login",
     .short_opt = 'l',
     .long_opt = "username",
     .arg = "[name]",
     .shortdesc = "Login name"},
    {.name = "password",
     .obsoletes = "passwd",
     .short_opt = 'p',
     .long_opt = "password",
     .arg = "[password]",
     .secret = true,
     .shortdesc = "Login password or passphrase"},
    {.name = "password_script",
     .obsoletes = "passwd_script",
     .short_opt = 'S',
     .long_opt = "password-script",
     .arg = "[script]",
     .shortdesc = "Script to run to retrieve password"},
    {.name = NULL},
};

static const struct lb_fence_opt lb_fence_std_plug[] = {
    {.name = "plug",
     .obsoletes = "port",
     .short_opt = 'n',
     .long_opt = "plug",
     .arg = "[id]",
     .required = true,
     .shortdesc = "Physical plug number on device, UUID or identification of machine"},
    {.name = NULL},
};

static const struct lb_fence_opt lb_fence_std_separator[] = {
    {.name = "separator",
     .short_opt = 'C',
     .long_opt = "separator",
     .arg = "[char]",
     .dflt = ",",
     .shortdesc = "Separator for CSV created by 'list' operation"},
    {.name = NULL},
};

static const struct lb_fence_opt lb_fence_std_tail[] = {
    {.name = "quiet",
     .short_opt = 'q',
     .long_opt = "quiet",
     .type = LB_FOPT_FLAG,
     .shortdesc = "Disable logging to stderr. Does not affect --verbose or --debug-file or "
                  "logging to syslog."},
    {.name = "verbose",
     .short_opt = 'v',
     .long_opt = "verbose",
     .type = LB_FOPT_FLAG,
     .shortdesc = "Verbose mode. Multiple -v flags can be stacked on the command line "
                  "(e.g., -vvv) to increase verbosity."},
    {.name = "verbose_level",
     .long_opt = "verbose-level",
     .arg = "[level]",
     .type = LB_FOPT_INTEGER,
     .shortdesc = "Level of debugging detail in output. Defaults to the number of --verbose "
                  "flags specified on the command line, or to 1 if verbose=1 in a stonith "
                  "device configuration (i.e., on stdin)."},
    {.name = "debug_file",
     .obsoletes = "debug",
     .short_opt = 'D',
     .long_opt = "debug-file",
     .arg = "[debugfile]",
     .shortdesc = "Write debug information to given file"},
    {.name = "version",
     .short_opt = 'V',
     .long_opt = "version",
     .type = LB_FOPT_FLAG,
     .shortdesc = "Display version information and exit"},
    {.name = "help",
     .short_opt = 'h',
     .long_opt = "help",
     .type = LB_FOPT_FLAG,
     .shortdesc = "Display help and exit"},
    {.name = "plug_separator",
     .long_opt = "plug-separator",
     .arg = "[char]",
     .dflt = ",",
     .shortdesc = "Separator for plug parameter when specifying more than 1 plug"},
    {.name = "delay",
     .long_opt = "delay",
     .arg = "[seconds]",
     .type = LB_FOPT_SECOND,
     .dflt = "0",
     .shortdesc = "Wait X seconds before fencing is started"},
    {.name = "disable_timeout",
     .long_opt = "disable-timeout",
     .arg = "[true/false]",
     .shortdesc = "Disable timeout (true/false) (default: true when run from Pacemaker 2.0+)"},
    {.name = "login_timeout",
     .long_opt = "login-timeout",
     .arg = "[seconds]",
     .type = LB_FOPT_SECOND,
     .dflt = "5",
     .shortdesc = "Wait X seconds for cmd prompt after login"},
    {.name = "power_timeout",
     .long_opt = "power-timeout",
     .arg = "[seconds]",
     .type = LB_FOPT_SECOND,
     .dflt = "20",
     .shortdesc = "Test X seconds for status change after ON/OFF"},
    {.name = "power_wait",
     .long_opt = "power-wait",
     .arg = "[seconds]",
     .type = LB_FOPT_SECOND,
     .dflt = "0",
     .shortdesc = "Wait X seconds after issuing ON/OFF"},
    {.name = "shell_timeout",
     .long_opt = "shell-timeout",
     .arg = "[seconds]",
     .type = LB_FOPT_SECOND,
     .dflt = "3",
     .shortdesc = "Wait X seconds for cmd prompt after issuing command"},
    {.name = "stonith_status_sleep",
     .long_opt = "stonith-status-sleep",
     .arg = "[seconds]",
     .type = LB_FOPT_SECOND,
     .dflt = "1",
     .shortdesc = "Sleep X seconds between status calls during a STONITH action"},
    {.name = "retry_on",
     .long_opt = "retry-on",
     .arg = "[attempts]",
     .type = LB_FOPT_INTEGER,
     .dflt = "1",
     .shortdesc = "Count of attempts to retry power on"},
    {.name = NULL},
};

struct lb_fence {
    const struct lb_fence_agent *agent;
    const struct lb_fence_opt *opts[LB_FENCE_MAX_OPTS];
    const char *dflts[LB_FENCE_MAX_OPTS];
    char *vals[LB_FENCE_MAX_OPTS]; /* NULL: not given */
    int n;
    int verbose;    /* -v count */
    char *nodename; /* Pacemaker's nodename= on stdin */
    char *action;   /* lower-cased, aliases resolved */
    void *data;
};

/* ------------------------------------------------------------ logging */

static struct {
    bool quiet;
    bool verbose;
    FILE *debug;
} lb_fence_logcfg;

static const char *
lb_fence_level(int prio)
{
    if (prio <= LOG_ERR) {
        return "ERROR";
    }
    if (prio == LOG_WARNING) {
        return "WARNING";
    }
    return prio >= LOG_DEBUG ? "DEBUG" : "INFO";
}

/* "2024-01-02 03:04:05,678 LEVEL: message", as fencing.py's LOG_FORMAT. */
static void
lb_fence_log_line(FILE *out, int prio, const char *msg)
{
    struct timeval tv;
    struct tm tm;
    char stamp[32];

    gettimeofday(&tv, NULL);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime_r(&tv.tv_sec, &tm));
    fprintf(out, "%s,%03ld %s: %s\n", stamp, (long)(tv.tv_usec / 1000), lb_fence_level(prio), msg);
    fflush(out);
}

void
lb_fence_log(int prio, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!lb_fence_logcfg.quiet && (prio < LOG_DEBUG || lb_fence_logcfg.verbose)) {
        lb_fence_log_line(stderr, prio, msg);
    }
    if (lb_fence_logcfg.debug) {
        lb_fence_log_line(lb_fence_logcfg.debug, prio, msg);
    }
    if (!isatty(STDERR_FILENO)) {
        lb_log(prio, "%s", msg); /* syslog and HA_LOGFILE; on a terminal it would repeat */
    }
}

const char *
lb_fence_ec_str(int ec)
{
    switch (ec) {
    case LB_FENCE_EC_LOGIN_DENIED:
        return "Unable to connect/login to fencing device";
    case LB_FENCE_EC_CONNECTION_LOST:
        return "Connection lost";
    case LB_FENCE_EC_TIMED_OUT:
        return "Connection timed out";
    case LB_FENCE_EC_WAITING_ON:
        return "Failed: Timed out waiting to power ON";
    case LB_FENCE_EC_WAITING_OFF:
        return "Failed: Timed out waiting to power OFF";
    case LB_FENCE_EC_STATUS:
        return "Failed: Unable to obtain correct plug status or plug is not available";
    case LB_FENCE_EC_STATUS_HMC:
        return "Failed: Either unable to obtain correct plug status, partition is not "
               "available or incorrect HMC version used";
    case LB_FENCE_EC_PASSWORD_MISSING:
        return "Failed: You have to set login password";
    case LB_FENCE_EC_INVALID_PRIVILEGES:
        return "Failed: The user does not have the correct privileges to do the requested "
               "action.";
    case LB_FENCE_EC_FETCH_VM_UUID:
        return "Failed: Can not find VM UUID by its VM name given in the <plug> parameter.";
    case LB_FENCE_EC_BAD_ARGS:
        return "Failed: Invalid arguments";
    default:
        return "Failed";
    }
}

/* ------------------------------------------------------------ option set */

/* Equal names, with '-' and '_' the same character (fencing.py accepts both). */
static bool
lb_fence_name_eq(const char *a, const char *b)
{
    if (!a || !b) {
        return false;
    }
    for (; *a && *b; a++, b++) {
        char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;

        if (ca != cb) {
            return false;
        }
    }
    return *a == *b;
}

static bool
lb_fence_opt_matches(const struct lb_fence_opt *o, const char *name)
{
    if (lb_fence_name_eq(o->name, name) || lb_fence_name_eq(o->obsoletes, name) ||
        lb_fence_name_eq(o->long_opt, name)) {
        return true;
    }
    for (int i = 0; o->aliases && o->aliases[i]; i++) {
        if (lb_fence_name_eq(o->aliases[i], name)) {
            return true;
        }
    }
    return false;
}

static int
lb_fence_find(const struct lb_fence *f, const char *name)
{
    for (int i = 0; i < f->n; i++) {
        if (lb_fence_opt_matches(f->opts[i], name)) {
            return i;
        }
    }
    return -1;
}

static void
lb_fence_add_table(struct lb_fence *f, const struct lb_fence_opt *table)
{
    for (const struct lb_fence_opt *o = table; o && o->name; o++) {
        if (f->n < LB_FENCE_MAX_OPTS && lb_fence_find(f, o->name) < 0) {
            f->dflts[f->n] = o->dflt;
            f->opts[f->n++] = o;
        }
    }
}

/* The whole option list in metadata order: action, login, plug, the agent's, the rest. */
static void
lb_fence_build(struct lb_fence *f, const struct lb_fence_agent *agent)
{
    lb_fence_add_table(f, lb_fence_std_head);
    if (agent->flags & LB_FENCE_LOGIN) {
        lb_fence_add_table(f, lb_fence_std_login);
    }
    if (agent->flags & LB_FENCE_PLUG) {
        lb_fence_add_table(f, lb_fence_std_plug);
    }
    lb_fence_add_table(f, agent->opts);
    if (agent->flags & LB_FENCE_PLUG) {
        lb_fence_add_table(f, lb_fence_std_separator);
    }
    lb_fence_add_table(f, lb_fence_std_tail);
    if (agent->flags & LB_FENCE_FABRIC) {
        f->dflts[lb_fence_find(f, "action")] = "off";
    }
    for (int i = 0; agent->defaults && agent->defaults[i] && agent->defaults[i + 1]; i += 2) {
        int k = lb_fence_find(f, agent->defaults[i]);

        if (k >= 0) {
            f->dflts[k] = agent->defaults[i + 1];
        }
    }
}

struct lb_fence *
lb_fence_new(const struct lb_fence_agent *agent)
{
    struct lb_fence *f = calloc(1, sizeof(*f));

    if (f) {
        f->agent = agent;
        lb_fence_build(f, agent);
    }
    return f;
}

static void
lb_fence_wipe(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
    }
}

void
lb_fence_free(struct lb_fence *f)
{
    if (!f) {
        return;
    }
    for (int i = 0; i < f->n; i++) {
        if (f->opts[i]->secret) {
            lb_fence_wipe(f->vals[i]);
        }
        free(f->vals[i]);
    }
    free(f->nodename);
    free(f->action);
    free(f);
}

const struct lb_fence_agent *
lb_fence_agent_of(const struct lb_fence *f)
{
    return f->agent;
}

const char *
lb_fence_opt(const struct lb_fence *f, const char *name)
{
    int i = lb_fence_find(f, name);

    if (i < 0) {
        return NULL;
    }
    return f->vals[i] ? f->vals[i] : f->dflts[i];
}

bool
lb_fence_opt_is_set(const struct lb_fence *f, const char *name)
{
    int i = lb_fence_find(f, name);

    return i >= 0 && f->vals[i] != NULL;
}

static bool
lb_fence_true(const char *v)
{
    return v && (!strcasecmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
                 !strcasecmp(v, "true"));
}

static bool
lb_fence_false(const char *v)
{
    return v && (!strcasecmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
                 !strcasecmp(v, "false"));
}

bool
lb_fence_opt_bool(const struct lb_fence *f, const char *name)
{
    return lb_fence_true(lb_fence_opt(f, name));
}

/* A decimal integer with optional blanks and sign, as Python's int() takes it. */
static bool
lb_fence_parse_int(const char *s, long *out)
{
    char buf[64];
    size_t n;

    if (!s) {
        return false;
    }
    while (isspace((unsigned char)*s)) {
        s++;
    }
    n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) {
        n--;
    }
    if (n == 0 || n >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return lb_parse_long(buf, out);
}

long
lb_fence_opt_int(const struct lb_fence *f, const char *name, long fallback)
{
    long v;

    return lb_fence_parse_int(lb_fence_opt(f, name), &v) ? v : fallback;
}

long
lb_fence_opt_ms(const struct lb_fence *f, const char *name, long fallback_ms)
{
    long s = lb_fence_opt_int(f, name, 0);

    if (s <= 0) {
        return fallback_ms;
    }
    return s < LB_FENCE_MAX_SECONDS ? s * 1000 : LB_FENCE_MAX_SECONDS * 1000L;
}

static int
lb_fence_set_index(struct lb_fence *f, int i, const char *value)
{
    char *copy = value ? strdup(value) : NULL;

    if (value && !copy) {
        return -ENOMEM;
    }
    if (f->opts[i]->secret) {
        lb_fence_wipe(f->vals[i]);
    }
    free(f->vals[i]);
    f->vals[i] = copy;
    return 0;
}

int
lb_fence_opt_set(struct lb_fence *f, const char *name, const char *value)
{
    int i = lb_fence_find(f, name);

    return i < 0 ? -ENOENT : lb_fence_set_index(f, i, value);
}

const char *
lb_fence_action(const struct lb_fence *f)
{
    return f->action ? f->action : lb_fence_opt(f, "action");
}

const char *
lb_fence_plug(const struct lb_fence *f)
{
    const char *plug = lb_fence_opt(f, "plug");

    if (plug && *plug) {
        return plug;
    }
    return f->nodename && *f->nodename ? f->nodename : NULL;
}

void *
lb_fence_data(const struct lb_fence *f)
{
    return f->data;
}

void
lb_fence_set_data(struct lb_fence *f, void *data)
{
    f->data = data;
}

/* ------------------------------------------------------------ stdin */

/* @s with control characters replaced and cut to fit @out, for messages. */
static const char *
lb_fence_printable(const char *s, char *out, size_t len)
{
    size_t i;

    for (i = 0; s[i] && i + 1 < len; i++) {
        out[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
    }
    out[i] = '\0';
    return out;
}

/* Store @value for option @i as given on stdin: flags become "1"/"0". */
static void
lb_fence_stdin_value(struct lb_fence *f, int i, const char *value)
{
    const struct lb_fence_opt *o = f->opts[i];

    if (o->type != LB_FOPT_FLAG) {
        lb_fence_set_index(f, i, value);
    } else if (lb_fence_true(value)) {
        lb_fence_set_index(f, i, "1");
    } else if (lb_fence_false(value)) {
        lb_fence_set_index(f, i, "0");
    } else {
        lb_fence_log(LOG_WARNING,
                     "Parse error: Ignoring option '%s' because it does not have value", o->name);
    }
}

/* One stripped, non-comment line "name=value" (a line without '=' has an empty value). */
static void
lb_fence_stdin_line(struct lb_fence *f, char *line)
{
    char *eq = strchr(line, '='), *value = eq ? eq + 1 : line + strlen(line);
    size_t vlen;
    char shown[80];
    int i;

    if (eq) {
        *eq = '\0';
    }
    vlen = strlen(value);
    if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
        value[vlen - 1] = '\0';
        value++;
    }
    i = lb_fence_find(f, line);
    if (i >= 0) {
        lb_fence_stdin_value(f, i, value);
    } else if (!strcmp(line, "nodename")) {
        free(f->nodename);
        f->nodename = strdup(value);
    } else {
        /* The name only: a misspelt password option must not put the password in a log. */
        lb_fence_log(LOG_WARNING, "Parse error: Ignoring unknown option '%s'",
                     lb_fence_printable(line, shown, sizeof(shown)));
    }
}

static char *
lb_fence_strip(char *s, size_t *len)
{
    while (*len && isspace((unsigned char)*s)) {
        s++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)s[*len - 1])) {
        (*len)--;
    }
    return s;
}

static void
lb_fence_stdin_lines(struct lb_fence *f, char *buf, size_t len)
{
    char *p = buf, *end = buf + len;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        char *line = lb_fence_strip(p, &n);

        if (n && line[0] != '#') {
            if (memchr(line, '\0', n)) {
                lb_fence_log(LOG_WARNING, "Parse error: Ignoring a line with a NUL byte");
            } else {
                line[n] = '\0';
                lb_fence_stdin_line(f, line);
            }
        }
        p = nl ? nl + 1 : end;
    }
}

int
lb_fence_parse_stdin(struct lb_fence *f, FILE *in)
{
    char *buf = malloc(LB_FENCE_STDIN_MAX + 1);
    size_t len = 0, n;

    if (!buf) {
        return -ENOMEM;
    }
    while (len < LB_FENCE_STDIN_MAX &&
           (n = fread(buf + len, 1, LB_FENCE_STDIN_MAX - len, in)) > 0) {
        len += n;
    }
    if (len == LB_FENCE_STDIN_MAX && fgetc(in) != EOF) {
        lb_fence_log(LOG_WARNING, "Parse error: more than %d bytes on stdin, ignoring the rest",
                     LB_FENCE_STDIN_MAX);
    }
    buf[len] = '\0';
    lb_fence_stdin_lines(f, buf, len);
    explicit_bzero(buf, len); /* it may hold a password */
    free(buf);
    return 0;
}

/* ------------------------------------------------------------ command line */

struct lb_fence_getopt {
    struct option longs[LB_FENCE_MAX_OPTS * 6 + 1];
    char *owned[LB_FENCE_MAX_OPTS * 3]; /* the other spellings, allocated here */
    char shorts[LB_FENCE_MAX_OPTS * 2 + 2];
    int nlong, nowned;
};

static bool
lb_fence_has_long(const struct lb_fence_getopt *g, const char *name)
{
    for (int i = 0; i < g->nlong; i++) {
        if (!strcmp(g->longs[i].name, name)) {
            return true;
        }
    }
    return false;
}

/* --@name, and its other spelling (auth-url and auth_url), as on stdin. */
static void
lb_fence_add_long(struct lb_fence_getopt *g, const char *name, int has_arg, int idx)
{
    char *alt;

    if (!name || lb_fence_has_long(g, name)) {
        return;
    }
    g->longs[g->nlong++] = (struct option){name, has_arg, NULL, 256 + idx};
    alt = strdup(name);
    if (!alt) {
        return;
    }
    for (char *p = alt; *p; p++) {
        *p = *p == '-' ? '_' : *p == '_' ? '-' : *p;
    }
    if (lb_fence_has_long(g, alt)) {
        free(alt);
        return;
    }
    g->owned[g->nowned++] = alt;
    g->longs[g->nlong++] = (struct option){alt, has_arg, NULL, 256 + idx};
}

static void
lb_fence_getopt_build(const struct lb_fence *f, struct lb_fence_getopt *g)
{
    size_t ns = 0;

    memset(g, 0, sizeof(*g));
    g->shorts[ns++] = ':';
    for (int i = 0; i < f->n; i++) {
        const struct lb_fence_opt *o = f->opts[i];
        int has_arg = o->type == LB_FOPT_FLAG ? no_argument : required_argument;

        if (o->short_opt) {
            g->shorts[ns++] = o->short_opt;
            if (has_arg) {
                g->shorts[ns++] = ':';
            }
        }
        if (o->long_opt) {
            lb_fence_add_long(g, o->long_opt, has_arg, i);
            lb_fence_add_long(g, o->name, has_arg, i);
            lb_fence_add_long(g, o->obsoletes, has_arg, i);
        }
    }
    g->shorts[ns] = '\0';
}

static void
lb_fence_getopt_free(struct lb_fence_getopt *g)
{
    for (int i = 0; i < g->nowned; i++) {
        free(g->owned[i]);
    }
}

static int
lb_fence_short_index(const struct lb_fence *f, int c)
{
    for (int i = 0; i < f->n; i++) {
        if (f->opts[i]->short_opt == c) {
            return i;
        }
    }
    return -1;
}

/* Overwrite a secret in argv, so that ps shows it no longer. */
static void
lb_fence_scrub(char *arg)
{
    for (volatile char *p = arg; p && *p; p++) {
        *p = 'x';
    }
}

static int
lb_fence_getopt_value(struct lb_fence *f, int i, char *arg)
{
    const struct lb_fence_opt *o = f->opts[i];

    if (o->type == LB_FOPT_FLAG) {
        if (!strcmp(o->name, "verbose")) {
            f->verbose++;
        }
        return lb_fence_set_index(f, i, "1");
    }
    if (lb_fence_set_index(f, i, arg) < 0) {
        return -ENOMEM;
    }
    if (o->secret) {
        lb_fence_scrub(arg);
    }
    return 0;
}

static void
lb_fence_getopt_error(int c, int optopt_c, const char *word)
{
    char shown[80];

    if (c == ':') {
        lb_fence_log(LOG_ERR, "Parse error: option %s requires argument",
                     lb_fence_printable(word, shown, sizeof(shown)));
    } else if (optopt_c > 0 && optopt_c < 256) {
        lb_fence_log(LOG_ERR, "Parse error: option -%c not recognized", optopt_c);
    } else {
        lb_fence_log(LOG_ERR, "Parse error: option %s not recognized",
                     lb_fence_printable(word, shown, sizeof(shown)));
    }
}

/* Run getopt_long over @argv, storing values. */
static int
lb_fence_getopt_loop(struct lb_fence *f, struct lb_fence_getopt *g, int argc, char **argv)
{
    int c;

    optind = 0; /* full re-initialisation (GNU), so this can run more than once */
    opterr = 0;
    while ((c = getopt_long(argc, argv, g->shorts, g->longs, NULL)) != -1) {
        int i = c >= 256 ? c - 256 : lb_fence_short_index(f, c);

        if (c == '?' || c == ':' || i < 0) {
            /* the word getopt stopped at: the option itself, or the one before */
            lb_fence_getopt_error(c, optopt, argv[optind - 1 > 0 ? optind - 1 : 0]);
            return -EINVAL;
        }
        if (lb_fence_getopt_value(f, i, optarg) < 0) {
            return -ENOMEM;
        }
    }
    if (optind < argc) {
        char shown[80];

        lb_fence_log(LOG_WARNING, "Unused arguments on command line: %s%s",
                     lb_fence_printable(argv[optind], shown, sizeof(shown)),
                     optind + 1 < argc ? " ..." : "");
    }
    return 0;
}

int
lb_fence_parse_argv(struct lb_fence *f, int argc, char **argv)
{
    struct lb_fence_getopt g;
    int rc;

    lb_fence_getopt_build(f, &g);
    rc = lb_fence_getopt_loop(f, &g, argc, argv);
    lb_fence_getopt_free(&g);
    if (rc == 0 && !lb_fence_opt_is_set(f, "verbose_level") && f->verbose) {
        char n[16];

        snprintf(n, sizeof(n), "%d", f->verbose);
        rc = lb_fence_opt_set(f, "verbose_level", n);
    }
    return rc;
}

/* ------------------------------------------------------------ metadata and usage */

/* "-l, --username=[name]": fencing.py's getopt "mixed" text. */
static void
lb_fence_mixed(const struct lb_fence_opt *o, char *buf, size_t len)
{
    int n = 0;

    buf[0] = '\0';
    if (o->short_opt) {
        n = snprintf(buf, len, "-%c%s", o->short_opt, o->long_opt ? ", " : "");
    }
    if (o->long_opt && n >= 0 && (size_t)n < len) {
        snprintf(buf + n, len - (size_t)n, "--%s%s%s", o->long_opt,
                 o->arg && o->type != LB_FOPT_FLAG ? "=" : "",
                 o->arg && o->type != LB_FOPT_FLAG ? o->arg : "");
    }
}

static const char *
lb_fence_content_type(enum lb_fence_opt_type t)
{
    switch (t) {
    case LB_FOPT_FLAG:
        return "boolean";
    case LB_FOPT_INTEGER:
        return "integer";
    case LB_FOPT_SECOND:
        return "second";
    case LB_FOPT_SELECT:
        return "select";
    default:
        return "string";
    }
}

static void
lb_fence_meta_content(FILE *out, const struct lb_fence_opt *o, const char *dflt)
{
    fprintf(out, "\t\t<content type=\"%s\"", lb_fence_content_type(o->type));
    if (dflt) {
        fputs(" default=\"", out);
        lb_xml_escape(out, dflt);
        fputc('"', out);
    }
    if (o->type != LB_FOPT_SELECT || !o->choices) {
        fputs(" />\n", out);
        return;
    }
    fputs(">\n", out);
    for (int i = 0; o->choices[i]; i++) {
        fputs("\t\t\t<option value=\"", out);
        lb_xml_escape(out, o->choices[i]);
        fputs("\" />\n", out);
    }
    fputs("\t\t</content>\n", out);
}

/* One <parameter>; @name is o->name or its obsolete spelling. */
static void
lb_fence_meta_param(FILE *out, const struct lb_fence_opt *o, const char *dflt, const char *name)
{
    char mixed[256];
    bool old = o->obsoletes && name == o->obsoletes;

    fputs("\t<parameter name=\"", out);
    lb_xml_escape(out, name);
    fprintf(out, "\" unique=\"0\" required=\"%d\"", o->required ? 1 : 0);
    if (old) {
        fputs(" deprecated=\"1\"", out);
    } else if (o->obsoletes) {
        fputs(" obsoletes=\"", out);
        lb_xml_escape(out, o->obsoletes);
        fputc('"', out);
    }
    fputs(">\n\t\t<getopt mixed=\"", out);
    lb_fence_mixed(o, mixed, sizeof(mixed));
    lb_xml_escape(out, mixed);
    fputs("\" />\n", out);
    lb_fence_meta_content(out, o, dflt);
    fputs("\t\t<shortdesc lang=\"en\">", out);
    lb_xml_escape(out, o->shortdesc ? o->shortdesc : o->name);
    fputs("</shortdesc>\n\t</parameter>\n", out);
}

static void
lb_fence_meta_actions(FILE *out, const struct lb_fence_agent *agent)
{
    bool fabric = agent->flags & LB_FENCE_FABRIC;

    fputs("<actions>\n", out);
    if (agent->on) {
        fprintf(out, "\t<action name=\"on\" automatic=\"%d\"/>\n", fabric ? 1 : 0);
    }
    if (agent->off) {
        fputs("\t<action name=\"off\" />\n", out);
    }
    if (agent->on && agent->off && !fabric) {
        fputs("\t<action name=\"reboot\" />\n", out);
    }
    if (agent->status) {
        fputs("\t<action name=\"status\" />\n", out);
    }
    if (agent->list) {
        fputs("\t<action name=\"list\" />\n\t<action name=\"list-status\" />\n", out);
    }
    fputs("\t<action name=\"monitor\" />\n\t<action name=\"metadata\" />\n"
          "\t<action name=\"manpage\" />\n\t<action name=\"validate-all\" />\n",
          out);
    fputs("</actions>\n", out);
}

int
lb_fence_metadata_print(const struct lb_fence_agent *agent, FILE *out)
{
    struct lb_fence *f = lb_fence_new(agent);

    if (!f) {
        return -ENOMEM;
    }
    fputs("<?xml version=\"1.0\" ?>\n<resource-agent name=\"", out);
    lb_xml_escape(out, agent->name);
    fputs("\" shortdesc=\"", out);
    lb_xml_escape(out, agent->shortdesc);
    fputs("\" >\n<longdesc>", out);
    lb_xml_escape(out, agent->longdesc ? agent->longdesc : agent->shortdesc);
    fputs("</longdesc>\n<vendor-url>", out);
    lb_xml_escape(out, agent->vendor_url ? agent->vendor_url : "");
    fputs("</vendor-url>\n<parameters>\n", out);
    for (int i = 0; i < f->n; i++) {
        if (f->opts[i]->obsoletes) {
            lb_fence_meta_param(out, f->opts[i], f->dflts[i], f->opts[i]->obsoletes);
        }
        lb_fence_meta_param(out, f->opts[i], f->dflts[i], f->opts[i]->name);
    }
    fputs("</parameters>\n", out);
    lb_fence_meta_actions(out, agent);
    fputs("</resource-agent>\n", out);
    lb_fence_free(f);
    return fflush(out) == 0 ? 0 : -errno;
}

void
lb_fence_usage_print(const struct lb_fence_agent *agent, FILE *out)
{
    struct lb_fence *f = lb_fence_new(agent);
    char mixed[256];

    fprintf(out, "Usage:\n\t%s [options]\nOptions:\n", agent->name);
    for (int i = 0; f && i < f->n; i++) {
        const struct lb_fence_opt *o = f->opts[i];

        if (!o->long_opt && !o->short_opt) {
            continue;
        }
        lb_fence_mixed(o, mixed, sizeof(mixed));
        fprintf(out, "   %-30s %s", mixed, o->shortdesc ? o->shortdesc : "");
        if (f->dflts[i] && *f->dflts[i]) {
            fprintf(out, " (default: %s)", f->dflts[i]);
        }
        fputc('\n', out);
    }
    fprintf(out, "\nWith no options, key=value lines are read from stdin (option names as in "
                 "the metadata, '-' or '_').\n");
    lb_fence_free(f);
}

void
lb_fence_list_print(struct lb_fence *f, const char *name, const char *alias,
                    enum lb_fence_power power)
{
    const char *sep = lb_fence_opt(f, "separator");

    if (!sep) {
        sep = ",";
    }
    if (strcmp(lb_fence_action(f), "list-status")) {
        printf("%s%s%s\n", name, sep, alias ? alias : "");
    } else {
        printf("%s%s%s%s%s\n", name, sep, alias ? alias : "", sep,
               power == LB_FENCE_POWER_ON    ? "ON"
               : power == LB_FENCE_POWER_OFF ? "OFF"
                                             : "UNKNOWN");
    }
}

/* ------------------------------------------------------------ validation */

static bool
lb_fence_acceptable(const struct lb_fence_agent *a, const char *action)
{
    static const char *const always[] = {"monitor", "metadata", "manpage", "validate-all", NULL};

    for (int i = 0; always[i]; i++) {
        if (!strcmp(action, always[i])) {
            return true;
        }
    }
    if (!strcmp(action, "on")) {
        return a->on != NULL;
    }
    if (!strcmp(action, "off")) {
        return a->off != NULL;
    }
    if (!strcmp(action, "reboot")) {
        return a->on && a->off; /* fabric agents take it as off, like fence_compute.py */
    }
    if (!strcmp(action, "status")) {
        return a->status != NULL;
    }
    if (!strcmp(action, "list") || !strcmp(action, "list-status")) {
        return a->list != NULL;
    }
    return false;
}

static bool
lb_fence_choice_ok(const struct lb_fence_opt *o, const char *v)
{
    for (int i = 0; o->choices && o->choices[i]; i++) {
        if (!strcasecmp(o->choices[i], v)) {
            return true;
        }
    }
    return false;
}

/* Types and choices of the given options (fencing.py's _validate_input). */
static bool
lb_fence_check_values(const struct lb_fence *f)
{
    bool ok = true;
    long v;

    for (int i = 0; i < f->n; i++) {
        const struct lb_fence_opt *o = f->opts[i];
        const char *val = f->vals[i];

        if (!val) {
            continue;
        }
        if ((o->type == LB_FOPT_INTEGER || o->type == LB_FOPT_SECOND) &&
            !lb_fence_parse_int(val, &v)) {
            lb_fence_log(LOG_ERR,
                         o->type == LB_FOPT_SECOND
                             ? "Failed: The value you have entered for --%s is not a valid time "
                               "in seconds"
                             : "Failed: The value you have entered for --%s is not a valid integer",
                         o->long_opt ? o->long_opt : o->name);
            ok = false;
        }
        if (o->type == LB_FOPT_SELECT && !lb_fence_choice_ok(o, val)) {
            lb_fence_log(LOG_ERR, "Failed: You have to enter a valid choice for --%s",
                         o->long_opt ? o->long_opt : o->name);
            ok = false;
        }
    }
    return ok;
}

static bool
lb_fence_needs_plug(const struct lb_fence *f)
{
    const char *a = lb_fence_action(f);

    return (f->agent->flags & LB_FENCE_PLUG) &&
           (!strcmp(a, "on") || !strcmp(a, "off") || !strcmp(a, "reboot") || !strcmp(a, "status"));
}

static int
lb_fence_validate(struct lb_fence *f)
{
    bool ok = lb_fence_check_values(f);

    if (lb_fence_needs_plug(f) && !lb_fence_plug(f)) {
        lb_fence_log(LOG_ERR, "Failed: You have to enter plug number or machine identification");
        ok = false;
    }
    if (ok && f->agent->validate) {
        int rc = f->agent->validate(f);

        if (rc != 0) {
            return rc;
        }
    }
    return ok ? 0 : LB_FENCE_EC_GENERIC;
}

/* ------------------------------------------------------------ before the action */

/* The password from password_script: argv split on blanks, no shell; its stdout. */
static int
lb_fence_password_script(struct lb_fence *f)
{
    const char *script = lb_fence_opt(f, "password_script");
    char **argv;
    struct lb_proc_result res;
    size_t n;
    int rc;

    if (!script || !*script) {
        return 0;
    }
    argv = lb_argv_split(script);
    if (!argv || !argv[0]) {
        lb_argv_free(argv);
        lb_fence_log(LOG_ERR, "Failed: password_script is empty");
        return LB_FENCE_EC_PASSWORD_MISSING;
    }
    rc = lb_proc_run((const char *const *)argv, NULL, NULL, LB_FENCE_SCRIPT_MS, &res);
    if (rc < 0 || res.status != 0) {
        lb_fence_log(LOG_ERR, "Failed: password script %s %s", argv[0],
                     rc < 0              ? strerror(-rc)
                     : res.timed_out     ? "timed out"
                     : res.status == 127 ? "not found"
                                         : "failed");
        if (rc == 0) {
            lb_fence_wipe(res.out);
            lb_proc_result_free(&res);
        }
        lb_argv_free(argv);
        return LB_FENCE_EC_PASSWORD_MISSING;
    }
    lb_argv_free(argv);
    n = strlen(res.out);
    while (n && isspace((unsigned char)res.out[n - 1])) {
        res.out[--n] = '\0';
    }
    rc = lb_fence_opt_set(f, "password", res.out);
    lb_fence_wipe(res.out);
    lb_proc_result_free(&res);
    return rc < 0 ? LB_FENCE_EC_GENERIC : 0;
}

/* Under pacemaker-fenced, the fencer's own timeout governs (fencing.py does the same). */
static void
lb_fence_timeouts(struct lb_fence *f)
{
    const char *svc = getenv("PCMK_service");
    const char *dis;

    if (svc && !strcmp(svc, "pacemaker-fenced") && !lb_fence_opt_is_set(f, "disable_timeout")) {
        lb_fence_opt_set(f, "disable_timeout", "1");
    }
    dis = lb_fence_opt(f, "disable_timeout");
    if (lb_fence_true(dis)) {
        lb_fence_opt_set(f, "power_timeout", "0");
        lb_fence_opt_set(f, "shell_timeout", "0");
        lb_fence_opt_set(f, "login_timeout", "0");
    }
}

/* fencing.py's run_delay: only before off and reboot. */
static void
lb_fence_delay(struct lb_fence *f, long long start_ms)
{
    const char *a = lb_fence_action(f);
    long delay = lb_fence_opt_ms(f, "delay", 0);
    long left;

    if (delay <= 0 || (strcmp(a, "off") && strcmp(a, "reboot"))) {
        return;
    }
    left = delay - (long)(lb_now_ms() - start_ms);
    if (left > 0) {
        lb_fence_log(LOG_INFO, "Delay %ld second(s) before logging in to the fence device",
                     delay / 1000);
        lb_sleep_ms(left);
    }
}

static int
lb_fence_logging(struct lb_fence *f)
{
    const char *file = lb_fence_opt(f, "debug_file");

    lb_fence_logcfg.quiet = lb_fence_opt_bool(f, "quiet");
    lb_fence_logcfg.verbose =
        lb_fence_opt_int(f, "verbose_level", 0) > 0 || lb_fence_opt_bool(f, "verbose");
    if (lb_fence_opt_is_set(f, "verbose_level") && lb_fence_opt_int(f, "verbose_level", 0) == 0) {
        lb_fence_logcfg.verbose = false;
    }
    if (file && *file) {
        lb_fence_logcfg.debug = fopen(file, "ae");
        if (!lb_fence_logcfg.debug) {
            lb_fence_log(LOG_ERR, "Failed: Unable to create file %s", file);
            return LB_FENCE_EC_GENERIC;
        }
        lb_fence_logcfg.verbose = true;
    }
    return 0;
}

static void
lb_fence_logging_end(void)
{
    if (lb_fence_logcfg.debug) {
        fclose(lb_fence_logcfg.debug);
    }
    memset(&lb_fence_logcfg, 0, sizeof(lb_fence_logcfg));
}

/* ------------------------------------------------------------ power actions */

/* Poll status until it is @want; power_timeout 0 means until the fencer gives up. */
static bool
lb_fence_wait_power(struct lb_fence *f, const char *plug, enum lb_fence_power want)
{
    long timeout = lb_fence_opt_ms(f, "power_timeout", 0);
    long sleep_ms = lb_fence_opt_ms(f, "stonith_status_sleep", 0);
    long long deadline = timeout ? lb_now_ms() + timeout : 0;

    if (sleep_ms < LB_FENCE_MIN_POLL_MS) {
        sleep_ms = LB_FENCE_MIN_POLL_MS;
    }
    for (;;) {
        enum lb_fence_power now = LB_FENCE_POWER_UNKNOWN;
        int rc = f->agent->status(f, plug, &now);

        if (rc == 0 && now == want) {
            return true;
        }
        if (deadline && lb_now_ms() + sleep_ms > deadline) {
            return false;
        }
        lb_fence_log(LOG_DEBUG, "%s is not %s yet", plug, want == LB_FENCE_POWER_ON ? "on" : "off");
        lb_sleep_ms(sleep_ms);
    }
}

/* Switch @plug on or off, then check its status (fence_action's set_multi_power_fn). */
static int
lb_fence_set(struct lb_fence *f, bool on, int attempts, bool quiet)
{
    const struct lb_fence_agent *a = f->agent;
    const char *plug = lb_fence_plug(f);
    enum lb_fence_power want = on ? LB_FENCE_POWER_ON : LB_FENCE_POWER_OFF, now;
    int rc;

    if (!(a->flags & LB_FENCE_SET_ALWAYS) && a->status) {
        rc = a->status(f, plug, &now);
        if (rc != 0) {
            return rc;
        }
        if (now == want) {
            if (!quiet) {
                printf("Success: Already %s\n", on ? "ON" : "OFF");
            }
            return 0;
        }
    }
    for (int i = 0; i < (attempts > 0 ? attempts : 1); i++) {
        rc = on ? a->on(f, plug) : a->off(f, plug);
        if (rc != 0 && rc != LB_FENCE_DONE) {
            return rc;
        }
        /* LB_FENCE_DONE: the device's own answer confirmed the new state, no need to ask */
        if (rc != LB_FENCE_DONE) {
            lb_sleep_ms(lb_fence_opt_ms(f, "power_wait", 0));
        }
        if (rc == LB_FENCE_DONE || !a->status || lb_fence_wait_power(f, plug, want)) {
            if (!quiet) {
                printf("Success: Powered %s\n", on ? "ON" : "OFF");
            }
            return 0;
        }
    }
    return on ? LB_FENCE_EC_WAITING_ON : LB_FENCE_EC_WAITING_OFF;
}

/* retry_on, within reason (fencing.py takes any integer). */
static int
lb_fence_retry_on(const struct lb_fence *f)
{
    long n = lb_fence_opt_int(f, "retry_on", 1);

    return n < 0 ? 0 : n > 100 ? 100 : (int)n;
}

static int
lb_fence_reboot(struct lb_fence *f)
{
    int rc;

    if (f->agent->flags & LB_FENCE_FABRIC) {
        /* Fabric fencing cannot power a host back on: reboot is off; Pacemaker unfences later. */
        return lb_fence_set(f, false, 1, false);
    }
    rc = lb_fence_set(f, false, 1, true);
    if (rc != 0) {
        return rc;
    }
    if (lb_fence_set(f, true, lb_fence_retry_on(f), true) != 0) {
        lb_fence_log(LOG_ERR, "Timed out waiting to power ON"); /* fenced all the same */
    }
    printf("Success: Rebooted\n");
    return 0;
}

static int
lb_fence_status(struct lb_fence *f, int *exit_code)
{
    enum lb_fence_power now = LB_FENCE_POWER_UNKNOWN;
    int rc = f->agent->status(f, lb_fence_plug(f), &now);

    if (rc != 0) {
        return rc == LB_FENCE_EC_GENERIC ? LB_FENCE_EC_STATUS : rc;
    }
    if (now != LB_FENCE_POWER_ON && now != LB_FENCE_POWER_OFF) {
        return LB_FENCE_EC_STATUS;
    }
    printf("Status: %s\n", now == LB_FENCE_POWER_ON ? "ON" : "OFF");
    *exit_code = now == LB_FENCE_POWER_OFF ? LB_FENCE_EXIT_OFF : LB_FENCE_EXIT_OK;
    return 0;
}

/* The action proper, on a connected device. */
static int
lb_fence_dispatch(struct lb_fence *f, int *exit_code)
{
    const char *a = lb_fence_action(f);

    if (!strcmp(a, "off")) {
        return lb_fence_set(f, false, 1, false);
    }
    if (!strcmp(a, "on")) {
        return lb_fence_set(f, true, 1 + lb_fence_retry_on(f), false);
    }
    if (!strcmp(a, "reboot")) {
        return lb_fence_reboot(f);
    }
    if (!strcmp(a, "status")) {
        return lb_fence_status(f, exit_code);
    }
    if (!strcmp(a, "list") || !strcmp(a, "list-status")) {
        return f->agent->list(f, !strcmp(a, "list-status"));
    }
    return f->agent->monitor ? f->agent->monitor(f) : 0; /* monitor */
}

/* ------------------------------------------------------------ main */

static char *
lb_fence_lower(const char *s)
{
    char *r = strdup(s ? s : "");

    for (char *p = r; p && *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return r;
}

/* Resolve the action's aliases: meta-data (OCF), enable/disable (fabric fencing). */
static int
lb_fence_resolve_action(struct lb_fence *f)
{
    char *a = lb_fence_lower(lb_fence_opt(f, "action"));

    if (!a) {
        return -ENOMEM;
    }
    if (!strcmp(a, "meta-data")) {
        strcpy(a, "metadata");
    } else if ((f->agent->flags & LB_FENCE_FABRIC) && !strcmp(a, "enable")) {
        strcpy(a, "on");
    } else if ((f->agent->flags & LB_FENCE_FABRIC) && !strcmp(a, "disable")) {
        strcpy(a, "off");
    }
    free(f->action);
    f->action = a;
    return 0;
}

/* help, metadata, version: answered before any check. Returns -1 when none applies. */
static int
lb_fence_docs(struct lb_fence *f)
{
    const char *a = lb_fence_action(f);

    if (lb_fence_opt_bool(f, "help")) {
        lb_fence_usage_print(f->agent, stdout);
        return LB_FENCE_EXIT_OK;
    }
    if (!strcmp(a, "metadata") || !strcmp(a, "manpage")) {
        return lb_fence_metadata_print(f->agent, stdout) == 0 ? LB_FENCE_EXIT_OK
                                                              : LB_FENCE_EXIT_ERROR;
    }
    if (lb_fence_opt_bool(f, "version")) {
        printf("%s\n", f->agent->version ? f->agent->version : PACKAGE_VERSION);
        return LB_FENCE_EXIT_OK;
    }
    return -1;
}

/* Report a failure kind the way fencing.py's fail() does; returns the exit code. */
static int
lb_fence_fail(int ec)
{
    if (ec == LB_FENCE_DONE || ec == 0) {
        return LB_FENCE_EXIT_OK;
    }
    if (ec != LB_FENCE_EC_GENERIC) {
        lb_fence_log(LOG_ERR, "%s", lb_fence_ec_str(ec));
    }
    return LB_FENCE_EXIT_ERROR;
}

/* Checks, then the device: everything after the options are read. */
static int
lb_fence_checked_run(struct lb_fence *f, long long start_ms)
{
    const char *a = lb_fence_action(f);
    int rc, exit_code = LB_FENCE_EXIT_OK;

    if (!lb_fence_acceptable(f->agent, a)) {
        char shown[80];

        lb_fence_log(LOG_ERR, "Failed: Unrecognised action '%s'",
                     lb_fence_printable(a, shown, sizeof(shown)));
        lb_fence_log(LOG_ERR, "Please use '-h' for usage");
        return LB_FENCE_EXIT_ERROR;
    }
    rc = lb_fence_validate(f);
    if (!strcmp(a, "validate-all")) {
        if (rc != 0) {
            lb_fence_log(LOG_ERR, "validate-all failed");
        }
        return rc == 0 ? LB_FENCE_EXIT_OK : LB_FENCE_EXIT_ERROR;
    }
    if (rc != 0) {
        lb_fence_log(LOG_ERR, "Please use '-h' for usage");
        return LB_FENCE_EXIT_ERROR;
    }
    rc = lb_fence_password_script(f);
    if (rc == 0) {
        lb_fence_timeouts(f);
        rc = f->agent->prepare ? f->agent->prepare(f) : 0;
    }
    if (rc != 0) {
        return lb_fence_fail(rc);
    }
    lb_fence_delay(f, start_ms);
    rc = f->agent->connect ? f->agent->connect(f) : 0;
    if (rc == 0) {
        lb_fence_log(LOG_DEBUG, "Running %s", a);
        rc = lb_fence_dispatch(f, &exit_code);
    }
    if (f->agent->disconnect) {
        f->agent->disconnect(f);
    }
    return rc == 0 ? exit_code : lb_fence_fail(rc);
}

static int
lb_fence_run(struct lb_fence *f, long long start_ms)
{
    int rc;

    if (lb_fence_resolve_action(f) < 0) {
        return LB_FENCE_EXIT_ERROR;
    }
    rc = lb_fence_docs(f);
    if (rc >= 0) {
        return rc;
    }
    if (lb_fence_logging(f) != 0) {
        return LB_FENCE_EXIT_ERROR;
    }
    rc = lb_fence_checked_run(f, start_ms);
    lb_fence_log(LOG_DEBUG, "Result for %s: %d", lb_fence_action(f), rc);
    return rc;
}

int
lb_fence_main(const struct lb_fence_agent *agent, int argc, char **argv)
{
    long long start_ms = lb_now_ms();
    struct lb_fence *f;
    int rc;

    lb_log_init(agent->name, NULL);
    f = lb_fence_new(agent);
    if (!f) {
        fprintf(stderr, "%s: out of memory\n", agent->name);
        return LB_FENCE_EXIT_ERROR;
    }
    rc = argc > 1 ? lb_fence_parse_argv(f, argc, argv) : lb_fence_parse_stdin(f, stdin);
    if (rc < 0) {
        lb_fence_log(LOG_ERR, "Please use '-h' for usage");
        rc = LB_FENCE_EXIT_ERROR;
    } else {
        rc = lb_fence_run(f, start_ms);
    }
    lb_fence_free(f);
    lb_fence_logging_end();
    lb_log_close();
    if (fflush(stdout) != 0 && rc == LB_FENCE_EXIT_OK) {
        rc = LB_FENCE_EXIT_ERROR; /* fencing.py's atexit_handler: a lost stdout is a failure */
    }
    return rc;
}
