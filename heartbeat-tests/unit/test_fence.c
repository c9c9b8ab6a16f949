/*
 * Unit tests for lib/fence.c, the fence-agent runtime: stdin and command-line
 * parsing in every spelling fencing.py accepts, garbage input, metadata valid
 * against fence-agents' metadata.rng (xmllint --relaxng), and the dispatch of
 * actions with fence-agents' exit codes, run in a child process like a real
 * agent (stdin from a file, stdout and stderr captured).
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lifeboat/fence.h"
#include "lifeboat/ocf.h"
#include "testutil.h"

#define METADATA_RNG "/usr/share/cluster/relaxng/metadata.rng"

/* ------------------------------------------------------------ a test agent */

/* The device: one plug "node1" whose power the callbacks switch. */
static enum lb_fence_power power = LB_FENCE_POWER_ON;
static bool stuck;     /* status never changes */
static bool confirmed; /* on/off return LB_FENCE_DONE: the device confirmed the change */

static const char *const colours[] = {"red", "green", NULL};

static const struct lb_fence_opt opts[] = {
    {.name = "auth_url",
     .short_opt = 'k',
     .long_opt = "auth-url",
     .arg = "[url]",
     .dflt = "",
     .shortdesc = "Keystone Admin Auth URL"},
    {.name = "project_domain",
     .obsoletes = "project-domain",
     .short_opt = 'P',
     .long_opt = "project-domain",
     .arg = "[name]",
     .dflt = "Default",
     .shortdesc = "Keystone v3 Project Domain"},
    {.name = "insecure", .long_opt = "insecure", .type = LB_FOPT_FLAG, .shortdesc = "Insecure"},
    {.name = "colour",
     .long_opt = "colour",
     .arg = "[colour]",
     .type = LB_FOPT_SELECT,
     .choices = colours,
     .shortdesc = "A <select> & its \"choices\""},
    {.name = "count",
     .aliases = (const char *const[]){"number", NULL},
     .long_opt = "count",
     .arg = "[n]",
     .type = LB_FOPT_INTEGER,
     .shortdesc = "A number"},
    {.name = "stdin_only", .shortdesc = "No command-line option"},
    {.name = NULL},
};

static int
t_connect(struct lb_fence *f)
{
    const char *pw = lb_fence_opt(f, "password");

    if (pw && !strcmp(pw, "wrong")) {
        lb_fence_log(LOG_ERR, "login refused");
        return LB_FENCE_EC_LOGIN_DENIED;
    }
    printf("connect password=%s\n", pw ? pw : "(none)");
    return 0;
}

static int
t_status(struct lb_fence *f, const char *plug, enum lb_fence_power *p)
{
    (void)f;
    if (strcmp(plug, "node1")) {
        lb_fence_log(LOG_ERR, "no plug %s", plug);
        return LB_FENCE_EC_STATUS;
    }
    *p = power;
    return 0;
}

static int
t_off(struct lb_fence *f, const char *plug)
{
    (void)f;
    printf("call off %s\n", plug);
    if (!stuck) {
        power = LB_FENCE_POWER_OFF;
    }
    return confirmed ? LB_FENCE_DONE : 0;
}

static int
t_on(struct lb_fence *f, const char *plug)
{
    (void)f;
    printf("call on %s\n", plug);
    if (!stuck) {
        power = LB_FENCE_POWER_ON;
    }
    return 0;
}

static int
t_list(struct lb_fence *f, bool with_status)
{
    (void)with_status;
    lb_fence_list_print(f, "node1", "first", power);
    lb_fence_list_print(f, "node2", NULL, LB_FENCE_POWER_UNKNOWN);
    return 0;
}

static struct lb_fence_agent agent = {
    .name = "fence_test",
    .version = "9.9",
    .shortdesc = "Test <agent> & \"friends\"",
    .longdesc = "A fence agent for the unit tests.",
    .flags = LB_FENCE_PLUG | LB_FENCE_LOGIN,
    .opts = opts,
    .defaults = (const char *const[]){"shell_timeout", "180", NULL},
    .connect = t_connect,
    .status = t_status,
    .off = t_off,
    .on = t_on,
    .list = t_list,
};

