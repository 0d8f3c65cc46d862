/*
 * check_tokauth.c: API tokens through decide() on a real database
 * (sql/0007-tokens.sql): Bearer and Basic-with-a-token, every reason a
 * token fails, effective roles (the owner's, or their intersection
 * with the token's), the challenge a 401 carries, and lockout.  No
 * token decision verifies a password: pw_hashes() stays put.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "extern.h"
#include "testlib.h"

#define SEC(c)	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
		c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define TA	"pct_aaaaaaaaaaaaaaaa_" SEC("1")	/* alice, all roles */
#define TL	"pct_bbbbbbbbbbbbbbbb_" SEC("2")	/* alice, viewer only */
#define TN	"pct_cccccccccccccccc_" SEC("3")	/* alice, limited to none */
#define TD	"pct_dddddddddddddddd_" SEC("4")	/* alice, disabled */
#define TE	"pct_eeeeeeeeeeeeeeee_" SEC("5")	/* alice, expired */
#define TF	"pct_0000000000000003_" SEC("6")	/* alice, expires 2999 */
#define TC	"pct_0000000000000001_" SEC("7")	/* carol: disabled */
#define TX	"pct_0000000000000002_" SEC("8")	/* dave: expired */
#define TB	"pct_0000000000000004_" SEC("9")	/* bob: admin dropped */
#define TW	"pct_aaaaaaaaaaaaaaaa_" SEC("0")	/* TA's id, wrong secret */
#define TU	"pct_ffffffffffffffff_" SEC("1")	/* unknown id */

/* The tokens of the fixture: token, owner, expires, disabled, limited. */
static const struct {
	const char	*tok;
	const char	*user;
	const char	*expires;
	int		 disabled;
	int		 limited;
} toks[] = {
	{ TA, "alice", NULL, 0, 0 },
	{ TL, "alice", NULL, 0, 1 },
	{ TN, "alice", NULL, 0, 1 },
	{ TD, "alice", NULL, 1, 0 },
	{ TE, "alice", "2000-01-01", 0, 0 },
	{ TF, "alice", "2999-01-01 00:00:00", 0, 0 },
	{ TC, "carol", NULL, 0, 0 },
	{ TX, "dave", NULL, 0, 0 },
	{ TB, "bob", NULL, 0, 1 },
};

