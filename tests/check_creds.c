/*
 * Unit tests for creds.c: strict base64, RFC 7617 Basic and RFC 6750
 * Bearer parsing.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "testlib.h"

/* A string literal and its length, for rows that compare bytes. */
#define S(s)	(s), sizeof(s) - 1

/* Headers that give no credentials (CRED_NONE) or bad ones (CRED_BAD). */
static const struct {
	const char	*hdr;
	enum credres	 want;
} cases[] = {
	/* No credentials, or another scheme. */
	{ NULL,				CRED_NONE },
	{ "",				CRED_NONE },
	{ "Bearer abc",			CRED_NONE },
	{ "Digest username=\"alice\"",	CRED_NONE },
	{ "Negotiate YII=",		CRED_NONE },
	{ "Basi",			CRED_NONE },
	{ "Basics YWxpY2U6czNjcjN0",	CRED_NONE },
	{ "BasicYWxpY2U6czNjcjN0",	CRED_NONE },
	{ " Basic YWxpY2U6czNjcjN0",	CRED_NONE },

	/* Basic without exactly one token68 after 1*SP. */
	{ "Basic",			CRED_BAD },
	{ "basic",			CRED_BAD },
	{ "Basic ",			CRED_BAD },
	{ "Basic   ",			CRED_BAD },
	{ "Basic\tYWxpY2U6czNjcjN0",	CRED_BAD },
	{ "Basic,YWxpY2U6czNjcjN0",	CRED_BAD },
	{ "Basic YWxpY2U6czNjcjN0 ",	CRED_BAD },
	{ "Basic YWxpY2U6czNjcjN0\t",	CRED_BAD },
	{ "Basic YWxpY2U6czNjcjN0\r\n",	CRED_BAD },
	{ "Basic YWxp Y2U6czNjcjN0",	CRED_BAD },
	{ "Basic realm=\"x\"",		CRED_BAD },

	/* Bad base64: alphabet, padding, unused bits (RFC 4648 §3.5). */
	{ "Basic YWxpY2U6czNjcj*0",	CRED_BAD },
	{ "Basic YWxpY2U6czNjcj-0",	CRED_BAD },	/* base64url */
	{ "Basic YWxpY2U6czNjcj_0",	CRED_BAD },
	{ "Basic YWxpY2U6cHc",		CRED_BAD },	/* no '=' */
	{ "Basic YWxpY2U6cA",		CRED_BAD },
	{ "Basic YWxpY2U6cA=",		CRED_BAD },
	{ "Basic YWxpY2U6cHc==",	CRED_BAD },
	{ "Basic YWxpY2U6cB==",		CRED_BAD },	/* bits */
	{ "Basic YWxpY2U6cHx=",		CRED_BAD },
	{ "Basic YWxpY2U6cA==YWxp",	CRED_BAD },	/* after '=' */
	{ "Basic YWxpY2U6cA======",	CRED_BAD },
	{ "Basic YWxpY2U6cHc=x",	CRED_BAD },
	{ "Basic YWxpY2U6c=c=",		CRED_BAD },
	{ "Basic ====",			CRED_BAD },
	{ "Basic YWxpY2U6\ncHc=",	CRED_BAD },

	/* Decoded user-pass unacceptable (RFC 7617 §2). */
	{ "Basic Zm9v",			CRED_BAD },	/* foo */
	{ "Basic OnB3",			CRED_BAD },	/* :pw */
	{ "Basic Og==",			CRED_BAD },	/* : */
	{ "Basic YWwAaWNlOng=",		CRED_BAD },	/* al\0ice:x */
	{ "Basic YWxpY2UAOnB3",		CRED_BAD },	/* alice\0:pw */
	{ "Basic YWxpY2U6czMAY3JldA==",	CRED_BAD },	/* s3\0cret */
	{ "Basic YWxpY2U6cHcA",		CRED_BAD },	/* pw\0 */
	{ "Basic YWwBaWNlOnB3",		CRED_BAD },	/* al\1ice */
	{ "Basic YWxpY2U6cHcf",		CRED_BAD },	/* pw\37 */
	{ "Basic YWxpY2U6cAl3",		CRED_BAD },	/* p\tw */
	{ "Basic YWxpY2U6cHd/",		CRED_BAD },	/* pw DEL */
	{ "Basic YWxpY2U6cHcNCg==",	CRED_BAD },	/* pw\r\n */
	{ "Basic YWxpY2U6cORzc3dk",	CRED_BAD },	/* Latin-1 */
	{ "Basic YWxpY2U6wK8=",		CRED_BAD },	/* overlong */
	{ "Basic YWxpY2U6gA==",		CRED_BAD },	/* lone 80 */
	{ "Basic YWxpY2U67aCA",		CRED_BAD },	/* surrogate */
	{ "Basic YWxpY2U69JCAgA==",	CRED_BAD },	/* > 10FFFF */
	{ "Basic YWxpY2U6cMM=",		CRED_BAD },	/* truncated */
};

