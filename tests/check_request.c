/*
 * Unit tests for request.c.  Each row is a CGI environment (a table
 * of name/value pairs read through a req_getter) and the struct
 * request it must produce.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "testlib.h"

#define ENVMAX	10		/* pairs per row, with the terminator */

#define M(v)	"REQUEST_METHOD", (v)
#define U(v)	"REQUEST_URI", (v)
#define H(v)	"HTTP_HOST", (v)
#define AU(v)	"HTTP_AUTHORIZATION", (v)
#define RA(v)	"REMOTE_ADDR", (v)
#define INM(v)	"HTTP_IF_NONE_MATCH", (v)
#define IMS(v)	"HTTP_IF_MODIFIED_SINCE", (v)
#define PM(v)	"PORTCULLIS_MODE", (v)
#define RU(v)	"REMOTE_USER", (v)
#define RP(v)	"REMOTE_PASSWD", (v)
#define AZ	"FCGI_ROLE", "AUTHORIZER"
#define AREQ	"FCGI_APACHE_ROLE", "AUTHORIZER"	/* Require provider */

#define S16	"0123456789abcdef"
#define S32	S16 S16
#define S64	S32 S32
#define S255	S64 S64 S64 S32 S16 "0123456789abcde"

static const struct {
	const char	*env[2 * ENVMAX];
	enum reqres	 want;
	const char	*bad;		/* NULL when REQ_OK */
	enum pathres	 pathres;
	const char	*method;
	const char	*path;
	const char	*host;
	const char	*addr;
	const char	*authz;
	const char	*inm;
	const char	*ims;
} cases[] = {
	/* Accepted. */
	{ { M("GET"), U("/a/./b?q=1"), H("Example.COM:8080"),
	    RA("192.0.2.1"), AU("Basic YWxpY2U6czNjcjN0"),
	    INM("\"v1\""), IMS("Sun, 06 Nov 1994 08:49:37 GMT") },
	  REQ_OK, NULL, PATH_OK, "GET", "/a/b", "example.com",
	  "192.0.2.1", "Basic YWxpY2U6czNjcjN0",
	  "\"v1\"", "Sun, 06 Nov 1994 08:49:37 GMT" },
	{ { M("GET"), U("/") },
	  REQ_OK, NULL, PATH_OK, "GET", "/", "", "-", "", NULL, NULL },
	{ { M("HEAD"), U("/x"), H(""), RA(""), AU(""), INM(""), IMS("") },
	  REQ_OK, NULL, PATH_OK, "HEAD", "/x", "", "-", "", "", "" },
	{ { M("get"), U("/x"), H("h") },
	  REQ_OK, NULL, PATH_OK, "get", "/x", "h", "-", "", NULL, NULL },
	/* absolute-form: its authority is the host (RFC 9112 §3.2.2) */
	{ { M("M-SEARCH"), U("http://other/x/"), H("[::1]:80") },
	  REQ_OK, NULL, PATH_OK, "M-SEARCH", "/x/", "other", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("http://Secret.Example:8080?q"), H("evil") },
	  REQ_OK, NULL, PATH_OK, "GET", "/", "secret.example", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("http://[::1]/x"), H("evil") },
	  REQ_OK, NULL, PATH_OK, "GET", "/x", "[::1]", "-", "",
	  NULL, NULL },
	/* the virtual host the server chose (SERVER_NAME) beats both */
	{ { M("GET"), U("http://other/x"), H("evil"),
	    "SERVER_NAME", "secret.example" },
	  REQ_OK, NULL, PATH_OK, "GET", "/x", "secret.example", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/x"), H("evil"), "SERVER_NAME", "Secret.Example" },
	  REQ_OK, NULL, PATH_OK, "GET", "/x", "secret.example", "-", "",
	  NULL, NULL },
	/* ... unless it is no host name (nginx passes a regex as is) */
	{ { M("GET"), U("/x"), H("evil"),
	    "SERVER_NAME", "~^(www\\.)?(.+)$" },
	  REQ_OK, NULL, PATH_OK, "GET", "/x", "evil", "-", "",
	  NULL, NULL },
	/* PORTCULLIS_HOST, from the server's configuration, beats all */
	{ { M("GET"), U("http://other/x"), H("evil"),
	    "SERVER_NAME", "secret.example", "PORTCULLIS_HOST", "Vhost.A" },
	  REQ_OK, NULL, PATH_OK, "GET", "/x", "vhost.a", "-", "",
	  NULL, NULL },
	/* X-Forwarded-Host is never the host */
	{ { M("GET"), U("/x"), H("h"), "HTTP_X_FORWARDED_HOST", "evil" },
	  REQ_OK, NULL, PATH_OK, "GET", "/x", "h", "-", "",
	  NULL, NULL },
	{ { M(S32), U("/") },
	  REQ_OK, NULL, PATH_OK, S32, "/", "", "-", "", NULL, NULL },
	{ { M("PUT"), U("/%C3%A9"), H("h."), RA("2001:db8::1"),
	    AU("Bearer x"), "HTTP_X_OTHER", "y" },
	  REQ_OK, NULL, PATH_OK, "PUT", "/\xc3\xa9", "h", "2001:db8::1",
	  "Bearer x", NULL, NULL },

	/* REMOTE_ADDR is cut to fit: it is for logs only. */
	{ { M("GET"), U("/"), RA(S32 "abcdefghijklmnopqrstuvwxyzABCDE") },
	  REQ_OK, NULL, PATH_OK, "GET", "/", "",
	  S32 "abcdefghijklmnopqrstuvwxyzABCDE", "", NULL, NULL },
	{ { M("GET"), U("/"), RA(S64) },
	  REQ_OK, NULL, PATH_OK, "GET", "/", "",
	  S32 "0123456789abcdef0123456789abcde", "", NULL, NULL },

	/* The method. */
	{ { U("/") },
	  REQ_BAD, "bad-method", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { M(""), U("/") },
	  REQ_BAD, "bad-method", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { M("G T"), U("/") },
	  REQ_BAD, "bad-method", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { M("GET\r\n"), U("/") },
	  REQ_BAD, "bad-method", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { M("G/T"), U("/") },
	  REQ_BAD, "bad-method", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { M("G\xc3\x89T"), U("/") },
	  REQ_BAD, "bad-method", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { M(S32 "X"), U("/") },
	  REQ_BAD, "bad-method", PATH_OK, "", "", "", "-", "", NULL, NULL },
	/* Checked first: a bad method hides a bad target and host. */
	{ { M("G T"), U("/.."), H("h:x"), AU("Basic x"), INM("*") },
	  REQ_BAD, "bad-method", PATH_OK, "", "", "", "-", "", NULL, NULL },

	/* The target: one row per enum pathres. */
	{ { M("GET") },
	  REQ_BAD, "empty", PATH_EMPTY, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("") },
	  REQ_BAD, "empty", PATH_EMPTY, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("OPTIONS"), U("*") },
	  REQ_BAD, "bad-form", PATH_FORM, "OPTIONS", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/a#f") },
	  REQ_BAD, "bad-form", PATH_FORM, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/a%zz") },
	  REQ_BAD, "bad-escape", PATH_ESCAPE, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/a%2Fb") },
	  REQ_BAD, "encoded-slash", PATH_SLASH, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/a\\b") },
	  REQ_BAD, "encoded-slash", PATH_SLASH, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/a%00") },
	  REQ_BAD, "control-byte", PATH_CTRL, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/a\tb") },
	  REQ_BAD, "control-byte", PATH_CTRL, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/%C0%AF") },
	  REQ_BAD, "bad-utf8", PATH_UTF8, "GET", "", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/a/../..") },
	  REQ_BAD, "climbs-above-root", PATH_CLIMB, "GET", "", "", "-", "",
	  NULL, NULL },
	/* The target is checked before the host. */
	{ { M("GET"), U("/%2e%2e/"), H("h:x"), RA("192.0.2.9") },
	  REQ_BAD, "climbs-above-root", PATH_CLIMB, "GET", "", "",
	  "192.0.2.9", "", NULL, NULL },

	/* The host. */
	{ { M("GET"), U("/x"), H("h:x") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/x"), H("h/x") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/x"), H(".") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/x"), H("[::1") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/x"), H("secret.example..") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/x"), H("a..b") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("http:///x"), H("h") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("http://user@h/x"), H("h") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	{ { M("GET"), U("/x"), H("h"), "PORTCULLIS_HOST", "a..b" },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },
	/* A bad host leaves the credentials unread. */
	{ { M("GET"), U("/x"), H("a b"), AU("Basic x"), INM("*") },
	  REQ_BAD, "bad-host", PATH_OK, "GET", "/x", "", "-", "",
	  NULL, NULL },

	/* The mode: checked first; only FCGI_ROLE makes an authorizer. */
	{ { PM("auth_request"), M("GET"), U("/x") },
	  REQ_OK, NULL, PATH_OK, "GET", "/x", "", "-", "", NULL, NULL },
	{ { PM(""), M("GET"), U("/x") },
	  REQ_OK, NULL, PATH_OK, "GET", "/x", "", "-", "", NULL, NULL },
	{ { PM("authorizer"), M("GET"), U("/x") },
	  REQ_BAD, "bad-mode", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { PM("bogus"), M("G T"), U("/..") },
	  REQ_BAD, "bad-mode", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { PM("forward_auth"), M("GET"), U("/x") },
	  REQ_BAD, "no-forwarded", PATH_OK, "", "", "", "-", "", NULL, NULL },
	{ { PM("forward_auth"), "PORTCULLIS_METHOD", "PUT",
	    "PORTCULLIS_URI", "/y", M("GET"), U("/x") },
	  REQ_OK, NULL, PATH_OK, "PUT", "/y", "", "-", "", NULL, NULL },
};

