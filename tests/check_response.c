/*
 * Unit tests for response.c: exact CGI response bytes for every
 * verdict, with and without a body, and every writer failure.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "testlib.h"

#define TAIL(len)	"Cache-Control: no-store\r\n" \
			"Content-Type: text/plain; charset=utf-8\r\n" \
			"Content-Length: " len "\r\n\r\n"

static const struct {
	enum verdict	 v;
	const char	*realm;
	const char	*allow;
	int		 head;
	const char	*want;
} denials[] = {
	{ VERDICT_ALLOW, "", "", 0,
	    "Status: 500 Internal Server Error\r\n" TAIL("26")
	    "500 Internal Server Error\n" },
	{ VERDICT_ALLOW, "", "", 1,
	    "Status: 500 Internal Server Error\r\n" TAIL("26") },
	{ VERDICT_BADREQ, "", "", 0,
	    "Status: 400 Bad Request\r\n" TAIL("16") "400 Bad Request\n" },
	{ VERDICT_BADREQ, "", "", 1,
	    "Status: 400 Bad Request\r\n" TAIL("16") },
	{ VERDICT_NOAUTH, "", "", 0,
	    "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"Portcullis\", "
	    "charset=\"UTF-8\"\r\n" TAIL("17") "401 Unauthorized\n" },
	{ VERDICT_NOAUTH, "", "", 1,
	    "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"Portcullis\", "
	    "charset=\"UTF-8\"\r\n" TAIL("17") },
	{ VERDICT_NOAUTH, "Staff area", "", 0,
	    "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"Staff area\", "
	    "charset=\"UTF-8\"\r\n" TAIL("17") "401 Unauthorized\n" },
	{ VERDICT_NOAUTH, "say \"hi\" \\o/", "", 0,	/* quoted-pair */
	    "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"say \\\"hi\\\" \\\\o/\", "
	    "charset=\"UTF-8\"\r\n" TAIL("17") "401 Unauthorized\n" },
	{ VERDICT_NOAUTH, "evil\r\nSet-Cookie: x=1", "", 0, /* injection */
	    "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"Portcullis\", "
	    "charset=\"UTF-8\"\r\n" TAIL("17") "401 Unauthorized\n" },
	{ VERDICT_FORBIDDEN, "", "", 0,
	    "Status: 403 Forbidden\r\n" TAIL("14") "403 Forbidden\n" },
	{ VERDICT_FORBIDDEN, "", "", 1,
	    "Status: 403 Forbidden\r\n" TAIL("14") },
	{ VERDICT_NOTFOUND, "", "", 0,
	    "Status: 404 Not Found\r\n" TAIL("14") "404 Not Found\n" },
	{ VERDICT_NOTFOUND, "", "", 1,
	    "Status: 404 Not Found\r\n" TAIL("14") },
	{ VERDICT_METHOD, "", "GET, HEAD", 0,
	    "Status: 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n"
	    TAIL("23") "405 Method Not Allowed\n" },
	{ VERDICT_METHOD, "", "GET, HEAD", 1,
	    "Status: 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n"
	    TAIL("23") },
	{ VERDICT_METHOD, "", "", 0,		/* RFC 9110 §10.2.1 */
	    "Status: 405 Method Not Allowed\r\nAllow: \r\n"
	    TAIL("23") "405 Method Not Allowed\n" },
	{ VERDICT_METHOD, "", "GET\r\nX: y", 0,	/* injection */
	    "Status: 405 Method Not Allowed\r\nAllow: \r\n"
	    TAIL("23") "405 Method Not Allowed\n" },
	{ VERDICT_ERROR, "", "", 0,
	    "Status: 500 Internal Server Error\r\n" TAIL("26")
	    "500 Internal Server Error\n" },
	{ VERDICT_ERROR, "", "", 1,
	    "Status: 500 Internal Server Error\r\n" TAIL("26") },
	{ VERDICT_BUSY, "", "", 0,
	    "Status: 503 Service Unavailable\r\nRetry-After: 1\r\n"
	    TAIL("24") "503 Service Unavailable\n" },
	{ VERDICT_BUSY, "", "", 1,
	    "Status: 503 Service Unavailable\r\nRetry-After: 1\r\n"
	    TAIL("24") },
	{ VERDICT__MAX, "", "", 0,		/* out of range: 500 */
	    "Status: 500 Internal Server Error\r\n" TAIL("26")
	    "500 Internal Server Error\n" },
};

