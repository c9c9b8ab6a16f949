/*
 * lifeboat vrpc: the few calls of libvirt's remote protocol that a monitor
 * needs. Wire format: a 4-byte big-endian length (including itself), a header
 * {prog, vers, proc, type, serial, status}, then the XDR-encoded arguments.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lifeboat/ocf.h"
#include "lifeboat/vrpc.h"

#define VRPC_PROGRAM      0x20008086u
#define VRPC_VERSION      1u
#define VRPC_CALL         0
#define VRPC_REPLY        1
#define VRPC_STATUS_OK    0
#define VRPC_STATUS_ERROR 1
#define VRPC_MSG_MAX      (4 * 1024 * 1024)
#define VRPC_STRING_MAX   65536

enum {
    VRPC_PROC_CONNECT_OPEN = 1,
    VRPC_PROC_CONNECT_CLOSE = 2,
    VRPC_PROC_DOMAIN_GET_INFO = 16,
    VRPC_PROC_DOMAIN_LOOKUP_BY_NAME = 23,
    VRPC_PROC_AUTH_LIST = 66,
    VRPC_PROC_DOMAIN_GET_STATE = 212,
};

#define VRPC_ERR_NO_DOMAIN 42 /* VIR_ERR_NO_DOMAIN */
#define VRPC_AUTH_NONE     0

struct lb_vrpc {
    int fd;
    int opened; /* CONNECT_OPEN succeeded: close it politely */
    unsigned serial;
    long long deadline;
    char errmsg[512];
};

/* ------------------------------------------------------------ XDR buffers */

struct xbuf {
    unsigned char *p;
    size_t len, cap, pos; /* pos: read cursor */
    int bad;              /* overflow or short read */
};

