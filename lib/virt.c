/*
 * lifeboat libvirt helper: connect by URI, and turn libvirt's errors into exit
 * reasons instead of libvirt's default printing to stderr.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

bool
lb_virt_uri_is_local(const char *uri)
{
    static const char *const loopback[] = {"localhost", "127.", "[::1]", "::1", NULL};
    const char *sep = uri ? strstr(uri, "://") : NULL;
    char me[256] = "", host[256];
    size_t n;

    if (!uri || (sep && sep[3] == '/')) {
        return true; /* the default URI, or no host: this host's socket */
    }
    if (!sep) {
        return false;
    }
    n = strcspn(sep + 3, "/?");
    snprintf(host, sizeof(host), "%.*s", (int)n, sep + 3);
    if (strchr(host, '@')) {
        memmove(host, strchr(host, '@') + 1, strlen(strchr(host, '@') + 1) + 1);
    }
    if (host[0] == '[' && strchr(host, ']')) {
        strchr(host, ']')[1] = '\0'; /* [v6]:port */
    } else if (strchr(host, ':')) {
        *strchr(host, ':') = '\0'; /* a port */
    }
    for (int i = 0; loopback[i]; i++) {
        if (!strncmp(host, loopback[i], strlen(loopback[i])) &&
            (loopback[i][strlen(loopback[i]) - 1] == '.' || !host[strlen(loopback[i])] ||
             host[strlen(loopback[i])] == ']')) {
            return true;
        }
    }
    gethostname(me, sizeof(me) - 1);
    n = strcspn(me, ".");
    return me[0] && (!strcmp(host, me) || (strlen(host) == n && !strncmp(host, me, n)));
}

/* Does the NUL-separated @cmdline of @len bytes carry "-name guest=@name,..." or "-name @name"? */
static bool
lb_virt_cmdline_names(const char *cmdline, size_t len, const char *name)
{
    size_t nlen = strlen(name);

    for (const char *p = cmdline, *end = cmdline + len; p < end; p += strlen(p) + 1) {
        const char *v = p + strlen(p) + 1;

        if (strcmp(p, "-name") || v >= end) {
            continue;
        }
        if (!strncmp(v, "guest=", 6)) {
            v += 6;
        }
        if (!strncmp(v, name, nlen) && (v[nlen] == '\0' || v[nlen] == ',')) {
            return true;
        }
    }
    return false;
}

static bool
lb_virt_same_netns(const char *pid, ino_t mine)
{
    char path[300];
    struct stat st;

    snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
    return stat(path, &st) == 0 && st.st_ino == mine;
}

bool
lb_virt_domain_has_process(const char *name)
{
    struct stat self;
    struct dirent *e;
    DIR *proc = opendir("/proc");
    bool found = false;

    if (!proc || stat("/proc/self/ns/net", &self) < 0) {
        if (proc) {
            closedir(proc);
        }
        return true; /* cannot tell: assume it may run */
    }
    while (!found && (e = readdir(proc)) != NULL) {
        char path[300], buf[8192];
        ssize_t n;
        int fd;

        if (e->d_name[0] < '1' || e->d_name[0] > '9') {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
            continue;
        }
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0) {
            buf[n] = '\0';
            found = lb_virt_cmdline_names(buf, (size_t)n, name) &&
                    lb_virt_same_netns(e->d_name, self.st_ino);
        }
    }
    closedir(proc);
    return found;
}
