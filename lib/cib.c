/*
 * lifeboat CIB and node-attribute access through Pacemaker's own libraries:
 * libcib for the CIB (honouring CIB_file/CIB_shadow through cib_new()), the
 * attribute manager (pacemaker-attrd) IPC API for transient attributes, and
 * the controller IPC API for the local node name. Nothing here forks a
 * Pacemaker tool, and nothing is printed: every error is a negative errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/cib.h>
#include <crm/common/ipc.h>
#include <crm/common/ipc_attrd_internal.h>
#include <crm/common/ipc_controld.h>
#include <crm/common/results.h>
#include <crm/common/util.h>
#include <crm/common/xml.h>

#include "lifeboat/cib.h"

/* Client name given to the CIB manager at sign-on. */
#define LB_CIB_CLIENT "lifeboat"

/* Flags of every read and write (the tools use the same). */
#define LB_QUERY_OPTS (cib_xpath | cib_scope_local | cib_sync_call)
#define LB_WRITE_OPTS (cib_sync_call)

/* pcmk__node_attr_value from Pacemaker's private attrd_internal.h (2.1.x),
   which pacemaker-dev does not ship: "this request sets a value". */
#define LB_ATTRD_OPT_VALUE (1U << 3)
/* pcmk__node_attr_remote: "the node is a Pacemaker Remote node". */
#define LB_ATTRD_OPT_REMOTE (1U << 0)

/* ------------------------------------------------------------ errors */

/* Map a standard Pacemaker return code (pcmk_rc_*) to a negative errno. */
static int
err_from_rc(int rc)
{
    if (rc == pcmk_rc_ok) {
        return 0;
    }
    if (rc > 0) {
        return -rc; /* pcmk_rc codes above zero are errno values */
    }
    switch (rc) {
    case pcmk_rc_ipc_unresponsive:
        return -ETIMEDOUT;
    case pcmk_rc_ipc_unauthorized:
    case pcmk_rc_ipc_pid_only:
        return -EACCES;
    case pcmk_rc_schema_validation:
    case pcmk_rc_bad_nvpair:
    case pcmk_rc_duplicate_id:
        return -EINVAL;
    case pcmk_rc_no_quorum:
        return -EAGAIN;
    case pcmk_rc_node_unknown:
        return -ENXIO;
    case pcmk_rc_multiple:
        return -ENOTUNIQ;
    case pcmk_rc_cib_corrupt:
    case pcmk_rc_unpack_error:
        return -EBADMSG;
    default:
        return -EPROTO;
    }
}

/* Map a legacy Pacemaker return code (pcmk_ok or -errno/-pcmk_err_*) likewise. */
static int
err_from_legacy(int rc)
{
    return err_from_rc(pcmk_legacy2rc(rc));
}

/* True for errors after which a cached connection is worth re-opening. */
static bool
is_conn_error(int err)
{
    return err == -ENOTCONN || err == -EPIPE || err == -ECONNRESET || err == -ECONNREFUSED ||
           err == -ENOTSOCK;
}

/* ------------------------------------------------------------ strings */

/** Free a NULL-terminated string vector (NULL is fine). */
void
lb_strv_free(char **v)
{
    if (v == NULL) {
        return;
    }
    for (char **p = v; *p != NULL; p++) {
        free(*p);
    }
    free(v);
}

/* Copy @s into *@out (NULL @s gives -ENXIO). */
static int
dup_out(const char *s, char **out)
{
    if (s == NULL) {
        return -ENXIO;
    }
    *out = strdup(s);
    return (*out == NULL) ? -ENOMEM : 0;
}

static bool
str_empty(const char *s)
{
    return s == NULL || *s == '\0';
}

/* Quote @s as an XPath 1.0 literal; NULL if it holds both kinds of quote. */
static char *
xpath_literal(const char *s)
{
    char *lit = NULL;
    char q = (strchr(s, '\'') == NULL) ? '\'' : '"';

    if (q == '"' && strchr(s, '"') != NULL) {
        return NULL;
    }
    if (asprintf(&lit, "%c%s%c", q, s, q) < 0) {
        return NULL;
    }
    return lit;
}

/*
 * Build an XPath from @fmt, in which "%1$s" and "%2$s" stand for the XPath
 * literals of @a and @b (@b may be NULL when unused). Returns NULL when an
 * argument cannot be quoted, or on allocation failure.
 */
static char *
xpath_build(const char *fmt, const char *a, const char *b)
{
    char *la = xpath_literal(a);
    char *lb = (b != NULL) ? xpath_literal(b) : NULL;
    char *xp = NULL;

    if (la != NULL && (b == NULL || lb != NULL)) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (asprintf(&xp, fmt, la, lb ? lb : "") < 0) {
            xp = NULL;
        }
#pragma GCC diagnostic pop
    }
    free(la);
    free(lb);
    return xp;
}

/* XPath selecting a node_state by node name (%1$s): its uname, or the id
   that the nodes section gives that name. */
#define NODE_STATE_BY_NAME                                                                         \
    "/cib/status/node_state[@uname=%1$s or @id=/cib/configuration/nodes/node[@uname=%1$s]/@id]"

/* ------------------------------------------------------------ XML helpers */

bool
lb_cib_xml_is(const xmlNode *x, const char *name)
{
    return x != NULL && x->type == XML_ELEMENT_NODE && strcmp((const char *)x->name, name) == 0;
}

xmlNode *
lb_cib_xml_child(const xmlNode *x, const char *name)
{
    for (xmlNode *c = x ? x->children : NULL; c != NULL; c = c->next) {
        if (lb_cib_xml_is(c, name)) {
            return c;
        }
    }
    return NULL;
}

/* First element child of @x, or the next element sibling after @x. */
static xmlNode *
xml_first_elem(const xmlNode *x)
{
    xmlNode *c = (x != NULL) ? x->children : NULL;

    while (c != NULL && c->type != XML_ELEMENT_NODE) {
        c = c->next;
    }
    return c;
}

static xmlNode *
xml_next_elem(const xmlNode *x)
{
    xmlNode *c = x->next;

    while (c != NULL && c->type != XML_ELEMENT_NODE) {
        c = c->next;
    }
    return c;
}

/* A query answer is the match itself, or <xpath-query> around several. */
static xmlNode *
first_match(xmlNode *answer)
{
    return lb_cib_xml_is(answer, "xpath-query") ? xml_first_elem(answer) : answer;
}

/* ------------------------------------------------------------ CIB connection */

static cib_t *cached_cib;

/* Pacemaker's XML layer (schemas for CIB_file validation, the per-node private
   data its change tracking needs) is normally set up by crm_log_init(); set up
   only that part, leaving umask, logging and glib handlers alone. Idempotent. */
static void
pcmk_init(void)
{
    crm_xml_init();
}

/** Disconnect the cached CIB connection (at exit); writes an offline CIB_file back. */
void
lb_cib_close(void)
{
    if (cached_cib == NULL) {
        return;
    }
    cached_cib->cmds->signoff(cached_cib);
    cib_delete(cached_cib);
    cached_cib = NULL;
}

