/*
 * lifeboat fence-agent runtime: the fence-agents protocol of fencing.py.
 *
 * An agent is a table (struct lb_fence_agent) of options and callbacks.
 * lb_fence_main() reads the options (key=value lines on stdin when there are
 * no arguments, getopt-style options otherwise), answers metadata, help and
 * version, validates, runs the password script, waits out the delay, and
 * dispatches on, off, reboot, status, list, list-status, monitor and
 * validate-all with fence-agents' exit codes and messages.
 */
#ifndef LIFEBOAT_FENCE_H
#define LIFEBOAT_FENCE_H

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h> /* LOG_ERR ... LOG_DEBUG for lb_fence_log() */

/* Process exit codes of a fence agent (fencing.py). */
enum lb_fence_exit {
    LB_FENCE_EXIT_OK = 0,    /* success; status: on */
    LB_FENCE_EXIT_ERROR = 1, /* every failure */
    LB_FENCE_EXIT_OFF = 2,   /* status: off */
};

/* Failure kinds (fencing.py's EC_*): each one exits 1 after its standard message. */
enum lb_fence_ec {
    LB_FENCE_EC_OK = 0,
    LB_FENCE_EC_GENERIC = 1,
    LB_FENCE_EC_BAD_ARGS = 2,
    LB_FENCE_EC_LOGIN_DENIED = 3,
    LB_FENCE_EC_CONNECTION_LOST = 4,
    LB_FENCE_EC_TIMED_OUT = 5,
    LB_FENCE_EC_WAITING_ON = 6,
    LB_FENCE_EC_WAITING_OFF = 7,
    LB_FENCE_EC_STATUS = 8,
    LB_FENCE_EC_STATUS_HMC = 9,
    LB_FENCE_EC_PASSWORD_MISSING = 10,
    LB_FENCE_EC_INVALID_PRIVILEGES = 11,
    LB_FENCE_EC_FETCH_VM_UUID = 12,
};

/* A callback's "nothing more to do": the runtime exits 0 at once. From on/off: switched, and
   the device's own answer confirmed it, so the runtime reports success without the status poll
   (power_wait, then status until power_timeout). */
#define LB_FENCE_DONE (-1)

enum lb_fence_opt_type {
    LB_FOPT_STRING,  /* takes a value */
    LB_FOPT_INTEGER, /* takes a decimal value */
    LB_FOPT_SECOND,  /* takes a decimal number of seconds */
    LB_FOPT_SELECT,  /* takes one of choices (case-insensitive) */
    LB_FOPT_FLAG,    /* boolean: no value on the command line, 1/yes/on/true on stdin */
};

/* One option, as listed in metadata and accepted on stdin and the command line. */
struct lb_fence_opt {
    const char *name;           /* metadata name, e.g. "username" */
    const char *obsoletes;      /* the older name it replaces ("login"), listed deprecated="1" */
    const char *const *aliases; /* more accepted spellings, not in metadata; NULL-terminated */
    char short_opt;             /* getopt letter, or 0 */
    const char *long_opt;       /* --long_opt; NULL: none (stdin only) */
    const char *arg;            /* "[name]" in help and getopt mixed, for value options */
    enum lb_fence_opt_type type;
    const char *dflt; /* default value, or NULL */
    bool required;
    bool secret; /* never logged, hidden from the command line once read */
    const char *shortdesc;
    const char *const *choices; /* LB_FOPT_SELECT: NULL-terminated */
};

/* Agent behaviour flags. */
enum lb_fence_flags {
    LB_FENCE_PLUG = 1 << 0,       /* plug/port options; separator for list */
    LB_FENCE_LOGIN = 1 << 1,      /* username/password/password_script options */
    LB_FENCE_FABRIC = 1 << 2,     /* fabric fencing: no reboot in metadata, default action off,
                                     on is automatic (unfencing); enable/disable mean on/off */
    LB_FENCE_SET_ALWAYS = 1 << 3, /* on/off run even when status already matches */
};

enum lb_fence_power {
    LB_FENCE_POWER_OFF = 0,
    LB_FENCE_POWER_ON = 1,
    LB_FENCE_POWER_UNKNOWN = 2, /* list-status only */
};

struct lb_fence;

