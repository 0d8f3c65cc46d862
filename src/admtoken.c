/*
 * admtoken.c: the administrator's statements on the tokens and
 * token_roles tables (sql/0007-tokens.sql), for adm_token.c.  Beside
 * admstore.c, whose connection and error it uses (adm_conn()), with
 * the same contract: the caller owns the transaction, functions on a
 * named row return 1 (done or found), 0 (no such row) or -1 (error:
 * adm_errmsg() says why, for a refused row the schema's words).
 * Statements are prepared per call: `portcullis` runs one command.
 * Nothing here reads or returns a token's hash.  tok_prep(),
 * tok_change() and tok_exists() serve admcert.c too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "extern.h"
#include "admin.h"

/*
 * Prepare sql and bind the NUL-terminated texts of v (NULL binds SQL
 * NULL) to ?1..?n.  Returns the statement or NULL (the error kept).
 */
sqlite3_stmt *
tok_prep(struct adm *a, const char *sql, const char *const *v, int n)
{
	sqlite3_stmt	*st;
	int		 i;

	if (sqlite3_prepare_v2(adm_conn(a), sql, -1, &st, NULL) != SQLITE_OK) {
		adm_conn_err(a, NULL);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if ((v[i] == NULL ? sqlite3_bind_null(st, i + 1) :
		    sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC)) !=
		    SQLITE_OK) {
			adm_conn_err(a, NULL);
			sqlite3_finalize(st);
			return NULL;
		}
	return st;
}

/*
 * Run a statement that changes rows: 1 if it changed one, 0 if none,
 * -1 on error.
 */
