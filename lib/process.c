/*
 * lifeboat processes by PID, from /proc. A daemon that double-forked is a
 * child of init, which reaps it late: kill(pid, 0) succeeds on its zombie, so
 * liveness looks at the process state instead.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifeboat/ocf.h"
#include "lifeboat/process.h"

int
lb_process_pidfile(const char *path, pid_t *pid)
{
    char line[64], *end;
    FILE *f = fopen(path, "re");
    long v;

    if (!f) {
        return -errno;
    }
    if (!fgets(line, sizeof(line), f)) {
        fclose(f);
        return -EINVAL;
    }
    fclose(f);
    errno = 0;
    v = strtol(line, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') {
        end++;
    }
    if (errno || end == line || *end || v < 1 || v > INT_MAX) {
        return -EINVAL;
    }
    *pid = (pid_t)v;
    return 0;
}

/*
 * /proc/PID/stat of @pid into @buf ("PID (comm) S PPID ..."). Returns the
 * text after the last ')' (comm may hold blanks and parentheses), or NULL
 * with *@err set to -errno (-ESRCH when no such process).
 */
static const char *
lb_process_stat_fields(pid_t pid, char *buf, size_t len, int *err)
{
    char path[64];
    const char *paren;
    FILE *f;
    size_t n;

    if (pid < 1) {
        *err = -EINVAL;
        return NULL;
    }
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    f = fopen(path, "re");
    if (!f) {
        *err = errno == ENOENT ? -ESRCH : -errno;
        return NULL;
    }
    n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    paren = strrchr(buf, ')');
    *err = paren ? 0 : -EINVAL;
    return paren;
}

/* State letter and parent of @pid from /proc/PID/stat. Returns 0 or -errno. */
static int
lb_process_stat(pid_t pid, char *state, pid_t *ppid)
{
    char buf[1024];
    const char *p;
    int err, pp;

    if (!(p = lb_process_stat_fields(pid, buf, sizeof(buf), &err))) {
        return err;
    }
    if (sscanf(p + 1, " %c %d", state, &pp) != 2) {
        return -EINVAL;
    }
    *ppid = (pid_t)pp;
    return 0;
}

bool
lb_process_alive(pid_t pid)
{
    char state;
    pid_t ppid;

    if (pid < 1 || (kill(pid, 0) < 0 && errno == ESRCH)) {
        return false;
    }
    if (lb_process_stat(pid, &state, &ppid) < 0) {
        return false;
    }
    return state != 'Z' && state != 'X' && state != 'x';
}

int
lb_process_wait_exit(pid_t pid, long timeout_ms)
{
    long long until = lb_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

    while (lb_process_alive(pid)) {
        long long left = until - lb_now_ms();

        if (left <= 0) {
            return -ETIMEDOUT;
        }
        lb_sleep_ms(left < 50 ? (long)left : 50);
    }
    return 0;
}

pid_t
lb_process_parent(pid_t pid)
{
    char state;
    pid_t ppid;

    return lb_process_stat(pid, &state, &ppid) == 0 ? ppid : -1;
}

int
lb_process_children(pid_t parent, pid_t *out, size_t max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    if (!d) {
        return -errno;
    }
    while ((e = readdir(d)) != NULL) {
        char state;
        pid_t pid, ppid;

        if (!isdigit((unsigned char)e->d_name[0])) {
            continue;
        }
        pid = (pid_t)atoi(e->d_name);
        if (lb_process_stat(pid, &state, &ppid) < 0 || ppid != parent || state == 'Z' ||
            state == 'X') {
            continue;
        }
        if ((size_t)n < max) {
            out[n] = pid;
        }
        n++;
    }
    closedir(d);
    return n;
}

int
lb_process_exe(pid_t pid, char *buf, size_t len)
{
    static const char deleted[] = " (deleted)";
    char path[64];
    ssize_t n;
    size_t dl = sizeof(deleted) - 1;

    if (pid < 1 || len < 2) {
        return -EINVAL;
    }
    snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
    n = readlink(path, buf, len - 1);
    if (n < 0) {
        return errno == ENOENT ? -ESRCH : -errno;
    }
    if ((size_t)n == len - 1) {
        return -ENAMETOOLONG;
    }
    buf[n] = '\0';
    if ((size_t)n > dl && !strcmp(buf + n - dl, deleted)) {
        buf[n - dl] = '\0';
    }
    return 0;
}

int
lb_process_starttime(pid_t pid, unsigned long long *ticks)
{
    char buf[1024];
    const char *p;
    int err;

    if (!(p = lb_process_stat_fields(pid, buf, sizeof(buf), &err))) {
        return err;
    }
    /* the blank before field 3 (state), ..., the blank before field 22 (starttime) */
    for (int field = 3; p && field <= 22; field++) {
        p = strchr(p + 1, ' ');
    }
    if (!p || sscanf(p + 1, "%llu", ticks) != 1) {
        return -EINVAL;
    }
    return 0;
}

int
lb_process_comm(pid_t pid, char *buf, size_t len)
{
    char path[64];
    ssize_t n;
    int fd;

    if (pid < 1 || len < 2) {
        return -EINVAL;
    }
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? -ESRCH : -errno;
    }
    n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0) {
        return -EIO;
    }
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

int
lb_process_getenv(pid_t pid, const char *name, char *buf, size_t len)
{
    char path[64], *env = NULL;
    size_t n = 0, cap = 0, nl = strlen(name);
    int rc = -ENOENT;
    FILE *f;

    if (pid < 1 || nl == 0 || len == 0) {
        return -EINVAL;
    }
    snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
    if (!(f = fopen(path, "re"))) {
        return errno == ENOENT ? -ESRCH : -errno;
    }
    for (;;) { /* environ can be long: read it whole */
        if (n + 4096 + 1 > cap) {
            char *p = realloc(env, n + 65536);

            if (!p) {
                rc = -ENOMEM;
                break;
            }
            env = p;
            cap = n + 65536;
        }
        n += fread(env + n, 1, cap - n - 1, f);
        if (feof(f) || ferror(f)) {
            break;
        }
    }
    fclose(f);
    for (size_t i = 0; rc == -ENOENT && env && i < n; i += strnlen(env + i, n - i) + 1) {
        size_t el = strnlen(env + i, n - i);

        if (el > nl && env[i + nl] == '=' && !strncmp(env + i, name, nl)) {
            rc = el - nl - 1 < len ? 0 : -ENAMETOOLONG;
            snprintf(buf, len, "%.*s", (int)(el - nl - 1), env + i + nl + 1);
        }
    }
    free(env);
    return rc;
}