/*
 * The cached connection, signed on as @type. A read-only (cib_query)
 * connection is replaced by a read-write one when a write needs it.
 */
static int
cib_get(enum cib_conn_type type, cib_t **out)
{
    cib_t *cib = NULL;
    int rc;

    if (cached_cib != NULL && (cached_cib->state == cib_connected_command || type == cib_query)) {
        *out = cached_cib;
        return 0;
    }
    lb_cib_close();

    pcmk_init();
    cib = cib_new();
    if (cib == NULL) {
        return -ENOMEM;
    }
    rc = cib->cmds->signon(cib, LB_CIB_CLIENT, type);
    if (rc != pcmk_ok) {
        cib_delete(cib);
        rc = err_from_legacy(rc);
        /* A missing CIB_file must not read as "no such attribute". */
        return (rc == -ENXIO) ? -ENOENT : rc;
    }
    cached_cib = cib;
    *out = cib;
    return 0;
}

/* True when the cached connection works on a file (CIB_file / CIB_shadow). */
static bool
cib_is_offline(void)
{
    return cached_cib != NULL && cached_cib->variant == cib_file;
}

/* Run an XPath query; *@answer must be freed with free_xml(). Retries once on
   a broken cached connection (e.g. after the CIB manager restarted). */
static int
cib_xpath_query(const char *xpath, xmlNode **answer)
{
    *answer = NULL;
    if (xpath == NULL) {
        return -EINVAL;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        cib_t *cib = NULL;
        int rc = cib_get(cib_query, &cib);

        if (rc < 0 || cib == NULL) {
            return (rc < 0) ? rc : -ENOTCONN;
        }
        rc = err_from_legacy(cib->cmds->query(cib, xpath, answer, LB_QUERY_OPTS));
        if (rc == 0 && *answer == NULL) {
            rc = -ENXIO;
        }
        if (rc < 0) {
            free_xml(*answer);
            *answer = NULL;
        }
        if (!is_conn_error(rc) || attempt > 0) {
            return rc;
        }
        lb_cib_close();
    }
    return -ENOTCONN;
}

/* Run @xpath and copy the "value" of the first nvpair found into *@value. */
static int
query_nvpair_value(char *xpath, char **value)
{
    xmlNode *answer = NULL;
    int rc = cib_xpath_query(xpath, &answer);

    free(xpath);
    if (rc == 0) {
        rc = dup_out(crm_element_value(first_match(answer), "value"), value);
    }
    free_xml(answer);
    return rc;
}

/* ------------------------------------------------------------ reads */

/** Value of node attribute @name of @node (NULL: local node), transient or permanent. */
int
lb_cib_node_attr(const char *node, const char *name, bool transient, char **value)
{
    char *local = NULL;
    char *xp = NULL;

    if (value == NULL || str_empty(name)) {
        return -EINVAL;
    }
    *value = NULL;
    if (node == NULL) {
        int rc = lb_cib_local_node(&local);

        if (rc < 0) {
            return rc;
        }
        node = local;
    }
    if (transient) {
        xp =
            xpath_build(NODE_STATE_BY_NAME "/transient_attributes//nvpair[@name=%2$s]", node, name);
    } else {
        xp = xpath_build("/cib/configuration/nodes/node[@uname=%1$s]"
                         "/instance_attributes//nvpair[@name=%2$s]",
                         node, name);
    }
    free(local);
    return (xp == NULL) ? -EINVAL : query_nvpair_value(xp, value);
}

/** Value of cluster property @name (crm_config), or -ENXIO. */
int
lb_cib_property(const char *name, char **value)
{
    if (value == NULL || str_empty(name)) {
        return -EINVAL;
    }
    *value = NULL;
    char *xp = xpath_build("/cib/configuration/crm_config/cluster_property_set"
                           "/nvpair[@name=%1$s]",
                           name, NULL);
    return (xp == NULL) ? -EINVAL : query_nvpair_value(xp, value);
}

/**
 * Meta attribute @name of the clone that holds primitive @rsc (a ":N"
 * instance suffix is ignored), or -ENXIO (also when @rsc is not cloned).
 * Pacemaker does not pass every clone meta attribute to the agent
 * (ordered, for one).
 */
int
lb_cib_clone_meta(const char *rsc, const char *name, char **value)
{
    char *id, *colon;
    char *xp;

    if (value == NULL || str_empty(rsc) || str_empty(name)) {
        return -EINVAL;
    }
    *value = NULL;
    if ((id = strdup(rsc)) == NULL) {
        return -ENOMEM;
    }
    if ((colon = strchr(id, ':')) != NULL) {
        *colon = '\0';
    }
    xp = xpath_build("/cib/configuration/resources/clone[primitive/@id=%1$s or "
                     "group/primitive/@id=%1$s]/meta_attributes/nvpair[@name=%2$s]",
                     id, name);
    free(id);
    return (xp == NULL) ? -EINVAL : query_nvpair_value(xp, value);
}

/** Read utilization attribute @name of primitive @rsc, or -ENXIO. */
int
lb_cib_utilization(const char *rsc, const char *name, char **value)
{
    if (value == NULL || str_empty(rsc) || str_empty(name)) {
        return -EINVAL;
    }
    *value = NULL;
    char *xp = xpath_build("/cib/configuration/resources//primitive[@id=%1$s]"
                           "/utilization/nvpair[@name=%2$s]",
                           rsc, name);
    return (xp == NULL) ? -EINVAL : query_nvpair_value(xp, value);
}

/* ------------------------------------------------------------ resource state */

/* Resource roles, ordered as in Pacemaker (enum rsc_role_e). */
enum role {
    ROLE_UNKNOWN,
    ROLE_STOPPED,
    ROLE_STARTED,
    ROLE_UNPROMOTED,
    ROLE_PROMOTED,
};

static const char *
role_text(enum role r)
{
    switch (r) {
    case ROLE_STARTED:
        return "Started";
    case ROLE_UNPROMOTED:
        return "Unpromoted";
    case ROLE_PROMOTED:
        return "Promoted";
    default:
        return "Stopped";
    }
}

/* What a resource name stands for in the status section. */
struct rsc_target {
    xmlNode *resources; /* configuration/resources answer (owned) */
    const char **prims; /* ids of the primitives it covers (point into resources) */
    size_t nprims;
    const char *instance; /* an exact history id ("gu:0") when one was given */
    char *bare;           /* @rsc without its ":N" instance suffix (owned) */
    bool configured;
    bool promotable;
};

/* Length of @id without a trailing ":<digits>" clone instance suffix. */
static size_t
clone_stripped_len(const char *id)
{
    const char *colon = strrchr(id, ':');

    if (colon == NULL || colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
        return strlen(id);
    }
    return (size_t)(colon - id);
}

static bool
is_rsc_tag(const xmlNode *x)
{
    return lb_cib_xml_is(x, "primitive") || lb_cib_xml_is(x, "group") ||
           lb_cib_xml_is(x, "clone") || lb_cib_xml_is(x, "master") || lb_cib_xml_is(x, "bundle");
}

