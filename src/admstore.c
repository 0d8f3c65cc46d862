/*
 * The administrator's side of the database: creation, migrations and
 * the changes `portcullis` makes to users, roles, members and rules.
 * Besides store.c the only file that includes sqlite3.h.
 *
 * The connection is read-write with PRAGMA foreign_keys on, a 5 s busy
 * timeout (a batch tool may wait; requests use store.c) and extension
 * loading off.  Statements are fixed at build time, prepared once per
 * connection, and every use ends in sqlite3_reset() and
 * sqlite3_clear_bindings().  Every write is one BEGIN IMMEDIATE ...
 * COMMIT; on failure it is rolled back and adm_errmsg() keeps the
 * SQLite message, which for a refused row is the name of the CHECK
 * constraint or the text of the trigger that refused it: the schema
 * words those for administrators.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "extern.h"
#include "admin.h"

#define ADM_BUSY_MS	5000
#define ADM_TEXT_MAX	65536	/* longest text we bind: a sanity cap */
#define ADM_DB_MODE	0640	/* database, -wal, -shm: see db_perms() */

enum stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_USER_EXISTS,
	STMT_USER_ADD,
	STMT_USER_PASSWD,
	STMT_USER_DEL,
	STMT_USER_DISABLE,
	STMT_USER_LIST,
	STMT_ROLE_ADD,
	STMT_ROLE_DEL,
	STMT_GRANT,
	STMT_REVOKE,
	STMT_RULE_ADD,
	STMT_RULE_DEL,
	STMT_RULE_LIST,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BEGIN */
	"BEGIN IMMEDIATE",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_USER_EXISTS */
	"SELECT 1 FROM users WHERE name = ?1",
	/* STMT_USER_ADD: 0 changes if the name is taken */
	"INSERT INTO users (name, hash) VALUES (?1, ?2) "
	"ON CONFLICT (name) DO NOTHING",
	/* STMT_USER_PASSWD */
	"UPDATE users SET hash = ?2 WHERE name = ?1",
	/* STMT_USER_DEL: the users_delete trigger drops memberships */
	"DELETE FROM users WHERE name = ?1",
	/* STMT_USER_DISABLE */
	"UPDATE users SET disabled = ?2 WHERE name = ?1",
	/*
	 * STMT_USER_LIST: one row per (user, role), users without
	 * roles once with a NULL role; ordered so that rows of one
	 * user are adjacent and roles come sorted.  State: 1 disabled,
	 * 2 expired (expires at or before now, UTC), else 0.
	 */
	"SELECT u.name, "
	"CASE WHEN u.disabled THEN 1 "
	"WHEN u.expires IS NOT NULL AND "
	"datetime(u.expires) <= datetime('now') THEN 2 "
	"ELSE 0 END, m.role "
	"FROM users AS u LEFT JOIN members AS m ON m.user = u.name "
	"ORDER BY u.name, m.role",
	/* STMT_ROLE_ADD: 0 changes if the name is taken */
	"INSERT INTO roles (name) VALUES (?1) "
	"ON CONFLICT (name) DO NOTHING",
	/* STMT_ROLE_DEL: roles_delete drops its members and rules */
	"DELETE FROM roles WHERE name = ?1",
	/* STMT_GRANT: 0 changes if already a member */
	"INSERT INTO members (user, role) VALUES (?1, ?2) "
	"ON CONFLICT (user, role) DO NOTHING",
	/* STMT_REVOKE */
	"DELETE FROM members WHERE user = ?1 AND role = ?2",
	/* STMT_RULE_ADD: rules_make_resource makes the resource */
	"INSERT INTO rules (host, pattern, methods, principal) "
	"VALUES (?1, ?2, ?3, ?4)",
	/* STMT_RULE_DEL: the resource stays, denying if rule-less */
	"DELETE FROM rules WHERE id = ?1",
	/* STMT_RULE_LIST */
	"SELECT id, host, pattern, methods, principal "
	"FROM rules ORDER BY id",
};

struct adm {
	sqlite3		*db;
	sqlite3_stmt	*stmts[STMT__MAX];
	char		 err[512];
};

const char *const adm_ustate_str[ADM_USTATE__MAX] = {
	"enabled",	/* ADM_ENABLED */
	"disabled",	/* ADM_DISABLED */
	"expired",	/* ADM_EXPIRED */
};

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
 * Keep the connection's last SQLite message as the adm error.  Call
 * before anything else (a ROLLBACK) replaces it.
 */
static void
adm_dberr(struct adm *a)
{
	seterr(a->err, sizeof(a->err), "%s", sqlite3_errmsg(a->db));
}

