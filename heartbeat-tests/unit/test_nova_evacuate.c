/*
 * Unit tests of NovaEvacuate's decisions (agents/nova_evacuate_logic.c):
 * filtering, the exactly-once rule from Nova's state and the write-ahead
 * list, request bodies per microversion, the list's format, the evacuate
 * attribute's values and the progress line.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nova_evacuate.h"

#define ID1 "0b7e0b51-3b5c-4a55-a3a0-6a3c3c5f6f01"
#define ID2 "0b7e0b51-3b5c-4a55-a3a0-6a3c3c5f6f02"

/* ------------------------------------------------------------ filtering */

START_TEST(test_policy_parse)
{
    ck_assert_int_eq(ne_policy_parse(NULL), NE_POLICY_UNSET);
    ck_assert_int_eq(ne_policy_parse("off"), NE_POLICY_OFF);
    ck_assert_int_eq(ne_policy_parse(" OFF "), NE_POLICY_OFF);
    ck_assert_int_eq(ne_policy_parse("restart-on-host-failure"), NE_POLICY_RESTART);
    ck_assert_int_eq(ne_policy_parse("Restart-On-Host-Failure\n"), NE_POLICY_RESTART);
    ck_assert_int_eq(ne_policy_parse("restart"), NE_POLICY_INVALID);
    ck_assert_int_eq(ne_policy_parse(""), NE_POLICY_INVALID);
}
END_TEST

START_TEST(test_tag_true)
{
    ck_assert(ne_tag_true("true"));
    ck_assert(ne_tag_true(" True "));
    ck_assert(!ne_tag_true("yes")); /* fence_evacuate takes "true" only */
    ck_assert(!ne_tag_true("false"));
    ck_assert(!ne_tag_true(NULL));
    ck_assert(!ne_tag_true(""));
}
END_TEST

/* One row: the inputs and whether the server is evacuated. */
static const struct {
    struct ne_filter_in in;
    bool yes;
    const char *why; /* a word of the reason */
} filter_rows[] = {
    /* nothing tagged in the cloud: everything goes (fence_evacuate's rule) */
    {{.filtering = true, .any_tagged = false}, true, "all servers"},
    /* something tagged: only tagged flavors or images */
    {{.filtering = true, .any_tagged = true}, false, "neither"},
    {{.filtering = true, .any_tagged = true, .flavor_tagged = true}, true, "flavor"},
    {{.filtering = true, .any_tagged = true, .image_tagged = true}, true, "image"},
    /* filtering off: everything */
    {{.filtering = false, .any_tagged = true}, true, "filtering off"},
    /* the server's own policy wins both ways */
    {{.filtering = true, .any_tagged = true, .policy = NE_POLICY_RESTART}, true, "restart"},
    {{.filtering = false, .flavor_tagged = true, .policy = NE_POLICY_OFF}, false, "off"},
    {{.filtering = true, .any_tagged = true, .flavor_tagged = true, .policy = NE_POLICY_OFF},
     false,
     "off"},
    /* a policy value that means nothing is ignored */
    {{.filtering = true, .any_tagged = true, .policy = NE_POLICY_INVALID}, false, "neither"},
};

START_TEST(test_filter)
{
    char why[128];
    bool yes = ne_filter(&filter_rows[_i].in, why, sizeof(why));

    ck_assert_msg(yes == filter_rows[_i].yes, "row %d: got %d (%s)", _i, yes, why);
    ck_assert_msg(strstr(why, filter_rows[_i].why), "row %d: reason '%s'", _i, why);
}
END_TEST

/* ------------------------------------------------------------ deciding */

