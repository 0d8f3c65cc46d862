/*
 * Password hashes: verification of crypt(3) strings through libxcrypt
 * and of argon2 strings through libsodium, creation of new yescrypt
 * hashes, and a dummy hash that gives unknown users the same cost.
 * Nothing here knows about HTTP.
 */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "extern.h"

const char *const pwres_str[PW__MAX] = {
	[PW_MATCH] = "match",
	[PW_MISMATCH] = "mismatch",
	[PW_UNSUPPORTED] = "unsupported-hash",
	[PW_TOOCOSTLY] = "costly-hash",
	[PW_ERROR] = "error",
};

#define PW_ARGON2_MAX_T	64	/* argon2 passes (t=) */
#define PW_NEW_PREFIX	"$y$"	/* yescrypt, libxcrypt's default */

enum pwkind {
	PWK_CRYPT,		/* libxcrypt crypt_r() */
	PWK_ARGON2,		/* libsodium crypto_pwhash_str_verify() */
};

/*
 * The hash formats pw_verify() accepts, by prefix.  Left out on
 * purpose: $apr1$ and {SHA} (crypt_r cannot verify them), $1$ and DES
 * (broken), $7$ and $gy$ (not offered by our tools; scrypt's memory is
 * not capped here), $argon2d$ (libsodium cannot verify it).
 */
static const struct {
	const char	*prefix;
	enum pwkind	 kind;
} pwformats[] = {
	{ "$2a$",	PWK_CRYPT },	/* bcrypt */
	{ "$2b$",	PWK_CRYPT },
	{ "$2y$",	PWK_CRYPT },
	{ "$y$",	PWK_CRYPT },	/* yescrypt */
	{ "$6$",	PWK_CRYPT },	/* sha512crypt */
	{ "$5$",	PWK_CRYPT },	/* sha256crypt */
	{ "$argon2id$",	PWK_ARGON2 },
	{ "$argon2i$",	PWK_ARGON2 },
};

static int	pw_ready;
static char	pw_dummy[CRYPT_OUTPUT_SIZE];

/*
 * The format of hash: its index in pwformats, or -1 if unsupported.
 */
static int
pw_format(const char *hash)
{
	size_t	 i;

	if (hash == NULL)
		return -1;
	for (i = 0; i < nitems(pwformats); i++)
		if (strncmp(hash, pwformats[i].prefix,
		    strlen(pwformats[i].prefix)) == 0)
			return (int)i;
	return -1;
}

/*
 * Read "key" followed by decimal digits at *pp, saturating at
 * UINT32_MAX + 1, and move *pp past them.  Returns 0, or -1 if the key
 * or the digits are missing.
 */
static int
pw_argon2_num(const char **pp, const char *key, unsigned long long *v)
{
	const char	*p = *pp;
	size_t		 keysz = strlen(key);

	if (strncmp(p, key, keysz) != 0)
		return -1;
	p += keysz;
	if (*p < '0' || *p > '9')
		return -1;
	for (*v = 0; *p >= '0' && *p <= '9'; p++) {
		*v = *v * 10 + (unsigned long long)(*p - '0');
		if (*v > UINT32_MAX)
			*v = (unsigned long long)UINT32_MAX + 1;
	}
	*pp = p;
	return 0;
}

/*
 * Check the cost stored in an argon2 hash string after its "$argon2*$"
 * prefix, before anything allocates it:
 *
 *	[v=NN$]m=KiB,t=passes,p=lanes$salt$hash
 *
 * Returns PW_MATCH if the cost is acceptable (m at most
 * PW_ARGON2_MAX_KIB, t at most PW_ARGON2_MAX_T), PW_TOOCOSTLY if not,
 * PW_UNSUPPORTED if the parameters cannot be read.
 */
static enum pwres
pw_argon2_cost(const char *params)
{
	const char		*p = params;
	unsigned long long	 v, m, t, lanes;

	if (pw_argon2_num(&p, "v=", &v) == 0 && *p++ != '$')
		return PW_UNSUPPORTED;
	if (pw_argon2_num(&p, "m=", &m) == -1 ||
	    pw_argon2_num(&p, ",t=", &t) == -1 ||
	    pw_argon2_num(&p, ",p=", &lanes) == -1 || *p != '$')
		return PW_UNSUPPORTED;
	if (m > PW_ARGON2_MAX_KIB || t > PW_ARGON2_MAX_T)
		return PW_TOOCOSTLY;
	return PW_MATCH;
}