/* ------------------------------------------------------------ helpers */

static struct lb_fence *
parse_stdin(const char *text)
{
    struct lb_fence *f = lb_fence_new(&agent);
    FILE *in = fmemopen((void *)text, strlen(text), "r");

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(in);
    ck_assert_int_eq(lb_fence_parse_stdin(f, in), 0);
    fclose(in);
    return f;
}

struct run {
    int rc;
    char *out, *err;
    long ms;
};

static unsigned child_alarm; /* seconds before SIGALRM ends the child; 0: none */

static void
run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

/* lb_fence_main(argv) in a child, with @input on stdin. */
static struct run
run_agent(const char *input, const char *const argv[])
{
    char in[256], out[256], err[256];
    struct run r = {0};
    long long t0 = lb_now_ms();
    int argc = 0, status;
    pid_t pid;

    while (argv[argc]) {
        argc++;
    }
    tu_tmpfile(in, sizeof(in), "fence-in");
    tu_tmpfile(out, sizeof(out), "fence-out");
    tu_tmpfile(err, sizeof(err), "fence-err");
    tu_write_file(in, input ? input : "");
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char **args = calloc((size_t)argc + 1, sizeof(*args));

        for (int i = 0; i < argc; i++) {
            args[i] = strdup(argv[i]);
        }
        if (!freopen(in, "r", stdin) || !freopen(out, "w", stdout) || !freopen(err, "w", stderr)) {
            _exit(99);
        }
        signal(SIGALRM, SIG_DFL); /* not Check's handler, which kills the whole group */
        alarm(child_alarm);
        status = lb_fence_main(&agent, argc, args);
        for (int i = 0; i < argc; i++) {
            free(args[i]);
        }
        free(args);
        fflush(stdout);
        _exit(status);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    r.ms = (long)(lb_now_ms() - t0);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = tu_read_file(out);
    r.err = tu_read_file(err);
    unlink(in);
    unlink(out);
    unlink(err);
    return r;
}

static struct run
run_stdin(const char *input)
{
    const char *argv[] = {"fence_test", NULL};

    return run_agent(input, argv);
}

/* ------------------------------------------------------------ stdin */

START_TEST(stdin_both_spellings)
{
    static const char *const inputs[] = {
        "auth_url=http://k/v3\nlogin=admin\npasswd=pw\nport=node1\nproject-domain=P\n",
        "auth-url=http://k/v3\nusername=admin\npassword=pw\nplug=node1\nproject_domain=P\n",
    };

    for (int i = 0; i < 2; i++) {
        struct lb_fence *f = parse_stdin(inputs[i]);

        ck_assert_str_eq(lb_fence_opt(f, "auth_url"), "http://k/v3");
        ck_assert_str_eq(lb_fence_opt(f, "auth-url"), "http://k/v3");
        ck_assert_str_eq(lb_fence_opt(f, "username"), "admin");
        ck_assert_str_eq(lb_fence_opt(f, "login"), "admin");
        ck_assert_str_eq(lb_fence_opt(f, "password"), "pw");
        ck_assert_str_eq(lb_fence_opt(f, "passwd"), "pw");
        ck_assert_str_eq(lb_fence_plug(f), "node1");
        ck_assert_str_eq(lb_fence_opt(f, "project_domain"), "P");
        lb_fence_free(f);
    }
}
END_TEST

