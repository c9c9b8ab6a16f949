/*
 * lifeboat wsrep: the facts a Galera (wsrep) agent reads without a server:
 * grastate.dat, the position printed by `mariadbd --wsrep-recover`, cluster
 * addresses and Pacemaker-to-Galera name maps, and wsrep status values.
 */
#ifndef LIFEBOAT_WSREP_H
#define LIFEBOAT_WSREP_H

#include <stdbool.h>
#include <stddef.h>

/* Length of a textual UUID, without its NUL. */
#define LB_WSREP_UUID_LEN 36

/* The saved state of a Galera node (grastate.dat). */
struct lb_grastate {
    char uuid[LB_WSREP_UUID_LEN + 1]; /* "" when absent */
    long long seqno;                  /* -1 when absent or undefined */
    int safe_to_bootstrap;            /* 1 or 0; -1 when absent */
};

/** Parse the text of a grastate.dat into @st; unknown lines are ignored. */
void lb_grastate_parse(const char *text, struct lb_grastate *st);

/** Read grastate.dat at @path into @st. Returns 0, or -errno (-ENOENT: no file). */
int lb_grastate_read(const char *path, struct lb_grastate *st);

/**
 * Set safe_to_bootstrap in the grastate.dat at @path to @value (0 or 1),
 * keeping every other line, its owner and its mode; the file is replaced
 * atomically. Returns 0 or -errno (-ENOENT: no file, -EINVAL: no such line).
 */
int lb_grastate_set_safe(const char *path, int value);

/** Parse a wsrep sequence number; 18446744073709551615 (unsigned -1) is -1. */
bool lb_wsrep_parse_seqno(const char *s, long long *seqno);

/** True when @uuid is empty or the nil UUID 00000000-0000-0000-0000-000000000000. */
bool lb_wsrep_uuid_is_nil(const char *uuid);

/**
 * Find the last "WSREP: Recovered position: UUID:SEQNO" line of a
 * `--wsrep-recover` log @text. Returns true and fills @uuid and @seqno.
 */
bool lb_wsrep_recovered_position(const char *text, char uuid[LB_WSREP_UUID_LEN + 1],
                                 long long *seqno);

/** True when a `--wsrep-recover` log @text reports prepared XA transactions. */
bool lb_wsrep_has_prepared_xa(const char *text);

/**
 * The member names of a cluster address "gcomm://a,b:4567,c?opts": blanks
 * removed, empty entries and options dropped. NULL-terminated; free with
 * lb_argv_free(). NULL when @address is not a gcomm:// address.
 */
char **lb_wsrep_address_members(const char *address);

/**
 * True when galera name @name is a member of cluster address @address:
 * equal to an entry, or to an entry's host part ("node1" in "node1:4567").
 */
bool lb_wsrep_address_has(const char *address, const char *name);

/**
 * The host part of cluster address member @member ("node1" of "node1:4567",
 * "[fe80::1]" of "[fe80::1]:4567"; a bare IPv6 address stays whole), as a
 * new string.
 */
char *lb_wsrep_member_host(const char *member);

/**
 * Map a name through a cluster_host_map "pcmk1:galera1;pcmk2:galera2"
 * (blanks ignored; a Galera name may contain ':'). @to_galera: from the
 * Pacemaker name to the Galera name, else back. An empty @map is the
 * identity. Returns a new string, or NULL when @name is not in the map.
 */
char *lb_wsrep_host_map(const char *map, const char *name, bool to_galera);

/* wsrep_local_state values. */
enum lb_wsrep_local_state {
    LB_WSREP_JOINING = 1,
    LB_WSREP_DONOR = 2, /* also "Desynced" */
    LB_WSREP_JOINED = 3,
    LB_WSREP_SYNCED = 4,
};

/* The wsrep status variables an agent looks at (SHOW STATUS LIKE 'wsrep_%'). */
struct lb_wsrep_status {
    bool seen;                                      /* any wsrep_ variable was reported */
    bool ready;                                     /* wsrep_ready = ON */
    bool connected;                                 /* wsrep_connected = ON */
    char cluster_status[32];                        /* wsrep_cluster_status: Primary, ... */
    int local_state;                                /* wsrep_local_state, 0 if unknown */
    char local_state_comment[64];                   /* wsrep_local_state_comment */
    char cluster_state_uuid[LB_WSREP_UUID_LEN + 1]; /* wsrep_cluster_state_uuid */
    long long last_committed;                       /* wsrep_last_committed, -1 if unknown */
    long cluster_size;                              /* wsrep_cluster_size, 0 if unknown */
};

/** Reset @st to "nothing known". */
void lb_wsrep_status_init(struct lb_wsrep_status *st);

/** Record one status row (@name case-insensitive, e.g. "wsrep_ready"); others are ignored. */
void lb_wsrep_status_set(struct lb_wsrep_status *st, const char *name, const char *value);

#endif
