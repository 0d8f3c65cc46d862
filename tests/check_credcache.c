/*
 * check_credcache.c: the credential cache (credcache.c) on its own,
 * then through decide() on a real database, then the log line of an
 * allowed request (cache=hit|miss).
 *
 * The cache is process state: every test starts from credcache_wipe()
 * with the real clock, so the suite also runs with CK_FORK=no
 * (valgrind).
 */
#include "config.h"

#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "extern.h"
#include "testlib.h"

/* The injectable clock: what credcache sees as "now", in seconds. */
static time_t	 fake_now;

static time_t
fake_clock(void)
{
	return fake_now;
}

/* A fresh, enabled cache with the fake clock at 1000. */
static void
cc_start(struct settings *set, unsigned int seconds, unsigned int entries)
{
	memset(set, 0, sizeof(*set));
	set->cache_seconds = seconds;
	set->cache_entries = entries;
	credcache_wipe();
	credcache_enable(1);
	fake_now = 1000;
	credcache_clock(fake_clock);
}

static void
cc_stop(void)
{
	credcache_wipe();
	credcache_enable(0);
	credcache_clock(NULL);
}

/* One credential: (pointer, length) strings, so NUL bytes count. */
struct credk {
	const char	*user;
	size_t		 usersz;
	const char	*pass;
	size_t		 passsz;
	const char	*hash;
};
#define K(u, p, h)	{ u, sizeof(u) - 1, p, sizeof(p) - 1, h }

static int
look(const struct settings *set, const struct credk *k)
{
	return credcache_lookup(set, k->user, k->usersz, k->pass, k->passsz,
	    k->hash);
}

static void
put(const struct settings *set, const struct credk *k)
{
	credcache_insert(set, k->user, k->usersz, k->pass, k->passsz,
	    k->hash);
}

/*
 * Key separation: after a success for ins, is look a hit?  Only the
 * very same three strings are: the lengths are part of the key, so no
 * shift of a boundary between the fields meets another entry; another
 * user with the same password and hash never gets the entry; a new
 * hash (portcullis user passwd) misses at once.
 */
static const struct {
	struct credk	 ins;
	struct credk	 look;
	int		 want;
} keys[] = {
	{ K("alice", "s3cret", "$y$1"),	K("alice", "s3cret", "$y$1"),	1 },
	{ K("ab", "c", "$y$1"),		K("a", "bc", "$y$1"),		0 },
	{ K("a", "bc", "$y$1"),		K("ab", "c", "$y$1"),		0 },
	{ K("alice", "pw$y", "$1"),	K("alice", "pw", "$y$1"),	0 },
	{ K("alice", "pw", "$y$1"),	K("alice", "pw$y", "$1"),	0 },
	{ K("alice", "", "$y$1"),	K("alice", "", "$y$1"),		1 },
	{ K("alice", "", "$y$1"),	K("alic", "e", "$y$1"),		0 },
	{ K("alice", "s3cret", "$y$1"),	K("bob", "s3cret", "$y$1"),	0 },
	{ K("alice", "s3cret", "$y$1"),	K("alice", "s3cret", "$y$2"),	0 },
	{ K("alice", "s3cret", "$y$1"),	K("alice", "s3creT", "$y$1"),	0 },
	{ K("alice", "s3cret", "$y$1"),	K("alice", "s3cre", "$y$1"),	0 },
	{ K("alice", "a\0b", "$y$1"),	K("alice", "a\0b", "$y$1"),	1 },
	{ K("alice", "a\0b", "$y$1"),	K("alice", "a\0c", "$y$1"),	0 },
	{ K("alice", "a\0b", "$y$1"),	K("alice", "a", "$y$1"),	0 },
};

START_TEST(test_keys)
{
	struct settings	 set;

	cc_start(&set, 300, 16);
	ck_assert_int_eq(look(&set, &keys[_i].ins), 0);	/* cold */
	put(&set, &keys[_i].ins);
	ck_assert_int_eq(credcache_count(), 1);
	ck_assert_int_eq(look(&set, &keys[_i].look), keys[_i].want);
	ck_assert_int_eq(look(&set, &keys[_i].ins), 1);
	cc_stop();
}
END_TEST

/*
 * Age: an entry is good while younger than credential_cache_seconds
 * by the (monotonic) clock; a clock that went back misses; an expired
 * entry found is dropped; seconds 0 turns the cache off.
 */