/*
 * Open path read-write (creating it if create), with the pragmas and
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
	char	 sql[64];
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
		seterr(err, errsz, "migration %d: %s", v + 1,
		    sqlite3_errmsg(db));
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
 * Return 0, or -1 with a message in err (nothing half-applied).
 */
int
adm_init(const char *path, gid_t gid, char *err, size_t errsz)
{
	sqlite3		*db;
	sqlite3_stmt	*st = NULL;
	const char	*mode;
	int		 fd, v, rc, tries, ret = -1;

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
		ret = 0;
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
 * Open an existing database whose schema is this program's, and
 * prepare the statements.  Return the handle (free with adm_close()),
 * or NULL with a message in err: no such file, a wrong user_version
 * ("run portcullis init"), or a database error.
 */
struct adm *
adm_open(const char *path, char *err, size_t errsz)
{
	struct adm	*a;
	size_t		 i;
	int		 v;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		seterr(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	if ((a->db = db_open(path, 0, err, errsz)) == NULL)
		goto fail;
	if (db_version(a->db, &v, err, errsz) == -1)
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
	for (i = 0; i < STMT__MAX; i++)
		if (sqlite3_prepare_v3(a->db, stmts[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &a->stmts[i],
		    NULL) != SQLITE_OK) {
			seterr(err, errsz, "%s", sqlite3_errmsg(a->db));
			goto fail;
		}
	return a;
fail:
	adm_close(a);
	return NULL;
}

/*
 * Finalize the statements and close the connection.  NULL is a no-op.
 */
void
adm_close(struct adm *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(a->stmts[i]);
	sqlite3_close(a->db);
	free(a);
}

/*
 * The message of the last failure (-1) of a function below.
 */
const char *
adm_errmsg(const struct adm *a)
{
	return a->err;
}

/*
 * The connection, for admstore_policy.c's statements (finalized
 * before adm_close()).
 */
sqlite3 *
adm_sqlite(struct adm *a)
{
	return a->db;
}

/*
 * Bind s (NULL: SQL NULL) to parameter idx of st with its length.
 * Return 0, or -1 with a message.
 */
static int
adm_bind(struct adm *a, sqlite3_stmt *st, int idx, const char *s)
{
	size_t	 n;
	int	 rc;

	if (s == NULL)
		rc = sqlite3_bind_null(st, idx);
	else if ((n = strlen(s)) > ADM_TEXT_MAX) {
		seterr(a->err, sizeof(a->err), "argument too long");
		return -1;
	} else
		rc = sqlite3_bind_text(st, idx, s, (int)n, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		adm_dberr(a);
		return -1;
	}
	return 0;
}

/*
 * Step a statement that returns no rows (BEGIN, COMMIT, ROLLBACK),
 * then reset it.  Return 0, or -1 with the message kept.
 */
static int
adm_simple(struct adm *a, enum stmt id)
{
	sqlite3_stmt	*st = a->stmts[id];
	int		 ret = 0;

	if (sqlite3_step(st) != SQLITE_DONE) {
		adm_dberr(a);
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

/*
 * Run the bound write statement id alone in BEGIN IMMEDIATE ...
 * COMMIT.  Store the number of rows it changed in *changes and, if
 * rowid is not NULL, the rowid it inserted.  Whatever happens, reset
 * and clear the statement.  Return 0, or -1 (rolled back, message
 * kept: for a refused row the constraint's or trigger's text).
 */
static int
adm_write(struct adm *a, enum stmt id, int *changes, int64_t *rowid)
{
	sqlite3_stmt	*st = a->stmts[id];
	int		 ret = -1;

	if (adm_simple(a, STMT_BEGIN) == -1)
		goto out;
	if (sqlite3_step(st) != SQLITE_DONE) {
		adm_dberr(a);
		goto out;
	}
	*changes = sqlite3_changes(a->db);
	if (rowid != NULL)
		*rowid = sqlite3_last_insert_rowid(a->db);
	sqlite3_reset(st);
	if (adm_simple(a, STMT_COMMIT) == -1)
		goto out;
	ret = 0;
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (ret == -1 && sqlite3_get_autocommit(a->db) == 0)
		(void)adm_simple(a, STMT_ROLLBACK);
	return ret;
}

/*
 * Bind up to two texts to id and write.  Return 1 if a row changed,
 * 0 if none did, -1 on error.
 */
static int
adm_write2(struct adm *a, enum stmt id, const char *p1, const char *p2)
{
	sqlite3_stmt	*st = a->stmts[id];
	int		 n = 0;

	if (adm_bind(a, st, 1, p1) == -1 ||
	    (p2 != NULL && adm_bind(a, st, 2, p2) == -1)) {
		sqlite3_clear_bindings(st);
		return -1;
	}
	if (adm_write(a, id, &n, NULL) == -1)
		return -1;
	return n > 0;
}

/*
 * Whether user name exists: 1 yes, 0 no, -1 error.
 */
int
adm_user_exists(struct adm *a, const char *name)
{
	sqlite3_stmt	*st = a->stmts[STMT_USER_EXISTS];
	int		 rc, ret = -1;

	if (adm_bind(a, st, 1, name) == -1)
		goto out;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = 1;
	else if (rc == SQLITE_DONE)
		ret = 0;
	else
		adm_dberr(a);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/*
 * Add user name with the crypt(3) string hash.  Return 1 added, 0 the
 * name is taken, -1 error (a refused name or hash: the CHECK text).
 */
int
adm_user_add(struct adm *a, const char *name, const char *hash)
{
	return adm_write2(a, STMT_USER_ADD, name, hash);
}

/*
 * Set the hash of user name.  Return 1 done, 0 no such user, -1 error.
 */
int
adm_user_passwd(struct adm *a, const char *name, const char *hash)
{
	return adm_write2(a, STMT_USER_PASSWD, name, hash);
}

/*
 * Delete user name and its memberships.  Return 1 done, 0 no such
 * user, -1 error.
 */
int
adm_user_del(struct adm *a, const char *name)
{
	return adm_write2(a, STMT_USER_DEL, name, NULL);
}

/*
 * Disable (disabled != 0) or enable user name; an already disabled
 * user stays so.  Return 1 done, 0 no such user, -1 error.
 */
int
adm_user_disable(struct adm *a, const char *name, int disabled)
{
	sqlite3_stmt	*st = a->stmts[STMT_USER_DISABLE];
	int		 n = 0;

	if (adm_bind(a, st, 1, name) == -1) {
		sqlite3_clear_bindings(st);
		return -1;
	}
	if (sqlite3_bind_int(st, 2, disabled != 0) != SQLITE_OK) {
		adm_dberr(a);
		sqlite3_clear_bindings(st);
		return -1;
	}
	if (adm_write(a, STMT_USER_DISABLE, &n, NULL) == -1)
		return -1;
	return n > 0;
}

/*
 * Append ",role" (or "role" to an empty list) to the growing string
 * *buf of capacity *cap.  Return 0, or -1 out of memory.
 */
static int
roles_append(char **buf, size_t *len, size_t *cap, const char *role,
    size_t rolesz)
{
	char	*p;
	size_t	 need, ncap;

	need = *len + (*len > 0) + rolesz + 1;
	if (need > *cap) {
		ncap = need < 256 ? 256 : need * 2;
		if ((p = realloc(*buf, ncap)) == NULL)
			return -1;
		*buf = p;
		*cap = ncap;
	}
	if (*len > 0)
		(*buf)[(*len)++] = ',';
	memcpy(*buf + *len, role, rolesz);
	*len += rolesz;
	(*buf)[*len] = '\0';
	return 0;
}

/*
 * Call cb once per user, ordered by name (bytewise), with its state
 * and its roles sorted and comma-joined ("" for none).  One query,
 * so one snapshot.  Stop when cb returns -1.  Return 0, or -1 on a
 * database or memory error (message kept) or when cb stopped.
 */
int
adm_user_list(struct adm *a, int (*cb)(void *, const struct adm_userent *),
    void *arg)
{
	sqlite3_stmt		*st = a->stmts[STMT_USER_LIST];
	struct adm_userent	 u;
	char			 name[NAME_MAX_LEN + 1];
	char			*roles = NULL;
	const unsigned char	*s = NULL, *r;
	size_t			 rlen = 0, rcap = 0, n = 0;
	int			 rc, state = 0, have = 0, ret = -1;

	for (;;) {
		if ((rc = sqlite3_step(st)) != SQLITE_ROW &&
		    rc != SQLITE_DONE) {
			adm_dberr(a);
			goto out;
		}
		if (rc == SQLITE_ROW) {
			s = sqlite3_column_text(st, 0);
			n = (size_t)sqlite3_column_bytes(st, 0);
			if (s == NULL || n > NAME_MAX_LEN) {
				seterr(a->err, sizeof(a->err),
				    "users: bad name in the database");
				goto out;
			}
		}
		/* The end, or another user: hand over the one collected. */
		if (have && (rc == SQLITE_DONE || strlen(name) != n ||
		    memcmp(name, s, n) != 0)) {
			u.name = name;
			u.state = (enum adm_ustate)state;
			u.roles = roles == NULL ? "" : roles;
			if (cb(arg, &u) == -1) {
				seterr(a->err, sizeof(a->err), "output error");
				goto out;
			}
			have = 0;
		}
		if (rc == SQLITE_DONE)
			break;
		if (!have) {
			memcpy(name, s, n);
			name[n] = '\0';
			state = sqlite3_column_int(st, 1);
			if (state < 0 || state >= ADM_USTATE__MAX)
				state = ADM_DISABLED;	/* cannot happen */
			rlen = 0;
			if (roles != NULL)
				*roles = '\0';
			have = 1;
		}
		if ((r = sqlite3_column_text(st, 2)) != NULL &&
		    roles_append(&roles, &rlen, &rcap, (const char *)r,
		    (size_t)sqlite3_column_bytes(st, 2)) == -1) {
			seterr(a->err, sizeof(a->err), "%s", strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	sqlite3_reset(st);
	free(roles);
	return ret;
}

/*
 * Add role name.  Return 1 added, 0 the name is taken, -1 error (a
 * refused name: the CHECK text).
 */
int
adm_role_add(struct adm *a, const char *name)
{
	return adm_write2(a, STMT_ROLE_ADD, name, NULL);
}

/*
 * Delete role name, its memberships and the rules naming it (schema
 * triggers).  Return 1 done, 0 no such role, -1 error.
 */
int
adm_role_del(struct adm *a, const char *name)
{
	return adm_write2(a, STMT_ROLE_DEL, name, NULL);
}

/*
 * Make user a member of role.  Return 1 done, 0 already a member,
 * -1 error (no such user or role: the trigger's text).
 */
int
adm_grant(struct adm *a, const char *user, const char *role)
{
	return adm_write2(a, STMT_GRANT, user, role);
}

/*
 * Drop the membership of user in role.  Return 1 done, 0 no such
 * membership, -1 error.
 */
int
adm_revoke(struct adm *a, const char *user, const char *role)
{
	return adm_write2(a, STMT_REVOKE, user, role);
}

/*
 * Add a rule granting methods on (pattern, host) to principal; host
 * NULL is any host and must otherwise be canonical already (see
 * host_canon()).  The resource is made if missing.  Return 0 and the
 * new rule's id in *id, or -1 (a refused pattern, host, methods or
 * principal: the CHECK or trigger text).
 */
int
adm_rule_add(struct adm *a, const char *host, const char *pattern,
    const char *methods, const char *principal, int64_t *id)
{
	sqlite3_stmt	*st = a->stmts[STMT_RULE_ADD];
	int		 n = 0;

	if (adm_bind(a, st, 1, host) == -1 ||
	    adm_bind(a, st, 2, pattern) == -1 ||
	    adm_bind(a, st, 3, methods) == -1 ||
	    adm_bind(a, st, 4, principal) == -1) {
		sqlite3_clear_bindings(st);
		return -1;
	}
	if (adm_write(a, STMT_RULE_ADD, &n, id) == -1)
		return -1;
	if (n != 1) {
		seterr(a->err, sizeof(a->err), "rule not inserted");
		return -1;
	}
	return 0;
}

/*
 * Delete rule id.  Its resource stays: without rules it denies every
 * request, which fails closed.  Return 1 done, 0 no such rule, -1
 * error.
 */
int
adm_rule_del(struct adm *a, int64_t id)
{
	sqlite3_stmt	*st = a->stmts[STMT_RULE_DEL];
	int		 n = 0;

	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		adm_dberr(a);
		sqlite3_clear_bindings(st);
		return -1;
	}
	if (adm_write(a, STMT_RULE_DEL, &n, NULL) == -1)
		return -1;
	return n > 0;
}

/*
 * Call cb once per rule, ordered by id.  Stop when cb returns -1.
 * Return 0, or -1 on a database error (message kept) or when cb
 * stopped.
 */
int
adm_rule_list(struct adm *a, int (*cb)(void *, const struct adm_ruleent *),
    void *arg)
{
	sqlite3_stmt		*st = a->stmts[STMT_RULE_LIST];
	struct adm_ruleent	 r;
	int			 rc, ret = -1;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.host = (const char *)sqlite3_column_text(st, 1);
		r.pattern = (const char *)sqlite3_column_text(st, 2);
		r.methods = (const char *)sqlite3_column_text(st, 3);
		r.principal = (const char *)sqlite3_column_text(st, 4);
		if (r.pattern == NULL || r.methods == NULL ||
		    r.principal == NULL) {
			seterr(a->err, sizeof(a->err),
			    "rules: NULL column in rule %" PRId64, r.id);
			goto out;
		}
		if (cb(arg, &r) == -1) {
			seterr(a->err, sizeof(a->err), "output error");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		adm_dberr(a);
		goto out;
	}
	ret = 0;
out:
	sqlite3_reset(st);
	return ret;
}
