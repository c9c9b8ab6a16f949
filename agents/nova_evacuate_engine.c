/*
 * ocf:lifeboat:NovaEvacuate: the evacuation engine, a long-running process
 * that the agent starts (NovaEvacuate engine), stops (SIGTERM) and monitors
 * (pidfile, heartbeat in a state file).
 *
 * It wakes up on CIB notifications of the `evacuate` node attribute (set to
 * yes by fence_compute when a compute host is fenced), and for each marked
 * host: lists its servers, filters them, sends exactly one evacuate per
 * server (at most max_parallel at a time, nothing without quorum), follows
 * each to ACTIVE/SHUTOFF on another host or to ERROR, shows progress in node
 * attributes, and sets evacuate=no when the host is done.
 *
 * Exactly once: before sending, the server's id and the time go into the
 * failed node's evacuate-sent attribute (write-ahead; the engine waits until
 * attrd has it cluster-wide). Nova itself records an evacuation at once
 * (task_state, a migration record). A server is only sent when Nova shows no
 * trace of an evacuation and no recorded request of ours may still reach Nova
 * (request_grace). So an engine that takes over after a crash reconciles from
 * the attribute and Nova, and a request that failed without an answer is
 * never simply repeated (see ne_decide()).
 *
 * Single-threaded: a GLib main loop for the CIB, corosync and timers; Nova
 * calls block it briefly (each is bounded by timeouts).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fence_compute.h"
#include "lifeboat/cib.h"
#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "lifeboat/openstack.h"
#include "lifeboat/quorum.h"
#include "nova_evacuate.h"
#include "nova_evacuate_agent.h"

#define NE_PAGE           1000   /* servers per listing page */
#define NE_TICK_ACTIVE_MS 1000L  /* follow evacuations this often */
#define NE_RETRY_MS       3000L  /* after a failed call */
#define NE_LIST_EVERY_MS  5000L  /* list a host's servers again (records: every round) */
#define NE_SCAN_IDLE_MS   60000L /* re-read the evacuate attribute this often anyway */
#define NE_HEARTBEAT_MS   5000L
#define NE_SKEW_S         300     /* Nova's clock vs ours, for telling incidents apart */
#define NE_SUMMARY_MAX    8       /* hosts shown in the summary attribute */
#define NE_HOSTS_EVERY_MS 60000L  /* refresh Nova's compute hosts when idle (keeps Nova warm) */
#define NE_TAGS_EVERY_MS  120000L /* refresh flavor and image tags when idle */
#define NE_TAGS_MAX_AGE   600000L /* older tags are read again before filtering */

/* ------------------------------------------------------------ state */

struct ne_srv {
    char id[NE_ID_MAX];
    char name[128];
    json_t *doc;  /* the latest server document, or NULL */
    bool exists;  /* false after a 404 */
    bool on_host; /* in the latest listing of the failed host */
    enum ne_mig mig;
    enum ne_mig looked;      /* mig when last read on its own */
    bool filtered;           /* not evacuated (policy or tag): never looked at again */
    bool terminal;           /* done, failed or gone: never looked at again */
    enum ne_verdict verdict; /* the latest */
    bool decided;            /* verdict is set */
    bool sent;               /* this engine sent its evacuate */
    long long inflight_ms;   /* since when it is in flight (0: not) */
    long long retry_ms;      /* not sent before this */
    int conflicts;           /* 409 answers */
    char why[256];
};

struct ne_host {
    char *node;     /* the cluster's name (the attribute's node) */
    char nova[256]; /* Nova's name */
    bool resolved;  /* nova is known */
    bool listed;    /* the servers are known */
    bool finished;  /* evacuate=no written */
    struct ne_srv *srv;
    size_t n, cap;
    struct ne_marks marks;
    long long next_ms;
    long long started_ms;
    long long listed_ms; /* the host's servers were last listed */
    char progress[256];  /* as last written */
    long long hold_ms;   /* no request before this (Nova still sees the host up) */
    bool said_up, said_quorum, said_attrd;
};

/* Flavors (id -> tagged) and images (id -> tagged) of the cloud, cached. */
struct ne_tags {
    json_t *flavors; /* object: id -> true/false */
    json_t *images;  /* object: id -> true/false */
    bool any_tagged; /* some flavor or image is tagged */
    long long at;    /* when read (0: never) */
};

struct ne_engine {
    json_t *cfg;
    json_t *computes;      /* Nova's compute host names (array), cached */
    long long computes_at; /* when read (0: never) */
    struct ne_tags tags;
    long long idle_next; /* next idle refresh */
    const char *instance;
    char *me; /* this node's name */
    char pidfile[PATH_MAX], statefile[PATH_MAX];
    int pidfd;
    struct lb_os *os;
    struct lb_quorum *quorum;
    guint quorum_watch;
    long long quorum_retry_ms;
    bool quorum_warned;
    GMainLoop *loop;
    guint timer;
    long long timer_due;
    bool scan_now;
    long long next_scan_ms;
    long long last_heartbeat_ms;
    long long login_retry_ms;
    struct ne_host **hosts;
    size_t nhosts;
    char summary[2048];
    const char *state; /* starting, ready, fatal */
    char reason[512];
    int exit_code;
};

static volatile sig_atomic_t ne_stop;
static int ne_wake_fd[2] = {-1, -1};

static void ne_schedule(struct ne_engine *e, long delay_ms);

/* ------------------------------------------------------------ configuration */

static const char *
ne_cfg_str(const struct ne_engine *e, const char *key)
{
    const char *v = json_string_value(json_object_get(e->cfg, key));

    return v && *v ? v : NULL;
}

static bool
ne_cfg_bool(const struct ne_engine *e, const char *key)
{
    const char *v = ne_cfg_str(e, key);

    return v && lb_parse_bool(v) == 1;
}

static long
ne_cfg_long(const struct ne_engine *e, const char *key, long dflt)
{
    long v;

    return lb_parse_long(ne_cfg_str(e, key), &v) ? v : dflt;
}

/* Read the configuration (a JSON object) from stdin, then put /dev/null there. */
static int
ne_read_config(struct ne_engine *e)
{
    char *buf = malloc(NE_CONFIG_MAX + 1);
    size_t len = 0;
    ssize_t n;
    int null;

    if (!buf) {
        return -ENOMEM;
    }
    if (isatty(STDIN_FILENO)) {
        free(buf);
        return -EINVAL; /* run by hand: the agent passes a pipe */
    }
    while (len < NE_CONFIG_MAX && (n = read(STDIN_FILENO, buf + len, NE_CONFIG_MAX - len)) != 0) {
        if (n < 0 && errno != EINTR) {
            break;
        }
        len += n > 0 ? (size_t)n : 0;
    }
    buf[len] = '\0';
    e->cfg = json_loads(buf, 0, NULL);
    memset(buf, 0, len); /* the password was in it */
    free(buf);
    null = open("/dev/null", O_RDONLY);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        if (null != STDIN_FILENO) {
            close(null);
        }
    }
    return json_is_object(e->cfg) ? 0 : -EINVAL;
}

/* ------------------------------------------------------------ state file and heartbeat */

