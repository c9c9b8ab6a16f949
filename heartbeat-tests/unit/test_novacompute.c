/*
 * Unit tests of the NovaCompute agent's pure parts (agents/NovaCompute_host.c):
 * the evacuate attribute, host names against cluster node names, the
 * configuration files nova-compute reads and the host it takes from them.
 */
#include "config.h"

#include <limits.h>
#include <sys/stat.h>

#include "NovaCompute.h"
#include "lifeboat/proc.h"
#include "testutil.h"

START_TEST(evacuate_attribute)
{
    ck_assert_int_eq(nc_evac_state(NULL), NC_EVAC_NONE);
    ck_assert_int_eq(nc_evac_state(""), NC_EVAC_NONE);
    ck_assert_int_eq(nc_evac_state("no"), NC_EVAC_DONE);
    ck_assert_int_eq(nc_evac_state("yes"), NC_EVAC_PENDING);
    /* as the peer: anything but "no" (or nothing) means pending */
    ck_assert_int_eq(nc_evac_state("No"), NC_EVAC_PENDING);
    ck_assert_int_eq(nc_evac_state("in-progress"), NC_EVAC_PENDING);
}
END_TEST

START_TEST(short_names)
{
    char out[16];

    nc_short_name("compute-0.example.com", out, sizeof(out));
    ck_assert_str_eq(out, "compute-0");
    nc_short_name("compute-0", out, sizeof(out));
    ck_assert_str_eq(out, "compute-0");
    nc_short_name("averyveryverylongname.x", out, sizeof(out));
    ck_assert_str_eq(out, "averyveryverylo");
}
END_TEST

static bool
matches(const char *host, const char *node, const char *domain)
{
    char why[256];
    bool ok = nc_host_matches(host, node, domain, why, sizeof(why));

    ck_assert(ok == (why[0] == '\0'));
    return ok;
}

START_TEST(host_against_node)
{
    char why[256];

    ck_assert(matches("compute1", "compute1", NULL));
    ck_assert(matches("Compute1", "compute1", ""));
    /* the cluster's short name, Nova's FQDN: with or without the domain parameter */
    ck_assert(matches("compute1.example.com", "compute1", "example.com"));
    ck_assert(matches("compute1.example.com", "compute1", NULL));
    ck_assert(matches("compute1", "compute1.example.com", "example.com"));
    ck_assert(matches("compute1.EXAMPLE.com", "compute1", "example.com"));
    /* another host, or another domain than the one given */
    ck_assert(!matches("compute2", "compute1", NULL));
    ck_assert(!matches("compute10.example.com", "compute1", "example.com"));
    ck_assert(!nc_host_matches("compute1.other.org", "compute1", "example.com", why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "not in domain example.com"));
    ck_assert(!nc_host_matches("lbt-unknown", "compute1", NULL, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "lbt-unknown"));
    ck_assert_ptr_nonnull(strstr(why, "compute1"));
}
END_TEST

