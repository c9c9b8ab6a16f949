/*
 * lifeboat processes by PID: pidfiles, liveness that is not fooled by zombies
 * (init reaps orphans late), waiting for an exit, parents, children,
 * executables and command names, all read from /proc.
 */
#ifndef LIFEBOAT_PROCESS_H
#define LIFEBOAT_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/**
 * Read a PID from the first line of the file @path into @pid. Returns 0,
 * -ENOENT when the file does not exist, -EINVAL when it holds no PID (empty,
 * junk, or a number < 1), or another -errno.
 */
int lb_process_pidfile(const char *path, pid_t *pid);

/** True when process @pid exists and is neither a zombie nor dead. */
bool lb_process_alive(pid_t pid);

/**
 * Wait until process @pid is gone (or a zombie), polling, for at most
 * @timeout_ms (<= 0: check once). Returns 0 when gone, -ETIMEDOUT otherwise.
 */
int lb_process_wait_exit(pid_t pid, long timeout_ms);

/** Parent PID of process @pid, or -1 when it cannot be read. */
pid_t lb_process_parent(pid_t pid);

/**
 * Store up to @max live children of process @parent in @out. Returns how many
 * there are (which may exceed @max), or -errno when /proc cannot be read.
 */
int lb_process_children(pid_t parent, pid_t *out, size_t max);

/**
 * Path of the executable process @pid runs, into @buf of @len bytes, without
 * the " (deleted)" mark the kernel adds once the file is replaced (a package
 * upgrade). Returns 0 or -errno (-ESRCH when no such process).
 */
int lb_process_exe(pid_t pid, char *buf, size_t len);

/**
 * Start time of process @pid (clock ticks after boot, field 22 of
 * /proc/PID/stat) into *@ticks: with the PID, it names one process for good,
 * whatever PID reuse. Returns 0 or -errno (-ESRCH when no such process).
 */
int lb_process_starttime(pid_t pid, unsigned long long *ticks);

/**
 * Command name of process @pid (/proc/PID/comm, at most 15 characters) into
 * @buf of @len bytes. Returns 0 or -errno (-ESRCH when no such process).
 */
int lb_process_comm(pid_t pid, char *buf, size_t len);

/**
 * The value of environment variable @name of process @pid (as it was at
 * exec, /proc/PID/environ) into @buf. Returns 0, -ENOENT when it has no such
 * variable, -ESRCH when no such process, -ENAMETOOLONG, or another -errno.
 */
int lb_process_getenv(pid_t pid, const char *name, char *buf, size_t len);

#endif