/* Depth-first search for the resource element with id @id under @x. */
static xmlNode *
find_rsc(xmlNode *x, const char *id)
{
    for (xmlNode *c = xml_first_elem(x); c != NULL; c = xml_next_elem(c)) {
        if (!is_rsc_tag(c)) {
            continue;
        }
        const char *cid = crm_element_value(c, "id");

        if (cid != NULL && strcmp(cid, id) == 0) {
            return c;
        }
        xmlNode *found = find_rsc(c, id);
        if (found != NULL) {
            return found;
        }
    }
    return NULL;
}

/* Collect the ids of every primitive at or under @x. */
static int
collect_prims(xmlNode *x, struct rsc_target *t)
{
    if (lb_cib_xml_is(x, "primitive")) {
        const char **p = realloc(t->prims, (t->nprims + 1) * sizeof(*p));

        if (p == NULL) {
            return -ENOMEM;
        }
        t->prims = p;
        t->prims[t->nprims++] = crm_element_value(x, "id");
        return 0;
    }
    for (xmlNode *c = xml_first_elem(x); c != NULL; c = xml_next_elem(c)) {
        if (is_rsc_tag(c) && collect_prims(c, t) < 0) {
            return -ENOMEM;
        }
    }
    return 0;
}

/* True if @clone (a clone or master element) is promotable. */
static bool
clone_is_promotable(const xmlNode *clone)
{
    if (lb_cib_xml_is(clone, "master")) {
        return true;
    }
    for (xmlNode *m = xml_first_elem(clone); m != NULL; m = xml_next_elem(m)) {
        if (!lb_cib_xml_is(m, "meta_attributes")) {
            continue;
        }
        for (xmlNode *nv = xml_first_elem(m); nv != NULL; nv = xml_next_elem(nv)) {
            const char *n = crm_element_value(nv, "name");

            if (lb_cib_xml_is(nv, "nvpair") && n != NULL && strcmp(n, "promotable") == 0) {
                return crm_is_true(crm_element_value(nv, "value"));
            }
        }
    }
    return false;
}

/* True if @x is inside (or is) a promotable clone. */
static bool
in_promotable(const xmlNode *x)
{
    for (; x != NULL && x->type == XML_ELEMENT_NODE; x = x->parent) {
        if ((lb_cib_xml_is(x, "clone") || lb_cib_xml_is(x, "master")) && clone_is_promotable(x)) {
            return true;
        }
    }
    return false;
}

static void
target_free(struct rsc_target *t)
{
    free_xml(t->resources);
    free(t->prims);
    free(t->bare);
    memset(t, 0, sizeof(*t));
}

/*
 * Resolve @rsc (a primitive, group, clone or bundle id, or a clone instance
 * "prim:N") against the configuration. An unknown id is kept as a bare
 * primitive id so that orphaned history still counts.
 */
static int
target_resolve(const char *rsc, struct rsc_target *t)
{
    xmlNode *elem = NULL;
    int rc;

    memset(t, 0, sizeof(*t));
    t->bare = strndup(rsc, clone_stripped_len(rsc));
    if (t->bare == NULL) {
        return -ENOMEM;
    }
    rc = cib_xpath_query("/cib/configuration/resources", &t->resources);
    if (rc < 0 && rc != -ENXIO) {
        return rc;
    }
    elem = find_rsc(t->resources, rsc);
    if (elem == NULL && strcmp(t->bare, rsc) != 0) {
        elem = find_rsc(t->resources, t->bare);
        if (elem != NULL && !lb_cib_xml_is(elem, "primitive")) {
            elem = NULL;
        }
        t->instance = rsc;
    }
    if (elem == NULL) {
        const char **p = malloc(sizeof(*p));

        if (p == NULL) {
            return -ENOMEM;
        }
        p[0] = t->bare;
        t->prims = p;
        t->nprims = 1;
        return 0;
    }
    t->configured = true;
    t->promotable = in_promotable(elem);
    return collect_prims(elem, t);
}

/* True if the history entry id @lrm_id belongs to @t. */
static bool
target_matches(const struct rsc_target *t, const char *lrm_id)
{
    size_t len;

    if (lrm_id == NULL) {
        return false;
    }
    if (t->instance != NULL) {
        return strcmp(lrm_id, t->instance) == 0;
    }
    len = clone_stripped_len(lrm_id);
    for (size_t i = 0; i < t->nprims; i++) {
        if (strlen(t->prims[i]) == len && strncmp(t->prims[i], lrm_id, len) == 0) {
            return true;
        }
    }
    return false;
}

/* One lrm_rsc_op history entry, as far as the role is concerned. */
struct op_entry {
    const char *task;
    int call_id;
    long long rc_change;
    int rc;
    int status;
    int target_rc;
    bool probe;
    size_t pos;
};

