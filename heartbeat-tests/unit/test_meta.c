/*
 * Unit tests for lib/meta.c: the OCF metadata must validate against
 * ra-api-1.dtd (checked with xmllint, as Pacemaker's tools would read it) and
 * must say exactly what the tables say (checked with XPath).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/meta.h"
#include "lifeboat/ocf.h"
#include "testutil.h"

#define RA_API_DTD "/usr/share/resource-agents/ra-api-1.dtd"

static int
noop(struct lb_ctx *ctx)
{
    (void)ctx;
    return LB_OCF_SUCCESS;
}

static const char *const modes[] = {"fast", "slow<&>", NULL};

#define NASTY "a<b>c&d\"e'f"

static const struct lb_param params[] = {
    {.name = "config",
     .type = LB_PARAM_STRING,
     .required = true,
     .unique = true,
     .shortdesc = "Config file",
     .longdesc = "Path of the configuration file."},
    {.name = "verbose", .type = LB_PARAM_BOOLEAN, .dflt = "false", .shortdesc = "Verbose"},
    {.name = "port",
     .type = LB_PARAM_INTEGER,
     .dflt = "80",
     .min = 1,
     .max = 65535,
     .shortdesc = "Port",
     .longdesc = "TCP port."},
    {.name = "mode",
     .type = LB_PARAM_ENUM,
     .values = modes,
     .dflt = "fast",
     .shortdesc = "Mode",
     .longdesc = "How to run."},
    {.name = "nasty",
     .type = LB_PARAM_STRING,
     .dflt = NASTY,
     .shortdesc = "short " NASTY,
     .longdesc = "long " NASTY},
    {.name = "old",
     .type = LB_PARAM_STRING,
     .unsupported = "not <yet> & never",
     .shortdesc = "Old feature"},
    {.name = NULL},
};

static const struct lb_action actions[] = {
    {.name = "start", .fn = noop, .timeout = "90s"},
    {.name = "stop", .fn = noop, .timeout = "100s"},
    {.name = "monitor", .fn = noop, .timeout = "30s", .interval = "10s", .depth = 0},
    {.name = "monitor", .fn = noop, .timeout = "40s", .interval = "60s", .depth = 10},
    {.name = "status", .fn = noop, .timeout = "30s"},
    {.name = "promote", .fn = noop, .timeout = "45s"},
    {.name = "monitor", .fn = noop, .timeout = "30s", .interval = "9s", .role = "Promoted"},
    {.name = "monitor", .fn = noop, .timeout = "30s", .interval = "11s", .role = "Unpromoted"},
    {.name = "migrate_to", .fn = noop}, /* no timeout: the default */
    {.name = NULL},
};

static const struct lb_agent agent = {
    .name = "MetaAgent",
    .version = "2.5",
    .shortdesc = "Meta " NASTY,
    .longdesc = "Longer " NASTY,
    .params = params,
    .actions = actions,
};

/* OCF 1.1 attributes that ra-api-1.dtd does not know. */
static const struct lb_param params11[] = {
    {.name = "ip", .type = LB_PARAM_STRING, .unique_group = "address", .shortdesc = "IP"},
    {.name = "port", .type = LB_PARAM_INTEGER, .unique_group = "address", .shortdesc = "port"},
    {.name = "level", .type = LB_PARAM_INTEGER, .reloadable = true, .shortdesc = "level"},
    {.name = NULL},
};

static const struct lb_action actions11[] = {
    {.name = "start", .fn = noop, .timeout = "20s"},
    {.name = "validate-all", .fn = NULL, .timeout = "7s"}, /* listed: not added twice */
    {.name = "meta-data", .fn = NULL, .timeout = "3s"},
    {.name = NULL},
};

static const struct lb_agent agent11 = {
    .name = "Meta11",
    .shortdesc = "OCF 1.1 attributes",
    .params = params11,
    .actions = actions11,
};

static char xmlpath[256];

static void
setup(void)
{
    tu_tmpfile(xmlpath, sizeof(xmlpath), "meta");
}

static void
teardown(void)
{
    unlink(xmlpath);
}

/* Write the metadata of @a to xmlpath. */
static void
write_meta(const struct lb_agent *a)
{
    FILE *f = fopen(xmlpath, "w");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(lb_meta_print(a, f), 0);
    ck_assert_int_eq(fclose(f), 0);
}

static int
xmllint_dtd(void)
{
    const char *argv[] = {"xmllint", "--noout", "--dtdvalid", RA_API_DTD, xmlpath, NULL};

    return tu_run_quiet(argv);
}