/* Write the state file the agent's start and monitor read (atomically). */
static void
ne_write_state(struct ne_engine *e)
{
    char tmp[PATH_MAX + 8];
    FILE *f;
    int fd;

    snprintf(tmp, sizeof(tmp), "%s.tmp", e->statefile);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || !(f = fdopen(fd, "w"))) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    fprintf(f, "pid=%d\nstate=%s\nheartbeat=%lld\nreason=%s\n", (int)getpid(), e->state,
            (long long)time(NULL), e->reason);
    if (fclose(f) == 0) {
        rename(tmp, e->statefile);
    } else {
        unlink(tmp);
    }
    e->last_heartbeat_ms = lb_now_ms();
}

static void ne_set_state(struct ne_engine *e, const char *state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ne_set_state(struct ne_engine *e, const char *state, const char *fmt, ...)
{
    va_list ap;

    e->state = state;
    va_start(ap, fmt);
    vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
    va_end(ap);
    ne_write_state(e);
}

/* Between Nova calls of a long round: keep the heartbeat fresh. */
static void
ne_heartbeat(struct ne_engine *e)
{
    if (lb_now_ms() - e->last_heartbeat_ms >= NE_HEARTBEAT_MS) {
        ne_write_state(e);
    }
}

/* ------------------------------------------------------------ Nova session */

static bool
ne_http_fatal(long status)
{
    return status == 401 || status == 403;
}

/* The highest microversion to ask for: NE_MV_MAX, or lower for tests (LB_NOVA_MICROVERSION_MAX). */
static const char *
ne_mv_max(void)
{
    const char *cap = getenv("LB_NOVA_MICROVERSION_MAX");

    return cap && *cap && lb_os_version_cmp(cap, NE_MV_MAX) < 0 ? cap : NE_MV_MAX;
}

/* Log in and negotiate the microversion. Returns 0, or -errno (fatal: -EACCES, -ENOENT). */
static int
ne_login(struct ne_engine *e)
{
    struct lb_os_auth a = {
        .auth_url = ne_cfg_str(e, "auth_url"),
        .username = ne_cfg_str(e, "username"),
        .password = ne_cfg_str(e, "password"),
        .user_domain = ne_cfg_str(e, "user_domain"),
        .project = ne_cfg_str(e, "tenant_name"),
        .project_domain = ne_cfg_str(e, "project_domain"),
        .region = ne_cfg_str(e, "region_name"),
        .interface = ne_cfg_str(e, "endpoint_type"),
        .http = {.connect_timeout_ms = 5000,
                 .timeout_ms = 20000,
                 .deadline_ms = 45000,
                 .retries = 3,
                 .cacert = ne_cfg_str(e, "cacert"),
                 .insecure = ne_cfg_bool(e, "insecure")},
    };
    struct lb_os_err err = {0};
    int rc;

    e->os = lb_os_login(&a, &err);
    if (!e->os) {
        ne_set_state(e, e->state, "%s", err.msg);
        return ne_http_fatal(err.status) ? -EACCES : -EIO;
    }
    if (!lb_os_endpoint(e->os, "compute")) {
        ne_set_state(e, e->state, "no compute endpoint for interface %s%s%s in the catalog",
                     a.interface ? a.interface : "internal", a.region ? " in region " : "",
                     a.region ? a.region : "");
        lb_os_free(e->os);
        e->os = NULL;
        return -ENOENT;
    }
    rc = lb_os_nova_negotiate(e->os, NE_MV_MIN, ne_mv_max(), &err);
    if (rc < 0) {
        ne_set_state(e, e->state, "%s", err.msg);
        lb_os_free(e->os);
        e->os = NULL;
        return rc == -ENOTSUP ? -ENOENT : rc;
    }
    lb_info("logged in to Keystone as %s; Nova compute API %s", a.username,
            lb_os_nova_version(e->os));
    return 0;
}

/* A Nova GET (idempotent: lib/http retries it). */
static int
ne_get(struct ne_engine *e, const char *service, const char *path, json_t **reply,
       struct lb_os_err *err)
{
    int rc = lb_os_call(e->os, service, "GET", path, NULL, true, reply, err);

    ne_heartbeat(e);
    return rc;
}

/* ------------------------------------------------------------ quorum */

static void
ne_quorum_changed(bool quorate, void *data)
{
    struct ne_engine *e = data;

    lb_info("this partition %s quorum", quorate ? "has" : "lost");
    if (quorate) {
        e->scan_now = true; /* marks set meanwhile may not have reached the CIB */
        for (size_t i = 0; i < e->nhosts; i++) {
            e->hosts[i]->next_ms = 0; /* held evacuations go now */
        }
        ne_schedule(e, 0);
    }
}

static gboolean
ne_quorum_ready(gint fd, GIOCondition cond, gpointer data)
{
    struct ne_engine *e = data;

    (void)fd;
    (void)cond;
    if (lb_quorum_dispatch(e->quorum) < 0) {
        lb_warn("lost the connection to corosync's quorum service");
        lb_quorum_close(e->quorum);
        e->quorum = NULL;
        e->quorum_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void
ne_quorum_connect(struct ne_engine *e)
{
    int rc;

    if (e->quorum || lb_now_ms() < e->quorum_retry_ms) {
        return;
    }
    rc = lb_quorum_open(ne_quorum_changed, e, &e->quorum);
    if (rc < 0) {
        e->quorum_retry_ms = lb_now_ms() + 5000;
        if (!e->quorum_warned) {
            lb_warn("cannot reach corosync's quorum service (%s): no evacuation until it answers",
                    strerror(-rc));
            e->quorum_warned = true;
        }
        return;
    }
    if (e->quorum_warned) {
        lb_info("connected to corosync's quorum service");
        e->quorum_warned = false;
    }
    e->quorum_watch =
        g_unix_fd_add(lb_quorum_fd(e->quorum), G_IO_IN | G_IO_ERR | G_IO_HUP, ne_quorum_ready, e);
}

/* 1 when this partition may act now (asked of corosync, not cached). */
static bool
ne_quorate(struct ne_engine *e)
{
    ne_quorum_connect(e);
    return lb_quorum_quorate(e->quorum) == 1;
}

/* ------------------------------------------------------------ attributes */

static int
ne_attr_set(const char *node, const char *name, const char *value)
{
    int rc = lb_attrd_update(node, name, value);

    if (rc < 0) {
        lb_warn("cannot %s %s of node %s in attrd: %s", value ? "set" : "delete", name,
                node ? node : "(local)", strerror(-rc));
    }
    return rc;
}

/*
 * Write the write-ahead list and wait until attrd shows it: attrd applies a
 * value when corosync delivers it back, so seeing it means every node has it.
 */
static int
ne_marks_store(struct ne_host *h)
{
    char *value = ne_marks_format(&h->marks);
    long long deadline = lb_now_ms() + 3000;
    int rc;

    if (!value) {
        return -ENOMEM;
    }
    rc = ne_attr_set(h->node, NE_ATTR_SENT, value);
    while (rc == 0) {
        char *got = NULL;
        int q = lb_attrd_query(h->node, NE_ATTR_SENT, &got);
        bool same = q == 0 && got && !strcmp(got, value);

        free(got);
        if (same) {
            break;
        }
        if (lb_now_ms() >= deadline) {
            lb_warn("attrd does not show %s of %s after 3 s", NE_ATTR_SENT, h->node);
            rc = -ETIMEDOUT;
            break;
        }
        lb_sleep_ms(10);
    }
    free(value);
    return rc;
}

/* ------------------------------------------------------------ hosts */

static struct ne_host *
ne_host_find(struct ne_engine *e, const char *node)
{
    for (size_t i = 0; i < e->nhosts; i++) {
        if (!strcmp(e->hosts[i]->node, node)) {
            return e->hosts[i];
        }
    }
    return NULL;
}

static void
ne_host_free(struct ne_host *h)
{
    if (!h) {
        return;
    }
    for (size_t i = 0; i < h->n; i++) {
        json_decref(h->srv[i].doc);
    }
    free(h->srv);
    ne_marks_free(&h->marks);
    free(h->node);
    free(h);
}

static void
ne_host_drop(struct ne_engine *e, size_t i)
{
    ne_host_free(e->hosts[i]);
    memmove(&e->hosts[i], &e->hosts[i + 1], (e->nhosts - i - 1) * sizeof(e->hosts[0]));
    e->nhosts--;
}

static struct ne_srv *
ne_srv_find(struct ne_host *h, const char *id)
{
    for (size_t i = 0; i < h->n; i++) {
        if (!strcmp(h->srv[i].id, id)) {
            return &h->srv[i];
        }
    }
    return NULL;
}

static struct ne_srv *
ne_srv_add(struct ne_host *h, const char *id)
{
    struct ne_srv *s = ne_srv_find(h, id);

    if (s) {
        return s;
    }
    if (strlen(id) >= NE_ID_MAX) {
        return NULL;
    }
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 32;
        struct ne_srv *v = realloc(h->srv, cap * sizeof(*v));

        if (!v) {
            return NULL;
        }
        h->srv = v;
        h->cap = cap;
    }
    s = &h->srv[h->n++];
    memset(s, 0, sizeof(*s));
    snprintf(s->id, sizeof(s->id), "%s", id);
    s->exists = true;
    return s;
}

/* Keep @doc (a server document) as the server's latest. */
static void
ne_srv_seen(struct ne_srv *s, json_t *doc)
{
    const char *name = json_string_value(json_object_get(doc, "name"));

    json_decref(s->doc);
    s->doc = json_incref(doc);
    s->exists = true;
    if (name) {
        snprintf(s->name, sizeof(s->name), "%s", name);
    }
}

/* "name (id)" for logs. */
static const char *
ne_srv_label(const struct ne_srv *s, char *buf, size_t len)
{
    if (s->name[0]) {
        snprintf(buf, len, "%s (%s)", s->name, s->id);
    } else {
        snprintf(buf, len, "%s", s->id);
    }
    return buf;
}

/* ------------------------------------------------------------ Nova reads */

/* Read Nova's compute host names into the cache. */
static int
ne_read_computes(struct ne_engine *e)
{
    struct lb_os_err err = {0};
    json_t *reply = NULL, *svc, *hosts;
    size_t i;
    int rc = ne_get(e, "compute", "/os-services?binary=nova-compute", &reply, &err);

    if (rc < 0) {
        lb_warn("cannot list nova-compute services: %s", err.msg);
        return rc;
    }
    hosts = json_array();
    json_array_foreach(json_object_get(reply, "services"), i, svc)
    {
        json_t *host = json_object_get(svc, "host");

        if (json_is_string(host)) {
            json_array_append(hosts, host);
        }
    }
    json_decref(reply);
    json_decref(e->computes);
    e->computes = hosts;
    e->computes_at = lb_now_ms();
    return 0;
}

/* Map @node with the cached host list (fence_compute's rule, with the domain parameter). */
static int
ne_map_node(struct ne_engine *e, struct ne_host *h, struct fc_host_result *res)
{
    size_t i, n = json_array_size(e->computes);
    const char **hosts = calloc(n + 1, sizeof(*hosts));
    int rc;

    if (!hosts) {
        return -ENOMEM;
    }
    for (i = 0; i < n; i++) {
        hosts[i] = json_string_value(json_array_get(e->computes, i));
    }
    rc = fc_nova_host(hosts, n, h->node, ne_cfg_str(e, "domain"), res);
    if (rc == 0) {
        rc = -ENXIO;
        for (i = 0; i < n; i++) {
            rc = strcmp(hosts[i], res->host) ? rc : 0;
        }
    }
    free(hosts);
    return rc;
}

/* Nova's name of @node: from the cached host list, read again when it does not know it. */
static int
ne_resolve(struct ne_engine *e, struct ne_host *h)
{
    struct fc_host_result res;
    int rc = e->computes ? ne_map_node(e, h, &res) : -ENXIO;

    if (rc < 0 && (rc = ne_read_computes(e)) == 0) {
        rc = ne_map_node(e, h, &res);
    }
    if (rc == 0 && res.warning[0]) {
        lb_warn("%s", res.warning);
    }
    if (rc == 0) {
        snprintf(h->nova, sizeof(h->nova), "%s", res.host);
        h->resolved = true;
        if (strcmp(h->nova, h->node)) {
            lb_info("node %s is Nova host %s", h->node, h->nova);
        }
    } else if (rc == -ENXIO) {
        lb_warn("Nova has no nova-compute service for node %s: not evacuating it (yet)", h->node);
    } else if (rc == -1) {
        lb_warn("%s", res.warning);
    }
    return rc;
}

/*
 * Every server on the host (all tenants, paged), into @out (an array): with
 * @detail their whole documents, otherwise only their ids (far cheaper for
 * nova-api, which then builds no views: enough to see who is still there).
 */
static int
ne_list_servers(struct ne_engine *e, const struct ne_host *h, bool detail, json_t *out)
{
    char enc[768], marker[NE_ID_MAX + 16] = "", path[1200];
    struct lb_os_err err = {0};

    ne_urlencode(h->nova, enc, sizeof(enc));
    for (;;) {
        json_t *reply = NULL, *list;
        size_t n;
        int rc;

        snprintf(path, sizeof(path), "/servers%s?all_tenants=1&host=%s&limit=%d%s",
                 detail ? "/detail" : "", enc, NE_PAGE, marker);
        rc = ne_get(e, "compute", path, &reply, &err);
        if (rc < 0) {
            lb_warn("cannot list the servers of %s: %s", h->nova, err.msg);
            return rc;
        }
        list = json_object_get(reply, "servers");
        n = json_array_size(list);
        json_array_extend(out, list);
        if (n < NE_PAGE) {
            json_decref(reply);
            return 0;
        }
        snprintf(marker, sizeof(marker), "&marker=%s",
                 json_string_value(json_object_get(json_array_get(list, n - 1), "id")) ?: "");
        json_decref(reply);
    }
}

/* One server; -ENOENT when it is gone. */
static int
ne_get_server(struct ne_engine *e, struct ne_srv *s)
{
    char path[128];
    struct lb_os_err err = {0};
    json_t *reply = NULL;
    int rc;

    snprintf(path, sizeof(path), "/servers/%s", s->id);
    rc = ne_get(e, "compute", path, &reply, &err);
    if (rc == -ENOENT) {
        s->exists = false;
        json_decref(s->doc);
        s->doc = NULL;
        return rc;
    }
    if (rc < 0) {
        lb_warn("cannot read server %s: %s", s->id, err.msg);
        return rc;
    }
    ne_srv_seen(s, json_object_get(reply, "server"));
    json_decref(reply);
    return 0;
}

/*
 * This incident's evacuation records from the host, per server (merged into
 * @h's servers; servers not known yet are added when @add).
 */
static int
ne_read_migrations(struct ne_engine *e, struct ne_host *h, bool add)
{
    char enc[768], path[1024];
    struct lb_os_err err = {0};
    json_t *reply = NULL, *m;
    size_t i;
    int rc;

    ne_urlencode(h->nova, enc, sizeof(enc));
    snprintf(path, sizeof(path), "/os-migrations?migration_type=evacuation&source_compute=%s", enc);
    rc = ne_get(e, "compute", path, &reply, &err);
    if (rc < 0) {
        lb_warn("cannot list the evacuations from %s: %s", h->nova, err.msg);
        return rc;
    }
    for (i = 0; i < h->n; i++) {
        h->srv[i].mig = NE_MIG_NONE;
    }
    json_array_foreach(json_object_get(reply, "migrations"), i, m)
    {
        const char *id = json_string_value(json_object_get(m, "instance_uuid"));
        const char *status = json_string_value(json_object_get(m, "status"));
        long long created = ne_nova_time(json_string_value(json_object_get(m, "created_at")));
        struct ne_srv *s;

        if (!id || (created >= 0 && created < h->marks.since - NE_SKEW_S)) {
            continue; /* an earlier incident's */
        }
        if (status && !strcmp(status, "completed") && !ne_srv_find(h, id)) {
            continue; /* the host came back and cleaned up: not this incident */
        }
        s = add ? ne_srv_add(h, id) : ne_srv_find(h, id);
        if (s) {
            s->mig = ne_mig_merge(s->mig, ne_mig_classify(status));
        }
    }
    json_decref(reply);
    return 0;
}

/* ------------------------------------------------------------ filtering */

static bool
ne_flavor_tagged_doc(const char *tag, json_t *flavor)
{
    json_t *specs = json_object_get(flavor, "extra_specs");

    return ne_tag_true(json_string_value(json_object_get(specs, tag)));
}

static bool
ne_image_tagged_doc(const char *tag, json_t *img)
{
    json_t *t;
    size_t i;

    if (ne_tag_true(json_string_value(json_object_get(img, tag)))) {
        return true;
    }
    json_array_foreach(json_object_get(img, "tags"), i, t)
    {
        if (json_string_value(t) && !strcmp(json_string_value(t), tag)) {
            return true;
        }
    }
    return false;
}

static int
ne_read_flavors(struct ne_engine *e, const char *tag, json_t *out)
{
    bool inline_specs = lb_os_version_cmp(lb_os_nova_version(e->os), NE_MV_FLAV_SPECS) >= 0;
    struct lb_os_err err = {0};
    json_t *reply = NULL, *f;
    size_t i;
    int rc = ne_get(e, "compute", "/flavors/detail?is_public=None", &reply, &err);

    if (rc < 0) {
        lb_warn("cannot list flavors: %s", err.msg);
        return rc;
    }
    json_array_foreach(json_object_get(reply, "flavors"), i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));
        json_t *specs = NULL;
        bool tagged;

        if (!id) {
            continue;
        }
        if (inline_specs) {
            tagged = ne_flavor_tagged_doc(tag, f);
        } else {
            char path[512];

            snprintf(path, sizeof(path), "/flavors/%s/os-extra_specs", id);
            if (ne_get(e, "compute", path, &specs, &err) < 0) {
                lb_warn("cannot read the extra specs of flavor %s: %s", id, err.msg);
                json_decref(reply);
                return -EIO;
            }
            tagged = ne_flavor_tagged_doc(tag, specs);
            json_decref(specs);
        }
        json_object_set_new(out, id, json_boolean(tagged));
    }
    json_decref(reply);
    return 0;
}

