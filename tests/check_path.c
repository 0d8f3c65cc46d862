/*
 * Unit tests for path.c: one row per case, exact results and exact
 * output bytes.  Every call writes into a buffer followed by a guard
 * zone, and the guard is checked: nothing may be written past outsz.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "testlib.h"

/* A literal with its length, so rows may hold NUL bytes. */
#define B(s)	(s), sizeof(s) - 1
#define FULL	(REQ_PATH_MAX + 1)	/* room for any canonical path */
#define GUARD	16			/* bytes checked past outsz */
#define POISON	'Z'

/*
 * Return a buffer of outsz + GUARD bytes, all POISON; the caller
 * frees it after guard_ok().
 */
static char *
guarded(size_t outsz)
{
	char	*p;

	p = malloc(outsz + GUARD);
	ck_assert_ptr_nonnull(p);
	memset(p, POISON, outsz + GUARD);
	return p;
}

static int
guard_ok(const char *p, size_t outsz)
{
	size_t	 i;

	for (i = outsz; i < outsz + GUARD; i++)
		if (p[i] != POISON)
			return 0;
	return 1;
}

/* Concatenate head, n times unit, and tail into a new string. */
static char *
build(const char *head, const char *unit, size_t n, const char *tail,
    size_t *len)
{
	char	*s, *p;
	size_t	 hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	size_t	 i;

	*len = hl + ul * n + tl;
	s = malloc(*len + 1);
	ck_assert_ptr_nonnull(s);
	p = s;
	memcpy(p, head, hl);
	p += hl;
	for (i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl);
	p[tl] = '\0';
	return s;
}

static const struct {
	enum pathres	 res;
	const char	*str;
} names[] = {
	{ PATH_OK,	"ok" },
	{ PATH_EMPTY,	"empty" },
	{ PATH_TOOLONG,	"too-long" },
	{ PATH_FORM,	"bad-form" },
	{ PATH_ESCAPE,	"bad-escape" },
	{ PATH_SLASH,	"encoded-slash" },
	{ PATH_CTRL,	"control-byte" },
	{ PATH_UTF8,	"bad-utf8" },
	{ PATH_CLIMB,	"climbs-above-root" },
};

