/*
 * Unit tests of lib/wsrep.c: grastate.dat (read, atomic safe_to_bootstrap
 * edit), `--wsrep-recover` logs, cluster addresses, host maps and status rows.
 */
#include <sys/stat.h>

#include "lifeboat/proc.h"
#include "lifeboat/wsrep.h"
#include "testutil.h"

#define UUID "d761b77f-e61f-11f1-ae09-4363b0beecb0"

static const char clean_state[] = "# GALERA saved state\n"
                                  "version: 2.1\n"
                                  "uuid:    " UUID "\n"
                                  "seqno:   10\n"
                                  "safe_to_bootstrap: 1\n";

static const char crashed_state[] = "# GALERA saved state\n"
                                    "version: 2.1\n"
                                    "uuid:    " UUID "\n"
                                    "seqno:   -1\n"
                                    "safe_to_bootstrap: 0\n";

START_TEST(grastate_clean)
{
    struct lb_grastate st;

    lb_grastate_parse(clean_state, &st);
    ck_assert_str_eq(st.uuid, UUID);
    ck_assert_int_eq(st.seqno, 10);
    ck_assert_int_eq(st.safe_to_bootstrap, 1);
}
END_TEST

START_TEST(grastate_crashed)
{
    struct lb_grastate st;

    lb_grastate_parse(crashed_state, &st);
    ck_assert_str_eq(st.uuid, UUID);
    ck_assert_int_eq(st.seqno, -1);
    ck_assert_int_eq(st.safe_to_bootstrap, 0);
}
END_TEST

START_TEST(grastate_odd)
{
    struct lb_grastate st;

    /* old format (no safe_to_bootstrap), CRLF, blanks, a junk seqno, a bad uuid */
    lb_grastate_parse("uuid: " UUID "\r\nseqno:\t42  \r\n", &st);
    ck_assert_str_eq(st.uuid, UUID);
    ck_assert_int_eq(st.seqno, 42);
    ck_assert_int_eq(st.safe_to_bootstrap, -1);
    lb_grastate_parse("uuid: not-a-uuid\nseqno: 12x\nsafe_to_bootstrap: 2\nseqnox: 5\n", &st);
    ck_assert_str_eq(st.uuid, "");
    ck_assert_int_eq(st.seqno, -1);
    ck_assert_int_eq(st.safe_to_bootstrap, -1);
    lb_grastate_parse("", &st);
    ck_assert_int_eq(st.seqno, -1);
    lb_grastate_parse("seqno: 18446744073709551615\n", &st);
    ck_assert_int_eq(st.seqno, -1);
}
END_TEST

