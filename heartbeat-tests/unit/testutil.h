/*
 * Helpers shared by the lifeboat unit tests: a clean OCF environment, capture
 * of stdout/stderr around a call, temporary files, running a command.
 * Everything is static so each test program compiles its own copy.
 */
#ifndef LIFEBOAT_TESTUTIL_H
#define LIFEBOAT_TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TU_UNUSED __attribute__((unused))

extern char **environ;

/* Unset every variable whose name starts with one of @prefixes (NULL-terminated). */
static TU_UNUSED void
tu_unset_prefixed(const char *const prefixes[])
{
    bool again = true;

    while (again) {
        again = false;
        for (char **e = environ; e && *e; e++) {
            for (int i = 0; prefixes[i]; i++) {
                if (!strncmp(*e, prefixes[i], strlen(prefixes[i]))) {
                    char name[512];
                    size_t n = strcspn(*e, "=");

                    snprintf(name, sizeof(name), "%.*s", (int)n, *e);
                    unsetenv(name);
                    again = true; /* environ changed: start over */
                    break;
                }
            }
            if (again) {
                break;
            }
        }
    }
}

/* Remove OCF_*, HA_* and CIB_* variables, so a test sees only what it sets. */
static TU_UNUSED void
tu_clean_env(void)
{
    static const char *const prefixes[] = {"OCF_", "HA_", "CIB_", NULL};

    tu_unset_prefixed(prefixes);
}

/* Redirection of one descriptor (1 or 2) into a temporary file. */
struct tu_capture {
    int target;
    int saved;
    FILE *tmp;
};

static TU_UNUSED void
tu_capture_start(struct tu_capture *c, int target)
{
    fflush(stdout);
    fflush(stderr);
    c->target = target;
    c->tmp = tmpfile();
    ck_assert_ptr_nonnull(c->tmp);
    c->saved = dup(target);
    ck_assert_int_ge(c->saved, 0);
    ck_assert_int_eq(dup2(fileno(c->tmp), target), target);
}

/* Restore the descriptor and return what was written to it (malloc'd). */
static TU_UNUSED char *
tu_capture_end(struct tu_capture *c)
{
    long size;
    char *buf;

    fflush(stdout);
    fflush(stderr);
    ck_assert_int_eq(dup2(c->saved, c->target), c->target);
    close(c->saved);
    ck_assert_int_eq(fseek(c->tmp, 0, SEEK_END), 0);
    size = ftell(c->tmp);
    ck_assert_int_ge(size, 0);
    rewind(c->tmp);
    buf = calloc(1, (size_t)size + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)size, c->tmp), (size_t)size);
    fclose(c->tmp);
    return buf;
}

/* Number of lines of @s starting with @prefix. */
static TU_UNUSED int
tu_count_lines(const char *s, const char *prefix)
{
    int n = 0;
    size_t len = strlen(prefix);

    for (const char *p = s; p && *p;) {
        if (!strncmp(p, prefix, len)) {
            n++;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return n;
}

/* The first line of @s starting with @prefix, without the newline (malloc'd), or NULL. */
static TU_UNUSED char *
tu_find_line(const char *s, const char *prefix)
{
    size_t len = strlen(prefix);

    for (const char *p = s; p && *p;) {
        if (!strncmp(p, prefix, len)) {
            return strndup(p, strcspn(p, "\n"));
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return NULL;
}

/* A new empty temporary file; its path is written to @path. */
static TU_UNUSED void
tu_tmpfile(char *path, size_t len, const char *tag)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, len, "%s/lb-%s-XXXXXX", (dir && *dir) ? dir : "/tmp", tag);
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

/* Write @data to @path (replacing it). */
static TU_UNUSED void
tu_write_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, strlen(data), f), strlen(data));
    ck_assert_int_eq(fclose(f), 0);
}

/* Contents of @path (malloc'd), or NULL when it cannot be read. */
static TU_UNUSED char *
tu_read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int c;

    if (!f) {
        return NULL;
    }
    while ((c = fgetc(f)) != EOF) {
        if (len + 2 > cap) {
            cap = cap ? cap * 2 : 256;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        buf[len++] = (char)c;
    }
    fclose(f);
    if (!buf) {
        buf = calloc(1, 1);
    } else {
        buf[len] = '\0';
    }
    return buf;
}

/* Run @argv with stdout and stderr on /dev/null (independently of lib/proc.c). */
static TU_UNUSED int
tu_run_quiet(const char *const argv[])
{
    int status;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        ck_assert_int_eq(errno, EINTR);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif
