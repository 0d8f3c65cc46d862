/*
 * check_token.c: API tokens (token.c): which strings have a token's
 * form and which id they carry, the stored hash of a known token
 * (SHA-256, checked against Python's hashlib), new tokens, and the
 * check: a match, every near miss, an unknown id and a malformed
 * stored hash.
 */
#include "config.h"

#include <string.h>

#include <check.h>

#include "extern.h"
#include "testlib.h"

#define B(s)	(s), sizeof(s) - 1
#define SECRET	"00112233445566778899aabbccddeeff" \
		"00112233445566778899aabbccddeeff"
#define TOK	"pct_0123456789abcdef_" SECRET
/* python3: hashlib.sha256(TOK.encode()).hexdigest() */
#define TOKHASH	"6a61316a949c8d85a2d84b6e97af506b" \
		"76b5c67eb895a41b5b716dd779f35bb5"

/* Strings that are not tokens (passwords, near misses). */
static const struct {
	const char	*s;
	size_t		 n;
} nottokens[] = {
	{ B("") },
	{ B("s3cret") },
	{ B("pct_") },
	{ B("pct_0123456789abcdef_" SECRET "0") },		/* long */
	{ B("pct_0123456789abcdef_" SECRET) - 1 },		/* short */
	{ B("PCT_0123456789abcdef_" SECRET) },
	{ B("pct-0123456789abcdef_" SECRET) },
	{ B("pct_0123456789ABCDEF_" SECRET) },
	{ B("pct_0123456789abcdeg_" SECRET) },
	{ B("pct_0123456789abcdef-" SECRET) },
	{ B("pct_0123456789abcdef_" "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeefF") },
	{ B("pct_0123456789abcdef_" "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddee\0f") },
	{ B("pct_0123456789abcde_f" SECRET) },
	{ B("xpct_0123456789abcdef_" "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeef") },
};

START_TEST(test_token_id)
{
	char	 id[TOKEN_IDLEN + 1];

	ck_assert_uint_eq(sizeof(TOK) - 1, TOKEN_LEN);
	ck_assert_int_eq(token_id(B(TOK), id), 0);
	ck_assert_str_eq(id, "0123456789abcdef");
	ck_assert_int_eq(token_id(B(TOK), NULL), 0);
}
END_TEST

START_TEST(test_token_id_bad)
{
	char	 id[TOKEN_IDLEN + 1] = "unchanged";

	ck_assert_int_eq(token_id(nottokens[_i].s, nottokens[_i].n, id), -1);
	ck_assert_str_eq(id, "unchanged");
}
END_TEST

START_TEST(test_token_hash)
{
	char	 h[TOKEN_HASHLEN + 1];

	token_hash(h, B(TOK));
	ck_assert_str_eq(h, TOKHASH);
	ck_assert_int_eq(token_check(B(TOK), TOKHASH), 1);
	ck_assert_int_eq(token_check(B(TOK), NULL), 0);
}
END_TEST

/* Every one-byte change of the token fails against its hash. */
START_TEST(test_token_check_near)
{
	char	 t[] = TOK;

	t[_i] ^= 0x01;
	ck_assert_int_eq(token_check(t, sizeof(t) - 1, TOKHASH), 0);
	t[_i] ^= 0x01;
	ck_assert_int_eq(token_check(t, sizeof(t) - 1, TOKHASH), 1);
}
END_TEST

/* Stored values that are not a hash never match, not even themselves. */
static const char *const badstored[] = {
	"",
	TOKHASH "0",
	"6a61316a949c8d85a2d84b6e97af506b76b5c67eb895a41b5b716dd779f35bb",
	"6A61316A949C8D85A2D84B6E97AF506B76B5C67EB895A41B5B716DD779F35BB5",
	"$2b$05$MHEb5r3spB4A.YNJeLjv1.xEu1r7rQF1WLCSw2YFmcEUR6tvub43i",
};

START_TEST(test_token_check_badstored)
{
	ck_assert_int_eq(token_check(B(TOK), badstored[_i]), 0);
	ck_assert_int_eq(token_check(badstored[_i], strlen(badstored[_i]),
	    badstored[_i]), 0);
}
END_TEST

/* The all-zero stand-in for an unknown id matches nothing. */
START_TEST(test_token_check_unknown)
{
	static const char zero[] = "00000000000000000000000000000000"
	    "00000000000000000000000000000000";

	ck_assert_int_eq(token_check(B(TOK), zero), 0);
	ck_assert_int_eq(token_check(NULL, 0, NULL), 0);
	ck_assert_int_eq(token_check(B(""), NULL), 0);
}
END_TEST

START_TEST(test_token_new)
{
	char	 t1[TOKEN_LEN + 1], id1[TOKEN_IDLEN + 1], h1[TOKEN_HASHLEN + 1];
	char	 t2[TOKEN_LEN + 1], id2[TOKEN_IDLEN + 1], h2[TOKEN_HASHLEN + 1];
	char	 id[TOKEN_IDLEN + 1], h[TOKEN_HASHLEN + 1];

	ck_assert_int_eq(token_new(t1, id1, h1), 0);
	ck_assert_int_eq(token_new(t2, id2, h2), 0);
	ck_assert_uint_eq(strlen(t1), TOKEN_LEN);
	ck_assert_int_eq(token_id(t1, strlen(t1), id), 0);
	ck_assert_str_eq(id, id1);
	ck_assert_int_eq(strncmp(t1, "pct_", 4), 0);
	ck_assert_int_eq(memcmp(t1 + 4, id1, TOKEN_IDLEN), 0);
	token_hash(h, t1, TOKEN_LEN);
	ck_assert_str_eq(h, h1);
	ck_assert_int_eq(token_check(t1, TOKEN_LEN, h1), 1);
	ck_assert_int_eq(token_check(t2, TOKEN_LEN, h1), 0);
	ck_assert_int_eq(token_check(t1, TOKEN_LEN, h2), 0);
	ck_assert_str_ne(t1, t2);
	ck_assert_str_ne(id1, id2);
	ck_assert_str_ne(h1, h2);
}
END_TEST

static Suite *
token_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("token");
	tc = tcase_create("form");
	tcase_add_test(tc, test_token_id);
	tcase_add_loop_test(tc, test_token_id_bad, 0, nitems(nottokens));
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_test(tc, test_token_hash);
	tcase_add_loop_test(tc, test_token_check_near, 0, TOKEN_LEN);
	tcase_add_loop_test(tc, test_token_check_badstored, 0,
	    nitems(badstored));
	tcase_add_test(tc, test_token_check_unknown);
	tcase_add_test(tc, test_token_new);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(token_suite());
}