/*
 * Generated values around the limits: variable var is pre, then fill
 * n times, then post; the others are M("GET") U("/") H("h").  The
 * field var lands in must hold the first outlen bytes of the value.
 */
static const struct {
	const char	*var;
	const char	*pre;
	char		 fill;
	size_t		 n;
	const char	*post;
	enum reqres	 want;
	const char	*bad;
	size_t		 outlen;
	int		 toolong;
} longs[] = {
	{ "REQUEST_METHOD", "", 'A', REQ_METHOD_MAX, "",
	    REQ_OK, NULL, REQ_METHOD_MAX, 0 },
	{ "REQUEST_METHOD", "", 'A', REQ_METHOD_MAX + 1, "",
	    REQ_BAD, "bad-method", 0, 0 },
	{ "REQUEST_METHOD", "", 'A', 100000, "",
	    REQ_BAD, "bad-method", 0, 0 },
	{ "REQUEST_URI", "/", 'a', REQ_PATH_MAX - 1, "",
	    REQ_OK, NULL, REQ_PATH_MAX, 0 },
	{ "REQUEST_URI", "/", 'a', REQ_PATH_MAX, "",
	    REQ_BAD, "too-long", 0, 0 },
	{ "REQUEST_URI", "/?", 'q', REQ_TARGET_MAX - 2, "",
	    REQ_OK, NULL, 1, 0 },
	{ "REQUEST_URI", "/?", 'q', REQ_TARGET_MAX - 1, "",
	    REQ_BAD, "too-long", 0, 0 },
	{ "REQUEST_URI", "/?", 'q', 100000, "",
	    REQ_BAD, "too-long", 0, 0 },
	{ "HTTP_HOST", "", 'a', REQ_HOST_MAX, "",
	    REQ_OK, NULL, REQ_HOST_MAX, 0 },
	{ "HTTP_HOST", "", 'a', REQ_HOST_MAX, ".:65535",
	    REQ_OK, NULL, REQ_HOST_MAX, 0 },
	{ "HTTP_HOST", "", 'a', REQ_HOST_MAX + 1, "",
	    REQ_BAD, "bad-host", 0, 0 },
	{ "HTTP_HOST", "", 'a', REQ_HOST_MAX + 1, ".:65535",
	    REQ_BAD, "bad-host", 0, 0 },
	{ "HTTP_HOST", "", 'a', 100000, "",
	    REQ_BAD, "bad-host", 0, 0 },
	{ "HTTP_AUTHORIZATION", "Basic ", 'Q', CRED_B64_MAX, "",
	    REQ_OK, NULL, CRED_B64_MAX + 6, 0 },
	{ "HTTP_AUTHORIZATION", "Basic ", 'Q', CRED_B64_MAX + 64 - 7, "",
	    REQ_OK, NULL, CRED_B64_MAX + 64 - 1, 0 },
	{ "HTTP_AUTHORIZATION", "Basic ", 'Q', CRED_B64_MAX + 64 - 6, "",
	    REQ_OK, NULL, 0, 1 },
	{ "HTTP_AUTHORIZATION", "Basic ", 'Q', 100000, "",
	    REQ_OK, NULL, 0, 1 },
	{ "REMOTE_ADDR", "", '1', REQ_ADDR_MAX, "",
	    REQ_OK, NULL, REQ_ADDR_MAX, 0 },
	{ "REMOTE_ADDR", "", '1', REQ_ADDR_MAX + 1, "",
	    REQ_OK, NULL, REQ_ADDR_MAX, 0 },
	{ "REMOTE_ADDR", "", '1', 100000, "",
	    REQ_OK, NULL, REQ_ADDR_MAX, 0 },
};