/* A fresh directory with nova.conf-like files; returns its path in @dir. */
static void
conf_dir(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/lb-nc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
write_in(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    tu_write_file(path, text);
}

static void
rm_rf(const char *dir)
{
    const char *argv[] = {"/bin/rm", "-rf", dir, NULL};

    tu_run_quiet(argv);
}

START_TEST(config_files_in_order)
{
    char dir[64], sub[96], main_conf[128], **files = NULL;

    conf_dir(dir, sizeof(dir));
    snprintf(sub, sizeof(sub), "%s/nova.conf.d", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    write_in(sub, "20-b.conf", "");
    write_in(sub, "10-a.conf", "");
    write_in(sub, "Z-upper.conf", "");
    write_in(sub, "30-c.conf.rpmsave", "");
    write_in(sub, ".conf", "");
    snprintf(main_conf, sizeof(main_conf), "%s/nova.conf", dir);

    ck_assert_int_eq(
        nc_config_files("/etc/nova/nova.conf  /etc/nova/nova-compute.conf", NULL, &files), 0);
    ck_assert_str_eq(files[0], "/etc/nova/nova.conf");
    ck_assert_str_eq(files[1], "/etc/nova/nova-compute.conf");
    ck_assert_ptr_null(files[2]);
    lb_argv_free(files);

    ck_assert_int_eq(nc_config_files(main_conf, sub, &files), 0);
    ck_assert_str_eq(files[0], main_conf);
    /* byte order, as Python's sorted(): upper case first; only *.conf with a name */
    ck_assert_ptr_nonnull(strstr(files[1], "/10-a.conf"));
    ck_assert_ptr_nonnull(strstr(files[2], "/20-b.conf"));
    ck_assert_ptr_nonnull(strstr(files[3], "/Z-upper.conf"));
    ck_assert_ptr_null(files[4]);
    lb_argv_free(files);

    ck_assert_int_eq(nc_config_files("", "", &files), 0);
    ck_assert_ptr_null(files[0]);
    lb_argv_free(files);
    ck_assert_int_eq(nc_config_files(main_conf, "/nonexistent/nova.conf.d", &files), -ENOENT);
    ck_assert_ptr_null(files);
    rm_rf(dir);
}
END_TEST

START_TEST(configured_host_last_wins)
{
    char dir[64], a[128], b[128], c[128], *host = NULL;
    const char *bad = NULL;

    conf_dir(dir, sizeof(dir));
    snprintf(a, sizeof(a), "%s/a.conf", dir);
    snprintf(b, sizeof(b), "%s/b.conf", dir);
    snprintf(c, sizeof(c), "%s/c.conf", dir);
    tu_write_file(a, "[DEFAULT]\nhost = from-a\n");
    tu_write_file(b, "[DEFAULT]\ndebug = true\n[libvirt]\nhost = no\n");
    tu_write_file(c, "[DEFAULT]\nhost = from-c\n");
    {
        char *const ab[] = {a, b, NULL}, *const abc[] = {a, b, c, NULL}, *const bonly[] = {b, NULL};
        char missing[160];
        char *const withmissing[] = {a, missing, NULL};

        ck_assert_int_eq(nc_configured_host(ab, &host, &bad), 0);
        ck_assert_str_eq(host, "from-a");
        free(host);
        ck_assert_int_eq(nc_configured_host(abc, &host, &bad), 0);
        ck_assert_str_eq(host, "from-c");
        free(host);
        ck_assert_int_eq(nc_configured_host(bonly, &host, &bad), -ENXIO);
        ck_assert_ptr_null(host);
        snprintf(missing, sizeof(missing), "%s/missing.conf", dir);
        ck_assert_int_eq(nc_configured_host(withmissing, &host, &bad), -ENOENT);
        ck_assert_ptr_null(host);
        ck_assert_str_eq(bad, missing);
    }
    rm_rf(dir);
}
END_TEST

START_TEST(file_name_parts)
{
    char out[32];

    nc_file_part("nova-compute-clone:0", out, sizeof(out));
    ck_assert_str_eq(out, "nova-compute-clone:0");
    nc_file_part("../../etc/passwd", out, sizeof(out));
    ck_assert_str_eq(out, ".._.._etc_passwd");
    nc_file_part("a\nb\tc\x7f", out, sizeof(out));
    ck_assert_str_eq(out, "a_b_c_");
    nc_file_part("0123456789012345678901234567890123456789", out, 8);
    ck_assert_str_eq(out, "0123456");
}
END_TEST

static Suite *
novacompute_suite(void)
{
    Suite *s = suite_create("NovaCompute");
    TCase *tc = tcase_create("pure");

    tcase_add_test(tc, evacuate_attribute);
    tcase_add_test(tc, short_names);
    tcase_add_test(tc, host_against_node);
    tcase_add_test(tc, config_files_in_order);
    tcase_add_test(tc, configured_host_last_wins);
    tcase_add_test(tc, file_name_parts);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(novacompute_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
