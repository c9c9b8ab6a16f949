/*
 * Unit tests for lib/log.c: Pacemaker's HA_LOGFILE, HA_DEBUGLOG, HA_debug and
 * HA_LOGTAG conventions. stderr is redirected to a file during each test, so
 * the logger never takes the "stderr is a terminal" path unless a test wants it.
 */
#include "config.h"

#include <check.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifeboat/log.h"
#include "testutil.h"

static char logfile[256], debuglog[256];
static struct tu_capture errcap;
static char *errtext;

static void
setup(void)
{
    tu_clean_env();
    tu_tmpfile(logfile, sizeof(logfile), "log");
    tu_tmpfile(debuglog, sizeof(debuglog), "debuglog");
    setenv("HA_LOGFACILITY", "none", 1);
    tu_capture_start(&errcap, STDERR_FILENO);
    errtext = NULL;
}

static void
teardown(void)
{
    lb_log_close();
    free(tu_capture_end(&errcap));
    free(errtext);
    unlink(logfile);
    unlink(debuglog);
}

/* Log one message of each level. */
static void
log_all(void)
{
    lb_err("msg-error %d", 1);
    lb_warn("msg-warning");
    lb_info("msg-info");
    lb_debug("msg-debug");
}

static char *
slurp(const char *path)
{
    char *s = tu_read_file(path);

    ck_assert_ptr_nonnull(s);
    return s;
}

START_TEST(logfile_gets_info_not_debug)
{
    char *log;

    setenv("HA_LOGFILE", logfile, 1);
    setenv("HA_debug", "1", 1); /* even with debug on, HA_LOGFILE gets no debug */
    lb_log_init("Agent", "rsc");
    log_all();
    log = slurp(logfile);
    ck_assert_ptr_nonnull(strstr(log, "ERROR: msg-error 1\n"));
    ck_assert_ptr_nonnull(strstr(log, "WARNING: msg-warning\n"));
    ck_assert_ptr_nonnull(strstr(log, "INFO: msg-info\n"));
    ck_assert_ptr_null(strstr(log, "msg-debug"));
    ck_assert_int_eq(tu_count_lines(log, ""), 3);
    free(log);
}
END_TEST

START_TEST(debuglog_gets_debug)
{
    char *log, *dbg;

    setenv("HA_LOGFILE", logfile, 1);
    setenv("HA_DEBUGLOG", debuglog, 1);
    setenv("HA_debug", "1", 1);
    lb_log_init("Agent", "rsc");
    ck_assert(lb_log_debug_enabled());
    log_all();
    dbg = slurp(debuglog);
    ck_assert_ptr_nonnull(strstr(dbg, "DEBUG: msg-debug\n"));
    ck_assert_ptr_nonnull(strstr(dbg, "INFO: msg-info\n"));
    ck_assert_ptr_nonnull(strstr(dbg, "ERROR: msg-error 1\n"));
    ck_assert_int_eq(tu_count_lines(dbg, ""), 4);
    log = slurp(logfile);
    ck_assert_ptr_null(strstr(log, "msg-debug"));
    free(log);
    free(dbg);
}
END_TEST

/* Pacemaker may point both at one file: each message is written once (as ocf-shellfuncs does). */
START_TEST(same_file_once)
{
    char *log;

    setenv("HA_LOGFILE", logfile, 1);
    setenv("HA_DEBUGLOG", logfile, 1);
    setenv("HA_debug", "1", 1);
    lb_log_init("Agent", NULL);
    log_all();
    log = slurp(logfile);
    ck_assert_int_eq(tu_count_lines(log, ""), 4);
    ck_assert_ptr_nonnull(strstr(log, "DEBUG: msg-debug\n"));
    free(log);
}
END_TEST

START_TEST(debug_off_values)
{
    static const char *const off[] = {"0", "false", "FALSE", "no", "No", "", NULL};

    setenv("HA_DEBUGLOG", debuglog, 1);
    for (int i = 0; off[i]; i++) {
        char *dbg;

        setenv("HA_debug", off[i], 1);
        lb_log_init("Agent", NULL);
        ck_assert_msg(!lb_log_debug_enabled(), "HA_debug='%s' enables debug", off[i]);
        lb_debug("suppressed-%d", i);
        lb_info("kept-%d", i);
        dbg = slurp(debuglog);
        ck_assert_ptr_null(strstr(dbg, "suppressed-"));
        ck_assert_msg(strstr(dbg, "kept-") != NULL, "HA_debug='%s': info missing", off[i]);
        free(dbg);
    }
    unsetenv("HA_debug");
    lb_log_init("Agent", NULL);
    ck_assert(!lb_log_debug_enabled());
    lb_debug("suppressed-unset");
    errtext = slurp(debuglog);
    ck_assert_ptr_null(strstr(errtext, "suppressed-"));
}
END_TEST

START_TEST(debug_on_values)
{
    static const char *const on[] = {"1", "true", "yes", "2", NULL};

    for (int i = 0; on[i]; i++) {
        setenv("HA_debug", on[i], 1);
        lb_log_init("Agent", NULL);
        ck_assert_msg(lb_log_debug_enabled(), "HA_debug='%s' does not enable debug", on[i]);
    }
}
END_TEST