static void
x_put(struct xbuf *b, const void *data, size_t n)
{
    if (b->bad || b->len + n > b->cap) {
        b->bad = 1;
        return;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void
x_u32(struct xbuf *b, uint32_t v)
{
    unsigned char w[4] = {v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff};

    x_put(b, w, 4);
}

static void
x_str(struct xbuf *b, const char *s)
{
    static const unsigned char zero[4];
    size_t n = strlen(s);

    x_u32(b, (uint32_t)n);
    x_put(b, s, n);
    x_put(b, zero, (4 - n % 4) % 4);
}

static uint32_t
x_get_u32(struct xbuf *b)
{
    const unsigned char *w;

    if (b->bad || b->pos + 4 > b->len) {
        b->bad = 1;
        return 0;
    }
    w = b->p + b->pos;
    b->pos += 4;
    return (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16 | (uint32_t)w[2] << 8 | w[3];
}

static uint64_t
x_get_u64(struct xbuf *b)
{
    uint64_t hi = x_get_u32(b);

    return hi << 32 | x_get_u32(b);
}

/* Copy an XDR string into @out (truncated to @outlen), or skip it when out is NULL. */
static void
x_get_str(struct xbuf *b, char *out, size_t outlen)
{
    uint32_t n = x_get_u32(b);
    size_t padded = ((size_t)n + 3) & ~(size_t)3;

    if (b->bad || n > VRPC_STRING_MAX || b->pos + padded > b->len) {
        b->bad = 1;
        return;
    }
    if (out && outlen) {
        size_t c = n < outlen - 1 ? n : outlen - 1;

        memcpy(out, b->p + b->pos, c);
        out[c] = '\0';
    }
    b->pos += padded;
}

static void
x_get_bytes(struct xbuf *b, unsigned char *out, size_t n)
{
    if (b->bad || b->pos + n > b->len) {
        b->bad = 1;
        return;
    }
    memcpy(out, b->p + b->pos, n);
    b->pos += n;
}

/* ------------------------------------------------------------ transport */

static int
vrpc_wait(struct lb_vrpc *c, short events)
{
    struct pollfd pfd = {.fd = c->fd, .events = events};
    long long left = c->deadline - lb_now_ms();
    int r;

    if (left <= 0) {
        return -ETIMEDOUT;
    }
    r = poll(&pfd, 1, (int)left);
    if (r < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    return r == 0 ? -ETIMEDOUT : 0;
}

static int
vrpc_write_all(struct lb_vrpc *c, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);

        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
            return -errno;
        } else {
            int rc = vrpc_wait(c, POLLOUT);

            if (rc < 0) {
                return rc;
            }
        }
    }
    return 0;
}

static int
vrpc_read_all(struct lb_vrpc *c, unsigned char *p, size_t n)
{
    while (n) {
        ssize_t r = recv(c->fd, p, n, 0);

        if (r > 0) {
            p += r;
            n -= (size_t)r;
        } else if (r == 0) {
            return -ECONNRESET;
        } else if (errno != EAGAIN && errno != EINTR) {
            return -errno;
        } else {
            int rc = vrpc_wait(c, POLLIN);

            if (rc < 0) {
                return rc;
            }
        }
    }
    return 0;
}

/* Read one message into @reply (allocated); returns 0 or -errno. */
static int
vrpc_read_msg(struct lb_vrpc *c, struct xbuf *reply)
{
    unsigned char lenw[4];
    uint32_t len;
    int rc = vrpc_read_all(c, lenw, 4);

    if (rc < 0) {
        return rc;
    }
    len = (uint32_t)lenw[0] << 24 | (uint32_t)lenw[1] << 16 | (uint32_t)lenw[2] << 8 | lenw[3];
    if (len < 4 + 24 || len > VRPC_MSG_MAX) {
        return -EPROTO;
    }
    reply->p = malloc(len - 4);
    if (!reply->p) {
        return -ENOMEM;
    }
    reply->len = reply->cap = len - 4;
    reply->pos = 0;
    reply->bad = 0;
    rc = vrpc_read_all(c, reply->p, len - 4);
    if (rc < 0) {
        free(reply->p);
        reply->p = NULL;
    }
    return rc;
}

/* Decode a remote_error into c->errmsg; returns -ENOENT for "no domain". */
static int
vrpc_decode_error(struct lb_vrpc *c, struct xbuf *r)
{
    int code = (int)x_get_u32(r);

    x_get_u32(r);       /* domain */
    if (x_get_u32(r)) { /* message is an optional string */
        x_get_str(r, c->errmsg, sizeof(c->errmsg));
    } else {
        snprintf(c->errmsg, sizeof(c->errmsg), "libvirt error %d", code);
    }
    if (r->bad) {
        return -EPROTO;
    }
    return code == VRPC_ERR_NO_DOMAIN ? -ENOENT : -EREMOTEIO;
}

/*
 * Send procedure @proc with the payload in @args, and read its reply into @ret
 * (payload cursor positioned after the header). Returns 0, or -errno.
 */
static int
vrpc_call(struct lb_vrpc *c, int proc, const struct xbuf *args, struct xbuf *ret)
{
    size_t alen = args ? args->len : 0;
    unsigned char msgbuf[512];
    struct xbuf msg = {.p = msgbuf, .cap = sizeof(msgbuf)};
    unsigned serial = ++c->serial;
    int rc;

    /* One send per call: a split header and payload would meet Nagle and
       delayed ACKs on TCP and cost 40 ms a call. */
    x_u32(&msg, (uint32_t)(4 + 24 + alen));
    x_u32(&msg, VRPC_PROGRAM);
    x_u32(&msg, VRPC_VERSION);
    x_u32(&msg, (uint32_t)proc);
    x_u32(&msg, VRPC_CALL);
    x_u32(&msg, serial);
    x_u32(&msg, VRPC_STATUS_OK);
    if (args) {
        x_put(&msg, args->p, alen);
    }
    if (msg.bad) {
        snprintf(c->errmsg, sizeof(c->errmsg), "request too large");
        return -EMSGSIZE;
    }
    if ((rc = vrpc_write_all(c, msg.p, msg.len)) < 0) {
        snprintf(c->errmsg, sizeof(c->errmsg), "cannot send to libvirt daemon: %s", strerror(-rc));
        return rc;
    }
    /* Skip anything that is not our reply (e.g. an event); give up after a few. */
    for (int tries = 0; tries < 8; tries++) {
        uint32_t prog, vers, rproc, type, rserial, status;

        if ((rc = vrpc_read_msg(c, ret)) < 0) {
            snprintf(c->errmsg, sizeof(c->errmsg), "no reply from libvirt daemon: %s",
                     strerror(-rc));
            return rc;
        }
        prog = x_get_u32(ret);
        vers = x_get_u32(ret);
        rproc = x_get_u32(ret);
        type = x_get_u32(ret);
        rserial = x_get_u32(ret);
        status = x_get_u32(ret);
        if (prog == VRPC_PROGRAM && vers == VRPC_VERSION && rproc == (uint32_t)proc &&
            type == VRPC_REPLY && rserial == serial) {
            if (status == VRPC_STATUS_OK) {
                return 0;
            }
            rc = status == VRPC_STATUS_ERROR ? vrpc_decode_error(c, ret) : -EPROTO;
            free(ret->p);
            ret->p = NULL;
            return rc;
        }
        free(ret->p);
        ret->p = NULL;
    }
    snprintf(c->errmsg, sizeof(c->errmsg), "unexpected messages from libvirt daemon");
    return -EPROTO;
}

/* ------------------------------------------------------------ URIs */

struct vrpc_target {
    char driver[32];
    char host[256];
    char port[16];
    char socket[256];
};

/* Parse DRIVER[+unix|+tcp]://[HOST[:PORT]]/system[?socket=PATH]; -EPROTONOSUPPORT otherwise. */
static int
vrpc_parse_uri(const char *uri, struct vrpc_target *t)
{
    const char *sep, *path, *hostpart;
    char transport[16] = "";
    size_t dlen;

    memset(t, 0, sizeof(*t));
    if (!uri || !(sep = strstr(uri, "://"))) {
        return -EPROTONOSUPPORT;
    }
    dlen = strcspn(uri, "+:");
    if (dlen == 0 || dlen >= sizeof(t->driver)) {
        return -EPROTONOSUPPORT;
    }
    memcpy(t->driver, uri, dlen);
    if (uri[dlen] == '+') {
        snprintf(transport, sizeof(transport), "%.*s", (int)(sep - uri - (long)dlen - 1),
                 uri + dlen + 1);
    }
    hostpart = sep + 3;
    path = strchr(hostpart, '/');
    if (!path || strncmp(path, "/system", 7) || (path[7] && path[7] != '?')) {
        return -EPROTONOSUPPORT;
    }
    if (path[7] == '?') {
        if (strncmp(path + 8, "socket=", 7) || strchr(path + 8, '&') ||
            strlen(path + 15) >= sizeof(t->socket)) {
            return -EPROTONOSUPPORT;
        }
        strcpy(t->socket, path + 15);
    }
    if (!strcmp(transport, "tcp") && path > hostpart && !memchr(hostpart, '@', path - hostpart)) {
        const char *colon = memchr(hostpart, ':', (size_t)(path - hostpart));
        size_t hlen = (size_t)((colon ? colon : path) - hostpart);

        if (hlen == 0 || hlen >= sizeof(t->host) || t->socket[0]) {
            return -EPROTONOSUPPORT;
        }
        memcpy(t->host, hostpart, hlen);
        snprintf(t->port, sizeof(t->port), "%.*s", colon ? (int)(path - colon - 1) : 5,
                 colon ? colon + 1 : "16509");
        return 0;
    }
    if ((transport[0] && strcmp(transport, "unix")) || path != hostpart) {
        return -EPROTONOSUPPORT; /* ssh, tls, libssh, ext, or a host without +tcp */
    }
    if (!t->socket[0]) {
        snprintf(t->socket, sizeof(t->socket), "%s",
                 access("/run/libvirt/libvirt-sock", F_OK) == 0 ? "/run/libvirt/libvirt-sock"
                                                                : "/run/libvirt/virtqemud-sock");
    }
    return 0;
}

static int
vrpc_connect_fd(struct lb_vrpc *c, const struct sockaddr *sa, socklen_t salen, int family)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int err = 0;
    socklen_t elen = sizeof(err);

    if (fd < 0) {
        return -errno;
    }
    c->fd = fd;
    if (family != AF_UNIX) {
        int one = 1;

        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (connect(fd, sa, salen) == 0) {
        return 0;
    }
    if (errno != EINPROGRESS && errno != EAGAIN) {
        err = errno;
    } else if ((err = -vrpc_wait(c, POLLOUT)) == 0 &&
               getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0) {
        err = errno;
    }
    if (err) {
        close(fd);
        c->fd = -1;
        return -err;
    }
    return 0;
}

static int
vrpc_connect(struct lb_vrpc *c, const struct vrpc_target *t)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL, *ai;
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int rc;

    if (!t->host[0]) {
        snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", t->socket);
        return vrpc_connect_fd(c, (struct sockaddr *)&sun, sizeof(sun), AF_UNIX);
    }
    if ((rc = getaddrinfo(t->host, t->port, &hints, &res)) != 0) {
        snprintf(c->errmsg, sizeof(c->errmsg), "cannot resolve %s: %s", t->host, gai_strerror(rc));
        return -EHOSTUNREACH;
    }
    rc = -EHOSTUNREACH;
    for (ai = res; ai && rc < 0; ai = ai->ai_next) {
        rc = vrpc_connect_fd(c, ai->ai_addr, ai->ai_addrlen, ai->ai_family);
    }
    freeaddrinfo(res);
    return rc;
}

