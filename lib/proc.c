/*
 * lifeboat subprocesses. A child gets an argv (never a shell), its own process
 * group (so a timeout kills everything it started), /dev/null or a pipe on
 * stdin, pipes on stdout and stderr, and no other descriptor.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"

#define LB_PROC_OUT_MAX (1024 * 1024)

volatile sig_atomic_t lb_proc_active_pgid;

struct lb_buf {
    char *data;
    size_t len, cap;
};

static void
lb_buf_add(struct lb_buf *b, const char *s, size_t n)
{
    if (b->len + n > LB_PROC_OUT_MAX) {
        n = LB_PROC_OUT_MAX - b->len;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;

        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        p = realloc(b->data, cap);
        if (!p) {
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static char *
lb_buf_take(struct lb_buf *b)
{
    return b->data ? b->data : strdup("");
}

/* In the child: close every descriptor above stderr. */
static void
lb_close_others(void)
{
    long max;

    if (close_range(3, ~0U, 0) == 0) {
        return;
    }
    max = sysconf(_SC_OPEN_MAX);

    for (int fd = 3; fd < (max > 0 ? max : 1024); fd++) {
        close(fd);
    }
}

static void __attribute__((noreturn))
lb_child(const char *const argv[], const char *const envp[], int in, int out, int err)
{
    setpgid(0, 0);
    for (int s = 1; s < NSIG; s++) {
        signal(s, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
        dup2(err, STDERR_FILENO) < 0) {
        _exit(127);
    }
    lb_close_others();
    if (envp) {
        execvpe(argv[0], (char *const *)argv, (char *const *)envp);
    } else {
        execvp(argv[0], (char *const *)argv);
    }
    _exit(errno == ENOENT ? 127 : 126);
}

struct lb_io {
    int in, out, err; /* parent ends, -1 when closed */
    const char *stdin_data;
    size_t stdin_left;
    struct lb_buf obuf, ebuf;
};

static void
lb_io_read(int *fd, struct lb_buf *b)
{
    char chunk[4096];
    ssize_t n = read(*fd, chunk, sizeof(chunk));

    if (n > 0) {
        lb_buf_add(b, chunk, (size_t)n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(*fd);
        *fd = -1;
    }
}

static void
lb_io_write(struct lb_io *io)
{
    ssize_t n = write(io->in, io->stdin_data, io->stdin_left);

    if (n > 0) {
        io->stdin_data += n;
        io->stdin_left -= (size_t)n;
    }
    if (io->stdin_left == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        close(io->in);
        io->in = -1;
    }
}

/* Pump the pipes until both outputs close or the deadline passes. */
static bool
lb_io_pump(struct lb_io *io, long long deadline)
{
    while (io->out >= 0 || io->err >= 0) {
        struct pollfd pfd[3] = {
            {.fd = io->out, .events = POLLIN},
            {.fd = io->err, .events = POLLIN},
            {.fd = io->in, .events = POLLOUT},
        };
        long wait = -1;

        if (deadline > 0) {
            wait = (long)(deadline - lb_now_ms());
            if (wait <= 0) {
                return false;
            }
        }
        if (poll(pfd, 3, (int)(wait > 1000 ? 1000 : wait)) < 0 && errno != EINTR) {
            return false;
        }
        if (pfd[0].revents) {
            lb_io_read(&io->out, &io->obuf);
        }
        if (pfd[1].revents) {
            lb_io_read(&io->err, &io->ebuf);
        }
        if (pfd[2].revents) {
            lb_io_write(io);
        }
    }
    return true;
}

/* Wait for @pid; after the deadline, kill its process group. */
static int
lb_reap(pid_t pid, long long deadline, int *timed_out)
{
    int status = 0;

    for (;;) {
        pid_t r = waitpid(pid, &status, deadline > 0 ? WNOHANG : 0);

        if (r == pid) {
            break;
        }
        if (r < 0 && errno != EINTR) {
            return -1;
        }
        if (deadline > 0 && lb_now_ms() >= deadline && !*timed_out) {
            *timed_out = 1;
            kill(-pid, SIGKILL);
            deadline = 0; /* now wait without WNOHANG */
        } else if (deadline > 0) {
            lb_sleep_ms(5);
        }
    }
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

static int
lb_pipe(int fds[2])
{
    return pipe2(fds, O_CLOEXEC);
}

static void
lb_close_pair(int fds[2])
{
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
        }
    }
}

int
lb_proc_run(const char *const argv[], const char *const envp[], const char *stdin_data,
            long timeout_ms, struct lb_proc_result *res)
{
    int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
    struct lb_io io = {.stdin_data = stdin_data};
    long long deadline = timeout_ms > 0 ? lb_now_ms() + timeout_ms : 0;
    void (*old_pipe)(int);
    pid_t pid;

    memset(res, 0, sizeof(*res));
    if (!argv || !argv[0]) {
        return -EINVAL;
    }
    if (stdin_data ? lb_pipe(pin) : (pin[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        return -errno;
    }
    if (lb_pipe(pout) < 0 || lb_pipe(perr) < 0) {
        int e = errno;

        lb_close_pair(pin);
        lb_close_pair(pout);
        lb_close_pair(perr);
        return -e;
    }
    pid = fork();
    if (pid == 0) {
        lb_child(argv, envp, pin[0], pout[1], perr[1]);
    }
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    if (pid < 0) {
        int e = errno;

        lb_close_pair((int[2]){pin[1], pout[0]});
        close(perr[0]);
        return -e;
    }
    setpgid(pid, pid); /* also in the parent, to win the race with kill(-pid) */
    lb_proc_active_pgid = pid;
    io.in = pin[1];
    fcntl(io.in, F_SETFL, O_NONBLOCK); /* a blocking write could outlive the timeout */
    io.out = pout[0];
    io.err = perr[0];
    io.stdin_left = stdin_data ? strlen(stdin_data) : 0;
    if (io.in >= 0 && io.stdin_left == 0) {
        close(io.in);
        io.in = -1;
    }
    old_pipe = signal(SIGPIPE, SIG_IGN);
    if (!lb_io_pump(&io, deadline)) {
        kill(-pid, SIGKILL);
        res->timed_out = 1;
    }
    for (int *fd = &io.in; fd <= &io.err; fd++) {
        if (*fd >= 0) {
            close(*fd);
        }
    }
    signal(SIGPIPE, old_pipe);
    res->status = lb_reap(pid, res->timed_out ? 0 : deadline, &res->timed_out);
    lb_proc_active_pgid = 0;
    res->out = lb_buf_take(&io.obuf);
    res->err = lb_buf_take(&io.ebuf);
    return 0;
}

void
lb_proc_result_free(struct lb_proc_result *res)
{
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
}

char **
lb_argv_split(const char *s)
{
    size_t n = 0, cap = 4;
    char **v = calloc(cap, sizeof(*v));

    while (v && s && *s) {
        size_t len;

        s += strspn(s, " \t\n");
        len = strcspn(s, " \t\n");
        if (!len) {
            break;
        }
        if (n + 2 > cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof(*v));

            if (!nv) {
                lb_argv_free(v);
                return NULL;
            }
            v = nv;
        }
        v[n] = strndup(s, len);
        v[++n] = NULL;
        s += len;
    }
    return v;
}

void
lb_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++) {
        free(argv[i]);
    }
    free(argv);
}