static const struct {
	unsigned int	 seconds;
	time_t		 age;
	int		 want;
	size_t		 left;		/* entries after the lookup */
} ages[] = {
	{ 300,	0,	1, 1 },
	{ 300,	1,	1, 1 },
	{ 300,	299,	1, 1 },
	{ 300,	300,	0, 0 },
	{ 300,	301,	0, 0 },
	{ 300,	100000,	0, 0 },
	{ 300,	-1,	0, 0 },
	{ 1,	0,	1, 1 },
	{ 1,	1,	0, 0 },
	{ 86400, 86399,	1, 1 },
	{ 86400, 86400,	0, 0 },
	{ 0,	0,	0, 0 },
};

START_TEST(test_age)
{
	struct settings		 set;
	const struct credk	 k = K("alice", "s3cret", "$y$h1");

	cc_start(&set, ages[_i].seconds, 16);
	put(&set, &k);
	fake_now += ages[_i].age;
	ck_assert_int_eq(look(&set, &k), ages[_i].want);
	ck_assert_uint_eq(credcache_count(), ages[_i].left);
	cc_stop();
}
END_TEST

/*
 * The bound: however many credentials succeed, a process holds at
 * most credential_cache_entries of them, and the last one is always
 * there.  Also a table with long buckets (more entries than the index
 * has buckets for) finds every entry.
 */
static const struct {
	unsigned int	 entries;
	size_t		 inserts;
} bounds[] = {
	{ 1, 1 }, { 1, 5 }, { 2, 3 }, { 4, 4 }, { 4, 100 }, { 64, 63 },
	{ 64, 1000 }, { 1000, 1000 }, { 4096, 5000 },
};

START_TEST(test_bound)
{
	struct settings	 set;
	char		 user[32];
	size_t		 i, n;

	cc_start(&set, 300, bounds[_i].entries);
	for (i = 0; i < bounds[_i].inserts; i++) {
		n = (size_t)snprintf(user, sizeof(user), "u%zu", i);
		credcache_insert(&set, user, n, "pw", 2, "$y$h");
		ck_assert_uint_le(credcache_count(), bounds[_i].entries);
		ck_assert_int_eq(credcache_lookup(&set, user, n, "pw", 2,
		    "$y$h"), 1);
	}
	n = bounds[_i].inserts < bounds[_i].entries ? bounds[_i].inserts :
	    bounds[_i].entries;
	ck_assert_uint_eq(credcache_count(), n);
	cc_stop();
}
END_TEST

/*
 * CLOCK, step by step with 4 entries: rows of operations on users
 * a-f, 'i' insert, 'l' lookup (want given); a hit gives an entry a
 * second chance, so the hand passes it and evicts the next.
 */
static const struct {
	const char	*ops;	/* "ia" insert a; "la1" lookup a, want hit */
} clocks[] = {
	/* Fill, then one more: the first (never hit) goes. */
	{ "ia ib ic id ie la0 lb1 lc1 ld1 le1" },
	/* a was hit: b goes instead. */
	{ "ia ib ic id la1 ie la1 lb0 lc1 ld1 le1" },
	/* a and b were hit: c goes. */
	{ "ia ib ic id la1 lb1 ie la1 lb1 lc0 ld1 le1" },
	/* All were hit: one full turn clears them, then a goes. */
	{ "ia ib ic id la1 lb1 lc1 ld1 ie la0 lb1 lc1 ld1 le1" },
	/* Inserting a present key only renews it: nothing goes. */
	{ "ia ib ic id ia ib la1 lb1 lc1 ld1" },
};

START_TEST(test_clock)
{
	struct settings	 set;
	const char	*p;
	char		 u[2] = "?";

	cc_start(&set, 300, 4);
	for (p = clocks[_i].ops; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		u[0] = p[1];
		if (*p == 'i')
			credcache_insert(&set, u, 1, "pw", 2, "$y$h");
		else
			ck_assert_msg(credcache_lookup(&set, u, 1, "pw", 2,
			    "$y$h") == p[2] - '0', "%.3s", p);
		p += *p == 'i' ? 1 : 2;
	}
	cc_stop();
}
END_TEST

/*
 * Everything that empties the cache: credcache_wipe() (exit), the
 * setting going to 0 (off), a change of credential_cache_entries
 * (reallocated), credcache_enable(0); and a cache never enabled (CGI)
 * keeps nothing.
 */
enum wipe { WIPE_CALL, WIPE_OFF, WIPE_RESIZE, WIPE_DISABLE, WIPE_NEVER };
static const enum wipe wipes[] = {
	WIPE_CALL, WIPE_OFF, WIPE_RESIZE, WIPE_DISABLE, WIPE_NEVER
};

