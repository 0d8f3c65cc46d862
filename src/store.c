/*
 * store.c: the request path's view of the database.  With the admin
 * data layer (admdb.c, admstore.c) the only includer of sqlite3.h.
 *
 * The database is opened read-only once per process, with extension
 * loading off and defensive mode on; statements are fixed here and
 * prepared once.  Every use ends in sqlite3_reset() and
 * sqlite3_clear_bindings(): an un-reset statement keeps its read
 * transaction, and the process would go on honouring a user the
 * administrator just revoked.  One decision reads one snapshot,
 * between store_begin() and store_end(): the compiled policy
 * (snapshot.c), rebuilt in that transaction when PRAGMA data_version
 * says the database changed, and the users, looked up in it.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "extern.h"

enum stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_VERSION,
	STMT_DATA_VERSION,
	STMT_SETTINGS,
	STMT_POLICY,
	STMT_USER,
	STMT_ROLES,
	STMT_TOKENS,
	STMT_TOKEN,
	STMT_CERT,
	STMT_NETWORKS,
	STMT_INCLUDES,
	STMT_TOKEN_LIST,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BEGIN */
	"BEGIN",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_VERSION */
	"PRAGMA user_version",
	/* STMT_DATA_VERSION: changes when another connection commits */
	"PRAGMA data_version",
	/* STMT_SETTINGS */
	"SELECT name, value FROM settings",
	/*
	 * STMT_POLICY: every resource with its rules (a NULL id: none),
	 * for the snapshot; one scan of resources, rules found by
	 * rules_by_resource, which gives them in id order (no sort)
	 */
	"SELECT r.rowid, r.pattern, r.host, u.id, u.methods, u.principal, "
	"u.network FROM resources AS r LEFT JOIN rules AS u "
	"ON u.pattern = r.pattern AND u.host IS r.host "
	"ORDER BY r.rowid, u.id",
	/* STMT_USER */
	"SELECT hash, disabled, "
	"expires IS NOT NULL AND datetime(expires) <= datetime('now') "
	"FROM users WHERE name = ?1",
	/* STMT_ROLES */
	"SELECT role FROM members WHERE user = ?1 ORDER BY role",
	/* STMT_TOKENS: whether 401s offer Bearer (sql/0007-tokens.sql) */
	"SELECT EXISTS (SELECT 1 FROM tokens)",
	/* STMT_TOKEN: a token by id, with its owner's state */
	"SELECT t.user, t.hash, t.disabled, "
	"t.expires IS NOT NULL AND datetime(t.expires) <= datetime('now'), "
	"u.disabled, "
	"u.expires IS NOT NULL AND datetime(u.expires) <= datetime('now'), "
	"t.limited "
	"FROM tokens AS t JOIN users AS u ON u.name = t.user WHERE t.id = ?1",
	/*
	 * STMT_CERT: the user a verified client certificate maps to
	 * (sql/0008-certificates.sql): its fingerprint ?1, else its
	 * subject ?2 with the issuer ?3 the row names, else with none;
	 * with the user's state
	 */
	"SELECT c.user, c.fingerprint IS NOT NULL, u.disabled, "
	"u.expires IS NOT NULL AND datetime(u.expires) <= datetime('now') "
	"FROM certificates AS c JOIN users AS u ON u.name = c.user "
	"WHERE c.fingerprint = ?1 OR (c.subject = ?2 AND "
	"(c.issuer IS NULL OR c.issuer = ?3)) "
	"ORDER BY c.fingerprint IS NULL, c.issuer IS NULL LIMIT 1",
	/* STMT_NETWORKS: every row of every network (sql/0009) */
	"SELECT name, cidr FROM networks",
	/* STMT_INCLUDES: the role hierarchy, for the snapshot (sql/0010) */
	"SELECT role, includes FROM role_includes",
	/* STMT_TOKEN_LIST: the roles a limited token lists, in byte order */
	"SELECT role FROM token_roles WHERE token = ?1 ORDER BY role",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmts[STMT__MAX];
	dev_t		 dev;		/* of the file opened */
	ino_t		 ino;
	struct snapshot	*snap;		/* the compiled policy, or NULL */
	sqlite3_int64	 dv;		/* the data_version it was built at */
	int		 busy;		/* last failure was SQLITE_BUSY */
	char		 err[256];	/* last failure, for the log */
};

