/*
 * Unit tests for passwd.c.  Every hash below is of the password
 * "s3cret", made with the real tools when the test was written:
 *
 *	mkpasswd -m yescrypt s3cret
 *	mkpasswd -m bcrypt s3cret		($2b$, cost 5)
 *	mkpasswd -m bcrypt-a s3cret		($2a$, cost 5)
 *	htpasswd -nbB u s3cret			($2y$, cost 5)
 *	mkpasswd -m sha512crypt s3cret
 *	mkpasswd -m sha256crypt s3cret
 *	echo -n s3cret | argon2 somesalt1234 -id -t 2 -m 12 -e
 *	echo -n s3cret | argon2 somesalt1234 -i -t 2 -m 12 -e
 *	echo -n s3cret | argon2 somesalt1234 -d -t 2 -m 12 -e
 *	htpasswd -nbm u s3cret			($apr1$)
 *	htpasswd -nbs u s3cret			({SHA})
 *	openssl passwd -1 s3cret		($1$)
 *	mkpasswd -m scrypt s3cret		($7$)
 *	mkpasswd -m gost-yescrypt s3cret	($gy$)
 *	mkpasswd -m descrypt s3cret
 *
 * The costly argon2 strings are edited by hand: they must be refused
 * before anything is hashed.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "testlib.h"

#define H_YESCRYPT	"$y$j9T$FtPycA8zmX5MMVQXxVxLn/" \
			"$GjWDFhFbYp0HYNeQNEI1/FKKhaixfqOg9f8LOME0H.0"
#define H_BCRYPT_2B	"$2b$05$F89fvEn6ZHLrCSrlbCG6me" \
			"JViygvL3vuBP8IDjV85WOirAa58AXkK"
#define H_BCRYPT_2A	"$2a$05$zi1V3FDhQji6ioGK7kJZku" \
			"9JUMKN6Rkek0LriqJ4qjuTVzU2iCgSq"
#define H_BCRYPT_2Y	"$2y$05$uJCdDL1KIZzM9DzBXLcLA." \
			"1OpeYEwl8nSd0FjbyfuSxaBBqOVnxzi"
#define H_SHA512	"$6$P5iEQuz32hDEK6FJ" \
			"$o6k6f102Q/GHfaXDV3ku4u7d.hN4m6f19Gs7455OYSEXg4o7" \
			"tbe3TRwXbfNXY17r1AAxlR4dEm8RKAzDQ1ue8/"
#define H_SHA256	"$5$ZEXbwmvkMl1cIEOa" \
			"$yuJ17hHKLp4LAtT2xV6Mt527.SB0XSq1KW.XP1Wq12A"
#define H_ARGON2ID	"$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0" \
			"$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni5uAb28QZXzA"
#define H_ARGON2I	"$argon2i$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0" \
			"$liTbWGPdFsJbl7/lw2kJ8db5h2pUBUnTilGaMPn67xA"
#define H_ARGON2D	"$argon2d$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0" \
			"$PwAWB3nfvxHJxfFFnDmg8WoR84GIXKSmkYdyfjGQREE"
#define H_ARGON2ID_BIGM	"$argon2id$v=19$m=524288,t=2,p=1$c29tZXNhbHQxMjM0" \
			"$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni5uAb28QZXzA"
#define H_ARGON2ID_HUGEM \
			"$argon2id$v=19$m=99999999999999999999,t=2,p=1" \
			"$c29tZXNhbHQxMjM0" \
			"$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni5uAb28QZXzA"
#define H_ARGON2ID_BIGT	"$argon2id$v=19$m=4096,t=65,p=1$c29tZXNhbHQxMjM0" \
			"$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni5uAb28QZXzA"
#define H_ARGON2I_BIGM	"$argon2i$v=19$m=524288,t=2,p=1$c29tZXNhbHQxMjM0" \
			"$liTbWGPdFsJbl7/lw2kJ8db5h2pUBUnTilGaMPn67xA"
#define H_ARGON2ID_NOV	"$argon2id$m=4096,t=2,p=1$c29tZXNhbHQxMjM0" \
			"$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni5uAb28QZXzA"
#define H_ARGON2ID_BADM	"$argon2id$v=19$m=lots,t=2,p=1$c29tZXNhbHQxMjM0" \
			"$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni5uAb28QZXzA"
#define H_ARGON2ID_NOT	"$argon2id$v=19$m=4096,p=1$c29tZXNhbHQxMjM0" \
			"$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni5uAb28QZXzA"
#define H_APR1		"$apr1$zRADQWj5$9Def7mb9Dru9gmwkByV1./"
#define H_SHA1		"{SHA}/vNB+F2HQ559kaLUZbmHHvZrXpg="
#define H_MD5		"$1$G37ywE2E$b2SarRlRLBQbZJiYONWtG."
#define H_SCRYPT	"$7$CU..../....3VFSBfsHfEOdXmSWNRV.Z1" \
			"$PYWZU9P5MGYuszpCkgHbdn6sTvvuKwTcjXsGpg5mqsA"
#define H_GOST		"$gy$j9T$q/1Sw83AzfES64.RkDUgq1" \
			"$4SClZYsR9Td.2QmH6R0u1UisndJVdPZltt0IAdAhTVA"
#define H_DES		"NL0BNsPCgRbw."

/* A string literal and its length (which may include NULs). */
#define P(s)	(s), sizeof(s) - 1

