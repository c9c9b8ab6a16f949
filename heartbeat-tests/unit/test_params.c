/*
 * Unit tests for lib/params.c: reading OCF_RESKEY_* with defaults, Pacemaker
 * booleans, integers and enums, and validation against the parameter table.
 */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "testutil.h"

static const char *const colours[] = {"red", "green", "blue", NULL};

static const struct lb_param params[] = {
    {.name = "config",
     .type = LB_PARAM_STRING,
     .required = true,
     .dflt = "",
     .shortdesc = "required, empty default"},
    {.name = "flag", .type = LB_PARAM_BOOLEAN, .dflt = "true", .shortdesc = "a boolean"},
    {.name = "count",
     .type = LB_PARAM_INTEGER,
     .dflt = "5",
     .min = 1,
     .max = 10,
     .shortdesc = "ranged integer"},
    {.name = "any", .type = LB_PARAM_INTEGER, .shortdesc = "integer without range"},
    {.name = "colour",
     .type = LB_PARAM_ENUM,
     .values = colours,
     .dflt = "red",
     .shortdesc = "an enum"},
    {.name = "legacy",
     .type = LB_PARAM_STRING,
     .dflt = "",
     .unsupported = "legacy mode is not implemented",
     .shortdesc = "unsupported string"},
    {.name = "fancy",
     .type = LB_PARAM_BOOLEAN,
     .dflt = "false",
     .unsupported = "fancy mode is not implemented",
     .shortdesc = "unsupported boolean"},
    {.name = "named",
     .type = LB_PARAM_STRING,
     .required = true,
     .dflt = "fallback",
     .shortdesc = "required, with a default"},
    {.name = NULL},
};

static const struct lb_action no_actions[] = {{.name = NULL}};

static const struct lb_agent agent = {
    .name = "ParamAgent",
    .shortdesc = "test agent",
    .params = params,
    .actions = no_actions,
};

static struct lb_ctx ctx;

static void
setup(void)
{
    tu_clean_env();
    setenv("OCF_RESKEY_config", "/etc/x.xml", 1);
    lb_ctx_init(&ctx, &agent, "validate-all");
}

/* lb_params_validate() with stderr captured; *reason gets the exit reason line or NULL. */
static int
validate(char **reason)
{
    struct tu_capture c;
    char *err;
    int rc;

    tu_capture_start(&c, STDERR_FILENO);
    lb_log_init("ParamAgent", NULL);
    rc = lb_params_validate(&ctx);
    err = tu_capture_end(&c);
    ck_assert_int_le(tu_count_lines(err, "ocf-exit-reason:"), 1);
    *reason = tu_find_line(err, "ocf-exit-reason:");
    free(err);
    return rc;
}

/* Validation must fail with 6 and a reason containing every string of @words. */
static void
expect_invalid(const char *what, const char *const words[])
{
    char *reason;
    int rc = validate(&reason);

    ck_assert_msg(rc == LB_OCF_ERR_CONFIGURED, "%s: rc %d, expected 6", what, rc);
    ck_assert_msg(reason != NULL, "%s: no ocf-exit-reason line", what);
    for (int i = 0; words && words[i]; i++) {
        ck_assert_msg(strstr(reason, words[i]), "%s: reason '%s' lacks '%s'", what, reason,
                      words[i]);
    }
    free(reason);
}

static void
expect_valid(const char *what)
{
    char *reason;
    int rc = validate(&reason);

    ck_assert_msg(rc == LB_OCF_SUCCESS, "%s: rc %d (%s)", what, rc, reason ? reason : "");
    ck_assert_msg(reason == NULL, "%s: unexpected reason %s", what, reason);
}

/* ------------------------------------------------------------ required */

START_TEST(required_missing)
{
    unsetenv("OCF_RESKEY_config");
    expect_invalid("unset config", (const char *const[]){"'config'", "required", NULL});
    setenv("OCF_RESKEY_config", "", 1);
    expect_invalid("empty config", (const char *const[]){"'config'", NULL});
    setenv("OCF_RESKEY_config", "/x", 1);
    expect_valid("config set");
}
END_TEST

/* A required parameter with a non-empty default is satisfied by the default. */
START_TEST(required_with_default)
{
    unsetenv("OCF_RESKEY_named");
    expect_valid("named unset");
    ck_assert_str_eq(lb_param_str(&ctx, "named"), "fallback");
    ck_assert(!lb_param_is_set(&ctx, "named"));
}
END_TEST

/* ------------------------------------------------------------ booleans */

