/*
 * lifeboat mariadb: libmariadb connections with time limits and classified
 * errors. Nothing is printed or logged here; callers get a class and a message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "lifeboat/mariadb.h"

struct lb_mariadb {
    MYSQL *conn;
};

int
lb_mariadb_classify(unsigned errnum)
{
    switch (errnum) {
    case 0:
        return LB_MARIADB_OK;
    case CR_SOCKET_CREATE_ERROR:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_IPSOCK_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR:
    case ER_CON_COUNT_ERROR:
        return LB_MARIADB_UNREACHABLE;
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
        return LB_MARIADB_TIMEOUT;
    case ER_DBACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_ERROR:
    case ER_HOST_NOT_PRIVILEGED:
    case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
    case ER_ACCESS_DENIED_CHANGE_USER_ERROR:
        return LB_MARIADB_DENIED;
    default:
        return LB_MARIADB_FAILED;
    }
}

const char *
lb_mariadb_rc_str(int rc)
{
    switch (rc) {
    case LB_MARIADB_OK:
        return "ok";
    case LB_MARIADB_UNREACHABLE:
        return "server unreachable";
    case LB_MARIADB_DENIED:
        return "access denied";
    case LB_MARIADB_TIMEOUT:
        return "server did not answer in time";
    default:
        return "error";
    }
}

/* Class and message of the last error on @conn. */
static int
conn_error(MYSQL *conn, char *err, size_t errlen)
{
    unsigned num = mysql_errno(conn);

    if (err && errlen) {
        snprintf(err, errlen, "%s (%u)", mysql_error(conn), num);
    }
    return num ? lb_mariadb_classify(num) : LB_MARIADB_FAILED;
}

int
lb_mariadb_connect(const struct lb_mariadb_opts *opts, struct lb_mariadb **out, char *err,
                   size_t errlen)
{
    unsigned secs = 1;
    bool tcp = opts->host && *opts->host && strcmp(opts->host, "localhost") != 0;
    unsigned proto = tcp ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
    struct lb_mariadb *db;
    int rc;

    *out = NULL;
    if (err && errlen) {
        err[0] = '\0';
    }
    if (opts->timeout_ms > 1000) {
        secs = (unsigned)((opts->timeout_ms + 999) / 1000);
    }
    db = calloc(1, sizeof(*db));
    if (db == NULL || (db->conn = mysql_init(NULL)) == NULL) {
        free(db);
        if (err && errlen) {
            snprintf(err, errlen, "out of memory");
        }
        return LB_MARIADB_FAILED;
    }
    mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &secs);
    mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &secs);
    mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &secs);
    mysql_options(db->conn, MYSQL_OPT_PROTOCOL, &proto);
    if (opts->read_option_files) {
        mysql_options(db->conn, MYSQL_READ_DEFAULT_GROUP, "client");
    }
    if (!mysql_real_connect(db->conn, tcp ? opts->host : "localhost", opts->user, opts->password,
                            NULL, tcp ? opts->port : 0, tcp ? NULL : opts->socket, 0)) {
        rc = conn_error(db->conn, err, errlen);
        lb_mariadb_close(db);
        return rc;
    }
    *out = db;
    return LB_MARIADB_OK;
}

int
lb_mariadb_query(struct lb_mariadb *db, const char *sql, lb_mariadb_row_fn fn, void *data,
                 char *err, size_t errlen)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    unsigned ncols;

    if (mysql_real_query(db->conn, sql, strlen(sql)) != 0) {
        return conn_error(db->conn, err, errlen);
    }
    res = mysql_store_result(db->conn);
    if (res == NULL) {
        /* No result set: fine for statements, an error if the server said so. */
        return mysql_errno(db->conn) ? conn_error(db->conn, err, errlen) : LB_MARIADB_OK;
    }
    ncols = mysql_num_fields(res);
    while ((row = mysql_fetch_row(res)) != NULL) {
        if (fn && !fn(data, ncols, (const char *const *)row)) {
            break;
        }
    }
    mysql_free_result(res);
    return LB_MARIADB_OK;
}

struct var_query {
    char *value;
};

static bool
var_row(void *data, unsigned ncols, const char *const *values)
{
    struct var_query *q = data;

    if (ncols >= 2 && q->value == NULL) {
        q->value = strdup(values[1] ? values[1] : "");
    }
    return false;
}

int
lb_mariadb_variable(struct lb_mariadb *db, const char *name, char **value, char *err, size_t errlen)
{
    struct var_query q = {NULL};
    char sql[256], esc[2 * 64 + 1];
    int rc;

    *value = NULL;
    if (strlen(name) > 64) {
        if (err && errlen) {
            snprintf(err, errlen, "variable name too long");
        }
        return LB_MARIADB_FAILED;
    }
    mysql_real_escape_string(db->conn, esc, name, strlen(name));
    snprintf(sql, sizeof(sql), "SHOW GLOBAL VARIABLES LIKE '%s'", esc);
    rc = lb_mariadb_query(db, sql, var_row, &q, err, errlen);
    if (rc == LB_MARIADB_OK) {
        *value = q.value;
    } else {
        free(q.value);
    }
    return rc;
}

void
lb_mariadb_close(struct lb_mariadb *db)
{
    if (db != NULL) {
        if (db->conn != NULL) {
            mysql_close(db->conn);
        }
        free(db);
    }
}

void
lb_mariadb_library_end(void)
{
    mysql_library_end();
}