static int	 store_has_tokens(struct store *, int *);
static int	 store_networks(struct store *, struct snapshot *);
static int	 store_includes(struct store *, struct snapshot *);

static void
store_fail(struct store *s, const char *what)
{
	int	 rc = sqlite3_extended_errcode(s->db);

	s->busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
	snprintf(s->err, sizeof(s->err), "%s: %s", what,
	    sqlite3_errmsg(s->db));
}

static void
store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Run a statement that returns no row of interest.  0 or -1. */
static int
store_exec(struct store *s, enum stmt id)
{
	int	 rc;

	rc = sqlite3_step(s->stmts[id]);
	store_done(s->stmts[id]);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	store_fail(s, stmts[id]);
	return -1;
}

/*
 * After a failed first read: say which permission is missing
 * (dbdiag.c), instead of SQLite's "unable to open database file" or
 * "attempt to write a readonly database".  A reader that cannot write
 * the directory (README, "Deploying") cannot make a missing -wal or
 * -shm: they go when the last connection that may checkpoint closes
 * without SQLITE_FCNTL_PERSIST_WAL (a plain sqlite3 session), and
 * `portcullis init` makes them again.
 */
static void
store_nowal(struct store *s, const char *path)
{
	int	 rc = sqlite3_extended_errcode(s->db) & 0xff;

	if (rc != SQLITE_READONLY && rc != SQLITE_CANTOPEN &&
	    rc != SQLITE_PERM && rc != SQLITE_IOERR)
		return;
	(void)dbdiag(path, 0, s->err, sizeof(s->err));
}

/*
 * Read PRAGMA user_version.  Returns 0 and sets *v, or -1.
 */