static const struct {
	const char	*hash;
	const char	*pass;
	size_t		 passsz;
	enum pwres	 want;
} cases[] = {
	/* Supported formats: right, wrong, empty, NUL-bearing. */
	{ H_YESCRYPT,		P("s3cret"),		PW_MATCH },
	{ H_YESCRYPT,		P("s3creT"),		PW_MISMATCH },
	{ H_YESCRYPT,		P(""),			PW_MISMATCH },
	{ H_YESCRYPT,		P("s3cret\0x"),		PW_MISMATCH },
	{ H_BCRYPT_2B,		P("s3cret"),		PW_MATCH },
	{ H_BCRYPT_2B,		P("s3cre"),		PW_MISMATCH },
	{ H_BCRYPT_2B,		P(""),			PW_MISMATCH },
	{ H_BCRYPT_2B,		P("s3cret\0"),		PW_MISMATCH },
	{ H_BCRYPT_2A,		P("s3cret"),		PW_MATCH },
	{ H_BCRYPT_2A,		P("s3cret "),		PW_MISMATCH },
	{ H_BCRYPT_2A,		P(""),			PW_MISMATCH },
	{ H_BCRYPT_2Y,		P("s3cret"),		PW_MATCH },
	{ H_BCRYPT_2Y,		P("S3cret"),		PW_MISMATCH },
	{ H_BCRYPT_2Y,		P(""),			PW_MISMATCH },
	{ H_SHA512,		P("s3cret"),		PW_MATCH },
	{ H_SHA512,		P("secret"),		PW_MISMATCH },
	{ H_SHA512,		P(""),			PW_MISMATCH },
	{ H_SHA512,		P("s3cret\0s3cret"),	PW_MISMATCH },
	{ H_SHA256,		P("s3cret"),		PW_MATCH },
	{ H_SHA256,		P("s3cret\n"),		PW_MISMATCH },
	{ H_SHA256,		P(""),			PW_MISMATCH },
	{ H_ARGON2ID,		P("s3cret"),		PW_MATCH },
	{ H_ARGON2ID,		P("s3cre"),		PW_MISMATCH },
	{ H_ARGON2ID,		P(""),			PW_MISMATCH },
	{ H_ARGON2ID,		P("s3cret\0"),		PW_MISMATCH },
	{ H_ARGON2I,		P("s3cret"),		PW_MATCH },
	{ H_ARGON2I,		P("s3cre7"),		PW_MISMATCH },
	{ H_ARGON2I,		P(""),			PW_MISMATCH },
	{ H_ARGON2ID_NOV,	P("s3cre7"),		PW_MISMATCH },

	/* Damaged stored hashes never match. */
	{ H_YESCRYPT "x",	P("s3cret"),		PW_MISMATCH },
	{ H_SHA512 "\n",	P("s3cret"),		PW_MISMATCH },
	{ "$6$P5iEQuz32hDEK6FJ$o6k6f102Q/GHfaXDV3ku4u7d",
				P("s3cret"),		PW_MISMATCH },
	{ "$2b$05$F89fvEn6ZHLrCSrlbCG6meJViygvL3vuBP8IDjV85WOirAa58AXkL",
				P("s3cret"),		PW_MISMATCH },
	{ "$2b$05$",		P("s3cret"),		PW_MISMATCH },
	{ "$y$",		P("s3cret"),		PW_MISMATCH },
	{ "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0"
	  "$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni5uAb28QZXzB",
				P("s3cret"),		PW_MISMATCH },

	/* Argon2 costs over the caps: refused before hashing. */
	{ H_ARGON2ID_BIGM,	P("s3cret"),		PW_TOOCOSTLY },
	{ H_ARGON2ID_BIGM,	P("wrong"),		PW_TOOCOSTLY },
	{ H_ARGON2ID_BIGM,	P(""),			PW_TOOCOSTLY },
	{ H_ARGON2ID_HUGEM,	P("s3cret"),		PW_TOOCOSTLY },
	{ H_ARGON2ID_BIGT,	P("s3cret"),		PW_TOOCOSTLY },
	{ H_ARGON2I_BIGM,	P("s3cret"),		PW_TOOCOSTLY },
	{ H_ARGON2ID_BADM,	P("s3cret"),		PW_UNSUPPORTED },
	{ H_ARGON2ID_NOT,	P("s3cret"),		PW_UNSUPPORTED },
	{ "$argon2id$",		P("s3cret"),		PW_UNSUPPORTED },

	/* Unsupported formats, whatever the password. */
	{ H_APR1,		P("s3cret"),		PW_UNSUPPORTED },
	{ H_APR1,		P("wrong"),		PW_UNSUPPORTED },
	{ H_APR1,		P(""),			PW_UNSUPPORTED },
	{ H_SHA1,		P("s3cret"),		PW_UNSUPPORTED },
	{ H_SHA1,		P("wrong"),		PW_UNSUPPORTED },
	{ H_MD5,		P("s3cret"),		PW_UNSUPPORTED },
	{ H_MD5,		P("wrong"),		PW_UNSUPPORTED },
	{ H_SCRYPT,		P("s3cret"),		PW_UNSUPPORTED },
	{ H_GOST,		P("s3cret"),		PW_UNSUPPORTED },
	{ H_DES,		P("s3cret"),		PW_UNSUPPORTED },
	{ H_ARGON2D,		P("s3cret"),		PW_UNSUPPORTED },
	{ "s3cret",		P("s3cret"),		PW_UNSUPPORTED },
	{ "",			P("s3cret"),		PW_UNSUPPORTED },
	{ "",			P(""),			PW_UNSUPPORTED },
	{ "!" H_YESCRYPT,	P("s3cret"),		PW_UNSUPPORTED },
	{ "*",			P("s3cret"),		PW_UNSUPPORTED },
	{ "$Y$" "j9T$FtPycA8zmX5MMVQXxVxLn/",
				P("s3cret"),		PW_UNSUPPORTED },
	{ NULL,			P("s3cret"),		PW_UNSUPPORTED },
};