static int
attr_int(const xmlNode *x, const char *name, int dflt)
{
    const char *s = crm_element_value(x, name);
    char *end = NULL;
    long v;

    if (s == NULL) {
        return dflt;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    return (errno != 0 || end == s || v < INT32_MIN || v > INT32_MAX) ? dflt : (int)v;
}

/* Expected result from transition-key "action:transition:target-rc:uuid". */
static int
target_rc_of(const xmlNode *op)
{
    const char *key = crm_element_value(op, "transition-key");
    int action, transition, target;

    if (key == NULL || sscanf(key, "%d:%d:%d:", &action, &transition, &target) != 3) {
        return -1;
    }
    return target;
}

static void
op_entry_fill(const xmlNode *x, size_t pos, struct op_entry *e)
{
    const char *rcc = crm_element_value(x, "last-rc-change");

    e->pos = pos;
    e->task = crm_element_value(x, "operation");
    e->call_id = attr_int(x, "call-id", -1);
    e->rc_change = (rcc != NULL) ? strtoll(rcc, NULL, 10) : 0;
    e->rc = attr_int(x, "rc-code", PCMK_OCF_UNKNOWN_ERROR);
    e->status = attr_int(x, "op-status", PCMK_EXEC_ERROR);
    e->target_rc = target_rc_of(x);
    e->probe =
        e->task != NULL && strcmp(e->task, "monitor") == 0 && attr_int(x, "interval", 0) == 0;
}

/* Oldest first: by call-id (pending, call-id -1, last), then rc change time. */
static int
op_entry_cmp(const void *pa, const void *pb)
{
    const struct op_entry *a = pa, *b = pb;

    if (a->call_id != b->call_id) {
        if (a->call_id < 0 || b->call_id < 0) {
            return (a->call_id < 0) ? 1 : -1;
        }
        return (a->call_id < b->call_id) ? -1 : 1;
    }
    if (a->rc_change != b->rc_change) {
        return (a->rc_change < b->rc_change) ? -1 : 1;
    }
    return (a->pos < b->pos) ? -1 : (a->pos > b->pos);
}

static bool
task_is(const struct op_entry *e, const char *task)
{
    return e->task != NULL && strcmp(e->task, task) == 0;
}

/* A resource with any result at all on a node is at least started there. */
static enum role
at_least_started(enum role r)
{
    return (r < ROLE_STARTED) ? ROLE_STARTED : r;
}

/* Role after a pending operation (Pacemaker: start/promote count as done). */
static enum role
apply_pending(const struct op_entry *e, enum role r)
{
    if (task_is(e, "start") || task_is(e, "migrate_from")) {
        return at_least_started(r);
    }
    if (task_is(e, "promote")) {
        return ROLE_PROMOTED;
    }
    return r;
}

/* Role after an operation that completed with its expected result. */
static enum role
apply_success(const struct op_entry *e, int rc, enum role r)
{
    if (rc == PCMK_OCF_NOT_RUNNING || rc == PCMK_OCF_NOT_INSTALLED) {
        return ROLE_STOPPED;
    }
    if (task_is(e, "start") || task_is(e, "migrate_from")) {
        return ROLE_STARTED;
    }
    if (task_is(e, "stop")) {
        return ROLE_STOPPED;
    }
    if (task_is(e, "promote")) {
        return ROLE_PROMOTED;
    }
    if (task_is(e, "demote")) {
        return ROLE_UNPROMOTED;
    }
    /* monitor, migrate_to (active here until its stop), reload, ... */
    return at_least_started(r);
}

/* Role after a failed operation: the resource may still be (partly) active. */
static enum role
apply_failure(const struct op_entry *e, int rc, enum role r)
{
    if (task_is(e, "promote")) {
        r = ROLE_PROMOTED;
    } else if (task_is(e, "demote")) {
        r = (rc == PCMK_OCF_NOT_RUNNING) ? ROLE_STOPPED : ROLE_UNPROMOTED;
    }
    if (e->probe && rc == PCMK_OCF_NOT_INSTALLED) {
        return ROLE_STOPPED;
    }
    return at_least_started(r);
}

/*
 * Apply one completed history entry, following the scheduler's reading of
 * results (unpack.c in Pacemaker 2.1: remap_operation, update_resource_state,
 * unpack_rsc_op_failure), without failure-timeout expiry or on-fail=ignore.
 */
static enum role
apply_done(const struct op_entry *e, enum role r)
{
    int rc = e->rc;
    int status = e->status;

    /* Degraded monitor results count as the normal ones. */
    if (task_is(e, "monitor") && rc == PCMK_OCF_DEGRADED) {
        rc = PCMK_OCF_OK;
    } else if (task_is(e, "monitor") && rc == PCMK_OCF_DEGRADED_PROMOTED) {
        rc = PCMK_OCF_RUNNING_PROMOTED;
    }
    /* A probe that cannot run here means "not running here". */
    if (e->probe && (rc == PCMK_OCF_NOT_INSTALLED || rc == PCMK_OCF_INVALID_PARAM ||
                     status == PCMK_EXEC_NOT_INSTALLED)) {
        return ROLE_STOPPED;
    }
    if (status == PCMK_EXEC_DONE || status == PCMK_EXEC_ERROR) {
        status = (e->target_rc >= 0 && e->target_rc == rc) ? PCMK_EXEC_DONE : PCMK_EXEC_ERROR;
        switch (rc) {
        case PCMK_OCF_OK:
            if (e->probe) {
                status = PCMK_EXEC_DONE;
            }
            break;
        case PCMK_OCF_NOT_RUNNING:
            if (e->probe || e->target_rc == rc) {
                return ROLE_STOPPED;
            }
            break;
        case PCMK_OCF_RUNNING_PROMOTED:
            if (e->probe) {
                status = PCMK_EXEC_DONE;
            }
            r = ROLE_PROMOTED;
            break;
        case PCMK_OCF_FAILED_PROMOTED:
        case PCMK_OCF_DEGRADED_PROMOTED:
            r = ROLE_PROMOTED;
            status = PCMK_EXEC_ERROR;
            break;
        default:
            break;
        }
    }
    return (status == PCMK_EXEC_DONE) ? apply_success(e, rc, r) : apply_failure(e, rc, r);
}

/* Current role of one lrm_resource history on its node. */
static int
history_role(const xmlNode *lrm_rsc, enum role *out)
{
    struct op_entry *ops = NULL;
    size_t n = 0;
    enum role r = ROLE_UNKNOWN;

    for (xmlNode *x = xml_first_elem(lrm_rsc); x != NULL; x = xml_next_elem(x)) {
        n += lb_cib_xml_is(x, "lrm_rsc_op");
    }
    ops = calloc(n ? n : 1, sizeof(*ops));
    if (ops == NULL) {
        return -ENOMEM;
    }
    n = 0;
    for (xmlNode *x = xml_first_elem(lrm_rsc); x != NULL; x = xml_next_elem(x)) {
        if (lb_cib_xml_is(x, "lrm_rsc_op")) {
            op_entry_fill(x, n, &ops[n]);
            n++;
        }
    }
    qsort(ops, n, sizeof(*ops), op_entry_cmp);
    for (size_t i = 0; i < n; i++) {
        const struct op_entry *e = &ops[i];

        if (e->task == NULL || task_is(e, "notify") || task_is(e, "meta-data") ||
            e->status == PCMK_EXEC_CANCELLED) {
            continue;
        }
        r = (e->status == PCMK_EXEC_PENDING) ? apply_pending(e, r) : apply_done(e, r);
    }
    free(ops);
    *out = (r == ROLE_UNKNOWN) ? ROLE_STOPPED : r;
    return 0;
}

/*
 * Highest role of @t among the lrm_resource entries of one node's status
 * (@node_state may be a node_state or its lrm element). *@seen tells whether
 * any history of @t was found.
 */
static int
node_role(const xmlNode *node_state, const struct rsc_target *t, enum role *out, bool *seen)
{
    const xmlNode *lrm = lb_cib_xml_is(node_state, "lrm") ? node_state : NULL;
    enum role best = ROLE_STOPPED;

    for (xmlNode *c = xml_first_elem(node_state); lrm == NULL && c != NULL; c = xml_next_elem(c)) {
        if (lb_cib_xml_is(c, "lrm")) {
            lrm = c;
        }
    }
    for (xmlNode *rs = xml_first_elem(lrm); rs != NULL; rs = xml_next_elem(rs)) {
        if (!lb_cib_xml_is(rs, "lrm_resources")) {
            continue;
        }
        for (xmlNode *r = xml_first_elem(rs); r != NULL; r = xml_next_elem(r)) {
            enum role role = ROLE_STOPPED;
            int rc;

            if (!lb_cib_xml_is(r, "lrm_resource") ||
                !target_matches(t, crm_element_value(r, "id"))) {
                continue;
            }
            *seen = true;
            rc = history_role(r, &role);
            if (rc < 0) {
                return rc;
            }
            if (role > best) {
                best = role;
            }
        }
    }
    /* Pacemaker shows a started instance of a promotable clone as Unpromoted. */
    if (best == ROLE_STARTED && t->promotable) {
        best = ROLE_UNPROMOTED;
    }
    *out = best;
    return 0;
}

/* True if @node is in the nodes section or has a node_state. */
static int
node_known(const char *node)
{
    xmlNode *answer = NULL;
    char *xp = xpath_build("/cib/configuration/nodes/node[@uname=%1$s] | "
                           "/cib/status/node_state[@uname=%1$s]",
                           node, NULL);
    int rc = cib_xpath_query(xp, &answer);

    free(xp);
    free_xml(answer);
    return rc;
}

/** Role ("Started", "Promoted", "Unpromoted", "Stopped") of resource @rsc on @node. */
int
lb_cib_resource_role(const char *rsc, const char *node, char **role)
{
    struct rsc_target t;
    xmlNode *lrm = NULL;
    enum role r = ROLE_STOPPED;
    bool seen = false;
    char *xp = NULL;
    int rc;

    if (role == NULL || str_empty(rsc) || str_empty(node)) {
        return -EINVAL;
    }
    *role = NULL;
    rc = target_resolve(rsc, &t);
    if (rc < 0) {
        goto done;
    }
    xp = xpath_build(NODE_STATE_BY_NAME "/lrm", node, NULL);
    rc = cib_xpath_query(xp, &lrm);
    if (rc == -ENXIO) {
        rc = node_known(node); /* a node without history: Stopped there */
    } else if (rc == 0) {
        rc = node_role(first_match(lrm), &t, &r, &seen);
    }
    if (rc == 0 && !t.configured && !seen) {
        rc = -ENXIO;
    }
    if (rc == 0) {
        rc = dup_out(role_text(r), role);
    }
done:
    free(xp);
    free_xml(lrm);
    target_free(&t);
    return rc;
}

/* Append a copy of @s to the NULL-terminated vector *@v of length *@n. */
static int
strv_append(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 2) * sizeof(**v));

    if (nv == NULL) {
        return -ENOMEM;
    }
    *v = nv;
    nv[*n] = strdup(s);
    if (nv[*n] == NULL) {
        return -ENOMEM;
    }
    nv[++*n] = NULL;
    return 0;
}

