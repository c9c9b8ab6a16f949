/*
 * Unit tests for lib/proc.c: argv-only execution, stdin/stdout/stderr plumbing,
 * exit and signal statuses, timeouts that kill the whole process group, and
 * descriptor hygiene in the child.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lifeboat/ocf.h"
#include "lifeboat/proc.h"
#include "lifeboat/process.h"
#include "testutil.h"

/* Run @argv, asserting it could be started. */
static struct lb_proc_result
run(const char *const argv[], const char *in, long timeout_ms)
{
    struct lb_proc_result res;
    int rc = lb_proc_run(argv, NULL, in, timeout_ms, &res);

    ck_assert_msg(rc == 0, "lb_proc_run(%s) = %d", argv[0], rc);
    ck_assert_ptr_nonnull(res.out);
    ck_assert_ptr_nonnull(res.err);
    return res;
}

START_TEST(argv_is_literal)
{
    const char *argv[] = {"printf", "[%s]\\n", "a b", "\"q\"", "'s'", "x;y", "$(echo no)",
                          "`id`",   "*",       "|",   "&&",    "",    NULL};
    struct lb_proc_result res = run(argv, NULL, 10000);

    ck_assert_int_eq(res.status, 0);
    ck_assert_str_eq(res.out, "[a b]\n[\"q\"]\n['s']\n[x;y]\n[$(echo no)]\n[`id`]\n[*]\n[|]\n"
                              "[&&]\n[]\n");
    ck_assert_str_eq(res.err, "");
    ck_assert_int_eq(res.timed_out, 0);
    lb_proc_result_free(&res);
    ck_assert_ptr_null(res.out);
    ck_assert_ptr_null(res.err);
}
END_TEST

START_TEST(stdin_reaches_child)
{
    const char *argv[] = {"cat", NULL};
    struct lb_proc_result res = run(argv, "secret\nline two", 10000);

    ck_assert_int_eq(res.status, 0);
    ck_assert_str_eq(res.out, "secret\nline two");
    lb_proc_result_free(&res);

    /* Empty input: cat sees EOF at once. */
    res = run(argv, "", 10000);
    ck_assert_int_eq(res.status, 0);
    ck_assert_str_eq(res.out, "");
    lb_proc_result_free(&res);
}
END_TEST

/* Without stdin data the child reads /dev/null, never our stdin. */
START_TEST(no_stdin_is_dev_null)
{
    const char *argv[] = {"readlink", "/proc/self/fd/0", NULL};
    const char *cat[] = {"cat", NULL};
    struct lb_proc_result res = run(argv, NULL, 10000);

    ck_assert_str_eq(res.out, "/dev/null\n");
    lb_proc_result_free(&res);
    res = run(cat, NULL, 10000);
    ck_assert_int_eq(res.status, 0);
    ck_assert_str_eq(res.out, "");
    lb_proc_result_free(&res);
}
END_TEST

/* Much more than a pipe holds, both ways at once: no deadlock. */
START_TEST(large_stdin_through_cat)
{
    const size_t len = 300 * 1024;
    char *data = malloc(len + 1);
    const char *argv[] = {"cat", NULL};
    struct lb_proc_result res;
    long long t0 = lb_now_ms();

    for (size_t i = 0; i < len; i++) {
        data[i] = (char)('a' + i % 26);
    }
    data[len] = '\0';
    res = run(argv, data, 10000);
    ck_assert_int_eq(res.timed_out, 0);
    ck_assert_int_eq(res.status, 0);
    ck_assert_uint_eq(strlen(res.out), len);
    ck_assert(memcmp(res.out, data, len) == 0);
    ck_assert_int_lt(lb_now_ms() - t0, 5000);
    lb_proc_result_free(&res);
    free(data);
}
END_TEST