/* Headers that parse (CRED_OK), with the exact bytes. */
static const struct {
	const char	*hdr;
	const char	*user;
	size_t		 usersz;
	const char	*pass;
	size_t		 passsz;
} oks[] = {
	{ "Basic YWxpY2U6czNjcjN0",	S("alice"), S("s3cr3t") },
	{ "basic YWxpY2U6czNjcjN0",	S("alice"), S("s3cr3t") },
	{ "BASIC YWxpY2U6czNjcjN0",	S("alice"), S("s3cr3t") },
	{ "bAsIc YWxpY2U6czNjcjN0",	S("alice"), S("s3cr3t") },
	{ "Basic  YWxpY2U6czNjcjN0",	S("alice"), S("s3cr3t") },
	{ "Basic     YWxpY2U6czNjcjN0",	S("alice"), S("s3cr3t") },
	{ "Basic YWxpY2U6",		S("alice"), S("") },
	{ "Basic YWxpY2U6Og==",		S("alice"), S(":") },
	{ "Basic YWxpY2U6cGE6c3M6",	S("alice"), S("pa:ss:") },
	{ "Basic YWxpY2U6cMOkc3N3w7ZyZA==",
					S("alice"),
					S("p\xc3\xa4ssw\xc3\xb6rd") },
	{ "Basic asO8cmdlbjp4",		S("j\xc3\xbcrgen"), S("x") },
	{ "Basic YTpi",			S("a"), S("b") },
	{ "Basic am9obiBkb2U6cHc=",	S("john doe"), S("pw") },
	{ "Basic YWxpY2U6cHc=",		S("alice"), S("pw") },
	{ "Basic YWxpY2U6cA==",		S("alice"), S("p") },
};

static int
all_zero(const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

START_TEST(test_cred_parse_basic)
{
	struct cred	 c;
	const char	*h = cases[_i].hdr;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cred_parse_basic(&c, h, h == NULL ? 0 : strlen(h)),
	    cases[_i].want);
	ck_assert_ptr_null(c.user);
	ck_assert_ptr_null(c.pass);
	ck_assert(all_zero(c.buf, sizeof(c.buf)));	/* nothing left */
	cred_wipe(&c);
}
END_TEST

START_TEST(test_cred_parse_ok)
{
	struct cred	 c;
	const char	*h = oks[_i].hdr;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cred_parse_basic(&c, h, strlen(h)), CRED_OK);
	ck_assert_ptr_eq(c.user, c.buf);
	ck_assert_uint_eq(c.usersz, oks[_i].usersz);
	ck_assert_mem_eq(c.user, oks[_i].user, c.usersz);
	ck_assert_int_eq(c.user[c.usersz], '\0');
	ck_assert_ptr_eq(c.pass, c.buf + c.usersz + 1);
	ck_assert_uint_eq(c.passsz, oks[_i].passsz);
	ck_assert_mem_eq(c.pass, oks[_i].pass, c.passsz);
	ck_assert_int_eq(c.pass[c.passsz], '\0');
	cred_wipe(&c);
	ck_assert(all_zero(&c, sizeof(c)));
}
END_TEST

