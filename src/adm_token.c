/*
 * adm_token.c: `portcullis token`, API tokens and app passwords
 * (sql/0007-tokens.sql, README "Tokens"):
 *
 *	token add USER [--label TEXT] [--expires DATE] [--roles R,...]
 *	token list [USER]
 *	token del|disable|enable ID
 *
 * add prints the new token, and only it, on a line of its own on
 * standard output: the one time it is shown (the database keeps its
 * SHA-256).  DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC.  --roles
 * limits the token to some of USER's roles; a role USER does not hold
 * is refused.  list prints one line per token:
 *	ID USER STATE CREATED EXPIRES ROLES LABEL
 * STATE enabled, disabled or expired (the token's own); times
 * YYYY-MM-DDTHH:MM:SSZ, EXPIRES "-" for never; ROLES "*" for all of
 * the owner's, else those of its list the owner holds now, ","-joined,
 * "-" for none; LABEL the rest of the line (none when empty).  Exit 0, 1 on an error,
 * 2 (-1 here) on a usage error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

#define TOKEN_LABEL_MAX	255	/* the schema agrees */

/* Whether id is a token id: TOKEN_IDLEN lowercase hex digits. */
static int
id_valid(const char *id)
{
	size_t	 i;

	if (strlen(id) != TOKEN_IDLEN)
		return 0;
	for (i = 0; i < TOKEN_IDLEN; i++)
		if ((id[i] < '0' || id[i] > '9') && (id[i] < 'a' || id[i] > 'f'))
			return 0;
	return 1;
}

/*
 * DATE as the schema stores it, into out (20 bytes): "YYYY-MM-DD"
 * stays, "YYYY-MM-DDTHH:MM:SSZ" becomes "YYYY-MM-DD HH:MM:SS" (the
 * schema then refuses a day or time that does not exist).  Returns 0,
 * or -1 if DATE has neither form.
 */
