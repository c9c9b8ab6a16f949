/*
 * ocf:lifeboat:NovaCompute -- host names, the evacuate attribute, nova.conf
 * and file names, without Nova or the cluster (unit-tested on their own).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "NovaCompute.h"
#include "lifeboat/ini.h"
#include "lifeboat/proc.h"

enum nc_evac
nc_evac_state(const char *value)
{
    if (!value || !*value) {
        return NC_EVAC_NONE;
    }
    return strcmp(value, "no") ? NC_EVAC_PENDING : NC_EVAC_DONE;
}

void
nc_short_name(const char *host, char *out, size_t len)
{
    snprintf(out, len, "%.*s", (int)strcspn(host, "."), host);
}

bool
nc_host_matches(const char *host, const char *node, const char *domain, char *why, size_t len)
{
    char hs[256], ns[256];
    const char *dot = strchr(host, '.');

    why[0] = '\0';
    if (!strcasecmp(host, node)) {
        return true;
    }
    nc_short_name(host, hs, sizeof(hs));
    nc_short_name(node, ns, sizeof(ns));
    if (strcasecmp(hs, ns)) {
        snprintf(why, len, "Nova's host name %s is not cluster node %s", host, node);
        return false;
    }
    if (domain && *domain && dot && strcasecmp(dot + 1, domain)) {
        snprintf(why, len, "Nova's host name %s is not in domain %s", host, domain);
        return false;
    }
    return true;
}

/* Append a copy of @s to the NULL-terminated vector *@v of *@n entries. */
static int
nc_strv_add(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 2) * sizeof(**v));

    if (!nv) {
        return -ENOMEM;
    }
    *v = nv;
    if (!(nv[*n] = strdup(s))) {
        return -ENOMEM;
    }
    nv[++*n] = NULL;
    return 0;
}

static int
nc_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf files of @dir, sorted, appended to *@v. */
static int
nc_dir_files(const char *dir, char ***v, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t first = *n;
    int rc = 0;

    if (!d) {
        return -errno;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char path[4096];

        if (len <= 5 || strcmp(e->d_name + len - 5, ".conf")) {
            continue;
        }
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path)) {
            rc = -ENAMETOOLONG;
            break;
        }
        rc = nc_strv_add(v, n, path);
    }
    closedir(d);
    if (rc == 0 && *n > first) {
        qsort(*v + first, *n - first, sizeof(**v), nc_strcmp);
    }
    return rc;
}

int
nc_config_files(const char *config, const char *config_dir, char ***files)
{
    char **list = lb_argv_split(config ? config : "");
    char **v = calloc(1, sizeof(*v));
    size_t n = 0;
    int rc = (list && v) ? 0 : -ENOMEM;

    for (size_t i = 0; rc == 0 && list[i]; i++) {
        rc = nc_strv_add(&v, &n, list[i]);
    }
    lb_argv_free(list);
    if (rc == 0 && config_dir && *config_dir) {
        rc = nc_dir_files(config_dir, &v, &n);
    }
    if (rc < 0) {
        lb_argv_free(v);
        v = NULL;
    }
    *files = v;
    return rc;
}

int
nc_configured_host(char *const files[], char **host, const char **bad)
{
    *host = NULL;
    *bad = NULL;
    for (size_t i = 0; files && files[i]; i++) {
        char *v = NULL;
        int rc = lb_ini_get(files[i], "DEFAULT", "host", &v);

        if (rc == 0) {
            free(*host);
            *host = v;
        } else if (rc != -ENXIO) {
            free(*host);
            *host = NULL;
            *bad = files[i];
            return rc;
        }
    }
    return *host ? 0 : -ENXIO;
}

void
nc_file_part(const char *s, char *out, size_t len)
{
    size_t i;

    if (!len) {
        return;
    }
    for (i = 0; s[i] && i + 1 < len; i++) {
        unsigned char c = (unsigned char)s[i];

        out[i] = (c == '/' || c < 0x20 || c == 0x7f) ? '_' : (char)c;
    }
    out[i] = '\0';
}