START_TEST(test_mig_classify)
{
    ck_assert_int_eq(ne_mig_classify("accepted"), NE_MIG_ACTIVE);
    ck_assert_int_eq(ne_mig_classify("pre-migrating"), NE_MIG_ACTIVE);
    ck_assert_int_eq(ne_mig_classify("something-new"), NE_MIG_ACTIVE);
    ck_assert_int_eq(ne_mig_classify(NULL), NE_MIG_ACTIVE);
    ck_assert_int_eq(ne_mig_classify("done"), NE_MIG_DONE);
    ck_assert_int_eq(ne_mig_classify("completed"), NE_MIG_DONE);
    ck_assert_int_eq(ne_mig_classify("failed"), NE_MIG_FAILED);
    ck_assert_int_eq(ne_mig_classify("error"), NE_MIG_FAILED);
    ck_assert_int_eq(ne_mig_merge(NE_MIG_NONE, NE_MIG_FAILED), NE_MIG_FAILED);
    ck_assert_int_eq(ne_mig_merge(NE_MIG_FAILED, NE_MIG_DONE), NE_MIG_DONE);
    ck_assert_int_eq(ne_mig_merge(NE_MIG_DONE, NE_MIG_ACTIVE), NE_MIG_ACTIVE);
    ck_assert_int_eq(ne_mig_merge(NE_MIG_ACTIVE, NE_MIG_FAILED), NE_MIG_ACTIVE);
}
END_TEST

#define F(status, vm, task, host)                                                                  \
    {                                                                                              \
        true, status, vm, task, host                                                               \
    }

/* One decision: what Nova says, what was recorded, and the verdict. */
static const struct {
    struct ne_facts srv;
    enum ne_mig mig;
    bool marked;
    long long age_ms;
    enum ne_verdict want;
} decide_rows[] = {
    /* a fresh server on the failed host, nothing sent: send */
    {F("ACTIVE", "active", NULL, "c1"), NE_MIG_NONE, false, 0, NE_SEND},
    {F("SHUTOFF", "stopped", NULL, "c1"), NE_MIG_NONE, false, 0, NE_SEND},
    {F("ERROR", "error", NULL, "c1"), NE_MIG_NONE, false, 0, NE_SEND},
    /* a task_state not ours: never send (evacuating twice wedges the server) */
    {F("ACTIVE", "active", "powering-off", "c1"), NE_MIG_NONE, false, 0, NE_BLOCKED},
    /* ours: Nova set REBUILDING, the migration record may lag */
    {F("REBUILD", "active", "rebuilding", "c1"), NE_MIG_NONE, true, 1000, NE_WAIT},
    /* Nova has a record: under way, whatever our list says */
    {F("REBUILD", "active", "rebuilding", "c1"), NE_MIG_ACTIVE, false, 0, NE_WAIT},
    {F("ACTIVE", "active", NULL, "c1"), NE_MIG_ACTIVE, false, 0, NE_WAIT},
    {F("ACTIVE", "active", NULL, "c1"), NE_MIG_DONE, true, 99000000, NE_WAIT},
    /* Nova tried and gave up: never again */
    {F("ERROR", "error", NULL, "c1"), NE_MIG_FAILED, true, 0, NE_FAILED},
    {F("ACTIVE", "active", NULL, "c1"), NE_MIG_FAILED, false, 0, NE_FAILED},
    /* recorded, no trace in Nova: wait while the request may still arrive... */
    {F("ACTIVE", "active", NULL, "c1"), NE_MIG_NONE, true, 59999, NE_WAIT},
    /* ...then it never did: send */
    {F("ACTIVE", "active", NULL, "c1"), NE_MIG_NONE, true, 60000, NE_SEND},
    /* a state Nova cannot evacuate */
    {F("PAUSED", "paused", NULL, "c1"), NE_MIG_NONE, false, 0, NE_BLOCKED},
    {F("SHELVED", "shelved", NULL, "c1"), NE_MIG_NONE, false, 0, NE_BLOCKED},
    /* moved elsewhere */
    {F("REBUILD", "active", "rebuild_spawning", "c2"), NE_MIG_ACTIVE, true, 0, NE_WAIT},
    {F("ACTIVE", "active", NULL, "c2"), NE_MIG_DONE, true, 0, NE_DONE},
    {F("SHUTOFF", "stopped", NULL, "c2"), NE_MIG_DONE, true, 0, NE_DONE},
    {F("ACTIVE", "active", NULL, "c2"), NE_MIG_NONE, false, 0, NE_DONE},
    {F("ERROR", "error", NULL, "c2"), NE_MIG_DONE, true, 0, NE_FAILED},
    /* no host at all (e.g. shelved offloaded meanwhile): not on the failed host */
    {F("SHELVED_OFFLOADED", "shelved_offloaded", NULL, NULL), NE_MIG_NONE, true, 0, NE_DONE},
    /* deleted */
    {{false, NULL, NULL, NULL, NULL}, NE_MIG_ACTIVE, true, 0, NE_GONE},
};

