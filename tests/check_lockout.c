/*
 * check_lockout.c: lockout through decide() on a real database and a
 * real state database, with lockout's clock in the test's hand.  Each
 * row is a sequence of requests from some address, each with the
 * answer, the reason, the Retry-After and how many passwords it cost
 * to verify (a locked client costs none).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "extern.h"
#include "testlib.h"

static const char policy_sql[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "'),"
    "    ('bob', '" FX_BCRYPT "');"
    "INSERT INTO users (name, hash, disabled) VALUES "
    "    ('carol', '" FX_BCRYPT "', 1);"
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/public/**', 'GET', 'all'),"
    "    ('/members/**', 'GET', 'valid-user');";

/* Lock a pair on its 3rd failure in 60 s, for 100 s; networks off. */
static const char pair3[] =
    "INSERT INTO settings (name, value) VALUES"
    "    ('lockout_attempts', '3'), ('lockout_window_seconds', '60'),"
    "    ('lockout_seconds', '100'), ('lockout_network_attempts', '0');";
/* Lock a network on its 4th failure; pairs off. */
static const char net4[] =
    "INSERT INTO settings (name, value) VALUES"
    "    ('lockout_attempts', '0'), ('lockout_network_attempts', '4'),"
    "    ('lockout_network_window_seconds', '60'),"
    "    ('lockout_network_seconds', '100');";
static const char off[] =
    "INSERT INTO settings (name, value) VALUES"
    "    ('lockout_attempts', '0'), ('lockout_network_attempts', '0');";

#define V4	"192.0.2.7"
#define V4B	"198.51.100.9"
#define OK	VERDICT_ALLOW
#define NOAUTH	VERDICT_NOAUTH
#define LOCKED	VERDICT_LOCKED
#define BUSY	VERDICT_BUSY

struct step {
	time_t		 t;
	const char	*addr;		/* REMOTE_ADDR */
	const char	*cred;		/* "user:pass" as Basic, or NULL */
	const char	*target;	/* NULL: /members/x */
	enum verdict	 verdict;
	enum why	 why;
	unsigned int	 retry;		/* Retry-After when 429 */
	unsigned long	 hashes;	/* passwords verified */
};