static const char *const truths[] = {"true", "TRUE", "True", "yes", "YES", "Yes", "on",
                                     "ON",   "On",   "1",    "y",   "Y",   NULL};
static const char *const lies[] = {"false", "FALSE", "False", "no", "NO", "No", "off",
                                   "OFF",   "Off",   "0",     "n",  "N",  NULL};
static const char *const junk_bools[] = {"maybe", "2",    "-1", "tru",    "yess",        "yes ",
                                         " yes",  "t",    "f",  "0x1",    "tru\xd0\xb5", "o",
                                         "onn",   "nope", "00", "true\n", "\xff",        NULL};

START_TEST(parse_bool_spellings)
{
    for (int i = 0; truths[i]; i++) {
        ck_assert_msg(lb_parse_bool(truths[i]) == 1, "'%s' is not true", truths[i]);
    }
    for (int i = 0; lies[i]; i++) {
        ck_assert_msg(lb_parse_bool(lies[i]) == 0, "'%s' is not false", lies[i]);
    }
    for (int i = 0; junk_bools[i]; i++) {
        ck_assert_msg(lb_parse_bool(junk_bools[i]) == -1, "'%s' accepted", junk_bools[i]);
    }
    ck_assert_int_eq(lb_parse_bool(NULL), -1);
    ck_assert_int_eq(lb_parse_bool(""), -1);
}
END_TEST

START_TEST(bool_param_values)
{
    for (int i = 0; truths[i]; i++) {
        setenv("OCF_RESKEY_flag", truths[i], 1);
        expect_valid(truths[i]);
        ck_assert_msg(lb_param_bool(&ctx, "flag"), "'%s' read as false", truths[i]);
    }
    for (int i = 0; lies[i]; i++) {
        setenv("OCF_RESKEY_flag", lies[i], 1);
        expect_valid(lies[i]);
        ck_assert_msg(!lb_param_bool(&ctx, "flag"), "'%s' read as true", lies[i]);
    }
}
END_TEST

START_TEST(bool_param_junk)
{
    for (int i = 0; junk_bools[i]; i++) {
        setenv("OCF_RESKEY_flag", junk_bools[i], 1);
        expect_invalid(junk_bools[i], (const char *const[]){"'flag'", "boolean", NULL});
    }
}
END_TEST

START_TEST(bool_param_default)
{
    ck_assert(lb_param_bool(&ctx, "flag"));   /* default "true" */
    ck_assert(!lb_param_bool(&ctx, "fancy")); /* default "false" */
    ck_assert(!lb_param_bool(&ctx, "nonexistent"));
    setenv("OCF_RESKEY_flag", "", 1); /* empty: the default */
    ck_assert(lb_param_bool(&ctx, "flag"));
    setenv("OCF_RESKEY_flag", "maybe", 1); /* junk reads as false */
    ck_assert(!lb_param_bool(&ctx, "flag"));
}
END_TEST

/* ------------------------------------------------------------ integers */

START_TEST(parse_long_values)
{
    char buf[64];
    long v = 12345;

    ck_assert(lb_parse_long("0", &v));
    ck_assert_int_eq(v, 0);
    ck_assert(lb_parse_long("42", &v));
    ck_assert_int_eq(v, 42);
    ck_assert(lb_parse_long("-17", &v));
    ck_assert_int_eq(v, -17);
    ck_assert(lb_parse_long("+8", &v));
    ck_assert_int_eq(v, 8);
    ck_assert(lb_parse_long("007", &v));
    ck_assert_int_eq(v, 7); /* decimal, not octal */
    snprintf(buf, sizeof(buf), "%ld", LONG_MAX);
    ck_assert(lb_parse_long(buf, &v));
    ck_assert_int_eq(v, LONG_MAX);
    snprintf(buf, sizeof(buf), "%ld", LONG_MIN);
    ck_assert(lb_parse_long(buf, &v));
    ck_assert_int_eq(v, LONG_MIN);
}
END_TEST

START_TEST(parse_long_junk)
{
    static const char *const junk[] = {"",  "abc", "12abc", "1.5",   "1e3", "0x10", "10 ",
                                       "-", "+",   "5s",    "1,000", "--1", "\xff", NULL};
    long v = 777;

    for (int i = 0; junk[i]; i++) {
        ck_assert_msg(!lb_parse_long(junk[i], &v), "'%s' accepted", junk[i]);
    }
    ck_assert(!lb_parse_long(NULL, &v));
    ck_assert_int_eq(v, 777); /* untouched on failure */
}
END_TEST

