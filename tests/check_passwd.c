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
 *	mkpasswd -m yescrypt -R 7 s3cret	(64 MiB, the cap)
 *	mkpasswd -m bcrypt -R 12 s3cret		(the cap)
 *	mkpasswd -m sha512crypt -R 100000 s3cret	(the cap)
 *	mkpasswd -m sha256crypt -R 100000 s3cret
 *	crypto_pwhash_str(out, "s3cret", 6, 12, 64 << 20)	(m*t: the cap)
 *
 * The hashes just over a cap are those at the cap with the cost edited
 * by hand, as are the other costly strings: they must be refused
 * before anything is hashed.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
/* At the caps (extern.h, "passwd.c"), and just over them. */
#define H_YES_CAP	"$y$jBT$tYjp9cUS7ZZ/ZSiHqyXDs0" \
			"$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD"
#define H_YES_OVER	"$y$jCT$tYjp9cUS7ZZ/ZSiHqyXDs0" \
			"$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD"
#define H_YES_R_OVER	"$y$jBU$tYjp9cUS7ZZ/ZSiHqyXDs0" \
			"$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD"
#define H_YES_ATTACK	"$y$jET$tYjp9cUS7ZZ/ZSiHqyXDs0" \
			"$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD"
#define H_BCRYPT_CAP	"$2b$12$q1mLIiDDEcVVuj8AzkLir." \
			"7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC"
#define H_BCRYPT_OVER	"$2b$13$q1mLIiDDEcVVuj8AzkLir." \
			"7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC"
#define H_BCRYPT_31	"$2y$31$q1mLIiDDEcVVuj8AzkLir." \
			"7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC"
#define H_SHA512_CAP	"$6$rounds=100000$zv5A8okABRVsNTGc" \
			"$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3bRK6X1IRuRHVNyYox4" \
			"uIxPL4b/FJ.fHd1.P1p9GSAViY7sVhQ9LKI00"
#define H_SHA512_OVER	"$6$rounds=100001$zv5A8okABRVsNTGc" \
			"$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3bRK6X1IRuRHVNyYox4" \
			"uIxPL4b/FJ.fHd1.P1p9GSAViY7sVhQ9LKI00"
#define H_SHA512_HUGE	"$6$rounds=99999999999999999999$zv5A8okABRVsNTGc" \
			"$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3bRK6X1IRuRHVNyYox4" \
			"uIxPL4b/FJ.fHd1.P1p9GSAViY7sVhQ9LKI00"
#define H_SHA256_CAP	"$5$rounds=100000$kkrKuZOsxayQUaDj" \
			"$/vFO6NfOU44YtxI9OFnrpcrlhzWksdyrIPdUQN1CrLA"
#define H_SHA256_OVER	"$5$rounds=100001$kkrKuZOsxayQUaDj" \
			"$/vFO6NfOU44YtxI9OFnrpcrlhzWksdyrIPdUQN1CrLA"
#define H_ARGON2_CAP	"$argon2id$v=19$m=65536,t=12,p=1" \
			"$OBje2JA5ro31pUOKM2ieNA" \
			"$xbeSAHt23eyhgFjVp5JWReGiwPUef4SWZ5WU+orOS+w"