/*
 * Run crypt_r() on pass with hash as setting and compare the result
 * with hash in constant time (the lengths first: they are public from
 * the format).  A failure token ('*...') or NULL means hash is not a
 * valid hash or pass is too long (over CRYPT_MAX_PASSPHRASE_SIZE):
 * PW_MISMATCH, unless memory ran out.
 */
static enum pwres
pw_verify_crypt(const char *pass, const char *hash)
{
	struct crypt_data	*cd;
	const char		*out;
	size_t			 len;
	enum pwres		 res = PW_ERROR;

	/* 32 KiB: off the stack, zeroed before first use (crypt(3)). */
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return PW_ERROR;
	errno = 0;
	out = crypt_r(pass, hash, cd);
	if (out == NULL || out[0] == '*') {
		if (errno != ENOMEM)
			res = PW_MISMATCH;
		goto out;
	}
	len = strlen(hash);
	if (strlen(out) == len && timingsafe_bcmp(out, hash, len) == 0)
		res = PW_MATCH;
	else
		res = PW_MISMATCH;
out:
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return res;
}

/*
 * Verify with libsodium, which takes the length, so a NUL in pass
 * reaches the hash.  libsodium returns -1 for a mismatch, a malformed
 * string and a failed allocation alike; errno tells the last.
 */
static enum pwres
pw_verify_argon2(const char *pass, size_t passsz, const char *hash)
{
	if (sodium_init() < 0)
		return PW_ERROR;
	errno = 0;
	if (crypto_pwhash_str_verify(hash, pass, passsz) == 0)
		return PW_MATCH;
	return errno == ENOMEM ? PW_ERROR : PW_MISMATCH;
}

/*
 * Check pass (passsz bytes, NUL-terminated at passsz) against the
 * stored hash, a NUL-terminated string.
 * Returns PW_MATCH; PW_MISMATCH for a wrong password, an empty one or
 * one containing NUL (the latter two after the same work as a real
 * check, so timing does not tell them apart); PW_UNSUPPORTED for a
 * format not in pwformats or unreadable argon2 parameters;
 * PW_TOOCOSTLY for argon2 parameters over the caps (nothing hashed);
 * PW_ERROR if a library failed.
 */
enum pwres
pw_verify(const char *pass, size_t passsz, const char *hash)
{
	enum pwres	 res;
	int		 f, bad;

	if ((f = pw_format(hash)) == -1)
		return PW_UNSUPPORTED;
	if (pwformats[f].kind == PWK_ARGON2 &&
	    (res = pw_argon2_cost(hash + strlen(pwformats[f].prefix))) !=
	    PW_MATCH)
		return res;

	if (pass == NULL) {
		pass = "";
		passsz = 0;
	}
	bad = passsz == 0 || memchr(pass, '\0', passsz) != NULL;

	if (pwformats[f].kind == PWK_ARGON2)
		res = pw_verify_argon2(pass, passsz, hash);
	else
		res = pw_verify_crypt(pass, hash);
	if (bad && res == PW_MATCH)
		res = PW_MISMATCH;
	return res;
}

/*
 * Initialise libsodium and make the process-wide dummy hash: yescrypt
 * at the default cost of a random password nobody knows.  Idempotent.
 * Returns 0, or -1 if a library failed.
 */
int
pw_init(void)
{
	struct crypt_data	*cd = NULL;
	unsigned char		 raw[32];
	char			 pw[sizeof(raw) * 2 + 1];
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*out;
	int			 ret = -1;

	if (sodium_init() < 0)
		return -1;
	if (pw_ready)
		return 0;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
	if (crypt_gensalt_rn(PW_NEW_PREFIX, 0, NULL, 0, salt,
	    sizeof(salt)) == NULL)
		goto out;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		goto out;
	out = crypt_r(pw, salt, cd);
	if (out == NULL || out[0] == '*' || strlen(out) >= sizeof(pw_dummy))
		goto out;
	memcpy(pw_dummy, out, strlen(out) + 1);
	pw_ready = 1;
	ret = 0;
out:
	if (cd != NULL) {
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
	}
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(raw, sizeof(raw));
	return ret;
}

/*
 * Spend the cost of a yescrypt verification for a user that does not
 * exist, so response timing does not tell unknown users from wrong
 * passwords.  Always returns PW_MISMATCH.
 */
enum pwres
pw_verify_dummy(const char *pass, size_t passsz)
{
	if (pw_init() == 0)
		(void)pw_verify(pass, passsz, pw_dummy);
	return PW_MISMATCH;
}

