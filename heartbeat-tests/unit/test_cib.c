/*
 * Unit tests of lib/cib.c against offline CIBs (CIB_file). The fixture
 * fixtures/cib-cluster.xml is produced by fixtures/make-fixtures.sh with
 * Pacemaker's own tools (crm_simulate writes its status section), and some
 * tests cross-check the answers with crm_resource on the same file.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <crm/common/xml.h>

#include "lifeboat/cib.h"

/*
 * Under --enable-sanitizers: Pacemaker 2.1.5's filename2xml() leaks the
 * document of a CIB_file that is not XML (see pacemaker.supp for valgrind);
 * full malloc stacks let LeakSanitizer match that frame.
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

static char fixture[4096]; /* absolute path of cib-cluster.xml */
static char scratch[256];  /* per-test copy for writes, or "" */
static char scratch2[256]; /* second copy (crm_resource's own writes), or "" */

/* Locate the fixtures directory: $top_srcdir (make check) or next to this file. */
static void
find_fixture(void)
{
    const char *top = getenv("top_srcdir");
    char here[4096];

    if (top != NULL && *top != '\0') {
        snprintf(fixture, sizeof(fixture), "%s/heartbeat-tests/unit/fixtures/cib-cluster.xml", top);
    } else {
        snprintf(here, sizeof(here), "%s", __FILE__);
        snprintf(fixture, sizeof(fixture), "%s/fixtures/cib-cluster.xml", dirname(here));
    }
    if (access(fixture, R_OK) != 0) {
        fprintf(stderr, "test_cib: fixture %s not found\n", fixture);
        exit(1);
    }
}

static void
setup(void)
{
    setenv("CIB_file", fixture, 1);
    unsetenv("CIB_shadow");
    unsetenv("OCF_RESKEY_CRM_meta_on_node");
}

static void
teardown(void)
{
    lb_cib_close();
    unsetenv("OCF_RESKEY_CRM_meta_on_node");
    if (*scratch != '\0') {
        unlink(scratch);
        *scratch = '\0';
    }
    if (*scratch2 != '\0') {
        unlink(scratch2);
        *scratch2 = '\0';
    }
}

/* Copy the fixture to a new temporary file named in @path. */
static void
copy_fixture(char *path, size_t len)
{
    char buf[8192];
    ssize_t n;
    int in, out;

    snprintf(path, len, "/tmp/lb-test-cib-XXXXXX");
    out = mkstemp(path);
    ck_assert_int_ge(out, 0);
    in = open(fixture, O_RDONLY);
    ck_assert_int_ge(in, 0);
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        ck_assert_int_eq(write(out, buf, (size_t)n), n);
    }
    close(in);
    close(out);
}

/* Whole content of @path (caller frees). */
static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_ne(getdelim(&buf, &len, '\0', f), -1);
    fclose(f);
    return buf;
}

/* Output of shell command @cmd (a test-only helper; the library never forks). */
static char *
run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    char *buf = NULL;
    size_t len = 0;

    ck_assert_ptr_nonnull(p);
    if (getdelim(&buf, &len, '\0', p) == -1) {
        free(buf);
        buf = strdup("");
    }
    int st = pclose(p);
    if (status != NULL) {
        *status = st;
    }
    return buf;
}

/* Assert that a read returned @want_rc and the string @want (NULL: none); frees @value. */
static void
check_str(int rc, char *value, int want_rc, const char *want)
{
    ck_assert_int_eq(rc, want_rc);
    if (want == NULL) {
        ck_assert_ptr_null(value);
    } else {
        ck_assert_ptr_nonnull(value);
        ck_assert_str_eq(value, want);
    }
    free(value);
}

/* Run @call (which fills @var), check it, and reset @var for the next call. */
#define CHECK_READ(call, var, want_rc, want)                                                       \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        check_str(rc_, (var), (want_rc), (want));                                                  \
        (var) = NULL;                                                                              \
    } while (0)

static void
check_role(const char *rsc, const char *node, int want_rc, const char *want)
{
    char *role = NULL;
    int rc = lb_cib_resource_role(rsc, node, &role);

    if (rc != want_rc || (want != NULL && (role == NULL || strcmp(role, want) != 0))) {
        ck_abort_msg("role of %s on %s: rc %d role %s, expected rc %d role %s", rsc, node, rc,
                     role ? role : "(null)", want_rc, want ? want : "(null)");
    }
    check_str(rc, role, want_rc, want);
}