/* The field of r that variable var is copied to. */
static const char *
field(const struct request *r, const char *var)
{

	if (strcmp(var, "REQUEST_METHOD") == 0)
		return r->method;
	if (strcmp(var, "REQUEST_URI") == 0)
		return r->path;
	if (strcmp(var, "HTTP_HOST") == 0)
		return r->host;
	if (strcmp(var, "HTTP_AUTHORIZATION") == 0)
		return r->authz;
	return r->addr;
}

static void
check_ptr_str(const char *got, const char *want, int row, const char *what)
{

	if (want == NULL)
		ck_assert_msg(got == NULL, "row %d: %s not NULL", row, what);
	else {
		ck_assert_msg(got != NULL, "row %d: %s NULL", row, what);
		ck_assert_str_eq(got, want);
	}
}

START_TEST(test_req_parse)
{
	struct request	 r;
	const char	*env[2 * ENVMAX];

	memcpy(env, cases[_i].env, sizeof(env));
	memset(&r, 0xa5, sizeof(r));
	ck_assert_int_eq(req_parse(&r, env_get, env), cases[_i].want);
	check_ptr_str(req_bad_str(&r), cases[_i].bad, _i, "bad");
	ck_assert_int_eq(r.pathres, cases[_i].pathres);
	ck_assert_str_eq(r.method, cases[_i].method);
	ck_assert_str_eq(r.path, cases[_i].path);
	ck_assert_str_eq(r.host, cases[_i].host);
	ck_assert_str_eq(r.addr, cases[_i].addr);
	ck_assert_str_eq(r.authz, cases[_i].authz);
	ck_assert_uint_eq(r.authzsz, strlen(cases[_i].authz));
	ck_assert_int_eq(r.authz_toolong, 0);
	check_ptr_str(r.inm, cases[_i].inm, _i, "inm");
	check_ptr_str(r.ims, cases[_i].ims, _i, "ims");
	/* Borrowed, not copied. */
	if (r.inm != NULL)
		ck_assert_ptr_eq(r.inm, env_get(env, "HTTP_IF_NONE_MATCH"));
	if (r.ims != NULL)
		ck_assert_ptr_eq(r.ims,
		    env_get(env, "HTTP_IF_MODIFIED_SINCE"));
	req_wipe(&r);
}
END_TEST

