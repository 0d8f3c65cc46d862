/*
 * testlib.c: what the Check suites share.  Test databases: the schema
 * comes from the migrations compiled from sql/, applied as
 * `portcullis init` applies them.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
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
	char	 ver[64], err[256];
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
	/* Lockout's state database beside it, as portcullis init makes. */
	snprintf(f->state, sizeof(f->state), "%s-state", f->db);
	ck_assert_int_eq(state_init(f->state, (gid_t)-1, err, sizeof(err)),
	    0);
	ck_assert_int_eq(lockout_init(f->state, 1), 0);
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

	/* db + "-state", whoever made it: fx_setup() or portcullis init. */
	lockout_close();
	snprintf(p, sizeof(p), "%s-state-wal", f->db);
	(void)unlink(p);
	snprintf(p, sizeof(p), "%s-state-shm", f->db);
	(void)unlink(p);
	snprintf(p, sizeof(p), "%s-state", f->db);
	(void)unlink(p);
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

/* Open path with flags for cap_start(), or fail the test. */
static int
cap_open(const char *path, int flags)
{
	int	 fd;

	fd = open(path, flags | O_CLOEXEC, 0600);
	ck_assert_msg(fd != -1, "%s: %s", path, strerror(errno));
	return fd;
}

void
cap_start(struct cap *c, const char *dir, const char *in)
{
	int	 fds[3], fd;

	memset(c, 0, sizeof(*c));
	snprintf(c->path[0], sizeof(c->path[0]), "%s/cap.stdout", dir);
	snprintf(c->path[1], sizeof(c->path[1]), "%s/cap.stderr", dir);
	/* Every assertion before the first descriptor moves. */
	fds[0] = in == NULL ? -1 : cap_open(in, O_RDONLY);
	fds[1] = cap_open(c->path[0], O_WRONLY | O_CREAT | O_TRUNC);
	fds[2] = cap_open(c->path[1], O_WRONLY | O_CREAT | O_TRUNC);
	fflush(stdout);
	fflush(stderr);
	for (fd = 0; fd < 3; fd++) {
		c->saved[fd] = -1;
		if (fds[fd] == -1)
			continue;
		c->saved[fd] = dup(fd);
		(void)dup2(fds[fd], fd);
		close(fds[fd]);
	}
}

void
cap_stop(struct cap *c)
{
	int	 fd;

	fflush(stdout);
	fflush(stderr);
	for (fd = 2; fd >= 0; fd--) {
		if (c->saved[fd] == -1)
			continue;
		(void)dup2(c->saved[fd], fd);
		close(c->saved[fd]);
		c->saved[fd] = -1;
	}
	clearerr(stdin);
	c->out = file_get(c->path[0], NULL);
	c->err = file_get(c->path[1], NULL);
	(void)unlink(c->path[0]);
	(void)unlink(c->path[1]);
}

void
cap_free(struct cap *c)
{
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
}

/* Append n bytes of s to the growing string *buf (*len, *cap). */
static void
str_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		ck_assert_ptr_nonnull(*buf = realloc(*buf, *cap));
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

char *
db_rows(const char *path, const char *sql)
{
	sqlite3		*h;
	sqlite3_stmt	*st;
	const char	*tail = sql, *v;
	char		*buf = NULL;
	size_t		 len = 0, cap = 0;
	int		 i, rc;

	str_add(&buf, &len, &cap, "", 0);
	ck_assert_int_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	while (*tail != '\0') {
		rc = sqlite3_prepare_v2(h, tail, -1, &st, &tail);
		ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql,
		    sqlite3_errmsg(h));
		if (st == NULL)		/* blanks or a comment */
			continue;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			for (i = 0; i < sqlite3_column_count(st); i++) {
				v = (const char *)sqlite3_column_text(st, i);
				if (v == NULL)
					v = "NULL";
				str_add(&buf, &len, &cap, v, strlen(v));
				str_add(&buf, &len, &cap,
				    i + 1 < sqlite3_column_count(st) ?
				    "|" : "\n", 1);
			}
		ck_assert_msg(rc == SQLITE_DONE, "%s: %s", sql,
		    sqlite3_errmsg(h));
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return buf;
}

void
file_put(const char *path, const void *buf, size_t n)
{
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(fd != -1, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

char *
file_get(const char *path, size_t *n)
{
	char	*buf = NULL, chunk[4096];
	size_t	 len = 0, cap = 0;
	ssize_t	 r;
	int	 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd != -1, "%s: %s", path, strerror(errno));
	str_add(&buf, &len, &cap, "", 0);
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		str_add(&buf, &len, &cap, chunk, (size_t)r);
	ck_assert_int_eq(r, 0);
	close(fd);
	if (n != NULL)
		*n = len;
	return buf;
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
