/*
 * lifeboat daemon: start a long-running service detached from the agent, and
 * find, watch and stop it by PID (never by name).
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

/** True if process @pid exists and is not a zombie. */
bool lb_pid_alive(pid_t pid);

/** Read the PID in pidfile @path into *@pid. Returns 0, -ENOENT, or -EINVAL (no PID in it). */
int lb_pidfile_read(const char *path, pid_t *pid);

/** Command name of process @pid (/proc/PID/comm) into @buf. Returns 0 or -errno. */
int lb_pid_comm(pid_t pid, char *buf, size_t len);

/** Wait up to @timeout_ms (polling) until @pid is gone or a zombie. True if it is. */
bool lb_pid_wait_gone(pid_t pid, long timeout_ms);

/**
 * Check access(@path, @mode) as @user (with the user's groups), in a child
 * process. Returns 0, -errno of access(), or -ESRCH when @user is unknown.
 */
int lb_access_as(const char *user, const char *path, int mode);

#endif