const char *const pwhres_str[PWH__MAX] = {
	[PWH_OK] = "ok",
	[PWH_SCHEME] = "unsupported scheme",
	[PWH_COST] = "unsupported cost for this scheme",
	[PWH_EMPTY] = "empty password",
	[PWH_NUL] = "password contains a NUL byte",
	[PWH_LONG] = "password too long",
	[PWH_ERROR] = "cannot hash the password",
};

/*
 * The schemes pw_hash_scheme() makes, a subset of pwformats: one of
 * each family, the current variant.
 */
static const char *const pwschemes[] = {
	"$y$",		/* yescrypt */
	"$2b$",		/* bcrypt */
	"$6$",		/* sha512crypt */
	"$argon2id$",	/* libsodium */
};

/*
 * Argon2id through libsodium at its INTERACTIVE limits (t=2, 64 MiB),
 * below the caps pw_verify() applies.
 */
static enum pwhres
pw_hash_argon2(char *out, size_t outsz, const char *pass, size_t passsz)
{
	char	 h[crypto_pwhash_STRBYTES];
	size_t	 len;

	if (sodium_init() < 0)
		return PWH_ERROR;
	if (crypto_pwhash_str(h, pass, passsz,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return PWH_ERROR;
	if ((len = strlen(h)) >= outsz)
		return PWH_ERROR;
	memcpy(out, h, len + 1);
	return PWH_OK;
}

/*
 * Hash pass (passsz bytes, NUL-terminated at passsz) into out (outsz
 * bytes) as a new string of scheme, one of pwschemes, at cost (0: the
 * library's default; bcrypt's log2 rounds 4-31, yescrypt's 1-11,
 * sha512crypt's rounds; argon2id takes none).
 * Returns PWH_OK; PWH_SCHEME for another scheme (NULL included);
 * PWH_COST for a cost the scheme refuses; PWH_EMPTY, PWH_NUL or
 * PWH_LONG (over CRYPT_MAX_PASSPHRASE_SIZE - 1 bytes, which crypt_r
 * refuses, for every scheme alike) for a password that cannot be
 * hashed; PWH_ERROR if out is too small or a library failed.  On
 * failure out is "".
 */
enum pwhres
pw_hash_scheme(char *out, size_t outsz, const char *pass, size_t passsz,
    const char *scheme, unsigned long cost)
{
	struct crypt_data	*cd = NULL;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*h;
	size_t			 i, len;
	enum pwhres		 ret = PWH_ERROR;

	if (outsz > 0)
		out[0] = '\0';
	for (i = 0; i < nitems(pwschemes); i++)
		if (scheme != NULL && strcmp(scheme, pwschemes[i]) == 0)
			break;
	if (i == nitems(pwschemes))
		return PWH_SCHEME;
	if (pass == NULL || passsz == 0)
		return PWH_EMPTY;
	if (memchr(pass, '\0', passsz) != NULL)
		return PWH_NUL;
	if (passsz >= CRYPT_MAX_PASSPHRASE_SIZE)
		return PWH_LONG;
	if (strcmp(scheme, "$argon2id$") == 0)
		return cost == 0 ? pw_hash_argon2(out, outsz, pass, passsz) :
		    PWH_COST;

	errno = 0;
	if (crypt_gensalt_rn(scheme, cost, NULL, 0, salt,
	    sizeof(salt)) == NULL) {
		if (cost != 0 && errno != ENOMEM)
			ret = PWH_COST;
		goto out;
	}
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		goto out;
	h = crypt_r(pass, salt, cd);
	if (h == NULL || h[0] == '*' || (len = strlen(h)) >= outsz)
		goto out;
	memcpy(out, h, len + 1);
	ret = PWH_OK;
out:
	if (cd != NULL) {
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
	}
	return ret;
}

/*
 * Hash pass (passsz bytes, NUL-terminated at passsz) as a new yescrypt
 * string at libxcrypt's default cost into out (outsz bytes).
 * Returns 0, or -1 if pass is empty, contains NUL or is too long for
 * crypt_r, out is too small, or a library failed; then out is "".
 */
int
pw_hash(char *out, size_t outsz, const char *pass, size_t passsz)
{
	return pw_hash_scheme(out, outsz, pass, passsz, PW_NEW_PREFIX,
	    0) == PWH_OK ? 0 : -1;
}

/*
 * Whether hash has a prefix pw_verify() accepts: 1 or 0.  Argon2 costs
 * are not checked here; pw_verify() may still answer PW_TOOCOSTLY.
 */
int
pw_supported(const char *hash)
{
	return pw_format(hash) != -1;
}