START_TEST(test_req_parse_long)
{
	struct request	 r;
	const char	*env[10] = { M("GET"), U("/"), H("h") };
	char		*v;
	size_t		 pl, pol, i, vlen;

	pl = strlen(longs[_i].pre);
	pol = strlen(longs[_i].post);
	vlen = pl + longs[_i].n + pol;
	v = malloc(vlen + 1);
	ck_assert_ptr_nonnull(v);
	memcpy(v, longs[_i].pre, pl);
	memset(v + pl, longs[_i].fill, longs[_i].n);
	memcpy(v + pl + longs[_i].n, longs[_i].post, pol + 1);
	for (i = 0; env[i] != NULL; i += 2)
		if (strcmp(env[i], longs[_i].var) == 0)
			break;
	env[i] = longs[_i].var;
	env[i + 1] = v;

	memset(&r, 0xa5, sizeof(r));
	ck_assert_int_eq(req_parse(&r, env_get, env), longs[_i].want);
	check_ptr_str(req_bad_str(&r), longs[_i].bad, _i, "bad");
	ck_assert_uint_eq(strlen(field(&r, longs[_i].var)),
	    longs[_i].outlen);
	ck_assert(memcmp(field(&r, longs[_i].var), v,
	    longs[_i].outlen) == 0);
	ck_assert_int_eq(r.authz_toolong, longs[_i].toolong);
	if (strcmp(longs[_i].var, "HTTP_AUTHORIZATION") == 0)
		ck_assert_uint_eq(r.authzsz, longs[_i].outlen);
	req_wipe(&r);
	free(v);
}
END_TEST

