/*
 * ocf:lifeboat:galera, what the front (galera_fast.c) and the full agent
 * (galera.c) share: the parameter table, the check credentials, finding the
 * server by its pid file, and reading and judging its wsrep status. libc and
 * libmariadb only: no Pacemaker library, so the front stays cheap to start.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "galera.h"
#include "lifeboat/log.h"
#include "lifeboat/mariadb.h"
#include "lifeboat/ocf.h"
#include "lifeboat/process.h"
#include "lifeboat/wsrep.h"

/* Files the peer reads the check credentials from (shell assignments). */
static const char *const galera_clustercheck_files[] = {"/etc/sysconfig/clustercheck",
                                                        "/etc/default/clustercheck", NULL};

/* ------------------------------------------------------------ parameters */

const struct lb_param galera_params[] = {
    {.name = "binary",
     .type = LB_PARAM_STRING,
     .dflt = "/usr/sbin/mariadbd",
     .shortdesc = "MySQL server binary",
     .longdesc = "Location of the MySQL server binary. The server is started directly (as "
                 "'user', through its --user option); mysqld_safe works too."},
    {.name = "client_binary",
     .type = LB_PARAM_STRING,
     .dflt = "mysql",
     .shortdesc = "MySQL client binary",
     .longdesc = "Location of the MySQL client binary. Accepted for compatibility: this agent "
                 "queries the server through libmariadb and never runs the client."},
    {.name = "config",
     .type = LB_PARAM_STRING,
     .dflt = "/etc/mysql/my.cnf",
     .shortdesc = "MySQL config",
     .longdesc = "Configuration file"},
    {.name = "datadir",
     .type = LB_PARAM_STRING,
     .dflt = "/var/lib/mysql",
     .shortdesc = "MySQL datadir",
     .longdesc = "Directory containing databases"},
    {.name = "user",
     .type = LB_PARAM_STRING,
     .dflt = "mysql",
     .shortdesc = "MySQL user",
     .longdesc = "User running MySQL daemon"},
    {.name = "group",
     .type = LB_PARAM_STRING,
     .dflt = "mysql",
     .shortdesc = "MySQL group",
     .longdesc = "Group running MySQL daemon (for logfile and directory permissions)"},
    {.name = "log",
     .type = LB_PARAM_STRING,
     .dflt = "/var/log/mysql/error.log",
     .shortdesc = "MySQL log file",
     .longdesc = "The logfile to be used for mysqld."},
    {.name = "pid",
     .type = LB_PARAM_STRING,
     .dflt = "/run/mysqld/mysqld.pid",
     .shortdesc = "MySQL pid file",
     .longdesc = "The pidfile to be used for mysqld."},
    {.name = "socket",
     .type = LB_PARAM_STRING,
     .dflt = "/run/mysqld/mysqld.sock",
     .shortdesc = "MySQL socket",
     .longdesc = "The socket to be used for mysqld."},
    {.name = "enable_creation",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Create the database if it does not exist",
     .longdesc = "If the MySQL database does not exist, it will be created"},
    {.name = "additional_parameters",
     .type = LB_PARAM_STRING,
     .shortdesc = "Additional parameters to pass to mysqld",
     .longdesc = "Additional parameters which are passed to the mysqld on startup. (e.g. "
                 "--skip-external-locking or --skip-grant-tables). Split on blanks, no shell "
                 "quoting."},
    {.name = "wsrep_cluster_address",
     .type = LB_PARAM_STRING,
     .required = true,
     .shortdesc = "Galera cluster address",
     .longdesc = "The galera cluster address. This takes the form of: gcomm://node,node,node\n\n"
                 "Only nodes present in this node list will be allowed to start a galera "
                 "instance. The galera node names listed in this address are expected to match "
                 "valid pacemaker node names. If both names need to differ, you must provide a "
                 "mapping in option cluster_host_map."},
    {.name = "cluster_host_map",
     .type = LB_PARAM_STRING,
     .shortdesc = "Pacemaker to Galera name mapping",
     .longdesc = "A mapping of pacemaker node names to galera node names.\n\n"
                 "To be used when both pacemaker and galera names need to differ, (e.g. when "
                 "galera names map to IP from a specific network interface) This takes the form "
                 "of: pcmk1:node.1.galera;pcmk2:node.2.galera;pcmk3:node.3.galera\n\n"
                 "where the galera resource started on node pcmk1 would be named node.1.galera in "
                 "the wsrep_cluster_address"},
    {.name = "check_user",
     .type = LB_PARAM_STRING,
     .shortdesc = "MySQL test user",
     .longdesc = "Cluster check user. When empty, MYSQL_USERNAME from "
                 "/etc/sysconfig/clustercheck or /etc/default/clustercheck, else root."},
    {.name = "check_passwd",
     .type = LB_PARAM_STRING,
     .secret = true,
     .shortdesc = "check password",
     .longdesc = "Cluster check user password. Empty passwords are ignored unless the "
                 "parameter \"check_passwd_use_empty\" is set to 1. When empty, MYSQL_PASSWORD "
                 "from the clustercheck file. It is handed to the client library, never put on "
                 "a command line."},
    {.name = "check_passwd_use_empty",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "0",
     .shortdesc = "check password use empty",
     .longdesc = "Use an empty \"check_passwd\" password. If this parameter is set to 1, "
                 "\"check_passwd\" will be ignored and an empty password is used when "
                 "connecting."},
    {.name = "two_node_mode",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .shortdesc = "Special recovery when running on a 2-node cluster",
     .longdesc = "If running in a 2-node pacemaker cluster, rely on pacemaker quorum to allow "
                 "automatic recovery even when the other node is unreachable. Use it with "
                 "caution! (and fencing)"},
    {.name = NULL},
};

