/* lifeboat libvirt helper: connections by URI, libvirt errors as exit reasons. */
#ifndef LIFEBOAT_VIRT_H
#define LIFEBOAT_VIRT_H

#include <libvirt/libvirt.h>
#include <stdbool.h>

/** Silence libvirt's default stderr error printer; errors go through lb_virt_err(). */
void lb_virt_init(void);

/**
 * Open @uri (NULL: libvirt's default). On failure write an exit reason naming the
 * URI and libvirt's message, and return NULL.
 */
virConnectPtr lb_virt_connect(const char *uri);

/** Last libvirt error message of this thread, or "unknown libvirt error". */
const char *lb_virt_errmsg(void);

/** libvirt error code of the last error of this thread (VIR_ERR_*), or 0. */
int lb_virt_errcode(void);

/** True when the last error means the connection to libvirtd is broken. */
int lb_virt_conn_lost(void);

/** Name of a domain state (VIR_DOMAIN_*), e.g. "running". */
const char *lb_virt_state_str(int state);

/** Read <name> of the domain XML file @path into a new string; NULL on error (reason written). */
char *lb_virt_xml_domain_name(const char *path);

/**
 * True when @uri is served on this host: no host part (a unix socket), or a
 * host that is a loopback address, "localhost" or this host's own name.
 */
bool lb_virt_uri_is_local(const char *uri);

/**
 * True when a process of domain @name (QEMU's "-name guest=NAME,...") runs in
 * this network namespace, i.e. on this node; also true when /proc cannot be read.
 */
bool lb_virt_domain_has_process(const char *name);

#endif
