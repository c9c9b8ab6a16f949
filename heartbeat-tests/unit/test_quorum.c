/*
 * Unit tests of lib/quorum.c: corosync's error codes, and what the API does
 * without a corosync to talk to (the live answers are checked by
 * heartbeat-tests/nova/evacuate.sh, which runs a real corosync).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include <corosync/corotypes.h>

#include "lifeboat/quorum.h"

START_TEST(test_errno)
{
    ck_assert_int_eq(lb_quorum_errno(CS_OK), 0);
    ck_assert_int_eq(lb_quorum_errno(CS_ERR_LIBRARY), -ENOTCONN);
    ck_assert_int_eq(lb_quorum_errno(CS_ERR_BAD_HANDLE), -ENOTCONN);
    ck_assert_int_eq(lb_quorum_errno(CS_ERR_TRY_AGAIN), -EAGAIN);
    ck_assert_int_eq(lb_quorum_errno(CS_ERR_TIMEOUT), -ETIMEDOUT);
    ck_assert_int_eq(lb_quorum_errno(CS_ERR_ACCESS), -EACCES);
    ck_assert_int_eq(lb_quorum_errno(CS_ERR_NO_MEMORY), -ENOMEM);
    ck_assert_int_eq(lb_quorum_errno(CS_ERR_NOT_SUPPORTED), -ENOTSUP);
    ck_assert_int_eq(lb_quorum_errno(9999), -EIO);
}
END_TEST

/* Without a connection, every call fails cleanly: no quorum is ever assumed. */
START_TEST(test_no_connection)
{
    ck_assert_int_eq(lb_quorum_quorate(NULL), -ENOTCONN);
    ck_assert_int_eq(lb_quorum_dispatch(NULL), -ENOTCONN);
    ck_assert_int_eq(lb_quorum_fd(NULL), -1);
    lb_quorum_close(NULL);
}
END_TEST

/* With no corosync reachable (this test's own IPC namespace has none, or it
   runs where corosync is down), open fails with an error, not a crash; where
   one answers, the answer is 0 or 1. */
START_TEST(test_open)
{
    struct lb_quorum *q = NULL;
    int rc = lb_quorum_open(NULL, NULL, &q);

    if (rc < 0) {
        ck_assert_ptr_null(q);
        ck_assert_int_ne(rc, 0);
        return;
    }
    ck_assert_ptr_nonnull(q);
    ck_assert_int_ge(lb_quorum_fd(q), 0);
    rc = lb_quorum_quorate(q);
    ck_assert(rc == 0 || rc == 1);
    lb_quorum_close(q);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("quorum");
    TCase *tc = tcase_create("api");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_errno);
    tcase_add_test(tc, test_no_connection);
    tcase_add_test(tc, test_open);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
