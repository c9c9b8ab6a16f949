/*
 * ocf:lifeboat:NovaEvacuate: the engine's decisions (see nova_evacuate.h).
 * Nothing here does I/O.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lifeboat/openstack.h"
#include "nova_evacuate.h"

/* ------------------------------------------------------------ small helpers */

/* @s without leading and trailing blanks, into @out. */
static void
ne_trim(const char *s, char *out, size_t len)
{
    size_t n;

    while (*s && isspace((unsigned char)*s)) {
        s++;
    }
    n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) {
        n--;
    }
    snprintf(out, len, "%.*s", (int)n, s);
}

static bool
ne_eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* ------------------------------------------------------------ filtering */

enum ne_policy
ne_policy_parse(const char *value)
{
    char v[64];

    if (!value) {
        return NE_POLICY_UNSET;
    }
    ne_trim(value, v, sizeof(v));
    if (!strcasecmp(v, "off")) {
        return NE_POLICY_OFF;
    }
    if (!strcasecmp(v, "restart-on-host-failure")) {
        return NE_POLICY_RESTART;
    }
    return NE_POLICY_INVALID;
}

bool
ne_tag_true(const char *value)
{
    char v[16];

    if (!value) {
        return false;
    }
    ne_trim(value, v, sizeof(v));
    return !strcasecmp(v, "true");
}

bool
ne_filter(const struct ne_filter_in *in, char *why, size_t len)
{
    const char *r;
    bool yes;

    if (in->policy == NE_POLICY_OFF) {
        r = "HA policy off", yes = false;
    } else if (in->policy == NE_POLICY_RESTART) {
        r = "HA policy restart-on-host-failure", yes = true;
    } else if (!in->filtering) {
        r = "instance filtering off", yes = true;
    } else if (!in->any_tagged) {
        r = "no flavor or image is tagged evacuable: all servers are", yes = true;
    } else if (in->flavor_tagged) {
        r = "flavor tagged evacuable", yes = true;
    } else if (in->image_tagged) {
        r = "image tagged evacuable", yes = true;
    } else {
        r = "neither its flavor nor its image is tagged evacuable", yes = false;
    }
    snprintf(why, len, "%s", r);
    return yes;
}

/* ------------------------------------------------------------ one server */

enum ne_mig
ne_mig_classify(const char *status)
{
    static const char *const failed[] = {"failed", "error", "cancelled", "reverted", NULL};
    static const char *const done[] = {"done", "completed", "finished", "confirmed", NULL};

    if (!status) {
        return NE_MIG_ACTIVE;
    }
    for (size_t i = 0; failed[i]; i++) {
        if (!strcasecmp(status, failed[i])) {
            return NE_MIG_FAILED;
        }
    }
    for (size_t i = 0; done[i]; i++) {
        if (!strcasecmp(status, done[i])) {
            return NE_MIG_DONE;
        }
    }
    return NE_MIG_ACTIVE; /* accepted, pre-migrating, migrating, queued... */
}

/* Rank: none < failed < done < active. */
static int
ne_mig_rank(enum ne_mig m)
{
    switch (m) {
    case NE_MIG_FAILED:
        return 1;
    case NE_MIG_DONE:
        return 2;
    case NE_MIG_ACTIVE:
        return 3;
    default:
        return 0;
    }
}

enum ne_mig
ne_mig_merge(enum ne_mig a, enum ne_mig b)
{
    return ne_mig_rank(a) >= ne_mig_rank(b) ? a : b;
}

static const char *
ne_jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

void
ne_facts_from_json(json_t *server, struct ne_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->exists = json_is_object(server);
    f->status = ne_jstr(server, "status");
    f->vm_state = ne_jstr(server, "OS-EXT-STS:vm_state");
    f->task_state = ne_jstr(server, "OS-EXT-STS:task_state");
    f->host = ne_jstr(server, "OS-EXT-SRV-ATTR:host");
}

const char *
ne_verdict_name(enum ne_verdict v)
{
    switch (v) {
    case NE_SEND:
        return "send";
    case NE_WAIT:
        return "wait";
    case NE_DONE:
        return "done";
    case NE_FAILED:
        return "failed";
    case NE_BLOCKED:
        return "blocked";
    default:
        return "gone";
    }
}