START_TEST(test_pw_verify)
{
	ck_assert_str_eq(pwres_str[pw_verify(cases[_i].pass,
	    cases[_i].passsz, cases[_i].hash)], pwres_str[cases[_i].want]);
}
END_TEST

static const struct {
	const char	*hash;
	int		 want;
} supported[] = {
	{ H_YESCRYPT,		1 },
	{ H_BCRYPT_2A,		1 },
	{ H_BCRYPT_2B,		1 },
	{ H_BCRYPT_2Y,		1 },
	{ H_SHA512,		1 },
	{ H_SHA256,		1 },
	{ H_ARGON2ID,		1 },
	{ H_ARGON2I,		1 },
	{ H_ARGON2ID_BIGM,	1 },	/* prefix only: cost is pw_verify's */
	{ H_ARGON2D,		0 },
	{ H_APR1,		0 },
	{ H_SHA1,		0 },
	{ H_MD5,		0 },
	{ H_SCRYPT,		0 },
	{ H_GOST,		0 },
	{ H_DES,		0 },
	{ "$2x$05$abc",		0 },
	{ "$2$05$abc",		0 },
	{ "s3cret",		0 },
	{ "",			0 },
	{ NULL,			0 },
};

START_TEST(test_pw_supported)
{
	ck_assert_int_eq(pw_supported(supported[_i].hash), supported[_i].want);
}
END_TEST

static const struct {
	const char	*pass;
	size_t		 passsz;
} dummies[] = {
	{ P("s3cret") },
	{ P("") },
	{ P("s3cret\0x") },
	{ NULL, 0 },
};

START_TEST(test_pw_verify_dummy)
{
	ck_assert_int_eq(pw_verify_dummy(dummies[_i].pass,
	    dummies[_i].passsz), PW_MISMATCH);
}
END_TEST

