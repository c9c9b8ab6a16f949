/*
 * ocf:lifeboat:NovaEvacuate: the decisions of the evacuation engine, as pure
 * functions (no I/O), so that each one is unit-tested on its own:
 * which servers to evacuate (evacuable tag, per-server HA policy), what to do
 * with a server given what Nova says and what was recorded before (the
 * exactly-once rule), the request body for a compute microversion, the
 * write-ahead list of evacuations kept in a node attribute, and the progress
 * line shown in `crm_mon -A`.
 */
#ifndef LIFEBOAT_NOVA_EVACUATE_H
#define LIFEBOAT_NOVA_EVACUATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Node attributes. fence_compute sets NE_ATTR=yes on the failed node. */
#define NE_ATTR          "evacuate"          /* on the failed node: yes, then no */
#define NE_ATTR_SENT     "evacuate-sent"     /* on the failed node: the write-ahead list */
#define NE_ATTR_PROGRESS "evacuate-progress" /* on the failed node: one line */
#define NE_ATTR_SUMMARY  "nova-evacuations"  /* on the engine's node, for crm_mon -A */

/* Compute microversions that change what an evacuate request means. */
#define NE_MV_MIN         "2.1"
#define NE_MV_AUTO_SHARED "2.14" /* onSharedStorage gone: Nova detects shared storage */
#define NE_MV_EMBED_FLAV  "2.47" /* servers embed their flavor with extra_specs */
#define NE_MV_FLAV_SPECS  "2.61" /* flavor lists include extra_specs */
#define NE_MV_MAX         "2.94" /* 2.95 leaves evacuated servers stopped: stay below */

/* ------------------------------------------------------------ filtering */

/* A server's HA policy from its metadata (the ha_policy_key parameter). */
enum ne_policy {
    NE_POLICY_UNSET,   /* no such key: the evacuable tag decides */
    NE_POLICY_OFF,     /* "off": never evacuated */
    NE_POLICY_RESTART, /* "restart-on-host-failure": always evacuated */
    NE_POLICY_INVALID, /* anything else: warned about, treated as unset */
};

/** Parse a policy value (case-insensitive, blanks around ignored); NULL is UNSET. */
enum ne_policy ne_policy_parse(const char *value);

/** True when an evacuable tag value means yes ("true", any case, blanks around). */
bool ne_tag_true(const char *value);

/* What filtering knows about one server. */
struct ne_filter_in {
    bool filtering;     /* instance_filtering parameter */
    bool any_tagged;    /* some flavor or image of the cloud carries the tag */
    bool flavor_tagged; /* this server's flavor carries it */
    bool image_tagged;  /* this server's image carries it */
    enum ne_policy policy;
};

/**
 * Whether to evacuate a server: its policy first (off: never; restart: always),
 * then, with filtering on and something tagged in the cloud, only tagged
 * flavors or images (fence_evacuate's rule); otherwise everything. @why gets
 * a short reason.
 */
bool ne_filter(const struct ne_filter_in *in, char *why, size_t len);

/* ------------------------------------------------------------ one server */

/* The state of an evacuation migration (GET /os-migrations), this incident only. */
enum ne_mig {
    NE_MIG_NONE,   /* no evacuation record for the server */
    NE_MIG_ACTIVE, /* accepted, pre-migrating, migrating...: Nova is on it */
    NE_MIG_DONE,   /* done, or completed: rebuilt elsewhere */
    NE_MIG_FAILED, /* failed or error: Nova tried and gave up */
};

/** Classify a migration status string. Unknown statuses count as active. */
enum ne_mig ne_mig_classify(const char *status);

/** The more telling of two records of one server (none < failed < done < active). */
enum ne_mig ne_mig_merge(enum ne_mig a, enum ne_mig b);

/* What Nova says about a server. Strings are borrowed. */
struct ne_facts {
    bool exists;            /* false: 404 (deleted) */
    const char *status;     /* ACTIVE, SHUTOFF, ERROR, REBUILD... */
    const char *vm_state;   /* OS-EXT-STS:vm_state: active, stopped, error... */
    const char *task_state; /* OS-EXT-STS:task_state, NULL when null */
    const char *host;       /* OS-EXT-SRV-ATTR:host, may be NULL */
};

/** Fill @f from a server document (borrowing its strings). */
void ne_facts_from_json(json_t *server, struct ne_facts *f);

