/*
 * state.c: the lockout state database, the one file the server writes
 * (README, "Lockout").  It counts failed logins by (user name, client
 * network) and by the network alone, and says whether a key is locked.
 * Beside store.c and the admin data layer the only includer of
 * sqlite3.h; the policy database stays read-only to the server.
 *
 * `portcullis init` creates it (state_init(): WAL, -wal and -shm kept,
 * mode 0660 in the server's group); the server opens it read-write and
 * never creates it.  Statements are fixed here, prepared once, and
 * every use ends in sqlite3_reset() and sqlite3_clear_bindings().  A
 * failure is recorded in one short BEGIN IMMEDIATE transaction: one
 * UPSERT per key.  Any error is reported to the caller, which fails
 * closed (503): lockout is never silently skipped.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "extern.h"

#define STATE_VERSION	1	/* its PRAGMA user_version */
#define STATE_MODE	0660	/* the server's group writes it */
#define STATE_PURGE	16	/* expired rows dropped per failure */

static const char state_schema[] =
	"CREATE TABLE IF NOT EXISTS failures (\n"
	"  -- \"192.0.2.7/32\", \"2001:db8:1:2::/64\", or \"-\" (no address)\n"
	"  network TEXT NOT NULL CHECK (length(network) BETWEEN 1 AND 64),\n"
	"  -- the user name tried, '' for the network's own count\n"
	"  user TEXT NOT NULL DEFAULT '' CHECK (length(user) <= 255),\n"
	"  count INTEGER NOT NULL CHECK (count >= 1),\n"
	"  first INTEGER NOT NULL,        -- window start, Unix seconds\n"
	"  locked_until INTEGER NOT NULL DEFAULT 0,\n"
	"  PRIMARY KEY (network, user)\n"
	") WITHOUT ROWID;\n"
	"PRAGMA user_version = 1;\n";

enum stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_LOOKUP,
	STMT_FAIL,
	STMT_SUCCESS,
	STMT_PURGE,
	STMT_LIST,
	STMT_CLEAR,
	STMT_CLEAR_ALL,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BEGIN */
	"BEGIN IMMEDIATE",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_LOOKUP: the network's row and the pair's, if any */
	"SELECT user, locked_until FROM failures "
	"WHERE network = ?1 AND user IN ('', ?2)",
	/*
	 * STMT_FAIL: one more failure of (?1, ?2) at ?3; a window of ?5
	 * seconds that has passed starts again; the ?4th failure in the
	 * window locks the key until ?3 + ?6.  SET reads the old row.
	 */
	"INSERT INTO failures (network, user, count, first, locked_until) "
	"VALUES (?1, ?2, 1, ?3, CASE WHEN ?4 <= 1 THEN ?3 + ?6 ELSE 0 END) "
	"ON CONFLICT (network, user) DO UPDATE SET "
	"count = CASE WHEN first + ?5 <= ?3 THEN 1 ELSE count + 1 END, "
	"first = CASE WHEN first + ?5 <= ?3 THEN ?3 ELSE first END, "
	"locked_until = CASE WHEN "
	"(CASE WHEN first + ?5 <= ?3 THEN 1 ELSE count + 1 END) >= ?4 "
	"THEN ?3 + ?6 ELSE locked_until END",
	/* STMT_SUCCESS: a good password forgets the pair's failures */
	"DELETE FROM failures WHERE network = ?1 AND user = ?2",
	/* STMT_PURGE: rows whose window and lock have both passed */
	"DELETE FROM failures WHERE (network, user) IN "
	"(SELECT network, user FROM failures "
	"WHERE locked_until <= ?1 AND first + ?2 <= ?1 LIMIT 16)",
	/* STMT_LIST */
	"SELECT network, user, count, first, locked_until FROM failures "
	"ORDER BY network, user",
	/* STMT_CLEAR: every row of a network or of a user name */
	"DELETE FROM failures WHERE network = ?1 OR user = ?1",
	/* STMT_CLEAR_ALL */
	"DELETE FROM failures",
};

struct state {
	sqlite3		*db;
	sqlite3_stmt	*stmts[STMT__MAX];
	char		 err[256];
};

static void
state_fail(struct state *s, const char *what)
{
	/* what may be a statement's text: its start says enough. */
	snprintf(s->err, sizeof(s->err), "%.48s: %s", what,
	    sqlite3_errmsg(s->db));
}

static void
state_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Run a statement that returns no row of interest.  0 or -1. */
static int
state_exec(struct state *s, enum stmt id)
{
	int	 rc;

	rc = sqlite3_step(s->stmts[id]);
	state_done(s->stmts[id]);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	state_fail(s, stmts[id]);
	return -1;
}

static int
bind_text(struct state *s, sqlite3_stmt *st, int i, const char *v)
{
	if (sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) == SQLITE_OK)
		return 0;
	state_fail(s, "bind");
	return -1;
}