static int
ne_read_images(struct ne_engine *e, const char *tag, json_t *out)
{
    char path[256], marker[NE_ID_MAX + 16] = "";
    struct lb_os_err err = {0};

    if (!lb_os_endpoint(e->os, "image")) {
        return -ENOENT;
    }
    for (;;) {
        json_t *reply = NULL, *img, *list;
        const char *last = NULL;
        size_t i;

        snprintf(path, sizeof(path), "/v2/images?limit=%d%s", NE_PAGE, marker);
        if (ne_get(e, "image", path, &reply, &err) < 0) {
            lb_warn("cannot list images in Glance: %s", err.msg);
            return -EIO;
        }
        list = json_object_get(reply, "images");
        json_array_foreach(list, i, img)
        {
            const char *id = json_string_value(json_object_get(img, "id"));

            if (id) {
                json_object_set_new(out, id, json_boolean(ne_image_tagged_doc(tag, img)));
                last = id;
            }
        }
        if (json_array_size(list) < NE_PAGE || !last) {
            json_decref(reply);
            return 0;
        }
        snprintf(marker, sizeof(marker), "&marker=%s", last);
        json_decref(reply);
    }
}

static bool ne_any_true(json_t *obj);

/* Read the tags of every flavor and image into the cache. */
static int
ne_read_tags(struct ne_engine *e)
{
    const char *tag = ne_cfg_str(e, "evacuable_tag") ?: "evacuable";
    json_t *flavors = json_object(), *images = json_object();
    int rc = ne_read_flavors(e, tag, flavors);

    if (rc < 0) {
        json_decref(flavors);
        json_decref(images);
        return rc;
    }
    if (ne_read_images(e, tag, images) < 0) {
        lb_warn("images unknown: filtering on flavors only");
    }
    json_decref(e->tags.flavors);
    json_decref(e->tags.images);
    e->tags.flavors = flavors;
    e->tags.images = images;
    e->tags.any_tagged = ne_any_true(flavors) || ne_any_true(images);
    e->tags.at = lb_now_ms();
    return 0;
}