/* True when variable @entry ("NAME=value") is named in @set or starts with a @drop prefix. */
static bool
lb_env_skip(const char *entry, const char *const drop[], const char *const set[])
{
    size_t name = strcspn(entry, "=");

    for (size_t i = 0; drop && drop[i]; i++) {
        if (!strncmp(entry, drop[i], strlen(drop[i]))) {
            return true;
        }
    }
    for (size_t i = 0; set && set[i]; i++) {
        if (strcspn(set[i], "=") == name && !strncmp(entry, set[i], name)) {
            return true;
        }
    }
    return false;
}

char **
lb_env_filter(const char *const drop[], const char *const set[])
{
    size_t n = 0, cap = 1;
    char **v;

    for (char **e = environ; e && *e; e++) {
        cap++;
    }
    for (size_t i = 0; set && set[i]; i++) {
        cap++;
    }
    v = calloc(cap, sizeof(*v));
    if (!v) {
        return NULL;
    }
    for (char **e = environ; e && *e; e++) {
        if (!lb_env_skip(*e, drop, set) && !(v[n++] = strdup(*e))) {
            lb_argv_free(v);
            return NULL;
        }
    }
    for (size_t i = 0; set && set[i]; i++) {
        if (!(v[n++] = strdup(set[i]))) {
            lb_argv_free(v);
            return NULL;
        }
    }
    return v;
}
