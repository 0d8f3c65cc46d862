/*
 * admdb.c: the administrator's database as a file: creating and
 * migrating it (init), opening it read-write for admstore.c, checking
 * and copying in a replacement (replace), and the permissions of the
 * database, -wal and -shm.  With admstore.c (its statements) the one
 * admin data layer, and with it and store.c the only includers of
 * sqlite3.h.
 *
 * The connection is read-write with PRAGMA foreign_keys on, a 5 s busy
 * timeout (a batch tool may wait; requests use store.c) and extension
 * loading off.  Each migration is applied in its own BEGIN IMMEDIATE
 * ... COMMIT that also sets PRAGMA user_version.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "extern.h"
#include "admin.h"

#define ADM_BUSY_MS	5000
#define ADM_DB_MODE	0640	/* database, -wal, -shm: see db_perms() */

/*
 * Format a message into err[0..errsz), if there is room for one.
 */
static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/*

 * limits described at the top.  Return the handle, or NULL with a
 * message in err.
 */
static sqlite3 *
db_open(const char *path, int create, char *err, size_t errsz)
{
	sqlite3		*db = NULL;
	struct stat	 sb;
	int		 flags, persist = 1;

	if (!create && stat(path, &sb) == -1) {
		seterr(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	flags = SQLITE_OPEN_READWRITE;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		seterr(err, errsz, "%s", db == NULL ? "out of memory" :
		    sqlite3_errmsg(db));
		goto fail;
	}
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
	    0, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, ADM_BUSY_MS) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA foreign_keys = ON; "
	    "PRAGMA journal_size_limit = 0", NULL, NULL, NULL) != SQLITE_OK) {
		seterr(err, errsz, "%s", sqlite3_errmsg(db));
		goto fail;
	}
	/*
	 * Keep -wal and -shm when this is the last connection to close
	 * (emptied: journal_size_limit 0): the server reads in a
	 * directory it cannot write, so it can neither create them nor
	 * lose committed frames (see db_perms()).
	 */
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &persist) != SQLITE_OK) {
		seterr(err, errsz, "%s: cannot keep the WAL", path);
		goto fail;
	}
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

/*
 * Read PRAGMA user_version into *v.  Return 0, or -1 with a message.
 */
static int
db_version(sqlite3 *db, int *v, char *err, size_t errsz)
{
	sqlite3_stmt	*st = NULL;
	int		 ret = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		seterr(err, errsz, "%s", sqlite3_errmsg(db));
		goto out;
	}
	*v = sqlite3_column_int(st, 0);
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

/*
 * Apply the next migration, if any, in one BEGIN IMMEDIATE ... COMMIT
 * that re-reads user_version under the write lock (so two concurrent
 * inits apply each migration once) and also sets it.  Return 1 if a
 * migration was applied, 0 if the database is current, -1 on error or
 * on a database newer than this program (rolled back, message in err).
 */
static int
db_migrate_one(sqlite3 *db, char *err, size_t errsz)
{
	char	 sql[64], why[512];
	int	 v, ret = -1;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		seterr(err, errsz, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (db_version(db, &v, err, errsz) == -1)
		goto out;
	if (v < 0 || (size_t)v > nmigrations) {
		seterr(err, errsz, "schema version %d is newer than this "
		    "program's (%zu)", v, nmigrations);
		goto out;
	}
	if ((size_t)v == nmigrations) {
		ret = 0;
		goto out;
	}
	/* An integer we made: PRAGMA takes no parameters. */
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
	if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		adm_plainmsg(why, sizeof(why), sqlite3_errmsg(db));
		seterr(err, errsz, "migration %d: %s", v + 1, why);
		goto out;
	}
	return 1;
out:
	/* Also ends the read-only transaction of ret == 0. */
	if (sqlite3_get_autocommit(db) == 0)
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

/*
 * Give one file of the database ADM_DB_MODE, whatever the umask, and
 * group gid unless it is (gid_t)-1.  A missing file is an error when
 * need, else skipped.  Symbolic links are not followed.  Return 0, or
 * -1 with a message.
 */
static int
db_perm(const char *path, gid_t gid, int need, char *err, size_t errsz)
{
	int	 fd, ret = -1;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && !need)
			return 0;
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) == -1)
		seterr(err, errsz, "%s: chgrp: %s", path, strerror(errno));
	else if (fchmod(fd, ADM_DB_MODE) == -1)
		seterr(err, errsz, "%s: chmod: %s", path, strerror(errno));
	else
		ret = 0;
	(void)close(fd);
	return ret;
}

