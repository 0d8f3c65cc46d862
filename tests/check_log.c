/*
 * Unit tests for log.c: escaping, the exact log lines for each kind
 * of refusal, and that no secret reaches a line.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "testlib.h"

#define SECRET_AUTHZ	"Basic c2VjcmV0"	/* "secret" */

static const struct {
	const char	*src;
	size_t		 dstsz;
	const char	*want;
} escapes[] = {
	{ NULL,			16,	"" },
	{ "",			16,	"" },
	{ "alice",		16,	"alice" },
	{ "a\"b",		16,	"a\\\"b" },
	{ "a\\b",		16,	"a\\\\b" },
	{ "a\nb\rc\td",		32,	"a\\x0ab\\x0dc\\x09d" },
	{ "\x01\x1f\x7f",	32,	"\\x01\\x1f\\x7f" },
	{ "caf\xc3\xa9",	32,	"caf\\xc3\\xa9" },	/* UTF-8 */
	{ "\xff",		32,	"\\xff" },
	{ "abcdefghij",		11,	"abcdefghij" },	/* exact fit */
	{ "abcdefghij",		10,	"abcdef..." },
	{ "abcdefghij",		8,	"abcd..." },
	{ "abcdefghij",		4,	"..." },
	{ "ab\x01" "cdef",	8,	"ab..." },	/* no cut escape */
	{ "ab\x01" "cdef",	10,	"ab\\x01..." },
	{ "ab\x01" "cdef",	11,	"ab\\x01cdef" },	/* exact fit */
	{ "ab\x01" "cdef",	15,	"ab\\x01cdef" },
	{ "ab\"cd",		7,	"ab\\\"cd" },
	{ "ab\"cd",		6,	"ab..." },
	{ "ab\"cd",		5,	"a..." },
};

START_TEST(test_log_escape)
{
	char	 buf[64];

	memset(buf, 'Z', sizeof(buf));
	log_escape(buf, escapes[_i].dstsz, escapes[_i].src);
	ck_assert_str_eq(buf, escapes[_i].want);
	ck_assert_uint_lt(strlen(buf), escapes[_i].dstsz);
	/* Nothing written past dstsz. */
	ck_assert_int_eq(buf[escapes[_i].dstsz], 'Z');
}
END_TEST

