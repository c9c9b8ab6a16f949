/*
 * Unit tests of lib/mariadb.c without a database server: error classes, a
 * missing socket, a refused TCP port, and a server that never answers (the
 * time limit). The real server is exercised by heartbeat-tests/galera.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "lifeboat/mariadb.h"

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(classes)
{
    ck_assert_int_eq(lb_mariadb_classify(0), LB_MARIADB_OK);
    ck_assert_int_eq(lb_mariadb_classify(CR_CONNECTION_ERROR), LB_MARIADB_UNREACHABLE);
    ck_assert_int_eq(lb_mariadb_classify(CR_CONN_HOST_ERROR), LB_MARIADB_UNREACHABLE);
    ck_assert_int_eq(lb_mariadb_classify(CR_UNKNOWN_HOST), LB_MARIADB_UNREACHABLE);
    ck_assert_int_eq(lb_mariadb_classify(CR_SERVER_GONE_ERROR), LB_MARIADB_UNREACHABLE);
    ck_assert_int_eq(lb_mariadb_classify(CR_SERVER_LOST), LB_MARIADB_TIMEOUT);
    ck_assert_int_eq(lb_mariadb_classify(ER_ACCESS_DENIED_ERROR), LB_MARIADB_DENIED);
    ck_assert_int_eq(lb_mariadb_classify(ER_ACCESS_DENIED_NO_PASSWORD_ERROR), LB_MARIADB_DENIED);
    ck_assert_int_eq(lb_mariadb_classify(ER_HOST_NOT_PRIVILEGED), LB_MARIADB_DENIED);
    ck_assert_int_eq(lb_mariadb_classify(1064), LB_MARIADB_FAILED); /* syntax error */
    ck_assert_str_eq(lb_mariadb_rc_str(LB_MARIADB_DENIED), "access denied");
    ck_assert_str_eq(lb_mariadb_rc_str(LB_MARIADB_UNREACHABLE), "server unreachable");
    ck_assert_str_eq(lb_mariadb_rc_str(42), "error");
}
END_TEST

START_TEST(missing_socket)
{
    struct lb_mariadb_opts o = {
        .socket = "/nonexistent/lb-test.sock", .user = "root", .timeout_ms = 2000};
    struct lb_mariadb *db = (struct lb_mariadb *)1;
    char err[256];

    ck_assert_int_eq(lb_mariadb_connect(&o, &db, err, sizeof(err)), LB_MARIADB_UNREACHABLE);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(strstr(err, "(2002)"));
    lb_mariadb_close(NULL);
}
END_TEST

START_TEST(refused_port)
{
    struct lb_mariadb_opts o = {.host = "127.0.0.1",
                                .port = 62199,
                                .user = "root",
                                .password = "secret",
                                .timeout_ms = 2000};
    struct lb_mariadb *db = NULL;
    char err[256];

    ck_assert_int_eq(lb_mariadb_connect(&o, &db, err, sizeof(err)), LB_MARIADB_UNREACHABLE);
    ck_assert_ptr_null(db);
    ck_assert_ptr_null(strstr(err, "secret"));
}
END_TEST

START_TEST(silent_server)
{
    char path[] = "/tmp/lb-mariadb-XXXXXX";
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct lb_mariadb_opts o = {.socket = sa.sun_path, .user = "root", .timeout_ms = 1000};
    struct lb_mariadb *db = NULL;
    char err[256];
    long long t0;
    int fd;

    ck_assert_ptr_nonnull(mkdtemp(path));
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(listen(fd, 4), 0); /* never accepted, never answered */
    t0 = now_ms();
    ck_assert_int_eq(lb_mariadb_connect(&o, &db, err, sizeof(err)), LB_MARIADB_TIMEOUT);
    ck_assert_int_lt(now_ms() - t0, 5000);
    ck_assert_ptr_null(db);
    close(fd);
    unlink(sa.sun_path);
    rmdir(path);
}
END_TEST

static Suite *
mariadb_suite(void)
{
    Suite *s = suite_create("mariadb");
    TCase *tc = tcase_create("errors");

    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, classes);
    tcase_add_test(tc, missing_socket);
    tcase_add_test(tc, refused_port);
    tcase_add_test(tc, silent_server);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(mariadb_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    lb_mariadb_library_end();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