/* AUTH_LIST, then CONNECT_OPEN "DRIVER:///system". */
static int
vrpc_handshake(struct lb_vrpc *c, const struct vrpc_target *t)
{
    unsigned char abuf[128];
    struct xbuf args = {.p = abuf, .cap = sizeof(abuf)}, ret = {0};
    char name[64];
    uint32_t n;
    int rc, none = 0;

    if ((rc = vrpc_call(c, VRPC_PROC_AUTH_LIST, NULL, &ret)) < 0) {
        return rc;
    }
    n = x_get_u32(&ret);
    for (uint32_t i = 0; i < n && i < 20 && !ret.bad; i++) {
        none |= x_get_u32(&ret) == VRPC_AUTH_NONE;
    }
    rc = ret.bad ? -EPROTO : 0;
    free(ret.p);
    if (rc < 0 || (n > 0 && !none)) {
        snprintf(c->errmsg, sizeof(c->errmsg), "libvirt daemon requires authentication");
        return rc < 0 ? rc : -EPROTONOSUPPORT;
    }
    snprintf(name, sizeof(name), "%s:///system", t->driver);
    x_u32(&args, 1); /* name present */
    x_str(&args, name);
    x_u32(&args, 0); /* flags */
    rc = vrpc_call(c, VRPC_PROC_CONNECT_OPEN, &args, &ret);
    free(ret.p);
    c->opened = rc == 0;
    return rc;
}