static const struct {
	const char	*name;
	const char	*settings;
	const char	*state;		/* NULL: the fixture's */
	int		 cache;		/* the credential cache on */
	struct step	 steps[12];
} seqs[] = {
	{ "3 bad guesses lock the pair; the password then costs nothing",
	  pair3, NULL, 0, {
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 1, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 1, V4, "alice:s3cret", NULL, LOCKED, WHY_LOCKED, 100, 0 },
	    { 50, V4, "alice:wrong", NULL, LOCKED, WHY_LOCKED, 51, 0 },
	    { 50, V4B, "alice:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 50, V4, "bob:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 50, V4, NULL, "/public/x", OK, WHY_GRANT_ALL, 0, 0 },
	    { 50, V4, NULL, NULL, NOAUTH, WHY_NO_CREDENTIALS, 0, 0 },
	    { 101, V4, "alice:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 0 } } },
	{ "unknown, disabled and known names alike",
	  pair3, NULL, 0, {
	    { 0, V4, "nobody:x", NULL, NOAUTH, WHY_UNKNOWN_USER, 0, 1 },
	    { 0, V4, "nobody:x", NULL, NOAUTH, WHY_UNKNOWN_USER, 0, 1 },
	    { 0, V4, "nobody:x", NULL, NOAUTH, WHY_UNKNOWN_USER, 0, 1 },
	    { 0, V4, "nobody:x", NULL, LOCKED, WHY_LOCKED, 100, 0 },
	    { 0, V4, "carol:s3cret", NULL, NOAUTH, WHY_DISABLED_USER, 0, 1 },
	    { 0, V4, "carol:s3cret", NULL, NOAUTH, WHY_DISABLED_USER, 0, 1 },
	    { 0, V4, "carol:s3cret", NULL, NOAUTH, WHY_DISABLED_USER, 0, 1 },
	    { 0, V4, "carol:s3cret", NULL, LOCKED, WHY_LOCKED, 100, 0 },
	    { 0 } } },
	{ "a good password forgets the pair's failures",
	  pair3, NULL, 0, {
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 0 } } },
	{ "a cached password does not pass a lock",
	  pair3, NULL, 1, {
	    { 0, V4, "alice:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 0, V4, "alice:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 0 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:s3cret", NULL, LOCKED, WHY_LOCKED, 100, 0 },
	    { 0 } } },
	{ "the network locks on its 4th failure, any names",
	  net4, NULL, 0, {
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "bob:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "x:y", NULL, NOAUTH, WHY_UNKNOWN_USER, 0, 1 },
	    { 0, V4, "::bad", NULL, NOAUTH, WHY_BAD_HEADER, 0, 0 },
	    { 0, V4, "bob:s3cret", NULL, LOCKED, WHY_LOCKED, 100, 0 },
	    { 0, V4B, "bob:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 0, V4, NULL, "/public/x", OK, WHY_GRANT_ALL, 0, 0 },
	    { 0 } } },
	{ "IPv6 counts by /64",
	  pair3, NULL, 0, {
	    { 0, "2001:db8::1", "alice:w", NULL, NOAUTH, WHY_BAD_PASSWORD, 0,
		1 },
	    { 0, "2001:db8::2", "alice:w", NULL, NOAUTH, WHY_BAD_PASSWORD, 0,
		1 },
	    { 0, "2001:db8::3", "alice:w", NULL, NOAUTH, WHY_BAD_PASSWORD, 0,
		1 },
	    { 0, "2001:db8::ffff", "alice:s3cret", NULL, LOCKED, WHY_LOCKED,
		100, 0 },
	    { 0, "2001:db8:0:1::1", "alice:s3cret", NULL, OK,
		WHY_GRANT_VALID_USER, 0, 1 },
	    { 0 } } },
	{ "no state database: 503 for credentials, anonymous goes on",
	  pair3, "/nonexistent/auth.db-state", 0, {
	    { 0, V4, "alice:s3cret", NULL, BUSY, WHY_LOCKOUT_STATE, 0, 0 },
	    { 0, V4, "alice:wrong", NULL, BUSY, WHY_LOCKOUT_STATE, 0, 0 },
	    { 0, V4, NULL, "/public/x", OK, WHY_GRANT_ALL, 0, 0 },
	    { 0, V4, NULL, NULL, NOAUTH, WHY_NO_CREDENTIALS, 0, 0 },
	    { 0 } } },
	{ "lockout off: no state database needed",
	  off, "/nonexistent/auth.db-state", 0, {
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:wrong", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, V4, "alice:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 0 } } },
	{ "an address that is none counts as one network",
	  pair3, NULL, 0, {
	    { 0, "unix:", "alice:w", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, "", "alice:w", NULL, NOAUTH, WHY_BAD_PASSWORD, 0, 1 },
	    { 0, "not an address", "alice:w", NULL, NOAUTH, WHY_BAD_PASSWORD,
		0, 1 },
	    { 0, "unix:", "alice:s3cret", NULL, LOCKED, WHY_LOCKED, 100, 0 },
	    { 0, V4, "alice:s3cret", NULL, OK, WHY_GRANT_VALID_USER, 0, 1 },
	    { 0 } } },
};

static time_t	 now;

static time_t
fake_clock(void)
{
	return now;
}

/* One request of a step through decide(): its decision. */
static void
run_step(struct store *s, const struct step *st, struct decision *d)
{
	struct request	 req;
	char		 authz[256], b64[200];
	const char	*env[12];
	size_t		 n = 0;

	env[n++] = "REQUEST_METHOD";
	env[n++] = "GET";
	env[n++] = "REQUEST_URI";
	env[n++] = st->target != NULL ? st->target : "/members/x";
	env[n++] = "REMOTE_ADDR";
	env[n++] = st->addr;
	if (st->cred != NULL && strncmp(st->cred, "::", 2) == 0) {
		env[n++] = "HTTP_AUTHORIZATION";
		env[n++] = "Basic !!!";
	} else if (st->cred != NULL) {
		ck_assert_uint_gt(b64_encode(b64, sizeof(b64), st->cred,
		    strlen(st->cred)), 0);
		snprintf(authz, sizeof(authz), "Basic %s", b64);
		env[n++] = "HTTP_AUTHORIZATION";
		env[n++] = authz;
	}
	env[n++] = NULL;
	env[n++] = NULL;
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	decide(s, &req, d);
	req_wipe(&req);
}

START_TEST(test_sequence)
{
	const struct step	*st;
	struct fx		 f;
	struct store		*s;
	struct decision		 d;
	enum storeres		 res;
	unsigned long		 h;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	fx_exec(&f, seqs[_i].settings);
	if (seqs[_i].state != NULL)
		ck_assert_int_eq(lockout_init(seqs[_i].state, 1), 0);
	ck_assert_int_eq(pw_init(), 0);
	credcache_wipe();
	credcache_enable(seqs[_i].cache);
	lockout_clock(fake_clock);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	for (st = seqs[_i].steps; st->addr != NULL; st++) {
		now = 1000000 + st->t;
		h = pw_hashes();
		run_step(s, st, &d);
		ck_assert_msg(d.verdict == st->verdict && d.why == st->why &&
		    (st->verdict != LOCKED || d.retry_after == st->retry) &&
		    pw_hashes() - h == st->hashes,
		    "%s: step %td: verdict %d why %s retry %u hashes %lu",
		    seqs[_i].name, st - seqs[_i].steps, d.verdict,
		    why_str[d.why], d.retry_after, pw_hashes() - h);
	}
	store_close(s);
	lockout_clock(NULL);
	credcache_enable(0);
	credcache_wipe();
	fx_teardown(&f);
}
END_TEST

/*
 * With the shared counters on (metrics.c), the failure that locks a
 * pair counts one lock; failures before it and answers while locked
 * count none.
 */
START_TEST(test_metrics_locks)
{
	static const struct step	 wrong = { 0, V4, "alice:w", NULL,
					    NOAUTH, WHY_BAD_PASSWORD, 0, 1 };
	struct fx			 f;
	struct store			*s;
	struct decision			 d;
	enum storeres			 res;
	struct sink			 k;
	struct writer			 w;
	int				 i;
	/* Locks counted after request i (0: none yet): the 3rd locks. */
	static const struct {
		enum verdict	 verdict;
		const char	*locks;
	} want[] = {
		{ VERDICT__MAX,		"\nportcullis_lockouts_total 0\n" },
		{ VERDICT_NOAUTH,	"\nportcullis_lockouts_total 0\n" },
		{ VERDICT_NOAUTH,	"\nportcullis_lockouts_total 0\n" },
		{ VERDICT_NOAUTH,	"\nportcullis_lockouts_total 1\n" },
		{ VERDICT_LOCKED,	"\nportcullis_lockouts_total 1\n" },
		{ VERDICT_LOCKED,	"\nportcullis_lockouts_total 1\n" },
	};

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	fx_exec(&f, pair3);
	ck_assert_int_eq(pw_init(), 0);
	ck_assert_int_eq(metrics_init(), 0);
	lockout_clock(fake_clock);
	now = 1000000;
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	for (i = 0; i < (int)nitems(want); i++) {
		if (i > 0) {
			run_step(s, &wrong, &d);
			ck_assert_int_eq(d.verdict, want[i].verdict);
		}
		sink_init(&k, &w, -1);
		ck_assert_int_eq(metrics_write(&w), 0);
		ck_assert_msg(strstr(sink_str(&k), want[i].locks) != NULL,
		    "after request %d: %s", i, sink_str(&k));
		free(k.buf);
	}
	store_close(s);
	lockout_clock(NULL);
	fx_teardown(&f);
}
END_TEST

/* PORTCULLIS_CLIENT_ADDR (Caddy's {client_ip}) is the client. */
START_TEST(test_client_addr)
{
	struct request	 req;
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI", "/",
	    "REMOTE_ADDR", "127.0.0.1", "PORTCULLIS_CLIENT_ADDR",
	    "2001:db8::7", "HTTP_X_FORWARDED_FOR", "192.0.2.1", NULL, NULL };

	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	ck_assert_str_eq(req.addr, "2001:db8::7");
	env[7] = "";
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	ck_assert_str_eq(req.addr, "127.0.0.1");
}
END_TEST

/* 429 as each mode writes it. */
static const struct {
	enum mode	 mode;
	const char	*out;
} answers[] = {
	{ MODE_RESPONDER, "Status: 429 Too Many Requests\r\n"
	    "Retry-After: 42\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 22\r\n\r\n"
	    "429 Too Many Requests\n" },
	{ MODE_FORWARD_AUTH, "Status: 429 Too Many Requests\r\n"
	    "Retry-After: 42\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 22\r\n\r\n"
	    "429 Too Many Requests\n" },
	{ MODE_AUTH_REQUEST, "Status: 403 Forbidden\r\n"
	    "X-Portcullis-Status: 429\r\n"
	    "Retry-After: 42\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 14\r\n\r\n"
	    "403 Forbidden\n" },
};

START_TEST(test_answer)
{
	struct decision	 d;
	struct writer	 w;
	struct sink	 k;

	memset(&d, 0, sizeof(d));
	d.verdict = VERDICT_LOCKED;
	d.why = WHY_LOCKED;
	d.mode = answers[_i].mode;
	d.retry_after = 42;
	sink_init(&k, &w, -1);
	ck_assert_int_eq(resp_denial(&w, &d, 0), 0);
	ck_assert_str_eq(sink_str(&k), answers[_i].out);
	free(k.buf);
}
END_TEST

static Suite *
lockout_suite(void)
{
	Suite	*s = suite_create("lockout");
	TCase	*tc = tcase_create("table");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_sequence, 0, nitems(seqs));
	tcase_add_test(tc, test_client_addr);
	tcase_add_test(tc, test_metrics_locks);
	tcase_add_loop_test(tc, test_answer, 0, nitems(answers));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(lockout_suite());
}