/* A child that ignores its stdin does not kill us with SIGPIPE. */
START_TEST(child_ignores_stdin)
{
    const size_t len = 1024 * 1024;
    char *data = malloc(len + 1);
    const char *argv[] = {"true", NULL};
    struct lb_proc_result res;
    struct sigaction sa;

    memset(data, 'x', len);
    data[len] = '\0';
    res = run(argv, data, 10000);
    ck_assert_int_eq(res.status, 0);
    ck_assert_int_eq(res.timed_out, 0);
    lb_proc_result_free(&res);
    free(data);
    /* Our SIGPIPE disposition is restored. */
    ck_assert_int_eq(sigaction(SIGPIPE, NULL, &sa), 0);
    ck_assert_ptr_eq(sa.sa_handler, SIG_DFL);
}
END_TEST

START_TEST(stdout_stderr_status)
{
    const char *argv[] = {"sh", "-c", "echo to-out; echo to-err >&2; exit 3", NULL};
    struct lb_proc_result res = run(argv, NULL, 10000);

    ck_assert_int_eq(res.status, 3);
    ck_assert_str_eq(res.out, "to-out\n");
    ck_assert_str_eq(res.err, "to-err\n");
    ck_assert_int_eq(res.timed_out, 0);
    lb_proc_result_free(&res);
}
END_TEST

START_TEST(exit_codes)
{
    static const int codes[] = {0, 1, 2, 7, 125, 255};

    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        char script[32];
        const char *argv[] = {"sh", "-c", script, NULL};
        struct lb_proc_result res;

        snprintf(script, sizeof(script), "exit %d", codes[i]);
        res = run(argv, NULL, 10000);
        ck_assert_int_eq(res.status, codes[i]);
        lb_proc_result_free(&res);
    }
}
END_TEST

START_TEST(signal_status)
{
    const char *term[] = {"sh", "-c", "kill -TERM $$; sleep 5", NULL};
    const char *kill9[] = {"sh", "-c", "kill -KILL $$; sleep 5", NULL};
    struct lb_proc_result res = run(term, NULL, 10000);

    ck_assert_int_eq(res.status, 128 + SIGTERM);
    ck_assert_int_eq(res.timed_out, 0);
    lb_proc_result_free(&res);
    res = run(kill9, NULL, 10000);
    ck_assert_int_eq(res.status, 128 + SIGKILL);
    lb_proc_result_free(&res);
}
END_TEST

/* Signals we ignore or block are back to default in the child. */
START_TEST(signals_reset_in_child)
{
    const char *argv[] = {"sh", "-c", "kill -TERM $$; sleep 5", NULL};
    void (*old)(int) = signal(SIGTERM, SIG_IGN);
    sigset_t set, oldset;
    struct lb_proc_result res;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &oldset);
    res = run(argv, NULL, 10000);
    sigprocmask(SIG_SETMASK, &oldset, NULL);
    signal(SIGTERM, old);
    ck_assert_int_eq(res.status, 128 + SIGTERM);
    lb_proc_result_free(&res);
}
END_TEST

/*
 * The child starts a grandchild that keeps the output pipe open and sleeps;
 * at the timeout both must be killed, and we must return promptly. "Promptly"
 * is checked as "long before the children's 60 s": a loaded machine under
 * valgrind may take seconds to fork and reap.
 */
START_TEST(timeout_kills_group)
{
    const char *argv[] = {"sh", "-c", "sleep 60 & echo $!; wait", NULL};
    long long t0 = lb_now_ms(), took;
    struct lb_proc_result res = run(argv, NULL, 500);
    pid_t grandchild;

    took = lb_now_ms() - t0;
    ck_assert_int_eq(res.timed_out, 1);
    ck_assert_int_eq(res.status, 128 + SIGKILL);
    ck_assert_msg(took >= 450 && took < 20000, "returned after %lld ms", took);
    grandchild = (pid_t)atoi(res.out);
    ck_assert_int_gt(grandchild, 1);
    for (int i = 0; i < 100 && lb_process_alive(grandchild); i++) {
        lb_sleep_ms(10); /* SIGKILL delivery is asynchronous */
    }
    ck_assert_msg(!lb_process_alive(grandchild), "grandchild %d still alive", (int)grandchild);
    lb_proc_result_free(&res);
}
END_TEST

