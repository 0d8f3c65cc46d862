/*
 * check_decide.c: the decision table, through req_parse() and a real
 * database built from sql/.  One row per branch of decide.c; the
 * README's "Decision semantics" lists the same cases.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "extern.h"
#include "testlib.h"

/*
 * The rule set every row runs against.  Rule ids follow insert order.
 */
static const char policy_sql[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "');"
    "INSERT INTO users (name, hash) VALUES ('bob', '" FX_YESCRYPT "');"
    "INSERT INTO users (name, hash, disabled) VALUES "
    "    ('carol', '" FX_BCRYPT "', 1);"
    "INSERT INTO users (name, hash, expires) VALUES "
    "    ('dave', '" FX_BCRYPT "', '2000-01-01');"
    "INSERT INTO users (name, hash, expires) VALUES "
    "    ('erin', '" FX_BCRYPT "', '2999-01-01');"
    "INSERT INTO users (name, hash) VALUES "
    "    ('j\xc3\xbcrgen', '" FX_BCRYPT_UTF8 "');"
    "INSERT INTO roles (name) VALUES ('editor'), ('viewer'), ('admin');"
    "INSERT INTO members (user, role) VALUES ('alice', 'editor'),"
    "    ('bob', 'viewer'), ('carol', 'editor'), ('dave', 'editor');"
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/public/**', 'GET', 'all'),"			/* 1 */
    "    ('/docs/**', 'GET', 'viewer'),"			/* 2 */
    "    ('/docs/**', 'GET,PUT,DELETE', 'editor'),"		/* 3 */
    "    ('/docs/private/**', 'GET', 'editor'),"		/* 4 */
    "    ('/status', 'GET', 'all'),"				/* 5 */
    "    ('/members/**', 'GET', 'valid-user'),"		/* 6 */
    "    ('/admin/**', '*', 'admin'),"			/* 7 */
    "    ('/users/*/avatar', 'GET,PUT', 'valid-user'),"	/* 8 */
    "    ('/api/**', 'POST,PROPFIND', 'editor');"		/* 9 */
    "INSERT INTO rules (pattern, host, methods, principal) VALUES"
    "    ('/docs/**', 'example.com', 'GET', 'all');"		/* 10 */
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/docs/index.html', 'GET', 'editor'),"		/* 11 */
    "    ('/open/', 'GET', 'all'),"				/* 12 */
    "    ('/mixed/**', 'GET', 'all'),"			/* 13 */
    "    ('/mixed/index.html', 'GET', 'valid-user');"	/* 14 */
    "INSERT INTO resources (pattern) VALUES ('/empty/**');"
    /* Rows the schema refuses, as a database from before version 4
     * could hold them (the cost triggers are not CHECKs). */
    "PRAGMA ignore_check_constraints = ON;"
    "DROP TRIGGER users_hash_argon2_insert;"
    "INSERT INTO users (name, hash) VALUES ('frank',"
    "    '$apr1$Ht2sJMzT$NWkWqv9TmXcx6IefStZX80');"
    "INSERT INTO users (name, hash) VALUES ('gina',"
    "    '$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$aGFzaA');"
    "INSERT INTO members (user, role) VALUES ('frank', 'editor'),"
    "    ('gina', 'editor');";

#define A	MODE_AUTHORIZER
#define R	MODE_RESPONDER

/* User names of 255 and 256 bytes, around NAME_MAX_LEN. */
#define N16	"nnnnnnnnnnnnnnnn"
#define N64	N16 N16 N16 N16
#define N255	N64 N64 N64 N16 N16 N16 "nnnnnnnnnnnnnnn"
#define N256	N255 "n"

static const struct {
	const char	*method;
	const char	*target;
	const char	*host;
	const char	*cred;		/* "user:pass" sent as Basic */
	const char	*hdr;		/* or a raw Authorization */
	enum mode	 mode;
	enum verdict	 verdict;
	enum why	 why;
	const char	*allow;		/* 405 only */
	const char	*user;		/* authenticated */
	int64_t		 rule;
} rows[] = {
	/* "all" needs no credentials, and ignores bad ones */
	{ "GET", "/public/a.txt", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 1 },
	{ "HEAD", "/public/", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 1 },
	{ "GET", "/public/a", NULL, "alice:wrong", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 1 },
	{ "GET", "/public", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 1 },
	/* 405 is decided before credentials; Allow lists what rules name */
	{ "POST", "/public/a", NULL, NULL, NULL, A,
	    VERDICT_METHOD, WHY_NO_METHOD, "GET, HEAD", "", 0 },
	{ "get", "/public/a", NULL, NULL, NULL, A,
	    VERDICT_METHOD, WHY_NO_METHOD, "GET, HEAD", "", 0 },
	{ "BREW", "/docs/x", NULL, "alice:s3cret", NULL, A,
	    VERDICT_METHOD, WHY_NO_METHOD, "GET, HEAD, PUT, DELETE", "", 0 },
	{ "PUT", "/docs/x", NULL, NULL, NULL, R,
	    VERDICT_METHOD, WHY_NO_METHOD, "GET, HEAD", "", 0 },
	{ "POST", "/api/x", NULL, NULL, NULL, R,
	    VERDICT_METHOD, WHY_NO_METHOD, "", "", 0 },
	{ "GET", "/empty/x", NULL, "alice:s3cret", NULL, A,
	    VERDICT_METHOD, WHY_NO_METHOD, "", "", 0 },
	/* roles */
	{ "GET", "/docs/a", NULL, "bob:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "bob", 2 },
	{ "PUT", "/docs/a", NULL, "bob:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "bob", 0 },
	{ "PUT", "/docs/a", NULL, "alice:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "alice", 3 },
	{ "HEAD", "/docs/a", NULL, "alice:s3cret", NULL, R,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "alice", 3 },
	{ "GET", "/docs", NULL, "bob:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "bob", 2 },
	/* the most specific resource wins, whatever the row order */
	{ "GET", "/docs/private/x", NULL, "bob:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "bob", 0 },
	{ "GET", "/docs/private/x", NULL, "alice:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "alice", 4 },
	{ "PUT", "/docs/private/x", NULL, "alice:s3cret", NULL, A,
	    VERDICT_METHOD, WHY_NO_METHOD, "GET, HEAD", "", 0 },
	/* a host-bound resource beats an any-host one */
	{ "GET", "/docs/a", "Example.COM:8080", NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 10 },
	{ "GET", "/docs/a", "example.com.", NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 10 },
	{ "GET", "/docs/a", "other.example", NULL, NULL, A,
	    VERDICT_NOAUTH, WHY_NO_CREDENTIALS, "", "", 0 },
	{ "PUT", "/docs/a", "example.com", "alice:s3cret", NULL, A,
	    VERDICT_METHOD, WHY_NO_METHOD, "GET, HEAD", "", 0 },
	/* exact and whole-segment matching */
	{ "GET", "/status", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 5 },
	{ "GET", "/status/", NULL, NULL, NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_RESOURCE, "", "", 0 },
	{ "GET", "/statusx", NULL, NULL, NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_RESOURCE, "", "", 0 },
	{ "GET", "/administrator", NULL, "alice:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_RESOURCE, "", "", 0 },
	{ "GET", "/admin/x", NULL, "alice:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "alice", 0 },
	{ "BREW", "/admin/x", NULL, NULL, NULL, A,
	    VERDICT_NOAUTH, WHY_NO_CREDENTIALS, "", "", 0 },
	{ "GET", "/users/bob/avatar", NULL, "erin:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_VALID_USER, "", "erin", 8 },
	{ "GET", "/users/bob/x/avatar", NULL, "erin:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_RESOURCE, "", "", 0 },
	/* canonicalised before matching */
	{ "GET", "/docs/../public/x?y=1", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 1 },
	{ "GET", "/public/../docs/x", NULL, NULL, NULL, A,
	    VERDICT_NOAUTH, WHY_NO_CREDENTIALS, "", "", 0 },
	{ "GET", "//status", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 5 },
	{ "GET", "/%73tatus", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 5 },
	{ "GET", "http://h.example/status?x", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 5 },
	/* valid-user */
	{ "GET", "/members/x", NULL, "erin:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_VALID_USER, "", "erin", 6 },
	{ "GET", "/members/x", NULL, "j\xc3\xbcrgen:p\xc3\xa4ssw\xc3\xb6rd",
	    NULL, A, VERDICT_ALLOW, WHY_GRANT_VALID_USER, "",
	    "j\xc3\xbcrgen", 6 },
	/* every credential failure is a 401 */
	{ "GET", "/members/x", NULL, NULL, NULL, A,
	    VERDICT_NOAUTH, WHY_NO_CREDENTIALS, "", "", 0 },
	{ "GET", "/members/x", NULL, NULL, "Bearer abc", A,
	    VERDICT_NOAUTH, WHY_NO_CREDENTIALS, "", "", 0 },
	{ "GET", "/members/x", NULL, NULL, "Basic !!!", A,
	    VERDICT_NOAUTH, WHY_BAD_HEADER, "", "", 0 },
	{ "GET", "/members/x", NULL, NULL, "Basic YWxpY2U=", A,
	    VERDICT_NOAUTH, WHY_BAD_HEADER, "", "", 0 },
	{ "GET", "/members/x", NULL, "alice:wrong", NULL, A,
	    VERDICT_NOAUTH, WHY_BAD_PASSWORD, "", "", 0 },
	{ "GET", "/members/x", NULL, "alice:", NULL, A,
	    VERDICT_NOAUTH, WHY_BAD_PASSWORD, "", "", 0 },
	{ "GET", "/members/x", NULL, "Alice:s3cret", NULL, A,
	    VERDICT_NOAUTH, WHY_UNKNOWN_USER, "", "", 0 },
	{ "GET", "/members/x", NULL, "nobody:s3cret", NULL, A,
	    VERDICT_NOAUTH, WHY_UNKNOWN_USER, "", "", 0 },
	{ "GET", "/members/x", NULL, "carol:s3cret", NULL, A,
	    VERDICT_NOAUTH, WHY_DISABLED_USER, "", "", 0 },
	{ "GET", "/members/x", NULL, "carol:wrong", NULL, A,
	    VERDICT_NOAUTH, WHY_BAD_PASSWORD, "", "", 0 },
	{ "GET", "/members/x", NULL, "dave:s3cret", NULL, A,
	    VERDICT_NOAUTH, WHY_EXPIRED_USER, "", "", 0 },
	{ "GET", "/members/x", NULL, "frank:s3cret", NULL, A,
	    VERDICT_NOAUTH, WHY_UNSUPPORTED_HASH, "", "", 0 },
	{ "GET", "/members/x", NULL, "gina:s3cret", NULL, A,
	    VERDICT_NOAUTH, WHY_COSTLY_HASH, "", "", 0 },
	/* no resource: 403 for everyone */
	{ "GET", "/", NULL, NULL, NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_RESOURCE, "", "", 0 },
	{ "DELETE", "/nowhere", NULL, "alice:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_RESOURCE, "", "", 0 },
	/* extension methods are tokens like any other */
	{ "PROPFIND", "/api/x", NULL, "alice:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "alice", 9 },
	{ "PROPFIND", "/api/x", NULL, "erin:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "erin", 0 },
	/*
	 * a directory is its index.html too (step 6): the stricter of
	 * the two decisions, credentials verified once
	 */
	{ "GET", "/docs/", NULL, "bob:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "bob", 0 },
	{ "GET", "/docs/", NULL, "bob:s3cret", NULL, R,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "bob", 0 },
	{ "HEAD", "/docs/", NULL, "bob:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "bob", 0 },
	{ "GET", "/docs/index.html", NULL, "bob:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "bob", 0 },
	{ "GET", "/docs/.//", NULL, "bob:s3cret", NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, "", "bob", 0 },
	{ "GET", "/docs/", NULL, "alice:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "alice", 3 },
	{ "GET", "/docs/index.html", NULL, "alice:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "alice", 11 },
	{ "GET", "/docs/", NULL, NULL, NULL, A,
	    VERDICT_NOAUTH, WHY_NO_CREDENTIALS, "", "", 0 },
	{ "GET", "/docs/", NULL, "bob:wrong", NULL, A,
	    VERDICT_NOAUTH, WHY_BAD_PASSWORD, "", "", 0 },
	{ "PUT", "/docs/", NULL, "alice:s3cret", NULL, A,
	    VERDICT_METHOD, WHY_NO_METHOD, "GET, HEAD", "", 0 },
	{ "GET", "/docs", NULL, "bob:s3cret", NULL, R,
	    VERDICT_ALLOW, WHY_GRANT_ROLE, "", "bob", 2 },
	{ "GET", "/open/", NULL, NULL, NULL, A,
	    VERDICT_FORBIDDEN, WHY_NO_RESOURCE, "", "", 0 },
	{ "GET", "/mixed/", NULL, NULL, NULL, A,
	    VERDICT_NOAUTH, WHY_NO_CREDENTIALS, "", "", 0 },
	{ "GET", "/mixed/", NULL, "alice:wrong", NULL, A,
	    VERDICT_NOAUTH, WHY_BAD_PASSWORD, "", "", 0 },
	{ "GET", "/mixed/", NULL, "erin:s3cret", NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_VALID_USER, "", "erin", 14 },
	{ "GET", "/mixed/x", NULL, NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 13 },
	{ "GET", "/docs/", "example.com", NULL, NULL, A,
	    VERDICT_ALLOW, WHY_GRANT_ALL, "", "", 10 },
};

START_TEST(test_decide)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	char		 authz[1500], b64[1400];
	const char	*env[14];
	size_t		 n = 0;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(pw_init(), 0);

	if (rows[_i].mode == MODE_AUTHORIZER) {
		env[n++] = "FCGI_ROLE";
		env[n++] = "AUTHORIZER";
	}
	env[n++] = "REQUEST_METHOD";
	env[n++] = rows[_i].method;
	env[n++] = "REQUEST_URI";
	env[n++] = rows[_i].target;
	if (rows[_i].host != NULL) {
		env[n++] = "HTTP_HOST";
		env[n++] = rows[_i].host;
	}
	if (rows[_i].cred != NULL) {
		ck_assert_uint_gt(b64_encode(b64, sizeof(b64), rows[_i].cred,
		    strlen(rows[_i].cred)), 0);
		snprintf(authz, sizeof(authz), "Basic %s", b64);
		env[n++] = "HTTP_AUTHORIZATION";
		env[n++] = authz;
	} else if (rows[_i].hdr != NULL) {
		env[n++] = "HTTP_AUTHORIZATION";
		env[n++] = rows[_i].hdr;
	}
	env[n++] = NULL;
	env[n++] = NULL;

	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	decide(s, &req, &d);
	ck_assert_msg(d.verdict == rows[_i].verdict && d.why == rows[_i].why,
	    "%s %s: verdict %d why %s, want %d %s", rows[_i].method,
	    rows[_i].target, d.verdict, why_str[d.why], rows[_i].verdict,
	    why_str[rows[_i].why]);
	if (d.verdict == VERDICT_METHOD)
		ck_assert_str_eq(d.allow, rows[_i].allow);
	ck_assert_str_eq(d.user, rows[_i].user);
	ck_assert_int_eq(d.rule, rows[_i].rule);
	ck_assert_str_eq(d.realm, "Portcullis");
	ck_assert_int_eq(d.anonymous, d.why == WHY_GRANT_ALL);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/* The realm comes from settings, read on every request. */
START_TEST(test_realm)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
			    "/x", NULL, NULL };

	fx_setup(&f);
	fx_exec(&f, "INSERT INTO rules (pattern, methods, principal) "
	    "VALUES ('/x', 'GET', 'valid-user')");
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_NOAUTH);
	ck_assert_str_eq(d.realm, "Portcullis");
	fx_exec(&f, "UPDATE settings SET value = 'Staff only' "
	    "WHERE name = 'realm'");
	decide(s, &req, &d);
	ck_assert_str_eq(d.realm, "Staff only");
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/* A change committed by the admin is seen by the next decision. */
START_TEST(test_fresh)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	char		 authz[128], b64[64];
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
			    "/docs/x", "HTTP_AUTHORIZATION", authz,
			    NULL, NULL };

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(pw_init(), 0);
	b64_encode(b64, sizeof(b64), "bob:s3cret", 10);
	snprintf(authz, sizeof(authz), "Basic %s", b64);
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);

	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	fx_exec(&f, "DELETE FROM members WHERE user = 'bob'");
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_FORBIDDEN);
	fx_exec(&f, "INSERT INTO members VALUES ('bob', 'viewer');"
	    "UPDATE users SET hash = '" FX_BCRYPT_UTF8 "' WHERE name = 'bob'");
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_NOAUTH);
	ck_assert_int_eq(d.why, WHY_BAD_PASSWORD);
	fx_exec(&f, "UPDATE users SET hash = '" FX_BCRYPT "', disabled = 1 "
	    "WHERE name = 'bob'");
	decide(s, &req, &d);
	ck_assert_int_eq(d.why, WHY_DISABLED_USER);
	fx_exec(&f, "DELETE FROM users WHERE name = 'bob'");
	decide(s, &req, &d);
	ck_assert_int_eq(d.why, WHY_UNKNOWN_USER);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/*
 * Modes and where credentials come from: each row is the CGI/FastCGI
 * environment a web server would pass.  "bob:s3cret" and
 * "alice:s3cret" as Basic are spelled out in base64.
 */
#define B_ALICE	"Basic YWxpY2U6czNjcmV0"
#define B_BOB	"Basic Ym9iOnMzY3JldA=="
static const struct {
	const char	*env[16];
	enum reqres	 parse;
	enum verdict	 verdict;
	enum why	 why;
	enum mode	 mode;
	const char	*user;
	const char	*roles;
} modes[] = {
	/* the deciding modes hand over the user's roles */
	{ { "FCGI_ROLE", "AUTHORIZER", "REQUEST_METHOD", "DELETE",
	    "REQUEST_URI", "/docs/a", "HTTP_AUTHORIZATION", B_ALICE },
	    REQ_OK, VERDICT_ALLOW, WHY_GRANT_ROLE, MODE_AUTHORIZER,
	    "alice", "editor" },
	{ { "PORTCULLIS_MODE", "auth_request", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/docs/a", "HTTP_AUTHORIZATION", B_BOB },
	    REQ_OK, VERDICT_ALLOW, WHY_GRANT_ROLE, MODE_AUTH_REQUEST,
	    "bob", "viewer" },
	{ { "PORTCULLIS_MODE", "responder", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/docs/a", "HTTP_AUTHORIZATION", B_BOB },
	    REQ_OK, VERDICT_ALLOW, WHY_GRANT_ROLE, MODE_RESPONDER,
	    "bob", "" },
	/*
	 * forward_auth reads PORTCULLIS_METHOD and PORTCULLIS_URI, set
	 * by the proxy's configuration, and never X-Forwarded-* (which
	 * a client sends as X_Forwarded_Uri, reaching us under the same
	 * name as the proxy's own)
	 */
	{ { "PORTCULLIS_MODE", "forward_auth", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/public/x", "PORTCULLIS_METHOD", "PUT",
	    "PORTCULLIS_URI", "/docs/a?x", "HTTP_AUTHORIZATION",
	    B_ALICE }, REQ_OK, VERDICT_ALLOW, WHY_GRANT_ROLE,
	    MODE_FORWARD_AUTH, "alice", "editor" },
	{ { "PORTCULLIS_MODE", "forward_auth", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/public/x", "PORTCULLIS_METHOD", "GET" },
	    REQ_BAD, VERDICT_BADREQ, WHY_NO_FORWARDED, MODE_FORWARD_AUTH,
	    "", "" },
	{ { "PORTCULLIS_MODE", "forward_auth", "PORTCULLIS_URI",
	    "/public/x", "REQUEST_METHOD", "GET" },
	    REQ_BAD, VERDICT_BADREQ, WHY_NO_FORWARDED, MODE_FORWARD_AUTH,
	    "", "" },
	{ { "PORTCULLIS_MODE", "forward_auth", "PORTCULLIS_URI", "",
	    "PORTCULLIS_METHOD", "GET", "REQUEST_URI", "/public/x" },
	    REQ_BAD, VERDICT_BADREQ, WHY_NO_FORWARDED, MODE_FORWARD_AUTH,
	    "", "" },
	{ { "PORTCULLIS_MODE", "forward_auth", "PORTCULLIS_METHOD",
	    "GET", "PORTCULLIS_URI", "/docs/x", "HTTP_HOST",
	    "other.example", "PORTCULLIS_HOST", "example.com" },
	    REQ_OK, VERDICT_ALLOW, WHY_GRANT_ALL, MODE_FORWARD_AUTH, "", "" },
	/* the old headers alone: 400, never a decision on them */
	{ { "PORTCULLIS_MODE", "forward_auth", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/public/x", "HTTP_X_FORWARDED_METHOD", "GET",
	    "HTTP_X_FORWARDED_URI", "/public/x" },
	    REQ_BAD, VERDICT_BADREQ, WHY_NO_FORWARDED, MODE_FORWARD_AUTH,
	    "", "" },
	/* a client's X_Forwarded_Uri / _Host change nothing */
	{ { "PORTCULLIS_MODE", "forward_auth", "PORTCULLIS_METHOD", "GET",
	    "PORTCULLIS_URI", "/docs/a", "HTTP_X_FORWARDED_URI",
	    "/public/x", "HTTP_X_FORWARDED_METHOD", "GET",
	    "HTTP_X_FORWARDED_HOST", "example.com" },
	    REQ_OK, VERDICT_NOAUTH, WHY_NO_CREDENTIALS, MODE_FORWARD_AUTH,
	    "", "" },
	{ { "PORTCULLIS_MODE", "forward_auth", "PORTCULLIS_METHOD", "GET",
	    "PORTCULLIS_URI", "/docs/x", "PORTCULLIS_HOST", "other.example",
	    "HTTP_X_FORWARDED_HOST", "example.com", "HTTP_HOST",
	    "example.com" },
	    REQ_OK, VERDICT_NOAUTH, WHY_NO_CREDENTIALS, MODE_FORWARD_AUTH,
	    "", "" },
	{ { "REQUEST_METHOD", "GET", "REQUEST_URI", "/docs/a",
	    "HTTP_X_FORWARDED_URI", "/public/x", "HTTP_X_ORIGINAL_URI",
	    "/public/x", "HTTP_X_FORWARDED_HOST", "example.com" },
	    REQ_OK, VERDICT_NOAUTH, WHY_NO_CREDENTIALS, MODE_RESPONDER,
	    "", "" },
	{ { "PORTCULLIS_MODE", "auth_request", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/docs/a", "HTTP_X_FORWARDED_URI", "/public/x" },
	    REQ_OK, VERDICT_NOAUTH, WHY_NO_CREDENTIALS, MODE_AUTH_REQUEST,
	    "", "" },
	{ { "PORTCULLIS_MODE", "bogus", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/public/x" },
	    REQ_BAD, VERDICT_ERROR, WHY_BAD_MODE, MODE_RESPONDER, "", "" },
	/* Apache's AuthBasicProvider modes: REMOTE_USER + REMOTE_PASSWD */
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHENTICATOR",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/docs/a",
	    "REMOTE_USER", "bob", "REMOTE_PASSWD", "s3cret" },
	    REQ_OK, VERDICT_ALLOW, WHY_GRANT_ROLE, MODE_AUTHORIZER,
	    "bob", "viewer" },
	{ { "FCGI_ROLE", "AUTHORIZER", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/docs/a", "REMOTE_USER", "bob",
	    "REMOTE_PASSWD", "wrong" },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_PASSWORD, MODE_AUTHORIZER,
	    "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/docs/a", "REMOTE_USER", "b:ob",
	    "REMOTE_PASSWD", "s3cret" },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_HEADER, MODE_AUTHORIZER, "", "" },
	/* Apache as a Require provider: REMOTE_USER is authenticated */
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/docs/a",
	    "REMOTE_USER", "bob" },
	    REQ_OK, VERDICT_ALLOW, WHY_GRANT_ROLE, MODE_AUTHORIZER,
	    "bob", "viewer" },
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a",
	    "REMOTE_USER", "carol" },
	    REQ_OK, VERDICT_NOAUTH, WHY_DISABLED_USER, MODE_AUTHORIZER,
	    "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a",
	    "REMOTE_USER", "zed" },
	    REQ_OK, VERDICT_NOAUTH, WHY_UNKNOWN_USER, MODE_AUTHORIZER,
	    "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/docs/a",
	    "REMOTE_USER", "zed" },
	    REQ_OK, VERDICT_NOAUTH, WHY_UNKNOWN_USER, MODE_AUTHORIZER,
	    "", "" },
	/* ... but never outside the AUTHORIZER role (nginx sets
	 * REMOTE_USER from the client's own header) */
	{ { "PORTCULLIS_MODE", "auth_request", "FCGI_APACHE_ROLE",
	    "AUTHORIZER", "REQUEST_METHOD", "GET", "REQUEST_URI", "/docs/a",
	    "REMOTE_USER", "bob", "REMOTE_PASSWD", "s3cret" },
	    REQ_OK, VERDICT_NOAUTH, WHY_NO_CREDENTIALS, MODE_AUTH_REQUEST,
	    "", "" },
	{ { "FCGI_APACHE_ROLE", "AUTHORIZER", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/docs/a", "REMOTE_USER", "bob" },
	    REQ_OK, VERDICT_NOAUTH, WHY_NO_CREDENTIALS, MODE_RESPONDER,
	    "", "" },
	/* an Authorization header wins over REMOTE_USER */
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/docs/a",
	    "REMOTE_USER", "bob", "HTTP_AUTHORIZATION", "Basic !!" },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_HEADER, MODE_AUTHORIZER, "", "" },
	/*
	 * a REMOTE_USER name_valid() refuses names no user of ours: a
	 * bad credential, 401, whichever way Apache hands it over
	 */
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a",
	    "REMOTE_USER", "b:ob" },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_HEADER, MODE_AUTHORIZER, "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a",
	    "REMOTE_USER", "bob\r\n" },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_HEADER, MODE_AUTHORIZER, "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a",
	    "REMOTE_USER", "j\xfcrgen" },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_HEADER, MODE_AUTHORIZER, "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a",
	    "REMOTE_USER", N256 },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_HEADER, MODE_AUTHORIZER, "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "FCGI_APACHE_ROLE", "AUTHORIZER",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a",
	    "REMOTE_USER", N255 },
	    REQ_OK, VERDICT_NOAUTH, WHY_UNKNOWN_USER, MODE_AUTHORIZER,
	    "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/members/a", "REMOTE_USER", "b\tob",
	    "REMOTE_PASSWD", "s3cret" },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_HEADER, MODE_AUTHORIZER, "", "" },
	{ { "FCGI_ROLE", "AUTHORIZER", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/members/a", "REMOTE_USER", N256,
	    "REMOTE_PASSWD", "s3cret" },
	    REQ_OK, VERDICT_NOAUTH, WHY_BAD_HEADER, MODE_AUTHORIZER, "", "" },
	/* the Authorizer role is the FastCGI record's, never a parameter */
	{ { "PORTCULLIS_MODE", "authorizer", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/public/x" },
	    REQ_BAD, VERDICT_ERROR, WHY_BAD_MODE, MODE_RESPONDER, "", "" },
	{ { "PORTCULLIS_MODE", "Auth_Request", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/public/x" },
	    REQ_BAD, VERDICT_ERROR, WHY_BAD_MODE, MODE_RESPONDER, "", "" },
};

START_TEST(test_modes)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(pw_init(), 0);
	ck_assert_int_eq(req_parse(&req, env_get, (void *)(uintptr_t)
	    modes[_i].env), modes[_i].parse);
	if (modes[_i].parse == REQ_OK) {
		s = store_open_ro(f.db, &res, NULL, 0);
		ck_assert_ptr_nonnull(s);
		decide(s, &req, &d);
		store_close(s);
	} else
		decide_badreq(&req, &d);
	ck_assert_msg(d.verdict == modes[_i].verdict &&
	    d.why == modes[_i].why, "verdict %d why %s, want %d %s",
	    d.verdict, why_str[d.why], modes[_i].verdict,
	    why_str[modes[_i].why]);
	ck_assert_int_eq(d.mode, modes[_i].mode);
	ck_assert_str_eq(d.user, modes[_i].user);
	ck_assert_str_eq(d.roles, modes[_i].roles);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/*
 * proxy_auth on: credentials come from Proxy-Authorization, failures
 * are 407; an Authorization header is not read.
 */
static const struct {
	const char	*hdr;
	const char	*value;
	enum verdict	 verdict;
	enum why	 why;
} proxies[] = {
	{ "HTTP_PROXY_AUTHORIZATION", B_BOB, VERDICT_ALLOW, WHY_GRANT_ROLE },
	{ "HTTP_PROXY_AUTHORIZATION", "Basic Ym9iOndyb25n",
	    VERDICT_PROXYAUTH, WHY_BAD_PASSWORD },
	{ "HTTP_AUTHORIZATION", B_BOB, VERDICT_PROXYAUTH,
	    WHY_NO_CREDENTIALS },
	{ "HTTP_X_NOTHING", "", VERDICT_PROXYAUTH, WHY_NO_CREDENTIALS },
};

START_TEST(test_proxy_auth)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
			    "/docs/a", proxies[_i].hdr, proxies[_i].value,
			    NULL, NULL };

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	fx_exec(&f, "UPDATE settings SET value = 'on' "
	    "WHERE name = 'proxy_auth'");
	ck_assert_int_eq(pw_init(), 0);
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, proxies[_i].verdict);
	ck_assert_int_eq(d.why, proxies[_i].why);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/*
 * decide_path(): the same request decided at another path, as file.c
 * asks for a directory's index.html.
 */
static const struct {
	const char	*target;
	const char	*cred;
	const char	*path;		/* NULL: one too long */
	enum verdict	 verdict;
	enum why	 why;
	int64_t		 rule;
} paths[] = {
	{ "/docs/", "bob:s3cret", "/docs/index.html",
	    VERDICT_FORBIDDEN, WHY_NO_GRANT, 0 },
	{ "/docs/", "alice:s3cret", "/docs/index.html",
	    VERDICT_ALLOW, WHY_GRANT_ROLE, 11 },
	{ "/public/", "bob:s3cret", "/docs/x",
	    VERDICT_ALLOW, WHY_GRANT_ROLE, 2 },
	{ "/public/", "bob:wrong", "/docs/x",
	    VERDICT_NOAUTH, WHY_BAD_PASSWORD, 0 },
	{ "/docs/", "bob:s3cret", NULL, VERDICT_ERROR, WHY_LIMIT, 0 },
};

START_TEST(test_decide_path)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	char		 authz[128], b64[64], *big;
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
			    paths[_i].target, "HTTP_AUTHORIZATION", authz,
			    NULL, NULL };

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(pw_init(), 0);
	b64_encode(b64, sizeof(b64), paths[_i].cred,
	    strlen(paths[_i].cred));
	snprintf(authz, sizeof(authz), "Basic %s", b64);
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	s = store_open_ro(f.db, &res, NULL, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(big = malloc(REQ_PATH_MAX + 2));
	memset(big, 'a', REQ_PATH_MAX + 1);
	big[0] = '/';
	big[REQ_PATH_MAX + 1] = '\0';
	decide_path(s, &req, paths[_i].path == NULL ? big : paths[_i].path,
	    &d);
	ck_assert_int_eq(d.verdict, paths[_i].verdict);
	ck_assert_int_eq(d.why, paths[_i].why);
	ck_assert_int_eq(d.rule, paths[_i].rule);
	/* The request itself is untouched. */
	ck_assert_str_eq(req.path, paths[_i].target);
	free(big);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/* A NULL store (the database could not be opened) is a 500. */
START_TEST(test_no_store)
{
	struct request	 req;
	struct decision	 d;
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
			    "/public/x", NULL, NULL };

	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	decide(NULL, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ERROR);
	ck_assert_int_eq(d.why, WHY_STORE);
}
END_TEST

/* A refused request is a 400 with why. */
static const struct {
	const char	*method;
	const char	*target;
	const char	*host;
	enum why	 why;
} bad[] = {
	{ "GET", "/a/%2Fb", NULL, WHY_BAD_TARGET },
	{ "GET", "/../x", NULL, WHY_BAD_TARGET },
	{ "G ET", "/x", NULL, WHY_BAD_METHOD },
	{ "GET", "/x", "bad host", WHY_BAD_HOST },
};

START_TEST(test_badreq)
{
	struct request	 req;
	struct decision	 d;
	const char	*env[] = { "REQUEST_METHOD", bad[_i].method,
			    "REQUEST_URI", bad[_i].target,
			    bad[_i].host == NULL ? NULL : "HTTP_HOST",
			    bad[_i].host, NULL, NULL };

	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_BAD);
	decide_badreq(&req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_BADREQ);
	ck_assert_int_eq(d.why, bad[_i].why);
}
END_TEST

