/*
 * lifeboat RabbitMQ: parsing and judging, no I/O (see lifeboat/rabbitmq.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/proc.h"
#include "lifeboat/rabbitmq.h"

/* ------------------------------------------------------------ string vectors */

/* Append a copy of @s (@n bytes) to the NULL-terminated vector *@v of *@count. */
static int
strv_add(char ***v, size_t *count, const char *s, size_t n)
{
    char **nv = realloc(*v, (*count + 2) * sizeof(**v));

    if (nv == NULL) {
        return -ENOMEM;
    }
    *v = nv;
    if ((nv[*count] = strndup(s, n)) == NULL) {
        nv[*count] = NULL;
        return -ENOMEM;
    }
    nv[++*count] = NULL;
    return 0;
}

static bool
strv_has(char *const *v, const char *s)
{
    for (size_t i = 0; v && v[i]; i++) {
        if (strcmp(v[i], s) == 0) {
            return true;
        }
    }
    return false;
}

static size_t
strv_len(char *const *v)
{
    size_t n = 0;

    while (v && v[n]) {
        n++;
    }
    return n;
}

/* ------------------------------------------------------------ views */

void
lb_rmq_view_free(struct lb_rmq_view *view)
{
    for (size_t i = 0; view && i < view->n; i++) {
        free(view->v[i].name);
        lb_argv_free(view->v[i].partitions);
    }
    if (view) {
        free(view->v);
        view->v = NULL;
        view->n = 0;
    }
}

/* A new member @name at the end of @view (or the existing one). */
static struct lb_rmq_member *
view_add(struct lb_rmq_view *view, const char *name)
{
    struct lb_rmq_member *m;

    for (size_t i = 0; i < view->n; i++) {
        if (strcmp(view->v[i].name, name) == 0) {
            return &view->v[i];
        }
    }
    m = realloc(view->v, (view->n + 1) * sizeof(*m));
    if (m == NULL) {
        return NULL;
    }
    view->v = m;
    m = &view->v[view->n];
    memset(m, 0, sizeof(*m));
    if ((m->name = strdup(name)) == NULL) {
        return NULL;
    }
    view->n++;
    return m;
}

/* The strings of JSON array @a into the NULL-terminated *@out. */
static int
json_strings(const json_t *a, char ***out)
{
    size_t i, n = 0;
    json_t *e;

    *out = calloc(1, sizeof(**out));
    if (*out == NULL) {
        return -ENOMEM;
    }
    json_array_foreach(a, i, e)
    {
        if (json_is_string(e) &&
            strv_add(out, &n, json_string_value(e), json_string_length(e)) < 0) {
            return -ENOMEM;
        }
    }
    return 0;
}

/* The PID of a member: a string ("1234") or a number. */
static long
json_pid(const json_t *v)
{
    if (json_is_integer(v)) {
        return (long)json_integer_value(v);
    }
    return json_is_string(v) ? strtol(json_string_value(v), NULL, 10) : 0;
}

static int
api_member(const json_t *o, struct lb_rmq_view *view)
{
    const json_t *name = json_object_get(o, "name");
    const json_t *parts = json_object_get(o, "partitions");
    struct lb_rmq_member *m;

    if (!json_is_string(name)) {
        return -EBADMSG;
    }
    if ((m = view_add(view, json_string_value(name))) == NULL) {
        return -ENOMEM;
    }
    m->running = json_is_true(json_object_get(o, "running"));
    m->os_pid = json_pid(json_object_get(o, "os_pid"));
    lb_argv_free(m->partitions);
    m->partitions = NULL;
    /* a member that just joined may not report partitions yet: none known */
    return json_strings(json_is_array(parts) ? parts : NULL, &m->partitions);
}

