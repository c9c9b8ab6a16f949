/*
 * Unit tests of lib/rabbitmq.c (and the HTTP helpers the rabbitmq-cluster
 * agent uses from lib/http.c). The JSON and log excerpts are what RabbitMQ
 * 3.10.8 printed on this machine: GET /api/nodes?columns=... during a
 * partition made by SIGSTOP, `rabbitmqctl cluster_status --formatter json`,
 * and the start-up output of a node its cluster had forgotten.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/http.h"
#include "lifeboat/proc.h"
#include "lifeboat/rabbitmq.h"

/* node1's view after rabbit3 came back from a SIGSTOP (net_ticktime 4) */
static const char api_majority[] =
    "[{\"partitions\":[\"rabbit3@localhost\"],\"os_pid\":\"32673\",\"name\":\"rabbit1@localhost\","
    "\"running\":true},{\"partitions\":[\"rabbit3@localhost\"],\"os_pid\":\"2948\","
    "\"name\":\"rabbit2@localhost\",\"running\":true},{\"partitions\":[\"rabbit1@localhost\","
    "\"rabbit2@localhost\"],\"name\":\"rabbit3@localhost\",\"running\":false}]";

/* rabbit3's view at the same time */
static const char api_minority[] =
    "[{\"partitions\":[\"rabbit3@localhost\"],\"name\":\"rabbit1@localhost\",\"running\":false},"
    "{\"partitions\":[\"rabbit3@localhost\"],\"name\":\"rabbit2@localhost\",\"running\":false},"
    "{\"partitions\":[\"rabbit1@localhost\",\"rabbit2@localhost\"],\"name\":\"rabbit3@localhost\","
    "\"running\":true}]";

/* a member that has just joined reports neither partitions nor os_pid */
static const char api_healthy[] =
    "[{\"partitions\":[],\"os_pid\":\"32673\",\"name\":\"rabbit1@localhost\",\"running\":true},"
    "{\"name\":\"rabbit3@localhost\",\"running\":true}]";

static const char ctl_status[] =
    "{\"alarms\":[],\"cluster_name\":\"rabbit1@vm\",\"disk_nodes\":[\"rabbit1@localhost\","
    "\"rabbit2@localhost\",\"rabbit3@localhost\"],\"feature_flags\":[],\"listeners\":{},"
    "\"partitions\":{\"rabbit1@localhost\":[\"rabbit3@localhost\"]},\"ram_nodes\":[],"
    "\"running_nodes\":[\"rabbit2@localhost\",\"rabbit1@localhost\"],\"versions\":{}}\n";

static const char boot_failed[] =
    "2026-11-22 03:30:07.056805+00:00 [notice] <0.223.0> Logging: switching to configured "
    "handler(s); following messages may not be visible in this log output\n\n"
    "BOOT FAILED\n===========\nError during startup: {error,\n"
    "                          {inconsistent_cluster,\n"
    "                              \"Node rabbit2@localhost thinks it's clustered with node "
    "rabbit3@localhost, but rabbit3@localhost disagrees\"}}\n\n"
    "{\"Kernel pid terminated\",application_controller,\"{application_start_failure,rabbit}\"}\n"
    "Kernel pid terminated (application_controller) ({application_start_failure,rabbit})\n";

/* ------------------------------------------------------------ views */

START_TEST(view_api)
{
    struct lb_rmq_view v;
    const struct lb_rmq_member *m;

    ck_assert_int_eq(lb_rmq_view_from_api(api_majority, &v), 0);
    ck_assert_uint_eq(v.n, 3);
    ck_assert_uint_eq(lb_rmq_view_running(&v), 2);
    m = lb_rmq_view_find(&v, "rabbit1@localhost");
    ck_assert_ptr_nonnull(m);
    ck_assert(m->running);
    ck_assert_int_eq(m->os_pid, 32673);
    ck_assert_str_eq(m->partitions[0], "rabbit3@localhost");
    ck_assert_ptr_null(m->partitions[1]);
    m = lb_rmq_view_find(&v, "rabbit3@localhost");
    ck_assert(!m->running);
    ck_assert_int_eq(m->os_pid, 0);
    ck_assert_ptr_null(lb_rmq_view_find(&v, "rabbit9@localhost"));
    lb_rmq_view_free(&v);

    ck_assert_int_eq(lb_rmq_view_from_api(api_healthy, &v), 0);
    m = lb_rmq_view_find(&v, "rabbit3@localhost");
    ck_assert_ptr_nonnull(m->partitions); /* none reported: an empty list */
    ck_assert_ptr_null(m->partitions[0]);
    lb_rmq_view_free(&v);
}
END_TEST

