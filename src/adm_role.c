/*
 * adm_role.c: `portcullis role include|exclude|list`, the role
 * hierarchy (sql/0010-roles.sql, README "Role hierarchy"):
 *
 *	role include ROLE INCLUDED	whoever holds ROLE holds INCLUDED
 *	role exclude ROLE INCLUDED	... no longer (that row)
 *	role list			each role, what it includes
 *
 * include refuses a cycle naming the chain that would close it
 * ("editor already includes admin (editor > viewer > admin)"), and a
 * role including itself; both commands print one line saying what
 * changed.  list prints one line per role, tab-separated: NAME, the
 * roles it includes directly and all it includes through them, each
 * ","-joined, "-" for none.  Exit 0, 1 on an error, -1 for a usage
 * error.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define CHAIN_MAX	4096	/* "a > b > c" in a message */

/* Whether pol holds role name. */
static int
role_known(const struct policy *pol, const char *name)
{
	struct pol_role	 key;

	memset(&key, 0, sizeof(key));
	key.name = (char *)(uintptr_t)name;
	return pol_find(pol, POL_ROLES, &key) != NULL;
}

/* A role name the schema could take (its CHECK says the rest). */
static int
role_name_ok(const char *name)
{
	size_t	 n = strlen(name);

	if (n > 0 && n <= NAME_MAX_LEN && !has_ctl(name, n) &&
	    utf8_valid(name, n))
		return 1;
	adm_fail("role name", "must be 1-255 bytes of UTF-8 without control "
	    "characters");
	return 0;
}

/*
 * Why role may not include inc in pol (a missing role, itself, a
 * cycle: the chain that would close it) into why; "" if it may.
 * Returns 0, or -1 (the policy's hierarchy is unusable: why says).
 */
static int
include_why(const struct policy *pol, const char *role, const char *inc,
    char *why, size_t whysz)
{
	struct roles	*rg;
	char		 chain[CHAIN_MAX];

	why[0] = '\0';
	if (!role_known(pol, role) || !role_known(pol, inc)) {
		if (!role_known(pol, role))
			inc = role;
		(void)snprintf(why, whysz, "no role '%s' (portcullis role "
		    "add %s)", inc, inc);
		return 0;
	}
	if (strcmp(role, inc) == 0) {
		(void)snprintf(why, whysz, "a role cannot include itself");
		return 0;
	}
	if (adm_role_graph(pol, &rg, why, whysz) == -1)
		return -1;
	if (roles_holds(rg, inc, role)) {
		if (roles_path(rg, inc, role, chain, sizeof(chain)) != 1)
			(void)snprintf(chain, sizeof(chain), "...");
		(void)snprintf(why, whysz, "%s already includes %s (%s)", inc,
		    role, chain);
	}
	roles_free(rg);
	return 0;
}

/* role include|exclude ROLE INCLUDED */
static int
role_edge(const char *db, int add, int argc, char *argv[])
{
	struct policy	 pol;
	struct roles	*rg = NULL;
	struct adm	*a;
	char		 err[512], what[2 * NAME_MAX_LEN + 32];
	char		 why[CHAIN_MAX + 2 * NAME_MAX_LEN + 64];
	char		 chain[CHAIN_MAX];
	int		 rc = -1, ret = 1;

	if (argc != 2)
		return -1;
	if (!role_name_ok(argv[0]) || !role_name_ok(argv[1]))
		return 1;
	(void)snprintf(what, sizeof(what), "role %s %s %s",
	    add ? "include" : "exclude", argv[0], argv[1]);
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	memset(&pol, 0, sizeof(pol));
	why[0] = '\0';
	if (adm_begin(a, 1) == -1 || adm_load(a, &pol, 0) == -1) {
		adm_fail(what, adm_errmsg(a));
		goto out;
	}
	if (add && include_why(&pol, argv[0], argv[1], why,
	    sizeof(why)) == -1) {
		adm_fail(what, why);
		goto out;
	}
	if (*why != '\0') {
		adm_fail(what, why);
		goto out;
	}
	rc = add ? adm_include_add(a, argv[0], argv[1]) :
	    adm_include_del(a, argv[0], argv[1]);
	if (rc == -1 || (rc == 1 && adm_commit(a) == -1)) {
		adm_fail(what, adm_errmsg(a));
		goto out;
	}
	if (rc == 0 && !add) {
		adm_fail(what, role_known(&pol, argv[0]) ? "no such inclusion" :
		    "no such role");
		goto out;
	}
	ret = 0;
	if (add) {
		printf(rc == 1 ? "role %s now includes %s\n" :
		    "role %s already includes %s\n", argv[0], argv[1]);
		goto out;
	}
	/* Still held through another role it includes? */
	pol_free(&pol);
	memset(&pol, 0, sizeof(pol));
	chain[0] = '\0';
	if (adm_begin(a, 0) == 0 && adm_load(a, &pol, 0) == 0 &&
	    adm_role_graph(&pol, &rg, err, sizeof(err)) == 0 &&
	    roles_holds(rg, argv[0], argv[1]) &&
	    roles_path(rg, argv[0], argv[1], chain, sizeof(chain)) != 1)
		chain[0] = '\0';
	if (*chain != '\0')
		printf("role %s no longer includes %s directly (it still does "
		    "through %s)\n", argv[0], argv[1], chain);
	else
		printf("role %s no longer includes %s\n", argv[0], argv[1]);
out:
	roles_free(rg);
	pol_free(&pol);
	adm_close(a);
	return ret;
}

