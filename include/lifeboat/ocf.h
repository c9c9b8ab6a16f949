/*
 * lifeboat OCF runtime: environment, exit codes, action dispatch, exit reasons.
 *
 * An agent is a table (struct lb_agent) of parameters and actions. lb_ocf_main()
 * reads the OCF environment, handles meta-data, validate-all, usage and help once
 * for every agent, validates parameters, and dispatches the requested action.
 */
#ifndef LIFEBOAT_OCF_H
#define LIFEBOAT_OCF_H

#include <stdbool.h>
#include <stddef.h>

/* OCF 1.1 exit codes. */
enum lb_rc {
    LB_OCF_SUCCESS = 0,
    LB_OCF_ERR_GENERIC = 1,
    LB_OCF_ERR_ARGS = 2,
    LB_OCF_ERR_UNIMPLEMENTED = 3,
    LB_OCF_ERR_PERM = 4,
    LB_OCF_ERR_INSTALLED = 5,
    LB_OCF_ERR_CONFIGURED = 6,
    LB_OCF_NOT_RUNNING = 7,
    LB_OCF_RUNNING_PROMOTED = 8,
    LB_OCF_FAILED_PROMOTED = 9,
    LB_OCF_DEGRADED = 190,
    LB_OCF_DEGRADED_PROMOTED = 191,
};

enum lb_param_type {
    LB_PARAM_STRING,
    LB_PARAM_BOOLEAN,
    LB_PARAM_INTEGER,
    LB_PARAM_ENUM, /* a string restricted to lb_param.values */
};

/* One agent parameter, as listed in metadata and checked by validation. */
struct lb_param {
    const char *name;
    enum lb_param_type type;
    const char *dflt; /* default value, or NULL */
    const char *shortdesc;
    const char *longdesc;
    bool required;
    bool unique;
    const char *unique_group; /* OCF 1.1 unique-group, or NULL */
    bool reloadable;
    long min, max;             /* LB_PARAM_INTEGER range, used when min < max */
    const char *const *values; /* LB_PARAM_ENUM: NULL-terminated list */
    const char *unsupported;   /* non-NULL: accepted name, but setting it fails
                                  validation with this reason */
    bool secret;               /* never logged */
};

struct lb_ctx;

typedef int (*lb_action_fn)(struct lb_ctx *ctx);

/* One agent action, as listed in metadata and dispatched by lb_ocf_main(). */
struct lb_action {
    const char *name;
    lb_action_fn fn;       /* NULL for actions handled by the runtime */
    const char *timeout;   /* metadata default, e.g. "90s" */
    const char *interval;  /* metadata default, or NULL */
    const char *role;      /* "Promoted"/"Unpromoted" or NULL */
    int depth;             /* OCF_CHECK_LEVEL for monitor entries */
    bool needs_validation; /* run the full validation before fn */
};

/* An agent: its name, descriptions and tables. */
struct lb_agent {
    const char *name;
    const char *version;
    const char *shortdesc;
    const char *longdesc;
    const struct lb_param *params;       /* terminated by {.name = NULL} */
    const struct lb_action *actions;     /* terminated by {.name = NULL} */
    int (*validate)(struct lb_ctx *ctx); /* agent-specific checks, or NULL */
};

/* The OCF environment of one invocation. */
struct lb_ctx {
    const struct lb_agent *agent;
    const char *action;
    const char *instance; /* OCF_RESOURCE_INSTANCE */
    const char *ocf_root;
    long timeout_ms;  /* OCF_RESKEY_CRM_meta_timeout, 0 if unset */
    long interval_ms; /* OCF_RESKEY_CRM_meta_interval, 0 if unset */
    int check_level;  /* OCF_CHECK_LEVEL */
    bool is_probe;    /* monitor with interval 0 */
    bool is_clone;    /* clone-max present */
    long clone_max, clone_node_max, clone;
    long promoted_max, promoted_node_max;
    const char *notify_type;      /* pre/post */
    const char *notify_operation; /* start/stop/promote/demote */
    const char *node_name;        /* OCF_RESKEY_CRM_meta_on_node */
    const char *migrate_source, *migrate_target;
    long long start_ms; /* monotonic time at start of the action */
    void *data;         /* agent private state */
};

/** Run an agent: parse env, handle generic actions, dispatch. Returns the exit code. */
int lb_ocf_main(const struct lb_agent *agent, int argc, char **argv);

/**
 * Replace this process by the agent's full implementation @name: first
 * DIR/libexec/@name next to this binary (build tree, test overlays), then
 * $(pkglibexecdir)/@name. Returns OCF_ERR_INSTALLED (with a reason) only if
 * neither can be executed.
 */
int lb_ocf_exec_full(const char *name, char **argv);

/* What a front's action returns when the full agent must decide. */
#define LB_OCF_HANDOVER (-1)

/**
 * main() of a libc-only front of agent @agent->name. When the one argument
 * names an action of @agent's table, its fn answers (with the log and a
 * context set up as lb_ocf_main() would, but no validation): an OCF exit code
 * is returned as is. Any other action, and LB_OCF_HANDOVER, replace this
 * process by the full agent (lb_ocf_exec_full), told what is left of the
 * operation's timeout. Returns an exit code only if that exec fails.
 */
int lb_ocf_fast_main(const struct lb_agent *agent, int argc, char **argv);

/** Fill @ctx from the environment for @action (also used by tests). */
void lb_ctx_init(struct lb_ctx *ctx, const struct lb_agent *agent, const char *action);

/** Value of parameter @name (OCF_RESKEY_name or its default); NULL if neither. */
const char *lb_param_str(const struct lb_ctx *ctx, const char *name);

/** True if parameter @name was set explicitly (non-empty) in the environment. */
bool lb_param_is_set(const struct lb_ctx *ctx, const char *name);

/** Boolean value of parameter @name (Pacemaker spellings); false if unset. */
bool lb_param_bool(const struct lb_ctx *ctx, const char *name);

/** Integer value of parameter @name, or @fallback if unset or invalid. */
long lb_param_int(const struct lb_ctx *ctx, const char *name, long fallback);

/** Parse a Pacemaker boolean; returns 1/0, or -1 if @s is not a boolean. */
int lb_parse_bool(const char *s);

/** Parse a decimal integer into @out; returns false on junk or overflow. */
bool lb_parse_long(const char *s, long *out);

/** Validate every parameter against the table; on error write a reason. */
int lb_params_validate(struct lb_ctx *ctx);

/** Write "ocf-exit-reason:MESSAGE" to stderr and log it. */
void lb_exit_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** How long before the operation timeout the runtime's watchdog ends the action. */
long lb_ctx_watchdog_margin_ms(const struct lb_ctx *ctx);

/** Milliseconds left of the operation timeout (minus @margin_ms); LONG_MAX if none. */
long lb_ctx_time_left_ms(const struct lb_ctx *ctx, long margin_ms);

/** Parse a Pacemaker duration ("90s", "500ms", "2min", "1h", "30") into ms; -1 if invalid. */
long lb_parse_duration_ms(const char *s);

/** Monotonic clock in milliseconds. */
long long lb_now_ms(void);

/** Sleep @ms milliseconds (restarts on EINTR). */
void lb_sleep_ms(long ms);

/** Name of an OCF exit code, e.g. "not running". */
const char *lb_rc_str(int rc);

#endif