START_TEST(view_api_garbage)
{
    struct lb_rmq_view v;

    ck_assert_int_eq(lb_rmq_view_from_api(NULL, &v), -EBADMSG);
    ck_assert_int_eq(lb_rmq_view_from_api("", &v), -EBADMSG);
    ck_assert_int_eq(lb_rmq_view_from_api("{\"error\":\"not_authorized\"}", &v), -EBADMSG);
    ck_assert_int_eq(lb_rmq_view_from_api("[{\"running\":true}]", &v), -EBADMSG);
    ck_assert_int_eq(lb_rmq_view_from_api("[1,\"x\",null]", &v), 0); /* no objects: empty */
    ck_assert_uint_eq(v.n, 0);
    lb_rmq_view_free(&v);
}
END_TEST

START_TEST(view_ctl)
{
    struct lb_rmq_view v;
    const struct lb_rmq_member *m;

    ck_assert_int_eq(lb_rmq_view_from_ctl(ctl_status, &v), 0);
    ck_assert_uint_eq(v.n, 3);
    ck_assert_uint_eq(lb_rmq_view_running(&v), 2);
    m = lb_rmq_view_find(&v, "rabbit1@localhost");
    ck_assert(m->running);
    ck_assert_str_eq(m->partitions[0], "rabbit3@localhost");
    m = lb_rmq_view_find(&v, "rabbit3@localhost");
    ck_assert(!m->running);
    ck_assert_ptr_null(m->partitions[0]);
    lb_rmq_view_free(&v);
    ck_assert_int_eq(lb_rmq_view_from_ctl("Error: unable to perform an operation", &v), -EBADMSG);
}
END_TEST

/* ------------------------------------------------------------ verdicts */

START_TEST(judge_partition_sides)
{
    struct lb_rmq_view v;
    char why[512];

    ck_assert_int_eq(lb_rmq_view_from_api(api_majority, &v), 0);
    ck_assert_int_eq(lb_rmq_judge(&v, "rabbit1@localhost", why, sizeof(why)), LB_RMQ_MAJORITY);
    ck_assert_ptr_nonnull(strstr(why, "its side has 2 node(s), the other 1"));
    ck_assert_int_eq(lb_rmq_judge(&v, "rabbit3@localhost", why, sizeof(why)), LB_RMQ_STOPPED);
    ck_assert_int_eq(lb_rmq_judge(&v, "rabbit7@localhost", why, sizeof(why)), LB_RMQ_ABSENT);
    lb_rmq_view_free(&v);

    ck_assert_int_eq(lb_rmq_view_from_api(api_minority, &v), 0);
    ck_assert_int_eq(lb_rmq_judge(&v, "rabbit3@localhost", why, sizeof(why)), LB_RMQ_MINORITY);
    ck_assert_ptr_nonnull(strstr(why, "rabbit1@localhost, rabbit2@localhost"));
    ck_assert_ptr_nonnull(strstr(why, "must restart"));
    lb_rmq_view_free(&v);

    ck_assert_int_eq(lb_rmq_view_from_api(api_healthy, &v), 0);
    ck_assert_int_eq(lb_rmq_judge(&v, "rabbit1@localhost", why, sizeof(why)), LB_RMQ_HEALTHY);
    ck_assert_str_eq(why, "");
    ck_assert_int_eq(lb_rmq_judge(&v, "rabbit3@localhost", NULL, 0), LB_RMQ_HEALTHY);
    lb_rmq_view_free(&v);
}
END_TEST