START_TEST(parse_long_overflow)
{
    long v = 777;

    ck_assert(!lb_parse_long("9223372036854775808", &v));
    ck_assert(!lb_parse_long("-9223372036854775809", &v));
    ck_assert(!lb_parse_long("99999999999999999999999999999", &v));
    ck_assert_int_eq(v, 777);
}
END_TEST

START_TEST(int_param_range)
{
    static const char *const ok[] = {"1", "5", "10", "+3", NULL};
    static const char *const out[] = {"0", "11", "-1", "2147483648", NULL};

    for (int i = 0; ok[i]; i++) {
        setenv("OCF_RESKEY_count", ok[i], 1);
        expect_valid(ok[i]);
    }
    for (int i = 0; out[i]; i++) {
        setenv("OCF_RESKEY_count", out[i], 1);
        expect_invalid(out[i], (const char *const[]){"'count'", "between 1 and 10", NULL});
    }
}
END_TEST

START_TEST(int_param_junk)
{
    static const char *const junk[] = {"five", "5.0", "5 apples", "0x5", "99999999999999999999",
                                       NULL};

    for (int i = 0; junk[i]; i++) {
        setenv("OCF_RESKEY_count", junk[i], 1);
        expect_invalid(junk[i], (const char *const[]){"'count'", "integer", NULL});
        setenv("OCF_RESKEY_count", "5", 1);
        setenv("OCF_RESKEY_any", junk[i], 1);
        expect_invalid(junk[i], (const char *const[]){"'any'", "integer", NULL});
        unsetenv("OCF_RESKEY_any");
    }
}
END_TEST

/* min == max == 0: no range. */
START_TEST(int_param_unbounded)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "%ld", LONG_MIN);
    setenv("OCF_RESKEY_any", buf, 1);
    expect_valid(buf);
    ck_assert_int_eq(lb_param_int(&ctx, "any", 0), LONG_MIN);
}
END_TEST

START_TEST(int_param_read)
{
    ck_assert_int_eq(lb_param_int(&ctx, "count", -1), 5); /* default */
    ck_assert_int_eq(lb_param_int(&ctx, "any", -1), -1);  /* no default: fallback */
    setenv("OCF_RESKEY_count", "7", 1);
    ck_assert_int_eq(lb_param_int(&ctx, "count", -1), 7);
    setenv("OCF_RESKEY_count", "seven", 1);
    ck_assert_int_eq(lb_param_int(&ctx, "count", -1), -1);
    ck_assert_int_eq(lb_param_int(&ctx, "nonexistent", 99), 99);
}
END_TEST

/* ------------------------------------------------------------ enums */

START_TEST(enum_param)
{
    for (int i = 0; colours[i]; i++) {
        setenv("OCF_RESKEY_colour", colours[i], 1);
        expect_valid(colours[i]);
        ck_assert_str_eq(lb_param_str(&ctx, "colour"), colours[i]);
    }
    setenv("OCF_RESKEY_colour", "purple", 1);
    expect_invalid("purple", (const char *const[]){"'colour'", "red, green, blue", "purple", NULL});
    setenv("OCF_RESKEY_colour", "RED", 1); /* values are case-sensitive */
    expect_invalid("RED", (const char *const[]){"'colour'", NULL});
    setenv("OCF_RESKEY_colour", "red ", 1);
    expect_invalid("'red '", (const char *const[]){"'colour'", NULL});
}
END_TEST

/* ------------------------------------------------------------ defaults */

START_TEST(defaults)
{
    ck_assert_str_eq(lb_param_str(&ctx, "colour"), "red");
    ck_assert_str_eq(lb_param_str(&ctx, "flag"), "true");
    ck_assert_ptr_null(lb_param_str(&ctx, "legacy")); /* empty default: none */
    ck_assert_ptr_null(lb_param_str(&ctx, "any"));    /* no default */
    ck_assert_ptr_null(lb_param_str(&ctx, "nonexistent"));
    ck_assert(!lb_param_is_set(&ctx, "colour"));
    setenv("OCF_RESKEY_colour", "", 1);
    ck_assert_str_eq(lb_param_str(&ctx, "colour"), "red");
    ck_assert(!lb_param_is_set(&ctx, "colour"));
    setenv("OCF_RESKEY_colour", "blue", 1);
    ck_assert_str_eq(lb_param_str(&ctx, "colour"), "blue");
    ck_assert(lb_param_is_set(&ctx, "colour"));
    /* A variable for a name outside the table is read all the same. */
    setenv("OCF_RESKEY_nonexistent", "v", 1);
    ck_assert_str_eq(lb_param_str(&ctx, "nonexistent"), "v");
    expect_valid("all defaults");
}
END_TEST