static const char policy_sql[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "'),"
    "    ('bob', '" FX_BCRYPT "');"
    "INSERT INTO users (name, hash, disabled) VALUES "
    "    ('carol', '" FX_BCRYPT "', 1);"
    "INSERT INTO users (name, hash, expires) VALUES "
    "    ('dave', '" FX_BCRYPT "', '2000-01-01');"
    "INSERT INTO roles (name) VALUES ('editor'), ('viewer'), ('admin');"
    "INSERT INTO members (user, role) VALUES ('alice', 'editor'),"
    "    ('alice', 'viewer'), ('bob', 'viewer'), ('bob', 'admin'),"
    "    ('carol', 'viewer'), ('dave', 'viewer');"
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/pub/**', 'GET', 'all'),"		/* 1 */
    "    ('/v/**', 'GET', 'valid-user'),"		/* 2 */
    "    ('/ed/**', 'GET', 'editor'),"		/* 3 */
    "    ('/view/**', 'GET', 'viewer'),"		/* 4 */
    "    ('/adm/**', 'GET', 'admin');";		/* 5 */

/* Insert the tokens of toks[] with their hashes. */
static void
tokens_insert(const struct fx *f)
{
	char	 sql[1024], hash[TOKEN_HASHLEN + 1], id[TOKEN_IDLEN + 1];
	size_t	 i;

	for (i = 0; i < nitems(toks); i++) {
		ck_assert_int_eq(token_id(toks[i].tok, strlen(toks[i].tok),
		    id), 0);
		token_hash(hash, toks[i].tok, strlen(toks[i].tok));
		snprintf(sql, sizeof(sql), "INSERT INTO tokens (id, user, "
		    "hash, expires, disabled, limited) VALUES ('%s', '%s', "
		    "'%s', %s%s%s, %d, %d)", id, toks[i].user, hash,
		    toks[i].expires != NULL ? "'" : "",
		    toks[i].expires != NULL ? toks[i].expires : "NULL",
		    toks[i].expires != NULL ? "'" : "", toks[i].disabled,
		    toks[i].limited);
		fx_exec(f, sql);
	}
	/* bob's token may use admin, which bob then loses. */
	fx_exec(f, "INSERT INTO token_roles (token, role) VALUES "
	    "('bbbbbbbbbbbbbbbb', 'viewer'), ('0000000000000004', 'admin');"
	    "DELETE FROM members WHERE user = 'bob' AND role = 'admin';");
}

#define OK	VERDICT_ALLOW
#define NOAUTH	VERDICT_NOAUTH
#define FORBID	VERDICT_FORBIDDEN
#define B(t)	"Bearer " t

/*
 * One request in auth_request mode: the Authorization header (or
 * "user:pass" sent as Basic), the verdict, why, the user and roles
 * handed to the server, the token id logged, and what the 401's one
 * WWW-Authenticate field says after its Bearer challenge.
 */
static const struct {
	const char	*target;
	const char	*hdr;		/* raw Authorization */
	const char	*basic;		/* or "user:pass" as Basic */
	enum verdict	 verdict;
	enum why	 why;
	const char	*user;
	const char	*roles;
	const char	*token;		/* d.token */
	const char	*bearer;	/* the 401's Bearer challenge */
} rows[] = {
	/* A good token: its owner, with the owner's roles. */
	{ "/v/x", B(TA), NULL, OK, WHY_GRANT_VALID_USER, "alice",
	    "editor,viewer", "aaaaaaaaaaaaaaaa", NULL },
	{ "/ed/x", B(TA), NULL, OK, WHY_GRANT_ROLE, "alice",
	    "editor,viewer", "aaaaaaaaaaaaaaaa", NULL },
	{ "/adm/x", B(TA), NULL, FORBID, WHY_NO_GRANT, "alice", "",
	    "aaaaaaaaaaaaaaaa", NULL },
	{ "/pub/x", B(TU), NULL, OK, WHY_GRANT_ALL, "", "", "", NULL },
	{ "/v/x", "bearer  " TF, NULL, OK, WHY_GRANT_VALID_USER, "alice",
	    "editor,viewer", "0000000000000003", NULL },
	/* Limited: the owner's roles ∩ the token's. */
	{ "/view/x", B(TL), NULL, OK, WHY_GRANT_ROLE, "alice", "viewer",
	    "bbbbbbbbbbbbbbbb", NULL },
	{ "/ed/x", B(TL), NULL, FORBID, WHY_NO_GRANT, "alice", "",
	    "bbbbbbbbbbbbbbbb", NULL },
	{ "/v/x", B(TN), NULL, OK, WHY_GRANT_VALID_USER, "alice", "",
	    "cccccccccccccccc", NULL },
	{ "/view/x", B(TN), NULL, FORBID, WHY_NO_GRANT, "alice", "",
	    "cccccccccccccccc", NULL },
	{ "/adm/x", B(TB), NULL, FORBID, WHY_NO_GRANT, "bob", "",
	    "0000000000000004", NULL },
	{ "/v/x", B(TB), NULL, OK, WHY_GRANT_VALID_USER, "bob", "",
	    "0000000000000004", NULL },
	/* Failing tokens: 401, error="invalid_token" for Bearer. */
	{ "/v/x", B(TW), NULL, NOAUTH, WHY_BAD_TOKEN, "", "",
	    "aaaaaaaaaaaaaaaa", ", error=\"invalid_token\"" },
	{ "/v/x", B(TU), NULL, NOAUTH, WHY_UNKNOWN_TOKEN, "", "",
	    "ffffffffffffffff", ", error=\"invalid_token\"" },
	{ "/v/x", B(TD), NULL, NOAUTH, WHY_DISABLED_TOKEN, "", "",
	    "dddddddddddddddd", ", error=\"invalid_token\"" },
	{ "/v/x", B(TE), NULL, NOAUTH, WHY_EXPIRED_TOKEN, "", "",
	    "eeeeeeeeeeeeeeee", ", error=\"invalid_token\"" },
	{ "/v/x", B(TC), NULL, NOAUTH, WHY_DISABLED_USER, "", "",
	    "0000000000000001", ", error=\"invalid_token\"" },
	{ "/v/x", B(TX), NULL, NOAUTH, WHY_EXPIRED_USER, "", "",
	    "0000000000000002", ", error=\"invalid_token\"" },
	{ "/v/x", "Bearer not-a-token", NULL, NOAUTH, WHY_UNKNOWN_TOKEN,
	    "", "", "", ", error=\"invalid_token\"" },
	{ "/v/x", "Bearer " TA " ", NULL, NOAUTH, WHY_BAD_HEADER, "", "",
	    "", ", error=\"invalid_token\"" },
	{ "/v/x", "Bearer", NULL, NOAUTH, WHY_BAD_HEADER, "", "", "",
	    ", error=\"invalid_token\"" },
	{ "/v/x", "Bearer a,b", NULL, NOAUTH, WHY_BAD_HEADER, "", "", "",
	    ", error=\"invalid_token\"" },
	{ "/v/x", "Bearer PCT_AAAAAAAAAAAAAAAA_" SEC("1"), NULL, NOAUTH,
	    WHY_UNKNOWN_TOKEN, "", "", "", ", error=\"invalid_token\"" },
	/* No credentials: the Bearer challenge without an error. */
	{ "/v/x", NULL, NULL, NOAUTH, WHY_NO_CREDENTIALS, "", "", "", "" },
	/* Basic with a token as the password: the owner only. */
	{ "/ed/x", NULL, "alice:" TA, OK, WHY_GRANT_ROLE, "alice",
	    "editor,viewer", "aaaaaaaaaaaaaaaa", NULL },
	{ "/ed/x", NULL, "alice:" TL, FORBID, WHY_NO_GRANT, "alice", "",
	    "bbbbbbbbbbbbbbbb", NULL },
	{ "/v/x", NULL, "bob:" TA, NOAUTH, WHY_TOKEN_USER, "", "",
	    "aaaaaaaaaaaaaaaa", "" },
	{ "/v/x", NULL, "alice:" TW, NOAUTH, WHY_BAD_TOKEN, "", "",
	    "aaaaaaaaaaaaaaaa", "" },
	{ "/v/x", NULL, "alice:" TU, NOAUTH, WHY_UNKNOWN_TOKEN, "", "",
	    "ffffffffffffffff", "" },
	{ "/v/x", NULL, "alice:" TD, NOAUTH, WHY_DISABLED_TOKEN, "", "",
	    "dddddddddddddddd", "" },
	{ "/v/x", NULL, "carol:" TC, NOAUTH, WHY_DISABLED_USER, "", "",
	    "0000000000000001", "" },
	/* A password, and what merely looks like a token, is a password. */
	{ "/ed/x", NULL, "alice:s3cret", OK, WHY_GRANT_ROLE, "alice",
	    "editor,viewer", "", NULL },
	{ "/v/x", NULL, "alice:" TA "0", NOAUTH, WHY_BAD_PASSWORD, "", "",
	    "", "" },
};

static void
row_request(struct request *req, const char *target, const char *hdr,
    const char *basic, const char *addr)
{
	static char	 authz[1500];
	char		 b64[1400];
	const char	*env[12];
	size_t		 n = 0;

	env[n++] = "PORTCULLIS_MODE";
	env[n++] = "auth_request";
	env[n++] = "REQUEST_METHOD";
	env[n++] = "GET";
	env[n++] = "REQUEST_URI";
	env[n++] = target;
	env[n++] = "REMOTE_ADDR";
	env[n++] = addr;
	if (basic != NULL) {
		ck_assert_uint_gt(b64_encode(b64, sizeof(b64), basic,
		    strlen(basic)), 0);
		snprintf(authz, sizeof(authz), "Basic %s", b64);
		hdr = authz;
	}
	if (hdr != NULL) {
		env[n++] = "HTTP_AUTHORIZATION";
		env[n++] = hdr;
	}
	env[n++] = NULL;
	env[n++] = NULL;
	ck_assert_int_eq(req_parse(req, env_get, env), REQ_OK);
}

START_TEST(test_token)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	struct sink	 k;
	struct writer	 w;
	enum storeres	 res;
	unsigned long	 h;
	char		 want[512];

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	tokens_insert(&f);
	ck_assert_int_eq(pw_init(), 0);
	row_request(&req, rows[_i].target, rows[_i].hdr, rows[_i].basic,
	    "192.0.2.7");
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	h = pw_hashes();
	decide(s, &req, &d);
	ck_assert_msg(d.verdict == rows[_i].verdict && d.why == rows[_i].why,
	    "row %d: verdict %d why %s", _i, d.verdict, why_str[d.why]);
	ck_assert_str_eq(d.user, rows[_i].user);
	ck_assert_str_eq(d.roles, rows[_i].roles);
	ck_assert_str_eq(d.token, rows[_i].token);
	ck_assert_int_eq(d.bearer, 1);
	/* Tokens cost no password verification; a password one. */
	ck_assert_uint_eq(pw_hashes() - h, rows[_i].basic != NULL &&
	    d.token[0] == '\0' && d.why != WHY_GRANT_ALL ? 1 : 0);
	if (d.verdict == VERDICT_NOAUTH) {
		sink_init(&k, &w, -1);
		ck_assert_int_eq(resp_denial(&w, &d, 0), 0);
		snprintf(want, sizeof(want), "Status: 401 Unauthorized\r\n"
		    "WWW-Authenticate: Basic realm=\"Portcullis\", "
		    "charset=\"UTF-8\", Bearer realm=\"Portcullis\"%s\r\n"
		    "Cache-Control: no-store\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: 17\r\n\r\n401 Unauthorized\n",
		    rows[_i].bearer);
		ck_assert_str_eq(sink_str(&k), want);
		free(k.buf);
	} else
		ck_assert_ptr_null(rows[_i].bearer);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/*
 * Without a token in the policy, everything is as before schema 7: a
 * 401 offers Basic alone, byte for byte, Bearer is another scheme (no
 * credentials, not counted by lockout) and a password of the token
 * form is a password.
 */
START_TEST(test_no_tokens)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	struct request	 r2;
	struct sink	 k;
	struct writer	 w;
	enum storeres	 res;
	unsigned long	 h;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	row_request(&req, "/v/x", B(TA), NULL, "192.0.2.7");
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_NOAUTH);
	ck_assert_int_eq(d.why, WHY_NO_CREDENTIALS);
	ck_assert_int_eq(d.bearer, 0);
	ck_assert_int_eq(d.bad_token, 0);
	ck_assert_str_eq(d.token, "");
	sink_init(&k, &w, -1);
	ck_assert_int_eq(resp_denial(&w, &d, 1), 0);
	ck_assert_str_eq(sink_str(&k), "Status: 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"Portcullis\", "
	    "charset=\"UTF-8\"\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 17\r\n\r\n");
	free(k.buf);
	row_request(&r2, "/v/x", NULL, "alice:" TA, "192.0.2.7");
	ck_assert_int_eq(pw_init(), 0);
	h = pw_hashes();
	decide(s, &r2, &d);
	ck_assert_int_eq(d.why, WHY_BAD_PASSWORD);
	ck_assert_uint_eq(pw_hashes() - h, 1);
	/* The first token changes the challenge at the next decision. */
	tokens_insert(&f);
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_int_eq(d.bearer, 1);
	decide(s, &r2, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_str_eq(d.token, "aaaaaaaaaaaaaaaa");
	req_wipe(&r2);
	/* A token deleted with its owner stops working at once. */
	fx_exec(&f, "DELETE FROM users WHERE name = 'alice'");
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_NOAUTH);
	ck_assert_int_eq(d.why, WHY_UNKNOWN_TOKEN);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/* With proxy_auth on, Proxy-Authorization and a 407 Bearer challenge. */
