/*
 * admstore_policy.c: the database side of a whole policy, for
 * `portcullis import`, `export` and `lint`.  A sibling of admstore.c
 * and, with it and store.c, the only includer of sqlite3.h.
 *
 * It works on the connection of a struct adm (adm_sqlite()) with
 * statements of its own, fixed here, prepared once by admp_open() and
 * finalized by admp_close() (before adm_close()).  Every use ends in
 * sqlite3_reset() and sqlite3_clear_bindings().  Unlike admstore.c's
 * functions, the writes here do not open transactions of their own:
 * the caller brackets a whole import in admp_begin() ... admp_commit()
 * (BEGIN IMMEDIATE), or admp_rollback() for a dry run or an error, so
 * that a file is applied whole or not at all.  Reads for export and
 * lint run in one deferred transaction: one snapshot.
 *
 * Also here: struct policy, the in-memory form of a policy, and its
 * allocation helpers.
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

#define ADMP_TEXT_MAX	65536	/* longest text we bind: a sanity cap */

enum pstmt {
	PS_BEGIN_READ,
	PS_BEGIN_WRITE,
	PS_COMMIT,
	PS_ROLLBACK,
	PS_SETTINGS,
	PS_USERS,
	PS_ROLES,
	PS_MEMBERS,
	PS_RESOURCES,
	PS_RULES,
	PS_USER_HASH,
	PS_USER_ADD,
	PS_USER_SET,
	PS_USER_PASSWD,
	PS_ROLE_ADD,
	PS_ROLE_COMMENT,
	PS_ROLE_DEL,
	PS_MEMBER_ADD,
	PS_MEMBER_DEL,
	PS_SETTING_SET,
	PS_RESOURCE_ADD,
	PS_RESOURCE_COMMENT,
	PS_RESOURCE_DEL,
	PS_RULE_PUT,
	PS_RULE_SET,
	PS_RULE_DEL,
	PS__MAX
};

/*
 * The orders are the export's: bytewise (BINARY collation), so the
 * same policy always gives the same bytes.
 */
static const char *const pstmts[PS__MAX] = {
	/* PS_BEGIN_READ: one snapshot for export and lint */
	"BEGIN",
	/* PS_BEGIN_WRITE */
	"BEGIN IMMEDIATE",
	/* PS_COMMIT */
	"COMMIT",
	/* PS_ROLLBACK */
	"ROLLBACK",
	/* PS_SETTINGS */
	"SELECT name, value FROM settings ORDER BY name",
	/* PS_USERS: the hash only when ?1 (lint) */
	"SELECT name, disabled, expires, CASE WHEN ?1 THEN hash END "
	"FROM users ORDER BY name",
	/* PS_ROLES */
	"SELECT name, comment FROM roles ORDER BY name",
	/* PS_MEMBERS */
	"SELECT user, role FROM members ORDER BY user, role",
	/* PS_RESOURCES: the any-host one (NULL) first */
	"SELECT pattern, host, comment FROM resources ORDER BY pattern, host",
	/* PS_RULES */
	"SELECT id, pattern, host, methods, principal, comment "
	"FROM rules ORDER BY id",
	/* PS_USER_HASH */
	"SELECT hash FROM users WHERE name = ?1",
	/* PS_USER_ADD */
	"INSERT INTO users (name, hash, disabled, expires) "
	"VALUES (?1, ?2, ?3, ?4)",
	/* PS_USER_SET */
	"UPDATE users SET disabled = ?2, expires = ?3 WHERE name = ?1",
	/* PS_USER_PASSWD */
	"UPDATE users SET hash = ?2 WHERE name = ?1",
	/* PS_ROLE_ADD: 0 changes if the role exists */
	"INSERT INTO roles (name, comment) VALUES (?1, ?2) "
	"ON CONFLICT (name) DO NOTHING",
	/* PS_ROLE_COMMENT */
	"UPDATE roles SET comment = ?2 WHERE name = ?1",
	/* PS_ROLE_DEL: roles_delete drops its members and rules */
	"DELETE FROM roles WHERE name = ?1",
	/* PS_MEMBER_ADD: 0 changes if already a member */
	"INSERT INTO members (user, role) VALUES (?1, ?2) "
	"ON CONFLICT (user, role) DO NOTHING",
	/* PS_MEMBER_DEL */
	"DELETE FROM members WHERE user = ?1 AND role = ?2",
	/* PS_SETTING_SET: the CHECK constraints judge name and value */
	"INSERT INTO settings (name, value) VALUES (?1, ?2) "
	"ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	/* PS_RESOURCE_ADD */
	"INSERT INTO resources (pattern, host, comment) VALUES (?1, ?2, ?3)",
	/* PS_RESOURCE_COMMENT */
	"UPDATE resources SET comment = ?3 WHERE pattern = ?1 AND host IS ?2",
	/* PS_RESOURCE_DEL: resources_delete drops its rules */
	"DELETE FROM resources WHERE pattern = ?1 AND host IS ?2",
	/* PS_RULE_PUT: with the id of the file */
	"INSERT INTO rules (id, pattern, host, methods, principal, comment) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* PS_RULE_SET */
	"UPDATE rules SET pattern = ?2, host = ?3, methods = ?4, "
	"principal = ?5, comment = ?6 WHERE id = ?1",
	/* PS_RULE_DEL */
	"DELETE FROM rules WHERE id = ?1",
};

