/*
 * lifeboat unix-socket client: connect, send one request, shut the sending
 * side down, read to EOF, with a single deadline over all the steps.
 * Non-blocking throughout, so a peer that accepts but never answers costs at
 * most the timeout.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lifeboat/ocf.h"
#include "lifeboat/usock.h"

/* Milliseconds to @deadline for poll(): -1 without one, 0 once it passed. */
static int
lb_usock_wait_ms(long long deadline)
{
    long long left;

    if (deadline <= 0) {
        return -1;
    }
    left = deadline - lb_now_ms();
    return left <= 0 ? 0 : (left > 1000 ? 1000 : (int)left);
}

static int
lb_usock_poll(int fd, short events, long long deadline)
{
    struct pollfd pfd = {.fd = fd, .events = events};

    for (;;) {
        int n = poll(&pfd, 1, lb_usock_wait_ms(deadline));

        if (n > 0) {
            return 0;
        }
        if (n < 0 && errno != EINTR) {
            return -errno;
        }
        if (deadline > 0 && lb_now_ms() >= deadline) {
            return -ETIMEDOUT;
        }
    }
}

/*
 * A non-blocking connect to a unix socket fails with EAGAIN while the
 * listener's backlog is full (there is no EINPROGRESS to wait on): retry.
 */
static int
lb_usock_connect(int fd, const struct sockaddr_un *sa, long long deadline)
{
    for (;;) {
        if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
            return 0;
        }
        if (errno == EINPROGRESS) {
            int err = 0, rc = lb_usock_poll(fd, POLLOUT, deadline);
            socklen_t len = sizeof(err);

            if (rc < 0) {
                return rc;
            }
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
                return -errno;
            }
            return -err;
        }
        if (errno != EAGAIN && errno != EINTR) {
            return -errno;
        }
        if (deadline > 0 && lb_now_ms() >= deadline) {
            return -ETIMEDOUT;
        }
        lb_sleep_ms(5);
    }
}

static int
lb_usock_send(int fd, const char *data, long long deadline)
{
    size_t left = strlen(data);

    while (left > 0) {
        ssize_t n = send(fd, data, left, MSG_NOSIGNAL);
        int rc;

        if (n > 0) {
            data += n;
            left -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return -errno;
        }
        if ((rc = lb_usock_poll(fd, POLLOUT, deadline)) < 0) {
            return rc;
        }
    }
    return 0;
}

/* Append @n bytes to the reply buffer; -ENOMEM or -EMSGSIZE on failure. */
static int
lb_usock_append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n > (size_t)LB_USOCK_REPLY_MAX) {
        return -EMSGSIZE;
    }
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 4096;
        char *p;

        while (ncap < *len + n + 1) {
            ncap *= 2;
        }
        p = realloc(*buf, ncap);
        if (!p) {
            return -ENOMEM;
        }
        *buf = p;
        *cap = ncap;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

static int
lb_usock_recv(int fd, long long deadline, char **reply)
{
    char chunk[8192], *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = lb_usock_append(&buf, &len, &cap, "", 0);

    while (rc == 0) {
        ssize_t n = recv(fd, chunk, sizeof(chunk), 0);

        if (n > 0) {
            rc = lb_usock_append(&buf, &len, &cap, chunk, (size_t)n);
        } else if (n == 0 || (errno == ECONNRESET && len > 0)) {
            break; /* the peer closed: the reply is complete */
        } else if (errno == EAGAIN || errno == EINTR) {
            rc = lb_usock_poll(fd, POLLIN, deadline);
        } else {
            rc = -errno;
        }
    }
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *reply = buf;
    return 0;
}

int
lb_usock_request(const char *path, const char *request, long timeout_ms, char **reply)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    long long deadline = timeout_ms > 0 ? lb_now_ms() + timeout_ms : 0;
    int fd, rc;

    if (!reply) {
        return -EINVAL;
    }
    *reply = NULL;
    if (!path || !*path || !request) {
        return -EINVAL;
    }
    if (strlen(path) >= sizeof(sa.sun_path)) {
        return -ENAMETOOLONG;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -errno;
    }
    rc = lb_usock_connect(fd, &sa, deadline);
    if (rc == 0) {
        rc = lb_usock_send(fd, request, deadline);
    }
    /* End of request: some servers (HAProxy's master CLI) answer only then. */
    if (rc == 0 && shutdown(fd, SHUT_WR) < 0) {
        rc = -errno;
    }
    if (rc == 0) {
        rc = lb_usock_recv(fd, deadline, reply);
    }
    close(fd);
    return rc;
}
