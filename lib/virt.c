/*
 * lifeboat libvirt helper: connect by URI, and turn libvirt's errors into exit
 * reasons instead of libvirt's default printing to stderr.
 */
#include "config.h"

#include <errno.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/domxml.h"
#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "lifeboat/virt.h"

static void
lb_virt_quiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    if (err && err->message) {
        lb_debug("libvirt: %s", err->message);
    }
}

void
lb_virt_init(void)
{
    virSetErrorFunc(NULL, lb_virt_quiet);
}

const char *
lb_virt_errmsg(void)
{
    virErrorPtr err = virGetLastError();

    return (err && err->message) ? err->message : "unknown libvirt error";
}

int
lb_virt_errcode(void)
{
    virErrorPtr err = virGetLastError();

    return err ? err->code : 0;
}

int
lb_virt_conn_lost(void)
{
    switch (lb_virt_errcode()) {
    case VIR_ERR_SYSTEM_ERROR:
    case VIR_ERR_RPC:
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_INVALID_CONN:
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_OPERATION_TIMEOUT:
        return 1;
    default:
        return 0;
    }
}

virConnectPtr
lb_virt_connect(const char *uri)
{
    virConnectPtr conn;

    lb_virt_init();
    conn = virConnectOpen(uri);
    if (!conn) {
        lb_exit_reason("cannot connect to hypervisor '%s': %s", uri ? uri : "(default)",
                       lb_virt_errmsg());
    }
    return conn;
}

const char *
lb_virt_state_str(int state)
{
    switch (state) {
    case VIR_DOMAIN_NOSTATE:
        return "no state";
    case VIR_DOMAIN_RUNNING:
        return "running";
    case VIR_DOMAIN_BLOCKED:
        return "idle";
    case VIR_DOMAIN_PAUSED:
        return "paused";
    case VIR_DOMAIN_SHUTDOWN:
        return "in shutdown";
    case VIR_DOMAIN_SHUTOFF:
        return "shut off";
    case VIR_DOMAIN_CRASHED:
        return "crashed";
    case VIR_DOMAIN_PMSUSPENDED:
        return "pmsuspended";
    default:
        return "unknown";
    }
}

char *
lb_virt_xml_domain_name(const char *path)
{
    char *xml = lb_read_file(path);
    char *name;

    if (!xml) {
        lb_exit_reason("cannot read domain configuration %s: %s", path, strerror(errno));
        return NULL;
    }
    name = lb_domxml_name(xml);
    free(xml);
    if (!name) {
        lb_exit_reason("domain configuration %s has no <domain><name>", path);
    }
    return name;
}
