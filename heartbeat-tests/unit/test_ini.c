/*
 * Unit tests of lib/ini.c: values read as oslo.config reads nova.conf.
 */
#include "config.h"

#include <limits.h>

#include "lifeboat/ini.h"
#include "testutil.h"

/* lb_ini_get() on a file holding @text; the value (malloc'd) or NULL, and the code in *@rc. */
static char *
get(const char *text, const char *section, const char *key, int *rc)
{
    char path[PATH_MAX], *v = (char *)"unset";

    tu_tmpfile(path, sizeof(path), "ini");
    tu_write_file(path, text);
    *rc = lb_ini_get(path, section, key, &v);
    unlink(path);
    if (*rc < 0) {
        ck_assert_ptr_null(v);
    }
    return v;
}

static void
expect(const char *text, const char *section, const char *key, const char *want)
{
    int rc;
    char *v = get(text, section, key, &rc);

    ck_assert_msg(rc == 0, "%s in [%s] of \"%s\": %d", key, section, text, rc);
    ck_assert_str_eq(v, want);
    free(v);
}

static void
expect_none(const char *text, const char *section, const char *key)
{
    int rc;

    get(text, section, key, &rc);
    ck_assert_int_eq(rc, -ENXIO);
}

START_TEST(plain_values)
{
    expect("[DEFAULT]\nhost = compute1\n", "DEFAULT", "host", "compute1");
    expect("[DEFAULT]\nhost=compute1", "DEFAULT", "host", "compute1"); /* no final newline */
    expect("[DEFAULT]\nhost: compute1\n", "DEFAULT", "host", "compute1");
    expect("[DEFAULT]\r\nhost = compute1 \r\n", "DEFAULT", "host", "compute1");
    expect("[DEFAULT]\nhost =\n", "DEFAULT", "host", "");
    /* the first ':' or '=' splits */
    expect("[DEFAULT]\nurl = http://h:5000/v3\n", "DEFAULT", "url", "http://h:5000/v3");
    expect("[DEFAULT]\na:b = c\n", "DEFAULT", "a", "b = c");
}
END_TEST

START_TEST(quotes)
{
    expect("[DEFAULT]\nhost = \"compute 1\"\n", "DEFAULT", "host", "compute 1");
    expect("[DEFAULT]\nhost = 'compute1'\n", "DEFAULT", "host", "compute1");
    expect("[DEFAULT]\nhost = \"compute1'\n", "DEFAULT", "host", "\"compute1'");
    expect("[DEFAULT]\nhost = \"\n", "DEFAULT", "host", "\"");
}
END_TEST

START_TEST(sections_comments_and_last_wins)
{
    const char *conf = "# host = commented\n"
                       "[DEFAULT]\n"
                       "host = first\n"
                       "; host = commented too\n"
                       "[libvirt]\n"
                       "host = not-this-one\n"
                       "[DEFAULT]\n"
                       "host = second\n"
                       "[default]\n"
                       "host = lowercase-is-another-section\n";

    expect(conf, "DEFAULT", "host", "second");
    expect(conf, "libvirt", "host", "not-this-one");
    expect_none("host = before-any-section\n", "DEFAULT", "host");
    expect_none("[DEFAULT]\nhostname = x\nmy_host = y\n", "DEFAULT", "host");
    expect_none("[DEFAULT]\n#host = x\n", "DEFAULT", "host");
    expect_none("", "DEFAULT", "host");
}
END_TEST

START_TEST(continuation_lines)
{
    expect("[DEFAULT]\nkey = a\n  b\n\tc\n", "DEFAULT", "key", "a\nb\nc");
    /* a blank line ends the value; an indented line then belongs to nothing */
    expect("[DEFAULT]\nkey = a\n\n  b\n", "DEFAULT", "key", "a");
    /* continuation of another key does not leak into ours */
    expect("[DEFAULT]\nhost = h\nother = x\n  y\n", "DEFAULT", "host", "h");
}
END_TEST

START_TEST(errors)
{
    char *v = (char *)"unset";

    ck_assert_int_eq(lb_ini_get("/nonexistent/dir/nova.conf", "DEFAULT", "host", &v), -ENOENT);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(lb_ini_get(NULL, "DEFAULT", "host", &v), -EINVAL);
    ck_assert_int_eq(lb_ini_get("/tmp", "DEFAULT", "host", NULL), -EINVAL);
    /* a directory opens but cannot be read */
    ck_assert_int_lt(lb_ini_get("/tmp", "DEFAULT", "host", &v), 0);
    ck_assert_ptr_null(v);
}
END_TEST

static Suite *
ini_suite(void)
{
    Suite *s = suite_create("ini");
    TCase *tc = tcase_create("ini");

    tcase_add_test(tc, plain_values);
    tcase_add_test(tc, quotes);
    tcase_add_test(tc, sections_comments_and_last_wins);
    tcase_add_test(tc, continuation_lines);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(ini_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
