/*
 * lifeboat wsrep: Galera state files, recovery logs, cluster addresses and
 * name maps, parsed with libc only.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lifeboat/domxml.h"
#include "lifeboat/proc.h"
#include "lifeboat/wsrep.h"

/* ------------------------------------------------------------ helpers */

static const char *
skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* Copy the value of the line at @p (up to the newline, trailing blanks cut) into @out. */
static void
copy_value(const char *p, char *out, size_t len)
{
    size_t n = strcspn(p, "\r\n");

    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
        n--;
    }
    if (n >= len) {
        n = len - 1;
    }
    memcpy(out, p, n);
    out[n] = '\0';
}

/* If the line at @line is "KEY: value", return the start of the value. */
static const char *
line_value(const char *line, const char *key)
{
    size_t n = strlen(key);

    if (strncmp(line, key, n) != 0 || line[n] != ':') {
        return NULL;
    }
    return skip_blanks(line + n + 1);
}

bool
lb_wsrep_parse_seqno(const char *s, long long *seqno)
{
    char *end;
    long long v;

    if (s == NULL || *s == '\0') {
        return false;
    }
    if (strcmp(s, "18446744073709551615") == 0) {
        *seqno = -1;
        return true;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < -1) {
        return false;
    }
    *seqno = v;
    return true;
}

bool
lb_wsrep_uuid_is_nil(const char *uuid)
{
    return uuid == NULL || *uuid == '\0' ||
           strcmp(uuid, "00000000-0000-0000-0000-000000000000") == 0;
}

