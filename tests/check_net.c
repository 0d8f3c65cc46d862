/*
 * check_net.c: named networks (sql/0009-networks.sql, src/net.c):
 * the schema's CHECK and triggers (what a plain sqlite3 session may
 * and may not write), the parsed networks of a snapshot (net.c), and
 * decide() on a real database: a net:NAME grant right after "all", a
 * grant restricted to a network (both must hold), the client's address
 * from REMOTE_ADDR or PORTCULLIS_CLIENT_ADDR but never a header, and
 * an unusable address in no network (fail closed).
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

static const char policy_sql[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "'),"
    "    ('bob', '" FX_BCRYPT "');"
    "INSERT INTO roles (name) VALUES ('editor');"
    "INSERT INTO members (user, role) VALUES ('alice', 'editor');"
    "INSERT INTO networks (name, cidr) VALUES ('office', '192.0.2.0/24'),"
    "    ('office', '2001:db8::/32'), ('lab', '10.0.0.0/8'),"
    "    ('lab', '10.1.2.3/8');"		/* a row net.c refuses */
    "INSERT INTO rules (id, pattern, methods, principal, network) VALUES"
    "    (1, '/pub/**', 'GET', 'all', NULL),"
    "    (2, '/in/**', 'GET', 'net:office', NULL),"
    "    (3, '/in/**', 'GET', 'editor', NULL),"
    "    (4, '/adm/**', 'GET', 'editor', 'office'),"
    "    (5, '/v/**', 'GET', 'valid-user', 'office'),"
    "    (6, '/lab/**', 'GET', 'net:lab', NULL),"
    "    (7, '/two/**', 'GET', 'editor', 'lab'),"
    "    (8, '/two/**', 'GET', 'editor', 'office');";

/* --- the schema ---------------------------------------------------------- */

/*
 * Statements on the fixture (after policy_sql) with foreign keys off,
 * as in a plain sqlite3 shell: NULL if it must pass, else the message
 * that refuses it; then a query and its rows.
 */