/** Nodes where resource @rsc is active (NULL-terminated array; free with lb_strv_free). */
int
lb_cib_resource_nodes(const char *rsc, char ***nodes)
{
    struct rsc_target t;
    xmlNode *status = NULL;
    char **v = NULL;
    size_t n = 0;
    bool seen = false;
    int rc;

    if (nodes == NULL || str_empty(rsc)) {
        return -EINVAL;
    }
    *nodes = NULL;
    rc = target_resolve(rsc, &t);
    if (rc == 0) {
        rc = cib_xpath_query("/cib/status", &status);
        rc = (rc == -ENXIO) ? 0 : rc;
    }
    if (rc == 0) {
        v = calloc(1, sizeof(*v)); /* an empty vector: only the terminator */
        rc = (v == NULL) ? -ENOMEM : 0;
    }
    for (xmlNode *ns = xml_first_elem(status); rc == 0 && ns != NULL; ns = xml_next_elem(ns)) {
        enum role r = ROLE_STOPPED;
        const char *uname = crm_element_value(ns, "uname");

        if (!lb_cib_xml_is(ns, "node_state") || uname == NULL) {
            continue;
        }
        rc = node_role(ns, &t, &r, &seen);
        if (rc == 0 && r > ROLE_STOPPED) {
            rc = strv_append(&v, &n, uname);
        }
    }
    if (rc == 0 && !t.configured && !seen) {
        rc = -ENXIO;
    }
    free_xml(status);
    target_free(&t);
    if (rc < 0) {
        lb_strv_free(v);
        return rc;
    }
    *nodes = v;
    return 0;
}

/* ------------------------------------------------------------ utilization writes */

/* Write an offline CIB back to its file now (file CIBs are saved at sign-off). */
static void
flush_offline(void)
{
    if (cib_is_offline()) {
        lb_cib_close();
    }
}

/* An XML id @base made valid and unique in the CIB (appending -1, -2, ...). */
static int
unique_id(const char *base, char **out)
{
    char *id = strdup(base);

    if (id == NULL) {
        return -ENOMEM;
    }
    crm_xml_sanitize_id(id);
    for (int i = 1; i < 1000; i++) {
        xmlNode *answer = NULL;
        char *xp = xpath_build("//*[@id=%1$s]", id, NULL);
        int rc = cib_xpath_query(xp, &answer);

        free(xp);
        free_xml(answer);
        if (rc == -ENXIO) {
            *out = id;
            return 0;
        }
        if (rc < 0) {
            free(id);
            return rc;
        }
        free(id);
        id = NULL;
        if (asprintf(&id, "%s-%d", base, i) < 0) {
            return -ENOMEM;
        }
        crm_xml_sanitize_id(id);
    }
    free(id);
    return -EEXIST;
}

/* Send one modify or delete of @xml against the resources section. */
static int
cib_write(bool remove, xmlNode *xml)
{
    cib_t *cib = NULL;
    int rc = cib_get(cib_command, &cib);

    if (rc < 0 || cib == NULL) {
        return (rc < 0) ? rc : -ENOTCONN;
    }
    if (remove) {
        rc = cib->cmds->remove(cib, "resources", xml, LB_WRITE_OPTS);
    } else {
        rc = cib->cmds->modify(cib, "resources", xml, LB_WRITE_OPTS);
    }
    return err_from_legacy(rc);
}

/* Delete or update the existing nvpair @nv (in a utilization set). */
static int
write_existing(const xmlNode *nv, const char *name, const char *value, bool *wrote)
{
    const char *id = crm_element_value(nv, "id");
    const char *old = crm_element_value(nv, "value");
    xmlNode *xml = NULL;
    int rc;

    if (id == NULL) {
        return -EBADMSG;
    }
    if (value != NULL && old != NULL && strcmp(old, value) == 0) {
        return 0; /* already so: no write */
    }
    xml = create_xml_node(NULL, "nvpair");
    if (xml == NULL) {
        return -ENOMEM;
    }
    crm_xml_add(xml, "id", id);
    crm_xml_add(xml, "name", name);
    if (value != NULL) {
        crm_xml_add(xml, "value", value);
    }
    rc = cib_write(value == NULL, xml);
    free_xml(xml);
    *wrote = *wrote || rc == 0;
    return rc;
}

/*
 * Add nvpair @name=@value to primitive @prim: into its first utilization set,
 * or into a new set "<rsc>-utilization" as crm_resource -z -p creates it. The
 * nvpair id is "<set id>-<name>", as crm_resource makes it.
 */
static int
write_new(const xmlNode *prim, const char *name, const char *value)
{
    const char *rsc = crm_element_value(prim, "id");
    const char *set_id = NULL;
    char *new_set = NULL, *base = NULL, *nv_id = NULL;
    xmlNode *top = NULL, *set = NULL;
    int rc = -ENOMEM;

    for (xmlNode *c = xml_first_elem(prim); c != NULL && set_id == NULL; c = xml_next_elem(c)) {
        if (lb_cib_xml_is(c, "utilization")) {
            set_id = crm_element_value(c, "id");
        }
    }
    if (set_id == NULL) {
        if (asprintf(&base, "%s-utilization", rsc) < 0) {
            return -ENOMEM;
        }
        rc = unique_id(base, &new_set);
        free(base);
        base = NULL;
        if (rc < 0) {
            return rc;
        }
        set_id = new_set;
    }
    if (asprintf(&base, "%s-%s", set_id, name) < 0) {
        base = NULL;
        goto done;
    }
    rc = unique_id(base, &nv_id);
    if (rc < 0) {
        goto done;
    }
    rc = -ENOMEM;
    top = create_xml_node(NULL, "primitive");
    if (top == NULL) {
        goto done;
    }
    crm_xml_add(top, "id", rsc);
    set = create_xml_node(top, "utilization");
    if (set == NULL) {
        goto done;
    }
    crm_xml_add(set, "id", set_id);
    if (crm_create_nvpair_xml(set, nv_id, name, value) == NULL) {
        goto done;
    }
    rc = cib_write(false, top);
done:
    free_xml(top);
    free(nv_id);
    free(base);
    free(new_set);
    return rc;
}

