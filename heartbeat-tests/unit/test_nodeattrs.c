/*
 * Unit tests of lib/nodeattrs.c against a copy of the offline CIB fixture
 * (CIB_file), cross-checked with crm_attribute on the same file.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifeboat/nodeattrs.h"

/* Pacemaker 2.1.5 leaks the document of a CIB_file that is not XML (see test_cib.c). */
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *
__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions(void)
{
    return "leak:filename2xml\n";
}

static char fixture[4096];
static char scratch[] = "/tmp/lb-test-nodeattrs.XXXXXX";

static void
setup(void)
{
    const char *top = getenv("top_srcdir");
    char here[4096], cmd[8192];
    int fd;

    if (top != NULL && *top != '\0') {
        snprintf(fixture, sizeof(fixture), "%s/heartbeat-tests/unit/fixtures/cib-cluster.xml", top);
    } else {
        snprintf(here, sizeof(here), "%s", __FILE__);
        snprintf(fixture, sizeof(fixture), "%s/fixtures/cib-cluster.xml", dirname(here));
    }
    strcpy(scratch, "/tmp/lb-test-nodeattrs.XXXXXX");
    fd = mkstemp(scratch);
    ck_assert_int_ge(fd, 0);
    close(fd);
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", fixture, scratch);
    ck_assert_int_eq(system(cmd), 0);
    setenv("CIB_file", scratch, 1);
    unsetenv("CIB_shadow");
}

static void
teardown(void)
{
    unlink(scratch);
    unsetenv("CIB_file");
}

/* crm_attribute's answer for (@node, @name, @lifetime) on the scratch CIB, or "". */
static void
crm_attribute(const char *node, const char *name, const char *lifetime, char *buf, size_t len)
{
    char cmd[1024];
    FILE *p;

    snprintf(cmd, sizeof(cmd),
             "CIB_file='%s' crm_attribute -N %s -n %s -l %s --query -q 2>/dev/null", scratch, node,
             name, lifetime);
    buf[0] = '\0';
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    if (fgets(buf, (int)len, p) == NULL) {
        buf[0] = '\0';
    }
    buf[strcspn(buf, "\n")] = '\0';
    pclose(p);
}

START_TEST(read_transient)
{
    struct lb_nodeattr *v;
    size_t n;

    ck_assert_int_eq(lb_nodeattrs_get("pingd", true, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(v[0].node, "node1");
    ck_assert_str_eq(v[0].value, "100");
    ck_assert_str_eq(lb_nodeattrs_find(v, n, "node1"), "100");
    ck_assert_ptr_null(lb_nodeattrs_find(v, n, "node2"));
    lb_nodeattrs_free(v, n);
    ck_assert_int_eq(lb_nodeattrs_get("no-such-attribute", true, &v, &n), 0);
    ck_assert_uint_eq(n, 0);
    lb_nodeattrs_free(v, n);
    ck_assert_int_eq(lb_nodeattrs_get("", true, &v, &n), -EINVAL);
}
END_TEST

START_TEST(read_permanent)
{
    struct lb_nodeattr *v;
    size_t n;

    ck_assert_int_eq(lb_nodeattrs_get("site", false, &v, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(lb_nodeattrs_find(v, n, "node1"), "east");
    ck_assert_str_eq(lb_nodeattrs_find(v, n, "node2"), "west");
    lb_nodeattrs_free(v, n);
    /* a transient attribute is not a permanent one */
    ck_assert_int_eq(lb_nodeattrs_get("pingd", false, &v, &n), 0);
    ck_assert_uint_eq(n, 0);
    lb_nodeattrs_free(v, n);
}
END_TEST

START_TEST(write_permanent)
{
    struct lb_nodeattr *v;
    char buf[256];
    size_t n;

    ck_assert_int_eq(
        lb_nodeattrs_set("node3", "rmq-node-attr-last-known-rmq", "rabbit@node3", false), 0);
    crm_attribute("node3", "rmq-node-attr-last-known-rmq", "forever", buf, sizeof(buf));
    ck_assert_str_eq(buf, "rabbit@node3");
    ck_assert_int_eq(lb_nodeattrs_set("node1", "site", "north", false), 0); /* replaces */
    ck_assert_int_eq(lb_nodeattrs_get("site", false, &v, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(lb_nodeattrs_find(v, n, "node1"), "north");
    lb_nodeattrs_free(v, n);
    ck_assert_int_eq(lb_nodeattrs_set("node3", "rmq-node-attr-last-known-rmq", NULL, false), 0);
    crm_attribute("node3", "rmq-node-attr-last-known-rmq", "forever", buf, sizeof(buf));
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(lb_nodeattrs_set("node3", "rmq-node-attr-last-known-rmq", NULL, false), 0);
    ck_assert_int_eq(lb_nodeattrs_set("node9", "site", "x", false), -ENXIO);
}
END_TEST

/* An offline CIB has no attrd: transient attributes go into its status section. */
START_TEST(write_transient_offline)
{
    struct lb_nodeattr *v;
    size_t n;

    ck_assert_int_eq(lb_nodeattrs_set("node2", "rmq-node-attr-rmq", "rabbit@node2", true), 0);
    ck_assert_int_eq(lb_nodeattrs_set("node3", "rmq-node-attr-rmq", "rabbit@node3", true), 0);
    ck_assert_int_eq(lb_nodeattrs_get("rmq-node-attr-rmq", true, &v, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(lb_nodeattrs_find(v, n, "node2"), "rabbit@node2");
    ck_assert_str_eq(lb_nodeattrs_find(v, n, "node3"), "rabbit@node3");
    lb_nodeattrs_free(v, n);
    ck_assert_int_eq(lb_nodeattrs_set("node2", "rmq-node-attr-rmq", NULL, true), 0);
    ck_assert_int_eq(lb_nodeattrs_get("rmq-node-attr-rmq", true, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(v[0].node, "node3");
    lb_nodeattrs_free(v, n);
}
END_TEST

START_TEST(missing_cib)
{
    struct lb_nodeattr *v;
    size_t n;

    setenv("CIB_file", "/nonexistent/cib.xml", 1);
    ck_assert_int_lt(lb_nodeattrs_get("site", false, &v, &n), 0);
    ck_assert_ptr_null(v);
    ck_assert_int_lt(lb_nodeattrs_set("node1", "site", "x", false), 0);
}
END_TEST

static Suite *
nodeattrs_suite(void)
{
    Suite *s = suite_create("nodeattrs");
    TCase *tc = tcase_create("offline");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, read_transient);
    tcase_add_test(tc, read_permanent);
    tcase_add_test(tc, write_permanent);
    tcase_add_test(tc, write_transient_offline);
    tcase_add_test(tc, missing_cib);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(nodeattrs_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