START_TEST(stdin_defaults_and_overrides)
{
    struct lb_fence *f = parse_stdin("");

    ck_assert_str_eq(lb_fence_opt(f, "action"), "reboot");
    ck_assert_str_eq(lb_fence_opt(f, "project_domain"), "Default");
    ck_assert_str_eq(lb_fence_opt(f, "shell_timeout"), "180"); /* agent default */
    ck_assert_str_eq(lb_fence_opt(f, "power_timeout"), "20");
    ck_assert_str_eq(lb_fence_opt(f, "separator"), ",");
    ck_assert(!lb_fence_opt_is_set(f, "auth_url"));
    ck_assert_ptr_null(lb_fence_plug(f));
    ck_assert_ptr_null(lb_fence_opt(f, "no_such_option"));
    ck_assert_int_eq(lb_fence_opt_int(f, "power_timeout", -1), 20);
    ck_assert_int_eq(lb_fence_opt_ms(f, "power_timeout", -1), 20000);
    ck_assert_int_eq(lb_fence_opt_ms(f, "delay", -1), -1); /* 0: the fallback */
    lb_fence_opt_set(f, "delay", "9223372036854775807");
    ck_assert_int_eq(lb_fence_opt_ms(f, "delay", -1), 366L * 24 * 3600 * 1000);
    lb_fence_opt_set(f, "delay", "-5");
    ck_assert_int_eq(lb_fence_opt_ms(f, "delay", -1), -1);
    ck_assert_int_eq(lb_fence_opt_set(f, "no_such_option", "x"), -ENOENT);
    lb_fence_free(f);
}
END_TEST

START_TEST(stdin_comments_quotes_blanks)
{
    struct lb_fence *f = parse_stdin("# a comment\n\n   \n  action=Status  \r\n"
                                     "auth_url=\"http://k/v3\"\npassword=\"\n"
                                     "count= 7 \nnumber=8\n");

    ck_assert_str_eq(lb_fence_opt(f, "action"), "Status");
    ck_assert_str_eq(lb_fence_opt(f, "auth_url"), "http://k/v3");
    ck_assert_str_eq(lb_fence_opt(f, "password"), "\""); /* one quote is not a pair */
    ck_assert_str_eq(lb_fence_opt(f, "count"), "8");     /* alias; the last one wins */
    lb_fence_free(f);
}
END_TEST

START_TEST(stdin_flags)
{
    struct lb_fence *f = parse_stdin("insecure=yes\nverbose=TRUE\nquiet=maybe\n");

    ck_assert(lb_fence_opt_bool(f, "insecure"));
    ck_assert_str_eq(lb_fence_opt(f, "insecure"), "1");
    ck_assert(lb_fence_opt_bool(f, "verbose"));
    ck_assert(!lb_fence_opt_is_set(f, "quiet")); /* not a boolean: ignored */
    lb_fence_free(f);
    f = parse_stdin("insecure=off\n");
    ck_assert(lb_fence_opt_is_set(f, "insecure"));
    ck_assert(!lb_fence_opt_bool(f, "insecure"));
    lb_fence_free(f);
}
END_TEST

/* Pacemaker passes nodename=; it is the plug when no plug/port is given. */
START_TEST(stdin_nodename)
{
    struct lb_fence *f = parse_stdin("nodename=node7\n");

    ck_assert_str_eq(lb_fence_plug(f), "node7");
    lb_fence_free(f);
    f = parse_stdin("nodename=node7\nport=node1\n");
    ck_assert_str_eq(lb_fence_plug(f), "node1");
    lb_fence_free(f);
}
END_TEST

/* Unknown keys warn with the name only: a misspelt password stays out of the log. */
START_TEST(stdin_unknown_no_value_in_log)
{
    struct run r = run_stdin("pasword=TopSecret42\naction=validate-all\nauth_url=http://k\n");

    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.err, "Ignoring unknown option 'pasword'"));
    ck_assert_ptr_null(strstr(r.err, "TopSecret42"));
    run_free(&r);
}
END_TEST

START_TEST(stdin_garbage)
{
    char junk[4096];
    struct run r;

    srand(42);
    for (size_t i = 0; i < sizeof(junk) - 1; i++) {
        junk[i] = (char)(1 + rand() % 255);
    }
    junk[sizeof(junk) - 1] = '\0';
    r = run_stdin(junk);
    ck_assert_int_eq(r.rc, 1); /* no plug for the default action */
    ck_assert_ptr_nonnull(strstr(r.err, "Ignoring unknown option"));
    ck_assert_ptr_nonnull(strstr(r.err, "You have to enter plug number"));
    run_free(&r);
}
END_TEST