/* "a,b" of the roles role includes: directly (all 0) or all. */
static void
included(const struct policy *pol, const struct roles *rg,
    const char *role, int all, char *buf, size_t bufsz)
{
	size_t	 i, len = 0;
	int	 yes;

	buf[0] = '\0';
	for (i = 0; i < pol->nroles && len < bufsz; i++) {
		if (strcmp(pol->roles[i].name, role) == 0)
			continue;
		if (all)
			yes = roles_holds(rg, role, pol->roles[i].name);
		else {
			struct pol_include	 key;

			key.role = (char *)(uintptr_t)role;
			key.includes = pol->roles[i].name;
			key.line = 0;
			yes = pol_find(pol, POL_INCLUDES, &key) != NULL;
		}
		if (yes)
			len += (size_t)snprintf(buf + len, bufsz - len,
			    "%s%s", len > 0 ? "," : "", pol->roles[i].name);
	}
	if (len == 0)
		(void)snprintf(buf, bufsz, "-");
}

/* role list */
static int
role_list(const char *db, int argc)
{
	struct policy	 pol;
	struct roles	*rg = NULL;
	struct adm	*a;
	char		 err[512], direct[ROLES_MAX], all[ROLES_MAX];
	size_t		 i;
	int		 ret = 1;

	if (argc != 0)
		return -1;
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	memset(&pol, 0, sizeof(pol));
	if (adm_begin(a, 0) == -1 || adm_load(a, &pol, 0) == -1) {
		adm_fail("role list", adm_errmsg(a));
		goto out;
	}
	adm_rollback(a);	/* a read: nothing to keep */
	if (adm_role_graph(&pol, &rg, err, sizeof(err)) == -1) {
		adm_fail("role list", err);
		goto out;
	}
	for (i = 0; i < pol.nroles; i++) {
		included(&pol, rg, pol.roles[i].name, 0, direct,
		    sizeof(direct));
		included(&pol, rg, pol.roles[i].name, 1, all, sizeof(all));
		printf("%s\t%s\t%s\n", pol.roles[i].name, direct, all);
	}
	ret = 0;
out:
	roles_free(rg);
	pol_free(&pol);
	adm_close(a);
	return ret;
}

/*
 * role include|exclude|list ...: the hierarchy's part of `portcullis
 * role` (admin.c's cmd_role() hands these over).  Exit 0, 1 on an
 * error; -1 for a usage error.
 */
int
cmd_role_hier(const char *db, int argc, char *argv[])
{
	if (argc < 1)
		return -1;
	if (strcmp(argv[0], "include") == 0)
		return role_edge(db, 1, argc - 1, argv + 1);
	if (strcmp(argv[0], "exclude") == 0)
		return role_edge(db, 0, argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0)
		return role_list(db, argc - 1);
	return -1;
}