/* ------------------------------------------------------------ credentials */

/* How to reach the server: the check_* parameters, else the clustercheck file. */
struct creds {
    char user[128];
    char password[256];
    bool has_password;
    char host[256];
    unsigned port;
    bool donor_ok; /* AVAILABLE_WHEN_DONOR=1 */
};

/* Value of shell assignment NAME=VALUE on @line (quotes removed) into @out. */
static bool
shell_value(const char *line, const char *name, char *out, size_t len)
{
    size_t n = strlen(name), vlen;
    const char *v;

    while (*line == ' ' || *line == '\t') {
        line++;
    }
    if (strncmp(line, "export ", 7) == 0) {
        line += 7;
    }
    if (strncmp(line, name, n) != 0 || line[n] != '=') {
        return false;
    }
    v = line + n + 1;
    vlen = strcspn(v, "\r\n");
    if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && strchr(v + 1, v[0]) != NULL) {
        vlen = (size_t)(strchr(v + 1, v[0]) - v - 1);
        v++;
    }
    snprintf(out, len, "%.*s", (int)vlen, v);
    return true;
}

static void
read_clustercheck(struct creds *cc, char *user, size_t ulen, char *pass, size_t plen,
                  bool *has_pass)
{
    char line[1024], v[32];

    for (int i = 0; galera_clustercheck_files[i]; i++) {
        FILE *f = fopen(galera_clustercheck_files[i], "re");

        if (f == NULL) {
            continue;
        }
        while (fgets(line, sizeof(line), f)) {
            if (shell_value(line, "MYSQL_USERNAME", user, ulen)) {
                continue;
            }
            if (shell_value(line, "MYSQL_PASSWORD", pass, plen)) {
                *has_pass = true;
            } else if (shell_value(line, "MYSQL_HOST", cc->host, sizeof(cc->host))) {
                continue;
            } else if (shell_value(line, "MYSQL_PORT", v, sizeof(v))) {
                cc->port = (unsigned)strtoul(v, NULL, 10);
            } else if (shell_value(line, "AVAILABLE_WHEN_DONOR", v, sizeof(v))) {
                cc->donor_ok = lb_parse_bool(v) == 1;
            }
        }
        fclose(f);
        explicit_bzero(line, sizeof(line));
        return;
    }
}

static void
credentials(const struct lb_ctx *ctx, struct creds *cc)
{
    char file_user[128] = "", file_pass[256] = "";
    const char *user = lb_param_str(ctx, "check_user");
    const char *pass = lb_param_str(ctx, "check_passwd");
    bool file_has_pass = false;

    memset(cc, 0, sizeof(*cc));
    read_clustercheck(cc, file_user, sizeof(file_user), file_pass, sizeof(file_pass),
                      &file_has_pass);
    snprintf(cc->user, sizeof(cc->user), "%s", user ? user : *file_user ? file_user : "root");
    if (lb_param_bool(ctx, "check_passwd_use_empty")) {
        cc->has_password = true;
    } else if (pass != NULL) {
        snprintf(cc->password, sizeof(cc->password), "%s", pass);
        cc->has_password = true;
    } else if (file_has_pass && *file_pass) {
        snprintf(cc->password, sizeof(cc->password), "%s", file_pass);
        cc->has_password = true;
    }
    explicit_bzero(file_pass, sizeof(file_pass));
}

/* ------------------------------------------------------------ the server */

/* True when process @pid looks like the configured server. */
static bool
is_server(const struct lb_ctx *ctx, pid_t pid)
{
    const char *binary = lb_param_str(ctx, "binary");
    char comm[64], base[PATH_MAX];

    if (lb_process_comm(pid, comm, sizeof(comm)) < 0) {
        return false;
    }
    snprintf(base, sizeof(base), "%s", binary ? binary : "");
    return !strcmp(comm, "mariadbd") || !strcmp(comm, "mysqld") || !strcmp(comm, "mysqld_safe") ||
           !strncmp(comm, basename(base), 15);
}

pid_t
galera_server_pid(const struct lb_ctx *ctx)
{
    const char *pidfile = lb_param_str(ctx, "pid");
    pid_t pid;

    if (pidfile == NULL || lb_process_pidfile(pidfile, &pid) < 0) {
        return 0;
    }
    if (lb_process_alive(pid) && is_server(ctx, pid)) {
        return pid;
    }
    lb_info("MySQL not running: removing old PID file");
    unlink(pidfile);
    return 0;
}