/* A NUL byte in a line: that line is dropped, the others count. */
START_TEST(stdin_nul_byte)
{
    static const char text[] = "port=node1\nauth_url=a\0b\naction=status\n";
    struct lb_fence *f = lb_fence_new(&agent);
    FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");

    ck_assert_int_eq(lb_fence_parse_stdin(f, in), 0);
    fclose(in);
    ck_assert_str_eq(lb_fence_plug(f), "node1");
    ck_assert_str_eq(lb_fence_opt(f, "action"), "status");
    ck_assert(!lb_fence_opt_is_set(f, "auth_url"));
    lb_fence_free(f);
}
END_TEST

START_TEST(stdin_action_only_no_value)
{
    struct run r = run_stdin("action\nport=node1\n");

    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "Unrecognised action ''"));
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------------ command line */

static struct lb_fence *
parse_argv(int *rc, const char *const args[])
{
    struct lb_fence *f = lb_fence_new(&agent);
    char *argv[32];
    int argc = 0;

    for (; args[argc]; argc++) {
        argv[argc] = strdup(args[argc]);
    }
    argv[argc] = NULL;
    *rc = lb_fence_parse_argv(f, argc, argv);
    for (int i = 0; i < argc; i++) {
        free(argv[i]);
    }
    return f;
}

START_TEST(argv_short_and_long)
{
    const char *const a1[] = {"x",  "-o", "off",      "-n", "node1", "-l",         "admin", "-p",
                              "pw", "-k", "http://k", "-P", "Dom",   "--insecure", NULL};
    const char *const a2[] = {"x",          "--action=off",     "--plug",
                              "node1",      "--username=admin", "--password=pw",
                              "--auth-url", "http://k",         "--project-domain=Dom",
                              NULL};
    const char *const a3[] = {"x",
                              "--action",
                              "off",
                              "--port",
                              "node1",
                              "--login=admin",
                              "--passwd",
                              "pw",
                              "--auth_url=http://k",
                              "--project_domain",
                              "Dom",
                              NULL};
    const char *const *all[] = {a1, a2, a3};

    for (int i = 0; i < 3; i++) {
        int rc;
        struct lb_fence *f = parse_argv(&rc, all[i]);

        ck_assert_int_eq(rc, 0);
        ck_assert_str_eq(lb_fence_opt(f, "action"), "off");
        ck_assert_str_eq(lb_fence_plug(f), "node1");
        ck_assert_str_eq(lb_fence_opt(f, "login"), "admin");
        ck_assert_str_eq(lb_fence_opt(f, "password"), "pw");
        ck_assert_str_eq(lb_fence_opt(f, "auth_url"), "http://k");
        ck_assert_str_eq(lb_fence_opt(f, "project-domain"), "Dom");
        ck_assert(lb_fence_opt_bool(f, "insecure") == (i == 0));
        lb_fence_free(f);
    }
}
END_TEST

START_TEST(argv_verbose_count)
{
    const char *const a[] = {"x", "-vvv", "-o", "status", NULL};
    int rc;
    struct lb_fence *f = parse_argv(&rc, a);

    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(lb_fence_opt_int(f, "verbose_level", 0), 3);
    lb_fence_free(f);
}
END_TEST

START_TEST(argv_errors)
{
    const char *const unknown[] = {"x", "--frobnicate", NULL};
    const char *const missing[] = {"x", "--plug", NULL};
    const char *const shortbad[] = {"x", "-Z", NULL};
    const char *const stdin_only[] = {"x", "--stdin_only=1", NULL};
    const char *const *bad[] = {unknown, missing, shortbad, stdin_only};

    for (int i = 0; i < 4; i++) {
        int rc;
        struct lb_fence *f = parse_argv(&rc, bad[i]);

        ck_assert_int_eq(rc, -EINVAL);
        lb_fence_free(f);
    }
}
END_TEST

START_TEST(argv_errors_exit_1)
{
    const char *const argv[] = {"fence_test", "--frobnicate", NULL};
    struct run r = run_agent(NULL, argv);

    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "Parse error: option --frobnicate not recognized"));
    ck_assert_ptr_nonnull(strstr(r.err, "Please use '-h' for usage"));
    run_free(&r);
}
END_TEST