static const struct {
	const char	*raw;
	size_t		 rawsz;
	size_t		 outsz;
	enum pathres	 want;
	const char	*out;		/* "" on failure */
} paths[] = {
	/* No target. */
	{ NULL, 0,			FULL,	PATH_EMPTY,	"" },
	{ B(""),			FULL,	PATH_EMPTY,	"" },
	{ "/", 0,			FULL,	PATH_EMPTY,	"" },

	/* Neither origin-form nor absolute-form. */
	{ B("*"),			FULL,	PATH_FORM,	"" },
	{ B("a"),			FULL,	PATH_FORM,	"" },
	{ B("index.html"),		FULL,	PATH_FORM,	"" },
	{ B(" /a"),			FULL,	PATH_FORM,	"" },
	{ B("?x"),			FULL,	PATH_FORM,	"" },
	{ B("%2Fa"),			FULL,	PATH_FORM,	"" },
	{ B("\\a"),			FULL,	PATH_FORM,	"" },
	{ B("http:/x"),			FULL,	PATH_FORM,	"" },
	{ B("http:x"),			FULL,	PATH_FORM,	"" },
	{ B("http:"),			FULL,	PATH_FORM,	"" },
	{ B("http:/"),			FULL,	PATH_FORM,	"" },
	{ B("1http://h/x"),		FULL,	PATH_FORM,	"" },
	{ B("://h/x"),			FULL,	PATH_FORM,	"" },
	{ B("ht~tp://h/x"),		FULL,	PATH_FORM,	"" },
	{ B("h:80/x"),			FULL,	PATH_FORM,	"" },
	{ "http://h/x", 6,		FULL,	PATH_FORM,	"" },
	{ "http://h/x", 7,		FULL,	PATH_OK,	"/" },
	{ "http://h/x", 9,		FULL,	PATH_OK,	"/" },

	/* Fragments: a raw '#' in the path; in the query it is cut. */
	{ B("#"),			FULL,	PATH_FORM,	"" },
	{ B("/#"),			FULL,	PATH_FORM,	"" },
	{ B("/a#frag"),			FULL,	PATH_FORM,	"" },
	{ B("http://h#f"),		FULL,	PATH_FORM,	"" },
	{ B("http://h/a#f"),		FULL,	PATH_FORM,	"" },
	{ B("/a?#x"),			FULL,	PATH_OK,	"/a" },
	{ B("/%23"),			FULL,	PATH_OK,	"/#" },

	/* absolute-form: the authority is skipped. */
	{ B("http://h/x?q"),		FULL,	PATH_OK,	"/x" },
	{ B("HTTPS://h"),		FULL,	PATH_OK,	"/" },
	{ B("http://h"),		FULL,	PATH_OK,	"/" },
	{ B("http://h?x"),		FULL,	PATH_OK,	"/" },
	{ B("http://h?x/../.."),	FULL,	PATH_OK,	"/" },
	{ B("http://h/"),		FULL,	PATH_OK,	"/" },
	{ B("http://"),			FULL,	PATH_OK,	"/" },
	{ B("http:///x"),		FULL,	PATH_OK,	"/x" },
	{ B("http://user@h:8080/p/q/"),	FULL,	PATH_OK,	"/p/q/" },
	{ B("http://[::1]:80/a"),	FULL,	PATH_OK,	"/a" },
	{ B("svn+ssh://h/a/../b"),	FULL,	PATH_OK,	"/b" },
	{ B("a1.-+://h/x"),		FULL,	PATH_OK,	"/x" },
	{ B("http://h/%2e%2e/x"),	FULL,	PATH_CLIMB,	"" },
	{ B("http://h/a%2Fb"),		FULL,	PATH_SLASH,	"" },
	{ B("http://h/a\\b"),		FULL,	PATH_SLASH,	"" },
	{ B("http://h/a\x01"),		FULL,	PATH_CTRL,	"" },
	{ B("http://h/%C0%AF"),		FULL,	PATH_UTF8,	"" },
	{ B("http://h/%zz"),		FULL,	PATH_ESCAPE,	"" },
	{ B("http://h//a//"),		FULL,	PATH_OK,	"/a/" },
	{ B("/http://h/x"),		FULL,	PATH_OK,	"/http:/h/x" },

	/* The query is cut before anything else looks at the bytes. */
	{ B("/a/b?x=1"),		FULL,	PATH_OK,	"/a/b" },
	{ B("/?"),			FULL,	PATH_OK,	"/" },
	{ B("/a?"),			FULL,	PATH_OK,	"/a" },
	{ B("/a?%zz"),			FULL,	PATH_OK,	"/a" },
	{ B("/a?\x01\x00"),		FULL,	PATH_OK,	"/a" },
	{ B("/a?x\\y"),			FULL,	PATH_OK,	"/a" },
	{ B("/a?x/../../.."),		FULL,	PATH_OK,	"/a" },
	{ B("/a?x=%C0%AF"),		FULL,	PATH_OK,	"/a" },
	{ B("/a?b?c"),			FULL,	PATH_OK,	"/a" },
	{ B("/%3F"),			FULL,	PATH_OK,	"/?" },

	/* Raw control bytes. */
	{ B("/a\x00" "b"),		FULL,	PATH_CTRL,	"" },
	{ B("/a\x01" "b"),		FULL,	PATH_CTRL,	"" },
	{ B("/a\tb"),			FULL,	PATH_CTRL,	"" },
	{ B("/a\r\n"),			FULL,	PATH_CTRL,	"" },
	{ B("/a\x1f"),			FULL,	PATH_CTRL,	"" },
	{ B("/a\x7f"),			FULL,	PATH_CTRL,	"" },
	{ B("/a\x01%zz"),		FULL,	PATH_CTRL,	"" },

	/* Encoded control bytes. */
	{ B("/a%00"),			FULL,	PATH_CTRL,	"" },
	{ B("/a%00b"),			FULL,	PATH_CTRL,	"" },
	{ B("/a%01"),			FULL,	PATH_CTRL,	"" },
	{ B("/a%09"),			FULL,	PATH_CTRL,	"" },
	{ B("/a%0d%0a"),		FULL,	PATH_CTRL,	"" },
	{ B("/a%1F"),			FULL,	PATH_CTRL,	"" },
	{ B("/a%1f"),			FULL,	PATH_CTRL,	"" },
	{ B("/a%7F"),			FULL,	PATH_CTRL,	"" },
	{ B("/a%7f"),			FULL,	PATH_CTRL,	"" },
	{ B("/a%20b"),			FULL,	PATH_OK,	"/a b" },
	{ B("/a b"),			FULL,	PATH_OK,	"/a b" },
	{ B("/a%7E"),			FULL,	PATH_OK,	"/a~" },

	/* Raw '\', encoded '/' and '\'. */
	{ B("/a\\b"),			FULL,	PATH_SLASH,	"" },
	{ B("/\\"),			FULL,	PATH_SLASH,	"" },
	{ B("/a%2Fb"),			FULL,	PATH_SLASH,	"" },
	{ B("/a%2fb"),			FULL,	PATH_SLASH,	"" },
	{ B("/a%5Cb"),			FULL,	PATH_SLASH,	"" },
	{ B("/a%5cb"),			FULL,	PATH_SLASH,	"" },
	{ B("/..%2f.."),		FULL,	PATH_SLASH,	"" },
	{ B("/%2F"),			FULL,	PATH_SLASH,	"" },
	{ B("/a%5c..%5c.."),		FULL,	PATH_SLASH,	"" },

	/*
	 * Decoded once only, and a decoded '%' is refused: a backend
	 * that decodes again would see another path.
	 */
	{ B("/a%252Fb"),		FULL,	PATH_PERCENT,	"" },
	{ B("/a%255Cb"),		FULL,	PATH_PERCENT,	"" },
	{ B("/%252e%252e/"),		FULL,	PATH_PERCENT,	"" },
	{ B("/%2500"),			FULL,	PATH_PERCENT,	"" },
	{ B("/%25"),			FULL,	PATH_PERCENT,	"" },
	{ B("/%2561dmin/"),		FULL,	PATH_PERCENT,	"" },
	{ B("/a?%25"),			FULL,	PATH_OK,	"/a" },
	{ B("/%"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/%41%62c"),		FULL,	PATH_OK,	"/Abc" },
	{ B("/%4a%4A"),			FULL,	PATH_OK,	"/JJ" },

	/* Malformed escapes. */
	{ B("/a%"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/a%2"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/a%2?x"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/a%zz"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/a%2g"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/a%g2"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/a%%41"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/a%+1"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/a% 1"),			FULL,	PATH_ESCAPE,	"" },
	{ "/a%41", 3,			FULL,	PATH_ESCAPE,	"" },
	{ "/a%41", 4,			FULL,	PATH_ESCAPE,	"" },
	{ "/a%41", 5,			FULL,	PATH_OK,	"/aA" },
	{ B("/%zz%2F"),			FULL,	PATH_ESCAPE,	"" },
	{ B("/%2F%zz"),			FULL,	PATH_SLASH,	"" },

	/* UTF-8, raw or decoded. */
	{ B("/%C3%A9"),			FULL,	PATH_OK,	"/\xc3\xa9" },
	{ B("/%c3%A9t%C3%a9"),		FULL,	PATH_OK,
	    "/\xc3\xa9t\xc3\xa9" },
	{ B("/\xc3\xa9"),		FULL,	PATH_OK,	"/\xc3\xa9" },
	{ B("/%E2%82%AC"),		FULL,	PATH_OK,
	    "/\xe2\x82\xac" },
	{ B("/%F0%9F%98%80"),		FULL,	PATH_OK,
	    "/\xf0\x9f\x98\x80" },
	{ B("/%C0%AF"),			FULL,	PATH_UTF8,	"" },
	{ B("/%c0%af"),			FULL,	PATH_UTF8,	"" },
	{ B("/%C0%AE%C0%AE/"),		FULL,	PATH_UTF8,	"" },
	{ B("/%E0%80%AF"),		FULL,	PATH_UTF8,	"" },
	{ B("/%F0%80%80%AF"),		FULL,	PATH_UTF8,	"" },
	{ B("/%ED%A0%80"),		FULL,	PATH_UTF8,	"" },
	{ B("/%F4%90%80%80"),		FULL,	PATH_UTF8,	"" },
	{ B("/%C3"),			FULL,	PATH_UTF8,	"" },
	{ B("/%C3/"),			FULL,	PATH_UTF8,	"" },
	{ B("/%80"),			FULL,	PATH_UTF8,	"" },
	{ B("/%FF"),			FULL,	PATH_UTF8,	"" },
	{ B("/\xc0\xaf"),		FULL,	PATH_UTF8,	"" },
	{ B("/\xe9t\xe9"),		FULL,	PATH_UTF8,	"" },

	/* Dot-segments, RFC 3986 §5.2.4, on decoded segments. */
	{ B("/"),			FULL,	PATH_OK,	"/" },
	{ B("/."),			FULL,	PATH_OK,	"/" },
	{ B("/./"),			FULL,	PATH_OK,	"/" },
	{ B("/./."),			FULL,	PATH_OK,	"/" },
	{ B("/a/."),			FULL,	PATH_OK,	"/a/" },
	{ B("/a/./"),			FULL,	PATH_OK,	"/a/" },
	{ B("/a/.."),			FULL,	PATH_OK,	"/" },
	{ B("/a/../"),			FULL,	PATH_OK,	"/" },
	{ B("/a/b/.."),			FULL,	PATH_OK,	"/a/" },
	{ B("/a/b/../"),		FULL,	PATH_OK,	"/a/" },
	{ B("/a/b/../c"),		FULL,	PATH_OK,	"/a/c" },
	{ B("/a/./b"),			FULL,	PATH_OK,	"/a/b" },
	{ B("/a/%2E/b"),		FULL,	PATH_OK,	"/a/b" },
	{ B("/a/%2e"),			FULL,	PATH_OK,	"/a/" },
	{ B("/a/.%2E"),			FULL,	PATH_OK,	"/" },
	{ B("/a/%2e%2E/b"),		FULL,	PATH_OK,	"/b" },
	{ B("/a/b/../../c"),		FULL,	PATH_OK,	"/c" },
	{ B("/a/b/../.."),		FULL,	PATH_OK,	"/" },
	{ B("/a/../b/./c/."),		FULL,	PATH_OK,	"/b/c/" },
	{ B("/a/b/c/../../d/./e/../"),	FULL,	PATH_OK,	"/a/d/" },
	{ B("/a/./../b"),		FULL,	PATH_OK,	"/b" },
	{ B("/abc/def/../ghi"),		FULL,	PATH_OK,	"/abc/ghi" },
	{ B("/.a"),			FULL,	PATH_OK,	"/.a" },
	{ B("/..a"),			FULL,	PATH_OK,	"/..a" },
	{ B("/a.."),			FULL,	PATH_OK,	"/a.." },
	{ B("/a."),			FULL,	PATH_OK,	"/a." },
	{ B("/..."),			FULL,	PATH_OK,	"/..." },
	{ B("/a/.../b"),		FULL,	PATH_OK,	"/a/.../b" },
	{ B("/.hidden/x"),		FULL,	PATH_OK,	"/.hidden/x" },
	{ B("/a/..b/c"),		FULL,	PATH_OK,	"/a/..b/c" },

	/* Climbing above the root is refused, not clamped. */
	{ B("/.."),			FULL,	PATH_CLIMB,	"" },
	{ B("/../"),			FULL,	PATH_CLIMB,	"" },
	{ B("/../a"),			FULL,	PATH_CLIMB,	"" },
	{ B("/./.."),			FULL,	PATH_CLIMB,	"" },
	{ B("/a/../.."),		FULL,	PATH_CLIMB,	"" },
	{ B("/a/b/../../.."),		FULL,	PATH_CLIMB,	"" },
	{ B("/a/b/../../../c"),		FULL,	PATH_CLIMB,	"" },
	{ B("/a/./../.."),		FULL,	PATH_CLIMB,	"" },
	{ B("/%2e%2e/"),		FULL,	PATH_CLIMB,	"" },
	{ B("/%2E%2E"),			FULL,	PATH_CLIMB,	"" },
	{ B("/.%2e/"),			FULL,	PATH_CLIMB,	"" },
	{ B("/%2e./etc/passwd"),	FULL,	PATH_CLIMB,	"" },
	{ B("//../a"),			FULL,	PATH_CLIMB,	"" },
	{ B("http://h/.."),		FULL,	PATH_CLIMB,	"" },

	/* Repeated slashes merge; a trailing one is kept. */
	{ B("//"),			FULL,	PATH_OK,	"/" },
	{ B("///"),			FULL,	PATH_OK,	"/" },
	{ B("///a"),			FULL,	PATH_OK,	"/a" },
	{ B("/a//"),			FULL,	PATH_OK,	"/a/" },
	{ B("/a//b"),			FULL,	PATH_OK,	"/a/b" },
	{ B("//a//b//"),		FULL,	PATH_OK,	"/a/b/" },
	{ B("/a/.//b"),			FULL,	PATH_OK,	"/a/b" },
	{ B("/a//../b"),		FULL,	PATH_OK,	"/b" },
	{ B("/a/b//.."),		FULL,	PATH_OK,	"/a/" },
	{ B("/a/"),			FULL,	PATH_OK,	"/a/" },
	{ B("/a"),			FULL,	PATH_OK,	"/a" },

	/* The output buffer: the result and its NUL must fit. */
	{ B("/abc"),			5,	PATH_OK,	"/abc" },
	{ B("/abc"),			4,	PATH_TOOLONG,	"" },
	{ B("/abc"),			1,	PATH_TOOLONG,	"" },
	{ B("/abc"),			0,	PATH_TOOLONG,	NULL },
	{ B("/"),			2,	PATH_OK,	"/" },
	{ B("/"),			1,	PATH_TOOLONG,	"" },
	{ B("/a/b/.."),			4,	PATH_OK,	"/a/" },
	{ B("/a/b/.."),			3,	PATH_TOOLONG,	"" },
	{ B("/a/b/../../c"),		3,	PATH_OK,	"/c" },
	{ B("/%41%42"),			4,	PATH_OK,	"/AB" },
	{ B("/%41%42"),			3,	PATH_TOOLONG,	"" },
	{ B("http://h/x?q"),		3,	PATH_OK,	"/x" },
	{ B("/a?long-query-string"),	3,	PATH_OK,	"/a" },
	{ B("/a%zz"),			0,	PATH_ESCAPE,	NULL },
	{ NULL, 0,			0,	PATH_EMPTY,	NULL },
};

/*
 * Generated targets: head, unit repeated nunit times, tail; the
 * wanted output likewise.  For the limits REQ_TARGET_MAX and
 * REQ_PATH_MAX.
 */
static const struct {
	const char	*head, *unit;
	size_t		 nunit;
	const char	*tail;
	size_t		 outsz;
	enum pathres	 want;
	const char	*ohead, *ounit;
	size_t		 onunit;
} longs[] = {
	/* rawsz == REQ_TARGET_MAX is accepted, one more is not. */
	{ "/a", "/.", (REQ_TARGET_MAX - 2) / 2, "", FULL,
	    PATH_OK, "/a/", "", 0 },
	{ "/a", "/.", (REQ_TARGET_MAX - 2) / 2, "/", FULL,
	    PATH_TOOLONG, "", "", 0 },
	{ "/", "x", REQ_PATH_MAX - 1, "?", REQ_TARGET_MAX,
	    PATH_OK, "/", "x", REQ_PATH_MAX - 1 },
	{ "/", "", 0, "?", FULL,
	    PATH_OK, "/", "", 0 },
	/* The canonical path: REQ_PATH_MAX bytes fit, one more not. */
	{ "/", "a", REQ_PATH_MAX - 1, "", FULL,
	    PATH_OK, "/", "a", REQ_PATH_MAX - 1 },
	{ "/", "a", REQ_PATH_MAX, "", REQ_TARGET_MAX,
	    PATH_TOOLONG, "", "", 0 },
	{ "/", "a", REQ_PATH_MAX - 1, "", REQ_PATH_MAX,
	    PATH_TOOLONG, "", "", 0 },
	{ "/", "a", REQ_TARGET_MAX - 1, "", REQ_TARGET_MAX,
	    PATH_TOOLONG, "", "", 0 },
	/* Only the result counts, not the decoded input. */
	{ "/", "a", 6000, "/..", FULL,
	    PATH_OK, "/", "", 0 },
	{ "/", "%41", (REQ_TARGET_MAX - 1) / 3, "", FULL,
	    PATH_OK, "/", "A", (REQ_TARGET_MAX - 1) / 3 },
	{ "/", "%41", (REQ_TARGET_MAX - 1) / 3 + 1, "", FULL,
	    PATH_TOOLONG, "", "", 0 },
	{ "/", "../", (REQ_TARGET_MAX - 1) / 3, "", FULL,
	    PATH_CLIMB, "", "", 0 },
	{ "/", "a//", 2000, "", FULL,
	    PATH_OK, "/", "a/", 2000 },
};

static const struct {
	const char	*raw;
	size_t		 rawsz;
	size_t		 outsz;
	int		 want;
	const char	*out;		/* "" on failure */
} hosts[] = {
	/* Absent. */
	{ NULL, 0,			FULL,	0,	"" },
	{ B(""),			FULL,	0,	"" },
	{ "h", 0,			FULL,	0,	"" },

	/* reg-name. */
	{ B("example.com"),		FULL,	1,	"example.com" },
	{ B("Example.COM"),		FULL,	1,	"example.com" },
	{ B("example.com."),		FULL,	1,	"example.com" },
	/* Empty labels (Host: secret.example.. once became the any-host
	 * "secret.example."): refused. */
	{ B("example.com.."),		FULL,	-1,	"" },
	{ B(".example.com"),		FULL,	-1,	"" },
	{ B("a..b"),			FULL,	-1,	"" },
	{ B("a..b:80"),			FULL,	-1,	"" },
	{ B("..:80"),			FULL,	-1,	"" },
	{ B("h"),			FULL,	1,	"h" },
	{ B("a_b-c.d"),			FULL,	1,	"a_b-c.d" },
	{ B("xn--bcher-kva.example"),	FULL,	1,
	    "xn--bcher-kva.example" },
	{ B("127.0.0.1"),		FULL,	1,	"127.0.0.1" },
	{ B("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), FULL, 1,
	    "abcdefghijklmnopqrstuvwxyz" },
	{ B("."),			FULL,	-1,	"" },
	{ B("h/x"),			FULL,	-1,	"" },
	{ B("h x"),			FULL,	-1,	"" },
	{ B("h\x00"),			FULL,	-1,	"" },
	{ B("h\r\n"),			FULL,	-1,	"" },
	{ B("h@x"),			FULL,	-1,	"" },
	{ B("u:p@h"),			FULL,	-1,	"" },
	{ B("h%41"),			FULL,	-1,	"" },
	{ B("h,i"),			FULL,	-1,	"" },
	{ B("\xc3\xa9.com"),		FULL,	-1,	"" },
	{ B("a]"),			FULL,	-1,	"" },
	{ B("a["),			FULL,	-1,	"" },

	/* Ports. */
	{ B("example.com:80"),		FULL,	1,	"example.com" },
	{ B("EXAMPLE.com.:8080"),	FULL,	1,	"example.com" },
	{ B("127.0.0.1:8080"),		FULL,	1,	"127.0.0.1" },
	{ B("h:1"),			FULL,	1,	"h" },
	{ B("h:65535"),			FULL,	1,	"h" },
	{ B("h:00000"),			FULL,	1,	"h" },
	{ B("h:123456"),		FULL,	-1,	"" },
	{ B("h:"),			FULL,	-1,	"" },
	{ B("h.:"),			FULL,	-1,	"" },
	{ B("h:8a"),			FULL,	-1,	"" },
	{ B("h:a"),			FULL,	-1,	"" },
	{ B("h:-1"),			FULL,	-1,	"" },
	{ B("h:+80"),			FULL,	-1,	"" },
	{ B("h: 80"),			FULL,	-1,	"" },
	{ B("h:80:80"),			FULL,	-1,	"" },
	{ B("h:80."),			FULL,	-1,	"" },
	{ B(":80"),			FULL,	-1,	"" },
	{ B(":"),			FULL,	-1,	"" },
	{ B(".:80"),			FULL,	-1,	"" },
	{ B("::1"),			FULL,	-1,	"" },

	/* IP-literals keep their brackets. */
	{ B("[::1]"),			FULL,	1,	"[::1]" },
	{ B("[::1]:8080"),		FULL,	1,	"[::1]" },
	{ B("[2001:DB8::1]"),		FULL,	1,	"[2001:db8::1]" },
	{ B("[::FFFF:127.0.0.1]:443"),	FULL,	1,	"[::ffff:127.0.0.1]" },
	{ B("[::1]:"),			FULL,	-1,	"" },
	{ B("[::1]:123456"),		FULL,	-1,	"" },
	{ B("[::1]:x"),			FULL,	-1,	"" },
	{ B("[::1]x"),			FULL,	-1,	"" },
	{ B("[::1]."),			FULL,	-1,	"" },
	{ B("[::1]]"),			FULL,	-1,	"" },
	{ B("[::1]]80"),		FULL,	-1,	"" },
	{ B("[::1]x80"),		FULL,	-1,	"" },
	{ B("[::1]80"),			FULL,	-1,	"" },
	{ B("[::1"),			FULL,	-1,	"" },
	{ B("["),			FULL,	-1,	"" },
	{ B("[]"),			FULL,	-1,	"" },
	{ B("[]:80"),			FULL,	-1,	"" },
	{ B("[[::1]]"),			FULL,	-1,	"" },
	{ B("[::g]"),			FULL,	-1,	"" },
	{ B("[fe80::1%eth0]"),		FULL,	-1,	"" },
	{ B("[v1.x]"),			FULL,	-1,	"" },
	{ B("[::1\x00]"),		FULL,	-1,	"" },

	/* The output buffer. */
	{ B("abc"),			4,	1,	"abc" },
	{ B("abc"),			3,	-1,	"" },
	{ B("abc"),			1,	-1,	"" },
	{ B("abc"),			0,	-1,	NULL },
	{ B("ABC.:80"),			4,	1,	"abc" },
	{ B("[::1]:80"),		6,	1,	"[::1]" },
	{ B("[::1]:80"),		5,	-1,	"" },
	{ NULL, 0,			0,	0,	NULL },
};

/* Generated hosts around REQ_HOST_MAX: n times 'A', then tail. */
static const struct {
	size_t		 n;
	const char	*tail;
	size_t		 outsz;
	int		 want;
	size_t		 outn;		/* 'a's in the result */
} longhosts[] = {
	{ REQ_HOST_MAX,		"",		REQ_HOST_MAX + 1, 1,
	    REQ_HOST_MAX },
	{ REQ_HOST_MAX,		".",		REQ_HOST_MAX + 1, 1,
	    REQ_HOST_MAX },
	{ REQ_HOST_MAX,		".:65535",	REQ_HOST_MAX + 1, 1,
	    REQ_HOST_MAX },
	{ REQ_HOST_MAX - 1,	".:1",		REQ_HOST_MAX + 1, 1,
	    REQ_HOST_MAX - 1 },
	{ REQ_HOST_MAX,		"",		REQ_HOST_MAX, -1, 0 },
	/* REQ_HOST_MAX holds even when out has room. */
	{ REQ_HOST_MAX + 1,	"",		1024,	-1,	0 },
	{ REQ_HOST_MAX + 1,	".",		1024,	-1,	0 },
	{ REQ_HOST_MAX + 1,	":80",		1024,	-1,	0 },
	{ 100000,		"",		1024,	-1,	0 },
};

START_TEST(test_pathres_str)
{

	ck_assert_str_eq(pathres_str[names[_i].res], names[_i].str);
}
END_TEST

START_TEST(test_path_canon)
{
	char		*out;
	size_t		 outsz = paths[_i].outsz;

	out = guarded(outsz);
	ck_assert_msg(path_canon(out, outsz, paths[_i].raw,
	    paths[_i].rawsz) == paths[_i].want, "row %d: want %s", _i,
	    pathres_str[paths[_i].want]);
	if (paths[_i].out != NULL)
		ck_assert_str_eq(out, paths[_i].out);
	ck_assert_msg(guard_ok(out, outsz), "row %d: wrote past outsz", _i);
	free(out);
}
END_TEST

START_TEST(test_path_canon_long)
{
	char		*raw, *want, *out;
	size_t		 rawsz, wantsz, outsz = longs[_i].outsz;

	raw = build(longs[_i].head, longs[_i].unit, longs[_i].nunit,
	    longs[_i].tail, &rawsz);
	if (longs[_i].want == PATH_OK)
		want = build(longs[_i].ohead, longs[_i].ounit,
		    longs[_i].onunit, "", &wantsz);
	else
		want = build("", "", 0, "", &wantsz);
	out = guarded(outsz);
	ck_assert_msg(path_canon(out, outsz, raw, rawsz) == longs[_i].want,
	    "row %d (rawsz %zu): want %s", _i, rawsz,
	    pathres_str[longs[_i].want]);
	ck_assert_str_eq(out, want);
	ck_assert_msg(guard_ok(out, outsz), "row %d: wrote past outsz", _i);
	free(out);
	free(want);
	free(raw);
}
END_TEST

/* The input is read through its length only: no NUL needed. */
START_TEST(test_path_canon_unterminated)
{
	char	 raw[] = { '/', 'a', '/', '.', '.', '/', 'b' };
	char	 out[8];

	ck_assert_int_eq(path_canon(out, sizeof(out), raw, 5), PATH_OK);
	ck_assert_str_eq(out, "/");
	ck_assert_int_eq(path_canon(out, sizeof(out), raw, sizeof(raw)),
	    PATH_OK);
	ck_assert_str_eq(out, "/b");
}
END_TEST

START_TEST(test_host_canon)
{
	char		*out;
	size_t		 outsz = hosts[_i].outsz;

	out = guarded(outsz);
	ck_assert_msg(host_canon(out, outsz, hosts[_i].raw,
	    hosts[_i].rawsz) == hosts[_i].want, "row %d: want %d", _i,
	    hosts[_i].want);
	if (hosts[_i].out != NULL)
		ck_assert_str_eq(out, hosts[_i].out);
	ck_assert_msg(guard_ok(out, outsz), "row %d: wrote past outsz", _i);
	free(out);
}
END_TEST

START_TEST(test_host_canon_long)
{
	char		*raw, *want, *out;
	size_t		 rawsz, wantsz, outsz = longhosts[_i].outsz;

	raw = build("", "A", longhosts[_i].n, longhosts[_i].tail, &rawsz);
	want = build("", "a", longhosts[_i].outn, "", &wantsz);
	out = guarded(outsz);
	ck_assert_int_eq(host_canon(out, outsz, raw, rawsz),
	    longhosts[_i].want);
	ck_assert_str_eq(out, want);
	ck_assert_msg(guard_ok(out, outsz), "row %d: wrote past outsz", _i);
	free(out);
	free(want);
	free(raw);
}
END_TEST

/*
 * tests/hosts.tab, the one definition of a host that the schema's
 * check on resources.host shares (tests/hosts.sh tests that side):
 * every row's RAW through host_canon() must give CANONICAL, or -1
 * where CANONICAL is "-".  Every failing row is reported.
 */
START_TEST(test_host_canon_tab)
{
	FILE		*f;
	char		 line[1024], out[FULL], errs[4096];
	char		*raw, *want, *nl;
	size_t		 lineno = 0, nrows = 0, elen = 0;
	int		 got, n;

	f = fopen(TOP_SRCDIR "/tests/hosts.tab", "r");
	ck_assert_ptr_nonnull(f);
	errs[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		raw = line;
		want = strchr(line, '\t');
		ck_assert_msg(want != NULL, "hosts.tab:%zu: no tab", lineno);
		*want++ = '\0';
		nrows++;
		got = host_canon(out, sizeof(out), raw, strlen(raw));
		if (strcmp(want, "-") == 0 ? got == -1 && *out == '\0' :
		    got == 1 && strcmp(out, want) == 0)
			continue;
		n = snprintf(errs + elen, sizeof(errs) - elen,
		    " line %zu: [%s] gave %d [%s];", lineno, raw, got, out);
		if (n > 0 && (size_t)n < sizeof(errs) - elen)
			elen += (size_t)n;
	}
	fclose(f);
	ck_assert_msg(nrows > 20, "hosts.tab: only %zu rows", nrows);
	ck_assert_msg(elen == 0, "hosts.tab:%s", errs);
}
END_TEST

static Suite *
path_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("path");
	tc = tcase_create("pathres_str");
	tcase_add_loop_test(tc, test_pathres_str, 0, nitems(names));
	suite_add_tcase(s, tc);
	tc = tcase_create("path_canon");
	tcase_add_loop_test(tc, test_path_canon, 0, nitems(paths));
	tcase_add_loop_test(tc, test_path_canon_long, 0, nitems(longs));
	tcase_add_test(tc, test_path_canon_unterminated);
	suite_add_tcase(s, tc);
	tc = tcase_create("host_canon");
	tcase_add_loop_test(tc, test_host_canon, 0, nitems(hosts));
	tcase_add_loop_test(tc, test_host_canon_long, 0, nitems(longhosts));
	tcase_add_test(tc, test_host_canon_tab);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(path_suite());
}