static const struct {
	enum verdict	 v;
	enum why	 why;
	const char	*addr;
	const char	*method;
	const char	*path;
	const char	*user;
	const char	*claimed;
	const char	*detail;
	int64_t		 rule;
	const char	*want;
} lines[] = {
	{ VERDICT_ALLOW, WHY_GRANT_ROLE, "192.0.2.1", "GET", "/x",
	    "alice", "alice", "", 7, "" },
	{ VERDICT_NOAUTH, WHY_BAD_PASSWORD, "192.0.2.1", "GET", "/secret",
	    "", "alice", "", 0,
	    "portcullis: auth failure: client=192.0.2.1 reason=bad-password "
	    "user=\"alice\" method=\"GET\" uri=\"/secret\"\n" },
	{ VERDICT_NOAUTH, WHY_UNKNOWN_USER, "2001:db8::1", "POST", "/a b",
	    "", "bob\" x=\"1", "", 0,
	    "portcullis: auth failure: client=2001:db8::1 "
	    "reason=unknown-user user=\"bob\\\" x=\\\"1\" method=\"POST\" "
	    "uri=\"/a b\"\n" },
	{ VERDICT_NOAUTH, WHY_BAD_HEADER, "192.0.2.1", "GET", "/",
	    "", "", "", 0,
	    "portcullis: auth failure: client=192.0.2.1 reason=bad-header "
	    "user=\"\" method=\"GET\" uri=\"/\"\n" },
	{ VERDICT_NOAUTH, WHY_DISABLED_USER, "192.0.2.1", "GET", "/",
	    "", "carol\n", "", 0,
	    "portcullis: auth failure: client=192.0.2.1 reason=disabled-user "
	    "user=\"carol\\x0a\" method=\"GET\" uri=\"/\"\n" },
	{ VERDICT_NOAUTH, WHY_EXPIRED_USER, "192.0.2.1", "GET", "/",
	    "", "dave", "", 0,
	    "portcullis: auth failure: client=192.0.2.1 reason=expired-user "
	    "user=\"dave\" method=\"GET\" uri=\"/\"\n" },
	{ VERDICT_NOAUTH, WHY_UNSUPPORTED_HASH, "192.0.2.1", "GET", "/",
	    "", "erin", "", 0,
	    "portcullis: auth failure: client=192.0.2.1 "
	    "reason=unsupported-hash user=\"erin\" method=\"GET\" "
	    "uri=\"/\"\n" },
	{ VERDICT_NOAUTH, WHY_COSTLY_HASH, "192.0.2.1", "GET", "/",
	    "", "frank", "", 0,
	    "portcullis: auth failure: client=192.0.2.1 reason=costly-hash "
	    "user=\"frank\" method=\"GET\" uri=\"/\"\n" },
	{ VERDICT_NOAUTH, WHY_NO_CREDENTIALS, "192.0.2.1", "GET", "/priv",
	    "", "", "", 3,
	    "portcullis: denied: client=192.0.2.1 status=401 "
	    "reason=no-credentials user=\"\" method=\"GET\" uri=\"/priv\" "
	    "rule=3\n" },
	{ VERDICT_BADREQ, WHY_BAD_TARGET, "192.0.2.1", "GET", "",
	    "", "", "", 0,
	    "portcullis: denied: client=192.0.2.1 status=400 "
	    "reason=bad-target user=\"\" method=\"GET\" uri=\"-\"\n" },
	{ VERDICT_BADREQ, WHY_BAD_METHOD, "192.0.2.1", "G\x01T", "/",
	    "", "", "", 0,
	    "portcullis: denied: client=192.0.2.1 status=400 "
	    "reason=bad-method user=\"\" method=\"G\\x01T\" uri=\"/\"\n" },
	{ VERDICT_FORBIDDEN, WHY_NO_GRANT, "192.0.2.1", "GET", "/admin",
	    "alice", "alice", "", 0,
	    "portcullis: denied: client=192.0.2.1 status=403 "
	    "reason=no-grant user=\"alice\" method=\"GET\" "
	    "uri=\"/admin\"\n" },
	{ VERDICT_FORBIDDEN, WHY_NO_RESOURCE, "192.0.2.1", "GET", "/n",
	    "", "mallory", "", 12,
	    "portcullis: denied: client=192.0.2.1 status=403 "
	    "reason=no-resource user=\"mallory\" method=\"GET\" uri=\"/n\" "
	    "rule=12\n" },
	{ VERDICT_NOTFOUND, WHY_NO_FILE, "192.0.2.1", "HEAD", "/caf\xc3\xa9",
	    "alice", "", "", 9,
	    "portcullis: denied: client=192.0.2.1 status=404 "
	    "reason=no-file user=\"alice\" method=\"HEAD\" "
	    "uri=\"/caf\\xc3\\xa9\" rule=9\n" },
	{ VERDICT_METHOD, WHY_NO_METHOD, "192.0.2.1", "DELETE", "/",
	    "bob", "bob", "", 0,
	    "portcullis: denied: client=192.0.2.1 status=405 "
	    "reason=no-method user=\"bob\" method=\"DELETE\" uri=\"/\"\n" },
	{ VERDICT_LOCKED, WHY_LOCKED, "192.0.2.1", "GET", "/docs/x",
	    "", "bob", "", 0,
	    "portcullis: denied: client=192.0.2.1 status=429 "
	    "reason=locked user=\"bob\" method=\"GET\" uri=\"/docs/x\"\n" },
	{ VERDICT_BUSY, WHY_LOCKOUT_STATE, "192.0.2.1", "GET", "/docs/x",
	    "", "bob", "lockout state: unable to open", 0,
	    "portcullis: error: client=192.0.2.1 status=503 "
	    "reason=lockout-state detail=\"lockout state: unable to open\" "
	    "method=\"GET\" uri=\"/docs/x\"\n" },
	{ VERDICT_ERROR, WHY_STORE, "192.0.2.1", "GET", "/",
	    "alice", "alice", "disk I/O \"error\"", 4,
	    "portcullis: error: client=192.0.2.1 status=500 reason=store "
	    "detail=\"disk I/O \\\"error\\\"\" method=\"GET\" uri=\"/\"\n" },
	{ VERDICT_ERROR, WHY_SCHEMA, "192.0.2.1", "GET", "/",
	    "", "", "", 0,
	    "portcullis: error: client=192.0.2.1 status=500 reason=schema "
	    "detail=\"\" method=\"GET\" uri=\"/\"\n" },
	{ VERDICT_BUSY, WHY_BUSY, "192.0.2.1", "GET", "/",
	    "", "", "locked", 0,
	    "portcullis: error: client=192.0.2.1 status=503 reason=busy "
	    "detail=\"locked\" method=\"GET\" uri=\"/\"\n" },
	{ VERDICT__MAX, WHY__MAX, "1.2\n3", "GET", "/",
	    "", "", "", 0,
	    "portcullis: error: client=1.2\\x0a3 status=500 reason=invalid "
	    "detail=\"\" method=\"GET\" uri=\"/\"\n" },
};

