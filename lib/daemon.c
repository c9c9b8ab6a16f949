/*
 * lifeboat daemon: double fork into a new session, exec failures reported back
 * through a close-on-exec pipe; directories and access checks for a service's
 * user.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeboat/daemon.h"
#include "lifeboat/log.h"
#include "lifeboat/ocf.h"

/* In the daemon: stdio on /dev/null, nothing else open but @keep. */
static void
daemon_fds(int keep)
{
    int null = open("/dev/null", O_RDWR);
    DIR *d;

    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO) {
            close(null);
        }
    }
    d = opendir("/proc/self/fd");
    if (d == NULL) {
        for (int fd = 3; fd < 1024; fd++) {
            if (fd != keep) {
                close(fd);
            }
        }
        return;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        int fd = atoi(e->d_name);

        if (fd > STDERR_FILENO && fd != keep && fd != dirfd(d)) {
            close(fd);
        }
    }
    closedir(d);
}

/* In the daemon: default dispositions and an empty signal mask. */
static void
daemon_signals(void)
{
    sigset_t none;

    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            signal(sig, SIG_DFL);
        }
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The target user, resolved before fork (getpwnam is not safe after it). */
struct daemon_cred {
    bool set;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    int ngroups;
};

/* A failed step, reported to the parent through the pipe. */
struct daemon_fail {
    int step; /* index into daemon_steps */
    int err;  /* errno */
};

static const char *const daemon_steps[] = {"fork", "user", "dir", "output", "exec"};
enum { STEP_FORK, STEP_USER, STEP_DIR, STEP_OUTPUT, STEP_EXEC };

static void
daemon_report(int wfd, int step, int err)
{
    struct daemon_fail f = {.step = step, .err = err};

    if (write(wfd, &f, sizeof(f)) < 0) {
        _exit(127);
    }
    _exit(127);
}

/* In the daemon: become the user, move to the directory, open the output file. */
static void
daemon_setup(const struct lb_daemon_opts *o, const struct daemon_cred *cred, int wfd)
{
    if (cred->set && (setgroups((size_t)cred->ngroups, cred->groups) < 0 || setgid(cred->gid) < 0 ||
                      setuid(cred->uid) < 0)) {
        daemon_report(wfd, STEP_USER, errno);
    }
    if (chdir(o && o->dir ? o->dir : "/") < 0) {
        daemon_report(wfd, STEP_DIR, errno);
    }
    if (o && o->output) {
        int fd = open(o->output, O_WRONLY | O_CREAT | O_APPEND | O_NOCTTY, 0640);

        if (fd < 0) {
            daemon_report(wfd, STEP_OUTPUT, errno);
        }
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO) {
            close(fd);
        }
    }
}

/* The intermediate child: new session, fork the daemon, report its PID. */
static void
spawn_middle(const char *const argv[], const struct lb_daemon_opts *o,
             const struct daemon_cred *cred, int wfd)
{
    pid_t pid;

    setsid();
    pid = fork();
    if (pid < 0) {
        pid_t neg = -errno;

        if (write(wfd, &neg, sizeof(neg)) < 0) {
            _exit(1);
        }
        _exit(1);
    }
    if (pid > 0) {
        int ignored = write(wfd, &pid, sizeof(pid)) == (ssize_t)sizeof(pid);

        _exit(ignored ? 0 : 1);
    }
    setpgid(0, 0); /* its own process group: stopping it can take its children along */
    daemon_signals();
    daemon_fds(wfd);
    daemon_setup(o, cred, wfd);
    if (o && o->envp) {
        execve(argv[0], (char *const *)argv, (char *const *)o->envp);
    } else {
        execv(argv[0], (char *const *)argv);
    }
    daemon_report(wfd, STEP_EXEC, errno);
}

