/*
 * admstore.c: the administrator's statements, the one admin data
 * layer with admdb.c (the database as a file): one statement table
 * for every change and read `portcullis` makes (users, roles,
 * members, settings, resources, rules, a whole policy), one binder,
 * and the transactions.  With admdb.c and store.c the only includers
 * of sqlite3.h.  Past the usual size on purpose: the statement table
 * is one enum, and each row function sits beside the statements it
 * binds (whole policies are read through polmodel.c's column table).
 *
 * Statements are fixed at build time, prepared once per connection by
 * adm_open(), and every use ends in sqlite3_reset() and
 * sqlite3_clear_bindings().  The caller owns the transaction: it
 * brackets its statements in adm_begin() (BEGIN IMMEDIATE for a
 * write, so nothing changes between what it reads and what it writes;
 * BEGIN for a read, one snapshot) and adm_commit() or adm_rollback().
 * On failure adm_errmsg() keeps the SQLite message, which for a
 * refused row is the name of the CHECK constraint or the text of the
 * trigger that refused it: the schema words those for administrators
 * (adm_dberr() drops SQLite's own jargon around them).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "extern.h"
#include "admin.h"

#define ADM_TEXT_MAX	65536	/* longest text we bind: a sanity cap */

/*
 * STMT_SETTINGS ... STMT_RULES follow enum pol_tab and select the
 * columns of pol_tables[] in their order, ordered as the export is:
 * bytewise (BINARY collation), so the same policy always gives the
 * same bytes.
 */