static void
fill(struct request *req, struct decision *d, size_t i)
{
	memset(req, 0, sizeof(*req));
	memset(d, 0, sizeof(*d));
	(void)snprintf(req->addr, sizeof(req->addr), "%s", lines[i].addr);
	(void)snprintf(req->method, sizeof(req->method), "%s",
	    lines[i].method);
	(void)snprintf(req->path, sizeof(req->path), "%s", lines[i].path);
	(void)snprintf(req->authz, sizeof(req->authz), "%s", SECRET_AUTHZ);
	req->authzsz = strlen(req->authz);
	d->verdict = lines[i].v;
	d->why = lines[i].why;
	(void)snprintf(d->user, sizeof(d->user), "%s", lines[i].user);
	(void)snprintf(d->claimed, sizeof(d->claimed), "%s",
	    lines[i].claimed);
	(void)snprintf(d->detail, sizeof(d->detail), "%s", lines[i].detail);
	d->rule = lines[i].rule;
}

START_TEST(test_log_decision)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;

	fill(&req, &d, (size_t)_i);
	sink_init(&s, &w, -1);
	log_decision(&w, &req, &d);
	ck_assert_str_eq(sink_str(&s), lines[_i].want);
	/* One write per line, none for ALLOW. */
	ck_assert_int_eq(s.calls, lines[_i].v == VERDICT_ALLOW ? 0 : 1);
	free(s.buf);
}
END_TEST

/*
 * A 400 for a target: uri= is the target as received (no canonical
 * path), escaped, its first 255 bytes and "..." beyond.  long_a: the
 * target is 300 'a's after "/".
 */
#define LINE400 "portcullis: denied: client=192.0.2.1 status=400 " \
	"reason=bad-target user=\"\" method=\"GET\" uri=\""
static const struct {
	const char	*target;
	int		 long_a;
	const char	*want;
} targets[] = {
	{ "/a/../../etc/passwd", 0, LINE400 "/a/../../etc/passwd\"\n" },
	{ "/x%2fy", 0, LINE400 "/x%2fy\"\n" },
	{ "/q\" x=\"1\n\xff", 0, LINE400 "/q\\\" x=\\\"1\\x0a\\xff\"\n" },
	{ "", 0, LINE400 "-\"\n" },
	{ NULL, 0, LINE400 "-\"\n" },
	{ NULL, 1, NULL },
};

START_TEST(test_log_badtarget)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;
	char		 longt[302], want[512];

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	(void)snprintf(req.addr, sizeof(req.addr), "192.0.2.1");
	(void)snprintf(req.method, sizeof(req.method), "GET");
	d.verdict = VERDICT_BADREQ;
	d.why = WHY_BAD_TARGET;
	req.target = targets[_i].target;
	if (targets[_i].long_a) {
		longt[0] = '/';
		memset(longt + 1, 'a', 300);
		longt[301] = '\0';
		req.target = longt;
		/* "/" and 254 'a's: 255 bytes, then "...". */
		(void)snprintf(want, sizeof(want), "%s/%.254s...\"\n",
		    LINE400, longt + 1);
	} else
		(void)snprintf(want, sizeof(want), "%s", targets[_i].want);
	sink_init(&s, &w, -1);
	log_decision(&w, &req, &d);
	ck_assert_str_eq(sink_str(&s), want);
	free(s.buf);
}
END_TEST

