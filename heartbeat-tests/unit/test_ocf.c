/*
 * Unit tests for lib/ocf.c: the OCF environment (lb_ctx_init), dispatch by
 * lb_ocf_main, exit reasons and the timeout arithmetic.
 */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "lifeboat/log.h"
#include "lifeboat/ocf.h"
#include "testutil.h"

/* ------------------------------------------------------------ a test agent */

static struct {
    int calls;
    char action[64];
    bool is_probe;
    long interval_ms;
    int validate_calls;
} seen;

static int
record(struct lb_ctx *ctx)
{
    seen.calls++;
    snprintf(seen.action, sizeof(seen.action), "%s", ctx->action);
    seen.is_probe = ctx->is_probe;
    seen.interval_ms = ctx->interval_ms;
    return LB_OCF_SUCCESS;
}

static int
act_start(struct lb_ctx *ctx)
{
    return record(ctx);
}

/* Returns the code in TEST_RC (like an agent reporting a state). */
static int
act_status(struct lb_ctx *ctx)
{
    const char *rc = getenv("TEST_RC");

    record(ctx);
    return rc ? atoi(rc) : LB_OCF_SUCCESS;
}

/* A probe finds nothing; a recurring monitor finds the resource running. */
static int
act_monitor(struct lb_ctx *ctx)
{
    record(ctx);
    return ctx->is_probe ? LB_OCF_NOT_RUNNING : LB_OCF_SUCCESS;
}

/* Sleeps for TEST_SLEEP_MS: an action that outlives its timeout. */
static int
act_hang(struct lb_ctx *ctx)
{
    const char *ms = getenv("TEST_SLEEP_MS");

    record(ctx);
    lb_sleep_ms(ms ? atol(ms) : 5000);
    return LB_OCF_SUCCESS;
}

/* Agent validation: fails with TEST_VALIDATE_RC when set. */
static int
agent_validate(struct lb_ctx *ctx)
{
    const char *rc = getenv("TEST_VALIDATE_RC");

    (void)ctx;
    seen.validate_calls++;
    if (rc) {
        lb_exit_reason("agent validation says %s", rc);
        return atoi(rc);
    }
    return LB_OCF_SUCCESS;
}

static const struct lb_param params[] = {
    {.name = "name", .type = LB_PARAM_STRING, .required = true, .shortdesc = "a name"},
    {.name = "flag", .type = LB_PARAM_BOOLEAN, .dflt = "false", .shortdesc = "a flag"},
    {.name = "count", .type = LB_PARAM_INTEGER, .min = 1, .max = 10, .shortdesc = "a count"},
    {.name = NULL},
};

static const struct lb_action actions[] = {
    {.name = "start", .fn = act_start, .timeout = "20s", .needs_validation = true},
    {.name = "stop", .fn = act_start, .timeout = "20s"},
    {.name = "monitor", .fn = act_monitor, .timeout = "20s", .interval = "10s"},
    {.name = "status", .fn = act_status, .timeout = "20s"},
    {.name = "notify", .fn = NULL, .timeout = "20s"}, /* listed, not implemented */
    {.name = "reload", .fn = act_hang, .timeout = "2s"},
    {.name = NULL},
};

static const struct lb_agent agent = {
    .name = "TestAgent",
    .version = "1.0",
    .shortdesc = "test agent",
    .longdesc = "An agent for the unit tests.",
    .params = params,
    .actions = actions,
    .validate = agent_validate,
};

static void
setup(void)
{
    tu_clean_env();
    unsetenv("TEST_RC");
    unsetenv("TEST_VALIDATE_RC");
    unsetenv("TEST_SLEEP_MS");
    memset(&seen, 0, sizeof(seen));
}

/* lb_ocf_main() with @argc arguments, capturing stdout and stderr. */
struct run {
    int rc;
    char *out;
    char *err;
};

static struct run
run_main(int argc, const char *a1, const char *a2)
{
    char *argv[] = {"TestAgent", (char *)a1, (char *)a2, NULL};
    struct tu_capture out, err;
    struct run r;

    tu_capture_start(&out, STDOUT_FILENO);
    tu_capture_start(&err, STDERR_FILENO);
    r.rc = lb_ocf_main(&agent, argc, argv);
    r.err = tu_capture_end(&err);
    r.out = tu_capture_end(&out);
    return r;
}

