/*
 * check_store.c: opening the database and failing closed.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "extern.h"
#include "testlib.h"

static const char *const env_public[] = {
	"REQUEST_METHOD", "GET", "REQUEST_URI", "/public/x", NULL, NULL
};

static void
decide_public(struct store *s, struct decision *d)
{
	struct request	 req;

	ck_assert_int_eq(req_parse(&req, env_get,
	    (void *)(uintptr_t)env_public), REQ_OK);
	decide(s, &req, d);
}

static void
setup_public(struct fx *f)
{
	fx_setup(f);
	fx_exec(f, "INSERT INTO rules (pattern, methods, principal) "
	    "VALUES ('/public/**', 'GET', 'all')");
}

START_TEST(test_open_ok)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;

	setup_public(&f);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(res, STORE_OK);
	decide_public(s, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_int_eq(store_stale(s, f.db), 0);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_open_missing)
{
	struct store	*s;
	enum storeres	 res;
	char		 err[256];

	s = store_open_ro("/nonexistent/auth.db", &res, err, sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_int_eq(res, STORE_MISSING);
	ck_assert_str_eq(err,
	    "/nonexistent/auth.db: No such file or directory");
	s = store_open_ro(NULL, &res, err, sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_int_eq(res, STORE_ERROR);
	s = store_open_ro("", &res, err, sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_int_eq(res, STORE_ERROR);
}
END_TEST

/* A file that is not a database is an error, not an empty policy. */
START_TEST(test_open_garbage)
{
	struct fx	 f;
	struct store	*s;
	enum storeres	 res;
	char		 err[256];
	int		 fd;

	fx_setup(&f);
	ck_assert_int_ne(fd = open(f.db, O_WRONLY | O_TRUNC), -1);
	ck_assert_int_eq(write(fd, "this is not sqlite, not at all\n", 31),
	    31);
	close(fd);
	s = store_open_ro(f.db, &res, err, sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_int_eq(res, STORE_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "file is not a database"));
	fx_teardown(&f);
}
END_TEST

/* Wrong user_version: refused at open, and if it changes later. */
START_TEST(test_schema_version)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;
	char		 err[256], sql[64];

	setup_public(&f);
	fx_exec(&f, "PRAGMA user_version = 99");
	s = store_open_ro(f.db, &res, err, sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_int_eq(res, STORE_SCHEMA);
	ck_assert_ptr_nonnull(strstr(err, "schema version 99"));

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    SCHEMA_VERSION);
	fx_exec(&f, sql);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    SCHEMA_VERSION + 1);
	fx_exec(&f, sql);
	decide_public(s, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ERROR);
	ck_assert_int_eq(d.why, WHY_SCHEMA);
	store_close(s);

	/* An empty database (user_version 0) is not ours either. */
	fx_teardown(&f);
	fx_setup(&f);
	fx_exec(&f, "PRAGMA user_version = 0");
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(res, STORE_SCHEMA);
	fx_teardown(&f);
}
END_TEST

/*
 * Locked past the busy timeout: 503.  A rollback-journal database with
 * an EXCLUSIVE lock held by the admin's connection.
 */
START_TEST(test_busy)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;
	sqlite3		*h;

	setup_public(&f);
	fx_exec(&f, "PRAGMA journal_mode = DELETE");
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sqlite3_open(f.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "BEGIN EXCLUSIVE; UPDATE settings "
	    "SET value = 'x' WHERE name = 'realm'", NULL, NULL, NULL), SQLITE_OK);
	decide_public(s, &d);
	ck_assert_int_eq(d.verdict, VERDICT_BUSY);
	ck_assert_int_eq(d.why, WHY_BUSY);
	ck_assert_int_eq(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	decide_public(s, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	sqlite3_close(h);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/*
 * After a decision no statement holds a read transaction: a writer
 * can checkpoint the whole WAL (TRUNCATE waits for no reader).
 */
START_TEST(test_no_held_snapshot)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;
	sqlite3		*h;
	sqlite3_stmt	*st;

	setup_public(&f);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	decide_public(s, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_int_eq(sqlite3_open(f.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "UPDATE settings SET value = 'y' "
	    "WHERE name = 'realm'",
	    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h,
	    "PRAGMA wal_checkpoint(TRUNCATE)", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 0);	/* not busy */
	sqlite3_finalize(st);
	sqlite3_close(h);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/* A database file replaced under the process is noticed. */
START_TEST(test_stale)
{
	struct fx	 f;
	struct store	*s;
	enum storeres	 res;
	char		 tmp[192];

	setup_public(&f);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	snprintf(tmp, sizeof(tmp), "%s.new", f.db);
	ck_assert_int_eq(link(f.db, tmp), 0);
	ck_assert_int_eq(unlink(f.db), 0);
	ck_assert_int_eq(store_stale(s, f.db), 1);	/* gone */
	ck_assert_int_eq(rename(tmp, f.db), 0);
	ck_assert_int_eq(store_stale(s, f.db), 0);	/* same inode */
	store_close(s);
	fx_teardown(&f);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_open_ok);
	tcase_add_test(tc, test_open_missing);
	tcase_add_test(tc, test_open_garbage);
	tcase_add_test(tc, test_schema_version);
	tcase_add_test(tc, test_busy);
	tcase_add_test(tc, test_no_held_snapshot);
	tcase_add_test(tc, test_stale);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(store_suite());
}