/* A child that closes its output but keeps running is killed at the timeout too. */
START_TEST(timeout_after_outputs_closed)
{
    const char *argv[] = {"sh", "-c", "exec >/dev/null 2>&1; sleep 60", NULL};
    long long t0 = lb_now_ms(), took;
    struct lb_proc_result res = run(argv, NULL, 500);

    took = lb_now_ms() - t0;
    ck_assert_int_eq(res.timed_out, 1);
    ck_assert_int_eq(res.status, 128 + SIGKILL);
    ck_assert_msg(took >= 450 && took < 20000, "returned after %lld ms", took);
    lb_proc_result_free(&res);
}
END_TEST

/* Output written before the timeout is kept. */
START_TEST(timeout_keeps_output)
{
    const char *argv[] = {"sh", "-c", "echo partial; echo oops >&2; sleep 60", NULL};
    struct lb_proc_result res = run(argv, NULL, 500);

    ck_assert_int_eq(res.timed_out, 1);
    ck_assert_str_eq(res.out, "partial\n");
    ck_assert_str_eq(res.err, "oops\n");
    lb_proc_result_free(&res);
}
END_TEST

/* A blocking writer of stdin does not escape the timeout either. */
START_TEST(timeout_with_unread_stdin)
{
    const size_t len = 4 * 1024 * 1024;
    char *data = malloc(len + 1);
    const char *argv[] = {"sleep", "60", NULL};
    long long t0 = lb_now_ms(), took;
    struct lb_proc_result res;

    memset(data, 'x', len);
    data[len] = '\0';
    res = run(argv, data, 500);
    took = lb_now_ms() - t0;
    ck_assert_int_eq(res.timed_out, 1);
    ck_assert_msg(took < 20000, "returned after %lld ms", took);
    lb_proc_result_free(&res);
    free(data);
}
END_TEST

START_TEST(no_timeout)
{
    const char *argv[] = {"sh", "-c", "sleep 0.3; echo done", NULL};
    struct lb_proc_result res = run(argv, NULL, 0);

    ck_assert_int_eq(res.timed_out, 0);
    ck_assert_int_eq(res.status, 0);
    ck_assert_str_eq(res.out, "done\n");
    lb_proc_result_free(&res);
}
END_TEST

