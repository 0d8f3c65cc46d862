/*
 * check_snapshot.c: the compiled policy.  Lookups by table, the trie
 * against a brute-force scan with policy_match()/policy_cmp() over
 * generated patterns and paths, the rules' order, and through a real
 * database: built once, rebuilt when (and only when) another
 * connection commits, never served past a change it could not read.
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

/* Resources of the lookup table; host NULL is any host. */
static const struct {
	const char	*pattern;
	const char	*host;
} tres[] = {
	{ "/", NULL },
	{ "/**", NULL },
	{ "/docs/**", NULL },
	{ "/docs/private/**", NULL },
	{ "/docs/index.html", NULL },
	{ "/docs/*/index.html", NULL },
	{ "/status", NULL },
	{ "/open/", NULL },
	{ "/users/*/avatar", NULL },
	{ "/users/*/**", NULL },
	{ "/users/bob/avatar", NULL },
	{ "/docs/**", "example.com" },
	{ "/status", "example.com" },
	{ "/only/here", "example.com" },
	{ "/**", "other.example" },
};

static const struct {
	const char	*host;
	const char	*path;
	const char	*pattern;	/* chosen, or NULL for none */
	const char	*rhost;		/* its host, "" = any */
} lookups[] = {
	{ "", "/", "/", "" },
	{ "", "/x", "/**", "" },
	{ "", "/docs", "/docs/**", "" },
	{ "", "/docs/", "/docs/**", "" },
	{ "", "/docs/a", "/docs/**", "" },
	{ "", "/docs/private", "/docs/private/**", "" },
	{ "", "/docs/private/a/b", "/docs/private/**", "" },
	{ "", "/docs/index.html", "/docs/index.html", "" },
	{ "", "/docs/x/index.html", "/docs/*/index.html", "" },
	{ "", "/docs/private/index.html", "/docs/private/**", "" },
	{ "", "/status", "/status", "" },
	{ "", "/status/", "/**", "" },
	{ "", "/statusx", "/**", "" },
	{ "", "/open/", "/open/", "" },
	{ "", "/open", "/**", "" },
	{ "", "/users/bob/avatar", "/users/bob/avatar", "" },
	{ "", "/users/eve/avatar", "/users/*/avatar", "" },
	{ "", "/users/eve/avatar/x", "/users/*/**", "" },
	{ "", "/users/eve", "/users/*/**", "" },
	{ "", "/users/*/avatar", "/users/*/avatar", "" },
	{ "", "/users/**/avatar", "/users/*/avatar", "" },
	{ "", "/users/", "/**", "" },		/* "*" is non-empty */
	{ "example.com", "/docs/private/a", "/docs/**", "example.com" },
	{ "example.com", "/status", "/status", "example.com" },
	{ "example.com", "/only/here", "/only/here", "example.com" },
	{ "example.com", "/x", "/**", "" },
	{ "nowhere.example", "/only/here", "/**", "" },
	{ "", "/only/here", "/**", "" },
	{ "other.example", "/status", "/**", "other.example" },
	{ "other.example", "/", "/**", "other.example" },
	{ "", "relative", NULL, NULL },
	{ "", "", NULL, NULL },
};

static struct snapshot *
table_snapshot(size_t n)
{
	struct snapshot	*sn;
	size_t		 i;

	ck_assert_ptr_nonnull(sn = snap_new());
	for (i = 0; i < n; i++)
		ck_assert_int_eq(snap_add_resource(sn, tres[i].pattern,
		    tres[i].host), 0);
	ck_assert_int_eq(snap_finish(sn), 0);
	return sn;
}

START_TEST(test_lookup)
{
	struct snapshot		*sn = table_snapshot(nitems(tres));
	const struct snap_res	*r;

	r = snap_resource(sn, lookups[_i].host, lookups[_i].path);
	if (lookups[_i].pattern == NULL)
		ck_assert_ptr_null(r);
	else {
		ck_assert_msg(r != NULL, "%s %s: none", lookups[_i].host,
		    lookups[_i].path);
		ck_assert_str_eq(r->pattern, lookups[_i].pattern);
		ck_assert_str_eq(r->host, lookups[_i].rhost);
	}
	snap_free(sn);
}
END_TEST