static int
store_version(struct store *s, int *v)
{
	sqlite3_stmt	*st = s->stmts[STMT_VERSION];
	int		 rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	else
		store_fail(s, "user_version");
	store_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Open path read-only and compile its policy (store_snapshot(); a
 * policy that cannot be compiled now is left to the first decision,
 * which answers 500 or 503).  Returns the store, or NULL with *res
 * saying why: STORE_MISSING (no such file), STORE_SCHEMA (user_version
 * is not SCHEMA_VERSION, or the tables are not ours), STORE_BUSY,
 * STORE_ERROR; err (if not NULL) gets a message for the log.
 */
struct store *
store_open_ro(const char *path, enum storeres *res, char *err, size_t errsz)
{
	struct store	*s;
	struct stat	 sb;
	size_t		 i;
	int		 v, rc;

	*res = STORE_ERROR;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (path == NULL || *path == '\0') {
		if (err != NULL)
			snprintf(err, errsz, "no database configured");
		return NULL;
	}
	if (stat(path, &sb) == -1) {
		if (errno == ENOENT)
			*res = STORE_MISSING;
		if (err != NULL && (errno == ENOENT ||
		    !dbdiag(path, 0, err, errsz)))
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		if (err != NULL)
			snprintf(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	s->dev = sb.st_dev;
	s->ino = sb.st_ino;

	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK || s->db == NULL) {
		if (s->db != NULL) {
			store_fail(s, path);
			store_nowal(s, path);
		} else
			snprintf(s->err, sizeof(s->err), "%s: out of memory",
			    path);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
	    NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

	if (sqlite3_prepare_v3(s->db, stmts[STMT_VERSION], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->stmts[STMT_VERSION],
	    NULL) != SQLITE_OK) {
		store_fail(s, "prepare");
		goto fail;
	}
	if (store_version(s, &v) == -1) {
		store_nowal(s, path);
		goto fail;
	}
	if (v != SCHEMA_VERSION) {
		*res = STORE_SCHEMA;
		snprintf(s->err, sizeof(s->err), "%s: schema version %d, "
		    "this build reads %d (run portcullis init)", path, v,
		    SCHEMA_VERSION);
		goto fail;
	}
	for (i = 0; i < STMT__MAX; i++) {
		if (s->stmts[i] != NULL)
			continue;
		if (sqlite3_prepare_v3(s->db, stmts[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmts[i],
		    NULL) != SQLITE_OK) {
			*res = STORE_SCHEMA;
			store_fail(s, "prepare");
			goto fail;
		}
	}
	/*
	 * The compiled policy, built now rather than by a request.  If
	 * it cannot be, the first decision tries again and answers why.
	 */
	if (store_begin(s) == STORE_OK)
		store_end(s);
	*res = STORE_OK;
	return s;
fail:
	if (*res == STORE_ERROR && s->busy)
		*res = STORE_BUSY;
	if (err != NULL)
		snprintf(err, errsz, "%s", s->err);
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close(s->db);
	snap_free(s->snap);
	free(s);
}

const char *
store_errmsg(const struct store *s)
{
	return s->err;
}

/*
 * Whether the file at path is no longer the one opened (replaced,
 * removed): the caller should reopen.  Returns 1 or 0.
 */
int
store_stale(const struct store *s, const char *path)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1)
		return 1;
	return sb.st_dev != s->dev || sb.st_ino != s->ino;
}

/* Read PRAGMA data_version into *dv.  Returns 0 or -1. */
static int
store_data_version(struct store *s, sqlite3_int64 *dv)
{
	sqlite3_stmt	*st = s->stmts[STMT_DATA_VERSION];
	int		 rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*dv = sqlite3_column_int64(st, 0);
	else
		store_fail(s, "data_version");
	store_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Read every resource and its rules into sn.  Returns 0 or -1. */
static int
store_policy(struct store *s, struct snapshot *sn)
{
	sqlite3_stmt	*st = s->stmts[STMT_POLICY];
	sqlite3_int64	 rowid, last = 0;
	int		 rc = SQLITE_DONE, ret = 0, first = 1;

	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rowid = sqlite3_column_int64(st, 0);
		if (first || rowid != last)
			ret = snap_add_resource(sn,
			    (const char *)sqlite3_column_text(st, 1),
			    (const char *)sqlite3_column_text(st, 2));
		first = 0;
		last = rowid;
		if (ret == 0 && sqlite3_column_type(st, 3) != SQLITE_NULL)
			ret = snap_add_rule(sn, sqlite3_column_int64(st, 3),
			    (const char *)sqlite3_column_text(st, 4),
			    (const char *)sqlite3_column_text(st, 5));
		if (ret == 0 && sqlite3_column_type(st, 3) != SQLITE_NULL &&
		    sqlite3_column_type(st, 6) != SQLITE_NULL)
			ret = snap_rule_network(sn,
			    (const char *)sqlite3_column_text(st, 6));
		if (ret == -1)
			snprintf(s->err, sizeof(s->err), "snapshot: out of "
			    "memory");
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		store_fail(s, "resources");
		ret = -1;
	}
	store_done(st);
	return ret;
}

/*
 * Inside the read transaction: check the schema version and compile
 * the settings, resources and rules into a new s->snap.  Returns
 * STORE_OK, STORE_SCHEMA, STORE_BUSY or STORE_ERROR (s->snap NULL).
 */
static enum storeres
store_rebuild(struct store *s)
{
	struct snapshot	*sn;
	struct settings	 set;
	int		 v;

	if (store_version(s, &v) == -1)
		return s->busy ? STORE_BUSY : STORE_ERROR;
	if (v != SCHEMA_VERSION) {
		snprintf(s->err, sizeof(s->err), "schema version %d, this "
		    "build reads %d", v, SCHEMA_VERSION);
		return STORE_SCHEMA;
	}
	if ((sn = snap_new()) == NULL) {
		snprintf(s->err, sizeof(s->err), "snapshot: out of memory");
		return STORE_ERROR;
	}
	if (store_settings(s, &set) == -1 || store_policy(s, sn) == -1 ||
	    store_has_tokens(s, &set.tokens) == -1 ||
	    store_networks(s, sn) == -1 ||
	    store_includes(s, sn) == -1)
		goto fail;
	snap_set_settings(sn, &set);
	if (snap_finish(sn) == -1) {
		snprintf(s->err, sizeof(s->err), "snapshot: out of memory");
		goto fail;
	}
	s->snap = sn;
	metrics_rebuild();
	return STORE_OK;
fail:
	snap_free(sn);
	return s->busy ? STORE_BUSY : STORE_ERROR;
}

/*
 * Start the read transaction of one decision and make s->snap the
 * policy it reads: PRAGMA data_version (one statement) says whether
 * another connection committed since the snapshot was built; if so,
 * or if there is none, it is built again in this same transaction,
 * the schema version checked first.  A snapshot that cannot be built
 * leaves none: the previous one is never used past a known change.
 * Returns STORE_OK (store_snapshot() is current, the transaction
 * open for the users' lookups until store_end()), STORE_SCHEMA,
 * STORE_BUSY or STORE_ERROR; on failure no transaction is left open.
 */
enum storeres
store_begin(struct store *s)
{
	enum storeres	 res;
	sqlite3_int64	 dv;
	char		 err[sizeof(s->err)];
	int		 busy;

	s->busy = 0;
	s->err[0] = '\0';
	if (store_exec(s, STMT_BEGIN) == -1)
		return s->busy ? STORE_BUSY : STORE_ERROR;
	if (store_data_version(s, &dv) == -1) {
		res = s->busy ? STORE_BUSY : STORE_ERROR;
		goto fail;
	}
	if (s->snap != NULL && dv == s->dv)
		return STORE_OK;
	snap_free(s->snap);
	s->snap = NULL;
	if ((res = store_rebuild(s)) != STORE_OK)
		goto fail;
	s->dv = dv;
	return STORE_OK;
fail:
	snap_free(s->snap);
	s->snap = NULL;
	/* The log wants the first failure, not the ROLLBACK's. */
	memcpy(err, s->err, sizeof(err));
	busy = s->busy;
	store_end(s);
	memcpy(s->err, err, sizeof(s->err));
	s->busy = busy;
	return res;
}

/*
 * The compiled policy store_begin() made current, or NULL if it
 * failed.  Owned by the store; valid until the next store_begin().
 */
const struct snapshot *
store_snapshot(const struct store *s)
{
	return s->snap;
}

/* End the read transaction (a read-only one: nothing to lose). */
void
store_end(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return;
	if (store_exec(s, STMT_COMMIT) == -1)
		(void)store_exec(s, STMT_ROLLBACK);
}

/* Whether the last failure was a lock held past the timeout. */
int
store_busy(const struct store *s)
{
	return s->busy;
}

/*
 * The numeric settings: name, range (the schema's CHECKs agree:
 * sql/0005, sql/0006), the value of an absent row, and where it goes.
 */
static const struct {
	const char	*name;
	unsigned int	 min;
	unsigned int	 max;
	unsigned int	 def;
	size_t		 off;
} numset[] = {
	{ "credential_cache_seconds", 0, CREDCACHE_SECONDS_MAX,
	    CREDCACHE_SECONDS_DEFAULT, offsetof(struct settings,
	    cache_seconds) },
	{ "credential_cache_entries", 1, CREDCACHE_ENTRIES_MAX,
	    CREDCACHE_ENTRIES_DEFAULT, offsetof(struct settings,
	    cache_entries) },
	{ "lockout_attempts", 0, 1000, 5,
	    offsetof(struct settings, lockout.pair_attempts) },
	{ "lockout_window_seconds", 1, 86400, 900,
	    offsetof(struct settings, lockout.pair_window) },
	{ "lockout_seconds", 1, 604800, 900,
	    offsetof(struct settings, lockout.pair_seconds) },
	{ "lockout_network_attempts", 0, 100000, 50,
	    offsetof(struct settings, lockout.net_attempts) },
	{ "lockout_network_window_seconds", 1, 86400, 900,
	    offsetof(struct settings, lockout.net_window) },
	{ "lockout_network_seconds", 1, 604800, 900,
	    offsetof(struct settings, lockout.net_seconds) },
};

/* Where the i-th numeric setting goes in set. */
static unsigned int *
setting_field(struct settings *set, size_t i)
{
	return (unsigned int *)(void *)((char *)set + numset[i].off);
}

/*
 * A setting's decimal value in [min, max] into *out.  Returns 0, or
 * -1 for anything else (the schema refuses it; fail closed anyway).
 */
static int
setting_uint(const char *v, unsigned int min, unsigned int max,
    unsigned int *out)
{
	char		*end;
	long long	 n;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = (unsigned int)n;
	return 0;
}

/*
 * Fill set from the settings table, a default for each absent row
 * (extern.h).  A realm longer than REALM_MAX, or a credential cache
 * setting out of its range, is an error.  Returns 0 or -1.
 */
int
store_settings(struct store *s, struct settings *set)
{
	sqlite3_stmt		*st = s->stmts[STMT_SETTINGS];
	const char		*name;
	const unsigned char	*v;
	size_t			 i;
	int			 rc, n, ret = 0;

	memset(set, 0, sizeof(*set));
	snprintf(set->realm, sizeof(set->realm), "%s", REALM_DEFAULT);
	for (i = 0; i < nitems(numset); i++)
		*setting_field(set, i) = numset[i].def;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		v = sqlite3_column_text(st, 1);
		n = sqlite3_column_bytes(st, 1);
		if (name == NULL || v == NULL)
			continue;
		if (strcmp(name, "realm") == 0) {
			if ((size_t)n >= sizeof(set->realm)) {
				snprintf(s->err, sizeof(s->err),
				    "realm too long");
				ret = -1;
				continue;
			}
			memcpy(set->realm, v, (size_t)n);
			set->realm[n] = '\0';
			continue;
		}
		if (strcmp(name, "proxy_auth") == 0) {
			set->proxy_auth = strcmp((const char *)v, "on") == 0;
			continue;
		}
		for (i = 0; i < nitems(numset); i++)
			if (strcmp(name, numset[i].name) == 0)
				break;
		if (i < nitems(numset) && setting_uint((const char *)v,
		    numset[i].min, numset[i].max, setting_field(set, i)) == 0)
			continue;
		snprintf(s->err, sizeof(s->err), "bad %s", name);
		ret = -1;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "settings");
		ret = -1;
	}
	store_done(st);
	return ret;
}