START_TEST(test_decide)
{
    struct ne_decide_in in = {
        .srv = decide_rows[_i].srv,
        .failed_host = "c1",
        .mig = decide_rows[_i].mig,
        .marked = decide_rows[_i].marked,
        .marked_age_ms = decide_rows[_i].age_ms,
        .grace_ms = 60000,
    };
    char why[256] = "";
    enum ne_verdict v = ne_decide(&in, why, sizeof(why));

    ck_assert_msg(v == decide_rows[_i].want, "row %d: %s (%s), want %s", _i, ne_verdict_name(v),
                  why, ne_verdict_name(decide_rows[_i].want));
    ck_assert(why[0]);
}
END_TEST

/* Property: whenever Nova shows any trace of an evacuation, nothing is sent. */
START_TEST(test_decide_never_twice)
{
    static const char *const tasks[] = {NULL, "rebuilding", "rebuild_spawning", "deleting"};
    static const char *const hosts[] = {"c1", "c2", NULL};
    static const enum ne_mig migs[] = {NE_MIG_NONE, NE_MIG_ACTIVE, NE_MIG_DONE, NE_MIG_FAILED};
    int sends = 0;

    for (size_t t = 0; t < 4; t++) {
        for (size_t h = 0; h < 3; h++) {
            for (size_t m = 0; m < 4; m++) {
                for (int marked = 0; marked < 2; marked++) {
                    struct ne_decide_in in = {
                        .srv = {true, "ACTIVE", "active", tasks[t], hosts[h]},
                        .failed_host = "c1",
                        .mig = migs[m],
                        .marked = marked,
                        .marked_age_ms = 1000,
                        .grace_ms = 60000,
                    };
                    char why[256];
                    bool trace = tasks[t] || migs[m] != NE_MIG_NONE || h != 0 || marked;

                    if (ne_decide(&in, why, sizeof(why)) == NE_SEND) {
                        sends++;
                        ck_assert_msg(!trace, "sent with a trace: task %s host %s mig %d mark %d",
                                      tasks[t] ? tasks[t] : "-", hosts[h] ? hosts[h] : "-",
                                      (int)migs[m], marked);
                    }
                }
            }
        }
    }
    ck_assert_int_eq(sends, 1);
}
END_TEST

START_TEST(test_facts_from_json)
{
    json_t *doc = json_pack("{s:s, s:s, s:n, s:s}", "status", "ACTIVE", "OS-EXT-STS:vm_state",
                            "active", "OS-EXT-STS:task_state", "OS-EXT-SRV-ATTR:host", "c1");
    struct ne_facts f;

    ne_facts_from_json(doc, &f);
    ck_assert(f.exists);
    ck_assert_str_eq(f.status, "ACTIVE");
    ck_assert_str_eq(f.vm_state, "active");
    ck_assert_ptr_null(f.task_state);
    ck_assert_str_eq(f.host, "c1");
    json_decref(doc);
    ne_facts_from_json(NULL, &f);
    ck_assert(!f.exists);
}
END_TEST

/* ------------------------------------------------------------ requests */