/* Descriptors other than 0-2 are closed in the child, CLOEXEC or not. */
START_TEST(fds_closed)
{
    const char *argv[] = {"ls", "/proc/self/fd", NULL};
    int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC */
    struct lb_proc_result res;
    char *line, *save = NULL;
    int count = 0;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(dup2(fd, 50), 50);
    ck_assert_int_eq(dup2(fd, 200), 200);
    res = run(argv, NULL, 10000);
    ck_assert_int_eq(res.status, 0);
    /* ls itself holds one descriptor (3) open on the directory it lists. */
    for (line = strtok_r(res.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int n = atoi(line);

        ck_assert_msg(n <= 3, "descriptor %d leaked into the child", n);
        count++;
    }
    ck_assert_int_ge(count, 3);
    ck_assert_int_le(count, 4);
    lb_proc_result_free(&res);
    close(50);
    close(200);
    if (fd != 50 && fd != 200) {
        close(fd);
    }
}
END_TEST

START_TEST(missing_program)
{
    const char *name[] = {"lifeboat-no-such-program", NULL};
    const char *path[] = {"/nonexistent/dir/prog", "arg", NULL};
    struct lb_proc_result res = run(name, NULL, 10000);

    ck_assert_int_eq(res.status, 127);
    ck_assert_int_eq(res.timed_out, 0);
    lb_proc_result_free(&res);
    res = run(path, NULL, 10000);
    ck_assert_int_eq(res.status, 127);
    lb_proc_result_free(&res);
}
END_TEST

START_TEST(not_executable)
{
    char path[256];
    const char *argv[] = {path, NULL};
    struct lb_proc_result res;

    tu_tmpfile(path, sizeof(path), "noexec");
    chmod(path, 0644);
    res = run(argv, NULL, 10000);
    ck_assert_int_eq(res.status, 126);
    lb_proc_result_free(&res);
    unlink(path);
}
END_TEST

START_TEST(bad_arguments)
{
    const char *empty[] = {NULL};
    struct lb_proc_result res;

    ck_assert_int_eq(lb_proc_run(NULL, NULL, NULL, 1000, &res), -EINVAL);
    ck_assert_int_eq(lb_proc_run(empty, NULL, NULL, 1000, &res), -EINVAL);
}
END_TEST

START_TEST(environment)
{
    const char *argv[] = {"env", NULL};
    const char *envp[] = {"A=1", "B=two words", NULL};
    struct lb_proc_result res;

    setenv("LB_TEST_INHERITED", "yes", 1);
    ck_assert_int_eq(lb_proc_run(argv, envp, NULL, 10000, &res), 0);
    ck_assert_str_eq(res.out, "A=1\nB=two words\n");
    lb_proc_result_free(&res);
    /* NULL: our environment. */
    res = run(argv, NULL, 10000);
    ck_assert_ptr_nonnull(strstr(res.out, "LB_TEST_INHERITED=yes\n"));
    lb_proc_result_free(&res);
    unsetenv("LB_TEST_INHERITED");
}
END_TEST

/* The child runs in its own process group (so a timeout can kill all of it). */
START_TEST(own_process_group)
{
    const char *argv[] = {"sh", "-c", "ps -o pgid= -p $$; echo $$", NULL};
    struct lb_proc_result res = run(argv, NULL, 10000);
    int pgid = 0, pid = -1;

    ck_assert_int_eq(sscanf(res.out, "%d %d", &pgid, &pid), 2);
    ck_assert_int_eq(pgid, pid);
    ck_assert_int_ne(pgid, (int)getpgrp());
    lb_proc_result_free(&res);
}
END_TEST

/* Output beyond the limit (1 MiB) is truncated, not an unbounded allocation. */
START_TEST(output_limit)
{
    const char *argv[] = {"sh", "-c", "yes 0123456789 | head -c 3000000", NULL};
    struct lb_proc_result res = run(argv, NULL, 20000);

    ck_assert_int_eq(res.status, 0);
    ck_assert_uint_eq(strlen(res.out), 1024 * 1024);
    lb_proc_result_free(&res);
}
END_TEST

/* ------------------------------------------------------------ lb_argv_split */

static void
expect_split(const char *s, const char *const want[])
{
    char **v = lb_argv_split(s);
    size_t i;

    ck_assert_ptr_nonnull(v);
    for (i = 0; want[i]; i++) {
        ck_assert_msg(v[i] != NULL, "'%s': only %zu words", s ? s : "(null)", i);
        ck_assert_str_eq(v[i], want[i]);
    }
    ck_assert_msg(v[i] == NULL, "'%s': extra word '%s'", s ? s : "(null)", v[i]);
    lb_argv_free(v);
}

START_TEST(argv_split)
{
    expect_split("a b c", (const char *const[]){"a", "b", "c", NULL});
    expect_split("  lead\t\ttab\nnewline  trail  ",
                 (const char *const[]){"lead", "tab", "newline", "trail", NULL});
    expect_split("", (const char *const[]){NULL});
    expect_split("   \t\n", (const char *const[]){NULL});
    expect_split(NULL, (const char *const[]){NULL});
    /* No quoting and no shell: quotes and metacharacters stay in the words. */
    expect_split("\"a b\" 'c' $(x) ;|&",
                 (const char *const[]){"\"a", "b\"", "'c'", "$(x)", ";|&", NULL});
    expect_split("/usr/lib/check.sh --opt=1",
                 (const char *const[]){"/usr/lib/check.sh", "--opt=1", NULL});
}
END_TEST

START_TEST(argv_split_many)
{
    char buf[4096] = "";
    char **v;
    size_t n = 0;

    for (int i = 0; i < 300; i++) {
        char w[16];

        snprintf(w, sizeof(w), "w%d ", i);
        strcat(buf, w);
    }
    v = lb_argv_split(buf);
    ck_assert_ptr_nonnull(v);
    for (; v[n]; n++) {
        char w[32];

        snprintf(w, sizeof(w), "w%zu", n);
        ck_assert_str_eq(v[n], w);
    }
    ck_assert_uint_eq(n, 300);
    lb_argv_free(v);
    lb_argv_free(NULL);
}
END_TEST

/* The value of @name in @env ("NAME=value" vector), or NULL. */
static const char *
env_get(char **env, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; env[i]; i++) {
        if (!strncmp(env[i], name, n) && env[i][n] == '=') {
            return env[i] + n + 1;
        }
    }
    return NULL;
}

