/*
 * Unit tests of lib/nodes.c (node states and quorum from offline CIBs:
 * CIB_file) and of the naming part of lib/promotion.c.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifeboat/nodes.h"
#include "lifeboat/promotion.h"

/*
 * Under --enable-sanitizers: Pacemaker 2.1.5's filename2xml() leaks the
 * document of a CIB_file it cannot parse (see pacemaker.supp for valgrind).
 */
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

static char cib_path[256];

/* Write a CIB with properties @props (nvpairs), nodes @nodes and status @status; point CIB_file at
 * it. */
static void
write_cib(const char *quorum, const char *props, const char *nodes, const char *status)
{
    FILE *f;
    int fd;

    snprintf(cib_path, sizeof(cib_path), "/tmp/lb-test-nodes-XXXXXX");
    fd = mkstemp(cib_path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" epoch=\"5\" "
            "num_updates=\"0\" admin_epoch=\"0\" have-quorum=\"%s\" dc-uuid=\"1\">\n"
            "<configuration><crm_config><cluster_property_set id=\"o\">%s"
            "</cluster_property_set></crm_config>\n<nodes>%s</nodes><resources/><constraints/>"
            "</configuration>\n<status>%s</status></cib>\n",
            quorum, props, nodes, status);
    fclose(f);
    setenv("CIB_file", cib_path, 1);
}

static void
teardown(void)
{
    if (*cib_path) {
        unlink(cib_path);
        *cib_path = '\0';
    }
    unsetenv("CIB_file");
}

#define NODE(id, name) "<node id=\"" id "\" uname=\"" name "\"/>"
#define NODES3         NODE("1", "node1") NODE("2", "node2") NODE("3", "node3")
#define STATE(id, name, ccm, crmd, join, exp)                                                      \
    "<node_state id=\"" id "\" uname=\"" name "\" in_ccm=\"" ccm "\" crmd=\"" crmd                 \
    "\" join=\"" join "\" expected=\"" exp "\"/>"
#define UP(id, name) STATE(id, name, "true", "online", "member", "member")

static const struct lb_node *
get(const struct lb_nodes *v, const char *name)
{
    const struct lb_node *n = lb_nodes_find(v, name);

    ck_assert_msg(n != NULL, "node %s not found", name);
    return n;
}

START_TEST(all_online)
{
    struct lb_nodes v;

    write_cib("1", "", NODES3, UP("1", "node1") UP("2", "node2") UP("3", "node3"));
    ck_assert_int_eq(lb_nodes_read(&v), 0);
    ck_assert_uint_eq(v.n, 3);
    ck_assert(v.quorate);
    for (size_t i = 0; i < v.n; i++) {
        ck_assert(v.v[i].online && !v.v[i].unclean && !v.v[i].remote);
    }
    ck_assert_ptr_null(lb_nodes_find(&v, "node4"));
    lb_nodes_free(&v);
    ck_assert_uint_eq(v.n, 0);
}
END_TEST

START_TEST(lost_and_fenced)
{
    struct lb_nodes v;

    write_cib("1", "", NODES3,
              UP("1", "node1") STATE("2", "node2", "false", "offline", "down", "member")
                  STATE("3", "node3", "false", "offline", "down", "down"));
    ck_assert_int_eq(lb_nodes_read(&v), 0);
    ck_assert(get(&v, "node1")->online);
    ck_assert(!get(&v, "node2")->online && get(&v, "node2")->unclean);  /* lost, not fenced */
    ck_assert(!get(&v, "node3")->online && !get(&v, "node3")->unclean); /* fenced or left */
    lb_nodes_free(&v);
}
END_TEST

START_TEST(no_fencing)
{
    struct lb_nodes v;

    write_cib("0", "<nvpair id=\"s\" name=\"stonith-enabled\" value=\"false\"/>", NODES3,
              UP("1", "node1") STATE("2", "node2", "false", "offline", "down", "member"));
    ck_assert_int_eq(lb_nodes_read(&v), 0);
    ck_assert(!v.quorate);
    ck_assert(!get(&v, "node2")->unclean);
    ck_assert(!get(&v, "node3")->online && !get(&v, "node3")->unclean); /* never seen */
    lb_nodes_free(&v);
}
END_TEST