/*
 * Bind key (a user or a token id) to statement i and join the roles of
 * its rows, sorted by the statement, with "," into buf.  Returns 0, or
 * -1 on error (a list that does not fit bufsz is an error).
 */
static int
roles_join(struct store *s, enum stmt i, const char *key, char *buf,
    size_t bufsz)
{
	sqlite3_stmt	*st = s->stmts[i];
	const char	*role;
	size_t		 len = 0, n;
	int		 rc, ret = 0;

	buf[0] = '\0';
	if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_fail(s, "roles");
		store_done(st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((role = (const char *)sqlite3_column_text(st, 0)) == NULL)
			continue;
		n = strlen(role);
		if (len + (len > 0) + n + 1 > bufsz) {
			snprintf(s->err, sizeof(s->err), "roles too long");
			ret = -1;
			break;
		}
		if (len > 0)
			buf[len++] = ',';
		memcpy(buf + len, role, n + 1);
		len += n;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		store_fail(s, "roles");
		ret = -1;
	}
	store_done(st);
	return ret;
}

/*
 * The roles user holds, sorted and ","-joined into buf.  Returns 0,
 * or -1 on error (a list that does not fit bufsz is an error).
 */
int
store_roles(struct store *s, const char *user, char *buf, size_t bufsz)
{
	return roles_join(s, STMT_ROLES, user, buf, bufsz);
}