#define H_ARGON2_OVER	"$argon2id$v=19$m=65536,t=13,p=1" \
			"$OBje2JA5ro31pUOKM2ieNA" \
			"$xbeSAHt23eyhgFjVp5JWReGiwPUef4SWZ5WU+orOS+w"
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
	{ H_ARGON2_OVER,	P("s3cret"),		PW_TOOCOSTLY },

	/* Each scheme at its cap (verified), and just over it (not). */
	{ H_BCRYPT_CAP,		P("s3cret"),		PW_MATCH },
	{ H_BCRYPT_CAP,		P("s3cre7"),		PW_MISMATCH },
	{ H_BCRYPT_OVER,	P("s3cret"),		PW_TOOCOSTLY },
	{ H_BCRYPT_31,		P("s3cret"),		PW_TOOCOSTLY },
	{ H_SHA512_CAP,		P("s3cret"),		PW_MATCH },
	{ H_SHA512_CAP,		P("s3cre7"),		PW_MISMATCH },
	{ H_SHA512_OVER,	P("s3cret"),		PW_TOOCOSTLY },
	{ H_SHA512_HUGE,	P("s3cret"),		PW_TOOCOSTLY },
	{ H_SHA256_CAP,		P("s3cret"),		PW_MATCH },
	{ H_SHA256_OVER,	P("s3cret"),		PW_TOOCOSTLY },
	{ H_YES_CAP,		P("s3cret"),		PW_MATCH },
	{ H_YES_CAP,		P("s3cre7"),		PW_MISMATCH },
	{ H_YES_OVER,		P("s3cret"),		PW_TOOCOSTLY },
	{ H_YES_R_OVER,		P("s3cret"),		PW_TOOCOSTLY },
	{ H_YES_ATTACK,		P("s3cret"),		PW_TOOCOSTLY },
	{ H_ARGON2_CAP,		P("s3cret"),		PW_MATCH },
	{ H_ARGON2_CAP,		P("s3cre7"),		PW_MISMATCH },

	/* Parameters that cannot be read: never hashed. */
	{ "$y$",		P("s3cret"),		PW_UNSUPPORTED },
	{ "$y$j9T",		P("s3cret"),		PW_UNSUPPORTED },
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
	unsigned long	 n = pw_hashes();

	ck_assert_str_eq(pwres_str[pw_verify(cases[_i].pass,
	    cases[_i].passsz, cases[_i].hash)], pwres_str[cases[_i].want]);
	/* A refused hash costs nothing; every other exactly one hash. */
	ck_assert_uint_eq(pw_hashes() - n, cases[_i].want ==
	    PW_TOOCOSTLY || cases[_i].want == PW_UNSUPPORTED ? 0 : 1);
}
END_TEST

/*
 * pw_cost(): each cap exactly, and why it refuses.  Yescrypt's
 * parameters are libxcrypt's encoding: "j" the default flavour, then
 * N = 2^(1 + v) and r = 1 + v of one character each (v: its place in
 * "./0-9A-Za-z"), then optionally which of p, t, g, NROM follow.
 */