/*
 * The state database's path into buf: explicit (-S, PORTCULLIS_STATE)
 * if not NULL or empty, else the policy database's path + "-state".
 * Return 0, or -1 ("" in buf) if neither is given or it is too long.
 */
int
state_path(char *buf, size_t bufsz, const char *policy, const char *explicit)
{
	int	 n;

	if (explicit != NULL && *explicit != '\0')
		n = snprintf(buf, bufsz, "%s", explicit);
	else if (policy != NULL && *policy != '\0')
		n = snprintf(buf, bufsz, "%s-state", policy);
	else
		n = -1;
	if (n < 0 || (size_t)n >= bufsz) {
		if (bufsz > 0)
			*buf = '\0';
		return -1;
	}
	return 0;
}

/*
 * Open the state database at path read-write, or read-only if rdonly
 * (`portcullis check` only looks), never creating it,
 * with a busy timeout of STORE_BUSY_MS, extension loading off,
 * defensive mode on, and -wal/-shm kept on close (SQLITE_FCNTL_
 * PERSIST_WAL: the server may not be able to make them again).  The
 * schema must be STATE_VERSION.  Return it, or NULL with a message.
 */
struct state *
state_open(const char *path, int rdonly, char *err, size_t errsz)
{
	struct state	*s;
	sqlite3_stmt	*st = NULL;
	int		 i, persist = 1, v = -1;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	if (sqlite3_open_v2(path, &s->db, (rdonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
	    NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_file_control(s->db, NULL, SQLITE_FCNTL_PERSIST_WAL, &persist);
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		goto fail;
	}
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v != STATE_VERSION) {
		snprintf(err, errsz, "%s: not a lockout state database "
		    "(user_version %d): run portcullis init", path, v);
		state_close(s);
		return NULL;
	}
	for (i = 0; i < STMT__MAX; i++)
		if (sqlite3_prepare_v3(s->db, stmts[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmts[i], NULL) != SQLITE_OK)
			goto fail;
	return s;
fail:
	/* A permission, said as one (dbdiag.c), else SQLite's message. */
	if (s->db == NULL || !dbdiag(path, !rdonly, err, errsz))
		snprintf(err, errsz, "%s: %s", path, s->db == NULL ?
		    "out of memory" : sqlite3_errmsg(s->db));
	state_close(s);
	return NULL;
}

void
state_close(struct state *s)
{
	int	 i;

	if (s == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close(s->db);
	free(s);
}

const char *
state_errmsg(const struct state *s)
{
	return s->err;
}

/*
 * Whether the network net or the pair (net, user) is locked at now
 * (user NULL: only the network).  Return 1 and the end of the lock
 * in *until, 0 (not locked; *known says whether the pair has
 * failures on record, which a good password then forgets), or -1.
 */
int
state_locked(struct state *s, const char *net, const char *user,
    time_t now, time_t *until, int *known)
{
	sqlite3_stmt	*st = s->stmts[STMT_LOOKUP];
	sqlite3_int64	 t;
	int		 rc;

	*until = 0;
	*known = 0;
	if (bind_text(s, st, 1, net) == -1 ||
	    bind_text(s, st, 2, user == NULL ? "" : user) == -1) {
		state_done(st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = sqlite3_column_int64(st, 1);
		if (user != NULL && *(const char *)sqlite3_column_text(st,
		    0) != '\0')
			*known = 1;
		if (t > now && t > *until)
			*until = (time_t)t;
	}
	state_done(st);
	if (rc != SQLITE_DONE) {
		state_fail(s, "lookup");
		return -1;
	}
	return *until > now;
}

/* One failure of key (net, user) under attempts/window/lock. */
static int
fail_one(struct state *s, const char *net, const char *user, time_t now,
    unsigned int attempts, unsigned int window, unsigned int lock)
{
	sqlite3_stmt	*st = s->stmts[STMT_FAIL];

	if (attempts == 0)
		return 0;	/* this key's lockout is off */
	if (bind_text(s, st, 1, net) == -1 ||
	    bind_text(s, st, 2, user) == -1 ||
	    sqlite3_bind_int64(st, 3, now) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, attempts) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, window) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 6, lock) != SQLITE_OK) {
		state_done(st);
		state_fail(s, "bind");
		return -1;
	}
	return state_exec(s, STMT_FAIL);
}

/*
 * Record one failed login from net as user (NULL: no user name could
 * be read, only the network counts) at now: one UPSERT per key and a
 * few expired rows dropped, in one transaction.  Return 0 or -1.
 */
int
state_failure(struct state *s, const struct lockout *lo, const char *net,
    const char *user, time_t now)
{
	sqlite3_stmt	*st = s->stmts[STMT_PURGE];
	unsigned int	 w;

	if (state_exec(s, STMT_BEGIN) == -1)
		return -1;
	if (fail_one(s, net, "", now, lo->net_attempts, lo->net_window,
	    lo->net_seconds) == -1)
		goto fail;
	if (user != NULL && fail_one(s, net, user, now, lo->pair_attempts,
	    lo->pair_window, lo->pair_seconds) == -1)
		goto fail;
	w = lo->net_window > lo->pair_window ? lo->net_window :
	    lo->pair_window;
	if (sqlite3_bind_int64(st, 1, now) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, w) != SQLITE_OK) {
		state_done(st);
		state_fail(s, "bind");
		goto fail;
	}
	if (state_exec(s, STMT_PURGE) == -1 ||
	    state_exec(s, STMT_COMMIT) == -1)
		goto fail;
	return 0;
fail:
	(void)state_exec(s, STMT_ROLLBACK);
	return -1;
}