int
lb_rmq_view_from_api(const char *json, struct lb_rmq_view *view)
{
    json_t *root = json ? json_loads(json, 0, NULL) : NULL;
    size_t i;
    json_t *o;
    int rc = 0;

    memset(view, 0, sizeof(*view));
    if (!json_is_array(root)) {
        json_decref(root);
        return -EBADMSG;
    }
    json_array_foreach(root, i, o)
    {
        if (rc == 0 && json_is_object(o)) {
            rc = api_member(o, view);
        }
    }
    json_decref(root);
    if (rc < 0) {
        lb_rmq_view_free(view);
    }
    return rc;
}

/* Members named in JSON array @a, running or not. */
static int
ctl_members(const json_t *a, struct lb_rmq_view *view, bool running)
{
    size_t i;
    json_t *e;

    json_array_foreach(a, i, e)
    {
        struct lb_rmq_member *m;

        if (!json_is_string(e)) {
            continue;
        }
        if ((m = view_add(view, json_string_value(e))) == NULL) {
            return -ENOMEM;
        }
        m->running = m->running || running;
        if (m->partitions == NULL && (m->partitions = calloc(1, sizeof(char *))) == NULL) {
            return -ENOMEM;
        }
    }
    return 0;
}

int
lb_rmq_view_from_ctl(const char *json, struct lb_rmq_view *view)
{
    json_t *root = json ? json_loads(json, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    json_t *parts;
    const char *key;
    json_t *val;
    int rc;

    memset(view, 0, sizeof(*view));
    if (!json_is_object(root)) {
        json_decref(root);
        return -EBADMSG;
    }
    rc = ctl_members(json_object_get(root, "disk_nodes"), view, false);
    if (rc == 0) {
        rc = ctl_members(json_object_get(root, "ram_nodes"), view, false);
    }
    if (rc == 0) {
        rc = ctl_members(json_object_get(root, "running_nodes"), view, true);
    }
    parts = json_object_get(root, "partitions");
    json_object_foreach(parts, key, val)
    {
        struct lb_rmq_member *m = rc == 0 ? view_add(view, key) : NULL;

        if (m == NULL) {
            rc = rc ? rc : -ENOMEM;
            break;
        }
        lb_argv_free(m->partitions);
        rc = json_strings(val, &m->partitions);
    }
    json_decref(root);
    if (rc < 0) {
        lb_rmq_view_free(view);
    }
    return rc;
}

const struct lb_rmq_member *
lb_rmq_view_find(const struct lb_rmq_view *view, const char *name)
{
    for (size_t i = 0; view && name && i < view->n; i++) {
        if (strcmp(view->v[i].name, name) == 0) {
            return &view->v[i];
        }
    }
    return NULL;
}

size_t
lb_rmq_view_running(const struct lb_rmq_view *view)
{
    size_t n = 0;

    for (size_t i = 0; view && i < view->n; i++) {
        n += view->v[i].running;
    }
    return n;
}

/* ------------------------------------------------------------ partition verdict */

/* The smallest name in @a and @b (vectors), or NULL. */
static const char *
smallest(char *const *a, char *const *b)
{
    const char *best = NULL;

    for (size_t i = 0; a && a[i]; i++) {
        best = (best == NULL || strcmp(a[i], best) < 0) ? a[i] : best;
    }
    for (size_t i = 0; b && b[i]; i++) {
        best = (best == NULL || strcmp(b[i], best) < 0) ? b[i] : best;
    }
    return best;
}

/* Up to @len bytes of "a, b, c" from @v into @buf. */
static void
join_names(char *const *v, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; v && v[i] && used + 1 < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", v[i]);

        used += n > 0 ? (size_t)n : 0;
    }
}

