/*
 * lb_attr_tool: a small command-line front end to lib/cib.c, for the live
 * tests (heartbeat-tests/live/attrd.sh). NODE "-" means the local node.
 *
 *   lb_attr_tool set NODE NAME VALUE   transient attribute via attrd
 *   lb_attr_tool get NODE NAME         query attrd (prints the value)
 *   lb_attr_tool del NODE NAME         delete via attrd
 *   lb_attr_tool cib-get NODE NAME     transient attribute from the CIB status
 *   lb_attr_tool node                  local node name
 *   lb_attr_tool role RSC NODE         role of RSC on NODE from the CIB
 *   lb_attr_tool locate RSC            nodes where RSC is active, one a line
 *   lb_attr_tool util-set RSC NAME [VALUE]  set (or delete) a utilization attribute
 *   lb_attr_tool util-get RSC NAME     read a utilization attribute
 *
 * Exit status: 0 success, 2 not found (-ENXIO), 1 any other error, 64 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/cib.h"

static int
usage(void)
{
    fprintf(stderr, "usage: lb_attr_tool set NODE NAME VALUE | get NODE NAME | del NODE NAME |\n"
                    "       cib-get NODE NAME | node | role RSC NODE | locate RSC |\n"
                    "       util-set RSC NAME [VALUE] | util-get RSC NAME\n");
    return 64;
}

static const char *
node_arg(const char *s)
{
    return (strcmp(s, "-") == 0) ? NULL : s;
}

/* Print @value (if any) and map @rc to the exit status. */
static int
finish(const char *cmd, int rc, char *value)
{
    if (rc == 0 && value != NULL) {
        printf("%s\n", value);
    }
    free(value);
    lb_cib_close();
    if (rc == 0) {
        return 0;
    }
    fprintf(stderr, "lb_attr_tool: %s: %s (%d)\n", cmd, strerror(-rc), rc);
    return (rc == -ENXIO) ? 2 : 1;
}

static int
cmd_locate(const char *rsc)
{
    char **nodes = NULL;
    int rc = lb_cib_resource_nodes(rsc, &nodes);

    for (char **p = nodes; rc == 0 && *p != NULL; p++) {
        printf("%s\n", *p);
    }
    lb_strv_free(nodes);
    return finish("locate", rc, NULL);
}

int
main(int argc, char **argv)
{
    char *value = NULL;
    const char *cmd = (argc > 1) ? argv[1] : "";
    int rc;

    /* Each call is made before finish() reads value (argument order is unspecified). */

    if (strcmp(cmd, "set") == 0 && argc == 5) {
        return finish(cmd, lb_attrd_update(node_arg(argv[2]), argv[3], argv[4]), NULL);
    }
    if (strcmp(cmd, "get") == 0 && argc == 4) {
        rc = lb_attrd_query(node_arg(argv[2]), argv[3], &value);
        return finish(cmd, rc, value);
    }
    if (strcmp(cmd, "del") == 0 && argc == 4) {
        return finish(cmd, lb_attrd_update(node_arg(argv[2]), argv[3], NULL), NULL);
    }
    if (strcmp(cmd, "cib-get") == 0 && argc == 4) {
        rc = lb_cib_node_attr(node_arg(argv[2]), argv[3], true, &value);
        return finish(cmd, rc, value);
    }
    if (strcmp(cmd, "node") == 0 && argc == 2) {
        rc = lb_cib_local_node(&value);
        return finish(cmd, rc, value);
    }
    if (strcmp(cmd, "role") == 0 && argc == 4) {
        rc = lb_cib_resource_role(argv[2], argv[3], &value);
        return finish(cmd, rc, value);
    }
    if (strcmp(cmd, "locate") == 0 && argc == 3) {
        return cmd_locate(argv[2]);
    }
    if (strcmp(cmd, "util-set") == 0 && (argc == 4 || argc == 5)) {
        return finish(cmd, lb_cib_set_utilization(argv[2], argv[3], (argc == 5) ? argv[4] : NULL),
                      NULL);
    }
    if (strcmp(cmd, "util-get") == 0 && argc == 4) {
        rc = lb_cib_utilization(argv[2], argv[3], &value);
        return finish(cmd, rc, value);
    }
    return usage();
}