static void
run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

/* ------------------------------------------------------------ lb_ctx_init */

START_TEST(ctx_defaults)
{
    struct lb_ctx ctx;
    long long before = lb_now_ms(), after;

    memset(&ctx, 0xa5, sizeof(ctx));
    lb_ctx_init(&ctx, &agent, "start");
    after = lb_now_ms();
    ck_assert_ptr_eq(ctx.agent, &agent);
    ck_assert_str_eq(ctx.action, "start");
    ck_assert_ptr_null(ctx.instance);
    ck_assert_str_eq(ctx.ocf_root, LB_OCF_ROOT_DEFAULT);
    ck_assert_int_eq(ctx.timeout_ms, 0);
    ck_assert_int_eq(ctx.interval_ms, 0);
    ck_assert_int_eq(ctx.check_level, 0);
    ck_assert(!ctx.is_probe);
    ck_assert(!ctx.is_clone);
    ck_assert_int_eq(ctx.clone_max, 0);
    ck_assert_int_eq(ctx.clone_node_max, 0);
    ck_assert_int_eq(ctx.clone, 0);
    ck_assert_int_eq(ctx.promoted_max, 0);
    ck_assert_int_eq(ctx.promoted_node_max, 0);
    ck_assert_ptr_null(ctx.notify_type);
    ck_assert_ptr_null(ctx.notify_operation);
    ck_assert_ptr_null(ctx.node_name);
    ck_assert_ptr_null(ctx.migrate_source);
    ck_assert_ptr_null(ctx.migrate_target);
    ck_assert_ptr_null(ctx.data);
    ck_assert(ctx.start_ms >= before && ctx.start_ms <= after);
}
END_TEST

START_TEST(ctx_from_environment)
{
    struct lb_ctx ctx;

    setenv("OCF_RESOURCE_INSTANCE", "vm1:2", 1);
    setenv("OCF_ROOT", "/opt/ocf", 1);
    setenv("OCF_RESKEY_CRM_meta_timeout", "90000", 1);
    setenv("OCF_RESKEY_CRM_meta_interval", "10000", 1);
    setenv("OCF_RESKEY_CRM_meta_clone_max", "3", 1);
    setenv("OCF_RESKEY_CRM_meta_clone_node_max", "1", 1);
    setenv("OCF_RESKEY_CRM_meta_clone", "2", 1);
    setenv("OCF_RESKEY_CRM_meta_notify_type", "pre", 1);
    setenv("OCF_RESKEY_CRM_meta_notify_operation", "promote", 1);
    setenv("OCF_RESKEY_CRM_meta_on_node", "node2", 1);
    setenv("OCF_RESKEY_CRM_meta_migrate_source", "node1", 1);
    setenv("OCF_RESKEY_CRM_meta_migrate_target", "node3", 1);
    setenv("OCF_RESKEY_CRM_meta_promoted_max", "1", 1);
    setenv("OCF_RESKEY_CRM_meta_promoted_node_max", "1", 1);
    setenv("OCF_CHECK_LEVEL", "20", 1);
    lb_ctx_init(&ctx, &agent, "monitor");
    ck_assert_str_eq(ctx.instance, "vm1:2");
    ck_assert_str_eq(ctx.ocf_root, "/opt/ocf");
    ck_assert_int_eq(ctx.timeout_ms, 90000);
    ck_assert_int_eq(ctx.interval_ms, 10000);
    ck_assert_int_eq(ctx.check_level, 20);
    ck_assert(!ctx.is_probe);
    ck_assert(ctx.is_clone);
    ck_assert_int_eq(ctx.clone_max, 3);
    ck_assert_int_eq(ctx.clone_node_max, 1);
    ck_assert_int_eq(ctx.clone, 2);
    ck_assert_int_eq(ctx.promoted_max, 1);
    ck_assert_int_eq(ctx.promoted_node_max, 1);
    ck_assert_str_eq(ctx.notify_type, "pre");
    ck_assert_str_eq(ctx.notify_operation, "promote");
    ck_assert_str_eq(ctx.node_name, "node2");
    ck_assert_str_eq(ctx.migrate_source, "node1");
    ck_assert_str_eq(ctx.migrate_target, "node3");
}
END_TEST