/* The Authorization header never reaches a line, for any why. */
START_TEST(test_log_no_authz)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;
	size_t		 v;

	for (v = 0; v < VERDICT__MAX; v++) {
		fill(&req, &d, 11);	/* "/admin", user alice */
		d.verdict = (enum verdict)v;
		d.why = (enum why)_i;
		sink_init(&s, &w, -1);
		log_decision(&w, &req, &d);
		ck_assert_ptr_null(strstr(sink_str(&s), SECRET_AUTHZ));
		ck_assert_ptr_null(strstr(sink_str(&s), "c2VjcmV0"));
		ck_assert_ptr_null(strstr(sink_str(&s), "secret"));
		ck_assert_int_eq(strcmp(why_str[_i], "") != 0, 1);
		if (v != VERDICT_ALLOW)
			ck_assert_ptr_nonnull(strstr(sink_str(&s),
			    why_str[_i]));
		free(s.buf);
	}
}
END_TEST

/* A long, hostile path is cut, quoted and the line still ends. */
START_TEST(test_log_long)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 s;
	struct writer	 w;
	const char	*p;

	fill(&req, &d, 11);	/* 403 no-grant */
	memset(req.path, '\x01', REQ_PATH_MAX);
	req.path[0] = '/';
	req.path[REQ_PATH_MAX] = '\0';
	memset(d.user, '"', NAME_MAX_LEN);
	d.user[NAME_MAX_LEN] = '\0';
	sink_init(&s, &w, -1);
	log_decision(&w, &req, &d);
	ck_assert_int_eq(s.calls, 1);
	ck_assert_uint_lt(s.len, 4096);
	ck_assert_ptr_nonnull(strstr(sink_str(&s),
	    "\\x01\\x01...\"\n"));
	ck_assert_ptr_eq(strchr(sink_str(&s), '\n'), sink_str(&s) + s.len - 1);
	for (p = sink_str(&s); *p != '\0'; p++)
		ck_assert_int_eq(*p >= 0x20 || *p == '\n', 1);
	free(s.buf);
}
END_TEST

static const struct {
	size_t		 len;	/* bytes of 'x' after "%s" */
	const char	*tail;
} msgs[] = {
	{ 0, "portcullis: \n" },
	{ 5, "portcullis: xxxxx\n" },
	{ 4082, "xx\n" },	/* 12 + 4082 + 1 = 4095: fits */
	{ 4083, "x...\n" },	/* no room for the newline */
	{ 10000, "x...\n" },
};

START_TEST(test_log_msg)
{
	struct sink	 s;
	struct writer	 w;
	char		*src;
	size_t		 n = msgs[_i].len, tl = strlen(msgs[_i].tail);

	ck_assert_ptr_nonnull(src = malloc(n + 1));
	memset(src, 'x', n);
	src[n] = '\0';
	sink_init(&s, &w, -1);
	log_msg(&w, "%s", src);
	ck_assert_int_eq(s.calls, 1);
	ck_assert_uint_le(s.len, 4095);
	ck_assert_int_eq(strncmp(sink_str(&s), "portcullis: ", 12), 0);
	ck_assert_uint_ge(s.len, tl);
	ck_assert_str_eq(sink_str(&s) + s.len - tl, msgs[_i].tail);
	free(src);
	free(s.buf);
}
END_TEST

START_TEST(test_log_msg_format)
{
	struct sink	 s;
	struct writer	 w;

	sink_init(&s, &w, -1);
	log_msg(&w, "store %s: %d", "open", 14);
	ck_assert_str_eq(sink_str(&s), "portcullis: store open: 14\n");
	free(s.buf);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("log");
	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_log_escape, 0, (int)nitems(escapes));
	tcase_add_loop_test(tc, test_log_decision, 0, (int)nitems(lines));
	tcase_add_loop_test(tc, test_log_badtarget, 0, (int)nitems(targets));
	tcase_add_loop_test(tc, test_log_no_authz, 0, WHY__MAX);
	tcase_add_test(tc, test_log_long);
	tcase_add_loop_test(tc, test_log_msg, 0, (int)nitems(msgs));
	tcase_add_test(tc, test_log_msg_format);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(log_suite());
}
