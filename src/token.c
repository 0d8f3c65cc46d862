/*
 * token.c: API tokens and app passwords (issue 12): their form, how a
 * new one is made, and how a presented one is checked against the
 * stored hash.  No database here: the caller looks the id up and
 * passes the stored hash (or NULL for an unknown id).
 *
 * A token is "pct_" + 16 lowercase hex digits (the id: 64 random bits,
 * public, the lookup key) + "_" + 64 lowercase hex digits (the secret:
 * 256 random bits), 85 bytes in all, accepted as a Bearer token and
 * as the password of Basic.  The database keeps only the SHA-256 of
 * the whole token, as 64 lowercase hex digits: the secret is random,
 * so a fast hash is right (no dictionary to slow down), and hashing
 * the id with it binds the two.  Comparison is constant-time, and an
 * unknown id is compared against a hash no token has, so that it costs
 * what a known one costs.
 */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "extern.h"

#define TOKEN_PREFIX	"pct_"
#define TOKEN_PRELEN	(sizeof(TOKEN_PREFIX) - 1)

static const char hexdig[] = "0123456789abcdef";

/* Write n bytes of p as 2n lowercase hex digits and a NUL into out. */
static void
hex(char *out, const unsigned char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdig[p[i] >> 4];
		out[2 * i + 1] = hexdig[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/* Whether s[0..n) is all lowercase hex digits. */
static int
is_hex(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return 1;
}

/*
 * Whether s[0..n) has a token's form; if so, and id is not NULL, its
 * id into id (TOKEN_IDLEN + 1 bytes).  Return 0 if it has, else -1.
 * A password that merely starts with "pct_" is not a token unless the
 * whole form matches.
 */
int
token_id(const char *s, size_t n, char *id)
{
	if (s == NULL || n != TOKEN_LEN ||
	    memcmp(s, TOKEN_PREFIX, TOKEN_PRELEN) != 0 ||
	    !is_hex(s + TOKEN_PRELEN, TOKEN_IDLEN) ||
	    s[TOKEN_PRELEN + TOKEN_IDLEN] != '_' ||
	    !is_hex(s + TOKEN_PRELEN + TOKEN_IDLEN + 1, TOKEN_SECRETLEN))
		return -1;
	if (id != NULL) {
		memcpy(id, s + TOKEN_PRELEN, TOKEN_IDLEN);
		id[TOKEN_IDLEN] = '\0';
	}
	return 0;
}

/* The hash the database keeps for s[0..n), into out (TOKEN_HASHLEN + 1). */
void
token_hash(char *out, const char *s, size_t n)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, n);
	hex(out, h, sizeof(h));
	sodium_memzero(h, sizeof(h));
}

/*
 * Make a new token into tok (TOKEN_LEN + 1 bytes), its id into id
 * (TOKEN_IDLEN + 1) and its hash into hash (TOKEN_HASHLEN + 1).  The
 * caller shows tok once and wipes it.  Return 0, or -1 if libsodium
 * cannot start (no randomness).
 */
int
token_new(char *tok, char *id, char *hash)
{
	unsigned char	 r[TOKEN_IDLEN / 2 + TOKEN_SECRETLEN / 2];

	if (sodium_init() < 0)
		return -1;
	randombytes_buf(r, sizeof(r));
	memcpy(tok, TOKEN_PREFIX, TOKEN_PRELEN);
	hex(tok + TOKEN_PRELEN, r, TOKEN_IDLEN / 2);
	tok[TOKEN_PRELEN + TOKEN_IDLEN] = '_';
	hex(tok + TOKEN_PRELEN + TOKEN_IDLEN + 1, r + TOKEN_IDLEN / 2,
	    TOKEN_SECRETLEN / 2);
	sodium_memzero(r, sizeof(r));
	memcpy(id, tok + TOKEN_PRELEN, TOKEN_IDLEN);
	id[TOKEN_IDLEN] = '\0';
	token_hash(hash, tok, TOKEN_LEN);
	return 0;
}

/*
 * Whether the presented token s[0..n) matches the stored hash (NULL
 * for an unknown id, or a stored value that is not 64 lowercase hex
 * digits: both fail, after the same work as a comparison).  Return 1
 * on a match, else 0.
 */
int
token_check(const char *s, size_t n, const char *stored)
{
	/* No token hashes to this: SHA-256 has no known preimage. */
	static const char	 none[TOKEN_HASHLEN + 1] =
	    "0000000000000000000000000000000000000000000000000000000000000000";
	char			 got[TOKEN_HASHLEN + 1];
	const char		*want = none;
	int			 known = 0, same;

	if (stored != NULL && strlen(stored) == TOKEN_HASHLEN &&
	    is_hex(stored, TOKEN_HASHLEN)) {
		want = stored;
		known = 1;
	}
	token_hash(got, s != NULL ? s : "", s != NULL ? n : 0);
	same = sodium_memcmp(got, want, TOKEN_HASHLEN) == 0;
	sodium_memzero(got, sizeof(got));
	return known && same;
}