/*
 * snap_resource_named(): a resource by its pattern and host exactly,
 * as `portcullis check` finds the deciding one; never by matching.
 */
static const struct {
	const char	*pattern;
	const char	*host;		/* "" = any */
	int		 found;
} named[] = {
	{ "/docs/**", "", 1 },
	{ "/docs/**", "example.com", 1 },
	{ "/only/here", "example.com", 1 },
	{ "/only/here", "", 0 },		/* bound to a host only */
	{ "/status", "other.example", 0 },
	{ "/docs/a", "", 0 },			/* a path, not a pattern */
	{ "/users/*/avatar", "", 1 },
	{ "/users/eve/avatar", "", 0 },
	{ "/nosuch", "", 0 },
};

START_TEST(test_named)
{
	struct snapshot		*sn = table_snapshot(nitems(tres));
	const struct snap_res	*r;

	r = snap_resource_named(sn, named[_i].pattern, named[_i].host);
	if (!named[_i].found)
		ck_assert_ptr_null(r);
	else {
		ck_assert_msg(r != NULL, "%s %s: none", named[_i].pattern,
		    named[_i].host);
		ck_assert_str_eq(r->pattern, named[_i].pattern);
		ck_assert_str_eq(r->host, named[_i].host);
	}
	snap_free(sn);
	/* Before snap_finish(): nothing. */
	ck_assert_ptr_nonnull(sn = snap_new());
	ck_assert_int_eq(snap_add_resource(sn, "/docs/**", NULL), 0);
	ck_assert_ptr_null(snap_resource_named(sn, "/docs/**", ""));
	snap_free(sn);
}
END_TEST

/* No resources, or only the first few: nothing, or "/" alone. */
START_TEST(test_empty)
{
	struct snapshot		*sn;
	const struct snap_res	*r;

	sn = table_snapshot(0);
	ck_assert_ptr_null(snap_resource(sn, "", "/"));
	ck_assert_ptr_null(snap_resource(sn, "example.com", "/x"));
	ck_assert_str_eq(snap_settings(sn)->realm, "Portcullis");
	snap_free(sn);
	sn = table_snapshot(1);
	ck_assert_ptr_nonnull(r = snap_resource(sn, NULL, "/"));
	ck_assert_str_eq(r->pattern, "/");
	ck_assert_ptr_null(snap_resource(sn, NULL, "/x"));
	snap_free(sn);
	/* Nothing can be added once finished, nor looked up before. */
	ck_assert_ptr_nonnull(sn = snap_new());
	ck_assert_int_eq(snap_add_resource(sn, "/a", NULL), 0);
	ck_assert_ptr_null(snap_resource(sn, NULL, "/a"));
	ck_assert_int_eq(snap_finish(sn), 0);
	ck_assert_int_eq(snap_finish(sn), -1);
	ck_assert_int_eq(snap_add_resource(sn, "/b", NULL), -1);
	ck_assert_int_eq(snap_add_rule(sn, 1, "GET", "all"), -1);
	ck_assert_ptr_nonnull(snap_resource(sn, NULL, "/a"));
	snap_free(sn);
	snap_free(NULL);
}
END_TEST

/*
 * Rules: those added after a resource are its own, in id order
 * whatever the order added; NULL columns kept as NULL for the
 * decision to refuse; a rule before any resource refused; a NULL
 * pattern matches nothing; the settings copied.
 */