static const struct {
	const char	*sql;
	const char	*err;		/* NULL: succeeds */
	const char	*query;		/* NULL: none */
	const char	*rows;
} schema[] = {
	/* The CHECK: shape only. */
	{ "INSERT INTO networks VALUES ('x', '192.0.2.0/24')", NULL,
	  "SELECT count(*) FROM networks WHERE name = 'x'", "1\n" },
	{ "INSERT INTO networks VALUES ('x', '::1/128')", NULL, NULL, NULL },
	{ "INSERT INTO networks VALUES ('x', '192.0.2.1')",
	  "CHECK constraint failed: cidr must be an IPv4 or IPv6 network as "
	  "ADDRESS/PREFIX, e.g. 192.0.2.0/24 or 2001:db8::/32", NULL, NULL },
	{ "INSERT INTO networks VALUES ('x', '192.0.2.0/33')",
	  "CHECK constraint failed: cidr must be an IPv4 or IPv6 network as "
	  "ADDRESS/PREFIX, e.g. 192.0.2.0/24 or 2001:db8::/32", NULL, NULL },
	{ "INSERT INTO networks VALUES ('x', '::/129')",
	  "CHECK constraint failed: cidr must be an IPv4 or IPv6 network as "
	  "ADDRESS/PREFIX, e.g. 192.0.2.0/24 or 2001:db8::/32", NULL, NULL },
	{ "INSERT INTO networks VALUES ('x', '192.0.2/24')",
	  "CHECK constraint failed: cidr must be an IPv4 or IPv6 network as "
	  "ADDRESS/PREFIX, e.g. 192.0.2.0/24 or 2001:db8::/32", NULL, NULL },
	{ "INSERT INTO networks VALUES ('x', 'example.com/8')",
	  "CHECK constraint failed: cidr must be an IPv4 or IPv6 network as "
	  "ADDRESS/PREFIX, e.g. 192.0.2.0/24 or 2001:db8::/32", NULL, NULL },
	{ "INSERT INTO networks VALUES ('a b', '10.0.0.0/8')",
	  "CHECK constraint failed: network name must be 1-255 of A-Z a-z "
	  "0-9 . _ -", NULL, NULL },
	{ "INSERT INTO networks VALUES ('office', '192.0.2.0/24')",
	  "UNIQUE constraint failed: networks.name, networks.cidr", NULL,
	  NULL },
	/* Principals and rules.network. */
	{ "INSERT INTO rules (pattern, methods, principal) VALUES "
	  "('/x', 'GET', 'net:nope')", "rules: principal must be all, "
	  "valid-user, an existing role or net:NAME of an existing network",
	  NULL, NULL },
	{ "INSERT INTO rules (pattern, methods, principal) VALUES "
	  "('/x', 'GET', 'net:')", "rules: principal must be all, "
	  "valid-user, an existing role or net:NAME of an existing network",
	  NULL, NULL },
	{ "INSERT INTO rules (pattern, methods, principal, network) VALUES "
	  "('/x', 'GET', 'editor', 'nope')",
	  "rules: no such network (add it to networks first)", NULL, NULL },
	{ "INSERT INTO rules (pattern, methods, principal, network) VALUES "
	  "('/x', 'GET', 'all', 'office')", "rules: a network restricts a "
	  "grant to a role or valid-user; to grant everyone in a network "
	  "use principal net:NAME", NULL, NULL },
	{ "INSERT INTO rules (pattern, methods, principal, network) VALUES "
	  "('/x', 'GET', 'net:lab', 'office')", "rules: a network restricts "
	  "a grant to a role or valid-user; to grant everyone in a network "
	  "use principal net:NAME", NULL, NULL },
	{ "UPDATE rules SET network = 'office' WHERE id = 1",
	  "rules: network must be an existing network, on a grant to a role "
	  "or valid-user (for everyone in a network use principal net:NAME)",
	  NULL, NULL },
	{ "UPDATE rules SET network = 'nope' WHERE id = 3",
	  "rules: network must be an existing network, on a grant to a role "
	  "or valid-user (for everyone in a network use principal net:NAME)",
	  NULL, NULL },
	{ "UPDATE rules SET principal = 'net:nope' WHERE id = 2",
	  "rules: principal must be all, valid-user, an existing role or "
	  "net:NAME of an existing network", NULL, NULL },
	/* Cascades: only when the last range goes. */
	{ "DELETE FROM networks WHERE name = 'office' AND "
	  "cidr = '192.0.2.0/24'", NULL,
	  "SELECT id FROM rules ORDER BY id", "1\n2\n3\n4\n5\n6\n7\n8\n" },
	{ "DELETE FROM networks WHERE name = 'office'", NULL,
	  "SELECT id FROM rules ORDER BY id", "1\n3\n6\n7\n" },
	{ "UPDATE networks SET name = 'lab2' WHERE name = 'lab'", NULL,
	  "SELECT id, principal, ifnull(network, '-') FROM rules "
	  "WHERE id > 5 ORDER BY id",
	  "6|net:lab2|-\n7|editor|lab2\n8|editor|office\n" },
	/* A partial rename leaves the rules with the name that stays. */
	{ "UPDATE networks SET name = 'lab3' WHERE cidr = '10.0.0.0/8'", NULL,
	  "SELECT id, principal, ifnull(network, '-') FROM rules "
	  "WHERE id > 5 ORDER BY id",
	  "6|net:lab|-\n7|editor|lab\n8|editor|office\n" },
	/* effective_permissions marks what holds only from a network. */
	{ "SELECT 1", NULL,
	  "SELECT user, pattern, method, how, rule FROM effective_permissions "
	  "WHERE pattern <> '/pub/**' ORDER BY user, pattern",
	  "alice|/adm/**|GET|role editor in network office|4\n"
	  "alice|/in/**|GET|role editor|3\n"
	  "alice|/lab/**|GET|net:lab|6\n"
	  "alice|/two/**|GET|role editor in network lab|7\n"
	  "alice|/v/**|GET|valid-user in network office|5\n"
	  "bob|/in/**|GET|net:office|2\n"
	  "bob|/lab/**|GET|net:lab|6\n"
	  "bob|/v/**|GET|valid-user in network office|5\n" },
	/* A role named like a principal of networks cannot exist. */
	{ "INSERT INTO roles (name) VALUES ('net:office')",
	  "CHECK constraint failed: role name must be 1-255 of A-Z a-z 0-9 "
	  ". _ - and not 'all' or 'valid-user'", NULL, NULL },
};