/* pw_hash() makes yescrypt strings that pw_verify() accepts. */
START_TEST(test_pw_hash_roundtrip)
{
	char	 h1[PW_HASH_MAX], h2[PW_HASH_MAX];

	ck_assert_int_eq(pw_hash(h1, sizeof(h1), P("s3cret")), 0);
	ck_assert_int_eq(strncmp(h1, "$y$", 3), 0);
	ck_assert_int_eq(pw_supported(h1), 1);
	ck_assert_int_eq(pw_verify(P("s3cret"), h1), PW_MATCH);
	ck_assert_int_eq(pw_verify(P("s3cret "), h1), PW_MISMATCH);
	ck_assert_int_eq(pw_verify(P(""), h1), PW_MISMATCH);

	/* A fresh salt each time. */
	ck_assert_int_eq(pw_hash(h2, sizeof(h2), P("s3cret")), 0);
	ck_assert_str_ne(h1, h2);
	ck_assert_int_eq(pw_verify(P("s3cret"), h2), PW_MATCH);

	/* UTF-8 and ':' survive. */
	ck_assert_int_eq(pw_hash(h1, sizeof(h1),
	    P("p\xc3\xa4ss:w\xc3\xb6rd")), 0);
	ck_assert_int_eq(pw_verify(P("p\xc3\xa4ss:w\xc3\xb6rd"), h1),
	    PW_MATCH);
	ck_assert_int_eq(pw_verify(P("p\xc3\xa4ss:w\xc3\xb6r"), h1),
	    PW_MISMATCH);
}
END_TEST

static const struct {
	const char	*pass;
	size_t		 passsz;
	size_t		 outsz;
} hash_bad[] = {
	{ P(""),		PW_HASH_MAX },
	{ P("s3cret\0x"),	PW_HASH_MAX },
	{ P("\0"),		PW_HASH_MAX },
	{ NULL, 0,		PW_HASH_MAX },
	{ P("s3cret"),		10 },		/* out too small */
	{ P("s3cret"),		1 },
	{ P("s3cret"),		0 },
};

START_TEST(test_pw_hash_bad)
{
	char	 out[PW_HASH_MAX];

	memset(out, 'X', sizeof(out));
	ck_assert_int_eq(pw_hash(out, hash_bad[_i].outsz, hash_bad[_i].pass,
	    hash_bad[_i].passsz), -1);
	if (hash_bad[_i].outsz > 0)
		ck_assert_str_eq(out, "");
	else
		ck_assert_int_eq(out[0], 'X');
}
END_TEST

/* Passwords longer than libxcrypt takes are refused, not truncated. */
START_TEST(test_pw_long)
{
	char	*pass, out[PW_HASH_MAX];
	size_t	 n = CRED_BUF_MAX - 1;

	ck_assert_ptr_nonnull(pass = malloc(n + 1));
	memset(pass, 'a', n);
	pass[n] = '\0';
	ck_assert_int_eq(pw_hash(out, sizeof(out), pass, n), -1);
	ck_assert_int_eq(pw_verify(pass, n, H_YESCRYPT), PW_MISMATCH);
	ck_assert_int_eq(pw_verify(pass, n, H_ARGON2ID), PW_MISMATCH);
	ck_assert_int_eq(pw_verify_dummy(pass, n), PW_MISMATCH);
	free(pass);
}
END_TEST

/*
 * pw_hash_scheme(): each scheme it makes, and each refusal.  want is
 * the result; prefix what a made hash starts with, which pw_verify()
 * must then accept for "s3cret" only.
 */
static const struct {
	const char	*scheme;
	unsigned long	 cost;
	const char	*pass;
	size_t		 passsz;
	enum pwhres	 want;
	const char	*prefix;
} schemes[] = {
	{ "$y$",	0,	P("s3cret"),	PWH_OK,	"$y$j9T$" },
	{ "$y$",	7,	P("s3cret"),	PWH_OK,	"$y$jBT$" },
	{ "$2b$",	0,	P("s3cret"),	PWH_OK,	"$2b$05$" },
	{ "$2b$",	4,	P("s3cret"),	PWH_OK,	"$2b$04$" },
	{ "$6$",	0,	P("s3cret"),	PWH_OK,	"$6$" },
	{ "$6$",	1000,	P("s3cret"),	PWH_OK,	"$6$rounds=1000$" },
	{ "$argon2id$",	0,	P("s3cret"),	PWH_OK,
	    "$argon2id$v=19$m=65536,t=2,p=1$" },
	{ "$2b$",	3,	P("s3cret"),	PWH_COST, NULL },
	{ "$2b$",	32,	P("s3cret"),	PWH_COST, NULL },
	{ "$y$",	12,	P("s3cret"),	PWH_COST, NULL },
	{ "$argon2id$",	2,	P("s3cret"),	PWH_COST, NULL },
	{ "$2y$",	0,	P("s3cret"),	PWH_SCHEME, NULL },
	{ "$apr1$",	0,	P("s3cret"),	PWH_SCHEME, NULL },
	{ "$argon2i$",	0,	P("s3cret"),	PWH_SCHEME, NULL },
	{ "",		0,	P("s3cret"),	PWH_SCHEME, NULL },
	{ NULL,		0,	P("s3cret"),	PWH_SCHEME, NULL },
	{ "$y$",	0,	P(""),		PWH_EMPTY, NULL },
	{ "$argon2id$",	0,	NULL, 0,	PWH_EMPTY, NULL },
	{ "$y$",	0,	P("s3\0cret"),	PWH_NUL, NULL },
	{ "$argon2id$",	0,	P("s3\0cret"),	PWH_NUL, NULL },
};