/*
 * The layout of README, "Deploying": the database, its -wal and its
 * -shm are ADM_DB_MODE (0640: the web server's group reads, nobody
 * else) in group gid (unless (gid_t)-1), and all three exist, kept by
 * SQLITE_FCNTL_PERSIST_WAL (db_open()).  The server opens read-only
 * in a directory it cannot write: it cannot create a missing -wal or
 * -shm, and with both there (not writable by it) SQLite >= 3.22 reads
 * through a private copy of the WAL index.  Call with db open, after
 * a read, so that SQLite has made -wal and -shm.  Return 0, or -1
 * with a message.
 */
static int
db_perms(const char *path, gid_t gid, char *err, size_t errsz)
{
	struct stat	 sb;
	char		 side[PATH_MAX];

	if (db_perm(path, gid, 1, err, errsz) == -1)
		return -1;
	/* Without a group: the database's, as SQLite does as root. */
	if (gid == (gid_t)-1) {
		if (stat(path, &sb) == -1) {
			seterr(err, errsz, "%s: %s", path, strerror(errno));
			return -1;
		}
		gid = sb.st_gid;
	}
	if ((size_t)snprintf(side, sizeof(side), "%s-wal", path) >=
	    sizeof(side)) {
		seterr(err, errsz, "%s: path too long", path);
		return -1;
	}
	if (db_perm(side, gid, 1, err, errsz) == -1)
		return -1;
	(void)snprintf(side, sizeof(side), "%s-shm", path);
	return db_perm(side, gid, 1, err, errsz);
}

/*
 * Create path if missing (mode ADM_DB_MODE whatever the umask, group
 * gid unless (gid_t)-1), put a new database (user_version 0) in WAL
 * mode, then apply every migration above its user_version, each in
 * its own transaction, and give the database, -wal and -shm the
 * layout of db_perms() (also to an existing database: running init
 * again repairs it).  A database newer than this program is refused.
 * Return the schema version the database had (0 for a new one), or -1
 * with a message in err (nothing half-applied).
 */
int
adm_init(const char *path, gid_t gid, char *err, size_t errsz)
{
	sqlite3		*db;
	sqlite3_stmt	*st = NULL;
	const char	*mode;
	int		 fd, v, was, rc, tries, ret = -1;

	/* Made here, not by SQLite: its mode would follow the umask. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    ADM_DB_MODE);
	if (fd == -1 && errno != EEXIST) {
		seterr(err, errsz, "%s", strerror(errno));
		return -1;
	}
	if (fd != -1) {
		rc = fchmod(fd, ADM_DB_MODE);
		if (rc == 0 && gid != (gid_t)-1)
			rc = fchown(fd, (uid_t)-1, gid);
		if (rc == -1) {
			seterr(err, errsz, "%s", strerror(errno));
			(void)close(fd);
			(void)unlink(path);
			return -1;
		}
		(void)close(fd);
	}
	if ((db = db_open(path, 1, err, errsz)) == NULL)
		return -1;
	if (db_version(db, &v, err, errsz) == -1)
		goto out;
	was = v;
	if (v == 0) {
		if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1,
		    &st, NULL) != SQLITE_OK) {
			seterr(err, errsz, "%s", sqlite3_errmsg(db));
			goto out;
		}
		/*
		 * Two inits converting one new file: SQLite may answer
		 * BUSY here without calling the busy handler, so retry
		 * for about ADM_BUSY_MS.
		 */
		for (tries = 0; (rc = sqlite3_step(st)) == SQLITE_BUSY &&
		    tries < ADM_BUSY_MS / 50; tries++) {
			sqlite3_reset(st);
			sqlite3_sleep(50);
		}
		if (rc != SQLITE_ROW) {
			seterr(err, errsz, "%s", sqlite3_errmsg(db));
			goto out;
		}
		mode = (const char *)sqlite3_column_text(st, 0);
		if (mode == NULL || strcmp(mode, "wal") != 0) {
			seterr(err, errsz, "cannot use WAL mode (%s)",
			    mode == NULL ? "?" : mode);
			goto out;
		}
		/* Done with it: COMMIT fails while it is pending. */
		sqlite3_finalize(st);
		st = NULL;
	}
	while ((rc = db_migrate_one(db, err, errsz)) == 1)
		continue;
	/* A read made -wal and -shm if they were missing. */
	if (rc == 0 && db_version(db, &v, err, errsz) == 0 &&
	    db_perms(path, gid, err, errsz) == 0)
		ret = was;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ret;
}

/*
 * Check that src is a database `portcullis` could serve: this
 * program's schema version, our tables, and PRAGMA integrity_check
 * "ok".  Return 0, or -1 with a message.
 */
