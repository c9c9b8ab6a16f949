/*
 * Unit tests for lib/virt.c, against libvirt's built-in test driver
 * (test:///default: no daemon, one running domain called "test").
 */
#include "config.h"

#include <check.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "lifeboat/virt.h"
#include "testutil.h"

#define TEST_URI "test:///default"

static char xmlpath[256];

static void
setup(void)
{
    tu_clean_env();
    setenv("HA_LOGFACILITY", "none", 1);
    tu_tmpfile(xmlpath, sizeof(xmlpath), "domain");
}

static void
teardown(void)
{
    unlink(xmlpath);
}

/* lb_virt_xml_domain_name(@path) with stderr captured into *err. */
static char *
domain_name(const char *path, char **err)
{
    struct tu_capture c;
    char *name;

    tu_capture_start(&c, STDERR_FILENO);
    lb_log_init("test_virt", NULL);
    name = lb_virt_xml_domain_name(path);
    *err = tu_capture_end(&c);
    return name;
}

/* The single exit reason of @err must mention @word. */
static void
expect_reason(const char *err, const char *word)
{
    char *reason = tu_find_line(err, "ocf-exit-reason:");

    ck_assert_int_eq(tu_count_lines(err, "ocf-exit-reason:"), 1);
    ck_assert_msg(strstr(reason, word) != NULL, "reason '%s' lacks '%s'", reason, word);
    free(reason);
}

/* ------------------------------------------------------------ connections */

START_TEST(connect_test_driver)
{
    virConnectPtr conn;
    virDomainPtr dom;
    char *uri;
    int state = -1, reason;

    lb_virt_init();
    conn = lb_virt_connect(TEST_URI);
    ck_assert_ptr_nonnull(conn);
    uri = virConnectGetURI(conn);
    ck_assert_str_eq(uri, TEST_URI);
    free(uri);
    /* The test driver's stock domain runs. */
    dom = virDomainLookupByName(conn, "test");
    ck_assert_ptr_nonnull(dom);
    ck_assert_int_eq(virDomainGetState(dom, &state, &reason, 0), 0);
    ck_assert_str_eq(lb_virt_state_str(state), "running");
    virDomainFree(dom);
    ck_assert_int_eq(virConnectClose(conn), 0);
}
END_TEST

START_TEST(connect_bad_uri)
{
    static const char *const bad[] = {"bogus:///nothing", "test:///nonexistent/lb-test.xml",
                                      "::::", NULL};

    for (int i = 0; bad[i]; i++) {
        struct tu_capture c;
        virConnectPtr conn;
        char *err;

        tu_capture_start(&c, STDERR_FILENO);
        lb_log_init("test_virt", NULL);
        lb_virt_init();
        conn = lb_virt_connect(bad[i]);
        err = tu_capture_end(&c);
        ck_assert_msg(conn == NULL, "connected to %s", bad[i]);
        expect_reason(err, bad[i]);
        /* libvirt's own error printer ("libvirt: ... error : ...") is silenced. */
        ck_assert_msg(strstr(err, "libvirt:") == NULL, "libvirt printed: %s", err);
        ck_assert_int_ne(lb_virt_errcode(), 0);
        ck_assert_str_ne(lb_virt_errmsg(), "unknown libvirt error");
        free(err);
    }
}
END_TEST

START_TEST(errors)
{
    virConnectPtr conn;
    virDomainPtr dom;

    lb_virt_init();
    conn = lb_virt_connect(TEST_URI);
    ck_assert_ptr_nonnull(conn);
    /* (virResetLastError() before libvirt is initialised crashes in libvirt itself.) */
    virResetLastError();
    ck_assert_int_eq(lb_virt_errcode(), 0);
    ck_assert_str_eq(lb_virt_errmsg(), "unknown libvirt error");
    ck_assert_int_eq(lb_virt_conn_lost(), 0);

    dom = virDomainLookupByName(conn, "no-such-domain");
    ck_assert_ptr_null(dom);
    ck_assert_int_eq(lb_virt_errcode(), VIR_ERR_NO_DOMAIN);
    ck_assert_str_ne(lb_virt_errmsg(), "unknown libvirt error");
    /* A missing domain is an answer, not a lost connection. */
    ck_assert_int_eq(lb_virt_conn_lost(), 0);
    virConnectClose(conn);
}
END_TEST

