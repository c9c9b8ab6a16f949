/*
 * Unit tests of lb_cib_diff_touches() (lib/cib.c): which CIB change
 * notifications concern a watched transient attribute. The diffs are shaped
 * like those pacemaker-based 2.1.5 sends for attrd's writes (format 2), a
 * controller erasing a node's attributes, and a format 1 diff.
 */
#include <check.h>
#include <stdlib.h>

#include <crm/common/xml.h>

#include "lifeboat/cib.h"

static const char *const names[] = {"evacuate", NULL};

#define NV_PATH                                                                                    \
    "/cib/status/node_state[@id='compute1']/transient_attributes[@id='compute1']"                  \
    "/instance_attributes[@id='status-compute1']"

#define DIFF2(changes)                                                                             \
    "<diff format=\"2\"><version><source admin_epoch=\"0\"/></version>" changes "</diff>"

START_TEST(test_create)
{
    ck_assert(lb_cib_diff_touches(
        DIFF2("<change operation=\"create\" path=\"" NV_PATH "\" position=\"0\">"
              "<nvpair id=\"status-compute1-evacuate\" name=\"evacuate\" value=\"yes\"/>"
              "</change>"),
        names));
}
END_TEST

START_TEST(test_modify)
{
    ck_assert(lb_cib_diff_touches(
        DIFF2("<change operation=\"modify\" path=\"" NV_PATH
              "/nvpair[@id='status-compute1-evacuate']\">"
              "<change-list><change-attr name=\"value\" operation=\"set\" value=\"no\"/>"
              "</change-list><change-result>"
              "<nvpair id=\"status-compute1-evacuate\" name=\"evacuate\" value=\"no\"/>"
              "</change-result></change>"),
        names));
}
END_TEST

START_TEST(test_delete)
{
    ck_assert(lb_cib_diff_touches(DIFF2("<change operation=\"delete\" path=\"" NV_PATH
                                        "/nvpair[@id='status-compute1-evacuate']\"/>"),
                                  names));
    /* the controller erases a node's transient attributes as a whole */
    ck_assert(lb_cib_diff_touches(
        DIFF2("<change operation=\"delete\" path=\"/cib/status/node_state[@id='2']"
              "/transient_attributes[@id='2']\"/>"),
        names));
}
END_TEST

START_TEST(test_other_attributes)
{
    /* our own progress attributes, and attributes of a similar name, are not it */
    ck_assert(!lb_cib_diff_touches(
        DIFF2("<change operation=\"modify\" path=\"" NV_PATH
              "/nvpair[@id='status-compute1-evacuate-progress']\">"
              "<change-list><change-attr name=\"value\" operation=\"set\" value=\"x\"/>"
              "</change-list><change-result><nvpair id=\"status-compute1-evacuate-progress\" "
              "name=\"evacuate-progress\" value=\"x\"/></change-result></change>"),
        names));
    ck_assert(!lb_cib_diff_touches(
        DIFF2("<change operation=\"create\" path=\"" NV_PATH "\" position=\"1\">"
              "<nvpair id=\"status-compute1-fail-count\" name=\"fail-count-x\" value=\"1\"/>"
              "</change>"),
        names));
    ck_assert(!lb_cib_diff_touches(DIFF2("<change operation=\"delete\" path=\"" NV_PATH
                                         "/nvpair[@id='status-compute1-nova-evacuations']\"/>"),
                                   names));
}
END_TEST

START_TEST(test_history_and_config)
{
    /* resource history, even with an nvpair-like id, and configuration changes */
    ck_assert(!lb_cib_diff_touches(
        DIFF2("<change operation=\"create\" path=\"/cib/status/node_state[@id='1']/lrm[@id='1']"
              "/lrm_resources\" position=\"0\"><lrm_resource id=\"evacuate\"/></change>"),
        names));
    ck_assert(!lb_cib_diff_touches(
        DIFF2("<change operation=\"modify\" path=\"/cib\"><change-list>"
              "<change-attr name=\"epoch\" operation=\"set\" value=\"5\"/></change-list>"
              "</change>"),
        names));
    ck_assert(!lb_cib_diff_touches(
        DIFF2("<change operation=\"create\" path=\"/cib/configuration/crm_config\" "
              "position=\"0\"><cluster_property_set id=\"x\"><nvpair id=\"x-evacuate\" "
              "name=\"other\" value=\"1\"/></cluster_property_set></change>"),
        names));
}
END_TEST

START_TEST(test_node_state_created)
{
    /* a node's first attribute creates its whole node_state */
    ck_assert(lb_cib_diff_touches(
        DIFF2("<change operation=\"create\" path=\"/cib/status\" position=\"1\">"
              "<node_state id=\"compute1\"><transient_attributes id=\"compute1\">"
              "<instance_attributes id=\"status-compute1\"><nvpair "
              "id=\"status-compute1-evacuate\" name=\"evacuate\" value=\"yes\"/>"
              "</instance_attributes></transient_attributes></node_state></change>"),
        names));
}
END_TEST

START_TEST(test_format1_and_junk)
{
    ck_assert(lb_cib_diff_touches("<diff><diff-added><cib><status><node_state id=\"1\">"
                                  "<transient_attributes><instance_attributes><nvpair "
                                  "name=\"evacuate\" value=\"yes\"/></instance_attributes>"
                                  "</transient_attributes></node_state></status></cib>"
                                  "</diff-added></diff>",
                                  names));
    ck_assert(!lb_cib_diff_touches("<diff><diff-added/></diff>", names));
    /* broken XML is no crash (libxml may recover part of it) */
    (void)lb_cib_diff_touches("<diff", names);
    (void)lb_cib_diff_touches("", names);
    ck_assert(!lb_cib_diff_touches(NULL, names));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("cib_diff");
    TCase *tc = tcase_create("diff");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_create);
    tcase_add_test(tc, test_modify);
    tcase_add_test(tc, test_delete);
    tcase_add_test(tc, test_other_attributes);
    tcase_add_test(tc, test_history_and_config);
    tcase_add_test(tc, test_node_state_created);
    tcase_add_test(tc, test_format1_and_junk);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    crm_xml_cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
