/*
 * adm_export.c: `portcullis export [--format sql|json]`.
 *
 * Writes the whole policy to standard output from one snapshot:
 * settings, users without their hashes (name, disabled, expires),
 * roles with comments, memberships, resources and rules with their
 * ids and comments, and the client certificates that log in as a user
 * (identity data like the memberships, and no secret: a fingerprint or
 * a DN says who a certificate is, not how to present it).  The order is fixed (bytewise by name, rules by
 * id) and nothing varies between runs, so an export can be kept in
 * version control and diffed.  The formats are policyfile.c's: sql
 * is what `portcullis import policy` reads back, json is for other
 * tools.  No token is written, not even its id or label (README
 * "Tokens"): a token cannot be imported back without its secret.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

/*
 * export [--format sql|json]: exit 0, or 1 on an error (the output
 * may then be cut short: do not keep it); -1 for a usage error.
 */
int
cmd_export(const char *db, int argc, char *argv[])
{
	struct policy	 pol;
	struct adm	*a;
	char		 err[512];
	const char	*v = polfmt_str[POLFMT_SQL];
	size_t		 f;
	int		 ret = 1;

	if (argc == 1 && strncmp(argv[0], "--format=", 9) == 0)
		v = argv[0] + 9;
	else if (argc == 2 && strcmp(argv[0], "--format") == 0)
		v = argv[1];
	else if (argc != 0)
		return -1;
	for (f = 0; f < POLFMT__MAX; f++)
		if (strcmp(v, polfmt_str[f]) == 0)
			break;
	if (f == POLFMT__MAX)
		return -1;

	memset(&pol, 0, sizeof(pol));
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if (adm_begin(a, 0) == -1 || adm_load(a, &pol, 0) == -1) {
		adm_fail("export", adm_errmsg(a));
		goto out;
	}
	adm_rollback(a);	/* a read: nothing to keep */
	polfile_write(stdout, &pol, (enum polfmt)f);
	ret = 0;
out:
	pol_free(&pol);
	adm_close(a);
	return ret;
}