static bool
ne_any_true(json_t *obj)
{
    const char *k;
    json_t *v;

    json_object_foreach(obj, k, v)
    {
        if (json_is_true(v)) {
            return true;
        }
    }
    return false;
}

/* Whether @server is to be evacuated; sets s->filtered and s->why. */
static void
ne_filter_server(struct ne_engine *e, struct ne_host *h, struct ne_srv *s)
{
    const char *tag = ne_cfg_str(e, "evacuable_tag") ?: "evacuable";
    const char *key = ne_cfg_str(e, "ha_policy_key");
    json_t *doc = s->doc, *flavor = json_object_get(doc, "flavor");
    json_t *image = json_object_get(doc, "image");
    const char *fid = json_string_value(json_object_get(flavor, "id"));
    const char *iid = json_string_value(json_object_get(image, "id"));
    const char *pol =
        key ? json_string_value(json_object_get(json_object_get(doc, "metadata"), key)) : NULL;
    struct ne_filter_in in = {
        .filtering = ne_cfg_bool(e, "instance_filtering"),
        .any_tagged = e->tags.any_tagged,
        .policy = ne_policy_parse(pol),
    };
    char label[256];

    if (json_object_get(flavor, "extra_specs")) {
        in.flavor_tagged = ne_flavor_tagged_doc(tag, flavor); /* 2.47+: embedded */
    } else if (fid) {
        in.flavor_tagged = json_is_true(json_object_get(e->tags.flavors, fid));
    }
    in.image_tagged = iid && json_is_true(json_object_get(e->tags.images, iid));
    if (in.policy == NE_POLICY_INVALID) {
        lb_warn("server %s: %s=%s is neither off nor restart-on-host-failure: ignored",
                ne_srv_label(s, label, sizeof(label)), key, pol);
    }
    s->filtered = !ne_filter(&in, s->why, sizeof(s->why));
    lb_info("server %s on %s: %s (%s)", ne_srv_label(s, label, sizeof(label)), h->nova,
            s->filtered ? "not evacuated" : "to evacuate", s->why);
}