/*
 * Length caps: "u:ppp..." of rawsz bytes, encoded, then extra appended.
 * CRED_B64_MAX (1364) characters decode to at most 1023 bytes.
 */
static const struct {
	size_t		 rawsz;
	const char	*extra;
	size_t		 b64sz;
	enum credres	 want;
} lens[] = {
	{ 1023,	"",	CRED_B64_MAX,		CRED_OK },
	{ 1022,	"",	CRED_B64_MAX,		CRED_OK },	/* "x=" */
	{ 1021,	"",	CRED_B64_MAX,		CRED_OK },	/* "==" */
	{ 1023,	"A",	CRED_B64_MAX + 1,	CRED_BAD },
	{ 1023,	"====",	CRED_B64_MAX + 4,	CRED_BAD },
	{ 1024,	"",	CRED_B64_MAX + 4,	CRED_BAD },
	{ 3000,	"",	4000,			CRED_BAD },
};

START_TEST(test_cred_length)
{
	struct cred	 c;
	char		*raw, *hdr;
	size_t		 rawsz = lens[_i].rawsz, hdrsz, n;

	ck_assert_ptr_nonnull(raw = malloc(rawsz));
	ck_assert_ptr_nonnull(hdr = malloc(6 + rawsz * 2));
	memset(raw, 'p', rawsz);
	raw[0] = 'u';
	raw[1] = ':';
	memcpy(hdr, "Basic ", 6);
	n = b64_encode(hdr + 6, rawsz * 2, raw, rawsz);
	ck_assert_uint_ne(n, 0);
	strcat(hdr, lens[_i].extra);
	hdrsz = strlen(hdr);
	ck_assert_uint_eq(hdrsz - 6, lens[_i].b64sz);

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cred_parse_basic(&c, hdr, hdrsz), lens[_i].want);
	if (lens[_i].want == CRED_OK) {
		ck_assert_uint_eq(c.usersz, 1);
		ck_assert_str_eq(c.user, "u");
		ck_assert_uint_eq(c.passsz, rawsz - 2);
		ck_assert_uint_eq(strlen(c.pass), rawsz - 2);
	}
	cred_wipe(&c);
	free(hdr);
	free(raw);
}
END_TEST

/* The header is read only up to hdrsz: trailing bytes are not seen. */
START_TEST(test_cred_hdrsz)
{
	struct cred	 c;
	const char	*h = "Basic YWxpY2U6czNjcjN0GARBAGE";

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cred_parse_basic(&c, h, 22), CRED_OK);
	ck_assert_str_eq(c.user, "alice");
	ck_assert_str_eq(c.pass, "s3cr3t");
	cred_wipe(&c);
	ck_assert_int_eq(cred_parse_basic(&c, h, 0), CRED_NONE);
	ck_assert_int_eq(cred_parse_basic(&c, h, 6), CRED_BAD);
	ck_assert_int_eq(cred_parse_basic(&c, h, 21), CRED_BAD);
	cred_wipe(&c);
}
END_TEST

/* RFC 4648 §10 test vectors, both directions. */
static const struct {
	const char	*raw;
	size_t		 rawsz;
	const char	*b64;
} vectors[] = {
	{ S(""),		"" },
	{ S("f"),		"Zg==" },
	{ S("fo"),		"Zm8=" },
	{ S("foo"),		"Zm9v" },
	{ S("foob"),		"Zm9vYg==" },
	{ S("fooba"),		"Zm9vYmE=" },
	{ S("foobar"),		"Zm9vYmFy" },
	{ S("\0"),		"AA==" },
	{ S("\0\0\0"),		"AAAA" },
	{ S("\xff\xff\xff"),	"////" },
	{ S("\xfb\xef\xbe"),	"++++" },
	{ S("alice:s3cr3t"),	"YWxpY2U6czNjcjN0" },
};