int
lb_vrpc_open(const char *uri, long timeout_ms, struct lb_vrpc **out)
{
    struct vrpc_target t;
    struct lb_vrpc *c;
    int rc = vrpc_parse_uri(uri, &t);

    *out = NULL;
    if (rc < 0) {
        return rc;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        return -ENOMEM;
    }
    c->fd = -1;
    c->deadline = lb_now_ms() + (timeout_ms > 0 ? timeout_ms : 30000);
    rc = vrpc_connect(c, &t);
    if (rc < 0 && !c->errmsg[0]) {
        snprintf(c->errmsg, sizeof(c->errmsg), "cannot connect to %s: %s", uri, strerror(-rc));
    }
    if (rc == 0) {
        rc = vrpc_handshake(c, &t);
    }
    *out = c; /* also on failure, so the caller can read the message */
    return rc;
}

/* ------------------------------------------------------------ domains */

struct vrpc_dom {
    char name[256];
    unsigned char uuid[16];
    uint32_t id;
};

static void
vrpc_put_dom(struct xbuf *b, const struct vrpc_dom *d)
{
    x_str(b, d->name);
    x_put(b, d->uuid, sizeof(d->uuid));
    x_u32(b, d->id);
}

static int
vrpc_lookup(struct lb_vrpc *c, const char *name, struct vrpc_dom *d)
{
    unsigned char abuf[300];
    struct xbuf args = {.p = abuf, .cap = sizeof(abuf)}, ret = {0};
    int rc;

    if (strlen(name) >= sizeof(d->name)) {
        snprintf(c->errmsg, sizeof(c->errmsg), "domain name too long");
        return -ENAMETOOLONG;
    }
    x_str(&args, name);
    if ((rc = vrpc_call(c, VRPC_PROC_DOMAIN_LOOKUP_BY_NAME, &args, &ret)) < 0) {
        return rc;
    }
    x_get_str(&ret, d->name, sizeof(d->name));
    x_get_bytes(&ret, d->uuid, sizeof(d->uuid));
    d->id = x_get_u32(&ret);
    rc = ret.bad ? -EPROTO : 0;
    free(ret.p);
    return rc;
}