int
tok_change(struct adm *a, const char *sql, const char *const *v, int n)
{
	sqlite3_stmt	*st;
	int		 ret = -1;

	if ((st = tok_prep(a, sql, v, n)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_DONE)
		ret = sqlite3_changes(adm_conn(a)) > 0;
	else
		adm_conn_err(a, NULL);
	sqlite3_finalize(st);
	return ret;
}

/* Run a query of one row or none: 1 if a row, 0 if none, -1. */
int
tok_exists(struct adm *a, const char *sql, const char *const *v, int n)
{
	sqlite3_stmt	*st;
	int		 rc, ret = -1;

	if ((st = tok_prep(a, sql, v, n)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = 1;
	else if (rc == SQLITE_DONE)
		ret = 0;
	else
		adm_conn_err(a, NULL);
	sqlite3_finalize(st);
	return ret;
}

/*
 * Add token id of user with its hash, label, expires (NULL: never)
 * and limited (1: only the roles adm_token_role() adds).  Returns 1,
 * 0 if there is no such user, or -1.
 */
int
adm_token_add(struct adm *a, const char *id, const char *user,
    const char *hash, const char *label, const char *expires, int limited)
{
	const char	*v[6] = { id, user, hash, label, expires,
			    limited ? "1" : "0" };
	int		 rc;

	if ((rc = tok_exists(a, "SELECT 1 FROM users WHERE name = ?1",
	    v + 1, 1)) != 1)
		return rc;
	return tok_change(a, "INSERT INTO tokens (id, user, hash, label, "
	    "expires, limited) VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS "
	    "INTEGER))", v, 6);
}

/*
 * Whether user holds role, directly or through a role that includes
 * it (sql/0010-roles.sql): 1, 0, or -1.
 */
int
adm_token_holds(struct adm *a, const char *user, const char *role)
{
	const char	*v[2] = { user, role };

	return tok_exists(a, "WITH RECURSIVE held (name) AS (SELECT role "
	    "FROM members WHERE user = ?1 UNION SELECT i.includes FROM "
	    "role_includes AS i JOIN held AS h ON i.role = h.name) "
	    "SELECT 1 FROM held WHERE name = ?2", v, 2);
}

/* Let token id use role (its owner's): 1, or -1. */
int
adm_token_role(struct adm *a, const char *id, const char *role)
{
	const char	*v[2] = { id, role };
	int		 rc;

	rc = tok_change(a, "INSERT INTO token_roles (token, role) "
	    "VALUES (?1, ?2) ON CONFLICT DO NOTHING", v, 2);
	return rc == -1 ? -1 : 1;
}

/* Disable (1) or enable (0) token id: 1, 0 if no such token, -1. */
int
adm_token_set(struct adm *a, const char *id, int disabled)
{
	const char	*v[2] = { id, disabled ? "1" : "0" };

	return tok_change(a, "UPDATE tokens SET disabled = "
	    "CAST(?2 AS INTEGER) WHERE id = ?1", v, 2);
}

/* Delete token id (its token_roles go with it): 1, 0, or -1. */
int
adm_token_del(struct adm *a, const char *id)
{
	const char	*v[1] = { id };

	return tok_change(a, "DELETE FROM tokens WHERE id = ?1", v, 1);
}

/*
 * Call cb for each token, of user only unless NULL, ordered by user
 * and id; cb returns 0 or -1 (stop: an error).  Returns 0, or -1.
 */
int
adm_token_list(struct adm *a, const char *user,
    int (*cb)(void *, const struct adm_token *), void *arg)
{
	/*
	 * reach: each role with every role it includes, itself too
	 * (sql/0010-roles.sql); the effective roles are those reached
	 * from the owner's that are reached from the list's too.
	 */
	static const char sql[] =
	    "WITH RECURSIVE reach (role, inc) AS (SELECT name, name "
	    "FROM roles UNION SELECT r.role, i.includes FROM reach AS r "
	    "JOIN role_includes AS i ON i.role = r.inc) "
	    "SELECT t.id, t.user, t.label, "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', t.created), "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', t.expires), t.disabled, "
	    "t.expires IS NOT NULL AND datetime(t.expires) <= "
	    "datetime('now'), t.limited, "
	    "(SELECT group_concat(role, ',') FROM (SELECT role "
	    "FROM token_roles WHERE token = t.id ORDER BY role)), "
	    "(SELECT group_concat(role, ',') FROM (SELECT DISTINCT x.inc "
	    "AS role FROM members AS m JOIN reach AS x ON x.role = m.role "
	    "WHERE m.user = t.user AND (t.limited = 0 OR EXISTS (SELECT 1 "
	    "FROM token_roles AS r JOIN reach AS y ON y.role = r.role "
	    "WHERE r.token = t.id AND y.inc = x.inc)) ORDER BY 1)) "
	    "FROM tokens AS t WHERE ?1 IS NULL OR t.user = ?1 "
	    "ORDER BY t.user, t.id";
	const char	*v[1] = { user };
	struct adm_token t;
	sqlite3_stmt	*st;
	int		 rc, ret = 0;

	if ((st = tok_prep(a, sql, v, 1)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
#define COL(i)	((const char *)sqlite3_column_text(st, (i)))
		t.id = COL(0);
		t.user = COL(1);
		t.label = COL(2);
		t.created = COL(3);
		t.expires = COL(4);
		t.disabled = sqlite3_column_int(st, 5) != 0;
		t.expired = sqlite3_column_int(st, 6) != 0;
		t.limited = sqlite3_column_int(st, 7) != 0;
		t.roles = COL(8) != NULL ? COL(8) : "";
		t.effective = COL(9) != NULL ? COL(9) : "";
#undef COL
		if (t.id == NULL || t.user == NULL || t.label == NULL ||
		    t.created == NULL) {
			adm_conn_err(a, "token list: out of memory");
			ret = -1;
			break;
		}
		if (cb(arg, &t) == -1) {
			adm_conn_err(a, "token list: cannot write");
			ret = -1;
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		adm_conn_err(a, NULL);
		ret = -1;
	}
	sqlite3_finalize(st);
	return ret;
}