/** Set (value != NULL) or delete (value == NULL) utilization attribute @name of primitive @rsc. */
int
lb_cib_set_utilization(const char *rsc, const char *name, const char *value)
{
    xmlNode *answer = NULL;
    const xmlNode *prim = NULL;
    char *bare = NULL;
    char *xp = NULL;
    bool found = false, wrote = false;
    int rc;

    if (str_empty(rsc) || str_empty(name)) {
        return -EINVAL;
    }
    bare = strndup(rsc, clone_stripped_len(rsc)); /* "rsc:0" means primitive "rsc" */
    if (bare == NULL) {
        return -ENOMEM;
    }
    xp = xpath_build("/cib/configuration/resources//primitive[@id=%1$s]", bare, NULL);
    rc = cib_xpath_query(xp, &answer);
    free(xp);
    free(bare);
    if (rc < 0) {
        return rc;
    }
    prim = first_match(answer);
    for (xmlNode *set = xml_first_elem(prim); rc == 0 && set != NULL; set = xml_next_elem(set)) {
        if (!lb_cib_xml_is(set, "utilization")) {
            continue;
        }
        for (xmlNode *nv = xml_first_elem(set); rc == 0 && nv != NULL; nv = xml_next_elem(nv)) {
            const char *n = crm_element_value(nv, "name");

            if (lb_cib_xml_is(nv, "nvpair") && n != NULL && strcmp(n, name) == 0) {
                found = true;
                rc = write_existing(nv, name, value, &wrote);
            }
        }
    }
    if (rc == 0 && !found && value != NULL) {
        rc = write_new(prim, name, value);
        wrote = (rc == 0);
    }
    free_xml(answer);
    if (wrote) {
        flush_offline();
    }
    return rc;
}

/* ------------------------------------------------------------ IPC helpers */

/* Create and connect (synchronous dispatch) an IPC API object of @server. */
static int
ipc_open(enum pcmk_ipc_server server, pcmk_ipc_callback_t cb, void *data, pcmk_ipc_api_t **out)
{
    pcmk_ipc_api_t *api = NULL;
    int rc;

    *out = NULL;
    pcmk_init();
    rc = pcmk_new_ipc_api(&api, server);
    if (rc != pcmk_rc_ok) {
        return err_from_rc(rc);
    }
    if (cb != NULL) {
        pcmk_register_ipc_callback(api, cb, data);
    }
    rc = pcmk_connect_ipc(api, pcmk_ipc_dispatch_sync);
    if (rc != pcmk_rc_ok) {
        pcmk_free_ipc_api(api);
        return err_from_rc(rc);
    }
    *out = api;
    return 0;
}

static void
ipc_close(pcmk_ipc_api_t *api)
{
    if (api != NULL) {
        pcmk_disconnect_ipc(api);
        pcmk_free_ipc_api(api);
    }
}

/* The end of a request with a string answer: @rc of the request, else the
   @reply_rc its callback left. On success *@out takes @answer; else it is freed. */
static int
take_answer(int rc, int reply_rc, char *answer, char **out)
{
    if (rc == 0) {
        rc = reply_rc;
    }
    if (rc == 0) {
        *out = answer;
    } else {
        free(answer);
    }
    return rc;
}

/* ------------------------------------------------------------ local node */

struct name_reply {
    char *name;
    int rc;
};

/* Controller reply to a node-info request about the local node. */
static void
controld_cb(pcmk_ipc_api_t *api, enum pcmk_ipc_event type, crm_exit_t status, void *event_data,
            void *user_data)
{
    struct name_reply *r = user_data;
    const pcmk_controld_api_reply_t *reply = event_data;

    (void)api;
    if (type != pcmk_ipc_event_reply) {
        return;
    }
    if (status != CRM_EX_OK || reply == NULL || reply->reply_type != pcmk_controld_reply_info) {
        r->rc = -EPROTO;
    } else if (reply->data.node_info.uname == NULL) {
        r->rc = -ENXIO;
    } else {
        free(r->name);
        r->rc = dup_out(reply->data.node_info.uname, &r->name);
    }
}

/** Name of the local cluster node: OCF_RESKEY_CRM_meta_on_node, else asked of the controller. */
int
lb_cib_local_node(char **name)
{
    struct name_reply reply = {.name = NULL, .rc = -ENODATA};
    pcmk_ipc_api_t *api = NULL;
    const char *env = getenv("OCF_RESKEY_CRM_meta_on_node");
    int rc;

    if (name == NULL) {
        return -EINVAL;
    }
    *name = NULL;
    if (!str_empty(env)) {
        return dup_out(env, name);
    }
    rc = ipc_open(pcmk_ipc_controld, controld_cb, &reply, &api);
    if (rc == 0) {
        rc = err_from_rc(pcmk_controld_api_node_info(api, 0)); /* 0: this node */
        ipc_close(api);
    }
    return take_answer(rc, reply.rc, reply.name, name);
}

/* ------------------------------------------------------------ attrd */

struct attrd_reply {
    const char *node;
    char *value;
    int rc;
};

/* True when @reply answers a query; false for any other event (left alone)
   and for a failed query (*@rc gets why). */
static bool
attrd_query_answer(enum pcmk_ipc_event type, crm_exit_t status,
                   const pcmk__attrd_api_reply_t *reply, int *rc)
{
    if (type != pcmk_ipc_event_reply) {
        return false;
    }
    if (status != CRM_EX_OK || reply == NULL || reply->reply_type != pcmk__attrd_reply_query) {
        /* attrd's client library reports an unknown attribute as ENXIO */
        *rc = ((int)status == ENXIO) ? -ENXIO : -EPROTO;
        return false;
    }
    return true;
}

/* Attribute manager reply to a query: pick the value for the asked node. */
static void
attrd_cb(pcmk_ipc_api_t *api, enum pcmk_ipc_event type, crm_exit_t status, void *event_data,
         void *user_data)
{
    struct attrd_reply *r = user_data;
    const pcmk__attrd_api_reply_t *reply = event_data;
    const pcmk__attrd_query_pair_t *pick = NULL;
    const GList *pairs;

    (void)api;
    if (!attrd_query_answer(type, status, reply, &r->rc)) {
        return;
    }
    pairs = reply->data.pairs;

    for (const GList *it = pairs; it != NULL && pick == NULL; it = it->next) {
        const pcmk__attrd_query_pair_t *pair = it->data;

        if (pair->node != NULL && strcmp(pair->node, r->node) == 0) {
            pick = pair;
        }
    }
    /* A lone answer is ours even if attrd redirected the node (bundles). */
    if (pick == NULL && pairs != NULL && pairs->next == NULL) {
        pick = pairs->data;
    }
    free(r->value);
    r->value = NULL;
    r->rc = (pick != NULL) ? dup_out(pick->value, &r->value) : -ENXIO;
}

