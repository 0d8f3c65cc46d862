/*
 * Unit tests for lex.c: one row per case, exact results.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "testlib.h"

/* A literal with its length, so rows may hold NUL bytes. */
#define B(s)	(s), sizeof(s) - 1

struct row {
	const char	*s;
	size_t		 n;
	int		 want;
};

static const struct row utf8_cases[] = {
	{ B(""),			1 },
	{ B("plain ascii /a/b"),	1 },
	{ B("\x00\x7f"),		1 },	/* ASCII, controls included */
	{ B("\xc3\xa9"),		1 },	/* U+00E9 */
	{ B("\xc2\x80"),		1 },	/* U+0080, smallest 2-byte */
	{ B("\xdf\xbf"),		1 },	/* U+07FF */
	{ B("\xe0\xa0\x80"),		1 },	/* U+0800, smallest 3-byte */
	{ B("\xe2\x82\xac"),		1 },	/* U+20AC */
	{ B("\xed\x9f\xbf"),		1 },	/* U+D7FF, below surrogates */
	{ B("\xee\x80\x80"),		1 },	/* U+E000, above surrogates */
	{ B("\xef\xbf\xbf"),		1 },	/* U+FFFF */
	{ B("\xf0\x90\x80\x80"),	1 },	/* U+10000, smallest 4-byte */
	{ B("\xf0\x9f\x98\x80"),	1 },	/* U+1F600 */
	{ B("\xf3\xbf\xbf\xbf"),	1 },	/* U+FFFFF */
	{ B("\xf4\x8f\xbf\xbf"),	1 },	/* U+10FFFF, the last */
	{ B("a\xc3\xa9z\xe2\x82\xac"),	1 },	/* mixed */
	{ B("\x80"),			0 },	/* lone continuation */
	{ B("\xbf"),			0 },
	{ B("a\x80"),			0 },
	{ B("\xc0\xaf"),		0 },	/* overlong '/' */
	{ B("\xc0\x80"),		0 },	/* overlong NUL */
	{ B("\xc1\xbf"),		0 },	/* overlong U+007F */
	{ B("\xe0\x80\xaf"),		0 },	/* overlong '/' */
	{ B("\xe0\x9f\xbf"),		0 },	/* overlong U+07FF */
	{ B("\xf0\x80\x80\xaf"),	0 },	/* overlong '/' */
	{ B("\xf0\x8f\xbf\xbf"),	0 },	/* overlong U+FFFF */
	{ B("\xed\xa0\x80"),		0 },	/* U+D800 */
	{ B("\xed\xbf\xbf"),		0 },	/* U+DFFF */
	{ B("\xf4\x90\x80\x80"),	0 },	/* U+110000 */
	{ B("\xf5\x80\x80\x80"),	0 },
	{ B("\xf8\x88\x80\x80\x80"),	0 },	/* old 5-byte form */
	{ B("\xfe"),			0 },
	{ B("\xff"),			0 },
	{ B("\xc3"),			0 },	/* truncated */
	{ B("\xe2\x82"),		0 },
	{ B("\xf0\x9f\x98"),		0 },
	{ B("\xc3\x41"),		0 },	/* continuation missing */
	{ B("\xe2\x41\xac"),		0 },
	{ B("\xe2\x82\x41"),		0 },
	{ B("\xf0\x9f\x41\x80"),	0 },
	{ B("\xf0\x9f\x98\x41"),	0 },
	/* Truncated by the length, not by the bytes after it. */
	{ "\xc3\xa9", 1,		0 },
	{ "\xe2\x82\xac", 2,		0 },
	{ "\xf0\x9f\x98\x80", 3,	0 },
	{ "a\xc3\xa9", 2,		0 },
	{ "\xc3\xa9\xc3", 2,		1 },
	{ B("\xc3\xc3\xa9"),		0 },	/* lead where continuation */
	{ B("\xe9\x00"),		0 },	/* NUL is not a continuation */
};

static const struct row token_cases[] = {
	{ B(""),			0 },
	{ B("GET"),			1 },
	{ B("get"),			1 },
	{ B("M-SEARCH"),		1 },
	{ B("PROPFIND"),		1 },
	{ B("X0123456789"),		1 },
	{ B("!#$%&'*+-.^_`|~"),		1 },	/* every tchar symbol */
	{ B("a!"),			1 },
	{ B("G T"),			0 },	/* SP */
	{ B("GET\t"),			0 },
	{ B("GET\x00"),			0 },
	{ B("GET\x7f"),			0 },
	{ B("GET\x80"),			0 },
	{ B("\xc3\xa9"),		0 },
	{ B("\""),			0 },	/* delimiters */
	{ B("("),			0 },
	{ B(")"),			0 },
	{ B(","),			0 },
	{ B("/"),			0 },
	{ B(":"),			0 },
	{ B(";"),			0 },
	{ B("<"),			0 },
	{ B("="),			0 },
	{ B(">"),			0 },
	{ B("?"),			0 },
	{ B("@"),			0 },
	{ B("["),			0 },
	{ B("\\"),			0 },
	{ B("]"),			0 },
	{ B("{"),			0 },
	{ B("}"),			0 },
};