static void
fill(struct decision *d, size_t i)
{
	memset(d, 0, sizeof(*d));
	d->verdict = denials[i].v;
	(void)snprintf(d->realm, sizeof(d->realm), "%s", denials[i].realm);
	(void)snprintf(d->allow, sizeof(d->allow), "%s", denials[i].allow);
}

START_TEST(test_resp_denial)
{
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;

	fill(&d, (size_t)_i);
	sink_init(&s, &w, -1);
	ck_assert_int_eq(resp_denial(&w, &d, denials[_i].head), 0);
	ck_assert_str_eq(sink_str(&s), denials[_i].want);
	free(s.buf);
}
END_TEST

/* Every write that fails makes the whole response fail. */
START_TEST(test_resp_denial_fail)
{
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;
	int		 k, rc;

	fill(&d, (size_t)_i);
	for (k = 0; ; k++) {
		sink_init(&s, &w, k);
		rc = resp_denial(&w, &d, denials[_i].head);
		if (s.calls <= k) {	/* no call failed: complete */
			ck_assert_int_eq(rc, 0);
			ck_assert_str_eq(sink_str(&s), denials[_i].want);
			free(s.buf);
			break;
		}
		ck_assert_int_eq(rc, -1);
		free(s.buf);
	}
	ck_assert_int_gt(k, 0);
}
END_TEST

/*
 * Nothing about the cause or the user shows in a 401: every one is
 * the same bytes.
 */
static const enum why noauth_whys[] = {
	WHY_NO_CREDENTIALS, WHY_BAD_HEADER, WHY_UNKNOWN_USER,
	WHY_BAD_PASSWORD, WHY_DISABLED_USER, WHY_EXPIRED_USER,
	WHY_UNSUPPORTED_HASH, WHY_COSTLY_HASH,
};

START_TEST(test_resp_401_identical)
{
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;

	memset(&d, 0, sizeof(d));
	d.verdict = VERDICT_NOAUTH;
	d.why = noauth_whys[_i];
	(void)snprintf(d.claimed, sizeof(d.claimed), "mallory");
	(void)snprintf(d.user, sizeof(d.user), "alice");
	(void)snprintf(d.detail, sizeof(d.detail), "secret detail");
	(void)snprintf(d.realm, sizeof(d.realm), "Staff area");
	sink_init(&s, &w, -1);
	ck_assert_int_eq(resp_denial(&w, &d, 0), 0);
	ck_assert_str_eq(sink_str(&s),
	    "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"Staff area\", "
	    "charset=\"UTF-8\"\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 17\r\n"
	    "\r\n"
	    "401 Unauthorized\n");
	free(s.buf);
}
END_TEST

START_TEST(test_resp_null_decision)
{
	struct sink	 s;
	struct writer	 w;

	sink_init(&s, &w, -1);
	ck_assert_int_eq(resp_denial(&w, NULL, 0), 0);
	ck_assert_str_eq(sink_str(&s), "Status: 500 Internal Server Error\r\n"
	    TAIL("26") "500 Internal Server Error\n");
	free(s.buf);
}
END_TEST

/* The "allowed" answer of each deciding mode. */
#define OK200	"Status: 200 OK\r\n"
#define XTAIL	"Cache-Control: no-store\r\nContent-Length: 0\r\n\r\n"
static const struct {
	enum mode	 mode;
	const char	*user;
	const char	*roles;
	int		 failat;
	int		 rc;
	const char	*want;
} alloweds[] = {
	{ MODE_AUTHORIZER, "alice", "editor,viewer", -1, 0, OK200
	    "Variable-REMOTE_USER: alice\r\n"
	    "Variable-PORTCULLIS_ROLES: editor,viewer\r\n\r\n" },
	{ MODE_AUTHORIZER, "bob", "", -1, 0, OK200
	    "Variable-REMOTE_USER: bob\r\n"
	    "Variable-PORTCULLIS_ROLES: \r\n\r\n" },
	{ MODE_AUTHORIZER, "", "", -1, 0, OK200 "\r\n" },	/* to all */
	{ MODE_AUTHORIZER, "a\r\nX: y", "", -1, 0, OK200 "\r\n" },
	{ MODE_AUTH_REQUEST, "alice", "editor", -1, 0, OK200
	    "X-Portcullis-User: alice\r\nX-Portcullis-Roles: editor\r\n"
	    XTAIL },
	{ MODE_AUTH_REQUEST, "", "", -1, 0, OK200
	    "X-Portcullis-User: \r\nX-Portcullis-Roles: \r\n" XTAIL },
	{ MODE_FORWARD_AUTH, "bob", "viewer", -1, 0, OK200
	    "X-Portcullis-User: bob\r\nX-Portcullis-Roles: viewer\r\n"
	    XTAIL },
	{ MODE_FORWARD_AUTH, "bob", "viewer", 0, -1, "" },
	{ MODE_FORWARD_AUTH, "bob", "viewer", 1, -1, OK200 },
	{ MODE_AUTHORIZER, "bob", "viewer", 1, -1, OK200 },
};

