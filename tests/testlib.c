/*
 * testlib.c: what the Check suites share.  Test databases: the schema
 * comes from the migrations compiled from sql/, applied as
 * `portcullis init` applies them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "extern.h"
#include "testlib.h"

static void
fx_sql(const char *db, const char *sql)
{
	sqlite3	*h;
	char	*msg = NULL;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		ck_abort_msg("%s: %s", sql, msg);
	sqlite3_close(h);
}

/* Make dir, and in it db with every migration applied, in WAL mode. */
void
fx_setup(struct fx *f)
{
	char	 ver[64];
	size_t	 i;

	snprintf(f->dir, sizeof(f->dir), "/tmp/portcullis-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/auth.db", f->dir);
	fx_sql(f->db, "PRAGMA journal_mode = WAL");
	for (i = 0; i < nmigrations; i++) {
		fx_sql(f->db, migrations[i]);
		snprintf(ver, sizeof(ver), "PRAGMA user_version = %zu", i + 1);
		fx_sql(f->db, ver);
	}
}

/* Run sql on the fixture's database with foreign keys on. */
void
fx_exec(const struct fx *f, const char *sql)
{
	char	*s;

	ck_assert_int_ne(asprintf(&s, "PRAGMA foreign_keys = ON; %s", sql),
	    -1);
	fx_sql(f->db, s);
	free(s);
}

void
fx_teardown(struct fx *f)
{
	char	 p[192];

	snprintf(p, sizeof(p), "%s-wal", f->db);
	(void)unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->db);
	(void)unlink(p);
	(void)unlink(f->db);
	(void)rmdir(f->dir);
}

int
sink_write(void *arg, const void *p, size_t n)
{
	struct sink	*s = arg;
	char		*nb;

	if (s->calls++ == s->failat)
		return -1;
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		if ((nb = realloc(s->buf, s->cap)) == NULL)
			return -1;
		s->buf = nb;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return 0;
}

void
sink_init(struct sink *s, struct writer *w, int failat)
{
	memset(s, 0, sizeof(*s));
	s->failat = failat;
	w->write = sink_write;
	w->arg = s;
}

/* What was written, "" if nothing. */
const char *
sink_str(const struct sink *s)
{
	return s->buf == NULL ? "" : s->buf;
}

const char *
env_get(void *arg, const char *name)
{
	const char *const	*env = arg;

	for (; env[0] != NULL; env += 2)
		if (strcmp(env[0], name) == 0)
			return env[1];
	return NULL;
}

int
run_suite(Suite *s)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