/* Nova evacuates servers in these vm_states only (unknown: let Nova judge). */
static bool
ne_vm_state_evacuable(const char *vm_state)
{
    return !vm_state || !strcmp(vm_state, "active") || !strcmp(vm_state, "stopped") ||
           !strcmp(vm_state, "error");
}

/* The server has left the failed host. */
static enum ne_verdict
ne_decide_moved(const struct ne_facts *s, char *why, size_t len)
{
    if (s->task_state) {
        snprintf(why, len, "rebuilding on %s (task_state %s)", s->host ? s->host : "?",
                 s->task_state);
        return NE_WAIT;
    }
    if (ne_eq(s->status, "ERROR")) {
        snprintf(why, len, "ERROR on %s", s->host ? s->host : "?");
        return NE_FAILED;
    }
    snprintf(why, len, "%s on %s", s->status ? s->status : "?", s->host ? s->host : "?");
    return NE_DONE;
}

enum ne_verdict
ne_decide(const struct ne_decide_in *in, char *why, size_t len)
{
    const struct ne_facts *s = &in->srv;

    if (!s->exists) {
        snprintf(why, len, "deleted");
        return NE_GONE;
    }
    if (!ne_eq(s->host, in->failed_host)) {
        return ne_decide_moved(s, why, len);
    }
    if (in->mig == NE_MIG_FAILED) {
        snprintf(why, len, "Nova's evacuation failed (status %s)", s->status ? s->status : "?");
        return NE_FAILED;
    }
    if (in->mig != NE_MIG_NONE) {
        snprintf(why, len, "evacuation under way (task_state %s)",
                 s->task_state ? s->task_state : "none");
        return NE_WAIT;
    }
    if (s->task_state) {
        snprintf(why, len, "task_state %s", s->task_state);
        return in->marked ? NE_WAIT : NE_BLOCKED;
    }
    if (in->marked && in->marked_age_ms < in->grace_ms) {
        snprintf(why, len, "a request sent %lld s ago may still reach Nova",
                 in->marked_age_ms / 1000);
        return NE_WAIT;
    }
    if (!ne_vm_state_evacuable(s->vm_state)) {
        snprintf(why, len, "vm_state %s cannot be evacuated", s->vm_state);
        return NE_BLOCKED;
    }
    snprintf(why, len, "%s", in->marked ? "no trace in Nova of the request sent earlier" : "to go");
    return NE_SEND;
}

/* ------------------------------------------------------------ requests */

json_t *
ne_evacuate_body(const char *mv, bool no_shared_storage)
{
    json_t *args = json_object();

    if (lb_os_version_cmp(mv, NE_MV_AUTO_SHARED) < 0) {
        json_object_set_new(args, "onSharedStorage", json_boolean(!no_shared_storage));
    }
    return json_pack("{s:o}", "evacuate", args);
}

/* ------------------------------------------------------------ the write-ahead list */

static bool
ne_id_ok(const char *s, size_t n)
{
    if (n == 0 || n >= NE_ID_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '-') {
            return false;
        }
    }
    return true;
}

/* Parse a decimal in @s of length @n. */
static bool
ne_num(const char *s, size_t n, long long *out)
{
    char buf[32], *end;

    if (n == 0 || n >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *out = strtoll(buf, &end, 10);
    return !errno && *end == '\0' && *out >= 0;
}

int
ne_marks_find(const struct ne_marks *m, const char *id)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!strcmp(m->v[i].id, id)) {
            return (int)i;
        }
    }
    return -1;
}

int
ne_marks_add(struct ne_marks *m, const char *id, long long at)
{
    int i = ne_marks_find(m, id);

    if (i >= 0) {
        m->v[i].at = at;
        return 0;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        struct ne_mark *v = realloc(m->v, cap * sizeof(*v));

        if (!v) {
            return -ENOMEM;
        }
        m->v = v;
        m->cap = cap;
    }
    snprintf(m->v[m->n].id, sizeof(m->v[m->n].id), "%s", id);
    m->v[m->n++].at = at;
    return 0;
}

void
ne_marks_del(struct ne_marks *m, const char *id)
{
    int i = ne_marks_find(m, id);

    if (i >= 0) {
        memmove(&m->v[i], &m->v[i + 1], (m->n - (size_t)i - 1) * sizeof(m->v[0]));
        m->n--;
    }
}

