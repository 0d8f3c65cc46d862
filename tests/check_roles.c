/*
 * check_roles.c: the role hierarchy (sql/0010-roles.sql, roles.c,
 * held.c): the closure and its lists, the chains `check` names, the
 * cycles and bounds that fail a snapshot closed, what the schema
 * refuses from a plain sqlite3 session (foreign keys off), the
 * cascades, and decisions through decide() on a real database: role
 * grants held through inclusion, the roles handed to the server, and
 * tokens (closure of the owner's ∩ closure of the token's list).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "extern.h"
#include "testlib.h"

/*
 * A hierarchy from "a>b;b>c" (rows role>includes, ";"-separated), or
 * NULL for "" or NULL; roles_finish() must say want (NULL: succeed).
 */
static struct roles *
graph(const char *spec, const char *want)
{
	struct roles	*rg;
	char		 buf[256], err[256], *p, *row, *gt;

	if (spec == NULL || *spec == '\0')
		return NULL;
	ck_assert_ptr_nonnull(rg = roles_new());
	snprintf(buf, sizeof(buf), "%s", spec);
	for (p = buf; (row = strsep(&p, ";")) != NULL; ) {
		ck_assert_ptr_nonnull(gt = strchr(row, '>'));
		*gt = '\0';
		ck_assert_int_eq(roles_add(rg, row, gt + 1), 0);
	}
	err[0] = '\0';
	if (want == NULL) {
		ck_assert_msg(roles_finish(rg, err, sizeof(err)) == 0, "%s",
		    err);
		return rg;
	}
	ck_assert_int_eq(roles_finish(rg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	roles_free(rg);
	return NULL;
}

#define ABC	"admin>editor;editor>viewer"
#define DIAMOND	"a>b;a>c;b>d;c>d"

/* roles_expand(): the roles held by one who holds direct. */
static const struct {
	const char	*spec;
	const char	*direct;
	const char	*want;
} expands[] = {
	{ NULL, "editor,viewer", "editor,viewer" },
	{ NULL, "", "" },
	{ ABC, "admin", "admin,editor,viewer" },
	{ ABC, "editor", "editor,viewer" },
	{ ABC, "viewer", "viewer" },
	{ ABC, "", "" },
	/* roles outside the hierarchy keep their place in byte order */
	{ ABC, "alpha,editor,zed", "alpha,editor,viewer,zed" },
	{ ABC, "admin,b,editor", "admin,b,editor,viewer" },
	{ ABC, "f", "f" },
	/* each once, however many ways it is reached */
	{ DIAMOND, "a", "a,b,c,d" },
	{ DIAMOND, "a,b,d", "a,b,c,d" },
	{ DIAMOND, "b,c", "b,c,d" },
	{ "a>b;c>d", "a,c", "a,b,c,d" },
	/* an included role sorting before its includer */
	{ "b>a", "b,z", "a,b,z" },
	{ "z>a;z>m", "z", "a,m,z" },
	{ "x.y>x-y;x_y>x.y", "x_y", "x-y,x.y,x_y" },
};

START_TEST(test_expand)
{
	struct roles	*rg = graph(expands[_i].spec, NULL);
	char		 buf[256];

	ck_assert_int_eq(roles_expand(rg, expands[_i].direct, buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, expands[_i].want);
	/* A buffer one byte short is an error, never a cut list. */
	if (*expands[_i].want != '\0')
		ck_assert_int_eq(roles_expand(rg, expands[_i].direct, buf,
		    strlen(expands[_i].want)), -1);
	roles_free(rg);
}
END_TEST

/* roles_holds() and roles_path(): 0 when from does not include to. */
static const struct {
	const char	*spec;
	const char	*from;
	const char	*to;
	const char	*chain;		/* NULL: not held */
} paths[] = {
	{ ABC, "admin", "viewer", "admin > editor > viewer" },
	{ ABC, "admin", "editor", "admin > editor" },
	{ ABC, "editor", "editor", "editor" },
	{ ABC, "viewer", "admin", NULL },
	{ ABC, "editor", "admin", NULL },
	{ ABC, "other", "viewer", NULL },
	{ ABC, "admin", "other", NULL },
	{ NULL, "a", "a", "a" },
	{ NULL, "a", "b", NULL },
	/* the shortest chain, then the first in byte order */
	{ "a>b;b>c;a>c", "a", "c", "a > c" },
	{ "a>c;c>d;a>b;b>d", "a", "d", "a > b > d" },
	{ DIAMOND, "b", "c", NULL },
};

START_TEST(test_path)
{
	struct roles	*rg = graph(paths[_i].spec, NULL);
	char		 buf[256];
	int		 want = paths[_i].chain != NULL;

	ck_assert_int_eq(roles_holds(rg, paths[_i].from, paths[_i].to), want);
	ck_assert_int_eq(roles_path(rg, paths[_i].from, paths[_i].to, buf,
	    sizeof(buf)), want);
	if (want) {
		ck_assert_str_eq(buf, paths[_i].chain);
		ck_assert_int_eq(roles_path(rg, paths[_i].from, paths[_i].to,
		    buf, strlen(paths[_i].chain)), -1);
	}
	roles_free(rg);
}
END_TEST

/* roles_finish(): a cycle is named, never closed over. */
static const struct {
	const char	*spec;
	const char	*err;
} cycles[] = {
	{ "a>b;b>c;c>a", "role hierarchy: a cycle: a > b > c > a" },
	{ "a>a", "role hierarchy: a cycle: a > a" },
	{ "x>a;a>b;b>a", "role hierarchy: a cycle: a > b > a" },
	{ ABC ";viewer>editor",
	    "role hierarchy: a cycle: editor > viewer > editor" },
	{ "m>n;n>o;o>p;p>n;a>m", "role hierarchy: a cycle: n > o > p > n" },
};

START_TEST(test_cycle)
{
	ck_assert_ptr_null(graph(cycles[_i].spec, cycles[_i].err));
}
END_TEST

/*
 * The bounds: ROLES_EDGES_MAX rows and ROLES_GRAPH_MAX roles are
 * taken, one more of either is refused with what it is.
 */
static const struct {
	size_t		 leaves;	/* hub includes leaves 1..n */
	const char	*err;
} bounds[] = {
	{ ROLES_GRAPH_MAX - 1, NULL },
	{ ROLES_GRAPH_MAX, "role hierarchy: more than 1024 roles in "
	    "role_includes" },
	{ ROLES_EDGES_MAX, "role hierarchy: more than 1024 roles in "
	    "role_includes" },
	{ ROLES_EDGES_MAX + 1, "role hierarchy: more than 8192 "
	    "role_includes rows" },
};

START_TEST(test_bounds)
{
	struct roles	*rg;
	char		 name[32], err[256];
	size_t		 i;

	ck_assert_ptr_nonnull(rg = roles_new());
	for (i = 1; i <= bounds[_i].leaves; i++) {
		snprintf(name, sizeof(name), "leaf%05zu", i);
		ck_assert_int_eq(roles_add(rg, "hub", name), 0);
	}
	err[0] = '\0';
	if (bounds[_i].err == NULL) {
		ck_assert_int_eq(roles_finish(rg, err, sizeof(err)), 0);
		ck_assert_uint_eq(roles_count(rg), bounds[_i].leaves + 1);
		ck_assert_int_eq(roles_holds(rg, "hub", "leaf00001"), 1);
	} else {
		ck_assert_int_eq(roles_finish(rg, err, sizeof(err)), -1);
		ck_assert_str_eq(err, bounds[_i].err);
	}
	roles_free(rg);
}
END_TEST

/* roles_list_and() and roles_list_has(). */
static const struct {
	const char	*a;
	const char	*b;
	const char	*want;
} ands[] = {
	{ "admin,editor,viewer", "editor,viewer", "editor,viewer" },
	{ "editor,viewer", "admin", "" },
	{ "", "a", "" },
	{ "a,ab,b", "ab,b,c", "ab,b" },
	{ "a", "a", "a" },
	{ "ab", "a,abc", "" },
};

START_TEST(test_list_and)
{
	char		 buf[64], one[16], *p, *tok;

	ck_assert_int_eq(roles_list_and(ands[_i].a, ands[_i].b, buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, ands[_i].want);
	snprintf(buf, sizeof(buf), "%s", ands[_i].want);
	for (p = buf; *ands[_i].want != '\0' &&
	    (tok = strsep(&p, ",")) != NULL; ) {
		ck_assert_int_eq(roles_list_has(ands[_i].a, tok), 1);
		ck_assert_int_eq(roles_list_has(ands[_i].b, tok), 1);
		snprintf(one, sizeof(one), "%sx", tok);
		ck_assert_int_eq(roles_list_has(ands[_i].want, one), 0);
	}
	ck_assert_int_eq(roles_list_has("abc,b", "ab"), 0);
	ck_assert_int_eq(roles_list_has("", ""), 0);
}
END_TEST

/* --- the schema, from a plain sqlite3 session ------------------------ */

static const char schema_sql[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "'),"
    "    ('bob', '" FX_BCRYPT "');"
    "INSERT INTO roles (name) VALUES ('admin'), ('editor'), ('viewer'),"
    "    ('other');"
    "INSERT INTO members (user, role) VALUES ('alice', 'admin');"
    "INSERT INTO role_includes (role, includes) VALUES"
    "    ('admin', 'editor'), ('editor', 'viewer');"
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/v/**', 'GET', 'viewer');"
    "INSERT INTO tokens (id, user, hash, limited) VALUES"
    "    ('aaaaaaaaaaaaaaaa', 'alice', '" "0000000000000000000000000000"
    "000000000000000000000000000000000000', 1),"
    "    ('bbbbbbbbbbbbbbbb', 'bob', '" "0000000000000000000000000000"
    "000000000000000000000000000000000000', 1);";

#define CYCLE_MSG	"role_includes: a cycle: the included role already " \
			"includes the role, directly or through others"
#define INC_ROWS	"SELECT role, includes FROM role_includes " \
			"ORDER BY 1, 2"

/*
 * One statement in a session with foreign keys off (the stock
 * shell's default), the error it must give (NULL: none), then a
 * query and its rows.
 */
static const struct {
	const char	*sql;
	const char	*err;
	const char	*query;
	const char	*rows;
} schema[] = {
	{ "INSERT INTO role_includes VALUES ('viewer', 'admin')", CYCLE_MSG,
	    INC_ROWS, "admin|editor\neditor|viewer\n" },
	{ "INSERT INTO role_includes VALUES ('editor', 'admin')", CYCLE_MSG,
	    INC_ROWS, "admin|editor\neditor|viewer\n" },
	{ "INSERT INTO role_includes VALUES ('viewer', 'viewer')",
	    "CHECK constraint failed: a role cannot include itself",
	    INC_ROWS, "admin|editor\neditor|viewer\n" },
	{ "INSERT INTO role_includes VALUES ('admin', 'nobody')",
	    "role_includes: no such role (add it to roles first)",
	    INC_ROWS, "admin|editor\neditor|viewer\n" },
	{ "INSERT INTO role_includes VALUES ('nobody', 'admin')",
	    "role_includes: no such role (add it to roles first)",
	    INC_ROWS, "admin|editor\neditor|viewer\n" },
	{ "UPDATE role_includes SET includes = 'admin' "
	    "WHERE role = 'editor'", CYCLE_MSG,
	    INC_ROWS, "admin|editor\neditor|viewer\n" },
	{ "UPDATE role_includes SET includes = 'nobody' "
	    "WHERE role = 'editor'", "role_includes: no such role",
	    INC_ROWS, "admin|editor\neditor|viewer\n" },
	/* an inclusion already implied may be made; a longer way round */
	{ "INSERT INTO role_includes VALUES ('admin', 'viewer')", NULL,
	    INC_ROWS, "admin|editor\nadmin|viewer\neditor|viewer\n" },
	{ "UPDATE role_includes SET includes = 'other' "
	    "WHERE role = 'editor'", NULL,
	    INC_ROWS, "admin|editor\neditor|other\n" },
	/* deleting or renaming a role takes its rows along */
	{ "DELETE FROM roles WHERE name = 'editor'", NULL,
	    INC_ROWS, "" },
	{ "DELETE FROM roles WHERE name = 'viewer'", NULL,
	    INC_ROWS, "admin|editor\n" },
	{ "UPDATE roles SET name = 'boss' WHERE name = 'admin'", NULL,
	    INC_ROWS "; SELECT user, role FROM members",
	    "boss|editor\neditor|viewer\nalice|boss\n" },
	{ "UPDATE roles SET name = 'ed' WHERE name = 'editor'", NULL,
	    INC_ROWS, "admin|ed\ned|viewer\n" },
	/* a token may list a role its owner holds through inclusion */
	{ "INSERT INTO token_roles VALUES ('aaaaaaaaaaaaaaaa', 'viewer')",
	    NULL, "SELECT token, role FROM token_roles",
	    "aaaaaaaaaaaaaaaa|viewer\n" },
	{ "INSERT INTO token_roles VALUES ('aaaaaaaaaaaaaaaa', 'other')",
	    "token_roles: the token's owner does not hold that role",
	    "SELECT token, role FROM token_roles", "" },
	{ "INSERT INTO token_roles VALUES ('bbbbbbbbbbbbbbbb', 'viewer')",
	    "token_roles: the token's owner does not hold that role",
	    "SELECT token, role FROM token_roles", "" },
	/* the views for the administrator */
	{ "SELECT 1", NULL, "SELECT * FROM effective_roles",
	    "alice|admin|admin\nalice|editor|admin\nalice|viewer|admin\n" },
	{ "INSERT INTO members VALUES ('alice', 'viewer'), ('bob', 'other');"
	    "INSERT INTO role_includes VALUES ('other', 'viewer')", NULL,
	    "SELECT * FROM effective_roles",
	    "alice|admin|admin\nalice|editor|admin\nalice|viewer|viewer\n"
	    "bob|other|other\nbob|viewer|other\n" },
	{ "SELECT 1", NULL, "SELECT * FROM effective_permissions",
	    "alice|*|/v/**|GET|role viewer|1\n" },
	{ "DELETE FROM role_includes WHERE role = 'editor'", NULL,
	    "SELECT * FROM effective_permissions", "" },
};

START_TEST(test_schema)
{
	struct fx	 f;
	sqlite3		*db;
	char		*msg = NULL, *rows;
	int		 rc;

	fx_setup(&f);
	fx_exec(&f, schema_sql);
	ck_assert_int_eq(sqlite3_open(f.db, &db), SQLITE_OK);
	rc = sqlite3_exec(db, schema[_i].sql, NULL, NULL, &msg);
	if (schema[_i].err == NULL)
		ck_assert_msg(rc == SQLITE_OK, "%s", msg);
	else {
		ck_assert_int_ne(rc, SQLITE_OK);
		ck_assert_str_eq(msg, schema[_i].err);
	}
	sqlite3_free(msg);
	sqlite3_close(db);
	rows = db_rows(f.db, schema[_i].query);
	ck_assert_str_eq(rows, schema[_i].rows);
	free(rows);
	fx_teardown(&f);
}
END_TEST

/* --- decisions --------------------------------------------------------- */

#define SEC(c)	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
		c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define TA	"pct_aaaaaaaaaaaaaaaa_" SEC("1")	/* alice, all */
#define TE	"pct_eeeeeeeeeeeeeeee_" SEC("2")	/* alice, editor */
#define TV	"pct_ffffffffffffffff_" SEC("3")	/* alice, viewer */
#define TO	"pct_0000000000000001_" SEC("4")	/* dave, editor */

static const struct {
	const char	*tok;
	const char	*user;
	const char	*list;		/* NULL: not limited */
} toks[] = {
	{ TA, "alice", NULL },
	{ TE, "alice", "editor" },
	{ TV, "alice", "viewer" },
	{ TO, "dave", "editor" },
};

/* admin > editor > viewer; dave holds other and editor. */
static const char policy_sql[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "'),"
    "    ('bob', '" FX_BCRYPT "'), ('carol', '" FX_BCRYPT "'),"
    "    ('dave', '" FX_BCRYPT "'), ('erin', '" FX_BCRYPT "');"
    "INSERT INTO roles (name) VALUES ('admin'), ('editor'), ('viewer'),"
    "    ('other');"
    "INSERT INTO members (user, role) VALUES ('alice', 'admin'),"
    "    ('bob', 'editor'), ('carol', 'viewer'), ('dave', 'other'),"
    "    ('dave', 'editor');"
    "INSERT INTO role_includes (role, includes) VALUES"
    "    ('admin', 'editor'), ('editor', 'viewer');"
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/v/**', 'GET', 'viewer'),"		/* 1 */
    "    ('/e/**', 'GET,PUT', 'editor'),"		/* 2 */
    "    ('/a/**', 'GET', 'admin'),"		/* 3 */
    "    ('/o/**', 'GET', 'other'),"		/* 4 */
    "    ('/u/**', 'GET', 'valid-user'),"		/* 5 */
    "    ('/pub/**', 'GET', 'all'),"		/* 6 */
    "    ('/m/**', 'GET', 'admin'),"		/* 7 */
    "    ('/m/**', 'GET', 'viewer');";		/* 8 */

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
		    "hash, limited) VALUES ('%s', '%s', '%s', %d);%s%s%s%s%s",
		    id, toks[i].user, hash, toks[i].list != NULL,
		    toks[i].list != NULL ? "INSERT INTO token_roles VALUES ('"
		    : "", toks[i].list != NULL ? id : "",
		    toks[i].list != NULL ? "', '" : "",
		    toks[i].list != NULL ? toks[i].list : "",
		    toks[i].list != NULL ? "')" : "");
		fx_exec(f, sql);
	}
}

#define OK	VERDICT_ALLOW
#define FORBID	VERDICT_FORBIDDEN
#define B(t)	"Bearer " t
#define AR	MODE_AUTH_REQUEST
#define RS	MODE_RESPONDER

/*
 * One request: method, target, "user:pass" or an Authorization
 * header, the mode; the verdict, why, rule and the roles handed to
 * the server (X-Portcullis-Roles).
 */
static const struct {
	const char	*method;
	const char	*target;
	const char	*basic;
	const char	*hdr;
	enum mode	 mode;
	enum verdict	 verdict;
	enum why	 why;
	int64_t		 rule;
	const char	*roles;
} rows[] = {
	/* held directly, and through one or two inclusions */
	{ "GET", "/a/x", "alice:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 3,
	    "admin,editor,viewer" },
	{ "PUT", "/e/x", "alice:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 2,
	    "admin,editor,viewer" },
	{ "GET", "/v/x", "alice:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 1,
	    "admin,editor,viewer" },
	{ "GET", "/v/x", "bob:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 1,
	    "editor,viewer" },
	{ "GET", "/v/x", "carol:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 1,
	    "viewer" },
	/* inclusion goes one way */
	{ "GET", "/a/x", "bob:s3cret", NULL, AR, FORBID, WHY_NO_GRANT, 0,
	    "" },
	{ "PUT", "/e/x", "carol:s3cret", NULL, AR, FORBID, WHY_NO_GRANT, 0,
	    "" },
	{ "GET", "/o/x", "alice:s3cret", NULL, AR, FORBID, WHY_NO_GRANT, 0,
	    "" },
	/* a role outside the hierarchy beside ones in it */
	{ "GET", "/o/x", "dave:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 4,
	    "editor,other,viewer" },
	{ "GET", "/v/x", "dave:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 1,
	    "editor,other,viewer" },
	/* no role: only valid-user; valid-user hands over the roles too */
	{ "GET", "/v/x", "erin:s3cret", NULL, AR, FORBID, WHY_NO_GRANT, 0,
	    "" },
	{ "GET", "/u/x", "erin:s3cret", NULL, AR, OK, WHY_GRANT_VALID_USER,
	    5, "" },
	{ "GET", "/u/x", "alice:s3cret", NULL, AR, OK, WHY_GRANT_VALID_USER,
	    5, "admin,editor,viewer" },
	/* of two rules the first the user holds, by id */
	{ "GET", "/m/x", "carol:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 8,
	    "viewer" },
	{ "GET", "/m/x", "alice:s3cret", NULL, AR, OK, WHY_GRANT_ROLE, 7,
	    "admin,editor,viewer" },
	/* responder mode hands no roles to anyone */
	{ "GET", "/v/x", "alice:s3cret", NULL, RS, OK, WHY_GRANT_ROLE, 1,
	    "" },
	{ "GET", "/pub/x", NULL, NULL, AR, OK, WHY_GRANT_ALL, 6, "" },
	/* tokens: closure(owner's) ∩ closure(list) */
	{ "GET", "/a/x", NULL, B(TA), AR, OK, WHY_GRANT_ROLE, 3,
	    "admin,editor,viewer" },
	{ "GET", "/v/x", NULL, B(TA), AR, OK, WHY_GRANT_ROLE, 1,
	    "admin,editor,viewer" },
	{ "PUT", "/e/x", NULL, B(TE), AR, OK, WHY_GRANT_ROLE, 2,
	    "editor,viewer" },
	{ "GET", "/v/x", NULL, B(TE), AR, OK, WHY_GRANT_ROLE, 1,
	    "editor,viewer" },
	{ "GET", "/a/x", NULL, B(TE), AR, FORBID, WHY_NO_GRANT, 0, "" },
	{ "GET", "/v/x", NULL, B(TV), AR, OK, WHY_GRANT_ROLE, 1, "viewer" },
	{ "PUT", "/e/x", NULL, B(TV), AR, FORBID, WHY_NO_GRANT, 0, "" },
	{ "GET", "/m/x", NULL, B(TV), AR, OK, WHY_GRANT_ROLE, 8, "viewer" },
	{ "GET", "/o/x", NULL, B(TO), AR, FORBID, WHY_NO_GRANT, 0, "" },
	{ "GET", "/v/x", NULL, B(TO), AR, OK, WHY_GRANT_ROLE, 1,
	    "editor,viewer" },
	{ "GET", "/u/x", NULL, B(TO), AR, OK, WHY_GRANT_VALID_USER, 5,
	    "editor,viewer" },
	/* a token as the Basic password: the same */
	{ "GET", "/v/x", "alice:" TV, NULL, AR, OK, WHY_GRANT_ROLE, 1,
	    "viewer" },
};

static void
row_request(struct request *req, const char *method, const char *target,
    const char *basic, const char *hdr, enum mode m)
{
	static char	 authz[1500];
	char		 b64[1400];
	const char	*env[14];
	size_t		 n = 0;

	if (m != MODE_RESPONDER) {
		env[n++] = "PORTCULLIS_MODE";
		env[n++] = mode_str[m];
	}
	env[n++] = "REQUEST_METHOD";
	env[n++] = method;
	env[n++] = "REQUEST_URI";
	env[n++] = target;
	env[n++] = "REMOTE_ADDR";
	env[n++] = "192.0.2.9";
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

START_TEST(test_decide)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	tokens_insert(&f);
	ck_assert_int_eq(pw_init(), 0);
	row_request(&req, rows[_i].method, rows[_i].target, rows[_i].basic,
	    rows[_i].hdr, rows[_i].mode);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide(s, &req, &d);
	ck_assert_msg(d.verdict == rows[_i].verdict && d.why == rows[_i].why,
	    "row %d: verdict %d why %s (%s)", _i, d.verdict, why_str[d.why],
	    d.detail);
	ck_assert_int_eq(d.rule, rows[_i].rule);
	ck_assert_str_eq(d.roles, rows[_i].roles);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/* 1..N as the rows of n(value): the stock library has no series. */
#define SERIES(N)	"WITH RECURSIVE n (value) AS (SELECT 1 UNION ALL " \
			"SELECT value + 1 FROM n WHERE value < " #N ") "

/*
 * The hierarchy is read once per policy change: an inclusion deleted
 * in a plain session applies to the next request of the same open
 * store; a cycle made with the triggers dropped, or rows over the
 * bounds, fail every decision closed (500, the reason in the log's
 * detail) until mended, the anonymous ones too.
 */
static const struct {
	const char	*sql;
	enum verdict	 verdict;	/* alice GET /v/x */
	enum why	 why;
	const char	*detail;
	const char	*roles;
	enum verdict	 anon;		/* GET /pub/x */
} changes[] = {
	{ "SELECT 1", OK, WHY_GRANT_ROLE, "", "admin,editor,viewer", OK },
	{ "DELETE FROM role_includes WHERE role = 'editor'", FORBID,
	    WHY_NO_GRANT, "", "", OK },
	{ "DELETE FROM role_includes WHERE role = 'admin';"
	    "INSERT INTO role_includes VALUES ('admin', 'viewer')", OK,
	    WHY_GRANT_ROLE, "", "admin,viewer", OK },
	{ "DROP TRIGGER role_includes_no_cycle;"
	    "INSERT INTO role_includes VALUES ('viewer', 'editor')",
	    VERDICT_ERROR, WHY_STORE,
	    "role hierarchy: a cycle: editor > viewer > editor", "",
	    VERDICT_ERROR },
	{ SERIES(1024) "INSERT INTO roles (name) SELECT 'r' || value "
	    "FROM n;" SERIES(1024) "INSERT INTO role_includes "
	    "SELECT 'other', 'r' || value FROM n", VERDICT_ERROR, WHY_STORE,
	    "role hierarchy: more than 1024 roles in role_includes", "",
	    VERDICT_ERROR },
};

START_TEST(test_change)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req, pub;
	struct decision	 d;
	enum storeres	 res;
	sqlite3		*db;
	char		*msg = NULL;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	ck_assert_int_eq(pw_init(), 0);
	row_request(&req, "GET", "/v/x", "alice:s3cret", NULL, AR);
	row_request(&pub, "GET", "/pub/x", NULL, NULL, AR);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_int_eq(sqlite3_open(f.db, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, changes[_i].sql, NULL, NULL, &msg) ==
	    SQLITE_OK, "%s", msg);
	sqlite3_close(db);
	decide(s, &req, &d);
	ck_assert_msg(d.verdict == changes[_i].verdict &&
	    d.why == changes[_i].why, "verdict %d why %s (%s)", d.verdict,
	    why_str[d.why], d.detail);
	ck_assert_str_eq(d.detail, changes[_i].detail);
	ck_assert_str_eq(d.roles, changes[_i].roles);
	ck_assert_str_eq(d.user, d.verdict == VERDICT_ERROR ? "" : "alice");
	decide(s, &pub, &d);
	ck_assert_int_eq(d.verdict, changes[_i].anon);
	store_close(s);
	req_wipe(&req);
	req_wipe(&pub);
	fx_teardown(&f);
}
END_TEST

/*
 * The largest hierarchy served: 1024 roles (8129 rows, each of 1020
 * roles including the 8 after it; erin holds one of the last, so that
 * her roles fit ROLES_MAX); one role more is refused, closed.
 * Rows are made from the top down, so that the cycle trigger's walks
 * stay short.
 */
START_TEST(test_change_bound)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	fx_exec(&f, SERIES(1020) "INSERT INTO roles (name) "
	    "SELECT printf('r%04d', value) FROM n;"
	    SERIES(1019) ", k (b) AS (SELECT 1 UNION ALL SELECT b + 1 FROM k "
	    "WHERE b < 8) INSERT INTO role_includes SELECT printf('r%04d', "
	    "value), printf('r%04d', value + b) FROM n, k WHERE value + b <= "
	    "1020 ORDER BY value, b;"
	    "INSERT INTO role_includes VALUES ('r1020', 'admin'),"
	    "    ('r1020', 'other');"
	    "INSERT INTO members VALUES ('erin', 'r1012')");
	ck_assert_int_eq(pw_init(), 0);
	row_request(&req, "GET", "/a/x", "erin:s3cret", NULL, AR);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide(s, &req, &d);
	ck_assert_msg(d.verdict == VERDICT_ALLOW, "%s", d.detail);
	ck_assert_int_eq(d.rule, 3);
	ck_assert_uint_eq(roles_count(snap_roles(store_snapshot(s))),
	    ROLES_GRAPH_MAX);
	fx_exec(&f, "INSERT INTO roles (name) VALUES ('extra');"
	    "INSERT INTO role_includes VALUES ('r1019', 'extra')");
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ERROR);
	ck_assert_str_eq(d.detail, "role hierarchy: more than 1024 roles in "
	    "role_includes");
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("roles");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_expand, 0, nitems(expands));
	tcase_add_loop_test(tc, test_path, 0, nitems(paths));
	tcase_add_loop_test(tc, test_cycle, 0, nitems(cycles));
	tcase_add_loop_test(tc, test_bounds, 0, nitems(bounds));
	tcase_add_loop_test(tc, test_list_and, 0, nitems(ands));
	tcase_add_loop_test(tc, test_schema, 0, nitems(schema));
	tcase_add_loop_test(tc, test_decide, 0, nitems(rows));
	tcase_add_loop_test(tc, test_change, 0, nitems(changes));
	tcase_add_test(tc, test_change_bound);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(suite());
}
