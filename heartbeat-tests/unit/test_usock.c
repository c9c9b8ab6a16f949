/*
 * Unit tests for lib/usock.c: one request and its whole reply over a unix
 * socket, against small servers forked here (an echo, a big talker, a server
 * that never answers, one that never accepts), and every error it reports.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeboat/ocf.h"
#include "lifeboat/usock.h"
#include "testutil.h"

enum srv_mode {
    SRV_ECHO,     /* read one line, answer "got: LINE\n" in two writes, close */
    SRV_BIG,      /* answer srv_big_len bytes of 'x', close */
    SRV_SILENT,   /* accept, read, never answer */
    SRV_NOACCEPT, /* listen, never accept */
    SRV_CLOSE,    /* accept and close at once */
    SRV_EOF,      /* read the request until EOF, then answer (as HAProxy's master CLI) */
};

static size_t srv_big_len;

/* A temporary path for a socket (the file itself is removed). */
static void
sock_path(char *path, size_t len)
{
    tu_tmpfile(path, len, "usock");
    unlink(path);
}

static void
srv_serve(int fd, enum srv_mode mode)
{
    char line[256];
    ssize_t n = 0;

    if (mode == SRV_EOF) {
        size_t got = 0;

        while (got < sizeof(line) - 1 && (n = read(fd, line + got, sizeof(line) - 1 - got)) > 0) {
            got += (size_t)n;
        }
        n = (ssize_t)got;
        mode = SRV_ECHO;
    } else if (mode != SRV_CLOSE) {
        n = read(fd, line, sizeof(line) - 1);
    }
    if (mode == SRV_ECHO && n > 0) {
        char out[300];

        line[n] = '\0';
        line[strcspn(line, "\n")] = '\0';
        snprintf(out, sizeof(out), "got: %s\n", line);
        (void)!write(fd, "got: ", 5);
        usleep(20000);
        (void)!write(fd, out + 5, strlen(out + 5));
    } else if (mode == SRV_BIG) {
        char chunk[65536];
        size_t left = srv_big_len;

        memset(chunk, 'x', sizeof(chunk));
        while (left > 0) {
            ssize_t w = write(fd, chunk, left < sizeof(chunk) ? left : sizeof(chunk));

            if (w <= 0) {
                break;
            }
            left -= (size_t)w;
        }
    } else if (mode == SRV_SILENT) {
        pause();
    }
    close(fd);
}

/* Listen on @path and serve in a child process; returns its PID. */
static pid_t
srv_start(const char *path, enum srv_mode mode)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    pid_t pid;

    ck_assert_int_ge(fd, 0);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(listen(fd, 8), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        for (;;) {
            int c;

            if (mode == SRV_NOACCEPT) {
                pause();
            }
            c = accept(fd, NULL, NULL);
            if (c >= 0) {
                srv_serve(c, mode);
            }
        }
    }
    close(fd);
    return pid;
}

static void
srv_stop(pid_t pid, const char *path)
{
    int status;

    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    unlink(path);
}

START_TEST(echo_reply_complete)
{
    char path[108], *reply = NULL;
    pid_t srv;

    sock_path(path, sizeof(path));
    srv = srv_start(path, SRV_ECHO);
    ck_assert_int_eq(lb_usock_request(path, "show info\n", 5000, &reply), 0);
    ck_assert_str_eq(reply, "got: show info\n");
    free(reply);
    /* the server takes the next connection too */
    ck_assert_int_eq(lb_usock_request(path, "show proc\n", 5000, &reply), 0);
    ck_assert_str_eq(reply, "got: show proc\n");
    free(reply);
    srv_stop(srv, path);
}
END_TEST

START_TEST(request_ends_with_shutdown)
{
    char path[108], *reply = NULL;
    pid_t srv;

    sock_path(path, sizeof(path));
    srv = srv_start(path, SRV_EOF);
    ck_assert_int_eq(lb_usock_request(path, "show proc\n", 5000, &reply), 0);
    ck_assert_str_eq(reply, "got: show proc\n");
    free(reply);
    srv_stop(srv, path);
}
END_TEST

START_TEST(no_timeout)
{
    char path[108], *reply = NULL;
    pid_t srv;

    sock_path(path, sizeof(path));
    srv = srv_start(path, SRV_ECHO);
    ck_assert_int_eq(lb_usock_request(path, "x\n", 0, &reply), 0);
    ck_assert_str_eq(reply, "got: x\n");
    free(reply);
    srv_stop(srv, path);
}
END_TEST

START_TEST(empty_reply)
{
    char path[108], *reply = NULL;
    pid_t srv;

    sock_path(path, sizeof(path));
    srv = srv_start(path, SRV_CLOSE);
    ck_assert_int_eq(lb_usock_request(path, "", 5000, &reply), 0);
    ck_assert_ptr_nonnull(reply);
    ck_assert_str_eq(reply, "");
    free(reply);
    srv_stop(srv, path);
}
END_TEST