START_TEST(test_b64_vectors)
{
	char	 buf[64];
	size_t	 n = 99;

	memset(buf, 'X', sizeof(buf));
	ck_assert_uint_eq(b64_encode(buf, sizeof(buf), vectors[_i].raw,
	    vectors[_i].rawsz), strlen(vectors[_i].b64));
	ck_assert_str_eq(buf, vectors[_i].b64);

	memset(buf, 'X', sizeof(buf));
	ck_assert_int_eq(b64_decode(buf, sizeof(buf), vectors[_i].b64,
	    strlen(vectors[_i].b64), &n), 0);
	ck_assert_uint_eq(n, vectors[_i].rawsz);
	ck_assert_mem_eq(buf, vectors[_i].raw, n);
	ck_assert_int_eq(buf[n], 'X');
}
END_TEST

/* Strings b64_decode() must refuse. */
static const struct {
	const char	*in;
	size_t		 insz;
} b64_bad[] = {
	{ S("Zg=") },		/* not a multiple of 4 */
	{ S("Zg") },
	{ S("Z") },
	{ S("Zm9") },
	{ S("Zm9vY") },
	{ S("Zh==") },		/* unused bits set */
	{ S("Zm9=") },
	{ S("Zm9vZh==") },
	{ S("Zg=A") },		/* data after padding */
	{ S("Zm8=Zg==") },
	{ S("Zg==Zg==") },
	{ S("Zm9v====") },
	{ S("Z===") },		/* too much padding */
	{ S("====") },
	{ S("=Zm9") },
	{ S("Zm 9") },		/* whitespace */
	{ S("Zm9\n") },
	{ S(" Zm9") },
	{ S("Zm9v\r\n") },
	{ S("Zm-v") },		/* base64url, other bytes */
	{ S("Zm_v") },
	{ S("Zm9.") },
	{ S("Zm\xc3\xa4") },
	{ S("Zm\0v") },
};

START_TEST(test_b64_bad)
{
	char	 buf[16];
	size_t	 n = 99;

	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(b64_decode(buf, sizeof(buf), b64_bad[_i].in,
	    b64_bad[_i].insz, &n), -1);
	ck_assert_uint_eq(n, 99);
	ck_assert(all_zero(buf, sizeof(buf)));
}
END_TEST

/* Both directions stop at the output size. */
static const struct {
	const char	*b64;
	size_t		 outsz;
	int		 want;
} b64_room[] = {
	{ "Zm9vYmFy",	6,	0 },
	{ "Zm9vYmFy",	5,	-1 },
	{ "Zm9vYmE=",	5,	0 },
	{ "Zm9vYmE=",	4,	-1 },
	{ "Zm9vYg==",	4,	0 },
	{ "Zm9vYg==",	3,	-1 },
	{ "Zg==",	1,	0 },
	{ "Zg==",	0,	-1 },
	{ "",		0,	0 },
};

START_TEST(test_b64_room)
{
	char	 buf[16];
	size_t	 n = 99, outsz = b64_room[_i].outsz;

	memset(buf, 'X', sizeof(buf));
	ck_assert_int_eq(b64_decode(buf, outsz, b64_room[_i].b64,
	    strlen(b64_room[_i].b64), &n), b64_room[_i].want);
	for (n = outsz; n < sizeof(buf); n++)
		ck_assert_int_eq(buf[n], 'X');
}
END_TEST

static const struct {
	const char	*raw;
	size_t		 outsz;
	size_t		 want;
	const char	*out;
} enc_room[] = {
	{ "foobar",	9,	8,	"Zm9vYmFy" },
	{ "foobar",	8,	0,	"" },
	{ "fooba",	9,	8,	"Zm9vYmE=" },
	{ "fooba",	8,	0,	"" },
	{ "f",		5,	4,	"Zg==" },
	{ "f",		4,	0,	"" },
	{ "f",		1,	0,	"" },
	{ "",		1,	0,	"" },
	{ "f",		0,	0,	NULL },
};