START_TEST(test_rules)
{
	struct snapshot		*sn;
	const struct snap_res	*r;
	const struct snap_rule	*ru;
	struct settings		 set;
	size_t			 nres, nrules;

	ck_assert_ptr_nonnull(sn = snap_new());
	memset(&set, 0, sizeof(set));
	snprintf(set.realm, sizeof(set.realm), "Staff only");
	set.proxy_auth = 1;
	snap_set_settings(sn, &set);
	ck_assert_int_eq(snap_add_rule(sn, 1, "GET", "all"), -1);
	ck_assert_int_eq(snap_add_resource(sn, "/a/**", NULL), 0);
	ck_assert_int_eq(snap_add_rule(sn, 7, "PUT", "editor"), 0);
	ck_assert_int_eq(snap_add_rule(sn, 3, "GET", "all"), 0);
	ck_assert_int_eq(snap_add_rule(sn, 4, "GET", "viewer"), 0);
	ck_assert_int_eq(snap_add_resource(sn, "/a/**", "h.example"), 0);
	ck_assert_int_eq(snap_add_rule(sn, 5, "GET", "viewer"), 0);
	ck_assert_int_eq(snap_add_resource(sn, "/empty", ""), 0);
	ck_assert_int_eq(snap_add_resource(sn, "/b", ""), 0);
	ck_assert_int_eq(snap_add_rule(sn, 9, NULL, "all"), 0);
	ck_assert_int_eq(snap_add_resource(sn, NULL, NULL), 0);
	ck_assert_int_eq(snap_add_rule(sn, 2, "GET", "all"), 0);
	ck_assert_int_eq(snap_finish(sn), 0);
	snap_counts(sn, &nres, &nrules);
	ck_assert_uint_eq(nres, 5);
	ck_assert_uint_eq(nrules, 6);
	ck_assert_str_eq(snap_settings(sn)->realm, "Staff only");
	ck_assert_int_eq(snap_settings(sn)->proxy_auth, 1);

	ck_assert_ptr_nonnull(r = snap_resource(sn, "", "/a/x"));
	ck_assert_str_eq(r->host, "");
	ck_assert_uint_eq(r->nrules, 3);
	ru = snap_rules(sn, r);
	ck_assert_int_eq(ru[0].id, 3);
	ck_assert_str_eq(ru[0].grant->methods, "GET");
	ck_assert_str_eq(ru[0].grant->principal, "all");
	ck_assert_int_eq(ru[1].id, 4);
	ck_assert_int_eq(ru[2].id, 7);
	ck_assert_str_eq(ru[2].grant->principal, "editor");
	/* one copy of a string, or a grant, that many rules name */
	ck_assert_ptr_eq(ru[0].grant->methods, ru[1].grant->methods);
	ck_assert_ptr_nonnull(r = snap_resource(sn, "h.example", "/a/x"));
	ck_assert_str_eq(r->host, "h.example");
	ck_assert_uint_eq(r->nrules, 1);
	ck_assert_int_eq(snap_rules(sn, r)[0].id, 5);
	ck_assert_ptr_eq(snap_rules(sn, r)[0].grant, ru[1].grant);
	ck_assert_ptr_nonnull(r = snap_resource(sn, "", "/empty"));
	ck_assert_uint_eq(r->nrules, 0);
	ck_assert_ptr_nonnull(r = snap_resource(sn, "", "/b"));
	ck_assert_uint_eq(r->nrules, 1);
	ck_assert_ptr_null(snap_rules(sn, r)[0].grant->methods);
	ck_assert_ptr_null(snap_rules(sn, r)[0].grant->principal);
	ck_assert_ptr_null(snap_resource(sn, "", "/gone"));
	snap_free(sn);
}
END_TEST

/*
 * The differential test: for generated policies (valid patterns, as
 * the schema admits them, over a few hosts) and generated canonical
 * paths, the snapshot's choice is the one a scan of every resource
 * with policy_match() and policy_cmp() makes, as decide.c did before
 * the snapshot.  One row per seed.
 */
#define DIFF_SEEDS	40
#define DIFF_RES	300
#define DIFF_PATHS	2000