START_TEST(ctx_legacy_master_max)
{
    struct lb_ctx ctx;

    setenv("OCF_RESKEY_CRM_meta_master_max", "2", 1);
    setenv("OCF_RESKEY_CRM_meta_master_node_max", "1", 1);
    lb_ctx_init(&ctx, &agent, "start");
    ck_assert_int_eq(ctx.promoted_max, 2);
    ck_assert_int_eq(ctx.promoted_node_max, 1);

    /* Pacemaker 2.1 passes both names: the new one wins. */
    setenv("OCF_RESKEY_CRM_meta_promoted_max", "3", 1);
    setenv("OCF_RESKEY_CRM_meta_promoted_node_max", "2", 1);
    lb_ctx_init(&ctx, &agent, "start");
    ck_assert_int_eq(ctx.promoted_max, 3);
    ck_assert_int_eq(ctx.promoted_node_max, 2);
}
END_TEST

START_TEST(ctx_probe_vs_recurring)
{
    struct lb_ctx ctx;

    lb_ctx_init(&ctx, &agent, "monitor");
    ck_assert(ctx.is_probe);
    setenv("OCF_RESKEY_CRM_meta_interval", "0", 1);
    lb_ctx_init(&ctx, &agent, "monitor");
    ck_assert(ctx.is_probe);
    setenv("OCF_RESKEY_CRM_meta_interval", "30000", 1);
    lb_ctx_init(&ctx, &agent, "monitor");
    ck_assert(!ctx.is_probe);
    ck_assert_int_eq(ctx.interval_ms, 30000);
    /* Only monitor can be a probe. */
    unsetenv("OCF_RESKEY_CRM_meta_interval");
    lb_ctx_init(&ctx, &agent, "start");
    ck_assert(!ctx.is_probe);
    lb_ctx_init(&ctx, &agent, "status");
    ck_assert(!ctx.is_probe);
    lb_ctx_init(&ctx, &agent, NULL);
    ck_assert(!ctx.is_probe);
    ck_assert_ptr_null(ctx.action);
}
END_TEST

START_TEST(ctx_bad_numbers)
{
    struct lb_ctx ctx;

    setenv("OCF_RESKEY_CRM_meta_timeout", "20s", 1);
    setenv("OCF_RESKEY_CRM_meta_interval", "junk", 1);
    setenv("OCF_CHECK_LEVEL", "ten", 1);
    setenv("OCF_RESKEY_CRM_meta_clone_max", "99999999999999999999999", 1);
    lb_ctx_init(&ctx, &agent, "monitor");
    ck_assert_int_eq(ctx.timeout_ms, 0);
    ck_assert_int_eq(ctx.interval_ms, 0);
    ck_assert(ctx.is_probe); /* an unreadable interval is no interval */
    ck_assert_int_eq(ctx.check_level, 0);
    ck_assert(ctx.is_clone); /* present, even if unreadable */
    ck_assert_int_eq(ctx.clone_max, 0);
}
END_TEST

START_TEST(ctx_empty_values_are_unset)
{
    struct lb_ctx ctx;

    setenv("OCF_RESOURCE_INSTANCE", "", 1);
    setenv("OCF_ROOT", "", 1);
    setenv("OCF_RESKEY_CRM_meta_clone_max", "", 1);
    setenv("OCF_RESKEY_CRM_meta_on_node", "", 1);
    lb_ctx_init(&ctx, &agent, "start");
    ck_assert_ptr_null(ctx.instance);
    ck_assert_str_eq(ctx.ocf_root, LB_OCF_ROOT_DEFAULT);
    ck_assert(!ctx.is_clone);
    ck_assert_ptr_null(ctx.node_name);
}
END_TEST

/* ------------------------------------------------------------ lb_ocf_main */

START_TEST(main_no_action)
{
    struct run r = run_main(1, NULL, NULL);

    ck_assert_int_eq(r.rc, LB_OCF_ERR_ARGS);
    ck_assert_ptr_nonnull(strstr(r.err, "usage: TestAgent"));
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:"), 1);
    ck_assert_int_eq(seen.calls, 0);
    run_free(&r);

    r = run_main(2, "", NULL);
    ck_assert_int_eq(r.rc, LB_OCF_ERR_ARGS);
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:"), 1);
    run_free(&r);
}
END_TEST