START_TEST(logtag)
{
    char *log, want[128];

    setenv("HA_LOGFILE", logfile, 1);
    setenv("HA_LOGTAG", "custom-tag", 1);
    lb_log_init("Agent", "rsc");
    lb_info("tagged");
    log = slurp(logfile);
    snprintf(want, sizeof(want), " custom-tag[%d]: INFO: tagged\n", (int)getpid());
    ck_assert_msg(strstr(log, want) != NULL, "'%s' lacks '%s'", log, want);
    ck_assert_ptr_null(strstr(log, "Agent"));
    free(log);
}
END_TEST

START_TEST(default_tag)
{
    char *log, want[128];

    setenv("HA_LOGFILE", logfile, 1);
    lb_log_init("Agent", "rsc:1");
    lb_info("one");
    log = slurp(logfile);
    snprintf(want, sizeof(want), " Agent(rsc:1)[%d]: INFO: one\n", (int)getpid());
    ck_assert_msg(strstr(log, want) != NULL, "'%s' lacks '%s'", log, want);
    free(log);

    /* Without an instance, the agent name alone. */
    lb_log_init("Agent", NULL);
    lb_info("two");
    log = slurp(logfile);
    snprintf(want, sizeof(want), " Agent[%d]: INFO: two\n", (int)getpid());
    ck_assert_msg(strstr(log, want) != NULL, "'%s' lacks '%s'", log, want);
    free(log);

    /* An empty HA_LOGTAG is no tag. */
    setenv("HA_LOGTAG", "", 1);
    lb_log_init("Agent", "rsc");
    lb_info("three");
    log = slurp(logfile);
    snprintf(want, sizeof(want), " Agent(rsc)[%d]: INFO: three\n", (int)getpid());
    ck_assert_msg(strstr(log, want) != NULL, "'%s' lacks '%s'", log, want);
    free(log);
}
END_TEST

/* Messages go to the files only: nothing on a non-terminal stderr. */
START_TEST(nothing_on_stderr)
{
    setenv("HA_LOGFILE", logfile, 1);
    setenv("HA_debug", "1", 1);
    lb_log_init("Agent", "rsc");
    log_all();
    errtext = tu_capture_end(&errcap);
    tu_capture_start(&errcap, STDERR_FILENO);
    ck_assert_str_eq(errtext, "");
}
END_TEST

/* Logging before lb_log_init() works (tag "lifeboat"). Needs a fresh process. */
START_TEST(implicit_init)
{
    const char *fork = getenv("CK_FORK");
    char *log;

    if (fork && !strcmp(fork, "no")) {
        return; /* earlier tests initialised the logger in this process */
    }
    setenv("HA_LOGFILE", logfile, 1);
    lb_info("early");
    log = slurp(logfile);
    ck_assert_ptr_nonnull(strstr(log, "lifeboat["));
    ck_assert_ptr_nonnull(strstr(log, "INFO: early\n"));
    free(log);
}
END_TEST

/* A long message is cut, not overflowed, and stays on one line per call. */
START_TEST(long_message)
{
    char *big = malloc(10000), *log;

    memset(big, 'z', 9999);
    big[9999] = '\0';
    setenv("HA_LOGFILE", logfile, 1);
    lb_log_init("Agent", NULL);
    lb_info("%s", big);
    log = slurp(logfile);
    ck_assert_int_eq(tu_count_lines(log, ""), 1);
    ck_assert_ptr_nonnull(strstr(log, "INFO: zzzz"));
    free(log);
    free(big);
}
END_TEST

/* An unwritable log file does not stop the agent. */
START_TEST(unwritable_logfile)
{
    setenv("HA_LOGFILE", "/nonexistent/dir/ha.log", 1);
    setenv("HA_DEBUGLOG", "/nonexistent/dir/ha-debug.log", 1);
    setenv("HA_debug", "1", 1);
    lb_log_init("Agent", NULL);
    log_all();
    ck_assert(lb_log_debug_enabled());
}
END_TEST

/* On a terminal, messages go to stderr (and not to the files), as the shell agents do. */
START_TEST(terminal_stderr)
{
    int master, slave;
    char buf[4096] = "";
    ssize_t n;
    char *log;

    ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
    ck_assert_int_eq(dup2(slave, STDERR_FILENO), STDERR_FILENO);
    setenv("HA_LOGFILE", logfile, 1);
    lb_log_init("Agent", "tty");
    lb_warn("to-terminal");
    n = read(master, buf, sizeof(buf) - 1);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    ck_assert_msg(strstr(buf, "Agent(tty): WARNING: to-terminal") != NULL, "got '%s'", buf);
    log = slurp(logfile);
    ck_assert_str_eq(log, "");
    free(log);
    close(master);
    close(slave);
}
END_TEST

static Suite *
log_suite(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, logfile_gets_info_not_debug);
    tcase_add_test(tc, debuglog_gets_debug);
    tcase_add_test(tc, same_file_once);
    tcase_add_test(tc, debug_off_values);
    tcase_add_test(tc, debug_on_values);
    tcase_add_test(tc, logtag);
    tcase_add_test(tc, default_tag);
    tcase_add_test(tc, nothing_on_stderr);
    tcase_add_test(tc, implicit_init);
    tcase_add_test(tc, long_message);
    tcase_add_test(tc, unwritable_logfile);
    tcase_add_test(tc, terminal_stderr);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(log_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