START_TEST(env_filter)
{
    static const char *const drop[] = {"OCF_", "LB_T_DROP", NULL};
    static const char *const set[] = {"LB_T_KEEP=replaced", "LB_T_NEW=1", NULL};
    char **env;
    size_t n = 0;

    setenv("OCF_RESKEY_password", "secret", 1);
    setenv("LB_T_DROPPED", "x", 1);
    setenv("LB_T_KEEP", "orig", 1);
    setenv("LB_T_KEEPER", "kept", 1);
    env = lb_env_filter(drop, set);
    ck_assert_ptr_nonnull(env);
    ck_assert_ptr_null(env_get(env, "OCF_RESKEY_password"));
    ck_assert_ptr_null(env_get(env, "LB_T_DROPPED"));
    ck_assert_str_eq(env_get(env, "LB_T_KEEP"), "replaced");
    ck_assert_str_eq(env_get(env, "LB_T_KEEPER"), "kept"); /* a longer name is another variable */
    ck_assert_str_eq(env_get(env, "LB_T_NEW"), "1");
    ck_assert_ptr_nonnull(env_get(env, "PATH"));
    for (size_t i = 0; env[i]; i++) {
        n += !strncmp(env[i], "LB_T_KEEP=", 10);
    }
    ck_assert_uint_eq(n, 1);
    lb_argv_free(env);
    env = lb_env_filter(NULL, NULL); /* a plain copy */
    ck_assert_str_eq(env_get(env, "OCF_RESKEY_password"), "secret");
    lb_argv_free(env);
    unsetenv("OCF_RESKEY_password");
    unsetenv("LB_T_DROPPED");
    unsetenv("LB_T_KEEP");
    unsetenv("LB_T_KEEPER");
}
END_TEST

static Suite *
proc_suite(void)
{
    Suite *s = suite_create("proc");
    TCase *tc = tcase_create("run");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, argv_is_literal);
    tcase_add_test(tc, stdin_reaches_child);
    tcase_add_test(tc, no_stdin_is_dev_null);
    tcase_add_test(tc, large_stdin_through_cat);
    tcase_add_test(tc, child_ignores_stdin);
    tcase_add_test(tc, stdout_stderr_status);
    tcase_add_test(tc, exit_codes);
    tcase_add_test(tc, signal_status);
    tcase_add_test(tc, signals_reset_in_child);
    tcase_add_test(tc, no_timeout);
    tcase_add_test(tc, fds_closed);
    tcase_add_test(tc, missing_program);
    tcase_add_test(tc, not_executable);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, environment);
    tcase_add_test(tc, own_process_group);
    tcase_add_test(tc, output_limit);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, timeout_kills_group);
    tcase_add_test(tc, timeout_after_outputs_closed);
    tcase_add_test(tc, timeout_keeps_output);
    tcase_add_test(tc, timeout_with_unread_stdin);
    suite_add_tcase(s, tc);

    tc = tcase_create("split");
    tcase_add_test(tc, argv_split);
    tcase_add_test(tc, argv_split_many);
    tcase_add_test(tc, env_filter);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(proc_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