START_TEST(main_too_many_args)
{
    struct run r;

    setenv("OCF_RESKEY_name", "x", 1);
    r = run_main(3, "start", "extra");
    ck_assert_int_eq(r.rc, LB_OCF_ERR_ARGS);
    ck_assert_int_eq(seen.calls, 0);
    ck_assert_ptr_nonnull(strstr(r.err, "usage:"));
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:"), 1);
    run_free(&r);
}
END_TEST

START_TEST(main_meta_data)
{
    struct run r = run_main(2, "meta-data", NULL);

    ck_assert_int_eq(r.rc, LB_OCF_SUCCESS);
    ck_assert_int_eq(strncmp(r.out, "<?xml", 5), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "<resource-agent name=\"TestAgent\""));
    ck_assert_ptr_nonnull(strstr(r.out, "</resource-agent>"));
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:"), 0);
    ck_assert_int_eq(seen.calls + seen.validate_calls, 0);
    run_free(&r);
}
END_TEST

START_TEST(main_usage_help)
{
    static const char *const names[] = {"usage", "help", "--help"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct run r = run_main(2, names[i], NULL);

        ck_assert_msg(r.rc == LB_OCF_SUCCESS, "%s returned %d", names[i], r.rc);
        ck_assert_ptr_nonnull(strstr(r.out, "usage: TestAgent {start|stop|monitor|status"));
        ck_assert_str_eq(r.err, "");
        run_free(&r);
    }
    ck_assert_int_eq(seen.calls, 0);
}
END_TEST

START_TEST(main_unknown_action)
{
    struct run r;
    char *reason;

    setenv("OCF_RESKEY_name", "x", 1);
    r = run_main(2, "frobnicate", NULL);
    ck_assert_int_eq(r.rc, LB_OCF_ERR_UNIMPLEMENTED);
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:"), 1);
    reason = tu_find_line(r.err, "ocf-exit-reason:");
    ck_assert_ptr_nonnull(strstr(reason, "frobnicate"));
    ck_assert_int_eq(seen.calls, 0);
    free(reason);
    run_free(&r);
}
END_TEST

/* An action listed in the table without a function is not implemented. */
START_TEST(main_listed_without_fn)
{
    struct run r = run_main(2, "notify", NULL);

    ck_assert_int_eq(r.rc, LB_OCF_ERR_UNIMPLEMENTED);
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:"), 1);
    run_free(&r);
}
END_TEST

START_TEST(main_validate_all_table)
{
    struct run r = run_main(2, "validate-all", NULL);
    char *reason;

    ck_assert_int_eq(r.rc, LB_OCF_ERR_CONFIGURED);
    reason = tu_find_line(r.err, "ocf-exit-reason:");
    ck_assert_ptr_nonnull(reason);
    ck_assert_ptr_nonnull(strstr(reason, "'name'"));
    /* The table failed: the agent's own validation is not reached. */
    ck_assert_int_eq(seen.validate_calls, 0);
    ck_assert_int_eq(seen.calls, 0);
    free(reason);
    run_free(&r);

    setenv("OCF_RESKEY_name", "x", 1);
    setenv("OCF_RESKEY_count", "11", 1);
    r = run_main(2, "validate-all", NULL);
    ck_assert_int_eq(r.rc, LB_OCF_ERR_CONFIGURED);
    ck_assert_int_eq(seen.validate_calls, 0);
    run_free(&r);
}
END_TEST

START_TEST(main_validate_all_agent)
{
    struct run r;

    setenv("OCF_RESKEY_name", "x", 1);
    r = run_main(2, "validate-all", NULL);
    ck_assert_int_eq(r.rc, LB_OCF_SUCCESS);
    ck_assert_int_eq(seen.validate_calls, 1);
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:"), 0);
    run_free(&r);

    setenv("TEST_VALIDATE_RC", "5", 1);
    r = run_main(2, "validate-all", NULL);
    ck_assert_int_eq(r.rc, LB_OCF_ERR_INSTALLED);
    ck_assert_int_eq(seen.validate_calls, 2);
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:agent validation says 5"), 1);
    ck_assert_int_eq(seen.calls, 0);
    run_free(&r);
}
END_TEST