enum lb_rmq_verdict
lb_rmq_judge(const struct lb_rmq_view *view, const char *self, char *why, size_t len)
{
    const struct lb_rmq_member *me = lb_rmq_view_find(view, self);
    char **side = NULL, others[512];
    size_t nside = 0, nother;
    enum lb_rmq_verdict verdict;
    const char *first;

    if (why && len) {
        why[0] = '\0';
    }
    if (me == NULL) {
        if (why) {
            snprintf(why, len, "node %s is not a member of the cluster it answers for", self);
        }
        return LB_RMQ_ABSENT;
    }
    if (!me->running) {
        if (why) {
            snprintf(why, len, "node %s is a cluster member but is not running", self);
        }
        return LB_RMQ_STOPPED;
    }
    if (me->partitions == NULL || me->partitions[0] == NULL) {
        return LB_RMQ_HEALTHY;
    }
    for (size_t i = 0; i < view->n; i++) {
        const struct lb_rmq_member *m = &view->v[i];

        if ((m == me || (m->running && !strv_has(me->partitions, m->name))) &&
            strv_add(&side, &nside, m->name, strlen(m->name)) < 0) {
            lb_argv_free(side);
            return LB_RMQ_MINORITY; /* out of memory: the safe answer is to restart */
        }
    }
    nother = strv_len(me->partitions);
    first = smallest(side, me->partitions);
    if (nside != nother) {
        verdict = nside > nother ? LB_RMQ_MAJORITY : LB_RMQ_MINORITY;
    } else {
        verdict = strv_has(side, first) ? LB_RMQ_MAJORITY : LB_RMQ_MINORITY;
    }
    join_names(me->partitions, others, sizeof(others));
    if (why) {
        snprintf(why, len,
                 "node %s is partitioned from %s; its side has %zu node(s), the other %zu%s: "
                 "%s",
                 self, others, nside, nother, nside == nother ? " (a tie, decided by name)" : "",
                 verdict == LB_RMQ_MAJORITY ? "it keeps running"
                                            : "it is the minority and must restart to heal");
    }
    lb_argv_free(side);
    return verdict;
}

/* ------------------------------------------------------------ Erlang terms */

/* Skip blanks and %-comments. */
static const char *
term_skip(const char *p)
{
    for (;;) {
        while (*p && isspace((unsigned char)*p)) {
            p++;
        }
        if (*p != '%') {
            return p;
        }
        while (*p && *p != '\n') {
            p++;
        }
    }
}

/* One atom at @p (bare or 'quoted') appended to @v; *@end after it. */
static int
term_atom(const char *p, const char **end, char ***v, size_t *n)
{
    const char *s = p;

    if (*p == '\'') {
        const char *q = strchr(p + 1, '\'');

        if (q == NULL) {
            return -EINVAL;
        }
        *end = q + 1;
        return strv_add(v, n, p + 1, (size_t)(q - p - 1));
    }
    while (*p && (isalnum((unsigned char)*p) || strchr("_@.-", *p) != NULL)) {
        p++;
    }
    if (p == s) {
        return -EINVAL;
    }
    *end = p;
    return strv_add(v, n, s, (size_t)(p - s));
}

char **
lb_rmq_atom_list(const char *text)
{
    const char *p = text ? strchr(text, '[') : NULL;
    char **v = NULL;
    size_t n = 0;

    if (p == NULL || (v = calloc(1, sizeof(*v))) == NULL) {
        return NULL;
    }
    for (p = term_skip(p + 1); *p != ']';) {
        if (term_atom(p, &p, &v, &n) < 0) {
            lb_argv_free(v);
            return NULL;
        }
        p = term_skip(p);
        if (*p == ',') {
            p = term_skip(p + 1);
        } else if (*p != ']') {
            lb_argv_free(v);
            return NULL;
        }
    }
    return v;
}

bool
lb_rmq_plugin_enabled(const char *text, const char *plugin)
{
    char **v = lb_rmq_atom_list(text);
    bool found = plugin != NULL && strv_has(v, plugin);

    lb_argv_free(v);
    return found;
}

/* ------------------------------------------------------------ rabbitmq-env.conf */

