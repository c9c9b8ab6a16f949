/*
 * lifeboat promotion: promotion scores through the attribute manager, named
 * as Pacemaker names them (pcmk_promotion_score_name: "master-" + the
 * resource id without a clone instance suffix).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/cib.h"
#include "lifeboat/ocf.h"
#include "lifeboat/promotion.h"

char *
lb_instance_base(const char *instance)
{
    const char *colon;
    size_t len;

    if (instance == NULL) {
        return NULL;
    }
    len = strlen(instance);
    colon = strrchr(instance, ':');
    if (colon != NULL && colon[1] != '\0' && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
        len = (size_t)(colon - instance);
    }
    return strndup(instance, len);
}

char *
lb_promotion_attr(const char *instance)
{
    char *base = lb_instance_base(instance), *name = NULL;

    if (base != NULL && *base != '\0' && asprintf(&name, "master-%s", base) < 0) {
        name = NULL;
    }
    free(base);
    return name;
}

int
lb_promotion_set(const char *instance, const char *node, long score)
{
    char *name = lb_promotion_attr(instance), value[32];
    int rc;

    if (name == NULL) {
        return -EINVAL;
    }
    snprintf(value, sizeof(value), "%ld", score);
    rc = lb_attrd_update(node, name, value);
    free(name);
    return rc;
}

int
lb_promotion_clear(const char *instance, const char *node)
{
    char *name = lb_promotion_attr(instance);
    int rc;

    if (name == NULL) {
        return -EINVAL;
    }
    rc = lb_attrd_update(node, name, NULL);
    free(name);
    return rc;
}

int
lb_promotion_get(const char *instance, const char *node, long *score)
{
    char *name = lb_promotion_attr(instance), *value = NULL;
    int rc;

    if (name == NULL) {
        return -EINVAL;
    }
    rc = lb_attrd_query(node, name, &value);
    if (rc == 0 && !lb_parse_long(value, score)) {
        rc = -EINVAL;
    }
    free(value);
    free(name);
    return rc;
}