/* ------------------------------------------------------------ discovery */

/* The write-ahead list from attrd; a new incident starts one (since=now). */
static int
ne_load_marks(struct ne_host *h)
{
    char *value = NULL;
    int rc = lb_attrd_query(h->node, NE_ATTR_SENT, &value);

    ne_marks_free(&h->marks);
    if (rc < 0 && rc != -ENXIO) {
        lb_warn("cannot read %s of %s from attrd: %s", NE_ATTR_SENT, h->node, strerror(-rc));
        return rc;
    }
    rc = ne_marks_parse(value, &h->marks);
    free(value);
    if (rc < 0) {
        return rc;
    }
    if (h->marks.since == 0) {
        h->marks.since = (long long)time(NULL); /* stored with the first requests */
        return 0;
    }
    lb_info("taking over the evacuation of %s: %zu evacuations recorded since %lld", h->node,
            h->marks.n, h->marks.since);
    return 0;
}

/* First look at a host: its servers, the recorded requests, Nova's evacuation records. */
static int
ne_discover(struct ne_engine *e, struct ne_host *h)
{
    json_t *list = json_array(), *doc;
    size_t i, filtered = 0;
    int rc;

    if ((rc = ne_load_marks(h)) < 0 || (rc = ne_list_servers(e, h, true, list)) < 0) {
        goto out;
    }
    if (ne_cfg_bool(e, "instance_filtering") &&
        (!e->tags.at || lb_now_ms() - e->tags.at > NE_TAGS_MAX_AGE) && (rc = ne_read_tags(e)) < 0) {
        goto out;
    }
    json_array_foreach(list, i, doc)
    {
        const char *id = json_string_value(json_object_get(doc, "id"));
        struct ne_srv *s = id ? ne_srv_add(h, id) : NULL;

        if (!s) {
            continue;
        }
        ne_srv_seen(s, doc);
        s->on_host = true;
        if (ne_marks_find(&h->marks, id) < 0) {
            ne_filter_server(e, h, s);
            filtered += s->filtered;
        }
    }
    /* recorded requests and Nova's records cover servers already gone elsewhere */
    for (i = 0; i < h->marks.n; i++) {
        ne_srv_add(h, h->marks.v[i].id);
    }
    if ((rc = ne_read_migrations(e, h, true)) < 0) {
        goto out;
    }
    for (i = 0; i < h->n; i++) {
        if (!h->srv[i].on_host && !h->srv[i].doc) {
            ne_get_server(e, &h->srv[i]);
        }
    }
    h->listed = true;
    h->listed_ms = lb_now_ms();
    lb_info("evacuating %s (Nova host %s): %zu servers, %zu of them not evacuable", h->node,
            h->nova, h->n, filtered);
out:
    json_decref(list);
    return rc;
}

/* Later looks: Nova's evacuation records every round (they are what decides a
   request), which servers are still on the host every NE_LIST_EVERY_MS (ids
   only), and a server's document when its record says it is finished or it
   left the host. */
static int
ne_refresh(struct ne_engine *e, struct ne_host *h)
{
    bool full = lb_now_ms() - h->listed_ms >= NE_LIST_EVERY_MS;
    json_t *list = json_array(), *doc;
    size_t i;
    int rc = full ? ne_list_servers(e, h, false, list) : 0;

    if (rc == 0) {
        rc = ne_read_migrations(e, h, false);
    }
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    if (full) {
        h->listed_ms = lb_now_ms();
        for (i = 0; i < h->n; i++) {
            h->srv[i].on_host = false;
        }
        json_array_foreach(list, i, doc)
        {
            const char *id = json_string_value(json_object_get(doc, "id"));
            struct ne_srv *s = id ? ne_srv_find(h, id) : NULL;

            if (s) {
                s->on_host = true;
            }
        }
    }
    json_decref(list);
    for (i = 0; i < h->n && !ne_stop; i++) {
        struct ne_srv *s = &h->srv[i];
        bool finished = (s->mig == NE_MIG_DONE || s->mig == NE_MIG_FAILED) && s->mig != s->looked;
        /* a blocked server's task may end, and a request without a record yet
           is judged on a fresh document: read them again with the listing */
        bool stale = s->verdict == NE_BLOCKED || (s->verdict == NE_WAIT && s->mig == NE_MIG_NONE);

        if (s->terminal || s->filtered || !s->exists) {
            continue;
        }
        if ((full && (!s->on_host || stale)) || finished) {
            s->looked = s->mig;
            ne_get_server(e, s); /* where is it now */
        }
    }
    return 0;
}

/* ------------------------------------------------------------ deciding and sending */

static long long
ne_grace_ms(const struct ne_engine *e)
{
    return ne_cfg_long(e, "request_grace", 60) * 1000;
}

/* Decide for every server still open; counts what is in flight and what may be sent. */
static void
ne_decide_all(struct ne_engine *e, struct ne_host *h, size_t *inflight, size_t *sendable)
{
    long long now = lb_now_ms(), wall = (long long)time(NULL);
    long timeout_ms = ne_cfg_long(e, "evacuate_timeout", 600) * 1000;
    char label[256];

    *inflight = *sendable = 0;
    for (size_t i = 0; i < h->n; i++) {
        struct ne_srv *s = &h->srv[i];
        int mi = ne_marks_find(&h->marks, s->id);
        struct ne_decide_in in = {
            .failed_host = h->nova,
            .mig = s->mig,
            .marked = mi >= 0,
            .marked_age_ms = mi >= 0 ? (wall - h->marks.v[mi].at) * 1000 : 0,
            .grace_ms = ne_grace_ms(e),
        };
        enum ne_verdict v;

        if (s->terminal || s->filtered) {
            continue;
        }
        ne_facts_from_json(s->doc, &in.srv);
        in.srv.exists = s->exists && s->doc;
        if (!s->exists) {
            in.srv.exists = false;
        } else if (!s->doc) {
            continue; /* not read yet */
        }
        v = ne_decide(&in, s->why, sizeof(s->why));
        if (!s->decided || v != s->verdict) {
            int prio = v == NE_FAILED ? LOG_ERR : v == NE_BLOCKED ? LOG_WARNING : LOG_INFO;

            lb_log(prio, "server %s: %s (%s)", ne_srv_label(s, label, sizeof(label)),
                   ne_verdict_name(v), s->why);
        }
        s->decided = true;
        s->verdict = v;
        if (v == NE_WAIT) {
            s->inflight_ms = s->inflight_ms ? s->inflight_ms : now;
            if (now - s->inflight_ms > timeout_ms) {
                lb_err("server %s: still not evacuated %ld s after the request: given up (%s)",
                       ne_srv_label(s, label, sizeof(label)), timeout_ms / 1000, s->why);
                snprintf(s->why, sizeof(s->why), "no progress within evacuate_timeout");
                s->verdict = NE_FAILED;
                s->terminal = true;
                continue;
            }
            (*inflight)++;
        } else {
            s->inflight_ms = 0;
        }
        s->terminal = v == NE_DONE || v == NE_FAILED || v == NE_GONE;
        *sendable += v == NE_SEND;
    }
}