/* Comma-joined node list of @rsc, or "rc=N" on error (caller frees). */
static char *
nodes_of(const char *rsc)
{
    char **nodes = NULL;
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    int rc = lb_cib_resource_nodes(rsc, &nodes);

    if (rc < 0) {
        ck_assert_ptr_null(nodes);
        fprintf(m, "rc=%d", rc);
    }
    for (char **p = nodes; rc == 0 && *p != NULL; p++) {
        fprintf(m, "%s%s", (p == nodes) ? "" : ",", *p);
    }
    fclose(m);
    lb_strv_free(nodes);
    return out;
}

/* ------------------------------------------------------------ node attributes */

START_TEST(test_node_attr_transient)
{
    char *v = NULL;

    CHECK_READ(lb_cib_node_attr("node1", "pingd", true, &v), v, 0, "100");
    CHECK_READ(lb_cib_node_attr("node3", "fail-count-flaky#monitor_10000", true, &v), v, 0, "1");
    CHECK_READ(lb_cib_node_attr("node2", "pingd", true, &v), v, -ENXIO, NULL);
    /* a permanent attribute is not a transient one */
    CHECK_READ(lb_cib_node_attr("node1", "site", true, &v), v, -ENXIO, NULL);
}
END_TEST

START_TEST(test_node_attr_permanent)
{
    char *v = NULL;

    CHECK_READ(lb_cib_node_attr("node1", "site", false, &v), v, 0, "east");
    CHECK_READ(lb_cib_node_attr("node2", "site", false, &v), v, 0, "west");
    CHECK_READ(lb_cib_node_attr("node3", "site", false, &v), v, -ENXIO, NULL);
    CHECK_READ(lb_cib_node_attr("node1", "pingd", false, &v), v, -ENXIO, NULL);
    CHECK_READ(lb_cib_node_attr("node9", "site", false, &v), v, -ENXIO, NULL);
}
END_TEST

START_TEST(test_node_attr_local_and_args)
{
    char *v = NULL;

    setenv("OCF_RESKEY_CRM_meta_on_node", "node2", 1);
    CHECK_READ(lb_cib_node_attr(NULL, "site", false, &v), v, 0, "west");
    CHECK_READ(lb_cib_local_node(&v), v, 0, "node2");
    ck_assert_int_eq(lb_cib_node_attr("node1", NULL, false, &v), -EINVAL);
    ck_assert_int_eq(lb_cib_node_attr("node1", "site", false, NULL), -EINVAL);
    /* names that cannot be quoted in XPath are refused, not mangled */
    ck_assert_int_eq(lb_cib_node_attr("node1", "a'b\"c", false, &v), -EINVAL);
    ck_assert_ptr_null(v);
    /* either quote alone is fine */
    CHECK_READ(lb_cib_node_attr("node1", "it's", false, &v), v, -ENXIO, NULL);
}
END_TEST

/* ------------------------------------------------------------ properties */

START_TEST(test_property)
{
    char *v = NULL;

    CHECK_READ(lb_cib_property("stonith-enabled", &v), v, 0, "false");
    CHECK_READ(lb_cib_property("cluster-name", &v), v, 0, "lbtest");
    CHECK_READ(lb_cib_property("no-such-property", &v), v, -ENXIO, NULL);
    ck_assert_int_eq(lb_cib_property("", &v), -EINVAL);
}
END_TEST