START_TEST(test_resp_allowed)
{
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;

	memset(&d, 0, sizeof(d));
	d.mode = alloweds[_i].mode;
	snprintf(d.user, sizeof(d.user), "%s", alloweds[_i].user);
	snprintf(d.roles, sizeof(d.roles), "%s", alloweds[_i].roles);
	sink_init(&s, &w, alloweds[_i].failat);
	ck_assert_int_eq(resp_allowed(&w, &d, 0), alloweds[_i].rc);
	ck_assert_str_eq(sink_str(&s), alloweds[_i].want);
	free(s.buf);
}
END_TEST

/*
 * The health and metrics answers (metrics are off in this process:
 * their text is checked in check_metrics.c; off, the write fails).
 */
#define SELF(v)	"Status: 200 OK\r\nContent-Type: text/plain; " v \
		"charset=utf-8\r\nCache-Control: no-store\r\n\r\n"
static const struct {
	enum mode	 mode;
	int		 head;
	int		 failat;
	int		 rc;
	const char	*want;
} selfs[] = {
	{ MODE_HEALTH,	0, -1, 0, SELF("") "ok\n" },
	{ MODE_HEALTH,	1, -1, 0, SELF("") },
	{ MODE_HEALTH,	0, 0, -1, "" },
	{ MODE_HEALTH,	0, 1, -1, SELF("") },
	{ MODE_METRICS,	1, -1, 0, SELF("version=0.0.4; ") },
	{ MODE_METRICS,	0, -1, -1, SELF("version=0.0.4; ") },
};

START_TEST(test_resp_self)
{
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;

	memset(&d, 0, sizeof(d));
	d.mode = selfs[_i].mode;
	sink_init(&s, &w, selfs[_i].failat);
	ck_assert_int_eq(resp_self(&w, &d, selfs[_i].head), selfs[_i].rc);
	ck_assert_str_eq(sink_str(&s), selfs[_i].want);
	free(s.buf);
}
END_TEST

/*
 * Denials by mode: nginx's auth_request gets every status but 401 as
 * a 403 carrying X-Portcullis-Status; the others get the real one.
 */
#define CHALLENGE	"Basic realm=\"Portcullis\", charset=\"UTF-8\"\r\n"
static const struct {
	enum mode	 mode;
	enum verdict	 v;
	const char	*want;
} modedenials[] = {
	{ MODE_AUTH_REQUEST, VERDICT_METHOD, "Status: 403 Forbidden\r\n"
	    "X-Portcullis-Status: 405\r\nAllow: GET, HEAD\r\n" TAIL("14")
	    "403 Forbidden\n" },
	{ MODE_AUTH_REQUEST, VERDICT_FORBIDDEN, "Status: 403 Forbidden\r\n"
	    "X-Portcullis-Status: 403\r\n" TAIL("14") "403 Forbidden\n" },
	{ MODE_AUTH_REQUEST, VERDICT_NOAUTH, "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: " CHALLENGE TAIL("17") "401 Unauthorized\n" },
	{ MODE_AUTH_REQUEST, VERDICT_PROXYAUTH, "Status: 403 Forbidden\r\n"
	    "X-Portcullis-Status: 407\r\nProxy-Authenticate: " CHALLENGE
	    TAIL("14") "403 Forbidden\n" },
	{ MODE_AUTH_REQUEST, VERDICT_BUSY, "Status: 403 Forbidden\r\n"
	    "X-Portcullis-Status: 503\r\nRetry-After: 1\r\n" TAIL("14")
	    "403 Forbidden\n" },
	{ MODE_AUTH_REQUEST, VERDICT_BADREQ, "Status: 403 Forbidden\r\n"
	    "X-Portcullis-Status: 400\r\n" TAIL("14") "403 Forbidden\n" },
	{ MODE_AUTH_REQUEST, VERDICT_ERROR, "Status: 403 Forbidden\r\n"
	    "X-Portcullis-Status: 500\r\n" TAIL("14") "403 Forbidden\n" },
	{ MODE_AUTHORIZER, VERDICT_PROXYAUTH,
	    "Status: 407 Proxy Authentication Required\r\n"
	    "Proxy-Authenticate: " CHALLENGE TAIL("34")
	    "407 Proxy Authentication Required\n" },
	{ MODE_FORWARD_AUTH, VERDICT_METHOD,
	    "Status: 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n"
	    TAIL("23") "405 Method Not Allowed\n" },
	{ MODE_RESPONDER, VERDICT_PROXYAUTH,
	    "Status: 407 Proxy Authentication Required\r\n"
	    "Proxy-Authenticate: " CHALLENGE TAIL("34")
	    "407 Proxy Authentication Required\n" },
};