/* Values are passed through byte for byte, whatever they contain. */
START_TEST(string_values_verbatim)
{
    static const char *const values[] = {"a b\tc", "$(rm -rf /)", "'\";|&<>", "\xff\xfe\x80", NULL};
    char *big = malloc(100001);

    for (int i = 0; values[i]; i++) {
        setenv("OCF_RESKEY_config", values[i], 1);
        expect_valid(values[i]);
        ck_assert_str_eq(lb_param_str(&ctx, "config"), values[i]);
    }
    memset(big, 'x', 100000);
    big[100000] = '\0';
    setenv("OCF_RESKEY_config", big, 1);
    expect_valid("100 KB");
    ck_assert_uint_eq(strlen(lb_param_str(&ctx, "config")), 100000);
    /* A 100 KB junk value in a typed parameter: still one bounded reason line. */
    setenv("OCF_RESKEY_count", big, 1);
    expect_invalid("100 KB integer", (const char *const[]){"'count'", NULL});
    free(big);
}
END_TEST

/* ------------------------------------------------------------ unsupported */

START_TEST(unsupported_string)
{
    expect_valid("legacy unset");
    setenv("OCF_RESKEY_legacy", "", 1);
    expect_valid("legacy empty");
    setenv("OCF_RESKEY_legacy", "something", 1);
    expect_invalid("legacy set",
                   (const char *const[]){"'legacy'", "legacy mode is not implemented", NULL});
}
END_TEST

START_TEST(unsupported_boolean)
{
    for (int i = 0; lies[i]; i++) {
        setenv("OCF_RESKEY_fancy", lies[i], 1);
        expect_valid(lies[i]);
    }
    for (int i = 0; truths[i]; i++) {
        setenv("OCF_RESKEY_fancy", truths[i], 1);
        expect_invalid(truths[i], (const char *const[]){"'fancy'", "fancy mode", NULL});
    }
    setenv("OCF_RESKEY_fancy", "perhaps", 1);
    expect_invalid("perhaps", (const char *const[]){"'fancy'", "boolean", NULL});
}
END_TEST

/* The first invalid parameter in table order gives the reason. */
START_TEST(first_error_wins)
{
    char *reason;

    unsetenv("OCF_RESKEY_config");
    setenv("OCF_RESKEY_count", "99", 1);
    ck_assert_int_eq(validate(&reason), LB_OCF_ERR_CONFIGURED);
    ck_assert_ptr_nonnull(strstr(reason, "'config'"));
    ck_assert_ptr_null(strstr(reason, "'count'"));
    free(reason);
}
END_TEST

/* An agent without parameters validates. */
START_TEST(no_params)
{
    static const struct lb_agent bare = {
        .name = "Bare",
        .params = NULL,
        .actions = no_actions,
    };
    struct lb_ctx c;

    lb_ctx_init(&c, &bare, "start");
    ck_assert_int_eq(lb_params_validate(&c), LB_OCF_SUCCESS);
    ck_assert_ptr_null(lb_param_str(&c, "x"));
}
END_TEST

static Suite *
params_suite(void)
{
    Suite *s = suite_create("params");
    TCase *tc = tcase_create("required");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, required_missing);
    tcase_add_test(tc, required_with_default);
    tcase_add_test(tc, first_error_wins);
    tcase_add_test(tc, no_params);
    suite_add_tcase(s, tc);

    tc = tcase_create("boolean");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, parse_bool_spellings);
    tcase_add_test(tc, bool_param_values);
    tcase_add_test(tc, bool_param_junk);
    tcase_add_test(tc, bool_param_default);
    suite_add_tcase(s, tc);

    tc = tcase_create("integer");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, parse_long_values);
    tcase_add_test(tc, parse_long_junk);
    tcase_add_test(tc, parse_long_overflow);
    tcase_add_test(tc, int_param_range);
    tcase_add_test(tc, int_param_junk);
    tcase_add_test(tc, int_param_unbounded);
    tcase_add_test(tc, int_param_read);
    suite_add_tcase(s, tc);

    tc = tcase_create("other");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, enum_param);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, string_values_verbatim);
    tcase_add_test(tc, unsupported_string);
    tcase_add_test(tc, unsupported_boolean);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(params_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