START_TEST(test_proxy)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	struct sink	 k;
	struct writer	 w;
	enum storeres	 res;
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
			    "/v/x", "HTTP_PROXY_AUTHORIZATION", B(TW),
			    NULL, NULL };

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	tokens_insert(&f);
	fx_exec(&f, "INSERT OR REPLACE INTO settings VALUES "
	    "('proxy_auth', 'on')");
	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_PROXYAUTH);
	ck_assert_int_eq(d.why, WHY_BAD_TOKEN);
	sink_init(&k, &w, -1);
	ck_assert_int_eq(resp_denial(&w, &d, 1), 0);
	ck_assert_str_eq(sink_str(&k),
	    "Status: 407 Proxy Authentication Required\r\n"
	    "Proxy-Authenticate: Basic realm=\"Portcullis\", "
	    "charset=\"UTF-8\", Bearer realm=\"Portcullis\", "
	    "error=\"invalid_token\"\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 34\r\n\r\n");
	free(k.buf);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

static time_t	 now;

static time_t
fake_clock(void)
{
	return now;
}

/*
 * Lockout: a Bearer token's failures count for (owner, network) when
 * its id is known, for the network alone when not; Basic with a token
 * counts for the Basic user, as a password does.  A locked client is
 * refused before the token is checked, and a success clears the pair.
 */