START_TEST(test_pw_hash_scheme)
{
	char	 out[PW_HASH_MAX];

	memset(out, 'X', sizeof(out));
	ck_assert_int_eq(pw_hash_scheme(out, sizeof(out), schemes[_i].pass,
	    schemes[_i].passsz, schemes[_i].scheme, schemes[_i].cost),
	    schemes[_i].want);
	if (schemes[_i].prefix == NULL) {
		ck_assert_str_eq(out, "");
		return;
	}
	ck_assert_msg(strncmp(out, schemes[_i].prefix,
	    strlen(schemes[_i].prefix)) == 0, "%s", out);
	ck_assert_int_eq(pw_verify(P("s3cret"), out), PW_MATCH);
	ck_assert_int_eq(pw_verify(P("s3cre7"), out), PW_MISMATCH);
}
END_TEST

/* 511 bytes are the most crypt(3) takes, for every scheme alike. */
START_TEST(test_pw_hash_scheme_long)
{
	char	 pass[CRED_BUF_MAX], out[PW_HASH_MAX];

	memset(pass, 'a', sizeof(pass));
	pass[512] = '\0';
	ck_assert_int_eq(pw_hash_scheme(out, sizeof(out), pass, 512,
	    "$argon2id$", 0), PWH_LONG);
	ck_assert_int_eq(pw_hash_scheme(out, sizeof(out), pass, 512,
	    "$2b$", 4), PWH_LONG);
	pass[511] = '\0';
	ck_assert_int_eq(pw_hash_scheme(out, sizeof(out), pass, 511,
	    "$y$", 0), PWH_OK);
	ck_assert_int_eq(pw_hash_scheme(out, 20, pass, 6, "$argon2id$", 0),
	    PWH_ERROR);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(pwhres_str[PWH_SCHEME], "unsupported scheme");
}
END_TEST

static const struct {
	enum pwres	 res;
	const char	*str;
} strs[] = {
	{ PW_MATCH,		"match" },
	{ PW_MISMATCH,		"mismatch" },
	{ PW_UNSUPPORTED,	"unsupported-hash" },
	{ PW_TOOCOSTLY,		"costly-hash" },
	{ PW_ERROR,		"error" },
};

START_TEST(test_pwres_str)
{
	ck_assert_uint_eq(nitems(strs), PW__MAX);
	ck_assert_str_eq(pwres_str[strs[_i].res], strs[_i].str);
}
END_TEST

/* Runs once in the parent, so forked tests share the dummy hash. */
static void
setup(void)
{
	if (pw_init() == -1)
		abort();
	if (pw_init() == -1)		/* idempotent */
		abort();
}

static Suite *
passwd_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("passwd");

	tc = tcase_create("verify");
	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_pw_verify, 0, nitems(cases));
	tcase_add_loop_test(tc, test_pw_supported, 0, nitems(supported));
	tcase_add_loop_test(tc, test_pw_verify_dummy, 0, nitems(dummies));
	tcase_add_loop_test(tc, test_pwres_str, 0, nitems(strs));
	suite_add_tcase(s, tc);

	tc = tcase_create("hash");
	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pw_hash_roundtrip);
	tcase_add_loop_test(tc, test_pw_hash_bad, 0, nitems(hash_bad));
	tcase_add_test(tc, test_pw_long);
	tcase_add_loop_test(tc, test_pw_hash_scheme, 0, nitems(schemes));
	tcase_add_test(tc, test_pw_hash_scheme_long);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(passwd_suite());
}