START_TEST(grastate_files)
{
    char path[256];
    struct lb_grastate st;
    struct stat sb;
    char *text;

    tu_tmpfile(path, sizeof(path), "grastate");
    tu_write_file(path, crashed_state);
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert_int_eq(lb_grastate_read(path, &st), 0);
    ck_assert_int_eq(st.safe_to_bootstrap, 0);

    ck_assert_int_eq(lb_grastate_set_safe(path, 1), 0);
    text = tu_read_file(path);
    ck_assert_ptr_nonnull(strstr(text, "safe_to_bootstrap: 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "uuid:    " UUID "\n")); /* other lines kept as they were */
    ck_assert_ptr_nonnull(strstr(text, "# GALERA saved state\nversion: 2.1\n"));
    free(text);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0640);
    ck_assert_int_eq(lb_grastate_read(path, &st), 0);
    ck_assert_int_eq(st.safe_to_bootstrap, 1);
    ck_assert_int_eq(st.seqno, -1);

    ck_assert_int_eq(lb_grastate_set_safe(path, 2), -EINVAL);
    tu_write_file(path, "uuid: " UUID "\nseqno: 3");
    ck_assert_int_eq(lb_grastate_set_safe(path, 1), -EINVAL); /* no such line: untouched */
    unlink(path);
    ck_assert_int_eq(lb_grastate_read(path, &st), -ENOENT);
    ck_assert_int_eq(st.seqno, -1);
    ck_assert_int_eq(lb_grastate_set_safe(path, 1), -ENOENT);
}
END_TEST

START_TEST(recovered_position)
{
    char uuid[LB_WSREP_UUID_LEN + 1];
    long long seqno = 0;
    const char *log = "2026-11-22  2:53:25 0 [Warning] Could not increase number of "
                      "max_open_files\n"
                      "2026-11-22  2:53:25 0 [Note] WSREP: Recovered position: " UUID ":5\n"
                      "2026-11-22  2:53:25 0 [Note] WSREP: Recovered position: " UUID ":6\n"
                      "2026-11-22  2:53:25 0 [Note] InnoDB: shutdown\n";

    ck_assert(lb_wsrep_recovered_position(log, uuid, &seqno));
    ck_assert_str_eq(uuid, UUID);
    ck_assert_int_eq(seqno, 6);
    ck_assert(lb_wsrep_recovered_position("WSREP: Recovered position: "
                                          "00000000-0000-0000-0000-000000000000:-1\n",
                                          uuid, &seqno));
    ck_assert_int_eq(seqno, -1);
    ck_assert(lb_wsrep_uuid_is_nil(uuid));
    ck_assert(!lb_wsrep_recovered_position("WSREP: Recovered position: garbage:5\n", uuid, &seqno));
    ck_assert(!lb_wsrep_recovered_position("nothing here", uuid, &seqno));
    ck_assert(!lb_wsrep_recovered_position(NULL, uuid, &seqno));
    ck_assert(lb_wsrep_has_prepared_xa("[ERROR] Found 3 prepared transactions! It means"));
    ck_assert(!lb_wsrep_has_prepared_xa("Found no prepared transactions"));
    ck_assert(!lb_wsrep_uuid_is_nil(UUID));
}
END_TEST

START_TEST(seqnos)
{
    long long s;

    ck_assert(lb_wsrep_parse_seqno("0", &s) && s == 0);
    ck_assert(lb_wsrep_parse_seqno("-1", &s) && s == -1);
    ck_assert(lb_wsrep_parse_seqno("9223372036854775807", &s) && s == 9223372036854775807LL);
    ck_assert(lb_wsrep_parse_seqno("18446744073709551615", &s) && s == -1);
    ck_assert(!lb_wsrep_parse_seqno("", &s));
    ck_assert(!lb_wsrep_parse_seqno("-2", &s));
    ck_assert(!lb_wsrep_parse_seqno("12 ", &s));
    ck_assert(!lb_wsrep_parse_seqno("99999999999999999999", &s));
}
END_TEST

START_TEST(addresses)
{
    char **m = lb_wsrep_address_members(" gcomm://node1, node2:4567,,node3?pc.wait_prim=no");

    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m[0], "node1");
    ck_assert_str_eq(m[1], "node2:4567");
    ck_assert_str_eq(m[2], "node3");
    ck_assert_ptr_null(m[3]);
    lb_argv_free(m);
    m = lb_wsrep_address_members("gcomm://");
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_null(m[0]);
    lb_argv_free(m);
    ck_assert_ptr_null(lb_wsrep_address_members("node1,node2"));
    ck_assert_ptr_null(lb_wsrep_address_members(NULL));

    ck_assert(lb_wsrep_address_has("gcomm://node1,node2:4567", "node2"));
    ck_assert(lb_wsrep_address_has("gcomm://node1,node2:4567", "node2:4567"));
    ck_assert(lb_wsrep_address_has("gcomm://127.0.0.1:62111,127.0.0.1:62112", "127.0.0.1:62112"));
    ck_assert(!lb_wsrep_address_has("gcomm://127.0.0.1:62111", "127.0.0.1:62112"));
    ck_assert(!lb_wsrep_address_has("gcomm://node10,node2", "node1"));
    ck_assert(!lb_wsrep_address_has("gcomm://node1", ""));
    ck_assert(!lb_wsrep_address_has("gcomm://node1", NULL));
}
END_TEST

