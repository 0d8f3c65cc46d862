/*
 * check_state.c: the client's network (addr.c) and the lockout state
 * database (state.c) on their own: which address counts as which
 * network, when a key locks and unlocks, what a good password forgets,
 * list and clear, and that every error is reported (the caller fails
 * closed on it).  Time is passed in, so no test sleeps.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "extern.h"
#include "testlib.h"

#define B(s)	s, sizeof(s) - 1

static const struct {
	const char	*addr;
	size_t		 n;
	const char	*net;		/* NULL: refused */
} nets[] = {
	{ B("192.0.2.7"),		"192.0.2.7/32" },
	{ B("0.0.0.0"),			"0.0.0.0/32" },
	{ B("255.255.255.255"),		"255.255.255.255/32" },
	{ B("::1"),			"::/64" },
	{ B("2001:db8:1:2:3:4:5:6"),	"2001:db8:1:2::/64" },
	{ B("2001:DB8:1:2:ffff::"),	"2001:db8:1:2::/64" },
	{ B("2001:db8:1:3::9"),		"2001:db8:1:3::/64" },
	{ B("::ffff:192.0.2.7"),	"192.0.2.7/32" },
	{ B("fe80::1"),			"fe80::/64" },
	{ B(""),			NULL },
	{ B("192.0.2.7:8080"),		NULL },
	{ B("[::1]"),			NULL },
	{ B("[::1]:80"),		NULL },
	{ B("fe80::1%eth0"),		NULL },
	{ B(" 192.0.2.7"),		NULL },
	{ B("192.0.2.7 "),		NULL },
	{ B("192.0.2"),			NULL },
	{ B("192.0.2.256"),		NULL },
	{ B("0x7f.0.0.1"),		NULL },
	{ B("192.0.2.7\0.1"),		NULL },
	{ B("unix:"),			NULL },
	{ B("localhost"),		NULL },
	{ B("::1/128"),			NULL },
	{ B("1::2::3"),			NULL },
	{ B("01234567890123456789012345678901234567890123456789"), NULL },
};

START_TEST(test_addr_net)
{
	char	 buf[ADDR_NET_MAX + 1];
	int	 rc;

	memset(buf, 'x', sizeof(buf));
	rc = addr_net(buf, sizeof(buf), nets[_i].addr, nets[_i].n);
	if (nets[_i].net == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(buf, "");
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(buf, nets[_i].net);
	}
}
END_TEST