START_TEST(state_strings)
{
    static const struct {
        int state;
        const char *name;
    } states[] = {
        {VIR_DOMAIN_NOSTATE, "no state"},     {VIR_DOMAIN_RUNNING, "running"},
        {VIR_DOMAIN_BLOCKED, "idle"},         {VIR_DOMAIN_PAUSED, "paused"},
        {VIR_DOMAIN_SHUTDOWN, "in shutdown"}, {VIR_DOMAIN_SHUTOFF, "shut off"},
        {VIR_DOMAIN_CRASHED, "crashed"},      {VIR_DOMAIN_PMSUSPENDED, "pmsuspended"},
    };

    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        ck_assert_str_eq(lb_virt_state_str(states[i].state), states[i].name);
    }
    ck_assert_str_eq(lb_virt_state_str(-1), "unknown");
    ck_assert_str_eq(lb_virt_state_str(999), "unknown");
}
END_TEST

/* Pausing the stock domain is reported as "paused" through the state string. */
START_TEST(state_of_paused_domain)
{
    virConnectPtr conn;
    virDomainPtr dom;
    int state = -1, reason;

    lb_virt_init();
    conn = lb_virt_connect(TEST_URI);
    ck_assert_ptr_nonnull(conn);
    dom = virDomainLookupByName(conn, "test");
    ck_assert_ptr_nonnull(dom);
    ck_assert_int_eq(virDomainSuspend(dom), 0);
    ck_assert_int_eq(virDomainGetState(dom, &state, &reason, 0), 0);
    ck_assert_str_eq(lb_virt_state_str(state), "paused");
    ck_assert_int_eq(virDomainDestroy(dom), 0);
    ck_assert_int_eq(virDomainGetState(dom, &state, &reason, 0), 0);
    ck_assert_str_eq(lb_virt_state_str(state), "shut off");
    virDomainFree(dom);
    virConnectClose(conn);
}
END_TEST

/* ------------------------------------------------------------ domain XML */

START_TEST(xml_name_good)
{
    char *err, *name;

    tu_write_file(xmlpath, "<domain type='test'>\n  <name>vm-01</name>\n  <memory>8192</memory>\n"
                           "  <os><type>hvm</type></os>\n</domain>\n");
    name = domain_name(xmlpath, &err);
    ck_assert_ptr_nonnull(name);
    ck_assert_str_eq(name, "vm-01");
    ck_assert_str_eq(err, "");
    free(name);
    free(err);

    /* Entities are decoded; <name> elsewhere does not count. */
    tu_write_file(xmlpath, "<domain type='kvm'><devices><disk><name>disk</name></disk>"
                           "</devices><name>a&amp;b</name></domain>");
    name = domain_name(xmlpath, &err);
    ck_assert_ptr_nonnull(name);
    ck_assert_str_eq(name, "a&b");
    free(name);
    free(err);
}
END_TEST

START_TEST(xml_name_missing_file)
{
    char *err, *name = domain_name("/nonexistent/dir/vm.xml", &err);

    ck_assert_ptr_null(name);
    expect_reason(err, "/nonexistent/dir/vm.xml");
    free(err);
}
END_TEST

START_TEST(xml_name_garbage)
{
    /* A truncated file whose <name> is complete still names the domain (as the
       shell agent's grep does; libvirt rejects it at start): "<domain><name>x"
       has no complete name. */
    static const char *const junk[] = {"this is not XML\n",
                                       "<domain><name>x",
                                       "<domain><devices><name>x</name>",
                                       "\xff\xfe\x00garbage",
                                       "",
                                       NULL};

    for (int i = 0; junk[i]; i++) {
        char *err, *name;

        tu_write_file(xmlpath, junk[i]);
        name = domain_name(xmlpath, &err);
        ck_assert_msg(name == NULL, "garbage %d gave name '%s'", i, name);
        expect_reason(err, xmlpath);
        /* libxml2's own complaints do not reach stderr. */
        ck_assert_int_eq(tu_count_lines(err, ""), 1);
        free(err);
    }
}
END_TEST