START_TEST(test_resp_denial_mode)
{
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;

	memset(&d, 0, sizeof(d));
	d.mode = modedenials[_i].mode;
	d.verdict = modedenials[_i].v;
	snprintf(d.realm, sizeof(d.realm), "Portcullis");
	snprintf(d.allow, sizeof(d.allow), "GET, HEAD");
	sink_init(&s, &w, -1);
	ck_assert_int_eq(resp_denial(&w, &d, 0), 0);
	ck_assert_str_eq(sink_str(&s), modedenials[_i].want);
	free(s.buf);
}
END_TEST

static const struct {
	size_t		 len;	/* bytes of 'x' */
	int		 failat;
	int		 rc;
	size_t		 written;
} printfs[] = {
	{ 0, -1, 0, 0 },
	{ 1, -1, 0, 1 },
	{ 8191, -1, 0, 8191 },	/* fits with its NUL */
	{ 8192, -1, -1, 0 },	/* truncated: nothing written */
	{ 20000, -1, -1, 0 },
	{ 10, 0, -1, 0 },	/* the writer fails */
};

START_TEST(test_wr_printf)
{
	struct sink	 s;
	struct writer	 w;
	char		*src;
	size_t		 n = printfs[_i].len;

	ck_assert_ptr_nonnull(src = malloc(n + 1));
	memset(src, 'x', n);
	src[n] = '\0';
	sink_init(&s, &w, printfs[_i].failat);
	ck_assert_int_eq(wr_printf(&w, "%s", src), printfs[_i].rc);
	ck_assert_uint_eq(s.len, printfs[_i].written);
	if (printfs[_i].written > 0)
		ck_assert_int_eq(memcmp(s.buf, src, s.len), 0);
	free(src);
	free(s.buf);
}
END_TEST

static const struct {
	const char	*str;
	int		 failat;
	int		 rc;
	size_t		 written;
} putss[] = {
	{ "", -1, 0, 0 },
	{ "abc", -1, 0, 3 },
	{ "abc", 0, -1, 0 },
};

START_TEST(test_wr_puts)
{
	struct sink	 s;
	struct writer	 w;

	sink_init(&s, &w, putss[_i].failat);
	ck_assert_int_eq(wr_puts(&w, putss[_i].str), putss[_i].rc);
	ck_assert_uint_eq(s.len, putss[_i].written);
	free(s.buf);
}
END_TEST

START_TEST(test_tables)
{
	ck_assert_int_eq(verdict_status[_i] / 100 >= 2, 1);
	ck_assert_ptr_nonnull(verdict_reason[_i]);
	ck_assert_int_gt((int)strlen(verdict_reason[_i]), 0);
}
END_TEST

static Suite *
response_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("response");
	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_resp_denial, 0, (int)nitems(denials));
	tcase_add_loop_test(tc, test_resp_denial_fail, 0,
	    (int)nitems(denials));
	tcase_add_loop_test(tc, test_resp_401_identical, 0,
	    (int)nitems(noauth_whys));
	tcase_add_test(tc, test_resp_null_decision);
	tcase_add_loop_test(tc, test_resp_allowed, 0, (int)nitems(alloweds));
	tcase_add_loop_test(tc, test_resp_self, 0, (int)nitems(selfs));
	tcase_add_loop_test(tc, test_resp_denial_mode, 0,
	    (int)nitems(modedenials));
	tcase_add_loop_test(tc, test_wr_printf, 0, (int)nitems(printfs));
	tcase_add_loop_test(tc, test_wr_puts, 0, (int)nitems(putss));
	tcase_add_loop_test(tc, test_tables, 0, VERDICT__MAX);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(response_suite());
}