static const char *const pseg[] = {
	"a", "b", "c", "ab", "*", "*", "**", "index.html",
};
static const char *const sseg[] = {
	"a", "b", "c", "ab", "x", "*", "**", "index.html", "a*",
};
static const char *const hosts[] = {
	"", "h1.example", "h2.example", "[::1]",
};

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* 0-5 segments, then sometimes a trailing slash; none: "/". */
static void
gen(uint64_t *s, char *buf, size_t bufsz, const char *const *segs,
    size_t nsegs)
{
	size_t	 i, n = rnd(s) % 6, len = 0;
	int	 w;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(buf + len, bufsz - len, "/%s",
		    segs[rnd(s) % nsegs]);
		ck_assert(w > 0 && (size_t)w < bufsz - len);
		len += (size_t)w;
	}
	if (n == 0 || rnd(s) % 4 == 0) {
		ck_assert_uint_lt(len + 1, bufsz);
		buf[len++] = '/';
		buf[len] = '\0';
	}
}

struct gres {
	char	 pattern[64];
	int	 host;		/* index in hosts[] */
};

/* The old way: every resource of the host, the best by policy_cmp(). */
static const struct gres *
brute(const struct gres *g, size_t n, int host, const char *path)
{
	const struct gres	*best = NULL;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (g[i].host != 0 && g[i].host != host)
			continue;
		if (!policy_match(g[i].pattern, path))
			continue;
		if (best == NULL || policy_cmp(g[i].pattern, g[i].host != 0,
		    best->pattern, best->host != 0) > 0)
			best = &g[i];
	}
	return best;
}

START_TEST(test_differential)
{
	struct gres		*g;
	struct snapshot		*sn;
	const struct gres	*want;
	const struct snap_res	*got;
	char			 path[64];
	uint64_t		 seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(_i + 1);
	size_t			 i, j, n = 0, nmatch = 0;
	int			 h, dup;

	ck_assert_ptr_nonnull(g = calloc(DIFF_RES, sizeof(*g)));
	ck_assert_ptr_nonnull(sn = snap_new());
	for (i = 0; i < DIFF_RES * 4 && n < DIFF_RES; i++) {
		gen(&seed, g[n].pattern, sizeof(g[n].pattern), pseg,
		    nitems(pseg));
		g[n].host = (int)(rnd(&seed) % nitems(hosts));
		if (!policy_pattern_valid(g[n].pattern))
			continue;
		/* (pattern, host) is unique, as resources_unique says */
		for (dup = 0, j = 0; j < n && !dup; j++)
			dup = g[j].host == g[n].host &&
			    strcmp(g[j].pattern, g[n].pattern) == 0;
		if (dup)
			continue;
		ck_assert_int_eq(snap_add_resource(sn, g[n].pattern,
		    g[n].host == 0 ? NULL : hosts[g[n].host]), 0);
		n++;
	}
	ck_assert_uint_gt(n, DIFF_RES / 4);
	ck_assert_int_eq(snap_finish(sn), 0);

	for (i = 0; i < DIFF_PATHS; i++) {
		gen(&seed, path, sizeof(path), sseg, nitems(sseg));
		h = (int)(rnd(&seed) % (nitems(hosts) + 1));
		want = brute(g, n, h, path);
		got = snap_resource(sn, h < (int)nitems(hosts) ? hosts[h] :
		    "nowhere.example", path);
		if (want == NULL) {
			ck_assert_msg(got == NULL, "%s %s: got %s, want none",
			    h < (int)nitems(hosts) ? hosts[h] : "nowhere",
			    path, got->pattern);
			continue;
		}
		nmatch++;
		ck_assert_msg(got != NULL && strcmp(got->pattern,
		    want->pattern) == 0 && strcmp(got->host,
		    hosts[want->host]) == 0, "host %d %s: got %s %s, want "
		    "%s %s", h, path, got == NULL ? "none" : got->pattern,
		    got == NULL ? "" : got->host, want->pattern,
		    hosts[want->host]);
	}
	ck_assert_uint_gt(nmatch, DIFF_PATHS / 10);	/* not all "none" */
	snap_free(sn);
	free(g);
}
END_TEST

/*
 * Through a database: the decision sees a change committed by another
 * connection at the very next request, the snapshot rebuilt for it.
 */