START_TEST(test_b64_encode_room)
{
	char	 buf[16];
	size_t	 n, outsz = enc_room[_i].outsz;

	memset(buf, 'X', sizeof(buf));
	ck_assert_uint_eq(b64_encode(buf, outsz, enc_room[_i].raw,
	    strlen(enc_room[_i].raw)), enc_room[_i].want);
	if (enc_room[_i].out != NULL)
		ck_assert_str_eq(buf, enc_room[_i].out);
	for (n = outsz; n < sizeof(buf); n++)
		ck_assert_int_eq(buf[n], 'X');
}
END_TEST

/* Every byte value at every offset and length survives a round trip. */
START_TEST(test_b64_roundtrip)
{
	unsigned char	 raw[258], back[258];
	char		 enc[360];
	size_t		 i, len, n, m;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 7 + _i);
	for (len = 0; len <= sizeof(raw); len++) {
		n = b64_encode(enc, sizeof(enc), raw, len);
		ck_assert_uint_eq(n, (len + 2) / 3 * 4);
		ck_assert_uint_eq(strlen(enc), n);
		ck_assert_int_eq(b64_decode((char *)back, sizeof(back), enc, n,
		    &m), 0);
		ck_assert_uint_eq(m, len);
		ck_assert_mem_eq(back, raw, len);
	}
}
END_TEST

#define TOK	"pct_0123456789abcdef_" \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

/*
 * Bearer headers (RFC 6750 §2.1): the verdict and, for CRED_OK, the
 * token (syntax only: whether it is ours is decide.c's question).
 */
static const struct {
	const char	*hdr;
	enum credres	 want;
	const char	*tok;
} bearers[] = {
	/* Not Bearer at all. */
	{ NULL,				CRED_NONE,	NULL },
	{ "",				CRED_NONE,	NULL },
	{ "Basic YWxpY2U6cHc=",		CRED_NONE,	NULL },
	{ "Bearers abc",		CRED_NONE,	NULL },
	{ "Bearer-x abc",		CRED_NONE,	NULL },
	{ "BearerAbc",			CRED_NONE,	NULL },
	{ " Bearer abc",		CRED_NONE,	NULL },
	{ "Beare abc",			CRED_NONE,	NULL },
	/* Well-formed: any case of the scheme, 1*SP, b64token. */
	{ "Bearer " TOK,		CRED_OK,	TOK },
	{ "bearer " TOK,		CRED_OK,	TOK },
	{ "BEARER   " TOK,		CRED_OK,	TOK },
	{ "Bearer a",			CRED_OK,	"a" },
	{ "Bearer aZ09-._~+/",		CRED_OK,	"aZ09-._~+/" },
	{ "Bearer abc==",		CRED_OK,	"abc==" },
	/* Malformed Bearer. */
	{ "Bearer",			CRED_BAD,	NULL },
	{ "Bearer ",			CRED_BAD,	NULL },
	{ "Bearer    ",			CRED_BAD,	NULL },
	{ "Bearer\t" TOK,		CRED_BAD,	NULL },
	{ "Bearer " TOK " ",		CRED_BAD,	NULL },
	{ "Bearer " TOK "\r\n",	CRED_BAD,	NULL },
	{ "Bearer " TOK ",x",		CRED_BAD,	NULL },
	{ "Bearer a b",			CRED_BAD,	NULL },
	{ "Bearer =abc",		CRED_BAD,	NULL },
	{ "Bearer ==",			CRED_BAD,	NULL },
	{ "Bearer ab=c",		CRED_BAD,	NULL },
	{ "Bearer ab*",			CRED_BAD,	NULL },
	{ "Bearer ab\"c\"",		CRED_BAD,	NULL },
	{ "Bearer realm=\"x\"",	CRED_BAD,	NULL },
	{ "Bearer tok\xc3\xa9",	CRED_BAD,	NULL },
	{ "Bearer ab%41",		CRED_BAD,	NULL },
	{ "Bearer ab:cd",		CRED_BAD,	NULL },
};

