/*
 * Unit tests of lib/nova_service.c against a small in-process HTTP server
 * that answers like Keystone and Nova in shape (the real Nova is exercised
 * by heartbeat-tests/nova/novacompute.sh): which requests are sent at which
 * microversion, and what the replies are taken to mean.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "lifeboat/nova_service.h"
#include "lifeboat/openstack.h"
#include "testutil.h"

/* One canned answer: to the first request with this method and path (query included). */
struct route {
    const char *method, *path;
    int status;
    const char *body;
};

struct request {
    char method[16], path[512], body[2048];
};

#define MAX_REQ 32

static struct {
    int fd, port;
    pthread_t tid;
    const struct route *routes;
    struct request req[MAX_REQ];
    int nreq;
    char keystone[2048];
} srv;

static const char catalog_fmt[] =
    "{\"token\":{\"catalog\":[{\"type\":\"compute\",\"endpoints\":["
    "{\"interface\":\"internal\",\"region_id\":\"RegionOne\",\"url\":\"http://127.0.0.1:%d/c\"}"
    "]}]}}";

static void
srv_read(int c, struct request *r)
{
    char buf[8192] = "", *end = NULL;
    size_t len = 0;
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
    sscanf(buf, "%15s %511s", r->method, r->path);
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
    snprintf(r->body, sizeof(r->body), "%s", end);
}

static void
srv_answer(int c, const struct request *r)
{
    const struct route *rt = NULL;
    const char *body = "{}", *extra = "";
    char head[512];
    int status = 404;

    if (!strcmp(r->method, "POST") && strstr(r->path, "/auth/tokens")) {
        status = 201;
        body = srv.keystone;
        extra = "X-Subject-Token: tok\r\n";
    }
    for (int i = 0; status == 404 && srv.routes && srv.routes[i].method; i++) {
        if (!strcmp(r->method, srv.routes[i].method) && !strcmp(r->path, srv.routes[i].path)) {
            rt = &srv.routes[i];
            status = rt->status;
            body = rt->body ? rt->body : "";
        }
    }
    snprintf(head, sizeof(head),
             "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n%s\r\n",
             status, strlen(body), extra);
    if (send(c, head, strlen(head), MSG_NOSIGNAL) >= 0) {
        send(c, body, strlen(body), MSG_NOSIGNAL);
    }
}

static void *
srv_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct request r;
        int c = accept(srv.fd, NULL, NULL);

        if (c < 0) {
            return NULL;
        }
        memset(&r, 0, sizeof(r));
        srv_read(c, &r);
        if (srv.nreq < MAX_REQ) {
            srv.req[srv.nreq++] = r;
        }
        srv_answer(c, &r);
        close(c);
    }
}

static void
srv_start(const struct route *routes)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);

    memset(&srv, 0, sizeof(srv));
    srv.routes = routes;
    srv.fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(srv.fd, 0);
    ck_assert_int_eq(bind(srv.fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(srv.fd, 16), 0);
    getsockname(srv.fd, (struct sockaddr *)&a, &alen);
    srv.port = ntohs(a.sin_port);
    snprintf(srv.keystone, sizeof(srv.keystone), catalog_fmt, srv.port);
    pthread_create(&srv.tid, NULL, srv_main, NULL);
}

static void
srv_stop(void)
{
    shutdown(srv.fd, SHUT_RDWR);
    close(srv.fd);
    pthread_join(srv.tid, NULL);
}

/* The index of the first request @method @path (exact), or -1. */
static int
seen(const char *method, const char *path)
{
    for (int i = 0; i < srv.nreq; i++) {
        if (!strcmp(srv.req[i].method, method) && !strcmp(srv.req[i].path, path)) {
            return i;
        }
    }
    return -1;
}

/* Log in; with @max, negotiate up to it (Nova's root document says 2.1 to 2.95). */
static struct lb_os *
login(const char *max)
{
    struct lb_os_auth a = {.username = "admin",
                           .password = "pw",
                           .project = "admin",
                           .http = {.connect_timeout_ms = 1000, .timeout_ms = 2000, .retries = 0}};
    struct lb_os_err err = {0};
    struct lb_os *os;
    char u[64];

    snprintf(u, sizeof(u), "http://127.0.0.1:%d/v3", srv.port);
    a.auth_url = u;
    os = lb_os_login(&a, &err);
    ck_assert_msg(os != NULL, "%s", err.msg);
    if (max) {
        ck_assert_msg(lb_os_nova_negotiate(os, "2.1", max, &err) == 0, "%s", err.msg);
        ck_assert_str_eq(lb_os_nova_version(os), max);
    }
    return os;
}

#define ROOT_ROUTE                                                                                 \
    {                                                                                              \
        "GET", "/c/", 200, "{\"version\":{\"version\":\"2.95\",\"min_version\":\"2.1\"}}"          \
    }

static const char svc_list[] =
    "{\"services\":[{\"id\":\"4f6c-uuid\",\"binary\":\"nova-compute\",\"host\":\"compute1\","
    "\"zone\":\"nova\",\"status\":\"disabled\",\"state\":\"down\",\"forced_down\":true,"
    "\"disabled_reason\":\"fenced by Pacemaker (fence_compute)\","
    "\"updated_at\":\"2024-01-01T00:00:00.000000\"}]}";