struct lstep {
	const char	*addr;
	const char	*hdr;
	const char	*basic;
	enum verdict	 verdict;
	enum why	 why;
};
static const struct {
	const char	*name;
	const char	*settings;
	struct lstep	 steps[8];
} seqs[] = {
	{ "pair: the owner's", "INSERT INTO settings VALUES "
	    "('lockout_attempts', '2'), ('lockout_network_attempts', '0')", {
	    { "192.0.2.7", B(TW), NULL, NOAUTH, WHY_BAD_TOKEN },
	    { "192.0.2.7", NULL, "alice:wrong", NOAUTH, WHY_BAD_PASSWORD },
	    { "192.0.2.7", B(TA), NULL, VERDICT_LOCKED, WHY_LOCKED },
	    { "192.0.2.7", NULL, "alice:s3cret", VERDICT_LOCKED, WHY_LOCKED },
	    { "192.0.2.7", NULL, "bob:s3cret", OK, WHY_GRANT_VALID_USER },
	    { "198.51.100.9", B(TA), NULL, OK, WHY_GRANT_VALID_USER },
	    { NULL } } },
	{ "pair: success clears", "INSERT INTO settings VALUES "
	    "('lockout_attempts', '2'), ('lockout_network_attempts', '0')", {
	    { "192.0.2.7", B(TW), NULL, NOAUTH, WHY_BAD_TOKEN },
	    { "192.0.2.7", B(TA), NULL, OK, WHY_GRANT_VALID_USER },
	    { "192.0.2.7", NULL, "alice:" TW, NOAUTH, WHY_BAD_TOKEN },
	    { "192.0.2.7", NULL, "alice:" TA, OK, WHY_GRANT_VALID_USER },
	    { NULL } } },
	{ "unknown ids: the network", "INSERT INTO settings VALUES "
	    "('lockout_attempts', '1'), ('lockout_network_attempts', '3')", {
	    { "192.0.2.7", B(TU), NULL, NOAUTH, WHY_UNKNOWN_TOKEN },
	    { "192.0.2.7", "Bearer x", NULL, NOAUTH, WHY_UNKNOWN_TOKEN },
	    { "192.0.2.7", "Bearer", NULL, NOAUTH, WHY_BAD_HEADER },
	    { "192.0.2.7", B(TA), NULL, VERDICT_LOCKED, WHY_LOCKED },
	    { "198.51.100.9", B(TA), NULL, OK, WHY_GRANT_VALID_USER },
	    { NULL } } },
	{ "token for another user", "INSERT INTO settings VALUES "
	    "('lockout_attempts', '1'), ('lockout_network_attempts', '0')", {
	    { "192.0.2.7", NULL, "bob:" TA, NOAUTH, WHY_TOKEN_USER },
	    { "192.0.2.7", NULL, "bob:s3cret", VERDICT_LOCKED, WHY_LOCKED },
	    { "192.0.2.7", B(TA), NULL, OK, WHY_GRANT_VALID_USER },
	    { NULL } } },
};