/* Resolve @user (uid, gid, supplementary groups) into @cred. */
static int
daemon_cred_get(const char *user, struct daemon_cred *cred)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    int n = 32;

    memset(cred, 0, sizeof(*cred));
    if (!user) {
        return 0;
    }
    if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || !res) {
        return -ESRCH;
    }
    for (;;) {
        gid_t *g = realloc(cred->groups, (size_t)n * sizeof(*g));
        int got = n;

        if (!g) {
            return -ENOMEM;
        }
        cred->groups = g;
        if (getgrouplist(pw.pw_name, pw.pw_gid, g, &got) >= 0) {
            cred->ngroups = got;
            break;
        }
        if (got <= n) {
            return -EIO;
        }
        n = got;
    }
    cred->set = true;
    cred->uid = pw.pw_uid;
    cred->gid = pw.pw_gid;
    return 0;
}

/* Read the daemon's PID, then (only on failure) what failed, from the pipe. */
static int
spawn_result(int rfd, pid_t *pid, const char **failed)
{
    struct daemon_fail f;
    pid_t daemon_pid = 0;
    int got;

    got = (int)read(rfd, &daemon_pid, sizeof(daemon_pid));
    if (got != (int)sizeof(daemon_pid)) {
        *failed = daemon_steps[STEP_FORK];
        return -EIO;
    }
    if (daemon_pid < 0) {
        *failed = daemon_steps[STEP_FORK];
        return (int)daemon_pid;
    }
    while ((got = (int)read(rfd, &f, sizeof(f))) < 0 && errno == EINTR) {
    }
    if (got == (int)sizeof(f)) {
        *failed = daemon_steps[f.step >= 0 && f.step <= STEP_EXEC ? f.step : STEP_EXEC];
        return -f.err;
    }
    *pid = daemon_pid;
    return 0;
}

int
lb_daemon_spawn_opts(const char *const argv[], const struct lb_daemon_opts *opts, pid_t *pid,
                     const char **failed)
{
    struct daemon_cred cred;
    const char *step = NULL;
    int p[2], status, rc;
    pid_t mid;

    *pid = 0;
    if (!failed) {
        failed = &step;
    }
    *failed = NULL;
    if (argv == NULL || argv[0] == NULL) {
        return -EINVAL;
    }
    rc = daemon_cred_get(opts ? opts->user : NULL, &cred);
    if (rc < 0) {
        free(cred.groups);
        *failed = daemon_steps[STEP_USER];
        return rc;
    }
    if (pipe2(p, O_CLOEXEC) < 0) {
        rc = -errno;
        free(cred.groups);
        *failed = daemon_steps[STEP_FORK];
        return rc;
    }
    mid = fork();
    if (mid < 0) {
        rc = -errno;
        close(p[0]);
        close(p[1]);
        free(cred.groups);
        *failed = daemon_steps[STEP_FORK];
        return rc;
    }
    if (mid == 0) {
        close(p[0]);
        spawn_middle(argv, opts, &cred, p[1]);
    }
    close(p[1]);
    free(cred.groups);
    while (waitpid(mid, &status, 0) < 0 && errno == EINTR) {
    }
    rc = spawn_result(p[0], pid, failed);
    close(p[0]);
    return rc;
}

int
lb_daemon_spawn(const char *const argv[], pid_t *pid)
{
    return lb_daemon_spawn_opts(argv, NULL, pid, NULL);
}

int
lb_daemon_mkdirs(const char *dir, uid_t uid, gid_t gid)
{
    char path[PATH_MAX];

    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
        return -ENAMETOOLONG;
    }
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;

            *p = '\0';
            if (mkdir(path, 0755) == 0) {
                lb_info("Creating directory: %s", path);
                if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) {
                    return -errno;
                }
            } else if (errno != EEXIST) {
                return -errno;
            }
            *p = c;
            if (c == '\0') {
                return 0;
            }
        }
    }
}

int
lb_access_as(const char *user, const char *path, int mode)
{
    struct passwd *pw = user ? getpwnam(user) : NULL;
    pid_t pid;
    int status;

    if (pw == NULL) {
        return -ESRCH;
    }
    pid = fork();
    if (pid < 0) {
        return -errno;
    }
    if (pid == 0) {
        if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
            setuid(pw->pw_uid) < 0) {
            _exit(EPERM);
        }
        _exit(access(path, mode) < 0 ? (errno & 0xff) : 0);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    if (!WIFEXITED(status)) {
        return -EIO;
    }
    return -WEXITSTATUS(status);
}
