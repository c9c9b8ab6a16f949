/*
 * Unit tests for lib/process.c: PID files, liveness (a zombie is dead), waiting
 * for an exit, parents, children, and executables (also once deleted).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeboat/ocf.h"
#include "lifeboat/process.h"
#include "testutil.h"

/* A child that sleeps @ms milliseconds, then exits 0. */
static pid_t
sleeper(long ms)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        lb_sleep_ms(ms);
        _exit(0);
    }
    return pid;
}

static void
reap(pid_t pid)
{
    int status;

    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

static int
pidfile_with(const char *content, pid_t *pid)
{
    char path[PATH_MAX];
    int rc;

    tu_tmpfile(path, sizeof(path), "pid");
    tu_write_file(path, content);
    rc = lb_process_pidfile(path, pid);
    unlink(path);
    return rc;
}

START_TEST(pidfile_valid)
{
    pid_t pid = 0;

    ck_assert_int_eq(pidfile_with("1234\n", &pid), 0);
    ck_assert_int_eq(pid, 1234);
    ck_assert_int_eq(pidfile_with("42", &pid), 0);
    ck_assert_int_eq(pid, 42);
    ck_assert_int_eq(pidfile_with(" 77 \r\n", &pid), 0);
    ck_assert_int_eq(pid, 77);
    /* only the first line counts (haproxy -p may list workers below the master) */
    ck_assert_int_eq(pidfile_with("100\n101\n102\n", &pid), 0);
    ck_assert_int_eq(pid, 100);
}
END_TEST

START_TEST(pidfile_invalid)
{
    pid_t pid = 99;

    ck_assert_int_eq(pidfile_with("", &pid), -EINVAL);
    ck_assert_int_eq(pidfile_with("\n", &pid), -EINVAL);
    ck_assert_int_eq(pidfile_with("abc\n", &pid), -EINVAL);
    ck_assert_int_eq(pidfile_with("12abc\n", &pid), -EINVAL);
    ck_assert_int_eq(pidfile_with("0\n", &pid), -EINVAL);
    ck_assert_int_eq(pidfile_with("-5\n", &pid), -EINVAL);
    ck_assert_int_eq(pidfile_with("99999999999999999999\n", &pid), -EINVAL);
    ck_assert_int_eq(pidfile_with("4294967297\n", &pid), -EINVAL);
    ck_assert_int_eq(pid, 99); /* untouched */
}
END_TEST

START_TEST(pidfile_missing)
{
    pid_t pid = 99;

    ck_assert_int_eq(lb_process_pidfile("/nonexistent/dir/x.pid", &pid), -ENOENT);
    ck_assert_int_eq(pid, 99);
}
END_TEST

START_TEST(alive_self_and_bogus)
{
    ck_assert(lb_process_alive(getpid()));
    ck_assert(!lb_process_alive(0));
    ck_assert(!lb_process_alive(-1));
    ck_assert(!lb_process_alive((pid_t)INT_MAX));
}
END_TEST

START_TEST(zombie_is_dead)
{
    pid_t pid = sleeper(0);
    long long until = lb_now_ms() + 5000;

    /* not reaped: a zombie, which kill(pid, 0) still finds */
    while (lb_process_alive(pid) && lb_now_ms() < until) {
        lb_sleep_ms(10);
    }
    ck_assert_int_eq(kill(pid, 0), 0);
    ck_assert(!lb_process_alive(pid));
    reap(pid);
    ck_assert(!lb_process_alive(pid));
}
END_TEST

START_TEST(wait_gone_after_exit)
{
    pid_t pid = sleeper(200);
    long long t0 = lb_now_ms();

    ck_assert(lb_process_alive(pid));
    ck_assert_int_eq(lb_process_wait_exit(pid, 5000), 0);
    ck_assert_int_ge(lb_now_ms() - t0, 150);
    ck_assert_int_lt(lb_now_ms() - t0, 4000);
    reap(pid);
}
END_TEST

START_TEST(wait_gone_times_out)
{
    pid_t pid = sleeper(30000);
    long long t0 = lb_now_ms();

    ck_assert_int_eq(lb_process_wait_exit(pid, 150), -ETIMEDOUT);
    ck_assert_int_ge(lb_now_ms() - t0, 140);
    ck_assert_int_lt(lb_now_ms() - t0, 3000);
    ck_assert_int_eq(lb_process_wait_exit(pid, 0), -ETIMEDOUT); /* check once */
    reap(pid);
    ck_assert_int_eq(lb_process_wait_exit(pid, 0), 0);
}
END_TEST

START_TEST(parent)
{
    pid_t pid = sleeper(30000);

    ck_assert_int_eq(lb_process_parent(pid), getpid());
    ck_assert_int_eq(lb_process_parent(getpid()), getppid());
    ck_assert_int_eq(lb_process_parent((pid_t)INT_MAX), -1);
    ck_assert_int_eq(lb_process_parent(0), -1);
    reap(pid);
}
END_TEST

START_TEST(children)
{
    pid_t a = sleeper(30000), b = sleeper(30000), z = sleeper(0), out[8], one[1];
    bool seen_a = false, seen_b = false;
    int n;

    while (lb_process_alive(z)) {
        lb_sleep_ms(10);
    }
    n = lb_process_children(getpid(), out, 8);
    ck_assert_int_eq(n, 2); /* the zombie is not counted */
    for (int i = 0; i < n; i++) {
        seen_a = seen_a || out[i] == a;
        seen_b = seen_b || out[i] == b;
    }
    ck_assert(seen_a && seen_b);
    ck_assert_int_eq(lb_process_children(getpid(), one, 1), 2); /* count beyond max */
    ck_assert_int_eq(lb_process_children(getpid(), NULL, 0), 2);
    reap(a);
    reap(b);
    reap(z);
    ck_assert_int_eq(lb_process_children(getpid(), out, 8), 0);
}
END_TEST

START_TEST(exe_of_self)
{
    char want[PATH_MAX], got[PATH_MAX], tiny[4];
    ssize_t n = readlink("/proc/self/exe", want, sizeof(want) - 1);

    ck_assert_int_gt(n, 0);
    want[n] = '\0';
    ck_assert_int_eq(lb_process_exe(getpid(), got, sizeof(got)), 0);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(lb_process_exe(getpid(), tiny, sizeof(tiny)), -ENAMETOOLONG);
    ck_assert_int_eq(lb_process_exe((pid_t)INT_MAX, got, sizeof(got)), -ESRCH);
    ck_assert_int_eq(lb_process_exe(0, got, sizeof(got)), -EINVAL);
}
END_TEST

/* A replaced binary (a package upgrade) shows as "PATH (deleted)": the mark goes. */
START_TEST(exe_deleted)
{
    char copy[PATH_MAX], got[PATH_MAX] = "";
    const char *cp[] = {"cp", "/bin/sleep", copy, NULL};
    pid_t pid;

    tu_tmpfile(copy, sizeof(copy), "exe");
    ck_assert_int_eq(tu_run_quiet(cp), 0);
    ck_assert_int_eq(chmod(copy, 0755), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execl(copy, copy, "30", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) { /* until the exec is done */
        if (lb_process_exe(pid, got, sizeof(got)) == 0 && !strcmp(got, copy)) {
            break;
        }
        lb_sleep_ms(10);
    }
    if (strstr(got, "/valgrind/")) {
        /* valgrind --trace-children runs the child inside its own tool binary */
        unlink(copy);
        reap(pid);
        return;
    }
    ck_assert_str_eq(got, copy);
    ck_assert_int_eq(unlink(copy), 0);
    ck_assert_int_eq(lb_process_exe(pid, got, sizeof(got)), 0);
    ck_assert_str_eq(got, copy);
    reap(pid);
}
END_TEST

START_TEST(starttime_names_one_process)
{
    unsigned long long a = 0, b = 0, c = 0;
    pid_t pid = sleeper(5000);

    ck_assert_int_eq(lb_process_starttime(getpid(), &a), 0);
    ck_assert_int_eq(lb_process_starttime(pid, &b), 0);
    ck_assert_int_ge(b, a); /* the child started after us */
    ck_assert_int_eq(lb_process_starttime(pid, &c), 0);
    ck_assert(b == c);
    reap(pid);
    ck_assert_int_eq(lb_process_starttime(pid, &c), -ESRCH);
    ck_assert_int_eq(lb_process_starttime(0, &c), -EINVAL);
}
END_TEST

/* The command name, even one with blanks and parentheses (which /proc/PID/stat
   parsing must step over too). */
START_TEST(comm_of_child)
{
    char buf[32], small[4];
    int ready[2];
    pid_t pid;

    ck_assert_int_eq(pipe(ready), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        prctl(PR_SET_NAME, "odd) name (", 0, 0, 0);
        if (write(ready[1], "x", 1) != 1) {
            _exit(1);
        }
        lb_sleep_ms(5000);
        _exit(0);
    }
    ck_assert_int_eq(read(ready[0], buf, 1), 1);
    close(ready[0]);
    close(ready[1]);
    ck_assert_int_eq(lb_process_comm(pid, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "odd) name (");
    ck_assert_int_eq(lb_process_parent(pid), getpid());
    ck_assert(lb_process_alive(pid));
    ck_assert_int_eq(lb_process_comm(pid, small, sizeof(small)), 0);
    ck_assert_str_eq(small, "odd"); /* cut to the buffer */
    reap(pid);
    ck_assert_int_eq(lb_process_comm(pid, buf, sizeof(buf)), -ESRCH);
    ck_assert_int_eq(lb_process_comm(0, buf, sizeof(buf)), -EINVAL);
}
END_TEST

/* The environment a process was started with (at exec), read back by name. */
START_TEST(getenv_of_child)
{
    char *const env[] = {"LB_TEST_PROC_ENV=value=with=equals", "LB_TEST_PROC=short", NULL};
    char buf[64], small[4];
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execle("/bin/sleep", "sleep", "5", (char *)NULL, env);
        _exit(127);
    }
    for (int i = 0; i < 200 && lb_process_getenv(pid, "LB_TEST_PROC", buf, sizeof(buf)); i++) {
        lb_sleep_ms(10); /* until the exec is done */
    }
    ck_assert_int_eq(lb_process_getenv(pid, "LB_TEST_PROC_ENV", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "value=with=equals");
    ck_assert_int_eq(lb_process_getenv(pid, "LB_TEST_PROC", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "short"); /* a prefix of another name is not that name */
    ck_assert_int_eq(lb_process_getenv(pid, "LB_TEST_PRO", buf, sizeof(buf)), -ENOENT);
    ck_assert_int_eq(lb_process_getenv(pid, "LB_TEST_PROC_ENV", small, sizeof(small)),
                     -ENAMETOOLONG);
    reap(pid);
    ck_assert_int_eq(lb_process_getenv(pid, "PATH", buf, sizeof(buf)), -ESRCH);
    ck_assert_int_eq(lb_process_getenv(0, "PATH", buf, sizeof(buf)), -EINVAL);
}
END_TEST

static Suite *
process_suite(void)
{
    Suite *s = suite_create("process");
    TCase *tc = tcase_create("pidfile");

    tcase_add_test(tc, pidfile_valid);
    tcase_add_test(tc, pidfile_invalid);
    tcase_add_test(tc, pidfile_missing);
    suite_add_tcase(s, tc);

    tc = tcase_create("process");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, alive_self_and_bogus);
    tcase_add_test(tc, zombie_is_dead);
    tcase_add_test(tc, wait_gone_after_exit);
    tcase_add_test(tc, wait_gone_times_out);
    tcase_add_test(tc, parent);
    tcase_add_test(tc, children);
    tcase_add_test(tc, exe_of_self);
    tcase_add_test(tc, exe_deleted);
    tcase_add_test(tc, starttime_names_one_process);
    tcase_add_test(tc, comm_of_child);
    tcase_add_test(tc, getenv_of_child);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(process_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
