/*
 * Unit tests for fence/fence_compute_map.c: fence_compute.py's status mapping
 * and its domain handling (short names in the cluster, FQDNs in Nova).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fence_compute.h"

START_TEST(state_mapping)
{
    ck_assert_int_eq(fc_service_state("up", "enabled"), FC_ON);
    ck_assert_int_eq(fc_service_state("down", "disabled"), FC_OFF);
    ck_assert_int_eq(fc_service_state("down", "enabled"), FC_FAILED);
    ck_assert_int_eq(fc_service_state("up", "disabled"), FC_RUNNING);
    ck_assert_int_eq(fc_service_state("", "enabled"), FC_UNKNOWN);
    ck_assert_int_eq(fc_service_state(NULL, NULL), FC_UNKNOWN);
    ck_assert_str_eq(fc_state_name(FC_FAILED), "failed");
    ck_assert_str_eq(fc_state_name(FC_UNKNOWN), "unknown");
}
END_TEST

START_TEST(short_name)
{
    char s[16];

    fc_short_name("compute1.example.com", s, sizeof(s));
    ck_assert_str_eq(s, "compute1");
    fc_short_name("compute1", s, sizeof(s));
    ck_assert_str_eq(s, "compute1");
    fc_short_name("averyveryverylonghostname.x", s, sizeof(s));
    ck_assert_str_eq(s, "averyveryverylo");
}
END_TEST

static const char *
host(const char *const hosts[], size_t n, const char *plug, const char *domain, int *rc)
{
    static struct fc_host_result res;

    *rc = fc_nova_host(hosts, n, plug, domain, &res);
    return res.host;
}

/* Nova uses FQDNs, the cluster short names: the domain is added. */
START_TEST(fqdn_in_nova)
{
    const char *hosts[] = {"c1.example.com", "c2.example.com"};
    struct fc_host_result res;
    int rc;

    ck_assert_str_eq(host(hosts, 2, "c1", NULL, &rc), "c1.example.com");
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(host(hosts, 2, "c2.example.com", NULL, &rc), "c2.example.com");
    /* an unknown node still gets the domain: Nova then reports no such service */
    ck_assert_str_eq(host(hosts, 2, "c9", NULL, &rc), "c9.example.com");
    ck_assert_int_eq(fc_nova_host(hosts, 2, "c1", NULL, &res), 0);
    ck_assert_str_eq(res.domain, "example.com");
    ck_assert(res.have_domain);
    ck_assert_str_eq(res.warning, "");
}
END_TEST

/* Nova uses short names, the cluster FQDNs: the domain is stripped. */
START_TEST(short_in_nova)
{
    const char *hosts[] = {"c1", "c2"};
    int rc;

    ck_assert_str_eq(host(hosts, 2, "c1.example.com", NULL, &rc), "c1");
    ck_assert_str_eq(host(hosts, 2, "c2", NULL, &rc), "c2");
    ck_assert_int_eq(rc, 0);
}
END_TEST

/* A supplied domain Nova contradicts is overridden, with a warning (as the Python agent). */
START_TEST(domain_overridden)
{
    const char *hosts[] = {"c1.example.com", "c2.example.com"};
    struct fc_host_result res;

    ck_assert_int_eq(fc_nova_host(hosts, 2, "c1", "other.org", &res), 0);
    ck_assert_str_eq(res.host, "c1.example.com");
    ck_assert_ptr_nonnull(strstr(res.warning, "Overriding supplied domain 'other.org'"));
    ck_assert_int_eq(fc_nova_host(hosts, 2, "c1", "example.com", &res), 0);
    ck_assert_str_eq(res.warning, "");
    /* also when the plug names a Nova host exactly */
    ck_assert_int_eq(fc_nova_host(hosts, 2, "c2.example.com", "other.org", &res), 0);
    ck_assert_str_eq(res.host, "c2.example.com");
    ck_assert_ptr_nonnull(strstr(res.warning, "Overriding supplied domain 'other.org'"));
}
END_TEST

/* No service in Nova: the plug is used as given, even with a supplied domain. */
START_TEST(no_services)
{
    int rc;

    ck_assert_str_eq(host(NULL, 0, "c1", NULL, &rc), "c1");
    ck_assert_str_eq(host(NULL, 0, "c1", "example.com", &rc), "c1");
    ck_assert_int_eq(rc, 0);
}
END_TEST

/* Several domains: an exact name, the supplied domain, or a unique short name decides. */
START_TEST(several_domains)
{
    const char *hosts[] = {"c1.a.com", "c2.b.com", "c1.b.com", "c3.a.com"};
    struct fc_host_result res;
    int rc;

    ck_assert_str_eq(host(hosts, 4, "c1.b.com", NULL, &rc), "c1.b.com");
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(host(hosts, 4, "c1", "a.com", &rc), "c1.a.com");
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(host(hosts, 4, "c3", NULL, &rc), "c3.a.com");
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(fc_nova_host(hosts, 4, "c1", NULL, &res), -1);
    ck_assert_ptr_nonnull(strstr(res.warning, "ambiguous"));
    ck_assert_int_eq(fc_nova_host(hosts, 4, "c9", NULL, &res), -1);
    ck_assert_ptr_nonnull(strstr(res.warning, "not among them"));
}
END_TEST

/* The same host twice (two services) is one host, not an ambiguity. */
START_TEST(duplicate_services)
{
    const char *hosts[] = {"c1.a.com", "c1.a.com", "c2.b.com"};
    int rc;

    ck_assert_str_eq(host(hosts, 3, "c1", NULL, &rc), "c1.a.com");
    ck_assert_int_eq(rc, 0);
}
END_TEST

/* The plug already ends with the domain: kept as it is (endswith, as in Python). */
START_TEST(plug_has_domain)
{
    const char *hosts[] = {"c1.example.com"};
    int rc;

    ck_assert_str_eq(host(hosts, 1, "c7.example.com", NULL, &rc), "c7.example.com");
    ck_assert_str_eq(host(hosts, 1, "c7.sub.example.com", NULL, &rc), "c7.sub.example.com");
}
END_TEST

static Suite *
fence_compute_suite(void)
{
    Suite *s = suite_create("fence_compute");
    TCase *tc = tcase_create("map");

    tcase_add_test(tc, state_mapping);
    tcase_add_test(tc, short_name);
    tcase_add_test(tc, fqdn_in_nova);
    tcase_add_test(tc, short_in_nova);
    tcase_add_test(tc, domain_overridden);
    tcase_add_test(tc, no_services);
    tcase_add_test(tc, several_domains);
    tcase_add_test(tc, duplicate_services);
    tcase_add_test(tc, plug_has_domain);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(fence_compute_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
