/*
 * Unit tests of lib/http.c and lib/openstack.c against a small in-process
 * HTTP server. The server is a fault injector (it answers 5xx, resets or
 * stalls on command) and a stand-in for Keystone's and Nova's replies in
 * shape only; the real services are exercised by the Nova suites.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lifeboat/http.h"
#include "lifeboat/ocf.h"
#include "lifeboat/openstack.h"

enum fault { FAULT_NONE, FAULT_RESET, FAULT_STALL };

struct reply {
    enum fault fault;
    int status;
    const char *headers; /* extra header lines, each ending in \r\n */
    const char *body;
};

static struct {
    int fd, port;
    pthread_t tid;
    const struct reply *script; /* replies in order; the last one repeats */
    int nscript, served;
    char last_method[16], last_path[256], last_headers[4096], last_body[4096];
} srv;

static void
srv_read_request(int c)
{
    char buf[16384] = "";
    size_t len = 0;
    char *end = NULL;
    long clen = 0;

    while (len < sizeof(buf) - 1 && !(end = strstr(buf, "\r\n\r\n"))) {
        ssize_t n = recv(c, buf + len, sizeof(buf) - 1 - len, 0);

        if (n <= 0) {
            return;
        }
        len += (size_t)n;
        buf[len] = '\0';
    }
    if (!end) {
        return;
    }
    sscanf(buf, "%15s %255s", srv.last_method, srv.last_path);
    snprintf(srv.last_headers, sizeof(srv.last_headers), "%.*s", (int)(end - buf), buf);
    const char *cl = strcasestr(buf, "Content-Length:");
    if (cl && cl < end) {
        clen = strtol(cl + 15, NULL, 10);
    }
    end += 4;
    while ((long)(len - (size_t)(end - buf)) < clen && len < sizeof(buf) - 1) {
        ssize_t n = recv(c, buf + len, sizeof(buf) - 1 - len, 0);

        if (n <= 0) {
            break;
        }
        len += (size_t)n;
        buf[len] = '\0';
    }
    snprintf(srv.last_body, sizeof(srv.last_body), "%s", end);
}

static void
srv_answer(int c, const struct reply *r)
{
    char head[1024];
    const char *body = r->body ? r->body : "";

    if (r->fault == FAULT_RESET) {
        struct linger lg = {.l_onoff = 1, .l_linger = 0};

        setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        return;
    }
    if (r->fault == FAULT_STALL) {
        usleep(1500 * 1000);
        return;
    }
    snprintf(head, sizeof(head),
             "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n%s\r\n",
             r->status, strlen(body), r->headers ? r->headers : "");
    if (send(c, head, strlen(head), MSG_NOSIGNAL) < 0 ||
        send(c, body, strlen(body), MSG_NOSIGNAL) < 0) {
        return;
    }
}

static void *
srv_main(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(srv.fd, NULL, NULL);
        int i;

        if (c < 0) {
            return NULL;
        }
        srv_read_request(c);
        i = srv.served < srv.nscript ? srv.served : srv.nscript - 1;
        srv.served++;
        srv_answer(c, &srv.script[i]);
        close(c);
    }
}

static void
srv_start(const struct reply *script, int n)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);

    memset(&srv, 0, sizeof(srv));
    srv.script = script;
    srv.nscript = n;
    srv.fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(srv.fd, 0);
    ck_assert_int_eq(bind(srv.fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(srv.fd, 16), 0);
    getsockname(srv.fd, (struct sockaddr *)&a, &alen);
    srv.port = ntohs(a.sin_port);
    pthread_create(&srv.tid, NULL, srv_main, NULL);
}

static void
srv_stop(void)
{
    shutdown(srv.fd, SHUT_RDWR);
    close(srv.fd);
    pthread_join(srv.tid, NULL);
}

static const struct lb_http_opts fast = {
    .connect_timeout_ms = 1000, .timeout_ms = 1000, .retries = 3, .backoff_ms = 10};

static void
url(char *buf, size_t len, const char *path)
{
    snprintf(buf, len, "http://127.0.0.1:%d%s", srv.port, path);
}

