/*
 * lifeboat parameters: read OCF_RESKEY_* with table defaults, and validate them
 * against the agent's parameter table.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lifeboat/log.h"
#include "lifeboat/ocf.h"

static const struct lb_param *
lb_param_find(const struct lb_agent *agent, const char *name)
{
    for (const struct lb_param *p = agent->params; p && p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

/* The raw environment value, NULL when unset or empty. */
static const char *
lb_param_env(const char *name)
{
    char key[160];
    const char *v;

    snprintf(key, sizeof(key), "OCF_RESKEY_%s", name);
    v = getenv(key);
    return (v && *v) ? v : NULL;
}

int
lb_parse_bool(const char *s)
{
    static const char *const yes[] = {"true", "yes", "on", "1", "y", NULL};
    static const char *const no[] = {"false", "no", "off", "0", "n", NULL};

    if (!s) {
        return -1;
    }
    for (int i = 0; yes[i]; i++) {
        if (!strcasecmp(s, yes[i])) {
            return 1;
        }
    }
    for (int i = 0; no[i]; i++) {
        if (!strcasecmp(s, no[i])) {
            return 0;
        }
    }
    return -1;
}

bool
lb_parse_long(const char *s, long *out)
{
    char *end;
    long v;

    if (!s || !*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9'))) {
        return false; /* no leading blanks: "42 " and " 42" are both refused */
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end) {
        return false;
    }
    *out = v;
    return true;
}

const char *
lb_param_str(const struct lb_ctx *ctx, const char *name)
{
    const char *v = lb_param_env(name);
    const struct lb_param *p;

    if (v) {
        return v;
    }
    p = lb_param_find(ctx->agent, name);
    return (p && p->dflt && *p->dflt) ? p->dflt : NULL;
}

bool
lb_param_is_set(const struct lb_ctx *ctx, const char *name)
{
    (void)ctx;
    return lb_param_env(name) != NULL;
}

bool
lb_param_bool(const struct lb_ctx *ctx, const char *name)
{
    return lb_parse_bool(lb_param_str(ctx, name)) == 1;
}

long
lb_param_int(const struct lb_ctx *ctx, const char *name, long fallback)
{
    long v;

    return lb_parse_long(lb_param_str(ctx, name), &v) ? v : fallback;
}

static bool
lb_enum_has(const struct lb_param *p, const char *v)
{
    for (int i = 0; p->values && p->values[i]; i++) {
        if (!strcmp(p->values[i], v)) {
            return true;
        }
    }
    return false;
}

static int
lb_check_integer(const struct lb_param *p, const char *v)
{
    long n;

    if (!lb_parse_long(v, &n)) {
        lb_exit_reason("parameter '%s' must be an integer, not '%s'", p->name, v);
        return LB_OCF_ERR_CONFIGURED;
    }
    if (p->min < p->max && (n < p->min || n > p->max)) {
        lb_exit_reason("parameter '%s' must be between %ld and %ld, not %ld", p->name, p->min,
                       p->max, n);
        return LB_OCF_ERR_CONFIGURED;
    }
    return LB_OCF_SUCCESS;
}

static int
lb_check_enum(const struct lb_param *p, const char *v)
{
    char allowed[512] = "";

    if (lb_enum_has(p, v)) {
        return LB_OCF_SUCCESS;
    }
    for (int i = 0; p->values && p->values[i]; i++) {
        if (i) {
            strncat(allowed, ", ", sizeof(allowed) - strlen(allowed) - 1);
        }
        strncat(allowed, p->values[i], sizeof(allowed) - strlen(allowed) - 1);
    }
    lb_exit_reason("parameter '%s' must be one of: %s (not '%s')", p->name, allowed, v);
    return LB_OCF_ERR_CONFIGURED;
}

/* A feature we accept by name but do not implement: refuse it when it is used. */
static int
lb_check_unsupported(const struct lb_param *p, const char *v)
{
    if (p->type == LB_PARAM_BOOLEAN && lb_parse_bool(v) == 0) {
        return LB_OCF_SUCCESS; /* explicitly off: nothing is ignored */
    }
    lb_exit_reason("parameter '%s' is not supported by this agent: %s", p->name, p->unsupported);
    return LB_OCF_ERR_CONFIGURED;
}

static int
lb_check_param(const struct lb_param *p)
{
    const char *v = lb_param_env(p->name);

    if (!v) {
        if (p->required && !(p->dflt && *p->dflt)) {
            lb_exit_reason("required parameter '%s' is not set", p->name);
            return LB_OCF_ERR_CONFIGURED;
        }
        return LB_OCF_SUCCESS;
    }
    switch (p->type) {
    case LB_PARAM_BOOLEAN:
        if (lb_parse_bool(v) < 0) {
            lb_exit_reason("parameter '%s' must be a boolean (true/false/yes/no/on/off/1/0), "
                           "not '%s'",
                           p->name, v);
            return LB_OCF_ERR_CONFIGURED;
        }
        break;
    case LB_PARAM_INTEGER:
        if (lb_check_integer(p, v) != LB_OCF_SUCCESS) {
            return LB_OCF_ERR_CONFIGURED;
        }
        break;
    case LB_PARAM_ENUM:
        if (lb_check_enum(p, v) != LB_OCF_SUCCESS) {
            return LB_OCF_ERR_CONFIGURED;
        }
        break;
    case LB_PARAM_STRING:
        break;
    }
    if (p->unsupported) {
        return lb_check_unsupported(p, v);
    }
    return LB_OCF_SUCCESS;
}

int
lb_params_validate(struct lb_ctx *ctx)
{
    for (const struct lb_param *p = ctx->agent->params; p && p->name; p++) {
        int rc = lb_check_param(p);

        if (rc != LB_OCF_SUCCESS) {
            return rc;
        }
    }
    return LB_OCF_SUCCESS;
}
