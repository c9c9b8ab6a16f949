/*
 * lifeboat subprocesses: argv only (never a shell), a timeout, captured output,
 * every other descriptor closed, secrets passed on stdin.
 */
#ifndef LIFEBOAT_PROC_H
#define LIFEBOAT_PROC_H

#include <signal.h>
#include <stddef.h>

/* Process group of the child lb_proc_run() is waiting for (0: none); the OCF
   watchdog kills it before exiting. */
extern volatile sig_atomic_t lb_proc_active_pgid;

struct lb_proc_result {
    int status;    /* exit code, or 128+signal */
    int timed_out; /* 1 when killed because the timeout expired */
    char *out;     /* captured stdout (NUL-terminated, truncated at limit) */
    char *err;     /* captured stderr (same) */
};

/**
 * Run @argv (argv[0] is a path or a name looked up in PATH) with @stdin_data on
 * its stdin (may be NULL), killing its process group after @timeout_ms (<= 0: no
 * limit). @envp is the child's environment (NULL: inherit). Returns 0 when the
 * child ran (see res->status), -errno when it could not be started.
 */
int lb_proc_run(const char *const argv[], const char *const envp[], const char *stdin_data,
                long timeout_ms, struct lb_proc_result *res);

/** Free the buffers of @res. */
void lb_proc_result_free(struct lb_proc_result *res);

/** Split @s on blanks into a NULL-terminated argv (no quoting, no shell); free with lb_argv_free.
 */
char **lb_argv_split(const char *s);

/** Free a vector returned by lb_argv_split(). */
void lb_argv_free(char **argv);

/**
 * A copy of this process's environment without the variables whose names
 * start with one of @drop (NULL-terminated prefixes, may be NULL), plus the
 * "NAME=value" entries of @set (NULL-terminated, may be NULL), which replace
 * variables of the same name. For a child that must not see the agent's
 * parameters (OCF_RESKEY_password). Free with lb_argv_free(); NULL if out of
 * memory.
 */
char **lb_env_filter(const char *const drop[], const char *const set[]);

#endif