START_TEST(test_addr_small)
{
	char	 buf[ADDR_NET_MAX];

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(addr_net(buf, sizeof(buf), B("192.0.2.7")), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(addr_net(buf, 0, B("192.0.2.7")), -1);
	ck_assert_int_eq(addr_net(buf, sizeof(buf) + 1, NULL, 3), -1);
}
END_TEST

/*
 * Lockout sequences: pairs lock on the 3rd failure in 60 s for 100 s,
 * networks on the 5th in 60 s for 100 s.  Each step records a failure
 * (F), a good password (S), or asks (L) whether (net, user) is locked
 * at t and expects locked and, if so, until.
 */
static const struct lockout lo = { 3, 60, 100, 5, 60, 100 };

#define NA	"192.0.2.7/32"
#define NB	"2001:db8::/64"

struct step {
	char		 op;		/* 'F', 'S', 'L', 0 ends */
	const char	*net;
	const char	*user;		/* NULL: the network only */
	time_t		 t;
	int		 locked;	/* 'L': expected */
	time_t		 until;		/* 'L': expected when locked */
	int		 known;		/* 'L': the pair has failures */
};

static const struct {
	const char	*name;
	struct step	 steps[16];
} seqs[] = {
	{ "pair locks on the 3rd failure and unlocks after 100 s", {
	    { 'F', NA, "alice", 0, 0, 0, 0 },
	    { 'F', NA, "alice", 1, 0, 0, 0 },
	    { 'L', NA, "alice", 1, 0, 0, 1 },
	    { 'F', NA, "alice", 2, 0, 0, 0 },
	    { 'L', NA, "alice", 2, 1, 102, 1 },
	    { 'L', NA, "alice", 101, 1, 102, 1 },
	    { 'L', NA, "alice", 102, 0, 0, 1 },
	    { 'L', NA, "bob", 50, 0, 0, 0 },
	    { 'L', NB, "alice", 50, 0, 0, 0 },
	    { 0 } } },
	{ "a window that passed starts again", {
	    { 'F', NA, "alice", 0, 0, 0, 0 },
	    { 'F', NA, "alice", 1, 0, 0, 0 },
	    { 'F', NA, "alice", 60, 0, 0, 0 },
	    { 'F', NA, "alice", 61, 0, 0, 0 },
	    { 'L', NA, "alice", 61, 0, 0, 1 },
	    { 'F', NA, "alice", 62, 0, 0, 0 },
	    { 'L', NA, "alice", 62, 1, 162, 1 },
	    { 0 } } },
	{ "the network locks on the 5th failure, whatever the names", {
	    { 'F', NA, "alice", 0, 0, 0, 0 },
	    { 'F', NA, "bob", 0, 0, 0, 0 },
	    { 'F', NA, "no-such-user", 0, 0, 0, 0 },
	    { 'F', NA, NULL, 0, 0, 0, 0 },
	    { 'L', NA, "carol", 0, 0, 0, 0 },
	    { 'F', NA, "dave", 1, 0, 0, 0 },
	    { 'L', NA, "carol", 1, 1, 101, 0 },
	    { 'L', NA, NULL, 1, 1, 101, 0 },
	    { 'L', NB, "carol", 1, 0, 0, 0 },
	    { 'L', NA, "carol", 101, 0, 0, 0 },
	    { 0 } } },
	{ "a good password forgets the pair, not the network", {
	    { 'F', NA, "alice", 0, 0, 0, 0 },
	    { 'F', NA, "alice", 1, 0, 0, 0 },
	    { 'S', NA, "alice", 2, 0, 0, 0 },
	    { 'L', NA, "alice", 2, 0, 0, 0 },
	    { 'F', NA, "alice", 3, 0, 0, 0 },
	    { 'F', NA, "alice", 4, 0, 0, 0 },
	    { 'L', NA, "alice", 4, 0, 0, 1 },
	    { 'F', NA, "alice", 5, 0, 0, 0 },
	    { 'L', NA, "bob", 5, 1, 105, 0 },
	    { 0 } } },
	{ "a locked pair stays locked after a good password", {
	    { 'F', NA, "alice", 0, 0, 0, 0 },
	    { 'F', NA, "alice", 0, 0, 0, 0 },
	    { 'F', NA, "alice", 0, 0, 0, 0 },
	    { 'L', NA, "alice", 10, 1, 100, 1 },
	    { 0 } } },
};

static void
state_fixture(char *dir, size_t dirsz, char *path, size_t pathsz)
{
	char	 err[256];

	snprintf(dir, dirsz, "/tmp/portcullis-state.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, pathsz, "%s/auth.db-state", dir);
	ck_assert_msg(state_init(path, (gid_t)-1, err, sizeof(err)) == 0,
	    "%s", err);
}

static void
state_fixture_rm(const char *dir, const char *path)
{
	char	 p[256];

	snprintf(p, sizeof(p), "%s-wal", path);
	(void)unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	(void)unlink(p);
	(void)unlink(path);
	(void)rmdir(dir);
}

START_TEST(test_sequence)
{
	const struct step	*st;
	struct state		*s;
	char			 dir[64], path[128], err[256];
	time_t			 until;
	int			 known, rc;

	state_fixture(dir, sizeof(dir), path, sizeof(path));
	s = state_open(path, 0, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	for (st = seqs[_i].steps; st->op != 0; st++) {
		switch (st->op) {
		case 'F':
			ck_assert_int_eq(state_failure(s, &lo, st->net,
			    st->user, st->t), 0);
			break;
		case 'S':
			ck_assert_int_eq(state_success(s, st->net, st->user),
			    0);
			break;
		case 'L':
			rc = state_locked(s, st->net, st->user, st->t,
			    &until, &known);
			ck_assert_msg(rc == st->locked && known == st->known &&
			    (!rc || until == st->until),
			    "%s: step %td: locked %d until %lld known %d",
			    seqs[_i].name, st - seqs[_i].steps, rc,
			    (long long)until, known);
			break;
		}
	}
	state_close(s);
	state_fixture_rm(dir, path);
}
END_TEST

/* Rows as "network|user|count|first|locked_until;" */
static int
row_cat(void *arg, const struct state_row *r)
{
	char	*buf = arg;
	size_t	 n = strlen(buf);

	snprintf(buf + n, 512 - n, "%s|%s|%lld|%lld|%lld;", r->network,
	    r->user, (long long)r->count, (long long)r->first,
	    (long long)r->locked_until);
	return 0;
}

START_TEST(test_list_clear)
{
	struct state	*s;
	char		 dir[64], path[128], err[256], buf[512];

	state_fixture(dir, sizeof(dir), path, sizeof(path));
	ck_assert_ptr_nonnull(s = state_open(path, 0, err, sizeof(err)));
	ck_assert_int_eq(state_failure(s, &lo, NA, "alice", 10), 0);
	ck_assert_int_eq(state_failure(s, &lo, NA, "bob", 11), 0);
	ck_assert_int_eq(state_failure(s, &lo, NB, "alice", 12), 0);
	buf[0] = '\0';
	ck_assert_int_eq(state_list(s, row_cat, buf), 0);
	ck_assert_str_eq(buf,
	    "192.0.2.7/32||2|10|0;192.0.2.7/32|alice|1|10|0;"
	    "192.0.2.7/32|bob|1|11|0;"
	    "2001:db8::/64||1|12|0;2001:db8::/64|alice|1|12|0;");
	ck_assert_int_eq(state_clear(s, "alice"), 2);
	ck_assert_int_eq(state_clear(s, NB), 1);
	ck_assert_int_eq(state_clear(s, "nobody"), 0);
	buf[0] = '\0';
	ck_assert_int_eq(state_list(s, row_cat, buf), 0);
	ck_assert_str_eq(buf, "192.0.2.7/32||2|10|0;192.0.2.7/32|bob|1|11|0;");
	ck_assert_int_eq(state_clear(s, NULL), 2);
	buf[0] = '\0';
	ck_assert_int_eq(state_list(s, row_cat, buf), 0);
	ck_assert_str_eq(buf, "");
	state_close(s);
	state_fixture_rm(dir, path);
}
END_TEST

/* Expired rows go as failures come; locked ones stay. */
START_TEST(test_purge)
{
	struct state	*s;
	char		 dir[64], path[128], err[256], buf[512];

	state_fixture(dir, sizeof(dir), path, sizeof(path));
	ck_assert_ptr_nonnull(s = state_open(path, 0, err, sizeof(err)));
	ck_assert_int_eq(state_failure(s, &lo, NA, "alice", 0), 0);
	ck_assert_int_eq(state_failure(s, &lo, NA, "alice", 0), 0);
	ck_assert_int_eq(state_failure(s, &lo, NA, "alice", 0), 0);
	ck_assert_int_eq(state_failure(s, &lo, NA, "bob", 0), 0);
	/* At 70 bob's window has passed; alice is locked until 100. */
	ck_assert_int_eq(state_failure(s, &lo, NB, "carol", 70), 0);
	buf[0] = '\0';
	ck_assert_int_eq(state_list(s, row_cat, buf), 0);
	ck_assert_str_eq(buf, "192.0.2.7/32|alice|3|0|100;"
	    "2001:db8::/64||1|70|0;2001:db8::/64|carol|1|70|0;");
	state_close(s);
	state_fixture_rm(dir, path);
}
END_TEST

/* Lockout off for a key: nothing counted for it. */
START_TEST(test_off)
{
	static const struct lockout off = { 0, 60, 100, 2, 60, 100 };
	struct state	*s;
	char		 dir[64], path[128], err[256], buf[512];

	state_fixture(dir, sizeof(dir), path, sizeof(path));
	ck_assert_ptr_nonnull(s = state_open(path, 0, err, sizeof(err)));
	ck_assert_int_eq(state_failure(s, &off, NA, "alice", 0), 0);
	buf[0] = '\0';
	ck_assert_int_eq(state_list(s, row_cat, buf), 0);
	ck_assert_str_eq(buf, "192.0.2.7/32||1|0|0;");
	state_close(s);
	state_fixture_rm(dir, path);
}
END_TEST

/* Every error is reported: missing, wrong file, locked by a writer. */
START_TEST(test_errors)
{
	struct state	*s;
	sqlite3		*db;
	char		 dir[64], path[128], err[256], other[160];
	time_t		 until;
	int		 known;

	state_fixture(dir, sizeof(dir), path, sizeof(path));
	snprintf(other, sizeof(other), "%s/missing", dir);
	ck_assert_ptr_null(state_open(other, 0, err, sizeof(err)));
	{
		char	want[256];

		snprintf(want, sizeof(want), "%s: No such file or directory "
		    "(make it with portcullis init)", other);
		ck_assert_str_eq(err, want);
	}
	ck_assert_int_eq(access(other, F_OK), -1);	/* not created */

	snprintf(other, sizeof(other), "%s/other.db", dir);
	ck_assert_int_eq(sqlite3_open(other, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_ptr_null(state_open(other, 0, err, sizeof(err)));
	ck_assert_str_eq(strstr(err, ": not a lockout"),
	    ": not a lockout state database (user_version 0): run "
	    "portcullis init");
	(void)unlink(other);

	/* A writer holds the lock past STORE_BUSY_MS: -1, not a hang. */
	ck_assert_ptr_nonnull(s = state_open(path, 0, err, sizeof(err)));
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(state_failure(s, &lo, NA, "alice", 0), -1);
	ck_assert_ptr_nonnull(strstr(state_errmsg(s), "locked"));
	/* Readers go on (WAL). */
	ck_assert_int_eq(state_locked(s, NA, "alice", 0, &until, &known), 0);
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(state_failure(s, &lo, NA, "alice", 0), 0);
	state_close(s);
	state_fixture_rm(dir, path);
}
END_TEST

/* init: mode 0660 whatever the umask, -wal and -shm kept; twice is fine. */
START_TEST(test_init)
{
	struct stat	 sb;
	struct state	*s;
	char		 dir[64], path[128], err[256], side[160];
	mode_t		 um;

	um = umask(077);
	state_fixture(dir, sizeof(dir), path, sizeof(path));
	umask(um);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0660);
	snprintf(side, sizeof(side), "%s-wal", path);
	ck_assert_int_eq(stat(side, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0660);
	snprintf(side, sizeof(side), "%s-shm", path);
	ck_assert_int_eq(stat(side, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0660);
	ck_assert_int_eq(state_init(path, (gid_t)-1, err, sizeof(err)), 0);
	/* A server's close keeps -wal and -shm. */
	ck_assert_ptr_nonnull(s = state_open(path, 0, err, sizeof(err)));
	ck_assert_int_eq(state_failure(s, &lo, NA, "alice", 0), 0);
	state_close(s);
	ck_assert_int_eq(stat(side, &sb), 0);
	state_fixture_rm(dir, path);
}
END_TEST

static Suite *
state_suite(void)
{
	Suite	*s = suite_create("state");
	TCase	*tc = tcase_create("table");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_addr_net, 0, nitems(nets));
	tcase_add_test(tc, test_addr_small);
	tcase_add_loop_test(tc, test_sequence, 0, nitems(seqs));
	tcase_add_test(tc, test_list_clear);
	tcase_add_test(tc, test_purge);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_init);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(state_suite());
}