/* True when @s starts with a textual UUID (8-4-4-4-12 hex digits). */
static bool
is_uuid(const char *s)
{
    for (int i = 0; i < LB_WSREP_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------ grastate.dat */

void
lb_grastate_parse(const char *text, struct lb_grastate *st)
{
    st->uuid[0] = '\0';
    st->seqno = -1;
    st->safe_to_bootstrap = -1;
    for (const char *line = text, *next; line && *line; line = next) {
        char val[64];
        const char *v;

        next = strchr(line, '\n');
        next = next ? next + 1 : NULL;
        if ((v = line_value(line, "uuid")) != NULL) {
            copy_value(v, val, sizeof(val));
            if (strlen(val) == LB_WSREP_UUID_LEN && is_uuid(val)) {
                memcpy(st->uuid, val, sizeof(st->uuid));
            }
        } else if ((v = line_value(line, "seqno")) != NULL) {
            long long s;

            copy_value(v, val, sizeof(val));
            st->seqno = lb_wsrep_parse_seqno(val, &s) ? s : -1;
        } else if ((v = line_value(line, "safe_to_bootstrap")) != NULL) {
            copy_value(v, val, sizeof(val));
            st->safe_to_bootstrap = !strcmp(val, "1") ? 1 : !strcmp(val, "0") ? 0 : -1;
        }
    }
}

int
lb_grastate_read(const char *path, struct lb_grastate *st)
{
    char *text = lb_read_file(path);

    if (text == NULL) {
        int err = errno ? errno : EIO;

        lb_grastate_parse("", st);
        return -err;
    }
    lb_grastate_parse(text, st);
    free(text);
    return 0;
}

/* Write @len bytes of @data to a new file beside @path, then rename it over @path. */
static int
replace_file(const char *path, const char *data, size_t len, const struct stat *like)
{
    char tmp[PATH_MAX];
    int fd, err = 0;

    if (snprintf(tmp, sizeof(tmp), "%s.lbtmp", path) >= (int)sizeof(tmp)) {
        return -ENAMETOOLONG;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        return -errno;
    }
    if (write(fd, data, len) != (ssize_t)len || fchmod(fd, like->st_mode & 07777) < 0 ||
        fchown(fd, like->st_uid, like->st_gid) < 0 || fsync(fd) < 0) {
        err = errno ? errno : EIO;
    }
    if (close(fd) < 0 && err == 0) {
        err = errno;
    }
    if (err == 0 && rename(tmp, path) < 0) {
        err = errno;
    }
    if (err != 0) {
        unlink(tmp);
        return -err;
    }
    return 0;
}

int
lb_grastate_set_safe(const char *path, int value)
{
    struct stat sb;
    char *text, *out, *line;
    size_t len;
    int rc = -EINVAL;

    if (value != 0 && value != 1) {
        return -EINVAL;
    }
    if (stat(path, &sb) < 0) {
        return -errno;
    }
    text = lb_read_file(path);
    if (text == NULL) {
        return -(errno ? errno : EIO);
    }
    len = strlen(text);
    out = malloc(len + 32);
    if (out == NULL) {
        free(text);
        return -ENOMEM;
    }
    out[0] = '\0';
    line = text;
    while (*line) {
        size_t n = strcspn(line, "\n");
        bool nl = line[n] == '\n';

        if (line_value(line, "safe_to_bootstrap") != NULL) {
            sprintf(out + strlen(out), "safe_to_bootstrap: %d\n", value);
            rc = 0;
        } else {
            strncat(out, line, n + (nl ? 1 : 0));
        }
        line += n + (nl ? 1 : 0);
    }
    if (rc == 0) {
        rc = replace_file(path, out, strlen(out), &sb);
    }
    free(out);
    free(text);
    return rc;
}

/* ------------------------------------------------------------ recovery log */

bool
lb_wsrep_recovered_position(const char *text, char uuid[LB_WSREP_UUID_LEN + 1], long long *seqno)
{
    static const char *const marks[] = {
        "WSREP: Recovered position:", "WSREP: recovered position:", NULL};
    const char *best = NULL;

    for (int m = 0; marks[m]; m++) {
        for (const char *p = text ? strstr(text, marks[m]) : NULL; p; p = strstr(p + 1, marks[m])) {
            char val[128], *colon;
            long long s;

            copy_value(skip_blanks(p + strlen(marks[m])), val, sizeof(val));
            colon = strrchr(val, ':');
            if (colon == NULL || colon - val != LB_WSREP_UUID_LEN || !is_uuid(val) ||
                !lb_wsrep_parse_seqno(colon + 1, &s)) {
                continue;
            }
            /* Keep the last one in the text. */
            if (best == NULL || p > best) {
                memcpy(uuid, val, LB_WSREP_UUID_LEN);
                uuid[LB_WSREP_UUID_LEN] = '\0';
                *seqno = s;
                best = p;
            }
        }
    }
    return best != NULL;
}

bool
lb_wsrep_has_prepared_xa(const char *text)
{
    for (const char *p = text ? strstr(text, "Found ") : NULL; p; p = strstr(p + 1, "Found ")) {
        const char *q = p + 6;

        if (!isdigit((unsigned char)*q)) {
            continue;
        }
        while (isdigit((unsigned char)*q)) {
            q++;
        }
        if (strncmp(q, " prepared transaction", 21) == 0) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------ names */

/* @s without blanks, as a new string. */
static char *
strip_blanks(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;

    if (out == NULL) {
        return NULL;
    }
    for (; *s; s++) {
        if (!isspace((unsigned char)*s)) {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

char **
lb_wsrep_address_members(const char *address)
{
    static const char scheme[] = "gcomm://";
    char *list, *tok, *save = NULL;
    char **v;
    size_t n = 0;

    if (address == NULL) {
        return NULL;
    }
    address = skip_blanks(address);
    if (strncasecmp(address, scheme, sizeof(scheme) - 1) != 0) {
        return NULL;
    }
    list = strip_blanks(address + sizeof(scheme) - 1);
    if (list == NULL) {
        return NULL;
    }
    list[strcspn(list, "?")] = '\0';
    v = calloc(strlen(list) / 2 + 2, sizeof(*v));
    if (v == NULL) {
        free(list);
        return NULL;
    }
    for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if ((v[n] = strdup(tok)) == NULL) {
            lb_argv_free(v);
            free(list);
            return NULL;
        }
        n++;
    }
    free(list);
    return v;
}

bool
lb_wsrep_address_has(const char *address, const char *name)
{
    char **members = lb_wsrep_address_members(address);
    size_t n = name ? strlen(name) : 0;
    bool found = false;

    for (size_t i = 0; n > 0 && members && members[i] && !found; i++) {
        found = !strcmp(members[i], name) || (!strncmp(members[i], name, n) &&
                                              members[i][n] == ':' && strchr(name, ':') == NULL);
    }
    lb_argv_free(members);
    return found;
}

char *
lb_wsrep_member_host(const char *member)
{
    const char *colon;

    if (member == NULL) {
        return NULL;
    }
    if (member[0] == '[') {
        const char *end = strchr(member, ']');

        return end ? strndup(member, (size_t)(end - member + 1)) : strdup(member);
    }
    colon = strchr(member, ':');
    if (colon == NULL || strchr(colon + 1, ':') != NULL) {
        return strdup(member);
    }
    return strndup(member, (size_t)(colon - member));
}

char *
lb_wsrep_host_map(const char *map, const char *name, bool to_galera)
{
    char *copy, *entry, *save = NULL, *found = NULL;

    if (name == NULL) {
        return NULL;
    }
    if (map == NULL || *skip_blanks(map) == '\0') {
        return strdup(name);
    }
    copy = strip_blanks(map);
    for (entry = copy ? strtok_r(copy, ";", &save) : NULL; entry && !found;
         entry = strtok_r(NULL, ";", &save)) {
        char *colon = strchr(entry, ':');

        if (colon == NULL) {
            continue;
        }
        *colon = '\0';
        if (!strcmp(to_galera ? entry : colon + 1, name)) {
            found = strdup(to_galera ? colon + 1 : entry);
        }
    }
    free(copy);
    return found;
}

/* ------------------------------------------------------------ status */

void
lb_wsrep_status_init(struct lb_wsrep_status *st)
{
    memset(st, 0, sizeof(*st));
    st->last_committed = -1;
}

static bool
is_on(const char *v)
{
    return v && (!strcasecmp(v, "ON") || !strcmp(v, "1") || !strcasecmp(v, "true"));
}

void
lb_wsrep_status_set(struct lb_wsrep_status *st, const char *name, const char *value)
{
    long long ll;

    if (name == NULL || strncasecmp(name, "wsrep_", 6) != 0) {
        return;
    }
    st->seen = true;
    name += 6;
    if (value == NULL) {
        value = "";
    }
    if (!strcasecmp(name, "ready")) {
        st->ready = is_on(value);
    } else if (!strcasecmp(name, "connected")) {
        st->connected = is_on(value);
    } else if (!strcasecmp(name, "cluster_status")) {
        snprintf(st->cluster_status, sizeof(st->cluster_status), "%s", value);
    } else if (!strcasecmp(name, "local_state")) {
        st->local_state = atoi(value);
    } else if (!strcasecmp(name, "local_state_comment")) {
        snprintf(st->local_state_comment, sizeof(st->local_state_comment), "%s", value);
    } else if (!strcasecmp(name, "cluster_state_uuid")) {
        snprintf(st->cluster_state_uuid, sizeof(st->cluster_state_uuid), "%s", value);
    } else if (!strcasecmp(name, "last_committed")) {
        st->last_committed = lb_wsrep_parse_seqno(value, &ll) ? ll : -1;
    } else if (!strcasecmp(name, "cluster_size")) {
        st->cluster_size = atol(value);
    }
}