/* A password on the command line is overwritten in argv once read. */
START_TEST(argv_secret_scrubbed)
{
    struct lb_fence *f = lb_fence_new(&agent);
    char a0[] = "x", a1[] = "-pS3cret", a2[] = "--password=Other1", a3[] = "--passwd",
         a4[] = "Third3";
    char *argv[] = {a0, a1, a2, a3, a4, NULL};

    ck_assert_int_eq(lb_fence_parse_argv(f, 5, argv), 0);
    ck_assert_str_eq(lb_fence_opt(f, "password"), "Third3");
    for (int i = 0; i < 5; i++) {
        ck_assert_ptr_null(strstr(argv[i], "S3cret"));
        ck_assert_ptr_null(strstr(argv[i], "Other1"));
        ck_assert_ptr_null(strstr(argv[i], "Third3"));
    }
    lb_fence_free(f);
}
END_TEST

/* ------------------------------------------------------------ metadata */

static char *
metadata_of(const struct lb_fence_agent *a)
{
    struct tu_capture c;

    tu_capture_start(&c, STDOUT_FILENO);
    ck_assert_int_eq(lb_fence_metadata_print(a, stdout), 0);
    return tu_capture_end(&c);
}

static void
assert_valid_metadata(const char *xml)
{
    char path[256];
    const char *argv[] = {"xmllint", "--noout", "--relaxng", METADATA_RNG, path, NULL};

    if (access(METADATA_RNG, R_OK) != 0) {
        return; /* fence-agents not installed: the protocol suite checks it */
    }
    tu_tmpfile(path, sizeof(path), "fence-meta");
    tu_write_file(path, xml);
    ck_assert_msg(tu_run_quiet(argv) == 0, "metadata does not validate against %s:\n%s",
                  METADATA_RNG, xml);
    unlink(path);
}

START_TEST(metadata_valid)
{
    char *xml = metadata_of(&agent);

    assert_valid_metadata(xml);
    ck_assert_ptr_nonnull(strstr(xml, "<resource-agent name=\"fence_test\" shortdesc=\"Test "
                                      "&lt;agent&gt; &amp; &quot;friends&quot;\" >"));
    ck_assert_ptr_nonnull(strstr(xml, "<parameter name=\"login\" unique=\"0\" required=\"0\" "
                                      "deprecated=\"1\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<parameter name=\"username\" unique=\"0\" required=\"0\" "
                                      "obsoletes=\"login\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<parameter name=\"project-domain\" unique=\"0\" "
                                      "required=\"0\" deprecated=\"1\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<parameter name=\"plug\" unique=\"0\" required=\"1\" "
                                      "obsoletes=\"port\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<getopt mixed=\"-k, --auth-url=[url]\" />"));
    ck_assert_ptr_nonnull(strstr(xml, "<content type=\"string\" default=\"Default\" />"));
    ck_assert_ptr_nonnull(strstr(xml, "<content type=\"second\" default=\"180\" />"));
    ck_assert_ptr_nonnull(strstr(xml, "<option value=\"green\" />"));
    ck_assert_ptr_nonnull(strstr(xml, "<content type=\"string\" default=\"reboot\" />"));
    ck_assert_ptr_nonnull(strstr(xml, "<action name=\"on\" automatic=\"0\"/>"));
    ck_assert_ptr_nonnull(strstr(xml, "<action name=\"reboot\" />"));
    ck_assert_ptr_nonnull(strstr(xml, "<action name=\"list-status\" />"));
    ck_assert_ptr_null(strstr(xml, "stdin_only\" unique=\"0\" required=\"1\""));
    ck_assert_ptr_null(strstr(xml, "\"number\"")); /* aliases stay out of metadata */
    free(xml);
}
END_TEST

START_TEST(metadata_fabric)
{
    struct lb_fence_agent fabric = agent;
    char *xml;

    fabric.flags |= LB_FENCE_FABRIC;
    xml = metadata_of(&fabric);
    assert_valid_metadata(xml);
    ck_assert_ptr_nonnull(strstr(xml, "<action name=\"on\" automatic=\"1\"/>"));
    ck_assert_ptr_null(strstr(xml, "<action name=\"reboot\""));
    ck_assert_ptr_nonnull(strstr(xml, "<content type=\"string\" default=\"off\" />"));
    free(xml);
}
END_TEST