START_TEST(main_start_validates_first)
{
    struct run r = run_main(2, "start", NULL);

    ck_assert_int_eq(r.rc, LB_OCF_ERR_CONFIGURED);
    ck_assert_int_eq(seen.calls, 0);
    ck_assert_int_eq(tu_count_lines(r.err, "ocf-exit-reason:"), 1);
    run_free(&r);

    setenv("OCF_RESKEY_name", "x", 1);
    r = run_main(2, "start", NULL);
    ck_assert_int_eq(r.rc, LB_OCF_SUCCESS);
    ck_assert_int_eq(seen.calls, 1);
    ck_assert_int_eq(seen.validate_calls, 1);
    ck_assert_str_eq(seen.action, "start");
    run_free(&r);
}
END_TEST

/* stop has no needs_validation: it runs even with a broken configuration. */
START_TEST(main_stop_without_validation)
{
    struct run r = run_main(2, "stop", NULL);

    ck_assert_int_eq(r.rc, LB_OCF_SUCCESS);
    ck_assert_int_eq(seen.calls, 1);
    ck_assert_int_eq(seen.validate_calls, 0);
    ck_assert_str_eq(seen.action, "stop");
    run_free(&r);
}
END_TEST

START_TEST(main_probe_and_monitor)
{
    struct run r = run_main(2, "monitor", NULL);

    ck_assert_int_eq(r.rc, LB_OCF_NOT_RUNNING);
    ck_assert(seen.is_probe);
    run_free(&r);

    setenv("OCF_RESKEY_CRM_meta_interval", "10000", 1);
    r = run_main(2, "monitor", NULL);
    ck_assert_int_eq(r.rc, LB_OCF_SUCCESS);
    ck_assert(!seen.is_probe);
    ck_assert_int_eq(seen.interval_ms, 10000);
    ck_assert_int_eq(seen.calls, 2);
    run_free(&r);
}
END_TEST

START_TEST(main_passes_action_rc)
{
    static const int codes[] = {0, 1, 7, 8, 9, 190, 191};

    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        char buf[16];
        struct run r;

        snprintf(buf, sizeof(buf), "%d", codes[i]);
        setenv("TEST_RC", buf, 1);
        r = run_main(2, "status", NULL);
        ck_assert_int_eq(r.rc, codes[i]);
        run_free(&r);
    }
}
END_TEST

/* ------------------------------------------------------------ watchdog */

struct child {
    int status; /* exit code, or 128 + signal */
    long long ms;
    char *err;
};

/*
 * In a child process: lb_ocf_main(@action), then sleep @after_ms and exit 0.
 * A fork of our own, so this works under CK_FORK=no too.
 */
static struct child
run_child(const char *action, long after_ms)
{
    struct child c = {0};
    long long t0 = lb_now_ms();
    int fds[2], status;
    pid_t pid;
    char *argv[] = {"TestAgent", (char *)action, NULL};

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        lb_ocf_main(&agent, 2, argv);
        lb_sleep_ms(after_ms);
        _exit(0);
    }
    close(fds[1]);
    {
        FILE *f = fdopen(fds[0], "r");
        char buf[4096];
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);

        buf[n] = '\0';
        c.err = strdup(buf);
        fclose(f);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    c.ms = lb_now_ms() - t0;
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return c;
}

/* An action that outlives its timeout ends with 1 and a reason before the executor kills it. */
START_TEST(watchdog_fires)
{
    struct child c;

    setenv("OCF_RESOURCE_INSTANCE", "rsc7", 1);
    setenv("OCF_RESKEY_CRM_meta_timeout", "1000", 1);
    setenv("TEST_SLEEP_MS", "10000", 1);
    c = run_child("reload", 0);
    ck_assert_int_eq(c.status, LB_OCF_ERR_GENERIC);
    /* Cut short long before the action's 10 s; how long before 1 s is not asserted: a slow
     * machine (valgrind, a loaded CI) may add a few hundred ms to the fork and the exit. */
    ck_assert_int_lt(c.ms, 5000);
    ck_assert_int_eq(tu_count_lines(c.err, "ocf-exit-reason:"), 1);
    ck_assert_ptr_nonnull(strstr(c.err, "ocf-exit-reason:reload of rsc7 did not complete"));
    ck_assert_ptr_nonnull(strstr(c.err, "1000 ms"));
    free(c.err);
}
END_TEST