START_TEST(test_clone_meta)
{
    char *v = NULL;

    CHECK_READ(lb_cib_clone_meta("web", "clone-max", &v), v, 0, "2");
    CHECK_READ(lb_cib_clone_meta("gu:1", "globally-unique", &v), v, 0, "true");
    CHECK_READ(lb_cib_clone_meta("web", "ordered", &v), v, -ENXIO, NULL);
    CHECK_READ(lb_cib_clone_meta("vip", "clone-max", &v), v, -ENXIO, NULL); /* not cloned */
    ck_assert_int_eq(lb_cib_clone_meta("", "ordered", &v), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ roles */

START_TEST(test_role_primitive)
{
    check_role("vip", "node1", 0, "Started");
    check_role("vip", "node2", 0, "Stopped"); /* probe found it stopped */
    check_role("old", "node2", 0, "Stopped"); /* start, monitor, then stop */
    check_role("never", "node1", 0, "Stopped");
    /* recurring monitor failed: still active (crm_mon: FAILED node3) */
    check_role("flaky", "node3", 0, "Started");
    /* probe said "not installed": treated as stopped there */
    check_role("flaky", "node1", 0, "Stopped");
}
END_TEST

START_TEST(test_role_promotable)
{
    check_role("db", "node2", 0, "Promoted");
    check_role("db", "node1", 0, "Unpromoted");
    check_role("db", "node3", 0, "Unpromoted");
    check_role("db-clone", "node2", 0, "Promoted");
    check_role("db-clone", "node1", 0, "Unpromoted");
}
END_TEST

START_TEST(test_role_clone)
{
    /* anonymous clone: history id "web" */
    check_role("web", "node1", 0, "Started");
    check_role("web", "node2", 0, "Stopped");
    check_role("web-clone", "node3", 0, "Started");
    /* unique clone: history ids "gu:0", "gu:1" */
    check_role("gu:0", "node3", 0, "Started");
    check_role("gu:1", "node3", 0, "Started");
    check_role("gu:0", "node1", 0, "Stopped");
    check_role("gu", "node3", 0, "Started");
    check_role("gu-clone", "node3", 0, "Started");
    check_role("gu-clone", "node2", 0, "Stopped");
}
END_TEST

START_TEST(test_role_group)
{
    check_role("grp", "node2", 0, "Started");
    check_role("g2", "node2", 0, "Started");
    check_role("grp", "node1", 0, "Stopped");
}
END_TEST

START_TEST(test_role_missing)
{
    char *role = NULL;

    check_role("no-such-rsc", "node1", -ENXIO, NULL);
    check_role("vip", "node9", -ENXIO, NULL);
    ck_assert_int_eq(lb_cib_resource_role(NULL, "node1", &role), -EINVAL);
    ck_assert_int_eq(lb_cib_resource_role("vip", NULL, &role), -EINVAL);
    ck_assert_ptr_null(role);
}
END_TEST

/* ------------------------------------------------------------ locations */

static const struct {
    const char *rsc;
    const char *nodes;
} locations[] = {
    {"vip", "node1"},
    {"old", ""},
    {"never", ""},
    {"web", "node1,node3"},
    {"web-clone", "node1,node3"},
    {"gu", "node3"},
    {"gu:1", "node3"},
    {"gu-clone", "node3"},
    {"db", "node1,node2,node3"},
    {"db-clone", "node1,node2,node3"},
    {"grp", "node2"},
    {"g1", "node2"},
    {"flaky", "node3"},
    {"no-such-rsc", "rc=-6"},
};

START_TEST(test_locations)
{
    char *got = nodes_of(locations[_i].rsc);

    if (strcmp(got, locations[_i].nodes) != 0) {
        ck_abort_msg("nodes of %s: '%s', expected '%s'", locations[_i].rsc, got,
                     locations[_i].nodes);
    }
    free(got);
}
END_TEST

/* Node names from "crm_resource --locate" output, sorted, comma-joined. */
static char *
crm_resource_locate(const char *rsc)
{
    char cmd[512];
    char *out, *line, *save = NULL;
    char *names[16];
    size_t n = 0;
    char *joined = NULL;
    size_t len = 0;
    FILE *m;

    snprintf(cmd, sizeof(cmd), "crm_resource --locate -r '%s' 2>/dev/null", rsc);
    out = run(cmd, NULL);
    for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *on = strstr(line, "is running on: ");
        if (on != NULL && n < 16) {
            names[n] = on + strlen("is running on: ");
            names[n][strcspn(names[n], " ")] = '\0'; /* drop " Promoted" */
            n++;
        }
    }
    for (size_t i = 1; i < n; i++) { /* insertion sort: crm_resource lists in its own order */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    }
    m = open_memstream(&joined, &len);
    for (size_t i = 0; i < n; i++) {
        fprintf(m, "%s%s", i ? "," : "", names[i]);
    }
    fclose(m);
    free(out);
    return joined;
}

/* Our answer agrees with crm_resource --locate on the same CIB file. */
START_TEST(test_locations_match_crm_resource)
{
    static const char *const rscs[] = {"vip",      "old",  "web-clone", "web", "db",
                                       "db-clone", "gu:0", "grp",       "g1",  "flaky"};

    for (size_t i = 0; i < sizeof(rscs) / sizeof(rscs[0]); i++) {
        char *ours = nodes_of(rscs[i]);
        char *theirs = crm_resource_locate(rscs[i]);

        if (strcmp(ours, theirs) != 0) {
            ck_abort_msg("%s: lifeboat '%s', crm_resource '%s'", rscs[i], ours, theirs);
        }
        free(ours);
        free(theirs);
    }
}
END_TEST

/* ------------------------------------------------------------ utilization */

START_TEST(test_utilization_read)
{
    char *v = NULL;

    CHECK_READ(lb_cib_utilization("vip", "cpu", &v), v, 0, "2");
    CHECK_READ(lb_cib_utilization("vip", "memory", &v), v, -ENXIO, NULL);
    CHECK_READ(lb_cib_utilization("no-such-rsc", "cpu", &v), v, -ENXIO, NULL);
}
END_TEST

/* The utilization element of @rsc in CIB file @path, as cibadmin prints it. */
static char *
utilization_xml(const char *path, const char *rsc)
{
    char cmd[1024];

    snprintf(cmd, sizeof(cmd),
             "CIB_file='%s' cibadmin -Q --xpath \"//primitive[@id='%s']/utilization\" 2>&1", path,
             rsc);
    return run(cmd, NULL);
}

START_TEST(test_utilization_roundtrip)
{
    char *v = NULL, *before, *after, *ours, *theirs;
    int status = 0;

    copy_fixture(scratch, sizeof(scratch));
    setenv("CIB_file", scratch, 1);

    /* same value: no write at all (file byte for byte unchanged) */
    before = slurp(scratch);
    ck_assert_int_eq(lb_cib_set_utilization("vip", "cpu", "2"), 0);
    lb_cib_close();
    after = slurp(scratch);
    ck_assert_str_eq(before, after);
    free(after);

    /* change an existing value */
    ck_assert_int_eq(lb_cib_set_utilization("vip", "cpu", "4"), 0);
    CHECK_READ(lb_cib_utilization("vip", "cpu", &v), v, 0, "4");
    lb_cib_close();
    after = slurp(scratch);
    ck_assert_str_ne(before, after);
    free(after);
    free(before);

    /* new attribute on a primitive without utilization: crm_resource's ids */
    ck_assert_int_eq(lb_cib_set_utilization("old", "memory", "512"), 0);
    lb_cib_close();
    v = run("crm_resource -r old -z -g memory 2>/dev/null", &status);
    ck_assert_int_eq(status, 0);
    ck_assert_str_eq(v, "512\n");
    free(v);

    copy_fixture(scratch2, sizeof(scratch2));
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "CIB_file='%s' crm_resource -r old -z -p memory -v 512 2>&1",
             scratch2);
    free(run(cmd, &status));
    ck_assert_int_eq(status, 0);
    ours = utilization_xml(scratch, "old");
    theirs = utilization_xml(scratch2, "old");
    ck_assert_str_eq(ours, theirs);
    ck_assert_ptr_nonnull(strstr(ours, "id=\"old-utilization-memory\""));
    free(ours);
    free(theirs);

    /* a clone instance name means its primitive */
    ck_assert_int_eq(lb_cib_set_utilization("gu:0", "cpu", "1"), 0);
    CHECK_READ(lb_cib_utilization("gu", "cpu", &v), v, 0, "1");

    /* delete, then delete again (nothing to do) */
    ck_assert_int_eq(lb_cib_set_utilization("old", "memory", NULL), 0);
    CHECK_READ(lb_cib_utilization("old", "memory", &v), v, -ENXIO, NULL);
    ck_assert_int_eq(lb_cib_set_utilization("old", "memory", NULL), 0);
    lb_cib_close();
    v = run("crm_resource -r old -z -g memory 2>/dev/null", &status);
    ck_assert_str_eq(v, ""); /* crm_resource says "not found" on stderr, exit 0 */
    free(v);

    /* the result still validates, and other values survived */
    snprintf(cmd, sizeof(cmd), "crm_verify -x '%s' 2>&1", scratch);
    free(run(cmd, &status));
    ck_assert_int_eq(status, 0);
    CHECK_READ(lb_cib_utilization("vip", "cpu", &v), v, 0, "4");

    ck_assert_int_eq(lb_cib_set_utilization("no-such-rsc", "cpu", "1"), -ENXIO);
    ck_assert_int_eq(lb_cib_set_utilization("vip", "", "1"), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(test_bad_cib_file)
{
    char *v = NULL;
    char **nodes = NULL;
    static const char junk[] = "this is not XML\n";
    static const char invalid[] =
        "<cib validate-with=\"pacemaker-3.9\" epoch=\"1\" num_updates=\"0\" "
        "admin_epoch=\"0\"><configuration><bogus/></configuration></cib>\n";
    int fd;

    setenv("CIB_file", "/nonexistent/dir/cib.xml", 1);
    ck_assert_int_eq(lb_cib_property("stonith-enabled", &v), -ENOENT);
    ck_assert_ptr_null(v);
    ck_assert_int_lt(lb_cib_node_attr("node1", "site", false, &v), 0);
    ck_assert_int_lt(lb_cib_resource_role("vip", "node1", &v), 0);
    ck_assert_ptr_null(v);
    ck_assert_int_lt(lb_cib_resource_nodes("vip", &nodes), 0);
    ck_assert_ptr_null(nodes);
    ck_assert_int_lt(lb_cib_set_utilization("vip", "cpu", "1"), 0);

    snprintf(scratch, sizeof(scratch), "/tmp/lb-test-cib-XXXXXX");
    fd = mkstemp(scratch);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, junk, sizeof(junk) - 1), (ssize_t)sizeof(junk) - 1);
    close(fd);
    setenv("CIB_file", scratch, 1);
    ck_assert_int_lt(lb_cib_property("stonith-enabled", &v), 0);
    ck_assert_int_ne(lb_cib_property("stonith-enabled", &v), -ENXIO);
    ck_assert_ptr_null(v);
    lb_cib_close();

    /* well-formed XML that does not validate as a CIB */
    fd = open(scratch, O_WRONLY | O_TRUNC);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, invalid, sizeof(invalid) - 1), (ssize_t)sizeof(invalid) - 1);
    close(fd);
    ck_assert_int_eq(lb_cib_property("stonith-enabled", &v), -EINVAL);
    ck_assert_ptr_null(v);
    lb_cib_close();
    lb_cib_close(); /* twice is fine */
}
END_TEST

