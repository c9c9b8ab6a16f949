/*
 * lifeboat RabbitMQ: what the rabbitmq-cluster agent reads and judges, kept
 * free of I/O so it can be unit tested: the cluster view from the management
 * API (GET /api/nodes) or from `rabbitmqctl cluster_status --formatter json`,
 * the partition verdict, Erlang atom lists (nodes_running_at_shutdown,
 * enabled_plugins), rabbitmq-env.conf assignments, `set_policy` arguments,
 * credentials files and boot failures in the server's output.
 */
#ifndef LIFEBOAT_RABBITMQ_H
#define LIFEBOAT_RABBITMQ_H

#include <stdbool.h>
#include <stddef.h>

/* One cluster member as one node sees it. */
struct lb_rmq_member {
    char *name;        /* "rabbit@host" */
    bool running;      /* in that node's running_db_nodes */
    char **partitions; /* nodes it reports being partitioned from (NULL-terminated) */
    long os_pid;       /* its OS PID when reported, else 0 */
};

/* A node's view of its cluster: every member (disc and RAM nodes). */
struct lb_rmq_view {
    struct lb_rmq_member *v;
    size_t n;
};

/** Parse the JSON array of GET /api/nodes (name, running, partitions, os_pid) into @view. */
int lb_rmq_view_from_api(const char *json, struct lb_rmq_view *view);

/** Parse `rabbitmqctl cluster_status --formatter json` output into @view. */
int lb_rmq_view_from_ctl(const char *json, struct lb_rmq_view *view);

/** The member named @name, or NULL. */
const struct lb_rmq_member *lb_rmq_view_find(const struct lb_rmq_view *view, const char *name);

/** How many members are running in @view. */
size_t lb_rmq_view_running(const struct lb_rmq_view *view);

/** Free the contents of @view. */
void lb_rmq_view_free(struct lb_rmq_view *view);

/* What a view says about one node. */
enum lb_rmq_verdict {
    LB_RMQ_HEALTHY,  /* listed, running, not partitioned */
    LB_RMQ_MAJORITY, /* partitioned, and its side wins: it keeps running */
    LB_RMQ_MINORITY, /* partitioned, and its side yields: it must restart to heal */
    LB_RMQ_ABSENT,   /* not a member */
    LB_RMQ_STOPPED,  /* a member, but not running */
};

/**
 * Judge node @self from its own @view. When it reports partitions, its side
 * is itself plus the running members it is not partitioned from; the other
 * side is what it is partitioned from. The bigger side wins; on a tie, the
 * side holding the smallest node name (strcmp) wins, so that both sides
 * agree. @why (may be NULL) receives a one-line explanation.
 */
enum lb_rmq_verdict lb_rmq_judge(const struct lb_rmq_view *view, const char *self, char *why,
                                 size_t len);

/**
 * The atoms of the first Erlang list in @text, e.g. "[rabbit@a,'rabbit@b']."
 * or "{[rabbit@a],[rabbit@a]}." (NULL-terminated, quotes removed; free with
 * lb_strv_free or lb_argv_free). NULL when @text holds no list or on error.
 */
char **lb_rmq_atom_list(const char *text);

/** True when enabled_plugins text @text lists @plugin. */
bool lb_rmq_plugin_enabled(const char *text, const char *plugin);

/**
 * The value of @name (e.g. "NODENAME") in rabbitmq-env.conf text @text,
 * assigned as NAME=value or RABBITMQ_NAME=value (quotes removed; the last
 * assignment wins). Returns 0, -ENOENT when unassigned, -ENAMETOOLONG.
 */
int lb_rmq_env_value(const char *text, const char *name, char *buf, size_t len);

/* The arguments of `rabbitmqctl set_policy`. */
struct lb_rmq_policy {
    char *vhost; /* "/" unless --vhost/-p */
    char *name, *pattern;
    char *definition; /* a JSON object */
    char *apply_to;   /* NULL unless --apply-to */
    long priority;
    bool has_priority;
};

/**
 * Parse set_policy arguments "[--vhost V|-p V] [--priority N] [--apply-to A]
 * NAME PATTERN DEFINITION", split on blanks like the shell agent does (the
 * definition may span several words, which are joined with one space). The
 * definition must be a JSON object. Returns 0, or -EINVAL with @err set.
 */
int lb_rmq_policy_parse(const char *args, struct lb_rmq_policy *p, char *err, size_t len);

/** The JSON body of PUT /api/policies/VHOST/NAME for @p (malloc'd), or NULL. */
char *lb_rmq_policy_body(const struct lb_rmq_policy *p);

/** Free the contents of @p. */
void lb_rmq_policy_free(struct lb_rmq_policy *p);

/**
 * Split credentials text "USER:PASSWORD" (first line; the password may hold
 * colons) into @user and @pass. Returns 0, or -EINVAL when there is no colon
 * or the user is empty, -ENAMETOOLONG when a part does not fit.
 */
int lb_rmq_credentials(const char *text, char *user, size_t ulen, char *pass, size_t plen);

/**
 * Find why a boot failed in the server's output @text: the "Error during
 * startup" term, else the "Kernel pid terminated" line, into @why (one line,
 * at most @len). Returns true when one was found.
 */
bool lb_rmq_boot_error(const char *text, char *why, size_t len);

/** True when @text reports that the node's view of its cluster is not shared by its peers. */
bool lb_rmq_inconsistent(const char *text);

#endif
