/*
 * lifeboat nodes: node membership, cleanliness and quorum from one CIB query,
 * read the way Pacemaker 2.1's scheduler reads node_state entries
 * (determine_online_status_fencing/_no_fencing in unpack.c), simplified.
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

#include "lifeboat/cib.h"
#include "lifeboat/nodes.h"

/* in_ccm is "true"/"false" in Pacemaker 2.1.5, a join timestamp in later versions. */
static bool
flag_or_stamp(const char *v)
{
    return v != NULL && (crm_is_true(v) || strtoll(v, NULL, 10) > 0);
}

/* Value of cluster property @name, or NULL. */
static const char *
property(xmlNode *cib, const char *name)
{
    xmlNode *cfg = lb_cib_xml_child(lb_cib_xml_child(cib, "configuration"), "crm_config");

    for (xmlNode *set = cfg ? cfg->children : NULL; set != NULL; set = set->next) {
        if (!lb_cib_xml_is(set, "cluster_property_set")) {
            continue;
        }
        for (xmlNode *nv = set->children; nv != NULL; nv = nv->next) {
            const char *n = crm_element_value(nv, "name");

            if (lb_cib_xml_is(nv, "nvpair") && n != NULL && strcmp(n, name) == 0) {
                return crm_element_value(nv, "value");
            }
        }
    }
    return NULL;
}

static struct lb_node *
find_mut(struct lb_nodes *nodes, const char *name)
{
    for (size_t i = 0; name != NULL && i < nodes->n; i++) {
        if (strcmp(nodes->v[i].name, name) == 0) {
            return &nodes->v[i];
        }
    }
    return NULL;
}

static struct lb_node *
add_node(struct lb_nodes *nodes, const char *name)
{
    struct lb_node *v, *found = find_mut(nodes, name);

    if (found != NULL) {
        return found;
    }
    v = realloc(nodes->v, (nodes->n + 1) * sizeof(*v));
    if (v == NULL) {
        return NULL;
    }
    nodes->v = v;
    memset(&v[nodes->n], 0, sizeof(*v));
    v[nodes->n].name = strdup(name);
    if (v[nodes->n].name == NULL) {
        return NULL;
    }
    return &v[nodes->n++];
}

/* Name of the node of node_state @ns: its uname, or the configured node with its id. */
static const char *
state_name(xmlNode *cib, xmlNode *ns)
{
    const char *uname = crm_element_value(ns, "uname");
    const char *id = crm_element_value(ns, "id");
    xmlNode *cfg = lb_cib_xml_child(lb_cib_xml_child(cib, "configuration"), "nodes");

    if (uname != NULL) {
        return uname;
    }
    for (xmlNode *n = cfg ? cfg->children : NULL; id != NULL && n != NULL; n = n->next) {
        const char *nid = crm_element_value(n, "id");

        if (lb_cib_xml_is(n, "node") && nid != NULL && strcmp(nid, id) == 0) {
            return crm_element_value(n, "uname");
        }
    }
    return id;
}

/* Fill @node from its node_state @ns. */
static void
apply_state(struct lb_node *node, xmlNode *ns, bool fencing)
{
    const char *crmd = crm_element_value(ns, "crmd");
    const char *join = crm_element_value(ns, "join");
    const char *expected = crm_element_value(ns, "expected");
    bool in_ccm = flag_or_stamp(crm_element_value(ns, "in_ccm"));

    if (crm_is_true(crm_element_value(ns, "remote_node"))) {
        node->remote = true;
        node->online = in_ccm;
        node->unclean = false;
        return;
    }
    node->online = in_ccm &&
                   (crmd != NULL && (strcmp(crmd, "online") == 0 || flag_or_stamp(crmd))) &&
                   join != NULL && strcmp(join, "member") == 0;
    node->unclean = fencing && !node->online && expected != NULL && strcmp(expected, "member") == 0;
}

static int
collect(xmlNode *cib, struct lb_nodes *nodes)
{
    const char *stonith = property(cib, "stonith-enabled");
    const char *startup = property(cib, "startup-fencing");
    bool fencing = stonith == NULL || crm_is_true(stonith);
    bool unseen_unclean = fencing && (startup == NULL || crm_is_true(startup));
    xmlNode *cfg = lb_cib_xml_child(lb_cib_xml_child(cib, "configuration"), "nodes");
    xmlNode *status = lb_cib_xml_child(cib, "status");

    nodes->quorate = crm_is_true(crm_element_value(cib, "have-quorum"));
    for (xmlNode *n = cfg ? cfg->children : NULL; n != NULL; n = n->next) {
        const char *uname = crm_element_value(n, "uname");
        const char *type = crm_element_value(n, "type");
        struct lb_node *node;

        if (!lb_cib_xml_is(n, "node") || uname == NULL) {
            continue;
        }
        if ((node = add_node(nodes, uname)) == NULL) {
            return -ENOMEM;
        }
        node->remote = type != NULL && strcmp(type, "remote") == 0;
        node->unclean = unseen_unclean && !node->remote; /* until a node_state says otherwise */
    }
    for (xmlNode *ns = status ? status->children : NULL; ns != NULL; ns = ns->next) {
        const char *name;
        struct lb_node *node;

        if (!lb_cib_xml_is(ns, "node_state") || (name = state_name(cib, ns)) == NULL) {
            continue;
        }
        if ((node = add_node(nodes, name)) == NULL) {
            return -ENOMEM;
        }
        apply_state(node, ns, fencing);
    }
    return 0;
}

int
lb_nodes_read(struct lb_nodes *nodes)
{
    cib_t *cib;
    xmlNode *answer = NULL;
    int rc;

    memset(nodes, 0, sizeof(*nodes));
    crm_xml_init();
    cib = cib_new();
    if (cib == NULL) {
        return -ENOMEM;
    }
    rc = cib->cmds->signon(cib, "lifeboat", cib_query);
    if (rc == pcmk_ok) {
        rc = cib->cmds->query(cib, NULL, &answer, cib_scope_local | cib_sync_call);
        cib->cmds->signoff(cib);
    }
    cib_delete(cib);
    if (rc != pcmk_ok || answer == NULL) {
        free_xml(answer);
        rc = pcmk_legacy2rc(rc);
        return rc > 0 ? -rc : -EPROTO;
    }
    rc = collect(answer, nodes);
    free_xml(answer);
    if (rc < 0) {
        lb_nodes_free(nodes);
    }
    return rc;
}

const struct lb_node *
lb_nodes_find(const struct lb_nodes *nodes, const char *name)
{
    return find_mut((struct lb_nodes *)nodes, name);
}

void
lb_nodes_free(struct lb_nodes *nodes)
{
    for (size_t i = 0; i < nodes->n; i++) {
        free(nodes->v[i].name);
    }
    free(nodes->v);
    memset(nodes, 0, sizeof(*nodes));
}