/*
 * decide_badreq() for each enum reqbad: the why, the status, and the
 * detail the log gets (the name req_bad_str() gives).
 */
static const struct {
	enum reqbad	 bad;
	enum pathres	 pathres;
	enum verdict	 verdict;
	enum why	 why;
	const char	*detail;
} reasons[] = {
	{ REQBAD_MODE, PATH_OK, VERDICT_ERROR, WHY_BAD_MODE, "bad-mode" },
	{ REQBAD_FORWARDED, PATH_OK, VERDICT_BADREQ, WHY_NO_FORWARDED,
	    "no-forwarded" },
	{ REQBAD_METHOD, PATH_OK, VERDICT_BADREQ, WHY_BAD_METHOD,
	    "bad-method" },
	{ REQBAD_TARGET, PATH_CLIMB, VERDICT_BADREQ, WHY_BAD_TARGET,
	    "climbs-above-root" },
	{ REQBAD_TARGET, PATH_EMPTY, VERDICT_BADREQ, WHY_BAD_TARGET, "empty" },
	{ REQBAD_HOST, PATH_OK, VERDICT_BADREQ, WHY_BAD_HOST, "bad-host" },
	/* a request that was not refused: still never a decision */
	{ REQBAD_NONE, PATH_OK, VERDICT_BADREQ, WHY_BAD_TARGET, "" },
};

