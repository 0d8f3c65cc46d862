/*
 * held.c: the roles a user, or a token, holds in one decision: read
 * in one query (store.c: STMT_ROLES, STMT_TOKEN_HELD), then expanded
 * in memory through the role hierarchy the snapshot compiled
 * (roles.c), never walked per request.
 *
 * A user holds the roles of its members rows and every role they
 * include.  A token acts with its owner's; a limited one with those
 * both its owner and its list hold, each through inclusion too:
 * closure(owner's) ∩ closure(token's list).  Lists are ","-joined, in
 * byte order (the order of the X-Portcullis-Roles header).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "extern.h"

/*
 * The roles user holds directly (its members rows), or with token (a
 * token id, or NULL or ""), those of the token's owner, into buf.
 * Returns 0, or -1 on a store error.
 */
int
held_direct(struct store *s, const char *user, const char *token,
    char *buf, size_t bufsz)
{
	char	 list[ROLES_MAX];
	int	 limited;

	if (token == NULL || *token == '\0')
		return store_roles(s, user, buf, bufsz);
	return store_token_held(s, token, buf, bufsz, list, sizeof(list),
	    &limited);
}

/*
 * Every role user holds, directly or through inclusion; with token
 * (a token id, or NULL or ""), the roles the token acts with; into
 * buf.  Inside the read transaction of a decision (store_begin()):
 * the hierarchy is the snapshot's.  Returns 0, or -1 on a store error
 * or a list longer than bufsz (the store's error says which).
 */
int
held_roles(struct store *s, const char *user, const char *token,
    char *buf, size_t bufsz)
{
	const struct snapshot	*sn = store_snapshot(s);
	const struct roles	*rg = sn == NULL ? NULL : snap_roles(sn);
	char			 direct[ROLES_MAX], list[ROLES_MAX];
	char			 a[ROLES_MAX], b[ROLES_MAX];
	int			 limited = 0;

	buf[0] = '\0';
	if (token == NULL || *token == '\0') {
		if (store_roles(s, user, direct, sizeof(direct)) == -1)
			return -1;
		if (roles_expand(rg, direct, buf, bufsz) == -1)
			goto toolong;
		return 0;
	}
	if (store_token_held(s, token, direct, sizeof(direct), list,
	    sizeof(list), &limited) == -1)
		return -1;
	if (roles_expand(rg, direct, limited ? a : buf,
	    limited ? sizeof(a) : bufsz) == -1)
		goto toolong;
	if (!limited)
		return 0;
	if (roles_expand(rg, list, b, sizeof(b)) == -1 ||
	    roles_list_and(a, b, buf, bufsz) == -1)
		goto toolong;
	return 0;
toolong:
	store_seterr(s, "roles too long");
	return -1;
}