/* A getter that has nothing: every variable absent. */
static const char *
get_none(void *arg, const char *name)
{

	(void)arg;
	(void)name;
	return NULL;
}

START_TEST(test_req_parse_nothing)
{
	struct request	 r;

	memset(&r, 0xa5, sizeof(r));
	ck_assert_int_eq(req_parse(&r, get_none, NULL), REQ_BAD);
	ck_assert_int_eq(r.bad, REQBAD_METHOD);
	ck_assert_str_eq(req_bad_str(&r), "bad-method");
	ck_assert_str_eq(r.addr, "-");
	ck_assert_str_eq(r.method, "");
	ck_assert_str_eq(r.path, "");
	ck_assert_str_eq(r.host, "");
	ck_assert_str_eq(r.authz, "");
	ck_assert_uint_eq(r.authzsz, 0);
	ck_assert_int_eq(r.authz_toolong, 0);
	ck_assert_int_eq(r.pathres, PATH_OK);
	ck_assert_ptr_null(r.inm);
	ck_assert_ptr_null(r.ims);
}
END_TEST

START_TEST(test_req_wipe)
{
	const char	*env[] = {
		M("GET"), U("/"), AU("Basic YWxpY2U6czNjcjN0"), NULL, NULL
	};
	struct request	 r;
	size_t		 i;

	ck_assert_int_eq(req_parse(&r, env_get, env), REQ_OK);
	ck_assert_uint_eq(r.authzsz, 22);
	req_wipe(&r);
	for (i = 0; i < sizeof(r.authz); i++)
		ck_assert_int_eq(r.authz[i], 0);
	ck_assert_uint_eq(r.authzsz, 0);
	ck_assert_str_eq(r.method, "GET");
	ck_assert_str_eq(r.path, "/");
	req_wipe(&r);			/* twice is harmless */
	ck_assert_uint_eq(r.authzsz, 0);
}
END_TEST

/*
 * Apache's REMOTE_USER, only in the Authorizer role: with REMOTE_PASSWD
 * the Basic header it stands for, alone (a Require provider) r->ruser.
 * A name name_valid() refuses can be no user of ours: a bad
 * credential (authz_toolong, 401), never a lookup.
 */
static const struct {
	const char	*env[2 * ENVMAX];
	const char	*ruser;
	const char	*authz;
	int		 toolong;
} apache[] = {
	{ { AZ, AREQ, M("GET"), U("/"), RU("bob") }, "bob", "", 0 },
	{ { AZ, AREQ, M("GET"), U("/"), RU("j\xc3\xbcrgen") },
	  "j\xc3\xbcrgen", "", 0 },
	{ { AZ, AREQ, M("GET"), U("/"), RU(S255) }, S255, "", 0 },
	{ { AZ, M("GET"), U("/"), RU("bob"), RP("s3cret") },
	  "", "Basic Ym9iOnMzY3JldA==", 0 },
	{ { AZ, AREQ, M("GET"), U("/"), RU("bob"), RP("s3cret") },
	  "", "Basic Ym9iOnMzY3JldA==", 0 },
	/* refused by name_valid() */
	{ { AZ, AREQ, M("GET"), U("/"), RU("b:ob") }, "", "", 1 },
	{ { AZ, AREQ, M("GET"), U("/"), RU("b\x01ob") }, "", "", 1 },
	{ { AZ, AREQ, M("GET"), U("/"), RU("bob\x7f") }, "", "", 1 },
	{ { AZ, AREQ, M("GET"), U("/"), RU("j\xfcrgen") }, "", "", 1 },
	{ { AZ, AREQ, M("GET"), U("/"), RU("\xc3") }, "", "", 1 },
	{ { AZ, AREQ, M("GET"), U("/"), RU(S255 "f") }, "", "", 1 },
	{ { AZ, M("GET"), U("/"), RU("b:ob"), RP("s3cret") }, "", "", 1 },
	{ { AZ, M("GET"), U("/"), RU("b\tob"), RP("s3cret") }, "", "", 1 },
	{ { AZ, M("GET"), U("/"), RU(S255 "f"), RP("s3cret") }, "", "", 1 },
	/* no REMOTE_USER, or one not read */
	{ { AZ, AREQ, M("GET"), U("/"), RU("") }, "", "", 0 },
	{ { AZ, M("GET"), U("/"), RU("b:ob") }, "", "", 0 },
	{ { AREQ, M("GET"), U("/"), RU("b:ob"), RP("x") }, "", "", 0 },
	{ { PM("auth_request"), AREQ, M("GET"), U("/"), RU("bob") },
	  "", "", 0 },
	{ { AZ, AREQ, M("GET"), U("/"), RU("b:ob"), AU("Basic x") },
	  "", "Basic x", 0 },
};

