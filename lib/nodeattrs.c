/*
 * lifeboat node attributes across nodes (see lifeboat/nodeattrs.h). Every
 * call opens its own short CIB connection, like lib/nodes.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <crm/cib.h>
#include <crm/common/util.h>
#include <crm/common/xml.h>
#include <crm/crm.h>
#include <crm/msg_xml.h>

#include "lifeboat/cib.h"
#include "lifeboat/nodeattrs.h"

/* A negative errno for a legacy Pacemaker return code. */
static int
err_of(int legacy)
{
    int rc = pcmk_legacy2rc(legacy);

    if (rc == pcmk_rc_ok) {
        return 0;
    }
    return rc > 0 ? -rc : (rc == pcmk_rc_node_unknown ? -ENXIO : -EPROTO);
}

/* Sign on to the CIB as @type. */
static int
connect_cib(enum cib_conn_type type, cib_t **out)
{
    cib_t *cib;
    int rc;

    crm_xml_init();
    *out = NULL;
    if ((cib = cib_new()) == NULL) {
        return -ENOMEM;
    }
    rc = cib->cmds->signon(cib, "lifeboat", type);
    if (rc != pcmk_ok) {
        cib_delete(cib);
        return err_of(rc);
    }
    *out = cib;
    return 0;
}

/* Sign off; an offline CIB is written back to its file here. */
static void
disconnect_cib(cib_t *cib)
{
    if (cib != NULL) {
        cib->cmds->signoff(cib);
        cib_delete(cib);
    }
}

/* ------------------------------------------------------------ reads */

void
lb_nodeattrs_free(struct lb_nodeattr *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].node);
        free(v[i].value);
    }
    free(v);
}

const char *
lb_nodeattrs_find(const struct lb_nodeattr *v, size_t n, const char *node)
{
    for (size_t i = 0; v && node && i < n; i++) {
        if (strcmp(v[i].node, node) == 0) {
            return v[i].value;
        }
    }
    return NULL;
}

/* The value of nvpair @name in any attribute set under @x (depth-first), or NULL. */
static const char *
find_value(const xmlNode *x, const char *name)
{
    for (xmlNode *c = x ? x->children : NULL; c != NULL; c = c->next) {
        const char *n, *v;

        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (lb_cib_xml_is(c, "nvpair")) {
            n = crm_element_value(c, "name");
            if (n != NULL && strcmp(n, name) == 0) {
                return crm_element_value(c, "value");
            }
            continue;
        }
        if ((v = find_value(c, name)) != NULL) {
            return v;
        }
    }
    return NULL;
}

static int
add(struct lb_nodeattr **v, size_t *n, const char *node, const char *value)
{
    struct lb_nodeattr *nv = realloc(*v, (*n + 1) * sizeof(**v));

    if (nv == NULL) {
        return -ENOMEM;
    }
    *v = nv;
    nv[*n].node = strdup(node);
    nv[*n].value = strdup(value);
    if (nv[*n].node == NULL || nv[*n].value == NULL) {
        free(nv[*n].node);
        free(nv[*n].value);
        return -ENOMEM;
    }
    ++*n;
    return 0;
}

/* The uname of the node with id @id in the nodes section, or NULL. */
static const char *
uname_of(const xmlNode *nodes, const char *id)
{
    for (xmlNode *c = nodes ? nodes->children : NULL; id && c != NULL; c = c->next) {
        const char *cid = crm_element_value(c, "id");

        if (lb_cib_xml_is(c, "node") && cid != NULL && strcmp(cid, id) == 0) {
            return crm_element_value(c, "uname");
        }
    }
    return NULL;
}

static int
collect(const xmlNode *cib, const char *name, bool transient, struct lb_nodeattr **v, size_t *n)
{
    const xmlNode *nodes = lb_cib_xml_child(lb_cib_xml_child(cib, "configuration"), "nodes");
    const xmlNode *top = transient ? lb_cib_xml_child(cib, "status") : nodes;
    const char *tag = transient ? "node_state" : "node";

    for (xmlNode *c = top ? top->children : NULL; c != NULL; c = c->next) {
        const char *node, *value;

        if (!lb_cib_xml_is(c, tag)) {
            continue;
        }
        node = crm_element_value(c, "uname");
        if (node == NULL) {
            node = uname_of(nodes, crm_element_value(c, "id"));
        }
        value = find_value(transient ? lb_cib_xml_child(c, XML_TAG_TRANSIENT_NODEATTRS) : c, name);
        if (node != NULL && value != NULL && add(v, n, node, value) < 0) {
            return -ENOMEM;
        }
    }
    return 0;
}

int
lb_nodeattrs_get(const char *name, bool transient, struct lb_nodeattr **out, size_t *n)
{
    xmlNode *answer = NULL;
    cib_t *cib;
    int rc;

    *out = NULL;
    *n = 0;
    if (name == NULL || *name == '\0') {
        return -EINVAL;
    }
    if ((rc = connect_cib(cib_query, &cib)) < 0) {
        return rc;
    }
    rc = err_of(cib->cmds->query(cib, NULL, &answer, cib_scope_local | cib_sync_call));
    disconnect_cib(cib);
    if (rc == 0 && answer == NULL) {
        rc = -EPROTO;
    }
    if (rc == 0) {
        rc = collect(answer, name, transient, out, n);
    }
    free_xml(answer);
    if (rc < 0) {
        lb_nodeattrs_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ------------------------------------------------------------ writes */

int
lb_nodeattrs_set(const char *node, const char *name, const char *value, bool transient)
{
    const char *section = transient ? XML_CIB_TAG_STATUS : XML_CIB_TAG_NODES;
    char *uuid = NULL;
    int remote = 0, rc;
    cib_t *cib;

    if (node == NULL || *node == '\0' || name == NULL || *name == '\0') {
        return -EINVAL;
    }
    if ((rc = connect_cib(cib_command, &cib)) < 0) {
        return rc;
    }
    if (transient && cib->variant != cib_file) {
        disconnect_cib(cib);
        return -ENOTSUP;
    }
    rc = err_of(query_node_uuid(cib, node, &uuid, &remote));
    if (rc == 0 && value != NULL) {
        rc = err_of(update_attr_delegate(cib, cib_sync_call, section, uuid, NULL, NULL, NULL, name,
                                         value, FALSE, NULL, remote ? "remote" : NULL));
    } else if (rc == 0) {
        rc = err_of(delete_attr_delegate(cib, cib_sync_call, section, uuid, NULL, NULL, NULL, name,
                                         NULL, FALSE, NULL));
        rc = rc == -ENXIO ? 0 : rc;
    }
    free(uuid);
    disconnect_cib(cib);
    return rc;
}