/* metadata, -o metadata, meta-data (OCF) and manpage all print it, before any check. */
START_TEST(metadata_actions)
{
    const char *const a1[] = {"fence_test", "-o", "metadata", NULL};
    const char *const a2[] = {"fence_test", "--action=meta-data", NULL};
    const char *const *argvs[] = {a1, a2};

    for (int i = 0; i < 2; i++) {
        struct run r = run_agent(NULL, argvs[i]);

        ck_assert_int_eq(r.rc, 0);
        ck_assert_ptr_nonnull(strstr(r.out, "<resource-agent name=\"fence_test\""));
        ck_assert_str_eq(r.err, "");
        run_free(&r);
    }
    struct run r = run_stdin("action=manpage\n");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "</resource-agent>"));
    run_free(&r);
}
END_TEST

START_TEST(help_and_version)
{
    const char *const h[] = {"fence_test", "-h", NULL};
    const char *const v[] = {"fence_test", "--version", NULL};
    struct run r = run_agent(NULL, h);

    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "-o, --action=[action]"));
    ck_assert_ptr_nonnull(strstr(r.out, "-S, --password-script=[script]"));
    run_free(&r);
    r = run_agent(NULL, v);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "9.9\n");
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------------ actions and exit codes */

static void
setup_device(void)
{
    power = LB_FENCE_POWER_ON;
    stuck = false;
    confirmed = false;
}

START_TEST(status_on_off)
{
    struct run r = run_stdin("action=status\nport=node1\n");

    ck_assert_int_eq(r.rc, LB_FENCE_EXIT_OK);
    ck_assert_ptr_nonnull(strstr(r.out, "Status: ON\n"));
    run_free(&r);
    power = LB_FENCE_POWER_OFF;
    r = run_stdin("action=status\nport=node1\n");
    ck_assert_int_eq(r.rc, LB_FENCE_EXIT_OFF);
    ck_assert_ptr_nonnull(strstr(r.out, "Status: OFF\n"));
    run_free(&r);
}
END_TEST

START_TEST(status_unknown_plug)
{
    struct run r = run_stdin("action=status\nport=node9\n");

    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "no plug node9"));
    ck_assert_ptr_nonnull(strstr(r.err, "Unable to obtain correct plug status"));
    run_free(&r);
}
END_TEST

START_TEST(off_and_already_off)
{
    struct run r = run_stdin("action=off\nport=node1\n");

    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "call off node1\nSuccess: Powered OFF\n"));
    run_free(&r);
    power = LB_FENCE_POWER_OFF;
    r = run_stdin("action=off\nport=node1\n");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Success: Already OFF"));
    ck_assert_ptr_null(strstr(r.out, "call off"));
    run_free(&r);
}
END_TEST

/* Without LB_FENCE_SET_ALWAYS the device is not touched when it already matches. */
START_TEST(set_always)
{
    struct run r;

    agent.flags |= LB_FENCE_SET_ALWAYS;
    r = run_stdin("action=on\nport=node1\n");
    agent.flags &= ~(unsigned)LB_FENCE_SET_ALWAYS;
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "call on node1\nSuccess: Powered ON\n"));
    run_free(&r);
}
END_TEST

START_TEST(reboot_is_off_then_on)
{
    struct run r = run_stdin("action=reboot\nport=node1\n");

    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "call off node1\ncall on node1\nSuccess: Rebooted\n"));
    run_free(&r);
}
END_TEST

/* Fabric fencing: reboot is off, enable/disable are on/off. */
START_TEST(fabric_reboot_enable)
{
    struct run r;

    agent.flags |= LB_FENCE_FABRIC;
    r = run_stdin("action=reboot\nport=node1\n");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "call off node1\n"));
    ck_assert_ptr_null(strstr(r.out, "call on"));
    run_free(&r);
    power = LB_FENCE_POWER_OFF;
    r = run_stdin("action=enable\nport=node1\n");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "call on node1\n"));
    run_free(&r);
    agent.flags &= ~(unsigned)LB_FENCE_FABRIC;
    r = run_stdin("action=enable\nport=node1\n");
    ck_assert_int_eq(r.rc, 1);
    run_free(&r);
}
END_TEST