/* Everything one decision looks at. */
struct ne_decide_in {
    struct ne_facts srv;
    const char *failed_host; /* Nova's name of the host being evacuated */
    enum ne_mig mig;         /* this incident's evacuation record */
    bool marked;             /* in the write-ahead list (a request may have been sent) */
    long long marked_age_ms; /* since the mark was written */
    long long grace_ms;      /* how long a request may still be on its way to Nova */
};

enum ne_verdict {
    NE_SEND,    /* send the one evacuate */
    NE_WAIT,    /* Nova is on it, or a request of ours may still arrive */
    NE_DONE,    /* on another host, no task: evacuated */
    NE_FAILED,  /* ERROR after evacuation, or Nova gave up: never sent again */
    NE_BLOCKED, /* a task_state that is not ours, or a state Nova cannot evacuate */
    NE_GONE,    /* deleted */
};

/** Name of a verdict ("send", "wait", ...). */
const char *ne_verdict_name(enum ne_verdict v);

/**
 * Decide what to do with one server. The rule that makes evacuation happen
 * exactly once: never send while Nova shows any trace of an evacuation (a
 * task_state, a migration record, a new host), and never send while a
 * request recorded in the write-ahead list may still reach Nova (@grace_ms).
 * @why gets a short reason.
 */
enum ne_verdict ne_decide(const struct ne_decide_in *in, char *why, size_t len);

/* ------------------------------------------------------------ requests */

/**
 * The body of POST /servers/{id}/action for compute microversion @mv: before
 * 2.14 it says whether the disk is on shared storage (not when
 * @no_shared_storage), from 2.14 Nova finds out itself and the body is empty.
 * No host is named (the scheduler picks one), so `force` never applies.
 * Returns a new reference.
 */
json_t *ne_evacuate_body(const char *mv, bool no_shared_storage);

/* ------------------------------------------------------------ the write-ahead list */

#define NE_ID_MAX 64 /* server UUIDs are 36 characters */

struct ne_mark {
    char id[NE_ID_MAX];
    long long at; /* wall-clock seconds when it was written */
};

/* The evacuate-sent attribute: "since=EPOCH ID@EPOCH ID@EPOCH ...". */
struct ne_marks {
    long long since; /* when the incident started (0: unknown) */
    struct ne_mark *v;
    size_t n, cap;
};

/** Parse an attribute value (NULL or "" gives an empty list). Junk entries are skipped. */
int ne_marks_parse(const char *value, struct ne_marks *m);

/** The attribute value for @m (malloc'd), or NULL on allocation failure. */
char *ne_marks_format(const struct ne_marks *m);

/** Index of @id in @m, or -1. */
int ne_marks_find(const struct ne_marks *m, const char *id);

/** Add @id written at @at (replacing an older mark of it). Returns 0 or -ENOMEM. */
int ne_marks_add(struct ne_marks *m, const char *id, long long at);

/** Remove @id if present. */
void ne_marks_del(struct ne_marks *m, const char *id);

/** Free the list's storage (the struct itself is the caller's). */
void ne_marks_free(struct ne_marks *m);

/* ------------------------------------------------------------ attributes and progress */

/**
 * True when a node's evacuate attribute asks for evacuation: "yes" (any case),
 * or "NODE@EPOCH", the mark of openstack-resource-agents' NovaEvacuate at work.
 */
bool ne_attr_wants(const char *value);

/* Counts of a host's servers for the progress line. */
struct ne_counts {
    size_t total;    /* servers considered (not filtered out) */
    size_t done;     /* evacuated */
    size_t inflight; /* sent, not finished */
    size_t pending;  /* not sent yet */
    size_t failed;   /* failed for good */
    size_t blocked;  /* left alone: task_state, vm_state */
    size_t gone;     /* deleted meanwhile */
    size_t filtered; /* not evacuated by policy or tag */
};

/**
 * The one-line progress of a host, e.g. "running: 12/30 evacuated, 8 in
 * flight, 10 pending, 0 failed" or "done: 30/30 evacuated, 0 failed, 2 not
 * evacuable (policy/tag)".
 */
void ne_progress_format(const struct ne_counts *c, bool finished, char *out, size_t len);

/** Parse Nova's UTC timestamp ("2024-05-01T10:00:00.000000" or "...Z") to epoch seconds; -1. */
long long ne_nova_time(const char *s);

/** Percent-encode @in for a URL query into @out. */
void ne_urlencode(const char *in, char *out, size_t len);

#endif