/* Run sql on db (foreign keys off); its error message, or NULL. */
static char *
sql_err(const char *db, const char *sql)
{
	sqlite3	*h;
	char	*err = NULL, *ret = NULL;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK) {
		ck_assert_ptr_nonnull(err);
		ret = strdup(err);
		sqlite3_free(err);
	}
	sqlite3_close(h);
	return ret;
}

START_TEST(test_schema)
{
	struct fx	 f;
	char		*err, *rows;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	err = sql_err(f.db, schema[_i].sql);
	if (schema[_i].err == NULL)
		ck_assert_msg(err == NULL, "row %d: %s", _i, err);
	else {
		ck_assert_ptr_nonnull(err);
		ck_assert_str_eq(err, schema[_i].err);
	}
	free(err);
	if (schema[_i].query != NULL) {
		rows = db_rows(f.db, schema[_i].query);
		ck_assert_str_eq(rows, schema[_i].rows);
		free(rows);
	}
	fx_teardown(&f);
}
END_TEST

/* --- net.c --------------------------------------------------------------- */

/* Rows added to one set, then whether addr is in name. */
static const struct {
	const char	*addr;
	const char	*name;
	int		 want;
} nets[] = {
	{ "192.0.2.7", "office", 1 },
	{ "192.0.2.255", "office", 1 },
	{ "192.0.3.1", "office", 0 },
	{ "2001:db8::1", "office", 1 },
	{ "2001:db9::1", "office", 0 },
	{ "::ffff:192.0.2.7", "office", 1 },	/* what [::] listeners pass */
	{ "10.9.9.9", "lab", 0 },		/* lab has a bad row */
	{ "127.0.0.1", "host", 1 },		/* a bare address: /32 */
	{ "127.0.0.2", "host", 0 },
	{ "127.0.0.1", "nope", 0 },
	{ "0.0.0.0", "any4", 1 },
	{ "255.255.255.255", "any4", 1 },
	{ "::", "any4", 0 },			/* families do not mix */
};

START_TEST(test_net)
{
	struct netset	*ns;
	struct addr	 a;

	ck_assert_ptr_nonnull(ns = net_new());
	ck_assert_int_eq(net_add(ns, "office", "192.0.2.0/24"), 0);
	ck_assert_int_eq(net_add(ns, "lab", "10.0.0.0/8"), 0);
	ck_assert_int_eq(net_add(ns, "office", "2001:db8::/32"), 0);
	ck_assert_int_eq(net_add(ns, "lab", "10.1.2.3/8"), 0);
	ck_assert_int_eq(net_add(ns, "host", "127.0.0.1"), 0);
	ck_assert_int_eq(net_add(ns, "any4", "0.0.0.0/0"), 0);
	ck_assert_int_eq(net_add(ns, NULL, "10.0.0.0/8"), 0);
	ck_assert_int_eq(net_state(ns, "office"), 1);
	ck_assert_int_eq(net_state(ns, "lab"), -1);
	ck_assert_int_eq(net_state(ns, "nope"), 0);
	ck_assert_int_eq(addr_parse(&a, nets[_i].addr,
	    strlen(nets[_i].addr)), 0);
	ck_assert_int_eq(net_contains(ns, nets[_i].name, &a), nets[_i].want);
	ck_assert_int_eq(net_contains(ns, nets[_i].name, NULL), 0);
	ck_assert_int_eq(net_contains(NULL, nets[_i].name, &a), 0);
	net_free(ns);
}
END_TEST

