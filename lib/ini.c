/*
 * lifeboat INI reader, following oslo.config's iniparser: blank lines end a
 * multi-line value, indented lines continue it, '#'/';' lines are comments,
 * the first ':' or '=' splits key from value.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/ini.h"

/* What the parser knows while reading one file. */
struct ini_scan {
    const char *section, *key;
    bool in_section; /* the current section is the one asked for */
    bool in_value;   /* the last assignment was to the key asked for */
    char *value;     /* latest value of the key, or NULL */
    int err;         /* -ENOMEM */
};

static char *
ini_trim(char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

/* Append "\n@more" to the value being read. */
static void
ini_continue(struct ini_scan *sc, const char *more)
{
    size_t a = strlen(sc->value), b = strlen(more);
    char *v = realloc(sc->value, a + b + 2);

    if (!v) {
        sc->err = -ENOMEM;
        return;
    }
    v[a] = '\n';
    memcpy(v + a + 1, more, b + 1);
    sc->value = v;
}

/* "key = value" or "key: value"; the value loses one pair of matching quotes. */
static void
ini_assign(struct ini_scan *sc, char *line)
{
    size_t colon = strcspn(line, ":"), equal = strcspn(line, "=");
    size_t at = colon < equal ? colon : equal;
    char *key, *val;
    size_t n;

    sc->in_value = false;
    if (!line[at]) {
        return; /* not an assignment: oslo.config rejects the file; we ignore the line */
    }
    line[at] = '\0';
    key = ini_trim(line);
    val = ini_trim(line + at + 1);
    n = strlen(val);
    if (n >= 2 && (val[0] == '"' || val[0] == '\'') && val[n - 1] == val[0]) {
        val[n - 1] = '\0';
        val++;
    }
    if (!sc->in_section || strcmp(key, sc->key)) {
        return;
    }
    free(sc->value);
    sc->value = strdup(val);
    if (!sc->value) {
        sc->err = -ENOMEM;
        return;
    }
    sc->in_value = true;
}

static void
ini_line(struct ini_scan *sc, char *line)
{
    char *t;
    size_t n;

    /* Only trailing blanks go: leading ones mark a continuation line. */
    n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                 line[n - 1] == '\t')) {
        line[--n] = '\0';
    }
    if (!n) {
        sc->in_value = false; /* a blank line ends a multi-line value */
        return;
    }
    if (line[0] == ' ' || line[0] == '\t') {
        if (sc->in_value) {
            ini_continue(sc, ini_trim(line));
        }
        return;
    }
    sc->in_value = false;
    if (line[0] == '[') {
        if (line[n - 1] == ']') {
            line[n - 1] = '\0';
            t = line + 1;
            sc->in_section = !strcmp(t, sc->section);
        }
        return;
    }
    if (line[0] == '#' || line[0] == ';') {
        return;
    }
    ini_assign(sc, line);
}

int
lb_ini_get(const char *path, const char *section, const char *key, char **value)
{
    struct ini_scan sc = {.section = section, .key = key};
    char *line = NULL;
    size_t cap = 0;
    FILE *f;

    if (!value || !path || !section || !key) {
        return -EINVAL;
    }
    *value = NULL;
    f = fopen(path, "re");
    if (!f) {
        return -errno;
    }
    while (sc.err == 0 && getline(&line, &cap, f) >= 0) {
        ini_line(&sc, line);
    }
    if (sc.err == 0 && ferror(f)) {
        sc.err = -EIO;
    }
    free(line);
    fclose(f);
    if (sc.err < 0) {
        free(sc.value);
        return sc.err;
    }
    if (!sc.value) {
        return -ENXIO;
    }
    *value = sc.value;
    return 0;
}
