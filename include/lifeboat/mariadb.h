/*
 * lifeboat mariadb: a MariaDB/MySQL client connection through libmariadb,
 * in-process (no client fork), with time limits on connect and on every read
 * and write. The password is handed to the library, never to an argv.
 */
#ifndef LIFEBOAT_MARIADB_H
#define LIFEBOAT_MARIADB_H

#include <stdbool.h>
#include <stddef.h>

/* Outcome classes of a connection or query. */
enum lb_mariadb_rc {
    LB_MARIADB_OK = 0,
    LB_MARIADB_UNREACHABLE = 1, /* no server at the socket/host (refused, no socket, bad host) */
    LB_MARIADB_DENIED = 2,      /* the server refused the credentials */
    LB_MARIADB_TIMEOUT = 3,     /* the server did not answer in time */
    LB_MARIADB_FAILED = 4,      /* anything else (query error, out of memory, ...) */
};

/* How to connect. */
struct lb_mariadb_opts {
    const char *socket;     /* unix socket path; used when host is NULL or "localhost" */
    const char *host;       /* TCP host, or NULL */
    unsigned port;          /* TCP port, 0: default */
    const char *user;       /* NULL: from option files, else the login name */
    const char *password;   /* NULL: none given (option files may give one); "" is empty */
    bool read_option_files; /* like the mysql client: [client] groups of the default files */
    long timeout_ms;        /* connect, read and write limit (rounded up to seconds, min 1 s) */
};

struct lb_mariadb;

/* One result row: @ncols values (NULL for SQL NULL). Return false to stop. */
typedef bool (*lb_mariadb_row_fn)(void *data, unsigned ncols, const char *const *values);

/**
 * Connect with @opts. On success *@out is the connection (close with
 * lb_mariadb_close). On failure *@out is NULL and @err holds the server's or
 * library's message. Returns an lb_mariadb_rc.
 */
int lb_mariadb_connect(const struct lb_mariadb_opts *opts, struct lb_mariadb **out, char *err,
                       size_t errlen);

/** Run @sql and call @fn for every row. Returns an lb_mariadb_rc (@err set on failure). */
int lb_mariadb_query(struct lb_mariadb *db, const char *sql, lb_mariadb_row_fn fn, void *data,
                     char *err, size_t errlen);

/** Value of global variable @name (SHOW GLOBAL VARIABLES), new string in *@value (NULL if none). */
int lb_mariadb_variable(struct lb_mariadb *db, const char *name, char **value, char *err,
                        size_t errlen);

/** Close @db (NULL is fine). */
void lb_mariadb_close(struct lb_mariadb *db);

/** Classify a MariaDB client or server error number as an lb_mariadb_rc. */
int lb_mariadb_classify(unsigned errnum);

/** Name of an lb_mariadb_rc, e.g. "access denied". */
const char *lb_mariadb_rc_str(int rc);

/** Release the client library's global state (at exit; optional). */
void lb_mariadb_library_end(void);

#endif