static bool
status_row(void *data, unsigned ncols, const char *const *values)
{
    struct galera_probe *p = data;

    if (ncols >= 2) {
        lb_wsrep_status_set(&p->st, values[0], values[1]);
    }
    return true;
}

void
galera_query(const struct lb_ctx *ctx, struct galera_probe *p, long timeout_ms)
{
    struct creds cc;
    struct lb_mariadb *db = NULL;
    long left = lb_ctx_time_left_ms(ctx, lb_ctx_watchdog_margin_ms(ctx) + 500);
    struct lb_mariadb_opts o = {.socket = lb_param_str(ctx, "socket"),
                                .read_option_files = true,
                                .timeout_ms = left < timeout_ms ? left : timeout_ms};

    lb_wsrep_status_init(&p->st);
    p->sst_method[0] = '\0';
    credentials(ctx, &cc);
    o.user = cc.user;
    o.password = cc.has_password ? cc.password : NULL;
    o.host = cc.host[0] ? cc.host : NULL;
    o.port = cc.port;
    p->donor_ok = cc.donor_ok;
    p->rc = lb_mariadb_connect(&o, &db, p->err, sizeof(p->err));
    explicit_bzero(&cc, sizeof(cc));
    if (p->rc != LB_MARIADB_OK) {
        return;
    }
    p->rc = lb_mariadb_query(db, "SHOW GLOBAL STATUS LIKE 'wsrep%'", status_row, p, p->err,
                             sizeof(p->err));
    if (p->rc == LB_MARIADB_OK && p->st.local_state == LB_WSREP_DONOR) {
        char *m = NULL;

        if (lb_mariadb_variable(db, "wsrep_sst_method", &m, p->err, sizeof(p->err)) ==
                LB_MARIADB_OK &&
            m != NULL) {
            snprintf(p->sst_method, sizeof(p->sst_method), "%s", m);
        }
        free(m);
    }
    lb_mariadb_close(db);
}

/* A donor keeps serving with AVAILABLE_WHEN_DONOR=1 or a non-blocking SST (mariabackup). */
static bool
donor_allowed(const struct galera_probe *p)
{
    return p->donor_ok || strncasecmp(p->sst_method, "mariabackup", 11) == 0 ||
           strncasecmp(p->sst_method, "xtrabackup", 10) == 0;
}

const char *
galera_meta_role(void)
{
    const char *r = getenv("OCF_RESKEY_CRM_meta_role");

    return r ? r : "";
}

int
galera_health(const struct lb_ctx *ctx, const struct galera_probe *p, pid_t pid, const char *node,
              char *why, size_t len)
{
    const char *role = galera_meta_role();
    bool promoted_role = strcasecmp(role, "Unpromoted") != 0 && strcasecmp(role, "Slave") != 0;
    int failed = promoted_role ? LB_OCF_FAILED_PROMOTED : LB_OCF_ERR_GENERIC;

    why[0] = '\0';
    node = node ? node : "?";
    switch (p->rc) {
    case LB_MARIADB_OK:
        break;
    case LB_MARIADB_DENIED:
        snprintf(why, len,
                 "cannot check the server (pid %ld): %s; verify check_user and "
                 "check_passwd",
                 (long)pid, p->err);
        return LB_OCF_ERR_CONFIGURED;
    default:
        snprintf(why, len, "the server (pid %ld) runs but does not answer: %s", (long)pid, p->err);
        return failed;
    }
    if (!p->st.seen) {
        snprintf(why, len,
                 "the server (pid %ld) reports no wsrep status: is "
                 "wsrep_on/wsrep_provider set in %s?",
                 (long)pid, lb_param_str(ctx, "config"));
        return failed;
    }
    if (strcmp(p->st.cluster_status, "Primary") != 0) {
        snprintf(why, len,
                 "local node <%s> is started, but not in primary mode "
                 "(wsrep_cluster_status=%s)",
                 node, p->st.cluster_status);
        return failed;
    }
    if (!p->st.ready) {
        snprintf(why, len, "local node <%s> is in the Primary Component but wsrep_ready is OFF",
                 node);
        return failed;
    }
    if (p->st.local_state == LB_WSREP_DONOR && !donor_allowed(p)) {
        snprintf(why, len, "local node is a donor (%s) and does not serve clients meanwhile",
                 p->st.local_state_comment);
        return LB_OCF_DEGRADED_PROMOTED;
    }
    if (p->st.local_state != LB_WSREP_SYNCED && p->st.local_state != LB_WSREP_DONOR) {
        snprintf(why, len, "local node is in the Primary Component but not synced (%s)",
                 p->st.local_state_comment);
        return LB_OCF_DEGRADED_PROMOTED;
    }
    return LB_OCF_RUNNING_PROMOTED;
}
