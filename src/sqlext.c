/*
 * portcullis.so: a loadable SQLite extension for the administrator's
 * sqlite3 shell, so that password hashes can be made and checked in
 * SQL with the server's own code (passwd.c):
 *
 *	sqlite> .load /usr/local/lib/portcullis/portcullis
 *	sqlite> UPDATE users SET hash = hash_password('s3cret')
 *	   ...>     WHERE name = 'alice';
 *	sqlite> SELECT verify_password('s3cret', hash) FROM users;
 *
 * SQLite finds the entry point from the file name: portcullis.so
 * gives sqlite3_portcullis_init().  Both functions are registered
 * SQLITE_DIRECTONLY: a view or trigger of a hostile database file
 * cannot call them ("unsafe use of hash_password()").  Neither is
 * SQLITE_DETERMINISTIC: every hash has a fresh random salt.
 *
 * Linked with passwd.c, compat.c and lex.c only (compiled -fPIC), not
 * with the rest of the library.
 */
#include "config.h"

#include <string.h>

#include <sodium.h>
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "extern.h"

#define SQLEXT_DEFAULT_SCHEME	"$y$"

int	sqlite3_portcullis_init(sqlite3 *, char **,
	    const sqlite3_api_routines *);

/*
 * hash_password(PW [, SCHEME [, COST]]): a new hash of PW, a string.
 * SCHEME is '$y$' (yescrypt, the default, also for NULL), '$2b$'
 * (bcrypt), '$6$' (sha512crypt) or '$argon2id$' (libsodium's
 * interactive limits); COST (0 or NULL: the library's default) as
 * pw_hash_scheme() takes it, at most the caps the server verifies
 * (bcrypt 12, yescrypt 7, sha512crypt 100000 rounds: extern.h).  NULL
 * for a NULL PW; an error with pwhres_str's words for anything
 * pw_hash_scheme() refuses ("cost over the cap the server verifies
 * (see portcullis(5))" for a cost over the caps).
 */
static void
sqlext_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char		 out[PW_HASH_MAX];
	const char	*pass, *scheme = SQLEXT_DEFAULT_SCHEME;
	sqlite3_int64	 cost = 0;
	enum pwhres	 rc;
	int		 n;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL &&
	    (scheme = (const char *)sqlite3_value_text(argv[1])) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL) {
		if (sqlite3_value_type(argv[2]) != SQLITE_INTEGER ||
		    (cost = sqlite3_value_int64(argv[2])) < 0) {
			sqlite3_result_error(ctx, pwhres_str[PWH_COST], -1);
			return;
		}
	}
	/* The bytes of PW, read as text (a BLOB's bytes are kept). */
	if ((pass = (const char *)sqlite3_value_text(argv[0])) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	n = sqlite3_value_bytes(argv[0]);
	rc = pw_hash_scheme(out, sizeof(out), pass, (size_t)n, scheme,
	    (unsigned long)cost);
	if (rc == PWH_OK)
		sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
	else if ((unsigned)rc < PWH__MAX)
		sqlite3_result_error(ctx, pwhres_str[rc], -1);
	else
		sqlite3_result_error(ctx, pwhres_str[PWH_ERROR], -1);
	explicit_bzero(out, sizeof(out));
}

/*
 * verify_password(PW, HASH): 1 if PW matches HASH as the server would
 * judge it at login, else 0 (a wrong or empty password, a hash the
 * server does not accept or finds too costly: that one is not hashed).  NULL if either is
 * NULL; an error if the library fails.
 */
static void
sqlext_verify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*pass, *hash;
	int		 n;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	pass = (const char *)sqlite3_value_text(argv[0]);
	n = sqlite3_value_bytes(argv[0]);
	if (pass == NULL ||
	    (hash = (const char *)sqlite3_value_text(argv[1])) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	switch (pw_verify(pass, (size_t)n, hash)) {
	case PW_MATCH:
		sqlite3_result_int(ctx, 1);
		break;
	case PW_MISMATCH:
	case PW_UNSUPPORTED:
	case PW_TOOCOSTLY:
		sqlite3_result_int(ctx, 0);
		break;
	default:
		sqlite3_result_error(ctx, "cannot verify the password", -1);
		break;
	}
}

/*
 * The entry point.  Returns SQLITE_OK, or an error code with a
 * message in *errmsg (allocated by sqlite3_mprintf, freed by SQLite).
 */
int
sqlite3_portcullis_init(sqlite3 *db, char **errmsg,
    const sqlite3_api_routines *api)
{
	static const int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
	int		 i, rc;

	SQLITE_EXTENSION_INIT2(api);
	if (sodium_init() < 0) {
		*errmsg = sqlite3_mprintf("portcullis: cannot initialise "
		    "libsodium");
		return SQLITE_ERROR;
	}
	for (i = 1; i <= 3; i++)
		if ((rc = sqlite3_create_function(db, "hash_password", i,
		    flags, NULL, sqlext_hash, NULL, NULL)) != SQLITE_OK)
			return rc;
	return sqlite3_create_function(db, "verify_password", 2, flags,
	    NULL, sqlext_verify, NULL, NULL);
}