/* The status does not follow: power_timeout ends the wait with fencing.py's message. */
START_TEST(off_times_out)
{
    struct run r;

    stuck = true;
    r = run_stdin("action=off\nport=node1\npower_timeout=1\nstonith_status_sleep=0\n");
    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "Failed: Timed out waiting to power OFF"));
    ck_assert_int_lt(r.ms, 5000);
    run_free(&r);
}
END_TEST

/* off returns LB_FENCE_DONE: success at once, even though status would not say OFF. */
START_TEST(off_confirmed_by_the_device)
{
    struct run r;

    stuck = true;
    confirmed = true;
    r = run_stdin("action=off\nport=node1\npower_timeout=5\npower_wait=3\n");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "call off node1\nSuccess: Powered OFF\n"));
    ck_assert_int_lt(r.ms, 2500); /* neither power_wait nor the status poll */
    run_free(&r);
}
END_TEST

START_TEST(list_formats)
{
    struct run r = run_stdin("action=list\n");

    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "connect password=(none)\nnode1,first\nnode2,\n");
    run_free(&r);
    r = run_stdin("action=list-status\nseparator=;\n");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "connect password=(none)\nnode1;first;ON\nnode2;;UNKNOWN\n");
    run_free(&r);
}
END_TEST

START_TEST(monitor_and_login_failure)
{
    struct run r = run_stdin("action=monitor\n");

    ck_assert_int_eq(r.rc, 0);
    run_free(&r);
    r = run_stdin("action=monitor\npasswd=wrong\n");
    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "login refused"));
    ck_assert_ptr_nonnull(strstr(r.err, "Unable to connect/login to fencing device"));
    ck_assert_ptr_null(strstr(r.err, "wrong"));
    run_free(&r);
}
END_TEST

START_TEST(unknown_action_and_missing_plug)
{
    struct run r = run_stdin("action=explode\nport=node1\n");

    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "Failed: Unrecognised action 'explode'"));
    run_free(&r);
    r = run_stdin("action=off\n");
    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "You have to enter plug number"));
    run_free(&r);
}
END_TEST

START_TEST(validate_all)
{
    struct run r = run_stdin("action=validate-all\n");

    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_null(strstr(r.out, "connect")); /* no device for validate-all */
    run_free(&r);
    r = run_stdin("action=validate-all\ndelay=soon\n");
    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "--delay is not a valid time in seconds"));
    ck_assert_ptr_nonnull(strstr(r.err, "validate-all failed"));
    run_free(&r);
    r = run_stdin("action=validate-all\ncolour=GREEN\ncount=+3\n");
    ck_assert_int_eq(r.rc, 0);
    run_free(&r);
    r = run_stdin("action=validate-all\ncolour=blue\n");
    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "valid choice for --colour"));
    run_free(&r);
}
END_TEST

/* delay applies to off and reboot only. */
START_TEST(delay_off_only)
{
    struct run r = run_stdin("action=status\nport=node1\ndelay=1\n");

    ck_assert_int_lt(r.ms, 900);
    run_free(&r);
    r = run_stdin("action=off\nport=node1\ndelay=1\n");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_ge(r.ms, 1000);
    run_free(&r);
}
END_TEST

/* password_script: its argv split on blanks (no shell), its stdout the password. */
START_TEST(password_script)
{
    struct run r = run_stdin("action=monitor\npassword_script=/bin/echo  from-script \n");

    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "connect password=from-script\n");
    run_free(&r);
    r = run_stdin("action=monitor\npassword_script=/bin/false\n");
    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "password script /bin/false failed"));
    run_free(&r);
    r = run_stdin("action=monitor\npasswd_script=/nonexistent/pw\n");
    ck_assert_int_eq(r.rc, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "not found"));
    run_free(&r);
    /* no shell: a pipe is only an argument */
    r = run_stdin("action=monitor\npassword_script=/bin/echo a | tr a b\n");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "connect password=a | tr a b\n");
    run_free(&r);
}
END_TEST