static int
db_check_new(sqlite3 *src, char *err, size_t errsz)
{
	sqlite3_stmt	*st = NULL;
	const char	*ok;
	int		 v, rc, ret = -1;

	if (db_version(src, &v, err, errsz) == -1)
		return -1;
	if (v != (int)nmigrations) {
		seterr(err, errsz, "schema version %d, expected %zu "
		    "(run portcullis init on it)", v, nmigrations);
		return -1;
	}
	if (sqlite3_prepare_v2(src, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table' AND name IN ('users', 'roles', "
	    "'members', 'resources', 'rules', 'settings')", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		seterr(err, errsz, "%s", sqlite3_errmsg(src));
		goto out;
	}
	if (sqlite3_column_int(st, 0) != 6) {
		seterr(err, errsz, "not a Portcullis database");
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(src, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK || (rc = sqlite3_step(st)) != SQLITE_ROW) {
		seterr(err, errsz, "integrity_check: %s",
		    sqlite3_errmsg(src));
		goto out;
	}
	ok = (const char *)sqlite3_column_text(st, 0);
	if (ok == NULL || strcmp(ok, "ok") != 0 ||
	    sqlite3_step(st) != SQLITE_DONE) {
		seterr(err, errsz, "integrity_check: %s",
		    ok == NULL ? "?" : ok);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

/*
 * Copy the database at src into the live database at path, which
 * stays the same file: its inode, owner, mode, WAL mode, -wal and
 * -shm.  One sqlite3_backup_step(-1) under the live database's write
 * lock, so a reader sees the old policy or the new one, and a running
 * server reads the new one in its next transaction.  Renaming a file
 * over a WAL database is not safe: the old -wal is replayed onto the
 * new file.  src must pass db_check_new(); path must be current (run
 * init first).  Return 0, or -1 with a message in err, naming the
 * file at fault (nothing changed).
 */
int
adm_replace(const char *path, const char *src, char *err, size_t errsz)
{
	sqlite3		*sdb = NULL, *ddb = NULL;
	sqlite3_backup	*b;
	struct stat	 ss, ds;
	char		 why[384];
	int		 v, rc, ret = -1;

	if (stat(src, &ss) == -1) {
		seterr(err, errsz, "%s: %s", src, strerror(errno));
		return -1;
	}
	if (stat(path, &ds) == -1) {
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (ss.st_dev == ds.st_dev && ss.st_ino == ds.st_ino) {
		seterr(err, errsz, "%s: is the live database", src);
		return -1;
	}
	if (sqlite3_open_v2(src, &sdb, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		seterr(err, errsz, "%s: %s", src, sdb == NULL ?
		    "out of memory" : sqlite3_errmsg(sdb));
		goto out;
	}
	(void)sqlite3_db_config(sdb, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
	    0, NULL);
	(void)sqlite3_db_config(sdb, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	(void)sqlite3_db_config(sdb, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	(void)sqlite3_busy_timeout(sdb, ADM_BUSY_MS);
	if (db_check_new(sdb, why, sizeof(why)) == -1) {
		seterr(err, errsz, "%s: %s", src, why);
		goto out;
	}
	if ((ddb = db_open(path, 0, why, sizeof(why))) == NULL ||
	    db_version(ddb, &v, why, sizeof(why)) == -1) {
		seterr(err, errsz, "%s: %s", path, why);
		goto out;
	}
	if (v != (int)nmigrations) {
		seterr(err, errsz, "%s: schema version %d, expected %zu: "
		    "run portcullis init", path, v, nmigrations);
		goto out;
	}
	if ((b = sqlite3_backup_init(ddb, "main", sdb, "main")) == NULL) {
		seterr(err, errsz, "%s: %s", path, sqlite3_errmsg(ddb));
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	(void)sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		seterr(err, errsz, "%s: %s%s", path, sqlite3_errstr(rc),
		    rc == SQLITE_READONLY ? " (another page size?)" : "");
		goto out;
	}
	ret = 0;
out:
	sqlite3_close(ddb);
	sqlite3_close(sdb);
	return ret;
}

/*
 * Open an existing database whose schema is this program's, for
 * adm_open().  Return the connection, or NULL with a message in err:
 * no such file, a wrong user_version ("run portcullis init"), or a
 * database error.
 */
sqlite3 *
admdb_open(const char *path, char *err, size_t errsz)
{
	sqlite3	*db;
	int	 v;

	if ((db = db_open(path, 0, err, errsz)) == NULL)
		return NULL;
	if (db_version(db, &v, err, errsz) == -1)
		goto fail;
	if (v >= 0 && (size_t)v > nmigrations) {
		seterr(err, errsz, "schema version %d is newer than this "
		    "program's (%zu)", v, nmigrations);
		goto fail;
	}
	if (v < 0 || (size_t)v != nmigrations) {
		seterr(err, errsz, "schema version %d, expected %zu: "
		    "run portcullis init", v, nmigrations);
		goto fail;
	}
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}