static const struct {
	const char	*hash;
	enum pwres	 want;
	const char	*why;
} costs[] = {
	{ H_BCRYPT_2B,		PW_MATCH,	"" },
	{ H_BCRYPT_CAP,		PW_MATCH,	"" },
	{ H_BCRYPT_OVER,	PW_TOOCOSTLY,	"bcrypt cost 13 is over 12" },
	{ H_BCRYPT_31,		PW_TOOCOSTLY,	"bcrypt cost 31 is over 12" },
	{ "$2b$1x$abc",		PW_MATCH,	"" },	/* crypt_r refuses */
	{ H_SHA512,		PW_MATCH,	"" },	/* 5000 */
	{ H_SHA512_CAP,		PW_MATCH,	"" },
	{ H_SHA512_OVER,	PW_TOOCOSTLY,
	    "sha-crypt rounds=100001 is over 100000" },
	{ H_SHA512_HUGE,	PW_TOOCOSTLY,
	    "sha-crypt rounds=4294967296 is over 100000" },
	{ "$6$rounds=0100001$abc$def", PW_TOOCOSTLY,
	    "sha-crypt rounds=100001 is over 100000" },
	{ H_SHA256_OVER,	PW_TOOCOSTLY,
	    "sha-crypt rounds=100001 is over 100000" },
	{ "$6$rounds=-1$abc$def", PW_MATCH,	"" },	/* crypt_r refuses */
	{ H_YESCRYPT,		PW_MATCH,	"" },	/* j9T: 16 MiB */
	{ H_YES_CAP,		PW_MATCH,	"" },	/* jBT: 64 MiB */
	{ H_YES_OVER,		PW_TOOCOSTLY,
	    "yescrypt needs over 65536 KiB (N=2^15, r=32, p=1, t=0)" },
	{ H_YES_R_OVER,		PW_TOOCOSTLY,
	    "yescrypt needs over 65536 KiB (N=2^14, r=33, p=1, t=0)" },
	{ H_YES_ATTACK,		PW_TOOCOSTLY,
	    "yescrypt needs over 65536 KiB (N=2^17, r=32, p=1, t=0)" },
	{ "$y$jUT$abc$def",	PW_TOOCOSTLY,
	    "yescrypt needs over 65536 KiB (N=2^33, r=32, p=1, t=0)" },
	{ "$y$jAT..$abc$def",	PW_MATCH,	"" },	/* p = 2: 64 MiB */
	{ "$y$jBT..$abc$def",	PW_TOOCOSTLY,
	    "yescrypt needs over 65536 KiB (N=2^14, r=32, p=2, t=0)" },
	{ "$y$jAT/.$abc$def",	PW_MATCH,	"" },	/* t = 1: 64 MiB */
	{ "$y$jBT/.$abc$def",	PW_TOOCOSTLY,
	    "yescrypt needs over 65536 KiB (N=2^14, r=32, p=1, t=1)" },
	{ "$y$j9T1.$abc$def",	PW_UNSUPPORTED,	"" },	/* g */
	{ "$y$j9T$abc$def",	PW_MATCH,	"" },
	{ "$y$j9",		PW_UNSUPPORTED,	"" },
	{ "$y$j9T!$abc",	PW_UNSUPPORTED,	"" },
	{ H_ARGON2ID,		PW_MATCH,	"" },
	{ H_ARGON2_CAP,		PW_MATCH,	"" },
	{ "$argon2id$v=19$m=262144,t=3,p=16$c2FsdA$aGFzaA", PW_MATCH, "" },
	{ H_ARGON2_OVER,	PW_TOOCOSTLY,
	    "argon2 m*t=851968 KiB is over 786432" },
	{ "$argon2id$v=19$m=262144,t=4,p=1$c2FsdA$aGFzaA", PW_TOOCOSTLY,
	    "argon2 m*t=1048576 KiB is over 786432" },
	{ "$argon2id$v=19$m=262144,t=8,p=1$c2FsdA$aGFzaA", PW_TOOCOSTLY,
	    "argon2 m*t=2097152 KiB is over 786432" },
	{ "$argon2id$v=19$m=262145,t=1,p=1$c2FsdA$aGFzaA", PW_TOOCOSTLY,
	    "argon2 m=262145 KiB is over 262144" },
	{ "$argon2i$v=19$m=8,t=64,p=1$c2FsdA$aGFzaA", PW_MATCH, "" },
	{ "$argon2i$v=19$m=8,t=65,p=1$c2FsdA$aGFzaA", PW_TOOCOSTLY,
	    "argon2 t=65 is over 64" },
	{ "$argon2id$v=19$m=4096,t=2,p=17$c2FsdA$aGFzaA", PW_TOOCOSTLY,
	    "argon2 p=17 is over 16" },
	{ H_ARGON2ID_NOT,	PW_UNSUPPORTED,	"" },
	{ H_APR1,		PW_UNSUPPORTED,	"" },
	{ NULL,			PW_UNSUPPORTED,	"" },
};

START_TEST(test_pw_cost)
{
	char	 why[128];

	memset(why, 'X', sizeof(why));
	ck_assert_str_eq(pwres_str[pw_cost(costs[_i].hash, why,
	    sizeof(why))], pwres_str[costs[_i].want]);
	ck_assert_str_eq(why, costs[_i].why);
	ck_assert_int_eq(pw_cost(costs[_i].hash, NULL, 0), costs[_i].want);
	ck_assert_int_eq(pw_cost(costs[_i].hash, why, 10), costs[_i].want);
	ck_assert_uint_le(strlen(why), 9);
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
	unsigned long	 n = pw_hashes();

	ck_assert_int_eq(pw_verify_dummy(dummies[_i].pass,
	    dummies[_i].passsz), PW_MISMATCH);
	/* Exactly one hash, even the first time (no hash to make it). */
	ck_assert_uint_eq(pw_hashes() - n, 1);
}
END_TEST