/* True when the CIB knows @node as a Pacemaker Remote (or guest) node. attrd
   writes a remote node's values to the CIB only when told it is one, as
   crm_attribute does; attrd_updater does not, and its values stay in memory. */
static bool
node_is_remote(const char *node)
{
    xmlNode *answer = NULL;
    char *xp = xpath_build("/cib/configuration/nodes/node[@uname=%1$s][@type='remote']"
                           " | /cib/status/node_state[@id=%1$s][@remote_node='true']"
                           " | /cib/configuration/resources//primitive[@id=%1$s][@class='ocf']"
                           "[@provider='pacemaker'][@type='remote']"
                           " | /cib/configuration/resources//primitive/meta_attributes"
                           "/nvpair[@name='remote-node'][@value=%1$s]",
                           node, NULL);
    int rc = cib_xpath_query(xp, &answer);

    free(xp);
    free_xml(answer);
    return rc == 0;
}

/** Set (value != NULL) or delete (NULL) transient attribute @name of @node (NULL: local) via attrd.
 */
int
lb_attrd_update(const char *node, const char *name, const char *value)
{
    pcmk_ipc_api_t *api = NULL;
    uint32_t opts = 0;
    int rc;

    if (str_empty(name)) {
        return -EINVAL;
    }
    if (node != NULL && node_is_remote(node)) {
        opts |= LB_ATTRD_OPT_REMOTE;
    }
    rc = ipc_open(pcmk_ipc_attrd, NULL, NULL, &api);
    if (rc < 0) {
        return rc;
    }
    /* node NULL: attrd applies it to the node it runs on */
    if (value != NULL) {
        rc = pcmk__attrd_api_update(api, node, name, value, NULL, NULL, NULL,
                                    opts | LB_ATTRD_OPT_VALUE);
    } else {
        rc = pcmk__attrd_api_delete(api, node, name, opts);
    }
    ipc_close(api);
    return err_from_rc(rc);
}

/** Query transient attribute @name of @node (NULL: local node) from attrd, or -ENXIO. */
int
lb_attrd_query(const char *node, const char *name, char **value)
{
    struct attrd_reply reply = {.node = node, .value = NULL, .rc = -ENODATA};
    pcmk_ipc_api_t *api = NULL;
    char *local = NULL;
    int rc;

    if (value == NULL || str_empty(name)) {
        return -EINVAL;
    }
    *value = NULL;
    if (node == NULL) {
        /* attrd answers for every node when none is given: name ours */
        rc = lb_cib_local_node(&local);
        if (rc < 0) {
            return rc;
        }
        reply.node = local;
    }
    rc = ipc_open(pcmk_ipc_attrd, attrd_cb, &reply, &api);
    if (rc == 0) {
        rc = err_from_rc(pcmk__attrd_api_query(api, reply.node, name, 0));
        ipc_close(api);
    }
    free(local);
    return take_answer(rc, reply.rc, reply.value, value);
}

struct attrd_all {
    char **nodes, **values;
    size_t n;
    int rc;
};

/* Attribute manager reply to a query for every node: keep every pair. */
static void
attrd_all_cb(pcmk_ipc_api_t *api, enum pcmk_ipc_event type, crm_exit_t status, void *event_data,
             void *user_data)
{
    struct attrd_all *r = user_data;
    const pcmk__attrd_api_reply_t *reply = event_data;
    size_t n = 0;

    (void)api;
    if (!attrd_query_answer(type, status, reply, &r->rc)) {
        return;
    }
    lb_strv_free(r->nodes);
    lb_strv_free(r->values);
    r->nodes = r->values = NULL;
    r->n = 0;
    r->rc = 0;
    for (const GList *it = reply->data.pairs; it != NULL && r->rc == 0; it = it->next) {
        const pcmk__attrd_query_pair_t *pair = it->data;

        if (pair->node == NULL) {
            continue;
        }
        r->rc = strv_append(&r->nodes, &n, pair->node);
        if (r->rc == 0) {
            size_t m = r->n;

            r->rc = strv_append(&r->values, &m, pair->value ? pair->value : "");
            r->n = m;
        }
    }
}

/** Values of transient attribute @name on every node that has one, from attrd. */
int
lb_attrd_query_all(const char *name, char ***nodes, char ***values)
{
    struct attrd_all reply = {.rc = -ENODATA};
    pcmk_ipc_api_t *api = NULL;
    int rc;

    if (nodes == NULL || values == NULL || str_empty(name)) {
        return -EINVAL;
    }
    *nodes = *values = NULL;
    rc = ipc_open(pcmk_ipc_attrd, attrd_all_cb, &reply, &api);
    if (rc == 0) {
        rc = err_from_rc(pcmk__attrd_api_query(api, NULL, name, 0));
        ipc_close(api);
    }
    if (rc == 0) {
        rc = reply.rc;
    }
    if (rc == -ENXIO) {
        rc = 0; /* no node has it: an empty answer */
    }
    if (rc == 0 && reply.nodes == NULL) {
        reply.nodes = calloc(1, sizeof(char *));
        reply.values = calloc(1, sizeof(char *));
        rc = (reply.nodes && reply.values) ? 0 : -ENOMEM;
    }
    if (rc == 0) {
        *nodes = reply.nodes;
        *values = reply.values;
    } else {
        lb_strv_free(reply.nodes);
        lb_strv_free(reply.values);
    }
    return rc;
}

/* ------------------------------------------------------------ CIB change notifications */

/* One watch per process: libcib's notify callbacks carry no user data. */
static struct {
    cib_t *cib;
    char **names;
    lb_cib_watch_fn fn;
    void *data;
    guint retry;
    bool connected;
} watch;