static char *
body_text(const char *mv, bool no_shared)
{
    json_t *b = ne_evacuate_body(mv, no_shared);
    char *s = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);

    json_decref(b);
    return s;
}

START_TEST(test_evacuate_body)
{
    static const struct {
        const char *mv;
        bool no_shared;
        const char *want;
    } rows[] = {
        {"2.1", false, "{\"evacuate\":{\"onSharedStorage\":true}}"},
        {"2.13", true, "{\"evacuate\":{\"onSharedStorage\":false}}"},
        {"2.14", false, "{\"evacuate\":{}}"},
        {"2.14", true, "{\"evacuate\":{}}"},
        {"2.29", false, "{\"evacuate\":{}}"}, /* no host named: no force */
        {"2.93", true, "{\"evacuate\":{}}"},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *s = body_text(rows[i].mv, rows[i].no_shared);

        ck_assert_msg(!strcmp(s, rows[i].want), "%s: %s", rows[i].mv, s);
        free(s);
    }
}
END_TEST

/* ------------------------------------------------------------ the write-ahead list */

START_TEST(test_marks_roundtrip)
{
    struct ne_marks m, back;
    char *s;

    ck_assert_int_eq(ne_marks_parse(NULL, &m), 0);
    ck_assert_uint_eq(m.n, 0);
    m.since = 1700000000;
    ck_assert_int_eq(ne_marks_add(&m, ID1, 1700000001), 0);
    ck_assert_int_eq(ne_marks_add(&m, ID2, 1700000002), 0);
    ck_assert_int_eq(ne_marks_add(&m, ID1, 1700000005), 0); /* replaces, no duplicate */
    ck_assert_uint_eq(m.n, 2);
    s = ne_marks_format(&m);
    ck_assert_str_eq(s, "since=1700000000 " ID1 "@1700000005 " ID2 "@1700000002");
    ck_assert_int_eq(ne_marks_parse(s, &back), 0);
    ck_assert_int_eq(back.since, 1700000000);
    ck_assert_uint_eq(back.n, 2);
    ck_assert_int_eq(ne_marks_find(&back, ID2), 1);
    ck_assert_int_eq(back.v[0].at, 1700000005);
    ne_marks_del(&back, ID1);
    ck_assert_uint_eq(back.n, 1);
    ck_assert_int_eq(ne_marks_find(&back, ID1), -1);
    ck_assert_str_eq(back.v[0].id, ID2);
    ne_marks_del(&back, "nope");
    ck_assert_uint_eq(back.n, 1);
    free(s);
    ne_marks_free(&m);
    ne_marks_free(&back);
}
END_TEST

START_TEST(test_marks_junk)
{
    struct ne_marks m;

    /* junk tokens are skipped, good ones kept */
    ck_assert_int_eq(ne_marks_parse("  since=12  garbage a@b @5 " ID1 "@7 x/y@9 since=x\n", &m), 0);
    ck_assert_int_eq(m.since, 12);
    ck_assert_uint_eq(m.n, 1);
    ck_assert_str_eq(m.v[0].id, ID1);
    ck_assert_int_eq(m.v[0].at, 7);
    ne_marks_free(&m);
    ck_assert_int_eq(ne_marks_parse("", &m), 0);
    ck_assert_int_eq(m.since, 0);
    ne_marks_free(&m);
}
END_TEST

START_TEST(test_marks_many)
{
    struct ne_marks m = {0}, back;
    char id[NE_ID_MAX], *s;

    for (int i = 0; i < 500; i++) {
        snprintf(id, sizeof(id), "00000000-0000-0000-0000-%012d", i);
        ck_assert_int_eq(ne_marks_add(&m, id, 1000 + i), 0);
    }
    s = ne_marks_format(&m);
    ck_assert_int_eq(ne_marks_parse(s, &back), 0);
    ck_assert_uint_eq(back.n, 500);
    ck_assert_int_eq(back.v[499].at, 1499);
    free(s);
    ne_marks_free(&m);
    ne_marks_free(&back);
}
END_TEST