START_TEST(quiet_and_debug_file)
{
    char path[256], in[512];
    struct run r;
    char *log;

    tu_tmpfile(path, sizeof(path), "fence-debug");
    snprintf(in, sizeof(in), "action=status\nport=node9\nquiet=1\ndebug_file=%s\npasswd=pw42\n",
             path);
    r = run_stdin(in);
    ck_assert_int_eq(r.rc, 1);
    ck_assert_str_eq(r.err, "");
    log = tu_read_file(path);
    ck_assert_ptr_nonnull(strstr(log, "no plug node9"));
    ck_assert_ptr_nonnull(strstr(log, "DEBUG: Running status"));
    ck_assert_ptr_null(strstr(log, "pw42"));
    free(log);
    run_free(&r);
    unlink(path);
}
END_TEST

/* Run by pacemaker-fenced: the fencer's timeout governs (power_timeout 0: no end). */
START_TEST(fenced_disables_timeouts)
{
    struct run r;

    stuck = true;
    setenv("PCMK_service", "pacemaker-fenced", 1);
    child_alarm = 3;
    r = run_stdin("action=off\nport=node1\npower_timeout=1\n");
    ck_assert_int_eq(r.rc, 128 + SIGALRM); /* still waiting when the alarm came */
    run_free(&r);
    r = run_stdin("action=off\nport=node1\npower_timeout=1\ndisable_timeout=false\n");
    child_alarm = 0;
    unsetenv("PCMK_service");
    ck_assert_int_eq(r.rc, 1); /* disable_timeout given: power_timeout stays 1 */
    ck_assert_int_lt(r.ms, 2900);
    run_free(&r);
}
END_TEST

static Suite *
fence_suite(void)
{
    Suite *s = suite_create("fence");
    TCase *tc;

    tc = tcase_create("stdin");
    tcase_add_test(tc, stdin_both_spellings);
    tcase_add_test(tc, stdin_defaults_and_overrides);
    tcase_add_test(tc, stdin_comments_quotes_blanks);
    tcase_add_test(tc, stdin_flags);
    tcase_add_test(tc, stdin_nodename);
    tcase_add_test(tc, stdin_unknown_no_value_in_log);
    tcase_add_test(tc, stdin_garbage);
    tcase_add_test(tc, stdin_nul_byte);
    tcase_add_test(tc, stdin_action_only_no_value);
    suite_add_tcase(s, tc);

    tc = tcase_create("argv");
    tcase_add_test(tc, argv_short_and_long);
    tcase_add_test(tc, argv_verbose_count);
    tcase_add_test(tc, argv_errors);
    tcase_add_test(tc, argv_errors_exit_1);
    tcase_add_test(tc, argv_secret_scrubbed);
    suite_add_tcase(s, tc);

    tc = tcase_create("metadata");
    tcase_add_test(tc, metadata_valid);
    tcase_add_test(tc, metadata_fabric);
    tcase_add_test(tc, metadata_actions);
    tcase_add_test(tc, help_and_version);
    suite_add_tcase(s, tc);

    tc = tcase_create("actions");
    tcase_add_checked_fixture(tc, setup_device, NULL);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, status_on_off);
    tcase_add_test(tc, status_unknown_plug);
    tcase_add_test(tc, off_and_already_off);
    tcase_add_test(tc, off_confirmed_by_the_device);
    tcase_add_test(tc, set_always);
    tcase_add_test(tc, reboot_is_off_then_on);
    tcase_add_test(tc, fabric_reboot_enable);
    tcase_add_test(tc, off_times_out);
    tcase_add_test(tc, list_formats);
    tcase_add_test(tc, monitor_and_login_failure);
    tcase_add_test(tc, unknown_action_and_missing_plug);
    tcase_add_test(tc, validate_all);
    tcase_add_test(tc, delay_off_only);
    tcase_add_test(tc, password_script);
    tcase_add_test(tc, quiet_and_debug_file);
    tcase_add_test(tc, fenced_disables_timeouts);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(fence_suite());
    int failed;

    unsetenv("PCMK_service");
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