/* --- decide() ------------------------------------------------------------ */

#define OK	VERDICT_ALLOW
#define NOAUTH	VERDICT_NOAUTH
#define FORBID	VERDICT_FORBIDDEN

/*
 * One GET in auth_request mode: REMOTE_ADDR (NULL: none), the server's
 * PORTCULLIS_CLIENT_ADDR, a client's Portcullis-Client-Addr and
 * X-Forwarded-For headers, Basic "user:pass" or NULL; then the
 * verdict, why, rule, d.network, d.noaddr and the user.
 */
static const struct {
	const char	*target;
	const char	*raddr;
	const char	*caddr;		/* PORTCULLIS_CLIENT_ADDR */
	const char	*hdr;		/* both client headers */
	const char	*basic;
	enum verdict	 verdict;
	enum why	 why;
	int64_t		 rule;
	const char	*network;
	int		 noaddr;
	const char	*user;
} rows[] = {
	/* net:office: the client in it, without credentials. */
	{ "/in/x", "192.0.2.7", NULL, NULL, NULL, OK, WHY_GRANT_NETWORK, 2,
	  "office", 0, "" },
	{ "/in/x", "2001:db8::5", NULL, NULL, NULL, OK, WHY_GRANT_NETWORK, 2,
	  "office", 0, "" },
	{ "/in/x", "::ffff:192.0.2.7", NULL, NULL, NULL, OK,
	  WHY_GRANT_NETWORK, 2, "office", 0, "" },
	/* Credentials are not read when the network grants. */
	{ "/in/x", "192.0.2.7", NULL, NULL, "alice:wrong", OK,
	  WHY_GRANT_NETWORK, 2, "office", 0, "" },
	/* Outside: on to credentials, then the role rule. */
	{ "/in/x", "192.0.3.7", NULL, NULL, NULL, NOAUTH, WHY_NO_CREDENTIALS,
	  0, "office", 0, "" },
	{ "/in/x", "192.0.3.7", NULL, NULL, "alice:s3cret", OK,
	  WHY_GRANT_ROLE, 3, "", 0, "alice" },
	{ "/in/x", "192.0.3.7", NULL, NULL, "bob:s3cret", FORBID,
	  WHY_NO_GRANT, 0, "office", 0, "bob" },
	/* No usable address: in no network (fail closed). */
	{ "/in/x", NULL, NULL, NULL, NULL, NOAUTH, WHY_NO_CREDENTIALS, 0,
	  "office", 1, "" },
	{ "/in/x", "", NULL, NULL, NULL, NOAUTH, WHY_NO_CREDENTIALS, 0,
	  "office", 1, "" },
	{ "/in/x", "192.0.2.7:5555", NULL, NULL, NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "office", 1, "" },
	{ "/in/x", "[2001:db8::5]", NULL, NULL, NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "office", 1, "" },
	{ "/in/x", "fe80::1%eth0", NULL, NULL, NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "office", 1, "" },
	{ "/in/x", " 192.0.2.7", NULL, NULL, NULL, NOAUTH, WHY_NO_CREDENTIALS,
	  0, "office", 1, "" },
	{ "/in/x", "192.0.2.7, 10.0.0.1", NULL, NULL, NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "office", 1, "" },
	/* PORTCULLIS_CLIENT_ADDR (Caddy's {client_ip}) is the client. */
	{ "/in/x", "127.0.0.1", "192.0.2.7", NULL, NULL, OK,
	  WHY_GRANT_NETWORK, 2, "office", 0, "" },
	{ "/in/x", "192.0.2.7", "127.0.0.1", NULL, NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "office", 0, "" },
	/* Caddy 2.6 leaves {client_ip} unreplaced: no address. */
	{ "/in/x", "192.0.2.7", "{client_ip}", NULL, NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "office", 1, "" },
	/* A client's headers never steer. */
	{ "/in/x", "127.0.0.1", NULL, "192.0.2.7", NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "office", 0, "" },
	/* A role restricted to a network: both must hold. */
	{ "/adm/x", "192.0.2.7", NULL, NULL, "alice:s3cret", OK,
	  WHY_GRANT_ROLE, 4, "office", 0, "alice" },
	{ "/adm/x", "192.0.3.7", NULL, NULL, "alice:s3cret", FORBID,
	  WHY_NO_GRANT, 0, "office", 0, "alice" },
	{ "/adm/x", NULL, NULL, NULL, "alice:s3cret", FORBID, WHY_NO_GRANT,
	  0, "office", 1, "alice" },
	{ "/adm/x", "192.0.2.7", NULL, NULL, "bob:s3cret", FORBID,
	  WHY_NO_GRANT, 0, "", 0, "bob" },
	{ "/adm/x", "192.0.2.7", NULL, NULL, NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "", 0, "" },
	{ "/adm/x", "192.0.2.7", NULL, NULL, "alice:bad", NOAUTH,
	  WHY_BAD_PASSWORD, 0, "", 0, "" },
	/* valid-user restricted to a network. */
	{ "/v/x", "2001:db8::1", NULL, NULL, "bob:s3cret", OK,
	  WHY_GRANT_VALID_USER, 5, "office", 0, "bob" },
	{ "/v/x", "10.0.0.1", NULL, NULL, "bob:s3cret", FORBID,
	  WHY_NO_GRANT, 0, "office", 0, "bob" },
	/* lab has a row net.c refuses: it matches nothing. */
	{ "/lab/x", "10.0.0.1", NULL, NULL, NULL, NOAUTH,
	  WHY_NO_CREDENTIALS, 0, "lab", 0, "" },
	/* Two restricted grants: the one whose network holds. */
	{ "/two/x", "192.0.2.7", NULL, NULL, "alice:s3cret", OK,
	  WHY_GRANT_ROLE, 8, "office", 0, "alice" },
	{ "/two/x", "10.0.0.1", NULL, NULL, "alice:s3cret", FORBID,
	  WHY_NO_GRANT, 0, "lab", 0, "alice" },
	/* "all" comes first and names no network. */
	{ "/pub/x", NULL, NULL, NULL, NULL, OK, WHY_GRANT_ALL, 1, "", 0, "" },
};