/* Evaluate @expr on the metadata file; the string value (malloc'd). */
static char *
xpath_str(const char *expr)
{
    xmlDocPtr doc = xmlReadFile(xmlpath, NULL, XML_PARSE_NONET);
    xmlXPathContextPtr xp;
    xmlXPathObjectPtr obj;
    char *s;

    ck_assert_msg(doc != NULL, "metadata is not well-formed XML");
    xp = xmlXPathNewContext(doc);
    obj = xmlXPathEvalExpression((const xmlChar *)expr, xp);
    ck_assert_msg(obj != NULL, "bad XPath %s", expr);
    s = (char *)xmlXPathCastToString(obj);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    return s;
}

static void
expect_xpath(const char *expr, const char *want)
{
    char *got = xpath_str(expr);

    ck_assert_msg(!strcmp(got, want), "%s: got '%s', expected '%s'", expr, got, want);
    xmlFree(got);
}

static void
expect_contains(const char *expr, const char *want)
{
    char *got = xpath_str(expr);

    ck_assert_msg(strstr(got, want) != NULL, "%s: '%s' lacks '%s'", expr, got, want);
    xmlFree(got);
}

/* ------------------------------------------------------------ tests */

START_TEST(validates_against_dtd)
{
    write_meta(&agent);
    ck_assert_int_eq(xmllint_dtd(), 0);
}
END_TEST

/* The checker itself: a document breaking the DTD is refused. */
START_TEST(dtd_check_rejects_invalid)
{
    tu_write_file(xmlpath, "<?xml version=\"1.0\"?>\n<resource-agent name=\"x\">"
                           "<version>1.1</version><bogus/></resource-agent>\n");
    ck_assert_int_ne(xmllint_dtd(), 0);
}
END_TEST

START_TEST(header_and_version)
{
    write_meta(&agent);
    expect_xpath("string(/resource-agent/@name)", "MetaAgent");
    expect_xpath("string(/resource-agent/@version)", "2.5");
    expect_xpath("string(/resource-agent/version)", "1.1");
    expect_xpath("count(/resource-agent/version)", "1");
    expect_xpath("string(/resource-agent/shortdesc)", "Meta " NASTY);
    expect_xpath("string(/resource-agent/shortdesc/@lang)", "en");
    expect_contains("string(/resource-agent/longdesc)", "Longer " NASTY);
}
END_TEST

/* Without a version of its own, an agent carries the package's. */
START_TEST(default_agent_version)
{
    write_meta(&agent11);
    expect_xpath("string(/resource-agent/@version)", PACKAGE_VERSION);
    /* No longdesc: the shortdesc stands in. */
    expect_contains("string(/resource-agent/longdesc)", "OCF 1.1 attributes");
}
END_TEST

START_TEST(escaping)
{
    write_meta(&agent);
    ck_assert_int_eq(xmllint_dtd(), 0);
    expect_xpath("string(//parameter[@name='nasty']/shortdesc)", "short " NASTY);
    expect_contains("string(//parameter[@name='nasty']/longdesc)", "long " NASTY);
    expect_xpath("string(//parameter[@name='nasty']/content/@default)", NASTY);
    expect_contains("string(//parameter[@name='mode']/longdesc)", "slow<&>");
    expect_contains("string(//parameter[@name='old']/longdesc)", "not <yet> & never");
}
END_TEST

START_TEST(parameters)
{
    write_meta(&agent);
    expect_xpath("count(/resource-agent/parameters/parameter)", "6");
    expect_xpath("string(//parameter[1]/@name)", "config");
    expect_xpath("string(//parameter[@name='config']/@required)", "1");
    expect_xpath("string(//parameter[@name='config']/@unique)", "1");
    expect_xpath("string(//parameter[@name='verbose']/@required)", "0");
    expect_xpath("string(//parameter[@name='verbose']/@unique)", "0");
    expect_xpath("string(//parameter[@name='config']/content/@type)", "string");
    expect_xpath("string(//parameter[@name='verbose']/content/@type)", "boolean");
    expect_xpath("string(//parameter[@name='port']/content/@type)", "integer");
    expect_xpath("string(//parameter[@name='mode']/content/@type)", "string");
    expect_xpath("string(//parameter[@name='verbose']/content/@default)", "false");
    expect_xpath("string(//parameter[@name='port']/content/@default)", "80");
    expect_xpath("count(//parameter[@name='config']/content/@default)", "0");
    expect_contains("string(//parameter[@name='port']/longdesc)", "Range: 1 to 65535.");
    expect_contains("string(//parameter[@name='old']/longdesc)", "Not supported");
    /* Every parameter has exactly one longdesc, shortdesc and content. */
    expect_xpath("count(//parameter[count(longdesc)!=1 or count(shortdesc)!=1 or "
                 "count(content)!=1])",
                 "0");
}
END_TEST

