/*
 * held.c: the roles a user, or a token, holds in one decision: read
 * in one query (store.c: STMT_ROLES; a limited token's list in a
 * second), then expanded in memory through the role hierarchy the
 * snapshot compiled (roles.c), never walked per request.
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
 * Every role user holds, directly or through inclusion, into buf;
 * with token (a token id of user's, or NULL or "") limited to its
 * token_roles (limited), those of them the list holds too.  Inside
 * the read transaction of a decision (store_begin()): the hierarchy
 * is the snapshot's.  Returns 0, or -1 on a store error or a list
 * longer than bufsz (the store's error says which).
 */
int
held_roles(struct store *s, const char *user, const char *token,
    int limited, char *buf, size_t bufsz)
{
	const struct snapshot	*sn = store_snapshot(s);
	const struct roles	*rg = sn == NULL ? NULL : snap_roles(sn);
	char			 direct[ROLES_MAX], list[ROLES_MAX];
	char			 a[ROLES_MAX], b[ROLES_MAX];

	buf[0] = '\0';
	if (token == NULL || *token == '\0')
		limited = 0;
	if (store_roles(s, user, direct, sizeof(direct)) == -1 ||
	    (limited && store_token_list(s, token, list, sizeof(list)) == -1))
		return -1;
	if (!limited) {
		if (roles_expand(rg, direct, buf, bufsz) == -1)
			goto toolong;
		return 0;
	}
	if (roles_expand(rg, direct, a, sizeof(a)) == -1 ||
	    roles_expand(rg, list, b, sizeof(b)) == -1 ||
	    roles_list_and(a, b, buf, bufsz) == -1)
		goto toolong;
	return 0;
toolong:
	store_seterr(s, "roles too long");
	return -1;
}
