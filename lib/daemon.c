/*
 * lifeboat daemon: double fork into a new session, exec failures reported back
 * through a close-on-exec pipe; what a PID runs; access checks as a user.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeboat/daemon.h"
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

/* The intermediate child: new session, fork the daemon, report its PID. */
static void
spawn_middle(const char *const argv[], int wfd)
{
    pid_t pid;
    int err;

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
    if (chdir("/") < 0) {
        _exit(127);
    }
    execv(argv[0], (char *const *)argv);
    err = errno;
    if (write(wfd, &err, sizeof(err)) < 0) {
        _exit(127);
    }
    _exit(127);
}

int
lb_daemon_spawn(const char *const argv[], pid_t *pid)
{
    int p[2], status, err = 0, got;
    pid_t mid, daemon_pid = 0;

    *pid = 0;
    if (argv == NULL || argv[0] == NULL) {
        return -EINVAL;
    }
    if (pipe2(p, O_CLOEXEC) < 0) {
        return -errno;
    }
    mid = fork();
    if (mid < 0) {
        err = errno;
        close(p[0]);
        close(p[1]);
        return -err;
    }
    if (mid == 0) {
        close(p[0]);
        spawn_middle(argv, p[1]);
    }
    close(p[1]);
    while (waitpid(mid, &status, 0) < 0 && errno == EINTR) {
    }
    /* First the daemon's PID (or a negative errno from fork), then, only if exec failed, its errno.
     */
    got = (int)read(p[0], &daemon_pid, sizeof(daemon_pid));
    if (got != (int)sizeof(daemon_pid)) {
        close(p[0]);
        return -EIO;
    }
    if (daemon_pid < 0) {
        close(p[0]);
        return (int)daemon_pid;
    }
    while ((got = (int)read(p[0], &err, sizeof(err))) < 0 && errno == EINTR) {
    }
    close(p[0]);
    if (got == (int)sizeof(err)) {
        return -err;
    }
    *pid = daemon_pid;
    return 0;
}

int
lb_pid_comm(pid_t pid, char *buf, size_t len)
{
    char path[64];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
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