/*
 * Whether the policy holds any token, into *yes.  Returns 0, or -1.
 */
static int
store_has_tokens(struct store *s, int *yes)
{
	sqlite3_stmt	*st = s->stmts[STMT_TOKENS];
	int		 ret = -1;

	if (sqlite3_step(st) == SQLITE_ROW) {
		*yes = sqlite3_column_int(st, 0) != 0;
		ret = 0;
	} else
		store_fail(s, "tokens");
	store_done(st);
	return ret;
}

/*
 * Look a token up by its id (TOKEN_IDLEN hex digits, NUL-terminated).
 * Returns 1 and fills *t; 0 if there is no such token; -1 on error (a
 * stored owner or hash that does not fit is an error: the schema
 * allows none).
 */
int
store_token(struct store *s, const char *id, struct token_row *t)
{
	sqlite3_stmt	*st = s->stmts[STMT_TOKEN];
	const char	*u, *h;
	int		 rc, ret = -1;

	if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		ret = 0;
	if (rc != SQLITE_ROW)
		goto out;
	u = (const char *)sqlite3_column_text(st, 0);
	h = (const char *)sqlite3_column_text(st, 1);
	if (u == NULL || h == NULL || strlen(u) >= sizeof(t->user) ||
	    strlen(h) >= sizeof(t->hash)) {
		snprintf(s->err, sizeof(s->err), "token row too long");
		goto out;
	}
	memcpy(t->user, u, strlen(u) + 1);
	memcpy(t->hash, h, strlen(h) + 1);
	t->disabled = sqlite3_column_int(st, 2) != 0;
	t->expired = sqlite3_column_int(st, 3) != 0;
	t->udisabled = sqlite3_column_int(st, 4) != 0;
	t->uexpired = sqlite3_column_int(st, 5) != 0;
	t->limited = sqlite3_column_int(st, 6) != 0;
	ret = 1;
out:
	if (ret == -1 && s->err[0] == '\0')
		store_fail(s, "token");
	store_done(st);
	return ret;
}