int
lb_vrpc_domain_state(struct lb_vrpc *c, const char *name, int *state)
{
    unsigned char abuf[320];
    struct xbuf args = {.p = abuf, .cap = sizeof(abuf)}, ret = {0};
    struct vrpc_dom d;
    int rc = vrpc_lookup(c, name, &d);

    if (rc < 0) {
        return rc;
    }
    vrpc_put_dom(&args, &d);
    x_u32(&args, 0); /* flags */
    if ((rc = vrpc_call(c, VRPC_PROC_DOMAIN_GET_STATE, &args, &ret)) < 0) {
        return rc;
    }
    *state = (int)x_get_u32(&ret);
    x_get_u32(&ret); /* reason */
    rc = ret.bad ? -EPROTO : 0;
    free(ret.p);
    return rc;
}

int
lb_vrpc_domain_info(struct lb_vrpc *c, const char *name, unsigned *nvcpu,
                    unsigned long long *maxmem_kib)
{
    unsigned char abuf[320];
    struct xbuf args = {.p = abuf, .cap = sizeof(abuf)}, ret = {0};
    struct vrpc_dom d;
    int rc = vrpc_lookup(c, name, &d);

    if (rc < 0) {
        return rc;
    }
    vrpc_put_dom(&args, &d);
    if ((rc = vrpc_call(c, VRPC_PROC_DOMAIN_GET_INFO, &args, &ret)) < 0) {
        return rc;
    }
    x_get_u32(&ret); /* state */
    *maxmem_kib = x_get_u64(&ret);
    x_get_u64(&ret); /* memory */
    *nvcpu = x_get_u32(&ret);
    rc = ret.bad ? -EPROTO : 0;
    free(ret.p);
    return rc;
}

const char *
lb_vrpc_errmsg(const struct lb_vrpc *c)
{
    return (c && c->errmsg[0]) ? c->errmsg : "libvirt daemon error";
}

void
lb_vrpc_close(struct lb_vrpc *c)
{
    if (!c) {
        return;
    }
    if (c->fd >= 0 && c->opened) {
        struct xbuf ret = {0};

        c->deadline = lb_now_ms() + 1000;
        if (vrpc_call(c, VRPC_PROC_CONNECT_CLOSE, NULL, &ret) == 0) {
            free(ret.p);
        }
    }
    if (c->fd >= 0) {
        close(c->fd);
    }
    free(c);
}

int
lb_vrpc_state_ocf(int state)
{
    switch (state) {
    case LB_VRPC_RUNNING:
    case LB_VRPC_BLOCKED:
    case LB_VRPC_PAUSED:
    case LB_VRPC_SHUTDOWN:
    case LB_VRPC_PMSUSPENDED:
        return LB_OCF_SUCCESS;
    case LB_VRPC_SHUTOFF:
    case LB_VRPC_CRASHED:
        return LB_OCF_NOT_RUNNING;
    default:
        return -1;
    }
}