/* The value of assignment line @line to @name into @buf; 1 if it assigns it. */
static int
env_line(const char *line, size_t linelen, const char *name, char *buf, size_t len)
{
    const char *p = line, *end = line + linelen, *v;
    size_t n = strlen(name), vlen;

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    if ((size_t)(end - p) > 7 && strncmp(p, "export ", 7) == 0) {
        p += 7;
    }
    if ((size_t)(end - p) > 9 && strncmp(p, "RABBITMQ_", 9) == 0 && strncmp(p + 9, name, n) == 0 &&
        p[9 + n] == '=') {
        p += 9;
    }
    if ((size_t)(end - p) <= n || strncmp(p, name, n) != 0 || p[n] != '=') {
        return 0;
    }
    v = p + n + 1;
    vlen = (size_t)(end - v);
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r')) {
        vlen--;
    }
    if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
        v++;
        vlen -= 2;
    }
    if (vlen >= len) {
        return -ENAMETOOLONG;
    }
    memcpy(buf, v, vlen);
    buf[vlen] = '\0';
    return 1;
}

int
lb_rmq_env_value(const char *text, const char *name, char *buf, size_t len)
{
    int rc = -ENOENT;

    for (const char *p = text; p && *p;) {
        size_t linelen = strcspn(p, "\n");
        int r = env_line(p, linelen, name, buf, len);

        if (r < 0) {
            return r;
        }
        rc = r > 0 ? 0 : rc;
        p += linelen + (p[linelen] == '\n');
    }
    return rc;
}

/* ------------------------------------------------------------ set_policy */

void
lb_rmq_policy_free(struct lb_rmq_policy *p)
{
    free(p->vhost);
    free(p->name);
    free(p->pattern);
    free(p->definition);
    free(p->apply_to);
    memset(p, 0, sizeof(*p));
}

/* Take the value of option @opt from w[*i] ("--opt=V" or "--opt V"). 1 if it was that option. */
static int
policy_opt(char **w, size_t *i, const char *lng, const char *shrt, char **out)
{
    size_t n = strlen(lng);
    const char *v = NULL;

    if (strncmp(w[*i], lng, n) == 0 && w[*i][n] == '=') {
        v = w[*i] + n + 1;
    } else if (strcmp(w[*i], lng) == 0 || (shrt && strcmp(w[*i], shrt) == 0)) {
        if (w[*i + 1] == NULL) {
            return -EINVAL;
        }
        v = w[++*i];
    } else {
        return 0;
    }
    free(*out);
    return (*out = strdup(v)) == NULL ? -ENOMEM : 1;
}

/* The words from @w[from] on, joined with single spaces. */
static char *
join_words(char **w, size_t from)
{
    size_t len = 1;
    char *s;

    for (size_t i = from; w[i]; i++) {
        len += strlen(w[i]) + 1;
    }
    if ((s = calloc(1, len)) == NULL) {
        return NULL;
    }
    for (size_t i = from; w[i]; i++) {
        if (i > from) {
            strcat(s, " ");
        }
        strcat(s, w[i]);
    }
    return s;
}

/* Options and positional words of @w into @p. */
static int
policy_words(char **w, struct lb_rmq_policy *p, char *err, size_t len)
{
    char *prio = NULL, *pos[3] = {NULL, NULL, NULL};
    size_t npos = 0, i;
    int rc = 0;

    for (i = 0; w[i] && npos < 2 && rc >= 0; i++) {
        if ((rc = policy_opt(w, &i, "--vhost", "-p", &p->vhost)) != 0 ||
            (rc = policy_opt(w, &i, "--priority", NULL, &prio)) != 0 ||
            (rc = policy_opt(w, &i, "--apply-to", NULL, &p->apply_to)) != 0) {
            continue;
        }
        pos[npos++] = w[i];
    }
    if (rc >= 0 && npos == 2 && w[i] != NULL) {
        pos[2] = w[i];
    }
    if (rc < 0 || pos[2] == NULL) {
        snprintf(err, len,
                 "expected [--vhost V] [--priority N] [--apply-to A] NAME PATTERN "
                 "DEFINITION");
        free(prio);
        return -EINVAL;
    }
    if (prio != NULL) {
        char *end;

        p->priority = strtol(prio, &end, 10);
        p->has_priority = true;
        if (*prio == '\0' || *end != '\0') {
            snprintf(err, len, "priority '%s' is not an integer", prio);
            free(prio);
            return -EINVAL;
        }
        free(prio);
    }
    p->name = strdup(pos[0]);
    p->pattern = strdup(pos[1]);
    p->definition = join_words(w, i);
    return p->name && p->pattern && p->definition ? 0 : -ENOMEM;
}

