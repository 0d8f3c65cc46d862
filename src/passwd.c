/*
 * Password hashes: verification of crypt(3) strings through libxcrypt
 * and of argon2 strings through libsodium, creation of new yescrypt
 * hashes, and a dummy hash that gives unknown users the same cost.
 * Nothing here knows about HTTP.
 */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

#define PW_NEW_PREFIX	"$y$"	/* yescrypt, libxcrypt's default */
#define PW_YESCRYPT_HASH_LEN 43	/* its 32 bytes in crypt's base64 */

enum pwkind {
	PWK_BCRYPT,		/* libxcrypt crypt_r() ... */
	PWK_YESCRYPT,
	PWK_SHACRYPT,
	PWK_ARGON2,		/* libsodium crypto_pwhash_str_verify() */
};

/*
 * The hash formats pw_verify() accepts, by prefix.  Left out on
 * purpose: $apr1$ and {SHA} (crypt_r cannot verify them), $1$ and DES
 * (broken), $7$ and $gy$ (not offered by our tools; their costs are
 * not read here), $argon2d$ (libsodium cannot verify it).
 */
static const struct {
	const char	*prefix;
	enum pwkind	 kind;
} pwformats[] = {
	{ "$2a$",	PWK_BCRYPT },
	{ "$2b$",	PWK_BCRYPT },
	{ "$2y$",	PWK_BCRYPT },
	{ "$y$",	PWK_YESCRYPT },
	{ "$6$",	PWK_SHACRYPT },	/* sha512crypt */
	{ "$5$",	PWK_SHACRYPT },	/* sha256crypt */
	{ "$argon2id$",	PWK_ARGON2 },
	{ "$argon2i$",	PWK_ARGON2 },
};

static int		 pw_ready;
static char		 pw_dummy[CRYPT_OUTPUT_SIZE];
static unsigned long	 pw_nhashes;

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
 * Read decimal digits at *pp, saturating at UINT32_MAX + 1, and move
 * *pp past them.  Returns 0, or -1 if there is no digit.
 */