START_TEST(unseen_nodes)
{
    struct lb_nodes v;

    write_cib("1", "", NODES3, UP("1", "node1"));
    ck_assert_int_eq(lb_nodes_read(&v), 0);
    ck_assert(get(&v, "node3")->unclean); /* startup-fencing: unseen nodes are unclean */
    lb_nodes_free(&v);
    teardown();
    write_cib("1", "<nvpair id=\"sf\" name=\"startup-fencing\" value=\"false\"/>", NODES3,
              UP("1", "node1"));
    ck_assert_int_eq(lb_nodes_read(&v), 0);
    ck_assert(!get(&v, "node3")->unclean);
    lb_nodes_free(&v);
}
END_TEST

START_TEST(remote_and_stamps)
{
    struct lb_nodes v;

    /* later Pacemaker versions write join timestamps into in_ccm and crmd */
    write_cib(
        "true", "", NODE("1", "node1") "<node id=\"r1\" uname=\"remote1\" type=\"remote\"/>",
        STATE("1", "node1", "1700000000", "1700000001", "member",
              "member") "<node_state id=\"r1\" uname=\"remote1\" remote_node=\"true\" "
                        "in_ccm=\"true\" "
                        "crmd=\"online\"/>"
                        "<node_state id=\"4\" in_ccm=\"false\" crmd=\"offline\" join=\"down\" "
                        "expected=\"down\"/>");
    ck_assert_int_eq(lb_nodes_read(&v), 0);
    ck_assert(v.quorate);
    ck_assert(get(&v, "node1")->online);
    ck_assert(get(&v, "remote1")->remote && get(&v, "remote1")->online);
    ck_assert(!get(&v, "4")->online); /* known by id only */
    lb_nodes_free(&v);
}
END_TEST

START_TEST(missing_cib)
{
    struct lb_nodes v;

    setenv("CIB_file", "/nonexistent/lb-cib.xml", 1);
    ck_assert_int_lt(lb_nodes_read(&v), 0);
    ck_assert_uint_eq(v.n, 0);
    lb_nodes_free(&v);
}
END_TEST

START_TEST(promotion_names)
{
    char *s;

    s = lb_instance_base("galera:2");
    ck_assert_str_eq(s, "galera");
    free(s);
    s = lb_instance_base("galera");
    ck_assert_str_eq(s, "galera");
    free(s);
    s = lb_instance_base("db:x:10");
    ck_assert_str_eq(s, "db:x");
    free(s);
    s = lb_instance_base("odd:");
    ck_assert_str_eq(s, "odd:");
    free(s);
    ck_assert_ptr_null(lb_instance_base(NULL));
    s = lb_promotion_attr("galera:0");
    ck_assert_str_eq(s, "master-galera");
    free(s);
    ck_assert_ptr_null(lb_promotion_attr(":1"));
    ck_assert_int_eq(lb_promotion_set(NULL, "node1", 100), -EINVAL);
    ck_assert_int_eq(lb_promotion_clear(NULL, NULL), -EINVAL);
}
END_TEST

static Suite *
nodes_suite(void)
{
    Suite *s = suite_create("nodes");
    TCase *tc = tcase_create("cib");

    /* every read loads Pacemaker's schemas for CIB_file: slow under sanitizers */
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, all_online);
    tcase_add_test(tc, lost_and_fenced);
    tcase_add_test(tc, no_fencing);
    tcase_add_test(tc, unseen_nodes);
    tcase_add_test(tc, remote_and_stamps);
    tcase_add_test(tc, missing_cib);
    suite_add_tcase(s, tc);
    tc = tcase_create("promotion");
    tcase_add_test(tc, promotion_names);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(nodes_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