static void
row_request(struct request *req, int i)
{
	static char	 authz[256];
	char		 b64[200];
	const char	*env[20];
	size_t		 n = 0;

	env[n++] = "PORTCULLIS_MODE";
	env[n++] = "auth_request";
	env[n++] = "REQUEST_METHOD";
	env[n++] = "GET";
	env[n++] = "REQUEST_URI";
	env[n++] = rows[i].target;
	if (rows[i].raddr != NULL) {
		env[n++] = "REMOTE_ADDR";
		env[n++] = rows[i].raddr;
	}
	if (rows[i].caddr != NULL) {
		env[n++] = "PORTCULLIS_CLIENT_ADDR";
		env[n++] = rows[i].caddr;
	}
	if (rows[i].hdr != NULL) {
		env[n++] = "HTTP_PORTCULLIS_CLIENT_ADDR";
		env[n++] = rows[i].hdr;
		env[n++] = "HTTP_X_FORWARDED_FOR";
		env[n++] = rows[i].hdr;
		env[n++] = "HTTP_X_REAL_IP";
		env[n++] = rows[i].hdr;
	}
	if (rows[i].basic != NULL) {
		ck_assert_uint_gt(b64_encode(b64, sizeof(b64), rows[i].basic,
		    strlen(rows[i].basic)), 0);
		snprintf(authz, sizeof(authz), "Basic %s", b64);
		env[n++] = "HTTP_AUTHORIZATION";
		env[n++] = authz;
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
	ck_assert_int_eq(pw_init(), 0);
	row_request(&req, _i);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide(s, &req, &d);
	ck_assert_msg(d.verdict == rows[_i].verdict && d.why == rows[_i].why,
	    "row %d: verdict %d why %s", _i, d.verdict, why_str[d.why]);
	ck_assert_int_eq(d.rule, rows[_i].rule);
	ck_assert_str_eq(d.network, rows[_i].network);
	ck_assert_int_eq(d.noaddr, rows[_i].noaddr);
	ck_assert_str_eq(d.user, rows[_i].user);
	ck_assert_int_eq(d.anonymous, d.why == WHY_GRANT_NETWORK ||
	    d.why == WHY_GRANT_ALL);
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/*
 * The networks are in the snapshot: a change is seen at the next
 * decision (data_version), and a deleted network takes its rules.
 */
START_TEST(test_snapshot)
{
	struct fx	 f;
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	int		 i;

	fx_setup(&f);
	fx_exec(&f, policy_sql);
	for (i = 0; i < (int)nitems(rows); i++)
		if (strcmp(rows[i].target, "/in/x") == 0 &&
		    rows[i].raddr != NULL &&
		    strcmp(rows[i].raddr, "192.0.3.7") == 0 &&
		    rows[i].basic == NULL)
			break;
	ck_assert_int_lt(i, (int)nitems(rows));
	row_request(&req, i);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_NOAUTH);
	fx_exec(&f, "INSERT INTO networks VALUES ('office', '192.0.3.0/24')");
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_int_eq(d.why, WHY_GRANT_NETWORK);
	fx_exec(&f, "DELETE FROM networks WHERE name = 'office'");
	decide(s, &req, &d);
	ck_assert_int_eq(d.verdict, VERDICT_NOAUTH);
	ck_assert_str_eq(d.network, "");	/* rule 2 went too */
	store_close(s);
	req_wipe(&req);
	fx_teardown(&f);
}
END_TEST

/* The log line names the network, and an unusable address. */
START_TEST(test_log)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 k;
	struct writer	 w;
	const char	*env[] = { "PORTCULLIS_MODE", "auth_request",
	    "REQUEST_METHOD", "GET", "REQUEST_URI", "/in/x", NULL, NULL };

	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	memset(&d, 0, sizeof(d));
	d.verdict = VERDICT_NOAUTH;
	d.why = WHY_NO_CREDENTIALS;
	snprintf(d.network, sizeof(d.network), "office");
	d.noaddr = 1;
	sink_init(&k, &w, -1);
	log_decision(&w, &req, &d);
	ck_assert_str_eq(sink_str(&k), "portcullis: denied: client=- "
	    "status=401 reason=no-credentials user=\"\" method=\"GET\" "
	    "uri=\"/in/x\" network=office client-address=unusable\n");
	free(k.buf);
	log_allowed(1);
	d.verdict = VERDICT_ALLOW;
	d.why = WHY_GRANT_NETWORK;
	d.rule = 2;
	d.noaddr = 0;
	sink_init(&k, &w, -1);
	log_decision(&w, &req, &d);
	ck_assert_str_eq(sink_str(&k), "portcullis: allowed: client=- "
	    "user=\"\" cache=- method=\"GET\" uri=\"/in/x\" rule=2 "
	    "network=office\n");
	free(k.buf);
	log_allowed(0);
	req_wipe(&req);
}
END_TEST

static Suite *
net_suite(void)
{
	Suite	*s = suite_create("net");
	TCase	*tc;

	tc = tcase_create("schema");
	tcase_add_loop_test(tc, test_schema, 0, nitems(schema));
	suite_add_tcase(s, tc);
	tc = tcase_create("net");
	tcase_add_loop_test(tc, test_net, 0, nitems(nets));
	suite_add_tcase(s, tc);
	tc = tcase_create("decide");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_decide, 0, nitems(rows));
	tcase_add_test(tc, test_snapshot);
	tcase_add_test(tc, test_log);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(net_suite());
}