START_TEST(parse_services)
{
    json_t *o =
        json_loads("{\"id\":7,\"host\":\"h\",\"state\":\"up\",\"status\":\"enabled\"}", 0, NULL);
    struct lb_nova_service svc;

    ck_assert_int_eq(lb_nova_service_parse(o, &svc), 0);
    ck_assert_str_eq(svc.id, "7");
    ck_assert_str_eq(svc.host, "h");
    ck_assert(svc.up && svc.enabled && !svc.forced_down);
    json_decref(o);
    o = json_loads(svc_list, 0, NULL);
    ck_assert_int_eq(lb_nova_service_parse(json_array_get(json_object_get(o, "services"), 0), &svc),
                     0);
    ck_assert_str_eq(svc.id, "4f6c-uuid");
    ck_assert(!svc.up && !svc.enabled && svc.forced_down);
    ck_assert_str_eq(svc.disabled_reason, "fenced by Pacemaker (fence_compute)");
    json_decref(o);
    o = json_loads("{\"id\":1,\"state\":\"up\"}", 0, NULL);
    ck_assert_int_eq(lb_nova_service_parse(o, &svc), -EPROTO);
    json_decref(o);
}
END_TEST

START_TEST(get_service_of_host)
{
    static const struct route r[] = {
        {"GET", "/c/os-services?binary=nova-compute&host=compute1", 200, svc_list},
        {"GET", "/c/os-services?binary=nova-compute&host=a%20b", 200, "{\"services\":[]}"},
        {"GET", "/c/os-services?binary=nova-compute&host=other", 200, svc_list},
        {"GET", "/c/os-services?binary=nova-compute&host=forbidden", 403,
         "{\"forbidden\":{\"code\":403,\"message\":\"Policy doesn't allow it.\"}}"},
        {NULL, NULL, 0, NULL}};
    struct lb_nova_service svc;
    struct lb_os_err err = {0};
    struct lb_os *os;

    srv_start(r);
    os = login(NULL);
    ck_assert_int_eq(lb_nova_service_get(os, "compute1", &svc, &err), 0);
    ck_assert_str_eq(svc.host, "compute1");
    ck_assert(svc.forced_down);
    ck_assert_int_eq(lb_nova_service_get(os, "a b", &svc, &err), -ENXIO);
    /* Nova's filter is trusted, but not blindly */
    ck_assert_int_eq(lb_nova_service_get(os, "other", &svc, &err), -ENXIO);
    ck_assert_int_eq(lb_nova_service_get(os, "forbidden", &svc, &err), -EACCES);
    ck_assert_int_eq(err.status, 403);
    ck_assert_ptr_nonnull(strstr(err.msg, "Policy doesn't allow it."));
    lb_os_free(os);
    srv_stop();
}
END_TEST

START_TEST(unfence_by_uuid)
{
    static const struct route r[] = {ROOT_ROUTE,
                                     {"PUT", "/c/os-services/4f6c-uuid", 200, "{\"service\":{}}"},
                                     {NULL, NULL, 0, NULL}};
    struct lb_nova_service svc = {.id = "4f6c-uuid", .host = "compute1", .forced_down = true};
    struct lb_os_err err = {0};
    struct lb_os *os;
    int i;

    srv_start(r);
    os = login("2.53");
    ck_assert_int_eq(lb_nova_service_enable(os, &svc, &err), 0);
    i = seen("PUT", "/c/os-services/4f6c-uuid");
    ck_assert_int_ge(i, 0);
    ck_assert_str_eq(srv.req[i].body, "{\"status\":\"enabled\"}");
    ck_assert_int_eq(lb_nova_service_force_down(os, &svc, false, &err), 0);
    ck_assert_str_eq(srv.req[srv.nreq - 1].body, "{\"forced_down\":false}");
    /* nothing is sent for a service that is enabled already */
    svc.enabled = true;
    i = srv.nreq;
    ck_assert_int_eq(lb_nova_service_enable(os, &svc, &err), 0);
    ck_assert_int_eq(srv.nreq, i);
    lb_os_free(os);
    srv_stop();
}
END_TEST