START_TEST(test_cred_parse_bearer)
{
	struct cred	 c;
	const char	*h = bearers[_i].hdr;
	enum credres	 r;

	memset(&c, 0x5a, sizeof(c));
	r = cred_parse_bearer(&c, h, h == NULL ? 0 : strlen(h));
	ck_assert_msg(r == bearers[_i].want, "row %d \"%s\": got %d",
	    _i, h == NULL ? "(null)" : h, (int)r);
	ck_assert_ptr_null(c.user);
	if (r != CRED_OK) {
		ck_assert_ptr_null(c.pass);
		ck_assert_uint_eq(c.passsz, 0);
		ck_assert_int_eq(c.bearer, 0);
		return;
	}
	ck_assert_int_eq(c.bearer, 1);
	ck_assert_str_eq(c.pass, bearers[_i].tok);
	ck_assert_uint_eq(c.passsz, strlen(bearers[_i].tok));
	cred_wipe(&c);
	ck_assert_ptr_null(c.pass);
	ck_assert_uint_eq(c.buf[0], 0);
}
END_TEST

/*
 * Lengths: a b64token of CRED_BUF_MAX - 1 bytes fits, one more does
 * not; hdrsz, not a NUL, ends the header.
 */
START_TEST(test_cred_bearer_length)
{
	struct cred	 c;
	char		 hdr[7 + CRED_BUF_MAX + 1];

	memcpy(hdr, "Bearer ", 7);
	memset(hdr + 7, 'a', CRED_BUF_MAX);
	hdr[7 + CRED_BUF_MAX] = '\0';
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cred_parse_bearer(&c, hdr, 7 + CRED_BUF_MAX - 1),
	    CRED_OK);
	ck_assert_uint_eq(c.passsz, CRED_BUF_MAX - 1);
	ck_assert_uint_eq(c.pass[CRED_BUF_MAX - 1], 0);
	ck_assert_int_eq(cred_parse_bearer(&c, hdr, 7 + CRED_BUF_MAX),
	    CRED_BAD);
	/* Shorter hdrsz: the bytes after it are not read. */
	ck_assert_int_eq(cred_parse_bearer(&c, "Bearer ab cd", 9), CRED_OK);
	ck_assert_str_eq(c.pass, "ab");
	ck_assert_int_eq(cred_parse_bearer(&c, "Bearer ab", 6), CRED_BAD);
	cred_wipe(&c);
}
END_TEST

static Suite *
creds_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("creds");

	tc = tcase_create("cred_parse_basic");
	tcase_add_loop_test(tc, test_cred_parse_basic, 0, nitems(cases));
	tcase_add_loop_test(tc, test_cred_parse_ok, 0, nitems(oks));
	tcase_add_loop_test(tc, test_cred_length, 0, nitems(lens));
	tcase_add_test(tc, test_cred_hdrsz);
	suite_add_tcase(s, tc);

	tc = tcase_create("cred_parse_bearer");
	tcase_add_loop_test(tc, test_cred_parse_bearer, 0, nitems(bearers));
	tcase_add_test(tc, test_cred_bearer_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("base64");
	tcase_add_loop_test(tc, test_b64_vectors, 0, nitems(vectors));
	tcase_add_loop_test(tc, test_b64_bad, 0, nitems(b64_bad));
	tcase_add_loop_test(tc, test_b64_room, 0, nitems(b64_room));
	tcase_add_loop_test(tc, test_b64_encode_room, 0, nitems(enc_room));
	tcase_add_loop_test(tc, test_b64_roundtrip, 0, 3);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(creds_suite());
}