/* The outcome of one evacuate request. */
static void
ne_sent(struct ne_engine *e, struct ne_host *h, struct ne_srv *s, int rc,
        const struct lb_os_err *err)
{
    char label[256];
    bool unmark = false;

    ne_srv_label(s, label, sizeof(label));
    if (rc == 0) {
        h->said_up = false;
        lb_info("server %s: evacuation from %s accepted", label, h->nova);
        s->sent = true;
        s->verdict = NE_WAIT;
        s->inflight_ms = lb_now_ms();
        return;
    }
    if (err->status == 0 || err->status >= 500) {
        /* Nova may or may not have it: only its records will tell (ne_decide) */
        lb_warn("server %s: evacuate request without a clear answer (%s): not repeated; "
                "following Nova's records",
                label, err->msg);
        s->verdict = NE_WAIT;
        s->inflight_ms = lb_now_ms();
        return;
    }
    unmark = true; /* Nova answered no: nothing was done */
    if (err->status == 400 && strstr(err->msg, "still in use")) {
        if (!h->said_up) {
            lb_warn("Nova still sees nova-compute on %s up: waiting for it to be down", h->nova);
            h->said_up = true;
        }
        h->hold_ms = lb_now_ms() + NE_RETRY_MS;
        s->retry_ms = h->hold_ms;
    } else if (err->status == 404) {
        lb_info("server %s: deleted", label);
        s->exists = false;
    } else if (err->status == 409 && ++s->conflicts < 3) {
        lb_warn("server %s: %s; looking again", label, err->msg);
        s->retry_ms = lb_now_ms() + NE_RETRY_MS;
        json_decref(s->doc);
        s->doc = NULL;
        ne_get_server(e, s);
    } else if (err->status == 401) {
        lb_warn("server %s: %s; retrying", label, err->msg);
        s->retry_ms = lb_now_ms() + NE_RETRY_MS;
    } else {
        lb_err("server %s: Nova refused to evacuate it: %s", label, err->msg);
        snprintf(s->why, sizeof(s->why), "refused: HTTP %ld", err->status);
        s->verdict = NE_FAILED;
        s->terminal = true;
        unmark = false; /* keep the record: it is never sent again */
    }
    if (unmark) {
        ne_marks_del(&h->marks, s->id);
        ne_marks_store(h);
    }
}

/* POST the evacuate of @s. */
static void
ne_send_one(struct ne_engine *e, struct ne_host *h, struct ne_srv *s)
{
    json_t *body = ne_evacuate_body(lb_os_nova_version(e->os), ne_cfg_bool(e, "no_shared_storage"));
    struct lb_os_err err = {0};
    json_t *reply = NULL;
    char path[128];
    int rc;

    snprintf(path, sizeof(path), "/servers/%s/action", s->id);
    lb_debug("POST %s (evacuate from %s)", path, h->nova);
    rc = lb_os_call(e->os, "compute", "POST", path, body, false, &reply, &err);
    json_decref(reply); /* never logged: before 2.14 it holds an admin password */
    json_decref(body);
    ne_heartbeat(e);
    ne_sent(e, h, s, rc, &err);
}

/*
 * May evacuations be sent for @h now? Not without quorum (says so once), and
 * not while Nova still sees the host up: the evacuate itself is the check
 * (HTTP 400, nothing done), which saves a request before the first evacuate.
 */
static bool
ne_may_send(struct ne_engine *e, struct ne_host *h)
{
    if (lb_now_ms() < h->hold_ms) {
        return false;
    }
    if (!ne_quorate(e)) {
        if (!h->said_quorum) {
            lb_warn("this partition has no quorum: holding the evacuation of %s", h->nova);
            h->said_quorum = true;
        }
        return false;
    }
    h->said_quorum = false;
    return true;
}

/* Send up to the free slots: record them all first, then one request each. */
static void
ne_send(struct ne_engine *e, struct ne_host *h, size_t inflight)
{
    long max = ne_cfg_long(e, "max_parallel", 10);
    long long now = lb_now_ms(), wall = (long long)time(NULL);
    struct ne_srv **batch;
    size_t n = 0;

    if ((long)inflight >= max || !ne_may_send(e, h)) {
        return;
    }
    batch = calloc(h->n, sizeof(*batch));
    for (size_t i = 0; batch && i < h->n && (long)(inflight + n) < max; i++) {
        struct ne_srv *s = &h->srv[i];

        if (!s->terminal && !s->filtered && s->verdict == NE_SEND && s->retry_ms <= now &&
            ne_marks_add(&h->marks, s->id, wall) == 0) {
            batch[n++] = s;
        }
    }
    if (n && ne_marks_store(h) < 0) {
        if (!h->said_attrd) {
            lb_err("cannot record the evacuations of %s in attrd: not sending them", h->nova);
            h->said_attrd = true;
        }
        for (size_t i = 0; i < n; i++) {
            ne_marks_del(&h->marks, batch[i]->id);
        }
        n = 0;
    } else if (n) {
        h->said_attrd = false;
    }
    for (size_t i = 0; i < n; i++) {
        if (ne_stop || !ne_may_send(e, h)) {
            /* never sent: their records go (the grace period covers a failure to) */
            for (size_t j = i; j < n; j++) {
                ne_marks_del(&h->marks, batch[j]->id);
            }
            ne_marks_store(h);
            lb_info("%s: %zu evacuations of %s not sent now", ne_stop ? "stopping" : "held", n - i,
                    h->nova);
            break;
        }
        ne_send_one(e, h, batch[i]);
    }
    free(batch);
}

/* ------------------------------------------------------------ progress */

static void
ne_count(const struct ne_host *h, struct ne_counts *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < h->n; i++) {
        const struct ne_srv *s = &h->srv[i];

        if (s->filtered) {
            c->filtered++;
            continue;
        }
        c->total++;
        switch (s->verdict) {
        case NE_DONE:
            c->done++;
            break;
        case NE_FAILED:
            c->failed++;
            break;
        case NE_GONE:
            c->gone++;
            break;
        case NE_BLOCKED:
            c->blocked++;
            break;
        case NE_WAIT:
            c->inflight++;
            break;
        default:
            c->pending++;
        }
    }
}

static void
ne_publish(struct ne_engine *e, struct ne_host *h, bool finished)
{
    struct ne_counts c;
    char line[256];

    ne_count(h, &c);
    ne_progress_format(&c, finished, line, sizeof(line));
    if (strcmp(line, h->progress)) {
        snprintf(h->progress, sizeof(h->progress), "%s", line);
        lb_info("%s: %s", h->nova, line);
        ne_attr_set(h->node, NE_ATTR_PROGRESS, line);
    }
    (void)e;
}

/* The summary on this node (crm_mon -A shows it): "HOST: progress; ...". */
static void
ne_publish_summary(struct ne_engine *e)
{
    char buf[sizeof(e->summary)] = "";
    size_t off = 0, first = e->nhosts > NE_SUMMARY_MAX ? e->nhosts - NE_SUMMARY_MAX : 0;

    for (size_t i = first; i < e->nhosts && off < sizeof(buf); i++) {
        const struct ne_host *h = e->hosts[i];

        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s: %s", off ? "; " : "", h->node,
                                h->progress[0] ? h->progress : "starting");
    }
    if (!buf[0]) {
        snprintf(buf, sizeof(buf), "idle");
    }
    if (strcmp(buf, e->summary) && ne_attr_set(e->me, NE_ATTR_SUMMARY, buf) == 0) {
        snprintf(e->summary, sizeof(e->summary), "%s", buf);
    }
}

