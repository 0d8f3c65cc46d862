/*
 * admrole.c: the administrator's statements on role_includes (the
 * role hierarchy, sql/0010-roles.sql), for adm_role.c and import
 * policy, and the hierarchy of a loaded policy (roles.c) for the
 * commands that name chains and for lint.  Beside admstore.c, whose
 * connection and error it uses (adm_conn()), with its contract: the
 * caller owns the transaction; 1 done, 0 no change, -1 error
 * (adm_errmsg(): for a refused row the schema's words).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "extern.h"
#include "admin.h"

/* Run sql with ?1 = role, ?2 = includes: 1 a row changed, 0, -1. */
static int
inc_change(struct adm *a, const char *sql, const char *role,
    const char *includes)
{
	sqlite3_stmt	*st;
	int		 ret = -1;

	if (sqlite3_prepare_v2(adm_conn(a), sql, -1, &st, NULL) != SQLITE_OK) {
		adm_conn_err(a, NULL);
		return -1;
	}
	if (sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, includes, -1, SQLITE_STATIC) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_DONE)
		ret = sqlite3_changes(adm_conn(a)) > 0;
	else
		adm_conn_err(a, NULL);
	sqlite3_finalize(st);
	return ret;
}

/*
 * Make role include includes: 1 added, 0 if it already did (that
 * row), -1 (a missing role, the role itself, a cycle: the schema's
 * message).
 */
int
adm_include_add(struct adm *a, const char *role, const char *includes)
{
	return inc_change(a, "INSERT INTO role_includes (role, includes) "
	    "VALUES (?1, ?2) ON CONFLICT DO NOTHING", role, includes);
}

/* Delete the row (role, includes): 1, 0 if there is none, -1. */
int
adm_include_del(struct adm *a, const char *role, const char *includes)
{
	return inc_change(a, "DELETE FROM role_includes WHERE role = ?1 "
	    "AND includes = ?2", role, includes);
}

/*
 * The hierarchy of pol's role_includes rows into *rgp (free with
 * roles_free(); NULL when there is none).  Returns 0, or -1 with the
 * message in err (a cycle, a bound, out of memory).
 */
int
adm_role_graph(const struct policy *pol, struct roles **rgp, char *err,
    size_t errsz)
{
	struct roles	*rg;
	size_t		 i;

	*rgp = NULL;
	if (pol->nincludes == 0)
		return 0;
	if ((rg = roles_new()) == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < pol->nincludes; i++)
		if (roles_add(rg, pol->includes[i].role,
		    pol->includes[i].includes) == -1) {
			(void)snprintf(err, errsz, "out of memory");
			roles_free(rg);
			return -1;
		}
	if (roles_finish(rg, err, errsz) == -1) {
		roles_free(rg);
		return -1;
	}
	*rgp = rg;
	return 0;
}