START_TEST(test_req_apache)
{
	struct request	 r;
	const char	*env[2 * ENVMAX];

	memcpy(env, apache[_i].env, sizeof(env));
	ck_assert_int_eq(req_parse(&r, env_get, env), REQ_OK);
	ck_assert_str_eq(r.ruser, apache[_i].ruser);
	ck_assert_str_eq(r.authz, apache[_i].authz);
	ck_assert_uint_eq(r.authzsz, strlen(apache[_i].authz));
	ck_assert_int_eq(r.authz_toolong, apache[_i].toolong);
	req_wipe(&r);
}
END_TEST

/* mode_parse(): the one parser of mode names, exactly mode_str[]. */
static const struct {
	const char	*name;
	int		 rc;
	enum mode	 mode;		/* MODE__MAX: left alone */
} modes[] = {
	{ "responder",		0,	MODE_RESPONDER },
	{ "authorizer",		0,	MODE_AUTHORIZER },
	{ "auth_request",	0,	MODE_AUTH_REQUEST },
	{ "forward_auth",	0,	MODE_FORWARD_AUTH },
	{ "health",		0,	MODE_HEALTH },
	{ "metrics",		0,	MODE_METRICS },
	{ "Health",		-1,	MODE__MAX },
	{ "metric",		-1,	MODE__MAX },
	{ NULL,			-1,	MODE__MAX },
	{ "",			-1,	MODE__MAX },
	{ "Responder",		-1,	MODE__MAX },
	{ "AUTHORIZER",		-1,	MODE__MAX },
	{ "auth_request ",	-1,	MODE__MAX },
	{ "auth",		-1,	MODE__MAX },
	{ "forward-auth",	-1,	MODE__MAX },
};

START_TEST(test_mode_parse)
{
	enum mode	 m = MODE__MAX;

	ck_assert_int_eq(mode_parse(modes[_i].name, &m), modes[_i].rc);
	ck_assert_int_eq(m, modes[_i].mode);
	if (modes[_i].rc == 0)
		ck_assert_str_eq(mode_str[m], modes[_i].name);
}
END_TEST

/* Every enum reqbad has a name, and req_bad_str() gives it. */
START_TEST(test_req_bad_str)
{
	struct request	 r;
	size_t		 i, j;

	memset(&r, 0, sizeof(r));
	ck_assert_ptr_null(req_bad_str(&r));
	for (i = 0; i < REQBAD__MAX; i++) {
		ck_assert_ptr_nonnull(reqbad_str[i]);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(reqbad_str[i], reqbad_str[j]);
		r.bad = (enum reqbad)i;
		r.pathres = PATH_UTF8;
		ck_assert_str_eq(req_bad_str(&r) == NULL ? "-" :
		    req_bad_str(&r), i == REQBAD_NONE ? "-" :
		    i == REQBAD_TARGET ? "bad-utf8" : reqbad_str[i]);
	}
}
END_TEST

static Suite *
request_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("request");
	tc = tcase_create("req_parse");
	tcase_add_loop_test(tc, test_req_parse, 0, nitems(cases));
	tcase_add_loop_test(tc, test_req_parse_long, 0, nitems(longs));
	tcase_add_test(tc, test_req_parse_nothing);
	tcase_add_loop_test(tc, test_req_apache, 0, nitems(apache));
	tcase_add_loop_test(tc, test_mode_parse, 0, nitems(modes));
	tcase_add_test(tc, test_req_bad_str);
	suite_add_tcase(s, tc);
	tc = tcase_create("req_wipe");
	tcase_add_test(tc, test_req_wipe);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(request_suite());
}