/* Callbacks return 0, LB_FENCE_DONE, or an lb_fence_ec (after logging why). */
struct lb_fence_agent {
    const char *name;
    const char *version;
    const char *shortdesc;
    const char *longdesc;
    const char *vendor_url;
    unsigned flags;                      /* enum lb_fence_flags */
    const struct lb_fence_opt *opts;     /* agent options, terminated by {.name = NULL} */
    const char *const *defaults;         /* "name", "value" pairs overriding runtime defaults */
    int (*validate)(struct lb_fence *f); /* agent checks (validate-all and every action) */
    int (*prepare)(struct lb_fence *f);  /* after validation, before delay and connect */
    int (*connect)(struct lb_fence *f);  /* log in to the device */
    void (*disconnect)(struct lb_fence *f);
    int (*status)(struct lb_fence *f, const char *plug, enum lb_fence_power *power);
    int (*off)(struct lb_fence *f, const char *plug);
    int (*on)(struct lb_fence *f, const char *plug);
    int (*list)(struct lb_fence *f, bool with_status); /* calls lb_fence_list_print() */
    int (*monitor)(struct lb_fence *f);                /* NULL: connect alone answers monitor */
};

/** Run a fence agent: parse options, answer generic actions, dispatch. Returns the exit code. */
int lb_fence_main(const struct lb_fence_agent *agent, int argc, char **argv);

/** A fresh option set for @agent (for tests and lb_fence_main); free with lb_fence_free. */
struct lb_fence *lb_fence_new(const struct lb_fence_agent *agent);

/** Free @f, wiping secret values. */
void lb_fence_free(struct lb_fence *f);

/** Parse key=value lines from @in (fencing.py's stdin rules). Returns 0 (unknown keys warn). */
int lb_fence_parse_stdin(struct lb_fence *f, FILE *in);

/** Parse command-line options; secret values are overwritten in @argv. Returns 0 or -EINVAL. */
int lb_fence_parse_argv(struct lb_fence *f, int argc, char **argv);

/** Print the fence-agents metadata (metadata.rng) of @agent to @out. */
int lb_fence_metadata_print(const struct lb_fence_agent *agent, FILE *out);

/** Print the usage text of @agent to @out. */
void lb_fence_usage_print(const struct lb_fence_agent *agent, FILE *out);

/** The agent this option set belongs to. */
const struct lb_fence_agent *lb_fence_agent_of(const struct lb_fence *f);

/** Value of option @name (any accepted spelling) or its default; NULL if neither. */
const char *lb_fence_opt(const struct lb_fence *f, const char *name);

/** True if option @name was given (stdin or command line). */
bool lb_fence_opt_is_set(const struct lb_fence *f, const char *name);

/** Boolean value of option @name (1/yes/on/true, any case); false if unset. */
bool lb_fence_opt_bool(const struct lb_fence *f, const char *name);

/** Integer value of option @name, or @fallback if unset or not a number. */
long lb_fence_opt_int(const struct lb_fence *f, const char *name, long fallback);

/** A seconds option in milliseconds (at most a year), or @fallback_ms if unset or not above 0. */
long lb_fence_opt_ms(const struct lb_fence *f, const char *name, long fallback_ms);

/** Set option @name to @value (NULL: unset). Returns 0 or -ENOENT for an unknown name. */
int lb_fence_opt_set(struct lb_fence *f, const char *name, const char *value);

/** The action being run ("off", "on", "status", ...). */
const char *lb_fence_action(const struct lb_fence *f);

/** The plug to act on: plug/port, else the nodename Pacemaker passes; NULL if none. */
const char *lb_fence_plug(const struct lb_fence *f);

/** Agent private data. */
void *lb_fence_data(const struct lb_fence *f);

/** Set agent private data. */
void lb_fence_set_data(struct lb_fence *f, void *data);

/** Print one list/list-status line: name,alias[,ON|OFF|UNKNOWN] with the separator option. */
void lb_fence_list_print(struct lb_fence *f, const char *name, const char *alias,
                         enum lb_fence_power power);

/** Log @fmt at syslog @prio: stderr (unless quiet; debug only when verbose), debug file, syslog. */
void lb_fence_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** The standard message of a failure kind, e.g. "Failed: Timed out waiting to power OFF". */
const char *lb_fence_ec_str(int ec);

#endif