static bool
name_listed(const char *name, char *const names[])
{
    for (size_t i = 0; name != NULL && names != NULL && names[i] != NULL; i++) {
        if (strcmp(name, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* @x, or an element below it, is an nvpair named in @names. */
static bool
has_named_nvpair(const xmlNode *x, char *const names[])
{
    if (lb_cib_xml_is(x, "nvpair") && name_listed(crm_element_value(x, "name"), names)) {
        return true;
    }
    for (xmlNode *c = xml_first_elem(x); c != NULL; c = xml_next_elem(c)) {
        if (has_named_nvpair(c, names)) {
            return true;
        }
    }
    return false;
}

/* The last step of a v2 diff path, e.g. "nvpair[@id='status-1-evacuate']". */
static const char *
path_last_step(const char *path)
{
    const char *p = path, *last = path;

    /* ids never contain '/', but quoted values might: skip quoted parts */
    while (*p != '\0') {
        if (*p == '\'') {
            const char *q = strchr(p + 1, '\'');

            p = (q != NULL) ? q + 1 : p + strlen(p);
            continue;
        }
        if (*p == '/') {
            last = p + 1;
        }
        p++;
    }
    return last;
}

/* The path ends at an nvpair whose id ends in "-NAME" (attrd's "status-NODE-NAME"). */
static bool
path_names_nvpair(const char *path, char *const names[])
{
    static const char prefix[] = "nvpair[@id='";
    const char *step = path_last_step(path), *id;
    size_t n;

    if (strncmp(step, prefix, sizeof(prefix) - 1) != 0) {
        return false;
    }
    id = step + sizeof(prefix) - 1;
    n = strcspn(id, "'");
    for (size_t i = 0; names[i] != NULL; i++) {
        size_t m = strlen(names[i]);

        if (n > m && id[n - m - 1] == '-' && strncmp(id + n - m, names[i], m) == 0) {
            return true;
        }
    }
    return false;
}

/* The path ends at something that holds node attributes. */
static bool
path_is_container(const char *path)
{
    static const char *const steps[] = {"node_state", "transient_attributes", "instance_attributes",
                                        "status", NULL};
    const char *step = path_last_step(path);

    for (size_t i = 0; steps[i] != NULL; i++) {
        size_t m = strlen(steps[i]);

        if (strncmp(step, steps[i], m) == 0 && (step[m] == '\0' || step[m] == '[')) {
            return true;
        }
    }
    return false;
}

/* One <change> of a v2 diff. */
static bool
change_touches(const xmlNode *change, char *const names[])
{
    const char *path = crm_element_value(change, "path");
    const char *op = crm_element_value(change, "operation");

    if (path == NULL) {
        return true; /* not understood: let the caller look */
    }
    if (strcmp(path, "/cib") == 0) {
        return has_named_nvpair(change, names); /* e.g. a whole status section created */
    }
    if (strncmp(path, "/cib/status", 11) != 0 || strstr(path, "/lrm") != NULL) {
        return false; /* configuration, or resource history */
    }
    if (has_named_nvpair(change, names) || path_names_nvpair(path, names)) {
        return true;
    }
    return op != NULL && strcmp(op, "delete") == 0 && path_is_container(path);
}

/* A diff (format 2: <change> list; format 1: added/removed trees). */
static bool
diff_touches(const xmlNode *diff, char *const names[])
{
    const char *format = crm_element_value(diff, "format");

    if (format == NULL || strcmp(format, "2") != 0) {
        return has_named_nvpair(diff, names);
    }
    for (xmlNode *c = xml_first_elem(diff); c != NULL; c = xml_next_elem(c)) {
        if (lb_cib_xml_is(c, "change") && change_touches(c, names)) {
            return true;
        }
    }
    return false;
}

/** True when the CIB diff @diff_xml touches a transient attribute named in @names. */
bool
lb_cib_diff_touches(const char *diff_xml, const char *const names[])
{
    xmlNode *diff;
    bool yes;

    if (diff_xml == NULL || names == NULL) {
        return false;
    }
    pcmk_init();
    diff = string2xml(diff_xml);
    if (diff == NULL) {
        return true; /* not understood: let the caller look */
    }
    yes = diff_touches(diff, (char *const *)names);
    free_xml(diff);
    return yes;
}

static void
watch_diff_cb(const char *event, xmlNode *msg)
{
    xmlNode *diff = get_message_xml(msg, "cib_update_result");
    int rc = pcmk_ok;

    (void)event;
    crm_element_value_int(msg, "cib_rc", &rc);
    if (rc != pcmk_ok) {
        return; /* the operation failed: nothing changed */
    }
    if (diff == NULL || diff_touches(diff, watch.names)) {
        watch.fn(watch.data);
    }
}

static gboolean watch_retry_cb(gpointer unused);

static void
watch_lost_cb(gpointer unused)
{
    (void)unused;
    watch.connected = false;
    if (watch.retry == 0) {
        watch.retry = g_timeout_add(2000, watch_retry_cb, NULL);
    }
}

/* Drop the connection (never from inside libcib's own callbacks). */
static void
watch_disconnect(void)
{
    if (watch.cib != NULL) {
        watch.cib->cmds->signoff(watch.cib);
        cib_delete(watch.cib);
        watch.cib = NULL;
    }
    watch.connected = false;
}

static int
watch_connect(void)
{
    int rc;

    watch_disconnect();
    pcmk_init();
    watch.cib = cib_new();
    if (watch.cib == NULL) {
        return -ENOMEM;
    }
    if (watch.cib->variant != cib_native) {
        watch_disconnect();
        return -ENOTSUP; /* CIB_file and friends send no notifications */
    }
    rc = watch.cib->cmds->signon(watch.cib, LB_CIB_CLIENT "-watch", cib_query);
    if (rc == pcmk_ok) {
        rc = watch.cib->cmds->set_connection_dnotify(watch.cib, watch_lost_cb);
    }
    if (rc == pcmk_ok) {
        rc = watch.cib->cmds->add_notify_callback(watch.cib, T_CIB_DIFF_NOTIFY, watch_diff_cb);
    }
    if (rc != pcmk_ok) {
        watch_disconnect();
        return err_from_legacy(rc);
    }
    watch.connected = true;
    return 0;
}

static gboolean
watch_retry_cb(gpointer unused)
{
    (void)unused;
    if (watch_connect() < 0) {
        return G_SOURCE_CONTINUE;
    }
    watch.retry = 0;
    watch.fn(watch.data); /* changes may have been missed meanwhile */
    return G_SOURCE_REMOVE;
}

/** Watch the live CIB for changes of transient attributes named in @names. */
int
lb_cib_watch_start(const char *const names[], lb_cib_watch_fn fn, void *data)
{
    size_t n = 0;
    int rc;

    if (names == NULL || names[0] == NULL || fn == NULL) {
        return -EINVAL;
    }
    if (watch.fn != NULL) {
        return -EBUSY;
    }
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strv_append(&watch.names, &n, names[i]) < 0) {
            lb_strv_free(watch.names);
            watch.names = NULL;
            return -ENOMEM;
        }
    }
    watch.fn = fn;
    watch.data = data;
    rc = watch_connect();
    if (rc == -ENOTSUP || rc == -ENOMEM) {
        lb_cib_watch_stop();
        return rc;
    }
    if (rc < 0 && watch.retry == 0) {
        watch.retry = g_timeout_add(2000, watch_retry_cb, NULL);
    }
    return rc;
}

/** True while the watch is connected to the CIB manager. */
bool
lb_cib_watch_connected(void)
{
    return watch.connected;
}

/** True when a notification waits to be dispatched (for callers in a long step). */
bool
lb_cib_watch_pending(void)
{
    struct pollfd p = {.fd = -1, .events = POLLIN};

    if (!watch.connected || watch.cib == NULL || watch.cib->cmds->inputfd == NULL) {
        return false;
    }
    p.fd = watch.cib->cmds->inputfd(watch.cib);
    return p.fd >= 0 && poll(&p, 1, 0) > 0;
}

/** Stop watching and disconnect. */
void
lb_cib_watch_stop(void)
{
    if (watch.retry != 0) {
        g_source_remove(watch.retry);
    }
    watch_disconnect();
    lb_strv_free(watch.names);
    memset(&watch, 0, sizeof(watch));
}
