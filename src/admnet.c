/*
 * admnet.c: the administrator's statements on the networks table
 * (sql/0009-networks.sql), for adm_net.c and `import policy`.  Beside
 * admstore.c, whose connection and error it uses (adm_conn()), with
 * the same contract: the caller owns the transaction; a change
 * returns how many rows it changed, or -1 (adm_errmsg() says why, for
 * a refused row the schema's words).  Reading is adm_load()'s (the
 * networks are a table of pol_tables[]).  Statements are prepared per
 * call: `portcullis` runs one command.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "extern.h"
#include "admin.h"

/*
 * Run sql with the texts of v (NULL binds SQL NULL) as ?1..?n: the
 * number of rows it changed, or -1.
 */
static int
net_change(struct adm *a, const char *sql, const char *const *v, int n)
{
	sqlite3_stmt	*st;
	int		 i, ret = -1;

	if (sqlite3_prepare_v2(adm_conn(a), sql, -1, &st, NULL) != SQLITE_OK) {
		adm_conn_err(a, NULL);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((v[i] == NULL ? sqlite3_bind_null(st, i + 1) :
		    sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC)) !=
		    SQLITE_OK)
			goto out;
	if (sqlite3_step(st) == SQLITE_DONE)
		ret = sqlite3_changes(adm_conn(a));
out:
	if (ret == -1)
		adm_conn_err(a, NULL);
	sqlite3_finalize(st);
	return ret;
}

/*
 * Add the range cidr (as the caller wrote it: canonical, cidr_str())
 * to network name, which is made if new.  Returns 1, 0 if the network
 * has that range already, or -1.
 */
int
adm_net_add(struct adm *a, const char *name, const char *cidr)
{
	const char *const	 v[] = { name, cidr };

	return net_change(a, "INSERT INTO networks (name, cidr) "
	    "VALUES (?1, ?2) ON CONFLICT (name, cidr) DO NOTHING", v, 2);
}

/*
 * Delete range cidr of network name, or (cidr NULL) every range of
 * it; the schema's networks_delete trigger deletes the rules that use
 * a network whose last range goes.  Returns the number of ranges
 * deleted (0: no such network or range), or -1.
 */
int
adm_net_del(struct adm *a, const char *name, const char *cidr)
{
	const char *const	 v[] = { name, cidr };

	return net_change(a, "DELETE FROM networks WHERE name = ?1 "
	    "AND (?2 IS NULL OR cidr = ?2)", v, 2);
}