START_TEST(unfence_by_host_before_2_53)
{
    static const struct route r[] = {ROOT_ROUTE,
                                     {"PUT", "/c/os-services/enable", 200, "{\"service\":{}}"},
                                     {"PUT", "/c/os-services/force-down", 200, "{\"service\":{}}"},
                                     {NULL, NULL, 0, NULL}};
    struct lb_nova_service svc = {.id = "12", .host = "compute1"};
    struct lb_os_err err = {0};
    struct lb_os *os;
    int i;

    srv_start(r);
    os = login("2.11");
    ck_assert_int_eq(lb_nova_service_enable(os, &svc, &err), 0);
    i = seen("PUT", "/c/os-services/enable");
    ck_assert_int_ge(i, 0);
    ck_assert_ptr_nonnull(strstr(srv.req[i].body, "\"host\":\"compute1\""));
    ck_assert_ptr_nonnull(strstr(srv.req[i].body, "\"binary\":\"nova-compute\""));
    ck_assert_int_eq(lb_nova_service_force_down(os, &svc, false, &err), 0);
    i = seen("PUT", "/c/os-services/force-down");
    ck_assert_int_ge(i, 0);
    ck_assert_ptr_nonnull(strstr(srv.req[i].body, "\"forced_down\":false"));
    lb_os_free(os);

    /* before 2.11 nothing can be forced down, so nothing is sent */
    os = login("2.10");
    i = srv.nreq;
    ck_assert_int_eq(lb_nova_service_force_down(os, &svc, false, &err), -ENOTSUP);
    ck_assert_ptr_nonnull(strstr(err.msg, "2.11"));
    ck_assert_int_eq(srv.nreq, i);
    lb_os_free(os);
    srv_stop();
}
END_TEST

START_TEST(force_up_refused_while_evacuations_remain)
{
    static const struct route r[] = {
        ROOT_ROUTE,
        {"PUT", "/c/os-services/4f6c-uuid", 400,
         "{\"badRequest\":{\"code\":400,\"message\":\"Unable to force up host compute1 as `done` "
         "evacuation migration records remain associated with the host.\"}}"},
        {NULL, NULL, 0, NULL}};
    struct lb_nova_service svc = {.id = "4f6c-uuid", .host = "compute1", .forced_down = true};
    struct lb_os_err err = {0};
    struct lb_os *os;

    srv_start(r);
    os = login("2.53");
    ck_assert_int_eq(lb_nova_service_force_down(os, &svc, false, &err), -EINVAL);
    ck_assert_int_eq(err.status, 400);
    ck_assert_ptr_nonnull(strstr(err.msg, "migration records remain"));
    lb_os_free(os);
    srv_stop();
}
END_TEST

START_TEST(migration_states)
{
    ck_assert(lb_nova_migration_running("accepted"));
    ck_assert(lb_nova_migration_running("pre-migrating"));
    ck_assert(lb_nova_migration_running("migrating"));
    ck_assert(!lb_nova_migration_running("done"));
    ck_assert(!lb_nova_migration_running("completed"));
    ck_assert(!lb_nova_migration_running("failed"));
    ck_assert(!lb_nova_migration_running("error"));
    ck_assert(!lb_nova_migration_running("cancelled"));
    ck_assert(!lb_nova_migration_running(""));
    ck_assert(!lb_nova_migration_running(NULL));
}
END_TEST

START_TEST(evacuations_of_host)
{
    static const struct route r[] = {
        {"GET", "/c/os-migrations?migration_type=evacuation&source_compute=compute1", 200,
         "{\"migrations\":["
         "{\"source_compute\":\"compute1\",\"migration_type\":\"evacuation\",\"status\":"
         "\"accepted\"},"
         "{\"source_compute\":\"compute1\",\"migration_type\":\"evacuation\","
         "\"status\":\"pre-migrating\"},"
         "{\"source_compute\":\"compute1\",\"migration_type\":\"evacuation\",\"status\":\"done\"},"
         "{\"source_compute\":\"compute1\",\"migration_type\":\"evacuation\","
         "\"status\":\"completed\"},"
         "{\"source_compute\":\"compute1\",\"migration_type\":\"live-migration\","
         "\"status\":\"running\"},"
         "{\"source_compute\":\"compute2\",\"migration_type\":\"evacuation\","
         "\"status\":\"accepted\"},"
         "{\"source_compute\":\"compute1\",\"status\":\"pre-migrating\"}]}"},
        {"GET", "/c/os-migrations?migration_type=evacuation&source_compute=idle", 200,
         "{\"migrations\":[]}"},
        {"GET", "/c/os-migrations?migration_type=evacuation&source_compute=broken", 500,
         "{\"computeFault\":{\"code\":500,\"message\":\"Unexpected API Error.\"}}"},
        {NULL, NULL, 0, NULL}};
    struct lb_os_err err = {0};
    struct lb_os *os;

    srv_start(r);
    os = login(NULL);
    /* accepted, pre-migrating, and one without migration_type (before 2.23) */
    ck_assert_int_eq(lb_nova_evacuations_running(os, "compute1", &err), 3);
    ck_assert_int_eq(lb_nova_evacuations_running(os, "idle", &err), 0);
    ck_assert_int_eq(lb_nova_evacuations_running(os, "broken", &err), -EIO);
    ck_assert_int_eq(err.status, 500);
    lb_os_free(os);
    srv_stop();
}
END_TEST

static Suite *
nova_service_suite(void)
{
    Suite *s = suite_create("nova_service");
    TCase *tc = tcase_create("nova_service");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, parse_services);
    tcase_add_test(tc, get_service_of_host);
    tcase_add_test(tc, unfence_by_uuid);
    tcase_add_test(tc, unfence_by_host_before_2_53);
    tcase_add_test(tc, force_up_refused_while_evacuations_remain);
    tcase_add_test(tc, migration_states);
    tcase_add_test(tc, evacuations_of_host);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(nova_service_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