static int
pw_num(const char **pp, unsigned long long *v)
{
	const char	*p = *pp;

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

/* Read "key" and the digits after it as pw_num() does. */
static int
pw_keynum(const char **pp, const char *key, unsigned long long *v)
{
	const char	*p;
	size_t		 keysz = strlen(key);

	if (strncmp(*pp, key, keysz) != 0)
		return -1;
	p = *pp + keysz;
	if (pw_num(&p, v) == -1)
		return -1;
	*pp = p;
	return 0;
}

/*
 * Write why a cost is refused into why (whysz bytes, may be NULL).
 * Returns PW_TOOCOSTLY.
 */
static enum pwres	pw_toocostly(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static enum pwres
pw_toocostly(char *why, size_t whysz, const char *fmt, ...)
{
	va_list	 ap;

	if (why != NULL && whysz > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(why, whysz, fmt, ap);
		va_end(ap);
	}
	return PW_TOOCOSTLY;
}

/*
 * bcrypt, "$2b$NN$...": NN at most PW_BCRYPT_MAX_COST.  Anything but
 * two digits is left to crypt_r(), which refuses it without work.
 */
static enum pwres
pw_bcrypt_cost(const char *params, char *why, size_t whysz)
{
	unsigned long long	 cost;

	if (params[0] < '0' || params[0] > '9' ||
	    params[1] < '0' || params[1] > '9')
		return PW_MATCH;
	cost = (unsigned long long)(params[0] - '0') * 10 +
	    (unsigned long long)(params[1] - '0');
	if (cost > PW_BCRYPT_MAX_COST)
		return pw_toocostly(why, whysz, "bcrypt cost %llu is over "
		    "%d", cost, PW_BCRYPT_MAX_COST);
	return PW_MATCH;
}

/*
 * sha-crypt, "$6$[rounds=N$]salt$hash": N (5000 if absent) at most
 * PW_SHACRYPT_MAX_ROUNDS.  libxcrypt reads N with strtoul() only
 * after a digit 1-9 and refuses the hash otherwise, so digits are all
 * there is to read.
 */
static enum pwres
pw_shacrypt_cost(const char *params, char *why, size_t whysz)
{
	unsigned long long	 rounds;

	if (pw_keynum(&params, "rounds=", &rounds) == -1)
		return PW_MATCH;
	if (rounds > PW_SHACRYPT_MAX_ROUNDS)
		return pw_toocostly(why, whysz, "sha-crypt rounds=%llu is "
		    "over %d", rounds, PW_SHACRYPT_MAX_ROUNDS);
	return PW_MATCH;
}

/*
 * One variable-length number of yescrypt's parameter encoding
 * (libxcrypt's decode64_uint32(), alg-yescrypt-common.c): the first
 * character's value in "./0-9A-Za-z" picks how many characters follow,
 * 0-47 none.  min is added.  Returns 0, or -1 if unreadable (then
 * crypt_r() refuses the hash too).
 */
static int
pw_yes_num(const char **pp, unsigned long long min, unsigned long long *v)
{
	static const char	 a64[] = "./0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const char		*p = *pp, *q;
	unsigned long long	 start = 0, end = 47, bits = 0, c;
	size_t			 chars = 1;

	if (*p == '\0' || (q = strchr(a64, *p++)) == NULL)
		return -1;
	c = (unsigned long long)(q - a64);
	*v = min;
	while (c > end) {
		*v += (end + 1 - start) << bits;
		start = end + 1;
		end = start + (62 - end) / 2;
		chars++;
		bits += 6;
	}
	*v += (c - start) << bits;
	while (--chars > 0) {
		if (*p == '\0' || (q = strchr(a64, *p++)) == NULL)
			return -1;
		bits -= 6;
		*v += (unsigned long long)(q - a64) << bits;
	}
	*pp = p;
	return 0;
}

/*
 * yescrypt, "$y$" flavor N_log2 r [have [p] [t] [g] [NROM]] "$salt$hash":
 * 128 * N * r * p * (t + 1) bytes, the memory of one pass times the
 * passes (bounding time and memory alike), at most PW_YESCRYPT_MAX_KIB
 * KiB.  crypt_gensalt() makes flavor, N and r only ("j9T": N = 2^12,
 * r = 32, 16 MiB).  Upgrades (g) and ROMs (NROM) are not ours to
 * verify: PW_UNSUPPORTED, as is an unreadable encoding.
 */
static enum pwres
pw_yescrypt_cost(const char *params, char *why, size_t whysz)
{
	unsigned long long	 flavor, nlog2, r, have = 0, p = 1, t = 0;
	unsigned long long	 cap, need;

	if (pw_yes_num(&params, 0, &flavor) == -1 ||
	    pw_yes_num(&params, 1, &nlog2) == -1 ||
	    pw_yes_num(&params, 1, &r) == -1)
		return PW_UNSUPPORTED;
	if (*params != '$' && pw_yes_num(&params, 1, &have) == -1)
		return PW_UNSUPPORTED;
	if (have & ~3ULL)
		return PW_UNSUPPORTED;
	if (((have & 1) && pw_yes_num(&params, 2, &p) == -1) ||
	    ((have & 2) && pw_yes_num(&params, 1, &t) == -1) ||
	    *params != '$')
		return PW_UNSUPPORTED;
	/* In bytes, checked by division before each product. */
	cap = (unsigned long long)PW_YESCRYPT_MAX_KIB * 1024;
	if (nlog2 > 32)
		goto costly;
	need = 128ULL << nlog2;
	if (need > cap || r > cap / need)
		goto costly;
	need *= r;
	if (p > cap / need)
		goto costly;
	need *= p;
	if (t >= cap / need)
		goto costly;
	return PW_MATCH;
costly:
	return pw_toocostly(why, whysz, "yescrypt needs over %d KiB "
	    "(N=2^%llu, r=%llu, p=%llu, t=%llu)", PW_YESCRYPT_MAX_KIB,
	    nlog2, r, p, t);
}

/*
 * argon2, "$argon2id$" [v=NN$] m=KiB,t=passes,p=lanes "$salt$hash":
 * m at most PW_ARGON2_MAX_KIB, m * t at most PW_ARGON2_MAX_WORK_KIB,
 * t at most PW_ARGON2_MAX_T, p at most PW_ARGON2_MAX_P.  Parameters
 * that cannot be read: PW_UNSUPPORTED.
 */
static enum pwres
pw_argon2_cost(const char *params, char *why, size_t whysz)
{
	const char		*p = params;
	unsigned long long	 v, m, t, lanes;

	if (pw_keynum(&p, "v=", &v) == 0 && *p++ != '$')
		return PW_UNSUPPORTED;
	if (pw_keynum(&p, "m=", &m) == -1 ||
	    pw_keynum(&p, ",t=", &t) == -1 ||
	    pw_keynum(&p, ",p=", &lanes) == -1 || *p != '$')
		return PW_UNSUPPORTED;
	if (m > PW_ARGON2_MAX_KIB)
		return pw_toocostly(why, whysz, "argon2 m=%llu KiB is over "
		    "%d", m, PW_ARGON2_MAX_KIB);
	if (t > PW_ARGON2_MAX_T)
		return pw_toocostly(why, whysz, "argon2 t=%llu is over %d",
		    t, PW_ARGON2_MAX_T);
	if (m * t > PW_ARGON2_MAX_WORK_KIB)
		return pw_toocostly(why, whysz, "argon2 m*t=%llu KiB is over "
		    "%d", m * t, PW_ARGON2_MAX_WORK_KIB);
	if (lanes > PW_ARGON2_MAX_P)
		return pw_toocostly(why, whysz, "argon2 p=%llu is over %d",
		    lanes, PW_ARGON2_MAX_P);
	return PW_MATCH;
}

/*
 * Whether pw_verify() would hash against hash: a format it accepts,
 * with a cost within the caps (extern.h, "passwd.c"), read from the
 * string alone.  If not, why (whysz bytes; may be NULL) says which
 * cap, e.g. "bcrypt cost 14 is over 12".
 * Returns PW_MATCH if hash is usable; PW_TOOCOSTLY over a cap;
 * PW_UNSUPPORTED for a format not in pwformats or parameters that
 * cannot be read (argon2, yescrypt).  A malformed hash within the
 * caps is PW_MATCH here: crypt_r() refuses it without work.
 */
enum pwres
pw_cost(const char *hash, char *why, size_t whysz)
{
	const char	*params;
	int		 f;

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if ((f = pw_format(hash)) == -1)
		return PW_UNSUPPORTED;
	params = hash + strlen(pwformats[f].prefix);
	switch (pwformats[f].kind) {
	case PWK_BCRYPT:
		return pw_bcrypt_cost(params, why, whysz);
	case PWK_SHACRYPT:
		return pw_shacrypt_cost(params, why, whysz);
	case PWK_YESCRYPT:
		return pw_yescrypt_cost(params, why, whysz);
	default:
		return pw_argon2_cost(params, why, whysz);
	}
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
	pw_nhashes++;
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
	pw_nhashes++;
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
 * format not in pwformats or unreadable parameters; PW_TOOCOSTLY for
 * a cost over the caps (pw_cost(): nothing is hashed); PW_ERROR if a
 * library failed.
 */
enum pwres
pw_verify(const char *pass, size_t passsz, const char *hash)
{
	enum pwres	 res;
	int		 bad;

	if ((res = pw_cost(hash, NULL, 0)) != PW_MATCH)
		return res;

	if (pass == NULL) {
		pass = "";
		passsz = 0;
	}
	bad = passsz == 0 || memchr(pass, '\0', passsz) != NULL;

	if (pwformats[pw_format(hash)].kind == PWK_ARGON2)
		res = pw_verify_argon2(pass, passsz, hash);
	else
		res = pw_verify_crypt(pass, hash);
	if (bad && res == PW_MATCH)
		res = PW_MISMATCH;
	return res;
}

/*
 * Initialise libsodium.  Nothing is hashed here: a CGI run that
 * answers 400 or serves a public file pays for no hash (the dummy
 * hash is made when first needed, by pw_verify_dummy()).  Idempotent.
 * Returns 0, or -1 if the library failed.
 */
int
pw_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

/*
 * The dummy hash, made on first use: a yescrypt setting at the
 * default cost (what pw_hash() makes) with a fresh random salt, and a
 * hash part of the right length (43 characters for yescrypt's 32
 * bytes) that no password gives.  crypt_r() reads only the setting,
 * so making it costs no hash and verifying against it costs exactly
 * one default yescrypt hash, like a real user's.  Returns 0, or -1.
 */
static int
pw_dummy_init(void)
{
	char	 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	size_t	 len;

	if (pw_ready)
		return 0;
	if (crypt_gensalt_rn(PW_NEW_PREFIX, 0, NULL, 0, salt,
	    sizeof(salt)) == NULL)
		return -1;
	len = strlen(salt);
	if (len + 1 + PW_YESCRYPT_HASH_LEN >= sizeof(pw_dummy))
		return -1;
	memcpy(pw_dummy, salt, len);
	pw_dummy[len] = '$';
	memset(pw_dummy + len + 1, '.', PW_YESCRYPT_HASH_LEN);
	pw_dummy[len + 1 + PW_YESCRYPT_HASH_LEN] = '\0';
	pw_ready = 1;
	return 0;
}

/*
 * Spend the cost of a default yescrypt verification for a user that
 * does not exist, so response timing does not tell unknown users from
 * wrong passwords.  Always returns PW_MISMATCH.
 */
enum pwres
pw_verify_dummy(const char *pass, size_t passsz)
{
	if (pw_init() == 0 && pw_dummy_init() == 0)
		(void)pw_verify(pass, passsz, pw_dummy);
	return PW_MISMATCH;
}

/*
 * How many hashes this process has computed (verified or made), for
 * tests: pw_init() makes none, a refused cost none, a dummy check one.
 */
unsigned long
pw_hashes(void)
{
	return pw_nhashes;
}

const char *const pwhres_str[PWH__MAX] = {
	[PWH_OK] = "ok",
	[PWH_SCHEME] = "unsupported scheme",
	[PWH_COST] = "unsupported cost for this scheme",
	[PWH_TOOCOSTLY] = "cost over the cap the server verifies "
	    "(see portcullis(5))",
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
	pw_nhashes++;
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
 * sha512crypt's rounds; argon2id takes none).  No cost over the caps
 * that pw_verify() applies is made, so every hash made here verifies.
 * Returns PWH_OK; PWH_SCHEME for another scheme (NULL included);
 * PWH_COST for a cost the scheme refuses; PWH_TOOCOSTLY for one over
 * the caps (pw_cost(): bcrypt above 12, yescrypt above 7, sha512crypt
 * above 100000 rounds); PWH_EMPTY, PWH_NUL or PWH_LONG (over
 * CRYPT_MAX_PASSPHRASE_SIZE - 1 bytes, which crypt_r refuses, for
 * every scheme alike) for a password that cannot be hashed; PWH_ERROR if out is too small or a library failed.  On
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
	if (pw_cost(salt, NULL, 0) != PW_MATCH) {
		ret = PWH_TOOCOSTLY;
		goto out;
	}
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		goto out;
	pw_nhashes++;
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
 * Whether hash has a prefix pw_verify() accepts: 1 or 0.  Costs are
 * not checked here (pw_cost() does): pw_verify() may still answer
 * PW_TOOCOSTLY or PW_UNSUPPORTED.
 */
int
pw_supported(const char *hash)
{
	return pw_format(hash) != -1;
}