/* The library writes nothing to stdout, on success or failure. */
START_TEST(test_no_stdout)
{
    char path[] = "/tmp/lb-test-out-XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(STDOUT_FILENO);
    char *v = NULL;
    char **nodes = NULL;
    struct stat st;

    ck_assert_int_ge(fd, 0);
    fflush(stdout);
    dup2(fd, STDOUT_FILENO);
    lb_cib_property("stonith-enabled", &v);
    free(v);
    lb_cib_resource_role("db", "node2", &v);
    free(v);
    lb_cib_resource_nodes("db-clone", &nodes);
    lb_strv_free(nodes);
    lb_cib_node_attr("node9", "x", true, &v);
    lb_cib_close();
    setenv("CIB_file", "/nonexistent/cib.xml", 1);
    lb_cib_property("x", &v);
    lb_cib_close();
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    ck_assert_int_eq(fstat(fd, &st), 0);
    close(fd);
    unlink(path);
    ck_assert_int_eq(st.st_size, 0);
}
END_TEST

START_TEST(test_strv_free_null)
{
    lb_strv_free(NULL);
}
END_TEST

static Suite *
cib_suite(void)
{
    Suite *s = suite_create("cib");
    TCase *reads = tcase_create("reads");
    TCase *writes = tcase_create("writes");
    TCase *errors = tcase_create("errors");

    /* Each case runs Pacemaker's CIB tools: slow under ASan on a busy machine. */
    tcase_set_timeout(reads, 120);
    tcase_set_timeout(writes, 120);
    tcase_set_timeout(errors, 120);

    tcase_add_checked_fixture(reads, setup, teardown);
    tcase_add_test(reads, test_node_attr_transient);
    tcase_add_test(reads, test_node_attr_permanent);
    tcase_add_test(reads, test_node_attr_local_and_args);
    tcase_add_test(reads, test_property);
    tcase_add_test(reads, test_clone_meta);
    tcase_add_test(reads, test_role_primitive);
    tcase_add_test(reads, test_role_promotable);
    tcase_add_test(reads, test_role_clone);
    tcase_add_test(reads, test_role_group);
    tcase_add_test(reads, test_role_missing);
    tcase_add_loop_test(reads, test_locations, 0, sizeof(locations) / sizeof(locations[0]));
    tcase_add_test(reads, test_locations_match_crm_resource);
    tcase_add_test(reads, test_utilization_read);
    suite_add_tcase(s, reads);

    tcase_add_checked_fixture(writes, setup, teardown);
    tcase_add_test(writes, test_utilization_roundtrip);
    suite_add_tcase(s, writes);

    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, test_bad_cib_file);
    tcase_add_test(errors, test_no_stdout);
    tcase_add_test(errors, test_strv_free_null);
    suite_add_tcase(s, errors);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(cib_suite());
    int failed;

    find_fixture();
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    crm_xml_cleanup(); /* Pacemaker's schema cache: keeps valgrind's report clean */
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