/*
 * A good password for user from net: forget the pair's failures (the
 * network's stay).  Return 0 or -1.
 */
int
state_success(struct state *s, const char *net, const char *user)
{
	sqlite3_stmt	*st = s->stmts[STMT_SUCCESS];

	if (bind_text(s, st, 1, net) == -1 || bind_text(s, st, 2, user) == -1) {
		state_done(st);
		return -1;
	}
	return state_exec(s, STMT_SUCCESS);
}

/*
 * Call cb for every row, by network and user.  Return 0, -1 on an
 * error, or what a non-zero cb returned.
 */
int
state_list(struct state *s, int (*cb)(void *, const struct state_row *),
    void *arg)
{
	sqlite3_stmt		*st = s->stmts[STMT_LIST];
	struct state_row	 r;
	int			 rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.network = (const char *)sqlite3_column_text(st, 0);
		r.user = (const char *)sqlite3_column_text(st, 1);
		r.count = sqlite3_column_int64(st, 2);
		r.first = (time_t)sqlite3_column_int64(st, 3);
		r.locked_until = (time_t)sqlite3_column_int64(st, 4);
		if (r.network == NULL || r.user == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		if ((ret = cb(arg, &r)) != 0)
			break;
	}
	state_done(st);
	if (ret == 0 && rc != SQLITE_DONE) {
		state_fail(s, "list");
		return -1;
	}
	return ret;
}

/*
 * Forget the failures of what (a network as state_list() shows it, or
 * a user name), or of everyone (what NULL).  Return how many rows went,
 * or -1.
 */
int
state_clear(struct state *s, const char *what)
{
	sqlite3_stmt	*st;

	if (what == NULL) {
		if (state_exec(s, STMT_CLEAR_ALL) == -1)
			return -1;
		return sqlite3_changes(s->db);
	}
	st = s->stmts[STMT_CLEAR];
	if (bind_text(s, st, 1, what) == -1) {
		state_done(st);
		return -1;
	}
	if (state_exec(s, STMT_CLEAR) == -1)
		return -1;
	return sqlite3_changes(s->db);
}

/*
 * Create the state database at path if missing, or bring an existing
 * one to STATE_VERSION: WAL, and the file, its -wal and its -shm mode
 * STATE_MODE in group gid (unless (gid_t)-1) and kept, so that a
 * server that may not write the directory can still use it.  Return 0,
 * or -1 with a message.
 */
int
state_init(const char *path, gid_t gid, char *err, size_t errsz)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	sqlite3		*db = NULL;
	char		*msg = NULL, side[4096];
	size_t		 i;
	int		 fd, persist = 1, ret = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    STATE_MODE);
	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	(void)close(fd);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, 5000);
	sqlite3_file_control(db, NULL, SQLITE_FCNTL_PERSIST_WAL, &persist);
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL,
	    &msg) != SQLITE_OK ||
	    sqlite3_exec(db, state_schema, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, "SELECT count(*) FROM failures", NULL, NULL,
	    &msg) != SQLITE_OK)
		goto fail;
	for (i = 0; i < nitems(sfx); i++) {
		if ((size_t)snprintf(side, sizeof(side), "%s%s", path,
		    sfx[i]) >= sizeof(side)) {
			snprintf(err, errsz, "%s: path too long", path);
			goto out;
		}
		if ((fd = open(side, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
		    -1 || (gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) ==
		    -1) || fchmod(fd, STATE_MODE) == -1) {
			snprintf(err, errsz, "%s: %s", side, strerror(errno));
			if (fd != -1)
				(void)close(fd);
			goto out;
		}
		(void)close(fd);
	}
	ret = 0;
	goto out;
fail:
	snprintf(err, errsz, "%s: %s", path, msg != NULL ? msg :
	    db != NULL ? sqlite3_errmsg(db) : "out of memory");
out:
	sqlite3_free(msg);
	sqlite3_close(db);
	return ret;
}
