/*
 * Unit tests of lib/daemon.c: detached daemons (own session and process
 * group, not our child, nothing inherited), exec failures reported, access
 * as another user, directories made for a user.
 */
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>

#include "lifeboat/daemon.h"
#include "lifeboat/process.h"
#include "lifeboat/ocf.h"
#include "testutil.h"

START_TEST(spawn_detached)
{
    const char *argv[] = {"/bin/sleep", "30", NULL};
    char comm[32];
    pid_t pid = 0;

    ck_assert_int_eq(lb_daemon_spawn(argv, &pid), 0);
    ck_assert_int_gt(pid, 0);
    ck_assert(lb_process_alive(pid));
    ck_assert_int_ne(getsid(pid), getsid(0));           /* not in our session */
    ck_assert_int_eq(getpgid(pid), pid);                /* leads its own process group */
    ck_assert_int_ne(lb_process_parent(pid), getpid()); /* not our child */
    ck_assert_int_eq(lb_process_comm(pid, comm, sizeof(comm)), 0);
    ck_assert_str_eq(comm, "sleep");
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    ck_assert_int_eq(lb_process_wait_exit(pid, 5000), 0);
    ck_assert(!lb_process_alive(pid));
}
END_TEST

START_TEST(spawn_nothing_inherited)
{
    char out[256], cmd[1200];
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    char *text;
    pid_t pid;
    int keep = open("/dev/null", O_RDONLY); /* no O_CLOEXEC: must not leak */

    ck_assert_int_ge(keep, 3);
    tu_tmpfile(out, sizeof(out), "daemon");
    snprintf(cmd, sizeof(cmd), "ls /proc/self/fd > %s.tmp; pwd >> %s.tmp; mv %s.tmp %s", out, out,
             out, out);
    unlink(out);
    ck_assert_int_eq(lb_daemon_spawn(argv, &pid), 0);
    for (int i = 0; i < 100 && access(out, F_OK) != 0; i++) {
        lb_sleep_ms(50);
    }
    text = tu_read_file(out);
    ck_assert_ptr_nonnull(text);
    /* 0, 1, 2 and the descriptor ls opens for /proc/self/fd; then pwd */
    ck_assert_str_eq(text, "0\n1\n2\n3\n/\n");
    free(text);
    unlink(out);
    close(keep);
}
END_TEST

START_TEST(spawn_failures)
{
    const char *missing[] = {"/nonexistent/lb-daemon", NULL};
    char plain[256];
    const char *notexec[] = {plain, NULL};
    const char *empty[] = {NULL};
    pid_t pid = 1;

    tu_tmpfile(plain, sizeof(plain), "noexec"); /* mode 0600: nobody may run it */
    ck_assert_int_eq(lb_daemon_spawn(missing, &pid), -ENOENT);
    ck_assert_int_eq(pid, 0);
    ck_assert_int_eq(lb_daemon_spawn(notexec, &pid), -EACCES);
    ck_assert_int_eq(lb_daemon_spawn(empty, &pid), -EINVAL);
    ck_assert_int_eq(lb_daemon_spawn(NULL, &pid), -EINVAL);
    unlink(plain);
}
END_TEST

/* Wait up to 5 s for @path to exist. */
static void
wait_file(const char *path)
{
    for (int i = 0; i < 100 && access(path, F_OK) != 0; i++) {
        lb_sleep_ms(50);
    }
}

START_TEST(spawn_opts_env_dir_output_user)
{
    char dir[] = "/tmp/lb-daemon-XXXXXX", out[64], done[64], cmd[512];
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    const char *envp[] = {"LB_A=1", "PATH=/usr/bin:/bin", NULL};
    struct lb_daemon_opts o = {.envp = envp, .dir = dir, .output = out};
    const char *failed = "x";
    char *text, want[256];
    struct stat st;
    pid_t pid;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chmod(dir, 0777), 0);
    snprintf(out, sizeof(out), "%s/out.log", dir);
    snprintf(done, sizeof(done), "%s/done", dir);
    tu_write_file(out, "before\n");
    snprintf(cmd, sizeof(cmd),
             "echo \"A=$LB_A OCF=${OCF_RESKEY_password-unset}\"; pwd; id -u; echo err >&2; "
             ": > %s",
             done);
    setenv("OCF_RESKEY_password", "secret", 1);
    ck_assert_int_eq(lb_daemon_spawn_opts(argv, &o, &pid, &failed), 0);
    unsetenv("OCF_RESKEY_password");
    ck_assert_ptr_null(failed);
    wait_file(done);
    text = tu_read_file(out);
    snprintf(want, sizeof(want), "before\nA=1 OCF=unset\n%s\n%d\nerr\n", dir, (int)getuid());
    ck_assert_str_eq(text, want); /* appended, stdout and stderr, only the given environment */
    free(text);
    unlink(done);
    unlink(out);

    if (getuid() == 0) {
        /* as another user: the output file is created as that user */
        o.user = "nobody";
        ck_assert_int_eq(lb_daemon_spawn_opts(argv, &o, &pid, &failed), 0);
        wait_file(done);
        text = tu_read_file(out);
        ck_assert_ptr_nonnull(strstr(text, "\n65534\n"));
        free(text);
        ck_assert_int_eq(stat(out, &st), 0);
        ck_assert_int_eq(st.st_uid, 65534);
        ck_assert_int_eq(st.st_mode & 0777, 0640);
        unlink(done);
        unlink(out);
    }
    rmdir(dir);
}
END_TEST

