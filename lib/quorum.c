/*
 * lifeboat quorum over corosync's libquorum (see lifeboat/quorum.h).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <corosync/corotypes.h>
#include <corosync/quorum.h>

#include "lifeboat/quorum.h"

struct lb_quorum {
    quorum_handle_t handle;
    lb_quorum_fn fn;
    void *data;
    int fd;
};

int
lb_quorum_errno(int cs_error)
{
    switch ((cs_error_t)cs_error) {
    case CS_OK:
        return 0;
    case CS_ERR_LIBRARY:
    case CS_ERR_BAD_HANDLE:
        return -ENOTCONN;
    case CS_ERR_TIMEOUT:
        return -ETIMEDOUT;
    case CS_ERR_TRY_AGAIN:
    case CS_ERR_BUSY:
    case CS_ERR_QUEUE_FULL:
        return -EAGAIN;
    case CS_ERR_INVALID_PARAM:
    case CS_ERR_BAD_FLAGS:
        return -EINVAL;
    case CS_ERR_NO_MEMORY:
    case CS_ERR_NO_RESOURCES:
        return -ENOMEM;
    case CS_ERR_ACCESS:
    case CS_ERR_SECURITY:
        return -EACCES;
    case CS_ERR_NOT_EXIST:
    case CS_ERR_NAME_NOT_FOUND:
        return -ENOENT;
    case CS_ERR_NOT_SUPPORTED:
        return -ENOTSUP;
    case CS_ERR_INTERRUPT:
        return -EINTR;
    default:
        return -EIO;
    }
}

/* corosync's notification: hand the new state to the caller. */
static void
lb_quorum_notify(quorum_handle_t handle, uint32_t quorate, uint64_t ring_seq,
                 uint32_t view_list_entries, uint32_t *view_list)
{
    struct lb_quorum *q = NULL;

    (void)ring_seq;
    (void)view_list_entries;
    (void)view_list;
    if (quorum_context_get(handle, (const void **)&q) == CS_OK && q && q->fn) {
        q->fn(quorate != 0, q->data);
    }
}

int
lb_quorum_open(lb_quorum_fn fn, void *data, struct lb_quorum **out)
{
    quorum_callbacks_t cb = {.quorum_notify_fn = lb_quorum_notify};
    struct lb_quorum *q = calloc(1, sizeof(*q));
    uint32_t type = 0;
    cs_error_t rc;

    *out = NULL;
    if (!q) {
        return -ENOMEM;
    }
    q->fn = fn;
    q->data = data;
    q->fd = -1;
    rc = quorum_initialize(&q->handle, &cb, &type);
    if (rc != CS_OK) {
        free(q);
        return lb_quorum_errno(rc);
    }
    if ((rc = quorum_context_set(q->handle, q)) != CS_OK ||
        (rc = quorum_trackstart(q->handle, CS_TRACK_CHANGES)) != CS_OK ||
        (rc = quorum_fd_get(q->handle, &q->fd)) != CS_OK) {
        quorum_finalize(q->handle);
        free(q);
        return lb_quorum_errno(rc);
    }
    *out = q;
    return 0;
}

int
lb_quorum_fd(const struct lb_quorum *q)
{
    return q ? q->fd : -1;
}

int
lb_quorum_dispatch(struct lb_quorum *q)
{
    return q ? lb_quorum_errno(quorum_dispatch(q->handle, CS_DISPATCH_ALL)) : -ENOTCONN;
}

int
lb_quorum_quorate(struct lb_quorum *q)
{
    int quorate = 0;
    cs_error_t rc;

    if (!q) {
        return -ENOTCONN;
    }
    rc = quorum_getquorate(q->handle, &quorate);
    return rc == CS_OK ? (quorate != 0) : lb_quorum_errno(rc);
}

void
lb_quorum_close(struct lb_quorum *q)
{
    if (!q) {
        return;
    }
    quorum_trackstop(q->handle);
    quorum_finalize(q->handle);
    free(q);
}
