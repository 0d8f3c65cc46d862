/*
 * check_metrics.c: the shared counters (metrics.c): off until
 * metrics_init(), the exact Prometheus text for a known run of
 * decisions (bucket edges, the sum, series that never happened left
 * out), sums across forked processes, and a failing writer.
 * The "off" case must run first: under CK_FORK=no (valgrind) the
 * counters stay mapped from one test to the next.
 */
#include "config.h"

#include <sys/wait.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "extern.h"
#include "testlib.h"

static void
record(enum verdict v, enum why y, enum ccres c, uint64_t usec)
{
	struct decision	 d;

	memset(&d, 0, sizeof(d));
	d.verdict = v;
	d.why = y;
	d.cache = c;
	metrics_decision(&d, usec);
}

START_TEST(test_metrics_off)
{
	struct sink	 s;
	struct writer	 w;

	ck_assert_int_eq(metrics_on(), 0);
	record(VERDICT_ALLOW, WHY_GRANT_ROLE, CC_HIT, 10);
	metrics_lock();
	metrics_rebuild();
	sink_init(&s, &w, -1);
	ck_assert_int_eq(metrics_write(&w), -1);
	ck_assert_int_eq(s.calls, 0);
	free(s.buf);
}
END_TEST

static const char want[] =
    "# HELP portcullis_decisions_total Decisions by HTTP status and "
    "reason.\n"
    "# TYPE portcullis_decisions_total counter\n"
    "portcullis_decisions_total{status=\"200\",reason=\"grant-role\"} 2\n"
    "portcullis_decisions_total{status=\"401\",reason=\"bad-password\"} 1\n"
    "portcullis_decisions_total{status=\"403\",reason=\"no-grant\"} 1\n"
    "# HELP portcullis_credential_cache_total Passwords found in the "
    "credential cache (hit) or verified (miss).\n"
    "# TYPE portcullis_credential_cache_total counter\n"
    "portcullis_credential_cache_total{result=\"hit\"} 1\n"
    "portcullis_credential_cache_total{result=\"miss\"} 2\n"
    "# HELP portcullis_lockouts_total Locks imposed on a client after "
    "failed logins.\n"
    "# TYPE portcullis_lockouts_total counter\n"
    "portcullis_lockouts_total 1\n"
    "# HELP portcullis_snapshot_rebuilds_total Compiled policy snapshots "
    "rebuilt after a change.\n"
    "# TYPE portcullis_snapshot_rebuilds_total counter\n"
    "portcullis_snapshot_rebuilds_total 2\n"
    "# HELP portcullis_decision_duration_seconds Time from the parsed "
    "request to the decision.\n"
    "# TYPE portcullis_decision_duration_seconds histogram\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.0001\"} 1\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.00025\"} 1\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.0005\"} 1\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.001\"} 2\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.0025\"} 2\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.005\"} 2\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.01\"} 2\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.025\"} 2\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.05\"} 2\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.1\"} 3\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.25\"} 3\n"
    "portcullis_decision_duration_seconds_bucket{le=\"0.5\"} 3\n"
    "portcullis_decision_duration_seconds_bucket{le=\"1\"} 3\n"
    "portcullis_decision_duration_seconds_bucket{le=\"+Inf\"} 4\n"
    "portcullis_decision_duration_seconds_sum 2.06108\n"
    "portcullis_decision_duration_seconds_count 4\n";

START_TEST(test_metrics_text)
{
	struct sink	 s;
	struct writer	 w;

	ck_assert_int_eq(metrics_init(), 0);
	ck_assert_int_eq(metrics_init(), 0);
	ck_assert_int_eq(metrics_on(), 1);
	record(VERDICT_ALLOW, WHY_GRANT_ROLE, CC_HIT, 80);
	record(VERDICT_NOAUTH, WHY_BAD_PASSWORD, CC_MISS, 60000);
	record(VERDICT_ALLOW, WHY_GRANT_ROLE, CC_MISS, 1000);
	record(VERDICT_FORBIDDEN, WHY_NO_GRANT, CC_NONE, 2000000);
	record(VERDICT__MAX, WHY_NO_GRANT, CC_NONE, 1);	/* ignored */
	record(VERDICT_ALLOW, WHY__MAX, CC_NONE, 1);		/* ignored */
	metrics_lock();
	metrics_rebuild();
	metrics_rebuild();
	sink_init(&s, &w, -1);
	ck_assert_int_eq(metrics_write(&w), 0);
	ck_assert_str_eq(sink_str(&s), want);
	free(s.buf);
}
END_TEST

/* Every failing write is reported. */
START_TEST(test_metrics_write_fail)
{
	struct sink	 s;
	struct writer	 w;
	int		 calls;

	ck_assert_int_eq(metrics_init(), 0);
	sink_init(&s, &w, -1);
	ck_assert_int_eq(metrics_write(&w), 0);
	calls = s.calls;
	free(s.buf);
	ck_assert_int_gt(calls, 20);
	sink_init(&s, &w, _i % calls);
	ck_assert_int_eq(metrics_write(&w), -1);
	free(s.buf);
}
END_TEST

/* Four processes forked after metrics_init() add to one set of counters. */
START_TEST(test_metrics_shared)
{
	struct sink	 s;
	struct writer	 w;
	pid_t		 pid[4];
	int		 i, j, st;

	ck_assert_int_eq(metrics_init(), 0);
	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		ck_assert_int_ne(pid[i], -1);
		if (pid[i] == 0) {
			for (j = 0; j < 10000; j++)
				record(VERDICT_METHOD, WHY_NO_METHOD, CC_NONE, 3);
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	sink_init(&s, &w, -1);
	ck_assert_int_eq(metrics_write(&w), 0);
	ck_assert_ptr_nonnull(strstr(sink_str(&s),
	    "\nportcullis_decisions_total{status=\"405\",reason=\"no-method\"}"
	    " 40000\n"));
	free(s.buf);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("metrics");
	tc = tcase_create("metrics");
	tcase_add_test(tc, test_metrics_off);
	tcase_add_test(tc, test_metrics_text);
	tcase_add_loop_test(tc, test_metrics_write_fail, 0, 64);
	tcase_add_test(tc, test_metrics_shared);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(metrics_suite());
}