/*
 * Look a user up by name (usersz bytes).  Returns 1 and fills hash
 * (NUL-terminated), *disabled and *expired; 0 if there is no such
 * user; -1 on error (a hash that does not fit hashsz is an error).
 */
int
store_user(struct store *s, const char *user, size_t usersz,
    char *hash, size_t hashsz, int *disabled, int *expired)
{
	sqlite3_stmt		*st = s->stmts[STMT_USER];
	const unsigned char	*h;
	int			 n, ret = -1;

	if (usersz > NAME_MAX_LEN) {
		ret = 0;		/* the schema allows no such name */
		goto out;
	}
	if (sqlite3_bind_text(st, 1, user, (int)usersz, SQLITE_STATIC) !=
	    SQLITE_OK)
		goto out;
	if ((n = sqlite3_step(st)) == SQLITE_DONE)
		ret = 0;
	if (n != SQLITE_ROW)
		goto out;
	h = sqlite3_column_text(st, 0);
	n = sqlite3_column_bytes(st, 0);
	if (h == NULL || (size_t)n >= hashsz) {
		snprintf(s->err, sizeof(s->err), "hash of user too long");
		goto out;
	}
	memcpy(hash, h, (size_t)n);
	hash[n] = '\0';
	*disabled = sqlite3_column_int(st, 1) != 0;
	*expired = sqlite3_column_int(st, 2) != 0;
	ret = 1;
out:
	if (ret == -1 && s->err[0] == '\0')
		store_fail(s, "user");
	store_done(st);
	return ret;
}