START_TEST(test_lockout)
{
	const struct lstep	*st;
	struct fx		 f;
	struct store		*s;
	struct request		 req;
	struct decision		 d;
	enum storeres		 res;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	tokens_insert(&f);
	fx_exec(&f, seqs[_i].settings);
	ck_assert_int_eq(pw_init(), 0);
	lockout_clock(fake_clock);
	now = 1000000;
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	for (st = seqs[_i].steps; st->addr != NULL; st++) {
		row_request(&req, "/v/x", st->hdr, st->basic, st->addr);
		decide(s, &req, &d);
		req_wipe(&req);
		ck_assert_msg(d.verdict == st->verdict && d.why == st->why,
		    "%s: step %td: verdict %d why %s", seqs[_i].name,
		    st - seqs[_i].steps, d.verdict, why_str[d.why]);
	}
	store_close(s);
	lockout_clock(NULL);
	fx_teardown(&f);
}
END_TEST

static Suite *
tokauth_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("tokauth");
	tc = tcase_create("decide");
	tcase_add_loop_test(tc, test_token, 0, nitems(rows));
	tcase_add_test(tc, test_no_tokens);
	tcase_add_test(tc, test_proxy);
	tcase_add_loop_test(tc, test_lockout, 0, nitems(seqs));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(tokauth_suite());
}