START_TEST(test_badreq_reason)
{
	struct request	 req;
	struct decision	 d;

	memset(&req, 0, sizeof(req));
	req.mode = MODE_AUTH_REQUEST;
	req.bad = reasons[_i].bad;
	req.pathres = reasons[_i].pathres;
	memset(&d, 0xa5, sizeof(d));
	decide_badreq(&req, &d);
	ck_assert_int_eq(d.verdict, reasons[_i].verdict);
	ck_assert_int_eq(d.why, reasons[_i].why);
	ck_assert_str_eq(d.detail, reasons[_i].detail);
	ck_assert_int_eq(d.mode, MODE_AUTH_REQUEST);
	ck_assert_str_eq(d.realm, REALM_DEFAULT);
	ck_assert_str_eq(d.user, "");
}
END_TEST

/*
 * decide_request(), as serve() and `portcullis check` run it: parse,
 * the store made ready, decide.  A refused request never opens the
 * store.
 */
static const struct {
	const char	*env[8];
	int		 db;		/* the fixture's, or a missing file */
	enum storeres	 res;
	enum verdict	 verdict;
	enum why	 why;
	int		 open;		/* the store is open afterwards */
} requests[] = {
	{ { "REQUEST_METHOD", "GET", "REQUEST_URI", "/public/a" }, 1,
	    STORE_OK, VERDICT_ALLOW, WHY_GRANT_ALL, 1 },
	{ { "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a",
	    "HTTP_AUTHORIZATION", B_BOB }, 1,
	    STORE_OK, VERDICT_ALLOW, WHY_GRANT_VALID_USER, 1 },
	{ { "REQUEST_METHOD", "GET", "REQUEST_URI", "/members/a" }, 1,
	    STORE_OK, VERDICT_NOAUTH, WHY_NO_CREDENTIALS, 1 },
	{ { "REQUEST_METHOD", "G T", "REQUEST_URI", "/public/a" }, 1,
	    STORE_OK, VERDICT_BADREQ, WHY_BAD_METHOD, 0 },
	{ { "REQUEST_METHOD", "G T", "REQUEST_URI", "/public/a" }, 0,
	    STORE_OK, VERDICT_BADREQ, WHY_BAD_METHOD, 0 },
	{ { "PORTCULLIS_MODE", "bogus", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/public/a" }, 1,
	    STORE_OK, VERDICT_ERROR, WHY_BAD_MODE, 0 },
	{ { "REQUEST_METHOD", "GET", "REQUEST_URI", "/public/a" }, 0,
	    STORE_MISSING, VERDICT_ERROR, WHY_STORE, 0 },
	/* Health: the policy reads; decides nothing, wants no credentials. */
	{ { "PORTCULLIS_MODE", "health", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/members/a" }, 1,
	    STORE_OK, VERDICT_ALLOW, WHY_HEALTH, 1 },
	{ { "PORTCULLIS_MODE", "health", "REQUEST_METHOD", "HEAD",
	    "REQUEST_URI", "/nowhere" }, 1,
	    STORE_OK, VERDICT_ALLOW, WHY_HEALTH, 1 },
	{ { "PORTCULLIS_MODE", "health", "REQUEST_METHOD", "POST",
	    "REQUEST_URI", "/public/a" }, 1,
	    STORE_OK, VERDICT_METHOD, WHY_NO_METHOD, 1 },
	{ { "PORTCULLIS_MODE", "health", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/public/a" }, 0,
	    STORE_MISSING, VERDICT_ERROR, WHY_STORE, 0 },
	{ { "PORTCULLIS_MODE", "health", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/a/../../b" }, 1,
	    STORE_OK, VERDICT_BADREQ, WHY_BAD_TARGET, 0 },
	/* Metrics: never opens the policy; off without metrics_init(). */
	{ { "PORTCULLIS_MODE", "metrics", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/m" }, 1,
	    STORE_OK, VERDICT_NOTFOUND, WHY_NO_METRICS, 0 },
	{ { "PORTCULLIS_MODE", "metrics", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/m" }, 0,
	    STORE_OK, VERDICT_NOTFOUND, WHY_NO_METRICS, 0 },
	{ { "PORTCULLIS_MODE", "metrics", "REQUEST_METHOD", "DELETE",
	    "REQUEST_URI", "/m" }, 1,
	    STORE_OK, VERDICT_METHOD, WHY_NO_METHOD, 0 },
	/* A client's header names no mode. */
	{ { "HTTP_PORTCULLIS_MODE", "health", "REQUEST_METHOD", "GET",
	    "REQUEST_URI", "/members/a" }, 1,
	    STORE_OK, VERDICT_NOAUTH, WHY_NO_CREDENTIALS, 1 },
};

START_TEST(test_decide_request)
{
	struct fx	 f;
	struct store	*s = NULL;
	struct request	 req;
	struct decision	 d;
	char		 missing[192];

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(pw_init(), 0);
	snprintf(missing, sizeof(missing), "%s/none.db", f.dir);
	ck_assert_int_eq(decide_request(&req, env_get, (void *)(uintptr_t)
	    requests[_i].env, requests[_i].db ? f.db : missing, &s, &d),
	    requests[_i].res);
	ck_assert_msg(d.verdict == requests[_i].verdict &&
	    d.why == requests[_i].why, "verdict %d why %s, want %d %s",
	    d.verdict, why_str[d.why], requests[_i].verdict,
	    why_str[requests[_i].why]);
	ck_assert_int_eq(s != NULL, requests[_i].open);
	if (requests[_i].res != STORE_OK)
		ck_assert_ptr_nonnull(strstr(d.detail, "none.db"));
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/*
 * Health and the lockout state database: with lockout on (the
 * defaults) a missing state database is a 503; with it off, health
 * does not look.  The schema of another build is a 500.
 */
START_TEST(test_health_state)
{
	struct fx	 f;
	struct store	*s = NULL;
	struct request	 req;
	struct decision	 d;
	const char	*env[] = { "PORTCULLIS_MODE", "health", "REQUEST_METHOD",
			    "GET", "REQUEST_URI", "/", NULL, NULL };
	char		 p[200];

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_OK);
	ck_assert_int_eq(d.why, WHY_HEALTH);

	lockout_close();
	ck_assert_int_eq(unlink(f.state), 0);
	snprintf(p, sizeof(p), "%s-wal", f.state);
	(void)unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f.state);
	(void)unlink(p);
	/* A directory in its place: unusable, even for root. */
	ck_assert_int_eq(mkdir(f.state, 0700), 0);
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_OK);
	ck_assert_int_eq(d.verdict, VERDICT_BUSY);
	ck_assert_int_eq(d.why, WHY_LOCKOUT_STATE);
	ck_assert_str_ne(d.detail, "");
	lockout_close();
	ck_assert_int_eq(rmdir(f.state), 0);

	fx_exec(&f, "INSERT INTO settings (name, value) VALUES "
	    "('lockout_attempts', '0'), ('lockout_network_attempts', '0')");
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_OK);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_int_eq(d.why, WHY_HEALTH);

	fx_exec(&f, "PRAGMA user_version = 99");
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_OK);
	ck_assert_int_eq(d.verdict, VERDICT_ERROR);
	ck_assert_int_eq(d.why, WHY_SCHEMA);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/*
 * The store decide_request() keeps from one request to the next: the
 * same while the file is, closed after a schema change (and opened
 * again once the schema is ours), given up when the file is removed.
 */
START_TEST(test_decide_request_store)
{
	struct fx	 f;
	struct store	*s = NULL, *first;
	struct request	 req;
	struct decision	 d;
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
			    "/public/a", NULL, NULL };
	char		 ver[64];

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_OK);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_ptr_nonnull(first = s);
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_OK);
	ck_assert_ptr_eq(s, first);

	fx_exec(&f, "PRAGMA user_version = 99");
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_OK);
	ck_assert_int_eq(d.why, WHY_SCHEMA);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_SCHEMA);
	ck_assert_int_eq(d.why, WHY_SCHEMA);
	ck_assert_ptr_null(s);
	snprintf(ver, sizeof(ver), "PRAGMA user_version = %d",
	    SCHEMA_VERSION);
	fx_exec(&f, ver);
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_OK);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_ptr_nonnull(s);

	/* Removed: never decided on the file still open. */
	ck_assert_int_eq(unlink(f.db), 0);
	ck_assert_int_eq(decide_request(&req, env_get, env, f.db, &s, &d),
	    STORE_MISSING);
	ck_assert_int_eq(d.verdict, VERDICT_ERROR);
	ck_assert_ptr_null(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

static Suite *
decide_suite(void)
{
	Suite	*s = suite_create("decide");
	TCase	*tc = tcase_create("table");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_decide, 0, nitems(rows));
	tcase_add_test(tc, test_realm);
	tcase_add_test(tc, test_fresh);
	tcase_add_test(tc, test_no_store);
	tcase_add_loop_test(tc, test_decide_path, 0, nitems(paths));
	tcase_add_loop_test(tc, test_modes, 0, nitems(modes));
	tcase_add_loop_test(tc, test_proxy_auth, 0, nitems(proxies));
	tcase_add_loop_test(tc, test_badreq, 0, nitems(bad));
	tcase_add_loop_test(tc, test_badreq_reason, 0, nitems(reasons));
	tcase_add_loop_test(tc, test_decide_request, 0, nitems(requests));
	tcase_add_test(tc, test_decide_request_store);
	tcase_add_test(tc, test_health_state);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(decide_suite());
}