void
ne_marks_free(struct ne_marks *m)
{
    free(m->v);
    memset(m, 0, sizeof(*m));
}

/* One token of the attribute value. */
static int
ne_marks_token(struct ne_marks *m, const char *t, size_t n)
{
    const char *at = memchr(t, '@', n);
    long long v;

    if (n > 6 && !strncmp(t, "since=", 6)) {
        if (ne_num(t + 6, n - 6, &v)) {
            m->since = v;
        }
        return 0;
    }
    if (!at || !ne_id_ok(t, (size_t)(at - t)) || !ne_num(at + 1, n - (size_t)(at - t) - 1, &v)) {
        return 0; /* junk: skipped */
    }
    char id[NE_ID_MAX];

    snprintf(id, sizeof(id), "%.*s", (int)(at - t), t);
    return ne_marks_add(m, id, v);
}

int
ne_marks_parse(const char *value, struct ne_marks *m)
{
    memset(m, 0, sizeof(*m));
    for (const char *p = value ? value : ""; *p;) {
        size_t n;

        p += strspn(p, " \t\n");
        n = strcspn(p, " \t\n");
        if (n && ne_marks_token(m, p, n) < 0) {
            ne_marks_free(m);
            return -ENOMEM;
        }
        p += n;
    }
    return 0;
}

char *
ne_marks_format(const struct ne_marks *m)
{
    size_t cap = 32 + m->n * (NE_ID_MAX + 24), off;
    char *s = malloc(cap);

    if (!s) {
        return NULL;
    }
    off = (size_t)snprintf(s, cap, "since=%lld", m->since);
    for (size_t i = 0; i < m->n && off < cap; i++) {
        off += (size_t)snprintf(s + off, cap - off, " %s@%lld", m->v[i].id, m->v[i].at);
    }
    return s;
}

/* ------------------------------------------------------------ attributes and progress */

bool
ne_attr_wants(const char *value)
{
    static const char *const yes[] = {"yes", "y", "true", "on", "1", NULL};
    const char *at;
    char v[256];

    if (!value) {
        return false;
    }
    ne_trim(value, v, sizeof(v));
    for (size_t i = 0; yes[i]; i++) {
        if (!strcasecmp(v, yes[i])) {
            return true;
        }
    }
    /* NovaEvacuate (shell) marks a node it works on as NODE@EPOCH */
    at = strchr(v, '@');
    return at && at > v && at[1] && strspn(at + 1, "0123456789") == strlen(at + 1);
}

void
ne_progress_format(const struct ne_counts *c, bool finished, char *out, size_t len)
{
    size_t off;

    if (finished) {
        off = (size_t)snprintf(out, len, "done: %zu/%zu evacuated, %zu failed", c->done, c->total,
                               c->failed);
    } else {
        off = (size_t)snprintf(out, len,
                               "running: %zu/%zu evacuated, %zu in flight, %zu pending, "
                               "%zu failed",
                               c->done, c->total, c->inflight, c->pending, c->failed);
    }
    if (c->blocked && off < len) {
        off +=
            (size_t)snprintf(out + off, len - off, ", %zu blocked (task or vm state)", c->blocked);
    }
    if (c->gone && off < len) {
        off += (size_t)snprintf(out + off, len - off, ", %zu deleted", c->gone);
    }
    if (c->filtered && off < len) {
        snprintf(out + off, len - off, ", %zu not evacuable (policy or tag)", c->filtered);
    }
}

long long
ne_nova_time(const char *s)
{
    struct tm tm;
    const char *rest;

    if (!s) {
        return -1;
    }
    memset(&tm, 0, sizeof(tm));
    rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest) {
        rest = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
    }
    if (!rest) {
        return -1;
    }
    if (*rest == '.') {
        rest += 1 + strspn(rest + 1, "0123456789");
    }
    if (*rest && strcmp(rest, "Z") && strcmp(rest, "+00:00")) {
        return -1; /* Nova speaks UTC; anything else is not understood */
    }
    return (long long)timegm(&tm);
}

void
ne_urlencode(const char *in, char *out, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    for (; *in && o + 4 < len; in++) {
        unsigned char c = (unsigned char)*in;

        if (isalnum(c) || strchr("-._~", c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}