START_TEST(test_wipe)
{
	struct settings		 set;
	const struct credk	 k = K("alice", "s3cret", "$y$h1");

	cc_start(&set, 300, 16);
	if (wipes[_i] == WIPE_NEVER)
		credcache_enable(0);
	put(&set, &k);
	ck_assert_int_eq(look(&set, &k), wipes[_i] != WIPE_NEVER);
	switch (wipes[_i]) {
	case WIPE_CALL:
		credcache_wipe();
		break;
	case WIPE_OFF:
		set.cache_seconds = 0;
		ck_assert_int_eq(look(&set, &k), 0);
		ck_assert_uint_eq(credcache_count(), 0);
		put(&set, &k);
		ck_assert_uint_eq(credcache_count(), 0);
		set.cache_seconds = 300;
		break;
	case WIPE_RESIZE:
		set.cache_entries = 17;
		break;
	case WIPE_DISABLE:
		credcache_enable(0);
		ck_assert_int_eq(look(&set, &k), 0);
		credcache_enable(1);
		break;
	case WIPE_NEVER:
		break;
	}
	ck_assert_int_eq(look(&set, &k), 0);
	ck_assert_uint_eq(credcache_count(), 0);
	/* And it works again afterwards (unless never enabled). */
	put(&set, &k);
	ck_assert_int_eq(look(&set, &k), wipes[_i] != WIPE_NEVER);
	cc_stop();
}
END_TEST

/*
 * A forked worker has its own key and an empty table: what its parent
 * verified does not hit there, and the parent keeps its own.
 */