/* Every server is settled: evacuate=no, and the write-ahead list goes. */
static void
ne_finish(struct ne_engine *e, struct ne_host *h)
{
    struct ne_counts c;

    ne_publish(e, h, true);
    if (ne_attr_set(h->node, NE_ATTR, "no") < 0) {
        h->next_ms = lb_now_ms() + NE_RETRY_MS;
        return;
    }
    ne_attr_set(h->node, NE_ATTR_SENT, NULL);
    h->finished = true;
    ne_count(h, &c);
    lb_log(c.failed || c.blocked ? LOG_WARNING : LOG_NOTICE,
           "evacuation of %s finished in %.1f s: %s", h->nova,
           (double)(lb_now_ms() - h->started_ms) / 1000, h->progress);
}

/* One round for a host. */
static void
ne_round(struct ne_engine *e, struct ne_host *h)
{
    size_t inflight, sendable;
    int rc;

    h->next_ms = lb_now_ms() + NE_RETRY_MS;
    if (!h->resolved && ne_resolve(e, h) < 0) {
        return;
    }
    rc = h->listed ? ne_refresh(e, h) : ne_discover(e, h);
    if (rc < 0 || ne_stop) {
        return;
    }
    ne_decide_all(e, h, &inflight, &sendable);
    if (sendable) {
        ne_send(e, h, inflight);
        ne_decide_all(e, h, &inflight, &sendable);
    }
    ne_publish(e, h, false);
    if (!inflight && !sendable) {
        bool open = false;

        for (size_t i = 0; i < h->n && !open; i++) {
            open = !h->srv[i].terminal && !h->srv[i].filtered && h->srv[i].verdict != NE_BLOCKED;
        }
        if (!open) {
            ne_finish(e, h);
            return;
        }
    }
    h->next_ms = lb_now_ms() + (inflight ? NE_TICK_ACTIVE_MS : NE_RETRY_MS);
}

/* ------------------------------------------------------------ the evacuate attribute */

/* The value of @node in a query_all answer, or NULL. */
static const char *
ne_value_of(char **nodes, char **values, const char *node)
{
    for (size_t j = 0; nodes && nodes[j]; j++) {
        if (!strcmp(nodes[j], node)) {
            return values[j];
        }
    }
    return NULL;
}

static struct ne_host *
ne_host_new(struct ne_engine *e, const char *node)
{
    struct ne_host **v = realloc(e->hosts, (e->nhosts + 1) * sizeof(*v));
    struct ne_host *h = calloc(1, sizeof(*h));

    if (v) {
        e->hosts = v;
    }
    if (!v || !h || !(h->node = strdup(node))) {
        free(h);
        return NULL;
    }
    h->started_ms = lb_now_ms();
    e->hosts[e->nhosts++] = h;
    lb_log(LOG_NOTICE, "node %s is marked for evacuation (%s=yes)", node, NE_ATTR);
    return h;
}

/* A write-ahead list left behind by a node no longer marked: an earlier incident's. */
static void
ne_sweep_marks(char **nodes, char **values)
{
    char **snodes = NULL, **svalues = NULL;

    if (lb_attrd_query_all(NE_ATTR_SENT, &snodes, &svalues) < 0) {
        return;
    }
    for (size_t j = 0; snodes[j]; j++) {
        if (!ne_attr_wants(ne_value_of(nodes, values, snodes[j])) && svalues[j][0]) {
            lb_info("removing %s of %s, left from an earlier evacuation", NE_ATTR_SENT, snodes[j]);
            ne_attr_set(snodes[j], NE_ATTR_SENT, NULL);
        }
    }
    lb_strv_free(snodes);
    lb_strv_free(svalues);
}

/* Read every node's evacuate attribute; start, keep or drop host jobs. */
static int
ne_scan(struct ne_engine *e)
{
    char **nodes = NULL, **values = NULL;
    int rc = lb_attrd_query_all(NE_ATTR, &nodes, &values);

    if (rc < 0) {
        lb_warn("cannot read the %s attribute from attrd: %s", NE_ATTR, strerror(-rc));
        return rc;
    }
    for (size_t i = e->nhosts; i-- > 0;) {
        struct ne_host *h = e->hosts[i];
        bool wanted = ne_attr_wants(ne_value_of(nodes, values, h->node));

        if (wanted && h->finished) {
            ne_host_drop(e, i); /* marked again: a new incident */
        } else if (!wanted && !h->finished) {
            lb_warn("%s of %s is no longer yes: no longer evacuating it", NE_ATTR, h->node);
            ne_host_drop(e, i);
        }
    }
    for (size_t j = 0; nodes[j]; j++) {
        if (ne_attr_wants(values[j]) && !ne_host_find(e, nodes[j])) {
            ne_host_new(e, nodes[j]);
        }
    }
    while (e->nhosts > NE_SUMMARY_MAX) {
        size_t i = 0;

        while (i < e->nhosts && !e->hosts[i]->finished) {
            i++;
        }
        if (i == e->nhosts) {
            break;
        }
        ne_host_drop(e, i); /* forget the oldest finished one */
    }
    ne_sweep_marks(nodes, values);
    lb_strv_free(nodes);
    lb_strv_free(values);
    return 0;
}

/* ------------------------------------------------------------ idle work */

/*
 * With no host to evacuate: keep the cached compute hosts and tags fresh, so
 * that the first evacuate after a fencing waits for none of that (and Nova,
 * Glance and Keystone's token checks stay warm).
 */
static void
ne_idle_refresh(struct ne_engine *e)
{
    long long now = lb_now_ms();

    for (size_t i = 0; i < e->nhosts; i++) {
        if (!e->hosts[i]->finished) {
            return;
        }
    }
    if (now < e->idle_next || e->scan_now || lb_cib_watch_pending()) {
        return;
    }
    e->idle_next = now + NE_RETRY_MS; /* if cut short: again soon */
    if (now - e->computes_at >= NE_HOSTS_EVERY_MS && ne_read_computes(e) < 0) {
        return;
    }
    /* a fencing may have come in meanwhile: it goes first */
    if (lb_cib_watch_pending()) {
        return;
    }
    if (ne_cfg_bool(e, "instance_filtering") && now - e->tags.at >= NE_TAGS_EVERY_MS &&
        ne_read_tags(e) < 0) {
        return;
    }
    e->idle_next = lb_now_ms() + NE_HOSTS_EVERY_MS;
}

/* ------------------------------------------------------------ main loop */

static gboolean ne_tick(gpointer data);

/* Run ne_tick() in @delay_ms (sooner if already due sooner). */
static void
ne_schedule(struct ne_engine *e, long delay_ms)
{
    long long due = lb_now_ms() + (delay_ms > 0 ? delay_ms : 0);

    if (e->timer && e->timer_due <= due) {
        return;
    }
    if (e->timer) {
        g_source_remove(e->timer);
    }
    e->timer_due = due;
    e->timer = g_timeout_add((guint)(delay_ms > 0 ? delay_ms : 0), ne_tick, e);
}

/* A CIB change touched an evacuate attribute. */
static void
ne_cib_changed(void *data)
{
    struct ne_engine *e = data;

    e->scan_now = true;
    ne_schedule(e, 0);
}

