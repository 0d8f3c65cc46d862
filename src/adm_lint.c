/*
 * adm_lint.c: `portcullis lint`, the rule set's mistakes that the
 * schema cannot refuse (lint.c finds them; its header lists the
 * checks).  One finding per line on standard output, prefixed with the
 * rules involved ("rule 4:", "rules 2,5:") or with what else it is
 * about ("resource /x:", "user bob:"); exit 1 if there is any, 0 if
 * none, 2 on an error.  Lines starting "note:" say what the rule set
 * needs from the server and count as no finding.  Then the tokens
 * (admtoken.c): one that has expired, and a limited one whose owner
 * holds none of its roles, as "token ID: ...".  Then the client
 * certificates (admcert.c): one whose user is disabled or expired, and
 * a subject taken from any CA where other rows pin theirs, as
 * "certificate ID: ...".
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

/* Print one finding as "SUBJECT: MESSAGE", a note as "note: ...". */
static void
print_finding(void *arg, const struct lint_finding *f)
{
	(void)arg;
	printf("%s%s: %s\n", f->note ? "note: " : "", f->subject, f->message);
}

/* A token's findings, counted in *arg. */
static int
token_finding(void *arg, const struct adm_token *t)
{
	int	*n = arg;

	if (t->expired) {
		printf("token %s: expired %s: it cannot log in any more "
		    "(portcullis token del %s)\n", t->id,
		    t->expires != NULL ? t->expires : "-", t->id);
		(*n)++;
	}
	if (t->limited && *t->effective == '\0') {
		printf("token %s: user %s holds none of the roles it is "
		    "limited to: it grants only what valid-user does\n",
		    t->id, t->user);
		(*n)++;
	}
	return 0;
}

/*
 * A client certificate's findings (sql/0008-certificates.sql),
 * counted in *arg: a row whose user is disabled or expired logs no one
 * in (the request's own credentials decide instead); a subject row
 * that names no issuer while other rows do: the administrator works
 * with several CAs, and any CA the server trusts may issue that
 * subject.
 */
static int
cert_finding(void *arg, const struct adm_cert *c)
{
	int	*n = arg;

	if (c->disabled || c->expired) {
		printf("certificate %" PRId64 ": user %s is %s: the "
		    "certificate logs no one in\n", c->id, c->user,
		    c->disabled ? "disabled" : "expired");
		(*n)++;
	}
	if (c->subject != NULL && c->issuer == NULL && c->pinned) {
		printf("certificate %" PRId64 ": subject ", c->id);
		cert_quoted(c->subject);
		printf(" is taken from any CA the server trusts, where other "
		    "rows name their issuer (portcullis cert add %s --subject "
		    "DN --issuer DN)\n", c->user);
		(*n)++;
	}
	return 0;
}

/*
 * lint: exit 0 no finding, 1 findings, 2 error; -1 for a usage error.
 */
int
cmd_lint(const char *db, int argc, char *argv[])
{
	struct policy	 pol;
	struct adm	*a;
	char		 err[512];
	int		 n, nt = 0, ret = 2;

	(void)argv;
	if (argc != 0)
		return -1;
	memset(&pol, 0, sizeof(pol));
	if ((a = adm_open(db, err, sizeof(err))) == NULL) {
		adm_fail(db, err);
		return 2;
	}
	if (adm_begin(a, 0) == -1 || adm_load(a, &pol, 1) == -1) {
		adm_fail("lint", adm_errmsg(a));
		goto out;
	}
	adm_rollback(a);	/* a read: nothing to keep */
	if ((n = lint_run(&pol, print_finding, NULL)) == -1) {
		adm_fail("lint", "out of memory");
		goto out;
	}
	if (adm_begin(a, 0) == -1 ||
	    adm_token_list(a, NULL, token_finding, &nt) == -1 ||
	    adm_cert_list(a, NULL, cert_finding, &nt) == -1) {
		adm_fail("lint", adm_errmsg(a));
		goto out;
	}
	adm_rollback(a);
	ret = n > 0 || nt > 0 ? 1 : 0;
out:
	pol_free(&pol);
	adm_close(a);
	return ret;
}