START_TEST(member_hosts)
{
    const char *cases[][2] = {{"node1:4567", "node1"},        {"node1", "node1"},
                              {"10.0.0.1:62110", "10.0.0.1"}, {"[fe80::1]:4567", "[fe80::1]"},
                              {"fe80::1", "fe80::1"},         {"[broken", "[broken"}};

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *h = lb_wsrep_member_host(cases[i][0]);

        ck_assert_str_eq(h, cases[i][1]);
        free(h);
    }
    ck_assert_ptr_null(lb_wsrep_member_host(NULL));
}
END_TEST

START_TEST(host_maps)
{
    const char *map = " pcmk1:galera.1 ; pcmk2:127.0.0.1:62112;pcmk3:node.3;broken";
    char *s;

    s = lb_wsrep_host_map(map, "pcmk2", true);
    ck_assert_str_eq(s, "127.0.0.1:62112");
    free(s);
    s = lb_wsrep_host_map(map, "127.0.0.1:62112", false);
    ck_assert_str_eq(s, "pcmk2");
    free(s);
    s = lb_wsrep_host_map(map, "galera.1", false);
    ck_assert_str_eq(s, "pcmk1");
    free(s);
    ck_assert_ptr_null(lb_wsrep_host_map(map, "pcmk9", true));
    ck_assert_ptr_null(lb_wsrep_host_map(map, "broken", true));
    ck_assert_ptr_null(lb_wsrep_host_map(map, NULL, true));
    s = lb_wsrep_host_map("", "node1", true); /* no map: the names are the same */
    ck_assert_str_eq(s, "node1");
    free(s);
    s = lb_wsrep_host_map(NULL, "node1", false);
    ck_assert_str_eq(s, "node1");
    free(s);
}
END_TEST

START_TEST(status_rows)
{
    struct lb_wsrep_status st;

    lb_wsrep_status_init(&st);
    ck_assert(!st.seen);
    ck_assert_int_eq(st.last_committed, -1);
    lb_wsrep_status_set(&st, "Innodb_rows_read", "5");
    ck_assert(!st.seen);
    lb_wsrep_status_set(&st, "wsrep_ready", "ON");
    lb_wsrep_status_set(&st, "wsrep_connected", "OFF");
    lb_wsrep_status_set(&st, "WSREP_CLUSTER_STATUS", "Primary");
    lb_wsrep_status_set(&st, "wsrep_local_state", "4");
    lb_wsrep_status_set(&st, "wsrep_local_state_comment", "Synced");
    lb_wsrep_status_set(&st, "wsrep_cluster_state_uuid", UUID);
    lb_wsrep_status_set(&st, "wsrep_last_committed", "17");
    lb_wsrep_status_set(&st, "wsrep_cluster_size", "3");
    lb_wsrep_status_set(&st, "wsrep_cluster_conf_id", NULL);
    ck_assert(st.seen && st.ready && !st.connected);
    ck_assert_str_eq(st.cluster_status, "Primary");
    ck_assert_int_eq(st.local_state, LB_WSREP_SYNCED);
    ck_assert_str_eq(st.local_state_comment, "Synced");
    ck_assert_str_eq(st.cluster_state_uuid, UUID);
    ck_assert_int_eq(st.last_committed, 17);
    ck_assert_int_eq(st.cluster_size, 3);
    lb_wsrep_status_set(&st, "wsrep_cluster_status", "non-Primary-and-a-very-long-value-cut");
    ck_assert_uint_lt(strlen(st.cluster_status), sizeof(st.cluster_status));
}
END_TEST

static Suite *
wsrep_suite(void)
{
    Suite *s = suite_create("wsrep");
    TCase *tc = tcase_create("grastate");

    tcase_add_test(tc, grastate_clean);
    tcase_add_test(tc, grastate_crashed);
    tcase_add_test(tc, grastate_odd);
    tcase_add_test(tc, grastate_files);
    suite_add_tcase(s, tc);
    tc = tcase_create("recovery");
    tcase_add_test(tc, recovered_position);
    tcase_add_test(tc, seqnos);
    suite_add_tcase(s, tc);
    tc = tcase_create("names");
    tcase_add_test(tc, addresses);
    tcase_add_test(tc, member_hosts);
    tcase_add_test(tc, host_maps);
    suite_add_tcase(s, tc);
    tc = tcase_create("status");
    tcase_add_test(tc, status_rows);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(wsrep_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