/* A 1:1 split: both sides must agree on who yields (the one without the smallest name). */
START_TEST(judge_tie)
{
    static const char a[] = "[{\"name\":\"r@a\",\"running\":true,\"partitions\":[\"r@b\"]},"
                            "{\"name\":\"r@b\",\"running\":false,\"partitions\":[]}]";
    static const char b[] = "[{\"name\":\"r@a\",\"running\":false,\"partitions\":[]},"
                            "{\"name\":\"r@b\",\"running\":true,\"partitions\":[\"r@a\"]}]";
    struct lb_rmq_view v;
    char why[512];

    ck_assert_int_eq(lb_rmq_view_from_api(a, &v), 0);
    ck_assert_int_eq(lb_rmq_judge(&v, "r@a", why, sizeof(why)), LB_RMQ_MAJORITY);
    ck_assert_ptr_nonnull(strstr(why, "a tie"));
    lb_rmq_view_free(&v);
    ck_assert_int_eq(lb_rmq_view_from_api(b, &v), 0);
    ck_assert_int_eq(lb_rmq_judge(&v, "r@b", why, sizeof(why)), LB_RMQ_MINORITY);
    lb_rmq_view_free(&v);
}
END_TEST

/* ------------------------------------------------------------ Erlang terms, files */

START_TEST(atom_lists)
{
    char **v = lb_rmq_atom_list("[rabbit1@localhost,rabbit2@localhost].\n");

    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v[0], "rabbit1@localhost");
    ck_assert_str_eq(v[1], "rabbit2@localhost");
    ck_assert_ptr_null(v[2]);
    lb_argv_free(v);
    v = lb_rmq_atom_list("{[rabbit@a, 'rabbit@node-b.example.com' ],[rabbit@a]}.");
    ck_assert_str_eq(v[0], "rabbit@a");
    ck_assert_str_eq(v[1], "rabbit@node-b.example.com");
    ck_assert_ptr_null(v[2]);
    lb_argv_free(v);
    v = lb_rmq_atom_list("% comment\n[ ].");
    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_null(v[0]);
    lb_argv_free(v);
    ck_assert_ptr_null(lb_rmq_atom_list(NULL));
    ck_assert_ptr_null(lb_rmq_atom_list("no list"));
    ck_assert_ptr_null(lb_rmq_atom_list("[a,,b]."));
    ck_assert_ptr_null(lb_rmq_atom_list("[a b]."));
    ck_assert_ptr_null(lb_rmq_atom_list("['unterminated]."));
    ck_assert_ptr_null(lb_rmq_atom_list("[a,"));
}
END_TEST

START_TEST(plugins)
{
    ck_assert(lb_rmq_plugin_enabled("[rabbitmq_management].\n", "rabbitmq_management"));
    ck_assert(
        lb_rmq_plugin_enabled("[rabbitmq_federation,rabbitmq_management].", "rabbitmq_management"));
    ck_assert(!lb_rmq_plugin_enabled("[rabbitmq_management_agent].", "rabbitmq_management"));
    ck_assert(!lb_rmq_plugin_enabled("[].", "rabbitmq_management"));
    ck_assert(!lb_rmq_plugin_enabled(NULL, "rabbitmq_management"));
}
END_TEST