START_TEST(xml_name_absent)
{
    static const char *const docs[] = {
        "<domain type='kvm'><uuid>x</uuid></domain>",
        "<domain type='kvm'><name></name></domain>",
        "<notadomain><name>vm</name></notadomain>",
        NULL,
    };

    for (int i = 0; docs[i]; i++) {
        char *err, *name;

        tu_write_file(xmlpath, docs[i]);
        name = domain_name(xmlpath, &err);
        ck_assert_msg(name == NULL, "'%s' gave name '%s'", docs[i], name);
        expect_reason(err, xmlpath);
        free(err);
    }
}
END_TEST

/* An external entity is not fetched: the name cannot leak a file's contents. */
START_TEST(xml_name_no_external_entities)
{
    char secret[256], doc[1024], *err, *name;

    tu_tmpfile(secret, sizeof(secret), "secret");
    tu_write_file(secret, "TOPSECRET");
    snprintf(doc, sizeof(doc),
             "<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY x SYSTEM 'file://%s'>]>\n"
             "<domain type='kvm'><name>vm&x;</name></domain>\n",
             secret);
    tu_write_file(xmlpath, doc);
    name = domain_name(xmlpath, &err);
    ck_assert(name == NULL || strstr(name, "TOPSECRET") == NULL);
    free(name);
    free(err);
    unlink(secret);
}
END_TEST

START_TEST(uri_locality)
{
    static const char *const local[] = {"qemu:///system",
                                        "qemu+unix:///system?socket=/run/x",
                                        "qemu+tcp://127.0.0.1/system",
                                        "qemu+tcp://127.0.0.3:16509/system",
                                        "qemu+tcp://localhost/system",
                                        "qemu+tcp://[::1]:16509/system",
                                        "qemu+tcp://root@127.0.0.1/system",
                                        NULL};
    static const char *const remote[] = {"qemu+tcp://10.99.0.2/system",
                                         "qemu+ssh://node2.example.com/system",
                                         "qemu+tcp://127host/system", "garbage", NULL};
    char me[256] = "", uri[300];

    ck_assert(lb_virt_uri_is_local(NULL));
    for (int i = 0; local[i]; i++) {
        ck_assert_msg(lb_virt_uri_is_local(local[i]), "%s should be local", local[i]);
    }
    for (int i = 0; remote[i]; i++) {
        ck_assert_msg(!lb_virt_uri_is_local(remote[i]), "%s should be remote", remote[i]);
    }
    ck_assert_int_eq(gethostname(me, sizeof(me) - 1), 0);
    snprintf(uri, sizeof(uri), "qemu+tcp://%s/system", me);
    ck_assert_msg(lb_virt_uri_is_local(uri), "%s (this host) should be local", uri);
}
END_TEST

/* A process carrying QEMU's "-name guest=NAME,..." is found; a prefix of the name is not. */
START_TEST(domain_process)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "sleep 30", "sh", "-name",
              "guest=lbtest-proc,debug-threads=on", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !lb_virt_domain_has_process("lbtest-proc"); i++) {
        lb_sleep_ms(20);
    }
    ck_assert(lb_virt_domain_has_process("lbtest-proc"));
    ck_assert(!lb_virt_domain_has_process("lbtest-pro"));
    ck_assert(!lb_virt_domain_has_process("lbtest-proc-other"));
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ck_assert(!lb_virt_domain_has_process("lbtest-proc"));
}
END_TEST

static Suite *
virt_suite(void)
{
    Suite *s = suite_create("virt");
    TCase *tc = tcase_create("connect");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, connect_test_driver);
    tcase_add_test(tc, connect_bad_uri);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, state_strings);
    tcase_add_test(tc, state_of_paused_domain);
    suite_add_tcase(s, tc);

    tc = tcase_create("xml");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, xml_name_good);
    tcase_add_test(tc, xml_name_missing_file);
    tcase_add_test(tc, xml_name_garbage);
    tcase_add_test(tc, xml_name_absent);
    tcase_add_test(tc, xml_name_no_external_entities);
    tcase_add_test(tc, uri_locality);
    tcase_add_test(tc, domain_process);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(virt_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