static const char base_sql[] =
    "INSERT INTO users (name, hash) VALUES ('alice', '" FX_BCRYPT "');"
    "INSERT INTO roles (name) VALUES ('editor');"
    "INSERT INTO members (user, role) VALUES ('alice', 'editor');"
    "INSERT INTO rules (pattern, methods, principal) VALUES"
    "    ('/public/**', 'GET', 'all'),"
    "    ('/docs/**', 'GET', 'editor');";

static const struct {
	const char	*sql;		/* the admin's change */
	const char	*target;	/* then GET this */
	const char	*host;
	enum verdict	 before;
	enum verdict	 after;
	enum why	 why;
	const char	*realm;
} changes[] = {
	{ "INSERT INTO rules (pattern, methods, principal) VALUES "
	    "('/new/**', 'GET', 'all')", "/new/x", NULL,
	    VERDICT_FORBIDDEN, VERDICT_ALLOW, WHY_GRANT_ALL, "Portcullis" },
	{ "DELETE FROM rules WHERE pattern = '/public/**'", "/public/x",
	    NULL, VERDICT_ALLOW, VERDICT_METHOD, WHY_NO_METHOD,
	    "Portcullis" },
	{ "DELETE FROM resources WHERE pattern = '/public/**'", "/public/x",
	    NULL, VERDICT_ALLOW, VERDICT_FORBIDDEN, WHY_NO_RESOURCE,
	    "Portcullis" },
	{ "UPDATE rules SET methods = 'PUT' WHERE pattern = '/public/**'",
	    "/public/x", NULL, VERDICT_ALLOW, VERDICT_METHOD, WHY_NO_METHOD,
	    "Portcullis" },
	{ "UPDATE rules SET principal = 'all' WHERE pattern = '/docs/**'",
	    "/docs/x", NULL, VERDICT_NOAUTH, VERDICT_ALLOW, WHY_GRANT_ALL,
	    "Portcullis" },
	{ "UPDATE settings SET value = 'Changed' WHERE name = 'realm'",
	    "/docs/x", NULL, VERDICT_NOAUTH, VERDICT_NOAUTH,
	    WHY_NO_CREDENTIALS, "Changed" },
	{ "UPDATE settings SET value = 'on' WHERE name = 'proxy_auth'",
	    "/docs/x", NULL, VERDICT_NOAUTH, VERDICT_PROXYAUTH,
	    WHY_NO_CREDENTIALS, "Portcullis" },
	{ "INSERT INTO rules (pattern, host, methods, principal) VALUES "
	    "('/public/**', 'example.com', 'GET', 'editor')", "/public/x",
	    "example.com", VERDICT_ALLOW, VERDICT_NOAUTH, WHY_NO_CREDENTIALS,
	    "Portcullis" },
	{ "PRAGMA user_version = 99", "/public/x", NULL,
	    VERDICT_ALLOW, VERDICT_ERROR, WHY_SCHEMA, "Portcullis" },
	/* a realm the schema refuses: the snapshot cannot be built */
	{ "PRAGMA ignore_check_constraints = ON; UPDATE settings SET value "
	    "= printf('%.300c', 'x') WHERE name = 'realm'", "/public/x",
	    NULL, VERDICT_ALLOW, VERDICT_ERROR, WHY_STORE, "Portcullis" },
};

static void
decide_get(struct store *s, const char *target, const char *host,
    struct decision *d)
{
	struct request	 req;
	const char	*env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
			    target, host == NULL ? NULL : "HTTP_HOST", host,
			    NULL, NULL };

	ck_assert_int_eq(req_parse(&req, env_get, env), REQ_OK);
	decide(s, &req, d);
	req_wipe(&req);
}