START_TEST(test_fork)
{
	struct settings		 set;
	const struct credk	 k = K("alice", "s3cret", "$y$h1");
	pid_t			 pid;
	int			 st;

	cc_start(&set, 300, 16);
	put(&set, &k);
	ck_assert_int_eq(look(&set, &k), 1);
	if ((pid = fork()) == 0) {
		st = look(&set, &k) == 0 ? 0 : 1;
		if (st == 0 && credcache_count() != 0)
			st = 2;
		put(&set, &k);
		if (st == 0 && look(&set, &k) != 1)
			st = 3;
		_exit(st);
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_int_eq(look(&set, &k), 1);
	cc_stop();
}
END_TEST

/*
 * Through decide(), on one database a FastCGI process keeps open:
 * each row is one request after an optional change made by the
 * administrator.  Row i replays rows 0..i (the cache is warm from the
 * earlier ones) and checks row i: the verdict, why, cache=, and how
 * many hashes were computed (pw_hashes()).  Everything but the
 * password is read from the database on every request.
 */
static const char cc_policy[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "');"
    "INSERT INTO users (name, hash) VALUES ('bob', '" FX_BCRYPT "');"
    "INSERT INTO roles (name) VALUES ('viewer');"
    "INSERT INTO members (user, role) VALUES ('alice', 'viewer'),"
    "    ('bob', 'viewer');"
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/docs/**', 'GET', 'viewer'),"
    "    ('/pub/**', 'GET', 'all');";

static const struct {
	const char	*sql;		/* run first, or NULL */
	const char	*cred;		/* "user:password", or NULL */
	const char	*target;
	enum verdict	 verdict;
	enum why	 why;
	enum ccres	 cache;
	unsigned long	 hashes;	/* computed by this request */
} reqs[] = {
	/* 0 */ { NULL, "alice:s3cret", "/docs/a", VERDICT_ALLOW,
	    WHY_GRANT_ROLE, CC_MISS, 1 },
	/* 1 */ { NULL, "alice:s3cret", "/docs/a", VERDICT_ALLOW,
	    WHY_GRANT_ROLE, CC_HIT, 0 },
	/* 2: a wrong password pays in full, every time */
	{ NULL, "alice:wrong", "/docs/a", VERDICT_NOAUTH,
	    WHY_BAD_PASSWORD, CC_MISS, 1 },
	/* 3 */ { NULL, "alice:wrong", "/docs/a", VERDICT_NOAUTH,
	    WHY_BAD_PASSWORD, CC_MISS, 1 },
	/* 4: another user, same password and hash: not alice's entry */
	{ NULL, "bob:s3cret", "/docs/a", VERDICT_ALLOW, WHY_GRANT_ROLE,
	    CC_MISS, 1 },
	/* 5: anonymous: no password, no cache */
	{ NULL, NULL, "/pub/x", VERDICT_ALLOW, WHY_GRANT_ALL, CC_NONE, 0 },
	/* 6: an unknown user pays the dummy hash */
	{ NULL, "zed:s3cret", "/docs/a", VERDICT_NOAUTH, WHY_UNKNOWN_USER,
	    CC_NONE, 1 },
	/* 7: revoked: 403 at once, though the password is cached */
	{ "DELETE FROM members WHERE user = 'alice'", "alice:s3cret",
	    "/docs/a", VERDICT_FORBIDDEN, WHY_NO_GRANT, CC_HIT, 0 },
	/* 8 */ { "INSERT INTO members VALUES ('alice', 'viewer')",
	    "alice:s3cret", "/docs/a", VERDICT_ALLOW, WHY_GRANT_ROLE,
	    CC_HIT, 0 },
	/* 9: disabled: 401 at once, and the full cost (no lookup) */
	{ "UPDATE users SET disabled = 1 WHERE name = 'alice'",
	    "alice:s3cret", "/docs/a", VERDICT_NOAUTH, WHY_DISABLED_USER,
	    CC_MISS, 1 },
	/* 10 */ { "UPDATE users SET disabled = 0 WHERE name = 'alice'",
	    "alice:s3cret", "/docs/a", VERDICT_ALLOW, WHY_GRANT_ROLE,
	    CC_HIT, 0 },
	/* 11: expired: 401 at once */
	{ "UPDATE users SET expires = '2000-01-01' WHERE name = 'alice'",
	    "alice:s3cret", "/docs/a", VERDICT_NOAUTH, WHY_EXPIRED_USER,
	    CC_MISS, 1 },
	/* 12 */ { "UPDATE users SET expires = NULL WHERE name = 'alice'",
	    "alice:s3cret", "/docs/a", VERDICT_ALLOW, WHY_GRANT_ROLE,
	    CC_HIT, 0 },
	/* 13: a new hash of the same password misses at once ... */
	{ "UPDATE users SET hash = '" FX_YESCRYPT "' WHERE name = 'alice'",
	    "alice:s3cret", "/docs/a", VERDICT_ALLOW, WHY_GRANT_ROLE,
	    CC_MISS, 1 },
	/* 14: ... then hits */ { NULL, "alice:s3cret", "/docs/a",
	    VERDICT_ALLOW, WHY_GRANT_ROLE, CC_HIT, 0 },
	/* 15: deleted: 401 (the dummy hash) */
	{ "DELETE FROM users WHERE name = 'alice'", "alice:s3cret",
	    "/docs/a", VERDICT_NOAUTH, WHY_UNKNOWN_USER, CC_NONE, 1 },
	/* 16: the cache turned off: bob verifies every time */
	{ "UPDATE settings SET value = '0' "
	    "WHERE name = 'credential_cache_seconds'", "bob:s3cret",
	    "/docs/a", VERDICT_ALLOW, WHY_GRANT_ROLE, CC_MISS, 1 },
	/* 17 */ { NULL, "bob:s3cret", "/docs/a", VERDICT_ALLOW,
	    WHY_GRANT_ROLE, CC_MISS, 1 },
	/* 18: on again, one verification, then hits */
	{ "UPDATE settings SET value = '300' "
	    "WHERE name = 'credential_cache_seconds'", "bob:s3cret",
	    "/docs/a", VERDICT_ALLOW, WHY_GRANT_ROLE, CC_MISS, 1 },
	/* 19 */ { NULL, "bob:s3cret", "/docs/a", VERDICT_ALLOW,
	    WHY_GRANT_ROLE, CC_HIT, 0 },
	/* 20: a directory and its index: one verification for both */
	{ "INSERT INTO rules (pattern, methods, principal) VALUES "
	    "('/docs/index.html', 'GET', 'viewer')", "bob:s3cret", "/docs/",
	    VERDICT_ALLOW, WHY_GRANT_ROLE, CC_HIT, 0 },
};

/* Decide one row of reqs on s; check it if check is set. */
static void
cc_request(struct fx *f, struct store *s, size_t i, int check)
{
	struct request	 req;
	struct decision	 d;
	char		 b64[256], authz[300];
	const char	*env[] = { "REQUEST_METHOD", "GET",
			    "REQUEST_URI", reqs[i].target,
			    "HTTP_AUTHORIZATION", authz, NULL, NULL };
	unsigned long	 before;

	if (reqs[i].sql != NULL)
		fx_exec(f, reqs[i].sql);
	if (reqs[i].cred != NULL) {
		ck_assert_uint_gt(b64_encode(b64, sizeof(b64), reqs[i].cred,
		    strlen(reqs[i].cred)), 0);
		snprintf(authz, sizeof(authz), "Basic %s", b64);
	} else
		env[4] = NULL;
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	before = pw_hashes();
	decide(s, &req, &d);
	req_wipe(&req);
	if (!check)
		return;
	ck_assert_msg(d.verdict == reqs[i].verdict && d.why == reqs[i].why,
	    "row %zu: verdict %d why %s, want %d %s", i, d.verdict,
	    why_str[d.why], reqs[i].verdict, why_str[reqs[i].why]);
	ck_assert_msg(d.cache == reqs[i].cache, "row %zu: cache=%s, want %s",
	    i, ccres_str[d.cache], ccres_str[reqs[i].cache]);
	ck_assert_msg(pw_hashes() - before == reqs[i].hashes,
	    "row %zu: %lu hashes, want %lu", i, pw_hashes() - before,
	    reqs[i].hashes);
}

START_TEST(test_decide)
{
	struct fx	 f;
	struct store	*s;
	enum storeres	 res;
	size_t		 i;

	ck_assert_int_eq(pw_init(), 0);
	credcache_wipe();
	credcache_clock(NULL);
	credcache_enable(1);
	fx_setup(&f);
	fx_exec(&f, cc_policy);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	for (i = 0; i <= (size_t)_i; i++)
		cc_request(&f, s, i, i == (size_t)_i);
	store_close(s);
	fx_teardown(&f);
	cc_stop();
}
END_TEST

/* The same requests in a CGI process (never enabled): always a miss. */
START_TEST(test_decide_cgi)
{
	struct fx	 f;
	struct store	*s;
	enum storeres	 res;
	unsigned long	 before;
	int		 k;

	ck_assert_int_eq(pw_init(), 0);
	cc_stop();
	fx_setup(&f);
	fx_exec(&f, cc_policy);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	before = pw_hashes();
	for (k = 0; k < 3; k++)
		cc_request(&f, s, 0, 0);
	ck_assert_uint_eq(pw_hashes() - before, 3);
	ck_assert_uint_eq(credcache_count(), 0);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/* The settings as store_settings() reads them. */
static const struct {
	const char	*sql;		/* run first, or NULL */
	int		 rc;
	unsigned int	 seconds;
	unsigned int	 entries;
} sets[] = {
	{ NULL, 0, 300, 4096 },		/* the migration's defaults */
	{ "UPDATE settings SET value = '0' "
	    "WHERE name = 'credential_cache_seconds'", 0, 0, 4096 },
	{ "UPDATE settings SET value = '86400' "
	    "WHERE name = 'credential_cache_seconds'", 0, 86400, 4096 },
	{ "UPDATE settings SET value = '1' "
	    "WHERE name = 'credential_cache_entries'", 0, 300, 1 },
	{ "UPDATE settings SET value = '1000000' "
	    "WHERE name = 'credential_cache_entries'", 0, 300, 1000000 },
	{ "DELETE FROM settings WHERE name LIKE 'credential_cache_%'", 0,
	    CREDCACHE_SECONDS_DEFAULT, CREDCACHE_ENTRIES_DEFAULT },
	/* What the schema refuses, forced in: an error, not a guess. */
	{ "PRAGMA ignore_check_constraints = ON; UPDATE settings SET "
	    "value = '86401' WHERE name = 'credential_cache_seconds'",
	    -1, 0, 0 },
	{ "PRAGMA ignore_check_constraints = ON; UPDATE settings SET "
	    "value = '0' WHERE name = 'credential_cache_entries'", -1, 0, 0 },
	{ "PRAGMA ignore_check_constraints = ON; UPDATE settings SET "
	    "value = ' 5' WHERE name = 'credential_cache_seconds'",
	    -1, 0, 0 },
	{ "PRAGMA ignore_check_constraints = ON; UPDATE settings SET "
	    "value = '5x' WHERE name = 'credential_cache_seconds'",
	    -1, 0, 0 },
	{ "PRAGMA ignore_check_constraints = ON; UPDATE settings SET "
	    "value = '-1' WHERE name = 'credential_cache_entries'", -1, 0, 0 },
	{ "PRAGMA ignore_check_constraints = ON; UPDATE settings SET "
	    "value = '99999999999999999999' "
	    "WHERE name = 'credential_cache_entries'", -1, 0, 0 },
};

START_TEST(test_settings)
{
	struct fx	 f;
	struct store	*s;
	struct settings	 set;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	const char	*env[] = { "REQUEST_METHOD", "GET",
			    "REQUEST_URI", "/", NULL, NULL };

	fx_setup(&f);
	fx_exec(&f, "INSERT INTO rules (pattern, methods, principal) "
	    "VALUES ('/', 'GET', 'all')");
	if (sets[_i].sql != NULL)
		fx_exec(&f, sets[_i].sql);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	if (sets[_i].rc == 0) {
		ck_assert_int_eq(store_begin(s), STORE_OK);
		ck_assert_int_eq(store_settings(s, &set), 0);
		ck_assert_uint_eq(set.cache_seconds, sets[_i].seconds);
		ck_assert_uint_eq(set.cache_entries, sets[_i].entries);
		store_end(s);
	} else {
		/* A request then fails closed, and the log says why. */
		ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
		decide(s, &req, &d);
		ck_assert_int_eq(d.verdict, VERDICT_ERROR);
		ck_assert_str_eq(d.detail, strstr(sets[_i].sql,
		    "'credential_cache_seconds'") != NULL ?
		    "bad credential_cache_seconds" :
		    "bad credential_cache_entries");
	}
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/*
 * The line of an allowed request, with log_allowed(1)
 * (PORTCULLIS_LOG_ALLOWED=1); none without.
 */
static const struct {
	const char	*user;
	enum ccres	 cache;
	int64_t		 rule;
	const char	*want;
} allows[] = {
	{ "bob", CC_HIT, 2,
	    "portcullis: allowed: client=192.0.2.1 user=\"bob\" cache=hit "
	    "method=\"GET\" uri=\"/docs/a b\" rule=2\n" },
	{ "bob", CC_MISS, 0,
	    "portcullis: allowed: client=192.0.2.1 user=\"bob\" cache=miss "
	    "method=\"GET\" uri=\"/docs/a b\"\n" },
	{ "", CC_NONE, 1,
	    "portcullis: allowed: client=192.0.2.1 user=\"\" cache=- "
	    "method=\"GET\" uri=\"/docs/a b\" rule=1\n" },
	{ "b\"o\nb", CC_HIT, 0,
	    "portcullis: allowed: client=192.0.2.1 user=\"b\\\"o\\x0ab\" "
	    "cache=hit method=\"GET\" uri=\"/docs/a b\"\n" },
	{ "bob", CC__MAX, 0,
	    "portcullis: allowed: client=192.0.2.1 user=\"bob\" cache=- "
	    "method=\"GET\" uri=\"/docs/a b\"\n" },
};

START_TEST(test_log_allowed)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	snprintf(req.addr, sizeof(req.addr), "192.0.2.1");
	snprintf(req.method, sizeof(req.method), "GET");
	snprintf(req.path, sizeof(req.path), "/docs/a b");
	snprintf(req.authz, sizeof(req.authz), "Basic c2VjcmV0");
	req.authzsz = strlen(req.authz);
	d.verdict = VERDICT_ALLOW;
	d.why = WHY_GRANT_ROLE;
	snprintf(d.user, sizeof(d.user), "%s", allows[_i].user);
	d.cache = allows[_i].cache;
	d.rule = allows[_i].rule;

	sink_init(&s, &w, -1);
	log_decision(&w, &req, &d);
	ck_assert_int_eq(s.calls, 0);		/* off by default */
	log_allowed(1);
	log_decision(&w, &req, &d);
	log_allowed(0);
	ck_assert_int_eq(s.calls, 1);
	ck_assert_str_eq(sink_str(&s), allows[_i].want);
	free(s.buf);
}
END_TEST

static Suite *
credcache_suite(void)
{
	Suite	*s = suite_create("credcache");
	TCase	*tc = tcase_create("table");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_keys, 0, nitems(keys));
	tcase_add_loop_test(tc, test_age, 0, nitems(ages));
	tcase_add_loop_test(tc, test_bound, 0, nitems(bounds));
	tcase_add_loop_test(tc, test_clock, 0, nitems(clocks));
	tcase_add_loop_test(tc, test_wipe, 0, nitems(wipes));
	tcase_add_test(tc, test_fork);
	tcase_add_loop_test(tc, test_decide, 0, nitems(reqs));
	tcase_add_test(tc, test_decide_cgi);
	tcase_add_loop_test(tc, test_settings, 0, nitems(sets));
	tcase_add_loop_test(tc, test_log_allowed, 0, nitems(allows));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(credcache_suite());
}