START_TEST(env_file)
{
    static const char text[] = "# Defaults to rabbit.\n#NODENAME=rabbit\nNODENAME=rabbit@node1\n"
                               "export RABBITMQ_MNESIA_BASE=\"/srv/mnesia\"\n"
                               "LOG_BASE='/srv/log'  \r\n"
                               "NODE_IP_ADDRESS=10.0.0.1\nNODE_IP_ADDRESS=10.0.0.2\n";
    char buf[64], tiny[4];

    ck_assert_int_eq(lb_rmq_env_value(text, "NODENAME", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "rabbit@node1");
    ck_assert_int_eq(lb_rmq_env_value(text, "MNESIA_BASE", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/srv/mnesia");
    ck_assert_int_eq(lb_rmq_env_value(text, "LOG_BASE", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/srv/log");
    ck_assert_int_eq(lb_rmq_env_value(text, "NODE_IP_ADDRESS", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "10.0.0.2"); /* the last assignment wins */
    ck_assert_int_eq(lb_rmq_env_value(text, "NODE", buf, sizeof(buf)), -ENOENT);
    ck_assert_int_eq(lb_rmq_env_value(text, "PID_FILE", buf, sizeof(buf)), -ENOENT);
    ck_assert_int_eq(lb_rmq_env_value(text, "NODENAME", tiny, sizeof(tiny)), -ENAMETOOLONG);
    ck_assert_int_eq(lb_rmq_env_value(NULL, "NODENAME", buf, sizeof(buf)), -ENOENT);
}
END_TEST

START_TEST(credentials)
{
    char u[16], p[16];

    ck_assert_int_eq(lb_rmq_credentials("monitor:s3:cr3t\nsecond line", u, sizeof(u), p, sizeof(p)),
                     0);
    ck_assert_str_eq(u, "monitor");
    ck_assert_str_eq(p, "s3:cr3t");
    ck_assert_int_eq(lb_rmq_credentials("guest:\r\n", u, sizeof(u), p, sizeof(p)), 0);
    ck_assert_str_eq(p, "");
    ck_assert_int_eq(lb_rmq_credentials("no colon", u, sizeof(u), p, sizeof(p)), -EINVAL);
    ck_assert_int_eq(lb_rmq_credentials(":pw", u, sizeof(u), p, sizeof(p)), -EINVAL);
    ck_assert_int_eq(lb_rmq_credentials("", u, sizeof(u), p, sizeof(p)), -EINVAL);
    ck_assert_int_eq(lb_rmq_credentials("user\n:pw", u, sizeof(u), p, sizeof(p)), -EINVAL);
    ck_assert_int_eq(lb_rmq_credentials("u:0123456789abcdefXYZ", u, sizeof(u), p, sizeof(p)),
                     -ENAMETOOLONG);
}
END_TEST

START_TEST(boot_errors)
{
    char why[256];

    ck_assert(lb_rmq_boot_error(boot_failed, why, sizeof(why)));
    ck_assert_str_eq(why, "{error, {inconsistent_cluster, \"Node rabbit2@localhost thinks it's "
                          "clustered with node rabbit3@localhost, but rabbit3@localhost "
                          "disagrees\"}}");
    ck_assert(lb_rmq_inconsistent(boot_failed));
    ck_assert(lb_rmq_boot_error("x\nKernel pid terminated (application_controller) (x)\ny", why,
                                sizeof(why)));
    ck_assert_str_eq(why, "Kernel pid terminated (application_controller) (x)");
    ck_assert(
        !lb_rmq_boot_error("  Starting broker... completed with 3 plugins.\n", why, sizeof(why)));
    ck_assert(!lb_rmq_boot_error(NULL, why, sizeof(why)));
    ck_assert(!lb_rmq_inconsistent(NULL));
    ck_assert(lb_rmq_boot_error(boot_failed, why, 8)); /* truncated, still one line */
    ck_assert_str_eq(why, "{error,");
}
END_TEST

/* ------------------------------------------------------------ set_policy */

START_TEST(policy_plain)
{
    struct lb_rmq_policy p;
    char err[256], *body;

    ck_assert_int_eq(
        lb_rmq_policy_parse("ha-all ^(?!amq\\.).* {\"ha-mode\":\"all\"}", &p, err, sizeof(err)), 0);
    ck_assert_str_eq(p.vhost, "/");
    ck_assert_str_eq(p.name, "ha-all");
    ck_assert_str_eq(p.pattern, "^(?!amq\\.).*");
    ck_assert_str_eq(p.definition, "{\"ha-mode\":\"all\"}");
    ck_assert(!p.has_priority);
    ck_assert_ptr_null(p.apply_to);
    body = lb_rmq_policy_body(&p);
    ck_assert_str_eq(body,
                     "{\"pattern\":\"^(?!amq\\\\.).*\",\"definition\":{\"ha-mode\":\"all\"}}");
    free(body);
    lb_rmq_policy_free(&p);
}
END_TEST

START_TEST(policy_options)
{
    struct lb_rmq_policy p;
    char err[256], *body;

    ck_assert_int_eq(lb_rmq_policy_parse("--vhost openstack --priority 5 --apply-to=queues "
                                         "ha-two ^ {\"ha-mode\":\"exactly\", \"ha-params\":2}",
                                         &p, err, sizeof(err)),
                     0);
    ck_assert_str_eq(p.vhost, "openstack");
    ck_assert(p.has_priority);
    ck_assert_int_eq(p.priority, 5);
    ck_assert_str_eq(p.apply_to, "queues");
    ck_assert_str_eq(p.definition, "{\"ha-mode\":\"exactly\", \"ha-params\":2}"); /* words joined */
    body = lb_rmq_policy_body(&p);
    ck_assert_ptr_nonnull(strstr(body, "\"priority\":5"));
    ck_assert_ptr_nonnull(strstr(body, "\"apply-to\":\"queues\""));
    free(body);
    lb_rmq_policy_free(&p);
    ck_assert_int_eq(lb_rmq_policy_parse("-p /x n p {}", &p, err, sizeof(err)), 0);
    ck_assert_str_eq(p.vhost, "/x");
    lb_rmq_policy_free(&p);
}
END_TEST

START_TEST(policy_bad)
{
    static const char *const bad[] = {"",
                                      "ha-all",
                                      "ha-all ^",
                                      "ha-all ^ ha-mode=all",
                                      "ha-all ^ [1,2]",
                                      "--priority x ha-all ^ {}",
                                      "--vhost",
                                      "ha-all ^ {\"unterminated\"",
                                      NULL};
    struct lb_rmq_policy p;
    char err[256];

    for (int i = 0; bad[i]; i++) {
        ck_assert_msg(lb_rmq_policy_parse(bad[i], &p, err, sizeof(err)) == -EINVAL, "'%s'", bad[i]);
        ck_assert_msg(err[0] != '\0', "no error text for '%s'", bad[i]);
        ck_assert_ptr_null(p.name);
    }
    ck_assert_int_eq(lb_rmq_policy_parse(NULL, &p, err, sizeof(err)), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ HTTP helpers */

START_TEST(basic_auth)
{
    char buf[64];

    ck_assert_int_eq(lb_http_basic_auth("guest", "guest", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "Authorization: Basic Z3Vlc3Q6Z3Vlc3Q=");
    ck_assert_int_eq(lb_http_basic_auth("a", "", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "Authorization: Basic YTo=");
    ck_assert_int_eq(lb_http_basic_auth("ab", "c", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "Authorization: Basic YWI6Yw==");
    ck_assert_int_eq(lb_http_basic_auth("user", "p\xc3\xa4ss", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "Authorization: Basic dXNlcjpww6Rzcw==");
    ck_assert_int_eq(lb_http_basic_auth("guest", "guest", buf, 30), -ENAMETOOLONG);
}
END_TEST

START_TEST(escape)
{
    char *s = lb_http_escape("/");

    ck_assert_str_eq(s, "%2F");
    free(s);
    s = lb_http_escape("ha-all_1.~x y?");
    ck_assert_str_eq(s, "ha-all_1.~x%20y%3F");
    free(s);
    s = lb_http_escape("");
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

static Suite *
rabbitmq_suite(void)
{
    Suite *s = suite_create("rabbitmq");
    TCase *tc = tcase_create("views");

    tcase_add_test(tc, view_api);
    tcase_add_test(tc, view_api_garbage);
    tcase_add_test(tc, view_ctl);
    tcase_add_test(tc, judge_partition_sides);
    tcase_add_test(tc, judge_tie);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_add_test(tc, atom_lists);
    tcase_add_test(tc, plugins);
    tcase_add_test(tc, env_file);
    tcase_add_test(tc, credentials);
    tcase_add_test(tc, boot_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("policy");
    tcase_add_test(tc, policy_plain);
    tcase_add_test(tc, policy_options);
    tcase_add_test(tc, policy_bad);
    suite_add_tcase(s, tc);
    tc = tcase_create("http");
    tcase_add_test(tc, basic_auth);
    tcase_add_test(tc, escape);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(rabbitmq_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