/* Run by hand (no timeout): the action's advertised timeout (2s) applies. */
START_TEST(watchdog_default_timeout)
{
    struct child c;

    unsetenv("OCF_RESKEY_CRM_meta_timeout"); /* set by other tests under CK_FORK=no */
    setenv("TEST_SLEEP_MS", "10000", 1);
    c = run_child("reload", 0);
    ck_assert_int_eq(c.status, LB_OCF_ERR_GENERIC);
    ck_assert_msg(c.ms >= 1500 && c.ms < 8000, "%lld ms", c.ms);
    ck_assert_int_eq(tu_count_lines(c.err, "ocf-exit-reason:"), 1);
    free(c.err);
}
END_TEST

/* After lb_ocf_main() returns, the watchdog no longer fires (the caller lives on). */
START_TEST(watchdog_disarmed_after_action)
{
    struct child c;

    setenv("OCF_RESKEY_CRM_meta_timeout", "1000", 1);
    setenv("TEST_SLEEP_MS", "10", 1);
    c = run_child("reload", 1500);
    ck_assert_msg(c.status == 0, "exit %d after the action returned: %s", c.status, c.err);
    ck_assert_int_eq(tu_count_lines(c.err, "ocf-exit-reason:"), 0);
    free(c.err);
}
END_TEST

START_TEST(parse_duration)
{
    ck_assert_int_eq(lb_parse_duration_ms("90s"), 90000);
    ck_assert_int_eq(lb_parse_duration_ms("90"), 90000);
    ck_assert_int_eq(lb_parse_duration_ms("500ms"), 500);
    ck_assert_int_eq(lb_parse_duration_ms("2min"), 120000);
    ck_assert_int_eq(lb_parse_duration_ms("2m"), 120000);
    ck_assert_int_eq(lb_parse_duration_ms("1h"), 3600000);
    ck_assert_int_eq(lb_parse_duration_ms("0"), 0);
    ck_assert_int_eq(lb_parse_duration_ms(NULL), -1);
    ck_assert_int_eq(lb_parse_duration_ms(""), -1);
    ck_assert_int_eq(lb_parse_duration_ms("-5s"), -1);
    ck_assert_int_eq(lb_parse_duration_ms("5 days"), -1);
    ck_assert_int_eq(lb_parse_duration_ms("s"), -1);
    ck_assert_int_eq(lb_parse_duration_ms("99999999999999999999s"), -1);
}
END_TEST

/* ------------------------------------------------------------ exit reasons */

START_TEST(exit_reason_one_line)
{
    struct tu_capture c;
    char *err;

    tu_capture_start(&c, STDERR_FILENO);
    lb_log_init("TestAgent", NULL); /* stderr is not a terminal now */
    lb_exit_reason("first\nsecond\r\nthird %d %s", 42, "x\ny");
    err = tu_capture_end(&c);
    ck_assert_str_eq(err, "ocf-exit-reason:first second  third 42 x y\n");
    free(err);
}
END_TEST

START_TEST(exit_reason_long)
{
    struct tu_capture c;
    char *big = malloc(5000), *err;

    memset(big, 'a', 4999);
    big[4999] = '\0';
    big[100] = '\n';
    tu_capture_start(&c, STDERR_FILENO);
    lb_log_init("TestAgent", NULL);
    lb_exit_reason("%s", big);
    err = tu_capture_end(&c);
    ck_assert_int_eq(tu_count_lines(err, ""), 1);
    ck_assert_int_eq(strncmp(err, "ocf-exit-reason:aaa", 19), 0);
    /* The only newline ends the line; the reason is bounded. */
    ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
    ck_assert_uint_lt(strlen(err), 5000);
    free(err);
    free(big);
}
END_TEST

/* The reason is also logged, as an error. */
START_TEST(exit_reason_logged)
{
    char path[256];
    struct tu_capture c;
    char *log, *err;

    tu_tmpfile(path, sizeof(path), "reason");
    setenv("HA_LOGFILE", path, 1);
    tu_capture_start(&c, STDERR_FILENO);
    lb_log_init("TestAgent", "rsc1");
    lb_exit_reason("disk %s is gone", "vda");
    err = tu_capture_end(&c);
    log = tu_read_file(path);
    ck_assert_ptr_nonnull(log);
    ck_assert_ptr_nonnull(strstr(log, "TestAgent(rsc1)"));
    ck_assert_ptr_nonnull(strstr(log, "ERROR: disk vda is gone"));
    ck_assert_str_eq(err, "ocf-exit-reason:disk vda is gone\n");
    unlink(path);
    free(log);
    free(err);
}
END_TEST