START_TEST(spawn_opts_failures)
{
    const char *argv[] = {"/bin/true", NULL}, *missing[] = {"/nonexistent/lb-daemon", NULL};
    struct lb_daemon_opts o = {.user = "lb-no-such-user"};
    const char *failed = NULL;
    pid_t pid = 1;

    ck_assert_int_eq(lb_daemon_spawn_opts(argv, &o, &pid, &failed), -ESRCH);
    ck_assert_str_eq(failed, "user");
    ck_assert_int_eq(pid, 0);
    o.user = NULL;
    o.dir = "/nonexistent/dir";
    ck_assert_int_eq(lb_daemon_spawn_opts(argv, &o, &pid, &failed), -ENOENT);
    ck_assert_str_eq(failed, "dir");
    o.dir = NULL;
    o.output = "/nonexistent/dir/out.log";
    ck_assert_int_eq(lb_daemon_spawn_opts(argv, &o, &pid, &failed), -ENOENT);
    ck_assert_str_eq(failed, "output");
    o.output = NULL;
    ck_assert_int_eq(lb_daemon_spawn_opts(missing, &o, &pid, &failed), -ENOENT);
    ck_assert_str_eq(failed, "exec");
    ck_assert_int_eq(pid, 0);
}
END_TEST

START_TEST(access_as_user)
{
    char dir[] = "/tmp/lb-daemon-XXXXXX";

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chmod(dir, 0700), 0);
    ck_assert_int_eq(lb_access_as("root", dir, W_OK), 0);
    if (getuid() == 0) {
        ck_assert_int_eq(lb_access_as("nobody", dir, W_OK), -EACCES);
        ck_assert_int_eq(chmod(dir, 0777), 0);
        ck_assert_int_eq(lb_access_as("nobody", dir, W_OK | X_OK), 0);
    }
    ck_assert_int_eq(lb_access_as("lb-no-such-user", dir, W_OK), -ESRCH);
    ck_assert_int_eq(lb_access_as(NULL, dir, W_OK), -ESRCH);
    ck_assert_int_eq(lb_access_as("root", "/nonexistent/dir", F_OK), -ENOENT);
    rmdir(dir);
}
END_TEST

/* mkdir -p: every missing component, owned as asked; existing ones left alone. */
START_TEST(mkdirs_owned)
{
    char top[] = "/tmp/lb-daemon-XXXXXX", deep[128], file[128], under[160], huge[PATH_MAX + 8];
    mode_t mask = umask(022);
    struct stat st;

    umask(mask);
    ck_assert_ptr_nonnull(mkdtemp(top));
    snprintf(deep, sizeof(deep), "%s/a/b/c", top);
    ck_assert_int_eq(lb_daemon_mkdirs(deep, 65534, 65534), 0);
    ck_assert_int_eq(stat(deep, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 07777, 0755 & ~mask);
    if (getuid() == 0) {
        ck_assert_int_eq(st.st_uid, 65534);
        ck_assert_int_eq(st.st_gid, 65534);
        ck_assert_int_eq(stat(top, &st), 0);
        ck_assert_int_eq(st.st_uid, 0); /* it existed: not given away */
    }
    ck_assert_int_eq(lb_daemon_mkdirs(deep, 65534, 65534), 0); /* again: nothing to do */
    snprintf(under, sizeof(under), "%s/mine/x", top);
    ck_assert_int_eq(lb_daemon_mkdirs(under, (uid_t)-1, (gid_t)-1), 0);
    ck_assert_int_eq(stat(under, &st), 0);
    ck_assert_int_eq(st.st_uid, getuid()); /* -1: left as created */
    snprintf(file, sizeof(file), "%s/file", top);
    tu_write_file(file, "x");
    snprintf(under, sizeof(under), "%s/sub", file);
    ck_assert_int_eq(lb_daemon_mkdirs(under, (uid_t)-1, (gid_t)-1), -ENOTDIR);
    memset(huge, 'd', sizeof(huge) - 1);
    huge[0] = '/';
    huge[sizeof(huge) - 1] = '\0';
    ck_assert_int_eq(lb_daemon_mkdirs(huge, (uid_t)-1, (gid_t)-1), -ENAMETOOLONG);
    unlink(file);
    rmdir(under);
    snprintf(under, sizeof(under), "%s/mine/x", top);
    rmdir(under);
    snprintf(under, sizeof(under), "%s/mine", top);
    rmdir(under);
    rmdir(deep);
    snprintf(under, sizeof(under), "%s/a/b", top);
    rmdir(under);
    snprintf(under, sizeof(under), "%s/a", top);
    rmdir(under);
    ck_assert_int_eq(rmdir(top), 0); /* everything it made is accounted for */
}
END_TEST

static Suite *
daemon_suite(void)
{
    Suite *s = suite_create("daemon");
    TCase *tc = tcase_create("spawn");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, spawn_detached);
    tcase_add_test(tc, spawn_nothing_inherited);
    tcase_add_test(tc, spawn_failures);
    tcase_add_test(tc, spawn_opts_env_dir_output_user);
    tcase_add_test(tc, spawn_opts_failures);
    suite_add_tcase(s, tc);
    tc = tcase_create("pids");
    tcase_add_test(tc, access_as_user);
    tcase_add_test(tc, mkdirs_owned);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(daemon_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
