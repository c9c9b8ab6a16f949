/*
 * lifeboat daemon: start a long-running service detached from the agent,
 * create its directories and check access as the service's user. (PID files, liveness, waiting and
 * what a PID runs are in lifeboat/process.h.)
 */
#ifndef LIFEBOAT_DAEMON_H
#define LIFEBOAT_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/**
 * Start @argv (argv[0] is a path) as a daemon: a new session, stdin, stdout
 * and stderr on /dev/null, every other descriptor closed, default signal
 * handling, and not a child of the caller (so the agent may exit). *@pid is
 * the daemon's PID. Returns 0, or -errno (e.g. the errno of a failed exec).
 */
int lb_daemon_spawn(const char *const argv[], pid_t *pid);

/* How lb_daemon_spawn_opts() starts a daemon (every field may be NULL). */
struct lb_daemon_opts {
    const char *const *envp; /* the daemon's whole environment; NULL: inherit ours */
    const char *user;        /* run as this user, with its uid, gid and groups */
    const char *dir;         /* working directory; NULL: "/" */
    const char *output;      /* stdout and stderr appended to this file (created 0640, as
                                @user); NULL: /dev/null */
};

/**
 * lb_daemon_spawn() with @opts. On failure, *@failed (when not NULL) names
 * the step that failed: "user" (unknown user, or setuid), "dir", "output",
 * "exec" or "fork".
 */
int lb_daemon_spawn_opts(const char *const argv[], const struct lb_daemon_opts *opts, pid_t *pid,
                         const char **failed);

/**
 * mkdir -p @dir (mode 0755): every component it creates is logged and given
 * to @uid:@gid ((uid_t)-1 and (gid_t)-1: left to the caller's). Returns 0 or
 * -errno.
 */
int lb_daemon_mkdirs(const char *dir, uid_t uid, gid_t gid);

/**
 * Check access(@path, @mode) as @user (with the user's groups), in a child
 * process. Returns 0, -errno of access(), or -ESRCH when @user is unknown.
 */
int lb_access_as(const char *user, const char *path, int mode);

#endif