START_TEST(get_retries_on_503_then_succeeds)
{
    static const struct reply s[] = {
        {.status = 503}, {.status = 502}, {.status = 200, .body = "{}"}};
    struct lb_http_resp r;
    char u[128];

    srv_start(s, 3);
    url(u, sizeof(u), "/x");
    ck_assert_int_eq(lb_http_request("GET", u, NULL, NULL, true, &fast, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.attempts, 3);
    ck_assert_str_eq(r.body, "{}");
    lb_http_resp_free(&r);
    srv_stop();
}
END_TEST

START_TEST(post_is_not_repeated_after_503_or_reset)
{
    static const struct reply s[] = {{.status = 503}};
    static const struct reply reset[] = {{.fault = FAULT_RESET}};
    struct lb_http_resp r;
    char u[128];

    srv_start(s, 1);
    url(u, sizeof(u), "/action");
    ck_assert_int_eq(lb_http_request("POST", u, NULL, "{}", false, &fast, &r), 0);
    ck_assert_int_eq(r.status, 503);
    ck_assert_int_eq(srv.served, 1);
    lb_http_resp_free(&r);
    srv_stop();

    srv_start(reset, 1);
    url(u, sizeof(u), "/action");
    ck_assert_int_lt(lb_http_request("POST", u, NULL, "{}", false, &fast, &r), 0);
    ck_assert_int_eq(srv.served, 1);
    ck_assert_int_eq(r.status, 0);
    ck_assert(r.error[0]);
    lb_http_resp_free(&r);
    srv_stop();
}
END_TEST

START_TEST(get_retries_after_reset_and_stall)
{
    static const struct reply s[] = {
        {.fault = FAULT_RESET}, {.fault = FAULT_STALL}, {.status = 200, .body = "[1]"}};
    struct lb_http_resp r;
    long long t0 = lb_now_ms();
    char u[128];

    srv_start(s, 3);
    url(u, sizeof(u), "/y");
    ck_assert_int_eq(lb_http_request("GET", u, NULL, NULL, true, &fast, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.attempts, 3);
    /* the stall was cut at the 1 s request timeout, not waited out */
    ck_assert_int_lt(lb_now_ms() - t0, 2900);
    lb_http_resp_free(&r);
    srv_stop();
}
END_TEST

START_TEST(refused_connection_is_retried_even_for_post)
{
    struct lb_http_opts o = fast;
    struct lb_http_resp r;
    int rc;

    o.retries = 2;
    /* port 1 on loopback: nothing listens, nothing was sent */
    rc = lb_http_request("POST", "http://127.0.0.1:1/x", NULL, "{}", false, &o, &r);
    ck_assert_int_eq(rc, -ECONNREFUSED);
    ck_assert_int_eq(r.attempts, 3);
    lb_http_resp_free(&r);
}
END_TEST

START_TEST(deadline_bounds_all_attempts)
{
    static const struct reply s[] = {{.status = 500}};
    struct lb_http_opts o = fast;
    struct lb_http_resp r;
    char u[128];

    o.retries = 50;
    o.backoff_ms = 100;
    o.deadline_ms = 500;
    srv_start(s, 1);
    url(u, sizeof(u), "/z");
    ck_assert_int_eq(lb_http_request("GET", u, NULL, NULL, true, &o, &r), 0);
    ck_assert_int_eq(r.status, 500);
    ck_assert_int_lt(r.attempts, 6);
    lb_http_resp_free(&r);
    srv_stop();
}
END_TEST

/* A Keystone v3 token reply, in shape: a catalog with two regions and interfaces. */
static const char catalog_body[] =
    "{\"token\":{\"catalog\":["
    "{\"type\":\"compute\",\"endpoints\":["
    "{\"interface\":\"public\",\"region_id\":\"RegionOne\",\"url\":\"http://pub.example/c\"},"
    "{\"interface\":\"internal\",\"region_id\":\"RegionTwo\",\"url\":\"http://two.example/c\"},"
    "{\"interface\":\"internal\",\"region_id\":\"RegionOne\",\"url\":\"http://127.0.0.1:%d/c\"}]},"
    "{\"type\":\"identity\",\"endpoints\":[]}]}}";

static char catalog[1024];

static void
keystone_login(struct lb_os **s, const char *region, const char *iface, struct lb_os_err *err)
{
    struct lb_os_auth a = {.username = "admin",
                           .password = "s3cret",
                           .project = "admin",
                           .region = region,
                           .interface = iface,
                           .http = fast};
    char u[128];

    url(u, sizeof(u), "/identity");
    a.auth_url = u;
    *s = lb_os_login(&a, err);
}

START_TEST(keystone_login_body_token_and_catalog)
{
    struct reply s[] = {{.status = 201, .headers = "X-Subject-Token: tok123\r\n", .body = catalog}};
    struct lb_os_err err;
    struct lb_os *os;

    srv_start(s, 1);
    snprintf(catalog, sizeof(catalog), catalog_body, srv.port);
    keystone_login(&os, "RegionOne", "internalURL", &err);
    ck_assert_msg(os != NULL, "%s", err.msg);
    ck_assert_str_eq(srv.last_method, "POST");
    ck_assert_str_eq(srv.last_path, "/identity/v3/auth/tokens");
    ck_assert_ptr_nonnull(strstr(srv.last_body, "\"password\":\"s3cret\""));
    ck_assert_ptr_nonnull(strstr(srv.last_body, "\"domain\":{\"name\":\"Default\"}"));
    ck_assert_ptr_nonnull(strstr(srv.last_body, "\"project\":{\"name\":\"admin\""));
    ck_assert_ptr_nonnull(strstr(lb_os_endpoint(os, "compute"), "127.0.0.1"));
    lb_os_free(os);

    keystone_login(&os, "RegionTwo", "internal", &err);
    ck_assert_str_eq(lb_os_endpoint(os, "compute"), "http://two.example/c");
    lb_os_free(os);
    keystone_login(&os, NULL, "publicURL", &err);
    ck_assert_str_eq(lb_os_endpoint(os, "compute"), "http://pub.example/c");
    ck_assert_ptr_null(lb_os_endpoint(os, "volume"));
    lb_os_free(os);
    srv_stop();
}
END_TEST

START_TEST(keystone_401_carries_status_and_message)
{
    static const struct reply s[] = {
        {.status = 401,
         .body = "{\"error\":{\"code\":401,\"message\":\"The request you have made requires "
                 "authentication.\",\"title\":\"Unauthorized\"}}"}};
    struct lb_os_err err;
    struct lb_os *os;

    srv_start(s, 1);
    keystone_login(&os, NULL, NULL, &err);
    ck_assert_ptr_null(os);
    ck_assert_int_eq(err.status, 401);
    ck_assert_ptr_nonnull(strstr(err.msg, "requires authentication"));
    ck_assert_ptr_null(strstr(err.msg, "s3cret"));
    srv_stop();
}
END_TEST

START_TEST(nova_error_message_and_microversion)
{
    struct reply s[] = {
        {.status = 201, .headers = "X-Subject-Token: tok\r\n", .body = catalog},
        {.status = 200,
         .body = "{\"version\":{\"id\":\"v2.1\",\"version\":\"2.93\",\"min_version\":\"2.1\"}}"},
        {.status = 400,
         .body = "{\"badRequest\":{\"code\":400,\"message\":\"Compute service of compute1 is "
                 "still in use.\"}}"}};
    struct lb_os_err err;
    struct lb_os *os;
    json_t *reply, *evacuate = json_pack("{s:n}", "evacuate");

    srv_start(s, 3);
    snprintf(catalog, sizeof(catalog), catalog_body, srv.port);
    keystone_login(&os, "RegionOne", NULL, &err);
    ck_assert_ptr_nonnull(os);
    ck_assert_msg(lb_os_nova_negotiate(os, "2.11", "2.53", &err) == 0, "%s", err.msg);
    ck_assert_str_eq(lb_os_nova_version(os), "2.53");
    ck_assert_int_eq(
        lb_os_call(os, "compute", "POST", "/servers/x/action", evacuate, false, &reply, &err),
        -EINVAL);
    json_decref(evacuate);
    ck_assert_int_eq(err.status, 400);
    ck_assert_ptr_nonnull(strstr(err.msg, "still in use"));
    ck_assert_ptr_nonnull(strstr(srv.last_headers, "OpenStack-API-Version: compute 2.53"));
    ck_assert_ptr_nonnull(strstr(srv.last_headers, "X-Auth-Token: tok"));
    ck_assert_str_eq(srv.last_path, "/c/servers/x/action");
    lb_os_free(os);
    srv_stop();
}
END_TEST

START_TEST(version_compare)
{
    ck_assert_int_lt(lb_os_version_cmp("2.9", "2.53"), 0);
    ck_assert_int_gt(lb_os_version_cmp("2.100", "2.53"), 0);
    ck_assert_int_eq(lb_os_version_cmp("2.53", "2.53"), 0);
    ck_assert_int_lt(lb_os_version_cmp("1.99", "2.0"), 0);
}
END_TEST

static Suite *
http_suite(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("http");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, get_retries_on_503_then_succeeds);
    tcase_add_test(tc, post_is_not_repeated_after_503_or_reset);
    tcase_add_test(tc, get_retries_after_reset_and_stall);
    tcase_add_test(tc, refused_connection_is_retried_even_for_post);
    tcase_add_test(tc, deadline_bounds_all_attempts);
    tcase_add_test(tc, keystone_login_body_token_and_catalog);
    tcase_add_test(tc, keystone_401_carries_status_and_message);
    tcase_add_test(tc, nova_error_message_and_microversion);
    tcase_add_test(tc, version_compare);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(http_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