START_TEST(enum_values_listed)
{
    write_meta(&agent);
    expect_contains("string(//parameter[@name='mode']/longdesc)",
                    "How to run. Allowed values: fast, slow<&>.");
}
END_TEST

START_TEST(actions_listed)
{
    write_meta(&agent);
    expect_xpath("count(//actions/action)", "11"); /* 9 + meta-data + validate-all */
    expect_xpath("string(//action[@name='start']/@timeout)", "90s");
    expect_xpath("string(//action[@name='stop']/@timeout)", "100s");
    expect_xpath("string(//action[@name='migrate_to']/@timeout)", "20s");
    expect_xpath("count(//action[@name='meta-data'])", "1");
    expect_xpath("count(//action[@name='validate-all'])", "1");
    expect_xpath("count(//action[@name='start']/@interval)", "0");
    expect_xpath("string(//action[@name='monitor'][1]/@interval)", "10s");
}
END_TEST

START_TEST(depth_on_monitor)
{
    write_meta(&agent);
    expect_xpath("string(//action[@name='monitor' and @interval='10s']/@depth)", "0");
    expect_xpath("string(//action[@name='monitor' and @interval='60s']/@depth)", "10");
    expect_xpath("string(//action[@name='status']/@depth)", "0");
    expect_xpath("count(//action[@name!='monitor' and @name!='status']/@depth)", "0");
    expect_xpath("count(//action[@name='monitor' and not(@depth)])", "0");
}
END_TEST

START_TEST(roles)
{
    write_meta(&agent);
    expect_xpath("string(//action[@name='monitor' and @interval='9s']/@role)", "Promoted");
    expect_xpath("string(//action[@name='monitor' and @interval='11s']/@role)", "Unpromoted");
    expect_xpath("count(//action/@role)", "2");
    ck_assert_int_eq(xmllint_dtd(), 0);
}
END_TEST

START_TEST(ocf11_attributes)
{
    write_meta(&agent11);
    expect_xpath("string(//parameter[@name='ip']/@unique-group)", "address");
    expect_xpath("string(//parameter[@name='port']/@unique-group)", "address");
    expect_xpath("count(//parameter[@name='level']/@unique-group)", "0");
    expect_xpath("string(//parameter[@name='level']/@reloadable)", "1");
    expect_xpath("count(//parameter[@name='ip']/@reloadable)", "0");
    /* Listed generic actions are not repeated, and keep the agent's timeout. */
    expect_xpath("count(//action[@name='validate-all'])", "1");
    expect_xpath("string(//action[@name='validate-all']/@timeout)", "7s");
    expect_xpath("count(//action[@name='meta-data'])", "1");
    /* Without these attributes, nothing OCF 1.1-only is written. */
    write_meta(&agent);
    expect_xpath("count(//@unique-group | //@reloadable)", "0");
}
END_TEST

/* A write error is reported, not ignored. */
START_TEST(write_error)
{
    FILE *f = fopen("/dev/full", "w");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(lb_meta_print(&agent, f), -EIO);
    fclose(f);
}
END_TEST

START_TEST(usage)
{
    struct tu_capture c;
    char *out;

    tu_capture_start(&c, STDOUT_FILENO);
    lb_usage_print(&agent, stdout);
    out = tu_capture_end(&c);
    ck_assert_ptr_nonnull(strstr(out, "usage: MetaAgent {start|stop|monitor|"));
    ck_assert_ptr_nonnull(strstr(out, "|migrate_to|meta-data|validate-all|usage}\n"));
    ck_assert_ptr_nonnull(strstr(out, "MetaAgent: Meta " NASTY));
    free(out);
}
END_TEST

static Suite *
meta_suite(void)
{
    Suite *s = suite_create("meta");
    TCase *tc = tcase_create("meta");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, validates_against_dtd);
    tcase_add_test(tc, dtd_check_rejects_invalid);
    tcase_add_test(tc, header_and_version);
    tcase_add_test(tc, default_agent_version);
    tcase_add_test(tc, escaping);
    tcase_add_test(tc, parameters);
    tcase_add_test(tc, enum_values_listed);
    tcase_add_test(tc, actions_listed);
    tcase_add_test(tc, depth_on_monitor);
    tcase_add_test(tc, roles);
    tcase_add_test(tc, ocf11_attributes);
    tcase_add_test(tc, write_error);
    tcase_add_test(tc, usage);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(meta_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    xmlCleanupParser();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