/*
 * The role hierarchy into sn (snap_set_roles()): every role_includes
 * row, closed by roles_finish(), or none when there is no row.  A
 * cycle or a bound (roles.c) fails the snapshot, and so every
 * decision (500), with what it is in the log.  Returns 0 or -1.
 */
static int
store_includes(struct store *s, struct snapshot *sn)
{
	sqlite3_stmt	*st = s->stmts[STMT_INCLUDES];
	struct roles	*rg = NULL;
	int		 rc = SQLITE_DONE, ret = 0;

	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rg == NULL && (rg = roles_new()) == NULL) ||
		    roles_add(rg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1)) == -1) {
			snprintf(s->err, sizeof(s->err), "role hierarchy: "
			    "out of memory");
			ret = -1;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		store_fail(s, "role_includes");
		ret = -1;
	}
	store_done(st);
	if (ret == 0 && rg != NULL &&
	    roles_finish(rg, s->err, sizeof(s->err)) == -1)
		ret = -1;
	if (ret == -1)
		roles_free(rg);
	else
		snap_set_roles(sn, rg);
	return ret;
}

/*
 * The roles token id (TOKEN_IDLEN hex digits) lists in token_roles,
 * sorted and ","-joined into buf, whether it is limited or not.
 * Returns 0, or -1 on error (a list that does not fit is an error).
 */
int
store_token_list(struct store *s, const char *id, char *buf, size_t bufsz)
{
	return roles_join(s, STMT_TOKEN_LIST, id, buf, bufsz);
}

/* Keep msg as the store's error, for the log of a failed decision. */
void
store_seterr(struct store *s, const char *msg)
{
	snprintf(s->err, sizeof(s->err), "%s", msg);
}

/*
 * The user the verified certificate c maps to (STMT_CERT): by its
 * fingerprint, else by its subject (a row naming c's issuer before
 * one naming none); an empty fingerprint, subject or issuer matches
 * no row.  Returns 1 and fills *r, 0 if no row maps it, -1 on error.
 */
int
store_cert(struct store *s, const struct reqcert *c, struct cert_row *r)
{
	sqlite3_stmt	*st = s->stmts[STMT_CERT];
	const char	*v[3] = { c->fp, c->subject, c->issuer };
	const char	*u;
	int		 i, rc, ret = -1;

	for (i = 0; i < 3; i++)
		if ((*v[i] == '\0' ? sqlite3_bind_null(st, i + 1) :
		    sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC)) !=
		    SQLITE_OK)
			goto out;
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		ret = 0;
	if (rc != SQLITE_ROW)
		goto out;
	u = (const char *)sqlite3_column_text(st, 0);
	if (u == NULL || strlen(u) >= sizeof(r->user)) {
		snprintf(s->err, sizeof(s->err), "certificate row too long");
		goto out;
	}
	memcpy(r->user, u, strlen(u) + 1);
	r->byfp = sqlite3_column_int(st, 1) != 0;
	r->disabled = sqlite3_column_int(st, 2) != 0;
	r->expired = sqlite3_column_int(st, 3) != 0;
	ret = 1;
out:
	if (ret == -1 && s->err[0] == '\0')
		store_fail(s, "certificate");
	store_done(st);
	return ret;
}

/*
 * Read every row of the networks table into sn (sql/0009-networks.sql):
 * once per snapshot, so that no decision runs SQL for a network.
 * Returns 0 or -1.
 */
static int
store_networks(struct store *s, struct snapshot *sn)
{
	sqlite3_stmt	*st = s->stmts[STMT_NETWORKS];
	int		 rc = SQLITE_DONE, ret = 0;

	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((ret = snap_add_network(sn,
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1))) == -1)
			snprintf(s->err, sizeof(s->err), "snapshot: out of "
			    "memory");
	if (ret == 0 && rc != SQLITE_DONE) {
		store_fail(s, "networks");
		ret = -1;
	}
	store_done(st);
	return ret;
}