/* ------------------------------------------------------------ time */

START_TEST(time_left)
{
    struct lb_ctx ctx;
    long left;

    lb_ctx_init(&ctx, &agent, "start");
    ck_assert_int_eq(lb_ctx_time_left_ms(&ctx, 0), LONG_MAX);
    ck_assert_int_eq(lb_ctx_time_left_ms(&ctx, 5000), LONG_MAX);

    setenv("OCF_RESKEY_CRM_meta_timeout", "10000", 1);
    lb_ctx_init(&ctx, &agent, "start");
    left = lb_ctx_time_left_ms(&ctx, 0);
    ck_assert(left > 9000 && left <= 10000);
    left = lb_ctx_time_left_ms(&ctx, 2000);
    ck_assert(left > 7000 && left <= 8000);
    /* Time spent since the start counts. */
    ctx.start_ms -= 4000;
    left = lb_ctx_time_left_ms(&ctx, 0);
    ck_assert(left > 5000 && left <= 6000);
    /* Never negative. */
    ctx.start_ms -= 20000;
    ck_assert_int_eq(lb_ctx_time_left_ms(&ctx, 0), 0);
    ctx.start_ms += 24000;
    ck_assert_int_eq(lb_ctx_time_left_ms(&ctx, 20000), 0);
}
END_TEST

START_TEST(time_sleep_and_clock)
{
    long long t0 = lb_now_ms(), t1;

    lb_sleep_ms(120);
    t1 = lb_now_ms();
    ck_assert(t1 - t0 >= 120);
    ck_assert(t1 - t0 < 5000);
    lb_sleep_ms(0);
}
END_TEST

START_TEST(rc_names)
{
    ck_assert_str_eq(lb_rc_str(LB_OCF_SUCCESS), "ok");
    ck_assert_str_eq(lb_rc_str(LB_OCF_NOT_RUNNING), "not running");
    ck_assert_str_eq(lb_rc_str(LB_OCF_ERR_CONFIGURED), "not configured");
    ck_assert_str_eq(lb_rc_str(LB_OCF_ERR_INSTALLED), "not installed");
    ck_assert_str_eq(lb_rc_str(LB_OCF_DEGRADED), "degraded");
    ck_assert_str_eq(lb_rc_str(42), "unknown");
    ck_assert_str_eq(lb_rc_str(-1), "unknown");
}
END_TEST

static Suite *
ocf_suite(void)
{
    Suite *s = suite_create("ocf");
    TCase *tc = tcase_create("ctx");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, ctx_defaults);
    tcase_add_test(tc, ctx_from_environment);
    tcase_add_test(tc, ctx_legacy_master_max);
    tcase_add_test(tc, ctx_probe_vs_recurring);
    tcase_add_test(tc, ctx_bad_numbers);
    tcase_add_test(tc, ctx_empty_values_are_unset);
    suite_add_tcase(s, tc);

    tc = tcase_create("main");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, main_no_action);
    tcase_add_test(tc, main_too_many_args);
    tcase_add_test(tc, main_meta_data);
    tcase_add_test(tc, main_usage_help);
    tcase_add_test(tc, main_unknown_action);
    tcase_add_test(tc, main_listed_without_fn);
    tcase_add_test(tc, main_validate_all_table);
    tcase_add_test(tc, main_validate_all_agent);
    tcase_add_test(tc, main_start_validates_first);
    tcase_add_test(tc, main_stop_without_validation);
    tcase_add_test(tc, main_probe_and_monitor);
    tcase_add_test(tc, main_passes_action_rc);
    suite_add_tcase(s, tc);

    tc = tcase_create("watchdog");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, watchdog_fires);
    tcase_add_test(tc, watchdog_default_timeout);
    tcase_add_test(tc, watchdog_disarmed_after_action);
    tcase_add_test(tc, parse_duration);
    suite_add_tcase(s, tc);

    tc = tcase_create("reason");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, exit_reason_one_line);
    tcase_add_test(tc, exit_reason_long);
    tcase_add_test(tc, exit_reason_logged);
    suite_add_tcase(s, tc);

    tc = tcase_create("time");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, time_left);
    tcase_add_test(tc, time_sleep_and_clock);
    tcase_add_test(tc, rc_names);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(ocf_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