/*
 * pw_init() hashes nothing (issue 7, item 13): every CGI run calls it,
 * also for a 400 or a public file, and a default yescrypt hash takes
 * 16 MiB.  Run in a child of its own, so that no hash made earlier in
 * this process counts: its peak RSS grows by less than 8 MiB, and it
 * counts no hash.
 */
START_TEST(test_pw_init_cheap)
{
	struct rusage	 before, after;
	unsigned long	 n;
	pid_t		 pid;
	int		 st;

	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		/* Under CK_FORK=no earlier tests' hashes count too. */
		n = pw_hashes();
		if (getrusage(RUSAGE_SELF, &before) == -1 ||
		    pw_init() != 0 || pw_init() != 0 ||
		    getrusage(RUSAGE_SELF, &after) == -1)
			_exit(1);
		if (after.ru_maxrss - before.ru_maxrss >= 8 * 1024)
			_exit(2);
		_exit(pw_hashes() == n ? 0 : 3);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
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
	{ "$2b$",	12,	P("s3cret"),	PWH_OK,	"$2b$12$" },
	{ "$6$",	100000,	P("s3cret"),	PWH_OK,	"$6$rounds=100000$" },
	{ "$2b$",	3,	P("s3cret"),	PWH_COST, NULL },
	{ "$2b$",	32,	P("s3cret"),	PWH_COST, NULL },
	{ "$y$",	12,	P("s3cret"),	PWH_COST, NULL },
	/* Over the caps: never made (the scheme would). */
	{ "$2b$",	13,	P("s3cret"),	PWH_TOOCOSTLY, NULL },
	{ "$2b$",	31,	P("s3cret"),	PWH_TOOCOSTLY, NULL },
	{ "$6$",	100001,	P("s3cret"),	PWH_TOOCOSTLY, NULL },
	{ "$y$",	8,	P("s3cret"),	PWH_TOOCOSTLY, NULL },
	{ "$y$",	11,	P("s3cret"),	PWH_TOOCOSTLY, NULL },
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
	char		 out[PW_HASH_MAX];
	unsigned long	 n = pw_hashes();

	memset(out, 'X', sizeof(out));
	ck_assert_int_eq(pw_hash_scheme(out, sizeof(out), schemes[_i].pass,
	    schemes[_i].passsz, schemes[_i].scheme, schemes[_i].cost),
	    schemes[_i].want);
	if (schemes[_i].prefix == NULL) {
		ck_assert_str_eq(out, "");
		ck_assert_uint_eq(pw_hashes(), n);	/* nothing hashed */
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

static const struct {
	enum pwhres	 res;
	const char	*str;
} hstrs[] = {
	{ PWH_OK,		"ok" },
	{ PWH_SCHEME,		"unsupported scheme" },
	{ PWH_COST,		"unsupported cost for this scheme" },
	{ PWH_TOOCOSTLY,	"cost over the cap the server verifies "
				"(see portcullis(5))" },
	{ PWH_EMPTY,		"empty password" },
	{ PWH_NUL,		"password contains a NUL byte" },
	{ PWH_LONG,		"password too long" },
	{ PWH_ERROR,		"cannot hash the password" },
};

START_TEST(test_pwres_str)
{
	ck_assert_uint_eq(nitems(strs), PW__MAX);
	ck_assert_str_eq(pwres_str[strs[_i].res], strs[_i].str);
}
END_TEST

START_TEST(test_pwhres_str)
{
	ck_assert_uint_eq(nitems(hstrs), PWH__MAX);
	ck_assert_str_eq(pwhres_str[hstrs[_i].res], hstrs[_i].str);
}
END_TEST

/* Runs once in the parent (pw_init() is idempotent). */
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
	tcase_add_loop_test(tc, test_pwhres_str, 0, nitems(hstrs));
	tcase_add_loop_test(tc, test_pw_cost, 0, nitems(costs));
	suite_add_tcase(s, tc);

	/* No fixture: pw_init() must not have run in this process. */
	tc = tcase_create("init");
	tcase_add_test(tc, test_pw_init_cheap);
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