static const struct row ctl_cases[] = {
	{ B(""),			0 },
	{ B("/plain/path"),		0 },
	{ B(" ~"),			0 },	/* 0x20 and 0x7e */
	{ B("\x80\xff"),		0 },	/* high bytes are not CTLs */
	{ B("\x00"),			1 },
	{ B("a\x01"),			1 },
	{ B("a\tb"),			1 },
	{ B("a\r\nb"),			1 },
	{ B("\x1f"),			1 },
	{ B("\x7f"),			1 },
	{ B("abc\x7f" "def"),		1 },
};

/* 255 bytes: NAME_MAX_LEN. */
#define S16	"abcdefghijklmnop"
#define S64	S16 S16 S16 S16
#define S255	S64 S64 S64 S16 S16 S16 "abcdefghijklmno"

static const struct row name_cases[] = {
	{ B(""),			0 },	/* empty */
	{ B("a"),			1 },
	{ B("alice"),			1 },
	{ B(S255),			1 },	/* NAME_MAX_LEN bytes */
	{ B(S255 "p"),			0 },	/* 256 */
	{ S255 "p", 255,		1 },	/* only n bytes count */
	{ B("a:b"),			0 },	/* RFC 7617 §2 */
	{ B(":alice"),			0 },
	{ B("alice:"),			0 },
	{ B("a\x00" "b"),		0 },	/* NUL */
	{ B("a\x01"),			0 },	/* control bytes */
	{ B("a\tb"),			0 },
	{ B("alice\r\n"),		0 },
	{ B("a\x7f"),			0 },	/* DEL */
	{ B("j\xc3\xbcrgen"),		1 },	/* good UTF-8 */
	{ B("\xe2\x82\xac\xf0\x9f\x98\x80"), 1 },
	{ B("j\xfcrgen"),		0 },	/* Latin-1: bad UTF-8 */
	{ B("\xc0\xaf"),		0 },	/* overlong '/' */
	{ B("\xed\xa0\x80"),		0 },	/* surrogate */
	{ B("a\xc3"),			0 },	/* truncated */
	{ "\xc3\xbc", 1,		0 },	/* ... by the length */
};

START_TEST(test_utf8_valid)
{
	const struct row	*c = &utf8_cases[_i];

	ck_assert_msg(utf8_valid(c->s, c->n) == c->want,
	    "row %d: want %d", _i, c->want);
}
END_TEST

START_TEST(test_http_token)
{
	const struct row	*c = &token_cases[_i];

	ck_assert_msg(http_token(c->s, c->n) == c->want,
	    "row %d: want %d", _i, c->want);
}
END_TEST

/* Only the first n bytes count: the byte after them is not read. */
START_TEST(test_http_token_len)
{

	ck_assert_int_eq(http_token("GET /", 3), 1);
	ck_assert_int_eq(http_token(NULL, 0), 0);
}
END_TEST

START_TEST(test_has_ctl)
{
	const struct row	*c = &ctl_cases[_i];

	ck_assert_msg(has_ctl(c->s, c->n) == c->want,
	    "row %d: want %d", _i, c->want);
}
END_TEST

START_TEST(test_name_valid)
{
	const struct row	*c = &name_cases[_i];

	ck_assert_msg(name_valid(c->s, c->n) == c->want,
	    "row %d: want %d", _i, c->want);
}
END_TEST

static Suite *
lex_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("lex");
	tc = tcase_create("utf8_valid");
	tcase_add_loop_test(tc, test_utf8_valid, 0, nitems(utf8_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("http_token");
	tcase_add_loop_test(tc, test_http_token, 0, nitems(token_cases));
	tcase_add_test(tc, test_http_token_len);
	suite_add_tcase(s, tc);
	tc = tcase_create("has_ctl");
	tcase_add_loop_test(tc, test_has_ctl, 0, nitems(ctl_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("name_valid");
	tcase_add_loop_test(tc, test_name_valid, 0, nitems(name_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(lex_suite());
}