START_TEST(test_change)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;

	fx_setup(&f);
	fx_exec(&f, base_sql);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide_get(s, changes[_i].target, changes[_i].host, &d);
	ck_assert_int_eq(d.verdict, changes[_i].before);
	fx_exec(&f, changes[_i].sql);
	decide_get(s, changes[_i].target, changes[_i].host, &d);
	ck_assert_msg(d.verdict == changes[_i].after &&
	    d.why == changes[_i].why, "%s: verdict %d why %s, want %d %s",
	    changes[_i].sql, d.verdict, why_str[d.why], changes[_i].after,
	    why_str[changes[_i].why]);
	ck_assert_str_eq(d.realm, changes[_i].realm);
	if (d.verdict == VERDICT_ERROR) {
		/* nothing is left to serve from, and it stays so */
		ck_assert_ptr_null(store_snapshot(s));
		ck_assert_str_ne(d.detail, "");
		decide_get(s, changes[_i].target, changes[_i].host, &d);
		ck_assert_int_eq(d.verdict, VERDICT_ERROR);
		ck_assert_int_eq(d.why, changes[_i].why);
	}
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/*
 * Built once, when the store is opened: requests without a change
 * reuse the snapshot (the same object); a commit by another
 * connection makes a new one, in which the change is.
 */
START_TEST(test_build_once)
{
	struct fx		 f;
	struct store		*s;
	const struct snapshot	*sn;
	enum storeres		 res;
	size_t			 nres, nrules, i;

	fx_setup(&f);
	fx_exec(&f, base_sql);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	ck_assert_ptr_nonnull(sn = store_snapshot(s));	/* built at open */
	ck_assert_int_eq(store_begin(s), STORE_OK);
	ck_assert_ptr_eq(store_snapshot(s), sn);
	store_end(s);
	snap_counts(sn, &nres, &nrules);
	ck_assert_uint_eq(nres, 2);
	ck_assert_uint_eq(nrules, 2);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(store_begin(s), STORE_OK);
		ck_assert_ptr_eq(store_snapshot(s), sn);
		store_end(s);
	}
	fx_exec(&f, "INSERT INTO rules (pattern, methods, principal) "
	    "VALUES ('/new/**', 'GET', 'all'), ('/new/**', 'PUT', 'editor')");
	ck_assert_int_eq(store_begin(s), STORE_OK);
	ck_assert_ptr_nonnull(sn = store_snapshot(s));
	store_end(s);
	snap_counts(sn, &nres, &nrules);
	ck_assert_uint_eq(nres, 3);
	ck_assert_uint_eq(nrules, 4);
	ck_assert_int_eq(store_begin(s), STORE_OK);
	ck_assert_ptr_eq(store_snapshot(s), sn);
	store_end(s);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/*
 * An admin holding BEGIN IMMEDIATE with an uncommitted change (WAL):
 * decisions go on, on the last committed state, without waiting;
 * after COMMIT the next one sees the change.
 */
START_TEST(test_writer_held)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;
	sqlite3		*h;

	fx_setup(&f);
	fx_exec(&f, base_sql);
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_int_eq(sqlite3_open(f.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "BEGIN IMMEDIATE; DELETE FROM rules "
	    "WHERE pattern = '/public/**'; UPDATE settings SET value = 'New' "
	    "WHERE name = 'realm'", NULL, NULL, NULL), SQLITE_OK);
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	decide_get(s, "/docs/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_NOAUTH);
	ck_assert_str_eq(d.realm, "Portcullis");
	ck_assert_int_eq(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_METHOD);
	decide_get(s, "/docs/x", NULL, &d);
	ck_assert_str_eq(d.realm, "New");
	sqlite3_close(h);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/*
 * Locked past the busy timeout (a rollback-journal database, the
 * admin's EXCLUSIVE lock) while a change is pending: 503, and no
 * snapshot left; after COMMIT the change is what is decided.
 */
START_TEST(test_busy)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;
	sqlite3		*h;

	fx_setup(&f);
	fx_exec(&f, base_sql);
	fx_exec(&f, "PRAGMA journal_mode = DELETE");
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_int_eq(sqlite3_open(f.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "BEGIN EXCLUSIVE; DELETE FROM rules "
	    "WHERE pattern = '/public/**'", NULL, NULL, NULL), SQLITE_OK);
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_BUSY);
	ck_assert_int_eq(d.why, WHY_BUSY);
	ck_assert_ptr_nonnull(strstr(d.detail, "locked"));
	ck_assert_int_eq(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_METHOD);
	sqlite3_close(h);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/*
 * The resources table's page overwritten under a running process
 * (a rollback-journal database, its change counter bumped as a
 * writer would): the rebuild fails, 500, never the old snapshot.
 */