static int
expires_parse(const char *date, char *out)
{
	static const char	 form[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t			 i, n = strlen(date);

	if (n != 10 && n != sizeof(form) - 1)
		return -1;
	for (i = 0; i < n; i++)
		if (form[i] == 'd' ? date[i] < '0' || date[i] > '9' :
		    date[i] != form[i])
			return -1;
	memcpy(out, date, n);
	out[n] = '\0';
	if (n > 10) {
		out[10] = ' ';
		out[19] = '\0';
	}
	return 0;
}

static int
token_print(void *arg, const struct adm_token *t)
{
	const char	*roles;

	(void)arg;
	roles = !t->limited ? "*" : *t->effective != '\0' ? t->effective : "-";
	return printf("%s %s %s %s %s %s%s%s\n", t->id, t->user,
	    t->disabled ? "disabled" : t->expired ? "expired" : "enabled",
	    t->created, t->expires != NULL ? t->expires : "-", roles,
	    *t->label != '\0' ? " " : "", t->label) < 0 ? -1 : 0;
}

/*
 * Add the token's roles from the ","-separated list (a copy is cut),
 * each held by user.  Returns 0, or 1 after reporting.
 */
static int
token_roles(struct adm *a, const char *user, const char *id,
    const char *list)
{
	char	*copy, *p, *role;
	char	 what[NAME_MAX_LEN + 32];
	int	 rc, ret = 1;

	if ((copy = strdup(list)) == NULL)
		return adm_fail("token add", "out of memory");
	for (p = copy; (role = strsep(&p, ",")) != NULL; ) {
		(void)snprintf(what, sizeof(what), "token add: role %s", role);
		if (*role == '\0') {
			adm_fail("token add", "--roles: an empty role name");
			goto out;
		}
		if ((rc = adm_token_holds(a, user, role)) == -1) {
			adm_fail(what, adm_errmsg(a));
			goto out;
		}
		if (rc == 0) {
			adm_fail(what, "the user does not hold it");
			goto out;
		}
		if (adm_token_role(a, id, role) == -1) {
			adm_fail(what, adm_errmsg(a));
			goto out;
		}
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

/*
 * token add USER [--label TEXT] [--expires DATE] [--roles R,...]:
 * one transaction; the token printed only once it is committed.
 */
static int
token_add(const char *db, int argc, char *argv[])
{
	static const char *const names[] = { "label", "expires", "roles" };
	const char	*vals[3] = { NULL, NULL, NULL };
	struct adm	*a;
	char		 tok[TOKEN_LEN + 1], id[TOKEN_IDLEN + 1];
	char		 hash[TOKEN_HASHLEN + 1], exp[24], err[512];
	char		 what[NAME_MAX_LEN + 8];
	const char	*user, *label;
	int		 k, rc, ret = 1;

	if (argc < 1)
		return -1;
	user = argv[0];
	if ((k = adm_opts(argc - 1, argv + 1, names, vals,
	    nitems(names))) == -1 || k != argc - 1)
		return -1;
	if (!name_valid(user, strlen(user)))
		return adm_fail("user name", "must be 1-255 bytes of UTF-8 "
		    "without ':' or control characters");
	label = vals[0] != NULL ? vals[0] : "";
	if (strlen(label) > TOKEN_LABEL_MAX ||
	    has_ctl(label, strlen(label)))
		return adm_fail("token add", "label must be 0-255 bytes "
		    "without control characters");
	if (vals[1] != NULL && expires_parse(vals[1], exp) == -1)
		return adm_fail("token add", "--expires must be YYYY-MM-DD "
		    "or YYYY-MM-DDTHH:MM:SSZ (UTC)");
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if (token_new(tok, id, hash) == -1) {
		adm_fail("token add", "no random numbers (libsodium)");
		goto out;
	}
	(void)snprintf(what, sizeof(what), "user %s", user);
	if (adm_begin(a, 1) == -1) {
		adm_fail("token add", adm_errmsg(a));
		goto out;
	}
	rc = adm_token_add(a, id, user, hash, label,
	    vals[1] != NULL ? exp : NULL, vals[2] != NULL);
	if (rc != 1) {
		adm_fail(what, rc == 0 ? "no such user" : adm_errmsg(a));
		adm_rollback(a);
		goto out;
	}
	if (vals[2] != NULL && token_roles(a, user, id, vals[2]) != 0) {
		adm_rollback(a);
		goto out;
	}
	if (adm_commit(a) == -1) {
		adm_fail("token add", adm_errmsg(a));
		goto out;
	}
	printf("%s\n", tok);
	ret = 0;
out:
	explicit_bzero(tok, sizeof(tok));
	explicit_bzero(hash, sizeof(hash));
	adm_close(a);
	return ret;
}

/* token list [USER] */
static int
token_list(const char *db, int argc, char *argv[])
{
	struct adm	*a;
	char		 err[512];
	int		 rc, ret = 0;

	if (argc > 1)
		return -1;
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if ((rc = adm_begin(a, 0)) == 0)
		rc = adm_token_list(a, argc == 1 ? argv[0] : NULL,
		    token_print, NULL);
	if (rc == -1)
		ret = adm_fail("token list", adm_errmsg(a));
	adm_rollback(a);	/* a read: nothing to keep */
	adm_close(a);
	return ret;
}

/* token del|disable|enable ID */
static int
token_row(const char *db, const char *sub, int argc, char *argv[])
{
	struct adm	*a;
	char		 err[512], what[TOKEN_IDLEN + 8];
	int		 rc;

	if (argc != 1)
		return -1;
	if (!id_valid(argv[0]))
		return adm_fail("token id", "must be 16 lowercase hex digits "
		    "(as token list shows it)");
	(void)snprintf(what, sizeof(what), "token %s", argv[0]);
	if ((a = adm_open(db, err, sizeof(err))) == NULL)
		return adm_fail(db, err);
	if ((rc = adm_begin(a, 1)) == 0) {
		rc = strcmp(sub, "del") == 0 ? adm_token_del(a, argv[0]) :
		    adm_token_set(a, argv[0], strcmp(sub, "disable") == 0);
		if (rc == -1)
			adm_rollback(a);
		else if (adm_commit(a) == -1)
			rc = -1;
	}
	if (rc == -1)
		rc = adm_fail(what, adm_errmsg(a));
	else if (rc == 0)
		rc = adm_fail(what, "no such token");
	else {
		printf("token %s %s\n", argv[0], strcmp(sub, "del") == 0 ?
		    "deleted" : strcmp(sub, "disable") == 0 ? "disabled" :
		    "enabled");
		rc = 0;
	}
	adm_close(a);
	return rc;
}

/*
 * token add|list|del|disable|enable ...: exit 0, 1 on an error; -1
 * for a usage error.
 */
int
cmd_token(const char *db, int argc, char *argv[])
{
	if (argc < 1)
		return -1;
	if (strcmp(argv[0], "add") == 0)
		return token_add(db, argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0)
		return token_list(db, argc - 1, argv + 1);
	if (strcmp(argv[0], "del") == 0 || strcmp(argv[0], "disable") == 0 ||
	    strcmp(argv[0], "enable") == 0)
		return token_row(db, argv[0], argc - 1, argv + 1);
	return -1;
}