enum stmt {
	STMT_BEGIN_READ,
	STMT_BEGIN_WRITE,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SETTINGS,
	STMT_USERS,
	STMT_ROLES,
	STMT_MEMBERS,
	STMT_RESOURCES,
	STMT_NETWORKS,
	STMT_RULES,
	STMT_CERTS,		/* POL_CERTS: after STMT_RULES, as the tables */
	STMT_INCLUDES,		/* POL_INCLUDES: role_includes */
	STMT_USER_HASH,
	STMT_USER_ADD,
	STMT_USER_SET,
	STMT_USER_PASSWD,
	STMT_USER_DISABLE,
	STMT_USER_DEL,
	STMT_USER_LIST,
	STMT_ROLE_ADD,
	STMT_ROLE_COMMENT,
	STMT_ROLE_DEL,
	STMT_GRANT,
	STMT_REVOKE,
	STMT_SETTING_SET,
	STMT_RESOURCE_ADD,
	STMT_RESOURCE_COMMENT,
	STMT_RESOURCE_DEL,
	STMT_RULE_ADD,
	STMT_RULE_SET,
	STMT_RULE_DEL,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BEGIN_READ: one snapshot */
	"BEGIN",
	/* STMT_BEGIN_WRITE: the write lock now */
	"BEGIN IMMEDIATE",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_SETTINGS */
	"SELECT name, value FROM settings ORDER BY name",
	/* STMT_USERS: the hash only when ?1 (lint) */
	"SELECT name, disabled, expires, CASE WHEN ?1 THEN hash END "
	"FROM users ORDER BY name",
	/* STMT_ROLES */
	"SELECT name, comment FROM roles ORDER BY name",
	/* STMT_MEMBERS */
	"SELECT user, role FROM members ORDER BY user, role",
	/* STMT_RESOURCES: the any-host one (NULL) first */
	"SELECT pattern, host, comment FROM resources ORDER BY pattern, host",
	/* STMT_NETWORKS: sql/0009 */
	"SELECT name, cidr FROM networks ORDER BY name, cidr",
	/* STMT_RULES: also `rule list` */
	"SELECT id, pattern, host, methods, principal, comment, network "
	"FROM rules ORDER BY id",
	/* STMT_CERTS: by key, NULL first, as pol_cmp() */
	"SELECT fingerprint, subject, issuer, user, comment "
	"FROM certificates ORDER BY fingerprint, subject, issuer",
	/* STMT_INCLUDES (sql/0010-roles.sql) */
	"SELECT role, includes FROM role_includes ORDER BY role, includes",
	/* STMT_USER_HASH */
	"SELECT hash FROM users WHERE name = ?1",
	/* STMT_USER_ADD: 0 changes if the name is taken */
	"INSERT INTO users (name, hash, disabled, expires) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO NOTHING",
	/* STMT_USER_SET */
	"UPDATE users SET disabled = ?2, expires = ?3 WHERE name = ?1",
	/* STMT_USER_PASSWD */
	"UPDATE users SET hash = ?2 WHERE name = ?1",
	/* STMT_USER_DISABLE */
	"UPDATE users SET disabled = ?2 WHERE name = ?1",
	/* STMT_USER_DEL: the users_delete trigger drops memberships */
	"DELETE FROM users WHERE name = ?1",
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
	/* STMT_ROLE_ADD: 0 changes if the role exists */
	"INSERT INTO roles (name, comment) VALUES (?1, ?2) "
	"ON CONFLICT (name) DO NOTHING",
	/* STMT_ROLE_COMMENT */
	"UPDATE roles SET comment = ?2 WHERE name = ?1",
	/* STMT_ROLE_DEL: roles_delete drops its members and rules */
	"DELETE FROM roles WHERE name = ?1",
	/* STMT_GRANT: 0 changes if already a member */
	"INSERT INTO members (user, role) VALUES (?1, ?2) "
	"ON CONFLICT (user, role) DO NOTHING",
	/* STMT_REVOKE */
	"DELETE FROM members WHERE user = ?1 AND role = ?2",
	/* STMT_SETTING_SET: the CHECK constraints judge name and value */
	"INSERT INTO settings (name, value) VALUES (?1, ?2) "
	"ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	/* STMT_RESOURCE_ADD */
	"INSERT INTO resources (pattern, host, comment) VALUES (?1, ?2, ?3)",
	/* STMT_RESOURCE_COMMENT */
	"UPDATE resources SET comment = ?3 WHERE pattern = ?1 AND host IS ?2",
	/* STMT_RESOURCE_DEL: resources_delete drops its rules */
	"DELETE FROM resources WHERE pattern = ?1 AND host IS ?2",
	/*
	 * STMT_RULE_ADD: a NULL id is a new one; rules_make_resource
	 * makes the resource
	 */
	"INSERT INTO rules (id, pattern, host, methods, principal, comment, "
	"network) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/* STMT_RULE_SET */
	"UPDATE rules SET pattern = ?2, host = ?3, methods = ?4, "
	"principal = ?5, comment = ?6, network = ?7 WHERE id = ?1",
	/* STMT_RULE_DEL: the resource stays, denying if rule-less */
	"DELETE FROM rules WHERE id = ?1",
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


/* Keep a message as the adm error. */
static void
adm_seterr(struct adm *a, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(a->err, sizeof(a->err), fmt, ap);
	va_end(ap);
}

/*
 * SQLite's words for a refused row, and the administrator's: "CHECK
 * constraint failed: " goes (the constraint's name is the sentence),
 * the others become one.  A prefix of the message each.
 */
static const struct {
	const char	*sqlite;
	const char	*plain;		/* NULL: keep what follows */
} dbwords[] = {
	{ "CHECK constraint failed: ", NULL },
	{ "UNIQUE constraint failed: ", "already exists" },
	{ "FOREIGN KEY constraint failed", "names a user, role or resource "
	    "that does not exist, or is still named by another row" },
	{ "NOT NULL constraint failed: ", "a required value is missing" },
};

/* Where the schema's "(see README)" sends a reader now. */
#define DB_SEE_README	"(see README)"
#define DB_SEE_PAGE	"(portcullis(5), Patterns)"

/*
 * SQLite's message m in the words of dbwords[] into buf (bufsz bytes):
 * for `portcullis` here and for a failed migration (admdb.c).
 */
void
adm_plainmsg(char *buf, size_t bufsz, const char *m)
{
	const char	*see;
	size_t		 i, n;

	for (i = 0; i < nitems(dbwords); i++) {
		n = strlen(dbwords[i].sqlite);
		if (strncmp(m, dbwords[i].sqlite, n) != 0)
			continue;
		if (dbwords[i].plain != NULL) {
			(void)snprintf(buf, bufsz, "%s", dbwords[i].plain);
			return;
		}
		m += n;
		break;
	}
	if ((see = strstr(m, DB_SEE_README)) != NULL)
		(void)snprintf(buf, bufsz, "%.*s%s%s", (int)(see - m), m,
		    DB_SEE_PAGE, see + strlen(DB_SEE_README));
	else
		(void)snprintf(buf, bufsz, "%s", m);
}

/*
 * Keep the connection's last SQLite message as the adm error, in
 * plain words (adm_plainmsg()); a write refused because this user
 * may only read the files ("attempt to write a readonly database":
 * SQLite fell back to read-only at open) is said as the missing
 * permission (dbdiag.c).  Call before anything else (a ROLLBACK)
 * replaces it.
 */
static void
adm_dberr(struct adm *a)
{
	const char	*path;

	if ((sqlite3_extended_errcode(a->db) & 0xff) == SQLITE_READONLY &&
	    (path = sqlite3_db_filename(a->db, "main")) != NULL &&
	    *path != '\0' && dbdiag(path, 1, a->err, sizeof(a->err)))
		return;
	adm_plainmsg(a->err, sizeof(a->err), sqlite3_errmsg(a->db));
}

/*
 * Open an existing database whose schema is this program's
 * (admdb_open(); a failure that is a missing permission is said as
 * one), and prepare the statements.  Return the handle
 * (free with adm_close()), or NULL with a message in err.
 */
struct adm *
adm_open(const char *path, char *err, size_t errsz)
{
	struct adm	*a;
	size_t		 i;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		(void)snprintf(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	if ((a->db = admdb_open(path, err, errsz)) == NULL) {
		/* A permission, said as one (dbdiag.c). */
		(void)dbdiag(path, 1, err, errsz);
		goto fail;
	}
	for (i = 0; i < STMT__MAX; i++)
		if (sqlite3_prepare_v3(a->db, stmts[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &a->stmts[i],
		    NULL) != SQLITE_OK) {
			(void)snprintf(err, errsz, "%s",
			    sqlite3_errmsg(a->db));
			goto fail;
		}
	return a;
fail:
	adm_close(a);
	return NULL;
}

/*
 * Finalize the statements and close the connection, rolling back
 * what is still open.  NULL is a no-op.
 */
void
adm_close(struct adm *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	adm_rollback(a);
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(a->stmts[i]);
	sqlite3_close(a->db);
	free(a);
}

/* Replace the message of the last failure: a caller's own words. */
void
adm_seterrmsg(struct adm *a, const char *msg)
{
	adm_seterr(a, "%s", msg);
}

/*
 * The message of the last failure (-1) of a function below.
 */
const char *
adm_errmsg(const struct adm *a)
{
	return a->err;
}

/* --- statements -------------------------------------------------------- */

/* Step a statement without rows and reset it.  Return 0, or -1. */
static int
adm_simple(struct adm *a, enum stmt id)
{
	int	 rc;

	if ((rc = sqlite3_step(a->stmts[id])) != SQLITE_DONE)
		adm_dberr(a);
	sqlite3_reset(a->stmts[id]);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Begin a write transaction (write != 0: BEGIN IMMEDIATE, the write
 * lock now) or a read one (BEGIN: one snapshot).  Return 0, or -1.
 */
int
adm_begin(struct adm *a, int write)
{
	return adm_simple(a, write ? STMT_BEGIN_WRITE : STMT_BEGIN_READ);
}

/* Commit.  Return 0, or -1 (then rolled back, the message kept). */
int
adm_commit(struct adm *a)
{
	if (adm_simple(a, STMT_COMMIT) == 0)
		return 0;
	adm_rollback(a);
	return -1;
}

/*
 * Roll back the open transaction, if any, keeping the message of the
 * failure that led here.  Without one, a no-op.
 */
void
adm_rollback(struct adm *a)
{
	if (a->stmts[STMT_ROLLBACK] != NULL &&
	    sqlite3_get_autocommit(a->db) == 0) {
		(void)sqlite3_step(a->stmts[STMT_ROLLBACK]);
		sqlite3_reset(a->stmts[STMT_ROLLBACK]);
	}
}

/*
 * The one binder: bind the arguments described by fmt to statement
 * id, one character each: 't' a text (const char *, NULL binds NULL,
 * at most ADM_TEXT_MAX bytes), 'i' an int, 'I' an int64_t, 'k' an
 * int64_t key whose 0 binds NULL (a new rowid).  Return 0, or -1 with
 * a message (the caller resets and clears).
 */
static int
adm_vbind(struct adm *a, enum stmt id, const char *fmt, va_list ap)
{
	sqlite3_stmt	*st = a->stmts[id];
	const char	*s;
	int64_t		 k;
	size_t		 n;
	int		 idx, rc = SQLITE_OK;

	for (idx = 1; *fmt != '\0' && rc == SQLITE_OK; fmt++, idx++)
		switch (*fmt) {
		case 't':
			if ((s = va_arg(ap, const char *)) == NULL)
				rc = sqlite3_bind_null(st, idx);
			else if ((n = strlen(s)) > ADM_TEXT_MAX) {
				adm_seterr(a, "text longer "
				    "than %d bytes", ADM_TEXT_MAX);
				return -1;
			} else
				rc = sqlite3_bind_text(st, idx, s, (int)n,
				    SQLITE_STATIC);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, idx, va_arg(ap, int));
			break;
		case 'I':
		case 'k':
			k = va_arg(ap, int64_t);
			rc = *fmt == 'k' && k == 0 ?
			    sqlite3_bind_null(st, idx) :
			    sqlite3_bind_int64(st, idx, k);
			break;
		default:
			adm_seterr(a, "bad bind format");
			return -1;
		}
	if (rc != SQLITE_OK) {
		adm_dberr(a);
		return -1;
	}
	return 0;
}

/* adm_vbind() with the arguments given here. */
static int
adm_bind(struct adm *a, enum stmt id, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = adm_vbind(a, id, fmt, ap);
	va_end(ap);
	return rc;
}

/* Reset and clear statement id, after any use. */
static void
adm_done(struct adm *a, enum stmt id)
{
	sqlite3_reset(a->stmts[id]);
	sqlite3_clear_bindings(a->stmts[id]);
}

/*
 * Run write statement id, which changes at most one row, with the
 * arguments of fmt (see adm_vbind()) inside the caller's transaction.
 * Return 1 if a row changed, 0 if none did, or -1 with the message (a
 * refused row: the CHECK or trigger text).
 */
static int
adm_run(struct adm *a, enum stmt id, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc, ret = -1;

	va_start(ap, fmt);
	rc = adm_vbind(a, id, fmt, ap);
	va_end(ap);
	if (rc == 0 && sqlite3_step(a->stmts[id]) == SQLITE_DONE)
		ret = sqlite3_changes(a->db) > 0;
	else if (rc == 0)
		adm_dberr(a);
	adm_done(a, id);
	return ret;
}

/* --- rows --------------------------------------------------------------- */

/*
 * The hash of user name into buf (bufsz bytes; buf NULL: whether the
 * user exists).  Return 1 found, 0 no such user, -1 error (also a
 * hash that does not fit).
 */
int
adm_user_hash(struct adm *a, const char *name, char *buf, size_t bufsz)
{
	sqlite3_stmt		*st = a->stmts[STMT_USER_HASH];
	const unsigned char	*h;
	size_t			 n;
	int			 rc, ret = -1;

	if (adm_bind(a, STMT_USER_HASH, "t", name) == -1)
		goto out;
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		ret = 0;
	else if (rc != SQLITE_ROW)
		adm_dberr(a);
	else if (buf == NULL)
		ret = 1;
	else if ((h = sqlite3_column_text(st, 0)) == NULL ||
	    (n = (size_t)sqlite3_column_bytes(st, 0)) >= bufsz)
		adm_seterr(a, "users: hash of %s too long",
		    name);
	else {
		memcpy(buf, h, n);
		buf[n] = '\0';
		ret = 1;
	}
out:
	adm_done(a, STMT_USER_HASH);
	return ret;
}

/*
 * Add user name with the crypt(3) string hash, disabled (0 or 1) and
 * expires (NULL for none).  Return 1 added, 0 the name is taken, -1
 * error (a refused name or hash: the CHECK text).
 */
int
adm_user_add(struct adm *a, const char *name, const char *hash,
    int disabled, const char *expires)
{
	return adm_run(a, STMT_USER_ADD, "ttit", name, hash, disabled,
	    expires);
}

/*
 * Set disabled and expires of user name.  Return 1 done, 0 no such
 * user, -1 error.
 */
int
adm_user_set(struct adm *a, const char *name, int disabled,
    const char *expires)
{
	return adm_run(a, STMT_USER_SET, "tit", name, disabled, expires);
}

/* Set the hash of user name.  Return 1 done, 0 no such user, -1. */
int
adm_user_passwd(struct adm *a, const char *name, const char *hash)
{
	return adm_run(a, STMT_USER_PASSWD, "tt", name, hash);
}

/*
 * Disable (disabled != 0) or enable user name; its expiry stays.
 * Return 1 done, 0 no such user, -1 error.
 */
int
adm_user_disable(struct adm *a, const char *name, int disabled)
{
	return adm_run(a, STMT_USER_DISABLE, "ti", name, disabled != 0);
}

/*
 * Delete user name and its memberships.  Return 1 done, 0 no such
 * user, -1 error.
 */
int
adm_user_del(struct adm *a, const char *name)
{
	return adm_run(a, STMT_USER_DEL, "t", name);
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
 * and its roles sorted and comma-joined ("" for none).  Stop when cb
 * returns -1.  Return 0, or -1 on a database or memory error (message
 * kept) or when cb stopped.
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
				adm_seterr(a,
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
				adm_seterr(a, "output error");
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
			adm_seterr(a, "%s", strerror(errno));
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
 * Add role name with comment (NULL: "").  Return 1 added, 0 it exists
 * (its comment unchanged), -1 error (a refused name: the CHECK text).
 */
int
adm_role_add(struct adm *a, const char *name, const char *comment)
{
	return adm_run(a, STMT_ROLE_ADD, "tt", name,
	    comment == NULL ? "" : comment);
}

/* Set the comment of role name.  Return 1, 0 no such role, -1. */
int
adm_role_comment(struct adm *a, const char *name, const char *comment)
{
	return adm_run(a, STMT_ROLE_COMMENT, "tt", name, comment);
}

/*
 * Delete role name, its memberships and the rules naming it (schema
 * triggers).  Return 1 done, 0 no such role, -1 error.
 */
int
adm_role_del(struct adm *a, const char *name)
{
	return adm_run(a, STMT_ROLE_DEL, "t", name);
}

/*
 * Make user a member of role.  Return 1 done, 0 already a member,
 * -1 error (no such user or role: the trigger's text).
 */
int
adm_grant(struct adm *a, const char *user, const char *role)
{
	return adm_run(a, STMT_GRANT, "tt", user, role);
}

/*
 * Drop the membership of user in role.  Return 1 done, 0 no such
 * membership, -1 error.
 */
int
adm_revoke(struct adm *a, const char *user, const char *role)
{
	return adm_run(a, STMT_REVOKE, "tt", user, role);
}

/* Set (or add) a setting.  Return 0, or -1 (refused: the message). */
int
adm_setting_set(struct adm *a, const char *name, const char *value)
{
	return adm_run(a, STMT_SETTING_SET, "tt", name, value) == -1 ? -1 : 0;
}

/* Add a resource (host NULL: any).  Return 0, or -1. */
int
adm_resource_add(struct adm *a, const char *pattern, const char *host,
    const char *comment)
{
	return adm_run(a, STMT_RESOURCE_ADD, "ttt", pattern, host,
	    comment == NULL ? "" : comment) == 1 ? 0 : -1;
}

/* Set the comment of a resource.  Return 1, 0 no such resource, -1. */
int
adm_resource_comment(struct adm *a, const char *pattern,
    const char *host, const char *comment)
{
	return adm_run(a, STMT_RESOURCE_COMMENT, "ttt", pattern, host,
	    comment);
}

/* Delete a resource and its rules.  Return 1, 0 no such one, -1. */
int
adm_resource_del(struct adm *a, const char *pattern, const char *host)
{
	return adm_run(a, STMT_RESOURCE_DEL, "tt", pattern, host);
}

/*
 * Insert rule r, with its id (0: a new one; the new rule's id goes to
 * *id if id is not NULL).  host NULL is any host and must otherwise be
 * canonical already (see host_canon()); a comment NULL is "".  A
 * missing resource is made by the schema's triggers.  Return 0, or -1
 * (a refused pattern, host, methods or principal: the CHECK or
 * trigger text).
 */
int
adm_rule_add(struct adm *a, const struct pol_rule *r, int64_t *id)
{
	int	 n;

	n = adm_run(a, STMT_RULE_ADD, "ktttttt", r->id, r->pattern, r->host,
	    r->methods, r->principal, r->comment == NULL ? "" : r->comment,
	    r->network);
	if (n == 0)
		adm_seterr(a, "rule not inserted");
	if (n != 1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(a->db);
	return 0;
}

/* Update the rule of r's id to r.  Return 0, or -1 (also no such rule). */
int
adm_rule_set(struct adm *a, const struct pol_rule *r)
{
	int	 n;

	n = adm_run(a, STMT_RULE_SET, "Itttttt", r->id, r->pattern, r->host,
	    r->methods, r->principal, r->comment == NULL ? "" : r->comment,
	    r->network);
	if (n == 0)
		adm_seterr(a, "no rule %" PRId64, r->id);
	return n == 1 ? 0 : -1;
}

/*
 * Delete rule id.  Its resource stays: without rules it denies every
 * request, which fails closed.  Return 1 done, 0 no such rule, -1
 * error.
 */
int
adm_rule_del(struct adm *a, int64_t id)
{
	return adm_run(a, STMT_RULE_DEL, "I", id);
}

/* --- a whole policy ------------------------------------------------------ */

/*
 * Copy column col of st's current row into field c of row: a string
 * ("" for SQL NULL, or NULL if c is nullable), an int64_t or an int.
 * Return 0, or -1 out of memory.
 */
static int
col_read(sqlite3_stmt *st, int col, const struct pol_col *c, void *row)
{
	const unsigned char	*s;
	char			**out = POL_FIELD(char *, row, c);
	size_t			 n;

	if (c->kind == POLK_ID) {
		*POL_FIELD(int64_t, row, c) = sqlite3_column_int64(st, col);
		return 0;
	}
	if (c->kind == POLK_BOOL) {
		*POL_FIELD(int, row, c) = sqlite3_column_int(st, col) != 0;
		return 0;
	}
	if ((s = sqlite3_column_text(st, col)) == NULL) {
		if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
			return -1;
		if (c->kind == POLK_NTEXT)
			return 0;
		s = (const unsigned char *)"";
	}
	n = (size_t)sqlite3_column_bytes(st, col);
	if ((*out = malloc(n + 1)) == NULL)
		return -1;
	memcpy(*out, s, n);
	(*out)[n] = '\0';
	return 0;
}

/*
 * Read table t into pol, a row at a time, a column of pol_tables[t]
 * per column of its statement.  Return 0, or -1 with a message.
 */
static int
load_table(struct adm *a, enum pol_tab t, struct policy *pol)
{
	const struct pol_table	*tab = &pol_tables[t];
	enum stmt		 id = (enum stmt)(STMT_SETTINGS + t);
	void			*row;
	size_t			 j;
	int			 rc;

	while ((rc = sqlite3_step(a->stmts[id])) == SQLITE_ROW) {
		if ((row = pol_add(pol, t)) == NULL)
			goto oom;
		for (j = 0; j < tab->ncols; j++)
			if (col_read(a->stmts[id], (int)j, &tab->cols[j],
			    row) == -1)
				goto oom;
	}
	if (rc != SQLITE_DONE)
		adm_dberr(a);
	sqlite3_reset(a->stmts[id]);
	return rc == SQLITE_DONE ? 0 : -1;
oom:
	adm_seterr(a, "%s", strerror(ENOMEM));
	sqlite3_reset(a->stmts[id]);
	return -1;
}

/*
 * Load the whole policy into pol (zeroed by the caller; free with
 * pol_free() either way), in the export's order, with the users'
 * hashes if hashes.  Call inside a transaction (adm_begin()), so that
 * the tables are one snapshot.  Return 0, or -1 with a message.
 */
int
adm_load(struct adm *a, struct policy *pol, int hashes)
{
	size_t	 t;
	int	 ret = -1;

	if (adm_bind(a, STMT_USERS, "i", hashes != 0) == -1)
		goto out;
	for (t = 0; t < POL__MAX; t++)
		if (load_table(a, (enum pol_tab)t, pol) == -1)
			goto out;
	ret = 0;
out:
	adm_done(a, STMT_USERS);
	return ret;
}

/*
 * Call cb once per rule, ordered by id.  Stop when cb returns -1.
 * Return 0, or -1 on a database or memory error (message kept) or
 * when cb stopped.
 */
int
adm_rule_list(struct adm *a, int (*cb)(void *, const struct pol_rule *),
    void *arg)
{
	struct policy	 pol;
	size_t		 i;
	int		 ret = -1;

	memset(&pol, 0, sizeof(pol));
	if (load_table(a, POL_RULES, &pol) == -1)
		goto out;
	for (i = 0; i < pol.nrules; i++)
		if (cb(arg, &pol.rules[i]) == -1) {
			adm_seterr(a, "output error");
			goto out;
		}
	ret = 0;
out:
	pol_free(&pol);
	return ret;
}

/* --- for admtoken.c ---------------------------------------------------- */

/*
 * The connection, for admtoken.c's token statements (kept apart so
 * that the token command stays one file pair).
 */
struct sqlite3 *
adm_conn(struct adm *a)
{
	return a->db;
}

/* Keep msg, or the connection's last message if NULL, as the error. */
void
adm_conn_err(struct adm *a, const char *msg)
{
	if (msg == NULL)
		adm_dberr(a);
	else
		adm_seterr(a, "%s", msg);
}