int
lb_rmq_policy_parse(const char *args, struct lb_rmq_policy *p, char *err, size_t len)
{
    char **w = lb_argv_split(args ? args : "");
    json_t *def;
    int rc;

    memset(p, 0, sizeof(*p));
    err[0] = '\0';
    if (w == NULL) {
        return -ENOMEM;
    }
    rc = policy_words(w, p, err, len);
    lb_argv_free(w);
    if (rc == 0 && p->vhost == NULL && (p->vhost = strdup("/")) == NULL) {
        rc = -ENOMEM;
    }
    if (rc == 0) {
        def = json_loads(p->definition, 0, NULL);
        if (!json_is_object(def)) {
            snprintf(err, len, "definition '%.200s' is not a JSON object", p->definition);
            rc = -EINVAL;
        }
        json_decref(def);
    }
    if (rc < 0) {
        lb_rmq_policy_free(p);
        if (!err[0]) {
            snprintf(err, len, "%s", strerror(-rc));
        }
    }
    return rc;
}

char *
lb_rmq_policy_body(const struct lb_rmq_policy *p)
{
    json_t *o = json_object(), *def = json_loads(p->definition, 0, NULL);
    char *s = NULL;

    if (o != NULL && def != NULL &&
        json_object_set_new(o, "pattern", json_string(p->pattern)) == 0 &&
        json_object_set(o, "definition", def) == 0 &&
        (!p->has_priority || json_object_set_new(o, "priority", json_integer(p->priority)) == 0) &&
        (!p->apply_to || json_object_set_new(o, "apply-to", json_string(p->apply_to)) == 0)) {
        s = json_dumps(o, JSON_COMPACT);
    }
    json_decref(def);
    json_decref(o);
    return s;
}

/* ------------------------------------------------------------ credentials */

int
lb_rmq_credentials(const char *text, char *user, size_t ulen, char *pass, size_t plen)
{
    size_t line = text ? strcspn(text, "\r\n") : 0;
    const char *colon = text ? memchr(text, ':', line) : NULL;
    size_t u, pw;

    if (colon == NULL || colon == text) {
        return -EINVAL;
    }
    u = (size_t)(colon - text);
    pw = line - u - 1;
    if (u >= ulen || pw >= plen) {
        return -ENAMETOOLONG;
    }
    memcpy(user, text, u);
    user[u] = '\0';
    memcpy(pass, colon + 1, pw);
    pass[pw] = '\0';
    return 0;
}

/* ------------------------------------------------------------ boot failures */

/* Copy @s (up to its end of line or @n bytes) into @why, blanks squeezed. */
static void
one_line(const char *s, size_t n, char *why, size_t len)
{
    size_t o = 0;
    bool blank = false;

    for (size_t i = 0; i < n && s[i] && o + 1 < len; i++) {
        if (isspace((unsigned char)s[i])) {
            blank = o > 0;
            continue;
        }
        if (blank && o + 2 < len) {
            why[o++] = ' ';
        }
        blank = false;
        why[o++] = s[i];
    }
    why[o] = '\0';
}

bool
lb_rmq_boot_error(const char *text, char *why, size_t len)
{
    static const char startup[] = "Error during startup:";
    static const char kernel[] = "Kernel pid terminated";
    const char *p = text ? strstr(text, startup) : NULL;

    if (p != NULL) {
        /* the term runs until an empty line */
        const char *end = strstr(p, "\n\n");

        p += sizeof(startup) - 1;
        one_line(p, end ? (size_t)(end - p) : strlen(p), why, len);
        return true;
    }
    if (text != NULL && (p = strstr(text, kernel)) != NULL) {
        one_line(p, strcspn(p, "\n"), why, len);
        return true;
    }
    return false;
}

bool
lb_rmq_inconsistent(const char *text)
{
    return text != NULL && strstr(text, "inconsistent_cluster") != NULL;
}