START_TEST(test_corrupt)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;
	sqlite3		*h;
	sqlite3_stmt	*st;
	unsigned char	 page[4096], ctr[4];
	FILE		*fp;
	long		 root, psz;

	fx_setup(&f);
	fx_exec(&f, base_sql);
	fx_exec(&f, "PRAGMA journal_mode = DELETE");
	ck_assert_int_eq(sqlite3_open(f.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT rootpage, "
	    "(SELECT page_size FROM pragma_page_size) FROM sqlite_schema "
	    "WHERE name = 'resources'", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	root = sqlite3_column_int(st, 0);
	psz = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	sqlite3_close(h);
	ck_assert_int_le(psz, (long)sizeof(page));

	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);

	ck_assert_ptr_nonnull(fp = fopen(f.db, "r+b"));
	memset(page, 0xa5, sizeof(page));
	ck_assert_int_eq(fseek(fp, (root - 1) * psz, SEEK_SET), 0);
	ck_assert_uint_eq(fwrite(page, 1, (size_t)psz, fp), (size_t)psz);
	ck_assert_int_eq(fseek(fp, 24, SEEK_SET), 0);
	ck_assert_uint_eq(fread(ctr, 1, 4, fp), 4);
	ctr[3]++;
	ck_assert_int_eq(fseek(fp, 24, SEEK_SET), 0);
	ck_assert_uint_eq(fwrite(ctr, 1, 4, fp), 4);
	ck_assert_int_eq(fclose(fp), 0);

	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ERROR);
	ck_assert_int_eq(d.why, WHY_STORE);
	ck_assert_msg(strstr(d.detail, "malformed") != NULL, "detail: %s",
	    d.detail);
	ck_assert_ptr_null(store_snapshot(s));
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ERROR);
	store_close(s);
	fx_teardown(&f);
}
END_TEST

/*
 * A policy that cannot be compiled when the store is opened: the open
 * succeeds (as before the snapshot), and every decision is a 500
 * saying why, until the database is fixed.
 */
START_TEST(test_open_unbuilt)
{
	struct fx	 f;
	struct store	*s;
	struct decision	 d;
	enum storeres	 res;

	fx_setup(&f);
	fx_exec(&f, base_sql);
	fx_exec(&f, "PRAGMA ignore_check_constraints = ON; UPDATE settings "
	    "SET value = printf('%.300c', 'x') WHERE name = 'realm'");
	ck_assert_ptr_nonnull(s = store_open_ro(f.db, &res, NULL, 0));
	ck_assert_int_eq(res, STORE_OK);
	ck_assert_ptr_null(store_snapshot(s));
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ERROR);
	ck_assert_int_eq(d.why, WHY_STORE);
	ck_assert_str_eq(d.detail, "realm too long");
	fx_exec(&f, "UPDATE settings SET value = 'Fixed' WHERE name = 'realm'");
	decide_get(s, "/public/x", NULL, &d);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	ck_assert_str_eq(d.realm, "Fixed");
	store_close(s);
	fx_teardown(&f);
}
END_TEST

static Suite *
snapshot_suite(void)
{
	Suite	*s = suite_create("snapshot");
	TCase	*tc = tcase_create("memory");
	TCase	*tdb = tcase_create("database");

	tcase_add_loop_test(tc, test_lookup, 0, nitems(lookups));
	tcase_add_loop_test(tc, test_named, 0, nitems(named));
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_rules);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_differential, 0, DIFF_SEEDS);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tdb, 30);
	tcase_add_loop_test(tdb, test_change, 0, nitems(changes));
	tcase_add_test(tdb, test_build_once);
	tcase_add_test(tdb, test_open_unbuilt);
	tcase_add_test(tdb, test_writer_held);
	tcase_add_test(tdb, test_busy);
	tcase_add_test(tdb, test_corrupt);
	suite_add_tcase(s, tdb);
	return s;
}

int
main(void)
{
	return run_suite(snapshot_suite());
}