struct admp {
	sqlite3		*db;		/* borrowed from the struct adm */
	sqlite3_stmt	*st[PS__MAX];
	char		 err[512];
};

static void
admp_seterr(struct admp *p, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
}

/*
 * Prepare the statements on a's connection.  Return the handle (free
 * with admp_close() before adm_close(a)), or NULL with a message.
 */
struct admp *
admp_open(struct adm *a, char *err, size_t errsz)
{
	struct admp	*p;
	size_t		 i;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		(void)snprintf(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	p->db = adm_sqlite(a);
	for (i = 0; i < PS__MAX; i++)
		if (sqlite3_prepare_v3(p->db, pstmts[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &p->st[i], NULL) != SQLITE_OK) {
			(void)snprintf(err, errsz, "%s", sqlite3_errmsg(p->db));
			admp_close(p);
			return NULL;
		}
	return p;
}

/*
 * Roll back what is still open, finalize the statements.  NULL is a
 * no-op.
 */
void
admp_close(struct admp *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	admp_rollback(p);
	for (i = 0; i < PS__MAX; i++)
		sqlite3_finalize(p->st[i]);
	free(p);
}

/*
 * The message of the last failure (-1) of a function below: for a
 * refused row the schema's CHECK constraint name or trigger text.
 */
const char *
admp_errmsg(const struct admp *p)
{
	return p->err;
}

/* Step a statement without rows and reset it.  0, or -1. */
static int
admp_simple(struct admp *p, enum pstmt id)
{
	int	 rc;

	rc = sqlite3_step(p->st[id]);
	if (rc != SQLITE_DONE)
		admp_seterr(p, "%s", sqlite3_errmsg(p->db));
	sqlite3_reset(p->st[id]);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Begin a write (BEGIN IMMEDIATE: the write lock now, so nothing
 * changes between what import reads and what it writes) or a read
 * transaction.  Return 0, or -1.
 */
int
admp_begin(struct admp *p, int write)
{
	return admp_simple(p, write ? PS_BEGIN_WRITE : PS_BEGIN_READ);
}

/* Commit.  Return 0, or -1 (then rolled back). */
int
admp_commit(struct admp *p)
{
	if (admp_simple(p, PS_COMMIT) == 0)
		return 0;
	admp_rollback(p);
	return -1;
}

/*
 * Roll back the open transaction, if any, keeping the message of the
 * failure that led here.
 */
void
admp_rollback(struct admp *p)
{
	if (p->st[PS_ROLLBACK] != NULL && sqlite3_get_autocommit(p->db) == 0) {
		(void)sqlite3_step(p->st[PS_ROLLBACK]);
		sqlite3_reset(p->st[PS_ROLLBACK]);
	}
}

/*
 * Bind the arguments described by fmt to st, one character each:
 * 't' a text (const char *, NULL binds NULL), 'i' an int, 'I' an
 * int64_t.  Return 0, or -1 with a message.
 */
static int
admp_vbind(struct admp *p, sqlite3_stmt *st, const char *fmt, va_list ap)
{
	const char	*s;
	size_t		 n;
	int		 idx, rc = SQLITE_OK;

	for (idx = 1; *fmt != '\0' && rc == SQLITE_OK; fmt++, idx++)
		switch (*fmt) {
		case 't':
			if ((s = va_arg(ap, const char *)) == NULL)
				rc = sqlite3_bind_null(st, idx);
			else if ((n = strlen(s)) > ADMP_TEXT_MAX) {
				admp_seterr(p, "text longer than %d bytes",
				    ADMP_TEXT_MAX);
				return -1;
			} else
				rc = sqlite3_bind_text(st, idx, s, (int)n,
				    SQLITE_STATIC);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, idx, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, idx, va_arg(ap, int64_t));
			break;
		default:
			admp_seterr(p, "bad bind format");
			return -1;
		}
	if (rc != SQLITE_OK) {
		admp_seterr(p, "%s", sqlite3_errmsg(p->db));
		return -1;
	}
	return 0;
}

/* admp_vbind() with the arguments given here. */
static int
admp_bind(struct admp *p, sqlite3_stmt *st, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = admp_vbind(p, st, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * Run write statement id with the arguments of fmt (see admp_vbind())
 * inside the caller's transaction.  Return the number of rows changed,
 * or -1 with the message (a refused row: the CHECK or trigger text).
 */
static int
admp_run(struct admp *p, enum pstmt id, const char *fmt, ...)
{
	sqlite3_stmt	*st = p->st[id];
	va_list		 ap;
	int		 rc, ret = -1;

	va_start(ap, fmt);
	rc = admp_vbind(p, st, fmt, ap);
	va_end(ap);
	if (rc == -1)
		goto out;
	if (sqlite3_step(st) != SQLITE_DONE) {
		admp_seterr(p, "%s", sqlite3_errmsg(p->db));
		goto out;
	}
	ret = sqlite3_changes(p->db);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/*
 * The hash of user name into buf (bufsz bytes).  Return 1 found, 0 no
 * such user, -1 error (also a hash that does not fit).
 */
int
admp_user_hash(struct admp *p, const char *name, char *buf, size_t bufsz)
{
	sqlite3_stmt		*st = p->st[PS_USER_HASH];
	const unsigned char	*h;
	size_t			 n;
	int			 rc, ret = -1;

	if (admp_bind(p, st, "t", name) == -1)
		goto out;
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		ret = 0;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		admp_seterr(p, "%s", sqlite3_errmsg(p->db));
		goto out;
	}
	h = sqlite3_column_text(st, 0);
	n = (size_t)sqlite3_column_bytes(st, 0);
	if (h == NULL || n >= bufsz) {
		admp_seterr(p, "users: hash of %s too long", name);
		goto out;
	}
	memcpy(buf, h, n);
	buf[n] = '\0';
	ret = 1;
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/*
 * Add user name with hash, disabled (0 or 1) and expires (NULL for
 * none).  Return 0, or -1 (a name taken or refused: the message).
 */
int
admp_user_add(struct admp *p, const char *name, const char *hash,
    int disabled, const char *expires)
{
	return admp_run(p, PS_USER_ADD, "ttit", name, hash, disabled,
	    expires) == 1 ? 0 : -1;
}

/*
 * Set disabled and expires of user name.  Return 1 done, 0 no such
 * user, -1 error.
 */
int
admp_user_set(struct admp *p, const char *name, int disabled,
    const char *expires)
{
	int	 n;

	n = admp_run(p, PS_USER_SET, "tit", name, disabled, expires);
	return n < 0 ? -1 : n > 0;
}

/* Set the hash of user name.  Return 1 done, 0 no such user, -1. */
int
admp_user_passwd(struct admp *p, const char *name, const char *hash)
{
	int	 n;

	n = admp_run(p, PS_USER_PASSWD, "tt", name, hash);
	return n < 0 ? -1 : n > 0;
}

/*
 * Add role name with comment (NULL: "").  Return 1 added, 0 it
 * exists (its comment unchanged), -1 error (a refused name).
 */
int
admp_role_add(struct admp *p, const char *name, const char *comment)
{
	int	 n;

	n = admp_run(p, PS_ROLE_ADD, "tt", name,
	    comment == NULL ? "" : comment);
	return n < 0 ? -1 : n > 0;
}

/* Set the comment of role name.  Return 1, 0 no such role, -1. */
int
admp_role_comment(struct admp *p, const char *name, const char *comment)
{
	int	 n;

	n = admp_run(p, PS_ROLE_COMMENT, "tt", name, comment);
	return n < 0 ? -1 : n > 0;
}

/* Delete role name, its members and rules.  Return 1, 0, -1. */
int
admp_role_del(struct admp *p, const char *name)
{
	int	 n;

	n = admp_run(p, PS_ROLE_DEL, "t", name);
	return n < 0 ? -1 : n > 0;
}

/*
 * Make user a member of role.  Return 1 done, 0 already a member, -1
 * error (no such user or role: the trigger's text).
 */
int
admp_member_add(struct admp *p, const char *user, const char *role)
{
	int	 n;

	n = admp_run(p, PS_MEMBER_ADD, "tt", user, role);
	return n < 0 ? -1 : n > 0;
}

/* End a membership.  Return 1 done, 0 there was none, -1 error. */
int
admp_member_del(struct admp *p, const char *user, const char *role)
{
	int	 n;

	n = admp_run(p, PS_MEMBER_DEL, "tt", user, role);
	return n < 0 ? -1 : n > 0;
}

/* Set (or add) a setting.  Return 0, or -1 (refused: the message). */
int
admp_setting_set(struct admp *p, const char *name, const char *value)
{
	return admp_run(p, PS_SETTING_SET, "tt", name, value) < 0 ? -1 : 0;
}

/* Add a resource (host NULL: any).  Return 0, or -1. */
int
admp_resource_add(struct admp *p, const char *pattern, const char *host,
    const char *comment)
{
	return admp_run(p, PS_RESOURCE_ADD, "ttt", pattern, host,
	    comment == NULL ? "" : comment) == 1 ? 0 : -1;
}

/* Set the comment of a resource.  Return 1, 0 no such resource, -1. */
int
admp_resource_comment(struct admp *p, const char *pattern,
    const char *host, const char *comment)
{
	int	 n;

	n = admp_run(p, PS_RESOURCE_COMMENT, "ttt", pattern, host, comment);
	return n < 0 ? -1 : n > 0;
}

/* Delete a resource and its rules.  Return 1, 0 no such one, -1. */
int
admp_resource_del(struct admp *p, const char *pattern, const char *host)
{
	int	 n;

	n = admp_run(p, PS_RESOURCE_DEL, "tt", pattern, host);
	return n < 0 ? -1 : n > 0;
}

/*
 * Insert rule r with its own id (set != 0: update the rule of that
 * id instead).  A missing resource is made by the schema's triggers.
 * Return 0, or -1 (refused: the message; for an update, also no such
 * rule).
 */
int
admp_rule_put(struct admp *p, const struct pol_rule *r, int set)
{
	int	 n;

	n = admp_run(p, set ? PS_RULE_SET : PS_RULE_PUT, "Ittttt", r->id,
	    r->pattern, r->host, r->methods, r->principal,
	    r->comment == NULL ? "" : r->comment);
	if (n == 0)
		admp_seterr(p, "no rule %" PRId64, r->id);
	return n == 1 ? 0 : -1;
}

/* Delete rule id.  Return 1, 0 no such rule, -1 error. */
int
admp_rule_del(struct admp *p, int64_t id)
{
	int	 n;

	n = admp_run(p, PS_RULE_DEL, "I", id);
	return n < 0 ? -1 : n > 0;
}

/*
 * Make room for one more element of size sz at the end of *arr, which
 * holds *n: the capacity is 4, then the next power of two, so no
 * field keeps it.  Return the new element, zeroed, with *n counting it; or
 * NULL out of memory.
 */
static void *
pol_grow(void *arr, size_t *n, size_t sz)
{
	void	**pp = arr;
	void	 *p;
	size_t	  cap;

	if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
		cap = *n == 0 ? 4 : *n * 2;
		if ((p = reallocarray(*pp, cap, sz)) == NULL)
			return NULL;
		*pp = p;
	}
	p = (char *)*pp + *n * sz;
	memset(p, 0, sz);
	(*n)++;
	return p;
}

struct pol_setting *
pol_add_setting(struct policy *pol)
{
	return pol_grow(&pol->settings, &pol->nsettings,
	    sizeof(*pol->settings));
}

struct pol_user *
pol_add_user(struct policy *pol)
{
	return pol_grow(&pol->users, &pol->nusers, sizeof(*pol->users));
}

struct pol_role *
pol_add_role(struct policy *pol)
{
	return pol_grow(&pol->roles, &pol->nroles, sizeof(*pol->roles));
}

struct pol_member *
pol_add_member(struct policy *pol)
{
	return pol_grow(&pol->members, &pol->nmembers,
	    sizeof(*pol->members));
}

struct pol_resource *
pol_add_resource(struct policy *pol)
{
	return pol_grow(&pol->resources, &pol->nresources,
	    sizeof(*pol->resources));
}

struct pol_rule *
pol_add_rule(struct policy *pol)
{
	return pol_grow(&pol->rules, &pol->nrules, sizeof(*pol->rules));
}

/*
 * Free every string and array of pol and zero it.
 */
void
pol_free(struct policy *pol)
{
	size_t	 i;

	for (i = 0; i < pol->nsettings; i++) {
		free(pol->settings[i].name);
		free(pol->settings[i].value);
	}
	for (i = 0; i < pol->nusers; i++) {
		free(pol->users[i].name);
		if (pol->users[i].hash != NULL)
			explicit_bzero(pol->users[i].hash,
			    strlen(pol->users[i].hash));
		free(pol->users[i].hash);
		free(pol->users[i].expires);
	}
	for (i = 0; i < pol->nroles; i++) {
		free(pol->roles[i].name);
		free(pol->roles[i].comment);
	}
	for (i = 0; i < pol->nmembers; i++) {
		free(pol->members[i].user);
		free(pol->members[i].role);
	}
	for (i = 0; i < pol->nresources; i++) {
		free(pol->resources[i].pattern);
		free(pol->resources[i].host);
		free(pol->resources[i].comment);
	}
	for (i = 0; i < pol->nrules; i++) {
		free(pol->rules[i].pattern);
		free(pol->rules[i].host);
		free(pol->rules[i].methods);
		free(pol->rules[i].principal);
		free(pol->rules[i].comment);
	}
	free(pol->settings);
	free(pol->users);
	free(pol->roles);
	free(pol->members);
	free(pol->resources);
	free(pol->rules);
	memset(pol, 0, sizeof(*pol));
}

/*
 * Copy column col of st's current row into *out: NULL for SQL NULL if
 * nullok, else "" for it.  Return 0, or -1 out of memory.
 */
static int
col_dup(sqlite3_stmt *st, int col, int nullok, char **out)
{
	const unsigned char	*s;
	size_t			 n;

	*out = NULL;
	if ((s = sqlite3_column_text(st, col)) == NULL) {
		if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
			return -1;
		if (nullok)
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
 * Read one table into pol: statement id, a row at a time, through
 * the reader rd.  Return 0, or -1 with a message.
 */
static int
load_table(struct admp *p, enum pstmt id, struct policy *pol,
    int (*rd)(struct policy *, sqlite3_stmt *))
{
	sqlite3_stmt	*st = p->st[id];
	int		 rc, ret = -1;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (rd(pol, st) == -1) {
			admp_seterr(p, "%s", strerror(ENOMEM));
			goto out;
		}
	if (rc != SQLITE_DONE) {
		admp_seterr(p, "%s", sqlite3_errmsg(p->db));
		goto out;
	}
	ret = 0;
out:
	sqlite3_reset(st);
	return ret;
}

static int
rd_setting(struct policy *pol, sqlite3_stmt *st)
{
	struct pol_setting	*s;

	if ((s = pol_add_setting(pol)) == NULL)
		return -1;
	return col_dup(st, 0, 0, &s->name) == -1 ||
	    col_dup(st, 1, 0, &s->value) == -1 ? -1 : 0;
}

static int
rd_user(struct policy *pol, sqlite3_stmt *st)
{
	struct pol_user	*u;

	if ((u = pol_add_user(pol)) == NULL)
		return -1;
	u->disabled = sqlite3_column_int(st, 1) != 0;
	return col_dup(st, 0, 0, &u->name) == -1 ||
	    col_dup(st, 2, 1, &u->expires) == -1 ||
	    col_dup(st, 3, 1, &u->hash) == -1 ? -1 : 0;
}

static int
rd_role(struct policy *pol, sqlite3_stmt *st)
{
	struct pol_role	*r;

	if ((r = pol_add_role(pol)) == NULL)
		return -1;
	return col_dup(st, 0, 0, &r->name) == -1 ||
	    col_dup(st, 1, 0, &r->comment) == -1 ? -1 : 0;
}

static int
rd_member(struct policy *pol, sqlite3_stmt *st)
{
	struct pol_member	*m;

	if ((m = pol_add_member(pol)) == NULL)
		return -1;
	return col_dup(st, 0, 0, &m->user) == -1 ||
	    col_dup(st, 1, 0, &m->role) == -1 ? -1 : 0;
}

static int
rd_resource(struct policy *pol, sqlite3_stmt *st)
{
	struct pol_resource	*r;

	if ((r = pol_add_resource(pol)) == NULL)
		return -1;
	return col_dup(st, 0, 0, &r->pattern) == -1 ||
	    col_dup(st, 1, 1, &r->host) == -1 ||
	    col_dup(st, 2, 0, &r->comment) == -1 ? -1 : 0;
}

static int
rd_rule(struct policy *pol, sqlite3_stmt *st)
{
	struct pol_rule	*r;

	if ((r = pol_add_rule(pol)) == NULL)
		return -1;
	r->id = sqlite3_column_int64(st, 0);
	return col_dup(st, 1, 0, &r->pattern) == -1 ||
	    col_dup(st, 2, 1, &r->host) == -1 ||
	    col_dup(st, 3, 0, &r->methods) == -1 ||
	    col_dup(st, 4, 0, &r->principal) == -1 ||
	    col_dup(st, 5, 0, &r->comment) == -1 ? -1 : 0;
}

/*
 * Load the whole policy into pol (zeroed by the caller; free with
 * pol_free() either way), in the export's order, with the users'
 * hashes if hashes.  Reads inside the caller's transaction, or one of
 * its own if there is none.  Return 0, or -1 with a message.
 */
int
admp_load(struct admp *p, struct policy *pol, int hashes)
{
	int	 own = 0, ret = -1;

	if (sqlite3_get_autocommit(p->db) != 0) {
		if (admp_begin(p, 0) == -1)
			return -1;
		own = 1;
	}
	if (sqlite3_bind_int(p->st[PS_USERS], 1, hashes != 0) != SQLITE_OK) {
		admp_seterr(p, "%s", sqlite3_errmsg(p->db));
		goto out;
	}
	if (load_table(p, PS_SETTINGS, pol, rd_setting) == -1 ||
	    load_table(p, PS_USERS, pol, rd_user) == -1 ||
	    load_table(p, PS_ROLES, pol, rd_role) == -1 ||
	    load_table(p, PS_MEMBERS, pol, rd_member) == -1 ||
	    load_table(p, PS_RESOURCES, pol, rd_resource) == -1 ||
	    load_table(p, PS_RULES, pol, rd_rule) == -1)
		goto out;
	ret = 0;
out:
	sqlite3_clear_bindings(p->st[PS_USERS]);
	if (own)
		admp_rollback(p);	/* a read: nothing to keep */
	return ret;
}