START_TEST(big_reply)
{
    char path[108], *reply = NULL;
    pid_t srv;

    srv_big_len = 3 * 1024 * 1024 + 17;
    sock_path(path, sizeof(path));
    srv = srv_start(path, SRV_BIG);
    ck_assert_int_eq(lb_usock_request(path, "show stat\n", 10000, &reply), 0);
    ck_assert_uint_eq(strlen(reply), srv_big_len);
    ck_assert_int_eq(reply[0], 'x');
    ck_assert_int_eq(reply[srv_big_len - 1], 'x');
    free(reply);
    srv_stop(srv, path);
}
END_TEST

START_TEST(reply_over_limit)
{
    char path[108], *reply = (char *)"untouched";
    pid_t srv;

    srv_big_len = (size_t)LB_USOCK_REPLY_MAX + 1;
    sock_path(path, sizeof(path));
    srv = srv_start(path, SRV_BIG);
    ck_assert_int_eq(lb_usock_request(path, "show stat\n", 20000, &reply), -EMSGSIZE);
    ck_assert_ptr_null(reply);
    srv_stop(srv, path);
}
END_TEST

/* Elapsed ms of a request that must time out. */
static long long
timed_out_request(enum srv_mode mode, long timeout_ms)
{
    char path[108], *reply = NULL;
    long long t0;
    pid_t srv;
    int rc;

    sock_path(path, sizeof(path));
    srv = srv_start(path, mode);
    t0 = lb_now_ms();
    rc = lb_usock_request(path, "show info\n", timeout_ms, &reply);
    t0 = lb_now_ms() - t0;
    ck_assert_int_eq(rc, -ETIMEDOUT);
    ck_assert_ptr_null(reply);
    srv_stop(srv, path);
    return t0;
}

START_TEST(silent_server_times_out)
{
    long long ms = timed_out_request(SRV_SILENT, 300);

    ck_assert_int_ge(ms, 290);
    ck_assert_int_lt(ms, 3000);
}
END_TEST

START_TEST(no_accept_times_out)
{
    long long ms = timed_out_request(SRV_NOACCEPT, 300);

    ck_assert_int_ge(ms, 290);
    ck_assert_int_lt(ms, 3000);
}
END_TEST

START_TEST(missing_socket)
{
    char path[108], *reply = (char *)"untouched";

    sock_path(path, sizeof(path));
    ck_assert_int_eq(lb_usock_request(path, "show info\n", 1000, &reply), -ENOENT);
    ck_assert_ptr_null(reply);
}
END_TEST

START_TEST(nobody_listening)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char path[108], *reply = NULL;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    /* a socket file left behind by a dead server: bound, not listening */
    sock_path(path, sizeof(path));
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd);
    ck_assert_int_eq(lb_usock_request(path, "show info\n", 1000, &reply), -ECONNREFUSED);
    ck_assert_ptr_null(reply);
    unlink(path);
}
END_TEST

START_TEST(not_a_socket)
{
    char path[108], *reply = NULL;

    tu_tmpfile(path, sizeof(path), "usock-file");
    ck_assert_int_eq(lb_usock_request(path, "show info\n", 1000, &reply), -ECONNREFUSED);
    ck_assert_ptr_null(reply);
    unlink(path);
}
END_TEST

START_TEST(path_too_long)
{
    char path[300], *reply = NULL;

    memset(path, 'a', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = '\0';
    ck_assert_int_eq(lb_usock_request(path, "x\n", 1000, &reply), -ENAMETOOLONG);
    ck_assert_ptr_null(reply);
}
END_TEST

START_TEST(bad_arguments)
{
    char *reply = NULL;

    ck_assert_int_eq(lb_usock_request(NULL, "x\n", 1000, &reply), -EINVAL);
    ck_assert_int_eq(lb_usock_request("", "x\n", 1000, &reply), -EINVAL);
    ck_assert_int_eq(lb_usock_request("/tmp/x", NULL, 1000, &reply), -EINVAL);
    ck_assert_int_eq(lb_usock_request("/tmp/x", "x\n", 1000, NULL), -EINVAL);
    ck_assert_ptr_null(reply);
}
END_TEST

START_TEST(no_fd_leak)
{
    char path[108], *reply = NULL;
    int before = dup(0), after;
    pid_t srv;

    close(before);
    sock_path(path, sizeof(path));
    srv = srv_start(path, SRV_ECHO);
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(lb_usock_request(path, "x\n", 5000, &reply), 0);
        free(reply);
    }
    ck_assert_int_eq(lb_usock_request("/nonexistent/sock", "x\n", 100, &reply), -ENOENT);
    after = dup(0);
    close(after);
    ck_assert_int_eq(after, before);
    srv_stop(srv, path);
}
END_TEST

static Suite *
usock_suite(void)
{
    Suite *s = suite_create("usock");
    TCase *tc = tcase_create("request");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, echo_reply_complete);
    tcase_add_test(tc, request_ends_with_shutdown);
    tcase_add_test(tc, no_timeout);
    tcase_add_test(tc, empty_reply);
    tcase_add_test(tc, big_reply);
    tcase_add_test(tc, reply_over_limit);
    tcase_add_test(tc, no_fd_leak);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, silent_server_times_out);
    tcase_add_test(tc, no_accept_times_out);
    tcase_add_test(tc, missing_socket);
    tcase_add_test(tc, nobody_listening);
    tcase_add_test(tc, not_a_socket);
    tcase_add_test(tc, path_too_long);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(usock_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN); /* the big talker writes to a client that gave up */
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