static bool
ne_ready(struct ne_engine *e)
{
    long long now = lb_now_ms();
    int rc;

    if (e->os) {
        return true;
    }
    if (now < e->login_retry_ms) {
        return false;
    }
    rc = ne_login(e);
    if (rc == -EACCES || rc == -ENOENT) {
        char why[sizeof(e->reason)];

        snprintf(why, sizeof(why), "%s", e->reason);
        lb_err("%s", why);
        ne_set_state(e, "fatal", "%s", why);
        e->exit_code = LB_OCF_ERR_CONFIGURED;
        g_main_loop_quit(e->loop);
        return false;
    }
    if (rc < 0) {
        lb_warn("%s: retrying in 5 s", e->reason);
        e->login_retry_ms = now + 5000;
        e->state = "retrying"; /* the agent's start need not wait for it */
        ne_write_state(e);
        return false;
    }
    ne_set_state(e, "ready", "logged in; Nova compute API %s", lb_os_nova_version(e->os));
    e->scan_now = true;
    return true;
}

static gboolean
ne_tick(gpointer data)
{
    struct ne_engine *e = data;
    long long now, next;
    bool busy = false;

    e->timer = 0;
    if (ne_stop) {
        g_main_loop_quit(e->loop);
        return G_SOURCE_REMOVE;
    }
    ne_quorum_connect(e);
    if (ne_ready(e)) {
        now = lb_now_ms();
        if ((e->scan_now || now >= e->next_scan_ms) && ne_scan(e) == 0) {
            e->scan_now = false;
            e->next_scan_ms = now + NE_SCAN_IDLE_MS;
        }
        for (size_t i = 0; i < e->nhosts && !ne_stop; i++) {
            struct ne_host *h = e->hosts[i];

            if (!h->finished && lb_now_ms() >= h->next_ms) {
                ne_round(e, h);
            }
        }
        ne_publish_summary(e);
        ne_idle_refresh(e);
    }
    if (ne_stop) {
        g_main_loop_quit(e->loop);
        return G_SOURCE_REMOVE;
    }
    ne_heartbeat(e);
    now = lb_now_ms();
    next = now + NE_HEARTBEAT_MS;
    if (!e->os && e->login_retry_ms < next) {
        next = e->login_retry_ms;
    }
    if (e->os) {
        next = e->scan_now ? now + NE_RETRY_MS : (e->next_scan_ms < next ? e->next_scan_ms : next);
    }
    for (size_t i = 0; i < e->nhosts; i++) {
        if (!e->hosts[i]->finished) {
            busy = true;
            next = e->hosts[i]->next_ms < next ? e->hosts[i]->next_ms : next;
        }
    }
    if (e->os && !busy && e->idle_next < next) {
        next = e->idle_next;
    }
    ne_schedule(e, (long)(next > now ? next - now : 0));
    return G_SOURCE_REMOVE;
}

static void
ne_signal(int sig)
{
    ssize_t ignored;

    (void)sig;
    ne_stop = 1;
    ignored = write(ne_wake_fd[1], "x", 1);
    (void)ignored;
}

static gboolean
ne_woken(gint fd, GIOCondition cond, gpointer data)
{
    struct ne_engine *e = data;
    char buf[16];
    ssize_t ignored = read(fd, buf, sizeof(buf));

    (void)ignored;
    (void)cond;
    if (ne_stop) {
        g_main_loop_quit(e->loop);
    }
    return G_SOURCE_CONTINUE;
}

static int
ne_signals(struct ne_engine *e)
{
    struct sigaction sa = {.sa_handler = ne_signal};

    if (pipe2(ne_wake_fd, O_CLOEXEC | O_NONBLOCK) < 0) {
        return -errno;
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    g_unix_fd_add(ne_wake_fd[0], G_IO_IN, ne_woken, e);
    return 0;
}

/* ------------------------------------------------------------ start-up and exit */

/* Take the pidfile: one engine per resource instance and node. */
static int
ne_lock(struct ne_engine *e)
{
    char line[32];
    int n;

    e->pidfd = open(e->pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (e->pidfd < 0) {
        return -errno;
    }
    if (flock(e->pidfd, LOCK_EX | LOCK_NB) < 0) {
        int err = errno;

        close(e->pidfd);
        e->pidfd = -1;
        return err == EWOULDBLOCK ? -EBUSY : -err;
    }
    n = snprintf(line, sizeof(line), "%d\n", (int)getpid());
    if (ftruncate(e->pidfd, 0) < 0 || pwrite(e->pidfd, line, (size_t)n, 0) != n) {
        return -errno;
    }
    return 0;
}

static void
ne_cleanup(struct ne_engine *e)
{
    if (e->me && e->summary[0]) {
        lb_attrd_update(e->me, NE_ATTR_SUMMARY, NULL);
    }
    lb_cib_watch_stop();
    lb_cib_close();
    if (e->quorum_watch) {
        g_source_remove(e->quorum_watch);
    }
    lb_quorum_close(e->quorum);
    lb_os_free(e->os);
    json_decref(e->computes);
    json_decref(e->tags.flavors);
    json_decref(e->tags.images);
    while (e->nhosts) {
        ne_host_drop(e, e->nhosts - 1);
    }
    free(e->hosts);
    if (e->pidfd >= 0) {
        if (e->exit_code == 0) {
            unlink(e->statefile);
        }
        unlink(e->pidfile);
        close(e->pidfd);
    }
    free(e->me);
    if (e->loop) {
        g_main_loop_unref(e->loop);
    }
    json_decref(e->cfg); /* the password goes with it */
}

int
ne_engine_main(void)
{
    static const char *const watched[] = {NE_ATTR, NULL};
    struct ne_engine e = {.pidfd = -1, .state = "starting"};
    int rc;

    if (ne_read_config(&e) < 0) {
        lb_log_init("NovaEvacuate", NULL);
        lb_exit_reason("engine: no configuration on stdin (the agent's start runs the engine)");
        json_decref(e.cfg);
        return LB_OCF_ERR_ARGS;
    }
    e.instance = ne_cfg_str(&e, "instance");
    if (ne_cfg_bool(&e, "verbose")) {
        setenv("HA_debug", "1", 1);
    }
    lb_log_init("NovaEvacuate", e.instance);
    ne_paths(e.instance, e.pidfile, e.statefile, sizeof(e.pidfile));
    rc = ne_lock(&e);
    if (rc < 0) {
        lb_err("engine: cannot take %s: %s", e.pidfile,
               rc == -EBUSY ? "another engine runs" : strerror(-rc));
        ne_cleanup(&e);
        return LB_OCF_ERR_GENERIC;
    }
    e.loop = g_main_loop_new(NULL, FALSE);
    ne_write_state(&e);
    if (ne_cfg_str(&e, "on_node")) {
        e.me = strdup(ne_cfg_str(&e, "on_node"));
    } else if ((rc = lb_cib_local_node(&e.me)) < 0) {
        lb_warn("engine: cannot tell this node's name (%s): no summary attribute", strerror(-rc));
    }
    if (ne_signals(&e) < 0) {
        ne_cleanup(&e);
        return LB_OCF_ERR_GENERIC;
    }
    rc = lb_cib_watch_start(watched, ne_cib_changed, &e);
    if (rc < 0) {
        lb_warn("engine: no CIB notifications yet (%s): retrying", strerror(-rc));
    }
    lb_info("engine %d started (max_parallel %ld, request_grace %ld s)", (int)getpid(),
            ne_cfg_long(&e, "max_parallel", 10), ne_cfg_long(&e, "request_grace", 60));
    ne_schedule(&e, 0);
    g_main_loop_run(e.loop);
    lb_info("engine %d stopping", (int)getpid());
    rc = e.exit_code;
    ne_cleanup(&e);
    lb_log_close();
    return rc;
}