/* ------------------------------------------------------------ attributes, progress */

START_TEST(test_attr_wants)
{
    ck_assert(ne_attr_wants("yes"));
    ck_assert(ne_attr_wants("YES"));
    ck_assert(ne_attr_wants("true"));
    ck_assert(ne_attr_wants("controller-1@1700000000")); /* the shell agent at work */
    ck_assert(!ne_attr_wants("no"));
    ck_assert(!ne_attr_wants(""));
    ck_assert(!ne_attr_wants(NULL));
    ck_assert(!ne_attr_wants("@123"));
    ck_assert(!ne_attr_wants("node@"));
    ck_assert(!ne_attr_wants("node@12x"));
}
END_TEST

START_TEST(test_progress)
{
    struct ne_counts c = {.total = 30, .done = 12, .inflight = 8, .pending = 10, .filtered = 2};
    char line[256];

    ne_progress_format(&c, false, line, sizeof(line));
    ck_assert_str_eq(line, "running: 12/30 evacuated, 8 in flight, 10 pending, 0 failed, "
                           "2 not evacuable (policy or tag)");
    c = (struct ne_counts){.total = 30, .done = 28, .failed = 1, .blocked = 1};
    ne_progress_format(&c, true, line, sizeof(line));
    ck_assert_str_eq(line, "done: 28/30 evacuated, 1 failed, 1 blocked (task or vm state)");
    /* a short buffer is cut, not overrun */
    ne_progress_format(&c, true, line, 10);
    ck_assert_uint_eq(strlen(line), 9);
}
END_TEST

START_TEST(test_nova_time)
{
    ck_assert_int_eq(ne_nova_time("1970-01-01T00:00:10.000000"), 10);
    ck_assert_int_eq(ne_nova_time("2023-11-14T22:13:20Z"), 1700000000);
    ck_assert_int_eq(ne_nova_time("2023-11-14T22:13:20.123456+00:00"), 1700000000);
    ck_assert_int_eq(ne_nova_time("2023-11-14 22:13:20"), 1700000000);
    ck_assert_int_eq(ne_nova_time("2023-11-14T22:13:20+02:00"), -1);
    ck_assert_int_eq(ne_nova_time("yesterday"), -1);
    ck_assert_int_eq(ne_nova_time(NULL), -1);
}
END_TEST

START_TEST(test_urlencode)
{
    char out[64];

    ne_urlencode("compute-1.example.com", out, sizeof(out));
    ck_assert_str_eq(out, "compute-1.example.com");
    ne_urlencode("a b&c=d/e", out, sizeof(out));
    ck_assert_str_eq(out, "a%20b%26c%3Dd%2Fe");
    ne_urlencode("abcdefgh", out, 6);
    ck_assert_uint_lt(strlen(out), 6);
}
END_TEST

static Suite *
ne_suite(void)
{
    Suite *s = suite_create("nova_evacuate");
    TCase *tc = tcase_create("logic");

    tcase_add_test(tc, test_policy_parse);
    tcase_add_test(tc, test_tag_true);
    tcase_add_loop_test(tc, test_filter, 0, sizeof(filter_rows) / sizeof(filter_rows[0]));
    tcase_add_test(tc, test_mig_classify);
    tcase_add_loop_test(tc, test_decide, 0, sizeof(decide_rows) / sizeof(decide_rows[0]));
    tcase_add_test(tc, test_decide_never_twice);
    tcase_add_test(tc, test_facts_from_json);
    tcase_add_test(tc, test_evacuate_body);
    tcase_add_test(tc, test_marks_roundtrip);
    tcase_add_test(tc, test_marks_junk);
    tcase_add_test(tc, test_marks_many);
    tcase_add_test(tc, test_attr_wants);
    tcase_add_test(tc, test_progress);
    tcase_add_test(tc, test_nova_time);
    tcase_add_test(tc, test_urlencode);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(ne_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
